//! `podflow`: the headless command line. Runs a scenario through the same engine the browser uses and
//! prints the result as JSON or for a person; `bench` measures the whole pipeline at scale.

use std::io::Read;
use std::process::ExitCode;
use std::time::Instant;

use podflow::engine::objects::Object;
use podflow::engine::scenario::{self, Scenario};
use podflow::engine::scheduler::AttemptResult;
use podflow::engine::store::ETCD_PREFIX;
use podflow::engine::{report, synthetic};

const USAGE: &str = "\
usage:
  podflow run FILE [--seed N] [-o json|text]   run a scenario to quiescence (FILE: a path, - for stdin,
                                               or a built-in scenario name)
  podflow list                                  list the built-in scenarios
  podflow show NAME                             print a built-in scenario's YAML
  podflow bench [--nodes N] [--pods N] [--seed N]
                                               apply N pods to N nodes through the whole pipeline and
                                               report pods scheduled per second and peak memory";

// The simulation allocates and frees many small objects (JSON values, k8s structs); mimalloc handles
// that churn far better than the system allocator. Native builds only: the browser build has no CLI.
#[cfg(not(target_arch = "wasm32"))]
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Upper bound on simulation events for one run (a guard against a livelocked scenario).
const MAX_STEPS: u64 = 50_000_000;

/// mimalloc's `mi_option_purge_delay` (the 16th entry of `mi_option_e` in mimalloc.h, v2 and v3 alike);
/// libmimalloc-sys names no constant for it.
#[cfg(not(target_arch = "wasm32"))]
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;
/// `mi_option_allow_large_os_pages` (the 7th entry of `mi_option_e`).
#[cfg(not(target_arch = "wasm32"))]
const MI_OPTION_ALLOW_LARGE_OS_PAGES: libmimalloc_sys::mi_option_t = 6;

fn main() -> ExitCode {
    // By default mimalloc hands freed pages back to the OS 10 ms later, and the next cycle's allocations
    // fault them in again (zeroed by the kernel): a third of the run. Keep them instead.
    #[cfg(not(target_arch = "wasm32"))]
    // SAFETY: sets a plain integer option; mimalloc reads options atomically and allows changing them
    // at any time.
    unsafe {
        libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, -1);
        libmimalloc_sys::mi_option_set(MI_OPTION_ALLOW_LARGE_OS_PAGES, 1);
    };
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

fn flag<T: std::str::FromStr>(args: &[String], names: &[&str], default: T) -> Result<T, String> {
    for (i, a) in args.iter().enumerate() {
        for name in names {
            let value = if a == name {
                args.get(i + 1).cloned()
            } else {
                a.strip_prefix(&format!("{name}=")).map(String::from)
            };
            if let Some(v) = value {
                return v
                    .parse()
                    .map_err(|_| format!("invalid value {v:?} for {name}"));
            } else if a == name {
                return Err(format!("{name} needs a value"));
            }
        }
    }
    Ok(default)
}

fn load(file: &str) -> Result<Scenario, String> {
    let (name, text) = if file == "-" {
        let mut text = String::new();
        std::io::stdin()
            .read_to_string(&mut text)
            .map_err(|e| format!("reading stdin: {e}"))?;
        ("stdin".to_string(), text)
    } else if let Some(text) = scenario::builtin(file) {
        (file.to_string(), text)
    } else {
        let text = std::fs::read_to_string(file).map_err(|e| {
            format!(
                "{file}: {e} (built-in scenarios: {})",
                scenario::builtin_names().join(", ")
            )
        })?;
        let name = std::path::Path::new(file)
            .file_stem()
            .map(|s| s.to_string_lossy().to_string())
            .unwrap_or_else(|| file.to_string());
        (name, text)
    };
    scenario::parse(&name, &text).map_err(|e| e.to_string())
}

fn run(args: &[String]) -> Result<(), String> {
    match args.first().map(String::as_str) {
        Some("run") => {
            let file = args.get(1).ok_or(USAGE)?;
            let seed: u64 = flag(args, &["--seed"], 1)?;
            let output: String = flag(args, &["-o", "--output"], "json".to_string())?;
            let scenario = load(file)?;
            let mut sim = scenario::start(&scenario, seed).map_err(|e| e.to_string())?;
            sim.run_to_quiescence(MAX_STEPS);
            match output.as_str() {
                "json" => {
                    let report = report::json_report(&sim, &scenario.name, seed);
                    let text = serde_json::to_string_pretty(&report).map_err(|e| e.to_string())?;
                    println!("{text}");
                }
                "text" => print!("{}", report::text_report(&sim, &scenario.name, seed)),
                other => return Err(format!("unknown output format {other:?} (json or text)")),
            }
            Ok(())
        }
        Some("list") => {
            for name in scenario::builtin_names() {
                println!("{name:28} {}", scenario::builtin_title(name).unwrap_or(""));
            }
            Ok(())
        }
        Some("show") => {
            let name = args.get(1).ok_or(USAGE)?;
            let text =
                scenario::builtin(name).ok_or_else(|| format!("no built-in scenario {name:?}"))?;
            print!("{text}");
            Ok(())
        }
        Some("bench") => bench(args),
        _ => Err(USAGE.to_string()),
    }
}

/// Peak resident memory of this process in KiB (Linux `VmHWM`), if known.
fn peak_memory_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}

fn bench(args: &[String]) -> Result<(), String> {
    let nodes: usize = flag(args, &["--nodes"], 5_000)?;
    let pods: usize = flag(args, &["--pods"], 10_000)?;
    let seed: u64 = flag(args, &["--seed"], 1)?;
    let scenario = synthetic::cluster(nodes, pods, seed);

    let setup_started = Instant::now();
    let mut sim = scenario::start(&scenario, seed).map_err(|e| e.to_string())?;
    let setup = setup_started.elapsed();

    let started = Instant::now();
    let steps = sim.run_to_quiescence(MAX_STEPS);
    let elapsed = started.elapsed();

    // Results only: expanding every attempt's per-node detail would dwarf the run itself.
    let attempts = sim.scheduler.attempt_count();
    let scheduled = sim
        .scheduler
        .attempt_results()
        .filter(|r| *r == AttemptResult::Scheduled)
        .count();
    // Read in place: copying 10,000 pods out of the store just to count them would raise the peak.
    let pod_prefix = format!("{ETCD_PREFIX}/pods/");
    let running = sim
        .api
        .store
        .list(&pod_prefix)
        .filter(|(_, stored)| match &stored.object {
            Object::Pod(p) => p.status.as_ref().and_then(|s| s.phase.as_deref()) == Some("Running"),
            _ => false,
        })
        .count();
    let secs = elapsed.as_secs_f64().max(1e-9);
    println!("podflow bench: {nodes} nodes, {pods} pods, seed {seed}");
    println!("  node registration:     {:.2} s", setup.as_secs_f64());
    println!("  pipeline (apply → Running): {:.2} s wall, {steps} events, {} trace entries, {} API requests",
        secs, sim.trace.len(), sim.api.requests.len());
    println!(
        "  scheduling attempts:   {} ({scheduled} scheduled)",
        attempts
    );
    println!("  pods Running:          {running}");
    println!("  pods scheduled/s:      {:.0}", scheduled as f64 / secs);
    println!(
        "  virtual time:          {:.1} s",
        sim.now_ms as f64 / 1000.0
    );
    match peak_memory_kib() {
        Some(kib) => println!("  peak memory (VmHWM):   {:.0} MiB", kib as f64 / 1024.0),
        None => println!("  peak memory:           unknown on this platform"),
    }
    Ok(())
}
