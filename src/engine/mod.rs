//! The simulation core: a pure-Rust, deterministic model of the Kubernetes control plane.
//!
//! Nothing here imports a web crate: the same code runs natively (CLI, tests, benchmarks) and in the
//! browser, and the same seed gives the same trace in both.

// API objects are k8s-openapi structs of very different sizes (a Pod is large, a Namespace small); they
// are held by value in enums (`Object`, request bodies, events) on purpose, as the API server holds them.
#![allow(clippy::large_enum_variant)]

pub mod api;
pub mod controllers;
pub mod describe;
pub mod events;
pub mod json_text;
pub mod kubectl;
pub mod kubelet;
pub mod node_lifecycle;
pub mod node_registration;
pub mod objects;
pub mod printers;
pub mod quantity;
pub mod report;
pub mod rng;
pub mod scenario;
pub mod scheduler;
pub mod sim;
pub mod store;
pub mod synthetic;
pub mod time;
pub mod trace;
pub mod value_de;
#[cfg(test)]
pub(crate) mod website_examples;
pub mod yaml;
