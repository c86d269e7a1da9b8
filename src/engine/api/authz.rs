//! Authorization as kubeadm configures it: `--authorization-mode=Node,RBAC`, with `system:masters`
//! bypassing every check, and the 403 text the API server writes on denial.
//!
//! Mirrors `k8s.io/apiserver/pkg/authorization/authorizerfactory` (the privileged-group authorizer),
//! `plugin/pkg/auth/authorizer/node/node_authorizer.go` (Node authorizer with AuthorizeNodeWithSelectors),
//! `k8s.io/apiserver/pkg/authorization/union` (first Allow wins, reasons of the others joined with "\n"),
//! and `apiserver/pkg/endpoints/handlers/responsewriters/errors.go` (`forbiddenMessage`, `Forbidden`).
//! Simplification: the Node authorizer's graph is computed from the store on each request (pods bound to
//! the node and the configmaps, secrets and claims they reference), and a kubelet's list or watch of pods
//! is taken to carry the `spec.nodeName=<node>` field selector every real kubelet sends.

use k8s_openapi::api::core::v1::Pod;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::Status;

use super::authn::{node_identity, SYSTEM_MASTERS};
use super::rbac::{self, Attributes, RbacDecision};
use super::status;
use crate::engine::objects::Object;
use crate::engine::store::{key, Store};

/// Which authorizer decided, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Decision {
    /// Allowed; the text says by whom (`system:masters`, `Node`, or the RBAC binding).
    Allow(String),
    /// Denied; the reason (possibly empty) is appended to the 403 message.
    Deny(String),
}

/// Runs the authorizer chain: privileged group, Node, RBAC.
pub fn authorize(store: &Store, attrs: &Attributes) -> Decision {
    if attrs.user.groups.iter().any(|g| g == SYSTEM_MASTERS) {
        return Decision::Allow(format!(
            "allowed by the privileged group {SYSTEM_MASTERS:?}"
        ));
    }
    let mut reasons: Vec<String> = Vec::new();
    match node_authorize(store, attrs) {
        NodeDecision::Allow => return Decision::Allow("allowed by the Node authorizer".into()),
        NodeDecision::NoOpinion(reason) => {
            if !reason.is_empty() {
                reasons.push(reason);
            }
        }
    }
    match rbac::authorize(store, attrs) {
        RbacDecision::Allow(by) => Decision::Allow(by),
        RbacDecision::NoOpinion(reason) => {
            if !reason.is_empty() {
                reasons.push(reason);
            }
            Decision::Deny(reasons.join("\n"))
        }
    }
}

/// `forbiddenMessage`: `User "x" cannot <verb> resource "<resource[/sub]>" in API group "<g>"` followed
/// by ` in the namespace "<ns>"` or ` at the cluster scope`.
pub fn forbidden_message(attrs: &Attributes) -> String {
    let resource = if attrs.subresource.is_empty() {
        attrs.resource.to_string()
    } else {
        format!("{}/{}", attrs.resource, attrs.subresource)
    };
    let base = format!(
        "User {:?} cannot {} resource {:?} in API group {:?}",
        attrs.user.name, attrs.verb, resource, attrs.api_group
    );
    if attrs.namespace.is_empty() {
        format!("{base} at the cluster scope")
    } else {
        format!("{base} in the namespace {:?}", attrs.namespace)
    }
}

/// The 403 Status for a denied request: the qualified resource (without subresource), the URL's name.
pub fn forbidden_status(attrs: &Attributes, reason: &str) -> Status {
    let message = forbidden_message(attrs);
    let full = if reason.is_empty() {
        message
    } else {
        format!("{message}: {reason}")
    };
    status::forbidden(attrs.resource, attrs.api_group, attrs.name, &full)
}

enum NodeDecision {
    Allow,
    NoOpinion(String),
}

fn node_authorize(store: &Store, attrs: &Attributes) -> NodeDecision {
    let Some(node) = node_identity(attrs.user) else {
        return NodeDecision::NoOpinion(String::new());
    };
    if node.is_empty() {
        return NodeDecision::NoOpinion(format!("unknown node for user {:?}", attrs.user.name));
    }
    let no_relationship = || {
        NodeDecision::NoOpinion(format!(
            "no relationship found between node '{node}' and this object"
        ))
    };
    match (attrs.api_group, attrs.resource) {
        ("", "pods") => match (attrs.subresource, attrs.verb) {
            ("", "get") => {
                if attrs.name.is_empty() {
                    return NodeDecision::NoOpinion("No Object name found".into());
                }
                if pod_on_node(store, attrs.namespace, attrs.name, node) {
                    NodeDecision::Allow
                } else {
                    no_relationship()
                }
            }
            // Simplification: the kubelet's spec.nodeName field selector is implied (see module doc).
            ("", "list" | "watch") | ("", "create" | "delete") => NodeDecision::Allow,
            ("status", "update" | "patch") | ("eviction", "create") => NodeDecision::Allow,
            _ => NodeDecision::NoOpinion(String::new()),
        },
        ("", "nodes") => match (attrs.subresource, attrs.verb) {
            ("", "create" | "update" | "patch") => NodeDecision::Allow,
            ("", "get" | "list" | "watch") => {
                if attrs.name == node {
                    NodeDecision::Allow
                } else if attrs.name.is_empty() {
                    NodeDecision::NoOpinion(format!(
                        "node '{node}' cannot read all nodes, only its own Node object"
                    ))
                } else {
                    NodeDecision::NoOpinion(format!(
                        "node '{node}' cannot read '{}', only its own Node object",
                        attrs.name
                    ))
                }
            }
            ("status", "update" | "patch") => NodeDecision::Allow,
            _ => NodeDecision::NoOpinion(String::new()),
        },
        ("", "configmaps" | "secrets") => {
            if !matches!(attrs.verb, "get" | "list" | "watch") {
                return NodeDecision::NoOpinion("can only read resources of this type".into());
            }
            if !attrs.subresource.is_empty() {
                return NodeDecision::NoOpinion("cannot read subresource".into());
            }
            if attrs.namespace.is_empty() {
                return NodeDecision::NoOpinion(
                    "can only read namespaced object of this type".into(),
                );
            }
            if attrs.name.is_empty() {
                return NodeDecision::NoOpinion("No Object name found".into());
            }
            if referenced_by_pod_on_node(store, attrs.resource, attrs.namespace, attrs.name, node) {
                NodeDecision::Allow
            } else {
                no_relationship()
            }
        }
        ("", "persistentvolumeclaims" | "persistentvolumes") => {
            if attrs.verb != "get" {
                return NodeDecision::NoOpinion(
                    "can only get individual resources of this type".into(),
                );
            }
            if !attrs.subresource.is_empty() {
                return NodeDecision::NoOpinion("cannot get subresource".into());
            }
            if attrs.name.is_empty() {
                return NodeDecision::NoOpinion("No Object name found".into());
            }
            if referenced_by_pod_on_node(store, attrs.resource, attrs.namespace, attrs.name, node) {
                NodeDecision::Allow
            } else {
                no_relationship()
            }
        }
        ("", "serviceaccounts") => {
            if attrs.verb != "create" || attrs.name.is_empty() {
                return NodeDecision::NoOpinion(
                    "can only create tokens for individual service accounts".into(),
                );
            }
            if attrs.subresource != "token" {
                return NodeDecision::NoOpinion(
                    "can only create token subresource of serviceaccount".into(),
                );
            }
            no_relationship()
        }
        _ => {
            if static_node_rules_allow(attrs) {
                NodeDecision::Allow
            } else {
                NodeDecision::NoOpinion(String::new())
            }
        }
    }
}

/// The parts of `bootstrappolicy.NodeRules()` that concern the resources podflow serves.
fn static_node_rules_allow(attrs: &Attributes) -> bool {
    let rules = [
        rbac::rule(
            &["create", "update", "patch"],
            &["", "events.k8s.io"],
            &["events"],
        ),
        rbac::rule(&["get", "list", "watch"], &[""], &["services"]),
    ];
    rules.iter().any(|r| rbac::rule_allows(attrs, r))
}

fn stored_pod<'a>(store: &'a Store, namespace: &str, name: &str) -> Option<&'a Pod> {
    store
        .get(&key("pods", Some(namespace), name))
        .and_then(|s| s.object.as_pod())
}

fn pod_on_node(store: &Store, namespace: &str, name: &str, node: &str) -> bool {
    stored_pod(store, namespace, name)
        .and_then(|p| p.spec.as_ref())
        .and_then(|s| s.node_name.as_deref())
        == Some(node)
}

/// Whether a pod bound to `node` references the object (`node <- pod <- configmap/secret/pvc`, and
/// `node <- pod <- pvc <- pv`).
fn referenced_by_pod_on_node(
    store: &Store,
    resource: &str,
    namespace: &str,
    name: &str,
    node: &str,
) -> bool {
    let prefix = format!("{}/pods/", crate::engine::store::ETCD_PREFIX);
    let found = store.list(&prefix).any(|(_, stored)| {
        let Object::Pod(pod) = &stored.object else {
            return false;
        };
        let Some(spec) = pod.spec.as_ref() else {
            return false;
        };
        if spec.node_name.as_deref() != Some(node) {
            return false;
        }
        let pod_namespace = pod.metadata.namespace.as_deref().unwrap_or("");
        if resource == "persistentvolumes" {
            return spec.volumes.iter().flatten().any(|v| {
                v.persistent_volume_claim
                    .as_ref()
                    .and_then(|c| {
                        store
                            .get(&key(
                                "persistentvolumeclaims",
                                Some(pod_namespace),
                                &c.claim_name,
                            ))
                            .and_then(|s| match &s.object {
                                Object::PersistentVolumeClaim(pvc) => {
                                    pvc.spec.as_ref()?.volume_name.clone()
                                }
                                _ => None,
                            })
                    })
                    .as_deref()
                    == Some(name)
            });
        }
        if pod_namespace != namespace {
            return false;
        }
        pod_references(pod, resource, name)
    });
    found
}

fn pod_references(pod: &Pod, resource: &str, name: &str) -> bool {
    let Some(spec) = pod.spec.as_ref() else {
        return false;
    };
    let volumes = spec.volumes.iter().flatten();
    let containers = spec
        .containers
        .iter()
        .chain(spec.init_containers.iter().flatten());
    match resource {
        "configmaps" => {
            volumes.clone().any(|v| {
                v.config_map.as_ref().map(|c| c.name.as_str()) == Some(name)
                    || v.projected
                        .iter()
                        .flat_map(|p| p.sources.iter().flatten())
                        .any(|s| s.config_map.as_ref().map(|c| c.name.as_str()) == Some(name))
            }) || containers.clone().any(|c| {
                c.env_from
                    .iter()
                    .flatten()
                    .any(|e| e.config_map_ref.as_ref().map(|r| r.name.as_str()) == Some(name))
                    || c.env.iter().flatten().any(|e| {
                        e.value_from
                            .as_ref()
                            .and_then(|v| v.config_map_key_ref.as_ref())
                            .map(|r| r.name.as_str())
                            == Some(name)
                    })
            })
        }
        "secrets" => {
            volumes.clone().any(|v| {
                v.secret.as_ref().and_then(|s| s.secret_name.as_deref()) == Some(name)
                    || v.projected
                        .iter()
                        .flat_map(|p| p.sources.iter().flatten())
                        .any(|s| s.secret.as_ref().map(|c| c.name.as_str()) == Some(name))
            }) || spec
                .image_pull_secrets
                .iter()
                .flatten()
                .any(|r| r.name.as_str() == name)
                || containers.clone().any(|c| {
                    c.env_from
                        .iter()
                        .flatten()
                        .any(|e| e.secret_ref.as_ref().map(|r| r.name.as_str()) == Some(name))
                        || c.env.iter().flatten().any(|e| {
                            e.value_from
                                .as_ref()
                                .and_then(|v| v.secret_key_ref.as_ref())
                                .map(|r| r.name.as_str())
                                == Some(name)
                        })
                })
        }
        "persistentvolumeclaims" => volumes.clone().any(|v| {
            v.persistent_volume_claim
                .as_ref()
                .map(|c| c.claim_name.as_str())
                == Some(name)
        }),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::api::UserInfo;
    use k8s_openapi::api::core::v1::PodSpec;
    use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

    fn user(name: &str, groups: &[&str]) -> UserInfo {
        UserInfo {
            name: name.into(),
            groups: groups.iter().map(|g| g.to_string()).collect(),
        }
    }

    fn attrs<'a>(
        user: &'a UserInfo,
        verb: &'a str,
        resource: &'a str,
        sub: &'a str,
        ns: &'a str,
        name: &'a str,
    ) -> Attributes<'a> {
        Attributes {
            user,
            verb,
            api_group: "",
            resource,
            subresource: sub,
            namespace: ns,
            name,
        }
    }

    #[test]
    fn should_write_each_scope_form_of_the_forbidden_message() {
        let jane = user("jane", &["system:authenticated"]);
        let cases = [
            (
                attrs(&jane, "create", "pods", "", "default", ""),
                "pods is forbidden: User \"jane\" cannot create resource \"pods\" in API group \"\" in the namespace \"default\"",
            ),
            (
                attrs(&jane, "get", "pods", "", "default", "demo-pod"),
                "pods \"demo-pod\" is forbidden: User \"jane\" cannot get resource \"pods\" in API group \"\" in the namespace \"default\"",
            ),
            (
                attrs(&jane, "list", "nodes", "", "", ""),
                "nodes is forbidden: User \"jane\" cannot list resource \"nodes\" in API group \"\" at the cluster scope",
            ),
            (
                attrs(&jane, "create", "pods", "binding", "default", "demo-pod"),
                "pods \"demo-pod\" is forbidden: User \"jane\" cannot create resource \"pods/binding\" in API group \"\" in the namespace \"default\"",
            ),
            (
                Attributes {
                    api_group: "scheduling.k8s.io",
                    ..attrs(&jane, "create", "priorityclasses", "", "", "")
                },
                "priorityclasses.scheduling.k8s.io is forbidden: User \"jane\" cannot create resource \"priorityclasses\" in API group \"scheduling.k8s.io\" at the cluster scope",
            ),
        ];
        for (a, want) in cases {
            assert_eq!(forbidden_status(&a, "").message.as_deref(), Some(want));
        }
    }

    #[test]
    fn should_let_masters_bypass_and_deny_others_without_bindings() {
        let store = Store::new();
        let admin = user(
            "kubernetes-admin",
            &["system:masters", "system:authenticated"],
        );
        let jane = user("jane", &["system:authenticated"]);
        assert!(matches!(
            authorize(&store, &attrs(&admin, "delete", "nodes", "", "", "x")),
            Decision::Allow(_)
        ));
        assert_eq!(
            authorize(&store, &attrs(&jane, "get", "pods", "", "default", "x")),
            Decision::Deny(String::new())
        );
    }

    #[test]
    fn should_limit_kubelets_to_their_own_pods_and_node() {
        let mut store = Store::new();
        let pod = |name: &str, node: &str| {
            Object::Pod(std::sync::Arc::new(Pod {
                metadata: ObjectMeta {
                    name: Some(name.into()),
                    namespace: Some("default".into()),
                    ..Default::default()
                },
                spec: Some(PodSpec {
                    node_name: Some(node.into()),
                    ..Default::default()
                }),
                ..Default::default()
            }))
        };
        store
            .create("/registry/pods/default/mine", pod("mine", "node-a"))
            .unwrap();
        store
            .create("/registry/pods/default/theirs", pod("theirs", "node-b"))
            .unwrap();
        let kubelet = user(
            "system:node:node-a",
            &["system:nodes", "system:authenticated"],
        );
        let allowed = |a: Attributes| matches!(authorize(&store, &a), Decision::Allow(_));
        assert!(allowed(attrs(
            &kubelet, "get", "pods", "", "default", "mine"
        )));
        assert!(
            allowed(attrs(
                &kubelet, "patch", "pods", "status", "default", "theirs"
            )),
            "NodeRestriction decides"
        );
        assert!(allowed(attrs(
            &kubelet, "create", "events", "", "default", ""
        )));
        assert!(allowed(attrs(&kubelet, "get", "nodes", "", "", "node-a")));
        assert!(allowed(attrs(
            &kubelet, "update", "nodes", "status", "", "node-a"
        )));
        assert_eq!(
            authorize(
                &store,
                &attrs(&kubelet, "get", "pods", "", "default", "theirs")
            ),
            Decision::Deny("no relationship found between node 'node-a' and this object".into())
        );
        assert_eq!(
            authorize(&store, &attrs(&kubelet, "get", "nodes", "", "", "node-b")),
            Decision::Deny("node 'node-a' cannot read 'node-b', only its own Node object".into())
        );
        assert_eq!(
            forbidden_status(&attrs(&kubelet, "get", "pods", "", "default", "theirs"), "no relationship found between node 'node-a' and this object")
                .message
                .as_deref(),
            Some("pods \"theirs\" is forbidden: User \"system:node:node-a\" cannot get resource \"pods\" in API group \"\" in the namespace \"default\": no relationship found between node 'node-a' and this object")
        );
        assert_eq!(
            authorize(
                &store,
                &attrs(&kubelet, "delete", "nodes", "", "", "node-a")
            ),
            Decision::Deny(String::new())
        );
    }
}
