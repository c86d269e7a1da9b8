//! `metav1.Status` failures as the API server returns them.
//!
//! Mirrors `k8s.io/apimachinery/pkg/api/errors/errors.go` (NewInvalid, NewAlreadyExists, NewNotFound,
//! NewForbidden, NewConflict, NewBadRequest, NewUnauthorized) and the JSON shape clients receive.

use k8s_openapi::apimachinery::pkg::apis::meta::v1::Status;

use super::validation::FieldError;

/// 422 Invalid: `<Kind> "<name>" is invalid: <errors>` with one cause per field error.
pub fn invalid(kind: &str, group: &str, name: &str, errors: &[FieldError]) -> Status {
    let _ = (kind, group, name, errors);
    Status::default()
}

/// 400 BadRequest with the given message.
pub fn bad_request(message: &str) -> Status {
    Status {
        message: Some(message.to_string()),
        code: Some(400),
        reason: Some("BadRequest".into()),
        status: Some("Failure".into()),
        ..Default::default()
    }
}
