//! The header's "Share" disclosure (full page only): the link to this moment, the two embed snippets
//! (a `<div data-podflow>` widget and an `<iframe>`) and "Export YAML".
//!
//! Everything it shows is computed by `ui::share` and `ui::export` (pure, natively tested) from the
//! [`SharedState`] the app hands in; this file only renders, copies and downloads. Opening it also
//! writes the link into the address bar (`history.replaceState`, no new history entry), so a bookmark
//! or a reload shows the same moment. Escape closes it and returns focus to the "Share" button; a press
//! outside it closes it too.

use std::rc::Rc;

use wasm_bindgen::JsCast;
use yew::prelude::*;

use crate::ui::export;
use crate::ui::share::{self, SharedState};
use crate::ui::view_state::InspectorTab;

#[derive(Properties, PartialEq)]
pub struct ShareMenuProps {
    /// The state to share.
    pub state: Rc<SharedState>,
    /// The inspector tab shown, which the link opens too.
    pub tab: InspectorTab,
    /// The object the Describe tab describes, which the link names when that tab is shown.
    #[prop_or_default]
    pub described: Option<share::DescribedObject>,
}

const SHARE_ICON: &str = "M18 16a3 3 0 0 0-2.4 1.2l-6.7-3.4a3 3 0 0 0 0-1.6l6.7-3.4A3 3 0 1 0 15 7c0 .3 0 .5.1.8L8.4 11.2a3 3 0 1 0 0 3.6l6.7 3.4-.1.8a3 3 0 1 0 3-3z";

/// The page's address (`location.href`), or empty outside a browser.
fn page_href() -> String {
    gloo::utils::window().location().href().unwrap_or_default()
}

/// Selects the text of a read-only field so the user can copy it by hand.
fn select_text(field: &NodeRef) {
    if let Some(area) = field.cast::<web_sys::HtmlTextAreaElement>() {
        area.select();
    } else if let Some(input) = field.cast::<web_sys::HtmlInputElement>() {
        input.select();
    }
}

/// Copies `text` with the clipboard API; where there is none (an insecure page) or it refuses,
/// selects the field's text instead and says how to copy it. `done` receives the status sentence.
fn copy(text: String, field: NodeRef, what: &'static str, done: Callback<String>) {
    let navigator = gloo::utils::window().navigator();
    let has_clipboard = js_sys::Reflect::get(&navigator, &"clipboard".into())
        .is_ok_and(|c| !c.is_undefined() && !c.is_null());
    let fallback = move |field: &NodeRef| {
        select_text(field);
        format!("The {what} is selected: press Ctrl+C (⌘C on a Mac) to copy it.")
    };
    if !has_clipboard {
        done.emit(fallback(&field));
        return;
    }
    let promise = navigator.clipboard().write_text(&text);
    wasm_bindgen_futures::spawn_local(async move {
        let message = match wasm_bindgen_futures::JsFuture::from(promise).await {
            Ok(_) => format!("Copied the {what}."),
            Err(_) => fallback(&field),
        };
        done.emit(message);
    });
}

/// Offers `text` as a file download named `file_name`.
fn download(file_name: &str, text: &str) -> Result<(), String> {
    let document = gloo::utils::document();
    let anchor = document
        .create_element("a")
        .map_err(|_| "the page could not create a download link".to_string())?;
    let href = format!(
        "data:application/yaml;charset=utf-8,{}",
        js_sys::encode_uri_component(text)
    );
    anchor
        .set_attribute("href", &href)
        .and_then(|_| anchor.set_attribute("download", file_name))
        .map_err(|_| "the page could not create a download link".to_string())?;
    let anchor: web_sys::HtmlElement = anchor
        .dyn_into()
        .map_err(|_| "the page could not create a download link".to_string())?;
    anchor.click();
    Ok(())
}

#[component]
pub fn ShareMenu(props: &ShareMenuProps) -> Html {
    let open = use_state(|| false);
    let status = use_state(String::new);
    let toggle_ref = use_node_ref();
    let link_ref = use_node_ref();
    let div_ref = use_node_ref();
    let iframe_ref = use_node_ref();
    let menu_ref = use_node_ref();

    let href = if *open { page_href() } else { String::new() };
    let base = share::base_url(&href);
    let link = if *open {
        share::share_link(&href, &props.state, props.tab, props.described.as_ref())
    } else {
        String::new()
    };

    // While open, the address bar shows the link (no new history entry).
    use_effect_with((*open, link.clone()), move |(open, link)| {
        if *open {
            if let Ok(history) = gloo::utils::window().history() {
                let _ =
                    history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(link));
            }
        }
    });
    // Opening moves focus to the link, selected.
    {
        let link_ref = link_ref.clone();
        use_effect_with(*open, move |open| {
            if let Some(input) = open
                .then(|| link_ref.cast::<web_sys::HtmlInputElement>())
                .flatten()
            {
                let _ = input.focus();
                input.select();
            }
        });
    }

    // A press anywhere outside the menu (the page, or the host page around a widget) closes it.
    {
        let open = open.clone();
        let menu_ref = menu_ref.clone();
        use_effect_with(*open, move |is_open| {
            let listener = is_open.then(|| {
                gloo::events::EventListener::new(
                    &gloo::utils::document(),
                    "pointerdown",
                    move |event| {
                        let inside = menu_ref
                            .get()
                            .is_some_and(|menu| event.composed_path().includes(&menu, 0));
                        if !inside {
                            open.set(false);
                        }
                    },
                )
            });
            move || drop(listener)
        });
    }

    let on_toggle = {
        let open = open.clone();
        let status = status.clone();
        Callback::from(move |_: MouseEvent| {
            status.set(String::new());
            open.set(!*open);
        })
    };
    let on_key = {
        let open = open.clone();
        let toggle_ref = toggle_ref.clone();
        Callback::from(move |event: KeyboardEvent| {
            if event.key() == "Escape" {
                event.prevent_default();
                event.stop_propagation();
                open.set(false);
                if let Some(button) = toggle_ref.cast::<web_sys::HtmlElement>() {
                    let _ = button.focus();
                }
            }
        })
    };
    let set_status = {
        let status = status.clone();
        Callback::from(move |message: String| status.set(message))
    };
    let copier = |text: String, field: &NodeRef, what: &'static str| {
        let field = field.clone();
        let done = set_status.clone();
        Callback::from(move |_: MouseEvent| copy(text.clone(), field.clone(), what, done.clone()))
    };

    let div_snippet = if *open {
        share::div_snippet(&base, &props.state)
    } else {
        String::new()
    };
    let iframe_snippet = if *open {
        share::iframe_snippet(&base, &props.state)
    } else {
        String::new()
    };
    let on_export = {
        let state = props.state.clone();
        let done = set_status.clone();
        Callback::from(move |_: MouseEvent| {
            let result = export::export_yaml(&state)
                .and_then(|yaml| download(&export::file_name(&state), &yaml));
            done.emit(match result {
                Ok(()) => format!("Downloaded {}.", export::file_name(&state)),
                Err(why) => format!("The scenario could not be exported: {why}."),
            });
        })
    };
    let widget_note = if props.state.commands.is_empty() {
        "The widget and the iframe open this scenario at this entry."
    } else {
        "The widget opens the scenario at this entry without the changes made here; the iframe replays them."
    };

    html! {
        <div class="pf-share" onkeydown={on_key} ref={menu_ref}>
            <button type="button" class="pf-button pf-share-toggle" ref={toggle_ref}
                    data-testid="share-toggle"
                    aria-expanded={open.to_string()} aria-controls="pf-share-panel"
                    onclick={on_toggle}>
                <svg class="pf-icon" viewBox="0 0 24 24" width="18" height="18" aria-hidden="true" focusable="false">
                    <path d={SHARE_ICON} />
                </svg>
                <span>{ "Share" }</span>
            </button>
            if *open {
                <section id="pf-share-panel" class="pf-share-panel" role="region"
                         aria-label="Share this moment" data-testid="share-panel">
                    <h2 class="pf-share-heading">{ "Share this moment" }</h2>
                    <label class="pf-share-label" for="pf-share-link">{ "Link to this scenario, entry and changes" }</label>
                    <div class="pf-share-row">
                        <input id="pf-share-link" class="pf-share-field pf-mono" type="text" readonly=true
                               ref={link_ref.clone()} value={link.clone()} data-testid="share-link" />
                        <button type="button" class="pf-button" data-testid="copy-link"
                                onclick={copier(link.clone(), &link_ref, "link")}>{ "Copy link" }</button>
                    </div>
                    <h3 class="pf-share-subheading">{ "Embed in your docs" }</h3>
                    <label class="pf-share-label" for="pf-share-div">{ "Widget (one script, then a div per widget)" }</label>
                    <textarea id="pf-share-div" class="pf-share-field pf-share-code pf-mono" readonly=true rows="4"
                              ref={div_ref.clone()} value={div_snippet.clone()} data-testid="embed-div" />
                    <button type="button" class="pf-button" data-testid="copy-embed"
                            onclick={copier(div_snippet.clone(), &div_ref, "embed code")}>{ "Copy embed code" }</button>
                    <label class="pf-share-label" for="pf-share-iframe">{ "Iframe (for sites that only allow iframes)" }</label>
                    <textarea id="pf-share-iframe" class="pf-share-field pf-share-code pf-mono" readonly=true rows="4"
                              ref={iframe_ref.clone()} value={iframe_snippet.clone()} data-testid="embed-iframe" />
                    <button type="button" class="pf-button" data-testid="copy-iframe"
                            onclick={copier(iframe_snippet.clone(), &iframe_ref, "iframe code")}>{ "Copy iframe code" }</button>
                    <p class="pf-share-note pf-muted">{ widget_note }</p>
                    <h3 class="pf-share-subheading">{ "Take it to the CLI" }</h3>
                    <button type="button" class="pf-button" data-testid="export-yaml" onclick={on_export}>
                        { "Export YAML" }
                    </button>
                    <p class="pf-share-note pf-muted">{ "The scenario and the manifests applied here, as multi-document YAML for podflow run." }</p>
                    <p class="pf-share-status" role="status" aria-live="polite" data-testid="share-status">{ (*status).clone() }</p>
                </section>
            }
        </div>
    }
}
