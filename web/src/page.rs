//! The page's state and the one place it changes: `PageState` is a reducer (`use_reducer`), and
//! everything that happens on the page is an `Action` — a pick in the picker, a keystroke in the
//! editor, a library change, and each answer of the simulation worker. The reducer is pure (no
//! DOM, no storage, no worker): what must touch the browser (canvases, blob URLs, local storage)
//! is done by whoever dispatches, before the action (`link.rs`, the components).

use crate::builtin::BUILTIN;
use crate::cluster_view::ClusterFeed;
use crate::form_panel::FormNotice;
use crate::outputs::{BlobUrl, Exports};
use crate::saved::{self, Saved};
use ecsim_web::view::{CompareView, RunView};
use ecsim_web::worker::{Checked, FormEdit};
use std::rc::Rc;
use yew::Reducible;

/// A value shared between states by pointer: comparing two is comparing addresses, so a render
/// never compares a run's whole view, chart data or PNGs.
#[derive(Debug, Default)]
pub struct Shared<T>(Rc<T>);

impl<T> Shared<T> {
    pub fn new(v: T) -> Self {
        Shared(Rc::new(v))
    }
}

impl<T> Clone for Shared<T> {
    fn clone(&self) -> Self {
        Shared(self.0.clone())
    }
}

impl<T> PartialEq for Shared<T> {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

impl<T> std::ops::Deref for Shared<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

/// Where the page's run stands.
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
    Done(Shared<RunView>, Exports),
}

/// Where the Plan panel's sweep stands (`plan_pool`).
#[derive(Clone, PartialEq, Default)]
pub enum PlanStatus {
    #[default]
    Idle,
    /// The first worker checks the sweep while the others start.
    Checking {
        workers: usize,
    },
    Running {
        done: usize,
        total: usize,
        workers: usize,
    },
    Stopped {
        done: usize,
        total: usize,
    },
    Failed(String),
    Done(Shared<PlanView>),
}

/// A finished plan: the sweep's result (as `ecsim sweep` writes it), the plan over it when it
/// has SLOs (as `ecsim plan --exhaustive`), and their downloads.
#[derive(Debug)]
pub struct PlanView {
    pub sweep: ecsim_front::sweep::SweepResult,
    pub plan: Option<ecsim_front::plan::PlanResult>,
    pub slos: Vec<ecsim_front::plan::Slo>,
    /// sweep.json, byte for byte as the command line writes it, and plan.json likewise.
    pub download: Option<Rc<BlobUrl>>,
    pub plan_download: Option<Rc<BlobUrl>>,
    /// The command lines that run the same.
    pub command: String,
    pub workers: usize,
    pub failed_runs: u32,
}

/// Everything the page shows that can change.
#[derive(Clone, PartialEq)]
pub struct PageState {
    /// The picker's entry: a built-in scenario, then the saved ones.
    pub choice: usize,
    /// The editor's text, and the file name errors and the format go by.
    pub text: String,
    pub file: String,
    /// The seed box as typed (empty: the scenario's own seed).
    pub seed: String,
    pub library: Shared<Vec<Saved>>,
    pub library_notice: Option<String>,
    pub checked: Shared<Checked>,
    pub form_notice: Option<FormNotice>,
    pub outcome: Outcome,
    pub cluster: ClusterFeed,
    pub pngs: Shared<Vec<(String, String)>>,
    /// What-if: variant B's text once made, its result, and which of its runs goes on.
    pub variant_b: Option<String>,
    pub compared: Option<Shared<CompareView>>,
    pub compare_run: (u32, u32),
    pub plan: PlanStatus,
}

impl Default for PageState {
    fn default() -> Self {
        PageState {
            choice: 0,
            text: BUILTIN[0].1.to_string(),
            file: BUILTIN[0].0.to_string(),
            seed: String::new(),
            library: Shared::new(saved::load()),
            library_notice: None,
            checked: Shared::default(),
            form_notice: None,
            outcome: Outcome::None,
            cluster: ClusterFeed::None,
            pngs: Shared::default(),
            variant_b: None,
            compared: None,
            compare_run: (0, 0),
            plan: PlanStatus::Idle,
        }
    }
}

/// What happens on the page.
pub enum Action {
    /// The picker's entry `i`, with its file and text.
    Pick {
        i: usize,
        file: String,
        text: String,
    },
    Edit(String),
    Seed(String),
    /// A share link opened: its scenario and seed.
    Shared {
        text: String,
        file: String,
        seed: Option<u64>,
    },
    /// The library was stored: show `list`, pick its entry `pick` (or the default's name), say
    /// `notice`; `text` replaces the editor's (an import).
    Library {
        list: Vec<Saved>,
        pick: Option<usize>,
        notice: String,
        text: Option<String>,
    },
    LibraryNotice(String),
    /// A bad value in the controls (a seed, a seed count).
    Refused(String),
    MakeVariantB,
    EditVariantB(String),
    CompareAsked,
    // The worker's answers.
    Checked(Checked),
    /// A form edit applied to `before`: the new text and a notice, or why it was refused.
    Edited {
        before: String,
        edit: FormEdit,
        result: Result<(String, Option<String>), String>,
    },
    Started {
        end_s: f64,
    },
    Progress {
        sim_s: f64,
        end_s: f64,
        run: u32,
        runs: u32,
        snapshot: Option<Rc<ecsim_core::sim::ClusterSnapshot>>,
    },
    Paused {
        sim_s: f64,
        snapshot: Option<Rc<ecsim_core::sim::ClusterSnapshot>>,
    },
    Resumed,
    Stopped {
        sim_s: f64,
    },
    Failed(String),
    /// A finished run, its charts drawn and its downloads made.
    Done {
        view: Shared<RunView>,
        exports: Exports,
        snapshots: Rc<Vec<ecsim_core::sim::ClusterSnapshot>>,
    },
    Pngs(Vec<(String, String)>),
    Compared(Shared<CompareView>),
    /// The Plan panel's pool says where its sweep stands.
    Plan(PlanStatus),
}

impl Reducible for PageState {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut s = (*self).clone();
        match action {
            Action::Pick { i, file, text } => {
                s.choice = i;
                s.text = text;
                s.file = file;
                s.outcome = Outcome::None;
                s.cluster = ClusterFeed::None;
                s.form_notice = None;
            }
            Action::Edit(text) => s.text = text,
            Action::Seed(seed) => s.seed = seed,
            Action::Shared { text, file, seed } => {
                s.text = text;
                s.file = file;
                s.seed = seed.map(|v| v.to_string()).unwrap_or_default();
            }
            Action::Library {
                list,
                pick,
                notice,
                text,
            } => {
                if let Some(t) = text {
                    s.text = t;
                }
                match pick.and_then(|k| list.get(k).map(|e| (k, e.file()))) {
                    Some((k, file)) => {
                        s.file = file;
                        s.choice = BUILTIN.len() + k;
                    }
                    None => {
                        s.file = BUILTIN[0].0.to_string();
                        s.choice = 0;
                    }
                }
                s.library = Shared::new(list);
                s.library_notice = Some(notice);
            }
            Action::LibraryNotice(n) => s.library_notice = Some(n),
            Action::Refused(e) | Action::Failed(e) => s.outcome = Outcome::Error(e),
            Action::MakeVariantB => s.variant_b = Some(s.text.clone()),
            Action::EditVariantB(b) => s.variant_b = Some(b),
            Action::CompareAsked => s.compared = None,
            Action::Checked(c) => s.checked = Shared::new(c),
            Action::Edited {
                before,
                edit,
                result,
            } => {
                let paste = matches!(edit, FormEdit::Paste { .. });
                if s.text != before {
                    let message =
                        "the text changed while the form was writing it: set the field again";
                    s.form_notice = Some(FormNotice::Refused {
                        paste,
                        message: message.into(),
                    });
                } else {
                    match result {
                        Ok((text, notice)) => {
                            s.text = text;
                            s.form_notice = notice.map(FormNotice::Done);
                        }
                        Err(message) => {
                            s.form_notice = Some(FormNotice::Refused { paste, message })
                        }
                    }
                }
            }
            Action::Started { end_s } => {
                s.outcome = Outcome::Running {
                    sim_s: 0.0,
                    end_s,
                    paused: false,
                }
            }
            Action::Progress {
                sim_s,
                end_s,
                run,
                runs,
                snapshot,
            } => {
                if let Some(snap) = snapshot {
                    s.cluster = ClusterFeed::Live(snap);
                }
                // A what-if runs several simulations: the bar says which.
                if runs > 1 {
                    s.compare_run = (run, runs);
                }
                s.outcome = Outcome::Running {
                    sim_s,
                    end_s,
                    paused: false,
                };
            }
            Action::Paused { sim_s, snapshot } => {
                if let Some(snap) = snapshot {
                    s.cluster = ClusterFeed::Live(snap);
                }
                let end_s = match s.outcome {
                    Outcome::Running { end_s, .. } => end_s,
                    _ => sim_s,
                };
                s.outcome = Outcome::Running {
                    sim_s,
                    end_s,
                    paused: true,
                };
            }
            Action::Resumed => {
                if let Outcome::Running { sim_s, end_s, .. } = s.outcome {
                    s.outcome = Outcome::Running {
                        sim_s,
                        end_s,
                        paused: false,
                    };
                }
            }
            Action::Stopped { sim_s } => s.outcome = Outcome::Stopped { sim_s },
            Action::Done {
                view,
                exports,
                snapshots,
            } => {
                s.cluster = ClusterFeed::Run(snapshots);
                s.outcome = Outcome::Done(view, exports);
                s.pngs = Shared::default();
            }
            Action::Pngs(p) => s.pngs = Shared::new(p),
            Action::Plan(p) => s.plan = p,
            Action::Compared(view) => {
                s.compared = Some(view);
                s.compare_run = (0, 0);
                s.outcome = Outcome::None;
            }
        }
        Rc::new(s)
    }
}

impl PageState {
    pub fn running(&self) -> bool {
        matches!(self.outcome, Outcome::Running { .. })
    }

    /// The picked saved scenario's place in the library, if a saved one is picked.
    pub fn picked_saved(&self) -> Option<usize> {
        self.choice
            .checked_sub(BUILTIN.len())
            .filter(|&k| k < self.library.len())
    }
}
