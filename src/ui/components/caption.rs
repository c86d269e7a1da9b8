//! The caption: the seed's step number and title, then one sentence about the current trace entry,
//! quoting the engine's values (see `story::caption`).

use yew::prelude::*;

use crate::ui::story::step_title;

/// The heading of kube-controller-manager's entries (the seed's story has no step for them).
pub const CONTROLLER_HEADING: &str =
    "kube-controller-manager · Deployment, ReplicaSet and disruption controllers";

#[derive(Properties, PartialEq)]
pub struct CaptionProps {
    /// The seed's step (1–9) the current entry belongs to.
    pub step: Option<u8>,
    /// The current entry is kube-controller-manager's, outside the seed's steps.
    #[prop_or_default]
    pub controller: bool,
    /// The sentence for the current entry.
    pub text: AttrValue,
    /// Whether the current entry is a failure (the sentence is styled as one).
    pub failed: bool,
}

#[component]
pub fn Caption(props: &CaptionProps) -> Html {
    let _span = crate::ui::profile::Span::new(|| "Caption".into());
    let heading = match props.step.and_then(|n| step_title(n).map(|t| (n, t))) {
        _ if props.controller => CONTROLLER_HEADING.to_string(),
        Some((number, title)) => format!("Step {number} · {title}"),
        None => "Before the story".to_string(),
    };
    html! {
        <section class={classes!("pf-caption", props.failed.then_some("pf-caption--failed"))}
                 aria-live="polite" data-testid="caption">
            <p class="pf-caption-step" data-testid="caption-step">{ heading }</p>
            <p class="pf-caption-text" data-testid="caption-text">{ props.text.clone() }</p>
        </section>
    }
}
