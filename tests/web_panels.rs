//! Browser tests of the panels (wasm-bindgen-test in headless Chromium): each panel is mounted on its own
//! with a `ViewState` of a real engine run (run in the page), and the test reads what a user sees.
//!
//! Run with `CHROMEDRIVER=/usr/bin/chromedriver cargo test --target wasm32-unknown-unknown --test web_panels`.
//! Natively this file compiles to nothing.
#![cfg(target_arch = "wasm32")]

use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;

use podflow::engine::trace::Stage;
use podflow::ui::panels::fixtures::{builtin_until, finished_builtin};
use podflow::ui::panels::manifest::SEED_POD_YAML;
use podflow::ui::panels::{ClusterPanel, ClusterPanelProps, Inspector, InspectorProps};
use podflow::ui::view_state::{InspectorTab, UserCommand, ViewState};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlElement};
use yew::Callback;

wasm_bindgen_test_configure!(run_in_browser);

/// A fresh `<div>` at the end of the body for one test to mount into.
fn test_root(id: &str) -> Element {
    let document = gloo::utils::document();
    let root = document.create_element("div").expect("create a div");
    root.set_id(id);
    gloo::utils::body()
        .append_child(&root)
        .expect("append the div");
    root
}

/// Waits (up to two seconds) for Yew to render something matching `selector` under `root`.
async fn wait_for(root: &Element, selector: &str) -> Element {
    for _ in 0..200 {
        if let Ok(Some(found)) = root.query_selector(selector) {
            return found;
        }
        yew::platform::time::sleep(Duration::from_millis(10)).await;
    }
    panic!(
        "nothing matched {selector:?}; the root holds: {}",
        root.inner_html()
    );
}

fn text(element: &Element) -> String {
    element.text_content().unwrap_or_default()
}

fn view(scenario: &str, pod: Option<&str>) -> Rc<ViewState> {
    Rc::new(finished_builtin(scenario, pod.map(String::from)).expect("the scenario runs"))
}

/// A callback that records every command it gets.
fn recorder() -> (Callback<UserCommand>, Rc<RefCell<Vec<UserCommand>>>) {
    let sent = Rc::new(RefCell::new(Vec::new()));
    let sink = sent.clone();
    (
        Callback::from(move |c: UserCommand| sink.borrow_mut().push(c)),
        sent,
    )
}

fn mount_inspector(
    id: &str,
    view: Rc<ViewState>,
    tab: InspectorTab,
) -> (Element, Rc<RefCell<Vec<UserCommand>>>) {
    let root = test_root(id);
    let (on_command, sent) = recorder();
    yew::Renderer::<Inspector>::with_root_and_props(
        root.clone(),
        InspectorProps {
            view,
            tab,
            on_command,
        },
    )
    .render();
    (root, sent)
}

#[wasm_bindgen_test]
async fn should_show_constrained_pod_scores_with_node_c_winning() {
    let (root, _) = mount_inspector(
        "scheduler-under-test",
        view("constrained-pod", Some("default/constrained-pod")),
        InspectorTab::Scheduler,
    );
    let filter = wait_for(&root, "[data-testid=pf-filter-table]").await;
    let filter_text = text(&filter);
    assert!(
        filter_text.contains("node(s) didn't match Pod's node affinity/selector"),
        "{filter_text}"
    );
    assert!(filter_text.contains("not run"), "{filter_text}");
    let node_a = wait_for(
        &root,
        "[data-testid=pf-score-node][data-node=node-a] [data-testid=pf-score-total]",
    )
    .await;
    let node_c = wait_for(
        &root,
        "[data-testid=pf-score-node][data-node=node-c] [data-testid=pf-score-total]",
    )
    .await;
    assert_eq!(text(&node_a), "425");
    assert_eq!(text(&node_c), "450 winner");
    let result = wait_for(&root, "[data-testid=pf-scheduler-result]").await;
    assert!(text(&result).contains("Successfully assigned default/constrained-pod to node-c"));
}

#[wasm_bindgen_test]
async fn should_show_each_phase_of_the_attempt_only_from_its_own_entry() {
    let at = |stage: Stage| {
        let wanted = move |e: &podflow::engine::trace::TraceEntry| {
            e.stage == stage && e.object == "pods/default/constrained-pod"
        };
        Rc::new(
            builtin_until(
                "constrained-pod",
                Some("default/constrained-pod".into()),
                wanted,
            )
            .expect("the scenario reaches the stage"),
        )
    };
    let shown = |root: &Element, selector: &str| {
        root.query_selector(selector)
            .ok()
            .flatten()
            .map(|e| text(&e))
    };
    // Filter: the filter table, no scores and no result yet.
    let (root, _) = mount_inspector("phase-filter", at(Stage::Filter), InspectorTab::Scheduler);
    wait_for(&root, "[data-testid=pf-filter-table]").await;
    assert_eq!(shown(&root, "[data-testid=pf-score-table]"), None);
    assert_eq!(shown(&root, "[data-testid=pf-scheduler-result]"), None);
    assert_eq!(
        shown(&root, "[data-testid=pf-scheduler-next]").as_deref(),
        Some("Next: the Score plugins rank the 2 feasible nodes.")
    );
    // Score: the scores and the chosen node; the binding is still to come.
    let (root, _) = mount_inspector("phase-score", at(Stage::Score), InspectorTab::Scheduler);
    wait_for(&root, "[data-testid=pf-score-table]").await;
    assert_eq!(shown(&root, "[data-testid=pf-scheduler-result]"), None);
    assert_eq!(
        shown(&root, "[data-testid=pf-scheduler-next]").as_deref(),
        Some("Next: Bind asks the API server to set the pod's nodeName to node-c.")
    );
    // Bind: the result.
    let (root, _) = mount_inspector("phase-bind", at(Stage::Bind), InspectorTab::Scheduler);
    let result = wait_for(&root, "[data-testid=pf-scheduler-result]").await;
    assert!(text(&result).contains("Successfully assigned default/constrained-pod to node-c"));
    assert_eq!(shown(&root, "[data-testid=pf-scheduler-next]"), None);
}

#[wasm_bindgen_test]
async fn should_show_a_missing_claim_refused_at_prefilter_with_no_filter_run() {
    let (root, _) = mount_inspector(
        "scheduler-prefilter",
        view("missing-claim", Some("default/db")),
        InspectorTab::Scheduler,
    );
    let table = wait_for(&root, "[data-testid=pf-filter-table]").await;
    let first_row = table
        .query_selector("tbody tr")
        .ok()
        .flatten()
        .map(|row| text(&row))
        .unwrap_or_default();
    assert!(
        first_row.starts_with("VolumeRestrictions (PreFilter)")
            && first_row.contains("persistentvolumeclaim \"db-data\" not found"),
        "{first_row}"
    );
    assert!(text(&table).contains("not run"));
    let panel = text(&wait_for(&root, "[data-testid=pf-scheduler]").await);
    assert!(
        panel.contains("VolumeRestrictions refused the pod at PreFilter, so no node was filtered."),
        "{panel}"
    );
    let result = text(&wait_for(&root, "[data-testid=pf-scheduler-result]").await);
    assert!(
        result.contains("0/3 nodes are available: persistentvolumeclaim \"db-data\" not found. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling."),
        "{result}"
    );
    // What may bring it back: the events VolumeRestrictions registered, the claim's creation among them.
    let waits = text(&wait_for(&root, "[data-testid=pf-scheduler-waits]").await);
    assert!(
        waits.contains(
            "VolumeRestrictions: PodDelete, NodeAdd, PersistentVolumeClaimAdd, NodeUpdateNodeTaint"
        ),
        "{waits}"
    );
}

#[wasm_bindgen_test]
async fn should_show_default_spreading_scores_and_skipped_filters_for_a_pod_behind_a_service() {
    let (root, _) = mount_inspector(
        "scheduler-spread",
        view("service-spread", Some("default/web-2")),
        InspectorTab::Scheduler,
    );
    // Filter: plugins whose PreFilter returned Skip are marked, with the explanation. The table's
    // rows render over a few frames: wait for the last of its 13 plugin rows.
    wait_for(
        &root,
        "[data-testid=pf-filter-table] tbody tr:nth-child(13)",
    )
    .await;
    let table = wait_for(&root, "[data-testid=pf-filter-table]").await;
    let rows = table.query_selector_all("tbody tr").expect("rows");
    let mut skipped = Vec::new();
    for i in 0..rows.length() {
        let row: Element = rows.item(i).expect("a row").dyn_into().expect("an element");
        if text(&row).ends_with("skippedskippedskipped") {
            skipped.push(text(&row).trim_end_matches("skipped").to_string());
        }
    }
    assert_eq!(
        skipped,
        vec![
            "NodeAffinity",
            "NodePorts",
            "VolumeRestrictions",
            "NodeVolumeLimits",
            "VolumeBinding",
            "VolumeZone",
            "PodTopologySpread",
            "InterPodAffinity",
            "DynamicResources"
        ]
    );
    let note = text(&wait_for(&root, "[data-testid=pf-filter-skipped-note]").await);
    assert!(note.contains("returned Skip"), "{note}");
    // Score: the Service's selector gives the system-default spreading; web-1 already runs on
    // node-c, so node-c's PodTopologySpread row reads raw 4, normalized 50, weight 2, weighted 100.
    let node_c = wait_for(&root, "[data-testid=pf-score-node][data-node=node-c]").await;
    let rows = node_c.query_selector_all("tr").expect("rows");
    let mut spread = None;
    for i in 0..rows.length() {
        let row: Element = rows.item(i).expect("a row").dyn_into().expect("an element");
        if text(&row).starts_with("PodTopologySpread") {
            spread = Some(text(&row));
        }
    }
    assert_eq!(spread.as_deref(), Some("PodTopologySpread4502100"));
}

#[wasm_bindgen_test]
async fn should_describe_a_pod_as_kubectl_describe_prints_it() {
    let (root, _) = mount_inspector(
        "describe-under-test",
        view("pod-too-large", None),
        InspectorTab::Describe,
    );
    let output = text(&wait_for(&root, "[data-testid=pf-describe-text]").await);
    let command = text(&wait_for(&root, "[data-testid=pf-describe] code").await);
    assert!(command.starts_with("kubectl describe pod "), "{command}");
    assert!(output.contains("Node:             <none>\n"), "{output}");
    assert!(output.contains("Status:           Pending\n"), "{output}");
    assert!(output.contains("  PodScheduled   False \n"), "{output}");
    assert!(
        output.contains("  Warning  FailedScheduling  ")
            && output.contains("default-scheduler  0/3 nodes are available: "),
        "{output}"
    );
}

#[wasm_bindgen_test]
async fn should_describe_a_budget_picked_in_the_object_list() {
    let (root, sent) = mount_inspector(
        "describe-pdb-under-test",
        view("preemption-pdb", Some("default/urgent")),
        InspectorTab::Describe,
    );
    let pick: web_sys::HtmlSelectElement = wait_for(&root, "[data-testid=pf-describe-pick]")
        .await
        .dyn_into()
        .expect("a select");
    let options = text(&pick);
    assert!(options.contains("poddisruptionbudget web"), "{options}");
    pick.set_value("pdb/default/web");
    pick.dispatch_event(&web_sys::Event::new("change").expect("an event"))
        .expect("dispatched");
    assert_eq!(
        sent.borrow().as_slice(),
        [UserCommand::DescribePdb("default/web".into())]
    );
    // The tab as the page then shows it.
    let described = Rc::new(
        finished_builtin("preemption-pdb", Some("default/urgent".into()))
            .expect("the scenario runs")
            .with_described_pdb(Some("default/web".into())),
    );
    let (root, _) = mount_inspector("describe-pdb-shown", described, InspectorTab::Describe);
    let command = text(&wait_for(&root, "[data-testid=pf-describe-command]").await);
    assert_eq!(command, "kubectl describe poddisruptionbudget web");
    let output = text(&wait_for(&root, "[data-testid=pf-describe-text]").await);
    assert!(output.contains("Min available:  2\n"), "{output}");
    assert!(output.contains("    Allowed disruptions:  0\n"), "{output}");
}

#[wasm_bindgen_test]
async fn should_list_the_four_kubelet_events_of_demo_pod() {
    let (root, _) = mount_inspector(
        "events-under-test",
        view("demo-pod", None),
        InspectorTab::Events,
    );
    let table = wait_for(&root, "[data-testid=pf-events-table]").await;
    let rows = table.query_selector_all("tbody tr").expect("rows");
    let mut reasons = Vec::new();
    for i in 0..rows.length() {
        let row: Element = rows.item(i).expect("a row").dyn_into().expect("an element");
        let reason = row
            .query_selector("th")
            .ok()
            .flatten()
            .map(|th| text(&th))
            .unwrap_or_default();
        reasons.push(reason);
        assert!(text(&row).contains("pod/demo-pod"), "{}", text(&row));
    }
    assert_eq!(
        reasons,
        ["Scheduled", "Pulling", "Pulled", "Created", "Started"]
    );
    let header = text(&wait_for(&root, "[data-testid=pf-events-table] thead").await);
    assert_eq!(header, "LAST SEENTYPEREASONOBJECTMESSAGE");
}

#[wasm_bindgen_test]
async fn should_show_the_pod_chip_running_on_node_c_and_select_it_on_click() {
    let root = test_root("cluster-under-test");
    let (on_command, sent) = recorder();
    yew::Renderer::<ClusterPanel>::with_root_and_props(
        root.clone(),
        ClusterPanelProps {
            view: view("constrained-pod", None),
            on_command,
        },
    )
    .render();
    let chip = wait_for(&root, "[data-node=node-c] [data-testid=pf-pod-chip]").await;
    let chip_text = text(&chip);
    assert!(chip_text.contains("constrained-pod"), "{chip_text}");
    assert!(chip_text.contains("Running"), "{chip_text}");
    assert!(chip
        .query_selector("svg.pf-status--running")
        .ok()
        .flatten()
        .is_some());
    let card = wait_for(&root, "[data-testid=pf-node][data-node=node-c]").await;
    assert!(text(&card).contains("1 / 4"), "{}", text(&card));
    assert!(text(&card).contains("2Gi / 8Gi"), "{}", text(&card));
    assert!(text(&card).contains("zone=us-east-1a"), "{}", text(&card));
    let button: HtmlElement = chip
        .query_selector(".pf-chip-main")
        .ok()
        .flatten()
        .expect("the chip's button")
        .dyn_into()
        .expect("a button");
    button.click();
    assert_eq!(
        sent.borrow().as_slice(),
        [UserCommand::SelectPod("default/constrained-pod".into())]
    );
}

#[wasm_bindgen_test]
async fn should_list_the_budget_preemption_kept_as_kubectl_get_pdb_prints_it() {
    let root = test_root("budget-under-test");
    let (on_command, _) = recorder();
    yew::Renderer::<ClusterPanel>::with_root_and_props(
        root.clone(),
        ClusterPanelProps {
            view: view("preemption-pdb", None),
            on_command,
        },
    )
    .render();
    let workloads = wait_for(&root, "[data-testid=pf-workloads]").await;
    let tables = text(&workloads);
    assert!(
        tables.contains("kubectl get poddisruptionbudgets"),
        "{tables}"
    );
    assert!(
        tables.contains("NAMEMIN AVAILABLEMAX UNAVAILABLEALLOWED DISRUPTIONSAGE"),
        "{tables}"
    );
    assert!(tables.contains("web2N/A0"), "{tables}");
    // The budget kept both web pods; the batch pod was the victim.
    let node_c = text(&wait_for(&root, "[data-testid=pf-node][data-node=node-c]").await);
    assert!(
        node_c.contains("web-c") && node_c.contains("urgent"),
        "{node_c}"
    );
    assert!(!node_c.contains("batch-c"), "{node_c}");
}

#[wasm_bindgen_test]
async fn should_show_the_strict_decoding_error_for_the_seed_yaml_as_written() {
    let (root, sent) = mount_inspector(
        "manifest-under-test",
        view("constrained-pod-as-written", None),
        InspectorTab::Manifest,
    );
    let output = wait_for(&root, "[data-testid=pf-kubectl-output]").await;
    assert_eq!(
        text(&output).trim_end(),
        "Error from server (BadRequest): error when creating \"constrained-pod-as-written.yaml\": Pod in version \"v1\" cannot be handled as a Pod: strict decoding error: unknown field \"spec.nodeAffinity\""
    );
    assert!(output.class_name().contains("pf-is-error"));
    let apply: HtmlElement = wait_for(&root, "[data-testid=pf-apply]")
        .await
        .dyn_into()
        .expect("a button");
    apply.click();
    assert_eq!(
        sent.borrow().as_slice(),
        [UserCommand::Apply {
            yaml: SEED_POD_YAML.to_string()
        }]
    );
}

#[wasm_bindgen_test]
async fn should_show_demo_pod_running_in_the_pods_list() {
    let (root, _) = mount_inspector(
        "pods-under-test",
        view("demo-pod", None),
        InspectorTab::Pods,
    );
    let table = wait_for(&root, "[data-testid=pf-pods-table]").await;
    let row = text(&table);
    assert!(row.contains("demo-pod"), "{row}");
    assert!(row.contains("1/1"), "{row}");
    assert!(row.contains("Running"), "{row}");
    assert!(row.contains("node-c"), "{row}");
}

/// Types `value` into the input as a user would (sets it, then fires `input`).
fn type_into(input: &Element, value: &str) {
    let input: web_sys::HtmlInputElement = input.clone().dyn_into().expect("an input");
    input.set_value(value);
    let event = web_sys::InputEvent::new("input").expect("an input event");
    input.dispatch_event(&event).expect("dispatch");
}

fn click(root: &Element, selector: &str) {
    let element: HtmlElement = root
        .query_selector(selector)
        .ok()
        .flatten()
        .unwrap_or_else(|| panic!("nothing matched {selector:?}"))
        .dyn_into()
        .expect("an HTML element");
    element.click();
}

#[wasm_bindgen_test]
async fn should_send_cluster_actions_as_the_cluster_admin_and_reject_a_malformed_taint() {
    use podflow::engine::api::Credentials;
    use podflow::engine::kubectl::ClientAction;

    let root = test_root("cluster-actions-under-test");
    let (on_command, sent) = recorder();
    yew::Renderer::<ClusterPanel>::with_root_and_props(
        root.clone(),
        ClusterPanelProps {
            view: view("cordoned-node", None),
            on_command,
        },
    )
    .render();
    let node_c = wait_for(&root, "[data-testid=pf-node][data-node=node-c]").await;
    assert!(text(&wait_for(&node_c, "[data-testid=pf-cordoned]").await).contains("cordoned"));
    click(&node_c, ".pf-node-actions .pf-button");
    assert_eq!(
        sent.borrow().last(),
        Some(&UserCommand::Client(ClientAction::Uncordon {
            credentials: Credentials::ClusterAdmin,
            node: "node-c".into()
        }))
    );

    click(&node_c, "[aria-label^='Drain node-c']");
    assert_eq!(
        sent.borrow().last(),
        Some(&UserCommand::Client(ClientAction::Drain {
            credentials: Credentials::ClusterAdmin,
            node: "node-c".into(),
            options: podflow::ui::panels::cluster_model::drain_options(),
        }))
    );
    assert_eq!(
        podflow::ui::panels::cluster_model::drain_options().command_line("node-c"),
        "kubectl drain node-c --ignore-daemonsets --timeout=2m0s"
    );

    let node_a = wait_for(&root, "[data-testid=pf-node][data-node=node-a]").await;
    let taint_input = wait_for(&node_a, "input[placeholder^='key=value:']").await;
    type_into(&taint_input, "dedicated=gpu");
    yew::platform::time::sleep(Duration::from_millis(20)).await;
    click(&node_a, "[aria-label='Add taint to node-a']");
    let alert = wait_for(&node_a, "[role=alert]").await;
    assert!(
        text(&alert).starts_with("invalid taint spec"),
        "{}",
        text(&alert)
    );
    let before = sent.borrow().len();
    type_into(&taint_input, "dedicated=gpu:NoSchedule");
    yew::platform::time::sleep(Duration::from_millis(20)).await;
    click(&node_a, "[aria-label='Add taint to node-a']");
    assert_eq!(sent.borrow().len(), before + 1);
    assert!(matches!(
        sent.borrow().last(),
        Some(UserCommand::Client(ClientAction::Taint { node, taint, remove: false, .. }))
            if node == "node-a" && taint.key == "dedicated" && taint.effect == "NoSchedule"
    ));

    click(&root, ".pf-add-node-form button[type=submit]");
    assert!(matches!(
        sent.borrow().last(),
        Some(UserCommand::AddNode { node }) if node["metadata"]["name"] == "node-d"
    ));
}

#[wasm_bindgen_test]
async fn should_keep_the_edited_manifest_when_switching_tabs() {
    let root = test_root("manifest-tabs-under-test");
    let (on_command, sent) = recorder();
    let view = view("demo-pod", None);
    let props = |tab| InspectorProps {
        view: view.clone(),
        tab,
        on_command: on_command.clone(),
    };
    let mut app = yew::Renderer::<Inspector>::with_root_and_props(
        root.clone(),
        props(InspectorTab::Manifest),
    )
    .render();
    let editor: web_sys::HtmlTextAreaElement = wait_for(&root, "[data-testid=pf-manifest-editor]")
        .await
        .dyn_into()
        .expect("a textarea");
    let edited = SEED_POD_YAML.replace("demo-pod", "other-pod");
    editor.set_value(&edited);
    editor
        .dispatch_event(&web_sys::InputEvent::new("input").expect("an input event"))
        .expect("dispatch");
    app.update(props(InspectorTab::Events));
    wait_for(&root, "[data-testid=pf-events]").await;
    app.update(props(InspectorTab::Manifest));
    wait_for(&root, "[data-testid=pf-manifest-editor]").await;
    click(&root, "[data-testid=pf-apply]");
    assert_eq!(
        sent.borrow().as_slice(),
        [UserCommand::Apply { yaml: edited }]
    );
}

#[wasm_bindgen_test]
async fn should_show_a_403_at_authorization_with_its_status_object() {
    let (root, _) = mount_inspector(
        "request-under-test",
        view("rbac-forbidden", None),
        InspectorTab::Request,
    );
    let pipeline = wait_for(&root, "[data-testid=pf-pipeline]").await;
    let rows = pipeline.query_selector_all("tbody tr").expect("rows");
    let authorization: Element = rows
        .item(1)
        .expect("the Authorization row")
        .dyn_into()
        .expect("an element");
    let row_text = text(&authorization);
    assert!(row_text.starts_with("Authorization"), "{row_text}");
    assert!(row_text.contains("failed"), "{row_text}");
    assert!(
        row_text.contains("pods is forbidden: User \"jane\" cannot create resource \"pods\""),
        "{row_text}"
    );
    let status = text(&wait_for(&root, "[data-testid=pf-status-json]").await);
    assert!(status.contains("\"reason\": \"Forbidden\""), "{status}");
    assert!(status.contains("\"code\": 403"), "{status}");
}

#[wasm_bindgen_test]
async fn should_show_demo_pod_stored_with_its_resource_version_history() {
    let (root, _) = mount_inspector(
        "stored-under-test",
        view("demo-pod", Some("default/demo-pod")),
        InspectorTab::Stored,
    );
    let history = wait_for(&root, "[data-testid=pf-history]").await;
    let history_text = text(&history);
    for writer in ["kubectl", "kube-scheduler", "kubelet/node-c"] {
        assert!(history_text.contains(writer), "{writer}: {history_text}");
    }
    let rows = history.query_selector_all("tbody tr").expect("rows");
    let last: Element = rows
        .item(rows.length() - 1)
        .expect("the last write")
        .dyn_into()
        .expect("an element");
    let revision = last
        .query_selector("th")
        .ok()
        .flatten()
        .map(|th| text(&th))
        .unwrap_or_default();
    let version = text(&wait_for(&root, "[data-testid=pf-resource-version]").await);
    assert_eq!(version, revision);
    let added = text(&wait_for(&root, "[data-testid=pf-added]").await);
    assert!(
        added.contains("spec.containers[0].imagePullPolicy"),
        "{added}"
    );
    let stored = text(&wait_for(&root, "[data-testid=pf-stored-json]").await);
    assert!(stored.contains("\"nodeName\": \"node-c\""), "{stored}");
}

#[wasm_bindgen_test]
async fn should_show_what_kubectl_drain_printed() {
    let root = test_root("drain-under-test");
    let (on_command, _) = recorder();
    yew::Renderer::<ClusterPanel>::with_root_and_props(
        root.clone(),
        ClusterPanelProps {
            view: view("drain-pdb", None),
            on_command,
        },
    )
    .render();
    let printed = text(&wait_for(&root, "[data-testid=pf-kubectl-last] code").await);
    let lines: Vec<&str> = printed.lines().collect();
    assert_eq!(lines.first(), Some(&"node/node-c cordoned"), "{printed}");
    assert!(
        printed.contains("(will retry after 5s): Cannot evict pod as it would violate the pod's disruption budget."),
        "{printed}"
    );
    assert_eq!(lines.last(), Some(&"node/node-c drained"), "{printed}");
    let node_c = wait_for(&root, "[data-testid=pf-node][data-node=node-c]").await;
    assert!(text(&node_c).contains("No pods"), "{}", text(&node_c));
}
