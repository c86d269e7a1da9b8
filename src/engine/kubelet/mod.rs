//! The kubelet, one per node: admits pods bound to its node, creates their sandbox, pulls images, creates
//! and starts containers, and reports pod status and events through the API server.
//!
//! Mirrors `pkg/kubelet` (`kubelet.go` SyncPod and the pod workers, `images/image_manager.go`,
//! `kuberuntime`, `status`). The logic lives in one file per stage; this module is the glue: a small
//! per-pod state machine driven by watch events and timers ([`KubeletWake`]).
//!
//! A pod's journey: `Admit` (first status write: Pending, ContainerCreating, PodReadyToStartContainers
//! False) → `Sandbox` (after [`sandbox::SANDBOX_CREATE_MS`], pod IP from the node's pod CIDR) → for each
//! container in `computePodActions` order: `PullImage` (serialized per node) → `CreateContainer` →
//! `StartContainer` → `StatusUpdate` (Running, Ready). A failed image pull ends the sync with
//! `ErrImagePull`; the pod worker syncs again (after [`PLEG_RELIST_MS`] the first time, then every
//! [`POD_WORKER_BACKOFF_MS`]) and reports `ImagePullBackOff` until the image back-off (10 s doubling to
//! 300 s) lets it pull again. A container whose image changes in the spec is killed
//! (`Container nginx definition changed, will be restarted`) and started again. A pod with a
//! `deletionTimestamp` gets `Killing` (`Stopping container nginx`), its containers exit, its final status
//! (Succeeded) is written, and the kubelet deletes it with `gracePeriodSeconds: 0`.
//!
//! Status is written with an update of `pods/<name>/status` at the end of each sync (upstream writes the
//! status computed at the start of the next sync, through a patch; only the timing differs).
//!
//! Simplifications: no admission checks (resources, node affinity re-check), no volumes, no crash loops
//! (app containers keep running); probes always succeed after their `initialDelaySeconds`; containers exit
//! 0 on SIGTERM after [`containers::CONTAINER_STOP_MS`]; after [`MAX_FAILED_SYNCS`] failed syncs in a row
//! the worker stops retrying (upstream retries forever) so that a simulation can go idle.

pub mod containers;
pub mod images;
pub mod node_status;
pub mod registry;
pub mod sandbox;
pub mod status;

#[cfg(test)]
mod story_tests;

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use k8s_openapi::api::core::v1::{Node, Pod, PodStatus};
use serde_json::json;

use crate::engine::api::{ApiRequest, ApiResponse, Credentials, RequestBody, Verb};
use crate::engine::events::{self, pod_reference, EventType, Reporter};
use crate::engine::objects::{object_ref, Object};
use crate::engine::sim::{Ctx, Event};
use crate::engine::store::{WatchEvent, WatchEventType};
use crate::engine::trace::{Component, Outcome, Stage, TraceData};

use containers::{ContainerKind, NextStep, RuntimeContainer, RuntimeState};
use images::{Backoff, ImageStore, PullPolicy, SerialPuller};
use sandbox::IpAllocator;

/// How soon the pod worker syncs again after a failed sync that created the sandbox: the PLEG relist
/// period (`plegRelistPeriod`), which notices the new sandbox and triggers a sync.
pub const PLEG_RELIST_MS: u64 = 1_000;
/// How soon the pod worker retries after a failed sync (`backOffPeriod` in `pkg/kubelet/kubelet.go`;
/// upstream adds up to 50% jitter, we do not).
pub const POD_WORKER_BACKOFF_MS: u64 = 10_000;
/// Failed syncs after which the simulated pod worker stops retrying.
pub const MAX_FAILED_SYNCS: u32 = 12;

/// A kubelet's timers. `pod` is `<namespace>/<name>`; `epoch` identifies the pod worker generation, so a
/// timer of a deleted or restarted pod is ignored.
#[derive(Clone, Debug, PartialEq)]
pub enum KubeletWake {
    /// The pod worker syncs the pod again (retry after a failure).
    Sync { pod: String, epoch: u64 },
    /// The pod sandbox is up.
    SandboxReady { pod: String, epoch: u64 },
    /// An image pull finished (successfully or not).
    PullDone(PullRequest),
    /// `CreateContainer` returned.
    ContainerCreated {
        pod: String,
        epoch: u64,
        container: usize,
    },
    /// `StartContainer` returned.
    ContainerStarted {
        pod: String,
        epoch: u64,
        container: usize,
    },
    /// A regular init container exited 0.
    InitContainerExited {
        pod: String,
        epoch: u64,
        container: usize,
    },
    /// The startup probe of a container succeeded. `restart` is the container's restart count when the
    /// probe was armed, so a probe of a replaced container is ignored.
    StartupProbeSucceeded {
        pod: String,
        epoch: u64,
        container: usize,
        restart: i32,
    },
    /// The readiness probe of a container succeeded.
    ReadinessProbeSucceeded {
        pod: String,
        epoch: u64,
        container: usize,
        restart: i32,
    },
    /// Containers whose spec changed (a new image) exited; they start again with the new spec.
    ContainersReplaced {
        pod: String,
        epoch: u64,
        containers: Vec<usize>,
    },
    /// The containers of a deleted pod exited after SIGTERM.
    ContainersStopped { pod: String, epoch: u64 },
    /// The periodic node status sync (`syncNodeStatus`, every `nodeStatusUpdateFrequency`), set only
    /// when the node's cordon changed since the last one.
    NodeStatusSync,
}

/// `nodeStatusUpdateFrequency`: the kubelet syncs its node's status every 10 s.
pub const NODE_STATUS_UPDATE_FREQUENCY_MS: u64 = 10_000;

/// One image pull of the serial puller: for which container, and when it was asked for and began.
#[derive(Clone, Debug, PartialEq)]
pub struct PullRequest {
    pub pod: String,
    pub epoch: u64,
    pub container: usize,
    /// The image as written in the spec.
    pub image: String,
    /// When the kubelet asked for the pull (the `Pulling` event).
    pub requested_ms: u64,
    /// When the serial puller started it (after the pulls queued before it).
    pub started_ms: u64,
}

/// The details of a StatusUpdate trace entry.
#[derive(serde::Serialize)]
struct StatusUpdateDetails<'a> {
    before: PhaseDetails<'a>,
    after: NewPhaseDetails<'a>,
    containers: Vec<ContainerStateDetails<'a>>,
    code: u16,
}

#[derive(serde::Serialize)]
struct PhaseDetails<'a> {
    phase: Option<&'a str>,
}

#[derive(serde::Serialize)]
struct NewPhaseDetails<'a> {
    phase: Option<&'a str>,
    #[serde(rename = "podIP")]
    pod_ip: Option<&'a str>,
}

#[derive(serde::Serialize)]
struct ContainerStateDetails<'a> {
    name: &'a str,
    state: &'static str,
    reason: Option<&'a str>,
}

/// The sandbox of a pod.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Sandbox {
    None,
    Creating,
    Ready { ip: Option<String> },
    Removed,
}

/// One pod's worker.
#[derive(Clone, Debug)]
struct PodWorker {
    /// The pod as last seen or written (highest resourceVersion), shared with the watch event or the
    /// response it came from.
    pod: Arc<Pod>,
    uid: String,
    epoch: u64,
    admitted_ms: u64,
    containers: Vec<RuntimeContainer>,
    sandbox: Sandbox,
    /// An action chain (pull, create, start) is in flight.
    busy: bool,
    /// Containers whose start failed in the current sync.
    failed_this_sync: Vec<usize>,
    sync_created_sandbox: bool,
    /// The sandbox could not be created in this sync (no pod IP left).
    sandbox_failed: bool,
    sandbox_attempts: u32,
    /// The spec changed while a sync was in flight: apply it when the sync ends.
    spec_dirty: bool,
    failed_syncs: u32,
    terminating: bool,
    /// The last pull error of each image, for the ImagePullBackOff message.
    last_pull_error: BTreeMap<String, String>,
}

/// The kubelet of one node.
#[derive(Clone, Debug)]
pub struct Kubelet {
    pub node: String,
    node_object: Option<Node>,
    node_index: Option<u32>,
    ipam: Option<IpAllocator>,
    images: ImageStore,
    images_seeded: bool,
    puller: SerialPuller,
    backoff: Backoff,
    pods: BTreeMap<String, PodWorker>,
    /// UIDs of pods this kubelet finished with: late watch events about them are ignored.
    finished: BTreeSet<String>,
    next_epoch: u64,
    /// `lastNodeUnschedulable`: the cordon its last node status sync saw (`None` before the node is
    /// known; the node as registered counts as seen, as the story starts with the cluster running).
    last_node_unschedulable: Option<bool>,
    /// When the kubelet started (its node's creation), the phase of its status syncs.
    started_ms: Option<u64>,
    /// A `NodeStatusSync` wake is set.
    status_sync_pending: bool,
}

fn pod_key(pod: &Pod) -> String {
    format!(
        "{}/{}",
        pod.metadata.namespace.as_deref().unwrap_or("default"),
        pod.metadata.name.as_deref().unwrap_or("")
    )
}

fn resource_version(meta: &k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta) -> u64 {
    meta.resource_version
        .as_deref()
        .and_then(|rv| rv.parse().ok())
        .unwrap_or(0)
}

fn state_name(state: &RuntimeState) -> &'static str {
    match state {
        RuntimeState::Waiting { .. } => "waiting",
        RuntimeState::Created { .. } => "created",
        RuntimeState::Running { .. } => "running",
        RuntimeState::Terminated { .. } => "terminated",
    }
}

/// Whether a regular container or sidecar of the worker now has another image in the pod spec.
fn spec_changed(worker: &PodWorker) -> bool {
    worker.containers.iter().any(|c| {
        c.kind != ContainerKind::Init
            && containers::spec_of(&worker.pod, c)
                .and_then(|s| s.image.as_deref())
                .is_some_and(|image| image != c.image)
    })
}

/// A one-line status for the trace, like `kubectl get pods` reads: `Pending (ErrImagePull, Ready=False)`,
/// `Running (Ready=True)`.
fn status_summary(status: &k8s_openapi::api::core::v1::PodStatus) -> String {
    let ready = status
        .conditions
        .iter()
        .flatten()
        .find(|c| c.type_ == "Ready")
        .map(|c| c.status.clone())
        .unwrap_or_else(|| "Unknown".into());
    let waiting = status
        .init_container_statuses
        .iter()
        .flatten()
        .chain(status.container_statuses.iter().flatten())
        .find_map(|c| {
            c.state
                .as_ref()
                .and_then(|s| s.waiting.as_ref())
                .and_then(|w| w.reason.clone())
        });
    let phase = status.phase.as_deref().unwrap_or("Pending");
    match waiting {
        Some(reason) => format!("{phase} ({reason}, Ready={ready})"),
        None => format!("{phase} (Ready={ready})"),
    }
}

fn probe_delay_ms(probe: Option<&k8s_openapi::api::core::v1::Probe>) -> Option<u64> {
    probe.map(|p| u64::try_from(p.initial_delay_seconds.unwrap_or(0)).unwrap_or(0) * 1000)
}

impl Kubelet {
    pub fn new(node: &str) -> Self {
        Kubelet {
            node: node.to_string(),
            node_object: None,
            node_index: None,
            ipam: None,
            images: ImageStore::default(),
            images_seeded: false,
            puller: SerialPuller::default(),
            backoff: Backoff::default(),
            pods: BTreeMap::new(),
            finished: BTreeSet::new(),
            next_epoch: 1,
            last_node_unschedulable: None,
            started_ms: None,
            status_sync_pending: false,
        }
    }

    /// The node's image store (what `status.images` reports).
    pub fn image_store(&self) -> &ImageStore {
        &self.images
    }

    /// The pods this kubelet runs, as `<namespace>/<name>`.
    pub fn pod_keys(&self) -> Vec<String> {
        self.pods.keys().cloned().collect()
    }

    /// An informer event: a pod bound to this node, or this node's Node object.
    pub fn on_watch(&mut self, ctx: &mut Ctx, event: &WatchEvent) {
        match &event.object {
            Object::Node(node)
                if node.metadata.name.as_deref() == Some(self.node.as_str())
                    && event.event_type != WatchEventType::Deleted =>
            {
                self.remember_node(node);
                self.watch_cordon(ctx, node);
            }
            Object::Pod(pod) => {
                let on_this_node = pod.spec.as_ref().and_then(|s| s.node_name.as_deref())
                    == Some(self.node.as_str());
                if !on_this_node {
                    return;
                }
                if event.event_type == WatchEventType::Deleted {
                    self.forget_pod(&pod_key(pod));
                } else {
                    self.on_pod(ctx, pod);
                }
            }
            _ => {}
        }
    }

    /// A timer fired.
    pub fn on_wake(&mut self, ctx: &mut Ctx, wake: KubeletWake) {
        match wake {
            KubeletWake::PullDone(pull) => self.pull_done(ctx, &pull),
            KubeletWake::Sync { pod, epoch } => {
                if self.live(&pod, epoch) {
                    self.start_sync(ctx, &pod);
                }
            }
            KubeletWake::SandboxReady { pod, epoch } => {
                if self.live(&pod, epoch) {
                    self.sandbox_ready(ctx, &pod);
                }
            }
            KubeletWake::ContainerCreated {
                pod,
                epoch,
                container,
            } => {
                if self.live(&pod, epoch) {
                    self.container_created(ctx, &pod, container);
                }
            }
            KubeletWake::ContainerStarted {
                pod,
                epoch,
                container,
            } => {
                if self.live(&pod, epoch) {
                    self.container_started(ctx, &pod, container);
                }
            }
            KubeletWake::InitContainerExited {
                pod,
                epoch,
                container,
            } => {
                if self.live(&pod, epoch) {
                    self.init_container_exited(ctx, &pod, container);
                }
            }
            KubeletWake::StartupProbeSucceeded {
                pod,
                epoch,
                container,
                restart,
            } => {
                if self.live(&pod, epoch) && self.restart_is(&pod, container, restart) {
                    self.startup_probe_succeeded(ctx, &pod, container);
                }
            }
            KubeletWake::ReadinessProbeSucceeded {
                pod,
                epoch,
                container,
                restart,
            } => {
                if self.live(&pod, epoch) && self.restart_is(&pod, container, restart) {
                    self.set_ready(ctx, &pod, container);
                }
            }
            KubeletWake::ContainersReplaced {
                pod,
                epoch,
                containers,
            } => {
                if self.live(&pod, epoch) {
                    self.containers_replaced(ctx, &pod, &containers);
                }
            }
            KubeletWake::ContainersStopped { pod, epoch } => {
                if self.live(&pod, epoch) {
                    self.containers_stopped(ctx, &pod);
                }
            }
            KubeletWake::NodeStatusSync => self.sync_node_status(ctx),
        }
    }

    fn is_cordoned(node: &Node) -> bool {
        node.spec.as_ref().and_then(|s| s.unschedulable) == Some(true)
    }

    /// The node's cordon changed: the next node status sync (on the kubelet's 10 s phase) will say so.
    fn watch_cordon(&mut self, ctx: &mut Ctx, node: &Node) {
        let started = *self.started_ms.get_or_insert_with(|| {
            node.metadata
                .creation_timestamp
                .as_ref()
                .map_or(ctx.now_ms, crate::engine::time::ms_of)
        });
        let cordoned = Self::is_cordoned(node);
        let Some(last) = self.last_node_unschedulable else {
            self.last_node_unschedulable = Some(cordoned);
            return;
        };
        if last == cordoned || self.status_sync_pending {
            return;
        }
        let since = ctx.now_ms.saturating_sub(started);
        let next = (since / NODE_STATUS_UPDATE_FREQUENCY_MS + 1) * NODE_STATUS_UPDATE_FREQUENCY_MS;
        self.status_sync_pending = true;
        self.after(ctx, next - since, KubeletWake::NodeStatusSync);
    }

    /// `syncNodeStatus`'s `recordNodeSchedulableEvent`: a NodeNotSchedulable or NodeSchedulable event
    /// on the Node when its cordon differs from the last sync's.
    fn sync_node_status(&mut self, ctx: &mut Ctx) {
        self.status_sync_pending = false;
        let Some(cordoned) = self.node_object.as_ref().map(Self::is_cordoned) else {
            return;
        };
        if self.last_node_unschedulable == Some(cordoned) {
            return;
        }
        self.last_node_unschedulable = Some(cordoned);
        let status = if cordoned {
            "NodeNotSchedulable"
        } else {
            "NodeSchedulable"
        };
        // The kubelet's nodeRef: kind Node, the node's name as its UID, no namespace.
        let reference = k8s_openapi::api::core::v1::ObjectReference {
            kind: Some("Node".into()),
            name: Some(self.node.clone()),
            uid: Some(self.node.clone()),
            ..Default::default()
        };
        let message = format!("Node {} status is now: {status}", self.node);
        events::record(
            ctx,
            &Reporter::Kubelet(self.node.clone()),
            reference,
            EventType::Normal,
            status,
            "",
            &message,
        );
    }

    fn restart_is(&self, key: &str, i: usize, restart: i32) -> bool {
        self.pods
            .get(key)
            .and_then(|w| w.containers.get(i))
            .is_some_and(|c| c.restart_count == restart)
    }

    fn live(&self, key: &str, epoch: u64) -> bool {
        self.pods.get(key).is_some_and(|w| w.epoch == epoch)
    }

    fn after(&self, ctx: &mut Ctx, delay_ms: u64, wake: KubeletWake) {
        ctx.after(
            delay_ms,
            Event::Kubelet {
                node: self.node.clone(),
                wake,
            },
        );
    }

    fn trace(
        &self,
        ctx: &mut Ctx,
        stage: Stage,
        key: &str,
        outcome: Outcome,
        summary: String,
        data: serde_json::Value,
    ) {
        self.trace_data(ctx, stage, key, outcome, summary, TraceData::new(&data));
    }

    /// `trace` with details already stored (see `TraceData::from_serialize`).
    fn trace_data(
        &self,
        ctx: &mut Ctx,
        stage: Stage,
        key: &str,
        outcome: Outcome,
        summary: String,
        data: TraceData,
    ) {
        let (ns, name) = key.split_once('/').unwrap_or(("default", key));
        ctx.record_data(
            Component::Kubelet(self.node.clone()),
            stage,
            object_ref("pods", Some(ns), name),
            outcome,
            summary,
            data,
        );
    }

    fn event(
        &self,
        ctx: &mut Ctx,
        key: &str,
        container: Option<usize>,
        event_type: EventType,
        reason: &str,
        message: &str,
    ) {
        let Some(worker) = self.pods.get(key) else {
            return;
        };
        let field_path = container
            .and_then(|i| worker.containers.get(i))
            .map(RuntimeContainer::field_path);
        let reference = pod_reference(&worker.pod, field_path);
        events::record(
            ctx,
            &Reporter::Kubelet(self.node.clone()),
            reference,
            event_type,
            reason,
            "",
            message,
        );
    }

    fn remember_node(&mut self, node: &Node) {
        let newer = match &self.node_object {
            Some(old) => resource_version(&node.metadata) >= resource_version(&old.metadata),
            None => true,
        };
        if newer {
            self.node_object = Some(node.clone());
        }
        if !self.images_seeded {
            node_status::seed_store(&mut self.images, node);
            self.images_seeded = true;
        }
    }

    // ----- pods -----

    fn on_pod(&mut self, ctx: &mut Ctx, pod: &Arc<Pod>) {
        let key = pod_key(pod);
        let uid = pod.metadata.uid.clone().unwrap_or_default();
        if let Some(worker) = self.pods.get_mut(&key) {
            if worker.uid != uid {
                // A new pod with the same name: the old one is gone.
                self.forget_pod(&key);
            } else {
                if resource_version(&pod.metadata) >= resource_version(&worker.pod.metadata) {
                    worker.pod = Arc::clone(pod);
                }
                if pod.metadata.deletion_timestamp.is_some() && !worker.terminating {
                    self.terminate(ctx, &key);
                } else if !worker.terminating && spec_changed(worker) {
                    if worker.busy {
                        worker.spec_dirty = true;
                    } else {
                        self.apply_spec_change(ctx, &key);
                    }
                }
                return;
            }
        }
        let phase = pod.status.as_ref().and_then(|s| s.phase.as_deref());
        if matches!(phase, Some("Succeeded") | Some("Failed")) || self.finished.contains(&uid) {
            return;
        }
        self.admit(ctx, pod, key);
    }

    fn admit(&mut self, ctx: &mut Ctx, pod: &Arc<Pod>, key: String) {
        let epoch = self.next_epoch;
        self.next_epoch += 1;
        let containers = containers::containers_of(pod);
        let worker = PodWorker {
            pod: Arc::clone(pod),
            uid: pod.metadata.uid.clone().unwrap_or_default(),
            epoch,
            admitted_ms: ctx.now_ms,
            containers,
            sandbox: Sandbox::None,
            busy: false,
            failed_this_sync: Vec::new(),
            sync_created_sandbox: false,
            sandbox_failed: false,
            sandbox_attempts: 0,
            spec_dirty: false,
            failed_syncs: 0,
            terminating: false,
            last_pull_error: BTreeMap::new(),
        };
        let names: Vec<String> = worker.containers.iter().map(|c| c.name.clone()).collect();
        self.pods.insert(key.clone(), worker);
        self.trace(
            ctx,
            Stage::Admit,
            &key,
            Outcome::Ok,
            format!(
                "admitted {key} ({} container(s): {})",
                names.len(),
                names.join(", ")
            ),
            json!({"containers": names}),
        );
        if pod.metadata.deletion_timestamp.is_some() {
            self.terminate(ctx, &key);
            return;
        }
        self.write_status(ctx, &key);
        self.start_sync(ctx, &key);
    }

    fn forget_pod(&mut self, key: &str) {
        if let Some(worker) = self.pods.remove(key) {
            if !worker.uid.is_empty() {
                self.finished.insert(worker.uid.clone());
            }
            if let (Sandbox::Ready { ip: Some(ip) }, Some(ipam)) =
                (&worker.sandbox, self.ipam.as_mut())
            {
                ipam.release(ip);
            }
            self.backoff.forget_prefix(&format!("{}_", worker.uid));
        }
    }

    // ----- the sync loop -----

    fn start_sync(&mut self, ctx: &mut Ctx, key: &str) {
        let Some(worker) = self.pods.get_mut(key) else {
            return;
        };
        if worker.busy || worker.terminating {
            return;
        }
        worker.failed_this_sync.clear();
        worker.sync_created_sandbox = false;
        self.check_pull_secrets(ctx, key);
        self.advance(ctx, key);
    }

    /// `getPullSecretsForPod`: each sync fetches the pod's `imagePullSecrets`; missing ones are reported
    /// once per sync (Warning `FailedToRetrieveImagePullSecret`) and the pull goes on without them.
    fn check_pull_secrets(&mut self, ctx: &mut Ctx, key: &str) {
        let Some(worker) = self.pods.get(key) else {
            return;
        };
        let names: Vec<String> = worker
            .pod
            .spec
            .iter()
            .flat_map(|s| s.image_pull_secrets.iter().flatten())
            .map(|r| r.name.clone())
            .filter(|n| !n.is_empty())
            .collect();
        if names.is_empty() {
            return;
        }
        let (ns, _) = key.split_once('/').unwrap_or(("default", key));
        let mut missing = Vec::new();
        for name in names {
            let response = ctx.call(
                ApiRequest::new(
                    Credentials::Kubelet(self.node.clone()),
                    Verb::Get,
                    "secrets",
                )
                .namespace(ns)
                .name(name.clone()),
            );
            if !response.is_success() {
                missing.push(name);
            }
        }
        if !missing.is_empty() {
            let message = images::missing_pull_secrets_message(&missing);
            self.event(
                ctx,
                key,
                None,
                EventType::Warning,
                "FailedToRetrieveImagePullSecret",
                &message,
            );
        }
    }

    /// Starts whatever `computePodActions` says comes next, until something asynchronous is in flight or
    /// the sync is over.
    fn advance(&mut self, ctx: &mut Ctx, key: &str) {
        loop {
            let Some(worker) = self.pods.get_mut(key) else {
                return;
            };
            match worker.sandbox {
                Sandbox::Ready { .. } => {}
                Sandbox::Creating => return,
                Sandbox::None | Sandbox::Removed => {
                    worker.sandbox = Sandbox::Creating;
                    worker.sync_created_sandbox = true;
                    worker.busy = true;
                    let epoch = worker.epoch;
                    self.after(
                        ctx,
                        sandbox::SANDBOX_CREATE_MS,
                        KubeletWake::SandboxReady {
                            pod: key.to_string(),
                            epoch,
                        },
                    );
                    return;
                }
            }
            match containers::next_step(&worker.containers, &worker.failed_this_sync) {
                NextStep::Start(i) => {
                    if self.begin_container(ctx, key, i) {
                        return;
                    }
                    if let Some(worker) = self.pods.get_mut(key) {
                        worker.failed_this_sync.push(i);
                    }
                }
                NextStep::WaitForInit(_) | NextStep::Blocked(_) | NextStep::Done => {
                    self.end_sync(ctx, key);
                    return;
                }
            }
        }
    }

    fn end_sync(&mut self, ctx: &mut Ctx, key: &str) {
        self.write_status(ctx, key);
        let Some(worker) = self.pods.get_mut(key) else {
            return;
        };
        worker.busy = false;
        if std::mem::take(&mut worker.spec_dirty) {
            self.apply_spec_change(ctx, key);
            return;
        }
        let Some(worker) = self.pods.get_mut(key) else {
            return;
        };
        let failed = !worker.failed_this_sync.is_empty() || worker.sandbox_failed;
        worker.sandbox_failed = false;
        if !failed {
            worker.failed_syncs = 0;
            return;
        }
        worker.failed_syncs += 1;
        if worker.failed_syncs > MAX_FAILED_SYNCS {
            return;
        }
        let delay = if worker.sync_created_sandbox {
            PLEG_RELIST_MS
        } else {
            POD_WORKER_BACKOFF_MS
        };
        let epoch = worker.epoch;
        self.after(
            ctx,
            delay,
            KubeletWake::Sync {
                pod: key.to_string(),
                epoch,
            },
        );
    }

    fn sandbox_ready(&mut self, ctx: &mut Ctx, key: &str) {
        if self.ipam.is_none() {
            // The registration order is read only when the node has no pod CIDR of its own.
            let cidr = match sandbox::spec_pod_cidr(self.node_object.as_ref()) {
                Some(cidr) => cidr,
                None => sandbox::Cidr::for_node_index(self.node_index(ctx)),
            };
            self.ipam = Some(IpAllocator::new(cidr));
        }
        // containerd pulls the sandbox (pause) image for the first sandbox; kind preloads it.
        if let Ok(pause) = registry::parse_normalized_named(node_status::SANDBOX_IMAGE) {
            if self.images.lookup(&pause).is_none() {
                if let Ok(resolved) = registry::resolve(&pause) {
                    self.images.add(&resolved);
                }
            }
        }
        let allocated = self.ipam.as_mut().and_then(IpAllocator::allocate);
        let range = self
            .ipam
            .as_ref()
            .map(IpAllocator::range_set)
            .unwrap_or_default();
        let node = self.node.clone();
        let Some(worker) = self.pods.get_mut(key) else {
            return;
        };
        worker.busy = false;
        let Some(ip) = allocated else {
            // CNI ADD failed: the sandbox is torn down and the sync fails.
            worker.sandbox = Sandbox::None;
            worker.sync_created_sandbox = false;
            worker.sandbox_failed = true;
            worker.sandbox_attempts += 1;
            let sandbox_id = registry::hex64(&format!(
                "sandbox/{node}/{}/{}",
                worker.uid, worker.sandbox_attempts
            ));
            let message = sandbox::failed_create_sandbox_message(&sandbox_id, &range);
            self.event(
                ctx,
                key,
                None,
                EventType::Warning,
                "FailedCreatePodSandBox",
                &message,
            );
            self.trace(
                ctx,
                Stage::Sandbox,
                key,
                Outcome::Failed,
                format!("sandbox for {key} failed: no IP address left in {range}"),
                json!({"error": message}),
            );
            self.end_sync(ctx, key);
            return;
        };
        worker.sandbox = Sandbox::Ready {
            ip: Some(ip.clone()),
        };
        self.trace(
            ctx,
            Stage::Sandbox,
            key,
            Outcome::Ok,
            format!("sandbox for {key} is ready: pod IP {ip}"),
            json!({"podIP": ip}),
        );
        self.advance(ctx, key);
    }

    /// The node's position in registration order (for its pod CIDR and fallback host IP).
    fn node_index(&mut self, ctx: &mut Ctx) -> u32 {
        if let Some(i) = self.node_index {
            return i;
        }
        let mut nodes: Vec<(i64, String)> = ctx
            .api
            .store
            .list(&crate::engine::store::list_prefix("nodes", None))
            .map(|(_, stored)| (stored.create_revision, stored.object.name().to_string()))
            .collect();
        nodes.sort();
        let index = nodes
            .iter()
            .position(|(_, name)| name == &self.node)
            .and_then(|i| u32::try_from(i).ok())
            .unwrap_or_else(|| u32::from(registry::hex64(&self.node).as_bytes()[0]) % 200);
        self.node_index = Some(index);
        index
    }

    /// `EnsureImageExists` then create: returns true when an asynchronous step is in flight, false when
    /// the container failed to start in this sync.
    fn begin_container(&mut self, ctx: &mut Ctx, key: &str, i: usize) -> bool {
        let Some(worker) = self.pods.get(key) else {
            return false;
        };
        let Some(container) = worker.containers.get(i) else {
            return false;
        };
        let image = container.image.clone();
        let name = container.name.clone();
        let policy = PullPolicy::for_container(
            containers::spec_of(&worker.pod, container)
                .and_then(|c| c.image_pull_policy.as_deref()),
            &image,
        );
        let uid = worker.uid.clone();
        let epoch = worker.epoch;

        let reference = match registry::parse_image_name(&image) {
            Ok(r) => r,
            Err(err) => {
                let message = images::invalid_image_message(&image, &err);
                self.event(
                    ctx,
                    key,
                    Some(i),
                    EventType::Warning,
                    "InspectFailed",
                    &message,
                );
                self.fail_container(ctx, key, i, "InvalidImageName", message);
                return false;
            }
        };
        let present = self.images.lookup(&reference).is_some();
        if !images::should_pull(policy, present) {
            if present {
                self.event(
                    ctx,
                    key,
                    Some(i),
                    EventType::Normal,
                    "Pulled",
                    &images::already_present_message(&image),
                );
                self.trace(
                    ctx,
                    Stage::PullImage,
                    key,
                    Outcome::Ok,
                    format!("image {image} for container {name} is already present"),
                    json!({"container": name, "image": image, "present": true, "policy": format!("{policy:?}")}),
                );
                self.after(
                    ctx,
                    containers::CONTAINER_CREATE_MS,
                    KubeletWake::ContainerCreated {
                        pod: key.to_string(),
                        epoch,
                        container: i,
                    },
                );
                self.set_busy(key, true);
                return true;
            }
            let message = images::never_pull_message(&image);
            self.event(
                ctx,
                key,
                Some(i),
                EventType::Warning,
                "ErrImageNeverPull",
                &message,
            );
            self.fail_container(ctx, key, i, "ErrImageNeverPull", message);
            return false;
        }
        let backoff_key = images::backoff_key(&uid, &image);
        if self.backoff.in_backoff(&backoff_key, ctx.now_ms) {
            self.event(
                ctx,
                key,
                Some(i),
                EventType::Normal,
                "BackOff",
                &images::backoff_message(&image),
            );
            let last = self
                .pods
                .get(key)
                .and_then(|w| w.last_pull_error.get(&image).cloned())
                .unwrap_or_default();
            let expires = self.backoff.expires_at(&backoff_key).unwrap_or(ctx.now_ms);
            self.trace(
                ctx,
                Stage::BackOff,
                key,
                Outcome::Failed,
                format!(
                    "image {image} is in back-off for {} more",
                    images::go_duration(expires.saturating_sub(ctx.now_ms))
                ),
                json!({"container": name, "image": image, "retryAtMs": expires}),
            );
            self.fail_container(
                ctx,
                key,
                i,
                "ImagePullBackOff",
                images::backoff_waiting_message(&image, &last),
            );
            return false;
        }
        self.event(
            ctx,
            key,
            Some(i),
            EventType::Normal,
            "Pulling",
            &images::pulling_message(&image),
        );
        let outcome = registry::resolve(&reference)
            .map(|r| r.size_bytes)
            .map_err(|_| ());
        self.puller.settle(ctx.now_ms);
        let slot = self
            .puller
            .enqueue(ctx.now_ms, &reference.normalized(), outcome, present);
        self.trace(
            ctx,
            Stage::PullImage,
            key,
            Outcome::Info,
            format!(
                "pulling {} for container {name} (policy {policy:?}), starts at t={}ms",
                reference.normalized(),
                slot.start_ms
            ),
            json!({"container": name, "image": image, "normalized": reference.normalized(), "startMs": slot.start_ms, "endMs": slot.end_ms}),
        );
        self.after(
            ctx,
            slot.end_ms.saturating_sub(ctx.now_ms),
            KubeletWake::PullDone(PullRequest {
                pod: key.to_string(),
                epoch,
                container: i,
                image: image.clone(),
                requested_ms: ctx.now_ms,
                started_ms: slot.start_ms,
            }),
        );
        self.set_busy(key, true);
        true
    }

    fn set_busy(&mut self, key: &str, busy: bool) {
        if let Some(w) = self.pods.get_mut(key) {
            w.busy = busy;
        }
    }

    /// A container could not be started: `Error: <reason>` and the waiting reason and message.
    fn fail_container(
        &mut self,
        ctx: &mut Ctx,
        key: &str,
        i: usize,
        reason: &str,
        message: String,
    ) {
        self.event(
            ctx,
            key,
            Some(i),
            EventType::Warning,
            "Failed",
            &images::start_error_message(reason),
        );
        if let Some(c) = self.pods.get_mut(key).and_then(|w| w.containers.get_mut(i)) {
            c.state = RuntimeState::Waiting {
                reason: Some(reason.to_string()),
                message: Some(message),
            };
        }
    }

    fn pull_done(&mut self, ctx: &mut Ctx, pull: &PullRequest) {
        let (key, epoch, i) = (pull.pod.as_str(), pull.epoch, pull.container);
        let (requested_ms, started_ms) = (pull.requested_ms, pull.started_ms);
        let image = pull.image.clone();
        let Ok(reference) = registry::parse_image_name(&image) else {
            return;
        };
        match registry::resolve(&reference) {
            Ok(resolved) => {
                // The image lands on the node whatever happened to the pod meanwhile.
                if self.images.add(&resolved) {
                    self.update_node_images(ctx);
                }
                if !self.live(key, epoch) {
                    return;
                }
                let message = images::pulled_message(
                    &image,
                    ctx.now_ms.saturating_sub(started_ms),
                    ctx.now_ms.saturating_sub(requested_ms),
                    resolved.size_bytes,
                );
                self.event(ctx, key, Some(i), EventType::Normal, "Pulled", &message);
                self.trace(
                    ctx,
                    Stage::PullImage,
                    key,
                    Outcome::Ok,
                    format!("pulled {} ({} bytes)", reference.normalized(), resolved.size_bytes),
                    json!({"image": image, "imageID": resolved.repo_digest(), "sizeBytes": resolved.size_bytes,
                           "pullMs": ctx.now_ms.saturating_sub(started_ms), "totalMs": ctx.now_ms.saturating_sub(requested_ms)}),
                );
                let uid = self
                    .pods
                    .get(key)
                    .map(|w| w.uid.clone())
                    .unwrap_or_default();
                self.backoff.reset(&images::backoff_key(&uid, &image));
                self.after(
                    ctx,
                    containers::CONTAINER_CREATE_MS,
                    KubeletWake::ContainerCreated {
                        pod: key.to_string(),
                        epoch,
                        container: i,
                    },
                );
            }
            Err(err) => {
                if !self.live(key, epoch) {
                    return;
                }
                self.event(
                    ctx,
                    key,
                    Some(i),
                    EventType::Warning,
                    "Failed",
                    &images::failed_to_pull_message(&image, &err.message),
                );
                let uid = self
                    .pods
                    .get(key)
                    .map(|w| w.uid.clone())
                    .unwrap_or_default();
                let delay = self
                    .backoff
                    .next(&images::backoff_key(&uid, &image), ctx.now_ms);
                self.trace(
                    ctx,
                    Stage::PullImage,
                    key,
                    Outcome::Failed,
                    format!(
                        "pull of {image} failed; back-off {}",
                        images::go_duration(delay)
                    ),
                    json!({"image": image, "error": err.message, "backOffMs": delay}),
                );
                if let Some(w) = self.pods.get_mut(key) {
                    w.last_pull_error.insert(image.clone(), err.message.clone());
                }
                self.fail_container(ctx, key, i, "ErrImagePull", err.message);
                if let Some(w) = self.pods.get_mut(key) {
                    w.failed_this_sync.push(i);
                    w.busy = false;
                }
                self.advance(ctx, key);
            }
        }
    }

    fn container_created(&mut self, ctx: &mut Ctx, key: &str, i: usize) {
        let node = self.node.clone();
        let Some(worker) = self.pods.get_mut(key) else {
            return;
        };
        let uid = worker.uid.clone();
        let epoch = worker.epoch;
        let Some(c) = worker.containers.get_mut(i) else {
            return;
        };
        let (image, image_id) = match registry::parse_image_name(&c.image) {
            Ok(reference) => match self.images.lookup(&reference) {
                Some(stored) => (
                    stored
                        .repo_tags
                        .first()
                        .cloned()
                        .unwrap_or_else(|| reference.normalized()),
                    stored.repo_digests.first().cloned().unwrap_or_default(),
                ),
                None => match registry::resolve(&reference) {
                    Ok(resolved) => (reference.normalized(), resolved.repo_digest()),
                    Err(_) => (reference.normalized(), String::new()),
                },
            },
            Err(_) => (c.image.clone(), String::new()),
        };
        let id = containers::container_id(&node, &uid, &c.name, c.restart_count);
        c.state = RuntimeState::Created {
            id: id.clone(),
            image,
            image_id,
        };
        let name = c.name.clone();
        self.event(
            ctx,
            key,
            Some(i),
            EventType::Normal,
            "Created",
            containers::CREATED_MESSAGE,
        );
        self.trace(
            ctx,
            Stage::CreateContainer,
            key,
            Outcome::Ok,
            format!(
                "created container {name} ({})",
                containers::container_id_uri(id.get(..12).unwrap_or(&id))
            ),
            json!({"container": name, "containerID": containers::container_id_uri(&id)}),
        );
        self.after(
            ctx,
            containers::CONTAINER_START_MS,
            KubeletWake::ContainerStarted {
                pod: key.to_string(),
                epoch,
                container: i,
            },
        );
    }

    fn container_started(&mut self, ctx: &mut Ctx, key: &str, i: usize) {
        let now = ctx.now_ms;
        let Some(worker) = self.pods.get_mut(key) else {
            return;
        };
        let epoch = worker.epoch;
        let Some(c) = worker.containers.get(i) else {
            return;
        };
        let spec = containers::spec_of(&worker.pod, c);
        let startup = probe_delay_ms(spec.and_then(|s| s.startup_probe.as_ref()));
        let readiness = probe_delay_ms(spec.and_then(|s| s.readiness_probe.as_ref()));
        let kind = c.kind;
        let name = c.name.clone();
        let restart = c.restart_count;
        let RuntimeState::Created {
            id,
            image,
            image_id,
        } = c.state.clone()
        else {
            return;
        };
        let started = startup.is_none();
        let ready = started && readiness.is_none() && kind != ContainerKind::Init;
        if let Some(c) = worker.containers.get_mut(i) {
            c.state = RuntimeState::Running {
                id,
                image,
                image_id,
                started_at_ms: now,
                started,
                ready,
            };
        }
        worker.busy = false;
        self.event(
            ctx,
            key,
            Some(i),
            EventType::Normal,
            "Started",
            containers::STARTED_MESSAGE,
        );
        self.trace(
            ctx,
            Stage::StartContainer,
            key,
            Outcome::Ok,
            format!("started container {name}"),
            json!({"container": name, "state": "running", "ready": ready, "started": started}),
        );
        let pod = key.to_string();
        if kind == ContainerKind::Init {
            self.after(
                ctx,
                containers::INIT_CONTAINER_RUN_MS,
                KubeletWake::InitContainerExited {
                    pod,
                    epoch,
                    container: i,
                },
            );
        } else if let Some(delay) = startup {
            self.after(
                ctx,
                delay,
                KubeletWake::StartupProbeSucceeded {
                    pod,
                    epoch,
                    container: i,
                    restart,
                },
            );
        } else if let Some(delay) = readiness {
            self.after(
                ctx,
                delay,
                KubeletWake::ReadinessProbeSucceeded {
                    pod,
                    epoch,
                    container: i,
                    restart,
                },
            );
        }
        self.advance(ctx, key);
    }

    fn init_container_exited(&mut self, ctx: &mut Ctx, key: &str, i: usize) {
        let now = ctx.now_ms;
        let Some(c) = self.pods.get_mut(key).and_then(|w| w.containers.get_mut(i)) else {
            return;
        };
        if let RuntimeState::Running {
            id,
            image,
            image_id,
            started_at_ms,
            ..
        } = c.state.clone()
        {
            c.state = RuntimeState::Terminated {
                id,
                image,
                image_id,
                exit_code: 0,
                reason: "Completed".into(),
                started_at_ms,
                finished_at_ms: now,
            };
        }
        // The PLEG sees the exit and the pod worker syncs: the status shows it, then the next container starts.
        self.write_status(ctx, key);
        self.start_sync(ctx, key);
    }

    fn startup_probe_succeeded(&mut self, ctx: &mut Ctx, key: &str, i: usize) {
        let Some(worker) = self.pods.get_mut(key) else {
            return;
        };
        let epoch = worker.epoch;
        let restart = worker
            .containers
            .get(i)
            .map(|c| c.restart_count)
            .unwrap_or(0);
        let readiness = worker
            .containers
            .get(i)
            .and_then(|c| containers::spec_of(&worker.pod, c))
            .and_then(|s| probe_delay_ms(s.readiness_probe.as_ref()));
        if let Some(RuntimeState::Running { started, ready, .. }) =
            worker.containers.get_mut(i).map(|c| &mut c.state)
        {
            *started = true;
            *ready = readiness.is_none();
        }
        if let Some(delay) = readiness {
            self.after(
                ctx,
                delay,
                KubeletWake::ReadinessProbeSucceeded {
                    pod: key.to_string(),
                    epoch,
                    container: i,
                    restart,
                },
            );
        }
        self.write_status(ctx, key);
        self.start_sync(ctx, key);
    }

    fn set_ready(&mut self, ctx: &mut Ctx, key: &str, i: usize) {
        if let Some(RuntimeState::Running { ready, started, .. }) = self
            .pods
            .get_mut(key)
            .and_then(|w| w.containers.get_mut(i))
            .map(|c| &mut c.state)
        {
            if *started {
                *ready = true;
            }
        }
        self.write_status(ctx, key);
    }

    // ----- spec changes -----

    /// `computePodActions` for a container whose spec changed (a new image): kill it
    /// (`Container nginx definition changed, will be restarted`), then start it again; a container that
    /// never started just takes the new image.
    fn apply_spec_change(&mut self, ctx: &mut Ctx, key: &str) {
        let Some(worker) = self.pods.get_mut(key) else {
            return;
        };
        let mut to_kill = Vec::new();
        let pod = worker.pod.clone();
        for (i, c) in worker.containers.iter_mut().enumerate() {
            if c.kind == ContainerKind::Init {
                continue;
            }
            let Some(image) = containers::spec_of(&pod, c).and_then(|s| s.image.clone()) else {
                continue;
            };
            if image == c.image {
                continue;
            }
            match c.state {
                RuntimeState::Running { .. } | RuntimeState::Created { .. } => to_kill.push(i),
                RuntimeState::Waiting { .. } => {
                    c.image = image;
                    c.state = RuntimeState::Waiting {
                        reason: None,
                        message: None,
                    };
                }
                RuntimeState::Terminated { .. } => {}
            }
        }
        worker.failed_syncs = 0;
        let epoch = worker.epoch;
        if to_kill.is_empty() {
            self.start_sync(ctx, key);
            return;
        }
        worker.busy = true;
        let names: Vec<String> = to_kill
            .iter()
            .filter_map(|i| worker.containers.get(*i).map(|c| c.name.clone()))
            .collect();
        for (i, name) in to_kill.iter().zip(&names) {
            let message = containers::definition_changed_message(name);
            self.event(ctx, key, Some(*i), EventType::Normal, "Killing", &message);
        }
        self.trace(
            ctx,
            Stage::KillContainer,
            key,
            Outcome::Info,
            format!(
                "restarting {} of {key}: definition changed",
                names.join(", ")
            ),
            json!({"containers": names}),
        );
        self.after(
            ctx,
            containers::CONTAINER_STOP_MS,
            KubeletWake::ContainersReplaced {
                pod: key.to_string(),
                epoch,
                containers: to_kill,
            },
        );
    }

    fn containers_replaced(&mut self, ctx: &mut Ctx, key: &str, replaced: &[usize]) {
        let now = ctx.now_ms;
        let Some(worker) = self.pods.get_mut(key) else {
            return;
        };
        let pod = worker.pod.clone();
        for i in replaced {
            let Some(c) = worker.containers.get_mut(*i) else {
                continue;
            };
            c.last_state = Some(containers::exited(&c.state, now));
            c.restart_count += 1;
            if let Some(image) = containers::spec_of(&pod, c).and_then(|s| s.image.clone()) {
                c.image = image;
            }
            c.state = RuntimeState::Waiting {
                reason: None,
                message: None,
            };
        }
        worker.busy = false;
        self.start_sync(ctx, key);
    }

    // ----- deletion -----

    fn terminate(&mut self, ctx: &mut Ctx, key: &str) {
        let epoch = self.next_epoch;
        self.next_epoch += 1;
        let Some(worker) = self.pods.get_mut(key) else {
            return;
        };
        worker.terminating = true;
        worker.busy = false;
        worker.epoch = epoch;
        // Regular containers first, then sidecars in reverse order.
        let mut order: Vec<usize> = (0..worker.containers.len())
            .filter(|i| worker.containers[*i].kind == ContainerKind::Regular)
            .collect();
        order.extend(
            (0..worker.containers.len())
                .rev()
                .filter(|i| worker.containers[*i].kind == ContainerKind::Sidecar),
        );
        let to_stop: Vec<(usize, String)> = order
            .into_iter()
            .filter(|i| {
                matches!(
                    worker.containers[*i].state,
                    RuntimeState::Running { .. } | RuntimeState::Created { .. }
                )
            })
            .map(|i| (i, worker.containers[i].name.clone()))
            .collect();
        for (i, name) in &to_stop {
            self.event(
                ctx,
                key,
                Some(*i),
                EventType::Normal,
                "Killing",
                &containers::killing_message(name),
            );
        }
        let names: Vec<&str> = to_stop.iter().map(|(_, n)| n.as_str()).collect();
        self.trace(
            ctx,
            Stage::KillContainer,
            key,
            Outcome::Info,
            format!(
                "stopping {key}: {}",
                if names.is_empty() {
                    "no running containers".to_string()
                } else {
                    names.join(", ")
                }
            ),
            json!({"stopping": names}),
        );
        let delay = if to_stop.is_empty() {
            0
        } else {
            containers::CONTAINER_STOP_MS
        };
        self.after(
            ctx,
            delay,
            KubeletWake::ContainersStopped {
                pod: key.to_string(),
                epoch,
            },
        );
    }

    fn containers_stopped(&mut self, ctx: &mut Ctx, key: &str) {
        let now = ctx.now_ms;
        let Some(worker) = self.pods.get_mut(key) else {
            return;
        };
        for c in worker.containers.iter_mut() {
            match c.state.clone() {
                RuntimeState::Running {
                    id,
                    image,
                    image_id,
                    started_at_ms,
                    ..
                } => {
                    c.state = RuntimeState::Terminated {
                        id,
                        image,
                        image_id,
                        exit_code: 0,
                        reason: "Completed".into(),
                        started_at_ms,
                        finished_at_ms: now,
                    };
                }
                RuntimeState::Created {
                    id,
                    image,
                    image_id,
                } => {
                    c.state = RuntimeState::Terminated {
                        id,
                        image,
                        image_id,
                        exit_code: 0,
                        reason: "Completed".into(),
                        started_at_ms: now,
                        finished_at_ms: now,
                    };
                }
                _ => {}
            }
        }
        if let (Sandbox::Ready { ip: Some(ip) }, Some(ipam)) = (&worker.sandbox, self.ipam.as_mut())
        {
            ipam.release(ip);
        }
        worker.sandbox = Sandbox::Removed;
        let stopped: Vec<String> = worker
            .containers
            .iter()
            .filter(|c| matches!(c.state, RuntimeState::Terminated { .. }))
            .map(|c| c.name.clone())
            .collect();
        self.trace(
            ctx,
            Stage::KillContainer,
            key,
            Outcome::Ok,
            format!("containers of {key} exited; sandbox removed"),
            json!({"terminated": stopped}),
        );
        self.write_status(ctx, key);
        let Some(worker) = self.pods.get(key) else {
            return;
        };
        let (ns, name) = key.split_once('/').unwrap_or(("default", key));
        let request = ApiRequest::new(
            Credentials::Kubelet(self.node.clone()),
            Verb::Delete,
            "pods",
        )
        .namespace(ns)
        .name(name)
        .body(RequestBody::Json(json!({"gracePeriodSeconds": 0})));
        let uid = worker.uid.clone();
        let response = ctx.call(request);
        self.trace(
            ctx,
            Stage::StatusUpdate,
            key,
            if response.is_success() {
                Outcome::Ok
            } else {
                Outcome::Failed
            },
            format!(
                "deleted {key} (gracePeriodSeconds=0): HTTP {}",
                response.code
            ),
            json!({"uid": uid, "code": response.code}),
        );
        if response.is_success() || response.code == 404 {
            self.forget_pod(key);
        }
    }

    // ----- status -----

    fn generate_status(
        &mut self,
        ctx: &mut Ctx,
        key: &str,
    ) -> Option<k8s_openapi::api::core::v1::PodStatus> {
        let host_ip = match sandbox::status_host_ip(self.node_object.as_ref()) {
            Some(ip) => ip,
            None => sandbox::fallback_host_ip(self.node_index(ctx)),
        };
        let worker = self.pods.get(key)?;
        let pod_ip = match &worker.sandbox {
            Sandbox::Ready { ip } => ip.as_deref(),
            _ => None,
        };
        let all_stopped = !worker.containers.iter().any(|c| {
            matches!(
                c.state,
                RuntimeState::Running { .. } | RuntimeState::Created { .. }
            )
        });
        Some(status::generate(&status::StatusInput {
            pod: &worker.pod,
            containers: &worker.containers,
            sandbox: match worker.sandbox {
                Sandbox::Ready { .. } => status::SandboxState::Ready,
                Sandbox::None | Sandbox::Creating => status::SandboxState::Missing,
                Sandbox::Removed => status::SandboxState::NotReady,
            },
            pod_ip,
            host_ip: &host_ip,
            start_time_ms: worker.admitted_ms,
            terminal: worker.terminating && all_stopped,
            now_ms: ctx.now_ms,
        }))
    }

    /// Writes the pod's status through `pods/<name>/status` if it changed; on 409 Conflict, GETs the pod
    /// and tries once more.
    fn write_status(&mut self, ctx: &mut Ctx, key: &str) {
        for attempt in 0..2 {
            let Some(new_status) = self.generate_status(ctx, key) else {
                return;
            };
            let Some(worker) = self.pods.get(key) else {
                return;
            };
            let no_status = PodStatus::default();
            let old_status = worker.pod.status.as_ref().unwrap_or(&no_status);
            if Some(&new_status) == worker.pod.status.as_ref() {
                return;
            }
            // The pod with the new status, without copying the old one first.
            let pod = Pod {
                metadata: worker.pod.metadata.clone(),
                spec: worker.pod.spec.clone(),
                status: Some(new_status.clone()),
            };
            let (ns, name) = key.split_once('/').unwrap_or(("default", key));
            let request = ApiRequest::new(
                Credentials::Kubelet(self.node.clone()),
                Verb::Update,
                "pods",
            )
            .namespace(ns)
            .name(name)
            .subresource("status")
            .body(RequestBody::Object(Object::Pod(std::sync::Arc::new(pod))));
            let response = ctx.call(request);
            let summary_of = status_summary;
            let containers = worker
                .containers
                .iter()
                .map(|c| ContainerStateDetails {
                    name: &c.name,
                    state: state_name(&c.state),
                    reason: match &c.state {
                        RuntimeState::Waiting { reason, .. } => reason.as_deref(),
                        RuntimeState::Terminated { reason, .. } => Some(reason.as_str()),
                        _ => None,
                    },
                })
                .collect();
            let data = TraceData::from_serialize(&StatusUpdateDetails {
                before: PhaseDetails {
                    phase: old_status.phase.as_deref(),
                },
                after: NewPhaseDetails {
                    phase: new_status.phase.as_deref(),
                    pod_ip: new_status.pod_ip.as_deref(),
                },
                containers,
                code: response.code,
            });
            if response.is_success() {
                let summary = format!(
                    "status {} → {}",
                    summary_of(old_status),
                    summary_of(&new_status)
                );
                self.trace_data(ctx, Stage::StatusUpdate, key, Outcome::Ok, summary, data);
                if let Some(worker) = self.pods.get_mut(key) {
                    match response.object().and_then(Object::shared_pod) {
                        Some(stored) => worker.pod = Arc::clone(stored),
                        // What was sent: the pod with the new status.
                        None => Arc::make_mut(&mut worker.pod).status = Some(new_status),
                    }
                }
                return;
            }
            self.trace_data(
                ctx,
                Stage::StatusUpdate,
                key,
                Outcome::Failed,
                format!("status update failed: HTTP {}", response.code),
                data,
            );
            if response.code != 409 || attempt > 0 || !self.refresh_pod(ctx, key) {
                return;
            }
        }
    }

    /// GETs the pod (after a conflict); false if it is gone.
    fn refresh_pod(&mut self, ctx: &mut Ctx, key: &str) -> bool {
        let (ns, name) = key.split_once('/').unwrap_or(("default", key));
        let response: ApiResponse = ctx.call(
            ApiRequest::new(Credentials::Kubelet(self.node.clone()), Verb::Get, "pods")
                .namespace(ns)
                .name(name),
        );
        match (
            response.object().and_then(Object::shared_pod),
            self.pods.get_mut(key),
        ) {
            (Some(pod), Some(worker))
                if pod.metadata.uid.as_deref() == Some(worker.uid.as_str()) =>
            {
                worker.pod = Arc::clone(pod);
                true
            }
            _ => false,
        }
    }

    /// Reports the image store in `status.images` through `nodes/<name>/status`.
    fn update_node_images(&mut self, ctx: &mut Ctx) {
        for attempt in 0..2 {
            if self.node_object.is_none() || attempt > 0 {
                let response = ctx.call(
                    ApiRequest::new(Credentials::Kubelet(self.node.clone()), Verb::Get, "nodes")
                        .name(self.node.clone()),
                );
                match response.object().and_then(Object::as_node) {
                    Some(node) => self.node_object = Some(node.clone()),
                    None => return,
                }
            }
            let Some(node) = self.node_object.as_ref() else {
                return;
            };
            let images = node_status::node_images(&self.images);
            let count = images.len();
            let updated = node_status::with_images(node, images);
            let request = ApiRequest::new(
                Credentials::Kubelet(self.node.clone()),
                Verb::Update,
                "nodes",
            )
            .name(self.node.clone())
            .subresource("status")
            .body(RequestBody::Object(Object::Node(std::sync::Arc::new(
                updated.clone(),
            ))));
            let response = ctx.call(request);
            let outcome = if response.is_success() {
                Outcome::Ok
            } else {
                Outcome::Failed
            };
            ctx.record(
                Component::Kubelet(self.node.clone()),
                Stage::StatusUpdate,
                object_ref("nodes", None, &self.node),
                outcome,
                format!("node status: {count} image(s) (HTTP {})", response.code),
                json!({"images": count, "code": response.code}),
            );
            if response.is_success() {
                self.node_object = Some(match response.object().and_then(Object::as_node) {
                    Some(n) => n.clone(),
                    None => updated,
                });
                return;
            }
            if response.code != 409 {
                return;
            }
        }
    }
}
