//! The simulation world: virtual clock, seeded RNG, event queue, and the components wired together.
//!
//! There is no single upstream counterpart: this is the cluster itself. Events are kept in a
//! `BTreeMap<(time, sequence), Event>`; `step()` takes the earliest, hands it to its component, then
//! turns the watch events the API server produced into deliveries a few milliseconds later. Components
//! talk to each other only through the API server, as in a real cluster.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde::Serialize;

use super::api::{ApiRequest, ApiResponse, ApiServer};
use super::controllers::{ControllerManager, ControllerWake};
use super::events::EventRecorders;
use super::kubelet::{Kubelet, KubeletWake};
use super::objects::Object;
use super::rng::SimRng;
use super::scheduler::{Scheduler, SchedulerWake};
use super::store::{WatchEvent, WatchEventType};
use super::trace::{Component, Outcome, Stage, Trace, TraceData};

/// The details of an etcd WatchEvent trace entry.
#[derive(Serialize)]
struct DeliveryDetails<'a> {
    #[serde(rename = "type")]
    kind: &'a str,
    revision: i64,
    to: &'a str,
}

/// How long the cluster may go without a state change before a run counts as settled: longer than the
/// scheduler's 5-minute unschedulable-pod flush, so one periodic retry of a stuck pod is shown.
pub const QUIESCENCE_WINDOW_MS: u64 = 6 * 60 * 1000;

/// How long a watch event takes from the etcd write to a component's informer.
pub const WATCH_LATENCY_MS: u64 = 2;

/// Who receives a watch event.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Watcher {
    Scheduler,
    Kubelet(String),
    ControllerManager,
}

/// Something that will happen at a virtual time.
#[derive(Clone, Debug, PartialEq)]
pub enum Event {
    /// A watch event reaches a component (shared: one write can go to the scheduler and a kubelet).
    Deliver {
        watcher: Watcher,
        event: Arc<WatchEvent>,
    },
    /// The scheduler's own timers (next cycle, backoff expiry, periodic flush).
    Scheduler(SchedulerWake),
    /// A kubelet's own timers (pull finished, container started, back-off retry).
    Kubelet { node: String, wake: KubeletWake },
    /// Something a scenario or a user does through kubectl (see `scenario`).
    Client(super::kubectl::ClientAction),
    /// kube-controller-manager's own timers (a ReplicaSet's pods becoming available, a Deployment's
    /// retry after a conflict or its progress-deadline check).
    Controller(ControllerWake),
}

/// What a component gets while it handles one event: the clock, the RNG, the trace, the API server,
/// and a way to set timers.
pub struct Ctx<'a> {
    pub now_ms: u64,
    pub rng: &'a mut SimRng,
    pub trace: &'a mut Trace,
    pub api: &'a mut ApiServer,
    /// The event recorders' client-side caches (count and series of repeated events).
    pub recorders: &'a mut EventRecorders,
    timers: &'a mut Vec<(u64, Event)>,
}

impl Ctx<'_> {
    /// Sends a request to the API server now.
    pub fn call(&mut self, request: ApiRequest) -> ApiResponse {
        self.api.handle(self.now_ms, request, self.trace)
    }

    /// Schedules `event` `delay_ms` from now.
    pub fn after(&mut self, delay_ms: u64, event: Event) {
        self.timers
            .push((self.now_ms.saturating_add(delay_ms), event));
    }

    /// Records a trace entry at the current time.
    pub fn record(
        &mut self,
        component: Component,
        stage: Stage,
        object: impl Into<String>,
        outcome: Outcome,
        summary: impl Into<String>,
        data: serde_json::Value,
    ) -> u64 {
        self.trace.record(
            self.now_ms,
            component,
            stage,
            object,
            outcome,
            summary,
            data,
        )
    }

    /// `record` with details already stored (see `TraceData::from_serialize`).
    pub fn record_data(
        &mut self,
        component: Component,
        stage: Stage,
        object: impl Into<String>,
        outcome: Outcome,
        summary: impl Into<String>,
        data: TraceData,
    ) -> u64 {
        self.trace.record_data(
            self.now_ms,
            component,
            stage,
            object,
            outcome,
            summary,
            data,
        )
    }
}

/// The whole simulated cluster.
#[derive(Clone, Debug)]
pub struct Simulation {
    pub now_ms: u64,
    pub rng: SimRng,
    pub api: ApiServer,
    pub scheduler: Scheduler,
    pub kubelets: BTreeMap<String, Kubelet>,
    pub recorders: EventRecorders,
    pub trace: Trace,
    /// Shared, not boxed: an event can hold whole objects (a scenario's pending applies hold their
    /// manifests), the tree shifts its values on every pop, and a copy of the simulation (the page's
    /// checkpoints) shares the pending events instead of copying them all; an event still shared
    /// when it runs is copied then.
    queue: BTreeMap<(u64, u64), Arc<Event>>,
    next_seq: u64,
    /// Events handled so far.
    pub steps: u64,
    /// Virtual time of the last write that changed cluster state (any object but an Event).
    pub last_change_ms: u64,
    /// The first trace entry of the story proper (after nodes registered and existing workload settled).
    pub story_start_seq: u64,
    /// kube-controller-manager's pending timers. Unlike the periodic retries the quiescence window
    /// is for, one may change state (a stuck rollout's progress deadline, ten minutes on), so a run
    /// is not quiescent while one is pending and a rollout is still in progress.
    controller_timers: u64,
}

impl Simulation {
    pub fn new(seed: u64, scheduler: Scheduler) -> Self {
        Simulation {
            now_ms: 0,
            rng: SimRng::new(seed),
            api: ApiServer::new(seed),
            scheduler,
            kubelets: BTreeMap::new(),
            recorders: EventRecorders::default(),
            trace: Trace::default(),
            queue: BTreeMap::new(),
            next_seq: 0,
            steps: 0,
            story_start_seq: 0,
            last_change_ms: 0,
            controller_timers: 0,
        }
    }

    /// Queues `event` at absolute virtual time `at_ms`.
    pub fn schedule(&mut self, at_ms: u64, event: Event) {
        if matches!(event, Event::Controller(_)) {
            self.controller_timers += 1;
        }
        self.queue.insert((at_ms, self.next_seq), Arc::new(event));
        self.next_seq += 1;
    }

    /// When the next event is due, if any.
    pub fn next_event_time(&self) -> Option<u64> {
        self.queue.keys().next().map(|(t, _)| *t)
    }

    pub fn is_idle(&self) -> bool {
        self.queue.is_empty()
    }

    /// Runs `f` with a context at the current time, then queues the timers it set and delivers the
    /// watch events it caused.
    pub fn with_ctx<R>(
        &mut self,
        f: impl FnOnce(&mut Ctx, &mut Scheduler, &mut BTreeMap<String, Kubelet>) -> R,
    ) -> R {
        let mut timers = Vec::new();
        let result = {
            let mut ctx = Ctx {
                now_ms: self.now_ms,
                rng: &mut self.rng,
                trace: &mut self.trace,
                api: &mut self.api,
                recorders: &mut self.recorders,
                timers: &mut timers,
            };
            f(&mut ctx, &mut self.scheduler, &mut self.kubelets)
        };
        for (at, event) in timers {
            self.schedule(at, event);
        }
        self.fan_out_watch_events();
        result
    }

    /// Sends a request to the API server at the current time (as a scenario or UI action would).
    pub fn call(&mut self, request: ApiRequest) -> ApiResponse {
        self.with_ctx(|ctx, _, _| ctx.call(request))
    }

    /// Handles the earliest event. Returns false when there was none.
    pub fn step(&mut self) -> bool {
        let Some(((at, _), event)) = self.queue.pop_first() else {
            return false;
        };
        self.now_ms = self.now_ms.max(at);
        self.steps += 1;
        if matches!(*event, Event::Controller(_)) {
            self.controller_timers = self.controller_timers.saturating_sub(1);
        }
        self.api.store.begin_step();
        let event = Arc::unwrap_or_clone(event);
        self.with_ctx(|ctx, scheduler, kubelets| match event {
            Event::Deliver { watcher, event } => match watcher {
                Watcher::Scheduler => scheduler.on_watch(ctx, &event),
                Watcher::ControllerManager => ControllerManager::on_watch(ctx, &event),
                Watcher::Kubelet(node) => {
                    if let Some(k) = kubelets.get_mut(&node) {
                        k.on_watch(ctx, &event);
                    }
                }
            },
            Event::Scheduler(wake) => scheduler.on_wake(ctx, wake),
            Event::Kubelet { node, wake } => {
                if let Some(k) = kubelets.get_mut(&node) {
                    k.on_wake(ctx, wake);
                }
            }
            Event::Client(action) => action.run(ctx),
            Event::Controller(wake) => ControllerManager::on_wake(ctx, wake),
        });
        true
    }

    /// True when nothing is queued, or when everything queued lies beyond the quiescence window: only
    /// periodic retries that change nothing (a stuck pod's rescheduling, repeated back-off) remain.
    pub fn is_quiescent(&self) -> bool {
        match self.next_event_time() {
            None => true,
            Some(_)
                if self.controller_timers > 0
                    && super::controllers::rollout_in_progress(&self.api.store) =>
            {
                false
            }
            Some(t) => t > self.last_change_ms.saturating_add(QUIESCENCE_WINDOW_MS),
        }
    }

    /// Steps until the cluster is quiescent (see `is_quiescent`), or `max_steps` events were handled.
    /// Returns the number of events handled.
    pub fn run_to_quiescence(&mut self, max_steps: u64) -> u64 {
        let mut n = 0;
        while n < max_steps && !self.is_quiescent() && self.step() {
            n += 1;
        }
        n
    }

    /// Steps until no event is left, or `max_steps` events were handled (a guard against livelock).
    /// Returns the number of events handled.
    pub fn run_until_idle(&mut self, max_steps: u64) -> u64 {
        let mut n = 0;
        while n < max_steps && self.step() {
            n += 1;
        }
        n
    }

    /// Routes the watch events of the last writes: pods and nodes to the scheduler, a node's pods (and
    /// its Node object) to its kubelet. A new Node gets a kubelet.
    fn fan_out_watch_events(&mut self) {
        for event in self.api.take_watch_events() {
            let event = Arc::new(event);
            if !matches!(event.object, Object::Event(_)) {
                self.last_change_ms = self.now_ms;
            }
            let deliver_at = self.now_ms + WATCH_LATENCY_MS;
            if ControllerManager::watches(&self.api.store, &event.object) {
                let reference = event.object.reference();
                self.record_delivery(Component::ControllerManager, &reference, &event);
                self.schedule(
                    deliver_at,
                    Event::Deliver {
                        watcher: Watcher::ControllerManager,
                        event: event.clone(),
                    },
                );
            }
            match &event.object {
                Object::Pod(pod) => {
                    let reference = event.object.reference();
                    let node = pod.spec.as_ref().and_then(|s| s.node_name.clone());
                    self.record_delivery(Component::Scheduler, &reference, &event);
                    self.schedule(
                        deliver_at,
                        Event::Deliver {
                            watcher: Watcher::Scheduler,
                            event: event.clone(),
                        },
                    );
                    if let Some(node) = node.filter(|n| self.kubelets.contains_key(n)) {
                        self.record_delivery(Component::Kubelet(node.clone()), &reference, &event);
                        self.schedule(
                            deliver_at,
                            Event::Deliver {
                                watcher: Watcher::Kubelet(node),
                                event,
                            },
                        );
                    }
                }
                Object::Node(_) => {
                    let name = event.object.name().to_string();
                    if event.event_type == WatchEventType::Added
                        && !self.kubelets.contains_key(&name)
                    {
                        self.kubelets.insert(name.clone(), Kubelet::new(&name));
                    }
                    if event.event_type == WatchEventType::Deleted {
                        self.kubelets.remove(&name);
                    }
                    self.schedule(
                        deliver_at,
                        Event::Deliver {
                            watcher: Watcher::Scheduler,
                            event: event.clone(),
                        },
                    );
                    if self.kubelets.contains_key(&name) {
                        self.schedule(
                            deliver_at,
                            Event::Deliver {
                                watcher: Watcher::Kubelet(name),
                                event,
                            },
                        );
                    }
                }
                // The scheduler's informers also watch objects that decide schedulability.
                Object::PriorityClass(_)
                | Object::Namespace(_)
                | Object::PersistentVolumeClaim(_) => {
                    self.schedule(
                        deliver_at,
                        Event::Deliver {
                            watcher: Watcher::Scheduler,
                            event,
                        },
                    );
                }
                _ => {}
            }
        }
    }

    fn record_delivery(&mut self, to: Component, reference: &str, event: &WatchEvent) {
        let kind = match event.event_type {
            WatchEventType::Added => "ADDED",
            WatchEventType::Modified => "MODIFIED",
            WatchEventType::Deleted => "DELETED",
        };
        let to = to.name();
        let summary = format!(
            "watch: {kind} {reference} (resourceVersion {}) sent to {to}",
            event.revision,
        );
        let data = TraceData::from_serialize(&DeliveryDetails {
            kind,
            revision: event.revision,
            to: &to,
        });
        self.trace.record_data(
            self.now_ms,
            Component::Etcd,
            Stage::WatchEvent,
            reference,
            Outcome::Info,
            summary,
            data,
        );
    }
}
