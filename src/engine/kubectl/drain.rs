//! `kubectl drain <node>`: cordon the node, then evict every pod on it through the eviction
//! subresource, retrying the ones a PodDisruptionBudget refuses every 5 s, and wait until they are
//! gone.
//!
//! Mirrors `k8s.io/kubectl/pkg/cmd/drain` (`RunDrain`, `deleteOrEvictPodsSimple`, its output) and
//! `pkg/drain` (`GetPodsForDeletion` with the filters in upstream order — skip deleted, DaemonSet,
//! mirror pod, local storage, unreplicated — `evictPods`, `waitForDelete`, the Eviction body, the
//! warnings and errors as kubectl prints them). A drain runs over virtual time: each step is a
//! [`ClientAction::DrainProgress`] event carrying the whole run, and every time kubectl prints,
//! a `Result` entry records the new lines (`data.output`) and the transcript so far (`data.lines`).
//!
//! Where upstream is nondeterministic, podflow picks one order: the pods are evicted in list order
//! (upstream starts one goroutine per pod), and warning and error groups are printed in the order
//! their first pod was listed (upstream iterates a Go map). Simplifications: kubectl's discovery
//! request (`GET /api/v1`, which finds `pods/eviction`) is not sent, as podflow always serves
//! evictions; the 1 s polls of `waitForDelete` read the cluster without a traced request (the poll
//! that finds the pod gone prints `pod/<name> evicted`); podflow serves no DaemonSets, so the GET of a
//! pod's DaemonSet gets the API server's 404 for an unserved resource; `--pod-selector`,
//! `--selector`, `--dry-run`, `--disable-eviction`, `--skip-wait-for-delete-timeout` and
//! `--chunk-size` are not offered.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::Pod;
use serde_json::{json, Value};

use super::{server_error, session, ClientAction, KubectlOutput, ResultDetails, NODES};
use crate::engine::api::{ApiRequest, Credentials, RequestBody, ResponseBody, Verb};
use crate::engine::objects::{object_ref, resource_by_name, Object};
use crate::engine::sim::{Ctx, Event};
use crate::engine::trace::{Component, Outcome, Stage, TraceData};

/// `EvictErrorRetryDelay`: how long drain waits before asking again after a 429.
pub const EVICT_RETRY_DELAY_MS: u64 = 5_000;
/// How often `waitForDelete` looks for an evicted pod.
pub const WAIT_POLL_MS: u64 = 1_000;

/// The flags of `kubectl drain`, with upstream's defaults.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DrainOptions {
    /// `--force`: pods without a controller are deleted too (with a warning).
    pub force: bool,
    /// `--ignore-daemonsets`: DaemonSet-managed pods are left alone (with a warning).
    pub ignore_daemonsets: bool,
    /// `--delete-emptydir-data`: pods with `emptyDir` volumes are evicted too.
    pub delete_emptydir_data: bool,
    /// `--grace-period`; `None` is upstream's -1: each pod's own grace period.
    pub grace_period_seconds: Option<i64>,
    /// `--timeout`; `None` is upstream's 0: no deadline (a refused eviction is retried forever).
    pub timeout_seconds: Option<u64>,
}

impl DrainOptions {
    /// The flags that differ from the defaults, in `kubectl drain --help` order.
    pub fn flags(&self) -> Vec<String> {
        let mut flags = Vec::new();
        if self.delete_emptydir_data {
            flags.push("--delete-emptydir-data".to_string());
        }
        if self.force {
            flags.push("--force".to_string());
        }
        if let Some(grace) = self.grace_period_seconds {
            flags.push(format!("--grace-period={grace}"));
        }
        if self.ignore_daemonsets {
            flags.push("--ignore-daemonsets".to_string());
        }
        if let Some(timeout) = self.timeout_seconds {
            flags.push(format!("--timeout={}", go_duration(timeout)));
        }
        flags
    }

    /// The command line: `kubectl drain node-a --ignore-daemonsets --timeout=1m0s`.
    pub fn command_line(&self, node: &str) -> String {
        let mut line = format!("kubectl drain {node}");
        for flag in self.flags() {
            line.push(' ');
            line.push_str(&flag);
        }
        line
    }

    /// Reads the flags of a `kubectl drain` command line (after the node name).
    pub fn parse(flags: &[&str]) -> Result<DrainOptions, String> {
        let mut options = DrainOptions::default();
        for flag in flags {
            let (name, value) = match flag.split_once('=') {
                Some((name, value)) => (name, Some(value)),
                None => (*flag, None),
            };
            let switch = |value: Option<&str>| {
                match value {
                None | Some("true") => Ok(true),
                Some("false") => Ok(false),
                Some(other) => Err(format!(
                    "invalid argument {other:?} for {name:?} flag: strconv.ParseBool: parsing {other:?}: invalid syntax"
                )),
            }
            };
            match name {
                "--force" => options.force = switch(value)?,
                "--ignore-daemonsets" => options.ignore_daemonsets = switch(value)?,
                "--delete-emptydir-data" => options.delete_emptydir_data = switch(value)?,
                "--grace-period" => {
                    let grace: i64 = value.and_then(|v| v.parse().ok()).ok_or_else(|| {
                        format!(
                            "invalid argument {:?} for \"--grace-period\" flag",
                            value.unwrap_or("")
                        )
                    })?;
                    options.grace_period_seconds = (grace >= 0).then_some(grace);
                }
                "--timeout" => {
                    let seconds = value.and_then(parse_go_duration).ok_or_else(|| {
                        format!("invalid argument {:?} for \"--timeout\" flag: time: invalid duration {:?}", value.unwrap_or(""), value.unwrap_or(""))
                    })?;
                    options.timeout_seconds = (seconds > 0).then_some(seconds);
                }
                other => return Err(format!("unknown flag: {other}")),
            }
        }
        Ok(options)
    }
}

/// A Go `time.Duration` of whole seconds as `String()` prints it: `30s`, `1m0s`, `1h0m0s`.
pub fn go_duration(seconds: u64) -> String {
    let (h, m, s) = (seconds / 3600, seconds / 60 % 60, seconds % 60);
    match (h, m) {
        (0, 0) => format!("{s}s"),
        (0, _) => format!("{m}m{s}s"),
        _ => format!("{h}h{m}m{s}s"),
    }
}

/// Whole seconds of a Go duration written with `h`, `m` and `s` units (`90s`, `1m30s`, `2m`).
fn parse_go_duration(text: &str) -> Option<u64> {
    if text == "0" {
        return Some(0);
    }
    let mut total: u64 = 0;
    let mut number = String::new();
    for c in text.chars() {
        if c.is_ascii_digit() {
            number.push(c);
            continue;
        }
        let unit = match c {
            'h' => 3600,
            'm' => 60,
            's' => 1,
            _ => return None,
        };
        let n: u64 = number.parse().ok()?;
        total = total.checked_add(n.checked_mul(unit)?)?;
        number.clear();
    }
    number
        .is_empty()
        .then_some(total)
        .filter(|_| !text.is_empty())
}

/// One pod drain is evicting.
#[derive(Clone, Debug, PartialEq, Eq)]
struct EvictedPod {
    namespace: String,
    name: String,
    uid: String,
    /// Evicted, now waiting for it to be gone.
    waiting: bool,
    /// Refused before: the next attempt reads the pod again first.
    refused: bool,
    /// When drain acts on it next.
    due_ms: u64,
}

/// A drain in progress, carried from one step to the next.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DrainRun {
    credentials: Credentials,
    node: String,
    options: DrainOptions,
    deadline_ms: Option<u64>,
    pods: Vec<EvictedPod>,
    /// Pods whose eviction or wait failed, with kubectl's error.
    errors: Vec<String>,
    /// Everything printed so far.
    transcript: Vec<String>,
}

/// What the filters decided about one pod (`PodDeleteStatus`).
#[derive(Clone, Debug, PartialEq, Eq)]
enum Verdict {
    Evict,
    /// Evicted, with this warning.
    EvictWithWarning(&'static str),
    /// Left alone, with this warning.
    KeepWithWarning(&'static str),
    /// Left alone silently (a mirror pod).
    Skip,
    /// Drain cannot go on: `cannot delete <message>`.
    Fatal(String),
}

const DAEMONSET_FATAL: &str = "DaemonSet-managed Pods (use --ignore-daemonsets to ignore)";
const DAEMONSET_WARNING: &str = "ignoring DaemonSet-managed Pods";
const LOCAL_STORAGE_FATAL: &str =
    "Pods with local storage (use --delete-emptydir-data to override)";
const UNMANAGED_FATAL: &str = "Pods that declare no controller (use --force to override)";
const UNMANAGED_WARNING: &str = "deleting Pods that declare no controller";
const MIRROR_ANNOTATION: &str = "kubernetes.io/config.mirror";

/// Starts `kubectl drain <node>`: cordon, list, filter, and the first eviction of each pod.
pub fn start(
    ctx: &mut Ctx,
    credentials: Credentials,
    node: &str,
    options: DrainOptions,
) -> KubectlOutput {
    let mut run = DrainRun {
        credentials,
        node: node.to_string(),
        deadline_ms: options
            .timeout_seconds
            .map(|t| ctx.now_ms.saturating_add(t.saturating_mul(1000))),
        options,
        pods: Vec::new(),
        errors: Vec::new(),
        transcript: Vec::new(),
    };
    let object = object_ref("nodes", None, node);
    let mut printed = Vec::new();
    let mut s = session(ctx, run.credentials.clone(), object.clone());
    // The resource builder's GET: a missing node fails before anything else.
    let current = match s.send(s.request(Verb::Get, NODES, "", node)).result {
        Ok(ResponseBody::Object(node)) => node.to_json(),
        Ok(_) => Value::Null,
        Err(status) => {
            drop(s);
            printed.push(server_error(&status));
            return finish(ctx, &mut run, &object, printed, Outcome::Failed);
        }
    };
    let cordoned = current
        .pointer("/spec/unschedulable")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    if cordoned {
        printed.push(format!("node/{node} already cordoned"));
    } else {
        let mut patch = s.request(Verb::Patch, NODES, "", node);
        patch.body = Some(RequestBody::Json(json!({"spec": {"unschedulable": true}})));
        match s.send(patch).result {
            Ok(_) => printed.push(format!("node/{node} cordoned")),
            Err(status) => printed.push(format!(
                "error: unable to cordon node {node:?}: {}",
                status.message.unwrap_or_default()
            )),
        }
    }
    drop(s);
    let listed = match pods_for_deletion(ctx, &run) {
        Ok(listed) => listed,
        Err(line) => {
            let lines = std::slice::from_ref(&line);
            printed.extend(node_failed(node, lines, lines));
            return finish(ctx, &mut run, &object, printed, Outcome::Failed);
        }
    };
    let fatal = grouped(&listed, |v| match v {
        Verdict::Fatal(message) => Some(message.clone()),
        _ => None,
    });
    if !fatal.is_empty() {
        let errors: Vec<String> = fatal
            .iter()
            .map(|(message, pods)| format!("cannot delete {message}: {}", pods.join(", ")))
            .collect();
        printed.extend(node_failed(node, &errors, &errors));
        return finish(ctx, &mut run, &object, printed, Outcome::Failed);
    }
    let warnings = grouped(&listed, |v| match v {
        Verdict::EvictWithWarning(w) | Verdict::KeepWithWarning(w) => Some(w.to_string()),
        _ => None,
    });
    if !warnings.is_empty() {
        let groups: Vec<String> = warnings
            .iter()
            .map(|(message, pods)| format!("{message}: {}", pods.join(", ")))
            .collect();
        printed.push(format!("Warning: {}", groups.join("; ")));
    }
    run.pods = listed
        .iter()
        .filter(|(_, v)| matches!(v, Verdict::Evict | Verdict::EvictWithWarning(_)))
        .map(|(pod, _)| EvictedPod {
            namespace: pod.metadata.namespace.clone().unwrap_or_default(),
            name: pod.metadata.name.clone().unwrap_or_default(),
            uid: pod.metadata.uid.clone().unwrap_or_default(),
            waiting: false,
            refused: false,
            due_ms: ctx.now_ms,
        })
        .collect();
    let output = step(ctx, run, printed);
    KubectlOutput {
        lines: output.0,
        success: output.1,
    }
}

/// One later step of a drain: the evictions and polls now due.
pub fn resume(ctx: &mut Ctx, run: DrainRun) {
    step(ctx, run, Vec::new());
}

/// Acts on every pod now due, prints, and either schedules the next step or ends the drain.
fn step(ctx: &mut Ctx, mut run: DrainRun, mut printed: Vec<String>) -> (Vec<String>, bool) {
    let now = ctx.now_ms;
    let object = object_ref("nodes", None, &run.node);
    let expired = run.deadline_ms.is_some_and(|d| now >= d);
    let mut pods = std::mem::take(&mut run.pods);
    let mut i = 0;
    while i < pods.len() {
        if pods[i].due_ms > now {
            i += 1;
            continue;
        }
        let done = if pods[i].waiting {
            wait_for_delete(ctx, &mut run, &pods[i], expired, &mut printed)
        } else {
            evict(ctx, &mut run, &mut pods[i], expired, &mut printed)
        };
        if done {
            pods.remove(i);
        } else {
            i += 1;
        }
    }
    run.pods = pods;
    if let Some(next) = run.pods.iter().map(|p| p.due_ms).min() {
        let output = (printed.clone(), true);
        if !printed.is_empty() {
            record(ctx, &mut run, &object, printed, Outcome::Info);
        }
        ctx.after(
            next.saturating_sub(now),
            Event::Client(ClientAction::DrainProgress(Box::new(run))),
        );
        return output;
    }
    let node = run.node.clone();
    if run.errors.is_empty() {
        printed.push(format!("node/{node} drained"));
        let output = (printed.clone(), true);
        finish(ctx, &mut run, &object, printed, Outcome::Ok);
        return output;
    }
    // `deleteOrEvictPodsSimple` lists again to name the pods still there.
    let aggregate = aggregate(&run.errors);
    if let Ok(listed) = pods_for_deletion(ctx, &run) {
        let pending: Vec<String> = listed
            .iter()
            .filter(|(_, v)| matches!(v, Verdict::Evict | Verdict::EvictWithWarning(_)))
            .map(|(pod, _)| format!("pod/{}", pod.metadata.name.as_deref().unwrap_or("")))
            .collect();
        if !pending.is_empty() {
            printed.push(format!(
                "There are pending pods in node {node:?} when an error occurred: {aggregate}"
            ));
            printed.extend(pending);
        }
    }
    let errors = run.errors.clone();
    printed.extend(node_failed(&node, &[aggregate], &errors));
    let output = (printed.clone(), false);
    finish(ctx, &mut run, &object, printed, Outcome::Failed);
    output
}

/// One eviction attempt (`evictPods`' loop body). Returns whether the pod is done with.
fn evict(
    ctx: &mut Ctx,
    run: &mut DrainRun,
    pod: &mut EvictedPod,
    expired: bool,
    printed: &mut Vec<String>,
) -> bool {
    let (namespace, name) = (pod.namespace.clone(), pod.name.clone());
    printed.push(format!("evicting pod {namespace}/{name}"));
    if expired {
        run.errors.push(format!(
            "error when evicting pods/{name:?} -n {namespace:?}: global timeout reached: {}",
            go_duration(run.options.timeout_seconds.unwrap_or(0))
        ));
        return true;
    }
    let Some(pods) = resource_by_name("pods") else {
        return true;
    };
    let mut s = session(
        ctx,
        run.credentials.clone(),
        object_ref("pods", Some(&namespace), &name),
    );
    s.command = Some("drain");
    if pod.refused {
        // After a refusal kubectl reads the pod again (an error is ignored: the eviction says it).
        let _ = s.send(s.request(Verb::Get, pods, &namespace, &name));
    }
    let mut delete_options = serde_json::Map::new();
    if let Some(grace) = run.options.grace_period_seconds {
        delete_options.insert("gracePeriodSeconds".into(), json!(grace));
    }
    let request = s
        .request(Verb::Create, pods, &namespace, &name)
        .subresource("eviction")
        .body(RequestBody::Json(json!({
            "kind": "Eviction",
            "apiVersion": "policy/v1",
            "metadata": {"name": name, "namespace": namespace},
            "deleteOptions": Value::Object(delete_options),
        })));
    let response = s.send(request);
    printed.extend(s.warnings.drain(..).map(|w| format!("Warning: {w}")));
    drop(s);
    match response.result {
        Ok(_) => {
            pod.waiting = true;
            // `waitForDelete` looks at once, then every second.
            if gone(ctx, pod) {
                printed.push(format!("pod/{name} evicted"));
                return true;
            }
            pod.due_ms = ctx.now_ms + WAIT_POLL_MS;
            false
        }
        Err(status) if status.code == Some(404) => true,
        Err(status) if status.code == Some(429) => {
            printed.push(format!(
                "error when evicting pods/{name:?} -n {namespace:?} (will retry after 5s): {}",
                status.message.unwrap_or_default()
            ));
            pod.due_ms = ctx.now_ms + EVICT_RETRY_DELAY_MS;
            pod.refused = true;
            false
        }
        Err(status) => {
            run.errors.push(format!(
                "error when evicting pods/{name:?} -n {namespace:?}: {}",
                status.message.unwrap_or_default()
            ));
            true
        }
    }
}

/// One poll of `waitForDelete`. Returns whether the pod is done with.
fn wait_for_delete(
    ctx: &mut Ctx,
    run: &mut DrainRun,
    pod: &EvictedPod,
    expired: bool,
    printed: &mut Vec<String>,
) -> bool {
    if gone(ctx, pod) {
        printed.push(format!("pod/{} evicted", pod.name));
        return true;
    }
    if expired {
        run.errors.push(format!(
            "error when waiting for pod {:?} in namespace {:?} to terminate: context deadline exceeded",
            pod.name, pod.namespace
        ));
        return true;
    }
    false
}

/// The pod is no longer there, or a new pod of the same name is.
fn gone(ctx: &Ctx, pod: &EvictedPod) -> bool {
    let key = crate::engine::store::key("pods", Some(&pod.namespace), &pod.name);
    match ctx.api.store.get(&key).map(|s| &s.object) {
        Some(Object::Pod(current)) => current.metadata.uid.as_deref().unwrap_or("") != pod.uid,
        _ => true,
    }
}

/// `GetPodsForDeletion`: the pods on the node (a traced LIST with the `spec.nodeName` field
/// selector), each with the filters' verdict.
fn pods_for_deletion(ctx: &mut Ctx, run: &DrainRun) -> Result<Vec<(Pod, Verdict)>, String> {
    let mut s = session(
        ctx,
        run.credentials.clone(),
        object_ref("nodes", None, &run.node),
    );
    let request =
        ApiRequest::new(run.credentials.clone(), Verb::List, "pods").on_node(run.node.clone());
    let items = match s.send(request).result {
        Ok(ResponseBody::List(items)) => items,
        Ok(_) => Vec::new(),
        Err(status) => return Err(server_error(&status)),
    };
    let mut listed = Vec::new();
    for item in items {
        let Object::Pod(pod) = item else {
            continue;
        };
        let verdict = filter(&mut s, &run.options, &pod);
        listed.push(((*pod).clone(), verdict));
    }
    Ok(listed)
}

/// The filters in upstream order; the first that keeps the pod decides, and a later one overrides
/// an earlier one that let it go (so a local-storage warning never shows).
fn filter(s: &mut super::Session, options: &DrainOptions, pod: &Pod) -> Verdict {
    let phase = pod.status.as_ref().and_then(|s| s.phase.as_deref());
    let finished = matches!(phase, Some("Succeeded" | "Failed"));
    let controller = pod
        .metadata
        .owner_references
        .iter()
        .flatten()
        .find(|r| r.controller == Some(true));
    // daemonSetFilter
    if let Some(owner) = controller.filter(|o| o.kind == "DaemonSet" && o.api_version == "apps/v1")
    {
        if !finished {
            let namespace = pod.metadata.namespace.as_deref().unwrap_or("default");
            let mut request =
                ApiRequest::new(s.credentials.clone(), Verb::Get, "daemonsets").name(&owner.name);
            request = request.namespace(namespace);
            let found = s.send(request).result;
            match found {
                Err(status) if status.code == Some(404) && options.force => {}
                Err(status) => return Verdict::Fatal(status.message.unwrap_or_default()),
                Ok(_) if !options.ignore_daemonsets => {
                    return Verdict::Fatal(DAEMONSET_FATAL.into())
                }
                Ok(_) => return Verdict::KeepWithWarning(DAEMONSET_WARNING),
            }
        }
    }
    // mirrorPodFilter
    if pod
        .metadata
        .annotations
        .as_ref()
        .is_some_and(|a| a.contains_key(MIRROR_ANNOTATION))
    {
        return Verdict::Skip;
    }
    // localStorageFilter
    let has_empty_dir = pod
        .spec
        .iter()
        .flat_map(|s| s.volumes.iter().flatten())
        .any(|v| v.empty_dir.is_some());
    if has_empty_dir && !finished && !options.delete_emptydir_data {
        return Verdict::Fatal(LOCAL_STORAGE_FATAL.into());
    }
    // unreplicatedFilter
    if finished || controller.is_some() {
        return Verdict::Evict;
    }
    if options.force {
        Verdict::EvictWithWarning(UNMANAGED_WARNING)
    } else {
        Verdict::Fatal(UNMANAGED_FATAL.into())
    }
}

/// Pods (`ns/name`) grouped by the message `pick` finds for them, groups in first-seen order.
fn grouped(
    listed: &[(Pod, Verdict)],
    pick: impl Fn(&Verdict) -> Option<String>,
) -> Vec<(String, Vec<String>)> {
    let mut order: Vec<String> = Vec::new();
    let mut groups: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (pod, verdict) in listed {
        let Some(message) = pick(verdict) else {
            continue;
        };
        if !groups.contains_key(&message) {
            order.push(message.clone());
        }
        groups.entry(message).or_default().push(format!(
            "{}/{}",
            pod.metadata.namespace.as_deref().unwrap_or(""),
            pod.metadata.name.as_deref().unwrap_or("")
        ));
    }
    order
        .into_iter()
        .map(|m| {
            let pods = groups.remove(&m).unwrap_or_default();
            (m, pods)
        })
        .collect()
}

/// An apimachinery Aggregate's text: one error bare, several as `[a, b]`, duplicates removed.
fn aggregate(errors: &[String]) -> String {
    let mut unique: Vec<&String> = Vec::new();
    for e in errors {
        if !unique.contains(&e) {
            unique.push(e);
        }
    }
    match unique.as_slice() {
        [one] => (*one).clone(),
        many => format!(
            "[{}]",
            many.iter()
                .map(|e| e.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

/// What drain prints when a node fails: the "continuing command" line, the pending nodes, then
/// (as `CheckErr` unwraps the aggregate) each error on its own line.
fn node_failed(node: &str, reason: &[String], errors: &[String]) -> Vec<String> {
    let mut lines = vec![
        format!(
            "error: unable to drain node {node:?} due to error: {}, continuing command...",
            aggregate(reason)
        ),
        "There are pending nodes to be drained:".to_string(),
        format!(" {node}"),
    ];
    lines.extend(errors.iter().cloned());
    lines
}

/// Records what was printed in this step (`Info` while drain goes on).
fn record(ctx: &mut Ctx, run: &mut DrainRun, object: &str, printed: Vec<String>, outcome: Outcome) {
    run.transcript.extend(printed.iter().cloned());
    let output = printed.join("\n");
    let data = TraceData::from_serialize(&ResultDetails {
        output: &output,
        lines: &run.transcript,
        warnings: &[],
    });
    ctx.record_data(
        Component::Kubectl,
        Stage::Result,
        object.to_string(),
        outcome,
        printed.join(" "),
        data,
    );
}

/// Records the last lines and ends the drain.
fn finish(
    ctx: &mut Ctx,
    run: &mut DrainRun,
    object: &str,
    printed: Vec<String>,
    outcome: Outcome,
) -> KubectlOutput {
    let success = outcome != Outcome::Failed;
    let lines = printed.clone();
    record(ctx, run, object, printed, outcome);
    KubectlOutput { lines, success }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::report;
    use crate::engine::scenario;
    use crate::engine::sim::Simulation;

    const NODE: &str = "apiVersion: v1\nkind: Node\nmetadata:\n  name: node-a\nstatus:\n  capacity: {cpu: \"4\", memory: 8Gi, pods: \"110\"}\n  allocatable: {cpu: \"4\", memory: 8Gi, pods: \"110\"}\n---\napiVersion: v1\nkind: Node\nmetadata:\n  name: node-b\nstatus:\n  capacity: {cpu: \"4\", memory: 8Gi, pods: \"110\"}\n  allocatable: {cpu: \"4\", memory: 8Gi, pods: \"110\"}\n";

    /// A pod already running on node-a, with `extra` spliced into its YAML at the metadata level
    /// (`  labels: ...`) and `volumes` into its spec.
    fn bare_pod(name: &str, metadata: &str, volumes: &str) -> String {
        format!("---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: {name}\n{metadata}spec:\n  nodeName: node-a\n  containers:\n  - name: c\n    image: nginx:1.27\n{volumes}")
    }

    fn drain_doc(command: &str) -> String {
        format!("---\napiVersion: podflow.dev/v1alpha1\nkind: Kubectl\nafterSeconds: 5\ncommand: {command}\n")
    }

    fn run(text: &str) -> Simulation {
        let parsed = scenario::parse("drain-test", text).expect("parses");
        let mut sim = scenario::start(&parsed, 1).expect("starts");
        sim.run_to_quiescence(1_000_000);
        sim
    }

    /// Everything the drain printed, in order (the last Result entry's transcript).
    fn transcript(sim: &Simulation) -> Vec<String> {
        let entry = sim
            .trace
            .entries
            .iter()
            .rev()
            .find(|e| e.component == Component::Kubectl && e.stage == Stage::Result)
            .expect("kubectl printed");
        entry.data.value()["lines"]
            .as_array()
            .expect("lines")
            .iter()
            .filter_map(Value::as_str)
            .map(String::from)
            .collect()
    }

    fn pod_names(sim: &Simulation) -> Vec<String> {
        report::list(sim, "pods")
            .iter()
            .map(|p| p.name().to_string())
            .collect()
    }

    #[test]
    fn should_refuse_a_pod_without_a_controller_and_leave_the_node_cordoned() {
        let text = format!(
            "{NODE}{}{}",
            bare_pod("bare", "", ""),
            drain_doc("kubectl drain node-a")
        );
        let sim = run(&text);
        assert_eq!(
            transcript(&sim),
            [
                "node/node-a cordoned",
                "error: unable to drain node \"node-a\" due to error: cannot delete Pods that declare no controller (use --force to override): default/bare, continuing command...",
                "There are pending nodes to be drained:",
                " node-a",
                "cannot delete Pods that declare no controller (use --force to override): default/bare",
            ]
        );
        assert_eq!(pod_names(&sim), ["bare"]);
        let node = report::list(&sim, "nodes")[0].to_json();
        assert_eq!(node["spec"]["unschedulable"], true);
    }

    #[test]
    fn should_evict_a_bare_pod_with_force_after_a_warning() {
        let text = format!(
            "{NODE}{}{}",
            bare_pod("bare", "", ""),
            drain_doc("kubectl drain node-a --force")
        );
        let sim = run(&text);
        assert_eq!(
            transcript(&sim),
            [
                "node/node-a cordoned",
                "Warning: deleting Pods that declare no controller: default/bare",
                "evicting pod default/bare",
                "pod/bare evicted",
                "node/node-a drained",
            ]
        );
        assert!(pod_names(&sim).is_empty());
        // The eviction went through the API server as kubectl sends it.
        let request = sim
            .api
            .requests
            .iter()
            .find(|r| r.path.ends_with("/eviction"))
            .expect("an eviction");
        assert_eq!(
            request.path,
            "/api/v1/namespaces/default/pods/bare/eviction"
        );
        assert_eq!(request.code, 201);
        assert!(sim
            .api
            .requests
            .iter()
            .any(|r| r.path == "/api/v1/pods?fieldSelector=spec.nodeName%3Dnode-a"));
    }

    #[test]
    fn should_apply_the_filters_in_upstream_order() {
        // A bare pod with an emptyDir reports local storage only; a mirror pod is skipped silently;
        // a finished bare pod is evicted.
        let empty_dir = "  volumes:\n  - name: scratch\n    emptyDir: {}\n";
        let text = format!(
            "{NODE}{}{}{}",
            bare_pod("scratch", "", empty_dir),
            bare_pod(
                "static",
                "  annotations: {kubernetes.io/config.mirror: abc}\n",
                ""
            ),
            drain_doc("kubectl drain node-a")
        );
        let sim = run(&text);
        assert_eq!(
            transcript(&sim)[1],
            "error: unable to drain node \"node-a\" due to error: cannot delete Pods with local storage (use --delete-emptydir-data to override): default/scratch, continuing command..."
        );
        let text = format!(
            "{NODE}{}{}{}",
            bare_pod("scratch", "", empty_dir),
            bare_pod(
                "static",
                "  annotations: {kubernetes.io/config.mirror: abc}\n",
                ""
            ),
            drain_doc("kubectl drain node-a --delete-emptydir-data --force")
        );
        let sim = run(&text);
        assert_eq!(
            transcript(&sim),
            [
                "node/node-a cordoned",
                "Warning: deleting Pods that declare no controller: default/scratch",
                "evicting pod default/scratch",
                "pod/scratch evicted",
                "node/node-a drained",
            ]
        );
        assert_eq!(pod_names(&sim), ["static"]);
    }

    #[test]
    fn should_report_a_missing_node_as_kubectl_does() {
        let text = format!("{NODE}{}", drain_doc("kubectl drain nope"));
        let sim = run(&text);
        assert_eq!(
            transcript(&sim),
            ["Error from server (NotFound): nodes \"nope\" not found"]
        );
    }

    #[test]
    fn should_retry_a_refused_eviction_every_5s_until_the_timeout() {
        // A budget that allows nothing: the pod can never go.
        let text = format!(
            "{NODE}{}---\napiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata:\n  name: keep\nspec:\n  minAvailable: 1\n  selector:\n    matchLabels: {{app: keep}}\n{}",
            bare_pod("kept", "  labels: {app: keep}\n", ""),
            drain_doc("kubectl drain node-a --force --timeout=12s")
        );
        let sim = run(&text);
        let refusal = "error when evicting pods/\"kept\" -n \"default\" (will retry after 5s): Cannot evict pod as it would violate the pod's disruption budget.";
        let timeout =
            "error when evicting pods/\"kept\" -n \"default\": global timeout reached: 12s";
        assert_eq!(
            transcript(&sim),
            [
                "node/node-a cordoned",
                "Warning: deleting Pods that declare no controller: default/kept",
                "evicting pod default/kept",
                refusal,
                "evicting pod default/kept",
                refusal,
                "evicting pod default/kept",
                refusal,
                "evicting pod default/kept",
                "There are pending pods in node \"node-a\" when an error occurred: error when evicting pods/\"kept\" -n \"default\": global timeout reached: 12s",
                "pod/kept",
                &format!("error: unable to drain node \"node-a\" due to error: {timeout}, continuing command..."),
                "There are pending nodes to be drained:",
                " node-a",
                timeout,
            ]
        );
        assert_eq!(pod_names(&sim), ["kept"]);
    }

    #[test]
    fn should_wait_for_the_budget_in_the_builtin_drain_scenario() {
        let text = scenario::builtin("drain-pdb").expect("built in");
        let sim = run(&text);
        let lines = transcript(&sim);
        assert_eq!(lines[0], "node/node-c cordoned");
        assert!(lines[1].starts_with("evicting pod default/web-"));
        assert!(lines[2].starts_with("evicting pod default/web-"));
        assert!(lines[3].ends_with("(will retry after 5s): Cannot evict pod as it would violate the pod's disruption budget."), "{lines:?}");
        assert_eq!(
            lines.last().map(String::as_str),
            Some("node/node-c drained")
        );
        assert_eq!(lines.iter().filter(|l| l.ends_with(" evicted")).count(), 2);
        // The Deployment's four pods run again, none on the drained node.
        let pods = report::list(&sim, "pods");
        assert_eq!(pods.len(), 4);
        for pod in &pods {
            let json = pod.to_json();
            assert_eq!(json["status"]["phase"], "Running");
            assert_ne!(json["spec"]["nodeName"], "node-c");
        }
    }

    /// A `Kubectl` document's resource argument resolves as kubectl's: singular and short names too.
    #[test]
    fn should_resolve_short_and_singular_resource_names_in_commands() {
        for argument in ["po", "pod", "Pods"] {
            let text = format!(
                "{NODE}{}{}",
                bare_pod("bare", "", ""),
                drain_doc(&format!("kubectl delete {argument} bare --grace-period=0"))
            );
            let sim = run(&text);
            assert_eq!(
                transcript(&sim).last().map(String::as_str),
                Some("pod \"bare\" force deleted from default namespace"),
                "{argument}"
            );
            assert!(pod_names(&sim).is_empty(), "{argument}");
        }
    }

    #[test]
    fn should_read_and_write_drain_flags_as_kubectl_does() {
        let options =
            DrainOptions::parse(&["--ignore-daemonsets", "--timeout=90s", "--grace-period=-1"])
                .expect("parses");
        assert_eq!(
            options,
            DrainOptions {
                ignore_daemonsets: true,
                timeout_seconds: Some(90),
                ..DrainOptions::default()
            }
        );
        assert_eq!(
            options.command_line("node-a"),
            "kubectl drain node-a --ignore-daemonsets --timeout=1m30s"
        );
        assert_eq!(go_duration(30), "30s");
        assert_eq!(go_duration(3600), "1h0m0s");
        assert_eq!(parse_go_duration("1m"), Some(60));
        assert_eq!(parse_go_duration("1h2m3s"), Some(3723));
        assert_eq!(parse_go_duration("1x"), None);
        assert_eq!(parse_go_duration(""), None);
        assert!(DrainOptions::parse(&["--selector=a"]).is_err());
        assert!(DrainOptions::parse(&["--force=maybe"]).is_err());
    }
}
