//! The what-if view: variant B made from the scenario and edited beside it, both run over the
//! same seeds by the worker; the comparison as a table of means with 95 % intervals and the
//! difference B − A (metrics in words, rounded, with units; a row coloured only when the
//! difference is significant), a warning with the seeds needed when intervals are too wide to
//! act on, and the first seed's runs of A and B overlaid on charts.

use crate::link::use_ctx;
use crate::page::Action;
use ecsim_front::comparison::{Judgement, MetricComparison};
use ecsim_front::metric;
use ecsim_front::stats::Estimate;
use ecsim_web::chart::{draw_overlay, Overlay};
use ecsim_web::view::CompareView;
use ecsim_web::worker::{FormEdit, Input};
use web_sys::{HtmlCanvasElement, HtmlInputElement, HtmlSelectElement, HtmlTextAreaElement};
use yew::prelude::*;

/// The what-if section: make B, edit it, choose the seeds, compare.
#[function_component(WhatIf)]
pub fn what_if() -> Html {
    let ctx = use_ctx();
    let s = &ctx.state;
    let seeds_ref = use_node_ref();
    // Variant B built with the form: changes of A's settings, each a setting and a value.
    let changes = use_state(|| vec![(String::new(), String::new())]);
    let knobs: Vec<(String, String, String)> = s
        .checked
        .fields
        .iter()
        .filter_map(|f| {
            let now = if f.value.is_empty() {
                &f.placeholder
            } else {
                &f.value
            };
            Some((f.sweep_path()?, f.label.clone(), now.clone()))
        })
        .collect();
    let set_change = |i: usize, which: u8| {
        let changes = changes.clone();
        Callback::from(move |e: Event| {
            let value = if let Some(sel) = e.target_dyn_into::<HtmlSelectElement>() {
                sel.value()
            } else if let Some(inp) = e.target_dyn_into::<HtmlInputElement>() {
                inp.value()
            } else {
                return;
            };
            let mut c = (*changes).clone();
            if let Some(row) = c.get_mut(i) {
                if which == 0 {
                    row.0 = value;
                } else {
                    row.1 = value;
                }
            }
            changes.set(c);
        })
    };
    let on_add_change = {
        let changes = changes.clone();
        Callback::from(move |_: MouseEvent| {
            let mut c = (*changes).clone();
            c.push((String::new(), String::new()));
            changes.set(c);
        })
    };
    let on_make_b_form = {
        let (link, changes) = (ctx.link.clone(), changes.clone());
        let (text, file) = (s.text.clone(), s.file.clone());
        Callback::from(move |_: MouseEvent| {
            let settings: Vec<(String, String)> = changes
                .iter()
                .filter(|(p, v)| !p.is_empty() && !v.trim().is_empty())
                .map(|(p, v)| (p.clone(), v.trim().to_string()))
                .collect();
            if settings.is_empty() {
                let e = "variant B: choose a setting and give it a value first".to_string();
                return link.dispatch.dispatch(Action::VariantNotice(e));
            }
            link.send(Input::Form {
                text: text.clone(),
                edit: FormEdit::Variant {
                    file: file.clone(),
                    settings,
                },
            });
        })
    };
    let dispatch = ctx.link.dispatch.clone();
    let on_make_b = {
        let dispatch = dispatch.clone();
        Callback::from(move |_: MouseEvent| dispatch.dispatch(Action::MakeVariantB))
    };
    let on_edit_b = {
        let dispatch = dispatch.clone();
        Callback::from(move |e: InputEvent| {
            if let Some(t) = e.target_dyn_into::<HtmlTextAreaElement>() {
                dispatch.dispatch(Action::EditVariantB(t.value()));
            }
        })
    };
    let on_compare = {
        let (link, seeds_ref) = (ctx.link.clone(), seeds_ref.clone());
        let (a, b, file) = (s.text.clone(), s.variant_b.clone(), s.file.clone());
        Callback::from(move |_: MouseEvent| {
            let Some(b) = b.clone() else { return };
            let n = seeds_ref
                .cast::<HtmlInputElement>()
                .and_then(|i| i.value().trim().parse::<u64>().ok())
                .unwrap_or(3);
            if !(1..=20).contains(&n) {
                let e = format!("seeds: {n} is outside 1..=20");
                return link.dispatch.dispatch(Action::Refused(e));
            }
            link.dispatch.dispatch(Action::CompareAsked);
            link.send(Input::Compare {
                a: a.clone(),
                b,
                file: file.clone(),
                seeds: (1..=n).collect(),
            });
        })
    };
    html! {
        <section id="what-if">
            <h2>{ "What if…" }</h2>
            if let Some(b) = s.variant_b.clone() {
                <p>{ "Variant A is the scenario text below; edit variant B here, then compare both over the same seeds." }</p>
                <textarea id="variant-b" rows="12" cols="100" value={b} spellcheck="false" oninput={on_edit_b} aria-label="variant B" />
                <label>{ "Seeds " }<input id="seeds" ref={seeds_ref} type="number" min="1" max="20" placeholder="3" /></label>
                <button id="compare" onclick={on_compare}>{ "Compare A and B" }</button>
            } else {
                <p>{ "Variant B is this scenario with some settings changed: choose them here, or copy the whole text and edit it." }</p>
                <div id="variant-form">
                    { for changes.iter().enumerate().map(|(i, (path, value))| {
                        let now = knobs.iter().find(|k| &k.0 == path).map(|k| k.2.clone()).unwrap_or_default();
                        html! {
                            <div class="variant-change">
                                <label>{ "B changes " }
                                    <select class="variant-setting" onchange={set_change(i, 0)}>
                                        <option value="" selected={path.is_empty()}>{ "(choose a setting)" }</option>
                                        { for knobs.iter().map(|(p, label, _)| html! {
                                            <option value={p.clone()} selected={p == path}>{ format!("{label} ({p})") }</option>
                                        }) }
                                    </select>
                                </label>
                                <label>{ " to " }<input class="variant-value" type="text" value={value.clone()} placeholder={now} onchange={set_change(i, 1)} /></label>
                            </div>
                        }
                    }) }
                    <button id="variant-add" onclick={on_add_change}>{ "Another change" }</button>
                    <button id="make-b-form" onclick={on_make_b_form}>{ "Make variant B" }</button>
                </div>
                <button id="make-b" onclick={on_make_b}>{ "Make B as a copy of the text to edit" }</button>
            }
            { for s.variant_notice.iter().map(|n| html! { <p id="variant-notice" class="small">{ n }</p> }) }
            { for s.compared.iter().map(|c| render_compare(c)) }
        </section>
    }
}

/// `mean ± half-width` as the comparison table shows an estimate (the mean alone for one seed).
fn show(e: &Option<Estimate>) -> String {
    match e {
        None => "n/a".into(),
        Some(e) if e.n > 1 => format!(
            "{} ± {}",
            metric::round(e.mean),
            metric::round(e.half_width())
        ),
        Some(e) => metric::round(e.mean),
    }
}

/// B − A paired on the seed, and what it says.
fn difference(r: &MetricComparison) -> (String, &'static str) {
    let d = r.difference.as_ref().map_or("n/a".to_string(), |d| {
        let sign = if d.mean > 0.0 { "+" } else { "" };
        format!(
            "{sign}{} ± {}",
            metric::round(d.mean),
            metric::round(d.half_width())
        )
    });
    let verdict = r.judgement.label();
    (d, verdict)
}

/// Intervals wider than this share of their mean are too wide to act on.
const WIDE: f64 = 0.1;

/// The metrics whose interval in A or B is too wide, with about how many seeds would do (None
/// for a mean of 0, where no share of the mean is narrow enough).
fn too_wide(c: &CompareView) -> Vec<(String, String, Option<u32>)> {
    c.rows
        .iter()
        .filter_map(|r| {
            let widest = [&r.a, &r.b]
                .into_iter()
                .flatten()
                .filter(|e| e.is_wide(WIDE))
                .max_by(|x, y| x.half_width().total_cmp(&y.half_width()))?;
            Some((
                metric::describe(&r.metric),
                show(&Some(*widest)),
                widest.seeds_for(WIDE),
            ))
        })
        .collect()
}

/// The what-if table: each metric's mean over the seeds in A and B, and the difference; then
/// the overlaid charts.
fn render_compare(c: &CompareView) -> Html {
    html! {
        <>
        { table(c) }
        <CompareCharts view={c.clone()} />
        </>
    }
}

#[derive(Properties, PartialEq)]
struct ChartsProps {
    view: CompareView,
}

/// A's and B's series of the first seed, overlaid, one canvas per metric.
#[function_component(CompareCharts)]
fn compare_charts(p: &ChartsProps) -> Html {
    let refs: Vec<NodeRef> = Overlay::ALL.iter().map(|_| NodeRef::default()).collect();
    let refs = use_memo((), move |_| refs);
    let error = use_state(|| None::<String>);
    // Each chart's lines, for its legend.
    let legends = use_state(Vec::<Vec<(String, String)>>::new);
    {
        let (refs, error, legends) = (refs.clone(), error.clone(), legends.clone());
        use_effect_with(p.view.clone(), move |v| {
            if let Some((a, b)) = &v.charts {
                let mut all = Vec::new();
                for (r, what) in refs.iter().zip(Overlay::ALL) {
                    if let Some(c) = r.cast::<HtmlCanvasElement>() {
                        match draw_overlay(c, what, a, b) {
                            Ok(d) => {
                                all.push(d.lines.into_iter().map(|l| (l.name, l.color)).collect())
                            }
                            Err(e) => error.set(Some(format!("could not draw a chart: {e}"))),
                        }
                    }
                }
                legends.set(all);
            }
        });
    }
    let Some(_) = &p.view.charts else {
        return html! {};
    };
    html! {
        <div class="charts" id="whatif-charts">
            <p class="small">{ format!("Seed {}: A in blues, B in oranges and reds (each chart's legend names its lines).", p.view.seeds.first().copied().unwrap_or(1)) }</p>
            { for error.iter().map(|e| html! { <p class="error" role="alert">{ e }</p> }) }
            { for refs.iter().zip(Overlay::ALL).enumerate().map(|(k, (r, what))| html! {
                <figure class="chart">
                    <canvas id={what.id()} ref={r.clone()} width="540" height="300" role="img"
                        aria-label={format!("variant A against B: {}", what.id().trim_start_matches("whatif-"))}></canvas>
                    <ul class="legend">{ for legends.get(k).into_iter().flatten().map(|(name, color)| html! {
                        <li><span class="swatch" style={format!("background: {color}")}></span>{ name }</li>
                    }) }</ul>
                </figure>
            }) }
        </div>
    }
}

/// Each objective, held on how many seeds in A and in B.
fn objectives(c: &CompareView) -> Html {
    if c.objectives.is_empty() {
        return html! {};
    }
    let n = c.seeds.len() as u32;
    let cell = |held: Option<u32>| match held {
        None => html! { <td class="none">{ "—" }</td> },
        Some(h) => html! {
            <td class={if h == n { "held" } else { "failed" }}>{ format!("{} {h} of {n}", if h == n { "✔" } else { "✘" }) }</td>
        },
    };
    html! {
        <div class="scroll">
        <table id="compare-objectives">
            <caption>{ "Objectives: on how many seeds each held" }</caption>
            <thead><tr><th>{ "objective" }</th><th>{ "A" }</th><th>{ "B" }</th></tr></thead>
            <tbody>{ for c.objectives.iter().map(|o| html! {
                <tr><td>{ &o.name }</td>{ cell(o.a) }{ cell(o.b) }</tr>
            }) }</tbody>
        </table>
        </div>
    }
}

fn table(c: &CompareView) -> Html {
    let wide = too_wide(c);
    let most = wide.iter().filter_map(|w| w.2).max().unwrap_or(0);
    html! {
        <>
        { objectives(c) }
        if !wide.is_empty() {
            <div id="compare-wide" class="warning" role="note">
                { format!("⚠ {} of these intervals are wider than ±{:.0} % of their mean over {} seeds, too wide to act on; about {most} seeds would narrow the widest:",
                    wide.len(), WIDE * 100.0, c.seeds.len()) }
                <ul>{ for wide.iter().take(4).map(|(name, v, n)| html! { <li>{ match n {
                    Some(n) => format!("{name}: {v} (about {n} seeds)"),
                    None => format!("{name}: {v} (around 0: more seeds narrow it, no share of 0 will do)"),
                } }</li> }) }</ul>
            </div>
        }
        <div class="scroll">
        <table id="compare-table">
            <caption>{ format!("A against B over seeds {:?} (means, ± 95 % confidence; B − A paired on the seed)", c.seeds) }</caption>
            <thead><tr><th>{ "metric" }</th><th>{ "A" }</th><th>{ "B" }</th><th>{ "B − A" }</th><th>{ "verdict" }</th></tr></thead>
            <tbody>
                { for c.rows.iter().map(|r| {
                    let (diff, verdict) = difference(r);
                    let significance = match r.judgement {
                        Judgement::Better => Some("better"),
                        Judgement::Worse => Some("worse"),
                        _ => None,
                    };
                    let unit = match metric::unit(&r.metric) {
                        "count" => String::new(),
                        u => format!(" ({u})"),
                    };
                    html! {
                        <tr data-metric={r.metric.clone()} class={classes!(significance)}>
                            <td title={r.metric.clone()}>{ metric::describe(&r.metric) }{ unit }</td><td class="a">{ show(&r.a) }</td><td class="b">{ show(&r.b) }</td>
                            <td class="diff">{ diff }</td><td class="verdict">{ verdict }</td>
                        </tr>
                    }
                }) }
            </tbody>
        </table>
        </div>
        </>
    }
}
