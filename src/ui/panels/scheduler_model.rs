//! The scheduler's reasoning for one pod, as the seed's two tables: which filter plugin stopped which
//! node (and with what upstream reason), and every score plugin's raw, normalized, weight and weighted
//! score per feasible node, with the totals and the winner.
//!
//! The values are the scheduler's own records (`Scheduler::attempt`, located through the trace's
//! `Filter` entry for the attempt shown); upstream's framework runs a node's Filter plugins in order
//! and stops at the first that rejects it (`RunFilterPlugins`), so later plugins did not run on it.

use serde_json::Value;

use crate::engine::scheduler::{AttemptResult, SchedulingAttempt};
use crate::engine::trace::{Component, Stage, TraceEntry};
use crate::ui::view_state::ViewState;

use super::focus::{focus_pod, pod_ref, visible_entries};

/// One cell of the filter table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FilterCell {
    /// The plugin let the node through.
    Passed,
    /// The plugin rejected the node; the upstream reasons, joined with `, `.
    Rejected(String),
    /// An earlier plugin rejected the node, so this one did not run on it.
    NotRun,
    /// The plugin's PreFilter returned Skip for this pod, so its Filter ran on no node.
    Skipped,
}

/// Filter plugins down, nodes across.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FilterTable {
    /// Evaluated nodes, in the order the scheduler filtered them.
    pub nodes: Vec<String>,
    /// One row per plugin: its name and one cell per node.
    pub rows: Vec<(String, Vec<FilterCell>)>,
    /// Per node: whether it passed every filter.
    pub feasible: Vec<bool>,
}

/// One score plugin's numbers for one node.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScoreLine {
    pub plugin: String,
    pub raw: i64,
    pub normalized: i64,
    pub weight: i64,
    pub weighted: i64,
}

/// One feasible node's scores.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NodeScores {
    pub node: String,
    pub lines: Vec<ScoreLine>,
    pub total: i64,
    /// The node the scheduler chose.
    pub winner: bool,
}

/// What the scoring phase did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Scoring {
    /// Feasible nodes scored, in filter order.
    Scored {
        nodes: Vec<NodeScores>,
        /// How many nodes share the winner's total (above 1, the scheduler picked one at random).
        tied: usize,
    },
    /// Exactly one node was feasible: upstream skips scoring.
    Skipped { node: String },
    /// No node was feasible.
    NoFeasibleNode,
}

/// The scheduler inspector's content.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SchedulerModel {
    /// `namespace/name`
    pub pod: String,
    /// 1 for the pod's first attempt.
    pub attempt: u32,
    pub time_ms: u64,
    pub scheduled: bool,
    /// The chosen node.
    pub node: Option<String>,
    /// The FailedScheduling message, or the Scheduled event's message.
    pub message: String,
    pub filter: FilterTable,
    pub scoring: Scoring,
    /// The plugin whose PreFilter refused the pod before any Filter ran.
    pub pre_filter: Option<String>,
    /// How far the attempt has got at the view's position: the filter table shows from its Filter
    /// entry, the scores from its Score entry, the result from its Bind or Unschedulable entry.
    pub reached: AttemptPhase,
    /// For an unschedulable attempt, the plugins that rejected the pod with the cluster events each
    /// registered: what may send it back to the queue (the engine's `Scheduler::requeue_events`).
    pub waits_for: Vec<(String, Vec<String>)>,
}

/// The phases of one scheduling attempt as its trace entries show them, in order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum AttemptPhase {
    /// Filter ran; scoring has not (or will not: no node was feasible).
    Filtered,
    /// Scores and the chosen node are known; the binding has not been tried yet.
    Scored,
    /// Bound, or found unschedulable: the attempt's result and message are known.
    Concluded,
}

/// The pod's latest attempt up to the view's position: located by the trace's latest `Filter` entry for
/// the pod, whose `data.attempt` indexes the scheduler's records.
pub fn latest_attempt(view: &ViewState, pod: &str) -> Option<SchedulingAttempt> {
    latest_attempt_and_phase(view, pod).map(|(attempt, _)| attempt)
}

/// [`latest_attempt`] with the phase it has reached at the view's position (one engine step records
/// Filter, Score and Bind, but the page shows them one entry at a time).
fn latest_attempt_and_phase(
    view: &ViewState,
    pod: &str,
) -> Option<(SchedulingAttempt, AttemptPhase)> {
    let reference = pod_ref(pod);
    let visible = visible_entries(view);
    let is_scheduler_entry =
        |e: &&TraceEntry| e.component == Component::Scheduler && e.object == reference;
    let at = visible
        .iter()
        .rposition(|e| is_scheduler_entry(&e) && e.stage == Stage::Filter)?;
    let index = visible
        .get(at)?
        .data
        .value()
        .get("attempt")
        .and_then(Value::as_u64)?;
    let attempt = view.sim.scheduler.attempt(usize::try_from(index).ok()?)?;
    if attempt.pod != pod {
        return None;
    }
    let reached = visible
        .get(at + 1..)
        .unwrap_or_default()
        .iter()
        .filter(is_scheduler_entry)
        .filter_map(|e| match e.stage {
            Stage::Score => Some(AttemptPhase::Scored),
            Stage::Bind | Stage::Unschedulable => Some(AttemptPhase::Concluded),
            _ => None,
        })
        .max()
        .unwrap_or(AttemptPhase::Filtered);
    Some((attempt, reached))
}

/// The filter table of an attempt; `plugins` are the profile's Filter plugins in order. A plugin that
/// rejected a node without being one of them (a PreFilter rejection) gets a row of its own first.
pub fn filter_table(attempt: &SchedulingAttempt, plugins: &[&str]) -> FilterTable {
    if let Some(plugin) = &attempt.pre_filter_plugin {
        return pre_filter_table(attempt, plugin, plugins);
    }
    let mut names: Vec<String> = plugins.iter().map(|p| p.to_string()).collect();
    for node in &attempt.nodes {
        if let Some(plugin) = &node.filter.plugin {
            if !names.contains(plugin) {
                names.insert(0, plugin.clone());
            }
        }
    }
    let rows = names
        .iter()
        .enumerate()
        .map(|(row, plugin)| {
            if attempt.pre_filter_skipped.contains(plugin) {
                return (
                    plugin.clone(),
                    vec![FilterCell::Skipped; attempt.nodes.len()],
                );
            }
            let cells = attempt
                .nodes
                .iter()
                .map(|node| {
                    let stop = node
                        .filter
                        .plugin
                        .as_ref()
                        .filter(|_| !node.filter.passed)
                        .and_then(|p| names.iter().position(|n| n == p));
                    match stop {
                        None => FilterCell::Passed,
                        Some(at) if row < at => FilterCell::Passed,
                        Some(at) if row == at => {
                            FilterCell::Rejected(node.filter.reasons.join(", "))
                        }
                        Some(_) => FilterCell::NotRun,
                    }
                })
                .collect();
            (plugin.clone(), cells)
        })
        .collect();
    FilterTable {
        nodes: attempt.nodes.iter().map(|n| n.name.clone()).collect(),
        rows,
        feasible: attempt.nodes.iter().map(|n| n.filter.passed).collect(),
    }
}

/// The filter table of an attempt a PreFilter refused: the PreFilter's row rejects every node with its
/// reason, and no Filter plugin ran.
fn pre_filter_table(attempt: &SchedulingAttempt, plugin: &str, plugins: &[&str]) -> FilterTable {
    let rejected: Vec<FilterCell> = attempt
        .nodes
        .iter()
        .map(|node| FilterCell::Rejected(node.filter.reasons.join(", ")))
        .collect();
    let not_run = vec![FilterCell::NotRun; attempt.nodes.len()];
    let mut rows = vec![(format!("{plugin} (PreFilter)"), rejected)];
    rows.extend(plugins.iter().map(|p| (p.to_string(), not_run.clone())));
    FilterTable {
        nodes: attempt.nodes.iter().map(|n| n.name.clone()).collect(),
        rows,
        feasible: vec![false; attempt.nodes.len()],
    }
}

/// The scoring phase of an attempt.
pub fn scoring(attempt: &SchedulingAttempt) -> Scoring {
    let feasible: Vec<_> = attempt.nodes.iter().filter(|n| n.filter.passed).collect();
    if feasible.is_empty() {
        return Scoring::NoFeasibleNode;
    }
    if attempt.scoring_skipped {
        let node = attempt
            .node
            .clone()
            .or_else(|| feasible.first().map(|n| n.name.clone()))
            .unwrap_or_default();
        return Scoring::Skipped { node };
    }
    let nodes: Vec<NodeScores> = feasible
        .iter()
        .map(|n| NodeScores {
            node: n.name.clone(),
            lines: n
                .scores
                .iter()
                .map(|s| ScoreLine {
                    plugin: s.plugin.clone(),
                    raw: s.raw,
                    normalized: s.normalized,
                    weight: s.weight,
                    weighted: s.weighted,
                })
                .collect(),
            total: n.total.unwrap_or(0),
            winner: attempt.node.as_deref() == Some(n.name.as_str()),
        })
        .collect();
    let best = nodes.iter().find(|n| n.winner).map(|n| n.total);
    let tied = best.map_or(0, |best| nodes.iter().filter(|n| n.total == best).count());
    Scoring::Scored { nodes, tied }
}

/// The scheduler inspector for the followed pod at the view's position; `None` before its first
/// scheduling attempt.
pub fn scheduler_model(view: &ViewState) -> Option<SchedulerModel> {
    let pod = focus_pod(view)?;
    let (attempt, reached) = latest_attempt_and_phase(view, &pod)?;
    let plugins = view.sim.scheduler.filter_plugin_names();
    Some(SchedulerModel {
        filter: filter_table(&attempt, &plugins),
        scoring: scoring(&attempt),
        pod: attempt.pod.clone(),
        attempt: attempt.attempt,
        time_ms: attempt.time_ms,
        scheduled: attempt.result == AttemptResult::Scheduled,
        node: attempt.node.clone(),
        message: attempt.message.clone(),
        pre_filter: attempt.pre_filter_plugin.clone(),
        reached,
        waits_for: view.sim.scheduler.requeue_events(&attempt),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ui::panels::testing::{view_following, view_of_builtin, view_until};

    const AFFINITY_REASON: &str = "node(s) didn't match Pod's node affinity/selector";

    fn row<'a>(table: &'a FilterTable, plugin: &str) -> &'a [FilterCell] {
        &table
            .rows
            .iter()
            .find(|(name, _)| name == plugin)
            .unwrap_or_else(|| panic!("no {plugin} row in {table:?}"))
            .1
    }

    #[test]
    fn should_reach_each_phase_at_its_own_entry_of_the_scheduling_step() {
        let at = |scenario: &str, stage: Stage| {
            let view = view_until(scenario, |e| {
                e.component == Component::Scheduler && e.stage == stage
            });
            scheduler_model(&view).map(|m| m.reached)
        };
        let cases = [
            ("constrained-pod", Stage::Filter, AttemptPhase::Filtered),
            ("constrained-pod", Stage::Score, AttemptPhase::Scored),
            ("constrained-pod", Stage::Bind, AttemptPhase::Concluded),
            ("pod-too-large", Stage::Filter, AttemptPhase::Filtered),
            (
                "pod-too-large",
                Stage::Unschedulable,
                AttemptPhase::Concluded,
            ),
        ];
        for (scenario, stage, want) in cases {
            assert_eq!(at(scenario, stage), Some(want), "{scenario} at {stage:?}");
        }
        // Before the first Filter entry there is no attempt to show.
        let queued = view_until("constrained-pod", |e| {
            e.component == Component::Scheduler && e.stage == Stage::Queue
        });
        assert_eq!(scheduler_model(&queued), None);
    }

    #[test]
    fn should_show_node_b_failing_node_affinity_with_the_upstream_reason() {
        let view = view_of_builtin("constrained-pod");
        let model = scheduler_model(&view).unwrap();
        assert_eq!(model.pod, "default/constrained-pod");
        assert_eq!(model.filter.nodes, ["node-a", "node-b", "node-c"]);
        assert_eq!(model.filter.feasible, [true, false, true]);
        assert_eq!(
            row(&model.filter, "NodeAffinity"),
            [
                FilterCell::Passed,
                FilterCell::Rejected(AFFINITY_REASON.into()),
                FilterCell::Passed
            ]
        );
        // Plugins before NodeAffinity passed node-b; the ones after it did not run there.
        assert_eq!(row(&model.filter, "TaintToleration")[1], FilterCell::Passed);
        assert_eq!(
            row(&model.filter, "NodeResourcesFit")[1],
            FilterCell::NotRun
        );
        assert_eq!(
            row(&model.filter, "NodeResourcesFit")[2],
            FilterCell::Passed
        );
    }

    #[test]
    fn should_total_node_a_425_and_node_c_450_with_node_c_the_winner() {
        let view = view_of_builtin("constrained-pod");
        let model = scheduler_model(&view).unwrap();
        let Scoring::Scored { nodes, tied } = &model.scoring else {
            panic!("not scored: {:?}", model.scoring);
        };
        let totals: Vec<(&str, i64, bool)> = nodes
            .iter()
            .map(|n| (n.node.as_str(), n.total, n.winner))
            .collect();
        assert_eq!(totals, [("node-a", 425, false), ("node-c", 450, true)]);
        assert_eq!(*tied, 1);
        let fit = nodes[1]
            .lines
            .iter()
            .find(|l| l.plugin == "NodeResourcesFit")
            .unwrap();
        assert_eq!(
            (fit.raw, fit.normalized, fit.weight, fit.weighted),
            (75, 75, 1, 75)
        );
        let taint = nodes[0]
            .lines
            .iter()
            .find(|l| l.plugin == "TaintToleration")
            .unwrap();
        assert_eq!(
            (taint.normalized, taint.weight, taint.weighted),
            (100, 3, 300)
        );
        for node in nodes {
            assert_eq!(
                node.lines.iter().map(|l| l.weighted).sum::<i64>(),
                node.total
            );
        }
        assert!(model.scheduled);
        assert_eq!(model.node.as_deref(), Some("node-c"));
    }

    #[test]
    fn should_give_the_failed_scheduling_message_when_no_node_fits() {
        let view = view_following("pod-too-large", "default/big-pod");
        let model = scheduler_model(&view).unwrap();
        assert!(!model.scheduled);
        assert_eq!(model.scoring, Scoring::NoFeasibleNode);
        assert_eq!(
            model.message,
            "0/3 nodes are available: 3 Insufficient cpu. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling."
        );
        assert_eq!(model.attempt, 2);
        assert!(row(&model.filter, "NodeResourcesFit")
            .iter()
            .all(|c| *c == FilterCell::Rejected("Insufficient cpu".into())));
        // NodeResourcesFit's registrations, with the UpdateNodeTaint upstream adds for Node/Add.
        let events = [
            "PodDelete",
            "PodUpdatePodScaleDown",
            "NodeAdd",
            "NodeUpdateNodeAllocatable",
            "NodeUpdateNodeTaint",
        ];
        assert_eq!(
            model.waits_for,
            vec![(
                "NodeResourcesFit".to_string(),
                events.iter().map(|e| e.to_string()).collect()
            )]
        );
    }

    #[test]
    fn should_show_nothing_before_the_first_attempt() {
        let view = view_until("constrained-pod", |e| e.stage == Stage::Queue);
        assert_eq!(scheduler_model(&view), None);
    }

    #[test]
    fn should_say_scoring_was_skipped_when_one_node_is_feasible() {
        let view = view_following("tainted-node", "default/no-toleration");
        let model = scheduler_model(&view).unwrap();
        assert_eq!(
            model.scoring,
            Scoring::Skipped {
                node: "node-a".into()
            }
        );
        assert_eq!(model.filter.feasible, [true, false, false]);
        assert_eq!(
            row(&model.filter, "TaintToleration"),
            [
                FilterCell::Passed,
                FilterCell::Passed,
                FilterCell::Rejected("node(s) had untolerated taint(s)".into())
            ]
        );
        // Several reasons from one plugin are listed together.
        assert_eq!(
            row(&model.filter, "NodeResourcesFit")[1],
            FilterCell::Rejected("Insufficient cpu, Insufficient memory".into())
        );
        assert_eq!(
            row(&model.filter, "NodeResourcesFit")[2],
            FilterCell::NotRun
        );
    }

    #[test]
    fn should_follow_the_selected_pod_not_the_latest_one() {
        let view = view_following("tainted-node", "default/with-toleration");
        let model = scheduler_model(&view).unwrap();
        assert_eq!(model.pod, "default/with-toleration");
        assert_eq!(model.node.as_deref(), Some("node-c"));
    }

    /// An unschedulable attempt whose `nodes` were all rejected by `plugin` for `reason`.
    fn rejected_attempt(
        nodes: &[&str],
        plugin: &str,
        reason: &str,
        pre_filter_plugin: Option<&str>,
    ) -> SchedulingAttempt {
        use crate::engine::scheduler::{FilterVerdict, NodeEvaluation};
        SchedulingAttempt {
            pod: "default/p".into(),
            attempt: 1,
            time_ms: 0,
            result: AttemptResult::Unschedulable,
            node: None,
            message: String::new(),
            scoring_skipped: false,
            nodes: nodes
                .iter()
                .map(|name| NodeEvaluation {
                    name: name.to_string(),
                    filter: FilterVerdict {
                        passed: false,
                        plugin: Some(plugin.into()),
                        reasons: vec![reason.into()],
                    },
                    scores: Vec::new(),
                    total: None,
                })
                .collect(),
            pre_filter_plugin: pre_filter_plugin.map(String::from),
            pre_filter_skipped: Vec::new(),
        }
    }

    #[test]
    fn should_show_a_prefilter_refusal_as_its_own_row_with_no_filter_run() {
        let attempt = rejected_attempt(
            &["node-a", "node-b"],
            "VolumeRestrictions",
            "persistentvolumeclaim \"data\" not found",
            Some("VolumeRestrictions"),
        );
        let table = filter_table(&attempt, &["NodeName", "VolumeRestrictions"]);
        let reason = FilterCell::Rejected("persistentvolumeclaim \"data\" not found".into());
        assert_eq!(
            table.rows,
            vec![
                (
                    "VolumeRestrictions (PreFilter)".to_string(),
                    vec![reason.clone(), reason]
                ),
                ("NodeName".to_string(), vec![FilterCell::NotRun; 2]),
                (
                    "VolumeRestrictions".to_string(),
                    vec![FilterCell::NotRun; 2]
                ),
            ]
        );
        assert_eq!(table.feasible, [false, false]);
        assert_eq!(scoring(&attempt), Scoring::NoFeasibleNode);
    }

    #[test]
    fn should_give_a_rejecting_plugin_outside_the_filter_list_its_own_first_row() {
        let attempt = rejected_attempt(
            &["node-a"],
            "VolumeBinding",
            "node(s) had volume node affinity conflict",
            None,
        );
        let table = filter_table(&attempt, &["NodeName", "NodeAffinity"]);
        let rows: Vec<(&str, &[FilterCell])> = table
            .rows
            .iter()
            .map(|(p, c)| (p.as_str(), c.as_slice()))
            .collect();
        assert_eq!(
            rows,
            [
                (
                    "VolumeBinding",
                    &[FilterCell::Rejected(
                        "node(s) had volume node affinity conflict".into()
                    )][..]
                ),
                ("NodeName", &[FilterCell::NotRun][..]),
                ("NodeAffinity", &[FilterCell::NotRun][..]),
            ]
        );
        assert_eq!(scoring(&attempt), Scoring::NoFeasibleNode);
    }
}
