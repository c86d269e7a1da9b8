//! Tests of the request pipeline's own stages (authn, authz, admission, storage, subresources, trace).
//! Decoding, defaulting, strategy and validation belong to other modules; nothing here relies on their
//! real behaviour.

use super::*;
use crate::engine::trace::Stage;

fn server() -> ApiServer {
    let mut server = ApiServer::new(1);
    server.add_user("jane", ["developers"]);
    server
}

fn pod_json(name: &str) -> Value {
    json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name},
           "spec": {"containers": [{"name": "nginx", "image": "nginx:latest"}]}})
}

fn call(server: &mut ApiServer, request: ApiRequest) -> ApiResponse {
    let mut trace = Trace::default();
    server.handle(1_000, request, &mut trace)
}

fn call_traced(server: &mut ApiServer, request: ApiRequest) -> (ApiResponse, Trace) {
    let mut trace = Trace::default();
    let response = server.handle(1_000, request, &mut trace);
    (response, trace)
}

fn create_pod(credentials: Credentials, namespace: &str, body: Value) -> ApiRequest {
    ApiRequest::new(credentials, Verb::Create, "pods")
        .namespace(namespace)
        .body(RequestBody::Json(body))
}

fn stored_pod(server: &ApiServer, name: &str) -> Value {
    server
        .store
        .get(&key("pods", Some("default"), name))
        .map(|s| s.object.to_json())
        .unwrap_or(Value::Null)
}

fn message(response: &ApiResponse) -> String {
    response
        .status()
        .and_then(|s| s.message.clone())
        .unwrap_or_default()
}

fn bind(server: &mut ApiServer, name: &str, node: &str) -> ApiResponse {
    let binding = json!({"apiVersion": "v1", "kind": "Binding",
        "metadata": {"name": name, "namespace": "default"},
        "target": {"apiVersion": "v1", "kind": "Node", "name": node}});
    call(
        server,
        ApiRequest::new(Credentials::Scheduler, Verb::Create, "pods")
            .namespace("default")
            .name(name)
            .subresource("binding")
            .body(RequestBody::Json(binding)),
    )
}

#[test]
fn should_start_with_the_fresh_cluster_objects() {
    let server = ApiServer::new(1);
    assert_eq!(server.store.revision() as usize, bootstrap::objects().len());
    assert!(server
        .store
        .get("/registry/namespaces/kube-node-lease")
        .is_some());
    assert!(server
        .store
        .get("/registry/serviceaccounts/default/default")
        .is_some());
    assert!(ApiServer::empty(1).store.is_empty());
}

#[test]
fn should_create_a_pod_through_every_stage_in_order() {
    let mut server = server();
    let (response, trace) = call_traced(
        &mut server,
        create_pod(Credentials::ClusterAdmin, "default", pod_json("demo-pod")),
    );
    assert_eq!(response.code, 201, "{:?}", response.status());
    let stages: Vec<(Component, Stage)> = trace
        .entries
        .iter()
        .map(|e| (e.component.clone(), e.stage))
        .collect();
    assert_eq!(
        stages,
        vec![
            (Component::ApiServer, Stage::Authentication),
            (Component::ApiServer, Stage::Authorization),
            (Component::ApiServer, Stage::Decode),
            (Component::ApiServer, Stage::MutatingAdmission),
            (Component::ApiServer, Stage::Validation),
            (Component::ApiServer, Stage::ValidatingAdmission),
            (Component::Etcd, Stage::Write),
            (Component::ApiServer, Stage::Response),
        ]
    );
    assert!(trace
        .entries
        .iter()
        .all(|e| e.object == "pods/default/demo-pod"));
    let write = &trace.entries[6];
    assert_eq!(write.data.value()["key"], "/registry/pods/default/demo-pod");
    assert_eq!(write.data.value()["object"]["metadata"]["name"], "demo-pod");

    let pod = stored_pod(&server, "demo-pod");
    let uid = pod["metadata"]["uid"].as_str().unwrap_or("");
    assert_eq!(uid.len(), 36);
    assert_eq!(&uid[14..15], "4", "a version 4 UUID: {uid}");
    assert_eq!(pod["metadata"]["namespace"], "default");
    assert_eq!(pod["metadata"]["creationTimestamp"], "2026-01-01T00:00:01Z");
    assert_eq!(
        pod["metadata"]["resourceVersion"],
        server.store.revision().to_string()
    );
    assert_eq!(pod["spec"]["serviceAccountName"], "default");
    assert_eq!(pod["spec"]["priority"], 0);
    assert_eq!(
        pod["spec"]["tolerations"].as_array().map(|t| t.len()),
        Some(2)
    );
    assert!(pod["spec"]["volumes"][0]["name"]
        .as_str()
        .unwrap_or("")
        .starts_with("kube-api-access-"));
    let record = server.requests.last().cloned();
    assert_eq!(
        record.map(|r| (r.user, r.verb, r.method, r.path, r.code)),
        Some((
            "kubernetes-admin".into(),
            "create".into(),
            "POST".into(),
            "/api/v1/namespaces/default/pods".into(),
            201
        ))
    );
    assert_eq!(server.take_watch_events().len(), 1);
}

#[test]
fn should_reject_a_second_create_with_already_exists_and_keep_the_store() {
    let mut server = server();
    call(
        &mut server,
        create_pod(Credentials::ClusterAdmin, "default", pod_json("demo-pod")),
    );
    let revision = server.store.revision();
    let response = call(
        &mut server,
        create_pod(Credentials::ClusterAdmin, "default", pod_json("demo-pod")),
    );
    assert_eq!(response.code, 409);
    assert_eq!(message(&response), "pods \"demo-pod\" already exists");
    assert_eq!(server.store.revision(), revision);
}

#[test]
fn should_forbid_users_without_bindings_with_the_exact_text() {
    let mut server = server();
    let revision = server.store.revision();
    let (response, trace) = call_traced(
        &mut server,
        create_pod(
            Credentials::User("jane".into()),
            "default",
            pod_json("demo-pod"),
        ),
    );
    assert_eq!(response.code, 403);
    assert_eq!(
        message(&response),
        "pods is forbidden: User \"jane\" cannot create resource \"pods\" in API group \"\" in the namespace \"default\""
    );
    assert_eq!(server.store.revision(), revision);
    assert_eq!(trace.entries.last().map(|e| e.stage), Some(Stage::Response));
    assert!(trace
        .entries
        .iter()
        .any(|e| e.stage == Stage::Authorization && e.outcome == Outcome::Failed));
    let record = server
        .requests
        .last()
        .cloned()
        .unwrap_or_else(|| panic!("recorded"));
    assert_eq!(record.code, 403);
    assert_eq!(
        record.status.as_ref().map(|s| s["reason"].clone()),
        Some(json!("Forbidden"))
    );
}

#[test]
fn should_allow_users_through_a_role_binding_created_by_the_admin() {
    let mut server = server();
    let binding = json!({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "RoleBinding",
        "metadata": {"name": "jane-edit", "namespace": "default"},
        "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "edit"},
        "subjects": [{"apiGroup": "rbac.authorization.k8s.io", "kind": "User", "name": "jane"}]});
    let response = call(
        &mut server,
        ApiRequest::new(Credentials::ClusterAdmin, Verb::Create, "rolebindings")
            .namespace("default")
            .body(RequestBody::Json(binding)),
    );
    assert_eq!(response.code, 201, "{:?}", response.status());
    let response = call(
        &mut server,
        create_pod(
            Credentials::User("jane".into()),
            "default",
            pod_json("demo-pod"),
        ),
    );
    assert_eq!(response.code, 201, "{:?}", response.status());
    // Edit is namespaced through the RoleBinding: nodes stay out of reach.
    let response = call(
        &mut server,
        ApiRequest::new(Credentials::User("jane".into()), Verb::List, "nodes"),
    );
    assert_eq!(
        message(&response),
        "nodes is forbidden: User \"jane\" cannot list resource \"nodes\" in API group \"\" at the cluster scope"
    );
}

#[test]
fn should_answer_401_for_unknown_users_and_403_for_anonymous() {
    let mut server = server();
    let response = call(
        &mut server,
        create_pod(
            Credentials::User("mallory".into()),
            "default",
            pod_json("x"),
        ),
    );
    assert_eq!(
        (response.code, message(&response)),
        (401, "Unauthorized".to_string())
    );
    let response = call(
        &mut server,
        ApiRequest::new(Credentials::Anonymous, Verb::Get, "pods")
            .namespace("default")
            .name("x"),
    );
    assert_eq!(
        message(&response),
        "pods \"x\" is forbidden: User \"system:anonymous\" cannot get resource \"pods\" in API group \"\" in the namespace \"default\""
    );
}

#[test]
fn should_report_a_missing_namespace_as_not_found() {
    let mut server = server();
    let response = call(
        &mut server,
        create_pod(
            Credentials::ClusterAdmin,
            "qos-example",
            pod_json("qos-demo"),
        ),
    );
    assert_eq!(response.code, 404);
    assert_eq!(message(&response), "namespaces \"qos-example\" not found");
}

#[test]
fn should_reject_a_namespace_mismatch_and_a_resource_version_on_create() {
    let mut server = server();
    let mut body = pod_json("p");
    body["metadata"]["namespace"] = json!("other");
    let response = call(
        &mut server,
        create_pod(Credentials::ClusterAdmin, "default", body),
    );
    assert_eq!(response.code, 400);
    assert_eq!(
        message(&response),
        "the namespace of the provided object does not match the namespace sent on the request"
    );
    let mut body = pod_json("p");
    body["metadata"]["resourceVersion"] = json!("5");
    let revision = server.store.revision();
    let response = call(
        &mut server,
        create_pod(Credentials::ClusterAdmin, "default", body),
    );
    assert_eq!(response.code, 500);
    assert_eq!(
        message(&response),
        "resourceVersion should not be set on objects to be created"
    );
    assert_eq!(server.store.revision(), revision);
}

#[test]
fn should_generate_names_from_generate_name() {
    let mut server = server();
    let body = json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"generateName": "web-"},
        "spec": {"containers": [{"name": "a", "image": "x"}]}});
    let response = call(
        &mut server,
        create_pod(Credentials::ClusterAdmin, "default", body),
    );
    assert_eq!(response.code, 201);
    let name = response
        .object()
        .map(|o| o.name().to_string())
        .unwrap_or_default();
    assert!(name.starts_with("web-") && name.len() == 9, "{name}");
}

#[test]
fn should_bind_once_and_conflict_on_the_second_binding() {
    let mut server = server();
    call(
        &mut server,
        create_pod(Credentials::ClusterAdmin, "default", pod_json("demo-pod")),
    );
    let (response, trace) = {
        let binding = json!({"apiVersion": "v1", "kind": "Binding",
            "metadata": {"name": "demo-pod", "namespace": "default"},
            "target": {"apiVersion": "v1", "kind": "Node", "name": "node-c"}});
        call_traced(
            &mut server,
            ApiRequest::new(Credentials::Scheduler, Verb::Create, "pods")
                .namespace("default")
                .name("demo-pod")
                .subresource("binding")
                .body(RequestBody::Json(binding)),
        )
    };
    assert_eq!(response.code, 201);
    assert_eq!(
        response.result.as_ref().ok().map(|b| match b {
            ResponseBody::Status(s) => status::to_json(s),
            _ => Value::Null,
        }),
        Some(
            json!({"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Success", "code": 201})
        )
    );
    // In-process callers get a compact trace: the write and the response.
    let stages: Vec<Stage> = trace.entries.iter().map(|e| e.stage).collect();
    assert_eq!(stages, vec![Stage::Write, Stage::Response]);
    let pod = stored_pod(&server, "demo-pod");
    assert_eq!(pod["spec"]["nodeName"], "node-c");
    assert_eq!(
        pod["status"]["conditions"],
        json!([{"lastTransitionTime": "2026-01-01T00:00:01Z", "status": "True", "type": "PodScheduled"}])
    );
    let revision = server.store.revision();
    let response = bind(&mut server, "demo-pod", "node-a");
    assert_eq!(response.code, 409);
    assert_eq!(
        status::to_json(response.status().unwrap_or(&Status::default())),
        json!({"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
            "message": "Operation cannot be fulfilled on pods/binding \"demo-pod\": pod demo-pod is already assigned to node \"node-c\"",
            "reason": "Conflict", "details": {"name": "demo-pod", "kind": "pods/binding"}, "code": 409})
    );
    assert_eq!(server.store.revision(), revision);
    assert_eq!(bind(&mut server, "ghost", "node-a").code, 404);
}

#[test]
fn should_reject_a_stale_update_with_the_optimistic_lock_text() {
    let mut server = server();
    let created = call(
        &mut server,
        create_pod(Credentials::ClusterAdmin, "default", pod_json("x")),
    );
    let mut stale = created.object().map(|o| o.to_json()).unwrap_or(Value::Null);
    bind(&mut server, "x", "node-a");
    stale["metadata"]["labels"] = json!({"app": "web"});
    let revision = server.store.revision();
    let response = call(
        &mut server,
        ApiRequest::new(Credentials::ClusterAdmin, Verb::Update, "pods")
            .namespace("default")
            .name("x")
            .body(RequestBody::Json(stale)),
    );
    assert_eq!(response.code, 409);
    assert_eq!(
        message(&response),
        "Operation cannot be fulfilled on pods \"x\": the object has been modified; please apply your changes to the latest version and try again"
    );
    assert_eq!(server.store.revision(), revision);
}

#[test]
fn should_patch_with_a_merge_patch_and_skip_no_op_writes() {
    let mut server = server();
    call(
        &mut server,
        create_pod(Credentials::ClusterAdmin, "default", pod_json("x")),
    );
    let patch = |server: &mut ApiServer, body: Value| {
        call(
            server,
            ApiRequest::new(Credentials::ClusterAdmin, Verb::Patch, "pods")
                .namespace("default")
                .name("x")
                .body(RequestBody::Json(body)),
        )
    };
    let revision = server.store.revision();
    let response = patch(&mut server, json!({"metadata": {"labels": {"app": "web"}}}));
    assert_eq!(response.code, 200);
    assert_eq!(server.store.revision(), revision + 1);
    assert_eq!(
        stored_pod(&server, "x")["metadata"]["labels"],
        json!({"app": "web"})
    );
    let response = patch(&mut server, json!({"metadata": {"labels": {"app": "web"}}}));
    assert_eq!(response.code, 200);
    assert_eq!(
        server.store.revision(),
        revision + 1,
        "an unchanged object is not written"
    );
    let response = patch(&mut server, json!({"metadata": {"labels": null}}));
    assert_eq!(response.code, 200);
    assert_eq!(stored_pod(&server, "x")["metadata"].get("labels"), None);
}

#[test]
fn should_delete_unbound_pods_at_once_and_bound_pods_gracefully() {
    let mut server = server();
    call(
        &mut server,
        create_pod(Credentials::ClusterAdmin, "default", pod_json("pending")),
    );
    let delete = |name: &str, credentials: Credentials, body: Option<Value>| {
        let mut request = ApiRequest::new(credentials, Verb::Delete, "pods")
            .namespace("default")
            .name(name);
        if let Some(body) = body {
            request = request.body(RequestBody::Json(body));
        }
        request
    };
    let response = call(
        &mut server,
        delete("pending", Credentials::ClusterAdmin, None),
    );
    assert_eq!(response.code, 200);
    assert!(server.store.get("/registry/pods/default/pending").is_none());

    call(
        &mut server,
        create_pod(Credentials::ClusterAdmin, "default", pod_json("web")),
    );
    bind(&mut server, "web", "node-a");
    let response = call(&mut server, delete("web", Credentials::ClusterAdmin, None));
    assert_eq!(response.code, 200);
    let pod = stored_pod(&server, "web");
    assert_eq!(pod["metadata"]["deletionGracePeriodSeconds"], 30);
    assert_eq!(pod["metadata"]["deletionTimestamp"], "2026-01-01T00:00:31Z");

    let response = call(
        &mut server,
        delete(
            "web",
            Credentials::Kubelet("node-b".into()),
            Some(json!({"gracePeriodSeconds": 0})),
        ),
    );
    assert_eq!(
        message(&response),
        "pods \"web\" is forbidden: node \"node-b\" can only delete pods with spec.nodeName set to itself"
    );
    let response = call(
        &mut server,
        delete(
            "web",
            Credentials::Kubelet("node-a".into()),
            Some(json!({"gracePeriodSeconds": 0})),
        ),
    );
    assert_eq!(response.code, 200, "{:?}", response.status());
    assert!(server.store.get("/registry/pods/default/web").is_none());
    let events = server.take_watch_events();
    assert_eq!(
        events.last().map(|e| e.event_type),
        Some(WatchEventType::Deleted)
    );
}

#[test]
fn should_let_kubelets_write_status_only_for_their_pods() {
    let mut server = server();
    call(
        &mut server,
        create_pod(Credentials::ClusterAdmin, "default", pod_json("web")),
    );
    bind(&mut server, "web", "node-a");
    let mut pod = stored_pod(&server, "web");
    pod["status"]["phase"] = json!("Running");
    let status_write = |credentials: Credentials, body: Value| {
        ApiRequest::new(credentials, Verb::Update, "pods")
            .namespace("default")
            .name("web")
            .subresource("status")
            .body(RequestBody::Json(body))
    };
    let response = call(
        &mut server,
        status_write(Credentials::Kubelet("node-b".into()), pod.clone()),
    );
    assert_eq!(
        message(&response),
        "pods \"web\" is forbidden: node \"node-b\" can only update pod status for pods with spec.nodeName set to itself"
    );
    let response = call(
        &mut server,
        status_write(Credentials::Kubelet("node-a".into()), pod),
    );
    assert_eq!(response.code, 200, "{:?}", response.status());
    let response = call(
        &mut server,
        ApiRequest::new(Credentials::Kubelet("node-a".into()), Verb::Get, "pods")
            .namespace("default")
            .name("web"),
    );
    assert_eq!(response.code, 200);
}

#[test]
fn should_give_a_new_namespace_its_default_service_account() {
    let mut server = server();
    let namespace =
        json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "qos-example"}});
    let response = call(
        &mut server,
        ApiRequest::new(Credentials::ClusterAdmin, Verb::Create, "namespaces")
            .body(RequestBody::Json(namespace)),
    );
    assert_eq!(response.code, 201, "{:?}", response.status());
    assert!(server
        .store
        .get("/registry/serviceaccounts/qos-example/default")
        .is_some());
    assert!(server
        .store
        .get("/registry/configmaps/qos-example/kube-root-ca.crt")
        .is_some());
    let response = call(
        &mut server,
        create_pod(
            Credentials::ClusterAdmin,
            "qos-example",
            pod_json("qos-demo"),
        ),
    );
    assert_eq!(response.code, 201, "{:?}", response.status());
    let response = call(
        &mut server,
        ApiRequest::new(Credentials::ClusterAdmin, Verb::Delete, "namespaces").name("default"),
    );
    assert_eq!(
        message(&response),
        "namespaces \"default\" is forbidden: this namespace may not be deleted"
    );
}

#[test]
fn should_never_panic_on_malformed_requests() {
    let mut server = server();
    let weird = vec![
        ApiRequest::new(Credentials::ClusterAdmin, Verb::Create, "pods"),
        ApiRequest::new(Credentials::ClusterAdmin, Verb::Create, "pods").namespace("default"),
        ApiRequest::new(Credentials::ClusterAdmin, Verb::Create, "widgets").namespace("default"),
        ApiRequest::new(Credentials::ClusterAdmin, Verb::Get, "nodes")
            .namespace("default")
            .name("x"),
        ApiRequest::new(Credentials::ClusterAdmin, Verb::Get, "pods").namespace("default"),
        ApiRequest::new(Credentials::ClusterAdmin, Verb::Watch, "pods").namespace("default"),
        ApiRequest::new(Credentials::ClusterAdmin, Verb::Delete, "pods").namespace("default"),
        ApiRequest::new(Credentials::ClusterAdmin, Verb::Update, "pods")
            .namespace("default")
            .name("x"),
        ApiRequest::new(Credentials::ClusterAdmin, Verb::Patch, "pods")
            .namespace("default")
            .name("x")
            .body(RequestBody::Json(json!([1, 2]))),
        ApiRequest::new(Credentials::ClusterAdmin, Verb::Create, "pods")
            .namespace("default")
            .name("x")
            .subresource("binding")
            .body(RequestBody::Json(json!("nonsense"))),
        ApiRequest::new(Credentials::ClusterAdmin, Verb::Create, "pods")
            .namespace("default")
            .name("x")
            .subresource("binding")
            .body(RequestBody::Json(
                json!({"metadata": {"name": "x"}, "target": {}}),
            )),
        ApiRequest::new(Credentials::ClusterAdmin, Verb::Create, "pods")
            .namespace("default")
            .subresource("exec"),
        ApiRequest::new(Credentials::ClusterAdmin, Verb::Create, "pods")
            .namespace("default")
            .name("x")
            .subresource("eviction"),
        ApiRequest::new(Credentials::ClusterAdmin, Verb::Create, "pods")
            .namespace("default")
            .name("x")
            .subresource("eviction")
            .body(RequestBody::Json(json!({"metadata": {"name": "x"},
                "deleteOptions": {"gracePeriodSeconds": "soon", "dryRun": 3}}))),
        ApiRequest::new(Credentials::ClusterAdmin, Verb::Create, "pods")
            .namespace("default")
            .name("x")
            .subresource("eviction")
            .body(RequestBody::Json(json!([{"apiVersion": 7}]))),
        ApiRequest::new(Credentials::ClusterAdmin, Verb::Get, "pods")
            .namespace("default")
            .name("x")
            .subresource("eviction"),
        ApiRequest::new(Credentials::ClusterAdmin, Verb::Create, "pods")
            .namespace("default")
            .body(RequestBody::Object(bootstrap::namespace("x"))),
        ApiRequest::new(Credentials::ClusterAdmin, Verb::Create, "pods")
            .namespace("default")
            .body(RequestBody::Json(json!({"metadata": {}}))),
        ApiRequest::new(Credentials::Kubelet(String::new()), Verb::Get, "pods")
            .namespace("default")
            .name("x"),
    ];
    let revision = server.store.revision();
    for request in weird {
        let response = call(&mut server, request.clone());
        assert!(!response.is_success(), "{request:?} succeeded");
    }
    assert_eq!(server.store.revision(), revision);
}

#[test]
fn should_report_binding_validation_like_upstream() {
    let mut server = server();
    call(
        &mut server,
        create_pod(Credentials::ClusterAdmin, "default", pod_json("x")),
    );
    let response = call(
        &mut server,
        ApiRequest::new(Credentials::ClusterAdmin, Verb::Create, "pods")
            .namespace("default")
            .name("x")
            .subresource("binding")
            .body(RequestBody::Json(
                json!({"metadata": {"name": "x"}, "target": {}}),
            )),
    );
    assert_eq!(
        (response.code, message(&response)),
        (500, "target.name: Required value".to_string())
    );
    let response = call(
        &mut server,
        ApiRequest::new(Credentials::ClusterAdmin, Verb::Create, "pods")
            .namespace("default")
            .name("x")
            .subresource("binding")
            .body(RequestBody::Json(
                json!({"metadata": {"name": "y"}, "target": {"name": "n"}}),
            )),
    );
    assert_eq!(
        message(&response),
        "name in URL does not match name in Binding object"
    );
}

#[test]
fn should_list_only_a_kubelets_own_pods() {
    let mut server = server();
    for name in ["a", "b"] {
        call(
            &mut server,
            create_pod(Credentials::ClusterAdmin, "default", pod_json(name)),
        );
    }
    bind(&mut server, "a", "node-a");
    bind(&mut server, "b", "node-b");
    let response = call(
        &mut server,
        ApiRequest::new(Credentials::Kubelet("node-a".into()), Verb::List, "pods"),
    );
    let names: Vec<String> = match response.result {
        Ok(ResponseBody::List(items)) => items.iter().map(|o| o.name().to_string()).collect(),
        _ => Vec::new(),
    };
    assert_eq!(names, vec!["a"]);
}

#[test]
fn should_copy_node_topology_labels_onto_a_bound_pod() {
    let mut server = server();
    let node = json!({"apiVersion": "v1", "kind": "Node", "metadata": {"name": "node-a",
        "labels": {"topology.k8s.io/zone": "z1", "topology.kubernetes.io/zone": "ignored"}}});
    let response = call(
        &mut server,
        ApiRequest::new(Credentials::ClusterAdmin, Verb::Create, "nodes")
            .body(RequestBody::Json(node)),
    );
    assert_eq!(response.code, 201);
    call(
        &mut server,
        create_pod(Credentials::ClusterAdmin, "default", pod_json("web")),
    );
    assert_eq!(bind(&mut server, "web", "node-a").code, 201);
    assert_eq!(
        stored_pod(&server, "web")["metadata"]["labels"],
        json!({"topology.k8s.io/zone": "z1"})
    );
}

#[test]
fn should_empty_and_then_remove_a_deleted_namespace() {
    let mut server = server();
    let namespace = json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "shop"}});
    call(
        &mut server,
        ApiRequest::new(Credentials::ClusterAdmin, Verb::Create, "namespaces")
            .body(RequestBody::Json(namespace)),
    );
    for name in ["queued", "running"] {
        let response = call(
            &mut server,
            create_pod(Credentials::ClusterAdmin, "shop", pod_json(name)),
        );
        assert_eq!(response.code, 201);
    }
    let binding = json!({"metadata": {"name": "running", "namespace": "shop"}, "target": {"kind": "Node", "name": "node-a"}});
    let response = call(
        &mut server,
        ApiRequest::new(Credentials::Scheduler, Verb::Create, "pods")
            .namespace("shop")
            .name("running")
            .subresource("binding")
            .body(RequestBody::Json(binding)),
    );
    assert_eq!(response.code, 201);
    let response = call(
        &mut server,
        ApiRequest::new(Credentials::ClusterAdmin, Verb::Delete, "namespaces").name("shop"),
    );
    assert_eq!(response.code, 200);
    assert!(server.store.get("/registry/pods/shop/queued").is_none());
    assert!(server
        .store
        .get("/registry/serviceaccounts/shop/default")
        .is_none());
    let running = server
        .store
        .get("/registry/pods/shop/running")
        .map(|s| s.object.to_json())
        .unwrap_or(Value::Null);
    assert_eq!(running["metadata"]["deletionGracePeriodSeconds"], 30);
    let namespace = server
        .store
        .get("/registry/namespaces/shop")
        .map(|s| s.object.to_json())
        .unwrap_or(Value::Null);
    assert_eq!(namespace["status"]["phase"], "Terminating");
    let response = call(
        &mut server,
        create_pod(Credentials::ClusterAdmin, "shop", pod_json("late")),
    );
    assert_eq!(
        message(&response),
        "pods \"late\" is forbidden: unable to create new content in namespace shop because it is being terminated"
    );
    let response = call(
        &mut server,
        ApiRequest::new(Credentials::Kubelet("node-a".into()), Verb::Delete, "pods")
            .namespace("shop")
            .name("running")
            .body(RequestBody::Json(json!({"gracePeriodSeconds": 0}))),
    );
    assert_eq!(response.code, 200);
    assert!(server.store.get("/registry/namespaces/shop").is_none());
}

#[test]
fn should_allocate_a_cluster_ip_before_validating_and_storing_a_service() {
    let mut server = server();
    let create = |server: &mut ApiServer, name: &str, spec: Value| {
        let body = json!({"apiVersion": "v1", "kind": "Service", "metadata": {"name": name}, "spec": spec});
        let request = ApiRequest::new(Credentials::ClusterAdmin, Verb::Create, "services")
            .namespace("default")
            .body(RequestBody::Json(body));
        call(server, request)
    };
    let stored = |server: &ApiServer, name: &str| {
        server
            .store
            .get(&key("services", Some("default"), name))
            .map(|s| s.object.to_json())
            .expect("stored")
    };
    assert!(create(
        &mut server,
        "a",
        json!({"selector": {"app": "a"}, "ports": [{"port": 80}]})
    )
    .is_success());
    assert!(create(
        &mut server,
        "b",
        json!({"selector": {"app": "b"}, "ports": [{"port": 80}]})
    )
    .is_success());
    let (a, b) = (stored(&server, "a"), stored(&server, "b"));
    for spec in [&a["spec"], &b["spec"]] {
        let ip: std::net::Ipv4Addr = spec["clusterIP"].as_str().unwrap().parse().unwrap();
        assert_eq!(
            u32::from(ip) >> 20,
            u32::from(std::net::Ipv4Addr::new(10, 96, 0, 0)) >> 20
        );
        assert_eq!(spec["clusterIPs"], json!([ip.to_string()]));
        assert_eq!(spec["ipFamilies"], json!(["IPv4"]));
        assert_eq!(spec["ipFamilyPolicy"], "SingleStack");
    }
    assert_ne!(a["spec"]["clusterIP"], b["spec"]["clusterIP"]);
    // A headless Service without a selector is dual-stack by default, even on this IPv4 cluster.
    let headless = create(
        &mut server,
        "h",
        json!({"clusterIP": "None", "ports": [{"port": 80}]}),
    );
    assert!(headless.is_success(), "{:?}", headless.result.err());
    let h = stored(&server, "h");
    assert_eq!(h["spec"]["ipFamilies"], json!(["IPv4", "IPv6"]));
    assert_eq!(h["spec"]["clusterIPs"], json!(["None"]));
    // A refused Service allocates nothing that stays.
    let refused = create(
        &mut server,
        "c",
        json!({"selector": {"app": "c"}, "ports": [{"port": 0}]}),
    );
    assert!(!refused.is_success());
    assert!(server
        .store
        .get(&key("services", Some("default"), "c"))
        .is_none());
    // Asking for a's address is refused with the allocator's message, and nothing is stored.
    let taken = a["spec"]["clusterIP"].as_str().expect("a's IP").to_string();
    let revision = server.store.revision();
    let clash = create(
        &mut server,
        "d",
        json!({"selector": {"app": "d"}, "clusterIP": taken, "ports": [{"port": 80}]}),
    );
    let status = clash.result.as_ref().expect_err("refused");
    assert_eq!(status.code, Some(422));
    assert_eq!(
        status.message.as_deref(),
        Some(
            format!(
                "Service \"d\" is invalid: spec.clusterIPs: Invalid value: []string{{\"{taken}\"}}: failed to allocate IP {taken}: provided IP is already allocated"
            )
            .as_str()
        )
    );
    assert_eq!(server.store.revision(), revision);
    // Dual-stack is refused on this single-stack cluster.
    let dual = create(
        &mut server,
        "e",
        json!({"selector": {"app": "e"}, "ipFamilyPolicy": "RequireDualStack", "ports": [{"port": 80}]}),
    );
    assert_eq!(
        dual.result.as_ref().err().and_then(|s| s.message.clone()).as_deref(),
        Some("Service \"e\" is invalid: spec.ipFamilyPolicy: Invalid value: \"RequireDualStack\": this cluster is not configured for dual-stack services")
    );
}
