//! The scenario drop-down: one option per built-in scenario, labelled with its title, and, when the
//! user has imported scenarios, a "Saved" group of them (values `saved:<name>`, see `ui::persist`).

use std::rc::Rc;

use yew::prelude::*;

use crate::engine::scenario;
use crate::ui::persist::saved_key;

#[derive(Properties, PartialEq)]
pub struct ScenarioPickerProps {
    /// The built-in scenario names, in the engine's order.
    pub names: Rc<Vec<&'static str>>,
    /// The name currently shown.
    pub selected: Option<AttrValue>,
    /// Called with the newly chosen name.
    pub on_select: Callback<AttrValue>,
    /// The names of the scenarios saved in this browser.
    #[prop_or_default]
    pub saved: Rc<Vec<AttrValue>>,
    /// What the page plays when it is none of the listed scenarios (a generated cluster from a
    /// `#synthetic=` link): shown as the chosen, disabled first option, so the picker never names a
    /// scenario that is not playing.
    #[prop_or_default]
    pub unlisted: Option<AttrValue>,
}

/// Whether `selected` names one of the picker's options.
fn is_listed(props: &ScenarioPickerProps) -> bool {
    let Some(selected) = props.selected.as_deref() else {
        return false;
    };
    props.names.contains(&selected) || props.saved.iter().any(|name| saved_key(name) == selected)
}

#[component]
pub fn ScenarioPicker(props: &ScenarioPickerProps) -> Html {
    let on_change = {
        let on_select = props.on_select.clone();
        Callback::from(move |event: Event| {
            let select: web_sys::HtmlSelectElement = event.target_unchecked_into();
            on_select.emit(AttrValue::from(select.value()));
        })
    };
    let builtins = html! {
        { for props.names.iter().map(|name| {
            let is_selected = props.selected.as_deref() == Some(*name);
            let title = scenario::builtin_title(name).unwrap_or("");
            html! { <option value={*name} selected={is_selected} title={title}>{ *name }</option> }
        }) }
    };
    html! {
        <label class="pf-field pf-picker">
            <span class="pf-field-label">{ "Scenario" }</span>
            <select class="pf-select" data-testid="scenario-picker" onchange={on_change}>
                if !is_listed(props) {
                    <option value="" selected=true disabled=true>
                        { props.unlisted.clone().unwrap_or_else(|| AttrValue::from("Choose a scenario")) }
                    </option>
                }
                if props.saved.is_empty() {
                    { builtins }
                } else {
                    <optgroup label="Built-in">{ builtins }</optgroup>
                    <optgroup label="Saved" data-testid="saved-scenarios">
                        { for props.saved.iter().map(|name| {
                            let key = saved_key(name);
                            let is_selected = props.selected.as_deref() == Some(key.as_str());
                            html! { <option value={key} selected={is_selected}>{ name.clone() }</option> }
                        }) }
                    </optgroup>
                }
            </select>
        </label>
    }
}
