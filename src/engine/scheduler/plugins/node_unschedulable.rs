//! NodeUnschedulable: rejects cordoned nodes unless the pod tolerates the unschedulable taint.
//!
//! Mirrors `pkg/scheduler/framework/plugins/nodeunschedulable/node_unschedulable.go`.

use k8s_openapi::api::core::v1::{Pod, Taint};

use crate::engine::scheduler::cache::{tolerated, NodeInfo};
use crate::engine::scheduler::framework::{Code, CycleState, Status};
use crate::engine::scheduler::queueing_hints::same_pod;

pub const NAME: &str = "NodeUnschedulable";
/// `ErrReasonUnschedulable`.
pub const ERR_REASON_UNSCHEDULABLE: &str = "node(s) were unschedulable";
/// `v1.TaintNodeUnschedulable`.
pub const TAINT_NODE_UNSCHEDULABLE: &str = "node.kubernetes.io/unschedulable";

fn unschedulable_taint() -> Taint {
    Taint {
        key: TAINT_NODE_UNSCHEDULABLE.into(),
        effect: "NoSchedule".into(),
        ..Default::default()
    }
}

pub fn filter(state: &CycleState, node: &NodeInfo) -> Option<Status> {
    if !node.unschedulable {
        return None;
    }
    if tolerated(state.tolerations, &unschedulable_taint()) {
        return None;
    }
    Some(Status::reject(
        Code::UnschedulableAndUnresolvable,
        NAME,
        ERR_REASON_UNSCHEDULABLE,
    ))
}

/// QueueingHint for `Node/Add|UpdateNodeTaint` (`isSchedulableAfterNodeChange`): Queue when a node is
/// added schedulable or is uncordoned. A taint change alone is QueueSkip.
pub fn is_schedulable_after_node_change(old: Option<&NodeInfo>, new: &NodeInfo) -> bool {
    !new.unschedulable && old.is_none_or(|old| old.unschedulable)
}

/// QueueingHint for `Pod/UpdatePodToleration` (`isSchedulableAfterPodTolerationChange`): Queue when the
/// waiting pod itself now tolerates the unschedulable taint.
pub fn is_schedulable_after_pod_toleration_change(target: &CycleState, updated: &Pod) -> bool {
    let tolerations = updated
        .spec
        .as_ref()
        .and_then(|s| s.tolerations.as_deref())
        .unwrap_or(&[]);
    same_pod(target.pod, updated) && tolerated(tolerations, &unschedulable_taint())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::scheduler::plugins::testing::*;

    #[test]
    fn should_filter_like_upstream_cases() {
        let toleration = toleration(
            "node.kubernetes.io/unschedulable",
            "Exists",
            "",
            "NoSchedule",
        );
        let cases = [
            (
                "schedulable node admits any pod",
                false,
                PodBuilder::new("p").build(),
                true,
            ),
            (
                "cordoned node rejects a plain pod",
                true,
                PodBuilder::new("p").build(),
                false,
            ),
            (
                "cordoned node admits a pod tolerating the taint",
                true,
                PodBuilder::new("p").toleration(toleration).build(),
                true,
            ),
        ];
        for (name, unschedulable, pod, want) in cases {
            let mut node = NodeBuilder::new("n").build_info();
            node.unschedulable = unschedulable;
            let state = CycleState::new(&pod);
            let got = filter(&state, &node);
            assert_eq!(got.is_none(), want, "{name}");
            if let Some(s) = got {
                assert_eq!(s.reasons, vec![ERR_REASON_UNSCHEDULABLE]);
                assert_eq!(s.code, Code::UnschedulableAndUnresolvable);
            }
        }
    }
}
