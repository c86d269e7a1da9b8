//! Registry strategies: what the storage layer does to an object before create and update.
//!
//! Mirrors `pkg/registry/core/pod/strategy.go` (PrepareForCreate/PrepareForUpdate, the status strategy,
//! `applySchedulingGatedCondition`, `mutatePodAffinity`, `mutateTopologySpreadConstraints`,
//! `updatePodGeneration`), `pkg/apis/core/helper/qos/qos.go ComputePodQOS`, and the equivalent strategies of
//! namespaces, nodes, services, deployments and PodDisruptionBudgets
//! (`pkg/registry/policy/poddisruptionbudget/strategy.go`).
//!
//! `DropDisabledPodFields` / `DropDisabledTemplateFields` run as upstream runs them, before validation
//! (`drop_disabled`).

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{Pod, PodCondition, PodStatus};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{LabelSelector, LabelSelectorRequirement};

use crate::engine::objects::Object;
use crate::engine::quantity::Quantity;

use super::drop_disabled::{drop_disabled_pod_fields, drop_disabled_template_fields};

/// `Scheduling is blocked due to non-empty scheduling gates` (the SchedulingGated condition message).
pub const SCHEDULING_GATED_MESSAGE: &str =
    "Scheduling is blocked due to non-empty scheduling gates";

/// Prepares a new object for storage (e.g. a Pod's `status` becomes `{phase: Pending, qosClass: ...}`).
pub fn prepare_for_create(object: &mut Object) {
    // rest.BeforeCreate: a create can never carry a deletion.
    let meta = object.metadata_mut();
    meta.deletion_timestamp = None;
    meta.deletion_grace_period_seconds = None;
    match object {
        Object::Pod(pod) => {
            let pod = std::sync::Arc::make_mut(pod);
            pod.status = Some(PodStatus {
                phase: Some("Pending".into()),
                qos_class: Some(compute_pod_qos(pod).into()),
                ..Default::default()
            });
            if let Some(spec) = pod.spec.as_mut() {
                drop_disabled_pod_fields(spec, None);
            }
            apply_scheduling_gated_condition(pod);
            mutate_pod_affinity(pod);
            mutate_topology_spread_constraints(pod);
            pod.metadata.generation = Some(1);
        }
        Object::Namespace(namespace) => {
            let namespace = std::sync::Arc::make_mut(namespace);
            namespace.status = Some(k8s_openapi::api::core::v1::NamespaceStatus {
                phase: Some("Active".into()),
                ..Default::default()
            });
            let spec = namespace.spec.get_or_insert_with(Default::default);
            let finalizers = spec.finalizers.get_or_insert_with(Vec::new);
            if !finalizers.iter().any(|f| f == "kubernetes") {
                finalizers.push("kubernetes".into());
            }
        }
        Object::Service(service) => {
            let service = std::sync::Arc::make_mut(service);
            service.status = Some(Default::default());
        }
        Object::Deployment(deployment) => {
            let deployment = std::sync::Arc::make_mut(deployment);
            deployment.status = Some(Default::default());
            deployment.metadata.generation = Some(1);
            if let Some(spec) = deployment.spec.as_mut() {
                drop_disabled_template_fields(&mut spec.template, None);
            }
        }
        Object::ReplicaSet(replica_set) => {
            let replica_set = std::sync::Arc::make_mut(replica_set);
            replica_set.status = Some(Default::default());
            replica_set.metadata.generation = Some(1);
            if let Some(template) = replica_set.spec.as_mut().and_then(|s| s.template.as_mut()) {
                drop_disabled_template_fields(template, None);
            }
        }
        Object::PodDisruptionBudget(pdb) => {
            // podDisruptionBudgetStrategy.PrepareForCreate: a zero status (its four counters are
            // always written) and generation 1.
            let pdb = std::sync::Arc::make_mut(pdb);
            pdb.status = Some(k8s_openapi::api::policy::v1::PodDisruptionBudgetStatus {
                current_healthy: Some(0),
                desired_healthy: Some(0),
                disruptions_allowed: Some(0),
                expected_pods: Some(0),
                ..Default::default()
            });
            pdb.metadata.generation = Some(1);
        }
        Object::PersistentVolumeClaim(pvc) => {
            let pvc = std::sync::Arc::make_mut(pvc);
            pvc.status = Some(k8s_openapi::api::core::v1::PersistentVolumeClaimStatus {
                phase: Some("Pending".into()),
                ..Default::default()
            });
        }
        _ => {}
    }
}

/// Prepares an update through the main resource: status changes are discarded for kinds with a status
/// subresource; a Pod's generation goes up when its spec changes.
pub fn prepare_for_update(new: &mut Object, old: &Object) {
    before_update(new, old);
    match (new, old) {
        (Object::Pod(new), Object::Pod(old)) => {
            let new = std::sync::Arc::make_mut(new);
            new.status = old.status.clone();
            if let Some(spec) = new.spec.as_mut() {
                drop_disabled_pod_fields(spec, old.spec.as_ref());
            }
            // updatePodGeneration: any spec change bumps the generation.
            if new.spec != old.spec {
                new.metadata.generation =
                    Some(old.metadata.generation.unwrap_or(0).saturating_add(1));
            }
        }
        (Object::Namespace(new), Object::Namespace(old)) => {
            let new = std::sync::Arc::make_mut(new);
            let finalizers = old.spec.as_ref().and_then(|s| s.finalizers.clone());
            new.spec.get_or_insert_with(Default::default).finalizers = finalizers;
            new.status = old.status.clone();
        }
        (Object::Node(new), Object::Node(old)) => {
            std::sync::Arc::make_mut(new).status = old.status.clone()
        }
        (Object::Service(new), Object::Service(old)) => {
            std::sync::Arc::make_mut(new).status = old.status.clone()
        }
        (Object::PersistentVolumeClaim(new), Object::PersistentVolumeClaim(old)) => {
            let new = std::sync::Arc::make_mut(new);
            new.status = old.status.clone()
        }
        (Object::PersistentVolume(new), Object::PersistentVolume(old)) => {
            let new = std::sync::Arc::make_mut(new);
            new.status = old.status.clone()
        }
        (Object::Deployment(new), Object::Deployment(old)) => {
            let new = std::sync::Arc::make_mut(new);
            new.status = old.status.clone();
            if let Some(spec) = new.spec.as_mut() {
                let old_template = old.spec.as_ref().map(|s| &s.template);
                drop_disabled_template_fields(&mut spec.template, old_template);
            }
            // `deploymentStrategy.PrepareForUpdate`: annotations count too (they used to carry rollbacks).
            if new.spec != old.spec || new.metadata.annotations != old.metadata.annotations {
                new.metadata.generation = Some(old.metadata.generation.unwrap_or(0) + 1);
            }
        }
        (Object::ReplicaSet(new), Object::ReplicaSet(old)) => {
            let new = std::sync::Arc::make_mut(new);
            new.status = old.status.clone();
            if let Some(template) = new.spec.as_mut().and_then(|s| s.template.as_mut()) {
                let old_template = old.spec.as_ref().and_then(|s| s.template.as_ref());
                drop_disabled_template_fields(template, old_template);
            }
            if new.spec != old.spec {
                new.metadata.generation = Some(old.metadata.generation.unwrap_or(0) + 1);
            }
        }
        (Object::PodDisruptionBudget(new), Object::PodDisruptionBudget(old)) => {
            // The spec is mutable; a change to it is a new generation.
            let new = std::sync::Arc::make_mut(new);
            new.status = old.status.clone();
            if new.spec != old.spec {
                new.metadata.generation = Some(old.metadata.generation.unwrap_or(0) + 1);
            }
        }
        _ => {}
    }
}

/// Prepares an update through the `status` subresource: the spec stays as stored; for pods the owner
/// references and the QoS class too, and a deletion timestamp cannot be set this way.
pub fn prepare_for_status_update(new: &mut Object, old: &Object) {
    match (&mut *new, old) {
        (Object::Pod(new), Object::Pod(old)) => {
            let new = std::sync::Arc::make_mut(new);
            new.spec = old.spec.clone();
            new.metadata.deletion_timestamp = None;
            new.metadata.owner_references = old.metadata.owner_references.clone();
            let old_status = old.status.clone().unwrap_or_default();
            let status = new.status.get_or_insert_with(Default::default);
            // The QoS class is immutable; an old kubelet may send it empty, so it is backfilled.
            if status.qos_class.as_deref().is_none_or(str::is_empty) {
                status.qos_class = old_status.qos_class.clone();
            }
            preserve_old_observed_generation(status, &old_status);
        }
        (Object::Namespace(new), Object::Namespace(old)) => {
            std::sync::Arc::make_mut(new).spec = old.spec.clone()
        }
        (Object::Node(new), Object::Node(old)) => {
            std::sync::Arc::make_mut(new).spec = old.spec.clone()
        }
        (Object::Service(new), Object::Service(old)) => {
            std::sync::Arc::make_mut(new).spec = old.spec.clone()
        }
        (Object::PersistentVolumeClaim(new), Object::PersistentVolumeClaim(old)) => {
            let new = std::sync::Arc::make_mut(new);
            new.spec = old.spec.clone()
        }
        (Object::PersistentVolume(new), Object::PersistentVolume(old)) => {
            let new = std::sync::Arc::make_mut(new);
            new.spec = old.spec.clone()
        }
        (Object::Deployment(new), Object::Deployment(old)) => {
            let new = std::sync::Arc::make_mut(new);
            new.spec = old.spec.clone();
            new.metadata.labels = old.metadata.labels.clone();
        }
        (Object::ReplicaSet(new), Object::ReplicaSet(old)) => {
            std::sync::Arc::make_mut(new).spec = old.spec.clone()
        }
        (Object::PodDisruptionBudget(new), Object::PodDisruptionBudget(old)) => {
            std::sync::Arc::make_mut(new).spec = old.spec.clone()
        }
        _ => {}
    }
    before_update(new, old);
}

/// `rest.BeforeUpdate`'s generic part: the generation, UID, creation time, deletion time and grace period
/// cannot be changed by a write, whatever the body says.
fn before_update(new: &mut Object, old: &Object) {
    let old_meta = old.metadata();
    let meta = new.metadata_mut();
    meta.generation = old_meta.generation;
    if meta.uid.as_deref().is_none_or(str::is_empty) {
        meta.uid = old_meta.uid.clone();
    }
    if old_meta.creation_timestamp.is_some() {
        meta.creation_timestamp = old_meta.creation_timestamp.clone();
    }
    if old_meta.deletion_timestamp.is_some() {
        meta.deletion_timestamp = old_meta.deletion_timestamp.clone();
    }
    if old_meta.deletion_grace_period_seconds.is_some()
        && meta.deletion_grace_period_seconds.is_none()
    {
        meta.deletion_grace_period_seconds = old_meta.deletion_grace_period_seconds;
    }
}

/// `preserveOldObservedGeneration`: a status write that leaves `observedGeneration` unset (in the status or
/// in a condition) keeps the stored value.
fn preserve_old_observed_generation(status: &mut PodStatus, old: &PodStatus) {
    if status.observed_generation.is_none_or(|g| g == 0) {
        status.observed_generation = old.observed_generation;
    }
    let mut remembered: Vec<(String, Option<i64>)> = old
        .conditions
        .iter()
        .flatten()
        .map(|c| (c.type_.clone(), c.observed_generation))
        .collect();
    for condition in status.conditions.iter_mut().flatten() {
        let old_generation = remembered
            .iter()
            .position(|(t, _)| *t == condition.type_)
            .map(|i| remembered.remove(i).1)
            .unwrap_or(None);
        if condition.observed_generation.is_none_or(|g| g == 0) {
            condition.observed_generation = old_generation;
        }
    }
}

/// `ComputePodQOS`: `BestEffort`, `Burstable` or `Guaranteed` from the cpu and memory amounts (> 0 only) of
/// the containers and init containers, or of `spec.resources` when pod-level resources are set.
pub fn compute_pod_qos(pod: &Pod) -> &'static str {
    let Some(spec) = &pod.spec else {
        return "BestEffort";
    };
    let mut requests: BTreeMap<&str, i64> = BTreeMap::new();
    let mut limits: BTreeMap<&str, i64> = BTreeMap::new();
    let mut guaranteed = true;
    let mut account =
        |resources: Option<&k8s_openapi::api::core::v1::ResourceRequirements>| -> bool {
            let positive = |list: Option<
                &BTreeMap<String, k8s_openapi::apimachinery::pkg::api::resource::Quantity>,
            >| {
                list.into_iter()
                    .flatten()
                    .filter_map(|(name, q)| {
                        let name: &'static str = match name.as_str() {
                            "cpu" => "cpu",
                            "memory" => "memory",
                            _ => return None,
                        };
                        let milli = Quantity::parse(q.0.trim()).ok()?.milli_value();
                        (milli > 0).then_some((name, milli))
                    })
                    .collect::<Vec<_>>()
            };
            for (name, milli) in positive(resources.and_then(|r| r.requests.as_ref())) {
                let slot = requests.entry(name).or_insert(0);
                *slot = slot.saturating_add(milli);
            }
            let found = positive(resources.and_then(|r| r.limits.as_ref()));
            for (name, milli) in &found {
                let slot = limits.entry(name).or_insert(0);
                *slot = slot.saturating_add(*milli);
            }
            found.iter().any(|(n, _)| *n == "cpu") && found.iter().any(|(n, _)| *n == "memory")
        };
    let pod_level = spec.resources.as_ref().filter(|r| {
        r.requests.as_ref().is_some_and(|m| !m.is_empty())
            || r.limits.as_ref().is_some_and(|m| !m.is_empty())
    });
    if let Some(resources) = pod_level {
        let has_limits = resources.limits.as_ref().is_some_and(|m| !m.is_empty());
        let all_limits = account(Some(resources));
        if has_limits && !all_limits {
            guaranteed = false;
        }
    } else {
        for container in spec
            .containers
            .iter()
            .chain(spec.init_containers.iter().flatten())
        {
            if !account(container.resources.as_ref()) {
                guaranteed = false;
            }
        }
    }
    if requests.is_empty() && limits.is_empty() {
        return "BestEffort";
    }
    if guaranteed
        && requests
            .iter()
            .all(|(name, req)| limits.get(name) == Some(req))
        && requests.len() == limits.len()
    {
        return "Guaranteed";
    }
    "Burstable"
}

/// A `PodScheduled=False, reason SchedulingGated` condition when the pod has scheduling gates.
fn apply_scheduling_gated_condition(pod: &mut Pod) {
    let gated = pod
        .spec
        .as_ref()
        .and_then(|s| s.scheduling_gates.as_ref())
        .is_some_and(|g| !g.is_empty());
    if !gated {
        return;
    }
    // `UpdatePodCondition` stamps the transition with "now": the request time the handler already wrote
    // into `creationTimestamp`.
    let now = pod.metadata.creation_timestamp.clone();
    let status = pod.status.get_or_insert_with(Default::default);
    let conditions = status.conditions.get_or_insert_with(Vec::new);
    if conditions.iter().any(|c| c.type_ == "PodScheduled") {
        return;
    }
    conditions.push(PodCondition {
        type_: "PodScheduled".into(),
        status: "False".into(),
        reason: Some("SchedulingGated".into()),
        message: Some(SCHEDULING_GATED_MESSAGE.into()),
        last_transition_time: now,
        ..Default::default()
    });
}

/// Adds `key In [value]` (or `NotIn`) requirements for each `matchLabelKeys` (`mismatchLabelKeys`) key the
/// pod carries as a label.
fn merge_label_keys(
    selector: &mut Option<LabelSelector>,
    keys: &[String],
    operator: &str,
    labels: &BTreeMap<String, String>,
) {
    for key in keys {
        let Some(value) = labels.get(key) else {
            continue;
        };
        let selector = selector.get_or_insert_with(LabelSelector::default);
        selector
            .match_expressions
            .get_or_insert_with(Vec::new)
            .push(LabelSelectorRequirement {
                key: key.clone(),
                operator: operator.into(),
                values: Some(vec![value.clone()]),
            });
    }
}

/// `mutatePodAffinity`: `matchLabelKeys`/`mismatchLabelKeys` of pod (anti-)affinity terms become
/// label-selector requirements.
fn mutate_pod_affinity(pod: &mut Pod) {
    let labels = pod.metadata.labels.clone().unwrap_or_default();
    let Some(affinity) = pod.spec.as_mut().and_then(|s| s.affinity.as_mut()) else {
        return;
    };
    let mut terms: Vec<&mut k8s_openapi::api::core::v1::PodAffinityTerm> = Vec::new();
    if let Some(a) = affinity.pod_affinity.as_mut() {
        terms.extend(
            a.required_during_scheduling_ignored_during_execution
                .iter_mut()
                .flatten(),
        );
        terms.extend(
            a.preferred_during_scheduling_ignored_during_execution
                .iter_mut()
                .flatten()
                .map(|w| &mut w.pod_affinity_term),
        );
    }
    if let Some(a) = affinity.pod_anti_affinity.as_mut() {
        terms.extend(
            a.required_during_scheduling_ignored_during_execution
                .iter_mut()
                .flatten(),
        );
        terms.extend(
            a.preferred_during_scheduling_ignored_during_execution
                .iter_mut()
                .flatten()
                .map(|w| &mut w.pod_affinity_term),
        );
    }
    for term in terms {
        if term.label_selector.is_none() {
            continue;
        }
        let match_keys = term.match_label_keys.clone().unwrap_or_default();
        let mismatch_keys = term.mismatch_label_keys.clone().unwrap_or_default();
        merge_label_keys(&mut term.label_selector, &match_keys, "In", &labels);
        merge_label_keys(&mut term.label_selector, &mismatch_keys, "NotIn", &labels);
    }
}

/// `mutateTopologySpreadConstraints`: `matchLabelKeys` become label-selector requirements.
fn mutate_topology_spread_constraints(pod: &mut Pod) {
    let labels = pod.metadata.labels.clone().unwrap_or_default();
    let Some(constraints) = pod
        .spec
        .as_mut()
        .and_then(|s| s.topology_spread_constraints.as_mut())
    else {
        return;
    };
    for constraint in constraints {
        if constraint.label_selector.is_none() {
            continue;
        }
        let keys = constraint.match_label_keys.clone().unwrap_or_default();
        merge_label_keys(&mut constraint.label_selector, &keys, "In", &labels);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn pod(value: serde_json::Value) -> Object {
        Object::from_json("Pod", value).expect("valid pod")
    }

    fn qos(spec: serde_json::Value) -> &'static str {
        match pod(json!({"spec": spec})) {
            Object::Pod(p) => compute_pod_qos(&p),
            _ => unreachable!(),
        }
    }

    #[test]
    fn should_classify_qos_like_compute_pod_qos() {
        let c = |resources: serde_json::Value| json!({"name": "c", "image": "x", "resources": resources});
        let cases = [
            (
                "no resources",
                json!({"containers": [c(json!({}))]}),
                "BestEffort",
            ),
            (
                "zero requests only",
                json!({"containers": [c(json!({"requests": {"cpu": "0"}}))]}),
                "BestEffort",
            ),
            (
                "requests only",
                json!({"containers": [c(json!({"requests": {"cpu": "1"}}))]}),
                "Burstable",
            ),
            (
                "equal cpu and memory",
                json!({"containers": [c(json!({"requests": {"cpu": "1", "memory": "1Gi"}, "limits": {"cpu": "1", "memory": "1Gi"}}))]}),
                "Guaranteed",
            ),
            (
                "cpu limit only",
                json!({"containers": [c(json!({"requests": {"cpu": "1"}, "limits": {"cpu": "1"}}))]}),
                "Burstable",
            ),
            (
                "init container without limits",
                json!({"containers": [c(json!({"requests": {"cpu": "1", "memory": "1Gi"}, "limits": {"cpu": "1", "memory": "1Gi"}}))],
                       "initContainers": [c(json!({}))]}),
                "Burstable",
            ),
            (
                "pod-level limits and requests equal",
                json!({"resources": {"requests": {"cpu": "1", "memory": "1Gi"}, "limits": {"cpu": "1", "memory": "1Gi"}},
                       "containers": [c(json!({}))]}),
                "Guaranteed",
            ),
            (
                "extended resources do not count",
                json!({"containers": [c(json!({"requests": {"example.com/gpu": "1"}, "limits": {"example.com/gpu": "1"}}))]}),
                "BestEffort",
            ),
        ];
        for (name, spec, want) in cases {
            assert_eq!(qos(spec), want, "{name}");
        }
    }

    #[test]
    fn should_set_pending_status_generation_and_gated_condition_on_create() {
        let mut object = pod(
            json!({"metadata": {"name": "p"}, "spec": {"containers": [{"name": "c", "image": "x"}],
            "schedulingGates": [{"name": "example.com/gate"}]}, "status": {"phase": "Running"}}),
        );
        prepare_for_create(&mut object);
        let value = object.to_json();
        assert_eq!(value["metadata"]["generation"], 1);
        assert_eq!(
            value["status"],
            json!({"conditions": [{"message": "Scheduling is blocked due to non-empty scheduling gates",
                "reason": "SchedulingGated", "status": "False", "type": "PodScheduled"}],
                "phase": "Pending", "qosClass": "BestEffort"})
        );
    }

    #[test]
    fn should_merge_match_label_keys_into_selectors() {
        let mut object = pod(
            json!({"metadata": {"name": "p", "labels": {"app": "web"}}, "spec": {"containers": [],
            "topologySpreadConstraints": [{"maxSkew": 1, "topologyKey": "zone", "whenUnsatisfiable": "DoNotSchedule",
                "labelSelector": {"matchLabels": {"app": "web"}}, "matchLabelKeys": ["app", "missing"]}]}}),
        );
        prepare_for_create(&mut object);
        assert_eq!(
            object.to_json()["spec"]["topologySpreadConstraints"][0]["labelSelector"]
                ["matchExpressions"],
            json!([{"key": "app", "operator": "In", "values": ["web"]}])
        );
    }

    #[test]
    fn should_keep_status_and_bump_generation_only_on_spec_change() {
        let mut old = pod(
            json!({"metadata": {"name": "p"}, "spec": {"containers": [{"name": "c", "image": "x"}]}}),
        );
        prepare_for_create(&mut old);
        let mut same = pod(
            json!({"metadata": {"name": "p", "labels": {"a": "b"}}, "spec": {"containers": [{"name": "c", "image": "x"}]},
            "status": {"phase": "Failed"}}),
        );
        prepare_for_update(&mut same, &old);
        assert_eq!(same.to_json()["status"]["phase"], "Pending");
        assert_eq!(same.to_json()["metadata"]["generation"], 1);
        let mut changed = pod(
            json!({"metadata": {"name": "p"}, "spec": {"containers": [{"name": "c", "image": "y"}]}}),
        );
        prepare_for_update(&mut changed, &old);
        assert_eq!(changed.to_json()["metadata"]["generation"], 2);

        let mut status = pod(
            json!({"metadata": {"name": "p"}, "spec": {"containers": [{"name": "c", "image": "z"}]},
            "status": {"phase": "Running", "qosClass": "Guaranteed"}}),
        );
        prepare_for_status_update(&mut status, &old);
        let value = status.to_json();
        assert_eq!(value["spec"]["containers"][0]["image"], "x");
        assert_eq!(value["status"]["phase"], "Running");
        // A different class is kept so that validation can reject it as immutable ...
        assert_eq!(value["status"]["qosClass"], "Guaranteed");
        assert_eq!(
            crate::engine::api::validation::validate_status_update(&status, &old)
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>(),
            vec!["status.qosClass: Invalid value: \"Guaranteed\": field is immutable"]
        );
        // ... and an empty one is backfilled.
        let mut blank = pod(
            json!({"metadata": {"name": "p"}, "spec": {"containers": []}, "status": {"phase": "Running"}}),
        );
        prepare_for_status_update(&mut blank, &old);
        assert_eq!(blank.to_json()["status"]["qosClass"], "BestEffort");
    }

    #[test]
    fn should_add_the_kubernetes_finalizer_and_active_phase_to_new_namespaces() {
        let mut ns =
            Object::from_json("Namespace", json!({"metadata": {"name": "team"}})).expect("ns");
        prepare_for_create(&mut ns);
        let value = ns.to_json();
        assert_eq!(value["spec"]["finalizers"], json!(["kubernetes"]));
        assert_eq!(value["status"]["phase"], "Active");
    }
}
