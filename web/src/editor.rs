//! The scenario text: every edit goes to the page's state, and the worker checks it (Run is off,
//! with the reason shown here, while the text is not a valid scenario).

use crate::link::use_ctx;
use crate::page::Action;
use web_sys::HtmlTextAreaElement;
use yew::prelude::*;

#[function_component(Editor)]
pub fn editor() -> Html {
    let ctx = use_ctx();
    let on_edit = {
        let dispatch = ctx.link.dispatch.clone();
        Callback::from(move |e: InputEvent| {
            if let Some(t) = e.target_dyn_into::<HtmlTextAreaElement>() {
                dispatch.dispatch(Action::Edit(t.value()));
            }
        })
    };
    html! {
        <details id="editor">
            <summary>{ "Scenario text (edit, then Run)" }</summary>
            { for ctx.state.checked.error.iter().map(|e| html! {
                <pre id="check-error" role="alert">{ format!("Run is off until this is fixed: {e}") }</pre>
            }) }
            <textarea id="scenario-text" rows="30" cols="100" value={ctx.state.text.clone()} spellcheck="false" oninput={on_edit} aria-label="scenario text" />
        </details>
    }
}
