//! NodeResourcesBalancedAllocation: favours nodes whose resource fractions stay balanced, scored (v1.36)
//! by how much adding the pod improves the balance.
//!
//! Mirrors `pkg/scheduler/framework/plugins/noderesources/balanced_allocation.go` (v1.36, PR #135573):
//! `50 + (50 + B(requested with pod) - B(requested without pod)) / 2`, where `B` is
//! `int64((1 - std) * 100)` of the fractions `min(requested / allocatable, 1)`. Real requests are used
//! (no non-zero defaults).

use crate::engine::scheduler::cache::NodeInfo;
use crate::engine::scheduler::config::ResourceSpec;
use crate::engine::scheduler::framework::{CycleState, MAX_NODE_SCORE};

use super::resource_allocation::{
    pod_request, resolve, resolved_allocatable_and_requested, ScoredResource,
};

pub const NAME: &str = "NodeResourcesBalancedAllocation";

/// PreScore returns Skip for a pod that requests none of the configured resources (`isBestEffortPod`).
pub fn pre_score_skips(state: &CycleState, resources: &[ResourceSpec]) -> bool {
    resources
        .iter()
        .all(|r| pod_request(&state.requests, &r.name) == 0)
}

/// `balancedResourceScore`: `int64((1 - std) * 100)` over fractions clamped to 1.
pub fn balanced_resource_score(fractions: &[f64]) -> i64 {
    let std = match fractions.len() {
        2 => ((fractions[0] - fractions[1]) / 2.0).abs(),
        n if n > 2 => {
            let mean = fractions.iter().sum::<f64>() / n as f64;
            let sum: f64 = fractions.iter().map(|f| (f - mean) * (f - mean)).sum();
            (sum / n as f64).sqrt()
        }
        _ => 0.0,
    };
    ((1.0 - std) * MAX_NODE_SCORE as f64) as i64
}

fn fraction(requested: i64, allocatable: i64) -> f64 {
    (requested as f64 / allocatable as f64).min(1.0)
}

/// The v1.36 score, with the two base balance scores (with and without the pod) for inspection.
pub fn score_parts(
    state: &CycleState,
    resources: &[ResourceSpec],
    node: &NodeInfo,
) -> (i64, i64, i64) {
    score_parts_resolved(&resolve(resources, &state.requests), node)
}

/// `score_parts` with resources resolved once per cycle (`resolve` over the real requests).
pub fn score_parts_resolved(items: &[ScoredResource], node: &NodeInfo) -> (i64, i64, i64) {
    let mut with = [0f64; 8];
    let mut without = [0f64; 8];
    let mut with_vec = Vec::new();
    let mut without_vec = Vec::new();
    let mut n = 0;
    for r in items {
        let (allocatable, requested) = resolved_allocatable_and_requested(node, r, true);
        if allocatable == 0 {
            continue;
        }
        let (fw, fo) = (
            fraction(requested, allocatable),
            fraction(requested.wrapping_sub(r.pod_request), allocatable),
        );
        if n < with.len() {
            with[n] = fw;
            without[n] = fo;
        } else {
            if with_vec.is_empty() {
                with_vec.extend_from_slice(&with);
                without_vec.extend_from_slice(&without);
            }
            with_vec.push(fw);
            without_vec.push(fo);
        }
        n += 1;
    }
    let (b_with, b_without) = if n <= with.len() {
        (
            balanced_resource_score(&with[..n]),
            balanced_resource_score(&without[..n]),
        )
    } else {
        (
            balanced_resource_score(&with_vec),
            balanced_resource_score(&without_vec),
        )
    };
    let half = MAX_NODE_SCORE / 2;
    (half + (half + b_with - b_without) / 2, b_with, b_without)
}

pub fn score(state: &CycleState, resources: &[ResourceSpec], node: &NodeInfo) -> i64 {
    score_parts(state, resources, node).0
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::scheduler::plugins::testing::*;

    fn cpu_mem() -> Vec<ResourceSpec> {
        vec![
            ResourceSpec {
                name: "cpu".into(),
                weight: 1,
            },
            ResourceSpec {
                name: "memory".into(),
                weight: 1,
            },
        ]
    }

    #[test]
    fn should_score_v1_36_improvement_formula() {
        // Node 4000m / 10000 bytes with 3000m / 5000 already requested; pod asks 0m / 0 → skip case.
        let empty = PodBuilder::new("p").container("x", &[]).build();
        assert!(pre_score_skips(&CycleState::new(&empty), &cpu_mem()));

        // Empty node 4000m / 10000; pod 3000m / 5000: with pod fractions 0.75 / 0.5 → std 0.125 →
        // B = 87; without pod 0 / 0 → B = 100; score = 50 + (50 + 87 - 100) / 2 = 50 + 37/2 = 68.
        let pod = PodBuilder::new("p")
            .container("x", &[("cpu", "3"), ("memory", "5000")])
            .build();
        let node = NodeBuilder::new("n")
            .allocatable(&[("cpu", "4"), ("memory", "10000")])
            .build_info();
        assert_eq!(
            score_parts(&CycleState::new(&pod), &cpu_mem(), &node),
            (68, 87, 100)
        );

        // A pod that evens out an unbalanced node scores above 75: node 6000m / 10000 with 3000m / 0
        // requested; pod 0m / 5000 → with (0.5, 0.5) B = 100; without (0.5, 0) B = 75;
        // 50 + (50 + 25) / 2 = 87.
        let mut node = NodeBuilder::new("n")
            .allocatable(&[("cpu", "6"), ("memory", "10000")])
            .build_info();
        node.add_pod(
            PodBuilder::new("e")
                .container("x", &[("cpu", "3"), ("memory", "0")])
                .build_info_on("n"),
        );
        let pod = PodBuilder::new("p")
            .container("x", &[("cpu", "0"), ("memory", "5000")])
            .build();
        assert_eq!(
            score_parts(&CycleState::new(&pod), &cpu_mem(), &node),
            (87, 100, 75)
        );
    }

    #[test]
    fn should_score_like_upstream_balanced_allocation_table() {
        // TestNodeResourcesBalancedAllocation (v1.36, after PR #135573). Each existing pod carries its
        // node: "cpu only" (1000m + 2000m cpu, explicit 0 memory) on node1, "cpu and memory" (3000m,
        // 5000) on node2, "cpu, memory and gpu" (3000m, 5000, 3 gpus) on node1.
        const GPU: &str = "nvidia.com/gpu";
        let cpu_only = || {
            pod_with_requests(
                "p",
                &[
                    &[("cpu", "1000m"), ("memory", "0")],
                    &[("cpu", "2000m"), ("memory", "0")],
                ],
            )
        };
        let cpu_and_memory = || {
            pod_with_requests(
                "p",
                &[
                    &[("cpu", "1000m"), ("memory", "2000")],
                    &[("cpu", "2000m"), ("memory", "3000")],
                ],
            )
        };
        let cpu_memory_gpu = || {
            pod_with_requests(
                "p",
                &[
                    &[("cpu", "1000m"), ("memory", "2000")],
                    &[("cpu", "2000m"), ("memory", "3000"), (GPU, "3")],
                ],
            )
        };
        let memory_only = || {
            pod_with_requests(
                "p",
                &[
                    &[("cpu", "0"), ("memory", "2000")],
                    &[("cpu", "0"), ("memory", "3000")],
                ],
            )
        };
        let with_gpu = resource_specs(&[("cpu", 1), ("memory", 1), (GPU, 1)]);
        struct Case {
            name: &'static str,
            pod: PodBuilder,
            nodes: Vec<NodeBuilder>,
            existing: Vec<(&'static str, PodBuilder)>,
            resources: Vec<ResourceSpec>,
            want: Vec<i64>,
        }
        let n = |name: &str, cpu: i64, mem: i64| resource_node(name, cpu, mem, &[]);
        let g = |name: &str| resource_node(name, 3500, 40000, &[(GPU, 8)]);
        let cases = vec![
            Case {
                // B 100 → 87: 50 + (50 + 87 - 100) / 2 = 68; B 100 → 100: 75.
                name: "nothing scheduled, resources requested, differently sized nodes",
                pod: cpu_and_memory(),
                nodes: vec![n("node1", 4000, 10000), n("node2", 6000, 10000)],
                existing: vec![],
                resources: cpu_mem(),
                want: vec![68, 75],
            },
            Case {
                // node1 B 85 → 82: 73; node2 B 97 → 95: 74.
                name: "resources requested, pods scheduled with resources",
                pod: cpu_and_memory(),
                nodes: vec![n("node1", 10000, 20000), n("node2", 10000, 20000)],
                existing: vec![("node1", cpu_only()), ("node2", cpu_and_memory())],
                resources: cpu_mem(),
                want: vec![73, 74],
            },
            Case {
                // node2 memory 5000 → 10000 of 50000: B 90 → 80: 70.
                name: "resources requested, pods scheduled with resources, differently sized nodes",
                pod: cpu_and_memory(),
                nodes: vec![n("node1", 10000, 20000), n("node2", 10000, 50000)],
                existing: vec![("node1", cpu_only()), ("node2", cpu_and_memory())],
                resources: cpu_mem(),
                want: vec![73, 70],
            },
            Case {
                // node1 goes from (100%, 0%) to (100%, 100%): B 50 → 100: 100; node2 from (0%, 0%) to
                // (0%, 100%): B 100 → 50: 50.
                name: "resources requested, pods scheduled with resources, nodes to reach min/max score",
                pod: memory_only(),
                nodes: vec![n("node1", 3000, 5000), n("node2", 3000, 5000)],
                existing: vec![("node1", cpu_only())],
                resources: cpu_mem(),
                want: vec![100, 50],
            },
            Case {
                // node1 (50%, 0%) → (100%, 0%): B 75 → 50: 62; node2 (50%, 50%) → (100%, 50%): 100 → 75: 62.
                name: "requested resources at node capacity",
                pod: cpu_only(),
                nodes: vec![n("node1", 6000, 10000), n("node2", 6000, 10000)],
                existing: vec![("node1", cpu_only()), ("node2", cpu_and_memory())],
                resources: cpu_mem(),
                want: vec![62, 62],
            },
            Case {
                // Three fractions, population std. node1 gpu 3 → 4 of 8: B 69 → 70: 75; node2 gpu
                // 0 → 1 of 8: B 62 → 65: 76.
                name: "include scalar resource on a node for balanced resource allocation",
                pod: pod_with_requests("p", &[&[("memory", "0"), (GPU, "1")]]),
                nodes: vec![g("node1"), g("node2")],
                existing: vec![("node2", cpu_and_memory()), ("node1", cpu_memory_gpu())],
                resources: with_gpu.clone(),
                want: vec![75, 76],
            },
            Case {
                // The pod does not request the gpu, so it is left out on both nodes: B 100 → 63: 56.
                name: "node without the scalar resource should skip the scalar resource",
                pod: cpu_and_memory(),
                nodes: vec![g("node1"), n("node2", 3500, 40000)],
                existing: vec![],
                resources: with_gpu.clone(),
                want: vec![56, 56],
            },
        ];
        for case in cases {
            let nodes = snapshot(case.nodes, case.existing);
            let pod = case.pod.build();
            let state = CycleState::new(&pod);
            assert!(!pre_score_skips(&state, &case.resources), "{}", case.name);
            let got: Vec<i64> = nodes
                .iter()
                .map(|node| score(&state, &case.resources, node))
                .collect();
            assert_eq!(got, case.want, "{}", case.name);
        }
        // "nothing scheduled, nothing requested, skip in PreScore": a pod without requests.
        let best_effort = PodBuilder::new("p").build();
        assert!(pre_score_skips(&CycleState::new(&best_effort), &cpu_mem()));
    }

    #[test]
    fn should_use_population_std_for_three_resources() {
        assert_eq!(balanced_resource_score(&[0.5, 0.5, 0.5]), 100);
        // fractions 0.2, 0.4, 0.6: mean 0.4, variance (0.04+0+0.04)/3 → std 0.1633 → 83.
        assert_eq!(balanced_resource_score(&[0.2, 0.4, 0.6]), 83);
        assert_eq!(balanced_resource_score(&[0.3]), 100);
    }
}
