//! `ecsim`: runs ECS cluster scenarios from the command line. A thin front end over ecsim-core:
//! it reads files, calls `ecsim_core::run`, and writes what the run produced.
//!
//! Exit codes: 0 the run completed; 1 the run failed (an engine invariant broke, or the output
//! could not be written); 2 bad input (unreadable or invalid scenario, bad flags).

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
}

#[derive(clap::Args)]
struct RunArgs {
    /// The scenario file (.toml, or .json with the same schema).
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
    /// Write summary.json, timeseries.csv, timeseries.json and events.jsonl into this folder.
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// Check the engine's invariants after every event (slower; always on in debug builds).
    #[arg(long)]
    check: bool,
}

fn parse_duration(s: &str) -> Result<SimDuration, String> {
    ecsim_core::time::parse_duration(s)
}

enum Failure {
    BadInput(String),
    RunFailed(String),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Some(Command::Run(args)) => run_command(&args),
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
    print!("{}", render_text(&sc, &out));
    Ok(())
}

fn run_command(args: &RunArgs) -> Result<(), Failure> {
    let name = args.scenario.display().to_string();
    let text = std::fs::read_to_string(&args.scenario)
        .map_err(|e| Failure::BadInput(format!("{name}: cannot read the scenario: {e}")))?;
    let sc = Scenario::parse(&text, &name).map_err(|e| Failure::BadInput(e.to_string()))?;
    let opts = RunOptions {
        seed: args.seed,
        duration: args.duration,
        check_invariants: args.check,
    };
    let out = run(&sc, &opts).map_err(|e| Failure::RunFailed(e.to_string()))?;
    if let Some(dir) = &args.out {
        write_outputs(dir, &out).map_err(Failure::RunFailed)?;
    }
    if args.json {
        println!("{}", to_json(&out.summary));
    } else {
        print!("{}", render_text(&sc, &out));
        if let Some(dir) = &args.out {
            println!("outputs written to {}", dir.display());
        }
    }
    Ok(())
}

fn to_json<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_string_pretty(v).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
}

fn write_outputs(dir: &Path, out: &RunOutput) -> Result<(), String> {
    std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let files = [
        ("summary.json", to_json(&out.summary) + "\n"),
        ("timeseries.csv", out.timeseries.to_csv()),
        (
            "timeseries.json",
            serde_json::to_string(&out.timeseries).unwrap_or_default(),
        ),
        ("events.jsonl", out.log.to_jsonl()),
    ];
    for (name, body) in files {
        let p = dir.join(name);
        std::fs::write(&p, body).map_err(|e| format!("cannot write {}: {e}", p.display()))?;
    }
    Ok(())
}

fn render_text(sc: &Scenario, out: &RunOutput) -> String {
    use std::fmt::Write;
    let s = &out.summary;
    let mut t = String::new();
    let _ = writeln!(t, "scenario   {} ({})", s.scenario, sc.file);
    if !sc.spec.description.is_empty() {
        let _ = writeln!(t, "           {}", sc.spec.description);
    }
    let _ = writeln!(t, "seed       {}", s.seed);
    let _ = writeln!(t, "trace_hash {}", s.trace_hash);
    let _ = writeln!(t, "simulated  {} s, {} events", s.sim_seconds, s.events);
    let c = &s.cluster;
    let _ = writeln!(
        t,
        "cluster    {}: {} instances registered of {} launched{}",
        c.name,
        c.instances_end,
        c.instances_launched,
        if c.instances_never_joined > 0 {
            format!(" ({} never joined)", c.instances_never_joined)
        } else {
            String::new()
        }
    );
    let _ = writeln!(
        t,
        "           CPU reserved mean {:.1} % peak {:.1} %; memory reserved mean {:.1} % peak {:.1} %",
        c.cpu_reserved_pct.mean, c.cpu_reserved_pct.peak, c.mem_reserved_pct.mean, c.mem_reserved_pct.peak
    );
    let _ = writeln!(
        t,
        "           dynamic host ports in use at the end: {}",
        c.dynamic_ports_in_use_end
    );
    for (name, svc) in &s.services {
        let k = &svc.tasks;
        let _ = writeln!(
            t,
            "service    {name}: {} running, {} pending of {} desired; {} started, {} failed",
            k.running_end, k.pending_end, k.desired, k.started, k.failed
        );
        if let Some(ts) = svc.time_to_steady_state_s {
            let _ = writeln!(t, "           all desired tasks running after {ts:.1} s");
        }
        if !svc.tasks_per_instance.is_empty() {
            let per: Vec<String> = svc
                .tasks_per_instance
                .iter()
                .map(|(h, n)| format!("{h}: {n}"))
                .collect();
            let _ = writeln!(t, "           running per instance: {}", per.join(", "));
        }
        for (reason, n) in &svc.pending_reasons {
            let _ = writeln!(t, "           {n} pending: {reason}");
        }
    }
    let _ = writeln!(
        t,
        "cost       ${:.4} (EC2 ${:.4})",
        s.cost_usd.total, s.cost_usd.ec2
    );
    for o in &s.objectives {
        let measured = o
            .measured
            .map(|m| m.to_string())
            .unwrap_or_else(|| "n/a".into());
        let _ = writeln!(
            t,
            "objective  [{}] {} ({} {} {}; measured {measured}){}",
            if o.held { "held" } else { "FAILED" },
            o.name,
            o.metric,
            o.op,
            o.target,
            o.error
                .as_ref()
                .map(|e| format!(" — {e}"))
                .unwrap_or_default()
        );
    }
    t
}
