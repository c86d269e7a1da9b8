//! The status token: a shape and a colour that always come with the status word, so status is never
//! told by colour alone. Pending is a hollow amber circle, ContainerCreating a half-filled blue one,
//! Running a filled green one, failures (ErrImagePull, ImagePullBackOff, Unschedulable, rejected) a red
//! cross; finished or not-yet-stored pods a dashed grey circle (classification: `ui::status`).

use yew::prelude::*;

pub use crate::ui::status::{status_kind, StatusKind};

/// The shape alone, as SVG elements centred on (0, 0) with radius `r`; for use inside an `<svg>`.
pub fn status_shape(kind: StatusKind, r: f64) -> Html {
    let half = r * 0.7;
    match kind {
        StatusKind::Pending => html! {
            <circle class="pf-shape pf-shape--hollow" r={r.to_string()} />
        },
        StatusKind::Creating => html! {
            <>
                <circle class="pf-shape pf-shape--hollow" r={r.to_string()} />
                <path class="pf-shape pf-shape--fill" d={format!("M0,{n} A{r},{r} 0 0 0 0,{r} Z", n = -r)} />
            </>
        },
        StatusKind::Running => html! {
            <circle class="pf-shape pf-shape--fill" r={r.to_string()} />
        },
        StatusKind::Failed => html! {
            <>
                <circle class="pf-shape pf-shape--bg" r={r.to_string()} />
                <path class="pf-shape pf-shape--cross" d={format!("M{a},{a} L{half},{half} M{a},{half} L{half},{a}", a = -half)} />
            </>
        },
        StatusKind::Neutral => html! {
            <circle class="pf-shape pf-shape--dashed" r={r.to_string()} />
        },
    }
}

#[derive(Properties, PartialEq)]
pub struct StatusBadgeProps {
    pub status: AttrValue,
}

/// An inline badge: the shape, then the word.
#[component]
pub fn StatusBadge(props: &StatusBadgeProps) -> Html {
    let kind = status_kind(&props.status);
    html! {
        <span class={classes!("pf-status", kind.class())}>
            <svg class="pf-status-icon" viewBox="-10 -10 20 20" width="14" height="14" aria-hidden="true" focusable="false">
                { status_shape(kind, 7.0) }
            </svg>
            <span class="pf-status-word">{ props.status.clone() }</span>
        </span>
    }
}
