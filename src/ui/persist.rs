//! The saved state of one podflow instance: what it loaded from [`crate::ui::storage`] when it
//! mounted, and the changes it writes back (theme and speed preferences, the editor's text, imported
//! scenarios, Reset).
//!
//! [`use_persisted`] loads once per mount and gives a [`Persisted`] handle; [`crate::ui::app::App`]
//! provides it as a Yew context to the page below it (the header's actions, the scenario picker, the
//! manifest editor) and remounts the page when Reset bumps [`Persisted::epoch`]. Every write is a
//! read-modify-write of the stored envelope, so instances on one page never undo each other's changes;
//! each instance keeps working in memory when the storage fails, and reports each problem once.
//!
//! Preferences: a theme or speed set by the link or the widget's attributes wins for that instance and
//! is never saved; a choice made in the theme or speed menu applies at once and is saved.

use std::cell::RefCell;
use std::rc::Rc;

use yew::prelude::*;

use crate::engine::scenario::{self, MAX_SCENARIO_BYTES};
use crate::ui::config::{AppConfig, Host, Theme};
use crate::ui::panels::manifest::SEED_POD_YAML;
use crate::ui::storage::{self, Loaded, SavedEditor, SavedScenario, SavedState};

/// The picker value of a saved scenario is this prefix and its name (built-in names have no `:`).
pub const SAVED_PREFIX: &str = "saved:";

/// The picker value of the saved scenario `name`.
pub fn saved_key(name: &str) -> String {
    format!("{SAVED_PREFIX}{name}")
}

/// The line under the header for a saved scenario's picker value.
pub fn saved_title(key: &str) -> Option<String> {
    key.strip_prefix(SAVED_PREFIX)
        .map(|name| format!("{name}: imported from a file and saved in this browser"))
}

/// The name a file's scenario is saved under: the file name without its last extension, as the CLI's
/// `podflow run FILE` names it.
pub fn scenario_name_from_file(file_name: &str) -> String {
    let base = file_name
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or(file_name)
        .trim();
    match base.rsplit_once('.') {
        Some((stem, _)) if !stem.is_empty() => stem.to_string(),
        _ => base.to_string(),
    }
}

/// Checks an imported file as the CLI would read it and names it; the error reads like the CLI's
/// (`error: …`).
pub fn prepare_import(file_name: &str, text: &str) -> Result<SavedScenario, String> {
    let name = scenario_name_from_file(file_name);
    storage::check_scenario_name(&name)
        .map_err(|why| format!("error: {file_name}: cannot save this file's scenario: {why}"))?;
    scenario::parse(&name, text).map_err(|e| format!("error: {e}"))?;
    Ok(SavedScenario {
        name,
        text: text.to_string(),
        saved_at: None,
    })
}

/// The message for a file too large to read, before reading it (the same words as `scenario::parse`).
pub fn file_too_large(file_name: &str, bytes: f64) -> Option<String> {
    (bytes > MAX_SCENARIO_BYTES as f64).then(|| {
        format!(
            "error: {file_name}: scenario is {bytes} bytes; the limit is {MAX_SCENARIO_BYTES} bytes"
        )
    })
}

/// What an instance can be asked to remember or forget.
#[derive(Clone, Debug, PartialEq)]
pub enum PersistAction {
    /// The theme menu's choice.
    Theme(Theme),
    /// The theme the instance's configuration now gives (a widget following its host page's dark
    /// mode); shown, never saved.
    GivenTheme(Theme),
    /// The speed menu's choice (an index into `SPEEDS`).
    Speed(usize),
    /// The editor's text, as the user types.
    Editor(String),
    /// A checked scenario file to save (see [`prepare_import`]).
    Import(SavedScenario),
    /// Why an imported file was refused.
    ImportFailed(String),
    DismissImportError,
    /// Forget the saved scenario of this name.
    Delete(String),
    /// Forget everything saved; built-ins and defaults again.
    Reset,
    DismissNotices,
}

/// The state behind a [`Persisted`] handle.
#[derive(Clone, Debug)]
pub struct PersistState {
    /// The configuration the instance was given.
    given: Rc<AppConfig>,
    /// `given` with the saved speed and theme filled in where the link did not set them.
    config: Rc<AppConfig>,
    theme: Theme,
    scenarios: Rc<Vec<SavedScenario>>,
    /// The editor's latest text (`None`: the seed's pod.yaml). Updated while typing without a render.
    editor: Rc<RefCell<Option<String>>>,
    notices: Rc<Vec<String>>,
    /// Every sentence ever shown by this instance (dismissed ones too), so each is shown once.
    shown: Rc<Vec<String>>,
    import_error: Option<Rc<str>>,
    epoch: u32,
    /// Bumped by every change that is shown, so a [`Persisted`] handle knows when it changed.
    revision: u64,
}

impl PersistState {
    /// The state an instance starts with, given what the storage held.
    pub fn from_loaded(given: Rc<AppConfig>, loaded: Loaded) -> PersistState {
        let theme = given
            .theme
            .or_else(|| loaded.state.theme())
            .unwrap_or_default();
        let config = Rc::new(AppConfig {
            theme: Some(theme),
            speed: given.speed.or(loaded.state.prefs.speed),
            ..(*given).clone()
        });
        PersistState {
            given,
            config,
            theme,
            scenarios: Rc::new(loaded.state.scenarios),
            editor: Rc::new(RefCell::new(loaded.state.editor.map(|e| e.text))),
            shown: Rc::new(loaded.notices.clone()),
            notices: Rc::new(loaded.notices),
            import_error: None,
            epoch: 0,
            revision: 0,
        }
    }

    /// Loads from the browser's localStorage.
    fn load(given: Rc<AppConfig>) -> PersistState {
        let loaded = storage::with_browser_storage(storage::load).unwrap_or_else(|notice| Loaded {
            state: SavedState::default(),
            notices: vec![notice],
            writable: false,
        });
        PersistState::from_loaded(given, loaded)
    }

    /// Adds the sentences this instance has not shown yet (so a failing storage is reported once,
    /// even after the user dismissed it). Returns whether anything was added.
    fn report(&mut self, notices: Vec<String>) -> bool {
        let mut fresh: Vec<String> = Vec::new();
        for notice in notices {
            if !self.shown.contains(&notice) && !fresh.contains(&notice) {
                fresh.push(notice);
            }
        }
        if fresh.is_empty() {
            return false;
        }
        let mut shown = (*self.shown).clone();
        shown.extend(fresh.iter().cloned());
        self.shown = Rc::new(shown);
        let mut all = (*self.notices).clone();
        all.extend(fresh);
        self.notices = Rc::new(all);
        true
    }
}

/// Writes one change to the browser's storage; the sentences to report.
fn write(change: impl FnOnce(&mut SavedState)) -> Vec<String> {
    storage::with_browser_storage(|backend| storage::update(backend, change))
        .unwrap_or_else(|notice| vec![notice])
}

fn now_ms() -> Option<u64> {
    // The browser clock; only used to date a saved scenario, never by the engine.
    cfg!(target_arch = "wasm32").then(|| js_sys::Date::now().max(0.0) as u64)
}

impl Reducible for PersistState {
    type Action = PersistAction;

    fn reduce(self: Rc<Self>, action: PersistAction) -> Rc<Self> {
        let mut next = (*self).clone();
        match action {
            PersistAction::Theme(theme) => {
                next.theme = theme;
                next.config = Rc::new(AppConfig {
                    theme: Some(theme),
                    ..(*next.config).clone()
                });
                next.report(write(|state| state.set_theme(theme)));
            }
            PersistAction::GivenTheme(theme) => {
                if next.theme == theme {
                    return self;
                }
                next.theme = theme;
                next.config = Rc::new(AppConfig {
                    theme: Some(theme),
                    ..(*next.config).clone()
                });
            }
            PersistAction::Speed(speed) => {
                // The page keeps its own speed; nothing here changes what is shown.
                if !next.report(write(|state| state.prefs.speed = Some(speed))) {
                    return self;
                }
            }
            PersistAction::Editor(text) => {
                let saved = (text != SEED_POD_YAML).then_some(text);
                *next.editor.borrow_mut() = saved.clone();
                if !next.report(write(|state| {
                    state.editor = saved.map(|text| SavedEditor { text })
                })) {
                    return self;
                }
            }
            PersistAction::Import(scenario) => {
                let scenario = SavedScenario {
                    saved_at: scenario.saved_at.or_else(now_ms),
                    ..scenario
                };
                let mut scenarios = (*next.scenarios).clone();
                match scenarios.iter_mut().find(|s| s.name == scenario.name) {
                    Some(existing) => *existing = scenario.clone(),
                    None => scenarios.push(scenario.clone()),
                }
                next.scenarios = Rc::new(scenarios);
                next.import_error = None;
                next.report(write(|state| state.put_scenario(scenario)));
            }
            PersistAction::ImportFailed(message) => next.import_error = Some(Rc::from(message)),
            PersistAction::DismissImportError => next.import_error = None,
            PersistAction::Delete(name) => {
                let mut scenarios = (*next.scenarios).clone();
                scenarios.retain(|s| s.name != name);
                next.scenarios = Rc::new(scenarios);
                next.report(write(|state| state.remove_scenario(&name)));
            }
            PersistAction::Reset => {
                let cleared = storage::with_browser_storage(storage::clear)
                    .unwrap_or_else(|notice| vec![notice]);
                let mut fresh = PersistState::from_loaded(self.given.clone(), Loaded::default());
                fresh.shown = self.shown.clone();
                fresh.epoch = self.epoch.wrapping_add(1);
                fresh.revision = self.revision.wrapping_add(1);
                fresh.report(cleared);
                return Rc::new(fresh);
            }
            PersistAction::DismissNotices => next.notices = Rc::new(Vec::new()),
        }
        next.revision = self.revision.wrapping_add(1);
        Rc::new(next)
    }
}

/// One instance's saved state and the way to change it; the context [`crate::ui::app::App`] provides.
/// Its accessors read the latest state, so callbacks made at an earlier render see later changes.
#[derive(Clone)]
pub struct Persisted {
    state: UseReducerHandle<PersistState>,
    /// The state's revision when this handle was made: what tells two renders apart.
    revision: u64,
}

impl PartialEq for Persisted {
    fn eq(&self, other: &Self) -> bool {
        self.revision == other.revision && self.state.dispatcher() == other.state.dispatcher()
    }
}

impl Persisted {
    /// The configuration the page should use: the given one with saved preferences filled in.
    pub fn config(&self) -> Rc<AppConfig> {
        self.state.config.clone()
    }

    /// The theme shown: the link's, else the saved preference, else auto.
    pub fn theme(&self) -> Theme {
        self.state.theme
    }

    /// Changes on Reset; key the page on it so everything below starts afresh.
    pub fn epoch(&self) -> u32 {
        self.state.epoch
    }

    /// The saved scenarios, in the order they were first saved.
    pub fn scenarios(&self) -> Rc<Vec<SavedScenario>> {
        self.state.scenarios.clone()
    }

    /// The saved scenario behind a picker value (`saved:<name>`).
    pub fn saved_scenario(&self, key: &str) -> Option<SavedScenario> {
        let name = key.strip_prefix(SAVED_PREFIX)?;
        self.state
            .scenarios
            .iter()
            .find(|s| s.name == name)
            .cloned()
    }

    /// The editor's saved text, or `None` for the seed's pod.yaml.
    pub fn editor_text(&self) -> Option<String> {
        self.state.editor.borrow().clone()
    }

    /// What the user must be told about the storage, one sentence each.
    pub fn notices(&self) -> Rc<Vec<String>> {
        self.state.notices.clone()
    }

    /// Why the last imported file was refused, as the CLI would print it.
    pub fn import_error(&self) -> Option<Rc<str>> {
        self.state.import_error.clone()
    }

    pub fn dispatch(&self, action: PersistAction) {
        self.state.dispatch(action);
    }

    /// A callback that dispatches what `make` builds from its input.
    pub fn callback<T: 'static>(&self, make: impl Fn(T) -> PersistAction + 'static) -> Callback<T> {
        let dispatcher = self.state.dispatcher();
        Callback::from(move |input| dispatcher.dispatch(make(input)))
    }
}

/// Loads the saved state once per mount of an instance configured by `config`, and keeps
/// `data-theme` on the document's root element in step with the theme when the instance owns the
/// page (host Page or Frame).
#[hook]
pub fn use_persisted(config: Rc<AppConfig>) -> Persisted {
    let host = config.host;
    let given_theme = config.theme;
    let state = use_reducer(move || PersistState::load(config));
    // A widget's configuration changes its theme when the host page switches between light and dark
    // (`ui::embed`); the first render already has it.
    {
        let dispatcher = state.dispatcher();
        use_effect_with(given_theme, move |theme| {
            if let Some(theme) = *theme {
                dispatcher.dispatch(PersistAction::GivenTheme(theme));
            }
        });
    }
    let theme = state.theme;
    use_effect_with((theme, host), |(theme, host)| {
        if *host != Host::Widget {
            if let Some(root) = gloo::utils::document().document_element() {
                let _ = root.set_attribute("data-theme", theme.as_str());
            }
        }
    });
    Persisted {
        revision: state.revision,
        state,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn should_name_an_imported_scenario_after_its_file_like_the_cli() {
        let cases = [
            ("my-cluster.yaml", "my-cluster"),
            ("two.dots.yml", "two.dots"),
            ("scenario.json", "scenario"),
            ("noextension", "noextension"),
            (".hidden", ".hidden"),
            ("C:\\fakepath\\x.yaml", "x"),
        ];
        for (file, want) in cases {
            assert_eq!(scenario_name_from_file(file), want, "{file}");
        }
    }

    #[test]
    fn should_check_an_imported_file_as_the_cli_reads_it() {
        let text = scenario::builtin("demo-pod").unwrap_or_default();
        let saved = prepare_import("demo copy.yaml", &text);
        assert_eq!(
            saved.map(|s| (s.name, s.text == text)),
            Ok(("demo copy".to_string(), true))
        );
        let cases = [
            (
                "bad.yaml",
                "apiVersion: v1\nkind: Pod\nmetadata: [\n",
                "error: ",
            ),
            (
                "bell\u{7}.yaml",
                "",
                "error: bell\u{7}.yaml: cannot save this file's scenario: the name contains control characters",
            ),
        ];
        for (file, text, want) in cases {
            let error = prepare_import(file, text).err().unwrap_or_default();
            assert!(error.starts_with(want), "{file}: {error}");
        }
    }

    #[test]
    fn should_refuse_a_file_larger_than_a_scenario_may_be_before_reading_it() {
        assert_eq!(file_too_large("a.yaml", 10.0), None);
        assert_eq!(
            file_too_large("a.yaml", 20_000_000.0).as_deref(),
            Some("error: a.yaml: scenario is 20000000 bytes; the limit is 16777216 bytes")
        );
    }

    #[test]
    fn should_report_each_storage_problem_once_even_after_it_was_dismissed() {
        let mut state = PersistState::from_loaded(
            Rc::new(AppConfig::default()),
            Loaded {
                notices: vec!["full".to_string()],
                ..Loaded::default()
            },
        );
        assert!(!state.report(vec!["full".to_string(), "full".to_string()]));
        assert!(state.report(vec!["blocked".to_string(), "blocked".to_string()]));
        assert_eq!(*state.notices, ["full", "blocked"]);
        let state = PersistState::reduce(Rc::new(state), PersistAction::DismissNotices);
        let mut state = (*state).clone();
        assert!(state.notices.is_empty());
        assert!(!state.report(vec!["blocked".to_string()]));
        assert!(state.notices.is_empty());
    }

    #[test]
    fn should_let_the_link_win_over_saved_preferences_and_fill_the_rest() {
        let loaded = |theme: Option<&str>, speed: Option<usize>| Loaded {
            state: SavedState {
                prefs: storage::SavedPrefs {
                    theme: theme.map(String::from),
                    speed,
                },
                ..SavedState::default()
            },
            notices: Vec::new(),
            writable: true,
        };
        let linked = Rc::new(AppConfig {
            theme: Some(Theme::Light),
            speed: Some(0),
            ..AppConfig::default()
        });
        let state = PersistState::from_loaded(linked, loaded(Some("dark"), Some(4)));
        assert_eq!(
            (state.theme, state.config.theme, state.config.speed),
            (Theme::Light, Some(Theme::Light), Some(0))
        );
        let plain = Rc::new(AppConfig::default());
        let state = PersistState::from_loaded(plain.clone(), loaded(Some("dark"), Some(4)));
        assert_eq!((state.theme, state.config.speed), (Theme::Dark, Some(4)));
        let state = PersistState::from_loaded(plain, loaded(None, None));
        assert_eq!(
            (state.theme, state.config.theme, state.config.speed),
            (Theme::Auto, Some(Theme::Auto), None)
        );
    }
}
