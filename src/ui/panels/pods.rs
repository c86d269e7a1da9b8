//! The pods inspector: `kubectl get pods -o wide` at the view's virtual time, the STATUS column with
//! its shape; clicking a name follows that pod.

use std::rc::Rc;

use yew::prelude::*;

use crate::ui::view_state::{UserCommand, ViewState};

use super::cluster_model::status_kind;
use super::lists_model::{pod_cells, pod_rows, POD_COLUMNS};
use super::status_icon::StatusBadge;

#[derive(Properties, PartialEq)]
pub struct PodsPanelProps {
    pub view: Rc<ViewState>,
    pub on_command: Callback<UserCommand>,
}

#[component]
pub fn PodsPanel(props: &PodsPanelProps) -> Html {
    let rows = use_memo(props.view.clone(), |view| pod_rows(view));
    html! {
        <section class="pf-inspector-panel" aria-labelledby="pf-pods-title" data-testid="pf-pods">
            <h2 class="pf-panel-title" id="pf-pods-title">{ "Pods" }</h2>
            if rows.is_empty() {
                <p class="pf-muted pf-mono">{ "No resources found in default namespace." }</p>
            } else {
                <div class="pf-scroll" tabindex="0" role="region" aria-label="Pods table">
                    <table class="pf-table pf-kubectl-table" data-testid="pf-pods-table">
                        <caption><code class="pf-mono">{ "kubectl get pods -o wide" }</code></caption>
                        <thead>
                            <tr>{ for POD_COLUMNS.iter().map(|c| html! { <th scope="col">{ *c }</th> }) }</tr>
                        </thead>
                        <tbody>
                            { for rows.iter().map(|row| {
                                let key = format!("{}/{}", row.namespace, row.name);
                                let selected = props.view.selected_pod.as_deref() == Some(key.as_str());
                                let on_command = props.on_command.clone();
                                let select = Callback::from(move |_: MouseEvent| on_command.emit(UserCommand::SelectPod(key.clone())));
                                let cells = pod_cells(row);
                                html! {
                                    <tr class={classes!(selected.then_some("pf-row--selected"))}
                                        aria-current={selected.then_some("true")}>
                                        <th scope="row">
                                            <button type="button" class="pf-link pf-mono" onclick={select}
                                                aria-label={format!("Follow pod {}", row.name)}>{ row.name.clone() }</button>
                                        </th>
                                        { for cells.iter().enumerate().skip(1).map(|(i, cell)| if i == 2 {
                                            html! { <td><StatusBadge kind={status_kind(cell)} text={cell.to_string()} /></td> }
                                        } else {
                                            html! { <td class="pf-mono">{ cell.to_string() }</td> }
                                        }) }
                                    </tr>
                                }
                            }) }
                        </tbody>
                    </table>
                </div>
            }
        </section>
    }
}
