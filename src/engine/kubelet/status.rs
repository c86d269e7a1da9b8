//! The pod status the kubelet reports: phase, conditions, container statuses, IPs.
//!
//! Mirrors `pkg/kubelet/kubelet_pods.go` (`generateAPIPodStatus`, `getPhase`,
//! `convertToAPIContainerStatuses`), `pkg/kubelet/status/generate.go` (the Initialized, ContainersReady
//! and Ready conditions with their reasons and messages) and the status manager's condition handling
//! (`lastTransitionTime` changes only when a condition's status changes).
//!
//! Order of conditions, as a v1.36 cluster stores them: PodReadyToStartContainers, Initialized, Ready,
//! ContainersReady, then the conditions the kubelet does not own (PodScheduled, ...) in their old order.
//! Container statuses are sorted by name; init container statuses keep spec order. With
//! PodObservedGenerationTracking (on by default since v1.34) the status and every kubelet condition carry
//! `observedGeneration`.
//!
//! Simplification: the container's user is `runAsUser`/`runAsGroup` (else root, as for most images), its
//! supplemental groups the primary group, `fsGroup` and `supplementalGroups`.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{
    Container, ContainerState, ContainerStateRunning, ContainerStateTerminated,
    ContainerStateWaiting, ContainerStatus, ContainerUser, HostIP, LinuxContainerUser, Pod,
    PodCondition, PodIP, PodStatus, ResourceRequirements, VolumeMountStatus,
};

use super::containers::{container_id_uri, spec_of, ContainerKind, RuntimeContainer, RuntimeState};
use crate::engine::time::meta_time;

pub const CONTAINER_CREATING: &str = "ContainerCreating";
pub const POD_INITIALIZING: &str = "PodInitializing";
pub const CONTAINERS_NOT_READY: &str = "ContainersNotReady";
pub const CONTAINERS_NOT_INITIALIZED: &str = "ContainersNotInitialized";
pub const READINESS_GATES_NOT_READY: &str = "ReadinessGatesNotReady";
pub const POD_COMPLETED: &str = "PodCompleted";
pub const POD_FAILED: &str = "PodFailed";

/// The reason of PodReadyToStartContainers=False (`kubetypes.PodSandboxNotReadyReason`, v1.36+).
pub const POD_SANDBOX_NOT_READY: &str = "PodSandboxNotReady";
/// Its message before any sandbox exists.
pub const NO_POD_SANDBOX_MESSAGE: &str = "no pod sandbox exists";
/// Its message once the sandbox was stopped.
pub const SANDBOX_NOT_READY_MESSAGE: &str = "pod sandbox is not ready";

/// Condition types the kubelet owns (`kubetypes.PodConditionsByKubelet`), in the order it reports them.
pub const KUBELET_CONDITIONS: [&str; 5] = [
    "PodReadyToStartContainers",
    "Initialized",
    "Ready",
    "ContainersReady",
    "PodScheduled",
];

/// The pod sandbox as `PodSandboxChanged` sees it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SandboxState {
    /// No sandbox was created yet.
    Missing,
    /// The sandbox is up with its network.
    Ready,
    /// The sandbox was stopped (the pod is terminating or terminated).
    NotReady,
}

/// `GeneratePodReadyToStartContainersCondition`.
pub fn ready_to_start_condition(sandbox: SandboxState) -> Condition {
    match sandbox {
        SandboxState::Ready => Condition::new("PodReadyToStartContainers", true),
        SandboxState::Missing => Condition::new("PodReadyToStartContainers", false)
            .with(POD_SANDBOX_NOT_READY, Some(NO_POD_SANDBOX_MESSAGE.into())),
        SandboxState::NotReady => Condition::new("PodReadyToStartContainers", false).with(
            POD_SANDBOX_NOT_READY,
            Some(SANDBOX_NOT_READY_MESSAGE.into()),
        ),
    }
}

/// What the status is generated from.
#[derive(Clone, Debug)]
pub struct StatusInput<'a> {
    /// The pod as last seen (its current status supplies transition times and foreign conditions).
    pub pod: &'a Pod,
    pub containers: &'a [RuntimeContainer],
    /// The pod sandbox (PodReadyToStartContainers).
    pub sandbox: SandboxState,
    pub pod_ip: Option<&'a str>,
    pub host_ip: &'a str,
    /// When the kubelet admitted the pod (`startTime`).
    pub start_time_ms: u64,
    /// The pod is being deleted and its containers have stopped.
    pub terminal: bool,
    pub now_ms: u64,
}

/// One condition as `generate.go` computes it (before transition times).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Condition {
    pub type_: &'static str,
    pub status: bool,
    pub reason: Option<String>,
    pub message: Option<String>,
}

impl Condition {
    fn new(type_: &'static str, status: bool) -> Self {
        Condition {
            type_,
            status,
            reason: None,
            message: None,
        }
    }

    fn with(mut self, reason: &str, message: Option<String>) -> Self {
        self.reason = Some(reason.to_string());
        self.message = message;
        self
    }
}

/// Go's `%s` of a `[]string`: `[a b]`.
fn go_list(names: &[&str]) -> String {
    format!("[{}]", names.join(" "))
}

fn is_ready(c: &RuntimeContainer) -> bool {
    match &c.state {
        RuntimeState::Running { ready, .. } => *ready,
        RuntimeState::Terminated { exit_code, .. } => {
            c.kind == ContainerKind::Init && *exit_code == 0
        }
        _ => false,
    }
}

fn is_started(c: &RuntimeContainer) -> bool {
    matches!(&c.state, RuntimeState::Running { started: true, .. })
}

/// `getPhase`.
pub fn pod_phase(
    containers: &[RuntimeContainer],
    restart_policy: &str,
    terminal: bool,
    initialized_before: bool,
) -> &'static str {
    let mut pending_init = 0;
    let mut pending_sidecars = 0;
    let mut failed_init = 0;
    let (mut running, mut waiting, mut stopped, mut succeeded) = (0, 0, 0, 0);
    for c in containers {
        match (c.kind, &c.state) {
            (ContainerKind::Init, RuntimeState::Terminated { exit_code, .. }) => {
                if *exit_code != 0 {
                    failed_init += 1;
                }
            }
            (ContainerKind::Init, _) => pending_init += 1,
            (ContainerKind::Sidecar, RuntimeState::Running { started, .. }) => {
                if !started {
                    pending_sidecars += 1;
                }
                running += 1;
            }
            (ContainerKind::Sidecar, RuntimeState::Terminated { .. }) => {}
            (ContainerKind::Sidecar, _) => {
                pending_sidecars += 1;
                waiting += 1;
            }
            (ContainerKind::Regular, RuntimeState::Running { .. }) => running += 1,
            (ContainerKind::Regular, RuntimeState::Terminated { exit_code, .. }) => {
                stopped += 1;
                if *exit_code == 0 {
                    succeeded += 1;
                }
            }
            (ContainerKind::Regular, _) => waiting += 1,
        }
    }
    if failed_init > 0 && restart_policy == "Never" {
        return "Failed";
    }
    if pending_init > 0 || (pending_sidecars > 0 && !initialized_before) || waiting > 0 {
        return "Pending";
    }
    if running > 0 {
        return "Running";
    }
    if stopped > 0 {
        if terminal {
            return if stopped == succeeded {
                "Succeeded"
            } else {
                "Failed"
            };
        }
        if restart_policy == "Always" {
            return "Running";
        }
        if stopped == succeeded {
            return "Succeeded";
        }
        if restart_policy == "Never" {
            return "Failed";
        }
        return "Running";
    }
    "Pending"
}

/// `GeneratePodInitializedCondition`.
pub fn initialized_condition(containers: &[RuntimeContainer], phase: &str) -> Condition {
    if phase == "Succeeded" {
        return Condition::new("Initialized", true).with(POD_COMPLETED, None);
    }
    let any_regular_started = containers.iter().any(|c| {
        c.kind == ContainerKind::Regular
            && matches!(
                c.state,
                RuntimeState::Running { .. } | RuntimeState::Terminated { .. }
            )
    });
    if any_regular_started {
        return Condition::new("Initialized", true);
    }
    let incomplete: Vec<&str> = containers
        .iter()
        .filter(|c| match c.kind {
            ContainerKind::Sidecar => !is_started(c),
            ContainerKind::Init => {
                !matches!(c.state, RuntimeState::Terminated { exit_code: 0, .. })
            }
            ContainerKind::Regular => false,
        })
        .map(|c| c.name.as_str())
        .collect();
    if incomplete.is_empty() {
        return Condition::new("Initialized", true);
    }
    Condition::new("Initialized", false).with(
        CONTAINERS_NOT_INITIALIZED,
        Some(format!(
            "containers with incomplete status: {}",
            go_list(&incomplete)
        )),
    )
}

/// `GenerateContainersReadyCondition`: sidecars then regular containers must be ready.
pub fn containers_ready_condition(containers: &[RuntimeContainer], phase: &str) -> Condition {
    if phase == "Succeeded" {
        return Condition::new("ContainersReady", false).with(POD_COMPLETED, None);
    }
    if phase == "Failed" {
        return Condition::new("ContainersReady", false).with(POD_FAILED, None);
    }
    let unready: Vec<&str> = containers
        .iter()
        .filter(|c| c.kind != ContainerKind::Init && !is_ready(c))
        .map(|c| c.name.as_str())
        .collect();
    if unready.is_empty() {
        return Condition::new("ContainersReady", true);
    }
    Condition::new("ContainersReady", false).with(
        CONTAINERS_NOT_READY,
        Some(format!(
            "containers with unready status: {}",
            go_list(&unready)
        )),
    )
}

/// `GeneratePodReadyCondition`: ContainersReady, then every readiness gate's condition must be True.
pub fn ready_condition(pod: &Pod, containers_ready: &Condition) -> Condition {
    if !containers_ready.status {
        return Condition {
            type_: "Ready",
            ..containers_ready.clone()
        };
    }
    let gates = pod.spec.as_ref().and_then(|s| s.readiness_gates.as_ref());
    let conditions = pod.status.as_ref().and_then(|s| s.conditions.as_ref());
    let mut unready = Vec::new();
    for gate in gates.into_iter().flatten() {
        let found = conditions
            .into_iter()
            .flatten()
            .find(|c| c.type_ == gate.condition_type);
        match found {
            None => unready.push(format!(
                "corresponding condition of pod readiness gate {:?} does not exist.",
                gate.condition_type
            )),
            Some(c) if c.status != "True" => unready.push(format!(
                "the status of pod readiness gate {:?} is not \"True\", but {}",
                gate.condition_type, c.status
            )),
            Some(_) => {}
        }
    }
    if unready.is_empty() {
        Condition::new("Ready", true)
    } else {
        Condition::new("Ready", false).with(READINESS_GATES_NOT_READY, Some(unready.join(", ")))
    }
}

fn container_user(pod: &Pod, container: Option<&Container>) -> ContainerUser {
    let pod_sc = pod.spec.as_ref().and_then(|s| s.security_context.as_ref());
    let sc = container.and_then(|c| c.security_context.as_ref());
    let uid = sc
        .and_then(|s| s.run_as_user)
        .or(pod_sc.and_then(|s| s.run_as_user))
        .unwrap_or(0);
    let gid = sc
        .and_then(|s| s.run_as_group)
        .or(pod_sc.and_then(|s| s.run_as_group))
        .unwrap_or(0);
    let mut groups = vec![gid];
    if let Some(fs_group) = pod_sc.and_then(|s| s.fs_group) {
        groups.push(fs_group);
    }
    groups.extend(
        pod_sc
            .and_then(|s| s.supplemental_groups.clone())
            .unwrap_or_default(),
    );
    let mut seen = Vec::new();
    groups.retain(|g| {
        let new = !seen.contains(g);
        seen.push(*g);
        new
    });
    ContainerUser {
        linux: Some(LinuxContainerUser {
            uid,
            gid,
            supplemental_groups: Some(groups),
        }),
    }
}

fn volume_mounts(container: Option<&Container>) -> Option<Vec<VolumeMountStatus>> {
    let mounts = container?.volume_mounts.as_ref()?;
    if mounts.is_empty() {
        return None;
    }
    Some(
        mounts
            .iter()
            .map(|m| {
                let read_only = m.read_only.unwrap_or(false);
                let recursive = match m.recursive_read_only.as_deref() {
                    Some("Enabled") | Some("IfPossible") if read_only => "Enabled",
                    _ => "Disabled",
                };
                VolumeMountStatus {
                    name: m.name.clone(),
                    mount_path: m.mount_path.clone(),
                    read_only: read_only.then_some(true),
                    recursive_read_only: read_only.then(|| recursive.to_string()),
                    volume_status: None,
                }
            })
            .collect(),
    )
}

/// `state.terminated` (or `lastState.terminated`) of an exited container; empty for other states.
fn terminated_state(state: &RuntimeState) -> ContainerState {
    let RuntimeState::Terminated {
        id,
        exit_code,
        reason,
        started_at_ms,
        finished_at_ms,
        ..
    } = state
    else {
        return ContainerState::default();
    };
    ContainerState {
        terminated: Some(ContainerStateTerminated {
            container_id: Some(container_id_uri(id)),
            exit_code: *exit_code,
            finished_at: Some(meta_time(*finished_at_ms)),
            reason: Some(reason.clone()),
            started_at: Some(meta_time(*started_at_ms)),
            ..Default::default()
        }),
        ..Default::default()
    }
}

/// The status of one container.
pub fn container_status(pod: &Pod, c: &RuntimeContainer, default_waiting: &str) -> ContainerStatus {
    let spec = spec_of(pod, c);
    let mut status = ContainerStatus {
        name: c.name.clone(),
        image: c.image.clone(),
        image_id: String::new(),
        last_state: Some(
            c.last_state
                .as_ref()
                .map(terminated_state)
                .unwrap_or_default(),
        ),
        ready: is_ready(c),
        restart_count: c.restart_count,
        started: Some(is_started(c)),
        ..Default::default()
    };
    let waiting = |reason: &str, message: Option<String>| ContainerState {
        waiting: Some(ContainerStateWaiting {
            reason: Some(reason.to_string()),
            message,
        }),
        ..Default::default()
    };
    let (id, image, image_id, state) = match &c.state {
        RuntimeState::Waiting { reason, message } => {
            let reason = reason.as_deref().unwrap_or(default_waiting);
            status.state = Some(waiting(reason, message.clone()));
            return status;
        }
        RuntimeState::Created {
            id,
            image,
            image_id,
        } => (id, image, image_id, waiting(default_waiting, None)),
        RuntimeState::Running {
            id,
            image,
            image_id,
            started_at_ms,
            ..
        } => (
            id,
            image,
            image_id,
            ContainerState {
                running: Some(ContainerStateRunning {
                    started_at: Some(meta_time(*started_at_ms)),
                }),
                ..Default::default()
            },
        ),
        RuntimeState::Terminated {
            id,
            image,
            image_id,
            ..
        } => (id, image, image_id, terminated_state(&c.state)),
    };
    let resources = spec.and_then(|s| s.resources.clone()).unwrap_or_default();
    let requests = resources.requests.clone().filter(|r| !r.is_empty());
    status.allocated_resources = requests.clone();
    status.resources = Some(ResourceRequirements {
        requests,
        limits: resources.limits.clone().filter(|l| !l.is_empty()),
        claims: None,
    });
    status.container_id = Some(container_id_uri(id));
    status.image = image.clone();
    status.image_id = image_id.clone();
    status.state = Some(state);
    status.user = Some(container_user(pod, spec));
    status.volume_mounts = volume_mounts(spec);
    status
}

/// Turns computed conditions into API conditions: `lastTransitionTime` is kept from the old condition of
/// the same type when the status did not change.
fn api_condition(
    c: &Condition,
    old: &[PodCondition],
    generation: Option<i64>,
    now_ms: u64,
) -> PodCondition {
    let status = if c.status { "True" } else { "False" };
    let previous = old.iter().find(|o| o.type_ == c.type_);
    let last_transition_time = match previous {
        Some(p) if p.status == status && p.last_transition_time.is_some() => {
            p.last_transition_time.clone()
        }
        _ => Some(meta_time(now_ms)),
    };
    PodCondition {
        type_: c.type_.to_string(),
        status: status.to_string(),
        reason: c.reason.clone(),
        message: c.message.clone(),
        last_transition_time,
        last_probe_time: None,
        observed_generation: generation,
    }
}

/// `generateAPIPodStatus` merged into the pod's current status.
pub fn generate(input: &StatusInput) -> PodStatus {
    let pod = input.pod;
    let old = pod.status.clone().unwrap_or_default();
    let old_conditions = old.conditions.clone().unwrap_or_default();
    let generation = pod.metadata.generation;
    let restart_policy = pod
        .spec
        .as_ref()
        .and_then(|s| s.restart_policy.as_deref())
        .unwrap_or("Always");
    let initialized_before = old_conditions
        .iter()
        .any(|c| c.type_ == "Initialized" && c.status == "True");
    let computed = pod_phase(
        input.containers,
        restart_policy,
        input.terminal,
        initialized_before,
    );
    // Pods are not allowed to transition out of a terminal phase.
    let phase = match old.phase.as_deref() {
        Some("Succeeded") => "Succeeded",
        Some("Failed") => "Failed",
        _ => computed,
    };

    let ready_to_start = ready_to_start_condition(input.sandbox);
    let initialized = initialized_condition(input.containers, phase);
    let containers_ready = containers_ready_condition(input.containers, phase);
    let ready = ready_condition(pod, &containers_ready);
    let scheduled = Condition::new("PodScheduled", true);
    // Conditions the kubelet does not own come first, then the kubelet's, in upstream order.
    let mut conditions: Vec<PodCondition> = old_conditions
        .iter()
        .filter(|c| !KUBELET_CONDITIONS.contains(&c.type_.as_str()))
        .cloned()
        .collect();
    conditions.extend(
        [
            ready_to_start,
            initialized,
            ready,
            containers_ready,
            scheduled,
        ]
        .iter()
        .map(|c| api_condition(c, &old_conditions, generation, input.now_ms)),
    );

    let has_init = input.containers.iter().any(|c| c.kind.is_init());
    let default_waiting = if has_init {
        POD_INITIALIZING
    } else {
        CONTAINER_CREATING
    };
    let init_statuses: Vec<ContainerStatus> = input
        .containers
        .iter()
        .filter(|c| c.kind.is_init())
        .map(|c| container_status(pod, c, default_waiting))
        .collect();
    let mut regular: BTreeMap<&str, ContainerStatus> = BTreeMap::new();
    for c in input
        .containers
        .iter()
        .filter(|c| c.kind == ContainerKind::Regular)
    {
        regular.insert(c.name.as_str(), container_status(pod, c, default_waiting));
    }

    let pod_ip = input.pod_ip.map(str::to_string).or(old.pod_ip.clone());
    PodStatus {
        conditions: Some(conditions),
        container_statuses: Some(regular.into_values().collect()),
        init_container_statuses: (!init_statuses.is_empty()).then_some(init_statuses),
        host_ip: Some(input.host_ip.to_string()),
        host_ips: Some(vec![HostIP {
            ip: input.host_ip.to_string(),
        }]),
        observed_generation: generation.or(old.observed_generation),
        phase: Some(phase.to_string()),
        pod_ips: pod_ip.clone().map(|ip| vec![PodIP { ip }]),
        pod_ip,
        start_time: old
            .start_time
            .clone()
            .or_else(|| Some(meta_time(input.start_time_ms))),
        ..old
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::kubelet::containers::containers_of;
    use k8s_openapi::api::core::v1::{PodReadinessGate, PodSpec, SecurityContext, VolumeMount};
    use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
    use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

    fn pod(init: &[(&str, bool)], regular: &[&str]) -> Pod {
        let c = |name: &str, sidecar: bool| Container {
            name: name.into(),
            image: Some("nginx:latest".into()),
            restart_policy: sidecar.then(|| "Always".into()),
            ..Default::default()
        };
        Pod {
            metadata: ObjectMeta {
                name: Some("demo-pod".into()),
                generation: Some(1),
                ..Default::default()
            },
            spec: Some(PodSpec {
                init_containers: (!init.is_empty())
                    .then(|| init.iter().map(|(n, s)| c(n, *s)).collect()),
                containers: regular.iter().map(|n| c(n, false)).collect(),
                restart_policy: Some("Always".into()),
                ..Default::default()
            }),
            status: Some(PodStatus {
                phase: Some("Pending".into()),
                qos_class: Some("BestEffort".into()),
                conditions: Some(vec![PodCondition {
                    type_: "PodScheduled".into(),
                    status: "True".into(),
                    last_transition_time: Some(meta_time(0)),
                    ..Default::default()
                }]),
                ..Default::default()
            }),
        }
    }

    fn running(ready: bool) -> RuntimeState {
        RuntimeState::Running {
            id: "abc".into(),
            image: "docker.io/library/nginx:latest".into(),
            image_id: "docker.io/library/nginx@sha256:def".into(),
            started_at_ms: 3_000,
            started: true,
            ready,
        }
    }

    fn completed() -> RuntimeState {
        RuntimeState::Terminated {
            id: "abc".into(),
            image: "i".into(),
            image_id: "d".into(),
            exit_code: 0,
            reason: "Completed".into(),
            started_at_ms: 1_000,
            finished_at_ms: 2_000,
        }
    }

    fn input<'a>(
        pod: &'a Pod,
        containers: &'a [RuntimeContainer],
        sandbox: bool,
    ) -> StatusInput<'a> {
        StatusInput {
            pod,
            containers,
            sandbox: if sandbox {
                SandboxState::Ready
            } else {
                SandboxState::Missing
            },
            pod_ip: sandbox.then_some("10.244.1.2"),
            host_ip: "172.18.0.3",
            start_time_ms: 1_000,
            terminal: false,
            now_ms: 5_000,
        }
    }

    fn summary(status: &PodStatus) -> Vec<String> {
        status
            .conditions
            .iter()
            .flatten()
            .map(|c| {
                format!(
                    "{}={} {} {}",
                    c.type_,
                    c.status,
                    c.reason.clone().unwrap_or_default(),
                    c.message.clone().unwrap_or_default()
                )
                .trim_end()
                .to_string()
            })
            .collect()
    }

    #[test]
    fn should_report_container_creating_before_the_sandbox_exists() {
        let p = pod(&[], &["nginx"]);
        let cs = containers_of(&p);
        let status = generate(&input(&p, &cs, false));
        assert_eq!(status.phase.as_deref(), Some("Pending"));
        assert_eq!(
            summary(&status),
            [
                "PodReadyToStartContainers=False PodSandboxNotReady no pod sandbox exists",
                "Initialized=True",
                "Ready=False ContainersNotReady containers with unready status: [nginx]",
                "ContainersReady=False ContainersNotReady containers with unready status: [nginx]",
                "PodScheduled=True",
            ]
        );
        let json = serde_json::to_value(&status.container_statuses.as_ref().unwrap()[0]).unwrap();
        assert_eq!(
            json,
            serde_json::json!({
                "image": "nginx:latest", "imageID": "", "lastState": {}, "name": "nginx", "ready": false,
                "restartCount": 0, "started": false, "state": {"waiting": {"reason": "ContainerCreating"}}
            })
        );
        assert_eq!(status.pod_ip, None);
        assert_eq!(status.host_ip.as_deref(), Some("172.18.0.3"));
        assert_eq!(status.qos_class.as_deref(), Some("BestEffort"));
        assert_eq!(status.observed_generation, Some(1));
        assert_eq!(
            serde_json::to_value(&status.start_time).unwrap(),
            "2026-01-01T00:00:01Z"
        );
    }

    #[test]
    fn should_report_running_and_ready_with_runtime_fields() {
        let mut p = pod(&[], &["nginx"]);
        if let Some(c) = p.spec.as_mut().map(|s| &mut s.containers[0]) {
            c.volume_mounts = Some(vec![VolumeMount {
                name: "kube-api-access-abcde".into(),
                mount_path: "/var/run/secrets/kubernetes.io/serviceaccount".into(),
                read_only: Some(true),
                ..Default::default()
            }]);
        }
        let mut cs = containers_of(&p);
        cs[0].state = running(true);
        let status = generate(&input(&p, &cs, true));
        assert_eq!(status.phase.as_deref(), Some("Running"));
        assert_eq!(
            summary(&status),
            [
                "PodReadyToStartContainers=True",
                "Initialized=True",
                "Ready=True",
                "ContainersReady=True",
                "PodScheduled=True"
            ]
        );
        let json = serde_json::to_value(&status.container_statuses.as_ref().unwrap()[0]).unwrap();
        assert_eq!(
            json,
            serde_json::json!({
                "containerID": "containerd://abc",
                "image": "docker.io/library/nginx:latest",
                "imageID": "docker.io/library/nginx@sha256:def",
                "lastState": {},
                "name": "nginx",
                "ready": true,
                "resources": {},
                "restartCount": 0,
                "started": true,
                "state": {"running": {"startedAt": "2026-01-01T00:00:03Z"}},
                "user": {"linux": {"gid": 0, "supplementalGroups": [0], "uid": 0}},
                "volumeMounts": [{
                    "mountPath": "/var/run/secrets/kubernetes.io/serviceaccount",
                    "name": "kube-api-access-abcde",
                    "readOnly": true,
                    "recursiveReadOnly": "Disabled"
                }]
            })
        );
        assert_eq!(status.pod_ip.as_deref(), Some("10.244.1.2"));
        assert_eq!(
            serde_json::to_value(&status.pod_ips).unwrap(),
            serde_json::json!([{"ip": "10.244.1.2"}])
        );
        let conditions = status.conditions.unwrap();
        assert_eq!(conditions[0].observed_generation, Some(1));
        assert_eq!(
            serde_json::to_value(&conditions[0].last_transition_time).unwrap(),
            "2026-01-01T00:00:05Z"
        );
        assert_eq!(
            serde_json::to_value(&conditions[4].last_transition_time).unwrap(),
            "2026-01-01T00:00:00Z"
        );
    }

    #[test]
    fn should_keep_transition_times_while_a_condition_holds() {
        let p0 = pod(&[], &["nginx"]);
        let cs = containers_of(&p0);
        let mut p1 = p0.clone();
        p1.status = Some(generate(&StatusInput {
            now_ms: 1_000,
            ..input(&p0, &cs, false)
        }));
        let mut cs_running = cs.clone();
        cs_running[0].state = running(false);
        let status = generate(&StatusInput {
            now_ms: 9_000,
            ..input(&p1, &cs_running, true)
        });
        let times: Vec<String> = status
            .conditions
            .iter()
            .flatten()
            .map(|c| {
                serde_json::to_value(&c.last_transition_time)
                    .unwrap()
                    .as_str()
                    .unwrap_or("")
                    .to_string()
            })
            .collect();
        assert_eq!(
            times,
            [
                "2026-01-01T00:00:09Z", // sandbox became ready
                "2026-01-01T00:00:01Z",
                "2026-01-01T00:00:01Z", // still not ready (readiness probe pending)
                "2026-01-01T00:00:01Z",
                "2026-01-01T00:00:00Z",
            ]
        );
    }

    #[test]
    fn should_report_init_containers_in_progress() {
        let p = pod(
            &[("init-myservice", false), ("init-mydb", false)],
            &["myapp"],
        );
        let mut cs = containers_of(&p);
        let status = generate(&input(&p, &cs, true));
        assert_eq!(status.phase.as_deref(), Some("Pending"));
        assert_eq!(
            summary(&status)[1],
            "Initialized=False ContainersNotInitialized containers with incomplete status: [init-myservice init-mydb]"
        );
        let reasons = |s: &PodStatus| -> Vec<String> {
            s.init_container_statuses
                .iter()
                .flatten()
                .chain(s.container_statuses.iter().flatten())
                .map(|c| {
                    let st = c.state.as_ref().unwrap();
                    st.waiting
                        .as_ref()
                        .and_then(|w| w.reason.clone())
                        .or(st.terminated.as_ref().and_then(|t| t.reason.clone()))
                        .unwrap_or_else(|| "Running".into())
                })
                .collect()
        };
        assert_eq!(
            reasons(&status),
            ["PodInitializing", "PodInitializing", "PodInitializing"]
        );
        cs[0].state = completed();
        let status = generate(&input(&p, &cs, true));
        assert_eq!(
            reasons(&status),
            ["Completed", "PodInitializing", "PodInitializing"]
        );
        assert!(status.init_container_statuses.as_ref().unwrap()[0].ready);
        assert_eq!(
            summary(&status)[1],
            "Initialized=False ContainersNotInitialized containers with incomplete status: [init-mydb]"
        );
        cs[1].state = completed();
        cs[2].state = running(true);
        let status = generate(&input(&p, &cs, true));
        assert_eq!(status.phase.as_deref(), Some("Running"));
        assert_eq!(summary(&status)[1], "Initialized=True");
    }

    #[test]
    fn should_count_sidecars_in_readiness() {
        let p = pod(&[("logshipper", true)], &["app"]);
        let mut cs = containers_of(&p);
        cs[0].state = running(false);
        cs[1].state = running(true);
        let status = generate(&input(&p, &cs, true));
        assert_eq!(
            summary(&status)[3],
            "ContainersReady=False ContainersNotReady containers with unready status: [logshipper]"
        );
    }

    #[test]
    fn should_keep_foreign_conditions_first_and_regenerate_pod_scheduled() {
        let mut p = pod(&[], &["nginx"]);
        if let Some(status) = p.status.as_mut() {
            status
                .conditions
                .get_or_insert_with(Vec::new)
                .push(PodCondition {
                    type_: "www.example.com/feature-1".into(),
                    status: "True".into(),
                    ..Default::default()
                });
        }
        let cs = containers_of(&p);
        let status = generate(&input(&p, &cs, false));
        let types: Vec<_> = status
            .conditions
            .unwrap()
            .into_iter()
            .map(|c| (c.type_, c.observed_generation))
            .collect();
        assert_eq!(
            types,
            [
                ("www.example.com/feature-1".to_string(), None),
                ("PodReadyToStartContainers".to_string(), Some(1)),
                ("Initialized".to_string(), Some(1)),
                ("Ready".to_string(), Some(1)),
                ("ContainersReady".to_string(), Some(1)),
                ("PodScheduled".to_string(), Some(1)),
            ]
        );
    }

    #[test]
    fn should_explain_readiness_gates() {
        let mut p = pod(&[], &["nginx"]);
        if let Some(spec) = p.spec.as_mut() {
            spec.readiness_gates = Some(vec![PodReadinessGate {
                condition_type: "www.example.com/feature-1".into(),
            }]);
        }
        let mut cs = containers_of(&p);
        cs[0].state = running(true);
        let status = generate(&input(&p, &cs, true));
        assert_eq!(
            summary(&status)[2],
            "Ready=False ReadinessGatesNotReady corresponding condition of pod readiness gate \"www.example.com/feature-1\" does not exist."
        );
        assert_eq!(summary(&status)[3], "ContainersReady=True");
    }

    #[test]
    fn should_report_a_terminated_pod_as_succeeded() {
        let p = pod(&[], &["nginx"]);
        let mut cs = containers_of(&p);
        cs[0].state = completed();
        let status = generate(&StatusInput {
            terminal: true,
            sandbox: SandboxState::NotReady,
            ..input(&p, &cs, false)
        });
        assert_eq!(status.phase.as_deref(), Some("Succeeded"));
        assert_eq!(
            summary(&status),
            [
                "PodReadyToStartContainers=False PodSandboxNotReady pod sandbox is not ready",
                "Initialized=True PodCompleted",
                "Ready=False PodCompleted",
                "ContainersReady=False PodCompleted",
                "PodScheduled=True"
            ]
        );
    }

    #[test]
    fn should_never_leave_a_terminal_phase() {
        let mut p = pod(&[], &["nginx"]);
        if let Some(status) = p.status.as_mut() {
            status.phase = Some("Succeeded".into());
        }
        let mut cs = containers_of(&p);
        cs[0].state = running(true);
        assert_eq!(
            generate(&input(&p, &cs, true)).phase.as_deref(),
            Some("Succeeded")
        );
    }

    #[test]
    fn should_compute_the_phase_like_get_phase() {
        let p = pod(&[], &["a", "b"]);
        let mut cs = containers_of(&p);
        assert_eq!(pod_phase(&cs, "Always", false, false), "Pending");
        cs[0].state = running(true);
        assert_eq!(
            pod_phase(&cs, "Always", false, false),
            "Pending",
            "one container still waiting"
        );
        cs[1].state = running(true);
        assert_eq!(pod_phase(&cs, "Always", false, false), "Running");
        cs[0].state = completed();
        cs[1].state = completed();
        assert_eq!(pod_phase(&cs, "Always", false, false), "Running");
        assert_eq!(pod_phase(&cs, "OnFailure", false, false), "Succeeded");
        assert_eq!(pod_phase(&cs, "Always", true, false), "Succeeded");
        if let RuntimeState::Terminated { exit_code, .. } = &mut cs[1].state {
            *exit_code = 1;
        }
        assert_eq!(pod_phase(&cs, "Never", false, false), "Failed");
        assert_eq!(pod_phase(&cs, "OnFailure", false, false), "Running");
    }

    #[test]
    fn should_report_resources_and_user_from_the_spec() {
        let mut p = pod(&[], &["app"]);
        if let Some(c) = p.spec.as_mut().map(|s| &mut s.containers[0]) {
            c.resources = Some(ResourceRequirements {
                requests: Some([("cpu".to_string(), Quantity("250m".into()))].into()),
                limits: Some([("memory".to_string(), Quantity("128Mi".into()))].into()),
                claims: None,
            });
            c.security_context = Some(SecurityContext {
                run_as_user: Some(1000),
                run_as_group: Some(3000),
                ..Default::default()
            });
        }
        let mut cs = containers_of(&p);
        cs[0].state = running(true);
        let status = generate(&input(&p, &cs, true));
        let json = serde_json::to_value(&status.container_statuses.unwrap()[0]).unwrap();
        assert_eq!(
            json["allocatedResources"],
            serde_json::json!({"cpu": "250m"})
        );
        assert_eq!(
            json["resources"],
            serde_json::json!({"limits": {"memory": "128Mi"}, "requests": {"cpu": "250m"}})
        );
        assert_eq!(
            json["user"],
            serde_json::json!({"linux": {"gid": 3000, "supplementalGroups": [3000], "uid": 1000}})
        );
    }

    #[test]
    fn should_sort_container_statuses_by_name() {
        let p = pod(&[], &["web", "app"]);
        let cs = containers_of(&p);
        let status = generate(&input(&p, &cs, false));
        let names: Vec<_> = status
            .container_statuses
            .unwrap()
            .into_iter()
            .map(|c| c.name)
            .collect();
        assert_eq!(names, ["app", "web"]);
        assert_eq!(
            summary(&generate(&input(&p, &cs, false)))[3],
            "ContainersReady=False ContainersNotReady containers with unready status: [web app]"
        );
    }
}
