//! The events inspector: `kubectl get events` (LAST SEEN, TYPE, REASON, OBJECT, MESSAGE) at the view's
//! virtual time, in its list order (by name: each object's events oldest first).

use std::rc::Rc;

use yew::prelude::*;

use crate::ui::view_state::ViewState;

use super::cluster_model::StatusKind;
use super::lists_model::{keyed_event_rows, EVENT_COLUMNS};
use super::progressive::use_rows_shown;
use super::status_icon::StatusIcon;
use crate::engine::printers::EventRow;

#[derive(Properties, PartialEq)]
pub struct EventsPanelProps {
    pub view: Rc<ViewState>,
}

#[component]
pub fn EventsPanel(props: &EventsPanelProps) -> Html {
    let _span = crate::ui::profile::Span::new(|| "EventsPanel".into());
    // Rows as keyed components: a step re-renders only the rows whose text changed (a big run has
    // hundreds), and a new event adds a row instead of shifting every row's text by one.
    let rows = use_memo(props.view.clone(), |view| {
        keyed_event_rows(view)
            .into_iter()
            .map(|(key, row)| (yew::virtual_dom::Key::from(key), Rc::new(row)))
            .collect::<Vec<_>>()
    });
    let shown = use_rows_shown(rows.len());
    html! {
        <section class="pf-inspector-panel" aria-labelledby="pf-events-title" data-testid="pf-events">
            <h2 class="pf-panel-title" id="pf-events-title">{ "Events" }</h2>
            if rows.is_empty() {
                <p class="pf-muted pf-mono">{ "No resources found in default namespace." }</p>
            } else {
                <div class="pf-scroll" tabindex="0" role="region" aria-label="Events table">
                    <table class="pf-table pf-kubectl-table" data-testid="pf-events-table">
                        <caption><code class="pf-mono">{ "kubectl get events" }</code>{ " (by name, as kubectl lists them)" }</caption>
                        <thead>
                            <tr>{ for EVENT_COLUMNS.iter().map(|c| html! { <th scope="col">{ *c }</th> }) }</tr>
                        </thead>
                        <tbody>
                            { for rows.iter().take(shown).map(|(key, row)| html! { <EventLine key={key.clone()} row={row.clone()} /> }) }
                        </tbody>
                    </table>
                </div>
            }
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct EventLineProps {
    row: Rc<EventRow>,
}

/// One row of the table.
#[component]
fn EventLine(props: &EventLineProps) -> Html {
    let row = &props.row;
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
}
