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
