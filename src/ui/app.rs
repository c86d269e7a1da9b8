//! The root component: the page's shell around the playback. [`App`] loads what this browser saved
//! (`ui::persist`) and provides it to the page below it, `AppPage`, remounted afresh on Reset.
//!
//! It holds the [`Playback`] of the chosen scenario, the current [`ViewState`], the open
//! [`InspectorTab`] and a `Callback<UserCommand>` that routes panel commands into the playback, and
//! lays out header (title, scenario picker, controls), caption, flow diagram, inspector, cluster and
//! timeline. It also runs the playback timer (gloo `Timeout`) and the keyboard shortcuts (Space, ←, →).
//! Everything it shows is derived by `playback` and `story`; this file only wires and renders.

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};
use std::rc::Rc;

use gloo::events::EventListener;
use gloo::timers::callback::Timeout;
use wasm_bindgen::JsCast;
use yew::prelude::*;

use crate::ui::panels::{ClusterPanel, Inspector};

use crate::engine::store::StoreAt;
use crate::engine::{scenario, synthetic};
use crate::ui::components::caption::Caption;
use crate::ui::components::controls::{Controls, DEFAULT_SPEED, SPEEDS};
use crate::ui::components::flow_diagram::{clicked_data, FlowDiagram};
use crate::ui::components::persist_actions::{PersistActions, PersistNotices};
use crate::ui::components::scenario_picker::ScenarioPicker;
use crate::ui::components::share_menu::ShareMenu;
use crate::ui::components::status_icon::StatusBadge;
use crate::ui::components::timeline::{Timeline, TimelineMark};
use crate::ui::config::{quoted, AppConfig, Host, Layout, ScenarioSource, SyntheticSize, Theme};
use crate::ui::idle::IdleLoop;
use crate::ui::persist::{self, PersistAction, Persisted};
use crate::ui::playback::{step_delay_ms, stored_pod, Playback, DEFAULT_SEED};
use crate::ui::share::SharedState;
use crate::ui::storage::SavedScenario;
use crate::ui::story::{self, Annotation, Failure, PodToken};
use crate::ui::view_state::{InspectorTab, UserCommand, ViewState};

/// The heading every page shows.
pub const APP_TITLE: &str = "podflow";

/// The scenario the page opens with.
pub const DEFAULT_SCENARIO: &str = "demo-pod";

/// Engine steps run before the page first renders (and after a command); the rest of a big scenario
/// runs in slices afterwards, so the page is interactive at once. demo-pod needs about 20 steps in all,
/// a 20-node, 200-pod cluster about 2,700.
const FIRST_RENDER_STEPS: usize = 100;
/// Engine steps between two looks at the story while running the engine to a step (`#step=` links).
const SLICE_BATCH_STEPS: usize = 8;
/// How often the timeline shows the engine's progress while it runs in slices, in milliseconds. Each
/// time, the whole timeline (a mark per pod and step) is laid out again, which costs more than a frame
/// on a big cluster, so a run that finishes within this time shows its full timeline once, at the end.
const PUBLISH_INTERVAL_MS: f64 = 5_000.0;

/// Milliseconds from an arbitrary origin, for slice budgets only (never reaches the engine).
fn wall_clock_ms() -> f64 {
    crate::ui::idle::now_ms()
}

/// The story over the trace recorded so far: each entry's annotation and the timeline's marks, built
/// up entry by entry as the engine records more.
#[derive(Default)]
struct StoryIndex {
    annotator: story::Annotator,
    marks: Rc<Vec<TimelineMark>>,
    /// Marks found since the last [`StoryIndex::flush_marks`]: `marks` is shared with the rendered
    /// timeline, so it is copied once per slice, not once per engine step.
    new_marks: Vec<TimelineMark>,
    /// (pod, step) pairs that already have a numbered mark.
    seen: BTreeSet<(Option<String>, u8)>,
    /// Each pod's failure at its last entry.
    last_failure: BTreeMap<String, Option<Failure>>,
    /// The diagram's tokens walked up to the last position shown.
    token_walk: story::TokenWalk,
}

impl StoryIndex {
    fn new(start: usize) -> StoryIndex {
        StoryIndex {
            annotator: story::Annotator::new(start),
            ..StoryIndex::default()
        }
    }

    fn start(&self) -> usize {
        self.annotator.start()
    }

    fn annotations(&self) -> &[Annotation] {
        self.annotator.annotations()
    }

    /// The pods' tokens at `position` (see [`story::pod_tokens`]), continuing the last walk.
    fn pod_tokens(&mut self, store: &StoreAt, position: usize) -> Vec<story::PodToken> {
        let start = self.annotator.start();
        self.token_walk
            .tokens_at(store, self.annotator.annotations(), start, position)
    }

    /// Annotates the new entries of `entries` and adds their marks: a numbered mark where each pod
    /// (or other object) first reaches each step, and a red mark where a pod stops (not again for
    /// every entry that repeats the same failure).
    fn extend(&mut self, entries: &[crate::engine::trace::TraceEntry]) {
        self.annotate(entries);
        self.flush_marks();
    }

    /// Adds the marks found by [`StoryIndex::annotate`] to the timeline's.
    fn flush_marks(&mut self) {
        if !self.new_marks.is_empty() {
            Rc::make_mut(&mut self.marks).append(&mut self.new_marks);
        }
    }

    /// [`StoryIndex::extend`] without publishing the new marks yet.
    fn annotate(&mut self, entries: &[crate::engine::trace::TraceEntry]) {
        let before = self.annotator.annotations().len();
        if self.annotator.extend(entries) == 0 {
            return;
        }
        let start = self.annotator.start();
        let marks = &mut self.new_marks;
        for (offset, annotation) in self.annotator.annotations().iter().enumerate().skip(before) {
            if let Some(step) = annotation.step {
                if self.seen.insert((annotation.pod.clone(), step)) {
                    marks.push(TimelineMark {
                        position: start + offset,
                        label: step.to_string(),
                        failed: false,
                    });
                }
            }
            if let Some(pod) = &annotation.pod {
                let previous = self
                    .last_failure
                    .insert(pod.clone(), annotation.failure.clone());
                if annotation.failure.is_some() && previous.flatten() != annotation.failure {
                    marks.push(TimelineMark {
                        position: start + offset,
                        label: String::new(),
                        failed: true,
                    });
                }
            }
        }
    }
}

/// Everything the page keeps between renders. Cheap to clone: the playback is shared.
#[derive(Clone)]
pub struct Page {
    names: Rc<Vec<&'static str>>,
    scenario: Option<AttrValue>,
    /// What plays when it is not a named scenario (a generated cluster), for the scenario picker.
    unlisted: Option<AttrValue>,
    playback: Option<Rc<RefCell<Playback>>>,
    load_error: Option<String>,
    view: Option<Rc<ViewState>>,
    /// The story over the trace recorded so far (shared by successive page states, extended in place).
    story: Rc<RefCell<StoryIndex>>,
    /// Entries recorded so far and whether the engine is done: the page renders before a big scenario
    /// has run to its end and runs the rest in slices ([`PageAction::Extend`]).
    recorded: usize,
    complete: bool,
    /// When `recorded` and `complete` last changed ([`PUBLISH_INTERVAL_MS`]).
    published_ms: f64,
    tab: InspectorTab,
    playing: bool,
    /// Index into [`SPEEDS`].
    speed: usize,
    /// The engine's seed for every scenario this page loads.
    seed: u64,
    /// What the configuration asked for that podflow could not do, one sentence each.
    problems: Rc<Vec<String>>,
}

impl PartialEq for Page {
    fn eq(&self, other: &Self) -> bool {
        self.scenario == other.scenario
            && self.view == other.view
            && self.tab == other.tab
            && self.playing == other.playing
            && self.speed == other.speed
            && self.recorded == other.recorded
            && self.complete == other.complete
            && self.load_error == other.load_error
            && self.problems == other.problems
    }
}

/// What the page can be asked to do.
#[derive(Clone, Debug, PartialEq)]
pub enum PageAction {
    Load(AttrValue),
    TogglePlay,
    StepForward,
    StepBack,
    Seek(usize),
    Restart,
    Speed(usize),
    /// Open a scenario saved in this browser (`ui::persist`).
    LoadSaved(Rc<SavedScenario>),
    /// The playback timer fired.
    Tick,
    /// Run the engine on for a slice of about `budget_ms` of wall-clock time (the page renders before
    /// a big scenario has run to its end; the slices run in the browser's idle time, `ui::idle`).
    Extend {
        budget_ms: f64,
    },
    Command(UserCommand),
}

impl Page {
    fn empty(
        names: Rc<Vec<&'static str>>,
        scenario: Option<&str>,
        speed: usize,
        seed: u64,
    ) -> Page {
        Page {
            names,
            scenario: scenario.map(|s| AttrValue::from(s.to_string())),
            unlisted: None,
            playback: None,
            load_error: None,
            view: None,
            story: Rc::new(RefCell::new(StoryIndex::default())),
            recorded: 0,
            complete: true,
            published_ms: 0.0,
            tab: InspectorTab::Manifest,
            playing: false,
            speed,
            seed,
            problems: Rc::new(Vec::new()),
        }
    }

    fn new(names: Rc<Vec<&'static str>>, scenario: Option<&str>, speed: usize, seed: u64) -> Page {
        let mut page = Page::empty(names, scenario, speed, seed);
        if let Some(name) = scenario {
            page.load(
                Playback::builtin(name, seed),
                &format!("The scenario {name} could not be loaded"),
            );
        }
        page
    }

    /// A page playing a generated cluster of `size` (from a `#synthetic=` link), or saying why not.
    fn synthetic(
        names: Rc<Vec<&'static str>>,
        size: &Result<SyntheticSize, String>,
        speed: usize,
    ) -> Page {
        let mut page = Page::empty(names, None, speed, DEFAULT_SEED);
        match size {
            Ok(size) => {
                page.unlisted = Some(AttrValue::from(format!(
                    "generated: {} nodes, {} pods",
                    size.nodes, size.pods
                )));
                page.load(
                    Playback::from_scenario(
                        &synthetic::cluster(size.nodes, size.pods, DEFAULT_SEED),
                        DEFAULT_SEED,
                    ),
                    "The synthetic cluster could not be loaded",
                )
            }
            Err(message) => page.load_error = Some(message.clone()),
        }
        page
    }

    fn load(&mut self, loaded: Result<Playback, String>, failure: &str) {
        match loaded {
            Ok(mut playback) => {
                // Enough to show the story's start; the rest runs after the page has rendered.
                playback.advance(FIRST_RENDER_STEPS);
                self.playback = Some(Rc::new(RefCell::new(playback)));
                self.refresh_story();
            }
            Err(message) => self.load_error = Some(format!("{failure}: {message}")),
        }
        self.refresh_view();
    }

    /// Re-annotates the whole trace (after loading or a command changed the future).
    fn refresh_story(&mut self) {
        let Some(playback) = &self.playback else {
            return;
        };
        let start = playback.borrow().story_start();
        self.story = Rc::new(RefCell::new(StoryIndex::new(start)));
        self.extend_story();
        self.publish_progress();
    }

    /// Annotates the entries recorded since the last call.
    fn extend_story(&mut self) {
        let Some(playback) = &self.playback else {
            return;
        };
        let playback = playback.borrow();
        self.story
            .borrow_mut()
            .extend(&playback.head().trace.entries);
    }

    /// Shows how far the engine has run: the timeline's end and whether more is coming. Kept apart
    /// from [`Page::extend_story`] because every change re-lays out the timeline's marks.
    fn publish_progress(&mut self) {
        let Some(playback) = &self.playback else {
            return;
        };
        let playback = playback.borrow();
        self.recorded = playback.head().trace.len();
        self.complete = playback.is_complete();
        self.published_ms = wall_clock_ms();
    }

    /// Runs the engine for about `budget_ms` of wall-clock time (at least one step), annotating what
    /// it records as it goes; the clock is read after every step, so a slice overruns its budget by at
    /// most one engine step.
    fn run_slice(&mut self, budget_ms: f64) {
        let Some(playback) = &self.playback else {
            return;
        };
        let mut span = crate::ui::profile::Span::new(|| "slice".into());
        let deadline = wall_clock_ms() + budget_ms;
        let mut steps = 0;
        let mut longest_step: f64 = 0.0;
        {
            let mut playback = playback.borrow_mut();
            let mut story = self.story.borrow_mut();
            let mut last = wall_clock_ms();
            while playback.advance(1) {
                steps += 1;
                story.annotate(&playback.head().trace.entries);
                let now = wall_clock_ms();
                longest_step = longest_step.max(now - last);
                last = now;
                if now >= deadline {
                    break;
                }
            }
            story.annotate(&playback.head().trace.entries);
            story.flush_marks();
        }
        span.relabel(|| {
            format!("slice {budget_ms:.1} ms, {steps} steps, longest step {longest_step:.1} ms")
        });
    }

    /// Runs the engine until the story reaches `step` (1–9), or to its end.
    fn run_until_step(&mut self, step: u8) -> Option<usize> {
        let playback = self.playback.clone()?;
        loop {
            let found = {
                let story = self.story.borrow();
                story::first_entry_of_step(story.annotations(), story.start(), step)
            };
            if found.is_some() {
                return found;
            }
            if !playback.borrow_mut().advance(SLICE_BATCH_STEPS) {
                self.extend_story();
                let story = self.story.borrow();
                return story::first_entry_of_step(story.annotations(), story.start(), step);
            }
            self.extend_story();
        }
    }

    fn refresh_view(&mut self) {
        self.view = self
            .playback
            .as_ref()
            .map(|playback| Rc::new(playback.borrow().view()));
    }
}

impl Reducible for Page {
    type Action = PageAction;

    fn reduce(self: Rc<Self>, action: PageAction) -> Rc<Self> {
        // Timing marks for the frame benchmark (`ui::profile`; nothing unless it asked for them).
        let _span = crate::ui::profile::Span::new(|| {
            format!("reduce {action:?}").chars().take(40).collect()
        });
        if let PageAction::Load(name) = action {
            return Rc::new(Page::new(
                self.names.clone(),
                Some(&name),
                self.speed,
                self.seed,
            ));
        }
        if let PageAction::LoadSaved(saved) = action {
            let key = persist::saved_key(&saved.name);
            let mut page = Page::empty(self.names.clone(), Some(&key), self.speed, self.seed);
            page.load(
                Playback::from_text(&saved.name, &saved.text, self.seed),
                &format!("The saved scenario {} could not be loaded", saved.name),
            );
            return Rc::new(page);
        }
        let extend = match action {
            PageAction::Extend { budget_ms } => Some(budget_ms),
            _ => None,
        };
        let mut next = (*self).clone();
        let Some(playback) = next.playback.clone() else {
            return self;
        };
        // The trace only changes when a command gave the run a new future.
        let mut refresh = false;
        {
            let mut playback = playback.borrow_mut();
            match action {
                PageAction::Load(_) | PageAction::LoadSaved(_) | PageAction::Extend { .. } => {}
                PageAction::TogglePlay => {
                    if !next.playing && playback.at_end() {
                        let start = playback.story_start();
                        playback.seek(start);
                    }
                    next.playing = !next.playing;
                }
                PageAction::Tick => {
                    if next.playing && !playback.step_forward() {
                        next.playing = false;
                    }
                    // While playing, the inspector follows the active stage.
                    let view = playback.view();
                    // Seeking may have run the engine on: annotate what it recorded.
                    next.story
                        .borrow_mut()
                        .extend(&playback.head().trace.entries);
                    let active = story::active_node_at(
                        next.story.borrow().annotations(),
                        view.story_start,
                        view.position,
                    );
                    if let Some(node) = active {
                        next.tab = node.tab();
                        playback.command(UserCommand::Open(next.tab));
                    }
                }
                PageAction::StepForward => {
                    next.playing = false;
                    playback.step_forward();
                }
                PageAction::StepBack => {
                    next.playing = false;
                    playback.step_back();
                }
                PageAction::Seek(position) => {
                    next.playing = false;
                    playback.seek(position);
                }
                PageAction::Restart => {
                    let start = playback.story_start();
                    playback.seek(start);
                    next.playing = true;
                }
                PageAction::Speed(index) => next.speed = index.min(SPEEDS.len() - 1),
                PageAction::Command(command) => {
                    let changes_cluster = matches!(
                        command,
                        UserCommand::Apply { .. }
                            | UserCommand::Client(_)
                            | UserCommand::AddNode { .. }
                    );
                    match &command {
                        UserCommand::Open(tab) => next.tab = *tab,
                        UserCommand::DescribeNode(Some(_)) | UserCommand::DescribePdb(_) => {
                            next.tab = InspectorTab::Describe
                        }
                        _ => {}
                    }
                    playback.command(command);
                    if changes_cluster {
                        playback.advance(FIRST_RENDER_STEPS);
                        refresh = true;
                        if playback.client_error().is_none() {
                            next.playing = true;
                        }
                    }
                }
            }
        }
        if refresh {
            next.refresh_story();
        } else if let Some(budget_ms) = extend {
            if self.complete {
                // A slice asked for after the last one: nothing left to run or to show.
                return self;
            }
            next.run_slice(budget_ms);
            let done = next
                .playback
                .as_ref()
                .is_none_or(|p| p.borrow().is_complete());
            if !done && wall_clock_ms() - next.published_ms < PUBLISH_INTERVAL_MS {
                // The engine ran on; the page shows it at the next publication (no re-render now).
                return self;
            }
            next.publish_progress();
        } else {
            next.extend_story();
        }
        next.refresh_view();
        Rc::new(next)
    }
}

/// The page action for a key press, unless it belongs to a text field or carries a modifier.
fn key_action(event: &web_sys::KeyboardEvent) -> Option<PageAction> {
    if event.ctrl_key() || event.meta_key() || event.alt_key() {
        return None;
    }
    let key = event.key();
    if typing_target(event, &key) {
        return None;
    }
    match key.as_str() {
        " " | "Spacebar" => Some(PageAction::TogglePlay),
        "ArrowRight" => Some(PageAction::StepForward),
        "ArrowLeft" => Some(PageAction::StepBack),
        _ => None,
    }
}

/// True when a key press belongs to a text field (or a control that handles it itself).
fn typing_target(event: &web_sys::KeyboardEvent, key: &str) -> bool {
    let Some(element) = event
        .target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
    else {
        return false;
    };
    let tag = element.tag_name().to_ascii_uppercase();
    let editable = element
        .dyn_ref::<web_sys::HtmlElement>()
        .is_some_and(|e| e.is_content_editable());
    let is_button = tag == "BUTTON" || element.get_attribute("role").as_deref() == Some("button");
    // A modal dialog (Reset's) owns the keys while it is open.
    let in_dialog = element
        .closest("[aria-modal=true]")
        .ok()
        .flatten()
        .is_some();
    editable
        || in_dialog
        || matches!(tag.as_str(), "INPUT" | "TEXTAREA" | "SELECT")
        || (key == " " && is_button)
}

/// The page an instance opens with: the configured scenario (or the default one, with a message when
/// the configured one cannot be loaded), at the configured step or entry, speed and play state.
fn initial_page(config: &AppConfig) -> Page {
    let names = Rc::new(scenario::builtin_names());
    let seed = config.seed_or_default();
    let speed = config.speed.unwrap_or(DEFAULT_SPEED);
    let default = if names.contains(&DEFAULT_SCENARIO) {
        Some(DEFAULT_SCENARIO)
    } else {
        names.first().copied()
    };
    let mut problems = config.problems.clone();
    // Whether the configured scenario opened (a share link's commands only replay on it).
    let mut configured = config.scenario.is_some();
    let mut page = match &config.scenario {
        None => Page::new(names, default, speed, seed),
        Some(ScenarioSource::Builtin(name)) => {
            match names.iter().copied().find(|n| *n == name.as_str()) {
                Some(known) => Page::new(names, Some(known), speed, seed),
                None => {
                    problems.push(format!(
                        "There is no built-in scenario named {}; podflow opened {} instead.",
                        quoted(name),
                        default.unwrap_or("nothing")
                    ));
                    configured = false;
                    Page::new(names, default, speed, seed)
                }
            }
        }
        Some(ScenarioSource::Text { name, text }) => {
            let mut page = Page::empty(names.clone(), None, speed, seed);
            match Playback::from_text(name, text, seed) {
                Ok(playback) => page.load(Ok(playback), ""),
                Err(message) => {
                    problems.push(format!(
                        "The {name} could not be loaded, so podflow opened {} instead: {message}",
                        default.unwrap_or("nothing")
                    ));
                    configured = false;
                    page = Page::new(names, default, speed, seed);
                }
            }
            page
        }
        Some(ScenarioSource::Synthetic(size)) => Page::synthetic(names, size, speed),
    };
    if let Some(playback) = page.playback.clone() {
        // A share link: its commands at their entries, then the pod it followed.
        if configured && !config.commands.is_empty() {
            playback.borrow_mut().apply_history(&config.commands);
            page.refresh_story();
        }
        if let Some(pod) = &config.pod {
            playback
                .borrow_mut()
                .command(UserCommand::SelectPod(pod.clone()));
        }
        if let Some(node) = &config.node {
            page.tab = InspectorTab::Describe;
            playback
                .borrow_mut()
                .command(UserCommand::DescribeNode(Some(node.clone())));
        }
        if let Some(budget) = &config.pdb {
            page.tab = InspectorTab::Describe;
            playback
                .borrow_mut()
                .command(UserCommand::DescribePdb(budget.clone()));
        }
        if let Some(tab) = config.tab {
            page.tab = tab;
            playback.borrow_mut().command(UserCommand::Open(tab));
        }
        page.refresh_view();
    } else if !config.commands.is_empty() {
        configured = false;
    }
    if !configured && !config.commands.is_empty() {
        problems.push(format!(
            "The link's {} cluster commands were not replayed, as its scenario did not open.",
            config.commands.len()
        ));
    }
    page.problems = Rc::new(problems);
    page.playing = config.autoplay && page.playback.is_some();
    if let Some(playback) = page.playback.clone() {
        let start = playback.borrow().story_start();
        let target = match (config.step, config.entry) {
            (Some(step), _) => page.run_until_step(step),
            (None, Some(entry)) => Some(start.saturating_add(entry)),
            (None, None) => None,
        };
        if let Some(position) = target {
            playback.borrow_mut().seek(position);
            page.extend_story();
            page.refresh_view();
        }
        page.publish_progress();
    }
    page
}

/// One podflow instance: the full page, an iframe, or a widget in a docs page.
#[derive(Properties, PartialEq, Default)]
pub struct AppProps {
    #[prop_or_default]
    pub config: Rc<AppConfig>,
}

/// One podflow instance with what this browser saved (`ui::persist`): the saved preferences fill in
/// what `config` leaves unset, and Reset remounts the page afresh.
#[component]
pub fn App(props: &AppProps) -> Html {
    let persisted = persist::use_persisted(props.config.clone());
    html! {
        <ContextProvider<Persisted> context={persisted.clone()}>
            <AppPage key={persisted.epoch()} config={persisted.config()} />
        </ContextProvider<Persisted>>
    }
}

/// The page of one instance, under [`App`].
#[component]
fn AppPage(props: &AppProps) -> Html {
    // Timing marks for the frame benchmark (`ui::profile`): this function, and from its start to the
    // effects after the page's DOM was updated.
    let render_start = crate::ui::profile::now_ms();
    let _span = crate::ui::profile::Span::new(|| "AppPage render".into());
    use_effect(move || crate::ui::profile::record_since("AppPage render to effects", render_start));
    let persisted = use_context::<Persisted>();
    let page = {
        let config = props.config.clone();
        use_reducer(move || initial_page(&config))
    };

    // Keyboard: Space plays or pauses, ← and → step; not while typing. The full page and an iframe
    // own the document's keys; a widget in someone else's page only hears keys pressed inside it.
    let host = props.config.host;
    let on_key = {
        let dispatcher = page.dispatcher();
        move |event: &web_sys::KeyboardEvent| {
            if let Some(action) = key_action(event) {
                event.prevent_default();
                dispatcher.dispatch(action);
            }
        }
    };
    {
        let on_key = on_key.clone();
        use_effect_with(host, move |host| {
            let listener = (*host != Host::Widget).then(|| {
                EventListener::new(&gloo::utils::document(), "keydown", move |event| {
                    if let Some(event) = event.dyn_ref::<web_sys::KeyboardEvent>() {
                        on_key(event);
                    }
                })
            });
            move || drop(listener)
        });
    }
    let on_widget_key =
        (host == Host::Widget).then(|| Callback::from(move |event: KeyboardEvent| on_key(&event)));

    // The rest of a big scenario runs in slices after the page has rendered, in the browser's idle
    // time between frames (`ui::idle`), so the page stays interactive and animates at full frame rate
    // while the timeline grows.
    {
        let dispatcher = page.dispatcher();
        let pending = page.playback.is_some() && !page.complete;
        let generation = page.view.as_ref().map(|v| v.generation);
        use_effect_with((pending, generation), move |(pending, _)| {
            let slices = pending.then(|| {
                let dispatcher = dispatcher.clone();
                IdleLoop::new(move |budget_ms| {
                    dispatcher.dispatch(PageAction::Extend { budget_ms });
                    true
                })
            });
            move || drop(slices)
        });
    }

    // The playback timer: one timeout per entry while playing.
    let delay = next_delay(&page);
    {
        let dispatcher = page.dispatcher();
        let playing = page.playing;
        let generation = page.view.as_ref().map(|v| v.generation);
        use_effect_with((playing, generation, delay), move |(playing, _, delay)| {
            let timeout = playing.then(|| {
                let dispatcher = dispatcher.clone();
                Timeout::new(*delay, move || dispatcher.dispatch(PageAction::Tick))
            });
            move || drop(timeout)
        });
    }

    let dispatch = |action: PageAction| {
        let dispatcher = page.dispatcher();
        Callback::from(move |_: ()| dispatcher.dispatch(action.clone()))
    };
    // The same callback on every render (a hook), so panels that only receive it and their own data
    // (the node cards) skip re-rendering when their data did not change.
    let on_command: Callback<UserCommand> =
        use_callback(page.dispatcher(), |command, dispatcher| {
            dispatcher.dispatch(PageAction::Command(command))
        });
    let on_select = {
        let dispatcher = page.dispatcher();
        let persisted = persisted.clone();
        Callback::from(move |name: AttrValue| {
            match persisted.as_ref().and_then(|p| p.saved_scenario(&name)) {
                Some(saved) => dispatcher.dispatch(PageAction::LoadSaved(Rc::new(saved))),
                None => dispatcher.dispatch(PageAction::Load(name)),
            }
        })
    };
    let on_open_saved = {
        let dispatcher = page.dispatcher();
        Callback::from(move |saved| dispatcher.dispatch(PageAction::LoadSaved(Rc::new(saved))))
    };
    let saved_names: Rc<Vec<AttrValue>> = Rc::new(
        persisted
            .as_ref()
            .map(|p| {
                p.scenarios()
                    .iter()
                    .map(|s| AttrValue::from(s.name.clone()))
                    .collect()
            })
            .unwrap_or_default(),
    );
    let on_seek = {
        let dispatcher = page.dispatcher();
        Callback::from(move |position| dispatcher.dispatch(PageAction::Seek(position)))
    };
    let on_speed = {
        let dispatcher = page.dispatcher();
        let persisted = persisted.clone();
        Callback::from(move |index| {
            if let Some(persisted) = &persisted {
                persisted.dispatch(PersistAction::Speed(index));
            }
            dispatcher.dispatch(PageAction::Speed(index))
        })
    };

    let (at_start, at_end) = match (&page.playback, &page.view) {
        (Some(playback), Some(view)) => {
            let playback = playback.borrow();
            (
                view.position <= playback.story_start(),
                view.position >= playback.last_position(),
            )
        }
        _ => (true, true),
    };
    let scenario_title = page.scenario.as_deref().map_or(String::new(), |key| {
        scenario::builtin_title(key)
            .map(String::from)
            .or_else(|| persist::saved_title(key))
            .unwrap_or_default()
    });
    let layout = props.config.layout;
    let theme = props.config.theme.unwrap_or(Theme::Auto);
    let share_state = (host == Host::Page).then(|| shared_state(&page)).flatten();
    let described = page
        .playback
        .as_ref()
        .and_then(|p| p.borrow().described_object());

    html! {
        <div class={classes!("pf-app", (layout == Layout::Compact).then_some("pf-app--compact"), (host != Host::Page).then_some("pf-app--embedded"), (host == Host::Frame).then_some("pf-app--frame"), (host == Host::Widget).then_some("pf-app--widget"))}
             data-testid="podflow-app"
             data-theme={theme.as_str()}
             data-layout={layout.as_str()}
             style={props.config.height.as_ref().map(|h| format!("height: {h}"))}
             onkeydown={on_widget_key}>
            <header class="pf-header">
                <div class="pf-brand">
                    <h1>{ APP_TITLE }</h1>
                    <p class="pf-tagline">{ "A Pod's journey through the Kubernetes control plane" }</p>
                </div>
                if page.names.is_empty() {
                    <p class="pf-empty" data-testid="no-scenarios">{ "no scenarios" }</p>
                } else {
                    <div class="pf-toolbar">
                        if layout == Layout::Full {
                            <ScenarioPicker names={page.names.clone()} selected={page.scenario.clone()} saved={saved_names} unlisted={page.unlisted.clone()} on_select={on_select.clone()} />
                        }
                        <Controls
                            playing={page.playing}
                            at_start={at_start}
                            at_end={at_end}
                            speed={page.speed}
                            on_restart={dispatch(PageAction::Restart)}
                            on_step_back={dispatch(PageAction::StepBack)}
                            on_toggle={dispatch(PageAction::TogglePlay)}
                            on_step_forward={dispatch(PageAction::StepForward)}
                            on_speed={on_speed}
                        />
                        if host != Host::Widget && layout == Layout::Full {
                            <PersistActions current={page.scenario.clone()} on_open_saved={on_open_saved}
                                on_open_default={on_select.reform(|_| AttrValue::from(DEFAULT_SCENARIO))} />
                        }
                        if let Some(state) = share_state {
                            <ShareMenu state={state} tab={page.tab} described={described.clone()} />
                        }
                    </div>
                }
            </header>
            <PersistNotices />
            if !scenario_title.is_empty() {
                <p class="pf-scenario-title" data-testid="scenario-title">{ scenario_title }</p>
            }
            if !page.problems.is_empty() {
                <ul class="pf-alert pf-problems" role="alert" data-testid="config-problems">
                    { for page.problems.iter().map(|problem| html! { <li>{ problem.clone() }</li> }) }
                </ul>
            }
            if let Some(message) = &page.load_error {
                <p class="pf-alert" role="alert" data-testid="load-error">{ message.clone() }</p>
            }
            if let (Some(playback), Some(view)) = (&page.playback, &page.view) {
                { render_story(&page, layout, &playback.borrow(), view, on_command, on_seek) }
            }
        </div>
    }
}

/// What a share link of the page's current view holds: its scenario, seed, entry, the pod followed
/// (when not the story's first) and the commands issued. `None` for a generated cluster.
fn shared_state(page: &Page) -> Option<Rc<SharedState>> {
    let playback = page.playback.as_ref()?.borrow();
    let scenario = match playback.source()? {
        ScenarioSource::Synthetic(_) => return None,
        source => source.clone(),
    };
    let selected = playback.selected_pod().map(String::from);
    let pod = selected.filter(|pod| playback.story_pods().first() != Some(pod));
    Some(Rc::new(SharedState {
        scenario,
        seed: playback.seed(),
        entry: playback.position().saturating_sub(playback.story_start()),
        pod,
        commands: playback.history(),
    }))
}

/// The wall-clock delay before the next entry at the page's speed.
fn next_delay(page: &Page) -> u32 {
    let speed = SPEEDS.get(page.speed).copied().unwrap_or(1.0);
    let (Some(playback), Some(view)) = (&page.playback, &page.view) else {
        return step_delay_ms(0, true, speed);
    };
    let playback = playback.borrow();
    let entries = &playback.head().trace.entries;
    let now = entries.get(view.position).map_or(0, |e| e.time_ms);
    let next = entries.get(view.position + 1).map_or(now, |e| e.time_ms);
    let story = page.story.borrow();
    let shown = story
        .annotations()
        .get((view.position + 1).saturating_sub(view.story_start))
        .is_some_and(|a| a.node.is_some() && a.pod.is_some());
    step_delay_ms(next.saturating_sub(now), shown, speed)
}

fn render_story(
    page: &Page,
    layout: Layout,
    playback: &Playback,
    view: &Rc<ViewState>,
    on_command: Callback<UserCommand>,
    on_seek: Callback<usize>,
) -> Html {
    let start = view.story_start;
    let position = view.position;
    let entry = view.sim.trace.entries.get(position);
    let (caption, failed) = match entry {
        Some(entry) if position >= start => (
            story::caption(entry),
            entry.outcome == crate::engine::trace::Outcome::Failed,
        ),
        _ => (
            "The story has not recorded anything yet.".to_string(),
            false,
        ),
    };
    let tokens = {
        let _span = crate::ui::profile::Span::new(|| "pod_tokens".into());
        let store = view.store();
        Rc::new(match page.story.try_borrow_mut() {
            Ok(mut index) => index.pod_tokens(&store, position),
            Err(_) => story::pod_tokens(&store, page.story.borrow().annotations(), start, position),
        })
    };
    let index = page.story.borrow();
    let step = story::step_at(index.annotations(), start, position);
    let controller = story::controller_at(index.annotations(), start, position);
    let active = story::active_node_at(index.annotations(), start, position);
    let kubelet_node = view
        .selected_pod
        .as_deref()
        .and_then(|pod| stored_pod(&view.store(), pod))
        .and_then(|pod| pod.spec.as_ref())
        .and_then(|spec| spec.node_name.clone())
        .map(AttrValue::from);
    let on_open = {
        let on_command = on_command.clone();
        Callback::from(move |tab| on_command.emit(UserCommand::Open(tab)))
    };
    let on_select_pod = {
        let on_command = on_command.clone();
        Callback::from(move |pod| on_command.emit(UserCommand::SelectPod(pod)))
    };
    html! {
        <>
            <Caption step={step} controller={controller} text={AttrValue::from(caption)} failed={failed} />
            if let Some(error) = playback.client_error() {
                <pre class="pf-alert pf-mono" role="alert" data-testid="client-error">{ error.to_string() }</pre>
            }
            <main class="pf-main">
                <section class="pf-stage" aria-label="Flow">
                    <FlowDiagram
                        active={active}
                        tokens={tokens.clone()}
                        selected_pod={view.selected_pod.clone()}
                        kubelet_node={kubelet_node}
                        tab={page.tab}
                        on_open={on_open}
                        on_select_pod={on_select_pod.clone()}
                    />
                    { render_pod_list(&tokens, view.selected_pod.as_deref(), &on_select_pod) }
                    <ul class="pf-legend" aria-label="Status shapes">
                        { for ["Pending", "ContainerCreating", "Running", "ImagePullBackOff", "rejected"].iter().map(|word| html! {
                            <li><StatusBadge status={AttrValue::from(*word)} /></li>
                        }) }
                    </ul>
                </section>
                if layout == Layout::Full {
                    <TrailingPanels view={view.clone()} tab={page.tab} playing={page.playing} on_command={on_command.clone()} />
                }
            </main>
            <Timeline
                start={start}
                end={page.recorded.saturating_sub(1).max(start).max(position)}
                position={position}
                time_ms={view.now_ms()}
                marks={index.marks.clone()}
                on_seek={on_seek}
            />
        </>
    }
}

fn render_pod_list(
    tokens: &[PodToken],
    selected: Option<&str>,
    on_select: &Callback<String>,
) -> Html {
    if tokens.is_empty() {
        return html! {};
    }
    // One click handler for every pod's button: the pod is the clicked button's `data-pod`.
    let on_click = {
        let on_select = on_select.clone();
        Callback::from(move |event: MouseEvent| {
            if let Some(pod) = clicked_data(&event, "button[data-pod]", "data-pod") {
                on_select.emit(pod);
            }
        })
    };
    html! {
        <ul class="pf-pod-list" aria-label="Pods in the story" data-testid="pod-list" onclick={on_click}>
            { for tokens.iter().map(|token| {
                let is_selected = selected == Some(token.pod.as_str());
                let status = token
                    .failure
                    .as_ref()
                    .filter(|_| token.status == story::STATUS_REJECTED)
                    .map_or(token.status.clone(), |_| story::STATUS_REJECTED.to_string());
                html! {
                    <PodButton key={token.pod.clone()}
                               pod={AttrValue::from(token.pod.clone())}
                               name={AttrValue::from(token.name.clone())}
                               status={AttrValue::from(status)}
                               place={AttrValue::from(format!("at {}", token.node.label()))}
                               stopped={token.failure.as_ref().map(|f| AttrValue::from(format!("stopped: {}", f.reason)))}
                               selected={is_selected} />
                }
            }) }
        </ul>
    }
}

#[derive(Properties, PartialEq)]
struct PodButtonProps {
    pod: AttrValue,
    name: AttrValue,
    status: AttrValue,
    /// `at <box>`.
    place: AttrValue,
    /// `stopped: <reason>` when the pod's journey ended in a failure.
    stopped: Option<AttrValue>,
    selected: bool,
}

/// One pod's button in the pod list. A component, so a step re-renders only the buttons whose pod
/// changed: a big cluster's run lists hundreds of them.
#[component]
fn PodButton(props: &PodButtonProps) -> Html {
    html! {
        <li>
            <button type="button"
                    class={classes!("pf-pod", props.selected.then_some("pf-pod--selected"))}
                    aria-pressed={props.selected.to_string()}
                    data-pod={props.pod.clone()}>
                <StatusBadge status={props.status.clone()} />
                <span class="pf-pod-name pf-mono">{ props.name.clone() }</span>
                <span class="pf-pod-where">{ props.place.clone() }</span>
                if let Some(stopped) = &props.stopped {
                    <span class="pf-pod-failure">{ stopped.clone() }</span>
                }
            </button>
        </li>
    }
}

#[derive(Properties, PartialEq)]
struct TrailingPanelsProps {
    view: Rc<ViewState>,
    tab: InspectorTab,
    playing: bool,
    on_command: Callback<UserCommand>,
}

/// The inspector and the cluster panel. While the story plays they show each entry one frame after
/// the diagram, caption and timeline do: the two halves of a step's rendering then fall in two frames
/// instead of one that overruns (a big cluster's panels hold thousands of rows and chips). Paused,
/// stepped or scrubbed, they follow at once.
#[component]
fn TrailingPanels(props: &TrailingPanelsProps) -> Html {
    let shown = use_mut_ref(|| props.view.clone());
    let latest = use_mut_ref(|| props.view.clone());
    let scheduled = use_mut_ref(|| false);
    let refresh = use_force_update();
    *latest.borrow_mut() = props.view.clone();
    if !props.playing {
        *shown.borrow_mut() = props.view.clone();
    }
    {
        let (shown, latest, scheduled) = (shown.clone(), latest.clone(), scheduled.clone());
        use_effect_with(
            (props.view.clone(), props.playing),
            move |(view, playing)| {
                let behind = *shown.borrow() != *view;
                if *playing && behind && !*scheduled.borrow() {
                    *scheduled.borrow_mut() = true;
                    crate::ui::idle::after_next_frame(move || {
                        *scheduled.borrow_mut() = false;
                        let newest = latest.borrow().clone();
                        *shown.borrow_mut() = newest;
                        refresh.force_update();
                    });
                }
            },
        );
    }
    let view = shown.borrow().clone();
    html! {
        <>
            { render_inspector_slot(props.tab, &view, &props.on_command) }
            { render_cluster_slot(&view, &props.on_command) }
        </>
    }
}

/// The inspector: the tab strip, and the panel for the open tab.
fn render_inspector_slot(
    tab: InspectorTab,
    view: &Rc<ViewState>,
    on_command: &Callback<UserCommand>,
) -> Html {
    html! {
        <section class="pf-inspector" aria-label="Inspector" data-testid="inspector">
            <div class="pf-tabs" role="tablist" aria-label="Inspector tabs">
                { for InspectorTab::ALL.iter().map(|t| {
                    let selected = *t == tab;
                    let on_click = {
                        let on_command = on_command.clone();
                        let t = *t;
                        Callback::from(move |_: MouseEvent| on_command.emit(UserCommand::Open(t)))
                    };
                    html! {
                        <button type="button" role="tab"
                                class={classes!("pf-tab", selected.then_some("pf-tab--selected"))}
                                aria-selected={selected.to_string()}
                                data-tab={t.label()}
                                onclick={on_click}>{ t.label() }</button>
                    }
                }) }
            </div>
            <div class="pf-tab-panel" role="tabpanel" aria-label={tab.label()} data-testid="inspector-panel">
                <Inspector view={view.clone()} tab={tab} on_command={on_command.clone()} />
            </div>
        </section>
    }
}

/// The cluster: node cards with their pods, the Pending area, and the cluster actions.
fn render_cluster_slot(view: &Rc<ViewState>, on_command: &Callback<UserCommand>) -> Html {
    html! { <ClusterPanel view={view.clone()} on_command={on_command.clone()} /> }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn should_show_a_message_instead_of_a_cluster_for_a_refused_size() {
        let names = Rc::new(scenario::builtin_names());
        let page = Page::synthetic(
            names,
            &crate::ui::config::parse_synthetic_size("500x10"),
            DEFAULT_SPEED,
        );
        assert!(page.playback.is_none());
        assert!(page
            .load_error
            .as_deref()
            .is_some_and(|m| m.contains("from 1 to 100")));
    }

    #[test]
    fn should_show_a_big_cluster_before_it_has_run_and_finish_it_in_slices() {
        let names = Rc::new(scenario::builtin_names());
        let size = crate::ui::config::parse_synthetic_size("20x200");
        let mut page = Rc::new(Page::synthetic(names, &size, DEFAULT_SPEED));
        assert!(
            !page.complete,
            "only the first steps ran before the first render"
        );
        let first_render = page.recorded;
        assert!(first_render > 0);
        let mut slices = 0;
        while !page.complete {
            page = page.reduce(PageAction::Extend { budget_ms: 10.0 });
            slices += 1;
            assert!(slices < 10_000, "the slices never finish");
        }
        assert!(slices > 1, "the rest ran in several slices");
        let playback = page.playback.clone().expect("loaded");
        let playback = playback.borrow();
        let entries = &playback.head().trace.entries;
        assert!(entries.len() > first_render);
        assert_eq!(page.recorded, entries.len());
        // The story built slice by slice is the story of the whole trace, marks included.
        let whole = story::annotate(entries, playback.story_start());
        assert_eq!(page.story.borrow().annotations(), whole.as_slice());
        let mut fresh = StoryIndex::new(playback.story_start());
        fresh.extend(entries);
        assert_eq!(page.story.borrow().marks, fresh.marks);
    }

    #[test]
    fn should_load_a_small_synthetic_cluster_from_a_link() {
        let names = Rc::new(scenario::builtin_names());
        let page = Page::synthetic(
            names,
            &crate::ui::config::parse_synthetic_size("2x3"),
            DEFAULT_SPEED,
        );
        assert_eq!(page.load_error, None);
        let view = page.view.expect("a view of the loaded cluster");
        assert_eq!(view.position, view.story_start);
        assert!(
            page.story.borrow().annotations().len() > 3,
            "the story covers the three pods"
        );
    }
}

#[cfg(test)]
mod share_tests {
    use super::*;
    use crate::engine::api::Credentials;
    use crate::engine::kubectl::ClientAction;
    use crate::ui::share::{fragment, SharedState};

    #[test]
    fn should_open_a_share_link_on_the_same_engine_state() {
        let mut original = Playback::builtin("tainted-node", 5).expect("loads");
        original.run_to_end();
        let start = original.story_start();
        original.seek(start + 8);
        original.command(UserCommand::Client(ClientAction::Taint {
            credentials: Credentials::ClusterAdmin,
            node: "node-a".into(),
            taint: k8s_openapi::api::core::v1::Taint {
                key: "team".into(),
                value: Some("blue".into()),
                effect: "NoSchedule".into(),
                time_added: None,
            },
            remove: false,
            overwrite: false,
        }));
        original.run_to_end();
        original.command(UserCommand::SelectPod("default/with-toleration".into()));
        original.seek(start + 25);
        let state = SharedState {
            scenario: ScenarioSource::Builtin("tainted-node".into()),
            seed: original.seed(),
            entry: original.position() - start,
            pod: original.selected_pod().map(String::from),
            commands: original.history(),
        };
        let config = AppConfig::from_fragment(&fragment(&state));
        let page = initial_page(&config);
        assert!(page.problems.is_empty(), "{:?}", page.problems);
        let view = page.view.expect("a view");
        let want = original.view();
        assert_eq!(view.position, want.position);
        assert_eq!(view.sim.trace.len(), want.sim.trace.len());
        assert_eq!(view.sim.trace.to_lines(), want.sim.trace.to_lines());
        assert_eq!(
            view.selected_pod.as_deref(),
            Some("default/with-toleration")
        );
        let status = |sim: &crate::engine::sim::Simulation| {
            stored_pod(&sim.api.store.current(), "default/with-toleration")
                .map(crate::engine::printers::pod_status)
        };
        assert_eq!(status(&view.sim), status(&want.sim));
    }

    #[test]
    fn should_open_a_step_or_entry_link_there() {
        for step in 1..=9u8 {
            let page = initial_page(&AppConfig::from_fragment(&format!(
                "#scenario=constrained-pod&step={step}"
            )));
            let view = page.view.clone().expect("a view");
            assert_eq!(
                story::step_at(
                    page.story.borrow().annotations(),
                    view.story_start,
                    view.position
                ),
                Some(step),
                "step {step}"
            );
            assert_eq!(
                Some(view.position),
                story::first_entry_of_step(
                    page.story.borrow().annotations(),
                    view.story_start,
                    step
                )
            );
        }
        let page = initial_page(&AppConfig::from_fragment(
            "#scenario=constrained-pod&entry=37",
        ));
        let view = page.view.expect("a view");
        assert_eq!(view.position - view.story_start, 37);
    }

    #[test]
    fn should_open_the_default_scenario_without_replaying_when_the_linked_one_is_unknown() {
        let state = SharedState {
            scenario: ScenarioSource::Builtin("<script>alert(1)</script>".into()),
            seed: 1,
            entry: 3,
            pod: None,
            commands: vec![crate::ui::playback::RecordedCommand {
                entry: 1,
                command: UserCommand::Client(ClientAction::Cordon {
                    credentials: Credentials::ClusterAdmin,
                    node: "node-a".into(),
                }),
            }],
        };
        let page = initial_page(&AppConfig::from_fragment(&fragment(&state)));
        assert_eq!(page.scenario.as_deref(), Some(DEFAULT_SCENARIO));
        assert_eq!(
            *page.problems,
            vec![
                "There is no built-in scenario named \"<script>alert(1)</script>\"; podflow opened demo-pod instead.".to_string(),
                "The link's 1 cluster commands were not replayed, as its scenario did not open.".to_string(),
            ]
        );
        let history = page.playback.expect("demo-pod").borrow().history();
        assert!(history.is_empty());
    }
}
