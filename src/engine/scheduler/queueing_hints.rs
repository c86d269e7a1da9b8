//! QueueingHints: which cluster events send which unschedulable pods back to the queue.
//!
//! Mirrors, for v1.36 with `SchedulerQueueingHints` on:
//! - `pkg/scheduler/framework/events.go`: a node update becomes one event per changed property
//!   (`NodeSchedulingPropertiesChange`: uncordon, allocatable, labels, taints, condition statuses,
//!   annotations), a pod update one per changed scheduling property (`PodSchedulingPropertiesChange`:
//!   labels, a request scaled down, scheduling gates removed, tolerations), or the general `Update`;
//! - each plugin's `EventsToRegister` (the table in [`registrations`]) and `buildQueueingHintMap` in
//!   `pkg/scheduler/scheduler.go`, which also registers an always-Queue `Node/UpdateNodeTaint` for every
//!   plugin that registers `Node/Add` without it;
//! - `isEventOfInterest` and `isPodWorthRequeuing` in `backend/queue/scheduling_queue.go`: a pod no
//!   plugin rejected moves on any event of interest; otherwise only the hints of the plugins that
//!   rejected it are asked, and one `Queue` moves it.
//!
//! The hint functions live with their plugins (`is_schedulable_after_*`). Events of resources podflow
//! does not store (StorageClasses, PersistentVolumes, CSINodes, ResourceSlices, …) never happen here,
//! so their registrations are left out.

use k8s_openapi::api::core::v1::{Node, Pod};

use super::cache::{pod_key, NodeInfo};
use super::config::Profile;
use super::framework::{CycleState, Plugin};
use super::plugins::{
    inter_pod_affinity, node_affinity, node_ports, node_resources_fit, node_unschedulable,
    pod_topology_spread, taint_toleration, volume_claims,
};
use super::queue::QueuedPod;

/// `fwk.ActionType` bits, in upstream's order (the order matters: an incoming event matches a
/// registration only if its value is not larger).
pub mod action {
    pub const ADD: u32 = 1 << 0;
    pub const DELETE: u32 = 1 << 1;
    pub const UPDATE_NODE_ALLOCATABLE: u32 = 1 << 2;
    pub const UPDATE_NODE_LABEL: u32 = 1 << 3;
    pub const UPDATE_NODE_TAINT: u32 = 1 << 4;
    pub const UPDATE_NODE_CONDITION: u32 = 1 << 5;
    pub const UPDATE_NODE_ANNOTATION: u32 = 1 << 6;
    pub const UPDATE_NODE_DECLARED_FEATURE: u32 = 1 << 7;
    pub const UPDATE_POD_LABEL: u32 = 1 << 8;
    pub const UPDATE_POD_SCALE_DOWN: u32 = 1 << 9;
    pub const UPDATE_POD_TOLERATION: u32 = 1 << 10;
    pub const UPDATE_POD_SCHEDULING_GATES_ELIMINATED: u32 = 1 << 11;
    pub const UPDATE_POD_GENERATED_RESOURCE_CLAIM: u32 = 1 << 12;
    /// `Update`: every update bit.
    pub const UPDATE: u32 = UPDATE_NODE_ALLOCATABLE
        | UPDATE_NODE_LABEL
        | UPDATE_NODE_TAINT
        | UPDATE_NODE_CONDITION
        | UPDATE_NODE_ANNOTATION
        | UPDATE_NODE_DECLARED_FEATURE
        | UPDATE_POD_LABEL
        | UPDATE_POD_SCALE_DOWN
        | UPDATE_POD_TOLERATION
        | UPDATE_POD_SCHEDULING_GATES_ELIMINATED
        | UPDATE_POD_GENERATED_RESOURCE_CLAIM;

    /// `ActionType.String()` for a single bit or the general `Update`.
    pub fn name(action: u32) -> &'static str {
        match action {
            ADD => "Add",
            DELETE => "Delete",
            UPDATE_NODE_ALLOCATABLE => "UpdateNodeAllocatable",
            UPDATE_NODE_LABEL => "UpdateNodeLabel",
            UPDATE_NODE_TAINT => "UpdateNodeTaint",
            UPDATE_NODE_CONDITION => "UpdateNodeCondition",
            UPDATE_NODE_ANNOTATION => "UpdateNodeAnnotation",
            UPDATE_NODE_DECLARED_FEATURE => "UpdateNodeDeclaredFeature",
            UPDATE_POD_LABEL => "UpdatePodLabel",
            UPDATE_POD_SCALE_DOWN => "UpdatePodScaleDown",
            UPDATE_POD_TOLERATION => "UpdatePodToleration",
            UPDATE_POD_SCHEDULING_GATES_ELIMINATED => "UpdatePodSchedulingGatesEliminated",
            UPDATE_POD_GENERATED_RESOURCE_CLAIM => "UpdatePodGeneratedResourceClaim",
            _ => "Update",
        }
    }
}

/// `fwk.EventResource`. Plugins register `Pod`; the queue sees `AssignedPod` or `UnschedulablePod`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Resource {
    Node,
    Pod,
    AssignedPod,
    UnschedulablePod,
    PersistentVolumeClaim,
}

impl Resource {
    fn name(self) -> &'static str {
        match self {
            Resource::Node => "Node",
            Resource::Pod => "Pod",
            Resource::AssignedPod => "AssignedPod",
            Resource::UnschedulablePod => "UnschedulablePod",
            Resource::PersistentVolumeClaim => "PersistentVolumeClaim",
        }
    }
}

/// `fwk.ClusterEvent`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ClusterEvent {
    pub resource: Resource,
    pub action: u32,
}

impl ClusterEvent {
    pub const fn new(resource: Resource, action: u32) -> ClusterEvent {
        ClusterEvent { resource, action }
    }

    /// `ClusterEvent.Label()`: resource then action (`NodeAdd`, `NodeUpdateNodeTaint`,
    /// `AssignedPodDelete`), as the scheduler's logs and metrics name it.
    pub fn label(&self) -> String {
        format!("{}{}", self.resource.name(), action::name(self.action))
    }

    /// `MatchClusterEvents`: does a registration `self` cover the incoming event `incoming`?
    fn covers(&self, incoming: &ClusterEvent) -> bool {
        let resource = self.resource == incoming.resource
            || (self.resource == Resource::Pod
                && matches!(
                    incoming.resource,
                    Resource::AssignedPod | Resource::UnschedulablePod
                ));
        resource && self.action & incoming.action != 0 && incoming.action <= self.action
    }
}

/// `NodeSchedulingPropertiesChange`: one event per scheduling-relevant change, in upstream's order.
/// Cordoning adds none (only `spec.unschedulable` becoming false counts, as `UpdateNodeTaint`), and
/// conditions compare only their statuses by type, so heartbeats add none.
pub fn node_update_events(old: &Node, new: &Node) -> Vec<ClusterEvent> {
    let unschedulable = |n: &Node| n.spec.as_ref().and_then(|s| s.unschedulable) == Some(true);
    let taints = |n: &Node| {
        n.spec
            .as_ref()
            .and_then(|s| s.taints.clone())
            .unwrap_or_default()
    };
    let allocatable = |n: &Node| n.status.as_ref().and_then(|s| s.allocatable.clone());
    let labels = |n: &Node| n.metadata.labels.clone().unwrap_or_default();
    let annotations = |n: &Node| n.metadata.annotations.clone().unwrap_or_default();
    let conditions = |n: &Node| {
        n.status
            .iter()
            .flat_map(|s| s.conditions.iter().flatten())
            .map(|c| (c.type_.clone(), c.status.clone()))
            .collect::<std::collections::BTreeMap<_, _>>()
    };
    let mut events = Vec::new();
    let mut push = |changed: bool, bit: u32| {
        if changed {
            events.push(ClusterEvent::new(Resource::Node, bit));
        }
    };
    push(
        unschedulable(old) && !unschedulable(new),
        action::UPDATE_NODE_TAINT,
    );
    push(
        allocatable(old) != allocatable(new),
        action::UPDATE_NODE_ALLOCATABLE,
    );
    push(labels(old) != labels(new), action::UPDATE_NODE_LABEL);
    push(taints(old) != taints(new), action::UPDATE_NODE_TAINT);
    push(
        conditions(old) != conditions(new),
        action::UPDATE_NODE_CONDITION,
    );
    push(
        annotations(old) != annotations(new),
        action::UPDATE_NODE_ANNOTATION,
    );
    events
}

/// `PodSchedulingPropertiesChange`: the scheduling-relevant changes of a pod update, on
/// `AssignedPod` when the new pod has a node, else on `UnschedulablePod`; the general `Update` when
/// none applies.
pub fn pod_update_events(old: &Pod, new: &Pod) -> Vec<ClusterEvent> {
    let resource = if bound_node(new).is_some() {
        Resource::AssignedPod
    } else {
        Resource::UnschedulablePod
    };
    let old_requests = super::cache::pod_requests(old, false);
    let new_requests = super::cache::pod_requests(new, false);
    // Semantic equality: a missing list or map equals an empty one.
    fn labels(p: &Pod) -> Option<&std::collections::BTreeMap<String, String>> {
        p.metadata.labels.as_ref().filter(|l| !l.is_empty())
    }
    let gates = |p: &Pod| {
        p.spec
            .as_ref()
            .and_then(|s| s.scheduling_gates.as_ref())
            .map_or(0, Vec::len)
    };
    let tolerations = |p: &Pod| {
        p.spec
            .as_ref()
            .and_then(|s| s.tolerations.as_ref())
            .map_or(0, Vec::len)
    };
    let mut actions = Vec::new();
    if labels(old) != labels(new) {
        actions.push(action::UPDATE_POD_LABEL);
    }
    if node_resources_fit::scaled_down(&old_requests, &new_requests) {
        actions.push(action::UPDATE_POD_SCALE_DOWN);
    }
    if gates(new) == 0 && gates(old) != 0 {
        actions.push(action::UPDATE_POD_SCHEDULING_GATES_ELIMINATED);
    }
    if tolerations(new) != tolerations(old) {
        actions.push(action::UPDATE_POD_TOLERATION);
    }
    if actions.is_empty() {
        actions.push(action::UPDATE);
    }
    actions
        .into_iter()
        .map(|a| ClusterEvent::new(resource, a))
        .collect()
}

/// The pod's `spec.nodeName`, when set.
pub fn bound_node(pod: &Pod) -> Option<&str> {
    pod.spec
        .as_ref()
        .and_then(|s| s.node_name.as_deref())
        .filter(|n| !n.is_empty())
}

/// Whether the pod counts as placed for the pod hints: bound, or nominated by preemption.
pub fn bound_or_nominated(pod: &Pod) -> bool {
    bound_node(pod).is_some()
        || pod
            .status
            .as_ref()
            .and_then(|s| s.nominated_node_name.as_deref())
            .is_some_and(|n| !n.is_empty())
}

/// Whether two pod objects are the same pod (the same UID, or the same key when a UID is missing).
pub fn same_pod(a: &Pod, b: &Pod) -> bool {
    match (&a.metadata.uid, &b.metadata.uid) {
        (Some(x), Some(y)) => x == y,
        _ => pod_key(a) == pod_key(b),
    }
}

/// What changed, as the hints receive it (`oldObj`, `newObj`). Nodes come without pods, as the
/// hints look only at the node object.
pub enum Change<'a> {
    Node {
        old: Option<&'a NodeInfo>,
        new: Option<&'a NodeInfo>,
    },
    Pod {
        old: Option<&'a Pod>,
        new: Option<&'a Pod>,
    },
    Claim {
        namespace: &'a str,
        name: &'a str,
    },
}

/// How a plugin decides on an event it registered.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Hint {
    /// A registration without a `QueueingHintFn`: always Queue.
    Always,
    /// The plugin's own hint function.
    Plugin,
}

/// `EventsToRegister` of the plugins podflow models, for the resources podflow stores, with the
/// always-Queue `Node/UpdateNodeTaint` that `buildQueueingHintMap` adds to plugins registering
/// `Node/Add` without `UpdateNodeTaint`.
fn registrations(plugin: Plugin) -> Vec<(ClusterEvent, Hint)> {
    use action::*;
    use Resource::{Node as N, PersistentVolumeClaim as Pvc, Pod as P};
    let e = ClusterEvent::new;
    let mut list = match plugin {
        Plugin::NodeUnschedulable => vec![
            (e(N, ADD | UPDATE_NODE_TAINT), Hint::Plugin),
            (e(P, UPDATE_POD_TOLERATION), Hint::Plugin),
        ],
        Plugin::NodeName => vec![(e(N, ADD), Hint::Always)],
        Plugin::TaintToleration => vec![
            (e(N, ADD | UPDATE_NODE_TAINT), Hint::Plugin),
            (e(P, UPDATE_POD_TOLERATION), Hint::Plugin),
        ],
        Plugin::NodeAffinity => vec![(e(N, ADD | UPDATE_NODE_LABEL), Hint::Plugin)],
        Plugin::NodePorts => vec![(e(P, DELETE), Hint::Plugin), (e(N, ADD), Hint::Always)],
        Plugin::NodeResourcesFit => vec![
            (e(P, DELETE | UPDATE_POD_SCALE_DOWN), Hint::Plugin),
            (e(N, ADD | UPDATE_NODE_ALLOCATABLE), Hint::Plugin),
        ],
        Plugin::VolumeRestrictions => vec![
            (e(P, DELETE), Hint::Plugin),
            (e(N, ADD), Hint::Always),
            (e(Pvc, ADD), Hint::Plugin),
        ],
        Plugin::NodeVolumeLimits => vec![(e(P, DELETE), Hint::Plugin), (e(Pvc, ADD), Hint::Plugin)],
        Plugin::VolumeBinding => vec![
            (e(Pvc, ADD | UPDATE), Hint::Plugin),
            (e(N, ADD | UPDATE_NODE_LABEL), Hint::Always),
        ],
        Plugin::VolumeZone => vec![
            (e(N, ADD | UPDATE_NODE_LABEL), Hint::Always),
            (e(Pvc, ADD | UPDATE), Hint::Plugin),
        ],
        Plugin::PodTopologySpread => vec![
            (
                e(P, ADD | UPDATE_POD_LABEL | UPDATE_POD_TOLERATION | DELETE),
                Hint::Plugin,
            ),
            (
                e(N, ADD | DELETE | UPDATE_NODE_LABEL | UPDATE_NODE_TAINT),
                Hint::Plugin,
            ),
        ],
        Plugin::InterPodAffinity => vec![
            (e(P, ADD | UPDATE_POD_LABEL | DELETE), Hint::Plugin),
            (e(N, ADD | UPDATE_NODE_LABEL), Hint::Plugin),
        ],
        Plugin::DynamicResources => vec![
            (
                e(N, ADD | UPDATE_NODE_LABEL | UPDATE_NODE_ALLOCATABLE),
                Hint::Always,
            ),
            (e(P, UPDATE_POD_GENERATED_RESOURCE_CLAIM), Hint::Always),
        ],
        _ => Vec::new(),
    };
    let node_add = list
        .iter()
        .any(|(r, _)| r.resource == N && r.action & ADD != 0);
    let node_taint = list
        .iter()
        .any(|(r, _)| r.resource == N && r.action & UPDATE_NODE_TAINT != 0);
    if node_add && !node_taint {
        list.push((e(N, UPDATE_NODE_TAINT), Hint::Always));
    }
    list
}

/// The profile's plugins that take part in requeueing (its PreFilter and Filter plugins; the score-
/// and bind-only plugins register no events).
fn enqueue_plugins(profile: &Profile) -> impl Iterator<Item = Plugin> + '_ {
    profile.filter.iter().copied().chain(
        profile
            .pre_filter
            .iter()
            .copied()
            .filter(|p| !profile.filter.contains(p)),
    )
}

/// `isEventOfInterest`: some plugin of the profile registered the event. Other events move nothing,
/// not even pods no plugin rejected.
pub fn is_event_of_interest(profile: &Profile, event: &ClusterEvent) -> bool {
    enqueue_plugins(profile).any(|p| registrations(p).iter().any(|(r, _)| r.covers(event)))
}

/// The events each of `rejected_by` (plugin names, in the profile's order) registered, one label per
/// action (`NodeAdd`, `NodeUpdateNodeTaint`, `PodDelete`): what may send a pod they rejected back to
/// the queue, if its hint agrees.
pub fn requeue_events(profile: &Profile, rejected_by: &[&str]) -> Vec<(String, Vec<String>)> {
    enqueue_plugins(profile)
        .filter(|plugin| rejected_by.contains(&plugin.name()))
        .map(|plugin| {
            let mut labels: Vec<String> = Vec::new();
            for (registered, _) in registrations(plugin) {
                for bit in (0..u32::BITS).map(|i| 1u32 << i) {
                    if registered.action & bit != 0 {
                        let label = ClusterEvent::new(registered.resource, bit).label();
                        if !labels.contains(&label) {
                            labels.push(label);
                        }
                    }
                }
            }
            (plugin.name().to_string(), labels)
        })
        .collect()
}

/// What the hints decided for one unschedulable pod.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Move it; `by` is the plugin whose hint returned Queue (`None`: no plugin had rejected it).
    Queue { by: Option<&'static str> },
    /// Keep it; `asked` are the rejecting plugins whose hints returned QueueSkip (empty when none of
    /// them registered the event).
    Skip { asked: Vec<&'static str> },
}

/// `isPodWorthRequeuing` for an event of interest.
pub fn worth_requeuing(
    profile: &Profile,
    queued: &QueuedPod,
    event: &ClusterEvent,
    change: &Change,
) -> Verdict {
    if queued.unschedulable_plugins.is_empty() {
        return Verdict::Queue { by: None };
    }
    let target = CycleState::new(&queued.pod);
    let mut asked = Vec::new();
    for plugin in enqueue_plugins(profile) {
        if !queued.unschedulable_plugins.contains(&plugin.name()) {
            continue;
        }
        for (registered, hint) in registrations(plugin) {
            if !registered.covers(event) {
                continue;
            }
            let queue = match hint {
                Hint::Always => true,
                Hint::Plugin => plugin_hint(profile, plugin, &target, change),
            };
            if queue {
                return Verdict::Queue {
                    by: Some(plugin.name()),
                };
            }
            if !asked.contains(&plugin.name()) {
                asked.push(plugin.name());
            }
        }
    }
    Verdict::Skip { asked }
}

/// Calls one plugin's hint function for the event.
fn plugin_hint(profile: &Profile, plugin: Plugin, target: &CycleState, change: &Change) -> bool {
    match *change {
        Change::Node { old, new } => match plugin {
            Plugin::NodeUnschedulable => new
                .is_some_and(|new| node_unschedulable::is_schedulable_after_node_change(old, new)),
            Plugin::TaintToleration => new.is_some_and(|new| {
                taint_toleration::is_schedulable_after_node_change(target, old, new)
            }),
            Plugin::NodeAffinity => new.is_some_and(|new| {
                node_affinity::is_schedulable_after_node_change(
                    target,
                    profile.added_affinity.as_ref(),
                    old,
                    new,
                )
            }),
            Plugin::NodeResourcesFit => new.is_some_and(|new| {
                node_resources_fit::is_schedulable_after_node_change(
                    target,
                    &profile.fit_ignored,
                    old,
                    new,
                )
            }),
            Plugin::InterPodAffinity => new.is_some_and(|new| {
                inter_pod_affinity::is_schedulable_after_node_change(target.pod, old, new)
            }),
            Plugin::PodTopologySpread => pod_topology_spread::is_schedulable_after_node_change(
                target,
                &profile.spread_defaults,
                old,
                new,
            ),
            _ => true,
        },
        Change::Pod { old, new } => match plugin {
            Plugin::NodeUnschedulable => new.is_some_and(|updated| {
                node_unschedulable::is_schedulable_after_pod_toleration_change(target, updated)
            }),
            Plugin::TaintToleration => new.is_some_and(|updated| same_pod(target.pod, updated)),
            Plugin::NodeResourcesFit => {
                node_resources_fit::is_schedulable_after_pod_event(target, old, new)
            }
            Plugin::NodePorts => old.is_some_and(|deleted| {
                new.is_none() && node_ports::is_schedulable_after_pod_deleted(target, deleted)
            }),
            Plugin::VolumeRestrictions => old.is_some_and(|deleted| {
                new.is_none() && volume_claims::shares_a_claim(target.pod, deleted)
            }),
            Plugin::NodeVolumeLimits => old
                .is_some_and(|deleted| new.is_none() && volume_claims::frees_volume_slots(deleted)),
            Plugin::InterPodAffinity => {
                inter_pod_affinity::is_schedulable_after_pod_change(target.pod, old, new)
            }
            Plugin::PodTopologySpread => pod_topology_spread::is_schedulable_after_pod_change(
                target,
                &profile.spread_defaults,
                old,
                new,
            ),
            _ => true,
        },
        Change::Claim { namespace, name } => match plugin {
            Plugin::VolumeRestrictions | Plugin::VolumeZone => {
                volume_claims::uses_claim(target.pod, namespace, name, false)
            }
            Plugin::VolumeBinding | Plugin::NodeVolumeLimits => {
                volume_claims::uses_claim(target.pod, namespace, name, true)
            }
            _ => true,
        },
    }
}

#[cfg(test)]
mod tests;
