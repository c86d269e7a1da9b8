//! What `kubectl describe node` prints, computed from the stored Node, the pods bound to it and the
//! events about it.
//!
//! Mirrors `k8s.io/kubectl/pkg/describe` (`NodeDescriber.Describe`, `describeNode`,
//! `describeNodeLease`, `describeNodeResource`, `getPodsTotalRequestsAndLimits`,
//! `printNodeTaintsMultiline`) and the resource sums of `k8s.io/component-helpers/resource`
//! (`PodRequests`, `PodLimits`), which add quantities as `resource.Quantity.Add` does so that a sum
//! prints in its first term's format (`250m`, `192Mi`).
//!
//! podflow stores no Lease objects: the `Lease` block is the one the node's kubelet keeps in
//! `kube-node-lease` (holder the node's name, no acquire time, renewed every 10 s since the node
//! registered). A node has no ResourceSlices (no DRA drivers), so that block never prints. A
//! percentage of a zero allocatable prints as Go's `int64(NaN)` / `int64(+Inf)` does on amd64.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{Event, Node, NodeSpec, NodeStatus, Pod, ResourceRequirements};

use super::TabWriter;
use super::{
    annotations_multiline, describe_events, labels_multiline, rfc1123z, rfc1123z_or_zero, s,
};
use crate::engine::kubectl::taint_string;
use crate::engine::printers::{node_roles, since};
use crate::engine::quantity::Quantity;
use crate::engine::time::{meta_time, ms_of};

/// How often the kubelet renews its node Lease (`renewInterval`: a quarter of the 40 s
/// `nodeLeaseDurationSeconds`).
const LEASE_RENEW_INTERVAL_MS: u64 = 10_000;

/// A resource list of exact quantities, in name order (`SortableResourceNames`).
type Resources = BTreeMap<String, Quantity>;

/// The pods `kubectl describe node` lists: bound to the node and neither Succeeded nor Failed (its
/// field selector), in the API server's list order (namespace, then name).
pub fn pods_on_node<'p>(node: &Node, pods: &[&'p Pod]) -> Vec<&'p Pod> {
    let mut on_node: Vec<&Pod> = pods
        .iter()
        .copied()
        .filter(|pod| {
            let spec_node = pod.spec.as_ref().and_then(|s| s.node_name.as_deref());
            let phase = pod.status.as_ref().and_then(|s| s.phase.as_deref());
            spec_node.is_some()
                && spec_node == node.metadata.name.as_deref()
                && !matches!(phase, Some("Succeeded" | "Failed"))
        })
        .collect();
    on_node.sort_by(|a, b| {
        (&a.metadata.namespace, &a.metadata.name).cmp(&(&b.metadata.namespace, &b.metadata.name))
    });
    on_node
}

/// The events `kubectl describe node` lists: about a `Node` of this name with no namespace, whose uid
/// is the node's uid (the node controller's events) or, from a second query, the node's name (the
/// kubelet's); the two lists are joined in that order.
pub fn events_about_node<'e>(node: &Node, events: &[&'e Event]) -> Vec<&'e Event> {
    let about = |uid: Option<&str>| -> Vec<&'e Event> {
        events
            .iter()
            .copied()
            .filter(|event| {
                let object = &event.involved_object;
                object.kind.as_deref() == Some("Node")
                    && object.name == node.metadata.name
                    && object.namespace.as_deref().unwrap_or("").is_empty()
                    && uid.is_some_and(|uid| object.uid.as_deref() == Some(uid))
            })
            .collect()
    };
    let by_uid = node.metadata.uid.as_deref().filter(|u| !u.is_empty());
    let by_name = node.metadata.name.as_deref().filter(|n| !n.is_empty());
    let mut found = about(by_uid);
    found.extend(about(by_name));
    found
}

/// `kubectl describe node` of `node`, with the pods bound to it and the events about it (see
/// [`pods_on_node`] and [`events_about_node`]), at virtual time `now_ms`.
pub fn describe_node(node: &Node, pods: &[&Pod], events: &[&Event], now_ms: u64) -> String {
    let mut w = TabWriter::default();
    let meta = &node.metadata;
    let (no_spec, no_status) = (NodeSpec::default(), NodeStatus::default());
    let spec = node.spec.as_ref().unwrap_or(&no_spec);
    let status = node.status.as_ref().unwrap_or(&no_status);
    w.write(0, &format!("Name:\t{}\n", s(&meta.name)));
    let roles = node_roles(node);
    let roles = if roles.is_empty() {
        "<none>".to_string()
    } else {
        roles.join(",")
    };
    w.write(0, &format!("Roles:\t{roles}\n"));
    labels_multiline(&mut w, "Labels", meta.labels.as_ref());
    annotations_multiline(&mut w, meta.annotations.as_ref());
    w.write(
        0,
        &format!(
            "CreationTimestamp:\t{}\n",
            rfc1123z_or_zero(meta.creation_timestamp.as_ref().map(|t| &t.0))
        ),
    );
    taints_multiline(&mut w, spec.taints.as_deref().unwrap_or_default());
    w.write(
        0,
        &format!("Unschedulable:\t{}\n", spec.unschedulable.unwrap_or(false)),
    );
    describe_lease(&mut w, node, now_ms);
    describe_conditions(&mut w, status);
    w.write(0, "Addresses:\n");
    for address in status.addresses.iter().flatten() {
        w.write(1, &format!("{}:\t{}\n", address.type_, address.address));
    }
    let capacity = parsed(status.capacity.as_ref());
    let allocatable = parsed(status.allocatable.as_ref());
    for (title, list) in [("Capacity", &capacity), ("Allocatable", &allocatable)] {
        if !list.is_empty() {
            w.write(0, &format!("{title}:\n"));
            for (name, value) in list {
                w.write(0, &format!("  {name}:\t{}\n", value.canonical()));
            }
        }
    }
    let info = status.node_info.clone().unwrap_or_default();
    w.write(0, "System Info:\n");
    for (label, value) in [
        ("Machine ID", &info.machine_id),
        ("System UUID", &info.system_uuid),
        ("Boot ID", &info.boot_id),
        ("Kernel Version", &info.kernel_version),
        ("OS Image", &info.os_image),
        ("Operating System", &info.operating_system),
        ("Architecture", &info.architecture),
        ("Container Runtime Version", &info.container_runtime_version),
        ("Kubelet Version", &info.kubelet_version),
    ] {
        w.write(0, &format!("  {label}:\t{value}\n"));
    }
    if !s(&spec.pod_cidr).is_empty() {
        w.write(0, &format!("PodCIDR:\t{}\n", s(&spec.pod_cidr)));
    }
    if let Some(cidrs) = spec.pod_cidrs.as_ref().filter(|c| !c.is_empty()) {
        w.write(0, &format!("PodCIDRs:\t{}\n", cidrs.join(",")));
    }
    if !s(&spec.provider_id).is_empty() {
        w.write(0, &format!("ProviderID:\t{}\n", s(&spec.provider_id)));
    }
    let allocatable = if allocatable.is_empty() {
        capacity
    } else {
        allocatable
    };
    describe_node_resources(&mut w, pods, &allocatable, now_ms);
    describe_events(&mut w, events, now_ms);
    w.finish()
}

/// `printNodeTaintsMultiline`: `Taints:  <none>`, or each taint (`Taint.ToString()`) ordered by
/// effect then key.
fn taints_multiline(w: &mut TabWriter, taints: &[k8s_openapi::api::core::v1::Taint]) {
    w.write(0, "Taints:\t");
    if taints.is_empty() {
        w.write_line("<none>");
        return;
    }
    let mut sorted: Vec<_> = taints.iter().collect();
    sorted.sort_by(|a, b| (&a.effect, &a.key).cmp(&(&b.effect, &b.key)));
    for (i, taint) in sorted.into_iter().enumerate() {
        if i != 0 {
            w.write(0, "\t");
        }
        w.write(0, &format!("{}\n", taint_string(taint)));
    }
}

/// `describeNodeLease` of the Lease the node's kubelet keeps: renewed at registration and every
/// [`LEASE_RENEW_INTERVAL_MS`] since.
fn describe_lease(w: &mut TabWriter, node: &Node, now_ms: u64) {
    w.write(0, "Lease:\n");
    w.write(1, &format!("HolderIdentity:\t{}\n", s(&node.metadata.name)));
    w.write(1, "AcquireTime:\t<unset>\n");
    let renew = match node.metadata.creation_timestamp.as_ref() {
        Some(created) => {
            let registered = ms_of(created);
            let since = now_ms.saturating_sub(registered);
            rfc1123z(&meta_time(registered + since - since % LEASE_RENEW_INTERVAL_MS).0)
        }
        None => "<unset>".into(),
    };
    w.write(1, &format!("RenewTime:\t{renew}\n"));
}

/// The conditions table: each cell followed by a space, as kubectl's format string has it.
fn describe_conditions(w: &mut TabWriter, status: &NodeStatus) {
    let conditions = status.conditions.as_deref().unwrap_or_default();
    if conditions.is_empty() {
        return;
    }
    w.write(
        0,
        "Conditions:\n  Type\tStatus\tLastHeartbeatTime\tLastTransitionTime\tReason\tMessage\n",
    );
    w.write(
        1,
        "----\t------\t-----------------\t------------------\t------\t-------\n",
    );
    for c in conditions {
        w.write(
            1,
            &format!(
                "{} \t{} \t{} \t{} \t{} \t{}\n",
                c.type_,
                c.status,
                rfc1123z_or_zero(c.last_heartbeat_time.as_ref().map(|t| &t.0)),
                rfc1123z_or_zero(c.last_transition_time.as_ref().map(|t| &t.0)),
                s(&c.reason),
                s(&c.message)
            ),
        );
    }
}

/// `describeNodeResource`: the non-terminated pods with their requests and limits as shares of the
/// node's allocatable, then the totals for cpu, memory, ephemeral storage, each hugepage size, and
/// (without shares) each extended resource the node offers.
fn describe_node_resources(w: &mut TabWriter, pods: &[&Pod], allocatable: &Resources, now_ms: u64) {
    let get = |list: &Resources, name: &str| list.get(name).copied().unwrap_or(Quantity::ZERO);
    let alloc_cpu = get(allocatable, "cpu").milli_value();
    let alloc_memory = get(allocatable, "memory").value();
    w.write(
        0,
        &format!("Non-terminated Pods:\t({} in total)\n", pods.len()),
    );
    w.write(
        1,
        "Namespace\tName\t\tCPU Requests\tCPU Limits\tMemory Requests\tMemory Limits\tAge\n",
    );
    w.write(
        1,
        "---------\t----\t\t------------\t----------\t---------------\t-------------\t---\n",
    );
    let mut requests = Resources::new();
    let mut limits = Resources::new();
    for pod in pods {
        let (pod_requests, pod_limits) = (pod_requests(pod), pod_limits(pod));
        let (cpu_req, cpu_lim) = (get(&pod_requests, "cpu"), get(&pod_limits, "cpu"));
        let (mem_req, mem_lim) = (get(&pod_requests, "memory"), get(&pod_limits, "memory"));
        w.write(
            1,
            &format!(
                "{}\t{}\t\t{} ({}%)\t{} ({}%)\t{} ({}%)\t{} ({}%)\t{}\n",
                s(&pod.metadata.namespace),
                s(&pod.metadata.name),
                cpu_req.canonical(),
                unguarded_percent(cpu_req.milli_value(), alloc_cpu),
                cpu_lim.canonical(),
                unguarded_percent(cpu_lim.milli_value(), alloc_cpu),
                mem_req.canonical(),
                unguarded_percent(mem_req.value(), alloc_memory),
                mem_lim.canonical(),
                unguarded_percent(mem_lim.value(), alloc_memory),
                since(
                    now_ms,
                    pod.metadata.creation_timestamp.as_ref().map(|t| &t.0)
                ),
            ),
        );
        add_list(&mut requests, &pod_requests);
        add_list(&mut limits, &pod_limits);
    }
    w.write(
        0,
        "Allocated resources:\n  (Total limits may be over 100 percent, i.e., overcommitted.)\n",
    );
    w.write(1, "Resource\tRequests\tLimits\n");
    w.write(1, "--------\t--------\t------\n");
    let total_row = |w: &mut TabWriter, name: &str, whole: i64, value: fn(&Quantity) -> i64| {
        let (req, lim) = (get(&requests, name), get(&limits, name));
        w.write(
            1,
            &format!(
                "{name}\t{} ({}%)\t{} ({}%)\n",
                req.canonical(),
                percent(value(&req), whole),
                lim.canonical(),
                percent(value(&lim), whole)
            ),
        );
    };
    total_row(w, "cpu", alloc_cpu, Quantity::milli_value);
    total_row(w, "memory", alloc_memory, Quantity::value);
    let alloc_storage = get(allocatable, "ephemeral-storage").value();
    total_row(w, "ephemeral-storage", alloc_storage, Quantity::value);
    for (name, size) in allocatable.iter().filter(|(n, _)| is_hugepages(n)) {
        total_row(w, name, size.value(), Quantity::value);
    }
    for name in allocatable.keys().filter(|n| is_extended(n)) {
        w.write(
            1,
            &format!(
                "{name}\t{}\t{}\n",
                get(&requests, name).canonical(),
                get(&limits, name).canonical()
            ),
        );
    }
}

/// `IsHugePageResourceName`.
fn is_hugepages(name: &str) -> bool {
    name.starts_with("hugepages-")
}

/// Neither a standard container resource (cpu, memory, ephemeral-storage, hugepages) nor `pods`.
fn is_extended(name: &str) -> bool {
    !is_hugepages(name) && !matches!(name, "cpu" | "memory" | "ephemeral-storage" | "pods")
}

/// A share in whole percent, truncated (Go's `int64(float64(part) / float64(whole) * 100)`), 0 for a
/// zero whole, as the totals guard it.
fn percent(part: i64, whole: i64) -> i64 {
    if whole == 0 {
        0
    } else {
        unguarded_percent(part, whole)
    }
}

/// [`percent`] without the guard, as each pod's row computes it: dividing by a zero whole gives NaN or
/// an infinity, which Go converts to the smallest int64 on amd64.
fn unguarded_percent(part: i64, whole: i64) -> i64 {
    if whole == 0 {
        return i64::MIN;
    }
    (part as f64 / whole as f64 * 100.0) as i64
}

/// A stored resource list as exact quantities (entries that do not parse, which validation refuses,
/// are left out).
fn parsed(
    list: Option<&BTreeMap<String, k8s_openapi::apimachinery::pkg::api::resource::Quantity>>,
) -> Resources {
    list.into_iter()
        .flatten()
        .filter_map(|(name, q)| Quantity::parse(&q.0).ok().map(|q| (name.clone(), q)))
        .collect()
}

/// `addResourceList`: each entry of `more` added to `into`'s entry of the same name.
fn add_list(into: &mut Resources, more: &Resources) {
    for (name, q) in more {
        into.entry(name.clone()).or_insert(Quantity::ZERO).add(q);
    }
}

/// `maxResourceList`: each entry of `more` replaces `into`'s when greater (or absent).
fn max_list(into: &mut Resources, more: &Resources) {
    for (name, q) in more {
        match into.get(name) {
            Some(current) if q.cmp_value(current).is_le() => {}
            _ => {
                into.insert(name.clone(), *q);
            }
        }
    }
}

/// Which of a container's lists to aggregate.
#[derive(Clone, Copy)]
enum Kind {
    Requests,
    Limits,
}

fn container_list(resources: Option<&ResourceRequirements>, kind: Kind) -> Resources {
    parsed(resources.and_then(|r| match kind {
        Kind::Requests => r.requests.as_ref(),
        Kind::Limits => r.limits.as_ref(),
    }))
}

/// `AggregateContainerRequests` / `AggregateContainerLimits`: the regular containers summed, each
/// sidecar (restartable init container) added to the sum, and the result raised to what each init
/// container needs while it runs (itself plus the sidecars started before it).
fn aggregate(pod: &Pod, kind: Kind) -> Resources {
    let mut total = Resources::new();
    let Some(spec) = pod.spec.as_ref() else {
        return total;
    };
    for container in &spec.containers {
        add_list(
            &mut total,
            &container_list(container.resources.as_ref(), kind),
        );
    }
    let mut sidecars = Resources::new();
    let mut init_max = Resources::new();
    for container in spec.init_containers.iter().flatten() {
        let own = container_list(container.resources.as_ref(), kind);
        let running = if container.restart_policy.as_deref() == Some("Always") {
            add_list(&mut total, &own);
            add_list(&mut sidecars, &own);
            sidecars.clone()
        } else {
            let mut with_sidecars = Resources::new();
            add_list(&mut with_sidecars, &own);
            add_list(&mut with_sidecars, &sidecars);
            with_sidecars
        };
        max_list(&mut init_max, &running);
    }
    max_list(&mut total, &init_max);
    total
}

/// `IsSupportedPodLevelResource`: cpu, memory and hugepages.
fn is_pod_level(name: &str) -> bool {
    matches!(name, "cpu" | "memory") || is_hugepages(name)
}

/// `PodRequests`: the containers' aggregate, with the pod-level requests (when any supported one is
/// set) replacing it for the resources they name, plus the pod overhead.
fn pod_requests(pod: &Pod) -> Resources {
    let mut requests = aggregate(pod, Kind::Requests);
    let Some(spec) = pod.spec.as_ref() else {
        return requests;
    };
    let pod_level = container_list(spec.resources.as_ref(), Kind::Requests);
    if pod_level.keys().any(|n| is_pod_level(n)) {
        for (name, q) in pod_level.into_iter().filter(|(n, _)| is_pod_level(n)) {
            requests.insert(name, q);
        }
    }
    add_list(&mut requests, &parsed(spec.overhead.as_ref()));
    requests
}

/// `PodLimits`: the containers' aggregate, with the pod-level limits (when the pod sets any supported
/// pod-level request or limit) replacing it for the resources they name; the overhead is added only to
/// non-zero limits.
fn pod_limits(pod: &Pod) -> Resources {
    let mut limits = aggregate(pod, Kind::Limits);
    let Some(spec) = pod.spec.as_ref() else {
        return limits;
    };
    let pod_limits = container_list(spec.resources.as_ref(), Kind::Limits);
    let pod_requests = container_list(spec.resources.as_ref(), Kind::Requests);
    if pod_limits
        .keys()
        .chain(pod_requests.keys())
        .any(|n| is_pod_level(n))
    {
        for (name, q) in pod_limits.into_iter().filter(|(n, _)| is_pod_level(n)) {
            limits.insert(name, q);
        }
    }
    for (name, overhead) in parsed(spec.overhead.as_ref()) {
        if let Some(limit) = limits.get_mut(&name).filter(|l| !l.is_zero()) {
            limit.add(&overhead);
        }
    }
    limits
}
