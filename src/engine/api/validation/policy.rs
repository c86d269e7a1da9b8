//! Validation of `policy/v1` PodDisruptionBudgets.
//!
//! Mirrors `pkg/apis/policy/validation/validation.go` (`ValidatePodDisruptionBudgetSpec`,
//! `ValidatePodDisruptionBudgetStatusUpdate`) with `pkg/apis/apps/validation`'s
//! `ValidatePositiveIntOrPercent` and `IsNotMoreThan100Percent`, and the order the generic registry
//! runs them in: the strategy's checks first, the common ObjectMeta checks (names as path segments)
//! only when those pass.

use k8s_openapi::api::policy::v1::{PodDisruptionBudget, PodDisruptionBudgetStatus};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{Condition, LabelSelector};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use super::field::FieldError;
use super::meta::{validate_label_name, validate_object_meta};
use super::names::{is_valid_path_segment_name, regex_error};
use super::pod::validate_label_selector;
use super::{int_or_string_json, nonnegative, percent_value, positive_int_or_percent};

/// `supportedUnhealthyPodEvictionPolicies`, sorted as the error lists them.
pub const UNHEALTHY_POD_EVICTION_POLICIES: [&str; 2] = ["AlwaysAllow", "IfHealthyBudget"];

/// A new PodDisruptionBudget: its spec, then (only when the spec is valid) its metadata.
pub fn validate_pod_disruption_budget(pdb: &PodDisruptionBudget) -> Vec<FieldError> {
    let errs = validate_spec(pdb);
    if !errs.is_empty() {
        return errs;
    }
    validate_object_meta(&pdb.metadata, true, is_valid_path_segment_name, "metadata")
}

/// `ValidatePodDisruptionBudgetSpec`.
fn validate_spec(pdb: &PodDisruptionBudget) -> Vec<FieldError> {
    let mut errs = Vec::new();
    let Some(spec) = pdb.spec.as_ref() else {
        return errs;
    };
    if let (Some(_), Some(_)) = (&spec.min_available, &spec.max_unavailable) {
        errs.push(FieldError::invalid_raw(
            "spec",
            internal_spec_json(
                spec.min_available.as_ref(),
                spec.selector.as_ref(),
                spec.max_unavailable.as_ref(),
                spec.unhealthy_pod_eviction_policy.as_deref(),
            ),
            "minAvailable and maxUnavailable cannot be both set",
        ));
    }
    for (value, path) in [
        (&spec.min_available, "spec.minAvailable"),
        (&spec.max_unavailable, "spec.maxUnavailable"),
    ] {
        if let Some(value) = value {
            errs.extend(positive_int_or_percent(value, path));
            // IsNotMoreThan100Percent: only a valid percent is compared.
            if percent_value(value).is_some_and(|p| p > 100) {
                errs.push(FieldError::invalid_raw(
                    path,
                    int_or_string_json(value),
                    "must not be greater than 100%",
                ));
            }
        }
    }
    errs.extend(validate_label_selector(
        spec.selector.as_ref(),
        "spec.selector",
    ));
    if let Some(policy) = spec.unhealthy_pod_eviction_policy.as_deref() {
        if !UNHEALTHY_POD_EVICTION_POLICIES.contains(&policy) {
            errs.push(FieldError::not_supported(
                "spec.unhealthyPodEvictionPolicy",
                policy,
                &UNHEALTHY_POD_EVICTION_POLICIES,
            ));
        }
    }
    errs
}

/// `ValidatePodDisruptionBudgetStatusUpdate` for a `policy/v1` request: the conditions, then the four
/// counters not negative.
pub fn validate_status(status: Option<&PodDisruptionBudgetStatus>) -> Vec<FieldError> {
    let mut errs = Vec::new();
    let Some(status) = status else {
        return errs;
    };
    let mut seen: Vec<&str> = Vec::new();
    for (i, condition) in status.conditions.iter().flatten().enumerate() {
        let path = format!("status.conditions[{i}]");
        if seen.contains(&condition.type_.as_str()) {
            errs.push(FieldError::duplicate(
                &format!("{path}.type"),
                &condition.type_,
            ));
        }
        seen.push(&condition.type_);
        errs.extend(validate_condition(condition, &path));
    }
    for (value, path) in [
        (status.disruptions_allowed, "status.disruptionsAllowed"),
        (status.current_healthy, "status.currentHealthy"),
        (status.desired_healthy, "status.desiredHealthy"),
        (status.expected_pods, "status.expectedPods"),
    ] {
        nonnegative(i64::from(value.unwrap_or(0)), path, &mut errs);
    }
    errs
}

/// `conditionReasonFmt`.
const CONDITION_REASON_FMT: &str = "[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?";
/// `maxReasonLen` and `maxMessageLen`.
const MAX_REASON_LEN: usize = 1024;
const MAX_MESSAGE_LEN: usize = 32 * 1024;
/// Go's zero `time.Time` (0001-01-01T00:00:00Z) in Unix seconds.
const GO_ZERO_TIME_SECONDS: i64 = -62_135_596_800;

/// apimachinery's `ValidateCondition`: the type a qualified name, a known status, a non-negative
/// observed generation, a transition time, a well-formed reason, bounded lengths.
fn validate_condition(condition: &Condition, path: &str) -> Vec<FieldError> {
    let mut errs = validate_label_name(&condition.type_, &format!("{path}.type"));
    if !["False", "True", "Unknown"].contains(&condition.status.as_str()) {
        errs.push(FieldError::not_supported(
            &format!("{path}.status"),
            &condition.status,
            &["False", "True", "Unknown"],
        ));
    }
    if let Some(generation) = condition.observed_generation.filter(|g| *g < 0) {
        errs.push(FieldError::invalid_raw(
            &format!("{path}.observedGeneration"),
            generation.to_string(),
            "must be greater than or equal to zero",
        ));
    }
    if condition.last_transition_time.0.as_second() == GO_ZERO_TIME_SECONDS {
        errs.push(FieldError::required(
            &format!("{path}.lastTransitionTime"),
            "",
        ));
    }
    let reason = condition.reason.as_str();
    if reason.is_empty() {
        errs.push(FieldError::required(&format!("{path}.reason"), ""));
    } else {
        if !is_condition_reason(reason) {
            errs.push(FieldError::invalid(
                &format!("{path}.reason"),
                reason,
                &regex_error(
                    "a condition reason must start with alphabetic character, optionally followed by a string of alphanumeric characters or '_,:', and must end with an alphanumeric character or '_'",
                    CONDITION_REASON_FMT,
                    &["my_name", "MY_NAME", "MyName", "ReasonA,ReasonB", "ReasonA:ReasonB"],
                ),
            ));
        }
        if reason.len() > MAX_REASON_LEN {
            errs.push(FieldError::too_long(
                &format!("{path}.reason"),
                MAX_REASON_LEN,
            ));
        }
    }
    if condition.message.len() > MAX_MESSAGE_LEN {
        errs.push(FieldError::too_long(
            &format!("{path}.message"),
            MAX_MESSAGE_LEN,
        ));
    }
    errs
}

/// Whether `reason` matches `^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$`.
fn is_condition_reason(reason: &str) -> bool {
    let bytes = reason.as_bytes();
    let inner = |b: &u8| b.is_ascii_alphanumeric() || matches!(b, b'_' | b',' | b':');
    let last = |b: &u8| b.is_ascii_alphanumeric() || *b == b'_';
    match bytes {
        [] => false,
        [first] => first.is_ascii_alphabetic(),
        [first, middle @ .., end] => {
            first.is_ascii_alphabetic() && middle.iter().all(inner) && last(end)
        }
    }
}

/// The internal `policy.PodDisruptionBudgetSpec` as `json.Marshal` writes it into a field error:
/// Go field names in declaration order, nil pointers as `null`, the selector with its own JSON tags.
fn internal_spec_json(
    min_available: Option<&IntOrString>,
    selector: Option<&LabelSelector>,
    max_unavailable: Option<&IntOrString>,
    policy: Option<&str>,
) -> String {
    let int_or_string = |v: Option<&IntOrString>| v.map_or("null".into(), int_or_string_json);
    format!(
        "{{\"MinAvailable\":{},\"Selector\":{},\"MaxUnavailable\":{},\"UnhealthyPodEvictionPolicy\":{}}}",
        int_or_string(min_available),
        selector.map_or("null".into(), selector_json),
        int_or_string(max_unavailable),
        policy.map_or("null".into(), json_string),
    )
}

/// A `metav1.LabelSelector` as `json.Marshal` writes it: `matchLabels` (keys sorted) then
/// `matchExpressions`, each left out when empty.
fn selector_json(selector: &LabelSelector) -> String {
    let mut parts = Vec::new();
    if let Some(labels) = selector.match_labels.as_ref().filter(|l| !l.is_empty()) {
        let pairs: Vec<String> = labels
            .iter()
            .map(|(k, v)| format!("{}:{}", json_string(k), json_string(v)))
            .collect();
        parts.push(format!("\"matchLabels\":{{{}}}", pairs.join(",")));
    }
    if let Some(expressions) = selector
        .match_expressions
        .as_ref()
        .filter(|e| !e.is_empty())
    {
        let items: Vec<String> = expressions
            .iter()
            .map(|e| {
                let mut item = format!(
                    "{{\"key\":{},\"operator\":{}",
                    json_string(&e.key),
                    json_string(&e.operator)
                );
                if let Some(values) = e.values.as_ref().filter(|v| !v.is_empty()) {
                    let values: Vec<String> = values.iter().map(|v| json_string(v)).collect();
                    item.push_str(&format!(",\"values\":[{}]", values.join(",")));
                }
                item.push('}');
                item
            })
            .collect();
        parts.push(format!("\"matchExpressions\":[{}]", items.join(",")));
    }
    format!("{{{}}}", parts.join(","))
}

/// A string as Go's `json.Marshal` writes it (HTML-significant characters escaped).
fn json_string(text: &str) -> String {
    serde_json::to_string(text)
        .unwrap_or_default()
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pdb(spec: serde_json::Value) -> PodDisruptionBudget {
        serde_json::from_value(serde_json::json!({
            "metadata": {"name": "web", "namespace": "default"},
            "spec": spec,
        }))
        .unwrap()
    }

    fn messages(spec: serde_json::Value) -> Vec<String> {
        validate_pod_disruption_budget(&pdb(spec))
            .iter()
            .map(FieldError::to_string)
            .collect()
    }

    /// Upstream's `TestValidateMinAvailablePodDisruptionBudgetSpec` and
    /// `TestValidateMinAvailablePodAndMaxUnavailableDisruptionBudgetSpec`, with the messages.
    #[test]
    fn spec_cases() {
        let valid = [
            serde_json::json!({"minAvailable": 0}),
            serde_json::json!({"minAvailable": 1000}),
            serde_json::json!({"minAvailable": "0%"}),
            serde_json::json!({"minAvailable": "100%"}),
            serde_json::json!({"maxUnavailable": "007%"}),
            serde_json::json!({"maxUnavailable": 0, "selector": {}}),
            serde_json::json!({"minAvailable": 2, "unhealthyPodEvictionPolicy": "AlwaysAllow"}),
            serde_json::json!({}),
        ];
        for spec in valid {
            assert_eq!(messages(spec.clone()), Vec::<String>::new(), "{spec}");
        }
        let cases = [
            (
                serde_json::json!({"minAvailable": -1}),
                vec!["spec.minAvailable: Invalid value: -1: must be greater than or equal to 0"],
            ),
            (
                serde_json::json!({"minAvailable": "1.1%"}),
                vec!["spec.minAvailable: Invalid value: \"1.1%\": a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')"],
            ),
            (
                serde_json::json!({"maxUnavailable": "101%"}),
                vec!["spec.maxUnavailable: Invalid value: \"101%\": must not be greater than 100%"],
            ),
            (
                serde_json::json!({"minAvailable": 1, "maxUnavailable": "50%", "selector": {"matchLabels": {"app": "web"}}}),
                vec!["spec: Invalid value: {\"MinAvailable\":1,\"Selector\":{\"matchLabels\":{\"app\":\"web\"}},\"MaxUnavailable\":\"50%\",\"UnhealthyPodEvictionPolicy\":null}: minAvailable and maxUnavailable cannot be both set"],
            ),
            (
                serde_json::json!({"minAvailable": 1, "unhealthyPodEvictionPolicy": "Invalid"}),
                vec!["spec.unhealthyPodEvictionPolicy: Unsupported value: \"Invalid\": supported values: \"AlwaysAllow\", \"IfHealthyBudget\""],
            ),
            (
                serde_json::json!({"selector": {"matchExpressions": [{"key": "app", "operator": "In"}]}}),
                vec!["spec.selector.matchExpressions[0].values: Required value: must be specified when `operator` is 'In' or 'NotIn'"],
            ),
        ];
        for (spec, want) in cases {
            assert_eq!(messages(spec.clone()), want, "{spec}");
        }
    }

    #[test]
    fn both_set_also_reports_each_value() {
        let errs = validate_pod_disruption_budget(&pdb(
            serde_json::json!({"minAvailable": "200%", "maxUnavailable": -1}),
        ));
        let text: Vec<String> = errs.iter().map(FieldError::to_string).collect();
        assert_eq!(
            format!("[{}]", text.join(", ")),
            "[spec: Invalid value: {\"MinAvailable\":\"200%\",\"Selector\":null,\"MaxUnavailable\":-1,\"UnhealthyPodEvictionPolicy\":null}: minAvailable and maxUnavailable cannot be both set, spec.minAvailable: Invalid value: \"200%\": must not be greater than 100%, spec.maxUnavailable: Invalid value: -1: must be greater than or equal to 0]"
        );
    }

    #[test]
    fn metadata_is_checked_only_after_a_valid_spec() {
        let mut bad_name = pdb(serde_json::json!({"minAvailable": -1}));
        bad_name.metadata.name = Some("a/b".into());
        assert_eq!(validate_pod_disruption_budget(&bad_name).len(), 1);
        bad_name.spec = None;
        let errs: Vec<String> = validate_pod_disruption_budget(&bad_name)
            .iter()
            .map(FieldError::to_string)
            .collect();
        assert_eq!(
            errs,
            vec!["metadata.name: Invalid value: \"a/b\": may not contain '/'"]
        );
    }

    /// apimachinery's `ValidateCondition` cases.
    #[test]
    fn conditions_are_checked_like_metav1_conditions() {
        let status: PodDisruptionBudgetStatus = serde_json::from_value(serde_json::json!({
            "conditions": [
                {"type": "DisruptionAllowed", "status": "True", "reason": "SufficientPods",
                 "message": "", "lastTransitionTime": "2026-01-01T00:00:00Z"},
                {"type": "DisruptionAllowed", "status": "Maybe", "reason": "1bad",
                 "message": "", "observedGeneration": -1, "lastTransitionTime": "0001-01-01T00:00:00Z"},
                {"type": "x/y/z", "status": "False", "reason": "",
                 "message": "", "lastTransitionTime": "2026-01-01T00:00:00Z"},
            ]
        }))
        .unwrap();
        let errs: Vec<String> = validate_status(Some(&status))
            .iter()
            .map(FieldError::to_string)
            .collect();
        assert_eq!(
            errs,
            vec![
                "status.conditions[1].type: Duplicate value: \"DisruptionAllowed\"",
                "status.conditions[1].status: Unsupported value: \"Maybe\": supported values: \"False\", \"True\", \"Unknown\"",
                "status.conditions[1].observedGeneration: Invalid value: -1: must be greater than or equal to zero",
                "status.conditions[1].lastTransitionTime: Required value",
                "status.conditions[1].reason: Invalid value: \"1bad\": a condition reason must start with alphabetic character, optionally followed by a string of alphanumeric characters or '_,:', and must end with an alphanumeric character or '_' (e.g. 'my_name',  or 'MY_NAME',  or 'MyName',  or 'ReasonA,ReasonB',  or 'ReasonA:ReasonB', regex used for validation is '[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?')",
                "status.conditions[2].type: Invalid value: \"x/y/z\": a valid label key must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')",
                "status.conditions[2].reason: Required value",
            ]
        );
    }

    #[test]
    fn status_counters_must_not_be_negative() {
        let status = PodDisruptionBudgetStatus {
            disruptions_allowed: Some(-1),
            expected_pods: Some(-2),
            ..Default::default()
        };
        let errs: Vec<String> = validate_status(Some(&status))
            .iter()
            .map(FieldError::to_string)
            .collect();
        assert_eq!(
            errs,
            vec![
                "status.disruptionsAllowed: Invalid value: -1: must be greater than or equal to 0",
                "status.expectedPods: Invalid value: -2: must be greater than or equal to 0",
            ]
        );
    }
}
