//! The default-profile plugins whose effect on the pods podflow models is their no-op path.
//!
//! Upstream behaviour for a pod without PVCs, resource claims, scheduling gates, topology spread
//! constraints or pod (anti-)affinity, and with no existing pod carrying pod (anti-)affinity:
//! - VolumeRestrictions, NodeVolumeLimits, VolumeBinding, VolumeZone, DynamicResources: PreFilter
//!   returns Skip, so their Filter does not run; VolumeBinding's PreScore returns Skip.
//! - PodTopologySpread (`podtopologyspread/scoring.go initPreScoreState`): a pod without
//!   `topologySpreadConstraints` gets the system-default constraints only when it is selected by a
//!   Service, ReplicationController, ReplicaSet or StatefulSet (`helper.DefaultSelector`); a bare pod
//!   gets an empty selector, hence no constraints, so PreScore returns Skip. (Its Filter for
//!   `DoNotSchedule` constraints is modelled in `pod_topology_spread.rs`; PreScore is treated as Skip
//!   for every pod, which is exact unless the pod has `ScheduleAnyway` constraints.)
//! - InterPodAffinity (`interpodaffinity/scoring.go PreScore`): with no preferred terms on the pod and
//!   no existing pod with affinity terms the topology score map stays empty and PreScore returns Skip.
//!   (Its Filter for required terms is modelled in `inter_pod_affinity.rs`; PreScore is treated as
//!   Skip for every pod, which is exact unless preferred terms are involved.)
//!
//! Simplification: pods that do use these features are scheduled as if they did not (volumes, claims,
//! soft spread constraints and pod affinity are not modelled yet), except that VolumeRestrictions and
//! VolumeBinding refuse a pod whose PersistentVolumeClaim does not exist or is being deleted at
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
            | Plugin::PodTopologySpread
            | Plugin::InterPodAffinity
            | Plugin::DynamicResources
            | Plugin::SchedulingGates
            | Plugin::PrioritySort
            | Plugin::DefaultBinder
            | Plugin::DefaultPreemption
    )
}
