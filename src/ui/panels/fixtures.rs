//! Views of finished runs, for tests and for looking at the panels on their own: a built-in scenario
//! run through the engine, wrapped in the [`ViewState`] the playback would hand the panels.

use std::rc::Rc;

use crate::engine::scenario;
use crate::engine::sim::Simulation;
use crate::engine::trace::TraceEntry;
use crate::ui::view_state::ViewState;

/// A guard against a livelocked scenario (the same bound the page uses).
pub const MAX_STEPS: u64 = 100_000;

/// Starts the built-in scenario `name` with `seed` (not run yet).
pub fn start_builtin(name: &str, seed: u64) -> Result<Simulation, String> {
    let text = scenario::builtin(name)
        .ok_or_else(|| format!("there is no built-in scenario named {name:?}"))?;
    let parsed = scenario::parse(name, &text).map_err(|e| e.to_string())?;
    scenario::start(&parsed, seed).map_err(|e| e.to_string())
}

/// A scenario given as text (nodes and manifests, as the CLI reads them) run to quiescence with seed 1,
/// viewed at its end.
pub fn finished_text(
    name: &str,
    text: &str,
    selected_pod: Option<String>,
) -> Result<ViewState, String> {
    let parsed = scenario::parse(name, text).map_err(|e| e.to_string())?;
    let mut sim = scenario::start(&parsed, 1).map_err(|e| e.to_string())?;
    sim.run_to_quiescence(MAX_STEPS);
    Ok(view_at_end(sim, selected_pod))
}

/// The view of `sim` at its last trace entry, following `selected_pod`.
pub fn view_at_end(sim: Simulation, selected_pod: Option<String>) -> ViewState {
    let position = sim.trace.len().saturating_sub(1);
    let story_start = usize::try_from(sim.story_start_seq).unwrap_or(0);
    ViewState::new(Rc::new(sim), position, story_start, selected_pod, 1)
}

/// The built-in scenario `name` (seed 1) run to quiescence, viewed at its end.
pub fn finished_builtin(name: &str, selected_pod: Option<String>) -> Result<ViewState, String> {
    let mut sim = start_builtin(name, 1)?;
    sim.run_to_quiescence(MAX_STEPS);
    Ok(view_at_end(sim, selected_pod))
}

/// The built-in scenario `name` (seed 1) stepped until an entry matching `wanted` is recorded, viewed at
/// that entry (the state is the engine's right after the step that recorded it, as in the playback).
pub fn builtin_until(
    name: &str,
    selected_pod: Option<String>,
    wanted: impl Fn(&TraceEntry) -> bool,
) -> Result<ViewState, String> {
    let mut sim = start_builtin(name, 1)?;
    let mut checked = 0;
    for _ in 0..MAX_STEPS {
        if let Some(found) = sim.trace.entries.iter().skip(checked).position(&wanted) {
            let position = checked + found;
            let story_start = usize::try_from(sim.story_start_seq).unwrap_or(0);
            return Ok(ViewState::new(
                Rc::new(sim),
                position,
                story_start,
                selected_pod,
                1,
            ));
        }
        checked = sim.trace.len();
        if !sim.step() {
            break;
        }
    }
    Err(format!("{name}: no trace entry matched"))
}
