//! `ecsim bench`: events per second of a whole run (parse excluded), against a baseline of bare
//! event-queue pushes and pops measured in the same process, so that numbers from noisy machines
//! compare as ratios.
//!
//! `ecsim bench --suite` runs the suite of `ecsim_front::bench`: each workload in a child
//! process of its own (`--workload NAME`, which prints one JSON line), so that each has its own
//! peak memory, beside the bare event loop of that crate run in the same child, and prints the
//! table of the README's "Performance" section with the targets it is held to.

use crate::Failure;
use ecsim_core::queue::EventQueue;
use ecsim_core::{run, RunOptions, Scenario, SimTime};
use ecsim_front::bench::{bare_loop, sweep_runs, Size, Workload};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

/// Events per second of a bare queue: a steady population of 1,000 pending events, each pop
/// scheduling one more, as a simulation's loop does at its cheapest.
fn baseline_events_per_sec(seconds: f64) -> f64 {
    let mut q: EventQueue<u64> = EventQueue::default();
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    for i in 0..1000 {
        q.push(SimTime(i), i);
    }
    let start = Instant::now();
    let mut n: u64 = 0;
    while start.elapsed().as_secs_f64() < seconds {
        for _ in 0..100_000 {
            let e = q.pop().expect("never empty");
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            q.push(SimTime(e.time.0 + 1 + (x % 1_000_000)), e.event);
            n += 1;
        }
    }
    n as f64 / start.elapsed().as_secs_f64()
}

pub fn bench_command(file: Option<&Path>, seconds: f64, suite: &SuiteArgs) -> Result<(), Failure> {
    if !(seconds.is_finite() && seconds > 0.0) {
        return Err(Failure::BadInput(format!(
            "--seconds {seconds} must be positive"
        )));
    }
    if let Some(name) = &suite.workload {
        return one_workload(name, suite, seconds);
    }
    if suite.suite {
        if file.is_some() {
            return Err(Failure::BadInput(
                "--suite runs its own workloads: leave out the scenario file".into(),
            ));
        }
        return suite_command(suite, seconds);
    }
    let (text, name) = match file {
        Some(p) => (crate::read_scenario(p)?, p.display().to_string()),
        None => (
            ecsim_core::DEFAULT_SCENARIO.to_string(),
            ecsim_core::DEFAULT_SCENARIO_FILE.to_string(),
        ),
    };
    let sc = Scenario::parse(&text, &name).map_err(|e| Failure::BadInput(e.to_string()))?;
    let base = baseline_events_per_sec(seconds / 2.0);
    let start = Instant::now();
    let (mut runs, mut events, mut requests) = (0u64, 0u64, 0u64);
    while runs == 0 || start.elapsed().as_secs_f64() < seconds / 2.0 {
        let out =
            run(&sc, &RunOptions::default()).map_err(|e| Failure::RunFailed(e.to_string()))?;
        events += out.summary.events;
        requests += out
            .summary
            .services
            .values()
            .map(|s| s.requests.served)
            .sum::<u64>();
        runs += 1;
    }
    let wall = start.elapsed().as_secs_f64();
    let eps = events as f64 / wall;
    println!("scenario          {name}");
    println!("runs              {runs} ({} events each)", events / runs);
    println!("wall per run      {:.3} ms", wall * 1e3 / runs as f64);
    println!("events/s          {eps:.0}");
    println!(
        "requests/s        {:.0} served per second of wall time",
        requests as f64 / wall
    );
    println!("baseline events/s {base:.0} (bare event queue, same process)");
    println!("ratio             {:.4} of baseline", eps / base);
    Ok(())
}

#[derive(clap::Args)]
pub(crate) struct SuiteArgs {
    /// Run the benchmark suite (every workload of the README's "Performance" table, each in a
    /// process of its own, beside the bare event loop) and print the table and its targets.
    #[arg(long)]
    pub(crate) suite: bool,
    /// The suite's workloads a hundred times smaller: checks that each runs, in seconds; its
    /// ratios mean little.
    #[arg(long)]
    pub(crate) quick: bool,
    /// Run only these workloads of the suite (comma-separated names, as in the table).
    #[arg(long, value_delimiter = ',', value_name = "NAMES")]
    pub(crate) only: Vec<String>,
    /// Write each workload's scenario into this directory (to run, open or profile it alone)
    /// instead of running the suite.
    #[arg(long, value_name = "DIR")]
    pub(crate) write_scenarios: Option<PathBuf>,
    /// Also write the table's rows as JSON to this file.
    #[arg(long, value_name = "FILE")]
    pub(crate) json: Option<PathBuf>,
    /// Run one workload in this process and print its row as a JSON line (what `--suite` runs in
    /// each child).
    #[arg(long, value_name = "NAME", hide = true)]
    pub(crate) workload: Option<String>,
    /// Threads for the `sweep` workload (with `--workload sweep`).
    #[arg(long, default_value_t = 1, hide = true)]
    pub(crate) jobs: usize,
}

/// One row of the suite's table, as a child prints it.
#[derive(Serialize, Deserialize, Debug, Clone)]
struct Row {
    workload: String,
    describe: String,
    events: u64,
    /// The best wall time of one run (of all runs, for the sweep), seconds.
    wall_s: f64,
    runs: u64,
    baseline_events_per_s: f64,
    /// The child's peak resident memory, MiB (`VmHWM`; absent where /proc is not).
    peak_mib: Option<f64>,
    trace_hash: Option<String>,
    jobs: usize,
}

impl Row {
    fn events_per_s(&self) -> f64 {
        self.events as f64 / self.wall_s
    }
}

fn size(suite: &SuiteArgs) -> Size {
    if suite.quick {
        Size::Quick
    } else {
        Size::Full
    }
}

/// The bare loop's events per second: the best of repeated runs over at least `seconds`.
fn bare_events_per_s(size: Size, seconds: f64) -> f64 {
    let requests = match size {
        Size::Full => 1_000_000,
        Size::Quick => 100_000,
    };
    let start = Instant::now();
    let mut best = f64::INFINITY;
    let mut events = 0;
    while best.is_infinite() || start.elapsed().as_secs_f64() < seconds {
        let t = Instant::now();
        let r = std::hint::black_box(bare_loop(requests, 1));
        best = best.min(t.elapsed().as_secs_f64());
        events = r.events;
    }
    events as f64 / best
}

/// This process's peak resident memory, MiB.
fn peak_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}

/// The names `--workload` and `--only` take: the single-run workloads and the sweep.
fn names() -> Vec<&'static str> {
    let mut n: Vec<_> = Workload::ALL.iter().map(|w| w.name()).collect();
    n.push("sweep");
    n
}

fn one_workload(name: &str, suite: &SuiteArgs, seconds: f64) -> Result<(), Failure> {
    let size = size(suite);
    let row = if name == "sweep" {
        sweep_row(size, suite.jobs)?
    } else {
        let w = Workload::from_name(name).ok_or_else(|| {
            Failure::BadInput(format!(
                "--workload {name}: no such workload (one of {})",
                names().join(", ")
            ))
        })?;
        let sc = Scenario::parse(&w.scenario(size), w.name())
            .map_err(|e| Failure::RunFailed(format!("{name}: {e}")))?;
        // Each run at least once, and again while the first runs took less than `seconds`: the
        // best is the least disturbed by the machine's other work.
        let start = Instant::now();
        let (mut best, mut runs, mut events, mut hash) = (f64::INFINITY, 0u64, 0, String::new());
        while runs == 0 || start.elapsed().as_secs_f64() < seconds {
            let t = Instant::now();
            let out = run(&sc, &RunOptions::default())
                .map_err(|e| Failure::RunFailed(format!("{name}: {e}")))?;
            best = best.min(t.elapsed().as_secs_f64());
            events = out.summary.events;
            hash = out.summary.trace_hash;
            runs += 1;
        }
        Row {
            workload: name.to_string(),
            describe: w.describe(size),
            events,
            wall_s: best,
            runs,
            baseline_events_per_s: 0.0,
            peak_mib: None,
            trace_hash: Some(hash),
            jobs: 1,
        }
    };
    let row = Row {
        baseline_events_per_s: bare_events_per_s(size, (seconds / 2.0).min(1.0)),
        peak_mib: peak_mib(),
        ..row
    };
    println!(
        "{}",
        serde_json::to_string(&row).map_err(|e| Failure::RunFailed(e.to_string()))?
    );
    Ok(())
}

/// The sweep workload: `sweep_runs` seeds of the built-in default scenario on a pool of `jobs`
/// threads, as `ecsim sweep --jobs` runs a point's seeds.
fn sweep_row(size: Size, jobs: usize) -> Result<Row, Failure> {
    let sc = Scenario::parse(
        ecsim_core::DEFAULT_SCENARIO,
        ecsim_core::DEFAULT_SCENARIO_FILE,
    )
    .map_err(|e| Failure::RunFailed(e.to_string()))?;
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(jobs.max(1))
        .build()
        .map_err(|e| Failure::RunFailed(e.to_string()))?;
    let runs = sweep_runs(size);
    let start = Instant::now();
    let events: Result<u64, String> = pool.install(|| {
        (1..=runs)
            .into_par_iter()
            .map(|seed| {
                let opts = RunOptions {
                    seed: Some(seed),
                    ..RunOptions::default()
                };
                run(&sc, &opts)
                    .map(|o| o.summary.events)
                    .map_err(|e| e.to_string())
            })
            .sum()
    });
    let events = events.map_err(Failure::RunFailed)?;
    Ok(Row {
        workload: format!("sweep ×{jobs}"),
        describe: format!(
            "{runs} runs of the default scenario (10 min, 150 req/s), {jobs} job{}",
            if jobs == 1 { "" } else { "s" }
        ),
        events,
        wall_s: start.elapsed().as_secs_f64(),
        runs,
        baseline_events_per_s: 0.0,
        peak_mib: None,
        trace_hash: None,
        jobs,
    })
}

fn suite_command(suite: &SuiteArgs, seconds: f64) -> Result<(), Failure> {
    let size = size(suite);
    for name in &suite.only {
        if !names().contains(&name.as_str()) {
            return Err(Failure::BadInput(format!(
                "--only {name}: no such workload (one of {})",
                names().join(", ")
            )));
        }
    }
    let wanted = |name: &str| suite.only.is_empty() || suite.only.iter().any(|o| o == name);
    if let Some(dir) = &suite.write_scenarios {
        std::fs::create_dir_all(dir)
            .map_err(|e| Failure::RunFailed(format!("{}: {e}", dir.display())))?;
        for w in Workload::ALL.into_iter().filter(|w| wanted(w.name())) {
            let path = dir.join(format!("{}.toml", w.name()));
            std::fs::write(&path, w.scenario(size))
                .map_err(|e| Failure::RunFailed(format!("{}: {e}", path.display())))?;
            println!("wrote {}", path.display());
        }
        return Ok(());
    }
    let exe = std::env::current_exe().map_err(|e| Failure::RunFailed(e.to_string()))?;
    let all_jobs = std::thread::available_parallelism().map_or(1, |n| n.get());
    let mut children: Vec<(String, usize)> = Workload::ALL
        .iter()
        .map(|w| (w.name().to_string(), 1))
        .collect();
    children.push(("sweep".into(), 1));
    if all_jobs > 1 {
        children.push(("sweep".into(), all_jobs));
    }
    let mut rows = Vec::new();
    for (name, jobs) in children.into_iter().filter(|(n, _)| wanted(n)) {
        eprintln!(
            "[bench] {name}{}",
            if jobs > 1 {
                format!(" ×{jobs}")
            } else {
                String::new()
            }
        );
        let mut cmd = Command::new(&exe);
        cmd.args(["bench", "--workload", &name, "--jobs", &jobs.to_string()])
            .args(["--seconds", &seconds.to_string()]);
        if suite.quick {
            cmd.arg("--quick");
        }
        let out = cmd
            .output()
            .map_err(|e| Failure::RunFailed(format!("{}: {e}", exe.display())))?;
        let stdout = String::from_utf8_lossy(&out.stdout);
        if !out.status.success() {
            return Err(Failure::RunFailed(format!(
                "workload {name} failed ({}): {}",
                out.status,
                String::from_utf8_lossy(&out.stderr).trim()
            )));
        }
        let row: Row = serde_json::from_str(stdout.trim())
            .map_err(|e| Failure::RunFailed(format!("workload {name} printed {stdout:?}: {e}")))?;
        rows.push(row);
    }
    print!("{}", table(&rows, size));
    if let Some(path) = &suite.json {
        let text =
            serde_json::to_string_pretty(&rows).map_err(|e| Failure::RunFailed(e.to_string()))?;
        std::fs::write(path, text + "\n")
            .map_err(|e| Failure::RunFailed(format!("{}: {e}", path.display())))?;
    }
    Ok(())
}

/// The table and, below it, each target of the suite with the figure that judges it.
fn table(rows: &[Row], size: Size) -> String {
    use std::fmt::Write;
    let mut t = String::new();
    let _ = writeln!(
        t,
        "{:<16} {:>11} {:>9} {:>11} {:>8} {:>9}",
        "workload", "events", "wall s", "events/s", "× bare", "peak MiB"
    );
    for r in rows {
        let _ = writeln!(
            t,
            "{:<16} {:>11} {:>9.3} {:>10.2}M {:>8.2} {:>9}",
            r.workload,
            r.events,
            r.wall_s,
            r.events_per_s() / 1e6,
            r.events_per_s() / r.baseline_events_per_s,
            r.peak_mib.map_or("-".to_string(), |m| format!("{m:.0}")),
        );
    }
    let _ = writeln!(t);
    for r in rows {
        let _ = writeln!(t, "{:<16} {}", r.workload, r.describe);
    }
    let find = |name: &str| rows.iter().find(|r| r.workload == name);
    let mut targets: Vec<(String, bool)> = Vec::new();
    if let Some(b) = find("big-cluster") {
        targets.push((
            format!("big-cluster under 3 s: {:.2} s", b.wall_s),
            b.wall_s < 3.0,
        ));
        if let Some(m) = b.peak_mib {
            targets.push((
                format!("big-cluster peak under 200 MiB: {m:.0} MiB"),
                m < 200.0,
            ));
        }
        if let Some(a) = find("alb-mmc-lor") {
            let ratio = b.events_per_s() / a.events_per_s();
            targets.push((
                format!("big-cluster events/s ≥ 0.8 of alb-mmc-lor's: {ratio:.2}"),
                ratio >= 0.8,
            ));
        }
        if let (Some(ten), Some(one)) =
            (find("big-cluster-10h").and_then(|r| r.peak_mib), b.peak_mib)
        {
            let ratio = ten / one;
            targets.push((
                format!("ten simulated hours' peak ≤ 1.5 of one hour's: {ratio:.2}"),
                ratio <= 1.5,
            ));
        }
    }
    for name in ["alb-mmc-rr", "alb-mmc-lor"] {
        if let Some(a) = find(name) {
            let ratio = a.events_per_s() / a.baseline_events_per_s;
            targets.push((
                format!("{name} events/s ≥ 0.8 of the bare loop's: {ratio:.2}"),
                ratio >= 0.8,
            ));
        }
    }
    let sweeps: Vec<&Row> = rows
        .iter()
        .filter(|r| r.workload.starts_with("sweep"))
        .collect();
    if let [one, many] = sweeps[..] {
        let speedup = one.wall_s / many.wall_s;
        targets.push((
            format!(
                "sweep with {} jobs ≥ 1.8 × 1 job: {speedup:.2} ×",
                many.jobs
            ),
            speedup >= 1.8,
        ));
    }
    if !targets.is_empty() {
        let _ = writeln!(t);
        let _ = writeln!(
            t,
            "targets{}:",
            if size == Size::Quick {
                " (at --quick sizes; they are set for the full ones)"
            } else {
                ""
            }
        );
        for (what, met) in targets {
            let _ = writeln!(t, "  {} {what}", if met { "met   " } else { "missed" });
        }
    }
    t
}
