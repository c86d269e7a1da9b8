//! PodTopologyLabels (beta, on by default since v1.35): copies the node's `topology.k8s.io/zone` and
//! `topology.k8s.io/region` labels onto a pod when it is bound (through the Binding's labels) or
//! created already bound, never overwriting a label the pod has.
//!
//! Mirrors `plugin/pkg/admission/podtopologylabels/admission.go` (`admitBinding`, `admitPod`,
//! `topologyLabelsForNodeName`, `mergeLabels`).

use std::collections::BTreeMap;

use k8s_openapi::apimachinery::pkg::apis::meta::v1::Status;

use super::{Attributes, Context, Operation};
use crate::engine::objects::Object;
use crate::engine::store::{key, Store};

pub const NAME: &str = "PodTopologyLabels";

/// The label keys copied from the Node (the plugin's default configuration).
pub const TOPOLOGY_LABELS: [&str; 2] = ["topology.k8s.io/zone", "topology.k8s.io/region"];

/// The node's topology labels; none when the node does not exist.
pub fn topology_labels(store: &Store, node: &str) -> BTreeMap<String, String> {
    match store.get(&key("nodes", None, node)).map(|s| &s.object) {
        Some(Object::Node(n)) => n
            .metadata
            .labels
            .iter()
            .flatten()
            .filter(|(k, _)| TOPOLOGY_LABELS.contains(&k.as_str()))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect(),
        _ => BTreeMap::new(),
    }
}

/// Adds `new` to `existing` without overwriting; returns a description of each label added.
pub fn merge_labels(
    existing: &mut BTreeMap<String, String>,
    new: &BTreeMap<String, String>,
) -> Vec<String> {
    let mut changes = Vec::new();
    for (k, v) in new {
        if !existing.contains_key(k) {
            existing.insert(k.clone(), v.clone());
            changes.push(format!("added label {k}={v} from the node"));
        }
    }
    changes
}

/// Pods created with `spec.nodeName` already set get the node's topology labels.
pub fn admit(
    attrs: &Attributes,
    object: Option<&mut Object>,
    ctx: &mut Context,
) -> Result<Vec<String>, Status> {
    if !attrs.is_pod() || attrs.operation != Operation::Create {
        return Ok(Vec::new());
    }
    let Some(Object::Pod(pod)) = object else {
        return Ok(Vec::new());
    };
    let node = pod
        .spec
        .as_ref()
        .and_then(|s| s.node_name.clone())
        .unwrap_or_default();
    if node.is_empty() {
        return Ok(Vec::new());
    }
    let labels = topology_labels(ctx.store, &node);
    if labels.is_empty() {
        return Ok(Vec::new());
    }
    Ok(merge_labels(
        std::sync::Arc::make_mut(pod)
            .metadata
            .labels
            .get_or_insert_with(BTreeMap::new),
        &labels,
    ))
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use super::*;
    use crate::engine::rng::SimRng;
    use serde_json::json;

    #[test]
    fn should_copy_only_topology_labels_without_overwriting() {
        let mut store = Store::new();
        let node = Object::from_json(
            "Node",
            json!({"metadata": {"name": "node-a", "labels": {
                "topology.k8s.io/zone": "z1", "topology.k8s.io/region": "r1", "zone": "us-east-1a"}}}),
        )
        .unwrap();
        store.create("/registry/minions/node-a", node).unwrap();
        let mut rng = SimRng::new(1);
        let mut ctx = Context {
            store: &store,
            rng: &mut rng,
        };
        let user = admin();
        let a = attrs(Operation::Create, &user, "pods", "", "default", "p", None);
        let mut pod = pod(
            json!({"metadata": {"name": "p", "labels": {"topology.k8s.io/zone": "mine"}},
            "spec": {"nodeName": "node-a", "containers": []}}),
        );
        let changes = admit(&a, Some(&mut pod), &mut ctx).unwrap();
        assert_eq!(
            changes,
            vec!["added label topology.k8s.io/region=r1 from the node"]
        );
        assert_eq!(
            pod.to_json()["metadata"]["labels"],
            json!({"topology.k8s.io/region": "r1", "topology.k8s.io/zone": "mine"})
        );
    }
}
