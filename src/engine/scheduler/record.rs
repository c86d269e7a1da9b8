//! What the scheduler reports about each attempt: per node, the filter verdict and every score.
//!
//! The shape is podflow's own (the CLI's `scheduling` list and the UI's tables); the values are what
//! upstream's framework computes (`framework.Status`, `NodePluginScores`).

use serde::{Deserialize, Serialize};

/// The outcome of one scheduling attempt.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum AttemptResult {
    Scheduled,
    Unschedulable,
}

/// One attempt to schedule one pod.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SchedulingAttempt {
    /// `namespace/name`
    pub pod: String,
    /// 1 for the first attempt of this pod.
    pub attempt: u32,
    pub time_ms: u64,
    pub result: AttemptResult,
    /// The chosen node when scheduled.
    pub node: Option<String>,
    /// The FailedScheduling message, or the Scheduled event's message.
    pub message: String,
    /// True when exactly one node was feasible, so scoring was skipped.
    pub scoring_skipped: bool,
    /// Every node that was evaluated, in the order they were filtered.
    pub nodes: Vec<NodeEvaluation>,
}

/// One node's verdict within an attempt.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NodeEvaluation {
    pub name: String,
    pub filter: FilterVerdict,
    /// One entry per score plugin that ran (a plugin whose PreScore skipped is absent).
    pub scores: Vec<PluginScore>,
    /// Sum of the weighted scores; absent when the node was not scored.
    pub total: Option<i64>,
}

/// Whether a node passed filtering, and if not, which plugin rejected it and why.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FilterVerdict {
    pub passed: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub plugin: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub reasons: Vec<String>,
}

/// One score plugin's result for one node.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PluginScore {
    pub plugin: String,
    /// What the plugin's Score returned.
    pub raw: i64,
    /// After NormalizeScore (equal to raw for plugins without one).
    pub normalized: i64,
    pub weight: i64,
    /// normalized × weight
    pub weighted: i64,
}
