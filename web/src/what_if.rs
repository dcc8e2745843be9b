//! The what-if view: the comparison of variants A and B that the worker computes, as a table of
//! means with 95 % intervals and the difference B − A.

use ecsim_web::view::{CompareView, Estimate};
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

/// The what-if table: each metric's mean over the seeds in A and B, and the difference.
pub fn render_compare(c: &CompareView) -> Html {
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
