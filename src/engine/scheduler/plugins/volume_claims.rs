//! The PreFilter checks of VolumeRestrictions and VolumeBinding on the PersistentVolumeClaims a pod
//! names (`plugins/volumerestrictions/volume_restrictions.go` `readWriteOncePodPVCsForPod`,
//! `plugins/volumebinding/volume_binding.go` `podHasPVCs`).
//!
//! Both look each claim up in the scheduler's PVC lister, in volume order:
//! - VolumeRestrictions (first in the profile) refuses a claim that does not exist;
//! - VolumeBinding refuses it too, and also a claim that is being deleted.
//!
//! Either way the pod is `UnschedulableAndUnresolvable` before any Filter runs, with the lister's
//! message (`persistentvolumeclaim "data" not found`, `persistentvolumeclaim "data" is being
//! deleted`); every node gets that status, and FailedScheduling carries the message once.
//!
//! Simplification: a claim that exists (and is not being deleted) passes both PreFilters here. podflow
//! has no PersistentVolume controller, so claims are never bound or provisioned, and VolumeBinding's
//! checks of bound and unbound claims, ReadWriteOncePod conflicts, and the volume Filters are not
//! modelled. Generic ephemeral volumes are not looked up. The volume plugins' QueueingHints are here:
//! a created or updated claim sends back the unschedulable pods that use it (`uses_claim`), and a
//! deleted pod those whose claims or attachment slots it held (`shares_a_claim`, `frees_volume_slots`).

use k8s_openapi::api::core::v1::Pod;

use crate::engine::scheduler::framework::{Code, Status};

/// What the lister says of one claim the pod names.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PodClaim {
    pub name: String,
    /// Found in the pod's namespace.
    pub found: bool,
    /// Found, with a deletionTimestamp.
    pub deleting: bool,
}

/// The claims of the pod's `persistentVolumeClaim` volumes, in volume order, looked up with
/// `lookup(namespace, name)` (`None`: not found; `Some(deleting)`).
pub fn pod_claims(pod: &Pod, lookup: impl Fn(&str, &str) -> Option<bool>) -> Vec<PodClaim> {
    let namespace = pod.metadata.namespace.as_deref().unwrap_or("default");
    claim_names(pod)
        .map(|name| {
            let state = lookup(namespace, name);
            PodClaim {
                name: name.to_string(),
                found: state.is_some(),
                deleting: state.unwrap_or(false),
            }
        })
        .collect()
}

/// The claim names of the pod's `persistentVolumeClaim` volumes, in volume order.
pub fn claim_names(pod: &Pod) -> impl Iterator<Item = &str> {
    pod.spec
        .iter()
        .flat_map(|spec| spec.volumes.iter().flatten())
        .filter_map(|volume| volume.persistent_volume_claim.as_ref())
        .map(|claim| claim.claim_name.as_str())
}

/// The claims the pod's generic ephemeral volumes get (`<pod>-<volume>`), in volume order.
fn ephemeral_claim_names(pod: &Pod) -> impl Iterator<Item = String> + '_ {
    let pod_name = pod.metadata.name.as_deref().unwrap_or("");
    pod.spec
        .iter()
        .flat_map(|spec| spec.volumes.iter().flatten())
        .filter(|volume| volume.ephemeral.is_some())
        .map(move |volume| format!("{pod_name}-{}", volume.name))
}

fn namespace_of(pod: &Pod) -> &str {
    pod.metadata.namespace.as_deref().unwrap_or("default")
}

/// QueueingHint for a PersistentVolumeClaim event: the claim is in the pod's namespace and one of its
/// `persistentVolumeClaim` volumes names it (VolumeRestrictions, VolumeZone), or also the claim of a
/// generic ephemeral volume (VolumeBinding, NodeVolumeLimits: `with_ephemeral`).
pub fn uses_claim(pod: &Pod, namespace: &str, name: &str, with_ephemeral: bool) -> bool {
    namespace_of(pod) == namespace
        && (claim_names(pod).any(|claim| claim == name)
            || (with_ephemeral && ephemeral_claim_names(pod).any(|claim| claim == name)))
}

/// VolumeRestrictions' QueueingHint for `Pod/Delete`: the deleted pod, in the same namespace, used a
/// claim the waiting pod uses. (The in-tree disk conflicts it also checks are not modelled.)
pub fn shares_a_claim(target: &Pod, deleted: &Pod) -> bool {
    namespace_of(target) == namespace_of(deleted)
        && claim_names(deleted).any(|freed| claim_names(target).any(|claim| claim == freed))
}

/// NodeVolumeLimits' QueueingHint for `Pod/Delete`: the deleted pod was bound (or nominated) and had a
/// claim or generic ephemeral volume, so it may free an attachment slot.
pub fn frees_volume_slots(deleted: &Pod) -> bool {
    crate::engine::scheduler::queueing_hints::bound_or_nominated(deleted)
        && deleted
            .spec
            .iter()
            .flat_map(|spec| spec.volumes.iter().flatten())
            .any(|v| v.persistent_volume_claim.is_some() || v.ephemeral.is_some())
}

/// VolumeRestrictions' PreFilter: the first claim that does not exist.
pub fn volume_restrictions(claims: &[PodClaim]) -> Option<Status> {
    claims
        .iter()
        .find(|claim| !claim.found)
        .map(|claim| unresolvable("VolumeRestrictions", not_found(&claim.name)))
}

/// VolumeBinding's PreFilter: the first claim that does not exist or is being deleted.
pub fn volume_binding(claims: &[PodClaim]) -> Option<Status> {
    claims.iter().find_map(|claim| {
        if !claim.found {
            Some(unresolvable("VolumeBinding", not_found(&claim.name)))
        } else if claim.deleting {
            Some(unresolvable(
                "VolumeBinding",
                format!("persistentvolumeclaim \"{}\" is being deleted", claim.name),
            ))
        } else {
            None
        }
    })
}

/// The lister's NotFound message (`errors.NewNotFound(v1.Resource("persistentvolumeclaim"), name)`).
fn not_found(name: &str) -> String {
    format!("persistentvolumeclaim \"{name}\" not found")
}

fn unresolvable(plugin: &'static str, message: String) -> Status {
    Status::new(Code::UnschedulableAndUnresolvable, plugin, vec![message])
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn claims(states: &[(&str, Option<bool>)]) -> Vec<PodClaim> {
        let volumes: Vec<_> = states
            .iter()
            .map(|(name, _)| json!({"name": name, "persistentVolumeClaim": {"claimName": name}}))
            .chain([json!({"name": "cache", "emptyDir": {}})])
            .collect();
        let pod: Pod = serde_json::from_value(json!({
            "metadata": {"name": "p", "namespace": "team"},
            "spec": {"containers": [{"name": "c", "image": "nginx"}], "volumes": volumes}
        }))
        .unwrap();
        pod_claims(&pod, |namespace, name| {
            assert_eq!(namespace, "team");
            states
                .iter()
                .find(|(n, _)| *n == name)
                .and_then(|(_, s)| *s)
        })
    }

    /// A case: its name, each claim with its lister state, and what VolumeRestrictions and
    /// VolumeBinding say.
    type Case<'a> = (
        &'a str,
        &'a [(&'a str, Option<bool>)],
        Option<&'a str>,
        Option<&'a str>,
    );

    #[test]
    fn should_refuse_missing_and_deleting_claims_as_upstream_prefilters_do() {
        let cases: [Case; 5] = [
            ("no claims", &[], None, None),
            (
                "claims that exist",
                &[("a", Some(false)), ("b", Some(false))],
                None,
                None,
            ),
            (
                "a missing claim",
                &[("a", Some(false)), ("b", None)],
                Some("persistentvolumeclaim \"b\" not found"),
                Some("persistentvolumeclaim \"b\" not found"),
            ),
            (
                "a claim being deleted",
                &[("a", Some(true))],
                None,
                Some("persistentvolumeclaim \"a\" is being deleted"),
            ),
            (
                "deleting before missing, in volume order",
                &[("a", Some(true)), ("b", None)],
                Some("persistentvolumeclaim \"b\" not found"),
                Some("persistentvolumeclaim \"a\" is being deleted"),
            ),
        ];
        for (name, states, restrictions, binding) in cases {
            let claims = claims(states);
            let message = |s: Option<Status>| {
                s.map(|s| {
                    assert_eq!(s.code, Code::UnschedulableAndUnresolvable, "{name}");
                    s.reasons.join(", ")
                })
            };
            assert_eq!(
                message(volume_restrictions(&claims)).as_deref(),
                restrictions,
                "{name}: VolumeRestrictions"
            );
            assert_eq!(
                message(volume_binding(&claims)).as_deref(),
                binding,
                "{name}: VolumeBinding"
            );
        }
    }
}
