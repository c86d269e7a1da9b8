//! One scheduling cycle as a pure function: filter the nodes (from the rotating start index, stopping once
//! enough feasible nodes are found), score them, and pick the best, or build the FitError.
//!
//! Mirrors `pkg/scheduler/schedule_one.go` (`schedulePod`, `findNodesThatFitPod`,
//! `findNodesThatPassFilters`, `numFeasibleNodesToFind`, `prioritizeNodes`, `selectHost`) and the run
//! loops of `framework/runtime/framework.go` (`RunFilterPlugins` stops at the first failing plugin;
//! `RunScorePlugins` normalizes, checks the range and weights). Filtering is sequential here, which
//! gives the same node set as upstream's parallel search up to the order in which feasible nodes are
//! found.

use super::cache::{NodeInfo, PodInfo};
use super::config::{Profile, ScoringStrategyType};
use super::fit_error::FitError;
use super::framework::{
    default_normalize_score, Code, CycleState, Plugin, Status, MAX_NODE_SCORE, MIN_NODE_SCORE,
};
use super::plugins::resource_allocation::{resolve, ScoredResource};
use super::plugins::{
    balanced_allocation, default_preemption, image_locality, inter_pod_affinity, node_affinity,
    node_name, node_ports, node_resources_fit, node_unschedulable, pod_topology_spread,
    requested_to_capacity_ratio, skipped, taint_toleration, volume_claims,
};
use crate::engine::rng::SimRng;

/// `ErrNoNodesAvailable`: the message when the cluster has no nodes at all.
pub const ERR_NO_NODES_AVAILABLE: &str = "no nodes available to schedule pods";

/// `minFeasibleNodesToFind`.
pub const MIN_FEASIBLE_NODES_TO_FIND: usize = 100;
/// `minFeasibleNodesPercentageToFind`.
pub const MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND: i64 = 5;

/// `numFeasibleNodesToFind`: all nodes below 100; otherwise the configured percentage, or adaptively
/// `50 - N/125` (at least 5) percent, but never fewer than 100 nodes.
pub fn num_feasible_nodes_to_find(percentage: i32, num_all_nodes: usize) -> usize {
    if num_all_nodes < MIN_FEASIBLE_NODES_TO_FIND {
        return num_all_nodes;
    }
    let n = num_all_nodes as i64;
    let mut p = i64::from(percentage);
    if p == 0 {
        p = (50 - n / 125).max(MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND);
    }
    let found = (n * p / 100) as usize;
    found.max(MIN_FEASIBLE_NODES_TO_FIND)
}

/// The profile prepared for cycles: plugin arguments in ready-to-use form.
#[derive(Clone, Debug)]
pub struct Algorithm {
    pub profile: Profile,
    /// Global `percentageOfNodesToScore`.
    pub percentage_of_nodes_to_score: i32,
    fit_shape: Vec<(i64, i64)>,
}

/// What PreFilter computed for one cycle.
#[derive(Clone, Debug, PartialEq)]
pub struct PreFilterState {
    pub node_affinity_skips: bool,
    pub node_ports_skips: bool,
    /// InterPodAffinity's counts; `None` when its PreFilter skipped.
    pub affinity: Option<inter_pod_affinity::AffinityState>,
    /// PodTopologySpread's counts; `None` when its PreFilter skipped.
    pub spread: Option<pod_topology_spread::SpreadState>,
}

impl PreFilterState {
    /// `RunPreFilterExtensionAddPod` (`delta` 1) / `RunPreFilterExtensionRemovePod` (-1): the
    /// counting plugins' states as if `pod` were added to or removed from `node`.
    pub fn update_with_pod(
        &mut self,
        state: &CycleState,
        pod: &PodInfo,
        node: &NodeInfo,
        delta: i64,
    ) {
        if let Some(spread) = &mut self.spread {
            pod_topology_spread::update_with_pod(state, spread, pod, node, delta);
        }
        if let Some(affinity) = &mut self.affinity {
            inter_pod_affinity::update_with_pod(state, affinity, pod, node, delta);
        }
    }
}

/// What the PreScore of the plugins that keep state computed for one cycle; `None` when it returned
/// Skip.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PreScoreState {
    pub spread: Option<pod_topology_spread::SpreadScoreState>,
    pub affinity: Option<inter_pod_affinity::AffinityScoreState>,
}

/// The outcome of one cycle, compact enough to keep for every attempt.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct CycleResult {
    /// Evaluated nodes in filter order: snapshot position and the failing status (None = feasible).
    pub evaluated: Vec<(u32, Option<Status>)>,
    /// Feasible nodes (snapshot positions) in the order they were found.
    pub feasible: Vec<u32>,
    /// The score plugins that ran (PreScore did not skip), with their weights.
    pub score_plugins: Vec<(Plugin, i64)>,
    /// `feasible.len() × score_plugins.len()` raw scores, row per feasible node.
    pub raw: Vec<i64>,
    /// Same layout, after NormalizeScore.
    pub normalized: Vec<i64>,
    /// Total weighted score per feasible node (empty when scoring was skipped).
    pub totals: Vec<i64>,
    /// True when exactly one node was feasible.
    pub scoring_skipped: bool,
    /// The chosen node's snapshot position.
    pub chosen: Option<u32>,
    /// Nodes processed, for `nextStartNodeIndex`.
    pub processed: usize,
    /// The FailedScheduling message when no node fits, or the error that ended the cycle.
    pub error: Option<String>,
    /// The cycle ended in an internal error (a `Status` with code `Error`, e.g. a score out of range)
    /// rather than a FitError: no plugin rejected the pod, and its `PodScheduled` condition carries
    /// reason `SchedulerError`.
    pub scheduler_error: bool,
    /// The plugin whose PreFilter refused the pod (every node then carries its status in
    /// `evaluated`, and no Filter ran).
    pub pre_filter_rejection: Option<&'static str>,
    /// The profile's Filter plugins whose PreFilter returned Skip for this pod, so their Filter
    /// did not run on any node (`SkipFilterPlugins`).
    pub pre_filter_skipped: Vec<Plugin>,
    /// No node fit, and DefaultPreemption chose a node and the victims to evict there.
    pub preemption: Option<default_preemption::Candidate>,
    /// No node fit and preemption found no candidate: a nomination the pod carries is cleared.
    pub clear_nomination: bool,
    /// The pod's nominated node passed the filters when tried first (`evaluateNominatedNode`).
    pub nominated_node_fits: bool,
}

impl Algorithm {
    pub fn new(profile: Profile, percentage_of_nodes_to_score: i32) -> Algorithm {
        let fit_shape = if profile.fit.strategy == ScoringStrategyType::RequestedToCapacityRatio {
            requested_to_capacity_ratio::scaled_shape(&profile.fit.shape)
        } else {
            Vec::new()
        };
        Algorithm {
            profile,
            percentage_of_nodes_to_score,
            fit_shape,
        }
    }

    /// PreFilter: which plugins skip their Filter, and the state Filter needs.
    pub fn pre_filter(&self, state: &CycleState, nodes: &[&NodeInfo]) -> PreFilterState {
        let added = self.profile.added_affinity.as_ref();
        let spread = if self.profile.filter.contains(&Plugin::PodTopologySpread) {
            pod_topology_spread::pre_filter(state, nodes, &self.profile.spread_defaults)
        } else {
            None
        };
        let affinity = if self.profile.filter.contains(&Plugin::InterPodAffinity) {
            inter_pod_affinity::pre_filter(state, nodes)
        } else {
            None
        };
        PreFilterState {
            affinity,
            node_affinity_skips: node_affinity::pre_filter_skips(state, added),
            node_ports_skips: node_ports::pre_filter_skips(state),
            spread,
        }
    }

    /// The PreFilter rejections podflow models, in profile order: NodeAffinity's conflicting
    /// `metadata.name` terms, and VolumeRestrictions and VolumeBinding refusing claims that do not
    /// exist or are being deleted (`plugins/volume_claims.rs`).
    fn pre_filter_rejection(
        &self,
        state: &CycleState,
        narrowed: &node_affinity::PreFilterNodes,
    ) -> Option<Status> {
        self.profile.filter.iter().find_map(|plugin| match plugin {
            Plugin::NodeAffinity if *narrowed == node_affinity::PreFilterNodes::Conflict => {
                Some(Status::reject(
                    Code::UnschedulableAndUnresolvable,
                    node_affinity::NAME,
                    node_affinity::ERR_REASON_CONFLICT,
                ))
            }
            Plugin::VolumeRestrictions if !state.claims.is_empty() => {
                volume_claims::volume_restrictions(&state.claims)
            }
            Plugin::VolumeBinding if !state.claims.is_empty() => {
                volume_claims::volume_binding(&state.claims)
            }
            _ => None,
        })
    }

    /// The nodes the PreFilter results leave to Filter (`PreFilterResult.NodeNames`, merged): only
    /// NodeAffinity narrows them in podflow.
    fn pre_filter_nodes(
        &self,
        state: &CycleState,
        pre: &PreFilterState,
    ) -> node_affinity::PreFilterNodes {
        if pre.node_affinity_skips || !self.profile.pre_filter.contains(&Plugin::NodeAffinity) {
            return node_affinity::PreFilterNodes::All;
        }
        node_affinity::pre_filter_nodes(state)
    }

    /// `findNodesThatFitPod` after a PreFilter rejection: every node gets the status
    /// (`SetAbsentNodesStatus`), the FitError carries the PreFilter message alone, and PostFilter
    /// (preemption) still runs. No node is processed, so `nextStartNodeIndex` stays.
    fn refused_at_pre_filter(
        &self,
        state: &CycleState,
        nodes: &[&NodeInfo],
        status: Status,
        pre: &PreFilterState,
        rng: &mut SimRng,
    ) -> CycleResult {
        let total = nodes.len();
        let statuses: Vec<(usize, Status)> = (0..total).map(|p| (p, status.clone())).collect();
        let mut fit = FitError {
            num_all_nodes: total,
            pre_filter_msg: status.reasons.join(", "),
            ..Default::default()
        };
        let mut result = CycleResult {
            pre_filter_rejection: Some(status.plugin),
            ..CycleResult::default()
        };
        self.run_post_filter(state, nodes, &statuses, pre, rng, &mut fit, &mut result);
        result.error = Some(fit.message());
        result.evaluated = statuses
            .into_iter()
            .map(|(p, s)| (p as u32, Some(s)))
            .collect();
        result
    }

    /// `RunPostFilterPlugins` (DefaultPreemption when the profile has it): either the message the
    /// FitError ends with, or the node to nominate and its victims (the FitError then ends without a
    /// preemption part, as PostFilter succeeded).
    #[allow(clippy::too_many_arguments)]
    fn run_post_filter(
        &self,
        state: &CycleState,
        nodes: &[&NodeInfo],
        statuses: &[(usize, Status)],
        pre: &PreFilterState,
        rng: &mut SimRng,
        fit: &mut FitError,
        result: &mut CycleResult,
    ) {
        if !self
            .profile
            .post_filter
            .contains(&Plugin::DefaultPreemption)
        {
            return;
        }
        let outcome =
            default_preemption::post_filter(state, nodes, statuses, pre, rng, |n, pre| {
                self.filter_with_nominated(&self.profile.filter, state, n, pre)
            });
        fit.post_filter_msg = outcome.message().to_string();
        match outcome {
            default_preemption::PostFilterOutcome::Nominated(candidate) => {
                result.preemption = Some(candidate);
            }
            default_preemption::PostFilterOutcome::Failed {
                clear_nomination, ..
            } => result.clear_nomination = clear_nomination && state.nominated_node.is_some(),
        }
    }

    /// The profile's Filter plugins whose PreFilter returns Skip for this pod (NodeAffinity without
    /// required terms or a nodeSelector, NodePorts without host ports, PodTopologySpread without
    /// `DoNotSchedule` constraints, InterPodAffinity without required terms that matter, and the
    /// no-op plugins of `skipped.rs` on their own conditions).
    fn pre_filter_skipped(&self, state: &CycleState, pre: &PreFilterState) -> Vec<Plugin> {
        self.profile
            .filter
            .iter()
            .copied()
            .filter(|plugin| match plugin {
                Plugin::NodeAffinity => pre.node_affinity_skips,
                Plugin::NodePorts => pre.node_ports_skips,
                Plugin::PodTopologySpread => pre.spread.is_none(),
                Plugin::InterPodAffinity => pre.affinity.is_none(),
                other => skipped::pre_filter_skips(*other, state),
            })
            .collect()
    }

    /// The profile's Filter plugins that can reject a node in this cycle, in profile order: those
    /// with a Filter here whose PreFilter did not skip (`run_filter_list` gives the same verdicts
    /// over this list as over the whole profile).
    fn active_filters(&self, skipped: &[Plugin]) -> Vec<Plugin> {
        self.profile
            .filter
            .iter()
            .copied()
            .filter(|plugin| {
                matches!(
                    plugin,
                    Plugin::NodeUnschedulable
                        | Plugin::NodeName
                        | Plugin::TaintToleration
                        | Plugin::NodeResourcesFit
                        | Plugin::NodeAffinity
                        | Plugin::NodePorts
                        | Plugin::PodTopologySpread
                        | Plugin::InterPodAffinity
                ) && !skipped.contains(plugin)
            })
            .collect()
    }

    /// `RunFilterPluginsWithNominatedPods`: on a node other pods of at least this pod's priority are
    /// nominated to, Filter runs first with them added (to the node and, through the AddPod
    /// extensions, to the PreFilter states), then (if that passes) without them.
    fn filter_with_nominated(
        &self,
        plugins: &[Plugin],
        state: &CycleState,
        node: &NodeInfo,
        pre: &PreFilterState,
    ) -> Option<Status> {
        let mut with_nominated: Option<(NodeInfo, PreFilterState)> = None;
        for (name, pod) in &state.nominated_pods {
            if *name == node.name {
                let (with, pre_with) =
                    with_nominated.get_or_insert_with(|| (node.clone(), pre.clone()));
                with.add_pod(pod.clone());
                pre_with.update_with_pod(state, pod, node, 1);
            }
        }
        if let Some((with, pre_with)) = &with_nominated {
            if let Some(status) = self.run_filter_list(plugins, state, with, pre_with) {
                return Some(status);
            }
        }
        self.run_filter_list(plugins, state, node, pre)
    }

    /// `RunFilterPlugins` over a list of Filter plugins: the first rejecting plugin's status, in order.
    fn run_filter_list(
        &self,
        plugins: &[Plugin],
        state: &CycleState,
        node: &NodeInfo,
        pre: &PreFilterState,
    ) -> Option<Status> {
        let added = self.profile.added_affinity.as_ref();
        for plugin in plugins {
            let status = match plugin {
                Plugin::NodeUnschedulable => node_unschedulable::filter(state, node),
                Plugin::NodeName => node_name::filter(state, node),
                Plugin::TaintToleration => taint_toleration::filter(state, node),
                Plugin::NodeAffinity if !pre.node_affinity_skips => {
                    node_affinity::filter(state, added, node)
                }
                Plugin::NodePorts if !pre.node_ports_skips => node_ports::filter(state, node),
                Plugin::NodeResourcesFit => {
                    node_resources_fit::filter(state, node, &self.profile.fit_ignored)
                }
                Plugin::PodTopologySpread => pre
                    .spread
                    .as_ref()
                    .and_then(|spread| pod_topology_spread::filter(state, spread, node)),
                Plugin::InterPodAffinity => pre
                    .affinity
                    .as_ref()
                    .and_then(|affinity| inter_pod_affinity::filter(state, affinity, node)),
                _ => None,
            };
            if status.is_some() {
                return status;
            }
        }
        None
    }

    /// PreScore of PodTopologySpread and InterPodAffinity, when they are score plugins of the profile.
    fn pre_score(
        &self,
        state: &CycleState,
        feasible: &[&NodeInfo],
        nodes: &[&NodeInfo],
    ) -> PreScoreState {
        let scores = |plugin: Plugin| self.profile.score.iter().any(|(p, _)| *p == plugin);
        PreScoreState {
            spread: scores(Plugin::PodTopologySpread)
                .then(|| {
                    pod_topology_spread::pre_score(
                        state,
                        feasible,
                        nodes,
                        &self.profile.spread_defaults,
                    )
                })
                .flatten(),
            affinity: scores(Plugin::InterPodAffinity)
                .then(|| inter_pod_affinity::pre_score(state, nodes, &self.profile.affinity_args))
                .flatten(),
        }
    }

    /// Whether a score plugin's PreScore skips for this pod.
    fn pre_score_skips(&self, plugin: Plugin, state: &CycleState, pre: &PreScoreState) -> bool {
        match plugin {
            Plugin::PodTopologySpread => pre.spread.is_none(),
            Plugin::InterPodAffinity => pre.affinity.is_none(),
            Plugin::TaintToleration | Plugin::NodeResourcesFit | Plugin::ImageLocality => false,
            Plugin::NodeAffinity => {
                node_affinity::pre_score_skips(state, self.profile.added_affinity.as_ref())
            }
            Plugin::NodeResourcesBalancedAllocation => {
                balanced_allocation::pre_score_skips(state, &self.profile.balanced_resources)
            }
            // VolumeBinding: see plugins/skipped.rs.
            _ => true,
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn score(
        &self,
        plugin: Plugin,
        state: &CycleState,
        pre: &PreScoreState,
        node: &NodeInfo,
        total_nodes: usize,
        image_counts: &[usize],
        fit_items: &[ScoredResource],
        balanced_items: &[ScoredResource],
    ) -> i64 {
        match plugin {
            Plugin::TaintToleration => taint_toleration::score(state, node),
            Plugin::NodeAffinity => {
                node_affinity::score(state, self.profile.added_affinity.as_ref(), node)
            }
            Plugin::NodeResourcesFit => node_resources_fit::score_resolved(
                self.profile.fit.strategy,
                &self.fit_shape,
                fit_items,
                node,
            ),
            Plugin::NodeResourcesBalancedAllocation => {
                balanced_allocation::score_parts_resolved(balanced_items, node).0
            }
            Plugin::ImageLocality => {
                image_locality::score_counted(state, node, total_nodes, image_counts)
            }
            Plugin::PodTopologySpread => pre
                .spread
                .as_ref()
                .map_or(0, |s| pod_topology_spread::score(state, s, node)),
            Plugin::InterPodAffinity => pre
                .affinity
                .as_ref()
                .map_or(0, |s| inter_pod_affinity::score(s, node)),
            _ => 0,
        }
    }

    /// Runs one cycle for `state` over `nodes` (the snapshot in node-tree order). `images` counts the
    /// nodes reporting an image.
    pub fn schedule(
        &self,
        state: &CycleState,
        nodes: &[&NodeInfo],
        next_start: usize,
        rng: &mut SimRng,
        images: &dyn Fn(&str) -> usize,
    ) -> CycleResult {
        let mut result = CycleResult::default();
        let total = nodes.len();
        if total == 0 {
            // schedulePod returns ErrNoNodesAvailable before any plugin runs (no PostFilter either).
            result.error = Some(ERR_NO_NODES_AVAILABLE.to_string());
            return result;
        }
        let percentage = self
            .profile
            .percentage_of_nodes_to_score
            .unwrap_or(self.percentage_of_nodes_to_score);
        let pre = self.pre_filter(state, nodes);
        let narrowed = self.pre_filter_nodes(state, &pre);
        if let Some(status) = self.pre_filter_rejection(state, &narrowed) {
            return self.refused_at_pre_filter(state, nodes, status, &pre, rng);
        }
        result.pre_filter_skipped = self.pre_filter_skipped(state, &pre);
        let filters = self.active_filters(&result.pre_filter_skipped);
        // evaluateNominatedNode: a node a previous preemption made room on is tried first, alone; if
        // it passes, it is the only feasible node (no scoring, `nextStartNodeIndex` unchanged).
        if let Some(nominated) = state.nominated_node {
            if let Some(pos) = nodes.iter().position(|n| n.name == nominated) {
                if self
                    .filter_with_nominated(&filters, state, nodes[pos], &pre)
                    .is_none()
                {
                    result.evaluated.push((pos as u32, None));
                    result.feasible.push(pos as u32);
                    result.scoring_skipped = true;
                    result.nominated_node_fits = true;
                    result.chosen = Some(pos as u32);
                    return result;
                }
            }
        }
        // findNodesThatFitPod: with a PreFilterResult only the named nodes are filtered (in node-tree
        // order here; upstream walks a Go map), from the rotating start, and the budget of feasible
        // nodes to find comes from their number; the others get the absent-nodes status.
        let candidates: Vec<usize> = match &narrowed {
            node_affinity::PreFilterNodes::Only(names) => (0..total)
                .filter(|&p| names.contains(&nodes[p].name))
                .collect(),
            _ => (0..total).collect(),
        };
        let to_find = num_feasible_nodes_to_find(percentage, candidates.len());
        result.feasible.reserve(to_find.min(total));
        result.evaluated.reserve(to_find.min(total));
        for i in 0..candidates.len() {
            if result.feasible.len() >= to_find {
                break;
            }
            let pos = candidates[(next_start + i) % candidates.len()];
            let status = self.filter_with_nominated(&filters, state, nodes[pos], &pre);
            if status.is_none() {
                result.feasible.push(pos as u32);
            }
            result.evaluated.push((pos as u32, status));
        }
        result.processed = result.evaluated.len();
        if candidates.len() < total {
            let absent = Status::reject(
                Code::UnschedulableAndUnresolvable,
                node_affinity::NAME,
                &format!("node(s) didn't satisfy plugin(s) [{}]", node_affinity::NAME),
            );
            let mut named = candidates.iter().peekable();
            for p in 0..total {
                if named.peek() == Some(&&p) {
                    named.next();
                } else {
                    result.evaluated.push((p as u32, Some(absent.clone())));
                }
            }
        }

        if result.feasible.is_empty() {
            let statuses: Vec<(usize, Status)> = result
                .evaluated
                .iter()
                .filter_map(|(p, s)| s.clone().map(|s| (*p as usize, s)))
                .collect();
            let mut fit = FitError {
                num_all_nodes: total,
                node_statuses: statuses
                    .iter()
                    .map(|(p, s)| (nodes[*p].name.clone(), s.clone()))
                    .collect(),
                ..Default::default()
            };
            self.run_post_filter(state, nodes, &statuses, &pre, rng, &mut fit, &mut result);
            result.error = Some(fit.message());
            return result;
        }
        if result.feasible.len() == 1 {
            result.scoring_skipped = true;
            result.chosen = result.feasible.first().copied();
            return result;
        }

        // PreScore, Score, NormalizeScore, weights.
        let feasible_nodes: Vec<&NodeInfo> = result
            .feasible
            .iter()
            .filter_map(|&p| nodes.get(p as usize).copied())
            .collect();
        let pre_score = self.pre_score(state, &feasible_nodes, nodes);
        for (plugin, weight) in &self.profile.score {
            if !self.pre_score_skips(*plugin, state, &pre_score) {
                result.score_plugins.push((*plugin, *weight));
            }
        }
        let k = result.score_plugins.len();
        let n = result.feasible.len();
        let fit_items = resolve(&self.profile.fit.resources, &state.non_zero_requests);
        let balanced_items = resolve(&self.profile.balanced_resources, &state.requests);
        let image_counts: Vec<usize> = state.images.iter().map(|i| images(i)).collect();
        result.raw = vec![0; n * k];
        for (row, &pos) in result.feasible.iter().enumerate() {
            let node = nodes[pos as usize];
            for (col, (plugin, _)) in result.score_plugins.iter().enumerate() {
                result.raw[row * k + col] = self.score(
                    *plugin,
                    state,
                    &pre_score,
                    node,
                    total,
                    &image_counts,
                    &fit_items,
                    &balanced_items,
                );
            }
        }
        result.normalized = result.raw.clone();
        let mut column = vec![0i64; n];
        let feasible_names: Vec<&str> = feasible_nodes.iter().map(|n| n.name.as_str()).collect();
        for (col, (plugin, _)) in result.score_plugins.iter().enumerate() {
            if !matches!(
                plugin,
                Plugin::TaintToleration
                    | Plugin::NodeAffinity
                    | Plugin::PodTopologySpread
                    | Plugin::InterPodAffinity
            ) {
                continue;
            }
            for (row, value) in column.iter_mut().enumerate() {
                *value = result.normalized[row * k + col];
            }
            match plugin {
                Plugin::TaintToleration => {
                    default_normalize_score(MAX_NODE_SCORE, true, &mut column)
                }
                Plugin::NodeAffinity => default_normalize_score(MAX_NODE_SCORE, false, &mut column),
                Plugin::PodTopologySpread => {
                    if let Some(s) = &pre_score.spread {
                        pod_topology_spread::normalize(s, &feasible_names, &mut column);
                    }
                }
                _ => {
                    if let Some(s) = &pre_score.affinity {
                        inter_pod_affinity::normalize(s, &mut column);
                    }
                }
            }
            for (row, value) in column.iter().enumerate() {
                result.normalized[row * k + col] = *value;
            }
        }
        if let Some(message) = score_range_error(&result.score_plugins, &result.normalized) {
            result.error = Some(message);
            result.scheduler_error = true;
            return result;
        }
        result.totals = if self.profile.score.is_empty() {
            // prioritizeNodes: without score plugins (and extenders) every node gets TotalScore 1.
            vec![1; n]
        } else if k == 0 {
            // Every score plugin skipped in PreScore: RunScorePlugins leaves the totals at 0.
            vec![0; n]
        } else {
            result
                .normalized
                .chunks_exact(k)
                .map(|row| {
                    row.iter()
                        .zip(&result.score_plugins)
                        .fold(0i64, |total, (value, (_, w))| {
                            total.wrapping_add(value.wrapping_mul(*w))
                        })
                })
                .collect()
        };

        // selectHost: highest total, uniform random among ties.
        let best = result.totals.iter().copied().max().unwrap_or(0);
        let tied: Vec<usize> = (0..n).filter(|&r| result.totals[r] == best).collect();
        let pick = tied
            .get(rng.below(tied.len() as u64) as usize)
            .copied()
            .unwrap_or(0);
        result.chosen = result.feasible.get(pick).copied();
        result
    }
}

/// `RunScorePlugins`' check before applying the weights: a normalized score outside
/// [`MinNodeScore`, `MaxNodeScore`] fails the cycle with upstream's error text. Upstream checks the
/// nodes in parallel and reports whichever failure arrives first; this reports the first feasible
/// node's first offending plugin (in plugin order), so the message is deterministic.
pub fn score_range_error(plugins: &[(Plugin, i64)], normalized: &[i64]) -> Option<String> {
    let k = plugins.len();
    if k == 0 {
        return None;
    }
    normalized.chunks_exact(k).find_map(|row| {
        row.iter()
            .zip(plugins)
            .find(|(score, _)| !(MIN_NODE_SCORE..=MAX_NODE_SCORE).contains(*score))
            .map(|(score, (plugin, _))| {
                format!(
                    "applying score defaultWeights on Score plugins: plugin \"{}\" returns an invalid score {score}, it should in the range of [{MIN_NODE_SCORE}, {MAX_NODE_SCORE}] after normalizing",
                    plugin.name()
                )
            })
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::scheduler::config::parse;
    use crate::engine::scheduler::plugins::testing::*;

    fn default_algorithm() -> Algorithm {
        let c = parse(None).unwrap();
        Algorithm::new(c.profile, c.percentage_of_nodes_to_score)
    }

    #[test]
    fn should_find_adaptive_number_of_nodes() {
        let cases = [
            (0, 10, 10),
            (0, 99, 99),
            (0, 100, 100),
            (0, 1000, 420),  // 50 - 8 = 42%
            (0, 5000, 500),  // 50 - 40 = 10%
            (0, 6000, 300),  // 50 - 48 = 2% → 5%
            (0, 1500, 570),  // 50 - 12 = 38%
            (30, 1000, 300), // configured
            (1, 1000, 100),  // at least 100
        ];
        for (p, n, want) in cases {
            assert_eq!(num_feasible_nodes_to_find(p, n), want, "p={p} n={n}");
        }
    }

    /// The seed story: node-a (2 cpu, 4Gi, us-east-1a), node-b (500m, 1Gi, us-east-1b), node-c (4 cpu,
    /// 8Gi, us-east-1a); constrained-pod asks 1 cpu / 2Gi with required zone In [us-east-1a].
    fn seed_cluster() -> Vec<NodeInfo> {
        vec![
            NodeBuilder::new("node-a")
                .allocatable(&[("cpu", "2"), ("memory", "4Gi")])
                .label("zone", "us-east-1a")
                .build_info(),
            NodeBuilder::new("node-b")
                .allocatable(&[("cpu", "500m"), ("memory", "1Gi")])
                .label("zone", "us-east-1b")
                .build_info(),
            NodeBuilder::new("node-c")
                .allocatable(&[("cpu", "4"), ("memory", "8Gi")])
                .label("zone", "us-east-1a")
                .build_info(),
        ]
    }

    fn constrained_pod() -> k8s_openapi::api::core::v1::Pod {
        PodBuilder::new("constrained-pod")
            .container("nginx", &[("cpu", "1"), ("memory", "2Gi")])
            .required_term(vec![requirement("zone", "In", &["us-east-1a"])])
            .build()
    }

    #[test]
    fn should_reproduce_the_seed_scores_and_choose_node_c() {
        let nodes = seed_cluster();
        let refs: Vec<&NodeInfo> = nodes.iter().collect();
        let pod = constrained_pod();
        let state = CycleState::new(&pod);
        let r = default_algorithm().schedule(&state, &refs, 0, &mut SimRng::new(1), &|_| 0);

        // Filter: node-b fails at NodeAffinity (TaintToleration passes first; NodeResourcesFit would
        // also fail but is never reached).
        assert_eq!(r.evaluated.len(), 3);
        let b = r.evaluated[1].1.as_ref().unwrap();
        assert_eq!(b.plugin, "NodeAffinity");
        assert_eq!(
            b.reasons,
            vec!["node(s) didn't match Pod's node affinity/selector"]
        );
        assert_eq!(r.feasible, vec![0, 2]);

        // PreScore: NodeAffinity skips (no preferred terms), VolumeBinding / PodTopologySpread /
        // InterPodAffinity skip (no PVCs, no spread constraints and no default spreading for a bare
        // pod, no affinity terms anywhere).
        let plugins: Vec<(&str, i64)> = r
            .score_plugins
            .iter()
            .map(|(p, w)| (p.name(), *w))
            .collect();
        assert_eq!(
            plugins,
            vec![
                ("TaintToleration", 3),
                ("NodeResourcesFit", 1),
                ("NodeResourcesBalancedAllocation", 1),
                ("ImageLocality", 1)
            ]
        );
        // TaintToleration: no PreferNoSchedule taints → raw 0 on both → reversed normalization → 100.
        // NodeResourcesFit (LeastAllocated, cpu:1 memory:1):
        //   node-a cpu (2000-1000)*100/2000 = 50, memory (4Gi-2Gi)*100/4Gi = 50 → 50
        //   node-c cpu (4000-1000)*100/4000 = 75, memory (8Gi-2Gi)*100/8Gi = 75 → 75
        // BalancedAllocation (v1.36): with pod node-a fractions 0.5/0.5 → B = 100, without 0/0 → 100,
        //   50 + (50 + 0)/2 = 75; node-c 0.25/0.25 → 100 vs 100 → 75.
        // ImageLocality: no images → sum clamped to 23MiB → 0.
        // Totals: node-a 100*3 + 50 + 75 + 0 = 425; node-c 100*3 + 75 + 75 + 0 = 450.
        assert_eq!(r.raw, vec![0, 50, 75, 0, 0, 75, 75, 0]);
        assert_eq!(r.normalized, vec![100, 50, 75, 0, 100, 75, 75, 0]);
        assert_eq!(r.totals, vec![425, 450]);
        assert_eq!(r.chosen, Some(2));
        assert!(!r.scoring_skipped);
        assert_eq!(r.error, None);
    }

    fn algorithm_with(body: serde_json::Value) -> Algorithm {
        let mut config = serde_json::json!({
            "apiVersion": crate::engine::scheduler::config::API_VERSION,
            "kind": "KubeSchedulerConfiguration",
        });
        if let (Some(m), serde_json::Value::Object(b)) = (config.as_object_mut(), body) {
            m.extend(b);
        }
        let c = parse(Some(&config)).unwrap();
        Algorithm::new(c.profile, c.percentage_of_nodes_to_score)
    }

    fn two_nodes(cpu: &str, memory: &str) -> Vec<NodeInfo> {
        ["n1", "n2"]
            .iter()
            .map(|n| {
                NodeBuilder::new(n)
                    .allocatable(&[("cpu", cpu), ("memory", memory)])
                    .build_info()
            })
            .collect()
    }

    #[test]
    fn should_total_one_per_node_without_score_plugins() {
        // prioritizeNodes: no score plugins configured (and no extenders) → TotalScore 1 each.
        let algorithm = algorithm_with(serde_json::json!({"profiles": [{"plugins": {"score": {
            "disabled": [{"name": "*"}]
        }}}]}));
        let nodes = two_nodes("2", "4Gi");
        let refs: Vec<&NodeInfo> = nodes.iter().collect();
        let pod = PodBuilder::new("p").container("x", &[("cpu", "1")]).build();
        let r = algorithm.schedule(
            &CycleState::new(&pod),
            &refs,
            0,
            &mut SimRng::new(1),
            &|_| 0,
        );
        assert!(r.score_plugins.is_empty());
        assert_eq!(r.totals, vec![1, 1]);
        assert!(r.chosen.is_some());
    }

    #[test]
    fn should_total_zero_when_every_score_plugin_skips() {
        // Test_prioritizeNodes "all score plugins are skipped": configured plugins that all return
        // Skip in PreScore leave every TotalScore at 0.
        let algorithm = algorithm_with(serde_json::json!({"profiles": [{"plugins": {"score": {
            "disabled": [{"name": "*"}],
            "enabled": [{"name": "NodeAffinity"}, {"name": "NodeResourcesBalancedAllocation"}]
        }}}]}));
        let nodes = two_nodes("2", "4Gi");
        let refs: Vec<&NodeInfo> = nodes.iter().collect();
        let pod = PodBuilder::new("p").container("x", &[]).build();
        let r = algorithm.schedule(
            &CycleState::new(&pod),
            &refs,
            0,
            &mut SimRng::new(1),
            &|_| 0,
        );
        assert!(r.score_plugins.is_empty());
        assert_eq!(r.totals, vec![0, 0]);
        assert!(r.chosen.is_some());
    }

    #[test]
    fn should_fail_the_cycle_on_a_score_out_of_range() {
        // LeastAllocated on 100T cores / 100Pi memory: (capacity - requested) * 100 wraps in int64,
        // as in Go, giving cpu -84 and memory -63 → -73. RunScorePlugins rejects it after
        // normalizing and the cycle ends in an error instead of a node choice.
        let nodes = two_nodes("100T", "100Pi");
        let refs: Vec<&NodeInfo> = nodes.iter().collect();
        let pod = PodBuilder::new("p").container("x", &[]).build();
        let r = default_algorithm().schedule(
            &CycleState::new(&pod),
            &refs,
            0,
            &mut SimRng::new(1),
            &|_| 0,
        );
        assert_eq!(r.feasible, vec![0, 1]);
        assert_eq!(r.chosen, None);
        assert!(r.scheduler_error);
        assert!(r.totals.is_empty());
        assert_eq!(
            r.error.as_deref(),
            Some(
                "applying score defaultWeights on Score plugins: plugin \"NodeResourcesFit\" returns an invalid score -73, it should in the range of [0, 100] after normalizing"
            )
        );
        assert_eq!(
            score_range_error(&[(Plugin::ImageLocality, 1)], &[0, 100, 101]).as_deref(),
            Some("applying score defaultWeights on Score plugins: plugin \"ImageLocality\" returns an invalid score 101, it should in the range of [0, 100] after normalizing")
        );
        assert_eq!(
            score_range_error(&[(Plugin::ImageLocality, 1)], &[0, 100]),
            None
        );
    }

    #[test]
    fn should_reject_negative_node_affinity_scores_left_by_normalization() {
        // addedAffinity weights are not range-checked by ValidateNodeAffinityArgs. With raw scores
        // -5 and -3, DefaultNormalizeScore (maxCount from 0) leaves them alone and RunScorePlugins
        // reports the first one.
        let term = |weight: i32, value: &str| {
            serde_json::json!({"weight": weight, "preference": {"matchExpressions": [
                {"key": "foo", "operator": "In", "values": [value]}
            ]}})
        };
        let algorithm = algorithm_with(serde_json::json!({"profiles": [{"pluginConfig": [{
            "name": "NodeAffinity",
            "args": {"addedAffinity": {"preferredDuringSchedulingIgnoredDuringExecution": [
                term(-5, "a"), term(-3, "b")
            ]}}
        }]}]}));
        let nodes: Vec<NodeInfo> = [("n1", "a"), ("n2", "b")]
            .iter()
            .map(|(n, v)| {
                NodeBuilder::new(n)
                    .allocatable(&[("cpu", "2"), ("memory", "4Gi")])
                    .label("foo", v)
                    .build_info()
            })
            .collect();
        let refs: Vec<&NodeInfo> = nodes.iter().collect();
        let pod = PodBuilder::new("p").container("x", &[("cpu", "1")]).build();
        let r = algorithm.schedule(
            &CycleState::new(&pod),
            &refs,
            0,
            &mut SimRng::new(1),
            &|_| 0,
        );
        assert!(r.scheduler_error);
        assert_eq!(
            r.error.as_deref(),
            Some("applying score defaultWeights on Score plugins: plugin \"NodeAffinity\" returns an invalid score -5, it should in the range of [0, 100] after normalizing")
        );
    }

    #[test]
    fn should_not_panic_on_absurd_quantities() {
        let nodes: Vec<NodeInfo> = (0..2)
            .map(|i| {
                NodeBuilder::new(&format!("n{i}"))
                    .allocatable(&[
                        ("cpu", "9000000000000"),
                        ("memory", "8E"),
                        ("example.com/x", "8E"),
                    ])
                    .build_info()
            })
            .collect();
        let mut nodes = nodes;
        nodes[0].add_pod(
            PodBuilder::new("e")
                .container("x", &[("memory", "7E"), ("example.com/x", "7E")])
                .build_info_on("n0"),
        );
        let refs: Vec<&NodeInfo> = nodes.iter().collect();
        let pod = PodBuilder::new("p")
            .container(
                "x",
                &[
                    ("cpu", "9000000000000"),
                    ("memory", "8E"),
                    ("example.com/x", "8E"),
                ],
            )
            .build();
        let r = default_algorithm().schedule(
            &CycleState::new(&pod),
            &refs,
            0,
            &mut SimRng::new(1),
            &|_| 0,
        );
        assert!(r.chosen.is_some() || r.error.is_some());
    }

    #[test]
    fn should_enforce_hard_topology_spread_and_explain_it() {
        use k8s_openapi::api::core::v1::TopologySpreadConstraint;
        use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;
        let app: std::collections::BTreeMap<String, String> =
            [("app".to_string(), "web".to_string())]
                .into_iter()
                .collect();
        let mut a = NodeBuilder::new("node-a")
            .allocatable(&[("cpu", "4"), ("memory", "8Gi")])
            .label("zone", "z1")
            .build_info();
        let mut existing = PodBuilder::new("web-0")
            .container("nginx", &[("cpu", "1")])
            .build();
        existing.metadata.labels = Some(app.clone());
        existing.spec.as_mut().unwrap().node_name = Some("node-a".into());
        a.add_pod(crate::engine::scheduler::cache::PodInfo::from_pod(
            &existing,
        ));
        let b = NodeBuilder::new("node-b")
            .allocatable(&[("cpu", "4"), ("memory", "8Gi")])
            .label("zone", "z2")
            .build_info();
        let mut pod = PodBuilder::new("web-1")
            .container("nginx", &[("cpu", "1")])
            .build();
        pod.metadata.labels = Some(app.clone());
        pod.spec.as_mut().unwrap().topology_spread_constraints =
            Some(vec![TopologySpreadConstraint {
                max_skew: 1,
                topology_key: "zone".into(),
                when_unsatisfiable: "DoNotSchedule".into(),
                label_selector: Some(LabelSelector {
                    match_labels: Some(app),
                    match_expressions: None,
                }),
                ..Default::default()
            }]);
        let alg = default_algorithm();
        let r = alg.schedule(
            &CycleState::new(&pod),
            &[&a, &b],
            0,
            &mut SimRng::new(1),
            &|_| 0,
        );
        assert_eq!(
            r.evaluated[0].1.as_ref().map(|s| s.plugin),
            Some("PodTopologySpread")
        );
        assert_eq!((r.chosen, r.scoring_skipped), (Some(1), true));

        // node-b too small for the pod at all (1 cpu > 500m: unresolvable, so preemption cannot help);
        // node-a is rejected by the spread, which preemption could address but finds no victims.
        let mut full_b = b.clone();
        full_b.allocatable.milli_cpu = 500;
        let r = alg.schedule(
            &CycleState::new(&pod),
            &[&a, &full_b],
            0,
            &mut SimRng::new(1),
            &|_| 0,
        );
        assert_eq!(
            r.error.as_deref(),
            Some("0/2 nodes are available: 1 Insufficient cpu, 1 node(s) didn't match pod topology spread constraints. preemption: 0/2 nodes are available: 1 No preemption victims found for incoming pod, 1 Preemption is not helpful for scheduling.")
        );
    }

    #[test]
    fn should_report_no_nodes_available_on_an_empty_cluster() {
        let pod = constrained_pod();
        let r = default_algorithm().schedule(
            &CycleState::new(&pod),
            &[],
            0,
            &mut SimRng::new(1),
            &|_| 0,
        );
        assert_eq!(
            r.error.as_deref(),
            Some("no nodes available to schedule pods")
        );
        assert!(r.evaluated.is_empty());
    }

    #[test]
    fn should_skip_scoring_when_exactly_one_node_is_feasible() {
        let nodes = seed_cluster();
        let refs: Vec<&NodeInfo> = nodes.iter().collect();
        let pod = PodBuilder::new("big")
            .container("nginx", &[("cpu", "3")])
            .build();
        let state = CycleState::new(&pod);
        let mut rng = SimRng::new(5);
        let before = rng.clone();
        let r = default_algorithm().schedule(&state, &refs, 0, &mut rng, &|_| 0);
        assert!(r.scoring_skipped);
        assert_eq!(r.chosen, Some(2));
        assert!(r.totals.is_empty() && r.score_plugins.is_empty());
        assert_eq!(rng, before, "no random draw without scoring");
    }

    #[test]
    fn should_filter_only_the_nodes_named_by_metadata_name_terms() {
        // A DaemonSet-style pod: NodeAffinity's PreFilterResult names node-b, so only node-b is
        // filtered and the others get the absent-nodes status (findNodesThatFitPod).
        let nodes = seed_cluster();
        let refs: Vec<&NodeInfo> = nodes.iter().collect();
        let field = |names: &[&str]| requirement("metadata.name", "In", names);
        let daemon = |cpu: &str| {
            PodBuilder::new("daemon")
                .container("nginx", &[("cpu", cpu)])
                .required_field_term(vec![field(&["node-b"])])
                .build()
        };
        let r = default_algorithm().schedule(
            &CycleState::new(&daemon("100m")),
            &refs,
            2,
            &mut SimRng::new(1),
            &|_| 0,
        );
        assert_eq!(r.chosen, Some(1));
        assert!(r.scoring_skipped);
        assert_eq!(
            r.processed, 1,
            "nextStartNodeIndex moves by the filtered node only"
        );
        let absent: Vec<(u32, &str)> = r
            .evaluated
            .iter()
            .filter_map(|(p, s)| s.as_ref().map(|s| (*p, s.message())))
            .map(|(p, m)| {
                (
                    p,
                    if m == "node(s) didn't satisfy plugin(s) [NodeAffinity]" {
                        "absent"
                    } else {
                        "other"
                    },
                )
            })
            .collect();
        assert_eq!(absent, vec![(0, "absent"), (2, "absent")]);

        let r = default_algorithm().schedule(
            &CycleState::new(&daemon("3")),
            &refs,
            0,
            &mut SimRng::new(1),
            &|_| 0,
        );
        assert_eq!(
            r.error.as_deref(),
            Some("0/3 nodes are available: 1 Insufficient cpu, 2 node(s) didn't satisfy plugin(s) [NodeAffinity]. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.")
        );

        // Names of nodes that do not exist narrow the search to nothing.
        let ghost = PodBuilder::new("ghost")
            .container("nginx", &[])
            .required_field_term(vec![field(&["node-x"])])
            .build();
        let r = default_algorithm().schedule(
            &CycleState::new(&ghost),
            &refs,
            1,
            &mut SimRng::new(1),
            &|_| 0,
        );
        assert_eq!(
            r.error.as_deref(),
            Some("0/3 nodes are available: 3 node(s) didn't satisfy plugin(s) [NodeAffinity]. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.")
        );
        assert_eq!(r.processed, 0);
    }

    #[test]
    fn should_count_pods_nominated_to_a_node_when_filtering_others() {
        // node-a has 2 cpu free, but a pod nominated to it (after a preemption) will take 1500m: a
        // pod asking 1 cpu does not fit there any more, so it goes to node-c.
        let nodes = seed_cluster();
        let refs: Vec<&NodeInfo> = nodes.iter().collect();
        let pod = PodBuilder::new("late")
            .container("nginx", &[("cpu", "1"), ("memory", "1Gi")])
            .required_term(vec![requirement("zone", "In", &["us-east-1a"])])
            .build();
        let waiting = PodBuilder::new("waiting")
            .container("nginx", &[("cpu", "1500m")])
            .build_info_on("node-a");
        let mut state = CycleState::new(&pod);
        state.nominated_pods = vec![("node-a".to_string(), waiting)];
        let r = default_algorithm().schedule(&state, &refs, 0, &mut SimRng::new(1), &|_| 0);
        let node_a = r
            .evaluated
            .iter()
            .find(|(p, _)| *p == 0)
            .and_then(|(_, s)| s.clone());
        assert_eq!(
            node_a.map(|s| s.reasons),
            Some(vec!["Insufficient cpu".to_string()])
        );
        assert_eq!(r.chosen, Some(2));
    }

    #[test]
    fn should_refuse_conflicting_metadata_name_terms_at_pre_filter() {
        let nodes = seed_cluster();
        let refs: Vec<&NodeInfo> = nodes.iter().collect();
        let pod = PodBuilder::new("conflict")
            .container("nginx", &[])
            .required_field_term(vec![
                requirement("metadata.name", "In", &["node-a"]),
                requirement("metadata.name", "In", &["node-b"]),
            ])
            .build();
        let r = default_algorithm().schedule(
            &CycleState::new(&pod),
            &refs,
            0,
            &mut SimRng::new(1),
            &|_| 0,
        );
        assert_eq!(r.pre_filter_rejection, Some("NodeAffinity"));
        assert_eq!(
            r.error.as_deref(),
            Some("0/3 nodes are available: pod affinity terms conflict. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.")
        );
    }

    #[test]
    fn should_build_fit_error_with_preemption_message() {
        let nodes = seed_cluster();
        let refs: Vec<&NodeInfo> = nodes.iter().collect();
        let pod = PodBuilder::new("huge")
            .container("nginx", &[("cpu", "3")])
            .required_term(vec![requirement("zone", "In", &["us-east-1a"])])
            .build();
        let mut small = nodes.clone();
        small[2] = NodeBuilder::new("node-c")
            .allocatable(&[("cpu", "4"), ("memory", "8Gi")])
            .label("zone", "us-east-1b")
            .build_info();
        let mut a = small[0].clone();
        a.allocatable.milli_cpu = 4000;
        a.add_pod(
            PodBuilder::new("x")
                .container("nginx", &[("cpu", "2")])
                .build_info_on("node-a"),
        );
        small[0] = a;
        let refs2: Vec<&NodeInfo> = small.iter().collect();
        let state = CycleState::new(&pod);
        let r = default_algorithm().schedule(&state, &refs2, 0, &mut SimRng::new(1), &|_| 0);
        assert_eq!(
            r.error.as_deref(),
            Some("0/3 nodes are available: 1 Insufficient cpu, 2 node(s) didn't match Pod's node affinity/selector. preemption: 0/3 nodes are available: 1 No preemption victims found for incoming pod, 2 Preemption is not helpful for scheduling.")
        );
        assert_eq!(refs.len(), 3);
    }

    #[test]
    fn should_break_ties_uniformly_and_deterministically() {
        let nodes: Vec<NodeInfo> = (0..4)
            .map(|i| {
                NodeBuilder::new(&format!("n{i}"))
                    .allocatable(&[("cpu", "4"), ("memory", "8Gi")])
                    .build_info()
            })
            .collect();
        let refs: Vec<&NodeInfo> = nodes.iter().collect();
        let pod = PodBuilder::new("p")
            .container("nginx", &[("cpu", "1")])
            .build();
        let state = CycleState::new(&pod);
        let alg = default_algorithm();
        let run = |seed: u64| {
            let mut rng = SimRng::new(seed);
            (0..200)
                .map(|_| {
                    alg.schedule(&state, &refs, 0, &mut rng, &|_| 0)
                        .chosen
                        .unwrap()
                })
                .collect::<Vec<u32>>()
        };
        let a = run(42);
        assert_eq!(a, run(42), "same seed, same choices");
        let mut counts = [0; 4];
        for c in &a {
            counts[*c as usize] += 1;
        }
        assert!(
            counts.iter().all(|&c| c > 25),
            "every tied node is picked: {counts:?}"
        );
    }

    #[test]
    fn should_stop_after_enough_feasible_nodes_from_the_start_index() {
        let nodes: Vec<NodeInfo> = (0..1000)
            .map(|i| {
                NodeBuilder::new(&format!("n{i:04}"))
                    .allocatable(&[("cpu", "4"), ("memory", "8Gi")])
                    .build_info()
            })
            .collect();
        let refs: Vec<&NodeInfo> = nodes.iter().collect();
        let pod = PodBuilder::new("p")
            .container("nginx", &[("cpu", "1")])
            .build();
        let state = CycleState::new(&pod);
        let r = default_algorithm().schedule(&state, &refs, 990, &mut SimRng::new(1), &|_| 0);
        assert_eq!(r.feasible.len(), 420);
        assert_eq!(r.processed, 420);
        assert_eq!(r.evaluated[0].0, 990);
        assert_eq!(r.evaluated[10].0, 0, "wraps around");
    }

    #[test]
    fn should_measure_schedule_one_over_5000_nodes() {
        let nodes: Vec<NodeInfo> = (0..5000)
            .map(|i| {
                NodeBuilder::new(&format!("node-{i:05}"))
                    .allocatable(&[("cpu", "32"), ("memory", "128Gi"), ("pods", "110")])
                    .label("topology.kubernetes.io/zone", &format!("zone-{}", i % 3))
                    .build_info()
            })
            .collect();
        let refs: Vec<&NodeInfo> = nodes.iter().collect();
        let pod = PodBuilder::new("p")
            .container("nginx", &[("cpu", "100m"), ("memory", "128Mi")])
            .build();
        let alg = default_algorithm();
        let mut rng = SimRng::new(1);
        let rounds = 200;
        let start = std::time::Instant::now();
        let mut next = 0;
        for _ in 0..rounds {
            let state = CycleState::new(&pod);
            let r = alg.schedule(&state, &refs, next, &mut rng, &|_| 0);
            next = (next + r.processed) % refs.len();
            assert!(r.chosen.is_some());
        }
        let per = start.elapsed() / rounds;
        println!(
            "schedule_one over 5000 nodes: {per:?} per pod ({:.0} pods/s)",
            1.0 / per.as_secs_f64()
        );
    }
}
