//! What the commands over many runs (`sweep`, `plan`, `compare`) share: reading a scenario and
//! its grid of points with every point checked before anything runs, checking metric names
//! against the summary, the confidence they take, and the thread pool they run on.

use crate::{overridden, Failure};
use ecsim_core::{budget, RunOptions, Scenario, SimDuration};
use ecsim_front::sweep::{self, Point, Vary};
use std::path::Path;

/// `--max-events`: the budget a run's estimate must fit (`ecsim_core::budget`).
#[derive(clap::Args, Clone, Copy)]
pub(crate) struct Budget {
    /// Refuse a run whose estimated events pass this (a typo in a rate would otherwise run for
    /// hours); the default is about a minute of work.
    #[arg(long, value_name = "N", default_value_t = budget::DEFAULT_MAX_EVENTS)]
    pub(crate) max_events: u64,
}

impl Budget {
    /// A run's error: a budget reached while running is the user's to raise (exit 2), anything
    /// else a failure of the run.
    pub(crate) fn run_failed(self, e: ecsim_core::RunError, file: &str) -> Failure {
        match e {
            ecsim_core::RunError::OverBudget { max, .. } => Failure::BadInput(format!(
                "{file}: {e}: its estimate fell short; raise the budget with --max-events {}",
                max.saturating_mul(2)
            )),
            e => Failure::RunFailed(e.to_string()),
        }
    }

    /// The run of `sc` fits, or exit 2 with the estimate and the flag that raises the budget.
    pub(crate) fn check(self, sc: &Scenario, file: &str) -> Result<(), Failure> {
        budget::check(sc, sc.spec.duration, self.max_events)
            .map(|_| ())
            .map_err(|e| {
                let raise = e.estimate.events.saturating_add(e.estimate.events / 10);
                Failure::BadInput(format!(
                    "{file}: {e}, or raise the budget with --max-events {raise}"
                ))
            })
    }
}

/// A scenario and the points of its `--vary`s, each point's scenario checked.
pub(crate) struct Grid {
    /// The scenario's file, as given.
    pub(crate) file: String,
    /// Its text with the common `--set`s applied.
    pub(crate) base: String,
    pub(crate) varies: Vec<Vary>,
    pub(crate) points: Vec<Point>,
    pub(crate) scenarios: Vec<Scenario>,
}

impl Grid {
    pub(crate) fn load(
        scenario: &Path,
        sets: &[String],
        vary: &[String],
        budget: Budget,
    ) -> Result<Grid, Failure> {
        let bad = Failure::BadInput;
        let file = scenario.display().to_string();
        let text = crate::read_scenario(scenario)?;
        let base = overridden(&text, &file, sets)?;
        // The common overrides checked first, so an error in one says it came from the command
        // line rather than from the first point.
        crate::parse_overridden(&base, &file, sets)?;
        let varies = vary
            .iter()
            .map(|v| Vary::parse(v))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| bad(format!("--vary {e}")))?;
        let points = sweep::points(&varies).map_err(|e| bad(format!("--vary {e}")))?;
        let scenarios = sweep::point_scenarios(&base, &file, &points).map_err(bad)?;
        for (p, sc) in points.iter().zip(&scenarios) {
            budget.check(sc, &format!("{file} at the point {}", p.label()))?;
        }
        Ok(Grid {
            file,
            base,
            varies,
            points,
            scenarios,
        })
    }
}

/// Each metric must name a number of `sc`'s summary (its summary at time zero has the shape);
/// `flag` says which option named them.
pub(crate) fn check_metrics(sc: &Scenario, metrics: &[String], flag: &str) -> Result<(), Failure> {
    sweep::check_metrics(sc, metrics).map_err(|why| Failure::BadInput(format!("{flag}: {why}")))
}

pub(crate) fn check_confidence(c: f64) -> Result<(), Failure> {
    if c > 0.0 && c < 1.0 {
        Ok(())
    } else {
        Err(Failure::BadInput(format!(
            "--confidence {c} must be between 0 and 1"
        )))
    }
}

/// `jobs` threads (default: the machine's cores).
pub(crate) fn pool(jobs: Option<usize>) -> Result<rayon::ThreadPool, Failure> {
    let jobs = jobs
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
        .max(1);
    rayon::ThreadPoolBuilder::new()
        .num_threads(jobs)
        .build()
        .map_err(|e| Failure::RunFailed(format!("cannot start {jobs} threads: {e}")))
}

/// The options of one run of a point: its seed (a `--duration` is in the text, `with_duration`).
pub(crate) fn options(seed: u64, budget: Budget) -> RunOptions {
    RunOptions {
        seed: Some(seed),
        // The estimate was checked before; this stops a run it misjudged.
        max_events: Some(budget.max_events),
        ..Default::default()
    }
}

/// The `--set`s with a `--duration` as one more (`duration=…`), so the duration is checked
/// against the scenario's limits like any value in the file.
pub(crate) fn with_duration(sets: &[String], duration: Option<SimDuration>) -> Vec<String> {
    let mut all = sets.to_vec();
    all.extend(duration.map(|d| format!("duration={d}")));
    all
}
