//! podflow in other people's pages: every `<div data-podflow>` becomes an independent instance.
//!
//! A docs page includes the release build's loader (`podflow.js`) once; the wasm's entry point then
//! calls [`mount_widgets`] and [`watch_for_widgets`], so widgets written in the page and widgets added
//! later (single-page docs sites such as Docusaurus render pages client-side) are mounted, each with
//! its own engine, state and controls. A widget lives in a shadow root with its own copy of podflow's
//! stylesheet ([`stylesheet::widget_stylesheet`]): the host's styles do not reach it and its styles do
//! not leak out. Its settings come from its `data-*` attributes ([`AppConfig::from_widget`]).

use std::cell::{Cell, RefCell};
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
/// How long after a host page switches its theme the widgets look at its colours again (docs sites
/// fade their background over a few hundred milliseconds), in milliseconds.
const HOST_TRANSITION_MS: u32 = 600;

thread_local! {
    /// The widgets' stylesheet, rewritten once per page rather than once per widget.
    static WIDGET_STYLESHEET: String = stylesheet::widget_stylesheet();
    /// Every mounted widget: its element and its app, destroyed when the element leaves the page.
    static WIDGETS: RefCell<Vec<MountedWidget>> = const { RefCell::new(Vec::new()) };
    /// Whether the page's light/dark switches are watched yet (once, for all widgets).
    static WATCHING_HOST_THEME: Cell<bool> = const { Cell::new(false) };
}

/// A mounted widget: its element, its app, and (when it has no `data-theme` of its own) the
/// configuration it was given with its host page's theme, which follows the page's dark mode.
struct MountedWidget {
    element: Element,
    handle: yew::AppHandle<App>,
    follows_host: Option<Rc<AppConfig>>,
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
    let follows_host = matches!(config.theme, None | Some(Theme::Auto));
    if follows_host {
        config.theme = host_theme(element).or(config.theme);
    }
    let config = Rc::new(config);
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
            config: config.clone(),
        },
    )
    .render();
    WIDGETS.with(|widgets| {
        widgets.borrow_mut().push(MountedWidget {
            element: element.clone(),
            handle,
            follows_host: follows_host.then_some(config),
        })
    });
    if follows_host {
        watch_host_theme(document);
    }
    Some(())
}

/// Gives every widget that follows its host page the page's theme again, when it changed.
fn follow_host_themes() {
    WIDGETS.with(|widgets| {
        for widget in widgets.borrow_mut().iter_mut() {
            let Some(config) = &widget.follows_host else {
                continue;
            };
            let theme = host_theme(&widget.element).unwrap_or(Theme::Auto);
            if config.theme == Some(theme) {
                continue;
            }
            let config = Rc::new(AppConfig {
                theme: Some(theme),
                ..(**config).clone()
            });
            widget.follows_host = Some(config.clone());
            widget.handle.update(AppProps { config });
        }
    });
}

/// Watches what docs sites switch for their dark mode (a class, `data-theme` or style on `<html>` or
/// `<body>`, or the system's colour scheme) and has the widgets follow. The page's colours may
/// change through a transition, so the widgets look again once it is over.
fn watch_host_theme(document: &Document) {
    if WATCHING_HOST_THEME.with(|watching| watching.replace(true)) {
        return;
    }
    let check = || {
        follow_host_themes();
        gloo::timers::callback::Timeout::new(HOST_TRANSITION_MS, follow_host_themes).forget();
    };
    let callback = Closure::<dyn FnMut()>::new(check);
    if let Ok(observer) = web_sys::MutationObserver::new(callback.as_ref().unchecked_ref()) {
        let options = web_sys::MutationObserverInit::new();
        options.set_attributes(true);
        let filter = js_sys::Array::of3(&"class".into(), &"style".into(), &"data-theme".into());
        options.set_attribute_filter(&filter);
        let targets = [
            document.document_element().map(web_sys::Node::from),
            document.body().map(web_sys::Node::from),
        ];
        for target in targets.into_iter().flatten() {
            let _ = observer.observe_with_options(&target, &options);
        }
    }
    // The observer and its callback live as long as the page.
    callback.forget();
    if let Some(query) =
        web_sys::window().and_then(|w| w.match_media("(prefers-color-scheme: dark)").ok().flatten())
    {
        gloo::events::EventListener::new(&query, "change", move |_| check()).forget();
    }
}

/// Destroys the apps of widgets whose element is no longer in the page.
fn forget_removed_widgets() {
    let removed: Vec<MountedWidget> = WIDGETS.with(|widgets| {
        let mut widgets = widgets.borrow_mut();
        let (gone, kept): (Vec<_>, Vec<_>) = widgets
            .drain(..)
            .partition(|widget| !widget.element.is_connected());
        *widgets = kept;
        gone
    });
    for widget in removed {
        widget.handle.destroy();
        let _ = widget.element.remove_attribute(MOUNTED_ATTRIBUTE);
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
