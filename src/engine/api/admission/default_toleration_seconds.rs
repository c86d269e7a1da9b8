//! DefaultTolerationSeconds: every pod tolerates `not-ready` and `unreachable` NoExecute taints for
//! 300 seconds unless it already tolerates them.
//!
//! Mirrors `plugin/pkg/admission/defaulttolerationseconds/admission.go` (create and update of pods).

use k8s_openapi::api::core::v1::Toleration;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::Status;

use super::{Attributes, Context, Operation};
use crate::engine::objects::Object;

pub const NAME: &str = "DefaultTolerationSeconds";

pub const NOT_READY_TAINT: &str = "node.kubernetes.io/not-ready";
pub const UNREACHABLE_TAINT: &str = "node.kubernetes.io/unreachable";
/// `--default-not-ready-toleration-seconds` and `--default-unreachable-toleration-seconds`.
pub const DEFAULT_TOLERATION_SECONDS: i64 = 300;

fn tolerates(tolerations: &[Toleration], taint_key: &str) -> bool {
    tolerations.iter().any(|t| {
        let key = t.key.as_deref().unwrap_or("");
        let effect = t.effect.as_deref().unwrap_or("");
        (key == taint_key || key.is_empty()) && (effect == "NoExecute" || effect.is_empty())
    })
}

fn toleration(key: &str) -> Toleration {
    Toleration {
        key: Some(key.into()),
        operator: Some("Exists".into()),
        effect: Some("NoExecute".into()),
        toleration_seconds: Some(DEFAULT_TOLERATION_SECONDS),
        value: None,
    }
}

pub fn admit(
    attrs: &Attributes,
    object: Option<&mut Object>,
    _ctx: &mut Context,
) -> Result<Vec<String>, Status> {
    if !attrs.is_pod() || attrs.operation == Operation::Delete {
        return Ok(Vec::new());
    }
    let Some(Object::Pod(pod)) = object else {
        return Ok(Vec::new());
    };
    let pod = std::sync::Arc::make_mut(pod);
    let spec = pod.spec.get_or_insert_with(Default::default);
    let existing = spec.tolerations.clone().unwrap_or_default();
    let mut changes = Vec::new();
    for key in [NOT_READY_TAINT, UNREACHABLE_TAINT] {
        if !tolerates(&existing, key) {
            spec.tolerations
                .get_or_insert_with(Vec::new)
                .push(toleration(key));
            changes.push(format!(
                "added toleration {key}:NoExecute op=Exists for {DEFAULT_TOLERATION_SECONDS}s"
            ));
        }
    }
    Ok(changes)
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use super::*;
    use crate::engine::rng::SimRng;
    use crate::engine::store::Store;
    use serde_json::json;

    fn run(pod_json: serde_json::Value) -> (Vec<String>, serde_json::Value) {
        let store = Store::new();
        let mut rng = SimRng::new(1);
        let mut ctx = Context {
            store: &store,
            rng: &mut rng,
        };
        let user = admin();
        let a = attrs(Operation::Create, &user, "pods", "", "default", "p", None);
        let mut pod = pod(pod_json);
        let changes = admit(&a, Some(&mut pod), &mut ctx).unwrap();
        (changes, pod.to_json()["spec"]["tolerations"].clone())
    }

    #[test]
    fn should_append_both_tolerations_in_order() {
        let (changes, tolerations) =
            run(json!({"metadata": {"name": "p"}, "spec": {"containers": []}}));
        assert_eq!(changes.len(), 2);
        assert_eq!(
            tolerations,
            json!([
                {"effect":"NoExecute","key":"node.kubernetes.io/not-ready","operator":"Exists","tolerationSeconds":300},
                {"effect":"NoExecute","key":"node.kubernetes.io/unreachable","operator":"Exists","tolerationSeconds":300}
            ])
        );
    }

    #[test]
    fn should_respect_existing_tolerations() {
        let cases = [
            (
                json!([{"key": "node.kubernetes.io/not-ready", "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 10}]),
                1,
            ),
            (json!([{"operator": "Exists"}]), 0),
            (
                json!([{"key": "node.kubernetes.io/unreachable", "operator": "Exists"}]),
                1,
            ),
            (
                json!([{"key": "node.kubernetes.io/unreachable", "operator": "Exists", "effect": "NoSchedule"}]),
                2,
            ),
        ];
        for (existing, added) in cases {
            let (changes, _) = run(
                json!({"metadata": {"name": "p"}, "spec": {"containers": [], "tolerations": existing}}),
            );
            assert_eq!(changes.len(), added, "{existing}");
        }
    }
}
