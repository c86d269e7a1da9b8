//! Defaulting applied when a body is decoded: the scheme's `SetObjectDefaults_<Kind>` functions.
//!
//! Mirrors `pkg/apis/core/v1/defaults.go` with the recursion of `pkg/apis/core/v1/zz_generated.defaults.go`
//! (Pod, its containers, init and ephemeral containers, probes, lifecycle handlers, volumes and resource
//! lists), plus `pkg/apis/apps/v1/defaults.go` (Deployment), `pkg/apis/rbac/v1/defaults.go` (subjects and
//! roleRef API groups) and `pkg/apis/scheduling/v1/defaults.go` (PriorityClass preemptionPolicy).
//!
//! Simplifications: `defaultPodLimits` (pod-level limits from container limits, newer than v1.36) is not
//! modelled; defaults of legacy in-tree volume plugins other than iSCSI, RBD, AzureDisk and ScaleIO are absent.

use std::collections::BTreeMap;

use k8s_openapi::api::apps::v1::{Deployment, ReplicaSet};
use k8s_openapi::api::core::v1::{
    Container, EmptyDirVolumeSource, EnvVar, HTTPGetAction, Lifecycle, Node, PersistentVolume,
    PersistentVolumeClaim, Pod, PodSecurityContext, PodSpec, Probe, ResourceRequirements, Service,
    Volume,
};
use k8s_openapi::apimachinery::pkg::api::resource::Quantity as ApiQuantity;
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use crate::engine::objects::Object;
use crate::engine::quantity::Quantity;

/// `v1.TerminationMessagePathDefault`.
pub const TERMINATION_MESSAGE_PATH: &str = "/dev/termination-log";
/// `v1.DefaultSchedulerName`.
pub const DEFAULT_SCHEDULER_NAME: &str = "default-scheduler";
/// `v1.DefaultTerminationGracePeriodSeconds`.
pub const DEFAULT_TERMINATION_GRACE_PERIOD_SECONDS: i64 = 30;
/// Octal 0644, the default mode of configMap/secret/downwardAPI/projected volumes.
pub const DEFAULT_VOLUME_MODE: i32 = 0o644;

/// Fills in defaults exactly as the API server's scheme defaulting does.
pub fn apply_defaults(object: &mut Object) {
    match object {
        Object::Pod(pod) => default_pod(std::sync::Arc::make_mut(pod)),
        Object::Node(node) => default_node(std::sync::Arc::make_mut(node)),
        Object::Namespace(namespace) => {
            let namespace = std::sync::Arc::make_mut(namespace);
            // SetDefaults_Namespace: the immutable name label (only when a name is known).
            if let Some(name) = namespace.metadata.name.clone().filter(|n| !n.is_empty()) {
                namespace
                    .metadata
                    .labels
                    .get_or_insert_with(BTreeMap::new)
                    .insert("kubernetes.io/metadata.name".into(), name);
            }
            let status = namespace.status.get_or_insert_with(Default::default);
            set_if_empty(&mut status.phase, "Active");
        }
        Object::Service(service) => default_service(std::sync::Arc::make_mut(service)),
        Object::Secret(secret) => {
            set_if_empty(&mut std::sync::Arc::make_mut(secret).type_, "Opaque")
        }
        Object::PersistentVolume(pv) => default_persistent_volume(std::sync::Arc::make_mut(pv)),
        Object::PersistentVolumeClaim(pvc) => {
            default_persistent_volume_claim(std::sync::Arc::make_mut(pvc))
        }
        Object::Deployment(deployment) => default_deployment(std::sync::Arc::make_mut(deployment)),
        Object::ReplicaSet(replica_set) => {
            default_replica_set(std::sync::Arc::make_mut(replica_set))
        }
        Object::PriorityClass(class) => {
            let class = std::sync::Arc::make_mut(class);
            set_if_empty(&mut class.preemption_policy, "PreemptLowerPriority")
        }
        Object::RoleBinding(binding) => {
            let binding = std::sync::Arc::make_mut(binding);
            set_if_empty(&mut binding.role_ref.api_group, "rbac.authorization.k8s.io");
            binding
                .subjects
                .iter_mut()
                .flatten()
                .for_each(default_subject);
        }
        Object::ClusterRoleBinding(binding) => {
            let binding = std::sync::Arc::make_mut(binding);
            set_if_empty(&mut binding.role_ref.api_group, "rbac.authorization.k8s.io");
            binding
                .subjects
                .iter_mut()
                .flatten()
                .for_each(default_subject);
        }
        Object::ServiceAccount(_)
        | Object::Event(_)
        | Object::ConfigMap(_)
        | Object::Role(_)
        | Object::ClusterRole(_)
        // policy/v1 has no defaulting: neither budget nor the eviction policy gets a value.
        | Object::PodDisruptionBudget(_) => {}
    }
}

fn set_if_empty(field: &mut Option<String>, value: &str) {
    if field.as_deref().is_none_or(str::is_empty) {
        *field = Some(value.to_string());
    }
}

fn set_if_unset_i32(field: &mut Option<i32>, value: i32) {
    if field.is_none_or(|v| v == 0) {
        *field = Some(value);
    }
}

/// `SetDefaults_Subject`: users and groups belong to the RBAC API group.
fn default_subject(subject: &mut k8s_openapi::api::rbac::v1::Subject) {
    if subject.api_group.as_deref().is_none_or(str::is_empty) {
        match subject.kind.as_str() {
            "User" | "Group" => subject.api_group = Some("rbac.authorization.k8s.io".into()),
            "ServiceAccount" => subject.api_group = Some(String::new()),
            _ => {}
        }
    }
}

/// `SetObjectDefaults_Pod`: SetDefaults_Pod, then SetDefaults_PodSpec, then every nested type.
pub fn default_pod(pod: &mut Pod) {
    let spec = pod.spec.get_or_insert_with(Default::default);
    // SetDefaults_Pod: requests default to limits, per container.
    for container in spec
        .containers
        .iter_mut()
        .chain(spec.init_containers.iter_mut().flatten())
    {
        let resources = container.resources.get_or_insert_with(Default::default);
        if let Some(limits) = &resources.limits {
            let requests = resources.requests.get_or_insert_with(BTreeMap::new);
            for (name, value) in limits {
                requests
                    .entry(name.clone())
                    .or_insert_with(|| value.clone());
            }
        }
    }
    default_pod_level_resources(spec);
    // Convert_v1_Pod_To_core_Pod: a pod's negative grace period becomes 1 (pods only; a template keeps
    // its value and gets a warning).
    if let Some(seconds) = spec.termination_grace_period_seconds.as_mut() {
        if *seconds < 0 {
            *seconds = 1;
        }
    }
    if spec.enable_service_links.is_none() {
        spec.enable_service_links = Some(true);
    }
    if spec.host_network == Some(true) {
        for container in spec
            .containers
            .iter_mut()
            .chain(spec.init_containers.iter_mut().flatten())
        {
            for port in container.ports.iter_mut().flatten() {
                if port.host_port.is_none_or(|p| p == 0) {
                    port.host_port = Some(port.container_port);
                }
            }
        }
    }
    default_pod_spec(spec);
}

/// `SetDefaults_PodSpec` and the nested defaults of a PodSpec (shared by pods and pod templates).
pub fn default_pod_spec(spec: &mut PodSpec) {
    set_if_empty(&mut spec.dns_policy, "ClusterFirst");
    set_if_empty(&mut spec.restart_policy, "Always");
    if spec.security_context.is_none() {
        spec.security_context = Some(PodSecurityContext::default());
    }
    if spec.termination_grace_period_seconds.is_none() {
        spec.termination_grace_period_seconds = Some(DEFAULT_TERMINATION_GRACE_PERIOD_SECONDS);
    }
    set_if_empty(&mut spec.scheduler_name, DEFAULT_SCHEDULER_NAME);
    for volume in spec.volumes.iter_mut().flatten() {
        default_volume(volume);
    }
    for container in spec.init_containers.iter_mut().flatten() {
        default_container(container);
    }
    for container in spec.containers.iter_mut() {
        default_container(container);
    }
    for container in spec.ephemeral_containers.iter_mut().flatten() {
        default_image_pull_policy(&container.image, &mut container.image_pull_policy);
        set_if_empty(
            &mut container.termination_message_path,
            TERMINATION_MESSAGE_PATH,
        );
        set_if_empty(&mut container.termination_message_policy, "File");
        for port in container.ports.iter_mut().flatten() {
            set_if_empty(&mut port.protocol, "TCP");
        }
        default_env(container.env.as_mut());
        default_resource_requirements(container.resources.get_or_insert_with(Default::default));
        for probe in [
            &mut container.liveness_probe,
            &mut container.readiness_probe,
            &mut container.startup_probe,
        ]
        .into_iter()
        .flatten()
        {
            default_probe(probe);
        }
        if let Some(lifecycle) = &mut container.lifecycle {
            default_lifecycle(lifecycle);
        }
    }
    if let Some(overhead) = &mut spec.overhead {
        round_resource_list(overhead);
    }
    if let Some(resources) = &mut spec.resources {
        default_resource_requirements(resources);
    }
}

/// `SetDefaults_Container` plus the generated defaults of its ports, env, resources, probes and hooks.
fn default_container(container: &mut Container) {
    default_image_pull_policy(&container.image, &mut container.image_pull_policy);
    set_if_empty(
        &mut container.termination_message_path,
        TERMINATION_MESSAGE_PATH,
    );
    set_if_empty(&mut container.termination_message_policy, "File");
    for port in container.ports.iter_mut().flatten() {
        set_if_empty(&mut port.protocol, "TCP");
    }
    default_env(container.env.as_mut());
    // Go's ResourceRequirements is a struct, so a container always shows `resources: {}`.
    default_resource_requirements(container.resources.get_or_insert_with(Default::default));
    for probe in [
        &mut container.liveness_probe,
        &mut container.readiness_probe,
        &mut container.startup_probe,
    ]
    .into_iter()
    .flatten()
    {
        default_probe(probe);
    }
    if let Some(lifecycle) = &mut container.lifecycle {
        default_lifecycle(lifecycle);
    }
}

/// `imagePullPolicy`: `Always` when the tag is `latest` (including no tag and no digest), else `IfNotPresent`.
fn default_image_pull_policy(image: &Option<String>, policy: &mut Option<String>) {
    if policy.as_deref().is_some_and(|p| !p.is_empty()) {
        return;
    }
    let value = if image_tag(image.as_deref().unwrap_or("")).as_deref() == Some("latest") {
        "Always"
    } else {
        "IfNotPresent"
    };
    *policy = Some(value.to_string());
}

/// The tag `parsers.ParseImageName` reports: the explicit tag, `latest` when there is neither tag nor
/// digest, and `None` for a digest-only reference or a name that does not parse.
pub fn image_tag(image: &str) -> Option<String> {
    if image.is_empty() || image.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return None;
    }
    let (name, digest) = match image.split_once('@') {
        Some((n, d)) => (n, Some(d)),
        None => (image, None),
    };
    let (path, tag) = match name.rfind(':') {
        Some(i) if !name[i..].contains('/') => (&name[..i], Some(&name[i + 1..])),
        _ => (name, None),
    };
    // Repository path components (everything after a registry host) must be lowercase.
    let mut components = path.split('/');
    let first = components.next().unwrap_or("");
    let has_domain = path.contains('/')
        && (first.contains('.')
            || first.contains(':')
            || first == "localhost"
            || first.chars().any(|c| c.is_ascii_uppercase()));
    let repository: Vec<&str> = if has_domain {
        components.collect()
    } else {
        path.split('/').collect()
    };
    if path.is_empty()
        || repository
            .iter()
            .any(|c| c.is_empty() || c.chars().any(|ch| ch.is_ascii_uppercase()))
    {
        return None;
    }
    match (tag, digest) {
        (Some(t), _) if !t.is_empty() => Some(t.to_string()),
        (Some(_), _) => None,
        (None, Some(_)) => None,
        (None, None) => Some("latest".into()),
    }
}

/// `SetDefaults_ObjectFieldSelector` on env `valueFrom.fieldRef`, and the declarative
/// `+default=false` of `valueFrom.fileKeyRef.optional` (EnvFiles, on in v1.36).
fn default_env(env: Option<&mut Vec<EnvVar>>) {
    for var in env.into_iter().flatten() {
        let Some(value_from) = var.value_from.as_mut() else {
            continue;
        };
        if let Some(field_ref) = value_from.field_ref.as_mut() {
            set_if_empty(&mut field_ref.api_version, "v1");
        }
        if let Some(file_key_ref) = value_from.file_key_ref.as_mut() {
            file_key_ref.optional.get_or_insert(false);
        }
    }
}

/// `SetDefaults_ResourceList` on limits and requests.
fn default_resource_requirements(resources: &mut ResourceRequirements) {
    if let Some(limits) = &mut resources.limits {
        round_resource_list(limits);
    }
    if let Some(requests) = &mut resources.requests {
        round_resource_list(requests);
    }
}

/// Rounds every quantity up to milli precision (`RoundUp(-3)`), in canonical form.
pub fn round_resource_list(list: &mut BTreeMap<String, ApiQuantity>) {
    for value in list.values_mut() {
        if let Ok(mut q) = Quantity::parse(value.0.trim()) {
            q.round_up(-3);
            value.0 = q.canonical();
        }
    }
}

/// `SetDefaults_Probe` and its handler's defaults.
fn default_probe(probe: &mut Probe) {
    set_if_unset_i32(&mut probe.timeout_seconds, 1);
    set_if_unset_i32(&mut probe.period_seconds, 10);
    set_if_unset_i32(&mut probe.success_threshold, 1);
    set_if_unset_i32(&mut probe.failure_threshold, 3);
    if let Some(http_get) = &mut probe.http_get {
        default_http_get(http_get);
    }
    if let Some(grpc) = &mut probe.grpc {
        if grpc.service.is_none() {
            grpc.service = Some(String::new());
        }
    }
}

fn default_lifecycle(lifecycle: &mut Lifecycle) {
    for handler in [&mut lifecycle.post_start, &mut lifecycle.pre_stop]
        .into_iter()
        .flatten()
    {
        if let Some(http_get) = &mut handler.http_get {
            default_http_get(http_get);
        }
    }
}

/// `SetDefaults_HTTPGetAction`: path `/`, scheme `HTTP`.
fn default_http_get(action: &mut HTTPGetAction) {
    set_if_empty(&mut action.path, "/");
    set_if_empty(&mut action.scheme, "HTTP");
}

/// `SetDefaults_Volume` and the per-source defaults.
fn default_volume(volume: &mut Volume) {
    let has_source = volume.aws_elastic_block_store.is_some()
        || volume.azure_disk.is_some()
        || volume.azure_file.is_some()
        || volume.cephfs.is_some()
        || volume.cinder.is_some()
        || volume.config_map.is_some()
        || volume.csi.is_some()
        || volume.downward_api.is_some()
        || volume.empty_dir.is_some()
        || volume.ephemeral.is_some()
        || volume.fc.is_some()
        || volume.flex_volume.is_some()
        || volume.flocker.is_some()
        || volume.gce_persistent_disk.is_some()
        || volume.git_repo.is_some()
        || volume.glusterfs.is_some()
        || volume.host_path.is_some()
        || volume.image.is_some()
        || volume.iscsi.is_some()
        || volume.nfs.is_some()
        || volume.persistent_volume_claim.is_some()
        || volume.photon_persistent_disk.is_some()
        || volume.portworx_volume.is_some()
        || volume.projected.is_some()
        || volume.quobyte.is_some()
        || volume.rbd.is_some()
        || volume.scale_io.is_some()
        || volume.secret.is_some()
        || volume.storageos.is_some()
        || volume.vsphere_volume.is_some();
    if !has_source {
        volume.empty_dir = Some(EmptyDirVolumeSource::default());
    }
    if let Some(image) = &mut volume.image {
        if image.pull_policy.as_deref().is_none_or(str::is_empty) {
            let tag = image_tag(image.reference.as_deref().unwrap_or(""));
            let policy = if tag.as_deref() == Some("latest") {
                "Always"
            } else {
                "IfNotPresent"
            };
            image.pull_policy = Some(policy.into());
        }
    }
    if let Some(host_path) = &mut volume.host_path {
        if host_path.type_.is_none() {
            host_path.type_ = Some(String::new());
        }
    }
    if let Some(secret) = &mut volume.secret {
        secret.default_mode.get_or_insert(DEFAULT_VOLUME_MODE);
    }
    if let Some(config_map) = &mut volume.config_map {
        config_map.default_mode.get_or_insert(DEFAULT_VOLUME_MODE);
    }
    if let Some(downward_api) = &mut volume.downward_api {
        downward_api.default_mode.get_or_insert(DEFAULT_VOLUME_MODE);
        for item in downward_api.items.iter_mut().flatten() {
            if let Some(field_ref) = &mut item.field_ref {
                set_if_empty(&mut field_ref.api_version, "v1");
            }
        }
    }
    if let Some(projected) = &mut volume.projected {
        projected.default_mode.get_or_insert(DEFAULT_VOLUME_MODE);
        for source in projected.sources.iter_mut().flatten() {
            if let Some(downward_api) = &mut source.downward_api {
                for item in downward_api.items.iter_mut().flatten() {
                    if let Some(field_ref) = &mut item.field_ref {
                        set_if_empty(&mut field_ref.api_version, "v1");
                    }
                }
            }
            if let Some(token) = &mut source.service_account_token {
                token.expiration_seconds.get_or_insert(3600);
            }
        }
    }
    if let Some(iscsi) = &mut volume.iscsi {
        set_if_empty(&mut iscsi.iscsi_interface, "default");
    }
    if let Some(rbd) = &mut volume.rbd {
        set_if_empty(&mut rbd.pool, "rbd");
        set_if_empty(&mut rbd.user, "admin");
        set_if_empty(&mut rbd.keyring, "/etc/ceph/keyring");
    }
    if let Some(azure_disk) = &mut volume.azure_disk {
        set_if_empty(&mut azure_disk.caching_mode, "ReadWrite");
        set_if_empty(&mut azure_disk.fs_type, "ext4");
        azure_disk.read_only.get_or_insert(false);
        set_if_empty(&mut azure_disk.kind, "Shared");
    }
    if let Some(scale_io) = &mut volume.scale_io {
        set_if_empty(&mut scale_io.storage_mode, "ThinProvisioned");
        set_if_empty(&mut scale_io.fs_type, "xfs");
    }
    if let Some(ephemeral) = &mut volume.ephemeral {
        if let Some(template) = &mut ephemeral.volume_claim_template {
            set_if_empty(&mut template.spec.volume_mode, "Filesystem");
        }
    }
}

/// Pod-level resources (`defaultHugePagePodLimits`, then `defaultPodRequests`): only when `spec.resources`
/// is partly set.
fn default_pod_level_resources(spec: &mut PodSpec) {
    let Some(pod_resources) = spec.resources.clone() else {
        return;
    };
    let limits = pod_resources.limits.clone().unwrap_or_default();
    let requests = pod_resources.requests.clone().unwrap_or_default();
    let container_limits = aggregate(spec, |r| r.limits.as_ref());
    let container_requests = aggregate(spec, |r| r.requests.as_ref());

    let mut new_limits = limits.clone();
    if !limits.is_empty() || !requests.is_empty() {
        for (name, value) in &container_limits {
            if name.starts_with("hugepages-") && !requests.contains_key(name) {
                new_limits
                    .entry(name.clone())
                    .or_insert_with(|| value.clone());
            }
        }
    }
    let mut new_requests = requests.clone();
    if !new_limits.is_empty() {
        for (name, value) in &container_requests {
            if matches!(name.as_str(), "cpu" | "memory") {
                new_requests
                    .entry(name.clone())
                    .or_insert_with(|| value.clone());
            }
        }
        for (name, value) in &new_limits {
            if is_pod_level_resource(name) {
                new_requests
                    .entry(name.clone())
                    .or_insert_with(|| value.clone());
            }
        }
    }
    if let Some(resources) = &mut spec.resources {
        if !new_limits.is_empty() {
            resources.limits = Some(new_limits);
        }
        if !new_requests.is_empty() {
            resources.requests = Some(new_requests);
        }
    }
}

/// `IsSupportedPodLevelResource`: cpu, memory and hugepages.
pub fn is_pod_level_resource(name: &str) -> bool {
    matches!(name, "cpu" | "memory") || name.starts_with("hugepages-")
}

/// The pod's effective container amounts (regular containers and sidecars summed, the max with each init
/// container), for the pod-level resources only.
fn aggregate(
    spec: &PodSpec,
    pick: impl Fn(&ResourceRequirements) -> Option<&BTreeMap<String, ApiQuantity>>,
) -> BTreeMap<String, ApiQuantity> {
    let amounts = |c: &Container| -> BTreeMap<String, (i64, bool)> {
        c.resources
            .as_ref()
            .and_then(&pick)
            .map(|list| {
                list.iter()
                    .filter(|(name, _)| is_pod_level_resource(name))
                    .filter_map(|(name, q)| {
                        Quantity::parse(&q.0)
                            .ok()
                            .map(|p| (name.clone(), (p.milli_value(), q.0.ends_with('i'))))
                    })
                    .collect()
            })
            .unwrap_or_default()
    };
    let mut total: BTreeMap<String, (i64, bool)> = BTreeMap::new();
    let add = |into: &mut BTreeMap<String, (i64, bool)>, from: &BTreeMap<String, (i64, bool)>| {
        for (name, (milli, binary)) in from {
            let entry = into.entry(name.clone()).or_insert((0, true));
            entry.0 = entry.0.saturating_add(*milli);
            entry.1 &= *binary;
        }
    };
    for container in &spec.containers {
        add(&mut total, &amounts(container));
    }
    let mut sidecars: BTreeMap<String, (i64, bool)> = BTreeMap::new();
    let mut init_max: BTreeMap<String, (i64, bool)> = BTreeMap::new();
    for container in spec.init_containers.iter().flatten() {
        let own = amounts(container);
        if container.restart_policy.as_deref() == Some("Always") {
            add(&mut sidecars, &own);
            add(&mut total, &own);
        } else {
            let mut candidate = sidecars.clone();
            add(&mut candidate, &own);
            for (name, value) in candidate {
                let entry = init_max.entry(name).or_insert((0, true));
                if value.0 > entry.0 {
                    *entry = value;
                }
            }
        }
    }
    for (name, value) in init_max {
        let entry = total.entry(name).or_insert((0, true));
        if value.0 > entry.0 {
            *entry = value;
        }
    }
    total
        .into_iter()
        .map(|(name, (milli, binary))| (name, ApiQuantity(format_milli(milli, binary))))
        .collect()
}

/// A milli amount as the canonical quantity string, binary (`Mi`, `Gi`) when the inputs were binary.
fn format_milli(milli: i64, binary: bool) -> String {
    if binary && milli % 1000 == 0 {
        let bytes = milli / 1000;
        let suffixes = [
            ("Ei", 60),
            ("Pi", 50),
            ("Ti", 40),
            ("Gi", 30),
            ("Mi", 20),
            ("Ki", 10),
        ];
        for (suffix, shift) in suffixes {
            let unit = 1i64 << shift;
            if bytes != 0 && bytes % unit == 0 {
                return format!("{}{suffix}", bytes / unit);
            }
        }
        return bytes.to_string();
    }
    Quantity::parse(&format!("{milli}m"))
        .map(|q| q.canonical())
        .unwrap_or_else(|_| format!("{milli}m"))
}

/// `SetDefaults_NodeStatus` (allocatable defaults to capacity) and the resource-list rounding.
fn default_node(node: &mut Node) {
    if let Some(status) = &mut node.status {
        if status.allocatable.is_none() {
            status.allocatable = status.capacity.clone();
        }
        if let Some(capacity) = &mut status.capacity {
            round_resource_list(capacity);
        }
        if let Some(allocatable) = &mut status.allocatable {
            round_resource_list(allocatable);
        }
    }
}

/// `SetDefaults_Service`.
fn default_service(service: &mut Service) {
    let spec = service.spec.get_or_insert_with(Default::default);
    set_if_empty(&mut spec.session_affinity, "None");
    if spec.session_affinity.as_deref() == Some("None") {
        spec.session_affinity_config = None;
    }
    if spec.session_affinity.as_deref() == Some("ClientIP")
        && spec
            .session_affinity_config
            .as_ref()
            .and_then(|c| c.client_ip.as_ref())
            .and_then(|c| c.timeout_seconds)
            .is_none()
    {
        // `DefaultClientIPServiceAffinitySeconds`: three hours.
        spec.session_affinity_config = Some(k8s_openapi::api::core::v1::SessionAffinityConfig {
            client_ip: Some(k8s_openapi::api::core::v1::ClientIPConfig {
                timeout_seconds: Some(10_800),
            }),
        });
    }
    set_if_empty(&mut spec.type_, "ClusterIP");
    for port in spec.ports.iter_mut().flatten() {
        set_if_empty(&mut port.protocol, "TCP");
        let unset = match &port.target_port {
            None => true,
            Some(IntOrString::Int(0)) => true,
            Some(IntOrString::String(s)) => s.is_empty(),
            Some(_) => false,
        };
        if unset {
            port.target_port = Some(IntOrString::Int(port.port));
        }
    }
    let service_type = spec.type_.clone().unwrap_or_default();
    let externally_accessible = matches!(service_type.as_str(), "LoadBalancer" | "NodePort")
        || (service_type == "ClusterIP"
            && spec
                .external_ips
                .as_ref()
                .is_some_and(|ips| !ips.is_empty()));
    if externally_accessible {
        set_if_empty(&mut spec.external_traffic_policy, "Cluster");
    }
    if spec.internal_traffic_policy.is_none()
        && matches!(
            service_type.as_str(),
            "NodePort" | "LoadBalancer" | "ClusterIP"
        )
    {
        spec.internal_traffic_policy = Some("Cluster".into());
    }
    if service_type == "LoadBalancer" && spec.allocate_load_balancer_node_ports.is_none() {
        spec.allocate_load_balancer_node_ports = Some(true);
    }
}

fn default_persistent_volume(pv: &mut PersistentVolume) {
    let spec = pv.spec.get_or_insert_with(Default::default);
    set_if_empty(&mut spec.persistent_volume_reclaim_policy, "Retain");
    set_if_empty(&mut spec.volume_mode, "Filesystem");
    if let Some(capacity) = &mut spec.capacity {
        round_resource_list(capacity);
    }
    let status = pv.status.get_or_insert_with(Default::default);
    set_if_empty(&mut status.phase, "Pending");
}

fn default_persistent_volume_claim(pvc: &mut PersistentVolumeClaim) {
    let spec = pvc.spec.get_or_insert_with(Default::default);
    set_if_empty(&mut spec.volume_mode, "Filesystem");
    if let Some(resources) = &mut spec.resources {
        for list in [&mut resources.limits, &mut resources.requests]
            .into_iter()
            .flatten()
        {
            round_resource_list(list);
        }
    }
    let status = pvc.status.get_or_insert_with(Default::default);
    set_if_empty(&mut status.phase, "Pending");
}

/// `pkg/apis/apps/v1/defaults.go SetDefaults_Deployment` and the pod template's PodSpec defaults.
fn default_deployment(deployment: &mut Deployment) {
    use k8s_openapi::api::apps::v1::{DeploymentStrategy, RollingUpdateDeployment};
    let Some(spec) = &mut deployment.spec else {
        return;
    };
    spec.replicas.get_or_insert(1);
    let strategy = spec
        .strategy
        .get_or_insert_with(DeploymentStrategy::default);
    set_if_empty(&mut strategy.type_, "RollingUpdate");
    if strategy.type_.as_deref() == Some("RollingUpdate") {
        let rolling = strategy
            .rolling_update
            .get_or_insert_with(RollingUpdateDeployment::default);
        rolling
            .max_unavailable
            .get_or_insert(IntOrString::String("25%".into()));
        rolling
            .max_surge
            .get_or_insert(IntOrString::String("25%".into()));
    }
    spec.revision_history_limit.get_or_insert(10);
    spec.progress_deadline_seconds.get_or_insert(600);
    if let Some(pod_spec) = &mut spec.template.spec {
        default_pod_spec(pod_spec);
    }
}

/// `pkg/apis/apps/v1/defaults.go SetDefaults_ReplicaSet` and the pod template's PodSpec defaults.
fn default_replica_set(replica_set: &mut ReplicaSet) {
    let Some(spec) = &mut replica_set.spec else {
        return;
    };
    spec.replicas.get_or_insert(1);
    if let Some(pod_spec) = spec.template.as_mut().and_then(|t| t.spec.as_mut()) {
        default_pod_spec(pod_spec);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn defaulted_pod(value: serde_json::Value) -> serde_json::Value {
        let mut object = Object::from_json("Pod", value).expect("valid pod");
        apply_defaults(&mut object);
        object.to_json()
    }

    #[test]
    fn should_default_a_minimal_pod_like_a_v1_36_server() {
        let pod = defaulted_pod(json!({"metadata": {"name": "demo-pod"},
            "spec": {"containers": [{"name": "nginx", "image": "nginx:1.27"}]}}));
        let spec = &pod["spec"];
        assert_eq!(spec["dnsPolicy"], "ClusterFirst");
        assert_eq!(spec["restartPolicy"], "Always");
        assert_eq!(spec["schedulerName"], "default-scheduler");
        assert_eq!(spec["securityContext"], json!({}));
        assert_eq!(spec["terminationGracePeriodSeconds"], 30);
        assert_eq!(spec["enableServiceLinks"], true);
        let container = &spec["containers"][0];
        assert_eq!(container["imagePullPolicy"], "IfNotPresent");
        assert_eq!(container["terminationMessagePath"], "/dev/termination-log");
        assert_eq!(container["terminationMessagePolicy"], "File");
        assert_eq!(container["resources"], json!({}));
    }

    #[test]
    fn should_default_an_env_file_key_ref_to_not_optional() {
        let file_key_ref = |optional: Option<bool>| {
            let mut selector = json!({"volumeName": "config", "path": "vars.env", "key": "MODE"});
            if let Some(optional) = optional {
                selector["optional"] = json!(optional);
            }
            let pod = defaulted_pod(json!({"spec": {"containers": [{"name": "c", "image": "x",
                "env": [{"name": "MODE", "valueFrom": {"fileKeyRef": selector}}]}]}}));
            pod["spec"]["containers"][0]["env"][0]["valueFrom"]["fileKeyRef"]["optional"].clone()
        };
        assert_eq!(file_key_ref(None), json!(false));
        assert_eq!(file_key_ref(Some(true)), json!(true));
    }

    #[test]
    fn should_pick_the_image_pull_policy_from_the_tag() {
        let cases = [
            ("nginx", "Always"),
            ("nginx:latest", "Always"),
            ("nginx:1.27", "IfNotPresent"),
            ("registry.k8s.io/pause:3.9", "IfNotPresent"),
            ("localhost:5000/app", "Always"),
            ("localhost:5000/app:v1", "IfNotPresent"),
            ("nginx@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", "IfNotPresent"),
            ("nginx:latest@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", "Always"),
            ("", "IfNotPresent"),
            ("Nginx", "IfNotPresent"),
        ];
        for (image, want) in cases {
            let pod =
                defaulted_pod(json!({"spec": {"containers": [{"name": "c", "image": image}]}}));
            assert_eq!(
                pod["spec"]["containers"][0]["imagePullPolicy"], want,
                "{image}"
            );
        }
    }

    #[test]
    fn should_default_requests_to_limits_and_round_to_milli() {
        let pod = defaulted_pod(json!({"spec": {"containers": [{"name": "c", "image": "x",
            "resources": {"limits": {"cpu": "100m", "memory": "128Mi"}, "requests": {"cpu": "0.0001"}}}],
            "initContainers": [{"name": "i", "image": "x", "resources": {"limits": {"cpu": "1"}}}]}}));
        let resources = &pod["spec"]["containers"][0]["resources"];
        assert_eq!(
            resources["requests"],
            json!({"cpu": "1m", "memory": "128Mi"})
        );
        assert_eq!(
            pod["spec"]["initContainers"][0]["resources"]["requests"],
            json!({"cpu": "1"})
        );
    }

    #[test]
    fn should_default_ports_probes_env_and_volumes() {
        let pod = defaulted_pod(
            json!({"spec": {"hostNetwork": true, "containers": [{"name": "c", "image": "x",
            "ports": [{"containerPort": 80}],
            "env": [{"name": "N", "valueFrom": {"fieldRef": {"fieldPath": "metadata.name"}}}],
            "livenessProbe": {"httpGet": {"port": 80}},
            "readinessProbe": {"grpc": {"port": 9000}, "periodSeconds": 5},
            "lifecycle": {"preStop": {"httpGet": {"port": 8080}}}}],
            "volumes": [{"name": "a"}, {"name": "b", "configMap": {"name": "cm"}}, {"name": "c", "secret": {"secretName": "s"}},
                {"name": "d", "hostPath": {"path": "/x"}}, {"name": "e", "downwardAPI": {"items": [{"path": "p", "fieldRef": {"fieldPath": "metadata.labels"}}]}},
                {"name": "f", "projected": {"sources": [{"serviceAccountToken": {"path": "token"}}]}}]}}),
        );
        let c = &pod["spec"]["containers"][0];
        assert_eq!(
            c["ports"][0],
            json!({"containerPort": 80, "hostPort": 80, "protocol": "TCP"})
        );
        assert_eq!(c["env"][0]["valueFrom"]["fieldRef"]["apiVersion"], "v1");
        assert_eq!(
            c["livenessProbe"],
            json!({"failureThreshold": 3, "httpGet": {"path": "/", "port": 80, "scheme": "HTTP"}, "periodSeconds": 10, "successThreshold": 1, "timeoutSeconds": 1})
        );
        assert_eq!(c["readinessProbe"]["grpc"]["service"], "");
        assert_eq!(c["readinessProbe"]["periodSeconds"], 5);
        assert_eq!(c["lifecycle"]["preStop"]["httpGet"]["scheme"], "HTTP");
        let v = &pod["spec"]["volumes"];
        assert_eq!(v[0], json!({"emptyDir": {}, "name": "a"}));
        assert_eq!(v[1]["configMap"]["defaultMode"], 420);
        assert_eq!(v[2]["secret"]["defaultMode"], 420);
        assert_eq!(v[3]["hostPath"]["type"], "");
        assert_eq!(v[4]["downwardAPI"]["defaultMode"], 420);
        assert_eq!(
            v[4]["downwardAPI"]["items"][0]["fieldRef"]["apiVersion"],
            "v1"
        );
        assert_eq!(v[5]["projected"]["defaultMode"], 420);
        assert_eq!(
            v[5]["projected"]["sources"][0]["serviceAccountToken"]["expirationSeconds"],
            3600
        );
    }

    #[test]
    fn should_default_pod_level_requests_from_containers_and_limits() {
        let pod = defaulted_pod(
            json!({"spec": {"resources": {"limits": {"cpu": "1", "memory": "200Mi"}},
            "containers": [{"name": "a", "image": "x", "resources": {"requests": {"cpu": "250m", "memory": "64Mi"}}},
                           {"name": "b", "image": "x", "resources": {"requests": {"memory": "64Mi"}}}]}}),
        );
        assert_eq!(
            pod["spec"]["resources"]["requests"],
            json!({"cpu": "250m", "memory": "128Mi"})
        );
    }

    #[test]
    fn should_default_other_kinds() {
        let mut ns =
            Object::from_json("Namespace", json!({"metadata": {"name": "team-a"}})).expect("ns");
        apply_defaults(&mut ns);
        let ns = ns.to_json();
        assert_eq!(
            ns["metadata"]["labels"]["kubernetes.io/metadata.name"],
            "team-a"
        );
        assert_eq!(ns["status"]["phase"], "Active");

        let mut pc = Object::from_json(
            "PriorityClass",
            json!({"metadata": {"name": "high"}, "value": 1000}),
        )
        .expect("pc");
        apply_defaults(&mut pc);
        assert_eq!(pc.to_json()["preemptionPolicy"], "PreemptLowerPriority");

        let mut svc = Object::from_json(
            "Service",
            json!({"metadata": {"name": "web"}, "spec": {"ports": [{"port": 80}]}}),
        )
        .expect("svc");
        apply_defaults(&mut svc);
        let svc = svc.to_json();
        assert_eq!(svc["spec"]["type"], "ClusterIP");
        assert_eq!(svc["spec"]["sessionAffinity"], "None");
        assert_eq!(svc["spec"]["internalTrafficPolicy"], "Cluster");
        assert_eq!(
            svc["spec"]["ports"][0],
            json!({"port": 80, "protocol": "TCP", "targetPort": 80})
        );

        let mut node = Object::from_json(
            "Node",
            json!({"metadata": {"name": "n"}, "status": {"capacity": {"cpu": "4"}}}),
        )
        .expect("node");
        apply_defaults(&mut node);
        assert_eq!(node.to_json()["status"]["allocatable"], json!({"cpu": "4"}));

        let mut rb = Object::from_json("RoleBinding", json!({"metadata": {"name": "rb", "namespace": "default"},
            "roleRef": {"kind": "Role", "name": "r"}, "subjects": [{"kind": "User", "name": "jane"}]})).expect("rb");
        apply_defaults(&mut rb);
        let rb = rb.to_json();
        assert_eq!(rb["roleRef"]["apiGroup"], "rbac.authorization.k8s.io");
        assert_eq!(rb["subjects"][0]["apiGroup"], "rbac.authorization.k8s.io");
    }
}
