//! `ecsim`: runs ECS cluster scenarios from the command line. A thin front end over ecsim-core:
//! it reads files, calls `ecsim_core::run`, and writes what the run produced.
//!
//! Exit codes: 0 the run completed; 1 the run failed (an engine invariant broke, or the output
//! could not be written); 2 bad input (unreadable or invalid scenario, bad flags).

mod bench;
mod compare;
mod many_runs;
mod plan;
mod plot;
mod sweep;

use clap::{Parser, Subcommand};
use ecsim_core::{run, RunOptions, RunOutput, Scenario, SimDuration};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "ecsim",
    version,
    about = "A deterministic discrete-event simulator of an Amazon ECS cluster.",
    long_about = "A deterministic discrete-event simulator of an Amazon ECS cluster.\n\n\
        With no command, runs the built-in default scenario and prints its summary."
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Run a scenario and print its summary.
    Run(RunArgs),
    /// Measure events per second on a scenario, as a ratio against a bare event-queue loop run in
    /// the same process (machines here are noisy; the ratio is what to compare).
    Bench(BenchArgs),
    /// Run every point of a cross product of settings on seeds 1..=N, in parallel, and report
    /// each metric's mean and confidence interval per point and the Pareto front of cost
    /// against latency (sweep.csv, sweep.json, and every run in runs.jsonl).
    Sweep(sweep::SweepArgs),
    /// Run two variants on the same seeds and report, per metric, the paired difference B − A
    /// with its confidence interval and whether B is better, worse or not significantly
    /// different.
    Compare(compare::CompareArgs),
    /// Find the cheapest point of a sweep whose every SLO holds with a given confidence,
    /// bisecting along a count and stopping points that are clearly out early.
    Plan(plan::PlanArgs),
    /// Put the shards of a sweep run with `--shard I/N` together into exactly what the
    /// unsharded sweep writes.
    Merge(sweep::MergeArgs),
    /// Draw an SVG chart of a run's time series (its --out folder), a sweep's metric against a
    /// varied setting with confidence intervals, or (--pareto) its cost against latency.
    Plot(plot::PlotArgs),
}

#[derive(clap::Args)]
struct BenchArgs {
    /// The scenario file (default: the built-in default scenario).
    scenario: Option<PathBuf>,
    /// Keep running the scenario until this many seconds of wall time have passed.
    #[arg(long, default_value_t = 2.0)]
    seconds: f64,
    #[command(flatten)]
    suite: bench::SuiteArgs,
}

#[derive(clap::Args)]
struct RunArgs {
    /// The scenario file (.toml, or .json with the same schema), or a share link from the web
    /// app (a URL or fragment holding `t=…`), which also carries the run's seed.
    scenario: PathBuf,
    /// The master seed (overrides the scenario's `seed`).
    #[arg(long)]
    seed: Option<u64>,
    /// How long to simulate (overrides `duration`), e.g. 90s, 30m, 2h.
    #[arg(long, value_parser = parse_duration)]
    duration: Option<SimDuration>,
    /// Print the summary as JSON on stdout instead of text.
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    budget: many_runs::Budget,
    /// Write summary.json, timeseries.csv, timeseries.json, events.jsonl, tasks.csv (each
    /// task's timeline) and cluster.jsonl (the cluster at sample times) into this folder.
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// Check the engine's invariants after every event (slower; always on in debug builds).
    #[arg(long)]
    check: bool,
    /// Override a setting before the scenario is checked, e.g.
    /// `--set services[web].desiredCount=12` or `--set instance_groups[web-hosts].count=5`
    /// (repeatable; list entries by name or index).
    #[arg(long = "set", value_name = "PATH=VALUE")]
    set: Vec<String>,
}

pub(crate) fn parse_duration(s: &str) -> Result<SimDuration, String> {
    ecsim_core::time::parse_duration(s)
}

pub(crate) enum Failure {
    BadInput(String),
    RunFailed(String),
}

fn main() -> ExitCode {
    // A closed stdout (`ecsim run … | head`) ends the process quietly, as it does other Unix
    // tools, instead of panicking in `println!`.
    #[cfg(unix)]
    // SAFETY: called first thing, before any thread starts; SIG_DFL is a valid handler.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    let cli = Cli::parse();
    let result = match cli.command {
        Some(Command::Run(args)) => run_command(&args),
        Some(Command::Bench(args)) => {
            bench::bench_command(args.scenario.as_deref(), args.seconds, &args.suite)
        }
        Some(Command::Sweep(args)) => sweep::sweep_command(&args),
        Some(Command::Compare(args)) => compare::compare_command(&args),
        Some(Command::Plan(args)) => plan::plan_command(&args),
        Some(Command::Merge(args)) => sweep::merge_command(&args),
        Some(Command::Plot(args)) => plot::plot_command(&args),
        None => run_default(),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::BadInput(m)) => {
            eprintln!("error: {m}");
            ExitCode::from(2)
        }
        Err(Failure::RunFailed(m)) => {
            eprintln!("error: the run failed: {m}");
            ExitCode::from(1)
        }
    }
}

fn run_default() -> Result<(), Failure> {
    let sc = Scenario::parse(
        ecsim_core::DEFAULT_SCENARIO,
        ecsim_core::DEFAULT_SCENARIO_FILE,
    )
    .map_err(|e| Failure::BadInput(e.to_string()))?;
    let out = run(&sc, &RunOptions::default()).map_err(|e| Failure::RunFailed(e.to_string()))?;
    print!("{}", ecsim_front::report::text(&sc, &out.summary));
    Ok(())
}

fn run_command(args: &RunArgs) -> Result<(), Failure> {
    let arg = args.scenario.display().to_string();
    let (text, name, link_seed) = if arg.contains("t=") && !args.scenario.exists() {
        let s = ecsim_front::share::decode(&arg).map_err(|e| Failure::BadInput(e.to_string()))?;
        (s.text, s.file, s.seed)
    } else {
        (read_scenario(&args.scenario)?, arg, None)
    };
    let sets = many_runs::with_duration(&args.set, args.duration);
    let text = overridden(&text, &name, &sets)?;
    let sc = parse_overridden(&text, &name, &sets)?;
    args.budget.check(&sc, &name)?;
    let opts = RunOptions {
        seed: args.seed.or(link_seed),
        duration: None,
        check_invariants: args.check,
        // The cluster view's snapshots are an output file; without --out nobody reads them.
        snapshots: args.out.is_some(),
        max_events: Some(args.budget.max_events),
    };
    // The folder is made (or found unwritable) before the run, not after it.
    if let Some(dir) = &args.out {
        prepare_out(dir).map_err(Failure::RunFailed)?;
    }
    let out = run(&sc, &opts).map_err(|e| args.budget.run_failed(e, &name))?;
    if let Some(dir) = &args.out {
        write_outputs(dir, &out).map_err(Failure::RunFailed)?;
    }
    if args.json {
        println!("{}", to_json(&out.summary));
    } else {
        print!("{}", ecsim_front::report::text(&sc, &out.summary));
        if let Some(dir) = &args.out {
            println!("outputs written to {}", dir.display());
        }
    }
    Ok(())
}

/// Parses a scenario's text after its overrides (`sets`, `PATH=VALUE`). An error in a value
/// one of them gave says so: the line it cites is where the override wrote it, not the user's.
pub(crate) fn parse_overridden(
    text: &str,
    file: &str,
    sets: &[String],
) -> Result<Scenario, Failure> {
    Scenario::parse(text, file).map_err(|e| {
        // The last name of a path: `desiredCount` of `services.web.desiredCount` and of
        // `services[0].desiredCount`.
        let last = |p: &str| {
            p.rsplit('.')
                .next()
                .unwrap_or(p)
                .split('[')
                .next()
                .map(str::to_string)
        };
        let from = e.field.as_deref().and_then(|f| {
            sets.iter()
                .find(|s| s.split_once('=').is_some_and(|(p, _)| last(p) == last(f)))
        });
        Failure::BadInput(match from {
            Some(s) => format!("{e} (the value comes from `{s}` on the command line)"),
            None => e.to_string(),
        })
    })
}

/// The scenario's text with `--set` overrides applied.
pub(crate) fn overridden(text: &str, file: &str, sets: &[String]) -> Result<String, Failure> {
    let bad = |e: ecsim_front::setting::SetError| Failure::BadInput(format!("--set {e}"));
    let overrides = sets
        .iter()
        .map(|s| ecsim_front::setting::Override::parse(s))
        .collect::<Result<Vec<_>, _>>()
        .map_err(bad)?;
    ecsim_front::setting::apply(text, file, &overrides).map_err(bad)
}

fn to_json<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_string_pretty(v).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
}

/// One cluster snapshot per line.
fn snapshots_jsonl(list: &[ecsim_core::sim::ClusterSnapshot]) -> String {
    list.iter()
        .filter_map(|s| serde_json::to_string(s).ok())
        .map(|l| l + "\n")
        .collect()
}

/// The largest scenario file ecsim reads: a scenario is a page or two of text, and the library's
/// largest is under 20 KB, so a file this size is not one (`/dev/zero` would otherwise be read
/// until memory runs out).
pub(crate) const MAX_SCENARIO_BYTES: u64 = 16 << 20;

/// A scenario file's text, refused past `MAX_SCENARIO_BYTES`.
pub(crate) fn read_scenario(path: &Path) -> Result<String, Failure> {
    use std::io::Read;
    let at = path.display();
    let bad = |m: String| Failure::BadInput(format!("{at}: cannot read the scenario: {m}"));
    let file = std::fs::File::open(path).map_err(|e| bad(e.to_string()))?;
    let mut bytes = Vec::new();
    file.take(MAX_SCENARIO_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| bad(e.to_string()))?;
    if bytes.len() as u64 > MAX_SCENARIO_BYTES {
        return Err(Failure::BadInput(format!(
            "{at}: over {} MiB, too big for a scenario",
            MAX_SCENARIO_BYTES >> 20
        )));
    }
    String::from_utf8(bytes).map_err(|e| bad(format!("not UTF-8 text ({e})")))
}

/// `--out`: the folder made, and known writable, before anything runs.
fn prepare_out(dir: &Path) -> Result<(), String> {
    std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let probe = dir.join(".ecsim-write-test");
    std::fs::write(&probe, b"")
        .and_then(|_| std::fs::remove_file(&probe))
        .map_err(|e| format!("cannot write in {}: {e}", dir.display()))
}

/// Each file written under a temporary name, then all renamed into place: an interrupted or
/// failed write leaves the previous complete set (or none), never a mix, and says which file.
fn write_outputs(dir: &Path, out: &RunOutput) -> Result<(), String> {
    prepare_out(dir)?;
    let files = [
        ("summary.json", to_json(&out.summary) + "\n"),
        ("timeseries.csv", out.timeseries.to_csv()),
        (
            "timeseries.json",
            serde_json::to_string(&out.timeseries).unwrap_or_default(),
        ),
        ("events.jsonl", out.log.to_jsonl()),
        ("tasks.csv", ecsim_core::metrics::tasks_to_csv(&out.tasks)),
        ("cluster.jsonl", snapshots_jsonl(&out.snapshots)),
    ];
    let tmp = |name: &str| dir.join(format!(".{name}.partial"));
    for (name, body) in &files {
        if let Err(e) = std::fs::write(tmp(name), body) {
            for (n, _) in &files {
                let _ = std::fs::remove_file(tmp(n));
            }
            return Err(format!(
                "cannot write {}: {e} (the folder's files are as they were)",
                dir.join(name).display()
            ));
        }
    }
    for (name, _) in &files {
        let p = dir.join(name);
        std::fs::rename(tmp(name), &p).map_err(|e| format!("cannot write {}: {e}", p.display()))?;
    }
    Ok(())
}
