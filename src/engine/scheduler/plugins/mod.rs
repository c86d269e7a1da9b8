//! The in-tree plugins the default profile runs, one file each, as in `pkg/scheduler/framework/plugins`.
//!
//! Plugins of the default profile that are not listed here (SchedulingGates, VolumeRestrictions,
//! NodeVolumeLimits, VolumeBinding, VolumeZone, DynamicResources, DefaultBinder) are modelled as their
//! no-op path for pods without volumes, claims or gates: their PreFilter/PreScore return Skip (see
//! `skipped.rs`). VolumeRestrictions' and VolumeBinding's PreFilter lookups of the pod's
//! PersistentVolumeClaims, and the volume plugins' QueueingHints, are modelled in `volume_claims.rs`.
//! Each plugin's file also holds its QueueingHint functions (`is_schedulable_after_*`), which
//! `queueing_hints.rs` calls.

pub mod balanced_allocation;
pub mod default_preemption;
pub mod image_locality;
pub mod inter_pod_affinity;
pub mod least_allocated;
pub mod most_allocated;
pub mod node_affinity;
pub mod node_name;
pub mod node_ports;
pub mod node_resources_fit;
pub mod node_unschedulable;
pub mod pod_topology_spread;
pub mod requested_to_capacity_ratio;
pub mod resource_allocation;
pub mod skipped;
pub mod taint_toleration;
pub mod volume_claims;

#[cfg(test)]
#[allow(dead_code)]
pub(crate) mod testing;
