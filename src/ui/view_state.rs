//! What the page's panels render and what they can ask for: the contract between the playback (which
//! owns the engine and the current position in its trace) and the panels (cluster, inspectors).
//!
//! Pure Rust, no web dependency. The panels read the engine's state at the current position and send
//! [`UserCommand`]s back; they never change the simulation themselves, and never re-derive what the
//! engine already decided (statuses come from `engine::printers`, scores from the scheduler's records).

use std::rc::Rc;

use crate::engine::kubectl::ClientAction;
use crate::engine::sim::Simulation;
use crate::engine::store::StoreAt;

/// The engine's state at the current playback position.
#[derive(Clone, Debug)]
pub struct ViewState {
    /// The simulation as it stood right after the engine step that produced the current trace entry.
    pub sim: Rc<Simulation>,
    /// Index into `sim.trace.entries` of the current entry: entries after it have not happened yet on
    /// screen (they may exist in `sim.trace` when one engine step produced several entries).
    pub position: usize,
    /// The store's revision right after the current entry. One engine step can write several times
    /// (the scheduler's Bind after its Filter and Score); panels read the store at this revision, so
    /// they show what had been written when the current entry happened, not the whole step's result.
    pub store_revision: i64,
    /// The first entry of the story proper (after node registration); the timeline starts here.
    pub story_start: usize,
    /// The pod the user follows, as `namespace/name`.
    pub selected_pod: Option<String>,
    /// The node the Describe tab describes instead of the followed pod (picked on a node card or in
    /// the tab).
    pub described_node: Option<String>,
    /// The PodDisruptionBudget (`namespace/name`) the Describe tab describes instead (picked in the
    /// tab).
    pub described_pdb: Option<String>,
    /// Bumped whenever `sim` is replaced (a new scenario, a user command, a seek); with `position` and
    /// `selected_pod` it decides whether panels re-render.
    pub generation: u64,
}

impl PartialEq for ViewState {
    fn eq(&self, other: &Self) -> bool {
        self.generation == other.generation
            && self.position == other.position
            && self.selected_pod == other.selected_pod
            && self.described_node == other.described_node
            && self.described_pdb == other.described_pdb
    }
}

impl ViewState {
    /// The view of `sim` at entry `position` (its store read at that entry's revision).
    pub fn new(
        sim: Rc<Simulation>,
        position: usize,
        story_start: usize,
        selected_pod: Option<String>,
        generation: u64,
    ) -> ViewState {
        let store_revision = sim
            .trace
            .store_revision_at(position)
            .unwrap_or_else(|| sim.api.store.revision());
        ViewState {
            sim,
            position,
            store_revision,
            story_start,
            selected_pod,
            described_node: None,
            described_pdb: None,
            generation,
        }
    }

    /// This view with the Describe tab on node `node` (`None`: on the followed pod).
    pub fn with_described_node(mut self, node: Option<String>) -> ViewState {
        self.described_node = node;
        self
    }

    /// This view with the Describe tab on the PodDisruptionBudget `namespace/name`.
    pub fn with_described_pdb(mut self, pdb: Option<String>) -> ViewState {
        self.described_pdb = pdb;
        self
    }

    /// The store (etcd) as it stood right after the current entry.
    pub fn store(&self) -> StoreAt<'_> {
        self.sim.api.store.at_revision(self.store_revision)
    }

    /// Virtual time of the current entry in milliseconds (0 before the first entry).
    pub fn now_ms(&self) -> u64 {
        self.sim
            .trace
            .entries
            .get(self.position)
            .map(|e| e.time_ms)
            .unwrap_or(0)
    }
}

/// The inspector tabs; each belongs to a stage of the flow diagram, and clicking that stage opens it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum InspectorTab {
    /// The YAML editor with "kubectl apply" (the User / kubectl box).
    Manifest,
    /// The request as JSON (API server authentication … admission boxes).
    Request,
    /// The object as stored in etcd, its key and resourceVersion history (the etcd box).
    Stored,
    /// Filter and score tables for the selected pod (the kube-scheduler boxes).
    Scheduler,
    /// `kubectl get events`.
    Events,
    /// `kubectl get pods -o wide`.
    Pods,
    /// `kubectl describe pod` of the followed pod, or `kubectl describe node` of a picked node.
    Describe,
}

impl InspectorTab {
    pub const ALL: [InspectorTab; 7] = [
        InspectorTab::Manifest,
        InspectorTab::Request,
        InspectorTab::Stored,
        InspectorTab::Scheduler,
        InspectorTab::Events,
        InspectorTab::Pods,
        InspectorTab::Describe,
    ];

    /// The tab's name in links and `data-tab` (`tab=scheduler`): its label in lower case.
    pub fn key(self) -> &'static str {
        match self {
            InspectorTab::Manifest => "manifest",
            InspectorTab::Request => "request",
            InspectorTab::Stored => "stored",
            InspectorTab::Scheduler => "scheduler",
            InspectorTab::Events => "events",
            InspectorTab::Pods => "pods",
            InspectorTab::Describe => "describe",
        }
    }

    /// The tab named `text` (its key, any case).
    pub fn parse(text: &str) -> Option<InspectorTab> {
        InspectorTab::ALL
            .into_iter()
            .find(|tab| tab.key().eq_ignore_ascii_case(text.trim()))
    }

    /// The tab's label.
    pub fn label(self) -> &'static str {
        match self {
            InspectorTab::Manifest => "Manifest",
            InspectorTab::Request => "Request",
            InspectorTab::Stored => "Stored",
            InspectorTab::Scheduler => "Scheduler",
            InspectorTab::Events => "Events",
            InspectorTab::Pods => "Pods",
            InspectorTab::Describe => "Describe",
        }
    }
}

/// What a panel asks the playback to do. Commands that change the cluster go through the engine's API
/// server at the current position; what was recorded after that position is replaced by the new future.
#[derive(Clone, Debug, PartialEq)]
pub enum UserCommand {
    /// `kubectl apply -f pod.yaml` of the editor's text (one or more YAML documents).
    Apply { yaml: String },
    /// Cordon, uncordon, taint, label, delete: a kubectl command as the cluster admin.
    Client(ClientAction),
    /// Register a new node (as its kubelet would) from a Node manifest.
    AddNode { node: serde_json::Value },
    /// Follow another pod (the Describe tab goes back to describing the followed pod).
    SelectPod(String),
    /// Describe node `Some(name)` in the Describe tab and open it; `None` describes the followed pod
    /// again.
    DescribeNode(Option<String>),
    /// Describe the PodDisruptionBudget `namespace/name` in the Describe tab and open it.
    DescribePdb(String),
    /// Show an inspector tab.
    Open(InspectorTab),
}
