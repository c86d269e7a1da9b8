//! The run report: what the CLI prints after a simulation, as JSON (`-o json`) or for a person
//! (`-o text`, like `kubectl describe` plus the scheduler's reasoning).
//!
//! No upstream counterpart as a whole; its pieces are what `kubectl get -o json`, `kubectl get events`,
//! the API server's audit log and the scheduler's verbose logs would show.

use k8s_openapi::api::core::v1::{Event, Pod};
use serde_json::{json, Value};

use crate::engine::describe::{
    describe_node, describe_pdb, describe_pod, events_about, events_about_node, events_about_pdb,
    pods_on_node,
};
use crate::engine::objects::Object;
use crate::engine::printers::{
    deployment_row, node_row, pdb_row, pod_row, replica_set_row, table, DEPLOYMENT_COLUMNS,
    NODE_COLUMNS, PDB_COLUMNS, POD_COLUMNS, REPLICA_SET_COLUMNS,
};
use crate::engine::scheduler::{AttemptResult, SchedulingAttempt};
use crate::engine::sim::Simulation;
use crate::engine::store::{list_prefix, StoreAt, ETCD_PREFIX};
use crate::engine::trace::{Component, Stage};

/// Stored objects of one resource, in key order, as the API server returns them.
pub fn list(sim: &Simulation, resource: &str) -> Vec<Object> {
    let prefix = list_prefix(resource, None);
    sim.api
        .store
        .list(&prefix)
        .map(|(_, stored)| stored.object.clone())
        .collect()
}

/// Pods in key order (namespace, then name).
pub fn pods(sim: &Simulation) -> Vec<Pod> {
    stored_pods(sim).into_iter().cloned().collect()
}

/// The stored pods themselves, in key order (the page lists them on every step: no copies).
pub fn stored_pods(sim: &Simulation) -> Vec<&Pod> {
    pods_in(&sim.api.store.current())
}

/// The stored nodes, in key order (`kubectl get nodes`).
pub fn stored_nodes(sim: &Simulation) -> Vec<&k8s_openapi::api::core::v1::Node> {
    nodes_in(&sim.api.store.current())
}

/// The nodes `store` holds, in key order.
pub fn nodes_in<'a>(store: &StoreAt<'a>) -> Vec<&'a k8s_openapi::api::core::v1::Node> {
    let prefix = crate::engine::store::list_prefix("nodes", None);
    store
        .list(&prefix)
        .filter_map(|(_, stored)| stored.object.as_node())
        .collect()
}

/// Every PodDisruptionBudget `store` holds, in key order (namespace, then name).
pub fn pdbs_in<'a>(
    store: &StoreAt<'a>,
) -> Vec<&'a k8s_openapi::api::policy::v1::PodDisruptionBudget> {
    store
        .list(&format!("{ETCD_PREFIX}/poddisruptionbudgets/"))
        .filter_map(|(_, stored)| match &stored.object {
            Object::PodDisruptionBudget(pdb) => Some(&**pdb),
            _ => None,
        })
        .collect()
}

/// The events `store` holds as `kubectl get events` lists them: in key order (namespace, then name,
/// which is the object's name and the hex time), the API server's list order, which kubectl does not
/// sort (kubernetes/kubernetes#29838). One object's events are in time order.
pub fn events_listed<'a>(store: &StoreAt<'a>) -> Vec<&'a Event> {
    let prefix = format!("{ETCD_PREFIX}/events/");
    store
        .list(&prefix)
        .filter_map(|(_, stored)| match &stored.object {
            Object::Event(e) => Some(&**e),
            _ => None,
        })
        .collect()
}

/// The pods `store` holds, in key order.
pub fn pods_in<'a>(store: &StoreAt<'a>) -> Vec<&'a Pod> {
    let prefix = format!("{ETCD_PREFIX}/pods/");
    store
        .list(&prefix)
        .filter_map(|(_, stored)| match &stored.object {
            Object::Pod(p) => Some(&**p),
            _ => None,
        })
        .collect()
}

/// `kubectl get deployments` rows of every Deployment `store` holds, in key order, at `now_ms`.
pub fn deployment_rows(store: &StoreAt, now_ms: u64) -> Vec<Vec<String>> {
    store
        .list(&format!("{ETCD_PREFIX}/deployments/"))
        .filter_map(|(_, stored)| match &stored.object {
            Object::Deployment(d) => Some(deployment_row(d, now_ms)),
            _ => None,
        })
        .collect()
}

/// `kubectl get replicasets` rows of every ReplicaSet `store` holds, in key order, at `now_ms`.
pub fn replica_set_rows(store: &StoreAt, now_ms: u64) -> Vec<Vec<String>> {
    store
        .list(&format!("{ETCD_PREFIX}/replicasets/"))
        .filter_map(|(_, stored)| match &stored.object {
            Object::ReplicaSet(rs) => Some(replica_set_row(rs, now_ms)),
            _ => None,
        })
        .collect()
}

/// `kubectl get pdb` rows of every PodDisruptionBudget `store` holds, in key order, at `now_ms`.
pub fn pdb_rows(store: &StoreAt, now_ms: u64) -> Vec<Vec<String>> {
    pdbs_in(store)
        .into_iter()
        .map(|pdb| pdb_row(pdb, now_ms))
        .collect()
}

/// Events in the order they were recorded (their creation revision), as `kubectl describe` lists them.
pub fn events(sim: &Simulation) -> Vec<Event> {
    stored_events(sim).into_iter().cloned().collect()
}

/// The stored events themselves, in the order they were recorded (no copies).
pub fn stored_events(sim: &Simulation) -> Vec<&Event> {
    events_in(&sim.api.store.current())
}

/// The events `store` holds, in the order they were recorded (their creation revision).
pub fn events_in<'a>(store: &StoreAt<'a>) -> Vec<&'a Event> {
    let prefix = format!("{ETCD_PREFIX}/events/");
    let mut events: Vec<(i64, &Event)> = store
        .list(&prefix)
        .filter_map(|(_, stored)| match &stored.object {
            Object::Event(e) => Some((stored.create_revision, &**e)),
            _ => None,
        })
        .collect();
    events.sort_by_key(|(revision, _)| *revision);
    events.into_iter().map(|(_, e)| e).collect()
}

/// The lines kubectl printed, in order.
pub fn kubectl_output(sim: &Simulation) -> Vec<String> {
    sim.trace
        .entries
        .iter()
        .filter(|e| e.component == Component::Kubectl && e.stage == Stage::Result)
        .map(|e| {
            e.data
                .value()
                .get("output")
                .and_then(Value::as_str)
                .map(String::from)
                .unwrap_or_else(|| e.summary.clone())
        })
        .collect()
}

/// The JSON report (`podflow run -o json`).
pub fn json_report(sim: &Simulation, scenario: &str, seed: u64) -> Value {
    let objects = |resource: &str| -> Vec<Value> {
        list(sim, resource).iter().map(Object::to_json).collect()
    };
    json!({
        "scenario": scenario,
        "seed": seed,
        "timeMs": sim.now_ms,
        "storyStartSeq": sim.story_start_seq,
        "kubectl": kubectl_output(sim),
        "pods": objects("pods"),
        "nodes": objects("nodes"),
        "events": events(sim).iter().map(|e| crate::engine::objects::to_json_value(e).unwrap_or(Value::Null)).collect::<Vec<_>>(),
        "requests": sim.api.requests,
        "scheduling": sim.scheduler.attempts(),
        "trace": sim.trace.entries,
    })
}

fn seconds(ms: u64) -> String {
    format!("{}.{:03}s", ms / 1000, ms % 1000)
}

/// The scheduler's reasoning for one attempt: filter verdicts, then the score table.
pub fn attempt_text(attempt: &SchedulingAttempt) -> String {
    let mut out = String::new();
    let verdict = match (attempt.result, &attempt.node) {
        (AttemptResult::Scheduled, Some(node)) => format!("Scheduled on {node}"),
        _ => "Unschedulable".to_string(),
    };
    out.push_str(&format!(
        "Pod {} attempt {} at t={}: {}\n  {}\n",
        attempt.pod,
        attempt.attempt,
        seconds(attempt.time_ms),
        verdict,
        attempt.message
    ));
    if let Some(plugin) = &attempt.pre_filter_plugin {
        let reasons = attempt
            .nodes
            .first()
            .map(|n| n.filter.reasons.join("; "))
            .unwrap_or_default();
        out.push_str(&format!(
            "  PreFilter: {plugin} rejected the pod before any Filter ran: {reasons}\n"
        ));
        return out;
    }
    let passed = attempt.nodes.iter().filter(|n| n.filter.passed).count();
    out.push_str(&format!(
        "  Filter: {passed} of {} evaluated nodes passed\n",
        attempt.nodes.len()
    ));
    if !attempt.pre_filter_skipped.is_empty() {
        out.push_str(&format!(
            "  PreFilter returned Skip (their Filter ran on no node): {}\n",
            attempt.pre_filter_skipped.join(", ")
        ));
    }
    let filter_rows: Vec<Vec<String>> = attempt
        .nodes
        .iter()
        .map(|n| {
            if n.filter.passed {
                vec![n.name.clone(), "passed".into(), String::new()]
            } else {
                vec![
                    n.name.clone(),
                    n.filter.plugin.clone().unwrap_or_default(),
                    n.filter.reasons.join("; "),
                ]
            }
        })
        .collect();
    for line in table(&["NODE", "FILTER", "REASONS"], &filter_rows).lines() {
        out.push_str(&format!("    {}\n", line.trim_end()));
    }
    if attempt.scoring_skipped {
        out.push_str("  Score: skipped (exactly one node passed the filters)\n");
    } else if attempt.nodes.iter().any(|n| n.total.is_some()) {
        out.push_str("  Score (raw → normalized × weight = weighted):\n");
        let mut rows = Vec::new();
        for n in attempt.nodes.iter().filter(|n| n.total.is_some()) {
            for s in &n.scores {
                rows.push(vec![
                    n.name.clone(),
                    s.plugin.clone(),
                    s.raw.to_string(),
                    s.normalized.to_string(),
                    s.weight.to_string(),
                    s.weighted.to_string(),
                ]);
            }
            let total = n.total.unwrap_or(0);
            let marker = if attempt.node.as_deref() == Some(n.name.as_str()) {
                " (chosen)"
            } else {
                ""
            };
            rows.push(vec![
                n.name.clone(),
                "TOTAL".into(),
                String::new(),
                String::new(),
                String::new(),
                format!("{total}{marker}"),
            ]);
        }
        for line in table(
            &["NODE", "PLUGIN", "RAW", "NORMALIZED", "WEIGHT", "WEIGHTED"],
            &rows,
        )
        .lines()
        {
            out.push_str(&format!("    {}\n", line.trim_end()));
        }
    }
    out
}

/// The report for a person (`podflow run -o text`).
pub fn text_report(sim: &Simulation, scenario: &str, seed: u64) -> String {
    let mut out = String::new();
    out.push_str(&format!(
        "Scenario {scenario} (seed {seed}): {} trace steps, quiet at t={}\n\n",
        sim.trace.len(),
        seconds(sim.now_ms)
    ));
    out.push_str("== kubectl\n");
    for line in kubectl_output(sim) {
        out.push_str(&line);
        out.push('\n');
    }
    out.push_str("\n== kubectl get pods -o wide\n");
    let pods = pods(sim);
    if pods.is_empty() {
        out.push_str("No resources found\n");
    } else {
        let rows: Vec<Vec<String>> = pods
            .iter()
            .map(|p| {
                pod_row(p, sim.now_ms)
                    .cells()
                    .iter()
                    .map(|cell| cell.to_string())
                    .collect()
            })
            .collect();
        out.push_str(&table(&POD_COLUMNS, &rows));
    }
    out.push_str("\n== kubectl get nodes\n");
    let node_rows: Vec<Vec<String>> = stored_nodes(sim)
        .into_iter()
        .map(|node| {
            let row = node_row(node, sim.now_ms);
            row.cells()[..5].iter().map(|c| c.to_string()).collect()
        })
        .collect();
    if node_rows.is_empty() {
        out.push_str("No resources found\n");
    } else {
        out.push_str(&table(&NODE_COLUMNS[..5], &node_rows));
    }
    // Workload controllers' objects, when the scenario has any.
    let store = sim.api.store.current();
    let deployments = deployment_rows(&store, sim.now_ms);
    if !deployments.is_empty() {
        out.push_str("\n== kubectl get deployments\n");
        out.push_str(&table(&DEPLOYMENT_COLUMNS, &deployments));
    }
    let replica_sets = replica_set_rows(&store, sim.now_ms);
    if !replica_sets.is_empty() {
        out.push_str("\n== kubectl get replicasets\n");
        out.push_str(&table(&REPLICA_SET_COLUMNS, &replica_sets));
    }
    let budgets = pdb_rows(&store, sim.now_ms);
    if !budgets.is_empty() {
        out.push_str("\n== kubectl get poddisruptionbudgets\n");
        out.push_str(&table(&PDB_COLUMNS, &budgets));
    }
    out.push_str("\n== Scheduling\n");
    if sim.scheduler.attempts().is_empty() {
        out.push_str("No scheduling attempts.\n");
    }
    for attempt in &sim.scheduler.attempts() {
        out.push_str(&attempt_text(attempt));
    }
    let events = stored_events(sim);
    for pod in &pods {
        out.push_str("\n== kubectl describe pod\n");
        out.push_str(&describe_pod(pod, &events_about(pod, &events), sim.now_ms));
    }
    let all_pods: Vec<&Pod> = pods.iter().collect();
    for node in stored_nodes(sim) {
        out.push_str("\n== kubectl describe node\n");
        let on_node = pods_on_node(node, &all_pods);
        let about = events_about_node(node, &events);
        out.push_str(&describe_node(node, &on_node, &about, sim.now_ms));
    }
    for pdb in pdbs_in(&store) {
        out.push_str("\n== kubectl describe poddisruptionbudget\n");
        let about = events_about_pdb(pdb, &events);
        out.push_str(&describe_pdb(pdb, &about, sim.now_ms));
    }
    out.push_str("\n== Trace\n");
    out.push_str(&sim.trace.to_lines());
    out
}
