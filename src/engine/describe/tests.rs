use k8s_openapi::api::core::v1::Event;
use serde_json::{json, Value};

use super::*;
use crate::engine::controllers::tests::run_builtin;
use crate::engine::report::stored_events;
use crate::engine::sim::Simulation;
use crate::engine::store::list_prefix;

fn tabbed(text: &str) -> String {
    let mut w = TabWriter::default();
    w.write(0, text);
    w.finish()
}

#[test]
fn should_align_cells_as_go_tabwriter_does_with_padding_two() {
    let cases = [
        // A block ends at a line without the column; text after the last tab is not aligned.
        ("a:\tb\nccc:\td\nx\ne:\tf\n", "a:    b\nccc:  d\nx\ne:  f\n"),
        // Nested columns: each is aligned within the lines that have it.
        (
            "  Type\tReason\tAge\n  ----\t------\t---\n  Normal\tScheduled\t2s\nEnd\n",
            "  Type    Reason     Age\n  ----    ------     ---\n  Normal  Scheduled  2s\nEnd\n",
        ),
        // A cell in column 1 exists only on the second line: column 0 still spans both.
        (
            "Name:\tx\nTolerations:\ta\tb\n",
            "Name:         x\nTolerations:  a  b\n",
        ),
        // Trailing cells keep their spaces; an unterminated last line gets no newline.
        ("Ready \tTrue \nlast", "Ready   True \nlast"),
        // Width counts characters, not bytes.
        ("é:\t1\nab:\t2\n", "é:   1\nab:  2\n"),
    ];
    for (input, want) in cases {
        assert_eq!(tabbed(input), want, "{input:?}");
    }
}

fn pod(value: Value) -> Pod {
    serde_json::from_value(value).expect("pod")
}

fn describe(value: Value) -> String {
    describe_pod(&pod(value), &[], 0)
}

#[test]
fn should_format_label_selectors_as_metav1_does() {
    let selector = |v: Value| -> LabelSelector { serde_json::from_value(v).expect("selector") };
    let cases = [
        (json!({}), "<none>"),
        (json!({"matchLabels": {"b": "2", "a": "1"}}), "a=1,b=2"),
        (
            json!({"matchLabels": {"z": "1"}, "matchExpressions": [
                {"key": "env", "operator": "In", "values": ["prod", "dev"]},
                {"key": "tier", "operator": "NotIn", "values": ["db"]},
                {"key": "gpu", "operator": "Exists"},
                {"key": "arm", "operator": "DoesNotExist"}]}),
            "!arm,env in (dev,prod),gpu,tier notin (db),z=1",
        ),
        (
            json!({"matchExpressions": [{"key": "a", "operator": "Gt"}]}),
            "<error>",
        ),
    ];
    for (input, want) in cases {
        assert_eq!(
            format_label_selector(&selector(input.clone())),
            want,
            "{input}"
        );
    }
}

#[test]
fn should_describe_probes_as_describe_probe_does() {
    let probe = |v: Value| -> Probe { serde_json::from_value(v).expect("probe") };
    let timing = json!({"initialDelaySeconds": 3, "timeoutSeconds": 1, "periodSeconds": 10, "successThreshold": 1, "failureThreshold": 3});
    let with = |mut v: Value| {
        for (k, t) in timing.as_object().into_iter().flatten() {
            v[k] = t.clone();
        }
        probe(v)
    };
    let attrs = "delay=3s timeout=1s period=10s successThreshold=1 failureThreshold=3";
    let cases = [
        (
            with(json!({"exec": {"command": ["cat", "/tmp/healthy"]}})),
            format!("exec [cat /tmp/healthy] {attrs}"),
        ),
        (
            with(json!({"httpGet": {"path": "/healthz", "port": 8080, "scheme": "HTTP"}})),
            format!("http-get http://:8080/healthz {attrs}"),
        ),
        (
            with(
                json!({"httpGet": {"path": "/", "port": "liveness-port", "host": "::1", "scheme": "HTTPS"}}),
            ),
            format!("http-get https://[::1]:liveness-port/ {attrs}"),
        ),
        (
            with(json!({"tcpSocket": {"port": 8080}})),
            format!("tcp-socket :8080 {attrs}"),
        ),
        (
            with(json!({"grpc": {"port": 2379, "service": ""}})),
            format!("grpc <pod>:2379  {attrs}"),
        ),
        (with(json!({})), format!("unknown {attrs}")),
    ];
    for (probe, want) in cases {
        assert_eq!(describe_probe(&probe), want);
    }
}

#[test]
fn should_print_labels_annotations_and_tolerations_as_kubectl_does() {
    let long = "x".repeat(150);
    let text = describe(json!({
        "metadata": {"name": "p", "namespace": "default",
            "labels": {"tier": "web", "app": "nginx"},
            "annotations": {
                "kubectl.kubernetes.io/last-applied-configuration": "{}",
                "short": "v",
                "long": long,
                "multi": "one\ntwo\n"}},
        "spec": {"containers": [], "tolerations": [
            {"key": "node.kubernetes.io/unreachable", "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 300},
            {"key": "dedicated", "operator": "Equal", "value": "gpu", "effect": "NoSchedule"},
            {"operator": "Exists"},
            {"key": "example.com/any", "operator": "Exists"}]}
    }));
    let want = format!(
        "Name:         p
Namespace:    default
Node:         <none>
Labels:       app=nginx
              tier=web
Annotations:  long:
                {}...
              multi:
                one
                two
              short: v
Status:       
IP:           
IPs:          <none>
Containers: <none>
Volumes:         <none>
QoS Class:       BestEffort
Node-Selectors:  <none>
Tolerations:     op=Exists
                 dedicated=gpu:NoSchedule
                 example.com/any op=Exists
                 node.kubernetes.io/unreachable:NoExecute op=Exists for 300s
Events:          <none>
",
        "x".repeat(138)
    );
    assert_eq!(text, want);
}

#[test]
fn should_describe_containers_env_mounts_and_volumes() {
    let text = describe(json!({
        "metadata": {"name": "p", "namespace": "default", "uid": "u1", "labels": {"app": "web"}},
        "spec": {
            "containers": [{
                "name": "app", "image": "nginx",
                "command": ["sh", "-c", "echo a\necho b"],
                "args": ["--v"],
                "ports": [{"containerPort": 80, "protocol": "TCP", "name": "http"}, {"containerPort": 443, "protocol": "TCP", "hostPort": 8443}],
                "resources": {"limits": {"memory": "128Mi", "cpu": "500m"}, "requests": {"cpu": "0.25"}},
                "env": [
                    {"name": "PLAIN", "value": "x\ny"},
                    {"name": "POD", "valueFrom": {"fieldRef": {"apiVersion": "v1", "fieldPath": "metadata.name"}}},
                    {"name": "NODE", "valueFrom": {"fieldRef": {"apiVersion": "v1", "fieldPath": "spec.nodeName"}}},
                    {"name": "APP", "valueFrom": {"fieldRef": {"apiVersion": "v1", "fieldPath": "metadata.labels['app']"}}},
                    {"name": "CPU", "valueFrom": {"resourceFieldRef": {"resource": "limits.cpu", "divisor": "1m"}}},
                    {"name": "MEM", "valueFrom": {"resourceFieldRef": {"resource": "limits.memory", "divisor": "1Mi"}}},
                    {"name": "EPH", "valueFrom": {"resourceFieldRef": {"resource": "limits.ephemeral-storage"}}},
                    {"name": "PASS", "valueFrom": {"secretKeyRef": {"name": "db", "key": "password", "optional": true}}},
                    {"name": "MODE", "valueFrom": {"configMapKeyRef": {"name": "cfg", "key": "mode"}}},
                    {"name": "FILE", "valueFrom": {"fileKeyRef": {"volumeName": "cache", "path": "a.env", "key": "K"}}}],
                "envFrom": [{"configMapRef": {"name": "cfg"}}, {"secretRef": {"name": "s", "optional": true}, "prefix": "S_"}],
                "volumeMounts": [
                    {"name": "data", "mountPath": "/var/data", "subPath": "app"},
                    {"name": "cache", "mountPath": "/cache", "readOnly": true}]
            }],
            "volumes": [
                {"name": "cache", "emptyDir": {"medium": "Memory", "sizeLimit": "1Gi"}},
                {"name": "data", "persistentVolumeClaim": {"claimName": "data-claim"}},
                {"name": "host", "hostPath": {"path": "/var/log", "type": "Directory"}},
                {"name": "cfg", "configMap": {"name": "cfg"}},
                {"name": "info", "downwardAPI": {"items": [{"path": "labels", "fieldRef": {"fieldPath": "metadata.labels"}}]}}
            ]
        }
    }));
    let want = "Name:         p
Namespace:    default
Node:         <none>
Labels:       app=web
Annotations:  <none>
Status:       
IP:           
IPs:          <none>
Containers:
  app:
    Image:       nginx
    Ports:       80/TCP (http), 443/TCP
    Host Ports:  0/TCP (http), 8443/TCP
    Command:
      sh
      -c
      echo a
      echo b
    Args:
      --v
    Limits:
      cpu:     500m
      memory:  128Mi
    Requests:
      cpu:  250m
    Environment Variables from:
      cfg  ConfigMap                Optional: false
      s    Secret with prefix 'S_'  Optional: true
    Environment:
      PLAIN:  x
              y
      POD:    p (v1:metadata.name)
      NODE:    (v1:spec.nodeName)
      APP:    web (v1:metadata.labels['app'])
      CPU:    500 (limits.cpu)
      MEM:    128 (limits.memory)
      EPH:    0 (limits.ephemeral-storage)
      PASS:   <set to the key 'password' in secret 'db'>   Optional: true
      MODE:   <set to the key 'mode' of config map 'cfg'>  Optional: false
    Mounts:
      /cache from cache (ro)
      /var/data from data (rw,path=\"app\")
Volumes:
  cache:
    Type:       EmptyDir (a temporary directory that shares a pod's lifetime)
    Medium:     Memory
    SizeLimit:  1Gi
  data:
    Type:       PersistentVolumeClaim (a reference to a PersistentVolumeClaim in the same namespace)
    ClaimName:  data-claim
    ReadOnly:   false
  host:
    Type:          HostPath (bare host directory volume)
    Path:          /var/log
    HostPathType:  Directory
  cfg:
    Type:      ConfigMap (a volume populated by a ConfigMap)
    Name:      cfg
    Optional:  false
  info:
    Type:  DownwardAPI (a volume populated by information about the pod)
    Items:
      metadata.labels -> labels
QoS Class:       Burstable
Node-Selectors:  <none>
Tolerations:     <none>
Events:          <none>
";
    assert_eq!(text, want);
}

fn stored_pods(sim: &Simulation) -> Vec<Pod> {
    sim.api
        .store
        .list(&list_prefix("pods", Some("default")))
        .filter_map(|(_, s)| s.object.as_pod().cloned())
        .collect()
}

/// `kubectl describe pod <name>` at the end of a built-in scenario.
fn describe_in(sim: &Simulation, name: &str) -> String {
    let pods = stored_pods(sim);
    let pod = pods
        .iter()
        .find(|p| p.metadata.name.as_deref() == Some(name))
        .expect("pod");
    let about: Vec<&Event> = stored_events(sim)
        .into_iter()
        .filter(|e| e.involved_object.uid == pod.metadata.uid)
        .collect();
    describe_pod(pod, &about, sim.now_ms)
}

#[test]
fn should_describe_the_demo_pod_as_kubectl_describe_prints_it() {
    let sim = run_builtin("demo-pod");
    let text = describe_in(&sim, "demo-pod");
    let volume = text
        .split("kube-api-access-")
        .nth(1)
        .map(|rest| &rest[..5])
        .expect("service account volume");
    let want = "Name:             demo-pod
Namespace:        default
Priority:         0
Service Account:  default
Node:             node-c/192.168.49.4
Start Time:       Thu, 01 Jan 2026 00:00:00 +0000
Labels:           <none>
Annotations:      <none>
Status:           Running
IP:               10.244.2.2
IPs:
  IP:  10.244.2.2
Containers:
  nginx:
    Container ID:   containerd://ID
    Image:          nginx:latest
    Image ID:       docker.io/library/nginx@sha256:681d7b9a37f2e876a450a55c451dea338aeb1834e6008ce293df2b7342b83f56
    Port:           80/TCP
    Host Port:      0/TCP
    State:          Running
      Started:      Thu, 01 Jan 2026 00:00:02 +0000
    Ready:          True
    Restart Count:  0
    Environment:    <none>
    Mounts:
      /var/run/secrets/kubernetes.io/serviceaccount from kube-api-access-VOL (ro)
Conditions:
  Type                        Status
  PodReadyToStartContainers   True 
  Initialized                 True 
  Ready                       True 
  ContainersReady             True 
  PodScheduled                True 
Volumes:
  kube-api-access-VOL:
    Type:                    Projected (a volume that contains injected data from multiple sources)
    TokenExpirationSeconds:  3607
    ConfigMapName:           kube-root-ca.crt
    Optional:                false
    DownwardAPI:             true
QoS Class:                   BestEffort
Node-Selectors:              <none>
Tolerations:                 node.kubernetes.io/not-ready:NoExecute op=Exists for 300s
                             node.kubernetes.io/unreachable:NoExecute op=Exists for 300s
Events:
  Type    Reason     Age   From               Message
  ----    ------     ----  ----               -------
  Normal  Pulling    2s    kubelet            Pulling image \"nginx:latest\"
  Normal  Scheduled  2s    default-scheduler  Successfully assigned default/demo-pod to node-c
  Normal  Pulled     0s    kubelet            Successfully pulled image \"nginx:latest\" in 2.252s (2.252s including waiting). Image size: 72099501 bytes.
  Normal  Created    0s    kubelet            Container created
  Normal  Started    0s    kubelet            Container started
";
    let container_id = text
        .split("containerd://")
        .nth(1)
        .and_then(|rest| rest.split('\n').next())
        .expect("container id");
    assert_eq!(container_id.len(), 64);
    let normalized = text
        .replace(container_id, "ID")
        .replace(&format!("kube-api-access-{volume}"), "kube-api-access-VOL");
    assert_eq!(normalized, want);
}

#[test]
fn should_name_the_controller_and_list_a_pending_pods_failed_scheduling() {
    let sim = run_builtin("deployment");
    let pods = stored_pods(&sim);
    let name = pods[0].metadata.name.clone().unwrap_or_default();
    let text = describe_in(&sim, &name);
    let hash = name.split('-').nth(2).expect("pod-template-hash");
    assert!(text.contains(&format!(
        "Labels:           app=nginx\n                  pod-template-hash={hash}\n"
    )));
    assert!(text.contains("IPs:\n  IP:           10.244."), "{text}");
    assert!(text.contains(&format!(
        "Controlled By:  ReplicaSet/nginx-deployment-{hash}\n"
    )));

    let sim = run_builtin("pod-too-large");
    let pods = stored_pods(&sim);
    let name = pods[0].metadata.name.clone().unwrap_or_default();
    let text = describe_in(&sim, &name);
    assert!(text.contains("Node:             <none>\n"), "{text}");
    assert!(text.contains("Status:           Pending\n"), "{text}");
    assert!(
        text.contains("Conditions:\n  Type           Status\n  PodScheduled   False \n"),
        "{text}"
    );
    let events = text.split("Events:\n").nth(1).expect("events");
    assert!(
        events.contains("  Warning  FailedScheduling  ")
            && events.contains("default-scheduler  0/3 nodes are available: "),
        "{events}"
    );
}

#[test]
fn should_print_times_in_go_rfc1123z_layout() {
    let at = |s: &str| rfc1123z(&s.parse::<Timestamp>().expect("timestamp"));
    assert_eq!(
        at("2026-01-01T00:00:00Z"),
        "Thu, 01 Jan 2026 00:00:00 +0000"
    );
    assert_eq!(
        at("2024-02-29T23:59:59Z"),
        "Thu, 29 Feb 2024 23:59:59 +0000"
    );
    assert_eq!(
        at("1969-12-31T12:30:05Z"),
        "Wed, 31 Dec 1969 12:30:05 +0000"
    );
    assert_eq!(
        at("2000-03-01T08:09:10Z"),
        "Wed, 01 Mar 2000 08:09:10 +0000"
    );
    assert_eq!(rfc1123z_or_zero(None), "Mon, 01 Jan 0001 00:00:00 +0000");
    assert_eq!(
        at("0001-01-01T00:00:00Z"),
        "Mon, 01 Jan 0001 00:00:00 +0000"
    );
}

#[test]
fn should_describe_every_kubernetes_io_example_pod_without_panicking() {
    let mut described = 0;
    for (file, document) in crate::engine::website_examples::documents() {
        if document["kind"] != "Pod" {
            continue;
        }
        let Ok(pod) = serde_json::from_value::<Pod>(document) else {
            continue;
        };
        let text = describe_pod(&pod, &[], 0);
        let name = pod.metadata.name.as_deref().unwrap_or_default();
        assert!(text.starts_with("Name:"), "{file}: {text}");
        assert!(text.contains(name), "{file}: {text}");
        assert!(text.ends_with("<none>\n"), "{file}: {text}");
        described += 1;
    }
    assert!(described >= 100, "described {described} example pods");
}

fn node(value: Value) -> k8s_openapi::api::core::v1::Node {
    serde_json::from_value(value).expect("node")
}

fn event(value: Value) -> Event {
    serde_json::from_value(value).expect("event")
}

/// A node with 4 cpu, 12Gi memory and 2Gi of 2Mi hugepages allocatable, as `kubectl describe node`
/// tables compare pods against.
fn big_node() -> k8s_openapi::api::core::v1::Node {
    node(json!({
        "metadata": {"name": "worker", "uid": "7d0c2c57-0000-4000-8000-000000000001",
                     "creationTimestamp": "2026-01-01T00:00:00Z",
                     "labels": {"node-role.kubernetes.io/worker": "", "kubernetes.io/role": "edge"}},
        "spec": {"unschedulable": true, "taints": [
            {"key": "node.kubernetes.io/unschedulable", "effect": "NoSchedule"},
            {"key": "gpu", "value": "true", "effect": "NoExecute"},
            {"key": "dedicated", "effect": "NoSchedule"}]},
        "status": {
            "capacity": {"cpu": "8", "memory": "24Gi", "hugepages-2Mi": "4Gi", "hugepages-1Gi": "0",
                         "example.com/dongle": "3", "pods": "110"},
            "allocatable": {"cpu": "4", "memory": "12Gi", "hugepages-2Mi": "2Gi", "hugepages-1Gi": "0",
                            "example.com/dongle": "3", "pods": "110"}}
    }))
}

fn running(value: Value) -> Pod {
    let mut pod = pod(value);
    let status = pod.status.get_or_insert_with(Default::default);
    status.phase = status.phase.clone().or(Some("Running".into()));
    pod
}

#[test]
fn should_sum_node_requests_and_limits_as_describe_node_does() {
    let node = big_node();
    let with_hugepages = running(json!({
        "metadata": {"name": "hungry", "namespace": "team", "creationTimestamp": "2026-01-01T00:00:00Z"},
        "spec": {"nodeName": "worker", "containers": [
            {"name": "main", "image": "i", "resources": {
                "requests": {"cpu": "1", "memory": "1Gi"}, "limits": {"cpu": "2", "memory": "2Gi"}}},
            {"name": "pages", "image": "i", "resources": {
                "requests": {"hugepages-2Mi": "512Mi", "example.com/dongle": "1"},
                "limits": {"hugepages-2Mi": "512Mi", "example.com/dongle": "1"}}}]}
    }));
    let pods = [&with_hugepages];
    let text = describe_node(&node, &pods, &[], 60_000);
    assert!(
        text.contains(concat!(
            "Allocated resources:\n",
            "  (Total limits may be over 100 percent, i.e., overcommitted.)\n",
            "  Resource            Requests     Limits\n",
            "  --------            --------     ------\n",
            "  cpu                 1 (25%)      2 (50%)\n",
            "  memory              1Gi (8%)     2Gi (16%)\n",
            "  ephemeral-storage   0 (0%)       0 (0%)\n",
            "  hugepages-1Gi       0 (0%)       0 (0%)\n",
            "  hugepages-2Mi       512Mi (25%)  512Mi (25%)\n",
            "  example.com/dongle  1            1\n",
        )),
        "{text}"
    );
    assert!(text.contains(
        "  team                        hungry    1 (25%)       2 (50%)     1Gi (8%)         2Gi (16%)      60s\n"
    ), "{text}");
    assert!(text.contains("Roles:              edge,worker\n"), "{text}");
    // Taints ordered by effect, then key.
    assert!(
        text.contains(concat!(
            "Taints:             gpu=true:NoExecute\n",
            "                    dedicated:NoSchedule\n",
            "                    node.kubernetes.io/unschedulable:NoSchedule\n",
            "Unschedulable:      true\n",
        )),
        "{text}"
    );
}

#[test]
fn should_count_sidecars_pod_level_resources_and_overhead_on_the_node() {
    let node = big_node();
    // A sidecar adds to the total; a plain init container only raises it to what it needs.
    let sidecar = running(json!({
        "metadata": {"name": "sidecar", "namespace": "a"},
        "spec": {"nodeName": "worker",
            "initContainers": [
                {"name": "proxy", "image": "i", "restartPolicy": "Always",
                 "resources": {"requests": {"cpu": "1", "memory": "1Gi"}}},
                {"name": "setup", "image": "i", "resources": {"requests": {"cpu": "1", "memory": "1Gi"}}}],
            "containers": [{"name": "main", "image": "i", "resources": {
                "requests": {"cpu": "1", "memory": "1Gi"}, "limits": {"cpu": "2", "memory": "2Gi"}}}]}
    }));
    // Pod-level requests and limits replace the containers' figures.
    let pod_level = running(json!({
        "metadata": {"name": "pod-level", "namespace": "b"},
        "spec": {"nodeName": "worker",
            "resources": {"requests": {"cpu": "2", "memory": "4Gi"}, "limits": {"cpu": "4", "memory": "8Gi"}},
            "containers": [{"name": "one", "image": "i"}, {"name": "two", "image": "i"}]}
    }));
    // The overhead adds to requests, and to limits only where there is one; sums keep the first
    // term's format.
    let overhead = running(json!({
        "metadata": {"name": "kata", "namespace": "c"},
        "spec": {"nodeName": "worker", "overhead": {"cpu": "250m", "memory": "120Mi"},
            "containers": [{"name": "main", "image": "i", "resources": {
                "requests": {"cpu": "100m", "memory": "64Mi"}, "limits": {"memory": "128Mi"}}}]}
    }));
    let pods = [&sidecar, &pod_level, &overhead];
    let text = describe_node(&node, &pods, &[], 0);
    let rows: Vec<&str> = text
        .lines()
        .skip_while(|l| !l.starts_with("Non-terminated Pods:"))
        .take(6)
        .collect();
    assert_eq!(
        rows,
        [
            "Non-terminated Pods:          (3 in total)",
            "  Namespace                   Name         CPU Requests  CPU Limits  Memory Requests  Memory Limits  Age",
            "  ---------                   ----         ------------  ----------  ---------------  -------------  ---",
            "  a                           sidecar      2 (50%)       2 (50%)     2Gi (16%)        2Gi (16%)      <unknown>",
            "  b                           pod-level    2 (50%)       4 (100%)    4Gi (33%)        8Gi (66%)      <unknown>",
            "  c                           kata         350m (8%)     0 (0%)      184Mi (1%)       248Mi (2%)     <unknown>",
        ],
        "{text}"
    );
    assert!(
        text.contains("  cpu                 4350m (108%)  6 (150%)\n"),
        "{text}"
    );
    assert!(
        text.contains("  memory              6328Mi (51%)  10488Mi (85%)\n"),
        "{text}"
    );
}

#[test]
fn should_list_node_events_by_uid_and_by_name_and_only_the_nodes_pods() {
    let node = big_node();
    let about = |name: &str, uid: &str, message: &str, at: &str| {
        event(json!({
            "metadata": {"name": message, "namespace": "default"},
            "involvedObject": {"kind": "Node", "name": name, "uid": uid},
            "reason": message, "message": format!("Node {name} status is now: {message}"),
            "source": {"component": "kubelet", "host": name}, "type": "Normal", "count": 1,
            "firstTimestamp": at, "lastTimestamp": at,
        }))
    };
    let events = [
        about(
            "worker",
            "worker",
            "NodeNotSchedulable",
            "2026-01-01T00:00:30Z",
        ),
        about(
            "worker",
            "7d0c2c57-0000-4000-8000-000000000001",
            "RegisteredNode",
            "2026-01-01T00:00:10Z",
        ),
        about("other", "other", "NodeReady", "2026-01-01T00:00:05Z"),
    ];
    let refs: Vec<&Event> = events.iter().collect();
    let found = events_about_node(&node, &refs);
    let reasons: Vec<_> = found
        .iter()
        .map(|e| e.reason.clone().unwrap_or_default())
        .collect();
    assert_eq!(reasons, ["RegisteredNode", "NodeNotSchedulable"]);
    let text = describe_node(&node, &[], &found, 40_000);
    assert!(text.ends_with(concat!(
        "Events:\n",
        "  Type    Reason              Age   From     Message\n",
        "  ----    ------              ----  ----     -------\n",
        "  Normal  RegisteredNode      30s   kubelet  Node worker status is now: RegisteredNode\n",
        "  Normal  NodeNotSchedulable  10s   kubelet  Node worker status is now: NodeNotSchedulable\n",
    )), "{text}");
    // The lease the kubelet renews every 10 s since registration.
    assert!(
        text.contains(concat!(
            "Lease:\n",
            "  HolderIdentity:  worker\n",
            "  AcquireTime:     <unset>\n",
            "  RenewTime:       Thu, 01 Jan 2026 00:00:40 +0000\n",
        )),
        "{text}"
    );

    let elsewhere = running(json!({"metadata": {"name": "x", "namespace": "d"},
        "spec": {"nodeName": "other", "containers": [{"name": "c", "image": "i"}]}}));
    let done = pod(json!({"metadata": {"name": "y", "namespace": "d"},
        "spec": {"nodeName": "worker", "containers": [{"name": "c", "image": "i"}]},
        "status": {"phase": "Succeeded"}}));
    let pending = pod(json!({"metadata": {"name": "z", "namespace": "d"},
        "spec": {"containers": [{"name": "c", "image": "i"}]}, "status": {"phase": "Pending"}}));
    let second = running(json!({"metadata": {"name": "b", "namespace": "a"},
        "spec": {"nodeName": "worker", "containers": [{"name": "c", "image": "i"}]}}));
    let first = running(json!({"metadata": {"name": "a", "namespace": "a"},
        "spec": {"nodeName": "worker", "containers": [{"name": "c", "image": "i"}]}}));
    let all = [&elsewhere, &done, &pending, &second, &first];
    let names: Vec<_> = pods_on_node(&node, &all)
        .iter()
        .map(|p| p.metadata.name.clone().unwrap_or_default())
        .collect();
    assert_eq!(names, ["a", "b"]);
}

#[test]
fn should_print_go_amd64_shares_of_a_node_without_allocatable() {
    let bare = node(json!({"metadata": {"name": "bare"}}));
    let pod = running(json!({"metadata": {"name": "p", "namespace": "n"},
        "spec": {"nodeName": "bare", "containers": [{"name": "c", "image": "i",
            "resources": {"requests": {"cpu": "1"}}}]}}));
    let text = describe_node(&bare, &[&pod], &[], 0);
    assert!(
        text.contains("  n                           p       1 (-9223372036854775808%)"),
        "{text}"
    );
    assert!(
        text.contains("  cpu                1 (0%)    0 (0%)\n"),
        "{text}"
    );
    assert!(
        !text.contains("Capacity:") && !text.contains("Conditions:"),
        "{text}"
    );
    assert!(text.contains("Lease:\n  HolderIdentity:  bare\n  AcquireTime:     <unset>\n  RenewTime:       <unset>\n"), "{text}");
}

#[test]
fn should_describe_the_seed_clusters_nodes_with_the_demo_pod_on_its_node() {
    let sim = run_builtin("demo-pod");
    let nodes = crate::engine::report::stored_nodes(&sim);
    assert_eq!(nodes.len(), 3);
    let pods = stored_pods(&sim);
    let refs: Vec<&Pod> = pods.iter().collect();
    let bound = pods[0]
        .spec
        .as_ref()
        .and_then(|s| s.node_name.clone())
        .expect("bound");
    for node in nodes {
        let on_node = pods_on_node(node, &refs);
        let text = describe_node(node, &on_node, &[], sim.now_ms);
        let here = node.metadata.name.as_deref() == Some(bound.as_str());
        assert_eq!(
            text.contains("default                     demo-pod"),
            here,
            "{text}"
        );
        assert!(
            text.contains(if here { "(1 in total)" } else { "(0 in total)" }),
            "{text}"
        );
        assert!(
            text.contains("Kubelet Version:            v1.36.0\n"),
            "{text}"
        );
    }
}

#[test]
fn should_show_the_kubelets_node_not_schedulable_event_after_a_cordon() {
    use crate::engine::api::Credentials;
    use crate::engine::kubectl::ClientAction;
    let mut sim = run_builtin("demo-pod");
    sim.schedule(
        sim.now_ms,
        crate::engine::sim::Event::Client(ClientAction::Cordon {
            credentials: Credentials::ClusterAdmin,
            node: "node-a".into(),
        }),
    );
    sim.run_to_quiescence(100_000);
    let nodes = crate::engine::report::stored_nodes(&sim);
    let node_a = nodes
        .iter()
        .find(|n| n.metadata.name.as_deref() == Some("node-a"))
        .expect("node-a");
    let events = stored_events(&sim);
    let about = events_about_node(node_a, &events);
    let text = describe_node(node_a, &[], &about, sim.now_ms);
    assert!(
        text.contains("Taints:             node.kubernetes.io/unschedulable:NoSchedule\n"),
        "{text}"
    );
    assert!(text.contains("Unschedulable:      true\n"), "{text}");
    assert!(
        text.contains("  Normal  NodeNotSchedulable  ")
            && text.contains("  kubelet  Node node-a status is now: NodeNotSchedulable\n"),
        "{text}"
    );
}
