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
}
