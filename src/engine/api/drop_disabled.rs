//! The fields a v1.36 API server drops because their feature gate is off by default, before it
//! validates a Pod or a pod template.
//!
//! Mirrors `pkg/api/pod/util.go` (`DropDisabledPodFields`, `DropDisabledTemplateFields`) for the gates off
//! in v1.36 whose fields k8s-openapi's `v1_36` types carry:
//! - ClusterTrustBundleProjection (beta, off): projected `clusterTrustBundle` sources become `{}`;
//! - PodCertificateRequest (beta, off): projected `podCertificate` sources become `{}`;
//! - ContainerStopSignals (alpha, off): `lifecycle.stopSignal` goes, and a lifecycle left with no hook goes
//!   with it;
//! - GenericWorkload (alpha, off): `spec.schedulingGroup` goes.
//!
//! As upstream, an update keeps a gated field the stored object already uses, so it stays updatable.
//! Gated *values* (Lt/Gt tolerations, the MountOption SELinux policy, hostNetwork with user namespaces)
//! are refused by validation instead (`validation::pod`).

use k8s_openapi::api::core::v1::{Lifecycle, PodSpec, PodTemplateSpec};

/// `DropDisabledPodFields`: `old` is the stored spec on update, `None` on create.
pub fn drop_disabled_pod_fields(spec: &mut PodSpec, old: Option<&PodSpec>) {
    if !old.is_some_and(uses_cluster_trust_bundles) {
        for source in projected_sources(spec) {
            source.cluster_trust_bundle = None;
        }
    }
    if !old.is_some_and(uses_pod_certificates) {
        for source in projected_sources(spec) {
            source.pod_certificate = None;
        }
    }
    if !old.is_some_and(uses_stop_signals) {
        for lifecycle in lifecycles(spec) {
            if let Some(hooks) = lifecycle.as_mut() {
                hooks.stop_signal = None;
                if hooks.post_start.is_none() && hooks.pre_stop.is_none() {
                    *lifecycle = None;
                }
            }
        }
    }
    if old.is_none_or(|old| old.scheduling_group.is_none()) {
        spec.scheduling_group = None;
    }
}

/// `DropDisabledTemplateFields`: the same drops in a Deployment's or ReplicaSet's pod template.
pub fn drop_disabled_template_fields(
    template: &mut PodTemplateSpec,
    old: Option<&PodTemplateSpec>,
) {
    if let Some(spec) = template.spec.as_mut() {
        drop_disabled_pod_fields(spec, old.and_then(|t| t.spec.as_ref()));
    }
}

fn projected_sources(
    spec: &mut PodSpec,
) -> impl Iterator<Item = &mut k8s_openapi::api::core::v1::VolumeProjection> {
    spec.volumes
        .iter_mut()
        .flatten()
        .filter_map(|volume| volume.projected.as_mut())
        .flat_map(|projected| projected.sources.iter_mut().flatten())
}

fn lifecycles(spec: &mut PodSpec) -> Vec<&mut Option<Lifecycle>> {
    let mut out: Vec<&mut Option<Lifecycle>> = Vec::new();
    out.extend(
        spec.init_containers
            .iter_mut()
            .flatten()
            .map(|c| &mut c.lifecycle),
    );
    out.extend(spec.containers.iter_mut().map(|c| &mut c.lifecycle));
    out.extend(
        spec.ephemeral_containers
            .iter_mut()
            .flatten()
            .map(|c| &mut c.lifecycle),
    );
    out
}

fn any_projected_source(
    spec: &PodSpec,
    has: impl Fn(&k8s_openapi::api::core::v1::VolumeProjection) -> bool,
) -> bool {
    spec.volumes
        .iter()
        .flatten()
        .filter_map(|volume| volume.projected.as_ref())
        .flat_map(|projected| projected.sources.iter().flatten())
        .any(has)
}

fn uses_cluster_trust_bundles(spec: &PodSpec) -> bool {
    any_projected_source(spec, |s| s.cluster_trust_bundle.is_some())
}

fn uses_pod_certificates(spec: &PodSpec) -> bool {
    any_projected_source(spec, |s| s.pod_certificate.is_some())
}

fn uses_stop_signals(spec: &PodSpec) -> bool {
    let has = |l: &Option<Lifecycle>| l.as_ref().is_some_and(|l| l.stop_signal.is_some());
    spec.init_containers
        .iter()
        .flatten()
        .any(|c| has(&c.lifecycle))
        || spec.containers.iter().any(|c| has(&c.lifecycle))
        || spec
            .ephemeral_containers
            .iter()
            .flatten()
            .any(|c| has(&c.lifecycle))
}

#[cfg(test)]
mod tests {
    use serde_json::{json, Value};

    use super::*;

    fn spec(value: Value) -> PodSpec {
        serde_json::from_value(value).expect("spec")
    }

    fn json_of(spec: &PodSpec) -> Value {
        serde_json::to_value(spec).expect("json")
    }

    #[test]
    fn should_drop_the_fields_of_gates_off_in_v1_36_on_create() {
        let mut created = spec(json!({
            "containers": [
                {"name": "a", "image": "nginx", "lifecycle": {"stopSignal": "SIGUSR1"}},
                {"name": "b", "image": "nginx", "lifecycle": {"stopSignal": "SIGUSR1", "preStop": {"sleep": {"seconds": 1}}}}],
            "volumes": [{"name": "certs", "projected": {"sources": [
                {"clusterTrustBundle": {"name": "example", "path": "ca.pem"}},
                {"podCertificate": {"signerName": "coolcert.example.com/foo", "keyType": "ED25519", "credentialBundlePath": "creds.pem"}},
                {"configMap": {"name": "kube-root-ca.crt"}}]}}],
            "schedulingGroup": {"podGroupName": "group"}
        }));
        drop_disabled_pod_fields(&mut created, None);
        assert_eq!(
            json_of(&created),
            json!({
                "containers": [
                    {"name": "a", "image": "nginx"},
                    {"name": "b", "image": "nginx", "lifecycle": {"preStop": {"sleep": {"seconds": 1}}}}],
                "volumes": [{"name": "certs", "projected": {"sources": [{}, {}, {"configMap": {"name": "kube-root-ca.crt"}}]}}]
            })
        );
    }

    #[test]
    fn should_keep_gated_fields_the_stored_object_already_uses_on_update() {
        let with = json!({
            "containers": [{"name": "a", "image": "nginx", "lifecycle": {"stopSignal": "SIGUSR1"}}],
            "schedulingGroup": {"podGroupName": "group"}
        });
        let old = spec(with.clone());
        let mut updated = spec(with.clone());
        drop_disabled_pod_fields(&mut updated, Some(&old));
        assert_eq!(json_of(&updated), with);
        let mut template: PodTemplateSpec =
            serde_json::from_value(json!({"spec": with})).expect("template");
        drop_disabled_template_fields(&mut template, None);
        assert_eq!(
            serde_json::to_value(&template).expect("json"),
            json!({"spec": {"containers": [{"name": "a", "image": "nginx"}]}})
        );
    }
}
