//! The replicaset controller: keeps as many active pods as a ReplicaSet asks for, and reports them in
//! its status.
//!
//! Mirrors `pkg/controller/replicaset/replica_set.go` (`syncReplicaSet`, `manageReplicas`: creates in
//! slow-start batches of 1, 2, 4, … at most `burstReplicas` per sync, deletes the lowest-ranked pods;
//! `getPodsToDelete`), `replica_set_utils.go` (`calculateStatus`, `updateReplicaSetStatus`: the status
//! is written only when it changes) and `pkg/controller/controller_utils.go` (`GetPodFromTemplate`,
//! `CreatePods`: a pod named by `generateName` `<replicaset>-`, owned by the ReplicaSet;
//! `FilterActivePods`; `ActivePodsWithRanks`; the `SuccessfulCreate`, `SuccessfulDelete` and
//! `FailedCreate` events).

use std::cmp::Ordering;
use std::collections::BTreeMap;
use std::sync::Arc;

use k8s_openapi::api::apps::v1::{ReplicaSet, ReplicaSetCondition, ReplicaSetStatus};
use k8s_openapi::api::core::v1::Pod;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use serde_json::json;

use super::{
    controlled_by, delete, new_controller_ref, record_sync, send, stored, ControllerWake,
    REPLICASET_CONTROLLER,
};
use crate::engine::api::Verb;
use crate::engine::events::{self, object_reference, EventType, Reporter};
use crate::engine::objects::Object;
use crate::engine::scheduler::plugins::pod_topology_spread::Selector;
use crate::engine::sim::{Ctx, Event};
use crate::engine::store::list_prefix;
use crate::engine::time::{meta_time, ms_of};

/// `controller.SlowStartInitialBatchSize`.
const SLOW_START_INITIAL_BATCH_SIZE: usize = 1;
/// `BurstReplicas`: the most pods one sync creates or deletes.
const BURST_REPLICAS: usize = 500;
/// `podutil.PodDeletionCost`.
const POD_DELETION_COST: &str = "controller.kubernetes.io/pod-deletion-cost";

/// `podutil.IsPodReady`: the pod's Ready condition is True.
pub fn is_pod_ready(pod: &Pod) -> bool {
    ready_since_ms(pod).is_some()
}

/// When the pod's Ready condition last became True, if it is True.
fn ready_since_ms(pod: &Pod) -> Option<u64> {
    let condition = pod
        .status
        .as_ref()?
        .conditions
        .as_ref()?
        .iter()
        .find(|c| c.type_ == "Ready")?;
    (condition.status == "True").then(|| {
        condition
            .last_transition_time
            .as_ref()
            .map(ms_of)
            .unwrap_or(0)
    })
}

/// `podutil.IsPodAvailable`: ready for at least `min_ready_seconds`.
pub fn is_pod_available(pod: &Pod, min_ready_seconds: i32, now_ms: u64) -> bool {
    let Some(since) = ready_since_ms(pod) else {
        return false;
    };
    let min_ready_ms = u64::try_from(min_ready_seconds).unwrap_or(0) * 1000;
    min_ready_ms == 0 || (since > 0 && since.saturating_add(min_ready_ms) < now_ms)
}

/// `controller.IsPodActive`: not terminating, not finished.
pub fn is_pod_active(pod: &Pod) -> bool {
    let phase = pod.status.as_ref().and_then(|s| s.phase.as_deref());
    pod.metadata.deletion_timestamp.is_none() && !matches!(phase, Some("Succeeded" | "Failed"))
}

/// The pods in the ReplicaSet's namespace it controls and that match its selector.
fn owned_pods(ctx: &Ctx, rs: &ReplicaSet) -> Vec<Arc<Pod>> {
    let namespace = rs.metadata.namespace.as_deref();
    let uid = rs.metadata.uid.as_deref().unwrap_or("");
    let selector = Selector::new(rs.spec.as_ref().map(|s| &s.selector));
    let empty = BTreeMap::new();
    ctx.api
        .store
        .list(&list_prefix("pods", namespace))
        .filter_map(|(_, stored)| stored.object.shared_pod().cloned())
        .filter(|pod| controlled_by(&pod.metadata, uid))
        .filter(|pod| selector.matches(pod.metadata.labels.as_ref().unwrap_or(&empty)))
        .collect()
}

/// `syncReplicaSet` for one ReplicaSet.
pub fn sync(ctx: &mut Ctx, namespace: &str, name: &str) {
    let Some(Object::ReplicaSet(rs)) = stored(ctx, "replicasets", namespace, name) else {
        return;
    };
    let pods = owned_pods(ctx, &rs);
    let active: Vec<Arc<Pod>> = pods.iter().filter(|p| is_pod_active(p)).cloned().collect();
    let failure = if rs.metadata.deletion_timestamp.is_none() {
        manage_replicas(ctx, &rs, &active, &pods)
    } else {
        None
    };
    let status = calculate_status(&rs, &active, &pods, failure, ctx.now_ms);
    update_status(ctx, &rs, status);
    // A pod that is ready but not yet available for minReadySeconds: sync again when the next one
    // becomes available.
    let min_ready = rs
        .spec
        .as_ref()
        .and_then(|s| s.min_ready_seconds)
        .unwrap_or(0);
    if min_ready > 0 {
        let min_ready_ms = u64::try_from(min_ready).unwrap_or(0) * 1000;
        let next = active
            .iter()
            .filter(|p| !is_pod_available(p, min_ready, ctx.now_ms))
            .filter_map(|p| ready_since_ms(p))
            .map(|since| since.saturating_add(min_ready_ms) + 1)
            .min();
        if let Some(at) = next {
            ctx.after(
                at.saturating_sub(ctx.now_ms).max(1),
                Event::Controller(ControllerWake::SyncReplicaSet {
                    namespace: namespace.to_string(),
                    name: name.to_string(),
                }),
            );
        }
    }
}

/// Why creating or deleting pods failed (the ReplicaFailure condition's reason and message).
struct Failure {
    reason: &'static str,
    message: String,
}

/// `manageReplicas`: creates or deletes pods until the active ones number `spec.replicas`.
fn manage_replicas(
    ctx: &mut Ctx,
    rs: &Arc<ReplicaSet>,
    active: &[Arc<Pod>],
    all: &[Arc<Pod>],
) -> Option<Failure> {
    let wanted =
        usize::try_from(rs.spec.as_ref().and_then(|s| s.replicas).unwrap_or(1)).unwrap_or(0);
    let reference = Object::ReplicaSet(rs.clone()).reference();
    match active.len().cmp(&wanted) {
        Ordering::Equal => None,
        Ordering::Less => {
            let diff = (wanted - active.len()).min(BURST_REPLICAS);
            record_sync(
                ctx,
                reference,
                format!(
                    "replicaset-controller: {} active pod(s), {wanted} wanted: creating {diff} in slow-start batches",
                    active.len()
                ),
                json!({"controller": REPLICASET_CONTROLLER, "active": active.len(),
                       "replicas": wanted, "create": diff}),
            );
            create_pods(ctx, rs, diff)
        }
        Ordering::Greater => {
            let diff = (active.len() - wanted).min(BURST_REPLICAS);
            let related = related_pods(ctx, rs, all);
            let victims = pods_to_delete(active, &related, diff, ctx.now_ms);
            record_sync(
                ctx,
                reference,
                format!(
                    "replicaset-controller: {} active pod(s), {wanted} wanted: deleting {diff}",
                    active.len()
                ),
                json!({"controller": REPLICASET_CONTROLLER, "active": active.len(),
                       "replicas": wanted, "delete": victims.iter()
                           .map(|p| p.metadata.name.clone().unwrap_or_default())
                           .collect::<Vec<_>>()}),
            );
            let mut failure = None;
            for pod in victims {
                if let Err(f) = delete_pod(ctx, rs, &pod) {
                    failure.get_or_insert(f);
                }
            }
            failure
        }
    }
}

/// `getIndirectlyRelatedPods`: the pods of every ReplicaSet with the same controller (a Deployment's
/// old and new ReplicaSets), or the set's own pods when it has no controller.
fn related_pods(ctx: &Ctx, rs: &ReplicaSet, own: &[Arc<Pod>]) -> Vec<Arc<Pod>> {
    let Some(owner) = rs
        .metadata
        .owner_references
        .iter()
        .flatten()
        .find(|r| r.controller == Some(true))
    else {
        return own.to_vec();
    };
    let namespace = rs.metadata.namespace.as_deref();
    let siblings: Vec<Arc<ReplicaSet>> = ctx
        .api
        .store
        .list(&list_prefix("replicasets", namespace))
        .filter_map(|(_, stored)| match &stored.object {
            Object::ReplicaSet(sibling) if controlled_by(&sibling.metadata, &owner.uid) => {
                Some(sibling.clone())
            }
            _ => None,
        })
        .collect();
    siblings
        .iter()
        .flat_map(|sibling| owned_pods(ctx, sibling))
        .collect()
}

/// `getPodsPrefix`: `<name>-`, or the bare name when the dash would make an invalid prefix.
fn pods_prefix(controller_name: &str) -> String {
    let prefix = format!("{controller_name}-");
    if crate::engine::api::validation::names::name_is_dns_subdomain(&prefix, true).is_empty() {
        prefix
    } else {
        controller_name.to_string()
    }
}

/// `GetPodFromTemplate`: the template's labels, annotations, finalizers and spec, named by
/// `generateName`, owned by the ReplicaSet.
fn pod_from_template(rs: &Arc<ReplicaSet>) -> Pod {
    let template = rs
        .spec
        .as_ref()
        .and_then(|s| s.template.clone())
        .unwrap_or_default();
    let template_meta = template.metadata.unwrap_or_default();
    let name = rs.metadata.name.clone().unwrap_or_default();
    Pod {
        metadata: ObjectMeta {
            generate_name: Some(pods_prefix(&name)),
            namespace: rs.metadata.namespace.clone(),
            labels: template_meta.labels,
            annotations: template_meta.annotations,
            finalizers: template_meta.finalizers,
            owner_references: Some(vec![new_controller_ref(&Object::ReplicaSet(rs.clone()))]),
            ..Default::default()
        },
        spec: template.spec,
        status: None,
    }
}

/// `slowStartBatch` over `CreatePods`: batches of 1, 2, 4, …; a batch with a failure ends the sync.
fn create_pods(ctx: &mut Ctx, rs: &Arc<ReplicaSet>, count: usize) -> Option<Failure> {
    let regarding = object_reference(&Object::ReplicaSet(rs.clone()));
    let reporter = Reporter::Controller(REPLICASET_CONTROLLER.into());
    let mut remaining = count;
    let mut batch = remaining.min(SLOW_START_INITIAL_BATCH_SIZE);
    while batch > 0 {
        let mut failure = None;
        for _ in 0..batch {
            let pod = pod_from_template(rs);
            let pod = Object::Pod(Arc::new(pod));
            let response = send(ctx, REPLICASET_CONTROLLER, Verb::Create, pod, None);
            match (response.object(), response.status()) {
                (Some(created), _) => {
                    let message = format!("Created pod: {}", created.name());
                    events::record(
                        ctx,
                        &reporter,
                        regarding.clone(),
                        EventType::Normal,
                        "SuccessfulCreate",
                        "",
                        &message,
                    );
                }
                (None, status) => {
                    let error = status.and_then(|s| s.message.clone()).unwrap_or_default();
                    let message = format!("Error creating: {error}");
                    events::record(
                        ctx,
                        &reporter,
                        regarding.clone(),
                        EventType::Warning,
                        "FailedCreate",
                        "",
                        &message,
                    );
                    failure.get_or_insert(Failure {
                        reason: "FailedCreate",
                        message: error,
                    });
                }
            }
        }
        if failure.is_some() {
            return failure;
        }
        remaining -= batch;
        batch = (2 * batch).min(remaining);
    }
    None
}

/// `DeletePod`, with its `SuccessfulDelete` or `FailedDelete` event.
fn delete_pod(ctx: &mut Ctx, rs: &Arc<ReplicaSet>, pod: &Pod) -> Result<(), Failure> {
    let name = pod.metadata.name.clone().unwrap_or_default();
    let response = delete(
        ctx,
        REPLICASET_CONTROLLER,
        &Object::Pod(Arc::new(pod.clone())),
    );
    let regarding = object_reference(&Object::ReplicaSet(rs.clone()));
    let reporter = Reporter::Controller(REPLICASET_CONTROLLER.into());
    if response.is_success() || response.code == 404 {
        if response.is_success() {
            let message = format!("Deleted pod: {name}");
            events::record(
                ctx,
                &reporter,
                regarding,
                EventType::Normal,
                "SuccessfulDelete",
                "",
                &message,
            );
        }
        return Ok(());
    }
    let error = response
        .status()
        .and_then(|s| s.message.clone())
        .unwrap_or_default();
    let message = format!("Error deleting: {error}");
    events::record(
        ctx,
        &reporter,
        regarding,
        EventType::Warning,
        "FailedDelete",
        "",
        &message,
    );
    Err(Failure {
        reason: "FailedDelete",
        message: error,
    })
}

/// How a pod ranks for deletion (`ActivePodsWithRanks.Less`, LogarithmicScaleDown on): the pod that
/// sorts first goes first.
fn deletion_order(a: &Pod, rank_a: usize, b: &Pod, rank_b: usize, now_ms: u64) -> Ordering {
    let node = |p: &Pod| {
        p.spec
            .as_ref()
            .and_then(|s| s.node_name.as_deref())
            .is_some_and(|n| !n.is_empty())
    };
    let phase_rank = |p: &Pod| match p.status.as_ref().and_then(|s| s.phase.as_deref()) {
        Some("Pending") => 0,
        Some("Unknown") => 1,
        Some("Running") => 2,
        _ => 3,
    };
    let cost = |p: &Pod| {
        p.metadata
            .annotations
            .as_ref()
            .and_then(|a| a.get(POD_DELETION_COST))
            .and_then(|v| v.parse::<i32>().ok())
            .unwrap_or(0)
    };
    let restarts = |p: &Pod| -> i64 {
        p.status
            .as_ref()
            .and_then(|s| s.container_statuses.as_ref())
            .map(|cs| cs.iter().map(|c| i64::from(c.restart_count)).sum())
            .unwrap_or(0)
    };
    // Logarithmic buckets of how long ago something happened (`getPodReadyTime` / creation time).
    let bucket = |since_ms: u64| -> u32 {
        let elapsed = now_ms.saturating_sub(since_ms) / 1000;
        if elapsed == 0 {
            0
        } else {
            64 - elapsed.leading_zeros()
        }
    };
    let created = |p: &Pod| {
        p.metadata
            .creation_timestamp
            .as_ref()
            .map(ms_of)
            .unwrap_or(0)
    };
    // 1. unassigned < assigned
    node(a)
        .cmp(&node(b))
        // 2. Pending < Unknown < Running
        .then(phase_rank(a).cmp(&phase_rank(b)))
        // 3. not ready < ready
        .then(is_pod_ready(a).cmp(&is_pod_ready(b)))
        // 4. lower deletion cost first
        .then(cost(a).cmp(&cost(b)))
        // 5. more pods of the set on the same node first
        .then(rank_b.cmp(&rank_a))
        // 6. ready for less time first (both ready)
        .then_with(|| match (ready_since_ms(a), ready_since_ms(b)) {
            (Some(ra), Some(rb)) => bucket(ra).cmp(&bucket(rb)),
            _ => Ordering::Equal,
        })
        // 7. more restarts first
        .then(restarts(b).cmp(&restarts(a)))
        // 8. newer first
        .then(bucket(created(a)).cmp(&bucket(created(b))))
}

/// `getPodsToDelete`: the `count` lowest-ranked active pods; a pod's rank counts the set's pods on
/// its node (`getPodsRankedByRelatedPodsOnSameNode`).
fn pods_to_delete(
    active: &[Arc<Pod>],
    related: &[Arc<Pod>],
    count: usize,
    now_ms: u64,
) -> Vec<Arc<Pod>> {
    if count >= active.len() {
        return active.to_vec();
    }
    let node_of = |p: &Pod| {
        p.spec
            .as_ref()
            .and_then(|s| s.node_name.clone())
            .unwrap_or_default()
    };
    let mut on_node: BTreeMap<String, usize> = BTreeMap::new();
    for pod in related.iter().filter(|p| is_pod_active(p)) {
        let node = node_of(pod);
        if !node.is_empty() {
            *on_node.entry(node).or_insert(0) += 1;
        }
    }
    let mut ranked: Vec<(usize, Arc<Pod>)> = active
        .iter()
        .map(|p| (on_node.get(&node_of(p)).copied().unwrap_or(0), p.clone()))
        .collect();
    ranked.sort_by(|(ra, a), (rb, b)| {
        deletion_order(a, *ra, b, *rb, now_ms).then_with(|| a.metadata.name.cmp(&b.metadata.name))
    });
    ranked.into_iter().take(count).map(|(_, p)| p).collect()
}

/// `calculateStatus`.
fn calculate_status(
    rs: &ReplicaSet,
    active: &[Arc<Pod>],
    all: &[Arc<Pod>],
    failure: Option<Failure>,
    now_ms: u64,
) -> ReplicaSetStatus {
    let mut status = rs.status.clone().unwrap_or_default();
    let template_labels = rs
        .spec
        .as_ref()
        .and_then(|s| s.template.as_ref())
        .and_then(|t| t.metadata.as_ref())
        .and_then(|m| m.labels.clone())
        .unwrap_or_default();
    let template_selector = Selector::from_set(template_labels);
    let min_ready = rs
        .spec
        .as_ref()
        .and_then(|s| s.min_ready_seconds)
        .unwrap_or(0);
    let empty = BTreeMap::new();
    let count = |f: &dyn Fn(&Pod) -> bool| -> i32 {
        i32::try_from(active.iter().filter(|p| f(p)).count()).unwrap_or(i32::MAX)
    };
    status.replicas = count(&|_| true);
    status.fully_labeled_replicas = Some(count(&|p| {
        template_selector.matches(p.metadata.labels.as_ref().unwrap_or(&empty))
    }));
    status.ready_replicas = Some(count(&is_pod_ready));
    status.available_replicas = Some(count(&|p| is_pod_available(p, min_ready, now_ms)));
    let terminating = all
        .iter()
        .filter(|p| p.metadata.deletion_timestamp.is_some())
        .filter(|p| {
            !matches!(
                p.status.as_ref().and_then(|s| s.phase.as_deref()),
                Some("Succeeded" | "Failed")
            )
        })
        .count();
    status.terminating_replicas = Some(i32::try_from(terminating).unwrap_or(i32::MAX));
    let conditions = status.conditions.get_or_insert_with(Vec::new);
    let existing = conditions.iter().position(|c| c.type_ == "ReplicaFailure");
    match (failure, existing) {
        (Some(failure), None) => conditions.push(ReplicaSetCondition {
            type_: "ReplicaFailure".into(),
            status: "True".into(),
            reason: Some(failure.reason.into()),
            message: Some(failure.message),
            last_transition_time: Some(meta_time(now_ms)),
        }),
        (None, Some(index)) => {
            conditions.remove(index);
        }
        _ => {}
    }
    if status.conditions.as_ref().is_some_and(Vec::is_empty) {
        status.conditions = None;
    }
    // Zero counts are omitted, as Go's `omitempty` writes them.
    for field in [
        &mut status.fully_labeled_replicas,
        &mut status.ready_replicas,
        &mut status.available_replicas,
    ] {
        if *field == Some(0) {
            *field = None;
        }
    }
    status
}

/// `updateReplicaSetStatus`: writes the status (with `observedGeneration`) when it changed.
fn update_status(ctx: &mut Ctx, rs: &Arc<ReplicaSet>, mut status: ReplicaSetStatus) {
    status.observed_generation = rs.metadata.generation;
    if rs.status.as_ref() == Some(&status) {
        return;
    }
    let mut updated = (**rs).clone();
    updated.status = Some(status);
    let updated = Object::ReplicaSet(Arc::new(updated));
    let _ = send(
        ctx,
        REPLICASET_CONTROLLER,
        Verb::Update,
        updated,
        Some("status"),
    );
}
