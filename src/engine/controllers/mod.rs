//! kube-controller-manager: the controllers that turn a Deployment into a ReplicaSet and a ReplicaSet
//! into Pods, keep PodDisruptionBudgets' status, and the garbage collector that deletes what an owner
//! leaves behind.
//!
//! Mirrors `cmd/kube-controller-manager` run as kubeadm runs it (`--use-service-account-credentials`:
//! each controller talks to the API server as its own service account in `kube-system`, authorized by
//! its `system:controller:<name>` role) with four of its controllers: `pkg/controller/deployment`
//! (`deployment`), `pkg/controller/replicaset` (`replica_set`), `pkg/controller/disruption`
//! (`disruption`) and `pkg/controller/garbagecollector` (`garbage_collector`).
//!
//! Simplifications: the controllers read the API server's store directly where upstream reads its
//! informers' caches, and sync a key as soon as its watch event arrives (no work queue, no rate
//! limiting); reading current state makes upstream's expectations (which stop a controller from acting
//! twice on a stale cache) unnecessary. Orphan adoption and release (`ClaimPods`,
//! `ClaimReplicaSets`) are not modelled: a controller manages the objects whose controller reference
//! names it. Other controllers (StatefulSet, DaemonSet, Job, ...) are not modelled.

pub mod deployment;
pub mod disruption;
pub mod garbage_collector;
pub mod replica_set;

use k8s_openapi::apimachinery::pkg::apis::meta::v1::{ObjectMeta, OwnerReference};

use crate::engine::api::{ApiRequest, ApiResponse, Credentials, RequestBody, Verb};
use crate::engine::objects::Object;
use crate::engine::sim::Ctx;
use crate::engine::store::{WatchEvent, WatchEventType};

/// The deployment controller's name (its service account, its events' source).
pub const DEPLOYMENT_CONTROLLER: &str = "deployment-controller";
/// The replicaset controller's name.
pub const REPLICASET_CONTROLLER: &str = "replicaset-controller";
/// The disruption controller's name (its service account; its events' source is `controllermanager`).
pub const DISRUPTION_CONTROLLER: &str = "disruption-controller";
/// The garbage collector's name.
pub const GARBAGE_COLLECTOR: &str = "generic-garbage-collector";

/// What kube-controller-manager asks to be woken for (a key its work queue adds after a delay).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ControllerWake {
    /// A ReplicaSet with `minReadySeconds` whose ready pods will become available
    /// (`enqueueRSAfter`).
    SyncReplicaSet { namespace: String, name: String },
    /// A Deployment whose sync failed, retried (`handleErr`).
    SyncDeployment { namespace: String, name: String },
    /// A PodDisruptionBudget whose oldest `disruptedPods` entry expires (the disruption controller's
    /// recheck queue).
    SyncDisruptionBudget { namespace: String, name: String },
}

/// kube-controller-manager. It keeps no state of its own: each sync reads the cluster as it is.
pub struct ControllerManager;

impl ControllerManager {
    /// Whether kube-controller-manager's informers care about this watch event: Deployments,
    /// ReplicaSets, PodDisruptionBudgets, and pods a ReplicaSet controls or a budget selects.
    pub fn watches(store: &crate::engine::store::Store, object: &Object) -> bool {
        match object {
            Object::Deployment(_) | Object::ReplicaSet(_) | Object::PodDisruptionBudget(_) => true,
            Object::Pod(pod) => {
                controller_of(&pod.metadata, "ReplicaSet").is_some()
                    || !disruption::pdbs_for_pod(store, pod).is_empty()
            }
            _ => false,
        }
    }

    /// Handles one of its own timers.
    pub fn on_wake(ctx: &mut Ctx, wake: ControllerWake) {
        match wake {
            ControllerWake::SyncReplicaSet { namespace, name } => {
                replica_set::sync(ctx, &namespace, &name)
            }
            ControllerWake::SyncDeployment { namespace, name } => {
                deployment::sync(ctx, &namespace, &name)
            }
            ControllerWake::SyncDisruptionBudget { namespace, name } => {
                disruption::sync(ctx, &namespace, &name)
            }
        }
    }

    /// Handles one watch event: the controllers whose objects it touches sync them.
    pub fn on_watch(ctx: &mut Ctx, event: &WatchEvent) {
        let deleted = event.event_type == WatchEventType::Deleted;
        let namespace = event.object.namespace().unwrap_or("default").to_string();
        match &event.object {
            Object::Deployment(_) => {
                if deleted {
                    garbage_collector::delete_dependents(ctx, &event.object);
                } else {
                    deployment::sync(ctx, &namespace, event.object.name());
                }
            }
            Object::ReplicaSet(rs) => {
                if deleted {
                    garbage_collector::delete_dependents(ctx, &event.object);
                } else {
                    replica_set::sync(ctx, &namespace, event.object.name());
                }
                if let Some(owner) = controller_of(&rs.metadata, "Deployment") {
                    deployment::sync(ctx, &namespace, &owner.name);
                }
            }
            Object::Pod(pod) => {
                if let Some(owner) = controller_of(&pod.metadata, "ReplicaSet") {
                    replica_set::sync(ctx, &namespace, &owner.name);
                }
                disruption::on_pod(ctx, pod);
            }
            Object::PodDisruptionBudget(_) if !deleted => {
                disruption::sync(ctx, &namespace, event.object.name());
            }
            _ => {}
        }
    }
}

/// Whether some Deployment's rollout is still in progress: its Progressing condition says neither
/// that it completed (`NewReplicaSetAvailable`) nor that it timed out (`ProgressDeadlineExceeded`).
pub fn rollout_in_progress(store: &crate::engine::store::Store) -> bool {
    store
        .list(&crate::engine::store::list_prefix("deployments", None))
        .any(|(_, stored)| match &stored.object {
            Object::Deployment(d) => d
                .status
                .as_ref()
                .and_then(|s| s.conditions.as_ref())
                .and_then(|c| c.iter().find(|c| c.type_ == "Progressing"))
                .is_some_and(|c| {
                    !matches!(
                        c.reason.as_deref(),
                        Some("NewReplicaSetAvailable" | "ProgressDeadlineExceeded")
                    )
                }),
            _ => false,
        })
}

/// The owner reference marked `controller: true`, if it is of `kind` (`metav1.GetControllerOf`).
pub fn controller_of<'a>(meta: &'a ObjectMeta, kind: &str) -> Option<&'a OwnerReference> {
    controller_of_any(meta).filter(|r| r.kind == kind)
}

/// The owner reference marked `controller: true`, whatever its kind (`metav1.GetControllerOf`).
pub fn controller_of_any(meta: &ObjectMeta) -> Option<&OwnerReference> {
    meta.owner_references
        .iter()
        .flatten()
        .find(|r| r.controller == Some(true))
}

/// Whether `meta`'s controller is the object with this uid.
pub fn controlled_by(meta: &ObjectMeta, owner_uid: &str) -> bool {
    meta.owner_references
        .iter()
        .flatten()
        .any(|r| r.controller == Some(true) && r.uid == owner_uid)
}

/// `metav1.NewControllerRef`: the owner reference a controller puts on what it creates.
pub fn new_controller_ref(owner: &Object) -> OwnerReference {
    let meta = owner.metadata();
    OwnerReference {
        api_version: owner.info().api_version(),
        kind: owner.kind().to_string(),
        name: meta.name.clone().unwrap_or_default(),
        uid: meta.uid.clone().unwrap_or_default(),
        controller: Some(true),
        block_owner_deletion: Some(true),
    }
}

/// The stored object at `resource`/`namespace`/`name`, if any (the controller's informer cache).
fn stored(ctx: &Ctx, resource: &str, namespace: &str, name: &str) -> Option<Object> {
    ctx.api
        .store
        .get(&crate::engine::store::key(resource, Some(namespace), name))
        .map(|s| s.object.clone())
}

/// Traces what a controller's sync found and does about it.
fn record_sync(ctx: &mut Ctx, object: String, summary: String, details: serde_json::Value) {
    ctx.record(
        crate::engine::trace::Component::ControllerManager,
        crate::engine::trace::Stage::Sync,
        object,
        crate::engine::trace::Outcome::Info,
        summary,
        details,
    );
}

/// Sends `object` as `controller`: a create (the server names it when it has only `generateName`),
/// an update, or an update of its `subresource`.
fn send(
    ctx: &mut Ctx,
    controller: &str,
    verb: Verb,
    object: Object,
    subresource: Option<&str>,
) -> ApiResponse {
    let namespace = object.namespace().unwrap_or("default").to_string();
    let mut request = ApiRequest::new(
        Credentials::Controller(controller.to_string()),
        verb,
        object.info().resource,
    )
    .namespace(namespace);
    if verb != Verb::Create {
        request = request.name(object.name().to_string());
    }
    if let Some(subresource) = subresource {
        request = request.subresource(subresource);
    }
    ctx.call(request.body(RequestBody::Object(object)))
}

/// Deletes `object` as `controller` (default options: a pod goes gracefully).
fn delete(ctx: &mut Ctx, controller: &str, object: &Object) -> ApiResponse {
    let request = ApiRequest::new(
        Credentials::Controller(controller.to_string()),
        Verb::Delete,
        object.info().resource,
    )
    .namespace(object.namespace().unwrap_or("default").to_string())
    .name(object.name().to_string());
    ctx.call(request)
}

#[cfg(test)]
pub(crate) mod tests;
