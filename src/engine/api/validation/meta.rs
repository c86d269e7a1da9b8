//! ObjectMeta validation on create and update.
//!
//! Mirrors `k8s.io/apimachinery/pkg/api/validation/objectmeta.go` (ValidateObjectMeta,
//! ValidateObjectMetaUpdate, ValidateAnnotations with the 256 KiB total) and
//! `apimachinery/pkg/apis/meta/v1/validation` (ValidateLabels, ValidateLabelName), plus the finalizer-name
//! rule of `pkg/apis/core/validation`. Go iterates label and annotation maps in random order; we use the
//! maps' sorted order.
//!
//! Simplification: the `metadata.resourceVersion: must be specified for an update` check is left to the
//! request pipeline (it knows whether the update is conditional).

use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

use super::field::FieldError;
use super::names::{is_qualified_name, is_valid_label_value, name_is_dns_label};

/// `TotalAnnotationSizeLimitB`.
pub const TOTAL_ANNOTATION_SIZE_LIMIT: usize = 256 * 1024;
/// `FieldImmutableErrorMsg`.
pub const FIELD_IMMUTABLE: &str = "field is immutable";

/// A name validator: `(name, is_prefix) -> messages`.
pub type NameFn = fn(&str, bool) -> Vec<String>;

/// `ValidateObjectMeta`.
pub fn validate_object_meta(
    meta: &ObjectMeta,
    requires_namespace: bool,
    name_fn: NameFn,
    path: &str,
) -> Vec<FieldError> {
    let mut errs = Vec::new();
    let generate_name = meta.generate_name.as_deref().unwrap_or("");
    if !generate_name.is_empty() {
        for msg in name_fn(generate_name, true) {
            errs.push(FieldError::invalid(
                &format!("{path}.generateName"),
                generate_name,
                &msg,
            ));
        }
    }
    let name = meta.name.as_deref().unwrap_or("");
    if name.is_empty() {
        errs.push(FieldError::required(
            &format!("{path}.name"),
            "name or generateName is required",
        ));
    } else {
        for msg in name_fn(name, false) {
            errs.push(FieldError::invalid(&format!("{path}.name"), name, &msg));
        }
    }
    let namespace = meta.namespace.as_deref().unwrap_or("");
    if requires_namespace {
        if namespace.is_empty() {
            errs.push(FieldError::required(&format!("{path}.namespace"), ""));
        } else {
            for msg in name_is_dns_label(namespace, false) {
                errs.push(FieldError::invalid(
                    &format!("{path}.namespace"),
                    namespace,
                    &msg,
                ));
            }
        }
    } else if !namespace.is_empty() {
        errs.push(FieldError::forbidden(
            &format!("{path}.namespace"),
            "not allowed on this type",
        ));
    }
    if let Some(generation) = meta.generation.filter(|g| *g < 0) {
        errs.push(FieldError::invalid_raw(
            &format!("{path}.generation"),
            generation.to_string(),
            "must be greater than or equal to 0",
        ));
    }
    errs.extend(validate_labels(
        meta.labels.as_ref(),
        &format!("{path}.labels"),
    ));
    errs.extend(validate_annotations(
        meta.annotations.as_ref(),
        &format!("{path}.annotations"),
    ));
    errs.extend(validate_owner_references(
        meta,
        &format!("{path}.ownerReferences"),
    ));
    errs.extend(validate_finalizers(
        meta.finalizers.as_deref().unwrap_or(&[]),
        &format!("{path}.finalizers"),
    ));
    errs
}

/// `ValidateObjectMetaUpdate`: identity fields are immutable; labels and annotations are re-validated.
pub fn validate_object_meta_update(
    new: &ObjectMeta,
    old: &ObjectMeta,
    path: &str,
) -> Vec<FieldError> {
    let mut errs = Vec::new();
    if old.deletion_timestamp.is_some() {
        let old_finalizers = old.finalizers.clone().unwrap_or_default();
        for finalizer in new.finalizers.iter().flatten() {
            if !old_finalizers.contains(finalizer) {
                errs.push(FieldError::forbidden(
                    &format!("{path}.finalizers"),
                    &format!("no new finalizers can be added if the object is being deleted, found new finalizers []string{{{}}}", go_quote_list(std::slice::from_ref(finalizer))),
                ));
                break;
            }
        }
    }
    let new_generation = new.generation.unwrap_or(0);
    if new_generation < old.generation.unwrap_or(0) {
        errs.push(FieldError::invalid_raw(
            &format!("{path}.generation"),
            new_generation.to_string(),
            "must not be decremented",
        ));
    }
    let immutable = |field: &str, new: Option<&str>, old: Option<&str>| -> Option<FieldError> {
        (new.unwrap_or("") != old.unwrap_or("")).then(|| {
            FieldError::invalid(
                &format!("{path}.{field}"),
                new.unwrap_or(""),
                FIELD_IMMUTABLE,
            )
        })
    };
    errs.extend(immutable("name", new.name.as_deref(), old.name.as_deref()));
    errs.extend(immutable(
        "namespace",
        new.namespace.as_deref(),
        old.namespace.as_deref(),
    ));
    errs.extend(immutable("uid", new.uid.as_deref(), old.uid.as_deref()));
    if new.creation_timestamp != old.creation_timestamp {
        let value = new
            .creation_timestamp
            .as_ref()
            .map(|t| t.0.to_string())
            .unwrap_or_default();
        errs.push(FieldError::invalid_raw(
            &format!("{path}.creationTimestamp"),
            value,
            FIELD_IMMUTABLE,
        ));
    }
    if new.deletion_timestamp != old.deletion_timestamp {
        let value = new
            .deletion_timestamp
            .as_ref()
            .map(|t| t.0.to_string())
            .unwrap_or_else(|| "null".into());
        errs.push(FieldError::invalid_raw(
            &format!("{path}.deletionTimestamp"),
            value,
            FIELD_IMMUTABLE,
        ));
    }
    if new.deletion_grace_period_seconds != old.deletion_grace_period_seconds {
        let value = new
            .deletion_grace_period_seconds
            .map(|v| v.to_string())
            .unwrap_or_else(|| "null".into());
        errs.push(FieldError::invalid_raw(
            &format!("{path}.deletionGracePeriodSeconds"),
            value,
            FIELD_IMMUTABLE,
        ));
    }
    errs.extend(validate_labels(
        new.labels.as_ref(),
        &format!("{path}.labels"),
    ));
    errs.extend(validate_annotations(
        new.annotations.as_ref(),
        &format!("{path}.annotations"),
    ));
    errs.extend(validate_owner_references(
        new,
        &format!("{path}.ownerReferences"),
    ));
    errs
}

fn go_quote_list(items: &[String]) -> String {
    items
        .iter()
        .map(|s| super::field::quote(s))
        .collect::<Vec<_>>()
        .join(", ")
}

/// `ValidateLabels`: each key a qualified name, each value a label value; errors on the map's path.
pub fn validate_labels(
    labels: Option<&std::collections::BTreeMap<String, String>>,
    path: &str,
) -> Vec<FieldError> {
    let mut errs = Vec::new();
    for (key, value) in labels.into_iter().flatten() {
        errs.extend(validate_label_name(key, path));
        for msg in is_valid_label_value(value) {
            errs.push(FieldError::invalid(path, value, &msg));
        }
    }
    errs
}

/// `ValidateLabelName`.
pub fn validate_label_name(name: &str, path: &str) -> Vec<FieldError> {
    is_qualified_name(name)
        .into_iter()
        .map(|msg| FieldError::invalid(path, name, &msg))
        .collect()
}

/// `ValidateQualifiedName`.
pub fn validate_qualified_name(name: &str, path: &str) -> Vec<FieldError> {
    validate_label_name(name, path)
}

/// `ValidateAnnotations`: keys are qualified names (case-insensitively) and the total size is at most 256 KiB.
pub fn validate_annotations(
    annotations: Option<&std::collections::BTreeMap<String, String>>,
    path: &str,
) -> Vec<FieldError> {
    let mut errs = Vec::new();
    let mut total = 0usize;
    for (key, value) in annotations.into_iter().flatten() {
        for msg in is_qualified_name(&key.to_lowercase()) {
            errs.push(FieldError::invalid(path, key, &msg));
        }
        total = total.saturating_add(key.len()).saturating_add(value.len());
    }
    if total > TOTAL_ANNOTATION_SIZE_LIMIT {
        errs.push(FieldError::too_long(path, TOTAL_ANNOTATION_SIZE_LIMIT));
    }
    errs
}

/// `ValidateOwnerReferences` (the basic checks).
fn validate_owner_references(meta: &ObjectMeta, path: &str) -> Vec<FieldError> {
    let mut errs = Vec::new();
    let mut controllers = Vec::new();
    for (i, owner) in meta.owner_references.iter().flatten().enumerate() {
        if owner.api_version.is_empty() {
            errs.push(FieldError::invalid(
                &format!("{path}.apiVersion"),
                &owner.api_version,
                "version must not be empty",
            ));
        }
        if owner.kind.is_empty() {
            errs.push(FieldError::invalid(
                &format!("{path}.kind"),
                &owner.kind,
                "kind must not be empty",
            ));
        }
        if owner.name.is_empty() {
            errs.push(FieldError::invalid(
                &format!("{path}.name"),
                &owner.name,
                "name must not be empty",
            ));
        }
        if owner.uid.is_empty() {
            errs.push(FieldError::invalid(
                &format!("{path}.uid"),
                &owner.uid,
                "uid must not be empty",
            ));
        }
        if owner.controller == Some(true) {
            controllers.push(i);
        }
    }
    if controllers.len() > 1 {
        errs.push(FieldError::invalid_raw(
            path,
            serde_json::to_string(&meta.owner_references).unwrap_or_default(),
            "Only one reference can have Controller set to true.",
        ));
    }
    errs
}

/// `ValidateFinalizers` plus core's `validateKubeFinalizerName`.
fn validate_finalizers(finalizers: &[String], path: &str) -> Vec<FieldError> {
    let mut errs = Vec::new();
    let mut seen: Vec<&str> = Vec::new();
    let mut has_orphan = false;
    let mut has_foreground = false;
    for (i, finalizer) in finalizers.iter().enumerate() {
        let item = format!("{path}[{i}]");
        for msg in is_qualified_name(finalizer) {
            errs.push(FieldError::invalid(&item, finalizer, &msg));
        }
        if seen.contains(&finalizer.as_str()) {
            errs.push(FieldError::duplicate(&item, finalizer));
        }
        seen.push(finalizer);
        has_orphan |= finalizer == "orphan";
        has_foreground |= finalizer == "foregroundDeletion";
    }
    if has_orphan && has_foreground {
        errs.push(FieldError::invalid_raw(
            path,
            serde_json::to_string(finalizers).unwrap_or_default(),
            "finalizer orphan and foregroundDeletion cannot be both set",
        ));
    }
    for (i, finalizer) in finalizers.iter().enumerate() {
        if !finalizer.contains('/')
            && !matches!(
                finalizer.as_str(),
                "kubernetes" | "orphan" | "foregroundDeletion"
            )
        {
            errs.push(FieldError::invalid(
                &format!("{path}[{i}]"),
                finalizer,
                "name is neither a standard finalizer name nor is it fully qualified",
            ));
        }
    }
    errs
}
