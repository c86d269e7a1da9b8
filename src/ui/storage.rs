//! What podflow remembers in the browser: one versioned JSON document under the localStorage key
//! [`STATE_KEY`] (`podflow.v1`), shared by every podflow instance of the site (the full page, iframes
//! and widgets).
//!
//! ```json
//! {"version": 1,
//!  "editor": {"text": "apiVersion: v1\n…"},
//!  "scenarios": [{"name": "my-cluster", "text": "…", "saved_at": 1764000000000}],
//!  "prefs": {"theme": "dark", "speed": 3}}
//! ```
//!
//! The envelope is parsed strictly ([`parse_state`]): anything that is not exactly this shape (bad JSON,
//! unknown fields, wrong types, values out of range, an older or newer `version`, more than
//! [`MAX_STATE_CHARS`]) is *unreadable*. Unreadable text is never discarded: [`load`] copies it to the
//! first free key `podflow.v1.broken.<n>`, removes it from [`STATE_KEY`] and reports which key holds it,
//! and podflow starts with the defaults. When it cannot be copied, it stays where it is and podflow
//! writes nothing over it.
//!
//! Every change is a read-modify-write of the whole envelope ([`update`]): the stored document is read
//! again, the one change applied, and the result written back, so several instances on one page (or in
//! several tabs) never undo each other's changes. A storage that throws (private mode, blocked cookies,
//! quota exceeded) becomes a message; the caller keeps working in memory.
//!
//! Everything here is pure over the [`Backend`] trait and natively tested with [`MemoryBackend`];
//! [`BrowserStorage`] is the thin localStorage wrapper.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::engine::scenario::MAX_SCENARIO_BYTES;
use crate::ui::components::controls::SPEEDS;
use crate::ui::config::Theme;

/// The localStorage key of podflow's saved state.
pub const STATE_KEY: &str = "podflow.v1";
/// Unreadable saved state is kept under this prefix followed by 1, 2, …
pub const BROKEN_KEY_PREFIX: &str = "podflow.v1.broken.";
/// The envelope's format version this podflow reads and writes.
pub const STATE_VERSION: u64 = 1;
/// The longest saved state podflow parses (bytes of UTF-8); localStorage itself holds about 5 million
/// characters per site.
pub const MAX_STATE_CHARS: usize = 10 * 1024 * 1024;
/// The most saved scenarios.
pub const MAX_SAVED_SCENARIOS: usize = 100;
/// The longest name of a saved scenario (characters).
pub const MAX_SCENARIO_NAME_CHARS: usize = 100;
/// How many `podflow.v1.broken.<n>` keys podflow tries before giving up keeping another copy aside.
const MAX_BROKEN_COPIES: usize = 100;

/// The editor's contents: one text for the whole site (the `pod.yaml` the user applies to any scenario).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SavedEditor {
    pub text: String,
}

/// A scenario the user imported: its name (the file's name without extension) and the file's text.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SavedScenario {
    pub name: String,
    pub text: String,
    /// When it was saved, in milliseconds since 1970 (browser clock); informational.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub saved_at: Option<u64>,
}

/// The user's preferences; `None`: never chosen.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SavedPrefs {
    /// `auto`, `light` or `dark`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub theme: Option<String>,
    /// Index into [`SPEEDS`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub speed: Option<usize>,
}

/// The whole saved state (the envelope).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SavedState {
    pub version: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub editor: Option<SavedEditor>,
    #[serde(default)]
    pub scenarios: Vec<SavedScenario>,
    #[serde(default)]
    pub prefs: SavedPrefs,
}

impl Default for SavedState {
    fn default() -> Self {
        SavedState {
            version: STATE_VERSION,
            editor: None,
            scenarios: Vec::new(),
            prefs: SavedPrefs::default(),
        }
    }
}

impl SavedState {
    /// The saved theme preference.
    pub fn theme(&self) -> Option<Theme> {
        self.prefs.theme.as_deref().and_then(Theme::parse)
    }

    pub fn set_theme(&mut self, theme: Theme) {
        self.prefs.theme = Some(theme.as_str().to_string());
    }

    /// The saved scenario named `name`.
    pub fn scenario(&self, name: &str) -> Option<&SavedScenario> {
        self.scenarios.iter().find(|s| s.name == name)
    }

    /// Saves `scenario`, replacing one of the same name in place (else appending).
    pub fn put_scenario(&mut self, scenario: SavedScenario) {
        match self.scenarios.iter_mut().find(|s| s.name == scenario.name) {
            Some(existing) => *existing = scenario,
            None => self.scenarios.push(scenario),
        }
    }

    pub fn remove_scenario(&mut self, name: &str) {
        self.scenarios.retain(|s| s.name != name);
    }
}

/// Why saved text could not be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Unreadable {
    /// Longer than [`MAX_STATE_CHARS`] (its length in bytes).
    TooLarge(usize),
    /// Not JSON (serde_json's message).
    NotJson(String),
    /// JSON, but not podflow's envelope (where and why).
    WrongShape(String),
    /// An envelope of an older format version.
    Outdated(u64),
    /// An envelope from a newer podflow.
    Future(u64),
}

impl Unreadable {
    /// Why, as a clause: "it is not valid JSON (…)".
    pub fn describe(&self) -> String {
        match self {
            Unreadable::TooLarge(bytes) => {
                format!("it is {bytes} bytes long, more than the {MAX_STATE_CHARS} podflow reads")
            }
            Unreadable::NotJson(why) => format!("it is not valid JSON ({why})"),
            Unreadable::WrongShape(why) => format!("it does not have the expected shape ({why})"),
            Unreadable::Outdated(version) => format!(
                "it was written in format version {version}, older than the version {STATE_VERSION} this podflow reads"
            ),
            Unreadable::Future(version) => format!(
                "it was written by a newer podflow (format version {version}; this one reads version {STATE_VERSION})"
            ),
        }
    }
}

/// Reads saved text strictly: exactly the version-1 envelope with values podflow can use.
pub fn parse_state(raw: &str) -> Result<SavedState, Unreadable> {
    if raw.len() > MAX_STATE_CHARS {
        return Err(Unreadable::TooLarge(raw.len()));
    }
    let value: serde_json::Value =
        serde_json::from_str(raw).map_err(|e| Unreadable::NotJson(e.to_string()))?;
    let Some(object) = value.as_object() else {
        return Err(Unreadable::WrongShape(
            "the top level is not a JSON object".to_string(),
        ));
    };
    let version = match object.get("version") {
        None => {
            return Err(Unreadable::WrongShape(
                "it has no version field".to_string(),
            ))
        }
        Some(version) => version
            .as_u64()
            .ok_or_else(|| Unreadable::WrongShape("version is not a whole number".to_string()))?,
    };
    if version < STATE_VERSION {
        return Err(Unreadable::Outdated(version));
    }
    if version > STATE_VERSION {
        return Err(Unreadable::Future(version));
    }
    let state: SavedState = crate::engine::value_de::from_value_with_path(&value)
        .map_err(|e| Unreadable::WrongShape(format!("{}: {}", e.path, e.error)))?;
    validate(&state).map_err(Unreadable::WrongShape)?;
    Ok(state)
}

/// The checks serde cannot express: known theme, speed in range, usable and unique scenario names.
fn validate(state: &SavedState) -> Result<(), String> {
    if let Some(theme) = &state.prefs.theme {
        if Theme::parse(theme).is_none() || theme.trim() != theme {
            return Err(format!("prefs.theme: {theme:?} is not auto, light or dark"));
        }
    }
    if let Some(speed) = state.prefs.speed {
        if speed >= SPEEDS.len() {
            return Err(format!(
                "prefs.speed: {speed} is not a speed index from 0 to {}",
                SPEEDS.len() - 1
            ));
        }
    }
    if let Some(editor) = &state.editor {
        if editor.text.len() > MAX_SCENARIO_BYTES {
            return Err("editor.text: longer than a scenario may be".to_string());
        }
    }
    if state.scenarios.len() > MAX_SAVED_SCENARIOS {
        return Err(format!(
            "scenarios: {} scenarios, more than {MAX_SAVED_SCENARIOS}",
            state.scenarios.len()
        ));
    }
    let mut seen = BTreeMap::new();
    for (index, scenario) in state.scenarios.iter().enumerate() {
        check_scenario_name(&scenario.name)
            .map_err(|why| format!("scenarios[{index}].name: {why}"))?;
        if seen.insert(scenario.name.as_str(), index).is_some() {
            return Err(format!(
                "scenarios[{index}].name: {:?} is saved twice",
                scenario.name
            ));
        }
        if scenario.text.len() > MAX_SCENARIO_BYTES {
            return Err(format!(
                "scenarios[{index}].text: longer than a scenario may be"
            ));
        }
    }
    Ok(())
}

/// Whether `name` can name a saved scenario: 1 to [`MAX_SCENARIO_NAME_CHARS`] characters, no control
/// characters, not only spaces.
pub fn check_scenario_name(name: &str) -> Result<(), String> {
    if name.trim().is_empty() {
        return Err("the name is empty".to_string());
    }
    if name.chars().count() > MAX_SCENARIO_NAME_CHARS {
        return Err(format!(
            "the name is longer than {MAX_SCENARIO_NAME_CHARS} characters"
        ));
    }
    if name.chars().any(char::is_control) {
        return Err("the name contains control characters".to_string());
    }
    Ok(())
}

/// The envelope as stored: compact JSON.
pub fn serialize_state(state: &SavedState) -> String {
    // Serializing plain strings, numbers and vectors cannot fail.
    serde_json::to_string(state).unwrap_or_default()
}

/// Why the storage refused an operation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StorageError {
    /// No localStorage at all, or the browser forbids it (`SecurityError`, private mode).
    Unavailable(String),
    /// The quota is exceeded (`QuotaExceededError`).
    Full,
    /// Anything else the browser threw, by its name.
    Other(String),
}

impl StorageError {
    /// One sentence: what failed and what it means for the user.
    pub fn sentence(&self) -> String {
        const IN_MEMORY: &str =
            "your edits, scenarios and preferences will last only until this page is closed";
        match self {
            StorageError::Unavailable(why) => format!(
                "This browser does not let podflow use its storage ({why}), so {IN_MEMORY}."
            ),
            StorageError::Full => format!(
                "This browser's storage for this site is full (QuotaExceededError), so podflow could not save and {IN_MEMORY}."
            ),
            StorageError::Other(why) => {
                format!("podflow could not use this browser's storage ({why}), so {IN_MEMORY}.")
            }
        }
    }
}

/// A key-value store with localStorage's semantics.
pub trait Backend {
    fn get(&self, key: &str) -> Result<Option<String>, StorageError>;
    fn set(&mut self, key: &str, value: &str) -> Result<(), StorageError>;
    fn remove(&mut self, key: &str) -> Result<(), StorageError>;
}

/// An in-memory [`Backend`] (tests), optionally limited to `quota` characters in all, like a browser.
#[derive(Clone, Debug, Default)]
pub struct MemoryBackend {
    pub items: BTreeMap<String, String>,
    pub quota: Option<usize>,
    /// Every operation fails with this error (a browser that forbids storage).
    pub refuse: Option<StorageError>,
}

impl Backend for MemoryBackend {
    fn get(&self, key: &str) -> Result<Option<String>, StorageError> {
        if let Some(error) = &self.refuse {
            return Err(error.clone());
        }
        Ok(self.items.get(key).cloned())
    }

    fn set(&mut self, key: &str, value: &str) -> Result<(), StorageError> {
        if let Some(error) = &self.refuse {
            return Err(error.clone());
        }
        if let Some(quota) = self.quota {
            let others: usize = self
                .items
                .iter()
                .filter(|(k, _)| k.as_str() != key)
                .map(|(k, v)| k.len() + v.len())
                .sum();
            if others + key.len() + value.len() > quota {
                return Err(StorageError::Full);
            }
        }
        self.items.insert(key.to_string(), value.to_string());
        Ok(())
    }

    fn remove(&mut self, key: &str) -> Result<(), StorageError> {
        if let Some(error) = &self.refuse {
            return Err(error.clone());
        }
        self.items.remove(key);
        Ok(())
    }
}

/// What [`load`] found.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Loaded {
    /// The saved state, or the defaults.
    pub state: SavedState,
    /// What the user must be told (a storage failure, or unreadable state and where it went).
    pub notices: Vec<String>,
    /// False when the storage failed or holds unreadable state podflow could not move aside; the
    /// caller then keeps working in memory.
    pub writable: bool,
}

/// Reads the saved state. Unreadable state is moved aside (and reported); a failing storage is
/// reported. Never fails: the defaults are used instead.
pub fn load(backend: &mut dyn Backend) -> Loaded {
    match backend.get(STATE_KEY) {
        Err(error) => Loaded {
            state: SavedState::default(),
            notices: vec![error.sentence()],
            writable: false,
        },
        Ok(None) => Loaded {
            state: SavedState::default(),
            notices: Vec::new(),
            writable: true,
        },
        Ok(Some(raw)) => match parse_state(&raw) {
            Ok(state) => Loaded {
                state,
                notices: Vec::new(),
                writable: true,
            },
            Err(why) => {
                let (notice, writable) = keep_aside(backend, &raw, &why);
                Loaded {
                    state: SavedState::default(),
                    notices: vec![notice],
                    writable,
                }
            }
        },
    }
}

/// Copies unreadable `raw` to the first free broken key and removes it from [`STATE_KEY`]. Returns the
/// sentence for the user and whether [`STATE_KEY`] may now be written.
fn keep_aside(backend: &mut dyn Backend, raw: &str, why: &Unreadable) -> (String, bool) {
    let reason = why.describe();
    let mut failure = None;
    for n in 1..=MAX_BROKEN_COPIES {
        let key = format!("{BROKEN_KEY_PREFIX}{n}");
        match backend.get(&key) {
            Ok(Some(_)) => continue,
            Ok(None) => {}
            Err(error) => {
                failure = Some(error);
                break;
            }
        }
        match backend.set(&key, raw) {
            Ok(()) => {
                // Once the copy exists, the original may go; if it cannot, the next read finds it
                // again and keeps another copy, which loses nothing.
                let removed = backend.remove(STATE_KEY).is_ok();
                return (
                    format!(
                        "podflow could not read its saved state because {reason}, so it started with the defaults; the old data is kept in this browser's localStorage under the key {key}."
                    ),
                    removed,
                );
            }
            Err(error) => {
                failure = Some(error);
                break;
            }
        }
    }
    let detail = failure.map_or_else(
        || format!("all of {BROKEN_KEY_PREFIX}1 to {MAX_BROKEN_COPIES} are taken"),
        |error| format!("{error:?}"),
    );
    (
        format!(
            "podflow could not read its saved state because {reason}, and could not copy it aside ({detail}), so it left it untouched under the key {STATE_KEY}, started with the defaults and will not save until it is removed."
        ),
        false,
    )
}

/// Applies `change` to the saved state as stored now (read-modify-write) and writes it back. Unreadable
/// stored state is moved aside first. Returns the sentences the user must be told (empty: saved).
pub fn update(backend: &mut dyn Backend, change: impl FnOnce(&mut SavedState)) -> Vec<String> {
    let loaded = load(backend);
    if !loaded.writable {
        return loaded.notices;
    }
    let mut notices = loaded.notices;
    let mut state = loaded.state;
    change(&mut state);
    state.version = STATE_VERSION;
    if let Err(error) = backend.set(STATE_KEY, &serialize_state(&state)) {
        notices.push(error.sentence());
    }
    notices
}

/// Forgets the saved state (Reset). Copies kept aside under broken keys stay.
pub fn clear(backend: &mut dyn Backend) -> Vec<String> {
    match backend.remove(STATE_KEY) {
        Ok(()) => Vec::new(),
        Err(error) => vec![error.sentence()],
    }
}

/// localStorage.
pub struct BrowserStorage(web_sys::Storage);

impl BrowserStorage {
    /// The page's localStorage, or why it cannot be used. Call only in a browser.
    pub fn open() -> Result<BrowserStorage, StorageError> {
        let window = web_sys::window()
            .ok_or_else(|| StorageError::Unavailable("there is no window".to_string()))?;
        match window.local_storage() {
            Ok(Some(storage)) => Ok(BrowserStorage(storage)),
            Ok(None) => Err(StorageError::Unavailable(
                "localStorage is missing".to_string(),
            )),
            Err(error) => Err(StorageError::Unavailable(error_name(&error))),
        }
    }
}

/// The `name` of a thrown DOMException (`SecurityError`, `QuotaExceededError`), else a generic word.
fn error_name(error: &wasm_bindgen::JsValue) -> String {
    js_sys::Reflect::get(error, &wasm_bindgen::JsValue::from_str("name"))
        .ok()
        .and_then(|name| name.as_string())
        .unwrap_or_else(|| "an unknown error".to_string())
}

fn browser_error(error: wasm_bindgen::JsValue) -> StorageError {
    let name = error_name(&error);
    match name.as_str() {
        "QuotaExceededError" | "NS_ERROR_DOM_QUOTA_REACHED" => StorageError::Full,
        "SecurityError" => StorageError::Unavailable(name),
        _ => StorageError::Other(name),
    }
}

impl Backend for BrowserStorage {
    fn get(&self, key: &str) -> Result<Option<String>, StorageError> {
        self.0.get_item(key).map_err(browser_error)
    }

    fn set(&mut self, key: &str, value: &str) -> Result<(), StorageError> {
        self.0.set_item(key, value).map_err(browser_error)
    }

    fn remove(&mut self, key: &str) -> Result<(), StorageError> {
        self.0.remove_item(key).map_err(browser_error)
    }
}

/// Runs `f` on the browser's localStorage, or returns the sentence saying why it cannot be used.
/// Outside a browser (native tests) storage is unavailable.
pub fn with_browser_storage<R>(f: impl FnOnce(&mut dyn Backend) -> R) -> Result<R, String> {
    if !cfg!(target_arch = "wasm32") {
        return Err(StorageError::Unavailable("not running in a browser".to_string()).sentence());
    }
    let mut storage = BrowserStorage::open().map_err(|e| e.sentence())?;
    Ok(f(&mut storage))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scenario(name: &str) -> SavedScenario {
        SavedScenario {
            name: name.to_string(),
            text: "apiVersion: v1\nkind: Pod\n".to_string(),
            saved_at: Some(1),
        }
    }

    #[test]
    fn should_read_valid_envelopes() {
        let full = SavedState {
            version: 1,
            editor: Some(SavedEditor {
                text: "kind: Pod\n".to_string(),
            }),
            scenarios: vec![scenario("mine")],
            prefs: SavedPrefs {
                theme: Some("dark".to_string()),
                speed: Some(4),
            },
        };
        let cases: Vec<(&str, SavedState)> = vec![
            (r#"{"version":1}"#, SavedState::default()),
            (
                r#"{"version":1,"editor":null,"scenarios":[],"prefs":{}}"#,
                SavedState::default(),
            ),
            (
                r#"{"version":1,"editor":{"text":"kind: Pod\n"},"scenarios":[{"name":"mine","text":"apiVersion: v1\nkind: Pod\n","saved_at":1}],"prefs":{"theme":"dark","speed":4}}"#,
                full.clone(),
            ),
        ];
        for (raw, want) in cases {
            assert_eq!(parse_state(raw), Ok(want), "{raw}");
        }
        assert_eq!(parse_state(&serialize_state(&full)), Ok(full));
    }

    #[test]
    fn should_name_what_makes_saved_text_unreadable() {
        let cases: Vec<(&str, Unreadable)> = vec![
            (
                "{not json",
                Unreadable::NotJson("key must be a string at line 1 column 2".to_string()),
            ),
            (
                "",
                Unreadable::NotJson("EOF while parsing a value at line 1 column 0".to_string()),
            ),
            (
                "[1,2]",
                Unreadable::WrongShape("the top level is not a JSON object".to_string()),
            ),
            (
                r#"{"prefs":{}}"#,
                Unreadable::WrongShape("it has no version field".to_string()),
            ),
            (
                r#"{"version":"1"}"#,
                Unreadable::WrongShape("version is not a whole number".to_string()),
            ),
            (r#"{"version":0}"#, Unreadable::Outdated(0)),
            (r#"{"version":2,"whatever":true}"#, Unreadable::Future(2)),
            (
                r#"{"version":1,"prefs":{"speed":"fast"}}"#,
                Unreadable::WrongShape(
                    "prefs.speed: invalid type: string \"fast\", expected usize".to_string(),
                ),
            ),
            (
                r#"{"version":1,"scenarios":"x"}"#,
                Unreadable::WrongShape(
                    "scenarios: invalid type: string \"x\", expected a sequence".to_string(),
                ),
            ),
            (
                r#"{"version":1,"scenarios":[{"name":"a"}]}"#,
                Unreadable::WrongShape("scenarios[0]: missing field `text`".to_string()),
            ),
            (
                r#"{"version":1,"colour":"red"}"#,
                Unreadable::WrongShape(
                    "colour: unknown field `colour`, expected one of `version`, `editor`, `scenarios`, `prefs`"
                        .to_string(),
                ),
            ),
            (
                r#"{"version":1,"prefs":{"theme":"pink"}}"#,
                Unreadable::WrongShape(
                    "prefs.theme: \"pink\" is not auto, light or dark".to_string(),
                ),
            ),
            (
                r#"{"version":1,"prefs":{"speed":5}}"#,
                Unreadable::WrongShape(
                    "prefs.speed: 5 is not a speed index from 0 to 4".to_string(),
                ),
            ),
            (
                r#"{"version":1,"scenarios":[{"name":"a","text":""},{"name":"a","text":""}]}"#,
                Unreadable::WrongShape("scenarios[1].name: \"a\" is saved twice".to_string()),
            ),
            (
                r#"{"version":1,"scenarios":[{"name":" ","text":""}]}"#,
                Unreadable::WrongShape("scenarios[0].name: the name is empty".to_string()),
            ),
        ];
        for (raw, want) in cases {
            assert_eq!(parse_state(raw), Err(want), "{raw}");
        }
    }

    #[test]
    fn should_refuse_huge_saved_text_without_parsing_it() {
        let huge = format!(
            r#"{{"version":1,"editor":{{"text":"{}"}}}}"#,
            "a".repeat(MAX_STATE_CHARS)
        );
        assert_eq!(parse_state(&huge), Err(Unreadable::TooLarge(huge.len())));
        let many = SavedState {
            scenarios: (0..=MAX_SAVED_SCENARIOS)
                .map(|i| scenario(&format!("s{i}")))
                .collect(),
            ..SavedState::default()
        };
        assert_eq!(
            parse_state(&serialize_state(&many)),
            Err(Unreadable::WrongShape(
                "scenarios: 101 scenarios, more than 100".to_string()
            ))
        );
    }

    #[test]
    fn should_start_with_the_defaults_when_nothing_is_saved() {
        let mut backend = MemoryBackend::default();
        assert_eq!(
            load(&mut backend),
            Loaded {
                state: SavedState::default(),
                notices: Vec::new(),
                writable: true
            }
        );
    }

    #[test]
    fn should_keep_unreadable_state_aside_under_a_new_key_and_say_where() {
        let mut backend = MemoryBackend::default();
        backend
            .items
            .insert(format!("{BROKEN_KEY_PREFIX}1"), "older broken".to_string());
        backend
            .items
            .insert(STATE_KEY.to_string(), r#"{"version":7}"#.to_string());
        let loaded = load(&mut backend);
        assert_eq!(loaded.state, SavedState::default());
        assert!(loaded.writable);
        assert_eq!(
            loaded.notices,
            vec![
                "podflow could not read its saved state because it was written by a newer podflow (format version 7; this one reads version 1), so it started with the defaults; the old data is kept in this browser's localStorage under the key podflow.v1.broken.2."
                    .to_string()
            ]
        );
        assert_eq!(
            backend.items.get("podflow.v1.broken.2").map(String::as_str),
            Some(r#"{"version":7}"#)
        );
        assert_eq!(
            backend.items.get("podflow.v1.broken.1").map(String::as_str),
            Some("older broken"),
            "an earlier copy is never overwritten"
        );
        assert_eq!(backend.items.get(STATE_KEY), None);

        // The next save writes a fresh envelope; the copy stays.
        let notices = update(&mut backend, |state| state.prefs.speed = Some(1));
        assert!(notices.is_empty(), "{notices:?}");
        assert_eq!(
            backend.items.get("podflow.v1.broken.2").map(String::as_str),
            Some(r#"{"version":7}"#)
        );
        assert_eq!(
            parse_state(backend.items.get(STATE_KEY).map_or("", String::as_str))
                .map(|s| s.prefs.speed),
            Ok(Some(1))
        );
    }

    #[test]
    fn should_never_write_over_unreadable_state_it_could_not_copy() {
        let mut backend = MemoryBackend {
            quota: Some(40),
            ..MemoryBackend::default()
        };
        let raw = "{ this is not json and it is long }";
        backend.items.insert(STATE_KEY.to_string(), raw.to_string());
        let loaded = load(&mut backend);
        assert!(!loaded.writable);
        assert_eq!(
            loaded.notices,
            vec![
                "podflow could not read its saved state because it is not valid JSON (key must be a string at line 1 column 3), and could not copy it aside (Full), so it left it untouched under the key podflow.v1, started with the defaults and will not save until it is removed."
                    .to_string()
            ]
        );
        let notices = update(&mut backend, |state| state.prefs.speed = Some(0));
        assert_eq!(notices.len(), 1);
        assert_eq!(backend.items.get(STATE_KEY).map(String::as_str), Some(raw));
    }

    #[test]
    fn should_apply_each_change_to_the_state_as_stored_now() {
        // Two instances loaded the same state; each writes its own change, neither undoes the other's.
        let mut backend = MemoryBackend::default();
        let first = update(&mut backend, |state| state.put_scenario(scenario("a")));
        let second = update(&mut backend, |state| state.set_theme(Theme::Dark));
        let third = update(&mut backend, |state| {
            state.editor = Some(SavedEditor {
                text: "x".to_string(),
            })
        });
        assert!(first.is_empty() && second.is_empty() && third.is_empty());
        let stored = load(&mut backend).state;
        assert_eq!(stored.scenario("a"), Some(&scenario("a")));
        assert_eq!(stored.theme(), Some(Theme::Dark));
        assert_eq!(stored.editor.map(|e| e.text).as_deref(), Some("x"));
    }

    #[test]
    fn should_report_a_storage_that_refuses_and_never_fail() {
        let mut backend = MemoryBackend {
            refuse: Some(StorageError::Unavailable("SecurityError".to_string())),
            ..MemoryBackend::default()
        };
        let loaded = load(&mut backend);
        assert!(!loaded.writable);
        assert_eq!(
            loaded.notices,
            vec!["This browser does not let podflow use its storage (SecurityError), so your edits, scenarios and preferences will last only until this page is closed.".to_string()]
        );
        assert_eq!(update(&mut backend, |_| {}), loaded.notices);
        assert_eq!(clear(&mut backend), loaded.notices);
    }

    #[test]
    fn should_report_a_full_storage() {
        let mut backend = MemoryBackend {
            quota: Some(100),
            ..MemoryBackend::default()
        };
        let notices = update(&mut backend, |state| {
            state.put_scenario(SavedScenario {
                name: "big".to_string(),
                text: "x".repeat(200),
                saved_at: None,
            })
        });
        assert_eq!(
            notices,
            vec!["This browser's storage for this site is full (QuotaExceededError), so podflow could not save and your edits, scenarios and preferences will last only until this page is closed.".to_string()]
        );
        assert_eq!(backend.items.get(STATE_KEY), None);
    }

    #[test]
    fn should_forget_the_state_but_keep_copies_aside_on_reset() {
        let mut backend = MemoryBackend::default();
        backend
            .items
            .insert(format!("{BROKEN_KEY_PREFIX}1"), "old".to_string());
        update(&mut backend, |state| state.set_theme(Theme::Light));
        assert!(clear(&mut backend).is_empty());
        assert_eq!(backend.items.get(STATE_KEY), None);
        assert_eq!(
            backend.items.get("podflow.v1.broken.1").map(String::as_str),
            Some("old")
        );
    }

    #[test]
    fn should_replace_a_saved_scenario_of_the_same_name_in_place() {
        let mut state = SavedState::default();
        state.put_scenario(scenario("a"));
        state.put_scenario(scenario("b"));
        state.put_scenario(SavedScenario {
            text: "new".to_string(),
            ..scenario("a")
        });
        let names: Vec<&str> = state.scenarios.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(names, ["a", "b"]);
        assert_eq!(state.scenario("a").map(|s| s.text.as_str()), Some("new"));
        state.remove_scenario("a");
        assert_eq!(state.scenario("a"), None);
    }
}
