//! The scheduler's cache: one `NodeInfo` per node with the aggregated requests of the pods on it.
//!
//! Mirrors `pkg/scheduler/backend/cache/cache.go` (assume/confirm/forget), `node_tree.go` (zone
//! round-robin node order), and `pkg/scheduler/framework/types.go` (`NodeInfo`, `Resource`,
//! `getNonMissingContainerRequests`). Quantities are parsed once, when an object enters the cache, into
//! integer milli-cpu / bytes so the scheduling hot loop does integer arithmetic only.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{Container, Node, Pod, Taint, Toleration};

use crate::engine::quantity::{milli, value};

/// `schedutil.DefaultMilliCPURequest`: the cpu a container without a cpu request counts for scoring.
pub const DEFAULT_MILLI_CPU_REQUEST: i64 = 100;
/// `schedutil.DefaultMemoryRequest`: 200 MiB for a container without a memory request.
pub const DEFAULT_MEMORY_REQUEST: i64 = 200 * 1024 * 1024;

/// Integer amounts of every resource kind the scheduler accounts for (`framework.Resource`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Resource {
    pub milli_cpu: i64,
    pub memory: i64,
    pub ephemeral_storage: i64,
    /// `pods` (only meaningful for allocatable).
    pub allowed_pod_number: i64,
    /// Extended, hugepages and other scalar resources, sorted by name.
    pub scalars: Vec<(String, i64)>,
}

/// Whether a resource name is a scalar resource (`schedutil.IsScalarResourceName`): extended resources
/// (`example.com/foo`), `hugepages-*`, prefixed native resources and attachable volumes.
pub fn is_scalar_resource_name(name: &str) -> bool {
    name.contains('/') || name.starts_with("hugepages-") || name.starts_with("attachable-volumes-")
}

impl Resource {
    pub fn scalar(&self, name: &str) -> i64 {
        self.scalars
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| *v)
            .unwrap_or(0)
    }

    fn scalar_mut(&mut self, name: &str) -> &mut i64 {
        let index = match self.scalars.binary_search_by(|(n, _)| n.as_str().cmp(name)) {
            Ok(i) => i,
            Err(i) => {
                self.scalars.insert(i, (name.to_string(), 0));
                i
            }
        };
        &mut self.scalars[index].1
    }

    /// Adds a resource list (`Resource.Add`). Quantities that do not parse count as 0.
    pub fn add_list(
        &mut self,
        list: &BTreeMap<String, k8s_openapi::apimachinery::pkg::api::resource::Quantity>,
    ) {
        for (name, q) in list {
            match name.as_str() {
                "cpu" => self.milli_cpu += milli(q).unwrap_or(0),
                "memory" => self.memory += value(q).unwrap_or(0),
                "ephemeral-storage" => self.ephemeral_storage += value(q).unwrap_or(0),
                "pods" => self.allowed_pod_number += value(q).unwrap_or(0),
                other if is_scalar_resource_name(other) => {
                    *self.scalar_mut(other) += value(q).unwrap_or(0)
                }
                _ => {}
            }
        }
    }

    /// Adds another amount; like Go's int64, overflow wraps instead of failing.
    pub fn add(&mut self, other: &Resource) {
        self.milli_cpu = self.milli_cpu.wrapping_add(other.milli_cpu);
        self.memory = self.memory.wrapping_add(other.memory);
        self.ephemeral_storage = self.ephemeral_storage.wrapping_add(other.ephemeral_storage);
        self.allowed_pod_number = self
            .allowed_pod_number
            .wrapping_add(other.allowed_pod_number);
        for (name, v) in &other.scalars {
            let slot = self.scalar_mut(name);
            *slot = slot.wrapping_add(*v);
        }
    }

    pub fn sub(&mut self, other: &Resource) {
        self.milli_cpu = self.milli_cpu.wrapping_sub(other.milli_cpu);
        self.memory = self.memory.wrapping_sub(other.memory);
        self.ephemeral_storage = self.ephemeral_storage.wrapping_sub(other.ephemeral_storage);
        self.allowed_pod_number = self
            .allowed_pod_number
            .wrapping_sub(other.allowed_pod_number);
        for (name, v) in &other.scalars {
            let slot = self.scalar_mut(name);
            *slot = slot.wrapping_sub(*v);
        }
    }

    /// Takes the per-resource maximum (`SetMaxResource`).
    pub fn set_max(&mut self, other: &Resource) {
        self.milli_cpu = self.milli_cpu.max(other.milli_cpu);
        self.memory = self.memory.max(other.memory);
        self.ephemeral_storage = self.ephemeral_storage.max(other.ephemeral_storage);
        for (name, v) in &other.scalars {
            let slot = self.scalar_mut(name);
            *slot = (*slot).max(*v);
        }
    }

    /// The amount of `name` (`cpu` in millis, everything else in units).
    pub fn get(&self, name: &str) -> i64 {
        match name {
            "cpu" => self.milli_cpu,
            "memory" => self.memory,
            "ephemeral-storage" => self.ephemeral_storage,
            "pods" => self.allowed_pod_number,
            other => self.scalar(other),
        }
    }

    /// Whether `name` is present in this list as allocatable (scalars only when listed).
    pub fn has_scalar(&self, name: &str) -> bool {
        self.scalars.iter().any(|(n, _)| n == name)
    }
}

/// A container's requests, with the scheduler's non-zero defaults applied when `non_zero` is set: 100m
/// cpu / 200Mi memory when the key is absent (an explicit `0` stays 0).
fn container_requests(container: &Container, non_zero: bool) -> Resource {
    let mut r = Resource::default();
    let requests = container
        .resources
        .as_ref()
        .and_then(|res| res.requests.as_ref());
    if let Some(list) = requests {
        r.add_list(list);
    }
    if non_zero {
        let has = |k: &str| requests.is_some_and(|l| l.contains_key(k));
        if !has("cpu") {
            r.milli_cpu = DEFAULT_MILLI_CPU_REQUEST;
        }
        if !has("memory") {
            r.memory = DEFAULT_MEMORY_REQUEST;
        }
    }
    r
}

/// A pod's effective request (`resource.PodRequests` in component-helpers): the regular containers
/// summed, each sidecar (restartable init container) added to the running total, the max with each init
/// container (plus the sidecars started before it); then the pod-level requests (`spec.resources`, for
/// cpu, memory and hugepages) replace the containers' figures; then the pod overhead. With `non_zero`,
/// a container without a cpu or memory request counts as 100m / 200Mi (`NonMissingContainerRequests`),
/// as scoring does (`calculatePodResourceRequest`).
pub fn pod_requests(pod: &Pod, non_zero: bool) -> Resource {
    let mut total = Resource::default();
    let Some(spec) = pod.spec.as_ref() else {
        return total;
    };
    for c in &spec.containers {
        total.add(&container_requests(c, non_zero));
    }
    let mut sidecars = Resource::default();
    let mut init_max = Resource::default();
    for c in spec.init_containers.iter().flatten() {
        let mut reqs = container_requests(c, non_zero);
        if c.restart_policy.as_deref() == Some("Always") {
            total.add(&reqs);
            sidecars.add(&reqs);
            reqs = sidecars.clone();
        } else {
            reqs.add(&sidecars);
        }
        init_max.set_max(&reqs);
    }
    total.set_max(&init_max);
    if let Some(pod_level) = pod_level_requests(spec) {
        for (name, q) in pod_level {
            match name.as_str() {
                "cpu" => total.milli_cpu = milli(q).unwrap_or(0),
                "memory" => total.memory = value(q).unwrap_or(0),
                hugepages => *total.scalar_mut(hugepages) = value(q).unwrap_or(0),
            }
        }
    }
    if let Some(overhead) = spec.overhead.as_ref() {
        total.add_list(overhead);
    }
    total
}

/// The pod-level requests the scheduler honours (`IsPodLevelRequestsSet`): `spec.resources.requests`
/// for cpu, memory and hugepages, when at least one of them is set.
fn pod_level_requests(
    spec: &k8s_openapi::api::core::v1::PodSpec,
) -> Option<
    impl Iterator<
        Item = (
            &String,
            &k8s_openapi::apimachinery::pkg::api::resource::Quantity,
        ),
    >,
> {
    let requests = spec.resources.as_ref()?.requests.as_ref()?;
    let supported = |name: &String| crate::engine::api::defaults::is_pod_level_resource(name);
    requests
        .keys()
        .any(supported)
        .then(|| requests.iter().filter(move |(name, _)| supported(name)))
}

/// The requests a node's `NonZeroRequested` counts for a pod (`calculateResource` with
/// `getNonMissingContainerRequests`): without pod-level requests, the non-zero figures; with them, the
/// 100m / 200Mi defaults apply only to cpu or memory that neither the pod level nor any container
/// (nor the overhead) names.
pub fn pod_node_non_zero_requests(pod: &Pod) -> Resource {
    let non_zero = pod_requests(pod, true);
    let Some(spec) = pod.spec.as_ref() else {
        return non_zero;
    };
    if pod_level_requests(spec).is_none() {
        return non_zero;
    }
    let named = |resource: &str| {
        let in_list = |list: Option<
            &BTreeMap<String, k8s_openapi::apimachinery::pkg::api::resource::Quantity>,
        >| { list.is_some_and(|l| l.contains_key(resource)) };
        spec.containers
            .iter()
            .chain(spec.init_containers.iter().flatten())
            .any(|c| in_list(c.resources.as_ref().and_then(|r| r.requests.as_ref())))
            || in_list(spec.resources.as_ref().and_then(|r| r.requests.as_ref()))
            || in_list(spec.overhead.as_ref())
    };
    let real = pod_requests(pod, false);
    let mut out = non_zero;
    if named("cpu") {
        out.milli_cpu = real.milli_cpu;
    }
    if named("memory") {
        out.memory = real.memory;
    }
    out
}

/// A host port in use: `(ip, protocol, port)` with upstream's defaults (`0.0.0.0`, `TCP`).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct HostPort {
    pub ip: String,
    pub protocol: String,
    pub port: i32,
}

/// The host ports a pod asks for (`schedutil.GetHostPorts`): ports with `hostPort > 0` of its sidecars
/// (init containers with `restartPolicy: Always`, which run as long as the pod) and then of its
/// containers. Used for the pod being scheduled and for the pods already on a node.
pub fn pod_host_ports(pod: &Pod) -> Vec<HostPort> {
    let mut out = Vec::new();
    let Some(spec) = pod.spec.as_ref() else {
        return out;
    };
    let sidecars = spec
        .init_containers
        .iter()
        .flatten()
        .filter(|c| c.restart_policy.as_deref() == Some("Always"));
    for c in sidecars.chain(&spec.containers) {
        for p in c.ports.iter().flatten() {
            if p.host_port.unwrap_or(0) <= 0 {
                continue;
            }
            out.push(HostPort {
                ip: p
                    .host_ip
                    .clone()
                    .filter(|s| !s.is_empty())
                    .unwrap_or_else(|| "0.0.0.0".into()),
                protocol: p
                    .protocol
                    .clone()
                    .filter(|s| !s.is_empty())
                    .unwrap_or_else(|| "TCP".into()),
                port: p.host_port.unwrap_or(0),
            });
        }
    }
    out
}

/// `namespace/name` of a pod.
pub fn pod_key(pod: &Pod) -> String {
    format!(
        "{}/{}",
        pod.metadata.namespace.as_deref().unwrap_or("default"),
        pod.metadata.name.as_deref().unwrap_or("")
    )
}

/// What the cache keeps about a pod on a node (`framework.PodInfo`, reduced).
#[derive(Clone, Debug, PartialEq)]
pub struct PodInfo {
    pub key: String,
    pub namespace: String,
    pub labels: BTreeMap<String, String>,
    /// Has a deletionTimestamp.
    pub terminating: bool,
    /// Required pod anti-affinity terms (checked against incoming pods).
    pub required_anti_affinity:
        Vec<crate::engine::scheduler::plugins::inter_pod_affinity::AffinityTerm>,
    /// The affinity terms InterPodAffinity scores with; `None` for a pod without pod (anti-)affinity.
    pub scoring_terms:
        Option<Box<crate::engine::scheduler::plugins::inter_pod_affinity::ScoringTerms>>,
    pub priority: i32,
    /// `status.startTime` in Unix milliseconds (`None` before the kubelet started the pod).
    pub start_time_ms: Option<i64>,
    /// Being deleted after a preemption (`podTerminatingByPreemption`: a deletion timestamp and the
    /// `DisruptionTarget` condition with reason `PreemptionByScheduler`).
    pub terminating_by_preemption: bool,
    /// Real requests (`Requested`).
    pub requests: Resource,
    /// Requests with the non-zero cpu/memory defaults (`NonZeroRequested`).
    pub non_zero_requests: Resource,
    pub host_ports: Vec<HostPort>,
    /// Set while the pod is only assumed (binding in flight).
    pub assumed: bool,
}

impl PodInfo {
    pub fn from_pod(pod: &Pod) -> PodInfo {
        PodInfo {
            key: pod_key(pod),
            namespace: pod
                .metadata
                .namespace
                .clone()
                .unwrap_or_else(|| "default".into()),
            labels: pod.metadata.labels.clone().unwrap_or_default(),
            terminating: pod.metadata.deletion_timestamp.is_some(),
            required_anti_affinity:
                crate::engine::scheduler::plugins::inter_pod_affinity::required_terms(pod).1,
            scoring_terms: crate::engine::scheduler::plugins::inter_pod_affinity::scoring_terms(
                pod,
            ),
            priority: pod.spec.as_ref().and_then(|s| s.priority).unwrap_or(0),
            start_time_ms: pod
                .status
                .as_ref()
                .and_then(|s| s.start_time.as_ref())
                .map(|t| t.0.as_millisecond()),
            terminating_by_preemption: pod.metadata.deletion_timestamp.is_some()
                && pod
                    .status
                    .as_ref()
                    .and_then(|s| s.conditions.as_ref())
                    .is_some_and(|conditions| {
                        conditions.iter().any(|c| {
                            c.type_ == "DisruptionTarget"
                                && c.reason.as_deref() == Some("PreemptionByScheduler")
                        })
                    }),
            requests: pod_requests(pod, false),
            non_zero_requests: pod_node_non_zero_requests(pod),
            host_ports: pod_host_ports(pod),
            assumed: false,
        }
    }
}

/// One node as the scheduler sees it (`framework.NodeInfo`).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct NodeInfo {
    pub name: String,
    /// The cache's interned id of the name (stable for the cache's lifetime).
    pub id: u32,
    pub labels: BTreeMap<String, String>,
    pub taints: Vec<Taint>,
    pub unschedulable: bool,
    pub allocatable: Resource,
    pub requested: Resource,
    pub non_zero_requested: Resource,
    pub pods: Vec<PodInfo>,
    /// How many of `pods` have required pod anti-affinity (`PodsWithRequiredAntiAffinity`).
    pub pods_with_required_anti_affinity: usize,
    /// How many of `pods` have pod affinity or pod anti-affinity (`PodsWithAffinity`).
    pub pods_with_affinity: usize,
    pub used_ports: Vec<HostPort>,
    /// Image name (every name the node reports) → size in bytes.
    pub images: BTreeMap<String, i64>,
}

impl NodeInfo {
    /// A NodeInfo for `node` without pods.
    pub fn from_node(node: &Node) -> NodeInfo {
        let mut info = NodeInfo {
            name: node.metadata.name.clone().unwrap_or_default(),
            ..Default::default()
        };
        info.set_node(node);
        info
    }

    /// Replaces the node-level fields (`NodeInfo.SetNode`), keeping the pods.
    pub fn set_node(&mut self, node: &Node) {
        self.labels = node.metadata.labels.clone().unwrap_or_default();
        let spec = node.spec.as_ref();
        self.taints = spec.and_then(|s| s.taints.clone()).unwrap_or_default();
        self.unschedulable = spec.and_then(|s| s.unschedulable).unwrap_or(false);
        let status = node.status.as_ref();
        let mut allocatable = Resource::default();
        if let Some(list) = status.and_then(|s| s.allocatable.as_ref()) {
            allocatable.add_list(list);
        }
        self.allocatable = allocatable;
        self.images.clear();
        for image in status.and_then(|s| s.images.as_ref()).into_iter().flatten() {
            for name in image.names.iter().flatten() {
                self.images
                    .insert(name.clone(), image.size_bytes.unwrap_or(0));
            }
        }
    }

    /// Adds a pod's requests and ports (`NodeInfo.AddPod`).
    pub fn add_pod(&mut self, pod: PodInfo) {
        self.requested.add(&pod.requests);
        let nz = &mut self.non_zero_requested;
        nz.milli_cpu = nz.milli_cpu.wrapping_add(pod.non_zero_requests.milli_cpu);
        nz.memory = nz.memory.wrapping_add(pod.non_zero_requests.memory);
        self.used_ports.extend(pod.host_ports.iter().cloned());
        if !pod.required_anti_affinity.is_empty() {
            self.pods_with_required_anti_affinity += 1;
        }
        if pod.scoring_terms.is_some() {
            self.pods_with_affinity += 1;
        }
        self.pods.push(pod);
    }

    /// Removes a pod by key; returns it if it was there (`NodeInfo.RemovePod`).
    pub fn remove_pod(&mut self, key: &str) -> Option<PodInfo> {
        let index = self.pods.iter().position(|p| p.key == key)?;
        let pod = self.pods.remove(index);
        if !pod.required_anti_affinity.is_empty() {
            self.pods_with_required_anti_affinity =
                self.pods_with_required_anti_affinity.saturating_sub(1);
        }
        if pod.scoring_terms.is_some() {
            self.pods_with_affinity = self.pods_with_affinity.saturating_sub(1);
        }
        self.requested.sub(&pod.requests);
        let nz = &mut self.non_zero_requested;
        nz.milli_cpu = nz.milli_cpu.wrapping_sub(pod.non_zero_requests.milli_cpu);
        nz.memory = nz.memory.wrapping_sub(pod.non_zero_requests.memory);
        for port in &pod.host_ports {
            if let Some(i) = self.used_ports.iter().position(|p| p == port) {
                self.used_ports.remove(i);
            }
        }
        Some(pod)
    }
}

/// `utilnode.GetZoneKey`: region and zone labels joined, "" when neither is set.
pub fn zone_key(labels: &BTreeMap<String, String>) -> String {
    let get = |a: &str, b: &str| {
        labels
            .get(a)
            .or_else(|| labels.get(b))
            .cloned()
            .unwrap_or_default()
    };
    let region = get(
        "topology.kubernetes.io/region",
        "failure-domain.beta.kubernetes.io/region",
    );
    let zone = get(
        "topology.kubernetes.io/zone",
        "failure-domain.beta.kubernetes.io/zone",
    );
    if region.is_empty() && zone.is_empty() {
        return String::new();
    }
    format!("{region}:\x00:{zone}")
}

/// The cache: nodes in node-tree order plus where each known pod sits.
#[derive(Clone, Debug, Default)]
pub struct Cache {
    nodes: Vec<NodeInfo>,
    index: BTreeMap<String, usize>,
    /// Node-tree order: indices into `nodes`, zones round-robin (`nodeTree.list`).
    order: Vec<usize>,
    /// Zone of each node in `nodes`.
    zones: Vec<String>,
    /// Set when `order` must be recomputed (see `refresh_order`).
    order_dirty: bool,
    /// Pod key → node name.
    pod_nodes: BTreeMap<String, String>,
    /// Image name → number of nodes reporting it (`ImageStateSummary.NumNodes`).
    image_nodes: BTreeMap<String, usize>,
    /// Pods assigned to a node the cache does not know (yet).
    orphans: BTreeMap<String, PodInfo>,
    /// Every node name ever seen, by id.
    names: Vec<String>,
    name_ids: BTreeMap<String, u32>,
}

impl Cache {
    /// The interned id of a node name.
    pub fn name_id(&mut self, name: &str) -> u32 {
        if let Some(&id) = self.name_ids.get(name) {
            return id;
        }
        let id = self.names.len() as u32;
        self.names.push(name.to_string());
        self.name_ids.insert(name.to_string(), id);
        id
    }

    /// The node name of an interned id.
    pub fn name_of(&self, id: u32) -> &str {
        self.names
            .get(id as usize)
            .map(String::as_str)
            .unwrap_or("")
    }

    pub fn node_count(&self) -> usize {
        self.nodes.len()
    }

    /// The nodes in node-tree order (the snapshot's `NodeInfoList`). Call `refresh_order` first after
    /// node changes.
    pub fn snapshot(&self) -> Vec<&NodeInfo> {
        let mut nodes = Vec::with_capacity(self.order.len());
        nodes.extend(self.order.iter().filter_map(|&i| self.nodes.get(i)));
        nodes
    }

    pub fn node(&self, name: &str) -> Option<&NodeInfo> {
        self.index.get(name).and_then(|&i| self.nodes.get(i))
    }

    /// How many nodes report an image name.
    pub fn image_node_count(&self, image: &str) -> usize {
        self.image_nodes.get(image).copied().unwrap_or(0)
    }

    /// Where a pod sits, if the cache has it.
    pub fn pod_node(&self, key: &str) -> Option<&str> {
        self.pod_nodes.get(key).map(String::as_str)
    }

    fn count_images(&mut self, images: &[String], delta: isize) {
        for name in images {
            let entry = self.image_nodes.entry(name.clone()).or_insert(0);
            *entry = entry.saturating_add_signed(delta);
            if *entry == 0 {
                self.image_nodes.remove(name);
            }
        }
    }

    /// Adds or updates a node (`AddNode`/`UpdateNode`).
    pub fn upsert_node(&mut self, node: &Node) {
        let name = node.metadata.name.clone().unwrap_or_default();
        if let Some(&i) = self.index.get(&name) {
            let old: Vec<String> = self.nodes[i].images.keys().cloned().collect();
            self.count_images(&old, -1);
            self.nodes[i].set_node(node);
            let new: Vec<String> = self.nodes[i].images.keys().cloned().collect();
            self.count_images(&new, 1);
            let zone = zone_key(&self.nodes[i].labels);
            if self.zones[i] != zone {
                self.zones[i] = zone;
                self.rebuild_order();
            }
            return;
        }
        let mut info = NodeInfo::from_node(node);
        info.id = self.name_id(&name);
        // Pods the cache saw before their node.
        let waiting: Vec<String> = self
            .orphans
            .iter()
            .filter(|(key, _)| self.pod_nodes.get(*key) == Some(&name))
            .map(|(key, _)| key.clone())
            .collect();
        for key in waiting {
            if let Some(pod) = self.orphans.remove(&key) {
                info.add_pod(pod);
            }
        }
        let images: Vec<String> = info.images.keys().cloned().collect();
        self.count_images(&images, 1);
        self.zones.push(zone_key(&info.labels));
        self.index.insert(name, self.nodes.len());
        self.nodes.push(info);
        self.rebuild_order();
    }

    /// Removes a node (`RemoveNode`); its pods stay known until their own deletes arrive.
    pub fn remove_node(&mut self, name: &str) {
        let Some(i) = self.index.remove(name) else {
            return;
        };
        let mut info = self.nodes.remove(i);
        self.zones.remove(i);
        for pod in std::mem::take(&mut info.pods) {
            self.orphans.insert(pod.key.clone(), pod);
        }
        let images: Vec<String> = info.images.keys().cloned().collect();
        self.count_images(&images, -1);
        for v in self.index.values_mut() {
            if *v > i {
                *v -= 1;
            }
        }
        self.rebuild_order();
    }

    fn rebuild_order(&mut self) {
        self.order_dirty = true;
    }

    /// Recomputes the node-tree order if nodes or zones changed: zones in first-seen order, nodes
    /// round-robin across zones (`nodeTree.list`).
    pub fn refresh_order(&mut self) {
        if !self.order_dirty {
            return;
        }
        self.order_dirty = false;
        let mut zone_index: BTreeMap<&str, usize> = BTreeMap::new();
        let mut per_zone: Vec<Vec<usize>> = Vec::new();
        for (i, z) in self.zones.iter().enumerate() {
            let next = per_zone.len();
            let zi = *zone_index.entry(z.as_str()).or_insert(next);
            if zi == per_zone.len() {
                per_zone.push(Vec::new());
            }
            per_zone[zi].push(i);
        }
        self.order.clear();
        let longest = per_zone.iter().map(Vec::len).max().unwrap_or(0);
        for round in 0..longest {
            for zone in &per_zone {
                if let Some(&i) = zone.get(round) {
                    self.order.push(i);
                }
            }
        }
    }

    /// Adds an assigned pod, or confirms an assumed one (`AddPod`). A pod that moved is re-added.
    pub fn add_pod(&mut self, pod: &Pod) {
        let Some(node_name) = pod.spec.as_ref().and_then(|s| s.node_name.clone()) else {
            return;
        };
        let info = PodInfo::from_pod(pod);
        if let Some(existing) = self.pod_nodes.get(&info.key).cloned() {
            if existing == node_name {
                if let Some(n) = self
                    .index
                    .get(&existing)
                    .and_then(|&i| self.nodes.get_mut(i))
                {
                    // Confirm (or refresh) in place.
                    n.remove_pod(&info.key);
                    n.add_pod(info);
                }
                return;
            }
            self.remove_pod(&info.key);
        }
        self.pod_nodes.insert(info.key.clone(), node_name.clone());
        self.place(&node_name, info);
    }

    fn place(&mut self, node_name: &str, info: PodInfo) {
        match self
            .index
            .get(node_name)
            .and_then(|&i| self.nodes.get_mut(i))
        {
            Some(n) => n.add_pod(info),
            None => {
                self.orphans.insert(info.key.clone(), info);
            }
        }
    }

    /// Assumes `pod` on `node` before the binding is confirmed (`AssumePod`).
    pub fn assume_pod(&mut self, pod: &Pod, node: &str) {
        let mut info = PodInfo::from_pod(pod);
        info.assumed = true;
        self.remove_pod(&info.key);
        self.pod_nodes.insert(info.key.clone(), node.to_string());
        self.place(node, info);
    }

    /// Drops a pod (`RemovePod`, or `ForgetPod` for an assumed one).
    pub fn remove_pod(&mut self, key: &str) {
        self.orphans.remove(key);
        if let Some(node_name) = self.pod_nodes.remove(key) {
            if let Some(n) = self
                .index
                .get(&node_name)
                .and_then(|&i| self.nodes.get_mut(i))
            {
                n.remove_pod(key);
            }
        }
    }

    /// Whether the cache holds `key` only as assumed.
    pub fn is_assumed(&self, key: &str) -> bool {
        self.pod_nodes
            .get(key)
            .and_then(|n| self.node(n))
            .and_then(|n| n.pods.iter().find(|p| p.key == key))
            .is_some_and(|p| p.assumed)
    }
}

/// Whether `toleration` tolerates `taint` (`v1helper.TolerationsTolerateTaint` / `ToleratesTaint`).
pub fn tolerates(toleration: &Toleration, taint: &Taint) -> bool {
    let effect = toleration.effect.as_deref().unwrap_or("");
    if !effect.is_empty() && effect != taint.effect {
        return false;
    }
    let key = toleration.key.as_deref().unwrap_or("");
    let operator = toleration.operator.as_deref().unwrap_or("");
    if !key.is_empty() && key != taint.key {
        return false;
    }
    match operator {
        "Exists" => true,
        "" | "Equal" => {
            toleration.value.as_deref().unwrap_or("") == taint.value.as_deref().unwrap_or("")
        }
        _ => false,
    }
}

/// Whether any toleration tolerates the taint.
pub fn tolerated(tolerations: &[Toleration], taint: &Taint) -> bool {
    tolerations.iter().any(|t| tolerates(t, taint))
}
