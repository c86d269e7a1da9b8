//! Big tables mount a slice at a time: the first render of a table shows its first rows, and each
//! frame after adds more until all are there. Opening the events of a 200-pod run at once (hundreds of
//! rows to create and lay out) took several frames in one go; in slices the diagram keeps animating.
//! Once a table has shown all its rows it follows its data at once, a new row included.

use yew::prelude::*;

/// Rows a table shows on its first render.
pub const FIRST_ROWS: usize = 30;
/// Rows added after each frame until all are shown.
pub const ROWS_PER_FRAME: usize = 30;

/// How many of a table's rows, once it has shown `shown` of them and now has `total`, to show on the
/// next slice (`None`: all were shown, the table follows its data from now on).
pub fn next_slice(shown: usize, total: usize) -> Option<usize> {
    (shown < total).then(|| (shown + ROWS_PER_FRAME).min(total))
}

/// The number of the `total` rows to render now (see the module).
#[hook]
pub fn use_rows_shown(total: usize) -> usize {
    // Rows shown so far; `None` once they all were.
    let shown = use_mut_ref(|| Some(total.min(FIRST_ROWS)));
    let refresh = use_force_update();
    let visible = match *shown.borrow() {
        Some(count) => count.min(total),
        None => total,
    };
    if visible >= total {
        *shown.borrow_mut() = None;
    }
    use_effect_with((visible, total), move |(visible, total)| {
        if visible < total {
            crate::ui::idle::after_next_frame(move || {
                let next = shown
                    .borrow()
                    .and_then(|count| next_slice(count, usize::MAX));
                if next.is_some() {
                    *shown.borrow_mut() = next;
                    refresh.force_update();
                }
            });
        }
    });
    visible
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn should_add_a_slice_of_rows_until_all_are_shown() {
        assert_eq!(next_slice(30, 379), Some(60));
        assert_eq!(next_slice(360, 379), Some(379));
        assert_eq!(next_slice(379, 379), None);
        assert_eq!(next_slice(10, 4), None);
    }
}
