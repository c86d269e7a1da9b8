//! The trace as a table: one row per step, with its virtual time, component, stage and summary.

use std::rc::Rc;

use yew::prelude::*;

use crate::ui::run::TraceRow;

#[derive(Properties, PartialEq)]
pub struct TraceListProps {
    pub rows: Rc<Vec<TraceRow>>,
}

#[component]
pub fn TraceList(props: &TraceListProps) -> Html {
    if props.rows.is_empty() {
        return html! { <p class="empty-trace" data-testid="empty-trace">{ "The trace is empty." }</p> };
    }
    html! {
        <table class="trace" data-testid="trace">
            <thead>
                <tr>
                    <th scope="col">{ "Time" }</th>
                    <th scope="col">{ "Component" }</th>
                    <th scope="col">{ "Stage" }</th>
                    <th scope="col">{ "Summary" }</th>
                </tr>
            </thead>
            <tbody>
                { for props.rows.iter().map(|row| html! {
                    <tr key={row.seq} class={classes!("outcome", row.outcome)}>
                        <td class="time">{ &row.time }</td>
                        <td class="component">{ &row.component }</td>
                        <td class="stage">{ &row.stage }</td>
                        <td class="summary">
                            <span class="object">{ &row.object }</span>
                            { " " }
                            { &row.summary }
                            <span class="visually-hidden">{ format!(" ({})", row.outcome) }</span>
                        </td>
                    </tr>
                }) }
            </tbody>
        </table>
    }
}
