//! The pods inspector: `kubectl get pods -o wide` at the view's virtual time, the STATUS column with
//! its shape; clicking a name follows that pod.

use std::rc::Rc;

use yew::prelude::*;

use crate::ui::view_state::{UserCommand, ViewState};

use super::cluster_model::status_kind;
use super::lists_model::{pod_cells, pod_rows, POD_COLUMNS};
use super::progressive::use_rows_shown;
use super::status_icon::StatusBadge;
use crate::engine::printers::PodRow;
use crate::ui::components::flow_diagram::clicked_data;

#[derive(Properties, PartialEq)]
pub struct PodsPanelProps {
    pub view: Rc<ViewState>,
    pub on_command: Callback<UserCommand>,
}

#[component]
pub fn PodsPanel(props: &PodsPanelProps) -> Html {
    let _span = crate::ui::profile::Span::new(|| "PodsPanel".into());
    // Rows as keyed components: a step re-renders only the rows whose text changed, and a new pod adds
    // a row instead of shifting the rows after it.
    let rows = use_memo(props.view.clone(), |view| {
        pod_rows(view).into_iter().map(Rc::new).collect::<Vec<_>>()
    });
    // One click handler for every row's name: the pod is the clicked button's `data-pod`.
    let on_click = {
        let on_command = props.on_command.clone();
        Callback::from(move |event: MouseEvent| {
            if let Some(pod) = clicked_data(&event, "button[data-pod]", "data-pod") {
                on_command.emit(UserCommand::SelectPod(pod));
            }
        })
    };
    let shown = use_rows_shown(rows.len());
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
                        <tbody onclick={on_click}>
                            { for rows.iter().take(shown).map(|row| {
                                let key = format!("{}/{}", row.namespace, row.name);
                                let selected = props.view.selected_pod.as_deref() == Some(key.as_str());
                                html! { <PodLine key={key} row={row.clone()} {selected} /> }
                            }) }
                        </tbody>
                    </table>
                </div>
            }
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct PodLineProps {
    row: Rc<PodRow>,
    selected: bool,
}

/// One row of the table; its name button carries the pod for the table's click handler.
#[component]
fn PodLine(props: &PodLineProps) -> Html {
    let PodLineProps { row, selected } = props;
    let cells = pod_cells(row);
    html! {
        <tr class={classes!(selected.then_some("pf-row--selected"))}
            aria-current={selected.then_some("true")}>
            <th scope="row">
                <button type="button" class="pf-link pf-mono" data-pod={format!("{}/{}", row.namespace, row.name)}
                    aria-label={format!("Follow pod {}", row.name)}>{ row.name.clone() }</button>
            </th>
            { for cells.iter().enumerate().skip(1).map(|(i, cell)| if i == 2 {
                html! { <td><StatusBadge kind={status_kind(cell)} text={cell.to_string()} /></td> }
            } else {
                html! { <td class="pf-mono">{ cell.to_string() }</td> }
            }) }
        </tr>
    }
}
