//! The deployment controller: gives a Deployment's pod template a ReplicaSet, scales the ReplicaSets
//! through a rollout, and reports the rollout in the Deployment's status and conditions.
//!
//! Mirrors `pkg/controller/deployment/`: `deployment_controller.go` (`syncDeployment`), `sync.go`
//! (`getNewReplicaSet`: the `<deployment>-<pod-template-hash>` ReplicaSet with its revision and replica
//! annotations; `scale` with proportional scaling; `calculateStatus`; `cleanupDeployment`),
//! `rolling.go` (`reconcileNewReplicaSet`, `reconcileOldReplicaSets`, `cleanupUnhealthyReplicas`,
//! `scaleDownOldReplicaSetsForRollingUpdate`), `recreate.go`, `progress.go` (`syncRolloutStatus`:
//! the Progressing condition) and `util/deployment_util.go` (`NewRSNewReplicas`, `ResolveFenceposts`,
//! `MaxUnavailable`, `MaxSurge`, `DeploymentComplete`, `DeploymentProgressing`,
//! `SetDeploymentCondition`), plus `controller.ComputeHash` for the pod-template-hash.
//!
//! Difference: upstream hashes the template's Go value as printed by `spew` (FNV-32a, then
//! `rand.SafeEncodeString` of the decimal sum); podflow hashes the template's JSON the same way, so
//! its hashes look like upstream's and are stable per template but are not the same strings.
//! `progress.go`'s deadline check: a rollout that makes no progress for `progressDeadlineSeconds`
//! (600 by default) turns Progressing False with `ProgressDeadlineExceeded`; the simulation keeps
//! running until that check while a rollout is in progress (see `Simulation::is_quiescent`).
//! As upstream, a sync works on its own copy of the Deployment: after `getNewReplicaSet` has written
//! the status once, the sync's second status write conflicts (409) and the sync is retried.
//!
//! Simplifications: no rollbacks (`spec.rollbackTo` is gone from apps/v1 anyway), no adoption of
//! orphaned ReplicaSets, no `revision-history` annotation.

use std::collections::BTreeMap;
use std::sync::Arc;

use k8s_openapi::api::apps::v1::{
    Deployment, DeploymentCondition, DeploymentStatus, ReplicaSet, ReplicaSetSpec,
};
use k8s_openapi::api::core::v1::PodTemplateSpec;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{LabelSelector, ObjectMeta};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use serde_json::json;

use super::{
    controlled_by, delete, new_controller_ref, record_sync, send, stored, ControllerWake,
    DEPLOYMENT_CONTROLLER,
};
use crate::engine::api::Verb;
use crate::engine::events::{self, object_reference, EventType, Reporter};
use crate::engine::objects::Object;
use crate::engine::sim::{Ctx, Event};
use crate::engine::store::{key, list_prefix};
use crate::engine::time::{meta_time, ms_of};

/// The work queue's first retry delay (`DefaultTypedControllerRateLimiter`: 5 ms, doubling).
const RETRY_DELAY_MS: u64 = 5;

/// `apps.DefaultDeploymentUniqueLabelKey`.
pub const POD_TEMPLATE_HASH: &str = "pod-template-hash";
/// `deploymentutil.RevisionAnnotation`.
pub const REVISION: &str = "deployment.kubernetes.io/revision";
/// `deploymentutil.DesiredReplicasAnnotation`.
pub const DESIRED_REPLICAS: &str = "deployment.kubernetes.io/desired-replicas";
/// `deploymentutil.MaxReplicasAnnotation`.
pub const MAX_REPLICAS: &str = "deployment.kubernetes.io/max-replicas";
/// `deploymentutil.RevisionHistoryAnnotation`.
const REVISION_HISTORY: &str = "deployment.kubernetes.io/revision-history";
/// The annotations `SetNewReplicaSetAnnotations` does not copy from the Deployment
/// (`annotationsToSkip`).
const ANNOTATIONS_TO_SKIP: [&str; 5] = [
    "kubectl.kubernetes.io/last-applied-configuration",
    REVISION,
    REVISION_HISTORY,
    DESIRED_REPLICAS,
    MAX_REPLICAS,
];

/// The alphabet of `rand.SafeEncodeString` (no vowels, no look-alike digits).
const SAFE_ALPHABET: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";

/// `controller.ComputeHash`: FNV-32a over the template (here its JSON) and the collision count, the
/// decimal sum encoded with `rand.SafeEncodeString`.
pub fn compute_hash(template: &PodTemplateSpec, collision_count: Option<i32>) -> String {
    let text = crate::engine::json_text::to_string(template).unwrap_or_default();
    let mut hash: u32 = 0x811c_9dc5;
    let mut feed = |bytes: &[u8]| {
        for byte in bytes {
            hash ^= u32::from(*byte);
            hash = hash.wrapping_mul(0x0100_0193);
        }
    };
    feed(text.as_bytes());
    if let Some(count) = collision_count {
        let mut bytes = [0u8; 8];
        bytes[..4].copy_from_slice(&(count as u32).to_le_bytes());
        feed(&bytes);
    }
    hash.to_string()
        .bytes()
        .map(|b| SAFE_ALPHABET[usize::from(b) % SAFE_ALPHABET.len()] as char)
        .collect()
}

/// `intstr.GetScaledValueFromIntOrPercent`.
fn scaled_value(value: Option<&IntOrString>, total: i32, round_up: bool) -> i32 {
    match value {
        None => 0,
        Some(IntOrString::Int(n)) => *n,
        Some(IntOrString::String(s)) => {
            let Some(percent) = s.strip_suffix('%').and_then(|p| p.parse::<i64>().ok()) else {
                return 0;
            };
            let product = percent.saturating_mul(i64::from(total));
            let value = if round_up {
                product.saturating_add(99).div_euclid(100)
            } else {
                product.div_euclid(100)
            };
            i32::try_from(value).unwrap_or(i32::MAX)
        }
    }
}

fn replicas(d: &Deployment) -> i32 {
    d.spec.as_ref().and_then(|s| s.replicas).unwrap_or(1)
}

fn is_rolling_update(d: &Deployment) -> bool {
    d.spec
        .as_ref()
        .and_then(|s| s.strategy.as_ref())
        .and_then(|s| s.type_.as_deref())
        == Some("RollingUpdate")
}

/// `ResolveFenceposts`: (maxSurge rounded up, maxUnavailable rounded down); both zero → one
/// unavailable.
pub fn resolve_fenceposts(d: &Deployment) -> (i32, i32) {
    let rolling = d
        .spec
        .as_ref()
        .and_then(|s| s.strategy.as_ref())
        .and_then(|s| s.rolling_update.as_ref());
    let desired = replicas(d);
    let surge = scaled_value(rolling.and_then(|r| r.max_surge.as_ref()), desired, true);
    let unavailable = scaled_value(
        rolling.and_then(|r| r.max_unavailable.as_ref()),
        desired,
        false,
    );
    if surge == 0 && unavailable == 0 {
        (0, 1)
    } else {
        (surge, unavailable)
    }
}

/// `MaxUnavailable`.
pub fn max_unavailable(d: &Deployment) -> i32 {
    if !is_rolling_update(d) || replicas(d) == 0 {
        return 0;
    }
    resolve_fenceposts(d).1.min(replicas(d))
}

/// `MaxSurge`.
pub fn max_surge(d: &Deployment) -> i32 {
    if !is_rolling_update(d) {
        return 0;
    }
    resolve_fenceposts(d).0
}

fn rs_replicas(rs: &ReplicaSet) -> i32 {
    rs.spec.as_ref().and_then(|s| s.replicas).unwrap_or(1)
}

fn rs_status(
    rs: &ReplicaSet,
    f: impl Fn(&k8s_openapi::api::apps::v1::ReplicaSetStatus) -> i32,
) -> i32 {
    rs.status.as_ref().map(f).unwrap_or(0)
}

fn sum(rss: &[Arc<ReplicaSet>], f: impl Fn(&ReplicaSet) -> i32) -> i32 {
    rss.iter()
        .fold(0i32, |total, rs| total.saturating_add(f(rs)))
}

fn annotation_i32(rs: &ReplicaSet, name: &str) -> Option<i32> {
    rs.metadata.annotations.as_ref()?.get(name)?.parse().ok()
}

fn revision_of(rs: &ReplicaSet) -> i64 {
    rs.metadata
        .annotations
        .as_ref()
        .and_then(|a| a.get(REVISION))
        .and_then(|r| r.parse().ok())
        .unwrap_or(0)
}

fn created_ms(meta: &ObjectMeta) -> u64 {
    meta.creation_timestamp.as_ref().map(ms_of).unwrap_or(0)
}

/// `ReplicaSetsByCreationTimestamp`: oldest first, then by name.
fn by_creation(rss: &mut [Arc<ReplicaSet>]) {
    rss.sort_by(|a, b| {
        created_ms(&a.metadata)
            .cmp(&created_ms(&b.metadata))
            .then_with(|| a.metadata.name.cmp(&b.metadata.name))
    });
}

/// The template without its pod-template-hash label (`EqualIgnoreHash`).
fn without_hash(template: &PodTemplateSpec) -> PodTemplateSpec {
    let mut template = template.clone();
    if let Some(labels) = template.metadata.as_mut().and_then(|m| m.labels.as_mut()) {
        labels.remove(POD_TEMPLATE_HASH);
        if labels.is_empty() {
            if let Some(meta) = template.metadata.as_mut() {
                meta.labels = None;
            }
        }
    }
    template
}

/// The ReplicaSets the Deployment controls, oldest first.
fn owned_replica_sets(ctx: &Ctx, d: &Deployment) -> Vec<Arc<ReplicaSet>> {
    let uid = d.metadata.uid.as_deref().unwrap_or("");
    let mut rss: Vec<Arc<ReplicaSet>> = ctx
        .api
        .store
        .list(&list_prefix("replicasets", d.metadata.namespace.as_deref()))
        .filter_map(|(_, stored)| match &stored.object {
            Object::ReplicaSet(rs) => Some(rs.clone()),
            _ => None,
        })
        .filter(|rs| controlled_by(&rs.metadata, uid))
        .collect();
    by_creation(&mut rss);
    rss
}

/// `FindNewReplicaSet`: the oldest ReplicaSet whose template equals the Deployment's, and the others.
fn split_new_and_old(
    d: &Deployment,
    rss: &[Arc<ReplicaSet>],
) -> (Option<Arc<ReplicaSet>>, Vec<Arc<ReplicaSet>>) {
    let wanted = d.spec.as_ref().map(|s| without_hash(&s.template));
    let new = rss.iter().find(|rs| {
        rs.spec
            .as_ref()
            .and_then(|s| s.template.as_ref())
            .map(without_hash)
            == wanted
    });
    let old = rss
        .iter()
        .filter(|rs| new.is_none_or(|n| n.metadata.uid != rs.metadata.uid))
        .cloned()
        .collect();
    (new.cloned(), old)
}

fn active(rss: &[Arc<ReplicaSet>]) -> Vec<Arc<ReplicaSet>> {
    rss.iter()
        .filter(|rs| rs_replicas(rs) > 0)
        .cloned()
        .collect()
}

/// `syncDeployment` for one Deployment.
pub fn sync(ctx: &mut Ctx, namespace: &str, name: &str) {
    let Some(Object::Deployment(d)) = stored(ctx, "deployments", namespace, name) else {
        return;
    };
    let rss = owned_replica_sets(ctx, &d);
    if d.metadata.deletion_timestamp.is_some() {
        let (new, old) = split_new_and_old(&d, &rss);
        sync_status_only(ctx, &d, new.as_ref(), &old);
        return;
    }
    let paused = d.spec.as_ref().and_then(|s| s.paused) == Some(true);
    if paused || is_scaling_event(&d, &rss) {
        scale_sync(ctx, &d, &rss, paused);
        return;
    }
    if is_rolling_update(&d) {
        rollout_rolling(ctx, &d, &rss);
    } else {
        rollout_recreate(ctx, &d, &rss);
    }
}

/// `isScalingEvent`: an active ReplicaSet was sized for another replica count.
fn is_scaling_event(d: &Deployment, rss: &[Arc<ReplicaSet>]) -> bool {
    active(rss)
        .iter()
        .any(|rs| annotation_i32(rs, DESIRED_REPLICAS).is_some_and(|n| n != replicas(d)))
}

/// `getAllReplicaSetsAndSyncRevision`: the new ReplicaSet (created when asked and missing) and the old
/// ones, with the revision annotations brought up to date.
fn new_and_old(
    ctx: &mut Ctx,
    d: &Arc<Deployment>,
    rss: &[Arc<ReplicaSet>],
    create: bool,
) -> (
    Option<Arc<ReplicaSet>>,
    Vec<Arc<ReplicaSet>>,
    Arc<Deployment>,
) {
    let (existing, old) = split_new_and_old(d, rss);
    let max_old_revision = old.iter().map(|rs| revision_of(rs)).max().unwrap_or(0);
    let new_revision = max_old_revision.saturating_add(1).to_string();
    let mut d = d.clone();
    if let Some(rs) = existing {
        let mut updated = (*rs).clone();
        let annotations_changed = set_new_rs_annotations(&d, &mut updated, &new_revision, true);
        let min_ready = d.spec.as_ref().and_then(|s| s.min_ready_seconds);
        let min_ready_changed = rs.spec.as_ref().and_then(|s| s.min_ready_seconds) != min_ready;
        if annotations_changed || min_ready_changed {
            if let Some(spec) = updated.spec.as_mut() {
                spec.min_ready_seconds = min_ready;
            }
            let rs = update_replica_set(ctx, updated).unwrap_or(rs);
            return (Some(rs), old, d);
        }
        let mut wanted = (*d).clone();
        let mut needs_update = set_deployment_revision(&mut wanted, &revision_of(&rs).to_string());
        let deadline = has_progress_deadline(&wanted);
        let status = wanted.status.get_or_insert_with(Default::default);
        if deadline && condition(status, "Progressing").is_none() {
            let message = format!(
                "Found new replica set \"{}\"",
                rs.metadata.name.as_deref().unwrap_or("")
            );
            set_condition(
                status,
                new_condition(
                    "Progressing",
                    "True",
                    "FoundNewReplicaSet",
                    &message,
                    ctx.now_ms,
                ),
            );
            needs_update = true;
        }
        if needs_update {
            // Upstream changes its own copy and keeps it (with the resourceVersion it read), so a
            // later status write in the same sync conflicts and the sync is retried.
            let _ = update_deployment_status(ctx, wanted.clone());
            d = Arc::new(wanted);
        }
        return (Some(rs), old, d);
    }
    if !create {
        return (None, old, d);
    }
    let Some(spec) = d.spec.as_ref() else {
        return (None, old, d);
    };
    let collision_count = d.status.as_ref().and_then(|s| s.collision_count);
    let hash = compute_hash(&spec.template, collision_count);
    let mut template = spec.template.clone();
    template
        .metadata
        .get_or_insert_with(Default::default)
        .labels
        .get_or_insert_with(BTreeMap::new)
        .insert(POD_TEMPLATE_HASH.into(), hash.clone());
    let mut selector: LabelSelector = spec.selector.clone();
    selector
        .match_labels
        .get_or_insert_with(BTreeMap::new)
        .insert(POD_TEMPLATE_HASH.into(), hash.clone());
    let deployment_name = d.metadata.name.clone().unwrap_or_default();
    let mut new_rs = ReplicaSet {
        metadata: ObjectMeta {
            name: Some(format!("{deployment_name}-{hash}")),
            namespace: d.metadata.namespace.clone(),
            labels: template.metadata.as_ref().and_then(|m| m.labels.clone()),
            owner_references: Some(vec![new_controller_ref(&Object::Deployment(d.clone()))]),
            ..Default::default()
        },
        spec: Some(ReplicaSetSpec {
            replicas: Some(0),
            min_ready_seconds: spec.min_ready_seconds,
            selector,
            template: Some(template),
        }),
        status: None,
    };
    let mut all: Vec<Arc<ReplicaSet>> = old.clone();
    all.push(Arc::new(new_rs.clone()));
    let new_replicas = new_rs_new_replicas(&d, &all, &new_rs);
    if let Some(spec) = new_rs.spec.as_mut() {
        spec.replicas = Some(new_replicas);
    }
    set_new_rs_annotations(&d, &mut new_rs, &new_revision, false);
    let rs_name = new_rs.metadata.name.clone().unwrap_or_default();
    record_sync(
        ctx,
        Object::Deployment(d.clone()).reference(),
        format!(
            "deployment-controller: no ReplicaSet has the pod template (pod-template-hash {hash}): creating {rs_name} with {new_replicas} replica(s), revision {new_revision}"
        ),
        json!({"controller": DEPLOYMENT_CONTROLLER, "replicaSet": rs_name, "hash": hash,
               "replicas": new_replicas, "revision": new_revision}),
    );
    let new_rs = Object::ReplicaSet(Arc::new(new_rs));
    let response = send(ctx, DEPLOYMENT_CONTROLLER, Verb::Create, new_rs, None);
    let Some(Object::ReplicaSet(created)) = response.object().cloned() else {
        // Upstream counts a hash collision (AlreadyExists with another template) and retries with
        // the next `collisionCount`; any other failure is retried with back-off.
        if response.code == 409 {
            let mut wanted = (*d).clone();
            let status = wanted.status.get_or_insert_with(Default::default);
            status.collision_count = Some(status.collision_count.unwrap_or(0) + 1);
            let _ = update_deployment_status(ctx, wanted);
        }
        return (None, old, d);
    };
    if new_replicas > 0 {
        let message = format!("Scaled up replica set {rs_name} from 0 to {new_replicas}");
        record_event(ctx, &d, &message);
    }
    let mut wanted = (*d).clone();
    let mut needs_update = set_deployment_revision(&mut wanted, &new_revision);
    if has_progress_deadline(&wanted) {
        let message = format!("Created new replica set \"{rs_name}\"");
        set_condition(
            wanted.status.get_or_insert_with(Default::default),
            new_condition(
                "Progressing",
                "True",
                "NewReplicaSetCreated",
                &message,
                ctx.now_ms,
            ),
        );
        needs_update = true;
    }
    if needs_update {
        let _ = update_deployment_status(ctx, wanted.clone());
    }
    (Some(created), old, Arc::new(wanted))
}

/// `SetDeploymentRevision`.
fn set_deployment_revision(d: &mut Deployment, revision: &str) -> bool {
    let annotations = d.metadata.annotations.get_or_insert_with(BTreeMap::new);
    if annotations.get(REVISION).map(String::as_str) == Some(revision) {
        return false;
    }
    annotations.insert(REVISION.into(), revision.into());
    true
}

/// `SetNewReplicaSetAnnotations`: the Deployment's annotations (but those skipped), the revision,
/// and the desired and max replica counts. Returns whether anything changed.
fn set_new_rs_annotations(
    d: &Deployment,
    rs: &mut ReplicaSet,
    revision: &str,
    exists: bool,
) -> bool {
    let before = rs.metadata.annotations.clone();
    let annotations = rs.metadata.annotations.get_or_insert_with(BTreeMap::new);
    for (k, v) in d.metadata.annotations.iter().flatten() {
        if !ANNOTATIONS_TO_SKIP.contains(&k.as_str()) {
            annotations.insert(k.clone(), v.clone());
        }
    }
    let old_revision: i64 = annotations
        .get(REVISION)
        .and_then(|r| r.parse().ok())
        .unwrap_or(0);
    let new_revision: i64 = revision.parse().unwrap_or(0);
    if old_revision < new_revision {
        annotations.insert(REVISION.into(), revision.into());
    }
    if !exists {
        let desired = replicas(d);
        annotations.insert(DESIRED_REPLICAS.into(), desired.to_string());
        annotations.insert(
            MAX_REPLICAS.into(),
            desired.saturating_add(max_surge(d)).to_string(),
        );
    }
    rs.metadata.annotations != before
}

/// `NewRSNewReplicas`: how far the new ReplicaSet may grow now.
pub(crate) fn new_rs_new_replicas(
    d: &Deployment,
    all: &[Arc<ReplicaSet>],
    new_rs: &ReplicaSet,
) -> i32 {
    if !is_rolling_update(d) {
        return replicas(d);
    }
    let surge = max_surge(d);
    let current = sum(all, rs_replicas);
    let max_total = replicas(d).saturating_add(surge);
    if current >= max_total {
        return rs_replicas(new_rs);
    }
    let scale_up = max_total
        .saturating_sub(current)
        .min(replicas(d).saturating_sub(rs_replicas(new_rs)));
    rs_replicas(new_rs).saturating_add(scale_up)
}

fn record_event(ctx: &mut Ctx, d: &Arc<Deployment>, message: &str) {
    events::record(
        ctx,
        &Reporter::Controller(DEPLOYMENT_CONTROLLER.into()),
        object_reference(&Object::Deployment(d.clone())),
        EventType::Normal,
        "ScalingReplicaSet",
        "",
        message,
    );
}

/// `scaleReplicaSetAndRecordEvent`: sets the ReplicaSet's size and replica annotations; a size change
/// is announced with a ScalingReplicaSet event. Returns whether the size changed.
fn scale_replica_set(
    ctx: &mut Ctx,
    d: &Arc<Deployment>,
    rs: &Arc<ReplicaSet>,
    new_scale: i32,
) -> bool {
    let old_scale = rs_replicas(rs);
    let mut updated = (**rs).clone();
    let annotations = updated
        .metadata
        .annotations
        .get_or_insert_with(BTreeMap::new);
    let desired = replicas(d).to_string();
    let max = replicas(d).saturating_add(max_surge(d)).to_string();
    let annotations_changed = annotations.get(DESIRED_REPLICAS) != Some(&desired)
        || annotations.get(MAX_REPLICAS) != Some(&max);
    annotations.insert(DESIRED_REPLICAS.into(), desired);
    annotations.insert(MAX_REPLICAS.into(), max);
    let size_changed = old_scale != new_scale;
    if !size_changed && !annotations_changed {
        return false;
    }
    if let Some(spec) = updated.spec.as_mut() {
        spec.replicas = Some(new_scale);
    }
    let rs_name = rs.metadata.name.clone().unwrap_or_default();
    if update_replica_set(ctx, updated).is_some() && size_changed {
        let direction = if new_scale > old_scale { "up" } else { "down" };
        let message =
            format!("Scaled {direction} replica set {rs_name} from {old_scale} to {new_scale}");
        record_event(ctx, d, &message);
    }
    size_changed
}

fn update_replica_set(ctx: &mut Ctx, rs: ReplicaSet) -> Option<Arc<ReplicaSet>> {
    let rs = Object::ReplicaSet(Arc::new(rs));
    match send(ctx, DEPLOYMENT_CONTROLLER, Verb::Update, rs, None).object() {
        Some(Object::ReplicaSet(rs)) => Some(rs.clone()),
        _ => None,
    }
}

fn update_deployment_status(ctx: &mut Ctx, d: Deployment) -> Option<Arc<Deployment>> {
    let d = Object::Deployment(Arc::new(d));
    match send(ctx, DEPLOYMENT_CONTROLLER, Verb::Update, d, Some("status")).object() {
        Some(Object::Deployment(d)) => Some(d.clone()),
        _ => None,
    }
}

/// `rolloutRolling`.
fn rollout_rolling(ctx: &mut Ctx, d: &Arc<Deployment>, rss: &[Arc<ReplicaSet>]) {
    let (new, old, d) = new_and_old(ctx, d, rss, true);
    let Some(new) = new else {
        return;
    };
    let mut all = old.clone();
    all.push(new.clone());
    // As upstream, the status is computed from the ReplicaSets as they were read at the start of
    // the sync: a scale just written shows in the next sync.
    if reconcile_new_replica_set(ctx, &d, &all, &new) {
        sync_rollout_status(ctx, &d, Some(&new), &old);
        return;
    }
    if reconcile_old_replica_sets(ctx, &d, &all, &active(&old), &new) {
        sync_rollout_status(ctx, &d, Some(&new), &old);
        return;
    }
    if deployment_complete(&d, d.status.as_ref()) {
        cleanup_deployment(ctx, &d, &old);
    }
    sync_rollout_status(ctx, &d, Some(&new), &old);
}

/// `reconcileNewReplicaSet`.
fn reconcile_new_replica_set(
    ctx: &mut Ctx,
    d: &Arc<Deployment>,
    all: &[Arc<ReplicaSet>],
    new: &Arc<ReplicaSet>,
) -> bool {
    let desired = replicas(d);
    let current = rs_replicas(new);
    if current == desired {
        return false;
    }
    if current > desired {
        return scale_replica_set(ctx, d, new, desired);
    }
    let target = new_rs_new_replicas(d, all, new);
    scale_replica_set(ctx, d, new, target)
}

/// `reconcileOldReplicaSets`.
fn reconcile_old_replica_sets(
    ctx: &mut Ctx,
    d: &Arc<Deployment>,
    all: &[Arc<ReplicaSet>],
    old: &[Arc<ReplicaSet>],
    new: &Arc<ReplicaSet>,
) -> bool {
    if sum(old, rs_replicas) == 0 {
        return false;
    }
    let all_pods = sum(all, rs_replicas);
    let min_available = replicas(d) - max_unavailable(d);
    let new_unavailable = rs_replicas(new) - rs_status(new, |s| s.available_replicas.unwrap_or(0));
    let max_scaled_down = all_pods
        .saturating_sub(min_available)
        .saturating_sub(new_unavailable);
    if max_scaled_down <= 0 {
        return false;
    }
    let (old, cleaned) = cleanup_unhealthy_replicas(ctx, d, old, max_scaled_down);
    let mut all: Vec<Arc<ReplicaSet>> = old.clone();
    all.push(new.clone());
    let scaled = scale_down_old_for_rolling_update(ctx, d, &all, &old);
    cleaned + scaled > 0
}

/// `cleanupUnhealthyReplicas`: scales old ReplicaSets down by their unavailable pods first.
fn cleanup_unhealthy_replicas(
    ctx: &mut Ctx,
    d: &Arc<Deployment>,
    old: &[Arc<ReplicaSet>],
    max_cleanup: i32,
) -> (Vec<Arc<ReplicaSet>>, i32) {
    let mut old = old.to_vec();
    by_creation(&mut old);
    let mut total = 0;
    for rs in old.iter_mut() {
        if total >= max_cleanup {
            break;
        }
        let size = rs_replicas(rs);
        let available = rs_status(rs, |s| s.available_replicas.unwrap_or(0));
        if size == 0 || size == available {
            continue;
        }
        let count = (max_cleanup - total).min(size - available);
        let target = size - count;
        if target > size {
            break;
        }
        scale_replica_set(ctx, d, rs, target);
        if let Some(Object::ReplicaSet(fresh)) = ctx
            .api
            .store
            .get(&key(
                "replicasets",
                rs.metadata.namespace.as_deref(),
                rs.metadata.name.as_deref().unwrap_or(""),
            ))
            .map(|s| s.object.clone())
        {
            *rs = fresh;
        }
        total += count;
    }
    (old, total)
}

/// `scaleDownOldReplicaSetsForRollingUpdate`: as many old pods as availability allows.
fn scale_down_old_for_rolling_update(
    ctx: &mut Ctx,
    d: &Arc<Deployment>,
    all: &[Arc<ReplicaSet>],
    old: &[Arc<ReplicaSet>],
) -> i32 {
    let min_available = replicas(d) - max_unavailable(d);
    let available = sum(all, |rs| {
        rs_status(rs, |s| s.available_replicas.unwrap_or(0))
    });
    if available <= min_available {
        return 0;
    }
    let mut old = old.to_vec();
    by_creation(&mut old);
    let to_scale_down = available.saturating_sub(min_available);
    let mut total = 0;
    for rs in &old {
        if total >= to_scale_down {
            break;
        }
        let size = rs_replicas(rs);
        if size == 0 {
            continue;
        }
        let count = size.min(to_scale_down - total);
        scale_replica_set(ctx, d, rs, size - count);
        total += count;
    }
    total
}

/// `rolloutRecreate`: every old pod gone before the new ReplicaSet grows.
fn rollout_recreate(ctx: &mut Ctx, d: &Arc<Deployment>, rss: &[Arc<ReplicaSet>]) {
    let (new, old, d) = new_and_old(ctx, d, rss, false);
    let mut scaled_down = false;
    for rs in active(&old) {
        scaled_down |= scale_replica_set(ctx, &d, &rs, 0);
    }
    if scaled_down {
        sync_rollout_status(ctx, &d, new.as_ref(), &old);
        return;
    }
    if old_pods_running(ctx, &old) {
        sync_rollout_status(ctx, &d, new.as_ref(), &old);
        return;
    }
    let (new, old, d) = match new {
        Some(new) => (Some(new), old, d),
        None => new_and_old(ctx, &d, rss, true),
    };
    if let Some(new) = &new {
        scale_replica_set(ctx, &d, new, replicas(&d));
    }
    if deployment_complete(&d, d.status.as_ref()) {
        cleanup_deployment(ctx, &d, &old);
    }
    sync_rollout_status(ctx, &d, new.as_ref(), &old);
}

/// `oldPodsRunning`: a pod of an old ReplicaSet has not finished.
fn old_pods_running(ctx: &Ctx, old: &[Arc<ReplicaSet>]) -> bool {
    if sum(old, |rs| rs_status(rs, |s| s.replicas)) > 0 {
        return true;
    }
    let uids: Vec<&str> = old
        .iter()
        .filter_map(|rs| rs.metadata.uid.as_deref())
        .collect();
    let namespace = old.first().and_then(|rs| rs.metadata.namespace.as_deref());
    if uids.is_empty() {
        return false;
    }
    ctx.api
        .store
        .list(&list_prefix("pods", namespace))
        .filter_map(|(_, stored)| stored.object.as_pod())
        .filter(|pod| uids.iter().any(|uid| controlled_by(&pod.metadata, uid)))
        .any(|pod| {
            !matches!(
                pod.status.as_ref().and_then(|s| s.phase.as_deref()),
                Some("Failed" | "Succeeded")
            )
        })
}

/// `sync` (scaling events and paused Deployments): sizes the ReplicaSets, then the status.
fn scale_sync(ctx: &mut Ctx, d: &Arc<Deployment>, rss: &[Arc<ReplicaSet>], paused: bool) {
    let (new, old, d) = new_and_old(ctx, d, rss, false);
    scale(ctx, &d, new.as_ref(), &old);
    if paused {
        cleanup_deployment(ctx, &d, &old);
    }
    sync_status_only(ctx, &d, new.as_ref(), &old);
}

/// `scale`: one active ReplicaSet takes the whole count; a saturated new one empties the old ones;
/// otherwise a rolling update's extra or missing replicas are shared in proportion.
fn scale(
    ctx: &mut Ctx,
    d: &Arc<Deployment>,
    new: Option<&Arc<ReplicaSet>>,
    old: &[Arc<ReplicaSet>],
) {
    let mut all: Vec<Arc<ReplicaSet>> = old.to_vec();
    by_creation(&mut all);
    let latest = new.cloned().or_else(|| all.last().cloned());
    if let Some(new) = new {
        all.push(new.clone());
    }
    let live = active(&all);
    let only = match live.len() {
        0 => latest,
        1 => live.first().cloned(),
        _ => None,
    };
    if let Some(rs) = only {
        if rs_replicas(&rs) != replicas(d) {
            scale_replica_set(ctx, d, &rs, replicas(d));
        }
        return;
    }
    if let Some(new) = new {
        let saturated = rs_replicas(new) == replicas(d)
            && annotation_i32(new, DESIRED_REPLICAS) == Some(replicas(d))
            && rs_status(new, |s| s.available_replicas.unwrap_or(0)) == replicas(d);
        if saturated {
            for rs in active(old) {
                scale_replica_set(ctx, d, &rs, 0);
            }
            return;
        }
    }
    if !is_rolling_update(d) {
        return;
    }
    let allowed = replicas(d).saturating_add(max_surge(d));
    let to_add = allowed.saturating_sub(sum(&live, rs_replicas));
    let mut ordered = live.clone();
    // Scaling up favours the larger, then newer ReplicaSets; scaling down the larger, then older.
    ordered.sort_by(|a, b| {
        rs_replicas(b).cmp(&rs_replicas(a)).then_with(|| {
            let newer = created_ms(&b.metadata).cmp(&created_ms(&a.metadata));
            if to_add > 0 {
                newer
            } else {
                newer.reverse()
            }
        })
    });
    let mut sizes: Vec<i32> = Vec::with_capacity(ordered.len());
    let mut added = 0;
    for rs in &ordered {
        let proportion = if to_add != 0 {
            proportion(rs, d, to_add, added)
        } else {
            0
        };
        sizes.push(rs_replicas(rs) + proportion);
        added += proportion;
    }
    if to_add != added {
        if let Some(first) = sizes.first_mut() {
            *first = first.saturating_add(to_add.saturating_sub(added)).max(0);
        }
    }
    for (rs, size) in ordered.iter().zip(sizes) {
        scale_replica_set(ctx, d, rs, size);
    }
}

/// `getProportion` with `getReplicaSetFraction`.
fn proportion(rs: &ReplicaSet, d: &Deployment, to_add: i32, added: i32) -> i32 {
    if rs_replicas(rs) == 0 || to_add == added {
        return 0;
    }
    let fraction = if replicas(d) == 0 {
        -rs_replicas(rs)
    } else {
        let deployment_replicas = replicas(d).saturating_add(max_surge(d));
        let annotated = annotation_i32(rs, MAX_REPLICAS)
            .unwrap_or_else(|| d.status.as_ref().and_then(|s| s.replicas).unwrap_or(0));
        if annotated == 0 {
            0
        } else {
            let size =
                f64::from(rs_replicas(rs)) * f64::from(deployment_replicas) / f64::from(annotated);
            size.round() as i32 - rs_replicas(rs)
        }
    };
    let allowed = to_add.saturating_sub(added);
    if to_add > 0 {
        fraction.min(allowed)
    } else {
        fraction.max(allowed)
    }
}

/// `cleanupDeployment`: deletes the oldest empty old ReplicaSets beyond `revisionHistoryLimit`.
fn cleanup_deployment(ctx: &mut Ctx, d: &Arc<Deployment>, old: &[Arc<ReplicaSet>]) {
    let Some(limit) = d.spec.as_ref().and_then(|s| s.revision_history_limit) else {
        return;
    };
    let mut cleanable: Vec<Arc<ReplicaSet>> = old
        .iter()
        .filter(|rs| rs.metadata.deletion_timestamp.is_none())
        .cloned()
        .collect();
    let excess = i64::try_from(cleanable.len()).unwrap_or(0) - i64::from(limit);
    if excess <= 0 {
        return;
    }
    // Oldest revision first.
    cleanable.sort_by(|a, b| {
        revision_of(a)
            .cmp(&revision_of(b))
            .then_with(|| created_ms(&a.metadata).cmp(&created_ms(&b.metadata)))
    });
    let mut deleted = 0;
    for rs in cleanable {
        if deleted >= excess {
            break;
        }
        let empty = rs_status(&rs, |s| s.replicas) == 0 && rs_replicas(&rs) == 0;
        if !empty
            || rs.metadata.generation != rs.status.as_ref().and_then(|s| s.observed_generation)
        {
            continue;
        }
        let _ = delete(ctx, DEPLOYMENT_CONTROLLER, &Object::ReplicaSet(rs.clone()));
        deleted += 1;
    }
}

fn condition<'a>(status: &'a DeploymentStatus, kind: &str) -> Option<&'a DeploymentCondition> {
    status.conditions.as_ref()?.iter().find(|c| c.type_ == kind)
}

/// `NewDeploymentCondition`.
fn new_condition(
    kind: &str,
    status: &str,
    reason: &str,
    message: &str,
    now_ms: u64,
) -> DeploymentCondition {
    DeploymentCondition {
        type_: kind.into(),
        status: status.into(),
        reason: Some(reason.into()),
        message: Some(message.into()),
        last_update_time: Some(meta_time(now_ms)),
        last_transition_time: Some(meta_time(now_ms)),
    }
}

/// `SetDeploymentCondition`: a condition with the same status and reason stays as it is; otherwise it
/// is replaced and moves to the end, keeping its transition time when the status did not change.
/// Returns whether the conditions changed.
fn set_condition(status: &mut DeploymentStatus, mut new: DeploymentCondition) -> bool {
    let conditions = status.conditions.get_or_insert_with(Vec::new);
    if let Some(current) = conditions.iter().find(|c| c.type_ == new.type_) {
        if current.status == new.status && current.reason == new.reason {
            return false;
        }
        if current.status == new.status {
            new.last_transition_time = current.last_transition_time.clone();
        }
    }
    conditions.retain(|c| c.type_ != new.type_);
    conditions.push(new);
    true
}

fn remove_condition(status: &mut DeploymentStatus, kind: &str) {
    if let Some(conditions) = status.conditions.as_mut() {
        conditions.retain(|c| c.type_ != kind);
        if conditions.is_empty() {
            status.conditions = None;
        }
    }
}

fn has_progress_deadline(d: &Deployment) -> bool {
    d.spec
        .as_ref()
        .and_then(|s| s.progress_deadline_seconds)
        .is_some_and(|s| s != i32::MAX)
}

/// `calculateStatus`: the counts summed over the ReplicaSets, and the Available condition.
fn calculate_status(
    d: &Deployment,
    new: Option<&Arc<ReplicaSet>>,
    old: &[Arc<ReplicaSet>],
    now_ms: u64,
) -> DeploymentStatus {
    let mut all: Vec<Arc<ReplicaSet>> = old.to_vec();
    if let Some(new) = new {
        all.push(new.clone());
    }
    let available = sum(&all, |rs| {
        rs_status(rs, |s| s.available_replicas.unwrap_or(0))
    });
    let total = sum(&all, rs_replicas);
    let previous = d.status.clone().unwrap_or_default();
    let nonzero = |n: i32| (n != 0).then_some(n);
    // `GetTerminatingReplicaCountForReplicaSets`: a ReplicaSet never synced counts for nothing; one
    // synced without the count makes the total unknown.
    let mut terminating = Some(0);
    for rs in &all {
        let status = rs.status.clone().unwrap_or_default();
        match status.terminating_replicas {
            Some(n) => terminating = terminating.map(|t| t + n),
            None if status.observed_generation.unwrap_or(0) == 0 => {}
            None => terminating = None,
        }
    }
    let mut status = DeploymentStatus {
        observed_generation: d.metadata.generation,
        replicas: nonzero(sum(&all, |rs| rs_status(rs, |s| s.replicas))),
        updated_replicas: nonzero(new.map_or(0, |rs| rs_status(rs, |s| s.replicas))),
        ready_replicas: nonzero(sum(&all, |rs| {
            rs_status(rs, |s| s.ready_replicas.unwrap_or(0))
        })),
        available_replicas: nonzero(available),
        unavailable_replicas: nonzero((total - available).max(0)),
        terminating_replicas: terminating,
        collision_count: previous.collision_count,
        conditions: previous.conditions.clone(),
    };
    if available >= replicas(d) - max_unavailable(d) {
        set_condition(
            &mut status,
            new_condition(
                "Available",
                "True",
                "MinimumReplicasAvailable",
                "Deployment has minimum availability.",
                now_ms,
            ),
        );
    } else {
        set_condition(
            &mut status,
            new_condition(
                "Available",
                "False",
                "MinimumReplicasUnavailable",
                "Deployment does not have minimum availability.",
                now_ms,
            ),
        );
    }
    status
}

/// `DeploymentComplete`.
pub(crate) fn deployment_complete(d: &Deployment, status: Option<&DeploymentStatus>) -> bool {
    let Some(status) = status else {
        return false;
    };
    let want = replicas(d);
    status.updated_replicas.unwrap_or(0) == want
        && status.replicas.unwrap_or(0) == want
        && status.available_replicas.unwrap_or(0) == want
        && status.observed_generation.unwrap_or(0) >= d.metadata.generation.unwrap_or(0)
}

/// `DeploymentProgressing`: more updated, ready or available replicas, or fewer old ones.
pub(crate) fn deployment_progressing(d: &Deployment, new: &DeploymentStatus) -> bool {
    let old = d.status.clone().unwrap_or_default();
    let n = |v: Option<i32>| v.unwrap_or(0);
    let old_old = n(old.replicas) - n(old.updated_replicas);
    let new_old = n(new.replicas) - n(new.updated_replicas);
    n(new.updated_replicas) > n(old.updated_replicas)
        || new_old < old_old
        || n(new.ready_replicas) > n(old.ready_replicas)
        || n(new.available_replicas) > n(old.available_replicas)
}

/// `handleErr`: a failed sync (here, a status write refused with a Conflict) is retried through the
/// work queue's rate limiter, whose first delay is 5 ms.
fn requeue(ctx: &mut Ctx, d: &Deployment) {
    ctx.after(
        RETRY_DELAY_MS,
        Event::Controller(ControllerWake::SyncDeployment {
            namespace: d
                .metadata
                .namespace
                .clone()
                .unwrap_or_else(|| "default".into()),
            name: d.metadata.name.clone().unwrap_or_default(),
        }),
    );
}

/// `syncDeploymentStatus`: the counts and Available condition only.
fn sync_status_only(
    ctx: &mut Ctx,
    d: &Arc<Deployment>,
    new: Option<&Arc<ReplicaSet>>,
    old: &[Arc<ReplicaSet>],
) {
    let status = calculate_status(d, new, old, ctx.now_ms);
    if d.status.as_ref() == Some(&status) {
        return;
    }
    let mut updated = (**d).clone();
    updated.status = Some(status);
    if update_deployment_status(ctx, updated).is_none() {
        requeue(ctx, d);
    }
}

/// `syncRolloutStatus`: the counts, Available, and the Progressing condition.
fn sync_rollout_status(
    ctx: &mut Ctx,
    d: &Arc<Deployment>,
    new: Option<&Arc<ReplicaSet>>,
    old: &[Arc<ReplicaSet>],
) {
    let mut status = calculate_status(d, new, old, ctx.now_ms);
    if !has_progress_deadline(d) {
        remove_condition(&mut status, "Progressing");
    }
    let current = d
        .status
        .as_ref()
        .and_then(|s| condition(s, "Progressing"))
        .cloned();
    let complete_already = status.replicas == status.updated_replicas
        && current
            .as_ref()
            .is_some_and(|c| c.reason.as_deref() == Some("NewReplicaSetAvailable"));
    if has_progress_deadline(d) && !complete_already {
        let subject = |verb: &str| match new {
            Some(rs) => format!(
                "ReplicaSet \"{}\" {verb}",
                rs.metadata.name.as_deref().unwrap_or("")
            ),
            None => format!(
                "Deployment \"{}\" {verb}",
                d.metadata.name.as_deref().unwrap_or("")
            ),
        };
        if deployment_complete(d, Some(&status)) {
            let message = subject("has successfully progressed.");
            set_condition(
                &mut status,
                new_condition(
                    "Progressing",
                    "True",
                    "NewReplicaSetAvailable",
                    &message,
                    ctx.now_ms,
                ),
            );
        } else if deployment_progressing(d, &status) {
            let message = subject("is progressing.");
            let mut condition = new_condition(
                "Progressing",
                "True",
                "ReplicaSetUpdated",
                &message,
                ctx.now_ms,
            );
            if let Some(current) = &current {
                if current.status == "True" {
                    condition.last_transition_time = current.last_transition_time.clone();
                }
                remove_condition(&mut status, "Progressing");
            }
            set_condition(&mut status, condition);
        } else if deployment_timed_out(d, &status, ctx.now_ms) {
            let message = subject("has timed out progressing.");
            set_condition(
                &mut status,
                new_condition(
                    "Progressing",
                    "False",
                    "ProgressDeadlineExceeded",
                    &message,
                    ctx.now_ms,
                ),
            );
        }
    }
    // `getReplicaFailures`: the new (else any) ReplicaSet's ReplicaFailure condition, copied.
    let failure = new
        .into_iter()
        .chain(old.iter())
        .filter_map(|rs| {
            rs.status
                .as_ref()?
                .conditions
                .as_ref()?
                .iter()
                .find(|c| c.type_ == "ReplicaFailure")
        })
        .next()
        .cloned();
    match failure {
        Some(c) => {
            set_condition(
                &mut status,
                DeploymentCondition {
                    type_: c.type_,
                    status: c.status,
                    reason: c.reason,
                    message: c.message,
                    last_update_time: c.last_transition_time.clone(),
                    last_transition_time: c.last_transition_time,
                },
            );
        }
        None => remove_condition(&mut status, "ReplicaFailure"),
    }
    if d.status.as_ref() == Some(&status) {
        requeue_stuck(ctx, d, &status);
        return;
    }
    let mut updated = (**d).clone();
    updated.status = Some(status);
    if update_deployment_status(ctx, updated).is_none() {
        requeue(ctx, d);
    }
}

/// `DeploymentTimedOut`: no progress reported within `progressDeadlineSeconds` of the Progressing
/// condition's last update.
pub(crate) fn deployment_timed_out(d: &Deployment, status: &DeploymentStatus, now_ms: u64) -> bool {
    if !has_progress_deadline(d) {
        return false;
    }
    let Some(progressing) = condition(status, "Progressing") else {
        return false;
    };
    match progressing.reason.as_deref() {
        Some("NewReplicaSetAvailable") => false,
        Some("ProgressDeadlineExceeded") => true,
        _ => {
            let from = progressing
                .last_update_time
                .as_ref()
                .map(ms_of)
                .unwrap_or(0);
            from.saturating_add(deadline_ms(d)) < now_ms
        }
    }
}

fn deadline_ms(d: &Deployment) -> u64 {
    let seconds = d
        .spec
        .as_ref()
        .and_then(|s| s.progress_deadline_seconds)
        .unwrap_or(0);
    u64::try_from(seconds).unwrap_or(0).saturating_mul(1000)
}

/// `requeueStuckDeployment`: a rollout that has not moved is synced again when its deadline passes
/// (one second after it, or at once through the rate limiter when less than a second is left).
fn requeue_stuck(ctx: &mut Ctx, d: &Arc<Deployment>, status: &DeploymentStatus) {
    let Some(current) = d.status.as_ref().and_then(|s| condition(s, "Progressing")) else {
        return;
    };
    if !has_progress_deadline(d)
        || deployment_complete(d, Some(status))
        || current.reason.as_deref() == Some("ProgressDeadlineExceeded")
    {
        return;
    }
    let from = current.last_update_time.as_ref().map(ms_of).unwrap_or(0);
    let after = from
        .saturating_add(deadline_ms(d))
        .saturating_sub(ctx.now_ms);
    let delay = if after < 1000 {
        RETRY_DELAY_MS
    } else {
        after + 1000
    };
    ctx.after(
        delay,
        Event::Controller(ControllerWake::SyncDeployment {
            namespace: d
                .metadata
                .namespace
                .clone()
                .unwrap_or_else(|| "default".into()),
            name: d.metadata.name.clone().unwrap_or_default(),
        }),
    );
}
