//! What is loaded and where it came from, and the gallery to load another. The scenario bar
//! always says the scenario's name, its source (built-in, mine, a shared link, an edited copy)
//! and the seed Run runs; the gallery shows the built-in lessons and templates as cards by
//! topic (what each teaches, its level and time, ✔ once passed), then the user's saved
//! scenarios. A card is a button: it loads on a click or Enter, never on an arrow key, and
//! loading stops a run in progress and blanks the results.

use crate::builtin::{Topic, BUILTIN};
use crate::link::{use_ctx, Link};
use crate::page::{Action, Origin};
use crate::saved::passed_lessons;
use ecsim_web::worker::Input;
use yew::prelude::*;

/// Loads `origin`'s text, stopping a run first.
fn load(link: &Link, running: bool, origin: Origin, text: String) {
    if running {
        link.send(Input::Stop);
    }
    // What the old run still sends (progress already on its way, its end) is not this one's.
    link.abandon();
    link.canvases.clear();
    link.canvases.reset_hidden();
    link.dispatch.dispatch(Action::Pick { origin, text });
}

#[function_component(ScenarioBar)]
pub fn scenario_bar() -> Html {
    let ctx = use_ctx();
    let s = &ctx.state;
    let source = s.source();
    let seed = match (s.seed.trim(), s.checked.seed) {
        ("", Some(own)) => format!("seed {own} (the scenario's)"),
        ("", None) => "the scenario's seed".to_string(),
        (typed, _) => format!("seed {typed}"),
    };
    let toggle = {
        let (dispatch, open) = (ctx.link.dispatch.clone(), s.gallery);
        Callback::from(move |_: MouseEvent| dispatch.dispatch(Action::Gallery(!open)))
    };
    html! {
        <div id="scenario-bar">
            <span class="label">{ "Scenario" }</span>
            <strong id="scenario-name">{ s.name() }</strong>
            <span id="scenario-source" class={classes!("badge", source.key())} data-source={source.key()}>{ source.label() }</span>
            <span id="scenario-seed">{ seed }</span>
            <button id="gallery-toggle" aria-expanded={s.gallery.to_string()} aria-controls="gallery" onclick={toggle}>
                { if s.gallery { "Close the gallery" } else { "Lessons and templates…" } }
            </button>
        </div>
    }
}

#[function_component(Gallery)]
pub fn gallery() -> Html {
    let ctx = use_ctx();
    let s = &ctx.state;
    if !s.gallery {
        return html! {};
    }
    let running = s.running();
    // Read at each render: a run that passes a lesson adds to it.
    let passed = passed_lessons();
    let card = |i: usize| {
        let b = &BUILTIN[i];
        let done = passed.iter().any(|p| p == b.file);
        let current = s.origin == Origin::Builtin(i);
        let onclick = {
            let link = ctx.link.clone();
            Callback::from(move |_: MouseEvent| {
                load(
                    &link,
                    running,
                    Origin::Builtin(i),
                    BUILTIN[i].text.to_string(),
                )
            })
        };
        html! {
            <li>
                <button class={classes!("card", current.then_some("current"), done.then_some("passed"))}
                    data-file={b.file} aria-current={current.then_some("true")} {onclick}>
                    <span class="card-title">{ b.title }{ if done { " ✔" } else { "" } }</span>
                    <span class="card-teaches">{ b.teaches }</span>
                    <span class="card-meta">
                        { format!("{} · {} min", b.level.word(), b.minutes) }
                        if done { <span class="card-passed">{ " · passed" }</span> }
                    </span>
                </button>
            </li>
        }
    };
    let saved = s.library.iter().enumerate().map(|(k, e)| {
        let onclick = {
            let (link, text) = (ctx.link.clone(), e.text.clone());
            Callback::from(move |_: MouseEvent| load(&link, running, Origin::Saved(k), text.clone()))
        };
        let current = s.origin == Origin::Saved(k);
        html! {
            <li>
                <button class={classes!("card", current.then_some("current"))} data-saved={e.name.clone()}
                    aria-current={current.then_some("true")} {onclick}>
                    <span class="card-title">{ &e.name }</span>
                    <span class="card-meta">{ "saved in this browser" }</span>
                </button>
            </li>
        }
    });
    html! {
        <section id="gallery" aria-label="lessons and templates">
            { for Topic::ALL.iter().map(|&topic| {
                let cards: Vec<usize> = (0..BUILTIN.len())
                    .filter(|&i| BUILTIN[i].topic == topic && BUILTIN[i].solves.is_none())
                    .collect();
                html! {
                    <div class="topic" data-topic={format!("{topic:?}")}>
                        <h2>{ topic.title() }</h2>
                        <ul class="cards">{ for cards.into_iter().map(card) }</ul>
                    </div>
                }
            }) }
            if !s.library.is_empty() {
                <div class="topic" data-topic="mine">
                    <h2>{ "My scenarios (in this browser)" }</h2>
                    <ul class="cards">{ for saved }</ul>
                </div>
            }
        </section>
    }
}

/// An exercise's solution, behind "show solution": what it changes, and a button to load it.
#[function_component(Solution)]
pub fn solution() -> Html {
    let ctx = use_ctx();
    let s = &ctx.state;
    let Origin::Builtin(i) = s.origin else {
        return html! {};
    };
    let Some(k) = BUILTIN.get(i).and_then(|b| b.solution()) else {
        return html! {};
    };
    let onclick = {
        let (link, running) = (ctx.link.clone(), s.running());
        Callback::from(move |_: MouseEvent| {
            load(
                &link,
                running,
                Origin::Builtin(k),
                BUILTIN[k].text.to_string(),
            )
        })
    };
    html! {
        <details id="solution">
            <summary>{ "Show solution" }</summary>
            <p>{ BUILTIN[k].teaches }</p>
            <button id="load-solution" {onclick}>{ "Load the solution" }</button>
        </details>
    }
}
