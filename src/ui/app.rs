//! The root component: header, scenario and seed controls, and the trace of the chosen run.
//!
//! The run is computed from (scenario, seed) with `use_memo`, so it is recomputed only when one of them
//! changes. This is the issue #2 placeholder for the animated flow of issue #3.

use std::rc::Rc;

use yew::prelude::*;

use crate::engine::scenario;
use crate::ui::components::scenario_picker::ScenarioPicker;
use crate::ui::components::seed_input::SeedInput;
use crate::ui::components::trace_list::TraceList;
use crate::ui::run::{run_builtin, RunView, DEFAULT_SEED};

/// The heading every page shows.
pub const APP_TITLE: &str = "podflow";

#[component]
pub fn App() -> Html {
    let names = use_memo((), |_| scenario::builtin_names());
    let selected = use_state(|| names.first().map(|name| AttrValue::from(*name)));
    let seed = use_state(|| DEFAULT_SEED);
    let run = use_memo(((*selected).clone(), *seed), |(name, seed)| {
        name.as_ref()
            .map(|name| run_builtin(name, *seed).map(Rc::new))
    });

    let on_select = {
        let selected = selected.clone();
        Callback::from(move |name: AttrValue| selected.set(Some(name)))
    };
    let on_seed = {
        let seed = seed.clone();
        Callback::from(move |value: u64| seed.set(value))
    };

    html! {
        <div class="podflow-app" data-testid="podflow-app">
            <header class="app-header">
                <h1>{ APP_TITLE }</h1>
                <p class="tagline">{ "A Pod's journey through the Kubernetes control plane" }</p>
                if !names.is_empty() {
                    <div class="controls">
                        <ScenarioPicker names={names.clone()} selected={(*selected).clone()} on_select={on_select} />
                        <SeedInput seed={*seed} on_change={on_seed} />
                    </div>
                }
            </header>
            <main class="app-main">
                if names.is_empty() {
                    <p class="no-scenarios" data-testid="no-scenarios">{ "no scenarios" }</p>
                } else {
                    { render_run(run.as_ref().as_ref()) }
                }
            </main>
        </div>
    }
}

fn render_run(run: Option<&Result<Rc<RunView>, String>>) -> Html {
    match run {
        None => html! {},
        Some(Err(message)) => html! {
            <p class="load-error" role="alert" data-testid="load-error">{ message }</p>
        },
        Some(Ok(view)) => html! {
            <section class="run" aria-label="Trace">
                <p class="run-summary" data-testid="run-summary">
                    { format!(
                        "{}: {} trace entries from {} events, seed {}{}",
                        view.scenario,
                        view.rows.len(),
                        view.steps,
                        view.seed,
                        if view.truncated { " (stopped early: the scenario did not settle)" } else { "" },
                    ) }
                </p>
                <TraceList rows={Rc::new(view.rows.clone())} />
            </section>
        },
    }
}
