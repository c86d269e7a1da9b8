//! The API objects the simulated cluster stores, as k8s-openapi types, and the resource table that maps
//! kinds to REST resources.
//!
//! Mirrors the API server's RESTMapper for the built-in kinds podflow serves: `Pod` ↔ `pods` (namespaced,
//! core group), `Node` ↔ `nodes` (cluster-scoped), RBAC kinds in `rbac.authorization.k8s.io`, and so on.

use k8s_openapi::api::apps::v1::Deployment;
use k8s_openapi::api::core::v1::{
    ConfigMap, Event, Namespace, Node, PersistentVolume, PersistentVolumeClaim, Pod, Secret,
    Service, ServiceAccount,
};
use k8s_openapi::api::rbac::v1::{ClusterRole, ClusterRoleBinding, Role, RoleBinding};
use k8s_openapi::api::scheduling::v1::PriorityClass;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
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
        #[derive(Clone, Debug, PartialEq)]
        pub enum Object {
            $( $variant(Box<$ty>), )*
        }

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
                match self { $( Object::$variant(o) => &mut o.metadata, )* }
            }

            /// The object as JSON, with `apiVersion` and `kind` first, as the API server returns it.
            pub fn to_json(&self) -> Value {
                let value = match self { $( Object::$variant(o) => serde_json::to_value(o), )* };
                value.unwrap_or(Value::Null)
            }

            /// Decodes a typed object of the given kind from JSON (no strictness; see `api::decode`).
            pub fn from_json(kind: &str, value: Value) -> Result<Object, serde_json::Error> {
                match kind {
                    $( stringify!($variant) => serde_json::from_value::<$ty>(value).map(|o| Object::$variant(Box::new(o))), )*
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
    PriorityClass(PriorityClass) => "priorityclasses", "scheduling.k8s.io", "v1", false;
    Role(Role) => "roles", "rbac.authorization.k8s.io", "v1", true;
    ClusterRole(ClusterRole) => "clusterroles", "rbac.authorization.k8s.io", "v1", false;
    RoleBinding(RoleBinding) => "rolebindings", "rbac.authorization.k8s.io", "v1", true;
    ClusterRoleBinding(ClusterRoleBinding) => "clusterrolebindings", "rbac.authorization.k8s.io", "v1", false;
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

    pub fn as_node(&self) -> Option<&Node> {
        match self {
            Object::Node(n) => Some(n),
            _ => None,
        }
    }
}

/// `<resource>/<namespace>/<name>`, or `<resource>/<name>` for cluster-scoped objects.
pub fn object_ref(resource: &str, namespace: Option<&str>, name: &str) -> String {
    match namespace {
        Some(ns) if !ns.is_empty() => format!("{resource}/{ns}/{name}"),
        _ => format!("{resource}/{name}"),
    }
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
