//! TaintToleration: Filter rejects nodes with an untolerated NoSchedule/NoExecute taint; Score counts
//! the PreferNoSchedule taints the pod does not tolerate (fewer is better, so normalization reverses).
//!
//! Mirrors `pkg/scheduler/framework/plugins/tainttoleration/taint_toleration.go` (v1.35+ reason text).

use crate::engine::scheduler::cache::{tolerated, NodeInfo};
use crate::engine::scheduler::framework::{Code, CycleState, Status};

pub const NAME: &str = "TaintToleration";
/// `ErrReasonNotMatch` (v1.35+; older releases printed the taint).
pub const ERR_REASON_NOT_MATCH: &str = "node(s) had untolerated taint(s)";

pub fn filter(state: &CycleState, node: &NodeInfo) -> Option<Status> {
    let untolerated = node
        .taints
        .iter()
        .filter(|t| t.effect == "NoSchedule" || t.effect == "NoExecute")
        .any(|t| !tolerated(state.tolerations, t));
    untolerated.then(|| {
        Status::reject(
            Code::UnschedulableAndUnresolvable,
            NAME,
            ERR_REASON_NOT_MATCH,
        )
    })
}

/// QueueingHint for `Node/Add|UpdateNodeTaint` (`isSchedulableAfterNodeChange`): Queue when the node
/// had an untolerated NoSchedule/NoExecute taint (an added node counts as having had one) and has
/// none now. (`Pod/UpdatePodToleration` queues the waiting pod's own update without looking at it.)
pub fn is_schedulable_after_node_change(
    target: &CycleState,
    old: Option<&NodeInfo>,
    new: &NodeInfo,
) -> bool {
    let was_untolerated = old.is_none_or(|old| filter(target, old).is_some());
    was_untolerated && filter(target, new).is_none()
}

/// The number of PreferNoSchedule taints not tolerated by the pod's tolerations whose effect is empty
/// or PreferNoSchedule (`countIntolerableTaintsPreferNoSchedule`).
pub fn score(state: &CycleState, node: &NodeInfo) -> i64 {
    if node.taints.is_empty() {
        return 0;
    }
    let mut count = 0;
    for taint in node
        .taints
        .iter()
        .filter(|t| t.effect == "PreferNoSchedule")
    {
        let ok = state
            .tolerations
            .iter()
            .filter(|t| {
                matches!(
                    t.effect.as_deref(),
                    None | Some("") | Some("PreferNoSchedule")
                )
            })
            .any(|t| crate::engine::scheduler::cache::tolerates(t, taint));
        if !ok {
            count += 1;
        }
    }
    count
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::scheduler::framework::{default_normalize_score, MAX_NODE_SCORE};
    use crate::engine::scheduler::plugins::testing::*;
    use k8s_openapi::api::core::v1::{Taint, Toleration};

    #[test]
    fn should_filter_like_upstream_cases() {
        let cases = [
            (
                "no taints admits a pod without tolerations",
                PodBuilder::new("p").build(),
                vec![],
                true,
            ),
            (
                "NoSchedule taint rejects a pod without tolerations",
                PodBuilder::new("p").build(),
                vec![taint("dedicated", "user1", "NoSchedule")],
                false,
            ),
            (
                "an Equal toleration with the same value tolerates",
                PodBuilder::new("p")
                    .toleration(toleration("dedicated", "Equal", "user1", "NoSchedule"))
                    .build(),
                vec![taint("dedicated", "user1", "NoSchedule")],
                true,
            ),
            (
                "a different value does not tolerate",
                PodBuilder::new("p")
                    .toleration(toleration("dedicated", "Equal", "user2", "NoSchedule"))
                    .build(),
                vec![taint("dedicated", "user1", "NoSchedule")],
                false,
            ),
            (
                "Exists with an empty key tolerates everything",
                PodBuilder::new("p")
                    .toleration(toleration("", "Exists", "", ""))
                    .build(),
                vec![taint("foo", "bar", "NoExecute")],
                true,
            ),
            (
                "PreferNoSchedule never filters",
                PodBuilder::new("p").build(),
                vec![taint("foo", "bar", "PreferNoSchedule")],
                true,
            ),
            (
                "a toleration for another effect does not help",
                PodBuilder::new("p")
                    .toleration(toleration("foo", "Equal", "bar", "PreferNoSchedule"))
                    .build(),
                vec![taint("foo", "bar", "NoSchedule")],
                false,
            ),
        ];
        for (name, pod, taints, want) in cases {
            let mut node = NodeBuilder::new("n").build_info();
            node.taints = taints;
            let got = filter(&CycleState::new(&pod), &node);
            assert_eq!(got.is_none(), want, "{name}");
            if let Some(s) = got {
                assert_eq!(s.message(), ERR_REASON_NOT_MATCH);
            }
        }
    }

    #[test]
    fn should_score_fewer_intolerable_prefer_no_schedule_taints_higher() {
        // Upstream: "the more intolerable taints a node has, the lower score it gets".
        let pod = PodBuilder::new("p")
            .toleration(toleration("foo", "Equal", "bar", "PreferNoSchedule"))
            .build();
        let state = CycleState::new(&pod);
        let mut nodes = [
            NodeBuilder::new("a").build_info(),
            NodeBuilder::new("b").build_info(),
            NodeBuilder::new("c").build_info(),
        ];
        nodes[1].taints = vec![
            taint("foo", "bar", "PreferNoSchedule"),
            taint("cpu-type", "arm64", "PreferNoSchedule"),
        ];
        nodes[2].taints = vec![
            taint("cpu-type", "arm64", "PreferNoSchedule"),
            taint("disk-type", "ssd", "PreferNoSchedule"),
        ];
        let mut scores: Vec<i64> = nodes.iter().map(|n| score(&state, n)).collect();
        assert_eq!(scores, vec![0, 1, 2]);
        default_normalize_score(MAX_NODE_SCORE, true, &mut scores);
        assert_eq!(scores, vec![100, 50, 0]);
    }

    /// Name, the pod's tolerations, each node's taints, normalized scores.
    type TaintCase = (&'static str, Vec<Toleration>, Vec<Vec<Taint>>, Vec<i64>);

    #[test]
    fn should_score_like_upstream_taint_toleration_table() {
        // TestTaintTolerationScore: raw counts, then NormalizeScore (reversed). The three cases with
        // the Gt/Lt operators need the TaintTolerationComparisonOperators gate (alpha, off by default)
        // and are not modelled.
        let prefer = |key, value| taint(key, value, "PreferNoSchedule");
        let tol = |key, value, effect| toleration(key, "Equal", value, effect);
        let cases: Vec<TaintCase> = vec![
            (
                "node with taints tolerated by the pod, gets a higher score than those node with intolerable taints",
                vec![tol("foo", "bar", "PreferNoSchedule")],
                vec![vec![prefer("foo", "bar")], vec![prefer("foo", "blah")]],
                vec![100, 0],
            ),
            (
                "the nodes that all of their taints are tolerated by the pod, get the same score, no matter how many tolerable taints a node has",
                vec![
                    tol("cpu-type", "arm64", "PreferNoSchedule"),
                    tol("disk-type", "ssd", "PreferNoSchedule"),
                ],
                vec![
                    vec![],
                    vec![prefer("cpu-type", "arm64")],
                    vec![prefer("cpu-type", "arm64"), prefer("disk-type", "ssd")],
                ],
                vec![100, 100, 100],
            ),
            (
                "the more intolerable taints a node has, the lower score it gets.",
                vec![tol("foo", "bar", "PreferNoSchedule")],
                vec![
                    vec![],
                    vec![prefer("cpu-type", "arm64")],
                    vec![prefer("cpu-type", "arm64"), prefer("disk-type", "ssd")],
                ],
                vec![100, 50, 0],
            ),
            (
                "only taints and tolerations that have effect PreferNoSchedule are checked by taints-tolerations priority function",
                vec![
                    tol("cpu-type", "arm64", "NoSchedule"),
                    tol("disk-type", "ssd", "NoSchedule"),
                ],
                vec![
                    vec![],
                    vec![taint("cpu-type", "arm64", "NoSchedule")],
                    vec![prefer("cpu-type", "arm64"), prefer("disk-type", "ssd")],
                ],
                vec![100, 100, 0],
            ),
            (
                "Default behaviour No taints and tolerations, lands on node with no taints",
                vec![],
                vec![vec![], vec![prefer("cpu-type", "arm64")]],
                vec![100, 0],
            ),
        ];
        for (name, tolerations, node_taints, want) in cases {
            let pod = tolerations
                .into_iter()
                .fold(PodBuilder::new("pod1"), PodBuilder::toleration)
                .build();
            let state = CycleState::new(&pod);
            let mut scores: Vec<i64> = node_taints
                .into_iter()
                .enumerate()
                .map(|(i, taints)| {
                    let node = taints
                        .into_iter()
                        .fold(NodeBuilder::new(&format!("node{i}")), NodeBuilder::taint)
                        .build_info();
                    score(&state, &node)
                })
                .collect();
            default_normalize_score(MAX_NODE_SCORE, true, &mut scores);
            assert_eq!(scores, want, "{name}");
        }
    }
}
