//! The event log panel: the run's log lines, filtered by kind and by a search over the task,
//! service, host and message.

use ecsim_web::view::LogLine;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct LogProps {
    pub lines: Vec<LogLine>,
    pub total: usize,
}

/// The event log, filtered by kind and by a search over the task, service, host and message.
#[function_component(LogPanel)]
pub fn log_panel(p: &LogProps) -> Html {
    let kind = use_state(String::new);
    let search = use_state(String::new);
    let mut kinds: Vec<&str> = p.lines.iter().map(|l| l.kind.as_str()).collect();
    kinds.sort_unstable();
    kinds.dedup();
    let needle = search.to_lowercase();
    let shown: Vec<String> = p
        .lines
        .iter()
        .filter(|l| kind.is_empty() || l.kind == *kind)
        .filter(|l| {
            needle.is_empty()
                || l.message.to_lowercase().contains(&needle)
                || l.about.to_lowercase().contains(&needle)
        })
        .map(LogLine::text)
        .collect();
    let on_kind = {
        let kind = kind.clone();
        Callback::from(move |e: Event| {
            if let Some(s) = e.target_dyn_into::<HtmlSelectElement>() {
                kind.set(s.value());
            }
        })
    };
    let on_search = {
        let search = search.clone();
        Callback::from(move |e: InputEvent| {
            if let Some(i) = e.target_dyn_into::<HtmlInputElement>() {
                search.set(i.value());
            }
        })
    };
    html! {
        <details open=true id="log-panel">
            <summary>{ format!("Event log ({} of {} entries shown)", shown.len(), p.total) }</summary>
            <div class="log-filters">
                <label>{ "Kind " }
                    <select id="log-kind" onchange={on_kind}>
                        <option value="" selected={kind.is_empty()}>{ "all" }</option>
                        { for kinds.iter().map(|k| html! { <option value={k.to_string()} selected={*k == kind.as_str()}>{ *k }</option> }) }
                    </select>
                </label>
                <label>{ " Search " }<input id="log-search" type="search" placeholder="task, host, service or text" oninput={on_search} /></label>
            </div>
            <pre id="log">{ shown.join("\n") }</pre>
        </details>
    }
}
