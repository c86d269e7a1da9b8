//! Timing marks for the frame benchmark (`scripts/bench_frames.sh --profile`): when the page defines
//! `window.__pfProfile` as an array before podflow starts, [`Span`]s push `[label, start_ms,
//! duration_ms]` into it (`performance.now()` clock), so the harness can tell what a long frame was.
//! Without that array (every normal page) a span costs one cached flag check and records nothing.

#[cfg(target_arch = "wasm32")]
mod imp {
    use std::cell::OnceCell;

    use wasm_bindgen::prelude::*;
    use wasm_bindgen::JsCast;

    thread_local! {
        static PROFILE: OnceCell<Option<js_sys::Array>> = const { OnceCell::new() };
    }

    fn with_profile<T>(f: impl FnOnce(Option<&js_sys::Array>) -> T) -> T {
        PROFILE.with(|cell| {
            let profile = cell.get_or_init(|| {
                js_sys::Reflect::get(&js_sys::global(), &JsValue::from_str("__pfProfile"))
                    .ok()
                    .and_then(|value| value.dyn_into::<js_sys::Array>().ok())
            });
            f(profile.as_ref())
        })
    }

    pub fn enabled() -> bool {
        with_profile(|p| p.is_some())
    }

    pub fn record(label: &str, start: f64, duration: f64) {
        with_profile(|p| {
            if let Some(array) = p {
                let item = js_sys::Array::new();
                item.push(&JsValue::from_str(label));
                item.push(&JsValue::from_f64(start));
                item.push(&JsValue::from_f64(duration));
                array.push(&item);
            }
        });
    }
}

#[cfg(not(target_arch = "wasm32"))]
mod imp {
    pub fn enabled() -> bool {
        false
    }
    pub fn record(_label: &str, _start: f64, _duration: f64) {}
}

/// True when the page asked for timing marks.
pub fn enabled() -> bool {
    imp::enabled()
}

/// Records `label` over `[start, now]` (a span measured by hand).
pub fn record_since(label: &str, start: f64) {
    if imp::enabled() {
        let now = crate::ui::idle::now_ms();
        imp::record(label, start, now - start);
    }
}

/// `performance.now()` when profiling, else 0.
pub fn now_ms() -> f64 {
    if imp::enabled() {
        crate::ui::idle::now_ms()
    } else {
        0.0
    }
}

/// A timing mark from its creation to its drop.
pub struct Span {
    label: Option<String>,
    start: f64,
}

impl Span {
    /// Starts a span; `label` is only built when profiling.
    pub fn new(label: impl FnOnce() -> String) -> Span {
        if imp::enabled() {
            Span {
                label: Some(label()),
                start: crate::ui::idle::now_ms(),
            }
        } else {
            Span {
                label: None,
                start: 0.0,
            }
        }
    }

    /// Renames the span (e.g. once its outcome is known).
    pub fn relabel(&mut self, label: impl FnOnce() -> String) {
        if self.label.is_some() {
            self.label = Some(label());
        }
    }
}

impl Drop for Span {
    fn drop(&mut self) {
        if let Some(label) = &self.label {
            let now = crate::ui::idle::now_ms();
            imp::record(label, self.start, now - self.start);
        }
    }
}
