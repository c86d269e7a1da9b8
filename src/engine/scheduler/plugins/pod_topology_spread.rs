//! PodTopologySpread: PreFilter counts the pods matching each `DoNotSchedule` constraint per topology
//! domain and Filter rejects a node when placing the pod there would exceed `maxSkew`; PreScore, Score
//! and NormalizeScore prefer the nodes whose domains hold fewer matching pods, for the pod's
//! `ScheduleAnyway` constraints or, for a pod without constraints that a Service selects, the
//! system-default ones (hostname maxSkew 3, zone maxSkew 5).
//!
//! Mirrors `pkg/scheduler/framework/plugins/podtopologyspread/filtering.go` (`calPreFilterState`,
//! `Filter`), `scoring.go` (`initPreScoreState`, `PreScore`, `Score`, `NormalizeScore`,
//! `topologyNormalizingWeight`, `scoreForCount`), `common.go` (`filterTopologySpreadConstraints`,
//! `buildDefaultConstraints`, `countPodsMatchSelector`, `matchNodeInclusionPolicies`) and
//! `plugin.go` (`systemDefaultConstraints`). The default selector comes from the Services selecting
//! the pod and the ReplicaSet controlling it (`helper.DefaultSelector`); podflow has no
//! ReplicationControllers or StatefulSets, so their part of that selector never applies.
//! The plugin's arguments (`PodTopologySpreadArgs`: `defaultingType`, `defaultConstraints`) come
//! from the scheduler configuration as [`SpreadDefaults`].

use std::collections::{BTreeMap, BTreeSet};

use k8s_openapi::api::core::v1::{Pod, TopologySpreadConstraint};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{LabelSelector, LabelSelectorRequirement};

use crate::engine::scheduler::cache::{NodeInfo, PodInfo};
use crate::engine::scheduler::framework::{Code, CycleState, Status, MAX_NODE_SCORE};
use crate::engine::scheduler::queueing_hints;

use super::{node_affinity, taint_toleration};

pub const NAME: &str = "PodTopologySpread";
/// `ErrReasonConstraintsNotMatch`.
pub const ERR_REASON_CONSTRAINTS_NOT_MATCH: &str =
    "node(s) didn't match pod topology spread constraints";
/// `ErrReasonNodeLabelNotMatch`.
pub const ERR_REASON_NODE_LABEL_NOT_MATCH: &str =
    "node(s) didn't match pod topology spread constraints (missing required label)";
/// `v1.LabelHostname`: its domains are single nodes, counted at Score.
pub const LABEL_HOSTNAME: &str = "kubernetes.io/hostname";
/// `v1.LabelTopologyZone`.
pub const LABEL_TOPOLOGY_ZONE: &str = "topology.kubernetes.io/zone";
/// `systemDefaultConstraints`: (topologyKey, maxSkew), both `ScheduleAnyway`.
const SYSTEM_DEFAULT_CONSTRAINTS: [(&str, i32); 2] =
    [(LABEL_HOSTNAME, 3), (LABEL_TOPOLOGY_ZONE, 5)];

/// `PodTopologySpreadArgs` after defaulting: with `defaultingType: System` the plugin uses
/// `systemDefaultConstraints`; with `List`, the configured `defaultConstraints` (maybe none).
#[derive(Clone, Debug, PartialEq)]
pub struct SpreadDefaults {
    pub system_defaulted: bool,
    pub constraints: Vec<TopologySpreadConstraint>,
}

impl Default for SpreadDefaults {
    fn default() -> Self {
        SpreadDefaults {
            system_defaulted: true,
            constraints: Vec::new(),
        }
    }
}

impl SpreadDefaults {
    /// The default constraints the plugin applies (`pl.defaultConstraints`).
    fn constraints(&self) -> Vec<TopologySpreadConstraint> {
        if !self.system_defaulted {
            return self.constraints.clone();
        }
        SYSTEM_DEFAULT_CONSTRAINTS
            .iter()
            .map(|(key, max_skew)| TopologySpreadConstraint {
                max_skew: *max_skew,
                topology_key: key.to_string(),
                when_unsatisfiable: "ScheduleAnyway".into(),
                ..Default::default()
            })
            .collect()
    }
}

/// A label selector as `metav1.LabelSelectorAsSelector` evaluates it: `None` matches nothing, an
/// empty selector matches everything.
#[derive(Clone, Debug, PartialEq)]
pub struct Selector {
    pub match_labels: BTreeMap<String, String>,
    pub expressions: Vec<LabelSelectorRequirement>,
    pub nothing: bool,
}

impl Selector {
    pub fn new(selector: Option<&LabelSelector>) -> Selector {
        match selector {
            None => Selector::nothing(),
            Some(s) => Selector {
                match_labels: s.match_labels.clone().unwrap_or_default(),
                expressions: s.match_expressions.clone().unwrap_or_default(),
                nothing: false,
            },
        }
    }

    /// `labels.Nothing()`.
    pub fn nothing() -> Selector {
        Selector {
            match_labels: BTreeMap::new(),
            expressions: Vec::new(),
            nothing: true,
        }
    }

    /// `labels.SelectorFromSet`: every label of the set must be present with its value.
    pub fn from_set(labels: BTreeMap<String, String>) -> Selector {
        Selector {
            match_labels: labels,
            expressions: Vec::new(),
            nothing: false,
        }
    }

    /// `labels.Selector.Empty()`: a selector without requirements (it matches everything; the
    /// nothing selector is not empty).
    pub fn is_empty(&self) -> bool {
        !self.nothing && self.match_labels.is_empty() && self.expressions.is_empty()
    }

    pub fn matches(&self, labels: &BTreeMap<String, String>) -> bool {
        if self.nothing {
            return false;
        }
        self.match_labels
            .iter()
            .all(|(k, v)| labels.get(k) == Some(v))
            && self.expressions.iter().all(|e| {
                let values = e.values.as_deref().unwrap_or(&[]);
                let label = labels.get(&e.key);
                match e.operator.as_str() {
                    "In" => label.is_some_and(|l| values.contains(l)),
                    "NotIn" => label.is_none_or(|l| !values.contains(l)),
                    "Exists" => label.is_some(),
                    "DoesNotExist" => label.is_none(),
                    _ => false,
                }
            })
    }
}

/// One spread constraint as the plugin uses it (`topologySpreadConstraint`), with `matchLabelKeys`
/// merged into its selector.
#[derive(Clone, Debug, PartialEq)]
pub struct Constraint {
    pub max_skew: i64,
    pub topology_key: String,
    pub min_domains: i64,
    pub selector: Selector,
    pub honor_node_affinity: bool,
    pub honor_node_taints: bool,
}

impl Constraint {
    /// `matchNodeInclusionPolicies`: whether the node's domain counts for this constraint.
    fn includes(&self, state: &CycleState, node: &NodeInfo) -> bool {
        (!self.honor_node_affinity || node_affinity::pod_matches_node(state, node))
            && (!self.honor_node_taints || taint_toleration::filter(state, node).is_none())
    }
}

/// `nodeLabelsMatchSpreadConstraints`: the node has every constraint's topology key.
fn has_all_keys(node: &NodeInfo, constraints: &[Constraint]) -> bool {
    constraints
        .iter()
        .all(|c| node.labels.contains_key(&c.topology_key))
}

/// `countPodsMatchSelector`: pods in `namespace` that are not terminating and match; an empty
/// selector counts none.
fn count_matching(pods: &[PodInfo], selector: &Selector, namespace: &str) -> i64 {
    if selector.is_empty() {
        return 0;
    }
    pods.iter()
        .filter(|p| !p.terminating && p.namespace == namespace && selector.matches(&p.labels))
        .count() as i64
}

fn pod_namespace<'a>(state: &'a CycleState) -> &'a str {
    state.pod.metadata.namespace.as_deref().unwrap_or("default")
}

fn has_own_constraints(state: &CycleState) -> bool {
    state
        .pod
        .spec
        .as_ref()
        .and_then(|s| s.topology_spread_constraints.as_ref())
        .is_some_and(|c| !c.is_empty())
}

/// `filterTopologySpreadConstraints`: the constraints with `whenUnsatisfiable == action`, with the
/// pod's labels named by `matchLabelKeys` merged into their selectors.
fn filter_constraints(
    state: &CycleState,
    constraints: &[TopologySpreadConstraint],
    action: &str,
) -> Vec<Constraint> {
    let labels = state.pod.metadata.labels.clone().unwrap_or_default();
    constraints
        .iter()
        .filter(|c| c.when_unsatisfiable == action)
        .map(|c| {
            let mut selector = Selector::new(c.label_selector.as_ref());
            if !selector.nothing {
                for key in c.match_label_keys.iter().flatten() {
                    if let Some(v) = labels.get(key) {
                        selector.match_labels.insert(key.clone(), v.clone());
                    }
                }
            }
            Constraint {
                max_skew: i64::from(c.max_skew),
                topology_key: c.topology_key.clone(),
                min_domains: i64::from(c.min_domains.unwrap_or(1)),
                selector,
                honor_node_affinity: c.node_affinity_policy.as_deref() != Some("Ignore"),
                honor_node_taints: c.node_taints_policy.as_deref() == Some("Honor"),
            }
        })
        .collect()
}

/// The pod's own constraints, or for a pod without any the default ones with the selector of the
/// Services that select it (`buildDefaultConstraints`; none when that selector is empty), keeping
/// those with `whenUnsatisfiable == action`.
fn constraints_for(state: &CycleState, defaults: &SpreadDefaults, action: &str) -> Vec<Constraint> {
    if has_own_constraints(state) {
        let own = state
            .pod
            .spec
            .as_ref()
            .and_then(|s| s.topology_spread_constraints.as_deref())
            .unwrap_or(&[]);
        return filter_constraints(state, own, action);
    }
    let Some(selector) = state
        .default_spread_selector
        .as_ref()
        .filter(|s| !s.is_empty())
    else {
        return Vec::new();
    };
    let mut constraints = filter_constraints(state, &defaults.constraints(), action);
    for c in constraints.iter_mut() {
        c.selector = selector.clone();
    }
    constraints
}

/// The `DoNotSchedule` constraints (PreFilter and Filter).
pub fn hard_constraints(state: &CycleState, defaults: &SpreadDefaults) -> Vec<Constraint> {
    constraints_for(state, defaults, "DoNotSchedule")
}

/// QueueingHint for `Pod/Add|UpdatePodLabel|UpdatePodToleration|Delete` (`isSchedulableAfterPodChange`),
/// on the waiting pod's `DoNotSchedule` constraints: only the waiting pod itself and bound (or
/// nominated) pods of its namespace count. Queue when an added or deleted pod matches a constraint's
/// selector, when a relabelled pod's match changes, or when the waiting pod's tolerations change and a
/// constraint honours taints.
pub fn is_schedulable_after_pod_change(
    target: &CycleState,
    defaults: &SpreadDefaults,
    old: Option<&Pod>,
    new: Option<&Pod>,
) -> bool {
    let constraints = hard_constraints(target, defaults);
    if constraints.is_empty() {
        return false;
    }
    let namespace = pod_namespace(target);
    let involved = |pod: &Pod| {
        queueing_hints::same_pod(target.pod, pod)
            || (pod.metadata.namespace.as_deref().unwrap_or("default") == namespace
                && queueing_hints::bound_or_nominated(pod))
    };
    if old.is_some_and(|p| !involved(p)) || new.is_some_and(|p| !involved(p)) {
        return false;
    }
    let labels = |pod: &Pod| pod.metadata.labels.clone().unwrap_or_default();
    let any_selects = |pod: &Pod| {
        let labels = labels(pod);
        constraints.iter().any(|c| c.selector.matches(&labels))
    };
    match (old, new) {
        (Some(old), Some(new)) => {
            let tolerations = |p: &Pod| p.spec.as_ref().and_then(|s| s.tolerations.clone());
            if queueing_hints::same_pod(target.pod, new)
                && tolerations(old) != tolerations(new)
                && constraints.iter().any(|c| c.honor_node_taints)
            {
                return true;
            }
            let (before, after) = (labels(old), labels(new));
            before != after
                && constraints
                    .iter()
                    .any(|c| c.selector.matches(&before) != c.selector.matches(&after))
        }
        (None, Some(added)) => any_selects(added),
        (Some(deleted), None) => any_selects(deleted),
        (None, None) => false,
    }
}

/// QueueingHint for `Node/Add|Delete|UpdateNodeLabel|UpdateNodeTaint` (`isSchedulableAfterNodeChange`):
/// Queue when a node with every constraint's topology key is added or deleted, when an update gives or
/// takes away one of those keys, or changes a key's value or the taints of a node that has them all.
pub fn is_schedulable_after_node_change(
    target: &CycleState,
    defaults: &SpreadDefaults,
    old: Option<&NodeInfo>,
    new: Option<&NodeInfo>,
) -> bool {
    let constraints = hard_constraints(target, defaults);
    let has_keys = |node: &NodeInfo| has_all_keys(node, &constraints);
    match (old, new) {
        (Some(old), Some(new)) => {
            if has_keys(old) != has_keys(new) {
                return true;
            }
            has_keys(new)
                && (old.taints != new.taints
                    || constraints.iter().any(|c| {
                        old.labels.get(&c.topology_key) != new.labels.get(&c.topology_key)
                    }))
        }
        (None, Some(added)) => has_keys(added),
        (Some(deleted), None) => has_keys(deleted),
        (None, None) => false,
    }
}

/// The `ScheduleAnyway` constraints (PreScore and Score).
pub fn soft_constraints(state: &CycleState, defaults: &SpreadDefaults) -> Vec<Constraint> {
    constraints_for(state, defaults, "ScheduleAnyway")
}

/// A topology domain: (topologyKey, value).
type Pair = (String, String);

/// The PreFilter state: the hard constraints, the matching pods per domain (`TpPairToMatchNum`) and,
/// per topology key, the number of domains and the smallest count (`TpKeyToDomainsNum`,
/// `TpKeyToCriticalPaths`).
#[derive(Clone, Debug, PartialEq)]
pub struct SpreadState {
    pub constraints: Vec<Constraint>,
    pub pair_counts: BTreeMap<Pair, i64>,
    /// topologyKey → (domains, minimum matching pods).
    pub key_minimums: BTreeMap<String, (i64, i64)>,
}

/// PreFilter: `None` (Skip) without `DoNotSchedule` constraints.
pub fn pre_filter(
    state: &CycleState,
    nodes: &[&NodeInfo],
    defaults: &SpreadDefaults,
) -> Option<SpreadState> {
    let constraints = hard_constraints(state, defaults);
    if constraints.is_empty() {
        return None;
    }
    let namespace = pod_namespace(state);
    let mut pair_counts: BTreeMap<Pair, i64> = BTreeMap::new();
    for node in nodes {
        if !has_all_keys(node, &constraints) {
            continue;
        }
        // Per node, a later constraint on the same key replaces the earlier one's count.
        let mut node_counts: BTreeMap<Pair, i64> = BTreeMap::new();
        for c in &constraints {
            if !c.includes(state, node) {
                continue;
            }
            let value = node
                .labels
                .get(&c.topology_key)
                .cloned()
                .unwrap_or_default();
            node_counts.insert(
                (c.topology_key.clone(), value),
                count_matching(&node.pods, &c.selector, namespace),
            );
        }
        for (pair, count) in node_counts {
            *pair_counts.entry(pair).or_insert(0) += count;
        }
    }
    Some(SpreadState {
        constraints,
        key_minimums: key_minimums(&pair_counts),
        pair_counts,
    })
}

/// Per topology key, the number of domains and the smallest count among them.
fn key_minimums(pair_counts: &BTreeMap<Pair, i64>) -> BTreeMap<String, (i64, i64)> {
    let mut minimums: BTreeMap<String, (i64, i64)> = BTreeMap::new();
    for ((key, _), count) in pair_counts {
        let entry = minimums.entry(key.clone()).or_insert((0, *count));
        entry.0 += 1;
        entry.1 = entry.1.min(*count);
    }
    minimums
}

/// `preFilterState.updateWithPod`, the AddPod (`1`) and RemovePod (`-1`) extensions: a pod of the
/// incoming pod's namespace added to or removed from `node` in a what-if (a nominated pod, a
/// preemption victim) moves the count of each domain whose constraint selects it. No node inclusion
/// policy is checked here, as upstream does not; only domains PreFilter counted are moved.
/// Simplification: the minimum is recomputed over every domain, where upstream's two-entry
/// `criticalPaths` can miss a third domain in rare cases (and depends on Go's map order).
pub fn update_with_pod(
    state: &CycleState,
    spread: &mut SpreadState,
    pod: &PodInfo,
    node: &NodeInfo,
    delta: i64,
) {
    if pod.namespace != pod_namespace(state) || !has_all_keys(node, &spread.constraints) {
        return;
    }
    let mut moved = false;
    for c in &spread.constraints {
        if !c.selector.matches(&pod.labels) {
            continue;
        }
        let value = node
            .labels
            .get(&c.topology_key)
            .cloned()
            .unwrap_or_default();
        if let Some(count) = spread.pair_counts.get_mut(&(c.topology_key.clone(), value)) {
            *count += delta;
            moved = true;
        }
    }
    if moved {
        spread.key_minimums = key_minimums(&spread.pair_counts);
    }
}

pub fn filter(state: &CycleState, spread: &SpreadState, node: &NodeInfo) -> Option<Status> {
    let labels = state.pod.metadata.labels.clone().unwrap_or_default();
    for c in &spread.constraints {
        let Some(value) = node.labels.get(&c.topology_key) else {
            return Some(Status::reject(
                Code::UnschedulableAndUnresolvable,
                NAME,
                ERR_REASON_NODE_LABEL_NOT_MATCH,
            ));
        };
        // No eligible domain for the key: upstream's minMatchNum fails and the constraint is
        // passed over.
        let Some(&(domains, minimum)) = spread.key_minimums.get(&c.topology_key) else {
            continue;
        };
        // Fewer eligible domains than minDomains: the global minimum counts as 0.
        let min_match = if domains < c.min_domains { 0 } else { minimum };
        let self_match = i64::from(c.selector.matches(&labels));
        let match_num = spread
            .pair_counts
            .get(&(c.topology_key.clone(), value.clone()))
            .copied()
            .unwrap_or(0);
        if match_num + self_match - min_match > c.max_skew {
            return Some(Status::reject(
                Code::Unschedulable,
                NAME,
                ERR_REASON_CONSTRAINTS_NOT_MATCH,
            ));
        }
    }
    None
}

/// The PreScore state (`preScoreState`).
#[derive(Clone, Debug, PartialEq)]
pub struct SpreadScoreState {
    pub constraints: Vec<Constraint>,
    /// Feasible nodes without every topology key, scored 0 (`IgnoredNodes`).
    pub ignored: BTreeSet<String>,
    /// Per constraint, matching pods per topology value of the feasible nodes (hostname
    /// constraints count per node at Score instead).
    pub counts: Vec<BTreeMap<String, i64>>,
    /// Per constraint, `ln(domains + 2)` (`topologyNormalizingWeight`).
    pub weights: Vec<f64>,
}

/// PreScore: `None` (Skip) when the pod has no soft constraints (nor default ones) or there are no
/// nodes. `feasible` are the nodes that passed Filter, `all` every node of the snapshot.
pub fn pre_score(
    state: &CycleState,
    feasible: &[&NodeInfo],
    all: &[&NodeInfo],
    defaults: &SpreadDefaults,
) -> Option<SpreadScoreState> {
    if all.is_empty() {
        return None;
    }
    let constraints = soft_constraints(state, defaults);
    if constraints.is_empty() {
        return None;
    }
    // Only the pod's own constraints or listed defaults require every key; system-default spreading
    // still spreads over hostnames on nodes without a zone label.
    let require_all_keys = has_own_constraints(state) || !defaults.system_defaulted;
    let mut ignored = BTreeSet::new();
    let mut counts: Vec<BTreeMap<String, i64>> = vec![BTreeMap::new(); constraints.len()];
    for node in feasible {
        if require_all_keys && !has_all_keys(node, &constraints) {
            ignored.insert(node.name.clone());
            continue;
        }
        for (c, domain) in constraints.iter().zip(counts.iter_mut()) {
            if c.topology_key != LABEL_HOSTNAME {
                let value = node
                    .labels
                    .get(&c.topology_key)
                    .cloned()
                    .unwrap_or_default();
                domain.entry(value).or_insert(0);
            }
        }
    }
    let weights = constraints
        .iter()
        .zip(&counts)
        .map(|(c, domain)| {
            let size = if c.topology_key == LABEL_HOSTNAME {
                feasible.len() - ignored.len()
            } else {
                domain.len()
            };
            (size as f64 + 2.0).ln()
        })
        .collect();
    let namespace = pod_namespace(state);
    for node in all {
        if require_all_keys && !has_all_keys(node, &constraints) {
            continue;
        }
        for (c, domain) in constraints.iter().zip(counts.iter_mut()) {
            if !c.includes(state, node) {
                continue;
            }
            let value = node
                .labels
                .get(&c.topology_key)
                .map(String::as_str)
                .unwrap_or_default();
            if let Some(count) = domain.get_mut(value) {
                *count += count_matching(&node.pods, &c.selector, namespace);
            }
        }
    }
    Some(SpreadScoreState {
        constraints,
        ignored,
        counts,
        weights,
    })
}

/// Score: for every constraint whose key the node has, its domain's matching pods times the
/// constraint's weight plus `maxSkew - 1`, summed and rounded.
pub fn score(state: &CycleState, s: &SpreadScoreState, node: &NodeInfo) -> i64 {
    if s.ignored.contains(&node.name) {
        return 0;
    }
    let namespace = pod_namespace(state);
    let mut score = 0.0f64;
    for (i, c) in s.constraints.iter().enumerate() {
        let Some(value) = node.labels.get(&c.topology_key) else {
            continue;
        };
        let count = if c.topology_key == LABEL_HOSTNAME {
            count_matching(&node.pods, &c.selector, namespace)
        } else {
            s.counts
                .get(i)
                .and_then(|domain| domain.get(value))
                .copied()
                .unwrap_or(0)
        };
        let weight = s.weights.get(i).copied().unwrap_or(0.0);
        score += count as f64 * weight + (c.max_skew - 1) as f64;
    }
    score.round() as i64
}

/// NormalizeScore: ignored nodes get 0; the others `100 × (max + min − score) / max`, or 100 when
/// every score is 0. `scores` are the feasible nodes' raw scores, in the order of `names`.
pub fn normalize(s: &SpreadScoreState, names: &[&str], scores: &mut [i64]) {
    let mut min = i64::MAX;
    let mut max = 0i64;
    for (name, score) in names.iter().zip(scores.iter()) {
        if s.ignored.contains(*name) {
            continue;
        }
        min = min.min(*score);
        max = max.max(*score);
    }
    for (name, score) in names.iter().zip(scores.iter_mut()) {
        *score = if s.ignored.contains(*name) {
            0
        } else if max == 0 {
            MAX_NODE_SCORE
        } else {
            MAX_NODE_SCORE * (max + min - *score) / max
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::scheduler::plugins::testing::*;

    fn spread_pod(name: &str, max_skew: i32) -> k8s_openapi::api::core::v1::Pod {
        let mut pod = PodBuilder::new(name).build();
        pod.metadata.labels = Some([("foo".to_string(), "".to_string())].into_iter().collect());
        if let Some(s) = pod.spec.as_mut() {
            s.topology_spread_constraints = Some(vec![TopologySpreadConstraint {
                max_skew,
                topology_key: "zone".into(),
                when_unsatisfiable: "DoNotSchedule".into(),
                label_selector: Some(LabelSelector {
                    match_expressions: Some(vec![LabelSelectorRequirement {
                        key: "foo".into(),
                        operator: "Exists".into(),
                        values: None,
                    }]),
                    match_labels: None,
                }),
                ..Default::default()
            }]);
        }
        pod
    }

    fn labelled(name: &str, node: &str) -> crate::engine::scheduler::cache::PodInfo {
        let mut b = PodBuilder::new(name).build();
        b.metadata.labels = Some([("foo".to_string(), "".to_string())].into_iter().collect());
        if let Some(s) = b.spec.as_mut() {
            s.node_name = Some(node.into());
        }
        crate::engine::scheduler::cache::PodInfo::from_pod(&b)
    }

    #[test]
    fn should_filter_like_upstream_spread_cases() {
        // filtering_test.go "pods spread across zones as 3/3, all nodes fit" shape, reduced: zone1 has
        // node-a (2 matching pods) and node-b (1), zone2 has node-x (0) → counts zone1=3, zone2=0.
        let mut a = NodeBuilder::new("node-a")
            .label("zone", "zone1")
            .build_info();
        let mut b = NodeBuilder::new("node-b")
            .label("zone", "zone1")
            .build_info();
        let x = NodeBuilder::new("node-x")
            .label("zone", "zone2")
            .build_info();
        let nolabel = NodeBuilder::new("node-y").build_info();
        a.add_pod(labelled("p1", "node-a"));
        a.add_pod(labelled("p2", "node-a"));
        b.add_pod(labelled("p3", "node-b"));
        let nodes = vec![&a, &b, &x, &nolabel];
        let pod = spread_pod("incoming", 1);
        let state = CycleState::new(&pod);
        let spread = pre_filter(&state, &nodes, &SpreadDefaults::default()).unwrap();
        assert_eq!(spread.key_minimums.get("zone"), Some(&(2, 0)));
        let verdicts: Vec<Option<String>> = nodes
            .iter()
            .map(|n| filter(&state, &spread, n).map(|s| s.message()))
            .collect();
        assert_eq!(
            verdicts,
            vec![
                Some(ERR_REASON_CONSTRAINTS_NOT_MATCH.to_string()),
                Some(ERR_REASON_CONSTRAINTS_NOT_MATCH.to_string()),
                None,
                Some(ERR_REASON_NODE_LABEL_NOT_MATCH.to_string()),
            ]
        );
        // maxSkew 3 admits zone1 too (3 + 1 - 0 = 4 > 3 still fails; maxSkew 4 passes).
        let pod = spread_pod("incoming", 4);
        let state = CycleState::new(&pod);
        let spread = pre_filter(&state, &nodes, &SpreadDefaults::default()).unwrap();
        assert!(filter(&state, &spread, &a).is_none());
        assert!(pre_filter(
            &CycleState::new(&PodBuilder::new("plain").build()),
            &nodes,
            &SpreadDefaults::default()
        )
        .is_none());
    }

    #[test]
    fn should_move_domain_counts_when_a_pod_is_added_or_removed_in_a_what_if() {
        let mut a = NodeBuilder::new("node-a")
            .label("zone", "zone1")
            .build_info();
        let x = NodeBuilder::new("node-x")
            .label("zone", "zone2")
            .build_info();
        let nolabel = NodeBuilder::new("node-y").build_info();
        a.add_pod(labelled("p1", "node-a"));
        let pod = spread_pod("incoming", 1);
        let state = CycleState::new(&pod);
        let before = pre_filter(&state, &[&a, &x, &nolabel], &SpreadDefaults::default()).unwrap();
        // RemovePod of p1 (a preemption victim): zone1 drops to 0, so node-a passes.
        let mut without = before.clone();
        update_with_pod(&state, &mut without, &labelled("p1", "node-a"), &a, -1);
        assert_eq!(without.key_minimums.get("zone"), Some(&(2, 0)));
        assert!(filter(&state, &without, &a).is_none());
        assert!(filter(&state, &before, &a).is_some());
        // AddPod of a nominated pod on node-x: zone2 rises to 1; zone1 keeps the minimum at 0.
        let mut with = without.clone();
        update_with_pod(&state, &mut with, &labelled("n1", "node-x"), &x, 1);
        assert_eq!(with.key_minimums.get("zone"), Some(&(2, 0)));
        update_with_pod(&state, &mut with, &labelled("p1", "node-a"), &a, 1);
        assert_eq!(with, {
            let mut x = x.clone();
            x.add_pod(labelled("n1", "node-x"));
            pre_filter(&state, &[&a, &x, &nolabel], &SpreadDefaults::default()).unwrap()
        });
        // Another namespace's pod, or a node without the key, moves nothing.
        let mut other = labelled("q1", "node-a");
        other.namespace = "other".into();
        let mut unchanged = before.clone();
        update_with_pod(&state, &mut unchanged, &other, &a, 1);
        update_with_pod(
            &state,
            &mut unchanged,
            &labelled("q2", "node-y"),
            &nolabel,
            1,
        );
        assert_eq!(unchanged, before);
    }

    #[test]
    fn should_match_selectors_like_labels_selector() {
        let labels: BTreeMap<String, String> = [("app".to_string(), "web".to_string())]
            .into_iter()
            .collect();
        assert!(!Selector::new(None).matches(&labels));
        assert!(Selector::new(Some(&LabelSelector::default())).matches(&labels));
        let s = LabelSelector {
            match_labels: Some(
                [("app".to_string(), "db".to_string())]
                    .into_iter()
                    .collect(),
            ),
            match_expressions: None,
        };
        assert!(!Selector::new(Some(&s)).matches(&labels));
    }

    /// `(name, labels, feasible)`.
    type TestNode<'a> = (&'a str, &'a [(&'a str, &'a str)], bool);
    /// (name, got, want) of one score case.
    type Case = (
        &'static str,
        Option<Vec<(String, i64)>>,
        Option<Vec<(String, i64)>>,
    );

    /// `(name, node, labels, namespace, terminating)`.
    type Existing = (
        &'static str,
        &'static str,
        &'static [&'static str],
        &'static str,
        bool,
    );

    fn pod_with_labels(
        name: &str,
        labels: &[&str],
        namespace: &str,
    ) -> k8s_openapi::api::core::v1::Pod {
        let mut pod = PodBuilder::new(name).build();
        pod.metadata.namespace = Some(namespace.to_string());
        pod.metadata.labels = Some(
            labels
                .iter()
                .map(|l| (l.to_string(), String::new()))
                .collect(),
        );
        pod
    }

    fn exists(key: &str) -> LabelSelector {
        LabelSelector {
            match_expressions: Some(vec![LabelSelectorRequirement {
                key: key.into(),
                operator: "Exists".into(),
                values: None,
            }]),
            match_labels: None,
        }
    }

    fn soft(max_skew: i32, key: &str, selector: Option<LabelSelector>) -> TopologySpreadConstraint {
        TopologySpreadConstraint {
            max_skew,
            topology_key: key.into(),
            when_unsatisfiable: "ScheduleAnyway".into(),
            label_selector: selector,
            ..Default::default()
        }
    }

    /// Runs PreScore, Score and NormalizeScore; `nodes` are `(name, labels, feasible)`.
    fn spread_scores(
        pod: &k8s_openapi::api::core::v1::Pod,
        default_selector: Option<Selector>,
        nodes: &[TestNode],
        existing: &[Existing],
    ) -> Option<Vec<(String, i64)>> {
        let infos: Vec<NodeInfo> = nodes
            .iter()
            .map(|(name, labels, _)| {
                let mut b = NodeBuilder::new(name);
                for (k, v) in labels.iter() {
                    b = b.label(k, v);
                }
                let mut info = b.build_info();
                for (pod_name, node, labels, namespace, terminating) in existing {
                    if node == name {
                        let mut p = pod_with_labels(pod_name, labels, namespace);
                        if let Some(s) = p.spec.as_mut() {
                            s.node_name = Some(node.to_string());
                        }
                        if *terminating {
                            p.metadata.deletion_timestamp =
                                Some(k8s_openapi::apimachinery::pkg::apis::meta::v1::Time(
                                    Default::default(),
                                ));
                        }
                        info.add_pod(PodInfo::from_pod(&p));
                    }
                }
                info
            })
            .collect();
        let all: Vec<&NodeInfo> = infos.iter().collect();
        let feasible: Vec<&NodeInfo> = infos
            .iter()
            .zip(nodes)
            .filter(|(_, (_, _, f))| *f)
            .map(|(i, _)| i)
            .collect();
        let mut state = CycleState::new(pod);
        state.default_spread_selector = default_selector;
        let s = pre_score(&state, &feasible, &all, &SpreadDefaults::default())?;
        let mut scores: Vec<i64> = feasible.iter().map(|n| score(&state, &s, n)).collect();
        let names: Vec<&str> = feasible.iter().map(|n| n.name.as_str()).collect();
        normalize(&s, &names, &mut scores);
        Some(names.iter().map(|n| n.to_string()).zip(scores).collect())
    }

    fn with_constraints(
        labels: &[&str],
        namespace: &str,
        constraints: Vec<TopologySpreadConstraint>,
    ) -> k8s_openapi::api::core::v1::Pod {
        let mut pod = pod_with_labels("p", labels, namespace);
        if let Some(s) = pod.spec.as_mut() {
            s.topology_spread_constraints = Some(constraints);
        }
        pod
    }

    #[test]
    fn should_score_like_upstream_pod_topology_spread_score_cases() {
        const H: &str = LABEL_HOSTNAME;
        let host = |n: &'static str| -> Vec<(&'static str, &'static str)> { vec![(H, n)] };
        let zone_host = |z: &'static str, n: &'static str| vec![("zone", z), (H, n)];
        let foo = |name: &'static str, node: &'static str| -> Existing {
            (name, node, &["foo"], "default", false)
        };
        let spread_2103 = [
            foo("p-a1", "node-a"),
            foo("p-a2", "node-a"),
            foo("p-b1", "node-b"),
            foo("p-d1", "node-d"),
            foo("p-d2", "node-d"),
            foo("p-d3", "node-d"),
        ];
        let spread_4321 = [
            foo("p-a1", "node-a"),
            foo("p-a2", "node-a"),
            foo("p-a3", "node-a"),
            foo("p-a4", "node-a"),
            foo("p-b1", "node-b"),
            foo("p-b2", "node-b"),
            foo("p-b3", "node-b"),
            foo("p-c1", "node-c"),
            foo("p-c2", "node-c"),
            foo("p-d1", "node-d"),
        ];
        let spread_421_3 = [
            foo("p-a1", "node-a"),
            foo("p-a2", "node-a"),
            foo("p-a3", "node-a"),
            foo("p-a4", "node-a"),
            foo("p-b1", "node-b"),
            foo("p-b2", "node-b"),
            foo("p-x1", "node-x"),
            foo("p-y1", "node-y"),
            foo("p-y2", "node-y"),
            foo("p-y3", "node-y"),
        ];
        let (ha, hb, hc, hd) = (
            host("node-a"),
            host("node-b"),
            host("node-c"),
            host("node-d"),
        );
        let abcd = |f: [bool; 4]| {
            vec![
                ("node-a", ha.as_slice(), f[0]),
                ("node-b", hb.as_slice(), f[1]),
                ("node-c", hc.as_slice(), f[2]),
                ("node-d", hd.as_slice(), f[3]),
            ]
        };
        let on_host = |skew: i32, sel: Option<LabelSelector>| {
            with_constraints(&["foo"], "default", vec![soft(skew, H, sel)])
        };
        let want = |pairs: &[(&str, i64)]| {
            Some(
                pairs
                    .iter()
                    .map(|(n, s)| (n.to_string(), *s))
                    .collect::<Vec<_>>(),
            )
        };
        let (hx, hy) = (host("node-x"), host("node-y"));
        let (za, zb, zx, zy) = (
            zone_host("zone1", "node-a"),
            zone_host("zone1", "node-b"),
            zone_host("zone2", "node-x"),
            zone_host("zone2", "node-y"),
        );
        let no_key: Vec<(&str, &str)> = vec![("n", "node-b")];
        let cases: Vec<Case> = vec![
            (
                "one constraint on node, no existing pods",
                spread_scores(&on_host(1, Some(exists("foo"))), None, &abcd([true, true, false, false])[..2], &[]),
                want(&[("node-a", 100), ("node-b", 100)]),
            ),
            (
                "one constraint on node, only one node is candidate",
                spread_scores(&on_host(1, Some(exists("foo"))), None, &abcd([true, false, false, false])[..2], &spread_2103),
                want(&[("node-a", 100)]),
            ),
            (
                "one constraint on node, all 4 nodes are candidates",
                spread_scores(&on_host(1, Some(exists("foo"))), None, &abcd([true; 4]), &spread_2103),
                want(&[("node-a", 20), ("node-b", 60), ("node-c", 100), ("node-d", 0)]),
            ),
            (
                "one constraint on node, null selector",
                spread_scores(&on_host(1, None), None, &abcd([true; 4]), &spread_2103),
                want(&[("node-a", 100), ("node-b", 100), ("node-c", 100), ("node-d", 100)]),
            ),
            (
                "one constraint on node, all 4 nodes are candidates, maxSkew=2",
                spread_scores(&on_host(2, Some(exists("foo"))), None, &abcd([true; 4]), &spread_2103),
                want(&[("node-a", 33), ("node-b", 66), ("node-c", 100), ("node-d", 16)]),
            ),
            (
                "one constraint on node, all 4 nodes are candidates, maxSkew=3",
                spread_scores(&on_host(3, Some(exists("foo"))), None, &abcd([true; 4]), &spread_4321),
                want(&[("node-a", 44), ("node-b", 66), ("node-c", 77), ("node-d", 100)]),
            ),
            (
                "system defaulting, nodes don't have zone, pods match service",
                spread_scores(
                    &pod_with_labels("p", &["foo"], "default"),
                    Some(Selector::from_set([("foo".to_string(), String::new())].into_iter().collect())),
                    &abcd([true; 4]),
                    &spread_4321,
                ),
                want(&[("node-a", 44), ("node-b", 66), ("node-c", 77), ("node-d", 100)]),
            ),
            (
                "one constraint on node, 3 out of 4 nodes are candidates",
                spread_scores(
                    &on_host(1, Some(exists("foo"))),
                    None,
                    &[
                        ("node-a", ha.as_slice(), true),
                        ("node-b", hb.as_slice(), true),
                        ("node-x", hx.as_slice(), true),
                        ("node-y", hy.as_slice(), false),
                    ],
                    &spread_421_3,
                ),
                want(&[("node-a", 33), ("node-b", 83), ("node-x", 100)]),
            ),
            (
                "one constraint on node, 3 out of 4 nodes are candidates, one node doesn't match topology key",
                spread_scores(
                    &on_host(1, Some(exists("foo"))),
                    None,
                    &[
                        ("node-a", ha.as_slice(), true),
                        ("node-b", no_key.as_slice(), true),
                        ("node-x", hx.as_slice(), true),
                        ("node-y", hy.as_slice(), false),
                    ],
                    &spread_421_3,
                ),
                want(&[("node-a", 16), ("node-b", 0), ("node-x", 100)]),
            ),
            (
                "one constraint on zone, 3 out of 4 nodes are candidates",
                spread_scores(
                    &with_constraints(&["foo"], "default", vec![soft(1, "zone", Some(exists("foo")))]),
                    None,
                    &[
                        ("node-a", za.as_slice(), true),
                        ("node-b", zb.as_slice(), true),
                        ("node-x", zx.as_slice(), true),
                        ("node-y", zy.as_slice(), false),
                    ],
                    &spread_421_3,
                ),
                want(&[("node-a", 75), ("node-b", 75), ("node-x", 100)]),
            ),
            (
                "two Constraints on zone and node, 2 out of 4 nodes are candidates",
                spread_scores(
                    &with_constraints(
                        &["foo"],
                        "default",
                        vec![soft(1, "zone", Some(exists("foo"))), soft(1, H, Some(exists("foo")))],
                    ),
                    None,
                    &[
                        ("node-a", za.as_slice(), true),
                        ("node-b", zb.as_slice(), false),
                        ("node-x", zx.as_slice(), true),
                        ("node-y", zy.as_slice(), false),
                    ],
                    &[
                        foo("p-a1", "node-a"),
                        foo("p-a2", "node-a"),
                        foo("p-b1", "node-b"),
                        foo("p-x1", "node-x"),
                        foo("p-x2", "node-x"),
                        foo("p-y1", "node-y"),
                        foo("p-y2", "node-y"),
                        foo("p-y3", "node-y"),
                        foo("p-y4", "node-y"),
                    ],
                ),
                want(&[("node-a", 100), ("node-x", 63)]),
            ),
            (
                "two Constraints on zone and node, with different labelSelectors",
                spread_scores(
                    &with_constraints(
                        &["foo", "bar"],
                        "default",
                        vec![soft(1, "zone", Some(exists("foo"))), soft(1, H, Some(exists("bar")))],
                    ),
                    None,
                    &[
                        ("node-a", za.as_slice(), true),
                        ("node-b", zb.as_slice(), true),
                        ("node-x", zx.as_slice(), true),
                        ("node-y", zy.as_slice(), true),
                    ],
                    &[
                        foo("p-a1", "node-a"),
                        ("p-b1", "node-b", &["foo", "bar"], "default", false),
                        foo("p-y1", "node-y"),
                        ("p-y2", "node-y", &["bar"], "default", false),
                    ],
                ),
                want(&[("node-a", 60), ("node-b", 20), ("node-x", 100), ("node-y", 60)]),
            ),
            (
                "existing pods in a different namespace do not count",
                spread_scores(
                    &on_host(1, Some(exists("foo"))),
                    None,
                    &abcd([true, true, false, false])[..2],
                    &[
                        ("p-a1", "node-a", &["foo"], "ns1", false),
                        foo("p-a2", "node-a"),
                        foo("p-b1", "node-b"),
                        foo("p-b2", "node-b"),
                    ],
                ),
                want(&[("node-a", 100), ("node-b", 33)]),
            ),
            (
                "terminating Pods should be excluded",
                spread_scores(
                    &on_host(1, Some(exists("foo"))),
                    None,
                    &abcd([true, true, false, false])[..2],
                    &[("p-a", "node-a", &["foo"], "default", true), foo("p-b", "node-b")],
                ),
                want(&[("node-a", 100), ("node-b", 0)]),
            ),
            (
                "no soft constraints and no Service: PreScore skips",
                spread_scores(&pod_with_labels("p", &["foo"], "default"), None, &abcd([true; 4]), &[]),
                None,
            ),
            (
                "a Service with an empty selector gives no default constraints",
                spread_scores(
                    &pod_with_labels("p", &["foo"], "default"),
                    Some(Selector::from_set(BTreeMap::new())),
                    &abcd([true; 4]),
                    &[],
                ),
                None,
            ),
        ];
        for (name, got, want) in cases {
            assert_eq!(got, want, "{name}");
        }
    }

    #[test]
    fn should_count_nothing_for_an_empty_selector_in_prefilter() {
        // countPodsMatchSelector counts no pod for `labelSelector: {}`: the pod itself still matches
        // (selfMatch 1), so skew is 1 everywhere and every node passes maxSkew 1.
        let mut a = NodeBuilder::new("node-a").label("zone", "z1").build_info();
        let b = NodeBuilder::new("node-b").label("zone", "z2").build_info();
        a.add_pod(labelled("p1", "node-a"));
        a.add_pod(labelled("p2", "node-a"));
        let mut pod = spread_pod("incoming", 1);
        if let Some(c) = pod
            .spec
            .as_mut()
            .and_then(|s| s.topology_spread_constraints.as_mut())
            .and_then(|c| c.first_mut())
        {
            c.label_selector = Some(LabelSelector::default());
        }
        let state = CycleState::new(&pod);
        let spread = pre_filter(&state, &[&a, &b], &SpreadDefaults::default()).unwrap();
        assert!(filter(&state, &spread, &a).is_none());
        assert!(filter(&state, &spread, &b).is_none());
    }

    #[test]
    fn should_apply_listed_default_constraints_to_pods_a_service_selects() {
        // defaultingType: List with a DoNotSchedule default: a Service-selected pod without its own
        // constraints gets a hard constraint; an empty list turns default spreading off.
        let listed = SpreadDefaults {
            system_defaulted: false,
            constraints: vec![TopologySpreadConstraint {
                max_skew: 1,
                topology_key: "zone".into(),
                when_unsatisfiable: "DoNotSchedule".into(),
                ..Default::default()
            }],
        };
        let pod = pod_with_labels("p", &["foo"], "default");
        let mut state = CycleState::new(&pod);
        state.default_spread_selector = Some(Selector::from_set(
            [("foo".to_string(), String::new())].into_iter().collect(),
        ));
        let mut a = NodeBuilder::new("node-a").label("zone", "z1").build_info();
        let b = NodeBuilder::new("node-b").label("zone", "z2").build_info();
        a.add_pod(labelled("p1", "node-a"));
        let spread = pre_filter(&state, &[&a, &b], &listed).expect("a hard default constraint");
        assert_eq!(
            filter(&state, &spread, &a).map(|s| s.message()),
            Some(ERR_REASON_CONSTRAINTS_NOT_MATCH.to_string())
        );
        assert!(filter(&state, &spread, &b).is_none());
        assert!(
            pre_score(&state, &[&a, &b], &[&a, &b], &listed).is_none(),
            "no soft default"
        );
        let off = SpreadDefaults {
            system_defaulted: false,
            constraints: Vec::new(),
        };
        assert!(pre_filter(&state, &[&a, &b], &off).is_none());
        assert!(pre_score(&state, &[&a, &b], &[&a, &b], &off).is_none());
        // The system defaults are soft only.
        assert!(pre_filter(&state, &[&a, &b], &SpreadDefaults::default()).is_none());
        assert!(pre_score(&state, &[&a, &b], &[&a, &b], &SpreadDefaults::default()).is_some());
    }
}
