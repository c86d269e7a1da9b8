//! The kubectl views: `kubectl get events`, `kubectl get pods -o wide`, `kubectl describe pod` and
//! `kubectl describe node`, and the lines the latest kubectl command printed.
//!
//! Rows come from `engine::printers` (`event_row`, `pod_row`: upstream's `printEvent` / `printPod`) and
//! the descriptions from `engine::describe` (kubectl's `describePod`, `describeNode`), at the view's virtual time and
//! store revision; the printed lines are the kubectl `Result` trace entry's `data.lines`.

use serde_json::Value;

use crate::engine::describe;
use crate::engine::printers::{event_row, pod_row, EventRow, PodRow};
use crate::engine::report;
use crate::engine::trace::{Component, Outcome, Stage};
use crate::ui::view_state::ViewState;

use super::focus::{focus_pod, visible_entries};

pub use crate::engine::printers::{EVENT_COLUMNS, POD_COLUMNS};

/// Every stored event as `kubectl get events` prints it at the view's time, in its list order
/// (`report::events_listed`: by namespace and name, one object's events oldest first).
pub fn event_rows(view: &ViewState) -> Vec<EventRow> {
    keyed_event_rows(view)
        .into_iter()
        .map(|(_, row)| row)
        .collect()
}

/// [`event_rows`] with each event's `namespace/name`, which identifies its row from one step to the
/// next (the table grows as events are recorded).
pub fn keyed_event_rows(view: &ViewState) -> Vec<(String, EventRow)> {
    let now = view.now_ms();
    report::events_listed(&view.store())
        .into_iter()
        .map(|event| {
            let key = format!(
                "{}/{}",
                event.metadata.namespace.as_deref().unwrap_or_default(),
                event.metadata.name.as_deref().unwrap_or_default()
            );
            (key, event_row(event, now))
        })
        .collect()
}

/// Every stored pod as `kubectl get pods -o wide` prints it at the view's time (key order, as the API
/// server lists them).
pub fn pod_rows(view: &ViewState) -> Vec<PodRow> {
    let now = view.now_ms();
    report::pods_in(&view.store())
        .into_iter()
        .map(|pod| pod_row(pod, now))
        .collect()
}

/// A pod row's cells in column order.
pub fn pod_cells(row: &PodRow) -> [&str; 9] {
    row.cells()
}

/// `kubectl describe pod` of the followed pod, or `kubectl describe node` of the picked node, at the
/// view's position.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Described {
    /// The command, `kubectl describe pod demo-pod` (`-n <namespace>` outside `default`) or
    /// `kubectl describe node node-a`.
    pub command: String,
    /// What kubectl prints: the description, or its NotFound error.
    pub text: String,
    /// False when the object is not stored (not created yet, refused, or deleted).
    pub found: bool,
}

/// What the Describe tab can show: the followed pod (`namespace/name`) and every stored node, at the
/// view's position.
pub fn describe_choices(view: &ViewState) -> DescribeChoices {
    let store = view.store();
    let nodes = report::nodes_in(&store)
        .into_iter()
        .filter_map(|node| node.metadata.name.clone())
        .collect();
    let budgets = report::pdbs_in(&store)
        .into_iter()
        .map(|pdb| {
            format!(
                "{}/{}",
                pdb.metadata.namespace.as_deref().unwrap_or("default"),
                pdb.metadata.name.as_deref().unwrap_or("")
            )
        })
        .collect();
    DescribeChoices {
        pod: focus_pod(view),
        nodes,
        budgets,
    }
}

/// What the Describe tab's Object list offers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DescribeChoices {
    /// The followed pod (`namespace/name`).
    pub pod: Option<String>,
    /// Every node's name.
    pub nodes: Vec<String>,
    /// Every PodDisruptionBudget, as `namespace/name`.
    pub budgets: Vec<String>,
}

/// The kubectl command that describes a namespaced object (`-n` outside `default`).
fn describe_command(kind: &str, namespace: &str, name: &str) -> String {
    if namespace == "default" {
        format!("kubectl describe {kind} {name}")
    } else {
        format!("kubectl describe {kind} {name} -n {namespace}")
    }
}

/// `kubectl describe poddisruptionbudget <name>` at the view's position (`key` is `namespace/name`).
fn describe_pdb_named(view: &ViewState, key: &str) -> Described {
    let (namespace, name) = key.split_once('/').unwrap_or(("default", key));
    let command = describe_command("poddisruptionbudget", namespace, name);
    let store = view.store();
    let pdb = report::pdbs_in(&store).into_iter().find(|pdb| {
        pdb.metadata.namespace.as_deref() == Some(namespace)
            && pdb.metadata.name.as_deref() == Some(name)
    });
    let Some(pdb) = pdb else {
        return Described {
            command,
            text: format!(
                "Error from server (NotFound): poddisruptionbudgets.policy \"{name}\" not found"
            ),
            found: false,
        };
    };
    let events = describe::events_about_pdb(pdb, &report::events_in(&store));
    Described {
        command,
        text: describe::describe_pdb(pdb, &events, view.now_ms()),
        found: true,
    }
}

/// `kubectl describe node <name>` at the view's position.
fn describe_node_named(view: &ViewState, name: &str) -> Described {
    let command = format!("kubectl describe node {name}");
    let store = view.store();
    let node = report::nodes_in(&store)
        .into_iter()
        .find(|node| node.metadata.name.as_deref() == Some(name));
    let Some(node) = node else {
        return Described {
            command,
            text: format!("Error from server (NotFound): nodes \"{name}\" not found"),
            found: false,
        };
    };
    let pods = report::pods_in(&store);
    let on_node = describe::pods_on_node(node, &pods);
    let events = describe::events_about_node(node, &report::events_in(&store));
    Described {
        command,
        text: describe::describe_node(node, &on_node, &events, view.now_ms()),
        found: true,
    }
}

/// [`Described`] for the node picked for the Describe tab, else for the pod the inspectors follow;
/// `None` before any pod appears in the trace.
pub fn describe_focused(view: &ViewState) -> Option<Described> {
    if let Some(node) = &view.described_node {
        return Some(describe_node_named(view, node));
    }
    if let Some(pdb) = &view.described_pdb {
        return Some(describe_pdb_named(view, pdb));
    }
    let key = focus_pod(view)?;
    let (namespace, name) = key.split_once('/').unwrap_or(("default", key.as_str()));
    let command = describe_command("pod", namespace, name);
    let store = view.store();
    let pod = report::pods_in(&store).into_iter().find(|pod| {
        pod.metadata.namespace.as_deref() == Some(namespace)
            && pod.metadata.name.as_deref() == Some(name)
    });
    let Some(pod) = pod else {
        return Some(Described {
            command,
            text: format!("Error from server (NotFound): pods \"{name}\" not found"),
            found: false,
        });
    };
    let events = describe::events_about(pod, &report::events_in(&store));
    Some(Described {
        command,
        text: describe::describe_pod(pod, &events, view.now_ms()),
        found: true,
    })
}

/// What one kubectl command printed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KubectlResult {
    /// The trace reference of the object the command was about.
    pub object: String,
    /// Every printed line, warnings first, exactly as kubectl prints them.
    pub lines: Vec<String>,
    /// Exit code 0.
    pub success: bool,
    pub time_ms: u64,
}

/// The latest kubectl `Result` entry up to the view's position.
pub fn latest_kubectl_result(view: &ViewState) -> Option<KubectlResult> {
    let entry = visible_entries(view)
        .iter()
        .rev()
        .find(|e| e.component == Component::Kubectl && e.stage == Stage::Result)?;
    let data = entry.data.value();
    let lines: Vec<String> = match data.get("lines").and_then(Value::as_array) {
        Some(lines) => lines
            .iter()
            .filter_map(Value::as_str)
            .map(String::from)
            .collect(),
        None => data
            .get("output")
            .and_then(Value::as_str)
            .unwrap_or(&entry.summary)
            .split('\n')
            .map(String::from)
            .collect(),
    };
    Some(KubectlResult {
        object: entry.object.clone(),
        lines,
        success: entry.outcome != Outcome::Failed,
        time_ms: entry.time_ms,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ui::panels::testing::{view_of_builtin, view_until};

    #[test]
    fn should_describe_the_followed_pod_at_the_views_position() {
        // Before the pod is stored: kubectl's NotFound.
        let early = view_until("demo-pod", |e| e.stage == Stage::Decode);
        let described = describe_focused(&early).expect("a pod is followed");
        assert_eq!(described.command, "kubectl describe pod demo-pod");
        assert_eq!(
            described.text,
            "Error from server (NotFound): pods \"demo-pod\" not found"
        );
        assert!(!described.found);
        // Stored but not scheduled: Pending, no node, no events yet.
        let stored = view_until("demo-pod", |e| {
            e.component == Component::Etcd && e.object == "pods/default/demo-pod"
        });
        let text = describe_focused(&stored).expect("described").text;
        assert!(text.contains("Node:             <none>\n"), "{text}");
        assert!(text.contains("Status:           Pending\n"), "{text}");
        assert!(
            text.ends_with("Events:                      <none>\n"),
            "{text}"
        );
        // At the end: Running on node-c with the scheduler's and the kubelet's events.
        let end = view_of_builtin("demo-pod");
        let text = describe_focused(&end).expect("described").text;
        assert!(
            text.contains("Node:             node-c/192.168.49.4\n"),
            "{text}"
        );
        assert!(text.contains("    State:          Running\n"), "{text}");
        for reason in ["Scheduled", "Pulling", "Pulled", "Created", "Started"] {
            assert!(
                text.contains(&format!("  Normal  {reason} ")),
                "{reason}: {text}"
            );
        }
    }

    #[test]
    fn should_describe_a_picked_node_at_the_views_position() {
        // Before the bind the pod is not on node-c; after it, node-c lists it.
        let stored = view_until("demo-pod", |e| {
            e.component == Component::Etcd && e.object == "pods/default/demo-pod"
        })
        .with_described_node(Some("node-c".into()));
        let described = describe_focused(&stored).expect("described");
        assert_eq!(described.command, "kubectl describe node node-c");
        assert!(described.found);
        assert!(
            described.text.starts_with("Name:               node-c\n"),
            "{}",
            described.text
        );
        assert!(
            described.text.contains("(0 in total)"),
            "{}",
            described.text
        );
        let end = view_of_builtin("demo-pod").with_described_node(Some("node-c".into()));
        let text = describe_focused(&end).expect("described").text;
        assert!(
            text.contains("Non-terminated Pods:          (1 in total)\n"),
            "{text}"
        );
        assert!(
            text.contains("  default                     demo-pod"),
            "{text}"
        );
        // Choices: the followed pod and every node.
        let choices = describe_choices(&end);
        assert_eq!(choices.pod.as_deref(), Some("default/demo-pod"));
        assert_eq!(choices.nodes, ["node-a", "node-b", "node-c"]);
        assert!(choices.budgets.is_empty());
        // A node that is not stored: kubectl's NotFound.
        let missing = view_of_builtin("demo-pod").with_described_node(Some("node-z".into()));
        let described = describe_focused(&missing).expect("described");
        assert!(!described.found);
        assert_eq!(
            described.text,
            "Error from server (NotFound): nodes \"node-z\" not found"
        );
    }

    #[test]
    fn should_list_demo_pod_events_scheduled_then_the_four_kubelet_events() {
        let view = view_of_builtin("demo-pod");
        let rows = event_rows(&view);
        let reasons: Vec<&str> = rows.iter().map(|r| r.reason.as_str()).collect();
        assert_eq!(
            reasons,
            ["Scheduled", "Pulling", "Pulled", "Created", "Started"]
        );
        assert!(rows.iter().all(|r| r.event_type == "Normal"));
        assert!(rows.iter().all(|r| r.object == "pod/demo-pod"));
        assert_eq!(
            rows[0].message,
            "Successfully assigned default/demo-pod to node-c"
        );
        assert_eq!(rows[1].message, "Pulling image \"nginx:latest\"");
    }

    #[test]
    fn should_list_events_in_the_api_servers_key_order_like_kubectl_get_events() {
        // Three pods: kubectl prints their events grouped by object name (the events' names start
        // with it), each object's events in time order, not interleaved by time.
        let view = view_of_builtin("service-spread");
        let rows = event_rows(&view);
        let objects: Vec<&str> = rows.iter().map(|r| r.object.as_str()).collect();
        let mut sorted = objects.clone();
        sorted.sort();
        assert_eq!(objects, sorted);
        let web_2: Vec<&str> = rows
            .iter()
            .filter(|r| r.object == "pod/web-2")
            .map(|r| r.reason.as_str())
            .collect();
        assert_eq!(web_2.first(), Some(&"Scheduled"));
        assert_eq!(web_2.last(), Some(&"Started"));
    }

    #[test]
    fn should_list_an_event_only_from_the_entry_that_records_it() {
        // The scheduler's Bind entry and its Scheduled event come from one engine step.
        let reasons_at = |stage: Stage| {
            let view = view_until("demo-pod", |e| {
                e.stage == stage && e.object.starts_with("pods/default/demo-pod")
            });
            event_rows(&view)
                .into_iter()
                .map(|row| row.reason)
                .collect::<Vec<_>>()
        };
        assert!(reasons_at(Stage::Bind).is_empty());
        assert_eq!(reasons_at(Stage::Event), ["Scheduled"]);
    }

    #[test]
    fn should_print_demo_pod_running_with_its_node_and_ip() {
        let view = view_of_builtin("demo-pod");
        let rows = pod_rows(&view);
        assert_eq!(rows.len(), 1);
        let row = &rows[0];
        assert_eq!(
            (row.name.as_str(), row.ready.as_str(), row.status.as_str()),
            ("demo-pod", "1/1", "Running")
        );
        assert_eq!(row.node, "node-c");
        assert_eq!(row.restarts, "0");
        assert_eq!(row.nominated_node, "<none>");
        assert_eq!(row.readiness_gates, "<none>");
        assert!(row.ip.starts_with("10."), "{}", row.ip);
    }

    #[test]
    fn should_show_the_pod_pending_before_the_scheduler_binds_it() {
        let early = view_until("demo-pod", |e| e.stage == Stage::Result);
        let rows = pod_rows(&early);
        assert_eq!(rows[0].status, "Pending");
        assert_eq!(rows[0].node, "<none>");
    }

    #[test]
    fn should_print_the_strict_decoding_error_for_the_seed_yaml_as_written() {
        let view = view_of_builtin("constrained-pod-as-written");
        let result = latest_kubectl_result(&view).unwrap();
        assert!(!result.success);
        assert_eq!(
            result.lines,
            ["Error from server (BadRequest): error when creating \"constrained-pod-as-written.yaml\": Pod in version \"v1\" cannot be handled as a Pod: strict decoding error: unknown field \"spec.nodeAffinity\""]
        );
    }

    #[test]
    fn should_describe_a_budget_picked_in_the_describe_tab() {
        let view = view_of_builtin("preemption-pdb");
        assert_eq!(describe_choices(&view).budgets, ["default/web"]);
        let described = describe_focused(&view.with_described_pdb(Some("default/web".into())))
            .expect("described");
        assert!(described.found);
        assert_eq!(
            described.command,
            "kubectl describe poddisruptionbudget web"
        );
        assert!(
            described.text.starts_with(
                "Name:           web\nNamespace:      default\nMin available:  2\nSelector:       app=web\nStatus:\n    Allowed disruptions:  0\n    Current:              2\n    Desired:              2\n    Total:                2\n"
            ),
            "{}",
            described.text
        );
        let missing = view_of_builtin("demo-pod").with_described_pdb(Some("default/web".into()));
        assert_eq!(
            describe_focused(&missing).expect("described").text,
            "Error from server (NotFound): poddisruptionbudgets.policy \"web\" not found"
        );
    }

    #[test]
    fn should_print_the_forbidden_error_for_a_user_without_rbac() {
        let view = view_of_builtin("rbac-forbidden");
        let result = latest_kubectl_result(&view).unwrap();
        assert!(!result.success);
        assert!(
            result.lines[0].starts_with("Error from server (Forbidden): error when creating "),
            "{:?}",
            result.lines
        );
    }
}
