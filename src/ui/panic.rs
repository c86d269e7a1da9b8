//! What the page does when the Rust code panics: say so in the page and in the console.
//!
//! Without a hook a panic in wasm leaves a blank or frozen page. The hook logs the panic to the browser
//! console and puts a visible alert at the top of the page, built with plain DOM calls so it works even
//! when the Yew tree is broken. Yew replaces any panic hook set with `std::panic::set_hook` when the app
//! is rendered, so the hook is installed with `yew::set_custom_panic_hook`.

use std::panic::PanicHookInfo;

use wasm_bindgen::JsCast;

/// The id of the alert element, for styles and tests.
pub const PANIC_ELEMENT_ID: &str = "podflow-panic";

/// The first line of the alert.
pub const PANIC_HEADLINE: &str = "podflow stopped because of an internal error.";

/// Installs the hook. Call once, before the app is rendered; calling again replaces the hook with an equal one.
pub fn install_panic_hook() {
    yew::set_custom_panic_hook(Box::new(|info: &PanicHookInfo<'_>| {
        let message = panic_text(
            payload_text(info),
            info.location()
                .map(|l| format!("{}:{}", l.file(), l.line())),
        );
        report(&message);
    }));
}

/// The text shown and logged for a panic: its message, then where it happened when known.
pub fn panic_text(message: &str, location: Option<String>) -> String {
    match location {
        Some(location) => format!("{message} (at {location})"),
        None => message.to_string(),
    }
}

/// Logs `message` to the console and shows it in the page. Does nothing outside a browser.
pub fn report(message: &str) {
    if !cfg!(target_arch = "wasm32") {
        return;
    }
    web_sys::console::error_1(&format!("podflow panicked: {message}").into());
    show_panic_message(message);
}

/// Puts (or updates) the alert at the top of the page's body, or, in a docs page with podflow widgets,
/// at the top of every widget (a panic stops them all). Does nothing outside a browser.
pub fn show_panic_message(message: &str) {
    if !cfg!(target_arch = "wasm32") {
        return;
    }
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let widgets = crate::ui::embed::widget_roots(&document);
    if widgets.is_empty() {
        if let Some(body) = document.body() {
            show_in(&document, &body, message);
        }
    }
    for root in widgets {
        show_in(&document, &root, message);
    }
}

/// Puts (or updates) the alert as the first child of `container` (the body or a widget's shadow root).
fn show_in(document: &web_sys::Document, container: &web_sys::Node, message: &str) {
    let existing = container
        .dyn_ref::<web_sys::Element>()
        .and_then(|e| e.query_selector(&format!("#{PANIC_ELEMENT_ID}")).ok())
        .or_else(|| {
            container
                .dyn_ref::<web_sys::DocumentFragment>()
                .and_then(|f| f.query_selector(&format!("#{PANIC_ELEMENT_ID}")).ok())
        })
        .flatten();
    let alert = match existing {
        Some(existing) => existing,
        None => {
            let Ok(created) = document.create_element("div") else {
                return;
            };
            created.set_id(PANIC_ELEMENT_ID);
            let _ = created.set_attribute("role", "alert");
            let _ = created.set_attribute("class", "panic");
            let _ = container.insert_before(&created, container.first_child().as_ref());
            created
        }
    };
    alert.set_text_content(None);
    for (tag, class, text) in [
        ("strong", "panic-headline", PANIC_HEADLINE),
        ("pre", "panic-message", message),
        (
            "p",
            "panic-advice",
            "Reload the page to start again. The browser console has the details.",
        ),
    ] {
        if let Ok(element) = document.create_element(tag) {
            let _ = element.set_attribute("class", class);
            element.set_text_content(Some(text));
            let _ = alert.append_child(&element);
        }
    }
}

fn payload_text<'a>(info: &'a PanicHookInfo<'_>) -> &'a str {
    if let Some(text) = info.payload().downcast_ref::<&str>() {
        text
    } else if let Some(text) = info.payload().downcast_ref::<String>() {
        text
    } else {
        "the panic carried no message"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn should_append_the_location_when_it_is_known() {
        assert_eq!(
            panic_text("boom", Some("src/ui/app.rs:12".into())),
            "boom (at src/ui/app.rs:12)"
        );
        assert_eq!(panic_text("boom", None), "boom");
    }
}
