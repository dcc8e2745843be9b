//! The ecsim web app: pick a scenario (built in, or saved in the browser: `builtin`, `saved`),
//! set its common knobs in the form (`form_panel`) or edit its text, set a seed, Run. The
//! simulation runs in a Web Worker (`ecsim_web::worker`) so the page stays responsive: a progress
//! bar follows the simulated time, the charts and the cluster view (`cluster_view`) fill in as it
//! goes, and the run can be paused, resumed or stopped; the worker also checks every edit and
//! applies the form's. When a run ends, plotters charts on canvases (`outputs`) show the
//! cluster's CPU and memory, tasks by state, requests, latency, start-up, cost and each
//! instance; the cluster view can be scrubbed along the run; the summary panel shows the report
//! the CLI prints, the lesson's objectives, exports and a share link, and the event log
//! (`log_panel`); "What if…" compares two variants (`what_if`). The page is thin: everything it
//! shows comes from the core's outputs, through `ecsim_web::view`.

mod builtin;
mod cluster_view;
mod form_panel;
mod log_panel;
mod outputs;
mod page;
mod saved;
mod what_if;

use builtin::{group_of, BUILTIN, GROUPS};
use cluster_view::{ClusterFeed, ClusterView};
use ecsim_web::worker::Checked;
use form_panel::{FormNotice, FormPanel};
use log_panel::LogPanel;
use outputs::{blob_url, Canvases};
use page::{on_output, LastRun, Outcome, Page};
use saved::{entry, passed_lessons, Lib};
use what_if::{render_compare, Comparing};

use ecsim_web::view::CompareView;
use ecsim_web::worker::{FormEdit, Input, SimWorker};
use gloo_worker::{Spawnable, WorkerBridge};
use web_sys::{HtmlInputElement, HtmlSelectElement, HtmlTextAreaElement};
use yew::prelude::*;

#[function_component(App)]
fn app() -> Html {
    let choice = use_state(|| 0usize);
    let text = use_state(|| BUILTIN[0].1.to_string());
    // The file name errors and the format go by: the picked scenario's, or a share link's.
    let file = use_state(|| BUILTIN[0].0.to_string());
    let library = use_state(saved::load);
    let notice = use_state(|| None::<String>);
    let name_ref = use_node_ref();
    let picker_ref = use_node_ref();
    // The picker shows the entry in use, also when it changed by Save, Import or Delete (an
    // option's `selected` attribute does not move a select the user has touched).
    {
        let picker_ref = picker_ref.clone();
        use_effect_with((*choice, library.len()), move |(i, _)| {
            if let Some(s) = picker_ref.cast::<HtmlSelectElement>() {
                s.set_value(&i.to_string());
            }
        });
    }
    let last: LastRun = use_mut_ref(Default::default);
    let outcome = use_state(|| Outcome::None);
    let checked = use_state(Checked::default);
    let pngs = use_state(Vec::<(String, String)>::new);
    let variant_b = use_state(|| None::<String>);
    let comparing: Comparing = (
        use_state(|| None::<CompareView>),
        use_state(|| (0u32, 0u32)),
    );
    let seeds_ref = use_node_ref();
    let canvases = Canvases {
        reservation: use_node_ref(),
        tasks: use_node_ref(),
        requests: use_node_ref(),
        latency: use_node_ref(),
        startup: use_node_ref(),
        cost: use_node_ref(),
        hosts: use_node_ref(),
        hosts_mem: use_node_ref(),
        hosts_cpu_used: use_node_ref(),
        service_tasks: use_node_ref(),
    };
    let text_ref = use_node_ref();
    let seed_ref = use_node_ref();
    let current_text = use_mut_ref(String::new);
    *current_text.borrow_mut() = (*text).clone();
    let form_notice = use_state(|| None::<FormNotice>);
    let cluster = use_state(|| ClusterFeed::None);
    // One worker for the page, spawned at the first Run.
    let bridge = use_mut_ref(|| None::<WorkerBridge<SimWorker>>);
    // Set when the worker reports a panic: the next message goes to a new worker.
    let crashed = use_memo((), |_| std::cell::Cell::new(false));

    let page = Page {
        outcome: outcome.clone(),
        checked: checked.clone(),
        canvases: canvases.clone(),
        last: last.clone(),
        pngs: pngs.clone(),
        crashed: crashed.clone(),
        comparing: comparing.clone(),
        text: text.clone(),
        current_text: current_text.clone(),
        form_notice: form_notice.clone(),
        cluster: cluster.clone(),
    };
    let send = {
        let (bridge, page) = (bridge.clone(), page.clone());
        move |input: Input| {
            if let Input::Run { text, file, .. } = &input {
                *page.last.borrow_mut() = (text.clone(), file.clone());
            }
            let mut b = bridge.borrow_mut();
            if page.crashed.replace(false) {
                *b = None;
            }
            let b = b.get_or_insert_with(|| {
                let page = page.clone();
                SimWorker::spawner()
                    .callback(move |out| on_output(out, &page))
                    .spawn("worker.js")
            });
            b.send(input);
        }
    };
    // Opened from a share link: its scenario and seed, run at once.
    {
        let (send, text, file, seed_ref, outcome) = (
            send.clone(),
            text.clone(),
            file.clone(),
            seed_ref.clone(),
            outcome.clone(),
        );
        use_effect_with((), move |_| {
            let hash = web_sys::window()
                .and_then(|w| w.location().hash().ok())
                .unwrap_or_default();
            if hash.contains("t=") {
                match ecsim_front::share::decode(&hash) {
                    Ok(shared) => {
                        text.set(shared.text.clone());
                        file.set(shared.file.clone());
                        if let (Some(s), Some(input)) =
                            (shared.seed, seed_ref.cast::<HtmlInputElement>())
                        {
                            input.set_value(&s.to_string());
                        }
                        send(Input::Run {
                            text: shared.text,
                            file: shared.file,
                            seed: shared.seed,
                        });
                    }
                    Err(e) => outcome.set(Outcome::Error(e.to_string())),
                }
            }
        });
    }
    // The worker starts with the page and checks the scenario shown (it also compiles its wasm
    // before the first Run).
    {
        let send = send.clone();
        let (text, file) = ((*text).clone(), (*file).clone());
        use_effect_with((text.clone(), file.clone()), move |_| {
            send(Input::Check { text, file });
        });
    }

    let on_pick = {
        let (choice, text, file, outcome, send) = (
            choice.clone(),
            text.clone(),
            file.clone(),
            outcome.clone(),
            send.clone(),
        );
        let (cluster, form_notice, canvases) =
            (cluster.clone(), form_notice.clone(), canvases.clone());
        let library = library.clone();
        Callback::from(move |e: Event| {
            if let Some(sel) = e.target_dyn_into::<HtmlSelectElement>() {
                let last = BUILTIN.len() + library.len() - 1;
                let i: usize = sel.value().parse().unwrap_or(0).min(last);
                if matches!(*outcome, Outcome::Running { .. }) {
                    send(Input::Stop);
                }
                let (f, t) = entry(&library, i);
                choice.set(i);
                text.set(t);
                file.set(f);
                outcome.set(Outcome::None);
                cluster.set(ClusterFeed::None);
                form_notice.set(None);
                canvases.clear();
            }
        })
    };

    // The user's library: save the editor's text under a name, rename or delete the picked
    // saved scenario, import a file, export the text.
    let lib = Lib {
        library: library.clone(),
        choice: choice.clone(),
        file: file.clone(),
        text: text.clone(),
        notice: notice.clone(),
    };
    let typed_name = {
        let name_ref = name_ref.clone();
        move || {
            let name = name_ref
                .cast::<HtmlInputElement>()
                .map(|i| i.value())
                .unwrap_or_default();
            saved::check_name(&name)
        }
    };
    let on_save = {
        let (lib, typed_name) = (lib.clone(), typed_name.clone());
        Callback::from(move |_: MouseEvent| {
            let name = match typed_name() {
                Ok(n) => n,
                Err(e) => return lib.notice.set(Some(e)),
            };
            let mut list = (*lib.library).clone();
            let k = saved::upsert(&mut list, &name, &lib.text);
            lib.commit(list, Some(k), format!("saved as {name:?} in this browser"));
        })
    };
    let picked_saved = choice
        .checked_sub(BUILTIN.len())
        .filter(|&k| k < library.len());
    let on_rename = {
        let lib = lib.clone();
        Callback::from(move |_: MouseEvent| {
            let Some(k) = picked_saved else { return };
            let name = match typed_name() {
                Ok(n) => n,
                Err(e) => return lib.notice.set(Some(e)),
            };
            if lib
                .library
                .iter()
                .enumerate()
                .any(|(j, s)| j != k && s.name == name)
            {
                return lib
                    .notice
                    .set(Some(format!("{name:?} is taken; pick another name")));
            }
            let mut list = (*lib.library).clone();
            list[k].name = name.clone();
            lib.commit(list, Some(k), format!("renamed to {name:?}"));
        })
    };
    let on_delete = {
        let lib = lib.clone();
        Callback::from(move |_: MouseEvent| {
            let Some(k) = picked_saved else { return };
            let mut list = (*lib.library).clone();
            let gone = list.remove(k);
            // The text stays in the editor, under the default scenario's name.
            lib.commit(
                list,
                None,
                format!("deleted {:?} (its text is still in the editor)", gone.name),
            );
        })
    };
    let on_import = {
        let lib = lib.clone();
        Callback::from(move |e: Event| {
            let Some(input) = e.target_dyn_into::<HtmlInputElement>() else {
                return;
            };
            let Some(f) = input.files().and_then(|l| l.get(0)) else {
                return;
            };
            let f = gloo_file::File::from(f);
            let lib = lib.clone();
            wasm_bindgen_futures::spawn_local(async move {
                let body = match gloo_file::futures::read_as_text(&f).await {
                    Ok(b) => b,
                    Err(e) => {
                        return lib
                            .notice
                            .set(Some(format!("{}: cannot read it: {e}", f.name())))
                    }
                };
                let full = f.name();
                let stem = full.rsplit_once('.').map_or(full.as_str(), |(s, _)| s);
                let name = match saved::check_name(stem) {
                    Ok(n) => n,
                    Err(e) => return lib.notice.set(Some(e)),
                };
                let mut list = (*lib.library).clone();
                let k = saved::upsert(&mut list, &name, &body);
                lib.text.set(body);
                lib.commit(list, Some(k), format!("imported {full:?}"));
            });
        })
    };
    // What-if: variant B starts as a copy of the editor's text; both run on the same seeds.
    let on_make_b = {
        let (variant_b, text) = (variant_b.clone(), text.clone());
        Callback::from(move |_: MouseEvent| variant_b.set(Some((*text).clone())))
    };
    let on_edit_b = {
        let variant_b = variant_b.clone();
        Callback::from(move |e: InputEvent| {
            if let Some(t) = e.target_dyn_into::<HtmlTextAreaElement>() {
                variant_b.set(Some(t.value()));
            }
        })
    };
    let on_compare = {
        let (variant_b, text, file, seeds_ref, outcome, send) = (
            variant_b.clone(),
            text.clone(),
            file.clone(),
            seeds_ref.clone(),
            outcome.clone(),
            send.clone(),
        );
        let comparing = comparing.clone();
        Callback::from(move |_: MouseEvent| {
            let Some(b) = (*variant_b).clone() else {
                return;
            };
            let n = seeds_ref
                .cast::<HtmlInputElement>()
                .and_then(|i| i.value().trim().parse::<u64>().ok())
                .unwrap_or(3);
            if !(1..=20).contains(&n) {
                return outcome.set(Outcome::Error(format!("seeds: {n} is outside 1..=20")));
            }
            comparing.0.set(None);
            send(Input::Compare {
                a: (*text).clone(),
                b,
                file: (*file).clone(),
                seeds: (1..=n).collect(),
            });
        })
    };
    // Export: the editor's text as a file, made when the link is clicked.
    let on_export = {
        let (text, file) = (text.clone(), file.clone());
        Callback::from(move |e: MouseEvent| {
            let name = file
                .rsplit('/')
                .next()
                .unwrap_or("scenario.toml")
                .to_string();
            if let (Some(a), Some(url)) = (
                e.target_dyn_into::<web_sys::HtmlAnchorElement>(),
                blob_url(&text, "text/plain"),
            ) {
                a.set_href(&url);
                a.set_download(&name);
            }
        })
    };

    // Each edit is checked by the worker; Run waits for a valid scenario.
    let on_edit = {
        let text = text.clone();
        Callback::from(move |e: InputEvent| {
            if let Some(t) = e.target_dyn_into::<HtmlTextAreaElement>() {
                text.set(t.value());
            }
        })
    };
    let invalid = checked.error.clone();
    let on_form = {
        let (send, text) = (send.clone(), text.clone());
        Callback::from(move |edit: FormEdit| {
            send(Input::Form {
                text: (*text).clone(),
                edit,
            })
        })
    };

    // Opened with `?crash-test`, the first Run crashes the worker on purpose (the browser test
    // of the crash banner).
    let crash_test = use_mut_ref(|| {
        web_sys::window()
            .and_then(|w| w.location().search().ok())
            .is_some_and(|q| q.contains("crash-test"))
    });
    let on_run = {
        let (file, outcome, text_ref, seed_ref, send) = (
            file.clone(),
            outcome.clone(),
            text_ref.clone(),
            seed_ref.clone(),
            send.clone(),
        );
        Callback::from(move |_: MouseEvent| {
            if crash_test.replace(false) {
                return send(Input::Crash);
            }
            let source = text_ref
                .cast::<HtmlTextAreaElement>()
                .map(|t| t.value())
                .unwrap_or_default();
            let seed_text = seed_ref
                .cast::<HtmlInputElement>()
                .map(|i| i.value())
                .unwrap_or_default();
            let seed = match seed_text.trim() {
                "" => None,
                s => match s.parse::<u64>() {
                    Ok(v) => Some(v),
                    Err(_) => {
                        outcome.set(Outcome::Error(format!(
                            "seed: {s:?} is not a whole number ≥ 0"
                        )));
                        return;
                    }
                },
            };
            send(Input::Run {
                text: source,
                file: (*file).clone(),
                seed,
            });
        })
    };
    let control = |input: Input| {
        let send = send.clone();
        Callback::from(move |_: MouseEvent| send(input.clone()))
    };

    let description = checked.description.clone();
    // Read at each render: a run that passes a lesson adds to it.
    let passed = passed_lessons();
    let (running, paused) = match *outcome {
        Outcome::Running { paused, .. } => (true, paused),
        _ => (false, false),
    };

    html! {
        <main>
            <header>
                <h1>{ "ecsim" }</h1>
                <p class="tagline">{ "A deterministic simulator of an Amazon ECS cluster, running in your browser." }</p>
                <p class="howto">{ "Pick a scenario or a lesson, press Run, and read the charts, the objectives and the report below. Change anything in the scenario text at the bottom and run again; the same seed always gives the same run." }</p>
            </header>
            <section class="controls">
                <label>{ "Scenario " }
                    <select id="scenario" ref={picker_ref} onchange={on_pick}>
                        { for GROUPS.iter().map(|(label, folder)| html! {
                            <optgroup label={*label}>
                                { for BUILTIN.iter().enumerate().filter(|(_, (f, _))| group_of(f) == *folder).map(|(i, (f, _))| html! {
                                    <option value={i.to_string()} selected={i == *choice}>
                                        { if passed.iter().any(|p| p == f) { format!("✔ {f}") } else { f.to_string() } }
                                    </option>
                                }) }
                            </optgroup>
                        }) }
                        if !library.is_empty() {
                            <optgroup label="My scenarios (in this browser)">
                                { for library.iter().enumerate().map(|(k, s)| html! {
                                    <option value={(BUILTIN.len() + k).to_string()} selected={BUILTIN.len() + k == *choice}>
                                        { format!("saved: {}", s.name) }
                                    </option>
                                }) }
                            </optgroup>
                        }
                    </select>
                </label>
                <label>{ "Seed " }<input id="seed" ref={seed_ref} type="number" min="0" placeholder="scenario's" /></label>
                <button id="run" onclick={on_run} disabled={invalid.is_some()}
                    title={invalid.clone().map(|e| format!("Fix the scenario first: {e}")).unwrap_or_default()}>
                    { if running { "Restart" } else { "Run" } }
                </button>
                <button id="pause" disabled={!running || paused} onclick={control(Input::Pause)}>{ "Pause" }</button>
                <button id="resume" disabled={!paused} onclick={control(Input::Resume)}>{ "Resume" }</button>
                <button id="stop" disabled={!running} onclick={control(Input::Stop)}>{ "Stop" }</button>
                { if comparing.1 .1 > 1 && matches!(*outcome, Outcome::Running { .. }) {
                    html! { <span id="compare-progress">{ format!("what-if run {} of {}: ", comparing.1 .0, comparing.1 .1) }</span> }
                } else { html! {} } }
                { render_progress(&outcome) }
                <div id="library">
                    <label>{ "Name " }<input id="save-name" ref={name_ref} type="text" placeholder="my scenario" /></label>
                    <button id="save" onclick={on_save}>{ "Save" }</button>
                    <button id="rename" onclick={on_rename} disabled={picked_saved.is_none()}>{ "Rename" }</button>
                    <button id="delete" onclick={on_delete} disabled={picked_saved.is_none()}>{ "Delete" }</button>
                    <label class="import">{ "Import " }<input id="import" type="file" accept=".toml,.json,text/plain,application/json" onchange={on_import} /></label>
                    <a id="export" href="#" onclick={on_export}>{ "Export the text" }</a>
                    { for notice.iter().map(|n| html! { <span id="library-notice">{ n }</span> }) }
                </div>
                <p id="description">{ description }</p>
                { for checked.lesson.iter().map(|l| html! {
                    <div id="lesson">
                        <p class="concept">{ &l.concept }</p>
                        if !l.tries.is_empty() {
                            <p class="try-title">{ "Try:" }</p>
                            <ul class="try">{ for l.tries.iter().map(|t| html! { <li>{ t }</li> }) }</ul>
                        }
                    </div>
                }) }
                <FormPanel fields={checked.fields.clone()} form_error={checked.form_error.clone()}
                    error={checked.error_knob.zip(invalid.clone())} notice={(*form_notice).clone()} on_edit={on_form} />
            </section>
            <ClusterView feed={(*cluster).clone()} />
            <section class="result">
                <div class="charts">
                    <canvas id="chart" role="img" aria-label="Cluster CPU and memory reserved and CPU used, % of registered, over simulated time" ref={canvases.reservation.clone()} width="540" height="340"></canvas>
                    <canvas id="tasks-chart" role="img" aria-label="Tasks by state, registered instances and Auto Scaling groups over simulated time" ref={canvases.tasks.clone()} width="540" height="340"></canvas>
                    <canvas id="service-tasks-chart" role="img" aria-label="Desired and running tasks per service over simulated time" ref={canvases.service_tasks.clone()} width="540" height="340"></canvas>
                    <canvas id="requests-chart" role="img" aria-label="Requests served and failed per second over simulated time" ref={canvases.requests.clone()} width="540" height="340"></canvas>
                    <canvas id="latency-chart" role="img" aria-label="Latency p50 and p99 per window, ms" ref={canvases.latency.clone()} width="540" height="340"></canvas>
                    <canvas id="startup-chart" role="img" aria-label="Start-up phases per service: provisioning, pull, start, health, in seconds" ref={canvases.startup.clone()} width="540" height="340"></canvas>
                    <canvas id="cost-chart" role="img" aria-label="Cost so far in US dollars" ref={canvases.cost.clone()} width="540" height="340"></canvas>
                    <canvas id="hosts-chart" role="img" aria-label="CPU reserved per instance, %" ref={canvases.hosts.clone()} width="540" height="340"></canvas>
                    <canvas id="hosts-memory-chart" role="img" aria-label="Memory reserved per instance, %" ref={canvases.hosts_mem.clone()} width="540" height="340"></canvas>
                    <canvas id="hosts-cpu-used-chart" role="img" aria-label="CPU used per instance, %" ref={canvases.hosts_cpu_used.clone()} width="540" height="340"></canvas>
                </div>
                { render_outcome(&outcome, &pngs) }
            </section>
            <section id="what-if">
                <h2>{ "What if…" }</h2>
                if let Some(b) = (*variant_b).clone() {
                    <p>{ "Variant A is the scenario text below; edit variant B here, then compare both over the same seeds." }</p>
                    <textarea id="variant-b" rows="12" cols="100" value={b} spellcheck="false" oninput={on_edit_b} aria-label="variant B" />
                    <label>{ "Seeds " }<input id="seeds" ref={seeds_ref} type="number" min="1" max="20" placeholder="3" /></label>
                    <button id="compare" onclick={on_compare}>{ "Compare A and B" }</button>
                } else {
                    <button id="make-b" onclick={on_make_b}>{ "Make variant B from this scenario" }</button>
                }
                { for comparing.0.iter().map(render_compare) }
            </section>
            <details id="editor">
                <summary>{ "Scenario text (edit, then Run)" }</summary>
                { for invalid.iter().map(|e| html! {
                    <pre id="check-error" role="alert">{ format!("Run is off until this is fixed: {e}") }</pre>
                }) }
                <textarea id="scenario-text" ref={text_ref} rows="30" cols="100" value={(*text).clone()} spellcheck="false" oninput={on_edit} aria-label="scenario text" />
            </details>
        </main>
    }
}

/// The progress bar over simulated time while a run goes on.
fn render_progress(o: &Outcome) -> Html {
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

fn render_outcome(o: &Outcome, pngs: &[(String, String)]) -> Html {
    match o {
        Outcome::None | Outcome::Running { .. } | Outcome::Stopped { .. } => {
            html! { <div id="summary" class="empty">{ "Press Run to simulate the scenario." }</div> }
        }
        Outcome::Error(e) => {
            html! { <div id="summary" class="error"><pre id="error">{ e }</pre></div> }
        }
        Outcome::Done(v, x) => html! {
            <div id="summary" data-running-tasks={v.running.to_string()} data-trace-hash={v.trace_hash.clone()} data-run={v.run.to_string()}>
                <ul id="objectives">
                    { for v.objectives.iter().map(|o| html! {
                        <li class={if o.held { "held" } else { "failed" }}>
                            { if o.held { "✔ " } else { "✘ " } }{ &o.name }<span class="detail">{ format!(" — {}", o.detail) }</span>
                            if !o.explain.is_empty() {
                                <div class="explain">{ &o.explain }</div>
                            }
                            if !o.held && !o.hint.is_empty() {
                                <div class="hint">{ format!("Hint: {}", o.hint) }</div>
                            }
                        </li>
                    }) }
                </ul>
                <p id="exports">
                    <a id="share" href={x.share.clone()}>{ "Share link (scenario and seed)" }</a>
                    { for x.summary.iter().map(|u| html! { <a id="export-summary" href={u.clone()} download="summary.json">{ "summary.json" }</a> }) }
                    { for x.timeseries.iter().map(|u| html! { <a id="export-timeseries" href={u.clone()} download="timeseries.csv">{ "timeseries.csv" }</a> }) }
                    { for pngs.iter().map(|(name, u)| html! { <a class="export-png" href={u.clone()} download={name.clone()}>{ name.clone() }</a> }) }
                </p>
                <pre id="report">{ &v.report }</pre>
                <LogPanel lines={v.log.clone()} total={v.log_total} />
            </div>
        },
    }
}

fn main() {
    yew::Renderer::<App>::new().render();
}
