//! The header's actions on saved data (full app only): "Import YAML…", "Delete" for an open saved
//! scenario, the theme menu, and "Reset" with its confirmation dialog; and [`PersistNotices`], which
//! reports storage problems and refused imports above the page (in every host).
//!
//! They read and change the [`Persisted`] context that [`crate::ui::app::App`] provides; the work
//! (checking a file, saving) is in [`crate::ui::persist`].

use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::ui::config::Theme;
use crate::ui::persist::{self, PersistAction, Persisted, SAVED_PREFIX};
use crate::ui::storage::SavedScenario;

/// The question the Reset dialog asks.
pub const RESET_QUESTION: &str = "Delete your saved edits, scenarios and preferences?";
/// What the Reset dialog says happens.
pub const RESET_EXPLANATION: &str =
    "podflow goes back to its built-in scenarios, the seed's pod.yaml and the default settings. This cannot be undone.";

#[derive(Properties, PartialEq)]
pub struct PersistActionsProps {
    /// The page's scenario (a built-in name, or `saved:<name>`).
    pub current: Option<AttrValue>,
    /// Open this saved scenario (after an import).
    pub on_open_saved: Callback<SavedScenario>,
    /// Open the default scenario (after deleting the open saved one).
    pub on_open_default: Callback<()>,
}

fn icon(path: &'static str) -> Html {
    html! {
        <svg class="pf-icon" viewBox="0 0 24 24" width="16" height="16" aria-hidden="true" focusable="false">
            <path d={path} />
        </svg>
    }
}

const IMPORT: &str = "M5 20h14v-2H5v2zm7-16l-5 5h3v6h4V9h3l-5-5z";
const DELETE: &str = "M6 19a2 2 0 0 0 2 2h8a2 2 0 0 0 2-2V7H6v12zM19 4h-3.5l-1-1h-5l-1 1H5v2h14V4z";
const RESET: &str = "M12 5V2L7 6l5 4V7a5 5 0 1 1-5 5H5a7 7 0 1 0 7-7z";

#[component]
pub fn PersistActions(props: &PersistActionsProps) -> Html {
    let Some(persisted) = use_context::<Persisted>() else {
        return html! {};
    };
    let open_saved = props
        .current
        .as_deref()
        .and_then(|key| key.strip_prefix(SAVED_PREFIX))
        .map(str::to_string);
    let on_delete = open_saved.clone().map(|name| {
        let persisted = persisted.clone();
        let on_open_default = props.on_open_default.clone();
        Callback::from(move |_: MouseEvent| {
            persisted.dispatch(PersistAction::Delete(name.clone()));
            on_open_default.emit(());
        })
    });
    let on_theme = {
        let persisted = persisted.clone();
        Callback::from(move |event: Event| {
            let select: web_sys::HtmlSelectElement = event.target_unchecked_into();
            if let Some(theme) = Theme::parse(&select.value()) {
                persisted.dispatch(PersistAction::Theme(theme));
            }
        })
    };
    let theme = persisted.theme();
    html! {
        <div class="pf-persist" role="group" aria-label="Saved data">
            <ImportButton on_open_saved={props.on_open_saved.clone()} />
            if let (Some(name), Some(on_delete)) = (open_saved, on_delete) {
                <button type="button" class="pf-button" data-testid="delete-saved"
                        aria-label={format!("Delete the saved scenario {name}")}
                        title={format!("Delete the saved scenario {name}")}
                        onclick={on_delete}>{ icon(DELETE) }<span>{ "Delete" }</span></button>
            }
            <label class="pf-field">
                <span class="pf-field-label">{ "Theme" }</span>
                <select class="pf-select" data-testid="theme" onchange={on_theme}>
                    { for Theme::ALL.iter().map(|t| html! {
                        <option value={t.as_str()} selected={*t == theme}>{ theme_label(*t) }</option>
                    }) }
                </select>
            </label>
            <ResetButton />
        </div>
    }
}

/// `Auto`, `Light`, `Dark`.
pub fn theme_label(theme: Theme) -> &'static str {
    match theme {
        Theme::Auto => "Auto",
        Theme::Light => "Light",
        Theme::Dark => "Dark",
    }
}

#[derive(Properties, PartialEq)]
struct ImportButtonProps {
    on_open_saved: Callback<SavedScenario>,
}

/// "Import YAML…": a file input styled as a button. A file the CLI would run is saved under its name
/// and opened; otherwise the CLI's error is shown.
#[component]
fn ImportButton(props: &ImportButtonProps) -> Html {
    let Some(persisted) = use_context::<Persisted>() else {
        return html! {};
    };
    let on_change = {
        let on_open_saved = props.on_open_saved.clone();
        Callback::from(move |event: Event| {
            let input: HtmlInputElement = event.target_unchecked_into();
            let Some(file) = input.files().and_then(|files| files.get(0)) else {
                return;
            };
            // Cleared so that choosing the same file again imports it again.
            input.set_value("");
            let name = file.name();
            if let Some(message) = persist::file_too_large(&name, file.size()) {
                persisted.dispatch(PersistAction::ImportFailed(message));
                return;
            }
            let persisted = persisted.clone();
            let on_open_saved = on_open_saved.clone();
            yew::platform::spawn_local(async move {
                let text = JsFuture::from(file.text())
                    .await
                    .ok()
                    .and_then(|text| text.as_string());
                let checked = match text {
                    Some(text) => persist::prepare_import(&name, &text),
                    None => Err(format!("error: {name}: the file could not be read as text")),
                };
                match checked {
                    Ok(scenario) => {
                        persisted.dispatch(PersistAction::Import(scenario.clone()));
                        on_open_saved.emit(scenario);
                    }
                    Err(message) => persisted.dispatch(PersistAction::ImportFailed(message)),
                }
            });
        })
    };
    html! {
        <label class="pf-button pf-import" title="Open a scenario file (multi-document YAML or JSON, as podflow run reads) and save it in this browser">
            <input type="file" class="pf-file-input" accept=".yaml,.yml,.json" data-testid="import-yaml"
                   onchange={on_change} />
            { icon(IMPORT) }<span>{ "Import YAML…" }</span>
        </label>
    }
}

/// "Reset", and the dialog that asks first. Escape or Cancel closes it; focus moves into it on opening
/// (to Cancel) and back to the Reset button on closing; Tab stays inside while it is open.
#[component]
fn ResetButton() -> Html {
    let persisted = use_context::<Persisted>();
    let open = use_state(|| false);
    let opener = use_node_ref();
    let cancel = use_node_ref();
    let confirm = use_node_ref();
    // Focus Cancel when the dialog opens, the Reset button when it closes (not on the first render).
    {
        let opener = opener.clone();
        let cancel = cancel.clone();
        let first = use_mut_ref(|| true);
        use_effect_with(*open, move |open| {
            let target = if *open {
                Some(cancel)
            } else {
                (!*first.borrow()).then_some(opener)
            };
            *first.borrow_mut() = false;
            if let Some(element) = target.and_then(|r| r.cast::<web_sys::HtmlElement>()) {
                let _ = element.focus();
            }
        });
    }
    let set = |value: bool| {
        let open = open.clone();
        Callback::from(move |_: MouseEvent| open.set(value))
    };
    let on_confirm = {
        let open = open.clone();
        Callback::from(move |_: MouseEvent| {
            open.set(false);
            if let Some(persisted) = &persisted {
                persisted.dispatch(PersistAction::Reset);
            }
        })
    };
    // A click on the dimmed page around the dialog cancels, like Escape.
    // (Yew delegates events, so the backdrop is recognised by its node, not by `current_target`.)
    let backdrop = use_node_ref();
    let on_backdrop = {
        let open = open.clone();
        let backdrop = backdrop.clone();
        Callback::from(move |event: MouseEvent| {
            let target = event
                .target()
                .and_then(|t| t.dyn_into::<web_sys::Node>().ok());
            if target.is_some() && target == backdrop.get() {
                open.set(false);
            }
        })
    };
    let on_key = {
        let open = open.clone();
        let cancel = cancel.clone();
        let confirm = confirm.clone();
        Callback::from(move |event: KeyboardEvent| match event.key().as_str() {
            "Escape" => {
                event.prevent_default();
                event.stop_propagation();
                open.set(false);
            }
            "Tab" => {
                // Two buttons: Tab and Shift+Tab move between them.
                let active = gloo::utils::document().active_element();
                let on_cancel = active.as_ref().zip(cancel.get()).is_some_and(|(a, c)| {
                    a.unchecked_ref::<web_sys::Node>() == c.unchecked_ref::<web_sys::Node>()
                });
                let next = if on_cancel { &confirm } else { &cancel };
                if let Some(element) = next.cast::<web_sys::HtmlElement>() {
                    event.prevent_default();
                    let _ = element.focus();
                }
            }
            _ => {}
        })
    };
    html! {
        <>
            <button type="button" class="pf-button" data-testid="reset" ref={opener}
                    aria-haspopup="dialog" title="Delete what podflow saved in this browser"
                    onclick={set(true)}>{ icon(RESET) }<span>{ "Reset" }</span></button>
            if *open {
                <div class="pf-dialog-backdrop" ref={backdrop} onclick={on_backdrop}>
                    <div class="pf-dialog" role="alertdialog" aria-modal="true" aria-label="Reset podflow"
                         data-testid="reset-dialog" onkeydown={on_key}>
                        <p class="pf-dialog-question">{ RESET_QUESTION }</p>
                        <p class="pf-muted">{ RESET_EXPLANATION }</p>
                        <div class="pf-action-row">
                            <button type="button" class="pf-button" ref={cancel} data-testid="reset-cancel"
                                    onclick={set(false)}>{ "Cancel" }</button>
                            <button type="button" class="pf-button pf-button--danger" ref={confirm}
                                    data-testid="reset-confirm" onclick={on_confirm}>{ "Reset" }</button>
                        </div>
                    </div>
                </div>
            }
        </>
    }
}

/// Storage problems (one sentence each) and the last refused import, above the page.
#[component]
pub fn PersistNotices() -> Html {
    let Some(persisted) = use_context::<Persisted>() else {
        return html! {};
    };
    let notices = persisted.notices();
    let import_error = persisted.import_error();
    html! {
        <>
            if !notices.is_empty() {
                <div class="pf-alert pf-notice" role="status" data-testid="storage-notices">
                    <ul>
                        { for notices.iter().map(|notice| html! { <li>{ notice.clone() }</li> }) }
                    </ul>
                    <button type="button" class="pf-button pf-button--quiet"
                            onclick={persisted.callback(|_: MouseEvent| PersistAction::DismissNotices)}>{ "Dismiss" }</button>
                </div>
            }
            if let Some(error) = import_error {
                <div class="pf-alert pf-notice" role="alert">
                    <pre class="pf-mono" data-testid="import-error">{ error.to_string() }</pre>
                    <button type="button" class="pf-button pf-button--quiet"
                            onclick={persisted.callback(|_: MouseEvent| PersistAction::DismissImportError)}>{ "Dismiss" }</button>
                </div>
            }
        </>
    }
}
