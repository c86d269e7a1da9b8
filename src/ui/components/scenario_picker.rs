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
