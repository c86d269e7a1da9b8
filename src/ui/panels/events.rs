//! The events inspector: `kubectl get events` (LAST SEEN, TYPE, REASON, OBJECT, MESSAGE) at the view's
//! virtual time, oldest first.

use std::rc::Rc;

use yew::prelude::*;

use crate::ui::view_state::ViewState;

use super::cluster_model::StatusKind;
use super::lists_model::{event_rows, EVENT_COLUMNS};
use super::status_icon::StatusIcon;

#[derive(Properties, PartialEq)]
pub struct EventsPanelProps {
    pub view: Rc<ViewState>,
}

#[component]
pub fn EventsPanel(props: &EventsPanelProps) -> Html {
    let rows = use_memo(props.view.clone(), |view| event_rows(view));
    html! {
        <section class="pf-inspector-panel" aria-labelledby="pf-events-title" data-testid="pf-events">
            <h2 class="pf-panel-title" id="pf-events-title">{ "Events" }</h2>
            if rows.is_empty() {
                <p class="pf-muted pf-mono">{ "No resources found in default namespace." }</p>
            } else {
                <div class="pf-scroll" tabindex="0" role="region" aria-label="Events table">
                    <table class="pf-table pf-kubectl-table" data-testid="pf-events-table">
                        <caption><code class="pf-mono">{ "kubectl get events" }</code>{ " (oldest first)" }</caption>
                        <thead>
                            <tr>{ for EVENT_COLUMNS.iter().map(|c| html! { <th scope="col">{ *c }</th> }) }</tr>
                        </thead>
                        <tbody>
                            { for rows.iter().map(|row| {
                                let warning = row.event_type == "Warning";
                                html! {
                                    <tr class={classes!(warning.then_some("pf-row--failed"))}>
                                        <td class="pf-mono">{ row.last_seen.clone() }</td>
                                        <td class="pf-mono">
                                            if warning { <StatusIcon kind={StatusKind::Failed} />{ " " } }
                                            { row.event_type.clone() }
                                        </td>
                                        <th scope="row" class="pf-mono">{ row.reason.clone() }</th>
                                        <td class="pf-mono">{ row.object.clone() }</td>
                                        <td class="pf-detail">{ row.message.clone() }</td>
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
