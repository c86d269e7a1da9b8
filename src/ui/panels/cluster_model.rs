//! What the cluster panel shows, derived from the engine's state: nodes with what the scheduler counts
//! as requested against allocatable, their labels, taints and cordon mark; pods with the STATUS word
//! `kubectl get pods` prints; and the commands the panel's forms build.
//!
//! Amounts come from the scheduler's cache (`NodeInfo.requested` / `allocatable`, as NodeResourcesFit
//! counts them); statuses from `engine::printers::pod_status`; taints are printed by
//! `engine::kubectl::taint_string`. Nothing here decides anything Kubernetes decides.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{Node, Pod, Taint};
use serde_json::{json, Value};

use crate::engine::api::Credentials;
use crate::engine::kubectl::drain::DrainOptions;
use crate::engine::kubectl::{taint_string, ClientAction};
use crate::engine::printers::pod_status;
use crate::engine::report;
use crate::engine::scheduler::cache::{pod_key, pod_requests, NodeInfo, Resource};
use crate::engine::store::StoreAt;
use crate::ui::view_state::{UserCommand, ViewState};

use super::lists_model::{latest_kubectl_result, KubectlResult};

const KI: i64 = 1024;
const MI: i64 = 1024 * KI;
const GI: i64 = 1024 * MI;

pub use crate::ui::status::{status_kind, StatusKind};

/// One pod as a chip.
#[derive(Clone, Debug, PartialEq)]
pub struct PodChip {
    /// `namespace/name`, what `UserCommand::SelectPod` takes.
    pub key: String,
    pub namespace: String,
    pub name: String,
    /// The STATUS column.
    pub status: String,
    pub kind: StatusKind,
    /// The scheduler marked it `PodScheduled=False, reason=Unschedulable` (drawn as a cross; the word
    /// stays what kubectl prints).
    pub unschedulable: bool,
    pub selected: bool,
}

impl PodChip {
    fn from_pod(pod: &Pod, selected: Option<&str>) -> PodChip {
        let status = pod_status(pod);
        let unschedulable = pod
            .status
            .as_ref()
            .and_then(|s| s.conditions.as_ref())
            .is_some_and(|conditions| {
                conditions.iter().any(|c| {
                    c.type_ == "PodScheduled"
                        && c.status == "False"
                        && c.reason.as_deref() == Some("Unschedulable")
                })
            });
        let mut kind = status_kind(&status);
        if unschedulable && kind == StatusKind::Pending {
            kind = StatusKind::Failed;
        }
        let key = pod_key(pod);
        PodChip {
            selected: selected == Some(key.as_str()),
            key,
            namespace: pod.metadata.namespace.clone().unwrap_or_default(),
            name: pod.metadata.name.clone().unwrap_or_default(),
            status,
            kind,
            unschedulable,
        }
    }

    /// What the chip says to a screen reader: `demo-pod: Running`.
    pub fn accessible_label(&self) -> String {
        if self.unschedulable {
            format!("{}: {} (Unschedulable)", self.name, self.status)
        } else {
            format!("{}: {}", self.name, self.status)
        }
    }
}

/// Requested against allocatable for one resource.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ResourceBar {
    pub requested: i64,
    pub allocatable: i64,
    /// `1 / 4` (cpu) or `2Gi / 8Gi` (memory).
    pub text: String,
    /// Requested as a share of allocatable, 0–100 (100 when over-committed or nothing is allocatable
    /// but something is requested).
    pub percent: u32,
}

impl ResourceBar {
    fn new(requested: i64, allocatable: i64, format: fn(i64) -> String) -> ResourceBar {
        let percent = if allocatable > 0 {
            (requested.max(0).saturating_mul(100) / allocatable).clamp(0, 100) as u32
        } else if requested > 0 {
            100
        } else {
            0
        };
        ResourceBar {
            requested,
            allocatable,
            text: format!("{} / {}", format(requested), format(allocatable)),
            percent,
        }
    }
}

/// One node as a card.
#[derive(Clone, Debug, PartialEq)]
pub struct NodeCard {
    pub name: String,
    pub cpu: ResourceBar,
    pub memory: ResourceBar,
    /// Labels in key order, without the kubelet's well-known `*kubernetes.io/*` ones.
    pub labels: Vec<(String, String)>,
    /// The well-known labels the kubelet sets (`kubernetes.io/hostname`, `kubernetes.io/os` …).
    pub system_labels: Vec<(String, String)>,
    /// `key=value:Effect`, in the node's order.
    pub taints: Vec<String>,
    /// `spec.unschedulable`.
    pub cordoned: bool,
    /// Pods bound to this node, by name.
    pub pods: Vec<PodChip>,
}

/// Everything the cluster panel shows.
#[derive(Clone, Debug, PartialEq)]
pub struct ClusterModel {
    pub nodes: Vec<NodeCard>,
    /// Pods without a node (not scheduled yet, or unschedulable), and pods bound to a node the store
    /// does not hold.
    pub pending: Vec<PodChip>,
    /// What kubectl printed last (the cluster actions' feedback).
    pub last_kubectl: Option<KubectlResult>,
    /// `kubectl get deployments` rows (engine's printer), empty when there are none.
    pub deployments: Vec<Vec<String>>,
    /// `kubectl get replicasets` rows (engine's printer), empty when there are none.
    pub replica_sets: Vec<Vec<String>>,
    /// `kubectl get poddisruptionbudgets` rows (engine's printer), empty when there are none.
    pub budgets: Vec<Vec<String>>,
}

/// Milli-cpu as Kubernetes writes it: `2`, `500m`, `1.5` is written `1500m`.
pub fn format_cpu(milli: i64) -> String {
    if milli % 1000 == 0 {
        (milli / 1000).to_string()
    } else {
        format!("{milli}m")
    }
}

/// Bytes with the largest binary suffix that divides them: `4Gi`, `512Mi`, `0`.
pub fn format_memory(bytes: i64) -> String {
    if bytes == 0 {
        return "0".into();
    }
    for (unit, suffix) in [(GI, "Gi"), (MI, "Mi"), (KI, "Ki")] {
        if bytes % unit == 0 {
            return format!("{}{suffix}", bytes / unit);
        }
    }
    bytes.to_string()
}

/// Where the API server keeps nodes (under upstream's special prefix `minions`) and pods.
const NODES_KEY_PREFIX: &str = "/registry/minions/";
const PODS_KEY_PREFIX: &str = "/registry/pods/";

fn nodes_in_store<'a>(store: &StoreAt<'a>) -> Vec<&'a Node> {
    store
        .list(NODES_KEY_PREFIX)
        .filter_map(|(_, stored)| stored.object.as_node())
        .collect()
}

fn pods_in_store<'a>(store: &StoreAt<'a>) -> Vec<&'a Pod> {
    store
        .list(PODS_KEY_PREFIX)
        .filter_map(|(_, stored)| stored.object.as_pod())
        .collect()
}

/// A node's requested and allocatable, as `kubectl describe node` adds them up under "Allocated
/// resources": the requests of the stored pods bound to it that have not finished (phase neither
/// Succeeded nor Failed), against the node's allocatable. Read from the store at the current entry, the
/// bars move when the binding is written, with the pod's chip.
fn amounts(node: &Node, bound: &[&Pod]) -> (Resource, Resource) {
    let mut requested = Resource::default();
    for pod in bound.iter().filter(|pod| !is_finished(pod)) {
        requested.add(&pod_requests(pod, false));
    }
    (requested, NodeInfo::from_node(node).allocatable)
}

fn is_finished(pod: &Pod) -> bool {
    matches!(
        pod.status.as_ref().and_then(|s| s.phase.as_deref()),
        Some("Succeeded" | "Failed")
    )
}

/// Labels under `kubernetes.io/` or `k8s.io/` (and their subdomains): Kubernetes' own.
fn is_well_known_label(key: &str) -> bool {
    key.split_once('/').is_some_and(|(prefix, _)| {
        ["kubernetes.io", "k8s.io"]
            .iter()
            .any(|domain| prefix == *domain || prefix.ends_with(&format!(".{domain}")))
    })
}

/// The cluster at the view's position.
pub fn cluster_model(view: &ViewState) -> ClusterModel {
    let selected = view.selected_pod.as_deref();
    let store = view.store();
    let pods = pods_in_store(&store);
    let mut by_node: BTreeMap<String, Vec<&Pod>> = BTreeMap::new();
    let mut unbound: Vec<&Pod> = Vec::new();
    for pod in pods {
        match pod
            .spec
            .as_ref()
            .and_then(|s| s.node_name.as_deref())
            .filter(|n| !n.is_empty())
        {
            Some(node) => by_node.entry(node.to_string()).or_default().push(pod),
            None => unbound.push(pod),
        }
    }
    let mut nodes = Vec::new();
    for node in nodes_in_store(&store) {
        let name = node.metadata.name.clone().unwrap_or_default();
        let bound = by_node.remove(&name).unwrap_or_default();
        let (requested, allocatable) = amounts(node, &bound);
        let spec = node.spec.clone().unwrap_or_default();
        let (system_labels, labels): (Vec<_>, Vec<_>) = node
            .metadata
            .labels
            .clone()
            .unwrap_or_default()
            .into_iter()
            .partition(|(key, _)| is_well_known_label(key));
        nodes.push(NodeCard {
            cpu: ResourceBar::new(requested.milli_cpu, allocatable.milli_cpu, format_cpu),
            memory: ResourceBar::new(requested.memory, allocatable.memory, format_memory),
            labels,
            system_labels,
            taints: spec.taints.iter().flatten().map(taint_string).collect(),
            cordoned: spec.unschedulable.unwrap_or(false),
            pods: bound
                .iter()
                .map(|pod| PodChip::from_pod(pod, selected))
                .collect(),
            name,
        });
    }
    // Pods bound to a node the store no longer (or not yet) holds stay visible with the unbound ones.
    unbound.extend(by_node.into_values().flatten());
    let now = view.now_ms();
    let deployments = report::deployment_rows(&store, now);
    let replica_sets = report::replica_set_rows(&store, now);
    let budgets = report::pdb_rows(&store, now);
    ClusterModel {
        deployments,
        replica_sets,
        budgets,
        nodes,
        pending: unbound
            .iter()
            .map(|pod| PodChip::from_pod(pod, selected))
            .collect(),
        last_kubectl: latest_kubectl_result(view),
    }
}

/// Parses `key=value:Effect` (or `key:Effect`) for `kubectl taint`. Syntax only: the API server judges
/// the key, value and effect.
pub fn parse_taint(text: &str) -> Result<Taint, String> {
    let text = text.trim();
    let Some((key_value, effect)) = text.rsplit_once(':') else {
        return Err(format!(
            "invalid taint spec: {text:?}: write key=value:Effect (for example dedicated=gpu:NoSchedule)"
        ));
    };
    let (key, value) = match key_value.split_once('=') {
        Some((key, value)) => (key, Some(value.to_string())),
        None => (key_value, None),
    };
    if key.is_empty() || effect.is_empty() {
        return Err(format!(
            "invalid taint spec: {text:?}: both a key and an effect are needed"
        ));
    }
    Ok(Taint {
        key: key.to_string(),
        value: value.filter(|v| !v.is_empty()),
        effect: effect.to_string(),
        time_added: None,
    })
}

/// Parses `key=value` for `kubectl label` (adding), or `key` (removing). Syntax only.
pub fn parse_label(text: &str) -> Result<(String, Option<String>), String> {
    let text = text.trim();
    let (key, value) = match text.split_once('=') {
        Some((key, value)) => (key, Some(value.to_string())),
        None => (text, None),
    };
    let key = key.strip_suffix('-').unwrap_or(key);
    if key.is_empty() {
        return Err(format!(
            "invalid label spec: {text:?}: write key=value (for example disktype=ssd)"
        ));
    }
    Ok((key.to_string(), value))
}

/// `kubectl cordon <node>` or `kubectl uncordon <node>` as the cluster admin.
pub fn cordon_command(node: &str, cordon: bool) -> UserCommand {
    let node = node.to_string();
    let credentials = Credentials::ClusterAdmin;
    UserCommand::Client(if cordon {
        ClientAction::Cordon { credentials, node }
    } else {
        ClientAction::Uncordon { credentials, node }
    })
}

/// The flags of the node card's Drain action: DaemonSet pods are left alone, as most drains are
/// run, and a budget that never allows a disruption stops the drain after two minutes instead of
/// retrying forever.
pub fn drain_options() -> DrainOptions {
    DrainOptions {
        ignore_daemonsets: true,
        timeout_seconds: Some(120),
        ..DrainOptions::default()
    }
}

/// `kubectl drain <node> --ignore-daemonsets --timeout=2m0s` as the cluster admin.
pub fn drain_command(node: &str) -> UserCommand {
    UserCommand::Client(ClientAction::Drain {
        credentials: Credentials::ClusterAdmin,
        node: node.to_string(),
        options: drain_options(),
    })
}

/// `kubectl taint nodes <node> <spec>` (or `<spec>-` to remove) as the cluster admin. Removing also
/// takes a bare key (`dedicated-`), which removes the key's taints of every effect.
pub fn taint_command(node: &str, spec: &str, remove: bool) -> Result<UserCommand, String> {
    let spec = spec.trim().trim_end_matches('-');
    let taint = if remove && !spec.is_empty() && !spec.contains(':') && !spec.contains('=') {
        Taint {
            key: spec.to_string(),
            ..Taint::default()
        }
    } else {
        parse_taint(spec)?
    };
    Ok(UserCommand::Client(ClientAction::Taint {
        credentials: Credentials::ClusterAdmin,
        node: node.to_string(),
        taint,
        remove,
        overwrite: false,
    }))
}

/// `kubectl label nodes <node> key=value` (adding) or `key-` (removing) as the cluster admin.
pub fn label_command(node: &str, spec: &str, remove: bool) -> Result<UserCommand, String> {
    let (key, value) = parse_label(spec)?;
    let value = if remove {
        None
    } else {
        Some(value.ok_or_else(|| {
            format!(
                "invalid label spec: {:?}: write key=value to add a label",
                spec.trim()
            )
        })?)
    };
    Ok(UserCommand::Client(ClientAction::Label {
        credentials: Credentials::ClusterAdmin,
        resource: "nodes".into(),
        namespace: None,
        name: node.to_string(),
        key,
        value,
        overwrite: false,
    }))
}

/// `kubectl delete pod <name> -n <namespace>` as the cluster admin.
pub fn delete_pod_command(pod_key: &str) -> UserCommand {
    let (namespace, name) = pod_key.split_once('/').unwrap_or(("default", pod_key));
    UserCommand::Client(ClientAction::Delete {
        credentials: Credentials::ClusterAdmin,
        resource: "pods".into(),
        namespace: Some(namespace.to_string()),
        name: name.to_string(),
        grace_period_seconds: None,
    })
}

/// The add-node form.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NewNode {
    pub name: String,
    /// A cpu quantity: `2`, `500m`.
    pub cpu: String,
    /// A memory quantity: `4Gi`.
    pub memory: String,
    /// The `zone` label (the seed's label key); empty for none.
    pub zone: String,
}

impl NewNode {
    /// The form's starting values: a node like the seed's node-a, named after the seed's scheme
    /// (`node-d` after three nodes; `node-27` once the letters run out).
    pub fn suggested(existing: usize) -> NewNode {
        let name = match u8::try_from(existing).ok().filter(|n| *n < 26) {
            Some(n) => format!("node-{}", char::from(b'a' + n)),
            None => format!("node-{}", existing + 1),
        };
        NewNode {
            name,
            cpu: "2".into(),
            memory: "4Gi".into(),
            zone: "us-east-1a".into(),
        }
    }
}

/// The Node a kubelet would register for the form, shaped like the seed cluster's nodes (capacity and
/// allocatable equal, 110 pods). Only emptiness is checked here; the API server validates the rest.
pub fn node_manifest(form: &NewNode) -> Result<Value, String> {
    let name = form.name.trim();
    let cpu = form.cpu.trim();
    let memory = form.memory.trim();
    for (field, value) in [("name", name), ("cpu", cpu), ("memory", memory)] {
        if value.is_empty() {
            return Err(format!("the node's {field} is required"));
        }
    }
    let resources = json!({"cpu": cpu, "memory": memory, "pods": "110"});
    let mut metadata = json!({"name": name});
    let zone = form.zone.trim();
    if !zone.is_empty() {
        metadata["labels"] = json!({"zone": zone});
    }
    Ok(json!({
        "apiVersion": "v1",
        "kind": "Node",
        "metadata": metadata,
        "status": {"capacity": resources.clone(), "allocatable": resources},
    }))
}

/// `UserCommand::AddNode` for the form.
pub fn add_node_command(form: &NewNode) -> Result<UserCommand, String> {
    Ok(UserCommand::AddNode {
        node: node_manifest(form)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::store::{key, ETCD_PREFIX};
    use crate::engine::trace::{Stage, TraceEntry};
    use crate::ui::panels::testing::{view_of_builtin, view_until};

    #[test]
    fn should_list_nodes_and_pods_under_the_api_servers_keys() {
        assert!(NODES_KEY_PREFIX.starts_with(ETCD_PREFIX));
        assert_eq!(key("nodes", None, ""), NODES_KEY_PREFIX);
        assert_eq!(
            format!("{}default/", PODS_KEY_PREFIX),
            key("pods", Some("default"), "")
        );
    }

    #[test]
    fn should_format_quantities_as_kubernetes_writes_them() {
        assert_eq!(format_cpu(2000), "2");
        assert_eq!(format_cpu(500), "500m");
        assert_eq!(format_cpu(0), "0");
        assert_eq!(format_memory(4 * GI), "4Gi");
        assert_eq!(format_memory(512 * MI), "512Mi");
        assert_eq!(format_memory(0), "0");
        assert_eq!(format_memory(1000), "1000");
    }

    #[test]
    fn should_show_constrained_pod_running_on_node_c_with_its_requests_counted() {
        let view = view_of_builtin("constrained-pod");
        let model = cluster_model(&view);
        let names: Vec<&str> = model.nodes.iter().map(|n| n.name.as_str()).collect();
        assert_eq!(names, ["node-a", "node-b", "node-c"]);
        let node_c = &model.nodes[2];
        assert_eq!(node_c.cpu.text, "1 / 4");
        assert_eq!(node_c.cpu.percent, 25);
        assert_eq!(node_c.memory.text, "2Gi / 8Gi");
        assert_eq!(
            node_c.labels,
            [("zone".to_string(), "us-east-1a".to_string())]
        );
        assert!(node_c
            .system_labels
            .contains(&("kubernetes.io/hostname".to_string(), "node-c".to_string())));
        assert_eq!(node_c.pods.len(), 1);
        assert_eq!(node_c.pods[0].name, "constrained-pod");
        assert_eq!(node_c.pods[0].status, "Running");
        assert_eq!(node_c.pods[0].kind, StatusKind::Running);
        assert_eq!(model.nodes[0].cpu.text, "0 / 2");
        assert_eq!(model.nodes[1].memory.text, "0 / 1Gi");
        assert!(model.pending.is_empty());
        assert_eq!(
            model.last_kubectl.map(|k| k.lines),
            Some(vec!["pod/constrained-pod created".to_string()])
        );
    }

    /// Where constrained-pod's chip is and what node-c's bars say at the first entry `at` matches.
    fn constrained_pod_at(at: impl Fn(&TraceEntry) -> bool) -> (String, String, String) {
        let model = cluster_model(&view_until("constrained-pod", at));
        let node_c = &model.nodes[2];
        let place = if model.pending.iter().any(|p| p.name == "constrained-pod") {
            "Pending area".to_string()
        } else if node_c.pods.iter().any(|p| p.name == "constrained-pod") {
            "node-c".to_string()
        } else {
            "nowhere".to_string()
        };
        (place, node_c.cpu.text.clone(), node_c.memory.text.clone())
    }

    #[test]
    fn should_show_the_cluster_as_written_at_each_entry_of_the_scheduling_step() {
        // Filter, Score and Bind are one engine step; the binding is written after Score.
        let pod = "pods/default/constrained-pod";
        let stage_of = |stage: Stage| move |e: &TraceEntry| e.stage == stage && e.object == pod;
        let pending = (
            "Pending area".to_string(),
            "0 / 4".to_string(),
            "0 / 8Gi".to_string(),
        );
        let bound = (
            "node-c".to_string(),
            "1 / 4".to_string(),
            "2Gi / 8Gi".to_string(),
        );
        assert_eq!(constrained_pod_at(stage_of(Stage::Filter)), pending);
        assert_eq!(constrained_pod_at(stage_of(Stage::Score)), pending);
        let binding_written = |e: &TraceEntry| {
            e.stage == Stage::Write && e.object == pod && e.written_revision() == Some(45)
        };
        assert_eq!(constrained_pod_at(binding_written), bound);
        assert_eq!(constrained_pod_at(stage_of(Stage::Bind)), bound);
    }

    #[test]
    fn should_list_a_deployment_and_its_replica_set_as_kubectl_get_prints_them() {
        let model = cluster_model(&view_of_builtin("deployment"));
        assert_eq!(model.deployments.len(), 1);
        assert_eq!(
            model.deployments[0][..4],
            ["nginx-deployment", "3/3", "3", "3"]
        );
        assert_eq!(model.replica_sets.len(), 1);
        assert!(model.replica_sets[0][0].starts_with("nginx-deployment-"));
        assert_eq!(model.replica_sets[0][1..4], ["3", "3", "3"]);
        let plain = cluster_model(&view_of_builtin("demo-pod"));
        assert!(plain.deployments.is_empty() && plain.replica_sets.is_empty());
        assert!(plain.budgets.is_empty());
    }

    #[test]
    fn should_put_an_unschedulable_pod_in_the_pending_area_with_a_cross() {
        let view = view_of_builtin("pod-too-large");
        let model = cluster_model(&view);
        assert_eq!(model.pending.len(), 1);
        let chip = &model.pending[0];
        assert_eq!(chip.status, "Pending");
        assert!(chip.unschedulable);
        assert_eq!(chip.kind, StatusKind::Failed);
        assert_eq!(chip.accessible_label(), "big-pod: Pending (Unschedulable)");
    }

    #[test]
    fn should_show_the_cordoned_mark_from_the_node() {
        let view = view_of_builtin("cordoned-node");
        let model = cluster_model(&view);
        let cordoned: Vec<&str> = model
            .nodes
            .iter()
            .filter(|n| n.cordoned)
            .map(|n| n.name.as_str())
            .collect();
        assert_eq!(cordoned, ["node-c"]);
    }

    #[test]
    fn should_print_taints_as_key_value_effect() {
        let view = view_of_builtin("tainted-node");
        let model = cluster_model(&view);
        let taints: Vec<(&str, Vec<String>)> = model
            .nodes
            .iter()
            .map(|n| (n.name.as_str(), n.taints.clone()))
            .collect();
        assert_eq!(
            taints,
            [
                ("node-a", vec![]),
                ("node-b", vec![]),
                ("node-c", vec!["dedicated=gpu:NoSchedule".to_string()])
            ]
        );
    }

    #[test]
    fn should_parse_taint_specs_for_syntax_only() {
        let ok = parse_taint("dedicated=gpu:NoSchedule").unwrap();
        assert_eq!(
            (ok.key.as_str(), ok.value.as_deref(), ok.effect.as_str()),
            ("dedicated", Some("gpu"), "NoSchedule")
        );
        let no_value = parse_taint("dedicated:NoExecute").unwrap();
        assert_eq!(no_value.value, None);
        // An unknown effect is the API server's to reject.
        assert_eq!(parse_taint("a=b:Sometimes").unwrap().effect, "Sometimes");
        for bad in ["", "dedicated=gpu", ":NoSchedule", "dedicated=gpu:"] {
            assert!(parse_taint(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn should_build_taint_label_and_delete_commands_as_the_cluster_admin() {
        assert_eq!(
            taint_command("node-a", "dedicated=gpu:NoSchedule-", true),
            Ok(UserCommand::Client(ClientAction::Taint {
                credentials: Credentials::ClusterAdmin,
                node: "node-a".into(),
                taint: Taint {
                    key: "dedicated".into(),
                    value: Some("gpu".into()),
                    effect: "NoSchedule".into(),
                    time_added: None,
                },
                remove: true,
                overwrite: false,
            }))
        );
        assert!(matches!(
            taint_command("node-a", "dedicated-", true),
            Ok(UserCommand::Client(ClientAction::Taint { ref taint, remove: true, .. }))
                if taint.key == "dedicated" && taint.effect.is_empty()
        ));
        assert!(taint_command("node-a", "dedicated", false).is_err());
        assert_eq!(
            label_command("node-a", "disktype=ssd", false),
            Ok(UserCommand::Client(ClientAction::Label {
                credentials: Credentials::ClusterAdmin,
                resource: "nodes".into(),
                namespace: None,
                name: "node-a".into(),
                key: "disktype".into(),
                value: Some("ssd".into()),
                overwrite: false,
            }))
        );
        assert!(matches!(
            label_command("node-a", "disktype-", true),
            Ok(UserCommand::Client(ClientAction::Label { value: None, ref key, .. })) if key == "disktype"
        ));
        assert!(label_command("node-a", "disktype", false).is_err());
        assert!(label_command("node-a", "=x", false).is_err());
        assert_eq!(
            delete_pod_command("default/demo-pod"),
            UserCommand::Client(ClientAction::Delete {
                credentials: Credentials::ClusterAdmin,
                resource: "pods".into(),
                namespace: Some("default".into()),
                name: "demo-pod".into(),
                grace_period_seconds: None,
            })
        );
    }

    #[test]
    fn should_build_a_node_manifest_like_the_seed_cluster() {
        let form = NewNode {
            name: "node-d".into(),
            cpu: "8".into(),
            memory: "16Gi".into(),
            zone: "us-east-1b".into(),
        };
        assert_eq!(
            node_manifest(&form),
            Ok(json!({
                "apiVersion": "v1",
                "kind": "Node",
                "metadata": {"name": "node-d", "labels": {"zone": "us-east-1b"}},
                "status": {
                    "capacity": {"cpu": "8", "memory": "16Gi", "pods": "110"},
                    "allocatable": {"cpu": "8", "memory": "16Gi", "pods": "110"},
                },
            }))
        );
        assert_eq!(NewNode::suggested(3).name, "node-d");
        assert_eq!(NewNode::suggested(26).name, "node-27");
        let unnamed = NewNode {
            name: " ".into(),
            ..form
        };
        assert_eq!(
            node_manifest(&unnamed),
            Err("the node's name is required".to_string())
        );
    }
}
