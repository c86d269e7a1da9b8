//! The scheduling queue: activeQ (PrioritySort order), backoffQ (per-pod exponential backoff) and
//! unschedulablePods.
//!
//! Mirrors `pkg/scheduler/backend/queue/scheduling_queue.go` (`PriorityQueue`: `Add`, `Pop`,
//! `AddUnschedulableIfNotPresent`, `MoveAllToActiveOrBackoffQueue`, `flushBackoffQCompleted`,
//! `flushUnschedulablePodsLeftover`, `calculateBackoffDuration`) and the PrioritySort plugin
//! (`queuesort/priority_sort.go`: higher priority first, then the earlier queue timestamp).
//!
//! Which unschedulable pods a cluster event moves is decided by the QueueingHints of the plugins that
//! rejected them (`queueing_hints.rs`); the queue moves the ones the scheduler names.
//!
//! Simplifications:
//! - A cycle that ends in an error (not a FitError) goes to unschedulablePods with no rejecting plugin,
//!   so any event of interest (or the five-minute flush) retries it. Upstream backs it off and retries
//!   it for ever, which would keep the simulation from going idle.
//! - A scheduling cycle runs within one simulation step, so no cluster event can arrive while a pod is
//!   in flight: upstream's replay of in-flight events (`determineSchedulingHintForInFlightPod`) always
//!   finds none, and a failed pod goes to unschedulablePods.
//! - Upstream flushes backoffQ on a 1 s ticker and unschedulablePods on a 30 s ticker, both started
//!   with the scheduler (t = 0 here). podflow sets one timer at the tick that will find something to
//!   flush instead of ticking, so the simulation can go idle: backoff expiries are whole seconds, so
//!   the 1 s tick is the expiry itself; a pod leaves unschedulablePods at the first 30 s tick more than
//!   5 minutes after it entered.
//!
//! SchedulerPopFromBackoffQ (beta, on by default since v1.33) is modelled: when activeQ is empty the
//! scheduler pops the head of backoffQ without waiting for its backoff to end, and backoff expiries are
//! truncated to the one-second ordering window (`backoff_queue.go` `alignToWindow`), with pods of the
//! same window in activeQ's order.

use std::cmp::Reverse;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use k8s_openapi::api::core::v1::Pod;

use super::cache::pod_key;

/// `backoffQOrderingWindowDuration`: backoff expiries are truncated to whole seconds.
pub const BACKOFF_ORDERING_WINDOW_MS: u64 = 1000;

/// `DefaultPodMaxInUnschedulablePodsDuration`: 5 minutes.
pub const POD_MAX_IN_UNSCHEDULABLE_PODS_MS: u64 = 5 * 60 * 1000;
/// The period of `flushUnschedulablePodsLeftover`: 30 seconds.
pub const UNSCHEDULABLE_FLUSH_PERIOD_MS: u64 = 30 * 1000;

/// The 30 s tick at which a pod that entered unschedulablePods at `since_ms` is flushed: the first one
/// more than `podMaxInUnschedulablePodsDuration` later.
pub fn unschedulable_flush_tick_ms(since_ms: u64) -> u64 {
    let deadline = since_ms + POD_MAX_IN_UNSCHEDULABLE_PODS_MS;
    (deadline / UNSCHEDULABLE_FLUSH_PERIOD_MS + 1) * UNSCHEDULABLE_FLUSH_PERIOD_MS
}

/// Where a pending pod is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Location {
    Active,
    Backoff,
    Unschedulable,
    /// Popped; its scheduling cycle is running.
    InFlight,
}

impl Location {
    /// The queue name as upstream logs it.
    pub fn queue_name(&self) -> &'static str {
        match self {
            Location::Active => "activeQ",
            Location::Backoff => "backoffQ",
            Location::Unschedulable => "unschedulablePods",
            Location::InFlight => "in flight",
        }
    }
}

/// A pending pod with its queue bookkeeping (`QueuedPodInfo`).
#[derive(Clone, Debug, PartialEq)]
pub struct QueuedPod {
    /// The pod as last seen, shared with the watch event it came from.
    pub pod: Arc<Pod>,
    pub key: String,
    pub priority: i32,
    /// Scheduling attempts so far.
    pub attempts: u32,
    /// When the pod was last added to the queue (`Timestamp`).
    pub timestamp_ms: u64,
    /// Arrival order, the tie-break after the timestamp.
    pub seq: u64,
    pub location: Location,
    /// The plugins that rejected it in its last failed attempt (`UnschedulablePlugins`).
    pub unschedulable_plugins: Vec<&'static str>,
    /// The scheduling cycle that last popped it.
    pub cycle: u64,
}

/// What `add_or_update` did.
#[derive(Clone, Debug, PartialEq)]
pub enum Upsert {
    /// A new pod, now in activeQ.
    Added,
    /// A known pod, updated where it is; `previous` is the object it had.
    Updated {
        previous: Arc<Pod>,
        location: Location,
    },
}

/// A backoffQ entry: expiry, then activeQ's order (priority, requeue time, arrival), then the key.
type BackoffEntry = (u64, Reverse<i32>, u64, u64, String);

/// The three queues.
#[derive(Clone, Debug)]
pub struct SchedulingQueue {
    pods: BTreeMap<String, QueuedPod>,
    active: BTreeSet<(Reverse<i32>, u64, u64, String)>,
    /// podBackoffQ: pods a plugin rejected, ordered by backoff expiry, then as activeQ
    /// (`lessBackoffCompletedWithPriority`); `Pop` may take its head early.
    backoff: BTreeSet<BackoffEntry>,
    /// podErrorBackoffQ: pods whose cycle ended in an error (no rejecting plugin); only the flush
    /// takes them out.
    error_backoff: BTreeSet<BackoffEntry>,
    unschedulable: BTreeSet<String>,
    /// The queued pods with a `status.nominatedNodeName`, so a cycle finds them without walking the
    /// whole queue.
    nominated: BTreeSet<String>,
    next_seq: u64,
    scheduling_cycle: u64,
    initial_backoff_ms: u64,
    max_backoff_ms: u64,
}

impl SchedulingQueue {
    pub fn new(initial_backoff_ms: u64, max_backoff_ms: u64) -> Self {
        SchedulingQueue {
            pods: BTreeMap::new(),
            active: BTreeSet::new(),
            backoff: BTreeSet::new(),
            error_backoff: BTreeSet::new(),
            unschedulable: BTreeSet::new(),
            nominated: BTreeSet::new(),
            next_seq: 0,
            scheduling_cycle: 0,
            initial_backoff_ms,
            max_backoff_ms,
        }
    }

    pub fn get(&self, key: &str) -> Option<&QueuedPod> {
        self.pods.get(key)
    }

    /// The pods waiting with a nominated node (`status.nominatedNodeName`), with that node.
    pub fn nominated_pods(&self) -> impl Iterator<Item = (&str, &QueuedPod)> {
        self.nominated.iter().filter_map(|key| {
            let q = self.pods.get(key)?;
            nominated_node(&q.pod).map(|node| (node, q))
        })
    }

    /// Keeps `nominated` in step with a pod just stored under `key`.
    fn track_nomination(&mut self, key: &str, pod: &Pod) {
        if nominated_node(pod).is_some() {
            self.nominated.insert(key.to_string());
        } else {
            self.nominated.remove(key);
        }
    }

    pub fn active_len(&self) -> usize {
        self.active.len()
    }

    pub fn backoff_len(&self) -> usize {
        self.backoff.len() + self.error_backoff.len()
    }

    pub fn unschedulable_len(&self) -> usize {
        self.unschedulable.len()
    }

    /// `calculateBackoffDuration`: initial × 2^(attempts−1), capped at the max.
    pub fn backoff_duration_ms(&self, attempts: u32) -> u64 {
        let mut d = self.initial_backoff_ms;
        for _ in 1..attempts {
            if d > self.max_backoff_ms.saturating_sub(d) {
                return self.max_backoff_ms;
            }
            d += d;
        }
        d.min(self.max_backoff_ms)
    }

    /// When the pod's backoff ends (`getBackoffTime`): its last requeue plus the backoff, truncated to
    /// the ordering window; a pod never tried has none.
    pub fn backoff_expiry_ms(&self, q: &QueuedPod) -> u64 {
        if q.attempts == 0 {
            return 0;
        }
        let end = q.timestamp_ms + self.backoff_duration_ms(q.attempts);
        end - end % BACKOFF_ORDERING_WINDOW_MS
    }

    /// `isPodBackingoff`: until the window after the one its backoff ends in (a backoff ending in the
    /// current window still counts); a pod never tried is not backing off.
    fn is_backing_off(&self, q: &QueuedPod, now_ms: u64) -> bool {
        q.attempts > 0 && self.backoff_expiry_ms(q) >= now_ms - now_ms % BACKOFF_ORDERING_WINDOW_MS
    }

    fn backoff_entry(&self, q: &QueuedPod) -> BackoffEntry {
        let expiry = self.backoff_expiry_ms(q);
        (
            expiry,
            Reverse(q.priority),
            q.timestamp_ms,
            q.seq,
            q.key.clone(),
        )
    }

    fn detach(&mut self, key: &str) {
        let Some(q) = self.pods.get(key) else {
            return;
        };
        match q.location {
            Location::Active => {
                self.active
                    .remove(&(Reverse(q.priority), q.timestamp_ms, q.seq, key.to_string()));
            }
            Location::Backoff => {
                let entry = self.backoff_entry(q);
                if !self.backoff.remove(&entry) {
                    self.error_backoff.remove(&entry);
                }
            }
            Location::Unschedulable => {
                self.unschedulable.remove(key);
            }
            Location::InFlight => {}
        }
    }

    fn attach(&mut self, key: &str, location: Location) {
        let Some(q) = self.pods.get_mut(key) else {
            return;
        };
        q.location = location;
        let q = q.clone();
        match location {
            Location::Active => {
                self.active
                    .insert((Reverse(q.priority), q.timestamp_ms, q.seq, q.key));
            }
            Location::Backoff => {
                let entry = self.backoff_entry(&q);
                if q.unschedulable_plugins.is_empty() {
                    self.error_backoff.insert(entry);
                } else {
                    self.backoff.insert(entry);
                }
            }
            Location::Unschedulable => {
                self.unschedulable.insert(q.key);
            }
            Location::InFlight => {}
        }
    }

    /// A new pending pod goes to activeQ; a known one has its object replaced where it is.
    pub fn add_or_update(&mut self, pod: &Pod, now_ms: u64) -> Upsert {
        self.add_or_update_shared(&Arc::new(pod.clone()), now_ms)
    }

    /// `add_or_update` for a pod the caller already shares (a watch event's object): kept without a copy.
    /// An updated pod stays in its queue: whether an update moves an unschedulable pod is for the
    /// QueueingHints to say (`PriorityQueue.Update`).
    pub fn add_or_update_shared(&mut self, pod: &Arc<Pod>, now_ms: u64) -> Upsert {
        let key = pod_key(pod);
        self.track_nomination(&key, pod);
        if let Some(q) = self.pods.get_mut(&key) {
            let previous = std::mem::replace(&mut q.pod, Arc::clone(pod));
            return Upsert::Updated {
                previous,
                location: q.location,
            };
        }
        let seq = self.next_seq;
        self.next_seq += 1;
        self.pods.insert(
            key.clone(),
            QueuedPod {
                pod: Arc::clone(pod),
                key: key.clone(),
                priority: pod.spec.as_ref().and_then(|s| s.priority).unwrap_or(0),
                attempts: 0,
                timestamp_ms: now_ms,
                seq,
                location: Location::Active,
                unschedulable_plugins: Vec::new(),
                cycle: 0,
            },
        );
        self.attach(&key, Location::Active);
        Upsert::Added
    }

    /// Removes a pod (deleted, or bound by someone else).
    pub fn delete(&mut self, key: &str) -> bool {
        self.detach(key);
        self.nominated.remove(key);
        self.pods.remove(key).is_some()
    }

    /// Whether `Pop` has a pod to give: activeQ's head, or podBackoffQ's (never podErrorBackoffQ's).
    pub fn can_pop(&self) -> bool {
        !self.active.is_empty() || !self.backoff.is_empty()
    }

    /// Pops the head of activeQ and starts a scheduling cycle for it.
    pub fn pop(&mut self) -> Option<QueuedPod> {
        self.pop_with_source().map(|(q, _)| q)
    }

    /// `Pop`: the head of activeQ, or, when activeQ is empty, the head of backoffQ whatever its backoff
    /// (SchedulerPopFromBackoffQ). Returns the pod and the queue it came from.
    pub fn pop_with_source(&mut self) -> Option<(QueuedPod, Location)> {
        let (key, source) = match self.active.pop_first() {
            Some((_, _, _, key)) => (key, Location::Active),
            // popBackoff takes from podBackoffQ only.
            None => {
                let (_, _, _, _, key) = self.backoff.pop_first()?;
                (key, Location::Backoff)
            }
        };
        self.scheduling_cycle += 1;
        let cycle = self.scheduling_cycle;
        let q = self.pods.get_mut(&key)?;
        q.location = Location::InFlight;
        q.attempts += 1;
        q.cycle = cycle;
        Some((q.clone(), source))
    }

    /// The cycle ended with the pod bound (or assumed): it leaves the queue.
    pub fn done(&mut self, key: &str) {
        self.delete(key);
    }

    /// `AddUnschedulableIfNotPresent` for an unschedulable verdict: to unschedulablePods (no event can
    /// have arrived during the cycle). Returns the new location, or None when the pod is gone.
    pub fn requeue_unschedulable(
        &mut self,
        key: &str,
        now_ms: u64,
        rejected_by: Vec<&'static str>,
    ) -> Option<Location> {
        let q = self.pods.get_mut(key)?;
        if q.location != Location::InFlight {
            return None;
        }
        q.timestamp_ms = now_ms;
        q.unschedulable_plugins = rejected_by;
        self.attach(key, Location::Unschedulable);
        Some(Location::Unschedulable)
    }

    /// A pod whose cycle ended in an error (the binding failed, a score out of range, no nodes at
    /// all) goes to backoffQ (upstream's podErrorBackoffQ: no rejecting plugins, and not popped
    /// before its backoff ends).
    pub fn requeue_backoff(&mut self, key: &str, now_ms: u64) -> Option<Location> {
        let q = self.pods.get_mut(key)?;
        if q.location != Location::InFlight {
            return None;
        }
        q.timestamp_ms = now_ms;
        q.unschedulable_plugins = Vec::new();
        self.attach(key, Location::Backoff);
        Some(Location::Backoff)
    }

    fn move_one(&mut self, key: &str, now_ms: u64) -> Location {
        self.detach(key);
        let backing_off = self
            .pods
            .get(key)
            .is_some_and(|q| self.is_backing_off(q, now_ms));
        let location = if backing_off {
            Location::Backoff
        } else {
            Location::Active
        };
        self.attach(key, location);
        location
    }

    /// The pods in unschedulablePods, by key.
    pub fn unschedulable_pods(&self) -> impl Iterator<Item = &QueuedPod> {
        self.unschedulable.iter().filter_map(|k| self.pods.get(k))
    }

    /// `requeuePodWithQueueingStrategy` (queue after backoff) for a pod in unschedulablePods that a
    /// cluster event's hints sent back: to backoffQ if still backing off, else to activeQ. None when
    /// the pod is not in unschedulablePods.
    pub fn move_to_active_or_backoff(&mut self, key: &str, now_ms: u64) -> Option<Location> {
        self.unschedulable
            .contains(key)
            .then(|| self.move_one(key, now_ms))
    }

    /// `flushBackoffQCompleted`: pods whose backoff ended move to activeQ, podBackoffQ's first, then
    /// podErrorBackoffQ's (`popAllBackoffCompleted`).
    pub fn flush_backoff_completed(&mut self, now_ms: u64) -> Vec<String> {
        let window = now_ms - now_ms % BACKOFF_ORDERING_WINDOW_MS;
        let mut moved = Vec::new();
        for errors in [false, true] {
            let set = if errors {
                &mut self.error_backoff
            } else {
                &mut self.backoff
            };
            while set.first().is_some_and(|(expiry, ..)| *expiry < window) {
                if let Some((_, _, _, _, key)) = set.pop_first() {
                    moved.push(key);
                }
            }
        }
        for key in &moved {
            self.attach(key, Location::Active);
        }
        moved
    }

    /// `flushUnschedulablePodsLeftover`: pods unschedulable for more than 5 minutes are moved.
    pub fn flush_unschedulable_leftover(&mut self, now_ms: u64) -> Vec<(String, Location)> {
        let stale: Vec<String> = self
            .unschedulable
            .iter()
            .filter(|k| {
                self.pods.get(*k).is_some_and(|q| {
                    now_ms.saturating_sub(q.timestamp_ms) > POD_MAX_IN_UNSCHEDULABLE_PODS_MS
                })
            })
            .cloned()
            .collect();
        stale
            .into_iter()
            .map(|k| {
                let loc = self.move_one(&k, now_ms);
                (k, loc)
            })
            .collect()
    }

    /// The flush tick (`flushBackoffQCompleted` runs at each whole second) that releases the first pod
    /// of backoffQ: the one after its backoff's window.
    pub fn next_backoff_release(&self) -> Option<u64> {
        let first = |set: &BTreeSet<BackoffEntry>| set.first().map(|(t, ..)| *t);
        first(&self.backoff)
            .into_iter()
            .chain(first(&self.error_backoff))
            .min()
            .map(|t| t + BACKOFF_ORDERING_WINDOW_MS)
    }

    /// Pending pods in activeQ order (for inspection).
    pub fn active_keys(&self) -> Vec<String> {
        self.active.iter().map(|(_, _, _, k)| k.clone()).collect()
    }
}

/// A pod's `status.nominatedNodeName`, when set.
fn nominated_node(pod: &Pod) -> Option<&str> {
    pod.status
        .as_ref()?
        .nominated_node_name
        .as_deref()
        .filter(|n| !n.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::scheduler::plugins::testing::PodBuilder;

    fn queue() -> SchedulingQueue {
        SchedulingQueue::new(1000, 10_000)
    }

    #[test]
    fn should_pop_higher_priority_first_then_earlier_arrival() {
        let mut q = queue();
        q.add_or_update(&PodBuilder::new("low-early").priority(0).build(), 0);
        q.add_or_update(&PodBuilder::new("high").priority(100).build(), 5);
        q.add_or_update(&PodBuilder::new("low-late").priority(0).build(), 6);
        q.add_or_update(&PodBuilder::new("low-same-time").priority(0).build(), 6);
        let order: Vec<String> = std::iter::from_fn(|| q.pop().map(|p| p.key)).collect();
        assert_eq!(
            order,
            vec![
                "default/high",
                "default/low-early",
                "default/low-late",
                "default/low-same-time"
            ]
        );
    }

    #[test]
    fn should_list_the_pods_with_a_nominated_node_as_their_status_changes() {
        let nominated = |node: &str| {
            let mut pod = PodBuilder::new("p").build();
            pod.status = Some(k8s_openapi::api::core::v1::PodStatus {
                nominated_node_name: Some(node.into()),
                ..Default::default()
            });
            pod
        };
        let listed = |q: &SchedulingQueue| -> Vec<(String, String)> {
            q.nominated_pods()
                .map(|(node, p)| (node.to_string(), p.key.clone()))
                .collect()
        };
        let mut q = queue();
        q.add_or_update(&PodBuilder::new("other").build(), 0);
        q.add_or_update(&nominated("node-a"), 0);
        assert_eq!(listed(&q), vec![("node-a".into(), "default/p".into())]);
        q.add_or_update(&nominated(""), 1);
        assert!(listed(&q).is_empty());
        q.add_or_update(&nominated("node-b"), 2);
        assert_eq!(listed(&q), vec![("node-b".into(), "default/p".into())]);
        q.delete("default/p");
        assert!(listed(&q).is_empty());
    }

    #[test]
    fn should_double_backoff_up_to_the_max() {
        let q = queue();
        let got: Vec<u64> = (1..=6).map(|a| q.backoff_duration_ms(a)).collect();
        assert_eq!(got, vec![1000, 2000, 4000, 8000, 10_000, 10_000]);
    }

    #[test]
    fn should_park_unschedulable_pods_until_a_move_then_respect_backoff() {
        let mut q = queue();
        q.add_or_update(&PodBuilder::new("p").build(), 0);
        let p = q.pop().unwrap();
        assert_eq!(p.attempts, 1);
        assert_eq!(
            q.requeue_unschedulable(&p.key, 100, Vec::new()),
            Some(Location::Unschedulable)
        );
        assert_eq!(q.unschedulable_len(), 1);
        // A node arrives 500 ms later: still backing off (100 + 1 s, truncated to the 1 s window:
        // 1000; isPodBackingoff holds through that window) → backoffQ, released by the 2 s tick.
        assert_eq!(
            q.move_to_active_or_backoff(&p.key, 600),
            Some(Location::Backoff)
        );
        assert_eq!(q.move_to_active_or_backoff(&p.key, 600), None);
        assert_eq!(q.next_backoff_release(), Some(2000));
        assert!(q.flush_backoff_completed(1000).is_empty());
        assert!(q.flush_backoff_completed(1999).is_empty());
        assert_eq!(q.flush_backoff_completed(2000), vec![p.key.clone()]);
        assert_eq!(q.active_len(), 1);
        // Second failure at 2 s: a 2 s backoff ending in the 4 s window; a move in that window still
        // backs off, a move after it goes straight to activeQ.
        let p = q.pop().unwrap();
        assert_eq!(p.attempts, 2);
        q.requeue_unschedulable(&p.key, 2000, vec!["NodeResourcesFit"]);
        assert_eq!(
            q.move_to_active_or_backoff(&p.key, 4500),
            Some(Location::Backoff)
        );
        assert_eq!(q.flush_backoff_completed(5000), vec![p.key.clone()]);
        let p = q.pop().unwrap();
        q.requeue_unschedulable(&p.key, 6000, vec!["NodeResourcesFit"]);
        assert_eq!(
            q.move_to_active_or_backoff(&p.key, 6000 + 4000 + 1000),
            Some(Location::Active)
        );
    }

    #[test]
    fn should_keep_pods_that_failed_with_an_error_out_of_pop_from_backoff() {
        // podErrorBackoffQ: a pod no plugin rejected (an error) is not popped early; a rejected one is.
        let mut q = queue();
        q.add_or_update(&PodBuilder::new("error").build(), 0);
        let p = q.pop().unwrap();
        assert_eq!(q.requeue_backoff(&p.key, 100), Some(Location::Backoff));
        assert!(!q.can_pop());
        assert!(q.pop().is_none());
        q.add_or_update(&PodBuilder::new("rejected").build(), 200);
        let p = q.pop().unwrap();
        q.requeue_unschedulable(&p.key, 300, vec!["NodeResourcesFit"]);
        q.move_to_active_or_backoff(&p.key, 400);
        assert!(q.can_pop());
        assert_eq!(q.pop().map(|p| p.key), Some("default/rejected".to_string()));
        assert_eq!(
            q.flush_backoff_completed(2000),
            vec!["default/error".to_string()]
        );
    }

    #[test]
    fn should_pop_from_backoff_when_active_is_empty_in_window_then_priority_order() {
        let mut q = queue();
        for (name, priority) in [("late-low", 0), ("early", 0), ("late-high", 10)] {
            q.add_or_update(&PodBuilder::new(name).priority(priority).build(), 0);
        }
        // Failures at 100 ms (early) and 400 ms (the others): expiries 1100 and 1400, both in the
        // window starting at 1000, so activeQ's order decides: priority, then the requeue time.
        while let Some(p) = q.pop() {
            let at = if p.key == "default/early" { 100 } else { 400 };
            q.requeue_unschedulable(&p.key, at, vec!["NodeResourcesFit"]);
        }
        for key in ["default/late-low", "default/early", "default/late-high"] {
            assert_eq!(
                q.move_to_active_or_backoff(key, 500),
                Some(Location::Backoff)
            );
        }
        q.add_or_update(&PodBuilder::new("fresh").build(), 600);
        let order: Vec<(String, Location)> = std::iter::from_fn(|| q.pop_with_source())
            .map(|(p, source)| (p.key, source))
            .collect();
        assert_eq!(
            order,
            vec![
                ("default/fresh".to_string(), Location::Active),
                ("default/late-high".to_string(), Location::Backoff),
                ("default/early".to_string(), Location::Backoff),
                ("default/late-low".to_string(), Location::Backoff),
            ]
        );
    }

    #[test]
    fn should_update_a_known_pod_where_it_is() {
        let mut q = queue();
        assert_eq!(
            q.add_or_update(&PodBuilder::new("p").build(), 0),
            Upsert::Added
        );
        let p = q.pop().unwrap();
        q.requeue_unschedulable(&p.key, 100, vec!["TaintToleration"]);
        let relabelled = PodBuilder::new("p").label("app", "web").build();
        match q.add_or_update(&relabelled, 200) {
            Upsert::Updated { previous, location } => {
                assert_eq!(location, Location::Unschedulable);
                assert_eq!(previous.metadata.labels, None);
            }
            other => panic!("expected an update, got {other:?}"),
        }
        assert_eq!(q.unschedulable_len(), 1);
        assert_eq!(
            q.get(&p.key).and_then(|q| q.pod.metadata.labels.clone()),
            relabelled.metadata.labels
        );
    }

    #[test]
    fn should_flush_pods_unschedulable_for_five_minutes() {
        let mut q = queue();
        q.add_or_update(&PodBuilder::new("p").build(), 0);
        let p = q.pop().unwrap();
        q.requeue_unschedulable(&p.key, 1000, Vec::new());
        assert!(q
            .flush_unschedulable_leftover(1000 + POD_MAX_IN_UNSCHEDULABLE_PODS_MS)
            .is_empty());
        assert_eq!(unschedulable_flush_tick_ms(1000), 330_000);
        assert_eq!(
            unschedulable_flush_tick_ms(0),
            330_000,
            "more than 5 minutes"
        );
        assert_eq!(unschedulable_flush_tick_ms(29_999), 330_000);
        assert_eq!(
            q.flush_unschedulable_leftover(330_000),
            vec![(p.key, Location::Active)]
        );
    }

    #[test]
    fn should_forget_deleted_pods() {
        let mut q = queue();
        q.add_or_update(&PodBuilder::new("p").build(), 0);
        assert!(q.delete("default/p"));
        assert!(q.pop().is_none());
        assert!(q.get("default/p").is_none());
    }
}
