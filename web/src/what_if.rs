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
use ecsim_web::worker::Input;
use web_sys::{HtmlCanvasElement, HtmlInputElement, HtmlTextAreaElement};
use yew::prelude::*;

/// The what-if section: make B, edit it, choose the seeds, compare.
#[function_component(WhatIf)]
pub fn what_if() -> Html {
    let ctx = use_ctx();
    let s = &ctx.state;
    let seeds_ref = use_node_ref();
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
                <button id="make-b" onclick={on_make_b}>{ "Make variant B from this scenario" }</button>
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

/// The metrics whose interval in A or B is too wide, with about how many seeds would do.
fn too_wide(c: &CompareView) -> Vec<(String, String, u32)> {
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
                widest.seeds_for(WIDE)?,
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
    {
        let (refs, error) = (refs.clone(), error.clone());
        use_effect_with(p.view.clone(), move |v| {
            if let Some((a, b)) = &v.charts {
                for (r, what) in refs.iter().zip(Overlay::ALL) {
                    if let Some(c) = r.cast::<HtmlCanvasElement>() {
                        if let Err(e) = draw_overlay(c, what, a, b) {
                            error.set(Some(format!("could not draw a chart: {e}")));
                        }
                    }
                }
            }
        });
    }
    let Some(_) = &p.view.charts else {
        return html! {};
    };
    html! {
        <div class="charts" id="whatif-charts">
            <p class="small">{ format!("Seed {}: A in blue, B in orange.", p.view.seeds.first().copied().unwrap_or(1)) }</p>
            { for error.iter().map(|e| html! { <p class="error" role="alert">{ e }</p> }) }
            { for refs.iter().zip(Overlay::ALL).map(|(r, what)| html! {
                <canvas id={what.id()} ref={r.clone()} width="540" height="300" role="img"
                    aria-label={format!("variant A against B: {}", what.id().trim_start_matches("whatif-"))}></canvas>
            }) }
        </div>
    }
}

fn table(c: &CompareView) -> Html {
    let wide = too_wide(c);
    let most = wide.iter().map(|w| w.2).max().unwrap_or(0);
    html! {
        <>
        if !wide.is_empty() {
            <div id="compare-wide" class="warning" role="note">
                { format!("⚠ {} of these intervals are wider than ±{:.0} % of their mean over {} seeds, too wide to act on; about {most} seeds would narrow the widest:",
                    wide.len(), WIDE * 100.0, c.seeds.len()) }
                <ul>{ for wide.iter().take(4).map(|(name, v, n)| html! { <li>{ format!("{name}: {v} (about {n} seeds)") }</li> }) }</ul>
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
