//! The playback engine: one scenario's simulation, run forward lazily, with checkpoints so the page can
//! show the engine's state at any trace entry, forward and backward, and change the future from there.
//!
//! Pure Rust with no web dependency (natively tested). The engine runs exactly as the CLI runs it
//! (`scenario::parse`, `scenario::start`, then `Simulation::step` until quiescence); the playback only
//! remembers where each engine step ended in the trace and keeps `Simulation` clones as checkpoints:
//! one per step for small runs, then ever further apart (see [`SPARSE_CHECKPOINT_INTERVAL`]) so a long
//! run keeps a few dozen. A state between checkpoints is rebuilt by replaying the engine from the
//! nearest earlier one, which gives the same state because the engine is deterministic.
//!
//! A user command (apply, cordon, add a node, ...) is issued on the state at the current position:
//! what was recorded after that engine step is discarded and the engine runs a new future. The playback
//! keeps the commands that shaped the current run ([`Playback::history`]), each with the story entry it
//! was issued at, so the same scenario, seed and history rebuild the same run ([`Playback::replay`]):
//! that is what a share link carries.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;
use std::sync::atomic::{AtomicU64, Ordering};

use serde_json::Value;

use crate::engine::api::{Credentials, FieldValidation};
use crate::engine::kubectl::ClientAction;
use crate::engine::node_registration;
use crate::engine::objects::Object;
use crate::engine::scenario;
use crate::engine::sim::{Event, Simulation};
use crate::engine::store::StoreAt;
use crate::engine::{store, synthetic};
use crate::ui::config::ScenarioSource;
use crate::ui::share::DescribedObject;
use crate::ui::view_state::{InspectorTab, UserCommand, ViewState};

/// The seed the page starts with.
pub const DEFAULT_SEED: u64 = 1;
/// A guard against a livelocked scenario: the playback handles at most this many engine events.
pub const MAX_STEPS: u64 = 100_000;
/// Runs up to this many engine steps keep a checkpoint after every step.
pub const DENSE_CHECKPOINT_STEPS: usize = 2_000;
/// ... as long as the trace holds at most this many entries (every checkpoint holds a copy of it).
pub const DENSE_TRACE_ENTRIES: usize = 4_000;
/// ... and the store at most this many objects: a checkpoint of a big cluster costs milliseconds (a
/// 20-node, 200-pod run has over a thousand objects), while replaying a step costs microseconds.
pub const DENSE_STORE_OBJECTS: usize = 30;
/// A sparse checkpoint also lies at least (objects in the store) / this steps after the previous one,
/// so the checkpoints of a big cluster stay few.
pub const SPARSE_OBJECTS_PER_STEP: usize = 2;
/// After the dense part, a checkpoint at least this many steps after the previous one ...
pub const SPARSE_CHECKPOINT_INTERVAL: usize = 128;
/// ... and at least 1/this of the steps so far after it.
pub const SPARSE_CHECKPOINT_DIVISOR: usize = 16;
/// The file name kubectl prints for manifests applied from the page's editor.
pub const EDITOR_SOURCE: &str = "pod.yaml";

/// Generations are unique across playbacks, so a view of a new scenario never equals an old one.
static NEXT_GENERATION: AtomicU64 = AtomicU64::new(1);

fn next_generation() -> u64 {
    NEXT_GENERATION.fetch_add(1, Ordering::Relaxed)
}

/// What one entry in the step log came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum StepKind {
    /// `Simulation::step`: can be replayed from an earlier checkpoint.
    Engine,
    /// A user command applied directly to the state: always a checkpoint, never replayed.
    Command,
}

/// A cluster-changing command the playback carried out, and where: `entry` is the story entry
/// (counted from the story's start, like a link's `entry=`) that was current when it was issued.
#[derive(Clone, Debug, PartialEq)]
pub struct RecordedCommand {
    pub entry: usize,
    pub command: UserCommand,
}

/// True for the commands that change the cluster (and so the run's future).
pub fn changes_cluster(command: &UserCommand) -> bool {
    matches!(
        command,
        UserCommand::Apply { .. } | UserCommand::Client(_) | UserCommand::AddNode { .. }
    )
}

#[derive(Clone, Copy, Debug)]
struct StepRecord {
    kind: StepKind,
    /// `trace.len()` right after the step.
    trace_end: usize,
}

/// One scenario being played.
#[derive(Debug)]
pub struct Playback {
    name: String,
    seed: u64,
    /// The state after every recorded step: the newest state the engine reached.
    head: Simulation,
    /// Steps recorded since the scenario started (the story's applies queued).
    steps: Vec<StepRecord>,
    /// State after the first `n` steps, keyed by `n` (0 = as `scenario::start` returned it), each
    /// *without its trace*: the trace only grows, so a checkpoint's trace is the head's first
    /// [`Playback::trace_len_after`] entries, copied back when the state is rebuilt. Copying the
    /// whole trace into every checkpoint was most of the cost of running a big scenario.
    checkpoints: BTreeMap<usize, Rc<Simulation>>,
    /// The trace's length when the scenario started (before step 1).
    base_trace_len: usize,
    /// Engine events handled since the start (the [`MAX_STEPS`] guard).
    engine_steps: u64,
    position: usize,
    story_start: usize,
    selected_pod: Option<String>,
    /// The node the Describe tab describes (`None`: the followed pod).
    described_node: Option<String>,
    /// The PodDisruptionBudget (`namespace/name`) the Describe tab describes instead.
    described_pdb: Option<String>,
    tab: InspectorTab,
    generation: u64,
    /// The last state handed out by `seek`, keyed by step count.
    cached: RefCell<Option<(usize, Rc<Simulation>)>>,
    /// What kubectl printed for the last command that failed before reaching the API server.
    client_error: Option<String>,
    /// Where the scenario came from (`None` for a scenario started with `from_scenario`).
    source: Option<ScenarioSource>,
    /// The commands that shaped the recorded run, each with the index in `steps` of its step.
    history: Vec<(usize, RecordedCommand)>,
}

impl Playback {
    /// Loads the built-in scenario `name` (see `scenario::builtin_names`).
    pub fn builtin(name: &str, seed: u64) -> Result<Playback, String> {
        let text = scenario::builtin(name)
            .ok_or_else(|| format!("there is no built-in scenario named {name:?}"))?;
        let mut playback = Playback::from_text(name, &text, seed)?;
        playback.source = Some(ScenarioSource::Builtin(name.to_string()));
        Ok(playback)
    }

    /// Parses scenario text and starts it, as the CLI's `run` does.
    pub fn from_text(name: &str, text: &str, seed: u64) -> Result<Playback, String> {
        let parsed = scenario::parse(name, text).map_err(|e| e.to_string())?;
        let mut playback = Playback::from_scenario(&parsed, seed)?;
        playback.source = Some(ScenarioSource::Text {
            name: name.to_string(),
            text: text.to_string(),
        });
        Ok(playback)
    }

    /// Rebuilds a run: starts `source` with `seed`, then issues every command of `history` at its
    /// entry, in order, as the user did, and runs the engine to the end. The same source, seed and
    /// history give the same trace and state (the engine is deterministic).
    pub fn replay(
        source: &ScenarioSource,
        seed: u64,
        history: &[RecordedCommand],
    ) -> Result<Playback, String> {
        let mut playback = match source {
            ScenarioSource::Builtin(name) => Playback::builtin(name, seed)?,
            ScenarioSource::Text { name, text } => Playback::from_text(name, text, seed)?,
            ScenarioSource::Synthetic(Ok(size)) => {
                let mut playback = Playback::from_scenario(
                    &synthetic::cluster(size.nodes, size.pods, seed),
                    seed,
                )?;
                playback.source = Some(source.clone());
                playback
            }
            ScenarioSource::Synthetic(Err(message)) => return Err(message.clone()),
        };
        playback.apply_history(history);
        Ok(playback)
    }

    /// Issues every command of `history` at its entry, in order, then runs the engine to the end.
    pub fn apply_history(&mut self, history: &[RecordedCommand]) {
        for recorded in history {
            self.seek(self.story_start.saturating_add(recorded.entry));
            self.command(recorded.command.clone());
        }
        self.run_to_end();
    }

    /// The cluster-changing commands that shaped the recorded run, in the order they were issued
    /// (commands whose future was discarded by a later command issued earlier in the story are gone).
    pub fn history(&self) -> Vec<RecordedCommand> {
        self.history.iter().map(|(_, c)| c.clone()).collect()
    }

    /// Where the scenario came from: a built-in name or its text (`None` for a scenario started
    /// with [`Playback::from_scenario`]).
    pub fn source(&self) -> Option<&ScenarioSource> {
        self.source.as_ref()
    }

    /// Starts an already parsed (or generated, see `engine::synthetic`) scenario.
    pub fn from_scenario(parsed: &scenario::Scenario, seed: u64) -> Result<Playback, String> {
        let name = parsed.name.as_str();
        let sim = scenario::start(parsed, seed).map_err(|e| e.to_string())?;
        let story_start = usize::try_from(sim.story_start_seq).unwrap_or(usize::MAX);
        let mut sim = sim;
        let base_trace_len = sim.trace.len();
        let mut checkpoints = BTreeMap::new();
        checkpoints.insert(0, Rc::new(without_trace(&mut sim)));
        let mut playback = Playback {
            name: name.to_string(),
            seed,
            head: sim,
            steps: Vec::new(),
            checkpoints,
            base_trace_len,
            engine_steps: 0,
            position: story_start,
            story_start,
            selected_pod: None,
            described_node: None,
            described_pdb: None,
            tab: InspectorTab::Manifest,
            generation: next_generation(),
            cached: RefCell::new(None),
            client_error: None,
            source: None,
            history: Vec::new(),
        };
        playback.run_until(story_start);
        Ok(playback)
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// The current trace entry (an index into `trace.entries`).
    pub fn position(&self) -> usize {
        self.position
    }

    /// The first entry of the story; the timeline starts here.
    pub fn story_start(&self) -> usize {
        self.story_start
    }

    /// The last entry that can be shown now (`story_start` when the story recorded nothing).
    pub fn last_position(&self) -> usize {
        self.head
            .trace
            .len()
            .saturating_sub(1)
            .max(self.story_start)
    }

    /// True when the story recorded at least one entry.
    pub fn has_entries(&self) -> bool {
        self.head.trace.len() > self.story_start
    }

    /// True when the engine has nothing more to do (quiescent, or stopped by the step guard).
    pub fn is_complete(&self) -> bool {
        self.head.is_quiescent() || self.engine_steps >= MAX_STEPS
    }

    /// True when the run stopped at the step guard with work still queued.
    pub fn is_truncated(&self) -> bool {
        !self.head.is_quiescent() && self.engine_steps >= MAX_STEPS
    }

    /// The newest state: every entry recorded so far.
    pub fn head(&self) -> &Simulation {
        &self.head
    }

    pub fn selected_pod(&self) -> Option<&str> {
        self.selected_pod.as_deref()
    }

    /// The node or budget the Describe tab describes, when one was picked instead of the followed pod.
    pub fn described_object(&self) -> Option<DescribedObject> {
        match (&self.described_node, &self.described_pdb) {
            (Some(node), _) => Some(DescribedObject::Node(node.clone())),
            (None, Some(budget)) => Some(DescribedObject::Budget(budget.clone())),
            (None, None) => None,
        }
    }

    pub fn tab(&self) -> InspectorTab {
        self.tab
    }

    pub fn generation(&self) -> u64 {
        self.generation
    }

    /// What kubectl printed for the last command that failed on the client (bad YAML), if any.
    pub fn client_error(&self) -> Option<&str> {
        self.client_error.as_deref()
    }

    /// Runs the engine until entry `position` exists or nothing is left to do.
    fn run_until(&mut self, position: usize) {
        while self.head.trace.len() <= position && self.advance_head() {}
    }

    /// Runs the engine to quiescence (or the step guard).
    pub fn run_to_end(&mut self) {
        while self.advance_head() {}
    }

    /// Runs at most `max_steps` engine steps; true while the engine has more to do. The page runs a
    /// scenario in such slices after it first renders, so a big cluster does not delay the page.
    pub fn advance(&mut self, max_steps: usize) -> bool {
        for _ in 0..max_steps {
            if !self.advance_head() {
                return false;
            }
        }
        !self.is_complete()
    }

    /// One engine step on the head, recorded and checkpointed. False when there was nothing to do.
    fn advance_head(&mut self) -> bool {
        if self.is_complete() || !self.head.step() {
            return false;
        }
        self.engine_steps += 1;
        if self.selected_pod.is_none() {
            // Follow the first pod the story applies, as soon as the trace shows it.
            let from = self.steps.last().map_or(self.story_start, |s| s.trace_end);
            self.selected_pod = self
                .head
                .trace
                .entries
                .iter()
                .skip(from.max(self.story_start))
                .find_map(|e| pod_of_object(&e.object))
                .map(String::from);
        }
        self.steps.push(StepRecord {
            kind: StepKind::Engine,
            trace_end: self.head.trace.len(),
        });
        let count = self.steps.len();
        let last_checkpoint = self.checkpoints.keys().next_back().copied().unwrap_or(0);
        let objects = self.head.api.store.len();
        let dense = count <= DENSE_CHECKPOINT_STEPS
            && self.head.trace.len() <= DENSE_TRACE_ENTRIES
            && objects <= DENSE_STORE_OBJECTS;
        // Sparse checkpoints grow apart with the run (each one copies the whole trace), so a long
        // run keeps a few dozen of them rather than thousands.
        let interval = SPARSE_CHECKPOINT_INTERVAL
            .max(count / SPARSE_CHECKPOINT_DIVISOR)
            .max(objects / SPARSE_OBJECTS_PER_STEP);
        if dense || count - last_checkpoint >= interval {
            let _span = crate::ui::profile::Span::new(|| format!("checkpoint, {objects} objects"));
            self.checkpoints
                .insert(count, Rc::new(without_trace(&mut self.head)));
        }
        true
    }

    /// How many recorded steps it takes for entry `position` to exist (0 for entries before the story).
    fn steps_for(&self, position: usize) -> usize {
        // The first step whose trace end lies beyond `position`; steps are in trace order.
        if position < self.base_trace_len() {
            return 0;
        }
        let index = self.steps.partition_point(|s| s.trace_end <= position);
        // Past the last recorded step: the newest state.
        (index + 1).min(self.steps.len())
    }

    fn base_trace_len(&self) -> usize {
        self.base_trace_len
    }

    /// The trace's length after the first `count` recorded steps.
    fn trace_len_after(&self, count: usize) -> usize {
        match count.checked_sub(1) {
            None => self.base_trace_len,
            Some(last) => self
                .steps
                .get(last)
                .map_or(self.head.trace.len(), |s| s.trace_end),
        }
    }

    /// The full state of checkpoint `at` (taken after `at` steps): its copy plus the head's trace up
    /// to that point.
    fn restore(&self, at: usize, checkpoint: &Simulation) -> Simulation {
        let mut state = checkpoint.clone();
        let len = self.trace_len_after(at);
        state.trace.entries = self
            .head
            .trace
            .entries
            .get(..len)
            .unwrap_or(&self.head.trace.entries)
            .to_vec();
        state
    }

    /// The state after the first `count` recorded steps.
    fn state_after(&self, count: usize) -> Rc<Simulation> {
        let mut _span = crate::ui::profile::Span::new(|| format!("state_after {count}"));
        let cached = self.cached.borrow().clone();
        if let Some((cached_count, sim)) = &cached {
            if *cached_count == count {
                _span.relabel(|| "state_after cached".into());
                return sim.clone();
            }
        }
        let checkpoint = self.checkpoints.range(..=count).next_back();
        if let Some((&at, sim)) = checkpoint {
            if at == count {
                _span.relabel(|| format!("state_after restore {count}"));
                let state = Rc::new(self.restore(at, sim));
                *self.cached.borrow_mut() = Some((count, state.clone()));
                return state;
            }
        }
        if count >= self.steps.len() {
            _span.relabel(|| format!("state_after head {count}"));
            let state = Rc::new(self.head.clone());
            *self.cached.borrow_mut() = Some((count, state.clone()));
            return state;
        }
        // Replay from the nearest earlier state: the last checkpoint, or the last state handed out
        // when it is closer (playing forward between sparse checkpoints replays one step at a time).
        // Only engine steps lie between checkpoints: commands are always checkpoints.
        let from = match (checkpoint, &cached) {
            (Some((&at, _)), Some((cached_count, sim)))
                if *cached_count > at && *cached_count < count =>
            {
                Some((*cached_count, (**sim).clone()))
            }
            (Some((&at, sim)), _) => Some((at, self.restore(at, sim))),
            (None, _) => None,
        };
        let state = match from {
            Some((at, mut replay)) => {
                _span.relabel(|| format!("state_after replay {at}..{count}"));
                for _ in self.steps.get(at..count).unwrap_or_default() {
                    replay.step();
                }
                Rc::new(replay)
            }
            None => Rc::new(self.head.clone()),
        };
        *self.cached.borrow_mut() = Some((count, state.clone()));
        state
    }

    /// Moves to entry `position` (clamped to the story), running the engine forward when needed, and
    /// returns the engine's state right after the step that produced that entry.
    pub fn seek(&mut self, position: usize) -> Rc<Simulation> {
        self.run_until(position);
        let position = position.clamp(self.story_start, self.last_position());
        if position != self.position {
            self.position = position;
            self.generation = next_generation();
        }
        self.state_after(self.steps_for(position))
    }

    /// One entry forward; false at the end.
    pub fn step_forward(&mut self) -> bool {
        let before = self.position;
        self.seek(before + 1);
        self.position != before
    }

    /// One entry back; false at the start.
    pub fn step_back(&mut self) -> bool {
        let before = self.position;
        self.seek(before.saturating_sub(1));
        self.position != before
    }

    /// True when the current entry is the last one and the engine has finished.
    pub fn at_end(&mut self) -> bool {
        self.run_until(self.position + 1);
        self.position >= self.last_position()
    }

    /// What the panels render: the state at the current position.
    pub fn view(&self) -> ViewState {
        ViewState::new(
            self.state_after(self.steps_for(self.position)),
            self.position,
            self.story_start,
            self.selected_pod.clone(),
            self.generation,
        )
        .with_described_node(self.described_node.clone())
        .with_described_pdb(self.described_pdb.clone())
    }

    /// The pods the story's trace is about (`namespace/name`), in the order they first appear; the
    /// first one applied comes first. Covers every entry recorded so far.
    pub fn story_pods(&self) -> Vec<String> {
        story_pods(&self.head, self.story_start)
    }

    /// Carries out a panel's command. Commands that change the cluster are issued on the state at the
    /// current position; the recorded future is discarded and the engine runs again from there.
    pub fn command(&mut self, command: UserCommand) {
        let record = changes_cluster(&command).then(|| RecordedCommand {
            entry: self.position.saturating_sub(self.story_start),
            command: command.clone(),
        });
        // A command carried out left a step of its own; a refused one (bad YAML) changed nothing.
        if self.carry_out(command) {
            if let (Some(record), Some(step)) = (record, self.steps.len().checked_sub(1)) {
                self.history.push((step, record));
            }
        }
    }

    /// Carries out one command; true when it changed the cluster's future.
    fn carry_out(&mut self, command: UserCommand) -> bool {
        match command {
            UserCommand::SelectPod(pod) => {
                self.selected_pod = Some(pod);
                self.described_node = None;
                self.described_pdb = None;
                self.generation = next_generation();
                false
            }
            UserCommand::DescribeNode(node) => {
                if node.is_some() {
                    self.tab = InspectorTab::Describe;
                }
                self.described_node = node;
                self.described_pdb = None;
                self.generation = next_generation();
                false
            }
            UserCommand::DescribePdb(pdb) => {
                self.tab = InspectorTab::Describe;
                self.described_node = None;
                self.described_pdb = Some(pdb);
                self.generation = next_generation();
                false
            }
            UserCommand::Open(tab) => {
                self.tab = tab;
                false
            }
            UserCommand::Apply { yaml } => match scenario::parse_documents(&yaml) {
                Err(e) => {
                    self.client_error = Some(format!("error: error parsing {EDITOR_SOURCE}: {e}"));
                    false
                }
                Ok(documents) if documents.is_empty() => {
                    self.client_error = Some("error: no objects passed to apply".to_string());
                    false
                }
                Ok(documents) => {
                    let first_pod = documents.iter().find_map(pod_reference);
                    let changed = self.change_future(|sim| {
                        for manifest in documents {
                            sim.schedule(
                                sim.now_ms,
                                Event::Client(ClientAction::Apply {
                                    credentials: Credentials::ClusterAdmin,
                                    manifest,
                                    source: EDITOR_SOURCE.to_string(),
                                    validate: FieldValidation::Strict,
                                }),
                            );
                        }
                        Ok(())
                    });
                    if let Some(pod) = first_pod {
                        self.selected_pod = Some(pod);
                    }
                    changed
                }
            },
            UserCommand::Client(action) => self.change_future(|sim| {
                sim.schedule(sim.now_ms, Event::Client(action));
                Ok(())
            }),
            UserCommand::AddNode { node } => self.change_future(|sim| {
                node_registration::register(sim, &node).map_err(|e| e.to_string())
            }),
        }
    }

    /// Issues `change` on the state at the current position, drops the old future and records the
    /// change as a step of its own. False (with the message in `client_error`) when it was refused.
    fn change_future(
        &mut self,
        change: impl FnOnce(&mut Simulation) -> Result<(), String>,
    ) -> bool {
        let mut count = self.steps_for(self.position);
        // Commands already issued at this position stay: the new one comes on top of them.
        while self
            .steps
            .get(count)
            .is_some_and(|s| s.kind == StepKind::Command)
        {
            count += 1;
        }
        let mut sim = (*self.state_after(count)).clone();
        if let Err(message) = change(&mut sim) {
            self.client_error = Some(format!("error: {message}"));
            return false;
        }
        self.client_error = None;
        self.history.retain(|(step, _)| *step < count);
        self.steps.truncate(count);
        self.checkpoints.split_off(&(count + 1));
        self.steps.push(StepRecord {
            kind: StepKind::Command,
            trace_end: sim.trace.len(),
        });
        self.checkpoints
            .insert(self.steps.len(), Rc::new(without_trace(&mut sim)));
        self.engine_steps = self
            .steps
            .iter()
            .filter(|s| s.kind == StepKind::Engine)
            .count() as u64;
        self.head = sim;
        *self.cached.borrow_mut() = None;
        self.generation = next_generation();
        true
    }
}

/// A copy of `sim` with an empty trace (for a checkpoint; see [`Playback`]'s `checkpoints`).
fn without_trace(sim: &mut Simulation) -> Simulation {
    let trace = std::mem::take(&mut sim.trace);
    let copy = sim.clone();
    sim.trace = trace;
    copy
}

/// Milliseconds of virtual time as seconds with three decimals: `1234` → `1.234 s`.
pub fn format_time_ms(ms: u64) -> String {
    format!("{}.{:03} s", ms / 1000, ms % 1000)
}

/// Shortest and longest wall-clock time one entry stays on screen at 1×, for entries the diagram
/// shows; entries it does not (watch deliveries of other objects, Event writes) pass quickly.
pub const MIN_STEP_MS: u64 = 450;
pub const MAX_STEP_MS: u64 = 1_800;
pub const QUIET_STEP_MS: u64 = 120;

/// How long (wall-clock milliseconds) the playback waits before the next entry: the virtual time
/// between the entries, kept between [`MIN_STEP_MS`] and [`MAX_STEP_MS`] so a step is visible and a
/// five-minute wait does not stall the page, then divided by `speed`.
pub fn step_delay_ms(virtual_gap_ms: u64, shown: bool, speed: f64) -> u32 {
    let base = if shown {
        virtual_gap_ms.clamp(MIN_STEP_MS, MAX_STEP_MS)
    } else {
        QUIET_STEP_MS
    };
    let speed = if speed.is_finite() && speed > 0.0 {
        speed
    } else {
        1.0
    };
    let scaled = (base as f64 / speed).round();
    scaled.clamp(16.0, 60_000.0) as u32
}

/// `namespace/name` of a Pod manifest.
fn pod_reference(manifest: &Value) -> Option<String> {
    if manifest.get("kind").and_then(Value::as_str) != Some("Pod") {
        return None;
    }
    let name = manifest.pointer("/metadata/name").and_then(Value::as_str)?;
    let namespace = manifest
        .pointer("/metadata/namespace")
        .and_then(Value::as_str)
        .unwrap_or("default");
    Some(format!("{namespace}/{name}"))
}

/// `namespace/name` when a trace object reference is a pod (`pods/<namespace>/<name>`).
pub fn pod_of_object(object: &str) -> Option<&str> {
    object
        .strip_prefix("pods/")
        .filter(|rest| rest.contains('/'))
}

/// The pods the trace after `story_start` is about, in order of first appearance.
pub fn story_pods(sim: &Simulation, story_start: usize) -> Vec<String> {
    let mut pods: Vec<String> = Vec::new();
    for entry in sim.trace.entries.iter().skip(story_start) {
        if let Some(pod) = pod_of_object(&entry.object) {
            if !pods.iter().any(|p| p == pod) {
                pods.push(pod.to_string());
            }
        }
    }
    pods
}

/// The pod `namespace/name` as `store` holds it, if it is there.
pub fn stored_pod<'a>(
    store: &StoreAt<'a>,
    pod: &str,
) -> Option<&'a k8s_openapi::api::core::v1::Pod> {
    let (namespace, name) = pod.split_once('/')?;
    let key = store::key("pods", Some(namespace), name);
    match &store.get(&key)?.object {
        Object::Pod(pod) => Some(&**pod),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::printers::pod_status;

    fn played(name: &str) -> Playback {
        let mut playback = Playback::builtin(name, DEFAULT_SEED).expect("the scenario loads");
        playback.run_to_end();
        playback
    }

    fn fresh_state_at(name: &str, position: usize) -> (usize, String) {
        let mut playback = played(name);
        let sim = playback.seek(position);
        (sim.trace.len(), sim.trace.to_lines())
    }

    #[test]
    fn should_format_virtual_time_as_seconds_with_milliseconds() {
        let cases = [
            (0, "0.000 s"),
            (7, "0.007 s"),
            (1234, "1.234 s"),
            (60_000, "60.000 s"),
        ];
        for (ms, want) in cases {
            assert_eq!(format_time_ms(ms), want, "{ms} ms");
        }
    }

    #[test]
    fn should_keep_each_step_visible_and_scale_it_by_speed() {
        let cases = [
            (0, true, 1.0, 450),
            (1_000, true, 1.0, 1_000),
            (300_000, true, 1.0, 1_800),
            (300_000, true, 4.0, 450),
            (0, true, 0.25, 1_800),
            (0, false, 1.0, 120),
            (0, true, 0.0, 450),
        ];
        for (gap, shown, speed, want) in cases {
            assert_eq!(
                step_delay_ms(gap, shown, speed),
                want,
                "{gap} {shown} {speed}"
            );
        }
    }

    #[test]
    fn should_start_at_the_first_entry_of_the_story() {
        let playback = Playback::builtin("demo-pod", DEFAULT_SEED).expect("loads");
        assert_eq!(playback.position(), playback.story_start());
        let view = playback.view();
        assert_eq!(view.position, playback.story_start());
        assert!(view.sim.trace.len() > view.position);
        assert_eq!(view.selected_pod.as_deref(), Some("default/demo-pod"));
    }

    #[test]
    fn should_end_demo_pod_running_on_a_node() {
        let mut playback = played("demo-pod");
        assert!(playback.is_complete() && !playback.is_truncated());
        let last = playback.last_position();
        let sim = playback.seek(last);
        let pod =
            stored_pod(&sim.api.store.current(), "default/demo-pod").expect("demo-pod is stored");
        assert_eq!(pod_status(pod), "Running");
        assert!(playback.at_end());
    }

    #[test]
    fn should_give_the_same_state_seeking_forward_and_backward_as_a_fresh_replay() {
        let mut playback = played("constrained-pod");
        let start = playback.story_start();
        let last = playback.last_position();
        let targets = [last, start, start + 20, start + 5, last - 3, start + 20];
        for target in targets {
            let sim = playback.seek(target);
            let fresh = fresh_state_at("constrained-pod", target);
            assert_eq!(
                (sim.trace.len(), sim.trace.to_lines()),
                fresh,
                "seek to {target}"
            );
            assert!(sim.trace.len() > target, "entry {target} exists");
            assert_eq!(sim.api.store.revision(), {
                let mut again = played("constrained-pod");
                again.seek(target).api.store.revision()
            });
        }
    }

    #[test]
    fn should_restore_the_earlier_state_exactly_when_stepping_back() {
        let mut playback = played("demo-pod");
        let start = playback.story_start();
        playback.seek(start + 10);
        let before = playback.view().sim.trace.to_lines();
        let before_revision = playback.view().sim.api.store.revision();
        assert!(playback.step_forward());
        playback.seek(playback.last_position());
        playback.seek(start + 11);
        assert!(playback.step_back());
        assert_eq!(playback.position(), start + 10);
        assert_eq!(playback.view().sim.trace.to_lines(), before);
        assert_eq!(playback.view().sim.api.store.revision(), before_revision);
    }

    #[test]
    fn should_replay_between_sparse_checkpoints_to_the_same_state() {
        let mut playback = played("image-not-found");
        // Drop every checkpoint but the first, as a long run would have, and compare with the dense one.
        let dense: Vec<(usize, String)> = (playback.story_start()..=playback.last_position())
            .step_by(17)
            .map(|p| {
                let sim = playback.seek(p);
                (sim.trace.len(), sim.trace.to_lines())
            })
            .collect();
        playback.checkpoints.retain(|&count, _| count == 0);
        *playback.cached.borrow_mut() = None;
        let sparse: Vec<(usize, String)> = (playback.story_start()..=playback.last_position())
            .step_by(17)
            .map(|p| {
                *playback.cached.borrow_mut() = None;
                let sim = playback.seek(p);
                (sim.trace.len(), sim.trace.to_lines())
            })
            .collect();
        assert_eq!(dense, sparse);

        // Walking forward one entry at a time replays from the last state handed out.
        let mut dense_walk = played("image-not-found");
        let mut sparse_walk = played("image-not-found");
        sparse_walk.checkpoints.retain(|&count, _| count == 0);
        *sparse_walk.cached.borrow_mut() = None;
        for position in sparse_walk.story_start()..=sparse_walk.last_position() {
            let want = dense_walk.seek(position);
            let got = sparse_walk.seek(position);
            assert_eq!(got.trace.len(), want.trace.len(), "entry {position}");
            assert_eq!(
                got.api.store.revision(),
                want.api.store.revision(),
                "entry {position}"
            );
            assert_eq!(got.now_ms, want.now_ms, "entry {position}");
        }
    }

    #[test]
    fn should_clamp_seeks_to_the_story() {
        let mut playback = played("demo-pod");
        playback.seek(0);
        assert_eq!(playback.position(), playback.story_start());
        playback.seek(usize::MAX);
        assert_eq!(playback.position(), playback.last_position());
        assert!(!playback.step_forward());
    }

    #[test]
    fn should_discard_the_future_when_a_command_is_issued() {
        let mut playback = played("demo-pod");
        let old_len = playback.head().trace.len();
        // Right after the pod was created: delete it before the scheduler binds it.
        let created = playback
            .head()
            .trace
            .entries
            .iter()
            .position(|e| e.summary == "pod/demo-pod created")
            .expect("kubectl printed created");
        playback.seek(created);
        playback.command(UserCommand::Client(ClientAction::Delete {
            credentials: Credentials::ClusterAdmin,
            resource: "pods".into(),
            namespace: None,
            name: "demo-pod".into(),
            grace_period_seconds: Some(0),
        }));
        assert_eq!(playback.position(), created);
        playback.run_to_end();
        let lines = playback.head().trace.to_lines();
        assert_ne!(playback.head().trace.len(), old_len);
        assert!(
            !lines.contains("Normal Started"),
            "the old future (container started) is gone:\n{lines}"
        );
        let last = playback.last_position();
        let sim = playback.seek(last);
        assert!(stored_pod(&sim.api.store.current(), "default/demo-pod").is_none());
        // Stepping back before the command still shows the recorded past.
        let before = playback.seek(created);
        assert!(stored_pod(&before.api.store.current(), "default/demo-pod").is_some());
    }

    #[test]
    fn should_apply_the_editor_yaml_and_run_the_new_pod_to_running() {
        let mut playback = played("demo-pod");
        let last = playback.last_position();
        playback.seek(last);
        playback.command(UserCommand::Apply {
            yaml: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: second\nspec:\n  containers:\n  - name: c\n    image: nginx:latest\n".into(),
        });
        assert_eq!(playback.client_error(), None);
        assert_eq!(playback.selected_pod(), Some("default/second"));
        playback.run_to_end();
        let last = playback.last_position();
        let sim = playback.seek(last);
        let pod = stored_pod(&sim.api.store.current(), "default/second").expect("stored");
        assert_eq!(pod_status(pod), "Running");
        assert_eq!(
            playback.story_pods(),
            vec!["default/demo-pod".to_string(), "default/second".to_string()]
        );
    }

    #[test]
    fn should_report_yaml_syntax_errors_like_kubectl_without_changing_the_run() {
        let mut playback = played("demo-pod");
        let len = playback.head().trace.len();
        playback.command(UserCommand::Apply {
            yaml: "kind: Pod\nmetadata: [\n".into(),
        });
        let error = playback.client_error().expect("an error").to_string();
        assert!(
            error.starts_with(
                "error: error parsing pod.yaml: error converting YAML to JSON: yaml: "
            ),
            "{error}"
        );
        assert_eq!(playback.head().trace.len(), len);
    }

    #[test]
    fn should_register_an_added_node() {
        let mut playback = played("pod-too-large");
        playback.command(UserCommand::AddNode {
            node: serde_json::json!({
                "apiVersion": "v1", "kind": "Node",
                "metadata": {"name": "node-big", "labels": {"zone": "us-east-1a"}},
                "status": {"capacity": {"cpu": "64", "memory": "256Gi", "pods": "110"}}
            }),
        });
        assert_eq!(playback.client_error(), None);
        // The change shows once playback moves past the current entry.
        assert!(playback
            .view()
            .sim
            .api
            .store
            .get(&store::key("nodes", None, "node-big"))
            .is_none());
        playback.run_to_end();
        let last = playback.last_position();
        playback.seek(last);
        let view = playback.view();
        assert!(view
            .sim
            .api
            .store
            .get(&store::key("nodes", None, "node-big"))
            .is_some());
    }

    #[test]
    fn should_select_the_first_pod_even_when_other_objects_are_applied_first() {
        let playback = played("rbac-forbidden");
        assert_eq!(playback.selected_pod(), Some("default/janes-pod"));
        assert_eq!(
            playback.view().selected_pod.as_deref(),
            Some("default/janes-pod")
        );
    }

    #[test]
    fn should_keep_ui_state_for_select_and_open() {
        let mut playback = played("tainted-node");
        assert_eq!(
            playback.selected_pod(),
            Some("default/no-toleration"),
            "the first pod applied is selected"
        );
        let generation = playback.generation();
        playback.command(UserCommand::SelectPod("default/with-toleration".into()));
        assert_eq!(playback.selected_pod(), Some("default/with-toleration"));
        assert_ne!(playback.generation(), generation);
        playback.command(UserCommand::Open(InspectorTab::Scheduler));
        assert_eq!(playback.tab(), InspectorTab::Scheduler);
    }

    #[test]
    fn should_report_an_unknown_builtin_by_name() {
        assert_eq!(
            Playback::builtin("no-such-scenario", 1).err(),
            Some("there is no built-in scenario named \"no-such-scenario\"".to_string())
        );
    }

    const SECOND_POD: &str = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: second\nspec:\n  containers:\n  - name: c\n    image: nginx:latest\n    resources:\n      requests:\n        cpu: 100m\n";

    fn cordon(node: &str) -> UserCommand {
        UserCommand::Client(ClientAction::Cordon {
            credentials: Credentials::ClusterAdmin,
            node: node.into(),
        })
    }

    /// constrained-pod with the second pod applied at entry 5 and node-a cordoned at entry 40.
    fn edited_run() -> Playback {
        let mut playback = played("constrained-pod");
        let start = playback.story_start();
        playback.seek(start + 5);
        playback.command(UserCommand::Apply {
            yaml: SECOND_POD.into(),
        });
        playback.run_to_end();
        playback.seek(start + 40);
        playback.command(cordon("node-a"));
        playback.run_to_end();
        playback.seek(start + 30);
        playback
    }

    #[test]
    fn should_record_the_commands_that_changed_the_cluster_with_their_entries() {
        let playback = edited_run();
        let history = playback.history();
        assert_eq!(
            history,
            vec![
                RecordedCommand {
                    entry: 5,
                    command: UserCommand::Apply {
                        yaml: SECOND_POD.into()
                    }
                },
                RecordedCommand {
                    entry: 40,
                    command: cordon("node-a")
                },
            ]
        );
    }

    #[test]
    fn should_rebuild_the_same_run_from_its_history() {
        let mut original = edited_run();
        let mut rebuilt = Playback::replay(
            &ScenarioSource::Builtin("constrained-pod".into()),
            DEFAULT_SEED,
            &original.history(),
        )
        .expect("replays");
        rebuilt.seek(original.position());
        assert_eq!(rebuilt.position(), original.position());
        assert_eq!(rebuilt.history(), original.history());
        let want = &original.head().trace.entries;
        let got = &rebuilt.head().trace.entries;
        assert_eq!(got.len(), want.len());
        for (index, (got, want)) in got.iter().zip(want).enumerate() {
            assert_eq!(got, want, "entry {index}");
        }
        let last = original.last_position();
        let (want, got) = (original.seek(last), rebuilt.seek(last));
        assert_eq!(got.api.store.revision(), want.api.store.revision());
        let status =
            |sim: &Simulation, pod: &str| stored_pod(&sim.api.store.current(), pod).map(pod_status);
        assert_eq!(
            status(&got, "default/second"),
            status(&want, "default/second")
        );
        assert!(status(&want, "default/second").is_some());
        // A different seed or a missing command gives a different run: the comparison can fail.
        let without_cordon = Playback::replay(
            &ScenarioSource::Builtin("constrained-pod".into()),
            DEFAULT_SEED,
            &original.history()[..1],
        )
        .expect("replays");
        assert_ne!(
            without_cordon.head().trace.to_lines(),
            original.head().trace.to_lines()
        );
    }

    #[test]
    fn should_keep_two_commands_issued_at_the_same_entry() {
        let mut playback = played("demo-pod");
        let at = playback.story_start() + 3;
        playback.seek(at);
        playback.command(cordon("node-a"));
        playback.command(cordon("node-b"));
        playback.run_to_end();
        assert_eq!(playback.history().len(), 2);
        let last = playback.last_position();
        let sim = playback.seek(last);
        for node in ["node-a", "node-b"] {
            let cordoned = match &sim
                .api
                .store
                .get(&store::key("nodes", None, node))
                .map(|o| &o.object)
            {
                Some(Object::Node(n)) => n.spec.as_ref().and_then(|s| s.unschedulable),
                _ => None,
            };
            assert_eq!(cordoned, Some(true), "{node}");
        }
    }

    #[test]
    fn should_forget_commands_whose_future_was_discarded() {
        let mut playback = played("demo-pod");
        let start = playback.story_start();
        playback.seek(start + 20);
        playback.command(cordon("node-a"));
        playback.run_to_end();
        playback.seek(start + 4);
        playback.command(cordon("node-b"));
        // A refused command is not recorded.
        playback.command(UserCommand::Apply {
            yaml: "kind: [".into(),
        });
        assert_eq!(
            playback.history(),
            vec![RecordedCommand {
                entry: 4,
                command: cordon("node-b")
            }]
        );
    }

    #[test]
    fn should_run_every_builtin_to_completion() {
        for name in scenario::builtin_names() {
            let playback = played(name);
            assert!(playback.is_complete(), "{name}");
            assert!(!playback.is_truncated(), "{name}");
            assert!(playback.has_entries(), "{name}");
        }
    }
}
