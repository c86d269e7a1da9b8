//! Deployment stories end to end: the built-in `deployment` scenario, a rolling update, scaling, a
//! deleted pod replaced, and cascading deletion, checked against what a v1.36 cluster writes.

use k8s_openapi::api::apps::v1::{Deployment, ReplicaSet};
use k8s_openapi::api::core::v1::Pod;
use serde_json::{json, Value};

use super::deployment::{compute_hash, resolve_fenceposts};
use crate::engine::api::{Credentials, FieldValidation};
use crate::engine::kubectl::ClientAction;
use crate::engine::objects::Object;
use crate::engine::scenario;
use crate::engine::sim::{Event, Simulation};
use crate::engine::store::list_prefix;

/// A built-in scenario run until it goes quiet, with seed 1.
pub(crate) fn run_builtin(name: &str) -> Simulation {
    let text = scenario::builtin(name).expect("built-in scenario");
    let parsed = scenario::parse(name, &text).expect("parses");
    let mut sim = scenario::start(&parsed, 1).expect("starts");
    sim.run_to_quiescence(100_000);
    sim
}

fn nginx_deployment(replicas: i32, image: &str) -> Value {
    json!({"apiVersion": "apps/v1", "kind": "Deployment",
           "metadata": {"name": "nginx-deployment", "labels": {"app": "nginx"}},
           "spec": {"replicas": replicas, "selector": {"matchLabels": {"app": "nginx"}},
                    "template": {"metadata": {"labels": {"app": "nginx"}},
                                 "spec": {"containers": [{"name": "nginx", "image": image,
                                                          "ports": [{"containerPort": 80}]}]}}}})
}

fn act(sim: &mut Simulation, action: ClientAction) {
    let at = sim.now_ms + 1000;
    sim.schedule(at, Event::Client(action));
    sim.run_to_quiescence(100_000);
}

pub(crate) fn apply(sim: &mut Simulation, manifest: Value) {
    act(
        sim,
        ClientAction::Apply {
            credentials: Credentials::ClusterAdmin,
            manifest,
            source: "deployment.yaml".into(),
            validate: FieldValidation::Strict,
        },
    );
}

pub(crate) fn delete(sim: &mut Simulation, resource: &str, name: &str) {
    act(
        sim,
        ClientAction::Delete {
            credentials: Credentials::ClusterAdmin,
            resource: resource.into(),
            namespace: None,
            name: name.into(),
            grace_period_seconds: None,
        },
    );
}

fn replica_sets(sim: &Simulation) -> Vec<ReplicaSet> {
    sim.api
        .store
        .list(&list_prefix("replicasets", Some("default")))
        .filter_map(|(_, s)| match &s.object {
            Object::ReplicaSet(rs) => Some((**rs).clone()),
            _ => None,
        })
        .collect()
}

fn pods(sim: &Simulation) -> Vec<Pod> {
    sim.api
        .store
        .list(&list_prefix("pods", Some("default")))
        .filter_map(|(_, s)| s.object.as_pod().cloned())
        .collect()
}

fn deployment(sim: &Simulation) -> Deployment {
    match sim
        .api
        .store
        .get("/registry/deployments/default/nginx-deployment")
        .map(|s| s.object.clone())
    {
        Some(Object::Deployment(d)) => (*d).clone(),
        other => panic!("no deployment: {other:?}"),
    }
}

/// The `reason: message` of every event about `kind` objects, in the order they were written.
pub(crate) fn events_about(sim: &Simulation, kind: &str) -> Vec<String> {
    let mut events: Vec<(i64, String)> = sim
        .api
        .store
        .list(&list_prefix("events", Some("default")))
        .filter_map(|(_, s)| match &s.object {
            Object::Event(e) if e.involved_object.kind.as_deref() == Some(kind) => Some((
                s.create_revision,
                format!(
                    "{}: {}",
                    e.reason.as_deref().unwrap_or(""),
                    e.message.as_deref().unwrap_or("")
                ),
            )),
            _ => None,
        })
        .collect();
    events.sort();
    events.into_iter().map(|(_, e)| e).collect()
}

pub(crate) fn running(sim: &Simulation) -> Vec<String> {
    pods(sim)
        .into_iter()
        .filter(|p| p.metadata.deletion_timestamp.is_none())
        .filter(|p| p.status.as_ref().and_then(|s| s.phase.as_deref()) == Some("Running"))
        .map(|p| p.metadata.name.unwrap_or_default())
        .collect()
}

#[test]
fn should_resolve_max_surge_and_max_unavailable_like_resolve_fenceposts() {
    let cases = [
        // (replicas, maxSurge, maxUnavailable, want surge, want unavailable)
        (1, json!("25%"), json!("25%"), 1, 0),
        (3, json!("25%"), json!("25%"), 1, 0),
        (4, json!("25%"), json!("25%"), 1, 1),
        (10, json!("25%"), json!("25%"), 3, 2),
        (10, json!(0), json!(0), 0, 1),
        (5, json!("0%"), json!(2), 0, 2),
        (3, json!("100%"), json!("50%"), 3, 1),
        (10, json!("39%"), json!("39%"), 4, 3),
        (0, json!("0%"), json!("0%"), 0, 1),
    ];
    for (replicas, surge, unavailable, want_surge, want_unavailable) in cases {
        let mut manifest = nginx_deployment(replicas, "nginx:1.14.2");
        manifest["spec"]["strategy"] = json!({"type": "RollingUpdate",
            "rollingUpdate": {"maxSurge": surge, "maxUnavailable": unavailable}});
        let d: Deployment = serde_json::from_value(manifest).unwrap();
        assert_eq!(
            resolve_fenceposts(&d),
            (want_surge, want_unavailable),
            "{replicas} replicas, surge {surge}, unavailable {unavailable}"
        );
    }
}

#[test]
fn should_hash_templates_into_safe_encoded_strings() {
    let d: Deployment = serde_json::from_value(nginx_deployment(3, "nginx:1.14.2")).unwrap();
    let template = d.spec.unwrap().template;
    let hash = compute_hash(&template, None);
    // The decimal digits of a 32-bit sum, each mapped into the safe alphabet: 0→4 … 5→9, 6→b … 9→f.
    assert!((1..=10).contains(&hash.len()), "{hash}");
    assert!(hash.chars().all(|c| "456789bcdf".contains(c)), "{hash}");
    assert_eq!(hash, compute_hash(&template, None), "stable");
    assert_ne!(
        hash,
        compute_hash(&template, Some(1)),
        "collisionCount changes it"
    );
}

#[test]
fn should_turn_a_deployment_into_a_replica_set_and_three_running_pods() {
    let sim = run_builtin("deployment");
    let rss = replica_sets(&sim);
    assert_eq!(rss.len(), 1);
    let rs = &rss[0];
    let rs_name = rs.metadata.name.clone().unwrap();
    let hash = rs_name
        .strip_prefix("nginx-deployment-")
        .expect("named after the deployment");
    let labels = rs.metadata.labels.clone().unwrap();
    assert_eq!(
        labels.get("pod-template-hash").map(String::as_str),
        Some(hash)
    );
    assert_eq!(labels.get("app").map(String::as_str), Some("nginx"));
    let annotations = rs.metadata.annotations.clone().unwrap();
    assert_eq!(
        annotations.into_iter().collect::<Vec<_>>(),
        vec![
            (
                "deployment.kubernetes.io/desired-replicas".to_string(),
                "3".to_string()
            ),
            (
                "deployment.kubernetes.io/max-replicas".to_string(),
                "4".to_string()
            ),
            (
                "deployment.kubernetes.io/revision".to_string(),
                "1".to_string()
            ),
        ],
        "the last-applied annotation is not copied"
    );
    let owner = &rs.metadata.owner_references.as_ref().unwrap()[0];
    assert_eq!(
        (
            owner.kind.as_str(),
            owner.name.as_str(),
            owner.controller,
            owner.block_owner_deletion
        ),
        ("Deployment", "nginx-deployment", Some(true), Some(true))
    );
    let selector = rs
        .spec
        .as_ref()
        .unwrap()
        .selector
        .match_labels
        .clone()
        .unwrap();
    assert_eq!(
        selector.get("pod-template-hash").map(String::as_str),
        Some(hash)
    );

    let pods = pods(&sim);
    assert_eq!(pods.len(), 3);
    for pod in &pods {
        let name = pod.metadata.name.clone().unwrap();
        let suffix = name
            .strip_prefix(&format!("{rs_name}-"))
            .expect("generateName");
        assert_eq!(suffix.len(), 5, "{name}");
        assert_eq!(
            pod.metadata.generate_name.as_deref(),
            Some(&*format!("{rs_name}-"))
        );
        let owner = &pod.metadata.owner_references.as_ref().unwrap()[0];
        assert_eq!(
            (owner.kind.as_str(), owner.name.as_str()),
            ("ReplicaSet", rs_name.as_str())
        );
    }
    assert_eq!(running(&sim).len(), 3);

    assert_eq!(
        events_about(&sim, "Deployment"),
        vec![format!(
            "ScalingReplicaSet: Scaled up replica set {rs_name} from 0 to 3"
        )]
    );
    let created: Vec<String> = pods
        .iter()
        .map(|p| {
            format!(
                "SuccessfulCreate: Created pod: {}",
                p.metadata.name.clone().unwrap()
            )
        })
        .collect();
    let mut rs_events = events_about(&sim, "ReplicaSet");
    rs_events.sort();
    let mut created_sorted = created.clone();
    created_sorted.sort();
    assert_eq!(rs_events, created_sorted);

    let status = rs.status.clone().unwrap();
    assert_eq!(
        (
            status.replicas,
            status.fully_labeled_replicas,
            status.ready_replicas,
            status.available_replicas,
            status.terminating_replicas,
            status.observed_generation
        ),
        (3, Some(3), Some(3), Some(3), Some(0), Some(1))
    );

    let d = deployment(&sim);
    assert_eq!(
        d.metadata
            .annotations
            .unwrap()
            .get("deployment.kubernetes.io/revision")
            .map(String::as_str),
        Some("1")
    );
    let status = d.status.unwrap();
    assert_eq!(
        (
            status.replicas,
            status.updated_replicas,
            status.ready_replicas,
            status.available_replicas,
            status.unavailable_replicas,
            status.terminating_replicas,
            status.observed_generation
        ),
        (Some(3), Some(3), Some(3), Some(3), None, Some(0), Some(1))
    );
    let conditions: Vec<(String, String, String, String)> = status
        .conditions
        .unwrap()
        .into_iter()
        .map(|c| (c.type_, c.status, c.reason.unwrap(), c.message.unwrap()))
        .collect();
    assert_eq!(
        conditions,
        vec![
            (
                "Available".into(),
                "True".into(),
                "MinimumReplicasAvailable".into(),
                "Deployment has minimum availability.".into()
            ),
            (
                "Progressing".into(),
                "True".into(),
                "NewReplicaSetAvailable".into(),
                format!("ReplicaSet \"{rs_name}\" has successfully progressed.")
            ),
        ]
    );
}

#[test]
fn should_roll_out_a_new_template_one_pod_at_a_time() {
    let mut sim = run_builtin("deployment");
    let old = replica_sets(&sim)[0].metadata.name.clone().unwrap();
    apply(&mut sim, nginx_deployment(3, "nginx:1.27"));
    let rss = replica_sets(&sim);
    assert_eq!(rss.len(), 2);
    let new = rss
        .iter()
        .map(|rs| rs.metadata.name.clone().unwrap())
        .find(|n| *n != old)
        .unwrap();
    // 3 replicas at 25%/25%: surge 1, unavailable 0, so the two sets trade one pod at a time.
    assert_eq!(
        events_about(&sim, "Deployment"),
        vec![
            format!("ScalingReplicaSet: Scaled up replica set {old} from 0 to 3"),
            format!("ScalingReplicaSet: Scaled up replica set {new} from 0 to 1"),
            format!("ScalingReplicaSet: Scaled down replica set {old} from 3 to 2"),
            format!("ScalingReplicaSet: Scaled up replica set {new} from 1 to 2"),
            format!("ScalingReplicaSet: Scaled down replica set {old} from 2 to 1"),
            format!("ScalingReplicaSet: Scaled up replica set {new} from 2 to 3"),
            format!("ScalingReplicaSet: Scaled down replica set {old} from 1 to 0"),
        ]
    );
    let d = deployment(&sim);
    assert_eq!(
        d.metadata
            .annotations
            .unwrap()
            .get("deployment.kubernetes.io/revision")
            .map(String::as_str),
        Some("2")
    );
    let live: Vec<Pod> = pods(&sim);
    assert_eq!(live.len(), 3, "old pods are gone once terminated");
    assert!(live
        .iter()
        .all(|p| p.metadata.name.as_deref().unwrap().starts_with(&new)));
    assert_eq!(running(&sim).len(), 3);
}

#[test]
fn should_scale_the_replica_set_and_delete_the_lowest_ranked_pods() {
    let mut sim = run_builtin("deployment");
    let rs = replica_sets(&sim)[0].metadata.name.clone().unwrap();
    apply(&mut sim, nginx_deployment(5, "nginx:1.14.2"));
    assert_eq!(running(&sim).len(), 5);
    apply(&mut sim, nginx_deployment(1, "nginx:1.14.2"));
    assert_eq!(running(&sim).len(), 1);
    let events = events_about(&sim, "Deployment");
    assert_eq!(
        events[1..],
        [
            format!("ScalingReplicaSet: Scaled up replica set {rs} from 3 to 5"),
            format!("ScalingReplicaSet: Scaled down replica set {rs} from 5 to 1"),
        ]
    );
    let deleted = events_about(&sim, "ReplicaSet")
        .into_iter()
        .filter(|e| e.starts_with("SuccessfulDelete: Deleted pod: "))
        .count();
    assert_eq!(deleted, 4);
}

#[test]
fn should_replace_a_deleted_pod() {
    let mut sim = run_builtin("deployment");
    let victim = running(&sim)[0].clone();
    delete(&mut sim, "pods", &victim);
    let now = running(&sim);
    assert_eq!(now.len(), 3);
    assert!(!now.contains(&victim));
    let creates = events_about(&sim, "ReplicaSet")
        .into_iter()
        .filter(|e| e.starts_with("SuccessfulCreate"))
        .count();
    assert_eq!(creates, 4);
}

#[test]
fn should_delete_the_replica_set_and_its_pods_with_the_deployment() {
    let mut sim = run_builtin("deployment");
    delete(&mut sim, "deployments", "nginx-deployment");
    assert!(replica_sets(&sim).is_empty());
    assert!(
        pods(&sim).is_empty(),
        "pods terminated and removed by their kubelets"
    );
    let collector = sim
        .trace
        .entries
        .iter()
        .filter(|e| e.summary.starts_with("generic-garbage-collector:"))
        .count();
    assert_eq!(
        collector, 2,
        "the Deployment's ReplicaSet, then the ReplicaSet's pods"
    );
}

#[test]
fn should_create_replica_set_pods_through_admission_as_the_controllers_service_account() {
    let sim = run_builtin("deployment");
    let creates: Vec<&str> = sim
        .api
        .requests
        .iter()
        .filter(|r| r.method == "POST" && r.path.ends_with("/pods"))
        .map(|r| r.user.as_str())
        .collect();
    assert_eq!(
        creates,
        vec!["system:serviceaccount:kube-system:replicaset-controller"; 3]
    );
    let pod = &pods(&sim)[0];
    let spec = pod.spec.as_ref().unwrap();
    assert_eq!(
        spec.service_account_name.as_deref(),
        Some("default"),
        "ServiceAccount admission ran"
    );
}

#[test]
fn should_spread_a_replica_sets_pods_with_the_default_topology_constraints() {
    // helper.DefaultSelector adds the controlling ReplicaSet's selector, so PodTopologySpread's
    // system defaults (hostname maxSkew 3, zone maxSkew 5, ScheduleAnyway) score the replicas apart.
    let sim = run_builtin("deployment");
    let mut nodes: Vec<String> = pods(&sim)
        .into_iter()
        .filter_map(|p| p.spec.and_then(|s| s.node_name))
        .collect();
    nodes.sort();
    assert_eq!(nodes, vec!["node-a", "node-b", "node-c"]);
}

#[test]
fn should_print_deployments_and_replica_sets_as_kubectl_get_does() {
    let sim = run_builtin("deployment");
    let rs = replica_sets(&sim)[0].metadata.name.clone().unwrap();
    let report = crate::engine::report::text_report(&sim, "deployment", 1);
    assert!(report.contains(
        "== kubectl get deployments\nNAME               READY   UP-TO-DATE   AVAILABLE   AGE\nnginx-deployment   3/3     3            3           2s\n"
    ), "{report}");
    let pad = " ".repeat(rs.len() - 4);
    assert!(report.contains(&format!(
        "== kubectl get replicasets\nNAME{pad}   DESIRED   CURRENT   READY   AGE\n{rs}   3         3         3       2s\n"
    )), "{report}");
}

#[test]
fn should_give_every_kubernetes_io_deployment_its_replica_set_and_pods() {
    let seed_cluster = include_str!("../../../scenarios/_seed-cluster.yaml");
    let mut checked = 0;
    for path in crate::engine::website_examples::yaml_files() {
        let text = std::fs::read_to_string(&path).expect("readable");
        // (One Pod example uses a `\'` escape podflow's YAML reader refuses; it holds no Deployment.)
        let Ok(documents) = scenario::parse_documents(&text) else {
            continue;
        };
        let wanted: Vec<(String, i64)> = documents
            .iter()
            .filter(|d| d.get("kind").and_then(Value::as_str) == Some("Deployment"))
            .map(|d| {
                (
                    d.pointer("/metadata/name")
                        .and_then(Value::as_str)
                        .unwrap_or("")
                        .to_string(),
                    d.pointer("/spec/replicas")
                        .and_then(Value::as_i64)
                        .unwrap_or(1),
                )
            })
            .collect();
        if wanted.is_empty() {
            continue;
        }
        let label = path.display().to_string();
        let parsed =
            scenario::parse(&label, &format!("{seed_cluster}\n---\n{text}")).expect("a scenario");
        let mut sim = scenario::start(&parsed, 1).expect("starts");
        sim.run_to_quiescence(100_000);
        for (name, replicas) in wanted {
            let rs: Vec<ReplicaSet> = replica_sets(&sim)
                .into_iter()
                .filter(|rs| {
                    rs.metadata
                        .owner_references
                        .iter()
                        .flatten()
                        .any(|o| o.kind == "Deployment" && o.name == name)
                })
                .collect();
            assert_eq!(rs.len(), 1, "{label}: {name} has one ReplicaSet");
            let rs_name = rs[0].metadata.name.clone().unwrap_or_default();
            let owned = pods(&sim)
                .into_iter()
                .filter(|p| {
                    p.metadata
                        .name
                        .as_deref()
                        .unwrap_or("")
                        .starts_with(&format!("{rs_name}-"))
                })
                .count();
            assert_eq!(owned as i64, replicas, "{label}: {name}'s pods");
            checked += 1;
        }
    }
    assert_eq!(checked, 6, "the corpus holds six Deployments");
}

#[test]
fn should_not_overflow_on_extreme_replica_counts_and_percentages() {
    for (replicas, surge) in [(i32::MAX, json!("25%")), (7, json!("99999999999999999%"))] {
        let mut manifest = nginx_deployment(replicas, "nginx:1.14.2");
        manifest["spec"]["strategy"] = json!({"type": "RollingUpdate",
            "rollingUpdate": {"maxSurge": surge, "maxUnavailable": "25%"}});
        let d: Deployment = serde_json::from_value(manifest).unwrap();
        let (surge, unavailable) = resolve_fenceposts(&d);
        assert!(surge >= 0 && unavailable >= 0);
        assert_eq!(super::deployment::max_surge(&d), surge);
    }
}

fn with_status(
    replicas: i32,
    current: i32,
    updated: i32,
    ready: i32,
    available: i32,
) -> Deployment {
    let mut d: Deployment =
        serde_json::from_value(nginx_deployment(replicas, "nginx:1.14.2")).unwrap();
    let n = |v: i32| (v != 0).then_some(v);
    d.status = Some(k8s_openapi::api::apps::v1::DeploymentStatus {
        replicas: n(current),
        updated_replicas: n(updated),
        ready_replicas: n(ready),
        available_replicas: n(available),
        ..Default::default()
    });
    d
}

#[test]
fn should_call_a_rollout_complete_only_when_every_replica_is_updated_and_available() {
    use super::deployment::deployment_complete;
    let cases = [
        // (desired, current, updated, available, complete)
        ("min but not all available", 5, 5, 5, 4, false),
        ("complete", 5, 5, 5, 5, true),
        ("all available but not updated", 5, 5, 4, 5, false),
        ("old pods still running", 1, 2, 1, 1, false),
        ("never comes up", 1, 1, 1, 0, false),
    ];
    for (name, desired, current, updated, available, want) in cases {
        let d = with_status(desired, current, updated, 0, available);
        assert_eq!(deployment_complete(&d, d.status.as_ref()), want, "{name}");
    }
}

#[test]
fn should_call_a_rollout_progressing_when_it_moved_since_the_last_status() {
    use super::deployment::deployment_progressing;
    let cases = [
        // (old current, updated, ready, available) → (new ...), progressing
        ("more updated pods", (10, 4, 4, 4), (10, 6, 4, 4), true),
        ("nothing moved", (10, 4, 4, 4), (10, 4, 4, 4), false),
        ("old pods removed", (10, 4, 6, 6), (8, 4, 6, 6), true),
        ("fewer new pods", (10, 7, 3, 3), (10, 6, 3, 3), false),
        ("fewer overall, more new", (10, 4, 7, 7), (8, 8, 5, 5), true),
        ("more ready pods", (10, 10, 9, 8), (10, 10, 10, 8), true),
        (
            "more available pods",
            (10, 10, 10, 9),
            (10, 10, 10, 10),
            true,
        ),
    ];
    for (name, old, new, want) in cases {
        let d = with_status(10, old.0, old.1, old.2, old.3);
        let status = with_status(10, new.0, new.1, new.2, new.3).status.unwrap();
        assert_eq!(deployment_progressing(&d, &status), want, "{name}");
    }
}

#[test]
fn should_size_a_new_replica_set_within_the_surge() {
    use super::deployment::new_rs_new_replicas;
    let cases = [
        // (strategy, deployment replicas, new RS replicas, maxSurge, want); an old RS holds 5.
        (
            "cannot scale up past the surge",
            "RollingUpdate",
            1,
            5,
            1,
            5,
        ),
        (
            "scales up to the deployment's replicas",
            "RollingUpdate",
            6,
            2,
            10,
            6,
        ),
        ("recreate takes every replica", "Recreate", 3, 1, 1, 3),
    ];
    for (name, strategy, replicas, new_replicas, surge, want) in cases {
        let mut manifest = nginx_deployment(replicas, "nginx:1.14.2");
        manifest["spec"]["strategy"] = json!({"type": strategy,
            "rollingUpdate": {"maxSurge": surge, "maxUnavailable": 1}});
        let d: Deployment = serde_json::from_value(manifest).unwrap();
        let rs = |n: i32| -> ReplicaSet {
            serde_json::from_value(json!({"metadata": {"name": format!("rs-{n}")},
                "spec": {"replicas": n, "selector": {"matchLabels": {"app": "nginx"}}}}))
            .unwrap()
        };
        let new_rs = rs(new_replicas);
        let all = vec![std::sync::Arc::new(rs(5))];
        assert_eq!(new_rs_new_replicas(&d, &all, &new_rs), want, "{name}");
    }
}

#[test]
fn should_report_progress_deadline_exceeded_ten_minutes_after_the_last_progress() {
    let seed_cluster = include_str!("../../../scenarios/_seed-cluster.yaml");
    let text =
        include_str!("../../../scenarios/deployment.yaml").replace("nginx:1.14.2", "nginx:1.277");
    let parsed = scenario::parse("stuck", &format!("{seed_cluster}\n---\n{text}")).unwrap();
    let mut sim = scenario::start(&parsed, 1).unwrap();
    sim.run_to_quiescence(100_000);
    let rs = replica_sets(&sim)[0].metadata.name.clone().unwrap();
    let status = deployment(&sim).status.unwrap();
    let conditions: Vec<(String, String, String, String)> = status
        .conditions
        .clone()
        .unwrap()
        .into_iter()
        .map(|c| (c.type_, c.status, c.reason.unwrap(), c.message.unwrap()))
        .collect();
    assert_eq!(
        conditions,
        vec![
            (
                "Available".into(),
                "False".into(),
                "MinimumReplicasUnavailable".into(),
                "Deployment does not have minimum availability.".into()
            ),
            (
                "Progressing".into(),
                "False".into(),
                "ProgressDeadlineExceeded".into(),
                format!("ReplicaSet \"{rs}\" has timed out progressing.")
            ),
        ]
    );
    // progressDeadlineSeconds 600 after the last progress (the pods' creation, at t=0.1 s), checked
    // one second after the deadline.
    let progressing = status.conditions.unwrap().into_iter().last().unwrap();
    let at = crate::engine::time::ms_of(progressing.last_transition_time.as_ref().unwrap());
    assert_eq!(at / 1000, 601);
}
