//! Browser tests (wasm-bindgen-test in headless Chromium): the app mounts and shows its header, a panic
//! shows a visible message, and the engine in wasm produces exactly the native golden trace.
//!
//! Run with `CHROMEDRIVER=/usr/bin/chromedriver cargo test --target wasm32-unknown-unknown --test web`
//! (scripts/test.sh does). Natively this file compiles to nothing.
#![cfg(target_arch = "wasm32")]

use std::time::Duration;

use podflow::engine::scenario;
use podflow::ui::app::{App, APP_TITLE};
use podflow::ui::panic::{show_panic_message, PANIC_ELEMENT_ID, PANIC_HEADLINE};
use wasm_bindgen_test::*;
use web_sys::Element;

wasm_bindgen_test_configure!(run_in_browser);

const SCENARIO_TEXT: &str = include_str!("scenarios/basic.yaml");
const GOLDEN: &str = include_str!("golden/basic.trace");

/// A fresh `<div>` at the end of the body for one test to mount into.
fn test_root(id: &str) -> Element {
    let document = gloo::utils::document();
    let root = document.create_element("div").expect("create a div");
    root.set_id(id);
    gloo::utils::body()
        .append_child(&root)
        .expect("append the div");
    root
}

/// Waits (up to two seconds) for Yew's scheduler to render something matching `selector` under `root`.
async fn wait_for(root: &Element, selector: &str) -> Element {
    for _ in 0..200 {
        if let Ok(Some(found)) = root.query_selector(selector) {
            return found;
        }
        yew::platform::time::sleep(Duration::from_millis(10)).await;
    }
    panic!(
        "nothing matched {selector:?}; the root holds: {}",
        root.inner_html()
    );
}

#[wasm_bindgen_test]
async fn should_mount_the_app_with_its_header() {
    let root = test_root("app-under-test");
    yew::Renderer::<App>::with_root(root.clone()).render();
    let heading = wait_for(&root, "header h1").await;
    assert_eq!(heading.text_content().as_deref(), Some(APP_TITLE));
}

#[wasm_bindgen_test]
async fn should_show_the_scenario_picker_or_say_there_are_no_scenarios() {
    let root = test_root("app-picker-under-test");
    yew::Renderer::<App>::with_root(root.clone()).render();
    wait_for(&root, "[data-testid=podflow-app]").await;
    if scenario::builtin_names().is_empty() {
        let empty = wait_for(&root, "[data-testid=no-scenarios]").await;
        assert_eq!(empty.text_content().as_deref(), Some("no scenarios"));
    } else {
        wait_for(&root, "[data-testid=scenario-picker]").await;
        wait_for(&root, "[data-testid=caption-text]").await;
    }
    assert!(
        root.query_selector("[data-testid=load-error]")
            .ok()
            .flatten()
            .is_none(),
        "{}",
        root.inner_html()
    );
}

#[wasm_bindgen_test]
fn should_show_a_panic_message_in_the_page() {
    podflow::ui::panic::install_panic_hook();
    show_panic_message("something broke (at src/ui/app.rs:1)");
    let alert = gloo::utils::document()
        .get_element_by_id(PANIC_ELEMENT_ID)
        .expect("the panic alert is in the page");
    assert_eq!(alert.get_attribute("role").as_deref(), Some("alert"));
    let text = alert.text_content().unwrap_or_default();
    assert!(text.contains(PANIC_HEADLINE), "{text}");
    assert!(
        text.contains("something broke (at src/ui/app.rs:1)"),
        "{text}"
    );

    // A second panic replaces the message instead of stacking alerts.
    show_panic_message("second");
    let alerts = gloo::utils::document()
        .query_selector_all(&format!("#{PANIC_ELEMENT_ID}"))
        .expect("query");
    assert_eq!(alerts.length(), 1);
    let text = alert.text_content().unwrap_or_default();
    assert!(
        text.contains("second") && !text.contains("something broke"),
        "{text}"
    );
    alert.remove();
}

#[wasm_bindgen_test]
fn should_produce_the_native_golden_trace_in_wasm() {
    let parsed = scenario::parse("basic", SCENARIO_TEXT).expect("the basic scenario parses");
    let mut simulation = scenario::start(&parsed, 7).expect("the basic scenario starts");
    simulation.run_to_quiescence(100_000);
    assert!(simulation.is_quiescent());
    assert_eq!(simulation.trace.to_lines(), GOLDEN);
}
