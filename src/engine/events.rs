//! Events as components record them: core/v1 `Event` objects written through the API server.
//!
//! Mirrors the two recorders upstream uses: kube-scheduler's `k8s.io/client-go/tools/events` broadcaster
//! (events.k8s.io/v1 semantics: `eventTime`, `action`, `reportingController`, no `source`), and the
//! kubelet's legacy `tools/record` recorder (`source: {component: kubelet, host: <node>}`,
//! `firstTimestamp`/`lastTimestamp`, `count: 1`). Both name the event `<object>.<hex nanoseconds>`.

use k8s_openapi::api::core::v1::{Event, EventSource, ObjectReference, Pod};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use std::collections::BTreeMap;

use serde_json::json;

use crate::engine::api::{ApiRequest, Credentials, RequestBody, Verb};
use crate::engine::objects::Object;
use crate::engine::sim::Ctx;
use crate::engine::time::{meta_time, micro_time};
use crate::engine::trace::{Component, Outcome, Stage, TraceData};

/// The details of an Event trace entry.
#[derive(serde::Serialize)]
struct EventDetails<'a> {
    #[serde(rename = "type")]
    event_type: &'static str,
    reason: &'a str,
    message: &'a str,
    stored: bool,
    /// The reporting controller, for kube-controller-manager's events.
    #[serde(skip_serializing_if = "Option::is_none")]
    source: Option<&'a str>,
}

/// `Normal` or `Warning`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EventType {
    Normal,
    Warning,
}

impl EventType {
    pub fn as_str(&self) -> &'static str {
        match self {
            EventType::Normal => "Normal",
            EventType::Warning => "Warning",
        }
    }
}

/// Who reports an event.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Reporter {
    /// kube-scheduler (`default-scheduler`), via the events/v1 broadcaster.
    Scheduler,
    /// The kubelet of a node, via the legacy recorder.
    Kubelet(String),
    /// A kube-controller-manager controller (`deployment-controller`, `replicaset-controller`), via the
    /// legacy recorder with no host.
    Controller(String),
}

/// The source component a controller's legacy recorder writes: the disruption controller's recorder
/// calls itself `controllermanager` (`NewDisruptionController`); the others use their own names.
fn recorder_component(controller: &str) -> &str {
    if controller == crate::engine::controllers::DISRUPTION_CONTROLLER {
        "controllermanager"
    } else {
        controller
    }
}

/// The object reference of any stored object (`ref.GetReference`): its apiVersion, kind, name,
/// namespace, uid and resourceVersion.
pub fn object_reference(object: &Object) -> ObjectReference {
    let meta = object.metadata();
    ObjectReference {
        api_version: Some(object.info().api_version()),
        kind: Some(object.kind().to_string()),
        name: meta.name.clone(),
        namespace: meta.namespace.clone(),
        uid: meta.uid.clone(),
        resource_version: meta.resource_version.clone(),
        field_path: None,
    }
}

/// The trace reference (`pods/default/web`) of the object an event is about.
fn regarding_ref(regarding: &ObjectReference, namespace: &str) -> String {
    let kind = regarding.kind.as_deref().unwrap_or("Pod");
    let api_version = regarding.api_version.as_deref().unwrap_or("v1");
    let info = crate::engine::objects::resource_for_kind(api_version, kind);
    let resource = info.map_or("pods", |i| i.resource);
    let namespace = info.is_none_or(|i| i.namespaced).then_some(namespace);
    crate::engine::objects::object_ref(resource, namespace, regarding.name.as_deref().unwrap_or(""))
}

/// The object reference of a pod, optionally pointing at one container (`spec.containers{nginx}`).
pub fn pod_reference(pod: &Pod, field_path: Option<String>) -> ObjectReference {
    ObjectReference {
        api_version: Some("v1".into()),
        kind: Some("Pod".into()),
        name: pod.metadata.name.clone(),
        namespace: pod.metadata.namespace.clone(),
        uid: pod.metadata.uid.clone(),
        resource_version: pod.metadata.resource_version.clone(),
        field_path,
    }
}

/// What a recorder remembers of an event it wrote, to count repeats.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Recorded {
    name: String,
    namespace: String,
    /// The kubelet's `count`, or the scheduler's series count (1 while there is no series).
    count: i32,
}

/// The recorders' client-side caches: the kubelet's legacy recorder deduplicates identical events
/// (`tools/record/events_cache.go`: same source, object, type, reason and message → `count` + 1 and a
/// new `lastTimestamp`, PATCHed onto the first event); kube-scheduler's events/v1 broadcaster turns an
/// isomorphic event (same object, action, reason, controller) into a series (`count: 2` on the first
/// repeat, later repeats counted locally until the 30-minute refresh).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct EventRecorders {
    seen: BTreeMap<String, Recorded>,
}

fn reference_key(r: &ObjectReference) -> String {
    let parts = [
        r.kind.as_deref().unwrap_or(""),
        r.namespace.as_deref().unwrap_or(""),
        r.name.as_deref().unwrap_or(""),
        r.uid.as_deref().unwrap_or(""),
        r.field_path.as_deref().unwrap_or(""),
    ];
    parts.join("/")
}

/// Records an event about `regarding` through the API server (a POST to the events resource) and in
/// the trace. A failed write is traced and otherwise ignored, as upstream's recorders do.
pub fn record(
    ctx: &mut Ctx,
    reporter: &Reporter,
    regarding: ObjectReference,
    event_type: EventType,
    reason: &str,
    action: &str,
    message: &str,
) {
    record_related(
        ctx, reporter, regarding, None, event_type, reason, action, message,
    );
}

/// [`record`] for an event that also names a `related` object (events/v1 `Eventf(regarding, related,
/// …)`, e.g. the preemptor of a `Preempted` pod). The related object is part of the scheduler
/// broadcaster's series key, as in client-go's `getKey`.
#[allow(clippy::too_many_arguments)]
pub fn record_related(
    ctx: &mut Ctx,
    reporter: &Reporter,
    regarding: ObjectReference,
    related: Option<ObjectReference>,
    event_type: EventType,
    reason: &str,
    action: &str,
    message: &str,
) {
    let namespace = regarding
        .namespace
        .clone()
        .unwrap_or_else(|| "default".into());
    let object_name = regarding.name.clone().unwrap_or_default();
    let reference = reference_key(&regarding);
    // The legacy recorder's cache key: source (component and host), object, type, reason, message.
    let legacy_key = |component: &str, host: &str| {
        [
            component,
            "/",
            host,
            "|",
            &reference,
            "|",
            event_type.as_str(),
            "|",
            reason,
            "|",
            message,
        ]
        .concat()
    };
    let key = match reporter {
        Reporter::Kubelet(node) => legacy_key("kubelet", node),
        Reporter::Controller(controller) => legacy_key(recorder_component(controller), ""),
        Reporter::Scheduler => {
            let related = related.as_ref().map(reference_key).unwrap_or_default();
            let parts = [
                "default-scheduler|",
                &reference,
                "|",
                &related,
                "|",
                action,
                "|",
                reason,
            ];
            parts.concat()
        }
    };
    if let Some(previous) = ctx.recorders.seen.get(&key).cloned() {
        if record_repeat(
            ctx, reporter, &key, previous, &regarding, event_type, reason, message,
        ) {
            return;
        }
    }
    // Upstream: fmt.Sprintf("%v.%x", name, time.Now().UnixNano()), sixteen hex digits today, so one
    // object's events sort by time; the trace position keeps names unique within a millisecond.
    let unix_ms = crate::engine::time::EPOCH_UNIX_SECONDS as u64 * 1000 + ctx.now_ms;
    let nanos = unix_ms * 1_000_000 + (ctx.trace.len() as u64 % 1_000_000);
    let name = format!("{object_name}.{nanos:x}");
    let mut event = Event {
        metadata: ObjectMeta {
            name: Some(name),
            namespace: Some(namespace.clone()),
            ..Default::default()
        },
        involved_object: regarding.clone(),
        related,
        reason: Some(reason.to_string()),
        message: Some(message.to_string()),
        type_: Some(event_type.as_str().to_string()),
        ..Default::default()
    };
    let (credentials, component) = match reporter {
        Reporter::Scheduler => {
            event.event_time = Some(micro_time(ctx.now_ms));
            event.action = Some(action.to_string());
            event.reporting_component = Some("default-scheduler".into());
            event.reporting_instance = Some("default-scheduler-control-plane".into());
            event.source = Some(EventSource::default());
            (Credentials::Scheduler, Component::Scheduler)
        }
        Reporter::Kubelet(node) => {
            event.source = Some(EventSource {
                component: Some("kubelet".into()),
                host: Some(node.clone()),
            });
            event.first_timestamp = Some(meta_time(ctx.now_ms));
            event.last_timestamp = Some(meta_time(ctx.now_ms));
            event.count = Some(1);
            event.reporting_component = Some("kubelet".into());
            event.reporting_instance = Some(node.clone());
            (
                Credentials::Kubelet(node.clone()),
                Component::Kubelet(node.clone()),
            )
        }
        Reporter::Controller(controller) => {
            let component = recorder_component(controller);
            event.source = Some(EventSource {
                component: Some(component.to_string()),
                host: None,
            });
            event.first_timestamp = Some(meta_time(ctx.now_ms));
            event.last_timestamp = Some(meta_time(ctx.now_ms));
            event.count = Some(1);
            event.reporting_component = Some(component.to_string());
            event.reporting_instance = Some(String::new());
            (
                Credentials::Controller(controller.clone()),
                Component::ControllerManager,
            )
        }
    };
    let event_name = event.metadata.name.clone().unwrap_or_default();
    let request = ApiRequest::new(credentials, Verb::Create, "events")
        .namespace(namespace.clone())
        .body(RequestBody::Object(Object::Event(std::sync::Arc::new(
            event,
        ))));
    let response = ctx.call(request);
    if response.is_success() {
        ctx.recorders.seen.insert(
            key,
            Recorded {
                name: event_name,
                namespace: namespace.clone(),
                count: 1,
            },
        );
    }
    let object = regarding_ref(&regarding, &namespace);
    let outcome = if event_type == EventType::Warning {
        Outcome::Failed
    } else {
        Outcome::Ok
    };
    let data = TraceData::from_serialize(&EventDetails {
        event_type: event_type.as_str(),
        reason,
        message,
        stored: response.is_success(),
        source: match reporter {
            Reporter::Controller(controller) => Some(recorder_component(controller)),
            _ => None,
        },
    });
    ctx.record_data(
        component,
        Stage::Event,
        object,
        outcome,
        [event_type.as_str(), " ", reason, ": ", message].concat(),
        data,
    );
}

/// A repeat of an event the recorder already wrote. Returns false when the event must be created anew
/// (the earlier one is gone), as upstream's recorders fall back to a create.
#[allow(clippy::too_many_arguments)]
fn record_repeat(
    ctx: &mut Ctx,
    reporter: &Reporter,
    key: &str,
    previous: Recorded,
    regarding: &ObjectReference,
    event_type: EventType,
    reason: &str,
    message: &str,
) -> bool {
    let count = previous.count + 1;
    let (credentials, component, patch) = match reporter {
        Reporter::Kubelet(node) => (
            Credentials::Kubelet(node.clone()),
            Component::Kubelet(node.clone()),
            Some(json!({
                "count": count,
                "lastTimestamp": meta_time(ctx.now_ms),
                "message": message,
            })),
        ),
        Reporter::Controller(controller) => (
            Credentials::Controller(controller.clone()),
            Component::ControllerManager,
            Some(json!({
                "count": count,
                "lastTimestamp": meta_time(ctx.now_ms),
                "message": message,
            })),
        ),
        // The first repeat starts the series on the server; later ones are counted locally until the
        // broadcaster's 30-minute refresh.
        Reporter::Scheduler => (
            Credentials::Scheduler,
            Component::Scheduler,
            (count == 2).then(
                || json!({"series": {"count": count, "lastObservedTime": micro_time(ctx.now_ms)}}),
            ),
        ),
    };
    let stored = match patch {
        Some(patch) => {
            let request = ApiRequest::new(credentials, Verb::Patch, "events")
                .namespace(previous.namespace.clone())
                .name(previous.name.clone())
                .body(RequestBody::Json(patch));
            let response = ctx.call(request);
            if !response.is_success() {
                ctx.recorders.seen.remove(key);
                return false;
            }
            true
        }
        None => false,
    };
    if let Some(entry) = ctx.recorders.seen.get_mut(key) {
        entry.count = count;
    }
    let namespace = regarding
        .namespace
        .clone()
        .unwrap_or_else(|| "default".into());
    let object = regarding_ref(regarding, &namespace);
    let outcome = if event_type == EventType::Warning {
        Outcome::Failed
    } else {
        Outcome::Ok
    };
    ctx.record(
        component,
        Stage::Event,
        object,
        outcome,
        format!("{} {reason}: {message} (x{count})", event_type.as_str()),
        json!({
            "type": event_type.as_str(),
            "reason": reason,
            "message": message,
            "count": count,
            "event": previous.name,
            "stored": stored,
        }),
    );
    true
}
