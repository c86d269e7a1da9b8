//! Test helpers: views of real runs of the built-in scenarios.

use crate::engine::trace::TraceEntry;
use crate::ui::view_state::ViewState;

use super::fixtures::{builtin_until, finished_builtin};

/// The built-in scenario run to the end, no pod selected.
pub fn view_of_builtin(name: &str) -> ViewState {
    finished_builtin(name, None).unwrap()
}

/// The built-in scenario run to the end, following `pod`.
pub fn view_following(name: &str, pod: &str) -> ViewState {
    finished_builtin(name, Some(pod.to_string())).unwrap()
}

/// The built-in scenario stepped until the first entry matching `wanted`.
pub fn view_until(name: &str, wanted: impl Fn(&TraceEntry) -> bool) -> ViewState {
    builtin_until(name, None, wanted).unwrap()
}
