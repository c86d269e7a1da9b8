//! Node registration: what a kubelet sends when it registers its Node, filled in from the scenario.
//!
//! Mirrors `pkg/kubelet/kubelet_node_status.go` (`initialNode`, `setNodeStatus`): the well-known labels,
//! the controller-managed attach/detach annotation, `pods: 110` capacity, allocatable defaulting to
//! capacity, the four node conditions with the kubelet's reasons and messages, addresses, nodeInfo and
//! the daemon endpoint, and the unschedulable taint of a node registering cordoned. Whatever the scenario states wins; only what it leaves out is filled in. The
//! pod CIDR is what kube-controller-manager's node IPAM would assign (`10.244.<n>.0/24`).

use serde_json::{json, Map, Value};

use crate::engine::api::{ApiRequest, Credentials, RequestBody, Verb};
use crate::engine::node_lifecycle::TAINT_UNSCHEDULABLE;
use crate::engine::scenario::ScenarioError;
use crate::engine::sim::Simulation;
use crate::engine::time::meta_time;

/// The kubelet version podflow's nodes report.
pub const KUBELET_VERSION: &str = "v1.36.0";
/// The container runtime podflow's nodes report.
pub const CONTAINER_RUNTIME_VERSION: &str = "containerd://2.1.4";
/// The kubelet's default `--max-pods`.
pub const DEFAULT_MAX_PODS: &str = "110";

fn object_at<'a>(value: &'a mut Value, key: &str) -> Option<&'a mut Map<String, Value>> {
    let map = value.as_object_mut()?;
    let entry = map.entry(key.to_string()).or_insert_with(|| json!({}));
    if entry.is_null() {
        *entry = json!({});
    }
    entry.as_object_mut()
}

fn set_default(map: &mut Map<String, Value>, key: &str, value: Value) {
    if map.get(key).is_none_or(Value::is_null) {
        map.insert(key.to_string(), value);
    }
}

/// The Node a kubelet would register for the scenario's node document (`index` orders the node's
/// addresses and pod CIDR).
pub fn registered_node(node: &Value, index: usize, now_ms: u64) -> Value {
    let mut node = node.clone();
    let name = node
        .pointer("/metadata/name")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    let octet = index % 250;
    if let Some(labels) = node
        .pointer_mut("/metadata")
        .and_then(|m| object_at(m, "labels"))
    {
        set_default(labels, "beta.kubernetes.io/arch", json!("amd64"));
        set_default(labels, "beta.kubernetes.io/os", json!("linux"));
        set_default(labels, "kubernetes.io/arch", json!("amd64"));
        set_default(labels, "kubernetes.io/hostname", json!(name));
        set_default(labels, "kubernetes.io/os", json!("linux"));
    }
    if let Some(annotations) = node
        .pointer_mut("/metadata")
        .and_then(|m| object_at(m, "annotations"))
    {
        set_default(
            annotations,
            "volumes.kubernetes.io/controller-managed-attach-detach",
            json!("true"),
        );
    }
    if let Some(spec) = object_at(&mut node, "spec") {
        let cidr = format!("10.244.{}.0/24", index % 256);
        set_default(spec, "podCIDR", json!(cidr));
        set_default(spec, "podCIDRs", json!([cidr]));
        // `initialNode`: a node registering unschedulable carries the unschedulable taint from the
        // start (no timeAdded), so no pod slips in before the node lifecycle controller adds it.
        if spec.get("unschedulable") == Some(&json!(true)) {
            let taint = json!({"key": TAINT_UNSCHEDULABLE, "effect": "NoSchedule"});
            let taints = spec.entry("taints").or_insert_with(|| json!([]));
            if taints.is_null() {
                *taints = json!([]);
            }
            if let Some(list) = taints.as_array_mut() {
                let present = list.iter().any(|t| {
                    t.get("key") == taint.get("key") && t.get("effect") == taint.get("effect")
                });
                if !present {
                    list.push(taint);
                }
            }
        }
    }
    if let Some(status) = object_at(&mut node, "status") {
        let capacity = status.get("capacity").cloned().filter(Value::is_object);
        let allocatable = status.get("allocatable").cloned().filter(Value::is_object);
        let mut capacity = capacity
            .or_else(|| allocatable.clone())
            .unwrap_or_else(|| json!({}));
        if let Some(c) = capacity.as_object_mut() {
            set_default(c, "pods", json!(DEFAULT_MAX_PODS));
        }
        let mut allocatable = allocatable.unwrap_or_else(|| capacity.clone());
        if let Some(a) = allocatable.as_object_mut() {
            set_default(a, "pods", json!(DEFAULT_MAX_PODS));
        }
        status.insert("capacity".into(), capacity);
        status.insert("allocatable".into(), allocatable);
        let time = crate::engine::objects::to_json_value(&meta_time(now_ms)).unwrap_or(Value::Null);
        let condition = |kind: &str, state: &str, reason: &str, message: &str| {
            json!({
                "type": kind, "status": state, "reason": reason, "message": message,
                "lastHeartbeatTime": time, "lastTransitionTime": time,
            })
        };
        set_default(
            status,
            "conditions",
            json!([
                condition(
                    "MemoryPressure",
                    "False",
                    "KubeletHasSufficientMemory",
                    "kubelet has sufficient memory available"
                ),
                condition(
                    "DiskPressure",
                    "False",
                    "KubeletHasNoDiskPressure",
                    "kubelet has no disk pressure"
                ),
                condition(
                    "PIDPressure",
                    "False",
                    "KubeletHasSufficientPID",
                    "kubelet has sufficient PID available"
                ),
                condition(
                    "Ready",
                    "True",
                    "KubeletReady",
                    "kubelet is posting ready status"
                ),
            ]),
        );
        set_default(
            status,
            "addresses",
            json!([
                {"type": "InternalIP", "address": format!("192.168.49.{}", octet + 2)},
                {"type": "Hostname", "address": name},
            ]),
        );
        set_default(
            status,
            "daemonEndpoints",
            json!({"kubeletEndpoint": {"Port": 10250}}),
        );
        let id = format!("{:032x}", fnv1a(name.as_bytes()));
        set_default(
            status,
            "nodeInfo",
            json!({
                "architecture": "amd64",
                "bootID": id,
                "containerRuntimeVersion": CONTAINER_RUNTIME_VERSION,
                "kernelVersion": "6.1.0-28-amd64",
                "kubeProxyVersion": "",
                "kubeletVersion": KUBELET_VERSION,
                "machineID": id,
                "operatingSystem": "linux",
                "osImage": "Debian GNU/Linux 12 (bookworm)",
                "systemUUID": id,
            }),
        );
    }
    node
}

/// A stable 128-bit FNV-1a hash, for IDs that must not depend on platform or run.
fn fnv1a(bytes: &[u8]) -> u128 {
    let mut hash: u128 = 0x6c62272e07bb014262b821756295c58d;
    for b in bytes {
        hash ^= u128::from(*b);
        hash = hash.wrapping_mul(0x0000000001000000000000000000013B);
    }
    hash
}

/// Registers a scenario node through the API server as its kubelet (`system:node:<name>`) would.
pub fn register(sim: &mut Simulation, node: &Value) -> Result<(), ScenarioError> {
    let index = sim.kubelets.len();
    let name = node
        .pointer("/metadata/name")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    let body = registered_node(node, index, sim.now_ms);
    let request = ApiRequest::new(Credentials::Kubelet(name.clone()), Verb::Create, "nodes")
        .body(RequestBody::Json(body));
    let response = sim.call(request);
    match response.status() {
        None => Ok(()),
        Some(status) => Err(ScenarioError {
            message: format!(
                "node {name:?} could not register: {}",
                status.message.clone().unwrap_or_default()
            ),
        }),
    }
}
