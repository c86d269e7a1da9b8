//! The cluster panel: one card per node (requested vs allocatable cpu and memory, labels, taints, the
//! cordoned mark, the pods bound to it, a Describe button that opens `kubectl describe node`), a Pending area for pods without a node, and the cluster
//! actions (cordon, uncordon, taint, label, delete a pod, add a node), each sent as a [`UserCommand`]
//! that the playback runs through the engine's API server as the cluster admin.
//!
//! Thin: every value comes from [`cluster_model`]; the forms only collect text.

use std::rc::Rc;

use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::engine::printers::{DEPLOYMENT_COLUMNS, PDB_COLUMNS, REPLICA_SET_COLUMNS};
use crate::ui::view_state::{UserCommand, ViewState};

use super::cluster_model::{
    add_node_command, cluster_model, cordon_command, delete_pod_command, drain_command,
    drain_options, label_command, taint_command, NewNode, NodeCard as NodeCardModel,
    PodChip as PodChipModel, ResourceBar,
};
use super::status_icon::StatusIcon;

#[derive(Properties, PartialEq)]
pub struct ClusterPanelProps {
    pub view: Rc<ViewState>,
    pub on_command: Callback<UserCommand>,
}

/// The cluster: nodes as cards (a list at narrow widths), the Pending area, and the add-node form.
#[component]
pub fn ClusterPanel(props: &ClusterPanelProps) -> Html {
    let _span = crate::ui::profile::Span::new(|| "ClusterPanel".into());
    let model = use_memo(props.view.clone(), |view| cluster_model(view));
    let node_count = model.nodes.len();
    html! {
        <section class="pf-cluster" aria-labelledby="pf-cluster-title" data-testid="pf-cluster">
            <div class="pf-cluster-head">
                <h2 class="pf-panel-title" id="pf-cluster-title">{ "Cluster" }</h2>
                <p class="pf-muted pf-cluster-summary">
                    { format!("{} node(s), {} pod(s)", node_count,
                        model.nodes.iter().map(|n| n.pods.len()).sum::<usize>() + model.pending.len()) }
                </p>
            </div>
            <ul class="pf-node-list">
                { for model.nodes.iter().map(|node| html! {
                    <li key={node.name.clone()}>
                        <NodeCard node={Rc::new(node.clone())} on_command={props.on_command.clone()} />
                    </li>
                }) }
            </ul>
            <section class="pf-pending" aria-labelledby="pf-pending-title" data-testid="pf-pending">
                <h3 class="pf-subtitle" id="pf-pending-title">{ "Pending (no node)" }</h3>
                if model.pending.is_empty() {
                    <p class="pf-muted">{ "No pod is waiting for a node." }</p>
                } else {
                    <ul class="pf-chips">
                        { for model.pending.iter().map(|pod| html! {
                            <li key={pod.key.clone()}>
                                <PodChip pod={pod.clone()} on_command={props.on_command.clone()} />
                            </li>
                        }) }
                    </ul>
                }
            </section>
            if !model.deployments.is_empty() || !model.replica_sets.is_empty() || !model.budgets.is_empty() {
                <section class="pf-workloads" aria-labelledby="pf-workloads-title" data-testid="pf-workloads">
                    <h3 class="pf-subtitle" id="pf-workloads-title">{ "Workloads" }</h3>
                    { workload_table("kubectl get deployments", &DEPLOYMENT_COLUMNS, &model.deployments) }
                    { workload_table("kubectl get replicasets", &REPLICA_SET_COLUMNS, &model.replica_sets) }
                    { workload_table("kubectl get poddisruptionbudgets", &PDB_COLUMNS, &model.budgets) }
                </section>
            }
            <AddNodeForm node_count={node_count} on_command={props.on_command.clone()} />
            if let Some(result) = &model.last_kubectl {
                <div class={classes!("pf-kubectl-last", (!result.success).then_some("pf-is-error"))}
                    role="status" aria-live="polite" data-testid="pf-kubectl-last">
                    <span class="pf-muted">{ "kubectl: " }</span>
                    <code class="pf-mono">{ result.lines.join("\n") }</code>
                </div>
            }
        </section>
    }
}

/// One `kubectl get` table of the Workloads section (nothing when it has no rows).
fn workload_table(caption: &'static str, header: &[&str], rows: &[Vec<String>]) -> Html {
    if rows.is_empty() {
        return Html::default();
    }
    html! {
        <div class="pf-scroll">
            <table class="pf-table pf-kubectl-table">
                <caption><code class="pf-mono">{ caption }</code></caption>
                <thead><tr>{ for header.iter().map(|h| html! { <th scope="col">{ *h }</th> }) }</tr></thead>
                <tbody>
                    { for rows.iter().map(|row| html! {
                        <tr key={row.first().cloned().unwrap_or_default()}>
                            { for row.iter().map(|cell| html! { <td class="pf-mono">{ cell.clone() }</td> }) }
                        </tr>
                    }) }
                </tbody>
            </table>
        </div>
    }
}

fn bar(label: &'static str, bar: &ResourceBar) -> Html {
    html! {
        <div class="pf-resource">
            <span class="pf-resource-label">{ label }</span>
            <span class="pf-bar" role="img"
                aria-label={format!("{label}: {} requested of allocatable ({}%)", bar.text, bar.percent)}>
                <span class="pf-bar-fill" style={format!("width: {}%", bar.percent)}></span>
            </span>
            <span class="pf-resource-value pf-mono">{ bar.text.clone() }</span>
        </div>
    }
}

fn input_value(event: &InputEvent) -> String {
    event.target_unchecked_into::<HtmlInputElement>().value()
}

#[derive(Properties, PartialEq)]
struct NodeCardProps {
    node: Rc<NodeCardModel>,
    on_command: Callback<UserCommand>,
}

#[component]
fn NodeCard(props: &NodeCardProps) -> Html {
    let _span = crate::ui::profile::Span::new(|| "NodeCard".into());
    let node = &props.node;
    let taint = use_state(String::new);
    let label = use_state(String::new);
    let error = use_state(|| None::<String>);

    let send = {
        let on_command = props.on_command.clone();
        let error = error.clone();
        move |result: Result<UserCommand, String>| match result {
            Ok(command) => {
                error.set(None);
                on_command.emit(command);
            }
            Err(message) => error.set(Some(message)),
        }
    };
    let on_cordon = {
        let on_command = props.on_command.clone();
        let name = node.name.clone();
        let cordoned = node.cordoned;
        Callback::from(move |_: MouseEvent| on_command.emit(cordon_command(&name, !cordoned)))
    };
    let on_drain = {
        let on_command = props.on_command.clone();
        let name = node.name.clone();
        Callback::from(move |_: MouseEvent| on_command.emit(drain_command(&name)))
    };
    let on_describe = {
        let on_command = props.on_command.clone();
        let name = node.name.clone();
        Callback::from(move |_: MouseEvent| {
            on_command.emit(UserCommand::DescribeNode(Some(name.clone())))
        })
    };
    let taint_action = |remove: bool| {
        let send = send.clone();
        let taint = taint.clone();
        let name = node.name.clone();
        Callback::from(move |_: MouseEvent| send(taint_command(&name, &taint, remove)))
    };
    let label_action = |remove: bool| {
        let send = send.clone();
        let label = label.clone();
        let name = node.name.clone();
        Callback::from(move |_: MouseEvent| send(label_command(&name, &label, remove)))
    };
    let on_taint_input = {
        let taint = taint.clone();
        Callback::from(move |e: InputEvent| taint.set(input_value(&e)))
    };
    let on_label_input = {
        let label = label.clone();
        Callback::from(move |e: InputEvent| label.set(input_value(&e)))
    };
    let id = |what: &str| format!("pf-node-{}-{what}", node.name);

    html! {
        <article class={classes!("pf-node", node.cordoned.then_some("pf-node--cordoned"))}
            aria-labelledby={id("name")} data-testid="pf-node" data-node={node.name.clone()}>
            <header class="pf-node-head">
                <h3 class="pf-node-name pf-mono" id={id("name")}>{ node.name.clone() }</h3>
                <span class="pf-node-head-end">
                    if node.cordoned {
                        <span class="pf-cordoned" data-testid="pf-cordoned">
                            <svg viewBox="0 0 16 16" width="14" height="14" aria-hidden="true" focusable="false">
                                <circle cx="8" cy="8" r="6" fill="none" stroke="currentColor" stroke-width="2" />
                                <path d="M3.8 12.2 L12.2 3.8" stroke="currentColor" stroke-width="2" />
                            </svg>
                            { "cordoned" }
                        </span>
                    }
                    <button type="button" class="pf-button pf-button--small" onclick={on_describe}
                        data-testid="pf-node-describe"
                        aria-label={format!("Describe node {}", node.name)}>{ "Describe" }</button>
                </span>
            </header>
            { bar("cpu", &node.cpu) }
            { bar("memory", &node.memory) }
            <dl class="pf-node-meta">
                <dt>{ "Labels" }</dt>
                <dd>
                    if node.labels.is_empty() && node.system_labels.is_empty() {
                        <span class="pf-muted">{ "none" }</span>
                    }
                    { for node.labels.iter().map(|(k, v)| html! {
                        <code class="pf-tag pf-mono">{ format!("{k}={v}") }</code>
                    }) }
                    if !node.system_labels.is_empty() {
                        <details class="pf-system-labels">
                            <summary>{ format!("{} well-known", node.system_labels.len()) }</summary>
                            { for node.system_labels.iter().map(|(k, v)| html! {
                                <code class="pf-tag pf-mono">{ format!("{k}={v}") }</code>
                            }) }
                        </details>
                    }
                </dd>
                <dt>{ "Taints" }</dt>
                <dd>
                    if node.taints.is_empty() {
                        <span class="pf-muted">{ "none" }</span>
                    }
                    { for node.taints.iter().map(|t| html! {
                        <code class="pf-tag pf-tag--taint pf-mono">{ t.clone() }</code>
                    }) }
                </dd>
            </dl>
            <div class="pf-node-pods">
                <h4 class="pf-visually-hidden">{ format!("Pods on {}", node.name) }</h4>
                if node.pods.is_empty() {
                    <p class="pf-muted">{ "No pods" }</p>
                } else {
                    <ul class="pf-chips">
                        { for node.pods.iter().map(|pod| html! {
                            <li key={pod.key.clone()}>
                                <PodChip pod={pod.clone()} on_command={props.on_command.clone()} />
                            </li>
                        }) }
                    </ul>
                }
            </div>
            <details class="pf-node-actions">
                <summary aria-label={format!("Actions for {}", node.name)}>{ "Actions" }</summary>
                <div class="pf-action-row">
                    <button type="button" class="pf-button" onclick={on_cordon}
                        aria-label={format!("{} {}", if node.cordoned { "Uncordon" } else { "Cordon" }, node.name)}>
                        { if node.cordoned { "Uncordon" } else { "Cordon" } }
                    </button>
                    <button type="button" class="pf-button" onclick={on_drain}
                        title={drain_options().command_line(&node.name)}
                        aria-label={format!("Drain {}: {}", node.name, drain_options().command_line(&node.name))}>
                        { "Drain" }
                    </button>
                </div>
                <div class="pf-action-row">
                    <label class="pf-field">
                        <span class="pf-field-label">{ "Taint" }</span>
                        <input class="pf-input pf-mono" type="text" value={(*taint).clone()}
                            placeholder="key=value:NoSchedule" oninput={on_taint_input}
                            aria-label={format!("Taint for {} (key=value:Effect)", node.name)} />
                    </label>
                    <button type="button" class="pf-button" onclick={taint_action(false)}
                        aria-label={format!("Add taint to {}", node.name)}>{ "Add" }</button>
                    <button type="button" class="pf-button" onclick={taint_action(true)}
                        aria-label={format!("Remove taint from {}", node.name)}>{ "Remove" }</button>
                </div>
                <div class="pf-action-row">
                    <label class="pf-field">
                        <span class="pf-field-label">{ "Label" }</span>
                        <input class="pf-input pf-mono" type="text" value={(*label).clone()}
                            placeholder="key=value" oninput={on_label_input}
                            aria-label={format!("Label for {} (key=value)", node.name)} />
                    </label>
                    <button type="button" class="pf-button" onclick={label_action(false)}
                        aria-label={format!("Add label to {}", node.name)}>{ "Add" }</button>
                    <button type="button" class="pf-button" onclick={label_action(true)}
                        aria-label={format!("Remove label from {}", node.name)}>{ "Remove" }</button>
                </div>
                if let Some(message) = &*error {
                    <p class="pf-form-error" role="alert">{ message.clone() }</p>
                }
            </details>
        </article>
    }
}

#[derive(Properties, PartialEq)]
struct PodChipProps {
    pod: PodChipModel,
    on_command: Callback<UserCommand>,
}

/// A pod: its status shape, name and STATUS word; clicking selects it. The × deletes it.
#[component]
fn PodChip(props: &PodChipProps) -> Html {
    let pod = &props.pod;
    let on_select = {
        let on_command = props.on_command.clone();
        let key = pod.key.clone();
        Callback::from(move |_: MouseEvent| on_command.emit(UserCommand::SelectPod(key.clone())))
    };
    let on_delete = {
        let on_command = props.on_command.clone();
        let key = pod.key.clone();
        Callback::from(move |_: MouseEvent| on_command.emit(delete_pod_command(&key)))
    };
    html! {
        <span class={classes!("pf-chip", pod.kind.class(), pod.selected.then_some("pf-chip--selected"))}
            data-testid="pf-pod-chip" data-pod={pod.key.clone()}>
            <button type="button" class="pf-chip-main" onclick={on_select}
                aria-pressed={if pod.selected { "true" } else { "false" }}
                aria-label={format!("Follow pod {}", pod.accessible_label())}>
                <StatusIcon kind={pod.kind} />
                <span class="pf-chip-name pf-mono">{ pod.name.clone() }</span>
                <span class="pf-chip-status">{ pod.status.clone() }</span>
                if pod.unschedulable {
                    <span class="pf-chip-note">{ "Unschedulable" }</span>
                }
            </button>
            <button type="button" class="pf-chip-delete" onclick={on_delete}
                aria-label={format!("Delete pod {}", pod.name)} title={format!("kubectl delete pod {}", pod.name)}>
                <svg viewBox="0 0 16 16" width="12" height="12" aria-hidden="true" focusable="false">
                    <path d="M4 4 L12 12 M12 4 L4 12" stroke="currentColor" stroke-width="2" stroke-linecap="round" />
                </svg>
            </button>
        </span>
    }
}

#[derive(Properties, PartialEq)]
struct AddNodeFormProps {
    node_count: usize,
    on_command: Callback<UserCommand>,
}

/// Name, cpu, memory and zone of a new node; submitting registers it as its kubelet would.
#[component]
fn AddNodeForm(props: &AddNodeFormProps) -> Html {
    let count = props.node_count;
    let form = use_state(|| NewNode::suggested(count));
    let error = use_state(|| None::<String>);
    let field = |label: &'static str, value: String, set: fn(&mut NewNode, String)| -> Html {
        let form = form.clone();
        let oninput = Callback::from(move |e: InputEvent| {
            let mut next = (*form).clone();
            set(&mut next, input_value(&e));
            form.set(next);
        });
        html! {
            <label class="pf-field">
                <span class="pf-field-label">{ label }</span>
                <input class="pf-input pf-mono" type="text" value={value} oninput={oninput} />
            </label>
        }
    };
    let on_submit = {
        let form = form.clone();
        let error = error.clone();
        let on_command = props.on_command.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            match add_node_command(&form) {
                Ok(command) => {
                    error.set(None);
                    form.set(NewNode::suggested(count + 1));
                    on_command.emit(command);
                }
                Err(message) => error.set(Some(message)),
            }
        })
    };
    html! {
        <details class="pf-add-node">
            <summary>{ "Add a node" }</summary>
            <form class="pf-add-node-form" onsubmit={on_submit}>
                { field("Name", form.name.clone(), |f, v| f.name = v) }
                { field("CPU", form.cpu.clone(), |f, v| f.cpu = v) }
                { field("Memory", form.memory.clone(), |f, v| f.memory = v) }
                { field("Zone label", form.zone.clone(), |f, v| f.zone = v) }
                <button type="submit" class="pf-button pf-button--primary">{ "Add node" }</button>
                if let Some(message) = &*error {
                    <p class="pf-form-error" role="alert">{ message.clone() }</p>
                }
            </form>
        </details>
    }
}
