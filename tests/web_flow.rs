//! Browser tests of the main page (wasm-bindgen-test in headless Chromium): what a user sees while
//! playing a scenario. The app is mounted, driven with clicks, key presses and the scenario picker,
//! and checked through the DOM: the caption, the diagram's tokens and boxes, the timeline.
//!
//! Run with `CHROMEDRIVER=/usr/bin/chromedriver cargo test --target wasm32-unknown-unknown --test web_flow`.
//! Natively this file compiles to nothing.
#![cfg(target_arch = "wasm32")]

use podflow::ui::app::App;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlElement, HtmlInputElement, HtmlSelectElement};
use yew::AppHandle;

wasm_bindgen_test_configure!(run_in_browser);

mod support;
use podflow::ui::config::AppConfig;
use support::{mount_with, text, wait_for, wait_until};

/// Mounts the app (the default page) into a fresh `<div>` and waits for its first render.
async fn mount(id: &str) -> (Element, AppHandle<App>) {
    mount_with(id, AppConfig::default()).await
}

fn caption(root: &Element) -> String {
    text(root, "[data-testid=caption-text]")
}

fn readout(root: &Element) -> String {
    text(root, "[data-testid=timeline-readout]")
}

fn button(root: &Element, testid: &str) -> HtmlElement {
    root.query_selector(&format!("[data-testid={testid}]"))
        .ok()
        .flatten()
        .and_then(|e| e.dyn_into::<HtmlElement>().ok())
        .unwrap_or_else(|| panic!("no button {testid}"))
}

/// The first element matching `selector`, as something to click.
fn button_in(root: &Element, selector: &str) -> HtmlElement {
    root.query_selector(selector)
        .ok()
        .flatten()
        .and_then(|e| e.dyn_into::<HtmlElement>().ok())
        .unwrap_or_else(|| panic!("nothing matches {selector}"))
}

fn is_disabled(root: &Element, testid: &str) -> bool {
    button(root, testid).has_attribute("disabled")
}

/// Clicks a button and waits until the timeline readout changes.
async fn click_and_wait(root: &Element, testid: &str) {
    let before = readout(root);
    button(root, testid).click();
    wait_until(&format!("{testid} to move the playback"), || {
        readout(root) != before
    })
    .await;
}

/// Steps forward to the end, returning every caption seen (the first one included).
async fn step_to_end(root: &Element) -> Vec<String> {
    let mut captions = vec![caption(root)];
    let mut guard = 0;
    while !is_disabled(root, "step-forward") {
        click_and_wait(root, "step-forward").await;
        captions.push(caption(root));
        guard += 1;
        assert!(guard < 500, "the story should end");
    }
    captions
}

/// Chooses `value` in a `<select>` as a user would: sets it and fires the bubbling `change` event.
fn choose(select: &HtmlSelectElement, value: &str) {
    select.set_value(value);
    let event = web_sys::Event::new_with_event_init_dict("change", &{
        let init = web_sys::EventInit::new();
        init.set_bubbles(true);
        init
    })
    .expect("an event");
    select.dispatch_event(&event).expect("dispatch");
}

/// Chooses a scenario in the picker as a user would.
async fn pick(root: &Element, name: &str) {
    let select: HtmlSelectElement = root
        .query_selector("[data-testid=scenario-picker]")
        .ok()
        .flatten()
        .and_then(|e| e.dyn_into().ok())
        .expect("the scenario picker");
    choose(&select, name);
    let title = podflow::engine::scenario::builtin_title(name).unwrap_or_default();
    wait_until(&format!("scenario {name} to load"), || {
        text(root, "[data-testid=scenario-title]") == title
    })
    .await;
}

/// Presses a key on the document, as a user with focus on the page body would.
fn press(key: &str) {
    let function = js_sys::Function::new_with_args(
        "key",
        "document.body.dispatchEvent(new KeyboardEvent('keydown', {key: key, bubbles: true, cancelable: true}));",
    );
    function
        .call1(&JsValue::NULL, &JsValue::from_str(key))
        .expect("dispatch a key press");
}

/// Clicks an SVG element (which has no `click()`), bubbling like a real click.
fn click_svg(element: &Element) {
    let function = js_sys::Function::new_with_args(
        "el",
        "el.dispatchEvent(new MouseEvent('click', {bubbles: true, cancelable: true}));",
    );
    function
        .call1(&JsValue::NULL, element)
        .expect("dispatch a click");
}

fn token_status(root: &Element, pod: &str) -> String {
    root.query_selector(&format!(
        "svg[data-layout=wide] .pf-token[data-pod=\"{pod}\"]"
    ))
    .ok()
    .flatten()
    .and_then(|e| e.get_attribute("data-status"))
    .unwrap_or_default()
}

#[wasm_bindgen_test]
async fn should_play_demo_pod_to_running_and_step_back_to_the_earlier_state() {
    let (root, handle) = mount("flow-demo").await;
    assert_eq!(
        text(&root, "[data-testid=caption-step]"),
        "Step 1 · User requests a Pod"
    );
    assert!(is_disabled(&root, "step-back"));
    assert_eq!(token_status(&root, "default/demo-pod"), "not stored yet");

    let captions = step_to_end(&root).await;
    assert_eq!(
        text(&root, "[data-testid=caption-step]"),
        "Step 9 · kubelet takes over"
    );
    assert_eq!(token_status(&root, "default/demo-pod"), "Running");
    let token_box = root
        .query_selector("svg[data-layout=wide] [data-node=running].pf-node--active")
        .ok()
        .flatten();
    assert!(token_box.is_some(), "the Running box is lit at the end");
    assert!(
        text(&root, "[data-testid=pod-list]").contains("Running"),
        "{}",
        text(&root, "[data-testid=pod-list]")
    );
    assert!(
        captions
            .iter()
            .any(|c| c.contains("Successfully assigned default/demo-pod to node-c")),
        "{captions:#?}"
    );

    // Step back: each earlier caption comes back exactly.
    for back in 1..=5 {
        click_and_wait(&root, "step-back").await;
        assert_eq!(caption(&root), captions[captions.len() - 1 - back]);
    }
    // Scrub to the start with the timeline: the first caption and token state come back.
    let range: HtmlInputElement = root
        .query_selector("[data-testid=timeline]")
        .ok()
        .flatten()
        .and_then(|e| e.dyn_into().ok())
        .expect("the timeline");
    range.set_value(&range.min());
    let event = web_sys::InputEvent::new_with_event_init_dict("input", &{
        let init = web_sys::InputEventInit::new();
        init.set_bubbles(true);
        init
    })
    .expect("an input event");
    range.dispatch_event(&event).expect("dispatch");
    wait_until("the timeline to seek to the start", || {
        caption(&root) == captions[0]
    })
    .await;
    assert_eq!(token_status(&root, "default/demo-pod"), "not stored yet");
    handle.destroy();
}

#[wasm_bindgen_test]
async fn should_step_with_the_arrow_keys_and_play_with_space() {
    let (root, handle) = mount("flow-keys").await;
    let first = readout(&root);
    assert!(first.starts_with("entry 1 /"), "{first}");
    press("ArrowRight");
    wait_until("→ to step forward", || {
        readout(&root).starts_with("entry 2 /")
    })
    .await;
    press("ArrowRight");
    wait_until("→ to step forward again", || {
        readout(&root).starts_with("entry 3 /")
    })
    .await;
    press("ArrowLeft");
    wait_until("← to step back", || {
        readout(&root).starts_with("entry 2 /")
    })
    .await;

    let play = button(&root, "play");
    assert_eq!(play.get_attribute("aria-label").as_deref(), Some("Play"));
    press(" ");
    wait_until("Space to start playing", || {
        button(&root, "play").get_attribute("aria-label").as_deref() == Some("Pause")
    })
    .await;
    // While playing, the position advances on its own.
    let playing_from = readout(&root);
    wait_until("the timer to advance", || readout(&root) != playing_from).await;
    press(" ");
    wait_until("Space to pause", || {
        button(&root, "play").get_attribute("aria-label").as_deref() == Some("Play")
    })
    .await;
    handle.destroy();
}

#[wasm_bindgen_test]
async fn should_explain_constrained_pod_filtering_and_node_c_winning_with_450() {
    let (root, handle) = mount("flow-constrained").await;
    pick(&root, "constrained-pod").await;
    let captions = step_to_end(&root).await;
    assert!(
        captions.iter().any(|c| c
            == "2 of 3 nodes pass the filters: node-b fails NodeAffinity: node(s) didn't match Pod's node affinity/selector."),
        "{captions:#?}"
    );
    assert!(
        captions
            .iter()
            .any(|c| c == "Total scores: node-a 425, node-c 450: node-c wins."),
        "{captions:#?}"
    );
    assert_eq!(token_status(&root, "default/constrained-pod"), "Running");
    assert!(text(&root, "svg[data-layout=wide]").contains("kubelet on node-c"));
    handle.destroy();
}

#[wasm_bindgen_test]
async fn should_show_the_strict_decoding_error_for_the_seed_yaml_as_written() {
    let (root, handle) = mount("flow-as-written").await;
    pick(&root, "constrained-pod-as-written").await;
    let captions = step_to_end(&root).await;
    let last = captions.last().cloned().unwrap_or_default();
    assert_eq!(
        last,
        "kubectl prints: Error from server (BadRequest): error when creating \"constrained-pod-as-written.yaml\": Pod in version \"v1\" cannot be handled as a Pod: strict decoding error: unknown field \"spec.nodeAffinity\""
    );
    assert!(
        root.query_selector("[data-testid=caption].pf-caption--failed")
            .ok()
            .flatten()
            .is_some(),
        "the failure is styled as one"
    );
    let failed_box = root
        .query_selector("svg[data-layout=wide] [data-node=validation].pf-node--failed")
        .ok()
        .flatten()
        .expect("the Validation box is marked failed");
    assert!(
        failed_box
            .text_content()
            .unwrap_or_default()
            .contains("400 BadRequest"),
        "{:?}",
        failed_box.text_content()
    );
    assert_eq!(token_status(&root, "default/constrained-pod"), "rejected");
    handle.destroy();
}

#[wasm_bindgen_test]
async fn should_open_the_inspector_tab_of_a_clicked_box() {
    let (root, handle) = mount("flow-boxes").await;
    let filter = wait_for(&root, "svg[data-layout=wide] [data-node=filter]").await;
    assert_eq!(filter.get_attribute("role").as_deref(), Some("button"));
    assert_eq!(filter.get_attribute("tabindex").as_deref(), Some("0"));
    assert!(filter
        .get_attribute("aria-label")
        .unwrap_or_default()
        .starts_with("kube-scheduler: Filter: open the Scheduler inspector"));
    click_svg(&filter);
    wait_until("the Scheduler tab to open", || {
        root.query_selector("[role=tab][data-tab=Scheduler][aria-selected=true]")
            .ok()
            .flatten()
            .is_some()
    })
    .await;
    let kubectl = wait_for(&root, "svg[data-layout=wide] [data-node=kubectl]").await;
    click_svg(&kubectl);
    wait_until("the Manifest tab to open", || {
        root.query_selector("[role=tab][data-tab=Manifest][aria-selected=true]")
            .ok()
            .flatten()
            .is_some()
    })
    .await;
    // The Scheduler panel stays mounted for the next time, hidden from sight, keyboard and screen
    // readers; only the open tab's panel shows.
    let panes = root
        .query_selector_all(".pf-inspector-pane")
        .expect("panes");
    assert_eq!(panes.length(), 2, "{}", root.inner_html());
    let shown = root
        .query_selector_all(".pf-inspector-pane:not(.pf-inspector-pane--kept)")
        .expect("shown panes");
    assert_eq!(shown.length(), 1);
    let kept = root
        .query_selector(".pf-inspector-pane--kept")
        .ok()
        .flatten()
        .expect("the kept Scheduler panel");
    assert_eq!(kept.get_attribute("aria-hidden").as_deref(), Some("true"));
    assert!(kept.has_attribute("inert"));
    assert!(shown
        .item(0)
        .and_then(|p| p.dyn_into::<Element>().ok())
        .is_some_and(|p| p.query_selector("textarea").ok().flatten().is_some()));
    handle.destroy();
}

#[wasm_bindgen_test]
async fn should_offer_every_builtin_scenario_in_the_picker() {
    let (root, handle) = mount("flow-picker").await;
    let options = root
        .query_selector_all("[data-testid=scenario-picker] option")
        .expect("options");
    let names = podflow::engine::scenario::builtin_names();
    assert_eq!(options.length() as usize, names.len());
    for name in names {
        pick(&root, name).await;
        assert!(
            root.query_selector("[data-testid=load-error]")
                .ok()
                .flatten()
                .is_none(),
            "{name}: {}",
            root.inner_html()
        );
        assert!(caption(&root).len() > 10, "{name}");
    }
    handle.destroy();
}

/// The timeline's `max` (its last entry) and `value` (the current one).
fn timeline_range(root: &Element) -> (String, String) {
    let range: HtmlInputElement = root
        .query_selector("[data-testid=timeline]")
        .ok()
        .flatten()
        .and_then(|e| e.dyn_into().ok())
        .expect("the timeline");
    (range.max(), range.value())
}

#[wasm_bindgen_test]
async fn should_finish_a_big_cluster_between_frames_and_draw_its_ticks_as_two_paths() {
    let config = AppConfig::from_fragment("#synthetic=4x40");
    let (root, handle) = support::mount_with("flow-synthetic", config).await;
    // The picker names what plays, not the first built-in scenario.
    let shown = support::text(&root, "[data-testid=scenario-picker] option:checked");
    assert_eq!(shown.trim(), "generated: 4 nodes, 40 pods");
    let (first_end, _) = timeline_range(&root);
    // The rest of the run goes on in the browser's idle time; the timeline shows it when done.
    let mut waited = 0;
    while timeline_range(&root).0 == first_end {
        support::sleep(50).await;
        waited += 1;
        assert!(waited < 600, "the run never finished loading");
    }
    let marks = root.query_selector_all(".pf-mark").expect("marks").length();
    let paths = root
        .query_selector_all(".pf-timeline-marks svg.pf-ticks path")
        .expect("paths");
    assert_eq!(
        paths.length(),
        2,
        "one path before the current entry, one after"
    );
    let pending = paths
        .item(1)
        .and_then(|p| p.dyn_into::<Element>().ok())
        .and_then(|p| p.get_attribute("d"))
        .unwrap_or_default();
    let ticks = pending.matches('M').count();
    // 40 pods through 9 steps: hundreds of marks, of which only those showing a number are elements.
    assert!(ticks > 100, "{ticks} ticks in {pending}");
    assert!(marks > 0 && marks < 60, "{marks} mark elements");
    // Clicking a numbered mark seeks there.
    let last: HtmlElement = root
        .query_selector_all(".pf-mark[data-position]")
        .ok()
        .and_then(|all| all.item(all.length() - 1))
        .and_then(|e| e.dyn_into().ok())
        .expect("a numbered mark");
    let position = last.get_attribute("data-position").unwrap_or_default();
    last.click();
    wait_until("the click to seek to the mark", || {
        timeline_range(&root).1 == position
    })
    .await;
    assert!(last.class_list().contains("pf-mark--done"));
    handle.destroy();
}

#[wasm_bindgen_test]
async fn should_follow_the_pod_whose_token_or_button_is_clicked() {
    let config = AppConfig::from_fragment("#synthetic=4x40&entry=400");
    let (root, handle) = support::mount_with("flow-follow", config).await;
    let pressed = |root: &Element| -> Vec<String> {
        support::elements(root, "[data-testid=pod-list] button[aria-pressed=true]")
            .iter()
            .filter_map(|e| e.get_attribute("data-pod"))
            .collect()
    };
    let buttons = root
        .query_selector_all("[data-testid=pod-list] button[data-pod]")
        .expect("pod buttons");
    assert!(buttons.length() > 2, "{} pods shown", buttons.length());
    // A click on a pod's name inside its button follows that pod.
    let third: Element = buttons
        .item(2)
        .and_then(|n| n.dyn_into().ok())
        .expect("a third pod");
    let third_pod = third.get_attribute("data-pod").unwrap_or_default();
    let name: HtmlElement = third
        .query_selector(".pf-pod-name")
        .ok()
        .flatten()
        .and_then(|e| e.dyn_into().ok())
        .expect("the pod's name");
    name.click();
    wait_until("the clicked button to be pressed", || {
        pressed(&root) == vec![third_pod.clone()]
    })
    .await;
    // A click on a token's shape in the diagram follows its pod.
    let second_pod = buttons
        .item(1)
        .and_then(|n| n.dyn_into::<Element>().ok())
        .and_then(|e| e.get_attribute("data-pod"))
        .unwrap_or_default();
    let shape = root
        .query_selector(&format!(
            "svg[data-layout=wide] .pf-token[data-pod=\"{second_pod}\"] > :last-child"
        ))
        .ok()
        .flatten()
        .expect("the second pod's token");
    click_svg(&shape);
    wait_until("the clicked token's pod to be followed", || {
        pressed(&root) == vec![second_pod.clone()]
    })
    .await;
    handle.destroy();
}

/// The rows of the events table: (row element, REASON and OBJECT cells).
fn event_rows(root: &Element) -> Vec<(Element, String)> {
    support::elements(root, "[data-testid=pf-events-table] tbody tr")
        .into_iter()
        .map(|row| {
            let cells = row.children();
            let cell = |i: u32| {
                cells
                    .item(i)
                    .and_then(|c| c.text_content())
                    .unwrap_or_default()
            };
            let identity = format!("{} {} {}", cell(2), cell(3), cell(4));
            (row, identity)
        })
        .collect()
}

#[wasm_bindgen_test]
async fn should_show_every_event_of_a_big_run_and_keep_rows_in_place_as_new_ones_arrive() {
    let config = AppConfig::from_fragment("#synthetic=4x40&entry=900");
    let (root, handle) = support::mount_with("flow-events", config).await;
    button_in(&root, "[data-tab=Events]").click();
    wait_for(&root, "[data-testid=pf-events-table] tbody tr").await;
    // A big table mounts a slice of rows per frame until every event has its row.
    let mut count = 0;
    let mut stable_for = 0;
    while stable_for < 10 {
        support::sleep(20).await;
        let now = event_rows(&root).len();
        if now == count {
            stable_for += 1;
        } else {
            assert!(now > count, "rows only arrive: {count} then {now}");
            count = now;
            stable_for = 0;
        }
    }
    let first_slice = podflow::ui::panels::progressive::FIRST_ROWS;
    assert!(
        count > first_slice,
        "{count} events shown, more than the first slice of {first_slice}"
    );
    // Stepping on adds the new events where kubectl lists them (by name, so among their object's
    // rows); the rows already shown stay the same elements with the same events.
    let before = event_rows(&root);
    let mut guard = 0;
    while event_rows(&root).len() == before.len() {
        click_and_wait(&root, "step-forward").await;
        guard += 1;
        assert!(guard < 200, "a new event within 200 entries");
    }
    let after = event_rows(&root);
    assert!(after.len() > before.len());
    for (old_row, old) in &before {
        let kept = after
            .iter()
            .find(|(new_row, _)| old_row.is_same_node(Some(new_row)));
        assert_eq!(
            kept.map(|(_, new)| new),
            Some(old),
            "row {old} kept its element"
        );
    }
    handle.destroy();
}

#[wasm_bindgen_test]
async fn should_bring_the_cluster_panel_up_to_date_with_the_diagram_when_paused() {
    let config = AppConfig::from_fragment("#synthetic=4x40&entry=300&play&speed=4");
    let (root, handle) = support::mount_with("flow-trailing", config).await;
    let playing_from = readout(&root);
    wait_until("the story to play", || readout(&root) != playing_from).await;
    support::sleep(300).await;
    button(&root, "play").click();
    wait_until("the pause", || {
        button(&root, "play").get_attribute("aria-label").as_deref() == Some("Play")
    })
    .await;
    // Playing, the panels follow the diagram a frame later; paused, they show the same entry.
    let disagreements = || -> Vec<String> {
        support::elements(&root, "[data-testid=pf-pod-chip]")
            .into_iter()
            .filter_map(|chip| {
                let pod = chip.get_attribute("data-pod")?;
                let status = support::text(&chip, ".pf-chip-status");
                let listed = support::text(
                    &root,
                    &format!("[data-testid=pod-list] button[data-pod=\"{pod}\"]"),
                );
                // The story may not have shown a pod's creation yet although the engine stored it.
                let shown_created = !listed.contains(podflow::ui::story::STATUS_NOT_STORED);
                (shown_created && !listed.contains(&status))
                    .then(|| format!("{pod}: {status} vs {listed}"))
            })
            .collect()
    };
    let mut waited = 0;
    while !disagreements().is_empty() {
        support::sleep(10).await;
        waited += 1;
        assert!(
            waited < 300,
            "the cluster panel disagrees: {:?}",
            disagreements()
        );
    }
    assert!(!support::elements(&root, "[data-testid=pf-pod-chip]").is_empty());
    handle.destroy();
}

#[wasm_bindgen_test]
async fn should_follow_a_deployments_three_pods_from_the_controllers_to_running() {
    let (root, handle) = mount("flow-deployment").await;
    pick(&root, "deployment").await;
    let captions = step_to_end(&root).await;
    let headings_seen = captions.iter().any(|c| {
        c.starts_with(
            "kube-controller-manager's deployment-controller: no ReplicaSet has the pod template",
        )
    });
    assert!(headings_seen, "{captions:#?}");
    assert!(
        captions
            .iter()
            .any(|c| c.starts_with("replicaset-controller records a Normal event SuccessfulCreate")),
        "{captions:#?}"
    );
    assert!(root
        .query_selector("svg[data-layout=wide] [data-node=controllers]")
        .ok()
        .flatten()
        .is_some());
    let tokens = support::elements(&root, "svg[data-layout=wide] .pf-token");
    assert_eq!(tokens.len(), 3);
    for token in tokens {
        let pod = token.get_attribute("data-pod").unwrap_or_default();
        assert!(pod.starts_with("default/nginx-deployment-"), "{pod}");
        assert_eq!(
            token.get_attribute("data-status").as_deref(),
            Some("Running")
        );
    }
    handle.destroy();
}

#[wasm_bindgen_test]
async fn should_describe_a_node_from_its_card_and_go_back_to_the_pod() {
    let config = AppConfig::from_fragment("#scenario=demo-pod&entry=999");
    let (root, handle) = support::mount_with("flow-describe-node", config).await;
    wait_until("the demo pod to run on node-c", || {
        text(&root, "[data-testid=pf-node][data-node=node-c]").contains("demo-pod")
    })
    .await;
    button_in(
        &root,
        "[data-testid=pf-node][data-node=node-c] [data-testid=pf-node-describe]",
    )
    .click();
    wait_until("the Describe tab to describe node-c", || {
        text(&root, "[data-testid=pf-describe-command]") == "kubectl describe node node-c"
    })
    .await;
    let output = text(&root, "[data-testid=pf-describe-text]");
    assert!(
        output.starts_with("Name:               node-c\n"),
        "{output}"
    );
    assert!(
        output.contains("Non-terminated Pods:          (1 in total)\n"),
        "{output}"
    );
    assert!(
        output.contains("  default                     demo-pod"),
        "{output}"
    );
    // The picker in the tab goes back to the followed pod.
    let select: HtmlSelectElement = root
        .query_selector("[data-testid=pf-describe-pick]")
        .ok()
        .flatten()
        .and_then(|e| e.dyn_into().ok())
        .expect("the describe picker");
    assert_eq!(select.value(), "node/node-c");
    choose(&select, "pod");
    wait_until("the Describe tab to describe the pod again", || {
        text(&root, "[data-testid=pf-describe-command]") == "kubectl describe pod demo-pod"
    })
    .await;
    handle.destroy();
}
