//! Browser tests of podflow embedded in someone else's page (wasm-bindgen-test in headless Chromium):
//! `<div data-podflow>` widgets are mounted by `ui::embed::mount_widgets`, each in its own shadow root
//! with its own engine and controls; their `data-*` attributes and inline YAML are honoured; the host
//! page's styles and keyboard are left alone.
//!
//! Run with `CHROMEDRIVER=/usr/bin/chromedriver cargo test --target wasm32-unknown-unknown --test web_embed`.
//! Natively this file compiles to nothing.
#![cfg(target_arch = "wasm32")]

use std::time::Duration;

use podflow::ui::embed::{mount_widgets, MOUNTED_ATTRIBUTE};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlElement, ShadowRoot};

wasm_bindgen_test_configure!(run_in_browser);

async fn sleep(ms: u64) {
    yew::platform::time::sleep(Duration::from_millis(ms)).await;
}

/// Adds `html` (one or more widget elements) to the page inside a fresh container and mounts them.
fn add_widgets(id: &str, html: &str) -> Element {
    let document = gloo::utils::document();
    let container = document
        .create_element("section")
        .expect("create a section");
    container.set_id(id);
    container.set_inner_html(html);
    gloo::utils::body()
        .append_child(&container)
        .expect("append the section");
    mount_widgets(&document);
    container
}

fn widgets(container: &Element) -> Vec<Element> {
    let found = container
        .query_selector_all("[data-podflow]")
        .expect("query widgets");
    (0..found.length())
        .filter_map(|i| found.item(i)?.dyn_into::<Element>().ok())
        .collect()
}

fn shadow(widget: &Element) -> ShadowRoot {
    widget
        .shadow_root()
        .expect("a mounted widget has an open shadow root")
}

/// Waits (up to five seconds) for `selector` in the widget's shadow root.
async fn wait_for(widget: &Element, selector: &str) -> Element {
    for _ in 0..500 {
        if let Ok(Some(found)) = shadow(widget).query_selector(selector) {
            return found;
        }
        sleep(10).await;
    }
    panic!(
        "nothing matched {selector:?} in the widget; it holds: {}",
        shadow(widget).inner_html()
    );
}

fn text(widget: &Element, selector: &str) -> String {
    shadow(widget)
        .query_selector(selector)
        .ok()
        .flatten()
        .and_then(|e| e.text_content())
        .unwrap_or_default()
}

fn click(widget: &Element, selector: &str) {
    shadow(widget)
        .query_selector(selector)
        .ok()
        .flatten()
        .and_then(|e| e.dyn_into::<HtmlElement>().ok())
        .unwrap_or_else(|| panic!("no {selector} in the widget"))
        .click();
}

/// Dispatches a key press on `target`, bubbling (and crossing shadow roots) like a real one.
fn press(target: &Element, key: &str) {
    let function = js_sys::Function::new_with_args(
        "target, key",
        "target.dispatchEvent(new KeyboardEvent('keydown', {key: key, bubbles: true, composed: true, cancelable: true}));",
    );
    function
        .call2(&JsValue::NULL, target, &JsValue::from_str(key))
        .expect("dispatch a key press");
}

async fn wait_until(what: &str, mut check: impl FnMut() -> bool) {
    for _ in 0..500 {
        if check() {
            return;
        }
        sleep(10).await;
    }
    panic!("timed out waiting for {what}");
}

#[wasm_bindgen_test]
async fn two_widgets_on_one_page_run_independently() {
    let container = add_widgets(
        "two-widgets",
        r#"<div data-podflow data-scenario="constrained-pod"></div>
           <p>Some prose between the widgets.</p>
           <div data-podflow data-scenario="constrained-pod"></div>"#,
    );
    let both = widgets(&container);
    assert_eq!(both.len(), 2);
    for widget in &both {
        wait_for(widget, "[data-testid=caption-text]").await;
        assert!(widget.has_attribute(MOUNTED_ATTRIBUTE));
    }
    let first_readout = text(&both[0], "[data-testid=timeline-readout]");
    assert_eq!(
        first_readout,
        text(&both[1], "[data-testid=timeline-readout]")
    );

    // Stepping the first widget three times leaves the second where it was.
    for _ in 0..3 {
        click(&both[0], "[data-testid=step-forward]");
        sleep(30).await;
    }
    let moved = text(&both[0], "[data-testid=timeline-readout]");
    assert_ne!(moved, first_readout, "the first widget stepped");
    assert_eq!(
        text(&both[1], "[data-testid=timeline-readout]"),
        first_readout,
        "the second widget did not move"
    );

    // Mounting again does not mount a widget twice.
    assert_eq!(mount_widgets(&gloo::utils::document()), 0);
    assert_eq!(
        shadow(&both[0])
            .query_selector_all("[data-testid=podflow-app]")
            .map(|l| l.length())
            .unwrap_or(0),
        1
    );
    container.remove();
}

#[wasm_bindgen_test]
async fn a_widget_honours_its_attributes() {
    let container = add_widgets(
        "attributes",
        r#"<div data-podflow data-scenario="constrained-pod" data-step="6" data-theme="dark" data-height="480px" data-speed="2"></div>"#,
    );
    let widget = &widgets(&container)[0];
    wait_for(widget, "[data-testid=caption-text]").await;
    let app = wait_for(widget, "[data-testid=podflow-app]").await;
    assert_eq!(app.get_attribute("data-theme").as_deref(), Some("dark"));
    assert_eq!(app.get_attribute("data-layout").as_deref(), Some("compact"));
    assert!(app
        .get_attribute("style")
        .unwrap_or_default()
        .contains("height: 480px"));
    assert_eq!(
        text(widget, "[data-testid=caption-step]"),
        "Step 6 · Filtering (hard rules)"
    );
    assert!(
        text(widget, "[data-testid=caption-text]").contains("node-b fails NodeAffinity"),
        "{}",
        text(widget, "[data-testid=caption-text]")
    );
    let speed = shadow(widget)
        .query_selector("[data-testid=speed]")
        .ok()
        .flatten()
        .and_then(|e| e.dyn_into::<web_sys::HtmlSelectElement>().ok())
        .expect("the speed menu");
    assert_eq!(speed.value(), "3", "the menu's fourth speed, 2×");
    // Compact: no inspector, no cluster, no scenario picker.
    for absent in [
        "[data-testid=inspector]",
        ".pf-cluster",
        "[data-testid=scenario-picker]",
    ] {
        assert!(
            shadow(widget)
                .query_selector(absent)
                .ok()
                .flatten()
                .is_none(),
            "{absent} should not show in a compact widget"
        );
    }
    // The computed colours are the dark theme's, whatever the system prefers.
    let window = gloo::utils::window();
    let background = window
        .get_computed_style(&app)
        .ok()
        .flatten()
        .and_then(|s| s.get_property_value("background-color").ok())
        .unwrap_or_default();
    assert_eq!(background, "rgb(15, 20, 26)");
    container.remove();
}

#[wasm_bindgen_test]
async fn a_widget_runs_its_inline_yaml_and_autoplays_to_running() {
    let container = add_widgets(
        "inline",
        r#"<div data-podflow data-autoplay data-speed="4">
             <script type="application/yaml">
               apiVersion: v1
               kind: Node
               metadata:
                 name: worker-1
               status:
                 allocatable: {cpu: "2", memory: 4Gi, pods: "110"}
                 capacity: {cpu: "2", memory: 4Gi, pods: "110"}
               ---
               apiVersion: v1
               kind: Pod
               metadata:
                 name: hello
               spec:
                 containers:
                 - name: web
                   image: nginx:1.27
             </script>
           </div>"#,
    );
    let widget = &widgets(&container)[0];
    wait_for(widget, "[data-testid=caption-text]").await;
    let play = wait_for(widget, "[data-testid=play]").await;
    assert_eq!(
        play.get_attribute("aria-pressed").as_deref(),
        Some("true"),
        "data-autoplay starts playing"
    );
    // Step to the end (a click on step forward pauses, then steps).
    for _ in 0..400 {
        let at_end = shadow(widget)
            .query_selector("[data-testid=step-forward]")
            .ok()
            .flatten()
            .is_some_and(|b| b.has_attribute("disabled"));
        if at_end {
            break;
        }
        click(widget, "[data-testid=step-forward]");
        sleep(5).await;
    }
    assert_eq!(
        text(widget, "[data-testid=caption-step]"),
        "Step 9 · kubelet takes over"
    );
    assert!(
        shadow(widget)
            .query_selector("[data-pod='default/hello'][data-status=Running]")
            .ok()
            .flatten()
            .is_some(),
        "hello is Running: {}",
        text(widget, "[data-testid=pod-list]")
    );
    assert!(
        shadow(widget).inner_html().contains("worker-1"),
        "the inline node is shown"
    );
    container.remove();
}

#[wasm_bindgen_test]
async fn a_widget_reports_attributes_it_cannot_use_and_opens_the_default() {
    let container = add_widgets(
        "problems",
        r#"<div data-podflow data-scenario="&lt;script&gt;alert(1)&lt;/script&gt;" data-speed="9"></div>"#,
    );
    let widget = &widgets(&container)[0];
    let problems = wait_for(widget, "[data-testid=config-problems]").await;
    let text = problems.text_content().unwrap_or_default();
    assert!(text.contains("The speed setting \"9\" is not one of 0.25, 0.5, 1, 2, 4"));
    assert!(text.contains(
        "There is no built-in scenario named \"<script>alert(1)</script>\"; podflow opened demo-pod instead."
    ));
    assert!(
        shadow(widget)
            .query_selector("script")
            .ok()
            .flatten()
            .is_none(),
        "nothing from an attribute becomes markup"
    );
    wait_for(widget, "[data-testid=caption-text]").await;
    container.remove();
}

#[wasm_bindgen_test]
async fn a_widget_leaves_the_host_pages_styles_and_keys_alone() {
    let document = gloo::utils::document();
    let probe = document.create_element("p").expect("a probe paragraph");
    probe.set_class_name("pf-app pf-button pf-caption");
    gloo::utils::body().append_child(&probe).expect("append");
    let window = gloo::utils::window();
    let style_of = |element: &Element| {
        let style = window
            .get_computed_style(element)
            .ok()
            .flatten()
            .expect("computed style");
        [
            "background-color",
            "color",
            "font-size",
            "padding-top",
            "border-top-width",
        ]
        .map(|p| style.get_property_value(p).unwrap_or_default())
    };
    let before = style_of(&probe);
    let style_sheets_before = document.style_sheets().length();

    let container = add_widgets(
        "isolation",
        r#"<div data-podflow data-scenario="demo-pod"></div>"#,
    );
    let widget = &widgets(&container)[0];
    wait_for(widget, "[data-testid=caption-text]").await;
    assert_eq!(
        style_of(&probe),
        before,
        "podflow's classes do not style the host page"
    );
    assert_eq!(
        document.style_sheets().length(),
        style_sheets_before,
        "no stylesheet was added to the host document"
    );

    // Space pressed in the host page does not start the widget (the page may scroll instead).
    let readout = text(widget, "[data-testid=timeline-readout]");
    press(&gloo::utils::body(), " ");
    sleep(300).await;
    assert_eq!(text(widget, "[data-testid=timeline-readout]"), readout);
    assert_eq!(
        text(widget, "[data-testid=play]").trim(),
        "",
        "the play button shows an icon, not text"
    );
    let play = wait_for(widget, "[data-testid=play]").await;
    assert_eq!(play.get_attribute("aria-label").as_deref(), Some("Play"));

    // → pressed inside the widget steps it.
    let app = wait_for(widget, "[data-testid=podflow-app]").await;
    press(&app, "ArrowRight");
    wait_until("the widget to step", || {
        text(widget, "[data-testid=timeline-readout]") != readout
    })
    .await;
    container.remove();
    probe.remove();
}

#[wasm_bindgen_test]
async fn a_widget_follows_its_host_pages_switch_to_dark_mode_and_back() {
    // A docs site whose dark mode is a class on <html> (as mdBook's is), with a transition-free
    // background so the widget can look at once.
    let document = gloo::utils::document();
    let style = document.create_element("style").expect("a style");
    style.set_text_content(Some(
        "#host-theme { background: rgb(255, 255, 255); } \
         html.host-dark #host-theme { background: rgb(27, 27, 29); }",
    ));
    gloo::utils::head()
        .append_child(&style)
        .expect("add the style");
    let html = document.document_element().expect("<html>");
    let container = add_widgets(
        "host-theme",
        r#"<div data-podflow data-scenario="demo-pod"></div>"#,
    );
    let widget = &widgets(&container)[0];
    let app = wait_for(widget, "[data-testid=podflow-app]").await;
    assert_eq!(app.get_attribute("data-theme").as_deref(), Some("light"));
    html.class_list()
        .add_1("host-dark")
        .expect("switch to dark");
    wait_until("the widget to turn dark with its page", || {
        app.get_attribute("data-theme").as_deref() == Some("dark")
    })
    .await;
    html.class_list()
        .remove_1("host-dark")
        .expect("switch back to light");
    wait_until("the widget to turn light again", || {
        app.get_attribute("data-theme").as_deref() == Some("light")
    })
    .await;
    // A widget with a theme of its own keeps it whatever the page does.
    let fixed = add_widgets(
        "host-theme-fixed",
        r#"<div data-podflow data-scenario="demo-pod" data-theme="light"></div>"#,
    );
    let fixed_widget = &widgets(&fixed)[0];
    let fixed_app = wait_for(fixed_widget, "[data-testid=podflow-app]").await;
    html.class_list()
        .add_1("host-dark")
        .expect("switch to dark");
    wait_until("the following widget to turn dark", || {
        app.get_attribute("data-theme").as_deref() == Some("dark")
    })
    .await;
    assert_eq!(
        fixed_app.get_attribute("data-theme").as_deref(),
        Some("light")
    );
    html.class_list()
        .remove_1("host-dark")
        .expect("back to light");
    container.remove();
    fixed.remove();
    style.remove();
}
