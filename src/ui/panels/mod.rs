//! The panels around the flow diagram: the cluster (nodes, pods, cluster actions) and the inspectors
//! (manifest editor, request, stored object, scheduler tables, events, pods).
//!
//! Each panel renders a [`ViewState`] (the engine's state at the playback position) and sends
//! [`UserCommand`]s; none changes the simulation or decides anything Kubernetes decides. Derivations
//! live in the pure `*_model` modules (natively tested against real runs); the components are thin.
//!
//! The integrator wires two components: [`ClusterPanel`] and [`Inspector`] (the tab strip itself
//! belongs to the app).

pub mod cluster;
pub mod cluster_model;
pub mod describe;
pub mod events;
pub mod fixtures;
pub mod focus;
pub mod lists_model;
pub mod manifest;
pub mod pods;
pub mod progressive;
pub mod request;
pub mod request_model;
pub mod scheduler;
pub mod scheduler_model;
pub mod status_icon;
pub mod stored;
pub mod stored_model;
#[cfg(test)]
mod testing;

use std::collections::BTreeMap;
use std::rc::Rc;

use yew::prelude::*;

use crate::ui::persist::{PersistAction, Persisted};
use crate::ui::view_state::{InspectorTab, UserCommand, ViewState};

pub use cluster::{ClusterPanel, ClusterPanelProps};

#[derive(Properties, PartialEq)]
pub struct InspectorProps {
    pub view: Rc<ViewState>,
    pub tab: InspectorTab,
    pub on_command: Callback<UserCommand>,
}

/// The content of the inspector tab `tab` (the tabs themselves are the app's).
#[component]
pub fn Inspector(props: &InspectorProps) -> Html {
    let _span = crate::ui::profile::Span::new(|| "Inspector".into());
    let view = props.view.clone();
    let on_command = props.on_command.clone();
    // The editor's text lives here, so it survives switching tabs; with the app's saved state
    // (`ui::persist`) it also survives a reload: it starts from the saved text and saves as it changes.
    let persisted = use_context::<Persisted>();
    let manifest = {
        let saved = persisted.as_ref().and_then(Persisted::editor_text);
        use_state(move || {
            AttrValue::from(saved.unwrap_or_else(|| manifest::SEED_POD_YAML.to_string()))
        })
    };
    let on_text = {
        let manifest = manifest.clone();
        Callback::from(move |text: String| {
            if let Some(persisted) = &persisted {
                persisted.dispatch(PersistAction::Editor(text.clone()));
            }
            manifest.set(AttrValue::from(text))
        })
    };
    let text = (*manifest).clone();
    // The panels of the tabs opened before stay mounted, hidden (`pf-inspector-pane--kept`: not
    // rendered, not focusable, not in the accessibility tree) and holding the state they last showed.
    // While playing, the inspector follows the active stage and switches tabs every few entries;
    // building a panel afresh each time (the scheduler's tables for a 20-node cluster have over a
    // thousand cells) took longer than a frame, while showing a kept panel again with the current
    // state mostly changes nothing.
    let kept = use_mut_ref(BTreeMap::<InspectorTab, Rc<ViewState>>::new);
    kept.borrow_mut().insert(props.tab, view);
    let kept = kept.borrow().clone();
    html! {
        <div class="pf-inspector-content" data-testid="pf-inspector" data-tab={props.tab.label()}>
            { for kept.into_iter().map(|(tab, view)| {
                let active = tab == props.tab;
                let on_command = on_command.clone();
                let panel = match tab {
                    InspectorTab::Manifest => {
                        let (text, on_text) = (text.clone(), on_text.clone());
                        html! { <manifest::ManifestPanel {view} {on_command} {text} {on_text} /> }
                    }
                    InspectorTab::Request => html! { <request::RequestPanel {view} /> },
                    InspectorTab::Stored => html! { <stored::StoredPanel {view} /> },
                    InspectorTab::Scheduler => html! { <scheduler::SchedulerPanel {view} /> },
                    InspectorTab::Events => html! { <events::EventsPanel {view} /> },
                    InspectorTab::Pods => html! { <pods::PodsPanel {view} {on_command} /> },
                    InspectorTab::Describe => html! { <describe::DescribePanel {view} {on_command} /> },
                };
                html! {
                    <div key={tab.label()}
                         class={classes!("pf-inspector-pane", (!active).then_some("pf-inspector-pane--kept"))}
                         aria-hidden={(!active).then_some("true")}
                         inert={!active}>
                        { panel }
                    </div>
                }
            }) }
        </div>
    }
}
