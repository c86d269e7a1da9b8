//! Share links: the whole state a user sees, in a URL fragment, and back.
//!
//! A built-in scenario with no commands stays readable: `#scenario=constrained-pod&entry=37` (plus
//! `&seed=N` when not the default, `&pod=namespace/name` when another pod is followed). Anything else
//! (a scenario's own text, or commands issued in the page) is `#state=<base64url of the raw-deflate
//! compressed JSON>`, versioned:
//!
//! ```json
//! {"v":1,"scenario":"demo-pod","seed":1,"entry":12,"pod":"default/second",
//!  "commands":[{"at":5,"do":"apply","yaml":"apiVersion: v1\n..."},{"at":9,"do":"cordon","node":"node-a"}]}
//! ```
//!
//! (`"name"` and `"text"` replace `"scenario"` for a scenario's own text.) Opening the link replays the
//! commands at their entries ([`crate::ui::playback::Playback::replay`]), which rebuilds the same run
//! because the engine is deterministic. Decoding never trusts the link: its length, the unpacked size,
//! the number of commands and every field are checked, and a failure is one sentence for
//! `AppConfig::problems` (the page then opens its default scenario). Nothing read here is ever run or
//! written into the page as HTML.
//!
//! Pure Rust (natively tested); also the embed snippets and the page's base URL they point to.

use k8s_openapi::api::core::v1::Taint;
use serde_json::{json, Map, Value};

use crate::engine::api::Credentials;
use crate::engine::kubectl::drain::DrainOptions;
use crate::engine::kubectl::ClientAction;
use crate::engine::scenario;
use crate::ui::config::{quoted, ScenarioSource};
use crate::ui::playback::{RecordedCommand, DEFAULT_SEED};
use crate::ui::view_state::{InspectorTab, UserCommand};

/// The format version this podflow writes and reads.
pub const STATE_VERSION: u64 = 1;
/// The longest `state=` value read from a link (characters).
pub const MAX_STATE_LEN: usize = 64 * 1024;
/// The most bytes a `state=` value may unpack to.
pub const MAX_UNPACKED_BYTES: usize = 512 * 1024;
/// The most commands a link may replay.
pub const MAX_COMMANDS: usize = 100;
/// The longest scenario name a link may carry.
pub const MAX_NAME_LEN: usize = 100;
/// The longest `namespace/name` of the followed pod (63 + 1 + 253).
pub const MAX_POD_LEN: usize = 317;

/// What a share link reproduces.
#[derive(Clone, Debug, PartialEq)]
pub struct SharedState {
    /// A built-in scenario by name, or a scenario's own text (never `Synthetic`).
    pub scenario: ScenarioSource,
    pub seed: u64,
    /// The story entry shown (counted from the story's start).
    pub entry: usize,
    /// The pod followed, when it is not the one the page follows by default.
    pub pod: Option<String>,
    /// The cluster-changing commands, in the order they were issued.
    pub commands: Vec<RecordedCommand>,
}

impl SharedState {
    /// The scenario source with a text equal to a built-in's replaced by the built-in's name.
    fn canonical_scenario(&self) -> ScenarioSource {
        if let ScenarioSource::Text { text, .. } = &self.scenario {
            let same = scenario::builtin_names()
                .into_iter()
                .find(|name| scenario::builtin(name).as_deref() == Some(text.as_str()));
            if let Some(name) = same {
                return ScenarioSource::Builtin(name.to_string());
            }
        }
        self.scenario.clone()
    }
}

/// The URL fragment (with its `#`) that reproduces `state`.
pub fn fragment(state: &SharedState) -> String {
    let scenario = state.canonical_scenario();
    match &scenario {
        ScenarioSource::Builtin(name) if state.commands.is_empty() => {
            let mut out = format!("#scenario={}", percent_encode(name));
            if state.seed != DEFAULT_SEED {
                out.push_str(&format!("&seed={}", state.seed));
            }
            out.push_str(&format!("&entry={}", state.entry));
            if let Some(pod) = &state.pod {
                out.push_str(&format!("&pod={}", percent_encode(pod)));
            }
            out
        }
        _ => format!("#state={}", encode_state(state)),
    }
}

/// The `state=` value for `state`: base64url (no padding) of the deflated JSON.
pub fn encode_state(state: &SharedState) -> String {
    let json = state_json(state).to_string();
    let packed = miniz_oxide::deflate::compress_to_vec(json.as_bytes(), 9);
    base64url_encode(&packed)
}

fn state_json(state: &SharedState) -> Value {
    let mut out = Map::new();
    out.insert("v".into(), json!(STATE_VERSION));
    match state.canonical_scenario() {
        ScenarioSource::Builtin(name) => {
            out.insert("scenario".into(), json!(name));
        }
        ScenarioSource::Text { name, text } => {
            out.insert("name".into(), json!(name));
            out.insert("text".into(), json!(text));
        }
        // Not shareable as a state; the share menu offers no link for it.
        ScenarioSource::Synthetic(_) => {}
    }
    if state.seed != DEFAULT_SEED {
        out.insert("seed".into(), json!(state.seed));
    }
    out.insert("entry".into(), json!(state.entry));
    if let Some(pod) = &state.pod {
        out.insert("pod".into(), json!(pod));
    }
    if !state.commands.is_empty() {
        let commands: Vec<Value> = state.commands.iter().map(command_json).collect();
        out.insert("commands".into(), Value::Array(commands));
    }
    Value::Object(out)
}

fn command_json(recorded: &RecordedCommand) -> Value {
    let mut out = Map::new();
    out.insert("at".into(), json!(recorded.entry));
    let mut put = |key: &str, value: Value| {
        out.insert(key.to_string(), value);
    };
    let credentials = match &recorded.command {
        UserCommand::Apply { yaml } => {
            put("do", json!("apply"));
            put("yaml", json!(yaml));
            None
        }
        UserCommand::AddNode { node } => {
            put("do", json!("add-node"));
            put("node", node.clone());
            None
        }
        UserCommand::Client(action) => match action {
            ClientAction::Apply {
                credentials,
                manifest,
                ..
            } => {
                // Sent like the editor's apply: the same object, as JSON text.
                put("do", json!("apply"));
                put("yaml", json!(manifest.to_string()));
                Some(credentials)
            }
            ClientAction::Cordon { credentials, node } => {
                put("do", json!("cordon"));
                put("node", json!(node));
                Some(credentials)
            }
            ClientAction::Uncordon { credentials, node } => {
                put("do", json!("uncordon"));
                put("node", json!(node));
                Some(credentials)
            }
            ClientAction::Drain {
                credentials,
                node,
                options,
            } => {
                put("do", json!("drain"));
                put("node", json!(node));
                let flags = options.flags();
                if !flags.is_empty() {
                    put("flags", json!(flags));
                }
                Some(credentials)
            }
            // A drain's later steps are events of the drain itself.
            ClientAction::DrainProgress(_) => None,
            ClientAction::Taint {
                credentials,
                node,
                taint,
                remove,
                overwrite,
            } => {
                put("do", json!("taint"));
                put("node", json!(node));
                put("key", json!(taint.key));
                if let Some(value) = &taint.value {
                    put("value", json!(value));
                }
                if !taint.effect.is_empty() {
                    put("effect", json!(taint.effect));
                }
                if *remove {
                    put("remove", json!(true));
                }
                if *overwrite {
                    put("overwrite", json!(true));
                }
                Some(credentials)
            }
            ClientAction::Label {
                credentials,
                resource,
                namespace,
                name,
                key,
                value,
                overwrite,
            } => {
                put("do", json!("label"));
                put("resource", json!(resource));
                if let Some(namespace) = namespace {
                    put("namespace", json!(namespace));
                }
                put("name", json!(name));
                put("key", json!(key));
                if let Some(value) = value {
                    put("value", json!(value));
                }
                if *overwrite {
                    put("overwrite", json!(true));
                }
                Some(credentials)
            }
            ClientAction::Delete {
                credentials,
                resource,
                namespace,
                name,
                grace_period_seconds,
            } => {
                put("do", json!("delete"));
                put("resource", json!(resource));
                if let Some(namespace) = namespace {
                    put("namespace", json!(namespace));
                }
                put("name", json!(name));
                if let Some(grace) = grace_period_seconds {
                    put("grace", json!(grace));
                }
                Some(credentials)
            }
        },
        // Not cluster changes: never recorded.
        UserCommand::SelectPod(_)
        | UserCommand::DescribeNode(_)
        | UserCommand::DescribePdb(_)
        | UserCommand::Open(_) => None,
    };
    if let Some(credentials) = credentials.filter(|c| **c != Credentials::ClusterAdmin) {
        put(
            "as",
            serde_json::to_value(credentials).unwrap_or(Value::Null),
        );
    }
    Value::Object(out)
}

/// What podflow says when a `state=` value cannot be used; `why` completes "The shared link …".
fn refuse(why: impl std::fmt::Display) -> String {
    format!("The shared link {why}, so podflow opened the default scenario instead.")
}

/// Reads a `state=` value. Every failure is one sentence for `AppConfig::problems`.
pub fn decode_state(encoded: &str) -> Result<SharedState, String> {
    if encoded.len() > MAX_STATE_LEN {
        return Err(refuse(format_args!(
            "is longer than {MAX_STATE_LEN} characters"
        )));
    }
    let packed = base64url_decode(encoded.trim()).ok_or_else(|| {
        refuse("is not valid base64url text (it may have been cut short or changed)")
    })?;
    let unpacked = miniz_oxide::inflate::decompress_to_vec_with_limit(&packed, MAX_UNPACKED_BYTES)
        .map_err(|e| match e.status {
            miniz_oxide::inflate::TINFLStatus::HasMoreOutput => refuse(format_args!(
                "unpacks to more than {MAX_UNPACKED_BYTES} bytes"
            )),
            _ => refuse("could not be unpacked (it may have been cut short or changed)"),
        })?;
    let value: Value = serde_json::from_slice(&unpacked)
        .map_err(|_| refuse("does not hold a podflow state (its JSON is malformed)"))?;
    state_from_json(&value)
}

fn state_from_json(value: &Value) -> Result<SharedState, String> {
    let object = value
        .as_object()
        .ok_or_else(|| refuse("does not hold a podflow state (it is not a JSON object)"))?;
    match object.get("v").and_then(Value::as_u64) {
        Some(STATE_VERSION) => {}
        Some(version) => {
            return Err(refuse(format_args!(
                "was written in format version {version}, and this podflow reads version {STATE_VERSION}"
            )))
        }
        None => return Err(refuse("has no format version")),
    }
    let text_field = |key: &str| -> Result<Option<String>, String> {
        match object.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(_) => Err(refuse(format_args!("has a {key} that is not text"))),
        }
    };
    let scenario = match (
        text_field("scenario")?,
        text_field("name")?,
        text_field("text")?,
    ) {
        (Some(name), None, None) => ScenarioSource::Builtin(name),
        (None, name, Some(text)) => ScenarioSource::Text {
            name: name.unwrap_or_else(|| "shared scenario".to_string()),
            text,
        },
        _ => return Err(refuse("names no scenario")),
    };
    let name_len = match &scenario {
        ScenarioSource::Builtin(name) | ScenarioSource::Text { name, .. } => name.chars().count(),
        ScenarioSource::Synthetic(_) => 0,
    };
    if name_len > MAX_NAME_LEN {
        return Err(refuse(format_args!(
            "has a scenario name longer than {MAX_NAME_LEN} characters"
        )));
    }
    let number = |key: &str| -> Result<Option<u64>, String> {
        match object.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(v) => v
                .as_u64()
                .map(Some)
                .ok_or_else(|| refuse(format_args!("has a {key} that is not a whole number"))),
        }
    };
    let seed = number("seed")?.unwrap_or(DEFAULT_SEED);
    let entry = usize::try_from(number("entry")?.unwrap_or(0)).unwrap_or(usize::MAX);
    let pod = text_field("pod")?;
    // Kubernetes names: lowercase letters, digits, `-` and `.`.
    let name_ok = |part: &str| {
        !part.is_empty()
            && part
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'.')
    };
    let pod_ok = |pod: &String| {
        pod.len() <= MAX_POD_LEN
            && pod
                .split_once('/')
                .is_some_and(|(namespace, name)| name_ok(namespace) && name_ok(name))
    };
    if pod.as_ref().is_some_and(|pod| !pod_ok(pod)) {
        return Err(refuse("has a pod that is not written namespace/name"));
    }
    let commands = match object.get("commands") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(items)) if items.len() > MAX_COMMANDS => {
            return Err(refuse(format_args!(
                "holds {} commands, more than the {MAX_COMMANDS} podflow replays",
                items.len()
            )))
        }
        Some(Value::Array(items)) => items
            .iter()
            .enumerate()
            .map(|(index, item)| command_from_json(index + 1, item))
            .collect::<Result<_, _>>()?,
        Some(_) => return Err(refuse("has commands that are not a list")),
    };
    Ok(SharedState {
        scenario,
        seed,
        entry,
        pod,
        commands,
    })
}

fn command_from_json(number: usize, item: &Value) -> Result<RecordedCommand, String> {
    let bad = |what: &str| refuse(format_args!("has a command {number} {what}"));
    let object = item
        .as_object()
        .ok_or_else(|| bad("that is not an object"))?;
    let text = |key: &str| -> Result<String, String> {
        object
            .get(key)
            .and_then(Value::as_str)
            .map(String::from)
            .ok_or_else(|| bad(&format!("without its {key}")))
    };
    let optional_text = |key: &str| object.get(key).and_then(Value::as_str).map(String::from);
    let flag = |key: &str| object.get(key).and_then(Value::as_bool).unwrap_or(false);
    let entry = object
        .get("at")
        .and_then(Value::as_u64)
        .and_then(|at| usize::try_from(at).ok())
        .ok_or_else(|| bad("without its entry"))?;
    let credentials = match object.get("as") {
        None | Some(Value::Null) => Credentials::ClusterAdmin,
        Some(value) => serde_json::from_value(value.clone())
            .map_err(|_| bad("with credentials podflow does not know"))?,
    };
    let kind = text("do")?;
    let command = match kind.as_str() {
        "apply" => UserCommand::Apply {
            yaml: text("yaml")?,
        },
        "add-node" => UserCommand::AddNode {
            node: object
                .get("node")
                .filter(|n| n.is_object())
                .cloned()
                .ok_or_else(|| bad("without its node"))?,
        },
        "cordon" => UserCommand::Client(ClientAction::Cordon {
            credentials,
            node: text("node")?,
        }),
        "uncordon" => UserCommand::Client(ClientAction::Uncordon {
            credentials,
            node: text("node")?,
        }),
        "drain" => {
            let flags: Vec<&str> = match object.get("flags") {
                None => Vec::new(),
                Some(Value::Array(items)) => items
                    .iter()
                    .map(|f| {
                        f.as_str()
                            .ok_or_else(|| bad("with a flag that is not text"))
                    })
                    .collect::<Result<_, _>>()?,
                Some(_) => return Err(bad("whose flags are not a list")),
            };
            UserCommand::Client(ClientAction::Drain {
                credentials,
                node: text("node")?,
                options: DrainOptions::parse(&flags)
                    .map_err(|e| bad(&format!("with flags kubectl refuses ({e})")))?,
            })
        }
        "taint" => UserCommand::Client(ClientAction::Taint {
            credentials,
            node: text("node")?,
            taint: Taint {
                key: text("key")?,
                value: optional_text("value"),
                effect: optional_text("effect").unwrap_or_default(),
                time_added: None,
            },
            remove: flag("remove"),
            overwrite: flag("overwrite"),
        }),
        "label" => UserCommand::Client(ClientAction::Label {
            credentials,
            resource: text("resource")?,
            namespace: optional_text("namespace"),
            name: text("name")?,
            key: text("key")?,
            value: optional_text("value"),
            overwrite: flag("overwrite"),
        }),
        "delete" => UserCommand::Client(ClientAction::Delete {
            credentials,
            resource: text("resource")?,
            namespace: optional_text("namespace"),
            name: text("name")?,
            grace_period_seconds: object.get("grace").and_then(Value::as_i64),
        }),
        other => return Err(bad(&format!("of the unknown kind {}", quoted(other)))),
    };
    Ok(RecordedCommand { entry, command })
}

const BASE64URL: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// RFC 4648 base64url without padding.
pub fn base64url_encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk.first().copied().unwrap_or(0),
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..=chunk.len() {
            let index = (n >> (18 - 6 * i)) & 63;
            out.push(char::from(BASE64URL[index as usize]));
        }
    }
    out
}

/// Decodes base64url (padding tolerated); `None` for any other character or an impossible length.
pub fn base64url_decode(text: &str) -> Option<Vec<u8>> {
    let text = text.trim_end_matches('=');
    if text.len() % 4 == 1 {
        return None;
    }
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let mut buffer: u32 = 0;
    let mut bits = 0;
    for byte in text.bytes() {
        let value = match byte {
            b'A'..=b'Z' => byte - b'A',
            b'a'..=b'z' => byte - b'a' + 26,
            b'0'..=b'9' => byte - b'0' + 52,
            b'-' => 62,
            b'_' => 63,
            _ => return None,
        };
        buffer = (buffer << 6) | u32::from(value);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((buffer >> bits) as u8);
            buffer &= (1 << bits) - 1;
        }
    }
    Some(out)
}

/// Percent-encodes everything but unreserved URL characters and `/` (for names in readable links).
pub fn percent_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                out.push(char::from(byte))
            }
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

/// The address the page's files live at, for links and embed snippets: `href` without its query,
/// fragment and `index.html` (or other file name), always ending in `/`.
pub fn base_url(href: &str) -> String {
    let end = href.find(['?', '#']).unwrap_or(href.len());
    let address = href.get(..end).unwrap_or(href);
    let path_start = address
        .find("://")
        .map(|at| at + 3)
        .and_then(|from| address.get(from..)?.find('/').map(|p| p + from));
    let Some(path_start) = path_start else {
        return format!("{address}/");
    };
    let last_slash = address.rfind('/').unwrap_or(path_start);
    let last_segment = address.get(last_slash + 1..).unwrap_or("");
    if last_segment.is_empty() || last_segment.contains('.') {
        address.get(..=last_slash).unwrap_or(address).to_string()
    } else {
        format!("{address}/")
    }
}

/// What the Describe tab describes when it is not the followed pod, as a share link names it.
#[derive(Clone, Debug, PartialEq)]
pub enum DescribedObject {
    /// `kubectl describe node <name>`: `&node=<name>`.
    Node(String),
    /// `kubectl describe poddisruptionbudget` of `namespace/name`: `&pdb=<namespace>/<name>`.
    Budget(String),
}

/// The share link for `state` with inspector tab `tab` open, on the page at `href`. The Manifest tab,
/// where the page opens anyway, is left out; the Describe tab names the object it describes, if any.
pub fn share_link(
    href: &str,
    state: &SharedState,
    tab: InspectorTab,
    described: Option<&DescribedObject>,
) -> String {
    let mut tab = match tab {
        InspectorTab::Manifest => String::new(),
        other => format!("&tab={}", other.key()),
    };
    if tab == "&tab=describe" {
        match described {
            Some(DescribedObject::Node(node)) => {
                tab.push_str(&format!("&node={}", percent_encode(node)))
            }
            Some(DescribedObject::Budget(budget)) => {
                tab.push_str(&format!("&pdb={}", percent_encode(budget)))
            }
            None => {}
        }
    }
    format!("{}{}{tab}", base_url(href), fragment(state))
}

/// Escapes text for an HTML attribute value or element text.
pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// The text of a `<script type="application/yaml">` for scenario `text`: the text itself, or, when it
/// holds something that would end or confuse the script element (`</script`, `<!--`), the same
/// documents as a JSON array with every `<` written `\u003c` (JSON is YAML, and podflow reads both).
pub fn script_safe_scenario(text: &str) -> String {
    let lower = text.to_ascii_lowercase();
    if !lower.contains("</script") && !lower.contains("<!--") {
        return text.to_string();
    }
    let documents = scenario::parse_documents(text).unwrap_or_default();
    Value::Array(documents).to_string().replace('<', "\\u003c")
}

/// The title an embed announces to screen readers.
fn embed_title(state: &SharedState) -> String {
    match &state.scenario {
        ScenarioSource::Builtin(name) => match scenario::builtin_title(name) {
            Some(title) => format!("podflow: {title}"),
            None => format!("podflow: {name}"),
        },
        ScenarioSource::Text { name, .. } => format!("podflow: {name}"),
        ScenarioSource::Synthetic(_) => "podflow".to_string(),
    }
}

/// The `<div data-podflow>` widget for `state` (the scenario, seed and entry; a widget replays no
/// commands, so the iframe snippet is the one for a state with commands), with the loader script.
pub fn div_snippet(base: &str, state: &SharedState) -> String {
    let loader = format!(
        "<script type=\"module\" src=\"{}podflow.js\"></script>",
        escape_html(base)
    );
    let mut attributes = String::from("data-podflow");
    let scenario = state.canonical_scenario();
    if let ScenarioSource::Builtin(name) = &scenario {
        attributes.push_str(&format!(" data-scenario=\"{}\"", escape_html(name)));
    }
    if state.seed != DEFAULT_SEED {
        attributes.push_str(&format!(" data-seed=\"{}\"", state.seed));
    }
    attributes.push_str(&format!(" data-entry=\"{}\"", state.entry));
    match &scenario {
        ScenarioSource::Text { text, .. } => {
            let body = script_safe_scenario(text);
            format!(
                "{loader}\n<div {attributes}>\n<script type=\"application/yaml\">\n{}\n</script>\n</div>",
                body.trim_end()
            )
        }
        _ => format!("{loader}\n<div {attributes}></div>"),
    }
}

/// The `<iframe>` for `state`: a readable query for a built-in without commands, else the state in
/// the fragment.
pub fn iframe_snippet(base: &str, state: &SharedState) -> String {
    let fragment = fragment(state);
    let src = match fragment.strip_prefix("#scenario=") {
        Some(rest) => format!("{base}index.html?embed=1&scenario={rest}"),
        None => format!("{base}index.html?embed=1{fragment}"),
    };
    format!(
        "<iframe src=\"{}\" title=\"{}\" width=\"100%\" height=\"560\" style=\"border:0\" loading=\"lazy\"></iframe>",
        escape_html(&src).replace("&amp;", "&"),
        escape_html(&embed_title(state))
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ui::config::AppConfig;

    const BASE: &str = "https://example.github.io/podflow/";

    fn builtin_state(name: &str, entry: usize) -> SharedState {
        SharedState {
            scenario: ScenarioSource::Builtin(name.into()),
            seed: DEFAULT_SEED,
            entry,
            pod: None,
            commands: Vec::new(),
        }
    }

    fn some_commands() -> Vec<RecordedCommand> {
        vec![
            RecordedCommand {
                entry: 5,
                command: UserCommand::Apply {
                    yaml: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: second\nspec:\n  containers:\n  - name: c\n    image: nginx:latest\n".into(),
                },
            },
            RecordedCommand {
                entry: 9,
                command: UserCommand::Client(ClientAction::Cordon {
                    credentials: Credentials::ClusterAdmin,
                    node: "node-a".into(),
                }),
            },
            RecordedCommand {
                entry: 12,
                command: UserCommand::Client(ClientAction::Taint {
                    credentials: Credentials::ClusterAdmin,
                    node: "node-b".into(),
                    taint: Taint {
                        key: "dedicated".into(),
                        value: Some("gpu".into()),
                        effect: "NoSchedule".into(),
                        time_added: None,
                    },
                    remove: false,
                    overwrite: false,
                }),
            },
            RecordedCommand {
                entry: 14,
                command: UserCommand::Client(ClientAction::Label {
                    credentials: Credentials::ClusterAdmin,
                    resource: "nodes".into(),
                    namespace: None,
                    name: "node-c".into(),
                    key: "disktype".into(),
                    value: Some("ssd".into()),
                    overwrite: false,
                }),
            },
            RecordedCommand {
                entry: 20,
                command: UserCommand::Client(ClientAction::Delete {
                    credentials: Credentials::ClusterAdmin,
                    resource: "pods".into(),
                    namespace: Some("default".into()),
                    name: "second".into(),
                    grace_period_seconds: None,
                }),
            },
            RecordedCommand {
                entry: 21,
                command: UserCommand::AddNode {
                    node: json!({"apiVersion": "v1", "kind": "Node", "metadata": {"name": "node-d"}}),
                },
            },
        ]
    }

    #[test]
    fn should_keep_a_builtin_without_commands_readable() {
        let cases = [
            (
                builtin_state("constrained-pod", 37),
                "#scenario=constrained-pod&entry=37",
            ),
            (
                SharedState {
                    seed: 7,
                    pod: Some("default/with-toleration".into()),
                    ..builtin_state("tainted-node", 0)
                },
                "#scenario=tainted-node&seed=7&entry=0&pod=default/with-toleration",
            ),
            (
                SharedState {
                    scenario: ScenarioSource::Text {
                        name: "my copy".into(),
                        text: scenario::builtin("demo-pod").unwrap_or_default(),
                    },
                    ..builtin_state("x", 3)
                },
                "#scenario=demo-pod&entry=3",
            ),
        ];
        for (state, want) in cases {
            assert_eq!(fragment(&state), want);
            let config = AppConfig::from_fragment(want);
            assert_eq!(config.problems, Vec::<String>::new());
            assert_eq!(
                (config.seed_or_default(), config.entry, config.pod.as_ref()),
                (state.seed, Some(state.entry), state.pod.as_ref()),
                "{want}"
            );
        }
        assert_eq!(
            AppConfig::from_fragment("#pod=%3Cscript%3E").problems,
            vec!["The pod setting \"<script>\" is not a pod written namespace/name; podflow used its default.".to_string()]
        );
    }

    #[test]
    fn should_round_trip_every_kind_of_command_through_a_state_link() {
        let state = SharedState {
            scenario: ScenarioSource::Text {
                name: "edited <script>alert(1)</script>".into(),
                text: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: x\n".into(),
            },
            seed: 42,
            entry: 33,
            pod: Some("default/second".into()),
            commands: some_commands(),
        };
        let link = fragment(&state);
        let encoded = link.strip_prefix("#state=").expect("a state link");
        assert!(encoded
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'));
        assert_eq!(decode_state(encoded), Ok(state.clone()));
        // ... and through AppConfig, as the page reads it.
        let config = AppConfig::from_fragment(&link);
        assert_eq!(config.problems, Vec::<String>::new());
        assert_eq!(config.scenario, Some(state.scenario.clone()));
        assert_eq!(
            (config.seed, config.entry, config.pod.clone()),
            (Some(42), Some(33), state.pod.clone())
        );
        assert_eq!(config.commands, state.commands);
    }

    #[test]
    fn should_keep_every_seed_scenario_link_under_2000_characters_even_edited_with_commands() {
        let mut longest = 0;
        for name in scenario::builtin_names() {
            let text = scenario::builtin(name).unwrap_or_default();
            // Every line edited: the whole text differs from the built-in.
            let edited: String = text
                .lines()
                .map(|line| format!("{line}  \n"))
                .collect::<String>()
                .replace("nginx", "nginx-edited");
            let state = SharedState {
                scenario: ScenarioSource::Text {
                    name: format!("{name} (edited)"),
                    text: edited.clone(),
                },
                seed: 123_456,
                entry: 250,
                pod: Some("default/second".into()),
                commands: some_commands(),
            };
            let link = share_link(
                &format!("{BASE}index.html"),
                &state,
                InspectorTab::Manifest,
                None,
            );
            assert!(link.len() < 2000, "{name}: {} characters", link.len());
            longest = longest.max(link.len());
            let decoded = decode_state(link.split_once("#state=").map_or("", |(_, s)| s));
            assert_eq!(decoded.map(|d| d.scenario), Ok(state.scenario));
        }
        // The figure in the README.
        assert!(longest > 500, "{longest}");
        println!("longest edited seed scenario link: {longest} characters");
    }

    #[test]
    fn should_name_the_inspector_tab_in_the_link_unless_it_is_the_manifest() {
        let state = SharedState {
            scenario: ScenarioSource::Builtin("constrained-pod".into()),
            seed: DEFAULT_SEED,
            entry: 14,
            pod: None,
            commands: Vec::new(),
        };
        let page = format!("{BASE}index.html#scenario=demo-pod");
        let cases = [
            (InspectorTab::Manifest, ""),
            (InspectorTab::Scheduler, "&tab=scheduler"),
            (InspectorTab::Events, "&tab=events"),
        ];
        for (tab, suffix) in cases {
            assert_eq!(
                share_link(&page, &state, tab, None),
                format!("{BASE}#scenario=constrained-pod&entry=14{suffix}")
            );
            // The link opens the same tab.
            let fragment = format!("#scenario=constrained-pod&entry=14{suffix}");
            let opened = crate::ui::config::AppConfig::from_fragment(&fragment).tab;
            assert_eq!(opened.unwrap_or(InspectorTab::Manifest), tab);
        }
        // A state link carries the tab after its state.
        let mut with_commands = state.clone();
        with_commands.commands = some_commands();
        let link = share_link(&page, &with_commands, InspectorTab::Stored, None);
        assert!(link.ends_with("&tab=stored"), "{link}");
        // The Describe tab names the node it describes; other tabs never do.
        let link = share_link(
            &page,
            &state,
            InspectorTab::Describe,
            Some(&DescribedObject::Node("node-c".into())),
        );
        assert!(
            link.ends_with("&entry=14&tab=describe&node=node-c"),
            "{link}"
        );
        let opened = crate::ui::config::AppConfig::from_fragment(
            "#scenario=constrained-pod&entry=14&tab=describe&node=node-c",
        );
        assert_eq!(opened.node.as_deref(), Some("node-c"));
        assert!(opened.problems.is_empty(), "{:?}", opened.problems);
        let link = share_link(
            &page,
            &state,
            InspectorTab::Events,
            Some(&DescribedObject::Node("node-c".into())),
        );
        assert!(link.ends_with("&tab=events"), "{link}");
        // A described budget is named as namespace/name.
        let link = share_link(
            &page,
            &state,
            InspectorTab::Describe,
            Some(&DescribedObject::Budget("default/web-pdb".into())),
        );
        assert!(
            link.ends_with("&tab=describe&pdb=default/web-pdb"),
            "{link}"
        );
        let opened = crate::ui::config::AppConfig::from_fragment(
            "#scenario=preemption-pdb&tab=describe&pdb=default/web-pdb",
        );
        assert_eq!(opened.pdb.as_deref(), Some("default/web-pdb"));
        assert!(opened.problems.is_empty(), "{:?}", opened.problems);
        assert_eq!(
            crate::ui::config::AppConfig::from_fragment("#pdb=web-pdb").problems,
            ["The pdb setting \"web-pdb\" is not a PodDisruptionBudget written namespace/name; podflow used its default."]
        );
        assert_eq!(
            crate::ui::config::AppConfig::from_fragment("#node=%3Cb%3E").problems,
            ["The node setting \"<b>\" is not a node name; podflow used its default."]
        );
    }

    fn packed(json: &str) -> String {
        base64url_encode(&miniz_oxide::deflate::compress_to_vec(json.as_bytes(), 9))
    }

    #[test]
    fn should_refuse_hostile_state_links_with_one_clear_sentence() {
        let valid = encode_state(&SharedState {
            commands: some_commands(),
            ..builtin_state("demo-pod", 3)
        });
        let bomb = base64url_encode(&miniz_oxide::deflate::compress_to_vec(
            &vec![b' '; MAX_UNPACKED_BYTES + 10],
            9,
        ));
        let cases: Vec<(String, &str)> = vec![
            ("a".repeat(MAX_STATE_LEN + 1), "The shared link is longer than 65536 characters, so podflow opened the default scenario instead."),
            ("not*base64!".into(), "The shared link is not valid base64url text (it may have been cut short or changed), so podflow opened the default scenario instead."),
            ("%3Cscript%3E".into(), "The shared link is not valid base64url text (it may have been cut short or changed), so podflow opened the default scenario instead."),
            ("abcde".into(), "The shared link is not valid base64url text (it may have been cut short or changed), so podflow opened the default scenario instead."),
            (valid.get(..valid.len() / 2).unwrap_or("").to_string(), "The shared link could not be unpacked (it may have been cut short or changed), so podflow opened the default scenario instead."),
            ("AAAAAAAA".into(), "The shared link could not be unpacked (it may have been cut short or changed), so podflow opened the default scenario instead."),
            (bomb, "The shared link unpacks to more than 524288 bytes, so podflow opened the default scenario instead."),
            (packed("{\"v\":1,"), "The shared link does not hold a podflow state (its JSON is malformed), so podflow opened the default scenario instead."),
            (packed("[1,2]"), "The shared link does not hold a podflow state (it is not a JSON object), so podflow opened the default scenario instead."),
            (packed("{\"scenario\":\"demo-pod\"}"), "The shared link has no format version, so podflow opened the default scenario instead."),
            (packed("{\"v\":2,\"scenario\":\"demo-pod\"}"), "The shared link was written in format version 2, and this podflow reads version 1, so podflow opened the default scenario instead."),
            (packed("{\"v\":1}"), "The shared link names no scenario, so podflow opened the default scenario instead."),
            (packed("{\"v\":1,\"scenario\":7}"), "The shared link has a scenario that is not text, so podflow opened the default scenario instead."),
            (packed(&format!("{{\"v\":1,\"name\":\"{}\",\"text\":\"\"}}", "x".repeat(101))), "The shared link has a scenario name longer than 100 characters, so podflow opened the default scenario instead."),
            (packed("{\"v\":1,\"scenario\":\"demo-pod\",\"entry\":-1}"), "The shared link has a entry that is not a whole number, so podflow opened the default scenario instead."),
            (packed("{\"v\":1,\"scenario\":\"demo-pod\",\"pod\":\"<b>x</b>\"}"), "The shared link has a pod that is not written namespace/name, so podflow opened the default scenario instead."),
            (packed("{\"v\":1,\"scenario\":\"demo-pod\",\"commands\":{}}"), "The shared link has commands that are not a list, so podflow opened the default scenario instead."),
            (packed(&format!("{{\"v\":1,\"scenario\":\"demo-pod\",\"commands\":[{}]}}", vec!["{\"at\":1,\"do\":\"cordon\",\"node\":\"a\"}"; 101].join(","))), "The shared link holds 101 commands, more than the 100 podflow replays, so podflow opened the default scenario instead."),
            (packed("{\"v\":1,\"scenario\":\"demo-pod\",\"commands\":[{\"at\":1,\"do\":\"<script>alert(1)</script>\"}]}"), "The shared link has a command 1 of the unknown kind \"<script>alert(1)</script>\", so podflow opened the default scenario instead."),
            (packed("{\"v\":1,\"scenario\":\"demo-pod\",\"commands\":[{\"at\":1,\"do\":\"cordon\"}]}"), "The shared link has a command 1 without its node, so podflow opened the default scenario instead."),
            (packed("{\"v\":1,\"scenario\":\"demo-pod\",\"commands\":[{\"do\":\"cordon\",\"node\":\"a\"}]}"), "The shared link has a command 1 without its entry, so podflow opened the default scenario instead."),
            (packed("{\"v\":1,\"scenario\":\"demo-pod\",\"commands\":[{\"at\":1,\"do\":\"cordon\",\"node\":\"a\",\"as\":{\"Root\":1}}]}"), "The shared link has a command 1 with credentials podflow does not know, so podflow opened the default scenario instead."),
        ];
        for (encoded, want) in cases {
            assert_eq!(
                decode_state(&encoded),
                Err(want.to_string()),
                "{encoded:.60}"
            );
            let config = AppConfig::from_fragment(&format!("#state={encoded}"));
            assert_eq!(config.problems, vec![want.to_string()]);
            assert_eq!(config.scenario, None, "the default scenario opens");
            assert!(config.commands.is_empty());
        }
    }

    #[test]
    fn should_encode_and_decode_base64url() {
        let cases: [(&[u8], &str); 5] = [
            (b"", ""),
            (b"f", "Zg"),
            (b"fo", "Zm8"),
            (b"foo", "Zm9v"),
            (&[0xfb, 0xff, 0xfe], "-__-"),
        ];
        for (bytes, text) in cases {
            assert_eq!(base64url_encode(bytes), text);
            assert_eq!(base64url_decode(text).as_deref(), Some(bytes));
        }
        assert_eq!(base64url_decode("Zm9v=").as_deref(), Some(&b"foo"[..]));
        assert_eq!(base64url_decode("Z"), None);
        assert_eq!(base64url_decode("Zm+v"), None);
    }

    #[test]
    fn should_find_the_base_url_of_the_page() {
        let cases = [
            (
                "https://x.io/docs/podflow/index.html#scenario=a",
                "https://x.io/docs/podflow/",
            ),
            (
                "https://x.io/docs/podflow/?embed=1#state=abc",
                "https://x.io/docs/podflow/",
            ),
            ("https://x.io/docs/podflow/", "https://x.io/docs/podflow/"),
            ("https://x.io/docs/podflow", "https://x.io/docs/podflow/"),
            ("https://x.io", "https://x.io/"),
            (
                "http://127.0.0.1:8080/index.html?a=b",
                "http://127.0.0.1:8080/",
            ),
            ("file:///home/me/dist/index.html", "file:///home/me/dist/"),
        ];
        for (href, want) in cases {
            assert_eq!(base_url(href), want, "{href}");
        }
    }

    #[test]
    fn should_write_both_embed_snippets_for_a_builtin() {
        let state = builtin_state("constrained-pod", 37);
        assert_eq!(
            div_snippet(BASE, &state),
            "<script type=\"module\" src=\"https://example.github.io/podflow/podflow.js\"></script>\n<div data-podflow data-scenario=\"constrained-pod\" data-entry=\"37\"></div>"
        );
        assert_eq!(
            iframe_snippet(BASE, &state),
            "<iframe src=\"https://example.github.io/podflow/index.html?embed=1&scenario=constrained-pod&entry=37\" title=\"podflow: The seed&#39;s constrained-pod, corrected (spec.affinity.nodeAffinity)\" width=\"100%\" height=\"560\" style=\"border:0\" loading=\"lazy\"></iframe>"
        );
        let edited = SharedState {
            commands: some_commands(),
            ..state
        };
        let iframe = iframe_snippet(BASE, &edited);
        assert!(
            iframe.starts_with(
                "<iframe src=\"https://example.github.io/podflow/index.html?embed=1#state="
            ),
            "{iframe}"
        );
        // The frame reads the state from its fragment.
        let src = iframe
            .split('"')
            .nth(1)
            .and_then(|src| src.split_once('?'))
            .map(|(_, rest)| rest)
            .unwrap_or_default();
        let (query, fragment) = src.split_once('#').unwrap_or((src, ""));
        let config = AppConfig::from_frame(query, fragment);
        assert_eq!(config.problems, Vec::<String>::new());
        assert_eq!(config.commands, edited.commands);
        assert_eq!(config.entry, Some(37));
    }

    #[test]
    fn should_put_a_scenarios_own_text_in_a_script_that_cannot_be_closed_early() {
        let text = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: x\n  annotations:\n    note: \"</SCRIPT><img src=x onerror=alert(1)> <!-- \"\n";
        let state = SharedState {
            scenario: ScenarioSource::Text {
                name: "mine".into(),
                text: text.into(),
            },
            ..builtin_state("x", 2)
        };
        let snippet = div_snippet(BASE, &state);
        let body = snippet
            .split_once("<script type=\"application/yaml\">\n")
            .and_then(|(_, rest)| rest.rsplit_once("\n</script>"))
            .map(|(body, _)| body)
            .expect("a yaml script");
        let lower = body.to_ascii_lowercase();
        assert!(
            !lower.contains("</script") && !lower.contains("<!--"),
            "{body}"
        );
        assert_eq!(
            scenario::parse_documents(body).ok(),
            scenario::parse_documents(text).ok()
        );
        assert!(
            snippet.contains("<div data-podflow data-entry=\"2\">"),
            "{snippet}"
        );
        // Ordinary YAML is kept as written.
        assert_eq!(script_safe_scenario("kind: Pod\n"), "kind: Pod\n");
    }
}
