//! The page's state and the one place it changes: `PageState` is a reducer (`use_reducer`), and
//! everything that happens on the page is an `Action` — a card picked in the gallery, a keystroke in the
//! editor, a library change, and each answer of the simulation worker. The reducer is pure (no
//! DOM, no storage, no worker): what must touch the browser (canvases, blob URLs, local storage)
//! is done by whoever dispatches, before the action (`link.rs`, the components).

use crate::builtin::BUILTIN;
use crate::cluster_view::ClusterFeed;
use crate::form_panel::FormNotice;
use crate::outputs::{BlobUrl, Exports};
use crate::saved::{self, Saved};
use ecsim_front::form::Target;
use ecsim_web::view::{CompareView, RunView, VARIANTS};
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

/// Where the scenario in the editor came from.
#[derive(Clone, Debug, PartialEq)]
pub enum Origin {
    /// A built-in scenario, by place in `BUILTIN`.
    Builtin(usize),
    /// One of the user's saved scenarios, by place in the library.
    Saved(usize),
    /// Opened from a share link, with the file name the link carries.
    Shared { file: String },
    /// Text that is none of those any more (its saved scenario was deleted).
    Unsaved,
}

/// What the scenario bar says the scenario is, from its origin and whether its text changed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Source {
    BuiltIn,
    EditedCopy,
    Mine,
    MineChanged,
    SharedLink,
    Unsaved,
}

impl Source {
    /// The word the page shows, and the `data-source` the tests read.
    pub fn label(self) -> &'static str {
        match self {
            Source::BuiltIn => "built-in",
            Source::EditedCopy => "edited copy",
            Source::Mine => "mine (saved in this browser)",
            Source::MineChanged => "mine, with unsaved changes",
            Source::SharedLink => "shared link",
            Source::Unsaved => "not saved",
        }
    }

    pub fn key(self) -> &'static str {
        match self {
            Source::BuiltIn => "builtin",
            Source::EditedCopy => "edited",
            Source::Mine => "mine",
            Source::MineChanged => "mine-changed",
            Source::SharedLink => "shared",
            Source::Unsaved => "unsaved",
        }
    }
}

/// What a Run ran: its text and the seed asked for (None: the scenario's own). Results are out
/// of date when the page's text or seed box no longer says the same.
#[derive(Clone, Debug, PartialEq)]
pub struct RunKey {
    pub text: String,
    pub seed: Option<u64>,
}

/// Everything the page shows that can change.
#[derive(Clone, PartialEq)]
pub struct PageState {
    /// Where the editor's scenario came from, and its text then (an edit is a difference from
    /// it); the objectives it had then, once checked (what passing its lesson takes).
    pub origin: Origin,
    pub origin_text: Shared<String>,
    pub origin_rules: Option<Shared<Vec<String>>>,
    /// The editor's text, and the file name errors and the format go by (derived from the
    /// origin: `run_file`).
    pub text: String,
    pub file: String,
    /// Whether the gallery of lessons and templates is open.
    pub gallery: bool,
    /// The instance group and service the form edits.
    pub target: Target,
    /// What the results on the page ran (set when a Run is sent).
    pub ran: Option<RunKey>,
    /// The seed box as typed (empty: the scenario's own seed).
    pub seed: String,
    pub library: Shared<Vec<Saved>>,
    pub library_notice: Option<String>,
    pub checked: Shared<Checked>,
    pub form_notice: Option<FormNotice>,
    pub outcome: Outcome,
    pub cluster: ClusterFeed,
    pub pngs: Shared<Vec<(String, String)>>,
    /// What-if: the texts of variants B and C once made (A is `text`), the comparison, and
    /// which of its runs goes on.
    pub variants: Vec<String>,
    /// What making a variant from settings did, or why it could not.
    pub variant_notice: Option<String>,
    pub compared: Option<Shared<CompareView>>,
    /// The texts the comparison is of (A's, then the variants'): when they are no longer the
    /// ones on the page, the comparison is marked out of date.
    pub compared_texts: Vec<String>,
    pub compare_run: (u32, u32),
    pub plan: PlanStatus,
}

impl Default for PageState {
    fn default() -> Self {
        PageState {
            origin: Origin::Builtin(0),
            origin_text: Shared::new(BUILTIN[0].text.to_string()),
            origin_rules: None,
            text: BUILTIN[0].text.to_string(),
            file: BUILTIN[0].file.to_string(),
            gallery: true,
            target: Target::default(),
            ran: None,
            seed: String::new(),
            library: Shared::new(saved::load()),
            library_notice: None,
            checked: Shared::default(),
            form_notice: None,
            outcome: Outcome::None,
            cluster: ClusterFeed::None,
            pngs: Shared::default(),
            variants: Vec::new(),
            variant_notice: None,
            compared: None,
            compared_texts: Vec::new(),
            compare_run: (0, 0),
            plan: PlanStatus::Idle,
        }
    }
}

/// What happens on the page.
pub enum Action {
    /// A scenario picked in the gallery (or a lesson's solution loaded), with its text.
    Pick {
        origin: Origin,
        text: String,
    },
    /// The gallery opened or closed.
    Gallery(bool),
    /// The form is to edit another instance group or service.
    Target(Target),
    /// A Run was sent: what the results will be of.
    RunSent(RunKey),
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
    /// The next variant (B, then C), as a copy of the text to edit.
    MakeVariant,
    /// Why a variant could not be made.
    VariantNotice(String),
    EditVariant(usize, String),
    /// Variant k (0 is B) is dropped from the what-if.
    RemoveVariant(usize),
    /// A what-if was sent: the texts compared, A's first.
    CompareAsked(Vec<String>),
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
            Action::Pick { origin, text } => {
                s.load(origin, text);
                s.outcome = Outcome::None;
                s.cluster = ClusterFeed::None;
                s.form_notice = None;
                s.gallery = false;
                s.ran = None;
            }
            Action::Gallery(open) => s.gallery = open,
            Action::Target(t) => s.target = t,
            Action::RunSent(key) => s.ran = Some(key),
            Action::Edit(text) => s.text = text,
            Action::Seed(seed) => s.seed = seed,
            Action::Shared { text, file, seed } => {
                s.load(Origin::Shared { file }, text);
                s.seed = seed.map(|v| v.to_string()).unwrap_or_default();
                s.gallery = false;
            }
            Action::Library {
                list,
                pick,
                notice,
                text,
            } => {
                let text = text.unwrap_or_else(|| s.text.clone());
                match pick.filter(|&k| k < list.len()) {
                    // Saved, renamed or imported: the editor's text stays as it is, and an
                    // edit is a difference from what is stored (a rename stores no edit).
                    Some(k) => {
                        s.origin = Origin::Saved(k);
                        s.origin_text = Shared::new(list[k].text.clone());
                        s.origin_rules = None;
                        s.text = text;
                    }
                    // Deleted: the text stays, saved nowhere.
                    None => {
                        s.origin = Origin::Unsaved;
                        s.origin_rules = None;
                    }
                }
                s.library = Shared::new(list);
                s.library_notice = Some(notice);
            }
            Action::LibraryNotice(n) => s.library_notice = Some(n),
            Action::Refused(e) | Action::Failed(e) => {
                // Nothing of an earlier run stays on the page beside an error.
                s.outcome = Outcome::Error(e);
                s.cluster = ClusterFeed::None;
            }
            Action::VariantNotice(n) => s.variant_notice = Some(n),
            Action::MakeVariant => {
                if s.variants.len() < VARIANTS.len() - 1 {
                    s.variants.push(s.text.clone());
                }
            }
            Action::EditVariant(k, text) => {
                if let Some(v) = s.variants.get_mut(k) {
                    *v = text;
                }
            }
            Action::RemoveVariant(k) => {
                if k < s.variants.len() {
                    s.variants.remove(k);
                    s.variant_notice = None;
                }
            }
            Action::CompareAsked(texts) => {
                s.compared = None;
                s.compared_texts = texts;
            }
            Action::Checked(mut c) => {
                if c.text == *s.origin_text {
                    s.origin_rules = Some(Shared::new(c.rules.clone()));
                }
                // The lesson box stays while an edit makes the text invalid: that is when the
                // learner needs it.
                if c.error.is_some() && c.lesson.is_none() {
                    c.lesson = s.checked.lesson.clone();
                    c.description = s.checked.description.clone();
                }
                s.checked = Shared::new(c);
            }
            Action::Edited {
                before,
                edit: FormEdit::Variant { .. },
                result,
            } => match result {
                _ if s.text != before => {
                    s.variant_notice = Some(
                        "the scenario changed while the variant was being made: make it again"
                            .into(),
                    )
                }
                Ok(_) if s.variants.len() >= VARIANTS.len() - 1 => {
                    s.variant_notice = Some(format!(
                        "a what-if has at most {} variants: remove one first",
                        VARIANTS.len()
                    ))
                }
                Ok((text, notice)) => {
                    s.variants.push(text);
                    let name = VARIANTS[s.variants.len()];
                    s.variant_notice = Some(match notice {
                        Some(n) => format!("variant {name}: {n}"),
                        None => format!("variant {name} made"),
                    });
                }
                Err(e) => s.variant_notice = Some(e),
            },
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
        s.file = s.run_file();
        Rc::new(s)
    }
}

impl PageState {
    pub fn running(&self) -> bool {
        matches!(self.outcome, Outcome::Running { .. })
    }

    /// The picked saved scenario's place in the library, if a saved one is picked.
    pub fn picked_saved(&self) -> Option<usize> {
        match self.origin {
            Origin::Saved(k) if k < self.library.len() => Some(k),
            _ => None,
        }
    }

    /// The editor now holds `text`, which came from `origin`.
    fn load(&mut self, origin: Origin, text: String) {
        self.origin = origin;
        self.origin_text = Shared::new(text.clone());
        // The check of this very text, if it is the one on hand (the same card again).
        self.origin_rules =
            (self.checked.text == text).then(|| Shared::new(self.checked.rules.clone()));
        // The last scenario's lesson is not this one's, even while this one's text is invalid.
        if self.checked.text != text {
            let mut c = (*self.checked).clone();
            c.lesson = None;
            c.description.clear();
            self.checked = Shared::new(c);
        }
        self.text = text;
        self.target = Target::default();
        // Another scenario's variants and comparison are not this one's.
        self.variants.clear();
        self.variant_notice = None;
        self.compared = None;
        self.compared_texts.clear();
    }

    /// Whether the text differs from what was loaded.
    pub fn edited(&self) -> bool {
        self.text != *self.origin_text
    }

    pub fn source(&self) -> Source {
        match (&self.origin, self.edited()) {
            (Origin::Builtin(_), false) => Source::BuiltIn,
            (Origin::Builtin(_) | Origin::Shared { .. }, true) => Source::EditedCopy,
            (Origin::Saved(_), false) => Source::Mine,
            (Origin::Saved(_), true) => Source::MineChanged,
            (Origin::Shared { .. }, false) => Source::SharedLink,
            (Origin::Unsaved, _) => Source::Unsaved,
        }
    }

    /// The scenario's name as the page shows it.
    pub fn name(&self) -> String {
        match &self.origin {
            Origin::Builtin(i) => BUILTIN.get(*i).map_or("", |b| b.title).to_string(),
            Origin::Saved(k) => self.library.get(*k).map_or("", |s| &s.name).to_string(),
            Origin::Shared { .. } => "Shared scenario".into(),
            Origin::Unsaved => "Unsaved scenario".into(),
        }
    }

    /// The file name a run goes by (in the report, errors and exports): a built-in's path,
    /// "edited copy of" it once changed, a saved one's name; JSON or TOML by the text.
    pub fn run_file(&self) -> String {
        let ext = if self.text.trim_start().starts_with('{') {
            "json"
        } else {
            "toml"
        };
        let named = match &self.origin {
            Origin::Builtin(i) => BUILTIN.get(*i).map(|b| b.file.to_string()),
            Origin::Saved(k) => self.library.get(*k).map(|s| s.file()),
            Origin::Shared { file } => Some(file.clone()),
            Origin::Unsaved => None,
        };
        match named {
            Some(f) if !self.edited() => f,
            Some(f) => {
                let stem = f.rsplit_once('.').map_or(f.as_str(), |(s, _)| s);
                format!("edited copy of {stem}.{ext}")
            }
            None => format!("unsaved.{ext}"),
        }
    }

    /// The seed a Run runs with: the seed box's, or None for the scenario's own; an error for
    /// a box that does not hold a whole number.
    pub fn run_seed(&self) -> Result<Option<u64>, String> {
        match self.seed.trim() {
            "" => Ok(None),
            v => v
                .parse::<u64>()
                .map(Some)
                .map_err(|_| format!("seed: {v:?} is not a whole number ≥ 0")),
        }
    }

    /// Whether the results shown are of another text or seed than the page's now.
    pub fn stale(&self) -> bool {
        let now = RunKey {
            text: self.text.clone(),
            seed: self.run_seed().ok().flatten(),
        };
        matches!(self.outcome, Outcome::Done(..) | Outcome::Stopped { .. })
            && self
                .ran
                .as_ref()
                .is_some_and(|r| *r != now || self.run_seed().is_err())
    }

    /// The lesson a run of this text can pass: the built-in it came from, and the objectives
    /// it had (all of them must be among the run's, and held). Unedited, the lesson's own
    /// objectives are the run's (None: no need to wait for the check that lists them).
    pub fn lesson_goal(&self) -> Option<(String, Option<Shared<Vec<String>>>)> {
        let Origin::Builtin(i) = self.origin else {
            return None;
        };
        let file = BUILTIN.get(i)?.file.to_string();
        match &self.origin_rules {
            Some(rules) if rules.is_empty() => None,
            Some(rules) => Some((file, Some(rules.clone()))),
            None if !self.edited() => Some((file, None)),
            None => None,
        }
    }
}
