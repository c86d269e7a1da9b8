//! The shared part of the resource scorers: which (allocatable, requested) pair each configured resource
//! contributes for a node.
//!
//! Mirrors `pkg/scheduler/framework/plugins/noderesources/resource_allocation.go`
//! (`calculateResourceAllocatableRequest`, `calculatePodResourceRequest`).

use crate::engine::scheduler::cache::{is_scalar_resource_name, NodeInfo, Resource};

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
            requested.milli_cpu + pod_request,
        ),
        "memory" => (node.allocatable.memory, requested.memory + pod_request),
        "ephemeral-storage" => (
            node.allocatable.ephemeral_storage,
            node.requested.ephemeral_storage + pod_request,
        ),
        other if node.allocatable.has_scalar(other) => (
            node.allocatable.scalar(other),
            node.requested.scalar(other) + pod_request,
        ),
        _ => (0, 0),
    }
}

/// The pod's request for one resource name from a precomputed `Resource`.
pub fn pod_request(requests: &Resource, resource: &str) -> i64 {
    requests.get(resource)
}
