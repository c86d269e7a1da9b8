//! kubectl, the client: what `kubectl apply`, `delete`, `cordon`, `taint` and `label` send to the API
//! server, and the lines they print.
//!
//! Mirrors `k8s.io/kubectl/pkg/cmd/apply` (client-side apply: GET, then POST with the
//! `last-applied-configuration` annotation, or PATCH) and kubectl's error printing
//! (`Error from server (<Reason>): error when creating "<file>": <message>`).

use serde_json::Value;

use crate::engine::api::{Credentials, FieldValidation};
use crate::engine::sim::Ctx;

/// One kubectl invocation, queued as a simulation event.
#[derive(Clone, Debug, PartialEq)]
pub enum ClientAction {
    /// `kubectl apply -f <source>` of one document.
    Apply {
        credentials: Credentials,
        manifest: Value,
        /// The file name kubectl prints in errors (`pod.yaml`).
        source: String,
        validate: FieldValidation,
    },
}

impl ClientAction {
    pub fn run(self, ctx: &mut Ctx) {
        let _ = ctx;
    }
}
