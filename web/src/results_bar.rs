//! The results bar beside Run: whether the objectives held and the headline numbers of the last
//! run (the worst p99 latency, requests failed, cost per hour, tasks running), so nobody
//! scrolls to find them; marked out of date after any edit until the next run. It is a live
//! region: a screen reader hears a run start, end or go out of date.

use crate::link::use_ctx;
use crate::page::Outcome;
use ecsim_front::metric;
use yew::prelude::*;

#[function_component(ResultsBar)]
pub fn results_bar() -> Html {
    let ctx = use_ctx();
    let s = &ctx.state;
    let stale = s.stale();
    let body = match &s.outcome {
        Outcome::None => html! { <span class="muted">{ "No results yet: press Run." }</span> },
        Outcome::Error(_) => {
            html! { <span class="bad">{ "The run did not start: see the error below." }</span> }
        }
        Outcome::Running { paused, .. } => html! {
            <span>{ if *paused { "Paused." } else { "Running…" } }</span>
        },
        Outcome::Stopped { sim_s } => html! {
            <span>{ format!("Stopped at {} s simulated: no results.", metric::round(*sim_s)) }</span>
        },
        Outcome::Done(v, _) => {
            let total = v.objectives.len();
            let held = v.objectives.iter().filter(|o| o.held).count();
            let done: Vec<String> = v
                .checkpoints
                .iter()
                .filter(|k| k.reached)
                .map(|k| k.step.to_string())
                .collect();
            // Objectives a reached Try changed, as it should, are not failures.
            let failed = v
                .objectives
                .iter()
                .filter(|o| !o.held && v.moved_by(o).is_none())
                .count();
            let objectives = match total {
                _ if !done.is_empty() => html! {
                    <span id="bar-objectives" class={if failed == 0 { "good" } else { "bad" }} data-held={held.to_string()} data-total={total.to_string()}>
                        { format!("✔ Try {} done: its checkpoint holds", done.join(", ")) }
                        { if failed > 0 { format!("; ✘ {failed} objective{} failed", if failed == 1 { "" } else { "s" }) } else { String::new() } }
                    </span>
                },
                0 => html! {},
                _ if held == total => html! {
                    <span id="bar-objectives" class="good" data-held={held.to_string()} data-total={total.to_string()}>
                        { format!("✔ {held} of {total} objectives held") }
                    </span>
                },
                _ => html! {
                    <span id="bar-objectives" class="bad" data-held={held.to_string()} data-total={total.to_string()}>
                        { format!("✘ {} of {total} objectives failed", total - held) }
                    </span>
                },
            };
            let p99 = v.worst_p99_ms.as_ref().map(|(service, ms)| {
                html! {
                    <span id="bar-p99" title="the highest p99 latency of a service that served requests">
                        { format!("p99 {} ({service})", metric::value("latency_ms", *ms)) }
                    </span>
                }
            });
            let failed_class = if v.requests_failed > 0 { "bad" } else { "" };
            html! {
                <>
                { objectives }
                { for p99 }
                if v.requests_arrived > 0 {
                    <span id="bar-failed" class={failed_class}>
                        { format!("{} of {} requests failed", v.requests_failed, v.requests_arrived) }
                    </span>
                }
                <span id="bar-cost">{ format!("{} USD per hour", metric::round(v.cost_per_hour)) }</span>
                <span id="bar-tasks" class={if v.running < v.desired { "bad" } else { "" }}>
                    { format!("{} of {} tasks running", v.running, v.desired) }
                </span>
                </>
            }
        }
    };
    html! {
        <div id="results-bar" role="status" aria-live="polite" data-stale={stale.to_string()}>
            if stale {
                <span id="stale-badge" class="badge stale">{ "out of date: edited since this run — press Run" }</span>
            }
            { body }
        </div>
    }
}
