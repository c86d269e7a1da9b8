//! The scheduling framework's vocabulary: status codes, the `Status` a plugin returns, the in-tree plugin
//! registry with the extension points each plugin implements, and score normalization.
//!
//! Mirrors `k8s.io/kube-scheduler/framework/interface.go` (`Code`, `Status`, `MaxNodeScore`),
//! `pkg/scheduler/framework/plugins/registry.go` and `plugins/helper/normalize_score.go`. The run loops
//! (`RunFilterPlugins`, `RunScorePlugins`) live in `schedule_one.rs`, next to their caller.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{NodeSelector, Pod, PreferredSchedulingTerm, Toleration};

use super::cache::{pod_host_ports, pod_key, pod_requests, HostPort, Resource};
use super::plugins::pod_topology_spread::Selector;
use super::plugins::volume_claims::PodClaim;

/// `fwk.MaxNodeScore`.
pub const MAX_NODE_SCORE: i64 = 100;
/// `fwk.MinNodeScore`.
pub const MIN_NODE_SCORE: i64 = 0;

/// A plugin's verdict (`fwk.Code`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Code {
    Success,
    Error,
    Unschedulable,
    UnschedulableAndUnresolvable,
    Skip,
}

impl Code {
    pub fn as_str(&self) -> &'static str {
        match self {
            Code::Success => "Success",
            Code::Error => "Error",
            Code::Unschedulable => "Unschedulable",
            Code::UnschedulableAndUnresolvable => "UnschedulableAndUnresolvable",
            Code::Skip => "Skip",
        }
    }
}

/// The result of running a plugin (`fwk.Status`): a code, the reasons, and the plugin that produced it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Status {
    pub code: Code,
    pub reasons: Vec<String>,
    pub plugin: &'static str,
}

impl Status {
    pub fn new(code: Code, plugin: &'static str, reasons: Vec<String>) -> Status {
        Status {
            code,
            reasons,
            plugin,
        }
    }

    /// A rejection with one reason.
    pub fn reject(code: Code, plugin: &'static str, reason: &str) -> Status {
        Status::new(code, plugin, vec![reason.to_string()])
    }

    pub fn is_rejected(&self) -> bool {
        matches!(
            self.code,
            Code::Unschedulable | Code::UnschedulableAndUnresolvable
        )
    }

    /// `Status.Message()`: the reasons joined with ", ".
    pub fn message(&self) -> String {
        self.reasons.join(", ")
    }
}

/// The extension points a profile configures (`config.Plugins` fields, in their JSON spelling).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum ExtensionPoint {
    PreEnqueue,
    QueueSort,
    PreFilter,
    Filter,
    PostFilter,
    PreScore,
    Score,
    Reserve,
    Permit,
    PreBind,
    Bind,
    PostBind,
}

impl ExtensionPoint {
    pub const ALL: [ExtensionPoint; 12] = [
        ExtensionPoint::PreEnqueue,
        ExtensionPoint::QueueSort,
        ExtensionPoint::PreFilter,
        ExtensionPoint::Filter,
        ExtensionPoint::PostFilter,
        ExtensionPoint::PreScore,
        ExtensionPoint::Score,
        ExtensionPoint::Reserve,
        ExtensionPoint::Permit,
        ExtensionPoint::PreBind,
        ExtensionPoint::Bind,
        ExtensionPoint::PostBind,
    ];

    /// The field name in `plugins` (`preFilter`).
    pub fn json_name(&self) -> &'static str {
        match self {
            ExtensionPoint::PreEnqueue => "preEnqueue",
            ExtensionPoint::QueueSort => "queueSort",
            ExtensionPoint::PreFilter => "preFilter",
            ExtensionPoint::Filter => "filter",
            ExtensionPoint::PostFilter => "postFilter",
            ExtensionPoint::PreScore => "preScore",
            ExtensionPoint::Score => "score",
            ExtensionPoint::Reserve => "reserve",
            ExtensionPoint::Permit => "permit",
            ExtensionPoint::PreBind => "preBind",
            ExtensionPoint::Bind => "bind",
            ExtensionPoint::PostBind => "postBind",
        }
    }

    /// The Go interface name used in upstream's configuration errors (`FilterPlugin`).
    pub fn interface_name(&self) -> &'static str {
        match self {
            ExtensionPoint::PreEnqueue => "PreEnqueuePlugin",
            ExtensionPoint::QueueSort => "QueueSortPlugin",
            ExtensionPoint::PreFilter => "PreFilterPlugin",
            ExtensionPoint::Filter => "FilterPlugin",
            ExtensionPoint::PostFilter => "PostFilterPlugin",
            ExtensionPoint::PreScore => "PreScorePlugin",
            ExtensionPoint::Score => "ScorePlugin",
            ExtensionPoint::Reserve => "ReservePlugin",
            ExtensionPoint::Permit => "PermitPlugin",
            ExtensionPoint::PreBind => "PreBindPlugin",
            ExtensionPoint::Bind => "BindPlugin",
            ExtensionPoint::PostBind => "PostBindPlugin",
        }
    }
}

/// The in-tree plugins of the default registry.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Plugin {
    PrioritySort,
    SchedulingGates,
    NodeUnschedulable,
    NodeName,
    TaintToleration,
    NodeAffinity,
    NodePorts,
    NodeResourcesFit,
    VolumeRestrictions,
    NodeVolumeLimits,
    VolumeBinding,
    VolumeZone,
    PodTopologySpread,
    InterPodAffinity,
    DynamicResources,
    DefaultPreemption,
    NodeResourcesBalancedAllocation,
    ImageLocality,
    DefaultBinder,
}

impl Plugin {
    pub const ALL: [Plugin; 19] = [
        Plugin::PrioritySort,
        Plugin::SchedulingGates,
        Plugin::NodeUnschedulable,
        Plugin::NodeName,
        Plugin::TaintToleration,
        Plugin::NodeAffinity,
        Plugin::NodePorts,
        Plugin::NodeResourcesFit,
        Plugin::VolumeRestrictions,
        Plugin::NodeVolumeLimits,
        Plugin::VolumeBinding,
        Plugin::VolumeZone,
        Plugin::PodTopologySpread,
        Plugin::InterPodAffinity,
        Plugin::DynamicResources,
        Plugin::DefaultPreemption,
        Plugin::NodeResourcesBalancedAllocation,
        Plugin::ImageLocality,
        Plugin::DefaultBinder,
    ];

    pub fn name(&self) -> &'static str {
        match self {
            Plugin::PrioritySort => "PrioritySort",
            Plugin::SchedulingGates => "SchedulingGates",
            Plugin::NodeUnschedulable => "NodeUnschedulable",
            Plugin::NodeName => "NodeName",
            Plugin::TaintToleration => "TaintToleration",
            Plugin::NodeAffinity => "NodeAffinity",
            Plugin::NodePorts => "NodePorts",
            Plugin::NodeResourcesFit => "NodeResourcesFit",
            Plugin::VolumeRestrictions => "VolumeRestrictions",
            Plugin::NodeVolumeLimits => "NodeVolumeLimits",
            Plugin::VolumeBinding => "VolumeBinding",
            Plugin::VolumeZone => "VolumeZone",
            Plugin::PodTopologySpread => "PodTopologySpread",
            Plugin::InterPodAffinity => "InterPodAffinity",
            Plugin::DynamicResources => "DynamicResources",
            Plugin::DefaultPreemption => "DefaultPreemption",
            Plugin::NodeResourcesBalancedAllocation => "NodeResourcesBalancedAllocation",
            Plugin::ImageLocality => "ImageLocality",
            Plugin::DefaultBinder => "DefaultBinder",
        }
    }

    pub fn from_name(name: &str) -> Option<Plugin> {
        Plugin::ALL.iter().copied().find(|p| p.name() == name)
    }

    /// Whether the plugin implements an extension point (the Go interfaces each plugin type satisfies).
    pub fn implements(&self, point: ExtensionPoint) -> bool {
        use ExtensionPoint as E;
        match self {
            Plugin::PrioritySort => point == E::QueueSort,
            Plugin::SchedulingGates => point == E::PreEnqueue,
            Plugin::NodeUnschedulable | Plugin::NodeName => point == E::Filter,
            Plugin::TaintToleration => matches!(point, E::Filter | E::PreScore | E::Score),
            Plugin::NodeAffinity
            | Plugin::NodeResourcesFit
            | Plugin::PodTopologySpread
            | Plugin::InterPodAffinity => {
                matches!(point, E::PreFilter | E::Filter | E::PreScore | E::Score)
            }
            Plugin::NodePorts
            | Plugin::VolumeRestrictions
            | Plugin::NodeVolumeLimits
            | Plugin::VolumeZone => {
                matches!(point, E::PreFilter | E::Filter)
            }
            Plugin::VolumeBinding => matches!(
                point,
                E::PreFilter | E::Filter | E::Reserve | E::PreBind | E::PreScore | E::Score
            ),
            Plugin::DynamicResources => matches!(
                point,
                E::PreEnqueue | E::PreFilter | E::Filter | E::PostFilter | E::Reserve | E::PreBind
            ),
            Plugin::DefaultPreemption => point == E::PostFilter,
            Plugin::NodeResourcesBalancedAllocation => matches!(point, E::PreScore | E::Score),
            Plugin::ImageLocality => point == E::Score,
            Plugin::DefaultBinder => point == E::Bind,
        }
    }
}

/// `helper.DefaultNormalizeScore`: scales scores so the highest becomes `max_priority` (integer
/// division), reversed (`max_priority - score`) when `reverse`. The highest score is searched from 0
/// up, as upstream's `maxCount` starts at 0: when no score is positive, the scores become
/// `max_priority` when reversed and are left as they are otherwise (negative ones included, which
/// `RunScorePlugins` then rejects).
pub fn default_normalize_score(max_priority: i64, reverse: bool, scores: &mut [i64]) {
    let max = scores.iter().copied().fold(0, i64::max);
    if max == 0 {
        if reverse {
            scores.iter_mut().for_each(|s| *s = max_priority);
        }
        return;
    }
    for s in scores.iter_mut() {
        // Go's int64 product wraps; `max` is positive, so the division cannot overflow.
        *s = max_priority.wrapping_mul(*s) / max;
        if reverse {
            *s = max_priority.wrapping_sub(*s);
        }
    }
}

/// What PreFilter/PreScore compute once per cycle about the incoming pod (upstream's `CycleState`
/// entries), so the per-node Filter and Score calls do integer work only.
#[derive(Clone, Debug)]
pub struct CycleState<'a> {
    pub pod: &'a Pod,
    pub key: String,
    pub priority: i32,
    pub preemption_never: bool,
    /// `status.nominatedNodeName`: the node a previous cycle's preemption made room on.
    pub nominated_node: Option<&'a str>,
    /// The cycle's time, for pods without a start time (`GetPodStartTime` uses now).
    pub now_ms: i64,
    /// Pods waiting for a node preemption made room on, with priority at least this pod's: Filter
    /// counts them on their node (`RunFilterPluginsWithNominatedPods`). Filled by the scheduler before
    /// a cycle; empty from `new`.
    pub nominated_pods: Vec<(String, super::cache::PodInfo)>,
    pub node_name: Option<&'a str>,
    pub tolerations: &'a [Toleration],
    /// Real requests (NodeResourcesFit Filter, BalancedAllocation).
    pub requests: Resource,
    /// Requests with the non-zero cpu/memory defaults (Least/MostAllocated, RequestedToCapacityRatio).
    pub non_zero_requests: Resource,
    pub host_ports: Vec<HostPort>,
    pub node_selector: Option<&'a BTreeMap<String, String>>,
    pub required_affinity: Option<&'a NodeSelector>,
    pub preferred_affinity: &'a [PreferredSchedulingTerm],
    /// Init and regular container images, normalized (`:latest` appended when untagged).
    pub images: Vec<String>,
    /// The claims of the pod's PersistentVolumeClaim volumes as the PVC lister has them (filled by
    /// the scheduler before a cycle; empty from `new`).
    pub claims: Vec<PodClaim>,
    /// Every namespace's labels as the namespace lister has them (InterPodAffinity's
    /// `namespaceSelector`; filled by the scheduler before a cycle, empty from `new`).
    pub namespace_labels: BTreeMap<String, BTreeMap<String, String>>,
    /// The merged selectors of the Services that select the pod (`helper.DefaultSelector`), which
    /// PodTopologySpread's system-default constraints use; `None` when no Service selects it.
    pub default_spread_selector: Option<Selector>,
    /// Every PodDisruptionBudget as the PDB lister holds it (DefaultPreemption; filled by the
    /// scheduler before a cycle, empty from `new`).
    pub pdbs: Vec<crate::engine::scheduler::plugins::default_preemption::Budget>,
}

impl<'a> CycleState<'a> {
    pub fn new(pod: &'a Pod) -> CycleState<'a> {
        let spec = pod.spec.as_ref();
        let node_affinity = spec
            .and_then(|s| s.affinity.as_ref())
            .and_then(|a| a.node_affinity.as_ref());
        let images = spec
            .map(|s| {
                s.init_containers
                    .iter()
                    .flatten()
                    .chain(s.containers.iter())
                    .map(|c| {
                        super::plugins::image_locality::normalized_image_name(
                            c.image.as_deref().unwrap_or(""),
                        )
                    })
                    .collect()
            })
            .unwrap_or_default();
        CycleState {
            pod,
            claims: Vec::new(),
            namespace_labels: BTreeMap::new(),
            default_spread_selector: None,
            pdbs: Vec::new(),
            key: pod_key(pod),
            priority: spec.and_then(|s| s.priority).unwrap_or(0),
            preemption_never: spec.and_then(|s| s.preemption_policy.as_deref()) == Some("Never"),
            nominated_node: pod
                .status
                .as_ref()
                .and_then(|s| s.nominated_node_name.as_deref())
                .filter(|n| !n.is_empty()),
            now_ms: 0,
            nominated_pods: Vec::new(),
            node_name: spec
                .and_then(|s| s.node_name.as_deref())
                .filter(|n| !n.is_empty()),
            tolerations: spec.and_then(|s| s.tolerations.as_deref()).unwrap_or(&[]),
            requests: pod_requests(pod, false),
            non_zero_requests: pod_requests(pod, true),
            host_ports: pod_host_ports(pod),
            node_selector: spec
                .and_then(|s| s.node_selector.as_ref())
                .filter(|m| !m.is_empty()),
            required_affinity: node_affinity.and_then(|a| {
                a.required_during_scheduling_ignored_during_execution
                    .as_ref()
            }),
            preferred_affinity: node_affinity
                .and_then(|a| {
                    a.preferred_during_scheduling_ignored_during_execution
                        .as_deref()
                })
                .unwrap_or(&[]),
            images,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn should_normalize_like_upstream_default_normalize_score() {
        // Cases from plugins/helper/normalize_score_test.go.
        let cases: &[(&[i64], bool, &[i64])] = &[
            (&[1, 2, 3, 4], false, &[25, 50, 75, 100]),
            (&[1, 2, 3, 4], true, &[75, 50, 25, 0]),
            (&[0, 0, 0, 0], false, &[0, 0, 0, 0]),
            (&[0, 0, 0, 0], true, &[100, 100, 100, 100]),
            (&[0, 1, 1, 1], true, &[100, 0, 0, 0]),
            (&[1000, 1, 1, 1], false, &[100, 0, 0, 0]),
            // maxCount starts at 0: scores that are all negative are left alone (or all become 100
            // when reversed); a positive maximum scales the negative ones too.
            (&[-5, -3], false, &[-5, -3]),
            (&[-5, -3], true, &[100, 100]),
            (&[-5, 10], false, &[-50, 100]),
        ];
        for (input, reverse, want) in cases {
            let mut s = input.to_vec();
            default_normalize_score(MAX_NODE_SCORE, *reverse, &mut s);
            assert_eq!(&s, want, "input {input:?} reverse {reverse}");
        }
    }

    #[test]
    fn should_round_trip_plugin_names() {
        for p in Plugin::ALL {
            assert_eq!(Plugin::from_name(p.name()), Some(p));
        }
        assert_eq!(Plugin::from_name("Nope"), None);
    }

    #[test]
    fn should_join_reasons_in_message() {
        let s = Status::new(
            Code::Unschedulable,
            "NodeResourcesFit",
            vec!["Insufficient cpu".into(), "Insufficient memory".into()],
        );
        assert_eq!(s.message(), "Insufficient cpu, Insufficient memory");
        assert!(s.is_rejected());
    }
}
