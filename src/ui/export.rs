//! "Export YAML": the current scenario as the multi-document YAML the CLI reads (`podflow run FILE`).
//!
//! The scenario's own documents come first (its text as written, so comments stay), then every
//! manifest applied from the page (the editor's applies, added nodes) in the order they were issued.
//! Cluster actions that are not objects (cordon, uncordon, taint, label, delete) cannot be written as
//! documents; a header comment lists them as the kubectl commands they were, with their entries.
//! Simplification: the CLI applies the exported manifests at the story's start, one after another,
//! not at the entries where they were applied in the page, so the timing of the run differs.
//!
//! Pure Rust, natively tested.

use serde_json::Value;

use crate::engine::kubectl::{taint_string, ClientAction};
use crate::engine::scenario;
use crate::ui::config::ScenarioSource;
use crate::ui::playback::{RecordedCommand, DEFAULT_SEED};
use crate::ui::share::SharedState;
use crate::ui::view_state::UserCommand;

/// The file name offered for the download: the scenario's name, made safe, with `.yaml`.
pub fn file_name(state: &SharedState) -> String {
    let name = match &state.scenario {
        ScenarioSource::Builtin(name) | ScenarioSource::Text { name, .. } => name.as_str(),
        ScenarioSource::Synthetic(_) => "scenario",
    };
    let safe: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    let safe = safe.trim_matches('-');
    if safe.is_empty() {
        "scenario.yaml".to_string()
    } else {
        format!("{safe}.yaml")
    }
}

/// kubectl's spelling of a cluster action that is not an object.
fn kubectl_line(action: &ClientAction) -> Option<String> {
    let namespace_flag = |namespace: &Option<String>| {
        namespace
            .as_deref()
            .map(|n| format!(" -n {n}"))
            .unwrap_or_default()
    };
    Some(match action {
        ClientAction::Apply { .. } => return None,
        ClientAction::Cordon { node, .. } => format!("kubectl cordon {node}"),
        ClientAction::Uncordon { node, .. } => format!("kubectl uncordon {node}"),
        ClientAction::Drain { node, options, .. } => options.command_line(node),
        ClientAction::DrainProgress(_) => return None,
        ClientAction::Taint {
            node,
            taint,
            remove,
            ..
        } => format!(
            "kubectl taint nodes {node} {}{}",
            taint_string(taint),
            if *remove { "-" } else { "" }
        ),
        ClientAction::Label {
            resource,
            namespace,
            name,
            key,
            value,
            ..
        } => match value {
            Some(value) => format!(
                "kubectl label {resource} {name} {key}={value}{}",
                namespace_flag(namespace)
            ),
            None => format!(
                "kubectl label {resource} {name} {key}-{}",
                namespace_flag(namespace)
            ),
        },
        ClientAction::Delete {
            resource,
            namespace,
            name,
            grace_period_seconds,
            ..
        } => format!(
            "kubectl delete {resource} {name}{}{}",
            namespace_flag(namespace),
            grace_period_seconds
                .map(|g| format!(" --grace-period={g}"))
                .unwrap_or_default()
        ),
    })
}

/// The documents a command applied, as YAML stream text (one or more documents, without a leading
/// `---`): the editor's YAML as typed, so its comments stay; objects (an added node, JSON text) as
/// indented JSON, which is YAML too. Empty for actions that are not objects, and for an apply whose text
/// does not parse (it changed nothing).
fn applied_documents(command: &UserCommand) -> Vec<String> {
    match command {
        UserCommand::Apply { yaml } => match scenario::parse_documents(yaml) {
            Ok(documents) if documents.is_empty() => Vec::new(),
            Ok(documents) => {
                let trimmed = yaml.trim_start();
                if trimmed.starts_with('[') || trimmed.starts_with('{') {
                    documents.iter().map(json_document).collect()
                } else {
                    let text = yaml.trim_start_matches("---\n").trim_end();
                    vec![format!("{text}\n")]
                }
            }
            Err(_) => Vec::new(),
        },
        UserCommand::AddNode { node } => vec![json_document(node)],
        UserCommand::Client(ClientAction::Apply { manifest, .. }) => vec![json_document(manifest)],
        _ => Vec::new(),
    }
}

/// One document as indented JSON (valid YAML), ending in a newline.
fn json_document(value: &Value) -> String {
    let mut text = serde_json::to_string_pretty(value).unwrap_or_default();
    text.push('\n');
    text
}

/// The scenario text with the applied manifests, and a header naming what cannot be replayed. Errors
/// when the scenario's text is unknown (a built-in name this podflow does not have).
pub fn export_yaml(state: &SharedState) -> Result<String, String> {
    let (name, text) = match &state.scenario {
        ScenarioSource::Builtin(name) => (
            name.clone(),
            scenario::builtin(name)
                .ok_or_else(|| format!("there is no built-in scenario named {name:?}"))?,
        ),
        ScenarioSource::Text { name, text } => (name.clone(), text.clone()),
        ScenarioSource::Synthetic(_) => {
            return Err("a generated cluster has no scenario text to export".to_string())
        }
    };
    let one_line = |s: &str| s.replace(['\n', '\r'], " ");
    let mut out = format!(
        "# podflow scenario {:?}, exported from the page.\n# Run it with: podflow run {}",
        one_line(&name),
        file_name(state)
    );
    if state.seed != DEFAULT_SEED {
        out.push_str(&format!(" --seed {}", state.seed));
    }
    out.push('\n');
    let actions: Vec<(usize, String)> = state
        .commands
        .iter()
        .filter_map(|RecordedCommand { entry, command }| match command {
            UserCommand::Client(action) => kubectl_line(action).map(|line| (*entry, line)),
            _ => None,
        })
        .collect();
    if !actions.is_empty() {
        out.push_str(
            "# Cluster actions taken in the page (not objects, so `podflow run` does not replay them):\n",
        );
        for (entry, line) in actions {
            out.push_str(&format!("#   {} (at entry {entry})\n", one_line(&line)));
        }
    }
    // A JSON scenario is rewritten one document at a time (JSON is YAML), so the manifests can follow.
    let trimmed = text.trim_start();
    if trimmed.starts_with('[') || trimmed.starts_with('{') {
        let documents = scenario::parse_documents(&text).map_err(|e| e.to_string())?;
        for document in &documents {
            out.push_str("---\n");
            out.push_str(&json_document(document));
        }
    } else {
        out.push_str("---\n");
        out.push_str(text.trim_start_matches("---\n").trim_end());
        out.push('\n');
    }
    for recorded in &state.commands {
        let documents = applied_documents(&recorded.command);
        for (index, document) in documents.iter().enumerate() {
            out.push_str("---\n");
            if index == 0 {
                out.push_str(&format!(
                    "# applied in the page at entry {}\n",
                    recorded.entry
                ));
            }
            out.push_str(document);
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::api::Credentials;
    use crate::engine::printers::pod_status;
    use crate::engine::sim::Simulation;
    use crate::ui::playback::{stored_pod, Playback};

    const SECOND_POD: &str = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: second\nspec:\n  containers:\n  - name: c\n    image: nginx:latest\n    resources:\n      requests:\n        cpu: 100m\n";

    fn pods_and_statuses(sim: &Simulation) -> Vec<(String, String)> {
        let mut pods: Vec<(String, String)> = sim
            .api
            .store
            .list(&crate::engine::store::key("pods", Some("default"), ""))
            .filter_map(|(_, stored)| match &stored.object {
                crate::engine::objects::Object::Pod(pod) => Some((
                    pod.metadata.name.clone().unwrap_or_default(),
                    pod_status(pod),
                )),
                _ => None,
            })
            .collect();
        pods.sort();
        pods
    }

    #[test]
    fn should_export_a_file_the_cli_runs_to_the_same_pods() {
        let mut playback = Playback::builtin("constrained-pod", DEFAULT_SEED).expect("loads");
        playback.run_to_end();
        let start = playback.story_start();
        playback.seek(start + 6);
        playback.command(UserCommand::Apply {
            yaml: format!("{SECOND_POD}---\n{}", SECOND_POD.replace("second", "third")),
        });
        playback.run_to_end();
        playback.seek(start + 30);
        playback.command(UserCommand::Client(ClientAction::Cordon {
            credentials: Credentials::ClusterAdmin,
            node: "node-a".into(),
        }));
        playback.run_to_end();
        let state = SharedState {
            scenario: ScenarioSource::Builtin("constrained-pod".into()),
            seed: DEFAULT_SEED,
            entry: 0,
            pod: None,
            commands: playback.history(),
        };
        let yaml = export_yaml(&state).expect("exports");
        assert!(
            yaml.starts_with("# podflow scenario \"constrained-pod\", exported from the page.\n# Run it with: podflow run constrained-pod.yaml\n# Cluster actions taken in the page (not objects, so `podflow run` does not replay them):\n#   kubectl cordon node-a (at entry 30)\n---\n"),
            "{yaml}"
        );
        let parsed = scenario::parse("constrained-pod", &yaml).expect("the CLI parses it");
        let names: Vec<&str> = parsed
            .applications
            .iter()
            .filter_map(|a| a.manifest.pointer("/metadata/name")?.as_str())
            .collect();
        assert_eq!(names, vec!["constrained-pod", "second", "third"]);
        // Run as the CLI runs it: the same pods, with the same statuses.
        let mut sim = scenario::start(&parsed, DEFAULT_SEED).expect("starts");
        sim.run_to_quiescence(1_000_000);
        let last = playback.last_position();
        let page = playback.seek(last);
        let exported = pods_and_statuses(&sim);
        assert_eq!(exported, pods_and_statuses(&page));
        assert_eq!(exported.len(), 3);
        assert!(stored_pod(&sim.api.store.current(), "default/third").is_some());
    }

    #[test]
    fn should_rewrite_a_json_scenario_one_document_at_a_time() {
        let state = SharedState {
            scenario: ScenarioSource::Text {
                name: "My JSON/scenario".into(),
                text: "[{\"apiVersion\":\"v1\",\"kind\":\"Node\",\"metadata\":{\"name\":\"n\"}}]"
                    .into(),
            },
            seed: 9,
            entry: 0,
            pod: None,
            commands: Vec::new(),
        };
        assert_eq!(file_name(&state), "my-json-scenario.yaml");
        let with_node = SharedState {
            commands: vec![RecordedCommand {
                entry: 3,
                command: UserCommand::AddNode {
                    node: serde_json::json!({"apiVersion": "v1", "kind": "Node", "metadata": {"name": "added"}}),
                },
            }],
            ..state.clone()
        };
        let exported = export_yaml(&with_node).expect("exports");
        let parsed = scenario::parse("json", &exported).expect("the CLI parses it");
        let names: Vec<&str> = parsed
            .nodes
            .iter()
            .filter_map(|n| n.pointer("/metadata/name")?.as_str())
            .collect();
        assert_eq!(names, vec!["n", "added"]);
        assert_eq!(
            export_yaml(&state).as_deref(),
            Ok("# podflow scenario \"My JSON/scenario\", exported from the page.\n# Run it with: podflow run my-json-scenario.yaml --seed 9\n---\n{\n  \"apiVersion\": \"v1\",\n  \"kind\": \"Node\",\n  \"metadata\": {\n    \"name\": \"n\"\n  }\n}\n")
        );
    }

    #[test]
    fn should_spell_cluster_actions_as_kubectl_commands() {
        let admin = Credentials::ClusterAdmin;
        let cases = [
            (
                ClientAction::Uncordon {
                    credentials: admin.clone(),
                    node: "node-c".into(),
                },
                "kubectl uncordon node-c",
            ),
            (
                ClientAction::Label {
                    credentials: admin.clone(),
                    resource: "nodes".into(),
                    namespace: None,
                    name: "node-a".into(),
                    key: "disktype".into(),
                    value: None,
                    overwrite: false,
                },
                "kubectl label nodes node-a disktype-",
            ),
            (
                ClientAction::Delete {
                    credentials: admin,
                    resource: "pods".into(),
                    namespace: Some("default".into()),
                    name: "demo-pod".into(),
                    grace_period_seconds: Some(0),
                },
                "kubectl delete pods demo-pod -n default --grace-period=0",
            ),
        ];
        for (action, want) in cases {
            assert_eq!(kubectl_line(&action).as_deref(), Some(want));
        }
    }
}
