//! Pod validation: ValidatePodCreate, ValidatePodUpdate and ValidatePodStatusUpdate.
//!
//! Mirrors `pkg/apis/core/validation/validation.go` for v1.36 with the default `PodValidationOptions` of a
//! v1.36 server (relaxed env-var names, pod-level resources enabled). Errors come out in upstream's order;
//! where Go ranges over a map (labels, resource lists) we use the map's sorted order.
//!
//! Simplifications: sysctl namespaces, Windows host-process rules, seccomp/AppArmor annotation matching,
//! resource claims (DRA) and IP-format checks of hostAliases/dnsConfig are not modelled; the diff after the
//! immutability message of a pod update lists the changed top-level PodSpec fields as JSON instead of
//! go-cmp's `cmp.Diff` rendering.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{
    Container, FileKeySelector, LifecycleHandler, NodeSelectorRequirement, NodeSelectorTerm,
    ObjectFieldSelector, Pod, PodAffinityTerm, PodSpec, Probe, ResourceRequirements, Toleration,
    Volume,
};
use k8s_openapi::apimachinery::pkg::api::resource::Quantity as ApiQuantity;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use super::field::FieldError;
use super::meta::{
    validate_label_name, validate_labels, validate_object_meta, validate_object_meta_update,
    validate_qualified_name,
};
use super::names::*;
use crate::engine::quantity::Quantity;
use serde_json::Value;

/// Files-mode error text (`fileModeErrorMsg`).
const FILE_MODE_ERROR: &str = "must be a number between 0 and 0777 (octal), both inclusive";
const IS_NEGATIVE: &str = "must be greater than or equal to 0";
const NOT_POSITIVE: &str = "must be greater than zero";
const NOT_INTEGER: &str = "must be an integer";

/// The fields a pod update may change (`updatablePodSpecFields`).
pub const UPDATABLE_POD_SPEC_FIELDS: &str = "`spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)";

fn s(value: &Option<String>) -> &str {
    value.as_deref().unwrap_or("")
}

/// `ValidatePodCreate`.
pub fn validate_pod_create(pod: &Pod) -> Vec<FieldError> {
    let mut errs = validate_pod_metadata_and_spec(pod);
    let empty = PodSpec::default();
    let spec = pod.spec.as_ref().unwrap_or(&empty);
    if spec
        .ephemeral_containers
        .as_ref()
        .is_some_and(|e| !e.is_empty())
    {
        errs.push(FieldError::forbidden(
            "spec.ephemeralContainers",
            "cannot be set on create",
        ));
    }
    if !s(&spec.node_name).is_empty()
        && spec
            .scheduling_gates
            .as_ref()
            .is_some_and(|g| !g.is_empty())
    {
        errs.push(FieldError::forbidden(
            "spec.nodeName",
            "cannot be set until all schedulingGates have been cleared",
        ));
    }
    errs
}

/// `validatePodMetadataAndSpec`.
fn validate_pod_metadata_and_spec(pod: &Pod) -> Vec<FieldError> {
    let mut errs = validate_object_meta(&pod.metadata, true, name_is_dns_subdomain, "metadata");
    let empty = PodSpec::default();
    let spec = pod.spec.as_ref().unwrap_or(&empty);
    errs.extend(validate_pod_specific_annotations(pod));
    errs.extend(validate_pod_spec(spec, s(&pod.metadata.name), "spec", true));
    if s(&spec.service_account_name).is_empty() {
        for (vi, volume) in spec.volumes.iter().flatten().enumerate() {
            for (si, source) in volume
                .projected
                .iter()
                .flat_map(|p| p.sources.iter().flatten())
                .enumerate()
            {
                if source.service_account_token.is_some() {
                    errs.push(FieldError::forbidden(
                        &format!("spec.volumes[{vi}].projected.sources[{si}].serviceAccountToken"),
                        "must not be specified when serviceAccountName is not set",
                    ));
                }
            }
        }
    }
    for (list, name) in [
        (Some(&spec.containers), "containers"),
        (spec.init_containers.as_ref(), "initContainers"),
    ] {
        for (i, container) in list.into_iter().flatten().enumerate() {
            let image = s(&container.image);
            if image.len() != image.trim().len() {
                errs.push(FieldError::invalid(
                    &format!("spec.{name}[{i}].image"),
                    image,
                    "must not have leading or trailing whitespace",
                ));
            }
        }
    }
    errs
}

/// `ValidatePodSpecificAnnotations` (mirror-pod and deletion-cost rules).
fn validate_pod_specific_annotations(pod: &Pod) -> Vec<FieldError> {
    let mut errs = Vec::new();
    let Some(annotations) = &pod.metadata.annotations else {
        return errs;
    };
    if let Some(value) = annotations.get("kubernetes.io/config.mirror") {
        if pod
            .spec
            .as_ref()
            .is_none_or(|sp| s(&sp.node_name).is_empty())
        {
            errs.push(FieldError::invalid(
                "metadata.annotations[kubernetes.io/config.mirror]",
                value,
                "must set spec.nodeName if mirror pod annotation is set",
            ));
        }
    }
    if let Some(value) = annotations.get("controller.kubernetes.io/pod-deletion-cost") {
        // `GetDeletionCostFromPodAnnotations`: a sign other than `-`, or a leading zero, is refused.
        let valid_first_digit = value == "0"
            || value.starts_with('-')
            || value.starts_with(|c: char| ('1'..='9').contains(&c));
        if !valid_first_digit || value.parse::<i32>().is_err() {
            errs.push(FieldError::invalid(
                "metadata.annotations[controller.kubernetes.io/pod-deletion-cost]",
                value,
                "must be a 32bit integer",
            ));
        }
    }
    errs
}

/// `ValidatePodSpec`.
/// `resource_is_pod` is `PodValidationOptions.ResourceIsPod` (false for pod templates).
/// `pod_name` is the name in the pod's (or template's) metadata: ephemeral volumes' claims are named after it.
pub fn validate_pod_spec(
    spec: &PodSpec,
    pod_name: &str,
    path: &str,
    resource_is_pod: bool,
) -> Vec<FieldError> {
    let mut errs = Vec::new();
    if spec.termination_grace_period_seconds.is_none() {
        errs.push(FieldError::required(
            &format!("{path}.terminationGracePeriodSeconds"),
            "",
        ));
    }
    let grace_period = spec.termination_grace_period_seconds;
    let (volumes, volume_errs) = validate_volumes(
        spec.volumes.as_deref().unwrap_or(&[]),
        pod_name,
        &format!("{path}.volumes"),
    );
    errs.extend(volume_errs);
    let restart_policy = s(&spec.restart_policy);
    let pod = PodContext {
        restart_policy,
        host_users: spec.host_users != Some(false),
    };
    errs.extend(validate_containers(
        &spec.containers,
        &volumes,
        grace_period,
        &format!("{path}.containers"),
        &pod,
    ));
    errs.extend(validate_init_containers(
        spec.init_containers.as_deref().unwrap_or(&[]),
        &spec.containers,
        &volumes,
        grace_period,
        &format!("{path}.initContainers"),
        &pod,
    ));
    errs.extend(validate_ephemeral_containers(
        spec,
        &volumes,
        &format!("{path}.ephemeralContainers"),
    ));
    if let Some(resources) = &spec.resources {
        errs.extend(validate_pod_resources(
            spec,
            resources,
            &format!("{path}.resources"),
        ));
    }
    if spec.host_network == Some(true) {
        for (i, container) in spec.containers.iter().enumerate() {
            for (j, port) in container.ports.iter().flatten().enumerate() {
                let host_port = port.host_port.unwrap_or(0);
                if (resource_is_pod || host_port != 0) && host_port != port.container_port {
                    errs.push(FieldError::invalid_raw(
                        &format!("{path}.containers[{i}].ports[{j}].hostPort"),
                        host_port.to_string(),
                        "must match `containerPort` when `hostNetwork` is true",
                    ));
                }
            }
        }
    }
    errs.extend(required_or_supported(
        restart_policy,
        &format!("{path}.restartPolicy"),
        &["Always", "OnFailure", "Never"],
    ));
    errs.extend(required_or_supported(
        s(&spec.dns_policy),
        &format!("{path}.dnsPolicy"),
        &["ClusterFirstWithHostNet", "ClusterFirst", "Default", "None"],
    ));
    errs.extend(validate_labels(
        spec.node_selector.as_ref(),
        &format!("{path}.nodeSelector"),
    ));
    errs.extend(validate_pod_security_context(
        spec,
        &format!("{path}.securityContext"),
    ));
    errs.extend(validate_affinity(spec, &format!("{path}.affinity")));
    errs.extend(validate_dns_config(spec, &format!("{path}.dnsConfig")));
    for (i, gate) in spec.readiness_gates.iter().flatten().enumerate() {
        errs.extend(validate_qualified_name(
            &gate.condition_type,
            &format!("{path}.readinessGates[{i}].conditionType"),
        ));
    }
    let mut seen_gates: Vec<&str> = Vec::new();
    for (i, gate) in spec.scheduling_gates.iter().flatten().enumerate() {
        let gate_path = format!("{path}.schedulingGates[{i}]");
        errs.extend(validate_qualified_name(&gate.name, &gate_path));
        if seen_gates.contains(&gate.name.as_str()) {
            errs.push(FieldError::duplicate(&gate_path, &gate.name));
        }
        seen_gates.push(&gate.name);
    }
    errs.extend(validate_topology_spread_constraints(
        spec,
        &format!("{path}.topologySpreadConstraints"),
    ));
    errs.extend(validate_host_users(spec, path));
    errs.extend(validate_hostname_override(spec, path));
    let service_account = s(&spec.service_account_name);
    if !service_account.is_empty() {
        for msg in name_is_dns_subdomain(service_account, false) {
            errs.push(FieldError::invalid(
                &format!("{path}.serviceAccountName"),
                service_account,
                &msg,
            ));
        }
    }
    let node_name = s(&spec.node_name);
    if !node_name.is_empty() {
        for msg in name_is_dns_subdomain(node_name, false) {
            errs.push(FieldError::invalid(
                &format!("{path}.nodeName"),
                node_name,
                &msg,
            ));
        }
    }
    if let Some(value) = spec.active_deadline_seconds {
        if !(1..=i64::from(i32::MAX)).contains(&value) {
            errs.push(FieldError::invalid_raw(
                &format!("{path}.activeDeadlineSeconds"),
                value.to_string(),
                &inclusive_range_error(1, i64::from(i32::MAX)),
            ));
        }
    }
    for (field, value) in [
        ("hostname", s(&spec.hostname)),
        ("subdomain", s(&spec.subdomain)),
    ] {
        if !value.is_empty() {
            for msg in is_dns1123_label(value) {
                errs.push(FieldError::invalid(&format!("{path}.{field}"), value, &msg));
            }
        }
    }
    if let Some(tolerations) = spec.tolerations.as_ref().filter(|t| !t.is_empty()) {
        errs.extend(validate_tolerations(
            tolerations,
            &format!("{path}.tolerations"),
        ));
    }
    for (i, alias) in spec.host_aliases.iter().flatten().enumerate() {
        let ip = alias.ip.as_str();
        if !is_sloppy_ip(ip) {
            errs.push(FieldError::invalid(
                &format!("{path}.hostAliases[{i}].ip"),
                ip,
                INVALID_IP,
            ));
        }
        for (j, hostname) in alias.hostnames.iter().flatten().enumerate() {
            for msg in is_dns1123_subdomain(hostname) {
                errs.push(FieldError::invalid(
                    &format!("{path}.hostAliases[{i}].hostnames[{j}]"),
                    hostname,
                    &msg,
                ));
            }
        }
    }
    let priority_class = s(&spec.priority_class_name);
    if !priority_class.is_empty() {
        for msg in name_is_dns_subdomain(priority_class, false) {
            errs.push(FieldError::invalid(
                &format!("{path}.priorityClassName"),
                priority_class,
                &msg,
            ));
        }
    }
    if let Some(runtime_class) = &spec.runtime_class_name {
        for msg in name_is_dns_subdomain(runtime_class, false) {
            errs.push(FieldError::invalid(
                &format!("{path}.runtimeClassName"),
                runtime_class,
                &msg,
            ));
        }
    }
    if let Some(policy) = &spec.preemption_policy {
        errs.extend(required_or_supported(
            policy,
            &format!("{path}.preemptionPolicy"),
            &["PreemptLowerPriority", "Never"],
        ));
    }
    if let Some(overhead) = &spec.overhead {
        let as_limits = ResourceRequirements {
            limits: Some(overhead.clone()),
            ..Default::default()
        };
        errs.extend(validate_resource_requirements(
            &as_limits,
            &format!("{path}.overhead"),
            false,
        ));
    }
    if let Some(os) = &spec.os {
        if !matches!(os.name.as_str(), "linux" | "windows") {
            errs.push(FieldError::not_supported(
                &format!("{path}.os.name"),
                &os.name,
                &["linux", "windows"],
            ));
        }
    }
    errs.extend(validate_file_key_ref_volumes(spec, path));
    errs
}

/// `validatePodHostName`: `hostnameOverride` (HostnameOverride is beta, on since v1.35) is refused with
/// `setHostnameAsFQDN` or `hostNetwork`, above 64 bytes, and when it is no DNS-1123 subdomain.
fn validate_hostname_override(spec: &PodSpec, path: &str) -> Vec<FieldError> {
    let mut errs = Vec::new();
    let Some(hostname) = &spec.hostname_override else {
        return errs;
    };
    let field = format!("{path}.hostnameOverride");
    if spec.set_hostname_as_fqdn == Some(true) {
        errs.push(FieldError::forbidden(
            &field,
            "may not be specified when setHostnameAsFQDN is true",
        ));
    }
    if spec.host_network == Some(true) {
        errs.push(FieldError::forbidden(
            &field,
            "may not be specified when hostNetwork is true",
        ));
    }
    if hostname.len() > 64 {
        errs.push(FieldError::too_long(&field, 64));
    }
    for msg in is_dns1123_subdomain(hostname) {
        errs.push(FieldError::invalid(&field, hostname, &msg));
    }
    errs
}

/// `validateHostUsers`: a pod in its own user namespace (`hostUsers: false`) may not share the host's
/// network (UserNamespacesHostNetworkSupport is alpha, off in v1.36), PID or IPC namespace. The field
/// names are upstream's (`HostPID`, `HostIPC`).
fn validate_host_users(spec: &PodSpec, path: &str) -> Vec<FieldError> {
    let mut errs = Vec::new();
    if spec.host_users != Some(false) {
        return errs;
    }
    for (on, field) in [
        (spec.host_network, "hostNetwork"),
        (spec.host_pid, "HostPID"),
        (spec.host_ipc, "HostIPC"),
    ] {
        if on == Some(true) {
            errs.push(FieldError::forbidden(
                &format!("{path}.{field}"),
                "when `hostUsers` is false",
            ));
        }
    }
    errs
}

/// `Required` when empty, `Unsupported value` when not one of `supported`.
fn required_or_supported(value: &str, path: &str, supported: &[&str]) -> Vec<FieldError> {
    if value.is_empty() {
        vec![FieldError::required(path, "")]
    } else if !supported.contains(&value) {
        vec![FieldError::not_supported(path, value, supported)]
    } else {
        Vec::new()
    }
}

/// `ValidateVolumes`: returns the valid volumes by name and the errors.
fn validate_volumes<'a>(
    volumes: &'a [Volume],
    pod_name: &str,
    path: &str,
) -> (BTreeMap<&'a str, &'a Volume>, Vec<FieldError>) {
    let mut errs = Vec::new();
    let mut valid: BTreeMap<&str, &Volume> = BTreeMap::new();
    // The claims the ephemeral volumes will create: `<pod>-<volume>`.
    let created_claims: Vec<String> = if pod_name.is_empty() {
        Vec::new()
    } else {
        volumes
            .iter()
            .filter(|v| v.ephemeral.is_some())
            .map(|v| format!("{pod_name}-{}", v.name))
            .collect()
    };
    for (i, volume) in volumes.iter().enumerate() {
        let item = format!("{path}[{i}]");
        let name_path = format!("{item}.name");
        let mut el = validate_volume_source(volume, pod_name, &item);
        if volume.name.is_empty() {
            el.push(FieldError::required(&name_path, ""));
        } else {
            for msg in is_dns1123_label(&volume.name) {
                el.push(FieldError::invalid(&name_path, &volume.name, &msg));
            }
        }
        if valid.contains_key(volume.name.as_str()) {
            el.push(FieldError::duplicate(&name_path, &volume.name));
        }
        if el.is_empty() {
            valid.insert(&volume.name, volume);
        } else {
            errs.extend(el);
        }
        if let Some(claim) = &volume.persistent_volume_claim {
            if created_claims.contains(&claim.claim_name) {
                errs.push(FieldError::invalid(
                    &format!("{item}.persistentVolumeClaim.claimName"),
                    &claim.claim_name,
                    "must not reference a PVC that gets created for an ephemeral volume",
                ));
            }
        }
    }
    (valid, errs)
}

/// `validateVolumeSource`: exactly one source, plus the per-source checks podflow models.
fn validate_volume_source(volume: &Volume, pod_name: &str, path: &str) -> Vec<FieldError> {
    let mut errs = Vec::new();
    let mut count = 0;
    let mut source = |present: bool, name: &str, errs: &mut Vec<FieldError>| -> bool {
        if !present {
            return false;
        }
        if count > 0 {
            errs.push(FieldError::forbidden(
                &format!("{path}.{name}"),
                "may not specify more than 1 volume type",
            ));
            false
        } else {
            count += 1;
            true
        }
    };
    if let Some(empty_dir) = &volume.empty_dir {
        source(true, "emptyDir", &mut errs);
        if let Some(limit) = &empty_dir.size_limit {
            if Quantity::parse(&limit.0).is_ok_and(|q| q.is_negative()) {
                errs.push(FieldError::forbidden(
                    &format!("{path}.emptyDir.sizeLimit"),
                    "SizeLimit field must be a valid resource quantity",
                ));
            }
        }
    }
    if source(volume.host_path.is_some(), "hostPath", &mut errs) {
        if let Some(host_path) = &volume.host_path {
            let p = format!("{path}.hostPath");
            if host_path.path.is_empty() {
                errs.push(FieldError::required(&format!("{p}.path"), ""));
            } else {
                errs.extend(validate_path_no_backsteps(
                    &host_path.path,
                    &format!("{p}.path"),
                ));
                if let Some(kind) = &host_path.type_ {
                    let supported = [
                        "",
                        "BlockDevice",
                        "CharDevice",
                        "Directory",
                        "DirectoryOrCreate",
                        "File",
                        "FileOrCreate",
                        "Socket",
                    ];
                    if !supported.contains(&kind.as_str()) {
                        errs.push(FieldError::not_supported(
                            &format!("{p}.type"),
                            kind,
                            &supported,
                        ));
                    }
                }
            }
        }
    }
    source(volume.git_repo.is_some(), "gitRepo", &mut errs);
    source(
        volume.gce_persistent_disk.is_some(),
        "gcePersistentDisk",
        &mut errs,
    );
    source(
        volume.aws_elastic_block_store.is_some(),
        "awsElasticBlockStore",
        &mut errs,
    );
    if source(volume.secret.is_some(), "secret", &mut errs) {
        if let Some(secret) = &volume.secret {
            let p = format!("{path}.secret");
            if s(&secret.secret_name).is_empty() {
                errs.push(FieldError::required(&format!("{p}.secretName"), ""));
            }
            errs.extend(validate_mode(
                secret.default_mode,
                &format!("{p}.defaultMode"),
            ));
            for (i, item) in secret.items.iter().flatten().enumerate() {
                errs.extend(validate_key_to_path(
                    &item.key,
                    &item.path,
                    item.mode,
                    &format!("{p}.items[{i}]"),
                ));
            }
        }
    }
    source(volume.nfs.is_some(), "nfs", &mut errs);
    source(volume.iscsi.is_some(), "iscsi", &mut errs);
    source(volume.glusterfs.is_some(), "glusterfs", &mut errs);
    source(volume.flocker.is_some(), "flocker", &mut errs);
    if source(
        volume.persistent_volume_claim.is_some(),
        "persistentVolumeClaim",
        &mut errs,
    ) {
        if let Some(claim) = &volume.persistent_volume_claim {
            if claim.claim_name.is_empty() {
                errs.push(FieldError::required(
                    &format!("{path}.persistentVolumeClaim.claimName"),
                    "",
                ));
            }
        }
    }
    source(volume.rbd.is_some(), "rbd", &mut errs);
    source(volume.cinder.is_some(), "cinder", &mut errs);
    source(volume.cephfs.is_some(), "cephFS", &mut errs);
    source(volume.quobyte.is_some(), "quobyte", &mut errs);
    // Upstream's field name has this typo.
    if source(volume.downward_api.is_some(), "downwarAPI", &mut errs) {
        if let Some(downward) = &volume.downward_api {
            let p = format!("{path}.downwardAPI");
            errs.extend(validate_mode(
                downward.default_mode,
                &format!("{p}.defaultMode"),
            ));
            for item in downward.items.iter().flatten() {
                errs.extend(validate_downward_api_file(item, &p));
            }
        }
    }
    source(volume.fc.is_some(), "fc", &mut errs);
    source(volume.flex_volume.is_some(), "flexVolume", &mut errs);
    if source(volume.config_map.is_some(), "configMap", &mut errs) {
        if let Some(config_map) = &volume.config_map {
            let p = format!("{path}.configMap");
            if config_map.name.is_empty() {
                errs.push(FieldError::required(&format!("{p}.name"), ""));
            }
            errs.extend(validate_mode(
                config_map.default_mode,
                &format!("{p}.defaultMode"),
            ));
            for (i, item) in config_map.items.iter().flatten().enumerate() {
                errs.extend(validate_key_to_path(
                    &item.key,
                    &item.path,
                    item.mode,
                    &format!("{p}.items[{i}]"),
                ));
            }
        }
    }
    source(volume.azure_file.is_some(), "azureFile", &mut errs);
    source(volume.vsphere_volume.is_some(), "vsphereVolume", &mut errs);
    source(
        volume.photon_persistent_disk.is_some(),
        "photonPersistentDisk",
        &mut errs,
    );
    source(
        volume.portworx_volume.is_some(),
        "portworxVolume",
        &mut errs,
    );
    source(volume.azure_disk.is_some(), "azureDisk", &mut errs);
    source(volume.storageos.is_some(), "storageos", &mut errs);
    if source(volume.projected.is_some(), "projected", &mut errs) {
        if let Some(projected) = &volume.projected {
            errs.extend(validate_projected(projected, &format!("{path}.projected")));
        }
    }
    source(volume.scale_io.is_some(), "scaleIO", &mut errs);
    source(volume.csi.is_some(), "csi", &mut errs);
    if source(volume.ephemeral.is_some(), "ephemeral", &mut errs)
        && !pod_name.is_empty()
        && !volume.name.is_empty()
    {
        // The claim the volume creates must be a valid PersistentVolumeClaim name.
        let claim = format!("{pod_name}-{}", volume.name);
        for msg in name_is_dns_subdomain(&claim, false) {
            errs.push(FieldError::invalid(
                &format!("{path}.name"),
                &volume.name,
                &format!("PVC name {}: {msg}", super::field::quote(&claim)),
            ));
        }
    }
    if source(volume.image.is_some(), "image", &mut errs) {
        if let Some(image) = &volume.image {
            if s(&image.reference).is_empty() {
                errs.push(FieldError::required(&format!("{path}.image.reference"), ""));
            }
            if let Some(policy) = &image.pull_policy {
                errs.extend(required_or_supported(
                    policy,
                    &format!("{path}.image.pullPolicy"),
                    &["Always", "IfNotPresent", "Never"],
                ));
            }
        }
    }
    if count == 0 {
        errs.push(FieldError::required(path, "must specify a volume type"));
    }
    errs
}

fn validate_mode(mode: Option<i32>, path: &str) -> Vec<FieldError> {
    match mode {
        Some(m) if !(0..=0o777).contains(&m) => vec![FieldError::invalid_raw(
            path,
            m.to_string(),
            FILE_MODE_ERROR,
        )],
        _ => Vec::new(),
    }
}

/// `validateKeyToPath`.
fn validate_key_to_path(key: &str, target: &str, mode: Option<i32>, path: &str) -> Vec<FieldError> {
    let mut errs = Vec::new();
    if key.is_empty() {
        errs.push(FieldError::required(&format!("{path}.key"), ""));
    }
    if target.is_empty() {
        errs.push(FieldError::required(&format!("{path}.path"), ""));
    }
    errs.extend(validate_local_non_reserved_path(
        target,
        &format!("{path}.path"),
    ));
    errs.extend(validate_mode(mode, &format!("{path}.mode")));
    errs
}

/// `validatePathNoBacksteps` as a Linux API server runs it (`filepath.ToSlash` leaves `\\` alone there).
fn validate_path_no_backsteps(target: &str, path: &str) -> Vec<FieldError> {
    if target.split('/').any(|part| part == "..") {
        vec![FieldError::invalid(path, target, "must not contain '..'")]
    } else {
        Vec::new()
    }
}

/// `ValidateLocalNonReservedPath`.
fn validate_local_non_reserved_path(target: &str, path: &str) -> Vec<FieldError> {
    let mut errs = Vec::new();
    if target.starts_with('/') {
        errs.push(FieldError::invalid(path, target, "must be a relative path"));
    }
    errs.extend(validate_path_no_backsteps(target, path));
    if target.starts_with("..") && !target.starts_with("../") {
        errs.push(FieldError::invalid(
            path,
            target,
            "must not start with '..'",
        ));
    }
    errs
}

const VOLUME_FIELD_PATHS: &[&str] = &[
    "metadata.annotations",
    "metadata.labels",
    "metadata.name",
    "metadata.namespace",
    "metadata.uid",
];
const ENV_FIELD_PATHS: &[&str] = &[
    "metadata.name",
    "metadata.namespace",
    "metadata.uid",
    "spec.nodeName",
    "spec.serviceAccountName",
    "status.hostIP",
    "status.hostIPs",
    "status.podIP",
    "status.podIPs",
];
const RESOURCE_FIELD_PATHS: &[&str] = &[
    "limits.cpu",
    "limits.ephemeral-storage",
    "limits.memory",
    "requests.cpu",
    "requests.ephemeral-storage",
    "requests.memory",
];

/// `validateDownwardAPIVolumeFile`.
fn validate_downward_api_file(
    file: &k8s_openapi::api::core::v1::DownwardAPIVolumeFile,
    path: &str,
) -> Vec<FieldError> {
    let mut errs = Vec::new();
    if file.path.is_empty() {
        errs.push(FieldError::required(&format!("{path}.path"), ""));
    }
    errs.extend(validate_local_non_reserved_path(
        &file.path,
        &format!("{path}.path"),
    ));
    if let Some(field_ref) = &file.field_ref {
        errs.extend(validate_object_field_selector(
            field_ref,
            VOLUME_FIELD_PATHS,
            &format!("{path}.fieldRef"),
        ));
        if file.resource_field_ref.is_some() {
            errs.push(FieldError::invalid(
                path,
                "resource",
                "fieldRef and resourceFieldRef can not be specified simultaneously",
            ));
        }
    } else if let Some(resource_ref) = &file.resource_field_ref {
        errs.extend(validate_resource_field_selector(
            resource_ref,
            &format!("{path}.resourceFieldRef"),
            true,
        ));
    } else {
        errs.push(FieldError::required(
            path,
            "one of fieldRef and resourceFieldRef is required",
        ));
    }
    errs.extend(validate_mode(file.mode, &format!("{path}.mode")));
    errs
}

/// `validateProjectionSources` (secret, configMap, downwardAPI, serviceAccountToken).
fn validate_projected(
    projected: &k8s_openapi::api::core::v1::ProjectedVolumeSource,
    path: &str,
) -> Vec<FieldError> {
    let mut errs = validate_mode(projected.default_mode, &format!("{path}.defaultMode"));
    let mut all_paths: Vec<String> = Vec::new();
    for (i, source) in projected.sources.iter().flatten().enumerate() {
        let src = format!("{path}.sources[{i}]");
        let mut count = 0;
        if let Some(secret) = &source.secret {
            count += 1;
            validate_projected_key_items(
                &secret.name,
                secret.items.as_deref(),
                &format!("{src}.secret"),
                path,
                &mut all_paths,
                &mut errs,
            );
        }
        if let Some(config_map) = &source.config_map {
            count += 1;
            validate_projected_key_items(
                &config_map.name,
                config_map.items.as_deref(),
                &format!("{src}.configMap"),
                path,
                &mut all_paths,
                &mut errs,
            );
        }
        if let Some(downward) = &source.downward_api {
            count += 1;
            for item in downward.items.iter().flatten() {
                errs.extend(validate_downward_api_file(
                    item,
                    &format!("{src}.downwardAPI"),
                ));
                if !item.path.is_empty() {
                    if all_paths.contains(&item.path) {
                        errs.push(FieldError::invalid(
                            path,
                            &item.path,
                            "conflicting duplicate paths",
                        ));
                    } else {
                        all_paths.push(item.path.clone());
                    }
                }
            }
        }
        if let Some(token) = &source.service_account_token {
            count += 1;
            let expiration = token.expiration_seconds.unwrap_or(0);
            let p = format!("{src}.serviceAccountToken.expirationSeconds");
            if expiration < 600 {
                errs.push(FieldError::invalid_raw(
                    &p,
                    expiration.to_string(),
                    "may not specify a duration less than 10 minutes",
                ));
            }
            if expiration > 1 << 32 {
                errs.push(FieldError::invalid_raw(
                    &p,
                    expiration.to_string(),
                    "may not specify a duration larger than 2^32 seconds",
                ));
            }
            if token.path.is_empty() {
                errs.push(FieldError::required(&format!("{path}.path"), ""));
            } else {
                errs.extend(validate_local_non_reserved_path(
                    &token.path,
                    &format!("{path}.path"),
                ));
            }
        }
        if source.cluster_trust_bundle.is_some() {
            count += 1;
        }
        if source.pod_certificate.is_some() {
            count += 1;
        }
        if count > 1 {
            errs.push(FieldError::forbidden(
                &src,
                "may not specify more than 1 volume type per source",
            ));
        }
    }
    errs
}

/// `validateObjectFieldSelector` with `ConvertDownwardAPIFieldLabel`.
fn validate_object_field_selector(
    selector: &ObjectFieldSelector,
    allowed: &[&str],
    path: &str,
) -> Vec<FieldError> {
    let api_version = s(&selector.api_version);
    if api_version.is_empty() {
        return vec![FieldError::required(&format!("{path}.apiVersion"), "")];
    }
    let field_path = selector.field_path.as_str();
    if field_path.is_empty() {
        return vec![FieldError::required(&format!("{path}.fieldPath"), "")];
    }
    let convert_error = if api_version != "v1" {
        Some(format!("unsupported pod version: {api_version}"))
    } else if let Some((base, _)) = split_subscript(field_path) {
        (!matches!(base, "metadata.annotations" | "metadata.labels"))
            .then(|| format!("field label does not support subscript: {field_path}"))
    } else {
        let known = [
            "metadata.annotations",
            "metadata.labels",
            "metadata.name",
            "metadata.namespace",
            "metadata.uid",
            "spec.nodeName",
            "spec.restartPolicy",
            "spec.serviceAccountName",
            "spec.schedulerName",
            "status.phase",
            "status.hostIP",
            "status.hostIPs",
            "status.podIP",
            "status.podIPs",
            "spec.host",
        ];
        (!known.contains(&field_path)).then(|| format!("field label not supported: {field_path}"))
    };
    if let Some(err) = convert_error {
        return vec![FieldError::invalid(
            &format!("{path}.fieldPath"),
            field_path,
            &format!("error converting fieldPath: {err}"),
        )];
    }
    let internal = if field_path == "spec.host" {
        "spec.nodeName"
    } else {
        field_path
    };
    if let Some((base, subscript)) = split_subscript(internal) {
        return match base {
            "metadata.annotations" => validate_qualified_name(&subscript.to_lowercase(), path),
            _ => validate_qualified_name(subscript, path),
        };
    }
    if !allowed.contains(&internal) {
        return vec![FieldError::not_supported(
            &format!("{path}.fieldPath"),
            internal,
            allowed,
        )];
    }
    Vec::new()
}

/// `fieldpath.SplitMaybeSubscriptedPath`: `metadata.labels['key']` → (`metadata.labels`, `key`).
fn split_subscript(path: &str) -> Option<(&str, &str)> {
    let rest = path.strip_suffix("']")?;
    let (base, subscript) = rest.split_once("['")?;
    Some((base, subscript))
}

/// `validateContainerResourceFieldSelector` (with the divisor rules).
fn validate_resource_field_selector(
    selector: &k8s_openapi::api::core::v1::ResourceFieldSelector,
    path: &str,
    volume: bool,
) -> Vec<FieldError> {
    let mut errs = Vec::new();
    let resource = selector.resource.as_str();
    if volume && s(&selector.container_name).is_empty() {
        errs.push(FieldError::required(&format!("{path}.containerName"), ""));
    } else if resource.is_empty() {
        errs.push(FieldError::required(&format!("{path}.resource"), ""));
    } else if !RESOURCE_FIELD_PATHS.contains(&resource)
        && !resource.starts_with("limits.hugepages-")
        && !resource.starts_with("requests.hugepages-")
    {
        errs.push(FieldError::not_supported(
            &format!("{path}.resource"),
            resource,
            RESOURCE_FIELD_PATHS,
        ));
    }
    if let Some(divisor) = selector
        .divisor
        .as_ref()
        .and_then(|d| Quantity::parse(&d.0).ok())
        .filter(|d| !d.is_zero())
    {
        let text = divisor.canonical();
        let memory_like = [
            "1", "1k", "1M", "1G", "1T", "1P", "1E", "1Ki", "1Mi", "1Gi", "1Ti", "1Pi", "1Ei",
        ];
        let list = "1, 1k, 1M, 1G, 1T, 1P, 1E, 1Ki, 1Mi, 1Gi, 1Ti, 1Pi, 1Ei";
        let p = format!("{path}.divisor");
        match resource {
            "limits.cpu" | "requests.cpu" if !["1m", "1"].contains(&text.as_str()) => {
                errs.push(FieldError::invalid(&p, resource, "only divisor's values 1m and 1 are supported with the cpu resource"))
            }
            "limits.memory" | "requests.memory" if !memory_like.contains(&text.as_str()) => errs.push(FieldError::invalid(
                &p,
                resource,
                &format!("only divisor's values {list} are supported with the memory resource"),
            )),
            "limits.ephemeral-storage" | "requests.ephemeral-storage" if !memory_like.contains(&text.as_str()) => {
                errs.push(FieldError::invalid(
                    &p,
                    resource,
                    &format!("only divisor's values {list} are supported with the local ephemeral storage resource"),
                ))
            }
            _ => {}
        }
        if (resource.starts_with("requests.hugepages-")
            || resource.starts_with("limits.hugepages-"))
            && !memory_like.contains(&text.as_str())
        {
            errs.push(FieldError::invalid(
                &p,
                resource,
                &format!("only divisor's values {list} are supported with the hugepages resource"),
            ));
        }
    }
    errs
}

/// `validateContainerCommon`.
fn validate_container_common(
    container: &Container,
    volumes: &BTreeMap<&str, &Volume>,
    path: &str,
    pod: &PodContext,
) -> Vec<FieldError> {
    let pod_restart_policy = pod.restart_policy;
    let mut errs = Vec::new();
    let name_path = format!("{path}.name");
    if container.name.is_empty() {
        errs.push(FieldError::required(&name_path, ""));
    } else {
        for msg in is_dns1123_label(&container.name) {
            errs.push(FieldError::invalid(&name_path, &container.name, &msg));
        }
    }
    if s(&container.image).is_empty() {
        errs.push(FieldError::required(&format!("{path}.image"), ""));
    }
    errs.extend(required_or_supported(
        s(&container.termination_message_policy),
        &format!("{path}.terminationMessagePolicy"),
        &["File", "FallbackToLogsOnError"],
    ));
    errs.extend(validate_container_ports(
        container,
        &format!("{path}.ports"),
    ));
    errs.extend(validate_env(container, &format!("{path}.env")));
    errs.extend(validate_env_from(container, &format!("{path}.envFrom")));
    errs.extend(validate_volume_mounts(
        container,
        volumes,
        &format!("{path}.volumeMounts"),
    ));
    errs.extend(required_or_supported(
        s(&container.image_pull_policy),
        &format!("{path}.imagePullPolicy"),
        &["Always", "IfNotPresent", "Never"],
    ));
    let empty = ResourceRequirements::default();
    errs.extend(validate_resource_requirements(
        container.resources.as_ref().unwrap_or(&empty),
        &format!("{path}.resources"),
        false,
    ));
    errs.extend(validate_resize_policy(
        container,
        &format!("{path}.resizePolicy"),
        pod_restart_policy,
    ));
    errs.extend(validate_security_context(
        container,
        &format!("{path}.securityContext"),
        pod.host_users,
    ));
    errs
}

/// `validateContainerPorts`.
fn validate_container_ports(container: &Container, path: &str) -> Vec<FieldError> {
    let mut errs = Vec::new();
    let mut names: Vec<&str> = Vec::new();
    for (i, port) in container.ports.iter().flatten().enumerate() {
        let item = format!("{path}[{i}]");
        let name = s(&port.name);
        if !name.is_empty() {
            let msgs = is_valid_port_name(name);
            if !msgs.is_empty() {
                for msg in msgs {
                    errs.push(FieldError::invalid(&format!("{item}.name"), name, &msg));
                }
            } else if names.contains(&name) {
                errs.push(FieldError::duplicate(&format!("{item}.name"), name));
            } else {
                names.push(name);
            }
        }
        if port.container_port == 0 {
            errs.push(FieldError::required(&format!("{item}.containerPort"), ""));
        } else {
            for msg in is_valid_port_num(i64::from(port.container_port)) {
                errs.push(FieldError::invalid_raw(
                    &format!("{item}.containerPort"),
                    port.container_port.to_string(),
                    &msg,
                ));
            }
        }
        let host_port = port.host_port.unwrap_or(0);
        if host_port != 0 {
            for msg in is_valid_port_num(i64::from(host_port)) {
                errs.push(FieldError::invalid_raw(
                    &format!("{item}.hostPort"),
                    host_port.to_string(),
                    &msg,
                ));
            }
        }
        errs.extend(required_or_supported(
            s(&port.protocol),
            &format!("{item}.protocol"),
            &["SCTP", "TCP", "UDP"],
        ));
    }
    errs
}

/// `ValidateEnv` with relaxed names (GA in v1.34).
fn validate_env(container: &Container, path: &str) -> Vec<FieldError> {
    let mut errs = Vec::new();
    for (i, var) in container.env.iter().flatten().enumerate() {
        let item = format!("{path}[{i}]");
        if var.name.is_empty() {
            errs.push(FieldError::required(&format!("{item}.name"), ""));
        } else {
            for msg in is_relaxed_env_var_name(&var.name) {
                errs.push(FieldError::invalid(
                    &format!("{item}.name"),
                    &var.name,
                    &msg,
                ));
            }
        }
        let Some(from) = &var.value_from else {
            continue;
        };
        let from_path = format!("{item}.valueFrom");
        let mut count = 0;
        if let Some(field_ref) = &from.field_ref {
            count += 1;
            errs.extend(validate_object_field_selector(
                field_ref,
                ENV_FIELD_PATHS,
                &format!("{from_path}.fieldRef"),
            ));
        }
        if let Some(resource_ref) = &from.resource_field_ref {
            count += 1;
            errs.extend(validate_resource_field_selector(
                resource_ref,
                &format!("{from_path}.resourceFieldRef"),
                false,
            ));
        }
        for (present, name, key, field) in [
            (
                from.config_map_key_ref.is_some(),
                from.config_map_key_ref.as_ref().map(|r| r.name.as_str()),
                from.config_map_key_ref.as_ref().map(|r| r.key.as_str()),
                "configMapKeyRef",
            ),
            (
                from.secret_key_ref.is_some(),
                from.secret_key_ref.as_ref().map(|r| r.name.as_str()),
                from.secret_key_ref.as_ref().map(|r| r.key.as_str()),
                "secretKeyRef",
            ),
        ] {
            if !present {
                continue;
            }
            count += 1;
            let p = format!("{from_path}.{field}");
            let name = name.unwrap_or("");
            for msg in name_is_dns_subdomain(name, false) {
                errs.push(FieldError::invalid(&format!("{p}.name"), name, &msg));
            }
            let key = key.unwrap_or("");
            if key.is_empty() {
                errs.push(FieldError::required(&format!("{p}.key"), ""));
            } else {
                for msg in is_config_map_key(key) {
                    errs.push(FieldError::invalid(&format!("{p}.key"), key, &msg));
                }
            }
        }
        if let Some(file_key) = &from.file_key_ref {
            count += 1;
            errs.extend(validate_file_key_selector(
                file_key,
                &format!("{from_path}.fileKeyRef"),
            ));
        }
        if count == 0 {
            // The wording with `fileKeyRef` is used while EnvFiles (beta, on by default since v1.35) is on.
            errs.push(FieldError::invalid(&from_path, "", "must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef`, `secretKeyRef` or `fileKeyRef`"));
        } else if !s(&var.value).is_empty() {
            errs.push(FieldError::invalid(
                &from_path,
                "",
                "may not be specified when `value` is not empty",
            ));
        } else if count > 1 {
            errs.push(FieldError::invalid(
                &from_path,
                "",
                "may not have more than one field specified at a time",
            ));
        }
    }
    errs
}

/// `validateFileKeySelector` (EnvFiles): the key is a relaxed environment variable name, the volume a
/// DNS-1123 label, the path free of `..` elements (absolute paths pass, as upstream).
fn validate_file_key_selector(selector: &FileKeySelector, path: &str) -> Vec<FieldError> {
    let mut errs = Vec::new();
    let key_path = format!("{path}.key");
    if selector.key.is_empty() {
        errs.push(FieldError::required(&key_path, ""));
    } else {
        for msg in is_relaxed_env_var_name(&selector.key) {
            errs.push(FieldError::invalid(&key_path, &selector.key, &msg));
        }
    }
    let volume_path = format!("{path}.volumeName");
    if selector.volume_name.is_empty() {
        errs.push(FieldError::required(&volume_path, ""));
    } else {
        for msg in is_dns1123_label(&selector.volume_name) {
            errs.push(FieldError::invalid(
                &volume_path,
                &selector.volume_name,
                &msg,
            ));
        }
    }
    let file_path = format!("{path}.path");
    if selector.path.is_empty() {
        errs.push(FieldError::required(&file_path, ""));
    } else {
        errs.extend(validate_path_no_backsteps(&selector.path, &file_path));
    }
    errs
}

/// `validateFileKeyRefVolumes`: every `fileKeyRef` of an init, regular or ephemeral container names one
/// of the pod's volumes, and that volume is an emptyDir. Nothing checks that a container mounts it.
fn validate_file_key_ref_volumes(spec: &PodSpec, path: &str) -> Vec<FieldError> {
    let mut errs = Vec::new();
    let volumes = spec.volumes.as_deref().unwrap_or(&[]);
    let containers = spec
        .init_containers
        .iter()
        .flatten()
        .enumerate()
        .map(|(i, c)| (format!("{path}.initContainers[{i}]"), c.env.as_deref()))
        .chain(
            spec.containers
                .iter()
                .enumerate()
                .map(|(i, c)| (format!("{path}.containers[{i}]"), c.env.as_deref())),
        )
        .chain(
            spec.ephemeral_containers
                .iter()
                .flatten()
                .enumerate()
                .map(|(i, c)| (format!("{path}.ephemeralContainers[{i}]"), c.env.as_deref())),
        );
    for (container_path, env) in containers {
        for (j, var) in env.unwrap_or(&[]).iter().enumerate() {
            let Some(file_key) = var
                .value_from
                .as_ref()
                .and_then(|f| f.file_key_ref.as_ref())
            else {
                continue;
            };
            let name = file_key.volume_name.as_str();
            let field = format!("{container_path}.env[{j}].valueFrom.fileKeyRef.volumeName");
            match volumes.iter().find(|v| v.name == name) {
                None => errs.push(FieldError::not_found(&field, name)),
                Some(volume) if volume.empty_dir.is_none() => errs.push(FieldError::invalid(
                    &field,
                    name,
                    "referenced volume must be of type emptyDir",
                )),
                Some(_) => {}
            }
        }
    }
    errs
}

/// `ValidateEnvFrom`.
fn validate_env_from(container: &Container, path: &str) -> Vec<FieldError> {
    let mut errs = Vec::new();
    for (i, source) in container.env_from.iter().flatten().enumerate() {
        let item = format!("{path}[{i}]");
        let prefix = s(&source.prefix);
        if !prefix.is_empty() {
            for msg in is_relaxed_env_var_name(prefix) {
                errs.push(FieldError::invalid(&format!("{item}.prefix"), prefix, &msg));
            }
        }
        let mut count = 0;
        for (name, field) in [
            (
                source.config_map_ref.as_ref().map(|r| r.name.as_str()),
                "configMapRef",
            ),
            (
                source.secret_ref.as_ref().map(|r| r.name.as_str()),
                "secretRef",
            ),
        ] {
            let Some(name) = name else {
                continue;
            };
            count += 1;
            let p = format!("{item}.{field}.name");
            if name.is_empty() {
                errs.push(FieldError::required(&p, ""));
            } else {
                for msg in name_is_dns_subdomain(name, true) {
                    errs.push(FieldError::invalid(&p, name, &msg));
                }
            }
        }
        if count == 0 {
            errs.push(FieldError::invalid(
                path,
                "",
                "must specify one of: `configMapRef` or `secretRef`",
            ));
        } else if count > 1 {
            errs.push(FieldError::invalid(
                path,
                "",
                "may not have more than one field specified at a time",
            ));
        }
    }
    errs
}

/// `ValidateVolumeMounts`.
fn validate_volume_mounts(
    container: &Container,
    volumes: &BTreeMap<&str, &Volume>,
    path: &str,
) -> Vec<FieldError> {
    let mut errs = Vec::new();
    let mut mount_points: Vec<&str> = Vec::new();
    let devices: Vec<(&str, &str)> = container
        .volume_devices
        .iter()
        .flatten()
        .map(|d| (d.name.as_str(), d.device_path.as_str()))
        .collect();
    for (i, mount) in container.volume_mounts.iter().flatten().enumerate() {
        let item = format!("{path}[{i}]");
        if mount.name.is_empty() {
            errs.push(FieldError::required(&format!("{item}.name"), ""));
        }
        if !volumes.contains_key(mount.name.as_str()) {
            errs.push(FieldError::not_found(&format!("{item}.name"), &mount.name));
        }
        if mount.mount_path.is_empty() {
            errs.push(FieldError::required(&format!("{item}.mountPath"), ""));
        }
        if mount_points.contains(&mount.mount_path.as_str()) {
            errs.push(FieldError::invalid(
                &format!("{item}.mountPath"),
                &mount.mount_path,
                "must be unique",
            ));
        }
        mount_points.push(&mount.mount_path);
        if devices.iter().any(|(n, _)| *n == mount.name) {
            errs.push(FieldError::invalid(
                &format!("{item}.name"),
                &mount.name,
                "must not already exist in volumeDevices",
            ));
        }
        if devices.iter().any(|(_, p)| *p == mount.mount_path) {
            errs.push(FieldError::invalid(
                &format!("{item}.mountPath"),
                &mount.mount_path,
                "must not already exist as a path in volumeDevices",
            ));
        }
        let sub_path = s(&mount.sub_path);
        let sub_path_expr = s(&mount.sub_path_expr);
        // Image volumes accept subPath/subPathExpr since v1.33 (the older "not allowed in image volume
        // sources" rule no longer applies).
        if !sub_path.is_empty() {
            errs.extend(validate_local_descending_path(
                sub_path,
                &format!("{path}.subPath"),
            ));
        }
        if !sub_path_expr.is_empty() {
            if !sub_path.is_empty() {
                errs.push(FieldError::invalid(
                    &format!("{item}.subPathExpr"),
                    sub_path_expr,
                    "subPathExpr and subPath are mutually exclusive",
                ));
            }
            errs.extend(validate_local_descending_path(
                sub_path_expr,
                &format!("{path}.subPathExpr"),
            ));
        }
        if let Some(propagation) = &mount.mount_propagation {
            let p = format!("{path}.mountPropagation");
            let supported = ["Bidirectional", "HostToContainer", "None"];
            if !supported.contains(&propagation.as_str()) {
                errs.push(FieldError::not_supported(&p, propagation, &supported));
            }
            let privileged = container
                .security_context
                .as_ref()
                .and_then(|c| c.privileged)
                .unwrap_or(false);
            if propagation == "Bidirectional" && !privileged {
                errs.push(FieldError::forbidden(
                    &p,
                    "Bidirectional mount propagation is available only to privileged containers",
                ));
            }
        }
        if let Some(rro) = &mount.recursive_read_only {
            let p = format!("{path}.recursiveReadOnly");
            match rro.as_str() {
                "Disabled" => {}
                "Enabled" | "IfPossible" => {
                    if mount.read_only != Some(true) {
                        errs.push(FieldError::forbidden(
                            &p,
                            "may only be specified when readOnly is true",
                        ));
                    }
                    if mount
                        .mount_propagation
                        .as_deref()
                        .is_some_and(|m| m != "None")
                    {
                        errs.push(FieldError::forbidden(
                            &p,
                            "may only be specified when mountPropagation is None or not specified",
                        ));
                    }
                }
                other => errs.push(FieldError::not_supported(
                    &p,
                    other,
                    &["Disabled", "Enabled", "IfPossible"],
                )),
            }
        }
    }
    errs
}

fn validate_local_descending_path(target: &str, path: &str) -> Vec<FieldError> {
    let mut errs = Vec::new();
    if target.starts_with('/') {
        errs.push(FieldError::invalid(path, target, "must be a relative path"));
    }
    errs.extend(validate_path_no_backsteps(target, path));
    errs
}

fn validate_resize_policy(
    container: &Container,
    path: &str,
    pod_restart_policy: &str,
) -> Vec<FieldError> {
    let mut errs = Vec::new();
    let mut seen: Vec<&str> = Vec::new();
    for (i, policy) in container.resize_policy.iter().flatten().enumerate() {
        if seen.contains(&policy.resource_name.as_str()) {
            errs.push(FieldError::duplicate(
                &format!("{path}[{i}]"),
                &policy.resource_name,
            ));
        }
        seen.push(&policy.resource_name);
        errs.extend(required_or_supported(
            &policy.resource_name,
            path,
            &["cpu", "memory"],
        ));
        errs.extend(required_or_supported(
            &policy.restart_policy,
            path,
            &["NotRequired", "RestartContainer"],
        ));
        if pod_restart_policy == "Never" && policy.restart_policy != "NotRequired" {
            errs.push(FieldError::invalid(
                path,
                &policy.restart_policy,
                "must be 'NotRequired' when `restartPolicy` is 'Never'",
            ));
        }
    }
    errs
}

/// `ValidateSecurityContext` (ids, privilege-escalation conflicts, seccomp/AppArmor types).
fn validate_security_context(
    container: &Container,
    path: &str,
    host_users: bool,
) -> Vec<FieldError> {
    let mut errs = Vec::new();
    let Some(sc) = &container.security_context else {
        return errs;
    };
    for (field, id) in [
        ("runAsUser", sc.run_as_user),
        ("runAsGroup", sc.run_as_group),
    ] {
        if let Some(id) = id {
            for msg in is_valid_id(id) {
                errs.push(FieldError::invalid_raw(
                    &format!("{path}.{field}"),
                    id.to_string(),
                    &msg,
                ));
            }
        }
    }
    if let Some(proc_mount) = &sc.proc_mount {
        if !matches!(proc_mount.as_str(), "Default" | "Unmasked") {
            errs.push(FieldError::not_supported(
                &format!("{path}.procMount"),
                proc_mount,
                &["Default", "Unmasked"],
            ));
        }
        if host_users && proc_mount == "Unmasked" {
            errs.push(FieldError::invalid(
                &format!("{path}.procMount"),
                proc_mount,
                "`hostUsers` must be false to use `Unmasked`",
            ));
        }
    }
    if let Some(profile) = &sc.seccomp_profile {
        errs.extend(validate_profile_type(
            &profile.type_,
            profile.localhost_profile.is_some(),
            &format!("{path}.seccompProfile"),
            "seccomp",
        ));
    }
    if sc.allow_privilege_escalation == Some(false) {
        if sc.privileged == Some(true) {
            errs.push(FieldError::invalid_raw(
                path,
                go_security_context(sc),
                "cannot set `allowPrivilegeEscalation` to false and `privileged` to true",
            ));
        }
        let adds_sys_admin = sc
            .capabilities
            .as_ref()
            .and_then(|c| c.add.as_ref())
            .is_some_and(|a| a.iter().any(|c| c == "CAP_SYS_ADMIN"));
        if adds_sys_admin {
            errs.push(FieldError::invalid_raw(path, go_security_context(sc), "cannot set `allowPrivilegeEscalation` to false and `capabilities.Add` CAP_SYS_ADMIN"));
        }
    }
    if let Some(profile) = &sc.app_armor_profile {
        errs.extend(validate_profile_type(
            &profile.type_,
            profile.localhost_profile.is_some(),
            &format!("{path}.appArmorProfile"),
            "AppArmor",
        ));
    }
    errs
}

/// Seccomp and AppArmor profile types.
fn validate_profile_type(
    kind: &str,
    has_localhost: bool,
    path: &str,
    what: &str,
) -> Vec<FieldError> {
    let type_path = format!("{path}.type");
    match kind {
        "Localhost" if !has_localhost => vec![FieldError::required(
            &format!("{path}.localhostProfile"),
            &format!("must be set when {what} type is Localhost"),
        )],
        "Localhost" | "RuntimeDefault" | "Unconfined" => Vec::new(),
        "" => {
            let field = if what == "seccomp" {
                "seccompProfile"
            } else {
                "appArmorProfile"
            };
            vec![FieldError::required(
                &type_path,
                &format!("type is required when {field} is set"),
            )]
        }
        other => vec![FieldError::not_supported(
            &type_path,
            other,
            &["Localhost", "RuntimeDefault", "Unconfined"],
        )],
    }
}

/// `validateContainers`.
fn validate_containers(
    containers: &[Container],
    volumes: &BTreeMap<&str, &Volume>,
    grace: Option<i64>,
    path: &str,
    pod: &PodContext,
) -> Vec<FieldError> {
    if containers.is_empty() {
        return vec![FieldError::required(path, "")];
    }
    let mut errs = Vec::new();
    let mut names: Vec<&str> = Vec::new();
    for (i, container) in containers.iter().enumerate() {
        let item = format!("{path}[{i}]");
        errs.extend(validate_container_common(container, volumes, &item, pod));
        if names.contains(&container.name.as_str()) {
            errs.push(FieldError::duplicate(
                &format!("{item}.name"),
                &container.name,
            ));
        } else {
            names.push(&container.name);
        }
        if let Some(lifecycle) = &container.lifecycle {
            errs.extend(validate_lifecycle(
                lifecycle,
                grace,
                &format!("{item}.lifecycle"),
            ));
        }
        errs.extend(validate_probe_kind(
            container.liveness_probe.as_ref(),
            &format!("{item}.livenessProbe"),
            ProbeKind::Liveness,
        ));
        errs.extend(validate_probe_kind(
            container.readiness_probe.as_ref(),
            &format!("{item}.readinessProbe"),
            ProbeKind::Readiness,
        ));
        errs.extend(validate_probe_kind(
            container.startup_probe.as_ref(),
            &format!("{item}.startupProbe"),
            ProbeKind::Startup,
        ));
        // ContainerRestartRules is on in v1.36: any container may set its own policy and rules.
        errs.extend(validate_container_restart_policy(container, &item));
    }
    errs.extend(check_host_port_conflicts(containers, path));
    errs
}

/// `validateInitContainers`.
fn validate_init_containers(
    containers: &[Container],
    regular: &[Container],
    volumes: &BTreeMap<&str, &Volume>,
    grace: Option<i64>,
    path: &str,
    pod: &PodContext,
) -> Vec<FieldError> {
    let mut errs = Vec::new();
    let mut names: Vec<&str> = regular.iter().map(|c| c.name.as_str()).collect();
    for (i, container) in containers.iter().enumerate() {
        let item = format!("{path}[{i}]");
        errs.extend(validate_container_common(container, volumes, &item, pod));
        // `validateInitContainerRestartPolicy` with ContainerRestartRules and RestartAllContainersOnContainerExits
        // on (v1.36): no policy allows no rules; any policy gets the full check, and only `Always` makes a
        // sidecar.
        match &container.restart_policy {
            None => {
                if container
                    .restart_policy_rules
                    .as_ref()
                    .is_some_and(|r| !r.is_empty())
                {
                    errs.push(FieldError::required(
                        &format!("{item}.restartPolicy"),
                        RULES_NEED_A_POLICY,
                    ));
                }
            }
            Some(_) => errs.extend(validate_container_restart_policy(container, &item)),
        }
        let restart_always = container.restart_policy.as_deref() == Some("Always");
        if names.contains(&container.name.as_str()) {
            errs.push(FieldError::duplicate(
                &format!("{item}.name"),
                &container.name,
            ));
        } else if !container.name.is_empty() {
            names.push(&container.name);
        }
        errs.extend(check_host_port_conflicts(
            std::slice::from_ref(container),
            path,
        ));
        if restart_always {
            if let Some(lifecycle) = &container.lifecycle {
                errs.extend(validate_lifecycle(
                    lifecycle,
                    grace,
                    &format!("{item}.lifecycle"),
                ));
            }
            errs.extend(validate_probe_kind(
                container.liveness_probe.as_ref(),
                &format!("{item}.livenessProbe"),
                ProbeKind::Liveness,
            ));
            errs.extend(validate_probe_kind(
                container.readiness_probe.as_ref(),
                &format!("{item}.readinessProbe"),
                ProbeKind::Readiness,
            ));
            errs.extend(validate_probe_kind(
                container.startup_probe.as_ref(),
                &format!("{item}.startupProbe"),
                ProbeKind::Startup,
            ));
        } else {
            let forbidden = "may not be set for init containers without restartPolicy=Always";
            if container.lifecycle.is_some() {
                errs.push(FieldError::forbidden(
                    &format!("{item}.lifecycle"),
                    forbidden,
                ));
            }
            if container.liveness_probe.is_some() {
                errs.push(FieldError::forbidden(
                    &format!("{item}.livenessProbe"),
                    forbidden,
                ));
            }
            if container.readiness_probe.is_some() {
                errs.push(FieldError::forbidden(
                    &format!("{item}.readinessProbe"),
                    forbidden,
                ));
            }
            if container.startup_probe.is_some() {
                errs.push(FieldError::forbidden(
                    &format!("{item}.startupProbe"),
                    forbidden,
                ));
            }
        }
        // A plain init container runs once: resizing it may not restart it.
        if !restart_always {
            for (j, policy) in container.resize_policy.iter().flatten().enumerate() {
                if policy.restart_policy == "RestartContainer" {
                    errs.push(FieldError::invalid(
                        &format!("{item}.resizePolicy[{j}].restartPolicy"),
                        &policy.restart_policy,
                        "must not be set to 'RestartContainer' for non-sidecar initContainers",
                    ));
                }
            }
        }
    }
    errs
}

const RULES_NEED_A_POLICY: &str = "must specify restartPolicy when restart rules are used";

/// `validateContainerRestartPolicy`: the container's own `restartPolicy` (`Always`, `Never`, `OnFailure`,
/// whatever the pod's is) and at most 20 `restartPolicyRules`, each with a known action, an `exitCodes`
/// with `In` or `NotIn`, and at most 255 values (duplicates and negative codes pass).
fn validate_container_restart_policy(container: &Container, path: &str) -> Vec<FieldError> {
    let mut errs = Vec::new();
    let rules = container
        .restart_policy_rules
        .as_deref()
        .unwrap_or_default();
    let policy_path = format!("{path}.restartPolicy");
    match container.restart_policy.as_deref() {
        None if rules.is_empty() => return errs,
        None => errs.push(FieldError::required(&policy_path, RULES_NEED_A_POLICY)),
        Some("Always" | "Never" | "OnFailure") => {}
        Some(other) => errs.push(FieldError::not_supported(
            &policy_path,
            other,
            &["Always", "Never", "OnFailure"],
        )),
    }
    let rules_path = format!("{path}.restartPolicyRules");
    if rules.len() > 20 {
        errs.push(FieldError::too_many(&rules_path, rules.len(), 20));
    }
    for (i, rule) in rules.iter().enumerate() {
        let rule_path = format!("{rules_path}[{i}]");
        if !matches!(rule.action.as_str(), "Restart" | "RestartAllContainers") {
            errs.push(FieldError::not_supported(
                &format!("{rule_path}.action"),
                &rule.action,
                &["Restart", "RestartAllContainers"],
            ));
        }
        let codes_path = format!("{rule_path}.exitCodes");
        match &rule.exit_codes {
            Some(codes) => {
                if !matches!(codes.operator.as_str(), "In" | "NotIn") {
                    errs.push(FieldError::not_supported(
                        &format!("{codes_path}.operator"),
                        &codes.operator,
                        &["In", "NotIn"],
                    ));
                }
                let values = codes.values.as_deref().unwrap_or_default();
                if values.len() > 255 {
                    errs.push(FieldError::too_many(
                        &format!("{codes_path}.values"),
                        values.len(),
                        255,
                    ));
                }
            }
            None => errs.push(FieldError::required(&codes_path, "must be specified")),
        }
    }
    errs
}

/// What container validation needs to know about the pod.
struct PodContext<'a> {
    restart_policy: &'a str,
    /// `hostUsers` unset or true: the pod shares the host's user namespace.
    host_users: bool,
}

/// `validateEphemeralContainers` (names, target, disallowed fields, subPath).
fn validate_ephemeral_containers(
    spec: &PodSpec,
    volumes: &BTreeMap<&str, &Volume>,
    path: &str,
) -> Vec<FieldError> {
    let mut errs = Vec::new();
    let Some(ephemeral) = spec.ephemeral_containers.as_ref().filter(|e| !e.is_empty()) else {
        return errs;
    };
    let others: Vec<&str> = spec
        .containers
        .iter()
        .chain(spec.init_containers.iter().flatten())
        .map(|c| c.name.as_str())
        .collect();
    let mut all = others.clone();
    for (i, ec) in ephemeral.iter().enumerate() {
        let item = format!("{path}[{i}]");
        let container = crate::engine::objects::ephemeral_as_container(ec);
        let pod = PodContext {
            restart_policy: s(&spec.restart_policy),
            host_users: spec.host_users != Some(false),
        };
        errs.extend(validate_container_common(&container, volumes, &item, &pod));
        let image = s(&container.image);
        if image.len() != image.trim().len() {
            errs.push(FieldError::invalid(
                &format!("{item}.image"),
                image,
                "must not have leading or trailing whitespace",
            ));
        }
        if all.contains(&ec.name.as_str()) {
            errs.push(FieldError::duplicate(&format!("{item}.name"), &ec.name));
        } else {
            all.push(&ec.name);
        }
        let target = s(&ec.target_container_name);
        if !target.is_empty() && !others.contains(&target) {
            errs.push(FieldError::not_found(
                &format!("{item}.targetContainerName"),
                target,
            ));
        }
        let disallowed = [
            ("ports", ec.ports.as_ref().is_some_and(|p| !p.is_empty())),
            (
                "resources",
                ec.resources
                    .as_ref()
                    .is_some_and(|r| *r != ResourceRequirements::default()),
            ),
            (
                "resizePolicy",
                ec.resize_policy.as_ref().is_some_and(|p| !p.is_empty()),
            ),
            ("restartPolicy", ec.restart_policy.is_some()),
            ("restartPolicyRules", ec.restart_policy_rules.is_some()),
            ("livenessProbe", ec.liveness_probe.is_some()),
            ("readinessProbe", ec.readiness_probe.is_some()),
            ("startupProbe", ec.startup_probe.is_some()),
            ("lifecycle", ec.lifecycle.is_some()),
        ];
        for (field, set) in disallowed {
            if set {
                errs.push(FieldError::forbidden(
                    &format!("{item}.{field}"),
                    "cannot be set for an Ephemeral Container",
                ));
            }
        }
        for (j, mount) in ec.volume_mounts.iter().flatten().enumerate() {
            if !s(&mount.sub_path).is_empty() {
                errs.push(FieldError::forbidden(
                    &format!("{item}.volumeMounts[{j}].subPath"),
                    "cannot be set for an Ephemeral Container",
                ));
            }
            if !s(&mount.sub_path_expr).is_empty() {
                errs.push(FieldError::forbidden(
                    &format!("{item}.volumeMounts[{j}].subPathExpr"),
                    "cannot be set for an Ephemeral Container",
                ));
            }
        }
    }
    errs
}

/// `AccumulateUniqueHostPorts`: `<protocol>/<hostIP>/<port>` must be unique.
fn check_host_port_conflicts(containers: &[Container], path: &str) -> Vec<FieldError> {
    let mut errs = Vec::new();
    let mut seen: Vec<String> = Vec::new();
    for (ci, container) in containers.iter().enumerate() {
        for (pi, port) in container.ports.iter().flatten().enumerate() {
            let host_port = port.host_port.unwrap_or(0);
            if host_port == 0 {
                continue;
            }
            let key = format!("{}/{}/{host_port}", s(&port.protocol), s(&port.host_ip));
            if seen.contains(&key) {
                errs.push(FieldError::duplicate(
                    &format!("{path}[{ci}].ports[{pi}].hostPort"),
                    &key,
                ));
            } else {
                seen.push(key);
            }
        }
    }
    errs
}

#[derive(Clone, Copy, PartialEq)]
enum ProbeKind {
    Liveness,
    Readiness,
    Startup,
}

/// `validateLivenessProbe` / `validateReadinessProbe` / `validateStartupProbe`.
fn validate_probe_kind(probe: Option<&Probe>, path: &str, kind: ProbeKind) -> Vec<FieldError> {
    let Some(probe) = probe else {
        return Vec::new();
    };
    let mut errs = Vec::new();
    let handler = Handler {
        exec: probe.exec.is_some().then(|| {
            probe
                .exec
                .as_ref()
                .and_then(|e| e.command.as_ref())
                .is_some_and(|c| !c.is_empty())
        }),
        http_get: probe.http_get.as_ref(),
        tcp_port: probe.tcp_socket.as_ref().map(|t| &t.port),
        grpc_port: probe.grpc.as_ref().map(|g| g.port),
        sleep: None,
    };
    errs.extend(validate_handler(&handler, None, path));
    for (field, value) in [
        ("initialDelaySeconds", probe.initial_delay_seconds),
        ("timeoutSeconds", probe.timeout_seconds),
        ("periodSeconds", probe.period_seconds),
        ("successThreshold", probe.success_threshold),
        ("failureThreshold", probe.failure_threshold),
    ] {
        let value = value.unwrap_or(0);
        if value < 0 {
            errs.push(FieldError::invalid_raw(
                &format!("{path}.{field}"),
                value.to_string(),
                IS_NEGATIVE,
            ));
        }
    }
    if let Some(grace) = probe.termination_grace_period_seconds.filter(|g| *g <= 0) {
        errs.push(FieldError::invalid_raw(
            &format!("{path}.terminationGracePeriodSeconds"),
            grace.to_string(),
            "must be greater than 0",
        ));
    }
    match kind {
        ProbeKind::Liveness | ProbeKind::Startup => {
            let success = probe.success_threshold.unwrap_or(0);
            if success != 1 {
                errs.push(FieldError::invalid_raw(
                    &format!("{path}.successThreshold"),
                    success.to_string(),
                    "must be 1",
                ));
            }
        }
        ProbeKind::Readiness => {
            if let Some(grace) = probe.termination_grace_period_seconds {
                errs.push(FieldError::invalid_raw(
                    &format!("{path}.terminationGracePeriodSeconds"),
                    grace.to_string(),
                    "must not be set for readinessProbes",
                ));
            }
        }
    }
    errs
}

struct Handler<'a> {
    /// `Some(has_command)` when an exec action is set.
    exec: Option<bool>,
    http_get: Option<&'a k8s_openapi::api::core::v1::HTTPGetAction>,
    tcp_port: Option<&'a IntOrString>,
    grpc_port: Option<i32>,
    sleep: Option<i64>,
}

/// `validateHandler`: exactly one handler type, each valid.
fn validate_handler(handler: &Handler<'_>, grace: Option<i64>, path: &str) -> Vec<FieldError> {
    let mut errs = Vec::new();
    let mut count = 0;
    let more = "may not specify more than 1 handler type";
    if let Some(has_command) = handler.exec {
        if count > 0 {
            errs.push(FieldError::forbidden(&format!("{path}.exec"), more));
        } else {
            count += 1;
            if !has_command {
                errs.push(FieldError::required(&format!("{path}.exec.command"), ""));
            }
        }
    }
    if let Some(http) = handler.http_get {
        if count > 0 {
            errs.push(FieldError::forbidden(&format!("{path}.httpGet"), more));
        } else {
            count += 1;
            let p = format!("{path}.httpGet");
            if s(&http.path).is_empty() {
                errs.push(FieldError::required(&format!("{p}.path"), ""));
            }
            errs.extend(validate_port_num_or_name(&http.port, &format!("{p}.port")));
            let scheme = s(&http.scheme);
            if !matches!(scheme, "HTTP" | "HTTPS") {
                errs.push(FieldError::not_supported(
                    &format!("{p}.scheme"),
                    scheme,
                    &["HTTP", "HTTPS"],
                ));
            }
        }
    }
    if let Some(port) = handler.tcp_port {
        if count > 0 {
            errs.push(FieldError::forbidden(&format!("{path}.tcpSocket"), more));
        } else {
            count += 1;
            errs.extend(validate_port_num_or_name(
                port,
                &format!("{path}.tcpSocket.port"),
            ));
        }
    }
    if let Some(port) = handler.grpc_port {
        if count > 0 {
            errs.push(FieldError::forbidden(&format!("{path}.grpc"), more));
        } else {
            count += 1;
            errs.extend(validate_port_num_or_name(
                &IntOrString::Int(port),
                &format!("{path}.grpc.port"),
            ));
        }
    }
    if let Some(seconds) = handler.sleep {
        if count > 0 {
            errs.push(FieldError::forbidden(&format!("{path}.sleep"), more));
        } else {
            count += 1;
            if let Some(grace) = grace {
                if seconds < 0 || seconds > grace {
                    errs.push(FieldError::invalid_raw(
                        &format!("{path}.sleep"),
                        seconds.to_string(),
                        &format!("must be non-negative and less than terminationGracePeriodSeconds ({grace})"),
                    ));
                }
            }
        }
    }
    if count == 0 {
        errs.push(FieldError::required(path, "must specify a handler type"));
    }
    errs
}

fn validate_lifecycle(
    lifecycle: &k8s_openapi::api::core::v1::Lifecycle,
    grace: Option<i64>,
    path: &str,
) -> Vec<FieldError> {
    let mut errs = Vec::new();
    let from = |h: &'_ LifecycleHandler| -> (Option<bool>, Option<i64>) {
        (
            h.exec.is_some().then(|| {
                h.exec
                    .as_ref()
                    .and_then(|e| e.command.as_ref())
                    .is_some_and(|c| !c.is_empty())
            }),
            h.sleep.as_ref().map(|sl| sl.seconds),
        )
    };
    for (handler, field) in [
        (&lifecycle.post_start, "postStart"),
        (&lifecycle.pre_stop, "preStop"),
    ] {
        if let Some(h) = handler {
            let (exec, sleep) = from(h);
            let handler = Handler {
                exec,
                http_get: h.http_get.as_ref(),
                tcp_port: h.tcp_socket.as_ref().map(|t| &t.port),
                grpc_port: None,
                sleep,
            };
            errs.extend(validate_handler(
                &handler,
                grace,
                &format!("{path}.{field}"),
            ));
        }
    }
    errs
}

/// `ValidatePortNumOrName`.
fn validate_port_num_or_name(port: &IntOrString, path: &str) -> Vec<FieldError> {
    match port {
        IntOrString::Int(n) => is_valid_port_num(i64::from(*n))
            .into_iter()
            .map(|msg| FieldError::invalid_raw(path, n.to_string(), &msg))
            .collect(),
        IntOrString::String(name) => is_valid_port_name(name)
            .into_iter()
            .map(|msg| FieldError::invalid(path, name, &msg))
            .collect(),
    }
}

fn parse_quantity(q: &ApiQuantity) -> Option<Quantity> {
    Quantity::parse(q.0.trim()).ok()
}

fn is_hugepages(name: &str) -> bool {
    name.starts_with("hugepages-")
}

/// `IsNativeResource`: no domain, or a `kubernetes.io/` domain.
fn is_native_resource(name: &str) -> bool {
    !name.contains('/') || name.contains("kubernetes.io/")
}

/// `IsExtendedResourceName`.
pub fn is_extended_resource_name(name: &str) -> bool {
    if is_native_resource(name) || name.starts_with("requests.") {
        return false;
    }
    is_qualified_name(&format!("requests.{name}")).is_empty()
}

/// `IsOvercommitAllowed`: native resources except hugepages.
fn is_overcommit_allowed(name: &str) -> bool {
    is_native_resource(name) && !is_hugepages(name)
}

/// `IsIntegerResourceName` for the names a container can carry.
fn is_integer_resource_name(name: &str) -> bool {
    is_extended_resource_name(name)
        || matches!(
            name,
            "pods"
                | "services"
                | "replicationcontrollers"
                | "resourcequotas"
                | "secrets"
                | "configmaps"
                | "persistentvolumeclaims"
                | "services.nodeports"
                | "services.loadbalancers"
        )
}

const STANDARD_RESOURCE_NAMES: &[&str] = &[
    "cpu",
    "memory",
    "ephemeral-storage",
    "requests.cpu",
    "requests.memory",
    "requests.ephemeral-storage",
    "limits.cpu",
    "limits.memory",
    "limits.ephemeral-storage",
    "pods",
    "services",
    "replicationcontrollers",
    "resourcequotas",
    "secrets",
    "configmaps",
    "persistentvolumeclaims",
    "storage",
    "requests.storage",
    "services.nodeports",
    "services.loadbalancers",
];

/// `validateContainerResourceName` (and `validatePodResourceName` when `pod_level`). Both start with
/// `validateResourceName`; the pod-level check stops at its errors, the container one adds its own (an
/// unknown name gets both "must be a standard resource type or fully qualified" and "must be a
/// standard resource for containers").
fn validate_resource_name(name: &str, path: &str, pod_level: bool) -> Vec<FieldError> {
    let mut errs = validate_qualified_name(name, path);
    if errs.is_empty() && !name.contains('/') {
        let standard = STANDARD_RESOURCE_NAMES.contains(&name)
            || is_hugepages(name)
            || name.starts_with("requests.hugepages-");
        if !standard {
            errs.push(FieldError::invalid(
                path,
                name,
                "must be a standard resource type or fully qualified",
            ));
        }
    }
    if pod_level {
        if errs.is_empty() && !(matches!(name, "cpu" | "memory") || is_hugepages(name)) {
            errs.push(FieldError::not_supported(path, name, &["cpu", "memory"]));
        }
        return errs;
    }
    if !name.contains('/') {
        let container_standard =
            matches!(name, "cpu" | "memory" | "ephemeral-storage") || is_hugepages(name);
        if !container_standard {
            errs.push(FieldError::invalid(
                path,
                name,
                "must be a standard resource for containers",
            ));
        }
    } else if !is_native_resource(name) && !is_extended_resource_name(name) {
        errs.push(FieldError::invalid(
            path,
            name,
            "doesn't follow extended resource name standard",
        ));
    }
    errs
}

/// How upstream prints an internal `core.SecurityContext` as a bad value: `json.Marshal` of a type
/// without JSON tags, so Go field names.
fn go_security_context(sc: &k8s_openapi::api::core::v1::SecurityContext) -> String {
    let raw = |v: Option<Value>| v.unwrap_or(Value::Null);
    let capabilities = sc
        .capabilities
        .as_ref()
        .map(|c| serde_json::json!({"Add": c.add.clone(), "Drop": c.drop.clone()}));
    let value = serde_json::json!({
        "Capabilities": raw(capabilities),
        "Privileged": sc.privileged,
        "SELinuxOptions": raw(sc.se_linux_options.as_ref().and_then(|v| crate::engine::objects::to_json_value(v).ok())),
        "WindowsOptions": raw(sc.windows_options.as_ref().and_then(|v| crate::engine::objects::to_json_value(v).ok())),
        "RunAsUser": sc.run_as_user,
        "RunAsGroup": sc.run_as_group,
        "RunAsNonRoot": sc.run_as_non_root,
        "ReadOnlyRootFilesystem": sc.read_only_root_filesystem,
        "AllowPrivilegeEscalation": sc.allow_privilege_escalation,
        "ProcMount": sc.proc_mount,
        "SeccompProfile": raw(sc.seccomp_profile.as_ref().and_then(|v| crate::engine::objects::to_json_value(v).ok())),
        "AppArmorProfile": raw(sc.app_armor_profile.as_ref().and_then(|v| crate::engine::objects::to_json_value(v).ok())),
    });
    serde_json::to_string(&value).unwrap_or_default()
}

/// `validateResourceRequirements`.
fn validate_resource_requirements(
    requirements: &ResourceRequirements,
    path: &str,
    pod_level: bool,
) -> Vec<FieldError> {
    let mut errs = Vec::new();
    let limits_path = format!("{path}.limits");
    let requests_path = format!("{path}.requests");
    let empty = BTreeMap::new();
    let limits = requirements.limits.as_ref().unwrap_or(&empty);
    let requests = requirements.requests.as_ref().unwrap_or(&empty);
    let (mut lim_cpu_mem, mut req_cpu_mem, mut lim_huge, mut req_huge) =
        (false, false, false, false);
    let value_checks = |name: &str, q: &ApiQuantity, item: &str, errs: &mut Vec<FieldError>| {
        let Some(parsed) = parse_quantity(q) else {
            return;
        };
        if parsed.is_negative() {
            errs.push(FieldError::invalid(item, &parsed.canonical(), IS_NEGATIVE));
        }
        if is_integer_resource_name(name) && parsed.milli_value() % 1000 != 0 {
            errs.push(FieldError::invalid_raw(
                item,
                super::field::quote(&parsed.canonical()),
                NOT_INTEGER,
            ));
        }
    };
    let hugepage_check = |name: &str, q: &ApiQuantity, item: &str, errs: &mut Vec<FieldError>| {
        let (Some(parsed), Some(page)) = (
            parse_quantity(q),
            name.strip_prefix("hugepages-")
                .and_then(|p| Quantity::parse(p).ok()),
        ) else {
            return;
        };
        let page_bytes = page.value();
        let bytes = parsed.value();
        if page_bytes <= 0 || bytes <= 0 || bytes % page_bytes != 0 {
            errs.push(FieldError::invalid(
                item,
                &parsed.canonical(),
                &format!(
                    "{} is not positive integer multiple of {name}",
                    parsed.canonical()
                ),
            ));
        }
    };
    for (name, q) in limits {
        let item = format!("{limits_path}[{name}]");
        errs.extend(validate_resource_name(name, &item, pod_level));
        value_checks(name, q, &item, &mut errs);
        if is_hugepages(name) {
            lim_huge = true;
            hugepage_check(name, q, &item, &mut errs);
        }
        lim_cpu_mem |= matches!(name.as_str(), "cpu" | "memory");
    }
    for (name, q) in requests {
        let item = format!("{requests_path}[{name}]");
        errs.extend(validate_resource_name(name, &item, pod_level));
        value_checks(name, q, &item, &mut errs);
        match (limits.get(name).and_then(parse_quantity), parse_quantity(q)) {
            (Some(limit), Some(request)) => {
                let ordering = request.cmp_value(&limit);
                if ordering != std::cmp::Ordering::Equal && !is_overcommit_allowed(name) {
                    errs.push(FieldError::invalid(
                        &requests_path,
                        &request.canonical(),
                        &format!("must be equal to {name} limit of {}", limit.canonical()),
                    ));
                } else if ordering == std::cmp::Ordering::Greater {
                    errs.push(FieldError::invalid(
                        &requests_path,
                        &request.canonical(),
                        &format!(
                            "must be less than or equal to {name} limit of {}",
                            limit.canonical()
                        ),
                    ));
                }
            }
            (None, _) if !limits.contains_key(name) && !is_overcommit_allowed(name) => {
                errs.push(FieldError::required(
                    &limits_path,
                    "Limit must be set for non overcommitable resources",
                ));
            }
            _ => {}
        }
        if is_hugepages(name) {
            req_huge = true;
            hugepage_check(name, q, &item, &mut errs);
        }
        req_cpu_mem |= matches!(name.as_str(), "cpu" | "memory");
    }
    if !lim_cpu_mem && !req_cpu_mem && (req_huge || lim_huge) {
        errs.push(FieldError::forbidden(
            path,
            "HugePages require cpu or memory",
        ));
    }
    errs
}

/// `validatePodResources`: pod-level requirements and their consistency with the containers.
fn validate_pod_resources(
    spec: &PodSpec,
    resources: &ResourceRequirements,
    path: &str,
) -> Vec<FieldError> {
    let mut errs = Vec::new();
    if resources.claims.is_some() {
        errs.push(FieldError::forbidden(
            &format!("{path}.claims"),
            "claims cannot be set for Resources at pod-level",
        ));
    }
    errs.extend(validate_resource_requirements(resources, path, true));
    // Pod-level requests must cover the aggregate container requests.
    let requests = resources.requests.clone().unwrap_or_default();
    let mut aggregate: BTreeMap<String, i64> = BTreeMap::new();
    let mut sidecars: BTreeMap<String, i64> = BTreeMap::new();
    let amounts = |c: &Container| -> BTreeMap<String, i64> {
        c.resources
            .as_ref()
            .and_then(|r| r.requests.as_ref())
            .map(|m| {
                m.iter()
                    .filter_map(|(k, q)| parse_quantity(q).map(|p| (k.clone(), p.milli_value())))
                    .collect()
            })
            .unwrap_or_default()
    };
    for c in &spec.containers {
        for (k, v) in amounts(c) {
            let slot = aggregate.entry(k).or_insert(0);
            *slot = slot.saturating_add(v);
        }
    }
    let mut init_max: BTreeMap<String, i64> = BTreeMap::new();
    for c in spec.init_containers.iter().flatten() {
        let own = amounts(c);
        if c.restart_policy.as_deref() == Some("Always") {
            for (k, v) in own {
                let slot = aggregate.entry(k.clone()).or_insert(0);
                *slot = slot.saturating_add(v);
                let slot = sidecars.entry(k).or_insert(0);
                *slot = slot.saturating_add(v);
            }
        } else {
            for (k, v) in own {
                let candidate = v.saturating_add(sidecars.get(&k).copied().unwrap_or(0));
                let entry = init_max.entry(k).or_insert(0);
                *entry = (*entry).max(candidate);
            }
        }
    }
    for (k, v) in init_max {
        let entry = aggregate.entry(k).or_insert(0);
        *entry = (*entry).max(v);
    }
    // A resource the pod level does not request is not compared (defaulting fills what it can).
    for (name, container_total) in &aggregate {
        let Some(pod_value) = requests.get(name).and_then(parse_quantity) else {
            continue;
        };
        if *container_total > pod_value.milli_value() {
            let shown = pod_value.canonical();
            let total = Quantity::parse(&format!("{container_total}m"))
                .map(|q| q.canonical())
                .unwrap_or_default();
            errs.push(FieldError::invalid(
                &format!("{path}.requests[{name}]"),
                &shown,
                &format!(
                    "must be greater than or equal to aggregate container requests of {total}"
                ),
            ));
        }
    }
    let limits = resources.limits.clone().unwrap_or_default();
    for (i, c) in spec.containers.iter().enumerate() {
        for (name, q) in c
            .resources
            .as_ref()
            .and_then(|r| r.limits.as_ref())
            .into_iter()
            .flatten()
        {
            let (Some(pod_limit), Some(container_limit)) =
                (limits.get(name).and_then(parse_quantity), parse_quantity(q))
            else {
                continue;
            };
            if container_limit.cmp_value(&pod_limit) == std::cmp::Ordering::Greater {
                errs.push(FieldError::invalid(
                    &format!("{path}.containers[{i}][{name}].limits"),
                    &container_limit.canonical(),
                    &format!(
                        "must be less than or equal to pod limits of {}",
                        pod_limit.canonical()
                    ),
                ));
            }
        }
    }
    errs
}

/// `validatePodSpecSecurityContext` (ids, shareProcessNamespace, fsGroupChangePolicy, profiles).
fn validate_pod_security_context(spec: &PodSpec, path: &str) -> Vec<FieldError> {
    let mut errs = Vec::new();
    let Some(sc) = &spec.security_context else {
        return errs;
    };
    for (field, id) in [
        ("fsGroup", sc.fs_group),
        ("runAsUser", sc.run_as_user),
        ("runAsGroup", sc.run_as_group),
    ] {
        if let Some(id) = id {
            for msg in is_valid_id(id) {
                errs.push(FieldError::invalid_raw(
                    &format!("{path}.{field}"),
                    id.to_string(),
                    &msg,
                ));
            }
        }
    }
    for (i, gid) in sc.supplemental_groups.iter().flatten().enumerate() {
        for msg in is_valid_id(*gid) {
            errs.push(FieldError::invalid_raw(
                &format!("{path}.supplementalGroups[{i}]"),
                gid.to_string(),
                &msg,
            ));
        }
    }
    if spec.share_process_namespace == Some(true) && spec.host_pid == Some(true) {
        errs.push(FieldError::invalid_raw(
            &format!("{path}.shareProcessNamespace"),
            "true".into(),
            "ShareProcessNamespace and HostPID cannot both be enabled",
        ));
    }
    for (i, sysctl) in sc.sysctls.iter().flatten().enumerate() {
        if sysctl.name.is_empty() {
            errs.push(FieldError::required(
                &format!("{path}.sysctls[{i}].name"),
                "",
            ));
        }
    }
    if let Some(policy) = &sc.fs_group_change_policy {
        if !matches!(policy.as_str(), "Always" | "OnRootMismatch") {
            errs.push(FieldError::not_supported(
                &format!("{path}.fsGroupChangePolicy"),
                policy,
                &["Always", "OnRootMismatch"],
            ));
        }
    }
    if let Some(profile) = &sc.seccomp_profile {
        errs.extend(validate_profile_type(
            &profile.type_,
            profile.localhost_profile.is_some(),
            &format!("{path}.seccompProfile"),
            "seccomp",
        ));
    }
    if let Some(profile) = &sc.app_armor_profile {
        errs.extend(validate_profile_type(
            &profile.type_,
            profile.localhost_profile.is_some(),
            &format!("{path}.appArmorProfile"),
            "AppArmor",
        ));
    }
    if let Some(policy) = &sc.supplemental_groups_policy {
        if !matches!(policy.as_str(), "Merge" | "Strict") {
            errs.push(FieldError::not_supported(
                &format!("{path}.supplementalGroupsPolicy"),
                policy,
                &["Merge", "Strict"],
            ));
        }
    }
    // `MountOption` needs SELinuxMount (beta, off in v1.36): only `Recursive` is accepted.
    if let Some(policy) = &sc.se_linux_change_policy {
        if policy != "Recursive" {
            errs.push(FieldError::not_supported(
                &format!("{path}.seLinuxChangePolicy"),
                policy,
                &["Recursive"],
            ));
        }
    }
    errs
}

/// `ValidateNodeSelectorRequirement`.
fn validate_node_selector_requirement(
    req: &NodeSelectorRequirement,
    path: &str,
    check_values: bool,
) -> Vec<FieldError> {
    let mut errs = Vec::new();
    let values = req.values.as_deref().unwrap_or(&[]);
    match req.operator.as_str() {
        "In" | "NotIn" => {
            if values.is_empty() {
                errs.push(FieldError::required(
                    &format!("{path}.values"),
                    "must be specified when `operator` is 'In' or 'NotIn'",
                ));
            }
        }
        "Exists" | "DoesNotExist" => {
            if !values.is_empty() {
                errs.push(FieldError::forbidden(
                    &format!("{path}.values"),
                    "may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
                ));
            }
        }
        "Gt" | "Lt" => {
            if values.len() != 1 {
                errs.push(FieldError::required(
                    &format!("{path}.values"),
                    "must be specified single value when `operator` is 'Lt' or 'Gt'",
                ));
            }
        }
        other => errs.push(FieldError::invalid(
            &format!("{path}.operator"),
            other,
            "not a valid selector operator",
        )),
    }
    errs.extend(validate_label_name(&req.key, &format!("{path}.key")));
    if check_values {
        for (i, value) in values.iter().enumerate() {
            for msg in is_valid_label_value(value) {
                errs.push(FieldError::invalid(
                    &format!("{path}.values[{i}]"),
                    value,
                    &msg,
                ));
            }
        }
    }
    errs
}

/// `ValidateNodeSelectorTerm` (match expressions, then match fields on `metadata.name`).
fn validate_node_selector_term(
    term: &NodeSelectorTerm,
    path: &str,
    check_values: bool,
) -> Vec<FieldError> {
    let mut errs = Vec::new();
    for (j, req) in term.match_expressions.iter().flatten().enumerate() {
        errs.extend(validate_node_selector_requirement(
            req,
            &format!("{path}.matchExpressions[{j}]"),
            check_values,
        ));
    }
    for (j, req) in term.match_fields.iter().flatten().enumerate() {
        let p = format!("{path}.matchFields[{j}]");
        let values = req.values.as_deref().unwrap_or(&[]);
        match req.operator.as_str() {
            "In" | "NotIn" => {
                if values.len() != 1 {
                    errs.push(FieldError::required(&format!("{p}.values"), "must be only one value when `operator` is 'In' or 'NotIn' for node field selector"));
                }
            }
            other => errs.push(FieldError::invalid(
                &format!("{p}.operator"),
                other,
                "not a valid selector operator",
            )),
        }
        if req.key != "metadata.name" {
            errs.push(FieldError::invalid(
                &format!("{p}.key"),
                &req.key,
                "not a valid field selector key",
            ));
        } else {
            for (i, v) in values.iter().enumerate() {
                for msg in name_is_dns_subdomain(v, false) {
                    errs.push(FieldError::invalid(&format!("{p}.values[{i}]"), v, &msg));
                }
            }
        }
    }
    errs
}

/// `ValidateLabelSelector`.
pub(super) fn validate_label_selector(
    selector: Option<&LabelSelector>,
    path: &str,
) -> Vec<FieldError> {
    let mut errs = Vec::new();
    let Some(selector) = selector else {
        return errs;
    };
    errs.extend(validate_labels(
        selector.match_labels.as_ref(),
        &format!("{path}.matchLabels"),
    ));
    for (i, req) in selector.match_expressions.iter().flatten().enumerate() {
        let p = format!("{path}.matchExpressions[{i}]");
        let values = req.values.as_deref().unwrap_or(&[]);
        match req.operator.as_str() {
            "In" | "NotIn" => {
                if values.is_empty() {
                    errs.push(FieldError::required(
                        &format!("{p}.values"),
                        "must be specified when `operator` is 'In' or 'NotIn'",
                    ));
                }
            }
            "Exists" | "DoesNotExist" => {
                if !values.is_empty() {
                    errs.push(FieldError::forbidden(
                        &format!("{p}.values"),
                        "may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
                    ));
                }
            }
            other => errs.push(FieldError::invalid(
                &format!("{p}.operator"),
                other,
                "not a valid selector operator",
            )),
        }
        errs.extend(validate_label_name(&req.key, &format!("{p}.key")));
        for (j, value) in values.iter().enumerate() {
            for msg in is_valid_label_value(value) {
                errs.push(FieldError::invalid(
                    &format!("{p}.values[{j}]"),
                    value,
                    &msg,
                ));
            }
        }
    }
    errs
}

/// `validatePodAffinityTerm`.
fn validate_pod_affinity_term(term: &PodAffinityTerm, path: &str) -> Vec<FieldError> {
    let mut errs = validate_label_selector(
        term.label_selector.as_ref(),
        &format!("{path}.labelSelector"),
    );
    errs.extend(validate_label_selector(
        term.namespace_selector.as_ref(),
        &format!("{path}.namespaceSelector"),
    ));
    for namespace in term.namespaces.iter().flatten() {
        for msg in name_is_dns_label(namespace, false) {
            errs.push(FieldError::invalid(
                &format!("{path}.namespace"),
                namespace,
                &msg,
            ));
        }
    }
    errs.extend(validate_match_and_mismatch_label_keys(term, path));
    if term.topology_key.is_empty() {
        errs.push(FieldError::required(
            &format!("{path}.topologyKey"),
            "can not be empty",
        ));
    }
    errs.extend(validate_label_name(
        &term.topology_key,
        &format!("{path}.topologyKey"),
    ));
    errs
}

/// `validateMatchLabelKeysAndMismatchLabelKeys`: both lists hold label names and need a labelSelector; a
/// `matchLabelKeys` key the selector names twice (the create merged `key in (value)` into a selector that
/// already had the key) is refused, at upstream's path `<term>[i]`; and no key may be in both lists.
fn validate_match_and_mismatch_label_keys(term: &PodAffinityTerm, path: &str) -> Vec<FieldError> {
    let mut errs = Vec::new();
    let match_keys = term.match_label_keys.as_deref().unwrap_or_default();
    let mismatch_keys = term.mismatch_label_keys.as_deref().unwrap_or_default();
    for (field, keys) in [
        ("matchLabelKeys", match_keys),
        ("mismatchLabelKeys", mismatch_keys),
    ] {
        if keys.is_empty() {
            continue;
        }
        let keys_path = format!("{path}.{field}");
        if term.label_selector.is_none() {
            errs.push(FieldError::forbidden(
                &keys_path,
                "must not be specified when labelSelector is not set",
            ));
            continue;
        }
        for (i, key) in keys.iter().enumerate() {
            errs.extend(validate_label_name(key, &format!("{keys_path}[{i}]")));
        }
    }
    if let Some(selector) = &term.label_selector {
        let mut seen: Vec<&str> = selector
            .match_labels
            .iter()
            .flatten()
            .map(|(key, _)| key.as_str())
            .collect();
        for expression in selector.match_expressions.iter().flatten() {
            let key = expression.key.as_str();
            // The last position of the key in matchLabelKeys, as upstream's map keeps it.
            let position = match_keys.iter().rposition(|k| k == key);
            if let (Some(i), true) = (position, seen.contains(&key)) {
                errs.push(FieldError::invalid(
                    &format!("{path}[{i}]"),
                    key,
                    "exists in both matchLabelKeys and labelSelector",
                ));
            }
            seen.push(key);
        }
    }
    for (i, key) in match_keys.iter().enumerate() {
        if mismatch_keys.contains(key) {
            errs.push(FieldError::invalid(
                &format!("{path}.matchLabelKeys[{i}]"),
                key,
                "exists in both matchLabelKeys and mismatchLabelKeys",
            ));
        }
    }
    errs
}

/// `validateAffinity`.
fn validate_affinity(spec: &PodSpec, path: &str) -> Vec<FieldError> {
    let mut errs = Vec::new();
    let Some(affinity) = &spec.affinity else {
        return errs;
    };
    if let Some(node) = &affinity.node_affinity {
        let p = format!("{path}.nodeAffinity");
        if let Some(required) = &node.required_during_scheduling_ignored_during_execution {
            let terms_path =
                format!("{p}.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms");
            if required.node_selector_terms.is_empty() {
                errs.push(FieldError::required(
                    &terms_path,
                    "must have at least one node selector term",
                ));
            }
            for (i, term) in required.node_selector_terms.iter().enumerate() {
                errs.extend(validate_node_selector_term(
                    term,
                    &format!("{terms_path}[{i}]"),
                    true,
                ));
            }
        }
        for (i, term) in node
            .preferred_during_scheduling_ignored_during_execution
            .iter()
            .flatten()
            .enumerate()
        {
            let tp = format!("{p}.preferredDuringSchedulingIgnoredDuringExecution[{i}]");
            if term.weight <= 0 || term.weight > 100 {
                errs.push(FieldError::invalid_raw(
                    &format!("{tp}.weight"),
                    term.weight.to_string(),
                    "must be in the range 1-100",
                ));
            }
            errs.extend(validate_node_selector_term(
                &term.preference,
                &format!("{tp}.preference"),
                false,
            ));
        }
    }
    let pod_sets = [
        (
            "podAffinity",
            affinity.pod_affinity.as_ref().map(|a| {
                (
                    &a.required_during_scheduling_ignored_during_execution,
                    &a.preferred_during_scheduling_ignored_during_execution,
                )
            }),
        ),
        (
            "podAntiAffinity",
            affinity.pod_anti_affinity.as_ref().map(|a| {
                (
                    &a.required_during_scheduling_ignored_during_execution,
                    &a.preferred_during_scheduling_ignored_during_execution,
                )
            }),
        ),
    ];
    for (field, set) in pod_sets {
        let Some((required, preferred)) = set else {
            continue;
        };
        let p = format!("{path}.{field}");
        for (i, term) in required.iter().flatten().enumerate() {
            errs.extend(validate_pod_affinity_term(
                term,
                &format!("{p}.requiredDuringSchedulingIgnoredDuringExecution[{i}]"),
            ));
        }
        for (i, weighted) in preferred.iter().flatten().enumerate() {
            let tp = format!("{p}.preferredDuringSchedulingIgnoredDuringExecution[{i}]");
            if weighted.weight <= 0 || weighted.weight > 100 {
                errs.push(FieldError::invalid_raw(
                    &format!("{tp}.weight"),
                    weighted.weight.to_string(),
                    "must be in the range 1-100",
                ));
            }
            errs.extend(validate_pod_affinity_term(
                &weighted.pod_affinity_term,
                &format!("{tp}.podAffinityTerm"),
            ));
        }
    }
    errs
}

/// `validatePodDNSConfig` (counts and search names; IP formats are not checked).
fn validate_dns_config(spec: &PodSpec, path: &str) -> Vec<FieldError> {
    let mut errs = Vec::new();
    if spec.dns_policy.as_deref() == Some("None") {
        match &spec.dns_config {
            None => {
                return vec![FieldError::required(
                    path,
                    "must provide `dnsConfig` when `dnsPolicy` is None",
                )]
            }
            Some(config) if config.nameservers.as_ref().is_none_or(|n| n.is_empty()) => {
                return vec![FieldError::required(
                    &format!("{path}.nameservers"),
                    "must provide at least one DNS nameserver when `dnsPolicy` is None",
                )]
            }
            _ => {}
        }
    }
    let Some(config) = &spec.dns_config else {
        return errs;
    };
    let nameservers = config.nameservers.as_deref().unwrap_or(&[]);
    if nameservers.len() > 3 {
        errs.push(FieldError::invalid_raw(
            &format!("{path}.nameservers"),
            serde_json::to_string(nameservers).unwrap_or_default(),
            "must not have more than 3 nameservers",
        ));
    }
    for (i, nameserver) in nameservers.iter().enumerate() {
        if !is_sloppy_ip(nameserver) {
            errs.push(FieldError::invalid(
                &format!("{path}.nameservers[{i}]"),
                nameserver,
                INVALID_IP,
            ));
        }
    }
    let searches = config.searches.as_deref().unwrap_or(&[]);
    if searches.len() > 32 {
        errs.push(FieldError::invalid_raw(
            &format!("{path}.searches"),
            serde_json::to_string(searches).unwrap_or_default(),
            "must not have more than 32 search paths",
        ));
    }
    if searches.join(" ").len() > 2048 {
        errs.push(FieldError::invalid_raw(
            &format!("{path}.searches"),
            serde_json::to_string(searches).unwrap_or_default(),
            "must not have more than 2048 characters (including spaces) in the search list",
        ));
    }
    for (i, search) in searches.iter().enumerate() {
        if search == "." {
            continue;
        }
        let trimmed = search.strip_suffix('.').unwrap_or(search);
        // Relaxed DNS search validation (GA): `IsDNS1123SubdomainWithUnderscore`.
        for msg in is_dns1123_subdomain_with_underscore(trimmed) {
            errs.push(FieldError::invalid(
                &format!("{path}.searches[{i}]"),
                trimmed,
                &msg,
            ));
        }
    }
    for (i, option) in config.options.iter().flatten().enumerate() {
        if s(&option.name).is_empty() {
            errs.push(FieldError::required(
                &format!("{path}.options[{i}]"),
                "must not be empty",
            ));
        }
    }
    errs
}

/// `validateTopologySpreadConstraints`.
fn validate_topology_spread_constraints(spec: &PodSpec, path: &str) -> Vec<FieldError> {
    let mut errs = Vec::new();
    let constraints = spec.topology_spread_constraints.as_deref().unwrap_or(&[]);
    for (i, c) in constraints.iter().enumerate() {
        let p = format!("{path}[{i}]");
        if c.max_skew <= 0 {
            errs.push(FieldError::invalid_raw(
                &format!("{p}.maxSkew"),
                c.max_skew.to_string(),
                NOT_POSITIVE,
            ));
        }
        if c.topology_key.is_empty() {
            errs.push(FieldError::required(
                &format!("{p}.topologyKey"),
                "can not be empty",
            ));
        } else if let Some(first) =
            validate_label_name(&c.topology_key, &format!("{p}.topologyKey"))
                .into_iter()
                .next()
        {
            errs.push(first);
        }
        if !matches!(
            c.when_unsatisfiable.as_str(),
            "DoNotSchedule" | "ScheduleAnyway"
        ) {
            errs.push(FieldError::not_supported(
                &format!("{p}.whenUnsatisfiable"),
                &c.when_unsatisfiable,
                &["DoNotSchedule", "ScheduleAnyway"],
            ));
        }
        if constraints[i + 1..].iter().any(|o| {
            o.topology_key == c.topology_key && o.when_unsatisfiable == c.when_unsatisfiable
        }) {
            errs.push(FieldError::duplicate(
                &format!("{p}.{{topologyKey, whenUnsatisfiable}}"),
                &format!("{{{}, {}}}", c.topology_key, c.when_unsatisfiable),
            ));
        }
        if let Some(min) = c.min_domains {
            if min <= 0 {
                errs.push(FieldError::invalid_raw(
                    &format!("{p}.minDomains"),
                    min.to_string(),
                    NOT_POSITIVE,
                ));
            }
            if c.when_unsatisfiable != "DoNotSchedule" {
                errs.push(FieldError::invalid_raw(
                    &format!("{p}.minDomains"),
                    min.to_string(),
                    &format!(
                        "can only use minDomains if whenUnsatisfiable=DoNotSchedule, not {}",
                        c.when_unsatisfiable
                    ),
                ));
            }
        }
        for (field, value) in [
            ("nodeAffinityPolicy", &c.node_affinity_policy),
            ("nodeTaintsPolicy", &c.node_taints_policy),
        ] {
            if let Some(v) = value {
                if !matches!(v.as_str(), "Honor" | "Ignore") {
                    errs.push(FieldError::not_supported(
                        &format!("{p}.{field}"),
                        v,
                        &["Honor", "Ignore"],
                    ));
                }
            }
        }
        // matchLabelKeys: label names, and only with a labelSelector.
        let keys = c.match_label_keys.as_deref().unwrap_or_default();
        if !keys.is_empty() {
            let keys_path = format!("{p}.matchLabelKeys");
            if c.label_selector.is_none() {
                errs.push(FieldError::forbidden(
                    &keys_path,
                    "must not be specified when labelSelector is not set",
                ));
            }
            for (i, key) in keys.iter().enumerate() {
                errs.extend(validate_label_name(key, &format!("{keys_path}[{i}]")));
            }
        }
        errs.extend(validate_label_selector(
            c.label_selector.as_ref(),
            &format!("{p}.labelSelector"),
        ));
    }
    errs
}

/// `ValidateTolerations`.
pub fn validate_tolerations(tolerations: &[Toleration], path: &str) -> Vec<FieldError> {
    let mut errs = Vec::new();
    for (i, t) in tolerations.iter().enumerate() {
        let p = format!("{path}[{i}]");
        let key = s(&t.key);
        let operator = s(&t.operator);
        let effect = s(&t.effect);
        let value = s(&t.value);
        if !key.is_empty() {
            errs.extend(validate_label_name(key, &format!("{p}.key")));
        }
        if key.is_empty() && operator != "Exists" {
            errs.push(FieldError::invalid(
                &format!("{p}.operator"),
                operator,
                "operator must be Exists when `key` is empty, which means \"match all values and all keys\"",
            ));
        }
        if t.toleration_seconds.is_some() && effect != "NoExecute" {
            errs.push(FieldError::invalid(
                &format!("{p}.effect"),
                effect,
                "effect must be 'NoExecute' when `tolerationSeconds` is set",
            ));
        }
        match operator {
            "Equal" | "" => {
                let msgs = is_valid_label_value(value);
                if !msgs.is_empty() {
                    errs.push(FieldError::invalid(
                        &format!("{p}.operator"),
                        value,
                        &msgs.join(";"),
                    ));
                }
            }
            "Exists" => {
                if !value.is_empty() {
                    errs.push(FieldError::invalid(
                        &format!("{p}.operator"),
                        value,
                        "value must be empty when `operator` is 'Exists'",
                    ));
                }
            }
            // The numeric operators need TaintTolerationComparisonOperators (alpha, off in v1.36); their
            // refusal lists them, an unknown operator's does not.
            "Lt" | "Gt" => errs.push(FieldError::not_supported(
                &format!("{p}.operator"),
                operator,
                &["Equal", "Exists", "Lt", "Gt"],
            )),
            other => errs.push(FieldError::not_supported(
                &format!("{p}.operator"),
                other,
                &["Equal", "Exists"],
            )),
        }
        if !effect.is_empty() && !matches!(effect, "NoSchedule" | "PreferNoSchedule" | "NoExecute")
        {
            errs.push(FieldError::not_supported(
                &format!("{p}.effect"),
                effect,
                &["NoSchedule", "PreferNoSchedule", "NoExecute"],
            ));
        }
    }
    errs
}

/// `ValidatePodUpdate`.
pub fn validate_pod_update(new: &Pod, old: &Pod) -> Vec<FieldError> {
    let mut errs = validate_object_meta_update(&new.metadata, &old.metadata, "metadata");
    errs.extend(validate_pod_metadata_and_spec(new));
    let empty = PodSpec::default();
    let new_spec = new.spec.as_ref().unwrap_or(&empty);
    let old_spec = old.spec.as_ref().unwrap_or(&empty);

    for (new_list, old_list, field) in [
        (
            Some(&new_spec.containers),
            Some(&old_spec.containers),
            "containers",
        ),
        (
            new_spec.init_containers.as_ref(),
            old_spec.init_containers.as_ref(),
            "initContainers",
        ),
    ] {
        let new_list = new_list.map(Vec::as_slice).unwrap_or(&[]);
        let old_list = old_list.map(Vec::as_slice).unwrap_or(&[]);
        if new_list.len() != old_list.len() {
            errs.push(FieldError::forbidden(
                &format!("spec.{field}"),
                "pod updates may not add or remove containers",
            ));
            return errs;
        }
        for (i, c) in new_list.iter().enumerate() {
            let image = s(&c.image);
            if image.is_empty() {
                errs.push(FieldError::required(
                    &format!("spec.{field}[{i}].image"),
                    "",
                ));
            }
            if image.trim().len() != image.len() {
                errs.push(FieldError::invalid(
                    &format!("spec.{field}[{i}].image"),
                    image,
                    "must not have leading or trailing whitespace",
                ));
            }
        }
    }

    match (
        new_spec.active_deadline_seconds,
        old_spec.active_deadline_seconds,
    ) {
        (Some(new_value), old_value) => {
            if !(0..=i64::from(i32::MAX)).contains(&new_value) {
                errs.push(FieldError::invalid_raw(
                    "spec.activeDeadlineSeconds",
                    new_value.to_string(),
                    &inclusive_range_error(0, i64::from(i32::MAX)),
                ));
                return errs;
            }
            if old_value.is_some_and(|o| o < new_value) {
                errs.push(FieldError::invalid_raw(
                    "spec.activeDeadlineSeconds",
                    new_value.to_string(),
                    "must be less than or equal to previous value",
                ));
                return errs;
            }
        }
        (None, Some(_)) => {
            errs.push(FieldError::invalid_raw(
                "spec.activeDeadlineSeconds",
                "null".into(),
                "must not update from a positive integer to nil value",
            ));
        }
        (None, None) => {}
    }

    // Only additions to tolerations (tolerationSeconds may change).
    let new_tolerations = new_spec.tolerations.as_deref().unwrap_or(&[]);
    let mut toleration_errs = Vec::new();
    for old_t in old_spec.tolerations.iter().flatten() {
        let found = new_tolerations.iter().any(|n| {
            let mut clone = old_t.clone();
            clone.toleration_seconds = n.toleration_seconds;
            clone == *n
        });
        if !found {
            toleration_errs.push(FieldError::forbidden(
                "spec.tolerations",
                "existing toleration can not be modified except its tolerationSeconds",
            ));
            break;
        }
    }
    if toleration_errs.is_empty() {
        toleration_errs.extend(validate_tolerations(new_tolerations, "spec.tolerations"));
    }
    errs.extend(toleration_errs);

    // Only deletions of scheduling gates.
    let old_gates: Vec<&str> = old_spec
        .scheduling_gates
        .iter()
        .flatten()
        .map(|g| g.name.as_str())
        .collect();
    let mut added: BTreeMap<&str, usize> = BTreeMap::new();
    for (i, gate) in new_spec.scheduling_gates.iter().flatten().enumerate() {
        added.insert(&gate.name, i);
    }
    added.retain(|name, _| !old_gates.contains(name));
    for (name, i) in added {
        errs.push(FieldError::forbidden(
            &format!("spec.schedulingGates[{i}].name"),
            &format!("only deletion is allowed, but found new scheduling gate '{name}'"),
        ));
    }

    if new_spec == old_spec {
        return errs;
    }
    let mut munged = new_spec.clone();
    for (c, old_c) in munged.containers.iter_mut().zip(&old_spec.containers) {
        c.image = old_c.image.clone();
    }
    if let (Some(list), Some(old_list)) = (
        munged.init_containers.as_mut(),
        old_spec.init_containers.as_ref(),
    ) {
        for (c, old_c) in list.iter_mut().zip(old_list) {
            c.image = old_c.image.clone();
        }
    }
    munged.active_deadline_seconds = old_spec.active_deadline_seconds;
    munged.scheduling_gates = old_spec.scheduling_gates.clone();
    munged.tolerations = old_spec.tolerations.clone();
    if old_spec
        .termination_grace_period_seconds
        .is_some_and(|g| g < 0)
        && munged.termination_grace_period_seconds == Some(1)
    {
        munged.termination_grace_period_seconds = old_spec.termination_grace_period_seconds;
    }
    if !old_gates.is_empty() {
        // Gated pods may gain nodeSelector entries and change node affinity.
        munged.node_selector = old_spec.node_selector.clone();
        if let Some(affinity) = munged.affinity.as_mut() {
            affinity.node_affinity = old_spec
                .affinity
                .as_ref()
                .and_then(|a| a.node_affinity.clone());
        }
        if munged.affinity.as_ref().is_some_and(|a| {
            a.pod_affinity.is_none() && a.pod_anti_affinity.is_none() && a.node_affinity.is_none()
        }) && old_spec.affinity.is_none()
        {
            munged.affinity = None;
        }
    }
    if munged != *old_spec {
        errs.push(FieldError::forbidden(
            "spec",
            &format!(
                "pod updates may not change fields other than {UPDATABLE_POD_SPEC_FIELDS}\n{}",
                spec_diff(old_spec, &munged)
            ),
        ));
    }
    errs
}

/// A simplified stand-in for go-cmp's `cmp.Diff(old, new)`: the changed top-level PodSpec fields.
fn spec_diff(old: &PodSpec, new: &PodSpec) -> String {
    let old_json = crate::engine::objects::to_json_value(old).unwrap_or_default();
    let new_json = crate::engine::objects::to_json_value(new).unwrap_or_default();
    let empty = serde_json::Map::new();
    let old_map = old_json.as_object().unwrap_or(&empty);
    let new_map = new_json.as_object().unwrap_or(&empty);
    let mut keys: Vec<&String> = old_map.keys().chain(new_map.keys()).collect();
    keys.sort();
    keys.dedup();
    let mut out = String::from("  core.PodSpec{\n");
    for key in keys {
        let (a, b) = (old_map.get(key), new_map.get(key));
        if a != b {
            if let Some(a) = a {
                out.push_str(&format!("- \t{key}: {a},\n"));
            }
            if let Some(b) = b {
                out.push_str(&format!("+ \t{key}: {b},\n"));
            }
        }
    }
    out.push_str("  }\n");
    out
}

/// `ValidatePodStatusUpdate` (metadata, conditions, nodeName, qosClass).
pub fn validate_pod_status_update(new: &Pod, old: &Pod) -> Vec<FieldError> {
    let mut errs = validate_object_meta_update(&new.metadata, &old.metadata, "metadata");
    let new_status = new.status.clone().unwrap_or_default();
    let old_status = old.status.clone().unwrap_or_default();
    for (i, condition) in new_status.conditions.iter().flatten().enumerate() {
        if matches!(
            condition.type_.as_str(),
            "PodScheduled" | "Ready" | "Initialized"
        ) {
            continue;
        }
        errs.extend(validate_qualified_name(
            &condition.type_,
            &format!("metadata.conditions[{i}].Type"),
        ));
    }
    let node = |p: &Pod| {
        p.spec
            .as_ref()
            .and_then(|sp| sp.node_name.clone())
            .unwrap_or_default()
    };
    if node(new) != node(old) {
        errs.push(FieldError::forbidden(
            "status.nodeName",
            "may not be changed directly",
        ));
    }
    let nominated = s(&new_status.nominated_node_name);
    if nominated != s(&old_status.nominated_node_name) && !nominated.is_empty() {
        for msg in name_is_dns_subdomain(nominated, false) {
            errs.push(FieldError::invalid(
                "status.nominatedNodeName",
                nominated,
                &msg,
            ));
        }
    }
    if new_status.qos_class != old_status.qos_class {
        errs.push(FieldError::invalid(
            "status.qosClass",
            s(&new_status.qos_class),
            super::meta::FIELD_IMMUTABLE,
        ));
    }
    errs
}

/// A projected secret or configMap source: its name is required, each item is a valid key-to-path, and
/// no path may repeat across the whole projected volume (`conflicting duplicate paths`).
fn validate_projected_key_items(
    name: &str,
    items: Option<&[k8s_openapi::api::core::v1::KeyToPath]>,
    source_path: &str,
    volume_path: &str,
    all_paths: &mut Vec<String>,
    errs: &mut Vec<FieldError>,
) {
    if name.is_empty() {
        errs.push(FieldError::required(&format!("{source_path}.name"), ""));
    }
    for (j, item) in items.unwrap_or_default().iter().enumerate() {
        errs.extend(validate_key_to_path(
            &item.key,
            &item.path,
            item.mode,
            &format!("{source_path}.items[{j}]"),
        ));
        if !item.path.is_empty() {
            if all_paths.contains(&item.path) {
                errs.push(FieldError::invalid(
                    volume_path,
                    name,
                    "conflicting duplicate paths",
                ));
            } else {
                all_paths.push(item.path.clone());
            }
        }
    }
}
