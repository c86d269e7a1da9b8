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
//! claims are not modelled yet), except that VolumeRestrictions and VolumeBinding refuse a pod whose PersistentVolumeClaim does not exist or is being deleted at
//! PreFilter (`volume_claims.rs`).

use crate::engine::scheduler::framework::Plugin;

/// Whether a plugin is one of the modelled-as-skip ones.
pub fn is_skipped(plugin: Plugin) -> bool {
    matches!(
        plugin,
        Plugin::VolumeRestrictions
            | Plugin::NodeVolumeLimits
            | Plugin::VolumeBinding
            | Plugin::VolumeZone
            | Plugin::DynamicResources
            | Plugin::SchedulingGates
            | Plugin::PrioritySort
            | Plugin::DefaultBinder
            | Plugin::DefaultPreemption
    )
}
