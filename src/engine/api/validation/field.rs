//! Field errors (`k8s.io/apimachinery/pkg/util/validation/field/errors.go`).
//!
//! `Error()` is `"<field>: <body>"`; the body is `Required value`, `Invalid value: "<v>"`, ... with any
//! detail appended as `": " + detail`. The cause reasons (`FieldValueRequired`, ...) are what clients see
//! in a 422 Status's `details.causes`.

use std::fmt;

/// The kinds of field error.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorType {
    /// `Required value`
    Required,
    /// `Invalid value`
    Invalid,
    /// `Duplicate value`
    Duplicate,
    /// `Forbidden`
    Forbidden,
    /// `Unsupported value`
    NotSupported,
    /// `Too long`
    TooLong,
    /// `Too many`
    TooMany,
    /// `Internal error`
    Internal,
    /// `Not found`
    NotFound,
}

impl ErrorType {
    /// The `details.causes[].reason` value.
    pub fn reason(&self) -> &'static str {
        match self {
            ErrorType::Required => "FieldValueRequired",
            ErrorType::Invalid => "FieldValueInvalid",
            ErrorType::Duplicate => "FieldValueDuplicate",
            ErrorType::Forbidden => "FieldValueForbidden",
            ErrorType::NotSupported => "FieldValueNotSupported",
            ErrorType::TooLong => "FieldValueTooLong",
            ErrorType::TooMany => "FieldValueTooMany",
            ErrorType::Internal => "InternalError",
            ErrorType::NotFound => "FieldValueNotFound",
        }
    }

    /// The human text of the type (`ErrorType.String()`).
    pub fn text(&self) -> &'static str {
        match self {
            ErrorType::Required => "Required value",
            ErrorType::Invalid => "Invalid value",
            ErrorType::Duplicate => "Duplicate value",
            ErrorType::Forbidden => "Forbidden",
            ErrorType::NotSupported => "Unsupported value",
            ErrorType::TooLong => "Too long",
            ErrorType::TooMany => "Too many",
            ErrorType::Internal => "Internal error",
            ErrorType::NotFound => "Not found",
        }
    }

    /// Whether upstream prints the bad value for this type (`Invalid value: "x"`).
    fn shows_value(&self) -> bool {
        matches!(
            self,
            ErrorType::Invalid
                | ErrorType::Duplicate
                | ErrorType::NotSupported
                | ErrorType::NotFound
                | ErrorType::TooMany
        )
    }
}

/// One field error.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldError {
    pub error_type: ErrorType,
    /// The field path, e.g. `spec.containers[0].image`.
    pub field: String,
    /// The offending value exactly as upstream prints it (strings quoted: `"Demo_Pod"`, numbers bare).
    pub bad_value: Option<String>,
    pub detail: String,
}

impl FieldError {
    fn new(error_type: ErrorType, field: &str, bad_value: Option<String>, detail: &str) -> Self {
        FieldError {
            error_type,
            field: field.to_string(),
            bad_value,
            detail: detail.to_string(),
        }
    }

    pub fn required(field: &str, detail: &str) -> Self {
        Self::new(ErrorType::Required, field, None, detail)
    }

    pub fn forbidden(field: &str, detail: &str) -> Self {
        Self::new(ErrorType::Forbidden, field, None, detail)
    }

    /// `Invalid value` with a string value (printed quoted).
    pub fn invalid(field: &str, value: &str, detail: &str) -> Self {
        Self::new(ErrorType::Invalid, field, Some(quote(value)), detail)
    }

    /// `Invalid value` with a value already formatted as upstream prints it (e.g. a bare number).
    pub fn invalid_raw(field: &str, formatted: String, detail: &str) -> Self {
        Self::new(ErrorType::Invalid, field, Some(formatted), detail)
    }

    /// `Duplicate value` with a value already formatted as upstream prints it (a number, a struct's JSON).
    pub fn duplicate_raw(field: &str, formatted: String) -> Self {
        Self::new(ErrorType::Duplicate, field, Some(formatted), "")
    }

    pub fn duplicate(field: &str, value: &str) -> Self {
        Self::new(ErrorType::Duplicate, field, Some(quote(value)), "")
    }

    /// `Unsupported value: "x": supported values: "a", "b"`.
    pub fn not_supported(field: &str, value: &str, supported: &[&str]) -> Self {
        let detail = if supported.is_empty() {
            String::new()
        } else {
            let quoted: Vec<String> = supported.iter().map(|s| quote(s)).collect();
            format!("supported values: {}", quoted.join(", "))
        };
        Self::new(ErrorType::NotSupported, field, Some(quote(value)), &detail)
    }

    pub fn too_long(field: &str, max: usize) -> Self {
        Self::new(
            ErrorType::TooLong,
            field,
            None,
            &format!("may not be more than {max} bytes"),
        )
    }

    /// `Too many: <actual>: must have at most <max> items` (`field.TooMany`).
    pub fn too_many(field: &str, actual: usize, max: usize) -> Self {
        Self::new(
            ErrorType::TooMany,
            field,
            Some(actual.to_string()),
            &format!("must have at most {max} items"),
        )
    }

    pub fn not_found(field: &str, value: &str) -> Self {
        Self::new(ErrorType::NotFound, field, Some(quote(value)), "")
    }

    /// The text after `<field>: `, e.g. `Invalid value: "Demo_Pod": a lowercase RFC 1123 ...`.
    pub fn body(&self) -> String {
        let mut s = self.error_type.text().to_string();
        if self.error_type.shows_value() {
            if let Some(v) = &self.bad_value {
                s.push_str(": ");
                s.push_str(v);
            }
        }
        if !self.detail.is_empty() {
            s.push_str(": ");
            s.push_str(&self.detail);
        }
        s
    }
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.body())
    }
}

/// Go's `%q` for the plain strings that appear in field errors.
pub fn quote(value: &str) -> String {
    serde_json::to_string(value).unwrap_or_else(|_| format!("\"{value}\""))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_like_upstream() {
        assert_eq!(
            FieldError::required("spec.containers[0].image", "").to_string(),
            "spec.containers[0].image: Required value"
        );
        assert_eq!(
            FieldError::duplicate("spec.containers[1].name", "nginx").to_string(),
            "spec.containers[1].name: Duplicate value: \"nginx\""
        );
        assert_eq!(
            FieldError::not_supported("spec.restartPolicy", "Sometimes", &["Always", "OnFailure", "Never"])
                .to_string(),
            "spec.restartPolicy: Unsupported value: \"Sometimes\": supported values: \"Always\", \"OnFailure\", \"Never\""
        );
        assert_eq!(
            FieldError::required("x", "").error_type.reason(),
            "FieldValueRequired"
        );
    }
}
