//! The shared part of the resource scorers: which (allocatable, requested) pair each configured resource
//! contributes for a node.
//!
//! Mirrors `pkg/scheduler/framework/plugins/noderesources/resource_allocation.go`
//! (`calculateResourceAllocatableRequest`, `calculatePodResourceRequest`).

use crate::engine::scheduler::cache::{is_scalar_resource_name, NodeInfo, Resource};
use crate::engine::scheduler::config::ResourceSpec;

/// `(allocatable, requested)` for `resource` on `node` once the pod is added. `use_requested` selects
/// the node's real requests (BalancedAllocation) instead of the non-zero ones (the Fit strategies) for
/// cpu and memory. A scalar resource the pod does not request, or one the node does not list, gives
/// `(0, 0)` and is skipped by the scorers.
pub fn allocatable_and_requested(
    node: &NodeInfo,
    resource: &str,
    pod_request: i64,
    use_requested: bool,
) -> (i64, i64) {
    let requested = if use_requested {
        &node.requested
    } else {
        &node.non_zero_requested
    };
    if pod_request == 0 && is_scalar_resource_name(resource) {
        return (0, 0);
    }
    match resource {
        "cpu" => (
            node.allocatable.milli_cpu,
            requested.milli_cpu.wrapping_add(pod_request),
        ),
        "memory" => (
            node.allocatable.memory,
            requested.memory.wrapping_add(pod_request),
        ),
        "ephemeral-storage" => (
            node.allocatable.ephemeral_storage,
            node.requested.ephemeral_storage.wrapping_add(pod_request),
        ),
        other if node.allocatable.has_scalar(other) => (
            node.allocatable.scalar(other),
            node.requested.scalar(other).wrapping_add(pod_request),
        ),
        _ => (0, 0),
    }
}

/// The pod's request for one resource name from a precomputed `Resource`.
pub fn pod_request(requests: &Resource, resource: &str) -> i64 {
    requests.get(resource)
}

/// A configured resource name resolved once per cycle, so the per-node work is integer-only.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ResourceKey {
    Cpu,
    Memory,
    EphemeralStorage,
    Scalar(String),
    /// Any other name (e.g. `pods`): never scored.
    Other,
}

/// One configured resource with the pod's request for it and its weight.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScoredResource {
    pub key: ResourceKey,
    pub pod_request: i64,
    pub weight: i64,
}

/// Resolves the configured resources against the pod's requests.
pub fn resolve(resources: &[ResourceSpec], requests: &Resource) -> Vec<ScoredResource> {
    resources
        .iter()
        .map(|r| ScoredResource {
            key: match r.name.as_str() {
                "cpu" => ResourceKey::Cpu,
                "memory" => ResourceKey::Memory,
                "ephemeral-storage" => ResourceKey::EphemeralStorage,
                n if is_scalar_resource_name(n) => ResourceKey::Scalar(n.to_string()),
                _ => ResourceKey::Other,
            },
            pod_request: pod_request(requests, &r.name),
            weight: r.weight,
        })
        .collect()
}

/// `allocatable_and_requested` for a resolved resource.
#[inline]
pub fn resolved_allocatable_and_requested(
    node: &NodeInfo,
    r: &ScoredResource,
    use_requested: bool,
) -> (i64, i64) {
    let requested = if use_requested {
        &node.requested
    } else {
        &node.non_zero_requested
    };
    match &r.key {
        ResourceKey::Cpu => (
            node.allocatable.milli_cpu,
            requested.milli_cpu.wrapping_add(r.pod_request),
        ),
        ResourceKey::Memory => (
            node.allocatable.memory,
            requested.memory.wrapping_add(r.pod_request),
        ),
        ResourceKey::EphemeralStorage => (
            node.allocatable.ephemeral_storage,
            node.requested.ephemeral_storage.wrapping_add(r.pod_request),
        ),
        ResourceKey::Scalar(name) => {
            if r.pod_request == 0 || !node.allocatable.has_scalar(name) {
                (0, 0)
            } else {
                (
                    node.allocatable.scalar(name),
                    node.requested.scalar(name).wrapping_add(r.pod_request),
                )
            }
        }
        ResourceKey::Other => (0, 0),
    }
}
