//! kube-scheduler: informers, the scheduling queue, the framework with the default profile's plugins,
//! and binding through the API server.
//!
//! Mirrors `pkg/scheduler` (`schedule_one.go`, `backend/queue`, `framework/runtime`, `framework/plugins`).

pub mod record;

pub use record::*;

use crate::engine::sim::Ctx;
use crate::engine::store::WatchEvent;

/// The scheduler's timers.
#[derive(Clone, Debug, PartialEq)]
pub enum SchedulerWake {
    /// Run one scheduling cycle (pop the next pod from activeQ).
    Cycle,
}

/// The scheduler component.
#[derive(Clone, Debug, Default)]
pub struct Scheduler {
    attempts: Vec<SchedulingAttempt>,
}

impl Scheduler {
    /// A scheduler configured by a `KubeSchedulerConfiguration` (kubescheduler.config.k8s.io/v1) given as
    /// JSON, or the default profile when `None`.
    pub fn from_config(config: Option<&serde_json::Value>) -> Result<Scheduler, String> {
        let _ = config;
        Ok(Scheduler::default())
    }

    /// An informer event: updates the cache and the queue.
    pub fn on_watch(&mut self, ctx: &mut Ctx, event: &WatchEvent) {
        let _ = (ctx, event);
    }

    /// A timer fired.
    pub fn on_wake(&mut self, ctx: &mut Ctx, wake: SchedulerWake) {
        let _ = (ctx, wake);
    }

    /// Every scheduling attempt so far, in order.
    pub fn attempts(&self) -> &[SchedulingAttempt] {
        &self.attempts
    }
}
