//! What `kubectl describe pod` prints, computed from the stored Pod and its Events (`kubectl describe
//! node` is in [`node`]).
//!
//! Mirrors `k8s.io/kubectl/pkg/describe` (`describePod`, `describeContainers`, `describeVolumes`,
//! `DescribeProbe`, `printLabelsMultiline`, `printAnnotationsMultiline`, `printTolerationsMultiline`,
//! `DescribeEvents`), the Go `text/tabwriter` that `tabbedString` aligns it with (min width 0, padding
//! 2, spaces), `metav1.FormatLabelSelector`, and `k8s.io/kubectl/pkg/util/fieldpath` for the values of
//! `fieldRef` environment variables.
//!
//! Times are printed as Go's `time.RFC1123Z` in UTC (kubectl prints the viewer's local zone). Volume
//! types kubectl describes that podflow does not (the in-tree cloud and network volumes other than
//! NFS) print kubectl's `<unknown>`. Events with equal times keep their stored order (kubectl's
//! `sort.Sort` is not stable beyond 12 events).

use std::collections::BTreeMap;
use std::fmt::Write as _;

use k8s_openapi::api::core::v1::{
    Container, ContainerState, ContainerStatus, EnvVar, Event, Pod, PodSpec, PodStatus, Probe,
    ResourceRequirements, Toleration, Volume,
};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use k8s_openapi::jiff::Timestamp;

use crate::engine::api::go_time::civil_from_days;
use crate::engine::api::strategy::compute_pod_qos;
use crate::engine::printers::{describe_event_age, describe_sort_time, since};
use crate::engine::quantity::Quantity;

mod node;
mod pdb;
pub use node::{describe_node, events_about_node, pods_on_node};
pub use pdb::{describe_pdb, events_about_pdb};

/// kubectl's last-applied annotation, which `describe` never prints.
const LAST_APPLIED: &str = "kubectl.kubernetes.io/last-applied-configuration";
/// `maxAnnotationLen`: longer annotations (key, value and `: `) print on their own lines, shortened.
const MAX_ANNOTATION_LEN: usize = 140;

/// Go's `text/tabwriter` as `tabbedString` configures it: cells end at a tab, a column is as wide as
/// its widest cell in a block of consecutive lines that have that cell, plus 2 spaces; the text after
/// a line's last tab is not aligned. `flush` formats what was written so far on its own.
#[derive(Default)]
struct TabWriter {
    out: String,
    pending: String,
    /// Levels added to every `write` (kubectl's `nestedPrefixWriter`).
    nest: usize,
}

impl TabWriter {
    const PADDING: usize = 2;

    /// `PrefixWriter.Write`: `text` indented by two spaces per level (only its first line).
    fn write(&mut self, level: usize, text: &str) {
        for _ in 0..level + self.nest {
            self.pending.push_str("  ");
        }
        self.pending.push_str(text);
    }

    /// `PrefixWriter.WriteLine`: `text` and a newline, never indented.
    fn write_line(&mut self, text: &str) {
        self.pending.push_str(text);
        self.pending.push('\n');
    }

    fn flush(&mut self) {
        let text = std::mem::take(&mut self.pending);
        let mut lines: Vec<(Vec<&str>, bool)> = Vec::new();
        let mut rest = text.as_str();
        while !rest.is_empty() {
            let (line, terminated) = match rest.find('\n') {
                Some(end) => {
                    let line = &rest[..end];
                    rest = &rest[end + 1..];
                    (line, true)
                }
                None => {
                    let line = rest;
                    rest = "";
                    (line, false)
                }
            };
            lines.push((line.split('\t').collect(), terminated));
        }
        let mut widths = Vec::new();
        self.format(&lines, &mut widths, 0, lines.len());
    }

    /// `tabwriter.Writer.format`: aligns column `widths.len()` block by block, recursively.
    fn format(
        &mut self,
        lines: &[(Vec<&str>, bool)],
        widths: &mut Vec<usize>,
        mut line0: usize,
        line1: usize,
    ) {
        let column = widths.len();
        let mut this = line0;
        while this < line1 {
            if column + 1 >= lines[this].0.len() {
                this += 1;
                continue;
            }
            self.write_lines(lines, widths, line0, this);
            line0 = this;
            let mut width = 0;
            while this < line1 && column + 1 < lines[this].0.len() {
                width = width.max(lines[this].0[column].chars().count() + Self::PADDING);
                this += 1;
            }
            widths.push(width);
            self.format(lines, widths, line0, this);
            widths.pop();
            line0 = this;
        }
        self.write_lines(lines, widths, line0, line1);
    }

    fn write_lines(
        &mut self,
        lines: &[(Vec<&str>, bool)],
        widths: &[usize],
        line0: usize,
        line1: usize,
    ) {
        for (cells, terminated) in &lines[line0..line1] {
            for (j, cell) in cells.iter().enumerate() {
                self.out.push_str(cell);
                if j + 1 < cells.len() {
                    if let Some(&width) = widths.get(j) {
                        let pad = width.saturating_sub(cell.chars().count());
                        self.out.extend(std::iter::repeat_n(' ', pad));
                    }
                }
            }
            if *terminated {
                self.out.push('\n');
            }
        }
    }

    fn finish(mut self) -> String {
        self.flush();
        self.out
    }
}

/// `kubectl describe pod` of `pod`, with the events about it (`involvedObject` with the pod's name,
/// namespace and uid), at virtual time `now_ms`.
pub fn describe_pod(pod: &Pod, events: &[&Event], now_ms: u64) -> String {
    let mut w = TabWriter::default();
    let meta = &pod.metadata;
    let (no_spec, no_status) = (PodSpec::default(), PodStatus::default());
    let spec = pod.spec.as_ref().unwrap_or(&no_spec);
    let status = pod.status.as_ref().unwrap_or(&no_status);
    w.write(0, &format!("Name:\t{}\n", s(&meta.name)));
    w.write(0, &format!("Namespace:\t{}\n", s(&meta.namespace)));
    if let Some(priority) = spec.priority {
        w.write(0, &format!("Priority:\t{priority}\n"));
    }
    if !s(&spec.priority_class_name).is_empty() {
        w.write(
            0,
            &format!("Priority Class Name:\t{}\n", s(&spec.priority_class_name)),
        );
    }
    if !s(&spec.runtime_class_name).is_empty() {
        w.write(
            0,
            &format!("Runtime Class Name:\t{}\n", s(&spec.runtime_class_name)),
        );
    }
    if !s(&spec.service_account_name).is_empty() {
        w.write(
            0,
            &format!("Service Account:\t{}\n", s(&spec.service_account_name)),
        );
    }
    match s(&spec.node_name) {
        "" => w.write(0, "Node:\t<none>\n"),
        node => w.write(0, &format!("Node:\t{node}/{}\n", s(&status.host_ip))),
    }
    if let Some(start) = &status.start_time {
        w.write(0, &format!("Start Time:\t{}\n", rfc1123z(&start.0)));
    }
    labels_multiline(&mut w, "Labels", meta.labels.as_ref());
    annotations_multiline(&mut w, meta.annotations.as_ref());
    let phase = s(&status.phase);
    match &meta.deletion_timestamp {
        Some(deleted) if phase != "Failed" && phase != "Succeeded" => {
            w.write(
                0,
                &format!(
                    "Status:\tTerminating (lasts {})\n",
                    since(now_ms, Some(&deleted.0))
                ),
            );
            w.write(
                0,
                &format!(
                    "Termination Grace Period:\t{}s\n",
                    meta.deletion_grace_period_seconds.unwrap_or(0)
                ),
            );
        }
        _ => w.write(0, &format!("Status:\t{phase}\n")),
    }
    if !s(&status.reason).is_empty() {
        w.write(0, &format!("Reason:\t{}\n", s(&status.reason)));
    }
    if !s(&status.message).is_empty() {
        w.write(0, &format!("Message:\t{}\n", s(&status.message)));
    }
    if let Some(profile) = spec
        .security_context
        .as_ref()
        .and_then(|c| c.seccomp_profile.as_ref())
    {
        w.write(0, &format!("SeccompProfile:\t{}\n", profile.type_));
        if profile.type_ == "Localhost" {
            w.write(
                0,
                &format!("LocalhostProfile:\t{}\n", s(&profile.localhost_profile)),
            );
        }
    }
    w.write(0, &format!("IP:\t{}\n", s(&status.pod_ip)));
    match status.pod_ips.as_deref().unwrap_or_default() {
        [] => w.write(0, "IPs:\t<none>\n"),
        ips => {
            w.write(0, "IPs:\n");
            for ip in ips {
                w.write(1, &format!("IP:\t{}\n", ip.ip));
            }
        }
    }
    if let Some(owner) = meta
        .owner_references
        .iter()
        .flatten()
        .find(|o| o.controller == Some(true))
    {
        w.write(
            0,
            &format!("Controlled By:\t{}/{}\n", owner.kind, owner.name),
        );
    }
    if !s(&status.nominated_node_name).is_empty() {
        w.write(
            0,
            &format!("NominatedNodeName:\t{}\n", s(&status.nominated_node_name)),
        );
    }
    if let Some(resources) = &spec.resources {
        w.write(0, "Resources:\n");
        describe_resources(&mut w, resources, 1);
    }
    let init_containers = spec.init_containers.as_deref().unwrap_or_default();
    if !init_containers.is_empty() {
        describe_containers(
            &mut w,
            "Init Containers",
            init_containers,
            status
                .init_container_statuses
                .as_deref()
                .unwrap_or_default(),
            pod,
        );
    }
    describe_containers(
        &mut w,
        "Containers",
        &spec.containers,
        status.container_statuses.as_deref().unwrap_or_default(),
        pod,
    );
    let ephemeral: Vec<Container> = spec
        .ephemeral_containers
        .iter()
        .flatten()
        .map(crate::engine::objects::ephemeral_as_container)
        .collect();
    if !ephemeral.is_empty() {
        describe_containers(
            &mut w,
            "Ephemeral Containers",
            &ephemeral,
            status
                .ephemeral_container_statuses
                .as_deref()
                .unwrap_or_default(),
            pod,
        );
    }
    let conditions = status.conditions.as_deref().unwrap_or_default();
    let gates = spec.readiness_gates.as_deref().unwrap_or_default();
    if !gates.is_empty() {
        w.write(0, "Readiness Gates:\n  Type\tStatus\n");
        for gate in gates {
            let state = conditions
                .iter()
                .find(|c| c.type_ == gate.condition_type)
                .map_or("<none>", |c| c.status.as_str());
            w.write(1, &format!("{} \t{state} \n", gate.condition_type));
        }
    }
    if !conditions.is_empty() {
        w.write(0, "Conditions:\n  Type\tStatus\n");
        for condition in conditions {
            w.write(1, &format!("{} \t{} \n", condition.type_, condition.status));
        }
    }
    describe_volumes(&mut w, spec.volumes.as_deref().unwrap_or_default());
    let qos = match s(&status.qos_class) {
        "" => compute_pod_qos(pod),
        class => class,
    };
    w.write(0, &format!("QoS Class:\t{qos}\n"));
    labels_multiline(&mut w, "Node-Selectors", spec.node_selector.as_ref());
    tolerations_multiline(&mut w, spec.tolerations.as_deref().unwrap_or_default());
    let mut constraints: Vec<_> = spec.topology_spread_constraints.iter().flatten().collect();
    if !constraints.is_empty() {
        constraints.sort_by(|a, b| a.topology_key.cmp(&b.topology_key));
        w.write(0, "Topology Spread Constraints:\t");
        for (i, c) in constraints.iter().enumerate() {
            if i != 0 {
                w.write(0, "\t");
            }
            let mut line = format!(
                "{}:{} when max skew {} is exceeded",
                c.topology_key, c.when_unsatisfiable, c.max_skew
            );
            if let Some(selector) = &c.label_selector {
                let _ = write!(line, " for selector {}", format_label_selector(selector));
            }
            line.push('\n');
            w.write(0, &line);
        }
    }
    if let Some(group) = &spec.scheduling_group {
        w.write(0, "SchedulingGroup:\n");
        w.write(1, &format!("PodGroupName:\t{}\n", s(&group.pod_group_name)));
    }
    describe_events(&mut w, events, now_ms);
    w.finish()
}

/// The events `kubectl describe pod` lists: its field selector names the involved object's name,
/// namespace and uid.
pub fn events_about<'e>(pod: &Pod, events: &[&'e Event]) -> Vec<&'e Event> {
    events
        .iter()
        .copied()
        .filter(|event| {
            let object = &event.involved_object;
            object.name == pod.metadata.name
                && object.namespace == pod.metadata.namespace
                && object.uid == pod.metadata.uid
        })
        .collect()
}

/// `DescribeEvents`: `Events:  <none>`, or the events ordered by their latest time, aligned apart from
/// the rest (kubectl flushes its tab writer first).
fn describe_events(w: &mut TabWriter, events: &[&Event], now_ms: u64) {
    if events.is_empty() {
        w.write(0, "Events:\t<none>\n");
        return;
    }
    w.flush();
    let mut sorted = events.to_vec();
    sorted.sort_by_key(|e| describe_sort_time(e));
    w.write(0, "Events:\n  Type\tReason\tAge\tFrom\tMessage\n");
    w.write(1, "----\t------\t----\t----\t-------\n");
    for event in sorted {
        let source = event
            .source
            .as_ref()
            .and_then(|s| s.component.clone())
            .filter(|c| !c.is_empty())
            .or_else(|| event.reporting_component.clone())
            .unwrap_or_default();
        w.write(
            1,
            &format!(
                "{}\t{}\t{}\t{}\t{}\n",
                s(&event.type_),
                s(&event.reason),
                describe_event_age(event, now_ms),
                source,
                s(&event.message).trim()
            ),
        );
    }
}

fn describe_containers(
    w: &mut TabWriter,
    label: &str,
    containers: &[Container],
    statuses: &[ContainerStatus],
    pod: &Pod,
) {
    let none = if containers.is_empty() { " <none>" } else { "" };
    w.write(0, &format!("{label}:{none}\n"));
    for container in containers {
        let status = statuses.iter().find(|s| s.name == container.name);
        w.write(1, &format!("{}:\n", container.name));
        if let Some(status) = status {
            w.write(2, &format!("Container ID:\t{}\n", s(&status.container_id)));
        }
        w.write(2, &format!("Image:\t{}\n", s(&container.image)));
        if let Some(status) = status {
            w.write(2, &format!("Image ID:\t{}\n", status.image_id));
        }
        let ports = container.ports.as_deref().unwrap_or_default();
        let port_list = |port_of: &dyn Fn(&k8s_openapi::api::core::v1::ContainerPort) -> i32| {
            ports
                .iter()
                .map(|p| {
                    let mut text = format!("{}/{}", port_of(p), s(&p.protocol));
                    if !s(&p.name).is_empty() {
                        let _ = write!(text, " ({})", s(&p.name));
                    }
                    text
                })
                .collect::<Vec<_>>()
                .join(", ")
        };
        for (one, many, list) in [
            ("Port", "Ports", port_list(&|p| p.container_port)),
            (
                "Host Port",
                "Host Ports",
                port_list(&|p| p.host_port.unwrap_or(0)),
            ),
        ] {
            if list.contains(',') {
                w.write(2, &format!("{many}:\t{list}\n"));
            } else {
                w.write(2, &format!("{one}:\t{}\n", or_none(&list)));
            }
        }
        if let Some(profile) = container
            .security_context
            .as_ref()
            .and_then(|c| c.seccomp_profile.as_ref())
        {
            w.write(2, &format!("SeccompProfile:\t{}\n", profile.type_));
            if profile.type_ == "Localhost" {
                w.write(
                    3,
                    &format!("LocalhostProfile:\t{}\n", s(&profile.localhost_profile)),
                );
            }
        }
        for (title, words) in [("Command", &container.command), ("Args", &container.args)] {
            let words = words.as_deref().unwrap_or_default();
            if !words.is_empty() {
                w.write(2, &format!("{title}:\n"));
                for line in words.iter().flat_map(|word| word.split('\n')) {
                    w.write(3, &format!("{line}\n"));
                }
            }
        }
        if let Some(status) = status {
            describe_state(w, "State", status.state.as_ref());
            if let Some(last) = status
                .last_state
                .as_ref()
                .filter(|s| s.terminated.is_some())
            {
                describe_state(w, "Last State", Some(last));
            }
            let ready = if status.ready { "True" } else { "False" };
            w.write(2, &format!("Ready:\t{ready}\n"));
            w.write(2, &format!("Restart Count:\t{}\n", status.restart_count));
        }
        if let Some(resources) = &container.resources {
            describe_resources(w, resources, 2);
        }
        for (title, probe) in [
            ("Liveness", &container.liveness_probe),
            ("Readiness", &container.readiness_probe),
            ("Startup", &container.startup_probe),
        ] {
            if let Some(probe) = probe {
                w.write(2, &format!("{title}:\t{}\n", describe_probe(probe)));
            }
        }
        let env_from = container.env_from.as_deref().unwrap_or_default();
        if !env_from.is_empty() {
            w.write(2, "Environment Variables from:\n");
            for source in env_from {
                let (name, from, optional) = match (&source.config_map_ref, &source.secret_ref) {
                    (Some(r), _) => (r.name.as_str(), "ConfigMap", r.optional),
                    (None, Some(r)) => (r.name.as_str(), "Secret", r.optional),
                    (None, None) => ("", "", None),
                };
                let optional = optional.unwrap_or(false);
                match s(&source.prefix) {
                    "" => w.write(3, &format!("{name}\t{from}\tOptional: {optional}\n")),
                    prefix => w.write(
                        3,
                        &format!("{name}\t{from} with prefix '{prefix}'\tOptional: {optional}\n"),
                    ),
                }
            }
        }
        describe_env(w, container, pod);
        let mut mounts: Vec<_> = container.volume_mounts.iter().flatten().collect();
        let none = if mounts.is_empty() { "\t<none>" } else { "" };
        w.write(2, &format!("Mounts:{none}\n"));
        mounts.sort_by(|a, b| a.mount_path.cmp(&b.mount_path));
        for mount in mounts {
            let mut flags = vec![if mount.read_only == Some(true) {
                "ro".to_string()
            } else {
                "rw".to_string()
            }];
            if !s(&mount.sub_path).is_empty() {
                flags.push(format!("path={}", go_quote(s(&mount.sub_path))));
            }
            w.write(
                3,
                &format!(
                    "{} from {} ({})\n",
                    mount.mount_path,
                    mount.name,
                    flags.join(",")
                ),
            );
        }
        let mut devices: Vec<_> = container.volume_devices.iter().flatten().collect();
        if !devices.is_empty() {
            w.write(2, "Devices:\n");
            devices.sort_by(|a, b| a.device_path.cmp(&b.device_path));
            for device in devices {
                w.write(3, &format!("{} from {}\n", device.device_path, device.name));
            }
        }
    }
}

/// `describeContainerEnvVars`. A `fileKeyRef` variable prints nothing, as in kubectl.
fn describe_env(w: &mut TabWriter, container: &Container, pod: &Pod) {
    let env = container.env.as_deref().unwrap_or_default();
    let none = if env.is_empty() { "\t<none>" } else { "" };
    w.write(2, &format!("Environment:{none}\n"));
    for var in env {
        let Some(from) = &var.value_from else {
            for (i, line) in s(&var.value).split('\n').enumerate() {
                if i == 0 {
                    w.write(3, &format!("{}:\t{line}\n", var.name));
                } else {
                    w.write(3, &format!("\t{line}\n"));
                }
            }
            continue;
        };
        if let Some(field) = &from.field_ref {
            let api_version = s(&field.api_version);
            w.write(
                3,
                &format!(
                    "{}:\t{} ({api_version}:{})\n",
                    var.name,
                    field_path_value(pod, &field.field_path),
                    field.field_path
                ),
            );
        } else if let Some(resource) = &from.resource_field_ref {
            let mut value = container_resource_value(container, var).unwrap_or_default();
            if value == "0" && matches!(resource.resource.as_str(), "limits.cpu" | "limits.memory")
            {
                value = "node allocatable".into();
            }
            w.write(
                3,
                &format!("{}:\t{value} ({})\n", var.name, resource.resource),
            );
        } else if let Some(secret) = &from.secret_key_ref {
            w.write(
                3,
                &format!(
                    "{}:\t<set to the key '{}' in secret '{}'>\tOptional: {}\n",
                    var.name,
                    secret.key,
                    secret.name,
                    secret.optional.unwrap_or(false)
                ),
            );
        } else if let Some(config_map) = &from.config_map_key_ref {
            w.write(
                3,
                &format!(
                    "{}:\t<set to the key '{}' of config map '{}'>\tOptional: {}\n",
                    var.name,
                    config_map.key,
                    config_map.name,
                    config_map.optional.unwrap_or(false)
                ),
            );
        }
    }
}

/// `fieldpath.ExtractFieldPathAsString` on the pod: only metadata paths resolve (a `spec.nodeName` or
/// `status.podIP` variable shows an empty value, as in kubectl).
fn field_path_value(pod: &Pod, path: &str) -> String {
    let meta = &pod.metadata;
    let subscripted = |prefix: &str| {
        path.strip_prefix(prefix)
            .and_then(|rest| rest.strip_prefix("['"))
            .and_then(|rest| rest.strip_suffix("']"))
    };
    if let Some(key) = subscripted("metadata.annotations") {
        return meta
            .annotations
            .as_ref()
            .and_then(|a| a.get(key))
            .cloned()
            .unwrap_or_default();
    }
    if let Some(key) = subscripted("metadata.labels") {
        return meta
            .labels
            .as_ref()
            .and_then(|l| l.get(key))
            .cloned()
            .unwrap_or_default();
    }
    let format_map = |map: Option<&BTreeMap<String, String>>| {
        map.into_iter()
            .flatten()
            .map(|(k, v)| format!("{k}={}", go_quote(v)))
            .collect::<Vec<_>>()
            .join("\n")
    };
    match path {
        "metadata.annotations" => format_map(meta.annotations.as_ref()),
        "metadata.labels" => format_map(meta.labels.as_ref()),
        "metadata.name" => s(&meta.name).to_string(),
        "metadata.namespace" => s(&meta.namespace).to_string(),
        "metadata.uid" => s(&meta.uid).to_string(),
        _ => String::new(),
    }
}

/// `ExtractContainerResourceValue`: the container's cpu (millicores) or memory/storage (bytes) limit or
/// request divided by the divisor (1 when unset or zero), rounded up.
fn container_resource_value(container: &Container, var: &EnvVar) -> Option<String> {
    let selector = var.value_from.as_ref()?.resource_field_ref.as_ref()?;
    // (millis, value) of the divisor: 1 when unset or zero.
    let divisor = selector
        .divisor
        .as_ref()
        .and_then(|d| Quantity::parse(&d.0).ok())
        .filter(|d| !d.is_zero())
        .map_or((1000, 1), |d| (d.milli_value(), d.value()));
    let (kind, name) = selector.resource.split_once('.')?;
    let resources = container.resources.as_ref();
    let list = match kind {
        "limits" => resources.and_then(|r| r.limits.as_ref()),
        "requests" => resources.and_then(|r| r.requests.as_ref()),
        _ => return None,
    };
    let amount = list
        .and_then(|l| l.get(name))
        .and_then(|q| Quantity::parse(&q.0).ok())
        .map_or((0, 0), |q| (q.milli_value(), q.value()));
    let ratio = |value: i64, per: i64| (value as f64 / per.max(1) as f64).ceil() as i64;
    match name {
        "cpu" => Some(ratio(amount.0, divisor.0).to_string()),
        "memory" | "ephemeral-storage" => Some(ratio(amount.1, divisor.1).to_string()),
        _ if name.starts_with("hugepages-") => Some(ratio(amount.1, divisor.1).to_string()),
        _ => None,
    }
}

/// `describeStatus`.
fn describe_state(w: &mut TabWriter, title: &str, state: Option<&ContainerState>) {
    let none = ContainerState::default();
    let state = state.unwrap_or(&none);
    if let Some(running) = &state.running {
        w.write(2, &format!("{title}:\tRunning\n"));
        w.write(
            3,
            &format!(
                "Started:\t{}\n",
                rfc1123z_or_zero(running.started_at.as_ref().map(|t| &t.0))
            ),
        );
    } else if let Some(waiting) = &state.waiting {
        w.write(2, &format!("{title}:\tWaiting\n"));
        if !s(&waiting.reason).is_empty() {
            w.write(3, &format!("Reason:\t{}\n", s(&waiting.reason)));
        }
    } else if let Some(terminated) = &state.terminated {
        w.write(2, &format!("{title}:\tTerminated\n"));
        if !s(&terminated.reason).is_empty() {
            w.write(3, &format!("Reason:\t{}\n", s(&terminated.reason)));
        }
        if !s(&terminated.message).is_empty() {
            w.write(3, &format!("Message:\t{}\n", s(&terminated.message)));
        }
        w.write(3, &format!("Exit Code:\t{}\n", terminated.exit_code));
        if let Some(signal) = terminated.signal.filter(|&s| s > 0) {
            w.write(3, &format!("Signal:\t{signal}\n"));
        }
        w.write(
            3,
            &format!(
                "Started:\t{}\n",
                rfc1123z_or_zero(terminated.started_at.as_ref().map(|t| &t.0))
            ),
        );
        w.write(
            3,
            &format!(
                "Finished:\t{}\n",
                rfc1123z_or_zero(terminated.finished_at.as_ref().map(|t| &t.0))
            ),
        );
    } else {
        w.write(2, &format!("{title}:\tWaiting\n"));
    }
}

/// `describeResources`: limits, then requests, each sorted by name, in canonical form.
fn describe_resources(w: &mut TabWriter, resources: &ResourceRequirements, level: usize) {
    for (title, list) in [
        ("Limits", &resources.limits),
        ("Requests", &resources.requests),
    ] {
        let Some(list) = list.as_ref().filter(|l| !l.is_empty()) else {
            continue;
        };
        w.write(level, &format!("{title}:\n"));
        for (name, quantity) in list {
            let text = Quantity::parse(&quantity.0)
                .map(|q| q.canonical())
                .unwrap_or_else(|_| quantity.0.clone());
            w.write(level + 1, &format!("{name}:\t{text}\n"));
        }
    }
}

/// `DescribeProbe`.
pub fn describe_probe(probe: &Probe) -> String {
    let attrs = format!(
        "delay={}s timeout={}s period={}s successThreshold={} failureThreshold={}",
        probe.initial_delay_seconds.unwrap_or(0),
        probe.timeout_seconds.unwrap_or(0),
        probe.period_seconds.unwrap_or(0),
        probe.success_threshold.unwrap_or(0),
        probe.failure_threshold.unwrap_or(0)
    );
    if let Some(exec) = &probe.exec {
        return format!(
            "exec [{}] {attrs}",
            exec.command.as_deref().unwrap_or_default().join(" ")
        );
    }
    if let Some(http) = &probe.http_get {
        let port = int_or_string(&http.port);
        let host = s(&http.host);
        let authority = if port.is_empty() {
            host.to_string()
        } else if host.contains(':') {
            format!("[{host}]:{port}")
        } else {
            format!("{host}:{port}")
        };
        let path = s(&http.path);
        let slash = if !path.is_empty() && !path.starts_with('/') && !authority.is_empty() {
            "/"
        } else {
            ""
        };
        let scheme = s(&http.scheme).to_lowercase();
        let prefix = if scheme.is_empty() {
            format!("//{authority}")
        } else {
            format!("{scheme}://{authority}")
        };
        return format!("http-get {prefix}{slash}{path} {attrs}");
    }
    if let Some(tcp) = &probe.tcp_socket {
        return format!(
            "tcp-socket {}:{} {attrs}",
            s(&tcp.host),
            int_or_string(&tcp.port)
        );
    }
    if let Some(grpc) = &probe.grpc {
        return format!("grpc <pod>:{} {} {attrs}", grpc.port, s(&grpc.service));
    }
    format!("unknown {attrs}")
}

/// `describeVolumes`.
fn describe_volumes(w: &mut TabWriter, volumes: &[Volume]) {
    if volumes.is_empty() {
        w.write(0, "Volumes:\t<none>\n");
        return;
    }
    w.write(0, "Volumes:\n");
    for volume in volumes {
        w.write(1, &format!("{}:\n", volume.name));
        let optional = |o: Option<bool>| o.unwrap_or(false);
        if let Some(host_path) = &volume.host_path {
            w.write(
                2,
                &format!(
                    "Type:\tHostPath (bare host directory volume)\n    Path:\t{}\n    HostPathType:\t{}\n",
                    host_path.path,
                    or_none(s(&host_path.type_))
                ),
            );
        } else if let Some(empty_dir) = &volume.empty_dir {
            let size = empty_dir
                .size_limit
                .as_ref()
                .and_then(|q| Quantity::parse(&q.0).ok())
                .filter(|q| !q.is_zero() && !q.is_negative())
                .map_or("<unset>".to_string(), |q| q.canonical());
            w.write(
                2,
                &format!(
                    "Type:\tEmptyDir (a temporary directory that shares a pod's lifetime)\n    Medium:\t{}\n    SizeLimit:\t{size}\n",
                    s(&empty_dir.medium)
                ),
            );
        } else if let Some(git) = &volume.git_repo {
            w.write(
                2,
                &format!(
                    "Type:\tGitRepo (a volume that is pulled from git when the pod is created)\n    Repository:\t{}\n    Revision:\t{}\n",
                    git.repository,
                    s(&git.revision)
                ),
            );
        } else if let Some(secret) = &volume.secret {
            w.write(
                2,
                &format!(
                    "Type:\tSecret (a volume populated by a Secret)\n    SecretName:\t{}\n    Optional:\t{}\n",
                    s(&secret.secret_name),
                    optional(secret.optional)
                ),
            );
        } else if let Some(config_map) = &volume.config_map {
            w.write(
                2,
                &format!(
                    "Type:\tConfigMap (a volume populated by a ConfigMap)\n    Name:\t{}\n    Optional:\t{}\n",
                    config_map.name,
                    optional(config_map.optional)
                ),
            );
        } else if let Some(nfs) = &volume.nfs {
            w.write(
                2,
                &format!(
                    "Type:\tNFS (an NFS mount that lasts the lifetime of a pod)\n    Server:\t{}\n    Path:\t{}\n    ReadOnly:\t{}\n",
                    nfs.server,
                    nfs.path,
                    nfs.read_only.unwrap_or(false)
                ),
            );
        } else if let Some(claim) = &volume.persistent_volume_claim {
            w.write(
                2,
                &format!(
                    "Type:\tPersistentVolumeClaim (a reference to a PersistentVolumeClaim in the same namespace)\n    ClaimName:\t{}\n    ReadOnly:\t{}\n",
                    claim.claim_name,
                    claim.read_only.unwrap_or(false)
                ),
            );
        } else if let Some(ephemeral) = &volume.ephemeral {
            w.write(
                2,
                "Type:\tEphemeralVolume (an inline specification for a volume that gets created and deleted with the pod)\n",
            );
            if let Some(template) = &ephemeral.volume_claim_template {
                // `printPersistentVolumeClaim` of the template (not a full claim) two levels in.
                let spec = &template.spec;
                let no_meta = Default::default();
                let meta = template.metadata.as_ref().unwrap_or(&no_meta);
                let class = meta
                    .annotations
                    .as_ref()
                    .and_then(|a| a.get("volume.beta.kubernetes.io/storage-class"))
                    .cloned()
                    .or_else(|| spec.storage_class_name.clone())
                    .unwrap_or_default();
                w.nest = 2;
                w.write(0, &format!("StorageClass:\t{class}\n"));
                w.write(0, &format!("Volume:\t{}\n", s(&spec.volume_name)));
                labels_multiline(w, "Labels", meta.labels.as_ref());
                annotations_multiline(w, meta.annotations.as_ref());
                w.write(0, "Capacity:\t\n");
                w.write(0, "Access Modes:\t\n");
                if let Some(mode) = &spec.volume_mode {
                    w.write(0, &format!("VolumeMode:\t{mode}\n"));
                }
                if let Some(source) = &spec.data_source {
                    w.write(0, "DataSource:\n");
                    if let Some(group) = &source.api_group {
                        w.write(1, &format!("APIGroup:\t{group}\n"));
                    }
                    w.write(1, &format!("Kind:\t{}\n", source.kind));
                    w.write(1, &format!("Name:\t{}\n", source.name));
                }
                w.nest = 0;
            }
        } else if let Some(downward) = &volume.downward_api {
            w.write(
                2,
                "Type:\tDownwardAPI (a volume populated by information about the pod)\n    Items:\n",
            );
            for item in downward.items.iter().flatten() {
                if let Some(field) = &item.field_ref {
                    w.write(3, &format!("{} -> {}\n", field.field_path, item.path));
                }
                if let Some(resource) = &item.resource_field_ref {
                    w.write(3, &format!("{} -> {}\n", resource.resource, item.path));
                }
            }
        } else if let Some(projected) = &volume.projected {
            w.write(
                2,
                "Type:\tProjected (a volume that contains injected data from multiple sources)\n",
            );
            for source in projected.sources.iter().flatten() {
                if let Some(secret) = &source.secret {
                    w.write(
                        2,
                        &format!(
                            "SecretName:\t{}\n    Optional:\t{}\n",
                            secret.name,
                            optional(secret.optional)
                        ),
                    );
                } else if source.downward_api.is_some() {
                    w.write(2, "DownwardAPI:\ttrue\n");
                } else if let Some(config_map) = &source.config_map {
                    w.write(
                        2,
                        &format!(
                            "ConfigMapName:\t{}\n    Optional:\t{}\n",
                            config_map.name,
                            optional(config_map.optional)
                        ),
                    );
                } else if let Some(token) = &source.service_account_token {
                    w.write(
                        2,
                        &format!(
                            "TokenExpirationSeconds:\t{}\n",
                            token.expiration_seconds.unwrap_or(0)
                        ),
                    );
                }
            }
        } else if let Some(csi) = &volume.csi {
            w.write(
                2,
                &format!(
                    "Type:\tCSI (a Container Storage Interface (CSI) volume source)\n    Driver:\t{}\n    FSType:\t{}\n    ReadOnly:\t{}\n",
                    csi.driver,
                    s(&csi.fs_type),
                    csi.read_only.unwrap_or(false)
                ),
            );
            w.write(2, "VolumeAttributes:\t");
            match csi.volume_attributes.as_ref().filter(|a| !a.is_empty()) {
                None => w.write_line("<none>"),
                Some(attributes) => {
                    for (i, (key, value)) in attributes.iter().enumerate() {
                        if i != 0 {
                            w.write(2, "");
                            w.write(2, "\t");
                        }
                        let line = format!("{key}={value}");
                        if line.len() > MAX_ANNOTATION_LEN {
                            w.write(
                                2,
                                &format!("{}...\n", byte_prefix(&line, MAX_ANNOTATION_LEN)),
                            );
                        } else {
                            w.write(2, &format!("{line}\n"));
                        }
                    }
                }
            }
        } else if let Some(image) = &volume.image {
            w.write(
                2,
                &format!(
                    "Type:\tImage (a container image or OCI artifact)\n    Reference:\t{}\n    PullPolicy:\t{}\n",
                    s(&image.reference),
                    s(&image.pull_policy)
                ),
            );
        } else {
            w.write(1, "<unknown>\n");
        }
    }
}

/// `printLabelsMultiline`: sorted `key=value` lines under a tabbed title, or `<none>`.
fn labels_multiline(w: &mut TabWriter, title: &str, labels: Option<&BTreeMap<String, String>>) {
    w.write(0, &format!("{title}:\t"));
    match labels.filter(|l| !l.is_empty()) {
        None => w.write_line("<none>"),
        Some(labels) => {
            for (i, (key, value)) in labels.iter().enumerate() {
                if i != 0 {
                    w.write(0, "\t");
                }
                w.write(0, &format!("{key}={value}\n"));
            }
        }
    }
}

/// `printAnnotationsMultiline`: kubectl's last-applied annotation left out; a long or multi-line value
/// on its own lines, each shortened to 138 bytes.
fn annotations_multiline(w: &mut TabWriter, annotations: Option<&BTreeMap<String, String>>) {
    w.write(0, "Annotations:\t");
    let shown: Vec<(&String, &String)> = annotations
        .into_iter()
        .flatten()
        .filter(|(key, _)| key.as_str() != LAST_APPLIED)
        .collect();
    if shown.is_empty() {
        w.write_line("<none>");
        return;
    }
    for (i, (key, value)) in shown.into_iter().enumerate() {
        if i != 0 {
            w.write(0, "\t");
        }
        let value = value.strip_suffix('\n').unwrap_or(value);
        if value.len() + key.len() + 2 > MAX_ANNOTATION_LEN || value.contains('\n') {
            w.write(0, &format!("{key}:\n"));
            for line in value.split('\n') {
                let short = if line.len() > MAX_ANNOTATION_LEN - 2 {
                    format!("{}...", byte_prefix(line, MAX_ANNOTATION_LEN - 2))
                } else {
                    line.to_string()
                };
                w.write(0, &format!("\t  {short}\n"));
            }
        } else {
            w.write(0, &format!("{key}: {value}\n"));
        }
    }
}

/// `printTolerationsMultiline`: sorted by key; `key=value:Effect`, ` op=Exists` for a valueless Exists,
/// ` for Ns` with tolerationSeconds.
fn tolerations_multiline(w: &mut TabWriter, tolerations: &[Toleration]) {
    w.write(0, "Tolerations:\t");
    if tolerations.is_empty() {
        w.write_line("<none>");
        return;
    }
    let mut sorted: Vec<&Toleration> = tolerations.iter().collect();
    sorted.sort_by(|a, b| s(&a.key).cmp(s(&b.key)));
    for (i, t) in sorted.into_iter().enumerate() {
        if i != 0 {
            w.write(0, "\t");
        }
        let mut line = s(&t.key).to_string();
        if !s(&t.value).is_empty() {
            let _ = write!(line, "={}", s(&t.value));
        }
        if !s(&t.effect).is_empty() {
            let _ = write!(line, ":{}", s(&t.effect));
        }
        if s(&t.operator) == "Exists" && s(&t.value).is_empty() {
            if !s(&t.key).is_empty() || !s(&t.effect).is_empty() {
                line.push_str(" op=Exists");
            } else {
                line.push_str("op=Exists");
            }
        }
        if let Some(seconds) = t.toleration_seconds {
            let _ = write!(line, " for {seconds}s");
        }
        line.push('\n');
        w.write(0, &line);
    }
}

/// `metav1.FormatLabelSelector`: the selector's requirements sorted by key (`k=v`, `k in (a,b)`,
/// `k notin (a,b)`, `k`, `!k`), or `<none>` when it selects everything.
pub fn format_label_selector(selector: &LabelSelector) -> String {
    let mut requirements: Vec<(String, String)> = Vec::new();
    for (key, value) in selector.match_labels.iter().flatten() {
        requirements.push((key.clone(), format!("{key}={value}")));
    }
    for expression in selector.match_expressions.iter().flatten() {
        let key = &expression.key;
        let mut values = expression.values.clone().unwrap_or_default();
        values.sort();
        values.dedup();
        let text = match expression.operator.as_str() {
            "In" => format!("{key} in ({})", values.join(",")),
            "NotIn" => format!("{key} notin ({})", values.join(",")),
            "Exists" => key.clone(),
            "DoesNotExist" => format!("!{key}"),
            _ => return "<error>".into(),
        };
        requirements.push((key.clone(), text));
    }
    requirements.sort_by(|a, b| a.0.cmp(&b.0));
    if requirements.is_empty() {
        return "<none>".into();
    }
    requirements
        .into_iter()
        .map(|(_, text)| text)
        .collect::<Vec<_>>()
        .join(",")
}

/// Go's `time.RFC1123Z` layout in UTC: `Mon, 02 Jan 2006 15:04:05 +0000`.
fn rfc1123z(t: &Timestamp) -> String {
    const DAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let seconds = t.as_second();
    let days = seconds.div_euclid(86_400);
    let of_day = seconds.rem_euclid(86_400);
    let (year, month, day) = civil_from_days(days);
    format!(
        "{}, {day:02} {} {year:04} {:02}:{:02}:{:02} +0000",
        DAYS[days.rem_euclid(7) as usize],
        MONTHS[(month - 1) as usize],
        of_day / 3600,
        of_day / 60 % 60,
        of_day % 60
    )
}

/// [`rfc1123z`], or Go's zero time when the timestamp is absent.
fn rfc1123z_or_zero(t: Option<&Timestamp>) -> String {
    t.map_or_else(|| "Mon, 01 Jan 0001 00:00:00 +0000".into(), rfc1123z)
}

fn int_or_string(value: &IntOrString) -> String {
    match value {
        IntOrString::Int(n) => n.to_string(),
        IntOrString::String(s) => s.clone(),
    }
}

/// Go's `%q` for the printable strings podflow stores.
fn go_quote(value: &str) -> String {
    let mut out = String::from("\"");
    for c in value.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() => {
                let _ = write!(out, "\\x{:02x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The longest prefix of `text` of at most `max` bytes that ends on a character boundary (Go slices
/// bytes; podflow never splits a character).
fn byte_prefix(text: &str, max: usize) -> &str {
    let mut end = max.min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

fn or_none(text: &str) -> &str {
    if text.is_empty() {
        "<none>"
    } else {
        text
    }
}

fn s(value: &Option<String>) -> &str {
    value.as_deref().unwrap_or_default()
}

#[cfg(test)]
mod tests;
