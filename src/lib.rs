//! podflow: a faithful, deterministic model of the Kubernetes control plane.
pub mod engine;
pub mod ui;
