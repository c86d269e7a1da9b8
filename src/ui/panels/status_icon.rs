//! The status shape drawn next to every status word: hollow circle (Pending), half circle
//! (ContainerCreating), filled circle (Running), cross (errors), hollow square (finished or going away).
//! Inline SVG in `currentColor`, hidden from screen readers (the word beside it says the same).

use yew::prelude::*;

use super::cluster_model::StatusKind;

#[derive(Properties, PartialEq)]
pub struct StatusIconProps {
    pub kind: StatusKind,
}

#[component]
pub fn StatusIcon(props: &StatusIconProps) -> Html {
    let shape = match props.kind {
        StatusKind::Pending => html! {
            <circle cx="8" cy="8" r="5.5" fill="none" stroke="currentColor" stroke-width="2" />
        },
        StatusKind::Creating => html! {
            <>
                <circle cx="8" cy="8" r="5.5" fill="none" stroke="currentColor" stroke-width="2" />
                <path d="M8 2.5 A5.5 5.5 0 0 0 8 13.5 Z" fill="currentColor" />
            </>
        },
        StatusKind::Running => html! { <circle cx="8" cy="8" r="6.5" fill="currentColor" /> },
        StatusKind::Failed => html! {
            <path d="M3.5 3.5 L12.5 12.5 M12.5 3.5 L3.5 12.5" stroke="currentColor" stroke-width="2.5"
                stroke-linecap="round" fill="none" />
        },
        StatusKind::Neutral => html! {
            <rect x="3" y="3" width="10" height="10" rx="1" fill="none" stroke="currentColor" stroke-width="2" />
        },
    };
    html! {
        <svg class={classes!("pf-status-icon", props.kind.class())} viewBox="0 0 16 16" width="14" height="14"
            aria-hidden="true" focusable="false">
            { shape }
        </svg>
    }
}

/// A status word with its shape and colour.
#[derive(Properties, PartialEq)]
pub struct StatusBadgeProps {
    pub kind: StatusKind,
    pub text: AttrValue,
}

#[component]
pub fn StatusBadge(props: &StatusBadgeProps) -> Html {
    html! {
        <span class={classes!("pf-status", props.kind.class())}>
            <StatusIcon kind={props.kind} />
            <span class="pf-status-word">{ props.text.clone() }</span>
        </span>
    }
}
