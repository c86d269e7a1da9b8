//! What `kubectl describe poddisruptionbudget` prints, from the stored budget and the events about it.
//!
//! Mirrors `k8s.io/kubectl/pkg/describe` (`PodDisruptionBudgetDescriber`,
//! `describePodDisruptionBudgetV1`, `searchEvents`): one budget line (`Min available` wins over
//! `Max unavailable`, neither prints when neither is set), the selector as
//! `metav1.FormatLabelSelector` writes it (`<unset>` without one), the four status counters, then
//! the events.

use k8s_openapi::api::core::v1::Event;
use k8s_openapi::api::policy::v1::PodDisruptionBudget;
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use super::{describe_events, format_label_selector, s, TabWriter};

/// The events `kubectl describe pdb` lists: its field selector names the budget's name, namespace,
/// kind and uid.
pub fn events_about_pdb<'e>(pdb: &PodDisruptionBudget, events: &[&'e Event]) -> Vec<&'e Event> {
    events
        .iter()
        .copied()
        .filter(|event| {
            let object = &event.involved_object;
            object.kind.as_deref() == Some("PodDisruptionBudget")
                && object.name == pdb.metadata.name
                && object.namespace == pdb.metadata.namespace
                && object.uid == pdb.metadata.uid
        })
        .collect()
}

/// `kubectl describe pdb` of `pdb` with the events about it, at virtual time `now_ms`.
pub fn describe_pdb(pdb: &PodDisruptionBudget, events: &[&Event], now_ms: u64) -> String {
    let int_or_string = |value: &IntOrString| match value {
        IntOrString::Int(n) => n.to_string(),
        IntOrString::String(text) => text.clone(),
    };
    let mut w = TabWriter::default();
    w.write(0, &format!("Name:\t{}\n", s(&pdb.metadata.name)));
    w.write(0, &format!("Namespace:\t{}\n", s(&pdb.metadata.namespace)));
    let spec = pdb.spec.clone().unwrap_or_default();
    if let Some(min) = &spec.min_available {
        w.write(0, &format!("Min available:\t{}\n", int_or_string(min)));
    } else if let Some(max) = &spec.max_unavailable {
        w.write(0, &format!("Max unavailable:\t{}\n", int_or_string(max)));
    }
    match &spec.selector {
        Some(selector) => w.write(
            0,
            &format!("Selector:\t{}\n", format_label_selector(selector)),
        ),
        None => w.write(0, "Selector:\t<unset>\n"),
    }
    let status = pdb.status.clone().unwrap_or_default();
    w.write(0, "Status:\n");
    w.write(
        2,
        &format!(
            "Allowed disruptions:\t{}\n",
            status.disruptions_allowed.unwrap_or(0)
        ),
    );
    w.write(
        2,
        &format!("Current:\t{}\n", status.current_healthy.unwrap_or(0)),
    );
    w.write(
        2,
        &format!("Desired:\t{}\n", status.desired_healthy.unwrap_or(0)),
    );
    w.write(
        2,
        &format!("Total:\t{}\n", status.expected_pods.unwrap_or(0)),
    );
    describe_events(&mut w, events, now_ms);
    w.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pdb(spec: serde_json::Value, status: serde_json::Value) -> PodDisruptionBudget {
        serde_json::from_value(serde_json::json!({
            "metadata": {"name": "web", "namespace": "default", "uid": "u1"},
            "spec": spec, "status": status,
        }))
        .unwrap()
    }

    /// The layouts `describePodDisruptionBudgetV1` gives (checked against its tab writer: the
    /// `Status:` line breaks the alignment block, and `Events:  <none>` aligns with the counters).
    #[test]
    fn should_print_as_kubectl_describe_pdb() {
        let web = pdb(
            serde_json::json!({"minAvailable": 2, "maxUnavailable": 1, "selector": {"matchLabels": {"app": "web"}}}),
            serde_json::json!({"disruptionsAllowed": 1, "currentHealthy": 3, "desiredHealthy": 2, "expectedPods": 3}),
        );
        assert_eq!(
            describe_pdb(&web, &[], 0),
            "Name:           web\nNamespace:      default\nMin available:  2\nSelector:       app=web\nStatus:\n    Allowed disruptions:  1\n    Current:              3\n    Desired:              2\n    Total:                3\nEvents:                   <none>\n"
        );
        let db = pdb(
            serde_json::json!({"maxUnavailable": "25%"}),
            serde_json::json!({}),
        );
        assert_eq!(
            describe_pdb(&db, &[], 0),
            "Name:             web\nNamespace:        default\nMax unavailable:  25%\nSelector:         <unset>\nStatus:\n    Allowed disruptions:  0\n    Current:              0\n    Desired:              0\n    Total:                0\nEvents:                   <none>\n"
        );
        let neither = pdb(serde_json::json!({"selector": {}}), serde_json::json!({}));
        assert!(describe_pdb(&neither, &[], 0)
            .starts_with("Name:       web\nNamespace:  default\nSelector:   <none>\nStatus:\n"));
    }
}
