//! The seed story end to end through the CLI's engine entry points: what a real v1.36 cluster gives.

use podflow::engine::objects::Object;
use podflow::engine::report;
use podflow::engine::scenario;
use podflow::engine::scheduler::{AttemptResult, SchedulingAttempt};
use podflow::engine::sim::Simulation;

fn run(name: &str, seed: u64) -> Simulation {
    let text = scenario::builtin(name).expect("built-in scenario");
    let s = scenario::parse(name, &text).expect("parses");
    let mut sim = scenario::start(&s, seed).expect("starts");
    sim.run_to_quiescence(1_000_000);
    assert!(sim.is_quiescent(), "{name} reaches quiescence");
    sim
}

fn pod(sim: &Simulation, name: &str) -> k8s_openapi::api::core::v1::Pod {
    report::pods(sim)
        .into_iter()
        .find(|p| p.metadata.name.as_deref() == Some(name))
        .unwrap_or_else(|| panic!("pod {name} exists"))
}

fn event_lines(sim: &Simulation, pod: &str) -> Vec<String> {
    report::events(sim)
        .iter()
        .filter(|e| e.involved_object.name.as_deref() == Some(pod))
        .map(|e| {
            format!(
                "{} {}: {}",
                e.type_.clone().unwrap_or_default(),
                e.reason.clone().unwrap_or_default(),
                e.message.clone().unwrap_or_default()
            )
        })
        .collect()
}

fn score(attempt: &SchedulingAttempt, node: &str, plugin: &str) -> Option<(i64, i64, i64, i64)> {
    let n = attempt.nodes.iter().find(|n| n.name == node)?;
    let s = n.scores.iter().find(|s| s.plugin == plugin)?;
    Some((s.raw, s.normalized, s.weight, s.weighted))
}

fn total(attempt: &SchedulingAttempt, node: &str) -> Option<i64> {
    attempt.nodes.iter().find(|n| n.name == node)?.total
}

#[test]
fn demo_pod_runs_with_the_four_kubelet_events() {
    let sim = run("demo-pod", 1);
    assert_eq!(report::kubectl_output(&sim), vec!["pod/demo-pod created"]);
    let p = pod(&sim, "demo-pod");
    let status = p.status.clone().unwrap();
    assert_eq!(status.phase.as_deref(), Some("Running"));
    assert_eq!(
        p.spec.as_ref().unwrap().node_name.as_deref(),
        Some("node-c")
    );
    let condition_types: Vec<_> = status
        .conditions
        .unwrap()
        .iter()
        .map(|c| (c.type_.clone(), c.status.clone()))
        .collect();
    assert_eq!(
        condition_types,
        vec![
            ("PodReadyToStartContainers".into(), "True".into()),
            ("Initialized".into(), "True".into()),
            ("Ready".into(), "True".into()),
            ("ContainersReady".into(), "True".into()),
            ("PodScheduled".into(), "True".into()),
        ]
    );
    let events = event_lines(&sim, "demo-pod");
    assert_eq!(
        events[0],
        "Normal Scheduled: Successfully assigned default/demo-pod to node-c"
    );
    assert_eq!(events[1], "Normal Pulling: Pulling image \"nginx:latest\"");
    assert!(
        events[2].starts_with("Normal Pulled: Successfully pulled image \"nginx:latest\" in "),
        "{}",
        events[2]
    );
    assert!(
        events[2].contains(" including waiting). Image size: "),
        "{}",
        events[2]
    );
    assert_eq!(events[3], "Normal Created: Container created");
    assert_eq!(events[4], "Normal Started: Container started");
    assert_eq!(events.len(), 5, "{events:#?}");
}

#[test]
fn demo_pod_scores_use_the_non_zero_request_defaults() {
    let sim = run("demo-pod", 1);
    let attempts = sim.scheduler.attempts();
    let a = &attempts[0];
    assert_eq!(a.result, AttemptResult::Scheduled);
    // LeastAllocated with the 100m / 200Mi defaults: node-a (2 CPU, 4Gi) → cpu 95, mem 95.
    assert_eq!(
        score(a, "node-a", "NodeResourcesFit"),
        Some((95, 95, 1, 95))
    );
    assert_eq!(
        score(a, "node-b", "NodeResourcesFit"),
        Some((80, 80, 1, 80))
    );
    assert_eq!(
        score(a, "node-c", "NodeResourcesFit"),
        Some((97, 97, 1, 97))
    );
    // A BestEffort pod: BalancedAllocation's PreScore skips, so it is absent.
    assert_eq!(score(a, "node-c", "NodeResourcesBalancedAllocation"), None);
    assert_eq!(
        score(a, "node-c", "TaintToleration"),
        Some((0, 100, 3, 300))
    );
    assert_eq!(score(a, "node-c", "ImageLocality"), Some((0, 0, 1, 0)));
    assert_eq!(
        (total(a, "node-a"), total(a, "node-b"), total(a, "node-c")),
        (Some(395), Some(380), Some(397))
    );
}

#[test]
fn constrained_pod_is_filtered_and_scored_like_upstream() {
    let sim = run("constrained-pod", 1);
    let attempts = sim.scheduler.attempts();
    let a = &attempts[0];
    let b = a.nodes.iter().find(|n| n.name == "node-b").unwrap();
    assert!(!b.filter.passed);
    assert_eq!(b.filter.plugin.as_deref(), Some("NodeAffinity"));
    assert_eq!(
        b.filter.reasons,
        vec!["node(s) didn't match Pod's node affinity/selector"]
    );
    for n in ["node-a", "node-c"] {
        assert!(
            a.nodes.iter().find(|x| x.name == n).unwrap().filter.passed,
            "{n} feasible"
        );
    }
    assert_eq!(
        score(a, "node-a", "NodeResourcesFit"),
        Some((50, 50, 1, 50))
    );
    assert_eq!(
        score(a, "node-c", "NodeResourcesFit"),
        Some((75, 75, 1, 75))
    );
    assert_eq!(
        score(a, "node-a", "NodeResourcesBalancedAllocation"),
        Some((75, 75, 1, 75))
    );
    assert_eq!(
        score(a, "node-c", "NodeResourcesBalancedAllocation"),
        Some((75, 75, 1, 75))
    );
    assert_eq!(
        score(a, "node-a", "NodeAffinity"),
        None,
        "no preferred terms: PreScore skips"
    );
    assert_eq!(
        (total(a, "node-a"), total(a, "node-c")),
        (Some(425), Some(450))
    );
    assert_eq!(a.node.as_deref(), Some("node-c"));
    let p = pod(&sim, "constrained-pod");
    assert_eq!(p.status.unwrap().phase.as_deref(), Some("Running"));
    let events = event_lines(&sim, "constrained-pod");
    let reasons: Vec<_> = events
        .iter()
        .map(|e| e.split(':').next().unwrap().to_string())
        .collect();
    assert_eq!(
        reasons,
        vec![
            "Normal Scheduled",
            "Normal Pulling",
            "Normal Pulled",
            "Normal Created",
            "Normal Started"
        ]
    );
}

#[test]
fn seed_yaml_as_written_is_rejected_by_strict_decoding() {
    let sim = run("constrained-pod-as-written", 1);
    assert_eq!(
        report::kubectl_output(&sim),
        vec!["Error from server (BadRequest): error when creating \"constrained-pod-as-written.yaml\": Pod in version \"v1\" cannot be handled as a Pod: strict decoding error: unknown field \"spec.nodeAffinity\""]
    );
    assert!(report::pods(&sim).is_empty());
    let failed = sim
        .api
        .requests
        .iter()
        .find(|r| r.code == 400)
        .expect("a 400 request");
    let status = failed.status.as_ref().unwrap();
    assert_eq!(status["reason"], "BadRequest");
    assert_eq!(status["code"], 400);
}

#[test]
fn pod_too_large_gets_the_exact_failed_scheduling_message() {
    let sim = run("pod-too-large", 1);
    let attempts = sim.scheduler.attempts();
    let a = &attempts[0];
    assert_eq!(a.result, AttemptResult::Unschedulable);
    assert_eq!(
        a.message,
        "0/3 nodes are available: 3 Insufficient cpu. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling."
    );
    let p = pod(&sim, "big-pod");
    let cond = p
        .status
        .unwrap()
        .conditions
        .unwrap()
        .into_iter()
        .find(|c| c.type_ == "PodScheduled")
        .unwrap();
    assert_eq!(
        (cond.status.as_str(), cond.reason.as_deref()),
        ("False", Some("Unschedulable"))
    );
    assert_eq!(cond.message.as_deref(), Some(a.message.as_str()));
    assert!(event_lines(&sim, "big-pod")[0]
        .starts_with("Warning FailedScheduling: 0/3 nodes are available: 3 Insufficient cpu."));
}

#[test]
fn rbac_forbidden_user_gets_403_and_nothing_is_stored() {
    let sim = run("rbac-forbidden", 1);
    let out = report::kubectl_output(&sim);
    assert_eq!(
        out.last().unwrap(),
        "Error from server (Forbidden): error when creating \"rbac-forbidden.yaml\": pods is forbidden: User \"jane\" cannot create resource \"pods\" in API group \"\" in the namespace \"default\""
    );
    assert!(report::pods(&sim).is_empty());
}

#[test]
fn same_seed_gives_the_same_trace() {
    for name in scenario::builtin_names() {
        let a = run(name, 42);
        let b = run(name, 42);
        assert_eq!(a.trace, b.trace, "{name}");
    }
}

#[test]
fn every_builtin_scenario_settles_without_stray_objects() {
    for name in scenario::builtin_names() {
        let sim = run(name, 3);
        for o in report::list(&sim, "pods") {
            assert!(matches!(o, Object::Pod(_)));
        }
    }
}

#[test]
fn repeated_events_are_counted_like_upstream_recorders() {
    // kube-scheduler (events/v1): the retry after five minutes in unschedulablePods (at the first 30 s
    // flush tick past them: 330 s for a pod refused at 105 ms) turns FailedScheduling into a series of 2.
    let sim = run("pod-too-large", 1);
    let failed: Vec<_> = report::events(&sim)
        .into_iter()
        .filter(|e| e.reason.as_deref() == Some("FailedScheduling"))
        .collect();
    assert_eq!(failed.len(), 1, "one Event object");
    assert_eq!(failed[0].series.as_ref().and_then(|s| s.count), Some(2));
    assert_eq!(
        podflow::engine::printers::describe_event_age(&failed[0], sim.now_ms),
        "0s (x2 over 5m29s)"
    );
    // The kubelet (legacy recorder): identical back-off events are one Event with a count.
    let sim = run("image-not-found", 1);
    let backoff: Vec<_> = report::events(&sim)
        .into_iter()
        .filter(|e| e.reason.as_deref() == Some("BackOff"))
        .collect();
    assert_eq!(backoff.len(), 1, "one Event object");
    assert!(backoff[0].count.unwrap_or(0) > 1);
    assert!(backoff[0].last_timestamp > backoff[0].first_timestamp);
}

/// A scenario from text, run to quiescence.
/// The seed's three nodes, each document followed by `---`.
fn seed_nodes() -> String {
    let seed = scenario::builtin("demo-pod").expect("seed cluster");
    seed.split("\n---\n")
        .filter(|d| d.contains("kind: Node"))
        .map(|d| format!("{d}\n---\n"))
        .collect()
}

fn run_text(name: &str, text: &str) -> Simulation {
    let s = scenario::parse(name, text).expect("parses");
    let mut sim = scenario::start(&s, 1).expect("starts");
    sim.run_to_quiescence(1_000_000);
    sim
}

const ONE_NODE: &str = "apiVersion: v1\nkind: Node\nmetadata:\n  name: node-a\nstatus:\n  allocatable: {cpu: \"4\", memory: 8Gi, pods: \"110\"}\n  capacity: {cpu: \"4\", memory: 8Gi, pods: \"110\"}\n";

#[test]
fn manifests_are_read_with_kubectls_yaml_1_1_scalars() {
    // `defaultMode: 0644` is octal to kubectl (420); a YAML 1.2 reader would send the string "0644".
    let modes = format!(
        "{ONE_NODE}---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: modes\nspec:\n  containers:\n  - name: c\n    image: nginx\n  volumes:\n  - name: config\n    configMap:\n      name: app\n      defaultMode: 0644\n  - name: secret\n    secret:\n      secretName: app\n      defaultMode: 0400\n"
    );
    let sim = run_text("modes", &modes);
    assert_eq!(report::kubectl_output(&sim), vec!["pod/modes created"]);
    let volumes = pod(&sim, "modes").spec.unwrap().volumes.unwrap();
    let config_mode = volumes[0].config_map.as_ref().and_then(|c| c.default_mode);
    let secret_mode = volumes[1].secret.as_ref().and_then(|s| s.default_mode);
    assert_eq!((config_mode, secret_mode), (Some(420), Some(256)));

    // An unquoted `on` is a boolean, which a label value cannot be: the API server refuses the pod.
    let label = format!(
        "{ONE_NODE}---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: flags\n  labels:\n    enabled: on\nspec:\n  containers:\n  - name: c\n    image: nginx\n"
    );
    let sim = run_text("flags", &label);
    assert_eq!(
        report::kubectl_output(&sim),
        vec!["Error from server (BadRequest): error when creating \"flags.yaml\": Pod in version \"v1\" cannot be handled as a Pod: json: cannot unmarshal bool into Go struct field ObjectMeta.metadata.labels of type string"]
    );
    assert!(report::pods(&sim).is_empty());
    // Quoted, it is the string "on".
    let sim = run_text("flags", &label.replace("enabled: on", "enabled: \"on\""));
    assert_eq!(report::kubectl_output(&sim), vec!["pod/flags created"]);
}

#[test]
fn a_pod_whose_claim_does_not_exist_is_refused_at_prefilter() {
    let manifest = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: db\nspec:\n  containers:\n  - name: c\n    image: postgres\n    volumeMounts: [{name: data, mountPath: /data}]\n  volumes:\n  - name: data\n    persistentVolumeClaim:\n      claimName: db-data\n";
    let sim = run_text("claims", &format!("{ONE_NODE}---\n{manifest}"));
    let message = "0/1 nodes are available: persistentvolumeclaim \"db-data\" not found. preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling.";
    assert_eq!(
        event_lines(&sim, "db").first().map(String::as_str),
        Some(format!("Warning FailedScheduling: {message}").as_str())
    );
    let attempt = sim.scheduler.attempt(0).expect("an attempt");
    assert_eq!(attempt.result, AttemptResult::Unschedulable);
    assert_eq!(attempt.message, message);
    assert_eq!(
        attempt.pre_filter_plugin.as_deref(),
        Some("VolumeRestrictions")
    );
    assert_eq!(pod(&sim, "db").spec.unwrap().node_name, None);

    // With the claim there, VolumeRestrictions and VolumeBinding let the pod through.
    let claim = "apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  name: db-data\nspec:\n  accessModes: [ReadWriteOnce]\n  resources:\n    requests:\n      storage: 1Gi\n";
    let sim = run_text("claims", &format!("{ONE_NODE}---\n{claim}---\n{manifest}"));
    let attempt = sim.scheduler.attempt(0).expect("an attempt");
    assert_eq!(attempt.result, AttemptResult::Scheduled);
    assert_eq!(attempt.pre_filter_plugin, None);

    // Created after the pod was refused, the claim sends it back to the queue at once (the plugins'
    // QueueingHints), not after the five minutes of unschedulablePods.
    let sim = run_text("claims", &format!("{ONE_NODE}---\n{manifest}---\n{claim}"));
    let first = sim.scheduler.attempt(0).expect("a first attempt");
    assert_eq!(
        first.pre_filter_plugin.as_deref(),
        Some("VolumeRestrictions")
    );
    let second = sim.scheduler.attempt(1).expect("a second attempt");
    assert_eq!(second.result, AttemptResult::Scheduled);
    assert!(second.time_ms < 5_000, "retried at {} ms", second.time_ms);
    assert!(sim
        .trace
        .entries
        .iter()
        .any(|e| e.summary
            == "moved to backoffQ (PersistentVolumeClaimAdd: VolumeRestrictions's QueueingHint returned Queue)"));
}

#[test]
fn pods_behind_a_service_spread_with_the_default_topology_constraints() {
    let sim = run("service-spread", 1);
    let attempts = sim.scheduler.attempts();
    let node_of = |pod: &str| {
        attempts
            .iter()
            .find(|a| a.pod == format!("default/{pod}"))
            .and_then(|a| a.node.clone())
            .unwrap_or_default()
    };
    let mut nodes = vec![node_of("web-1"), node_of("web-2"), node_of("web-3")];
    nodes.sort();
    assert_eq!(
        nodes,
        vec!["node-a", "node-b", "node-c"],
        "one pod per node"
    );
    // web-2: web-1 already runs on node-c. Hostname constraint (maxSkew 3) over 3 feasible nodes:
    // weight ln(3 + 2); node-c scores round(1 × ln 5 + 2) = 4, the others 2; the seed nodes carry no
    // topology.kubernetes.io/zone label, so the zone constraint adds nothing. Normalized:
    // 100 × (4 + 2 − s) / 4.
    let web2 = attempts
        .iter()
        .find(|a| a.pod == "default/web-2")
        .expect("web-2 attempt");
    assert_eq!(
        score(web2, "node-c", "PodTopologySpread"),
        Some((4, 50, 2, 100))
    );
    assert_eq!(
        score(web2, "node-a", "PodTopologySpread"),
        Some((2, 100, 2, 200))
    );
    // A pod no Service selects is scored without PodTopologySpread (its PreScore skips).
    let demo = run("demo-pod", 1);
    let a = &demo.scheduler.attempts()[0];
    assert_eq!(score(a, "node-a", "PodTopologySpread"), None);
    assert_eq!(score(a, "node-a", "InterPodAffinity"), None);
}

#[test]
fn preferred_pod_anti_affinity_is_scored_by_inter_pod_affinity() {
    let pod = |name: &str| {
        format!(
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: {name}\n  labels:\n    app: cache\nspec:\n  \
             affinity:\n    podAntiAffinity:\n      preferredDuringSchedulingIgnoredDuringExecution:\n      \
             - weight: 100\n        podAffinityTerm:\n          topologyKey: kubernetes.io/hostname\n          \
             labelSelector:\n            matchLabels:\n              app: cache\n  containers:\n  \
             - name: redis\n    image: redis:7\n"
        )
    };
    let cluster = seed_nodes();
    let text = format!("{cluster}{}---\n{}", pod("cache-1"), pod("cache-2"));
    let sim = run_text("anti", &text);
    let attempts = sim.scheduler.attempts();
    let second = attempts
        .iter()
        .find(|a| a.pod == "default/cache-2")
        .expect("cache-2 attempt");
    let first_node = attempts
        .iter()
        .find(|a| a.pod == "default/cache-1")
        .and_then(|a| a.node.clone())
        .expect("cache-1 scheduled");
    // cache-1's node counts twice: cache-2's preferred anti-affinity matches cache-1 (−100) and
    // cache-1's own term matches cache-2 (−100, the symmetric part of PreScore). Normalized: the
    // minimum −200 → 0, the maximum 0 → 100.
    for n in ["node-a", "node-b", "node-c"] {
        let want = if n == first_node {
            (-200, 0, 2, 0)
        } else {
            (0, 100, 2, 200)
        };
        assert_eq!(score(second, n, "InterPodAffinity"), Some(want), "{n}");
    }
    assert_ne!(second.node.as_deref(), Some(first_node.as_str()));
}

#[test]
fn a_pod_waiting_for_its_required_affinity_is_retried_when_a_matching_pod_is_bound() {
    let cluster = seed_nodes();
    let frontend = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: frontend\n  labels:\n    app: frontend\n\
                    spec:\n  affinity:\n    podAffinity:\n      requiredDuringSchedulingIgnoredDuringExecution:\n      \
                    - topologyKey: zone\n        labelSelector:\n          matchLabels:\n            app: backend\n  \
                    containers:\n  - name: web\n    image: nginx:1.27\n";
    let backend =
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: backend\n  labels:\n    app: backend\n\
                   spec:\n  containers:\n  - name: api\n    image: nginx:1.27\n";
    let sim = run_text("affinity", &format!("{cluster}{frontend}---\n{backend}"));
    let attempts = sim.scheduler.attempts();
    let frontend_attempts: Vec<_> = attempts
        .iter()
        .filter(|a| a.pod == "default/frontend")
        .collect();
    assert_eq!(frontend_attempts.len(), 2, "refused once, then scheduled");
    let first = frontend_attempts[0];
    assert_eq!(first.result, AttemptResult::Unschedulable);
    assert_eq!(
        first.message,
        "0/3 nodes are available: 3 node(s) didn't match pod affinity rules. preemption: 0/3 nodes are \
         available: 3 Preemption is not helpful for scheduling."
    );
    let second = frontend_attempts[1];
    assert_eq!(second.result, AttemptResult::Scheduled);
    // Retried after its one-second backoff, not after unschedulablePods' five minutes.
    assert!(
        second.time_ms < first.time_ms + 2_000,
        "retried at {} ms after {} ms",
        second.time_ms,
        first.time_ms
    );
    let backend_node = attempts
        .iter()
        .find(|a| a.pod == "default/backend")
        .and_then(|a| a.node.clone())
        .expect("backend scheduled");
    let zone = |node: &str| {
        if node == "node-b" {
            "us-east-1b"
        } else {
            "us-east-1a"
        }
    };
    assert_eq!(
        zone(second.node.as_deref().unwrap_or_default()),
        zone(&backend_node),
        "frontend lands in backend's zone"
    );
}

#[test]
fn a_deleted_pod_moves_only_the_pods_waiting_for_what_it_frees() {
    use podflow::engine::api::Credentials;
    use podflow::engine::kubectl::ClientAction;
    use podflow::engine::sim::Event;
    let text = "apiVersion: v1\nkind: Node\nmetadata:\n  name: node-a\nspec:\n  taints:\n  - key: dedicated\n    \
                value: gpu\n    effect: NoSchedule\nstatus:\n  allocatable: {cpu: \"2\", memory: 4Gi, pods: \"110\"}\n  \
                capacity: {cpu: \"2\", memory: 4Gi, pods: \"110\"}\n---\n\
                apiVersion: v1\nkind: Pod\nmetadata:\n  name: worker\nspec:\n  nodeName: node-a\n  containers:\n  \
                - name: w\n    image: nginx:1.27\n    resources:\n      requests: {cpu: 1500m}\n---\n\
                apiVersion: v1\nkind: Pod\nmetadata:\n  name: hungry\nspec:\n  tolerations:\n  - key: dedicated\n    \
                operator: Exists\n  containers:\n  - name: h\n    image: nginx:1.27\n    resources:\n      \
                requests: {cpu: \"1\"}\n---\n\
                apiVersion: v1\nkind: Pod\nmetadata:\n  name: waiter\nspec:\n  containers:\n  - name: w\n    \
                image: nginx:1.27\n";
    let s = scenario::parse("delete", text).expect("parses");
    let mut sim = scenario::start(&s, 1).expect("starts");
    sim.run_to_quiescence(1_000_000);
    let at = sim.now_ms + 10_000;
    sim.schedule(
        at,
        Event::Client(ClientAction::Delete {
            credentials: Credentials::ClusterAdmin,
            resource: "pods".into(),
            namespace: None,
            name: "worker".into(),
            grace_period_seconds: Some(0),
        }),
    );
    sim.run_to_quiescence(1_000_000);
    let moves: Vec<String> = sim
        .trace
        .to_lines()
        .lines()
        .filter(|l| l.contains("moved to") && l.contains("(AssignedPodDelete: "))
        .map(String::from)
        .collect();
    // hungry was refused by NodeResourcesFit, which waits for pod deletions; waiter by
    // TaintToleration, which waits only for node changes.
    assert!(
        moves.iter().any(|l| l.contains("pods/default/hungry")),
        "{moves:?}"
    );
    assert!(
        !moves.iter().any(|l| l.contains("pods/default/waiter")),
        "{moves:?}"
    );
    let attempts = sim.scheduler.attempts();
    let hungry: Vec<_> = attempts
        .iter()
        .filter(|a| a.pod == "default/hungry")
        .collect();
    assert_eq!(
        hungry.last().map(|a| a.result),
        Some(AttemptResult::Scheduled)
    );
}

#[test]
fn node_changes_move_only_the_pods_whose_rejecting_plugins_hint_queue() {
    use k8s_openapi::api::core::v1::Taint;
    use podflow::engine::api::Credentials;
    use podflow::engine::kubectl::ClientAction;
    use podflow::engine::sim::Event;
    // node-a is cordoned, node-b tainted: `tolerant` is refused by NodeUnschedulable and
    // NodeResourcesFit (node-b is too small for it), `plain` by NodeUnschedulable and TaintToleration.
    let text = "apiVersion: v1\nkind: Node\nmetadata:\n  name: node-a\nspec:\n  unschedulable: true\nstatus:\n  \
                allocatable: {cpu: \"4\", memory: 8Gi, pods: \"110\"}\n  capacity: {cpu: \"4\", memory: 8Gi, pods: \"110\"}\n---\n\
                apiVersion: v1\nkind: Node\nmetadata:\n  name: node-b\nspec:\n  taints:\n  - key: dedicated\n    \
                value: gpu\n    effect: NoSchedule\nstatus:\n  allocatable: {cpu: \"1\", memory: 2Gi, pods: \"110\"}\n  \
                capacity: {cpu: \"1\", memory: 2Gi, pods: \"110\"}\n---\n\
                apiVersion: v1\nkind: Pod\nmetadata:\n  name: plain\nspec:\n  containers:\n  - name: c\n    image: nginx:1.27\n---\n\
                apiVersion: v1\nkind: Pod\nmetadata:\n  name: tolerant\nspec:\n  tolerations:\n  - key: dedicated\n    \
                operator: Exists\n  containers:\n  - name: c\n    image: nginx:1.27\n    resources:\n      \
                requests: {cpu: \"2\"}\n";
    let s = scenario::parse("node-events", text).expect("parses");
    let mut sim = scenario::start(&s, 1).expect("starts");
    sim.run_to_quiescence(1_000_000);
    let queue_lines = |sim: &podflow::engine::sim::Simulation, from: usize| -> Vec<String> {
        sim.trace.entries[from..]
            .iter()
            .filter(|e| {
                e.summary.contains("unschedulablePods (")
                    || e.summary.starts_with("moved to a")
                    || e.summary.starts_with("moved to b")
            })
            .filter(|e| e.summary.contains("Node"))
            .map(|e| format!("{} {}", e.object, e.summary))
            .collect()
    };
    let admin = || Credentials::ClusterAdmin;
    let step = |sim: &mut podflow::engine::sim::Simulation, action: ClientAction| {
        let from = sim.trace.entries.len();
        let at = sim.now_ms + 10_000;
        sim.schedule(at, Event::Client(action));
        sim.run_to_quiescence(1_000_000);
        queue_lines(sim, from)
    };
    // A label nobody's required affinity asks for: TaintToleration, NodeUnschedulable and
    // NodeResourcesFit do not register label changes, so nothing moves and nothing is asked.
    let lines = step(
        &mut sim,
        ClientAction::Label {
            credentials: admin(),
            resource: "nodes".into(),
            namespace: None,
            name: "node-b".into(),
            key: "disk".into(),
            value: Some("ssd".into()),
            overwrite: false,
        },
    );
    assert_eq!(lines, Vec::<String>::new());
    // Removing node-b's taint: TaintToleration's hint queues `plain`; `tolerant` moves too, through
    // the always-Queue UpdateNodeTaint registration NodeResourcesFit gets for registering Node/Add.
    let lines = step(
        &mut sim,
        ClientAction::Taint {
            credentials: admin(),
            node: "node-b".into(),
            taint: Taint {
                key: "dedicated".into(),
                value: Some("gpu".into()),
                effect: "NoSchedule".into(),
                time_added: None,
            },
            remove: true,
            overwrite: false,
        },
    );
    assert_eq!(
        lines,
        vec![
            "pods/default/plain moved to activeQ (NodeUpdateNodeTaint: TaintToleration's QueueingHint returned Queue)",
            "pods/default/tolerant moved to activeQ (NodeUpdateNodeTaint: NodeResourcesFit's QueueingHint returned Queue)",
        ],
    );
    let last = |sim: &podflow::engine::sim::Simulation, pod: &str| {
        sim.scheduler
            .attempts()
            .iter()
            .rev()
            .find(|a| a.pod == pod)
            .map(|a| (a.result, a.node.clone()))
    };
    assert_eq!(
        last(&sim, "default/plain"),
        Some((AttemptResult::Scheduled, Some("node-b".into())))
    );
    assert_eq!(
        last(&sim, "default/tolerant").map(|a| a.0),
        Some(AttemptResult::Unschedulable)
    );
    // Cordoning moves nothing (no event); uncordoning node-a is NodeUnschedulable's UpdateNodeTaint.
    let lines = step(
        &mut sim,
        ClientAction::Uncordon {
            credentials: admin(),
            node: "node-a".into(),
        },
    );
    // Its fifth failure (at 990 s, after the five-minute flushes) backs off 10 s, into the window the
    // uncordon falls in: isPodBackingoff still holds there, so backoffQ, then the next second's flush.
    assert_eq!(
        lines,
        vec!["pods/default/tolerant moved to backoffQ (NodeUpdateNodeTaint: NodeUnschedulable's QueueingHint returned Queue)"],
    );
    assert_eq!(
        last(&sim, "default/tolerant"),
        Some((AttemptResult::Scheduled, Some("node-a".into())))
    );
    // node-a registered cordoned, so its kubelet added the unschedulable taint; uncordoned, the node
    // lifecycle controller took it away. Cordoning node-b has the controller add it, with timeAdded.
    let taints = |sim: &podflow::engine::sim::Simulation, node: &str| {
        let stored = sim.api.store.get(&format!("/registry/minions/{node}"));
        let node = stored
            .and_then(|s| s.object.as_node())
            .cloned()
            .unwrap_or_default();
        node.spec
            .and_then(|s| s.taints)
            .unwrap_or_default()
            .into_iter()
            .map(|t| (t.key, t.effect, t.time_added.is_some()))
            .collect::<Vec<_>>()
    };
    assert_eq!(taints(&sim, "node-a"), vec![]);
    step(
        &mut sim,
        ClientAction::Cordon {
            credentials: admin(),
            node: "node-b".into(),
        },
    );
    assert_eq!(
        taints(&sim, "node-b"),
        vec![(
            "node.kubernetes.io/unschedulable".to_string(),
            "NoSchedule".to_string(),
            true
        )]
    );
    // The kubelets say so at their next node status sync (every 10 s from their start).
    let node_events: Vec<(String, String, String, u64)> = report::events(&sim)
        .into_iter()
        .filter(|e| e.involved_object.kind.as_deref() == Some("Node"))
        .map(|e| {
            let at = e
                .first_timestamp
                .as_ref()
                .map(podflow::engine::time::ms_of)
                .unwrap_or(0);
            (
                e.involved_object.name.clone().unwrap_or_default(),
                e.reason.clone().unwrap_or_default(),
                e.message.clone().unwrap_or_default(),
                at % 10_000,
            )
        })
        .collect();
    assert_eq!(
        node_events,
        vec![
            (
                "node-a".to_string(),
                "NodeSchedulable".to_string(),
                "Node node-a status is now: NodeSchedulable".to_string(),
                0
            ),
            (
                "node-b".to_string(),
                "NodeNotSchedulable".to_string(),
                "Node node-b status is now: NodeNotSchedulable".to_string(),
                0
            ),
        ]
    );
    assert!(sim.trace.entries.iter().any(|e| e
        .summary
        .starts_with("/registry/minions/node-b updated at revision")
        && e.summary
            .ends_with("by kube-controller-manager's node-lifecycle-controller")));
}

/// Two nodes so large that LeastAllocated's `(capacity - requested) * 100` wraps in int64 (as in Go),
/// giving NodeResourcesFit a normalized score of -73: RunScorePlugins fails the cycle, so the pod gets
/// a FailedScheduling event with the framework's error and `PodScheduled=False, reason SchedulerError`.
const HUGE_NODES: &str = r#"
apiVersion: v1
kind: Node
metadata:
  name: huge-a
status:
  allocatable: {cpu: 100T, memory: 100Pi, pods: "110"}
  capacity: {cpu: 100T, memory: 100Pi, pods: "110"}
---
apiVersion: v1
kind: Node
metadata:
  name: huge-b
status:
  allocatable: {cpu: 100T, memory: 100Pi, pods: "110"}
  capacity: {cpu: 100T, memory: 100Pi, pods: "110"}
---
apiVersion: v1
kind: Pod
metadata:
  name: tiny
  namespace: default
spec:
  containers:
  - name: c
    image: nginx:1.27
"#;

#[test]
fn out_of_range_score_fails_the_cycle_with_scheduler_error() {
    let s = scenario::parse("huge-nodes", HUGE_NODES).expect("parses");
    let mut sim = scenario::start(&s, 1).expect("starts");
    sim.run_to_quiescence(1_000_000);
    let message = "applying score defaultWeights on Score plugins: plugin \"NodeResourcesFit\" returns an invalid score -73, it should in the range of [0, 100] after normalizing";
    let p = pod(&sim, "tiny");
    assert_eq!(p.spec.as_ref().unwrap().node_name, None);
    let cond = p
        .status
        .unwrap()
        .conditions
        .unwrap()
        .into_iter()
        .find(|c| c.type_ == "PodScheduled")
        .unwrap();
    assert_eq!(
        (
            cond.status.as_str(),
            cond.reason.as_deref(),
            cond.message.as_deref()
        ),
        ("False", Some("SchedulerError"), Some(message))
    );
    assert_eq!(
        event_lines(&sim, "tiny")[0],
        format!("Warning FailedScheduling: {message}")
    );
    // An error names no rejecting plugin: the pod is retried after its backoff (podErrorBackoffQ,
    // released by the whole-second flush after its backoff's window), not parked until an event.
    let times: Vec<u64> = sim
        .scheduler
        .attempts()
        .iter()
        .filter(|a| a.pod == "default/tiny")
        .map(|a| a.time_ms)
        .take(5)
        .collect();
    assert_eq!(times, vec![105, 2_001, 5_001, 10_001, 19_001]);
}

#[test]
fn a_toleration_added_to_a_waiting_pod_sends_it_back_through_taint_tolerations_hint() {
    use podflow::engine::api::{Credentials, FieldValidation};
    use podflow::engine::kubectl::ClientAction;
    use podflow::engine::sim::Event;
    // The only node is tainted; the pod is refused, then re-applied with a toleration (an addition,
    // which pod updates allow): `PriorityQueue.Update` asks TaintToleration's hint about the pod's own
    // UpdatePodToleration event, and the pod is scheduled without waiting five minutes.
    let node = "apiVersion: v1\nkind: Node\nmetadata:\n  name: node-a\nspec:\n  taints:\n  - key: dedicated\n    \
                value: gpu\n    effect: NoSchedule\nstatus:\n  allocatable: {cpu: \"2\", memory: 4Gi, pods: \"110\"}\n  \
                capacity: {cpu: \"2\", memory: 4Gi, pods: \"110\"}\n";
    let pod = |tolerations: &str| {
        format!(
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: app\nspec:\n{tolerations}  containers:\n  - name: c\n    \
             image: nginx:1.27\n"
        )
    };
    let s = scenario::parse("toleration", &format!("{node}---\n{}", pod(""))).expect("parses");
    let mut sim = scenario::start(&s, 1).expect("starts");
    sim.run_to_quiescence(1_000_000);
    let first = sim.scheduler.attempts();
    assert_eq!(
        first.last().map(|a| a.result),
        Some(AttemptResult::Unschedulable)
    );
    let tolerated =
        pod("  tolerations:\n  - key: dedicated\n    operator: Exists\n    effect: NoSchedule\n");
    let manifest: serde_json::Value = serde_yaml::from_str(&tolerated).expect("yaml");
    let at = sim.now_ms + 10_000;
    sim.schedule(
        at,
        Event::Client(ClientAction::Apply {
            credentials: Credentials::ClusterAdmin,
            manifest,
            source: "pod.yaml".into(),
            validate: FieldValidation::Strict,
        }),
    );
    sim.run_to_quiescence(1_000_000);
    let moved = sim.trace.entries.iter().any(|e| {
        e.summary
            == "moved to activeQ (UnschedulablePodUpdatePodToleration: TaintToleration's QueueingHint returned Queue)"
    });
    assert!(moved, "{}", sim.trace.to_lines());
    let last = sim
        .scheduler
        .attempts()
        .last()
        .cloned()
        .expect("an attempt");
    assert_eq!(last.result, AttemptResult::Scheduled);
    assert!(
        last.time_ms < at + 1_000,
        "scheduled at {} ms",
        last.time_ms
    );
}

#[test]
fn a_high_priority_pod_preempts_the_cheapest_victim_and_lands_on_its_nominated_node() {
    let sim = run("preemption", 1);
    let attempts: Vec<SchedulingAttempt> = sim
        .scheduler
        .attempts()
        .into_iter()
        .filter(|a| a.pod == "default/urgent")
        .collect();
    // First attempt: nothing fits; PostFilter succeeded, so the message has no preemption part.
    assert_eq!(attempts[0].result, AttemptResult::Unschedulable);
    assert_eq!(
        attempts[0].message,
        "0/3 nodes are available: 3 Insufficient cpu."
    );
    // node-a needs one victim, node-c two: pickOneNodeForPreemption takes node-a.
    let urgent = pod(&sim, "urgent");
    let uid = urgent.metadata.uid.clone().unwrap();
    assert_eq!(
        event_lines(&sim, "batch-a"),
        vec![
            "Normal Pulling: Pulling image \"nginx:1.27\"".to_string(),
            "Normal Pulled: Successfully pulled image \"nginx:1.27\" in 2.273s (2.273s including waiting). Image size: 72950530 bytes.".to_string(),
            "Normal Created: Container created".to_string(),
            "Normal Started: Container started".to_string(),
            format!("Normal Preempted: Preempted by pod {uid} on node node-a"),
            "Normal Killing: Stopping container worker".to_string(),
        ]
    );
    assert!(report::pods(&sim)
        .iter()
        .all(|p| p.metadata.name.as_deref() != Some("batch-a")));
    assert!(event_lines(&sim, "batch-c1")
        .iter()
        .all(|e| !e.contains("Preempted")));
    // The next attempt tries the nominated node first and binds there.
    let last = attempts.last().unwrap();
    assert_eq!(last.result, AttemptResult::Scheduled);
    assert_eq!(last.node.as_deref(), Some("node-a"));
    assert!(last.scoring_skipped);
    assert_eq!(urgent.spec.unwrap().node_name.as_deref(), Some("node-a"));
    // The scheduler writes the preemptor's nomination with its failure, then the victim's
    // DisruptionTarget condition, then deletes it; the kubelet finishes the deletion.
    let calls: Vec<(String, String, String)> = sim
        .api
        .requests
        .iter()
        .filter(|r| r.path.contains("/pods/urgent/status") || r.path.contains("/pods/batch-a"))
        .map(|r| (r.user.clone(), r.verb.clone(), r.path.clone()))
        .collect();
    let scheduler = "system:kube-scheduler".to_string();
    let position = |user: &str, verb: &str, path: &str| {
        calls
            .iter()
            .position(|(u, v, p)| u == user && v == verb && p.ends_with(path))
            .unwrap_or_else(|| panic!("{verb} {path} in {calls:?}"))
    };
    let nominated = position(&scheduler, "update", "/pods/urgent/status");
    let disruption = position(&scheduler, "update", "/pods/batch-a/status");
    let delete = position(&scheduler, "delete", "/pods/batch-a");
    let removed = position("system:node:node-a", "delete", "/pods/batch-a");
    assert!(
        nominated < disruption && disruption < delete && delete < removed,
        "{calls:?}"
    );
    let preempt = sim
        .trace
        .entries
        .iter()
        .find(|e| e.stage == podflow::engine::trace::Stage::Preempt)
        .expect("a Preempt step");
    assert_eq!(
        preempt.summary,
        "DefaultPreemption nominates node-a: evicting default/batch-a makes room"
    );
}

#[test]
fn a_higher_priority_preemptor_clears_the_nomination_of_a_lower_priority_one_on_its_node() {
    let low = |name: &str| {
        format!(
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: {name}\nspec:\n  nodeName: node-a\n  containers:\n  - name: worker\n    image: nginx:1.27\n    resources:\n      requests: {{cpu: \"2\"}}\n---\n"
        )
    };
    let class = |name: &str, value: i32| {
        format!("apiVersion: scheduling.k8s.io/v1\nkind: PriorityClass\nmetadata:\n  name: {name}\nvalue: {value}\n---\n")
    };
    let pending = |name: &str, class: &str, cpu: &str| {
        format!(
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: {name}\nspec:\n  priorityClassName: {class}\n  containers:\n  - name: app\n    image: nginx:1.27\n    resources:\n      requests: {{cpu: \"{cpu}\"}}\n---\n"
        )
    };
    let text = [
        format!("{ONE_NODE}---\n"),
        low("low-1"),
        low("low-2"),
        class("mid", 100),
        class("high", 1000),
        pending("mid", "mid", "2"),
        pending("high", "high", "4"),
    ]
    .concat();
    let sim = run_text("nominations", &text);
    // mid preempts one low pod and is nominated to node-a; high then needs the whole node: its
    // preemption takes the other low pod and clears mid's nomination, with a status PATCH.
    let calls: Vec<(String, String)> = sim
        .api
        .requests
        .iter()
        .filter(|r| r.user == "system:kube-scheduler" && r.path.contains("/pods/"))
        .map(|r| (r.verb.clone(), r.path.clone()))
        .collect();
    let position = |verb: &str, path: &str| {
        calls
            .iter()
            .position(|(v, p)| v == verb && p.ends_with(path))
            .unwrap_or_else(|| panic!("{verb} {path} in {calls:?}"))
    };
    let high_nominated = position("update", "/pods/high/status");
    let cleared = position("patch", "/pods/mid/status");
    let second_victim = calls
        .iter()
        .rposition(|(v, p)| v == "delete" && p.contains("/pods/low-"))
        .expect("a second victim");
    assert!(
        high_nominated < cleared && cleared < second_victim,
        "{calls:?}"
    );
    let high = pod(&sim, "high");
    assert_eq!(high.spec.unwrap().node_name.as_deref(), Some("node-a"));
    let mid = pod(&sim, "mid");
    assert_eq!(mid.spec.and_then(|s| s.node_name), None);
    assert_eq!(mid.status.and_then(|s| s.nominated_node_name), None);
    // Each Preempted event names the preemptor as its related object.
    let preempted: Vec<_> = report::events(&sim)
        .into_iter()
        .filter(|e| e.reason.as_deref() == Some("Preempted"))
        .map(|e| {
            (
                e.involved_object.name.clone().unwrap_or_default(),
                e.related.and_then(|r| r.name).unwrap_or_default(),
            )
        })
        .collect();
    assert_eq!(preempted.len(), 2, "{preempted:?}");
    assert!(
        preempted.contains(&("low-2".to_string(), "high".to_string()))
            || preempted.contains(&("low-1".to_string(), "high".to_string())),
        "{preempted:?}"
    );
    assert!(preempted.iter().any(|(_, by)| by == "mid"), "{preempted:?}");
}

#[test]
fn preemption_removes_a_pod_that_the_preemptors_anti_affinity_rejects() {
    let text = format!(
        "{ONE_NODE}---\n\
apiVersion: v1\nkind: Pod\nmetadata:\n  name: db\n  labels: {{app: db}}\nspec:\n  nodeName: node-a\n  containers:\n  - name: db\n    image: nginx:1.27\n---\n\
apiVersion: scheduling.k8s.io/v1\nkind: PriorityClass\nmetadata:\n  name: high\nvalue: 1000\n---\n\
apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  priorityClassName: high\n  affinity:\n    podAntiAffinity:\n      requiredDuringSchedulingIgnoredDuringExecution:\n      - labelSelector: {{matchLabels: {{app: db}}}}\n        topologyKey: kubernetes.io/hostname\n  containers:\n  - name: web\n    image: nginx:1.27\n"
    );
    let sim = run_text("anti-affinity-preemption", &text);
    let attempts: Vec<SchedulingAttempt> = sim
        .scheduler
        .attempts()
        .into_iter()
        .filter(|a| a.pod == "default/web")
        .collect();
    // The victim search removes db from the node and from InterPodAffinity's counts (RemovePod):
    // without it, the node still looks taken and preemption would not help.
    assert_eq!(
        attempts[0].message,
        "0/1 nodes are available: 1 node(s) didn't match pod anti-affinity rules."
    );
    let uid = pod(&sim, "web").metadata.uid.unwrap();
    assert!(event_lines(&sim, "db").contains(&format!(
        "Normal Preempted: Preempted by pod {uid} on node node-a"
    )));
    let last = attempts.last().unwrap();
    assert_eq!(last.result, AttemptResult::Scheduled, "{attempts:?}");
    assert_eq!(last.node.as_deref(), Some("node-a"));
}
