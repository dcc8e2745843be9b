//! The ecsim web app: pick a scenario (built in, or saved in the browser: `gallery`, `builtin`,
//! `saved`, `library_bar`), set its common knobs in the form (`form_panel`) or edit its text
//! (`editor`), set a seed, Run (`controls`; the results bar beside it, `results_bar`, has the
//! objectives and headline numbers). The simulation runs in a Web Worker
//! (`ecsim_web::worker`, reached through `link`) so the page stays responsive: a progress bar
//! follows the simulated time, the charts (`chart_panel`, drawn by `outputs`) and the cluster view
//! (`cluster_view`) fill in as it goes, and the run can be paused, resumed or stopped; the worker
//! also checks every edit and applies the form's. When a run ends, the summary (`summary`) shows
//! the lesson's objectives, the report the CLI prints, exports, a share link and the event log
//! (`log_panel`); "What if…" compares two variants (`what_if`), and "Plan" (`plan_panel`)
//! sweeps one or two settings over a pool of workers (`plan_pool`) for the cheapest point that
//! holds the SLOs.
//!
//! The page is one reducer (`page`): every event and every worker answer is an `Action`; the
//! components read the state and the worker link from one context (`link::Ctx`).

mod builtin;
mod chart_panel;
mod cluster_view;
mod controls;
mod editor;
mod form_panel;
mod gallery;
mod lesson;
mod library_bar;
mod link;
mod log_panel;
mod many_hosts;
mod outputs;
mod page;
mod plan_panel;
mod plan_pool;
mod results_bar;
mod saved;
mod summary;
mod what_if;

use chart_panel::ChartPanel;
use cluster_view::ClusterView;
use controls::Controls;
use ecsim_web::worker::{FormEdit, Input};
use editor::Editor;
use form_panel::FormPanel;
use gallery::{Gallery, ScenarioBar};
use lesson::LessonPanel;
use library_bar::LibraryBar;
use link::{Ctx, Link};
use outputs::Canvases;
use page::{Action, PageState};
use plan_panel::PlanPanel;
use results_bar::ResultsBar;
use summary::SummaryPanel;
use what_if::WhatIf;
use yew::prelude::*;

#[function_component(App)]
fn app() -> Html {
    let state = use_reducer(PageState::default);
    let link = {
        let dispatch = state.dispatcher();
        (*use_memo((), move |_| Link::new(Canvases::default(), dispatch))).clone()
    };
    // Opened from a share link: its scenario and seed, run at once.
    {
        let link = link.clone();
        use_effect_with((), move |_| {
            let hash = web_sys::window()
                .and_then(|w| w.location().hash().ok())
                .unwrap_or_default();
            if hash.contains("t=") {
                match ecsim_front::share::decode(&hash) {
                    Ok(shared) => {
                        link.dispatch.dispatch(Action::Shared {
                            text: shared.text.clone(),
                            file: shared.file.clone(),
                            seed: shared.seed,
                        });
                        link.send(Input::Run {
                            text: shared.text,
                            file: shared.file,
                            seed: shared.seed,
                        });
                    }
                    Err(e) => link.dispatch.dispatch(Action::Failed(e.to_string())),
                }
            }
        });
    }
    // The worker starts with the page and checks the scenario shown (it also compiles its wasm
    // before the first Run), and then every edit.
    {
        let link = link.clone();
        use_effect_with(
            (state.text.clone(), state.file.clone(), state.target),
            move |(text, file, target)| {
                link.send(Input::Check {
                    text: text.clone(),
                    file: file.clone(),
                    target: *target,
                });
            },
        );
    }
    let on_form = {
        let (link, text) = (link.clone(), state.text.clone());
        Callback::from(move |edit: FormEdit| {
            link.send(Input::Form {
                text: text.clone(),
                edit,
            })
        })
    };
    let on_target = {
        let dispatch = link.dispatch.clone();
        Callback::from(move |t| dispatch.dispatch(Action::Target(t)))
    };
    let c = &state.checked;
    let stale = state.stale();
    let ctx = Ctx {
        state: (*state).clone(),
        link,
    };
    html! {
        <ContextProvider<Ctx> context={ctx}>
        <main>
            <header>
                <h1>{ "ecsim" }</h1>
                <p class="tagline">{ "A deterministic simulator of an Amazon ECS cluster, running in your browser." }</p>
                <p class="howto">{ "Pick a lesson or a template, press Run, and read the results bar, the charts and the report. Change anything in the form or the scenario text at the bottom and run again; the same seed always gives the same run." }</p>
            </header>
            <ScenarioBar />
            <Gallery />
            <section class="controls">
                <Controls />
                <ResultsBar />
                <LibraryBar />
                <LessonPanel />
                <FormPanel fields={c.fields.clone()} form_error={c.form_error.clone()}
                    error={c.error_knob.zip(c.error.clone())} notice={state.form_notice.clone()} on_edit={on_form}
                    choices={c.choices.clone()} target={c.target} {on_target} />
            </section>
            <div class={classes!("results", stale.then_some("stale"))} data-stale={stale.to_string()}>
                if stale {
                    <p id="stale-note" class="badge stale">{ "Out of date: the scenario or the seed changed since this run. Press Run to update these results." }</p>
                }
                <ClusterView feed={state.cluster.clone()} />
                <section class="result">
                    <ChartPanel />
                    <SummaryPanel />
                </section>
            </div>
            <WhatIf />
            <PlanPanel />
            <Editor />
        </main>
        </ContextProvider<Ctx>>
    }
}

fn main() {
    yew::Renderer::<App>::new().render();
}
