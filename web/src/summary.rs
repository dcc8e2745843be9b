//! A finished run as the page shows it: the scenario's warnings (what it runs with but may not
//! mean), the lesson's objectives (held or not, with the explanation and a hint), the downloads and share link, the report the CLI prints, and the
//! event log; or the error, or the prompt to Run.

use crate::link::use_ctx;
use crate::log_panel::LogPanel;
use crate::page::Outcome;
use yew::prelude::*;

#[function_component(SummaryPanel)]
pub fn summary_panel() -> Html {
    let ctx = use_ctx();
    match &ctx.state.outcome {
        Outcome::None | Outcome::Running { .. } | Outcome::Stopped { .. } => {
            html! { <div id="summary" class="empty">{ "Press Run to simulate the scenario." }</div> }
        }
        Outcome::Error(e) => {
            html! { <div id="summary" class="error"><pre id="error">{ e }</pre></div> }
        }
        Outcome::Done(v, x) => {
            // After a Try whose checkpoint holds, an objective of the lesson as given that no
            // longer holds is what the Try was for: shown as moved on, not as failed.
            html! {
            <div id="summary" data-running-tasks={v.running.to_string()} data-trace-hash={v.trace_hash.clone()} data-run={v.run.to_string()}>
                if !v.warnings.is_empty() {
                    <ul id="warnings">
                        { for v.warnings.iter().map(|w| html! { <li class="warning">{ format!("⚠ {w}") }</li> }) }
                    </ul>
                }
                <ul id="objectives">
                    { for v.objectives.iter().map(|o| {
                        let moved_by = v.moved_by(o);
                        let (class, mark) = match (o.held, moved_by) {
                            (true, _) => ("held", "✔ "),
                            (false, Some(_)) => ("moved", "↷ "),
                            (false, None) => ("failed", "✘ "),
                        };
                        html! {
                            <li {class}>
                                { mark }{ &o.name }<span class="detail">{ format!(" — {}", o.detail) }</span>
                                if let (false, Some(step)) = (o.held, moved_by) {
                                    <div class="explain">{ format!("That held as given; Try {step} changed it, as it should.") }</div>
                                } else if !o.explain.is_empty() {
                                    <div class="explain">{ &o.explain }</div>
                                }
                                if !o.held && moved_by.is_none() && !o.hint.is_empty() {
                                    <div class="hint">{ format!("Hint: {}", o.hint) }</div>
                                }
                            </li>
                        }
                    }) }
                </ul>
                if !v.checkpoints.is_empty() {
                    <ul id="checkpoints" aria-label="checkpoints of the things to try">
                        { for v.checkpoints.iter().map(|k| html! {
                            <li class={if k.reached { "reached" } else { "not-yet" }} data-step={k.step.to_string()}>
                                { if k.reached { format!("✔ Try {}: done", k.step) } else { format!("· Try {}: not done yet", k.step) } }
                                <ul>{ for k.expect.iter().map(|o| html! {
                                    <li class={if o.held { "held" } else { "not-yet" }}>
                                        { if o.held { "✔ " } else { "· " } }{ &o.name }<span class="detail">{ format!(" — {}", o.detail) }</span>
                                    </li>
                                }) }</ul>
                            </li>
                        }) }
                    </ul>
                }
                <p id="exports">
                    <a id="share" href={x.share.clone()}>{ "Share link (scenario and seed)" }</a>
                    { for x.summary.iter().map(|u| html! { <a id="export-summary" href={u.as_str().to_string()} download="summary.json">{ "summary.json" }</a> }) }
                    { for x.timeseries.iter().map(|u| html! { <a id="export-timeseries" href={u.as_str().to_string()} download="timeseries.csv">{ "timeseries.csv" }</a> }) }
                    { for ctx.state.pngs.iter().map(|(name, u)| html! { <a class="export-png" href={u.clone()} download={name.clone()}>{ name.clone() }</a> }) }
                </p>
                <pre id="report">{ &v.report }</pre>
                <LogPanel lines={v.log.clone()} total={v.log_total} />
            </div>
            }
        }
    }
}
