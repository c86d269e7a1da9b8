//! What `kubectl get pods -o wide` and `kubectl get events` print, computed from API objects.
//!
//! Mirrors `pkg/printers/internalversion/printers.go` (`printPod`, `printEvent`) and
//! `k8s.io/apimachinery/pkg/util/duration.HumanDuration`. Used by the CLI's text output and the UI.

use k8s_openapi::api::core::v1::{ContainerStatus, Event, Pod};
use serde::Serialize;

use crate::engine::time::ms_of;

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

fn is_restartable_init(pod: &Pod, name: &str) -> bool {
    pod.spec
        .as_ref()
        .and_then(|s| s.init_containers.as_ref())
        .and_then(|ics| ics.iter().find(|c| c.name == name))
        .and_then(|c| c.restart_policy.as_deref())
        == Some("Always")
}

/// The STATUS column: `status.reason`, init container progress, the last container's waiting or
/// terminated reason, `Completed` → `Running`/`NotReady`, `Terminating`, `SchedulingGated`.
pub fn pod_status(pod: &Pod) -> String {
    // Borrowed throughout: the page prints the status of every pod on every step.
    let status = pod.status.as_ref();
    let spec = pod.spec.as_ref();
    let mut reason = status.and_then(|s| s.phase.clone()).unwrap_or_default();
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

    let init_statuses = status
        .and_then(|s| s.init_container_statuses.as_deref())
        .unwrap_or_default();
    let init_count = spec
        .and_then(|s| s.init_containers.as_ref())
        .map_or(0, Vec::len);
    let mut initializing = false;
    for (i, cs) in init_statuses.iter().enumerate() {
        let state = cs.state.as_ref();
        if let Some(t) = state.and_then(|s| s.terminated.as_ref()) {
            if t.exit_code == 0 {
                continue;
            }
            reason = match t.reason.as_deref().filter(|r| !r.is_empty()) {
                Some(r) => format!("Init:{r}"),
                None => match t.signal {
                    Some(sig) if sig != 0 => format!("Init:Signal:{sig}"),
                    _ => format!("Init:ExitCode:{}", t.exit_code),
                },
            };
            initializing = true;
        } else if is_restartable_init(pod, &cs.name) && cs.started == Some(true) {
            continue;
        } else if let Some(w) = state.and_then(|s| s.waiting.as_ref()).filter(|w| {
            w.reason
                .as_deref()
                .is_some_and(|r| !r.is_empty() && r != "PodInitializing")
        }) {
            reason = format!("Init:{}", w.reason.as_deref().unwrap_or_default());
            initializing = true;
        } else {
            reason = format!("Init:{i}/{init_count}");
            initializing = true;
        }
        break;
    }

    if !initializing || is_pod_initialized(conditions) {
        let mut has_running = false;
        let statuses = status
            .and_then(|s| s.container_statuses.as_deref())
            .unwrap_or_default();
        for cs in statuses.iter().rev() {
            let state = cs.state.as_ref();
            if let Some(w) = state
                .and_then(|s| s.waiting.as_ref())
                .and_then(|w| w.reason.as_deref())
                .filter(|r| !r.is_empty())
            {
                reason = w.to_string();
            } else if let Some(t) = state.and_then(|s| s.terminated.as_ref()) {
                reason = match t.reason.as_deref().filter(|r| !r.is_empty()) {
                    Some(r) => r.to_string(),
                    None => match t.signal {
                        Some(sig) if sig != 0 => format!("Signal:{sig}"),
                        _ => format!("ExitCode:{}", t.exit_code),
                    },
                };
            } else if cs.ready || state.is_some_and(|s| s.running.is_some()) {
                has_running = true;
            }
        }
        if reason == "Completed" && has_running {
            reason = if conditions
                .iter()
                .any(|c| c.type_ == "Ready" && c.status == "True")
            {
                "Running".into()
            } else {
                "NotReady".into()
            };
        }
    }

    if pod.metadata.deletion_timestamp.is_some() {
        reason = if status.and_then(|s| s.reason.as_deref()) == Some("NodeLost") {
            "Unknown".into()
        } else {
            "Terminating".into()
        };
    }
    reason
}

fn is_pod_initialized(conditions: &[k8s_openapi::api::core::v1::PodCondition]) -> bool {
    conditions
        .iter()
        .any(|c| c.type_ == "Initialized" && c.status == "True")
}

fn restart_count(statuses: &[ContainerStatus]) -> i32 {
    statuses.iter().map(|c| c.restart_count).sum()
}

/// The row `kubectl get pods -o wide` prints for `pod` at virtual time `now_ms`.
pub fn pod_row(pod: &Pod, now_ms: u64) -> PodRow {
    let status = pod.status.as_ref();
    let spec = pod.spec.as_ref();
    let statuses = status
        .and_then(|s| s.container_statuses.as_deref())
        .unwrap_or_default();
    let init_statuses = status
        .and_then(|s| s.init_container_statuses.as_deref())
        .unwrap_or_default();
    let sidecars: Vec<&ContainerStatus> = init_statuses
        .iter()
        .filter(|c| is_restartable_init(pod, &c.name))
        .collect();
    let total = spec.map_or(0, |s| s.containers.len()) + sidecars.len();
    let ready =
        statuses.iter().filter(|c| c.ready).count() + sidecars.iter().filter(|c| c.ready).count();
    let restarts = restart_count(statuses) + sidecars.iter().map(|c| c.restart_count).sum::<i32>();
    let age = pod
        .metadata
        .creation_timestamp
        .as_ref()
        .map(|t| human_duration(now_ms as i64 - ms_of(t) as i64))
        .unwrap_or_else(|| "<unknown>".into());
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
                    .any(|c| c.type_ == g.condition_type && c.status == "True")
            })
            .count();
        format!("{true_count}/{}", gates.len())
    };
    PodRow {
        name: pod.metadata.name.clone().unwrap_or_default(),
        namespace: pod.metadata.namespace.clone().unwrap_or_default(),
        ready: format!("{ready}/{total}"),
        status: pod_status(pod),
        restarts: restarts.to_string(),
        age,
        ip: status
            .and_then(|s| s.pod_ip.clone())
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| "<none>".into()),
        node: spec
            .and_then(|s| s.node_name.clone())
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| "<none>".into()),
        nominated_node: status
            .and_then(|s| s.nominated_node_name.clone())
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| "<none>".into()),
        readiness_gates,
    }
}

/// One row of `kubectl get events`: LAST SEEN, TYPE, REASON, OBJECT, MESSAGE.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct EventRow {
    pub last_seen: String,
    pub event_type: String,
    pub reason: String,
    pub object: String,
    pub message: String,
}

fn micro_ms(t: &k8s_openapi::apimachinery::pkg::apis::meta::v1::MicroTime) -> u64 {
    let ms = t.0.as_millisecond() - crate::engine::time::EPOCH_UNIX_SECONDS * 1000;
    u64::try_from(ms).unwrap_or(0)
}

/// The virtual time an event last happened (series `lastObservedTime`, `lastTimestamp`, `eventTime`, or
/// creation).
pub fn event_time_ms(event: &Event) -> u64 {
    if let Some(series) = &event.series {
        if let Some(t) = &series.last_observed_time {
            return micro_ms(t);
        }
    }
    if let Some(t) = &event.last_timestamp {
        return ms_of(t);
    }
    if let Some(t) = &event.event_time {
        return micro_ms(t);
    }
    event.metadata.creation_timestamp.as_ref().map_or(0, ms_of)
}

/// The Age column of `kubectl describe`'s Events: `5s`, or `5s (x3 over 2m)` for a repeated event
/// (a legacy `count` above 1, or an events/v1 series).
pub fn describe_event_age(event: &Event, now_ms: u64) -> String {
    let since = |ms: u64| human_duration(now_ms as i64 - ms as i64);
    if let Some(series) = &event.series {
        let first = event.event_time.as_ref().map_or(0, micro_ms);
        let last = series.last_observed_time.as_ref().map_or(first, micro_ms);
        return format!(
            "{} (x{} over {})",
            since(last),
            series.count.unwrap_or(1),
            since(first)
        );
    }
    let count = event.count.unwrap_or(1);
    let first = match &event.first_timestamp {
        Some(t) => ms_of(t),
        None => event.event_time.as_ref().map_or(0, micro_ms),
    };
    if count > 1 {
        let last = event.last_timestamp.as_ref().map_or(first, ms_of);
        return format!("{} (x{count} over {})", since(last), since(first));
    }
    since(first)
}

/// The row `kubectl get events` prints for `event` at virtual time `now_ms`.
pub fn event_row(event: &Event, now_ms: u64) -> EventRow {
    let io = &event.involved_object;
    EventRow {
        last_seen: human_duration(now_ms as i64 - event_time_ms(event) as i64),
        event_type: event.type_.clone().unwrap_or_default(),
        reason: event.reason.clone().unwrap_or_default(),
        object: format!(
            "{}/{}",
            io.kind.clone().unwrap_or_default().to_lowercase(),
            io.name.clone().unwrap_or_default()
        ),
        message: event.message.clone().unwrap_or_default(),
    }
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

    fn pod(json: serde_json::Value) -> Pod {
        serde_json::from_value(json).unwrap()
    }

    #[test]
    fn status_column_follows_printer_rules() {
        let pending = pod(
            serde_json::json!({"metadata":{"name":"p"},"spec":{"containers":[{"name":"c"}]},"status":{"phase":"Pending"}}),
        );
        assert_eq!(pod_status(&pending), "Pending");
        let creating = pod(
            serde_json::json!({"metadata":{"name":"p"},"spec":{"containers":[{"name":"c"}]},
            "status":{"phase":"Pending","containerStatuses":[{"name":"c","image":"nginx","imageID":"","ready":false,"restartCount":0,
            "state":{"waiting":{"reason":"ContainerCreating"}}}]}}),
        );
        assert_eq!(pod_status(&creating), "ContainerCreating");
        let backoff = pod(
            serde_json::json!({"metadata":{"name":"p"},"spec":{"containers":[{"name":"c"}]},
            "status":{"phase":"Pending","containerStatuses":[{"name":"c","image":"nginx","imageID":"","ready":false,"restartCount":0,
            "state":{"waiting":{"reason":"ImagePullBackOff"}}}]}}),
        );
        assert_eq!(pod_status(&backoff), "ImagePullBackOff");
        let init = pod(
            serde_json::json!({"metadata":{"name":"p"},"spec":{"initContainers":[{"name":"i"}],"containers":[{"name":"c"}]},
            "status":{"phase":"Pending","initContainerStatuses":[{"name":"i","image":"busybox","imageID":"","ready":false,"restartCount":0,
            "state":{"running":{}}}]}}),
        );
        assert_eq!(pod_status(&init), "Init:0/1");
        let terminating = pod(
            serde_json::json!({"metadata":{"name":"p","deletionTimestamp":"2026-01-01T00:00:00Z"},"spec":{"containers":[{"name":"c"}]},"status":{"phase":"Running"}}),
        );
        assert_eq!(pod_status(&terminating), "Terminating");
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
