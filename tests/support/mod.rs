//! Helpers shared by the browser tests that mount the whole app (web_flow, web_share, web_persist):
//! mounting into a fresh `<div>`, waiting for what a user would see, reading text.
#![allow(dead_code)] // each test file uses its own subset

use std::rc::Rc;
use std::time::Duration;

use podflow::ui::app::{App, AppProps};
use podflow::ui::config::AppConfig;
use web_sys::Element;
use yew::AppHandle;

/// Mounts the app with `config` into a fresh `<div id={id}>` and waits for its first render.
pub async fn mount_with(id: &str, config: AppConfig) -> (Element, AppHandle<App>) {
    let document = gloo::utils::document();
    let root = document.create_element("div").expect("create a div");
    root.set_id(id);
    gloo::utils::body()
        .append_child(&root)
        .expect("append the div");
    let props = AppProps {
        config: Rc::new(config),
    };
    let handle = yew::Renderer::<App>::with_root_and_props(root.clone(), props).render();
    wait_for(&root, "[data-testid=caption-text]").await;
    (root, handle)
}

pub async fn sleep(ms: u64) {
    yew::platform::time::sleep(Duration::from_millis(ms)).await;
}

/// Waits (up to three seconds) for something matching `selector` under `root`.
pub async fn wait_for(root: &Element, selector: &str) -> Element {
    for _ in 0..300 {
        if let Ok(Some(found)) = root.query_selector(selector) {
            return found;
        }
        sleep(10).await;
    }
    panic!(
        "nothing matched {selector:?}; the root holds: {}",
        root.inner_html()
    );
}

/// Waits (up to three seconds) until `check` holds.
pub async fn wait_until(what: &str, mut check: impl FnMut() -> bool) {
    for _ in 0..300 {
        if check() {
            return;
        }
        sleep(10).await;
    }
    panic!("timed out waiting for {what}");
}

/// The text of the first match of `selector` under `root` (empty when nothing matches).
pub fn text(root: &Element, selector: &str) -> String {
    root.query_selector(selector)
        .ok()
        .flatten()
        .and_then(|e| e.text_content())
        .unwrap_or_default()
}

/// Every element matching `selector` under `root`, in document order.
pub fn elements(root: &Element, selector: &str) -> Vec<Element> {
    use wasm_bindgen::JsCast;
    let Ok(found) = root.query_selector_all(selector) else {
        return Vec::new();
    };
    (0..found.length())
        .filter_map(|i| found.item(i))
        .filter_map(|node| node.dyn_into::<Element>().ok())
        .collect()
}
