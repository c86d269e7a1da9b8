//! What one podflow instance is asked to show, read from where it was asked.
//!
//! The full page reads its URL fragment (`#scenario=constrained-pod&step=6`), an iframe reads its query
//! (`index.html?embed=1&scenario=…`), and a widget in a docs page reads the `data-*` attributes of its
//! `<div data-podflow>`. All three become one [`AppConfig`], the only input of [`crate::ui::app::App`].
//! Parsing is pure (natively tested) and never fails: a value podflow cannot use becomes a message in
//! [`AppConfig::problems`], shown in the page, and the default is used instead.

use crate::ui::components::controls::SPEEDS;
use crate::ui::playback::RecordedCommand;
use crate::ui::share;
use crate::ui::view_state::InspectorTab;

/// The colour scheme: `auto` follows `prefers-color-scheme`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Theme {
    #[default]
    Auto,
    Light,
    Dark,
}

impl Theme {
    pub const ALL: [Theme; 3] = [Theme::Auto, Theme::Light, Theme::Dark];

    /// The attribute value (`auto`, `light`, `dark`), also the value of `data-theme` on `.pf-app`.
    pub fn as_str(self) -> &'static str {
        match self {
            Theme::Auto => "auto",
            Theme::Light => "light",
            Theme::Dark => "dark",
        }
    }

    pub fn parse(text: &str) -> Option<Theme> {
        Theme::ALL
            .into_iter()
            .find(|t| t.as_str().eq_ignore_ascii_case(text.trim()))
    }
}

/// Where the instance lives. Only the full page owns the URL fragment and the document's keyboard.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Host {
    /// `index.html`: the whole page is podflow.
    #[default]
    Page,
    /// `index.html?embed=1`: the whole page is podflow, inside someone else's iframe.
    Frame,
    /// A `<div data-podflow>` in someone else's page, beside other widgets.
    Widget,
}

/// Which parts show.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Layout {
    /// Everything: flow, caption, controls, inspector, cluster, timeline.
    #[default]
    Full,
    /// The flow diagram, the caption and the controls (with the timeline): for docs pages.
    Compact,
}

impl Layout {
    pub fn as_str(self) -> &'static str {
        match self {
            Layout::Full => "full",
            Layout::Compact => "compact",
        }
    }
}

/// The scenario to open.
#[derive(Clone, Debug, PartialEq)]
pub enum ScenarioSource {
    /// A built-in scenario by name (`scenario::builtin_names`).
    Builtin(String),
    /// Scenario text (multi-document YAML, JSON or a List), as the CLI's `run` reads it.
    Text { name: String, text: String },
    /// A generated cluster (the frame benchmark's `#synthetic=20x200`), or why it is refused.
    Synthetic(Result<SyntheticSize, String>),
}

/// Everything an instance is asked for. `Default` is the full page on its default scenario.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct AppConfig {
    pub host: Host,
    pub layout: Layout,
    /// `None`: the default scenario.
    pub scenario: Option<ScenarioSource>,
    /// The engine's seed; `None`: `playback::DEFAULT_SEED`.
    pub seed: Option<u64>,
    /// Open at the first entry of this seed story step (1–9) of the first pod.
    pub step: Option<u8>,
    /// Open at this entry of the story (counted from 0); ignored when `step` is given.
    pub entry: Option<usize>,
    /// Index into [`SPEEDS`]; `None`: the saved preference or 1×.
    pub speed: Option<usize>,
    pub autoplay: bool,
    /// `None`: the saved preference, or `auto`.
    pub theme: Option<Theme>,
    /// A CSS length for the widget's height (`480px`, `30rem`, `60vh`), already checked.
    pub height: Option<String>,
    /// The pod to follow (`namespace/name`); `None`: the story's first pod.
    pub pod: Option<String>,
    /// Cluster-changing commands to replay at their entries (a share link's `state`).
    pub commands: Vec<RecordedCommand>,
    /// The inspector tab to open; `None`: the Manifest tab.
    pub tab: Option<InspectorTab>,
    /// The node the Describe tab describes (`node=node-c`), which opens that tab.
    pub node: Option<String>,
    /// The PodDisruptionBudget the Describe tab describes (`pdb=default/web-pdb`), which opens that
    /// tab.
    pub pdb: Option<String>,
    /// What podflow could not use, one sentence each, shown above the widget.
    pub problems: Vec<String>,
}

/// The most nodes a `#synthetic=` link may ask for.
pub const MAX_SYNTHETIC_NODES: usize = 100;
/// The most pods a `#synthetic=` link may ask for.
pub const MAX_SYNTHETIC_PODS: usize = 1000;

/// The size of a generated cluster: `nodes` nodes and `pods` pods to apply.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SyntheticSize {
    pub nodes: usize,
    pub pods: usize,
}

/// Reads `<nodes>x<pods>` (e.g. `20x200`), refusing sizes outside 1..=[`MAX_SYNTHETIC_NODES`] nodes
/// and 1..=[`MAX_SYNTHETIC_PODS`] pods so a link cannot make the page work for minutes.
pub fn parse_synthetic_size(text: &str) -> Result<SyntheticSize, String> {
    let refuse = |why: String| {
        format!(
            "The link asks for a synthetic cluster of {text:?}, which podflow cannot show: {why}"
        )
    };
    let (nodes, pods) = text
        .split_once('x')
        .ok_or_else(|| refuse("write it as <nodes>x<pods>, for example 20x200".to_string()))?;
    let count = |what: &str, value: &str, max: usize| match value.parse::<usize>() {
        Ok(n) if (1..=max).contains(&n) => Ok(n),
        _ => Err(refuse(format!(
            "the number of {what} must be a whole number from 1 to {max}"
        ))),
    };
    Ok(SyntheticSize {
        nodes: count("nodes", nodes, MAX_SYNTHETIC_NODES)?,
        pods: count("pods", pods, MAX_SYNTHETIC_PODS)?,
    })
}

/// The longest value podflow reads from an attribute or a link parameter (inline YAML excepted).
const MAX_VALUE_LEN: usize = 200;

/// Shortens a value for a message, so a hostile one cannot flood the page.
pub fn quoted(value: &str) -> String {
    let mut short: String = value.chars().take(40).collect();
    if short.len() < value.len() {
        short.push('…');
    }
    format!("{short:?}")
}

/// The speed `x` (`0.25` … `4`, with or without `x`/`×`) as an index into [`SPEEDS`].
pub fn parse_speed(text: &str) -> Option<usize> {
    let number = text.trim().trim_end_matches(['x', '×']);
    let value = number.parse::<f64>().ok()?;
    SPEEDS.iter().position(|s| *s == value)
}

/// A story step, `1` … `9`.
pub fn parse_step(text: &str) -> Option<u8> {
    text.trim()
        .parse::<u8>()
        .ok()
        .filter(|s| (1..=9).contains(s))
}

/// A CSS length podflow accepts for `height`: a number with `px`, `rem`, `em` or `vh` (a bare number
/// means pixels), from 120 px (or its equivalent) up. Anything else (`calc(…)`, `;`) is refused, so the
/// value can be written into a style attribute safely.
pub fn parse_height(text: &str) -> Option<String> {
    let text = text.trim();
    let (number, unit) = match text.find(|c: char| c.is_ascii_alphabetic()) {
        Some(at) => text.split_at(at),
        None => (text, "px"),
    };
    let value = number.parse::<f64>().ok().filter(|v| v.is_finite())?;
    let minimum = match unit {
        "px" => 120.0,
        "rem" | "em" => 7.5,
        "vh" => 10.0,
        _ => return None,
    };
    (value >= minimum && value <= 10_000.0).then(|| format!("{value}{unit}"))
}

/// Whether `name` can be an object's name in a link: a DNS subdomain's characters and length. The
/// engine says whether such an object exists.
fn is_object_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 253
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'.')
}

fn parse_flag(text: &str) -> Option<bool> {
    match text.trim().to_ascii_lowercase().as_str() {
        "" | "1" | "true" | "yes" | "on" | "autoplay" => Some(true),
        "0" | "false" | "no" | "off" => Some(false),
        _ => None,
    }
}

impl AppConfig {
    /// Applies one `key=value` setting (a link parameter or a `data-*` attribute without `data-`).
    /// Returns false for a key podflow does not know.
    fn set(&mut self, key: &str, value: &str) -> bool {
        if key == "state" {
            // A share link's whole state (see `ui::share`), which checks its own size.
            match share::decode_state(value) {
                Ok(state) => {
                    self.scenario = Some(state.scenario);
                    self.seed = Some(state.seed);
                    self.entry = Some(state.entry);
                    self.step = None;
                    self.pod = state.pod;
                    self.commands = state.commands;
                }
                Err(message) => self.problems.push(message),
            }
            return true;
        }
        if value.len() > MAX_VALUE_LEN {
            self.problems.push(format!(
                "The {key} setting is longer than {MAX_VALUE_LEN} characters and was ignored."
            ));
            return true;
        }
        let mut refuse = |want: &str| {
            self.problems.push(format!(
                "The {key} setting {} is not {want}; podflow used its default.",
                quoted(value)
            ))
        };
        match key {
            "scenario" => {
                if value.is_empty() {
                    refuse("a built-in scenario name");
                } else {
                    self.scenario = Some(ScenarioSource::Builtin(value.to_string()));
                }
            }
            "synthetic" => {
                self.scenario = Some(ScenarioSource::Synthetic(parse_synthetic_size(value)))
            }
            "seed" => match value.trim().parse::<u64>() {
                Ok(seed) => self.seed = Some(seed),
                Err(_) => refuse("a whole number from 0 to 18446744073709551615"),
            },
            "step" => match parse_step(value) {
                Some(step) => self.step = Some(step),
                None => refuse("a story step from 1 to 9"),
            },
            "pod" => match value.split_once('/') {
                Some((namespace, name)) if !namespace.is_empty() && !name.is_empty() => {
                    self.pod = Some(value.to_string())
                }
                _ => refuse("a pod written namespace/name"),
            },
            "tab" => match InspectorTab::parse(value) {
                Some(tab) => self.tab = Some(tab),
                None => {
                    refuse("one of manifest, request, stored, scheduler, events, pods, describe")
                }
            },
            "node" => {
                let name = value.trim();
                if is_object_name(name) {
                    self.node = Some(name.to_string());
                } else {
                    refuse("a node name");
                }
            }
            "pdb" => match value.trim().split_once('/') {
                Some((namespace, name)) if is_object_name(namespace) && is_object_name(name) => {
                    self.pdb = Some(format!("{namespace}/{name}"))
                }
                _ => refuse("a PodDisruptionBudget written namespace/name"),
            },
            "entry" => match value.trim().parse::<usize>() {
                Ok(entry) => self.entry = Some(entry),
                Err(_) => refuse("an entry number"),
            },
            "speed" => match parse_speed(value) {
                Some(speed) => self.speed = Some(speed),
                None => refuse("one of 0.25, 0.5, 1, 2, 4"),
            },
            "play" | "autoplay" => match parse_flag(value) {
                Some(on) => self.autoplay = on,
                None => refuse("true or false"),
            },
            "theme" => match Theme::parse(value) {
                Some(theme) => self.theme = Some(theme),
                None => refuse("auto, light or dark"),
            },
            "height" => match parse_height(value) {
                Some(height) => self.height = Some(height),
                None => refuse("a height such as 480px, 30rem or 60vh"),
            },
            "mode" | "panels" => match value.trim() {
                "compact" => self.layout = Layout::Compact,
                "full" | "all" => self.layout = Layout::Full,
                _ => refuse("compact or full"),
            },
            "compact" => match parse_flag(value) {
                Some(on) => self.layout = if on { Layout::Compact } else { Layout::Full },
                None => refuse("true or false"),
            },
            _ => return false,
        }
        true
    }

    /// Reads `key=value&flag&…` pairs (a URL fragment or query, with or without its `#`/`?`).
    /// Percent-escapes are decoded. Unknown keys are ignored, as links from newer versions may carry them.
    fn read_pairs(&mut self, pairs: &str) {
        for pair in pairs.split('&').filter(|p| !p.is_empty()) {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            let value = percent_decode(value);
            let flag_only = !pair.contains('=');
            match key {
                "play" | "autoplay" | "compact" if flag_only => {
                    self.set(key, "true");
                }
                _ if flag_only => {}
                _ => {
                    self.set(key, &value);
                }
            }
        }
    }

    /// The full page: its URL fragment, e.g. `#scenario=constrained-pod&step=6&speed=2&play`.
    pub fn from_fragment(fragment: &str) -> AppConfig {
        let mut config = AppConfig::default();
        config.read_pairs(fragment.trim_start_matches('#'));
        config
    }

    /// `index.html?embed=1&scenario=…` inside an iframe: the query's settings, compact unless
    /// `mode=full`, then the fragment's (a share link opened in a frame).
    pub fn from_frame(query: &str, fragment: &str) -> AppConfig {
        let mut config = AppConfig {
            host: Host::Frame,
            layout: Layout::Compact,
            ..AppConfig::default()
        };
        config.read_pairs(query.trim_start_matches('?'));
        config.read_pairs(fragment.trim_start_matches('#'));
        config
    }

    /// True when the page's query asks for the iframe mode (`embed=1`, `embed=true`, `embed`).
    pub fn query_asks_for_frame(query: &str) -> bool {
        query
            .trim_start_matches('?')
            .split('&')
            .any(|pair| match pair.split_once('=') {
                None => pair == "embed",
                Some(("embed", value)) => parse_flag(value) == Some(true),
                _ => false,
            })
    }

    /// A `<div data-podflow>` widget: `attributes` are its `data-*` attributes without the `data-`
    /// prefix (`scenario`, `autoplay`, `speed`, `step`, `height`, `theme`, `mode`, `seed`), `inline`
    /// the text of a `<script type="application/yaml">` child, which wins over `scenario`. Widgets
    /// are compact unless `data-mode="full"`.
    pub fn from_widget<'a>(
        attributes: impl IntoIterator<Item = (&'a str, &'a str)>,
        inline: Option<&str>,
    ) -> AppConfig {
        let mut config = AppConfig {
            host: Host::Widget,
            layout: Layout::Compact,
            ..AppConfig::default()
        };
        for (key, value) in attributes {
            if key == "podflow" {
                continue;
            }
            if !config.set(key, value) {
                config.problems.push(format!(
                    "podflow does not know the attribute data-{key}; it was ignored."
                ));
            }
        }
        if let Some(text) = inline.filter(|t| !t.trim().is_empty()) {
            config.scenario = Some(ScenarioSource::Text {
                name: "inline scenario".to_string(),
                text: dedent(text),
            });
        }
        config
    }

    /// The seed to run with.
    pub fn seed_or_default(&self) -> u64 {
        self.seed.unwrap_or(crate::ui::playback::DEFAULT_SEED)
    }
}

/// Removes the indentation every non-blank line shares, and blank lines at the start and end: YAML
/// written inside an indented `<script>` element reads as it would in a file (a `---` separator must
/// start its line).
pub fn dedent(text: &str) -> String {
    let indent = text
        .lines()
        .filter(|line| !line.trim().is_empty())
        .map(|line| line.len() - line.trim_start_matches([' ', '\t']).len())
        .min()
        .unwrap_or(0);
    let lines: Vec<&str> = text
        .lines()
        .map(|line| line.get(indent..).unwrap_or("").trim_end())
        .collect();
    let first = lines.iter().position(|l| !l.is_empty()).unwrap_or(0);
    let last = lines
        .iter()
        .rposition(|l| !l.is_empty())
        .map_or(0, |i| i + 1);
    let mut out = lines.get(first..last).unwrap_or_default().join("\n");
    out.push('\n');
    out
}

/// Decodes `%XX` escapes (and `+` as a space), keeping anything malformed as it is.
pub fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&byte) = bytes.get(i) {
        match byte {
            b'%' => {
                let hex = bytes
                    .get(i + 1..i + 3)
                    .filter(|h| h.iter().all(u8::is_ascii_hexdigit))
                    .and_then(|h| std::str::from_utf8(h).ok())
                    .and_then(|h| u8::from_str_radix(h, 16).ok());
                match hex {
                    Some(byte) => {
                        out.push(byte);
                        i += 3;
                    }
                    None => {
                        out.push(b'%');
                        i += 1;
                    }
                }
            }
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            _ => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn should_read_the_full_page_settings_from_its_fragment() {
        let cases: Vec<(&str, AppConfig)> = vec![
            ("", AppConfig::default()),
            (
                "#scenario=constrained-pod",
                AppConfig {
                    scenario: Some(ScenarioSource::Builtin("constrained-pod".into())),
                    ..AppConfig::default()
                },
            ),
            (
                "#scenario=demo-pod&entry=12",
                AppConfig {
                    scenario: Some(ScenarioSource::Builtin("demo-pod".into())),
                    entry: Some(12),
                    ..AppConfig::default()
                },
            ),
            (
                "#scenario=demo-pod&speed=4&play",
                AppConfig {
                    scenario: Some(ScenarioSource::Builtin("demo-pod".into())),
                    speed: Some(4),
                    autoplay: true,
                    ..AppConfig::default()
                },
            ),
            (
                "#step=6",
                AppConfig {
                    step: Some(6),
                    ..AppConfig::default()
                },
            ),
            (
                "#scenario=constrained-pod&entry=14&tab=Scheduler",
                AppConfig {
                    scenario: Some(ScenarioSource::Builtin("constrained-pod".into())),
                    entry: Some(14),
                    tab: Some(InspectorTab::Scheduler),
                    ..AppConfig::default()
                },
            ),
            ("#podflow-panic-self-test", AppConfig::default()),
            ("#unknown=1&other", AppConfig::default()),
            (
                "#synthetic=20x200&play&speed=4",
                AppConfig {
                    scenario: Some(ScenarioSource::Synthetic(Ok(SyntheticSize {
                        nodes: 20,
                        pods: 200,
                    }))),
                    speed: Some(4),
                    autoplay: true,
                    ..AppConfig::default()
                },
            ),
        ];
        for (fragment, want) in cases {
            assert_eq!(AppConfig::from_fragment(fragment), want, "{fragment}");
        }
    }

    #[test]
    fn should_report_link_values_it_cannot_use_and_keep_the_defaults() {
        let cases = [
            (
                "#speed=3",
                "The speed setting \"3\" is not one of 0.25, 0.5, 1, 2, 4; podflow used its default.",
            ),
            (
                "#step=10",
                "The step setting \"10\" is not a story step from 1 to 9; podflow used its default.",
            ),
            (
                "#entry=x",
                "The entry setting \"x\" is not an entry number; podflow used its default.",
            ),
            (
                "#scenario=",
                "The scenario setting \"\" is not a built-in scenario name; podflow used its default.",
            ),
            (
                "#tab=logs",
                "The tab setting \"logs\" is not one of manifest, request, stored, scheduler, events, pods, describe; podflow used its default.",
            ),
            (
                "#theme=%3Cscript%3E",
                "The theme setting \"<script>\" is not auto, light or dark; podflow used its default.",
            ),
        ];
        for (fragment, want) in cases {
            let config = AppConfig::from_fragment(fragment);
            assert_eq!(config.problems, vec![want.to_string()], "{fragment}");
            assert_eq!(
                AppConfig {
                    problems: Vec::new(),
                    ..config
                },
                AppConfig::default(),
                "{fragment}"
            );
        }
    }

    #[test]
    fn should_refuse_oversized_values_without_echoing_them() {
        let long = "a".repeat(5_000);
        let config = AppConfig::from_fragment(&format!("#scenario={long}"));
        assert_eq!(config.scenario, None);
        assert_eq!(
            config.problems,
            vec!["The scenario setting is longer than 200 characters and was ignored.".to_string()]
        );
    }

    #[test]
    fn should_read_a_widgets_attributes() {
        let config = AppConfig::from_widget(
            [
                ("podflow", ""),
                ("scenario", "constrained-pod"),
                ("autoplay", ""),
                ("speed", "2"),
                ("step", "6"),
                ("height", "480px"),
                ("theme", "dark"),
            ],
            None,
        );
        assert_eq!(
            config,
            AppConfig {
                host: Host::Widget,
                layout: Layout::Compact,
                scenario: Some(ScenarioSource::Builtin("constrained-pod".into())),
                step: Some(6),
                speed: Some(3),
                autoplay: true,
                theme: Some(Theme::Dark),
                height: Some("480px".into()),
                ..AppConfig::default()
            }
        );
        let full = AppConfig::from_widget([("mode", "full"), ("autoplay", "false")], None);
        assert_eq!(full.layout, Layout::Full);
        assert!(!full.autoplay);
        let described = AppConfig::from_widget([("mode", "full"), ("node", "node-b")], None);
        assert_eq!(described.node.as_deref(), Some("node-b"));
        assert!(described.problems.is_empty(), "{:?}", described.problems);
    }

    #[test]
    fn should_prefer_inline_yaml_over_the_scenario_attribute() {
        let config = AppConfig::from_widget(
            [("scenario", "demo-pod")],
            Some("apiVersion: v1\nkind: Pod\n"),
        );
        assert_eq!(
            config.scenario,
            Some(ScenarioSource::Text {
                name: "inline scenario".into(),
                text: "apiVersion: v1\nkind: Pod\n".into()
            })
        );
    }

    #[test]
    fn should_dedent_yaml_written_inside_an_indented_script_element() {
        let inline = "\n      apiVersion: v1\n      kind: Pod\n      metadata:\n        name: x\n      ---\n      kind: Node\n    ";
        assert_eq!(
            dedent(inline),
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: x\n---\nkind: Node\n"
        );
        assert_eq!(dedent("a: 1\n"), "a: 1\n");
        assert_eq!(dedent("   \n"), "\n");
    }

    #[test]
    fn should_name_unknown_widget_attributes() {
        let config = AppConfig::from_widget([("colour", "red")], None);
        assert_eq!(
            config.problems,
            vec!["podflow does not know the attribute data-colour; it was ignored.".to_string()]
        );
    }

    #[test]
    fn should_read_the_frame_settings_from_the_query_then_the_fragment() {
        assert!(AppConfig::query_asks_for_frame("?embed=1&scenario=x"));
        assert!(AppConfig::query_asks_for_frame("?scenario=x&embed"));
        assert!(!AppConfig::query_asks_for_frame("?embed=0"));
        assert!(!AppConfig::query_asks_for_frame(""));
        let config = AppConfig::from_frame("?embed=1&scenario=cordoned-node&step=6", "#speed=2");
        assert_eq!(config.host, Host::Frame);
        assert_eq!(config.layout, Layout::Compact);
        assert_eq!(
            config.scenario,
            Some(ScenarioSource::Builtin("cordoned-node".into()))
        );
        assert_eq!((config.step, config.speed), (Some(6), Some(3)));
        assert!(config.problems.is_empty(), "{:?}", config.problems);
    }

    #[test]
    fn should_accept_only_plain_css_heights() {
        let cases = [
            ("480px", Some("480px")),
            ("480", Some("480px")),
            (" 30rem ", Some("30rem")),
            ("60vh", Some("60vh")),
            ("50px", None),
            ("calc(100% - 1px)", None),
            ("480px; background: red", None),
            ("100%", None),
            ("NaNpx", None),
            ("", None),
        ];
        for (text, want) in cases {
            assert_eq!(parse_height(text).as_deref(), want, "{text}");
        }
    }

    #[test]
    fn should_decode_percent_escapes_and_keep_malformed_ones() {
        let cases = [
            ("a%20b", "a b"),
            ("a+b", "a b"),
            ("%3Cscript%3E", "<script>"),
            ("100%", "100%"),
            ("%zz", "%zz"),
            ("%+1", "% 1"),
            ("%e2%9c%93", "✓"),
            ("%ff", "\u{fffd}"),
        ];
        for (text, want) in cases {
            assert_eq!(percent_decode(text), want, "{text}");
        }
    }
}
