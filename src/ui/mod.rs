//! The browser front end (Yew). It runs the engine in the page and animates the trace.
//!
//! The dependency rule: `ui` uses `engine`, never the reverse; `engine` imports no web crate.
//! `playback` (the engine run with checkpoints) and `story` (the seed's steps, captions and tokens
//! over the trace) are pure and natively tested; `view_state` is the contract with the panels; `app`
//! and `components` are Yew components; `panic` makes a panic visible.

pub mod app;
pub mod components;
pub mod config;
pub mod embed;
pub mod export;
pub mod idle;
pub mod panels;
pub mod panic;
pub mod persist;
pub mod playback;
pub mod profile;
pub mod share;
pub mod status;
pub mod storage;
pub mod story;
pub mod stylesheet;
pub mod view_state;

/// The id of the element the app mounts into (see index.html); the body is used when it is missing.
pub const ROOT_ELEMENT_ID: &str = "podflow-root";

/// Opening the page with this URL fragment panics on purpose, so the end-to-end test can check that a
/// panic in the release build (which aborts) still shows its message in the page.
pub const PANIC_SELF_TEST_FRAGMENT: &str = "#podflow-panic-self-test";

/// The wasm entry point's work. On podflow's own page (an element with id [`ROOT_ELEMENT_ID`]):
/// installs the stylesheet and mounts [`app::App`] into that element, replacing its placeholder,
/// configured by the page's URL (`?embed=1…` for an iframe, else the fragment). In any other page (a
/// docs page that included the loader): mounts every `<div data-podflow>` widget, now and whenever
/// one is added. The panic hook is installed first in both cases.
pub fn start() {
    panic::install_panic_hook();
    let document = gloo::utils::document();
    let Some(root) = document.get_element_by_id(ROOT_ELEMENT_ID) else {
        embed::mount_widgets(&document);
        embed::watch_for_widgets(&document);
        return;
    };
    embed::inject_page_stylesheet(&document);
    let location = gloo::utils::window().location();
    let fragment = location.hash().unwrap_or_default();
    let query = location.search().unwrap_or_default();
    if fragment == PANIC_SELF_TEST_FRAGMENT {
        panic!("panic self-test requested by the URL fragment {PANIC_SELF_TEST_FRAGMENT}");
    }
    let config = if config::AppConfig::query_asks_for_frame(&query) {
        config::AppConfig::from_frame(&query, &fragment)
    } else {
        config::AppConfig::from_fragment(&fragment)
    };
    root.set_text_content(None);
    let _ = root.class_list().add_1("pf-root");
    yew::Renderer::<app::App>::with_root_and_props(
        root,
        app::AppProps {
            config: std::rc::Rc::new(config),
        },
    )
    .render();
}
