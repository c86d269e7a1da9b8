//! What a fresh kubeadm v1.36 cluster holds before any user object: the system namespaces, their
//! `default` ServiceAccounts and `kube-root-ca.crt` ConfigMaps, the bootstrap RBAC policy and the two
//! system PriorityClasses.
//!
//! Mirrors `plugin/pkg/auth/authorizer/rbac/bootstrappolicy/policy.go` (ClusterRoles `cluster-admin`,
//! `admin`, `edit`, `view`, `system:kube-scheduler`, `system:basic-user`, `system:discovery`,
//! `system:public-info-viewer` and their bindings), `pkg/apis/scheduling/types.go` (SystemPriorityClasses),
//! `pkg/controlplane/controller/systemnamespaces` (default, kube-system, kube-public, kube-node-lease),
//! `pkg/controller/serviceaccount` (the `default` ServiceAccount of every namespace) and
//! `pkg/controller/certificates/rootcacertpublisher` (`kube-root-ca.crt`).
//! Simplification: aggregated roles (admin, edit, view) carry a representative subset of their
//! aggregated rules (everything about pods, the core workload kinds and RBAC); kube-system's
//! add-ons (CoreDNS, kube-proxy) are not modelled.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{
    ConfigMap, Namespace, NamespaceSpec, NamespaceStatus, ServiceAccount,
};
use k8s_openapi::api::rbac::v1::{ClusterRole, ClusterRoleBinding, PolicyRule, RoleRef, Subject};
use k8s_openapi::api::scheduling::v1::PriorityClass;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

use super::rbac::rule;
use crate::engine::objects::Object;

/// The namespaces every cluster starts with, in creation order.
pub const SYSTEM_NAMESPACES: [&str; 4] =
    ["default", "kube-system", "kube-public", "kube-node-lease"];

/// The namespaces NamespaceLifecycle refuses to delete.
pub const IMMORTAL_NAMESPACES: [&str; 3] = ["default", "kube-system", "kube-public"];

/// `system-cluster-critical`'s value (`scheduling.SystemCriticalPriority`).
pub const SYSTEM_CLUSTER_CRITICAL: i32 = 2_000_000_000;
/// `system-node-critical`'s value (SystemCriticalPriority + 1000).
pub const SYSTEM_NODE_CRITICAL: i32 = 2_000_001_000;

const ROOT_CA_DESCRIPTION: &str = "Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of Kubernetes clusters.";

/// A simulated CA certificate (no real key material).
const SIMULATED_CA: &str = "-----BEGIN CERTIFICATE-----\nMIIC/jCCAeagAwIBAgIBADANBgkqhkiG9w0BAQsFADAVMRMwEQYDVQQDEwprdWJlcm5ldGVz\n(podflow simulated cluster CA)\n-----END CERTIFICATE-----\n";

const READ: [&str; 3] = ["get", "list", "watch"];
const WRITE: [&str; 5] = ["create", "delete", "deletecollection", "patch", "update"];
const READ_WRITE: [&str; 8] = [
    "get",
    "list",
    "watch",
    "create",
    "update",
    "patch",
    "delete",
    "deletecollection",
];

fn named(name: &str, namespace: Option<&str>) -> ObjectMeta {
    ObjectMeta {
        name: Some(name.into()),
        namespace: namespace.map(String::from),
        ..Default::default()
    }
}

fn rbac_defaults(name: &str) -> ObjectMeta {
    ObjectMeta {
        annotations: Some(BTreeMap::from([(
            "rbac.authorization.kubernetes.io/autoupdate".to_string(),
            "true".to_string(),
        )])),
        labels: Some(BTreeMap::from([(
            "kubernetes.io/bootstrapping".to_string(),
            "rbac-defaults".to_string(),
        )])),
        ..named(name, None)
    }
}

/// A Namespace as the API server stores it once created (label, finalizer, phase Active).
pub fn namespace(name: &str) -> Object {
    Object::Namespace(std::sync::Arc::new(Namespace {
        metadata: ObjectMeta {
            labels: Some(BTreeMap::from([(
                "kubernetes.io/metadata.name".to_string(),
                name.to_string(),
            )])),
            ..named(name, None)
        },
        spec: Some(NamespaceSpec {
            finalizers: Some(vec!["kubernetes".into()]),
        }),
        status: Some(NamespaceStatus {
            phase: Some("Active".into()),
            conditions: None,
        }),
    }))
}

/// What the controllers add to every namespace shortly after it is created: the `default`
/// ServiceAccount (serviceaccounts controller) and the `kube-root-ca.crt` ConfigMap (root CA publisher).
pub fn namespace_companions(namespace: &str) -> Vec<Object> {
    vec![
        Object::ServiceAccount(std::sync::Arc::new(ServiceAccount {
            metadata: named("default", Some(namespace)),
            ..Default::default()
        })),
        Object::ConfigMap(std::sync::Arc::new(ConfigMap {
            metadata: ObjectMeta {
                annotations: Some(BTreeMap::from([(
                    "kubernetes.io/description".to_string(),
                    ROOT_CA_DESCRIPTION.to_string(),
                )])),
                ..named("kube-root-ca.crt", Some(namespace))
            },
            data: Some(BTreeMap::from([(
                "ca.crt".to_string(),
                SIMULATED_CA.to_string(),
            )])),
            ..Default::default()
        })),
    ]
}

fn cluster_role(name: &str, rules: Vec<PolicyRule>) -> Object {
    Object::ClusterRole(std::sync::Arc::new(ClusterRole {
        metadata: rbac_defaults(name),
        rules: Some(rules),
        aggregation_rule: None,
    }))
}

fn binding(name: &str, role: &str, subjects: &[(&str, &str)]) -> Object {
    Object::ClusterRoleBinding(std::sync::Arc::new(ClusterRoleBinding {
        metadata: rbac_defaults(name),
        role_ref: RoleRef {
            api_group: Some("rbac.authorization.k8s.io".into()),
            kind: "ClusterRole".into(),
            name: role.into(),
        },
        subjects: Some(
            subjects
                .iter()
                .map(|(kind, name)| Subject {
                    api_group: Some("rbac.authorization.k8s.io".into()),
                    kind: kind.to_string(),
                    name: name.to_string(),
                    namespace: None,
                })
                .collect(),
        ),
    }))
}

/// A `system:controller:<name>` binding to the controller's service account in `kube-system`
/// (`bootstrappolicy.ControllerRoleBindings`).
fn controller_binding(controller: &str) -> Object {
    let name = format!("system:controller:{controller}");
    let mut object = binding(&name, &name, &[]);
    if let Object::ClusterRoleBinding(binding) = &mut object {
        std::sync::Arc::make_mut(binding).subjects = Some(vec![Subject {
            api_group: None,
            kind: "ServiceAccount".into(),
            name: controller.into(),
            namespace: Some("kube-system".into()),
        }]);
    }
    object
}

/// The events rule every controller role carries (`eventsRule`).
fn events_rule() -> PolicyRule {
    rule(
        &["create", "update", "patch"],
        &["", "events.k8s.io"],
        &["events"],
    )
}

/// `bootstrappolicy.ControllerRoles` for the controllers podflow runs: the deployment, disruption
/// and replicaset controllers and the garbage collector.
fn controller_roles() -> Vec<Object> {
    vec![
        cluster_role(
            "system:controller:deployment-controller",
            vec![
                rule(
                    &["get", "list", "watch", "update"],
                    &["apps", "extensions"],
                    &["deployments"],
                ),
                rule(
                    &["update"],
                    &["apps", "extensions"],
                    &["deployments/status"],
                ),
                rule(
                    &["update"],
                    &["apps", "extensions"],
                    &["deployments/finalizers"],
                ),
                rule(
                    &[
                        "get", "list", "watch", "create", "update", "patch", "delete",
                    ],
                    &["apps", "extensions"],
                    &["replicasets"],
                ),
                rule(&["get", "list", "watch", "update"], &[""], &["pods"]),
                events_rule(),
            ],
        ),
        cluster_role(
            "system:controller:disruption-controller",
            vec![
                rule(
                    &["get", "list", "watch"],
                    &["extensions", "apps"],
                    &["deployments"],
                ),
                rule(
                    &["get", "list", "watch"],
                    &["apps", "extensions"],
                    &["replicasets"],
                ),
                rule(
                    &["get", "list", "watch"],
                    &[""],
                    &["replicationcontrollers"],
                ),
                rule(
                    &["get", "list", "watch"],
                    &["policy"],
                    &["poddisruptionbudgets"],
                ),
                rule(&["get", "list", "watch"], &["apps"], &["statefulsets"]),
                rule(&["update"], &["policy"], &["poddisruptionbudgets/status"]),
                rule(&["patch", "update"], &[""], &["pods/status"]),
                rule(&["get"], &["*"], &["*/scale"]),
                events_rule(),
            ],
        ),
        cluster_role(
            "system:controller:generic-garbage-collector",
            vec![rule(
                &["get", "list", "watch", "patch", "update", "delete"],
                &["*"],
                &["*"],
            )],
        ),
        cluster_role(
            "system:controller:replicaset-controller",
            vec![
                rule(
                    &["get", "list", "watch", "update"],
                    &["apps", "extensions"],
                    &["replicasets"],
                ),
                rule(
                    &["update"],
                    &["apps", "extensions"],
                    &["replicasets/status"],
                ),
                rule(
                    &["update"],
                    &["apps", "extensions"],
                    &["replicasets/finalizers"],
                ),
                rule(
                    &["list", "watch", "patch", "create", "delete"],
                    &[""],
                    &["pods"],
                ),
                events_rule(),
            ],
        ),
        controller_binding("deployment-controller"),
        controller_binding("disruption-controller"),
        controller_binding("generic-garbage-collector"),
        controller_binding("replicaset-controller"),
    ]
}

fn non_resource(verbs: &[&str], urls: &[&str]) -> PolicyRule {
    PolicyRule {
        non_resource_urls: Some(urls.iter().map(|s| s.to_string()).collect()),
        verbs: verbs.iter().map(|s| s.to_string()).collect(),
        ..Default::default()
    }
}

fn view_rules() -> Vec<PolicyRule> {
    vec![
        rule(
            &READ,
            &[""],
            &[
                "pods",
                "replicationcontrollers",
                "replicationcontrollers/scale",
                "serviceaccounts",
                "services",
                "services/status",
                "endpoints",
                "persistentvolumeclaims",
                "persistentvolumeclaims/status",
                "configmaps",
            ],
        ),
        rule(
            &READ,
            &[""],
            &[
                "limitranges",
                "resourcequotas",
                "bindings",
                "events",
                "pods/status",
                "resourcequotas/status",
                "namespaces/status",
                "replicationcontrollers/status",
                "pods/log",
            ],
        ),
        rule(&READ, &[""], &["namespaces"]),
        rule(
            &READ,
            &["apps"],
            &[
                "controllerrevisions",
                "daemonsets",
                "daemonsets/status",
                "deployments",
                "deployments/scale",
                "deployments/status",
                "replicasets",
                "replicasets/scale",
                "replicasets/status",
                "statefulsets",
                "statefulsets/scale",
                "statefulsets/status",
            ],
        ),
        rule(
            &READ,
            &["policy"],
            &["poddisruptionbudgets", "poddisruptionbudgets/status"],
        ),
    ]
}

fn edit_rules() -> Vec<PolicyRule> {
    let mut rules = vec![
        rule(&["impersonate"], &[""], &["serviceaccounts"]),
        rule(
            &WRITE,
            &[""],
            &[
                "pods",
                "pods/attach",
                "pods/proxy",
                "pods/exec",
                "pods/portforward",
            ],
        ),
        rule(&["create"], &[""], &["pods/eviction"]),
        rule(
            &WRITE,
            &[""],
            &[
                "replicationcontrollers",
                "replicationcontrollers/scale",
                "serviceaccounts",
                "services",
                "services/proxy",
                "persistentvolumeclaims",
                "configmaps",
                "secrets",
                "events",
            ],
        ),
        rule(&["create"], &[""], &["serviceaccounts/token"]),
        rule(
            &WRITE,
            &["apps"],
            &[
                "daemonsets",
                "deployments",
                "deployments/rollback",
                "deployments/scale",
                "replicasets",
                "replicasets/scale",
                "statefulsets",
                "statefulsets/scale",
            ],
        ),
        rule(&WRITE, &["policy"], &["poddisruptionbudgets"]),
        rule(
            &READ,
            &[""],
            &[
                "pods/attach",
                "pods/proxy",
                "pods/exec",
                "pods/portforward",
                "secrets",
                "services/proxy",
            ],
        ),
    ];
    rules.extend(view_rules());
    rules
}

fn admin_rules() -> Vec<PolicyRule> {
    let mut rules = vec![
        rule(
            &READ_WRITE,
            &["rbac.authorization.k8s.io"],
            &["roles", "rolebindings"],
        ),
        rule(
            &["create"],
            &["authorization.k8s.io"],
            &["localsubjectaccessreviews"],
        ),
    ];
    rules.extend(edit_rules());
    rules
}

fn scheduler_rules() -> Vec<PolicyRule> {
    vec![
        rule(
            &["create", "update", "patch"],
            &["", "events.k8s.io"],
            &["events"],
        ),
        rule(&["create"], &["coordination.k8s.io"], &["leases"]),
        PolicyRule {
            resource_names: Some(vec!["kube-scheduler".into()]),
            ..rule(&["get", "update"], &["coordination.k8s.io"], &["leases"])
        },
        rule(&READ, &[""], &["nodes"]),
        rule(&READ, &[""], &["pods"]),
        rule(&["delete"], &[""], &["pods"]),
        rule(&["create"], &[""], &["pods/binding", "bindings"]),
        rule(&["patch", "update"], &[""], &["pods/status"]),
        rule(&READ, &[""], &["services", "replicationcontrollers"]),
        rule(&READ, &["apps", "extensions"], &["replicasets"]),
        rule(&READ, &["apps"], &["statefulsets"]),
        rule(&READ, &["policy"], &["poddisruptionbudgets"]),
        rule(
            &READ,
            &[""],
            &["persistentvolumeclaims", "persistentvolumes"],
        ),
        rule(&["create"], &["authentication.k8s.io"], &["tokenreviews"]),
        rule(
            &["create"],
            &["authorization.k8s.io"],
            &["subjectaccessreviews"],
        ),
        rule(&READ, &["storage.k8s.io"], &["csinodes"]),
        rule(&READ, &[""], &["namespaces"]),
        rule(&READ, &["storage.k8s.io"], &["csidrivers"]),
        rule(&READ, &["storage.k8s.io"], &["csistoragecapacities"]),
    ]
}

fn priority_class(name: &str, value: i32, description: &str) -> Object {
    Object::PriorityClass(std::sync::Arc::new(PriorityClass {
        metadata: named(name, None),
        value: Some(value),
        description: Some(description.into()),
        preemption_policy: Some("PreemptLowerPriority".into()),
        global_default: None,
    }))
}

/// Every object of a fresh cluster, in the order the control plane writes them.
pub fn objects() -> Vec<Object> {
    let mut objects: Vec<Object> = SYSTEM_NAMESPACES.iter().map(|ns| namespace(ns)).collect();
    objects.push(priority_class(
        "system-node-critical",
        SYSTEM_NODE_CRITICAL,
        "Used for system critical pods that must not be moved from their current node.",
    ));
    objects.push(priority_class(
        "system-cluster-critical",
        SYSTEM_CLUSTER_CRITICAL,
        "Used for system critical pods that must run in the cluster, but can be moved to another node if necessary.",
    ));
    objects.extend([
        cluster_role(
            "cluster-admin",
            vec![rule(&["*"], &["*"], &["*"]), non_resource(&["*"], &["*"])],
        ),
        cluster_role("admin", admin_rules()),
        cluster_role("edit", edit_rules()),
        cluster_role("view", view_rules()),
        cluster_role(
            "system:basic-user",
            vec![
                rule(
                    &["create"],
                    &["authorization.k8s.io"],
                    &["selfsubjectaccessreviews", "selfsubjectrulesreviews"],
                ),
                rule(
                    &["create"],
                    &["authentication.k8s.io"],
                    &["selfsubjectreviews"],
                ),
            ],
        ),
        cluster_role(
            "system:discovery",
            vec![non_resource(
                &["get"],
                &[
                    "/api",
                    "/api/*",
                    "/apis",
                    "/apis/*",
                    "/healthz",
                    "/livez",
                    "/openapi",
                    "/openapi/*",
                    "/readyz",
                    "/version",
                    "/version/",
                ],
            )],
        ),
        cluster_role(
            "system:public-info-viewer",
            vec![non_resource(
                &["get"],
                &["/healthz", "/livez", "/readyz", "/version", "/version/"],
            )],
        ),
        cluster_role("system:kube-scheduler", scheduler_rules()),
        binding(
            "cluster-admin",
            "cluster-admin",
            &[("Group", "system:masters")],
        ),
        binding(
            "kubeadm:cluster-admins",
            "cluster-admin",
            &[("Group", "kubeadm:cluster-admins")],
        ),
        binding(
            "system:basic-user",
            "system:basic-user",
            &[("Group", "system:authenticated")],
        ),
        binding(
            "system:discovery",
            "system:discovery",
            &[("Group", "system:authenticated")],
        ),
        binding(
            "system:public-info-viewer",
            "system:public-info-viewer",
            &[
                ("Group", "system:authenticated"),
                ("Group", "system:unauthenticated"),
            ],
        ),
        binding(
            "system:kube-scheduler",
            "system:kube-scheduler",
            &[("User", "system:kube-scheduler")],
        ),
    ]);
    objects.extend(controller_roles());
    for ns in SYSTEM_NAMESPACES {
        objects.extend(namespace_companions(ns));
    }
    for controller in CONTROLLER_SERVICE_ACCOUNTS {
        objects.push(Object::ServiceAccount(std::sync::Arc::new(
            ServiceAccount {
                metadata: named(controller, Some("kube-system")),
                ..Default::default()
            },
        )));
    }
    objects
}

/// The service accounts kube-controller-manager (`--use-service-account-credentials`, as kubeadm
/// runs it) creates in `kube-system` for the controllers podflow models.
pub const CONTROLLER_SERVICE_ACCOUNTS: [&str; 4] = [
    "deployment-controller",
    "disruption-controller",
    "generic-garbage-collector",
    "replicaset-controller",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn should_hold_the_system_namespaces_priority_classes_and_scheduler_role() {
        let objects = objects();
        let names: Vec<String> = objects.iter().map(|o| o.reference()).collect();
        for want in [
            "namespaces/default",
            "namespaces/kube-node-lease",
            "serviceaccounts/kube-public/default",
            "configmaps/default/kube-root-ca.crt",
            "priorityclasses/system-node-critical",
            "clusterroles/system:kube-scheduler",
            "clusterrolebindings/cluster-admin",
        ] {
            assert!(names.iter().any(|n| n == want), "missing {want}");
        }
        let node_critical = objects.iter().find_map(|o| match o {
            Object::PriorityClass(pc)
                if pc.metadata.name.as_deref() == Some("system-node-critical") =>
            {
                pc.value
            }
            _ => None,
        });
        assert_eq!(node_critical, Some(2_000_001_000));
    }
}
