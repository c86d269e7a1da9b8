//! Scenarios: what a user would `kubectl apply`, plus the built-in stories.
//!
//! A scenario is a multi-document YAML (or JSON, or a `kind: List`) of Nodes, Pods, Namespaces,
//! PriorityClasses, ServiceAccounts, RBAC objects and at most one KubeSchedulerConfiguration. Nodes
//! register first, as their kubelets would; pods that already name a node are existing workload; the
//! rest is applied in document order.

use crate::engine::scheduler::Scheduler;
use crate::engine::sim::Simulation;

/// Why a scenario could not be loaded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScenarioError {
    pub message: String,
}

impl std::fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ScenarioError {}

/// A parsed scenario.
#[derive(Clone, Debug, PartialEq)]
pub struct Scenario {
    pub name: String,
    pub documents: Vec<serde_json::Value>,
}

/// The names of the built-in scenarios.
pub fn builtin_names() -> Vec<&'static str> {
    Vec::new()
}

/// The YAML text of a built-in scenario.
pub fn builtin(name: &str) -> Option<&'static str> {
    let _ = name;
    None
}

/// Parses scenario text (multi-document YAML, JSON, or a `kind: List`).
pub fn parse(name: &str, text: &str) -> Result<Scenario, ScenarioError> {
    let _ = text;
    Ok(Scenario { name: name.to_string(), documents: Vec::new() })
}

/// A simulation with the scenario's cluster registered and its applies queued; run it with `step()` or
/// `run_until_idle()`.
pub fn start(scenario: &Scenario, seed: u64) -> Result<Simulation, ScenarioError> {
    let _ = scenario;
    Ok(Simulation::new(seed, Scheduler::default()))
}
