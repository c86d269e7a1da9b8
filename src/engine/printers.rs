//! What `kubectl get pods -o wide`, `kubectl get events` and `kubectl get nodes -o wide` print,
//! computed from API objects.
//!
//! Mirrors `pkg/printers/internalversion/printers.go` (`printPod`, `printEvent`, `printNode`, as of
//! v1.36), `k8s.io/apimachinery/pkg/util/duration.HumanDuration`, and the event ages of
//! `k8s.io/kubectl/pkg/describe.DescribeEvents`. Used by the CLI's text output and the UI.

use k8s_openapi::api::core::v1::{
    Container, ContainerStateTerminated, ContainerStatus, Event, Node, Pod, PodCondition,
};
use k8s_openapi::jiff::Timestamp;
use serde::Serialize;

use crate::engine::time::EPOCH_UNIX_SECONDS;

/// `duration.HumanDuration` (`k8s.io/apimachinery/pkg/util/duration`): `Ns` under 2m, `XmYs` under
/// 10m, `Xm` under 3h, `XhYm` under 8h, `Xh` under 48h, `XdYh` under 8d, `Xd` under 2y, then `XyYd` /
/// `Xy`. Whole seconds are truncated toward zero, as Go's `int(d.Seconds())`: a clock up to 1.999s
/// behind prints `0s`, and `<invalid>` starts at two seconds in the future.
pub fn human_duration(ms: i64) -> String {
    let seconds = ms / 1000;
    if seconds < -1 {
        return "<invalid>".into();
    }
    let seconds = seconds.max(0);
    if seconds < 60 * 2 {
        return format!("{seconds}s");
    }
    let minutes = seconds / 60;
    if minutes < 10 {
        let s = seconds % 60;
        return if s == 0 {
            format!("{minutes}m")
        } else {
            format!("{minutes}m{s}s")
        };
    }
    if minutes < 60 * 3 {
        return format!("{minutes}m");
    }
    let hours = minutes / 60;
    if hours < 8 {
        let m = minutes % 60;
        return if m == 0 {
            format!("{hours}h")
        } else {
            format!("{hours}h{m}m")
        };
    }
    if hours < 48 {
        return format!("{hours}h");
    }
    if hours < 24 * 8 {
        let h = hours % 24;
        let d = hours / 24;
        return if h == 0 {
            format!("{d}d")
        } else {
            format!("{d}d{h}h")
        };
    }
    if hours < 24 * 365 * 2 {
        return format!("{}d", hours / 24);
    }
    if hours < 24 * 365 * 8 {
        let dy = (hours / 24) % 365;
        let y = hours / 24 / 365;
        return if dy == 0 {
            format!("{y}y")
        } else {
            format!("{y}y{dy}d")
        };
    }
    format!("{}y", hours / 24 / 365)
}

/// The `kubectl get pods -o wide` header.
pub const POD_COLUMNS: [&str; 9] = [
    "NAME",
    "READY",
    "STATUS",
    "RESTARTS",
    "AGE",
    "IP",
    "NODE",
    "NOMINATED NODE",
    "READINESS GATES",
];

/// The `kubectl get events` header.
pub const EVENT_COLUMNS: [&str; 5] = ["LAST SEEN", "TYPE", "REASON", "OBJECT", "MESSAGE"];

/// The `kubectl get events -o wide` header.
pub const EVENT_WIDE_COLUMNS: [&str; 10] = [
    "LAST SEEN",
    "TYPE",
    "REASON",
    "OBJECT",
    "SUBOBJECT",
    "SOURCE",
    "MESSAGE",
    "FIRST SEEN",
    "COUNT",
    "NAME",
];

/// One row of `kubectl get pods -o wide`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PodRow {
    pub name: String,
    pub namespace: String,
    pub ready: String,
    pub status: String,
    pub restarts: String,
    pub age: String,
    pub ip: String,
    pub node: String,
    pub nominated_node: String,
    pub readiness_gates: String,
}

impl PodRow {
    /// The row's cells in [`POD_COLUMNS`] order.
    pub fn cells(&self) -> [&str; 9] {
        [
            &self.name,
            &self.ready,
            &self.status,
            &self.restarts,
            &self.age,
            &self.ip,
            &self.node,
            &self.nominated_node,
            &self.readiness_gates,
        ]
    }
}

/// `time.Time.IsZero` for a `metav1.Time`: January 1, year 1, 00:00:00 UTC (how Go decodes a zero
/// timestamp; an absent one is `None`).
fn is_zero(t: &Timestamp) -> bool {
    t.as_second() == -62_135_596_800 && t.subsec_nanosecond() == 0
}

/// `time.Since(t)` at virtual time `now_ms`, in milliseconds truncated toward zero (which
/// [`human_duration`] truncates further to whole seconds, as Go's `int(d.Seconds())` does).
fn elapsed_ms(now_ms: u64, t: &Timestamp) -> i64 {
    let now_ns = (i128::from(EPOCH_UNIX_SECONDS) * 1000 + i128::from(now_ms)) * 1_000_000;
    let ms = (now_ns - t.as_nanosecond()) / 1_000_000;
    i64::try_from(ms).unwrap_or(if ms < 0 { i64::MIN } else { i64::MAX })
}

/// `translateTimestampSince` / `translateMicroTimestampSince`: `<unknown>` for a zero (absent)
/// timestamp, else [`human_duration`] of the time since it.
pub fn since(now_ms: u64, t: Option<&Timestamp>) -> String {
    match t.filter(|t| !is_zero(t)) {
        Some(t) => human_duration(elapsed_ms(now_ms, t)),
        None => "<unknown>".into(),
    }
}

/// `podutil.IsRestartableInitContainer`: an init container with `restartPolicy: Always` (a sidecar).
fn is_restartable_init(container: Option<&Container>) -> bool {
    container.and_then(|c| c.restart_policy.as_deref()) == Some("Always")
}

/// `lastRestartDate.Before(&finishedAt)` then assign: keeps the later of the two, where an absent
/// (zero) `finishedAt` never wins.
fn keep_later(latest: &mut Option<Timestamp>, candidate: Option<&Timestamp>) {
    if let Some(t) = candidate.filter(|t| !is_zero(t)) {
        if latest.is_none_or(|l| l < *t) {
            *latest = Some(*t);
        }
    }
}

/// When a container's previous run finished: `lastState.terminated.finishedAt`.
fn last_finished_at(status: &ContainerStatus) -> Option<&Timestamp> {
    status
        .last_state
        .as_ref()
        .and_then(|s| s.terminated.as_ref())
        .and_then(|t| t.finished_at.as_ref())
        .map(|t| &t.0)
}

/// A terminated container's word: its reason, else `Signal:N`, else `ExitCode:N` (both loops of
/// `printPod`; the init loop prefixes `Init:`).
fn terminated_word(t: &ContainerStateTerminated) -> String {
    match t.reason.as_deref().filter(|r| !r.is_empty()) {
        Some(r) => r.to_string(),
        None => match t.signal.filter(|s| *s != 0) {
            Some(sig) => format!("Signal:{sig}"),
            None => format!("ExitCode:{}", t.exit_code),
        },
    }
}

/// `hasPodReadyCondition`: some `Ready` condition is `True`.
fn has_pod_ready_condition(conditions: &[PodCondition]) -> bool {
    conditions
        .iter()
        .any(|c| c.type_ == "Ready" && c.status == "True")
}

/// `isPodInitializedConditionTrue`: the first `Initialized` condition is `True`.
fn is_pod_initialized_condition_true(conditions: &[PodCondition]) -> bool {
    conditions
        .iter()
        .find(|c| c.type_ == "Initialized")
        .is_some_and(|c| c.status == "True")
}

/// What `printPod` works out for the READY, STATUS and RESTARTS columns.
struct PodSummary {
    ready: usize,
    total: usize,
    reason: String,
    restarts: i64,
    last_restart: Option<Timestamp>,
}

/// The body of `printPod` (`pkg/printers/internalversion/printers.go`, v1.36) up to formatting:
///
/// * STATUS starts as `status.reason` or the phase, `SchedulingGated` for a gated pod;
/// * init containers in status order: exited 0 or started sidecars are passed (a ready sidecar counts
///   towards READY); the first other one gives `Init:<reason>`, `Init:Signal:N`, `Init:ExitCode:N`,
///   `Init:<waiting reason>` (not `PodInitializing`) or `Init:i/N`, and stops the loop;
/// * unless still initializing (without `Initialized=True`), containers from the last to the first:
///   a waiting reason, else a terminated word, else ready-and-running counts towards READY;
///   `Completed` becomes `Running` (some container ready and running, and `Ready=True`), else the
///   first failed container's word (non-zero exit), else `NotReady` (some container running);
/// * a deletion timestamp gives `Unknown` for `status.reason: NodeLost`, else `Terminating` unless the
///   phase is `Succeeded` / `Failed`;
/// * RESTARTS counts the init containers looked at while initializing, else the sidecars looked at
///   plus every container; the latest `lastState.terminated.finishedAt` among them is the restart date.
fn summarize(pod: &Pod) -> PodSummary {
    let spec = pod.spec.as_ref();
    let status = pod.status.as_ref();
    let phase = status.and_then(|s| s.phase.as_deref()).unwrap_or_default();
    let mut reason = phase.to_string();
    if let Some(r) = status
        .and_then(|s| s.reason.as_deref())
        .filter(|r| !r.is_empty())
    {
        reason = r.to_string();
    }
    let conditions = status
        .and_then(|s| s.conditions.as_deref())
        .unwrap_or_default();
    if conditions
        .iter()
        .any(|c| c.type_ == "PodScheduled" && c.reason.as_deref() == Some("SchedulingGated"))
    {
        reason = "SchedulingGated".into();
    }

    let init_containers = spec
        .and_then(|s| s.init_containers.as_deref())
        .unwrap_or_default();
    // Upstream indexes the spec's init containers by name in a map: a repeated name keeps the last.
    let init_container = |name: &str| -> Option<&Container> {
        init_containers.iter().rev().find(|c| c.name == name)
    };
    let total = spec.map_or(0, |s| s.containers.len())
        + init_containers
            .iter()
            .filter(|c| is_restartable_init(Some(c)))
            .count();

    let mut ready = 0;
    let mut restarts: i64 = 0;
    let mut sidecar_restarts: i64 = 0;
    let mut last_restart = None;
    let mut last_sidecar_restart = None;
    let mut initializing = false;
    let init_statuses = status
        .and_then(|s| s.init_container_statuses.as_deref())
        .unwrap_or_default();
    for (i, cs) in init_statuses.iter().enumerate() {
        restarts += i64::from(cs.restart_count);
        keep_later(&mut last_restart, last_finished_at(cs));
        let sidecar = is_restartable_init(init_container(&cs.name));
        if sidecar {
            sidecar_restarts += i64::from(cs.restart_count);
            keep_later(&mut last_sidecar_restart, last_finished_at(cs));
        }
        let state = cs.state.as_ref();
        let terminated = state.and_then(|s| s.terminated.as_ref());
        if terminated.is_some_and(|t| t.exit_code == 0) {
            continue;
        }
        if sidecar && cs.started == Some(true) {
            if cs.ready {
                ready += 1;
            }
            continue;
        }
        let waiting = state
            .and_then(|s| s.waiting.as_ref())
            .and_then(|w| w.reason.as_deref())
            .filter(|r| !r.is_empty() && *r != "PodInitializing");
        reason = match (terminated, waiting) {
            (Some(t), _) => format!("Init:{}", terminated_word(t)),
            (None, Some(w)) => format!("Init:{w}"),
            (None, None) => format!("Init:{i}/{}", init_containers.len()),
        };
        initializing = true;
        break;
    }

    if !initializing || is_pod_initialized_condition_true(conditions) {
        restarts = sidecar_restarts;
        last_restart = last_sidecar_restart;
        let mut has_running = false;
        let mut error_reason = None;
        let statuses = status
            .and_then(|s| s.container_statuses.as_deref())
            .unwrap_or_default();
        for cs in statuses.iter().rev() {
            restarts += i64::from(cs.restart_count);
            keep_later(&mut last_restart, last_finished_at(cs));
            let state = cs.state.as_ref();
            if let Some(w) = state
                .and_then(|s| s.waiting.as_ref())
                .and_then(|w| w.reason.as_deref())
                .filter(|r| !r.is_empty())
            {
                reason = w.to_string();
            } else if let Some(t) = state.and_then(|s| s.terminated.as_ref()) {
                reason = terminated_word(t);
                if t.exit_code != 0 {
                    error_reason = Some(reason.clone());
                }
            } else if cs.ready && state.is_some_and(|s| s.running.is_some()) {
                has_running = true;
                ready += 1;
            }
        }
        if reason == "Completed" {
            if has_running && has_pod_ready_condition(conditions) {
                reason = "Running".into();
            } else if let Some(error) = error_reason {
                reason = error;
            } else if has_running {
                reason = "NotReady".into();
            }
        }
    }

    if pod.metadata.deletion_timestamp.is_some() {
        if status.and_then(|s| s.reason.as_deref()) == Some("NodeLost") {
            reason = "Unknown".into();
        } else if phase != "Succeeded" && phase != "Failed" {
            reason = "Terminating".into();
        }
    }
    PodSummary {
        ready,
        total,
        reason,
        restarts,
        last_restart,
    }
}

/// The STATUS column of `kubectl get pods` (`printPod`'s reason; see [`pod_row`]).
pub fn pod_status(pod: &Pod) -> String {
    summarize(pod).reason
}

/// The row `kubectl get pods -o wide` prints for `pod` at virtual time `now_ms` (`printPod` with
/// `Wide: true`). READY counts ready-and-running containers plus started ready sidecars over the
/// containers plus sidecars; RESTARTS is `N` or `N (<age> ago)` from the latest previous run's end;
/// IP is `podIP` (the first of `podIPs` when unset, as the v1-to-internal conversion fills it);
/// READINESS GATES counts the gates whose first condition of that type is `True`.
pub fn pod_row(pod: &Pod, now_ms: u64) -> PodRow {
    let summary = summarize(pod);
    let spec = pod.spec.as_ref();
    let status = pod.status.as_ref();
    let restarts = match summary.last_restart {
        Some(t) if summary.restarts != 0 => {
            format!("{} ({} ago)", summary.restarts, since(now_ms, Some(&t)))
        }
        _ => summary.restarts.to_string(),
    };
    let gates = spec
        .and_then(|s| s.readiness_gates.as_deref())
        .unwrap_or_default();
    let readiness_gates = if gates.is_empty() {
        "<none>".into()
    } else {
        let conditions = status
            .and_then(|s| s.conditions.as_deref())
            .unwrap_or_default();
        let true_count = gates
            .iter()
            .filter(|g| {
                conditions
                    .iter()
                    .find(|c| c.type_ == g.condition_type)
                    .is_some_and(|c| c.status == "True")
            })
            .count();
        format!("{true_count}/{}", gates.len())
    };
    let ip = status
        .and_then(|s| {
            s.pod_ip
                .as_deref()
                .filter(|ip| !ip.is_empty())
                .or_else(|| s.pod_ips.as_ref()?.first().map(|p| p.ip.as_str()))
        })
        .filter(|ip| !ip.is_empty())
        .unwrap_or("<none>");
    let or_none = |s: Option<&str>| s.filter(|s| !s.is_empty()).unwrap_or("<none>").to_string();
    PodRow {
        name: pod.metadata.name.clone().unwrap_or_default(),
        namespace: pod.metadata.namespace.clone().unwrap_or_default(),
        ready: format!("{}/{}", summary.ready, summary.total),
        status: summary.reason,
        restarts,
        age: since(
            now_ms,
            pod.metadata.creation_timestamp.as_ref().map(|t| &t.0),
        ),
        ip: ip.to_string(),
        node: or_none(spec.and_then(|s| s.node_name.as_deref())),
        nominated_node: or_none(status.and_then(|s| s.nominated_node_name.as_deref())),
        readiness_gates,
    }
}

/// One row of `kubectl get events` (LAST SEEN, TYPE, REASON, OBJECT, MESSAGE), with the columns
/// `-o wide` adds (SUBOBJECT, SOURCE, FIRST SEEN, COUNT, NAME).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct EventRow {
    pub last_seen: String,
    pub event_type: String,
    pub reason: String,
    pub object: String,
    pub message: String,
    pub subobject: String,
    pub source: String,
    pub first_seen: String,
    pub count: String,
    pub name: String,
}

impl EventRow {
    /// The row's cells in [`EVENT_COLUMNS`] order.
    pub fn cells(&self) -> [&str; 5] {
        [
            &self.last_seen,
            &self.event_type,
            &self.reason,
            &self.object,
            &self.message,
        ]
    }

    /// The row's cells in [`EVENT_WIDE_COLUMNS`] order.
    pub fn wide_cells(&self) -> [&str; 10] {
        [
            &self.last_seen,
            &self.event_type,
            &self.reason,
            &self.object,
            &self.subobject,
            &self.source,
            &self.message,
            &self.first_seen,
            &self.count,
            &self.name,
        ]
    }
}

/// Go's `strings.ToLower`: each character on its own, one character for one (no final-sigma rule, and
/// `İ` becomes `i`, where Rust's `to_lowercase` would differ).
fn go_lower(s: &str) -> String {
    s.chars()
        .map(|c| c.to_lowercase().next().unwrap_or(c))
        .collect()
}

/// `formatEventSource`: the source component (else `reportingController`), then `, ` and the source
/// host (else `reportingInstance`) when there is one.
fn event_source(event: &Event) -> String {
    let first_non_empty = |a: Option<&str>, b: Option<&str>| {
        a.filter(|s| !s.is_empty())
            .or(b.filter(|s| !s.is_empty()))
            .unwrap_or_default()
            .to_string()
    };
    let source = event.source.as_ref();
    let component = first_non_empty(
        source.and_then(|s| s.component.as_deref()),
        event.reporting_component.as_deref(),
    );
    let instance = first_non_empty(
        source.and_then(|s| s.host.as_deref()),
        event.reporting_instance.as_deref(),
    );
    if instance.is_empty() {
        component
    } else {
        format!("{component}, {instance}")
    }
}

/// The row `kubectl get events` prints for `event` at virtual time `now_ms` (`printEvent`):
///
/// * FIRST SEEN: since `firstTimestamp`, else since `eventTime` (`<unknown>` when neither is set);
/// * LAST SEEN: since the series' `lastObservedTime` for a series, else since `lastTimestamp`, else
///   FIRST SEEN;
/// * COUNT: the series' count, else `count`, else 1 (a singleton events/v1 event);
/// * OBJECT: `<kind in lower case>/<name>`, just the kind when the name is empty;
/// * MESSAGE: trimmed of surrounding white space.
pub fn event_row(event: &Event, now_ms: u64) -> EventRow {
    let io = &event.involved_object;
    let first_seen = match event.first_timestamp.as_ref().filter(|t| !is_zero(&t.0)) {
        Some(t) => since(now_ms, Some(&t.0)),
        None => since(now_ms, event.event_time.as_ref().map(|t| &t.0)),
    };
    let mut last_seen = match event.last_timestamp.as_ref().filter(|t| !is_zero(&t.0)) {
        Some(t) => since(now_ms, Some(&t.0)),
        None => first_seen.clone(),
    };
    let mut count = event.count.unwrap_or(0);
    if let Some(series) = &event.series {
        last_seen = since(now_ms, series.last_observed_time.as_ref().map(|t| &t.0));
        count = series.count.unwrap_or(0);
    } else if count == 0 {
        count = 1;
    }
    let kind = go_lower(io.kind.as_deref().unwrap_or_default());
    let object = match io.name.as_deref().filter(|n| !n.is_empty()) {
        Some(name) => format!("{kind}/{name}"),
        None => kind,
    };
    EventRow {
        last_seen,
        event_type: event.type_.clone().unwrap_or_default(),
        reason: event.reason.clone().unwrap_or_default(),
        object,
        message: event
            .message
            .as_deref()
            .unwrap_or_default()
            .trim()
            .to_string(),
        subobject: io.field_path.clone().unwrap_or_default(),
        source: event_source(event),
        first_seen,
        count: count.to_string(),
        name: event.metadata.name.clone().unwrap_or_default(),
    }
}

/// The Age column of `kubectl describe`'s Events (`DescribeEvents` in `k8s.io/kubectl/pkg/describe`):
/// since `eventTime` (else `firstTimestamp`), or `<last> (xN over <first>)` for a series (its
/// `lastObservedTime` and count) or a legacy event with `count` above 1 (its `lastTimestamp`).
pub fn describe_event_age(event: &Event, now_ms: u64) -> String {
    let first = match event.event_time.as_ref().filter(|t| !is_zero(&t.0)) {
        Some(t) => since(now_ms, Some(&t.0)),
        None => since(now_ms, event.first_timestamp.as_ref().map(|t| &t.0)),
    };
    if let Some(series) = &event.series {
        let last = since(now_ms, series.last_observed_time.as_ref().map(|t| &t.0));
        return format!("{last} (x{} over {first})", series.count.unwrap_or(0));
    }
    let count = event.count.unwrap_or(0);
    if count > 1 {
        let last = since(now_ms, event.last_timestamp.as_ref().map(|t| &t.0));
        return format!("{last} (x{count} over {first})");
    }
    first
}

/// The time `kubectl describe` orders events by (`SortableEvents`' `eventTime`): a series' last
/// observation, else `lastTimestamp`, else `eventTime`. `None` sorts first, as Go's zero time does.
pub fn describe_sort_time(event: &Event) -> Option<Timestamp> {
    if let Some(series) = &event.series {
        return series.last_observed_time.as_ref().map(|t| t.0);
    }
    match event.last_timestamp.as_ref().filter(|t| !is_zero(&t.0)) {
        Some(t) => Some(t.0),
        None => event.event_time.as_ref().map(|t| t.0),
    }
}

/// The `kubectl get nodes -o wide` header.
pub const NODE_COLUMNS: [&str; 10] = [
    "NAME",
    "STATUS",
    "ROLES",
    "AGE",
    "VERSION",
    "INTERNAL-IP",
    "EXTERNAL-IP",
    "OS-IMAGE",
    "KERNEL-VERSION",
    "CONTAINER-RUNTIME",
];

/// One row of `kubectl get nodes -o wide`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct NodeRow {
    pub name: String,
    pub status: String,
    pub roles: String,
    pub age: String,
    pub version: String,
    pub internal_ip: String,
    pub external_ip: String,
    pub os_image: String,
    pub kernel_version: String,
    pub container_runtime: String,
}

impl NodeRow {
    /// The row's cells in [`NODE_COLUMNS`] order (`kubectl get nodes` prints the first five).
    pub fn cells(&self) -> [&str; 10] {
        [
            &self.name,
            &self.status,
            &self.roles,
            &self.age,
            &self.version,
            &self.internal_ip,
            &self.external_ip,
            &self.os_image,
            &self.kernel_version,
            &self.container_runtime,
        ]
    }
}

/// `findNodeRoles`: the sorted, distinct roles named by `node-role.kubernetes.io/<role>` label keys
/// and by a non-empty `kubernetes.io/role` label value.
pub(crate) fn node_roles(node: &Node) -> Vec<String> {
    let mut roles = std::collections::BTreeSet::new();
    for (key, value) in node.metadata.labels.iter().flatten() {
        if let Some(role) = key.strip_prefix("node-role.kubernetes.io/") {
            if !role.is_empty() {
                roles.insert(role.to_string());
            }
        } else if key == "kubernetes.io/role" && !value.is_empty() {
            roles.insert(value.clone());
        }
    }
    roles.into_iter().collect()
}

/// The row `kubectl get nodes -o wide` prints for `node` at virtual time `now_ms` (`printNode`):
/// STATUS is `Ready` / `NotReady` from the last `Ready` condition (`Unknown` without one), then
/// `SchedulingDisabled` for a cordoned node; ROLES `<none>` without roles; the first `InternalIP` and
/// `ExternalIP` addresses (`<none>`); `<unknown>` for an empty OS image, kernel or runtime version.
pub fn node_row(node: &Node, now_ms: u64) -> NodeRow {
    let status = node.status.as_ref();
    // Upstream keys the conditions by type in a map: the last condition of a type wins.
    let ready = status
        .and_then(|s| s.conditions.as_deref())
        .unwrap_or_default()
        .iter()
        .rev()
        .find(|c| c.type_ == "Ready");
    let mut words = vec![match ready {
        Some(c) if c.status == "True" => "Ready",
        Some(_) => "NotReady",
        None => "Unknown",
    }];
    if node.spec.as_ref().and_then(|s| s.unschedulable) == Some(true) {
        words.push("SchedulingDisabled");
    }
    let roles = node_roles(node).join(",");
    let address = |kind: &str| {
        status
            .and_then(|s| s.addresses.as_deref())
            .unwrap_or_default()
            .iter()
            .find(|a| a.type_ == kind)
            .map_or_else(|| "<none>".to_string(), |a| a.address.clone())
    };
    let info = status.and_then(|s| s.node_info.as_ref());
    let or_unknown = |s: Option<&String>| {
        s.filter(|s| !s.is_empty())
            .map_or_else(|| "<unknown>".to_string(), String::clone)
    };
    // Since v1.35 the kernel column also names the architecture (kubernetes#132402).
    let mut kernel_version = or_unknown(info.map(|i| &i.kernel_version));
    if let Some(arch) = info.map(|i| &i.architecture).filter(|a| !a.is_empty()) {
        kernel_version = format!("{kernel_version} ({arch})");
    }
    NodeRow {
        name: node.metadata.name.clone().unwrap_or_default(),
        status: words.join(","),
        roles: if roles.is_empty() {
            "<none>".into()
        } else {
            roles
        },
        age: since(
            now_ms,
            node.metadata.creation_timestamp.as_ref().map(|t| &t.0),
        ),
        version: info.map(|i| i.kubelet_version.clone()).unwrap_or_default(),
        internal_ip: address("InternalIP"),
        external_ip: address("ExternalIP"),
        os_image: or_unknown(info.map(|i| &i.os_image)),
        kernel_version,
        container_runtime: or_unknown(info.map(|i| &i.container_runtime_version)),
    }
}

/// The `kubectl get deployments` header.
pub const DEPLOYMENT_COLUMNS: [&str; 5] = ["NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE"];

/// The row `kubectl get deployments` prints (`printDeployment`): READY is ready/desired, UP-TO-DATE
/// and AVAILABLE the status counts (0 when unset).
pub fn deployment_row(
    deployment: &k8s_openapi::api::apps::v1::Deployment,
    now_ms: u64,
) -> Vec<String> {
    let status = deployment.status.clone().unwrap_or_default();
    let desired = deployment
        .spec
        .as_ref()
        .and_then(|s| s.replicas)
        .unwrap_or(0);
    vec![
        deployment.metadata.name.clone().unwrap_or_default(),
        format!("{}/{desired}", status.ready_replicas.unwrap_or(0)),
        status.updated_replicas.unwrap_or(0).to_string(),
        status.available_replicas.unwrap_or(0).to_string(),
        since(
            now_ms,
            deployment
                .metadata
                .creation_timestamp
                .as_ref()
                .map(|t| &t.0),
        ),
    ]
}

/// The `kubectl get replicasets` header.
pub const REPLICA_SET_COLUMNS: [&str; 5] = ["NAME", "DESIRED", "CURRENT", "READY", "AGE"];

/// The row `kubectl get replicasets` prints (`printReplicaSet`): DESIRED is `spec.replicas`, CURRENT
/// and READY the status counts.
pub fn replica_set_row(rs: &k8s_openapi::api::apps::v1::ReplicaSet, now_ms: u64) -> Vec<String> {
    let status = rs.status.clone().unwrap_or_default();
    vec![
        rs.metadata.name.clone().unwrap_or_default(),
        rs.spec
            .as_ref()
            .and_then(|s| s.replicas)
            .unwrap_or(0)
            .to_string(),
        status.replicas.to_string(),
        status.ready_replicas.unwrap_or(0).to_string(),
        since(
            now_ms,
            rs.metadata.creation_timestamp.as_ref().map(|t| &t.0),
        ),
    ]
}

/// The `kubectl get poddisruptionbudgets` header.
pub const PDB_COLUMNS: [&str; 5] = [
    "NAME",
    "MIN AVAILABLE",
    "MAX UNAVAILABLE",
    "ALLOWED DISRUPTIONS",
    "AGE",
];

/// The row `kubectl get pdb` prints (`printPodDisruptionBudget`): each budget as written, `N/A` when
/// it is not set, and the status's allowed disruptions.
pub fn pdb_row(
    pdb: &k8s_openapi::api::policy::v1::PodDisruptionBudget,
    now_ms: u64,
) -> Vec<String> {
    use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
    let budget = |value: Option<&IntOrString>| match value {
        Some(IntOrString::Int(n)) => n.to_string(),
        Some(IntOrString::String(s)) => s.clone(),
        None => "N/A".into(),
    };
    let spec = pdb.spec.as_ref();
    vec![
        pdb.metadata.name.clone().unwrap_or_default(),
        budget(spec.and_then(|s| s.min_available.as_ref())),
        budget(spec.and_then(|s| s.max_unavailable.as_ref())),
        pdb.status
            .as_ref()
            .and_then(|s| s.disruptions_allowed)
            .unwrap_or(0)
            .to_string(),
        since(
            now_ms,
            pdb.metadata.creation_timestamp.as_ref().map(|t| &t.0),
        ),
    ]
}

/// Formats rows as kubectl does: columns padded to their widest cell, separated by three spaces.
pub fn table(header: &[&str], rows: &[Vec<String>]) -> String {
    let mut widths: Vec<usize> = header.iter().map(|h| h.len()).collect();
    for row in rows {
        for (i, cell) in row.iter().enumerate() {
            if let Some(w) = widths.get_mut(i) {
                *w = (*w).max(cell.chars().count());
            }
        }
    }
    let mut out = String::new();
    let line = |cells: Vec<String>, out: &mut String| {
        let n = cells.len();
        for (i, cell) in cells.into_iter().enumerate() {
            if i + 1 == n {
                out.push_str(&cell);
            } else {
                let width = widths.get(i).copied().unwrap_or(0);
                let pad = width.saturating_sub(cell.chars().count()) + 3;
                out.push_str(&cell);
                out.push_str(&" ".repeat(pad));
            }
        }
        out.push('\n');
    };
    line(header.iter().map(|h| h.to_string()).collect(), &mut out);
    for row in rows {
        line(row.clone(), &mut out);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{json, Value};

    /// `duration.HumanDuration`'s thresholds, plus upstream's `TestTranslateTimestampSince` cases
    /// (a timestamp 1.9s in the future is "almost now", 2.1s is `<invalid>`).
    #[test]
    fn should_print_durations_as_human_duration_does() {
        let s = 1000;
        let cases = [
            ("now", 0, "0s"),
            ("under two minutes in seconds", 119 * s, "119s"),
            ("two minutes", 120 * s, "2m"),
            ("minutes and seconds under ten minutes", 150 * s, "2m30s"),
            ("thirty seconds ago", 30 * s, "30s"),
            ("five minutes ago", 300 * s, "5m"),
            ("ten minutes", 10 * 60 * s, "10m"),
            ("an hour and forty minutes ago", 6000 * s, "100m"),
            ("minutes under three hours", 179 * 60 * s, "179m"),
            ("three hours", 3 * 3600 * s, "3h"),
            (
                "hours and minutes under eight hours",
                3 * 3600 * s + 30 * 60 * s,
                "3h30m",
            ),
            ("eight hours", 8 * 3600 * s, "8h"),
            ("hours under two days", 47 * 3600 * s, "47h"),
            ("two days", 48 * 3600 * s, "2d"),
            ("days and hours under eight days", 49 * 3600 * s, "2d1h"),
            ("eight days", 8 * 24 * 3600 * s, "8d"),
            ("ninety days", 90 * 24 * 3600 * s, "90d"),
            ("two years", 2 * 365 * 24 * 3600 * s, "2y"),
            ("years and days", (3 * 365 + 10) * 24 * 3600 * s, "3y10d"),
            ("ten years", 10 * 365 * 24 * 3600 * s, "10y"),
            ("almost now, 1.9s in the future", -1900, "0s"),
            ("one second in the future", -1000, "0s"),
            ("a while from now, 2.1s in the future", -2100, "<invalid>"),
            ("five seconds in the future", -5 * s, "<invalid>"),
        ];
        for (name, ms, want) in cases {
            assert_eq!(human_duration(ms), want, "{name}: {ms}ms");
        }
    }

    /// The virtual time the printer tests print at: 30 days in, so timestamps up to 20 days back fit.
    const NOW: u64 = 30 * 24 * 3600 * 1000;

    /// A `metav1.Time` `seconds` before [`NOW`], as JSON.
    fn ago(seconds: u64) -> Value {
        serde_json::to_value(crate::engine::time::meta_time(NOW - seconds * 1000)).unwrap()
    }

    /// `n` containers with no fields set (upstream's `make([]api.Container, n)`).
    fn unnamed(n: usize) -> Value {
        Value::Array(vec![json!({"name": ""}); n])
    }

    /// A container status that restarted `restarts` times, the last run ending `seconds` ago.
    fn restarted(restarts: i32, seconds: u64, state: Value, ready: bool) -> Value {
        json!({"ready": ready, "restartCount": restarts, "state": state,
               "lastState": {"terminated": {"exitCode": 0, "finishedAt": ago(seconds)}}})
    }

    fn pod(json: Value) -> Pod {
        serde_json::from_value(json).unwrap()
    }

    /// One pod and the row `kubectl get pods -o wide` prints for it at [`NOW`].
    struct PodCase {
        name: &'static str,
        pod: Value,
        row: [&'static str; 9],
    }

    fn check_pod_rows(cases: Vec<PodCase>) {
        for case in cases {
            let pod = pod(case.pod);
            let row = pod_row(&pod, NOW);
            assert_eq!(row.cells(), case.row, "{}", case.name);
            assert_eq!(pod_status(&pod), case.row[2], "{}: pod_status", case.name);
        }
    }

    /// A narrow row (`kubectl get pods`): the wide columns print `<none>`.
    fn narrow(
        name: &'static str,
        ready: &'static str,
        status: &'static str,
        restarts: &'static str,
    ) -> [&'static str; 9] {
        [
            name,
            ready,
            status,
            restarts,
            "<unknown>",
            "<none>",
            "<none>",
            "<none>",
            "<none>",
        ]
    }

    /// Upstream's `TestPrintPod` cases, and the v1.35 error-over-Completed rule (kubernetes#124766).
    #[test]
    fn should_print_pod_rows_as_print_pod_does() {
        let running = json!({"running": {}});
        let cases = vec![
            PodCase {
                name: "restarts add up; a ready container counts only when running",
                pod: json!({"metadata": {"name": "test1"}, "spec": {"containers": unnamed(2)},
                    "status": {"phase": "podPhase", "containerStatuses": [
                        {"ready": true, "restartCount": 3, "state": running},
                        {"restartCount": 3}]}}),
                row: narrow("test1", "1/2", "podPhase", "6"),
            },
            PodCase {
                name: "a container's waiting reason overrides the phase",
                pod: json!({"metadata": {"name": "test2"}, "spec": {"containers": unnamed(2)},
                    "status": {"phase": "podPhase", "containerStatuses": [
                        {"ready": true, "restartCount": 3, "state": running},
                        {"restartCount": 3, "state": {"waiting": {"reason": "ContainerWaitingReason"}}}]}}),
                row: narrow("test2", "1/2", "ContainerWaitingReason", "6"),
            },
            PodCase {
                name: "the first container's reason wins over a later terminated one",
                pod: json!({"metadata": {"name": "test3"}, "spec": {"containers": unnamed(2)},
                    "status": {"phase": "podPhase", "containerStatuses": [
                        {"restartCount": 3, "state": {"waiting": {"reason": "ContainerWaitingReason"}}},
                        {"restartCount": 3, "state": {"terminated": {"exitCode": 0, "reason": "ContainerTerminatedReason"}}}]}}),
                row: narrow("test3", "0/2", "ContainerWaitingReason", "6"),
            },
            PodCase {
                name: "ready without a running state is not counted as ready",
                pod: json!({"metadata": {"name": "test4"}, "spec": {"containers": unnamed(2)},
                    "status": {"phase": "podPhase", "containerStatuses": [
                        {"ready": true, "restartCount": 3, "state": running},
                        {"ready": true, "restartCount": 3}]}}),
                row: narrow("test4", "1/2", "podPhase", "6"),
            },
            PodCase {
                name: "status.reason overrides the phase",
                pod: json!({"metadata": {"name": "test5"}, "spec": {"containers": unnamed(2)},
                    "status": {"phase": "podPhase", "reason": "podReason", "containerStatuses": [
                        {"ready": true, "restartCount": 3, "state": running},
                        {"ready": true, "restartCount": 3}]}}),
                row: narrow("test5", "1/2", "podReason", "6"),
            },
            PodCase {
                name: "Completed with a running container and no Ready condition is NotReady",
                pod: json!({"metadata": {"name": "test6"}, "spec": {"containers": unnamed(2)},
                    "status": {"phase": "Running", "containerStatuses": [
                        {"ready": true, "restartCount": 3, "state": {"terminated": {"exitCode": 0, "reason": "Completed"}}},
                        {"ready": true, "restartCount": 3, "state": running}]}}),
                row: narrow("test6", "1/2", "NotReady", "6"),
            },
            PodCase {
                name: "Completed with a running container and Ready=True is Running",
                pod: json!({"metadata": {"name": "test6"}, "spec": {"containers": unnamed(2)},
                    "status": {"phase": "Running",
                        "conditions": [{"type": "Ready", "status": "True"}],
                        "containerStatuses": [
                        {"ready": true, "restartCount": 3, "state": {"terminated": {"exitCode": 0, "reason": "Completed"}}},
                        {"ready": true, "restartCount": 3, "state": running}]}}),
                row: narrow("test6", "1/2", "Running", "6"),
            },
            PodCase {
                name: "a restarting init container counts its restarts, with when it last ended",
                pod: json!({"metadata": {"name": "test7"},
                    "spec": {"initContainers": unnamed(1), "containers": unnamed(1)},
                    "status": {"phase": "podPhase",
                        "initContainerStatuses": [restarted(3, 10, running.clone(), false)],
                        "containerStatuses": [{"state": {"waiting": {}}}]}}),
                row: narrow("test7", "0/1", "Init:0/1", "3 (10s ago)"),
            },
            PodCase {
                name: "the first of two init containers restarting",
                pod: json!({"metadata": {"name": "test8"},
                    "spec": {"initContainers": unnamed(2), "containers": unnamed(1)},
                    "status": {"phase": "podPhase",
                        "initContainerStatuses": [restarted(3, 10, running.clone(), false), {"state": {"waiting": {}}}],
                        "containerStatuses": [{"state": {"waiting": {}}}]}}),
                row: narrow("test8", "0/1", "Init:0/2", "3 (10s ago)"),
            },
            PodCase {
                name: "the first init container done, the second restarting",
                pod: json!({"metadata": {"name": "test9"},
                    "spec": {"initContainers": unnamed(2), "containers": unnamed(1)},
                    "status": {"phase": "podPhase",
                        "initContainerStatuses": [{"state": {"terminated": {"exitCode": 0}}},
                            restarted(3, 10, running.clone(), false)],
                        "containerStatuses": [{"state": {"waiting": {}}}]}}),
                row: narrow("test9", "0/1", "Init:1/2", "3 (10s ago)"),
            },
            PodCase {
                name: "restarts of a done init container add to the running one's, the latest end shown",
                pod: json!({"metadata": {"name": "test10"},
                    "spec": {"initContainers": unnamed(2), "containers": unnamed(1)},
                    "status": {"phase": "podPhase",
                        "initContainerStatuses": [restarted(2, 120, json!({"terminated": {"exitCode": 0}}), false),
                            restarted(3, 10, running.clone(), false)],
                        "containerStatuses": [{"state": {"waiting": {}}}]}}),
                row: narrow("test10", "0/1", "Init:1/2", "5 (10s ago)"),
            },
            PodCase {
                name: "once initialized, only the containers' restarts count",
                pod: json!({"metadata": {"name": "test11"},
                    "spec": {"initContainers": unnamed(1), "containers": unnamed(1)},
                    "status": {"phase": "Running",
                        "initContainerStatuses": [restarted(2, 120, json!({"terminated": {"exitCode": 0}}), false)],
                        "containerStatuses": [restarted(4, 20, running.clone(), false)]}}),
                row: narrow("test11", "0/1", "Running", "4 (20s ago)"),
            },
            PodCase {
                name: "a restart five days ago",
                pod: json!({"metadata": {"name": "test12"}, "spec": {"containers": unnamed(1)},
                    "status": {"phase": "Running",
                        "containerStatuses": [restarted(3, 5 * 86400, running.clone(), true)]}}),
                row: narrow("test12", "1/1", "Running", "3 (5d ago)"),
            },
            PodCase {
                name: "one container never restarted, the other ten days ago",
                pod: json!({"metadata": {"name": "test13"}, "spec": {"containers": unnamed(2)},
                    "status": {"phase": "Running", "containerStatuses": [
                        {"ready": true, "state": running},
                        restarted(3, 10 * 86400, running.clone(), true)]}}),
                row: narrow("test13", "2/2", "Running", "3 (10d ago)"),
            },
            PodCase {
                name: "the most recent of two restart dates",
                pod: json!({"metadata": {"name": "test14"}, "spec": {"containers": unnamed(2)},
                    "status": {"phase": "Running", "containerStatuses": [
                        restarted(6, 5 * 86400, running.clone(), true),
                        restarted(3, 20 * 86400, running.clone(), true)]}}),
                row: narrow("test14", "2/2", "Running", "9 (5d ago)"),
            },
            PodCase {
                name: "a scheduling-gated pod",
                pod: json!({"metadata": {"name": "test15"}, "spec": {"containers": unnamed(2)},
                    "status": {"phase": "podPhase", "conditions": [
                        {"type": "PodScheduled", "status": "False", "reason": "SchedulingGated"}]}}),
                row: narrow("test15", "0/2", "SchedulingGated", "0"),
            },
            PodCase {
                name: "a succeeded pod prints its container's Completed",
                pod: json!({"metadata": {"name": "test16"}, "spec": {"containers": unnamed(1)},
                    "status": {"phase": "Succeeded", "containerStatuses": [
                        {"state": {"terminated": {"exitCode": 0, "reason": "Completed"}}}]}}),
                row: narrow("test16", "0/1", "Completed", "0"),
            },
            PodCase {
                name: "a failed pod prints its container's Error",
                pod: json!({"metadata": {"name": "test17"}, "spec": {"containers": unnamed(1)},
                    "status": {"phase": "Failed", "containerStatuses": [
                        {"state": {"terminated": {"exitCode": 1, "reason": "Error"}}}]}}),
                row: narrow("test17", "0/1", "Error", "0"),
            },
            PodCase {
                name: "a succeeded pod being deleted is not Terminating",
                pod: json!({"metadata": {"name": "test18", "deletionTimestamp": ago(10)},
                    "spec": {"containers": unnamed(1)},
                    "status": {"phase": "Succeeded", "containerStatuses": [
                        {"state": {"terminated": {"exitCode": 0, "reason": "Completed"}}}]}}),
                row: narrow("test18", "0/1", "Completed", "0"),
            },
            PodCase {
                name: "a running pod being deleted is Terminating",
                pod: json!({"metadata": {"name": "test19", "deletionTimestamp": ago(10)},
                    "spec": {"containers": unnamed(1)},
                    "status": {"phase": "Running", "containerStatuses": [{"state": running}]}}),
                row: narrow("test19", "0/1", "Terminating", "0"),
            },
            PodCase {
                name: "a pending pod being deleted is Terminating",
                pod: json!({"metadata": {"name": "test20", "deletionTimestamp": ago(10)},
                    "spec": {"containers": unnamed(1)}, "status": {"phase": "Pending"}}),
                row: narrow("test20", "0/1", "Terminating", "0"),
            },
            PodCase {
                name: "a failed container's reason wins over the first container's Completed",
                pod: json!({"metadata": {"name": "error-after-completed"}, "spec": {"containers": unnamed(2)},
                    "status": {"phase": "Failed", "containerStatuses": [
                        {"state": {"terminated": {"exitCode": 0, "reason": "Completed"}}},
                        {"state": {"terminated": {"exitCode": 1, "reason": "Error"}}}]}}),
                row: narrow("error-after-completed", "0/2", "Error", "0"),
            },
            PodCase {
                name: "a failed container without a reason prints its signal",
                pod: json!({"metadata": {"name": "signal-after-completed"}, "spec": {"containers": unnamed(2)},
                    "status": {"phase": "Failed", "containerStatuses": [
                        {"state": {"terminated": {"exitCode": 0, "reason": "Completed"}}},
                        {"state": {"terminated": {"exitCode": 137, "signal": 9}}}]}}),
                row: narrow("signal-after-completed", "0/2", "Signal:9", "0"),
            },
            PodCase {
                name: "Running (ready and Ready=True) still wins over a failed container",
                pod: json!({"metadata": {"name": "running-over-error"}, "spec": {"containers": unnamed(3)},
                    "status": {"phase": "Running", "conditions": [{"type": "Ready", "status": "True"}],
                        "containerStatuses": [
                        {"state": {"terminated": {"exitCode": 0, "reason": "Completed"}}},
                        {"ready": true, "state": running},
                        {"state": {"terminated": {"exitCode": 2, "reason": "Error"}}}]}}),
                row: narrow("running-over-error", "1/3", "Running", "0"),
            },
            PodCase {
                name: "a failed container wins over NotReady",
                pod: json!({"metadata": {"name": "error-over-notready"}, "spec": {"containers": unnamed(3)},
                    "status": {"phase": "Running", "containerStatuses": [
                        {"state": {"terminated": {"exitCode": 0, "reason": "Completed"}}},
                        {"ready": true, "state": running},
                        {"state": {"terminated": {"exitCode": 2}}}]}}),
                row: narrow("error-over-notready", "1/3", "ExitCode:2", "0"),
            },
            PodCase {
                name: "a crash-looping container",
                pod: json!({"metadata": {"name": "crashloop", "creationTimestamp": ago(330)},
                    "spec": {"containers": unnamed(1)},
                    "status": {"phase": "Running", "containerStatuses": [
                        restarted(5, 45, json!({"waiting": {"reason": "CrashLoopBackOff"}}), false)]}}),
                row: ["crashloop", "0/1", "CrashLoopBackOff", "5 (45s ago)", "5m30s",
                      "<none>", "<none>", "<none>", "<none>"],
            },
            PodCase {
                name: "a terminated container without reason or signal prints its exit code",
                pod: json!({"metadata": {"name": "exit-code"}, "spec": {"containers": unnamed(1)},
                    "status": {"phase": "Failed", "containerStatuses": [
                        {"state": {"terminated": {"exitCode": 3}}}]}}),
                row: narrow("exit-code", "0/1", "ExitCode:3", "0"),
            },
            PodCase {
                name: "a pod on a lost node being deleted is Unknown",
                pod: json!({"metadata": {"name": "node-lost", "deletionTimestamp": ago(10)},
                    "spec": {"containers": unnamed(1)},
                    "status": {"phase": "Running", "reason": "NodeLost",
                        "containerStatuses": [{"ready": true, "state": running}]}}),
                row: narrow("node-lost", "1/1", "Unknown", "0"),
            },
            PodCase {
                name: "an init container that failed with a reason",
                pod: json!({"metadata": {"name": "init-error"},
                    "spec": {"initContainers": unnamed(2), "containers": unnamed(1)},
                    "status": {"phase": "Pending", "initContainerStatuses": [
                        {"restartCount": 1, "state": {"terminated": {"exitCode": 1, "reason": "Error"}}},
                        {"state": {"waiting": {"reason": "PodInitializing"}}}]}}),
                row: narrow("init-error", "0/1", "Init:Error", "1"),
            },
            PodCase {
                name: "an init container killed by a signal",
                pod: json!({"metadata": {"name": "init-signal"},
                    "spec": {"initContainers": unnamed(1), "containers": unnamed(1)},
                    "status": {"phase": "Pending", "initContainerStatuses": [
                        {"state": {"terminated": {"exitCode": 137, "signal": 9}}}]}}),
                row: narrow("init-signal", "0/1", "Init:Signal:9", "0"),
            },
            PodCase {
                name: "an init container that exited non-zero without a reason",
                pod: json!({"metadata": {"name": "init-exit-code"},
                    "spec": {"initContainers": unnamed(1), "containers": unnamed(1)},
                    "status": {"phase": "Pending", "initContainerStatuses": [
                        {"state": {"terminated": {"exitCode": 2}}}]}}),
                row: narrow("init-exit-code", "0/1", "Init:ExitCode:2", "0"),
            },
            PodCase {
                name: "an init container waiting in back-off",
                pod: json!({"metadata": {"name": "init-backoff"},
                    "spec": {"initContainers": unnamed(1), "containers": unnamed(1)},
                    "status": {"phase": "Pending", "initContainerStatuses": [
                        restarted(2, 15, json!({"waiting": {"reason": "CrashLoopBackOff"}}), false)]}}),
                row: narrow("init-backoff", "0/1", "Init:CrashLoopBackOff", "2 (15s ago)"),
            },
            PodCase {
                name: "PodInitializing on an init container prints the progress",
                pod: json!({"metadata": {"name": "init-progress"},
                    "spec": {"initContainers": unnamed(1), "containers": unnamed(1)},
                    "status": {"phase": "Pending", "initContainerStatuses": [
                        {"state": {"waiting": {"reason": "PodInitializing"}}}]}}),
                row: narrow("init-progress", "0/1", "Init:0/1", "0"),
            },
            PodCase {
                name: "containers waiting for initialized init containers print PodInitializing",
                pod: json!({"metadata": {"name": "pod-initializing"},
                    "spec": {"initContainers": unnamed(1), "containers": unnamed(1)},
                    "status": {"phase": "Pending", "initContainerStatuses": [
                        {"state": {"terminated": {"exitCode": 0, "reason": "Completed"}}}],
                        "containerStatuses": [{"state": {"waiting": {"reason": "PodInitializing"}}}]}}),
                row: narrow("pod-initializing", "0/1", "PodInitializing", "0"),
            },
            PodCase {
                name: "a status-less pod prints an empty status",
                pod: json!({"metadata": {"name": "bare"}, "spec": {"containers": unnamed(1)}}),
                row: narrow("bare", "0/1", "", "0"),
            },
            PodCase {
                name: "restarts without a previous run's end print no age",
                pod: json!({"metadata": {"name": "no-finish"}, "spec": {"containers": unnamed(1)},
                    "status": {"phase": "Running",
                        "containerStatuses": [{"ready": true, "restartCount": 2, "state": running}]}}),
                row: narrow("no-finish", "1/1", "Running", "2"),
            },
        ];
        check_pod_rows(cases);
    }

    /// Upstream's `TestPrintPodWithRestartableInitContainer` cases, plus a ready sidecar.
    #[test]
    fn should_count_sidecars_as_print_pod_does() {
        let sidecars = json!([
            {"name": "restartable-init-1", "restartPolicy": "Always"},
            {"name": "restartable-init-2", "restartPolicy": "Always"}]);
        let sidecar = |name: &str, state: Value, started: bool, restarts: Option<(i32, u64)>| {
            let mut s = json!({"name": name, "state": state, "started": started});
            if let Some((count, seconds)) = restarts {
                s["restartCount"] = json!(count);
                s["lastState"] = json!({"terminated": {"exitCode": 0, "finishedAt": ago(seconds)}});
            }
            s
        };
        let running = json!({"running": {}});
        let cases = vec![
            PodCase {
                name: "the first sidecar running but not started",
                pod: json!({"metadata": {"name": "test1"},
                    "spec": {"initContainers": sidecars, "containers": unnamed(1)},
                    "status": {"phase": "Pending",
                        "conditions": [{"type": "Initialized", "status": "False"}],
                        "initContainerStatuses": [
                            sidecar("restartable-init-1", running.clone(), false, Some((3, 10))),
                            sidecar("restartable-init-2", json!({"waiting": {}}), false, None)],
                        "containerStatuses": [{"state": {"waiting": {}}}]}}),
                row: narrow("test1", "0/3", "Init:0/2", "3 (10s ago)"),
            },
            PodCase {
                name: "the first sidecar started, the second running but not started",
                pod: json!({"metadata": {"name": "test1"},
                    "spec": {"initContainers": sidecars, "containers": unnamed(1)},
                    "status": {"phase": "Pending",
                        "conditions": [{"type": "Initialized", "status": "False"}],
                        "initContainerStatuses": [
                            sidecar("restartable-init-1", running.clone(), true, Some((3, 10))),
                            sidecar("restartable-init-2", running.clone(), false, None)],
                        "containerStatuses": [{"state": {"waiting": {}}}]}}),
                row: narrow("test1", "0/3", "Init:1/2", "3 (10s ago)"),
            },
            PodCase {
                name: "both sidecars started and the container running",
                pod: json!({"metadata": {"name": "test2"},
                    "spec": {"initContainers": sidecars, "containers": unnamed(1)},
                    "status": {"phase": "Running",
                        "conditions": [{"type": "Initialized", "status": "True"}],
                        "initContainerStatuses": [
                            sidecar("restartable-init-1", running.clone(), true, Some((3, 10))),
                            sidecar("restartable-init-2", running.clone(), true, None)],
                        "containerStatuses": [restarted(4, 20, running.clone(), true)]}}),
                row: narrow("test2", "1/3", "Running", "7 (10s ago)"),
            },
            PodCase {
                name: "sidecars killed after the container completed",
                pod: json!({"metadata": {"name": "test3"},
                    "spec": {"initContainers": sidecars, "containers": unnamed(1)},
                    "status": {"phase": "Succeeded",
                        "conditions": [{"type": "Initialized", "status": "True"}],
                        "initContainerStatuses": [
                            sidecar("restartable-init-1", json!({"terminated": {"exitCode": 137, "reason": "Error"}}), false, Some((3, 10))),
                            sidecar("restartable-init-2", json!({"terminated": {"exitCode": 137, "reason": "Error"}}), false, None)],
                        "containerStatuses": [restarted(4, 20, json!({"terminated": {"exitCode": 0, "reason": "Completed"}}), false)]}}),
                row: narrow("test3", "0/3", "Completed", "7 (10s ago)"),
            },
            PodCase {
                name: "statuses of containers the spec does not have",
                pod: json!({"metadata": {"name": "test4"},
                    "spec": {"initContainers": [
                            {"name": "init1", "image": "initimage"},
                            {"name": "sidecar1", "image": "sidecarimage", "restartPolicy": "Always"}],
                        "containers": [{"name": "container1", "image": "containerimage"}]},
                    "status": {"phase": "Running",
                        "initContainerStatuses": [{"name": "initinvalid"}, {"name": "init1"}, {"name": "sidecar1"}],
                        "containerStatuses": [{"name": "containerinvalid"}, {"name": "container1"}]}}),
                row: narrow("test4", "0/2", "Init:0/2", "0"),
            },
            PodCase {
                name: "a started ready sidecar counts towards READY",
                pod: json!({"metadata": {"name": "ready-sidecar"},
                    "spec": {"initContainers": [{"name": "log", "restartPolicy": "Always"}],
                        "containers": [{"name": "app"}]},
                    "status": {"phase": "Running",
                        "conditions": [{"type": "Initialized", "status": "True"},
                            {"type": "Ready", "status": "True"}],
                        "initContainerStatuses": [{"name": "log", "ready": true, "started": true, "state": running}],
                        "containerStatuses": [{"name": "app", "ready": true, "state": running}]}}),
                row: narrow("ready-sidecar", "2/2", "Running", "0"),
            },
        ];
        check_pod_rows(cases);
    }

    /// Upstream's `TestPrintPodwide` cases: IP, NODE, NOMINATED NODE and READINESS GATES.
    #[test]
    fn should_print_the_wide_pod_columns_as_print_pod_does() {
        let gates = json!([{"conditionType": "condition1"}, {"conditionType": "condition2"},
            {"conditionType": "condition3"}]);
        let conditions = json!([{"type": "condition1", "status": "False"},
            {"type": "condition2", "status": "True"}]);
        let statuses = json!([{"ready": true, "restartCount": 3, "state": {"running": {}}},
            {"restartCount": 3}]);
        let cases = vec![
            PodCase {
                name: "node, IP, nominated node and one of three gates true",
                pod: json!({"metadata": {"name": "test1"},
                    "spec": {"containers": unnamed(2), "nodeName": "test1", "readinessGates": gates},
                    "status": {"phase": "podPhase", "conditions": conditions,
                        "podIPs": [{"ip": "1.1.1.1"}], "containerStatuses": statuses,
                        "nominatedNodeName": "node1"}}),
                row: [
                    "test1",
                    "1/2",
                    "podPhase",
                    "6",
                    "<unknown>",
                    "1.1.1.1",
                    "test1",
                    "node1",
                    "1/3",
                ],
            },
            PodCase {
                name: "dual-stack: the first pod IP",
                pod: json!({"metadata": {"name": "test1"},
                    "spec": {"containers": unnamed(2), "nodeName": "test1", "readinessGates": gates},
                    "status": {"phase": "podPhase", "conditions": conditions,
                        "podIPs": [{"ip": "1.1.1.1"}, {"ip": "2001:db8::"}], "containerStatuses": statuses,
                        "nominatedNodeName": "node1"}}),
                row: [
                    "test1",
                    "1/2",
                    "podPhase",
                    "6",
                    "<unknown>",
                    "1.1.1.1",
                    "test1",
                    "node1",
                    "1/3",
                ],
            },
            PodCase {
                name: "no node, IP, nominated node or gates",
                pod: json!({"metadata": {"name": "test2"}, "spec": {"containers": unnamed(2), "nodeName": ""},
                    "status": {"phase": "podPhase", "containerStatuses": [
                        {"ready": true, "restartCount": 3, "state": {"running": {}}},
                        {"restartCount": 3, "state": {"waiting": {"reason": "ContainerWaitingReason"}}}]}}),
                row: [
                    "test2",
                    "1/2",
                    "ContainerWaitingReason",
                    "6",
                    "<unknown>",
                    "<none>",
                    "<none>",
                    "<none>",
                    "<none>",
                ],
            },
            PodCase {
                name: "podIP is what the API server's conversion keeps when both are set",
                pod: json!({"metadata": {"name": "both-ips", "creationTimestamp": ago(7200)},
                    "spec": {"containers": unnamed(1), "nodeName": "node-a"},
                    "status": {"phase": "Running", "podIP": "10.244.0.5",
                        "podIPs": [{"ip": "10.244.0.5"}, {"ip": "fd00::5"}],
                        "containerStatuses": [{"ready": true, "state": {"running": {}}}]}}),
                row: [
                    "both-ips",
                    "1/1",
                    "Running",
                    "0",
                    "120m",
                    "10.244.0.5",
                    "node-a",
                    "<none>",
                    "<none>",
                ],
            },
            PodCase {
                name: "only the first condition of a gate's type is read",
                pod: json!({"metadata": {"name": "repeated-condition"},
                    "spec": {"containers": unnamed(1), "readinessGates": [{"conditionType": "example.com/ok"}]},
                    "status": {"phase": "Pending", "conditions": [
                        {"type": "example.com/ok", "status": "False"},
                        {"type": "example.com/ok", "status": "True"}]}}),
                row: [
                    "repeated-condition",
                    "0/1",
                    "Pending",
                    "0",
                    "<unknown>",
                    "<none>",
                    "<none>",
                    "<none>",
                    "0/1",
                ],
            },
        ];
        check_pod_rows(cases);
    }

    /// Upstream's `TestPrintNonTerminatedPod` and `TestPrintPodConditions` cases: every phase prints.
    #[test]
    fn should_print_every_phase_as_print_pod_does() {
        let statuses = json!([{"ready": true, "restartCount": 3, "state": {"running": {}}},
            {"restartCount": 3}]);
        let cases = ["Running", "Pending", "Unknown", "Succeeded", "Failed"]
            .into_iter()
            .map(|phase| PodCase {
                name: phase,
                pod: json!({"metadata": {"name": "test"}, "spec": {"containers": unnamed(2)},
                    "status": {"phase": phase, "containerStatuses": statuses}}),
                row: narrow("test", "1/2", phase, "6"),
            })
            .collect();
        check_pod_rows(cases);
    }

    #[test]
    fn should_order_describe_events_by_their_latest_occurrence() {
        let series = event(json!({
            "metadata": {"name": "p.1"}, "involvedObject": {"kind": "Pod", "name": "p"},
            "eventTime": "2026-01-01T00:00:00.100000Z",
            "series": {"count": 2, "lastObservedTime": "2026-01-01T00:05:30.000000Z"}
        }));
        let legacy = event(json!({
            "metadata": {"name": "p.2"}, "involvedObject": {"kind": "Pod", "name": "p"},
            "firstTimestamp": "2026-01-01T00:01:00Z", "lastTimestamp": "2026-01-01T00:03:00Z"
        }));
        let new_style = event(json!({
            "metadata": {"name": "p.3"}, "involvedObject": {"kind": "Pod", "name": "p"},
            "eventTime": "2026-01-01T00:04:00.000000Z"
        }));
        let mut events = [&series, &legacy, &new_style];
        events.sort_by_key(|e| describe_sort_time(e));
        let names: Vec<&str> = events
            .iter()
            .filter_map(|e| e.metadata.name.as_deref())
            .collect();
        assert_eq!(names, ["p.2", "p.3", "p.1"]);
    }

    fn event(json: Value) -> Event {
        serde_json::from_value(json).unwrap()
    }

    /// Upstream's `TestPrintEvent` cases (with `-o wide`, whose first five cells are what
    /// `kubectl get events` prints), plus what happens without a name, timestamps or trimmed message.
    #[test]
    fn should_print_event_rows_as_print_event_does() {
        let days = 86400;
        let deployment = json!({"kind": "Deployment", "name": "Deployment Name",
            "fieldPath": "spec.containers{foo}"});
        let kubelet_on_node1 = json!({"component": "kubelet", "host": "Node1"});
        let cases: Vec<(&str, Value, [&str; 10])> = vec![
            (
                "a kubelet event about a pod",
                json!({"metadata": {"name": "event1"}, "source": {"component": "kubelet"},
                    "involvedObject": {"kind": "Pod", "name": "Pod Name", "fieldPath": "spec.containers{foo}"},
                    "reason": "Event Reason", "message": "Message Data",
                    "firstTimestamp": ago(3 * days), "lastTimestamp": ago(2 * days),
                    "count": 6, "type": "Normal"}),
                [
                    "2d",
                    "Normal",
                    "Event Reason",
                    "pod/Pod Name",
                    "spec.containers{foo}",
                    "kubelet",
                    "Message Data",
                    "3d",
                    "6",
                    "event1",
                ],
            ),
            (
                "the source host follows the component",
                json!({"metadata": {"name": "event2"}, "source": kubelet_on_node1,
                    "involvedObject": deployment, "reason": "Event Reason", "message": "Message Data",
                    "firstTimestamp": ago(3 * days), "lastTimestamp": ago(2 * days),
                    "count": 6, "type": "Warning"}),
                [
                    "2d",
                    "Warning",
                    "Event Reason",
                    "deployment/Deployment Name",
                    "spec.containers{foo}",
                    "kubelet, Node1",
                    "Message Data",
                    "3d",
                    "6",
                    "event2",
                ],
            ),
            (
                "FIRST SEEN from eventTime without firstTimestamp",
                json!({"metadata": {"name": "event3"}, "source": kubelet_on_node1,
                    "involvedObject": deployment, "reason": "Event Reason", "message": "Message Data",
                    "eventTime": ago(3 * days), "lastTimestamp": ago(3 * days),
                    "count": 1, "type": "Warning"}),
                [
                    "3d",
                    "Warning",
                    "Event Reason",
                    "deployment/Deployment Name",
                    "spec.containers{foo}",
                    "kubelet, Node1",
                    "Message Data",
                    "3d",
                    "1",
                    "event3",
                ],
            ),
            (
                "LAST SEEN is FIRST SEEN without lastTimestamp",
                json!({"metadata": {"name": "event4"}, "source": kubelet_on_node1,
                    "involvedObject": deployment, "reason": "Event Reason", "message": "Message Data",
                    "eventTime": ago(3 * days), "firstTimestamp": ago(3 * days),
                    "count": 1, "type": "Warning"}),
                [
                    "3d",
                    "Warning",
                    "Event Reason",
                    "deployment/Deployment Name",
                    "spec.containers{foo}",
                    "kubelet, Node1",
                    "Message Data",
                    "3d",
                    "1",
                    "event4",
                ],
            ),
            (
                "only eventTime",
                json!({"metadata": {"name": "event5"}, "source": kubelet_on_node1,
                    "involvedObject": deployment, "reason": "Event Reason", "message": "Message Data",
                    "eventTime": ago(3 * days), "count": 1, "type": "Warning"}),
                [
                    "3d",
                    "Warning",
                    "Event Reason",
                    "deployment/Deployment Name",
                    "spec.containers{foo}",
                    "kubelet, Node1",
                    "Message Data",
                    "3d",
                    "1",
                    "event5",
                ],
            ),
            (
                "a series: LAST SEEN and COUNT from the series",
                json!({"metadata": {"name": "event6"}, "source": kubelet_on_node1,
                    "involvedObject": deployment, "reason": "Event Reason", "message": "Message Data",
                    "series": {"count": 2, "lastObservedTime": ago(2 * days)},
                    "eventTime": ago(3 * days), "type": "Warning"}),
                [
                    "2d",
                    "Warning",
                    "Event Reason",
                    "deployment/Deployment Name",
                    "spec.containers{foo}",
                    "kubelet, Node1",
                    "Message Data",
                    "3d",
                    "2",
                    "event6",
                ],
            ),
            (
                "a singleton events/v1 event without count counts 1",
                json!({"metadata": {"name": "event7"}, "source": kubelet_on_node1,
                    "involvedObject": deployment, "reason": "Event Reason", "message": "Message Data",
                    "eventTime": ago(3 * days), "type": "Warning"}),
                [
                    "3d",
                    "Warning",
                    "Event Reason",
                    "deployment/Deployment Name",
                    "spec.containers{foo}",
                    "kubelet, Node1",
                    "Message Data",
                    "3d",
                    "1",
                    "event7",
                ],
            ),
            (
                "without lastTimestamp, LAST SEEN is firstTimestamp's age, not eventTime's",
                json!({"metadata": {"name": "event8"}, "source": kubelet_on_node1,
                    "involvedObject": deployment, "reason": "Event Reason", "message": "Message Data",
                    "firstTimestamp": ago(3 * days), "eventTime": ago(days),
                    "count": 1, "type": "Warning"}),
                [
                    "3d",
                    "Warning",
                    "Event Reason",
                    "deployment/Deployment Name",
                    "spec.containers{foo}",
                    "kubelet, Node1",
                    "Message Data",
                    "3d",
                    "1",
                    "event8",
                ],
            ),
            (
                "the reporting controller and instance stand in for an empty source",
                json!({"metadata": {"name": "event2"}, "reportingComponent": "kubelet",
                    "reportingInstance": "test", "involvedObject": deployment,
                    "reason": "Event Reason", "message": "Message Data",
                    "firstTimestamp": ago(3 * days), "lastTimestamp": ago(2 * days),
                    "count": 6, "type": "Warning"}),
                [
                    "2d",
                    "Warning",
                    "Event Reason",
                    "deployment/Deployment Name",
                    "spec.containers{foo}",
                    "kubelet, test",
                    "Message Data",
                    "3d",
                    "6",
                    "event2",
                ],
            ),
            (
                "the scheduler's events/v1 event",
                json!({"metadata": {"name": "demo-pod.1"}, "source": {},
                    "reportingComponent": "default-scheduler",
                    "reportingInstance": "default-scheduler-control-plane",
                    "involvedObject": {"kind": "Pod", "namespace": "default", "name": "demo-pod"},
                    "reason": "Scheduled", "message": "Successfully assigned default/demo-pod to node-c",
                    "eventTime": ago(75), "action": "Binding", "type": "Normal"}),
                [
                    "75s",
                    "Normal",
                    "Scheduled",
                    "pod/demo-pod",
                    "",
                    "default-scheduler, default-scheduler-control-plane",
                    "Successfully assigned default/demo-pod to node-c",
                    "75s",
                    "1",
                    "demo-pod.1",
                ],
            ),
            (
                "no name: just the kind; the message trimmed; no timestamps",
                json!({"metadata": {"name": "nameless"}, "involvedObject": {"kind": "Node"},
                    "reason": "RegisteredNode", "message": "  Node registered \n", "type": "Normal"}),
                [
                    "<unknown>",
                    "Normal",
                    "RegisteredNode",
                    "node",
                    "",
                    "",
                    "Node registered",
                    "<unknown>",
                    "1",
                    "nameless",
                ],
            ),
            (
                "a series without lastObservedTime",
                json!({"metadata": {"name": "series"}, "involvedObject": {"kind": "Pod", "name": "p"},
                    "reason": "R", "message": "m", "eventTime": ago(60), "series": {"count": 3},
                    "type": "Normal"}),
                [
                    "<unknown>",
                    "Normal",
                    "R",
                    "pod/p",
                    "",
                    "",
                    "m",
                    "60s",
                    "3",
                    "series",
                ],
            ),
        ];
        for (name, json, want) in cases {
            let row = event_row(&event(json), NOW);
            assert_eq!(row.wide_cells(), want, "{name}");
            assert_eq!(
                row.cells(),
                [want[0], want[1], want[2], want[3], want[6]],
                "{name}"
            );
        }
    }

    /// `kubectl describe`'s event ages (`DescribeEvents`).
    #[test]
    fn should_print_describe_event_ages_as_describe_events_does() {
        let object = json!({"kind": "Pod", "name": "p"});
        let cases = [
            (
                "a single legacy event",
                json!({"metadata": {}, "involvedObject": object, "count": 1,
                    "firstTimestamp": ago(30), "lastTimestamp": ago(30)}),
                "30s",
            ),
            (
                "a legacy event counted three times",
                json!({"metadata": {}, "involvedObject": object, "count": 3,
                    "firstTimestamp": ago(300), "lastTimestamp": ago(10)}),
                "10s (x3 over 5m)",
            ),
            (
                "a series",
                json!({"metadata": {}, "involvedObject": object, "eventTime": ago(300),
                    "series": {"count": 2, "lastObservedTime": ago(0)}}),
                "0s (x2 over 5m)",
            ),
            (
                "eventTime before firstTimestamp",
                json!({"metadata": {}, "involvedObject": object, "eventTime": ago(20),
                    "firstTimestamp": ago(90)}),
                "20s",
            ),
            (
                "no timestamps",
                json!({"metadata": {}, "involvedObject": object}),
                "<unknown>",
            ),
        ];
        for (name, json, want) in cases {
            assert_eq!(describe_event_age(&event(json), NOW), want, "{name}");
        }
    }

    /// Upstream's `TestPrintNodeStatus`, `TestPrintNodeRole`, `TestPrintNodeOSImage`,
    /// `TestPrintNodeKernelVersion`, `TestPrintNodeContainerRuntimeVersion`, `TestPrintNodeName`,
    /// `TestPrintNodeExternalIP` and `TestPrintNodeInternalIP` cases, each as the whole wide row.
    #[test]
    fn should_print_node_rows_as_print_node_does() {
        let ready = |status: &str| json!({"conditions": [{"type": "Ready", "status": status}]});
        let external = json!([{"type": "ExternalIP", "address": "1.1.1.1"}]);
        let bare = |name: &'static str, status: &'static str, roles: &'static str| {
            [
                name,
                status,
                roles,
                "<unknown>",
                "",
                "<none>",
                "<none>",
                "<unknown>",
                "<unknown>",
                "<unknown>",
            ]
        };
        let cases: Vec<(&str, Value, [&str; 10])> = vec![
            (
                "ready",
                json!({"metadata": {"name": "foo1"}, "status": ready("True")}),
                bare("foo1", "Ready", "<none>"),
            ),
            (
                "ready and cordoned",
                json!({"metadata": {"name": "foo2"}, "spec": {"unschedulable": true}, "status": ready("True")}),
                bare("foo2", "Ready,SchedulingDisabled", "<none>"),
            ),
            (
                "a repeated Ready condition",
                json!({"metadata": {"name": "foo3"}, "status": {"conditions": [
                    {"type": "Ready", "status": "True"}, {"type": "Ready", "status": "True"}]}}),
                bare("foo3", "Ready", "<none>"),
            ),
            (
                "not ready",
                json!({"metadata": {"name": "foo4"}, "status": ready("False")}),
                bare("foo4", "NotReady", "<none>"),
            ),
            (
                "not ready and cordoned",
                json!({"metadata": {"name": "foo5"}, "spec": {"unschedulable": true}, "status": ready("False")}),
                bare("foo5", "NotReady,SchedulingDisabled", "<none>"),
            ),
            (
                "only an unknown condition type",
                json!({"metadata": {"name": "foo6"}, "status": {"conditions": [{"type": "InvalidValue", "status": "True"}]}}),
                bare("foo6", "Unknown", "<none>"),
            ),
            (
                "an empty condition",
                json!({"metadata": {"name": "foo7"}, "status": {"conditions": [{}]}}),
                bare("foo7", "Unknown", "<none>"),
            ),
            (
                "an unknown condition type, cordoned",
                json!({"metadata": {"name": "foo8"}, "spec": {"unschedulable": true},
                    "status": {"conditions": [{"type": "InvalidValue", "status": "True"}]}}),
                bare("foo8", "Unknown,SchedulingDisabled", "<none>"),
            ),
            (
                "an empty condition, cordoned",
                json!({"metadata": {"name": "foo9"}, "spec": {"unschedulable": true}, "status": {"conditions": [{}]}}),
                bare("foo9", "Unknown,SchedulingDisabled", "<none>"),
            ),
            (
                "the last Ready condition decides",
                json!({"metadata": {"name": "flapping"}, "status": {"conditions": [
                    {"type": "Ready", "status": "True"}, {"type": "Ready", "status": "Unknown"}]}}),
                bare("flapping", "NotReady", "<none>"),
            ),
            (
                "no labels, no roles",
                json!({"metadata": {"name": "foo9"}}),
                bare("foo9", "Unknown", "<none>"),
            ),
            (
                "roles from role labels, sorted and distinct",
                json!({"metadata": {"name": "foo10", "labels": {
                    "node-role.kubernetes.io/master": "", "node-role.kubernetes.io/control-plane": "",
                    "node-role.kubernetes.io/proxy": "", "kubernetes.io/role": "node"}}}),
                bare("foo10", "Unknown", "control-plane,master,node,proxy"),
            ),
            (
                "a role from kubernetes.io/role",
                json!({"metadata": {"name": "foo11", "labels": {"kubernetes.io/role": "node"}}}),
                bare("foo11", "Unknown", "node"),
            ),
            (
                "an empty role name or value is no role",
                json!({"metadata": {"name": "empty-roles", "labels": {
                    "node-role.kubernetes.io/": "x", "kubernetes.io/role": ""}}}),
                bare("empty-roles", "Unknown", "<none>"),
            ),
            (
                "an OS image",
                json!({"metadata": {"name": "foo1"}, "status": {"nodeInfo": {"osImage": "fake-os-image"},
                    "addresses": external}}),
                [
                    "foo1",
                    "Unknown",
                    "<none>",
                    "<unknown>",
                    "",
                    "<none>",
                    "1.1.1.1",
                    "fake-os-image",
                    "<unknown>",
                    "<unknown>",
                ],
            ),
            (
                "a kernel version",
                json!({"metadata": {"name": "foo2"}, "status": {"nodeInfo": {"kernelVersion": "fake-kernel-version"},
                    "addresses": external}}),
                [
                    "foo2",
                    "Unknown",
                    "<none>",
                    "<unknown>",
                    "",
                    "<none>",
                    "1.1.1.1",
                    "<unknown>",
                    "fake-kernel-version",
                    "<unknown>",
                ],
            ),
            (
                "a kernel version with the architecture",
                json!({"metadata": {"name": "foo"}, "status": {"nodeInfo": {"kernelVersion": "fake-kernel-version",
                    "architecture": "fake-arch-amd64"}, "addresses": external}}),
                [
                    "foo",
                    "Unknown",
                    "<none>",
                    "<unknown>",
                    "",
                    "<none>",
                    "1.1.1.1",
                    "<unknown>",
                    "fake-kernel-version (fake-arch-amd64)",
                    "<unknown>",
                ],
            ),
            (
                "no kernel version, an architecture",
                json!({"metadata": {"name": "foo"}, "status": {"nodeInfo": {"architecture": "fake-arch-arm64"},
                    "addresses": external}}),
                [
                    "foo",
                    "Unknown",
                    "<none>",
                    "<unknown>",
                    "",
                    "<none>",
                    "1.1.1.1",
                    "<unknown>",
                    "<unknown> (fake-arch-arm64)",
                    "<unknown>",
                ],
            ),
            (
                "a container runtime version",
                json!({"metadata": {"name": "foo1"}, "status": {"nodeInfo": {"containerRuntimeVersion": "foo://1.2.3"},
                    "addresses": external}}),
                [
                    "foo1",
                    "Unknown",
                    "<none>",
                    "<unknown>",
                    "",
                    "<none>",
                    "1.1.1.1",
                    "<unknown>",
                    "<unknown>",
                    "foo://1.2.3",
                ],
            ),
            (
                "empty node info",
                json!({"metadata": {"name": "foo2"}, "status": {"nodeInfo": {}, "addresses": external}}),
                [
                    "foo2",
                    "Unknown",
                    "<none>",
                    "<unknown>",
                    "",
                    "<none>",
                    "1.1.1.1",
                    "<unknown>",
                    "<unknown>",
                    "<unknown>",
                ],
            ),
            (
                "an IP address as the name",
                json!({"metadata": {"name": "127.0.0.1"}, "status": {}}),
                bare("127.0.0.1", "Unknown", "<none>"),
            ),
            (
                "an empty name",
                json!({"metadata": {"name": ""}, "status": {}}),
                bare("", "Unknown", "<none>"),
            ),
            (
                "only an internal IP",
                json!({"metadata": {"name": "foo2"}, "status": {"addresses": [{"type": "InternalIP", "address": "1.1.1.1"}]}}),
                [
                    "foo2",
                    "Unknown",
                    "<none>",
                    "<unknown>",
                    "",
                    "1.1.1.1",
                    "<none>",
                    "<unknown>",
                    "<unknown>",
                    "<unknown>",
                ],
            ),
            (
                "the first external and internal IPs",
                json!({"metadata": {"name": "foo3"}, "status": {"addresses": [
                    {"type": "ExternalIP", "address": "2.2.2.2"}, {"type": "InternalIP", "address": "3.3.3.3"},
                    {"type": "ExternalIP", "address": "4.4.4.4"}]}}),
                [
                    "foo3",
                    "Unknown",
                    "<none>",
                    "<unknown>",
                    "",
                    "3.3.3.3",
                    "2.2.2.2",
                    "<unknown>",
                    "<unknown>",
                    "<unknown>",
                ],
            ),
            (
                "the first internal IP of two",
                json!({"metadata": {"name": "foo3"}, "status": {"addresses": [
                    {"type": "InternalIP", "address": "2.2.2.2"}, {"type": "ExternalIP", "address": "3.3.3.3"},
                    {"type": "InternalIP", "address": "4.4.4.4"}]}}),
                [
                    "foo3",
                    "Unknown",
                    "<none>",
                    "<unknown>",
                    "",
                    "2.2.2.2",
                    "3.3.3.3",
                    "<unknown>",
                    "<unknown>",
                    "<unknown>",
                ],
            ),
            (
                "a registered kubelet",
                json!({"metadata": {"name": "node-a", "creationTimestamp": ago(3 * 3600 + 20 * 60),
                        "labels": {"node-role.kubernetes.io/control-plane": ""}},
                    "status": {"conditions": [{"type": "Ready", "status": "True"}],
                        "addresses": [{"type": "InternalIP", "address": "172.18.0.2"},
                            {"type": "Hostname", "address": "node-a"}],
                        "nodeInfo": {"kubeletVersion": "v1.36.0", "osImage": "Debian GNU/Linux 12 (bookworm)",
                            "kernelVersion": "6.8.0", "containerRuntimeVersion": "containerd://2.1.0"}}}),
                [
                    "node-a",
                    "Ready",
                    "control-plane",
                    "3h20m",
                    "v1.36.0",
                    "172.18.0.2",
                    "<none>",
                    "Debian GNU/Linux 12 (bookworm)",
                    "6.8.0",
                    "containerd://2.1.0",
                ],
            ),
        ];
        for (name, json, want) in cases {
            let node: Node = serde_json::from_value(json).unwrap();
            assert_eq!(node_row(&node, NOW).cells(), want, "{name}");
        }
    }

    #[test]
    fn should_pad_table_columns_like_kubectl() {
        let t = table(&["NAME", "READY"], &[vec!["demo-pod".into(), "1/1".into()]]);
        assert_eq!(t, "NAME       READY\ndemo-pod   1/1\n");
    }

    #[test]
    fn should_print_a_row_longer_than_the_header_without_panicking() {
        let t = table(&["NAME"], &[vec!["a".into(), "b".into(), "c".into()]]);
        assert_eq!(t, "NAME\na      b   c\n");
    }
}
