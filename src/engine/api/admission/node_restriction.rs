//! NodeRestriction: a kubelet may only touch its own Node and the pods bound to it.
//!
//! Mirrors `plugin/pkg/admission/noderestriction/admission.go` (`admitPod`, `admitPodCreate`,
//! `admitPodStatus`, `admitNode`, `getForbiddenLabels`).

use std::collections::BTreeSet;

use k8s_openapi::apimachinery::pkg::apis::meta::v1::Status;

use super::{forbidden, Attributes, Context, Operation};
use crate::engine::api::authn::node_identity;
use crate::engine::api::status;
use crate::engine::objects::Object;

pub const NAME: &str = "NodeRestriction";

const MIRROR_POD_ANNOTATION: &str = "kubernetes.io/config.mirror";

/// Labels a kubelet may set on its Node (`kubeletapis.IsKubeletLabel`).
const KUBELET_LABELS: [&str; 12] = [
    "kubernetes.io/hostname",
    "kubernetes.io/arch",
    "kubernetes.io/os",
    "beta.kubernetes.io/arch",
    "beta.kubernetes.io/os",
    "beta.kubernetes.io/instance-type",
    "node.kubernetes.io/instance-type",
    "failure-domain.beta.kubernetes.io/zone",
    "failure-domain.beta.kubernetes.io/region",
    "topology.kubernetes.io/zone",
    "topology.kubernetes.io/region",
    "node.kubernetes.io/windows-build",
];

fn label_namespace(label: &str) -> &str {
    label.split_once('/').map(|(ns, _)| ns).unwrap_or("")
}

fn is_kubelet_label(label: &str) -> bool {
    let ns = label_namespace(label);
    KUBELET_LABELS.contains(&label)
        || ns == "kubelet.kubernetes.io"
        || ns.ends_with(".kubelet.kubernetes.io")
        || ns == "node.kubernetes.io"
        || ns.ends_with(".node.kubernetes.io")
}

fn is_kubernetes_label(label: &str) -> bool {
    let ns = label_namespace(label);
    ns == "kubernetes.io"
        || ns.ends_with(".kubernetes.io")
        || ns == "k8s.io"
        || ns.ends_with(".k8s.io")
}

fn forbidden_labels<'a>(labels: impl Iterator<Item = &'a String>) -> Vec<String> {
    let mut out = BTreeSet::new();
    for label in labels {
        let ns = label_namespace(label);
        let restricted = ns == "node-restriction.kubernetes.io"
            || ns.ends_with(".node-restriction.kubernetes.io");
        if restricted || (is_kubernetes_label(label) && !is_kubelet_label(label)) {
            out.insert(label.clone());
        }
    }
    out.into_iter().collect()
}

fn pod_node(object: Option<&Object>) -> Option<&str> {
    object
        .and_then(|o| o.as_pod())
        .and_then(|p| p.spec.as_ref())
        .and_then(|s| s.node_name.as_deref())
}

pub fn admit(
    attrs: &Attributes,
    object: Option<&mut Object>,
    _ctx: &mut Context,
) -> Result<Vec<String>, Status> {
    let Some(node) = node_identity(attrs.user) else {
        return Ok(Vec::new());
    };
    if node.is_empty() {
        return Err(forbidden(
            attrs,
            &format!("could not determine node from user {:?}", attrs.user.name),
        ));
    }
    let object = object.map(|o| &*o);
    match (attrs.info.group, attrs.info.resource, attrs.subresource) {
        ("", "pods", "") => match attrs.operation {
            Operation::Create => {
                let is_mirror = object
                    .and_then(|o| o.metadata().annotations.as_ref())
                    .is_some_and(|a| a.contains_key(MIRROR_POD_ANNOTATION));
                if !is_mirror {
                    return Err(forbidden(
                        attrs,
                        &format!(
                            "pod does not have \"{MIRROR_POD_ANNOTATION}\" annotation, node \"{node}\" can only create mirror pods"
                        ),
                    ));
                }
                if pod_node(object) != Some(node) {
                    return Err(forbidden(
                        attrs,
                        &format!("node \"{node}\" can only create pods with spec.nodeName set to itself"),
                    ));
                }
                Ok(vec![format!("node {node} may create its mirror pod")])
            }
            Operation::Delete => {
                let Some(old) = attrs.old else {
                    return Err(status::not_found("pods", "", attrs.name));
                };
                if pod_node(Some(old)) != Some(node) {
                    return Err(forbidden(
                        attrs,
                        &format!("node \"{node}\" can only delete pods with spec.nodeName set to itself"),
                    ));
                }
                Ok(vec![format!("pod is bound to {node}: delete allowed")])
            }
            Operation::Update => Err(forbidden(
                attrs,
                &format!(
                    "unexpected operation \"UPDATE\", node \"{node}\" can only create and delete mirror pods"
                ),
            )),
        },
        ("", "pods", "status") => {
            if attrs.operation != Operation::Update {
                return Err(forbidden(attrs, &format!("unexpected operation {:?}", attrs.operation.as_str())));
            }
            if pod_node(attrs.old) != Some(node) {
                return Err(forbidden(
                    attrs,
                    &format!("node \"{node}\" can only update pod status for pods with spec.nodeName set to itself"),
                ));
            }
            let old_labels = attrs.old.and_then(|o| o.metadata().labels.clone()).unwrap_or_default();
            let new_labels = object.and_then(|o| o.metadata().labels.clone()).unwrap_or_default();
            if old_labels != new_labels {
                return Err(forbidden(attrs, &format!("node \"{node}\" cannot update labels through pod status")));
            }
            Ok(vec![format!("pod is bound to {node}: status update allowed")])
        }
        ("", "pods", other) => Err(forbidden(attrs, &format!("unexpected subresource {other:?}"))),
        ("", "nodes", _) => {
            if attrs.name != node {
                return Err(forbidden(
                    attrs,
                    &format!("node \"{node}\" is not allowed to modify node \"{}\"", attrs.name),
                ));
            }
            match (attrs.operation, object, attrs.old) {
                (Operation::Create, Some(Object::Node(new)), _) => {
                    let bad = forbidden_labels(new.metadata.labels.iter().flat_map(|l| l.keys()));
                    if !bad.is_empty() {
                        return Err(forbidden(
                            attrs,
                            &format!("node \"{node}\" is not allowed to set the following labels: {}", bad.join(", ")),
                        ));
                    }
                }
                (Operation::Update, Some(Object::Node(new)), Some(Object::Node(old))) => {
                    let taints = |n: &k8s_openapi::api::core::v1::Node| {
                        n.spec.as_ref().and_then(|s| s.taints.clone()).unwrap_or_default()
                    };
                    if taints(new) != taints(old) {
                        return Err(forbidden(attrs, &format!("node \"{node}\" is not allowed to modify taints")));
                    }
                    let new_labels = new.metadata.labels.clone().unwrap_or_default();
                    let old_labels = old.metadata.labels.clone().unwrap_or_default();
                    let modified: Vec<&String> = new_labels
                        .iter()
                        .filter(|(k, v)| old_labels.get(*k) != Some(*v))
                        .map(|(k, _)| k)
                        .chain(old_labels.keys().filter(|k| !new_labels.contains_key(*k)))
                        .collect();
                    let bad = forbidden_labels(modified.into_iter());
                    if !bad.is_empty() {
                        return Err(forbidden(attrs, &format!("is not allowed to modify labels: {}", bad.join(", "))));
                    }
                }
                _ => {}
            }
            Ok(vec![format!("node {node} modifies its own Node object")])
        }
        _ => Ok(Vec::new()),
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use super::*;
    use crate::engine::rng::SimRng;
    use crate::engine::store::Store;
    use serde_json::json;

    fn bound(node: &str) -> Object {
        pod(
            json!({"metadata": {"name": "p", "namespace": "default"}, "spec": {"nodeName": node, "containers": []}}),
        )
    }

    #[test]
    #[allow(clippy::type_complexity)]
    fn should_restrict_kubelets_to_their_own_pods_and_node() {
        let store = Store::new();
        let mut rng = SimRng::new(1);
        let mut ctx = Context {
            store: &store,
            rng: &mut rng,
        };
        let kubelet = kubelet("node-a");
        let mine = bound("node-a");
        let theirs = bound("node-b");
        let node_b = Object::from_json("Node", json!({"metadata": {"name": "node-b"}})).unwrap();
        // (case, operation, resource, subresource, name, old, new, expected error)
        let cases: Vec<(&str, Operation, &str, &str, &str, Option<&Object>, Option<Object>, Option<&str>)> = vec![
            ("status of own pod", Operation::Update, "pods", "status", "p", Some(&mine), Some(mine.clone()), None),
            (
                "status of another node's pod",
                Operation::Update,
                "pods",
                "status",
                "p",
                Some(&theirs),
                Some(theirs.clone()),
                Some("pods \"p\" is forbidden: node \"node-a\" can only update pod status for pods with spec.nodeName set to itself"),
            ),
            ("delete own pod", Operation::Delete, "pods", "", "p", Some(&mine), None, None),
            (
                "delete another node's pod",
                Operation::Delete,
                "pods",
                "",
                "p",
                Some(&theirs),
                None,
                Some("pods \"p\" is forbidden: node \"node-a\" can only delete pods with spec.nodeName set to itself"),
            ),
            (
                "create a regular pod",
                Operation::Create,
                "pods",
                "",
                "p",
                None,
                Some(mine.clone()),
                Some("pods \"p\" is forbidden: pod does not have \"kubernetes.io/config.mirror\" annotation, node \"node-a\" can only create mirror pods"),
            ),
            (
                "modify another node",
                Operation::Update,
                "nodes",
                "",
                "node-b",
                Some(&node_b),
                Some(node_b.clone()),
                Some("nodes \"node-b\" is forbidden: node \"node-a\" is not allowed to modify node \"node-b\""),
            ),
        ];
        for (name, operation, resource, sub, object_name, old, mut new, want) in cases {
            let a = attrs(
                operation,
                &kubelet,
                resource,
                sub,
                if resource == "pods" { "default" } else { "" },
                object_name,
                old,
            );
            let got = admit(&a, new.as_mut(), &mut ctx)
                .err()
                .and_then(|s| s.message);
            assert_eq!(got.as_deref(), want, "{name}");
        }
    }

    #[test]
    fn should_forbid_kubelets_from_changing_their_taints_or_restricted_labels() {
        let store = Store::new();
        let mut rng = SimRng::new(1);
        let mut ctx = Context {
            store: &store,
            rng: &mut rng,
        };
        let kubelet = kubelet("node-a");
        let old = Object::from_json("Node", json!({"metadata": {"name": "node-a"}, "spec": {"taints": [{"key": "k", "effect": "NoSchedule"}]}})).unwrap();
        let mut untainted =
            Object::from_json("Node", json!({"metadata": {"name": "node-a"}, "spec": {}})).unwrap();
        let a = attrs(
            Operation::Update,
            &kubelet,
            "nodes",
            "",
            "",
            "node-a",
            Some(&old),
        );
        assert_eq!(
            admit(&a, Some(&mut untainted), &mut ctx)
                .unwrap_err()
                .message
                .as_deref(),
            Some("nodes \"node-a\" is forbidden: node \"node-a\" is not allowed to modify taints")
        );
        let mut labelled = Object::from_json(
            "Node",
            json!({"metadata": {"name": "node-a", "labels": {"node-restriction.kubernetes.io/pool": "x", "topology.kubernetes.io/zone": "z"}}}),
        )
        .unwrap();
        let a = attrs(Operation::Create, &kubelet, "nodes", "", "", "node-a", None);
        assert_eq!(
            admit(&a, Some(&mut labelled), &mut ctx).unwrap_err().message.as_deref(),
            Some("nodes \"node-a\" is forbidden: node \"node-a\" is not allowed to set the following labels: node-restriction.kubernetes.io/pool")
        );
    }
}
