//! The Plan panel: vary one or two of the form's settings (or any setting by its path) over
//! values or a range, run every point on the same seeds in a pool of workers (`plan_pool`), and
//! read the result as the command line gives it: a chart of cost against latency with each
//! point's confidence intervals, the Pareto front and the SLO's limit, and a table with each
//! point's estimates and whether its SLOs hold (the cheapest that holds is the winner, as
//! `ecsim plan --exhaustive` names it). A point's "Load" writes its settings into the editor;
//! sweep.json and plan.json download exactly what `ecsim sweep` and `ecsim plan` write.

use crate::link::use_ctx;
use crate::page::{Action, PlanStatus, PlanView};
use crate::plan_pool::{parse_vary, PlanRequest, Pool, CONFIDENCE};
use ecsim_front::chart::{draw_pareto, unit};
use ecsim_front::form::Field;
use ecsim_front::plan::{Slo, Status};
use ecsim_front::stats::Estimate;
use ecsim_web::worker::{FormEdit, Input, SweepSpec};
use plotters::prelude::IntoDrawingArea;
use plotters_canvas::CanvasBackend;
use web_sys::{HtmlCanvasElement, HtmlInputElement, HtmlSelectElement, HtmlTextAreaElement};
use yew::prelude::*;

/// The choice of a row that names a setting by its path.
const BY_PATH: &str = "path";
/// The most seeds a plan runs per point in the browser.
const MAX_SEEDS: u64 = 50;

/// One setting to vary: a knob's path (or `BY_PATH`, or "" for none), the typed path, the values.
#[derive(Clone, PartialEq, Default)]
struct Row {
    choice: String,
    path: String,
    values: String,
}

impl Row {
    /// `PATH=VALUES`, or `None` for a row that varies nothing.
    fn arg(&self) -> Option<String> {
        let path = match self.choice.as_str() {
            "" => return None,
            BY_PATH => self.path.trim(),
            p => p,
        };
        Some(format!("{path}={}", self.values.trim()))
    }
}

/// The knobs a plan can vary, as (path, label, values to start from).
fn knobs(fields: &[Field]) -> Vec<(String, String, String)> {
    fields
        .iter()
        .filter_map(|f| Some((f.sweep_path()?, f.label.clone(), f.sweep_values())))
        .collect()
}

#[function_component(PlanPanel)]
pub fn plan_panel() -> Html {
    let ctx = use_ctx();
    let s = &ctx.state;
    let pool = {
        let dispatch = ctx.link.dispatch.clone();
        (*use_memo((), move |_| Pool::new(dispatch))).clone()
    };
    let rows = use_state(|| vec![Row::default(), Row::default()]);
    let touched = use_state(|| false);
    let seeds = use_state(|| "5".to_string());
    let slos = use_state(String::new);
    let metrics = use_state(String::new);
    let knobs = knobs(&s.checked.fields);
    // Until the user picks, the first row varies the desired count (the usual question).
    {
        let (rows, knobs) = (rows.clone(), knobs.clone());
        use_effect_with((knobs.clone(), *touched), move |(_, touched)| {
            if !*touched {
                let first =
                    knobs
                        .iter()
                        .find(|k| k.0.ends_with(".desiredCount"))
                        .map(|(p, _, v)| Row {
                            choice: p.clone(),
                            path: String::new(),
                            values: v.clone(),
                        });
                let mut r = (*rows).clone();
                r[0] = first.unwrap_or_default();
                rows.set(r);
            }
        });
    }
    let on_choice = |i: usize| {
        let (rows, touched, knobs) = (rows.clone(), touched.clone(), knobs.clone());
        Callback::from(move |e: Event| {
            let Some(sel) = e.target_dyn_into::<HtmlSelectElement>() else {
                return;
            };
            let mut r = (*rows).clone();
            let choice = sel.value();
            r[i].values = knobs
                .iter()
                .find(|k| k.0 == choice)
                .map(|k| k.2.clone())
                .unwrap_or_default();
            r[i].choice = choice;
            rows.set(r);
            touched.set(true);
        })
    };
    let on_text = |i: usize, path: bool| {
        let (rows, touched) = (rows.clone(), touched.clone());
        Callback::from(move |e: InputEvent| {
            let Some(input) = e.target_dyn_into::<HtmlInputElement>() else {
                return;
            };
            let mut r = (*rows).clone();
            if path {
                r[i].path = input.value();
            } else {
                r[i].values = input.value();
            }
            rows.set(r);
            touched.set(true);
        })
    };
    let on_input = |state: UseStateHandle<String>| {
        Callback::from(move |e: InputEvent| {
            if let Some(i) = e.target_dyn_into::<HtmlInputElement>() {
                state.set(i.value());
            } else if let Some(t) = e.target_dyn_into::<HtmlTextAreaElement>() {
                state.set(t.value());
            }
        })
    };
    let on_run = {
        let (pool, dispatch) = (pool.clone(), ctx.link.dispatch.clone());
        let (rows, seeds, slos, metrics) =
            (rows.clone(), seeds.clone(), slos.clone(), metrics.clone());
        let (text, file) = (s.text.clone(), s.file.clone());
        Callback::from(move |_: MouseEvent| {
            match request(&rows, &seeds, &slos, &metrics, &text, &file) {
                Ok(r) => pool.start(r),
                Err(e) => dispatch.dispatch(Action::Plan(PlanStatus::Failed(e))),
            }
        })
    };
    let on_stop = {
        let pool = pool.clone();
        Callback::from(move |_: MouseEvent| pool.stop())
    };
    let busy = matches!(
        s.plan,
        PlanStatus::Checking { .. } | PlanStatus::Running { .. }
    );
    let run_blocked = s
        .checked
        .error
        .as_ref()
        .map(|_| "fix the scenario's error first");
    html! {
        <section id="plan">
            <h2>{ "Plan" }</h2>
            <p>{ "Which configuration holds the SLOs for the least money? Vary one or two settings, run every point on the same seeds (common random numbers) in parallel workers, and compare the points' costs and latencies with their 95 % confidence intervals." }</p>
            <div class="plan-rows">
            { for (0..2).map(|i| {
                let r = &rows[i];
                html! {
                    <div class="plan-row">
                        <label>{ format!("Vary {} ", i + 1) }
                            <select id={format!("plan-knob-{}", i + 1)} onchange={on_choice(i)}>
                                <option value="" selected={r.choice.is_empty()}>{ "(nothing)" }</option>
                                { for knobs.iter().map(|(p, label, _)| html! {
                                    <option value={p.clone()} selected={r.choice == *p}>{ format!("{label}: {p}") }</option>
                                }) }
                                <option value={BY_PATH} selected={r.choice == BY_PATH}>{ "another setting, by its path…" }</option>
                            </select>
                        </label>
                        if r.choice == BY_PATH {
                            <label>{ " path " }<input id={format!("plan-path-{}", i + 1)} value={r.path.clone()} oninput={on_text(i, true)}
                                placeholder="auto_scaling[web].target_tracking[0].target" size="36" /></label>
                        }
                        if !r.choice.is_empty() {
                            <label>{ " values " }<input id={format!("plan-values-{}", i + 1)} value={r.values.clone()} oninput={on_text(i, false)}
                                placeholder="2..10, 2..10:2 or a,b,c" size="24" /></label>
                        }
                    </div>
                }
            }) }
            </div>
            <label class="block">{ "Seeds per point " }<input id="plan-seeds" type="number" min="2" max={MAX_SEEDS.to_string()} value={(*seeds).clone()} oninput={on_input(seeds.clone())} /></label>
            <label class="block">{ "SLOs, one per line (the 95 % one-sided bound must hold)" }
                <textarea id="plan-slos" rows="2" cols="60" value={(*slos).clone()} oninput={on_input(slos.clone())}
                    placeholder="services.web.latency_ms.p99 < 200" spellcheck="false" />
            </label>
            <label class="block">{ "Metrics " }<input id="plan-metrics" size="70" value={(*metrics).clone()} oninput={on_input(metrics.clone())}
                placeholder="default: cost_usd.per_hour, and each service's latency_ms.p99 and requests.failed" /></label>
            <button id="plan-run" onclick={on_run} disabled={busy || run_blocked.is_some()} title={run_blocked.unwrap_or_default()}>{ "Run the plan" }</button>
            <button id="plan-stop" onclick={on_stop} disabled={!busy}>{ "Stop" }</button>
            { status(&s.plan) }
            if let PlanStatus::Done(v) = &s.plan {
                <PlanResultView view={v.clone()} />
            }
        </section>
    }
}

/// The panel's inputs, checked, as a request for the pool.
fn request(
    rows: &[Row],
    seeds: &str,
    slos: &str,
    metrics: &str,
    text: &str,
    file: &str,
) -> Result<PlanRequest, String> {
    let vary_args: Vec<String> = rows.iter().filter_map(Row::arg).collect();
    if vary_args.is_empty() {
        return Err("plan: choose a setting to vary".into());
    }
    let varies = vary_args
        .iter()
        .map(|a| parse_vary(a).map_err(|e| format!("plan: vary {e}")))
        .collect::<Result<Vec<_>, _>>()?;
    let seeds: u64 = seeds
        .trim()
        .parse()
        .ok()
        .filter(|n| (2..=MAX_SEEDS).contains(n))
        .ok_or_else(|| {
            format!(
                "plan: seeds {seeds:?} must be a count from 2 to {MAX_SEEDS} (two for an interval)"
            )
        })?;
    let slos = slos
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| Slo::parse(l.trim()).map_err(|e| format!("plan: SLO {e}")))
        .collect::<Result<Vec<_>, _>>()?;
    let metrics: Vec<String> = metrics
        .split(',')
        .map(|m| m.trim().to_string())
        .filter(|m| !m.is_empty())
        .collect();
    Ok(PlanRequest {
        spec: SweepSpec {
            text: text.to_string(),
            file: file.to_string(),
            varies,
            metrics,
            also: slos.iter().map(|s| s.metric.clone()).collect(),
        },
        seeds,
        slos,
        vary_args,
    })
}

fn status(p: &PlanStatus) -> Html {
    match p {
        PlanStatus::Idle | PlanStatus::Done(_) => html! {},
        PlanStatus::Checking { workers } => html! {
            <p id="plan-status" data-state="checking">{ format!("Checking every point's scenario; starting {workers} workers…") }</p>
        },
        PlanStatus::Running {
            done,
            total,
            workers,
        } => html! {
            <p id="plan-status" data-state="running">
                <progress value={done.to_string()} max={total.to_string()} aria-label="runs done"></progress>
                { format!(" {done} of {total} runs, on {workers} workers") }
            </p>
        },
        PlanStatus::Stopped { done, total } => html! {
            <p id="plan-status" data-state="stopped">{ format!("Stopped after {done} of {total} runs (a plan's result needs all of them).") }</p>
        },
        PlanStatus::Failed(e) => html! {
            <p id="plan-status" data-state="failed" class="error" role="alert">{ e }</p>
        },
    }
}

/// An estimate as the table shows it: the mean and the interval's half-width, rounded for the
/// metric's unit.
fn shown(e: &Option<Estimate>, metric: &str) -> String {
    let digits = match unit(metric) {
        "USD per hour" | "USD" => 4,
        "count" => 1,
        _ => 1,
    };
    match e {
        None => "n/a".into(),
        Some(e) if e.n > 1 => format!("{:.*} ± {:.*}", digits, e.mean, digits, (e.hi - e.lo) / 2.0),
        Some(e) => format!("{:.*}", digits, e.mean),
    }
}

/// A point's verdict against the SLOs.
fn verdict(v: &PlanView, i: usize) -> (String, &'static str) {
    let Some(plan) = &v.plan else {
        return (String::new(), "");
    };
    let Some(p) = plan.points.get(i) else {
        return (String::new(), "");
    };
    if plan.winner == Some(i) {
        return ("★ cheapest that holds".into(), "winner");
    }
    match &p.status {
        Status::Holds if plan.runner_up == Some(i) => ("holds (runner-up)".into(), "holds"),
        Status::Holds => ("holds".into(), "holds"),
        Status::Fails { slo, bound } => {
            let s = &v.slos[*slo];
            let b = bound.map_or("no value".to_string(), |b| format!("{b:.1}"));
            (
                format!(
                    "fails {} {} {} (bound {b})",
                    s.metric,
                    s.op.symbol(),
                    s.limit
                ),
                "fails",
            )
        }
        Status::NotRun { .. } => ("not run".into(), ""),
    }
}

#[derive(Properties, PartialEq)]
struct ResultProps {
    view: crate::page::Shared<PlanView>,
}

/// The result: what was run, the winner, the chart, the table, the downloads and the command.
#[function_component(PlanResultView)]
fn plan_result_view(p: &ResultProps) -> Html {
    let ctx = use_ctx();
    let v = &*p.view;
    let canvas = use_node_ref();
    let chart_error = use_state(|| None::<String>);
    {
        let (canvas, chart_error) = (canvas.clone(), chart_error.clone());
        use_effect_with(p.view.clone(), move |view| {
            if let Some(c) = canvas.cast::<HtmlCanvasElement>() {
                let lat = view.sweep.pareto.as_ref().map(|(_, l)| l.clone());
                let slo = view.slos.iter().find(|s| Some(&s.metric) == lat.as_ref());
                let drawn = CanvasBackend::with_canvas_object(c)
                    .ok_or_else(|| "no 2D context on the canvas".to_string())
                    .and_then(|b| {
                        draw_pareto(
                            &b.into_drawing_area(),
                            &view.sweep,
                            slo,
                            view.plan.as_ref(),
                            12,
                        )
                    });
                chart_error.set(drawn.err());
            }
        });
    }
    let sw = &v.sweep;
    let runs = sw.points.len() as u64 * sw.seeds;
    let winner = v.plan.as_ref().map(|plan| match plan.winner {
        Some(w) => format!(
            "The cheapest point whose every SLO holds with {:.0} % confidence: {}.",
            CONFIDENCE * 100.0,
            label(&sw.points[w].settings)
        ),
        None => "No point holds every SLO: widen the range.".to_string(),
    });
    let load = |settings: Vec<(String, String)>| {
        let (link, text, file) = (
            ctx.link.clone(),
            ctx.state.text.clone(),
            ctx.state.file.clone(),
        );
        Callback::from(move |_: MouseEvent| {
            link.send(Input::Form {
                text: text.clone(),
                edit: FormEdit::Settings {
                    file: file.clone(),
                    settings: settings.clone(),
                },
            })
        })
    };
    html! {
        <div id="plan-result">
            <p id="plan-summary">{ format!(
                "{} points × {} seeds = {runs} runs on {} workers{}.",
                sw.points.len(), sw.seeds, v.workers,
                if v.failed_runs > 0 { format!("; {} runs failed and are left out", v.failed_runs) } else { String::new() }
            ) }</p>
            { for winner.map(|w| html! { <p id="plan-winner"><strong>{ w }</strong></p> }) }
            { for chart_error.iter().map(|e| html! { <p class="error" role="alert">{ e }</p> }) }
            if sw.pareto.is_some() {
                <canvas id="plan-chart" ref={canvas} width="760" height="440" role="img"
                    aria-label="cost against latency for every point, with the Pareto front"></canvas>
            }
            <div class="scroll">
            <table id="plan-table">
                <caption>{ format!("Each point over seeds 1 to {}: mean ± half the 95 % interval; ◆ on the Pareto front of cost against latency", sw.seeds) }</caption>
                <thead><tr>
                    { for sw.varies.iter().map(|x| html! { <th>{ &x.path }</th> }) }
                    { for sw.metrics.iter().map(|m| html! { <th>{ m }</th> }) }
                    <th>{ "Pareto" }</th>
                    if v.plan.is_some() { <th>{ "SLOs" }</th> }
                    <th></th>
                </tr></thead>
                <tbody>
                { for sw.points.iter().enumerate().map(|(i, pt)| {
                    let (said, class) = verdict(v, i);
                    html! {
                        <tr data-point={i.to_string()} class={class}>
                            { for pt.settings.iter().map(|(_, x)| html! { <td>{ x }</td> }) }
                            { for pt.metrics.iter().zip(&sw.metrics).map(|(e, m)| html! { <td data-metric={m.clone()}>{ shown(e, m) }</td> }) }
                            <td class="pareto">{ if pt.pareto { "◆" } else { "" } }</td>
                            if v.plan.is_some() { <td class="verdict">{ said }</td> }
                            <td><button class="plan-load" onclick={load(pt.settings.clone())}
                                title="write this point's settings into the scenario text">{ "Load" }</button></td>
                        </tr>
                    }
                }) }
                </tbody>
            </table>
            </div>
            <p>
                { for v.download.iter().map(|u| html! { <a id="plan-json" href={u.as_str().to_string()} download="sweep.json">{ "sweep.json" }</a> }) }
                { for v.plan_download.iter().map(|u| html! { <>{ " · " }<a id="plan-plan-json" href={u.as_str().to_string()} download="plan.json">{ "plan.json" }</a></> }) }
            </p>
            <details>
                <summary>{ "The same on the command line (with the scenario text saved as its file)" }</summary>
                <pre id="plan-command">{ &v.command }</pre>
            </details>
        </div>
    }
}

fn label(settings: &[(String, String)]) -> String {
    let parts: Vec<String> = settings.iter().map(|(p, v)| format!("{p} = {v}")).collect();
    parts.join(", ")
}
