//! NodeResourcesFit: Filter checks the pod's requests against the node's free allocatable; Score applies
//! the configured strategy (LeastAllocated by default).
//!
//! Mirrors `pkg/scheduler/framework/plugins/noderesources/fit.go` (`fitsRequest`, `Filter`, `Score`),
//! with the `ignoredResources`/`ignoredResourceGroups` arguments. Simplification: DRA-backed extended
//! resources (a DeviceClass naming an extended resource) are not modelled.

use k8s_openapi::api::core::v1::Pod;

use crate::engine::scheduler::cache::{pod_requests, NodeInfo, Resource};
use crate::engine::scheduler::config::{IgnoredResources, ScoringStrategy, ScoringStrategyType};
use crate::engine::scheduler::framework::{Code, CycleState, Status};
use crate::engine::scheduler::queueing_hints::{bound_node, bound_or_nominated, same_pod};

use super::resource_allocation::{resolve, resolved_allocatable_and_requested, ScoredResource};
use super::{least_allocated, most_allocated, requested_to_capacity_ratio};

pub const NAME: &str = "NodeResourcesFit";

/// One resource the node lacks (`InsufficientResource`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InsufficientResource {
    pub resource: String,
    pub reason: String,
    pub requested: i64,
    pub used: i64,
    pub capacity: i64,
    /// The request exceeds the node's whole allocatable, so preemption cannot help.
    pub unresolvable: bool,
}

/// `fitsRequest`: pods count, then cpu, memory, ephemeral-storage, then scalars by name (skipping the
/// extended resources the plugin's arguments ignore).
pub fn fits_request(
    request: &Resource,
    node: &NodeInfo,
    ignored: &IgnoredResources,
) -> Vec<InsufficientResource> {
    let mut out = Vec::new();
    let pods = node.pods.len() as i64;
    if pods + 1 > node.allocatable.allowed_pod_number {
        out.push(InsufficientResource {
            resource: "pods".into(),
            reason: "Too many pods".into(),
            requested: 1,
            used: pods,
            capacity: node.allocatable.allowed_pod_number,
            unresolvable: false,
        });
    }
    if request.milli_cpu == 0
        && request.memory == 0
        && request.ephemeral_storage == 0
        && request.scalars.is_empty()
    {
        return out;
    }
    let checks = [
        (
            "cpu",
            "Insufficient cpu",
            request.milli_cpu,
            node.requested.milli_cpu,
            node.allocatable.milli_cpu,
        ),
        (
            "memory",
            "Insufficient memory",
            request.memory,
            node.requested.memory,
            node.allocatable.memory,
        ),
        (
            "ephemeral-storage",
            "Insufficient ephemeral-storage",
            request.ephemeral_storage,
            node.requested.ephemeral_storage,
            node.allocatable.ephemeral_storage,
        ),
    ];
    for (resource, reason, want, used, capacity) in checks {
        if want > 0 && want > capacity.wrapping_sub(used) {
            out.push(InsufficientResource {
                resource: resource.into(),
                reason: reason.into(),
                requested: want,
                used,
                capacity,
                unresolvable: want > capacity,
            });
        }
    }
    for (name, want) in &request.scalars {
        if *want == 0 || ignored.ignores(name) {
            continue;
        }
        let used = node.requested.scalar(name);
        let capacity = node.allocatable.scalar(name);
        if *want > capacity.wrapping_sub(used) {
            out.push(InsufficientResource {
                resource: name.clone(),
                reason: format!("Insufficient {name}"),
                requested: *want,
                used,
                capacity,
                unresolvable: *want > capacity,
            });
        }
    }
    out
}

pub fn filter(state: &CycleState, node: &NodeInfo, ignored: &IgnoredResources) -> Option<Status> {
    let insufficient = fits_request(&state.requests, node, ignored);
    if insufficient.is_empty() {
        return None;
    }
    let code = if insufficient.iter().any(|r| r.unresolvable) {
        Code::UnschedulableAndUnresolvable
    } else {
        Code::Unschedulable
    };
    Some(Status::new(
        code,
        NAME,
        insufficient.into_iter().map(|r| r.reason).collect(),
    ))
}

fn requests_nothing(request: &Resource) -> bool {
    request.milli_cpu == 0
        && request.memory == 0
        && request.ephemeral_storage == 0
        && request.scalars.is_empty()
}

/// Whether some resource the pod requests (a non-zero amount) has more in `more` than in `less`.
fn grew_for(request: &Resource, less: &Resource, more: &Resource) -> bool {
    (request.milli_cpu > 0 && more.milli_cpu > less.milli_cpu)
        || (request.memory > 0 && more.memory > less.memory)
        || (request.ephemeral_storage > 0 && more.ephemeral_storage > less.ephemeral_storage)
        || request
            .scalars
            .iter()
            .any(|(name, want)| *want > 0 && more.scalar(name) > less.scalar(name))
}

/// `extractPodScaleDown`: some request of the old pod is lower (or gone) in the new one.
pub fn scaled_down(old: &Resource, new: &Resource) -> bool {
    old.milli_cpu > new.milli_cpu
        || old.memory > new.memory
        || old.ephemeral_storage > new.ephemeral_storage
        || old
            .scalars
            .iter()
            .any(|(name, amount)| *amount > new.scalar(name))
}

/// QueueingHint for `Node/Add|UpdateNodeAllocatable` (`isSchedulableAfterNodeChange`): the pod must fit
/// the node's allocatable on its own (an empty node); then an added node is Queue, and an updated one
/// only if its pod count or the allocatable of a resource the pod requests grew.
pub fn is_schedulable_after_node_change(
    target: &CycleState,
    ignored: &IgnoredResources,
    old: Option<&NodeInfo>,
    new: &NodeInfo,
) -> bool {
    // `new` carries no pods (see `queueing_hints::Change`): an empty node.
    if !fits_request(&target.requests, new, ignored).is_empty() {
        return false;
    }
    let Some(old) = old else {
        return true;
    };
    if new.allocatable.allowed_pod_number > old.allocatable.allowed_pod_number {
        return true;
    }
    !requests_nothing(&target.requests)
        && grew_for(&target.requests, &old.allocatable, &new.allocatable)
}

/// QueueingHint for `Pod/Delete|UpdatePodScaleDown` (`isSchedulableAfterPodEvent`): a deleted pod that
/// was bound (or nominated) frees room; a scaled-down pod does if it is the waiting pod itself, or a
/// bound pod whose request of something the waiting pod needs went down.
pub fn is_schedulable_after_pod_event(
    target: &CycleState,
    old: Option<&Pod>,
    new: Option<&Pod>,
) -> bool {
    match (old, new) {
        (Some(deleted), None) => bound_or_nominated(deleted),
        (Some(old), Some(new)) => {
            if same_pod(target.pod, new) {
                return true;
            }
            bound_node(new).is_some()
                && grew_for(
                    &target.requests,
                    &pod_requests(new, false),
                    &pod_requests(old, false),
                )
        }
        _ => false,
    }
}

/// Score with the configured strategy; `shape` is the strategy's shape already scaled (×10).
pub fn score(
    strategy: &ScoringStrategy,
    shape: &[(i64, i64)],
    state: &CycleState,
    node: &NodeInfo,
) -> i64 {
    let items = resolve(&strategy.resources, &state.non_zero_requests);
    score_resolved(strategy.strategy, shape, &items, node)
}

/// Score with resources resolved once per cycle (`resolve` over the non-zero requests).
pub fn score_resolved(
    strategy: ScoringStrategyType,
    shape: &[(i64, i64)],
    items: &[ScoredResource],
    node: &NodeInfo,
) -> i64 {
    let items = items.iter().map(|r| {
        let (allocatable, requested) = resolved_allocatable_and_requested(node, r, false);
        (requested, allocatable, r.weight)
    });
    match strategy {
        ScoringStrategyType::LeastAllocated => least_allocated::score(items),
        ScoringStrategyType::MostAllocated => most_allocated::score(items),
        ScoringStrategyType::RequestedToCapacityRatio => {
            requested_to_capacity_ratio::score(shape, items)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::scheduler::plugins::testing::*;

    fn node(cpu: &str, memory: &str, pods: &str) -> NodeInfo {
        NodeBuilder::new("n")
            .allocatable(&[
                ("cpu", cpu),
                ("memory", memory),
                ("pods", pods),
                ("example.com/aaa", "5"),
            ])
            .build_info()
    }

    #[test]
    fn should_filter_like_upstream_fit_cases() {
        struct Case {
            name: &'static str,
            pod: k8s_openapi::api::core::v1::Pod,
            existing: Vec<PodBuilder>,
            want: Option<(Code, Vec<&'static str>)>,
        }
        let cases = vec![
            Case {
                name: "no resources requested always fits",
                pod: PodBuilder::new("p").container("x", &[]).build(),
                existing: vec![
                    PodBuilder::new("e").container("x", &[("cpu", "10"), ("memory", "20")])
                ],
                want: None,
            },
            Case {
                name: "too many resources fails on both",
                pod: PodBuilder::new("p")
                    .container("x", &[("cpu", "1m"), ("memory", "1")])
                    .build(),
                existing: vec![
                    PodBuilder::new("e").container("x", &[("cpu", "10"), ("memory", "20")])
                ],
                want: Some((
                    Code::Unschedulable,
                    vec!["Insufficient cpu", "Insufficient memory"],
                )),
            },
            Case {
                name: "request above the whole node is unresolvable",
                pod: PodBuilder::new("p")
                    .container("x", &[("cpu", "11")])
                    .build(),
                existing: vec![],
                want: Some((Code::UnschedulableAndUnresolvable, vec!["Insufficient cpu"])),
            },
            Case {
                name: "init container max counts",
                pod: PodBuilder::new("p")
                    .container("x", &[("cpu", "1"), ("memory", "1")])
                    .init_container("i", &[("cpu", "3"), ("memory", "1")], false)
                    .build(),
                existing: vec![
                    PodBuilder::new("e").container("x", &[("cpu", "8"), ("memory", "19")])
                ],
                want: Some((Code::Unschedulable, vec!["Insufficient cpu"])),
            },
            Case {
                name: "sidecar adds to the running total",
                pod: PodBuilder::new("p")
                    .container("x", &[("cpu", "1")])
                    .init_container("i", &[("cpu", "1")], true)
                    .build(),
                existing: vec![PodBuilder::new("e").container("x", &[("cpu", "9")])],
                want: Some((Code::Unschedulable, vec!["Insufficient cpu"])),
            },
            Case {
                name: "pod-level cpu replaces the containers' sum",
                pod: PodBuilder::new("p")
                    .container("x", &[("cpu", "1")])
                    .pod_level(&[("cpu", "2")])
                    .build(),
                existing: vec![PodBuilder::new("e").container("x", &[("cpu", "9")])],
                want: Some((Code::Unschedulable, vec!["Insufficient cpu"])),
            },
            Case {
                name: "pod-level memory, containers without requests",
                pod: PodBuilder::new("p")
                    .container("x", &[])
                    .pod_level(&[("memory", "2")])
                    .build(),
                existing: vec![PodBuilder::new("e").container("x", &[("memory", "19")])],
                want: Some((Code::Unschedulable, vec!["Insufficient memory"])),
            },
            Case {
                name: "pod-level cpu fits though the containers' sum would not",
                pod: PodBuilder::new("p")
                    .container("x", &[("cpu", "5")])
                    .container("y", &[("cpu", "5")])
                    .pod_level(&[("cpu", "1")])
                    .build(),
                existing: vec![PodBuilder::new("e").container("x", &[("cpu", "5")])],
                want: None,
            },
            Case {
                name: "extended resource",
                pod: PodBuilder::new("p")
                    .container("x", &[("example.com/aaa", "6")])
                    .build(),
                existing: vec![],
                want: Some((
                    Code::UnschedulableAndUnresolvable,
                    vec!["Insufficient example.com/aaa"],
                )),
            },
            Case {
                name: "unknown extended resource",
                pod: PodBuilder::new("p")
                    .container("x", &[("example.com/bbb", "1")])
                    .build(),
                existing: vec![],
                want: Some((
                    Code::UnschedulableAndUnresolvable,
                    vec!["Insufficient example.com/bbb"],
                )),
            },
        ];
        for case in cases {
            let mut n = node("10", "20", "32");
            for e in case.existing {
                n.add_pod(e.build_info_on("n"));
            }
            let got = filter(
                &CycleState::new(&case.pod),
                &n,
                &IgnoredResources::default(),
            )
            .map(|s| (s.code, s.reasons));
            let want = case
                .want
                .map(|(c, r)| (c, r.into_iter().map(String::from).collect::<Vec<_>>()));
            assert_eq!(got, want, "{}", case.name);
        }
    }

    #[test]
    fn should_skip_ignored_extended_resources_like_upstream() {
        // TestEnoughRequests' ignoredResources / ignoredResourceGroups rows: only extended resources
        // are ignored; a `kubernetes.io/` resource is native and always checked.
        let n = node("10", "20", "32");
        let pod = PodBuilder::new("p")
            .container(
                "x",
                &[("example.com/bbb", "1"), ("kubernetes.io/something", "1")],
            )
            .build();
        let state = CycleState::new(&pod);
        let ignored = |names: &[&str], groups: &[&str]| IgnoredResources {
            names: names.iter().map(|s| s.to_string()).collect(),
            groups: groups.iter().map(|s| s.to_string()).collect(),
        };
        let reasons = |i: &IgnoredResources| filter(&state, &n, i).map(|s| s.reasons);
        let both = vec![
            "Insufficient example.com/bbb".to_string(),
            "Insufficient kubernetes.io/something".to_string(),
        ];
        assert_eq!(reasons(&ignored(&[], &[])), Some(both));
        let native_only = Some(vec!["Insufficient kubernetes.io/something".to_string()]);
        assert_eq!(reasons(&ignored(&["example.com/bbb"], &[])), native_only);
        assert_eq!(reasons(&ignored(&[], &["example.com"])), native_only);
        assert_eq!(
            reasons(&ignored(&["kubernetes.io/something"], &["kubernetes.io"])).map(|r| r.len()),
            Some(2)
        );
    }

    #[test]
    fn should_count_pod_level_requests_like_upstream() {
        use crate::engine::scheduler::cache::pod_node_non_zero_requests;
        let cpu_mem = |r: Resource| (r.milli_cpu, r.memory);
        // Pod-level cpu; no memory anywhere: scoring and the node's NonZeroRequested both default
        // memory to 200Mi per container.
        let pod = PodBuilder::new("p")
            .container("x", &[])
            .container("y", &[])
            .pod_level(&[("cpu", "1")])
            .build();
        assert_eq!(cpu_mem(pod_requests(&pod, false)), (1000, 0));
        assert_eq!(
            cpu_mem(pod_requests(&pod, true)),
            (1000, 2 * 200 * 1024 * 1024)
        );
        assert_eq!(
            cpu_mem(pod_node_non_zero_requests(&pod)),
            (1000, 2 * 200 * 1024 * 1024)
        );
        // A container names memory but the other does not: scoring still defaults the other
        // (calculatePodResourceRequest), the node counts only what is named
        // (getNonMissingContainerRequests).
        let pod = PodBuilder::new("p")
            .container("x", &[("memory", "1Mi")])
            .container("y", &[])
            .pod_level(&[("cpu", "1")])
            .build();
        assert_eq!(cpu_mem(pod_requests(&pod, true)), (1000, 201 * 1024 * 1024));
        assert_eq!(
            cpu_mem(pod_node_non_zero_requests(&pod)),
            (1000, 1024 * 1024)
        );
        // Without pod-level requests, both are the classic non-zero figures.
        let pod = PodBuilder::new("p")
            .container("x", &[("memory", "1Mi")])
            .build();
        assert_eq!(
            cpu_mem(pod_node_non_zero_requests(&pod)),
            (100, 1024 * 1024)
        );
    }

    #[test]
    fn should_report_too_many_pods_first() {
        let mut n = node("10", "20", "1");
        n.add_pod(
            PodBuilder::new("e")
                .container("x", &[("cpu", "10")])
                .build_info_on("n"),
        );
        let pod = PodBuilder::new("p").container("x", &[("cpu", "1")]).build();
        let none = IgnoredResources::default();
        let got = filter(&CycleState::new(&pod), &n, &none).unwrap();
        assert_eq!(got.reasons, vec!["Too many pods", "Insufficient cpu"]);
        let empty = PodBuilder::new("q").container("x", &[]).build();
        assert_eq!(
            filter(&CycleState::new(&empty), &n, &none).unwrap().reasons,
            vec!["Too many pods"]
        );
    }

    #[test]
    fn should_score_least_allocated_with_non_zero_defaults() {
        // A pod without requests counts as 100m / 200Mi for scoring.
        let n = NodeBuilder::new("n")
            .allocatable(&[("cpu", "1"), ("memory", "1000Mi")])
            .build_info();
        let pod = PodBuilder::new("p").container("x", &[]).build();
        let s = score(&ScoringStrategy::default(), &[], &CycleState::new(&pod), &n);
        // cpu (1000-100)*100/1000 = 90; memory (1000-200)*100/1000 = 80 → 85.
        assert_eq!(s, 85);
    }
}
