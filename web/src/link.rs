//! The page's link to the simulation worker, given to every component as a context: `send`
//! spawns the worker at the first message (and a new one after a crash), and each answer is done
//! to the browser (charts drawn, downloads made, a passed lesson remembered) and then
//! dispatched to the page's reducer as an `Action` (`page.rs`).

use crate::outputs::{BlobUrl, Canvases, Exports};
use crate::page::{Action, PageState, Shared};
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
    /// The scenario text and file name of the run in progress (for its share link).
    last_run: Rc<RefCell<(String, String)>>,
    pub canvases: Canvases,
    pub dispatch: UseReducerDispatcher<PageState>,
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
            last_run: Rc::default(),
            canvases,
            dispatch,
        }
    }

    pub fn send(&self, input: Input) {
        if let Input::Run { text, file, .. } = &input {
            *self.last_run.borrow_mut() = (text.clone(), file.clone());
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
            Output::Failed(e) => Action::Failed(e),
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
                    let (text, file) = self.last_run.borrow().clone();
                    if !view.objectives.is_empty() && view.objectives.iter().all(|o| o.held) {
                        remember_passed(&file);
                    }
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
