//! kubectl's requests and printed lines.

use super::*;
use crate::engine::api::status;
use crate::engine::api::validation::FieldError;
use crate::engine::scheduler::Scheduler;
use crate::engine::sim::Simulation;

fn sim() -> Simulation {
    let mut sim = Simulation::new(3, Scheduler::default());
    sim.api.add_user("jane", ["developers"]);
    sim
}

fn demo_pod(image: &str) -> Value {
    json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "demo-pod"},
        "spec": {"containers": [{"name": "nginx", "image": image, "ports": [{"containerPort": 80}]}]}})
}

fn apply_as(sim: &mut Simulation, credentials: Credentials, manifest: Value) -> KubectlOutput {
    let action = ClientAction::Apply {
        credentials,
        manifest,
        source: "pod.yaml".into(),
        validate: FieldValidation::Strict,
    };
    sim.with_ctx(|ctx, _, _| action.execute(ctx))
}

fn run(sim: &mut Simulation, action: ClientAction) -> KubectlOutput {
    sim.with_ctx(|ctx, _, _| action.execute(ctx))
}

fn last_line(output: &KubectlOutput) -> String {
    output.lines.last().cloned().unwrap_or_default()
}

fn bind_jane(sim: &mut Simulation, role: &str) {
    let binding = json!({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "RoleBinding",
        "metadata": {"name": "jane", "namespace": "default"},
        "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": role},
        "subjects": [{"apiGroup": "rbac.authorization.k8s.io", "kind": "User", "name": "jane"}]});
    let out = apply_as(sim, Credentials::ClusterAdmin, binding);
    assert_eq!(
        last_line(&out),
        "rolebinding.rbac.authorization.k8s.io/jane created"
    );
}

#[test]
fn should_create_then_report_unchanged_then_configured() {
    let mut sim = sim();
    let out = apply_as(
        &mut sim,
        Credentials::ClusterAdmin,
        demo_pod("nginx:latest"),
    );
    assert_eq!(
        out,
        KubectlOutput {
            lines: vec!["pod/demo-pod created".into()],
            success: true
        }
    );
    let requests: Vec<String> = sim
        .trace
        .entries
        .iter()
        .filter(|e| e.component == Component::Kubectl && e.stage == Stage::Apply)
        .map(|e| e.summary.clone())
        .collect();
    assert_eq!(
        requests,
        vec![
            "GET /api/v1/namespaces/default/pods/demo-pod",
            "POST /api/v1/namespaces/default/pods?fieldManager=kubectl-client-side-apply&fieldValidation=Strict",
        ]
    );
    let stored = sim
        .api
        .store
        .get("/registry/pods/default/demo-pod")
        .map(|s| s.object.to_json())
        .unwrap_or(Value::Null);
    assert_eq!(
        stored["metadata"]["annotations"][LAST_APPLIED_ANNOTATION],
        "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"annotations\":{},\"name\":\"demo-pod\",\"namespace\":\"default\"},\"spec\":{\"containers\":[{\"image\":\"nginx:latest\",\"name\":\"nginx\",\"ports\":[{\"containerPort\":80}]}]}}\n"
    );
    let result = sim
        .trace
        .entries
        .iter()
        .rev()
        .find(|e| e.stage == Stage::Result)
        .cloned();
    assert_eq!(
        result.map(|e| (e.data.value()["output"].clone(), e.outcome)),
        Some((json!("pod/demo-pod created"), Outcome::Ok))
    );

    let revision = sim.api.store.revision();
    let out = apply_as(
        &mut sim,
        Credentials::ClusterAdmin,
        demo_pod("nginx:latest"),
    );
    assert_eq!(last_line(&out), "pod/demo-pod unchanged");
    assert_eq!(sim.api.store.revision(), revision);

    let out = apply_as(&mut sim, Credentials::ClusterAdmin, demo_pod("nginx:1.27"));
    assert_eq!(last_line(&out), "pod/demo-pod configured");
    let stored = sim
        .api
        .store
        .get("/registry/pods/default/demo-pod")
        .map(|s| s.object.to_json())
        .unwrap_or(Value::Null);
    assert_eq!(stored["spec"]["containers"][0]["image"], "nginx:1.27");
    // The server-added token mount survives the patch.
    assert!(stored["spec"]["containers"][0]["volumeMounts"].is_array());
}

#[test]
fn should_print_forbidden_for_the_get_when_the_user_has_no_rights() {
    let mut sim = sim();
    let out = apply_as(
        &mut sim,
        Credentials::User("jane".into()),
        demo_pod("nginx"),
    );
    assert!(!out.success);
    assert_eq!(
        out.lines,
        vec![
            "Error from server (Forbidden): error when retrieving current configuration of:",
            "Resource: \"/v1, Resource=pods\", GroupVersionKind: \"/v1, Kind=Pod\"",
            "Name: \"demo-pod\", Namespace: \"default\"",
            "from server for: \"pod.yaml\": pods \"demo-pod\" is forbidden: User \"jane\" cannot get resource \"pods\" in API group \"\" in the namespace \"default\"",
        ]
    );
}

#[test]
fn should_print_forbidden_for_the_create_when_the_user_may_only_view() {
    let mut sim = sim();
    bind_jane(&mut sim, "view");
    let out = apply_as(
        &mut sim,
        Credentials::User("jane".into()),
        demo_pod("nginx"),
    );
    assert_eq!(
        out.lines,
        vec!["Error from server (Forbidden): error when creating \"pod.yaml\": pods is forbidden: User \"jane\" cannot create resource \"pods\" in API group \"\" in the namespace \"default\""]
    );
}

#[test]
fn should_print_not_found_for_a_missing_namespace_and_401_for_strangers() {
    let mut sim = sim();
    let mut manifest = demo_pod("nginx");
    manifest["metadata"]["namespace"] = json!("qos-example");
    let out = apply_as(&mut sim, Credentials::ClusterAdmin, manifest);
    assert_eq!(
        last_line(&out),
        "Error from server (NotFound): error when creating \"pod.yaml\": namespaces \"qos-example\" not found"
    );
    let out = apply_as(
        &mut sim,
        Credentials::User("mallory".into()),
        demo_pod("nginx"),
    );
    assert_eq!(
        last_line(&out),
        "error: You must be logged in to the server (the server has asked for the client to provide credentials)"
    );
    let mut manifest = demo_pod("nginx");
    manifest["metadata"] = json!({"generateName": "web-"});
    assert_eq!(
        last_line(&apply_as(&mut sim, Credentials::ClusterAdmin, manifest)),
        "error: from web-: cannot use generate name with apply"
    );
}

#[test]
fn should_format_server_errors_like_kubectl() {
    let invalid = status::invalid(
        "Pod",
        "",
        "Demo_Pod",
        &[FieldError::invalid(
            "metadata.name",
            "Demo_Pod",
            "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters",
        )],
    );
    assert_eq!(
        error_line(&invalid, "ignored"),
        "The Pod \"Demo_Pod\" is invalid: metadata.name: Invalid value: \"Demo_Pod\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters"
    );
    let several = status::invalid(
        "Pod",
        "",
        "p",
        &[
            FieldError::required("spec.containers[0].image", ""),
            FieldError::duplicate("spec.containers[1].name", "nginx"),
        ],
    );
    assert_eq!(
        error_line(&several, ""),
        "The Pod \"p\" is invalid: \n* spec.containers[0].image: Required value\n* spec.containers[1].name: Duplicate value: \"nginx\""
    );
    let message = "Pod in version \"v1\" cannot be handled as a Pod: strict decoding error: unknown field \"spec.nodeAffinity\"";
    assert_eq!(
        error_line(&status::bad_request(message), &format!("error when creating \"pod.yaml\": {message}")),
        "Error from server (BadRequest): error when creating \"pod.yaml\": Pod in version \"v1\" cannot be handled as a Pod: strict decoding error: unknown field \"spec.nodeAffinity\""
    );
    assert_eq!(
        error_line(
            &status::internal_plain("boom"),
            "error when creating \"x\": boom"
        ),
        "Error from server: error when creating \"x\": boom"
    );
}

#[test]
fn should_delete_with_the_kubectl_wording() {
    let mut sim = sim();
    apply_as(&mut sim, Credentials::ClusterAdmin, demo_pod("nginx"));
    let delete = |name: &str, grace: Option<i64>| ClientAction::Delete {
        credentials: Credentials::ClusterAdmin,
        resource: "pods".into(),
        namespace: None,
        name: name.into(),
        grace_period_seconds: grace,
    };
    assert_eq!(
        run(&mut sim, delete("demo-pod", None)).lines,
        vec!["pod \"demo-pod\" deleted from default namespace"]
    );
    assert_eq!(
        run(&mut sim, delete("demo-pod", None)).lines,
        vec!["Error from server (NotFound): pods \"demo-pod\" not found"]
    );
    apply_as(&mut sim, Credentials::ClusterAdmin, demo_pod("nginx"));
    assert_eq!(
        run(&mut sim, delete("demo-pod", Some(0))).lines,
        vec![
            format!("Warning: {FORCE_DELETE_WARNING}"),
            "pod \"demo-pod\" force deleted from default namespace".to_string()
        ]
    );
}

#[test]
fn should_cordon_taint_and_label_nodes() {
    let mut sim = sim();
    let node = json!({"apiVersion": "v1", "kind": "Node", "metadata": {"name": "node-b"}});
    assert_eq!(
        last_line(&apply_as(&mut sim, Credentials::ClusterAdmin, node)),
        "node/node-b created"
    );
    let admin = || Credentials::ClusterAdmin;
    let lines = |sim: &mut Simulation, action| last_line(&run(sim, action));
    assert_eq!(
        lines(
            &mut sim,
            ClientAction::Cordon {
                credentials: admin(),
                node: "node-b".into()
            }
        ),
        "node/node-b cordoned"
    );
    assert_eq!(
        lines(
            &mut sim,
            ClientAction::Cordon {
                credentials: admin(),
                node: "node-b".into()
            }
        ),
        "node/node-b already cordoned"
    );
    assert_eq!(
        lines(
            &mut sim,
            ClientAction::Uncordon {
                credentials: admin(),
                node: "node-b".into()
            }
        ),
        "node/node-b uncordoned"
    );
    let dedicated = Taint {
        key: "dedicated".into(),
        value: Some("gpu".into()),
        effect: "NoSchedule".into(),
        time_added: None,
    };
    let taint = |remove: bool| ClientAction::Taint {
        credentials: admin(),
        node: "node-b".into(),
        taint: dedicated.clone(),
        remove,
        overwrite: false,
    };
    assert_eq!(lines(&mut sim, taint(false)), "node/node-b tainted");
    assert_eq!(
        lines(&mut sim, taint(false)),
        "error: node node-b already has dedicated taint(s) with same effect(s) and --overwrite is false"
    );
    let stored = sim
        .api
        .store
        .get("/registry/minions/node-b")
        .map(|s| s.object.to_json())
        .unwrap_or(Value::Null);
    assert_eq!(
        stored["spec"]["taints"],
        json!([{"effect": "NoSchedule", "key": "dedicated", "value": "gpu"}])
    );
    assert_eq!(lines(&mut sim, taint(true)), "node/node-b untainted");
    assert_eq!(
        lines(&mut sim, taint(true)),
        "error: taint \"dedicated=gpu:NoSchedule\" not found"
    );
    let label = |value: Option<&str>| ClientAction::Label {
        credentials: admin(),
        resource: "nodes".into(),
        namespace: None,
        name: "node-b".into(),
        key: "disktype".into(),
        value: value.map(String::from),
        overwrite: false,
    };
    assert_eq!(lines(&mut sim, label(Some("ssd"))), "node/node-b labeled");
    assert_eq!(
        lines(&mut sim, label(Some("ssd"))),
        "node/node-b not labeled"
    );
    assert_eq!(
        lines(&mut sim, label(Some("hdd"))),
        "error: 'disktype' already has a value (ssd), and --overwrite is false"
    );
    assert_eq!(lines(&mut sim, label(None)), "node/node-b unlabeled");
    let out = run(
        &mut sim,
        ClientAction::Cordon {
            credentials: Credentials::User("jane".into()),
            node: "node-b".into(),
        },
    );
    assert_eq!(
        out.lines,
        vec!["Error from server (Forbidden): nodes \"node-b\" is forbidden: User \"jane\" cannot get resource \"nodes\" in API group \"\" at the cluster scope"]
    );
}

#[test]
fn should_build_the_last_applied_annotation_with_sorted_keys() {
    let manifest = json!({"kind": "Pod", "apiVersion": "v1", "metadata": {"name": "p", "labels": {"b": "1", "a": "2"}}});
    let modified = with_last_applied(&manifest);
    assert_eq!(
        modified["metadata"]["annotations"][LAST_APPLIED_ANNOTATION],
        "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"annotations\":{},\"labels\":{\"a\":\"2\",\"b\":\"1\"},\"name\":\"p\"}}\n"
    );
}

#[test]
fn should_merge_lists_by_name_and_drop_removed_fields() {
    let current = json!({"spec": {"containers": [{"name": "a", "image": "x", "imagePullPolicy": "Always"}],
        "volumes": [{"name": "kube-api-access-abcde"}]}, "metadata": {"labels": {"old": "1", "keep": "2"}}});
    let original = json!({"spec": {"containers": [{"name": "a", "image": "x"}]}, "metadata": {"labels": {"old": "1"}}});
    let modified =
        json!({"spec": {"containers": [{"name": "a", "image": "y"}]}, "metadata": {"labels": {}}});
    let desired = strategic_apply(&current, Some(&original), &modified);
    assert_eq!(
        desired,
        json!({"spec": {"containers": [{"name": "a", "image": "y", "imagePullPolicy": "Always"}],
            "volumes": [{"name": "kube-api-access-abcde"}]}, "metadata": {"labels": {"keep": "2"}}})
    );
    assert_eq!(
        merge_patch_between(&current, &desired),
        json!({"spec": {"containers": [{"name": "a", "image": "y", "imagePullPolicy": "Always"}]}, "metadata": {"labels": {"old": null}}})
    );
}

#[test]
fn should_warn_when_the_live_object_lacks_the_last_applied_annotation() {
    let mut sim = sim();
    let request =
        crate::engine::api::ApiRequest::new(Credentials::ClusterAdmin, Verb::Create, "pods")
            .namespace("default")
            .body(RequestBody::Json(demo_pod("nginx")));
    assert_eq!(sim.call(request).code, 201);
    let out = apply_as(&mut sim, Credentials::ClusterAdmin, demo_pod("nginx"));
    assert_eq!(
        out.lines,
        vec![
            format!("Warning: resource pods/demo-pod {MISSING_ANNOTATION_WARNING}"),
            "pod/demo-pod configured".to_string()
        ]
    );
    let stored = sim
        .api
        .store
        .get("/registry/pods/default/demo-pod")
        .map(|s| s.object.to_json())
        .unwrap_or(Value::Null);
    assert!(stored["metadata"]["annotations"][LAST_APPLIED_ANNOTATION].is_string());
}

#[test]
fn should_run_as_a_queued_simulation_event() {
    let mut sim = sim();
    sim.schedule(
        100,
        crate::engine::sim::Event::Client(ClientAction::Apply {
            credentials: Credentials::ClusterAdmin,
            manifest: demo_pod("nginx:latest"),
            source: "pod.yaml".into(),
            validate: FieldValidation::Strict,
        }),
    );
    sim.run_until_idle(1_000);
    let result = sim
        .trace
        .entries
        .iter()
        .find(|e| e.component == Component::Kubectl && e.stage == Stage::Result)
        .map(|e| (e.time_ms, e.summary.clone()));
    assert_eq!(result, Some((100, "pod/demo-pod created".to_string())));
    assert!(sim
        .api
        .store
        .get("/registry/pods/default/demo-pod")
        .is_some());
}
