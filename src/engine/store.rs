//! etcd as the API server uses it: one key per object under `/registry`, one global revision, and watches.
//!
//! Mirrors `k8s.io/apiserver/pkg/storage/etcd3/store.go`: a create on an existing key fails (KeyExists,
//! which the API server turns into 409 AlreadyExists), an update with a stale resourceVersion fails (409
//! Conflict), and every successful write bumps the single cluster-wide revision, which becomes the
//! object's `metadata.resourceVersion` (its ModRevision). Watch events are emitted in revision order.
//!
//! etcd keeps every revision until it is compacted; this store keeps the values the current engine
//! step replaced ([`Store::begin_step`] starts a new one), so the store can be read as it stood at any
//! revision within that step ([`Store::at_revision`], `etcdctl get --rev`). The page uses it to show
//! the cluster between two writes of one step: after the scheduler's Filter, before its Bind.

use std::collections::BTreeMap;
use std::ops::Bound;

use serde::{Deserialize, Serialize};

use super::objects::Object;

/// Upstream's default `--etcd-prefix`.
pub const ETCD_PREFIX: &str = "/registry";

/// The key segment a resource is stored under: the resource name, except for upstream's
/// `SpecialDefaultResourcePrefixes` (`pkg/kubeapiserver/default_storage_factory_builder.go`) among
/// the kinds podflow serves: Nodes under `minions`, Services under `services/specs`.
pub fn resource_prefix(resource: &str) -> &str {
    match resource {
        "nodes" => "minions",
        "services" => "services/specs",
        other => other,
    }
}

/// `/registry/<prefix>/<namespace>/<name>` or `/registry/<prefix>/<name>`.
pub fn key(resource: &str, namespace: Option<&str>, name: &str) -> String {
    let prefix = resource_prefix(resource);
    match namespace {
        Some(ns) if !ns.is_empty() => format!("{ETCD_PREFIX}/{prefix}/{ns}/{name}"),
        _ => format!("{ETCD_PREFIX}/{prefix}/{name}"),
    }
}

/// Where a list of a resource (in one namespace, or all) starts: `/registry/<prefix>/[<namespace>/]`.
pub fn list_prefix(resource: &str, namespace: Option<&str>) -> String {
    let prefix = resource_prefix(resource);
    match namespace {
        Some(ns) if !ns.is_empty() => format!("{ETCD_PREFIX}/{prefix}/{ns}/"),
        _ => format!("{ETCD_PREFIX}/{prefix}/"),
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
    /// The writes of the current step, in revision order, each with the value it replaced.
    step_writes: Vec<ReplacedValue>,
}

/// What one write replaced: the key's value just before `revision` (`None`: the key did not exist).
#[derive(Clone, Debug)]
struct ReplacedValue {
    revision: i64,
    key: String,
    before: Option<Box<StoredObject>>,
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

    /// Starts a new step: the values replaced so far are no longer needed to read earlier revisions.
    pub fn begin_step(&mut self) {
        self.step_writes.clear();
    }

    /// The store as it stood at `revision`. Exact for every revision since the current step began
    /// (earlier revisions read as that step's start); the current revision or later reads the store
    /// as it is.
    pub fn at_revision(&self, revision: i64) -> StoreAt<'_> {
        let mut earlier: BTreeMap<&str, Option<&StoredObject>> = BTreeMap::new();
        for write in self.step_writes.iter().filter(|w| w.revision > revision) {
            // The first write after `revision` holds the value the key had at `revision`.
            earlier
                .entry(write.key.as_str())
                .or_insert(write.before.as_deref());
        }
        StoreAt {
            store: self,
            revision: revision.min(self.revision),
            earlier,
        }
    }

    /// The store as it is now, read through the same interface as an earlier revision.
    pub fn current(&self) -> StoreAt<'_> {
        self.at_revision(self.revision)
    }

    fn remember(&mut self, revision: i64, key: &str, before: Option<Box<StoredObject>>) {
        self.step_writes.push(ReplacedValue {
            revision,
            key: key.to_string(),
            before,
        });
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
        self.remember(self.revision, key, None);
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
        let before = Some(current.clone());
        self.step_writes.push(ReplacedValue {
            revision: self.revision,
            key: key.to_string(),
            before,
        });
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
        let mut object = stored.object.clone();
        self.remember(self.revision, key, Some(stored));
        Self::stamp(&mut object, self.revision);
        Ok(WatchEvent {
            event_type: WatchEventType::Deleted,
            object,
            revision: self.revision,
            previous: None,
        })
    }
}

/// A read-only view of the store at one revision of the current step (see [`Store::at_revision`]).
#[derive(Debug)]
pub struct StoreAt<'a> {
    store: &'a Store,
    revision: i64,
    /// Keys written after `revision`, with their value at `revision` (`None`: absent then).
    earlier: BTreeMap<&'a str, Option<&'a StoredObject>>,
}

impl<'a> StoreAt<'a> {
    /// The revision this view shows.
    pub fn revision(&self) -> i64 {
        self.revision
    }

    pub fn get(&self, key: &str) -> Option<&'a StoredObject> {
        match self.earlier.get(key) {
            Some(before) => *before,
            None => self.store.get(key),
        }
    }

    /// Every key under `prefix` at this revision, in key order.
    pub fn list<'p>(
        &self,
        prefix: &'p str,
    ) -> impl Iterator<Item = (&'a str, &'a StoredObject)> + 'p
    where
        'a: 'p,
    {
        let mut now = self
            .store
            .list(prefix)
            .map(|(key, stored)| (key.as_str(), stored))
            .peekable();
        let mut then = self
            .earlier
            .range::<str, _>((Bound::Included(prefix), Bound::Unbounded))
            .take_while(move |(key, _)| key.starts_with(prefix))
            .map(|(key, before)| (*key, *before))
            .collect::<Vec<_>>()
            .into_iter()
            .peekable();
        // Merge the current keys with the keys written since `revision`, which replace them (or are
        // missing from them: deleted since).
        std::iter::from_fn(move || loop {
            let next_changed = then.peek().map(|(key, _)| *key);
            let next_now = now.peek().map(|(key, _)| *key);
            match (next_now, next_changed) {
                (None, None) => return None,
                (Some(current), Some(changed)) if current < changed => return now.next(),
                (Some(_), None) => return now.next(),
                (current, Some(changed)) => {
                    if current == Some(changed) {
                        now.next();
                    }
                    if let Some((key, Some(before))) = then.next() {
                        return Some((key, before));
                    }
                }
            }
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
        assert_eq!(key("nodes", None, "node-a"), "/registry/minions/node-a");
        assert_eq!(
            key("services", Some("default"), "web"),
            "/registry/services/specs/default/web"
        );
        assert_eq!(
            list_prefix("services", Some("default")),
            "/registry/services/specs/default/"
        );
        assert_eq!(list_prefix("nodes", None), "/registry/minions/");
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

    fn names_at(store: &Store, revision: i64) -> Vec<(String, String)> {
        store
            .at_revision(revision)
            .list("/registry/pods/")
            .map(|(k, stored)| (k.to_string(), stored.mod_revision.to_string()))
            .collect()
    }

    fn rows(rows: &[(&str, i64)]) -> Vec<(String, String)> {
        rows.iter()
            .map(|(k, r)| (format!("/registry/pods/default/{k}"), r.to_string()))
            .collect()
    }

    #[test]
    fn should_read_every_revision_of_the_current_step() {
        let mut s = Store::new();
        s.create("/registry/pods/default/b", pod("b")).unwrap(); // 1
        s.create("/registry/pods/default/d", pod("d")).unwrap(); // 2
        s.begin_step();
        s.create("/registry/pods/default/a", pod("a")).unwrap(); // 3
        s.update("/registry/pods/default/b", pod("b"), Some(1))
            .unwrap(); // 4
        s.delete("/registry/pods/default/d").unwrap(); // 5
        s.create("/registry/pods/default/c", pod("c")).unwrap(); // 6
        s.update("/registry/pods/default/b", pod("b"), Some(4))
            .unwrap(); // 7

        let cases: [(i64, &[(&str, i64)]); 7] = [
            (2, &[("b", 1), ("d", 2)]),
            (3, &[("a", 3), ("b", 1), ("d", 2)]),
            (4, &[("a", 3), ("b", 4), ("d", 2)]),
            (5, &[("a", 3), ("b", 4)]),
            (6, &[("a", 3), ("b", 4), ("c", 6)]),
            (7, &[("a", 3), ("b", 7), ("c", 6)]),
            (99, &[("a", 3), ("b", 7), ("c", 6)]),
        ];
        for (revision, want) in cases {
            assert_eq!(names_at(&s, revision), rows(want), "at revision {revision}");
        }
        let at_four = s.at_revision(4);
        assert_eq!(at_four.revision(), 4);
        assert!(at_four.get("/registry/pods/default/c").is_none());
        assert_eq!(
            at_four
                .get("/registry/pods/default/d")
                .map(|stored| stored.mod_revision),
            Some(2)
        );
        assert_eq!(s.current().revision(), 7);
    }

    #[test]
    fn should_forget_replaced_values_when_a_step_begins() {
        let mut s = Store::new();
        s.create("/registry/pods/default/a", pod("a")).unwrap();
        s.update("/registry/pods/default/a", pod("a"), Some(1))
            .unwrap();
        s.begin_step();
        // Revisions before the step read as the step's start: the store as it is.
        assert_eq!(names_at(&s, 1), rows(&[("a", 2)]));
    }

    #[test]
    fn should_not_remember_failed_writes() {
        let mut s = Store::new();
        s.create("/registry/pods/default/a", pod("a")).unwrap();
        s.begin_step();
        assert!(s.create("/registry/pods/default/a", pod("a")).is_err());
        assert!(s
            .update("/registry/pods/default/a", pod("a"), Some(7))
            .is_err());
        assert!(s.delete("/registry/pods/default/zz").is_err());
        assert_eq!(names_at(&s, 0), rows(&[("a", 1)]));
    }
}
