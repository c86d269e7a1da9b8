//! The seed's story told over the engine's trace: which step of the seed (Step 1 "User requests a Pod"
//! … Step 9 "kubelet takes over") and which box of the flow diagram each trace entry belongs to, the
//! caption for an entry, and where each pod's token stands at a position.
//!
//! Pure Rust with no web dependency (natively tested). Nothing here decides anything about Kubernetes:
//! captions quote the values the engine recorded in the entry (its summary and `data`), statuses come
//! from `engine::printers::pod_status` on the stored pod, and a pod counts as created only once the
//! trace shows its etcd write.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::engine::printers::pod_status;
use crate::engine::store::StoreAt;
use crate::engine::trace::{Component, Outcome, Stage, TraceEntry};
use crate::ui::playback::{pod_of_object, stored_pod};
use crate::ui::view_state::InspectorTab;

/// A box of the flow diagram, in the order a pod passes them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum FlowNode {
    Kubectl,
    /// kube-controller-manager, the other client that creates objects (a Deployment's ReplicaSet, a
    /// ReplicaSet's pods).
    Controllers,
    Authn,
    Authz,
    Admission,
    Validation,
    EtcdStore,
    Etcd,
    Pending,
    Queue,
    Filter,
    Score,
    Bind,
    NodeName,
    Pull,
    Create,
    Start,
    Running,
}

/// Which component draws a frame around a group of boxes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FlowGroup {
    None,
    ApiServer,
    Scheduler,
    Kubelet,
}

impl FlowNode {
    pub const ALL: [FlowNode; 18] = [
        FlowNode::Kubectl,
        FlowNode::Controllers,
        FlowNode::Authn,
        FlowNode::Authz,
        FlowNode::Admission,
        FlowNode::Validation,
        FlowNode::EtcdStore,
        FlowNode::Etcd,
        FlowNode::Pending,
        FlowNode::Queue,
        FlowNode::Filter,
        FlowNode::Score,
        FlowNode::Bind,
        FlowNode::NodeName,
        FlowNode::Pull,
        FlowNode::Create,
        FlowNode::Start,
        FlowNode::Running,
    ];

    /// The id used in the page (`data-node`) and in tests.
    pub fn id(self) -> &'static str {
        match self {
            FlowNode::Kubectl => "kubectl",
            FlowNode::Controllers => "controllers",
            FlowNode::Authn => "authn",
            FlowNode::Authz => "authz",
            FlowNode::Admission => "admission",
            FlowNode::Validation => "validation",
            FlowNode::EtcdStore => "etcd-store",
            FlowNode::Etcd => "etcd",
            FlowNode::Pending => "pending",
            FlowNode::Queue => "queue",
            FlowNode::Filter => "filter",
            FlowNode::Score => "score",
            FlowNode::Bind => "bind",
            FlowNode::NodeName => "nodename",
            FlowNode::Pull => "pull",
            FlowNode::Create => "create",
            FlowNode::Start => "start",
            FlowNode::Running => "running",
        }
    }

    /// The box's label (short: it must fit a box at 390 px).
    pub fn label(self) -> &'static str {
        match self {
            FlowNode::Kubectl => "kubectl",
            FlowNode::Controllers => "Controllers",
            FlowNode::Authn => "AuthN",
            FlowNode::Authz => "RBAC",
            FlowNode::Admission => "Admission",
            FlowNode::Validation => "Validation",
            FlowNode::EtcdStore => "Store",
            FlowNode::Etcd => "etcd",
            FlowNode::Pending => "Pod Pending",
            FlowNode::Queue => "Queue",
            FlowNode::Filter => "Filter",
            FlowNode::Score => "Score",
            FlowNode::Bind => "Bind",
            FlowNode::NodeName => "nodeName set",
            FlowNode::Pull => "Pull image",
            FlowNode::Create => "Create",
            FlowNode::Start => "Start",
            FlowNode::Running => "Running",
        }
    }

    /// The accessible name of the box's button: what it is, and what clicking it opens.
    pub fn description(self) -> &'static str {
        match self {
            FlowNode::Kubectl => "User (kubectl apply)",
            FlowNode::Controllers => {
                "kube-controller-manager: Deployment, ReplicaSet and disruption controllers"
            }
            FlowNode::Authn => "API Server: Authentication",
            FlowNode::Authz => "API Server: Authorization (RBAC)",
            FlowNode::Admission => "API Server: Admission controllers",
            FlowNode::Validation => "API Server: Decoding and validation",
            FlowNode::EtcdStore => "API Server: Store in etcd",
            FlowNode::Etcd => "etcd",
            FlowNode::Pending => "Pod Pending",
            FlowNode::Queue => "kube-scheduler: Queue",
            FlowNode::Filter => "kube-scheduler: Filter",
            FlowNode::Score => "kube-scheduler: Score",
            FlowNode::Bind => "kube-scheduler: Bind",
            FlowNode::NodeName => "API Server updates nodeName",
            FlowNode::Pull => "kubelet: Pull image",
            FlowNode::Create => "kubelet: Create container",
            FlowNode::Start => "kubelet: Start container",
            FlowNode::Running => "Running",
        }
    }

    pub fn group(self) -> FlowGroup {
        match self {
            FlowNode::Authn
            | FlowNode::Authz
            | FlowNode::Admission
            | FlowNode::Validation
            | FlowNode::EtcdStore => FlowGroup::ApiServer,
            FlowNode::Queue | FlowNode::Filter | FlowNode::Score | FlowNode::Bind => {
                FlowGroup::Scheduler
            }
            FlowNode::Pull | FlowNode::Create | FlowNode::Start => FlowGroup::Kubelet,
            _ => FlowGroup::None,
        }
    }

    /// The inspector tab the box opens.
    pub fn tab(self) -> InspectorTab {
        match self {
            FlowNode::Kubectl => InspectorTab::Manifest,
            FlowNode::Controllers => InspectorTab::Events,
            FlowNode::Authn | FlowNode::Authz | FlowNode::Admission | FlowNode::Validation => {
                InspectorTab::Request
            }
            FlowNode::EtcdStore | FlowNode::Etcd | FlowNode::Pending | FlowNode::NodeName => {
                InspectorTab::Stored
            }
            FlowNode::Queue | FlowNode::Filter | FlowNode::Score | FlowNode::Bind => {
                InspectorTab::Scheduler
            }
            FlowNode::Pull | FlowNode::Create | FlowNode::Start => InspectorTab::Events,
            FlowNode::Running => InspectorTab::Pods,
        }
    }

    pub fn from_id(id: &str) -> Option<FlowNode> {
        FlowNode::ALL.into_iter().find(|n| n.id() == id)
    }
}

/// The seed's step titles, numbered as in the seed.
pub const STEP_TITLES: [&str; 9] = [
    "User requests a Pod",
    "kubectl → API Server (REST call)",
    "API Server processing pipeline",
    "Pod is stored in etcd",
    "Pod enters the scheduler queue",
    "Filtering (hard rules)",
    "Scoring (soft preferences)",
    "Binding Pod to Node",
    "kubelet takes over",
];

/// The title of step `number` (1 to 9).
pub fn step_title(number: u8) -> Option<&'static str> {
    STEP_TITLES
        .get(usize::from(number).checked_sub(1)?)
        .copied()
}

/// Where and why a pod stopped.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Failure {
    pub node: FlowNode,
    /// A short reason for the diagram: `403 Forbidden`, `0/3 nodes`, `ImagePullBackOff`.
    pub reason: String,
}

/// What the story makes of one trace entry.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Annotation {
    /// The seed's step (1–9), when the entry belongs to one.
    pub step: Option<u8>,
    /// The diagram box the entry lights up (for a pod's entry, where its token stands after it).
    pub node: Option<FlowNode>,
    /// The pod the entry is about (`namespace/name`).
    pub pod: Option<String>,
    /// For a pod's entry: the failure that stops the pod after this entry, if any.
    pub failure: Option<Failure>,
    /// True for the etcd write that created the pod: from here on it exists.
    pub creates_pod: bool,
    /// True for kube-controller-manager's part of the story (its syncs and events, the watch events
    /// it receives, its writes of Deployments and ReplicaSets): outside the seed's nine steps.
    pub controller: bool,
}

/// Per-object progress while walking the trace.
#[derive(Clone, Debug, Default)]
struct Progress {
    node: Option<FlowNode>,
    step: Option<u8>,
    failure: Option<Failure>,
    /// The HTTP method of kubectl's last request for the object.
    method: Option<String>,
    /// The last API server stage that failed for the object's current request.
    failed_stage: Option<FlowNode>,
    /// The object's current request comes from a kube-controller-manager controller.
    by_controller: bool,
    /// The object's current request is another command's business (`kubectl drain` evicting a
    /// running pod): the pod stays where it is.
    side_request: bool,
}

/// Whether an entry's `user` is a kube-controller-manager controller's service account.
fn controller_user(data: &Value) -> bool {
    str_field(data, "user").is_some_and(|u| u.starts_with("system:serviceaccount:kube-system:"))
}

fn str_field<'a>(data: &'a Value, key: &str) -> Option<&'a str> {
    data.get(key).and_then(Value::as_str)
}

fn status_reason(data: &Value) -> Option<String> {
    let status = data.get("status")?;
    let code = status.get("code").and_then(Value::as_i64)?;
    let reason = status.get("reason").and_then(Value::as_str).unwrap_or("");
    Some(format!("{code} {reason}").trim().to_string())
}

/// Annotates every entry from `start` on; `result[i]` belongs to `entries[start + i]`.
pub fn annotate(entries: &[TraceEntry], start: usize) -> Vec<Annotation> {
    let mut annotator = Annotator::new(start);
    annotator.extend(entries);
    annotator.annotations
}

/// The story's annotations built up as the trace grows: the page annotates the entries recorded so
/// far, renders, and annotates more as the engine runs on, each entry once.
#[derive(Clone, Debug, Default)]
pub struct Annotator {
    start: usize,
    progress: std::collections::BTreeMap<String, Progress>,
    annotations: Vec<Annotation>,
}

impl Annotator {
    /// An annotator of the entries from `start` (the story's first entry) on.
    pub fn new(start: usize) -> Annotator {
        Annotator {
            start,
            ..Annotator::default()
        }
    }

    /// The story's first entry.
    pub fn start(&self) -> usize {
        self.start
    }

    /// `annotations()[i]` belongs to entry `start() + i`.
    pub fn annotations(&self) -> &[Annotation] {
        &self.annotations
    }

    /// Annotates the entries of `entries` (the same trace, grown) not annotated yet; returns how many.
    pub fn extend(&mut self, entries: &[TraceEntry]) -> usize {
        let from = self.start + self.annotations.len();
        let before = self.annotations.len();
        for entry in entries.iter().skip(from) {
            let annotation = annotate_entry(&mut self.progress, entry);
            self.annotations.push(annotation);
        }
        self.annotations.len() - before
    }
}

/// One entry's annotation, given (and updating) what is known about every object so far.
fn annotate_entry(
    progress: &mut std::collections::BTreeMap<String, Progress>,
    entry: &TraceEntry,
) -> Annotation {
    let data = entry.data.value();
    let pod = pod_of_object(&entry.object).map(String::from);
    let is_pod = pod.is_some();
    let tracked = progress.contains_key(&entry.object);
    let state = progress.entry(entry.object.clone()).or_default();
    let failed = entry.outcome == Outcome::Failed;
    let mut step = None;
    let mut node = None;
    // A controller's create starts like kubectl's write: its pipeline stages are traced in full.
    if entry.component == Component::ApiServer
        && entry.stage == Stage::Authentication
        && state.method.is_none()
        && controller_user(&data)
    {
        state.method = Some("POST".into());
        state.by_controller = true;
        state.failed_stage = None;
        state.failure = None;
    }
    let by_controller = state.by_controller;
    match (&entry.component, entry.stage) {
        (Component::Kubectl, Stage::Apply) if str_field(&data, "command").is_some() => {
            state.side_request = true;
            node = state.node;
        }
        (Component::ApiServer, _) if state.side_request => {
            node = state.node;
            if entry.stage == Stage::Response {
                state.side_request = false;
            }
        }
        (Component::Kubectl, Stage::Apply) => {
            let method = str_field(&data, "method").unwrap_or("").to_string();
            step = Some(if method == "GET" { 1 } else { 2 });
            node = Some(FlowNode::Kubectl);
            state.method = Some(method);
            state.failed_stage = None;
            state.failure = None;
        }
        (Component::Kubectl, Stage::Result) => {
            if failed {
                step = Some(3);
                node = state.failed_stage.or(state.node);
            } else {
                step = Some(4);
                node = Some(FlowNode::Etcd);
            }
            // kubectl is done: later requests about the object come from other components.
            state.method = None;
        }
        (
            Component::ApiServer,
            stage @ (Stage::Authentication
            | Stage::Authorization
            | Stage::Decode
            | Stage::MutatingAdmission
            | Stage::Validation
            | Stage::ValidatingAdmission),
        ) if state.method.is_some() => {
            let box_ = match stage {
                Stage::Authentication => FlowNode::Authn,
                Stage::Authorization => FlowNode::Authz,
                Stage::MutatingAdmission => FlowNode::Admission,
                _ => FlowNode::Validation,
            };
            // kubectl apply's first GET is part of its REST call (Step 2); the write is Step 3. A
            // controller's ReplicaSet is not the seed's Pod: it has no step.
            step = if by_controller && !is_pod {
                None
            } else if state.method.as_deref() == Some("GET") {
                Some(2)
            } else {
                Some(3)
            };
            node = Some(box_);
            if failed {
                state.failed_stage = Some(box_);
                state.failure = Some(Failure {
                    node: box_,
                    reason: status_reason(&data).unwrap_or_else(|| "rejected".into()),
                });
            }
        }
        (Component::ApiServer, Stage::Response) => {
            let user = str_field(&data, "user").unwrap_or("");
            if entry.summary.contains("/binding") {
                step = Some(8);
                node = Some(FlowNode::Bind);
            } else if user.starts_with("system:node:") {
                step = is_pod.then_some(9);
                node = state.node;
            } else if user == "system:kube-scheduler" {
                // The scheduler's status write after a failed attempt: the pod stays put.
                step = state.step;
                node = state.node;
            } else if state.method.as_deref() == Some("GET") {
                step = Some(2);
                node = Some(FlowNode::Kubectl);
            } else if tracked && state.method.is_some() {
                if failed {
                    step = Some(3);
                    node = state.failed_stage.or(state.node);
                    if state.failure.is_none() {
                        state.failure = Some(Failure {
                            node: node.unwrap_or(FlowNode::EtcdStore),
                            reason: status_reason(&data).unwrap_or_else(|| "rejected".into()),
                        });
                    }
                } else {
                    step = Some(4);
                    node = Some(FlowNode::Etcd);
                }
                if by_controller {
                    // No kubectl Result follows a controller's request: its response ends it.
                    if !is_pod {
                        step = None;
                    }
                    state.method = None;
                    state.by_controller = false;
                }
            }
        }
        (Component::Etcd, Stage::Write) => {
            let created = str_field(&data, "type") == Some("ADDED");
            if created && state.method.is_some() {
                step = (is_pod || !by_controller).then_some(4);
                node = Some(FlowNode::EtcdStore);
            } else if is_pod {
                match state.node {
                    // The write after scoring is the binding.
                    Some(FlowNode::Score) => {
                        step = Some(8);
                        node = Some(FlowNode::Bind);
                    }
                    Some(
                        FlowNode::Bind
                        | FlowNode::NodeName
                        | FlowNode::Pull
                        | FlowNode::Create
                        | FlowNode::Start
                        | FlowNode::Running,
                    ) => {
                        step = Some(9);
                        node = state.node;
                    }
                    _ => {
                        step = state.step;
                        node = state.node;
                    }
                }
            }
        }
        (Component::Etcd, Stage::WatchEvent) if is_pod => {
            let to = str_field(&data, "to").unwrap_or("");
            let kind = str_field(&data, "type").unwrap_or("");
            if to == "kube-scheduler" && kind == "ADDED" {
                step = Some(5);
                node = Some(FlowNode::Pending);
            } else {
                step = state.step;
                node = state.node;
            }
        }
        (Component::Scheduler, Stage::Queue) => {
            step = Some(5);
            node = Some(FlowNode::Queue);
        }
        (Component::Scheduler, Stage::Filter) => {
            step = Some(6);
            node = Some(FlowNode::Filter);
            if failed {
                let feasible = data.get("feasible").and_then(Value::as_u64).unwrap_or(0);
                let total = data
                    .get("total")
                    .and_then(Value::as_u64)
                    .unwrap_or_default();
                state.failure = Some(Failure {
                    node: FlowNode::Filter,
                    reason: format!("{feasible}/{total} nodes"),
                });
            }
        }
        (Component::Scheduler, Stage::Preempt) => {
            step = Some(6);
            node = Some(FlowNode::Filter);
        }
        (Component::Scheduler, Stage::Unschedulable) => {
            step = Some(6);
            node = Some(FlowNode::Filter);
            state.failure = Some(Failure {
                node: FlowNode::Filter,
                reason: "Unschedulable".into(),
            });
        }
        (Component::Scheduler, Stage::Score) => {
            step = Some(7);
            node = Some(FlowNode::Score);
        }
        (Component::Scheduler, Stage::Bind) => {
            step = Some(8);
            node = Some(if failed {
                FlowNode::Bind
            } else {
                FlowNode::NodeName
            });
            if failed {
                state.failure = Some(Failure {
                    node: FlowNode::Bind,
                    reason: "binding failed".into(),
                });
            }
        }
        (Component::Scheduler, Stage::Event) => {
            let reason = str_field(&data, "reason").unwrap_or("");
            if reason == "Scheduled" {
                step = Some(8);
                node = Some(FlowNode::NodeName);
            } else if reason == "FailedScheduling" {
                step = Some(6);
                node = Some(FlowNode::Filter);
            } else {
                step = state.step;
                // A preemption victim the story has not shown yet was running before it.
                node = state
                    .node
                    .or((reason == "Preempted").then_some(FlowNode::Running));
            }
        }
        (Component::Kubelet(_), stage) if is_pod => {
            step = Some(9);
            node = match stage {
                Stage::Admit | Stage::Sandbox | Stage::PullImage | Stage::BackOff => {
                    Some(FlowNode::Pull)
                }
                Stage::CreateContainer => Some(FlowNode::Create),
                Stage::StartContainer => Some(FlowNode::Start),
                Stage::StatusUpdate => {
                    let phase = data.pointer("/after/phase").and_then(Value::as_str);
                    if phase == Some("Running") {
                        Some(FlowNode::Running)
                    } else {
                        match state.node {
                            Some(FlowNode::NodeName) | None => Some(FlowNode::Pull),
                            other => other,
                        }
                    }
                }
                Stage::Event => match str_field(&data, "reason").unwrap_or("") {
                    "Pulling" | "Pulled" | "Failed" | "BackOff" | "ErrImageNeverPull"
                    | "InspectFailed" => Some(FlowNode::Pull),
                    "Created" => Some(FlowNode::Create),
                    "Started" => Some(FlowNode::Start),
                    // Stopping a pod the story has not shown yet: it was running before it.
                    _ => state.node.or(Some(FlowNode::Running)),
                },
                Stage::KillContainer => state.node.or(Some(FlowNode::Running)),
                _ => state.node,
            };
            match stage {
                Stage::PullImage if failed => {
                    state.failure = Some(Failure {
                        node: FlowNode::Pull,
                        reason: "ErrImagePull".into(),
                    });
                }
                Stage::BackOff => {
                    state.failure = Some(Failure {
                        node: FlowNode::Pull,
                        reason: "ImagePullBackOff".into(),
                    });
                }
                Stage::CreateContainer | Stage::StartContainer if failed => {
                    state.failure = node.map(|node| Failure {
                        node,
                        reason: "failed".into(),
                    });
                }
                _ => {}
            }
        }
        _ => {
            if is_pod {
                step = state.step;
                node = state.node;
            }
        }
    }
    // Progress that is not itself a failure clears an earlier one (a retry, a new attempt).
    let requeued_for_retry =
        entry.stage != Stage::Queue || str_field(&data, "queue") == Some("activeQ");
    let clears = !failed
        && requeued_for_retry
        && matches!(
            entry.stage,
            Stage::Queue
                | Stage::Filter
                | Stage::Score
                | Stage::Bind
                | Stage::Admit
                | Stage::PullImage
                | Stage::CreateContainer
                | Stage::StartContainer
        );
    if clears {
        state.failure = None;
    }
    if node.is_some() {
        state.node = node;
    }
    if step.is_some() {
        state.step = step;
    }
    let creates_pod = is_pod
        && entry.component == Component::Etcd
        && entry.stage == Stage::Write
        && str_field(&data, "type") == Some("ADDED");
    let owned_by_controllers = !is_pod
        && (entry.object.starts_with("deployments/") || entry.object.starts_with("replicasets/"))
        && (by_controller || state.method.is_none());
    let controller = entry.component == Component::ControllerManager
        || (entry.stage == Stage::WatchEvent
            && str_field(&data, "to") == Some("kube-controller-manager"))
        || owned_by_controllers;
    if controller && !is_pod {
        step = None;
        if node.is_none() {
            node = Some(FlowNode::Controllers);
        }
    }
    Annotation {
        step,
        node,
        failure: if is_pod { state.failure.clone() } else { None },
        pod,
        creates_pod,
        controller,
    }
}

/// A pod's token in the diagram at a position.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PodToken {
    /// `namespace/name`.
    pub pod: String,
    /// The pod's name alone, for labels.
    pub name: String,
    pub node: FlowNode,
    /// `kubectl get pods` STATUS of the stored pod, or `rejected` / `not stored yet` / `deleted`.
    pub status: String,
    pub failure: Option<Failure>,
}

/// Status words for pods the store does not hold.
pub const STATUS_REJECTED: &str = "rejected";
pub const STATUS_NOT_STORED: &str = "not stored yet";
pub const STATUS_DELETED: &str = "deleted";

/// Where every pod of the story stands at `position`: one token per pod that has appeared by then.
/// `annotations` come from [`annotate`] over the same trace from `story_start`; `store` is the store as
/// it stood at `position` ([`crate::ui::view_state::ViewState::store`]).
pub fn pod_tokens(
    store: &StoreAt,
    annotations: &[Annotation],
    story_start: usize,
    position: usize,
) -> Vec<PodToken> {
    TokenWalk::default().tokens_at(store, annotations, story_start, position)
}

/// The tokens' walk through the annotations, kept between calls: playing forward continues it from
/// where the last position left it instead of walking a big run's thousands of entries every step.
/// Going back starts it over. Keep one per annotation list (a new story needs a new walk).
#[derive(Clone, Debug, Default)]
pub struct TokenWalk {
    /// How many annotations the tokens include.
    walked: usize,
    /// The tokens so far, their status empty once the trace has shown the pod's creation.
    tokens: Vec<PodToken>,
    /// Each pod's token, by `namespace/name`: a big run has hundreds of pods.
    token_of: BTreeMap<String, usize>,
}

impl TokenWalk {
    /// [`pod_tokens`], continuing this walk when `position` is not before its last one.
    pub fn tokens_at(
        &mut self,
        store: &StoreAt,
        annotations: &[Annotation],
        story_start: usize,
        position: usize,
    ) -> Vec<PodToken> {
        let shown = (position.saturating_sub(story_start) + 1).min(annotations.len());
        if shown < self.walked {
            *self = TokenWalk::default();
        }
        for annotation in annotations.get(self.walked..shown).unwrap_or_default() {
            self.add(annotation);
        }
        self.walked = self.walked.max(shown);
        let mut tokens = self.tokens.clone();
        for token in &mut tokens {
            // An empty status means the trace has shown the pod's creation by now.
            let was_created = token.status.is_empty();
            token.status = match (was_created, stored_pod(store, &token.pod)) {
                (true, Some(pod)) => pod_status(pod),
                (true, None) => STATUS_DELETED.to_string(),
                (false, _) if token.failure.is_some() => STATUS_REJECTED.to_string(),
                (false, _) => STATUS_NOT_STORED.to_string(),
            };
        }
        tokens
    }

    fn add(&mut self, annotation: &Annotation) {
        let (Some(pod), Some(node)) = (&annotation.pod, annotation.node) else {
            return;
        };
        let created = annotation.creates_pod;
        match self
            .token_of
            .get(pod.as_str())
            .copied()
            .and_then(|index| self.tokens.get_mut(index))
        {
            Some(token) => {
                token.node = node;
                token.failure = annotation.failure.clone();
                if created {
                    token.status = String::new();
                }
            }
            None => {
                self.token_of.insert(pod.clone(), self.tokens.len());
                self.tokens.push(PodToken {
                    pod: pod.clone(),
                    name: pod
                        .split_once('/')
                        .map_or(pod.as_str(), |(_, n)| n)
                        .to_string(),
                    node,
                    // A pod first seen past the API server (a kubelet stopping it, the scheduler
                    // preempting it) was running before the story: it was created, just not in it.
                    status: if created || existed_before_story(node) {
                        String::new()
                    } else {
                        STATUS_NOT_STORED.to_string()
                    },
                    failure: annotation.failure.clone(),
                });
            }
        }
    }
}

/// Whether a pod whose first step in the story is at `node` must already have existed: every box from
/// Pod Pending on needs a stored pod.
fn existed_before_story(node: FlowNode) -> bool {
    !matches!(
        node,
        FlowNode::Kubectl
            | FlowNode::Controllers
            | FlowNode::Authn
            | FlowNode::Authz
            | FlowNode::Admission
            | FlowNode::Validation
            | FlowNode::EtcdStore
            | FlowNode::Etcd
    )
}

/// The first entry where the story reaches the seed's step `step` (1–9), for `#step=6` links: the
/// first pod's entry when it reaches that step, else any pod's, else none.
pub fn first_entry_of_step(
    annotations: &[Annotation],
    story_start: usize,
    step: u8,
) -> Option<usize> {
    let first_pod = annotations.iter().find_map(|a| a.pod.as_deref());
    let reaches = |a: &Annotation| a.step == Some(step);
    annotations
        .iter()
        .position(|a| reaches(a) && a.pod.as_deref() == first_pod)
        .or_else(|| annotations.iter().position(reaches))
        .map(|offset| story_start + offset)
}

/// The step shown for `position`: the entry's own step, or the last step before it.
pub fn step_at(annotations: &[Annotation], story_start: usize, position: usize) -> Option<u8> {
    let end = (position + 1)
        .saturating_sub(story_start)
        .min(annotations.len());
    annotations
        .get(..end)
        .unwrap_or_default()
        .iter()
        .rev()
        .find_map(|a| a.step)
}

/// Whether the entry at `position` is kube-controller-manager's part of the story.
pub fn controller_at(annotations: &[Annotation], story_start: usize, position: usize) -> bool {
    position
        .checked_sub(story_start)
        .and_then(|offset| annotations.get(offset))
        .is_some_and(|a| a.controller)
}

/// The box lit up at `position`: the entry's own box, or the last one before it.
pub fn active_node_at(
    annotations: &[Annotation],
    story_start: usize,
    position: usize,
) -> Option<FlowNode> {
    let end = (position + 1)
        .saturating_sub(story_start)
        .min(annotations.len());
    annotations
        .get(..end)
        .unwrap_or_default()
        .iter()
        .rev()
        .find_map(|a| a.node)
}

/// `demo-pod` for `pods/default/demo-pod`; other objects as the trace names them.
fn subject(entry: &TraceEntry) -> String {
    match pod_of_object(&entry.object) {
        Some(pod) => pod
            .split_once('/')
            .map_or(pod, |(_, name)| name)
            .to_string(),
        None => entry.object.clone(),
    }
}

/// How a caption names an API server stage that refused a request ("403 Forbidden at RBAC: …").
fn failed_stage_name(stage: Stage) -> Option<&'static str> {
    Some(match stage {
        Stage::Authentication => "Authentication",
        Stage::Authorization => "RBAC",
        Stage::Decode => "decoding",
        Stage::MutatingAdmission => "Admission",
        Stage::Validation => "Validation",
        Stage::ValidatingAdmission => "validating admission",
        _ => return None,
    })
}

/// One sentence about what happens to the entry's object, quoting the engine's values.
pub fn caption(entry: &TraceEntry) -> String {
    let data = entry.data.value();
    let who = subject(entry);
    let failed = entry.outcome == Outcome::Failed;
    let status_message = || {
        data.pointer("/status/message")
            .and_then(Value::as_str)
            .unwrap_or(&entry.summary)
            .to_string()
    };
    if failed && entry.component == Component::ApiServer {
        if let Some(place) = failed_stage_name(entry.stage) {
            return format!(
                "{} at {place}: {}",
                status_reason(&data).unwrap_or_default(),
                status_message()
            );
        }
    }
    match (&entry.component, entry.stage) {
        (Component::Kubectl, Stage::Apply) => {
            let method = str_field(&data, "method").unwrap_or("");
            let path = str_field(&data, "path").unwrap_or(&entry.summary);
            if path.ends_with("/eviction") {
                format!("kubectl asks the API server to evict {who}, which checks its PodDisruptionBudget first: {method} {path}.")
            } else if str_field(&data, "command").is_some() {
                format!("kubectl reads {who} again before asking once more: {method} {path}.")
            } else if path.starts_with("/api/v1/pods?") {
                format!("kubectl lists the pods on the node: {method} {path}.")
            } else if method == "GET" {
                format!("kubectl apply asks the API server for {who} first: GET {path}.")
            } else {
                format!("kubectl sends {who} to the API server as JSON: {method} {path}.")
            }
        }
        (Component::Kubectl, Stage::Result) => {
            let output = str_field(&data, "output").unwrap_or(&entry.summary);
            format!("kubectl prints: {output}")
        }
        (Component::ApiServer, Stage::Authentication) => {
            format!(
                "Authentication: the request for {who} is {}.",
                entry.summary
            )
        }
        (Component::ApiServer, Stage::Authorization) => {
            let text = entry
                .summary
                .strip_prefix("allowed: ")
                .unwrap_or(&entry.summary);
            format!("RBAC allows it: {text}.")
        }
        (Component::ApiServer, Stage::Decode) => format!("Decoding {who}: {}.", entry.summary),
        (Component::ApiServer, Stage::MutatingAdmission) => {
            format!("Mutating admission for {who}: {}.", entry.summary)
        }
        (Component::ApiServer, Stage::Validation) => {
            format!("Validation: the spec of {who} is {}.", entry.summary)
        }
        (Component::ApiServer, Stage::ValidatingAdmission) => {
            format!("Validating admission: {who} is {}.", entry.summary)
        }
        (Component::ApiServer, Stage::Response) => {
            format!("The API server answers {}.", entry.summary)
        }
        (Component::Etcd, Stage::Write) => {
            let key = str_field(&data, "key").unwrap_or("");
            let revision = data.get("revision").and_then(Value::as_i64);
            match (str_field(&data, "type"), revision) {
                (Some("ADDED"), Some(revision)) if pod_of_object(&entry.object).is_some() => {
                    format!("etcd stores {key} at revision {revision}: this write creates the Pod {who}.")
                }
                _ if str_field(&data, "controller") == Some("node-lifecycle-controller") => {
                    let taints: Vec<String> = data
                        .pointer("/object/spec/taints")
                        .and_then(Value::as_array)
                        .map(|list| {
                            list.iter()
                                .map(|t| {
                                    let key = str_field(t, "key").unwrap_or("");
                                    let effect = str_field(t, "effect").unwrap_or("");
                                    match str_field(t, "value") {
                                        Some(value) => format!("{key}={value}:{effect}"),
                                        None => format!("{key}:{effect}"),
                                    }
                                })
                                .collect()
                        })
                        .unwrap_or_default();
                    let now = if taints.is_empty() {
                        "none".to_string()
                    } else {
                        taints.join(", ")
                    };
                    format!(
                        "kube-controller-manager's node lifecycle controller makes {who}'s NoSchedule taints follow its cordon and conditions; its taints now: {now} (etcd revision {}).",
                        revision.unwrap_or(0)
                    )
                }
                _ => format!("etcd: {}.", entry.summary),
            }
        }
        (Component::Etcd, Stage::WatchEvent) => {
            let to = str_field(&data, "to").unwrap_or("");
            let kind = str_field(&data, "type").unwrap_or("");
            let revision = data.get("revision").and_then(Value::as_i64).unwrap_or(0);
            format!("A watch tells {to} about {who}: {kind} at resourceVersion {revision}.")
        }
        (Component::Scheduler, Stage::Queue) if data.get("hintsSkipped").is_some() => {
            let event = str_field(&data, "event").unwrap_or("");
            let plugins: Vec<&str> = data
                .get("hintsSkipped")
                .and_then(Value::as_array)
                .map(|list| list.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            format!(
                "kube-scheduler leaves {who} in unschedulablePods: {} rejected it, and {} QueueingHint says a {event} event cannot help it (QueueSkip).",
                plugins.join(" and "),
                if plugins.len() == 1 { "its" } else { "their" }
            )
        }
        (Component::Scheduler, Stage::Queue) => {
            format!("kube-scheduler queues {who}: {}.", entry.summary)
        }
        (Component::Scheduler, Stage::Filter) => filter_caption(&data, &entry.summary),
        (Component::Scheduler, Stage::Score) => score_caption(&data, &entry.summary),
        (Component::Scheduler, Stage::Preempt) => {
            let node = str_field(&data, "node").unwrap_or("");
            let victims: Vec<String> = data
                .get("victims")
                .and_then(Value::as_array)
                .map(|list| {
                    list.iter()
                        .map(|v| {
                            format!(
                                "{} (priority {})",
                                str_field(v, "pod").unwrap_or(""),
                                v.get("priority").and_then(Value::as_i64).unwrap_or(0)
                            )
                        })
                        .collect()
                })
                .unwrap_or_default();
            let priority = data.get("priority").and_then(Value::as_i64).unwrap_or(0);
            let violations = data
                .get("pdbViolations")
                .and_then(Value::as_i64)
                .unwrap_or(0);
            let mut budgets = match violations {
                0 => String::new(),
                n => format!(" {n} of them take a PodDisruptionBudget below its allowed disruptions: budgets are best effort, and no candidate node could do with fewer."),
            };
            // Candidates passed over because evicting there breaks more budgets.
            let worse: Vec<String> = data
                .get("others")
                .and_then(Value::as_array)
                .map(|list| {
                    list.iter()
                        .filter(|o| {
                            o.get("pdbViolations").and_then(Value::as_i64).unwrap_or(0) > violations
                        })
                        .map(|o| {
                            let n = o.get("pdbViolations").and_then(Value::as_i64).unwrap_or(0);
                            format!(
                                "{} ({n} PodDisruptionBudget violation{})",
                                str_field(o, "node").unwrap_or(""),
                                if n == 1 { "" } else { "s" }
                            )
                        })
                        .collect()
                })
                .unwrap_or_default();
            if !worse.is_empty() {
                budgets.push_str(&format!(
                    " It prefers {node} to {}: the fewest budget violations come first.",
                    worse.join(" and ")
                ));
            }
            format!(
                "No node fits {who} (priority {priority}), so DefaultPreemption looks for lower-priority pods to evict: on {node}, evicting {} makes room.{budgets} The pod is nominated to {node} and waits for its victims to terminate.",
                victims.join(" and ")
            )
        }
        (Component::Scheduler, Stage::Unschedulable) => {
            let message = str_field(&data, "message").unwrap_or(&entry.summary);
            format!("Unschedulable: {message}")
        }
        (Component::Scheduler, Stage::Bind) => match str_field(&data, "node") {
            Some(node) if !failed => format!(
                "The API server sets spec.nodeName of {who} to {node}: {}.",
                entry.summary
            ),
            _ => format!("Binding {who} failed: {}.", entry.summary),
        },
        (component, Stage::Event) => {
            let kind = str_field(&data, "type").unwrap_or("");
            let reason = str_field(&data, "reason").unwrap_or("");
            let message = str_field(&data, "message").unwrap_or(&entry.summary);
            let from = match component {
                Component::Kubelet(_) => "kubelet".to_string(),
                Component::Scheduler => "default-scheduler".to_string(),
                other => str_field(&data, "source").map_or_else(|| other.name(), String::from),
            };
            format!("{from} records a {kind} event {reason} for {who}: {message}")
        }
        (Component::Kubelet(node), Stage::Admit) => {
            format!(
                "The kubelet on {node} sees {who} bound to it: {}.",
                entry.summary
            )
        }
        (Component::Kubelet(node), Stage::PullImage) if failed => {
            let error = str_field(&data, "error").unwrap_or("");
            let back_off = data.get("backOffMs").and_then(Value::as_u64);
            match back_off {
                Some(ms) => format!(
                    "ErrImagePull on {node}: {error}; the kubelet backs off {}.",
                    crate::engine::printers::human_duration(i64::try_from(ms).unwrap_or(i64::MAX))
                ),
                None => format!("ErrImagePull on {node}: {}", entry.summary),
            }
        }
        (Component::Kubelet(node), Stage::PullImage) => {
            format!("The kubelet on {node}: {}.", entry.summary)
        }
        (Component::Kubelet(node), Stage::BackOff) => {
            format!("ImagePullBackOff on {node}: {}.", entry.summary)
        }
        (Component::Kubelet(node), Stage::StatusUpdate) => {
            format!(
                "The kubelet on {node} writes the status of {who}: {}.",
                entry.summary
            )
        }
        (Component::Kubelet(node), _) => format!("The kubelet on {node}: {}.", entry.summary),
        (Component::ControllerManager, Stage::Sync) => {
            format!("kube-controller-manager's {}.", entry.summary)
        }
        (component, _) => format!("{}: {}.", component.name(), entry.summary),
    }
}

/// A Filter entry verdict's `reasons`, joined as a Status message joins them.
fn verdict_reasons(verdict: &Value) -> String {
    let reasons: Vec<&str> = verdict
        .get("reasons")
        .and_then(Value::as_array)
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    reasons.join(", ")
}

fn filter_caption(data: &Value, summary: &str) -> String {
    if let Some(refusal) = data.get("preFilter") {
        let plugin = str_field(refusal, "plugin").unwrap_or("");
        return format!(
            "PreFilter: {plugin} refuses the pod before any node is filtered: {}.",
            verdict_reasons(refusal)
        );
    }
    if let Some(node) = str_field(data, "nominated") {
        return format!(
            "The pod's nominated node {node} is tried first, alone, as preemption made room on it: it passes the filters, so no other node is evaluated and nothing is scored."
        );
    }
    let (Some(feasible), Some(evaluated)) = (
        data.get("feasible").and_then(Value::as_u64),
        data.get("evaluated").and_then(Value::as_u64),
    ) else {
        return format!("Filter: {summary}.");
    };
    let verb = if feasible == 1 { "passes" } else { "pass" };
    let mut text = format!(
        "{feasible} of {evaluated} {} {verb} the filters",
        if evaluated == 1 { "node" } else { "nodes" }
    );
    let failures: Vec<String> = data
        .get("nodes")
        .and_then(Value::as_array)
        .map(|nodes| {
            nodes
                .iter()
                .filter(|n| n.get("passed").and_then(Value::as_bool) == Some(false))
                .map(|n| {
                    let name = str_field(n, "node").unwrap_or("");
                    let plugin = str_field(n, "plugin").unwrap_or("");
                    format!("{name} fails {plugin}: {}", verdict_reasons(n))
                })
                .collect()
        })
        .unwrap_or_default();
    if !failures.is_empty() {
        text.push_str(": ");
        text.push_str(&failures.join("; "));
    }
    text.push('.');
    text
}

fn score_caption(data: &Value, summary: &str) -> String {
    let chosen = str_field(data, "chosen").unwrap_or("");
    if data.get("scoringSkipped").and_then(Value::as_bool) == Some(true) {
        return format!(
            "Only {chosen} passed the filters, so scoring is skipped: {chosen} is chosen."
        );
    }
    let totals: Vec<String> = data
        .get("nodes")
        .and_then(Value::as_array)
        .map(|nodes| {
            nodes
                .iter()
                .filter_map(|n| {
                    Some(format!(
                        "{} {}",
                        str_field(n, "node")?,
                        n.get("total").and_then(Value::as_i64)?
                    ))
                })
                .collect()
        })
        .unwrap_or_default();
    if totals.is_empty() || chosen.is_empty() {
        return format!("Score: {summary}.");
    }
    let tied = data.get("tied").and_then(Value::as_u64).unwrap_or(1);
    let tie = if tied > 1 {
        format!(" (picked among {tied} nodes tied for the top score)")
    } else {
        String::new()
    };
    format!("Total scores: {}: {chosen} wins{tie}.", totals.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ui::playback::{Playback, DEFAULT_SEED};

    fn played(name: &str) -> Playback {
        let mut playback = Playback::builtin(name, DEFAULT_SEED).expect("loads");
        playback.run_to_end();
        playback
    }

    fn annotated(name: &str) -> (Playback, Vec<Annotation>) {
        let playback = played(name);
        let annotations = annotate(&playback.head().trace.entries, playback.story_start());
        (playback, annotations)
    }

    #[test]
    fn should_give_the_same_tokens_when_the_walk_continues_or_goes_back() {
        for name in ["tainted-node", "image-not-found", "rbac-forbidden"] {
            let (mut playback, annotations) = annotated(name);
            let start = playback.story_start();
            let last = playback.last_position();
            let mut walk = TokenWalk::default();
            // Forward one entry at a time, then back to the start in jumps, then forward again.
            let positions = (start..=last)
                .chain((start..=last).rev().step_by(7))
                .chain((start..=last).step_by(3));
            for position in positions {
                playback.seek(position);
                let view = playback.view();
                assert_eq!(
                    walk.tokens_at(&view.store(), &annotations, start, position),
                    pod_tokens(&view.store(), &annotations, start, position),
                    "{name} at {position}"
                );
            }
        }
    }

    #[test]
    fn should_caption_a_hint_that_keeps_a_pod_waiting_and_the_controllers_taint() {
        use crate::engine::api::Credentials;
        use crate::engine::kubectl::ClientAction;
        use crate::ui::view_state::UserCommand;
        let mut playback = played("pod-too-large");
        playback.seek(playback.last_position());
        // A node too small for the pod: NodeResourcesFit's hint skips it.
        playback.command(UserCommand::AddNode {
            node: serde_json::json!({
                "apiVersion": "v1", "kind": "Node", "metadata": {"name": "node-d"},
                "status": {"allocatable": {"cpu": "4", "memory": "8Gi"}}
            }),
        });
        playback.command(UserCommand::Client(ClientAction::Cordon {
            credentials: Credentials::ClusterAdmin,
            node: "node-d".into(),
        }));
        playback.run_to_end();
        let captions: Vec<String> = playback.head().trace.entries.iter().map(caption).collect();
        assert!(
            captions.iter().any(|c| c
                == "kube-scheduler leaves big-pod in unschedulablePods: NodeResourcesFit rejected it, and its \
                    QueueingHint says a NodeAdd event cannot help it (QueueSkip)."),
            "{captions:#?}"
        );
        assert!(
            captions.iter().any(|c| c.starts_with(
                "kube-controller-manager's node lifecycle controller makes nodes/node-d's NoSchedule taints \
                 follow its cordon and conditions; its taints now: node.kubernetes.io/unschedulable:NoSchedule"
            )),
            "{captions:#?}"
        );
    }

    #[test]
    fn should_caption_a_prefilter_refusal_without_a_node_count() {
        let data = serde_json::json!({
            "attempt": 0, "evaluated": 0, "feasible": 0, "total": 3,
            "preFilter": {"node": "", "passed": false, "plugin": "VolumeRestrictions",
                          "code": "UnschedulableAndUnresolvable",
                          "reasons": ["persistentvolumeclaim \"data\" not found"]}
        });
        assert_eq!(
            filter_caption(&data, "ignored"),
            "PreFilter: VolumeRestrictions refuses the pod before any node is filtered: persistentvolumeclaim \"data\" not found."
        );
    }

    #[test]
    fn should_annotate_a_growing_trace_exactly_like_the_whole_trace() {
        for name in crate::engine::scenario::builtin_names() {
            let (playback, whole) = annotated(name);
            let entries = &playback.head().trace.entries;
            for chunk in [1, 7, 50] {
                let mut annotator = Annotator::new(playback.story_start());
                let mut end = playback.story_start();
                while end < entries.len() {
                    end = (end + chunk).min(entries.len());
                    annotator.extend(&entries[..end]);
                }
                assert_eq!(
                    annotator.extend(entries),
                    0,
                    "{name}: nothing left to annotate"
                );
                assert_eq!(
                    annotator.annotations(),
                    whole.as_slice(),
                    "{name}, chunks of {chunk}"
                );
            }
        }
    }

    /// The first entry of `stage` about `object`, with its absolute index.
    fn find<'a>(playback: &'a Playback, stage: Stage, object: &str) -> (usize, &'a TraceEntry) {
        playback
            .head()
            .trace
            .entries
            .iter()
            .enumerate()
            .find(|(_, e)| e.stage == stage && e.object == object)
            .unwrap_or_else(|| panic!("no {stage:?} entry for {object}"))
    }

    #[test]
    fn should_number_the_steps_of_demo_pod_like_the_seed() {
        let (playback, annotations) = annotated("demo-pod");
        let start = playback.story_start();
        let pod = "pods/default/demo-pod";
        let cases = [
            (Stage::Apply, 1, FlowNode::Kubectl),
            (Stage::Authentication, 3, FlowNode::Authn),
            (Stage::Authorization, 3, FlowNode::Authz),
            (Stage::MutatingAdmission, 3, FlowNode::Admission),
            (Stage::Validation, 3, FlowNode::Validation),
            (Stage::Write, 4, FlowNode::EtcdStore),
            (Stage::Result, 4, FlowNode::Etcd),
            (Stage::WatchEvent, 5, FlowNode::Pending),
            (Stage::Queue, 5, FlowNode::Queue),
            (Stage::Filter, 6, FlowNode::Filter),
            (Stage::Score, 7, FlowNode::Score),
            (Stage::Bind, 8, FlowNode::NodeName),
            (Stage::Admit, 9, FlowNode::Pull),
            (Stage::PullImage, 9, FlowNode::Pull),
            (Stage::CreateContainer, 9, FlowNode::Create),
            (Stage::StartContainer, 9, FlowNode::Start),
        ];
        let post = playback
            .head()
            .trace
            .entries
            .iter()
            .position(|e| e.stage == Stage::Apply && e.summary.starts_with("POST"))
            .expect("a POST");
        for (stage, step, node) in cases {
            let index = if stage == Stage::Apply {
                find(&playback, stage, pod).0
            } else {
                playback.head().trace.entries[post..]
                    .iter()
                    .position(|e| e.stage == stage && e.object == pod)
                    .map(|i| i + post)
                    .unwrap_or_else(|| panic!("no {stage:?} after the POST"))
            };
            let annotation = &annotations[index - start];
            assert_eq!(annotation.step, Some(step), "{stage:?}");
            assert_eq!(annotation.node, Some(node), "{stage:?}");
            assert_eq!(annotation.pod.as_deref(), Some("default/demo-pod"));
        }
        // The GET's checks are part of Step 2, as is the POST; the last status write brings the pod to
        // Running.
        let (get_authn, _) = find(&playback, Stage::Authentication, pod);
        assert!(get_authn < post);
        assert_eq!(annotations[get_authn - start].step, Some(2));
        assert_eq!(annotations[post - start].step, Some(2));
        let last_status = playback
            .head()
            .trace
            .entries
            .iter()
            .rposition(|e| e.stage == Stage::StatusUpdate && e.object == pod)
            .expect("a status write");
        assert_eq!(
            annotations[last_status - start].node,
            Some(FlowNode::Running)
        );
    }

    #[test]
    fn should_caption_constrained_pod_filtering_and_scoring_with_the_engine_numbers() {
        let (playback, _) = annotated("constrained-pod");
        let (_, filter) = find(&playback, Stage::Filter, "pods/default/constrained-pod");
        assert_eq!(
            caption(filter),
            "2 of 3 nodes pass the filters: node-b fails NodeAffinity: node(s) didn't match Pod's node affinity/selector."
        );
        let (_, score) = find(&playback, Stage::Score, "pods/default/constrained-pod");
        assert_eq!(
            caption(score),
            "Total scores: node-a 425, node-c 450: node-c wins."
        );
    }

    #[test]
    fn should_caption_rejections_with_the_status_code_and_stage() {
        let (playback, annotations) = annotated("rbac-forbidden");
        let (index, authz) = playback
            .head()
            .trace
            .entries
            .iter()
            .enumerate()
            .find(|(_, e)| e.stage == Stage::Authorization && e.outcome == Outcome::Failed)
            .expect("a denial");
        assert_eq!(
            caption(authz),
            "403 Forbidden at RBAC: pods is forbidden: User \"jane\" cannot create resource \"pods\" in API group \"\" in the namespace \"default\""
        );
        let annotation = &annotations[index - playback.story_start()];
        assert_eq!(annotation.node, Some(FlowNode::Authz));
        assert_eq!(
            annotation.failure,
            Some(Failure {
                node: FlowNode::Authz,
                reason: "403 Forbidden".into()
            })
        );

        let (playback, _) = annotated("constrained-pod-as-written");
        let (_, decode) = find(&playback, Stage::Decode, "pods/default/constrained-pod");
        assert_eq!(
            caption(decode),
            "400 BadRequest at decoding: Pod in version \"v1\" cannot be handled as a Pod: strict decoding error: unknown field \"spec.nodeAffinity\""
        );
    }

    #[test]
    fn should_show_a_rejected_pod_as_rejected_at_the_failed_stage() {
        let (mut playback, annotations) = annotated("rbac-forbidden");
        let last = playback.last_position();
        playback.seek(last);
        let tokens = pod_tokens(
            &playback.view().store(),
            &annotations,
            playback.story_start(),
            last,
        );
        let jane = tokens
            .iter()
            .find(|t| t.pod == "default/janes-pod")
            .expect("a token for janes-pod");
        assert_eq!(jane.status, STATUS_REJECTED);
        assert_eq!(jane.node, FlowNode::Authz);
        assert_eq!(jane.failure.as_ref().map(|f| f.node), Some(FlowNode::Authz));
    }

    #[test]
    fn should_move_the_token_and_status_along_the_story() {
        let (mut playback, annotations) = annotated("demo-pod");
        let start = playback.story_start();
        let (post, _) = find(&playback, Stage::Authentication, "pods/default/demo-pod");
        playback.seek(post);
        let tokens = pod_tokens(&playback.view().store(), &annotations, start, post);
        assert_eq!(tokens.len(), 1);
        assert_eq!(tokens[0].node, FlowNode::Authn);
        assert_eq!(tokens[0].status, STATUS_NOT_STORED);

        let (filter, _) = find(&playback, Stage::Filter, "pods/default/demo-pod");
        playback.seek(filter);
        let tokens = pod_tokens(&playback.view().store(), &annotations, start, filter);
        assert_eq!(tokens[0].node, FlowNode::Filter);
        assert_eq!(tokens[0].status, "Pending");

        let last = playback.last_position();
        playback.seek(last);
        let tokens = pod_tokens(&playback.view().store(), &annotations, start, last);
        assert_eq!(tokens[0].node, FlowNode::Running);
        assert_eq!(tokens[0].status, "Running");
        assert_eq!(tokens[0].failure, None);
    }

    #[test]
    fn should_tell_which_node_preemption_preferred_because_of_a_budget() {
        let (playback, _) = annotated("preemption-pdb");
        let (_, entry) = find(&playback, Stage::Preempt, "pods/default/urgent");
        assert_eq!(
            caption(entry),
            "No node fits urgent (priority 1000000), so DefaultPreemption looks for lower-priority pods to evict: on node-c, evicting default/batch-c (priority 0) makes room. It prefers node-c to node-a (1 PodDisruptionBudget violation): the fewest budget violations come first. The pod is nominated to node-c and waits for its victims to terminate."
        );
        let (_, sync) = find(&playback, Stage::Sync, "poddisruptionbudgets/default/web");
        assert_eq!(
            caption(sync),
            "kube-controller-manager's disruption-controller: 2 of 2 expected pod(s) healthy, 2 must stay healthy: 0 disruption(s) allowed."
        );
    }

    #[test]
    fn should_tell_preemption_and_show_the_victim_running_then_deleted() {
        let (mut playback, annotations) = annotated("preemption");
        let start = playback.story_start();
        let (preempt, entry) = find(&playback, Stage::Preempt, "pods/default/urgent");
        assert_eq!(
            caption(entry),
            "No node fits urgent (priority 1000000), so DefaultPreemption looks for lower-priority pods to evict: on node-a, evicting default/batch-a (priority 0) makes room. The pod is nominated to node-a and waits for its victims to terminate."
        );
        playback.seek(preempt);
        let victim_status = |playback: &Playback, position: usize| {
            pod_tokens(&playback.view().store(), &annotations, start, position)
                .into_iter()
                .find(|t| t.pod == "default/batch-a")
                .map(|t| t.status)
        };
        // The victim ran before the story: its first step (the Preempted event) shows it as it is.
        let (kill, _) = find(&playback, Stage::KillContainer, "pods/default/batch-a");
        playback.seek(kill);
        assert_eq!(
            victim_status(&playback, kill).as_deref(),
            Some("Terminating")
        );
        let last = playback.last_position();
        playback.seek(last);
        assert_eq!(
            victim_status(&playback, last).as_deref(),
            Some(STATUS_DELETED)
        );
        let nominated = playback
            .head()
            .trace
            .entries
            .iter()
            .rev()
            .find(|e| e.stage == Stage::Filter && e.object == "pods/default/urgent")
            .map(caption);
        assert_eq!(
            nominated.as_deref(),
            Some("The pod's nominated node node-a is tried first, alone, as preemption made room on it: it passes the filters, so no other node is evaluated and nothing is scored.")
        );
    }

    #[test]
    fn should_follow_a_deployments_pods_from_the_controllers_to_running() {
        let (mut playback, annotations) = annotated("deployment");
        let start = playback.story_start();
        let entries = playback.head().trace.entries.clone();
        // The deployment controller's sync lights the Controllers box, outside the seed's steps.
        let sync = entries
            .iter()
            .position(|e| e.stage == Stage::Sync && e.object.starts_with("deployments/"))
            .expect("the deployment controller syncs");
        let annotation = &annotations[sync - start];
        assert!(annotation.controller);
        assert_eq!(annotation.node, Some(FlowNode::Controllers));
        assert_eq!(annotation.step, None);
        assert!(caption(&entries[sync]).starts_with(
            "kube-controller-manager's deployment-controller: no ReplicaSet has the pod template"
        ));
        // The ReplicaSet's pods go through the API server's pipeline as any created pod does.
        let pod_auth = entries
            .iter()
            .position(|e| e.stage == Stage::Authentication && e.object.starts_with("pods/"))
            .expect("a pod create");
        assert_eq!(annotations[pod_auth - start].node, Some(FlowNode::Authn));
        assert_eq!(annotations[pod_auth - start].step, Some(3));
        assert!(!annotations[pod_auth - start].controller);
        let created = entries
            .iter()
            .filter(|e| e.stage == Stage::Event && e.summary.contains("SuccessfulCreate"))
            .map(caption)
            .next()
            .expect("a SuccessfulCreate event");
        assert!(
            created.starts_with("replicaset-controller records a Normal event SuccessfulCreate"),
            "{created}"
        );
        let last = playback.last_position();
        playback.seek(last);
        let tokens = pod_tokens(&playback.view().store(), &annotations, start, last);
        assert_eq!(tokens.len(), 3);
        for token in &tokens {
            assert!(
                token.name.starts_with("nginx-deployment-"),
                "{}",
                token.name
            );
            assert_eq!(
                (token.node, token.status.as_str()),
                (FlowNode::Running, "Running")
            );
        }
    }

    /// A drain's eviction is not the pod's own journey: a refused eviction leaves the running pod
    /// where it is, not stopped at Validation.
    #[test]
    fn should_leave_a_pod_whose_eviction_was_refused_running() {
        let (mut playback, annotations) = annotated("drain-pdb");
        let start = playback.story_start();
        let (refused, entry) = playback
            .head()
            .trace
            .entries
            .iter()
            .enumerate()
            .find(|(_, e)| e.stage == Stage::Response && e.summary.starts_with("429 "))
            .map(|(i, e)| (i, e.clone()))
            .expect("a refused eviction");
        assert_eq!(annotations[refused - start].failure, None);
        playback.seek(refused);
        let tokens = pod_tokens(&playback.view().store(), &annotations, start, refused);
        let token = tokens
            .iter()
            .find(|t| entry.object.ends_with(&t.name))
            .expect("the pod's token");
        assert_eq!(
            (token.node, token.failure.clone()),
            (FlowNode::Running, None)
        );
        let asked = playback
            .head()
            .trace
            .entries
            .iter()
            .find(|e| e.stage == Stage::Apply && e.summary.ends_with("/eviction"))
            .expect("an eviction request");
        assert!(
            caption(asked).starts_with("kubectl asks the API server to evict "),
            "{}",
            caption(asked)
        );
    }

    #[test]
    fn should_mark_image_pull_back_off_at_pull() {
        let (mut playback, annotations) = annotated("image-not-found");
        let (backoff, entry) = find(&playback, Stage::BackOff, "pods/default/typo-pod");
        assert!(caption(entry)
            .starts_with("ImagePullBackOff on node-c: image nginx:1.277 is in back-off for "));
        playback.seek(backoff + 5);
        let tokens = pod_tokens(
            &playback.view().store(),
            &annotations,
            playback.story_start(),
            backoff + 5,
        );
        assert_eq!(tokens[0].node, FlowNode::Pull);
        assert_eq!(
            tokens[0].failure.as_ref().map(|f| f.reason.as_str()),
            Some("ImagePullBackOff")
        );
        let (_, pull_failed) = playback
            .head()
            .trace
            .entries
            .iter()
            .enumerate()
            .find(|(_, e)| e.stage == Stage::PullImage && e.outcome == Outcome::Failed)
            .expect("a failed pull");
        assert!(
            caption(pull_failed).ends_with("; the kubelet backs off 10s."),
            "{}",
            caption(pull_failed)
        );
    }

    #[test]
    fn should_mark_an_unschedulable_pod_at_filter() {
        let (playback, annotations) = annotated("pod-too-large");
        let (index, filter) = find(&playback, Stage::Filter, "pods/default/big-pod");
        assert!(caption(filter).starts_with(
            "0 of 3 nodes pass the filters: node-a fails NodeResourcesFit: Insufficient cpu;"
        ));
        let annotation = &annotations[index - playback.story_start()];
        assert_eq!(
            annotation.failure,
            Some(Failure {
                node: FlowNode::Filter,
                reason: "0/3 nodes".into()
            })
        );
    }

    #[test]
    fn should_keep_an_unschedulable_pod_failed_while_it_waits_and_never_reach_binding() {
        let (playback, annotations) = annotated("pod-too-large");
        let pod = Some("default/big-pod".to_string());
        assert!(
            annotations
                .iter()
                .all(|a| a.step != Some(8) && a.step != Some(9)),
            "{annotations:#?}"
        );
        let last = annotations
            .iter()
            .rev()
            .find(|a| a.pod == pod)
            .expect("entries about big-pod");
        assert_eq!(
            last.failure.as_ref().map(|f| f.node),
            Some(FlowNode::Filter)
        );
        // The periodic retry moves it back to activeQ, then it fails the filters again.
        let retry = playback
            .head()
            .trace
            .entries
            .iter()
            .position(|e| e.summary == "unschedulable for over 5m0s: moved to activeQ")
            .expect("a retry");
        assert_eq!(annotations[retry - playback.story_start()].failure, None);
    }

    #[test]
    fn should_caption_a_skipped_score() {
        let (playback, _) = annotated("tainted-node");
        let (_, score) = find(&playback, Stage::Score, "pods/default/no-toleration");
        assert_eq!(
            caption(score),
            "Only node-a passed the filters, so scoring is skipped: node-a is chosen."
        );
    }

    #[test]
    fn should_title_every_step_and_map_every_box_to_a_tab() {
        assert_eq!(step_title(1), Some("User requests a Pod"));
        assert_eq!(step_title(9), Some("kubelet takes over"));
        assert_eq!(step_title(0), None);
        assert_eq!(step_title(10), None);
        for node in FlowNode::ALL {
            assert_eq!(FlowNode::from_id(node.id()), Some(node));
        }
        assert_eq!(FlowNode::Kubectl.tab(), InspectorTab::Manifest);
        assert_eq!(FlowNode::Authz.tab(), InspectorTab::Request);
        assert_eq!(FlowNode::Etcd.tab(), InspectorTab::Stored);
        assert_eq!(FlowNode::Score.tab(), InspectorTab::Scheduler);
        assert_eq!(FlowNode::Pull.tab(), InspectorTab::Events);
        assert_eq!(FlowNode::Running.tab(), InspectorTab::Pods);
    }

    #[test]
    fn should_annotate_every_builtin_without_losing_an_entry() {
        for name in crate::engine::scenario::builtin_names() {
            let (playback, annotations) = annotated(name);
            assert_eq!(
                annotations.len(),
                playback.head().trace.len() - playback.story_start(),
                "{name}"
            );
            assert!(annotations.iter().any(|a| a.step == Some(1)), "{name}");
            for entry in &playback.head().trace.entries[playback.story_start()..] {
                assert!(!caption(entry).is_empty());
            }
        }
    }
}
