//! MostAllocated: the weighted mean of each resource's used fraction (bin packing).
//!
//! Mirrors `pkg/scheduler/framework/plugins/noderesources/most_allocated.go`.

use crate::engine::scheduler::framework::MAX_NODE_SCORE;

/// `mostRequestedScore`: requested clamped to capacity, `requested * 100 / capacity`.
pub fn most_requested_score(requested: i64, capacity: i64) -> i64 {
    if capacity == 0 {
        return 0;
    }
    requested.min(capacity).wrapping_mul(MAX_NODE_SCORE) / capacity
}

/// Weighted mean over `(requested, allocatable, weight)`, skipping resources with allocatable 0.
pub fn score(items: impl Iterator<Item = (i64, i64, i64)>) -> i64 {
    let (mut total, mut weights) = (0i64, 0i64);
    for (requested, allocatable, weight) in items {
        if allocatable == 0 {
            continue;
        }
        total = most_requested_score(requested, allocatable)
            .wrapping_mul(weight)
            .wrapping_add(total);
        weights = weights.wrapping_add(weight);
    }
    if weights == 0 {
        0
    } else {
        total / weights
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::scheduler::config::ScoringStrategyType;
    use crate::engine::scheduler::plugins::least_allocated::tests::{
        cap, run_fit_cases, FitCase, CPU_MEM, CPU_MEM_EXT, EXT,
    };
    use crate::engine::scheduler::plugins::testing::*;

    #[test]
    fn should_score_like_upstream_most_allocated_cases() {
        // most_allocated_test.go "nothing scheduled, resources requested, differently sized nodes":
        // cpu 3000/4000 → 75, mem 5000/10000 → 50 → 62; cpu 3000/6000 → 50, mem 50 → 50.
        assert_eq!(score([(3000, 4000, 1), (5000, 10000, 1)].into_iter()), 62);
        assert_eq!(score([(3000, 6000, 1), (5000, 10000, 1)].into_iter()), 50);
        // Over capacity is clamped to 100, not zeroed.
        assert_eq!(score([(6000, 4000, 1), (5000, 10000, 1)].into_iter()), 75);
    }

    #[test]
    fn should_score_like_upstream_most_allocated_strategy_table() {
        let empty = || PodBuilder::new("p");
        let two = || {
            pod_with_requests(
                "p",
                &[
                    &[("cpu", "1000"), ("memory", "2000")],
                    &[("cpu", "2000"), ("memory", "3000")],
                ],
            )
        };
        let req = |cpu: &'static str, mem: &'static str| {
            pod_with_requests("e", &[&[("cpu", cpu), ("memory", mem)]])
        };
        let small = |n: &str, cpu: &str| cap(n, &[("cpu", cpu), ("memory", "10000")]);
        let big = |n: &str| cap(n, &[("cpu", "10000"), ("memory", "20000")]);
        let cases = vec![
            FitCase {
                name: "nothing scheduled, nothing requested",
                pod: empty(),
                nodes: vec![small("node1", "4000"), small("node2", "4000")],
                existing: vec![],
                resources: CPU_MEM.to_vec(),
                want: vec![0, 0],
            },
            FitCase {
                // cpu 3000*100/4000 = 75, mem 50 → 62; 50, 50 → 50.
                name: "nothing scheduled, resources requested, differently sized nodes",
                pod: two(),
                nodes: vec![small("node1", "4000"), small("node2", "6000")],
                existing: vec![],
                resources: CPU_MEM.to_vec(),
                want: vec![62, 50],
            },
            FitCase {
                // node1: cpu 60, mem 0 → 30; node2: cpu 60, mem 25 → 42.
                name: "no resources requested, pods scheduled with resources",
                pod: empty(),
                nodes: vec![big("node1"), big("node2")],
                existing: vec![
                    ("node1", req("3000", "0")),
                    ("node1", req("3000", "0")),
                    ("node2", req("3000", "0")),
                    ("node2", req("3000", "5000")),
                ],
                resources: CPU_MEM.to_vec(),
                want: vec![30, 42],
            },
            FitCase {
                // node1: cpu 60, mem 25 → 42; node2: cpu 60, mem 50 → 55.
                name: "resources requested, pods scheduled with resources",
                pod: two(),
                nodes: vec![big("node1"), big("node2")],
                existing: vec![("node1", req("3000", "0")), ("node2", req("3000", "5000"))],
                resources: CPU_MEM.to_vec(),
                want: vec![42, 55],
            },
            FitCase {
                // node1: cpu 5000/5000 → 100, mem 9000/10000 → 90 → 95; node2: 50 and 100 → 75.
                name: "resources requested equal node capacity",
                pod: pod_with_requests(
                    "p",
                    &[
                        &[("cpu", "2000"), ("memory", "4000")],
                        &[("cpu", "3000"), ("memory", "5000")],
                    ],
                ),
                nodes: vec![
                    cap("node1", &[("cpu", "5000"), ("memory", "10000")]),
                    cap("node2", &[("cpu", "10000"), ("memory", "9000")]),
                ],
                existing: vec![],
                resources: CPU_MEM.to_vec(),
                want: vec![95, 75],
            },
            FitCase {
                // (75*1 + 50*2) / 3 = 58; (50 + 100) / 3 = 50.
                name: "nothing scheduled, resources requested with different weights",
                pod: two(),
                nodes: vec![small("node1", "4000"), small("node2", "6000")],
                existing: vec![],
                resources: vec![("memory", 2), ("cpu", 1)],
                want: vec![58, 50],
            },
            FitCase {
                // Containers without requests count 100m / 200Mi each. node1: cpu 300m of 250m is
                // clamped → 100, mem 600Mi/1000Mi → 60 → 80; node2: 100m → 40, 200Mi → 20 → 30.
                name: "no resources requested, pods scheduled, nonzero request for resource",
                pod: PodBuilder::new("p").container("img", &[]),
                nodes: vec![
                    cap("node1", &[("cpu", "250m"), ("memory", "1000Mi")]),
                    cap("node2", &[("cpu", "250m"), ("memory", "1000Mi")]),
                ],
                existing: vec![
                    ("node1", PodBuilder::new("e").container("img", &[])),
                    ("node1", PodBuilder::new("e").container("img", &[])),
                ],
                resources: CPU_MEM.to_vec(),
                want: vec![80, 30],
            },
            FitCase {
                name: "bypass extended resource if the pod does not request",
                pod: two(),
                nodes: vec![
                    small("node1", "6000"),
                    cap("node2", &[("cpu", "6000"), ("memory", "10000"), (EXT, "4")]),
                ],
                existing: vec![],
                resources: CPU_MEM_EXT.to_vec(),
                want: vec![50, 50],
            },
            FitCase {
                // extended: 2*100/4 = 50 → 50; 2*100/10 = 20 → (50+50+20)/3 = 40.
                name: "honor extended resource if the pod requests",
                pod: pod_with_requests("p", &[&[("cpu", "3000"), ("memory", "5000"), (EXT, "2")]]),
                nodes: vec![
                    cap("node1", &[("cpu", "6000"), ("memory", "10000"), (EXT, "4")]),
                    cap(
                        "node2",
                        &[("cpu", "6000"), ("memory", "10000"), (EXT, "10")],
                    ),
                ],
                existing: vec![],
                resources: CPU_MEM_EXT.to_vec(),
                want: vec![50, 40],
            },
            FitCase {
                // (50 + 40) / 2 = 45 on both: the unrequested extended resource is skipped.
                name: "if the node doesn't have a resource",
                pod: pod_with_requests("p", &[&[("cpu", "3000"), ("memory", "4000")]]),
                nodes: vec![
                    small("node1", "6000"),
                    cap("node2", &[("cpu", "6000"), ("memory", "10000"), (EXT, "4")]),
                ],
                existing: vec![],
                resources: vec![(EXT, 2), ("cpu", 1), ("memory", 1)],
                want: vec![45, 45],
            },
        ];
        run_fit_cases(ScoringStrategyType::MostAllocated, &[], cases);
    }
}
