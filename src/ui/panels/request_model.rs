//! The request inspector: what kubectl sent (method, path, JSON body, from the kubectl `Apply` trace
//! entry) and how the API server's handler chain treated it, stage by stage, with the Status object
//! it answered on failure.
//!
//! Mirrors what `k8s.io/apiserver` runs for a write (authentication, authorization, decoding with strict
//! field validation and defaulting, mutating admission, validation, validating admission, storage,
//! response), as the engine traced it.

use serde_json::Value;

use crate::engine::trace::{Component, Outcome, Stage, TraceEntry};
use crate::ui::view_state::ViewState;

use super::focus::{focus_pod, pod_ref, pretty_json, visible_entries};

/// The stages shown, in the order the API server runs them, with their labels.
pub const PIPELINE: [(Stage, &str); 8] = [
    (Stage::Authentication, "Authentication"),
    (Stage::Authorization, "Authorization"),
    (Stage::Decode, "Decode"),
    (Stage::MutatingAdmission, "MutatingAdmission"),
    (Stage::Validation, "Validation"),
    (Stage::ValidatingAdmission, "ValidatingAdmission"),
    (Stage::Write, "Store in etcd"),
    (Stage::Response, "Response"),
];

/// How a stage went for this request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StageState {
    Passed,
    Failed,
    /// An earlier stage failed.
    NotReached,
    /// The request finished without this stage (a GET is not decoded or admitted).
    NotApplicable,
    /// The playback has not got there yet.
    Pending,
}

impl StageState {
    /// The word shown next to the stage.
    pub fn word(self) -> &'static str {
        match self {
            StageState::Passed => "passed",
            StageState::Failed => "failed",
            StageState::NotReached => "not reached",
            StageState::NotApplicable => "not run for this request",
            StageState::Pending => "not yet",
        }
    }
}

/// One pipeline stage.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StageRow {
    pub label: &'static str,
    pub state: StageState,
    /// The trace entry's summary (empty when the stage has no entry).
    pub summary: String,
}

/// The request inspector's content.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RequestModel {
    /// The trace reference of the object, e.g. `pods/default/demo-pod`.
    pub object: String,
    pub method: String,
    pub path: String,
    pub time_ms: u64,
    /// `{"method", "path", "body"}` pretty-printed.
    pub request_json: String,
    pub stages: Vec<StageRow>,
    /// The HTTP status code, once answered.
    pub code: Option<u64>,
    /// The Status object the API server returned on failure, pretty-printed.
    pub status_json: Option<String>,
}

fn is_request(entry: &TraceEntry) -> bool {
    entry.component == Component::Kubectl && entry.stage == Stage::Apply
}

fn method_of(entry: &TraceEntry) -> String {
    entry
        .data
        .value()
        .get("method")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string()
}

/// The kubectl request to show: the latest write (non-GET) request about the followed pod, else its
/// latest request, else the latest request of any kind; all up to the view's position.
fn chosen_request(view: &ViewState) -> Option<usize> {
    let entries = visible_entries(view);
    let requests = || {
        entries
            .iter()
            .enumerate()
            .rev()
            .filter(|(_, e)| is_request(e))
    };
    if let Some(pod) = focus_pod(view) {
        let reference = pod_ref(&pod);
        let about_pod = || requests().filter(|(_, e)| e.object == reference);
        if let Some((i, _)) = about_pod()
            .find(|(_, e)| method_of(e) != "GET")
            .or_else(|| about_pod().next())
        {
            return Some(i);
        }
    }
    requests().next().map(|(i, _)| i)
}

/// The request inspector at the view's position; `None` before kubectl sent anything.
pub fn request_model(view: &ViewState) -> Option<RequestModel> {
    let entries = visible_entries(view);
    let index = chosen_request(view)?;
    let request = entries.get(index)?;
    let data = request.data.value();
    // The server's entries for this request: after it, until kubectl acts again.
    let handled: Vec<&TraceEntry> = entries
        .iter()
        .skip(index + 1)
        .take_while(|e| e.component != Component::Kubectl)
        .filter(|e| {
            e.object == request.object
                && matches!(e.component, Component::ApiServer | Component::Etcd)
        })
        .collect();
    let response = handled.iter().find(|e| e.stage == Stage::Response);
    let mut failed = false;
    let stages = PIPELINE
        .iter()
        .map(|(stage, label)| {
            let entry = handled.iter().find(|e| e.stage == *stage);
            let state = match entry {
                Some(e) if e.outcome == Outcome::Failed && *stage != Stage::Response => {
                    failed = true;
                    StageState::Failed
                }
                Some(e) if e.outcome == Outcome::Failed => StageState::Failed,
                Some(_) => StageState::Passed,
                None if failed => StageState::NotReached,
                None if response.is_some() => StageState::NotApplicable,
                None => StageState::Pending,
            };
            StageRow {
                label,
                state,
                summary: entry.map(|e| e.summary.clone()).unwrap_or_default(),
            }
        })
        .collect();
    let response_data = response.map(|e| e.data.value());
    Some(RequestModel {
        object: request.object.clone(),
        method: method_of(request),
        path: data
            .get("path")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string(),
        time_ms: request.time_ms,
        request_json: pretty_json(&data),
        stages,
        code: response_data
            .as_ref()
            .and_then(|d| d.get("code"))
            .and_then(Value::as_u64),
        status_json: response_data
            .as_ref()
            .and_then(|d| d.get("status"))
            .filter(|s| !s.is_null())
            .map(pretty_json),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ui::panels::testing::{view_of_builtin, view_until};

    fn states(model: &RequestModel) -> Vec<(&str, StageState)> {
        model.stages.iter().map(|s| (s.label, s.state)).collect()
    }

    #[test]
    fn should_show_the_post_of_demo_pod_passing_every_stage() {
        let view = view_of_builtin("demo-pod");
        let model = request_model(&view).unwrap();
        assert_eq!(model.method, "POST");
        assert_eq!(
            model.path,
            "/api/v1/namespaces/default/pods?fieldManager=kubectl-client-side-apply&fieldValidation=Strict"
        );
        assert!(model.request_json.contains("\"name\": \"demo-pod\""));
        assert!(model.stages.iter().all(|s| s.state == StageState::Passed));
        assert_eq!(model.code, Some(201));
        assert_eq!(model.status_json, None);
    }

    #[test]
    fn should_stop_the_seed_yaml_as_written_at_decode_with_a_400_status() {
        let view = view_of_builtin("constrained-pod-as-written");
        let model = request_model(&view).unwrap();
        assert_eq!(
            states(&model),
            [
                ("Authentication", StageState::Passed),
                ("Authorization", StageState::Passed),
                ("Decode", StageState::Failed),
                ("MutatingAdmission", StageState::NotReached),
                ("Validation", StageState::NotReached),
                ("ValidatingAdmission", StageState::NotReached),
                ("Store in etcd", StageState::NotReached),
                ("Response", StageState::Failed),
            ]
        );
        assert_eq!(model.code, Some(400));
        let status = model.status_json.unwrap();
        assert!(status.contains("\"reason\": \"BadRequest\""), "{status}");
        assert!(
            status.contains("strict decoding error: unknown field \\\"spec.nodeAffinity\\\""),
            "{status}"
        );
    }

    #[test]
    fn should_stop_a_user_without_permission_at_authorization() {
        let view = view_of_builtin("rbac-forbidden");
        let model = request_model(&view).unwrap();
        assert_eq!(model.object, "pods/default/janes-pod");
        assert_eq!(model.stages[1].state, StageState::Failed);
        assert_eq!(
            model.stages[1].summary,
            "pods is forbidden: User \"jane\" cannot create resource \"pods\" in API group \"\" in the namespace \"default\""
        );
        assert_eq!(model.stages[2].state, StageState::NotReached);
        assert_eq!(model.code, Some(403));
    }

    #[test]
    fn should_leave_later_stages_pending_while_the_request_is_in_flight() {
        let view = view_until("demo-pod", |e| e.stage == Stage::Decode);
        let model = request_model(&view).unwrap();
        assert_eq!(model.stages[2].state, StageState::Passed);
        assert_eq!(model.stages[3].state, StageState::Pending);
        assert_eq!(model.code, None);
    }

    #[test]
    fn should_stop_an_invalid_name_at_validation_with_a_422_and_kubectls_invalid_line() {
        let cluster = crate::engine::scenario::builtin("demo-pod").unwrap();
        let text = cluster.replace("name: demo-pod", "name: Demo_Pod");
        let view = crate::ui::panels::fixtures::finished_text("invalid-name", &text, None).unwrap();
        let model = request_model(&view).unwrap();
        let failed: Vec<&str> = model
            .stages
            .iter()
            .filter(|s| s.state == StageState::Failed)
            .map(|s| s.label)
            .collect();
        assert_eq!(failed, ["Validation", "Response"]);
        assert_eq!(model.code, Some(422));
        assert!(model
            .status_json
            .unwrap()
            .contains("\"reason\": \"Invalid\""));
        let printed = crate::ui::panels::lists_model::latest_kubectl_result(&view).unwrap();
        assert!(!printed.success);
        assert!(
            printed.lines[0].starts_with(
                "The Pod \"Demo_Pod\" is invalid: metadata.name: Invalid value: \"Demo_Pod\""
            ),
            "{:?}",
            printed.lines
        );
    }
}
