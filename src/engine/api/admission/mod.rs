//! Admission control: the plugins that mutate and then validate a write after authorization.
//!
//! Mirrors `k8s.io/apiserver/pkg/admission` (attributes, `NewForbidden`) and the ordering of
//! kube-apiserver's default-enabled plugins (`pkg/kubeapiserver/options/plugins.go`
//! `AllOrderedPlugins`): all mutating plugins run first, in order, before the object is validated; the
//! validating plugins run after validation, just before the etcd write. podflow runs the plugins that
//! matter for the objects it serves: NamespaceLifecycle, ServiceAccount, NodeRestriction, Priority,
//! DefaultTolerationSeconds and PodTopologyLabels (which, for a binding, `ApiServer` applies to the
//! Binding's labels).
//! Simplification: webhooks, LimitRanger, ResourceQuota, PodSecurity and the other default plugins
//! are not modelled (a fresh cluster has no LimitRanges, quotas or webhooks, and PodSecurity's default
//! level `privileged` admits everything).

pub mod default_toleration_seconds;
pub mod namespace_lifecycle;
pub mod node_restriction;
pub mod pod_topology_labels;
pub mod priority;
pub mod service_account;

use k8s_openapi::apimachinery::pkg::apis::meta::v1::Status;

use super::{status, UserInfo};
use crate::engine::objects::{Object, ResourceInfo};
use crate::engine::rng::SimRng;
use crate::engine::store::Store;

/// The admission operation (`admission.Operation`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Operation {
    Create,
    Update,
    Delete,
}

impl Operation {
    /// `CREATE`, `UPDATE`, `DELETE`, as upstream prints operations in messages.
    pub fn as_str(&self) -> &'static str {
        match self {
            Operation::Create => "CREATE",
            Operation::Update => "UPDATE",
            Operation::Delete => "DELETE",
        }
    }
}

/// What admission plugins see of a request (`admission.Attributes`).
#[derive(Clone, Copy, Debug)]
pub struct Attributes<'a> {
    pub operation: Operation,
    pub user: &'a UserInfo,
    pub info: &'static ResourceInfo,
    /// `""` when there is none.
    pub subresource: &'a str,
    /// `""` for cluster-scoped objects.
    pub namespace: &'a str,
    /// The URL's name, or for a create the object's name (`""` with only `generateName`).
    pub name: &'a str,
    /// The stored object, for updates and deletes.
    pub old: Option<&'a Object>,
}

impl Attributes<'_> {
    /// Whether the request is about the main pods resource (no subresource).
    pub fn is_pod(&self) -> bool {
        self.info.resource == "pods" && self.info.group.is_empty() && self.subresource.is_empty()
    }
}

/// What plugins may read and draw from: the store (their informers' view) and the server's RNG.
pub struct Context<'a> {
    pub store: &'a Store,
    pub rng: &'a mut SimRng,
}

/// One plugin's contribution, for the trace: which plugin ran and what it changed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PluginReport {
    pub plugin: &'static str,
    pub changes: Vec<String>,
}

/// A rejection: the plugin and the Status the client receives.
#[derive(Clone, Debug, PartialEq)]
pub struct Rejection {
    pub plugin: &'static str,
    pub status: Status,
}

/// `admission.NewForbidden`: 403 on the request's resource, named by the attributes' name.
pub fn forbidden(attrs: &Attributes, message: &str) -> Status {
    status::forbidden(attrs.info.resource, attrs.info.group, attrs.name, message)
}

/// The mutating plugins in upstream order.
const MUTATING: [(&str, MutatingPlugin); 6] = [
    (namespace_lifecycle::NAME, namespace_lifecycle::admit),
    (service_account::NAME, service_account::admit),
    (node_restriction::NAME, node_restriction::admit),
    (priority::NAME, priority::admit),
    (
        default_toleration_seconds::NAME,
        default_toleration_seconds::admit,
    ),
    (pod_topology_labels::NAME, pod_topology_labels::admit),
];

/// The validating plugins in upstream order.
const VALIDATING: [(&str, ValidatingPlugin); 2] = [
    (service_account::NAME, service_account::validate),
    (priority::NAME, priority::validate),
];

/// A mutating plugin: may change the object; returns a description of each change.
pub type MutatingPlugin =
    fn(&Attributes, Option<&mut Object>, &mut Context) -> Result<Vec<String>, Status>;
/// A validating plugin: may only accept or reject.
pub type ValidatingPlugin = fn(&Attributes, Option<&Object>, &Context) -> Result<(), Status>;

/// Runs the mutating phase; stops at the first rejection.
pub fn mutate(
    attrs: &Attributes,
    mut object: Option<&mut Object>,
    ctx: &mut Context,
) -> Result<Vec<PluginReport>, Rejection> {
    let mut reports = Vec::new();
    for (plugin, admit) in MUTATING {
        match admit(attrs, object.as_deref_mut(), ctx) {
            Ok(changes) => reports.push(PluginReport { plugin, changes }),
            Err(status) => return Err(Rejection { plugin, status }),
        }
    }
    Ok(reports)
}

/// Runs the validating phase; stops at the first rejection. Returns the plugins that ran.
pub fn validate(
    attrs: &Attributes,
    object: Option<&Object>,
    ctx: &Context,
) -> Result<Vec<&'static str>, Rejection> {
    let mut ran = Vec::new();
    for (plugin, check) in VALIDATING {
        check(attrs, object, ctx).map_err(|status| Rejection { plugin, status })?;
        ran.push(plugin);
    }
    Ok(ran)
}

#[cfg(test)]
pub(crate) mod test_support {
    use super::*;
    use crate::engine::api::bootstrap;
    use crate::engine::objects::resource_by_name;
    use crate::engine::store::key;
    use serde_json::Value;

    pub fn admin() -> UserInfo {
        UserInfo {
            name: "kubernetes-admin".into(),
            groups: vec!["system:masters".into(), "system:authenticated".into()],
        }
    }

    pub fn kubelet(node: &str) -> UserInfo {
        UserInfo {
            name: format!("system:node:{node}"),
            groups: vec!["system:nodes".into(), "system:authenticated".into()],
        }
    }

    /// A store holding the fresh-cluster objects.
    pub fn fresh_store() -> Store {
        let mut store = Store::new();
        for object in bootstrap::objects() {
            let k = key(object.info().resource, object.namespace(), object.name());
            let _ = store.create(&k, object);
        }
        store
    }

    pub fn attrs<'a>(
        operation: Operation,
        user: &'a UserInfo,
        resource: &str,
        subresource: &'a str,
        namespace: &'a str,
        name: &'a str,
        old: Option<&'a Object>,
    ) -> Attributes<'a> {
        Attributes {
            operation,
            user,
            info: resource_by_name(resource).unwrap_or(&crate::engine::objects::RESOURCES[0]),
            subresource,
            namespace,
            name,
            old,
        }
    }

    pub fn pod(json: Value) -> Object {
        Object::from_json("Pod", json).expect("test pod")
    }
}
