//! Containers as the container runtime holds them, and which one the kubelet starts next.
//!
//! Mirrors `pkg/kubelet/kuberuntime/kuberuntime_manager.go` (`computePodActions`: init containers one at a
//! time to completion, restartable "sidecar" init containers started in order and left running, then
//! every regular container) and `kuberuntime_container.go` (`startContainer`: create, then start, with
//! the `Created`/`Started` events, and `killContainer`'s `Killing` event).
//!
//! Event texts are the v1.35+ ones (kubernetes/kubernetes#134043 removed the container name from the
//! Created and Started messages: `Container created`, `Container started`; the Killing message keeps it).
//!
//! Simplification: a regular init container runs for [`INIT_CONTAINER_RUN_MS`] and exits 0; app
//! containers and sidecars keep running (no crash loops); probes always succeed.

use k8s_openapi::api::core::v1::{Container, Pod};

use super::registry::hex64;

/// `CreateContainer` (CRI) latency.
pub const CONTAINER_CREATE_MS: u64 = 100;
/// `StartContainer` (CRI) latency.
pub const CONTAINER_START_MS: u64 = 50;
/// How long a (non-restartable) init container runs before exiting 0.
pub const INIT_CONTAINER_RUN_MS: u64 = 1_000;
/// How long a container takes to exit after SIGTERM.
pub const CONTAINER_STOP_MS: u64 = 200;

/// Where a container is declared.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ContainerKind {
    /// A regular init container: runs to completion before the next one.
    Init,
    /// An init container with `restartPolicy: Always`: started in order, keeps running.
    Sidecar,
    /// `spec.containers`.
    Regular,
}

impl ContainerKind {
    pub fn is_init(&self) -> bool {
        matches!(self, ContainerKind::Init | ContainerKind::Sidecar)
    }
}

/// A container's runtime state, with what the kubelet reports about it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RuntimeState {
    /// Not created. `reason`/`message` are the last failure (`ErrImagePull`, ...), `None` before any.
    Waiting {
        reason: Option<String>,
        message: Option<String>,
    },
    /// Created, not yet started (the container status still says waiting).
    Created {
        id: String,
        image: String,
        image_id: String,
    },
    Running {
        id: String,
        image: String,
        image_id: String,
        started_at_ms: u64,
        /// The startup probe passed (true at once without one).
        started: bool,
        /// The readiness probe passed (true at once without one).
        ready: bool,
    },
    Terminated {
        id: String,
        image: String,
        image_id: String,
        exit_code: i32,
        reason: String,
        started_at_ms: u64,
        finished_at_ms: u64,
    },
}

/// One container of a pod, as the kubelet tracks it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RuntimeContainer {
    pub name: String,
    pub kind: ContainerKind,
    /// The image as written in the spec.
    pub image: String,
    pub state: RuntimeState,
    /// The previous instance's end (`lastState.terminated`), after a restart.
    pub last_state: Option<RuntimeState>,
    pub restart_count: i32,
}

impl RuntimeContainer {
    /// The event field path: `spec.containers{nginx}` or `spec.initContainers{init}`.
    pub fn field_path(&self) -> String {
        if self.kind.is_init() {
            format!("spec.initContainers{{{}}}", self.name)
        } else {
            format!("spec.containers{{{}}}", self.name)
        }
    }

    pub fn is_running(&self) -> bool {
        matches!(self.state, RuntimeState::Running { .. })
    }

    /// The runtime's container ID, if the container was created.
    pub fn id(&self) -> Option<&str> {
        match &self.state {
            RuntimeState::Created { id, .. }
            | RuntimeState::Running { id, .. }
            | RuntimeState::Terminated { id, .. } => Some(id),
            RuntimeState::Waiting { .. } => None,
        }
    }
}

fn is_sidecar(container: &Container) -> bool {
    container.restart_policy.as_deref() == Some("Always")
}

/// The pod's containers in runtime order: init containers (and sidecars) first, then regular ones.
pub fn containers_of(pod: &Pod) -> Vec<RuntimeContainer> {
    let Some(spec) = pod.spec.as_ref() else {
        return Vec::new();
    };
    let waiting = || RuntimeState::Waiting {
        reason: None,
        message: None,
    };
    let init = spec
        .init_containers
        .iter()
        .flatten()
        .map(|c| RuntimeContainer {
            name: c.name.clone(),
            kind: if is_sidecar(c) {
                ContainerKind::Sidecar
            } else {
                ContainerKind::Init
            },
            image: c.image.clone().unwrap_or_default(),
            state: waiting(),
            last_state: None,
            restart_count: 0,
        });
    let regular = spec.containers.iter().map(|c| RuntimeContainer {
        name: c.name.clone(),
        kind: ContainerKind::Regular,
        image: c.image.clone().unwrap_or_default(),
        state: waiting(),
        last_state: None,
        restart_count: 0,
    });
    init.chain(regular).collect()
}

/// The spec of a runtime container.
pub fn spec_of<'a>(pod: &'a Pod, container: &RuntimeContainer) -> Option<&'a Container> {
    let spec = pod.spec.as_ref()?;
    if container.kind.is_init() {
        spec.init_containers
            .iter()
            .flatten()
            .find(|c| c.name == container.name)
    } else {
        spec.containers.iter().find(|c| c.name == container.name)
    }
}

/// What the pod's sync does next.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NextStep {
    /// Start the container at this index (ensure its image, create, start).
    Start(usize),
    /// An init container (or a sidecar's startup) is still running: wait for it.
    WaitForInit(usize),
    /// A failed init container or sidecar blocks the rest until the next sync.
    Blocked(usize),
    /// Everything that should run is running.
    Done,
}

/// `computePodActions`: the next container to start, skipping those that already failed in this sync
/// (`failed_this_sync`).
pub fn next_step(containers: &[RuntimeContainer], failed_this_sync: &[usize]) -> NextStep {
    for (i, c) in containers.iter().enumerate() {
        let failed = failed_this_sync.contains(&i);
        match c.kind {
            ContainerKind::Sidecar => match &c.state {
                RuntimeState::Running { started: true, .. } => {}
                RuntimeState::Running { .. } | RuntimeState::Created { .. } => {
                    return NextStep::WaitForInit(i)
                }
                _ if failed => return NextStep::Blocked(i),
                _ => return NextStep::Start(i),
            },
            ContainerKind::Init => match &c.state {
                RuntimeState::Terminated { exit_code: 0, .. } => {}
                RuntimeState::Running { .. } | RuntimeState::Created { .. } => {
                    return NextStep::WaitForInit(i)
                }
                _ if failed => return NextStep::Blocked(i),
                _ => return NextStep::Start(i),
            },
            ContainerKind::Regular => {
                if matches!(c.state, RuntimeState::Waiting { .. }) && !failed {
                    return NextStep::Start(i);
                }
            }
        }
    }
    NextStep::Done
}

/// A deterministic 64-hex container ID (containerd's are random; ours derive from where the container runs).
pub fn container_id(node: &str, pod_uid: &str, name: &str, attempt: i32) -> String {
    hex64(&format!("container/{node}/{pod_uid}/{name}/{attempt}"))
}

/// `containerd://<id>`, as container statuses report it.
pub fn container_id_uri(id: &str) -> String {
    format!("containerd://{id}")
}

/// Normal Created.
pub const CREATED_MESSAGE: &str = "Container created";
/// Normal Started.
pub const STARTED_MESSAGE: &str = "Container started";

/// Normal Killing.
pub fn killing_message(name: &str) -> String {
    format!("Stopping container {name}")
}

/// Normal Killing when the container's spec changed (`computePodActions` + `killContainer`).
pub fn definition_changed_message(name: &str) -> String {
    format!("Container {name} definition changed, will be restarted")
}

/// The state a running (or created) container ends in after SIGTERM: exit 0, `Completed`.
/// Other states are returned unchanged.
pub fn exited(state: &RuntimeState, now_ms: u64) -> RuntimeState {
    match state.clone() {
        RuntimeState::Running {
            id,
            image,
            image_id,
            started_at_ms,
            ..
        } => RuntimeState::Terminated {
            id,
            image,
            image_id,
            exit_code: 0,
            reason: "Completed".into(),
            started_at_ms,
            finished_at_ms: now_ms,
        },
        RuntimeState::Created {
            id,
            image,
            image_id,
        } => RuntimeState::Terminated {
            id,
            image,
            image_id,
            exit_code: 0,
            reason: "Completed".into(),
            started_at_ms: now_ms,
            finished_at_ms: now_ms,
        },
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use k8s_openapi::api::core::v1::PodSpec;

    fn container(name: &str, sidecar: bool) -> Container {
        Container {
            name: name.into(),
            image: Some("busybox:1.28".into()),
            restart_policy: sidecar.then(|| "Always".to_string()),
            ..Default::default()
        }
    }

    fn pod(init: &[(&str, bool)], regular: &[&str]) -> Pod {
        Pod {
            spec: Some(PodSpec {
                init_containers: Some(init.iter().map(|(n, s)| container(n, *s)).collect()),
                containers: regular.iter().map(|n| container(n, false)).collect(),
                ..Default::default()
            }),
            ..Default::default()
        }
    }

    fn running(started: bool) -> RuntimeState {
        RuntimeState::Running {
            id: "x".into(),
            image: "i".into(),
            image_id: "d".into(),
            started_at_ms: 0,
            started,
            ready: true,
        }
    }

    fn completed() -> RuntimeState {
        RuntimeState::Terminated {
            id: "x".into(),
            image: "i".into(),
            image_id: "d".into(),
            exit_code: 0,
            reason: "Completed".into(),
            started_at_ms: 0,
            finished_at_ms: 1,
        }
    }

    #[test]
    fn should_order_init_containers_before_regular_ones() {
        let p = pod(&[("init", false), ("proxy", true)], &["app", "web"]);
        let cs = containers_of(&p);
        let names: Vec<_> = cs.iter().map(|c| (c.name.as_str(), c.kind)).collect();
        assert_eq!(
            names,
            [
                ("init", ContainerKind::Init),
                ("proxy", ContainerKind::Sidecar),
                ("app", ContainerKind::Regular),
                ("web", ContainerKind::Regular)
            ]
        );
        assert_eq!(cs[0].field_path(), "spec.initContainers{init}");
        assert_eq!(cs[2].field_path(), "spec.containers{app}");
    }

    #[test]
    fn should_run_init_containers_one_at_a_time_then_sidecars_then_regular_containers() {
        let mut cs = containers_of(&pod(&[("init", false), ("proxy", true)], &["app", "web"]));
        assert_eq!(next_step(&cs, &[]), NextStep::Start(0));
        cs[0].state = running(true);
        assert_eq!(next_step(&cs, &[]), NextStep::WaitForInit(0));
        cs[0].state = completed();
        assert_eq!(next_step(&cs, &[]), NextStep::Start(1));
        cs[1].state = running(false);
        assert_eq!(
            next_step(&cs, &[]),
            NextStep::WaitForInit(1),
            "a sidecar must be started first"
        );
        cs[1].state = running(true);
        assert_eq!(next_step(&cs, &[]), NextStep::Start(2));
        assert_eq!(
            next_step(&cs, &[2]),
            NextStep::Start(3),
            "a failed regular container does not block"
        );
        cs[2].state = running(true);
        cs[3].state = running(true);
        assert_eq!(next_step(&cs, &[]), NextStep::Done);
    }

    #[test]
    fn should_block_on_a_failed_init_container() {
        let cs = containers_of(&pod(&[("init", false)], &["app"]));
        assert_eq!(next_step(&cs, &[0]), NextStep::Blocked(0));
    }

    #[test]
    fn should_derive_stable_container_ids_and_verbatim_messages() {
        let id = container_id("node-a", "uid-1", "nginx", 0);
        assert_eq!(id.len(), 64);
        assert_eq!(id, container_id("node-a", "uid-1", "nginx", 0));
        assert_ne!(id, container_id("node-a", "uid-1", "nginx", 1));
        assert_eq!(container_id_uri("ab"), "containerd://ab");
        assert_eq!(CREATED_MESSAGE, "Container created");
        assert_eq!(STARTED_MESSAGE, "Container started");
        assert_eq!(killing_message("nginx"), "Stopping container nginx");
        assert_eq!(
            definition_changed_message("nginx"),
            "Container nginx definition changed, will be restarted"
        );
    }
}
