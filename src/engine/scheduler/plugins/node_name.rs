//! NodeName: a pod that names a node fits only that node.
//!
//! Mirrors `pkg/scheduler/framework/plugins/nodename/node_name.go`.

use crate::engine::scheduler::cache::NodeInfo;
use crate::engine::scheduler::framework::{Code, CycleState, Status};

pub const NAME: &str = "NodeName";
/// `ErrReason`.
pub const ERR_REASON: &str = "node(s) didn't match the requested node name";

pub fn filter(state: &CycleState, node: &NodeInfo) -> Option<Status> {
    match state.node_name {
        Some(name) if name != node.name => Some(Status::reject(
            Code::UnschedulableAndUnresolvable,
            NAME,
            ERR_REASON,
        )),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::scheduler::plugins::testing::*;

    #[test]
    fn should_match_only_the_named_node() {
        let cases = [
            (
                "no node name fits anywhere",
                PodBuilder::new("p").build(),
                true,
            ),
            (
                "same node name fits",
                PodBuilder::new("p").node_name("foo").build(),
                true,
            ),
            (
                "other node name is rejected",
                PodBuilder::new("p").node_name("bar").build(),
                false,
            ),
        ];
        let node = NodeBuilder::new("foo").build_info();
        for (name, pod, want) in cases {
            let got = filter(&CycleState::new(&pod), &node);
            assert_eq!(got.is_none(), want, "{name}");
            if let Some(s) = got {
                assert_eq!(s.message(), ERR_REASON);
            }
        }
    }
}
