//! Test builders in the spirit of upstream's `st.MakePod()` / `st.MakeNode()`.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{
    Affinity, Container, ContainerImage, ContainerPort, Node, NodeAffinity, NodeSelector,
    NodeSelectorRequirement, NodeSelectorTerm, NodeSpec, NodeStatus, Pod, PodSpec,
    PreferredSchedulingTerm, ResourceRequirements, Taint, Toleration,
};
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

use crate::engine::scheduler::cache::{NodeInfo, PodInfo};

pub fn toleration(key: &str, operator: &str, value: &str, effect: &str) -> Toleration {
    let opt = |s: &str| (!s.is_empty()).then(|| s.to_string());
    Toleration {
        key: opt(key),
        operator: opt(operator),
        value: opt(value),
        effect: opt(effect),
        toleration_seconds: None,
    }
}

pub fn taint(key: &str, value: &str, effect: &str) -> Taint {
    Taint {
        key: key.into(),
        value: (!value.is_empty()).then(|| value.to_string()),
        effect: effect.into(),
        time_added: None,
    }
}

pub fn requirement(key: &str, operator: &str, values: &[&str]) -> NodeSelectorRequirement {
    NodeSelectorRequirement {
        key: key.into(),
        operator: operator.into(),
        values: Some(values.iter().map(|v| v.to_string()).collect()),
    }
}

pub struct PodBuilder {
    pod: Pod,
}

impl PodBuilder {
    pub fn new(name: &str) -> Self {
        PodBuilder {
            pod: Pod {
                metadata: ObjectMeta {
                    name: Some(name.into()),
                    namespace: Some("default".into()),
                    ..Default::default()
                },
                spec: Some(PodSpec::default()),
                ..Default::default()
            },
        }
    }

    fn spec(&mut self) -> &mut PodSpec {
        self.pod.spec.get_or_insert_with(PodSpec::default)
    }

    /// Adds a container with the given requests (`("cpu", "1")`).
    pub fn container(mut self, image: &str, requests: &[(&str, &str)]) -> Self {
        let n = self.spec().containers.len();
        let reqs: BTreeMap<String, Quantity> = requests
            .iter()
            .map(|(k, v)| (k.to_string(), Quantity(v.to_string())))
            .collect();
        self.spec().containers.push(Container {
            name: format!("c{n}"),
            image: Some(image.into()),
            resources: (!reqs.is_empty()).then(|| ResourceRequirements {
                requests: Some(reqs),
                ..Default::default()
            }),
            ..Default::default()
        });
        self
    }

    pub fn init_container(mut self, image: &str, requests: &[(&str, &str)], sidecar: bool) -> Self {
        let reqs: BTreeMap<String, Quantity> = requests
            .iter()
            .map(|(k, v)| (k.to_string(), Quantity(v.to_string())))
            .collect();
        let list = self.spec().init_containers.get_or_insert_with(Vec::new);
        let n = list.len();
        list.push(Container {
            name: format!("i{n}"),
            image: Some(image.into()),
            restart_policy: sidecar.then(|| "Always".to_string()),
            resources: Some(ResourceRequirements {
                requests: Some(reqs),
                ..Default::default()
            }),
            ..Default::default()
        });
        self
    }

    pub fn host_port(mut self, port: i32, protocol: &str, ip: &str) -> Self {
        if self.spec().containers.is_empty() {
            self = self.container("pause", &[]);
        }
        if let Some(c) = self.spec().containers.last_mut() {
            c.ports.get_or_insert_with(Vec::new).push(ContainerPort {
                container_port: port,
                host_port: Some(port),
                protocol: (!protocol.is_empty()).then(|| protocol.to_string()),
                host_ip: (!ip.is_empty()).then(|| ip.to_string()),
                ..Default::default()
            });
        }
        self
    }

    /// Pod-level requests (`spec.resources.requests`).
    pub fn pod_level(mut self, requests: &[(&str, &str)]) -> Self {
        let reqs: BTreeMap<String, Quantity> = requests
            .iter()
            .map(|(k, v)| (k.to_string(), Quantity(v.to_string())))
            .collect();
        self.spec().resources = Some(ResourceRequirements {
            requests: Some(reqs),
            ..Default::default()
        });
        self
    }

    /// An init container asking for a host port (a sidecar when `sidecar`).
    pub fn init_host_port(mut self, port: i32, sidecar: bool) -> Self {
        let list = self.spec().init_containers.get_or_insert_with(Vec::new);
        let n = list.len();
        list.push(Container {
            name: format!("i{n}"),
            image: Some("pause".into()),
            restart_policy: sidecar.then(|| "Always".to_string()),
            ports: Some(vec![ContainerPort {
                container_port: port,
                host_port: Some(port),
                ..Default::default()
            }]),
            ..Default::default()
        });
        self
    }

    pub fn toleration(mut self, t: Toleration) -> Self {
        self.spec().tolerations.get_or_insert_with(Vec::new).push(t);
        self
    }

    pub fn node_name(mut self, node: &str) -> Self {
        self.spec().node_name = Some(node.into());
        self
    }

    pub fn label(mut self, k: &str, v: &str) -> Self {
        self.pod
            .metadata
            .labels
            .get_or_insert_with(BTreeMap::new)
            .insert(k.into(), v.into());
        self
    }

    pub fn priority(mut self, p: i32) -> Self {
        self.spec().priority = Some(p);
        self
    }

    pub fn node_selector(mut self, labels: &[(&str, &str)]) -> Self {
        self.spec().node_selector = Some(
            labels
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        );
        self
    }

    fn node_affinity(&mut self) -> &mut NodeAffinity {
        self.spec()
            .affinity
            .get_or_insert_with(Affinity::default)
            .node_affinity
            .get_or_insert_with(NodeAffinity::default)
    }

    /// Adds a required term (terms are ORed).
    pub fn required_term(mut self, expressions: Vec<NodeSelectorRequirement>) -> Self {
        let selector = self
            .node_affinity()
            .required_during_scheduling_ignored_during_execution
            .get_or_insert_with(NodeSelector::default);
        selector.node_selector_terms.push(NodeSelectorTerm {
            match_expressions: Some(expressions),
            match_fields: None,
        });
        self
    }

    pub fn required_field_term(mut self, fields: Vec<NodeSelectorRequirement>) -> Self {
        let selector = self
            .node_affinity()
            .required_during_scheduling_ignored_during_execution
            .get_or_insert_with(NodeSelector::default);
        selector.node_selector_terms.push(NodeSelectorTerm {
            match_expressions: None,
            match_fields: Some(fields),
        });
        self
    }

    pub fn preferred_term(
        mut self,
        weight: i32,
        expressions: Vec<NodeSelectorRequirement>,
    ) -> Self {
        self.node_affinity()
            .preferred_during_scheduling_ignored_during_execution
            .get_or_insert_with(Vec::new)
            .push(PreferredSchedulingTerm {
                weight,
                preference: NodeSelectorTerm {
                    match_expressions: Some(expressions),
                    match_fields: None,
                },
            });
        self
    }

    pub fn rename(mut self, name: &str) -> Self {
        self.pod.metadata.name = Some(name.into());
        self
    }

    pub fn build(self) -> Pod {
        self.pod
    }

    /// The pod as the cache would hold it once bound to `node`.
    pub fn build_info_on(mut self, node: &str) -> PodInfo {
        self.spec().node_name = Some(node.into());
        PodInfo::from_pod(&self.pod)
    }
}

pub struct NodeBuilder {
    node: Node,
}

impl NodeBuilder {
    pub fn new(name: &str) -> Self {
        NodeBuilder {
            node: Node {
                metadata: ObjectMeta {
                    name: Some(name.into()),
                    ..Default::default()
                },
                spec: Some(NodeSpec::default()),
                status: Some(NodeStatus {
                    allocatable: Some(
                        [("pods", "110")]
                            .iter()
                            .map(|(k, v)| (k.to_string(), Quantity(v.to_string())))
                            .collect(),
                    ),
                    ..Default::default()
                }),
            },
        }
    }

    pub fn allocatable(mut self, list: &[(&str, &str)]) -> Self {
        if let Some(a) = self
            .node
            .status
            .as_mut()
            .and_then(|s| s.allocatable.as_mut())
        {
            for (k, v) in list {
                a.insert(k.to_string(), Quantity(v.to_string()));
            }
        }
        self
    }

    pub fn label(mut self, k: &str, v: &str) -> Self {
        self.node
            .metadata
            .labels
            .get_or_insert_with(BTreeMap::new)
            .insert(k.into(), v.into());
        self
    }

    pub fn taint(mut self, t: Taint) -> Self {
        if let Some(spec) = self.node.spec.as_mut() {
            spec.taints.get_or_insert_with(Vec::new).push(t);
        }
        self
    }

    pub fn unschedulable(mut self) -> Self {
        if let Some(spec) = self.node.spec.as_mut() {
            spec.unschedulable = Some(true);
        }
        self
    }

    pub fn image(mut self, names: &[&str], size: i64) -> Self {
        if let Some(status) = self.node.status.as_mut() {
            status
                .images
                .get_or_insert_with(Vec::new)
                .push(ContainerImage {
                    names: Some(names.iter().map(|n| n.to_string()).collect()),
                    size_bytes: Some(size),
                });
        }
        self
    }

    pub fn build(self) -> Node {
        self.node
    }

    pub fn build_info(self) -> NodeInfo {
        NodeInfo::from_node(&self.node)
    }
}

/// `(name, weight)` pairs as configured resources (`config.ResourceSpec`).
pub fn resource_specs(list: &[(&str, i64)]) -> Vec<crate::engine::scheduler::config::ResourceSpec> {
    list.iter()
        .map(
            |(name, weight)| crate::engine::scheduler::config::ResourceSpec {
                name: name.to_string(),
                weight: *weight,
            },
        )
        .collect()
}

/// A node whose allocatable is `milli_cpu` millicores, `memory` bytes and the given extended resources
/// (upstream's noderesources `makeNode` helper).
pub fn resource_node(
    name: &str,
    milli_cpu: i64,
    memory: i64,
    scalars: &[(&str, i64)],
) -> NodeBuilder {
    let cpu = format!("{milli_cpu}m");
    let mem = memory.to_string();
    let extra: Vec<(String, String)> = scalars
        .iter()
        .map(|(n, v)| (n.to_string(), v.to_string()))
        .collect();
    let mut list: Vec<(&str, &str)> = vec![("cpu", cpu.as_str()), ("memory", mem.as_str())];
    list.extend(extra.iter().map(|(n, v)| (n.as_str(), v.as_str())));
    NodeBuilder::new(name).allocatable(&list)
}

/// The NodeInfos of a table case: each node with the `existing` pods bound to it (by node name, as
/// upstream's `cache.NewSnapshot(existingPods, nodes)` does).
pub fn snapshot(nodes: Vec<NodeBuilder>, existing: Vec<(&str, PodBuilder)>) -> Vec<NodeInfo> {
    let mut infos: Vec<NodeInfo> = nodes.into_iter().map(NodeBuilder::build_info).collect();
    for (i, (node, pod)) in existing.into_iter().enumerate() {
        let pod = pod.rename(&format!("existing-{i}"));
        if let Some(info) = infos.iter_mut().find(|n| n.name == node) {
            info.add_pod(pod.build_info_on(node));
        }
    }
    infos
}

/// NodeResourcesFit's Score on every node for `pod`, with the strategy, resources and (0..10) shape
/// given as the plugin's arguments would give them.
pub fn fit_scores(
    strategy: crate::engine::scheduler::config::ScoringStrategyType,
    resources: &[(&str, i64)],
    shape: &[(i64, i64)],
    pod: &Pod,
    nodes: &[NodeInfo],
) -> Vec<i64> {
    use crate::engine::scheduler::config::ScoringStrategy;
    use crate::engine::scheduler::framework::CycleState;
    use crate::engine::scheduler::plugins::{node_resources_fit, requested_to_capacity_ratio};
    let args = ScoringStrategy {
        strategy,
        resources: resource_specs(resources),
        shape: shape.to_vec(),
    };
    let scaled = requested_to_capacity_ratio::scaled_shape(shape);
    let state = CycleState::new(pod);
    nodes
        .iter()
        .map(|n| node_resources_fit::score(&args, &scaled, &state, n))
        .collect()
}

/// A pod with one container per request list (upstream's `st.MakePod().Req(..).Req(..)`).
pub fn pod_with_requests(name: &str, containers: &[&[(&str, &str)]]) -> PodBuilder {
    containers
        .iter()
        .fold(PodBuilder::new(name), |b, reqs| b.container("img", reqs))
}
