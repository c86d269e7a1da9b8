//! NodePorts: a pod's host ports must be free on the node.
//!
//! Mirrors `pkg/scheduler/framework/plugins/nodeports/node_ports.go` and `framework.HostPortInfo`
//! (`0.0.0.0` conflicts with every IP of the same protocol and port).

use k8s_openapi::api::core::v1::Pod;

use crate::engine::scheduler::cache::{pod_host_ports, HostPort, NodeInfo};
use crate::engine::scheduler::framework::{Code, CycleState, Status};
use crate::engine::scheduler::queueing_hints::bound_or_nominated;

pub const NAME: &str = "NodePorts";
/// `ErrReason`.
pub const ERR_REASON: &str = "node(s) didn't have free ports for the requested pod ports";

/// PreFilter returns Skip for pods without host ports.
pub fn pre_filter_skips(state: &CycleState) -> bool {
    state.host_ports.is_empty()
}

fn conflicts(want: &HostPort, used: &HostPort) -> bool {
    want.protocol == used.protocol
        && want.port == used.port
        && (want.ip == "0.0.0.0" || used.ip == "0.0.0.0" || want.ip == used.ip)
}

pub fn filter(state: &CycleState, node: &NodeInfo) -> Option<Status> {
    let clash = state
        .host_ports
        .iter()
        .any(|want| node.used_ports.iter().any(|used| conflicts(want, used)));
    clash.then(|| Status::reject(Code::Unschedulable, NAME, ERR_REASON))
}

/// QueueingHint for `Pod/Delete` (`isSchedulableAfterPodDeleted`): Queue when the deleted pod was bound
/// (or nominated) and held a host port the waiting pod wants.
pub fn is_schedulable_after_pod_deleted(target: &CycleState, deleted: &Pod) -> bool {
    if !bound_or_nominated(deleted) {
        return false;
    }
    let freed = pod_host_ports(deleted);
    target
        .host_ports
        .iter()
        .any(|want| freed.iter().any(|used| conflicts(want, used)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::scheduler::plugins::testing::*;

    #[test]
    fn should_filter_like_upstream_cases() {
        let cases = [
            (
                "nothing running",
                PodBuilder::new("p")
                    .host_port(8080, "UDP", "127.0.0.1")
                    .build(),
                vec![],
                true,
            ),
            (
                "other port",
                PodBuilder::new("p")
                    .host_port(8080, "UDP", "127.0.0.1")
                    .build(),
                vec![PodBuilder::new("e").host_port(9090, "UDP", "127.0.0.1")],
                true,
            ),
            (
                "same udp port",
                PodBuilder::new("p")
                    .host_port(8080, "UDP", "127.0.0.1")
                    .build(),
                vec![PodBuilder::new("e").host_port(8080, "UDP", "127.0.0.1")],
                false,
            ),
            (
                "same port, other protocol",
                PodBuilder::new("p")
                    .host_port(8080, "TCP", "127.0.0.1")
                    .build(),
                vec![PodBuilder::new("e").host_port(8080, "UDP", "127.0.0.1")],
                true,
            ),
            (
                "same port, other ip",
                PodBuilder::new("p")
                    .host_port(8080, "TCP", "127.0.0.2")
                    .build(),
                vec![PodBuilder::new("e").host_port(8080, "TCP", "127.0.0.1")],
                true,
            ),
            (
                "0.0.0.0 clashes with any ip",
                PodBuilder::new("p")
                    .host_port(8001, "TCP", "0.0.0.0")
                    .build(),
                vec![PodBuilder::new("e").host_port(8001, "TCP", "127.0.0.1")],
                false,
            ),
            (
                "a sidecar's host port clashes with the pod's",
                PodBuilder::new("p").host_port(8001, "TCP", "").build(),
                vec![PodBuilder::new("e").init_host_port(8001, true)],
                false,
            ),
            (
                "the pod's sidecar asks for a port in use",
                PodBuilder::new("p").init_host_port(8001, true).build(),
                vec![PodBuilder::new("e").host_port(8001, "TCP", "")],
                false,
            ),
            (
                "an init container that ends frees its port",
                PodBuilder::new("p").host_port(8001, "TCP", "").build(),
                vec![PodBuilder::new("e").init_host_port(8001, false)],
                true,
            ),
            (
                "defaults are TCP on 0.0.0.0",
                PodBuilder::new("p").host_port(8001, "", "").build(),
                vec![PodBuilder::new("e").host_port(8001, "TCP", "10.0.0.1")],
                false,
            ),
        ];
        for (name, pod, existing, want) in cases {
            let mut node = NodeBuilder::new("n").build_info();
            for e in existing {
                node.add_pod(e.build_info_on("n"));
            }
            let state = CycleState::new(&pod);
            assert!(!pre_filter_skips(&state));
            let got = filter(&state, &node);
            assert_eq!(got.is_none(), want, "{name}");
            if let Some(s) = got {
                assert_eq!(
                    (s.code, s.message().as_str()),
                    (Code::Unschedulable, ERR_REASON)
                );
            }
        }
        assert!(pre_filter_skips(&CycleState::new(
            &PodBuilder::new("p").build()
        )));
    }
}
