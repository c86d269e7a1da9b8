//! kube-controller-manager's node lifecycle controller, its NoSchedule tainting pass: the taints that
//! mirror a node's conditions and its cordon, which the scheduler's TaintToleration then honours.
//!
//! Mirrors `pkg/controller/nodelifecycle/node_lifecycle_controller.go` (`doNoScheduleTaintingPass`,
//! `nodeConditionToTaintKeyStatusMap`), `pkg/controller/util/node/controller_utils.go`
//! (`SwapNodeControllerTaint`: the taints it adds carry `timeAdded`) and `pkg/util/taints`
//! (`TaintSetDiff`, `AddOrUpdateTaint`, `RemoveTaint`: taints are matched by key and effect).
//!
//! (A node that registers unschedulable already carries the taint: see `node_registration`.)
//!
//! Simplifications: node health monitoring (a silent kubelet's node turning `Unknown`), the NoExecute
//! pass (evicting pods from not-ready or unreachable nodes) and zone disruption states are not modelled.

use k8s_openapi::api::core::v1::{Node, Taint};

use crate::engine::time::meta_time;

/// `v1.TaintNodeUnschedulable`.
pub const TAINT_UNSCHEDULABLE: &str = "node.kubernetes.io/unschedulable";

/// `nodeConditionToTaintKeyStatusMap`: which condition status puts which NoSchedule taint.
const CONDITION_TAINTS: [(&str, &str, &str); 6] = [
    ("Ready", "False", "node.kubernetes.io/not-ready"),
    ("Ready", "Unknown", "node.kubernetes.io/unreachable"),
    (
        "MemoryPressure",
        "True",
        "node.kubernetes.io/memory-pressure",
    ),
    ("DiskPressure", "True", "node.kubernetes.io/disk-pressure"),
    (
        "NetworkUnavailable",
        "True",
        "node.kubernetes.io/network-unavailable",
    ),
    ("PIDPressure", "True", "node.kubernetes.io/pid-pressure"),
];

fn no_schedule(key: &str) -> Taint {
    Taint {
        key: key.to_string(),
        effect: "NoSchedule".into(),
        ..Default::default()
    }
}

/// Whether a taint is one this pass owns: NoSchedule with a condition key or the unschedulable key.
fn controller_owned(taint: &Taint) -> bool {
    taint.effect == "NoSchedule"
        && (taint.key == TAINT_UNSCHEDULABLE
            || CONDITION_TAINTS.iter().any(|(_, _, key)| *key == taint.key))
}

/// The NoSchedule taints the node's conditions and cordon call for, in the pass's order.
fn wanted_taints(node: &Node) -> Vec<Taint> {
    let mut wanted: Vec<Taint> = node
        .status
        .iter()
        .flat_map(|s| s.conditions.iter().flatten())
        .filter_map(|condition| {
            CONDITION_TAINTS
                .iter()
                .find(|(kind, status, _)| *kind == condition.type_ && *status == condition.status)
                .map(|(_, _, key)| no_schedule(key))
        })
        .collect();
    if is_unschedulable(node) {
        wanted.push(no_schedule(TAINT_UNSCHEDULABLE));
    }
    wanted
}

fn is_unschedulable(node: &Node) -> bool {
    node.spec.as_ref().and_then(|s| s.unschedulable) == Some(true)
}

fn same_key_and_effect(a: &Taint, b: &Taint) -> bool {
    a.key == b.key && a.effect == b.effect
}

/// `doNoScheduleTaintingPass`: the node's new taint list when it must change (taints to add are
/// appended with `timeAdded` = `now_ms`, taints no longer called for are removed), or None.
pub fn no_schedule_tainting_pass(node: &Node, now_ms: u64) -> Option<Vec<Taint>> {
    let current: Vec<Taint> = node
        .spec
        .as_ref()
        .and_then(|s| s.taints.clone())
        .unwrap_or_default();
    let owned: Vec<&Taint> = current.iter().filter(|t| controller_owned(t)).collect();
    let wanted = wanted_taints(node);
    let to_add: Vec<&Taint> = wanted
        .iter()
        .filter(|w| !owned.iter().any(|o| same_key_and_effect(w, o)))
        .collect();
    let to_remove: Vec<&Taint> = owned
        .iter()
        .copied()
        .filter(|o| !wanted.iter().any(|w| same_key_and_effect(w, o)))
        .collect();
    if to_add.is_empty() && to_remove.is_empty() {
        return None;
    }
    let mut taints: Vec<Taint> = current
        .iter()
        .filter(|t| !to_remove.iter().any(|r| same_key_and_effect(t, r)))
        .cloned()
        .collect();
    for taint in to_add {
        taints.push(Taint {
            time_added: Some(meta_time(now_ms)),
            ..taint.clone()
        });
    }
    Some(taints)
}

#[cfg(test)]
mod tests {
    use super::*;
    use k8s_openapi::api::core::v1::{NodeCondition, NodeSpec, NodeStatus};

    fn node(unschedulable: bool, taints: Vec<Taint>, conditions: &[(&str, &str)]) -> Node {
        Node {
            spec: Some(NodeSpec {
                unschedulable: unschedulable.then_some(true),
                taints: (!taints.is_empty()).then_some(taints),
                ..Default::default()
            }),
            status: Some(NodeStatus {
                conditions: Some(
                    conditions
                        .iter()
                        .map(|(kind, status)| NodeCondition {
                            type_: kind.to_string(),
                            status: status.to_string(),
                            ..Default::default()
                        })
                        .collect(),
                ),
                ..Default::default()
            }),
            ..Default::default()
        }
    }

    fn taint(key: &str, effect: &str) -> Taint {
        Taint {
            key: key.into(),
            effect: effect.into(),
            ..Default::default()
        }
    }

    fn keys(taints: Option<Vec<Taint>>) -> Option<Vec<(String, String, bool)>> {
        taints.map(|list| {
            list.into_iter()
                .map(|t| (t.key, t.effect, t.time_added.is_some()))
                .collect()
        })
    }

    #[test]
    fn should_taint_like_the_no_schedule_tainting_pass() {
        let ready = [("Ready", "True"), ("MemoryPressure", "False")];
        let user = taint("dedicated", "NoSchedule");
        let owned = |key: &str| (key.to_string(), "NoSchedule".to_string(), true);
        let cases = [
            ("ready and schedulable", node(false, vec![], &ready), None),
            (
                "cordoned",
                node(true, vec![user.clone()], &ready),
                Some(vec![
                    ("dedicated".into(), "NoSchedule".into(), false),
                    owned(TAINT_UNSCHEDULABLE),
                ]),
            ),
            (
                "cordoned, taint already there",
                node(true, vec![taint(TAINT_UNSCHEDULABLE, "NoSchedule")], &ready),
                None,
            ),
            (
                "uncordoned: the taint goes, the user's stays",
                node(
                    false,
                    vec![taint(TAINT_UNSCHEDULABLE, "NoSchedule"), user.clone()],
                    &ready,
                ),
                Some(vec![("dedicated".into(), "NoSchedule".into(), false)]),
            ),
            (
                "not ready, under memory pressure",
                node(
                    false,
                    vec![],
                    &[("Ready", "False"), ("MemoryPressure", "True")],
                ),
                Some(vec![
                    owned("node.kubernetes.io/not-ready"),
                    owned("node.kubernetes.io/memory-pressure"),
                ]),
            ),
            (
                "unknown readiness",
                node(false, vec![], &[("Ready", "Unknown")]),
                Some(vec![owned("node.kubernetes.io/unreachable")]),
            ),
            (
                "a NoExecute taint with the same key is not this pass's",
                node(
                    false,
                    vec![taint("node.kubernetes.io/not-ready", "NoExecute")],
                    &[("Ready", "False")],
                ),
                Some(vec![
                    (
                        "node.kubernetes.io/not-ready".into(),
                        "NoExecute".into(),
                        false,
                    ),
                    owned("node.kubernetes.io/not-ready"),
                ]),
            ),
        ];
        for (name, node, want) in cases {
            assert_eq!(
                keys(no_schedule_tainting_pass(&node, 5_000)),
                want,
                "{name}"
            );
        }
    }
}
