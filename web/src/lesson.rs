//! The scenario's description and, for a lesson, its concept, what to try and (an exercise)
//! its solution. A Try with a checkpoint is ticked once the last run reached it, and a Try
//! that says what it changes can be done for the learner ("Do it", which writes its settings
//! into the text as `ecsim run --set` would). The box stays while an edit makes the text
//! invalid, with the error in it: that is when a learner needs it.

use crate::gallery::Solution;
use crate::link::use_ctx;
use crate::page::Outcome;
use ecsim_web::worker::{FormEdit, Input};
use yew::prelude::*;

#[function_component(LessonPanel)]
pub fn lesson_panel() -> Html {
    let ctx = use_ctx();
    let s = &ctx.state;
    let c = &s.checked;
    // The last run's checkpoints, while it is the run of this text.
    let reached = |step: usize| match &s.outcome {
        Outcome::Done(v, _) if !s.stale() => v
            .checkpoints
            .iter()
            .find(|k| k.step == step)
            .map(|k| k.reached),
        _ => None,
    };
    let do_it = |set: &[String]| {
        let (link, text, file, set) = (
            ctx.link.clone(),
            s.text.clone(),
            s.file.clone(),
            set.to_vec(),
        );
        Callback::from(move |_: MouseEvent| {
            let settings = set
                .iter()
                .filter_map(|a| a.split_once('='))
                .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
                .collect();
            link.send(Input::Form {
                text: text.clone(),
                edit: FormEdit::Settings {
                    file: file.clone(),
                    settings,
                },
            });
        })
    };
    html! {
        <>
        <p id="description">{ c.description.clone() }</p>
        { for c.lesson.iter().map(|l| html! {
            <div id="lesson">
                <p class="concept">{ &l.concept }</p>
                if !l.tries.is_empty() {
                    <p class="try-title">{ "Try:" }</p>
                    <ol class="try">{ for l.tries.iter().enumerate().map(|(k, t)| {
                        let state = reached(k + 1);
                        html! {
                            <li data-step={(k + 1).to_string()} data-reached={state.map(|r| r.to_string())}
                                class={classes!(state.map(|r| if r { "reached" } else { "not-yet" }))}>
                                { &t.what }
                                if !t.set.is_empty() {
                                    { " " }<button class="do-try" title={t.set.join(", ")} onclick={do_it(&t.set)}>{ "Do it" }</button>
                                }
                                { match state {
                                    Some(true) => html! { <span class="checkpoint">{ " ✔ done: its checkpoint holds" }</span> },
                                    Some(false) => html! { <span class="checkpoint">{ " · its checkpoint does not hold yet" }</span> },
                                    None => html! {},
                                } }
                            </li>
                        }
                    }) }</ol>
                }
                { for c.error.iter().map(|e| html! {
                    <p id="lesson-error" class="error" role="alert">{ format!("The scenario cannot run until this is fixed: {e}") }</p>
                }) }
                <Solution />
            </div>
        }) }
        </>
    }
}
