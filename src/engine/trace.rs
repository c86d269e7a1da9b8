//! The trace: every step any component takes, in order, with the virtual time it happened at.
//!
//! This is what the browser animates and the CLI prints. Entries carry a one-line summary for people and
//! a `data` payload (before/after objects, scores, Status objects) for inspectors. Nothing here has a
//! counterpart upstream; it plays the role of the components' logs and audit log together.

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Which component acted. Serialized as the name a Kubernetes user knows (`kubelet/<node>` for kubelets).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Component {
    Kubectl,
    ApiServer,
    Etcd,
    Scheduler,
    /// The kubelet of the named node.
    Kubelet(String),
    /// kube-controller-manager (its deployment and replicaset controllers, its garbage collector).
    ControllerManager,
}

impl Component {
    /// The display name: `kubectl`, `kube-apiserver`, `etcd`, `kube-scheduler`, `kubelet/<node>`.
    pub fn name(&self) -> String {
        match self {
            Component::Kubectl => "kubectl".into(),
            Component::ApiServer => "kube-apiserver".into(),
            Component::Etcd => "etcd".into(),
            Component::Scheduler => "kube-scheduler".into(),
            Component::ControllerManager => "kube-controller-manager".into(),
            Component::Kubelet(node) => format!("kubelet/{node}"),
        }
    }

    /// Parses a display name back; `None` for an unknown name.
    pub fn from_name(name: &str) -> Option<Component> {
        Some(match name {
            "kubectl" => Component::Kubectl,
            "kube-apiserver" => Component::ApiServer,
            "etcd" => Component::Etcd,
            "kube-scheduler" => Component::Scheduler,
            "kube-controller-manager" => Component::ControllerManager,
            other => Component::Kubelet(other.strip_prefix("kubelet/")?.to_string()),
        })
    }
}

impl Serialize for Component {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.name())
    }
}

impl<'de> Deserialize<'de> for Component {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let name = String::deserialize(deserializer)?;
        Component::from_name(&name)
            .ok_or_else(|| serde::de::Error::custom(format!("unknown component {name:?}")))
    }
}

/// The stage of the story a trace entry belongs to; the UI maps each to a box of the flow diagram.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Stage {
    // kubectl
    /// kubectl reads the manifest and sends the request (GET then POST for `apply`).
    Apply,
    /// kubectl prints its result line (`pod/demo-pod created`, or the error).
    Result,
    // kube-apiserver request pipeline, in upstream order
    Authentication,
    Authorization,
    /// Deserialization of the body, strict field validation, and defaulting.
    Decode,
    MutatingAdmission,
    Validation,
    ValidatingAdmission,
    /// The response the API server returns (status code, Status object on failure).
    Response,
    // etcd
    /// A key written, with its new revision.
    Write,
    /// A key deleted.
    Delete,
    /// A watch event delivered to a component.
    WatchEvent,
    // kube-scheduler
    /// The pod entered a scheduling queue (activeQ, backoffQ, unschedulable pods).
    Queue,
    Filter,
    Score,
    /// The binding subresource call and its outcome.
    Bind,
    /// No node fits, but DefaultPreemption (PostFilter) chose a node where evicting lower-priority
    /// pods makes room: the victims and the nominated node.
    Preempt,
    /// No node fits: FailedScheduling.
    Unschedulable,
    // kubelet
    /// The kubelet saw a pod bound to its node and admitted it.
    Admit,
    /// Pod sandbox (network namespace, pause container) created.
    Sandbox,
    PullImage,
    CreateContainer,
    StartContainer,
    /// A status write through the `status` subresource.
    StatusUpdate,
    /// A retry wait (image pull back-off).
    BackOff,
    /// Containers of a deleted pod stopped (Killing), before the kubelet's final status and DELETE.
    KillContainer,
    // kube-controller-manager
    /// A controller's sync: what it found and what it does about it (create a ReplicaSet, create or
    /// delete pods, scale, delete dependents).
    Sync,
    // events
    /// A core/v1 Event recorded by a component.
    Event,
    /// A user or scenario action on the cluster (cordon, taint, delete).
    ClusterAction,
}

/// Whether the step went through, failed, or just reports.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    Ok,
    Failed,
    Info,
}

/// One recorded step.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TraceEntry {
    /// Position in the trace, from 0.
    pub seq: u64,
    /// Virtual time in milliseconds since the simulation started.
    pub time_ms: u64,
    pub component: Component,
    pub stage: Stage,
    /// The object acted on, as `<resource>/<namespace>/<name>` (or `<resource>/<name>` when cluster-scoped).
    pub object: String,
    pub summary: String,
    pub outcome: Outcome,
    /// Details for inspectors and animation (before/after, scores, Status). `null` when there are none.
    #[serde(default, skip_serializing_if = "TraceData::is_null")]
    pub data: TraceData,
}

/// A trace entry's details, kept as compact JSON text.
///
/// A run of 10,000 pods records over half a million entries; held as `serde_json::Value` trees their
/// maps and strings cost several times the text, so the details are stored serialized and parsed again
/// only when an inspector or a report asks for them. Serializing writes the text through unchanged, so
/// reports show the same JSON, with the same key order, as the value that was recorded.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TraceData(Option<Box<str>>);

impl TraceData {
    /// Stores a value; `null` is stored as nothing.
    pub fn new(value: &Value) -> TraceData {
        if value.is_null() {
            return TraceData(None);
        }
        // Serializing a `Value` cannot fail: its map keys are strings.
        TraceData(serde_json::to_string(value).ok().map(exact_box))
    }

    /// Stores the JSON text of any serializable value, written directly instead of through a `Value`
    /// tree. The text is what `TraceData::new` stores for the same content: hot paths pass borrowed
    /// structs whose fields serialize in the order their `json!` objects listed the keys.
    pub fn from_serialize<T: Serialize + ?Sized>(value: &T) -> TraceData {
        // The browser writes the same text with a smaller writer (see `json_text`).
        #[cfg(target_arch = "wasm32")]
        let text = crate::engine::json_text::to_string(value);
        #[cfg(not(target_arch = "wasm32"))]
        let text = serde_json::to_string(value);
        match text {
            Ok(text) if text != "null" => TraceData(Some(exact_box(text))),
            _ => TraceData(None),
        }
    }

    /// Stores compact JSON text written by hand (see `push_json_str`, `push_json_int`); it must be the
    /// text `serde_json` writes for the same content.
    pub fn from_json_text(text: String) -> TraceData {
        if text == "null" {
            TraceData(None)
        } else {
            TraceData(Some(exact_box(text)))
        }
    }

    pub fn is_null(&self) -> bool {
        self.0.is_none()
    }

    /// The details as a JSON value (`null` when there are none).
    pub fn value(&self) -> Value {
        self.0
            .as_deref()
            .and_then(|text| serde_json::from_str(text).ok())
            .unwrap_or(Value::Null)
    }

    /// The compact JSON text (`null` when there are none).
    pub fn as_json(&self) -> &str {
        self.0.as_deref().unwrap_or("null")
    }
}

impl From<Value> for TraceData {
    fn from(value: Value) -> TraceData {
        TraceData::new(&value)
    }
}

impl Serialize for TraceData {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match serde_json::value::RawValue::from_string(self.as_json().to_string()) {
            Ok(raw) => raw.serialize(serializer),
            Err(e) => Err(serde::ser::Error::custom(e)),
        }
    }
}

impl<'de> Deserialize<'de> for TraceData {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Ok(TraceData::new(&Value::deserialize(deserializer)?))
    }
}

/// The text in a block of its own size. A writer's buffer grows by doubling, and shrinking it in place
/// keeps the allocator's block (mimalloc keeps a block shrunk by up to half), so text kept for the
/// whole run is copied out instead; the trace of a big run is most of its memory.
fn exact_box(text: String) -> Box<str> {
    if text.capacity() == text.len() {
        text.into_boxed_str()
    } else {
        Box::from(text.as_str())
    }
}

/// `exact_box` for the `String` fields of an entry.
fn exact_string(text: String) -> String {
    if text.capacity() == text.len() {
        text
    } else {
        String::from(text.as_str())
    }
}

/// Appends a JSON string literal, escaped exactly as `serde_json` escapes it.
pub fn push_json_str(out: &mut String, value: &str) {
    if value.bytes().all(|b| b >= 0x20 && b != b'"' && b != b'\\') {
        out.reserve(value.len() + 2);
        out.push('"');
        out.push_str(value);
        out.push('"');
    } else if let Ok(text) = serde_json::to_string(value) {
        out.push_str(&text);
    }
}

/// Appends a signed integer as JSON writes it.
pub fn push_json_int(out: &mut String, value: i64) {
    if value < 0 {
        out.push('-');
    }
    push_json_uint(out, value.unsigned_abs());
}

/// Appends an unsigned integer as JSON writes it.
pub fn push_json_uint(out: &mut String, value: u64) {
    let mut digits = [0u8; 20];
    let mut rest = value;
    let mut start = digits.len();
    for slot in digits.iter_mut().rev() {
        *slot = b'0' + (rest % 10) as u8;
        start -= 1;
        rest /= 10;
        if rest == 0 {
            break;
        }
    }
    out.push_str(std::str::from_utf8(digits.get(start..).unwrap_or_default()).unwrap_or("0"));
}

/// The append-only trace log.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Trace {
    pub entries: Vec<TraceEntry>,
}

impl TraceEntry {
    /// The store revision this entry's etcd write produced; `None` for any other entry (including a
    /// failed write, and an update that changed nothing and so was not written).
    pub fn written_revision(&self) -> Option<i64> {
        if self.component != Component::Etcd
            || !matches!(self.stage, Stage::Write | Stage::Delete)
            || self.outcome == Outcome::Failed
        {
            return None;
        }
        let details = self.data.value();
        // Written entries name their watch event type; a skipped no-op update does not.
        details.get("type")?;
        details.get("revision")?.as_i64()
    }
}

impl Trace {
    /// The store's revision right after entry `position`: the revision of the last write at or before
    /// it (`None` when the trace shows no write that early).
    pub fn store_revision_at(&self, position: usize) -> Option<i64> {
        let end = position.saturating_add(1).min(self.entries.len());
        self.entries
            .get(..end)?
            .iter()
            .rev()
            .find_map(TraceEntry::written_revision)
    }

    /// Appends an entry and returns its sequence number.
    #[allow(clippy::too_many_arguments)]
    pub fn record(
        &mut self,
        time_ms: u64,
        component: Component,
        stage: Stage,
        object: impl Into<String>,
        outcome: Outcome,
        summary: impl Into<String>,
        data: Value,
    ) -> u64 {
        let data = TraceData::new(&data);
        self.record_data(time_ms, component, stage, object, outcome, summary, data)
    }

    /// `record` with details already stored (see `TraceData::from_serialize`).
    #[allow(clippy::too_many_arguments)]
    pub fn record_data(
        &mut self,
        time_ms: u64,
        component: Component,
        stage: Stage,
        object: impl Into<String>,
        outcome: Outcome,
        summary: impl Into<String>,
        data: TraceData,
    ) -> u64 {
        let seq = self.entries.len() as u64;
        self.entries.push(TraceEntry {
            seq,
            time_ms,
            component,
            stage,
            object: exact_string(object.into()),
            summary: exact_string(summary.into()),
            outcome,
            data,
        });
        seq
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// One line per entry, e.g. `t=000120ms kube-scheduler Bind pods/default/web-1: ...`: the golden format.
    pub fn to_lines(&self) -> String {
        let mut out = String::new();
        for e in &self.entries {
            out.push_str(&format!(
                "t={:06}ms {} {:?} {}: {}\n",
                e.time_ms,
                e.component.name(),
                e.stage,
                e.object,
                e.summary
            ));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[derive(Serialize)]
    struct Details<'a> {
        #[serde(rename = "type")]
        kind: &'a str,
        revision: i64,
        code: u16,
        ratio: f64,
        missing: Option<&'a str>,
        #[serde(skip_serializing_if = "Option::is_none")]
        skipped: Option<&'a str>,
        reasons: &'a [String],
    }

    #[test]
    fn should_store_the_same_text_from_a_struct_as_from_the_equal_value() {
        let reasons = vec!["node(s) had untolerated taint \"a\"".to_string()];
        let direct = TraceData::from_serialize(&Details {
            kind: "MODIFIED",
            revision: -3,
            code: 201,
            ratio: 0.25,
            missing: None,
            skipped: None,
            reasons: &reasons,
        });
        let via_value = TraceData::new(&json!({
            "type": "MODIFIED", "revision": -3, "code": 201, "ratio": 0.25, "missing": null,
            "reasons": reasons,
        }));
        assert_eq!(direct, via_value);
        assert_eq!(
            direct.as_json(),
            r#"{"type":"MODIFIED","revision":-3,"code":201,"ratio":0.25,"missing":null,"reasons":["node(s) had untolerated taint \"a\""]}"#
        );
    }

    #[test]
    fn should_write_strings_and_integers_as_serde_json_does() {
        for text in [
            "plain",
            "",
            "quote \" and \\ back",
            "tab\tnew\nline\u{1}",
            "caf\u{e9} \u{7f}",
        ] {
            let mut out = String::new();
            push_json_str(&mut out, text);
            assert_eq!(out, serde_json::to_string(text).unwrap(), "{text:?}");
        }
        for n in [0i64, 7, -7, 10, 1234567890, i64::MIN, i64::MAX] {
            let mut out = String::new();
            push_json_int(&mut out, n);
            assert_eq!(out, n.to_string());
        }
        for n in [0u64, 9, 100, u64::MAX] {
            let mut out = String::new();
            push_json_uint(&mut out, n);
            assert_eq!(out, n.to_string());
        }
    }

    #[test]
    fn should_store_null_as_nothing_either_way() {
        assert!(TraceData::from_serialize(&Value::Null).is_null());
        assert!(TraceData::from_serialize(&None::<u8>).is_null());
        assert!(TraceData::new(&Value::Null).is_null());
    }

    #[test]
    fn should_find_the_store_revision_of_the_last_write_at_or_before_an_entry() {
        let mut trace = Trace::default();
        let write = |t: &mut Trace, outcome: Outcome, data: Value| {
            t.record(
                0,
                Component::Etcd,
                Stage::Write,
                "pods/default/a",
                outcome,
                "",
                data,
            )
        };
        write(
            &mut trace,
            Outcome::Ok,
            json!({"key": "k", "revision": 7, "type": "ADDED"}),
        );
        trace.record(
            0,
            Component::Scheduler,
            Stage::Filter,
            "pods/default/a",
            Outcome::Ok,
            "",
            Value::Null,
        );
        // An update that changed nothing, and a failed write: neither moves the revision.
        write(
            &mut trace,
            Outcome::Info,
            json!({"key": "k", "revision": 3}),
        );
        write(&mut trace, Outcome::Failed, json!({"code": 409}));
        trace.record(
            0,
            Component::Etcd,
            Stage::Delete,
            "pods/default/a",
            Outcome::Ok,
            "",
            json!({"key": "k", "revision": 8, "type": "DELETED"}),
        );
        let revisions: Vec<Option<i64>> = (0..6).map(|p| trace.store_revision_at(p)).collect();
        assert_eq!(
            revisions,
            [Some(7), Some(7), Some(7), Some(7), Some(8), Some(8)]
        );
        assert_eq!(Trace::default().store_revision_at(0), None);
    }
}
