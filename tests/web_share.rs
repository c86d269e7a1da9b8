//! Browser tests of share links and the Share menu (wasm-bindgen-test in headless Chromium): a link
//! opens the same engine state as the run it was made from, hostile links show their message over
//! the default scenario and inject nothing, and the menu shows the link and both embed snippets.
//!
//! Run with `CHROMEDRIVER=/usr/bin/chromedriver cargo test --target wasm32-unknown-unknown --test web_share`.
//! Natively this file compiles to nothing.
#![cfg(target_arch = "wasm32")]

use k8s_openapi::api::core::v1::Taint;
use podflow::engine::api::Credentials;
use podflow::engine::kubectl::ClientAction;
use podflow::engine::scenario;
use podflow::ui::app::App;
use podflow::ui::config::{AppConfig, ScenarioSource};
use podflow::ui::playback::Playback;
use podflow::ui::share::{self, SharedState};
use podflow::ui::story;
use podflow::ui::view_state::UserCommand;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlElement, HtmlInputElement, HtmlTextAreaElement};
use yew::AppHandle;

wasm_bindgen_test_configure!(run_in_browser);

mod support;
use support::{mount_with, sleep, text, wait_for, wait_until};

/// Mounts the app opened with the URL fragment `fragment` and waits for its first render.
async fn mount(id: &str, fragment: &str) -> (Element, AppHandle<App>) {
    mount_with(id, AppConfig::from_fragment(fragment)).await
}

fn attribute(root: &Element, selector: &str, name: &str) -> String {
    root.query_selector(selector)
        .ok()
        .flatten()
        .and_then(|e| e.get_attribute(name))
        .unwrap_or_default()
}

fn button(root: &Element, testid: &str) -> HtmlElement {
    root.query_selector(&format!("[data-testid={testid}]"))
        .ok()
        .flatten()
        .and_then(|e| e.dyn_into::<HtmlElement>().ok())
        .unwrap_or_else(|| panic!("no button {testid}"))
}

/// tainted-node at seed 5, with node-a tainted at entry 8, following the pod with the toleration,
/// shown at entry 60: a run with a command, another seed, another pod and a position to reproduce.
fn original_run() -> (Playback, SharedState) {
    let mut original = Playback::builtin("tainted-node", 5).expect("loads");
    original.run_to_end();
    let start = original.story_start();
    original.seek(start + 8);
    original.command(UserCommand::Client(ClientAction::Taint {
        credentials: Credentials::ClusterAdmin,
        node: "node-a".into(),
        taint: Taint {
            key: "team".into(),
            value: Some("blue".into()),
            effect: "NoSchedule".into(),
            time_added: None,
        },
        remove: false,
        overwrite: false,
    }));
    original.run_to_end();
    original.command(UserCommand::SelectPod("default/with-toleration".into()));
    original.seek(start + 60);
    let state = SharedState {
        scenario: ScenarioSource::Builtin("tainted-node".into()),
        seed: original.seed(),
        entry: original.position() - start,
        pod: original.selected_pod().map(String::from),
        commands: original.history(),
    };
    (original, state)
}

#[wasm_bindgen_test]
async fn should_open_a_share_link_on_the_same_engine_state() {
    let (original, state) = original_run();
    let link = share::fragment(&state);
    assert!(link.starts_with("#state="), "{link}");
    let (root, handle) = mount("share-round-trip", &link).await;

    // Position and trace length: the timeline's value and its end.
    let timeline = "[data-testid=timeline]";
    let value = root
        .query_selector(timeline)
        .ok()
        .flatten()
        .and_then(|e| e.dyn_into::<HtmlInputElement>().ok())
        .map(|input| input.value())
        .unwrap_or_default();
    assert_eq!(value, original.position().to_string());
    assert_eq!(
        attribute(&root, timeline, "max"),
        original.last_position().to_string()
    );
    assert_eq!(original.last_position() + 1, original.head().trace.len());
    // The caption of the same entry.
    let view = original.view();
    let entry = &view.sim.trace.entries[view.position];
    assert_eq!(
        text(&root, "[data-testid=caption-text]"),
        story::caption(entry)
    );
    // The pod followed, with the same status.
    let selected = "[data-testid=pod-list] button[aria-pressed=true]";
    assert_eq!(
        attribute(&root, selected, "data-pod"),
        "default/with-toleration",
        "{}",
        text(&root, "[data-testid=pod-list]")
    );
    let annotations = story::annotate(&original.head().trace.entries, view.story_start);
    let tokens = story::pod_tokens(&view.store(), &annotations, view.story_start, view.position);
    let want = tokens
        .iter()
        .find(|t| t.pod == "default/with-toleration")
        .map(|t| t.status.clone())
        .expect("the pod is on screen");
    let shown = text(&root, selected);
    assert!(shown.contains(&want), "{shown:?} shows {want:?}");
    assert!(text(&root, "[data-testid=config-problems]").is_empty());
    handle.destroy();
    root.remove();
}

#[wasm_bindgen_test]
async fn should_show_the_problem_and_the_default_scenario_for_hostile_links() {
    let valid = share::encode_state(&original_run().1);
    let script_name = share::encode_state(&SharedState {
        scenario: ScenarioSource::Text {
            name: "<script>window.pwned = 1</script><img src=x onerror=\"window.pwned = 1\">"
                .into(),
            text: "kind: [".into(),
        },
        seed: 1,
        entry: 0,
        pod: None,
        commands: Vec::new(),
    });
    let demo_title = scenario::builtin_title("demo-pod").unwrap_or_default();
    let cases = [
        (
            format!("#state={}", &valid[..(valid.len() / 2) & !3]),
            "The shared link could not be unpacked (it may have been cut short or changed), so podflow opened the default scenario instead.".to_string(),
        ),
        (
            format!("#state={}", "A".repeat(share::MAX_STATE_LEN + 4)),
            "The shared link is longer than 65536 characters, so podflow opened the default scenario instead.".to_string(),
        ),
        (
            "#state=%3Cscript%3Ealert(1)%3C/script%3E".to_string(),
            "The shared link is not valid base64url text (it may have been cut short or changed), so podflow opened the default scenario instead.".to_string(),
        ),
        (
            format!("#state={script_name}"),
            "The <script>window.pwned = 1</script><img src=x onerror=\"window.pwned = 1\"> could not be loaded, so podflow opened demo-pod instead: error converting YAML to JSON: yaml: ".to_string(),
        ),
    ];
    for (index, (fragment, want)) in cases.iter().enumerate() {
        let (root, handle) = mount(&format!("share-hostile-{index}"), fragment).await;
        let problems = text(&root, "[data-testid=config-problems]");
        assert!(problems.starts_with(want.as_str()), "{problems:?}");
        assert_eq!(text(&root, "[data-testid=scenario-title]"), demo_title);
        // Shown as text: no element came from the link.
        assert!(root
            .query_selector("[data-testid=config-problems] script")
            .ok()
            .flatten()
            .is_none());
        assert!(root.query_selector("img").ok().flatten().is_none());
        let pwned = js_sys::Reflect::get(&gloo::utils::window(), &"pwned".into())
            .map(|v| v.is_undefined())
            .unwrap_or(true);
        assert!(pwned, "nothing from the link ran");
        handle.destroy();
        root.remove();
    }
}

#[wasm_bindgen_test]
async fn should_show_the_link_and_both_embed_snippets_in_the_share_menu() {
    let (root, handle) = mount("share-menu", "#scenario=constrained-pod&entry=12").await;
    let toggle = button(&root, "share-toggle");
    assert_eq!(
        toggle.get_attribute("aria-expanded").as_deref(),
        Some("false")
    );
    toggle.click();
    let link: HtmlInputElement = wait_for(&root, "[data-testid=share-link]")
        .await
        .dyn_into()
        .expect("an input");
    assert_eq!(
        toggle.get_attribute("aria-expanded").as_deref(),
        Some("true")
    );
    let href = gloo::utils::window().location().href().unwrap_or_default();
    let base = share::base_url(&href);
    assert_eq!(
        link.value(),
        format!("{base}#scenario=constrained-pod&entry=12")
    );
    assert!(link.read_only());
    // The address bar shows the link too.
    assert_eq!(href, link.value());
    let snippet = |testid: &str| -> String {
        root.query_selector(&format!("[data-testid={testid}]"))
            .ok()
            .flatten()
            .and_then(|e| e.dyn_into::<HtmlTextAreaElement>().ok())
            .map(|t| t.value())
            .unwrap_or_default()
    };
    assert_eq!(
        snippet("embed-div"),
        format!("<script type=\"module\" src=\"{base}podflow.js\"></script>\n<div data-podflow data-scenario=\"constrained-pod\" data-entry=\"12\"></div>")
    );
    let iframe = snippet("embed-iframe");
    assert!(
        iframe.starts_with(&format!(
            "<iframe src=\"{base}index.html?embed=1&scenario=constrained-pod&entry=12\" title=\"podflow: "
        )),
        "{iframe}"
    );
    for testid in ["copy-link", "copy-embed", "copy-iframe", "export-yaml"] {
        assert!(!button(&root, testid)
            .text_content()
            .unwrap_or_default()
            .is_empty());
    }
    // Escape closes the menu and gives focus back to the Share button.
    let press_escape = js_sys::Function::new_with_args(
        "el",
        "el.dispatchEvent(new KeyboardEvent('keydown', {key: 'Escape', bubbles: true, cancelable: true}));",
    );
    press_escape
        .call1(&wasm_bindgen::JsValue::NULL, &link)
        .expect("dispatch Escape");
    for _ in 0..100 {
        if root
            .query_selector("[data-testid=share-panel]")
            .ok()
            .flatten()
            .is_none()
        {
            break;
        }
        sleep(10).await;
    }
    assert!(root
        .query_selector("[data-testid=share-panel]")
        .ok()
        .flatten()
        .is_none());
    let focused = gloo::utils::document()
        .active_element()
        .and_then(|e| e.get_attribute("data-testid"));
    assert_eq!(focused.as_deref(), Some("share-toggle"));
    handle.destroy();
    root.remove();
}

#[wasm_bindgen_test]
async fn should_close_the_share_menu_on_a_press_outside_it_but_not_inside() {
    let (root, handle) = mount("share-outside", "#scenario=demo-pod").await;
    let panel_shown = |root: &Element| {
        root.query_selector("[data-testid=share-panel]")
            .ok()
            .flatten()
            .is_some()
    };
    let press = js_sys::Function::new_with_args(
        "el",
        "el.dispatchEvent(new PointerEvent('pointerdown', {bubbles: true, composed: true}));",
    );
    button(&root, "share-toggle").click();
    let link = wait_for(&root, "[data-testid=share-link]").await;
    // A press inside the menu (on its link field) keeps it open.
    press
        .call1(&wasm_bindgen::JsValue::NULL, &link)
        .expect("dispatch pointerdown");
    sleep(50).await;
    assert!(panel_shown(&root), "a press inside closed the menu");
    // A press elsewhere on the page closes it.
    let outside = gloo::utils::document().body().expect("a body");
    press
        .call1(&wasm_bindgen::JsValue::NULL, &outside)
        .expect("dispatch pointerdown");
    for _ in 0..100 {
        if !panel_shown(&root) {
            break;
        }
        sleep(10).await;
    }
    assert!(!panel_shown(&root), "a press outside left the menu open");
    assert_eq!(
        button(&root, "share-toggle")
            .get_attribute("aria-expanded")
            .as_deref(),
        Some("false")
    );
    handle.destroy();
    root.remove();
}

fn timeline(root: &Element) -> (String, String) {
    let input = root
        .query_selector("[data-testid=timeline]")
        .ok()
        .flatten()
        .and_then(|e| e.dyn_into::<HtmlInputElement>().ok())
        .expect("the timeline");
    (input.value(), input.max())
}

#[wasm_bindgen_test]
async fn should_share_a_cluster_action_made_in_the_page() {
    let (root, handle) = mount("share-after-cordon", "#scenario=demo-pod&entry=2").await;
    let node_a = wait_for(&root, "[data-testid=pf-node][data-node=node-a]").await;
    node_a
        .query_selector(".pf-node-actions .pf-button")
        .ok()
        .flatten()
        .and_then(|e| e.dyn_into::<HtmlElement>().ok())
        .expect("the cordon button")
        .click();
    // The command starts playing; pause, then share.
    sleep(50).await;
    if button(&root, "play")
        .get_attribute("aria-pressed")
        .as_deref()
        == Some("true")
    {
        button(&root, "play").click();
    }
    sleep(50).await;
    let shown = timeline(&root);
    button(&root, "share-toggle").click();
    let link: HtmlInputElement = wait_for(&root, "[data-testid=share-link]")
        .await
        .dyn_into()
        .expect("an input");
    let link = link.value();
    let fragment = link
        .split_once('#')
        .map(|(_, f)| format!("#{f}"))
        .unwrap_or_default();
    let state = share::decode_state(fragment.trim_start_matches("#state=")).expect("decodes");
    assert_eq!(
        state
            .commands
            .iter()
            .map(|c| c.command.clone())
            .collect::<Vec<_>>(),
        vec![UserCommand::Client(ClientAction::Cordon {
            credentials: Credentials::ClusterAdmin,
            node: "node-a".into()
        })]
    );
    assert_eq!(state.commands[0].entry, 2);
    handle.destroy();
    root.remove();

    let (again, handle) = mount("share-after-cordon-opened", &fragment).await;
    // The same entry of the same changed run (its end includes the cordon's entries).
    assert_eq!(timeline(&again), shown);
    assert!(text(&again, "[data-testid=config-problems]").is_empty());
    handle.destroy();
    again.remove();
}

/// Runs a line of JavaScript in the test page (to stand in for browser features).
fn run_js(code: &str) {
    js_sys::Function::new_no_args(code)
        .call0(&wasm_bindgen::JsValue::NULL)
        .expect("the script runs");
}

#[wasm_bindgen_test]
async fn should_select_the_text_without_a_clipboard_and_download_the_exported_yaml() {
    let (root, handle) = mount("share-fallbacks", "#scenario=constrained-pod&entry=12").await;
    button(&root, "share-toggle").click();
    let link: HtmlInputElement = wait_for(&root, "[data-testid=share-link]")
        .await
        .dyn_into()
        .expect("an input");

    // A page served over plain HTTP has no navigator.clipboard: the field's text is selected instead.
    run_js(
        "Object.defineProperty(navigator, 'clipboard', {value: undefined, configurable: true});",
    );
    let status = || text(&root, "[data-testid=share-status]");
    button(&root, "copy-link").click();
    wait_until("the copy status", || !status().is_empty()).await;
    assert_eq!(
        status(),
        "The link is selected: press Ctrl+C (⌘C on a Mac) to copy it."
    );
    let selected = |start: Option<u32>, end: Option<u32>| (start, end);
    assert_eq!(
        selected(
            link.selection_start().ok().flatten(),
            link.selection_end().ok().flatten()
        ),
        (Some(0), Some(link.value().len() as u32))
    );
    button(&root, "copy-iframe").click();
    wait_until("the iframe copy status", || {
        status().contains("iframe code")
    })
    .await;
    assert_eq!(
        status(),
        "The iframe code is selected: press Ctrl+C (⌘C on a Mac) to copy it."
    );
    run_js("delete navigator.clipboard;");

    // Export YAML downloads the scenario as a file: record the link it clicks instead of following it.
    run_js(
        "window.__podflowClicks = []; window.__podflowClick = HTMLAnchorElement.prototype.click; \
         HTMLAnchorElement.prototype.click = function () { \
           window.__podflowClicks.push([this.getAttribute('download'), this.getAttribute('href')]); };",
    );
    button(&root, "export-yaml").click();
    wait_until("the export status", || status().starts_with("Downloaded")).await;
    let clicks = js_sys::Reflect::get(&gloo::utils::window(), &"__podflowClicks".into())
        .ok()
        .map(|clicks| js_sys::Array::from(&clicks))
        .expect("the recorded clicks");
    run_js("HTMLAnchorElement.prototype.click = window.__podflowClick;");
    assert_eq!(clicks.length(), 1);
    let click = js_sys::Array::from(&clicks.get(0));
    let (file, href) = (
        click.get(0).as_string().unwrap_or_default(),
        click.get(1).as_string().unwrap_or_default(),
    );
    let state = SharedState {
        scenario: ScenarioSource::Builtin("constrained-pod".into()),
        seed: podflow::ui::playback::DEFAULT_SEED,
        entry: 12,
        pod: None,
        commands: Vec::new(),
    };
    assert_eq!(file, podflow::ui::export::file_name(&state));
    assert_eq!(status(), format!("Downloaded {file}."));
    let body = href
        .strip_prefix("data:application/yaml;charset=utf-8,")
        .map(|encoded| js_sys::decode_uri_component(encoded).map(String::from))
        .and_then(Result::ok)
        .expect("a YAML data link");
    assert_eq!(Ok(body), podflow::ui::export::export_yaml(&state));
    handle.destroy();
    root.remove();
}

#[wasm_bindgen_test]
async fn should_open_the_linked_inspector_tab_and_name_it_in_the_share_link() {
    let (root, handle) = mount(
        "share-tab",
        "#scenario=constrained-pod&step=6&tab=scheduler",
    )
    .await;
    wait_for(&root, "[data-testid=pf-filter-table]").await;
    assert_eq!(text(&root, "[role=tab][aria-selected=true]"), "Scheduler");
    button(&root, "share-toggle").click();
    let link: HtmlInputElement = wait_for(&root, "[data-testid=share-link]")
        .await
        .dyn_into()
        .expect("an input");
    assert!(link.value().ends_with("&tab=scheduler"), "{}", link.value());
    handle.destroy();
    root.remove();
}

#[wasm_bindgen_test]
async fn should_open_a_linked_budget_in_the_describe_tab_and_name_it_in_the_share_link() {
    let (root, handle) = mount(
        "share-pdb",
        "#scenario=preemption-pdb&step=6&tab=describe&pdb=default/web",
    )
    .await;
    wait_for(&root, "[data-testid=pf-describe-command]").await;
    assert_eq!(
        text(&root, "[data-testid=pf-describe-command]"),
        "kubectl describe poddisruptionbudget web"
    );
    assert_eq!(text(&root, "[role=tab][aria-selected=true]"), "Describe");
    button(&root, "share-toggle").click();
    let link: HtmlInputElement = wait_for(&root, "[data-testid=share-link]")
        .await
        .dyn_into()
        .expect("an input");
    assert!(
        link.value().ends_with("&tab=describe&pdb=default/web"),
        "{}",
        link.value()
    );
    handle.destroy();
    root.remove();
}
