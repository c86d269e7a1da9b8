//! Field errors (`k8s.io/apimachinery/pkg/util/validation/field/errors.go`).

use std::fmt;

/// The cause types clients see in `details.causes[].reason`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorType {
    Required,
    Invalid,
    Duplicate,
    Forbidden,
    NotSupported,
    TooLong,
    TooMany,
    Internal,
}

/// One field error.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldError {
    pub error_type: ErrorType,
    /// The field path, e.g. `spec.containers[0].image`.
    pub field: String,
    /// The offending value as upstream prints it (already quoted where upstream quotes), if shown.
    pub bad_value: Option<String>,
    pub detail: String,
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {:?}", self.field, self.error_type)
    }
}
