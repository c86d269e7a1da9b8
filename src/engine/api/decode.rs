//! Decoding request bodies into typed objects, with strict field validation.
//!
//! Mirrors the API server's JSON serializer (`k8s.io/apimachinery/pkg/runtime/serializer/json`, which uses
//! `sigs.k8s.io/json` with `DisallowUnknownFields` for `fieldValidation=Strict`, kubectl's default) and the
//! handler's `transformDecodeError` (`k8s.io/apiserver/pkg/endpoints/handlers/rest.go`): every failure is a
//! 400 BadRequest whose message starts with `<Kind> in version "<version>" cannot be handled as a <Kind>: `.
//!
//! The precedence follows Go's decoder: a quantity or a timestamp (`metav1.Time`, `MicroTime`; see
//! `go_time`) that does not parse aborts decoding at once (its `UnmarshalJSON` fails, and that error is the
//! message as is); otherwise the first type mismatch wins; strict errors (`unknown field "..."`) are
//! reported only when nothing else failed, in document order, deduplicated, at most 100.
//!
//! After decoding, quantities are in canonical form (`0.1` → `100m`), timestamps in UTC as `MarshalJSON`
//! writes them, `null` members are gone (map elements get
//! their zero value) and empty `omitempty` lists and maps are dropped, so the object reads back the way the
//! API server would serve it.
//!
//! Simplifications: duplicate keys cannot be detected (the body arrives as a parsed `serde_json::Value`, which
//! keeps the last one); Go's struct and type names in type-mismatch messages come from a table of the common
//! Kubernetes field names, falling back to the capitalised field name; `null` inside arrays is rejected
//! instead of becoming a zero value; nesting deeper than 1000 levels is rejected (Go allows 10000).

use k8s_openapi::apimachinery::pkg::apis::meta::v1::Status;
use serde_json::Value;

use super::go_time::{canonical_utc, parse_go_time, GoLayout};
use super::status::bad_request;
use super::FieldValidation;
use crate::engine::objects::{resource_for_kind, Object, ResourceInfo, RESOURCES};
use crate::engine::quantity::Quantity;
use crate::engine::value_de::Segment;

/// Deepest JSON nesting accepted before the body is refused.
const MAX_DEPTH: usize = 1000;
/// `sigs.k8s.io/json` stops collecting strict errors after this many.
const MAX_STRICT_ERRORS: usize = 100;

/// Decodes `body` as the kind of `info`. Returns the object and any warnings (unknown fields under
/// `Warn`), or the 400 Status the API server would return.
#[allow(clippy::result_large_err)] // the signature the pipeline calls; Status is upstream's shape
pub fn decode(
    info: &ResourceInfo,
    body: Value,
    validation: FieldValidation,
) -> Result<(Object, Vec<String>), Status> {
    if exceeds_depth(&body, MAX_DEPTH) {
        let message = format!(
            "the object provided is unrecognized (must be of type {}): couldn't get version/kind; json parse error: exceeded max depth",
            info.kind
        );
        dismantle(body);
        return Err(bad_request(&message));
    }
    let (api_version, kind) = match type_meta(info, &body) {
        Ok(gvk) => gvk,
        Err(message) => return Err(bad_request(&message)),
    };
    // The body's version (not group/version) names it in every later message.
    let version = api_version.rsplit('/').next().unwrap_or("").to_string();
    let prefix = format!(
        "{kind} in version \"{version}\" cannot be handled as a {}: ",
        info.kind
    );

    match resource_for_kind(&api_version, &kind) {
        Some(found) if found.kind == info.kind => {}
        Some(found) => {
            return Err(bad_request(&format!(
                "{prefix}converting (v1.{}) to ({}.{}): unknown conversion",
                found.kind,
                internal_package(info),
                info.kind
            )))
        }
        None => {
            return Err(bad_request(&format!(
                "{prefix}no kind \"{kind}\" is registered for version \"{api_version}\" in scheme \"pkg/api/legacyscheme/scheme.go:30\""
            )))
        }
    }

    let mut body = body;
    drop_null_members(info.kind, &mut body, None);
    if let Err(message) = canonicalize_scalars(info.kind, &mut body, None, None, &mut Vec::new()) {
        return Err(bad_request(&format!("{prefix}{message}")));
    }
    // Fill in what the URL implies so the typed object carries apiVersion and kind.
    if let Value::Object(map) = &mut body {
        map.insert("apiVersion".into(), Value::String(info.api_version()));
        map.insert("kind".into(), Value::String(info.kind.to_string()));
    }

    let object = match typed_decode(info.kind, &body) {
        Ok(object) => object,
        Err(message) => return Err(bad_request(&format!("{prefix}{message}"))),
    };

    let encoded = object.to_json();
    let mut unknown = Vec::new();
    collect_unknown_fields(&body, &encoded, &mut String::new(), &mut unknown);
    let errors: Vec<String> = unknown
        .iter()
        .map(|path| format!("unknown field {}", go_quote(path)))
        .collect();
    if matches!(validation, FieldValidation::Strict) && !errors.is_empty() {
        return Err(bad_request(&format!(
            "{prefix}strict decoding error: {}",
            errors.join(", ")
        )));
    }
    let object = omit_empty(info.kind, object, encoded);
    match validation {
        FieldValidation::Warn => Ok((object, errors)),
        _ => Ok((object, Vec::new())),
    }
}

/// The internal (hub) package name a conversion error names: `core.Pod`, `rbac.Role`, ...
fn internal_package(info: &ResourceInfo) -> &'static str {
    match info.group {
        "" => "core",
        "rbac.authorization.k8s.io" => "rbac",
        "scheduling.k8s.io" => "scheduling",
        "apps" => "apps",
        _ => "core",
    }
}

/// `apiVersion` and `kind` of the body, defaulted from the URL when absent (the handler's `defaultGVK`).
fn type_meta(info: &ResourceInfo, body: &Value) -> Result<(String, String), String> {
    let unrecognized = |err: &str| {
        format!(
            "the object provided is unrecognized (must be of type {}): couldn't get version/kind; json parse error: {err} ({})",
            info.kind,
            summarize(body)
        )
    };
    let Value::Object(map) = body else {
        return Err(unrecognized(&format!(
            "json: cannot unmarshal {} into Go value of type struct {{ APIVersion string \"json:\\\"apiVersion,omitempty\\\"\"; Kind string \"json:\\\"kind,omitempty\\\"\" }}",
            json_kind(body)
        )));
    };
    let field = |name: &str| -> Result<String, String> {
        match map.get(name) {
            None | Some(Value::Null) => Ok(String::new()),
            Some(Value::String(s)) => Ok(s.clone()),
            Some(other) => Err(unrecognized(&format!(
                "json: cannot unmarshal {} into Go struct field .{name} of type string",
                json_kind(other)
            ))),
        }
    };
    let mut api_version = field("apiVersion")?;
    let mut kind = field("kind")?;
    if api_version.is_empty() {
        api_version = info.api_version();
    }
    if kind.is_empty() {
        kind = info.kind.to_string();
    }
    Ok((api_version, kind))
}

/// Upstream's `summarizeData(body, 30)` of the JSON text.
fn summarize(body: &Value) -> String {
    let text = serde_json::to_string(body).unwrap_or_default();
    if text.len() > 30 {
        let mut end = 30;
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        format!("{} ...", &text[..end])
    } else {
        text
    }
}

/// Go's name for the JSON value kind in `cannot unmarshal <kind>`.
fn json_kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "bool",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// Go's `strconv.Quote` for the ASCII paths strict errors print (non-ASCII is escaped by JSON rules, close enough).
fn go_quote(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| format!("\"{s}\""))
}

/// Whether the value nests deeper than `limit` (checked without recursion).
fn exceeds_depth(value: &Value, limit: usize) -> bool {
    let mut stack: Vec<(&Value, usize)> = vec![(value, 1)];
    while let Some((v, depth)) = stack.pop() {
        if depth > limit {
            return true;
        }
        match v {
            Value::Array(items) => stack.extend(items.iter().map(|i| (i, depth + 1))),
            Value::Object(map) => stack.extend(map.values().map(|i| (i, depth + 1))),
            _ => {}
        }
    }
    false
}

/// Drops a value without recursion, so that absurdly deep input cannot overflow the stack.
fn dismantle(value: Value) {
    let mut stack = vec![value];
    while let Some(v) = stack.pop() {
        match v {
            Value::Array(items) => stack.extend(items),
            Value::Object(map) => stack.extend(map.into_iter().map(|(_, v)| v)),
            _ => {}
        }
    }
}

/// `"field": null` decodes to the zero value in Go, the same as an absent field; inside a map (labels,
/// resource lists) the key stays with the element's zero value (`""`, or `0` for a quantity).
fn drop_null_members(kind: &str, value: &mut Value, key: Option<&str>) {
    match value {
        Value::Object(map) => {
            if key.is_some_and(|k| is_map_field(kind, k)) {
                let zero = if key.is_some_and(|k| QUANTITY_MAPS.contains(&k)) {
                    "0"
                } else {
                    ""
                };
                for v in map.values_mut() {
                    if v.is_null() {
                        *v = Value::String(zero.to_string());
                    }
                }
            } else {
                map.retain(|_, v| !v.is_null());
            }
            for (k, v) in map.iter_mut() {
                drop_null_members(kind, v, Some(k));
            }
        }
        Value::Array(items) => {
            for item in items {
                drop_null_members(kind, item, key);
            }
        }
        _ => {}
    }
}

/// Map-valued fields whose values are quantities (`ResourceList`).
const QUANTITY_MAPS: &[&str] = &[
    "requests",
    "limits",
    "overhead",
    "capacity",
    "allocatable",
    "allocatedResources",
    "hard",
    "used",
];
/// Fields that hold a single quantity.
const QUANTITY_FIELDS: &[&str] = &["sizeLimit", "divisor"];

/// Parses every quantity and every timestamp in the body as their `UnmarshalJSON` methods do and rewrites
/// them the way the API server serves them back (`0.1` becomes `100m`, `2024-01-01T02:00:00+02:00` becomes
/// `2024-01-01T00:00:00Z`). Returns the error text of the first bad one, in document order: both methods'
/// errors abort Go's decoding at once, ahead of any type mismatch found earlier. `fields` is the path of
/// JSON field names from the root (without indices), for the messages that name it.
///
/// Simplification: a timestamp inside a value whose container has the wrong JSON type (an object where a
/// list belongs) is still checked, where Go skips the whole container.
fn canonicalize_scalars(
    kind: &str,
    value: &mut Value,
    key: Option<&str>,
    parent: Option<&str>,
    fields: &mut Vec<String>,
) -> Result<(), String> {
    match value {
        Value::Object(map) => {
            let is_resource_list = key.is_some_and(|k| {
                QUANTITY_MAPS.contains(&k)
                    && (!matches!(k, "requests" | "limits") || parent == Some("resources"))
            });
            for (k, v) in map.iter_mut() {
                if is_resource_list || QUANTITY_FIELDS.contains(&k.as_str()) {
                    *v = Value::String(parse_quantity_value(v)?);
                    continue;
                }
                fields.push(k.clone());
                let result = match time_field_layout(kind, key, k) {
                    Some(layout) => canonical_time(kind, v, layout, fields),
                    None => canonicalize_scalars(kind, v, Some(k), key, fields),
                };
                fields.pop();
                result?;
            }
            Ok(())
        }
        Value::Array(items) => {
            for item in items {
                canonicalize_scalars(kind, item, key, parent, fields)?;
            }
            Ok(())
        }
        _ => Ok(()),
    }
}

/// Whether `field`, inside the object held by `container` (`None` at the root), is a `metav1.Time` or a
/// `metav1.MicroTime` in the served kinds.
fn time_field_layout(kind: &str, container: Option<&str>, field: &str) -> Option<GoLayout> {
    let time = Some(GoLayout::Rfc3339);
    let micro = Some(GoLayout::Rfc3339Micro);
    match (container, field) {
        (Some("metadata"), "creationTimestamp" | "deletionTimestamp") => time,
        (Some("managedFields"), "time") => time,
        (Some("conditions"), "lastTransitionTime") => time,
        (Some("conditions"), "lastProbeTime")
            if matches!(kind, "Pod" | "PersistentVolumeClaim") =>
        {
            time
        }
        (Some("conditions"), "lastHeartbeatTime") if kind == "Node" => time,
        (Some("conditions"), "lastUpdateTime") if kind == "Deployment" => time,
        (Some("status"), "startTime") if kind == "Pod" => time,
        (Some("status"), "lastPhaseTransitionTime") if kind == "PersistentVolume" => time,
        (Some("running"), "startedAt") | (Some("terminated"), "startedAt" | "finishedAt") => time,
        (Some("taints"), "timeAdded") => time,
        // A PodDisruptionBudget's `status.disruptedPods` maps pod names to times.
        (Some("disruptedPods"), _) if kind == "PodDisruptionBudget" => time,
        (None, "firstTimestamp" | "lastTimestamp") if kind == "Event" => time,
        (None, "eventTime") if kind == "Event" => micro,
        (Some("series"), "lastObservedTime") if kind == "Event" => micro,
        _ => None,
    }
}

/// One timestamp as `metav1.Time`/`MicroTime.UnmarshalJSON` sees it: a string Go's `time.Parse` accepts is
/// rewritten in the served (UTC) form; a rejected one gives Go's `ParseError` text as is; any other JSON
/// value fails the method's inner `json.Unmarshal` into a string, an `UnmarshalTypeError` that the outer
/// decoder then fills in with the struct and field path.
fn canonical_time(
    kind: &str,
    value: &mut Value,
    layout: GoLayout,
    fields: &[String],
) -> Result<(), String> {
    let Value::String(text) = value else {
        let parents: Vec<&str> = fields[..fields.len().saturating_sub(1)]
            .iter()
            .map(String::as_str)
            .collect();
        return Err(format!(
            "json: cannot unmarshal {} into Go struct field {}.{} of type string",
            json_kind(value),
            go_struct_name(kind, &parents),
            fields.join(".")
        ));
    };
    let parsed = parse_go_time(text, layout)?;
    if let Some(served) = canonical_utc(&parsed, layout) {
        *text = served;
    }
    Ok(())
}

/// One quantity as JSON: a string (trimmed) or a bare number; anything else fails as upstream's parser does.
fn parse_quantity_value(value: &Value) -> Result<String, String> {
    let text = match value {
        Value::String(s) => s.trim().to_string(),
        Value::Number(n) => n.to_string(),
        Value::Null => return Ok("0".into()),
        other => serde_json::to_string(other).unwrap_or_default(),
    };
    Quantity::parse(&text)
        .map(|q| q.canonical())
        .map_err(|e| e.to_string())
}

/// Decodes into the k8s-openapi type, turning serde's error into Go's `json: cannot unmarshal ...` text.
fn typed_decode(kind: &str, body: &Value) -> Result<Object, String> {
    macro_rules! decode_as {
        ($($variant:ident),*) => {
            match kind {
                // The plain decoder is much cheaper; the path-tracking one runs only to word a failure.
                // In the browser only the path-tracking one exists (see `objects::from_json_value`).
                $( stringify!($variant) => match plain_decode(body) {
                    Some(typed) => Ok(Object::$variant(std::sync::Arc::new(typed))),
                    None => crate::engine::value_de::from_value_with_path(body)
                        .map(|typed| Object::$variant(std::sync::Arc::new(typed))),
                }, )*
                other => return Err(format!("no kind \"{other}\" is registered")),
            }
        };
    }
    let result = crate::engine::objects::with_each_kind!(decode_as);
    debug_assert_eq!(
        RESOURCES.len(),
        18,
        "every kind must be listed in typed_decode"
    );
    result.map_err(|err| {
        let segments: Vec<PathPart> = err
            .path
            .segments()
            .iter()
            .map(|s| match s {
                Segment::Map { key } => PathPart::Key(key.clone()),
                Segment::Seq { .. } | Segment::Enum { .. } => PathPart::Index,
            })
            .collect();
        type_error_message(kind, &segments, &err.error.to_string())
    })
}

/// The plain (not path-tracking) decode, `None` when it fails; always `None` in the browser, where
/// `typed_decode` then uses the path-tracking decoder for every body.
#[cfg(not(target_arch = "wasm32"))]
fn plain_decode<T: serde::de::DeserializeOwned>(body: &Value) -> Option<T> {
    crate::engine::objects::from_json_value(body).ok()
}

#[cfg(target_arch = "wasm32")]
fn plain_decode<T>(_body: &Value) -> Option<T> {
    None
}

enum PathPart {
    Key(String),
    Index,
}

/// Map fields whose keys are data, not struct fields.
fn is_map_field(kind: &str, name: &str) -> bool {
    matches!(
        name,
        "labels"
            | "annotations"
            | "nodeSelector"
            | "matchLabels"
            | "data"
            | "binaryData"
            | "stringData"
            | "requests"
            | "limits"
            | "overhead"
            | "capacity"
            | "allocatable"
            | "allocatedResources"
            | "hard"
            | "used"
    ) || (kind == "Service" && name == "selector")
}

/// Go's `UnmarshalTypeError` text: `json: cannot unmarshal <value> into Go struct field <Struct>.<path> of
/// type <type>`, where the path joins JSON field names without indices or map keys.
fn type_error_message(kind: &str, segments: &[PathPart], serde_message: &str) -> String {
    // Field names from the root, skipping indices and map keys.
    let mut fields: Vec<&str> = Vec::new();
    let mut previous_was_map = false;
    for part in segments {
        match part {
            PathPart::Index => {}
            PathPart::Key(k) => {
                if previous_was_map {
                    previous_was_map = false;
                    continue;
                }
                fields.push(k);
                previous_was_map = is_map_field(kind, k);
            }
        }
    }
    let (unexpected, expected) = split_serde_message(serde_message);
    let go_type = go_type_name(kind, &fields, expected);
    let integer_target = go_type.starts_with("int") || go_type.starts_with("uint");
    let value = go_value_text(unexpected, integer_target);
    if fields.is_empty() {
        return format!("json: cannot unmarshal {value} into Go value of type v1.{kind}");
    }
    let struct_name = go_struct_name(kind, &fields[..fields.len() - 1]);
    format!(
        "json: cannot unmarshal {value} into Go struct field {struct_name}.{} of type {go_type}",
        fields.join(".")
    )
}

/// Splits `invalid type: string "x", expected i32` into (`string "x"`, `i32`).
fn split_serde_message(message: &str) -> (&str, &str) {
    let body = message
        .strip_prefix("invalid type: ")
        .or_else(|| message.strip_prefix("invalid value: "))
        .unwrap_or(message);
    match body.rsplit_once(", expected ") {
        Some((u, e)) => (u, e),
        None => (body, ""),
    }
}

/// Go's description of the offending JSON value.
fn go_value_text(unexpected: &str, integer_target: bool) -> String {
    let literal = || unexpected.split('`').nth(1).unwrap_or("").to_string();
    if unexpected.starts_with("string") {
        "string".into()
    } else if unexpected.starts_with("integer") || unexpected.starts_with("floating point") {
        if integer_target {
            format!("number {}", literal())
        } else {
            "number".into()
        }
    } else if unexpected.starts_with("boolean") {
        "bool".into()
    } else if unexpected.starts_with("sequence") {
        "array".into()
    } else if unexpected.starts_with("map") {
        "object".into()
    } else {
        unexpected.to_string()
    }
}

/// Go's `reflect.Type.String()` of the target field.
fn go_type_name(kind: &str, fields: &[&str], expected: &str) -> String {
    let last = fields.last().copied().unwrap_or("");
    match expected {
        "i32" | "a 32-bit integer" | "IntOrString" => "int32".into(),
        "i64" => "int64".into(),
        "f64" => "float64".into(),
        "a string" => "string".into(),
        "a boolean" => "bool".into(),
        "a sequence" => match element_struct(kind, fields) {
            Some(name) => format!("[]v1.{name}"),
            None => "[]string".into(),
        },
        "a map" => match last {
            "requests" | "limits" | "overhead" | "capacity" | "allocatable" | "hard" | "used" => {
                "v1.ResourceList".into()
            }
            "binaryData" => "map[string][]uint8".into(),
            "data" if kind == "Secret" => "map[string][]uint8".into(),
            _ => "map[string]string".into(),
        },
        "Time" => "v1.Time".into(),
        "Quantity" => "resource.Quantity".into(),
        other if !other.is_empty() && other.chars().all(|c| c.is_ascii_alphanumeric()) => {
            format!("v1.{other}")
        }
        _ => match element_struct(kind, fields) {
            Some(name) => format!("v1.{name}"),
            None => "string".into(),
        },
    }
}

/// The Go struct type held by the field at the end of `fields` (or, for lists, by its elements).
fn element_struct(kind: &str, fields: &[&str]) -> Option<String> {
    let Some((last, parents)) = fields.split_last() else {
        return Some(kind.to_string());
    };
    let parent = parents.last().copied().unwrap_or("");
    let in_pod_spec = parent == "spec" && (parents.len() <= 1 || parents.contains(&"template"));
    let name = match *last {
        "metadata" => "ObjectMeta",
        "spec" if parents.contains(&"template") => "PodSpec",
        "spec" => return Some(format!("{kind}Spec")),
        "status" => return Some(format!("{kind}Status")),
        "template" => "PodTemplateSpec",
        "containers" | "initContainers" => "Container",
        "ephemeralContainers" => "EphemeralContainer",
        "ports" if kind == "Service" => "ServicePort",
        "ports" => "ContainerPort",
        "env" => "EnvVar",
        "envFrom" => "EnvFromSource",
        "valueFrom" => "EnvVarSource",
        "fieldRef" => "ObjectFieldSelector",
        "resourceFieldRef" => "ResourceFieldSelector",
        "configMapKeyRef" => "ConfigMapKeySelector",
        "secretKeyRef" => "SecretKeySelector",
        "configMapRef" => "ConfigMapEnvSource",
        "secretRef" => "SecretEnvSource",
        "resources" if kind == "PersistentVolumeClaim" => "VolumeResourceRequirements",
        "resources" => "ResourceRequirements",
        "resizePolicy" => "ContainerResizePolicy",
        "volumeMounts" => "VolumeMount",
        "volumeDevices" => "VolumeDevice",
        "volumes" => "Volume",
        "livenessProbe" | "readinessProbe" | "startupProbe" => "Probe",
        "httpGet" => "HTTPGetAction",
        "httpHeaders" => "HTTPHeader",
        "tcpSocket" => "TCPSocketAction",
        "exec" => "ExecAction",
        "grpc" => "GRPCAction",
        "lifecycle" => "Lifecycle",
        "postStart" | "preStop" => "LifecycleHandler",
        "securityContext" if in_pod_spec => "PodSecurityContext",
        "securityContext" => "SecurityContext",
        "capabilities" => "Capabilities",
        "seLinuxOptions" => "SELinuxOptions",
        "seccompProfile" => "SeccompProfile",
        "appArmorProfile" => "AppArmorProfile",
        "windowsOptions" => "WindowsSecurityContextOptions",
        "sysctls" => "Sysctl",
        "tolerations" => "Toleration",
        "taints" => "Taint",
        "affinity" => "Affinity",
        "nodeAffinity" => "NodeAffinity",
        "podAffinity" => "PodAffinity",
        "podAntiAffinity" => "PodAntiAffinity",
        "requiredDuringSchedulingIgnoredDuringExecution" if parent == "nodeAffinity" => {
            "NodeSelector"
        }
        "requiredDuringSchedulingIgnoredDuringExecution" => "PodAffinityTerm",
        "preferredDuringSchedulingIgnoredDuringExecution" if parent == "nodeAffinity" => {
            "PreferredSchedulingTerm"
        }
        "preferredDuringSchedulingIgnoredDuringExecution" => "WeightedPodAffinityTerm",
        "podAffinityTerm" => "PodAffinityTerm",
        "nodeSelectorTerms" | "preference" => "NodeSelectorTerm",
        "matchExpressions" if matches!(parent, "nodeSelectorTerms" | "preference") => {
            "NodeSelectorRequirement"
        }
        "matchFields" => "NodeSelectorRequirement",
        "matchExpressions" => "LabelSelectorRequirement",
        "labelSelector" | "namespaceSelector" | "selector" => "LabelSelector",
        "topologySpreadConstraints" => "TopologySpreadConstraint",
        "schedulingGates" => "PodSchedulingGate",
        "readinessGates" => "PodReadinessGate",
        "hostAliases" => "HostAlias",
        "dnsConfig" => "PodDNSConfig",
        "options" => "PodDNSConfigOption",
        "imagePullSecrets" => "LocalObjectReference",
        "ownerReferences" => "OwnerReference",
        "managedFields" => "ManagedFieldsEntry",
        "emptyDir" => "EmptyDirVolumeSource",
        "hostPath" => "HostPathVolumeSource",
        "configMap" if parent == "sources" => "ConfigMapProjection",
        "configMap" => "ConfigMapVolumeSource",
        "secret" if parent == "sources" => "SecretProjection",
        "secret" => "SecretVolumeSource",
        "downwardAPI" if parent == "sources" => "DownwardAPIProjection",
        "downwardAPI" => "DownwardAPIVolumeSource",
        "items" if parent == "downwardAPI" => "DownwardAPIVolumeFile",
        "items" => "KeyToPath",
        "projected" => "ProjectedVolumeSource",
        "sources" => "VolumeProjection",
        "serviceAccountToken" => "ServiceAccountTokenProjection",
        "persistentVolumeClaim" => "PersistentVolumeClaimVolumeSource",
        "image" if parent == "volumes" => "ImageVolumeSource",
        "conditions" => return Some(format!("{kind}Condition")),
        "containerStatuses" | "initContainerStatuses" | "ephemeralContainerStatuses" => {
            "ContainerStatus"
        }
        "state" | "lastState" => "ContainerState",
        "running" => "ContainerStateRunning",
        "terminated" => "ContainerStateTerminated",
        "waiting" => "ContainerStateWaiting",
        "addresses" if kind == "Node" => "NodeAddress",
        "rules" => "PolicyRule",
        "subjects" => "Subject",
        "roleRef" => "RoleRef",
        "aggregationRule" => "AggregationRule",
        "clusterRoleSelectors" => "LabelSelector",
        "secrets" => "ObjectReference",
        "involvedObject" | "related" => "ObjectReference",
        "source" => "EventSource",
        "series" => "EventSeries",
        _ => return None,
    };
    Some(name.to_string())
}

/// The Go struct that declares the field after `parents` (the innermost struct on the path).
fn go_struct_name(kind: &str, parents: &[&str]) -> String {
    if parents.is_empty() {
        return kind.to_string();
    }
    element_struct(kind, parents).unwrap_or_else(|| {
        let last = parents.last().copied().unwrap_or("");
        let mut chars = last.chars();
        match chars.next() {
            Some(first) => first.to_uppercase().chain(chars).collect(),
            None => kind.to_string(),
        }
    })
}

/// Slice fields Go serializes without `omitempty` (required in k8s-openapi): an empty one stays.
const REQUIRED_LISTS: &[&str] = &["containers", "verbs", "nodeSelectorTerms", "rules"];

/// Go drops empty `omitempty` slices and maps when it stores and serves an object (`tolerations: []` and
/// `labels: {}` disappear); k8s-openapi would keep them. Rewrites the typed object the same way, keeping the
/// original when the result does not decode.
fn omit_empty(kind: &str, object: Object, mut encoded: Value) -> Object {
    fn strip(kind: &str, value: &mut Value) -> bool {
        let mut changed = false;
        match value {
            Value::Object(map) => {
                let before = map.len();
                map.retain(|key, v| match v {
                    Value::Array(items) => {
                        !items.is_empty() || REQUIRED_LISTS.contains(&key.as_str())
                    }
                    Value::Object(m) => !m.is_empty() || !is_map_field(kind, key),
                    _ => true,
                });
                changed |= map.len() != before;
                for v in map.values_mut() {
                    changed |= strip(kind, v);
                }
            }
            Value::Array(items) => {
                for item in items {
                    changed |= strip(kind, item);
                }
            }
            _ => {}
        }
        changed
    }
    if !strip(kind, &mut encoded) {
        return object;
    }
    Object::from_json(kind, encoded).unwrap_or(object)
}

/// Walks the input beside its typed re-encoding; every input key the typed object dropped is unknown.
fn collect_unknown_fields(input: &Value, typed: &Value, path: &mut String, out: &mut Vec<String>) {
    match (input, typed) {
        (Value::Object(given), Value::Object(kept)) => {
            for (key, value) in given {
                if out.len() >= MAX_STRICT_ERRORS {
                    return;
                }
                let len = path.len();
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(key);
                match kept.get(key) {
                    None => {
                        if !out.contains(path) {
                            out.push(path.clone());
                        }
                    }
                    Some(kept_value) => collect_unknown_fields(value, kept_value, path, out),
                }
                path.truncate(len);
            }
        }
        (Value::Array(given), Value::Array(kept)) => {
            for (i, (value, kept_value)) in given.iter().zip(kept).enumerate() {
                let len = path.len();
                path.push_str(&format!("[{i}]"));
                collect_unknown_fields(value, kept_value, path, out);
                path.truncate(len);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::objects::resource_by_name;
    use serde_json::json;

    fn pods() -> &'static ResourceInfo {
        resource_by_name("pods").expect("pods are registered")
    }

    fn message(result: Result<(Object, Vec<String>), Status>) -> String {
        match result {
            Ok(_) => "accepted".into(),
            Err(status) => {
                assert_eq!(status.code, Some(400));
                assert_eq!(status.reason.as_deref(), Some("BadRequest"));
                status.message.unwrap_or_default()
            }
        }
    }

    fn pod_with(spec: Value) -> Value {
        json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}, "spec": spec})
    }

    #[test]
    fn should_reject_the_seed_constrained_pod_with_the_exact_upstream_message() {
        let yaml = r#"
apiVersion: v1
kind: Pod
metadata:
  name: constrained-pod
spec:
  containers:
  - name: app
    image: nginx
    resources:
      requests:
        cpu: "1"
        memory: "2Gi"
  nodeAffinity:
    requiredDuringSchedulingIgnoredDuringExecution:
      nodeSelectorTerms:
      - matchExpressions:
        - key: zone
          operator: In
          values: ["us-east-1a"]
"#;
        let body: Value = serde_yaml::from_str(yaml).expect("valid yaml");
        assert_eq!(
            message(decode(pods(), body, FieldValidation::Strict)),
            "Pod in version \"v1\" cannot be handled as a Pod: strict decoding error: unknown field \"spec.nodeAffinity\""
        );
    }

    #[test]
    fn should_report_several_unknown_fields_in_document_order_with_list_indices() {
        let body = json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p", "bogus": 1},
            "spec": {"containers": [{"name": "a", "image": "nginx", "foo": true}], "zzz": {}}});
        assert_eq!(
            message(decode(pods(), body, FieldValidation::Strict)),
            "Pod in version \"v1\" cannot be handled as a Pod: strict decoding error: unknown field \"metadata.bogus\", unknown field \"spec.containers[0].foo\", unknown field \"spec.zzz\""
        );
    }

    #[test]
    fn should_warn_and_drop_unknown_fields_in_warn_mode() {
        let body =
            pod_with(json!({"containers": [{"name": "a", "image": "nginx"}], "nodeAffinity": {}}));
        let (object, warnings) = decode(pods(), body, FieldValidation::Warn).expect("accepted");
        assert_eq!(
            warnings,
            vec!["unknown field \"spec.nodeAffinity\"".to_string()]
        );
        assert!(object.to_json()["spec"].get("nodeAffinity").is_none());
    }

    #[test]
    fn should_drop_unknown_fields_silently_in_ignore_mode() {
        let body =
            pod_with(json!({"containers": [{"name": "a", "image": "nginx"}], "nodeAffinity": {}}));
        let (_, warnings) = decode(pods(), body, FieldValidation::Ignore).expect("accepted");
        assert!(warnings.is_empty());
    }

    #[test]
    fn should_reject_invalid_quantities_anywhere_with_the_upstream_message() {
        let bad = "Pod in version \"v1\" cannot be handled as a Pod: quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";
        let cases = [
            json!({"containers": [{"name": "a", "image": "x", "resources": {"requests": {"cpu": "lots"}}}]}),
            json!({"containers": [{"name": "a", "image": "x", "resources": {"limits": {"memory": "1 Gi"}}}]}),
            json!({"initContainers": [{"name": "i", "image": "x", "resources": {"requests": {"cpu": true}}}], "containers": []}),
            json!({"containers": [], "overhead": {"cpu": "abc"}}),
            json!({"containers": [], "volumes": [{"name": "v", "emptyDir": {"sizeLimit": "big"}}]}),
            json!({"containers": [], "resources": {"limits": {"cpu": "x1"}}}),
        ];
        for spec in cases {
            assert_eq!(
                message(decode(
                    pods(),
                    pod_with(spec.clone()),
                    FieldValidation::Strict
                )),
                bad,
                "{spec}"
            );
        }
        let node = json!({"apiVersion": "v1", "kind": "Node", "metadata": {"name": "n"},
            "status": {"capacity": {"cpu": "four"}}});
        assert_eq!(
            message(decode(resource_by_name("nodes").expect("nodes"), node, FieldValidation::Strict)),
            "Node in version \"v1\" cannot be handled as a Node: quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"
        );
    }

    #[test]
    fn should_canonicalize_quantities_as_the_server_returns_them() {
        let spec = json!({"containers": [{"name": "a", "image": "x",
            "resources": {"requests": {"cpu": "0.1", "memory": 1073741824}, "limits": {"cpu": 1.5, "memory": "2048Mi"}}}]});
        let (object, _) =
            decode(pods(), pod_with(spec), FieldValidation::Strict).expect("accepted");
        let resources = &object.to_json()["spec"]["containers"][0]["resources"];
        assert_eq!(resources["requests"]["cpu"], "100m");
        assert_eq!(resources["requests"]["memory"], "1073741824");
        assert_eq!(resources["limits"]["cpu"], "1500m");
        assert_eq!(resources["limits"]["memory"], "2Gi");
    }

    #[test]
    fn should_report_type_errors_like_go_encoding_json() {
        let cases = [
            (
                json!({"containers": [{"name": "a", "image": "x", "ports": [{"containerPort": "80"}]}]}),
                "json: cannot unmarshal string into Go struct field ContainerPort.spec.containers.ports.containerPort of type int32",
            ),
            (
                json!({"containers": [{"name": 5, "image": "x"}]}),
                "json: cannot unmarshal number into Go struct field Container.spec.containers.name of type string",
            ),
            (
                json!({"containers": {"name": "a"}}),
                "json: cannot unmarshal object into Go struct field PodSpec.spec.containers of type []v1.Container",
            ),
            (
                json!({"containers": [], "terminationGracePeriodSeconds": 1.5}),
                "json: cannot unmarshal number 1.5 into Go struct field PodSpec.spec.terminationGracePeriodSeconds of type int64",
            ),
            (
                json!({"containers": [], "hostNetwork": "yes"}),
                "json: cannot unmarshal string into Go struct field PodSpec.spec.hostNetwork of type bool",
            ),
        ];
        for (spec, want) in cases {
            assert_eq!(
                message(decode(pods(), pod_with(spec), FieldValidation::Strict)),
                format!("Pod in version \"v1\" cannot be handled as a Pod: {want}")
            );
        }
        let labels = json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p", "labels": {"a": 1}}});
        assert_eq!(
            message(decode(pods(), labels, FieldValidation::Strict)),
            "Pod in version \"v1\" cannot be handled as a Pod: json: cannot unmarshal number into Go struct field ObjectMeta.metadata.labels of type string"
        );
    }

    #[test]
    fn should_default_missing_type_meta_and_reject_mismatched_kinds() {
        let body = json!({"metadata": {"name": "p"}, "spec": {"containers": []}});
        assert!(decode(pods(), body, FieldValidation::Strict).is_ok());
        let node = json!({"apiVersion": "v1", "kind": "Node", "metadata": {"name": "n"}});
        assert_eq!(
            message(decode(pods(), node, FieldValidation::Strict)),
            "Node in version \"v1\" cannot be handled as a Pod: converting (v1.Node) to (core.Pod): unknown conversion"
        );
        let unknown = json!({"apiVersion": "v2", "kind": "Pod"});
        assert_eq!(
            message(decode(pods(), unknown, FieldValidation::Strict)),
            "Pod in version \"v2\" cannot be handled as a Pod: no kind \"Pod\" is registered for version \"v2\" in scheme \"pkg/api/legacyscheme/scheme.go:30\""
        );
        assert_eq!(
            message(decode(pods(), json!([1, 2]), FieldValidation::Strict)),
            "the object provided is unrecognized (must be of type Pod): couldn't get version/kind; json parse error: json: cannot unmarshal array into Go value of type struct { APIVersion string \"json:\\\"apiVersion,omitempty\\\"\"; Kind string \"json:\\\"kind,omitempty\\\"\" } ([1,2])"
        );
    }

    #[test]
    fn should_refuse_absurdly_deep_bodies_without_overflowing() {
        let mut value = json!(1);
        for _ in 0..5000 {
            value = Value::Array(vec![value]);
        }
        let body = json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}});
        let mut body = body;
        if let Value::Object(map) = &mut body {
            map.insert("deep".into(), value);
        }
        let result = decode(pods(), body, FieldValidation::Strict);
        assert!(result.is_err());
    }

    #[test]
    fn should_drop_empty_lists_and_maps_as_go_does() {
        let body = pod_with(
            json!({"containers": [{"name": "a", "image": "x", "ports": [], "resources": {"limits": {}}}],
            "tolerations": [], "nodeSelector": {}, "securityContext": {}}),
        );
        let (object, _) = decode(pods(), body, FieldValidation::Strict).expect("accepted");
        let spec = &object.to_json()["spec"];
        assert_eq!(
            spec,
            &json!({"containers": [{"image": "x", "name": "a", "resources": {}}], "securityContext": {}})
        );
    }

    #[test]
    fn should_give_null_map_elements_their_zero_value() {
        let body = json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p", "labels": {"a": null}},
            "spec": {"containers": [{"name": "a", "image": "x", "resources": {"requests": {"cpu": null}}}]}});
        let (object, _) = decode(pods(), body, FieldValidation::Strict).expect("accepted");
        let value = object.to_json();
        assert_eq!(value["metadata"]["labels"], json!({"a": ""}));
        assert_eq!(
            value["spec"]["containers"][0]["resources"]["requests"],
            json!({"cpu": "0"})
        );
    }

    #[test]
    fn should_treat_null_fields_as_absent() {
        let body = pod_with(
            json!({"containers": [{"name": "a", "image": "x", "ports": null}], "nodeName": null}),
        );
        assert!(decode(pods(), body, FieldValidation::Strict).is_ok());
    }

    #[test]
    fn should_reject_timestamps_go_cannot_parse_with_the_time_package_text() {
        // (kind's resource, body, the message after the prefix); each string is Go's ParseError.Error()
        // (see go_time's tests for which step of time.Parse produces it).
        let pod_meta = |time: Value| {
            json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p", "creationTimestamp": time},
                "spec": {"containers": [{"name": "c", "image": "nginx"}]}})
        };
        let cases = [
            (
                "pods",
                pod_meta(json!("garbage")),
                r#"parsing time "garbage" as "2006-01-02T15:04:05Z07:00": cannot parse "garbage" as "2006""#,
            ),
            (
                "pods",
                pod_meta(json!("2024-13-01T00:00:00Z")),
                r#"parsing time "2024-13-01T00:00:00Z": month out of range"#,
            ),
            (
                "pods",
                pod_meta(json!("2024-01-01")),
                r#"parsing time "2024-01-01" as "2006-01-02T15:04:05Z07:00": cannot parse "" as "T""#,
            ),
            (
                "pods",
                pod_meta(json!("")),
                r#"parsing time "" as "2006-01-02T15:04:05Z07:00": cannot parse "" as "2006""#,
            ),
            // a non-string fails the inner json.Unmarshal; the outer decoder adds struct and field path
            (
                "pods",
                pod_meta(json!(5)),
                "json: cannot unmarshal number into Go struct field ObjectMeta.metadata.creationTimestamp of type string",
            ),
            (
                "pods",
                pod_meta(json!({"a": 1})),
                "json: cannot unmarshal object into Go struct field ObjectMeta.metadata.creationTimestamp of type string",
            ),
            (
                "pods",
                json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}, "spec": {"containers": []},
                    "status": {"conditions": [{"type": "Ready", "status": "True", "lastTransitionTime": "2024-02-30T00:00:00Z"}]}}),
                r#"parsing time "2024-02-30T00:00:00Z": day out of range"#,
            ),
            (
                "pods",
                json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}, "spec": {"containers": []},
                    "status": {"containerStatuses": [{"name": "c", "state": {"running": {"startedAt": true}}}]}}),
                "json: cannot unmarshal bool into Go struct field ContainerStateRunning.status.containerStatuses.state.running.startedAt of type string",
            ),
            (
                "pods",
                json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p", "managedFields": [{"manager": "m", "time": "2024-01-01T00:00:00"}]}}),
                r#"parsing time "2024-01-01T00:00:00" as "2006-01-02T15:04:05Z07:00": cannot parse "" as "Z07:00""#,
            ),
            (
                "nodes",
                json!({"apiVersion": "v1", "kind": "Node", "metadata": {"name": "n"},
                    "spec": {"taints": [{"key": "k", "effect": "NoSchedule", "timeAdded": 1}]}}),
                "json: cannot unmarshal number into Go struct field Taint.spec.taints.timeAdded of type string",
            ),
            // MicroTime wants exactly six fraction digits
            (
                "events",
                json!({"apiVersion": "v1", "kind": "Event", "metadata": {"name": "e"}, "eventTime": "2024-01-01T00:00:00Z"}),
                r#"parsing time "2024-01-01T00:00:00Z" as "2006-01-02T15:04:05.000000Z07:00": cannot parse "Z" as ".000000""#,
            ),
            (
                "events",
                json!({"apiVersion": "v1", "kind": "Event", "metadata": {"name": "e"}, "lastTimestamp": "2024-01-01T00:00:00Zjunk"}),
                r#"parsing time "2024-01-01T00:00:00Zjunk": extra text: "junk""#,
            ),
            (
                "poddisruptionbudgets",
                json!({"apiVersion": "policy/v1", "kind": "PodDisruptionBudget", "metadata": {"name": "b"},
                       "status": {"disruptedPods": {"web-1": "later"}}}),
                r#"parsing time "later" as "2006-01-02T15:04:05Z07:00": cannot parse "later" as "2006""#,
            ),
        ];
        for (resource, body, want) in cases {
            let info = resource_by_name(resource).expect("registered");
            let message = message(decode(info, body.clone(), FieldValidation::Strict));
            let prefix = format!(
                "{kind} in version \"{version}\" cannot be handled as a {kind}: ",
                kind = info.kind,
                version = info.version
            );
            assert_eq!(message, format!("{prefix}{want}"), "{body}");
        }
    }

    #[test]
    fn should_let_a_timestamp_error_win_over_type_mismatches_and_unknown_fields_but_follow_document_order(
    ) {
        // Go saves a type mismatch and goes on; an UnmarshalJSON error aborts and replaces it.
        let body = json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p", "bogus": 1},
            "spec": {"containers": [], "hostNetwork": "yes"},
            "status": {"startTime": "soon"}});
        assert_eq!(
            message(decode(pods(), body, FieldValidation::Strict)),
            r#"Pod in version "v1" cannot be handled as a Pod: parsing time "soon" as "2006-01-02T15:04:05Z07:00": cannot parse "soon" as "2006""#
        );
        // Quantities and timestamps both abort: whichever comes first in the document.
        let quantity_first = json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"},
            "spec": {"containers": [{"name": "c", "image": "x", "resources": {"limits": {"cpu": "lots"}}}]},
            "status": {"startTime": "soon"}});
        assert!(message(decode(pods(), quantity_first, FieldValidation::Strict))
            .ends_with("quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"));
        let time_first = json!({"apiVersion": "v1", "kind": "Pod",
            "metadata": {"name": "p", "creationTimestamp": "soon"},
            "spec": {"containers": [{"name": "c", "image": "x", "resources": {"limits": {"cpu": "lots"}}}]}});
        assert!(message(decode(pods(), time_first, FieldValidation::Strict)).ends_with(
            r#"parsing time "soon" as "2006-01-02T15:04:05Z07:00": cannot parse "soon" as "2006""#
        ));
    }

    #[test]
    fn should_accept_timestamps_go_accepts_and_serve_them_in_utc() {
        // A one-digit hour and a fraction are Go leniencies; the offset is folded into UTC.
        let body = json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"},
            "spec": {"containers": [{"name": "c", "image": "x"}]},
            "status": {"startTime": "2024-01-01T01:30:00+02:00",
                "conditions": [{"type": "Ready", "status": "True", "lastTransitionTime": "2024-01-01T1:00:00.75Z"}]}});
        let (object, _) = decode(pods(), body, FieldValidation::Strict).expect("accepted");
        let status = &object.to_json()["status"];
        assert_eq!(status["startTime"], "2023-12-31T23:30:00Z");
        assert_eq!(
            status["conditions"][0]["lastTransitionTime"],
            "2024-01-01T01:00:00Z"
        );
    }

    #[test]
    fn should_answer_a_bad_timestamp_manifest_with_400_and_store_nothing() {
        use crate::engine::api::{ApiRequest, ApiServer, Credentials, RequestBody, Verb};
        use crate::engine::trace::Trace;
        let yaml = r#"
apiVersion: v1
kind: Pod
metadata:
  name: t
  creationTimestamp: "garbage"
spec:
  containers:
  - name: c
    image: nginx
"#;
        let body: Value = serde_yaml::from_str(yaml).expect("valid yaml");
        let mut server = ApiServer::new(1);
        let revision = server.store.revision();
        let request = ApiRequest::new(Credentials::ClusterAdmin, Verb::Create, "pods")
            .namespace("default")
            .body(RequestBody::Json(body));
        let response = server.handle(1_000, request, &mut Trace::default());
        assert_eq!(response.code, 400);
        let status = response.status().expect("a Status");
        assert_eq!(status.reason.as_deref(), Some("BadRequest"));
        assert_eq!(
            status.message.as_deref(),
            Some(
                r#"Pod in version "v1" cannot be handled as a Pod: parsing time "garbage" as "2006-01-02T15:04:05Z07:00": cannot parse "garbage" as "2006""#
            )
        );
        assert_eq!(server.store.revision(), revision);
        assert!(server
            .store
            .get(&crate::engine::store::key("pods", Some("default"), "t"))
            .is_none());
    }
}
