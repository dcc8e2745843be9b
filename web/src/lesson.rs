//! The scenario's description and, for a lesson, its concept, what to try and (an exercise)
//! its solution. The box stays while an edit makes the text invalid, with the error in it:
//! that is when a learner needs it.

use crate::gallery::Solution;
use crate::link::use_ctx;
use yew::prelude::*;

#[function_component(LessonPanel)]
pub fn lesson_panel() -> Html {
    let ctx = use_ctx();
    let c = &ctx.state.checked;
    html! {
        <>
        <p id="description">{ c.description.clone() }</p>
        { for c.lesson.iter().map(|l| html! {
            <div id="lesson">
                <p class="concept">{ &l.concept }</p>
                if !l.tries.is_empty() {
                    <p class="try-title">{ "Try:" }</p>
                    <ul class="try">{ for l.tries.iter().map(|t| html! { <li>{ t }</li> }) }</ul>
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
