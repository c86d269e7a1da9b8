//! Browser tests of what podflow remembers (wasm-bindgen-test in headless Chromium): the editor's
//! text and the preferences survive unmounting and mounting the app again; a corrupted saved state is
//! kept aside, reported, and the app still starts; imported scenarios are saved and can be opened and
//! deleted; Reset asks first, then forgets everything. localStorage is cleared at the start of each test.
//!
//! Run with `CHROMEDRIVER=/usr/bin/chromedriver cargo test --target wasm32-unknown-unknown --test web_persist`.
//! Natively this file compiles to nothing.
#![cfg(target_arch = "wasm32")]

use podflow::ui::app::App;
use podflow::ui::config::AppConfig;
use podflow::ui::panels::manifest::SEED_POD_YAML;
use podflow::ui::storage::STATE_KEY;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlElement, HtmlSelectElement, HtmlTextAreaElement, Storage};
use yew::AppHandle;

wasm_bindgen_test_configure!(run_in_browser);

mod support;
use support::{mount_with, text, wait_for, wait_until};

fn storage() -> Storage {
    web_sys::window()
        .and_then(|w| w.local_storage().ok().flatten())
        .expect("localStorage")
}

/// Forgets everything any earlier test saved.
fn clear_storage() {
    storage().clear().expect("clear localStorage");
}

fn stored(key: &str) -> Option<String> {
    storage().get_item(key).expect("read localStorage")
}

fn store(key: &str, value: &str) {
    storage().set_item(key, value).expect("write localStorage");
}

/// The stored envelope as JSON (`null` when nothing is stored).
fn stored_state() -> serde_json::Value {
    stored(STATE_KEY)
        .map(|raw| serde_json::from_str(&raw).expect("the stored state is JSON"))
        .unwrap_or(serde_json::Value::Null)
}

async fn mount(id: &str) -> (Element, AppHandle<App>) {
    mount_with(id, AppConfig::default()).await
}

/// Unmounts the app and removes its `<div>`.
fn unmount(root: Element, handle: AppHandle<App>) {
    handle.destroy();
    root.remove();
}

fn find(root: &Element, selector: &str) -> Option<Element> {
    root.query_selector(selector).ok().flatten()
}

fn element<T: JsCast>(root: &Element, selector: &str) -> T {
    find(root, selector)
        .and_then(|e| e.dyn_into::<T>().ok())
        .unwrap_or_else(|| panic!("nothing matched {selector:?}"))
}

fn click(root: &Element, testid: &str) {
    element::<HtmlElement>(root, &format!("[data-testid={testid}]")).click();
}

/// Dispatches a bubbling event of `kind` ("input", "change") on `target`.
fn fire(target: &Element, kind: &str) {
    let event = web_sys::Event::new_with_event_init_dict(kind, &{
        let init = web_sys::EventInit::new();
        init.set_bubbles(true);
        init
    })
    .expect("an event");
    target.dispatch_event(&event).expect("dispatch");
}

fn editor(root: &Element) -> HtmlTextAreaElement {
    element(root, "[data-testid=pf-manifest-editor]")
}

/// Types `text` into the manifest editor, as a user would (one input event).
fn type_into_editor(root: &Element, text: &str) {
    let editor = editor(root);
    editor.set_value(text);
    fire(&editor, "input");
}

fn select(root: &Element, testid: &str) -> HtmlSelectElement {
    element(root, &format!("[data-testid={testid}]"))
}

fn choose(root: &Element, testid: &str, value: &str) {
    let select = select(root, testid);
    select.set_value(value);
    fire(&select, "change");
}

fn app_theme(root: &Element) -> String {
    find(root, ".pf-app")
        .and_then(|e| e.get_attribute("data-theme"))
        .unwrap_or_default()
}

fn document_theme() -> String {
    gloo::utils::document()
        .document_element()
        .and_then(|e| e.get_attribute("data-theme"))
        .unwrap_or_default()
}

/// Chooses a file named `name` holding `text` in the "Import YAML…" input.
fn import_file(root: &Element, name: &str, text: &str) {
    let input = element::<Element>(root, "[data-testid=import-yaml]");
    let function = js_sys::Function::new_with_args(
        "input, name, text",
        "const data = new DataTransfer();
         data.items.add(new File([text], name, {type: 'application/yaml'}));
         input.files = data.files;
         input.dispatchEvent(new Event('change', {bubbles: true}));",
    );
    function
        .call3(
            &JsValue::NULL,
            &input,
            &JsValue::from_str(name),
            &JsValue::from_str(text),
        )
        .expect("choose a file");
}

const EDITED: &str = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: edited-pod\n";

#[wasm_bindgen_test]
async fn should_keep_an_edit_after_the_app_is_mounted_again() {
    clear_storage();
    let (root, handle) = mount("persist-edit").await;
    assert_eq!(editor(&root).value(), SEED_POD_YAML);
    type_into_editor(&root, EDITED);
    assert_eq!(stored_state()["editor"]["text"], EDITED);
    unmount(root, handle);

    let (root, handle) = mount("persist-edit-again").await;
    assert_eq!(editor(&root).value(), EDITED);
    // Going back to the seed's text forgets the edit.
    type_into_editor(&root, SEED_POD_YAML);
    assert_eq!(stored_state()["editor"], serde_json::Value::Null);
    unmount(root, handle);
}

#[wasm_bindgen_test]
async fn should_keep_the_speed_and_theme_preferences_after_the_app_is_mounted_again() {
    clear_storage();
    let (root, handle) = mount("persist-prefs").await;
    assert_eq!(select(&root, "speed").value(), "2");
    assert_eq!(select(&root, "theme").value(), "auto");
    choose(&root, "speed", "4");
    choose(&root, "theme", "dark");
    wait_until("the dark theme", || app_theme(&root) == "dark").await;
    wait_until("the dark theme on <html>", || document_theme() == "dark").await;
    assert_eq!(
        stored_state()["prefs"],
        serde_json::json!({"theme": "dark", "speed": 4})
    );
    unmount(root, handle);

    let (root, handle) = mount("persist-prefs-again").await;
    assert_eq!(select(&root, "speed").value(), "4");
    assert_eq!(select(&root, "theme").value(), "dark");
    assert_eq!(app_theme(&root), "dark");
    wait_until("the saved theme on <html>", || document_theme() == "dark").await;
    unmount(root, handle);
}

#[wasm_bindgen_test]
async fn should_let_a_links_theme_win_without_saving_it() {
    clear_storage();
    let saved = r#"{"version":1,"prefs":{"theme":"dark","speed":0}}"#;
    store(STATE_KEY, saved);
    let (root, handle) = mount_with("persist-link", AppConfig::from_fragment("#theme=light")).await;
    assert_eq!(app_theme(&root), "light");
    wait_until("the link's theme on <html>", || document_theme() == "light").await;
    assert_eq!(
        select(&root, "speed").value(),
        "0",
        "the link set no speed, so the saved one applies"
    );
    assert_eq!(stored(STATE_KEY).as_deref(), Some(saved));
    unmount(root, handle);
}

#[wasm_bindgen_test]
async fn should_keep_a_corrupted_state_aside_report_where_and_still_start() {
    let cases = [
        ("{\"version\":1,\"editor\":", "it is not valid JSON"),
        (r#"{"version":1,"prefs":{"speed":"fast"}}"#, "prefs.speed"),
        (r#"{"version":9}"#, "written by a newer podflow"),
        (r#"{"version":0}"#, "older than the version 1"),
    ];
    for (raw, why) in cases {
        clear_storage();
        store("podflow.v1.broken.1", "an earlier copy");
        store(STATE_KEY, raw);
        let (root, handle) = mount("persist-corrupt").await;
        let notice = text(&root, "[data-testid=storage-notices]");
        assert!(notice.contains(why), "{raw}: {notice}");
        assert!(
            notice.contains("under the key podflow.v1.broken.2"),
            "{raw}: {notice}"
        );
        assert_eq!(stored("podflow.v1.broken.2").as_deref(), Some(raw));
        assert_eq!(
            stored("podflow.v1.broken.1").as_deref(),
            Some("an earlier copy")
        );
        assert_eq!(stored(STATE_KEY), None);
        // The app started with the defaults and still saves.
        assert_eq!(editor(&root).value(), SEED_POD_YAML);
        assert!(!text(&root, "[data-testid=caption-text]").is_empty());
        type_into_editor(&root, EDITED);
        assert_eq!(stored_state()["editor"]["text"], EDITED);
        assert_eq!(stored("podflow.v1.broken.2").as_deref(), Some(raw));
        unmount(root, handle);
    }
}

#[wasm_bindgen_test]
async fn should_ask_before_reset_and_then_forget_everything() {
    clear_storage();
    let demo = podflow::engine::scenario::builtin("demo-pod").expect("demo-pod");
    let saved = serde_json::json!({
        "version": 1,
        "editor": {"text": EDITED},
        "scenarios": [{"name": "my-demo", "text": demo}],
        "prefs": {"theme": "light", "speed": 1},
    });
    store(STATE_KEY, &saved.to_string());
    let (root, handle) = mount("persist-reset").await;
    assert_eq!(editor(&root).value(), EDITED);
    assert_eq!(select(&root, "theme").value(), "light");

    // Cancel, then Escape: nothing is forgotten, and focus goes back to Reset.
    click(&root, "reset");
    let dialog = wait_for(&root, "[data-testid=reset-dialog]").await;
    assert!(
        text(&root, "[data-testid=reset-dialog]")
            .starts_with("Delete your saved edits, scenarios and preferences?"),
        "{}",
        text(&root, "[data-testid=reset-dialog]")
    );
    let active = || {
        gloo::utils::document()
            .active_element()
            .and_then(|e| e.get_attribute("data-testid"))
            .unwrap_or_default()
    };
    wait_until("focus on Cancel", || active() == "reset-cancel").await;
    click(&root, "reset-cancel");
    wait_until("the dialog to close", || {
        find(&root, "[data-testid=reset-dialog]").is_none()
    })
    .await;
    wait_until("focus back on Reset", || active() == "reset").await;
    click(&root, "reset");
    let dialog_again = wait_for(&root, "[data-testid=reset-dialog]").await;
    drop(dialog);
    js_sys::Function::new_with_args(
        "el",
        "el.dispatchEvent(new KeyboardEvent('keydown', {key: 'Escape', bubbles: true, cancelable: true}));",
    )
    .call1(&JsValue::NULL, &dialog_again)
    .expect("press Escape");
    wait_until("Escape to close the dialog", || {
        find(&root, "[data-testid=reset-dialog]").is_none()
    })
    .await;
    // A click on the dimmed page around the dialog cancels too.
    click(&root, "reset");
    wait_for(&root, "[data-testid=reset-dialog]").await;
    element::<HtmlElement>(&root, ".pf-dialog-backdrop").click();
    wait_until("a click outside to close the dialog", || {
        find(&root, "[data-testid=reset-dialog]").is_none()
    })
    .await;
    assert_eq!(stored_state(), saved);

    // Confirm: everything saved is gone and the defaults are back.
    click(&root, "reset");
    wait_for(&root, "[data-testid=reset-confirm]").await;
    click(&root, "reset-confirm");
    wait_until("the seed's pod.yaml in the editor", || {
        find(&root, "[data-testid=pf-manifest-editor]")
            .and_then(|e| e.dyn_into::<HtmlTextAreaElement>().ok())
            .is_some_and(|e| e.value() == SEED_POD_YAML)
    })
    .await;
    assert_eq!(stored(STATE_KEY), None);
    assert_eq!(select(&root, "theme").value(), "auto");
    assert_eq!(select(&root, "speed").value(), "2");
    assert!(find(&root, "[data-testid=saved-scenarios]").is_none());
    unmount(root, handle);
}

#[wasm_bindgen_test]
async fn should_import_a_scenario_file_open_it_after_a_remount_and_delete_it() {
    clear_storage();
    let (root, handle) = mount("persist-import").await;
    import_file(
        &root,
        "broken.yaml",
        "apiVersion: v1\nkind: Pod\nmetadata: [\n",
    );
    let error = wait_for(&root, "[data-testid=import-error]").await;
    assert!(
        error
            .text_content()
            .unwrap_or_default()
            .starts_with("error: "),
        "{:?}",
        error.text_content()
    );
    assert_eq!(stored(STATE_KEY), None, "a refused file is not saved");

    let demo = podflow::engine::scenario::builtin("demo-pod").expect("demo-pod");
    import_file(&root, "my-demo.yaml", &demo);
    wait_until("the imported scenario to open", || {
        select(&root, "scenario-picker").value() == "saved:my-demo"
    })
    .await;
    assert!(find(&root, "[data-testid=import-error]").is_none());
    assert_eq!(stored_state()["scenarios"][0]["name"], "my-demo");
    assert_eq!(stored_state()["scenarios"][0]["text"], demo.as_str());
    unmount(root, handle);

    let (root, handle) = mount("persist-import-again").await;
    let group = wait_for(&root, "[data-testid=saved-scenarios]").await;
    assert_eq!(group.get_attribute("label").as_deref(), Some("Saved"));
    assert_eq!(text(&root, "[data-testid=saved-scenarios]"), "my-demo");
    choose(&root, "scenario-picker", "saved:my-demo");
    wait_for(&root, "[data-testid=delete-saved]").await;
    assert_eq!(
        text(&root, "[data-testid=scenario-title]"),
        "my-demo: imported from a file and saved in this browser"
    );
    assert!(text(&root, "[data-testid=caption-text]").len() > 10);
    click(&root, "delete-saved");
    wait_until("the default scenario after deleting", || {
        select(&root, "scenario-picker").value() == "demo-pod"
    })
    .await;
    assert!(find(&root, "[data-testid=saved-scenarios]").is_none());
    assert_eq!(stored_state()["scenarios"], serde_json::json!([]));
    unmount(root, handle);
}

#[wasm_bindgen_test]
async fn should_let_two_instances_save_without_undoing_each_other() {
    clear_storage();
    let (first, first_handle) = mount("persist-first").await;
    let (second, second_handle) = mount("persist-second").await;
    choose(&first, "theme", "dark");
    choose(&second, "speed", "1");
    type_into_editor(&first, EDITED);
    assert_eq!(
        stored_state()["prefs"],
        serde_json::json!({"theme": "dark", "speed": 1})
    );
    assert_eq!(stored_state()["editor"]["text"], EDITED);
    unmount(first, first_handle);
    unmount(second, second_handle);
}

#[wasm_bindgen_test]
async fn should_save_a_full_widgets_edits_without_showing_the_header_actions() {
    clear_storage();
    let config = AppConfig::from_widget([("mode", "full")], None);
    let (root, handle) = mount_with("persist-widget", config.clone()).await;
    assert!(find(&root, "[data-testid=reset]").is_none());
    assert!(find(&root, "[data-testid=import-yaml]").is_none());
    assert!(find(&root, "[data-testid=theme]").is_none());
    type_into_editor(&root, EDITED);
    assert_eq!(stored_state()["editor"]["text"], EDITED);
    unmount(root, handle);

    let (root, handle) = mount_with("persist-widget-again", config).await;
    assert_eq!(editor(&root).value(), EDITED);
    unmount(root, handle);
}

/// Makes localStorage's `method` throw a DOMException named `name` (or restores it when `name` is empty).
fn break_storage(method: &str, name: &str) {
    js_sys::Function::new_with_args(
        "method, name",
        "const proto = Storage.prototype;
         proto.__podflowOriginal = proto.__podflowOriginal || {};
         if (!(method in proto.__podflowOriginal)) proto.__podflowOriginal[method] = proto[method];
         if (name) {
           proto[method] = function () { throw new DOMException('refused by the test', name); };
         } else {
           proto[method] = proto.__podflowOriginal[method];
         }",
    )
    .call2(
        &JsValue::NULL,
        &JsValue::from_str(method),
        &JsValue::from_str(name),
    )
    .expect("patch Storage");
}

#[wasm_bindgen_test]
async fn should_keep_working_in_memory_when_the_storage_refuses() {
    clear_storage();
    // A browser that forbids storage: reported when the app starts, and the app still works.
    break_storage("getItem", "SecurityError");
    let (root, handle) = mount("persist-forbidden").await;
    break_storage("getItem", "");
    let notice = text(&root, "[data-testid=storage-notices]");
    assert_eq!(
        notice,
        "This browser does not let podflow use its storage (SecurityError), so your edits, scenarios and preferences will last only until this page is closed.Dismiss"
    );
    unmount(root, handle);

    // A full storage: reported once when saving fails; the edit stays in the page.
    let (root, handle) = mount("persist-full").await;
    assert!(find(&root, "[data-testid=storage-notices]").is_none());
    break_storage("setItem", "QuotaExceededError");
    type_into_editor(&root, EDITED);
    type_into_editor(&root, &format!("{EDITED}# more\n"));
    choose(&root, "speed", "1");
    break_storage("setItem", "");
    let notices = wait_for(&root, "[data-testid=storage-notices]").await;
    assert_eq!(
        notices
            .query_selector_all("li")
            .map(|l| l.length())
            .unwrap_or(0),
        1,
        "{}",
        text(&root, "[data-testid=storage-notices]")
    );
    assert!(text(&root, "[data-testid=storage-notices]").contains("is full (QuotaExceededError)"));
    assert_eq!(editor(&root).value(), format!("{EDITED}# more\n"));
    assert_eq!(select(&root, "speed").value(), "1");
    assert_eq!(stored(STATE_KEY), None);
    unmount(root, handle);
}
