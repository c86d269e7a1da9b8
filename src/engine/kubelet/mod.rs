//! The kubelet, one per node: admits pods bound to its node, pulls images, creates and starts
//! containers, and reports pod status and events through the API server.
//!
//! Mirrors `pkg/kubelet` (`kubelet.go` syncPod, `images/image_manager.go`, `kuberuntime`, `status`).

use crate::engine::sim::Ctx;
use crate::engine::store::WatchEvent;

/// A kubelet's timers.
#[derive(Clone, Debug, PartialEq)]
pub enum KubeletWake {}

/// The kubelet of one node.
#[derive(Clone, Debug)]
pub struct Kubelet {
    pub node: String,
}

impl Kubelet {
    pub fn new(node: &str) -> Self {
        Kubelet { node: node.to_string() }
    }

    pub fn on_watch(&mut self, ctx: &mut Ctx, event: &WatchEvent) {
        let _ = (ctx, event);
    }

    pub fn on_wake(&mut self, ctx: &mut Ctx, wake: KubeletWake) {
        let _ = (ctx, wake);
    }
}
