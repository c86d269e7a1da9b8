//! Priority: resolves a pod's `priorityClassName` to `spec.priority` and `spec.preemptionPolicy`
//! (or the global default class, or priority 0 with `PreemptLowerPriority`), keeps them unchanged on
//! update, and allows only one global default PriorityClass.
//!
//! Mirrors `plugin/pkg/admission/priority/admission.go` (`admitPod`, `validatePriorityClass`,
//! `getDefaultPriority`).

use k8s_openapi::api::scheduling::v1::PriorityClass;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::Status;

use super::{forbidden, Attributes, Context, Operation};
use crate::engine::objects::Object;
use crate::engine::store::{key, list_prefix, Store};

pub const NAME: &str = "Priority";

/// `scheduling.DefaultPriorityWhenNoDefaultClassExists`.
pub const DEFAULT_PRIORITY: i32 = 0;
pub const PREEMPT_LOWER_PRIORITY: &str = "PreemptLowerPriority";

/// The global default class; with several (a race upstream tolerates), the one with the lowest value.
pub fn default_priority_class(store: &Store) -> Option<&PriorityClass> {
    let prefix = list_prefix("priorityclasses", None);
    // (The store's list borrows the prefix, so the winner is looked up again by key.)
    let winner: Option<String> = store
        .list(&prefix)
        .filter_map(|(k, s)| match &s.object {
            Object::PriorityClass(pc) if pc.global_default == Some(true) => {
                Some((pc.value.unwrap_or(0), k.clone()))
            }
            _ => None,
        })
        .min_by_key(|(value, _)| *value)
        .map(|(_, k)| k);
    match store.get(&winner?).map(|s| &s.object) {
        Some(Object::PriorityClass(pc)) => Some(pc),
        _ => None,
    }
}

fn is_priority_class(attrs: &Attributes) -> bool {
    attrs.info.resource == "priorityclasses" && attrs.info.group == "scheduling.k8s.io"
}

pub fn admit(
    attrs: &Attributes,
    object: Option<&mut Object>,
    ctx: &mut Context,
) -> Result<Vec<String>, Status> {
    if !attrs.is_pod() {
        return Ok(Vec::new());
    }
    let Some(Object::Pod(pod)) = object else {
        return Ok(Vec::new());
    };
    let pod = std::sync::Arc::make_mut(pod);
    match attrs.operation {
        Operation::Update => {
            // Priority is set at creation; an update keeps the stored values.
            if let Some(Object::Pod(old)) = attrs.old {
                let old_spec = old.spec.clone().unwrap_or_default();
                let spec = pod.spec.get_or_insert_with(Default::default);
                spec.priority = old_spec.priority;
                spec.preemption_policy = old_spec.preemption_policy;
            }
            Ok(Vec::new())
        }
        Operation::Delete => Ok(Vec::new()),
        Operation::Create => {
            let spec = pod.spec.get_or_insert_with(Default::default);
            let mut changes = Vec::new();
            let (priority, policy) = match spec
                .priority_class_name
                .as_deref()
                .filter(|n| !n.is_empty())
            {
                None => match default_priority_class(ctx.store) {
                    Some(pc) => {
                        let name = pc.metadata.name.clone().unwrap_or_default();
                        changes.push(format!(
                            "set priorityClassName to the global default {name}"
                        ));
                        spec.priority_class_name = Some(name);
                        (pc.value.unwrap_or(0), pc.preemption_policy.clone())
                    }
                    None => (DEFAULT_PRIORITY, Some(PREEMPT_LOWER_PRIORITY.to_string())),
                },
                Some(name) => match ctx
                    .store
                    .get(&key("priorityclasses", None, name))
                    .map(|s| &s.object)
                {
                    Some(Object::PriorityClass(pc)) => {
                        (pc.value.unwrap_or(0), pc.preemption_policy.clone())
                    }
                    _ => {
                        return Err(forbidden(
                            attrs,
                            &format!("no PriorityClass with name {name} was found"),
                        ));
                    }
                },
            };
            if let Some(given) = spec.priority {
                if given != priority {
                    return Err(forbidden(
                        attrs,
                        &format!(
                            "the integer value of priority ({given}) must not be provided in pod spec; priority admission controller computed {priority} from the given PriorityClass name"
                        ),
                    ));
                }
            }
            spec.priority = Some(priority);
            changes.push(format!("set priority to {priority}"));
            if let Some(policy) = policy {
                if let Some(given) = spec.preemption_policy.as_deref() {
                    if given != policy {
                        return Err(forbidden(
                            attrs,
                            &format!(
                                "the string value of PreemptionPolicy ({given}) must not be provided in pod spec; priority admission controller computed {policy} from the given PriorityClass name"
                            ),
                        ));
                    }
                }
                changes.push(format!("set preemptionPolicy to {policy}"));
                spec.preemption_policy = Some(policy);
            }
            Ok(changes)
        }
    }
}

pub fn validate(attrs: &Attributes, object: Option<&Object>, ctx: &Context) -> Result<(), Status> {
    if !is_priority_class(attrs)
        || !attrs.subresource.is_empty()
        || attrs.operation == Operation::Delete
    {
        return Ok(());
    }
    let Some(Object::PriorityClass(pc)) = object else {
        return Ok(());
    };
    if pc.global_default != Some(true) {
        return Ok(());
    }
    if let Some(existing) = default_priority_class(ctx.store) {
        let existing_name = existing.metadata.name.as_deref().unwrap_or("");
        if attrs.operation == Operation::Create
            || existing_name != pc.metadata.name.as_deref().unwrap_or("")
        {
            return Err(forbidden(
                attrs,
                &format!("PriorityClass {existing_name} is already marked as default. Only one default can exist"),
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use super::*;
    use crate::engine::rng::SimRng;
    use serde_json::json;

    fn admit_with(store: &Store, spec: serde_json::Value) -> Result<serde_json::Value, Status> {
        let mut rng = SimRng::new(1);
        let mut ctx = Context {
            store,
            rng: &mut rng,
        };
        let user = admin();
        let a = attrs(Operation::Create, &user, "pods", "", "default", "p", None);
        let mut pod = pod(json!({"metadata": {"name": "p"}, "spec": spec}));
        admit(&a, Some(&mut pod), &mut ctx)?;
        Ok(pod.to_json()["spec"].clone())
    }

    #[test]
    fn should_resolve_priorities_like_upstream() {
        let store = fresh_store();
        let spec = admit_with(&store, json!({"containers": []})).unwrap();
        assert_eq!(
            (spec["priority"].clone(), spec["preemptionPolicy"].clone()),
            (json!(0), json!("PreemptLowerPriority"))
        );
        let spec = admit_with(
            &store,
            json!({"containers": [], "priorityClassName": "system-node-critical"}),
        )
        .unwrap();
        assert_eq!(spec["priority"], json!(2_000_001_000));
        let err = admit_with(
            &store,
            json!({"containers": [], "priorityClassName": "gold"}),
        )
        .unwrap_err();
        assert_eq!(
            err.message.as_deref(),
            Some("pods \"p\" is forbidden: no PriorityClass with name gold was found")
        );
        let err = admit_with(&store, json!({"containers": [], "priority": 5})).unwrap_err();
        assert_eq!(
            err.message.as_deref(),
            Some("pods \"p\" is forbidden: the integer value of priority (5) must not be provided in pod spec; priority admission controller computed 0 from the given PriorityClass name")
        );
    }

    #[test]
    fn should_use_the_global_default_class() {
        let mut store = fresh_store();
        let pc = Object::from_json(
            "PriorityClass",
            json!({"metadata": {"name": "batch"}, "value": 1000, "globalDefault": true, "preemptionPolicy": "Never"}),
        )
        .unwrap();
        store
            .create("/registry/priorityclasses/batch", pc.clone())
            .unwrap();
        let spec = admit_with(&store, json!({"containers": []})).unwrap();
        assert_eq!(spec["priorityClassName"], "batch");
        assert_eq!(spec["priority"], 1000);
        assert_eq!(spec["preemptionPolicy"], "Never");
        // A second default is refused.
        let second = Object::from_json(
            "PriorityClass",
            json!({"metadata": {"name": "other"}, "value": 1, "globalDefault": true}),
        )
        .unwrap();
        let user = admin();
        let a = attrs(
            Operation::Create,
            &user,
            "priorityclasses",
            "",
            "",
            "other",
            None,
        );
        let mut rng = SimRng::new(1);
        let ctx = Context {
            store: &store,
            rng: &mut rng,
        };
        assert_eq!(
            validate(&a, Some(&second), &ctx).unwrap_err().message.as_deref(),
            Some("priorityclasses.scheduling.k8s.io \"other\" is forbidden: PriorityClass batch is already marked as default. Only one default can exist")
        );
    }
}
