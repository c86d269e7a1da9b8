//! The golden trace of `tests/scenarios/basic.yaml` at seed 7, checked natively.
//!
//! tests/web.rs checks the same golden file in the browser (wasm32), so together they prove the engine
//! gives the same trace natively and in wasm. Regenerate the golden after an intended change with
//! `UPDATE_GOLDEN=1 cargo test --test determinism`, then review the diff.

use podflow::engine::scenario;

const SCENARIO_NAME: &str = "basic";
const SCENARIO_TEXT: &str = include_str!("scenarios/basic.yaml");
const GOLDEN: &str = include_str!("golden/basic.trace");
const SEED: u64 = 7;
const MAX_STEPS: u64 = 100_000;

fn trace_lines(seed: u64) -> String {
    let parsed = scenario::parse(SCENARIO_NAME, SCENARIO_TEXT).expect("the basic scenario parses");
    let mut simulation = scenario::start(&parsed, seed).expect("the basic scenario starts");
    simulation.run_to_quiescence(MAX_STEPS);
    assert!(
        simulation.is_idle(),
        "the basic scenario did not settle within {MAX_STEPS} events"
    );
    simulation.trace.to_lines()
}

#[test]
fn should_match_the_golden_trace_at_seed_7() {
    let actual = trace_lines(SEED);
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/golden/basic.trace");
        std::fs::write(path, &actual).expect("write the golden file");
        eprintln!("updated {path} ({} lines)", actual.lines().count());
        return;
    }
    assert_eq!(
        actual, GOLDEN,
        "the trace differs from tests/golden/basic.trace; if the change is intended, run \
         UPDATE_GOLDEN=1 cargo test --test determinism and review the diff"
    );
}

#[test]
fn should_give_the_same_trace_for_the_same_seed() {
    assert_eq!(trace_lines(SEED), trace_lines(SEED));
}

#[test]
fn should_run_every_builtin_scenario_identically_twice() {
    for name in scenario::builtin_names() {
        let text = scenario::builtin(name)
            .map(|text| text.to_string())
            .unwrap_or_else(|| panic!("builtin {name} has text"));
        let run = |seed| {
            let parsed = scenario::parse(name, &text)
                .unwrap_or_else(|e| panic!("builtin {name} parses: {e}"));
            let mut simulation = scenario::start(&parsed, seed)
                .unwrap_or_else(|e| panic!("builtin {name} starts: {e}"));
            simulation.run_to_quiescence(MAX_STEPS);
            simulation.trace.to_lines()
        };
        assert_eq!(
            run(SEED),
            run(SEED),
            "builtin scenario {name} at seed {SEED}"
        );
    }
}
