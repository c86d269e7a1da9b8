//! Validation of API objects on create and update, with upstream's exact field-error texts.
//!
//! Mirrors `pkg/apis/core/validation/validation.go` (Pod in `pod.rs`; Node, Namespace, ServiceAccount,
//! ConfigMap, Secret, Event, Service, PersistentVolumeClaim here), `pkg/apis/rbac/validation/validation.go`,
//! `pkg/apis/scheduling/validation/validation.go` and `k8s.io/apimachinery/pkg/api/validation` (ObjectMeta in
//! `meta.rs`, name formats in `names.rs`). The caller aggregates the returned errors into
//! `<Kind> "<name>" is invalid: [e1, e2]`.
//!
//! Simplifications: Service validation covers names, type, ports and selector keys only; Node validation
//! covers metadata, taints and resource lists; Deployment and PersistentVolume get metadata checks (and the
//! Deployment's pod template spec).

pub mod field;
pub mod meta;
pub mod names;
pub mod pod;
pub mod policy;

pub use field::*;

use k8s_openapi::api::core::v1::{Node, Service, Taint};
use k8s_openapi::api::rbac::v1::{PolicyRule, RoleRef, Subject};
use k8s_openapi::api::scheduling::v1::PriorityClass;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use crate::engine::objects::Object;
use crate::engine::quantity::Quantity;
use meta::{
    validate_label_name, validate_labels, validate_object_meta, validate_object_meta_update,
    FIELD_IMMUTABLE,
};
use names::*;

/// `MaxSecretSize` (also the ConfigMap limit).
pub const MAX_SECRET_SIZE: usize = 1024 * 1024;
/// `HighestUserDefinablePriority`.
pub const HIGHEST_USER_DEFINABLE_PRIORITY: i32 = 1_000_000_000;

/// Errors for a new object (empty when valid).
pub fn validate_create(object: &Object) -> Vec<FieldError> {
    validate_create_request(object, true)
}

/// [`validate_create`] of a request body: `selector_given` says whether the body's `spec.selector` was
/// there at all, which the decoded object cannot tell. For a Deployment or a ReplicaSet a missing
/// selector is `Required` (and matches no template labels); a given but empty one is "empty selector is
/// invalid for deployment".
pub fn validate_create_request(object: &Object, selector_given: bool) -> Vec<FieldError> {
    match object {
        Object::Pod(pod) => pod::validate_pod_create(pod),
        Object::Node(node) => validate_node(node),
        Object::Namespace(ns) => {
            let mut errs = validate_object_meta(&ns.metadata, false, name_is_dns_label, "metadata");
            for finalizer in ns.spec.iter().flat_map(|s| s.finalizers.iter().flatten()) {
                errs.extend(validate_finalizer_name(finalizer, "spec.finalizers"));
            }
            errs
        }
        Object::ServiceAccount(sa) => {
            validate_object_meta(&sa.metadata, true, name_is_dns_subdomain, "metadata")
        }
        Object::Event(event) => validate_event(event),
        Object::ConfigMap(cm) => {
            let mut errs =
                validate_object_meta(&cm.metadata, true, name_is_dns_subdomain, "metadata");
            let mut total = 0usize;
            for (key, value) in cm.data.iter().flatten() {
                for msg in is_config_map_key(key) {
                    errs.push(FieldError::invalid(&format!("data[{key}]"), key, &msg));
                }
                if cm.binary_data.as_ref().is_some_and(|b| b.contains_key(key)) {
                    errs.push(FieldError::invalid(
                        &format!("data[{key}]"),
                        key,
                        "duplicate of key present in binaryData",
                    ));
                }
                total = total.saturating_add(value.len());
            }
            for (key, value) in cm.binary_data.iter().flatten() {
                for msg in is_config_map_key(key) {
                    errs.push(FieldError::invalid(
                        &format!("binaryData[{key}]"),
                        key,
                        &msg,
                    ));
                }
                total = total.saturating_add(value.0.len());
            }
            if total > MAX_SECRET_SIZE {
                errs.push(FieldError::too_long("", MAX_SECRET_SIZE));
            }
            errs
        }
        Object::Secret(secret) => {
            let mut errs =
                validate_object_meta(&secret.metadata, true, name_is_dns_subdomain, "metadata");
            let mut total = 0usize;
            for (key, value) in secret.data.iter().flatten() {
                for msg in is_config_map_key(key) {
                    errs.push(FieldError::invalid(&format!("data[{key}]"), key, &msg));
                }
                total = total.saturating_add(value.0.len());
            }
            if total > MAX_SECRET_SIZE {
                errs.push(FieldError::too_long("data", MAX_SECRET_SIZE));
            }
            let data = secret.data.clone().unwrap_or_default();
            match secret.type_.as_deref().unwrap_or("") {
                "kubernetes.io/service-account-token" => {
                    let named = secret
                        .metadata
                        .annotations
                        .as_ref()
                        .and_then(|a| a.get("kubernetes.io/service-account.name"))
                        .is_some_and(|v| !v.is_empty());
                    if !named {
                        errs.push(FieldError::required(
                            "metadata.annotations[kubernetes.io/service-account.name]",
                            "",
                        ));
                    }
                }
                "kubernetes.io/dockercfg" if !data.contains_key(".dockercfg") => {
                    errs.push(FieldError::required("data[.dockercfg]", ""))
                }
                "kubernetes.io/dockerconfigjson" if !data.contains_key(".dockerconfigjson") => {
                    errs.push(FieldError::required("data[.dockerconfigjson]", ""))
                }
                "kubernetes.io/basic-auth"
                    if !data.contains_key("username") && !data.contains_key("password") =>
                {
                    errs.push(FieldError::required("data[username]", ""));
                    errs.push(FieldError::required("data[password]", ""));
                }
                "kubernetes.io/ssh-auth"
                    if data.get("ssh-privatekey").is_none_or(|v| v.0.is_empty()) =>
                {
                    errs.push(FieldError::required("data[ssh-privatekey]", ""))
                }
                "kubernetes.io/tls" => {
                    if !data.contains_key("tls.crt") {
                        errs.push(FieldError::required("data[tls.crt]", ""));
                    }
                    if !data.contains_key("tls.key") {
                        errs.push(FieldError::required("data[tls.key]", ""));
                    }
                }
                _ => {}
            }
            errs
        }
        Object::Service(service) => validate_service(service),
        Object::PersistentVolumeClaim(pvc) => {
            let mut errs =
                validate_object_meta(&pvc.metadata, true, name_is_dns_subdomain, "metadata");
            let spec = pvc.spec.clone().unwrap_or_default();
            if spec.access_modes.as_ref().is_none_or(|m| m.is_empty()) {
                errs.push(FieldError::required(
                    "spec.accessModes",
                    "at least 1 access mode is required",
                ));
            }
            let has_storage = spec
                .resources
                .as_ref()
                .and_then(|r| r.requests.as_ref())
                .is_some_and(|r| r.contains_key("storage"));
            if !has_storage {
                errs.push(FieldError::required("spec.resources[storage]", ""));
            }
            errs
        }
        Object::PersistentVolume(pv) => {
            validate_object_meta(&pv.metadata, false, name_is_dns_subdomain, "metadata")
        }
        Object::Deployment(deployment) => {
            let mut errs = validate_object_meta(
                &deployment.metadata,
                true,
                name_is_dns_subdomain,
                "metadata",
            );
            if let Some(spec) = &deployment.spec {
                errs.extend(validate_deployment_spec(spec, selector_given));
            }
            errs
        }
        Object::ReplicaSet(replica_set) => {
            let mut errs = validate_object_meta(
                &replica_set.metadata,
                true,
                name_is_dns_subdomain,
                "metadata",
            );
            if let Some(spec) = &replica_set.spec {
                errs.extend(validate_replica_set_spec(spec, selector_given));
            }
            errs
        }
        Object::PodDisruptionBudget(pdb) => policy::validate_pod_disruption_budget(pdb),
        Object::PriorityClass(class) => validate_priority_class(class),
        Object::Role(role) => {
            let mut errs =
                validate_object_meta(&role.metadata, true, is_valid_path_segment_name, "metadata");
            for (i, rule) in role.rules.iter().flatten().enumerate() {
                errs.extend(validate_policy_rule(rule, true, &format!("rules[{i}]")));
            }
            errs
        }
        Object::ClusterRole(role) => {
            let mut errs = validate_object_meta(
                &role.metadata,
                false,
                is_valid_path_segment_name,
                "metadata",
            );
            for (i, rule) in role.rules.iter().flatten().enumerate() {
                errs.extend(validate_policy_rule(rule, false, &format!("rules[{i}]")));
            }
            errs
        }
        Object::RoleBinding(binding) => {
            let mut errs = validate_object_meta(
                &binding.metadata,
                true,
                is_valid_path_segment_name,
                "metadata",
            );
            errs.extend(validate_role_ref(
                &binding.role_ref,
                &["Role", "ClusterRole"],
            ));
            for (i, subject) in binding.subjects.iter().flatten().enumerate() {
                errs.extend(validate_subject(subject, true, &format!("subjects[{i}]")));
            }
            errs
        }
        Object::ClusterRoleBinding(binding) => {
            let mut errs = validate_object_meta(
                &binding.metadata,
                false,
                is_valid_path_segment_name,
                "metadata",
            );
            errs.extend(validate_role_ref(&binding.role_ref, &["ClusterRole"]));
            for (i, subject) in binding.subjects.iter().flatten().enumerate() {
                errs.extend(validate_subject(subject, false, &format!("subjects[{i}]")));
            }
            errs
        }
    }
}

/// Warnings a create returns alongside success (`WarningsOnCreate`); the pipeline adds them to the
/// response's `Warning` headers. Simplification: of `GetWarningsForPod` and
/// `GetWarningsForPodTemplate` only the pod-name rule and the negative grace period are modelled.
pub fn warnings_on_create(object: &Object) -> Vec<String> {
    let template_spec = match object {
        Object::Deployment(d) => d.spec.as_ref().and_then(|s| s.template.spec.as_ref()),
        Object::ReplicaSet(rs) => rs
            .spec
            .as_ref()
            .and_then(|s| s.template.as_ref())
            .and_then(|t| t.spec.as_ref()),
        _ => None,
    };
    if template_spec
        .and_then(|s| s.termination_grace_period_seconds)
        .is_some_and(|seconds| seconds < 0)
    {
        return vec!["spec.template.spec.terminationGracePeriodSeconds: must be >= 0; negative values are invalid and will be treated as 1".into()];
    }
    match object {
        Object::Pod(pod) => {
            let name = pod.metadata.name.as_deref().unwrap_or("");
            let msgs = is_dns1123_label(name);
            if msgs.is_empty() {
                Vec::new()
            } else {
                vec![format!(
                    "metadata.name: this is used in the Pod's hostname, which can result in surprising behavior; a DNS label is recommended: [{}]",
                    msgs.join(" ")
                )]
            }
        }
        _ => Vec::new(),
    }
}

/// Errors for replacing `old` with `new` through the main resource.
pub fn validate_update(new: &Object, old: &Object) -> Vec<FieldError> {
    match (new, old) {
        (Object::Pod(n), Object::Pod(o)) => pod::validate_pod_update(n, o),
        (Object::PriorityClass(n), Object::PriorityClass(o)) => {
            let mut errs = validate_object_meta_update(&n.metadata, &o.metadata, "metadata");
            if n.value != o.value {
                errs.push(FieldError::forbidden(
                    "value",
                    "may not be changed in an update.",
                ));
            }
            if n.preemption_policy != o.preemption_policy {
                errs.push(FieldError::invalid(
                    "preemptionPolicy",
                    n.preemption_policy.as_deref().unwrap_or(""),
                    FIELD_IMMUTABLE,
                ));
            }
            errs
        }
        (Object::RoleBinding(n), Object::RoleBinding(o)) => {
            let mut errs = validate_create(new);
            errs.extend(validate_object_meta_update(
                &n.metadata,
                &o.metadata,
                "metadata",
            ));
            if n.role_ref != o.role_ref {
                errs.push(FieldError::invalid_raw(
                    "roleRef",
                    go_role_ref(&n.role_ref),
                    "cannot change roleRef",
                ));
            }
            errs
        }
        (Object::ClusterRoleBinding(n), Object::ClusterRoleBinding(o)) => {
            let mut errs = validate_create(new);
            errs.extend(validate_object_meta_update(
                &n.metadata,
                &o.metadata,
                "metadata",
            ));
            if n.role_ref != o.role_ref {
                errs.push(FieldError::invalid_raw(
                    "roleRef",
                    go_role_ref(&n.role_ref),
                    "cannot change roleRef",
                ));
            }
            errs
        }
        (Object::Namespace(n), Object::Namespace(o)) => {
            validate_object_meta_update(&n.metadata, &o.metadata, "metadata")
        }
        (Object::Event(n), Object::Event(_)) => validate_event(n),
        (Object::Node(n), Object::Node(o)) => {
            let mut errs = validate_node(n);
            errs.extend(validate_object_meta_update(
                &n.metadata,
                &o.metadata,
                "metadata",
            ));
            errs
        }
        (Object::Secret(n), Object::Secret(o)) => {
            let mut errs = validate_object_meta_update(&n.metadata, &o.metadata, "metadata");
            if n.type_ != o.type_ {
                errs.push(FieldError::invalid(
                    "type",
                    n.type_.as_deref().unwrap_or(""),
                    FIELD_IMMUTABLE,
                ));
            }
            if o.immutable == Some(true) {
                if n.immutable != Some(true) {
                    errs.push(FieldError::forbidden(
                        "immutable",
                        "field is immutable when `immutable` is set",
                    ));
                }
                if n.data != o.data {
                    errs.push(FieldError::forbidden(
                        "data",
                        "field is immutable when `immutable` is set",
                    ));
                }
            }
            errs.extend(validate_create(new));
            errs
        }
        (Object::ConfigMap(n), Object::ConfigMap(o)) => {
            let mut errs = validate_object_meta_update(&n.metadata, &o.metadata, "metadata");
            if o.immutable == Some(true) {
                if n.immutable != Some(true) {
                    errs.push(FieldError::forbidden(
                        "immutable",
                        "field is immutable when `immutable` is set",
                    ));
                }
                if n.data != o.data {
                    errs.push(FieldError::forbidden(
                        "data",
                        "field is immutable when `immutable` is set",
                    ));
                }
                if n.binary_data != o.binary_data {
                    errs.push(FieldError::forbidden(
                        "binaryData",
                        "field is immutable when `immutable` is set",
                    ));
                }
            }
            errs.extend(validate_create(new));
            errs
        }
        _ => {
            if new.kind() != old.kind() {
                return vec![FieldError::invalid("kind", new.kind(), FIELD_IMMUTABLE)];
            }
            let mut errs = validate_object_meta_update(new.metadata(), old.metadata(), "metadata");
            errs.extend(validate_create(new));
            errs
        }
    }
}

/// Errors for a write through the `status` subresource.
pub fn validate_status_update(new: &Object, old: &Object) -> Vec<FieldError> {
    match (new, old) {
        (Object::Pod(n), Object::Pod(o)) => pod::validate_pod_status_update(n, o),
        (Object::Namespace(n), Object::Namespace(o)) => {
            let mut errs = validate_object_meta_update(&n.metadata, &o.metadata, "metadata");
            let phase = n
                .status
                .as_ref()
                .and_then(|s| s.phase.clone())
                .unwrap_or_default();
            if n.metadata.deletion_timestamp.is_none() {
                if phase != "Active" {
                    errs.push(FieldError::invalid(
                        "status.Phase",
                        &phase,
                        "may only be 'Active' if `deletionTimestamp` is empty",
                    ));
                }
            } else if phase != "Terminating" {
                errs.push(FieldError::invalid(
                    "status.Phase",
                    &phase,
                    "may only be 'Terminating' if `deletionTimestamp` is not empty",
                ));
            }
            errs
        }
        (Object::Node(n), Object::Node(o)) => {
            let mut errs = validate_object_meta_update(&n.metadata, &o.metadata, "metadata");
            errs.extend(validate_node(n));
            errs
        }
        (Object::PodDisruptionBudget(n), Object::PodDisruptionBudget(o)) => {
            let mut errs = validate_object_meta_update(&n.metadata, &o.metadata, "metadata");
            errs.extend(policy::validate_status(n.status.as_ref()));
            errs
        }
        _ => validate_object_meta_update(new.metadata(), old.metadata(), "metadata"),
    }
}

/// How upstream prints an internal `rbac.RoleRef` as a bad value (`json.Marshal`, Go field names).
fn go_role_ref(role_ref: &RoleRef) -> String {
    serde_json::json!({
        "APIGroup": role_ref.api_group.clone().unwrap_or_default(),
        "Kind": role_ref.kind,
        "Name": role_ref.name,
    })
    .to_string()
}

fn validate_finalizer_name(finalizer: &str, path: &str) -> Vec<FieldError> {
    let mut errs: Vec<FieldError> = is_qualified_name(finalizer)
        .into_iter()
        .map(|m| FieldError::invalid(path, finalizer, &m))
        .collect();
    if !finalizer.contains('/')
        && !matches!(finalizer, "kubernetes" | "orphan" | "foregroundDeletion")
    {
        errs.push(FieldError::invalid(
            path,
            finalizer,
            "name is neither a standard finalizer name nor is it fully qualified",
        ));
    }
    errs
}

/// `ValidateNode` (metadata, taints, resource lists).
fn validate_node(node: &Node) -> Vec<FieldError> {
    let mut errs = validate_object_meta(&node.metadata, false, name_is_dns_subdomain, "metadata");
    if let Some(taints) = node.spec.as_ref().and_then(|s| s.taints.as_ref()) {
        errs.extend(validate_node_taints(taints, "spec.taints"));
    }
    if let Some(status) = &node.status {
        for (field, list) in [
            ("capacity", &status.capacity),
            ("allocatable", &status.allocatable),
        ] {
            for (name, q) in list.iter().flatten() {
                let p = format!("status.{field}[{name}]");
                errs.extend(validate_label_name(name, &p));
                if let Ok(parsed) = Quantity::parse(q.0.trim()) {
                    if parsed.is_negative() {
                        errs.push(FieldError::invalid(
                            &p,
                            &parsed.canonical(),
                            "must be greater than or equal to 0",
                        ));
                    }
                }
            }
        }
    }
    errs
}

/// `validateNodeTaints`.
fn validate_node_taints(taints: &[Taint], path: &str) -> Vec<FieldError> {
    let mut errs = Vec::new();
    let mut seen: Vec<(&str, &str)> = Vec::new();
    for (i, taint) in taints.iter().enumerate() {
        let p = format!("{path}[{i}]");
        errs.extend(validate_label_name(&taint.key, &format!("{p}.key")));
        let value = taint.value.as_deref().unwrap_or("");
        let msgs = is_valid_label_value(value);
        if !msgs.is_empty() {
            errs.push(FieldError::invalid(
                &format!("{p}.value"),
                value,
                &msgs.join(";"),
            ));
        }
        if taint.effect.is_empty() {
            errs.push(FieldError::required(&format!("{p}.effect"), ""));
        } else if !matches!(
            taint.effect.as_str(),
            "NoSchedule" | "PreferNoSchedule" | "NoExecute"
        ) {
            errs.push(FieldError::not_supported(
                &format!("{p}.effect"),
                &taint.effect,
                &["NoSchedule", "PreferNoSchedule", "NoExecute"],
            ));
        }
        if seen.contains(&(taint.key.as_str(), taint.effect.as_str())) {
            let mut dup = FieldError::invalid_raw(
                &p,
                serde_json::json!({"Key": taint.key, "Value": value, "Effect": taint.effect, "TimeAdded": null})
                    .to_string(),
                "taints must be unique by key and effect pair",
            );
            dup.error_type = ErrorType::Duplicate;
            errs.push(dup);
            continue;
        }
        seen.push((&taint.key, &taint.effect));
    }
    errs
}

/// `ValidateNonnegativeField`.
fn nonnegative(value: i64, path: &str, errs: &mut Vec<FieldError>) {
    if value < 0 {
        errs.push(FieldError::invalid_raw(
            path,
            value.to_string(),
            "must be greater than or equal to 0",
        ));
    }
}

/// The selector and pod template checks Deployments and ReplicaSets share (`pkg/apis/apps/validation`:
/// the selector must be valid and not empty, the template's labels must match it, and
/// `ValidatePodTemplateSpecForReplicaSet`: the template's pod spec, restart policy `Always`, no
/// `activeDeadlineSeconds`).
fn validate_selector_and_template(
    selector: Option<&k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector>,
    template: Option<&k8s_openapi::api::core::v1::PodTemplateSpec>,
    errs: &mut Vec<FieldError>,
) {
    let empty_selector = Default::default();
    match selector {
        None => errs.push(FieldError::required("spec.selector", "")),
        Some(selector) => {
            errs.extend(pod::validate_label_selector(
                Some(selector),
                "spec.selector",
            ));
            let labels = selector.match_labels.as_ref().map_or(0, |l| l.len());
            let expressions = selector.match_expressions.as_ref().map_or(0, |e| e.len());
            if labels + expressions == 0 {
                errs.push(FieldError::invalid_raw(
                    "spec.selector",
                    serde_json::to_string(selector).unwrap_or_default(),
                    "empty selector is invalid for deployment",
                ));
            }
        }
    }
    // `ValidatePodTemplateSpecForReplicaSet`: a missing selector selects nothing, so no template matches
    // it. A ReplicaSet without a template is validated as an empty one (the internal field is no pointer).
    let empty_template = k8s_openapi::api::core::v1::PodTemplateSpec::default();
    let template = template.unwrap_or(&empty_template);
    let selects_nothing = selector.is_none();
    let selector = selector.unwrap_or(&empty_selector);
    let expressions = selector.match_expressions.as_deref().unwrap_or(&[]);
    let match_labels = selector.match_labels.clone().unwrap_or_default();
    let template_labels = template
        .metadata
        .as_ref()
        .and_then(|m| m.labels.clone())
        .unwrap_or_default();
    let matches = !selects_nothing
        && match_labels
            .iter()
            .all(|(k, v)| template_labels.get(k) == Some(v))
        && expressions.iter().all(|e| {
            let values = e.values.as_deref().unwrap_or(&[]);
            let label = template_labels.get(&e.key);
            match e.operator.as_str() {
                "In" => label.is_some_and(|l| values.contains(l)),
                "NotIn" => label.is_none_or(|l| !values.contains(l)),
                "Exists" => label.is_some(),
                "DoesNotExist" => label.is_none(),
                _ => false,
            }
        });
    let selector_empty = !selects_nothing && match_labels.is_empty() && expressions.is_empty();
    if !selector_empty && !matches {
        errs.push(FieldError::invalid_raw(
            "spec.template.metadata.labels",
            serde_json::to_string(&template_labels).unwrap_or_default(),
            "`selector` does not match template `labels`",
        ));
    }
    if let Some(meta) = &template.metadata {
        // `ValidatePodTemplateSpec` names these `spec.template.labels` and `spec.template.annotations`.
        errs.extend(validate_labels(
            meta.labels.as_ref(),
            "spec.template.labels",
        ));
        errs.extend(meta::validate_annotations(
            meta.annotations.as_ref(),
            "spec.template.annotations",
        ));
    }
    let empty = k8s_openapi::api::core::v1::PodSpec::default();
    let pod_spec = template.spec.as_ref().unwrap_or(&empty);
    // A template's spec is validated without pod metadata: no ephemeral claim names are checked.
    errs.extend(pod::validate_pod_spec(
        pod_spec,
        "",
        "spec.template.spec",
        false,
    ));
    if pod_spec
        .ephemeral_containers
        .as_ref()
        .is_some_and(|e| !e.is_empty())
    {
        errs.push(FieldError::forbidden(
            "spec.template.spec.ephemeralContainers",
            "ephemeral containers not allowed in pod template",
        ));
    }
    let restart_policy = pod_spec.restart_policy.as_deref().unwrap_or("");
    if restart_policy != "Always" {
        errs.push(FieldError::not_supported(
            "spec.template.spec.restartPolicy",
            restart_policy,
            &["Always"],
        ));
    }
    if pod_spec.active_deadline_seconds.is_some() {
        errs.push(FieldError::forbidden(
            "spec.template.spec.activeDeadlineSeconds",
            "activeDeadlineSeconds in ReplicaSet is not Supported",
        ));
    }
}

/// `pkg/apis/apps/validation ValidateReplicaSetSpec` (replicas, minReadySeconds, selector, template).
fn validate_replica_set_spec(
    spec: &k8s_openapi::api::apps::v1::ReplicaSetSpec,
    selector_given: bool,
) -> Vec<FieldError> {
    let mut errs = Vec::new();
    nonnegative(
        i64::from(spec.replicas.unwrap_or(1)),
        "spec.replicas",
        &mut errs,
    );
    nonnegative(
        i64::from(spec.min_ready_seconds.unwrap_or(0)),
        "spec.minReadySeconds",
        &mut errs,
    );
    validate_selector_and_template(
        selector_given.then_some(&spec.selector),
        spec.template.as_ref(),
        &mut errs,
    );
    errs
}

/// `pkg/apis/apps/validation ValidateDeploymentSpec` (replicas, selector, template, strategy, limits).
fn validate_deployment_spec(
    spec: &k8s_openapi::api::apps::v1::DeploymentSpec,
    selector_given: bool,
) -> Vec<FieldError> {
    let mut errs = Vec::new();
    nonnegative(
        i64::from(spec.replicas.unwrap_or(1)),
        "spec.replicas",
        &mut errs,
    );
    validate_selector_and_template(
        selector_given.then_some(&spec.selector),
        Some(&spec.template),
        &mut errs,
    );
    let no_strategy = Default::default();
    errs.extend(validate_deployment_strategy(
        spec.strategy.as_ref().unwrap_or(&no_strategy),
    ));
    let min_ready = spec.min_ready_seconds.unwrap_or(0);
    nonnegative(i64::from(min_ready), "spec.minReadySeconds", &mut errs);
    if let Some(limit) = spec.revision_history_limit {
        nonnegative(i64::from(limit), "spec.revisionHistoryLimit", &mut errs);
    }
    if let Some(deadline) = spec.progress_deadline_seconds {
        nonnegative(
            i64::from(deadline),
            "spec.progressDeadlineSeconds",
            &mut errs,
        );
        if deadline <= min_ready {
            errs.push(FieldError::invalid_raw(
                "spec.progressDeadlineSeconds",
                deadline.to_string(),
                "must be greater than minReadySeconds",
            ));
        }
    }
    errs
}

/// `ValidateDeploymentStrategy`: `Recreate` without `rollingUpdate`, or `RollingUpdate` with valid
/// `maxUnavailable`/`maxSurge`; any other type is refused on `spec.strategy` itself, the value printed as
/// the internal struct's JSON.
fn validate_deployment_strategy(
    strategy: &k8s_openapi::api::apps::v1::DeploymentStrategy,
) -> Vec<FieldError> {
    let mut errs = Vec::new();
    let path = "spec.strategy";
    match strategy.type_.as_deref().unwrap_or("") {
        "Recreate" => {
            if strategy.rolling_update.is_some() {
                errs.push(FieldError::forbidden(
                    &format!("{path}.rollingUpdate"),
                    "may not be specified when strategy `type` is 'Recreate'",
                ));
            }
        }
        "RollingUpdate" => match &strategy.rolling_update {
            None => errs.push(FieldError::required(
                &format!("{path}.rollingUpdate"),
                "this should be defaulted and never be nil",
            )),
            Some(rolling) => {
                let zero = IntOrString::Int(0);
                let unavailable = rolling.max_unavailable.as_ref().unwrap_or(&zero);
                let surge = rolling.max_surge.as_ref().unwrap_or(&zero);
                let unavailable_path = format!("{path}.rollingUpdate.maxUnavailable");
                errs.extend(positive_int_or_percent(unavailable, &unavailable_path));
                errs.extend(positive_int_or_percent(
                    surge,
                    &format!("{path}.rollingUpdate.maxSurge"),
                ));
                if int_or_percent_value(unavailable) == 0 && int_or_percent_value(surge) == 0 {
                    errs.push(FieldError::invalid_raw(
                        &unavailable_path,
                        int_or_string_json(unavailable),
                        "may not be 0 when `maxSurge` is 0",
                    ));
                }
                if percent_value(unavailable).is_some_and(|p| p > 100) {
                    errs.push(FieldError::invalid_raw(
                        &unavailable_path,
                        int_or_string_json(unavailable),
                        "must not be greater than 100%",
                    ));
                }
            }
        },
        other => {
            // `json.Marshal` of the internal struct: Go field names in declaration order.
            let value = |v: &Option<IntOrString>| v.as_ref().map_or("0".into(), int_or_string_json);
            let rolling = strategy.rolling_update.as_ref().map_or("null".into(), |r| {
                format!(
                    "{{\"MaxUnavailable\":{},\"MaxSurge\":{}}}",
                    value(&r.max_unavailable),
                    value(&r.max_surge)
                )
            });
            let internal = format!(
                "{{\"Type\":{},\"RollingUpdate\":{rolling}}}",
                field::quote(other)
            );
            let mut err = FieldError::not_supported(path, other, &["Recreate", "RollingUpdate"]);
            err.bad_value = Some(internal);
            errs.push(err);
        }
    }
    errs
}

/// `ValidatePositiveIntOrPercent`: a string must be a percent (`[0-9]+%`), a number not negative.
fn positive_int_or_percent(value: &IntOrString, path: &str) -> Vec<FieldError> {
    match value {
        IntOrString::String(text) if !is_percent(text) => vec![FieldError::invalid(
            path,
            text,
            "a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')",
        )],
        IntOrString::String(_) => Vec::new(),
        IntOrString::Int(n) => {
            let mut errs = Vec::new();
            nonnegative(i64::from(*n), path, &mut errs);
            errs
        }
    }
}

fn is_percent(text: &str) -> bool {
    text.strip_suffix('%')
        .is_some_and(|digits| !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()))
}

/// `getPercentValue`: the number of a valid percent string.
fn percent_value(value: &IntOrString) -> Option<i64> {
    match value {
        IntOrString::String(text) if is_percent(text) => {
            Some(text[..text.len() - 1].parse::<i64>().unwrap_or(i64::MAX))
        }
        _ => None,
    }
}

/// `getIntOrPercentValue`: a percent's number, an int, or Go's `Atoi` of another string (0 when it fails).
fn int_or_percent_value(value: &IntOrString) -> i64 {
    match (percent_value(value), value) {
        (Some(percent), _) => percent,
        (None, IntOrString::Int(n)) => i64::from(*n),
        (None, IntOrString::String(text)) => text.parse::<i64>().unwrap_or(0),
    }
}

/// An IntOrString as `json.Marshal` writes it in a field error.
fn int_or_string_json(value: &IntOrString) -> String {
    match value {
        IntOrString::Int(n) => n.to_string(),
        IntOrString::String(s) => field::quote(s),
    }
}

/// `ValidateEventCreate` for core/v1 Events: only `legacyValidateEvent` applies (no ObjectMeta rules).
fn validate_event(event: &k8s_openapi::api::core::v1::Event) -> Vec<FieldError> {
    let mut errs = Vec::new();
    let namespace = event.metadata.namespace.as_deref().unwrap_or("");
    let involved = event.involved_object.namespace.as_deref().unwrap_or("");
    let mismatch = |errs: &mut Vec<FieldError>| {
        errs.push(FieldError::invalid(
            "involvedObject.namespace",
            involved,
            "does not match event.namespace",
        ));
    };
    if event.event_time.is_none() {
        let bad = if involved.is_empty() {
            !namespace.is_empty() && namespace != "default"
        } else {
            namespace != involved
        };
        if bad {
            mismatch(&mut errs);
        }
    } else {
        if involved.is_empty() && namespace != "default" && namespace != "kube-system" {
            mismatch(&mut errs);
        }
        let controller = event.reporting_component.as_deref().unwrap_or("");
        if controller.is_empty() {
            errs.push(FieldError::required("reportingController", ""));
        }
        for msg in is_qualified_name(controller) {
            errs.push(FieldError::invalid("reportingController", controller, &msg));
        }
        let instance = event.reporting_instance.as_deref().unwrap_or("");
        if instance.is_empty() {
            errs.push(FieldError::required("reportingInstance", ""));
        }
        if instance.len() > 128 {
            errs.push(FieldError::invalid(
                "reportingInstance",
                "",
                "can have at most 128 characters",
            ));
        }
        let action = event.action.as_deref().unwrap_or("");
        if action.is_empty() {
            errs.push(FieldError::required("action", ""));
        }
        if action.len() > 128 {
            errs.push(FieldError::invalid(
                "action",
                "",
                "can have at most 128 characters",
            ));
        }
        let reason = event.reason.as_deref().unwrap_or("");
        if reason.is_empty() {
            errs.push(FieldError::required("reason", ""));
        }
        if reason.len() > 128 {
            errs.push(FieldError::invalid(
                "reason",
                "",
                "can have at most 128 characters",
            ));
        }
        if event.message.as_deref().unwrap_or("").len() > 1024 {
            errs.push(FieldError::invalid(
                "message",
                "",
                "can have at most 1024 characters",
            ));
        }
    }
    for msg in is_dns1123_subdomain(namespace) {
        errs.push(FieldError::invalid("namespace", namespace, &msg));
    }
    errs
}

/// Go's `%#v` of a `[]string`, as a field error prints a list value: `[]string{"a", "b"}`.
pub fn go_string_slice(items: &[String]) -> String {
    let quoted: Vec<String> = items.iter().map(|s| field::quote(s)).collect();
    format!("[]string{{{}}}", quoted.join(", "))
}

/// `ValidateServiceClusterIPsRelatedFields`: `clusterIP` and `clusterIPs` agree, `ipFamilies` and
/// `ipFamilyPolicy` hold supported values, each cluster IP is an address (`None` only alone), at most
/// one per family and two in all, and each matches its family. The allocator runs it before it
/// allocates, and validation again after.
pub fn validate_service_cluster_ips_related_fields(service: &Service) -> Vec<FieldError> {
    let mut errs = Vec::new();
    let Some(spec) = service.spec.as_ref() else {
        return errs;
    };
    if spec.type_.as_deref() == Some("ExternalName") {
        return errs;
    }
    let ips = spec.cluster_ips.as_deref().unwrap_or_default();
    let list = || go_string_slice(ips);
    match spec.cluster_ip.as_deref().filter(|ip| !ip.is_empty()) {
        Some(_) if ips.is_empty() => errs.push(FieldError::required("spec.clusterIPs", "")),
        Some(ip) if ips[0] != ip => errs.push(FieldError::invalid_raw(
            "spec.clusterIPs",
            list(),
            "first value must match `clusterIP`",
        )),
        Some(_) => {}
        None if !ips.is_empty() => errs.push(FieldError::invalid_raw(
            "spec.clusterIPs",
            list(),
            "must be empty when `clusterIP` is not specified",
        )),
        None => {}
    }
    let families = spec.ip_families.as_deref().unwrap_or_default();
    let mut seen: Vec<&str> = Vec::new();
    for (i, family) in families.iter().enumerate() {
        let path = format!("spec.ipFamilies[{i}]");
        if !matches!(family.as_str(), "IPv4" | "IPv6") {
            errs.push(FieldError::not_supported(&path, family, &["IPv4", "IPv6"]));
        }
        if seen.contains(&family.as_str()) {
            errs.push(FieldError::duplicate(&path, family));
        }
        seen.push(family);
    }
    if let Some(policy) = &spec.ip_family_policy {
        if !matches!(
            policy.as_str(),
            "PreferDualStack" | "RequireDualStack" | "SingleStack"
        ) {
            errs.push(FieldError::not_supported(
                "spec.ipFamilyPolicy",
                policy,
                &["PreferDualStack", "RequireDualStack", "SingleStack"],
            ));
        }
    }
    let mut invalid_ips = false;
    for (i, ip) in ips.iter().enumerate() {
        if i == 0 && ip == "None" {
            if ips.len() > 1 {
                invalid_ips = true;
                errs.push(FieldError::invalid_raw(
                    "spec.clusterIPs",
                    list(),
                    "'None' must be the first and only value",
                ));
            }
            continue;
        }
        if parse_sloppy_ip(ip).is_none() {
            invalid_ips = true;
            errs.push(FieldError::invalid(
                &format!("spec.clusterIPs[{i}]"),
                ip,
                INVALID_IP,
            ));
        }
    }
    if ips.len() > 2 {
        errs.push(FieldError::invalid_raw(
            "spec.clusterIPs",
            list(),
            "may only hold up to 2 values",
        ));
    }
    if invalid_ips {
        return errs;
    }
    let is_v6 = |ip: &str| parse_sloppy_ip(ip).is_some_and(|a| a.is_ipv6());
    if ips.len() > 1 {
        // `IsDualStackIPStrings`: at least one address of each family.
        let v6 = ips.iter().filter(|ip| is_v6(ip)).count();
        if v6 == 0 || v6 == ips.len() {
            errs.push(FieldError::invalid_raw(
                "spec.clusterIPs",
                list(),
                "may specify no more than one IP for each IP family",
            ));
        }
    }
    let headless = ips.len() == 1 && ips[0] == "None";
    if !headless {
        for (i, (ip, family)) in ips.iter().zip(families).enumerate() {
            let want = match family.as_str() {
                "IPv4" if is_v6(ip) => "IPv4",
                "IPv6" if !is_v6(ip) => "IPv6",
                _ => continue,
            };
            errs.push(FieldError::invalid(
                &format!("spec.clusterIPs[{i}]"),
                ip,
                &format!("expected an {want} value as indicated by `ipFamilies[{i}]`"),
            ));
        }
    }
    errs
}

/// Service basics: DNS-1035 name, type, ports, selector labels.
/// `ValidateService` (create), in upstream's order: name, the topology-mode annotation, ports (required
/// unless headless or ExternalName), the type-specific checks, each port (`validateServicePort`), the
/// selector, session affinity, external IPs (`ValidateNonSpecialIP`), type, nodePorts on ClusterIP,
/// duplicate node ports and ports, load-balancer source ranges (field or annotation),
/// `allocateLoadBalancerNodePorts`, `loadBalancerClass`, the traffic policies and `trafficDistribution`.
/// Paths keep upstream's quirks (`spec.LoadBalancerSourceRanges`, a bare `allocateLoadBalancerNodePorts`).
/// The allocator (`api::service_alloc`) has set the IP-family fields, cluster IPs and node ports by now.
fn validate_service(service: &Service) -> Vec<FieldError> {
    let mut errs = validate_object_meta(&service.metadata, true, name_is_dns1035_label, "metadata");
    let no_annotations = std::collections::BTreeMap::new();
    let annotations = service
        .metadata
        .annotations
        .as_ref()
        .unwrap_or(&no_annotations);
    let hints = annotations.get("service.kubernetes.io/topology-aware-hints");
    let mode = annotations.get("service.kubernetes.io/topology-mode");
    if let (Some(mode), Some(hints)) = (mode, hints) {
        if mode != hints {
            errs.push(FieldError::invalid(
                "metadata.annotations[service.kubernetes.io/topology-mode]",
                mode,
                "must match annotations[service.kubernetes.io/topology-aware-hints] when both are specified",
            ));
        }
    }
    let no_spec = Default::default();
    let spec: &k8s_openapi::api::core::v1::ServiceSpec = service.spec.as_ref().unwrap_or(&no_spec);
    let service_type = spec.type_.as_deref().unwrap_or_default();
    let cluster_ips = spec.cluster_ips.as_deref().unwrap_or_default();
    let headless = cluster_ips.len() == 1 && cluster_ips[0] == "None"
        || (cluster_ips.is_empty() && spec.cluster_ip.as_deref() == Some("None"));
    let ports = spec.ports.as_deref().unwrap_or_default();
    if ports.is_empty() && !headless && service_type != "ExternalName" {
        errs.push(FieldError::required("spec.ports", ""));
    }
    match service_type {
        "LoadBalancer" | "NodePort" if headless => errs.push(FieldError::invalid(
            "spec.clusterIPs[0]",
            "None",
            &format!("may not be set to 'None' for {service_type} services"),
        )),
        "ExternalName" => {
            if !cluster_ips.is_empty() {
                errs.push(FieldError::forbidden(
                    "spec.clusterIPs",
                    "may not be set for ExternalName services",
                ));
            }
            if spec.ip_families.as_ref().is_some_and(|f| !f.is_empty()) {
                errs.push(FieldError::forbidden(
                    "spec.ipFamilies",
                    "may not be set for ExternalName services",
                ));
            }
            if spec.ip_family_policy.is_some() {
                errs.push(FieldError::forbidden(
                    "spec.ipFamilyPolicy",
                    "may not be set for ExternalName services",
                ));
            }
            let external = spec.external_name.as_deref().unwrap_or_default();
            let cname = external.strip_suffix('.').unwrap_or(external);
            if cname.is_empty() {
                errs.push(FieldError::required("spec.externalName", ""));
            } else {
                for msg in is_dns1123_subdomain(cname) {
                    errs.push(FieldError::invalid("spec.externalName", cname, &msg));
                }
            }
        }
        _ => {}
    }
    let mut names: Vec<&str> = Vec::new();
    for (i, port) in ports.iter().enumerate() {
        let p = format!("spec.ports[{i}]");
        let name = port.name.as_deref().unwrap_or_default();
        if ports.len() > 1 && name.is_empty() {
            errs.push(FieldError::required(&format!("{p}.name"), ""));
        } else if !name.is_empty() {
            for msg in is_dns1123_label(name) {
                errs.push(FieldError::invalid(&format!("{p}.name"), name, &msg));
            }
            if names.contains(&name) {
                errs.push(FieldError::duplicate(&format!("{p}.name"), name));
            } else {
                names.push(name);
            }
        }
        for msg in is_valid_port_num(i64::from(port.port)) {
            errs.push(FieldError::invalid_raw(
                &format!("{p}.port"),
                port.port.to_string(),
                &msg,
            ));
        }
        let protocol = port.protocol.as_deref().unwrap_or_default();
        if protocol.is_empty() {
            errs.push(FieldError::required(&format!("{p}.protocol"), ""));
        } else if !matches!(protocol, "SCTP" | "TCP" | "UDP") {
            errs.push(FieldError::not_supported(
                &format!("{p}.protocol"),
                protocol,
                &["SCTP", "TCP", "UDP"],
            ));
        }
        // `ValidatePortNumOrName` of the (defaulted) targetPort.
        let target_path = format!("{p}.targetPort");
        match &port.target_port {
            Some(IntOrString::Int(n)) => {
                for msg in is_valid_port_num(i64::from(*n)) {
                    errs.push(FieldError::invalid_raw(&target_path, n.to_string(), &msg));
                }
            }
            Some(IntOrString::String(name)) => {
                for msg in is_valid_port_name(name) {
                    errs.push(FieldError::invalid(&target_path, name, &msg));
                }
            }
            None => {}
        }
        if let Some(app_protocol) = &port.app_protocol {
            for msg in is_qualified_name(app_protocol) {
                errs.push(FieldError::invalid(
                    &format!("{p}.appProtocol"),
                    app_protocol,
                    &msg,
                ));
            }
        }
    }
    if service_type != "ExternalName" || spec.selector.is_some() {
        errs.extend(validate_labels(spec.selector.as_ref(), "spec.selector"));
    }
    match spec.session_affinity.as_deref().unwrap_or_default() {
        "" => errs.push(FieldError::required("spec.sessionAffinity", "")),
        "ClientIP" => {
            let timeout = spec
                .session_affinity_config
                .as_ref()
                .and_then(|c| c.client_ip.as_ref())
                .and_then(|c| c.timeout_seconds);
            let config_path = "spec.sessionAffinityConfig";
            let required = "when session affinity type is ClientIP";
            match &spec.session_affinity_config {
                None => errs.push(FieldError::required(config_path, required)),
                Some(config) if config.client_ip.is_none() => errs.push(FieldError::required(
                    &format!("{config_path}.clientIP"),
                    required,
                )),
                Some(_) => match timeout {
                    None => errs.push(FieldError::required(
                        &format!("{config_path}.clientIP.timeoutSeconds"),
                        required,
                    )),
                    Some(seconds) if seconds <= 0 || seconds > 86_400 => {
                        errs.push(FieldError::invalid_raw(
                            &format!("{config_path}.clientIP.timeoutSeconds"),
                            seconds.to_string(),
                            "must be greater than 0 and less than 86400",
                        ))
                    }
                    Some(_) => {}
                },
            }
        }
        "None" => {
            if spec.session_affinity_config.is_some() {
                errs.push(FieldError::forbidden(
                    "spec.sessionAffinityConfig",
                    "must not be set when session affinity is None",
                ));
            }
        }
        other => errs.push(FieldError::not_supported(
            "spec.sessionAffinity",
            other,
            &["ClientIP", "None"],
        )),
    }
    errs.extend(validate_service_cluster_ips_related_fields(service));
    for (i, ip) in spec.external_ips.iter().flatten().enumerate() {
        let path = format!("spec.externalIPs[{i}]");
        let Some(address) = parse_sloppy_ip(ip) else {
            errs.push(FieldError::invalid(&path, ip, INVALID_IP));
            continue;
        };
        let (unspecified, loopback, link_local, link_local_multicast) = match address {
            std::net::IpAddr::V4(v4) => {
                let o = v4.octets();
                (
                    v4.is_unspecified(),
                    v4.is_loopback(),
                    o[0] == 169 && o[1] == 254,
                    o[0] == 224 && o[1] == 0 && o[2] == 0,
                )
            }
            std::net::IpAddr::V6(v6) => {
                let s = v6.segments();
                let mapped = v6.to_ipv4_mapped();
                (
                    v6.is_unspecified() || mapped.is_some_and(|m| m.is_unspecified()),
                    v6.is_loopback() || mapped.is_some_and(|m| m.is_loopback()),
                    s[0] & 0xffc0 == 0xfe80
                        || mapped.is_some_and(|m| m.octets()[..2] == [169, 254]),
                    s[0] & 0xff0f == 0xff02
                        || mapped.is_some_and(|m| m.octets()[..3] == [224, 0, 0]),
                )
            }
        };
        if unspecified {
            errs.push(FieldError::invalid(
                &path,
                ip,
                &format!("may not be unspecified ({ip})"),
            ));
        }
        if loopback {
            errs.push(FieldError::invalid(
                &path,
                ip,
                "may not be in the loopback range (127.0.0.0/8, ::1/128)",
            ));
        }
        if link_local {
            errs.push(FieldError::invalid(
                &path,
                ip,
                "may not be in the link-local range (169.254.0.0/16, fe80::/10)",
            ));
        }
        if link_local_multicast {
            errs.push(FieldError::invalid(
                &path,
                ip,
                "may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)",
            ));
        }
    }
    let supported = ["ClusterIP", "ExternalName", "LoadBalancer", "NodePort"];
    if service_type.is_empty() {
        errs.push(FieldError::required("spec.type", ""));
    } else if !supported.contains(&service_type) {
        errs.push(FieldError::not_supported(
            "spec.type",
            service_type,
            &supported,
        ));
    }
    if service_type == "ClusterIP" {
        for (i, port) in ports.iter().enumerate() {
            if port.node_port.unwrap_or(0) != 0 {
                errs.push(FieldError::forbidden(
                    &format!("spec.ports[{i}].nodePort"),
                    "may not be used when `type` is 'ClusterIP'",
                ));
            }
        }
    }
    let mut node_ports: Vec<(&str, i32)> = Vec::new();
    for (i, port) in ports.iter().enumerate() {
        let node_port = port.node_port.unwrap_or(0);
        if node_port == 0 {
            continue;
        }
        let key = (port.protocol.as_deref().unwrap_or_default(), node_port);
        if node_ports.contains(&key) {
            errs.push(FieldError::duplicate_raw(
                &format!("spec.ports[{i}].nodePort"),
                node_port.to_string(),
            ));
        }
        node_ports.push(key);
    }
    let mut seen_ports: Vec<(&str, i32)> = Vec::new();
    for (i, port) in ports.iter().enumerate() {
        let protocol = port.protocol.as_deref().unwrap_or_default();
        let key = (protocol, port.port);
        if seen_ports.contains(&key) {
            // The bad value is the internal ServicePort with only protocol and port set.
            errs.push(FieldError::duplicate_raw(
                &format!("spec.ports[{i}]"),
                format!(
                    "{{\"Name\":\"\",\"Protocol\":{},\"AppProtocol\":null,\"Port\":{},\"TargetPort\":0,\"NodePort\":0}}",
                    field::quote(protocol),
                    port.port
                ),
            ));
        }
        seen_ports.push(key);
    }
    let ranges = spec
        .load_balancer_source_ranges
        .as_deref()
        .unwrap_or_default();
    let only_load_balancer = "may only be used when `type` is 'LoadBalancer'";
    let invalid_cidr = "must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)";
    if !ranges.is_empty() {
        if service_type != "LoadBalancer" {
            errs.push(FieldError::forbidden(
                "spec.LoadBalancerSourceRanges",
                only_load_balancer,
            ));
        }
        for (i, range) in ranges.iter().enumerate() {
            let range = range.trim();
            if !is_sloppy_cidr(range) {
                errs.push(FieldError::invalid(
                    &format!("spec.LoadBalancerSourceRanges[{i}]"),
                    range,
                    invalid_cidr,
                ));
            }
        }
    } else if let Some(value) =
        annotations.get("service.beta.kubernetes.io/load-balancer-source-ranges")
    {
        let path = "metadata.annotations[service.beta.kubernetes.io/load-balancer-source-ranges]";
        if service_type != "LoadBalancer" {
            errs.push(FieldError::forbidden(path, only_load_balancer));
        }
        let value = value.trim();
        if !value.is_empty() {
            for range in value.split(',').map(str::trim) {
                if !is_sloppy_cidr(range) {
                    errs.push(FieldError::invalid(path, range, invalid_cidr));
                }
            }
        }
    }
    if spec.allocate_load_balancer_node_ports.is_some() && service_type != "LoadBalancer" {
        errs.push(FieldError::forbidden(
            "spec.allocateLoadBalancerNodePorts",
            only_load_balancer,
        ));
    }
    if service_type == "LoadBalancer" && spec.allocate_load_balancer_node_ports.is_none() {
        errs.push(FieldError::required("allocateLoadBalancerNodePorts", ""));
    }
    if let Some(class) = &spec.load_balancer_class {
        if service_type == "LoadBalancer" {
            for msg in is_qualified_name(class) {
                errs.push(FieldError::invalid("spec.loadBalancerClass", class, &msg));
            }
        } else {
            errs.push(FieldError::forbidden(
                "spec.loadBalancerClass",
                only_load_balancer,
            ));
        }
    }
    // `validateServiceExternalTrafficPolicy`.
    let externally_accessible = matches!(service_type, "LoadBalancer" | "NodePort")
        || (service_type == "ClusterIP"
            && spec
                .external_ips
                .as_ref()
                .is_some_and(|ips| !ips.is_empty()));
    let external_policy = spec.external_traffic_policy.as_deref().unwrap_or_default();
    if !externally_accessible {
        if !external_policy.is_empty() {
            errs.push(FieldError::invalid(
                "spec.externalTrafficPolicy",
                external_policy,
                "may only be set for externally-accessible services",
            ));
        }
    } else if external_policy.is_empty() {
        errs.push(FieldError::required("spec.externalTrafficPolicy", ""));
    } else if !matches!(external_policy, "Cluster" | "Local") {
        errs.push(FieldError::not_supported(
            "spec.externalTrafficPolicy",
            external_policy,
            &["Cluster", "Local"],
        ));
    }
    let needs_health_check = service_type == "LoadBalancer" && external_policy == "Local";
    let health_port = spec.health_check_node_port.unwrap_or(0);
    if !needs_health_check && health_port != 0 {
        errs.push(FieldError::invalid_raw(
            "spec.healthCheckNodePort",
            health_port.to_string(),
            "may only be set when `type` is 'LoadBalancer' and `externalTrafficPolicy` is 'Local'",
        ));
    } else if needs_health_check && health_port != 0 {
        for msg in is_valid_port_num(i64::from(health_port)) {
            errs.push(FieldError::invalid_raw(
                "spec.healthCheckNodePort",
                health_port.to_string(),
                &msg,
            ));
        }
    }
    // `validateServiceInternalTrafficFieldsValue`.
    match spec.internal_traffic_policy.as_deref() {
        None if matches!(service_type, "NodePort" | "LoadBalancer" | "ClusterIP") => {
            errs.push(FieldError::required("spec.internalTrafficPolicy", ""))
        }
        Some(policy) if !matches!(policy, "Cluster" | "Local") => errs.push(
            FieldError::not_supported("spec.internalTrafficPolicy", policy, &["Cluster", "Local"]),
        ),
        _ => {}
    }
    // `validateServiceTrafficDistribution`: PreferSameZone and PreferSameNode are GA since v1.35.
    if let Some(distribution) = &spec.traffic_distribution {
        let supported = ["PreferClose", "PreferSameZone", "PreferSameNode"];
        if !supported.contains(&distribution.as_str()) {
            errs.push(FieldError::not_supported(
                "spec.trafficDistribution",
                distribution,
                &supported,
            ));
        }
    }
    errs
}

/// `ValidatePriorityClass`.
fn validate_priority_class(class: &PriorityClass) -> Vec<FieldError> {
    let mut errs = validate_object_meta(&class.metadata, false, name_is_dns_subdomain, "metadata");
    let name = class.metadata.name.as_deref().unwrap_or("");
    let value = class.value.unwrap_or(0);
    if name.starts_with("system-") {
        let known = [
            ("system-node-critical", 2_000_001_000),
            ("system-cluster-critical", 2_000_000_000),
        ];
        let problem = match known.iter().find(|(n, _)| *n == name) {
            None => Some(format!("{name} is not a known system priority class")),
            Some((_, v)) if *v != value => {
                Some(format!("value of {name} PriorityClass must be {v}"))
            }
            Some(_) if class.global_default == Some(true) => Some(format!(
                "globalDefault of {name} PriorityClass must be false"
            )),
            Some(_) => None,
        };
        if let Some(err) = problem {
            errs.push(FieldError::forbidden(
                "metadata.name",
                &format!("priority class names with 'system-' prefix are reserved for system use only. error: {err}"),
            ));
        }
    } else if value > HIGHEST_USER_DEFINABLE_PRIORITY {
        errs.push(FieldError::forbidden("value", &format!("maximum allowed value of a user defined priority is {HIGHEST_USER_DEFINABLE_PRIORITY}")));
    }
    if let Some(policy) = &class.preemption_policy {
        if policy.is_empty() {
            errs.push(FieldError::required("preemptionPolicy", ""));
        } else if !matches!(policy.as_str(), "PreemptLowerPriority" | "Never") {
            errs.push(FieldError::not_supported(
                "preemptionPolicy",
                policy,
                &["PreemptLowerPriority", "Never"],
            ));
        }
    }
    errs
}

/// `ValidatePolicyRule`.
fn validate_policy_rule(rule: &PolicyRule, namespaced: bool, path: &str) -> Vec<FieldError> {
    let mut errs = Vec::new();
    if rule.verbs.is_empty() {
        errs.push(FieldError::required(
            &format!("{path}.verbs"),
            "verbs must contain at least one value",
        ));
    }
    let urls = rule.non_resource_urls.clone().unwrap_or_default();
    let present = |v: &Option<Vec<String>>| v.as_ref().is_some_and(|v| !v.is_empty());
    if !urls.is_empty() {
        let shown = serde_json::to_string(&urls).unwrap_or_default();
        if namespaced {
            errs.push(FieldError::invalid_raw(
                &format!("{path}.nonResourceURLs"),
                shown.clone(),
                "namespaced rules cannot apply to non-resource URLs",
            ));
        }
        if present(&rule.api_groups) || present(&rule.resources) || present(&rule.resource_names) {
            errs.push(FieldError::invalid_raw(
                &format!("{path}.nonResourceURLs"),
                shown,
                "rules cannot apply to both regular resources and non-resource URLs",
            ));
        }
        return errs;
    }
    if !present(&rule.api_groups) {
        errs.push(FieldError::required(
            &format!("{path}.apiGroups"),
            "resource rules must supply at least one api group",
        ));
    }
    if !present(&rule.resources) {
        errs.push(FieldError::required(
            &format!("{path}.resources"),
            "resource rules must supply at least one resource",
        ));
    }
    errs
}

/// roleRef checks of `ValidateRoleBinding` / `ValidateClusterRoleBinding`.
fn validate_role_ref(role_ref: &RoleRef, kinds: &[&str]) -> Vec<FieldError> {
    let mut errs = Vec::new();
    let group = role_ref.api_group.as_deref().unwrap_or("");
    if group != "rbac.authorization.k8s.io" {
        errs.push(FieldError::not_supported(
            "roleRef.apiGroup",
            group,
            &["rbac.authorization.k8s.io"],
        ));
    }
    if !kinds.contains(&role_ref.kind.as_str()) {
        errs.push(FieldError::not_supported(
            "roleRef.kind",
            &role_ref.kind,
            kinds,
        ));
    }
    if role_ref.name.is_empty() {
        errs.push(FieldError::required("roleRef.name", ""));
    } else {
        for msg in is_valid_path_segment_name(&role_ref.name, false) {
            errs.push(FieldError::invalid("roleRef.name", &role_ref.name, &msg));
        }
    }
    errs
}

/// `ValidateRoleBindingSubject`.
fn validate_subject(subject: &Subject, namespaced: bool, path: &str) -> Vec<FieldError> {
    let mut errs = Vec::new();
    if subject.name.is_empty() {
        errs.push(FieldError::required(&format!("{path}.name"), ""));
    }
    let group = subject.api_group.as_deref().unwrap_or("");
    match subject.kind.as_str() {
        "ServiceAccount" => {
            if !subject.name.is_empty() {
                for msg in name_is_dns_subdomain(&subject.name, false) {
                    errs.push(FieldError::invalid(
                        &format!("{path}.name"),
                        &subject.name,
                        &msg,
                    ));
                }
            }
            if !group.is_empty() {
                errs.push(FieldError::not_supported(
                    &format!("{path}.apiGroup"),
                    group,
                    &[""],
                ));
            }
            if !namespaced && subject.namespace.as_deref().unwrap_or("").is_empty() {
                errs.push(FieldError::required(&format!("{path}.namespace"), ""));
            }
        }
        "User" | "Group" => {
            if group != "rbac.authorization.k8s.io" {
                errs.push(FieldError::not_supported(
                    &format!("{path}.apiGroup"),
                    group,
                    &["rbac.authorization.k8s.io"],
                ));
            }
        }
        other => errs.push(FieldError::not_supported(
            &format!("{path}.kind"),
            other,
            &["ServiceAccount", "User", "Group"],
        )),
    }
    errs
}

/// ObjectMeta validation for a kind, exposed for callers that only need the metadata rules.
pub fn validate_metadata(meta: &ObjectMeta, namespaced: bool) -> Vec<FieldError> {
    validate_object_meta(meta, namespaced, name_is_dns_subdomain, "metadata")
}

#[cfg(test)]
mod tests;
