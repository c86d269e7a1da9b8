//! The playback controls: restart, step back, play/pause, step forward, and the speed.

use yew::prelude::*;

/// The speeds offered, slowest first.
pub const SPEEDS: [f64; 5] = [0.25, 0.5, 1.0, 2.0, 4.0];
/// The index of 1× in [`SPEEDS`].
pub const DEFAULT_SPEED: usize = 2;

/// `0.25×`, `1×`, `4×`.
pub fn speed_label(speed: f64) -> String {
    format!("{speed}×")
}

#[derive(Properties, PartialEq)]
pub struct ControlsProps {
    pub playing: bool,
    pub at_start: bool,
    pub at_end: bool,
    /// Index into [`SPEEDS`].
    pub speed: usize,
    pub on_restart: Callback<()>,
    pub on_step_back: Callback<()>,
    pub on_toggle: Callback<()>,
    pub on_step_forward: Callback<()>,
    pub on_speed: Callback<usize>,
}

fn icon(path: &'static str) -> Html {
    html! {
        <svg class="pf-icon" viewBox="0 0 24 24" width="18" height="18" aria-hidden="true" focusable="false">
            <path d={path} />
        </svg>
    }
}

const RESTART: &str = "M12 5V2L7 6l5 4V7a5 5 0 1 1-5 5H5a7 7 0 1 0 7-7z";
const STEP_BACK: &str = "M6 6h2v12H6zM9.5 12L18 6v12z";
const PLAY: &str = "M8 5v14l11-7z";
const PAUSE: &str = "M7 5h4v14H7zM13 5h4v14h-4z";
const STEP_FORWARD: &str = "M16 6h2v12h-2zM6 18l8.5-6L6 6z";

#[component]
pub fn Controls(props: &ControlsProps) -> Html {
    let _span = crate::ui::profile::Span::new(|| "Controls".into());
    let click = |callback: &Callback<()>| {
        let callback = callback.clone();
        Callback::from(move |_: MouseEvent| callback.emit(()))
    };
    let on_speed = {
        let on_speed = props.on_speed.clone();
        Callback::from(move |event: Event| {
            let select: web_sys::HtmlSelectElement = event.target_unchecked_into();
            if let Ok(index) = select.value().parse::<usize>() {
                on_speed.emit(index);
            }
        })
    };
    let (play_label, play_icon) = if props.playing {
        ("Pause", PAUSE)
    } else {
        ("Play", PLAY)
    };
    html! {
        <div class="pf-controls" role="group" aria-label="Playback">
            <button type="button" class="pf-button" data-testid="restart" aria-label="Restart" title="Restart"
                    onclick={click(&props.on_restart)}>{ icon(RESTART) }</button>
            <button type="button" class="pf-button" data-testid="step-back" aria-label="Step back" title="Step back (←)"
                    disabled={props.at_start} onclick={click(&props.on_step_back)}>{ icon(STEP_BACK) }</button>
            <button type="button" class="pf-button pf-button--primary" data-testid="play" aria-label={play_label}
                    title={format!("{play_label} (Space)")} aria-pressed={props.playing.to_string()}
                    onclick={click(&props.on_toggle)}>{ icon(play_icon) }</button>
            <button type="button" class="pf-button" data-testid="step-forward" aria-label="Step forward" title="Step forward (→)"
                    disabled={props.at_end} onclick={click(&props.on_step_forward)}>{ icon(STEP_FORWARD) }</button>
            <label class="pf-field">
                <span class="pf-field-label">{ "Speed" }</span>
                <select class="pf-select" data-testid="speed" onchange={on_speed}>
                    { for SPEEDS.iter().enumerate().map(|(i, s)| html! {
                        <option value={i.to_string()} selected={i == props.speed}>{ speed_label(*s) }</option>
                    }) }
                </select>
            </label>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn should_label_speeds_like_the_sketch() {
        let labels: Vec<String> = SPEEDS.iter().map(|s| speed_label(*s)).collect();
        assert_eq!(labels, ["0.25×", "0.5×", "1×", "2×", "4×"]);
        assert_eq!(SPEEDS[DEFAULT_SPEED], 1.0);
    }
}
