//! `ecsim sweep`: every point of a cross product of settings, on seeds 1..=N, in parallel, with
//! each metric's mean and confidence interval per point and the Pareto front of cost against
//! latency (`ecsim_front::sweep` plans and aggregates; this file runs and writes).
//!
//! With `--shard I/N` it runs every N-th of the sweep's (point, seed) runs, starting at the
//! I-th, and `ecsim merge` puts the shards' journals together into exactly the files the
//! unsharded sweep writes; `auto/N` reads I from the array-job index a Kubernetes Indexed Job,
//! an AWS Batch array job or a Slurm job array sets.
//!
//! Every finished run is appended to `runs.jsonl` in the output folder at once, so an
//! interrupted sweep (Ctrl-C, a killed process) loses only the runs in flight, and `--resume`
//! runs just the missing ones. The results are computed from that journal, whether the sweep
//! ran in one go or resumed, on one thread or many, so they are the same either way.

use crate::many_runs::{
    check_confidence, check_metrics, options, pool, with_duration, Budget, Grid,
};
use crate::{parse_duration, Failure};
use ecsim_core::{run, SimDuration};
use ecsim_front::sweep::{self, RunRecord, Vary};
use indicatif::{ProgressBar, ProgressStyle};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use std::io::{BufRead, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

#[derive(clap::Args)]
pub(crate) struct SweepArgs {
    /// The scenario file (.toml or .json).
    scenario: PathBuf,
    /// A setting to vary: `PATH=V1,V2,…` or an integer range `PATH=FROM..TO[:STEP]` (both ends
    /// included), e.g. `--vary instance_groups[web-hosts].count=2..8:2`. Repeat for a cross
    /// product.
    #[arg(long = "vary", value_name = "PATH=VALUES", required = true)]
    vary: Vec<String>,
    /// Run each point on seeds 1..=N (the same seeds at every point: common random numbers).
    #[arg(long, default_value_t = 10)]
    seeds: u64,
    /// Runs at once (default: the machine's cores). The results do not depend on it.
    #[arg(long)]
    jobs: Option<usize>,
    /// The summary's numbers to report, comma-separated (default: cost_usd.per_hour and each
    /// service with traffic's latency_ms.p99 and requests.failed).
    #[arg(long, value_delimiter = ',')]
    metrics: Vec<String>,
    /// Override a setting at every point (as `run --set`).
    #[arg(long = "set", value_name = "PATH=VALUE")]
    set: Vec<String>,
    /// How long to simulate each run (overrides `duration`).
    #[arg(long, value_parser = parse_duration)]
    duration: Option<SimDuration>,
    #[command(flatten)]
    budget: Budget,
    /// The confidence of the intervals.
    #[arg(long, default_value_t = 0.95)]
    confidence: f64,
    /// The folder for runs.jsonl (every run, as it finishes), sweep.json and sweep.csv.
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    /// Continue the sweep whose runs.jsonl is in --out: run only what it lacks.
    #[arg(long)]
    resume: bool,
    /// Run only the I-th of N disjoint slices of the sweep's runs (I from 0), and write them to
    /// --out for `ecsim merge`. `auto/N` takes I from the batch engine's environment:
    /// JOB_COMPLETION_INDEX (a Kubernetes Indexed Job), AWS_BATCH_JOB_ARRAY_INDEX (an AWS Batch
    /// array job) or SLURM_ARRAY_TASK_ID (a Slurm job array).
    #[arg(long, value_name = "I/N")]
    shard: Option<String>,
}

#[derive(clap::Args)]
pub(crate) struct MergeArgs {
    /// The --out folders of a sharded sweep's shards (each holds a runs.jsonl).
    #[arg(required = true)]
    parts: Vec<PathBuf>,
    /// The folder for the merged runs.jsonl, sweep.json and sweep.csv.
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
}

/// The environment variables batch engines give each member of an array job its index in.
const SHARD_INDEX_VARS: [&str; 3] = [
    "JOB_COMPLETION_INDEX",
    "AWS_BATCH_JOB_ARRAY_INDEX",
    "SLURM_ARRAY_TASK_ID",
];

/// `I/N`, or `auto/N` with I from the environment.
fn parse_shard(arg: &str, env: &dyn Fn(&str) -> Option<String>) -> Result<(u64, u64), String> {
    let bad = |m: String| format!("--shard {arg}: {m}");
    let (i, n) = arg
        .split_once('/')
        .ok_or_else(|| bad("expected I/N (e.g. 0/4) or auto/N".into()))?;
    let n: u64 = n
        .trim()
        .parse()
        .map_err(|_| bad(format!("{n:?} is not a count of shards")))?;
    if n == 0 {
        return Err(bad("N must be at least 1".into()));
    }
    let i: u64 = if i.trim() == "auto" {
        let (var, val) = SHARD_INDEX_VARS
            .iter()
            .find_map(|v| env(v).map(|x| (*v, x)))
            .ok_or_else(|| {
                bad(format!(
                    "auto needs one of {} in the environment",
                    SHARD_INDEX_VARS.join(", ")
                ))
            })?;
        val.trim()
            .parse()
            .map_err(|_| bad(format!("{var}={val:?} is not an index")))?
    } else {
        i.trim()
            .parse()
            .map_err(|_| bad(format!("{i:?} is not an index")))?
    };
    if i >= n {
        return Err(bad(format!(
            "the index {i} must be below {n} (shards count from 0)"
        )));
    }
    Ok((i, n))
}

/// The first line of runs.jsonl: what the runs belong to, so `--resume` never mixes two
/// sweeps' runs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Header {
    sweep: String,
    fingerprint: String,
    /// What `merge` needs to put the shards' runs together.
    varies: Vec<Vary>,
    seeds: u64,
    metrics: Vec<String>,
    confidence: f64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    shard: Option<(u64, u64)>,
}

pub(crate) fn sweep_command(args: &SweepArgs) -> Result<(), Failure> {
    let bad = Failure::BadInput;
    check_confidence(args.confidence)?;
    if args.seeds == 0 {
        return Err(bad("--seeds must be at least 1".into()));
    }
    let Grid {
        file,
        base,
        varies,
        points,
        scenarios,
    } = Grid::load(
        &args.scenario,
        &with_duration(&args.set, args.duration),
        &args.vary,
        args.budget,
    )?;
    let metrics = if args.metrics.is_empty() {
        sweep::default_metrics(&scenarios[0])
    } else {
        args.metrics.clone()
    };
    check_metrics(&scenarios[0], &metrics, "--metrics")?;
    let shard = args
        .shard
        .as_deref()
        .map(|a| parse_shard(a, &|v| std::env::var(v).ok()))
        .transpose()
        .map_err(bad)?;
    let header = Header {
        sweep: file.clone(),
        fingerprint: fingerprint(&base, &varies, args.seeds, &metrics, args.duration),
        varies: varies.clone(),
        seeds: args.seeds,
        metrics: metrics.clone(),
        confidence: args.confidence,
        shard,
    };
    std::fs::create_dir_all(&args.out)
        .map_err(|e| Failure::RunFailed(format!("cannot create {}: {e}", args.out.display())))?;
    let journal = args.out.join("runs.jsonl");
    let done = open_journal(&journal, &header, args.resume)?;
    let have: std::collections::BTreeSet<(usize, u64)> =
        done.iter().map(|r| (r.point, r.seed)).collect();
    // A shard takes every N-th run, so each shard gets a share of every point.
    let mine: Vec<(usize, u64)> = (0..points.len())
        .flat_map(|p| (1..=args.seeds).map(move |s| (p, s)))
        .enumerate()
        .filter(|(r, _)| shard.is_none_or(|(i, n)| *r as u64 % n == i))
        .map(|(_, k)| k)
        .collect();
    let todo: Vec<(usize, u64)> = mine.iter().copied().filter(|k| !have.contains(k)).collect();

    let total = mine.len() as u64;
    let bar = progress(total, total - todo.len() as u64);
    let writer = Mutex::new(
        std::fs::OpenOptions::new()
            .append(true)
            .open(&journal)
            .map_err(|e| Failure::RunFailed(format!("cannot write {}: {e}", journal.display())))?,
    );
    let pool = pool(args.jobs)?;
    let write_error: Mutex<Option<String>> = Mutex::new(None);
    pool.install(|| {
        todo.par_iter().for_each(|&(p, seed)| {
            let out = run(&scenarios[p], &options(seed, args.budget));
            let out = out.as_ref().map(|o| &o.summary).map_err(|e| e.to_string());
            let rec = RunRecord::new(p, seed, out, &metrics);
            let line = serde_json::to_string(&rec).unwrap_or_default() + "\n";
            let mut w = writer.lock().unwrap_or_else(|e| e.into_inner());
            if let Err(e) = w.write_all(line.as_bytes()).and_then(|_| w.flush()) {
                *write_error.lock().unwrap_or_else(|e| e.into_inner()) =
                    Some(format!("cannot write {}: {e}", journal.display()));
            }
            bar.inc(1);
        });
    });
    bar.finish_and_clear();
    if let Some(e) = write_error.into_inner().unwrap_or_else(|e| e.into_inner()) {
        return Err(Failure::RunFailed(e));
    }
    // The result comes from the journal alone, however the runs got there.
    let runs = open_journal(&journal, &header, true)?;
    if let Some((i, n)) = shard {
        println!(
            "shard {i}/{n}: {} runs in {}; put the shards together with `ecsim merge`",
            runs.len(),
            journal.display()
        );
        return Ok(());
    }
    let result = sweep::aggregate(
        &file,
        &varies,
        &points,
        args.seeds,
        args.confidence,
        &metrics,
        &runs,
    );
    write_results(&args.out, &result)?;
    print!("{}", result.table());
    println!(
        "{} points × {} seeds; results in {}",
        points.len(),
        args.seeds,
        args.out.display()
    );
    let failed: u32 = result.points.iter().map(|p| p.failed_runs).sum();
    if failed > 0 {
        return Err(Failure::RunFailed(format!(
            "{failed} runs failed (their errors are in runs.jsonl); the others are in the results"
        )));
    }
    Ok(())
}

fn write_results(dir: &Path, result: &sweep::SweepResult) -> Result<(), Failure> {
    let write = |name: &str, body: String| {
        let p = dir.join(name);
        std::fs::write(&p, body)
            .map_err(|e| Failure::RunFailed(format!("cannot write {}: {e}", p.display())))
    };
    write(
        "sweep.json",
        serde_json::to_string_pretty(result).unwrap_or_default() + "\n",
    )?;
    write("sweep.csv", result.to_csv())
}

/// `ecsim merge`: the shards' runs put together into exactly what the unsharded sweep writes.
pub(crate) fn merge_command(args: &MergeArgs) -> Result<(), Failure> {
    let bad = Failure::BadInput;
    let mut first: Option<Header> = None;
    let mut runs: Vec<RunRecord> = Vec::new();
    let mut shards: Vec<(u64, u64)> = Vec::new();
    for part in &args.parts {
        let journal = part.join("runs.jsonl");
        let header = read_header(&journal)?;
        let Some(shard) = header.shard else {
            return Err(bad(format!(
                "{}: not a shard's journal (no --shard)",
                journal.display()
            )));
        };
        if let Some(f) = &first {
            if f.shard.map(|s| s.1) != Some(shard.1) {
                return Err(bad(format!(
                    "{} is one of {} shards, {} one of {:?}",
                    journal.display(),
                    shard.1,
                    args.parts[0].display(),
                    f.shard.map(|s| s.1)
                )));
            }
            if f.fingerprint != header.fingerprint {
                return Err(bad(format!(
                    "{} is a shard of another sweep than {}",
                    journal.display(),
                    args.parts[0].display()
                )));
            }
        }
        if shards.contains(&shard) {
            return Err(bad(format!("shard {}/{} is given twice", shard.0, shard.1)));
        }
        shards.push(shard);
        runs.extend(open_journal(&journal, &header, true)?);
        first.get_or_insert(header);
    }
    let header = first.expect("at least one part (clap requires it)");
    let n = header.shard.map_or(1, |s| s.1);
    let mut missing: Vec<u64> = (0..n)
        .filter(|i| !shards.iter().any(|s| s.0 == *i))
        .collect();
    missing.sort_unstable();
    if !missing.is_empty() {
        let list: Vec<String> = missing.iter().map(|i| format!("{i}/{n}")).collect();
        return Err(bad(format!("missing shards: {}", list.join(", "))));
    }
    let points = sweep::points(&header.varies).map_err(|e| bad(e.to_string()))?;
    let expected = points.len() as u64 * header.seeds;
    if runs.len() as u64 != expected {
        return Err(bad(format!(
            "the shards hold {} runs of the {expected} the sweep has: a shard was interrupted; finish it with --resume",
            runs.len()
        )));
    }
    std::fs::create_dir_all(&args.out)
        .map_err(|e| Failure::RunFailed(format!("cannot create {}: {e}", args.out.display())))?;
    runs.sort_by_key(|r| (r.point, r.seed));
    let merged = Header {
        shard: None,
        ..header.clone()
    };
    let mut journal = serde_json::to_string(&merged).unwrap_or_default() + "\n";
    for r in &runs {
        journal += &(serde_json::to_string(r).unwrap_or_default() + "\n");
    }
    let p = args.out.join("runs.jsonl");
    std::fs::write(&p, journal)
        .map_err(|e| Failure::RunFailed(format!("cannot write {}: {e}", p.display())))?;
    let result = sweep::aggregate(
        &header.sweep,
        &header.varies,
        &points,
        header.seeds,
        header.confidence,
        &header.metrics,
        &runs,
    );
    write_results(&args.out, &result)?;
    print!("{}", result.table());
    println!("{n} shards merged; results in {}", args.out.display());
    Ok(())
}

fn read_header(journal: &Path) -> Result<Header, Failure> {
    let text = std::fs::read_to_string(journal)
        .map_err(|e| Failure::BadInput(format!("cannot read {}: {e}", journal.display())))?;
    serde_json::from_str(text.lines().next().unwrap_or_default()).map_err(|_| {
        Failure::BadInput(format!(
            "{}: its first line is not a sweep's header",
            journal.display()
        ))
    })
}

/// What makes two sweeps the same sweep: the scenario text, the points, the seeds, the metrics.
fn fingerprint(
    base: &str,
    varies: &[Vary],
    seeds: u64,
    metrics: &[String],
    duration: Option<SimDuration>,
) -> String {
    let key = serde_json::json!({
        "scenario": base,
        "varies": varies,
        "seeds": seeds,
        "metrics": metrics,
        "duration": duration.map(|d| d.to_string()),
    });
    format!(
        "{:016x}",
        ecsim_core::hash::fnv1a(key.to_string().as_bytes())
    )
}

/// The runs already in the journal (after checking it belongs to this sweep), or a fresh
/// journal with its header when there is none. A last line cut short by a kill is dropped.
fn open_journal(path: &Path, header: &Header, resume: bool) -> Result<Vec<RunRecord>, Failure> {
    let shown = path.display();
    if !path.exists() {
        let line = serde_json::to_string(header).unwrap_or_default() + "\n";
        std::fs::write(path, line)
            .map_err(|e| Failure::RunFailed(format!("cannot write {shown}: {e}")))?;
        return Ok(Vec::new());
    }
    if !resume {
        return Err(Failure::BadInput(format!(
            "{shown} exists: pass --resume to continue that sweep, or choose another --out"
        )));
    }
    let f = std::fs::File::open(path)
        .map_err(|e| Failure::RunFailed(format!("cannot read {shown}: {e}")))?;
    let lines: Vec<String> = std::io::BufReader::new(f)
        .lines()
        .collect::<Result<_, _>>()
        .map_err(|e| Failure::RunFailed(format!("cannot read {shown}: {e}")))?;
    let Some(first) = lines.first() else {
        return Err(Failure::BadInput(format!(
            "{shown} is empty: not a sweep's journal"
        )));
    };
    let found: Header = serde_json::from_str(first).map_err(|_| {
        Failure::BadInput(format!("{shown}: its first line is not a sweep's header"))
    })?;
    if found != *header {
        return Err(Failure::BadInput(format!(
            "{shown} belongs to another sweep (other scenario, settings, seeds or metrics): choose another --out"
        )));
    }
    let mut runs: Vec<RunRecord> = Vec::new();
    for (i, l) in lines.iter().enumerate().skip(1) {
        match serde_json::from_str::<RunRecord>(l) {
            Ok(r) => {
                if !runs.iter().any(|x| (x.point, x.seed) == (r.point, r.seed)) {
                    runs.push(r);
                }
            }
            // A kill mid-write leaves the last line short: it goes, and that run is run again.
            Err(_) if i == lines.len() - 1 => {
                let kept: String = lines[..i].iter().map(|l| format!("{l}\n")).collect();
                std::fs::write(path, kept)
                    .map_err(|e| Failure::RunFailed(format!("cannot write {shown}: {e}")))?;
            }
            Err(e) => {
                return Err(Failure::BadInput(format!(
                    "{shown}:{}: not a run: {e}",
                    i + 1
                )));
            }
        }
    }
    Ok(runs)
}

/// A progress bar on stderr when it is a terminal; nothing otherwise.
fn progress(total: u64, done: u64) -> ProgressBar {
    if !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(total);
    bar.set_style(
        ProgressStyle::with_template("{bar:40} {pos}/{len} runs, {per_sec}, {eta} left")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    bar.set_position(done);
    bar
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_journal_reads_back_the_very_numbers_it_was_written_with() {
        // A cost a real shard wrote; without serde_json's exact parsing it came back one unit
        // in the last place off, and a merged journal differed from the shard's.
        for text in ["1.1958493333333333", "0.24329573333333335", "144.1791995"] {
            let exact: f64 = text.parse().unwrap();
            let read: f64 = serde_json::from_str(text).unwrap();
            assert_eq!(read.to_bits(), exact.to_bits(), "{text}");
            assert_eq!(serde_json::to_string(&read).unwrap(), text);
        }
    }

    #[test]
    fn shards_are_given_or_taken_from_the_batch_engines_environment() {
        let none = |_: &str| None;
        assert_eq!(parse_shard("2/4", &none), Ok((2, 4)));
        assert!(parse_shard("4/4", &none).is_err());
        assert!(parse_shard("1/0", &none).is_err());
        assert!(parse_shard("x/2", &none).is_err());
        assert!(parse_shard("auto/3", &none)
            .unwrap_err()
            .contains("JOB_COMPLETION_INDEX"));
        for var in SHARD_INDEX_VARS {
            let env = |v: &str| (v == var).then(|| "1".to_string());
            assert_eq!(parse_shard("auto/3", &env), Ok((1, 3)), "{var}");
        }
        let slurm = |v: &str| (v == "SLURM_ARRAY_TASK_ID").then(|| "7".to_string());
        assert!(parse_shard("auto/3", &slurm)
            .unwrap_err()
            .contains("below 3"));
    }
}
