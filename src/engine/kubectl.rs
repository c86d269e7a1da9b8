//! kubectl, the client: what `kubectl apply`, `delete`, `cordon`, `uncordon`, `drain`, `taint` and
//! `label` send to the API server, and the lines they print.
//!
//! Mirrors `k8s.io/kubectl/pkg/cmd/apply` (client-side apply: GET, then POST with the
//! `last-applied-configuration` annotation, or a three-way PATCH; `created` / `unchanged` /
//! `configured`), `cmd/delete` (`pod "x" deleted from default namespace`), `cmd/drain` (cordon),
//! `cmd/taint` (`reorganizeTaints`), `cmd/label`, and kubectl's error printing in `cmd/util/helpers.go`
//! (`Error from server (<Reason>): error when creating "<file>": <message>`, `The Pod "x" is invalid: ...`).
//!
//! Every request sent is traced as a kubectl `Apply` entry; the printed text is the `Result` entry, with
//! `data.output` (the main line), `data.lines` (warnings first, as printed) and `data.warnings`.
//! Simplification: kubectl computes a strategic merge patch; podflow's API server takes JSON merge
//! patches, so kubectl applies the strategic merge (lists merged by `name`/`containerPort`) locally and
//! sends the JSON merge patch from the live object to that result. The server's effect is the same.

use k8s_openapi::api::core::v1::Taint;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::Status;
use serde_json::{json, Map, Value};

use crate::engine::api::{
    ApiRequest, ApiResponse, Credentials, FieldValidation, RequestBody, Verb,
};
use crate::engine::objects::{
    from_json_value, object_ref, resource_by_name, resource_for_kind, ResourceInfo,
};
use crate::engine::sim::Ctx;
use crate::engine::trace::{Component, Outcome, Stage, TraceData};

pub mod drain;

/// The annotation client-side apply keeps the last applied manifest in.
pub const LAST_APPLIED_ANNOTATION: &str = "kubectl.kubernetes.io/last-applied-configuration";
/// The `fieldManager` of client-side apply.
pub const CLIENT_SIDE_APPLY_MANAGER: &str = "kubectl-client-side-apply";

const MISSING_ANNOTATION_WARNING: &str = "is missing the kubectl.kubernetes.io/last-applied-configuration annotation which is required by kubectl apply. kubectl apply should only be used on resources created declaratively by either kubectl create --save-config or kubectl apply. The missing annotation will be patched automatically.";
const FORCE_DELETE_WARNING: &str = "Immediate deletion does not wait for confirmation that the running resource has been terminated. The resource may continue to run on the cluster indefinitely.";

/// One kubectl invocation, queued as a simulation event.
#[derive(Clone, Debug, PartialEq)]
pub enum ClientAction {
    /// `kubectl apply -f <source>` of one document.
    Apply {
        credentials: Credentials,
        manifest: Value,
        /// The file name kubectl prints in errors (`pod.yaml`).
        source: String,
        validate: FieldValidation,
    },
    /// `kubectl delete <resource> <name> [-n <namespace>] [--grace-period=<n>]`.
    Delete {
        credentials: Credentials,
        /// REST resource, e.g. `pods`.
        resource: String,
        /// Defaults to `default` for namespaced resources.
        namespace: Option<String>,
        name: String,
        grace_period_seconds: Option<i64>,
    },
    /// `kubectl cordon <node>`.
    Cordon {
        credentials: Credentials,
        node: String,
    },
    /// `kubectl uncordon <node>`.
    Uncordon {
        credentials: Credentials,
        node: String,
    },
    /// `kubectl drain <node> [flags]`: cordon, then evict the node's pods (see [`drain`]).
    Drain {
        credentials: Credentials,
        node: String,
        options: drain::DrainOptions,
    },
    /// A drain under way: its next evictions and polls (not a command of its own).
    DrainProgress(Box<drain::DrainRun>),
    /// `kubectl taint nodes <node> key=value:Effect` (or `key:Effect-` with `remove`).
    Taint {
        credentials: Credentials,
        node: String,
        taint: Taint,
        remove: bool,
        overwrite: bool,
    },
    /// `kubectl label <resource> <name> key=value` (or `key-` when `value` is None).
    Label {
        credentials: Credentials,
        resource: String,
        namespace: Option<String>,
        name: String,
        key: String,
        value: Option<String>,
        overwrite: bool,
    },
}

/// What kubectl printed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct KubectlOutput {
    /// Every printed line in order (warnings first).
    pub lines: Vec<String>,
    /// Whether the command succeeded (exit code 0).
    pub success: bool,
}

/// The details of a kubectl `Apply` trace entry (a request sent), serialized without a `Value` tree.
#[derive(serde::Serialize)]
struct SentDetails<'a> {
    method: &'a str,
    path: &'a str,
    body: SentBody<'a>,
    /// The command that sent it, when not the object's own apply (`drain`).
    #[serde(skip_serializing_if = "Option::is_none")]
    command: Option<&'static str>,
}

/// The details of a kubectl `Result` trace entry.
#[derive(serde::Serialize)]
struct ResultDetails<'a> {
    output: &'a str,
    lines: &'a [String],
    warnings: &'a [String],
}

/// A request body as its JSON (`null` when there is none).
struct SentBody<'a>(Option<&'a RequestBody>);

impl serde::Serialize for SentBody<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self.0 {
            Some(RequestBody::Json(value)) => serde::Serialize::serialize(value, serializer),
            Some(RequestBody::Object(object)) => serde::Serialize::serialize(object, serializer),
            None => serializer.serialize_unit(),
        }
    }
}

/// A JSON value serialized with object keys sorted at every level (Go's encoding of a map), written
/// directly instead of through a sorted copy (`sorted`).
struct SortedJson<'a>(&'a Value);

impl serde::Serialize for SortedJson<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        match self.0 {
            Value::Object(map) => {
                let mut entries: Vec<(&String, &Value)> = map.iter().collect();
                entries.sort_by(|a, b| a.0.cmp(b.0));
                let mut out = serializer.serialize_map(Some(entries.len()))?;
                for (k, v) in entries {
                    out.serialize_entry(k, &SortedJson(v))?;
                }
                out.end()
            }
            Value::Array(items) => serializer.collect_seq(items.iter().map(SortedJson)),
            other => serde::Serialize::serialize(other, serializer),
        }
    }
}

/// One command's progress: the object it is about and the warnings seen.
struct Session<'c, 'a> {
    ctx: &'c mut Ctx<'a>,
    credentials: Credentials,
    object: String,
    warnings: Vec<String>,
    /// Set by commands whose requests are about objects they do not create (`drain`).
    command: Option<&'static str>,
}

impl Session<'_, '_> {
    /// Sends one request, tracing it as kubectl's `Apply` step.
    fn send(&mut self, request: ApiRequest) -> ApiResponse {
        let path = request.path();
        let query = match (&request.field_manager, request.verb) {
            (Some(manager), Verb::Create | Verb::Patch | Verb::Update) => format!(
                "?fieldManager={manager}&fieldValidation={}",
                validation_name(request.field_validation)
            ),
            _ => String::new(),
        };
        let method = request.verb.http_method();
        let target = format!("{path}{query}");
        let data = TraceData::from_serialize(&SentDetails {
            method,
            path: &target,
            body: SentBody(request.body.as_ref()),
            command: self.command,
        });
        self.ctx.record_data(
            Component::Kubectl,
            Stage::Apply,
            self.object.clone(),
            Outcome::Info,
            format!("{method} {target}"),
            data,
        );
        let response = self.ctx.call(request);
        self.warnings.extend(response.warnings.iter().cloned());
        response
    }

    fn request(&self, verb: Verb, info: &ResourceInfo, namespace: &str, name: &str) -> ApiRequest {
        let mut request = ApiRequest::new(self.credentials.clone(), verb, info.resource).name(name);
        if info.namespaced {
            request = request.namespace(namespace);
        }
        request
    }

    /// Records the Result entry and returns the output.
    fn finish(self, result: Result<String, String>) -> KubectlOutput {
        let (line, success) = match result {
            Ok(line) => (line, true),
            Err(line) => (line, false),
        };
        let mut lines: Vec<String> = self
            .warnings
            .iter()
            .map(|w| format!("Warning: {w}"))
            .collect();
        lines.extend(line.split('\n').map(String::from));
        let data = TraceData::from_serialize(&ResultDetails {
            output: &line,
            lines: &lines,
            warnings: &self.warnings,
        });
        self.ctx.record_data(
            Component::Kubectl,
            Stage::Result,
            self.object,
            if success {
                Outcome::Ok
            } else {
                Outcome::Failed
            },
            line.replace('\n', " "),
            data,
        );
        KubectlOutput { lines, success }
    }
}

fn validation_name(validation: FieldValidation) -> &'static str {
    match validation {
        FieldValidation::Strict => "Strict",
        FieldValidation::Warn => "Warn",
        FieldValidation::Ignore => "Ignore",
    }
}

/// `pod`, `deployment.apps`, `priorityclass.scheduling.k8s.io`: how kubectl names a kind in output.
pub fn kind_string(info: &ResourceInfo) -> String {
    let kind = info.kind.to_lowercase();
    if info.group.is_empty() {
        kind
    } else {
        format!("{kind}.{}", info.group)
    }
}

/// `Resource: "/v1, Resource=pods", GroupVersionKind: "/v1, Kind=Pod"\nName: "x", Namespace: "default"`.
fn info_string(info: &ResourceInfo, namespace: &str, name: &str) -> String {
    format!(
        "Resource: \"{group}/{version}, Resource={resource}\", GroupVersionKind: \"{group}/{version}, Kind={kind}\"\nName: {name:?}, Namespace: {namespace:?}",
        group = info.group,
        version = info.version,
        resource = info.resource,
        kind = info.kind,
    )
}

/// kubectl's rendering of a server error whose message was wrapped as `wrapped`
/// (`cmdutil.CheckErr` / `StandardErrorMessage`).
pub fn error_line(status: &Status, wrapped: &str) -> String {
    let reason = status.reason.as_deref().unwrap_or("");
    match reason {
        "Invalid" => {
            let details = status.details.clone().unwrap_or_default();
            let kind = details.kind.clone().unwrap_or_default();
            let name = details.name.clone().unwrap_or_default();
            let group = details.group.clone().unwrap_or_default();
            let head = if !kind.is_empty() || !name.is_empty() {
                format!("The {kind} {name:?} is invalid")
            } else if !group.is_empty() {
                format!("The {group} {name:?} is invalid")
            } else {
                "The request is invalid".to_string()
            };
            let mut messages: Vec<String> = Vec::new();
            for cause in details.causes.iter().flatten() {
                let text = format!(
                    "{}: {}",
                    cause.field.as_deref().unwrap_or(""),
                    cause.message.as_deref().unwrap_or("")
                );
                if !messages.contains(&text) {
                    messages.push(text);
                }
            }
            match messages.as_slice() {
                [] => head,
                [one] => format!("{head}: {one}"),
                many => {
                    let bullets: Vec<String> = many.iter().map(|m| format!("* {m}")).collect();
                    format!("{head}: \n{}", bullets.join("\n"))
                }
            }
        }
        // kubectl's discovery request fails first; client-go words a 401 on it generically.
        "Unauthorized" => {
            "error: You must be logged in to the server (the server has asked for the client to provide credentials)"
                .to_string()
        }
        "" => format!("Error from server: {wrapped}"),
        reason => format!("Error from server ({reason}): {wrapped}"),
    }
}

/// Go's JSON encoding of a map: keys sorted at every level.
pub fn sorted(value: &Value) -> Value {
    match value {
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            let mut out = Map::new();
            for k in keys {
                if let Some(v) = map.get(k) {
                    out.insert(k.clone(), sorted(v));
                }
            }
            Value::Object(out)
        }
        Value::Array(items) => Value::Array(items.iter().map(sorted).collect()),
        other => other.clone(),
    }
}

fn prune_nulls(value: &mut Value) {
    if let Value::Object(map) = value {
        map.retain(|_, v| !v.is_null());
        for v in map.values_mut() {
            prune_nulls(v);
        }
    }
}

/// `util.GetModifiedConfiguration(obj, annotate=true)`: the manifest with its last-applied annotation
/// set to the manifest's own compact JSON (keys sorted, `annotations: {}` kept, trailing newline).
pub fn with_last_applied(manifest: &Value) -> Value {
    let mut object = manifest.clone();
    if !object.is_object() {
        return object;
    }
    let metadata = object
        .as_object_mut()
        .map(|o| o.entry("metadata").or_insert_with(|| json!({})));
    if let Some(metadata) = metadata {
        if !metadata.is_object() {
            *metadata = json!({});
        }
        let annotations = metadata
            .as_object_mut()
            .map(|m| m.entry("annotations").or_insert_with(|| json!({})));
        if let Some(annotations) = annotations {
            if !annotations.is_object() {
                *annotations = json!({});
            }
            if let Some(a) = annotations.as_object_mut() {
                a.remove(LAST_APPLIED_ANNOTATION);
            }
        }
    }
    // Serializing a `Value` cannot fail: its map keys are strings.
    let mut original = serde_json::to_string(&SortedJson(&object)).unwrap_or_default();
    original.push('\n');
    if let Some(a) = object
        .get_mut("metadata")
        .and_then(|m| m.get_mut("annotations"))
        .and_then(Value::as_object_mut)
    {
        a.insert(LAST_APPLIED_ANNOTATION.into(), Value::String(original));
    }
    object
}

/// The merge key of a list of objects, as the strategic-merge-patch tags of core/v1 declare them for
/// the lists podflow's objects use (`name` for containers, volumes, env...; `containerPort` for ports).
fn merge_key(items: &[Value]) -> Option<&'static str> {
    let all_have = |k: &str| !items.is_empty() && items.iter().all(|i| i.get(k).is_some());
    ["name", "containerPort"].into_iter().find(|k| all_have(k))
}

/// The object a strategic three-way merge of `modified` (against `original`) onto `current` yields.
pub fn strategic_apply(current: &Value, original: Option<&Value>, modified: &Value) -> Value {
    match (current, modified) {
        (Value::Object(cur), Value::Object(modi)) => {
            let orig = original.and_then(Value::as_object);
            let mut out = cur.clone();
            if let Some(orig) = orig {
                for k in orig.keys() {
                    if !modi.contains_key(k) {
                        out.remove(k);
                    }
                }
            }
            for (k, mv) in modi {
                let merged = match cur.get(k) {
                    Some(cv) => strategic_apply(cv, orig.and_then(|o| o.get(k)), mv),
                    None => mv.clone(),
                };
                if merged.is_null() {
                    out.remove(k);
                } else {
                    out.insert(k.clone(), merged);
                }
            }
            Value::Object(out)
        }
        (Value::Array(cur), Value::Array(modi)) => {
            let Some(key) = merge_key(modi).filter(|k| cur.iter().all(|c| c.get(*k).is_some()))
            else {
                return modified.clone();
            };
            let orig_items: Vec<Value> = original
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default();
            let find =
                |list: &[Value], id: &Value| list.iter().find(|i| i.get(key) == Some(id)).cloned();
            let mut out = Vec::new();
            for mv in modi {
                let id = mv.get(key).cloned().unwrap_or(Value::Null);
                match find(cur, &id) {
                    Some(cv) => out.push(strategic_apply(&cv, find(&orig_items, &id).as_ref(), mv)),
                    None => out.push(mv.clone()),
                }
            }
            for cv in cur {
                let id = cv.get(key).cloned().unwrap_or(Value::Null);
                let in_modified = find(modi, &id).is_some();
                let in_original = find(&orig_items, &id).is_some();
                if !in_modified && !in_original {
                    out.push(cv.clone());
                }
            }
            Value::Array(out)
        }
        _ => modified.clone(),
    }
}

/// The JSON merge patch turning `from` into `to` (`{}` when they are equal).
pub fn merge_patch_between(from: &Value, to: &Value) -> Value {
    match (from, to) {
        (Value::Object(f), Value::Object(t)) => {
            let mut patch = Map::new();
            for k in f.keys() {
                if !t.contains_key(k) {
                    patch.insert(k.clone(), Value::Null);
                }
            }
            for (k, tv) in t {
                match f.get(k) {
                    Some(fv) if fv == tv => {}
                    Some(fv @ Value::Object(_)) if tv.is_object() => {
                        patch.insert(k.clone(), merge_patch_between(fv, tv));
                    }
                    _ => {
                        patch.insert(k.clone(), tv.clone());
                    }
                }
            }
            Value::Object(patch)
        }
        _ => to.clone(),
    }
}

impl ClientAction {
    pub fn run(self, ctx: &mut Ctx) {
        let _ = self.execute(ctx);
    }

    /// Runs the command and returns what kubectl printed (also recorded in the trace).
    pub fn execute(self, ctx: &mut Ctx) -> KubectlOutput {
        match self {
            ClientAction::Apply {
                credentials,
                manifest,
                source,
                validate,
            } => apply(ctx, credentials, manifest, &source, validate),
            ClientAction::Delete {
                credentials,
                resource,
                namespace,
                name,
                grace_period_seconds,
            } => delete(
                ctx,
                credentials,
                &resource,
                namespace,
                &name,
                grace_period_seconds,
            ),
            ClientAction::Cordon { credentials, node } => cordon(ctx, credentials, &node, true),
            ClientAction::Uncordon { credentials, node } => cordon(ctx, credentials, &node, false),
            ClientAction::Drain {
                credentials,
                node,
                options,
            } => drain::start(ctx, credentials, &node, options),
            ClientAction::DrainProgress(run) => {
                drain::resume(ctx, *run);
                KubectlOutput::default()
            }
            ClientAction::Taint {
                credentials,
                node,
                taint,
                remove,
                overwrite,
            } => run_taint(ctx, credentials, &node, taint, remove, overwrite),
            ClientAction::Label {
                credentials,
                resource,
                namespace,
                name,
                key,
                value,
                overwrite,
            } => label(
                ctx,
                credentials,
                &resource,
                namespace,
                &name,
                &key,
                value,
                overwrite,
            ),
        }
    }
}

fn session<'c, 'a>(
    ctx: &'c mut Ctx<'a>,
    credentials: Credentials,
    object: String,
) -> Session<'c, 'a> {
    Session {
        ctx,
        credentials,
        object,
        warnings: Vec::new(),
        command: None,
    }
}

fn apply(
    ctx: &mut Ctx,
    credentials: Credentials,
    manifest: Value,
    source: &str,
    validate: FieldValidation,
) -> KubectlOutput {
    let api_version = manifest
        .get("apiVersion")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    let kind = manifest
        .get("kind")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    let name = manifest
        .pointer("/metadata/name")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    let manifest_namespace = manifest
        .pointer("/metadata/namespace")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    let Some(info) = resource_for_kind(&api_version, &kind) else {
        let s = session(ctx, credentials, format!("{kind}/{name}"));
        return s.finish(Err(format!(
            "error: resource mapping not found for name: {name:?} namespace: {manifest_namespace:?} from {source:?}: no matches for kind {kind:?} in version {api_version:?}\nensure CRDs are installed first"
        )));
    };
    let namespace = if info.namespaced {
        if manifest_namespace.is_empty() {
            "default".to_string()
        } else {
            manifest_namespace
        }
    } else {
        String::new()
    };
    let object = object_ref(info.resource, Some(&namespace), &name);
    let mut s = session(ctx, credentials, object);
    if name.is_empty() {
        let generate_name = manifest
            .pointer("/metadata/generateName")
            .and_then(Value::as_str)
            .unwrap_or("");
        let line = if generate_name.is_empty() {
            "error: resource name may not be empty".to_string()
        } else {
            format!("error: from {generate_name}: cannot use generate name with apply")
        };
        return s.finish(Err(line));
    }
    let mut manifest = manifest;
    if info.namespaced {
        if let Some(metadata) = manifest.get_mut("metadata").and_then(Value::as_object_mut) {
            metadata.insert("namespace".into(), Value::String(namespace.clone()));
        }
    }
    let modified = with_last_applied(&manifest);
    let target = format!("{}/{name}", kind_string(info));
    let response = s.send(s.request(Verb::Get, info, &namespace, &name));
    match response.result {
        Err(status) if status.code == Some(404) => {
            let mut body = modified;
            prune_nulls(&mut body);
            let mut request = s.request(Verb::Create, info, &namespace, &name);
            request.name = None;
            request.body = Some(RequestBody::Json(body));
            request.field_validation = validate;
            request.field_manager = Some(CLIENT_SIDE_APPLY_MANAGER.into());
            let response = s.send(request);
            let result = match &response.result {
                Ok(_) => Ok(format!("{target} created")),
                Err(status) => {
                    let wrapped = format!(
                        "error when creating {source:?}: {}",
                        status.message.as_deref().unwrap_or("")
                    );
                    Err(error_line(status, &wrapped))
                }
            };
            s.finish(result)
        }
        Err(status) => {
            let wrapped = format!(
                "error when retrieving current configuration of:\n{}\nfrom server for: {source:?}: {}",
                info_string(info, &namespace, &name),
                status.message.as_deref().unwrap_or("")
            );
            s.finish(Err(error_line(&status, &wrapped)))
        }
        Ok(body) => {
            let current = match body {
                crate::engine::api::ResponseBody::Object(o) => o.to_json(),
                _ => Value::Null,
            };
            let last_applied = current
                .pointer("/metadata/annotations")
                .and_then(|a| a.get(LAST_APPLIED_ANNOTATION))
                .and_then(Value::as_str)
                .map(String::from);
            if last_applied.is_none() {
                let resource =
                    crate::engine::api::status::qualified_resource(info.resource, info.group);
                s.warnings.push(format!(
                    "resource {resource}/{name} {MISSING_ANNOTATION_WARNING}"
                ));
            }
            let original = last_applied.and_then(|text| serde_json::from_str::<Value>(&text).ok());
            let desired = strategic_apply(&current, original.as_ref(), &modified);
            let patch = merge_patch_between(&current, &desired);
            if patch.as_object().is_some_and(|p| p.is_empty()) {
                return s.finish(Ok(format!("{target} unchanged")));
            }
            let mut request = s.request(Verb::Patch, info, &namespace, &name);
            request.body = Some(RequestBody::Json(patch.clone()));
            request.field_validation = validate;
            request.field_manager = Some(CLIENT_SIDE_APPLY_MANAGER.into());
            let response = s.send(request);
            let result = match &response.result {
                Ok(_) => Ok(format!("{target} configured")),
                Err(status) => {
                    let wrapped = format!(
                        "error when applying patch:\n{}\nto:\n{}\nfor: {source:?}: error when patching {source:?}: {}",
                        sorted(&patch),
                        info_string(info, &namespace, &name),
                        status.message.as_deref().unwrap_or("")
                    );
                    Err(error_line(status, &wrapped))
                }
            };
            s.finish(result)
        }
    }
}

/// The resource a command-line argument names, as kubectl's RESTMapper resolves it: the plural
/// (`pods`), the singular (`pod`), or a short name (`po`), in any case.
fn resource_from_argument(argument: &str) -> Option<&'static ResourceInfo> {
    const SHORT_NAMES: [(&str, &str); 12] = [
        ("po", "pods"),
        ("no", "nodes"),
        ("ns", "namespaces"),
        ("svc", "services"),
        ("deploy", "deployments"),
        ("rs", "replicasets"),
        ("pdb", "poddisruptionbudgets"),
        ("pvc", "persistentvolumeclaims"),
        ("pv", "persistentvolumes"),
        ("sa", "serviceaccounts"),
        ("cm", "configmaps"),
        ("pc", "priorityclasses"),
    ];
    let argument = argument.to_ascii_lowercase();
    let plural = SHORT_NAMES
        .iter()
        .find(|(short, _)| *short == argument)
        .map_or(argument.as_str(), |(_, plural)| plural);
    resource_by_name(plural).or_else(|| {
        crate::engine::objects::RESOURCES
            .iter()
            .find(|r| r.kind.eq_ignore_ascii_case(&argument))
    })
}

fn server_error(status: &Status) -> String {
    error_line(status, status.message.as_deref().unwrap_or(""))
}

fn delete(
    ctx: &mut Ctx,
    credentials: Credentials,
    resource: &str,
    namespace: Option<String>,
    name: &str,
    grace_period_seconds: Option<i64>,
) -> KubectlOutput {
    let Some(info) = resource_from_argument(resource) else {
        let s = session(ctx, credentials, format!("{resource}/{name}"));
        return s.finish(Err(format!(
            "error: the server doesn't have a resource type {resource:?}"
        )));
    };
    let namespace = if info.namespaced {
        namespace.unwrap_or_else(|| "default".into())
    } else {
        String::new()
    };
    let mut s = session(
        ctx,
        credentials,
        object_ref(info.resource, Some(&namespace), name),
    );
    if grace_period_seconds == Some(0) {
        s.warnings.push(FORCE_DELETE_WARNING.into());
    }
    let mut request = s.request(Verb::Delete, info, &namespace, name);
    if let Some(grace) = grace_period_seconds {
        request.body = Some(RequestBody::Json(json!({"gracePeriodSeconds": grace})));
    }
    let response = s.send(request);
    let result = match &response.result {
        Ok(_) => {
            let mut operation = if grace_period_seconds == Some(0) {
                "force deleted".to_string()
            } else {
                "deleted".to_string()
            };
            if info.namespaced {
                operation = format!("{operation} from {namespace} namespace");
            }
            Ok(format!("{} {name:?} {operation}", kind_string(info)))
        }
        Err(status) => Err(server_error(status)),
    };
    s.finish(result)
}

/// GETs an object for a read-modify-PATCH command; the error line on failure.
fn fetch(
    s: &mut Session,
    info: &ResourceInfo,
    namespace: &str,
    name: &str,
) -> Result<Value, String> {
    let response = s.send(s.request(Verb::Get, info, namespace, name));
    match response.result {
        Ok(crate::engine::api::ResponseBody::Object(o)) => Ok(o.to_json()),
        Ok(_) => Err(format!("error: unexpected response for {name}")),
        Err(status) => Err(server_error(&status)),
    }
}

fn send_patch(
    s: &mut Session,
    info: &ResourceInfo,
    namespace: &str,
    name: &str,
    patch: Value,
) -> Result<(), String> {
    let mut request = s.request(Verb::Patch, info, namespace, name);
    request.body = Some(RequestBody::Json(patch));
    let response = s.send(request);
    match &response.result {
        Ok(_) => Ok(()),
        Err(status) => Err(server_error(status)),
    }
}

const NODES: &ResourceInfo = &ResourceInfo {
    kind: "Node",
    resource: "nodes",
    group: "",
    version: "v1",
    namespaced: false,
};

fn cordon(ctx: &mut Ctx, credentials: Credentials, node: &str, desired: bool) -> KubectlOutput {
    let mut s = session(ctx, credentials, object_ref("nodes", None, node));
    let result = (|| {
        let current = fetch(&mut s, NODES, "", node)?;
        let unschedulable = current
            .pointer("/spec/unschedulable")
            .and_then(Value::as_bool)
            .unwrap_or(false);
        if unschedulable == desired {
            let already = if desired {
                "already cordoned"
            } else {
                "already uncordoned"
            };
            return Ok(format!("node/{node} {already}"));
        }
        let value = if desired { json!(true) } else { Value::Null };
        send_patch(
            &mut s,
            NODES,
            "",
            node,
            json!({"spec": {"unschedulable": value}}),
        )?;
        Ok(format!(
            "node/{node} {}",
            if desired { "cordoned" } else { "uncordoned" }
        ))
    })();
    s.finish(result)
}

/// `Taint.ToString()`: `key=value:effect`, `key:effect`, `key=value`, `key`.
pub fn taint_string(taint: &Taint) -> String {
    let mut s = taint.key.clone();
    if let Some(value) = taint.value.as_deref().filter(|v| !v.is_empty()) {
        s.push('=');
        s.push_str(value);
    }
    if !taint.effect.is_empty() {
        s.push(':');
        s.push_str(&taint.effect);
    }
    s
}

fn run_taint(
    ctx: &mut Ctx,
    credentials: Credentials,
    node: &str,
    wanted: Taint,
    remove: bool,
    overwrite: bool,
) -> KubectlOutput {
    let mut s = session(ctx, credentials, object_ref("nodes", None, node));
    let result = (|| {
        let current = fetch(&mut s, NODES, "", node)?;
        let old: Vec<Taint> = current
            .pointer("/spec/taints")
            .and_then(|t| from_json_value(t).ok())
            .unwrap_or_default();
        let matches = |a: &Taint, b: &Taint| a.key == b.key && a.effect == b.effect;
        let (operation, new) = if remove {
            let kept: Vec<Taint> = old
                .iter()
                .filter(|t| {
                    if wanted.effect.is_empty() {
                        t.key != wanted.key
                    } else {
                        !matches(t, &wanted)
                    }
                })
                .cloned()
                .collect();
            if kept.len() == old.len() {
                return Err(format!(
                    "error: taint {:?} not found",
                    taint_string(&wanted)
                ));
            }
            ("untainted", kept)
        } else {
            if !overwrite && old.iter().any(|t| matches(t, &wanted)) {
                return Err(format!(
                    "error: node {node} already has {} taint(s) with same effect(s) and --overwrite is false",
                    wanted.key
                ));
            }
            let mut new = vec![wanted.clone()];
            new.extend(old.iter().filter(|t| !matches(t, &wanted)).cloned());
            let operation = if overwrite {
                "modified"
            } else if new.len() != old.len() {
                "tainted"
            } else {
                "untainted"
            };
            (operation, new)
        };
        let taints = if new.is_empty() {
            Value::Null
        } else {
            crate::engine::objects::to_json_value(&new).unwrap_or(Value::Null)
        };
        send_patch(&mut s, NODES, "", node, json!({"spec": {"taints": taints}}))?;
        Ok(format!("node/{node} {operation}"))
    })();
    s.finish(result)
}

#[allow(clippy::too_many_arguments)]
fn label(
    ctx: &mut Ctx,
    credentials: Credentials,
    resource: &str,
    namespace: Option<String>,
    name: &str,
    label_key: &str,
    value: Option<String>,
    overwrite: bool,
) -> KubectlOutput {
    let Some(info) = resource_from_argument(resource) else {
        let s = session(ctx, credentials, format!("{resource}/{name}"));
        return s.finish(Err(format!(
            "error: the server doesn't have a resource type {resource:?}"
        )));
    };
    let namespace = if info.namespaced {
        namespace.unwrap_or_else(|| "default".into())
    } else {
        String::new()
    };
    let mut s = session(
        ctx,
        credentials,
        object_ref(info.resource, Some(&namespace), name),
    );
    let target = format!("{}/{name}", kind_string(info));
    let result = (|| {
        let current = fetch(&mut s, info, &namespace, name)?;
        let existing = current
            .pointer("/metadata/labels")
            .and_then(|l| l.get(label_key))
            .and_then(Value::as_str)
            .map(String::from);
        let patch_value = match (&value, &existing) {
            (Some(v), Some(e)) if v == e => None,
            (Some(_), Some(e)) if !overwrite => {
                return Err(format!(
                    "error: '{label_key}' already has a value ({e}), and --overwrite is false"
                ));
            }
            (Some(v), _) => Some(Value::String(v.clone())),
            (None, Some(_)) => Some(Value::Null),
            (None, None) => {
                return Ok(format!(
                    "label {label_key:?} not found.\n{target} not labeled"
                ))
            }
        };
        let Some(patch_value) = patch_value else {
            return Ok(format!("{target} not labeled"));
        };
        let removed = patch_value.is_null();
        let mut labels = Map::new();
        labels.insert(label_key.to_string(), patch_value);
        send_patch(
            &mut s,
            info,
            &namespace,
            name,
            json!({"metadata": {"labels": labels}}),
        )?;
        Ok(format!(
            "{target} {}",
            if removed { "unlabeled" } else { "labeled" }
        ))
    })();
    s.finish(result)
}

#[cfg(test)]
mod tests;
