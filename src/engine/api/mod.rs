//! kube-apiserver: the request pipeline every write goes through.
//!
//! Mirrors `k8s.io/apiserver/pkg/server/filters` + `endpoints/handlers` (`create.go`, `update.go`,
//! `patch.go`, `delete.go`, `get.go`) and `registry/generic/registry/store.go`: authentication,
//! authorization (Node + RBAC, with `system:masters` bypassing), decoding with strict field validation
//! and defaulting, mutating admission, system fields and `generateName`, the registry strategy and
//! validation, validating admission, then the etcd write. A rejected request returns the upstream
//! `Status` and leaves the store unchanged. Pod subresources `binding` and `status` and graceful pod
//! deletion follow `pkg/registry/core/pod/storage/storage.go` and `pod/strategy.go`.
//!
//! Tracing: requests from people (kubectl with the admin, a scenario user or anonymous credentials)
//! record every stage (Authentication, Authorization, Decode, MutatingAdmission, Validation,
//! ValidatingAdmission, etcd Write/Delete, Response). Requests from in-process components (scheduler,
//! kubelets), which a benchmark issues tens of thousands of times, record only the etcd Write/Delete and
//! the Response, plus the stage that failed when one does. `trace_objects = false` also drops the stored
//! object JSON from Write entries.
//!
//! Simplifications: `managedFields` are not recorded; watches are delivered by the simulation (a
//! `watch` request answers 405). The serviceaccounts, root-CA and namespace controllers of
//! kube-controller-manager act synchronously within the request that triggers them (as does the node
//! lifecycle controller's NoSchedule tainting pass after a node write): a new namespace
//! gets its `default` ServiceAccount and `kube-root-ca.crt` right after it is written; a deleted
//! namespace turns `Terminating`, its content is deleted (pods running on a node gracefully, for their
//! kubelets to finish) and the namespace itself is removed once it is empty.

// The API's error type is the upstream `metav1.Status` itself; failures are the cold path, so its size
// does not matter and boxing it would only obscure the code.
#![allow(clippy::result_large_err)]

pub mod admission;
pub mod authn;
pub mod authz;
pub mod bootstrap;
pub mod decode;
pub mod defaults;
pub mod drop_disabled;
pub mod eviction;
pub mod go_time;
pub mod rbac;
pub mod service_alloc;
pub mod status;
pub mod strategy;
pub mod types;
pub mod validation;

use std::collections::BTreeMap;

pub use types::*;

use k8s_openapi::api::core::v1::{Binding, PodCondition};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::Status;
use serde_json::{json, Value};

use super::objects::{
    from_json_value, object_ref, resource_by_name, Object, ResourceInfo, RESOURCES,
};
use super::rng::SimRng;
use super::store::{key, list_prefix, Store, StoreError, WatchEvent, WatchEventType};
use super::time::meta_time;
use super::trace::{Component, Outcome, Stage, Trace, TraceData};
use admission::Operation;
use authz::Decision;
use validation::FieldError;

/// `names.MaxGeneratedNameLength`: a generated name's prefix is cut to this many characters.
const MAX_GENERATED_NAME_PREFIX: usize = 58;

/// How many names `generateName` tries before giving up (`maxNameGenerationCreateAttempts`).
const NAME_GENERATION_ATTEMPTS: usize = 8;

/// The API server with its storage.
#[derive(Clone, Debug)]
pub struct ApiServer {
    /// For generated values: UIDs, `generateName` suffixes, `kube-api-access-xxxxx` volume names.
    pub rng: SimRng,
    pub store: Store,
    /// Watch events produced by writes, waiting for the simulation to deliver them.
    pending_watch: Vec<WatchEvent>,
    /// Every request served, in order.
    pub requests: Vec<RequestRecord>,
    /// Scenario users: name → groups.
    users: BTreeMap<String, Vec<String>>,
    /// Whether etcd Write trace entries carry the stored object's JSON (default true).
    pub trace_objects: bool,
}

/// The details of a successful Response trace entry.
#[derive(serde::Serialize)]
struct ResponseDetails<'a> {
    code: u16,
    user: &'a str,
    warnings: &'a [String],
}

/// The details of an etcd Write/Delete trace entry; `object` is null when the stored object is not
/// recorded.
#[derive(serde::Serialize)]
struct WriteDetails<'a> {
    key: &'a str,
    revision: i64,
    #[serde(rename = "type")]
    event_type: &'static str,
    object: Option<&'a Object>,
}

/// The details of a successful Authentication trace entry.
#[derive(serde::Serialize)]
struct AuthenticatedDetails<'a> {
    user: &'a str,
    groups: &'a [String],
}

/// The details of a successful Authorization trace entry.
#[derive(serde::Serialize)]
struct AllowedDetails<'a> {
    decision: &'static str,
    reason: &'a str,
}

/// The details of a successful Decode trace entry (requests people send).
#[derive(serde::Serialize)]
struct DecodedDetails<'a> {
    warnings: &'a [String],
    object: &'a Object,
}

/// One mutating admission plugin's changes in a MutatingAdmission trace entry.
#[derive(serde::Serialize)]
struct PluginReportDetails<'a> {
    plugin: &'static str,
    changes: &'a [String],
}

/// The details of a successful (Mutating or Validating) admission trace entry.
#[derive(serde::Serialize)]
struct PluginsDetails<T> {
    plugins: T,
}

/// A successful answer before it is recorded.
struct Served {
    code: u16,
    body: ResponseBody,
    warnings: Vec<String>,
    summary: String,
}

/// Records pipeline stages; in compact mode only failures and storage/response entries.
struct Tracer<'t> {
    trace: &'t mut Trace,
    now_ms: u64,
    object: String,
    full: bool,
    /// The first trace entry of this request (entries recorded before a generated name was chosen are
    /// renamed to it).
    first_entry: usize,
    /// The body of a create or update, moved out of the request so decoding need not copy it.
    body: Option<RequestBody>,
}

impl Tracer<'_> {
    fn stage(
        &mut self,
        stage: Stage,
        outcome: Outcome,
        describe: impl FnOnce() -> (String, Value),
    ) {
        self.stage_data(stage, outcome, || {
            let (summary, data) = describe();
            (summary, TraceData::new(&data))
        });
    }

    /// `stage` with the details already stored (see `TraceData::from_serialize`).
    fn stage_data(
        &mut self,
        stage: Stage,
        outcome: Outcome,
        describe: impl FnOnce() -> (String, TraceData),
    ) {
        if self.full || outcome == Outcome::Failed {
            let (summary, data) = describe();
            // Storage outcomes (a failed compare-and-swap, a skipped no-op write) belong to etcd.
            let component = if matches!(stage, Stage::Write | Stage::Delete) {
                Component::Etcd
            } else {
                Component::ApiServer
            };
            self.trace.record_data(
                self.now_ms,
                component,
                stage,
                self.object.clone(),
                outcome,
                summary,
                data,
            );
        }
    }

    fn fail(&mut self, stage: Stage, status: Status) -> Status {
        let message = status.message.clone().unwrap_or_default();
        let data = json!({"status": status::to_json(&status)});
        self.stage(stage, Outcome::Failed, || (message, data));
        status
    }

    fn etcd(&mut self, stage: Stage, summary: String, data: TraceData) {
        self.trace.record_data(
            self.now_ms,
            Component::Etcd,
            stage,
            self.object.clone(),
            Outcome::Ok,
            summary,
            data,
        );
    }
}

/// The HTTP reason phrase of a status code.
fn reason_phrase(code: u16) -> &'static str {
    match code {
        200 => "OK",
        201 => "Created",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        409 => "Conflict",
        422 => "Unprocessable Entity",
        429 => "Too Many Requests",
        _ => "Internal Server Error",
    }
}

/// A random (version 4) UUID from the server's generator.
pub fn new_uid(rng: &mut SimRng) -> String {
    let mut bytes = [0u8; 16];
    bytes[..8].copy_from_slice(&rng.next_u64().to_be_bytes());
    bytes[8..].copy_from_slice(&rng.next_u64().to_be_bytes());
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut uid = String::with_capacity(36);
    for (i, b) in bytes.iter().enumerate() {
        if matches!(i, 4 | 6 | 8 | 10) {
            uid.push('-');
        }
        uid.push(char::from(HEX[usize::from(b >> 4)]));
        uid.push(char::from(HEX[usize::from(b & 0x0f)]));
    }
    uid
}

/// RFC 7386 JSON merge patch.
pub fn merge_patch(target: &mut Value, patch: &Value) {
    let Value::Object(patch_map) = patch else {
        *target = patch.clone();
        return;
    };
    if !target.is_object() {
        *target = Value::Object(Default::default());
    }
    if let Value::Object(target_map) = target {
        for (k, v) in patch_map {
            if v.is_null() {
                target_map.remove(k);
            } else {
                merge_patch(target_map.entry(k.clone()).or_insert(Value::Null), v);
            }
        }
    }
}

fn event_type_name(event: &WatchEvent) -> &'static str {
    match event.event_type {
        WatchEventType::Added => "ADDED",
        WatchEventType::Modified => "MODIFIED",
        WatchEventType::Deleted => "DELETED",
    }
}

/// Whether two objects are equal apart from their resourceVersions, to detect no-op updates. Compares
/// in place (the versions are set aside and put back) rather than copying both objects.
fn equal_but_rv(a: &mut Object, b: &mut Object) -> bool {
    let rv_a = a.metadata_mut().resource_version.take();
    let rv_b = b.metadata_mut().resource_version.take();
    let equal = a == b;
    a.metadata_mut().resource_version = rv_a;
    b.metadata_mut().resource_version = rv_b;
    equal
}

impl ApiServer {
    /// An API server whose generated values derive from `seed`, holding a fresh kubeadm cluster's
    /// objects (see `bootstrap`), written at revisions 1.. before anything else. Components read them
    /// from `store` (their informers' initial list); no watch events are queued for them.
    pub fn new(seed: u64) -> Self {
        let mut server = Self::empty(seed);
        for object in bootstrap::objects() {
            server.write_system_object(0, object);
        }
        server.pending_watch.clear();
        server
    }

    /// An API server with an empty store (no bootstrap objects), for tests of single stages.
    pub fn empty(seed: u64) -> Self {
        ApiServer {
            rng: SimRng::new(seed ^ 0x6170_6973_6572_7665),
            store: Store::new(),
            pending_watch: Vec::new(),
            requests: Vec::new(),
            users: BTreeMap::new(),
            trace_objects: true,
        }
    }

    /// Registers a scenario user and its groups (authentication answers 401 for any other name).
    pub fn add_user(
        &mut self,
        name: impl Into<String>,
        groups: impl IntoIterator<Item = impl Into<String>>,
    ) {
        self.users
            .insert(name.into(), groups.into_iter().map(Into::into).collect());
    }

    /// Takes the watch events produced since the last call, in revision order.
    pub fn take_watch_events(&mut self) -> Vec<WatchEvent> {
        std::mem::take(&mut self.pending_watch)
    }

    /// Writes an object as a control-plane controller would (uid, creationTimestamp), skipping the
    /// request pipeline. Returns the stored object, or None if the key exists.
    fn write_system_object(&mut self, now_ms: u64, mut object: Object) -> Option<WatchEvent> {
        let uid = new_uid(&mut self.rng);
        let meta = object.metadata_mut();
        meta.uid = Some(uid);
        meta.creation_timestamp = Some(meta_time(now_ms));
        let k = key(object.info().resource, object.namespace(), object.name());
        let event = self.store.create(&k, object).ok()?;
        self.pending_watch.push(event.clone());
        Some(event)
    }

    /// Serves one request at virtual time `now_ms`, recording each pipeline stage in `trace`.
    /// Never panics: every malformed request becomes a Status.
    pub fn handle(&mut self, now_ms: u64, request: ApiRequest, trace: &mut Trace) -> ApiResponse {
        // A controller's creates (a Deployment's ReplicaSet, a ReplicaSet's pods) are traced in full
        // too: they are where those objects' stories begin.
        let full = matches!(
            request.credentials,
            Credentials::ClusterAdmin | Credentials::User(_) | Credentials::Anonymous
        ) || (matches!(request.credentials, Credentials::Controller(_))
            && request.verb == Verb::Create);
        // Before decoding, a create is named after the body's metadata.name when there is one.
        let body_name = match &request.body {
            Some(RequestBody::Json(value)) => value
                .get("metadata")
                .and_then(|m| m.get("name"))
                .and_then(Value::as_str)
                .map(String::from),
            Some(RequestBody::Object(object)) => Some(object.name().to_string()),
            None => None,
        };
        let name = request.name.clone().or(body_name).unwrap_or_default();
        let object = object_ref(&request.resource, request.namespace.as_deref(), &name);
        let mut request = request;
        // Only create and update (and their status subresource) decode the body once, in
        // `decode_body`; patch, delete and binding read it from the request.
        let body = match (request.verb, request.subresource.as_deref()) {
            (Verb::Create | Verb::Update, None | Some("status")) => request.body.take(),
            _ => None,
        };
        let first_entry = trace.len();
        let mut tracer = Tracer {
            trace,
            now_ms,
            object,
            full,
            first_entry,
            body,
        };
        let (user, result) = self.serve(now_ms, &request, &mut tracer);
        let path = request.path();
        let method = request.verb.http_method();
        match result {
            Ok(served) => {
                let code = served.code;
                let data = TraceData::from_serialize(&ResponseDetails {
                    code,
                    user: &user,
                    warnings: &served.warnings,
                });
                tracer.trace.record_data(
                    now_ms,
                    Component::ApiServer,
                    Stage::Response,
                    tracer.object.clone(),
                    Outcome::Ok,
                    format!(
                        "{code} {} {method} {path}: {}",
                        reason_phrase(code),
                        served.summary
                    ),
                    data,
                );
                self.requests.push(RequestRecord {
                    time_ms: now_ms,
                    user,
                    verb: request.verb.as_str().into(),
                    method: method.into(),
                    path,
                    code,
                    status: None,
                });
                ApiResponse {
                    code,
                    result: Ok(served.body),
                    warnings: served.warnings,
                }
            }
            Err(failure) => {
                let code = failure
                    .code
                    .and_then(|c| u16::try_from(c).ok())
                    .unwrap_or(500);
                let status_json = status::to_json(&failure);
                tracer.trace.record(
                    now_ms,
                    Component::ApiServer,
                    Stage::Response,
                    tracer.object.clone(),
                    Outcome::Failed,
                    format!(
                        "{code} {} {method} {path}: {}",
                        reason_phrase(code),
                        failure.message.as_deref().unwrap_or("")
                    ),
                    json!({"code": code, "user": user, "status": status_json}),
                );
                self.requests.push(RequestRecord {
                    time_ms: now_ms,
                    user,
                    verb: request.verb.as_str().into(),
                    method: method.into(),
                    path,
                    code,
                    status: Some(status_json),
                });
                ApiResponse {
                    code,
                    result: Err(failure),
                    warnings: Vec::new(),
                }
            }
        }
    }

    /// Authenticates, authorizes and dispatches. Returns the user name for the request log.
    fn serve(
        &mut self,
        now_ms: u64,
        req: &ApiRequest,
        t: &mut Tracer,
    ) -> (String, Result<Served, Status>) {
        let user = match authn::authenticate(&req.credentials, &self.users) {
            Ok(user) => {
                t.stage_data(Stage::Authentication, Outcome::Ok, || {
                    (
                        format!(
                            "authenticated as {} (groups: {})",
                            user.name,
                            user.groups.join(", ")
                        ),
                        TraceData::from_serialize(&AuthenticatedDetails {
                            user: &user.name,
                            groups: &user.groups,
                        }),
                    )
                });
                user
            }
            Err(e) => {
                let claimed = match &req.credentials {
                    Credentials::User(name) => name.clone(),
                    _ => String::new(),
                };
                let status = status::unauthorized();
                let data = json!({"reason": e.reason, "status": status::to_json(&status)});
                t.stage(Stage::Authentication, Outcome::Failed, || {
                    (format!("authentication failed: {}", e.reason), data)
                });
                return (claimed, Err(status));
            }
        };
        let info = resource_by_name(&req.resource);
        let attrs = rbac::Attributes {
            user: &user,
            verb: req.verb.as_str(),
            api_group: info.map(|i| i.group).unwrap_or(""),
            resource: &req.resource,
            subresource: req.subresource.as_deref().unwrap_or(""),
            namespace: req.namespace.as_deref().unwrap_or(""),
            name: req.name.as_deref().unwrap_or(""),
        };
        match authz::authorize(&self.store, &attrs) {
            Decision::Allow(by) => {
                t.stage_data(Stage::Authorization, Outcome::Ok, || {
                    let what = authz::forbidden_message(&attrs);
                    (
                        format!("allowed: {}", what.replacen(" cannot ", " may ", 1)),
                        TraceData::from_serialize(&AllowedDetails {
                            decision: "allow",
                            reason: &by,
                        }),
                    )
                });
            }
            Decision::Deny(reason) => {
                let status = authz::forbidden_status(&attrs, &reason);
                let result = Err(t.fail(Stage::Authorization, status));
                return (user.name.clone(), result);
            }
        }
        let result = self.dispatch(now_ms, req, info, &user, t);
        (user.name.clone(), result)
    }

    fn dispatch(
        &mut self,
        now_ms: u64,
        req: &ApiRequest,
        info: Option<&'static ResourceInfo>,
        user: &UserInfo,
        t: &mut Tracer,
    ) -> Result<Served, Status> {
        let Some(info) = info else {
            return Err(status::resource_not_served());
        };
        let namespace = req.namespace.as_deref().filter(|ns| !ns.is_empty());
        let scoped_correctly = match (info.namespaced, namespace, req.verb) {
            (true, None, Verb::List | Verb::Watch) => true,
            (true, None, _) => false,
            (false, Some(_), _) => false,
            _ => true,
        };
        let sub = req.subresource.as_deref().unwrap_or("");
        let known_sub = matches!(
            (info.resource, sub),
            (_, "")
                | ("pods", "binding" | "eviction" | "status")
                | ("nodes", "status")
                | ("namespaces", "status")
                | (
                    "deployments" | "replicasets" | "poddisruptionbudgets",
                    "status"
                )
        );
        if !scoped_correctly || !known_sub {
            return Err(status::resource_not_served());
        }
        let served = match (req.verb, sub) {
            (Verb::Get, "" | "status") => self.get(req, info),
            (Verb::List, "") => self.list(req, info, user),
            (Verb::Create, "") => self.create(now_ms, req, info, user, t),
            (Verb::Create, "binding") => self.bind(now_ms, req, info, user, t),
            (Verb::Create, "eviction") => self.evict(now_ms, req, info, user, t),
            (Verb::Update, "" | "status") => self.update(now_ms, req, info, user, t),
            (Verb::Patch, "" | "status") => self.patch(now_ms, req, info, user, t),
            (Verb::Delete, "") => self.delete(now_ms, req, info, user, t),
            // Simplification: watches are delivered by the simulation, not served as requests.
            _ => Err(status::method_not_allowed()),
        }?;
        let node_written = info.resource == "nodes"
            && matches!(req.verb, Verb::Create | Verb::Update | Verb::Patch);
        if let (true, ResponseBody::Object(node)) = (node_written, &served.body) {
            self.run_node_lifecycle_controller(now_ms, node.name(), t);
        }
        Ok(served)
    }

    /// The node lifecycle controller's NoSchedule tainting pass on a node just written, acting at once
    /// (`node_lifecycle`): a cordon or a condition that calls for a taint gets it, one that no longer
    /// does loses it, in one more write of the node.
    fn run_node_lifecycle_controller(&mut self, now_ms: u64, name: &str, t: &mut Tracer) {
        let k = key("nodes", None, name);
        let Some(stored) = self.store.get(&k) else {
            return;
        };
        let revision = stored.mod_revision;
        let Some(node) = stored.object.as_node() else {
            return;
        };
        let Some(taints) = crate::engine::node_lifecycle::no_schedule_tainting_pass(node, now_ms)
        else {
            return;
        };
        let mut updated = node.clone();
        updated.spec.get_or_insert_with(Default::default).taints =
            (!taints.is_empty()).then_some(taints);
        let updated = Object::Node(std::sync::Arc::new(updated));
        if let Ok(event) = self.store.update(&k, updated, Some(revision)) {
            self.record_controller_write(&event, &k, "node-lifecycle-controller", t);
        }
    }

    fn stored_key(info: &ResourceInfo, namespace: Option<&str>, name: &str) -> String {
        key(
            info.resource,
            if info.namespaced { namespace } else { None },
            name,
        )
    }

    fn get(&mut self, req: &ApiRequest, info: &'static ResourceInfo) -> Result<Served, Status> {
        let name = req.name.as_deref().unwrap_or("");
        match self
            .store
            .get(&Self::stored_key(info, req.namespace.as_deref(), name))
        {
            Some(stored) => Ok(Served {
                code: 200,
                body: ResponseBody::Object(stored.object.clone()),
                warnings: Vec::new(),
                summary: format!(
                    "read {} at resourceVersion {}",
                    stored.object.reference(),
                    stored.mod_revision
                ),
            }),
            None => Err(status::not_found(info.resource, info.group, name)),
        }
    }

    fn list(
        &mut self,
        req: &ApiRequest,
        info: &'static ResourceInfo,
        user: &UserInfo,
    ) -> Result<Served, Status> {
        let namespace = req
            .namespace
            .as_deref()
            .filter(|ns| !ns.is_empty() && info.namespaced);
        let prefix = list_prefix(info.resource, namespace);
        // A kubelet lists only the pods bound to it (its spec.nodeName field selector), as does a
        // client that asks for that field selector.
        let node = authn::node_identity(user)
            .or(req.node_name_selector.as_deref())
            .filter(|_| info.resource == "pods");
        let items: Vec<Object> = self
            .store
            .list(&prefix)
            .map(|(_, s)| &s.object)
            .filter(|o| match node {
                Some(node) => {
                    o.as_pod()
                        .and_then(|p| p.spec.as_ref())
                        .and_then(|s| s.node_name.as_deref())
                        == Some(node)
                }
                None => true,
            })
            .cloned()
            .collect();
        let count = items.len();
        Ok(Served {
            code: 200,
            body: ResponseBody::List(items),
            warnings: Vec::new(),
            summary: format!(
                "listed {count} {} at resourceVersion {}",
                info.resource,
                self.store.revision()
            ),
        })
    }

    /// Decoding (strict or not) of a JSON body, or the typed object of an in-process client, then
    /// defaulting. Records the Decode stage.
    fn decode_body(
        &self,
        req: &ApiRequest,
        info: &'static ResourceInfo,
        t: &mut Tracer,
    ) -> Result<(Object, Vec<String>), Status> {
        let body = t.body.take().or_else(|| req.body.clone());
        let typed_body = matches!(body, Some(RequestBody::Object(_)));
        let decoded = match body {
            None => Err(status::bad_request(&format!(
                "Object 'Kind' is missing in the request body of a {} request",
                req.verb.http_method()
            ))),
            Some(RequestBody::Json(value)) => decode::decode(info, value, req.field_validation),
            Some(RequestBody::Object(object)) if object.kind() == info.kind => {
                Ok((object, Vec::new()))
            }
            Some(RequestBody::Object(object)) => Err(status::bad_request(&format!(
                "{} in version \"{}\" cannot be handled as a {}: the body is a {}",
                info.kind,
                info.version,
                info.kind,
                object.kind()
            ))),
        };
        let (mut object, warnings) = decoded.map_err(|s| t.fail(Stage::Decode, s))?;
        defaults::apply_defaults(&mut object);
        let full = t.full;
        t.stage_data(Stage::Decode, Outcome::Ok, || {
            let source = if typed_body { "typed object" } else { "JSON" };
            let mut summary = format!(
                "decoded {source} as {} {}, defaults applied",
                info.api_version(),
                info.kind
            );
            if !warnings.is_empty() {
                summary.push_str(&format!(" ({} warning(s))", warnings.len()));
            }
            let data = if full {
                TraceData::from_serialize(&DecodedDetails {
                    warnings: &warnings,
                    object: &object,
                })
            } else {
                TraceData::default()
            };
            (summary, data)
        });
        Ok((object, warnings))
    }

    fn admission_context(&mut self) -> admission::Context<'_> {
        admission::Context {
            store: &self.store,
            rng: &mut self.rng,
        }
    }

    fn run_mutating(
        &mut self,
        attrs: &admission::Attributes,
        object: Option<&mut Object>,
        t: &mut Tracer,
    ) -> Result<(), Status> {
        let mut ctx = self.admission_context();
        match admission::mutate(attrs, object, &mut ctx) {
            Ok(reports) => {
                t.stage_data(Stage::MutatingAdmission, Outcome::Ok, || {
                    let changed: Vec<String> = reports
                        .iter()
                        .filter(|r| !r.changes.is_empty())
                        .map(|r| format!("{}: {}", r.plugin, r.changes.join("; ")))
                        .collect();
                    let summary = if changed.is_empty() {
                        format!("{} plugin(s) admitted without changes", reports.len())
                    } else {
                        changed.join(" | ")
                    };
                    let plugins: Vec<PluginReportDetails> = reports
                        .iter()
                        .map(|r| PluginReportDetails {
                            plugin: r.plugin,
                            changes: &r.changes,
                        })
                        .collect();
                    (
                        summary,
                        TraceData::from_serialize(&PluginsDetails { plugins }),
                    )
                });
                Ok(())
            }
            Err(rejection) => {
                let message = rejection.status.message.clone().unwrap_or_default();
                let data = json!({"plugin": rejection.plugin, "status": status::to_json(&rejection.status)});
                t.stage(Stage::MutatingAdmission, Outcome::Failed, || {
                    (format!("{} rejected: {message}", rejection.plugin), data)
                });
                Err(rejection.status)
            }
        }
    }

    fn run_validating(
        &mut self,
        attrs: &admission::Attributes,
        object: Option<&Object>,
        t: &mut Tracer,
    ) -> Result<(), Status> {
        let ctx = self.admission_context();
        match admission::validate(attrs, object, &ctx) {
            Ok(plugins) => {
                t.stage_data(Stage::ValidatingAdmission, Outcome::Ok, || {
                    (
                        format!("admitted by {}", plugins.join(", ")),
                        TraceData::from_serialize(&PluginsDetails { plugins: &plugins }),
                    )
                });
                Ok(())
            }
            Err(rejection) => {
                let message = rejection.status.message.clone().unwrap_or_default();
                let data = json!({"plugin": rejection.plugin, "status": status::to_json(&rejection.status)});
                t.stage(Stage::ValidatingAdmission, Outcome::Failed, || {
                    (format!("{} rejected: {message}", rejection.plugin), data)
                });
                Err(rejection.status)
            }
        }
    }

    fn validation_result(
        &self,
        info: &ResourceInfo,
        name: &str,
        errors: Vec<FieldError>,
        t: &mut Tracer,
    ) -> Result<(), Status> {
        if errors.is_empty() {
            t.stage_data(Stage::Validation, Outcome::Ok, || {
                ("valid".into(), TraceData::default())
            });
            return Ok(());
        }
        let invalid = status::invalid(info.kind, info.group, name, &errors);
        let texts: Vec<String> = errors.iter().map(|e| e.to_string()).collect();
        let message = invalid.message.clone().unwrap_or_default();
        let data = json!({"errors": texts, "status": status::to_json(&invalid)});
        t.stage(Stage::Validation, Outcome::Failed, || (message, data));
        Err(invalid)
    }

    /// Traces a write and queues its watch event; returns the event without `previous` for the
    /// caller's response (the old object moves on to the watchers instead of being copied).
    fn record_write(&mut self, event: WatchEvent, key: &str, t: &mut Tracer) -> WatchEvent {
        // The stored object is kept for what people send (the "object as stored in etcd" inspector);
        // component writes (status, binding, events) record key and revision only, which keeps the
        // trace small at scale. Any earlier state can be rebuilt by replaying the deterministic run.
        let object = (self.trace_objects && t.full).then_some(&event.object);
        let stage = if event.event_type == WatchEventType::Deleted {
            Stage::Delete
        } else {
            Stage::Write
        };
        let verb = match event.event_type {
            WatchEventType::Added => "created",
            WatchEventType::Modified => "updated",
            WatchEventType::Deleted => "deleted",
        };
        let data = TraceData::from_serialize(&WriteDetails {
            key,
            revision: event.revision,
            event_type: event_type_name(&event),
            object,
        });
        t.etcd(
            stage,
            format!("{key} {verb} at revision {}", event.revision),
            data,
        );
        let answer = WatchEvent {
            event_type: event.event_type,
            object: event.object.clone(),
            revision: event.revision,
            previous: None,
        };
        self.pending_watch.push(event);
        answer
    }

    fn create(
        &mut self,
        now_ms: u64,
        req: &ApiRequest,
        info: &'static ResourceInfo,
        user: &UserInfo,
        t: &mut Tracer,
    ) -> Result<Served, Status> {
        // A typed object cannot tell a missing `spec.selector` from an empty one; the body can.
        let selector_given = match t.body.as_ref().or(req.body.as_ref()) {
            Some(RequestBody::Json(body)) => body
                .pointer("/spec/selector")
                .is_some_and(|selector| !selector.is_null()),
            _ => true,
        };
        let (mut object, warnings) = self.decode_body(req, info, t)?;
        // The handler wipes system fields and reconciles the namespace with the URL's.
        let request_namespace = if info.namespaced {
            req.namespace.clone().unwrap_or_default()
        } else {
            String::new()
        };
        {
            let meta = object.metadata_mut();
            meta.creation_timestamp = None;
            meta.uid = None;
            meta.deletion_timestamp = None;
            meta.deletion_grace_period_seconds = None;
            meta.self_link = None;
            let object_namespace = meta.namespace.clone().unwrap_or_default();
            if object_namespace.is_empty() || request_namespace.is_empty() {
                meta.namespace = (!request_namespace.is_empty()).then(|| request_namespace.clone());
            } else if object_namespace != request_namespace {
                let status = status::bad_request(
                    "the namespace of the provided object does not match the namespace sent on the request",
                );
                return Err(t.fail(Stage::Decode, status));
            }
        }
        let admission_name = object.name().to_string();
        if !admission_name.is_empty() {
            t.object = object.reference();
        }
        let attrs = admission::Attributes {
            operation: Operation::Create,
            user,
            info,
            subresource: "",
            namespace: &request_namespace,
            name: &admission_name,
            old: None,
        };
        self.run_mutating(&attrs, Some(&mut object), t)?;

        // Store.Create: system fields and the generated name.
        let generate_name = object.metadata().generate_name.clone().unwrap_or_default();
        let generated = object.name().is_empty() && !generate_name.is_empty();
        let uid = new_uid(&mut self.rng);
        {
            let meta = object.metadata_mut();
            meta.uid = Some(uid);
            meta.creation_timestamp = Some(meta_time(now_ms));
        }
        if generated {
            // `names.SimpleNameGenerator`: the prefix cut to 58 characters, then 5 random ones.
            let mut base = generate_name.clone();
            if base.len() > MAX_GENERATED_NAME_PREFIX {
                let mut cut = MAX_GENERATED_NAME_PREFIX;
                while !base.is_char_boundary(cut) {
                    cut -= 1;
                }
                base.truncate(cut);
            }
            let suffix = self.rng.name_suffix(5);
            object.metadata_mut().name = Some(format!("{base}{suffix}"));
            let unnamed = std::mem::replace(&mut t.object, object.reference());
            for entry in t.trace.entries.iter_mut().skip(t.first_entry) {
                if entry.object == unnamed {
                    entry.object = t.object.clone();
                }
            }
        }
        t.object = object.reference();
        // The Service REST storage's BeginCreate allocates before the strategy and validation run.
        if let Object::Service(service) = &mut object {
            let mut allocated = service_alloc::Allocated::default();
            for (_, stored) in self.store.list(&list_prefix("services", None)) {
                if let Object::Service(existing) = &stored.object {
                    allocated.note(existing);
                }
            }
            let service = std::sync::Arc::make_mut(service);
            let name = service.metadata.name.clone().unwrap_or_default();
            match service_alloc::allocate_create(service, &allocated, &mut self.rng) {
                Ok(()) => {}
                Err(service_alloc::AllocError::Invalid(errors)) => {
                    self.validation_result(info, &name, errors, t)?;
                }
                Err(service_alloc::AllocError::Internal(message)) => {
                    return Err(t.fail(Stage::Validation, status::internal_error(&message)));
                }
            }
        }
        strategy::prepare_for_create(&mut object);
        let mut errors = validation::validate_create_request(&object, selector_given);
        if errors.is_empty() && object.name().is_empty() {
            errors.push(FieldError::required(
                "metadata.name",
                "name or generateName is required",
            ));
        }
        let name = object.name().to_string();
        self.validation_result(info, &name, errors, t)?;
        let attrs = admission::Attributes {
            name: &name,
            ..attrs
        };
        self.run_validating(&attrs, Some(&object), t)?;

        if object
            .metadata()
            .resource_version
            .as_deref()
            .is_some_and(|rv| !rv.is_empty())
        {
            let status = status::internal_plain(
                "resourceVersion should not be set on objects to be created",
            );
            return Err(t.fail(Stage::Write, status));
        }
        let mut attempts = 0;
        let event = loop {
            attempts += 1;
            let k = Self::stored_key(info, object.namespace(), object.name());
            match self.store.create(&k, object.clone()) {
                Ok(event) => {
                    t.object = event.object.reference();
                    let event = self.record_write(event, &k, t);
                    break event;
                }
                Err(StoreError::KeyExists) if generated && attempts < NAME_GENERATION_ATTEMPTS => {
                    let suffix = self.rng.name_suffix(5);
                    object.metadata_mut().name = Some(format!("{generate_name}{suffix}"));
                }
                Err(_) => {
                    let status = status::already_exists(info.resource, info.group, object.name());
                    return Err(t.fail(Stage::Write, status));
                }
            }
        };
        if let Object::Namespace(_) = &event.object {
            self.run_namespace_controllers(now_ms, event.object.name(), t);
        }
        let summary = format!(
            "{} created (uid {}, resourceVersion {})",
            event.object.reference(),
            event.object.metadata().uid.as_deref().unwrap_or(""),
            event.revision
        );
        Ok(Served {
            code: 201,
            body: ResponseBody::Object(event.object),
            warnings,
            summary,
        })
    }

    /// The serviceaccounts and root-CA-publisher controllers reacting to a new namespace.
    fn run_namespace_controllers(&mut self, now_ms: u64, namespace: &str, t: &mut Tracer) {
        for object in bootstrap::namespace_companions(namespace) {
            let controller = match &object {
                Object::ServiceAccount(_) => "serviceaccount-controller",
                _ => "root-ca-cert-publisher",
            };
            let k = key(object.info().resource, object.namespace(), object.name());
            if let Some(event) = self.write_system_object(now_ms, object) {
                // write_system_object queued the watch event already.
                self.pending_watch.pop();
                self.record_controller_write(&event, &k, controller, t);
            }
        }
    }

    fn update(
        &mut self,
        now_ms: u64,
        req: &ApiRequest,
        info: &'static ResourceInfo,
        user: &UserInfo,
        t: &mut Tracer,
    ) -> Result<Served, Status> {
        let name = req.name.clone().unwrap_or_default();
        let k = Self::stored_key(info, req.namespace.as_deref(), &name);
        let (mut object, warnings) = self.decode_body(req, info, t)?;
        if object.name() != name {
            let status = status::bad_request(&format!(
                "the name of the object ({}) does not match the name on the URL ({name})",
                object.name()
            ));
            return Err(t.fail(Stage::Decode, status));
        }
        if info.namespaced {
            let url_ns = req.namespace.clone().unwrap_or_default();
            let object_ns = object.namespace().unwrap_or("").to_string();
            if !object_ns.is_empty() && object_ns != url_ns {
                let status = status::bad_request(&format!(
                    "the namespace of the object ({object_ns}) does not match the namespace on the URL ({url_ns})"
                ));
                return Err(t.fail(Stage::Decode, status));
            }
            object.metadata_mut().namespace = Some(url_ns);
        } else {
            object.metadata_mut().namespace = None;
        }
        let Some(stored) = self.current(&k) else {
            return Err(status::not_found(info.resource, info.group, &name));
        };
        self.apply_update(now_ms, req, info, user, stored, object, warnings, &k, t)
    }

    /// The stored object at `key` and its ModRevision, if it exists.
    fn current(&self, key: &str) -> Option<(Object, i64)> {
        self.store
            .get(key)
            .map(|s| (s.object.clone(), s.mod_revision))
    }

    fn patch(
        &mut self,
        now_ms: u64,
        req: &ApiRequest,
        info: &'static ResourceInfo,
        user: &UserInfo,
        t: &mut Tracer,
    ) -> Result<Served, Status> {
        let name = req.name.clone().unwrap_or_default();
        let k = Self::stored_key(info, req.namespace.as_deref(), &name);
        let Some((current, revision)) = self.current(&k) else {
            return Err(status::not_found(info.resource, info.group, &name));
        };
        let (object, warnings) = match &req.body {
            Some(RequestBody::Json(patch)) => {
                if !patch.is_object() {
                    let status = status::bad_request("the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml, application/strategic-merge-patch+json");
                    return Err(t.fail(Stage::Decode, status));
                }
                let mut patched = current.to_json();
                merge_patch(&mut patched, patch);
                let patched_request = ApiRequest {
                    body: Some(RequestBody::Json(patched)),
                    ..req.clone()
                };
                self.decode_body(&patched_request, info, t)?
            }
            _ => self.decode_body(req, info, t)?,
        };
        if object.name() != name {
            let status = status::bad_request(&format!(
                "the name of the object ({}) does not match the name on the URL ({name})",
                object.name()
            ));
            return Err(t.fail(Stage::Decode, status));
        }
        self.apply_update(
            now_ms,
            req,
            info,
            user,
            (current, revision),
            object,
            warnings,
            &k,
            t,
        )
    }

    /// The shared tail of PUT and PATCH: mutating admission, the resourceVersion precondition,
    /// BeforeUpdate (system fields, strategy, validation), validating admission, the write.
    #[allow(clippy::too_many_arguments)]
    fn apply_update(
        &mut self,
        _now_ms: u64,
        req: &ApiRequest,
        info: &'static ResourceInfo,
        user: &UserInfo,
        (mut old, revision): (Object, i64),
        mut object: Object,
        warnings: Vec<String>,
        k: &str,
        t: &mut Tracer,
    ) -> Result<Served, Status> {
        let sub = req.subresource.clone().unwrap_or_default();
        let namespace = object.namespace().unwrap_or("").to_string();
        let name = object.name().to_string();
        let attrs = admission::Attributes {
            operation: Operation::Update,
            user,
            info,
            subresource: &sub,
            namespace: &namespace,
            name: &name,
            old: Some(&old),
        };
        self.run_mutating(&attrs, Some(&mut object), t)?;
        if let Some(rv) = object
            .metadata()
            .resource_version
            .clone()
            .filter(|rv| !rv.is_empty())
        {
            if rv.parse::<i64>().ok() != Some(revision) {
                let status = status::optimistic_lock_conflict(info.resource, info.group, &name);
                return Err(t.fail(Stage::Write, status));
            }
        }
        // BeforeUpdate: fields a client cannot change.
        {
            let old_meta = old.metadata();
            let meta = object.metadata_mut();
            meta.generation = old_meta.generation;
            if meta.uid.as_deref().unwrap_or("").is_empty() {
                meta.uid = old_meta.uid.clone();
            }
            if old_meta.creation_timestamp.is_some() {
                meta.creation_timestamp = old_meta.creation_timestamp.clone();
            }
            if old_meta.deletion_timestamp.is_some() {
                meta.deletion_timestamp = old_meta.deletion_timestamp.clone();
            }
            if old_meta.deletion_grace_period_seconds.is_some()
                && meta.deletion_grace_period_seconds.is_none()
            {
                meta.deletion_grace_period_seconds = old_meta.deletion_grace_period_seconds;
            }
        }
        let errors = if sub == "status" {
            strategy::prepare_for_status_update(&mut object, &old);
            validation::validate_status_update(&object, &old)
        } else {
            strategy::prepare_for_update(&mut object, &old);
            validation::validate_update(&object, &old)
        };
        let mut errors = errors;
        // validateCommonFields (unless the validation module already reported it).
        if object.metadata().uid != old.metadata().uid
            && !errors.iter().any(|e| e.field == "metadata.uid")
        {
            errors.insert(
                0,
                FieldError::invalid(
                    "metadata.uid",
                    object.metadata().uid.as_deref().unwrap_or(""),
                    "field is immutable",
                ),
            );
        }
        self.validation_result(info, &name, errors, t)?;
        self.run_validating(&attrs, Some(&object), t)?;
        if equal_but_rv(&mut object, &mut old) {
            t.stage(Stage::Write, Outcome::Info, || {
                (
                    format!("no change: {k} not written, resourceVersion stays {revision}"),
                    json!({"key": k, "revision": revision}),
                )
            });
            return Ok(Served {
                code: 200,
                body: ResponseBody::Object(old),
                warnings,
                summary: format!("{} unchanged", t.object),
            });
        }
        match self.store.update(k, object, Some(revision)) {
            Ok(event) => {
                let event = self.record_write(event, k, t);
                let summary = format!(
                    "{} updated (resourceVersion {})",
                    event.object.reference(),
                    event.revision
                );
                Ok(Served {
                    code: 200,
                    body: ResponseBody::Object(event.object),
                    warnings,
                    summary,
                })
            }
            Err(StoreError::NotFound) => Err(t.fail(
                Stage::Write,
                status::not_found(info.resource, info.group, &name),
            )),
            Err(_) => Err(t.fail(
                Stage::Write,
                status::optimistic_lock_conflict(info.resource, info.group, &name),
            )),
        }
    }

    fn delete(
        &mut self,
        now_ms: u64,
        req: &ApiRequest,
        info: &'static ResourceInfo,
        user: &UserInfo,
        t: &mut Tracer,
    ) -> Result<Served, Status> {
        let name = req.name.clone().unwrap_or_default();
        let k = Self::stored_key(info, req.namespace.as_deref(), &name);
        let Some((old, revision)) = self.current(&k) else {
            return Err(status::not_found(info.resource, info.group, &name));
        };
        let requested_grace = match &req.body {
            Some(RequestBody::Json(options)) => match options.get("gracePeriodSeconds") {
                None | Some(Value::Null) => None,
                Some(v) => match v.as_i64() {
                    Some(n) => Some(n),
                    None => {
                        let status = status::bad_request(&format!(
                            "DeleteOptions in version \"v1\" cannot be handled as a DeleteOptions: invalid gracePeriodSeconds {v}"
                        ));
                        return Err(t.fail(Stage::Decode, status));
                    }
                },
            },
            _ => None,
        };
        let namespace = old.namespace().unwrap_or("").to_string();
        let attrs = admission::Attributes {
            operation: Operation::Delete,
            user,
            info,
            subresource: "",
            namespace: &namespace,
            name: &name,
            old: Some(&old),
        };
        self.run_mutating(&attrs, None, t)?;
        self.run_validating(&attrs, None, t)?;

        match &old {
            Object::Pod(_) => {
                self.delete_pod(now_ms, &k, info, &name, &old, revision, requested_grace, t)
            }
            Object::Namespace(_) => {
                if old.metadata().deletion_timestamp.is_some() {
                    return Ok(Served {
                        code: 200,
                        body: ResponseBody::Object(old.clone()),
                        warnings: Vec::new(),
                        summary: format!("{} is already terminating", old.reference()),
                    });
                }
                let mut updated = old.clone();
                updated.metadata_mut().deletion_timestamp = Some(meta_time(now_ms));
                if let Object::Namespace(ns) = &mut updated {
                    std::sync::Arc::make_mut(ns)
                        .status
                        .get_or_insert_with(Default::default)
                        .phase = Some("Terminating".into());
                }
                match self.store.update(&k, updated, Some(revision)) {
                    Ok(event) => {
                        let event = self.record_write(event, &k, t);
                        let summary = format!("{} is now Terminating", event.object.reference());
                        self.run_namespace_controller(now_ms, &name, t);
                        Ok(Served {
                            code: 200,
                            body: ResponseBody::Object(event.object),
                            warnings: Vec::new(),
                            summary,
                        })
                    }
                    Err(_) => Err(t.fail(
                        Stage::Write,
                        status::optimistic_lock_conflict(info.resource, info.group, &name),
                    )),
                }
            }
            _ => self.delete_now(&k, info, &name, t),
        }
    }

    /// A pod's deletion (the pod strategy's `CheckGracefulDelete`): the requested grace period, else
    /// the pod's `terminationGracePeriodSeconds`; at once for an unscheduled or finished pod; a pod
    /// already terminating keeps a shorter grace period. Shared by DELETE and the eviction subresource.
    #[allow(clippy::too_many_arguments)]
    fn delete_pod(
        &mut self,
        now_ms: u64,
        k: &str,
        info: &'static ResourceInfo,
        name: &str,
        old: &Object,
        revision: i64,
        requested_grace: Option<i64>,
        t: &mut Tracer,
    ) -> Result<Served, Status> {
        let Object::Pod(pod) = old else {
            return self.delete_now(k, info, name, t);
        };
        let spec = pod.spec.clone().unwrap_or_default();
        let mut grace =
            requested_grace.unwrap_or_else(|| spec.termination_grace_period_seconds.unwrap_or(30));
        if spec.node_name.as_deref().unwrap_or("").is_empty() {
            grace = 0;
        }
        let phase = pod.status.as_ref().and_then(|s| s.phase.as_deref());
        if matches!(phase, Some("Failed" | "Succeeded")) {
            grace = 0;
        }
        if grace < 0 {
            grace = 1;
        }
        let meta = old.metadata();
        if meta.deletion_timestamp.is_some() {
            let existing = meta.deletion_grace_period_seconds.unwrap_or(0);
            if existing != 0 && existing <= grace {
                return Ok(Served {
                    code: 200,
                    body: ResponseBody::Object(old.clone()),
                    warnings: Vec::new(),
                    summary: format!(
                        "{} is already terminating (grace period {existing}s)",
                        old.reference()
                    ),
                });
            }
        }
        if grace == 0 {
            return self.delete_now(k, info, name, t);
        }
        let mut updated = old.clone();
        {
            let m = updated.metadata_mut();
            m.deletion_timestamp = Some(meta_time(
                now_ms.saturating_add((grace as u64).saturating_mul(1000)),
            ));
            m.deletion_grace_period_seconds = Some(grace);
            if let Some(g) = m.generation.filter(|g| *g > 0) {
                m.generation = Some(g + 1);
            }
        }
        match self.store.update(k, updated, Some(revision)) {
            Ok(event) => {
                let event = self.record_write(event, k, t);
                let summary = format!(
                    "{} marked for graceful deletion ({grace}s, resourceVersion {})",
                    event.object.reference(),
                    event.revision
                );
                Ok(Served {
                    code: 200,
                    body: ResponseBody::Object(event.object),
                    warnings: Vec::new(),
                    summary,
                })
            }
            Err(_) => Err(t.fail(
                Stage::Write,
                status::optimistic_lock_conflict(info.resource, info.group, name),
            )),
        }
    }

    fn delete_now(
        &mut self,
        k: &str,
        info: &'static ResourceInfo,
        name: &str,
        t: &mut Tracer,
    ) -> Result<Served, Status> {
        match self.store.delete(k) {
            Ok(event) => {
                let event = self.record_write(event, k, t);
                if let Some(namespace) = event.object.namespace().map(String::from) {
                    self.remove_namespace_if_empty(&namespace, t);
                }
                let summary = format!(
                    "{} deleted (revision {})",
                    event.object.reference(),
                    event.revision
                );
                let body = match &event.object {
                    // Pods (and namespaces) return the deleted object (ReturnDeletedObject).
                    Object::Pod(_) | Object::Namespace(_) => {
                        ResponseBody::Object(event.object.clone())
                    }
                    other => ResponseBody::Status(Status {
                        details: Some(
                            k8s_openapi::apimachinery::pkg::apis::meta::v1::StatusDetails {
                                name: Some(name.to_string()),
                                group: (!info.group.is_empty()).then(|| info.group.to_string()),
                                kind: Some(info.resource.to_string()),
                                uid: other.metadata().uid.clone(),
                                ..Default::default()
                            },
                        ),
                        status: Some("Success".into()),
                        ..Default::default()
                    }),
                };
                Ok(Served {
                    code: 200,
                    body,
                    warnings: Vec::new(),
                    summary,
                })
            }
            Err(_) => Err(t.fail(
                Stage::Delete,
                status::not_found(info.resource, info.group, name),
            )),
        }
    }

    /// The namespace controller, acting at once: deletes everything in a Terminating namespace (pods
    /// bound to a node gracefully, so their kubelets finish them), then the namespace once it is empty.
    fn run_namespace_controller(&mut self, now_ms: u64, namespace: &str, t: &mut Tracer) {
        let mut contents: Vec<(String, Object, i64)> = Vec::new();
        for info in RESOURCES.iter().filter(|r| r.namespaced) {
            let prefix = list_prefix(info.resource, Some(namespace));
            contents.extend(
                self.store
                    .list(&prefix)
                    .map(|(k, s)| (k.clone(), s.object.clone(), s.mod_revision)),
            );
        }
        for (k, object, revision) in contents {
            let running_on_node = object.as_pod().is_some_and(|pod| {
                let bound = pod
                    .spec
                    .as_ref()
                    .and_then(|s| s.node_name.as_deref())
                    .is_some_and(|n| !n.is_empty());
                let phase = pod.status.as_ref().and_then(|s| s.phase.as_deref());
                bound && !matches!(phase, Some("Succeeded" | "Failed"))
            });
            if running_on_node {
                if object.metadata().deletion_timestamp.is_some() {
                    continue;
                }
                let grace = object
                    .as_pod()
                    .and_then(|p| p.spec.as_ref())
                    .and_then(|s| s.termination_grace_period_seconds)
                    .unwrap_or(30)
                    .max(1);
                let mut updated = object.clone();
                let meta = updated.metadata_mut();
                meta.deletion_timestamp = Some(meta_time(
                    now_ms.saturating_add((grace as u64).saturating_mul(1000)),
                ));
                meta.deletion_grace_period_seconds = Some(grace);
                if let Ok(event) = self.store.update(&k, updated, Some(revision)) {
                    self.record_controller_write(&event, &k, "namespace-controller", t);
                }
            } else if let Ok(event) = self.store.delete(&k) {
                self.record_controller_write(&event, &k, "namespace-controller", t);
            }
        }
        self.remove_namespace_if_empty(namespace, t);
    }

    /// Finalizes a Terminating namespace that has no content left.
    fn remove_namespace_if_empty(&mut self, namespace: &str, t: &mut Tracer) {
        let k = key("namespaces", None, namespace);
        let terminating = match self.store.get(&k).map(|s| &s.object) {
            Some(Object::Namespace(ns)) => {
                ns.status.as_ref().and_then(|s| s.phase.as_deref()) == Some("Terminating")
            }
            _ => false,
        };
        if !terminating {
            return;
        }
        let empty = RESOURCES.iter().filter(|r| r.namespaced).all(|info| {
            let prefix = list_prefix(info.resource, Some(namespace));
            let none = self.store.list(&prefix).next().is_none();
            none
        });
        if empty {
            if let Ok(event) = self.store.delete(&k) {
                self.record_controller_write(&event, &k, "namespace-controller", t);
            }
        }
    }

    fn record_controller_write(
        &mut self,
        event: &WatchEvent,
        k: &str,
        controller: &str,
        t: &mut Tracer,
    ) {
        let verb = match event.event_type {
            WatchEventType::Added => "created",
            WatchEventType::Modified => "updated",
            WatchEventType::Deleted => "deleted",
        };
        let stage = if event.event_type == WatchEventType::Deleted {
            Stage::Delete
        } else {
            Stage::Write
        };
        let object = if self.trace_objects {
            event.object.to_json()
        } else {
            Value::Null
        };
        t.trace.record(
            t.now_ms,
            Component::Etcd,
            stage,
            event.object.reference(),
            Outcome::Ok,
            format!(
                "{k} {verb} at revision {} by kube-controller-manager's {controller}",
                event.revision
            ),
            json!({"key": k, "revision": event.revision, "type": event_type_name(event),
                   "controller": controller, "object": object}),
        );
        self.pending_watch.push(event.clone());
    }

    /// POST `pods/<name>/binding`: `BindingREST.Create` and `setPodNodeAndMetadata`.
    fn bind(
        &mut self,
        now_ms: u64,
        req: &ApiRequest,
        info: &'static ResourceInfo,
        user: &UserInfo,
        t: &mut Tracer,
    ) -> Result<Served, Status> {
        let name = req.name.clone().unwrap_or_default();
        let url_namespace = req.namespace.clone().unwrap_or_default();
        let mut binding: Binding = match &req.body {
            Some(RequestBody::Json(value)) => match from_json_value(value) {
                Ok(b) => b,
                Err(e) => {
                    let status = status::bad_request(&format!(
                        "Binding in version \"v1\" cannot be handled as a Binding: {e}"
                    ));
                    return Err(t.fail(Stage::Decode, status));
                }
            },
            _ => {
                let status = status::bad_request("not a Binding object");
                return Err(t.fail(Stage::Decode, status));
            }
        };
        let binding_ns = binding.metadata.namespace.clone().unwrap_or_default();
        if binding_ns.is_empty() {
            binding.metadata.namespace = Some(url_namespace.clone());
        } else if binding_ns != url_namespace {
            let status =
                status::bad_request("the namespace of the provided object does not match the namespace sent on the request");
            return Err(t.fail(Stage::Decode, status));
        }
        let target = binding.target.name.clone().unwrap_or_default();
        t.stage(Stage::Decode, Outcome::Ok, || {
            (
                format!("decoded v1 Binding of {name} to node {target}"),
                json!({"binding": crate::engine::objects::to_json_value(&binding).unwrap_or(Value::Null)}),
            )
        });
        if binding.metadata.name.as_deref().unwrap_or("") != name {
            let status = status::bad_request("name in URL does not match name in Binding object");
            return Err(t.fail(Stage::Validation, status));
        }
        let mut errors = Vec::new();
        let target_kind = binding.target.kind.clone().unwrap_or_default();
        if !target_kind.is_empty() && target_kind != "Node" {
            errors.push(
                FieldError::not_supported("target.kind", &target_kind, &["Node", "<empty>"])
                    .to_string(),
            );
        }
        if target.is_empty() {
            errors.push(FieldError::required("target.name", "").to_string());
        }
        if !errors.is_empty() {
            let message = match errors.as_slice() {
                [one] => one.clone(),
                many => format!("[{}]", many.join(", ")),
            };
            return Err(t.fail(Stage::Validation, status::internal_plain(&message)));
        }
        t.stage(Stage::Validation, Outcome::Ok, || {
            ("valid binding".into(), Value::Null)
        });
        let attrs = admission::Attributes {
            operation: Operation::Create,
            user,
            info,
            subresource: "binding",
            namespace: &url_namespace,
            name: &name,
            old: None,
        };
        self.run_mutating(&attrs, None, t)?;
        // PodTopologyLabels mutates the Binding (which is not an `Object`), so it runs here.
        if target_kind.is_empty() || target_kind == "Node" {
            let labels = admission::pod_topology_labels::topology_labels(&self.store, &target);
            if !labels.is_empty() {
                let changes = admission::pod_topology_labels::merge_labels(
                    binding.metadata.labels.get_or_insert_with(BTreeMap::new),
                    &labels,
                );
                t.stage(Stage::MutatingAdmission, Outcome::Ok, || {
                    (
                        format!(
                            "{}: {}",
                            admission::pod_topology_labels::NAME,
                            changes.join("; ")
                        ),
                        json!({"plugin": admission::pod_topology_labels::NAME, "changes": changes}),
                    )
                });
            }
        }
        self.run_validating(&attrs, None, t)?;

        let k = Self::stored_key(info, Some(&url_namespace), &name);
        let Some((stored, revision)) = self.current(&k) else {
            return Err(t.fail(Stage::Write, status::not_found("pods", "", &name)));
        };
        let Object::Pod(pod) = stored else {
            return Err(t.fail(Stage::Write, status::not_found("pods", "", &name)));
        };
        let mut pod = std::sync::Arc::unwrap_or_clone(pod);
        let conflict = |reason: String| status::conflict("pods/binding", "", &name, &reason);
        if let Some(uid) = binding.metadata.uid.as_deref().filter(|u| !u.is_empty()) {
            let current = pod.metadata.uid.clone().unwrap_or_default();
            if uid != current {
                let reason = format!("Precondition failed: UID in precondition: {uid}, UID in object meta: {current}");
                return Err(t.fail(Stage::Write, status::conflict("pods", "", &name, &reason)));
            }
        }
        if let Some(rv) = binding
            .metadata
            .resource_version
            .as_deref()
            .filter(|r| !r.is_empty())
        {
            if rv.parse::<i64>().ok() != Some(revision) {
                return Err(t.fail(
                    Stage::Write,
                    status::optimistic_lock_conflict("pods", "", &name),
                ));
            }
        }
        if pod.metadata.deletion_timestamp.is_some() {
            let reason = format!("pod {name} is being deleted, cannot be assigned to a host");
            return Err(t.fail(Stage::Write, conflict(reason)));
        }
        let spec = pod.spec.get_or_insert_with(Default::default);
        let current_node = spec.node_name.clone().unwrap_or_default();
        if !current_node.is_empty() {
            let reason = format!("pod {name} is already assigned to node {current_node:?}");
            return Err(t.fail(Stage::Write, conflict(reason)));
        }
        if spec
            .scheduling_gates
            .as_ref()
            .is_some_and(|g| !g.is_empty())
        {
            let reason = format!("pod {name} has non-empty .spec.schedulingGates");
            return Err(t.fail(Stage::Write, conflict(reason)));
        }
        spec.node_name = Some(target.clone());
        if let Some(annotations) = binding.metadata.annotations.clone() {
            pod.metadata
                .annotations
                .get_or_insert_with(Default::default)
                .extend(annotations);
        }
        // copyLabelsWithOverwriting: the Binding's labels win.
        if let Some(labels) = binding.metadata.labels.clone().filter(|l| !l.is_empty()) {
            pod.metadata
                .labels
                .get_or_insert_with(Default::default)
                .extend(labels);
        }
        let status = pod.status.get_or_insert_with(Default::default);
        status.nominated_node_name = None;
        update_pod_condition(
            status.conditions.get_or_insert_with(Vec::new),
            PodCondition {
                type_: "PodScheduled".into(),
                status: "True".into(),
                last_transition_time: Some(meta_time(now_ms)),
                ..Default::default()
            },
        );
        match self
            .store
            .update(&k, Object::Pod(std::sync::Arc::new(pod)), Some(revision))
        {
            Ok(event) => {
                let event = self.record_write(event, &k, t);
                Ok(Served {
                    code: 201,
                    body: ResponseBody::Status(status::success(201)),
                    warnings: Vec::new(),
                    summary: format!(
                        "{} bound to {target} (resourceVersion {})",
                        event.object.reference(),
                        event.revision
                    ),
                })
            }
            Err(_) => Err(t.fail(
                Stage::Write,
                status::optimistic_lock_conflict("pods", "", &name),
            )),
        }
    }
}

/// `podutil.UpdatePodCondition`: replaces the condition of the same type, keeping its
/// lastTransitionTime when the status did not change; appends it otherwise.
pub fn update_pod_condition(conditions: &mut Vec<PodCondition>, mut condition: PodCondition) {
    match conditions.iter_mut().find(|c| c.type_ == condition.type_) {
        Some(existing) => {
            if existing.status == condition.status {
                condition.last_transition_time = existing.last_transition_time.clone();
            }
            *existing = condition;
        }
        None => conditions.push(condition),
    }
}

#[cfg(test)]
mod tests;
