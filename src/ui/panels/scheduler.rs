//! The scheduler inspector: the filter table (filter plugins down, nodes across: passed, the upstream
//! reason, or not run) and the score table (per feasible node and score plugin: raw, normalized,
//! weight, weighted; the total; the winner), or why scoring was skipped, or the FailedScheduling
//! message.

use std::rc::Rc;

use yew::prelude::*;

use crate::ui::view_state::ViewState;

use super::cluster_model::StatusKind;
use super::progressive::use_rows_shown;
use super::scheduler_model::{
    scheduler_model, AttemptPhase, FilterCell, FilterTable, NodeScores, SchedulerModel, Scoring,
};
use super::status_icon::StatusIcon;

#[derive(Properties, PartialEq)]
pub struct SchedulerPanelProps {
    pub view: Rc<ViewState>,
}

/// A plugin name with line-break opportunities between its words (`NodeResources·Balanced·Allocation`),
/// so long names wrap in a narrow inspector instead of widening the table.
fn plugin_name(name: &str) -> Html {
    // A qualified name (`VolumeRestrictions (PreFilter)`) breaks at its space, not inside the note.
    let (name, note) = match name.split_once(' ') {
        Some((name, note)) => (name, Some(note)),
        None => (name, None),
    };
    let mut words: Vec<String> = Vec::new();
    for c in name.chars() {
        match words.last_mut() {
            Some(word) if !c.is_ascii_uppercase() => word.push(c),
            _ => words.push(c.to_string()),
        }
    }
    let last = words.len().saturating_sub(1);
    html! {
        <>
            { for words.into_iter().enumerate().map(|(i, word)| html! {
                <>{ word }if i < last { <wbr /> }</>
            }) }
            if let Some(note) = note {
                { " " }<span class="pf-nowrap">{ note }</span>
            }
        </>
    }
}

fn filter_cell(cell: &FilterCell) -> Html {
    match cell {
        FilterCell::Passed => html! {
            <td class="pf-cell--pass">
                <svg class="pf-status-icon" viewBox="0 0 16 16" width="14" height="14" aria-hidden="true" focusable="false">
                    <path d="M2.5 8.5 L6.5 12.5 L13.5 4" fill="none" stroke="currentColor" stroke-width="2.5"
                        stroke-linecap="round" stroke-linejoin="round" />
                </svg>
                { " pass" }
            </td>
        },
        FilterCell::Rejected(reason) => html! {
            <td class="pf-cell--fail"><StatusIcon kind={StatusKind::Failed} />{ " " }{ reason.clone() }</td>
        },
        FilterCell::NotRun => html! { <td class="pf-cell--skip pf-muted">{ "not run" }</td> },
        FilterCell::Skipped => html! { <td class="pf-cell--skip pf-muted">{ "skipped" }</td> },
    }
}

/// The filter table, with the plugin rows whose cells fit in `cells_shown` (all, once mounted).
fn filter_table(table: &FilterTable, cells_shown: usize) -> Html {
    let row_cells = table.nodes.len().max(1);
    html! {
        <>
        <div class="pf-scroll" tabindex="0" role="region" aria-label="Filter table">
            <table class="pf-table pf-filter-table" data-testid="pf-filter-table">
                <caption>{ "Filter: each node goes through the plugins top to bottom and stops at the first that rejects it" }</caption>
                <thead>
                    <tr>
                        <th scope="col">{ "Plugin" }</th>
                        { for table.nodes.iter().map(|n| html! { <th scope="col" class="pf-mono">{ n.clone() }</th> }) }
                    </tr>
                </thead>
                <tbody>
                    { for table.rows.iter().enumerate().take_while(|(i, _)| i * row_cells < cells_shown).map(|(_, (plugin, cells))| html! {
                        <tr>
                            <th scope="row" class="pf-mono pf-plugin">{ plugin_name(plugin) }</th>
                            { for cells.iter().map(filter_cell) }
                        </tr>
                    }) }
                </tbody>
                <tfoot>
                    <tr>
                        <th scope="row">{ "Result" }</th>
                        { for table.feasible.iter().map(|ok| if *ok {
                            html! { <td class="pf-cell--pass"><strong>{ "feasible" }</strong></td> }
                        } else {
                            html! { <td class="pf-cell--fail"><strong>{ "filtered out" }</strong></td> }
                        }) }
                    </tr>
                </tfoot>
            </table>
        </div>
        if table.rows.iter().any(|(_, cells)| cells.first() == Some(&FilterCell::Skipped)) {
            <p class="pf-muted" data-testid="pf-filter-skipped-note">
                { "skipped: the plugin's PreFilter found nothing to check for this pod and returned Skip, so its Filter ran on no node." }
            </p>
        }
        </>
    }
}

/// The rows of one node's group in the score table: its name, a line per plugin, its total.
fn score_group_rows(node: &NodeScores) -> usize {
    node.lines.len() + 2
}

/// The score table, with the groups of nodes that fit in `rows_shown` rows (all, once mounted).
fn score_section(scoring: &Scoring, rows_shown: usize) -> Html {
    match scoring {
        Scoring::NoFeasibleNode => html! {
            <p class="pf-muted">{ "Scoring did not run: no node passed the filters." }</p>
        },
        Scoring::Skipped { node } => html! {
            <p data-testid="pf-scoring-skipped">
                { format!("Scoring skipped (one feasible node): {node} is chosen without scores.") }
            </p>
        },
        Scoring::Scored { nodes, tied } => html! {
            <div class="pf-scroll" tabindex="0" role="region" aria-label="Score table">
                <table class="pf-table pf-score-table" data-testid="pf-score-table">
                    <caption>{ "Score: weighted = normalized × weight; the highest total wins" }</caption>
                    <thead>
                        <tr>
                            <th scope="col">{ "Plugin" }</th>
                            <th scope="col" class="pf-num">{ "Raw" }</th>
                            <th scope="col" class="pf-num"><abbr title="Normalized">{ "Norm." }</abbr></th>
                            <th scope="col" class="pf-num">{ "Weight" }</th>
                            <th scope="col" class="pf-num">{ "Weighted" }</th>
                        </tr>
                    </thead>
                    { for nodes.iter().scan(0, |rows_before, node| {
                        let first_row = *rows_before;
                        *rows_before += score_group_rows(node);
                        (first_row < rows_shown).then_some(node)
                    }).map(|node| {
                        let verdict = if node.winner && *tied > 1 {
                            format!("winner ({tied} tied, random pick)")
                        } else if node.winner {
                            "winner".to_string()
                        } else {
                            String::new()
                        };
                        html! {
                            <tbody class={classes!(node.winner.then_some("pf-winner"))}
                                data-testid="pf-score-node" data-node={node.node.clone()}>
                                <tr class="pf-group-row">
                                    <th scope="rowgroup" colspan="5" class="pf-mono">{ node.node.clone() }</th>
                                </tr>
                                { for node.lines.iter().map(|line| html! {
                                    <tr>
                                        <th scope="row" class="pf-mono pf-plugin">{ plugin_name(&line.plugin) }</th>
                                        <td class="pf-num">{ line.raw }</td>
                                        <td class="pf-num">{ line.normalized }</td>
                                        <td class="pf-num">{ line.weight }</td>
                                        <td class="pf-num">{ line.weighted }</td>
                                    </tr>
                                }) }
                                <tr class="pf-total-row">
                                    <th scope="row" colspan="4">{ format!("Total for {}", node.node) }</th>
                                    <td class="pf-num" data-testid="pf-score-total">
                                        <strong>{ node.total }</strong>
                                        if node.winner {
                                            { " " }
                                            <span class="pf-winner-mark">
                                                <svg viewBox="0 0 16 16" width="12" height="12" aria-hidden="true" focusable="false">
                                                    <path d="M8 1.5 L10 6 L14.8 6.3 L11.1 9.4 L12.3 14.2 L8 11.6 L3.7 14.2 L4.9 9.4 L1.2 6.3 L6 6 Z" fill="currentColor" />
                                                </svg>
                                                { verdict }
                                            </span>
                                        }
                                    </td>
                                </tr>
                            </tbody>
                        }
                    }) }
                </table>
            </div>
        },
    }
}

/// What the attempt does next, while the current entry is before its result.
fn next_step(model: &SchedulerModel) -> Option<String> {
    let feasible = model.filter.feasible.iter().filter(|f| **f).count();
    match model.reached {
        AttemptPhase::Concluded => None,
        AttemptPhase::Filtered if feasible == 0 => Some(
            "Next: with no feasible node, the scheduler records the pod as unschedulable.".into(),
        ),
        AttemptPhase::Filtered if feasible == 1 => {
            Some("Next: with one feasible node, the scheduler skips scoring and picks it.".into())
        }
        AttemptPhase::Filtered => Some(format!(
            "Next: the Score plugins rank the {feasible} feasible nodes."
        )),
        AttemptPhase::Scored => Some(match &model.node {
            Some(node) => {
                format!("Next: Bind asks the API server to set the pod's nodeName to {node}.")
            }
            None => "Next: Bind asks the API server to set the pod's nodeName.".into(),
        }),
    }
}

#[component]
pub fn SchedulerPanel(props: &SchedulerPanelProps) -> Html {
    let _span = crate::ui::profile::Span::new(|| "SchedulerPanel".into());
    let model = use_memo(props.view.clone(), |view| scheduler_model(view));
    html! { <SchedulerTables model={model} /> }
}

#[derive(Properties, PartialEq)]
struct SchedulerTablesProps {
    model: Rc<Option<SchedulerModel>>,
}

/// The panel's content: re-rendered only when the model changed, not on every step of the story (the
/// tables of a 20-node cluster have over a thousand cells).
#[component]
fn SchedulerTables(props: &SchedulerTablesProps) -> Html {
    // The score table of a big cluster (a group of rows per feasible node) mounts a slice at a time.
    let score_rows = match props.model.as_ref().as_ref().map(|m| &m.scoring) {
        Some(Scoring::Scored { nodes, .. }) => nodes.iter().map(score_group_rows).sum(),
        _ => 0,
    };
    let score_rows_shown = use_rows_shown(score_rows);
    // So does the filter table, counted in cells (a row has a cell per node).
    let filter_cells = props
        .model
        .as_ref()
        .as_ref()
        .map_or(0, |m| m.filter.rows.len() * m.filter.nodes.len().max(1));
    let filter_cells_shown = use_rows_shown(filter_cells);
    let Some(model) = props.model.as_ref() else {
        return html! {
            <section class="pf-inspector-panel" data-testid="pf-scheduler">
                <h2 class="pf-panel-title">{ "Scheduler" }</h2>
                <p class="pf-muted">{ "The scheduler has not tried to place this pod yet." }</p>
            </section>
        };
    };
    html! {
        <section class="pf-inspector-panel pf-scheduler" aria-labelledby="pf-scheduler-title" data-testid="pf-scheduler">
            <h2 class="pf-panel-title" id="pf-scheduler-title">{ "Scheduler" }</h2>
            <p>
                { format!("Attempt {} for ", model.attempt) }
                <code class="pf-mono">{ model.pod.clone() }</code>
                { match &model.pre_filter {
                    Some(plugin) => format!(": {plugin} refused the pod at PreFilter, so no node was filtered."),
                    None => format!(": {} of {} node(s) passed the filters.",
                        model.filter.feasible.iter().filter(|f| **f).count(), model.filter.nodes.len()),
                } }
            </p>
            { filter_table(&model.filter, filter_cells_shown) }
            if model.reached >= AttemptPhase::Scored || model.scoring == Scoring::NoFeasibleNode {
                { score_section(&model.scoring, score_rows_shown) }
            }
            if let Some(next) = next_step(model) {
                <p class="pf-muted" data-testid="pf-scheduler-next">{ next }</p>
            } else if model.scheduled {
                <p class="pf-result pf-result--ok" data-testid="pf-scheduler-result">
                    <StatusIcon kind={StatusKind::Running} />
                    <strong>{ " Scheduled: " }</strong>{ model.message.clone() }
                </p>
            } else {
                <p class="pf-result pf-result--failed" role="note" data-testid="pf-scheduler-result">
                    <StatusIcon kind={StatusKind::Failed} />
                    <strong>{ " FailedScheduling: " }</strong>
                    <span class="pf-mono">{ model.message.clone() }</span>
                </p>
                if !model.waits_for.is_empty() {
                    { waits_for(&model.waits_for) }
                }
            }
        </section>
    }
}

/// What may send an unschedulable pod back to the queue: each rejecting plugin with the cluster events
/// it registered (their QueueingHints then decide), and the five-minute flush.
fn waits_for(plugins: &[(String, Vec<String>)]) -> Html {
    html! {
        <div class="pf-muted" data-testid="pf-scheduler-waits">
            <p>{ "The pod waits in unschedulablePods. A cluster event goes back to the plugins that \
                  rejected it: their QueueingHints say whether it may help, and if one says Queue, the \
                  pod is retried. Otherwise it is retried once it has waited five minutes, at the queue's next \
                  30-second flush. They listen for:" }</p>
            <ul class="pf-waits">
                { for plugins.iter().map(|(plugin, events)| html! {
                    <li key={plugin.clone()}>
                        <strong>{ plugin.clone() }</strong>{ ": " }
                        <span class="pf-mono">{ events.join(", ") }</span>
                    </li>
                }) }
            </ul>
        </div>
    }
}
