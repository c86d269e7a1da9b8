//! The timeline: a range input over the story's trace entries (scrubbing shows the engine's state at
//! that entry), with a mark where each of the seed's steps begins and a red mark at each failure.

use std::rc::Rc;

use yew::prelude::*;

use crate::ui::playback::format_time_ms;

/// A mark on the timeline.
#[derive(Clone, Debug, PartialEq)]
pub struct TimelineMark {
    pub position: usize,
    /// `1`–`9` for the first entry of a step, empty for a failure mark.
    pub label: String,
    pub failed: bool,
}

/// The smallest distance (in % of the track) between two numbered marks; a closer one shows as a tick.
pub const MIN_LABEL_GAP_PERCENT: f64 = 2.5;

/// Pairs each mark with whether its label fits: a step number too close to the previous shown one is
/// drawn as a bare tick, so labels never overlap.
pub fn label_spacing(
    marks: &[TimelineMark],
    start: usize,
    end: usize,
) -> Vec<(&TimelineMark, bool)> {
    let span = end.saturating_sub(start).max(1) as f64;
    let mut last_shown: Option<f64> = None;
    marks
        .iter()
        .map(|mark| {
            if mark.label.is_empty() {
                return (mark, false);
            }
            let at = mark.position.saturating_sub(start) as f64 / span * 100.0;
            let fits = last_shown.is_none_or(|last| at - last >= MIN_LABEL_GAP_PERCENT);
            if fits {
                last_shown = Some(at);
            }
            (mark, fits)
        })
        .collect()
}

#[derive(Properties, PartialEq)]
pub struct TimelineProps {
    pub start: usize,
    pub end: usize,
    pub position: usize,
    /// Virtual time of the current entry.
    pub time_ms: u64,
    pub marks: Rc<Vec<TimelineMark>>,
    pub on_seek: Callback<usize>,
}

#[component]
pub fn Timeline(props: &TimelineProps) -> Html {
    let on_input = {
        let on_seek = props.on_seek.clone();
        Callback::from(move |event: InputEvent| {
            let input: web_sys::HtmlInputElement = event.target_unchecked_into();
            if let Ok(position) = input.value().parse::<usize>() {
                on_seek.emit(position);
            }
        })
    };
    let span = props.end.saturating_sub(props.start).max(1) as f64;
    let count = props.end.saturating_sub(props.start) + 1;
    let index = props.position.saturating_sub(props.start) + 1;
    let percent = |position: usize| (position.saturating_sub(props.start)) as f64 / span * 100.0;
    html! {
        <section class="pf-timeline" aria-label="Timeline">
            <div class="pf-timeline-track">
                <input type="range" class="pf-range" data-testid="timeline"
                       aria-label="Trace position"
                       aria-valuetext={format!("entry {index} of {count}, t={}", format_time_ms(props.time_ms))}
                       min={props.start.to_string()} max={props.end.to_string()}
                       value={props.position.to_string()} step="1"
                       oninput={on_input} />
                <div class="pf-timeline-marks" aria-hidden="true">
                    { for label_spacing(&props.marks, props.start, props.end).into_iter().map(|(mark, show_label)| {
                        let on_seek = props.on_seek.clone();
                        let position = mark.position;
                        html! {
                            <span class={classes!(
                                      "pf-mark",
                                      mark.failed.then_some("pf-mark--failed"),
                                      (mark.position <= props.position).then_some("pf-mark--done"),
                                  )}
                                  style={format!("left: {:.3}%", percent(mark.position))}
                                  onclick={Callback::from(move |_: MouseEvent| on_seek.emit(position))}>
                                if show_label { { mark.label.clone() } }
                            </span>
                        }
                    }) }
                </div>
            </div>
            <p class="pf-timeline-readout" data-testid="timeline-readout">
                <span>{ format!("entry {index} / {count}") }</span>
                <span class="pf-mono">{ format!("t={}", format_time_ms(props.time_ms)) }</span>
            </p>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mark(position: usize, label: &str) -> TimelineMark {
        TimelineMark {
            position,
            label: label.into(),
            failed: label.is_empty(),
        }
    }

    #[test]
    fn should_hide_step_numbers_that_would_overlap() {
        let marks = [
            mark(0, "1"),
            mark(1, "2"),
            mark(10, "3"),
            mark(11, ""),
            mark(12, "4"),
        ];
        let shown: Vec<bool> = label_spacing(&marks, 0, 100)
            .into_iter()
            .map(|(_, s)| s)
            .collect();
        assert_eq!(shown, [true, false, true, false, false]);
    }
}
