//! Validation of API objects on create and update, with upstream's exact field-error texts.
//!
//! Mirrors `pkg/apis/core/validation/validation.go` and `k8s.io/apimachinery/pkg/api/validation`.

pub mod field;

pub use field::*;

use crate::engine::objects::Object;

/// Errors for a new object (empty when valid).
pub fn validate_create(object: &Object) -> Vec<FieldError> {
    let _ = object;
    Vec::new()
}

/// Errors for replacing `old` with `new` through the main resource.
pub fn validate_update(new: &Object, old: &Object) -> Vec<FieldError> {
    let _ = (new, old);
    Vec::new()
}

/// Errors for a write through the `status` subresource.
pub fn validate_status_update(new: &Object, old: &Object) -> Vec<FieldError> {
    let _ = (new, old);
    Vec::new()
}
