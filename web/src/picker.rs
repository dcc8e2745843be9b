//! The scenario picker: the built-in library by group (templates, lessons, validation; a passed
//! lesson ticked), then the user's saved scenarios. Picking one stops a run in progress, blanks
//! the charts and puts the scenario in the editor.

use crate::builtin::{group_of, BUILTIN, GROUPS};
use crate::link::use_ctx;
use crate::page::Action;
use crate::saved::{entry, passed_lessons};
use ecsim_web::worker::Input;
use web_sys::HtmlSelectElement;
use yew::prelude::*;

#[function_component(Picker)]
pub fn picker() -> Html {
    let ctx = use_ctx();
    let (choice, library) = (ctx.state.choice, ctx.state.library.clone());
    let picker_ref = use_node_ref();
    // The picker shows the entry in use, also when it changed by Save, Import or Delete (an
    // option's `selected` attribute does not move a select the user has touched).
    {
        let picker_ref = picker_ref.clone();
        use_effect_with((choice, library.len()), move |(i, _)| {
            if let Some(s) = picker_ref.cast::<HtmlSelectElement>() {
                s.set_value(&i.to_string());
            }
        });
    }
    let on_pick = {
        let (link, library, running) = (ctx.link.clone(), library.clone(), ctx.state.running());
        Callback::from(move |e: Event| {
            let Some(sel) = e.target_dyn_into::<HtmlSelectElement>() else {
                return;
            };
            let last = BUILTIN.len() + library.len() - 1;
            let i: usize = sel.value().parse().unwrap_or(0).min(last);
            if running {
                link.send(Input::Stop);
            }
            let (file, text) = entry(&library, i);
            link.canvases.clear();
            link.dispatch.dispatch(Action::Pick { i, file, text });
        })
    };
    // Read at each render: a run that passes a lesson adds to it.
    let passed = passed_lessons();
    html! {
        <label>{ "Scenario " }
            <select id="scenario" ref={picker_ref} onchange={on_pick}>
                { for GROUPS.iter().map(|(label, folder)| html! {
                    <optgroup label={*label}>
                        { for BUILTIN.iter().enumerate().filter(|(_, (f, _))| group_of(f) == *folder).map(|(i, (f, _))| html! {
                            <option value={i.to_string()} selected={i == choice}>
                                { if passed.iter().any(|p| p == f) { format!("✔ {f}") } else { f.to_string() } }
                            </option>
                        }) }
                    </optgroup>
                }) }
                if !library.is_empty() {
                    <optgroup label="My scenarios (in this browser)">
                        { for library.iter().enumerate().map(|(k, s)| html! {
                            <option value={(BUILTIN.len() + k).to_string()} selected={BUILTIN.len() + k == choice}>
                                { format!("saved: {}", s.name) }
                            </option>
                        }) }
                    </optgroup>
                }
            </select>
        </label>
    }
}
