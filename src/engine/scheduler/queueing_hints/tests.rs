//! Table tests of the QueueingHints, after upstream's plugin tests (`Test_isSchedulableAfterNodeChange`,
//! `Test_isSchedulableAfterPodChange`, …) and `TestNodeSchedulingPropertiesChange`.

use std::sync::Arc;

use k8s_openapi::api::core::v1::{Node, NodeCondition, Pod};
use serde_json::json;

use super::*;
use crate::engine::scheduler::config;
use crate::engine::scheduler::plugins::pod_topology_spread::SpreadDefaults;
use crate::engine::scheduler::plugins::testing::*;
use crate::engine::scheduler::queue::Location;

fn profile() -> Profile {
    config::parse(None)
        .expect("the default configuration")
        .profile
}

fn queued(pod: Pod, rejected_by: Vec<&'static str>) -> QueuedPod {
    QueuedPod {
        key: pod_key(&pod),
        pod: Arc::new(pod),
        priority: 0,
        attempts: 1,
        timestamp_ms: 0,
        seq: 0,
        location: Location::Unschedulable,
        unschedulable_plugins: rejected_by,
        cycle: 1,
    }
}

/// A node-hint case: name, plugin, waiting pod, old node (None: added), new node (None: deleted), Queue.
type NodeCase<'a> = (&'a str, Plugin, &'a Pod, Option<Node>, Option<Node>, bool);
/// A pod-hint case: name, plugin, waiting pod, old pod (None: added), new pod (None: deleted), Queue.
type PodCase<'a> = (&'a str, Plugin, &'a Pod, Option<Pod>, Option<Pod>, bool);
/// A case for one plugin: name, waiting pod, old object, new object, Queue.
type Case<'a, T> = (&'a str, &'a Pod, Option<T>, Option<T>, bool);

fn json_pod(value: serde_json::Value) -> Pod {
    serde_json::from_value(value).expect("a pod")
}

fn labels(node: &Node) -> Vec<String> {
    let events = node_update_events(&NodeBuilder::new("n").build(), node);
    events.iter().map(ClusterEvent::label).collect()
}

#[test]
fn should_turn_node_updates_into_upstreams_events() {
    let plain = || NodeBuilder::new("n");
    let condition = |status: &str, heartbeat: &str| NodeCondition {
        type_: "Ready".into(),
        status: status.into(),
        last_heartbeat_time: Some(crate::engine::time::meta_time(
            heartbeat.parse().unwrap_or(0),
        )),
        ..Default::default()
    };
    let with_conditions = |conditions: Vec<NodeCondition>| {
        let mut node = plain().build();
        if let Some(status) = node.status.as_mut() {
            status.conditions = Some(conditions);
        }
        node
    };
    let cases: Vec<(&str, Node, Node, Vec<&str>)> = vec![
        ("nothing changed", plain().build(), plain().build(), vec![]),
        (
            "cordoned: no event",
            plain().build(),
            plain().unschedulable().build(),
            vec![],
        ),
        (
            "uncordoned: UpdateNodeTaint",
            plain().unschedulable().build(),
            plain().build(),
            vec!["NodeUpdateNodeTaint"],
        ),
        (
            "allocatable",
            plain().build(),
            plain().allocatable(&[("cpu", "4")]).build(),
            vec!["NodeUpdateNodeAllocatable"],
        ),
        (
            "label and taint, in upstream's order",
            plain().build(),
            plain()
                .taint(taint("k", "v", "NoSchedule"))
                .label("zone", "a")
                .build(),
            vec!["NodeUpdateNodeLabel", "NodeUpdateNodeTaint"],
        ),
        (
            "uncordoned and tainted: two UpdateNodeTaint",
            plain().unschedulable().build(),
            plain().taint(taint("k", "v", "NoSchedule")).build(),
            vec!["NodeUpdateNodeTaint", "NodeUpdateNodeTaint"],
        ),
        (
            "a heartbeat only: no event",
            with_conditions(vec![condition("True", "1000")]),
            with_conditions(vec![condition("True", "11000")]),
            vec![],
        ),
        (
            "a condition's status",
            with_conditions(vec![condition("True", "1000")]),
            with_conditions(vec![condition("False", "11000")]),
            vec!["NodeUpdateNodeCondition"],
        ),
    ];
    for (name, old, new, want) in cases {
        let got: Vec<String> = node_update_events(&old, &new)
            .iter()
            .map(ClusterEvent::label)
            .collect();
        assert_eq!(got, want, "{name}");
    }
    assert_eq!(
        labels(
            &NodeBuilder::new("n")
                .label("a", "b")
                .allocatable(&[("memory", "1Gi")])
                .build()
        ),
        vec!["NodeUpdateNodeAllocatable", "NodeUpdateNodeLabel"]
    );
}

#[test]
fn should_turn_pod_updates_into_upstreams_events() {
    let pending = || PodBuilder::new("p");
    let cases: Vec<(&str, Pod, Pod, Vec<&str>)> = vec![
        (
            "labels",
            pending().build(),
            pending().label("app", "web").build(),
            vec!["UnschedulablePodUpdatePodLabel"],
        ),
        (
            "a toleration added",
            pending().build(),
            pending()
                .toleration(toleration("k", "Exists", "", "NoSchedule"))
                .build(),
            vec!["UnschedulablePodUpdatePodToleration"],
        ),
        (
            "labels of a bound pod",
            pending().node_name("n").build(),
            pending().node_name("n").label("app", "web").build(),
            vec!["AssignedPodUpdatePodLabel"],
        ),
        (
            "a request scaled down",
            pending()
                .node_name("n")
                .container("i", &[("cpu", "2")])
                .build(),
            pending()
                .node_name("n")
                .container("i", &[("cpu", "1")])
                .build(),
            vec!["AssignedPodUpdatePodScaleDown"],
        ),
        (
            "a request scaled up: the general Update",
            pending()
                .node_name("n")
                .container("i", &[("cpu", "1")])
                .build(),
            pending()
                .node_name("n")
                .container("i", &[("cpu", "2")])
                .build(),
            vec!["AssignedPodUpdate"],
        ),
        (
            "status only: the general Update",
            pending().build(),
            pending().priority(5).build(),
            vec!["UnschedulablePodUpdate"],
        ),
    ];
    for (name, old, new, want) in cases {
        let got: Vec<String> = pod_update_events(&old, &new)
            .iter()
            .map(ClusterEvent::label)
            .collect();
        assert_eq!(got, want, "{name}");
    }
}

#[test]
fn should_match_registrations_like_match_cluster_events() {
    use action::*;
    let e = ClusterEvent::new;
    let cases = [
        (
            e(Resource::Node, UPDATE),
            e(Resource::Node, UPDATE_NODE_LABEL),
            true,
        ),
        (
            e(Resource::Node, UPDATE_NODE_LABEL),
            e(Resource::Node, UPDATE),
            false,
        ),
        (
            e(Resource::Node, ADD | UPDATE_NODE_TAINT),
            e(Resource::Node, ADD),
            true,
        ),
        (
            e(Resource::Node, ADD),
            e(Resource::Node, UPDATE_NODE_TAINT),
            false,
        ),
        (
            e(Resource::Pod, DELETE),
            e(Resource::AssignedPod, DELETE),
            true,
        ),
        (
            e(Resource::Pod, ADD | UPDATE_POD_LABEL | DELETE),
            e(Resource::AssignedPod, UPDATE),
            false,
        ),
        (e(Resource::Node, ADD), e(Resource::AssignedPod, ADD), false),
    ];
    for (registered, incoming, want) in cases {
        assert_eq!(
            registered.covers(&incoming),
            want,
            "{} covers {}",
            registered.label(),
            incoming.label()
        );
    }
    let p = profile();
    assert!(is_event_of_interest(&p, &e(Resource::Node, ADD)));
    assert!(is_event_of_interest(
        &p,
        &e(Resource::Node, UPDATE_NODE_TAINT)
    ));
    // No default plugin registers condition or annotation changes, or a pod's general update.
    assert!(!is_event_of_interest(
        &p,
        &e(Resource::Node, UPDATE_NODE_CONDITION)
    ));
    assert!(!is_event_of_interest(
        &p,
        &e(Resource::Node, UPDATE_NODE_ANNOTATION)
    ));
    assert!(!is_event_of_interest(&p, &e(Resource::AssignedPod, UPDATE)));
}

#[test]
fn should_ask_only_the_rejecting_plugins_hints() {
    use action::*;
    let p = profile();
    let tainted = NodeBuilder::new("n")
        .taint(taint("k", "v", "NoSchedule"))
        .build_info();
    let clean = NodeBuilder::new("n").build_info();
    let relabelled = NodeBuilder::new("n")
        .taint(taint("k", "v", "NoSchedule"))
        .label("zone", "a")
        .build_info();
    let untainted = Change::Node {
        old: Some(&tainted),
        new: Some(&clean),
    };
    let relabel = Change::Node {
        old: Some(&tainted),
        new: Some(&relabelled),
    };
    let taint_event = ClusterEvent::new(Resource::Node, UPDATE_NODE_TAINT);
    let label_event = ClusterEvent::new(Resource::Node, UPDATE_NODE_LABEL);
    let pod = || PodBuilder::new("p").build();
    let cases = [
        (
            "no rejector: any event of interest",
            queued(pod(), vec![]),
            label_event,
            &relabel,
            Verdict::Queue { by: None },
        ),
        (
            "TaintToleration, taint removed",
            queued(pod(), vec!["TaintToleration"]),
            taint_event,
            &untainted,
            Verdict::Queue {
                by: Some("TaintToleration"),
            },
        ),
        (
            "TaintToleration does not register label changes",
            queued(pod(), vec!["TaintToleration"]),
            label_event,
            &relabel,
            Verdict::Skip { asked: vec![] },
        ),
        (
            "NodeUnschedulable: a taint change is not an uncordon",
            queued(pod(), vec!["NodeUnschedulable"]),
            taint_event,
            &untainted,
            Verdict::Skip {
                asked: vec!["NodeUnschedulable"],
            },
        ),
        (
            "NodeResourcesFit: the always-Queue UpdateNodeTaint added for Node/Add",
            queued(pod(), vec!["NodeResourcesFit"]),
            taint_event,
            &untainted,
            Verdict::Queue {
                by: Some("NodeResourcesFit"),
            },
        ),
        (
            "NodeAffinity: a label its selector does not want",
            queued(
                PodBuilder::new("p").node_selector(&[("zone", "b")]).build(),
                vec!["NodeAffinity"],
            ),
            label_event,
            &relabel,
            Verdict::Skip {
                asked: vec!["NodeAffinity"],
            },
        ),
    ];
    for (name, q, event, change, want) in cases {
        assert_eq!(worth_requeuing(&p, &q, &event, change), want, "{name}");
    }
}

/// Runs one plugin's node hint: `old` None for an added node.
fn node_hint(plugin: Plugin, pod: &Pod, old: Option<Node>, new: Option<Node>) -> bool {
    let (old, new) = (
        old.as_ref().map(NodeInfo::from_node),
        new.as_ref().map(NodeInfo::from_node),
    );
    let change = Change::Node {
        old: old.as_ref(),
        new: new.as_ref(),
    };
    plugin_hint(&profile(), plugin, &CycleState::new(pod), &change)
}

fn pod_hint(plugin: Plugin, target: &Pod, old: Option<&Pod>, new: Option<&Pod>) -> bool {
    plugin_hint(
        &profile(),
        plugin,
        &CycleState::new(target),
        &Change::Pod { old, new },
    )
}

#[test]
fn should_hint_node_changes_like_upstream_node_plugins() {
    let node = || NodeBuilder::new("n");
    let untolerated = || node().taint(taint("foo", "bar", "NoSchedule"));
    let plain = PodBuilder::new("p").build();
    let tolerant = PodBuilder::new("p")
        .toleration(toleration("foo", "Equal", "bar", "NoSchedule"))
        .build();
    let selective = PodBuilder::new("p")
        .node_selector(&[("foo", "bar")])
        .build();
    let hungry = PodBuilder::new("p").container("i", &[("cpu", "2")]).build();
    use Plugin::*;
    let cases: Vec<NodeCase> = vec![
        // NodeUnschedulable
        (
            "added schedulable",
            NodeUnschedulable,
            &plain,
            None,
            Some(node().build()),
            true,
        ),
        (
            "added unschedulable",
            NodeUnschedulable,
            &plain,
            None,
            Some(node().unschedulable().build()),
            false,
        ),
        (
            "uncordoned",
            NodeUnschedulable,
            &plain,
            Some(node().unschedulable().build()),
            Some(node().build()),
            true,
        ),
        (
            "still schedulable",
            NodeUnschedulable,
            &plain,
            Some(node().build()),
            Some(untolerated().build()),
            false,
        ),
        // TaintToleration
        (
            "added with an untolerated taint",
            TaintToleration,
            &plain,
            None,
            Some(untolerated().build()),
            false,
        ),
        (
            "added with a tolerated taint",
            TaintToleration,
            &tolerant,
            None,
            Some(untolerated().build()),
            true,
        ),
        (
            "added without taints",
            TaintToleration,
            &plain,
            None,
            Some(node().build()),
            true,
        ),
        (
            "untolerated taint removed",
            TaintToleration,
            &plain,
            Some(untolerated().build()),
            Some(node().build()),
            true,
        ),
        (
            "still untolerated",
            TaintToleration,
            &plain,
            Some(untolerated().build()),
            Some(untolerated().label("a", "b").build()),
            false,
        ),
        (
            "one of two untolerated taints removed",
            TaintToleration,
            &plain,
            Some(untolerated().taint(taint("baz", "", "NoExecute")).build()),
            Some(untolerated().build()),
            false,
        ),
        (
            "was tolerated already",
            TaintToleration,
            &tolerant,
            Some(untolerated().build()),
            Some(node().build()),
            false,
        ),
        // NodeAffinity
        (
            "added matching",
            NodeAffinity,
            &selective,
            None,
            Some(node().label("foo", "bar").build()),
            true,
        ),
        (
            "added not matching",
            NodeAffinity,
            &selective,
            None,
            Some(node().label("foo", "baz").build()),
            false,
        ),
        (
            "label now matches",
            NodeAffinity,
            &selective,
            Some(node().build()),
            Some(node().label("foo", "bar").build()),
            true,
        ),
        (
            "matched before too",
            NodeAffinity,
            &selective,
            Some(node().label("foo", "bar").build()),
            Some(node().label("foo", "bar").label("x", "y").build()),
            false,
        ),
        (
            "label now wrong",
            NodeAffinity,
            &selective,
            Some(node().label("foo", "bar").build()),
            Some(node().label("foo", "baz").build()),
            false,
        ),
        // NodeResourcesFit
        (
            "added too small",
            NodeResourcesFit,
            &hungry,
            None,
            Some(node().allocatable(&[("cpu", "1")]).build()),
            false,
        ),
        (
            "added big enough",
            NodeResourcesFit,
            &hungry,
            None,
            Some(node().allocatable(&[("cpu", "4")]).build()),
            true,
        ),
        (
            "cpu allocatable grew",
            NodeResourcesFit,
            &hungry,
            Some(node().allocatable(&[("cpu", "1")]).build()),
            Some(node().allocatable(&[("cpu", "4")]).build()),
            true,
        ),
        (
            "grew, still too small",
            NodeResourcesFit,
            &hungry,
            Some(node().allocatable(&[("cpu", "1")]).build()),
            Some(node().allocatable(&[("cpu", "1500m")]).build()),
            false,
        ),
        (
            "memory grew, the pod wants cpu",
            NodeResourcesFit,
            &hungry,
            Some(
                node()
                    .allocatable(&[("cpu", "4"), ("memory", "1Gi")])
                    .build(),
            ),
            Some(
                node()
                    .allocatable(&[("cpu", "4"), ("memory", "2Gi")])
                    .build(),
            ),
            false,
        ),
        (
            "pod count grew",
            NodeResourcesFit,
            &plain,
            Some(node().allocatable(&[("pods", "1")]).build()),
            Some(node().allocatable(&[("pods", "2")]).build()),
            true,
        ),
        (
            "nothing requested, no pod count change",
            NodeResourcesFit,
            &plain,
            Some(node().allocatable(&[("cpu", "1")]).build()),
            Some(node().allocatable(&[("cpu", "2")]).build()),
            false,
        ),
    ];
    for (name, plugin, pod, old, new, want) in cases {
        assert_eq!(node_hint(plugin, pod, old, new), want, "{plugin:?}: {name}");
    }
}

#[test]
fn should_hint_pod_changes_like_upstream_pod_plugins() {
    let ported = |name: &str| PodBuilder::new(name).host_port(8080, "TCP", "");
    let target_ports = ported("p").build();
    let bound = |b: PodBuilder| b.node_name("n").build();
    let hungry = PodBuilder::new("p").container("i", &[("cpu", "2")]).build();
    use Plugin::*;
    let cases: Vec<PodCase> = vec![
        // NodeResourcesFit
        (
            "a bound pod deleted",
            NodeResourcesFit,
            &hungry,
            Some(bound(PodBuilder::new("o"))),
            None,
            true,
        ),
        (
            "an unbound pod deleted",
            NodeResourcesFit,
            &hungry,
            Some(PodBuilder::new("o").build()),
            None,
            false,
        ),
        (
            "a bound pod's cpu scaled down",
            NodeResourcesFit,
            &hungry,
            Some(bound(PodBuilder::new("o").container("i", &[("cpu", "2")]))),
            Some(bound(PodBuilder::new("o").container("i", &[("cpu", "1")]))),
            true,
        ),
        (
            "a bound pod's memory scaled down, the pod wants cpu",
            NodeResourcesFit,
            &hungry,
            Some(bound(
                PodBuilder::new("o").container("i", &[("memory", "2Gi")]),
            )),
            Some(bound(
                PodBuilder::new("o").container("i", &[("memory", "1Gi")]),
            )),
            false,
        ),
        (
            "the pod itself scaled down",
            NodeResourcesFit,
            &hungry,
            Some(hungry.clone()),
            Some(PodBuilder::new("p").container("i", &[("cpu", "1")]).build()),
            true,
        ),
        // NodePorts
        (
            "a bound pod with the port deleted",
            NodePorts,
            &target_ports,
            Some(bound(ported("o"))),
            None,
            true,
        ),
        (
            "a bound pod with another port deleted",
            NodePorts,
            &target_ports,
            Some(bound(PodBuilder::new("o").host_port(9090, "TCP", ""))),
            None,
            false,
        ),
        (
            "an unbound pod with the port deleted",
            NodePorts,
            &target_ports,
            Some(ported("o").build()),
            None,
            false,
        ),
        // NodeUnschedulable, TaintToleration: the waiting pod's own tolerations
        (
            "the pod now tolerates the unschedulable taint",
            NodeUnschedulable,
            &hungry,
            Some(hungry.clone()),
            Some(
                PodBuilder::new("p")
                    .toleration(toleration(
                        "node.kubernetes.io/unschedulable",
                        "Exists",
                        "",
                        "NoSchedule",
                    ))
                    .build(),
            ),
            true,
        ),
        (
            "the pod got an unrelated toleration",
            NodeUnschedulable,
            &hungry,
            Some(hungry.clone()),
            Some(
                PodBuilder::new("p")
                    .toleration(toleration("foo", "Exists", "", "NoSchedule"))
                    .build(),
            ),
            false,
        ),
        (
            "the pod got any toleration",
            TaintToleration,
            &hungry,
            Some(hungry.clone()),
            Some(
                PodBuilder::new("p")
                    .toleration(toleration("foo", "Exists", "", "NoSchedule"))
                    .build(),
            ),
            true,
        ),
        (
            "another pod got a toleration",
            TaintToleration,
            &hungry,
            Some(PodBuilder::new("o").build()),
            Some(
                PodBuilder::new("o")
                    .toleration(toleration("foo", "Exists", "", "NoSchedule"))
                    .build(),
            ),
            false,
        ),
    ];
    for (name, plugin, target, old, new, want) in cases {
        assert_eq!(
            pod_hint(plugin, target, old.as_ref(), new.as_ref()),
            want,
            "{plugin:?}: {name}"
        );
    }
}

fn affinity_pod(kind: &str, selector: serde_json::Value, topology_key: &str) -> Pod {
    json_pod(json!({
        "metadata": {"name": "p", "namespace": "default"},
        "spec": {
            "containers": [{"name": "c", "image": "i"}],
            "affinity": {kind: {"requiredDuringSchedulingIgnoredDuringExecution": [
                {"labelSelector": {"matchLabels": selector}, "topologyKey": topology_key}
            ]}}
        }
    }))
}

#[test]
fn should_hint_like_upstream_inter_pod_affinity() {
    let affinity = affinity_pod("podAffinity", json!({"app": "db"}), "zone");
    let anti = affinity_pod("podAntiAffinity", json!({"app": "db"}), "zone");
    let none = PodBuilder::new("p").build();
    let db = |b: PodBuilder| b.label("app", "db");
    let web = |b: PodBuilder| b.label("app", "web");
    let bound = |b: PodBuilder| b.node_name("n").build();
    let cases: Vec<Case<Pod>> = vec![
        (
            "a matching pod bound",
            &affinity,
            None,
            Some(bound(db(PodBuilder::new("o")))),
            true,
        ),
        (
            "a pod bound that does not match",
            &affinity,
            None,
            Some(bound(web(PodBuilder::new("o")))),
            false,
        ),
        (
            "a matching pod not bound",
            &affinity,
            None,
            Some(db(PodBuilder::new("o")).build()),
            false,
        ),
        (
            "relabelled into the affinity",
            &affinity,
            Some(bound(web(PodBuilder::new("o")))),
            Some(bound(db(PodBuilder::new("o")))),
            true,
        ),
        (
            "a matching pod deleted (affinity)",
            &affinity,
            Some(bound(db(PodBuilder::new("o")))),
            None,
            false,
        ),
        (
            "the anti-affine pod deleted",
            &anti,
            Some(bound(db(PodBuilder::new("o")))),
            None,
            true,
        ),
        (
            "relabelled out of the anti-affinity",
            &anti,
            Some(bound(db(PodBuilder::new("o")))),
            Some(bound(web(PodBuilder::new("o")))),
            true,
        ),
        (
            "no terms of its own",
            &none,
            Some(bound(db(PodBuilder::new("o")))),
            None,
            false,
        ),
    ];
    for (name, target, old, new, want) in cases {
        assert_eq!(
            pod_hint(Plugin::InterPodAffinity, target, old.as_ref(), new.as_ref()),
            want,
            "{name}"
        );
    }
    let node = || NodeBuilder::new("n");
    let node_cases: Vec<Case<Node>> = vec![
        (
            "added with the affinity key",
            &affinity,
            None,
            Some(node().label("zone", "a").build()),
            true,
        ),
        (
            "added without the affinity key",
            &affinity,
            None,
            Some(node().build()),
            false,
        ),
        (
            "any node added (anti-affinity)",
            &anti,
            None,
            Some(node().build()),
            true,
        ),
        (
            "affinity key added",
            &affinity,
            Some(node().build()),
            Some(node().label("zone", "a").build()),
            true,
        ),
        (
            "affinity key's value changed",
            &affinity,
            Some(node().label("zone", "a").build()),
            Some(node().label("zone", "b").build()),
            true,
        ),
        (
            "anti-affinity key removed",
            &anti,
            Some(node().label("zone", "a").build()),
            Some(node().build()),
            true,
        ),
        (
            "anti-affinity key added",
            &anti,
            Some(node().build()),
            Some(node().label("zone", "a").build()),
            false,
        ),
        (
            "another label",
            &affinity,
            Some(node().label("zone", "a").build()),
            Some(node().label("zone", "a").label("x", "y").build()),
            false,
        ),
    ];
    for (name, target, old, new, want) in node_cases {
        assert_eq!(
            node_hint(Plugin::InterPodAffinity, target, old, new),
            want,
            "{name}"
        );
    }
}

#[test]
fn should_hint_like_upstream_pod_topology_spread() {
    let spread = json_pod(json!({
        "metadata": {"name": "p", "namespace": "default", "labels": {"foo": ""}},
        "spec": {
            "containers": [{"name": "c", "image": "i"}],
            "topologySpreadConstraints": [{
                "maxSkew": 1, "topologyKey": "zone", "whenUnsatisfiable": "DoNotSchedule",
                "labelSelector": {"matchExpressions": [{"key": "foo", "operator": "Exists"}]}
            }]
        }
    }));
    let soft = json_pod(json!({
        "metadata": {"name": "p", "namespace": "default"},
        "spec": {
            "containers": [{"name": "c", "image": "i"}],
            "topologySpreadConstraints": [{
                "maxSkew": 1, "topologyKey": "zone", "whenUnsatisfiable": "ScheduleAnyway",
                "labelSelector": {"matchExpressions": [{"key": "foo", "operator": "Exists"}]}
            }]
        }
    }));
    let foo = |name: &str| PodBuilder::new(name).label("foo", "");
    let bound = |b: PodBuilder| b.node_name("n").build();
    let elsewhere = {
        let mut pod = bound(foo("o"));
        pod.metadata.namespace = Some("other".into());
        pod
    };
    let cases: Vec<Case<Pod>> = vec![
        (
            "a matching pod bound",
            &spread,
            None,
            Some(bound(foo("o"))),
            true,
        ),
        (
            "a matching pod in another namespace",
            &spread,
            None,
            Some(elsewhere),
            false,
        ),
        (
            "a matching pod not bound",
            &spread,
            None,
            Some(foo("o").build()),
            false,
        ),
        (
            "a pod that does not match",
            &spread,
            None,
            Some(bound(PodBuilder::new("o"))),
            false,
        ),
        (
            "a matching pod deleted",
            &spread,
            Some(bound(foo("o"))),
            None,
            true,
        ),
        (
            "relabelled into the selector",
            &spread,
            Some(bound(PodBuilder::new("o"))),
            Some(bound(foo("o"))),
            true,
        ),
        (
            "only ScheduleAnyway constraints",
            &soft,
            None,
            Some(bound(foo("o"))),
            false,
        ),
    ];
    for (name, target, old, new, want) in cases {
        assert_eq!(
            pod_hint(
                Plugin::PodTopologySpread,
                target,
                old.as_ref(),
                new.as_ref()
            ),
            want,
            "{name}"
        );
    }
    let node = || NodeBuilder::new("n");
    let node_cases: Vec<(&str, Option<Node>, Option<Node>, bool)> = vec![
        (
            "added with the key",
            None,
            Some(node().label("zone", "a").build()),
            true,
        ),
        ("added without the key", None, Some(node().build()), false),
        (
            "deleted with the key",
            Some(node().label("zone", "a").build()),
            None,
            true,
        ),
        (
            "key added",
            Some(node().build()),
            Some(node().label("zone", "a").build()),
            true,
        ),
        (
            "key's value changed",
            Some(node().label("zone", "a").build()),
            Some(node().label("zone", "b").build()),
            true,
        ),
        (
            "taint changed on a node with the key",
            Some(node().label("zone", "a").build()),
            Some(
                node()
                    .label("zone", "a")
                    .taint(taint("k", "", "NoSchedule"))
                    .build(),
            ),
            true,
        ),
        (
            "another label",
            Some(node().label("zone", "a").build()),
            Some(node().label("zone", "a").label("x", "y").build()),
            false,
        ),
    ];
    for (name, old, new, want) in node_cases {
        assert_eq!(
            node_hint(Plugin::PodTopologySpread, &spread, old, new),
            want,
            "{name}"
        );
    }
    // The spread plugin's arguments reach the hint: the system defaults are ScheduleAnyway.
    assert!(SpreadDefaults::default() == profile().spread_defaults);
}

#[test]
fn should_hint_claim_events_on_the_claims_the_pod_uses() {
    let pod = json_pod(json!({
        "metadata": {"name": "p", "namespace": "default"},
        "spec": {
            "containers": [{"name": "c", "image": "i"}],
            "volumes": [
                {"name": "data", "persistentVolumeClaim": {"claimName": "db-data"}},
                {"name": "scratch", "ephemeral": {"volumeClaimTemplate": {"spec": {}}}}
            ]
        }
    }));
    use Plugin::*;
    let cases = [
        (
            "VolumeRestrictions: its claim",
            VolumeRestrictions,
            "default",
            "db-data",
            true,
        ),
        (
            "VolumeRestrictions: another namespace",
            VolumeRestrictions,
            "other",
            "db-data",
            false,
        ),
        (
            "VolumeRestrictions: not ephemeral claims",
            VolumeRestrictions,
            "default",
            "p-scratch",
            false,
        ),
        (
            "VolumeBinding: the ephemeral claim",
            VolumeBinding,
            "default",
            "p-scratch",
            true,
        ),
        (
            "VolumeZone: another claim",
            VolumeZone,
            "default",
            "logs",
            false,
        ),
        (
            "NodeVolumeLimits: its claim",
            NodeVolumeLimits,
            "default",
            "db-data",
            true,
        ),
    ];
    for (name, plugin, namespace, claim, want) in cases {
        let change = Change::Claim {
            namespace,
            name: claim,
        };
        assert_eq!(
            plugin_hint(&profile(), plugin, &CycleState::new(&pod), &change),
            want,
            "{name}"
        );
    }
}
