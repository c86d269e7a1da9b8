//! The RBAC authorizer: Roles, ClusterRoles and their bindings, evaluated against request attributes.
//!
//! Mirrors `plugin/pkg/auth/authorizer/rbac/rbac.go` (`RBACAuthorizer.Authorize`, `RuleAllows`) and
//! `pkg/apis/rbac/v1/evaluation_helpers.go` (`VerbMatches`, `APIGroupMatches`, `ResourceMatches` with
//! `*/subresource`, `ResourceNameMatches`), plus the subject matching of
//! `pkg/registry/rbac/validation/rule.go` (`appliesToUser`). ClusterRoleBindings are visited first, then
//! the RoleBindings of the request's namespace; a binding whose role is missing contributes an error that
//! becomes the denial reason (`RBAC: clusterrole.rbac.authorization.k8s.io "x" not found`).
//! Simplification: aggregated ClusterRoles are stored with their aggregated rules already filled in.

use k8s_openapi::api::rbac::v1::{PolicyRule, RoleRef, Subject};

use super::authn::service_account_username;
use super::UserInfo;
use crate::engine::objects::Object;
use crate::engine::store::{key, list_prefix, Store};

/// What a request asks for, as authorizers see it (`authorizer.Attributes`, resource requests only).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Attributes<'a> {
    pub user: &'a UserInfo,
    pub verb: &'a str,
    pub api_group: &'a str,
    pub resource: &'a str,
    /// `""` when the request has no subresource.
    pub subresource: &'a str,
    /// `""` for cluster-scoped requests.
    pub namespace: &'a str,
    /// `""` for collection requests (list, create).
    pub name: &'a str,
}

/// The outcome of RBAC evaluation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RbacDecision {
    /// Allowed, with the binding and role that allowed it (as upstream's audit annotation reads:
    /// `RBAC: allowed by ClusterRoleBinding "x" of ClusterRole "y" to User "z"`).
    Allow(String),
    /// No rule allows it; the reason is empty unless a binding pointed at a missing role.
    NoOpinion(String),
}

pub fn verb_matches(rule: &PolicyRule, verb: &str) -> bool {
    rule.verbs.iter().any(|v| v == "*" || v == verb)
}

pub fn api_group_matches(rule: &PolicyRule, group: &str) -> bool {
    rule.api_groups
        .iter()
        .flatten()
        .any(|g| g == "*" || g == group)
}

/// `resources` entries match `*`, the exact `resource[/subresource]`, or `*/<subresource>`.
pub fn resource_matches(rule: &PolicyRule, combined: &str, subresource: &str) -> bool {
    rule.resources.iter().flatten().any(|r| {
        r == "*"
            || r == combined
            || (!subresource.is_empty()
                && r.len() == subresource.len() + 2
                && r.starts_with("*/")
                && r.ends_with(subresource))
    })
}

pub fn resource_name_matches(rule: &PolicyRule, name: &str) -> bool {
    match &rule.resource_names {
        None => true,
        Some(names) if names.is_empty() => true,
        Some(names) => names.iter().any(|n| n == name),
    }
}

/// `RuleAllows` for a resource request.
pub fn rule_allows(attrs: &Attributes, rule: &PolicyRule) -> bool {
    let combined = if attrs.subresource.is_empty() {
        attrs.resource.to_string()
    } else {
        format!("{}/{}", attrs.resource, attrs.subresource)
    };
    verb_matches(rule, attrs.verb)
        && api_group_matches(rule, attrs.api_group)
        && resource_matches(rule, &combined, attrs.subresource)
        && resource_name_matches(rule, attrs.name)
}

/// Whether `subject` names `user`; `binding_namespace` defaults a ServiceAccount subject's namespace.
pub fn applies_to_user(user: &UserInfo, subject: &Subject, binding_namespace: &str) -> bool {
    match subject.kind.as_str() {
        "User" => user.name == subject.name,
        "Group" => user.groups.contains(&subject.name),
        "ServiceAccount" => {
            let namespace = subject
                .namespace
                .as_deref()
                .filter(|ns| !ns.is_empty())
                .unwrap_or(binding_namespace);
            !namespace.is_empty() && service_account_username(namespace, &subject.name) == user.name
        }
        _ => false,
    }
}

/// The rules a role reference resolves to, or the upstream not-found error text.
fn resolve_role<'s>(
    store: &'s Store,
    role_ref: &RoleRef,
    binding_namespace: &str,
) -> Result<&'s [PolicyRule], String> {
    match role_ref.kind.as_str() {
        "ClusterRole" => match store
            .get(&key("clusterroles", None, &role_ref.name))
            .map(|s| &s.object)
        {
            Some(Object::ClusterRole(role)) => Ok(role.rules.as_deref().unwrap_or(&[])),
            _ => Err(format!(
                "clusterrole.rbac.authorization.k8s.io \"{}\" not found",
                role_ref.name
            )),
        },
        "Role" => match store
            .get(&key("roles", Some(binding_namespace), &role_ref.name))
            .map(|s| &s.object)
        {
            Some(Object::Role(role)) => Ok(role.rules.as_deref().unwrap_or(&[])),
            _ => Err(format!(
                "role.rbac.authorization.k8s.io \"{}\" not found",
                role_ref.name
            )),
        },
        other => Err(format!("unknown role reference kind: {other:?}")),
    }
}

fn subject_text(subject: &Subject, binding_namespace: &str) -> String {
    if subject.kind == "ServiceAccount" {
        let ns = subject.namespace.as_deref().unwrap_or(binding_namespace);
        format!("ServiceAccount \"{}/{}\"", ns, subject.name)
    } else {
        format!("{} \"{}\"", subject.kind, subject.name)
    }
}

/// Evaluates every binding that applies to the request's user.
pub fn authorize(store: &Store, attrs: &Attributes) -> RbacDecision {
    let mut errors: Vec<String> = Vec::new();
    let cluster_prefix = list_prefix("clusterrolebindings", None);
    for (_, stored) in store.list(&cluster_prefix) {
        let Object::ClusterRoleBinding(binding) = &stored.object else {
            continue;
        };
        let Some(subject) = binding
            .subjects
            .iter()
            .flatten()
            .find(|s| applies_to_user(attrs.user, s, ""))
        else {
            continue;
        };
        match resolve_role(store, &binding.role_ref, "") {
            Ok(rules) => {
                if rules.iter().any(|r| rule_allows(attrs, r)) {
                    return RbacDecision::Allow(format!(
                        "RBAC: allowed by ClusterRoleBinding \"{}\" of ClusterRole \"{}\" to {}",
                        binding.metadata.name.as_deref().unwrap_or(""),
                        binding.role_ref.name,
                        subject_text(subject, "")
                    ));
                }
            }
            Err(e) => errors.push(e),
        }
    }
    if !attrs.namespace.is_empty() {
        let prefix = list_prefix("rolebindings", Some(attrs.namespace));
        for (_, stored) in store.list(&prefix) {
            let Object::RoleBinding(binding) = &stored.object else {
                continue;
            };
            let Some(subject) = binding
                .subjects
                .iter()
                .flatten()
                .find(|s| applies_to_user(attrs.user, s, attrs.namespace))
            else {
                continue;
            };
            match resolve_role(store, &binding.role_ref, attrs.namespace) {
                Ok(rules) => {
                    if rules.iter().any(|r| rule_allows(attrs, r)) {
                        return RbacDecision::Allow(format!(
                            "RBAC: allowed by RoleBinding \"{}/{}\" of {} \"{}\" to {}",
                            binding.metadata.name.as_deref().unwrap_or(""),
                            attrs.namespace,
                            binding.role_ref.kind,
                            binding.role_ref.name,
                            subject_text(subject, attrs.namespace)
                        ));
                    }
                }
                Err(e) => errors.push(e),
            }
        }
    }
    let reason = match errors.as_slice() {
        [] => String::new(),
        [one] => format!("RBAC: {one}"),
        many => format!("RBAC: [{}]", many.join(", ")),
    };
    RbacDecision::NoOpinion(reason)
}

/// A policy rule, for bootstrap roles and tests: `rule(&["get"], &[""], &["pods"])`.
pub fn rule(verbs: &[&str], groups: &[&str], resources: &[&str]) -> PolicyRule {
    let strings = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    PolicyRule {
        api_groups: Some(strings(groups)),
        resources: Some(strings(resources)),
        verbs: strings(verbs),
        ..Default::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use k8s_openapi::api::rbac::v1::{ClusterRole, ClusterRoleBinding, Role, RoleBinding};
    use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

    fn meta(name: &str, namespace: Option<&str>) -> ObjectMeta {
        ObjectMeta {
            name: Some(name.into()),
            namespace: namespace.map(String::from),
            ..Default::default()
        }
    }

    fn subject(kind: &str, name: &str, namespace: Option<&str>) -> Subject {
        Subject {
            kind: kind.into(),
            name: name.into(),
            namespace: namespace.map(String::from),
            api_group: (kind != "ServiceAccount").then(|| "rbac.authorization.k8s.io".into()),
        }
    }

    fn role_ref(kind: &str, name: &str) -> RoleRef {
        RoleRef {
            api_group: Some("rbac.authorization.k8s.io".into()),
            kind: kind.into(),
            name: name.into(),
        }
    }

    /// A store with: Role `pod-reader` (get/list pods) and Role `one-pod` (get pod `web`) in `dev`,
    /// ClusterRole `node-viewer` (get nodes) and `all-pods-status` (`*/status` patch),
    /// bindings for jane (Role), group `ops` (ClusterRole via ClusterRoleBinding), the service
    /// account `dev/builder` (ClusterRole via RoleBinding) and bob (a missing Role).
    fn store() -> Store {
        let mut s = Store::new();
        let mut put = |o: Object| {
            let k = key(o.info().resource, o.namespace(), o.name());
            s.create(&k, o).unwrap();
        };
        put(Object::Role(std::sync::Arc::new(Role {
            metadata: meta("pod-reader", Some("dev")),
            rules: Some(vec![rule(&["get", "list"], &[""], &["pods"])]),
        })));
        put(Object::Role(std::sync::Arc::new(Role {
            metadata: meta("one-pod", Some("dev")),
            rules: Some(vec![PolicyRule {
                resource_names: Some(vec!["web".into()]),
                ..rule(&["get"], &[""], &["pods"])
            }]),
        })));
        put(Object::ClusterRole(std::sync::Arc::new(ClusterRole {
            metadata: meta("node-viewer", None),
            rules: Some(vec![rule(&["get"], &[""], &["nodes"])]),
            ..Default::default()
        })));
        put(Object::ClusterRole(std::sync::Arc::new(ClusterRole {
            metadata: meta("status-patcher", None),
            rules: Some(vec![rule(&["patch"], &["*"], &["*/status"])]),
            ..Default::default()
        })));
        put(Object::ClusterRole(std::sync::Arc::new(ClusterRole {
            metadata: meta("everything", None),
            rules: Some(vec![rule(&["*"], &["*"], &["*"])]),
            ..Default::default()
        })));
        put(Object::RoleBinding(std::sync::Arc::new(RoleBinding {
            metadata: meta("jane-reads", Some("dev")),
            role_ref: role_ref("Role", "pod-reader"),
            subjects: Some(vec![subject("User", "jane", None)]),
        })));
        put(Object::RoleBinding(std::sync::Arc::new(RoleBinding {
            metadata: meta("carol-one-pod", Some("dev")),
            role_ref: role_ref("Role", "one-pod"),
            subjects: Some(vec![subject("User", "carol", None)]),
        })));
        put(Object::ClusterRoleBinding(std::sync::Arc::new(
            ClusterRoleBinding {
                metadata: meta("ops-nodes", None),
                role_ref: role_ref("ClusterRole", "node-viewer"),
                subjects: Some(vec![subject("Group", "ops", None)]),
            },
        )));
        put(Object::RoleBinding(std::sync::Arc::new(RoleBinding {
            metadata: meta("builder-status", Some("dev")),
            role_ref: role_ref("ClusterRole", "status-patcher"),
            subjects: Some(vec![subject("ServiceAccount", "builder", None)]),
        })));
        put(Object::RoleBinding(std::sync::Arc::new(RoleBinding {
            metadata: meta("all-sa-everything", Some("sandbox")),
            role_ref: role_ref("ClusterRole", "everything"),
            subjects: Some(vec![subject(
                "Group",
                "system:serviceaccounts:sandbox",
                None,
            )]),
        })));
        put(Object::RoleBinding(std::sync::Arc::new(RoleBinding {
            metadata: meta("bob-broken", Some("dev")),
            role_ref: role_ref("Role", "missing"),
            subjects: Some(vec![subject("User", "bob", None)]),
        })));
        s
    }

    fn user(name: &str, groups: &[&str]) -> UserInfo {
        UserInfo {
            name: name.into(),
            groups: groups.iter().map(|g| g.to_string()).collect(),
        }
    }

    #[test]
    fn should_evaluate_the_rbac_table() {
        let store = store();
        let jane = user("jane", &["system:authenticated"]);
        let carol = user("carol", &["system:authenticated"]);
        let olga = user("olga", &["ops", "system:authenticated"]);
        let builder = user(
            "system:serviceaccount:dev:builder",
            &[
                "system:serviceaccounts",
                "system:serviceaccounts:dev",
                "system:authenticated",
            ],
        );
        let sandbox_sa = user(
            "system:serviceaccount:sandbox:ci",
            &[
                "system:serviceaccounts",
                "system:serviceaccounts:sandbox",
                "system:authenticated",
            ],
        );
        // (name, user, verb, group, resource, subresource, namespace, object name, allowed)
        let cases = [
            (
                "role allows get in its namespace",
                &jane,
                "get",
                "",
                "pods",
                "",
                "dev",
                "web",
                true,
            ),
            (
                "role allows list of the collection",
                &jane,
                "list",
                "",
                "pods",
                "",
                "dev",
                "",
                true,
            ),
            (
                "role does not allow create",
                &jane,
                "create",
                "",
                "pods",
                "",
                "dev",
                "",
                false,
            ),
            (
                "role does not reach another namespace",
                &jane,
                "get",
                "",
                "pods",
                "",
                "prod",
                "web",
                false,
            ),
            (
                "role on pods does not cover pods/status",
                &jane,
                "get",
                "",
                "pods",
                "status",
                "dev",
                "web",
                false,
            ),
            (
                "resourceNames allow the named pod",
                &carol,
                "get",
                "",
                "pods",
                "",
                "dev",
                "web",
                true,
            ),
            (
                "resourceNames deny another pod",
                &carol,
                "get",
                "",
                "pods",
                "",
                "dev",
                "db",
                false,
            ),
            (
                "resourceNames deny list",
                &carol,
                "list",
                "",
                "pods",
                "",
                "dev",
                "",
                false,
            ),
            (
                "group bound cluster role allows at cluster scope",
                &olga,
                "get",
                "",
                "nodes",
                "",
                "",
                "node-a",
                true,
            ),
            (
                "group bound cluster role wrong verb",
                &olga,
                "delete",
                "",
                "nodes",
                "",
                "",
                "node-a",
                false,
            ),
            (
                "service account via RoleBinding to ClusterRole",
                &builder,
                "patch",
                "",
                "pods",
                "status",
                "dev",
                "x",
                true,
            ),
            (
                "*/status does not match the main resource",
                &builder,
                "patch",
                "",
                "pods",
                "",
                "dev",
                "x",
                false,
            ),
            (
                "ClusterRole via RoleBinding stays in the namespace",
                &builder,
                "patch",
                "",
                "pods",
                "status",
                "prod",
                "x",
                false,
            ),
            (
                "namespace service-account group with wildcards",
                &sandbox_sa,
                "delete",
                "apps",
                "deployments",
                "",
                "sandbox",
                "d",
                true,
            ),
            (
                "wildcards do not leak to other namespaces",
                &sandbox_sa,
                "delete",
                "apps",
                "deployments",
                "",
                "dev",
                "d",
                false,
            ),
        ];
        for (name, user, verb, group, resource, subresource, namespace, object, allowed) in cases {
            let attrs = Attributes {
                user,
                verb,
                api_group: group,
                resource,
                subresource,
                namespace,
                name: object,
            };
            let decision = authorize(&store, &attrs);
            assert_eq!(
                matches!(decision, RbacDecision::Allow(_)),
                allowed,
                "{name}: {decision:?}"
            );
        }
    }

    #[test]
    fn should_report_missing_roles_in_the_denial_reason() {
        let store = store();
        let bob = user("bob", &["system:authenticated"]);
        let attrs = Attributes {
            user: &bob,
            verb: "get",
            api_group: "",
            resource: "pods",
            subresource: "",
            namespace: "dev",
            name: "web",
        };
        assert_eq!(
            authorize(&store, &attrs),
            RbacDecision::NoOpinion(
                "RBAC: role.rbac.authorization.k8s.io \"missing\" not found".into()
            )
        );
    }

    #[test]
    fn should_name_the_binding_that_allowed() {
        let store = store();
        let jane = user("jane", &[]);
        let attrs = Attributes {
            user: &jane,
            verb: "get",
            api_group: "",
            resource: "pods",
            subresource: "",
            namespace: "dev",
            name: "",
        };
        assert_eq!(
            authorize(&store, &attrs),
            RbacDecision::Allow(
                "RBAC: allowed by RoleBinding \"jane-reads/dev\" of Role \"pod-reader\" to User \"jane\"".into()
            )
        );
    }
}
