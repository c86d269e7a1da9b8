//! InterPodAffinity: Filter enforces the incoming pod's required affinity and anti-affinity and the
//! existing pods' required anti-affinity, per topology domain; PreScore, Score and NormalizeScore
//! prefer the domains the preferred terms (the incoming pod's, and the existing pods' toward it) and
//! the existing pods' required affinity (weight `hardPodAffinityWeight`, 1) point to.
//!
//! Mirrors `pkg/scheduler/framework/plugins/interpodaffinity/filtering.go` (`PreFilter`,
//! `getExistingAntiAffinityCounts`, `getIncomingAffinityAntiAffinityCounts`, `satisfyPodAffinity`,
//! `satisfyPodAntiAffinity`, `satisfyExistingPodsAntiAffinity`, `Filter`), `scoring.go`
//! (`processExistingPod`, `PreScore`, `Score`, `NormalizeScore`), `plugin.go`
//! (`mergeAffinityTermNamespacesIfNotEmpty`) and `framework/types.go` (`AffinityTerm.Matches`).
//! The plugin's arguments (`InterPodAffinityArgs`) come from the scheduler configuration as
//! [`AffinityArgs`].

use std::collections::{BTreeMap, BTreeSet};

use k8s_openapi::api::core::v1::{Pod, PodAffinityTerm, WeightedPodAffinityTerm};

use crate::engine::scheduler::cache::{NodeInfo, PodInfo};
use crate::engine::scheduler::framework::{Code, CycleState, Status, MAX_NODE_SCORE};
use crate::engine::scheduler::queueing_hints;

use super::pod_topology_spread::Selector;

pub const NAME: &str = "InterPodAffinity";
/// `ErrReasonExistingAntiAffinityRulesNotMatch`.
pub const ERR_REASON_EXISTING_ANTI_AFFINITY: &str =
    "node(s) didn't satisfy existing pods anti-affinity rules";
/// `ErrReasonAffinityRulesNotMatch`.
pub const ERR_REASON_AFFINITY: &str = "node(s) didn't match pod affinity rules";
/// `ErrReasonAntiAffinityRulesNotMatch`.
pub const ERR_REASON_ANTI_AFFINITY: &str = "node(s) didn't match pod anti-affinity rules";
/// `InterPodAffinityArgs.hardPodAffinityWeight`'s default.
pub const DEFAULT_HARD_POD_AFFINITY_WEIGHT: i64 = 1;

/// `InterPodAffinityArgs` after defaulting.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AffinityArgs {
    /// The weight an existing pod's required affinity term gives the domains it points to.
    pub hard_pod_affinity_weight: i64,
    /// Skip scoring for a pod without preferred terms instead of scoring existing pods' terms.
    pub ignore_preferred_terms_of_existing_pods: bool,
}

impl Default for AffinityArgs {
    fn default() -> Self {
        AffinityArgs {
            hard_pod_affinity_weight: DEFAULT_HARD_POD_AFFINITY_WEIGHT,
            ignore_preferred_terms_of_existing_pods: false,
        }
    }
}

/// The labels of a namespace the lister does not have, and the namespace labels a term of the
/// incoming pod is matched with once its namespace selector is merged (upstream passes nil).
static NO_LABELS: BTreeMap<String, String> = BTreeMap::new();

/// A parsed `PodAffinityTerm` (`fwk.AffinityTerm`).
#[derive(Clone, Debug, PartialEq)]
pub struct AffinityTerm {
    pub namespaces: BTreeSet<String>,
    /// `namespaceSelector`: nothing when absent, everything when `{}`.
    pub namespace_selector: Selector,
    pub selector: Selector,
    pub topology_key: String,
}

impl AffinityTerm {
    pub fn new(owner_namespace: &str, term: &PodAffinityTerm) -> AffinityTerm {
        let mut namespaces: BTreeSet<String> = term.namespaces.iter().flatten().cloned().collect();
        if namespaces.is_empty() && term.namespace_selector.is_none() {
            namespaces.insert(owner_namespace.to_string());
        }
        AffinityTerm {
            namespaces,
            namespace_selector: Selector::new(term.namespace_selector.as_ref()),
            selector: Selector::new(term.label_selector.as_ref()),
            topology_key: term.topology_key.clone(),
        }
    }

    /// `AffinityTerm.Matches`: the pod's namespace is listed or its labels match the namespace
    /// selector, and the pod's labels match the label selector.
    pub fn matches(
        &self,
        namespace: &str,
        namespace_labels: &BTreeMap<String, String>,
        labels: &BTreeMap<String, String>,
    ) -> bool {
        (self.namespaces.contains(namespace) || self.namespace_selector.matches(namespace_labels))
            && self.selector.matches(labels)
    }

    /// `mergeAffinityTermNamespacesIfNotEmpty`: a non-empty namespace selector of the incoming pod
    /// becomes the names of the namespaces it selects now.
    fn merge_namespaces(&mut self, namespaces: &BTreeMap<String, BTreeMap<String, String>>) {
        if self.namespace_selector.is_empty() {
            return;
        }
        for (name, labels) in namespaces {
            if self.namespace_selector.matches(labels) {
                self.namespaces.insert(name.clone());
            }
        }
        self.namespace_selector = Selector::nothing();
    }
}

/// A preferred term with its weight (`fwk.WeightedAffinityTerm`).
#[derive(Clone, Debug, PartialEq)]
pub struct WeightedTerm {
    pub weight: i64,
    pub term: AffinityTerm,
}

/// An existing pod's terms that count at Score (`PodInfo`'s `RequiredAffinityTerms`,
/// `PreferredAffinityTerms` and `PreferredAntiAffinityTerms`).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ScoringTerms {
    pub required_affinity: Vec<AffinityTerm>,
    pub preferred_affinity: Vec<WeightedTerm>,
    pub preferred_anti_affinity: Vec<WeightedTerm>,
}

fn parse_terms(namespace: &str, terms: Option<&Vec<PodAffinityTerm>>) -> Vec<AffinityTerm> {
    terms
        .into_iter()
        .flatten()
        .map(|t| AffinityTerm::new(namespace, t))
        .collect()
}

fn parse_weighted(
    namespace: &str,
    terms: Option<&Vec<WeightedPodAffinityTerm>>,
) -> Vec<WeightedTerm> {
    terms
        .into_iter()
        .flatten()
        .map(|t| WeightedTerm {
            weight: i64::from(t.weight),
            term: AffinityTerm::new(namespace, &t.pod_affinity_term),
        })
        .collect()
}

fn namespace_of(pod: &Pod) -> &str {
    pod.metadata.namespace.as_deref().unwrap_or("default")
}

/// Whether any of the pod's pod (anti-)affinity terms, required or preferred, has a
/// `namespaceSelector` (whose namespaces PreFilter and PreScore merge in from the namespace lister).
pub fn has_namespace_selector(pod: &Pod) -> bool {
    let Some(affinity) = pod.spec.as_ref().and_then(|s| s.affinity.as_ref()) else {
        return false;
    };
    let terms = |required: Option<&Vec<PodAffinityTerm>>,
                 preferred: Option<&Vec<WeightedPodAffinityTerm>>| {
        required
            .into_iter()
            .flatten()
            .chain(
                preferred
                    .into_iter()
                    .flatten()
                    .map(|w| &w.pod_affinity_term),
            )
            .any(|t| t.namespace_selector.is_some())
    };
    affinity.pod_affinity.as_ref().is_some_and(|a| {
        terms(
            a.required_during_scheduling_ignored_during_execution
                .as_ref(),
            a.preferred_during_scheduling_ignored_during_execution
                .as_ref(),
        )
    }) || affinity.pod_anti_affinity.as_ref().is_some_and(|a| {
        terms(
            a.required_during_scheduling_ignored_during_execution
                .as_ref(),
            a.preferred_during_scheduling_ignored_during_execution
                .as_ref(),
        )
    })
}

/// The pod's required pod-affinity and pod-anti-affinity terms.
pub fn required_terms(pod: &Pod) -> (Vec<AffinityTerm>, Vec<AffinityTerm>) {
    let ns = namespace_of(pod);
    let affinity = pod.spec.as_ref().and_then(|s| s.affinity.as_ref());
    (
        parse_terms(
            ns,
            affinity
                .and_then(|a| a.pod_affinity.as_ref())
                .and_then(|a| {
                    a.required_during_scheduling_ignored_during_execution
                        .as_ref()
                }),
        ),
        parse_terms(
            ns,
            affinity
                .and_then(|a| a.pod_anti_affinity.as_ref())
                .and_then(|a| {
                    a.required_during_scheduling_ignored_during_execution
                        .as_ref()
                }),
        ),
    )
}

/// The pod's preferred pod-affinity and pod-anti-affinity terms.
fn preferred_terms(pod: &Pod) -> (Vec<WeightedTerm>, Vec<WeightedTerm>) {
    let ns = namespace_of(pod);
    let affinity = pod.spec.as_ref().and_then(|s| s.affinity.as_ref());
    (
        parse_weighted(
            ns,
            affinity
                .and_then(|a| a.pod_affinity.as_ref())
                .and_then(|a| {
                    a.preferred_during_scheduling_ignored_during_execution
                        .as_ref()
                }),
        ),
        parse_weighted(
            ns,
            affinity
                .and_then(|a| a.pod_anti_affinity.as_ref())
                .and_then(|a| {
                    a.preferred_during_scheduling_ignored_during_execution
                        .as_ref()
                }),
        ),
    )
}

/// An existing pod's scoring terms; `None` unless the pod has pod affinity or pod anti-affinity (one
/// of upstream's `PodsWithAffinity`).
pub fn scoring_terms(pod: &Pod) -> Option<Box<ScoringTerms>> {
    let affinity = pod.spec.as_ref().and_then(|s| s.affinity.as_ref())?;
    if affinity.pod_affinity.is_none() && affinity.pod_anti_affinity.is_none() {
        return None;
    }
    let (preferred_affinity, preferred_anti_affinity) = preferred_terms(pod);
    Some(Box::new(ScoringTerms {
        required_affinity: required_terms(pod).0,
        preferred_affinity,
        preferred_anti_affinity,
    }))
}

/// Matching pods per topology domain (`topologyToMatchedTermCount`).
type Counts = BTreeMap<(String, String), i64>;

/// `topologyToMatchedTermCount.update`: moves the count of the node's domain for `key` (a node
/// without the key has no domain); a domain whose count reaches zero is forgotten.
fn update_count(counts: &mut Counts, node: &NodeInfo, key: &str, multiplier: i64) {
    if let Some(v) = node.labels.get(key) {
        let pair = (key.to_string(), v.clone());
        let count = counts.entry(pair.clone()).or_insert(0);
        *count += multiplier;
        if *count == 0 {
            counts.remove(&pair);
        }
    }
}

/// The PreFilter state.
#[derive(Clone, Debug, PartialEq)]
pub struct AffinityState {
    /// The incoming pod's required terms, namespace selectors merged.
    pub affinity: Vec<AffinityTerm>,
    pub anti_affinity: Vec<AffinityTerm>,
    pub existing_anti_affinity_counts: Counts,
    pub affinity_counts: Counts,
    pub anti_affinity_counts: Counts,
}

fn matches_existing(term: &AffinityTerm, pod: &PodInfo) -> bool {
    term.matches(&pod.namespace, &NO_LABELS, &pod.labels)
}

/// `podMatchesAllAffinityTerms`.
fn matches_all(terms: &[AffinityTerm], namespace: &str, labels: &BTreeMap<String, String>) -> bool {
    !terms.is_empty()
        && terms
            .iter()
            .all(|t| t.matches(namespace, &NO_LABELS, labels))
}

/// QueueingHint for `Pod/Add|UpdatePodLabel|Delete` (`isSchedulableAfterPodChange`), on the waiting
/// pod's required terms (a namespace selector seen against no labels): Queue when a bound (or
/// nominated) pod starts matching all its affinity terms (added, or relabelled), or stops matching
/// all its anti-affinity terms (deleted, or relabelled). Pods that are neither bound nor nominated
/// count as absent; a waiting pod without required terms always gets QueueSkip.
pub fn is_schedulable_after_pod_change(target: &Pod, old: Option<&Pod>, new: Option<&Pod>) -> bool {
    let (affinity, anti_affinity) = required_terms(target);
    fn placed(pod: Option<&Pod>) -> Option<&Pod> {
        pod.filter(|p| queueing_hints::bound_or_nominated(p))
    }
    let all = |terms: &[AffinityTerm], pod: &Pod| {
        let labels = pod.metadata.labels.clone().unwrap_or_default();
        matches_all(terms, namespace_of(pod), &labels)
    };
    match (placed(old), placed(new)) {
        (Some(old), Some(new)) => {
            (!all(&affinity, old) && all(&affinity, new))
                || (all(&anti_affinity, old) && !all(&anti_affinity, new))
        }
        (None, Some(added)) => all(&affinity, added),
        (Some(deleted), None) => all(&anti_affinity, deleted),
        (None, None) => false,
    }
}

/// QueueingHint for `Node/Add|UpdateNodeLabel` (`isSchedulableAfterNodeChange`), on topology keys
/// only: Queue when an affinity term's key appears or changes value (an added node with the key), or
/// an anti-affinity term's key disappears or changes value (any added node).
pub fn is_schedulable_after_node_change(
    target: &Pod,
    old: Option<&NodeInfo>,
    new: &NodeInfo,
) -> bool {
    let (affinity, anti_affinity) = required_terms(target);
    let values = |term: &AffinityTerm| {
        (
            old.map(|o| o.labels.get(&term.topology_key)),
            new.labels.get(&term.topology_key),
        )
    };
    let affinity_helped = affinity.iter().any(|term| match values(term) {
        (None, now) => now.is_some(),
        (Some(None), Some(_)) => true,
        (Some(Some(before)), Some(now)) => before != now,
        (Some(_), None) => false,
    });
    affinity_helped
        || anti_affinity.iter().any(|term| match values(term) {
            (None, _) => true,
            (Some(Some(_)), None) => true,
            (Some(Some(before)), Some(now)) => before != now,
            (Some(None), _) => false,
        })
}

/// PreFilter: `None` (Skip) when the pod has no required terms and no existing pod's required
/// anti-affinity matches it.
pub fn pre_filter(state: &CycleState, nodes: &[&NodeInfo]) -> Option<AffinityState> {
    let (mut affinity, mut anti_affinity) = required_terms(state.pod);
    for term in affinity.iter_mut().chain(anti_affinity.iter_mut()) {
        term.merge_namespaces(&state.namespace_labels);
    }
    let mut s = AffinityState {
        affinity,
        anti_affinity,
        existing_anti_affinity_counts: Counts::new(),
        affinity_counts: Counts::new(),
        anti_affinity_counts: Counts::new(),
    };
    let incoming_terms = !s.affinity.is_empty() || !s.anti_affinity.is_empty();
    for node in nodes {
        if !incoming_terms && node.pods_with_required_anti_affinity == 0 {
            continue;
        }
        for existing in &node.pods {
            update_with_pod(state, &mut s, existing, node, 1);
        }
    }
    if s.existing_anti_affinity_counts.is_empty()
        && s.affinity.is_empty()
        && s.anti_affinity.is_empty()
    {
        return None;
    }
    Some(s)
}

/// `preFilterState.updateWithPod`, PreFilter's count of one pod on `node`; also the AddPod (`1`) and
/// RemovePod (`-1`) extensions, for a pod added to or removed from a node in a what-if (a nominated
/// pod, a preemption victim): the existing pod's anti-affinity against the incoming pod, and the
/// incoming pod's affinity and anti-affinity against the existing pod.
pub fn update_with_pod(
    state: &CycleState,
    s: &mut AffinityState,
    existing: &PodInfo,
    node: &NodeInfo,
    multiplier: i64,
) {
    if !existing.required_anti_affinity.is_empty() {
        let ns = namespace_of(state.pod);
        let ns_labels = state.namespace_labels.get(ns).unwrap_or(&NO_LABELS);
        let labels = state.pod.metadata.labels.as_ref().unwrap_or(&NO_LABELS);
        for term in &existing.required_anti_affinity {
            if term.matches(ns, ns_labels, labels) {
                let key = &term.topology_key;
                update_count(&mut s.existing_anti_affinity_counts, node, key, multiplier);
            }
        }
    }
    if matches_all(&s.affinity, &existing.namespace, &existing.labels) {
        for term in &s.affinity {
            update_count(&mut s.affinity_counts, node, &term.topology_key, multiplier);
        }
    }
    for term in &s.anti_affinity {
        if matches_existing(term, existing) {
            update_count(
                &mut s.anti_affinity_counts,
                node,
                &term.topology_key,
                multiplier,
            );
        }
    }
}

fn count(counts: &Counts, key: &str, value: &str) -> i64 {
    counts
        .get(&(key.to_string(), value.to_string()))
        .copied()
        .unwrap_or(0)
}

/// `satisfyPodAffinity`: every term's key on the node, and a matching pod in each term's domain;
/// or, when no pod anywhere matches, the pod matches its own terms (the first of a group).
fn satisfies_affinity(state: &CycleState, s: &AffinityState, node: &NodeInfo) -> bool {
    let mut pods_exist = true;
    for term in &s.affinity {
        match node.labels.get(&term.topology_key) {
            Some(v) => {
                if count(&s.affinity_counts, &term.topology_key, v) <= 0 {
                    pods_exist = false;
                }
            }
            None => return false,
        }
    }
    if pods_exist {
        return true;
    }
    let labels = state.pod.metadata.labels.clone().unwrap_or_default();
    s.affinity_counts.is_empty() && matches_all(&s.affinity, namespace_of(state.pod), &labels)
}

pub fn filter(state: &CycleState, s: &AffinityState, node: &NodeInfo) -> Option<Status> {
    if !satisfies_affinity(state, s, node) {
        return Some(Status::reject(
            Code::UnschedulableAndUnresolvable,
            NAME,
            ERR_REASON_AFFINITY,
        ));
    }
    let anti_violated = s.anti_affinity.iter().any(|term| {
        node.labels
            .get(&term.topology_key)
            .is_some_and(|v| count(&s.anti_affinity_counts, &term.topology_key, v) > 0)
    });
    if anti_violated {
        return Some(Status::reject(
            Code::Unschedulable,
            NAME,
            ERR_REASON_ANTI_AFFINITY,
        ));
    }
    let existing_violated = !s.existing_anti_affinity_counts.is_empty()
        && node
            .labels
            .iter()
            .any(|(k, v)| count(&s.existing_anti_affinity_counts, k, v) > 0);
    if existing_violated {
        return Some(Status::reject(
            Code::Unschedulable,
            NAME,
            ERR_REASON_EXISTING_ANTI_AFFINITY,
        ));
    }
    None
}

/// The PreScore state: the summed weights per topology domain (`topologyScore`).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct AffinityScoreState {
    pub topology_score: BTreeMap<String, BTreeMap<String, i64>>,
}

fn add_weight(
    scores: &mut BTreeMap<String, BTreeMap<String, i64>>,
    node: &NodeInfo,
    key: &str,
    weight: i64,
) {
    if let Some(value) = node.labels.get(key) {
        *scores
            .entry(key.to_string())
            .or_default()
            .entry(value.clone())
            .or_insert(0) += weight;
    }
}

/// PreScore: `None` (Skip) when no existing pod on a labelled node contributes to the score.
/// `nodes` is every node of the snapshot.
pub fn pre_score(
    state: &CycleState,
    nodes: &[&NodeInfo],
    args: &AffinityArgs,
) -> Option<AffinityScoreState> {
    let (mut preferred, mut preferred_anti) = preferred_terms(state.pod);
    let has_constraints = !preferred.is_empty() || !preferred_anti.is_empty();
    if args.ignore_preferred_terms_of_existing_pods && !has_constraints {
        return None;
    }
    let hard_pod_affinity_weight = args.hard_pod_affinity_weight;
    for w in preferred.iter_mut().chain(preferred_anti.iter_mut()) {
        w.term.merge_namespaces(&state.namespace_labels);
    }
    let ns = namespace_of(state.pod);
    let ns_labels = state.namespace_labels.get(ns).unwrap_or(&NO_LABELS);
    let labels = state.pod.metadata.labels.clone().unwrap_or_default();
    let incoming_matches = |t: &AffinityTerm| t.matches(ns, ns_labels, &labels);
    let mut scores: BTreeMap<String, BTreeMap<String, i64>> = BTreeMap::new();
    let mut any = false;
    for node in nodes {
        // Unless the pod has preferred terms, only nodes hosting pods with affinity matter.
        if node.labels.is_empty() || (!has_constraints && node.pods_with_affinity == 0) {
            continue;
        }
        let mut node_scores: BTreeMap<String, BTreeMap<String, i64>> = BTreeMap::new();
        for existing in &node.pods {
            let terms = existing.scoring_terms.as_deref();
            if !has_constraints && terms.is_none() {
                continue;
            }
            for (list, sign) in [(&preferred, 1), (&preferred_anti, -1)] {
                for w in list {
                    if matches_existing(&w.term, existing) {
                        add_weight(
                            &mut node_scores,
                            node,
                            &w.term.topology_key,
                            w.weight * sign,
                        );
                    }
                }
            }
            let Some(terms) = terms else { continue };
            if hard_pod_affinity_weight > 0 {
                for t in &terms.required_affinity {
                    if incoming_matches(t) {
                        add_weight(
                            &mut node_scores,
                            node,
                            &t.topology_key,
                            hard_pod_affinity_weight,
                        );
                    }
                }
            }
            for (list, sign) in [
                (&terms.preferred_affinity, 1),
                (&terms.preferred_anti_affinity, -1),
            ] {
                for w in list {
                    if incoming_matches(&w.term) {
                        add_weight(
                            &mut node_scores,
                            node,
                            &w.term.topology_key,
                            w.weight * sign,
                        );
                    }
                }
            }
        }
        if !node_scores.is_empty() {
            any = true;
            for (key, values) in node_scores {
                let slot = scores.entry(key).or_default();
                for (value, weight) in values {
                    *slot.entry(value).or_insert(0) += weight;
                }
            }
        }
    }
    any.then_some(AffinityScoreState {
        topology_score: scores,
    })
}

/// Score: the summed weights of the node's domains.
pub fn score(s: &AffinityScoreState, node: &NodeInfo) -> i64 {
    s.topology_score
        .iter()
        .filter_map(|(key, values)| {
            node.labels
                .get(key)
                .map(|v| values.get(v).copied().unwrap_or(0))
        })
        .sum()
}

/// NormalizeScore: `100 × (score − min) / (max − min)`, truncated; all 0 when every node scored the
/// same.
pub fn normalize(s: &AffinityScoreState, scores: &mut [i64]) {
    if s.topology_score.is_empty() {
        return;
    }
    let min = scores.iter().copied().min().unwrap_or(0);
    let max = scores.iter().copied().max().unwrap_or(0);
    let diff = max - min;
    for score in scores.iter_mut() {
        *score = if diff > 0 {
            (MAX_NODE_SCORE as f64 * ((*score - min) as f64 / diff as f64)) as i64
        } else {
            0
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::scheduler::plugins::testing::*;
    use k8s_openapi::api::core::v1::{Affinity, PodAffinity, PodAntiAffinity};
    use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;

    fn term(key: &str, value: &str, topology: &str) -> PodAffinityTerm {
        PodAffinityTerm {
            label_selector: Some(LabelSelector {
                match_labels: Some([(key.to_string(), value.to_string())].into_iter().collect()),
                match_expressions: None,
            }),
            topology_key: topology.into(),
            ..Default::default()
        }
    }

    fn pod(
        name: &str,
        labels: &[(&str, &str)],
        affinity: Vec<PodAffinityTerm>,
        anti: Vec<PodAffinityTerm>,
    ) -> Pod {
        let mut p = PodBuilder::new(name).build();
        p.metadata.labels = Some(
            labels
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        );
        if let Some(s) = p.spec.as_mut() {
            s.affinity = Some(Affinity {
                pod_affinity: (!affinity.is_empty()).then(|| PodAffinity {
                    required_during_scheduling_ignored_during_execution: Some(affinity),
                    ..Default::default()
                }),
                pod_anti_affinity: (!anti.is_empty()).then(|| PodAntiAffinity {
                    required_during_scheduling_ignored_during_execution: Some(anti),
                    ..Default::default()
                }),
                ..Default::default()
            });
        }
        p
    }

    fn on(p: &Pod, node: &str) -> PodInfo {
        let mut p = p.clone();
        if let Some(s) = p.spec.as_mut() {
            s.node_name = Some(node.into());
        }
        PodInfo::from_pod(&p)
    }

    #[test]
    fn should_filter_like_upstream_inter_pod_affinity_cases() {
        let db = pod("db", &[("service", "securityscan")], vec![], vec![]);
        let mut n1 = NodeBuilder::new("n1").label("zone", "z1").build_info();
        let n2 = NodeBuilder::new("n2").label("zone", "z2").build_info();
        let n3 = NodeBuilder::new("n3").build_info();
        n1.add_pod(on(&db, "n1"));
        let nodes = vec![&n1, &n2, &n3];
        let verdicts = |p: &Pod| -> Vec<Option<&'static str>> {
            let state = CycleState::new(p);
            let s = pre_filter(&state, &nodes).unwrap();
            nodes
                .iter()
                .map(|n| {
                    filter(&state, &s, n).map(|st| {
                        if st.reasons[0] == ERR_REASON_AFFINITY {
                            "affinity"
                        } else if st.reasons[0] == ERR_REASON_ANTI_AFFINITY {
                            "anti"
                        } else {
                            "existing"
                        }
                    })
                })
                .collect()
        };
        // Affinity to the securityscan pod: only zone z1; n3 lacks the key.
        let p = pod(
            "p",
            &[],
            vec![term("service", "securityscan", "zone")],
            vec![],
        );
        assert_eq!(verdicts(&p), vec![None, Some("affinity"), Some("affinity")]);
        // Anti-affinity: z1 is excluded; nodes without the key pass.
        let p = pod(
            "p",
            &[],
            vec![],
            vec![term("service", "securityscan", "zone")],
        );
        assert_eq!(verdicts(&p), vec![Some("anti"), None, None]);
        // The first pod of a group that matches its own affinity term may go to any node with the key.
        let p = pod("p", &[("app", "x")], vec![term("app", "x", "zone")], vec![]);
        assert_eq!(verdicts(&p), vec![None, None, Some("affinity")]);
        // An existing pod's anti-affinity against the incoming pod's labels.
        let guard = pod("guard", &[], vec![], vec![term("app", "web", "zone")]);
        let mut m1 = NodeBuilder::new("m1").label("zone", "z1").build_info();
        let m2 = NodeBuilder::new("m2").label("zone", "z2").build_info();
        m1.add_pod(on(&guard, "m1"));
        let web = pod("web", &[("app", "web")], vec![], vec![]);
        let state = CycleState::new(&web);
        let s = pre_filter(&state, &[&m1, &m2]).unwrap();
        assert_eq!(
            filter(&state, &s, &m1).unwrap().message(),
            ERR_REASON_EXISTING_ANTI_AFFINITY
        );
        assert!(filter(&state, &s, &m2).is_none());
        assert!(pre_filter(&CycleState::new(&PodBuilder::new("plain").build()), &[&m2]).is_none());
    }

    /// (name, got, want) of one score case.
    type Case = (&'static str, Option<Vec<i64>>, Option<Vec<i64>>);

    fn json_pod(value: serde_json::Value) -> Pod {
        serde_json::from_value(value).expect("test pod")
    }

    fn weighted(
        weight: i32,
        key: &str,
        op: &str,
        values: &[&str],
        topology: &str,
    ) -> serde_json::Value {
        serde_json::json!({"weight": weight, "podAffinityTerm": {
            "labelSelector": {"matchExpressions": [{"key": key, "operator": op, "values": values}]},
            "topologyKey": topology}})
    }

    /// PreScore, Score and NormalizeScore over every node (all feasible); `None` when PreScore skips.
    fn affinity_scores(
        pod: &Pod,
        nodes: &[(&str, &[(&str, &str)])],
        existing: &[(&str, Pod)],
        namespaces: &[(&str, &str)],
    ) -> Option<Vec<i64>> {
        let infos: Vec<NodeInfo> = nodes
            .iter()
            .map(|(name, labels)| {
                let mut b = NodeBuilder::new(name);
                for (k, v) in labels.iter() {
                    b = b.label(k, v);
                }
                let mut info = b.build_info();
                for (node, p) in existing {
                    if node == name {
                        info.add_pod(on(p, node));
                    }
                }
                info
            })
            .collect();
        let all: Vec<&NodeInfo> = infos.iter().collect();
        let mut state = CycleState::new(pod);
        state.namespace_labels = namespaces
            .iter()
            .map(|(name, team)| {
                (
                    name.to_string(),
                    [("team".to_string(), team.to_string())]
                        .into_iter()
                        .collect(),
                )
            })
            .collect();
        let s = pre_score(&state, &all, &AffinityArgs::default())?;
        let mut scores: Vec<i64> = all.iter().map(|n| score(&s, n)).collect();
        normalize(&s, &mut scores);
        Some(scores)
    }

    #[test]
    fn should_score_like_upstream_preferred_affinity_cases() {
        use serde_json::json;
        let s1 = json!({"security": "S1"});
        let s2 = json!({"security": "S2"});
        let stay_s1_region = json!({"podAffinity": {"preferredDuringSchedulingIgnoredDuringExecution": [
            weighted(5, "security", "In", &["S1"], "region")]}});
        let stay_s2_region = json!({"podAffinity": {"preferredDuringSchedulingIgnoredDuringExecution": [
            weighted(6, "security", "In", &["S2"], "region")]}});
        let affinity3 = json!({"podAffinity": {"preferredDuringSchedulingIgnoredDuringExecution": [
            {"weight": 8, "podAffinityTerm": {"labelSelector": {"matchExpressions": [
                {"key": "security", "operator": "NotIn", "values": ["S1"]},
                {"key": "security", "operator": "In", "values": ["S2"]}]}, "topologyKey": "region"}},
            {"weight": 2, "podAffinityTerm": {"labelSelector": {"matchExpressions": [
                {"key": "security", "operator": "Exists"},
                {"key": "wrongkey", "operator": "DoesNotExist"}]}, "topologyKey": "region"}}]}});
        let hard = json!({"podAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": [
            {"labelSelector": {"matchExpressions": [{"key": "security", "operator": "In", "values": ["S1", "value2"]}]},
             "topologyKey": "region"},
            {"labelSelector": {"matchExpressions": [{"key": "security", "operator": "Exists"},
                {"key": "wrongkey", "operator": "DoesNotExist"}]}, "topologyKey": "region"}]}});
        let away_s1_az = json!({"podAntiAffinity": {"preferredDuringSchedulingIgnoredDuringExecution": [
            weighted(5, "security", "In", &["S1"], "az")]}});
        let away_s2_az = json!({"podAntiAffinity": {"preferredDuringSchedulingIgnoredDuringExecution": [
            weighted(5, "security", "In", &["S2"], "az")]}});
        let s1_region_away_s2 = json!({
            "podAffinity": {"preferredDuringSchedulingIgnoredDuringExecution": [
                weighted(8, "security", "In", &["S1"], "region")]},
            "podAntiAffinity": {"preferredDuringSchedulingIgnoredDuringExecution": [
                weighted(5, "security", "In", &["S2"], "az")]}});
        let ns_selector_term = json!({"weight": 5, "podAffinityTerm": {
            "labelSelector": {"matchExpressions": [{"key": "security", "operator": "In", "values": ["S1"]}]},
            "topologyKey": "region", "namespaces": ["subteam2.team2"],
            "namespaceSelector": {"matchExpressions": [{"key": "team", "operator": "In", "values": ["team1"]}]}}});
        let affinity_ns = json!({"podAffinity": {"preferredDuringSchedulingIgnoredDuringExecution": [ns_selector_term.clone()]}});
        let anti_ns = json!({"podAntiAffinity": {"preferredDuringSchedulingIgnoredDuringExecution": [ns_selector_term]}});
        let pod =
            |labels: &serde_json::Value, affinity: Option<&serde_json::Value>, ns: Option<&str>| {
                json_pod(
                    json!({"metadata": {"name": "p", "labels": labels, "namespace": ns},
                "spec": {"containers": [{"name": "c", "image": "i"}], "affinity": affinity}}),
                )
            };
        let china: &[(&str, &str)] = &[("region", "China")];
        let india: &[(&str, &str)] = &[("region", "India")];
        let az1: &[(&str, &str)] = &[("az", "az1")];
        let az2: &[(&str, &str)] = &[("az", "az2")];
        let china_az1: &[(&str, &str)] = &[("region", "China"), ("az", "az1")];
        let three = [("node1", china), ("node2", india), ("node3", az1)];
        let teams = [
            ("subteam1.team1", "team1"),
            ("subteam2.team1", "team1"),
            ("subteam1.team2", "team2"),
            ("subteam2.team2", "team2"),
        ];
        let cases: Vec<Case> = vec![
            (
                "all nodes are same priority as Affinity is nil",
                affinity_scores(&pod(&s1, None, None), &three, &[], &[]),
                None,
            ),
            (
                "Affinity: pod that matches topology key & pods in nodes will get high score",
                affinity_scores(
                    &pod(&s1, Some(&stay_s1_region), None),
                    &three,
                    &[("node1", pod(&s1, None, None)), ("node2", pod(&s2, None, None)), ("node3", pod(&s1, None, None))],
                    &[],
                ),
                Some(vec![100, 0, 0]),
            ),
            (
                "All the nodes that have the same topology key & label value have the same score",
                affinity_scores(
                    &pod(&json!({}), Some(&stay_s1_region), None),
                    &[("node1", china), ("node2", china_az1), ("node3", india)],
                    &[("node1", pod(&s1, None, None))],
                    &[],
                ),
                Some(vec![100, 100, 0]),
            ),
            (
                "Affinity: nodes in one region has more matching pods",
                affinity_scores(
                    &pod(&s1, Some(&stay_s2_region), None),
                    &[("node1", china), ("node2", india), ("node3", china), ("node4", china), ("node5", india)],
                    &[
                        ("node1", pod(&s2, None, None)),
                        ("node1", pod(&s2, None, None)),
                        ("node2", pod(&s2, None, None)),
                        ("node3", pod(&s2, None, None)),
                        ("node4", pod(&s2, None, None)),
                        ("node5", pod(&s2, None, None)),
                    ],
                    &[],
                ),
                Some(vec![100, 0, 100, 100, 0]),
            ),
            (
                "Affinity: different Label operators and values, including some match failures",
                affinity_scores(
                    &pod(&s1, Some(&affinity3), None),
                    &three,
                    &[("node1", pod(&s1, None, None)), ("node2", pod(&s2, None, None)), ("node3", pod(&s1, None, None))],
                    &[],
                ),
                Some(vec![20, 100, 0]),
            ),
            (
                "Affinity symmetry: preferred terms of existing pods",
                affinity_scores(
                    &pod(&s2, None, None),
                    &three,
                    &[("node1", pod(&s1, Some(&stay_s1_region), None)), ("node2", pod(&s2, Some(&stay_s2_region), None))],
                    &[],
                ),
                Some(vec![0, 100, 0]),
            ),
            (
                "Affinity symmetry with namespace selector",
                affinity_scores(
                    &pod(&s1, None, Some("subteam1.team1")),
                    &three,
                    &[("node1", pod(&s1, Some(&affinity_ns), None)), ("node2", pod(&s2, Some(&stay_s2_region), None))],
                    &teams,
                ),
                Some(vec![100, 0, 0]),
            ),
            (
                "AntiAffinity symmetry with namespace selector",
                affinity_scores(
                    &pod(&s1, None, Some("subteam1.team1")),
                    &three,
                    &[("node1", pod(&s1, Some(&anti_ns), None)), ("node2", pod(&s2, Some(&stay_s2_region), None))],
                    &teams,
                ),
                Some(vec![0, 100, 100]),
            ),
            (
                "Affinity symmetry: required terms of existing pods count with hardPodAffinityWeight",
                affinity_scores(
                    &pod(&s1, None, None),
                    &three,
                    &[("node1", pod(&s1, Some(&hard), None)), ("node2", pod(&s2, Some(&hard), None))],
                    &[],
                ),
                Some(vec![100, 100, 0]),
            ),
            (
                "Anti Affinity: pod that does not match existing pods in node will get high score",
                affinity_scores(
                    &pod(&s1, Some(&away_s1_az), None),
                    &[("node1", az1), ("node2", china)],
                    &[("node1", pod(&s1, None, None)), ("node2", pod(&s2, None, None))],
                    &[],
                ),
                Some(vec![0, 100]),
            ),
            (
                "Anti Affinity symmetry: the existing pods in node which has anti affinity match will get high score",
                affinity_scores(
                    &pod(&s2, None, None),
                    &[("node1", az1), ("node2", az2)],
                    &[("node1", pod(&s1, Some(&away_s2_az), None)), ("node2", pod(&s2, Some(&away_s1_az), None))],
                    &[],
                ),
                Some(vec![0, 100]),
            ),
            (
                "Affinity and Anti Affinity and symmetry together",
                affinity_scores(
                    &pod(&s1, Some(&s1_region_away_s2), None),
                    &[("node1", china), ("node2", az1), ("node3", india), ("node4", az2)],
                    &[
                        ("node1", pod(&s1, None, None)),
                        ("node2", pod(&s2, None, None)),
                        ("node3", pod(&json!({}), Some(&s1_region_away_s2), None)),
                        ("node4", pod(&json!({}), Some(&away_s1_az), None)),
                    ],
                    &[],
                ),
                Some(vec![100, 0, 100, 0]),
            ),
            (
                "Avoid panic when partial nodes in a topology don't have pods with affinity",
                affinity_scores(
                    &pod(&s1, None, None),
                    &[("node1", china), ("node2", china)],
                    &[("node1", pod(&s1, None, None)), ("node2", pod(&json!({}), Some(&s1_region_away_s2), None))],
                    &[],
                ),
                Some(vec![0, 0]),
            ),
        ];
        for (name, got, want) in cases {
            assert_eq!(got, want, "{name}");
        }
    }

    #[test]
    fn should_update_the_counts_as_upstream_add_pod_and_remove_pod_do() {
        // Each what-if change equals PreFilter run over the changed snapshot; counts that reach
        // zero are forgotten (so "no matching pod anywhere" holds again).
        let db = pod("db", &[("app", "db")], vec![], vec![]);
        let guard = pod("guard", &[], vec![], vec![term("app", "web", "zone")]);
        let n1 = NodeBuilder::new("n1").label("zone", "z1").build_info();
        let n2 = NodeBuilder::new("n2").label("zone", "z2").build_info();
        let incoming = pod(
            "web",
            &[("app", "web")],
            vec![term("app", "db", "zone")],
            vec![term("app", "web", "zone")],
        );
        let state = CycleState::new(&incoming);
        let with_pods = |pods: &[(&Pod, &str)]| {
            let (mut a, mut b) = (n1.clone(), n2.clone());
            for (p, node) in pods {
                if *node == "n1" {
                    a.add_pod(on(p, node))
                } else {
                    b.add_pod(on(p, node))
                }
            }
            pre_filter(&state, &[&a, &b]).unwrap()
        };
        let empty = with_pods(&[]);
        let mut s = empty.clone();
        update_with_pod(&state, &mut s, &on(&db, "n1"), &n1, 1);
        update_with_pod(&state, &mut s, &on(&guard, "n2"), &n2, 1);
        assert_eq!(s, with_pods(&[(&db, "n1"), (&guard, "n2")]));
        assert!(filter(&state, &s, &n1).is_none());
        assert!(filter(&state, &s, &n2).is_some());
        update_with_pod(&state, &mut s, &on(&guard, "n2"), &n2, -1);
        update_with_pod(&state, &mut s, &on(&db, "n1"), &n1, -1);
        assert_eq!(s, empty);
        assert!(s.affinity_counts.is_empty() && s.existing_anti_affinity_counts.is_empty());
    }

    #[test]
    fn should_check_affinity_before_anti_affinity_before_existing_anti_affinity() {
        // A node failing all three checks reports the incoming pod's affinity first (filtering.go
        // Filter order), and a node failing the last two reports the incoming anti-affinity.
        let guard = pod(
            "guard",
            &[("app", "db")],
            vec![],
            vec![term("app", "web", "zone")],
        );
        let mut n1 = NodeBuilder::new("n1").label("zone", "z1").build_info();
        n1.add_pod(on(&guard, "n1"));
        let n2 = NodeBuilder::new("n2").label("zone", "z2").build_info();
        let web = pod(
            "web",
            &[("app", "web")],
            vec![term("app", "cache", "zone")],
            vec![term("app", "db", "zone")],
        );
        let mut cache = pod("cache", &[("app", "cache")], vec![], vec![]);
        cache.metadata.namespace = Some("default".into());
        let mut n3 = NodeBuilder::new("n3").label("zone", "z3").build_info();
        n3.add_pod(on(&cache, "n3"));
        let nodes = [&n1, &n2, &n3];
        let state = CycleState::new(&web);
        let s = pre_filter(&state, &nodes).unwrap();
        let reasons: Vec<Option<String>> = nodes
            .iter()
            .map(|n| filter(&state, &s, n).map(|st| st.message()))
            .collect();
        assert_eq!(
            reasons,
            vec![
                Some(ERR_REASON_AFFINITY.to_string()),
                Some(ERR_REASON_AFFINITY.to_string()),
                None,
            ]
        );
        // Without its own affinity term, n1 fails the incoming anti-affinity before the existing
        // pod's anti-affinity.
        let web = pod(
            "web",
            &[("app", "web")],
            vec![],
            vec![term("app", "db", "zone")],
        );
        let state = CycleState::new(&web);
        let s = pre_filter(&state, &nodes).unwrap();
        assert_eq!(
            filter(&state, &s, &n1).map(|st| st.message()),
            Some(ERR_REASON_ANTI_AFFINITY.to_string())
        );
    }

    #[test]
    fn should_skip_prefilter_when_no_existing_anti_affinity_matches() {
        // An existing pod has required anti-affinity, but against other labels: upstream's PreFilter
        // finds no matching term and returns Skip, so the Filter does not run.
        let guard = pod("guard", &[], vec![], vec![term("app", "db", "zone")]);
        let mut n1 = NodeBuilder::new("n1").label("zone", "z1").build_info();
        n1.add_pod(on(&guard, "n1"));
        let web = pod("web", &[("app", "web")], vec![], vec![]);
        assert!(pre_filter(&CycleState::new(&web), &[&n1]).is_none());
    }

    #[test]
    fn should_tell_when_the_namespace_lister_is_needed_for_all_namespaces() {
        let with_selector = json_pod(serde_json::json!({
            "metadata": {"name": "p", "namespace": "default"},
            "spec": {"containers": [{"name": "c", "image": "i"}], "affinity": {"podAntiAffinity": {
                "preferredDuringSchedulingIgnoredDuringExecution": [{"weight": 1, "podAffinityTerm": {
                    "labelSelector": {"matchLabels": {"app": "db"}}, "topologyKey": "zone",
                    "namespaceSelector": {}}}]}}}
        }));
        let without = json_pod(serde_json::json!({
            "metadata": {"name": "p", "namespace": "default"},
            "spec": {"containers": [{"name": "c", "image": "i"}], "affinity": {"podAffinity": {
                "requiredDuringSchedulingIgnoredDuringExecution": [{
                    "labelSelector": {"matchLabels": {"app": "db"}}, "topologyKey": "zone",
                    "namespaces": ["other"]}]}}}
        }));
        assert!(has_namespace_selector(&with_selector));
        assert!(!has_namespace_selector(&without));
    }

    #[test]
    fn should_merge_the_incoming_namespace_selector_into_namespaces() {
        // The incoming pod's anti-affinity selects namespaces labelled team=a; a matching pod in
        // namespace "ns-a" on n1 excludes n1, one in "ns-b" (team=b) does not exclude n2.
        let mut t = term("app", "db", "zone");
        t.namespace_selector = Some(LabelSelector {
            match_labels: Some(
                [("team".to_string(), "a".to_string())]
                    .into_iter()
                    .collect(),
            ),
            match_expressions: None,
        });
        let web = pod("web", &[], vec![], vec![t]);
        let mut db_a = pod("db-a", &[("app", "db")], vec![], vec![]);
        db_a.metadata.namespace = Some("ns-a".into());
        let mut db_b = pod("db-b", &[("app", "db")], vec![], vec![]);
        db_b.metadata.namespace = Some("ns-b".into());
        let mut n1 = NodeBuilder::new("n1").label("zone", "z1").build_info();
        n1.add_pod(on(&db_a, "n1"));
        let mut n2 = NodeBuilder::new("n2").label("zone", "z2").build_info();
        n2.add_pod(on(&db_b, "n2"));
        let mut state = CycleState::new(&web);
        for (ns, team) in [("ns-a", "a"), ("ns-b", "b")] {
            state.namespace_labels.insert(
                ns.to_string(),
                [("team".to_string(), team.to_string())]
                    .into_iter()
                    .collect(),
            );
        }
        let s = pre_filter(&state, &[&n1, &n2]).unwrap();
        assert_eq!(
            filter(&state, &s, &n1).map(|st| st.message()),
            Some(ERR_REASON_ANTI_AFFINITY.to_string())
        );
        assert!(filter(&state, &s, &n2).is_none());
    }

    #[test]
    fn should_follow_the_plugin_arguments() {
        // hardPodAffinityWeight 0: existing pods' required affinity terms no longer count, so with
        // nothing else to score PreScore skips; ignorePreferredTermsOfExistingPods skips a pod
        // without preferred terms even when existing pods have some.
        let hard = term("app", "web", "zone");
        let holder = pod("holder", &[("app", "db")], vec![hard], vec![]);
        let mut n1 = NodeBuilder::new("n1").label("zone", "z1").build_info();
        n1.add_pod(on(&holder, "n1"));
        let n2 = NodeBuilder::new("n2").label("zone", "z2").build_info();
        let web = pod("web", &[("app", "web")], vec![], vec![]);
        let state = CycleState::new(&web);
        let nodes = [&n1, &n2];
        let scored = pre_score(&state, &nodes, &AffinityArgs::default()).expect("hard weight 1");
        assert_eq!((score(&scored, &n1), score(&scored, &n2)), (1, 0));
        let no_hard = AffinityArgs {
            hard_pod_affinity_weight: 0,
            ..AffinityArgs::default()
        };
        assert!(pre_score(&state, &nodes, &no_hard).is_none());
        let ignore = AffinityArgs {
            ignore_preferred_terms_of_existing_pods: true,
            ..AffinityArgs::default()
        };
        assert!(pre_score(&state, &nodes, &ignore).is_none());
    }
}
