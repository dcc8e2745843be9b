//! The page's link to the simulation worker, given to every component as a context: `send`
//! spawns the worker at the first message (and a new one after a crash), and each answer is done
//! to the browser (charts drawn, downloads made, a passed lesson remembered) and then
//! dispatched to the page's reducer as an `Action` (`page.rs`).

use crate::outputs::{BlobUrl, Canvases, Exports};
use crate::page::{Action, PageState, RunKey, Shared};
use crate::saved::remember_passed;
use ecsim_web::worker::{Input, Output, SimWorker};
use gloo_worker::{Spawnable, WorkerBridge};
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use yew::prelude::*;

/// The worker, the canvases its answers draw on, and the page's dispatcher.
#[derive(Clone)]
pub struct Link {
    bridge: Rc<RefCell<Option<WorkerBridge<SimWorker>>>>,
    /// Set when the worker reports a panic: the next message goes to a new worker.
    crashed: Rc<Cell<bool>>,
    /// Set when the page loads another scenario: the run in progress, if any, is no longer
    /// shown, and its late answers are dropped until the next Run.
    abandoned: Rc<Cell<bool>>,
    /// The scenario text and file name of the run in progress (for its share link), and the
    /// lesson it can pass (`PageState::lesson_goal`).
    last_run: Rc<RefCell<LastRun>>,
    pub canvases: Canvases,
    pub dispatch: UseReducerDispatcher<PageState>,
}

#[derive(Default)]
struct LastRun {
    text: String,
    file: String,
    goal: Option<(String, Option<Shared<Vec<String>>>)>,
}

impl PartialEq for Link {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.bridge, &other.bridge)
    }
}

impl Link {
    pub fn new(canvases: Canvases, dispatch: UseReducerDispatcher<PageState>) -> Link {
        Link {
            bridge: Rc::default(),
            crashed: Rc::default(),
            abandoned: Rc::default(),
            last_run: Rc::default(),
            canvases,
            dispatch,
        }
    }

    /// The page no longer shows the run in progress (another scenario was loaded).
    pub fn abandon(&self) {
        self.abandoned.set(true);
    }

    /// Runs what the page shows: its text, under its file name, with its seed; a passed
    /// lesson is ticked only for the lesson's own objectives.
    pub fn run(&self, s: &PageState) {
        let seed = match s.run_seed() {
            Ok(seed) => seed,
            Err(e) => {
                self.canvases.clear();
                return self.dispatch.dispatch(Action::Refused(e));
            }
        };
        self.send(Input::Run {
            text: s.text.clone(),
            file: s.file.clone(),
            seed,
        });
        self.last_run.borrow_mut().goal = s.lesson_goal();
    }

    pub fn send(&self, input: Input) {
        if matches!(input, Input::Run { .. } | Input::Compare { .. }) {
            self.abandoned.set(false);
        }
        if let Input::Run { text, file, seed } = &input {
            *self.last_run.borrow_mut() = LastRun {
                text: text.clone(),
                file: file.clone(),
                goal: None,
            };
            self.dispatch.dispatch(Action::RunSent(RunKey {
                text: text.clone(),
                seed: *seed,
            }));
        }
        let mut b = self.bridge.borrow_mut();
        if self.crashed.replace(false) {
            *b = None;
        }
        let b = b.get_or_insert_with(|| {
            let link = self.clone();
            SimWorker::spawner()
                .callback(move |out| link.on_output(out))
                .spawn("worker.js")
        });
        b.send(input);
    }

    /// A callback that sends `input` whatever the event.
    pub fn sender<E>(&self, input: Input) -> Callback<E> {
        let link = self.clone();
        Callback::from(move |_: E| link.send(input.clone()))
    }

    /// What the worker said: its effect on the browser, then on the page's state.
    fn on_output(&self, out: Output) {
        let of_a_run = matches!(
            out,
            Output::Started { .. }
                | Output::Progress { .. }
                | Output::Paused { .. }
                | Output::Resumed
                | Output::Stopped { .. }
                | Output::Failed(_)
                | Output::Done(_)
                | Output::Compared(_)
        );
        if of_a_run && self.abandoned.get() {
            return;
        }
        let action = match out {
            Output::Checked(c) => Action::Checked(c),
            Output::Edited {
                before,
                edit,
                result,
            } => Action::Edited {
                before,
                edit,
                result: result.map(|e| (e.text, e.notice)),
            },
            Output::Started { end_s } => {
                self.canvases.clear();
                Action::Started { end_s }
            }
            Output::Progress {
                sim_s,
                end_s,
                run,
                runs,
                snapshot,
                charts,
                ..
            } => {
                // Partial results: the charts so far. A chart that cannot be drawn now will be
                // at the end, where its error is reported.
                if let Some(c) = charts {
                    let _ = self.canvases.draw_live(&c);
                }
                Action::Progress {
                    sim_s,
                    end_s,
                    run,
                    runs,
                    snapshot: snapshot.map(|s| Rc::new(*s)),
                }
            }
            Output::Paused { sim_s, snapshot } => Action::Paused {
                sim_s,
                snapshot: snapshot.map(|s| Rc::new(*s)),
            },
            Output::Resumed => Action::Resumed,
            Output::Stopped { sim_s } => Action::Stopped { sim_s },
            Output::Failed(e) => {
                // The charts drawn so far are not of a run that ended well.
                self.canvases.clear();
                Action::Failed(e)
            }
            Output::Crashed(e) => {
                self.crashed.set(true);
                Action::Failed(e)
            }
            Output::Compared(view) => Action::Compared(Shared::new(*view)),
            // The Plan panel's own workers answer these (`plan_pool`); this one is never asked.
            Output::SweepChecked { .. } | Output::Ran(_) | Output::SweepDone { .. } => return,
            Output::Done(mut view) => match self.canvases.draw(&view) {
                Err(e) => Action::Failed(format!("could not draw a chart: {e}")),
                Ok(()) => {
                    let last = self.last_run.borrow();
                    let (text, file) = (last.text.clone(), last.file.clone());
                    // The lesson's own objectives, all among the run's, and every one held.
                    if let Some((lesson, rules)) = &last.goal {
                        let all_held =
                            !view.objectives.is_empty() && view.objectives.iter().all(|o| o.held);
                        let has = |r: &String| view.objectives.iter().any(|o| o.rule == *r);
                        if all_held && rules.as_ref().is_none_or(|r| r.iter().all(has)) {
                            remember_passed(lesson);
                        }
                    }
                    drop(last);
                    let exports = Exports {
                        share: format!(
                            "#{}",
                            ecsim_front::share::encode(&text, &file, Some(view.seed))
                        ),
                        summary: BlobUrl::new(&view.summary_json, "application/json").map(Rc::new),
                        timeseries: BlobUrl::new(&view.timeseries_csv, "text/csv").map(Rc::new),
                    };
                    let snapshots = Rc::new(std::mem::take(&mut view.snapshots));
                    // PNG encoding takes a while: after the result is on the screen.
                    let (dispatch, canvases) = (self.dispatch.clone(), self.canvases.clone());
                    gloo_timers::callback::Timeout::new(0, move || {
                        dispatch.dispatch(Action::Pngs(canvases.pngs()))
                    })
                    .forget();
                    Action::Done {
                        view: Shared::new(*view),
                        exports,
                        snapshots,
                    }
                }
            },
        };
        self.dispatch.dispatch(action);
    }
}

/// The page's state and its link to the worker, as the components receive them.
#[derive(Clone, PartialEq)]
pub struct Ctx {
    pub state: PageState,
    pub link: Link,
}

/// The context every component of the page reads.
#[hook]
pub fn use_ctx() -> Ctx {
    use_context::<Ctx>().expect("the page provides its context")
}
