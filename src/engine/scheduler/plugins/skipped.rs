//! The default-profile plugins whose effect on the pods podflow models is their no-op path.
//!
//! Upstream behaviour for a pod without PVCs, resource claims or scheduling gates:
//! - VolumeRestrictions, NodeVolumeLimits, VolumeBinding, VolumeZone, DynamicResources: PreFilter
//!   returns Skip, so their Filter does not run; VolumeBinding's PreScore returns Skip.
//!
//! PodTopologySpread and InterPodAffinity are modelled in full in `pod_topology_spread.rs` and
//! `inter_pod_affinity.rs`; their PreFilter and PreScore return Skip on their own terms there.
//!
//! Simplification: pods that do use these features are scheduled as if they did not (volumes and
//! claims are not modelled yet), except that VolumeRestrictions and VolumeBinding refuse a pod whose
//! PersistentVolumeClaim does not exist or is being deleted at PreFilter (`volume_claims.rs`).

use crate::engine::scheduler::framework::{CycleState, Plugin};

/// Whether the PreFilter of one of these plugins returns Skip for the pod (false for the other
/// plugins):
/// - VolumeRestrictions: without the in-tree disks `needsRestrictionsCheck` looks for (podflow has
///   no ReadWriteOncePod claims, its other reason to run);
/// - NodeVolumeLimits: without PersistentVolumeClaim, ephemeral or CSI-migratable in-tree volumes
///   (`IsInlineMigratable`);
/// - VolumeBinding, VolumeZone: without PersistentVolumeClaim or ephemeral volumes (VolumeZone also
///   skips unbound claims upstream; podflow's claims never bind, and it shows them as run);
/// - DynamicResources: without resource claims.
pub fn pre_filter_skips(plugin: Plugin, state: &CycleState) -> bool {
    let spec = state.pod.spec.as_ref();
    let volumes = spec.and_then(|s| s.volumes.as_deref()).unwrap_or(&[]);
    let has_claims = || {
        volumes
            .iter()
            .any(|v| v.persistent_volume_claim.is_some() || v.ephemeral.is_some())
    };
    match plugin {
        Plugin::VolumeRestrictions => !volumes.iter().any(|v| {
            v.gce_persistent_disk.is_some()
                || v.aws_elastic_block_store.is_some()
                || v.rbd.is_some()
                || v.iscsi.is_some()
        }),
        Plugin::NodeVolumeLimits => {
            !has_claims()
                && !volumes.iter().any(|v| {
                    v.gce_persistent_disk.is_some()
                        || v.aws_elastic_block_store.is_some()
                        || v.azure_disk.is_some()
                        || v.azure_file.is_some()
                        || v.cinder.is_some()
                        || v.vsphere_volume.is_some()
                        || v.portworx_volume.is_some()
                })
        }
        Plugin::VolumeBinding | Plugin::VolumeZone => !has_claims(),
        Plugin::DynamicResources => spec
            .and_then(|s| s.resource_claims.as_ref())
            .is_none_or(|c| c.is_empty()),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use k8s_openapi::api::core::v1::Pod;

    fn skipped_for(spec: serde_json::Value) -> Vec<&'static str> {
        let mut spec = spec;
        spec["containers"] = serde_json::json!([{"name": "c", "image": "i"}]);
        let pod: Pod = serde_json::from_value(serde_json::json!({"spec": spec})).expect("pod");
        let state = CycleState::new(&pod);
        [
            Plugin::VolumeRestrictions,
            Plugin::NodeVolumeLimits,
            Plugin::VolumeBinding,
            Plugin::VolumeZone,
            Plugin::DynamicResources,
            Plugin::NodeName,
        ]
        .into_iter()
        .filter(|p| pre_filter_skips(*p, &state))
        .map(|p| p.name())
        .collect()
    }

    #[test]
    fn should_skip_the_volume_and_claim_prefilters_like_upstream() {
        let all = vec![
            "VolumeRestrictions",
            "NodeVolumeLimits",
            "VolumeBinding",
            "VolumeZone",
            "DynamicResources",
        ];
        assert_eq!(skipped_for(serde_json::json!({})), all);
        assert_eq!(
            skipped_for(
                serde_json::json!({"volumes": [{"name": "d", "persistentVolumeClaim": {"claimName": "c"}}]})
            ),
            vec!["VolumeRestrictions", "DynamicResources"]
        );
        assert_eq!(
            skipped_for(
                serde_json::json!({"volumes": [{"name": "d", "gcePersistentDisk": {"pdName": "p"}}]})
            ),
            vec!["VolumeBinding", "VolumeZone", "DynamicResources"]
        );
        assert_eq!(
            skipped_for(
                serde_json::json!({"volumes": [{"name": "d", "azureDisk": {"diskName": "a", "diskURI": "u"}}]})
            ),
            vec![
                "VolumeRestrictions",
                "VolumeBinding",
                "VolumeZone",
                "DynamicResources"
            ]
        );
        assert_eq!(
            skipped_for(
                serde_json::json!({"resourceClaims": [{"name": "gpu", "resourceClaimName": "g"}]})
            ),
            vec![
                "VolumeRestrictions",
                "NodeVolumeLimits",
                "VolumeBinding",
                "VolumeZone"
            ]
        );
    }
}
