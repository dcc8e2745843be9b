//! The run controls: the seed (the page's only one: empty runs the scenario's own, which the
//! box shows), Run (Restart while a run goes on), Pause, Resume, Stop, and the progress bar
//! over simulated time (with which of a what-if's runs goes on).

use crate::link::use_ctx;
use crate::page::{Action, Outcome};
use ecsim_web::worker::Input;
use web_sys::HtmlInputElement;
use yew::prelude::*;

#[function_component(Controls)]
pub fn controls() -> Html {
    let ctx = use_ctx();
    let s = &ctx.state;
    let invalid = s.checked.error.clone();
    let (running, paused) = match s.outcome {
        Outcome::Running { paused, .. } => (true, paused),
        _ => (false, false),
    };
    // Opened with `?crash-test`, the first Run crashes the worker on purpose (the browser test
    // of the crash banner).
    let crash_test = use_mut_ref(|| {
        web_sys::window()
            .and_then(|w| w.location().search().ok())
            .is_some_and(|q| q.contains("crash-test"))
    });
    let on_run = {
        let (link, state) = (ctx.link.clone(), s.clone());
        Callback::from(move |_: MouseEvent| {
            if crash_test.replace(false) {
                return link.send(Input::Crash);
            }
            link.run(&state);
        })
    };
    let on_seed = {
        let dispatch = ctx.link.dispatch.clone();
        Callback::from(move |e: InputEvent| {
            if let Some(i) = e.target_dyn_into::<HtmlInputElement>() {
                dispatch.dispatch(Action::Seed(i.value()));
            }
        })
    };
    let placeholder = s
        .checked
        .seed
        .map_or("scenario's".to_string(), |v| format!("{v} (scenario's)"));
    let (run, runs) = s.compare_run;
    let disabled = invalid.is_some();
    let title = invalid
        .map(|e| format!("Fix the scenario first: {e}"))
        .unwrap_or_default();
    html! {
        <>
        <label>{ "Seed " }<input id="seed" type="number" min="0" placeholder={placeholder} value={s.seed.clone()} oninput={on_seed} /></label>
        <button id="run" onclick={on_run} {disabled} {title}>
            { if running { "Restart" } else { "Run" } }
        </button>
        <button id="pause" disabled={!running || paused} onclick={ctx.link.sender(Input::Pause)}>{ "Pause" }</button>
        <button id="resume" disabled={!paused} onclick={ctx.link.sender(Input::Resume)}>{ "Resume" }</button>
        <button id="stop" disabled={!running} onclick={ctx.link.sender(Input::Stop)}>{ "Stop" }</button>
        if runs > 1 && running {
            <span id="compare-progress">{ format!("what-if run {run} of {runs}: ") }</span>
        }
        { progress(&s.outcome) }
        </>
    }
}

/// The progress bar over simulated time while a run goes on.
fn progress(o: &Outcome) -> Html {
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
