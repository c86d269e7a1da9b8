//! The request inspector: the JSON kubectl sent and the API server's pipeline stages with their
//! outcome; on failure, the Status object it answered.

use std::rc::Rc;

use yew::prelude::*;

use crate::ui::view_state::ViewState;

use super::cluster_model::StatusKind;
use super::request_model::{request_model, StageState};
use super::status_icon::StatusBadge;

#[derive(Properties, PartialEq)]
pub struct RequestPanelProps {
    pub view: Rc<ViewState>,
}

fn stage_kind(state: StageState) -> StatusKind {
    match state {
        StageState::Passed => StatusKind::Running,
        StageState::Failed => StatusKind::Failed,
        StageState::Pending => StatusKind::Pending,
        StageState::NotReached | StageState::NotApplicable => StatusKind::Neutral,
    }
}

#[component]
pub fn RequestPanel(props: &RequestPanelProps) -> Html {
    let _span = crate::ui::profile::Span::new(|| "RequestPanel".into());
    let model = use_memo(props.view.clone(), |view| request_model(view));
    let Some(model) = model.as_ref() else {
        return html! {
            <section class="pf-inspector-panel" data-testid="pf-request">
                <h2 class="pf-panel-title">{ "Request" }</h2>
                <p class="pf-muted">{ "kubectl has not sent a request yet." }</p>
            </section>
        };
    };
    html! {
        <section class="pf-inspector-panel pf-request" aria-labelledby="pf-request-title" data-testid="pf-request">
            <h2 class="pf-panel-title" id="pf-request-title">{ "Request" }</h2>
            <p class="pf-request-line pf-mono">
                <strong>{ model.method.clone() }</strong>{ " " }{ model.path.clone() }
            </p>
            <div class="pf-scroll" tabindex="0" role="region" aria-label="API server pipeline">
            <table class="pf-table" data-testid="pf-pipeline">
                <caption>{ format!("API server pipeline for {}", model.object) }</caption>
                <thead>
                    <tr>
                        <th scope="col">{ "Stage" }</th>
                        <th scope="col">{ "Outcome" }</th>
                        <th scope="col">{ "Detail" }</th>
                    </tr>
                </thead>
                <tbody>
                    { for model.stages.iter().map(|stage| html! {
                        <tr class={classes!((stage.state == StageState::Failed).then_some("pf-row--failed"))}>
                            <th scope="row">{ stage.label }</th>
                            <td><StatusBadge kind={stage_kind(stage.state)} text={stage.state.word()} /></td>
                            <td class="pf-detail">{ stage.summary.clone() }</td>
                        </tr>
                    }) }
                </tbody>
            </table>
            </div>
            if let Some(status) = &model.status_json {
                <h3 class="pf-subtitle pf-is-error">
                    { format!("Response {}: Status", model.code.map(|c| c.to_string()).unwrap_or_default()) }
                </h3>
                <pre class="pf-json pf-mono" data-testid="pf-status-json" tabindex="0"
                    aria-label="Status object">{ status.clone() }</pre>
            }
            <h3 class="pf-subtitle">{ "Sent by kubectl (JSON)" }</h3>
            <pre class="pf-json pf-mono" data-testid="pf-request-json" tabindex="0"
                aria-label="Request as JSON">{ model.request_json.clone() }</pre>
        </section>
    }
}
