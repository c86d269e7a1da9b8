//! etcd as the API server uses it: one key per object under `/registry`, one global revision, and watches.
//!
//! Mirrors `k8s.io/apiserver/pkg/storage/etcd3/store.go`: a create on an existing key fails (KeyExists,
//! which the API server turns into 409 AlreadyExists), an update with a stale resourceVersion fails (409
//! Conflict), and every successful write bumps the single cluster-wide revision, which becomes the
//! object's `metadata.resourceVersion` (its ModRevision). Watch events are emitted in revision order.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::objects::Object;

/// Upstream's default `--etcd-prefix`.
pub const ETCD_PREFIX: &str = "/registry";

/// `/registry/<resource>/<namespace>/<name>` or `/registry/<resource>/<name>`.
pub fn key(resource: &str, namespace: Option<&str>, name: &str) -> String {
    match namespace {
        Some(ns) if !ns.is_empty() => format!("{ETCD_PREFIX}/{resource}/{ns}/{name}"),
        _ => format!("{ETCD_PREFIX}/{resource}/{name}"),
    }
}

/// Watch event types (`k8s.io/apimachinery/pkg/watch/watch.go`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum WatchEventType {
    #[serde(rename = "ADDED")]
    Added,
    #[serde(rename = "MODIFIED")]
    Modified,
    #[serde(rename = "DELETED")]
    Deleted,
}

/// One change to one key.
#[derive(Clone, Debug, PartialEq)]
pub struct WatchEvent {
    pub event_type: WatchEventType,
    /// The object after the change (before it, for DELETED), with resourceVersion set.
    pub object: Object,
    /// The revision of the change.
    pub revision: i64,
    /// The object before the change, for MODIFIED (what a watch cache would hand an informer as `old`).
    pub previous: Option<Object>,
}

/// One key's value.
#[derive(Clone, Debug, PartialEq)]
pub struct StoredObject {
    pub object: Object,
    pub create_revision: i64,
    pub mod_revision: i64,
}

/// Why a storage operation failed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StoreError {
    /// Create on an existing key.
    KeyExists,
    /// Get, update or delete of a missing key.
    NotFound,
    /// Update whose precondition resourceVersion is not the current one.
    Conflict { current: i64 },
}

/// The key-value store with its revision counter.
#[derive(Clone, Debug, Default)]
pub struct Store {
    revision: i64,
    /// Boxed: an `Object` is several KiB inline, and B-tree nodes shift their values on every insert.
    items: BTreeMap<String, Box<StoredObject>>,
}

impl Store {
    pub fn new() -> Self {
        Self::default()
    }

    /// The current (latest) revision of the whole store; a list's resourceVersion.
    pub fn revision(&self) -> i64 {
        self.revision
    }

    pub fn get(&self, key: &str) -> Option<&StoredObject> {
        self.items.get(key).map(|stored| &**stored)
    }

    /// Every key under `prefix`, in key order.
    pub fn list<'a, 'p>(
        &'a self,
        prefix: &'p str,
    ) -> impl Iterator<Item = (&'a String, &'a StoredObject)> + 'p
    where
        'a: 'p,
    {
        self.items
            .range(prefix.to_string()..)
            .take_while(move |(k, _)| k.starts_with(prefix))
            .map(|(k, stored)| (k, &**stored))
    }

    pub fn len(&self) -> usize {
        self.items.len()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    fn stamp(object: &mut Object, revision: i64) {
        object.metadata_mut().resource_version = Some(revision.to_string());
    }

    /// Creates `key`; fails with KeyExists if it is present.
    pub fn create(&mut self, key: &str, mut object: Object) -> Result<WatchEvent, StoreError> {
        if self.items.contains_key(key) {
            return Err(StoreError::KeyExists);
        }
        self.revision += 1;
        Self::stamp(&mut object, self.revision);
        self.items.insert(
            key.to_string(),
            Box::new(StoredObject {
                object: object.clone(),
                create_revision: self.revision,
                mod_revision: self.revision,
            }),
        );
        Ok(WatchEvent {
            event_type: WatchEventType::Added,
            object,
            revision: self.revision,
            previous: None,
        })
    }

    /// Replaces `key`. With `expected` set, fails with Conflict unless it equals the current ModRevision.
    pub fn update(
        &mut self,
        key: &str,
        mut object: Object,
        expected: Option<i64>,
    ) -> Result<WatchEvent, StoreError> {
        let Some(current) = self.items.get_mut(key) else {
            return Err(StoreError::NotFound);
        };
        if let Some(rv) = expected {
            if rv != current.mod_revision {
                return Err(StoreError::Conflict {
                    current: current.mod_revision,
                });
            }
        }
        self.revision += 1;
        Self::stamp(&mut object, self.revision);
        // The old value moves out as the event's `previous`; the key keeps its create revision.
        let previous = std::mem::replace(&mut current.object, object.clone());
        current.mod_revision = self.revision;
        Ok(WatchEvent {
            event_type: WatchEventType::Modified,
            object,
            revision: self.revision,
            previous: Some(previous),
        })
    }

    /// Deletes `key`.
    pub fn delete(&mut self, key: &str) -> Result<WatchEvent, StoreError> {
        let Some(stored) = self.items.remove(key) else {
            return Err(StoreError::NotFound);
        };
        self.revision += 1;
        let mut object = stored.object;
        Self::stamp(&mut object, self.revision);
        Ok(WatchEvent {
            event_type: WatchEventType::Deleted,
            object,
            revision: self.revision,
            previous: None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use k8s_openapi::api::core::v1::Pod;
    use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

    fn pod(name: &str) -> Object {
        Object::Pod(std::sync::Arc::new(Pod {
            metadata: ObjectMeta {
                name: Some(name.into()),
                namespace: Some("default".into()),
                ..Default::default()
            },
            ..Default::default()
        }))
    }

    #[test]
    fn keys_follow_the_registry_layout() {
        assert_eq!(
            key("pods", Some("default"), "demo-pod"),
            "/registry/pods/default/demo-pod"
        );
        assert_eq!(key("nodes", None, "node-a"), "/registry/nodes/node-a");
    }

    #[test]
    fn revisions_grow_and_become_resource_versions() {
        let mut s = Store::new();
        let a = s.create("/registry/pods/default/a", pod("a")).unwrap();
        let b = s.create("/registry/pods/default/b", pod("b")).unwrap();
        assert_eq!((a.revision, b.revision), (1, 2));
        assert_eq!(b.object.metadata().resource_version.as_deref(), Some("2"));
        let u = s
            .update("/registry/pods/default/a", pod("a"), Some(1))
            .unwrap();
        assert_eq!(u.revision, 3);
        assert_eq!(u.event_type, WatchEventType::Modified);
        assert_eq!(
            s.get("/registry/pods/default/a").unwrap().create_revision,
            1
        );
    }

    #[test]
    fn create_on_existing_key_fails_and_changes_nothing() {
        let mut s = Store::new();
        s.create("/registry/pods/default/a", pod("a")).unwrap();
        assert_eq!(
            s.create("/registry/pods/default/a", pod("a")),
            Err(StoreError::KeyExists)
        );
        assert_eq!(s.revision(), 1);
    }

    #[test]
    fn stale_update_conflicts() {
        let mut s = Store::new();
        s.create("/registry/pods/default/a", pod("a")).unwrap();
        s.update("/registry/pods/default/a", pod("a"), Some(1))
            .unwrap();
        assert_eq!(
            s.update("/registry/pods/default/a", pod("a"), Some(1)),
            Err(StoreError::Conflict { current: 2 })
        );
    }

    #[test]
    fn list_is_prefix_scoped_and_ordered() {
        let mut s = Store::new();
        s.create("/registry/pods/ns2/b", pod("b")).unwrap();
        s.create("/registry/pods/default/z", pod("z")).unwrap();
        s.create("/registry/podsx/default/q", pod("q")).unwrap();
        let keys: Vec<_> = s.list("/registry/pods/").map(|(k, _)| k.clone()).collect();
        assert_eq!(
            keys,
            vec!["/registry/pods/default/z", "/registry/pods/ns2/b"]
        );
    }

    #[test]
    fn delete_removes_and_bumps_revision() {
        let mut s = Store::new();
        s.create("/registry/pods/default/a", pod("a")).unwrap();
        let d = s.delete("/registry/pods/default/a").unwrap();
        assert_eq!(d.event_type, WatchEventType::Deleted);
        assert_eq!(s.revision(), 2);
        assert_eq!(
            s.delete("/registry/pods/default/a"),
            Err(StoreError::NotFound)
        );
    }
}
