//! Authentication: turning the credentials a client presents into a `user.Info`.
//!
//! Mirrors what a kubeadm cluster's authenticators produce (`k8s.io/apiserver/pkg/authentication`):
//! x509 client certificates (CN = user, O = groups) for the admin kubeconfig, kube-scheduler and the
//! kubelets, and the anonymous authenticator (`--anonymous-auth=true`). Every authenticated user also
//! gets `system:authenticated` (`group.AuthenticatedGroupAdder`).
//! Simplification: scenario users are a name → groups table (`ApiServer::add_user`), standing in for
//! client certificates or tokens; an unknown user name is rejected with 401 as a bad token would be.

use std::collections::BTreeMap;

use super::{Credentials, UserInfo};

pub const SYSTEM_MASTERS: &str = "system:masters";
pub const SYSTEM_AUTHENTICATED: &str = "system:authenticated";
pub const SYSTEM_UNAUTHENTICATED: &str = "system:unauthenticated";
pub const SYSTEM_NODES: &str = "system:nodes";
pub const NODE_USER_PREFIX: &str = "system:node:";
pub const SERVICE_ACCOUNT_USER_PREFIX: &str = "system:serviceaccount:";
pub const SERVICE_ACCOUNTS_GROUP: &str = "system:serviceaccounts";

/// Why authentication failed (the server answers 401 `Unauthorized`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unauthenticated {
    pub reason: String,
}

/// The user behind `credentials`, given the users the scenario registered.
pub fn authenticate(
    credentials: &Credentials,
    users: &BTreeMap<String, Vec<String>>,
) -> Result<UserInfo, Unauthenticated> {
    let user = |name: &str, groups: &[&str]| UserInfo {
        name: name.to_string(),
        groups: groups.iter().map(|g| g.to_string()).collect(),
    };
    match credentials {
        Credentials::ClusterAdmin => Ok(user(
            "kubernetes-admin",
            &[SYSTEM_MASTERS, SYSTEM_AUTHENTICATED],
        )),
        Credentials::Scheduler => Ok(user("system:kube-scheduler", &[SYSTEM_AUTHENTICATED])),
        Credentials::Kubelet(node) => Ok(UserInfo {
            name: format!("{NODE_USER_PREFIX}{node}"),
            groups: vec![SYSTEM_NODES.into(), SYSTEM_AUTHENTICATED.into()],
        }),
        Credentials::Controller(name) => Ok(UserInfo {
            name: service_account_username("kube-system", name),
            groups: service_account_groups("kube-system"),
        }),
        Credentials::Anonymous => Ok(user("system:anonymous", &[SYSTEM_UNAUTHENTICATED])),
        Credentials::User(name) => match users.get(name) {
            Some(groups) => {
                let mut groups = groups.clone();
                if !groups.iter().any(|g| g == SYSTEM_AUTHENTICATED) {
                    groups.push(SYSTEM_AUTHENTICATED.into());
                }
                Ok(UserInfo {
                    name: name.clone(),
                    groups,
                })
            }
            None => Err(Unauthenticated {
                reason: format!("no credentials are registered for user {name:?}"),
            }),
        },
    }
}

/// The user name of a service account: `system:serviceaccount:<ns>:<name>`.
pub fn service_account_username(namespace: &str, name: &str) -> String {
    format!("{SERVICE_ACCOUNT_USER_PREFIX}{namespace}:{name}")
}

/// The groups a service account's token authenticates with.
pub fn service_account_groups(namespace: &str) -> Vec<String> {
    vec![
        SERVICE_ACCOUNTS_GROUP.into(),
        format!("{SERVICE_ACCOUNTS_GROUP}:{namespace}"),
        SYSTEM_AUTHENTICATED.into(),
    ]
}

/// The node name of a kubelet identity (`nodeidentifier.NodeIdentity`): a user `system:node:<name>`
/// in the group `system:nodes`.
pub fn node_identity(user: &UserInfo) -> Option<&str> {
    let name = user.name.strip_prefix(NODE_USER_PREFIX)?;
    user.groups
        .iter()
        .any(|g| g == SYSTEM_NODES)
        .then_some(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn users() -> BTreeMap<String, Vec<String>> {
        BTreeMap::from([("jane".to_string(), vec!["developers".to_string()])])
    }

    #[test]
    fn should_map_each_credential_to_its_kubeadm_identity() {
        let cases = [
            (
                Credentials::ClusterAdmin,
                "kubernetes-admin",
                vec!["system:masters", "system:authenticated"],
            ),
            (
                Credentials::Scheduler,
                "system:kube-scheduler",
                vec!["system:authenticated"],
            ),
            (
                Credentials::Kubelet("node-a".into()),
                "system:node:node-a",
                vec!["system:nodes", "system:authenticated"],
            ),
            (
                Credentials::Anonymous,
                "system:anonymous",
                vec!["system:unauthenticated"],
            ),
            (
                Credentials::User("jane".into()),
                "jane",
                vec!["developers", "system:authenticated"],
            ),
        ];
        for (credentials, name, groups) in cases {
            let user = authenticate(&credentials, &users()).unwrap();
            assert_eq!(user.name, name);
            assert_eq!(user.groups, groups);
        }
    }

    #[test]
    fn should_reject_an_unknown_user() {
        assert!(authenticate(&Credentials::User("mallory".into()), &users()).is_err());
    }

    #[test]
    fn should_identify_nodes_only_with_the_nodes_group() {
        let kubelet = authenticate(&Credentials::Kubelet("node-b".into()), &users()).unwrap();
        assert_eq!(node_identity(&kubelet), Some("node-b"));
        let impostor = UserInfo {
            name: "system:node:node-b".into(),
            groups: vec![],
        };
        assert_eq!(node_identity(&impostor), None);
    }
}
