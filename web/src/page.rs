//! The page's state that the worker's answers change (`Page`), and `on_output`, which applies
//! each answer: checks and form edits, progress with the live cluster view and charts, pauses,
//! the finished run (charts, exports, a passed lesson remembered), a what-if's result, a crash.

use crate::cluster_view::ClusterFeed;
use crate::form_panel::FormNotice;
use crate::outputs::{blob_url, Canvases, Exports};
use crate::saved::remember_passed;
use crate::what_if::Comparing;
use ecsim_web::view::RunView;
use ecsim_web::worker::{Checked, FormEdit, Output};
use yew::prelude::*;

#[derive(Clone, PartialEq)]
pub enum Outcome {
    None,
    Error(String),
    Running {
        sim_s: f64,
        end_s: f64,
        paused: bool,
    },
    Stopped {
        sim_s: f64,
    },
    Done(Box<RunView>, Exports),
}

/// What the worker's answers change on the page.
#[derive(Clone)]
pub struct Page {
    pub outcome: UseStateHandle<Outcome>,
    pub checked: UseStateHandle<Checked>,
    pub canvases: Canvases,
    pub last: LastRun,
    pub pngs: UseStateHandle<Vec<(String, String)>>,
    pub crashed: std::rc::Rc<std::cell::Cell<bool>>,
    pub comparing: Comparing,
    pub text: UseStateHandle<String>,
    /// The editor's text as last rendered (a state handle's value is the one of its render).
    pub current_text: std::rc::Rc<std::cell::RefCell<String>>,
    pub form_notice: UseStateHandle<Option<FormNotice>>,
    pub cluster: UseStateHandle<ClusterFeed>,
}

/// The scenario text and file name of the run in progress (for its share link).
pub type LastRun = std::rc::Rc<std::cell::RefCell<(String, String)>>;

/// What the worker said, applied to the page.
pub fn on_output(out: Output, page: &Page) {
    let Page {
        outcome,
        checked,
        canvases,
        last,
        pngs,
        crashed,
        comparing: compare,
        text,
        current_text,
        form_notice,
        cluster,
    } = page;
    match out {
        Output::Checked(c) => checked.set(c),
        Output::Edited {
            before,
            edit,
            result,
        } => {
            let paste = matches!(edit, FormEdit::Paste { .. });
            if *current_text.borrow() != before {
                return form_notice.set(Some(FormNotice::Refused {
                    paste,
                    message: "the text changed while the form was writing it: set the field again"
                        .into(),
                }));
            }
            match result {
                Ok(e) => {
                    *current_text.borrow_mut() = e.text.clone();
                    text.set(e.text);
                    form_notice.set(e.notice.map(FormNotice::Done));
                }
                Err(message) => form_notice.set(Some(FormNotice::Refused { paste, message })),
            }
        }
        Output::Started { end_s } => {
            canvases.clear();
            outcome.set(Outcome::Running {
                sim_s: 0.0,
                end_s,
                paused: false,
            })
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
            if let Some(s) = snapshot {
                cluster.set(ClusterFeed::Live(std::rc::Rc::new(*s)));
            }
            // Partial results: the charts so far. A chart that cannot be drawn now will be
            // at the end, where its error is reported.
            if let Some(c) = charts {
                let _ = canvases.draw_live(&c);
            }
            // A what-if runs several simulations: the bar says which.
            if runs > 1 && *compare.1 != (run, runs) {
                compare.1.set((run, runs));
            }
            outcome.set(Outcome::Running {
                sim_s,
                end_s,
                paused: false,
            })
        }
        Output::Compared(view) => {
            compare.0.set(Some(*view));
            compare.1.set((0, 0));
            outcome.set(Outcome::None);
        }
        Output::Paused { sim_s, snapshot } => {
            if let Some(s) = snapshot {
                cluster.set(ClusterFeed::Live(std::rc::Rc::new(*s)));
            }
            let end_s = match &**outcome {
                Outcome::Running { end_s, .. } => *end_s,
                _ => sim_s,
            };
            outcome.set(Outcome::Running {
                sim_s,
                end_s,
                paused: true,
            })
        }
        Output::Resumed => {
            if let Outcome::Running { sim_s, end_s, .. } = **outcome {
                outcome.set(Outcome::Running {
                    sim_s,
                    end_s,
                    paused: false,
                })
            }
        }
        Output::Stopped { sim_s } => outcome.set(Outcome::Stopped { sim_s }),
        Output::Failed(e) => outcome.set(Outcome::Error(e)),
        Output::Crashed(e) => {
            crashed.set(true);
            outcome.set(Outcome::Error(e))
        }
        Output::Done(mut view) => match canvases.draw(&view) {
            Ok(()) => {
                let (text, file) = last.borrow().clone();
                if !view.objectives.is_empty() && view.objectives.iter().all(|o| o.held) {
                    remember_passed(&file);
                }
                let exports = Exports {
                    share: format!(
                        "#{}",
                        ecsim_front::share::encode(&text, &file, Some(view.seed))
                    ),
                    summary: blob_url(&view.summary_json, "application/json"),
                    timeseries: blob_url(&view.timeseries_csv, "text/csv"),
                };
                cluster.set(ClusterFeed::Run(std::rc::Rc::new(std::mem::take(
                    &mut view.snapshots,
                ))));
                outcome.set(Outcome::Done(view, exports));
                // PNG encoding takes a while: after the result is on the screen.
                pngs.set(Vec::new());
                let (pngs, canvases) = (pngs.clone(), canvases.clone());
                gloo_timers::callback::Timeout::new(0, move || pngs.set(canvases.pngs())).forget();
            }
            Err(e) => outcome.set(Outcome::Error(format!("could not draw a chart: {e}"))),
        },
    }
}
