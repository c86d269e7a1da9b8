//! The garbage collector's cascading deletion: when an owner is gone, its dependents go too.
//!
//! Mirrors `pkg/controller/garbagecollector/garbagecollector.go` (`attemptToDeleteItem`) for what
//! `kubectl delete` asks by default (background propagation): the owner is removed at once, then the
//! collector deletes each dependent whose owners are all gone (a Deployment's ReplicaSets, then, as
//! each ReplicaSet goes, its pods, gracefully). A dependent that still has another owner only loses
//! the reference to the deleted one.
//!
//! Simplifications: the collector reacts to the owner's deletion event instead of maintaining its
//! dependency graph; foreground deletion and orphaning (`propagationPolicy: Foreground | Orphan`) are
//! not modelled.

use serde_json::json;

use super::{delete, record_sync, send, GARBAGE_COLLECTOR};
use crate::engine::api::Verb;
use crate::engine::objects::Object;
use crate::engine::sim::Ctx;
use crate::engine::store::list_prefix;

/// The resources whose objects can be a ReplicaSet's or a Deployment's dependents.
const DEPENDENT_RESOURCES: [&str; 2] = ["replicasets", "pods"];

/// Deletes (or releases) the dependents of `owner`, which was just deleted.
pub fn delete_dependents(ctx: &mut Ctx, owner: &Object) {
    let Some(uid) = owner.metadata().uid.clone() else {
        return;
    };
    let namespace = owner.namespace().map(str::to_string);
    let mut dependents: Vec<Object> = Vec::new();
    for resource in DEPENDENT_RESOURCES {
        dependents.extend(
            ctx.api
                .store
                .list(&list_prefix(resource, namespace.as_deref()))
                .map(|(_, stored)| stored.object.clone())
                .filter(|object| {
                    object
                        .metadata()
                        .owner_references
                        .iter()
                        .flatten()
                        .any(|r| r.uid == uid)
                }),
        );
    }
    if dependents.is_empty() {
        return;
    }
    let names: Vec<String> = dependents.iter().map(Object::reference).collect();
    record_sync(
        ctx,
        owner.reference(),
        format!(
            "generic-garbage-collector: {} is gone; its dependents go too (background propagation): {}",
            owner.reference(),
            names.join(", ")
        ),
        json!({"controller": GARBAGE_COLLECTOR, "dependents": names}),
    );
    for dependent in dependents {
        let other_owners: Vec<_> = dependent
            .metadata()
            .owner_references
            .iter()
            .flatten()
            .filter(|r| r.uid != uid)
            .cloned()
            .collect();
        if other_owners.is_empty() {
            let _ = delete(ctx, GARBAGE_COLLECTOR, &dependent);
        } else {
            let mut released = dependent;
            released.metadata_mut().owner_references = Some(other_owners);
            let _ = send(ctx, GARBAGE_COLLECTOR, Verb::Update, released, None);
        }
    }
}
