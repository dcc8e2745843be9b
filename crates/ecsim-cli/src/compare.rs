//! `ecsim compare A [B]`: two variants on the same seeds, and per metric the paired difference
//! B − A with its interval and a verdict (`ecsim_front::comparison`). B is a second file, or A
//! with `--set-b` overrides.

use crate::many_runs::{check_confidence, check_metrics, options, pool, with_duration, Budget};
use crate::{overridden, parse_duration, Failure};
use ecsim_core::{run, Scenario, SimDuration};
use ecsim_front::{comparison, sweep};
use rayon::prelude::*;
use std::path::PathBuf;

#[derive(clap::Args)]
pub(crate) struct CompareArgs {
    /// Variant A's scenario file.
    a: PathBuf,
    /// Variant B's scenario file (default: A with the `--set-b` overrides).
    b: Option<PathBuf>,
    /// Override a setting in B only, e.g. `--set-b instance_groups[web-hosts].count=4`.
    #[arg(long = "set-b", value_name = "PATH=VALUE")]
    set_b: Vec<String>,
    /// Override a setting in both.
    #[arg(long = "set", value_name = "PATH=VALUE")]
    set: Vec<String>,
    /// Run both on seeds 1..=N.
    #[arg(long, default_value_t = 20)]
    seeds: u64,
    /// The summary's numbers to compare, comma-separated (default as `sweep`).
    #[arg(long, value_delimiter = ',')]
    metrics: Vec<String>,
    /// How long to simulate each run (overrides `duration`).
    #[arg(long, value_parser = parse_duration)]
    duration: Option<SimDuration>,
    #[command(flatten)]
    budget: Budget,
    /// The confidence of the intervals.
    #[arg(long, default_value_t = 0.95)]
    confidence: f64,
    /// Runs at once (default: the machine's cores).
    #[arg(long)]
    jobs: Option<usize>,
    /// Print the comparison as JSON.
    #[arg(long)]
    json: bool,
}

fn load(path: &std::path::Path, sets: &[String], extra: &[String]) -> Result<Scenario, Failure> {
    let file = path.display().to_string();
    let text = crate::read_scenario(path)?;
    let mut all = sets.to_vec();
    all.extend_from_slice(extra);
    let text = overridden(&text, &file, &all)?;
    crate::parse_overridden(&text, &file, &all)
}

pub(crate) fn compare_command(args: &CompareArgs) -> Result<(), Failure> {
    if args.b.is_none() && args.set_b.is_empty() {
        return Err(Failure::BadInput(
            "give B: a second scenario file, or --set-b overrides of A".into(),
        ));
    }
    if args.seeds < 2 {
        return Err(Failure::BadInput(
            "--seeds must be at least 2 for an interval".into(),
        ));
    }
    check_confidence(args.confidence)?;
    let sets = with_duration(&args.set, args.duration);
    let a = load(&args.a, &sets, &[])?;
    let b = load(args.b.as_ref().unwrap_or(&args.a), &sets, &args.set_b)?;
    args.budget.check(&a, "A")?;
    args.budget.check(&b, "B")?;
    let metrics = if args.metrics.is_empty() {
        sweep::default_metrics(&a)
    } else {
        args.metrics.clone()
    };
    for sc in [&a, &b] {
        check_metrics(sc, &metrics, &format!("--metrics ({})", sc.file))?;
    }
    let pool = pool(args.jobs)?;
    let runs: Vec<(u64, bool)> = (1..=args.seeds)
        .flat_map(|s| [(s, false), (s, true)])
        .collect();
    let values = pool.install(|| {
        runs.par_iter()
            .map(|&(seed, is_b)| {
                let sc = if is_b { &b } else { &a };
                run(sc, &options(seed, args.budget))
                    .map(|o| sweep::metric_values(&o.summary, &metrics))
                    .map_err(|e| format!("{} seed {seed}: {e}", if is_b { "B" } else { "A" }))
            })
            .collect::<Result<Vec<_>, String>>()
    });
    let values = values.map_err(Failure::RunFailed)?;
    // `runs` alternates A and B per seed, in seed order.
    let (va, vb): (Vec<_>, Vec<_>) = values
        .chunks(2)
        .map(|c| (c[0].clone(), c[1].clone()))
        .unzip();
    let rows = comparison::compare(&metrics, &va, &vb, args.confidence);
    if args.json {
        println!(
            "{}",
            serde_json::to_string_pretty(&rows).unwrap_or_default()
        );
    } else {
        print!("{}", comparison::table(&rows));
        println!(
            "A: {}, B: {}; {} seeds, paired on the seed; {:.0} % intervals",
            a.file,
            if args.b.is_some() {
                b.file.clone()
            } else {
                format!("A with {}", args.set_b.join(", "))
            },
            args.seeds,
            args.confidence * 100.0
        );
    }
    Ok(())
}
