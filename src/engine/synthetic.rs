//! Synthetic clusters for benchmarks and property tests: many nodes of a few realistic shapes and many
//! pods of a few realistic sizes, deterministic for a seed.
//!
//! No upstream counterpart; it plays the role of scheduler_perf's `createNodes`/`createPods` templates.

use serde_json::{json, Value};

use crate::engine::api::Credentials;
use crate::engine::rng::SimRng;
use crate::engine::scenario::{Application, Scenario};

/// Node shapes: (cpu, memory) as a cloud provider would sell them.
const NODE_SHAPES: &[(&str, &str)] = &[
    ("4", "16Gi"),
    ("8", "32Gi"),
    ("16", "64Gi"),
    ("32", "128Gi"),
];
/// Pod sizes: (cpu request, memory request).
const POD_SIZES: &[(&str, &str)] = &[
    ("100m", "128Mi"),
    ("250m", "256Mi"),
    ("500m", "512Mi"),
    ("1", "1Gi"),
];
/// Images the pods run (all in the kubelet's built-in registry).
const IMAGES: &[&str] = &["nginx:1.27", "redis:7.4", "busybox:1.36", "httpd:2.4"];
const ZONES: &[&str] = &["us-east-1a", "us-east-1b", "us-east-1c"];

/// A scenario with `nodes` nodes and `pods` pods to apply.
pub fn cluster(nodes: usize, pods: usize, seed: u64) -> Scenario {
    let mut rng = SimRng::new(seed);
    let mut node_docs = Vec::with_capacity(nodes);
    for i in 0..nodes {
        let (cpu, memory) = NODE_SHAPES[rng.below(NODE_SHAPES.len() as u64) as usize];
        let zone = ZONES[i % ZONES.len()];
        node_docs.push(json!({
            "apiVersion": "v1", "kind": "Node",
            "metadata": {"name": format!("node-{i:05}"), "labels": {"topology.kubernetes.io/zone": zone}},
            "status": {
                "capacity": {"cpu": cpu, "memory": memory, "pods": "110"},
                "allocatable": {"cpu": cpu, "memory": memory, "pods": "110"},
            },
        }));
    }
    let mut applications = Vec::with_capacity(pods);
    for i in 0..pods {
        let (cpu, memory) = POD_SIZES[rng.below(POD_SIZES.len() as u64) as usize];
        let image = IMAGES[rng.below(IMAGES.len() as u64) as usize];
        applications.push(Application::apply(
            Credentials::ClusterAdmin,
            json!({
                "apiVersion": "v1", "kind": "Pod",
                "metadata": {"name": format!("pod-{i:05}"), "labels": {"app": "bench"}},
                "spec": {"containers": [{
                    "name": "app", "image": image,
                    "resources": {"requests": {"cpu": cpu, "memory": memory}},
                }]},
            }),
        ));
    }
    let documents: Vec<Value> = node_docs
        .iter()
        .cloned()
        .chain(applications.iter().map(|a| a.manifest.clone()))
        .collect();
    Scenario {
        name: format!("synthetic-{nodes}-nodes-{pods}-pods"),
        documents,
        users: Vec::new(),
        scheduler_config: None,
        nodes: node_docs,
        prerequisites: Vec::new(),
        existing_pods: Vec::new(),
        applications,
    }
}
