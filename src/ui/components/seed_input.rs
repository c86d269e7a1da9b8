//! The seed field: the one number that, with the scenario, decides the whole trace.

use yew::prelude::*;

use crate::ui::run::parse_seed;

#[derive(Properties, PartialEq)]
pub struct SeedInputProps {
    pub seed: u64,
    /// Called with a valid new seed; text that is not a whole number from 0 to 2^64-1 is ignored.
    pub on_change: Callback<u64>,
}

#[component]
pub fn SeedInput(props: &SeedInputProps) -> Html {
    let on_change = {
        let on_change = props.on_change.clone();
        Callback::from(move |event: Event| {
            let input: web_sys::HtmlInputElement = event.target_unchecked_into();
            if let Some(seed) = parse_seed(&input.value()) {
                on_change.emit(seed);
            }
        })
    };
    html! {
        <label class="control">
            <span class="control-label">{ "Seed" }</span>
            <input
                data-testid="seed-input"
                type="number"
                min="0"
                step="1"
                value={props.seed.to_string()}
                onchange={on_change}
            />
        </label>
    }
}
