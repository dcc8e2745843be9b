//! The ecsim web app, first page: pick a scenario (or edit its text), set a seed, Run; the same
//! core the CLI uses runs it in the browser, a plotters chart on a canvas shows the cluster's CPU
//! and memory reservation over time, and the summary panel shows the figures the CLI prints.
//! The app is thin: everything it shows comes from `ecsim_core::run` and `ecsim_core::report`.

mod chart;

use ecsim_core::{run, RunOptions, Scenario};
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
    Done {
        report: String,
        objectives: Vec<(String, bool, String)>,
        running: u32,
        log: Vec<String>,
    },
}

#[function_component(App)]
fn app() -> Html {
    let choice = use_state(|| 0usize);
    let text = use_state(|| BUILTIN[0].1.to_string());
    let outcome = use_state(|| Outcome::None);
    let canvas = use_node_ref();
    let tasks_canvas = use_node_ref();
    let requests_canvas = use_node_ref();
    let startup_canvas = use_node_ref();
    let text_ref = use_node_ref();
    let seed_ref = use_node_ref();

    let on_pick = {
        let (choice, text, outcome) = (choice.clone(), text.clone(), outcome.clone());
        Callback::from(move |e: Event| {
            if let Some(sel) = e.target_dyn_into::<HtmlSelectElement>() {
                let i: usize = sel.value().parse().unwrap_or(0).min(BUILTIN.len() - 1);
                choice.set(i);
                text.set(BUILTIN[i].1.to_string());
                outcome.set(Outcome::None);
            }
        })
    };

    let on_run = {
        let (choice, outcome, text_ref, seed_ref) = (
            choice.clone(),
            outcome.clone(),
            text_ref.clone(),
            seed_ref.clone(),
        );
        let (canvas, tasks_canvas, requests_canvas, startup_canvas) = (
            canvas.clone(),
            tasks_canvas.clone(),
            requests_canvas.clone(),
            startup_canvas.clone(),
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
            let file = BUILTIN[*choice].0;
            let sc = match Scenario::parse(&source, file) {
                Ok(sc) => sc,
                Err(e) => {
                    outcome.set(Outcome::Error(e.to_string()));
                    return;
                }
            };
            let out = match run(
                &sc,
                &RunOptions {
                    seed,
                    ..Default::default()
                },
            ) {
                Ok(o) => o,
                Err(e) => {
                    outcome.set(Outcome::Error(format!("the run failed: {e}")));
                    return;
                }
            };
            let drawn = canvas
                .cast::<HtmlCanvasElement>()
                .map(|c| chart::draw_reservation(c, &out.timeseries))
                .into_iter()
                .chain(
                    tasks_canvas
                        .cast::<HtmlCanvasElement>()
                        .map(|c| chart::draw_tasks(c, &out.timeseries)),
                )
                .chain(
                    requests_canvas
                        .cast::<HtmlCanvasElement>()
                        .map(|c| chart::draw_requests(c, &out.timeseries)),
                )
                .chain(
                    startup_canvas
                        .cast::<HtmlCanvasElement>()
                        .map(|c| chart::draw_startup(c, &out.summary)),
                )
                .collect::<Result<Vec<()>, String>>();
            if let Err(e) = drawn {
                outcome.set(Outcome::Error(format!("could not draw a chart: {e}")));
                return;
            }
            let s = &out.summary;
            outcome.set(Outcome::Done {
                report: ecsim_core::report::text(&sc, s),
                objectives: s
                    .objectives
                    .iter()
                    .map(|o| {
                        let m = o
                            .measured
                            .map(|m| m.to_string())
                            .unwrap_or_else(|| "n/a".into());
                        (
                            o.name.clone(),
                            o.held,
                            format!("{} {} {} (measured {m})", o.metric, o.op, o.target),
                        )
                    })
                    .collect(),
                running: s.services.values().map(|v| v.tasks.running_end).sum(),
                log: out
                    .log
                    .entries
                    .iter()
                    .take(200)
                    .map(|e| format!("{:>8.1} s  {}", e.t_s, e.message))
                    .collect(),
            });
        })
    };

    let description = Scenario::parse(&text, BUILTIN[*choice].0)
        .map(|s| s.spec.description.clone())
        .unwrap_or_default();

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
                <button id="run" onclick={on_run}>{ "Run" }</button>
                <p id="description">{ description }</p>
            </section>
            <section class="result">
                <div class="charts">
                    <canvas id="chart" ref={canvas} width="540" height="340"></canvas>
                    <canvas id="tasks-chart" ref={tasks_canvas} width="540" height="340"></canvas>
                    <canvas id="requests-chart" ref={requests_canvas} width="540" height="340"></canvas>
                    <canvas id="startup-chart" ref={startup_canvas} width="540" height="340"></canvas>
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

fn render_outcome(o: &Outcome) -> Html {
    match o {
        Outcome::None => {
            html! { <div id="summary" class="empty">{ "Press Run to simulate the scenario." }</div> }
        }
        Outcome::Error(e) => {
            html! { <div id="summary" class="error"><pre id="error">{ e }</pre></div> }
        }
        Outcome::Done {
            report,
            objectives,
            running,
            log,
        } => html! {
            <div id="summary" data-running-tasks={running.to_string()}>
                <ul id="objectives">
                    { for objectives.iter().map(|(name, held, detail)| html! {
                        <li class={if *held { "held" } else { "failed" }}>
                            { if *held { "✔ " } else { "✘ " } }{ name }<span class="detail">{ format!(" — {detail}") }</span>
                        </li>
                    }) }
                </ul>
                <pre id="report">{ report }</pre>
                <details open=true>
                    <summary>{ format!("Event log ({} shown)", log.len()) }</summary>
                    <pre id="log">{ log.join("\n") }</pre>
                </details>
            </div>
        },
    }
}

fn main() {
    yew::Renderer::<App>::new().render();
}
