//! `metav1.Status` failures as the API server returns them.
//!
//! Mirrors `k8s.io/apimachinery/pkg/api/errors/errors.go` (NewInvalid, NewAlreadyExists, NewNotFound,
//! NewForbidden, NewConflict, NewBadRequest, NewUnauthorized, NewMethodNotSupported) and
//! `apiserver/pkg/endpoints/handlers/responsewriters/status.go` (`ErrorToAPIStatus` for plain errors).
//! Resources are qualified as `GroupResource.String()` does: `pods`, `priorityclasses.scheduling.k8s.io`.

use k8s_openapi::apimachinery::pkg::apis::meta::v1::{Status, StatusCause, StatusDetails};

use super::validation::FieldError;

/// The text `OptimisticLockErrorMsg` of `k8s.io/apiserver/pkg/registry/generic/registry/store.go`.
pub const OPTIMISTIC_LOCK_MESSAGE: &str =
    "the object has been modified; please apply your changes to the latest version and try again";

/// `GroupResource.String()`: `pods` for the core group, `<resource>.<group>` otherwise.
pub fn qualified_resource(resource: &str, group: &str) -> String {
    if group.is_empty() {
        resource.to_string()
    } else {
        format!("{resource}.{group}")
    }
}

fn non_empty(value: &str) -> Option<String> {
    (!value.is_empty()).then(|| value.to_string())
}

fn failure(code: i32, reason: &str, message: String, details: Option<StatusDetails>) -> Status {
    Status {
        code: Some(code),
        details,
        message: Some(message),
        metadata: Default::default(),
        reason: non_empty(reason),
        status: Some("Failure".into()),
    }
}

fn details(name: &str, group: &str, kind: &str) -> Option<StatusDetails> {
    Some(StatusDetails {
        name: non_empty(name),
        group: non_empty(group),
        kind: non_empty(kind),
        ..Default::default()
    })
}

/// 422 Invalid: `<Kind> "<name>" is invalid: <errors>` with one cause per field error.
///
/// Several errors are joined like `utilerrors.NewAggregate`: `[e1, e2]`, duplicates removed; one error is
/// printed bare. `details.kind` is the Kind here (not the resource).
pub fn invalid(kind: &str, group: &str, name: &str, errors: &[FieldError]) -> Status {
    let mut messages: Vec<String> = Vec::new();
    for error in errors {
        let text = error.to_string();
        if !messages.contains(&text) {
            messages.push(text);
        }
    }
    let aggregate = match messages.as_slice() {
        [] => String::new(),
        [one] => one.clone(),
        many => format!("[{}]", many.join(", ")),
    };
    let qualified_kind = if group.is_empty() {
        kind.to_string()
    } else {
        format!("{kind}.{group}")
    };
    let causes = errors
        .iter()
        .map(|e| StatusCause {
            field: Some(e.field.clone()),
            message: Some(e.body()),
            reason: Some(e.error_type.reason().to_string()),
        })
        .collect();
    failure(
        422,
        "Invalid",
        if aggregate.is_empty() {
            format!("{qualified_kind} \"{name}\" is invalid")
        } else {
            format!("{qualified_kind} \"{name}\" is invalid: {aggregate}")
        },
        Some(StatusDetails {
            causes: Some(causes),
            ..details(name, group, kind).unwrap_or_default()
        }),
    )
}

/// 400 BadRequest with the given message (no details).
pub fn bad_request(message: &str) -> Status {
    failure(400, "BadRequest", message.to_string(), None)
}

/// 409 AlreadyExists: `pods "demo-pod" already exists`.
pub fn already_exists(resource: &str, group: &str, name: &str) -> Status {
    failure(
        409,
        "AlreadyExists",
        format!(
            "{} \"{name}\" already exists",
            qualified_resource(resource, group)
        ),
        details(name, group, resource),
    )
}

/// 404 NotFound: `pods "x" not found` (`namespaces "qos-example" not found`).
pub fn not_found(resource: &str, group: &str, name: &str) -> Status {
    failure(
        404,
        "NotFound",
        format!(
            "{} \"{name}\" not found",
            qualified_resource(resource, group)
        ),
        details(name, group, resource),
    )
}

/// 404 for a path the server does not serve (an unknown resource).
pub fn resource_not_served() -> Status {
    failure(
        404,
        "NotFound",
        "the server could not find the requested resource".into(),
        Some(StatusDetails::default()),
    )
}

/// 403 Forbidden: `pods is forbidden: <reason>`, or `pods "p" is forbidden: <reason>` for a named object.
pub fn forbidden(resource: &str, group: &str, name: &str, reason: &str) -> Status {
    let qualified = qualified_resource(resource, group);
    let message = if qualified.is_empty() {
        format!("forbidden: {reason}")
    } else if name.is_empty() {
        format!("{qualified} is forbidden: {reason}")
    } else {
        format!("{qualified} \"{name}\" is forbidden: {reason}")
    };
    failure(403, "Forbidden", message, details(name, group, resource))
}

/// 409 Conflict: `Operation cannot be fulfilled on pods "x": <reason>`. `resource` may carry a
/// subresource (`pods/binding`), as the binding storage reports.
pub fn conflict(resource: &str, group: &str, name: &str, reason: &str) -> Status {
    failure(
        409,
        "Conflict",
        format!(
            "Operation cannot be fulfilled on {} \"{name}\": {reason}",
            qualified_resource(resource, group)
        ),
        details(name, group, resource),
    )
}

/// The 409 of an update whose `resourceVersion` precondition is stale.
pub fn optimistic_lock_conflict(resource: &str, group: &str, name: &str) -> Status {
    conflict(resource, group, name, OPTIMISTIC_LOCK_MESSAGE)
}

/// 401 Unauthorized, as the authentication filter writes it.
pub fn unauthorized() -> Status {
    failure(401, "Unauthorized", "Unauthorized".into(), None)
}

/// 405 MethodNotAllowed: `<verb> is not supported on resources of kind "pods"`.
pub fn method_not_supported(resource: &str, group: &str, action: &str) -> Status {
    failure(
        405,
        "MethodNotAllowed",
        format!(
            "{action} is not supported on resources of kind {:?}",
            qualified_resource(resource, group)
        ),
        details("", group, resource),
    )
}

/// 429 TooManyRequests from the eviction subresource: the budget refused, its reason in one
/// `DisruptionBudget` cause; `retry_after_seconds` (0: none) becomes `details.retryAfterSeconds`.
pub fn disruption_budget_refusal(cause: &str, retry_after_seconds: i32) -> Status {
    failure(
        429,
        "TooManyRequests",
        "Cannot evict pod as it would violate the pod's disruption budget.".into(),
        Some(StatusDetails {
            causes: Some(vec![StatusCause {
                reason: Some("DisruptionBudget".into()),
                message: Some(cause.to_string()),
                field: None,
            }]),
            retry_after_seconds: (retry_after_seconds > 0).then_some(retry_after_seconds),
            ..Default::default()
        }),
    )
}

/// 405 for a verb the path does not serve (the router's answer, e.g. POST to `pods/status`).
pub fn method_not_allowed() -> Status {
    failure(
        405,
        "MethodNotAllowed",
        "the server does not allow this method on the requested resource".into(),
        Some(StatusDetails::default()),
    )
}

/// A plain (non-Status) error reaching the response writer: 500 with an empty reason
/// (`StatusReasonUnknown`), as `ErrorToAPIStatus` renders it.
pub fn internal_plain(message: &str) -> Status {
    failure(500, "", message.to_string(), None)
}

/// `apierrors.NewInternalError`: 500 InternalError, the error as the one cause.
pub fn internal_error(message: &str) -> Status {
    failure(
        500,
        "InternalError",
        format!("Internal error occurred: {message}"),
        Some(StatusDetails {
            causes: Some(vec![StatusCause {
                message: Some(message.to_string()),
                ..Default::default()
            }]),
            ..Default::default()
        }),
    )
}

/// A Status of success, as the create handler returns for a Binding (`code` filled in by the handler).
pub fn success(code: i32) -> Status {
    Status {
        code: Some(code),
        status: Some("Success".into()),
        ..Default::default()
    }
}

/// The Status as clients receive it (JSON).
pub fn to_json(status: &Status) -> serde_json::Value {
    crate::engine::objects::to_json_value(status).unwrap_or(serde_json::Value::Null)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn should_render_invalid_exactly_like_the_reference() {
        let status = invalid(
            "Pod",
            "",
            "demo-pod",
            &[FieldError::required("spec.containers[0].image", "")],
        );
        assert_eq!(
            to_json(&status),
            json!({"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure",
              "message":"Pod \"demo-pod\" is invalid: spec.containers[0].image: Required value",
              "reason":"Invalid","details":{"name":"demo-pod","kind":"Pod",
              "causes":[{"reason":"FieldValueRequired","message":"Required value","field":"spec.containers[0].image"}]},"code":422})
        );
    }

    #[test]
    fn should_aggregate_several_errors_in_brackets_without_duplicates() {
        let name_error = FieldError::invalid("metadata.name", "Demo_Pod", "bad name");
        let image_error = FieldError::required("spec.containers[0].image", "");
        let status = invalid(
            "Pod",
            "",
            "Demo_Pod",
            &[name_error.clone(), image_error, name_error],
        );
        assert_eq!(
            status.message.as_deref(),
            Some(
                "Pod \"Demo_Pod\" is invalid: [metadata.name: Invalid value: \"Demo_Pod\": bad name, \
                 spec.containers[0].image: Required value]"
            )
        );
        // Causes keep every error, as upstream does.
        assert_eq!(
            status.details.and_then(|d| d.causes).map(|c| c.len()),
            Some(3)
        );
    }

    #[test]
    fn should_qualify_kinds_and_resources_of_named_groups() {
        let status = invalid(
            "PriorityClass",
            "scheduling.k8s.io",
            "high",
            &[FieldError::required("value", "")],
        );
        assert_eq!(
            status.message.as_deref(),
            Some("PriorityClass.scheduling.k8s.io \"high\" is invalid: value: Required value")
        );
        assert_eq!(
            to_json(&already_exists(
                "priorityclasses",
                "scheduling.k8s.io",
                "high"
            )),
            json!({"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure",
              "message":"priorityclasses.scheduling.k8s.io \"high\" already exists","reason":"AlreadyExists",
              "details":{"name":"high","group":"scheduling.k8s.io","kind":"priorityclasses"},"code":409})
        );
    }

    #[test]
    fn should_render_already_exists_not_found_and_conflict() {
        assert_eq!(
            to_json(&already_exists("pods", "", "demo-pod")),
            json!({"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure",
              "message":"pods \"demo-pod\" already exists","reason":"AlreadyExists",
              "details":{"name":"demo-pod","kind":"pods"},"code":409})
        );
        assert_eq!(
            to_json(&not_found("namespaces", "", "qos-example")),
            json!({"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure",
              "message":"namespaces \"qos-example\" not found","reason":"NotFound",
              "details":{"name":"qos-example","kind":"namespaces"},"code":404})
        );
        assert_eq!(
            to_json(&optimistic_lock_conflict("pods", "", "x")),
            json!({"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure",
              "message":"Operation cannot be fulfilled on pods \"x\": the object has been modified; please apply your changes to the latest version and try again",
              "reason":"Conflict","details":{"name":"x","kind":"pods"},"code":409})
        );
    }

    #[test]
    fn should_render_forbidden_for_collections_and_named_objects() {
        let reason = "User \"jane\" cannot create resource \"pods\" in API group \"\" in the namespace \"default\"";
        assert_eq!(
            to_json(&forbidden("pods", "", "", reason)),
            json!({"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure",
              "message":"pods is forbidden: User \"jane\" cannot create resource \"pods\" in API group \"\" in the namespace \"default\"",
              "reason":"Forbidden","details":{"kind":"pods"},"code":403})
        );
        assert_eq!(
            forbidden("pods", "", "p", "x").message.as_deref(),
            Some("pods \"p\" is forbidden: x")
        );
    }

    #[test]
    fn should_render_unauthorized_method_not_supported_and_bad_request() {
        assert_eq!(
            to_json(&unauthorized()),
            json!({"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure",
              "message":"Unauthorized","reason":"Unauthorized","code":401})
        );
        assert_eq!(
            to_json(&method_not_supported("bindings", "", "list")),
            json!({"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure",
              "message":"list is not supported on resources of kind \"bindings\"","reason":"MethodNotAllowed",
              "details":{"kind":"bindings"},"code":405})
        );
        assert_eq!(
            to_json(&bad_request("the namespace of the provided object does not match the namespace sent on the request")),
            json!({"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure",
              "message":"the namespace of the provided object does not match the namespace sent on the request",
              "reason":"BadRequest","code":400})
        );
        assert_eq!(
            to_json(&internal_plain(
                "resourceVersion should not be set on objects to be created"
            )),
            json!({"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure",
              "message":"resourceVersion should not be set on objects to be created","code":500})
        );
    }
}
