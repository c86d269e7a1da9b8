//! The stored-object inspector: the pod as etcd holds it now, its key and resourceVersion, the fields
//! the API server added to the manifest, and the key's revision history.

use std::rc::Rc;

use yew::prelude::*;

use crate::ui::view_state::ViewState;

use super::stored_model::{format_seconds, stored_model};

#[derive(Properties, PartialEq)]
pub struct StoredPanelProps {
    pub view: Rc<ViewState>,
}

#[component]
pub fn StoredPanel(props: &StoredPanelProps) -> Html {
    let _span = crate::ui::profile::Span::new(|| "StoredPanel".into());
    let model = use_memo(props.view.clone(), |view| stored_model(view));
    let Some(model) = model.as_ref() else {
        return html! {
            <section class="pf-inspector-panel" data-testid="pf-stored">
                <h2 class="pf-panel-title">{ "Stored in etcd" }</h2>
                <p class="pf-muted">{ "No pod yet." }</p>
            </section>
        };
    };
    html! {
        <section class="pf-inspector-panel pf-stored" aria-labelledby="pf-stored-title" data-testid="pf-stored">
            <h2 class="pf-panel-title" id="pf-stored-title">{ "Stored in etcd" }</h2>
            <dl class="pf-facts">
                <dt>{ "Key" }</dt>
                <dd><code class="pf-mono">{ model.key.clone() }</code></dd>
                <dt>{ "resourceVersion" }</dt>
                <dd>
                    if model.resource_version.is_empty() {
                        <span class="pf-muted">{ "nothing stored" }</span>
                    } else {
                        <code class="pf-mono" data-testid="pf-resource-version">{ model.resource_version.clone() }</code>
                    }
                </dd>
            </dl>
            <div class="pf-scroll" tabindex="0" role="region" aria-label="resourceVersion history">
            <table class="pf-table pf-history-table" data-testid="pf-history">
                <caption>{ "Writes to this key (resourceVersion history)" }</caption>
                <thead>
                    <tr>
                        <th scope="col">{ "Revision" }</th>
                        <th scope="col">{ "Time" }</th>
                        <th scope="col">{ "Type" }</th>
                        <th scope="col">{ "Written by" }</th>
                        <th scope="col">{ "What" }</th>
                    </tr>
                </thead>
                <tbody>
                    if model.history.is_empty() {
                        <tr><td colspan="5" class="pf-muted">{ "Never written: the object was not stored." }</td></tr>
                    }
                    { for model.history.iter().map(|row| html! {
                        <tr key={row.revision.to_string()}>
                            <th scope="row" class="pf-num pf-mono">{ row.revision }</th>
                            <td class="pf-mono">{ format_seconds(row.time_ms) }</td>
                            <td class="pf-mono">{ row.event_type.clone() }</td>
                            <td class="pf-mono">{ row.writer.clone() }</td>
                            <td class="pf-detail">{ row.summary.clone() }</td>
                        </tr>
                    }) }
                </tbody>
            </table>
            </div>
            if !model.added.is_empty() {
                <div class="pf-scroll" tabindex="0" role="region" aria-label="Fields added by the API server">
                <table class="pf-table pf-wrap-table" data-testid="pf-added">
                    <caption>{ "Added by the API server (defaulting, admission, metadata): not in the manifest kubectl sent" }</caption>
                    <thead>
                        <tr>
                            <th scope="col">{ "Field" }</th>
                            <th scope="col">{ "Value when created" }</th>
                        </tr>
                    </thead>
                    <tbody>
                        { for model.added.iter().map(|field| html! {
                            <tr>
                                <th scope="row" class="pf-mono">{ field.path.clone() }</th>
                                <td class="pf-mono pf-detail">{ field.value.clone() }</td>
                            </tr>
                        }) }
                    </tbody>
                </table>
                </div>
            }
            if let Some(json) = &model.json {
                <h3 class="pf-subtitle">{ "The object as stored now" }</h3>
                <pre class="pf-json pf-mono" tabindex="0" aria-label="Stored object as JSON"
                    data-testid="pf-stored-json">{ json.clone() }</pre>
            }
        </section>
    }
}
