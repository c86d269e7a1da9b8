//! The timeline: a range input over the story's trace entries (scrubbing shows the engine's state at
//! that entry), with a mark where each of the seed's steps begins and a red mark at each failure.
//!
//! A big run has thousands of marks (a 20-node, 200-pod cluster about 1,800), most of them bare ticks
//! whose step number would overlap its neighbour's. An element per mark made every render of the page
//! re-style and re-lay out thousands of elements (hundreds of milliseconds in Chromium), so only the
//! marks that show something of their own are elements (a step number, a failure); the bare ticks are
//! two SVG paths (those at or before the current entry, and those after it), and one click handler on
//! the marks finds the tick under the pointer.

use std::rc::Rc;

use wasm_bindgen::JsCast;
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

/// Half the width, in pixels, of the area around a tick that seeks to it when clicked (a mark's
/// `min-width` in the stylesheet is 10 px).
pub const TICK_HIT_HALF_WIDTH_PX: f64 = 5.0;

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

/// Where a mark sits on the track, in % of its width from `start` to `end`.
pub fn mark_percent(position: usize, start: usize, end: usize) -> f64 {
    let span = end.saturating_sub(start).max(1) as f64;
    position.saturating_sub(start) as f64 / span * 100.0
}

/// A mark drawn as an element of its own: a step number that fits, or a failure.
#[derive(Clone, Debug, PartialEq)]
pub struct ShownMark {
    pub position: usize,
    /// The step number, or empty (a failure).
    pub label: String,
    pub failed: bool,
    pub percent: f64,
}

/// The marks of a timeline from `start` to `end`, laid out once per change of marks or range (not per
/// entry played): the marks with an element of their own, and the bare ticks as SVG path data.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct MarkLayout {
    pub shown: Vec<ShownMark>,
    /// The bare ticks' positions and places (%), in position order.
    pub ticks: Vec<(usize, f64)>,
    /// Path data of every bare tick, in position order: `M<x> 0V4` each, x in % of the track.
    pub path: String,
    /// Where each tick's `M` starts in `path` (so the ticks up to an entry are a prefix of it).
    pub offsets: Vec<usize>,
}

impl MarkLayout {
    /// Lays out the marks at or before `end` (marks past it belong to a part of the run the timeline
    /// does not show yet).
    pub fn new(marks: &[TimelineMark], start: usize, end: usize) -> MarkLayout {
        let mut layout = MarkLayout::default();
        let visible = marks.partition_point(|m| m.position <= end);
        for (mark, show_label) in label_spacing(marks.get(..visible).unwrap_or(marks), start, end) {
            let percent = mark_percent(mark.position, start, end);
            if show_label || mark.failed {
                layout.shown.push(ShownMark {
                    position: mark.position,
                    label: if show_label {
                        mark.label.clone()
                    } else {
                        String::new()
                    },
                    failed: mark.failed,
                    percent,
                });
            } else {
                layout.offsets.push(layout.path.len());
                layout.path.push_str(&format!("M{percent:.3} 0V4"));
                layout.ticks.push((mark.position, percent));
            }
        }
        layout
    }

    /// The path data of the ticks at or before `position`, and of those after it.
    pub fn split_path(&self, position: usize) -> (&str, &str) {
        let done = self.ticks.partition_point(|(p, _)| *p <= position);
        let at = self.offsets.get(done).copied().unwrap_or(self.path.len());
        self.path.split_at(at)
    }

    /// The tick a click at `percent` of the track hits, given half a tick's hit width in %: the last
    /// one (the one drawn on top) whose hit area holds the point.
    pub fn tick_at(&self, percent: f64, half_width_percent: f64) -> Option<usize> {
        let first = self
            .ticks
            .partition_point(|(_, at)| *at < percent - half_width_percent);
        self.ticks
            .get(first..)
            .unwrap_or_default()
            .iter()
            .take_while(|(_, at)| *at <= percent + half_width_percent)
            .last()
            .map(|(position, _)| *position)
    }
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
    let _span = crate::ui::profile::Span::new(|| "Timeline".into());
    let on_input = {
        let on_seek = props.on_seek.clone();
        Callback::from(move |event: InputEvent| {
            let input: web_sys::HtmlInputElement = event.target_unchecked_into();
            if let Ok(position) = input.value().parse::<usize>() {
                on_seek.emit(position);
            }
        })
    };
    let layout = use_memo(
        (props.marks.clone(), props.start, props.end),
        |(marks, start, end)| MarkLayout::new(marks, *start, *end),
    );
    // One handler for every mark: an element carries its position; elsewhere, the tick under the
    // pointer (within its hit width).
    let on_marks_click = {
        let on_seek = props.on_seek.clone();
        let layout = layout.clone();
        Callback::from(move |event: MouseEvent| {
            let Some(target) = event
                .target()
                .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            else {
                return;
            };
            if let Some(position) = target
                .get_attribute("data-position")
                .and_then(|p| p.parse::<usize>().ok())
            {
                on_seek.emit(position);
                return;
            }
            let width = f64::from(target.client_width());
            if width <= 0.0 || !target.class_list().contains("pf-timeline-marks") {
                return;
            }
            let percent = f64::from(event.offset_x()) / width * 100.0;
            let half = TICK_HIT_HALF_WIDTH_PX / width * 100.0;
            if let Some(position) = layout.tick_at(percent, half) {
                on_seek.emit(position);
            }
        })
    };
    let (done, pending) = layout.split_path(props.position);
    let count = props.end.saturating_sub(props.start) + 1;
    let index = props.position.saturating_sub(props.start) + 1;
    html! {
        <section class="pf-timeline" aria-label="Timeline">
            <div class="pf-timeline-track">
                <input type="range" class="pf-range" data-testid="timeline"
                       aria-label="Trace position"
                       aria-valuetext={format!("entry {index} of {count}, t={}", format_time_ms(props.time_ms))}
                       min={props.start.to_string()} max={props.end.to_string()}
                       value={props.position.to_string()} step="1"
                       oninput={on_input} />
                <div class="pf-timeline-marks" aria-hidden="true" onclick={on_marks_click}>
                    <svg class="pf-ticks" viewBox="0 0 100 4" preserveAspectRatio="none" focusable="false">
                        <path class="pf-ticks-done" d={done.to_string()} />
                        <path class="pf-ticks-pending" d={pending.to_string()} />
                    </svg>
                    { for layout.shown.iter().map(|mark| html! {
                        <span key={format!("{}{}", mark.position, if mark.failed { "f" } else { "" })}
                              class={classes!(
                                  "pf-mark",
                                  mark.failed.then_some("pf-mark--failed"),
                                  (mark.position <= props.position).then_some("pf-mark--done"),
                              )}
                              style={format!("left: {:.3}%", mark.percent)}
                              data-position={mark.position.to_string()}>
                            if !mark.label.is_empty() { { mark.label.clone() } }
                        </span>
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

    #[test]
    fn should_draw_only_fitting_numbers_and_failures_as_elements_and_the_rest_as_ticks() {
        let marks = [
            mark(0, "1"),
            mark(1, "2"),
            mark(10, "3"),
            mark(11, ""),
            mark(12, "4"),
            mark(50, "5"),
        ];
        let layout = MarkLayout::new(&marks, 0, 100);
        let shown: Vec<(usize, &str, bool)> = layout
            .shown
            .iter()
            .map(|m| (m.position, m.label.as_str(), m.failed))
            .collect();
        assert_eq!(
            shown,
            [
                (0, "1", false),
                (10, "3", false),
                (11, "", true),
                (50, "5", false)
            ]
        );
        assert_eq!(layout.ticks, [(1, 1.0), (12, 12.0)]);
        assert_eq!(layout.path, "M1.000 0V4M12.000 0V4");
    }

    #[test]
    fn should_leave_out_marks_past_the_end_shown() {
        let marks = [mark(0, "1"), mark(5, "2"), mark(40, "3"), mark(41, "")];
        let layout = MarkLayout::new(&marks, 0, 20);
        assert_eq!(
            layout.shown.iter().map(|m| m.position).collect::<Vec<_>>(),
            [0, 5]
        );
        assert!(layout.ticks.is_empty());
        assert_eq!(layout.shown[1].percent, 25.0);
    }

    #[test]
    fn should_split_the_ticks_at_the_current_entry() {
        let marks: Vec<TimelineMark> = (0..10).map(|i| mark(i * 10 + 1, "7")).collect();
        // Only the first fits its number (they are 0.1% apart on a 0..10000 track).
        let layout = MarkLayout::new(&marks, 0, 10_000);
        assert_eq!(layout.shown.len(), 1);
        assert_eq!(layout.ticks.len(), 9);
        let (done, pending) = layout.split_path(0);
        assert_eq!((done, pending.len()), ("", layout.path.len()));
        let (done, pending) = layout.split_path(21);
        assert_eq!(done, "M0.110 0V4M0.210 0V4");
        assert!(pending.starts_with("M0.310 0V4"));
        let (done, pending) = layout.split_path(10_000);
        assert_eq!((done.len(), pending), (layout.path.len(), ""));
    }

    #[test]
    fn should_find_the_topmost_tick_under_a_click() {
        let marks = [mark(0, "1"), mark(1, "2"), mark(2, "3"), mark(30, "4")];
        let layout = MarkLayout::new(&marks, 0, 100);
        assert_eq!(layout.ticks.iter().map(|t| t.0).collect::<Vec<_>>(), [1, 2]);
        assert_eq!(layout.tick_at(1.4, 0.5), Some(1));
        assert_eq!(layout.tick_at(1.5, 0.5), Some(2));
        assert_eq!(layout.tick_at(2.4, 0.5), Some(2));
        assert_eq!(layout.tick_at(2.6, 0.5), None);
        assert_eq!(layout.tick_at(30.0, 0.5), None);
    }
}
