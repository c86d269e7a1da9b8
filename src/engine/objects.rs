//! The API objects the simulated cluster stores, as k8s-openapi types, and the resource table that maps
//! kinds to REST resources.
//!
//! Mirrors the API server's RESTMapper for the built-in kinds podflow serves: `Pod` ↔ `pods` (namespaced,
//! core group), `Node` ↔ `nodes` (cluster-scoped), RBAC kinds in `rbac.authorization.k8s.io`, and so on.

use k8s_openapi::api::apps::v1::{Deployment, ReplicaSet};
use k8s_openapi::api::core::v1::{
    ConfigMap, Event, Namespace, Node, PersistentVolume, PersistentVolumeClaim, Pod, Secret,
    Service, ServiceAccount,
};
use k8s_openapi::api::policy::v1::PodDisruptionBudget;
use k8s_openapi::api::rbac::v1::{ClusterRole, ClusterRoleBinding, Role, RoleBinding};
use k8s_openapi::api::scheduling::v1::PriorityClass;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use serde::de::DeserializeOwned;
use serde_json::Value;

/// What the API server knows about one kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ResourceInfo {
    pub kind: &'static str,
    /// The REST resource (plural, lowercase), also the etcd key prefix.
    pub resource: &'static str,
    /// API group, "" for core.
    pub group: &'static str,
    pub version: &'static str,
    pub namespaced: bool,
}

impl ResourceInfo {
    /// `v1` or `<group>/v1`.
    pub fn api_version(&self) -> String {
        if self.group.is_empty() {
            self.version.to_string()
        } else {
            format!("{}/{}", self.group, self.version)
        }
    }
}

macro_rules! objects {
    ($( $variant:ident($ty:ty) => $resource:literal, $group:literal, $version:literal, $namespaced:literal; )*) => {
        /// One stored API object.
        ///
        /// The typed object sits behind an `Arc`: the store, watch events, responses and components share
        /// one copy, so cloning an `Object` is a reference-count increment. Writers go through
        /// `Arc::make_mut`, which copies only an object that is still shared (copy-on-write), so every
        /// holder keeps seeing the value it was given.
        #[derive(Clone, Debug, PartialEq)]
        pub enum Object {
            $( $variant(std::sync::Arc<$ty>), )*
        }

        /// Calls the macro `$m` with every kind's name, which is also its type's name (`$m!(Pod, Node, …)`),
        /// for code that needs each kind's type (the API server's decoding, tests over every kind).
        macro_rules! with_each_kind {
            ($m:ident) => { $m!($( $variant ),*) };
        }
        pub(crate) use with_each_kind;

        /// Every kind the simulated API server serves.
        pub const RESOURCES: &[ResourceInfo] = &[
            $( ResourceInfo { kind: stringify!($variant), resource: $resource, group: $group, version: $version, namespaced: $namespaced }, )*
        ];

        impl Object {
            pub fn kind(&self) -> &'static str {
                match self { $( Object::$variant(_) => stringify!($variant), )* }
            }

            pub fn metadata(&self) -> &ObjectMeta {
                match self { $( Object::$variant(o) => &o.metadata, )* }
            }

            pub fn metadata_mut(&mut self) -> &mut ObjectMeta {
                match self { $( Object::$variant(o) => &mut std::sync::Arc::make_mut(o).metadata, )* }
            }

            /// The object as JSON, with `apiVersion` and `kind` first, as the API server returns it.
            pub fn to_json(&self) -> Value {
                #[cfg(not(target_arch = "wasm32"))]
                let value = match self { $( Object::$variant(o) => serde_json::to_value(&**o), )* };
                #[cfg(target_arch = "wasm32")]
                let value = to_json_value(self);
                value.unwrap_or(Value::Null)
            }

            /// Serializes the typed object: the same JSON as `to_json`, written without a `Value` tree.
            pub fn serialize_typed<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                match self { $( Object::$variant(o) => serde::Serialize::serialize(&**o, serializer), )* }
            }

            /// Decodes a typed object of the given kind from JSON (no strictness; see `api::decode`).
            pub fn from_json(kind: &str, value: Value) -> Result<Object, serde_json::Error> {
                match kind {
                    $( stringify!($variant) => from_json_value::<$ty>(&value).map(|o| Object::$variant(std::sync::Arc::new(o))), )*
                    other => Err(serde::de::Error::custom(format!("no kind \"{other}\" is registered"))),
                }
            }
        }
    };
}

objects! {
    Pod(Pod) => "pods", "", "v1", true;
    Node(Node) => "nodes", "", "v1", false;
    Namespace(Namespace) => "namespaces", "", "v1", false;
    ServiceAccount(ServiceAccount) => "serviceaccounts", "", "v1", true;
    Event(Event) => "events", "", "v1", true;
    ConfigMap(ConfigMap) => "configmaps", "", "v1", true;
    Secret(Secret) => "secrets", "", "v1", true;
    Service(Service) => "services", "", "v1", true;
    PersistentVolumeClaim(PersistentVolumeClaim) => "persistentvolumeclaims", "", "v1", true;
    PersistentVolume(PersistentVolume) => "persistentvolumes", "", "v1", false;
    Deployment(Deployment) => "deployments", "apps", "v1", true;
    ReplicaSet(ReplicaSet) => "replicasets", "apps", "v1", true;
    PodDisruptionBudget(PodDisruptionBudget) => "poddisruptionbudgets", "policy", "v1", true;
    PriorityClass(PriorityClass) => "priorityclasses", "scheduling.k8s.io", "v1", false;
    Role(Role) => "roles", "rbac.authorization.k8s.io", "v1", true;
    ClusterRole(ClusterRole) => "clusterroles", "rbac.authorization.k8s.io", "v1", false;
    RoleBinding(RoleBinding) => "rolebindings", "rbac.authorization.k8s.io", "v1", true;
    ClusterRoleBinding(ClusterRoleBinding) => "clusterrolebindings", "rbac.authorization.k8s.io", "v1", false;
}

impl serde::Serialize for Object {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.serialize_typed(serializer)
    }
}

impl Object {
    pub fn info(&self) -> &'static ResourceInfo {
        let kind = self.kind();
        RESOURCES
            .iter()
            .find(|r| r.kind == kind)
            .unwrap_or(&RESOURCES[0])
    }

    pub fn name(&self) -> &str {
        self.metadata().name.as_deref().unwrap_or("")
    }

    pub fn namespace(&self) -> Option<&str> {
        self.metadata().namespace.as_deref()
    }

    /// The trace/etcd-style reference `<resource>/<namespace>/<name>` or `<resource>/<name>`.
    pub fn reference(&self) -> String {
        object_ref(self.info().resource, self.namespace(), self.name())
    }

    pub fn as_pod(&self) -> Option<&Pod> {
        match self {
            Object::Pod(p) => Some(p),
            _ => None,
        }
    }

    /// The pod's shared value, for a holder that keeps it without copying.
    pub fn shared_pod(&self) -> Option<&std::sync::Arc<Pod>> {
        match self {
            Object::Pod(p) => Some(p),
            _ => None,
        }
    }

    pub fn as_node(&self) -> Option<&Node> {
        match self {
            Object::Node(n) => Some(n),
            _ => None,
        }
    }
}

/// `<resource>/<namespace>/<name>`, or `<resource>/<name>` for cluster-scoped objects.
pub fn object_ref(resource: &str, namespace: Option<&str>, name: &str) -> String {
    let namespace = namespace.filter(|ns| !ns.is_empty());
    let mut out = String::with_capacity(
        resource.len() + name.len() + 2 + namespace.map(str::len).unwrap_or(0),
    );
    out.push_str(resource);
    out.push('/');
    if let Some(ns) = namespace {
        out.push_str(ns);
        out.push('/');
    }
    out.push_str(name);
    out
}

/// Looks a kind up by `apiVersion` and `kind` as written in a manifest.
pub fn resource_for_kind(api_version: &str, kind: &str) -> Option<&'static ResourceInfo> {
    RESOURCES
        .iter()
        .find(|r| r.kind == kind && r.api_version() == api_version)
}

/// Looks a REST resource up by its plural name.
pub fn resource_by_name(resource: &str) -> Option<&'static ResourceInfo> {
    RESOURCES.iter().find(|r| r.resource == resource)
}

/// `"default/demo-pod"` for a namespaced object, `"node-a"` for a cluster-scoped one.
pub fn namespaced_name(meta: &ObjectMeta) -> String {
    match meta.namespace.as_deref() {
        Some(ns) if !ns.is_empty() => format!("{ns}/{}", meta.name.as_deref().unwrap_or("")),
        _ => meta.name.clone().unwrap_or_default(),
    }
}

/// Decodes a typed value from JSON, like `serde_json::from_value`. Every typed decode in the engine goes
/// through here so that each k8s-openapi type's `Deserialize` code exists once per deserializer: natively the
/// plain `&Value` one (fast); in the browser only the path-tracking one `api::decode` needs for its error
/// messages (`value_de`), which returns the same values and the same errors and keeps the wasm small (the
/// kinds' `Deserialize` code is the largest part of it).
pub fn from_json_value<T: DeserializeOwned>(value: &Value) -> Result<T, serde_json::Error> {
    #[cfg(not(target_arch = "wasm32"))]
    let result = T::deserialize(value);
    #[cfg(target_arch = "wasm32")]
    let result = crate::engine::value_de::from_value_with_path(value).map_err(|e| e.error);
    result
}

/// Serializes a typed value as JSON, like `serde_json::to_value`. The engine turns typed values into a
/// `Value` through here: natively straight into a `Value` (fast); in the browser by writing JSON text and
/// parsing it (`json_text`), so that each k8s-openapi type's `Serialize` code exists once there, for the JSON
/// text writer the trace also uses (`trace::TraceData::from_serialize`), not a second time for `Value`. Both give the same
/// value for every type the engine serializes (none holds a floating-point number, the one thing a text round
/// trip could change).
pub fn to_json_value<T: serde::Serialize + ?Sized>(value: &T) -> Result<Value, serde_json::Error> {
    #[cfg(not(target_arch = "wasm32"))]
    let result = serde_json::to_value(value);
    #[cfg(target_arch = "wasm32")]
    let result =
        crate::engine::json_text::to_string(value).and_then(|text| serde_json::from_str(&text));
    result
}

/// An ephemeral container as the `Container` upstream converts it to (`EphemeralContainerCommon`): every
/// field but `targetContainerName`.
pub fn ephemeral_as_container(
    c: &k8s_openapi::api::core::v1::EphemeralContainer,
) -> k8s_openapi::api::core::v1::Container {
    k8s_openapi::api::core::v1::Container {
        args: c.args.clone(),
        command: c.command.clone(),
        env: c.env.clone(),
        env_from: c.env_from.clone(),
        image: c.image.clone(),
        image_pull_policy: c.image_pull_policy.clone(),
        lifecycle: c.lifecycle.clone(),
        liveness_probe: c.liveness_probe.clone(),
        name: c.name.clone(),
        ports: c.ports.clone(),
        readiness_probe: c.readiness_probe.clone(),
        resize_policy: c.resize_policy.clone(),
        resources: c.resources.clone(),
        restart_policy: c.restart_policy.clone(),
        restart_policy_rules: c.restart_policy_rules.clone(),
        security_context: c.security_context.clone(),
        startup_probe: c.startup_probe.clone(),
        stdin: c.stdin,
        stdin_once: c.stdin_once,
        termination_message_path: c.termination_message_path.clone(),
        termination_message_policy: c.termination_message_policy.clone(),
        tty: c.tty,
        volume_devices: c.volume_devices.clone(),
        volume_mounts: c.volume_mounts.clone(),
        working_dir: c.working_dir.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// What `from_json_value` does in the browser build.
    fn path_tracking<T: DeserializeOwned>(value: &Value) -> Result<T, serde_json::Error> {
        crate::engine::value_de::from_value_with_path(value).map_err(|e| e.error)
    }

    /// What `to_json_value` (and so `Object::to_json`) does in the browser build.
    fn text_round_trip<T: serde::Serialize>(value: &T) -> Value {
        serde_json::from_str(&serde_json::to_string(value).expect("serializable"))
            .expect("parseable")
    }

    #[test]
    fn should_give_the_same_json_value_through_text_as_the_browser_does() {
        let status = crate::engine::api::status::bad_request("nope");
        assert_eq!(text_round_trip(&status), to_json_value(&status).unwrap());
        let time = crate::engine::time::meta_time(61_500);
        assert_eq!(text_round_trip(&time), to_json_value(&time).unwrap());
        let micro = crate::engine::time::micro_time(61_500);
        assert_eq!(text_round_trip(&micro), to_json_value(&micro).unwrap());
    }

    /// `Object::from_json`, but through the browser's decoder.
    fn from_json_path_tracking(kind: &str, value: &Value) -> Result<Object, String> {
        macro_rules! each_kind {
            ($($variant:ident),*) => {
                match kind {
                    $( stringify!($variant) => path_tracking(value).map(|o| Object::$variant(std::sync::Arc::new(o))), )*
                    other => Err(serde::de::Error::custom(format!("no kind \"{other}\" is registered"))),
                }
            };
        }
        crate::engine::objects::with_each_kind!(each_kind).map_err(|e| e.to_string())
    }

    fn assert_same_decode(label: &str, value: &Value) {
        let kind = value.get("kind").and_then(Value::as_str).unwrap_or("Pod");
        let plain = Object::from_json(kind, value.clone()).map_err(|e| e.to_string());
        assert_eq!(plain, from_json_path_tracking(kind, value), "{label}");
        if let Ok(object) = plain {
            assert_eq!(text_round_trip(&object), object.to_json(), "{label}");
        }
    }

    #[test]
    fn should_decode_every_website_example_the_same_with_the_browsers_path_tracking_decoder() {
        let mut decoded = 0;
        for (label, value) in crate::engine::website_examples::documents() {
            assert_same_decode(&label, &value);
            decoded += 1;
        }
        assert!(decoded > 50);
    }

    #[test]
    fn should_fail_the_same_way_with_the_browsers_path_tracking_decoder() {
        let cases = [
            json!({"kind": "Pod", "spec": {"containers": "nginx"}}),
            json!({"kind": "Pod", "spec": {"containers": [{"name": "a", "ports": [{"containerPort": "80"}]}]}}),
            json!({"kind": "Pod", "spec": {"containers": [{"name": "a", "resources": {"limits": {"cpu": []}}}]}}),
            json!({"kind": "Pod", "metadata": {"labels": [1]}}),
            json!({"kind": "Pod", "metadata": {"creationTimestamp": "yesterday"}}),
            json!({"kind": "Pod", "spec": {"priority": 1.5}}),
            json!({"kind": "Node", "spec": {"taints": [{"key": "k", "effect": 7}]}}),
            json!({"kind": "Secret", "data": {"a": "not base64!"}}),
            json!({"kind": "Deployment", "spec": {"replicas": "3"}}),
            json!({"kind": "ClusterRole", "rules": [{"verbs": "get"}]}),
            json!({"kind": "Event", "eventTime": "2026-01-01"}),
            json!({"kind": "Pod", "spec": null}),
            json!([]),
        ];
        for (i, case) in cases.iter().enumerate() {
            assert_same_decode(&format!("case {i}"), case);
        }
        // The other types the engine decodes through `from_json_value`.
        let taints = json!([{"key": "k", "effect": "NoSchedule"}, {"key": 3}]);
        assert_eq!(
            from_json_value::<Vec<k8s_openapi::api::core::v1::Taint>>(&taints)
                .map_err(|e| e.to_string()),
            path_tracking::<Vec<k8s_openapi::api::core::v1::Taint>>(&taints)
                .map_err(|e| e.to_string())
        );
        let binding = json!({"metadata": {"name": "p"}, "target": {"name": 1}});
        assert_eq!(
            from_json_value::<k8s_openapi::api::core::v1::Binding>(&binding)
                .map_err(|e| e.to_string()),
            path_tracking::<k8s_openapi::api::core::v1::Binding>(&binding)
                .map_err(|e| e.to_string())
        );
    }
}
