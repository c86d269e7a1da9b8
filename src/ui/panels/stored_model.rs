//! The stored-object inspector: the pod as etcd holds it (key `/registry/pods/<ns>/<name>`, its
//! resourceVersion = the etcd ModRevision of the last write), what the API server added to the manifest
//! kubectl sent (defaults, admission, server-set metadata), and every write to the key so far with the
//! component behind it.
//!
//! Mirrors `k8s.io/apiserver/pkg/storage/etcd3/store.go` as the engine traced it (etcd `Write` /
//! `Delete` entries carry key, revision and type; the following `Response` names the user).

use serde_json::Value;

use crate::engine::store::key;
use crate::engine::trace::{Component, Stage, TraceEntry};
use crate::ui::view_state::ViewState;

use super::focus::{focus_pod, pod_ref, pretty_json, visible_entries};

/// A field the API server added to what kubectl sent.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AddedField {
    /// `spec.containers[0].imagePullPolicy`
    pub path: String,
    /// The value as compact JSON, shortened to [`VALUE_PREVIEW_CHARS`].
    pub value: String,
}

/// How much of an added value is shown inline.
pub const VALUE_PREVIEW_CHARS: usize = 80;

/// One write to the key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HistoryRow {
    /// The etcd revision of the write (the object's resourceVersion after it).
    pub revision: i64,
    /// `ADDED`, `MODIFIED`, `DELETED`.
    pub event_type: String,
    /// The component that asked for the write (`kubectl`, `kube-scheduler`, `kubelet/node-c`), or the
    /// authenticated user when no component entry follows.
    pub writer: String,
    /// What the writer did (its trace summary), or the request line.
    pub summary: String,
    pub time_ms: u64,
}

/// The stored-object inspector's content.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredModel {
    pub key: String,
    /// `metadata.resourceVersion` of the stored object; empty when none is stored.
    pub resource_version: String,
    /// The stored object pretty-printed; `None` when the key holds nothing (not created yet, deleted,
    /// or rejected before storage).
    pub json: Option<String>,
    /// Fields present when the object was created that kubectl did not send.
    pub added: Vec<AddedField>,
    pub history: Vec<HistoryRow>,
}

/// Virtual milliseconds as seconds with three decimals: `2830` → `2.830 s`.
pub fn format_seconds(ms: u64) -> String {
    format!("{}.{:03} s", ms / 1000, ms % 1000)
}

fn path_join(parent: &str, field: &str) -> String {
    if parent.is_empty() {
        field.to_string()
    } else {
        format!("{parent}.{field}")
    }
}

fn preview(value: &Value) -> String {
    let text = value.to_string();
    if text.chars().count() <= VALUE_PREVIEW_CHARS {
        return text;
    }
    let cut: String = text.chars().take(VALUE_PREVIEW_CHARS).collect();
    format!("{cut}…")
}

fn collect_added(sent: &Value, stored: &Value, path: &str, out: &mut Vec<AddedField>) {
    match (sent, stored) {
        (Value::Object(sent), Value::Object(stored)) => {
            for (field, value) in stored {
                let child = path_join(path, field);
                match sent.get(field) {
                    Some(before) => collect_added(before, value, &child, out),
                    None => out.push(AddedField {
                        path: child,
                        value: preview(value),
                    }),
                }
            }
        }
        (Value::Array(sent), Value::Array(stored)) => {
            for (i, value) in stored.iter().enumerate() {
                let child = format!("{path}[{i}]");
                match sent.get(i) {
                    Some(before) => collect_added(before, value, &child, out),
                    None => out.push(AddedField {
                        path: child,
                        value: preview(value),
                    }),
                }
            }
        }
        _ => {}
    }
}

/// The fields of `stored` that `sent` does not have, as paths to the topmost missing field (a whole
/// added object is one entry), in the stored object's order.
pub fn added_fields(sent: &Value, stored: &Value) -> Vec<AddedField> {
    let mut out = Vec::new();
    collect_added(sent, stored, "", &mut out);
    out
}

fn entry_key(entry: &TraceEntry) -> Option<String> {
    entry
        .data
        .value()
        .get("key")
        .and_then(Value::as_str)
        .map(String::from)
}

/// Who asked for the write at `index` and what they did: the first entry after it, in the same engine
/// step, about the same object from a component other than the API server and etcd; else the user of
/// the API server's response.
fn writer_of(entries: &[TraceEntry], index: usize) -> (String, String) {
    let Some(write) = entries.get(index) else {
        return (String::new(), String::new());
    };
    let same_step = entries
        .iter()
        .skip(index + 1)
        .take_while(|e| e.time_ms == write.time_ms)
        .filter(|e| e.object == write.object);
    let mut response = None;
    for e in same_step {
        match &e.component {
            Component::ApiServer if e.stage == Stage::Response && response.is_none() => {
                response = Some(e)
            }
            Component::ApiServer | Component::Etcd => {}
            other => return (other.name(), e.summary.clone()),
        }
    }
    match response {
        Some(r) => (
            r.data
                .value()
                .get("user")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string(),
            r.summary.clone(),
        ),
        None => (String::new(), write.summary.clone()),
    }
}

/// The stored-object inspector for the followed pod at the view's position; `None` when no pod is
/// followed.
pub fn stored_model(view: &ViewState) -> Option<StoredModel> {
    let pod = focus_pod(view)?;
    let (namespace, name) = pod.split_once('/').unwrap_or(("default", pod.as_str()));
    let key = key("pods", Some(namespace), name);
    let all = &view.sim.trace.entries;
    let visible = visible_entries(view);
    let writes: Vec<usize> = visible
        .iter()
        .enumerate()
        .filter(|(_, e)| {
            e.component == Component::Etcd
                && matches!(e.stage, Stage::Write | Stage::Delete)
                // The text holds the key before its parse is worth it (a big run has thousands of writes).
                && e.data.as_json().contains(key.as_str())
                && entry_key(e).as_deref() == Some(key.as_str())
        })
        .map(|(i, _)| i)
        .collect();
    let history: Vec<HistoryRow> = writes
        .iter()
        .filter_map(|&i| {
            let entry = all.get(i)?;
            let data = entry.data.value();
            let (writer, summary) = writer_of(all, i);
            Some(HistoryRow {
                revision: data.get("revision").and_then(Value::as_i64)?,
                event_type: data
                    .get("type")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_string(),
                writer,
                summary,
                time_ms: entry.time_ms,
            })
        })
        .collect();
    let deleted = history.last().is_some_and(|h| h.event_type == "DELETED");
    let stored = if history.is_empty() || deleted {
        None
    } else {
        view.store().get(&key).map(|s| s.object.to_json())
    };
    // What kubectl sent when it created the pod, and the object as first stored.
    let reference = pod_ref(&pod);
    let sent = visible
        .iter()
        .rev()
        .filter(|e| e.component == Component::Kubectl && e.stage == Stage::Apply)
        .filter(|e| e.object == reference)
        .map(|e| e.data.value())
        .find(|d| d.get("method").and_then(Value::as_str) == Some("POST"))
        .and_then(|d| d.get("body").cloned());
    let created = writes
        .iter()
        .rev()
        .filter_map(|&i| all.get(i))
        .map(|e| e.data.value())
        .find(|d| d.get("type").and_then(Value::as_str) == Some("ADDED"))
        .and_then(|d| d.get("object").cloned())
        .filter(|o| !o.is_null());
    let added = match (&sent, created.as_ref().or(stored.as_ref())) {
        (Some(sent), Some(first)) => added_fields(sent, first),
        _ => Vec::new(),
    };
    Some(StoredModel {
        resource_version: stored
            .as_ref()
            .and_then(|o| o.pointer("/metadata/resourceVersion"))
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string(),
        json: stored.as_ref().map(pretty_json),
        key,
        added,
        history,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ui::panels::testing::{view_of_builtin, view_until};
    use serde_json::json;

    #[test]
    fn should_format_virtual_time_in_seconds() {
        assert_eq!(format_seconds(0), "0.000 s");
        assert_eq!(format_seconds(2830), "2.830 s");
        assert_eq!(format_seconds(61_005), "61.005 s");
    }

    #[test]
    fn should_list_topmost_added_fields_with_paths() {
        let sent = json!({"metadata": {"name": "p"}, "spec": {"containers": [{"name": "c", "image": "nginx"}]}});
        let stored = json!({
            "metadata": {"name": "p", "namespace": "default", "uid": "u"},
            "spec": {"containers": [{"name": "c", "image": "nginx", "imagePullPolicy": "Always"}],
                     "dnsPolicy": "ClusterFirst", "tolerations": [{"key": "k"}]},
        });
        let paths: Vec<(String, String)> = added_fields(&sent, &stored)
            .into_iter()
            .map(|a| (a.path, a.value))
            .collect();
        assert_eq!(
            paths,
            [
                ("metadata.namespace".to_string(), "\"default\"".to_string()),
                ("metadata.uid".into(), "\"u\"".into()),
                (
                    "spec.containers[0].imagePullPolicy".into(),
                    "\"Always\"".into()
                ),
                ("spec.dnsPolicy".into(), "\"ClusterFirst\"".into()),
                ("spec.tolerations".into(), "[{\"key\":\"k\"}]".into()),
            ]
        );
    }

    #[test]
    fn should_show_demo_pod_stored_with_defaults_and_its_revision_history() {
        let view = view_of_builtin("demo-pod");
        let model = stored_model(&view).unwrap();
        assert_eq!(model.key, "/registry/pods/default/demo-pod");
        let writers: Vec<(&str, &str)> = model
            .history
            .iter()
            .map(|h| (h.event_type.as_str(), h.writer.as_str()))
            .collect();
        assert_eq!(
            writers,
            [
                ("ADDED", "kubectl"),
                ("MODIFIED", "kube-scheduler"),
                ("MODIFIED", "kubelet/node-c"),
                ("MODIFIED", "kubelet/node-c"),
            ]
        );
        let revisions: Vec<i64> = model.history.iter().map(|h| h.revision).collect();
        assert!(revisions.windows(2).all(|w| w[0] < w[1]), "{revisions:?}");
        assert_eq!(
            model.resource_version,
            model.history.last().unwrap().revision.to_string()
        );
        let paths: Vec<&str> = model.added.iter().map(|a| a.path.as_str()).collect();
        for wanted in [
            "metadata.uid",
            "metadata.creationTimestamp",
            "spec.containers[0].imagePullPolicy",
            "spec.containers[0].terminationMessagePath",
            "spec.dnsPolicy",
            "spec.restartPolicy",
            "spec.schedulerName",
            "spec.serviceAccountName",
            "spec.tolerations",
            "status",
        ] {
            assert!(paths.contains(&wanted), "{wanted} missing from {paths:?}");
        }
        assert!(!paths.contains(&"metadata.name"));
        assert!(model.json.unwrap().contains("\"nodeName\": \"node-c\""));
    }

    #[test]
    fn should_show_only_the_creation_right_after_it() {
        let view = view_until("demo-pod", |e| {
            e.stage == Stage::Write && e.object.starts_with("pods/")
        });
        let model = stored_model(&view).unwrap();
        assert_eq!(model.history.len(), 1);
        assert_eq!(model.history[0].event_type, "ADDED");
    }

    #[test]
    fn should_say_nothing_is_stored_for_a_rejected_pod() {
        let view = view_of_builtin("constrained-pod-as-written");
        let model = stored_model(&view).unwrap();
        assert_eq!(model.json, None);
        assert!(model.history.is_empty());
        assert_eq!(model.resource_version, "");
    }
}
