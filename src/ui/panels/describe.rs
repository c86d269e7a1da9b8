//! The describe inspector: `kubectl describe pod` of the followed pod, `kubectl describe node` of a
//! node picked here or on its card, or `kubectl describe poddisruptionbudget` of a budget picked
//! here, at the view's position, as kubectl v1.36 prints them (from
//! `engine::describe`), or kubectl's NotFound error while the object is not stored.

use std::rc::Rc;

use web_sys::HtmlSelectElement;
use yew::prelude::*;

use crate::ui::view_state::{UserCommand, ViewState};

use super::lists_model::{describe_choices, describe_focused};

#[derive(Properties, PartialEq)]
pub struct DescribePanelProps {
    pub view: Rc<ViewState>,
    pub on_command: Callback<UserCommand>,
}

#[component]
pub fn DescribePanel(props: &DescribePanelProps) -> Html {
    let _span = crate::ui::profile::Span::new(|| "DescribePanel".into());
    let described = use_memo(props.view.clone(), |view| describe_focused(view));
    let choices = use_memo(props.view.clone(), |view| describe_choices(view));
    let (pod, nodes, budgets) = (&choices.pod, &choices.nodes, &choices.budgets);
    let on_change = {
        let on_command = props.on_command.clone();
        Callback::from(move |e: Event| {
            let value = e.target_unchecked_into::<HtmlSelectElement>().value();
            match value.strip_prefix("pdb/") {
                Some(pdb) => on_command.emit(UserCommand::DescribePdb(pdb.to_string())),
                None => {
                    let node = value.strip_prefix("node/").map(String::from);
                    on_command.emit(UserCommand::DescribeNode(node));
                }
            }
        })
    };
    let current = props.view.described_node.as_deref();
    let current_pdb = props.view.described_pdb.as_deref();
    let pick = if pod.is_some() || !nodes.is_empty() {
        html! {
            <label class="pf-field pf-describe-pick">
                <span class="pf-field-label">{ "Object" }</span>
                <select class="pf-input pf-mono" onchange={on_change} data-testid="pf-describe-pick">
                    if let Some(pod) = pod {
                        <option value="pod" selected={current.is_none() && current_pdb.is_none()}>
                            { format!("pod {}", pod.split_once('/').map_or(pod.as_str(), |(_, n)| n)) }
                        </option>
                    }
                    { for nodes.iter().map(|node| html! {
                        <option value={format!("node/{node}")} selected={current == Some(node.as_str())}>
                            { format!("node {node}") }
                        </option>
                    }) }
                    { for budgets.iter().map(|pdb| html! {
                        <option value={format!("pdb/{pdb}")} selected={current_pdb == Some(pdb.as_str())}>
                            { format!("poddisruptionbudget {}", pdb.split_once('/').map_or(pdb.as_str(), |(_, n)| n)) }
                        </option>
                    }) }
                </select>
            </label>
        }
    } else {
        html! {}
    };
    html! {
        <section class="pf-inspector-panel" aria-labelledby="pf-describe-title" data-testid="pf-describe">
            <h2 class="pf-panel-title" id="pf-describe-title">{ "Describe" }</h2>
            { pick }
            { match described.as_ref() {
                None => html! {
                    <p class="pf-muted">{ "No pod yet: apply a manifest, or pick a pod in the cluster." }</p>
                },
                Some(described) => html! {
                    <>
                        <p><code class="pf-mono" data-testid="pf-describe-command">{ described.command.clone() }</code></p>
                        <pre class={classes!("pf-terminal", "pf-mono", (!described.found).then_some("pf-is-error"))}
                             tabindex="0" aria-label={format!("{} output", described.command)}
                             data-testid="pf-describe-text">{ described.text.clone() }</pre>
                    </>
                },
            } }
        </section>
    }
}
