//! NodeAffinity: Filter enforces `nodeSelector`, required node affinity and the scheduler-enforced
//! `addedAffinity`; Score sums the weights of matching preferred terms.
//!
//! PreFilter narrows the nodes to those `matchFields metadata.name In` terms name (a DaemonSet pod's
//! affinity), or refuses terms whose names cannot all hold.
//!
//! Mirrors `pkg/scheduler/framework/plugins/nodeaffinity/node_affinity.go` and the matching rules of
//! `k8s.io/component-helpers/scheduling/corev1/nodeaffinity`.

use std::collections::{BTreeMap, BTreeSet};

use k8s_openapi::api::core::v1::{
    NodeAffinity, NodeSelector, NodeSelectorRequirement, NodeSelectorTerm,
};

use crate::engine::scheduler::cache::NodeInfo;
use crate::engine::scheduler::framework::{Code, CycleState, Status};

pub const NAME: &str = "NodeAffinity";
/// `ErrReasonPod`.
pub const ERR_REASON_POD: &str = "node(s) didn't match Pod's node affinity/selector";
/// `errReasonEnforced`.
pub const ERR_REASON_ENFORCED: &str = "node(s) didn't match scheduler-enforced node affinity";
/// `errReasonConflict`: every required term names nodes by `metadata.name`, and none can match.
pub const ERR_REASON_CONFLICT: &str = "pod affinity terms conflict";

fn values(req: &NodeSelectorRequirement) -> &[String] {
    req.values.as_deref().unwrap_or(&[])
}

/// One label requirement (`labels.Requirement.Matches` with the node-selector operators). An invalid
/// requirement (e.g. `In` without values) matches nothing, as its parse error would.
pub fn requirement_matches(
    req: &NodeSelectorRequirement,
    labels: &BTreeMap<String, String>,
) -> bool {
    let vals = values(req);
    let label = labels.get(&req.key);
    match req.operator.as_str() {
        "In" => !vals.is_empty() && label.is_some_and(|l| vals.contains(l)),
        "NotIn" => !vals.is_empty() && label.is_none_or(|l| !vals.contains(l)),
        "Exists" => vals.is_empty() && label.is_some(),
        "DoesNotExist" => vals.is_empty() && label.is_none(),
        "Gt" | "Lt" => {
            let [v] = vals else {
                return false;
            };
            let (Ok(want), Some(Ok(have))) = (v.parse::<i64>(), label.map(|l| l.parse::<i64>()))
            else {
                return false;
            };
            if req.operator == "Gt" {
                have > want
            } else {
                have < want
            }
        }
        _ => false,
    }
}

/// One field requirement: only `metadata.name` with `In`/`NotIn` and exactly one value is valid.
fn field_matches(req: &NodeSelectorRequirement, node_name: &str) -> bool {
    let vals = values(req);
    if req.key != "metadata.name" || vals.len() != 1 {
        return false;
    }
    match req.operator.as_str() {
        "In" => vals[0] == node_name,
        "NotIn" => vals[0] != node_name,
        _ => false,
    }
}

/// A term matches when all its expressions and fields match; an empty term matches nothing.
pub fn term_matches(term: &NodeSelectorTerm, node: &NodeInfo) -> bool {
    let exprs = term.match_expressions.as_deref().unwrap_or(&[]);
    let fields = term.match_fields.as_deref().unwrap_or(&[]);
    if exprs.is_empty() && fields.is_empty() {
        return false;
    }
    exprs.iter().all(|r| requirement_matches(r, &node.labels))
        && fields.iter().all(|r| field_matches(r, &node.name))
}

/// Terms are ORed.
pub fn selector_matches(selector: &NodeSelector, node: &NodeInfo) -> bool {
    selector
        .node_selector_terms
        .iter()
        .any(|t| term_matches(t, node))
}

fn added_required(added: Option<&NodeAffinity>) -> Option<&NodeSelector> {
    added.and_then(|a| {
        a.required_during_scheduling_ignored_during_execution
            .as_ref()
    })
}

/// PreFilter returns Skip when there is nothing to enforce.
pub fn pre_filter_skips(state: &CycleState, added: Option<&NodeAffinity>) -> bool {
    state.node_selector.is_none()
        && state.required_affinity.is_none()
        && added_required(added).is_none()
}

/// The nodes NodeAffinity's PreFilter lets Filter see (its `PreFilterResult`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PreFilterNodes {
    /// No narrowing (`nil` result): a term without a `metadata.name In` field, or no required terms.
    All,
    /// Only these node names (`PreFilterResult.NodeNames`); names of nodes that do not exist are kept,
    /// as upstream keeps them, and simply match no node.
    Only(BTreeSet<String>),
    /// Each term's names intersect to nothing: `UnschedulableAndUnresolvable`, `ERR_REASON_CONFLICT`.
    Conflict,
}

/// `PreFilter`'s node names: within a term the `metadata.name In` fields are ANDed (intersection),
/// terms are ORed (union); one term without such a field leaves every node eligible.
pub fn pre_filter_nodes(state: &CycleState) -> PreFilterNodes {
    let Some(required) = state.required_affinity else {
        return PreFilterNodes::All;
    };
    if required.node_selector_terms.is_empty() {
        return PreFilterNodes::All;
    }
    let mut names = BTreeSet::new();
    for term in &required.node_selector_terms {
        let mut term_names: Option<BTreeSet<String>> = None;
        for field in term.match_fields.as_deref().unwrap_or(&[]) {
            if field.key != "metadata.name" || field.operator != "In" {
                continue;
            }
            let named: BTreeSet<String> = values(field).iter().cloned().collect();
            term_names = Some(match term_names {
                None => named,
                Some(so_far) => so_far.intersection(&named).cloned().collect(),
            });
        }
        match term_names {
            None => return PreFilterNodes::All,
            Some(term_names) => names.extend(term_names),
        }
    }
    if names.is_empty() {
        PreFilterNodes::Conflict
    } else {
        PreFilterNodes::Only(names)
    }
}

/// Whether the pod's own `nodeSelector` and required affinity match (`GetRequiredNodeAffinity.Match`).
pub fn pod_matches_node(state: &CycleState, node: &NodeInfo) -> bool {
    if let Some(selector) = state.node_selector {
        if !selector.iter().all(|(k, v)| node.labels.get(k) == Some(v)) {
            return false;
        }
    }
    state
        .required_affinity
        .is_none_or(|r| selector_matches(r, node))
}

pub fn filter(state: &CycleState, added: Option<&NodeAffinity>, node: &NodeInfo) -> Option<Status> {
    if let Some(required) = added_required(added) {
        if !selector_matches(required, node) {
            return Some(Status::reject(
                Code::UnschedulableAndUnresolvable,
                NAME,
                ERR_REASON_ENFORCED,
            ));
        }
    }
    if !pod_matches_node(state, node) {
        return Some(Status::reject(
            Code::UnschedulableAndUnresolvable,
            NAME,
            ERR_REASON_POD,
        ));
    }
    None
}

/// QueueingHint for `Node/Add|UpdateNodeLabel` (`isSchedulableAfterNodeChange`): Queue when the node
/// now matches the scheduler-enforced affinity and the pod's required affinity, and (for an update)
/// did not match the pod's before.
pub fn is_schedulable_after_node_change(
    target: &CycleState,
    added: Option<&NodeAffinity>,
    old: Option<&NodeInfo>,
    new: &NodeInfo,
) -> bool {
    if added_required(added).is_some_and(|required| !selector_matches(required, new)) {
        return false;
    }
    pod_matches_node(target, new) && old.is_none_or(|old| !pod_matches_node(target, old))
}

fn added_preferred(
    added: Option<&NodeAffinity>,
) -> &[k8s_openapi::api::core::v1::PreferredSchedulingTerm] {
    added
        .and_then(|a| {
            a.preferred_during_scheduling_ignored_during_execution
                .as_deref()
        })
        .unwrap_or(&[])
}

/// PreScore returns Skip when neither the pod nor `addedAffinity` has preferred terms.
pub fn pre_score_skips(state: &CycleState, added: Option<&NodeAffinity>) -> bool {
    state.preferred_affinity.is_empty() && added_preferred(added).is_empty()
}

/// The sum of the weights of the matching preferred terms (zero-weight terms are ignored).
pub fn score(state: &CycleState, added: Option<&NodeAffinity>, node: &NodeInfo) -> i64 {
    added_preferred(added)
        .iter()
        .chain(state.preferred_affinity.iter())
        .filter(|t| t.weight != 0 && term_matches(&t.preference, node))
        .map(|t| i64::from(t.weight))
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::scheduler::framework::{default_normalize_score, MAX_NODE_SCORE};
    use crate::engine::scheduler::plugins::testing::*;
    use k8s_openapi::api::core::v1::PreferredSchedulingTerm;

    #[test]
    fn should_narrow_nodes_by_metadata_name_terms_like_upstream_pre_filter() {
        use PreFilterNodes::*;
        let names = |list: &[&str]| Only(list.iter().map(|n| n.to_string()).collect());
        let field = |op: &str, values: &[&str]| requirement("metadata.name", op, values);
        let cases: Vec<(&str, PodBuilder, PreFilterNodes)> = vec![
            ("no affinity", PodBuilder::new("p"), All),
            (
                "only label expressions",
                PodBuilder::new("p").required_term(vec![requirement("zone", "In", &["a"])]),
                All,
            ),
            (
                "one name",
                PodBuilder::new("p").required_field_term(vec![field("In", &["node1"])]),
                names(&["node1"]),
            ),
            (
                "names of one term intersect",
                PodBuilder::new("p").required_field_term(vec![
                    field("In", &["node1", "node2"]),
                    field("In", &["node2", "node3"]),
                ]),
                names(&["node2"]),
            ),
            (
                "terms are unioned",
                PodBuilder::new("p")
                    .required_field_term(vec![field("In", &["node1"])])
                    .required_field_term(vec![field("In", &["node2"])]),
                names(&["node1", "node2"]),
            ),
            (
                "a term without names leaves every node",
                PodBuilder::new("p")
                    .required_field_term(vec![field("In", &["node1"])])
                    .required_term(vec![requirement("zone", "In", &["a"])]),
                All,
            ),
            (
                "NotIn does not narrow",
                PodBuilder::new("p").required_field_term(vec![field("NotIn", &["node1"])]),
                All,
            ),
            (
                "conflicting names",
                PodBuilder::new("p")
                    .required_field_term(vec![field("In", &["node1"]), field("In", &["node2"])]),
                Conflict,
            ),
            (
                "one conflicting term among named ones",
                PodBuilder::new("p")
                    .required_field_term(vec![field("In", &["node1"]), field("In", &["node2"])])
                    .required_field_term(vec![field("In", &["node3"])]),
                names(&["node3"]),
            ),
        ];
        for (name, pod, want) in cases {
            let pod = pod.build();
            assert_eq!(pre_filter_nodes(&CycleState::new(&pod)), want, "{name}");
        }
    }

    #[test]
    fn should_filter_like_upstream_cases() {
        let node = NodeBuilder::new("node-1")
            .label("foo", "bar")
            .label("gpu", "4")
            .build_info();
        let cases = [
            ("no constraints", PodBuilder::new("p").build(), true),
            (
                "matching nodeSelector",
                PodBuilder::new("p")
                    .node_selector(&[("foo", "bar")])
                    .build(),
                true,
            ),
            (
                "missing nodeSelector label",
                PodBuilder::new("p")
                    .node_selector(&[("baz", "bar")])
                    .build(),
                false,
            ),
            (
                "In matches",
                PodBuilder::new("p")
                    .required_term(vec![requirement("foo", "In", &["bar", "value2"])])
                    .build(),
                true,
            ),
            (
                "NotIn excludes",
                PodBuilder::new("p")
                    .required_term(vec![requirement("foo", "NotIn", &["bar"])])
                    .build(),
                false,
            ),
            (
                "Gt on a numeric label",
                PodBuilder::new("p")
                    .required_term(vec![requirement("gpu", "Gt", &["3"])])
                    .build(),
                true,
            ),
            (
                "Lt on a numeric label",
                PodBuilder::new("p")
                    .required_term(vec![requirement("gpu", "Lt", &["3"])])
                    .build(),
                false,
            ),
            (
                "DoesNotExist on a present label",
                PodBuilder::new("p")
                    .required_term(vec![requirement("foo", "DoesNotExist", &[])])
                    .build(),
                false,
            ),
            (
                "terms are ORed",
                PodBuilder::new("p")
                    .required_term(vec![requirement("foo", "In", &["nope"])])
                    .required_term(vec![requirement("foo", "Exists", &[])])
                    .build(),
                true,
            ),
            (
                "expressions within a term are ANDed",
                PodBuilder::new("p")
                    .required_term(vec![
                        requirement("foo", "Exists", &[]),
                        requirement("gpu", "In", &["8"]),
                    ])
                    .build(),
                false,
            ),
            (
                "matchFields on metadata.name",
                PodBuilder::new("p")
                    .required_field_term(vec![requirement("metadata.name", "In", &["node-1"])])
                    .build(),
                true,
            ),
            (
                "matchFields on another name",
                PodBuilder::new("p")
                    .required_field_term(vec![requirement("metadata.name", "In", &["node-2"])])
                    .build(),
                false,
            ),
            (
                "nodeSelector and affinity must both match",
                PodBuilder::new("p")
                    .node_selector(&[("foo", "bar")])
                    .required_term(vec![requirement("gpu", "In", &["1"])])
                    .build(),
                false,
            ),
        ];
        for (name, pod, want) in cases {
            let got = filter(&CycleState::new(&pod), None, &node);
            assert_eq!(got.is_none(), want, "{name}");
            if let Some(s) = got {
                assert_eq!(s.message(), ERR_REASON_POD, "{name}");
                assert_eq!(s.code, Code::UnschedulableAndUnresolvable);
            }
        }
    }

    #[test]
    fn should_enforce_added_affinity_first() {
        let node = NodeBuilder::new("n").label("foo", "bar").build_info();
        let added = NodeAffinity {
            required_during_scheduling_ignored_during_execution: Some(NodeSelector {
                node_selector_terms: vec![NodeSelectorTerm {
                    match_expressions: Some(vec![requirement("zone", "Exists", &[])]),
                    match_fields: None,
                }],
            }),
            ..Default::default()
        };
        let pod = PodBuilder::new("p").node_selector(&[("x", "y")]).build();
        let got = filter(&CycleState::new(&pod), Some(&added), &node).unwrap();
        assert_eq!(got.message(), ERR_REASON_ENFORCED);
        assert!(!pre_filter_skips(
            &CycleState::new(&PodBuilder::new("q").build()),
            Some(&added)
        ));
        assert!(pre_filter_skips(
            &CycleState::new(&PodBuilder::new("q").build()),
            None
        ));
    }

    #[test]
    fn should_score_preferred_terms_like_upstream() {
        // Upstream "all nodes matches the preferred scheduling requirements of pod but with different
        // priorities" shape: weights 2, 4, 5.
        let pod = PodBuilder::new("p")
            .preferred_term(2, vec![requirement("foo", "In", &["bar"])])
            .preferred_term(4, vec![requirement("key", "In", &["value"])])
            .preferred_term(
                5,
                vec![
                    requirement("foo", "In", &["bar"]),
                    requirement("key", "In", &["value"]),
                    requirement("az", "In", &["az1"]),
                ],
            )
            .build();
        let state = CycleState::new(&pod);
        let nodes = [
            NodeBuilder::new("n1").label("foo", "bar").build_info(),
            NodeBuilder::new("n2")
                .label("foo", "bar")
                .label("key", "value")
                .label("az", "az1")
                .build_info(),
            NodeBuilder::new("n3")
                .label("foo", "bar")
                .label("key", "value")
                .build_info(),
        ];
        let mut scores: Vec<i64> = nodes.iter().map(|n| score(&state, None, n)).collect();
        assert_eq!(scores, vec![2, 11, 6]);
        default_normalize_score(MAX_NODE_SCORE, false, &mut scores);
        assert_eq!(scores, vec![18, 100, 54]);
        assert!(!pre_score_skips(&state, None));
        assert!(pre_score_skips(
            &CycleState::new(&PodBuilder::new("q").build()),
            None
        ));
    }

    /// Name, pod, `addedAffinity`, each node's labels, normalized scores.
    type AffinityCase<'a> = (
        &'a str,
        PodBuilder,
        Option<&'a NodeAffinity>,
        Vec<&'a [(&'a str, &'a str)]>,
        Vec<i64>,
    );

    fn preferred(terms: &[(i32, &str, &str)]) -> NodeAffinity {
        NodeAffinity {
            preferred_during_scheduling_ignored_during_execution: Some(
                terms
                    .iter()
                    .map(|(weight, key, value)| PreferredSchedulingTerm {
                        weight: *weight,
                        preference: NodeSelectorTerm {
                            match_expressions: Some(vec![requirement(key, "In", &[value])]),
                            match_fields: None,
                        },
                    })
                    .collect(),
            ),
            ..Default::default()
        }
    }

    #[test]
    fn should_score_like_upstream_node_affinity_priority_table() {
        // TestNodeAffinityPriority: raw sums of matching weights (pod terms plus addedAffinity), then
        // NormalizeScore. "PreScore returns error when an incoming Pod has a broken affinity" needs
        // an invalid label key, which API validation rejects before the scheduler sees the pod.
        let foo = [("foo", "bar")];
        let key = [("key", "value")];
        let az = [("az", "az1")];
        let other = [("abc", "az11"), ("def", "az22")];
        let all = [("foo", "bar"), ("key", "value"), ("az", "az1")];
        let affinity1 =
            || PodBuilder::new("p").preferred_term(2, vec![requirement("foo", "In", &["bar"])]);
        let affinity2 = || {
            affinity1()
                .preferred_term(4, vec![requirement("key", "In", &["value"])])
                .preferred_term(
                    5,
                    vec![
                        requirement("foo", "In", &["bar"]),
                        requirement("key", "In", &["value"]),
                        requirement("az", "In", &["az1"]),
                    ],
                )
        };
        let added1 = preferred(&[(2, "foo", "bar")]);
        let added3 = preferred(&[(3, "key", "value")]);
        let cases: Vec<AffinityCase> = vec![
            (
                "all nodes are same priority as NodeAffinity is nil",
                PodBuilder::new("p"),
                None,
                vec![&foo, &key, &az],
                vec![0, 0, 0],
            ),
            (
                "no node matches preferred scheduling requirements in NodeAffinity of pod so all nodes' priority is zero",
                affinity1(),
                None,
                vec![&other, &key, &az],
                vec![0, 0, 0],
            ),
            (
                "only node1 matches the preferred scheduling requirements of pod",
                affinity1(),
                None,
                vec![&foo, &key, &az],
                vec![100, 0, 0],
            ),
            (
                // 2, 11, 4 → 2*100/11 = 18, 100, 4*100/11 = 36.
                "all nodes matches the preferred scheduling requirements of pod but with different priorities",
                affinity2(),
                None,
                vec![&foo, &all, &key],
                vec![18, 100, 36],
            ),
            (
                "added affinity",
                PodBuilder::new("p"),
                Some(&added1),
                vec![&foo, &key],
                vec![100, 0],
            ),
            (
                // pod term foo=bar (2) plus added key=value (3): 2, 3, 5 → 40, 60, 100.
                "added affinity and pod has default affinity",
                affinity1(),
                Some(&added3),
                vec![&foo, &key, &all],
                vec![40, 60, 100],
            ),
        ];
        for (name, pod, added, node_labels, want) in cases {
            let pod = pod.build();
            let state = CycleState::new(&pod);
            let mut scores: Vec<i64> = node_labels
                .iter()
                .enumerate()
                .map(|(i, labels)| {
                    let node = labels
                        .iter()
                        .fold(NodeBuilder::new(&format!("node{i}")), |b, (k, v)| {
                            b.label(k, v)
                        })
                        .build_info();
                    score(&state, added, &node)
                })
                .collect();
            default_normalize_score(MAX_NODE_SCORE, false, &mut scores);
            assert_eq!(scores, want, "{name}");
        }
        // "Skip is returned in PreScore when NodeAffinity is nil"; with addedAffinity it runs.
        let bare = PodBuilder::new("p").build();
        assert!(pre_score_skips(&CycleState::new(&bare), None));
        assert!(!pre_score_skips(&CycleState::new(&bare), Some(&added1)));
        let required_only = NodeAffinity {
            required_during_scheduling_ignored_during_execution: Some(NodeSelector {
                node_selector_terms: vec![],
            }),
            ..Default::default()
        };
        assert!(pre_score_skips(
            &CycleState::new(&bare),
            Some(&required_only)
        ));
    }
}
