//! DefaultPreemption (PostFilter): explains why preempting lower-priority pods would not help.
//!
//! Mirrors `pkg/scheduler/framework/plugins/defaultpreemption/default_preemption.go` and
//! `pkg/scheduler/framework/preemption/preemption.go` (`Preempt`, `PodEligibleToPreemptOthers`,
//! `nodesWherePreemptionMightHelp`, `SelectVictimsOnNode`): the message is `"preemption: "` followed by
//! a FitError over all nodes whose per-node statuses say why no victim set works.
//!
//! Simplification: actual victim selection (picking and evicting victims, nominating the node) is not
//! modelled yet. When a node has lower-priority pods whose removal would let the incoming pod fit, a
//! real cluster would preempt; podflow reports that node as "No preemption victims found for incoming
//! pod", the message upstream gives when the node has no lower-priority pods.

use crate::engine::scheduler::cache::NodeInfo;
use crate::engine::scheduler::fit_error::FitError;
use crate::engine::scheduler::framework::{Code, CycleState, Status};

pub const NAME: &str = "DefaultPreemption";
pub const MSG_NOT_HELPFUL: &str = "Preemption is not helpful for scheduling";
pub const MSG_NO_VICTIMS: &str = "No preemption victims found for incoming pod";
pub const MSG_POLICY_NEVER: &str = "not eligible due to preemptionPolicy=Never.";

/// The PostFilter message (the part of FailedScheduling after the filter histogram).
///
/// `statuses` are the filter statuses of the nodes that failed, by snapshot position; `refilter` runs the
/// Filter plugins against a node with its lower-priority pods removed.
pub fn post_filter(
    state: &CycleState,
    nodes: &[&NodeInfo],
    statuses: &[(usize, Status)],
    refilter: impl Fn(&NodeInfo) -> Option<Status>,
) -> String {
    if state.preemption_never {
        return format!("preemption: {MSG_POLICY_NEVER}");
    }
    let mut result = FitError {
        num_all_nodes: nodes.len(),
        absent_status: Some(Status::reject(
            Code::UnschedulableAndUnresolvable,
            NAME,
            MSG_NOT_HELPFUL,
        )),
        ..Default::default()
    };
    for (index, status) in statuses {
        let Some(node) = nodes.get(*index) else {
            continue;
        };
        let verdict = if status.code == Code::UnschedulableAndUnresolvable {
            Status::reject(Code::UnschedulableAndUnresolvable, NAME, MSG_NOT_HELPFUL)
        } else {
            select_victims_on_node(state, node, &refilter)
        };
        result.node_statuses.push((node.name.clone(), verdict));
    }
    format!("preemption: {}", result.message())
}

/// `SelectVictimsOnNode`, reduced to its failure statuses.
fn select_victims_on_node(
    state: &CycleState,
    node: &NodeInfo,
    refilter: &impl Fn(&NodeInfo) -> Option<Status>,
) -> Status {
    let lower: Vec<&str> = node
        .pods
        .iter()
        .filter(|p| p.priority < state.priority)
        .map(|p| p.key.as_str())
        .collect();
    if lower.is_empty() {
        return Status::reject(Code::UnschedulableAndUnresolvable, NAME, MSG_NO_VICTIMS);
    }
    let mut without = node.clone();
    for key in lower {
        without.remove_pod(key);
    }
    match refilter(&without) {
        Some(status) => status,
        // Victim selection not modelled yet (see the module comment).
        None => Status::reject(Code::UnschedulableAndUnresolvable, NAME, MSG_NO_VICTIMS),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::scheduler::plugins::node_resources_fit;
    use crate::engine::scheduler::plugins::testing::*;

    #[test]
    fn should_explain_equal_priority_and_unresolvable_nodes() {
        let pod = PodBuilder::new("p").container("x", &[("cpu", "2")]).build();
        let state = CycleState::new(&pod);
        let mut a = NodeBuilder::new("a")
            .allocatable(&[("cpu", "2")])
            .build_info();
        a.add_pod(
            PodBuilder::new("e")
                .container("x", &[("cpu", "1")])
                .build_info_on("a"),
        );
        let b = NodeBuilder::new("b")
            .allocatable(&[("cpu", "2")])
            .build_info();
        let c = NodeBuilder::new("c")
            .allocatable(&[("cpu", "2")])
            .build_info();
        let nodes = vec![&a, &b, &c];
        let statuses = vec![
            (
                0,
                Status::reject(Code::Unschedulable, "NodeResourcesFit", "Insufficient cpu"),
            ),
            (
                1,
                Status::reject(Code::UnschedulableAndUnresolvable, "NodeAffinity", "x"),
            ),
            (
                2,
                Status::reject(Code::UnschedulableAndUnresolvable, "NodeAffinity", "x"),
            ),
        ];
        let msg = post_filter(&state, &nodes, &statuses, |n| {
            node_resources_fit::filter(&state, n, &Default::default())
        });
        assert_eq!(
            msg,
            "preemption: 0/3 nodes are available: 1 No preemption victims found for incoming pod, 2 Preemption is not helpful for scheduling."
        );
    }

    #[test]
    fn should_report_the_refilter_status_when_victims_do_not_help() {
        // A priority-10 pod asking 3 cpu on a 2-cpu node holding a priority-0 pod: removing it is
        // not enough, so the node reports the filter's own reason.
        let pod = PodBuilder::new("p")
            .priority(10)
            .container("x", &[("cpu", "3")])
            .build();
        let state = CycleState::new(&pod);
        let mut a = NodeBuilder::new("a")
            .allocatable(&[("cpu", "2")])
            .build_info();
        a.add_pod(
            PodBuilder::new("e")
                .container("x", &[("cpu", "1")])
                .build_info_on("a"),
        );
        let nodes = vec![&a];
        let statuses = vec![(
            0,
            Status::reject(Code::Unschedulable, "NodeResourcesFit", "Insufficient cpu"),
        )];
        let msg = post_filter(&state, &nodes, &statuses, |n| {
            node_resources_fit::filter(&state, n, &Default::default())
        });
        assert_eq!(
            msg,
            "preemption: 0/1 nodes are available: 1 Insufficient cpu."
        );
    }

    #[test]
    fn should_refuse_with_preemption_policy_never() {
        let mut pod = PodBuilder::new("p").build();
        if let Some(s) = pod.spec.as_mut() {
            s.preemption_policy = Some("Never".into());
        }
        let state = CycleState::new(&pod);
        assert_eq!(
            post_filter(&state, &[], &[], |_| None),
            "preemption: not eligible due to preemptionPolicy=Never."
        );
    }
}
