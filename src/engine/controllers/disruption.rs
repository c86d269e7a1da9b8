//! The disruption controller: computes each PodDisruptionBudget's status — how many of the pods it
//! selects are healthy, how many must stay healthy, and so how many may be disrupted now.
//!
//! Mirrors `pkg/controller/disruption/disruption.go` (`getPdbForPod`, `sync`, `trySync`,
//! `getExpectedPodCount`, `getExpectedScale` and its controller finders, `countHealthyPods`,
//! `updatePdbStatus`, `failSafe`) with component-helpers' `UpdateDisruptionAllowedCondition` /
//! `ConditionsAreUpToDate` and apimachinery's `meta.SetStatusCondition`. Its events come from a
//! recorder whose source is `controllermanager`; it writes through `poddisruptionbudgets/status`.
//!
//! The eviction subresource records each pod it lets go in `status.disruptedPods`; the controller
//! (`buildDisruptedPodMap`) drops an entry once the pod is being deleted, and after
//! [`DELETION_TIMEOUT_MS`] drops it with a `NotDeleted` warning; until then the pod does not count as
//! healthy, and the budget is synced again when the oldest entry expires (the recheck queue).
//!
//! Simplifications: the eviction subresource always deletes the pod it marks, and the scheduler
//! deletes its preemption victims directly, so no stale `DisruptionTarget` condition is left for
//! `syncStalePodDisruption` to reset; that path is not modelled. Of the controller finders, ReplicaSets and Deployments
//! are found in the store (podflow serves no ReplicationControllers or StatefulSets: a pod they
//! own counts as one whose controller is missing).

use std::collections::BTreeMap;
use std::sync::Arc;

use k8s_openapi::api::core::v1::Pod;
use k8s_openapi::api::policy::v1::{PodDisruptionBudget, PodDisruptionBudgetStatus};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{Condition, LabelSelector, Time};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use serde_json::json;

use super::{controller_of_any, record_sync, send, stored, ControllerWake, DISRUPTION_CONTROLLER};
use crate::engine::api::Verb;
use crate::engine::events::{self, object_reference, pod_reference, EventType, Reporter};
use crate::engine::objects::Object;
use crate::engine::scheduler::plugins::pod_topology_spread::Selector;
use crate::engine::sim::{Ctx, Event};
use crate::engine::store::{list_prefix, Store};
use crate::engine::time::{meta_time, ms_of};

/// `DeletionTimeout`: how long an evicted pod may take to start its deletion before its
/// `disruptedPods` entry is dropped.
pub const DELETION_TIMEOUT_MS: u64 = 2 * 60 * 1000;

/// The condition type the controller maintains.
pub const DISRUPTION_ALLOWED: &str = "DisruptionAllowed";
/// Its reasons.
pub const SUFFICIENT_PODS: &str = "SufficientPods";
pub const INSUFFICIENT_PODS: &str = "InsufficientPods";
pub const SYNC_FAILED: &str = "SyncFailed";

/// The PodDisruptionBudgets in the pod's namespace whose selector matches its labels
/// (`GetPodPodDisruptionBudgets`: a missing selector matches nothing, an empty one everything), in
/// list order.
pub fn pdbs_for_pod(store: &Store, pod: &Pod) -> Vec<Arc<PodDisruptionBudget>> {
    let namespace = pod.metadata.namespace.as_deref().unwrap_or("default");
    let empty = BTreeMap::new();
    let labels = pod.metadata.labels.as_ref().unwrap_or(&empty);
    store
        .list(&list_prefix("poddisruptionbudgets", Some(namespace)))
        .filter_map(|(_, stored)| match &stored.object {
            Object::PodDisruptionBudget(pdb) => Some(pdb.clone()),
            _ => None,
        })
        .filter(|pdb| selector_of(pdb).matches(labels))
        .collect()
}

/// `metav1.LabelSelectorAsSelector` of the budget's selector.
pub fn selector_of(pdb: &PodDisruptionBudget) -> Selector {
    Selector::new(pdb.spec.as_ref().and_then(|s| s.selector.as_ref()))
}

/// A pod was added, updated or deleted (`addPod`/`updatePod`/`deletePod` → `getPdbForPod`): the
/// budget that selects it syncs. When several do, only the first is synced, and the pod gets a
/// `MultiplePodDisruptionBudgets` warning.
pub fn on_pod(ctx: &mut Ctx, pod: &Pod) {
    let pdbs = pdbs_for_pod(&ctx.api.store, pod);
    let Some(first) = pdbs.first() else {
        return;
    };
    let name = first.metadata.name.clone().unwrap_or_default();
    let namespace = first
        .metadata
        .namespace
        .clone()
        .unwrap_or_else(|| "default".into());
    if pdbs.len() > 1 {
        let message = format!(
            "Pod {:?}/{:?} matches multiple PodDisruptionBudgets.  Chose {:?} arbitrarily.",
            pod.metadata.namespace.as_deref().unwrap_or(""),
            pod.metadata.name.as_deref().unwrap_or(""),
            name
        );
        events::record(
            ctx,
            &Reporter::Controller(DISRUPTION_CONTROLLER.into()),
            pod_reference(pod, None),
            EventType::Warning,
            "MultiplePodDisruptionBudgets",
            "",
            &message,
        );
    }
    sync(ctx, &namespace, &name);
}

/// What `trySync` computed for a budget.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Computed {
    pub expected_pods: i32,
    pub desired_healthy: i32,
    pub current_healthy: i32,
    pub disruptions_allowed: i32,
}

/// `sync`: compute the budget's status and write it when it changed; on an error other than a
/// conflict, `failSafe` (no disruptions allowed, condition `SyncFailed`).
pub fn sync(ctx: &mut Ctx, namespace: &str, name: &str) {
    let Some(Object::PodDisruptionBudget(pdb)) =
        stored(ctx, "poddisruptionbudgets", namespace, name)
    else {
        return;
    };
    let reporter = Reporter::Controller(DISRUPTION_CONTROLLER.into());
    let regarding = object_reference(&Object::PodDisruptionBudget(pdb.clone()));
    let pods = selected_pods(&ctx.api.store, &pdb);
    if pods.is_empty() {
        events::record(
            ctx,
            &reporter,
            regarding.clone(),
            EventType::Normal,
            "NoPods",
            "",
            "No matching pods found",
        );
    }
    let counted = match expected_pod_count(&ctx.api.store, &pdb, &pods) {
        Ok(counted) => counted,
        Err(error) => {
            events::record(
                ctx,
                &reporter,
                regarding,
                EventType::Warning,
                "CalculateExpectedPodCountFailed",
                "",
                &format!("Failed to calculate the number of expected pods: {error}"),
            );
            fail_safe(ctx, &pdb, &error);
            return;
        }
    };
    if !counted.unmanaged.is_empty() {
        let selector = pdb.spec.as_ref().and_then(|s| s.selector.as_ref());
        events::record(
            ctx,
            &reporter,
            regarding,
            EventType::Warning,
            "UnmanagedPods",
            "",
            &format!(
                "Pods selected by this PodDisruptionBudget (selector: {}) were found to be unmanaged. As a result, the status of the PDB cannot be calculated correctly, which may result in undefined behavior. To account for these pods please set \".spec.minAvailable\" field of the PDB to an integer value.",
                go_selector_string(selector)
            ),
        );
    }
    let (disrupted, recheck_ms) = build_disrupted_pod_map(ctx, &pods, &pdb);
    let current_healthy = pods
        .iter()
        .filter(|p| is_healthy(p, &disrupted, ctx.now_ms))
        .count() as i32;
    let computed = Computed {
        expected_pods: counted.expected,
        desired_healthy: counted.desired,
        current_healthy,
        disruptions_allowed: disruptions_allowed(
            counted.expected,
            counted.desired,
            current_healthy,
        ),
    };
    let written = update_status(
        ctx,
        &pdb,
        &computed,
        &disrupted,
        pods.len(),
        &counted.unmanaged,
    );
    if let (true, Some(at)) = (written, recheck_ms) {
        // Upstream's recheck runs a moment after the entry expires (its clock has moved on by
        // then); at the very millisecond an entry would still be kept.
        ctx.after(
            at.saturating_add(1).saturating_sub(ctx.now_ms),
            Event::Controller(ControllerWake::SyncDisruptionBudget {
                namespace: namespace.to_string(),
                name: name.to_string(),
            }),
        );
    }
}

/// The `disruptedPods` entries still pending: each names a selected pod, not yet being deleted,
/// evicted at most [`DELETION_TIMEOUT_MS`] ago (`buildDisruptedPodMap`). An older entry is dropped
/// with a `NotDeleted` warning on its pod. Also returns when the oldest kept entry expires.
fn build_disrupted_pod_map(
    ctx: &mut Ctx,
    pods: &[Arc<Pod>],
    pdb: &PodDisruptionBudget,
) -> (BTreeMap<String, Time>, Option<u64>) {
    let mut kept = BTreeMap::new();
    let mut recheck: Option<u64> = None;
    let Some(recorded) = pdb.status.as_ref().and_then(|s| s.disrupted_pods.as_ref()) else {
        return (kept, recheck);
    };
    let namespace = pdb.metadata.namespace.as_deref().unwrap_or("default");
    for pod in pods {
        let name = pod.metadata.name.clone().unwrap_or_default();
        if pod.metadata.deletion_timestamp.is_some() {
            continue;
        }
        let Some(time) = recorded.get(&name) else {
            continue;
        };
        let expires = ms_of(time).saturating_add(DELETION_TIMEOUT_MS);
        if expires < ctx.now_ms {
            events::record(
                ctx,
                &Reporter::Controller(DISRUPTION_CONTROLLER.into()),
                pod_reference(pod, None),
                EventType::Warning,
                "NotDeleted",
                "",
                // Upstream formats the budget's namespace twice.
                &format!(
                    "Pod was expected by PDB {namespace}/{namespace} to be deleted but it wasn't"
                ),
            );
            continue;
        }
        kept.insert(name, time.clone());
        recheck = Some(recheck.map_or(expires, |r| r.min(expires)));
    }
    (kept, recheck)
}

/// `countHealthyPods`: not being deleted, not evicted in the last [`DELETION_TIMEOUT_MS`], and Ready
/// (phase, containers and node are not looked at).
fn is_healthy(pod: &Pod, disrupted: &BTreeMap<String, Time>, now_ms: u64) -> bool {
    let recently_evicted = pod
        .metadata
        .name
        .as_ref()
        .and_then(|name| disrupted.get(name))
        .is_some_and(|time| ms_of(time).saturating_add(DELETION_TIMEOUT_MS) > now_ms);
    pod.metadata.deletion_timestamp.is_none()
        && !recently_evicted
        && super::replica_set::is_pod_ready(pod)
}

/// `currentHealthy - desiredHealthy`, and 0 when nothing is expected or that is not positive.
pub fn disruptions_allowed(expected: i32, desired: i32, current: i32) -> i32 {
    let allowed = current.saturating_sub(desired);
    if expected <= 0 || allowed <= 0 {
        0
    } else {
        allowed
    }
}

/// The pods in the budget's namespace its selector selects, in every phase and being deleted too
/// (`podLister.Pods(ns).List(selector)`).
fn selected_pods(store: &Store, pdb: &PodDisruptionBudget) -> Vec<Arc<Pod>> {
    let namespace = pdb.metadata.namespace.as_deref().unwrap_or("default");
    let selector = selector_of(pdb);
    let empty = BTreeMap::new();
    store
        .list(&list_prefix("pods", Some(namespace)))
        .filter_map(|(_, stored)| stored.object.shared_pod().cloned())
        .filter(|pod| selector.matches(pod.metadata.labels.as_ref().unwrap_or(&empty)))
        .collect()
}

/// What `getExpectedPodCount` returns.
struct Counted {
    expected: i32,
    desired: i32,
    /// Selected pods without a controller (only looked for when the budget needs the controllers'
    /// scale).
    unmanaged: Vec<String>,
}

/// `getExpectedPodCount`: `maxUnavailable` first (the expected count is the controllers' scale);
/// an integer `minAvailable` counts the selected pods themselves; a percentage needs the scale.
fn expected_pod_count(
    store: &Store,
    pdb: &PodDisruptionBudget,
    pods: &[Arc<Pod>],
) -> Result<Counted, String> {
    let spec = pdb.spec.as_ref();
    let min_available = spec.and_then(|s| s.min_available.as_ref());
    let max_unavailable = spec.and_then(|s| s.max_unavailable.as_ref());
    if let Some(max_unavailable) = max_unavailable {
        let (expected, unmanaged) = expected_scale(store, pods)?;
        let unavailable = scaled_value(max_unavailable, expected)?;
        return Ok(Counted {
            expected,
            desired: expected.saturating_sub(unavailable).max(0),
            unmanaged,
        });
    }
    match min_available {
        Some(IntOrString::Int(n)) => Ok(Counted {
            expected: pods.len() as i32,
            desired: *n,
            unmanaged: Vec::new(),
        }),
        Some(percent @ IntOrString::String(_)) => {
            let (expected, unmanaged) = expected_scale(store, pods)?;
            Ok(Counted {
                expected,
                desired: scaled_value(percent, expected)?,
                unmanaged,
            })
        }
        None => Ok(Counted {
            expected: 0,
            desired: 0,
            unmanaged: Vec::new(),
        }),
    }
}

/// `intstr.GetScaledValueFromIntOrPercent(value, total, roundUp=true)`: an integer as is, `N%` of
/// the total rounded up.
fn scaled_value(value: &IntOrString, total: i32) -> Result<i32, String> {
    match value {
        IntOrString::Int(n) => Ok(*n),
        IntOrString::String(text) => {
            let percent = text
                .strip_suffix('%')
                .and_then(|digits| digits.parse::<i64>().ok())
                .ok_or("invalid value for IntOrString: invalid type: string is not a percentage")?;
            let scaled = percent
                .saturating_mul(i64::from(total))
                .saturating_add(99)
                .div_euclid(100);
            Ok(i32::try_from(scaled).unwrap_or(i32::MAX))
        }
    }
}

/// `getExpectedScale`: the sum of the declared replicas of the distinct controllers of the selected
/// pods. Pods without a controller are left out (and named); a controller that cannot be found is an
/// error.
fn expected_scale(store: &Store, pods: &[Arc<Pod>]) -> Result<(i32, Vec<String>), String> {
    let mut scales: BTreeMap<String, i32> = BTreeMap::new();
    let mut unmanaged = Vec::new();
    for pod in pods {
        let pod_name = pod.metadata.name.clone().unwrap_or_default();
        let Some(owner) = controller_of_any(&pod.metadata) else {
            unmanaged.push(pod_name);
            continue;
        };
        if scales.contains_key(&owner.uid) {
            continue;
        }
        let namespace = pod.metadata.namespace.as_deref().unwrap_or("default");
        let (uid, replicas) = find_controller(store, namespace, owner)?
            .ok_or_else(|| format!("found no controllers for pod {pod_name:?}"))?;
        scales.insert(uid, replicas);
    }
    let expected = scales.values().fold(0i32, |sum, r| sum.saturating_add(*r));
    Ok((expected, unmanaged))
}

/// The controller finders in upstream's order: a ReplicaSet owned by a Deployment counts as the
/// Deployment; a ReplicaSet of its own (or one whose Deployment is gone, through the generic scale
/// finder) as itself. Kinds without a scale subresource and unknown kinds are errors.
fn find_controller(
    store: &Store,
    namespace: &str,
    owner: &k8s_openapi::apimachinery::pkg::apis::meta::v1::OwnerReference,
) -> Result<Option<(String, i32)>, String> {
    let group = group_of(&owner.api_version);
    let get = |resource: &str, name: &str| {
        store
            .get(&crate::engine::store::key(resource, Some(namespace), name))
            .map(|s| s.object.clone())
    };
    match (owner.kind.as_str(), group) {
        ("ReplicaSet", "apps" | "extensions") => {
            let Some(Object::ReplicaSet(rs)) = get("replicasets", &owner.name) else {
                return Ok(None);
            };
            if rs.metadata.uid.as_deref() != Some(owner.uid.as_str()) {
                return Ok(None);
            }
            if let Some(deployment_ref) = controller_of_any(&rs.metadata)
                .filter(|r| r.kind == "Deployment")
                .filter(|r| matches!(group_of(&r.api_version), "apps" | "extensions"))
            {
                if let Some(Object::Deployment(d)) = get("deployments", &deployment_ref.name) {
                    if d.metadata.uid.as_deref() == Some(deployment_ref.uid.as_str()) {
                        let replicas = d.spec.as_ref().and_then(|s| s.replicas).unwrap_or(1);
                        return Ok(Some((deployment_ref.uid.clone(), replicas)));
                    }
                }
            }
            // The ReplicaSet finder skips one a Deployment controls; the generic scale finder then
            // reads the ReplicaSet's own scale.
            let replicas = rs.spec.as_ref().and_then(|s| s.replicas).unwrap_or(1);
            Ok(Some((owner.uid.clone(), replicas)))
        }
        ("Deployment", "apps" | "extensions") => {
            // A pod owned directly by a Deployment: only the generic scale finder applies.
            match get("deployments", &owner.name) {
                Some(Object::Deployment(d))
                    if d.metadata.uid.as_deref() == Some(owner.uid.as_str()) =>
                {
                    let replicas = d.spec.as_ref().and_then(|s| s.replicas).unwrap_or(1);
                    Ok(Some((owner.uid.clone(), replicas)))
                }
                _ => Ok(None),
            }
        }
        // Served by a real cluster but not stored here: the object is missing.
        ("ReplicationController", "") | ("StatefulSet", "apps") => Ok(None),
        ("Job", "batch") => Err("jobs.batch does not implement the scale subresource".into()),
        ("DaemonSet", "apps") => {
            Err("daemonsets.apps does not implement the scale subresource".into())
        }
        ("Node", "") => Err("nodes does not implement the scale subresource".into()),
        ("Pod", "") => Err("pods does not implement the scale subresource".into()),
        (kind, _) => Err(format!(
            "no matches for kind {kind:?} in version {:?}",
            owner.api_version
        )),
    }
}

/// The group of an `apiVersion` (`apps/v1` → `apps`, `v1` → the core group).
fn group_of(api_version: &str) -> &str {
    api_version.rsplit_once('/').map_or("", |(group, _)| group)
}

/// `updatePdbStatus`: nothing is written when the counters, the observed generation and the
/// `DisruptionAllowed` condition are already what they should be.
/// Returns whether it wrote.
fn update_status(
    ctx: &mut Ctx,
    pdb: &Arc<PodDisruptionBudget>,
    computed: &Computed,
    disrupted: &BTreeMap<String, Time>,
    selected: usize,
    unmanaged: &[String],
) -> bool {
    let generation = pdb.metadata.generation;
    let old = pdb.status.clone().unwrap_or_default();
    let allowed = computed.disruptions_allowed;
    let unchanged = old.current_healthy.unwrap_or(0) == computed.current_healthy
        && old.desired_healthy.unwrap_or(0) == computed.desired_healthy
        && old.expected_pods.unwrap_or(0) == computed.expected_pods
        && old.disruptions_allowed.unwrap_or(0) == allowed
        && old.disrupted_pods.clone().unwrap_or_default() == *disrupted
        && old.observed_generation == generation
        && conditions_up_to_date(&old, generation, allowed);
    if unchanged {
        return false;
    }
    let mut status = PodDisruptionBudgetStatus {
        current_healthy: Some(computed.current_healthy),
        desired_healthy: Some(computed.desired_healthy),
        expected_pods: Some(computed.expected_pods),
        disruptions_allowed: Some(allowed),
        disrupted_pods: (!disrupted.is_empty()).then(|| disrupted.clone()),
        observed_generation: generation,
        conditions: old.conditions.clone(),
    };
    let (condition_status, reason) = if allowed > 0 {
        ("True", SUFFICIENT_PODS)
    } else {
        ("False", INSUFFICIENT_PODS)
    };
    set_status_condition(
        &mut status,
        condition_status,
        reason,
        String::new(),
        generation,
        ctx.now_ms,
    );
    let reference = Object::PodDisruptionBudget(pdb.clone()).reference();
    let summary = format!(
        "{DISRUPTION_CONTROLLER}: {} of {} expected pod(s) healthy, {} must stay healthy: {} disruption(s) allowed",
        computed.current_healthy, computed.expected_pods, computed.desired_healthy, allowed
    );
    record_sync(
        ctx,
        reference,
        summary,
        json!({"controller": DISRUPTION_CONTROLLER, "selected": selected,
               "unmanaged": unmanaged, "expectedPods": computed.expected_pods,
               "desiredHealthy": computed.desired_healthy,
               "currentHealthy": computed.current_healthy, "disruptionsAllowed": allowed}),
    );
    write_status(ctx, pdb, status)
}

/// `failSafe`: the stored status with no disruptions allowed and the error in a `SyncFailed`
/// condition, always written.
fn fail_safe(ctx: &mut Ctx, pdb: &Arc<PodDisruptionBudget>, error: &str) {
    let mut status = pdb.status.clone().unwrap_or_default();
    status.disruptions_allowed = Some(0);
    let observed = status.observed_generation;
    set_status_condition(
        &mut status,
        "False",
        SYNC_FAILED,
        error.to_string(),
        observed,
        ctx.now_ms,
    );
    let reference = Object::PodDisruptionBudget(pdb.clone()).reference();
    record_sync(
        ctx,
        reference,
        format!("{DISRUPTION_CONTROLLER}: sync failed, no disruptions allowed: {error}"),
        json!({"controller": DISRUPTION_CONTROLLER, "error": error}),
    );
    write_status(ctx, pdb, status);
}

fn write_status(
    ctx: &mut Ctx,
    pdb: &Arc<PodDisruptionBudget>,
    status: PodDisruptionBudgetStatus,
) -> bool {
    let mut updated = (**pdb).clone();
    updated.status = Some(status);
    send(
        ctx,
        DISRUPTION_CONTROLLER,
        Verb::Update,
        Object::PodDisruptionBudget(Arc::new(updated)),
        Some("status"),
    )
    .result
    .is_ok()
}

/// `ConditionsAreUpToDate`.
fn conditions_up_to_date(
    status: &PodDisruptionBudgetStatus,
    generation: Option<i64>,
    allowed: i32,
) -> bool {
    let Some(condition) = status
        .conditions
        .iter()
        .flatten()
        .find(|c| c.type_ == DISRUPTION_ALLOWED)
    else {
        return false;
    };
    condition.observed_generation == generation
        && if allowed > 0 {
            condition.status == "True" && condition.reason == SUFFICIENT_PODS
        } else {
            condition.status == "False" && condition.reason == INSUFFICIENT_PODS
        }
}

/// `meta.SetStatusCondition` of the `DisruptionAllowed` condition: a new condition, or a changed
/// status, takes the current time as its transition time; reason, message and observed generation
/// are always replaced.
pub fn set_status_condition(
    status: &mut PodDisruptionBudgetStatus,
    condition_status: &str,
    reason: &str,
    message: String,
    observed_generation: Option<i64>,
    now_ms: u64,
) {
    let conditions = status.conditions.get_or_insert_with(Vec::new);
    match conditions
        .iter_mut()
        .find(|c| c.type_ == DISRUPTION_ALLOWED)
    {
        Some(existing) => {
            if existing.status != condition_status {
                existing.status = condition_status.to_string();
                existing.last_transition_time = meta_time(now_ms);
            }
            existing.reason = reason.to_string();
            existing.message = message;
            existing.observed_generation = observed_generation;
        }
        None => conditions.push(Condition {
            type_: DISRUPTION_ALLOWED.into(),
            status: condition_status.into(),
            reason: reason.into(),
            message,
            observed_generation,
            last_transition_time: meta_time(now_ms),
        }),
    }
}

/// A `*metav1.LabelSelector` as Go's `%v` prints it (its generated `String()`): labels sorted by key,
/// each expression's values as `[a b]`.
fn go_selector_string(selector: Option<&LabelSelector>) -> String {
    let Some(selector) = selector else {
        return "nil".into();
    };
    let mut out = String::from("&LabelSelector{MatchLabels:map[string]string{");
    for (key, value) in selector.match_labels.iter().flatten() {
        out.push_str(&format!("{key}: {value},"));
    }
    out.push_str("},MatchExpressions:[]LabelSelectorRequirement{");
    for requirement in selector.match_expressions.iter().flatten() {
        out.push_str(&format!(
            "LabelSelectorRequirement{{Key:{},Operator:{},Values:[{}],}},",
            requirement.key,
            requirement.operator,
            requirement.values.as_deref().unwrap_or(&[]).join(" ")
        ));
    }
    out.push_str("},}");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::controllers::tests::{apply, delete, events_about, run_builtin, running};
    use crate::engine::sim::Simulation;

    fn pdb(name: &str, spec: serde_json::Value) -> serde_json::Value {
        json!({"apiVersion": "policy/v1", "kind": "PodDisruptionBudget",
               "metadata": {"name": name}, "spec": spec})
    }

    fn stored_pdb(sim: &Simulation, name: &str) -> PodDisruptionBudget {
        match sim
            .api
            .store
            .get(&crate::engine::store::key(
                "poddisruptionbudgets",
                Some("default"),
                name,
            ))
            .map(|s| s.object.clone())
        {
            Some(Object::PodDisruptionBudget(pdb)) => (*pdb).clone(),
            other => panic!("no budget {name}: {other:?}"),
        }
    }

    /// (expectedPods, desiredHealthy, currentHealthy, disruptionsAllowed, condition status, reason,
    /// observedGeneration).
    fn summary(pdb: &PodDisruptionBudget) -> (i32, i32, i32, i32, String, String, Option<i64>) {
        let status = pdb.status.clone().unwrap_or_default();
        let (condition_status, reason) = status
            .conditions
            .iter()
            .flatten()
            .find(|c| c.type_ == DISRUPTION_ALLOWED)
            .map(|c| (c.status.clone(), c.reason.clone()))
            .unwrap_or_default();
        (
            status.expected_pods.unwrap_or(-1),
            status.desired_healthy.unwrap_or(-1),
            status.current_healthy.unwrap_or(-1),
            status.disruptions_allowed.unwrap_or(-1),
            condition_status,
            reason,
            status.observed_generation,
        )
    }

    /// The worked examples of upstream's disruption controller over the three-replica `deployment`
    /// scenario (all pods Ready).
    #[test]
    fn should_compute_the_status_of_budgets_over_a_deployment() {
        let cases = [
            (
                json!({"minAvailable": 2, "selector": {"matchLabels": {"app": "nginx"}}}),
                (3, 2, 3, 1, "True", SUFFICIENT_PODS),
            ),
            (
                json!({"minAvailable": "50%", "selector": {"matchLabels": {"app": "nginx"}}}),
                (3, 2, 3, 1, "True", SUFFICIENT_PODS),
            ),
            (
                json!({"maxUnavailable": 1, "selector": {"matchLabels": {"app": "nginx"}}}),
                (3, 2, 3, 1, "True", SUFFICIENT_PODS),
            ),
            (
                json!({"maxUnavailable": "25%", "selector": {"matchLabels": {"app": "nginx"}}}),
                (3, 2, 3, 1, "True", SUFFICIENT_PODS),
            ),
            (
                json!({"maxUnavailable": "34%", "selector": {"matchLabels": {"app": "nginx"}}}),
                (3, 1, 3, 2, "True", SUFFICIENT_PODS),
            ),
            (
                json!({"maxUnavailable": 0, "selector": {"matchLabels": {"app": "nginx"}}}),
                (3, 3, 3, 0, "False", INSUFFICIENT_PODS),
            ),
            (
                json!({"minAvailable": "100%", "selector": {"matchLabels": {"app": "nginx"}}}),
                (3, 3, 3, 0, "False", INSUFFICIENT_PODS),
            ),
            (
                json!({"selector": {"matchLabels": {"app": "nginx"}}}),
                (0, 0, 3, 0, "False", INSUFFICIENT_PODS),
            ),
            (
                json!({"minAvailable": 1, "selector": {}}),
                (3, 1, 3, 2, "True", SUFFICIENT_PODS),
            ),
            (
                json!({"minAvailable": 1}),
                (0, 1, 0, 0, "False", INSUFFICIENT_PODS),
            ),
        ];
        for (spec, (expected, desired, current, allowed, status, reason)) in cases {
            let mut sim = run_builtin("deployment");
            apply(&mut sim, pdb("budget", spec.clone()));
            let got = summary(&stored_pdb(&sim, "budget"));
            assert_eq!(
                got,
                (
                    expected,
                    desired,
                    current,
                    allowed,
                    status.to_string(),
                    reason.to_string(),
                    Some(1)
                ),
                "{spec}"
            );
        }
    }

    #[test]
    fn should_follow_pods_and_spec_changes() {
        let mut sim = run_builtin("deployment");
        let spec = json!({"minAvailable": 2, "selector": {"matchLabels": {"app": "nginx"}}});
        apply(&mut sim, pdb("budget", spec));
        let first = stored_pdb(&sim, "budget");
        let since = first
            .status
            .as_ref()
            .and_then(|s| s.conditions.clone())
            .unwrap_or_default()[0]
            .last_transition_time
            .clone();
        // A deleted pod is replaced; once the replacement is Ready the budget is back to one.
        let victim = running(&sim)[0].clone();
        delete(&mut sim, "pods", &victim);
        let after = stored_pdb(&sim, "budget");
        assert_eq!(summary(&after).3, 1);
        // A spec change is a new generation, observed by the controller.
        let spec = json!({"minAvailable": 3, "selector": {"matchLabels": {"app": "nginx"}}});
        apply(&mut sim, pdb("budget", spec));
        let changed = stored_pdb(&sim, "budget");
        assert_eq!(changed.metadata.generation, Some(2));
        assert_eq!(
            summary(&changed),
            (
                3,
                3,
                3,
                0,
                "False".into(),
                INSUFFICIENT_PODS.into(),
                Some(2)
            )
        );
        let condition = changed
            .status
            .and_then(|s| s.conditions)
            .unwrap_or_default();
        assert_eq!(condition.len(), 1);
        assert!(condition[0].last_transition_time.0 > since.0);
        assert_eq!(condition[0].message, "");
    }

    /// `buildDisruptedPodMap`: an evicted pod that is not being deleted stops counting as healthy
    /// for two minutes; then the recheck drops it with a `NotDeleted` warning (the namespace twice, as
    /// upstream formats it) and it counts again.
    #[test]
    fn should_expire_disrupted_pods_that_were_not_deleted() {
        let mut sim = run_builtin("deployment");
        let spec = json!({"minAvailable": 1, "selector": {"matchLabels": {"app": "nginx"}}});
        apply(&mut sim, pdb("budget", spec));
        assert_eq!(summary(&stored_pdb(&sim, "budget")).2, 3);
        // As the eviction subresource records a pod whose deletion then failed.
        let lingering = running(&sim)[0].clone();
        let mut budget = stored_pdb(&sim, "budget");
        let evicted_at = sim.now_ms;
        budget
            .status
            .get_or_insert_with(Default::default)
            .disrupted_pods
            .get_or_insert_with(Default::default)
            .insert(lingering.clone(), meta_time(evicted_at));
        let k = crate::engine::store::key("poddisruptionbudgets", Some("default"), "budget");
        sim.api
            .store
            .update(&k, Object::PodDisruptionBudget(Arc::new(budget)), None)
            .expect("updated");
        sim.with_ctx(|ctx, _, _| sync(ctx, "default", "budget"));
        let held = stored_pdb(&sim, "budget");
        assert_eq!(summary(&held).2, 2, "the evicted pod is not healthy");
        assert_eq!(summary(&held).3, 1);
        assert!(held
            .status
            .as_ref()
            .and_then(|s| s.disrupted_pods.as_ref())
            .is_some_and(|d| d.contains_key(&lingering)));
        sim.run_to_quiescence(100_000);
        assert!(sim.now_ms > ms_of(&meta_time(evicted_at)) + DELETION_TIMEOUT_MS);
        let after = stored_pdb(&sim, "budget");
        assert_eq!(summary(&after).2, 3, "healthy again once the entry expired");
        assert!(after.status.and_then(|s| s.disrupted_pods).is_none());
        assert!(events_about(&sim, "Pod").contains(
            &"NotDeleted: Pod was expected by PDB default/default to be deleted but it wasn't"
                .to_string()
        ));
    }

    #[test]
    fn should_warn_about_unmanaged_pods_missing_controllers_and_overlapping_budgets() {
        let mut sim = run_builtin("demo-pod");
        // A pod without a controller: maxUnavailable cannot be resolved against a scale.
        apply(
            &mut sim,
            json!({"apiVersion": "v1", "kind": "Pod",
                   "metadata": {"name": "lone", "labels": {"app": "demo"}},
                   "spec": {"containers": [{"name": "c", "image": "nginx:1.27"}]}}),
        );
        apply(
            &mut sim,
            pdb(
                "demo",
                json!({"maxUnavailable": 1, "selector": {"matchLabels": {"app": "demo"}}}),
            ),
        );
        let demo = stored_pdb(&sim, "demo");
        assert_eq!(summary(&demo).0, 0);
        let events = events_about(&sim, "PodDisruptionBudget");
        assert!(
            events.contains(&"UnmanagedPods: Pods selected by this PodDisruptionBudget (selector: &LabelSelector{MatchLabels:map[string]string{app: demo,},MatchExpressions:[]LabelSelectorRequirement{},}) were found to be unmanaged. As a result, the status of the PDB cannot be calculated correctly, which may result in undefined behavior. To account for these pods please set \".spec.minAvailable\" field of the PDB to an integer value.".to_string()),
            "{events:?}"
        );
        // A second budget over the same pod: the pod is told that one was chosen arbitrarily.
        apply(
            &mut sim,
            pdb(
                "demo-too",
                json!({"minAvailable": 1, "selector": {"matchLabels": {"app": "demo"}}}),
            ),
        );
        delete(&mut sim, "pods", "lone");
        let pod_events = events_about(&sim, "Pod");
        assert!(
            pod_events.contains(&"MultiplePodDisruptionBudgets: Pod \"default\"/\"lone\" matches multiple PodDisruptionBudgets.  Chose \"demo\" arbitrarily.".to_string()),
            "{pod_events:?}"
        );
        // A pod whose controller is a Job: Jobs have no scale, so the sync fails safe.
        apply(
            &mut sim,
            json!({"apiVersion": "v1", "kind": "Pod",
                   "metadata": {"name": "job-pod", "labels": {"app": "batch"},
                                "ownerReferences": [{"apiVersion": "batch/v1", "kind": "Job",
                                    "name": "work", "uid": "8a1f0f5e-0000-4000-8000-000000000001",
                                    "controller": true}]},
                   "spec": {"containers": [{"name": "c", "image": "busybox:1.36"}]}}),
        );
        apply(
            &mut sim,
            pdb(
                "batch",
                json!({"minAvailable": "50%", "selector": {"matchLabels": {"app": "batch"}}}),
            ),
        );
        let batch = stored_pdb(&sim, "batch");
        let condition = batch.status.and_then(|s| s.conditions).unwrap_or_default();
        assert_eq!(
            (
                condition[0].status.as_str(),
                condition[0].reason.as_str(),
                condition[0].message.as_str()
            ),
            (
                "False",
                SYNC_FAILED,
                "jobs.batch does not implement the scale subresource"
            )
        );
        assert!(events_about(&sim, "PodDisruptionBudget").contains(
            &"CalculateExpectedPodCountFailed: Failed to calculate the number of expected pods: jobs.batch does not implement the scale subresource".to_string()
        ));
    }

    #[test]
    fn should_write_events_as_controllermanager_with_the_controllers_credentials() {
        let mut sim = run_builtin("demo-pod");
        apply(
            &mut sim,
            pdb(
                "empty",
                json!({"minAvailable": 1, "selector": {"matchLabels": {"app": "none"}}}),
            ),
        );
        let event = sim
            .api
            .store
            .list(&list_prefix("events", Some("default")))
            .find_map(|(_, s)| match &s.object {
                Object::Event(e) if e.reason.as_deref() == Some("NoPods") => Some(e.clone()),
                _ => None,
            })
            .expect("a NoPods event");
        assert_eq!(event.message.as_deref(), Some("No matching pods found"));
        assert_eq!(event.type_.as_deref(), Some("Normal"));
        let source = event.source.clone().unwrap_or_default();
        assert_eq!(source.component.as_deref(), Some("controllermanager"));
        assert_eq!(
            event.reporting_component.as_deref(),
            Some("controllermanager")
        );
        // The sync after its own status write finds no pods again: the event is counted twice.
        assert_eq!(event.count, Some(2));
    }

    #[test]
    fn should_keep_budgeted_pods_when_preempting() {
        let sim = run_builtin("preemption-pdb");
        let mut names = running(&sim);
        names.sort();
        assert_eq!(names, ["urgent", "web-a", "web-c"]);
        let web = stored_pdb(&sim, "web");
        assert_eq!(
            summary(&web),
            (
                2,
                2,
                2,
                0,
                "False".into(),
                INSUFFICIENT_PODS.into(),
                Some(1)
            )
        );
    }

    #[test]
    fn disruptions_allowed_is_never_negative_and_zero_without_expected_pods() {
        assert_eq!(disruptions_allowed(3, 2, 3), 1);
        assert_eq!(disruptions_allowed(3, 3, 3), 0);
        assert_eq!(disruptions_allowed(5, 4, 3), 0);
        assert_eq!(disruptions_allowed(0, 0, 3), 0);
        assert_eq!(disruptions_allowed(3, 1, 3), 2);
    }

    #[test]
    fn percentages_round_up() {
        let percent = |s: &str| IntOrString::String(s.into());
        assert_eq!(scaled_value(&percent("50%"), 3), Ok(2));
        assert_eq!(scaled_value(&percent("25%"), 3), Ok(1));
        assert_eq!(scaled_value(&percent("34%"), 3), Ok(2));
        assert_eq!(scaled_value(&percent("0%"), 3), Ok(0));
        assert_eq!(scaled_value(&percent("100%"), 0), Ok(0));
        assert_eq!(scaled_value(&IntOrString::Int(7), 3), Ok(7));
    }

    #[test]
    fn selectors_print_as_go_prints_them() {
        let selector: LabelSelector = serde_json::from_value(json!({
            "matchLabels": {"tier": "web", "app": "shop"},
            "matchExpressions": [{"key": "env", "operator": "In", "values": ["a", "b"]}],
        }))
        .unwrap();
        assert_eq!(
            go_selector_string(Some(&selector)),
            "&LabelSelector{MatchLabels:map[string]string{app: shop,tier: web,},MatchExpressions:[]LabelSelectorRequirement{LabelSelectorRequirement{Key:env,Operator:In,Values:[a b],},},}"
        );
        assert_eq!(
            go_selector_string(Some(&LabelSelector::default())),
            "&LabelSelector{MatchLabels:map[string]string{},MatchExpressions:[]LabelSelectorRequirement{},}"
        );
    }
}
