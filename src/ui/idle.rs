//! Work done in the browser's idle time, between frames: the page runs the rest of a big scenario this
//! way after its first render ([`IdleLoop`]), so the engine never delays a frame.
//!
//! With `requestIdleCallback` (Chromium, Firefox) each slice gets the time the browser says is left
//! before the next frame (`IdleDeadline.timeRemaining()`), capped at [`MAX_SLICE_MS`]; a `timeout`
//! makes sure the work goes on when the page is never idle. Without it (Safari), each slice runs in a
//! task queued right after a frame's animation callbacks, with [`FALLBACK_SLICE_MS`].

/// The longest slice, in milliseconds, even when the browser is idle for longer (a click then waits
/// at most this long).
pub const MAX_SLICE_MS: f64 = 12.0;
/// Kept free at the end of the browser's idle period, in milliseconds (the time the page's work
/// after a slice takes: annotating what the engine recorded).
pub const IDLE_MARGIN_MS: f64 = 2.0;
/// A slice when the browser cannot say how long it is idle, in milliseconds.
pub const FALLBACK_SLICE_MS: f64 = 6.0;
/// The smallest slice, in milliseconds: when the browser is not idle within [`IDLE_TIMEOUT_MS`], the
/// work runs anyway, this long.
pub const MIN_SLICE_MS: f64 = 2.0;
/// How long a slice may wait for the browser to be idle, in milliseconds.
pub const IDLE_TIMEOUT_MS: u32 = 200;

/// Milliseconds from an arbitrary origin (`performance.now()` in a browser), for measuring slices;
/// never reaches the engine.
pub fn now_ms() -> f64 {
    imp::now_ms()
}

/// The budget of a slice, in milliseconds, from the idle time the browser reports (`None`: it
/// cannot say) and whether the slice runs because its wait timed out.
pub fn slice_budget_ms(time_remaining: Option<f64>, timed_out: bool) -> f64 {
    match time_remaining {
        None => FALLBACK_SLICE_MS,
        Some(_) if timed_out => MIN_SLICE_MS,
        Some(remaining) => (remaining - IDLE_MARGIN_MS).clamp(MIN_SLICE_MS, MAX_SLICE_MS),
    }
}

#[cfg(target_arch = "wasm32")]
mod imp {
    use std::cell::RefCell;
    use std::rc::Rc;

    use wasm_bindgen::prelude::*;
    use wasm_bindgen::JsCast;

    use super::{slice_budget_ms, IDLE_TIMEOUT_MS};

    #[wasm_bindgen]
    extern "C" {
        #[wasm_bindgen(js_namespace = performance, js_name = now)]
        fn performance_now() -> f64;
        type IdleDeadline;
        #[wasm_bindgen(method, js_name = timeRemaining)]
        fn time_remaining(this: &IdleDeadline) -> f64;
        #[wasm_bindgen(method, getter, js_name = didTimeout)]
        fn did_timeout(this: &IdleDeadline) -> bool;
    }

    pub fn now_ms() -> f64 {
        performance_now()
    }

    type Callback = Closure<dyn FnMut(JsValue)>;

    enum Pending {
        Idle(u32),
        Frame(i32),
        Timeout(i32),
    }

    struct State {
        work: Box<dyn FnMut(f64) -> bool>,
        callback: Option<Callback>,
        pending: Option<Pending>,
        cancelled: bool,
    }

    pub struct IdleLoop {
        state: Rc<RefCell<State>>,
    }

    fn window_function(name: &str) -> Option<js_sys::Function> {
        js_sys::Reflect::get(&js_sys::global(), &JsValue::from_str(name))
            .ok()
            .and_then(|f| f.dyn_into::<js_sys::Function>().ok())
    }

    /// Asks for the next slice: an idle callback, or else the next animation frame.
    fn request(state: &Rc<RefCell<State>>) {
        let mut guard = state.borrow_mut();
        let Some(callback) = guard.callback.as_ref() else {
            return;
        };
        let function: &js_sys::Function = callback.as_ref().unchecked_ref();
        let window = gloo::utils::window();
        let pending = match window_function("requestIdleCallback") {
            Some(request_idle) => {
                let options = js_sys::Object::new();
                let _ = js_sys::Reflect::set(
                    &options,
                    &JsValue::from_str("timeout"),
                    &JsValue::from(IDLE_TIMEOUT_MS),
                );
                request_idle
                    .call2(&window, function, &options)
                    .ok()
                    .and_then(|id| id.as_f64())
                    .map(|id| Pending::Idle(id as u32))
            }
            None => window
                .request_animation_frame(function)
                .ok()
                .map(Pending::Frame),
        };
        guard.pending = pending;
    }

    /// One callback: an idle deadline runs a slice; an animation frame's timestamp queues a task
    /// right after the frame (the slice then runs with the fallback budget).
    fn on_callback(state: &Rc<RefCell<State>>, argument: JsValue) {
        if state.borrow().cancelled {
            return;
        }
        state.borrow_mut().pending = None;
        if argument.as_f64().is_some() {
            let mut guard = state.borrow_mut();
            let id = guard.callback.as_ref().and_then(|callback| {
                gloo::utils::window()
                    .set_timeout_with_callback_and_timeout_and_arguments_0(
                        callback.as_ref().unchecked_ref(),
                        0,
                    )
                    .ok()
            });
            guard.pending = id.map(Pending::Timeout);
            return;
        }
        let budget = match argument.dyn_ref::<js_sys::Object>() {
            Some(deadline)
                if js_sys::Reflect::has(deadline, &"timeRemaining".into()) == Ok(true) =>
            {
                let deadline: &IdleDeadline = deadline.unchecked_ref();
                slice_budget_ms(Some(deadline.time_remaining()), deadline.did_timeout())
            }
            _ => slice_budget_ms(None, false),
        };
        // The work may drop this loop (its owner re-rendered): `work` is taken out meanwhile.
        let mut work = std::mem::replace(&mut state.borrow_mut().work, Box::new(|_| false));
        let more = work(budget);
        let cancelled = {
            let mut guard = state.borrow_mut();
            guard.work = work;
            guard.cancelled
        };
        if more && !cancelled {
            request(state);
        }
    }

    pub fn after_next_frame(work: impl FnOnce() + 'static) {
        let after_frame = Closure::once_into_js(move || {
            gloo::timers::callback::Timeout::new(0, work).forget();
        });
        if gloo::utils::window()
            .request_animation_frame(after_frame.unchecked_ref())
            .is_err()
        {
            // No animation frames (a detached document): nothing will be drawn anyway.
        }
    }

    impl IdleLoop {
        pub fn new(work: impl FnMut(f64) -> bool + 'static) -> IdleLoop {
            let state = Rc::new(RefCell::new(State {
                work: Box::new(work),
                callback: None,
                pending: None,
                cancelled: false,
            }));
            let weak = Rc::downgrade(&state);
            let callback = Closure::<dyn FnMut(JsValue)>::new(move |argument: JsValue| {
                if let Some(state) = weak.upgrade() {
                    on_callback(&state, argument);
                }
            });
            state.borrow_mut().callback = Some(callback);
            request(&state);
            IdleLoop { state }
        }
    }

    impl Drop for IdleLoop {
        fn drop(&mut self) {
            let Ok(mut guard) = self.state.try_borrow_mut() else {
                // Dropped from inside its own work: the callback sees the flag when the work returns.
                return;
            };
            guard.cancelled = true;
            let window = gloo::utils::window();
            match guard.pending.take() {
                Some(Pending::Idle(id)) => {
                    if let Some(cancel) = window_function("cancelIdleCallback") {
                        let _ = cancel.call1(&window, &JsValue::from(id));
                    }
                }
                Some(Pending::Frame(id)) => {
                    let _ = window.cancel_animation_frame(id);
                }
                Some(Pending::Timeout(id)) => window.clear_timeout_with_handle(id),
                None => {}
            }
            // The closure may be running right now (the work re-rendered its owner): free it after
            // the current task instead of under its own feet.
            if let Some(callback) = guard.callback.take() {
                wasm_bindgen_futures::spawn_local(async move { drop(callback) });
            }
        }
    }
}

#[cfg(not(target_arch = "wasm32"))]
mod imp {
    pub fn now_ms() -> f64 {
        use std::sync::OnceLock;
        static ORIGIN: OnceLock<std::time::Instant> = OnceLock::new();
        ORIGIN
            .get_or_init(std::time::Instant::now)
            .elapsed()
            .as_secs_f64()
            * 1000.0
    }

    /// Outside a browser there are no frames: the work runs at once.
    pub fn after_next_frame(work: impl FnOnce() + 'static) {
        work();
    }

    /// Outside a browser nothing is ever idle: the work never runs.
    pub struct IdleLoop;

    impl IdleLoop {
        pub fn new(_work: impl FnMut(f64) -> bool + 'static) -> IdleLoop {
            IdleLoop
        }
    }

    impl Drop for IdleLoop {
        /// Nothing was scheduled; dropping the loop (as the browser's does) stops nothing.
        fn drop(&mut self) {}
    }
}

/// Runs `work(budget_ms)` in the browser's idle time, again and again while it returns true, until
/// the loop is dropped.
pub use imp::IdleLoop;

/// Runs `work` once, in a task right after the browser's next frame: what it renders lands in the
/// frame after, so the frame before shows what was rendered before it sooner.
pub use imp::after_next_frame;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn should_leave_a_margin_of_the_idle_time_within_bounds() {
        let cases = [
            (Some(10.0), false, 8.0),
            (Some(50.0), false, MAX_SLICE_MS),
            (Some(1.0), false, MIN_SLICE_MS),
            (Some(30.0), true, MIN_SLICE_MS),
            (None, false, FALLBACK_SLICE_MS),
        ];
        for (remaining, timed_out, want) in cases {
            assert_eq!(
                slice_budget_ms(remaining, timed_out),
                want,
                "{remaining:?} {timed_out}"
            );
        }
    }
}
