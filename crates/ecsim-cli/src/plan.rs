//! `ecsim plan`: the cheapest point of a sweep whose every SLO holds with a given confidence
//! (`ecsim_front::plan` decides what to run; this file runs each point's seeds in parallel).

use crate::many_runs::{
    check_confidence, check_metrics, options, pool, with_duration, Budget, Grid,
};
use crate::{parse_duration, Failure};
use ecsim_core::{run, SimDuration};
use ecsim_front::plan::{self, PlanConfig, Slo};
use ecsim_front::sweep;
use rayon::prelude::*;
use std::path::PathBuf;

#[derive(clap::Args)]
pub(crate) struct PlanArgs {
    /// The scenario file (.toml or .json).
    scenario: PathBuf,
    /// A setting to vary, as `sweep --vary` (repeatable: a cross product).
    #[arg(long = "vary", value_name = "PATH=VALUES", required = true)]
    vary: Vec<String>,
    /// A service-level objective, e.g. `--slo 'services.web.latency_ms.p99 < 200'` (repeatable;
    /// `<`, `<=`, `>`, `>=`). It holds when the one-sided confidence bound of the metric over
    /// the seeds is inside the limit.
    #[arg(long = "slo", value_name = "METRIC OP LIMIT", required = true)]
    slo: Vec<String>,
    /// The metric to make small.
    #[arg(long, default_value = "cost_usd.per_hour")]
    minimize: String,
    /// Seeds per point (1..=N), at most.
    #[arg(long, default_value_t = 10)]
    seeds: u64,
    /// The confidence every SLO must hold with.
    #[arg(long, default_value_t = 0.95)]
    confidence: f64,
    /// Seeds a point runs before the planner may call it clearly out.
    #[arg(long, default_value_t = 3)]
    pilot: u64,
    /// The setting to bisect along (default: the last --vary whose values are all integers);
    /// the SLOs are assumed to hold more, and the cost to grow, as it grows.
    #[arg(long, value_name = "PATH")]
    bisect: Option<String>,
    /// Run every point on every seed: the full grid, no bisection, no early stop.
    #[arg(long)]
    exhaustive: bool,
    /// Override a setting at every point (as `run --set`).
    #[arg(long = "set", value_name = "PATH=VALUE")]
    set: Vec<String>,
    /// How long to simulate each run (overrides `duration`).
    #[arg(long, value_parser = parse_duration)]
    duration: Option<SimDuration>,
    #[command(flatten)]
    budget: Budget,
    /// Runs at once (default: the machine's cores).
    #[arg(long)]
    jobs: Option<usize>,
    /// Also write plan.json (every point, its status and estimates) into this folder.
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
}

pub(crate) fn plan_command(args: &PlanArgs) -> Result<(), Failure> {
    let bad = Failure::BadInput;
    check_confidence(args.confidence)?;
    if args.seeds < 2 {
        return Err(bad(
            "--seeds must be at least 2 for a confidence bound".into()
        ));
    }
    let Grid {
        varies,
        points,
        scenarios,
        ..
    } = Grid::load(
        &args.scenario,
        &with_duration(&args.set, args.duration),
        &args.vary,
        args.budget,
    )?;
    let slos = args
        .slo
        .iter()
        .map(|s| Slo::parse(s))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| bad(format!("--slo {e}")))?;
    let bisect = match &args.bisect {
        Some(p) => Some(
            varies
                .iter()
                .position(|v| v.path == *p)
                .ok_or_else(|| bad(format!("--bisect {p}: not one of the --vary paths")))?,
        ),
        None => plan::default_bisect(&points),
    };
    let cfg = PlanConfig {
        seeds: args.seeds,
        confidence: args.confidence,
        pilot: args.pilot,
        minimize: args.minimize.clone(),
        bisect,
        exhaustive: args.exhaustive,
    };
    let metrics = plan::metrics(&cfg, &slos);
    check_metrics(&scenarios[0], &metrics, "--slo/--minimize")?;
    let pool = pool(args.jobs)?;
    let failure: std::sync::Mutex<Option<String>> = std::sync::Mutex::new(None);
    let mut runner = |p: usize, seeds: &[u64]| -> Vec<Vec<Option<f64>>> {
        pool.install(|| {
            seeds
                .par_iter()
                .map(
                    |&seed| match run(&scenarios[p], &options(seed, args.budget)) {
                        Ok(o) => sweep::metric_values(&o.summary, &metrics),
                        Err(e) => {
                            *failure.lock().unwrap_or_else(|e| e.into_inner()) =
                                Some(format!("at {} seed {seed}: {e}", points[p].label()));
                            vec![None; metrics.len()]
                        }
                    },
                )
                .collect()
        })
    };
    let result = plan::plan(&points, &cfg, &slos, &mut runner);
    if let Some(e) = failure.into_inner().unwrap_or_else(|e| e.into_inner()) {
        return Err(Failure::RunFailed(e));
    }
    print!("{}", result.report());
    if let Some(dir) = &args.out {
        std::fs::create_dir_all(dir)
            .map_err(|e| Failure::RunFailed(format!("cannot create {}: {e}", dir.display())))?;
        let p = dir.join("plan.json");
        std::fs::write(
            &p,
            serde_json::to_string_pretty(&result).unwrap_or_default() + "\n",
        )
        .map_err(|e| Failure::RunFailed(format!("cannot write {}: {e}", p.display())))?;
    }
    Ok(())
}
