//! ServiceAccount: every pod runs as a service account (`default` unless named), which must exist, and
//! gets the projected API credentials volume `kube-api-access-<5 chars>` mounted read-only in every
//! init and regular container.
//!
//! Mirrors `plugin/pkg/admission/serviceaccount/admission.go` (`Admit`, `Validate`,
//! `mountServiceAccountToken`, `TokenVolumeSource`, `shouldAutomount`).
//! Simplification: the enforce-mountable-secrets annotation and ephemeral containers are not modelled.

use k8s_openapi::api::core::v1::{
    ConfigMapProjection, Container, DownwardAPIProjection, DownwardAPIVolumeFile, KeyToPath,
    LocalObjectReference, ObjectFieldSelector, Pod, ProjectedVolumeSource, ServiceAccount,
    ServiceAccountTokenProjection, Volume, VolumeMount, VolumeProjection,
};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::Status;

use super::{forbidden, Attributes, Context, Operation};
use crate::engine::objects::Object;
use crate::engine::store::key;

pub const NAME: &str = "ServiceAccount";

pub const DEFAULT_SERVICE_ACCOUNT: &str = "default";
/// The prefix of the generated volume name.
pub const VOLUME_NAME_PREFIX: &str = "kube-api-access-";
/// `DefaultAPITokenMountPath`.
pub const TOKEN_MOUNT_PATH: &str = "/var/run/secrets/kubernetes.io/serviceaccount";
/// `serviceaccount.WarnOnlyBoundTokenExpirationSeconds` (1h + 7s).
pub const TOKEN_EXPIRATION_SECONDS: i64 = 3607;
/// `corev1.ProjectedVolumeSourceDefaultMode` (0644).
pub const PROJECTED_DEFAULT_MODE: i32 = 420;
pub const MIRROR_POD_ANNOTATION: &str = "kubernetes.io/config.mirror";

/// The projected volume source of the API credentials (`TokenVolumeSource`).
pub fn token_volume_source() -> ProjectedVolumeSource {
    ProjectedVolumeSource {
        default_mode: Some(PROJECTED_DEFAULT_MODE),
        sources: Some(vec![
            VolumeProjection {
                service_account_token: Some(ServiceAccountTokenProjection {
                    path: "token".into(),
                    expiration_seconds: Some(TOKEN_EXPIRATION_SECONDS),
                    audience: None,
                }),
                ..Default::default()
            },
            VolumeProjection {
                config_map: Some(ConfigMapProjection {
                    name: "kube-root-ca.crt".into(),
                    items: Some(vec![KeyToPath {
                        key: "ca.crt".into(),
                        path: "ca.crt".into(),
                        mode: None,
                    }]),
                    optional: None,
                }),
                ..Default::default()
            },
            VolumeProjection {
                downward_api: Some(DownwardAPIProjection {
                    items: Some(vec![DownwardAPIVolumeFile {
                        path: "namespace".into(),
                        field_ref: Some(ObjectFieldSelector {
                            api_version: Some("v1".into()),
                            field_path: "metadata.namespace".into(),
                        }),
                        ..Default::default()
                    }]),
                }),
                ..Default::default()
            },
        ]),
    }
}

fn lookup<'a>(ctx: &'a Context, namespace: &str, name: &str) -> Result<&'a ServiceAccount, String> {
    match ctx.store.get(&key("serviceaccounts", Some(namespace), name)).map(|s| &s.object) {
        Some(Object::ServiceAccount(sa)) => Ok(sa),
        _ => Err(format!(
            "error looking up service account {namespace}/{name}: serviceaccount \"{name}\" not found"
        )),
    }
}

fn is_mirror_pod(pod: &Pod) -> bool {
    pod.metadata
        .annotations
        .as_ref()
        .is_some_and(|a| a.contains_key(MIRROR_POD_ANNOTATION))
}

fn should_automount(sa: &ServiceAccount, pod: &Pod) -> bool {
    if let Some(value) = pod
        .spec
        .as_ref()
        .and_then(|s| s.automount_service_account_token)
    {
        return value;
    }
    sa.automount_service_account_token.unwrap_or(true)
}

/// Adds the mount to each container lacking one at the token path; true when any container got it.
fn mount_in(
    containers: &mut [Container],
    mount: &VolumeMount,
    kind: &str,
    changes: &mut Vec<String>,
) -> bool {
    let mut mounted = false;
    for container in containers.iter_mut() {
        let has_mount = container
            .volume_mounts
            .iter()
            .flatten()
            .any(|m| m.mount_path == TOKEN_MOUNT_PATH);
        if !has_mount {
            container
                .volume_mounts
                .get_or_insert_with(Vec::new)
                .push(mount.clone());
            changes.push(format!(
                "mounted {} read-only at {TOKEN_MOUNT_PATH} in {kind} {}",
                mount.name, container.name
            ));
            mounted = true;
        }
    }
    mounted
}

fn mount_token(pod: &mut Pod, ctx: &mut Context, changes: &mut Vec<String>) {
    let spec = pod.spec.get_or_insert_with(Default::default);
    let existing = spec
        .volumes
        .iter()
        .flatten()
        .find(|v| v.name.starts_with(VOLUME_NAME_PREFIX))
        .map(|v| v.name.clone());
    let has_volume = existing.is_some();
    let volume_name =
        existing.unwrap_or_else(|| format!("{VOLUME_NAME_PREFIX}{}", ctx.rng.name_suffix(5)));
    let mount = VolumeMount {
        name: volume_name.clone(),
        read_only: Some(true),
        mount_path: TOKEN_MOUNT_PATH.into(),
        ..Default::default()
    };
    let first_change = changes.len();
    let mut needs_volume = false;
    if let Some(init) = spec.init_containers.as_mut() {
        needs_volume |= mount_in(init, &mount, "init container", changes);
    }
    needs_volume |= mount_in(&mut spec.containers, &mount, "container", changes);
    if !has_volume && needs_volume {
        spec.volumes.get_or_insert_with(Vec::new).push(Volume {
            name: volume_name.clone(),
            projected: Some(token_volume_source()),
            ..Default::default()
        });
        changes.insert(
            first_change,
            format!("added projected volume {volume_name} (token, kube-root-ca.crt, namespace)"),
        );
    }
}

pub fn admit(
    attrs: &Attributes,
    object: Option<&mut Object>,
    ctx: &mut Context,
) -> Result<Vec<String>, Status> {
    if !attrs.is_pod() || attrs.operation != Operation::Create {
        return Ok(Vec::new());
    }
    let Some(Object::Pod(pod)) = object else {
        return Ok(Vec::new());
    };
    let pod = std::sync::Arc::make_mut(pod);
    if is_mirror_pod(pod) {
        validate_pod(attrs, pod, ctx)?;
        return Ok(Vec::new());
    }
    let mut changes = Vec::new();
    let spec = pod.spec.get_or_insert_with(Default::default);
    // The v1 alias `serviceAccount` names the account when `serviceAccountName` does not.
    let alias = spec.service_account.clone().filter(|n| !n.is_empty());
    if spec
        .service_account_name
        .as_deref()
        .unwrap_or("")
        .is_empty()
    {
        if let Some(alias) = alias {
            spec.service_account_name = Some(alias);
        }
    }
    let name = match spec.service_account_name.as_deref() {
        Some(n) if !n.is_empty() => n.to_string(),
        _ => {
            spec.service_account_name = Some(DEFAULT_SERVICE_ACCOUNT.into());
            changes.push(format!(
                "set serviceAccountName to {DEFAULT_SERVICE_ACCOUNT}"
            ));
            DEFAULT_SERVICE_ACCOUNT.to_string()
        }
    };
    // The v1 representation carries the deprecated alias too.
    spec.service_account = Some(name.clone());
    let sa = lookup(ctx, attrs.namespace, &name)
        .map_err(|m| forbidden(attrs, &m))?
        .clone();
    if should_automount(&sa, pod) {
        mount_token(pod, ctx, &mut changes);
    }
    let spec = pod.spec.get_or_insert_with(Default::default);
    let sa_secrets = sa.image_pull_secrets.clone().unwrap_or_default();
    if spec
        .image_pull_secrets
        .as_ref()
        .is_none_or(|s| s.is_empty())
        && !sa_secrets.is_empty()
    {
        spec.image_pull_secrets = Some(
            sa_secrets
                .iter()
                .map(|s| LocalObjectReference {
                    name: s.name.clone(),
                })
                .collect(),
        );
        changes.push(format!(
            "copied {} imagePullSecrets from the service account",
            sa_secrets.len()
        ));
    }
    Ok(changes)
}

fn validate_pod(attrs: &Attributes, pod: &Pod, ctx: &Context) -> Result<(), Status> {
    let spec = pod.spec.as_ref();
    let name = spec
        .and_then(|s| s.service_account_name.as_deref())
        .unwrap_or("");
    if is_mirror_pod(pod) {
        if !name.is_empty() {
            return Err(forbidden(
                attrs,
                "a mirror pod may not reference service accounts",
            ));
        }
        return Ok(());
    }
    lookup(ctx, attrs.namespace, name)
        .map(|_| ())
        .map_err(|m| forbidden(attrs, &m))
}

pub fn validate(attrs: &Attributes, object: Option<&Object>, ctx: &Context) -> Result<(), Status> {
    if !attrs.is_pod() || attrs.operation != Operation::Create {
        return Ok(());
    }
    match object {
        Some(Object::Pod(pod)) => validate_pod(attrs, pod, ctx),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use super::*;
    use crate::engine::rng::SimRng;
    use serde_json::json;

    fn admit_pod(
        pod_json: serde_json::Value,
        namespace: &str,
    ) -> Result<(Vec<String>, serde_json::Value), Status> {
        let store = fresh_store();
        let mut rng = SimRng::new(7);
        let mut ctx = Context {
            store: &store,
            rng: &mut rng,
        };
        let user = admin();
        let a = attrs(
            Operation::Create,
            &user,
            "pods",
            "",
            namespace,
            "demo-pod",
            None,
        );
        let mut pod = pod(pod_json);
        let changes = admit(&a, Some(&mut pod), &mut ctx)?;
        Ok((changes, pod.to_json()))
    }

    #[test]
    fn should_add_the_kube_api_access_volume_exactly() {
        let (changes, pod) = admit_pod(
            json!({"metadata": {"name": "demo-pod"}, "spec": {
                "initContainers": [{"name": "init", "image": "busybox"}],
                "containers": [{"name": "nginx", "image": "nginx:latest"}]}}),
            "default",
        )
        .unwrap();
        let volume_name = pod["spec"]["volumes"][0]["name"]
            .as_str()
            .unwrap()
            .to_string();
        assert!(
            volume_name.starts_with("kube-api-access-")
                && volume_name.len() == "kube-api-access-".len() + 5
        );
        assert_eq!(
            pod["spec"]["volumes"][0],
            json!({"name": volume_name, "projected": {"defaultMode": 420, "sources": [
                {"serviceAccountToken": {"expirationSeconds": 3607, "path": "token"}},
                {"configMap": {"items": [{"key": "ca.crt", "path": "ca.crt"}], "name": "kube-root-ca.crt"}},
                {"downwardAPI": {"items": [{"fieldRef": {"apiVersion": "v1", "fieldPath": "metadata.namespace"}, "path": "namespace"}]}}
            ]}})
        );
        let mount = json!([{"mountPath": "/var/run/secrets/kubernetes.io/serviceaccount", "name": volume_name, "readOnly": true}]);
        assert_eq!(pod["spec"]["containers"][0]["volumeMounts"], mount);
        assert_eq!(pod["spec"]["initContainers"][0]["volumeMounts"], mount);
        assert_eq!(pod["spec"]["serviceAccountName"], "default");
        assert_eq!(pod["spec"]["serviceAccount"], "default");
        assert_eq!(changes[0], "set serviceAccountName to default");
        assert!(changes[1].starts_with("added projected volume kube-api-access-"));
    }

    #[test]
    fn should_not_mount_when_automount_is_off_or_a_mount_exists() {
        let (_, pod) = admit_pod(
            json!({"metadata": {"name": "p"}, "spec": {"automountServiceAccountToken": false,
                "containers": [{"name": "a", "image": "x"}]}}),
            "default",
        )
        .unwrap();
        assert!(pod["spec"].get("volumes").is_none());
        let (_, pod) = admit_pod(
            json!({"metadata": {"name": "p"}, "spec": {
                "volumes": [{"name": "mine", "emptyDir": {}}],
                "containers": [{"name": "a", "image": "x",
                "volumeMounts": [{"name": "mine", "mountPath": "/var/run/secrets/kubernetes.io/serviceaccount"}]}]}}),
            "default",
        )
        .unwrap();
        assert_eq!(pod["spec"]["volumes"].as_array().map(|v| v.len()), Some(1));
    }

    #[test]
    fn should_forbid_a_missing_service_account_with_the_upstream_text() {
        let err = admit_pod(
            json!({"metadata": {"name": "demo-pod"}, "spec": {"serviceAccountName": "builder",
                "containers": [{"name": "a", "image": "x"}]}}),
            "default",
        )
        .unwrap_err();
        assert_eq!(
            err.message.as_deref(),
            Some("pods \"demo-pod\" is forbidden: error looking up service account default/builder: serviceaccount \"builder\" not found")
        );
        assert_eq!(err.code, Some(403));
    }
}
