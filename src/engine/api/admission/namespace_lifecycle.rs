//! NamespaceLifecycle: no new content in missing or terminating namespaces, and the system namespaces
//! cannot be deleted.
//!
//! Mirrors `k8s.io/apiserver/pkg/admission/plugin/namespace/lifecycle/admission.go` (`Lifecycle.Admit`).

use k8s_openapi::api::core::v1::Namespace;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{Status, StatusCause};

use super::{forbidden, Attributes, Context, Operation};
use crate::engine::api::bootstrap::IMMORTAL_NAMESPACES;
use crate::engine::api::status;
use crate::engine::objects::Object;
use crate::engine::store::key;

pub const NAME: &str = "NamespaceLifecycle";

fn stored_namespace<'a>(ctx: &'a Context, name: &str) -> Option<&'a Namespace> {
    match ctx
        .store
        .get(&key("namespaces", None, name))
        .map(|s| &s.object)
    {
        Some(Object::Namespace(ns)) => Some(ns),
        _ => None,
    }
}

pub fn admit(
    attrs: &Attributes,
    _object: Option<&mut Object>,
    ctx: &mut Context,
) -> Result<Vec<String>, Status> {
    let is_namespace = attrs.info.kind == "Namespace";
    if attrs.operation == Operation::Delete
        && is_namespace
        && IMMORTAL_NAMESPACES.contains(&attrs.name)
    {
        return Err(status::forbidden(
            "namespaces",
            "",
            attrs.name,
            "this namespace may not be deleted",
        ));
    }
    if is_namespace || attrs.namespace.is_empty() || attrs.operation == Operation::Delete {
        return Ok(Vec::new());
    }
    let Some(namespace) = stored_namespace(ctx, attrs.namespace) else {
        return Err(status::not_found("namespaces", "", attrs.namespace));
    };
    let terminating =
        namespace.status.as_ref().and_then(|s| s.phase.as_deref()) == Some("Terminating");
    if attrs.operation == Operation::Create && terminating {
        let mut rejection = forbidden(
            attrs,
            &format!(
                "unable to create new content in namespace {} because it is being terminated",
                attrs.namespace
            ),
        );
        if let Some(details) = rejection.details.as_mut() {
            details
                .causes
                .get_or_insert_with(Vec::new)
                .push(StatusCause {
                    field: Some("metadata.namespace".into()),
                    message: Some(format!("namespace {} is being terminated", attrs.namespace)),
                    reason: Some("NamespaceTerminating".into()),
                });
        }
        return Err(rejection);
    }
    Ok(Vec::new())
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use super::*;
    use crate::engine::api::status::to_json;
    use crate::engine::rng::SimRng;
    use serde_json::json;

    #[test]
    fn should_reject_content_in_a_missing_namespace_with_404() {
        let store = fresh_store();
        let mut rng = SimRng::new(1);
        let mut ctx = Context {
            store: &store,
            rng: &mut rng,
        };
        let user = admin();
        let a = attrs(
            Operation::Create,
            &user,
            "pods",
            "",
            "qos-example",
            "qos-demo",
            None,
        );
        let err = admit(&a, None, &mut ctx).unwrap_err();
        assert_eq!(
            to_json(&err),
            json!({"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure",
              "message":"namespaces \"qos-example\" not found","reason":"NotFound",
              "details":{"name":"qos-example","kind":"namespaces"},"code":404})
        );
    }

    #[test]
    fn should_forbid_new_content_in_a_terminating_namespace() {
        let mut store = fresh_store();
        let mut ns = crate::engine::api::bootstrap::namespace("doomed");
        if let Object::Namespace(n) = &mut ns {
            std::sync::Arc::make_mut(n).status.as_mut().unwrap().phase = Some("Terminating".into());
        }
        store.create("/registry/namespaces/doomed", ns).unwrap();
        let mut rng = SimRng::new(1);
        let mut ctx = Context {
            store: &store,
            rng: &mut rng,
        };
        let user = admin();
        let a = attrs(Operation::Create, &user, "pods", "", "doomed", "p", None);
        let err = admit(&a, None, &mut ctx).unwrap_err();
        assert_eq!(
            to_json(&err),
            json!({"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure",
              "message":"pods \"p\" is forbidden: unable to create new content in namespace doomed because it is being terminated",
              "reason":"Forbidden",
              "details":{"name":"p","kind":"pods","causes":[{"reason":"NamespaceTerminating","message":"namespace doomed is being terminated","field":"metadata.namespace"}]},
              "code":403})
        );
        // Updates and deletes of existing content go on.
        let a = attrs(Operation::Delete, &user, "pods", "", "doomed", "p", None);
        assert!(admit(&a, None, &mut ctx).is_ok());
    }

    #[test]
    fn should_refuse_to_delete_immortal_namespaces() {
        let store = fresh_store();
        let mut rng = SimRng::new(1);
        let mut ctx = Context {
            store: &store,
            rng: &mut rng,
        };
        let user = admin();
        let a = attrs(
            Operation::Delete,
            &user,
            "namespaces",
            "",
            "",
            "kube-system",
            None,
        );
        assert_eq!(
            admit(&a, None, &mut ctx).unwrap_err().message.as_deref(),
            Some("namespaces \"kube-system\" is forbidden: this namespace may not be deleted")
        );
        let a = attrs(
            Operation::Delete,
            &user,
            "namespaces",
            "",
            "",
            "kube-node-lease",
            None,
        );
        assert!(admit(&a, None, &mut ctx).is_ok());
    }
}
