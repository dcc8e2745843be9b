//! The what-if view: the comparison of variants A and B that the worker computes, as a table of
//! means with 95 % intervals and the difference B − A, and the first seed's runs of A and B
//! overlaid on charts.

use ecsim_web::chart::{draw_overlay, Overlay};
use ecsim_web::view::{CompareView, Estimate};
use web_sys::HtmlCanvasElement;
use yew::prelude::*;

/// A what-if's result, and which of its runs is going on.
pub type Comparing = (
    UseStateHandle<Option<CompareView>>,
    UseStateHandle<(u32, u32)>,
);

/// `mean ± half-width` as the comparison table shows an estimate.
fn show(e: &Option<Estimate>) -> String {
    match e {
        None => "n/a".into(),
        Some(Estimate {
            mean,
            half_ci: Some(h),
            ..
        }) => format!("{mean:.4} ± {h:.4}"),
        Some(e) => format!("{:.4}", e.mean),
    }
}

/// The what-if table: each metric's mean over the seeds in A and B, and the difference; then
/// the overlaid charts.
pub fn render_compare(c: &CompareView) -> Html {
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
    html! {
        <table id="compare-table">
            <caption>{ format!("A against B over seeds {:?} (means, ± 95 % confidence)", c.seeds) }</caption>
            <thead><tr><th>{ "metric" }</th><th>{ "A" }</th><th>{ "B" }</th><th>{ "B − A" }</th></tr></thead>
            <tbody>
                { for c.rows.iter().map(|r| {
                    let diff = match (&r.a, &r.b) {
                        (Some(a), Some(b)) => format!("{:+.4}", b.mean - a.mean),
                        _ => "n/a".into(),
                    };
                    html! {
                        <tr data-metric={r.metric.clone()}>
                            <td>{ &r.metric }</td><td class="a">{ show(&r.a) }</td><td class="b">{ show(&r.b) }</td><td>{ diff }</td>
                        </tr>
                    }
                }) }
            </tbody>
        </table>
    }
}
