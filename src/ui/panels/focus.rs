//! Which part of the trace and which pod the panels look at: the entries up to the playback position,
//! and the pod the user follows (or, when none is selected, the pod the story last touched).
//!
//! No upstream counterpart: this is how the page reads the engine's trace.

use crate::engine::objects::object_ref;
use crate::engine::trace::TraceEntry;
use crate::ui::view_state::ViewState;

/// The trace entries that have happened on screen: the first `position + 1` (all of them when the
/// position lies beyond the end, none when the trace is empty).
pub fn visible_entries(view: &ViewState) -> &[TraceEntry] {
    let entries = &view.sim.trace.entries;
    let end = view.position.saturating_add(1).min(entries.len());
    entries.get(..end).unwrap_or(&[])
}

/// The trace reference of a pod key: `default/demo-pod` → `pods/default/demo-pod`.
pub fn pod_ref(pod_key: &str) -> String {
    match pod_key.split_once('/') {
        Some((namespace, name)) => object_ref("pods", Some(namespace), name),
        None => object_ref("pods", Some("default"), pod_key),
    }
}

/// The pod key of a trace reference: `pods/default/demo-pod` → `default/demo-pod`; `None` for other
/// resources.
pub fn pod_key_of_ref(reference: &str) -> Option<String> {
    let rest = reference.strip_prefix("pods/")?;
    if rest.contains('/') {
        Some(rest.to_string())
    } else {
        None
    }
}

/// The pod the inspectors describe: the selected one, or else the pod of the latest visible entry
/// about a pod.
pub fn focus_pod(view: &ViewState) -> Option<String> {
    if let Some(selected) = &view.selected_pod {
        return Some(selected.clone());
    }
    visible_entries(view)
        .iter()
        .rev()
        .find_map(|entry| pod_key_of_ref(&entry.object))
}

/// Pretty-printed JSON for a `<pre>` (two-space indent, keys in the order recorded).
pub fn pretty_json(value: &serde_json::Value) -> String {
    serde_json::to_string_pretty(value).unwrap_or_else(|_| value.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::trace::Stage;
    use crate::ui::panels::testing::{view_of_builtin, view_until};

    #[test]
    fn should_convert_between_pod_keys_and_trace_references() {
        assert_eq!(pod_ref("default/demo-pod"), "pods/default/demo-pod");
        assert_eq!(pod_ref("demo-pod"), "pods/default/demo-pod");
        assert_eq!(
            pod_key_of_ref("pods/default/demo-pod").as_deref(),
            Some("default/demo-pod")
        );
        assert_eq!(pod_key_of_ref("nodes/node-a"), None);
        assert_eq!(pod_key_of_ref("pods/demo-pod"), None);
    }

    #[test]
    fn should_show_entries_up_to_the_position_only() {
        let view = view_until("demo-pod", |e| e.stage == Stage::Decode);
        let visible = visible_entries(&view);
        assert_eq!(visible.len(), view.position + 1);
        assert_eq!(visible.last().map(|e| e.stage), Some(Stage::Decode));
        let mut beyond = view.clone();
        beyond.position = usize::MAX;
        assert_eq!(visible_entries(&beyond).len(), view.sim.trace.len());
    }

    #[test]
    fn should_focus_the_selected_pod_or_else_the_latest_one() {
        let view = view_of_builtin("tainted-node");
        assert_eq!(focus_pod(&view).as_deref(), Some("default/with-toleration"));
        let mut selected = view.clone();
        selected.selected_pod = Some("default/no-toleration".into());
        assert_eq!(
            focus_pod(&selected).as_deref(),
            Some("default/no-toleration")
        );
    }
}
