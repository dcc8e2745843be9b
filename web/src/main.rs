//! The ecsim web app: pick a scenario (or edit its text), set a seed, Run. The simulation runs in
//! a Web Worker (`ecsim_web::worker`) so the page stays responsive: a progress bar follows the
//! simulated time, and the run can be paused, resumed or stopped. When it ends, plotters charts on
//! canvases show the cluster's CPU and memory, tasks by state, requests and start-up, and the
//! summary panel shows the same report the CLI prints. The page is thin: everything it shows
//! comes from the core's outputs, through `ecsim_web::view::RunView`.

use ecsim_web::chart;
use ecsim_web::view::RunView;
use ecsim_web::worker::{Input, Output, SimWorker};
use gloo_worker::{Spawnable, WorkerBridge};
use web_sys::{HtmlCanvasElement, HtmlInputElement, HtmlSelectElement, HtmlTextAreaElement};
use yew::prelude::*;

/// The built-in scenarios the page offers, as (file, text).
const BUILTIN: &[(&str, &str)] = &[
    (
        ecsim_core::DEFAULT_SCENARIO_FILE,
        ecsim_core::DEFAULT_SCENARIO,
    ),
    (
        "scenarios/lessons/static-vs-dynamic-ports.toml",
        include_str!("../../scenarios/lessons/static-vs-dynamic-ports.toml"),
    ),
    (
        "scenarios/lessons/wrong-cluster-name.toml",
        include_str!("../../scenarios/lessons/wrong-cluster-name.toml"),
    ),
    (
        "scenarios/lessons/alb-dynamic-ports.toml",
        include_str!("../../scenarios/lessons/alb-dynamic-ports.toml"),
    ),
    (
        "scenarios/lessons/ecs-config.toml",
        include_str!("../../scenarios/lessons/ecs-config.toml"),
    ),
    (
        "scenarios/lessons/ecs-config-fixed.toml",
        include_str!("../../scenarios/lessons/ecs-config-fixed.toml"),
    ),
    (
        "scenarios/lessons/ecr-pulls.toml",
        include_str!("../../scenarios/lessons/ecr-pulls.toml"),
    ),
    (
        "scenarios/lessons/fargate-vs-ec2.toml",
        include_str!("../../scenarios/lessons/fargate-vs-ec2.toml"),
    ),
];

#[derive(Clone, PartialEq)]
enum Outcome {
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
    Done(Box<RunView>),
}

/// The canvases the charts are drawn on.
#[derive(Clone, PartialEq)]
struct Canvases {
    reservation: NodeRef,
    tasks: NodeRef,
    requests: NodeRef,
    startup: NodeRef,
}

impl Canvases {
    fn draw(&self, v: &RunView) -> Result<(), String> {
        let c = &v.charts;
        let draw = |r: &NodeRef, f: fn(HtmlCanvasElement, &ecsim_web::view::ChartData) -> Result<(), String>| {
            r.cast::<HtmlCanvasElement>().map_or(Ok(()), |e| f(e, c))
        };
        draw(&self.reservation, chart::draw_reservation)?;
        draw(&self.tasks, chart::draw_tasks)?;
        draw(&self.requests, chart::draw_requests)?;
        draw(&self.startup, chart::draw_startup)
    }
}

/// The scenario text's state as the worker last checked it.
#[derive(Clone, PartialEq, Default)]
struct Checked {
    description: String,
    error: Option<String>,
}

/// What the worker said, applied to the page.
fn on_output(
    out: Output,
    outcome: &UseStateHandle<Outcome>,
    checked: &UseStateHandle<Checked>,
    canvases: &Canvases,
) {
    match out {
        Output::Checked { description, error } => checked.set(Checked { description, error }),
        Output::Started { end_s } => outcome.set(Outcome::Running {
            sim_s: 0.0,
            end_s,
            paused: false,
        }),
        Output::Progress { sim_s, end_s, .. } => outcome.set(Outcome::Running {
            sim_s,
            end_s,
            paused: false,
        }),
        Output::Paused { sim_s } => {
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
        Output::Done(view) => match canvases.draw(&view) {
            Ok(()) => outcome.set(Outcome::Done(view)),
            Err(e) => outcome.set(Outcome::Error(format!("could not draw a chart: {e}"))),
        },
    }
}

#[function_component(App)]
fn app() -> Html {
    let choice = use_state(|| 0usize);
    let text = use_state(|| BUILTIN[0].1.to_string());
    let outcome = use_state(|| Outcome::None);
    let checked = use_state(Checked::default);
    let canvases = Canvases {
        reservation: use_node_ref(),
        tasks: use_node_ref(),
        requests: use_node_ref(),
        startup: use_node_ref(),
    };
    let text_ref = use_node_ref();
    let seed_ref = use_node_ref();
    // One worker for the page, spawned at the first Run.
    let bridge = use_mut_ref(|| None::<WorkerBridge<SimWorker>>);

    let send = {
        let (bridge, outcome, checked, canvases) = (
            bridge.clone(),
            outcome.clone(),
            checked.clone(),
            canvases.clone(),
        );
        move |input: Input| {
            let mut b = bridge.borrow_mut();
            let b = b.get_or_insert_with(|| {
                let (outcome, checked, canvases) =
                    (outcome.clone(), checked.clone(), canvases.clone());
                SimWorker::spawner()
                    .callback(move |out| on_output(out, &outcome, &checked, &canvases))
                    .spawn("worker.js")
            });
            b.send(input);
        }
    };
    // The worker starts with the page and checks the scenario shown (it also compiles its wasm
    // before the first Run).
    {
        let send = send.clone();
        let (text, choice) = ((*text).clone(), *choice);
        use_effect_with((text.clone(), choice), move |_| {
            send(Input::Check {
                text,
                file: BUILTIN[choice].0.to_string(),
            });
        });
    }

    let on_pick = {
        let (choice, text, outcome, send) =
            (choice.clone(), text.clone(), outcome.clone(), send.clone());
        Callback::from(move |e: Event| {
            if let Some(sel) = e.target_dyn_into::<HtmlSelectElement>() {
                let i: usize = sel.value().parse().unwrap_or(0).min(BUILTIN.len() - 1);
                if matches!(*outcome, Outcome::Running { .. }) {
                    send(Input::Stop);
                }
                choice.set(i);
                text.set(BUILTIN[i].1.to_string());
                outcome.set(Outcome::None);
            }
        })
    };

    let on_run = {
        let (choice, outcome, text_ref, seed_ref, send) = (
            choice.clone(),
            outcome.clone(),
            text_ref.clone(),
            seed_ref.clone(),
            send.clone(),
        );
        Callback::from(move |_: MouseEvent| {
            let source = text_ref
                .cast::<HtmlTextAreaElement>()
                .map(|t| t.value())
                .unwrap_or_default();
            let seed_text = seed_ref
                .cast::<HtmlInputElement>()
                .map(|i| i.value())
                .unwrap_or_default();
            let seed = match seed_text.trim() {
                "" => None,
                s => match s.parse::<u64>() {
                    Ok(v) => Some(v),
                    Err(_) => {
                        outcome.set(Outcome::Error(format!(
                            "seed: {s:?} is not a whole number ≥ 0"
                        )));
                        return;
                    }
                },
            };
            send(Input::Run {
                text: source,
                file: BUILTIN[*choice].0.to_string(),
                seed,
            });
        })
    };
    let control = |input: Input| {
        let send = send.clone();
        Callback::from(move |_: MouseEvent| send(input.clone()))
    };

    let description = checked.description.clone();
    let (running, paused) = match *outcome {
        Outcome::Running { paused, .. } => (true, paused),
        _ => (false, false),
    };

    html! {
        <main>
            <header>
                <h1>{ "ecsim" }</h1>
                <p class="tagline">{ "A deterministic simulator of an Amazon ECS cluster, running in your browser." }</p>
            </header>
            <section class="controls">
                <label>{ "Scenario " }
                    <select id="scenario" onchange={on_pick}>
                        { for BUILTIN.iter().enumerate().map(|(i, (f, _))| html! {
                            <option value={i.to_string()} selected={i == *choice}>{ *f }</option>
                        }) }
                    </select>
                </label>
                <label>{ "Seed " }<input id="seed" ref={seed_ref} type="number" min="0" placeholder="scenario's" /></label>
                <button id="run" onclick={on_run}>{ if running { "Restart" } else { "Run" } }</button>
                <button id="pause" disabled={!running || paused} onclick={control(Input::Pause)}>{ "Pause" }</button>
                <button id="resume" disabled={!paused} onclick={control(Input::Resume)}>{ "Resume" }</button>
                <button id="stop" disabled={!running} onclick={control(Input::Stop)}>{ "Stop" }</button>
                { render_progress(&outcome) }
                <p id="description">{ description }</p>
            </section>
            <section class="result">
                <div class="charts">
                    <canvas id="chart" ref={canvases.reservation.clone()} width="540" height="340"></canvas>
                    <canvas id="tasks-chart" ref={canvases.tasks.clone()} width="540" height="340"></canvas>
                    <canvas id="requests-chart" ref={canvases.requests.clone()} width="540" height="340"></canvas>
                    <canvas id="startup-chart" ref={canvases.startup.clone()} width="540" height="340"></canvas>
                </div>
                { render_outcome(&outcome) }
            </section>
            <details id="editor">
                <summary>{ "Scenario text (edit, then Run)" }</summary>
                <textarea id="scenario-text" ref={text_ref} rows="30" cols="100" value={(*text).clone()} spellcheck="false" />
            </details>
        </main>
    }
}

/// The progress bar over simulated time while a run goes on.
fn render_progress(o: &Outcome) -> Html {
    match *o {
        Outcome::Running {
            sim_s,
            end_s,
            paused,
        } => html! {
            <span id="progress-box" data-state={if paused { "paused" } else { "running" }}>
                <progress id="progress" max={end_s.to_string()} value={sim_s.to_string()}></progress>
                <span id="progress-text">{ format!(" {sim_s:.0} s of {end_s:.0} s simulated{}", if paused { " (paused)" } else { "" }) }</span>
            </span>
        },
        Outcome::Stopped { sim_s } => html! {
            <span id="progress-box" data-state="stopped">{ format!("stopped at {sim_s:.0} s simulated") }</span>
        },
        _ => html! {},
    }
}

fn render_outcome(o: &Outcome) -> Html {
    match o {
        Outcome::None | Outcome::Running { .. } | Outcome::Stopped { .. } => {
            html! { <div id="summary" class="empty">{ "Press Run to simulate the scenario." }</div> }
        }
        Outcome::Error(e) => {
            html! { <div id="summary" class="error"><pre id="error">{ e }</pre></div> }
        }
        Outcome::Done(v) => html! {
            <div id="summary" data-running-tasks={v.running.to_string()} data-trace-hash={v.trace_hash.clone()} data-run={v.run.to_string()}>
                <ul id="objectives">
                    { for v.objectives.iter().map(|o| html! {
                        <li class={if o.held { "held" } else { "failed" }}>
                            { if o.held { "✔ " } else { "✘ " } }{ &o.name }<span class="detail">{ format!(" — {}", o.detail) }</span>
                        </li>
                    }) }
                </ul>
                <pre id="report">{ &v.report }</pre>
                <details open=true>
                    <summary>{ format!("Event log ({} of {} shown)", v.log.len(), v.log_total) }</summary>
                    <pre id="log">{ v.log.join("\n") }</pre>
                </details>
            </div>
        },
    }
}

fn main() {
    yew::Renderer::<App>::new().render();
}
