//! The simulation worker: runs a scenario in slices of about 40 ms of wall time inside a Web
//! Worker, so the page stays responsive; reports progress after each slice; pauses, resumes and
//! stops between slices; sends the finished run as a `RunView`.
//!
//! Between slices it yields to the worker's event loop with a zero timeout (a macrotask): a
//! message loop of microtasks would never let a Pause or Stop in (docs/toolchain.md W6).

use crate::view::{ChartData, CompareView, LessonView, RunView};
use ecsim_core::metrics::Summary;
use ecsim_core::sim::ClusterSnapshot;
use ecsim_core::{RunOptions, Scenario, Simulation};
use ecsim_front::form::{self, Edit, Field, Knob};
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
    /// Validate a scenario's text without running it.
    Check {
        text: String,
        file: String,
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
    /// What-if: run variants A and B on each of the seeds, and compare their summaries.
    Compare {
        a: String,
        b: String,
        file: String,
        seeds: Vec<u64>,
    },
}

/// The scenario text's state as the worker checked it (the page keeps the last one).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Checked {
    pub description: String,
    pub lesson: Option<LessonView>,
    pub error: Option<String>,
    /// The form's fields as the text has them (empty when the form cannot read the text, and
    /// `form_error` says why).
    pub fields: Vec<Field>,
    pub form_error: Option<String>,
    /// The field the error is about, when the form shows it.
    pub error_knob: Option<Knob>,
}

/// A change the form asks of the scenario text (`ecsim_front::form`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum FormEdit {
    Set { knob: Knob, value: String },
    Paste { json: String },
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
    compare: Option<Comparison>,
    slices: u32,
}

/// A live snapshot goes with every this many progress reports (about 5 a second).
const SNAPSHOT_EVERY: u32 = 5;
/// The series so far go with every this many (about once a second), at most this many points.
const CHARTS_EVERY: u32 = 25;
const LIVE_POINTS: usize = 400;

/// A what-if in progress: the runs still to do (variant B?, simulation), the summaries so far.
struct Comparison {
    seeds: Vec<u64>,
    rest: Vec<(bool, Simulation)>,
    current_is_b: bool,
    a: Vec<Summary>,
    b: Vec<Summary>,
    total: u32,
    /// The first seed's series of A and of B, for the overlaid charts.
    a_charts: Option<ChartData>,
    b_charts: Option<ChartData>,
}

pub struct SimWorker {
    job: Option<Job>,
    paused: bool,
    runs: u32,
}

/// Wall time per slice, ms: short enough for a Pause to be taken at once, long enough that the
/// yield between slices (≥ 4 ms once timeouts nest) costs little.
const SLICE_MS: f64 = 40.0;
/// Events between clock reads within a slice.
const CHUNK: u64 = 5_000;

fn next_slice(scope: &WorkerScope<SimWorker>, run: u32) {
    scope.send_future(async move {
        gloo_timers::future::TimeoutFuture::new(0).await;
        Step(run)
    });
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
                    scope.respond(job.to, Output::Failed(format!("the run failed: {e}")));
                    self.job = None;
                    return;
                }
            }
        };
        let (sim_s, end_s) = (job.sim.now().as_secs_f64(), job.sim.end().as_secs_f64());
        if more {
            let (done, runs) = job
                .compare
                .as_ref()
                .map_or((0, 1), |c| (c.a.len() + c.b.len(), c.total as usize));
            job.slices += 1;
            let single = job.compare.is_none();
            let snapshot =
                (single && job.slices % SNAPSHOT_EVERY == 1).then(|| Box::new(job.sim.snapshot()));
            let charts = (single && job.slices % CHARTS_EVERY == 1)
                .then(|| Box::new(ChartData::series(job.sim.timeseries()).thinned(LIVE_POINTS)));
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
            return;
        }
        let Some(Job {
            sim,
            to,
            run,
            compare,
            ..
        }) = self.job.take()
        else {
            return;
        };
        let Some(mut c) = compare else {
            let sc = sim.scenario().clone();
            let out = sim.finish();
            let view = RunView::new(&sc, &out, run);
            scope.respond(to, Output::Done(Box::new(view)));
            return;
        };
        // One run of the comparison is over: keep its summary, start the next one or compare.
        let out = sim.finish();
        let (list, charts) = if c.current_is_b {
            (&mut c.b, &mut c.b_charts)
        } else {
            (&mut c.a, &mut c.a_charts)
        };
        if charts.is_none() {
            *charts = Some(ChartData::new(&out.timeseries, &out.summary));
        }
        list.push(out.summary);
        match c.rest.pop() {
            Some((is_b, next)) => {
                c.current_is_b = is_b;
                self.job = Some(Job {
                    sim: next,
                    to,
                    run,
                    compare: Some(c),
                    slices: 0,
                });
                next_slice(scope, run);
            }
            None => {
                let mut view = CompareView::new(std::mem::take(&mut c.seeds), &c.a, &c.b);
                view.charts = c.a_charts.take().zip(c.b_charts.take());
                scope.respond(to, Output::Compared(Box::new(view)));
            }
        }
    }

    fn received(&mut self, scope: &WorkerScope<Self>, msg: Input, id: HandlerId) {
        REPLY.with(|r| *r.borrow_mut() = Some((scope.clone(), id)));
        match msg {
            Input::Run { text, file, seed } => {
                self.job = None;
                self.paused = false;
                let sc = match Scenario::parse(&text, &file) {
                    Ok(sc) => sc,
                    Err(e) => {
                        scope.respond(id, Output::Failed(e.to_string()));
                        return;
                    }
                };
                self.runs += 1;
                let sim = Simulation::new(
                    &sc,
                    &RunOptions {
                        seed,
                        snapshots: true,
                        ..Default::default()
                    },
                );
                let end_s = sim.end().as_secs_f64();
                self.job = Some(Job {
                    sim,
                    to: id,
                    run: self.runs,
                    compare: None,
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
            Input::Compare { a, b, file, seeds } => {
                self.job = None;
                self.paused = false;
                let parse = |text: &str, which: &str| {
                    Scenario::parse(text, &file).map_err(|e| format!("variant {which}: {e}"))
                };
                let (sa, sb) = match (parse(&a, "A"), parse(&b, "B")) {
                    (Ok(sa), Ok(sb)) => (sa, sb),
                    (Err(e), _) | (_, Err(e)) => {
                        scope.respond(id, Output::Failed(e));
                        return;
                    }
                };
                let sim = |sc: &Scenario, seed: u64| {
                    Simulation::new(
                        sc,
                        &RunOptions {
                            seed: Some(seed),
                            ..Default::default()
                        },
                    )
                };
                // Popped from the end: A then B for each seed, in order.
                let mut rest: Vec<(bool, Simulation)> = Vec::new();
                for &seed in seeds.iter().rev() {
                    rest.push((true, sim(&sb, seed)));
                    rest.push((false, sim(&sa, seed)));
                }
                let total = rest.len() as u32;
                let Some((first_is_b, first)) = rest.pop() else {
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
                    compare: Some(Comparison {
                        seeds,
                        rest,
                        current_is_b: first_is_b,
                        a: Vec::new(),
                        b: Vec::new(),
                        a_charts: None,
                        b_charts: None,
                        total,
                    }),
                });
                scope.respond(id, Output::Started { end_s });
                next_slice(scope, self.runs);
            }
            Input::Check { text, file } => scope.respond(id, check(&text, &file)),
            Input::Crash => panic!("a crash the page asked for (?crash-test)"),
            Input::Form { text, edit } => {
                let result = match &edit {
                    FormEdit::Set { knob, value } => form::set(&text, *knob, value),
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
fn check(text: &str, file: &str) -> Output {
    let (fields, form_error) = match form::fields(text) {
        Ok(f) => (f, None),
        Err(e) => (Vec::new(), Some(e.to_string())),
    };
    match Scenario::parse(text, file) {
        Ok(sc) => Output::Checked(Checked {
            lesson: LessonView::of(&sc),
            description: sc.spec.description,
            error: None,
            fields,
            form_error,
            error_knob: None,
        }),
        Err(e) => {
            let at = e.field.clone().unwrap_or_default();
            let error_knob = fields
                .iter()
                .find(|f| f.owns_error(&at, &e.message))
                .map(|f| f.knob);
            Output::Checked(Checked {
                description: String::new(),
                lesson: None,
                error: Some(e.to_string()),
                fields,
                form_error,
                error_knob,
            })
        }
    }
}
