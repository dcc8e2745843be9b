//! The simulation worker: runs a scenario in slices of about 40 ms of wall time inside a Web
//! Worker, so the page stays responsive; reports progress after each slice; pauses, resumes and
//! stops between slices; sends the finished run as a `RunView`. The same slices run a what-if's
//! runs one after the other, and a Plan's share of a sweep's runs (answered one by one as
//! runs.jsonl lines); a worker also checks a sweep and puts its runs together, with the
//! `ecsim_front` code the command line uses, so the page gets exactly what `ecsim sweep` writes.
//!
//! Between slices it yields to the worker's event loop with a zero timeout (a macrotask): a
//! message loop of microtasks would never let a Pause or Stop in (docs/toolchain.md W6).

use crate::view::{ChartData, CompareView, LessonView, Limit, RunView, VARIANTS};
use ecsim_core::metrics::Summary;
use ecsim_core::sim::ClusterSnapshot;
use ecsim_core::{RunOptions, Scenario, Simulation};
use ecsim_front::form::{self, Choices, Edit, Field, Knob, Target};
use ecsim_front::sweep::{self, Point, RunRecord, Vary};
use ecsim_front::{plan, setting};
use gloo_worker::{HandlerId, Worker, WorkerScope};
use serde::{Deserialize, Serialize};

/// What the page asks.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Input {
    /// Run a scenario's text (`file` names it in errors and picks TOML or JSON).
    Run {
        text: String,
        file: String,
        seed: Option<u64>,
    },
    Pause,
    Resume,
    Stop,
    /// Validate a scenario's text without running it; the form's fields are those of the
    /// instance group and service `target` picks.
    Check {
        text: String,
        file: String,
        target: Target,
    },
    /// The editor's form: set a knob in the text, or paste an AWS task definition into it.
    Form {
        text: String,
        edit: FormEdit,
    },
    /// Panic on purpose: the browser test's way to check that a crash in the worker shows an
    /// error banner and that the next run gets a new worker (the page sends it only when opened
    /// with `?crash-test`).
    Crash,
    /// What-if: run the variants (A's text first, then B's, maybe C's) on each of the seeds,
    /// and compare their summaries.
    Compare {
        variants: Vec<String>,
        file: String,
        seeds: Vec<u64>,
    },
    /// Plan: check a sweep before it runs (every point's scenario, the metrics; none named: the
    /// sweep's default ones). The answer is `SweepChecked` or `Failed`.
    SweepCheck {
        sweep: SweepSpec,
    },
    /// Plan: run these (point, seed) runs of the sweep, one after the other, answering `Ran`
    /// as each ends (the page shares a sweep's runs among several workers).
    SweepRuns {
        sweep: SweepSpec,
        runs: Vec<(usize, u64)>,
    },
    /// Plan: every run is in (as runs.jsonl lines): put them together as `ecsim sweep` does, and
    /// judge the points against the SLOs as `ecsim plan --exhaustive` does. The answer is
    /// `SweepDone` or `Failed`.
    SweepFinish {
        sweep: SweepSpec,
        seeds: u64,
        confidence: f64,
        slos: Vec<String>,
        runs: Vec<String>,
    },
}

/// A sweep as the Plan panel asks it: `ecsim sweep FILE --vary … --metrics …` on this text.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SweepSpec {
    pub text: String,
    pub file: String,
    pub varies: Vec<Vary>,
    pub metrics: Vec<String>,
    /// Metrics measured as well, after those (the SLOs'), unless already there.
    pub also: Vec<String>,
}

/// The scenario text's state as the worker checked it (the page keeps the last one).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Checked {
    /// The text checked: an answer about an older text is told apart by it.
    pub text: String,
    /// The scenario's own seed (what Run runs when no seed is typed), when the text is valid.
    pub seed: Option<u64>,
    /// Its objectives as rules (`metric op value`, as `ObjectiveView::rule`).
    pub rules: Vec<String>,
    pub description: String,
    pub lesson: Option<LessonView>,
    pub error: Option<String>,
    /// The form's fields as the text has them (empty when the form cannot read the text, and
    /// `form_error` says why).
    pub fields: Vec<Field>,
    pub form_error: Option<String>,
    /// The field the error is about, when the form shows it.
    pub error_knob: Option<Knob>,
    /// The instance groups and services the form can act on, and the ones it does.
    pub choices: Choices,
    pub target: Target,
}

/// A change the form asks of the scenario text (`ecsim_front::form`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum FormEdit {
    Set {
        target: Target,
        knob: Knob,
        value: String,
    },
    Paste {
        json: String,
    },
    /// Settings as `ecsim run --set` takes them: a sweep point's (the Plan panel's "load"),
    /// a lesson step's ("Do it").
    Settings {
        file: String,
        settings: Vec<(String, String)>,
    },
    /// A what-if variant (B or C): the text with these settings, for the variant's box, not
    /// the editor.
    Variant {
        file: String,
        settings: Vec<(String, String)>,
    },
}

/// What the worker answers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Output {
    /// The scenario is valid and the run began.
    Started {
        end_s: f64,
    },
    /// After each slice: simulated time reached, events processed; for a comparison, which run
    /// of how many.
    Progress {
        sim_s: f64,
        end_s: f64,
        events: u64,
        run: u32,
        runs: u32,
        /// The cluster now, every few slices of a single run (the live cluster view).
        snapshot: Option<Box<ClusterSnapshot>>,
        /// The series so far, about once a second (thinned), for the live charts.
        charts: Option<Box<ChartData>>,
    },
    Paused {
        sim_s: f64,
        snapshot: Option<Box<ClusterSnapshot>>,
    },
    Resumed,
    Stopped {
        sim_s: f64,
    },
    Done(Box<RunView>),
    Compared(Box<CompareView>),
    /// A scenario error (with file, line and field) or a failed run.
    Failed(String),
    /// The worker panicked (a bug in ecsim): the message, sent from the panic hook before the
    /// worker dies. The page starts a new worker for the next run.
    Crashed(String),
    /// The answer to `Check`: the scenario's description, or what is wrong with it.
    Checked(Checked),
    /// The answer to `SweepCheck`: the sweep's points and the metrics it measures.
    SweepChecked {
        points: Vec<Point>,
        metrics: Vec<String>,
    },
    /// One run of `SweepRuns` ended: its record as a line of `ecsim sweep`'s runs.jsonl (JSON,
    /// because the record leaves out empty fields, which the positional codec cannot carry).
    Ran(String),
    /// The answer to `SweepFinish`: sweep.json and (with SLOs) plan.json, byte for byte as the
    /// command line writes them.
    SweepDone {
        sweep_json: String,
        plan_json: Option<String>,
    },
    /// The answer to `Form`: the text it was asked about, and the edited text or why not.
    Edited {
        before: String,
        edit: FormEdit,
        result: Result<Edit, String>,
    },
}

thread_local! {
    /// Where the panic hook reports: the worker's scope and the page's handler.
    static REPLY: std::cell::RefCell<Option<(WorkerScope<SimWorker>, HandlerId)>> =
        const { std::cell::RefCell::new(None) };
}

/// Installs a panic hook that tells the page what happened before the worker dies (the web
/// profile aborts on panic, so nothing else would).
pub fn report_panics() {
    std::panic::set_hook(Box::new(|info| {
        let msg = format!(
            "the simulator crashed (a bug in ecsim; please report it with the share link): {info}"
        );
        REPLY.with(|r| {
            if let Ok(r) = r.try_borrow() {
                if let Some((scope, id)) = r.as_ref() {
                    scope.respond(*id, Output::Crashed(msg));
                }
            }
        });
    }));
}

/// The worker's message to itself: run the next slice of run number `.0`.
pub struct Step(u32);

struct Job {
    sim: Simulation,
    to: HandlerId,
    run: u32,
    batch: Batch,
    slices: u32,
}

/// What the simulation in progress belongs to.
enum Batch {
    /// A single run: progress with live snapshots and charts, then its view.
    Single,
    Compare(Box<Comparison>),
    Sweep(SweepBatch),
}

/// A share of a sweep's runs in progress: the runs still to do (popped from the end) and the one
/// running.
struct SweepBatch {
    scenarios: Vec<Scenario>,
    metrics: Vec<String>,
    rest: Vec<(usize, u64)>,
    current: (usize, u64),
}

impl SweepBatch {
    /// The next run's simulation, if any is left.
    fn next(&mut self) -> Option<Simulation> {
        let (p, seed) = self.rest.pop()?;
        self.current = (p, seed);
        Some(sweep_run(&self.scenarios[p], seed))
    }
}

/// A sweep run's simulation: as `ecsim sweep` runs it (the seed, no snapshots).
fn sweep_run(sc: &Scenario, seed: u64) -> Simulation {
    Simulation::new(
        sc,
        &RunOptions {
            seed: Some(seed),
            max_events: Some(ecsim_core::budget::DEFAULT_MAX_EVENTS),
            ..Default::default()
        },
    )
}

/// A live snapshot goes with every this many progress reports (about 3 a second). At 1,000
/// instances one is about 280 KB and 4 ms of native work (tests/scale.rs), so 5 a second cost
/// the run several percent.
const SNAPSHOT_EVERY: u32 = 3;
/// The series so far go with every this many (about once a second), at most this many points.
const CHARTS_EVERY: u32 = 10;
const LIVE_POINTS: usize = 400;

/// A what-if in progress: the runs still to do (which variant, simulation), each variant's
/// summaries so far.
struct Comparison {
    seeds: Vec<u64>,
    rest: Vec<(usize, Simulation)>,
    current: usize,
    runs: Vec<Vec<Summary>>,
    total: u32,
    /// Each variant's series on the first seed, for the overlaid charts.
    charts: Vec<Option<ChartData>>,
}

pub struct SimWorker {
    job: Option<Job>,
    paused: bool,
    runs: u32,
}

/// Wall time per slice, ms: short enough for a Pause to be taken at once (a tenth of a second),
/// long enough that the yield between slices (≥ 4 ms once timeouts nest) costs little: at 40 ms
/// it was a tenth of the run.
const SLICE_MS: f64 = 100.0;
/// Events between clock reads within a slice.
const CHUNK: u64 = 5_000;

fn next_slice(scope: &WorkerScope<SimWorker>, run: u32) {
    scope.send_future(async move {
        gloo_timers::future::TimeoutFuture::new(0).await;
        Step(run)
    });
}

impl SimWorker {
    /// A slice of run `run` ended with more to do: report progress (a sweep's runs report only
    /// as they end) and go on.
    fn progress(&mut self, scope: &WorkerScope<Self>, run: u32) {
        let Some(job) = self.job.as_mut() else { return };
        let (sim_s, end_s) = (job.sim.now().as_secs_f64(), job.sim.end().as_secs_f64());
        let (done, runs) = match &job.batch {
            Batch::Single => (0, 1),
            Batch::Compare(c) => (c.runs.iter().map(Vec::len).sum(), c.total as usize),
            Batch::Sweep(_) => {
                next_slice(scope, run);
                return;
            }
        };
        job.slices += 1;
        let single = matches!(job.batch, Batch::Single);
        let snapshot =
            (single && job.slices % SNAPSHOT_EVERY == 1).then(|| Box::new(job.sim.snapshot()));
        // With the objectives' limits, so a live chart shows the line it is heading for.
        let charts = (single && job.slices % CHARTS_EVERY == 1).then(|| {
            Box::new(ChartData {
                limits: Limit::of(&job.sim.scenario().spec.objectives),
                ..ChartData::series(job.sim.timeseries()).thinned(LIVE_POINTS)
            })
        });
        scope.respond(
            job.to,
            Output::Progress {
                sim_s,
                end_s,
                events: job.sim.events(),
                run: done as u32 + 1,
                runs: runs as u32,
                snapshot,
                charts,
            },
        );
        next_slice(scope, run);
    }

    /// One run of a comparison is over: keep its summary, start the next one or compare.
    fn compared_one(
        &mut self,
        scope: &WorkerScope<Self>,
        sim: Simulation,
        to: HandlerId,
        run: u32,
        mut c: Box<Comparison>,
    ) {
        let out = sim.finish();
        let k = c.current;
        if c.charts[k].is_none() {
            c.charts[k] = Some(ChartData::new(&out.timeseries, &out.summary));
        }
        c.runs[k].push(out.summary);
        match c.rest.pop() {
            Some((next_k, next)) => {
                c.current = next_k;
                self.job = Some(Job {
                    sim: next,
                    to,
                    run,
                    batch: Batch::Compare(c),
                    slices: 0,
                });
                next_slice(scope, run);
            }
            None => {
                let mut view = CompareView::new(std::mem::take(&mut c.seeds), &c.runs);
                view.charts = c.charts.drain(..).flatten().collect();
                scope.respond(to, Output::Compared(Box::new(view)));
            }
        }
    }
}

impl Worker for SimWorker {
    type Message = Step;
    type Input = Input;
    type Output = Output;

    fn create(_scope: &WorkerScope<Self>) -> Self {
        SimWorker {
            job: None,
            paused: false,
            runs: 0,
        }
    }

    fn update(&mut self, scope: &WorkerScope<Self>, Step(run): Step) {
        if self.paused {
            return;
        }
        let Some(job) = self.job.as_mut().filter(|j| j.run == run) else {
            // A step of a run that was stopped or replaced.
            return;
        };
        let start = js_sys::Date::now();
        let more = loop {
            match job.sim.advance(CHUNK) {
                Ok(true) if js_sys::Date::now() - start < SLICE_MS => continue,
                Ok(more) => break more,
                Err(e) => {
                    if let Batch::Sweep(b) = &mut job.batch {
                        // A failed run is a result of the sweep, as on the command line.
                        let (p, seed) = b.current;
                        let rec = RunRecord::new(p, seed, Err(e.to_string()), &b.metrics);
                        scope.respond(job.to, ran(&rec));
                        match b.next() {
                            Some(sim) => {
                                job.sim = sim;
                                next_slice(scope, run);
                            }
                            None => self.job = None,
                        }
                        return;
                    }
                    scope.respond(job.to, Output::Failed(format!("the run failed: {e}")));
                    self.job = None;
                    return;
                }
            }
        };
        if more {
            self.progress(scope, run);
            return;
        }
        let Some(Job {
            sim,
            to,
            run,
            batch,
            ..
        }) = self.job.take()
        else {
            return;
        };
        match batch {
            Batch::Single => {
                let sc = sim.scenario().clone();
                let out = sim.finish();
                let view = RunView::new(&sc, &out, run);
                scope.respond(to, Output::Done(Box::new(view)));
            }
            Batch::Compare(c) => self.compared_one(scope, sim, to, run, c),
            Batch::Sweep(mut b) => {
                let (p, seed) = b.current;
                let out = sim.finish();
                scope.respond(
                    to,
                    ran(&RunRecord::new(p, seed, Ok(&out.summary), &b.metrics)),
                );
                if let Some(sim) = b.next() {
                    self.job = Some(Job {
                        sim,
                        to,
                        run,
                        batch: Batch::Sweep(b),
                        slices: 0,
                    });
                    next_slice(scope, run);
                }
            }
        }
    }

    fn received(&mut self, scope: &WorkerScope<Self>, msg: Input, id: HandlerId) {
        REPLY.with(|r| *r.borrow_mut() = Some((scope.clone(), id)));
        match msg {
            Input::Run { text, file, seed } => {
                self.job = None;
                self.paused = false;
                let sc = match Scenario::parse(&text, &file).map_err(|e| e.to_string()) {
                    Ok(sc) => sc,
                    Err(e) => {
                        scope.respond(id, Output::Failed(e));
                        return;
                    }
                };
                if let Err(e) = within_budget(&sc) {
                    scope.respond(id, Output::Failed(e));
                    return;
                }
                self.runs += 1;
                let sim = Simulation::new(
                    &sc,
                    &RunOptions {
                        seed,
                        snapshots: true,
                        max_events: Some(ecsim_core::budget::DEFAULT_MAX_EVENTS),
                        ..Default::default()
                    },
                );
                let end_s = sim.end().as_secs_f64();
                self.job = Some(Job {
                    sim,
                    to: id,
                    run: self.runs,
                    batch: Batch::Single,
                    slices: 0,
                });
                scope.respond(id, Output::Started { end_s });
                next_slice(scope, self.runs);
            }
            Input::Pause => {
                if let Some(job) = &self.job {
                    self.paused = true;
                    scope.respond(
                        id,
                        Output::Paused {
                            sim_s: job.sim.now().as_secs_f64(),
                            snapshot: Some(Box::new(job.sim.snapshot())),
                        },
                    );
                }
            }
            Input::Resume => {
                if let (true, Some(job)) = (self.paused, &self.job) {
                    self.paused = false;
                    scope.respond(id, Output::Resumed);
                    next_slice(scope, job.run);
                }
            }
            Input::Compare {
                variants,
                file,
                seeds,
            } => {
                self.job = None;
                self.paused = false;
                if !(2..=VARIANTS.len()).contains(&variants.len()) {
                    let e = format!(
                        "a what-if compares 2 to {} variants, not {}",
                        VARIANTS.len(),
                        variants.len()
                    );
                    return scope.respond(id, Output::Failed(e));
                }
                let parse = |text: &str, which: &str| {
                    Scenario::parse(text, &file)
                        .map_err(|e| e.to_string())
                        .and_then(|sc| within_budget(&sc).map(|_| sc))
                        .map_err(|e| format!("variant {which}: {e}"))
                };
                let scenarios: Result<Vec<Scenario>, String> = variants
                    .iter()
                    .zip(VARIANTS)
                    .map(|(text, name)| parse(text, name))
                    .collect();
                let scenarios = match scenarios {
                    Ok(s) => s,
                    Err(e) => return scope.respond(id, Output::Failed(e)),
                };
                let sim = |sc: &Scenario, seed: u64| {
                    Simulation::new(
                        sc,
                        &RunOptions {
                            seed: Some(seed),
                            max_events: Some(ecsim_core::budget::DEFAULT_MAX_EVENTS),
                            ..Default::default()
                        },
                    )
                };
                // Popped from the end: A, B (C) for each seed, in order.
                let mut rest: Vec<(usize, Simulation)> = Vec::new();
                for &seed in seeds.iter().rev() {
                    for (k, sc) in scenarios.iter().enumerate().rev() {
                        rest.push((k, sim(sc, seed)));
                    }
                }
                let total = rest.len() as u32;
                let Some((first_k, first)) = rest.pop() else {
                    scope.respond(id, Output::Failed("give at least one seed".into()));
                    return;
                };
                self.runs += 1;
                let end_s = first.end().as_secs_f64();
                self.job = Some(Job {
                    sim: first,
                    to: id,
                    run: self.runs,
                    slices: 0,
                    batch: Batch::Compare(Box::new(Comparison {
                        seeds,
                        rest,
                        current: first_k,
                        runs: vec![Vec::new(); scenarios.len()],
                        charts: vec![None; scenarios.len()],
                        total,
                    })),
                });
                scope.respond(id, Output::Started { end_s });
                next_slice(scope, self.runs);
            }
            Input::SweepCheck { sweep } => {
                let answer = match sweep_grid(&sweep) {
                    Ok((points, _, metrics)) => Output::SweepChecked { points, metrics },
                    Err(e) => Output::Failed(e),
                };
                scope.respond(id, answer);
            }
            Input::SweepRuns { sweep, mut runs } => {
                self.job = None;
                self.paused = false;
                let (_, scenarios, metrics) = match sweep_grid(&sweep) {
                    Ok(g) => g,
                    Err(e) => return scope.respond(id, Output::Failed(e)),
                };
                if runs.iter().any(|(p, _)| *p >= scenarios.len()) {
                    let e = "a run of a point the sweep does not have".to_string();
                    return scope.respond(id, Output::Failed(e));
                }
                runs.reverse();
                let mut batch = SweepBatch {
                    scenarios,
                    metrics,
                    rest: runs,
                    current: (0, 0),
                };
                let Some(sim) = batch.next() else { return };
                self.runs += 1;
                self.job = Some(Job {
                    sim,
                    to: id,
                    run: self.runs,
                    batch: Batch::Sweep(batch),
                    slices: 0,
                });
                next_slice(scope, self.runs);
            }
            Input::SweepFinish {
                sweep,
                seeds,
                confidence,
                slos,
                runs,
            } => {
                let answer = match sweep_finish(&sweep, seeds, confidence, &slos, &runs) {
                    Ok((sweep_json, plan_json)) => Output::SweepDone {
                        sweep_json,
                        plan_json,
                    },
                    Err(e) => Output::Failed(e),
                };
                scope.respond(id, answer);
            }
            Input::Check { text, file, target } => scope.respond(id, check(&text, &file, target)),
            Input::Crash => panic!("a crash the page asked for (?crash-test)"),
            Input::Form { text, edit } => {
                let result = match &edit {
                    FormEdit::Set {
                        target,
                        knob,
                        value,
                    } => form::set_at(&text, *target, *knob, value),
                    FormEdit::Settings { file, settings }
                    | FormEdit::Variant { file, settings } => settings_edit(&text, file, settings),
                    FormEdit::Paste { json } => {
                        form::paste_task_definition(&text, json).map(|p| Edit {
                            text: p.text,
                            notice: Some(p.notice),
                        })
                    }
                };
                scope.respond(
                    id,
                    Output::Edited {
                        before: text,
                        edit,
                        result: result.map_err(|e| e.to_string()),
                    },
                );
            }
            Input::Stop => {
                if let Some(job) = self.job.take() {
                    self.paused = false;
                    scope.respond(
                        id,
                        Output::Stopped {
                            sim_s: job.sim.now().as_secs_f64(),
                        },
                    );
                }
            }
        }
    }
}

/// The answer to `Check`: the scenario's description and lesson, or its error, and the form's
/// fields with the one the error is about.
fn check(text: &str, file: &str, target: Target) -> Output {
    let choices = form::choices(text);
    // A target past the end (the text lost a service) falls back to the first.
    let target = Target {
        group: if target.group < choices.groups.len() {
            target.group
        } else {
            0
        },
        service: if target.service < choices.services.len() {
            target.service
        } else {
            0
        },
    };
    let (fields, form_error) = match form::fields_at(text, target) {
        Ok(f) => (f, None),
        Err(e) => (Vec::new(), Some(e.to_string())),
    };
    match Scenario::parse(text, file) {
        Ok(sc) => Output::Checked(Checked {
            text: text.to_string(),
            seed: Some(sc.spec.seed),
            rules: sc
                .spec
                .objectives
                .iter()
                .map(|o| crate::view::rule(&o.metric, o.op, o.value))
                .collect(),
            lesson: LessonView::of(&sc),
            description: sc.spec.description,
            error: None,
            fields,
            form_error,
            error_knob: None,
            choices,
            target,
        }),
        Err(e) => {
            let at = e.field.clone().unwrap_or_default();
            let error_knob = fields
                .iter()
                .find(|f| f.owns_error(&at, &e.message))
                .map(|f| f.knob);
            Output::Checked(Checked {
                text: text.to_string(),
                error: Some(e.to_string()),
                fields,
                form_error,
                error_knob,
                choices,
                target,
                ..Checked::default()
            })
        }
    }
}

/// A run the browser takes on: within the budget the command line has by default, so a typo
/// in a rate is refused at once instead of keeping the worker busy for an hour.
fn within_budget(sc: &Scenario) -> Result<(), String> {
    ecsim_core::budget::check(sc, sc.spec.duration, ecsim_core::budget::DEFAULT_MAX_EVENTS)
        .map(|_| ())
        .map_err(|e| {
            format!(
                "{}: {e} (the command line's --max-events raises the budget)",
                sc.file
            )
        })
}

/// A finished run's answer: its runs.jsonl line.
fn ran(rec: &RunRecord) -> Output {
    Output::Ran(serde_json::to_string(rec).unwrap_or_default())
}

/// A sweep's points, each point's scenario, and its metrics.
type Grid = (Vec<Point>, Vec<Scenario>, Vec<String>);

/// The sweep's grid, every point checked (as `ecsim sweep` checks them before it runs); the
/// metrics are the ones named, or the default ones, then the SLOs' (`also`).
fn sweep_grid(s: &SweepSpec) -> Result<Grid, String> {
    let points = sweep::points(&s.varies).map_err(|e| e.to_string())?;
    let scenarios = sweep::point_scenarios(&s.text, &s.file, &points)?;
    for (p, sc) in points.iter().zip(&scenarios) {
        within_budget(sc).map_err(|e| format!("at the point {}: {e}", p.label()))?;
    }
    let first = scenarios.first().ok_or("the sweep has no point")?;
    let mut metrics = if s.metrics.is_empty() {
        sweep::default_metrics(first)
    } else {
        s.metrics.clone()
    };
    for m in &s.also {
        if !metrics.contains(m) {
            metrics.push(m.clone());
        }
    }
    sweep::check_metrics(first, &metrics).map_err(|e| format!("metrics: {e}"))?;
    Ok((points, scenarios, metrics))
}

/// A finished sweep's result and plan, as JSON (the page only shows them).
fn sweep_finish(
    s: &SweepSpec,
    seeds: u64,
    confidence: f64,
    slos: &[String],
    lines: &[String],
) -> Result<(String, Option<String>), String> {
    let points = sweep::points(&s.varies).map_err(|e| e.to_string())?;
    let runs = lines
        .iter()
        .map(|l| serde_json::from_str::<RunRecord>(l).map_err(|e| format!("a run's record: {e}")))
        .collect::<Result<Vec<_>, _>>()?;
    let result = sweep::aggregate(
        &s.file, &s.varies, &points, seeds, confidence, &s.metrics, &runs,
    );
    let slos = slos
        .iter()
        .map(|t| plan::Slo::parse(t))
        .collect::<Result<Vec<_>, _>>()?;
    let plan = if slos.is_empty() {
        None
    } else {
        let minimize = result
            .pareto
            .as_ref()
            .map(|(cost, _)| cost.clone())
            .or_else(|| {
                s.metrics
                    .iter()
                    .find(|m| m.starts_with("cost_usd"))
                    .cloned()
            })
            .ok_or("the SLOs need a cost metric to minimize: add one to the metrics")?;
        // As `ecsim plan --exhaustive` configures itself, so its plan.json is this one.
        let cfg = plan::PlanConfig {
            seeds,
            confidence,
            pilot: 3,
            minimize,
            bisect: plan::default_bisect(&points),
            exhaustive: true,
        };
        Some(plan::from_runs(&points, &cfg, &slos, &s.metrics, &runs)?)
    };
    Ok((pretty(&result), plan.as_ref().map(pretty)))
}

/// JSON as the command line writes its result files.
fn pretty<T: Serialize>(v: &T) -> String {
    serde_json::to_string_pretty(v).unwrap_or_default() + "\n"
}

/// A sweep point's settings written into the text, as `ecsim run --set` writes them.
fn settings_edit(
    text: &str,
    file: &str,
    settings: &[(String, String)],
) -> Result<Edit, form::FormError> {
    let overrides = settings
        .iter()
        .map(|(p, v)| setting::Override::parse(&format!("{p}={v}")))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| form::FormError::Unavailable(e.to_string()))?;
    let text = setting::apply(text, file, &overrides)
        .map_err(|e| form::FormError::Unavailable(e.to_string()))?;
    let shown: Vec<String> = settings.iter().map(|(p, v)| format!("{p} = {v}")).collect();
    Ok(Edit {
        text,
        notice: Some(format!("set {}", shown.join(", "))),
    })
}
