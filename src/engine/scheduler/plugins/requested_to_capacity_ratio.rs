//! RequestedToCapacityRatio: a user-defined broken-linear function of each resource's utilization.
//!
//! Mirrors `pkg/scheduler/framework/plugins/noderesources/requested_to_capacity_ratio.go` and
//! `plugins/helper/shape_score.go` (`BuildBrokenLinearFunction`).

use crate::engine::scheduler::config::MAX_CUSTOM_PRIORITY_SCORE;
use crate::engine::scheduler::framework::MAX_NODE_SCORE;

/// `maxUtilization`.
const MAX_UTILIZATION: i64 = 100;

/// The broken-linear function through `shape` (points `(utilization, score)` already scaled to 0..100).
pub fn broken_linear(shape: &[(i64, i64)], p: i64) -> i64 {
    for (i, &(u, s)) in shape.iter().enumerate() {
        if p <= u {
            if i == 0 {
                return s;
            }
            let (pu, ps) = shape[i - 1];
            if u == pu {
                return s;
            }
            return ps + (s - ps) * (p - pu) / (u - pu);
        }
    }
    shape.last().map(|&(_, s)| s).unwrap_or(0)
}

/// Scales a configured shape (scores 0..10) to node scores (×10).
pub fn scaled_shape(shape: &[(i64, i64)]) -> Vec<(i64, i64)> {
    shape
        .iter()
        .map(|&(u, s)| (u, s * (MAX_NODE_SCORE / MAX_CUSTOM_PRIORITY_SCORE)))
        .collect()
}

/// Rounded weighted mean of the positive per-resource scores.
pub fn score(shape: &[(i64, i64)], items: impl Iterator<Item = (i64, i64, i64)>) -> i64 {
    let (mut total, mut weights) = (0i64, 0i64);
    for (requested, allocatable, weight) in items {
        if allocatable == 0 {
            continue;
        }
        let utilization = if requested > allocatable {
            MAX_UTILIZATION
        } else {
            requested.wrapping_mul(MAX_UTILIZATION) / allocatable
        };
        let s = broken_linear(shape, utilization);
        if s > 0 {
            total += s * weight;
            weights += weight;
        }
    }
    if weights == 0 {
        return 0;
    }
    (total as f64 / weights as f64).round() as i64
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::scheduler::config::ScoringStrategyType;
    use crate::engine::scheduler::plugins::least_allocated::tests::{
        cap, run_fit_cases, FitCase, CPU_MEM,
    };
    use crate::engine::scheduler::plugins::testing::*;

    #[test]
    fn should_evaluate_broken_linear_like_upstream() {
        // shape_score_test.go style: (10,1),(30,5),(70,2) on the 0..10 scale.
        let shape = [(10, 1), (30, 5), (70, 2)];
        // p=50: 5 + (2-5)*(50-30)/(70-30) = 5 + (-60/40) = 5 - 1 (Go truncates toward zero) = 4.
        let cases = [
            (0, 1),
            (10, 1),
            (15, 2),
            (20, 3),
            (30, 5),
            (50, 4),
            (70, 2),
            (100, 2),
        ];
        for (p, want) in cases {
            assert_eq!(broken_linear(&shape, p), want, "p={p}");
        }
    }

    #[test]
    fn should_score_bin_packing_shape() {
        // Upstream "nothing scheduled, resources requested, differently sized nodes" with shape
        // (0,0),(100,10): cpu 3000/4000 → 75, mem 5000/10000 → 50 → round(62.5) = 63.
        let shape = scaled_shape(&[(0, 0), (100, 10)]);
        assert_eq!(
            score(&shape, [(3000, 4000, 1), (5000, 10000, 1)].into_iter()),
            63
        );
        // A zero score is left out of the mean.
        assert_eq!(
            score(&shape, [(0, 4000, 1), (5000, 10000, 1)].into_iter()),
            50
        );
    }

    /// Points `(utilization, score)` or probes `(p, expected)`.
    type Shape = &'static [(i64, i64)];

    #[test]
    fn should_evaluate_upstream_broken_linear_function_table() {
        // TestBrokenLinearFunction: three shapes, each probed below, on and past its points.
        let cases: [(Shape, Shape); 3] = [
            (
                &[(10, 1), (90, 9)],
                &[
                    (-10, 1),
                    (0, 1),
                    (9, 1),
                    (10, 1),
                    (15, 1),
                    (19, 1),
                    (20, 2),
                    (89, 8),
                    (90, 9),
                    (99, 9),
                    (100, 9),
                    (110, 9),
                ],
            ),
            (
                &[(0, 2), (40, 10), (100, 0)],
                &[
                    (-10, 2),
                    (0, 2),
                    (20, 6),
                    (30, 8),
                    (40, 10),
                    (70, 5),
                    (100, 0),
                    (110, 0),
                ],
            ),
            (
                &[(0, 2), (40, 2), (100, 2)],
                &[
                    (-10, 2),
                    (0, 2),
                    (20, 2),
                    (30, 2),
                    (40, 2),
                    (70, 2),
                    (100, 2),
                    (110, 2),
                ],
            ),
        ];
        for (shape, probes) in cases {
            for &(p, want) in probes {
                assert_eq!(broken_linear(shape, p), want, "shape {shape:?} p={p}");
            }
        }
    }

    #[test]
    fn should_score_like_upstream_requested_to_capacity_ratio_strategy_table() {
        // TestRequestedToCapacityRatioScoringStrategy: shape (0,10),(100,0) favours empty nodes.
        let shape = [(0, 10), (100, 0)];
        let two = || {
            pod_with_requests(
                "p",
                &[
                    &[("cpu", "1000"), ("memory", "2000")],
                    &[("cpu", "2000"), ("memory", "3000")],
                ],
            )
        };
        let node = |n: &str, cpu: &str| cap(n, &[("cpu", cpu), ("memory", "10000")]);
        let cases = vec![
            FitCase {
                name: "nothing scheduled, nothing requested (default - least requested nodes have priority)",
                pod: PodBuilder::new("p"),
                nodes: vec![node("node1", "4000"), node("node2", "4000")],
                existing: vec![("node1", PodBuilder::new("e")), ("node1", PodBuilder::new("e"))],
                resources: CPU_MEM.to_vec(),
                want: vec![100, 100],
            },
            FitCase {
                // node1: cpu 75% → 25, mem 50% → 50 → round(37.5) = 38; node2: 50, 50 → 50.
                name: "nothing scheduled, resources requested, differently sized nodes (default - least requested nodes have priority)",
                pod: two(),
                nodes: vec![node("node1", "4000"), node("node2", "6000")],
                existing: vec![("node1", PodBuilder::new("e")), ("node1", PodBuilder::new("e"))],
                resources: CPU_MEM.to_vec(),
                want: vec![38, 50],
            },
            FitCase {
                name: "no resources requested, pods scheduled with resources (default - least requested nodes have priority)",
                pod: PodBuilder::new("p"),
                nodes: vec![node("node1", "4000"), node("node2", "6000")],
                existing: vec![
                    ("node1", pod_with_requests("e", &[&[("cpu", "3000"), ("memory", "5000")]])),
                    ("node2", pod_with_requests("e", &[&[("cpu", "3000"), ("memory", "5000")]])),
                ],
                resources: CPU_MEM.to_vec(),
                want: vec![38, 50],
            },
        ];
        run_fit_cases(ScoringStrategyType::RequestedToCapacityRatio, &shape, cases);
    }

    #[test]
    fn should_bin_pack_extended_resources_like_upstream() {
        // TestResourceBinPackingSingleExtended / MultipleExtended: shape (0,0),(100,1), i.e. 0..10.
        const FOO: &str = "intel.com/foo";
        const BAR: &str = "intel.com/bar";
        let shape = [(0, 0), (100, 1)];
        let node = |n: &str, ext: &[(&str, i64)]| resource_node(n, 4000, 10000 * 1024 * 1024, ext);
        let ext = |list: &[(&'static str, &'static str)]| pod_with_requests("p", &[list]);
        let single = |want: Vec<i64>, name, pod, existing| FitCase {
            name,
            pod,
            nodes: vec![node("node1", &[(FOO, 8)]), node("node2", &[(FOO, 4)])],
            existing,
            resources: vec![(FOO, 1)],
            want,
        };
        run_fit_cases(
            ScoringStrategyType::RequestedToCapacityRatio,
            &shape,
            vec![
                single(vec![0, 0], "single: nothing scheduled, nothing requested", PodBuilder::new("p"), vec![]),
                // 2/8 = 25% → 2 (10*25/100 truncated); 2/4 = 50% → 5.
                single(vec![2, 5], "single: resources requested, pods scheduled with less resources", ext(&[(FOO, "2")]), vec![]),
                // node2 already has 2 of 4: (2+2)/4 = 100% → 10.
                single(
                    vec![2, 10],
                    "single: resources requested, pods scheduled with resources, on node with existing pod running",
                    ext(&[(FOO, "2")]),
                    vec![("node2", pod_with_requests("e", &[&[(FOO, "2")]]))],
                ),
                single(vec![5, 10], "single: resources requested, pods scheduled with more resources", ext(&[(FOO, "4")]), vec![]),
            ],
        );
        let multi = |want: Vec<i64>, name, pod, existing| FitCase {
            name,
            pod,
            nodes: vec![
                node("node1", &[(FOO, 8), (BAR, 4)]),
                node("node2", &[(FOO, 4), (BAR, 8)]),
            ],
            existing,
            resources: vec![(FOO, 3), (BAR, 5)],
            want,
        };
        run_fit_cases(
            ScoringStrategyType::RequestedToCapacityRatio,
            &shape,
            vec![
                multi(vec![0, 0], "multiple: nothing scheduled, nothing requested", PodBuilder::new("p"), vec![]),
                // node1: foo 25% → 2, bar 50% → 5: round((2*3 + 5*5) / 8) = round(3.875) = 4;
                // node2: foo 5, bar 2: round(25 / 8) = 3.
                multi(
                    vec![4, 3],
                    "multiple: resources requested, pods scheduled with less resources",
                    ext(&[(FOO, "2"), (BAR, "2")]),
                    vec![],
                ),
                // node2: foo (4+2)/4 is over capacity → 100% → 10, bar 4/8 → 5: round(55 / 8) = 7.
                multi(
                    vec![4, 7],
                    "multiple: resources requested, pods scheduled with resources, on node with existing pod running",
                    ext(&[(FOO, "2"), (BAR, "2")]),
                    vec![("node2", pod_with_requests("e", &[&[(FOO, "4"), (BAR, "2")]]))],
                ),
                // node1: 5 and 5 → 5; node2: 10 and 2 → round(40 / 8) = 5.
                multi(
                    vec![5, 5],
                    "multiple: resources requested, pods scheduled with more resources",
                    ext(&[(FOO, "4"), (BAR, "2")]),
                    vec![],
                ),
            ],
        );
    }
}
