//! podflow in other people's pages: every `<div data-podflow>` becomes an independent instance.
//!
//! A docs page includes the release build's loader (`podflow.js`) once; the wasm's entry point then
//! calls [`mount_widgets`] and [`watch_for_widgets`], so widgets written in the page and widgets added
//! later (single-page docs sites such as Docusaurus render pages client-side) are mounted, each with
//! its own engine, state and controls. A widget lives in a shadow root with its own copy of podflow's
//! stylesheet ([`stylesheet::widget_stylesheet`]): the host's styles do not reach it and its styles do
//! not leak out. Its settings come from its `data-*` attributes ([`AppConfig::from_widget`]).

use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::prelude::Closure;
use wasm_bindgen::JsCast;
use web_sys::{Document, Element, ShadowRootInit, ShadowRootMode};

use crate::ui::app::{App, AppProps};
use crate::ui::config::{AppConfig, Theme};
use crate::ui::stylesheet;

/// The attribute that makes an element a widget.
pub const WIDGET_ATTRIBUTE: &str = "data-podflow";
/// Set on a widget once mounted, so it is mounted only once.
pub const MOUNTED_ATTRIBUTE: &str = "data-podflow-mounted";
/// The id of the `<style>` element podflow adds to its own page's head.
pub const PAGE_STYLE_ID: &str = "podflow-style";
/// The selector of a widget's inline scenario.
const INLINE_SCENARIO_SELECTOR: &str = r#"script[type="application/yaml"]"#;

thread_local! {
    /// The widgets' stylesheet, rewritten once per page rather than once per widget.
    static WIDGET_STYLESHEET: String = stylesheet::widget_stylesheet();
    /// Every mounted widget: its element and its app, destroyed when the element leaves the page.
    static WIDGETS: RefCell<Vec<(Element, yew::AppHandle<App>)>> = const { RefCell::new(Vec::new()) };
}

/// Adds podflow's stylesheet to `document`'s head once (the full page and the iframe mode).
pub fn inject_page_stylesheet(document: &Document) {
    if document.get_element_by_id(PAGE_STYLE_ID).is_some() {
        return;
    }
    let Ok(style) = document.create_element("style") else {
        return;
    };
    style.set_id(PAGE_STYLE_ID);
    style.set_text_content(Some(stylesheet::STYLESHEET));
    if let Some(head) = document.head() {
        let _ = head.append_child(&style);
    }
}

/// Mounts every `[data-podflow]` element of `document` not mounted yet, and destroys the apps of
/// widgets that left the page. Returns how many were mounted now.
pub fn mount_widgets(document: &Document) -> usize {
    forget_removed_widgets();
    let Ok(found) = document.query_selector_all(&format!("[{WIDGET_ATTRIBUTE}]")) else {
        return 0;
    };
    let mut mounted = 0;
    for index in 0..found.length() {
        let Some(element) = found.item(index).and_then(|n| n.dyn_into::<Element>().ok()) else {
            continue;
        };
        if element.has_attribute(MOUNTED_ATTRIBUTE) {
            continue;
        }
        if mount_widget(document, &element).is_some() {
            mounted += 1;
        }
    }
    mounted
}

/// The settings a widget element asks for: its `data-*` attributes and its inline scenario.
pub fn widget_config(element: &Element) -> AppConfig {
    let names = element.get_attribute_names();
    let mut attributes: Vec<(String, String)> = Vec::new();
    for index in 0..names.length() {
        let Some(name) = names.get(index).as_string() else {
            continue;
        };
        let Some(key) = name.strip_prefix("data-") else {
            continue;
        };
        if name == MOUNTED_ATTRIBUTE {
            continue;
        }
        let value = element.get_attribute(&name).unwrap_or_default();
        attributes.push((key.to_string(), value));
    }
    let inline = element
        .query_selector(INLINE_SCENARIO_SELECTOR)
        .ok()
        .flatten()
        .and_then(|script| script.text_content());
    AppConfig::from_widget(
        attributes.iter().map(|(k, v)| (k.as_str(), v.as_str())),
        inline.as_deref(),
    )
}

/// The theme matching the page around `element`: dark when the nearest background behind it is dark
/// (a docs site in its dark mode), light when it is light, `None` when no ancestor paints one (then
/// the system's `prefers-color-scheme` decides).
fn host_theme(element: &Element) -> Option<Theme> {
    let window = web_sys::window()?;
    let mut current = element.parent_element();
    while let Some(ancestor) = current {
        let background = window
            .get_computed_style(&ancestor)
            .ok()
            .flatten()
            .and_then(|style| style.get_property_value("background-color").ok())
            .unwrap_or_default();
        if let Some(theme) = theme_for_background(&background) {
            return Some(theme);
        }
        current = ancestor.parent_element();
    }
    None
}

/// `rgb(r, g, b)` / `rgba(r, g, b, a)` as a computed style gives it: dark or light by its relative
/// luminance; `None` for a transparent or unreadable colour.
pub fn theme_for_background(css_color: &str) -> Option<Theme> {
    let inner = css_color
        .trim()
        .strip_prefix("rgba(")
        .or_else(|| css_color.trim().strip_prefix("rgb("))?
        .strip_suffix(')')?;
    let parts: Vec<f64> = inner
        .split([',', ' ', '/'])
        .filter(|p| !p.is_empty())
        .map(|p| p.trim().parse::<f64>())
        .collect::<Result<_, _>>()
        .ok()?;
    let (r, g, b) = match parts.as_slice() {
        [r, g, b] => (*r, *g, *b),
        [r, g, b, alpha] if *alpha >= 0.5 => (*r, *g, *b),
        _ => return None,
    };
    let linear = |channel: f64| {
        let c = channel / 255.0;
        if c <= 0.04045 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    };
    let luminance = 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b);
    Some(if luminance < 0.2 {
        Theme::Dark
    } else {
        Theme::Light
    })
}

/// Gives `element` a shadow root holding podflow's stylesheet and an app configured by its attributes.
fn mount_widget(document: &Document, element: &Element) -> Option<()> {
    let _ = element.set_attribute(MOUNTED_ATTRIBUTE, "");
    let mut config = widget_config(element);
    if matches!(config.theme, None | Some(Theme::Auto)) {
        config.theme = host_theme(element).or(config.theme);
    }
    let shadow = match element.shadow_root() {
        Some(existing) => existing,
        None => element
            .attach_shadow(&ShadowRootInit::new(ShadowRootMode::Open))
            .ok()?,
    };
    shadow.set_text_content(None);
    let style = document.create_element("style").ok()?;
    WIDGET_STYLESHEET.with(|css| style.set_text_content(Some(css)));
    shadow.append_child(&style).ok()?;
    let root = document.create_element("div").ok()?;
    root.set_class_name("pf-root");
    shadow.append_child(&root).ok()?;
    let handle = yew::Renderer::<App>::with_root_and_props(
        root,
        AppProps {
            config: Rc::new(config),
        },
    )
    .render();
    WIDGETS.with(|widgets| widgets.borrow_mut().push((element.clone(), handle)));
    Some(())
}

/// Destroys the apps of widgets whose element is no longer in the page.
fn forget_removed_widgets() {
    let removed: Vec<(Element, yew::AppHandle<App>)> = WIDGETS.with(|widgets| {
        let mut widgets = widgets.borrow_mut();
        let (gone, kept): (Vec<_>, Vec<_>) =
            widgets.drain(..).partition(|(e, _)| !e.is_connected());
        *widgets = kept;
        gone
    });
    for (element, handle) in removed {
        handle.destroy();
        let _ = element.remove_attribute(MOUNTED_ATTRIBUTE);
    }
}

/// The shadow roots of the mounted widgets (where a panic message goes).
pub fn widget_roots(document: &Document) -> Vec<web_sys::Node> {
    let Ok(found) = document.query_selector_all(&format!("[{MOUNTED_ATTRIBUTE}]")) else {
        return Vec::new();
    };
    (0..found.length())
        .filter_map(|i| found.item(i)?.dyn_into::<Element>().ok()?.shadow_root())
        .map(web_sys::Node::from)
        .collect()
}

/// Mounts widgets added to the page later, and forgets removed ones, for as long as the page lives.
pub fn watch_for_widgets(document: &Document) {
    let observed = document.clone();
    let callback = Closure::<dyn FnMut()>::new(move || {
        mount_widgets(&observed);
    });
    let Ok(observer) = web_sys::MutationObserver::new(callback.as_ref().unchecked_ref()) else {
        return;
    };
    let options = web_sys::MutationObserverInit::new();
    options.set_child_list(true);
    options.set_subtree(true);
    let target: web_sys::Node = match document.body() {
        Some(body) => body.into(),
        None => document.clone().into(),
    };
    if observer.observe_with_options(&target, &options).is_ok() {
        // The observer and its callback live as long as the page.
        callback.forget();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn should_tell_dark_pages_from_light_ones_by_their_background() {
        let cases = [
            ("rgb(27, 27, 29)", Some(Theme::Dark)),
            ("rgb(255, 255, 255)", Some(Theme::Light)),
            ("rgb(244, 246, 249)", Some(Theme::Light)),
            ("rgba(0, 0, 0, 0)", None),
            ("rgba(30, 30, 30, 0.9)", Some(Theme::Dark)),
            ("rgb(128, 128, 128)", Some(Theme::Light)),
            ("rgb(60, 60, 60)", Some(Theme::Dark)),
            ("transparent", None),
            ("", None),
            ("rgb(a, b, c)", None),
        ];
        for (colour, want) in cases {
            assert_eq!(theme_for_background(colour), want, "{colour}");
        }
    }
}
