//! LeastAllocated: the weighted mean of each resource's free fraction (the default Fit strategy).
//!
//! Mirrors `pkg/scheduler/framework/plugins/noderesources/least_allocated.go`.

use crate::engine::scheduler::framework::MAX_NODE_SCORE;

/// `leastRequestedScore`: `(capacity - requested) * 100 / capacity`, 0 when over capacity.
pub fn least_requested_score(requested: i64, capacity: i64) -> i64 {
    if capacity == 0 || requested > capacity {
        return 0;
    }
    // Go's int64 arithmetic wraps; so does ours (no panic on absurd quantities).
    capacity
        .wrapping_sub(requested)
        .wrapping_mul(MAX_NODE_SCORE)
        / capacity
}

/// Weighted mean over `(requested, allocatable, weight)`, skipping resources with allocatable 0.
pub fn score(items: impl Iterator<Item = (i64, i64, i64)>) -> i64 {
    let (mut total, mut weights) = (0i64, 0i64);
    for (requested, allocatable, weight) in items {
        if allocatable == 0 {
            continue;
        }
        total = least_requested_score(requested, allocatable)
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
pub(crate) mod tests {
    use super::*;
    use crate::engine::scheduler::config::ScoringStrategyType;
    use crate::engine::scheduler::plugins::testing::*;

    #[test]
    fn should_score_like_upstream_least_allocated_cases() {
        // From least_allocated_test.go: "nothing scheduled, resources requested, differently sized
        // nodes": cpu 3000/4000 & mem 5000/10000 → (25+50)/2 = 37; cpu 3000/6000 & mem 5000/10000 → 50.
        assert_eq!(score([(3000, 4000, 1), (5000, 10000, 1)].into_iter()), 37);
        assert_eq!(score([(3000, 6000, 1), (5000, 10000, 1)].into_iter()), 50);
        // Requested over capacity scores 0 for that resource.
        assert_eq!(score([(5000, 4000, 1), (0, 10000, 1)].into_iter()), 50);
        // Weights: cpu weight 2, memory weight 1.
        assert_eq!(
            score([(3000, 4000, 2), (5000, 10000, 1)].into_iter()),
            (25 * 2 + 50) / 3
        );
        assert_eq!(score([(1, 0, 1)].into_iter()), 0);
    }

    /// One row of upstream's `TestLeastAllocatedScoringStrategy` (and the Most/RTCR tables, which share
    /// its shape): the incoming pod, the nodes with their existing pods, the configured resources and
    /// the per-node scores upstream asserts.
    pub(crate) struct FitCase {
        pub name: &'static str,
        pub pod: PodBuilder,
        pub nodes: Vec<NodeBuilder>,
        pub existing: Vec<(&'static str, PodBuilder)>,
        pub resources: Vec<(&'static str, i64)>,
        pub want: Vec<i64>,
    }

    pub(crate) fn run_fit_cases(
        strategy: ScoringStrategyType,
        shape: &[(i64, i64)],
        cases: Vec<FitCase>,
    ) {
        for case in cases {
            let nodes = snapshot(case.nodes, case.existing);
            let pod = case.pod.build();
            let got = fit_scores(strategy, &case.resources, shape, &pod, &nodes);
            assert_eq!(got, case.want, "{}", case.name);
        }
    }

    /// `st.MakeNode().Capacity(...)`: the quantities as written (cpu "4000" is 4000 cores).
    pub(crate) fn cap(name: &str, list: &[(&str, &str)]) -> NodeBuilder {
        NodeBuilder::new(name).allocatable(list)
    }

    /// Upstream's `extendedRes` and `extendedResourceSet`.
    pub(crate) const EXT: &str = "abc.com/xyz";
    pub(crate) const CPU_MEM: [(&str, i64); 2] = [("cpu", 1), ("memory", 1)];
    pub(crate) const CPU_MEM_EXT: [(&str, i64); 3] = [("cpu", 1), ("memory", 1), (EXT, 1)];

    #[test]
    fn should_score_like_upstream_least_allocated_strategy_table() {
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
        let big = |n: &str, mem: &str| cap(n, &[("cpu", "10000"), ("memory", mem)]);
        let cases = vec![
            FitCase {
                name: "nothing scheduled, nothing requested",
                pod: empty(),
                nodes: vec![small("node1", "4000"), small("node2", "4000")],
                existing: vec![],
                resources: CPU_MEM.to_vec(),
                want: vec![100, 100],
            },
            FitCase {
                // cpu (4000-3000)*100/4000 = 25, mem 50 → 37; cpu 50, mem 50 → 50.
                name: "nothing scheduled, resources requested, differently sized nodes",
                pod: two(),
                nodes: vec![small("node1", "4000"), small("node2", "6000")],
                existing: vec![],
                resources: CPU_MEM.to_vec(),
                want: vec![37, 50],
            },
            FitCase {
                // Pods without containers add nothing, not even the non-zero defaults.
                name: "no resources requested, pods scheduled",
                pod: empty(),
                nodes: vec![small("node1", "4000"), small("node2", "4000")],
                existing: vec![
                    ("node1", PodBuilder::new("e")),
                    ("node1", PodBuilder::new("e")),
                    ("node2", PodBuilder::new("e")),
                    ("node2", PodBuilder::new("e")),
                ],
                resources: CPU_MEM.to_vec(),
                want: vec![100, 100],
            },
            FitCase {
                // node1: cpu 40, mem 100 → 70; node2: cpu 40, mem 75 → 57.
                name: "no resources requested, pods scheduled with resources",
                pod: empty(),
                nodes: vec![big("node1", "20000"), big("node2", "20000")],
                existing: vec![
                    ("node1", req("3000", "0")),
                    ("node1", req("3000", "0")),
                    ("node2", req("3000", "0")),
                    ("node2", req("3000", "5000")),
                ],
                resources: CPU_MEM.to_vec(),
                want: vec![70, 57],
            },
            FitCase {
                // node1: cpu 40, mem 75 → 57; node2: cpu 40, mem 50 → 45.
                name: "resources requested, pods scheduled with resources",
                pod: two(),
                nodes: vec![big("node1", "20000"), big("node2", "20000")],
                existing: vec![("node1", req("3000", "0")), ("node2", req("3000", "5000"))],
                resources: CPU_MEM.to_vec(),
                want: vec![57, 45],
            },
            FitCase {
                // node2: cpu 40, mem (50000-10000)*100/50000 = 80 → 60.
                name: "resources requested, pods scheduled with resources, differently sized nodes",
                pod: two(),
                nodes: vec![big("node1", "20000"), big("node2", "50000")],
                existing: vec![("node1", req("3000", "0")), ("node2", req("3000", "5000"))],
                resources: CPU_MEM.to_vec(),
                want: vec![57, 60],
            },
            FitCase {
                // cpu 6000 > 4000 scores 0; node1 mem 100 → 50; node2 mem 50 → 25.
                name: "requested resources exceed node capacity",
                pod: req("3000", "0"),
                nodes: vec![small("node1", "4000"), small("node2", "4000")],
                existing: vec![("node1", req("3000", "0")), ("node2", req("3000", "5000"))],
                resources: CPU_MEM.to_vec(),
                want: vec![50, 25],
            },
            FitCase {
                name: "zero node resources, pods scheduled with resources",
                pod: empty(),
                nodes: vec![NodeBuilder::new("node1"), NodeBuilder::new("node2")],
                existing: vec![("node1", req("3000", "0")), ("node2", req("3000", "5000"))],
                resources: CPU_MEM.to_vec(),
                want: vec![0, 0],
            },
            FitCase {
                // (25*1 + 50*2) / 3 = 41; (50 + 100) / 3 = 50.
                name: "nothing scheduled, resources requested with different weight on CPU and memory, differently sized nodes",
                pod: two(),
                nodes: vec![small("node1", "4000"), small("node2", "6000")],
                existing: vec![],
                resources: vec![("memory", 2), ("cpu", 1)],
                want: vec![41, 50],
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
                // extended: (4-2)*100/4 = 50 → 50; (10-2)*100/10 = 80 → (50+50+80)/3 = 60.
                name: "honor extended resource if the pod requests",
                pod: pod_with_requests("p", &[&[("cpu", "3000"), ("memory", "5000"), (EXT, "2")]]),
                nodes: vec![
                    cap("node1", &[("cpu", "6000"), ("memory", "10000"), (EXT, "4")]),
                    cap("node2", &[("cpu", "6000"), ("memory", "10000"), (EXT, "10")]),
                ],
                existing: vec![],
                resources: CPU_MEM_EXT.to_vec(),
                want: vec![50, 60],
            },
            FitCase {
                // The unrequested extended resource drops out with its weight: (50 + 60) / 2 = 55.
                name: "if the node doesn't have a resource",
                pod: pod_with_requests("p", &[&[("cpu", "3000"), ("memory", "4000")]]),
                nodes: vec![
                    small("node1", "6000"),
                    cap("node2", &[("cpu", "6000"), ("memory", "10000"), (EXT, "4")]),
                ],
                existing: vec![],
                resources: vec![(EXT, 2), ("cpu", 1), ("memory", 1)],
                want: vec![55, 55],
            },
        ];
        run_fit_cases(ScoringStrategyType::LeastAllocated, &[], cases);
    }
}
