//! Runs a scenario to the end and turns its trace into rows the page can show.
//!
//! Pure Rust with no web dependency, so it is tested natively. The browser calls the very same engine
//! functions the CLI does (`scenario::parse`, `scenario::start`, `Simulation::run_to_quiescence`); only the
//! formatting for people lives here.

use crate::engine::scenario;
use crate::engine::trace::{Outcome, TraceEntry};

/// The seed the page starts with.
pub const DEFAULT_SEED: u64 = 1;

/// A guard against a livelocked scenario: the page stops after this many events.
pub const MAX_STEPS: u64 = 100_000;

/// One trace entry as the page shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TraceRow {
    pub seq: u64,
    /// Virtual time, e.g. `0.120 s`.
    pub time: String,
    /// `kubectl`, `kube-apiserver`, `etcd`, `kube-scheduler`, `kubelet/<node>`.
    pub component: String,
    /// The stage name, e.g. `Authentication`.
    pub stage: String,
    pub object: String,
    pub summary: String,
    /// `ok`, `failed` or `info`: a CSS class and a word for screen readers.
    pub outcome: &'static str,
}

impl TraceRow {
    fn from_entry(entry: &TraceEntry) -> Self {
        TraceRow {
            seq: entry.seq,
            time: format_time_ms(entry.time_ms),
            component: entry.component.name(),
            stage: format!("{:?}", entry.stage),
            object: entry.object.clone(),
            summary: entry.summary.clone(),
            outcome: outcome_word(entry.outcome),
        }
    }
}

/// What running one scenario produced.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RunView {
    pub scenario: String,
    pub seed: u64,
    pub rows: Vec<TraceRow>,
    /// Events the simulation handled.
    pub steps: u64,
    /// True when the run stopped at [`MAX_STEPS`] with events still queued.
    pub truncated: bool,
}

/// Parses `text` as scenario `name`, runs it with `seed` until nothing is left to do, and returns the rows.
/// A scenario that cannot be loaded gives the loader's message.
pub fn run_text(name: &str, text: &str, seed: u64) -> Result<RunView, String> {
    let parsed = scenario::parse(name, text).map_err(|e| e.to_string())?;
    let mut simulation = scenario::start(&parsed, seed).map_err(|e| e.to_string())?;
    let steps = simulation.run_to_quiescence(MAX_STEPS);
    Ok(RunView {
        scenario: name.to_string(),
        seed,
        rows: simulation
            .trace
            .entries
            .iter()
            .map(TraceRow::from_entry)
            .collect(),
        steps,
        truncated: !simulation.is_quiescent(),
    })
}

/// Runs the built-in scenario `name` (see `scenario::builtin_names`).
pub fn run_builtin(name: &str, seed: u64) -> Result<RunView, String> {
    // `.to_string()` accepts both `&'static str` and `String` from `builtin`.
    let text = scenario::builtin(name)
        .map(|text| text.to_string())
        .ok_or_else(|| format!("there is no built-in scenario named {name:?}"))?;
    run_text(name, &text, seed)
}

/// Milliseconds of virtual time as seconds with three decimals: `1234` → `1.234 s`.
pub fn format_time_ms(ms: u64) -> String {
    format!("{}.{:03} s", ms / 1000, ms % 1000)
}

/// Parses the seed field; `None` for anything that is not a whole number from 0 to 2^64-1.
pub fn parse_seed(text: &str) -> Option<u64> {
    text.trim().parse().ok()
}

fn outcome_word(outcome: Outcome) -> &'static str {
    match outcome {
        Outcome::Ok => "ok",
        Outcome::Failed => "failed",
        Outcome::Info => "info",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::trace::{Component, Stage, Trace};
    use serde_json::Value;

    #[test]
    fn should_format_virtual_time_as_seconds_with_milliseconds() {
        let cases = [
            (0, "0.000 s"),
            (7, "0.007 s"),
            (120, "0.120 s"),
            (1234, "1.234 s"),
            (60_000, "60.000 s"),
        ];
        for (ms, want) in cases {
            assert_eq!(format_time_ms(ms), want, "{ms} ms");
        }
    }

    #[test]
    fn should_accept_only_whole_unsigned_seeds() {
        let cases = [
            ("7", Some(7)),
            (" 42 ", Some(42)),
            ("18446744073709551615", Some(u64::MAX)),
            ("", None),
            ("-1", None),
            ("1.5", None),
            ("18446744073709551616", None),
            ("seven", None),
        ];
        for (text, want) in cases {
            assert_eq!(parse_seed(text), want, "{text:?}");
        }
    }

    #[test]
    fn should_turn_a_trace_entry_into_a_row_with_display_names() {
        let mut trace = Trace::default();
        trace.record(
            120,
            Component::Kubelet("node-a".into()),
            Stage::PullImage,
            "pods/default/web-1",
            Outcome::Failed,
            "Failed to pull image \"nginx:nope\"",
            Value::Null,
        );
        let row = TraceRow::from_entry(&trace.entries[0]);
        assert_eq!(
            row,
            TraceRow {
                seq: 0,
                time: "0.120 s".into(),
                component: "kubelet/node-a".into(),
                stage: "PullImage".into(),
                object: "pods/default/web-1".into(),
                summary: "Failed to pull image \"nginx:nope\"".into(),
                outcome: "failed",
            }
        );
    }

    #[test]
    fn should_report_an_unknown_builtin_scenario_by_name() {
        assert_eq!(
            run_builtin("no-such-scenario", DEFAULT_SEED),
            Err("there is no built-in scenario named \"no-such-scenario\"".to_string())
        );
    }

    #[test]
    fn should_run_every_builtin_scenario_the_same_way_twice() {
        for name in scenario::builtin_names() {
            let first = run_builtin(name, 7);
            let second = run_builtin(name, 7);
            assert_eq!(first, second, "scenario {name}");
            if let Ok(view) = first {
                assert!(
                    !view.truncated,
                    "scenario {name} did not finish within {MAX_STEPS} events"
                );
            }
        }
    }
}
