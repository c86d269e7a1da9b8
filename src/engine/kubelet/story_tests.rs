//! End-to-end kubelet stories through the simulation and the API server: the seed's demo-pod, a missing
//! image, an unparsable image, init containers, deletion.
//!
//! These need a working `ApiServer::handle` (status subresources, Node authorization for
//! `system:node:<name>`); they are ignored until the API server lands. Run with
//! `cargo test --lib engine::kubelet::story_tests -- --ignored`.

use k8s_openapi::api::core::v1::{
    Container, Node, NodeAddress, NodeStatus, Pod, PodCondition, PodSpec, PodStatus, Probe,
};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

use crate::engine::api::{ApiRequest, Credentials, RequestBody, Verb};
use crate::engine::objects::Object;
use crate::engine::scheduler::Scheduler;
use crate::engine::sim::Simulation;
use crate::engine::store::key;
use crate::engine::time::meta_time;
use crate::engine::trace::Stage;

fn cluster() -> Simulation {
    let mut sim = Simulation::new(7, Scheduler::default());
    let node = Node {
        metadata: ObjectMeta {
            name: Some("node-a".into()),
            ..Default::default()
        },
        status: Some(NodeStatus {
            addresses: Some(vec![NodeAddress {
                type_: "InternalIP".into(),
                address: "172.18.0.3".into(),
            }]),
            ..Default::default()
        }),
        ..Default::default()
    };
    let response = sim.call(
        ApiRequest::new(Credentials::ClusterAdmin, Verb::Create, "nodes")
            .body(RequestBody::Object(Object::Node(std::sync::Arc::new(node)))),
    );
    assert!(response.is_success(), "{response:?}");
    sim.run_until_idle(100);
    sim
}

fn container(name: &str, image: &str, policy: &str) -> Container {
    Container {
        name: name.into(),
        image: Some(image.into()),
        image_pull_policy: Some(policy.into()),
        ..Default::default()
    }
}

fn bound_pod(name: &str, containers: Vec<Container>) -> Pod {
    Pod {
        metadata: ObjectMeta {
            name: Some(name.into()),
            namespace: Some("default".into()),
            uid: Some(format!("uid-{name}")),
            generation: Some(1),
            ..Default::default()
        },
        spec: Some(PodSpec {
            node_name: Some("node-a".into()),
            containers,
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

fn create(sim: &mut Simulation, pod: Pod) {
    let response = sim.call(
        ApiRequest::new(Credentials::ClusterAdmin, Verb::Create, "pods")
            .namespace("default")
            .body(RequestBody::Object(Object::Pod(std::sync::Arc::new(pod)))),
    );
    assert!(response.is_success(), "{response:?}");
}

fn stored_pod(sim: &Simulation, name: &str) -> Option<Pod> {
    sim.api
        .store
        .get(&key("pods", Some("default"), name))
        .and_then(|s| s.object.as_pod().cloned())
}

/// `(type reason: message)` of every event recorded about `pod`, in order.
/// Every event the kubelet recorded for the pod, in order, as `Type Reason: message`; a repeat the
/// recorder counted onto an earlier event ends in ` (xN)`.
fn events(sim: &Simulation, pod: &str) -> Vec<String> {
    let object = format!("pods/default/{pod}");
    sim.trace
        .entries
        .iter()
        .filter(|e| e.stage == Stage::Event && e.object == object)
        .map(|e| e.summary.clone())
        .collect()
}

fn conditions(pod: &Pod) -> Vec<String> {
    pod.status
        .iter()
        .flat_map(|s| s.conditions.iter().flatten())
        .map(|c| {
            format!(
                "{}={} {}",
                c.type_,
                c.status,
                c.message.clone().unwrap_or_default()
            )
            .trim_end()
            .to_string()
        })
        .collect()
}

#[test]
fn should_pull_create_start_and_report_running_for_the_demo_pod() {
    let mut sim = cluster();
    create(
        &mut sim,
        bound_pod(
            "demo-pod",
            vec![container("nginx", "nginx:latest", "Always")],
        ),
    );
    sim.run_until_idle(10_000);
    assert_eq!(
        events(&sim, "demo-pod"),
        [
            "Normal Pulling: Pulling image \"nginx:latest\"",
            "Normal Pulled: Successfully pulled image \"nginx:latest\" in 2.252s (2.252s including waiting). Image size: 72099501 bytes.",
            "Normal Created: Container created",
            "Normal Started: Container started",
        ]
    );
    let pod = stored_pod(&sim, "demo-pod").expect("pod");
    let status = pod.status.clone().expect("status");
    assert_eq!(status.phase.as_deref(), Some("Running"));
    assert_eq!(
        conditions(&pod),
        [
            "PodReadyToStartContainers=True",
            "Initialized=True",
            "Ready=True",
            "ContainersReady=True",
            "PodScheduled=True"
        ]
    );
    assert_eq!(status.pod_ip.as_deref(), Some("10.244.0.2"));
    assert_eq!(status.host_ip.as_deref(), Some("172.18.0.3"));
    let cs = &status.container_statuses.expect("container statuses")[0];
    assert_eq!(cs.image, "docker.io/library/nginx:latest");
    assert!(cs.image_id.starts_with("docker.io/library/nginx@sha256:"));
    assert!(cs
        .container_id
        .as_deref()
        .is_some_and(|id| id.starts_with("containerd://") && id.len() == 13 + 64));
    assert!(cs.ready);
    let node = sim
        .api
        .store
        .get(&key("nodes", None, "node-a"))
        .and_then(|s| s.object.as_node().cloned())
        .expect("node");
    let images = node.status.and_then(|s| s.images).expect("node images");
    assert_eq!(images[0].size_bytes, Some(72_099_501));
    assert!(images[0]
        .names
        .iter()
        .flatten()
        .any(|n| n == "docker.io/library/nginx:latest"));

    // A second pod with IfNotPresent finds the image.
    create(
        &mut sim,
        bound_pod(
            "web-2",
            vec![container("nginx", "nginx:latest", "IfNotPresent")],
        ),
    );
    sim.run_until_idle(10_000);
    assert_eq!(
        events(&sim, "web-2"),
        [
            "Normal Pulled: Container image \"nginx:latest\" already present on machine and can be accessed by the pod",
            "Normal Created: Container created",
            "Normal Started: Container started",
        ]
    );
    let web2 = stored_pod(&sim, "web-2").expect("pod");
    assert_eq!(
        web2.status.and_then(|s| s.pod_ip).as_deref(),
        Some("10.244.0.3")
    );
}

#[test]
fn should_serialize_pulls_and_count_the_wait() {
    let mut sim = cluster();
    create(
        &mut sim,
        bound_pod("a", vec![container("db", "postgres:17", "IfNotPresent")]),
    );
    create(
        &mut sim,
        bound_pod("b", vec![container("cache", "redis", "IfNotPresent")]),
    );
    sim.run_until_idle(10_000);
    let pulled_b = events(&sim, "b")
        .into_iter()
        .find(|e| e.starts_with("Normal Pulled"))
        .expect("pulled");
    // postgres takes 0.45 + 3.959 s; redis waits for it, then 0.45 + 1.315 s.
    assert_eq!(
        pulled_b,
        "Normal Pulled: Successfully pulled image \"redis\" in 1.765s (6.174s including waiting). Image size: 52613187 bytes."
    );
}

#[test]
fn should_back_off_pulling_a_missing_image() {
    let mut sim = cluster();
    create(
        &mut sim,
        bound_pod("typo", vec![container("web", "nginxx", "Always")]),
    );
    sim.run_until_idle(100_000);
    let events = events(&sim, "typo");
    let error = "failed to pull and unpack image \"docker.io/library/nginxx:latest\": failed to resolve reference \"docker.io/library/nginxx:latest\": pull access denied, repository does not exist or may require authorization: server message: insufficient_scope: authorization failed";
    assert_eq!(
        events[..6],
        [
            "Normal Pulling: Pulling image \"nginxx\"".to_string(),
            format!("Warning Failed: Failed to pull image \"nginxx\": {error}"),
            "Warning Failed: Error: ErrImagePull".to_string(),
            "Normal BackOff: Back-off pulling image \"nginxx\"".to_string(),
            "Warning Failed: Error: ImagePullBackOff".to_string(),
            // The recorder counts the retry onto the first Pulling event.
            "Normal Pulling: Pulling image \"nginxx\" (x2)".to_string(),
        ]
    );
    let pod = stored_pod(&sim, "typo").expect("pod");
    let status = pod.status.expect("status");
    assert_eq!(status.phase.as_deref(), Some("Pending"));
    let waiting = status.container_statuses.expect("statuses")[0]
        .state
        .clone()
        .and_then(|s| s.waiting)
        .expect("waiting");
    assert_eq!(waiting.reason.as_deref(), Some("ImagePullBackOff"));
    assert_eq!(
        waiting.message,
        Some(format!(
            "Back-off pulling image \"nginxx\": ErrImagePull: {error}"
        ))
    );
    // Retries follow the image back-off: pulls at growing intervals.
    let pulls = sim
        .trace
        .entries
        .iter()
        .filter(|e| e.stage == Stage::Event && e.summary.starts_with("Normal Pulling"))
        .map(|e| e.time_ms)
        .collect::<Vec<_>>();
    let gaps: Vec<u64> = pulls.windows(2).map(|w| w[1] - w[0]).collect();
    assert!(gaps.windows(2).all(|g| g[1] >= g[0]), "{gaps:?}");
}

#[test]
fn should_report_invalid_image_names() {
    let mut sim = cluster();
    let mut pod = bound_pod(
        "private-reg",
        vec![container(
            "private-reg-container",
            "<your-private-image>",
            "IfNotPresent",
        )],
    );
    if let Some(spec) = pod.spec.as_mut() {
        spec.image_pull_secrets = Some(vec![k8s_openapi::api::core::v1::LocalObjectReference {
            name: "regcred".into(),
        }]);
    }
    create(&mut sim, pod);
    sim.run_until_idle(10_000);
    let message = "Failed to apply default image tag \"<your-private-image>\": couldn't parse image name \"<your-private-image>\": invalid reference format";
    assert_eq!(
        events(&sim, "private-reg")[..3],
        [
            "Warning FailedToRetrieveImagePullSecret: Unable to retrieve some image pull secrets (regcred); attempting to pull the image may not succeed.".to_string(),
            format!("Warning InspectFailed: {message}"),
            "Warning Failed: Error: InvalidImageName".to_string()
        ]
    );
    let status = stored_pod(&sim, "private-reg")
        .and_then(|p| p.status)
        .expect("status");
    let waiting = status.container_statuses.expect("statuses")[0]
        .state
        .clone()
        .and_then(|s| s.waiting)
        .expect("waiting");
    assert_eq!(waiting.reason.as_deref(), Some("InvalidImageName"));
    assert_eq!(waiting.message.as_deref(), Some(message));
}

#[test]
fn should_run_init_containers_to_completion_before_the_app() {
    let mut sim = cluster();
    let mut pod = bound_pod(
        "myapp-pod",
        vec![container("myapp-container", "busybox:1.28", "IfNotPresent")],
    );
    if let Some(spec) = pod.spec.as_mut() {
        spec.init_containers = Some(vec![
            container("init-myservice", "busybox:1.28", "IfNotPresent"),
            container("init-mydb", "busybox:1.28", "IfNotPresent"),
        ]);
    }
    create(&mut sim, pod);
    sim.run_until_idle(10_000);
    let reasons: Vec<String> = events(&sim, "myapp-pod")
        .iter()
        .map(|e| e.split(':').next().unwrap_or("").to_string())
        .collect();
    assert_eq!(
        reasons,
        [
            "Normal Pulling",
            "Normal Pulled",
            "Normal Created",
            "Normal Started", // init-myservice
            "Normal Pulled",
            "Normal Created",
            "Normal Started", // init-mydb (image present)
            "Normal Pulled",
            "Normal Created",
            "Normal Started", // myapp-container
        ]
    );
    let status = stored_pod(&sim, "myapp-pod")
        .and_then(|p| p.status)
        .expect("status");
    assert_eq!(status.phase.as_deref(), Some("Running"));
    let init = status.init_container_statuses.expect("init statuses");
    assert!(init.iter().all(|s| s
        .state
        .as_ref()
        .and_then(|st| st.terminated.as_ref())
        .and_then(|t| t.reason.as_deref())
        == Some("Completed")));
    // The trace shows the pod waiting on its init containers first.
    let first_status = sim
        .trace
        .entries
        .iter()
        .find(|e| e.stage == Stage::StatusUpdate && e.object == "pods/default/myapp-pod")
        .expect("status update");
    assert!(first_status.summary.contains("Pending"));
}

#[test]
fn should_become_ready_after_the_readiness_probe_delay() {
    let mut sim = cluster();
    let mut c = container("web", "nginx:1.27", "IfNotPresent");
    c.readiness_probe = Some(Probe {
        initial_delay_seconds: Some(5),
        tcp_socket: Some(k8s_openapi::api::core::v1::TCPSocketAction {
            port: k8s_openapi::apimachinery::pkg::util::intstr::IntOrString::Int(80),
            ..Default::default()
        }),
        ..Default::default()
    });
    create(&mut sim, bound_pod("probed", vec![c]));
    sim.run_until_idle(10_000);
    let updates: Vec<(u64, String)> = sim
        .trace
        .entries
        .iter()
        .filter(|e| e.stage == Stage::StatusUpdate && e.object == "pods/default/probed")
        .map(|e| (e.time_ms, e.summary.clone()))
        .collect();
    let last = updates.last().expect("updates");
    assert!(last.1.ends_with("Running (Ready=True)"), "{updates:?}");
    let running_not_ready = updates
        .iter()
        .find(|u| u.1.ends_with("Running (Ready=False)"))
        .expect("not ready yet");
    assert_eq!(last.0 - running_not_ready.0, 5_000);
}

#[test]
fn should_stop_containers_and_delete_a_terminating_pod() {
    let mut sim = cluster();
    create(
        &mut sim,
        bound_pod(
            "demo-pod",
            vec![container("nginx", "nginx:latest", "Always")],
        ),
    );
    sim.run_until_idle(10_000);
    // A graceful DELETE: the API server sets deletionTimestamp and the kubelet takes it from there.
    let response = sim.call(
        ApiRequest::new(Credentials::ClusterAdmin, Verb::Delete, "pods")
            .namespace("default")
            .name("demo-pod"),
    );
    assert!(response.is_success());
    sim.run_until_idle(10_000);
    assert_eq!(
        events(&sim, "demo-pod").last().map(String::as_str),
        Some("Normal Killing: Stopping container nginx")
    );
    assert!(
        stored_pod(&sim, "demo-pod").is_none(),
        "the kubelet deletes the pod with gracePeriodSeconds=0"
    );
    let succeeded =
        sim.trace.entries.iter().any(|e| {
            e.stage == Stage::StatusUpdate && e.summary.ends_with("Succeeded (Ready=False)")
        });
    assert!(succeeded);
    assert!(sim
        .kubelets
        .get("node-a")
        .is_some_and(|k| k.pod_keys().is_empty()));
}

#[test]
fn should_fail_the_sandbox_when_the_pod_cidr_is_exhausted() {
    let mut sim = Simulation::new(7, Scheduler::default());
    let node = Node {
        metadata: ObjectMeta {
            name: Some("node-a".into()),
            ..Default::default()
        },
        spec: Some(k8s_openapi::api::core::v1::NodeSpec {
            pod_cidr: Some("10.244.9.0/29".into()),
            ..Default::default()
        }),
        ..Default::default()
    };
    sim.call(
        ApiRequest::new(Credentials::ClusterAdmin, Verb::Create, "nodes")
            .body(RequestBody::Object(Object::Node(std::sync::Arc::new(node)))),
    );
    sim.run_until_idle(100);
    for i in 0..6 {
        create(
            &mut sim,
            bound_pod(
                &format!("p{i}"),
                vec![container(
                    "pause",
                    "registry.k8s.io/pause:3.10",
                    "IfNotPresent",
                )],
            ),
        );
    }
    sim.run_until_idle(100_000);
    let ips: Vec<Option<String>> = (0..6)
        .map(|i| {
            stored_pod(&sim, &format!("p{i}"))
                .and_then(|p| p.status)
                .and_then(|s| s.pod_ip)
        })
        .collect();
    assert_eq!(ips.iter().flatten().count(), 5);
    let failed = events(&sim, "p5");
    assert!(
        failed[0].starts_with("Warning FailedCreatePodSandBox: Failed to create pod sandbox: rpc error: code = Unknown desc = failed to setup network for sandbox \""),
        "{failed:?}"
    );
    assert!(
        failed[0].ends_with("no IP addresses available in range set: 10.244.9.1-10.244.9.6"),
        "{failed:?}"
    );
    let pod = stored_pod(&sim, "p5").expect("pod");
    assert_eq!(
        conditions(&pod)[0],
        "PodReadyToStartContainers=False no pod sandbox exists"
    );
}

#[test]
fn should_keep_an_image_pulled_for_a_pod_deleted_meanwhile() {
    let mut sim = cluster();
    create(
        &mut sim,
        bound_pod("gone", vec![container("db", "postgres:17", "IfNotPresent")]),
    );
    // Let the pull start, then remove the pod outright.
    while sim.next_event_time().is_some_and(|t| t < 1_000) {
        sim.step();
    }
    let response = sim.call(
        ApiRequest::new(Credentials::ClusterAdmin, Verb::Delete, "pods")
            .namespace("default")
            .name("gone"),
    );
    assert!(response.is_success());
    sim.run_until_idle(10_000);
    let kubelet = sim.kubelets.get("node-a").expect("kubelet");
    assert!(kubelet.pod_keys().is_empty());
    let names: Vec<String> = kubelet
        .image_store()
        .images()
        .flat_map(|i| i.repo_tags.clone())
        .collect();
    assert_eq!(
        names,
        [
            "docker.io/library/postgres:17",
            "registry.k8s.io/pause:3.10.1"
        ]
    );
    assert!(events(&sim, "gone")
        .iter()
        .all(|e| !e.starts_with("Normal Pulled")));
}

#[test]
fn should_restart_a_container_whose_image_changed() {
    let mut sim = cluster();
    create(
        &mut sim,
        bound_pod(
            "demo-pod",
            vec![container("nginx", "nginx:latest", "IfNotPresent")],
        ),
    );
    sim.run_until_idle(10_000);
    let mut pod = stored_pod(&sim, "demo-pod").expect("pod");
    if let Some(spec) = pod.spec.as_mut() {
        spec.containers[0].image = Some("nginx:1.27".into());
    }
    let response = sim.call(
        ApiRequest::new(Credentials::ClusterAdmin, Verb::Update, "pods")
            .namespace("default")
            .name("demo-pod")
            .body(RequestBody::Object(Object::Pod(std::sync::Arc::new(pod)))),
    );
    assert!(response.is_success());
    sim.run_until_idle(10_000);
    let events = events(&sim, "demo-pod");
    assert_eq!(
        events[4..],
        [
            "Normal Killing: Container nginx definition changed, will be restarted",
            "Normal Pulling: Pulling image \"nginx:1.27\"",
            "Normal Pulled: Successfully pulled image \"nginx:1.27\" in 2.273s (2.273s including waiting). Image size: 72950530 bytes.",
            // Identical to the first container's events: counted onto them (count 2).
            "Normal Created: Container created (x2)",
            "Normal Started: Container started (x2)",
        ]
    );
    let status = stored_pod(&sim, "demo-pod")
        .and_then(|p| p.status)
        .expect("status");
    let cs = &status.container_statuses.expect("statuses")[0];
    assert_eq!(cs.restart_count, 1);
    assert_eq!(cs.image, "docker.io/library/nginx:1.27");
    let last = cs
        .last_state
        .as_ref()
        .and_then(|s| s.terminated.as_ref())
        .expect("last state");
    assert_eq!(
        (last.exit_code, last.reason.as_deref()),
        (0, Some("Completed"))
    );
    assert_ne!(last.container_id, cs.container_id);
    assert_eq!(status.phase.as_deref(), Some("Running"));
}
