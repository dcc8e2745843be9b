//! The Plan panel's pool of simulation workers: a sweep's runs shared among one Web Worker per
//! core (at most 8), the results put together on the page as `ecsim sweep` puts them together.
//!
//! The first worker checks the sweep (every point's scenario, the metrics) while the others
//! start; then worker i takes every N-th (point, seed) run from the i-th on, as `ecsim sweep
//! --shard i/N` would. Each run's record comes back as it ends (a runs.jsonl line), and when all
//! are in, the first worker makes the result from the records alone (`ecsim_front::sweep`,
//! `ecsim_front::plan`: the statistics stay off the page), so it does not depend on how many
//! workers there were or in which order they finished. A stopped or failed plan
//! closes its workers; a late answer of an old plan's worker is ignored by its generation.

use crate::outputs::BlobUrl;
use crate::page::{Action, PageState, PlanStatus, PlanView, Shared};
use ecsim_front::plan::{PlanResult, Slo};
use ecsim_front::sweep::{self, SweepResult, Vary};
use ecsim_web::worker::{Input, Output, SimWorker, SweepSpec};
use gloo_worker::{Spawnable, WorkerBridge};
use std::cell::RefCell;
use std::rc::Rc;
use yew::UseReducerDispatcher;

/// The most workers a plan starts, whatever the machine.
pub const MAX_WORKERS: usize = 8;
/// The confidence of the intervals and of the SLOs' bounds (as the command line's default).
pub const CONFIDENCE: f64 = 0.95;

/// What the panel asks: the sweep, its seeds and SLOs, and the command line that runs the same.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanRequest {
    pub spec: SweepSpec,
    pub seeds: u64,
    pub slos: Vec<Slo>,
    /// The `--vary` arguments as typed (`services[0].desiredCount=2..6`).
    pub vary_args: Vec<String>,
}

/// The pool, shared by the panel's callbacks.
#[derive(Clone)]
pub struct Pool {
    inner: Rc<RefCell<Inner>>,
    dispatch: UseReducerDispatcher<PageState>,
}

impl PartialEq for Pool {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.inner, &other.inner)
    }
}

#[derive(Default)]
struct Inner {
    /// Counts plans, so an answer of an earlier plan's worker is known for what it is.
    generation: u32,
    workers: Vec<WorkerBridge<SimWorker>>,
    job: Option<Job>,
}

struct Job {
    request: PlanRequest,
    metrics: Vec<String>,
    /// The runs done, as runs.jsonl lines.
    runs: Vec<String>,
    total: usize,
}

/// How many workers this browser gets: one per core, at most `MAX_WORKERS`, and no more than
/// there are runs.
fn worker_count(runs: usize) -> usize {
    let cores = web_sys::window()
        .map(|w| w.navigator().hardware_concurrency())
        .filter(|n| n.is_finite() && *n >= 1.0)
        .map_or(2, |n| n as usize);
    cores.clamp(1, MAX_WORKERS).min(runs.max(1))
}

impl Pool {
    pub fn new(dispatch: UseReducerDispatcher<PageState>) -> Pool {
        Pool {
            inner: Rc::default(),
            dispatch,
        }
    }

    /// Starts a plan (stopping any in progress).
    pub fn start(&self, request: PlanRequest) {
        let points = match sweep::points(&request.spec.varies) {
            Ok(p) => p,
            Err(e) => return self.status(PlanStatus::Failed(format!("vary {e}"))),
        };
        let total = points.len() * request.seeds as usize;
        let n = worker_count(total);
        let generation = {
            let mut inner = self.inner.borrow_mut();
            inner.generation += 1;
            inner.workers.clear();
            inner.generation
        };
        let workers: Vec<WorkerBridge<SimWorker>> = (0..n)
            .map(|i| {
                let pool = self.clone();
                SimWorker::spawner()
                    .callback(move |out| pool.on_output(generation, i, out))
                    .spawn("worker.js")
            })
            .collect();
        workers[0].send(Input::SweepCheck {
            sweep: request.spec.clone(),
        });
        let mut inner = self.inner.borrow_mut();
        inner.workers = workers;
        inner.job = Some(Job {
            request,
            metrics: Vec::new(),
            runs: Vec::new(),
            total,
        });
        drop(inner);
        self.status(PlanStatus::Checking { workers: n });
    }

    /// Stops the plan in progress: its workers are closed, the runs done so far are dropped.
    pub fn stop(&self) {
        let done = {
            let mut inner = self.inner.borrow_mut();
            inner.generation += 1;
            inner.workers.clear();
            inner.job.take().map(|j| (j.runs.len(), j.total))
        };
        if let Some((done, total)) = done {
            self.status(PlanStatus::Stopped { done, total });
        }
    }

    fn status(&self, s: PlanStatus) {
        self.dispatch.dispatch(Action::Plan(s));
    }

    /// Closes the workers after the answer being handled (a worker is not dropped from inside
    /// its own callback).
    fn close_workers(&self) {
        let workers = std::mem::take(&mut self.inner.borrow_mut().workers);
        gloo_timers::callback::Timeout::new(0, move || drop(workers)).forget();
    }

    fn on_output(&self, generation: u32, worker: usize, out: Output) {
        if self.inner.borrow().generation != generation {
            return;
        }
        match out {
            Output::SweepChecked { points, metrics } => self.share_runs(points.len(), metrics),
            Output::Ran(line) => self.ran(line),
            Output::SweepDone {
                sweep_json,
                plan_json,
            } => {
                let n = self.inner.borrow().workers.len();
                let job = self.inner.borrow_mut().job.take();
                self.close_workers();
                if let Some(job) = job {
                    self.status(match view(job, n, sweep_json, plan_json) {
                        Ok(v) => PlanStatus::Done(Shared::new(v)),
                        Err(e) => PlanStatus::Failed(e),
                    });
                }
            }
            Output::Failed(e) | Output::Crashed(e) => {
                self.inner.borrow_mut().job = None;
                self.close_workers();
                let who = if worker == 0 {
                    String::new()
                } else {
                    format!(" (worker {})", worker + 1)
                };
                self.status(PlanStatus::Failed(format!("{e}{who}")));
            }
            _ => {}
        }
    }

    /// The sweep is checked: give each worker its share of the runs.
    fn share_runs(&self, points: usize, metrics: Vec<String>) {
        let mut inner = self.inner.borrow_mut();
        let n = inner.workers.len();
        let Some(job) = inner.job.as_mut() else {
            return;
        };
        job.metrics = metrics.clone();
        let spec = SweepSpec {
            metrics,
            also: Vec::new(),
            ..job.request.spec.clone()
        };
        let seeds = job.request.seeds;
        let all: Vec<(usize, u64)> = (0..points)
            .flat_map(|p| (1..=seeds).map(move |s| (p, s)))
            .collect();
        let total = job.total;
        for (i, w) in inner.workers.iter().enumerate() {
            let runs: Vec<(usize, u64)> = all.iter().copied().skip(i).step_by(n).collect();
            w.send(Input::SweepRuns {
                sweep: spec.clone(),
                runs,
            });
        }
        drop(inner);
        self.status(PlanStatus::Running {
            done: 0,
            total,
            workers: n,
        });
    }

    fn ran(&self, line: String) {
        let mut inner = self.inner.borrow_mut();
        let n = inner.workers.len();
        let Some(job) = inner.job.as_mut() else {
            return;
        };
        job.runs.push(line);
        let (done, total) = (job.runs.len(), job.total);
        if done == total {
            // The first worker puts the runs together (the statistics stay off the page).
            let finish = Input::SweepFinish {
                sweep: SweepSpec {
                    metrics: job.metrics.clone(),
                    also: Vec::new(),
                    ..job.request.spec.clone()
                },
                seeds: job.request.seeds,
                confidence: CONFIDENCE,
                slos: job.request.slos.iter().map(slo_text).collect(),
                runs: std::mem::take(&mut job.runs),
            };
            inner.workers[0].send(finish);
        }
        drop(inner);
        self.status(PlanStatus::Running {
            done,
            total,
            workers: n,
        });
    }
}

/// An SLO as the command line takes it (`services.web.latency_ms.p99 < 200`).
fn slo_text(s: &Slo) -> String {
    format!("{} {} {}", s.metric, s.op.symbol(), s.limit)
}

/// The finished plan as the panel shows it, from the worker's JSON.
fn view(
    job: Job,
    workers: usize,
    sweep_json: String,
    plan_json: Option<String>,
) -> Result<PlanView, String> {
    let sweep: SweepResult =
        serde_json::from_str(&sweep_json).map_err(|e| format!("the sweep's result: {e}"))?;
    let plan: Option<PlanResult> = plan_json
        .as_deref()
        .map(serde_json::from_str)
        .transpose()
        .map_err(|e| format!("the plan's result: {e}"))?;
    let minimize = plan.as_ref().map(|p| p.config.minimize.as_str());
    let command = command_line(&job.request, &job.metrics, minimize);
    Ok(PlanView {
        download: BlobUrl::new(&sweep_json, "application/json").map(Rc::new),
        plan_download: plan_json
            .and_then(|j| BlobUrl::new(&j, "application/json"))
            .map(Rc::new),
        failed_runs: sweep.points.iter().map(|p| p.failed_runs).sum(),
        sweep,
        plan,
        slos: job.request.slos,
        command,
        workers,
    })
}

/// The command line that runs the same sweep (and plan), on the scenario saved as its file.
fn command_line(r: &PlanRequest, metrics: &[String], minimize: Option<&str>) -> String {
    let q = |s: &str| format!("'{}'", s.replace('\'', r"'\''"));
    let varies: Vec<String> = r
        .vary_args
        .iter()
        .map(|v| format!("--vary {}", q(v)))
        .collect();
    let mut out = format!(
        "ecsim sweep {} {} --seeds {} --metrics {} --out plan-out",
        q(&r.spec.file),
        varies.join(" "),
        r.seeds,
        metrics.join(",")
    );
    if !r.slos.is_empty() {
        let slos: Vec<String> = r
            .slos
            .iter()
            .map(|s| format!("--slo {}", q(&slo_text(s))))
            .collect();
        out.push_str(&format!(
            "\necsim plan {} {} --seeds {} {} --minimize {} --exhaustive --out plan-out",
            q(&r.spec.file),
            varies.join(" "),
            r.seeds,
            slos.join(" "),
            minimize.unwrap_or("cost_usd.per_hour")
        ));
    }
    out
}

/// The `Vary` of a `PATH=VALUES` argument, for the panel's checks before anything starts.
pub fn parse_vary(arg: &str) -> Result<Vary, String> {
    Vary::parse(arg).map_err(|e| e.to_string())
}
