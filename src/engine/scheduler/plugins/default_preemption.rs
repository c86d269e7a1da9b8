//! DefaultPreemption (PostFilter): when no node fits, look for a node where evicting lower-priority
//! pods makes room, pick the best one, and nominate it; or explain why preemption cannot help.
//!
//! Mirrors `pkg/scheduler/framework/plugins/defaultpreemption/default_preemption.go` and
//! `pkg/scheduler/framework/preemption/preemption.go` (`Preempt`, `PodEligibleToPreemptOthers`,
//! `nodesWherePreemptionMightHelp`, `DryRunPreemption`, `SelectVictimsOnNode`,
//! `pickOneNodeForPreemption`). The API calls that follow (the victims' `DisruptionTarget`
//! condition, their deletion, the `Preempted` events, the preemptor's `nominatedNodeName`, clearing
//! lower-priority pods' nominations to the chosen node) are the scheduler's (`scheduler/mod.rs`).
//!
//! PodDisruptionBudgets are best effort, as upstream: victims whose eviction would take a budget's
//! `disruptionsAllowed` below zero are reprieved first (`filterPodsWithPDBViolation`), and the node
//! with the fewest such victims is preferred; they never stop a preemption.
//!
//! Simplifications: upstream evaluates candidate nodes in
//! parallel from a random offset and breaks final ties by whichever node its map yields first; podflow
//! draws the offset from the run's seeded generator (only when two candidates or more remain, the only
//! case where the offset can change the choice) and takes candidates in node order from it.

use std::collections::BTreeSet;

use crate::engine::rng::SimRng;
use crate::engine::scheduler::cache::NodeInfo;
use crate::engine::scheduler::fit_error::FitError;
use crate::engine::scheduler::framework::{Code, CycleState, Status};
use crate::engine::scheduler::plugins::pod_topology_spread::Selector;
use crate::engine::scheduler::schedule_one::PreFilterState;

pub const NAME: &str = "DefaultPreemption";
pub const MSG_NOT_HELPFUL: &str = "Preemption is not helpful for scheduling";
pub const MSG_NO_VICTIMS: &str = "No preemption victims found for incoming pod";
pub const MSG_POLICY_NEVER: &str = "not eligible due to preemptionPolicy=Never.";
pub const MSG_TERMINATING_ON_NOMINATED: &str =
    "not eligible due to a terminating pod on the nominated node.";
/// `minCandidateNodesPercentage` and `minCandidateNodesAbsolute` (DefaultPreemptionArgs defaults).
pub const MIN_CANDIDATE_NODES_PERCENTAGE: usize = 10;
pub const MIN_CANDIDATE_NODES_ABSOLUTE: usize = 100;

/// A pod chosen for eviction.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Victim {
    /// `namespace/name`.
    pub key: String,
    pub priority: i32,
}

/// The node preemption chose and the pods to evict there, most important first.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Candidate {
    /// Snapshot position of the node.
    pub node: usize,
    pub victims: Vec<Victim>,
    /// Victims whose eviction breaks a PodDisruptionBudget (`Victims.NumPDBViolations`).
    pub num_pdb_violations: i64,
    /// The other candidates of the dry run, by snapshot position, with their victim and PDB
    /// violation counts (what the chosen node was preferred to; filled for the chosen one only).
    pub others: Vec<(usize, usize, i64)>,
}

/// A PodDisruptionBudget as the scheduler's PDB lister holds it: what preemption reads.
#[derive(Clone, Debug, PartialEq)]
pub struct Budget {
    pub namespace: String,
    pub selector: Selector,
    /// `status.disruptionsAllowed` as the disruption controller last wrote it.
    pub disruptions_allowed: i32,
    /// `status.disruptedPods`: pods already counted as disrupted.
    pub disrupted_pods: BTreeSet<String>,
}

impl Budget {
    pub fn from_pdb(pdb: &k8s_openapi::api::policy::v1::PodDisruptionBudget) -> Budget {
        let status = pdb.status.as_ref();
        Budget {
            namespace: pdb
                .metadata
                .namespace
                .clone()
                .unwrap_or_else(|| "default".into()),
            selector: Selector::new(pdb.spec.as_ref().and_then(|s| s.selector.as_ref())),
            disruptions_allowed: status.and_then(|s| s.disruptions_allowed).unwrap_or(0),
            disrupted_pods: status
                .and_then(|s| s.disrupted_pods.as_ref())
                .map(|m| m.keys().cloned().collect())
                .unwrap_or_default(),
        }
    }
}

/// What PostFilter concluded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PostFilterOutcome {
    /// Preemption cannot help: the message to append to the FitError (`preemption: ...`), and
    /// whether a nomination the pod carries is cleared (`NewPostFilterResultWithNominatedNode("")`).
    Failed {
        message: String,
        clear_nomination: bool,
    },
    /// Evict these victims and nominate the node.
    Nominated(Candidate),
}

impl PostFilterOutcome {
    /// The text appended to the FitError: nothing when preemption succeeded.
    pub fn message(&self) -> &str {
        match self {
            PostFilterOutcome::Failed { message, .. } => message,
            PostFilterOutcome::Nominated(_) => "",
        }
    }
}

/// `calculateNumCandidates`: 10% of the nodes, at least 100, at most all.
pub fn num_candidates(num_nodes: usize) -> usize {
    (num_nodes * MIN_CANDIDATE_NODES_PERCENTAGE / 100)
        .max(MIN_CANDIDATE_NODES_ABSOLUTE)
        .min(num_nodes)
}

/// `PostFilter` → `Preempt`.
///
/// `statuses` are the filter statuses of the nodes that failed, by snapshot position (nodes absent
/// from it count as UnschedulableAndUnresolvable); `pre` is the cycle's PreFilter state; `refilter`
/// runs the Filter plugins (with the nominated pods, `RunFilterPluginsWithNominatedPods`) against a
/// node and a PreFilter state.
pub fn post_filter(
    state: &CycleState,
    nodes: &[&NodeInfo],
    statuses: &[(usize, Status)],
    pre: &PreFilterState,
    rng: &mut SimRng,
    refilter: impl Fn(&NodeInfo, &PreFilterState) -> Option<Status>,
) -> PostFilterOutcome {
    if let Some(reason) = not_eligible(state, nodes, statuses) {
        return PostFilterOutcome::Failed {
            message: format!("preemption: {reason}"),
            clear_nomination: false,
        };
    }
    let potential: Vec<usize> = statuses
        .iter()
        .filter(|(_, status)| status.code != Code::UnschedulableAndUnresolvable)
        .map(|(index, _)| *index)
        .filter(|index| *index < nodes.len())
        .collect();
    let mut result = FitError {
        num_all_nodes: nodes.len(),
        absent_status: Some(Status::reject(
            Code::UnschedulableAndUnresolvable,
            NAME,
            MSG_NOT_HELPFUL,
        )),
        ..Default::default()
    };
    let wanted = num_candidates(potential.len());
    let mut candidates: Vec<Candidate> = Vec::new();
    let mut failures: Vec<(usize, Status)> = Vec::new();
    let mut non_violating = 0;
    for &index in &potential {
        // DryRunPreemption stops once it has a candidate without PDB violations and enough in all.
        if non_violating > 0 && candidates.len() >= wanted {
            break;
        }
        match select_victims_on_node(state, nodes[index], pre, &refilter) {
            Ok((victims, num_pdb_violations)) => {
                non_violating += usize::from(num_pdb_violations == 0);
                candidates.push(Candidate {
                    node: index,
                    victims,
                    num_pdb_violations,
                    others: Vec::new(),
                });
            }
            Err(status) => failures.push((index, status)),
        }
    }
    if candidates.is_empty() {
        for (index, status) in failures {
            result
                .node_statuses
                .push((nodes[index].name.clone(), status));
        }
        return PostFilterOutcome::Failed {
            message: format!("preemption: {}", result.message()),
            clear_nomination: true,
        };
    }
    if candidates.len() > 1 {
        // getOffsetAndNumCandidates: the dry run starts at a random node.
        let offset = rng.below(candidates.len() as u64) as usize;
        candidates.rotate_left(offset);
        // The candidates without PDB violations come first.
        candidates.sort_by_key(|c| c.num_pdb_violations > 0);
    }
    let chosen = pick_one_node_for_preemption(state, nodes, &candidates);
    let others = candidates
        .iter()
        .enumerate()
        .filter(|(i, _)| *i != chosen)
        .map(|(_, c)| (c.node, c.victims.len(), c.num_pdb_violations))
        .collect();
    let mut candidate = candidates.swap_remove(chosen);
    candidate.others = others;
    PostFilterOutcome::Nominated(candidate)
}

/// `PodEligibleToPreemptOthers`.
fn not_eligible(
    state: &CycleState,
    nodes: &[&NodeInfo],
    statuses: &[(usize, Status)],
) -> Option<&'static str> {
    if state.preemption_never {
        return Some(MSG_POLICY_NEVER);
    }
    let nominated = state.nominated_node?;
    let position = nodes.iter().position(|n| n.name == nominated);
    // A nominated node the filters call UnschedulableAndUnresolvable may be preempted on again.
    let unresolvable = position.is_some_and(|p| {
        statuses
            .iter()
            .any(|(i, s)| *i == p && s.code == Code::UnschedulableAndUnresolvable)
    });
    if unresolvable {
        return None;
    }
    let node = nodes[position?];
    node.pods
        .iter()
        .any(|p| p.priority < state.priority && p.terminating_by_preemption)
        .then_some(MSG_TERMINATING_ON_NOMINATED)
}

/// `MoreImportantPod`: higher priority first, then the earlier start (a pod not started yet counts as
/// starting now).
fn more_important_first(
    state: &CycleState,
    a: &crate::engine::scheduler::cache::PodInfo,
    b: &crate::engine::scheduler::cache::PodInfo,
) -> std::cmp::Ordering {
    let start =
        |p: &crate::engine::scheduler::cache::PodInfo| p.start_time_ms.unwrap_or(state.now_ms);
    b.priority
        .cmp(&a.priority)
        .then_with(|| start(a).cmp(&start(b)))
}

/// `SelectVictimsOnNode`: remove every lower-priority pod; if the pod still does not fit, the node's
/// status says why; otherwise add the potential victims back, most important first — those whose
/// eviction would break a PodDisruptionBudget before the others — keeping each one whose return still
/// lets the pod fit (a reprieve). What stays removed are the victims; the count is of victims from the
/// PDB-violating group.
fn select_victims_on_node(
    state: &CycleState,
    node: &NodeInfo,
    pre: &PreFilterState,
    refilter: &impl Fn(&NodeInfo, &PreFilterState) -> Option<Status>,
) -> Result<(Vec<Victim>, i64), Status> {
    let mut potential: Vec<&crate::engine::scheduler::cache::PodInfo> = node
        .pods
        .iter()
        .filter(|p| p.priority < state.priority)
        .collect();
    if potential.is_empty() {
        return Err(Status::reject(
            Code::UnschedulableAndUnresolvable,
            NAME,
            MSG_NO_VICTIMS,
        ));
    }
    // Each removal and return also goes through the PreFilter extensions (RemovePod / AddPod), so
    // spreading and inter-pod affinity see the node as it would be.
    let mut without = node.clone();
    let mut pre_without = pre.clone();
    for pod in &potential {
        without.remove_pod(&pod.key);
        pre_without.update_with_pod(state, pod, node, -1);
    }
    if let Some(status) = refilter(&without, &pre_without) {
        return Err(status);
    }
    potential.sort_by(|a, b| more_important_first(state, a, b));
    let (violating, non_violating) = split_by_pdb_violation(&potential, &state.pdbs);
    let mixed = !violating.is_empty() && !non_violating.is_empty();
    let mut victims = Vec::new();
    let mut num_violating = 0;
    for (group_violates, group) in [(true, violating), (false, non_violating)] {
        for pod in group {
            without.add_pod(pod.clone());
            pre_without.update_with_pod(state, pod, node, 1);
            if refilter(&without, &pre_without).is_some() {
                without.remove_pod(&pod.key);
                pre_without.update_with_pod(state, pod, node, -1);
                victims.push(pod);
                num_violating += i64::from(group_violates);
            }
        }
    }
    if mixed {
        victims.sort_by(|a, b| more_important_first(state, a, b));
    }
    if victims.is_empty() {
        // DryRunPreemption: a node that fits without evicting anything is an error, not a candidate.
        return Err(Status::reject(
            Code::Error,
            NAME,
            &format!("expected at least one victim pod on node {:?}", node.name),
        ));
    }
    let victims = victims
        .into_iter()
        .map(|pod| Victim {
            key: pod.key.clone(),
            priority: pod.priority,
        })
        .collect();
    Ok((victims, num_violating))
}

/// `filterPodsWithPDBViolation`: walks the potential victims (most important first) taking one
/// disruption from every budget that selects each; a pod that takes a budget below zero is
/// violating. A pod without labels never is; a budget with an empty selector selects nothing here;
/// a pod already in a budget's `disruptedPods` takes nothing from it. Both groups keep their order.
fn split_by_pdb_violation<'a>(
    pods: &[&'a crate::engine::scheduler::cache::PodInfo],
    budgets: &[Budget],
) -> (
    Vec<&'a crate::engine::scheduler::cache::PodInfo>,
    Vec<&'a crate::engine::scheduler::cache::PodInfo>,
) {
    let mut allowed: Vec<i32> = budgets.iter().map(|b| b.disruptions_allowed).collect();
    let mut violating = Vec::new();
    let mut non_violating = Vec::new();
    for pod in pods {
        let mut violates = false;
        if !pod.labels.is_empty() {
            let name = pod
                .key
                .rsplit_once('/')
                .map_or(pod.key.as_str(), |(_, n)| n);
            for (budget, allowed) in budgets.iter().zip(allowed.iter_mut()) {
                if budget.namespace != pod.namespace
                    || budget.selector.is_empty()
                    || !budget.selector.matches(&pod.labels)
                    || budget.disrupted_pods.contains(name)
                {
                    continue;
                }
                *allowed -= 1;
                if *allowed < 0 {
                    violates = true;
                }
            }
        }
        if violates {
            violating.push(*pod);
        } else {
            non_violating.push(*pod);
        }
    }
    (violating, non_violating)
}

/// `pickOneNodeForPreemption` with the default criteria, in order: the fewest PodDisruptionBudget
/// violations, the lowest highest-priority victim, the lowest sum of priorities (each shifted by 2^31
/// so negative priorities count), the fewest victims, the latest start among the highest-priority
/// victims; then the first candidate.
fn pick_one_node_for_preemption(
    state: &CycleState,
    nodes: &[&NodeInfo],
    candidates: &[Candidate],
) -> usize {
    if candidates.len() == 1 {
        return 0;
    }
    let start_of = |node: usize, key: &str| {
        nodes[node]
            .pods
            .iter()
            .find(|p| p.key == key)
            .and_then(|p| p.start_time_ms)
            .unwrap_or(state.now_ms)
    };
    let criteria: [&dyn Fn(&Candidate) -> i64; 5] = [
        &|c| -c.num_pdb_violations,
        &|c| -i64::from(c.victims.first().map_or(0, |v| v.priority)),
        &|c| {
            -c.victims
                .iter()
                .map(|v| i64::from(v.priority) + i64::from(i32::MAX) + 1)
                .sum::<i64>()
        },
        &|c| -(c.victims.len() as i64),
        &|c| {
            // GetEarliestPodStartTime: the earliest start among the highest-priority victims.
            let highest = c.victims.first().map_or(0, |v| v.priority);
            c.victims
                .iter()
                .filter(|v| v.priority == highest)
                .map(|v| start_of(c.node, &v.key))
                .min()
                .unwrap_or(i64::MIN)
        },
    ];
    let mut remaining: Vec<usize> = (0..candidates.len()).collect();
    for score in criteria {
        let best = remaining
            .iter()
            .map(|&i| score(&candidates[i]))
            .max()
            .unwrap_or(0);
        remaining.retain(|&i| score(&candidates[i]) == best);
        if remaining.len() == 1 {
            break;
        }
    }
    remaining.first().copied().unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::scheduler::plugins::node_resources_fit;
    use crate::engine::scheduler::plugins::testing::*;

    fn run(
        state: &CycleState,
        nodes: &[&NodeInfo],
        statuses: &[(usize, Status)],
    ) -> PostFilterOutcome {
        let pre = PreFilterState {
            node_affinity_skips: true,
            node_ports_skips: true,
            affinity: None,
            spread: None,
        };
        let outcome = post_filter(state, nodes, statuses, &pre, &mut SimRng::new(1), |n, _| {
            node_resources_fit::filter(state, n, &Default::default())
        });
        // The other candidates are checked where they matter (the preemption-pdb scenario).
        match outcome {
            PostFilterOutcome::Nominated(mut c) => {
                c.others.clear();
                PostFilterOutcome::Nominated(c)
            }
            other => other,
        }
    }

    fn failed(message: &str) -> PostFilterOutcome {
        PostFilterOutcome::Failed {
            message: message.into(),
            clear_nomination: true,
        }
    }

    fn insufficient(index: usize) -> (usize, Status) {
        (
            index,
            Status::reject(Code::Unschedulable, "NodeResourcesFit", "Insufficient cpu"),
        )
    }

    /// A node of `cpu` cores running `(name, priority, cpu, start seconds)` pods.
    fn node(name: &str, cpu: &str, pods: &[(&str, i32, &str, i64)]) -> NodeInfo {
        let mut info = NodeBuilder::new(name)
            .allocatable(&[("cpu", cpu), ("memory", "8Gi")])
            .build_info();
        for (pod, priority, cpu, start) in pods {
            let mut p = PodBuilder::new(pod)
                .priority(*priority)
                .container("x", &[("cpu", cpu)])
                .build_info_on(name);
            p.start_time_ms = Some(start * 1000);
            info.add_pod(p);
        }
        info
    }

    fn nominated(node: usize, victims: &[(&str, i32)]) -> PostFilterOutcome {
        PostFilterOutcome::Nominated(Candidate {
            node,
            victims: victims
                .iter()
                .map(|(key, priority)| Victim {
                    key: format!("default/{key}"),
                    priority: *priority,
                })
                .collect(),
            num_pdb_violations: 0,
            others: Vec::new(),
        })
    }

    #[test]
    fn should_explain_equal_priority_and_unresolvable_nodes() {
        let pod = PodBuilder::new("p").container("x", &[("cpu", "2")]).build();
        let state = CycleState::new(&pod);
        let a = node("a", "2", &[("e", 0, "1", 0)]);
        let b = node("b", "2", &[]);
        let c = node("c", "2", &[]);
        let unresolvable = |i| {
            (
                i,
                Status::reject(Code::UnschedulableAndUnresolvable, "NodeAffinity", "x"),
            )
        };
        let statuses = vec![insufficient(0), unresolvable(1), unresolvable(2)];
        assert_eq!(
            run(&state, &[&a, &b, &c], &statuses),
            failed("preemption: 0/3 nodes are available: 1 No preemption victims found for incoming pod, 2 Preemption is not helpful for scheduling.")
        );
    }

    #[test]
    fn should_report_the_refilter_status_when_victims_do_not_help() {
        // A priority-10 pod asking 3 cpu on a 2-cpu node holding a priority-0 pod: removing it is
        // not enough, so the node reports the filter's own reason.
        let pod = PodBuilder::new("p")
            .priority(10)
            .container("x", &[("cpu", "3")])
            .build();
        let state = CycleState::new(&pod);
        let a = node("a", "2", &[("e", 0, "1", 0)]);
        assert_eq!(
            run(&state, &[&a], &[insufficient(0)]),
            failed("preemption: 0/1 nodes are available: 1 Insufficient cpu.")
        );
    }

    #[test]
    fn should_refuse_with_preemption_policy_never() {
        let mut pod = PodBuilder::new("p").build();
        if let Some(s) = pod.spec.as_mut() {
            s.preemption_policy = Some("Never".into());
        }
        let state = CycleState::new(&pod);
        assert_eq!(
            run(&state, &[], &[]),
            PostFilterOutcome::Failed {
                message: "preemption: not eligible due to preemptionPolicy=Never.".into(),
                clear_nomination: false,
            }
        );
    }

    #[test]
    fn should_select_victims_and_reprieve_like_upstream() {
        // SelectVictimsOnNode: every lower-priority pod is removed, then they come back most
        // important first (priority, then earlier start) while the pod still fits.
        let cases: Vec<(&str, i32, &str, NodeInfo, PostFilterOutcome)> = vec![
            (
                "one victim is enough; the more important pod is reprieved",
                100,
                "2",
                node("n", "4", &[("low", 1, "2", 0), ("lower", 0, "2", 0)]),
                nominated(0, &[("lower", 0)]),
            ),
            (
                "equal priority: the older pod is reprieved first, the newer one goes",
                100,
                "2",
                node("n", "4", &[("newer", 0, "2", 20), ("older", 0, "2", 10)]),
                nominated(0, &[("newer", 0)]),
            ),
            (
                "both must go",
                100,
                "4",
                node("n", "4", &[("a", 1, "2", 0), ("b", 0, "2", 0)]),
                nominated(0, &[("a", 1), ("b", 0)]),
            ),
            (
                "pods of equal or higher priority are never victims",
                100,
                "2",
                node("n", "4", &[("same", 100, "2", 0), ("higher", 200, "2", 0)]),
                failed("preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod."),
            ),
        ];
        for (name, priority, cpu, n, want) in cases {
            let pod = PodBuilder::new("p")
                .priority(priority)
                .container("x", &[("cpu", cpu)])
                .build();
            let state = CycleState::new(&pod);
            assert_eq!(run(&state, &[&n], &[insufficient(0)]), want, "{name}");
        }
    }

    #[test]
    fn should_pick_the_node_like_pick_one_node_for_preemption() {
        let pod = PodBuilder::new("p")
            .priority(100)
            .container("x", &[("cpu", "2")])
            .build();
        let state = CycleState::new(&pod);
        let cases: Vec<(&str, Vec<NodeInfo>, PostFilterOutcome)> = vec![
            (
                "the lowest highest-priority victim",
                vec![
                    node("a", "2", &[("a1", 10, "2", 0)]),
                    node("b", "2", &[("b1", 5, "2", 0)]),
                ],
                nominated(1, &[("b1", 5)]),
            ),
            (
                "then the lowest sum of priorities",
                vec![
                    node("a", "2", &[("a1", 5, "1", 0), ("a2", 5, "1", 0)]),
                    node("b", "2", &[("b1", 5, "1", 0), ("b2", 1, "1", 0)]),
                ],
                nominated(1, &[("b1", 5), ("b2", 1)]),
            ),
            (
                "then the fewest victims",
                vec![
                    node("a", "2", &[("a1", 0, "1", 0), ("a2", 0, "1", 0)]),
                    node("b", "2", &[("b1", 0, "2", 0)]),
                ],
                nominated(1, &[("b1", 0)]),
            ),
            (
                "then the latest start among the highest-priority victims",
                vec![
                    node("a", "2", &[("a1", 0, "2", 10)]),
                    node("b", "2", &[("b1", 0, "2", 30)]),
                    node("c", "2", &[("c1", 0, "2", 20)]),
                ],
                nominated(1, &[("b1", 0)]),
            ),
        ];
        for (name, nodes, want) in cases {
            let refs: Vec<&NodeInfo> = nodes.iter().collect();
            let statuses: Vec<(usize, Status)> = (0..nodes.len()).map(insufficient).collect();
            assert_eq!(run(&state, &refs, &statuses), want, "{name}");
        }
    }

    /// A budget over `app=foo` in `default` with `allowed` disruptions and these disrupted pods.
    fn foo_budget(allowed: i32, disrupted: &[&str]) -> Budget {
        Budget {
            namespace: "default".into(),
            selector: Selector::from_set([("app".to_string(), "foo".to_string())].into()),
            disruptions_allowed: allowed,
            disrupted_pods: disrupted.iter().map(|p| p.to_string()).collect(),
        }
    }

    /// `node` with the label `app=foo` on its pods whose names start with `foo`.
    fn foo_node(name: &str, cpu: &str, pods: &[(&str, i32, &str, i64)]) -> NodeInfo {
        let mut info = node(name, cpu, pods);
        for pod in &mut info.pods {
            if pod.key.starts_with("default/foo") {
                pod.labels.insert("app".into(), "foo".into());
            }
        }
        info
    }

    fn violating(node: usize, victims: &[(&str, i32)], count: i64) -> PostFilterOutcome {
        match nominated(node, victims) {
            PostFilterOutcome::Nominated(mut c) => {
                c.num_pdb_violations = count;
                PostFilterOutcome::Nominated(c)
            }
            other => other,
        }
    }

    /// Upstream's `TestDryRunPreemption` PDB cases (`filterPodsWithPDBViolation`, `NumPDBViolations`)
    /// and `pickOneNodeForPreemption`'s first criterion.
    #[test]
    fn should_count_and_avoid_pdb_violations_like_upstream() {
        let pod = PodBuilder::new("p")
            .priority(100)
            .container("x", &[("cpu", "4")])
            .build();
        let two = || foo_node("n", "4", &[("foo1", 10, "2", 1), ("foo2", 10, "2", 2)]);
        let three = || {
            foo_node(
                "n",
                "4",
                &[
                    ("foo1", 10, "1", 1),
                    ("foo2", 10, "1", 2),
                    ("foo3", 10, "2", 3),
                ],
            )
        };
        let both = [("foo1", 10), ("foo2", 10)];
        let cases: Vec<(&str, Vec<Budget>, Vec<NodeInfo>, PostFilterOutcome)> = vec![
            (
                "both pods of one budget allowing one disruption: one violation",
                vec![foo_budget(1, &[])],
                vec![two()],
                violating(0, &both, 1),
            ),
            (
                "a disrupted pod that is not a victim changes nothing",
                vec![foo_budget(1, &["foo3"])],
                vec![two()],
                violating(0, &both, 1),
            ),
            (
                "a victim already in disruptedPods takes nothing from the budget",
                vec![foo_budget(1, &["foo2"])],
                vec![two()],
                violating(0, &both, 0),
            ),
            (
                "three victims, one already disrupted: still one violation",
                vec![foo_budget(1, &["foo3"])],
                vec![three()],
                violating(0, &[("foo1", 10), ("foo2", 10), ("foo3", 10)], 1),
            ),
            (
                "an empty selector selects nothing for the scheduler",
                vec![Budget {
                    selector: Selector::new(Some(&Default::default())),
                    ..foo_budget(0, &[])
                }],
                vec![two()],
                violating(0, &both, 0),
            ),
            (
                "a budget in another namespace does not count",
                vec![Budget {
                    namespace: "other".into(),
                    ..foo_budget(0, &[])
                }],
                vec![two()],
                violating(0, &both, 0),
            ),
            (
                "the node without violations wins over an otherwise better one",
                vec![foo_budget(0, &[])],
                vec![
                    foo_node("a", "4", &[("foo1", 1, "4", 1)]),
                    node("b", "4", &[("bar1", 5, "4", 1)]),
                ],
                violating(1, &[("bar1", 5)], 0),
            ),
            (
                "pods whose eviction breaks the budget are reprieved first",
                vec![foo_budget(0, &[])],
                // Without the budget the older bar1 would be reprieved and foo1 evicted.
                vec![foo_node(
                    "n",
                    "6",
                    &[("bar1", 10, "2", 1), ("foo1", 10, "2", 2)],
                )],
                violating(0, &[("bar1", 10)], 0),
            ),
        ];
        for (name, budgets, nodes, want) in cases {
            let mut state = CycleState::new(&pod);
            state.pdbs = budgets;
            let refs: Vec<&NodeInfo> = nodes.iter().collect();
            let statuses: Vec<(usize, Status)> = (0..nodes.len()).map(insufficient).collect();
            assert_eq!(run(&state, &refs, &statuses), want, "{name}");
        }
    }

    #[test]
    fn should_wait_for_victims_terminating_on_the_nominated_node() {
        let mut pod = PodBuilder::new("p")
            .priority(100)
            .container("x", &[("cpu", "2")])
            .build();
        pod.status = Some(k8s_openapi::api::core::v1::PodStatus {
            nominated_node_name: Some("a".into()),
            ..Default::default()
        });
        let state = CycleState::new(&pod);
        let mut a = node("a", "2", &[("victim", 0, "2", 0)]);
        a.pods[0].terminating_by_preemption = true;
        assert_eq!(
            run(&state, &[&a], &[insufficient(0)]),
            PostFilterOutcome::Failed {
                message: "preemption: not eligible due to a terminating pod on the nominated node."
                    .into(),
                clear_nomination: false,
            }
        );
    }
}
