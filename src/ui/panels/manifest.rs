//! The manifest inspector: a YAML editor prefilled with the seed's `pod.yaml` and a "kubectl apply"
//! button, above what kubectl printed for the latest command, line for line (errors styled as errors).

use std::rc::Rc;

use web_sys::HtmlTextAreaElement;
use yew::prelude::*;

use crate::ui::view_state::{UserCommand, ViewState};

use super::lists_model::latest_kubectl_result;

/// The seed story's `pod.yaml` (Step 1).
pub const SEED_POD_YAML: &str = include_str!("pod.yaml");

#[derive(Properties, PartialEq)]
pub struct ManifestPanelProps {
    pub view: Rc<ViewState>,
    pub on_command: Callback<UserCommand>,
    /// The editor's text; kept by the [`super::Inspector`] so it survives switching tabs.
    pub text: AttrValue,
    pub on_text: Callback<String>,
}

#[component]
pub fn ManifestPanel(props: &ManifestPanelProps) -> Html {
    let result = use_memo(props.view.clone(), |view| latest_kubectl_result(view));
    let on_input = {
        let on_text = props.on_text.clone();
        Callback::from(move |e: InputEvent| {
            on_text.emit(e.target_unchecked_into::<HtmlTextAreaElement>().value())
        })
    };
    let on_apply = {
        let text = props.text.clone();
        let on_command = props.on_command.clone();
        Callback::from(move |_: MouseEvent| {
            on_command.emit(UserCommand::Apply {
                yaml: text.to_string(),
            })
        })
    };
    let on_reset = {
        let on_text = props.on_text.clone();
        Callback::from(move |_: MouseEvent| on_text.emit(SEED_POD_YAML.to_string()))
    };
    html! {
        <section class="pf-inspector-panel pf-manifest" aria-labelledby="pf-manifest-title" data-testid="pf-manifest">
            <h2 class="pf-panel-title" id="pf-manifest-title">{ "Manifest" }</h2>
            <label class="pf-field pf-field--block" for="pf-manifest-editor">
                <span class="pf-field-label">{ "pod.yaml" }</span>
            </label>
            <textarea id="pf-manifest-editor" class="pf-editor pf-mono" spellcheck="false" rows="14"
                autocomplete="off" value={props.text.clone()} oninput={on_input} data-testid="pf-manifest-editor" />
            <div class="pf-action-row">
                <button type="button" class="pf-button pf-button--primary" onclick={on_apply}
                    data-testid="pf-apply">
                    <code class="pf-mono">{ "kubectl apply -f pod.yaml" }</code>
                </button>
                <button type="button" class="pf-button" onclick={on_reset}>{ "Reset to the seed's pod.yaml" }</button>
            </div>
            <h3 class="pf-subtitle">{ "kubectl output" }</h3>
            { match result.as_ref() {
                None => html! { <p class="pf-muted">{ "kubectl has not run yet." }</p> },
                Some(result) => html! {
                    <pre class={classes!("pf-terminal", "pf-mono", (!result.success).then_some("pf-is-error"))}
                        data-testid="pf-kubectl-output" aria-label={
                            if result.success { "kubectl output" } else { "kubectl output: error" }
                        }>
                        { for result.lines.iter().map(|line| {
                            let class = if line.starts_with("Warning:") { "pf-line pf-line--warning" }
                                else if result.success { "pf-line" } else { "pf-line pf-line--error" };
                            html! { <span class={class}>{ line.clone() }{ "\n" }</span> }
                        }) }
                    </pre>
                },
            } }
        </section>
    }
}
