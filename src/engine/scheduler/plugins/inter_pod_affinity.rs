//! InterPodAffinity, required terms: Filter enforces existing pods' required anti-affinity, then the
//! incoming pod's required affinity and anti-affinity, per topology domain.
//!
//! Mirrors `pkg/scheduler/framework/plugins/interpodaffinity/filtering.go` (`PreFilter` counts,
//! `satisfyExistingPodsAntiAffinity`, `satisfyPodAffinity`, `satisfyPodAntiAffinity`).
//! Simplifications: preferred terms are not scored (PreScore is treated as Skip); a term's non-empty
//! `namespaceSelector` is not evaluated (namespace labels are not cached), so it matches no namespace,
//! while an empty one matches all.

use std::collections::{BTreeMap, BTreeSet};

use k8s_openapi::api::core::v1::{Pod, PodAffinityTerm};

use crate::engine::scheduler::cache::{NodeInfo, PodInfo};
use crate::engine::scheduler::framework::{Code, CycleState, Status};

use super::pod_topology_spread::Selector;

pub const NAME: &str = "InterPodAffinity";
/// `ErrReasonExistingAntiAffinityRulesNotMatch`.
pub const ERR_REASON_EXISTING_ANTI_AFFINITY: &str =
    "node(s) didn't satisfy existing pods anti-affinity rules";
/// `ErrReasonAffinityRulesNotMatch`.
pub const ERR_REASON_AFFINITY: &str = "node(s) didn't match pod affinity rules";
/// `ErrReasonAntiAffinityRulesNotMatch`.
pub const ERR_REASON_ANTI_AFFINITY: &str = "node(s) didn't match pod anti-affinity rules";

/// A parsed `PodAffinityTerm` (`fwk.AffinityTerm`).
#[derive(Clone, Debug, PartialEq)]
pub struct AffinityTerm {
    pub namespaces: BTreeSet<String>,
    /// `namespaceSelector: {}`: every namespace.
    pub all_namespaces: bool,
    pub selector: Selector,
    pub topology_key: String,
}

impl AffinityTerm {
    pub fn new(owner_namespace: &str, term: &PodAffinityTerm) -> AffinityTerm {
        let mut namespaces: BTreeSet<String> = term.namespaces.iter().flatten().cloned().collect();
        if namespaces.is_empty() && term.namespace_selector.is_none() {
            namespaces.insert(owner_namespace.to_string());
        }
        let all_namespaces = term.namespace_selector.as_ref().is_some_and(|s| {
            s.match_labels.as_ref().is_none_or(|m| m.is_empty())
                && s.match_expressions.as_ref().is_none_or(|e| e.is_empty())
        });
        AffinityTerm {
            namespaces,
            all_namespaces,
            selector: Selector::new(term.label_selector.as_ref()),
            topology_key: term.topology_key.clone(),
        }
    }

    /// `AffinityTerm.Matches`: namespace, then labels.
    pub fn matches(&self, namespace: &str, labels: &BTreeMap<String, String>) -> bool {
        (self.all_namespaces || self.namespaces.contains(namespace))
            && self.selector.matches(labels)
    }
}

/// The pod's required pod-affinity and pod-anti-affinity terms.
pub fn required_terms(pod: &Pod) -> (Vec<AffinityTerm>, Vec<AffinityTerm>) {
    let ns = pod.metadata.namespace.as_deref().unwrap_or("default");
    let affinity = pod.spec.as_ref().and_then(|s| s.affinity.as_ref());
    let parse = |terms: Option<&Vec<PodAffinityTerm>>| -> Vec<AffinityTerm> {
        terms
            .into_iter()
            .flatten()
            .map(|t| AffinityTerm::new(ns, t))
            .collect()
    };
    (
        parse(
            affinity
                .and_then(|a| a.pod_affinity.as_ref())
                .and_then(|a| {
                    a.required_during_scheduling_ignored_during_execution
                        .as_ref()
                }),
        ),
        parse(
            affinity
                .and_then(|a| a.pod_anti_affinity.as_ref())
                .and_then(|a| {
                    a.required_during_scheduling_ignored_during_execution
                        .as_ref()
                }),
        ),
    )
}

type Counts = BTreeMap<(String, String), i64>;

/// The PreFilter state.
#[derive(Clone, Debug, PartialEq)]
pub struct AffinityState {
    pub affinity: Vec<AffinityTerm>,
    pub anti_affinity: Vec<AffinityTerm>,
    pub existing_anti_affinity_counts: Counts,
    pub affinity_counts: Counts,
    pub anti_affinity_counts: Counts,
}

fn matches_pod(term: &AffinityTerm, pod: &PodInfo) -> bool {
    term.matches(&pod.namespace, &pod.labels)
}

/// PreFilter: `None` (Skip) when the pod has no required terms and no existing pod has required
/// anti-affinity.
pub fn pre_filter(state: &CycleState, nodes: &[&NodeInfo]) -> Option<AffinityState> {
    let (affinity, anti_affinity) = required_terms(state.pod);
    let any_existing_anti = nodes.iter().any(|n| n.pods_with_required_anti_affinity > 0);
    if affinity.is_empty() && anti_affinity.is_empty() && !any_existing_anti {
        return None;
    }
    let ns = state.pod.metadata.namespace.as_deref().unwrap_or("default");
    let labels = state.pod.metadata.labels.clone().unwrap_or_default();
    let mut s = AffinityState {
        affinity,
        anti_affinity,
        existing_anti_affinity_counts: Counts::new(),
        affinity_counts: Counts::new(),
        anti_affinity_counts: Counts::new(),
    };
    for node in nodes {
        for existing in &node.pods {
            for term in &existing.required_anti_affinity {
                if term.matches(ns, &labels) {
                    if let Some(v) = node.labels.get(&term.topology_key) {
                        *s.existing_anti_affinity_counts
                            .entry((term.topology_key.clone(), v.clone()))
                            .or_insert(0) += 1;
                    }
                }
            }
            if !s.affinity.is_empty() && s.affinity.iter().all(|t| matches_pod(t, existing)) {
                for term in &s.affinity {
                    if let Some(v) = node.labels.get(&term.topology_key) {
                        *s.affinity_counts
                            .entry((term.topology_key.clone(), v.clone()))
                            .or_insert(0) += 1;
                    }
                }
            }
            for term in &s.anti_affinity {
                if matches_pod(term, existing) {
                    if let Some(v) = node.labels.get(&term.topology_key) {
                        *s.anti_affinity_counts
                            .entry((term.topology_key.clone(), v.clone()))
                            .or_insert(0) += 1;
                    }
                }
            }
        }
    }
    Some(s)
}

pub fn filter(state: &CycleState, s: &AffinityState, node: &NodeInfo) -> Option<Status> {
    let count = |counts: &Counts, key: &str, value: &str| {
        counts.get(&(key.to_string(), value.to_string())).copied()
    };
    if !s.existing_anti_affinity_counts.is_empty()
        && node
            .labels
            .iter()
            .any(|(k, v)| count(&s.existing_anti_affinity_counts, k, v).unwrap_or(0) > 0)
    {
        return Some(Status::reject(
            Code::Unschedulable,
            NAME,
            ERR_REASON_EXISTING_ANTI_AFFINITY,
        ));
    }
    if !s.affinity.is_empty() {
        let mut pods_exist = true;
        let mut missing_key = false;
        for term in &s.affinity {
            match node.labels.get(&term.topology_key) {
                Some(v) => {
                    if count(&s.affinity_counts, &term.topology_key, v).unwrap_or(0) <= 0 {
                        pods_exist = false;
                    }
                }
                None => missing_key = true,
            }
        }
        let ns = state.pod.metadata.namespace.as_deref().unwrap_or("default");
        let labels = state.pod.metadata.labels.clone().unwrap_or_default();
        // The first pod of a group that matches its own affinity may go anywhere with the keys.
        let self_match =
            s.affinity_counts.is_empty() && s.affinity.iter().all(|t| t.matches(ns, &labels));
        if missing_key || (!pods_exist && !self_match) {
            return Some(Status::reject(
                Code::UnschedulableAndUnresolvable,
                NAME,
                ERR_REASON_AFFINITY,
            ));
        }
    }
    for term in &s.anti_affinity {
        if let Some(v) = node.labels.get(&term.topology_key) {
            if count(&s.anti_affinity_counts, &term.topology_key, v).unwrap_or(0) > 0 {
                return Some(Status::reject(
                    Code::Unschedulable,
                    NAME,
                    ERR_REASON_ANTI_AFFINITY,
                ));
            }
        }
    }
    None
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
}
