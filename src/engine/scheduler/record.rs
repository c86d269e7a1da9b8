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
    /// The plugin whose PreFilter refused the pod: no Filter ran, and every node carries its status.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pre_filter_plugin: Option<String>,
    /// Filter plugins whose PreFilter returned Skip for this pod: their Filter ran on no node.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub pre_filter_skipped: Vec<String>,
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

/// How the scheduler keeps an attempt internally: node names as interned ids, distinct rejection
/// verdicts stored once, scores as small integers. `SchedulingAttempt` is built from it on demand, so a
/// 10,000-pod run over 5,000 nodes stays within memory.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct CompactAttempt {
    pub pod: String,
    pub attempt: u32,
    pub time_ms: u64,
    pub result: AttemptResult,
    pub node: Option<String>,
    pub message: String,
    pub scoring_skipped: bool,
    /// Evaluated nodes in filter order (interned name ids).
    pub evaluated: Vec<u32>,
    /// Distinct rejection verdicts: plugin and reasons.
    pub verdicts: Vec<(&'static str, Vec<String>)>,
    /// `(index into evaluated, index into verdicts)` for each rejected node.
    pub rejections: Vec<(u32, u32)>,
    /// Score plugins that ran, with weights.
    pub score_plugins: Vec<(&'static str, i64)>,
    /// Columns (score plugins) whose NormalizeScore changes the raw score; only those keep raw scores.
    pub raw_columns: Vec<bool>,
    /// Raw scores of the `raw_columns`, row per feasible node.
    pub raw: Vec<i32>,
    /// Row per feasible node (in evaluated order), column per score plugin.
    pub normalized: Vec<u8>,
    /// The plugin whose PreFilter refused the pod.
    pub pre_filter: Option<&'static str>,
    /// Filter plugins whose PreFilter returned Skip.
    pub pre_filter_skipped: Vec<&'static str>,
}

impl CompactAttempt {
    /// The public shape; `name_of` resolves interned node ids.
    pub fn expand(&self, name_of: impl Fn(u32) -> String) -> SchedulingAttempt {
        let k = self.score_plugins.len();
        let raw_k = self.raw_columns.iter().filter(|c| **c).count();
        let mut nodes = Vec::with_capacity(self.evaluated.len());
        let mut rejections = self.rejections.iter().peekable();
        let mut row = 0usize;
        for (i, id) in self.evaluated.iter().enumerate() {
            let rejected = rejections.next_if(|(idx, _)| *idx as usize == i);
            let (filter, scores, total) = match rejected {
                Some((_, v)) => {
                    let (plugin, reasons) = self
                        .verdicts
                        .get(*v as usize)
                        .cloned()
                        .unwrap_or(("", Vec::new()));
                    (
                        FilterVerdict {
                            passed: false,
                            plugin: Some(plugin.to_string()),
                            reasons,
                        },
                        Vec::new(),
                        None,
                    )
                }
                None => {
                    let scored =
                        !self.scoring_skipped && k > 0 && self.normalized.len() >= (row + 1) * k;
                    let mut scores = Vec::new();
                    let mut total = None;
                    if scored {
                        let mut sum = 0;
                        let mut raw_col = 0;
                        for (col, (plugin, weight)) in self.score_plugins.iter().enumerate() {
                            let normalized = i64::from(self.normalized[row * k + col]);
                            let raw = if self.raw_columns.get(col).copied().unwrap_or(false) {
                                raw_col += 1;
                                self.raw
                                    .get(row * raw_k + raw_col - 1)
                                    .map(|v| i64::from(*v))
                                    .unwrap_or(0)
                            } else {
                                normalized
                            };
                            sum += normalized * weight;
                            scores.push(PluginScore {
                                plugin: plugin.to_string(),
                                raw,
                                normalized,
                                weight: *weight,
                                weighted: normalized * weight,
                            });
                        }
                        total = Some(sum);
                    } else if !self.scoring_skipped && self.result == AttemptResult::Scheduled {
                        // No score plugin ran: every node totals 0.
                        total = Some(0);
                    }
                    row += 1;
                    (
                        FilterVerdict {
                            passed: true,
                            plugin: None,
                            reasons: Vec::new(),
                        },
                        scores,
                        total,
                    )
                }
            };
            nodes.push(NodeEvaluation {
                name: name_of(*id),
                filter,
                scores,
                total,
            });
        }
        SchedulingAttempt {
            pod: self.pod.clone(),
            attempt: self.attempt,
            time_ms: self.time_ms,
            result: self.result,
            node: self.node.clone(),
            message: self.message.clone(),
            scoring_skipped: self.scoring_skipped,
            nodes,
            pre_filter_plugin: self.pre_filter.map(String::from),
            pre_filter_skipped: self
                .pre_filter_skipped
                .iter()
                .map(|p| p.to_string())
                .collect(),
        }
    }
}
