//! Scenarios: what a user would `kubectl apply`, plus the built-in stories.
//!
//! A scenario is a multi-document YAML (or JSON, or a `kind: List`) of Nodes, Pods, Namespaces,
//! PriorityClasses, ServiceAccounts, RBAC objects and at most one KubeSchedulerConfiguration. Nodes
//! register first, as their kubelets would; pods that already name a node are existing workload, created
//! before the story starts, after the Namespaces, PriorityClasses and ServiceAccounts they need; the rest
//! is applied in document order, one `kubectl apply` per document.
//!
//! Three podflow-only conventions, all removed before anything reaches the API server:
//! - a document `apiVersion: podflow.dev/v1alpha1, kind: User` (`metadata.name`, `groups`) declares a
//!   user the API server's authenticator knows;
//! - a document `apiVersion: podflow.dev/v1alpha1, kind: Kubectl` runs a kubectl command in its place
//!   in the story: `command: kubectl drain node-a --ignore-daemonsets` (also `cordon`, `uncordon`
//!   and `delete <resource> <name> [-n <namespace>] [--grace-period=<n>]`), optionally
//!   `afterSeconds: 30` to wait that long after the document before it;
//! - the annotation `podflow.dev/user: <name>` on an object means that user runs the `kubectl apply`
//!   (otherwise the cluster admin does).

use serde_json::Value;

use crate::engine::api::{Credentials, FieldValidation};
use crate::engine::kubectl::drain::DrainOptions;
use crate::engine::kubectl::ClientAction;
use crate::engine::node_registration;
use crate::engine::scheduler::Scheduler;
use crate::engine::sim::{Event, Simulation};
use crate::engine::yaml::{read_documents, ReadError};

/// The apiVersion of podflow's own scenario documents.
pub const PODFLOW_API_VERSION: &str = "podflow.dev/v1alpha1";
/// The annotation naming the user who applies an object.
pub const USER_ANNOTATION: &str = "podflow.dev/user";
/// Largest scenario text accepted (the API server's own request limit is 3 MiB per object).
pub const MAX_SCENARIO_BYTES: usize = 16 * 1024 * 1024;
/// Most documents in one scenario.
pub const MAX_DOCUMENTS: usize = 50_000;
/// The virtual time the first `kubectl apply` of the story happens after the cluster settled.
pub const STORY_START_DELAY_MS: u64 = 100;
/// Spacing between consecutive applies of a multi-document scenario.
pub const APPLY_SPACING_MS: u64 = 50;
/// A bound on events handled while the cluster registers, so a pathological scenario cannot hang.
pub const SETUP_MAX_STEPS: u64 = 10_000_000;

/// Why a scenario could not be loaded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScenarioError {
    pub message: String,
}

impl ScenarioError {
    fn new(message: impl Into<String>) -> Self {
        ScenarioError {
            message: message.into(),
        }
    }
}

impl std::fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ScenarioError {}

/// A user the scenario declares.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScenarioUser {
    pub name: String,
    pub groups: Vec<String>,
}

/// One object to apply, or one kubectl command to run, with who runs it.
#[derive(Clone, Debug, PartialEq)]
pub struct Application {
    pub credentials: Credentials,
    /// The object to apply (for a command: its `Kubectl` document).
    pub manifest: Value,
    /// A command to run instead of applying `manifest`.
    pub command: Option<ClientAction>,
    /// How long to wait after the previous document, beyond the usual spacing.
    pub after_ms: u64,
}

impl Application {
    /// `kubectl apply` of `manifest` as `credentials`.
    pub fn apply(credentials: Credentials, manifest: Value) -> Self {
        Application {
            credentials,
            manifest,
            command: None,
            after_ms: 0,
        }
    }

    /// The event that runs it.
    fn event(&self, source: &str) -> Event {
        match &self.command {
            Some(command) => Event::Client(command.clone()),
            None => Event::Client(ClientAction::Apply {
                credentials: self.credentials.clone(),
                manifest: self.manifest.clone(),
                source: source.to_string(),
                validate: FieldValidation::Strict,
            }),
        }
    }
}

/// The most a `Kubectl` document may wait (`afterSeconds`): one day.
pub const MAX_AFTER_SECONDS: u64 = 24 * 60 * 60;

/// A `Kubectl` document's command, as `credentials` would run it.
pub fn parse_command(text: &str, credentials: Credentials) -> Result<ClientAction, String> {
    let words: Vec<&str> = text.split_whitespace().collect();
    let words = match words.as_slice() {
        ["kubectl", rest @ ..] => rest,
        _ => return Err("a command starts with kubectl".into()),
    };
    let node_command = |rest: &[&str], verb: &str| -> Result<String, String> {
        match rest {
            [node] if !node.starts_with('-') => Ok(node.to_string()),
            _ => Err(format!("write it as kubectl {verb} <node>")),
        }
    };
    match words {
        ["cordon", rest @ ..] => Ok(ClientAction::Cordon {
            credentials,
            node: node_command(rest, "cordon")?,
        }),
        ["uncordon", rest @ ..] => Ok(ClientAction::Uncordon {
            credentials,
            node: node_command(rest, "uncordon")?,
        }),
        ["drain", node, flags @ ..] if !node.starts_with('-') => Ok(ClientAction::Drain {
            credentials,
            node: node.to_string(),
            options: DrainOptions::parse(flags)?,
        }),
        ["delete", resource, name, flags @ ..] => {
            let mut namespace = None;
            let mut grace_period_seconds = None;
            let mut rest = flags.iter();
            while let Some(flag) = rest.next() {
                match *flag {
                    "-n" => match rest.next() {
                        Some(n) => namespace = Some(n.to_string()),
                        None => return Err("flag needs an argument: 'n' in -n".into()),
                    },
                    "--namespace" => match rest.next() {
                        Some(n) => namespace = Some(n.to_string()),
                        None => return Err("flag needs an argument: --namespace".into()),
                    },
                    f if f.starts_with("--namespace=") => {
                        namespace = Some(f["--namespace=".len()..].to_string())
                    }
                    f if f.starts_with("--grace-period=") => {
                        let value = &f["--grace-period=".len()..];
                        grace_period_seconds = Some(value.parse::<i64>().map_err(|_| {
                            format!("invalid argument {value:?} for \"--grace-period\" flag")
                        })?);
                    }
                    other => return Err(format!("unknown flag: {other}")),
                }
            }
            Ok(ClientAction::Delete {
                credentials,
                resource: resource.to_string(),
                namespace,
                name: name.to_string(),
                grace_period_seconds,
            })
        }
        _ => {
            Err("podflow runs kubectl drain, cordon, uncordon and delete <resource> <name>".into())
        }
    }
}

/// A parsed scenario.
#[derive(Clone, Debug, PartialEq)]
pub struct Scenario {
    pub name: String,
    /// Every document, as parsed (podflow documents included), for export.
    pub documents: Vec<Value>,
    pub users: Vec<ScenarioUser>,
    pub scheduler_config: Option<Value>,
    /// Nodes, registered by their kubelets before the story.
    pub nodes: Vec<Value>,
    /// What the existing workload needs before it can be created (its Namespaces, PriorityClasses and
    /// ServiceAccounts declared in the scenario), applied during setup in document order.
    pub prerequisites: Vec<Application>,
    /// Pods that name their node: running workload before the story.
    pub existing_pods: Vec<Value>,
    /// Everything else, applied in document order.
    pub applications: Vec<Application>,
}

struct Builtin {
    name: &'static str,
    title: &'static str,
    /// Whether the seed's three-node cluster comes first (nodes the scenario defines replace it).
    on_seed_cluster: bool,
    text: &'static str,
}

const SEED_CLUSTER: &str = include_str!("../../scenarios/_seed-cluster.yaml");

const BUILTINS: &[Builtin] = &[
    Builtin {
        name: "demo-pod",
        title: "The seed's demo-pod: kubectl apply → Running",
        on_seed_cluster: true,
        text: include_str!("../../scenarios/demo-pod.yaml"),
    },
    Builtin {
        name: "constrained-pod",
        title: "The seed's constrained-pod, corrected (spec.affinity.nodeAffinity)",
        on_seed_cluster: true,
        text: include_str!("../../scenarios/constrained-pod.yaml"),
    },
    Builtin {
        name: "constrained-pod-as-written",
        title: "The seed's constrained-pod as written: rejected by strict decoding",
        on_seed_cluster: true,
        text: include_str!("../../scenarios/constrained-pod-as-written.yaml"),
    },
    Builtin {
        name: "pod-too-large",
        title: "A pod too large for any node: FailedScheduling",
        on_seed_cluster: true,
        text: include_str!("../../scenarios/pod-too-large.yaml"),
    },
    Builtin {
        name: "missing-claim",
        title: "A pod whose PersistentVolumeClaim does not exist: refused at PreFilter",
        on_seed_cluster: true,
        text: include_str!("../../scenarios/missing-claim.yaml"),
    },
    Builtin {
        name: "service-spread",
        title: "Three pods behind a Service: PodTopologySpread spreads them over the nodes",
        on_seed_cluster: true,
        text: include_str!("../../scenarios/service-spread.yaml"),
    },
    Builtin {
        name: "deployment",
        title: "A Deployment: its ReplicaSet creates three pods, each scheduled and started",
        on_seed_cluster: true,
        text: include_str!("../../scenarios/deployment.yaml"),
    },
    Builtin {
        name: "preemption",
        title:
            "A high-priority pod on a full cluster: DefaultPreemption evicts a lower-priority pod",
        on_seed_cluster: true,
        text: include_str!("../../scenarios/preemption.yaml"),
    },
    Builtin {
        name: "preemption-pdb",
        title: "Preemption and a PodDisruptionBudget: the victim that breaks no budget goes",
        on_seed_cluster: true,
        text: include_str!("../../scenarios/preemption-pdb.yaml"),
    },
    Builtin {
        name: "drain-pdb",
        title: "kubectl drain and a PodDisruptionBudget: evictions wait for the budget",
        on_seed_cluster: true,
        text: include_str!("../../scenarios/drain-pdb.yaml"),
    },
    Builtin {
        name: "cordoned-node",
        title: "node-c cordoned: the scheduler skips it",
        on_seed_cluster: true,
        text: include_str!("../../scenarios/cordoned-node.yaml"),
    },
    Builtin {
        name: "tainted-node",
        title: "A tainted node, with and without a toleration",
        on_seed_cluster: true,
        text: include_str!("../../scenarios/tainted-node.yaml"),
    },
    Builtin {
        name: "image-not-found",
        title: "An image that does not exist: ErrImagePull, ImagePullBackOff",
        on_seed_cluster: true,
        text: include_str!("../../scenarios/image-not-found.yaml"),
    },
    Builtin {
        name: "rbac-forbidden",
        title: "A user without RBAC permission: 403 Forbidden",
        on_seed_cluster: true,
        text: include_str!("../../scenarios/rbac-forbidden.yaml"),
    },
];

/// The names of the built-in scenarios, in presentation order.
pub fn builtin_names() -> Vec<&'static str> {
    BUILTINS.iter().map(|b| b.name).collect()
}

/// A one-line description of a built-in scenario.
pub fn builtin_title(name: &str) -> Option<&'static str> {
    BUILTINS.iter().find(|b| b.name == name).map(|b| b.title)
}

/// The full YAML text of a built-in scenario (cluster included), as the CLI would read it from a file.
pub fn builtin(name: &str) -> Option<String> {
    let b = BUILTINS.iter().find(|b| b.name == name)?;
    if !b.on_seed_cluster {
        return Some(b.text.to_string());
    }
    // Seed nodes the scenario redefines are left out, so each node is defined once.
    let own = parse_documents(b.text).ok()?;
    let redefined: Vec<String> = own
        .iter()
        .filter(|d| d.get("kind").and_then(Value::as_str) == Some("Node"))
        .filter_map(|d| {
            d.pointer("/metadata/name")
                .and_then(Value::as_str)
                .map(String::from)
        })
        .collect();
    let mut out = String::new();
    for chunk in SEED_CLUSTER.split("\n---\n") {
        let name = chunk
            .lines()
            .find_map(|l| l.trim().strip_prefix("name: "))
            .unwrap_or("");
        if redefined.iter().any(|r| r == name) {
            continue;
        }
        out.push_str(chunk.trim_end());
        out.push_str("\n---\n");
    }
    out.push_str(b.text);
    Some(out)
}

/// Splits scenario text into JSON documents: JSON (an object, an array, or a `List`), or multi-document
/// YAML. Empty documents are skipped; `kind: List` documents are expanded into their items.
pub fn parse_documents(text: &str) -> Result<Vec<Value>, ScenarioError> {
    if text.len() > MAX_SCENARIO_BYTES {
        return Err(ScenarioError::new(format!(
            "scenario is {} bytes; the limit is {} bytes",
            text.len(),
            MAX_SCENARIO_BYTES
        )));
    }
    let trimmed = text.trim_start();
    let mut raw: Vec<Value> = Vec::new();
    if trimmed.starts_with('[')
        || (trimmed.starts_with('{') && serde_json::from_str::<Value>(text).is_ok())
    {
        let value: Value = serde_json::from_str(text)
            .map_err(|e| ScenarioError::new(format!("error parsing JSON: {e}")))?;
        match value {
            Value::Array(items) => raw.extend(items),
            other => raw.push(other),
        }
    } else {
        raw = read_documents(text, MAX_DOCUMENTS).map_err(|error| match error {
            ReadError::TooManyDocuments => {
                ScenarioError::new(format!("more than {MAX_DOCUMENTS} documents"))
            }
            ReadError::Conversion(message) => ScenarioError::new(message),
        })?;
    }
    let mut documents = Vec::new();
    for value in raw {
        match value {
            Value::Null => continue,
            Value::Object(ref map) if map.is_empty() => continue,
            Value::Object(ref map) if map.get("kind").and_then(Value::as_str) == Some("List") => {
                match map.get("items") {
                    Some(Value::Array(items)) => documents.extend(items.iter().cloned()),
                    Some(Value::Null) | None => {}
                    Some(_) => return Err(ScenarioError::new("a List's items must be an array")),
                }
            }
            Value::Object(_) => documents.push(value),
            other => {
                return Err(ScenarioError::new(format!(
                    "error: a document must be an object, not {}",
                    json_type(&other)
                )))
            }
        }
    }
    Ok(documents)
}

fn json_type(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

fn str_at<'a>(v: &'a Value, pointer: &str) -> Option<&'a str> {
    v.pointer(pointer).and_then(Value::as_str)
}

/// Parses scenario text (multi-document YAML, JSON, or a `kind: List`) and sorts its documents into
/// cluster, existing workload and story.
pub fn parse(name: &str, text: &str) -> Result<Scenario, ScenarioError> {
    let documents = parse_documents(text)?;
    let mut scenario = Scenario {
        name: name.to_string(),
        documents: documents.clone(),
        users: Vec::new(),
        scheduler_config: None,
        nodes: Vec::new(),
        prerequisites: Vec::new(),
        existing_pods: Vec::new(),
        applications: Vec::new(),
    };
    for (index, mut doc) in documents.into_iter().enumerate() {
        let api_version = str_at(&doc, "/apiVersion").unwrap_or("").to_string();
        let kind = str_at(&doc, "/kind").unwrap_or("").to_string();
        if api_version == PODFLOW_API_VERSION && kind == "User" {
            let user_name = str_at(&doc, "/metadata/name")
                .filter(|n| !n.is_empty())
                .ok_or_else(|| {
                    ScenarioError::new(format!(
                        "document {}: a User needs metadata.name",
                        index + 1
                    ))
                })?;
            let groups = match doc.get("groups") {
                None | Some(Value::Null) => Vec::new(),
                Some(Value::Array(items)) => items
                    .iter()
                    .map(|g| {
                        g.as_str().map(String::from).ok_or_else(|| {
                            ScenarioError::new(format!(
                                "document {}: User groups must be strings",
                                index + 1
                            ))
                        })
                    })
                    .collect::<Result<_, _>>()?,
                Some(_) => {
                    return Err(ScenarioError::new(format!(
                        "document {}: User groups must be a list",
                        index + 1
                    )))
                }
            };
            scenario.users.push(ScenarioUser {
                name: user_name.to_string(),
                groups,
            });
            continue;
        }
        if api_version == PODFLOW_API_VERSION && kind == "Kubectl" {
            let at = |what: String| ScenarioError::new(format!("document {}: {what}", index + 1));
            let user = take_user_annotation(&mut doc);
            let credentials = user.map_or(Credentials::ClusterAdmin, Credentials::User);
            let text = str_at(&doc, "/command")
                .ok_or_else(|| at("a Kubectl document needs a command".into()))?;
            let command = parse_command(text, credentials.clone()).map_err(at)?;
            let after_seconds = match doc.get("afterSeconds") {
                None | Some(Value::Null) => 0,
                Some(v) => v
                    .as_u64()
                    .filter(|s| *s <= MAX_AFTER_SECONDS)
                    .ok_or_else(|| {
                        at(format!(
                            "afterSeconds must be a whole number from 0 to {MAX_AFTER_SECONDS}"
                        ))
                    })?,
            };
            scenario.applications.push(Application {
                credentials,
                manifest: doc,
                command: Some(command),
                after_ms: after_seconds * 1000,
            });
            continue;
        }
        if kind == "KubeSchedulerConfiguration" {
            if scenario.scheduler_config.is_some() {
                return Err(ScenarioError::new(
                    "a scenario may hold at most one KubeSchedulerConfiguration",
                ));
            }
            scenario.scheduler_config = Some(doc);
            continue;
        }
        let user = take_user_annotation(&mut doc);
        let credentials = match user {
            Some(u) => Credentials::User(u),
            None => Credentials::ClusterAdmin,
        };
        let node_name = str_at(&doc, "/spec/nodeName").filter(|n| !n.is_empty());
        if api_version == "v1" && kind == "Node" {
            scenario.nodes.push(doc);
        } else if api_version == "v1" && kind == "Pod" && node_name.is_some() {
            scenario.existing_pods.push(doc);
        } else {
            scenario
                .applications
                .push(Application::apply(credentials, doc));
        }
    }
    let (prerequisites, story): (Vec<_>, Vec<_>) = std::mem::take(&mut scenario.applications)
        .into_iter()
        .partition(|app| is_prerequisite(&app.manifest, &scenario.existing_pods));
    scenario.prerequisites = prerequisites;
    scenario.applications = story;
    Ok(scenario)
}

/// Whether an existing pod needs `doc` to exist before the API server accepts it: its Namespace
/// (NamespaceLifecycle admission), its PriorityClass (Priority admission) or its ServiceAccount
/// (ServiceAccount admission).
fn is_prerequisite(doc: &Value, existing_pods: &[Value]) -> bool {
    let api_version = str_at(doc, "/apiVersion").unwrap_or("");
    let kind = str_at(doc, "/kind").unwrap_or("");
    let Some(name) = str_at(doc, "/metadata/name") else {
        return false;
    };
    let pod_namespace = |pod: &Value| {
        str_at(pod, "/metadata/namespace")
            .filter(|ns| !ns.is_empty())
            .unwrap_or("default")
            .to_string()
    };
    match (api_version, kind) {
        ("v1", "Namespace") => existing_pods.iter().any(|pod| pod_namespace(pod) == name),
        ("scheduling.k8s.io/v1", "PriorityClass") => existing_pods
            .iter()
            .any(|pod| str_at(pod, "/spec/priorityClassName") == Some(name)),
        ("v1", "ServiceAccount") => {
            let namespace = str_at(doc, "/metadata/namespace")
                .filter(|ns| !ns.is_empty())
                .unwrap_or("default");
            existing_pods.iter().any(|pod| {
                pod_namespace(pod) == namespace
                    && str_at(pod, "/spec/serviceAccountName")
                        .or_else(|| str_at(pod, "/spec/serviceAccount"))
                        == Some(name)
            })
        }
        _ => false,
    }
}

/// Removes the `podflow.dev/user` annotation (and an emptied annotations map), returning the user.
fn take_user_annotation(doc: &mut Value) -> Option<String> {
    let annotations = doc.pointer_mut("/metadata/annotations")?.as_object_mut()?;
    let user = annotations.remove(USER_ANNOTATION)?;
    if annotations.is_empty() {
        if let Some(meta) = doc.pointer_mut("/metadata").and_then(Value::as_object_mut) {
            meta.remove("annotations");
        }
    }
    user.as_str().map(String::from)
}

/// A simulation with the scenario's cluster registered and settled (nodes and existing workload), and
/// the story's applies queued; run it with `step()` or `run_until_idle()`.
pub fn start(scenario: &Scenario, seed: u64) -> Result<Simulation, ScenarioError> {
    let scheduler = Scheduler::from_config(scenario.scheduler_config.as_ref())
        .map_err(|e| ScenarioError::new(format!("KubeSchedulerConfiguration: {e}")))?;
    let mut sim = Simulation::new(seed, scheduler);
    for user in &scenario.users {
        sim.api.add_user(&user.name, &user.groups);
    }
    for node in &scenario.nodes {
        node_registration::register(&mut sim, node)?;
    }
    let source = format!("{}.yaml", scenario.name);
    for app in &scenario.prerequisites {
        sim.schedule(sim.now_ms, app.event(&source));
    }
    sim.run_to_quiescence(SETUP_MAX_STEPS);
    for pod in &scenario.existing_pods {
        sim.schedule(
            sim.now_ms,
            Event::Client(ClientAction::Apply {
                credentials: Credentials::ClusterAdmin,
                manifest: pod.clone(),
                source: format!("{}.yaml", scenario.name),
                validate: FieldValidation::Strict,
            }),
        );
    }
    sim.run_to_quiescence(SETUP_MAX_STEPS);
    sim.story_start_seq = sim.trace.len() as u64;
    let mut at = sim.now_ms + STORY_START_DELAY_MS;
    for (i, app) in scenario.applications.iter().enumerate() {
        if i > 0 {
            at += APPLY_SPACING_MS;
        }
        at = at.saturating_add(app.after_ms);
        sim.schedule(at, app.event(&source));
    }
    Ok(sim)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_builtin_parses() {
        for name in builtin_names() {
            let text = builtin(name).unwrap();
            let s = parse(name, &text).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert!(!s.nodes.is_empty(), "{name} has nodes");
            assert!(!s.applications.is_empty(), "{name} applies something");
        }
    }

    #[test]
    fn seed_cluster_nodes_are_replaced_not_duplicated() {
        let s = parse("cordoned-node", &builtin("cordoned-node").unwrap()).unwrap();
        let names: Vec<_> = s
            .nodes
            .iter()
            .map(|n| str_at(n, "/metadata/name").unwrap())
            .collect();
        assert_eq!(names, vec!["node-a", "node-b", "node-c"]);
        assert_eq!(
            s.nodes[2].pointer("/spec/unschedulable"),
            Some(&Value::Bool(true))
        );
    }

    #[test]
    fn lists_and_json_are_accepted() {
        let list = r#"{"apiVersion":"v1","kind":"List","items":[{"apiVersion":"v1","kind":"Pod","metadata":{"name":"a"}}]}"#;
        assert_eq!(parse_documents(list).unwrap().len(), 1);
        let array = r#"[{"apiVersion":"v1","kind":"Pod","metadata":{"name":"a"}},{"apiVersion":"v1","kind":"Pod","metadata":{"name":"b"}}]"#;
        assert_eq!(parse_documents(array).unwrap().len(), 2);
        let yaml = "---\n---\napiVersion: v1\nkind: List\nitems: []\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: x}\n";
        assert_eq!(parse_documents(yaml).unwrap().len(), 1);
    }

    #[test]
    fn user_annotation_selects_credentials_and_is_stripped() {
        let s = parse("rbac", &builtin("rbac-forbidden").unwrap()).unwrap();
        assert_eq!(
            s.users,
            vec![ScenarioUser {
                name: "jane".into(),
                groups: vec!["developers".into()]
            }]
        );
        let pod = s
            .applications
            .iter()
            .find(|a| str_at(&a.manifest, "/kind") == Some("Pod"))
            .unwrap();
        assert_eq!(pod.credentials, Credentials::User("jane".into()));
        assert!(pod.manifest.pointer("/metadata/annotations").is_none());
    }

    #[test]
    fn malformed_input_gives_clear_errors() {
        for bad in [
            "a: [",
            "- 1\n- 2",
            "\"just a string\"",
            "{\"kind\": ",
            "a: b\n  c: d",
        ] {
            assert!(parse("bad", bad).is_err(), "{bad:?} should fail");
        }
        let two = "apiVersion: kubescheduler.config.k8s.io/v1\nkind: KubeSchedulerConfiguration\n---\napiVersion: kubescheduler.config.k8s.io/v1\nkind: KubeSchedulerConfiguration\n";
        assert!(parse("two", two)
            .unwrap_err()
            .message
            .contains("at most one"));
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let deep = format!("{}1{}", "[".repeat(5_000), "]".repeat(5_000));
        assert!(parse("deep", &deep).is_err());
        let deep_yaml = format!("a: {}1{}", "[".repeat(5_000), "]".repeat(5_000));
        assert!(parse("deep", &deep_yaml).is_err());
    }

    #[test]
    fn should_run_kubectl_documents_in_their_place_as_their_user() {
        let text = "apiVersion: podflow.dev/v1alpha1\nkind: Kubectl\nmetadata:\n  annotations: {podflow.dev/user: jane}\nafterSeconds: 30\ncommand: kubectl delete pod web -n team --grace-period=0\n";
        let parsed = parse("commands", text).expect("parses");
        let app = &parsed.applications[0];
        assert_eq!(app.after_ms, 30_000);
        assert_eq!(
            app.command,
            Some(ClientAction::Delete {
                credentials: Credentials::User("jane".into()),
                resource: "pod".into(),
                namespace: Some("team".into()),
                name: "web".into(),
                grace_period_seconds: Some(0),
            })
        );
        let cordon = parse_command("kubectl cordon node-a", Credentials::ClusterAdmin);
        assert!(matches!(cordon, Ok(ClientAction::Cordon { node, .. }) if node == "node-a"));
        for (command, error) in [
            ("drain node-a", "a command starts with kubectl"),
            ("kubectl cordon", "write it as kubectl cordon <node>"),
            (
                "kubectl drain node-a --chunk-size=5",
                "unknown flag: --chunk-size",
            ),
            (
                "kubectl delete pod web -n",
                "flag needs an argument: 'n' in -n",
            ),
            (
                "kubectl logs web",
                "podflow runs kubectl drain, cordon, uncordon and delete <resource> <name>",
            ),
        ] {
            assert_eq!(
                parse_command(command, Credentials::ClusterAdmin),
                Err(error.to_string()),
                "{command}"
            );
        }
        let late = "apiVersion: podflow.dev/v1alpha1\nkind: Kubectl\nafterSeconds: -1\ncommand: kubectl cordon a\n";
        assert_eq!(
            parse("late", late).map(|_| ()),
            Err(ScenarioError::new(
                "document 1: afterSeconds must be a whole number from 0 to 86400"
            ))
        );
    }
}
