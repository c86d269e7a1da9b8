//! Events as components record them: core/v1 `Event` objects written through the API server.
//!
//! Mirrors the two recorders upstream uses: kube-scheduler's `k8s.io/client-go/tools/events` broadcaster
//! (events.k8s.io/v1 semantics: `eventTime`, `action`, `reportingController`, no `source`), and the
//! kubelet's legacy `tools/record` recorder (`source: {component: kubelet, host: <node>}`,
//! `firstTimestamp`/`lastTimestamp`, `count: 1`). Both name the event `<object>.<hex nanoseconds>`.

use k8s_openapi::api::core::v1::{Event, EventSource, ObjectReference, Pod};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use serde_json::json;

use crate::engine::api::{ApiRequest, Credentials, RequestBody, Verb};
use crate::engine::objects::Object;
use crate::engine::sim::Ctx;
use crate::engine::time::{meta_time, micro_time};
use crate::engine::trace::{Component, Outcome, Stage};

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
    let namespace = regarding
        .namespace
        .clone()
        .unwrap_or_else(|| "default".into());
    let object_name = regarding.name.clone().unwrap_or_default();
    // Upstream: fmt.Sprintf("%v.%x", name, time.Now().UnixNano()); the trace position keeps names unique.
    let nanos = ctx.now_ms * 1_000_000 + (ctx.trace.len() as u64 % 1_000_000);
    let name = format!("{object_name}.{nanos:x}");
    let mut event = Event {
        metadata: ObjectMeta {
            name: Some(name),
            namespace: Some(namespace.clone()),
            ..Default::default()
        },
        involved_object: regarding.clone(),
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
    };
    let request = ApiRequest::new(credentials, Verb::Create, "events")
        .namespace(namespace.clone())
        .body(RequestBody::Object(Object::Event(event)));
    let response = ctx.call(request);
    let object = crate::engine::objects::object_ref("pods", Some(&namespace), &object_name);
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
        format!("{} {reason}: {message}", event_type.as_str()),
        json!({
            "type": event_type.as_str(),
            "reason": reason,
            "message": message,
            "stored": response.is_success(),
        }),
    );
}
