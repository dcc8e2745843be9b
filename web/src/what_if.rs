//! The what-if view: variants B and C made from the scenario (A) with the form or as copies to
//! edit, all run over the same seeds by the worker; the comparison as each objective's tally
//! per variant, a table of means with 95 % intervals and each variant's difference from A
//! (metrics in words, rounded, with units; a difference coloured only when significant), a
//! warning with the seeds needed when intervals are too wide to act on, a cost-against-p99
//! plot with confidence whiskers (`compare_chart.rs`), and the first seed's runs overlaid.

use crate::link::use_ctx;
use crate::page::Action;
use ecsim_front::comparison::{Judgement, MetricComparison};
use ecsim_front::metric;
use ecsim_front::stats::Estimate;
use ecsim_web::compare_chart::{draw_overlay, draw_tradeoff, Overlay, COLOR_NAMES};
use ecsim_web::view::{CompareView, VARIANTS};
use ecsim_web::worker::{FormEdit, Input};
use web_sys::{HtmlCanvasElement, HtmlInputElement, HtmlSelectElement, HtmlTextAreaElement};
use yew::prelude::*;

/// The what-if section: make B (and C), edit them, choose the seeds, compare.
#[function_component(WhatIf)]
pub fn what_if() -> Html {
    let ctx = use_ctx();
    let s = &ctx.state;
    let seeds_ref = use_node_ref();
    // The next variant built with the form: changes of A's settings, each a setting and a
    // value (kept after a variant is made, so that C can differ from B by one value).
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
                let e = "choose a setting and give it a value first".to_string();
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
    let on_make_copy = {
        let dispatch = dispatch.clone();
        Callback::from(move |_: MouseEvent| dispatch.dispatch(Action::MakeVariant))
    };
    let on_edit = |k: usize| {
        let dispatch = dispatch.clone();
        Callback::from(move |e: InputEvent| {
            if let Some(t) = e.target_dyn_into::<HtmlTextAreaElement>() {
                dispatch.dispatch(Action::EditVariant(k, t.value()));
            }
        })
    };
    let on_remove = |k: usize| {
        let dispatch = dispatch.clone();
        Callback::from(move |_: MouseEvent| dispatch.dispatch(Action::RemoveVariant(k)))
    };
    let on_compare = {
        let (link, seeds_ref) = (ctx.link.clone(), seeds_ref.clone());
        let (a, others, file) = (s.text.clone(), s.variants.clone(), s.file.clone());
        Callback::from(move |_: MouseEvent| {
            if others.is_empty() {
                return;
            }
            let n = seeds_ref
                .cast::<HtmlInputElement>()
                .and_then(|i| i.value().trim().parse::<u64>().ok())
                .unwrap_or(3);
            if !(1..=20).contains(&n) {
                let e = format!("seeds: {n} is outside 1..=20");
                return link.dispatch.dispatch(Action::Refused(e));
            }
            let variants: Vec<String> = std::iter::once(a.clone()).chain(others.clone()).collect();
            link.dispatch
                .dispatch(Action::CompareAsked(variants.clone()));
            link.send(Input::Compare {
                variants,
                file: file.clone(),
                seeds: (1..=n).collect(),
            });
        })
    };
    let made = s.variants.len();
    // What changed since the comparison shown, in words (empty: nothing).
    let now: Vec<&String> = std::iter::once(&s.text).chain(&s.variants).collect();
    let stale_compare = if now.len() != s.compared_texts.len() {
        "the set of variants".to_string()
    } else {
        let changed: Vec<&str> = now
            .iter()
            .zip(&s.compared_texts)
            .zip(VARIANTS)
            .filter(|((a, b), _)| **a != *b)
            .map(|(_, n)| n)
            .collect();
        changed.join(", ")
    };
    // The variant the form or the copy makes next, if there is room for one.
    let next = VARIANTS.get(made + 1).copied();
    let names = VARIANTS[..=made].join(if made > 1 { ", " } else { " and " });
    html! {
        <section id="what-if">
            <h2>{ "What if…" }</h2>
            <p>{ "Variant A is the scenario above. B (and C) are A with some settings changed: choose them here, or copy the whole text and edit it; then compare them over the same seeds." }</p>
            { for s.variants.iter().enumerate().map(|(k, text)| {
                let name = VARIANTS[k + 1];
                let id = format!("variant-{}", name.to_lowercase());
                html! {
                    <div class="variant" data-variant={name}>
                        <label for={id.clone()}>{ format!("Variant {name}") }</label>
                        // Only the last can go, so that B stays B and C stays C.
                        if k + 1 == made {
                            <button class="variant-remove" onclick={on_remove(k)}>{ format!("Remove {name}") }</button>
                        }
                        <textarea id={id} rows="10" cols="100" value={text.clone()} spellcheck="false" oninput={on_edit(k)} aria-label={format!("variant {name}")} />
                    </div>
                }
            }) }
            if let Some(next) = next {
                <div id="variant-form">
                    { for changes.iter().enumerate().map(|(i, (path, value))| {
                        let now = knobs.iter().find(|k| &k.0 == path).map(|k| k.2.clone()).unwrap_or_default();
                        html! {
                            <div class="variant-change">
                                <label>{ format!("{next} changes ") }
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
                    <button id="make-variant-form" onclick={on_make_b_form}>{ format!("Make variant {next}") }</button>
                    <button id="make-variant-copy" onclick={on_make_copy}>{ format!("Make {next} as a copy of the text to edit") }</button>
                </div>
            }
            { for s.variant_notice.iter().map(|n| html! { <p id="variant-notice" class="small">{ n }</p> }) }
            if made > 0 {
                <div id="compare-controls">
                    <label>{ "Seeds " }<input id="seeds" ref={seeds_ref} type="number" min="1" max="20" placeholder="3" /></label>
                    <button id="compare" onclick={on_compare}>{ format!("Compare {names}") }</button>
                </div>
            }
            if s.compared.is_some() && !stale_compare.is_empty() {
                <p id="compare-stale" class="warning" role="status">{ format!("⚠ Out of date: {stale_compare} changed since this comparison. Compare again to see the variants as they are now.") }</p>
            }
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

/// A variant's paired difference from A, and what it says ("B worse").
fn difference(r: &MetricComparison, name: &str) -> (String, String) {
    let d = r.difference.as_ref().map_or("n/a".to_string(), |d| {
        let sign = if d.mean > 0.0 { "+" } else { "" };
        format!(
            "{sign}{} ± {}",
            metric::round(d.mean),
            metric::round(d.half_width())
        )
    });
    let verdict = match r.judgement {
        Judgement::Better => format!("{name} better"),
        Judgement::Worse => format!("{name} worse"),
        j => j.label().to_string(),
    };
    (d, verdict)
}

/// Intervals wider than this share of their mean are too wide to act on.
const WIDE: f64 = 0.1;

/// The metrics whose interval in any variant is too wide, with about how many seeds would do
/// (None for a mean of 0, where no share of the mean is narrow enough).
fn too_wide(c: &CompareView) -> Vec<(String, String, Option<u32>)> {
    c.rows
        .iter()
        .filter_map(|r| {
            let widest = (0..c.variants)
                .filter_map(|k| r.estimate(k))
                .filter(|e| e.is_wide(WIDE))
                .max_by(|x, y| x.half_width().total_cmp(&y.half_width()))?;
            Some((
                metric::describe(&r.metric),
                show(&Some(widest)),
                widest.seeds_for(WIDE),
            ))
        })
        .collect()
}

/// The what-if's results: objectives per variant, the table, the trade-off plot, the overlays.
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

/// The cost-against-latency plot, then each variant's first seed overlaid, one canvas per
/// metric.
#[function_component(CompareCharts)]
fn compare_charts(p: &ChartsProps) -> Html {
    let refs: Vec<NodeRef> = Overlay::ALL.iter().map(|_| NodeRef::default()).collect();
    let refs = use_memo((), move |_| refs);
    let tradeoff_ref = use_node_ref();
    let error = use_state(|| None::<String>);
    // Each chart's lines, for its legend.
    let legends = use_state(Vec::<Vec<(String, String)>>::new);
    let plotted = use_state(|| 0usize);
    {
        let (refs, error, legends) = (refs.clone(), error.clone(), legends.clone());
        let (tradeoff_ref, plotted) = (tradeoff_ref.clone(), plotted.clone());
        use_effect_with(p.view.clone(), move |v| {
            if let Some(c) = tradeoff_ref.cast::<HtmlCanvasElement>() {
                match draw_tradeoff(c, &v.tradeoff) {
                    Ok(n) => plotted.set(n),
                    Err(e) => error.set(Some(format!("could not draw a chart: {e}"))),
                }
            }
            if !v.charts.is_empty() {
                let mut all = Vec::new();
                for (r, what) in refs.iter().zip(Overlay::ALL) {
                    if let Some(c) = r.cast::<HtmlCanvasElement>() {
                        match draw_overlay(c, what, &v.charts) {
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
    let v = &p.view;
    let colours: Vec<String> = VARIANTS
        .iter()
        .zip(COLOR_NAMES)
        .take(v.variants)
        .map(|(n, c)| format!("{n} in {c}"))
        .collect();
    let point = |k: usize| {
        let t = v.tradeoff.get(k)?;
        Some(format!(
            "{}: worst p99 {}, cost {}",
            VARIANTS[k],
            t.worst_p99_ms
                .map_or("n/a (not every seed served requests)".into(), |e| format!(
                    "{} ms",
                    show(&Some(e))
                )),
            t.cost_per_hour
                .map_or("n/a".into(), |e| format!("{} USD per hour", show(&Some(e)))),
        ))
    };
    html! {
        <div class="charts" id="whatif-charts">
            { for error.iter().map(|e| html! { <p class="error" role="alert">{ e }</p> }) }
            <figure class="chart" data-chart="whatif-tradeoff">
                <canvas id="whatif-tradeoff" ref={tradeoff_ref} width="540" height="300" role="img" data-plotted={plotted.to_string()}
                    aria-label="each variant's cost per hour against its worst p99 latency, with 95 % confidence whiskers"></canvas>
                <figcaption>
                    <p class="small">{ if v.seeds.len() > 1 {
                        "Down and to the left is cheaper and faster. The whiskers are each variant's own 95 % interval over the seeds; the table's differences are paired on the seed and so tighter: where whiskers overlap, the table's verdict still tells the variants apart, or says that more seeds are needed."
                    } else {
                        "Down and to the left is cheaper and faster. One seed: the points have no interval, and nothing here tells a real difference from the noise of one run; compare over more seeds."
                    } }</p>
                    <ul id="tradeoff-points" class="small">{ for (0..v.variants).filter_map(point).map(|t| html! { <li>{ t }</li> }) }</ul>
                </figcaption>
            </figure>
            if !v.charts.is_empty() {
                <p class="small">{ format!("Seed {}: {} (each chart's legend names its lines).", v.seeds.first().copied().unwrap_or(1), colours.join(", ")) }</p>
                { for refs.iter().zip(Overlay::ALL).enumerate().map(|(k, (r, what))| html! {
                    <figure class="chart">
                        <canvas id={what.id()} ref={r.clone()} width="540" height="300" role="img"
                            aria-label={format!("variants overlaid: {}", what.title().0)}></canvas>
                        <ul class="legend">{ for legends.get(k).into_iter().flatten().map(|(name, color)| html! {
                            <li><span class="swatch" style={format!("background: {color}")}></span>{ name }</li>
                        }) }</ul>
                    </figure>
                }) }
            }
        </div>
    }
}

/// Each objective, held on how many seeds in each variant.
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
            <thead><tr><th>{ "objective" }</th>{ for VARIANTS[..c.variants].iter().map(|v| html! { <th>{ *v }</th> }) }</tr></thead>
            <tbody>{ for c.objectives.iter().map(|o| html! {
                <tr><td>{ &o.name }</td>{ for (0..c.variants).map(|k| cell(o.held.get(k).copied().flatten())) }</tr>
            }) }</tbody>
        </table>
        </div>
    }
}

fn table(c: &CompareView) -> Html {
    let wide = too_wide(c);
    let most = wide.iter().filter_map(|w| w.2).max().unwrap_or(0);
    let others = &VARIANTS[1..c.variants];
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
            <caption>{ format!("{} over seeds {:?} (means, ± 95 % confidence; differences from A paired on the seed, coloured where significant)", VARIANTS[..c.variants].join(", "), c.seeds) }</caption>
            <thead><tr><th>{ "metric" }</th><th>{ "A" }</th>
                { for others.iter().map(|v| html! { <><th>{ *v }</th><th>{ format!("{v} − A") }</th><th>{ "verdict" }</th></> }) }
            </tr></thead>
            <tbody>
                { for c.rows.iter().map(|r| {
                    let unit = match metric::unit(&r.metric) {
                        "count" => String::new(),
                        u => format!(" ({u})"),
                    };
                    html! {
                        <tr data-metric={r.metric.clone()}>
                            <td title={r.metric.clone()}>{ metric::describe(&r.metric) }{ unit }</td><td class="a">{ show(&r.estimate(0)) }</td>
                            { for r.against_a.iter().zip(others).enumerate().map(|(k, (m, name))| {
                                let (diff, verdict) = difference(m, name);
                                let significance = match m.judgement {
                                    Judgement::Better => Some("better"),
                                    Judgement::Worse => Some("worse"),
                                    _ => None,
                                };
                                let v = name.to_lowercase();
                                html! { <>
                                    <td class={v.clone()}>{ show(&r.estimate(k + 1)) }</td>
                                    <td class={classes!("diff", format!("diff-{v}"), significance)}>{ diff }</td>
                                    <td class={classes!("verdict", format!("verdict-{v}"), significance)}>{ verdict }</td>
                                </> }
                            }) }
                        </tr>
                    }
                }) }
            </tbody>
        </table>
        </div>
        </>
    }
}
