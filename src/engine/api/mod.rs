//! kube-apiserver: the request pipeline every write goes through.
//!
//! Mirrors `k8s.io/apiserver/pkg/server/filters` + `endpoints/handlers`: authentication, authorization
//! (Node + RBAC, with `system:masters` bypassing), decoding with strict field validation and defaulting,
//! mutating admission, validation, validating admission, then the etcd write. Each stage is recorded in
//! the trace; a rejected request returns the upstream `Status` and leaves the store unchanged.

pub mod decode;
pub mod defaults;
pub mod status;
pub mod strategy;
pub mod types;
pub mod validation;

pub use types::*;

use super::rng::SimRng;
use super::store::{Store, WatchEvent};
use super::trace::Trace;

/// The API server with its storage.
#[derive(Clone, Debug)]
pub struct ApiServer {
    /// For generated values: UIDs, `generateName` suffixes, `kube-api-access-xxxxx` volume names.
    pub rng: SimRng,
    pub store: Store,
    /// Watch events produced by writes, waiting for the simulation to deliver them.
    pending_watch: Vec<WatchEvent>,
    /// Every request served, in order.
    pub requests: Vec<RequestRecord>,
}

impl ApiServer {
    /// An API server whose generated values derive from `seed`.
    pub fn new(seed: u64) -> Self {
        ApiServer {
            rng: SimRng::new(seed ^ 0x6170_6973_6572_7665),
            store: Store::new(),
            pending_watch: Vec::new(),
            requests: Vec::new(),
        }
    }

    /// Serves one request at virtual time `now_ms`, recording each pipeline stage in `trace`.
    pub fn handle(&mut self, now_ms: u64, request: ApiRequest, trace: &mut Trace) -> ApiResponse {
        let _ = (now_ms, request, trace);
        unimplemented!("the request pipeline")
    }

    /// Registers a user the authenticator knows (a scenario's `User` document).
    pub fn add_user(&mut self, name: &str, groups: &[String]) {
        let _ = (name, groups);
    }

    /// Takes the watch events produced since the last call, in revision order.
    pub fn take_watch_events(&mut self) -> Vec<WatchEvent> {
        std::mem::take(&mut self.pending_watch)
    }
}
