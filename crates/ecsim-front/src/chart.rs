//! The chart of a sweep both front ends draw: each point's cost against its latency, with the
//! 95 % confidence interval of both as bars, the Pareto front joined, an SLO's limit as a line,
//! and (from a plan) which points hold their SLOs and which one wins. `ecsim plot --pareto`
//! draws it to SVG, the web app's Plan panel to a canvas: one function over any plotters
//! backend, so the two cannot drift apart.
//!
//! Values that span more than two decades (the latency of an overloaded point beside a healthy
//! one) go on a log axis, so the healthy points stay readable.

use crate::plan::{PlanResult, Slo, Status};
use crate::sweep::SweepResult;
use plotters::coord::Shift;
use plotters::prelude::*;

pub use crate::metric::unit;

/// A value axis: linear, or log10 when the values span more than two decades.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Axis {
    pub log: bool,
    /// The range in axis coordinates (decades for a log axis).
    pub lo: f64,
    pub hi: f64,
}

impl Axis {
    pub fn fit(values: impl Iterator<Item = f64> + Clone) -> Axis {
        let finite = values.filter(|v| v.is_finite());
        let lo = finite.clone().fold(f64::INFINITY, f64::min);
        let hi = finite.fold(f64::NEG_INFINITY, f64::max);
        if !lo.is_finite() {
            return Axis {
                log: false,
                lo: 0.0,
                hi: 1.0,
            };
        }
        if lo > 0.0 && hi / lo > 100.0 {
            return Axis {
                log: true,
                lo: lo.log10().floor(),
                hi: hi.log10().ceil(),
            };
        }
        let lo = lo.min(0.0);
        let hi = if hi > lo { hi * 1.08 } else { lo + 1.0 };
        Axis { log: false, lo, hi }
    }

    /// A value in axis coordinates.
    pub fn at(&self, v: f64) -> f64 {
        if self.log {
            v.max(10f64.powf(self.lo)).log10()
        } else {
            v
        }
    }

    /// A tick's label: the value, with no needless decimals.
    pub fn label(&self, v: f64) -> String {
        let x = if self.log { 10f64.powf(v) } else { v };
        if x.abs() >= 1000.0 || x == x.trunc() {
            format!("{x:.0}")
        } else if x.abs() >= 1.0 {
            format!("{x:.1}")
        } else {
            format!("{x:.3}")
        }
    }
}

const GREY: RGBColor = RGBColor(0x7f, 0x7f, 0x7f);
pub const FRONT: RGBColor = RGBColor(214, 39, 40);
pub const SLO_LINE: RGBColor = RGBColor(44, 160, 44);
pub const WINNER: RGBColor = RGBColor(31, 119, 180);

/// One point as the chart draws it: cost and latency with their intervals.
struct Dot {
    cost: (f64, f64, f64),
    latency: (f64, f64, f64),
    pareto: bool,
    label: String,
    /// From a plan: whether every SLO holds here.
    holds: Option<bool>,
    winner: bool,
}

/// Cost against latency for the sweep's points, on `root`. `slo` draws its limit when it is
/// about the latency metric; `plan` (the same points, judged) marks the points that hold and the
/// winner.
pub fn draw_pareto<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    s: &SweepResult,
    slo: Option<&Slo>,
    plan: Option<&PlanResult>,
    font: u32,
) -> Result<(), String> {
    let err = |e: DrawingAreaErrorKind<DB::ErrorType>| e.to_string();
    let Some((cost, lat)) = &s.pareto else {
        return Err(
            "the sweep has no cost and latency metric pair to draw a Pareto front of".into(),
        );
    };
    let c = s.metrics.iter().position(|m| m == cost).unwrap_or(0);
    let l = s.metrics.iter().position(|m| m == lat).unwrap_or(0);
    let dots: Vec<Dot> = s
        .points
        .iter()
        .enumerate()
        .filter_map(|(i, p)| {
            let (ce, le) = (p.metrics[c]?, p.metrics[l]?);
            let judged = plan.and_then(|r| r.points.get(i));
            Some(Dot {
                cost: (ce.lo, ce.mean, ce.hi),
                latency: (le.lo, le.mean, le.hi),
                pareto: p.pareto,
                label: p
                    .settings
                    .iter()
                    .map(|(_, v)| v.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
                holds: judged.map(|j| j.status == Status::Holds),
                winner: plan.and_then(|r| r.winner) == Some(i),
            })
        })
        .collect();
    let x_lo = dots.iter().map(|d| d.cost.0).fold(f64::INFINITY, f64::min);
    let x_hi = dots
        .iter()
        .map(|d| d.cost.2)
        .fold(f64::NEG_INFINITY, f64::max);
    let (x_lo, x_hi) = if x_lo.is_finite() {
        (x_lo, x_hi)
    } else {
        (0.0, 1.0)
    };
    let pad = ((x_hi - x_lo) * 0.08).max(1e-6);
    let limit = slo.filter(|s| s.metric == *lat).map(|s| s.limit);
    let y = Axis::fit(
        dots.iter()
            .flat_map(|d| [d.latency.0, d.latency.1, d.latency.2])
            .chain(limit),
    );
    root.fill(&WHITE).map_err(err)?;
    let mut chart = ChartBuilder::on(root)
        .caption(format!("{lat} against {cost}"), ("sans-serif", font + 4))
        .margin(12)
        .x_label_area_size(font * 3)
        .y_label_area_size(font * 5)
        .build_cartesian_2d((x_lo - pad)..(x_hi + pad), y.lo..y.hi)
        .map_err(err)?;
    chart
        .configure_mesh()
        .x_desc(format!("{cost} ({})", unit(cost)))
        .y_desc(format!(
            "{lat} ({}), mean and {:.0} % interval over {} seeds",
            unit(lat),
            s.confidence * 100.0,
            s.seeds
        ))
        .label_style(("sans-serif", font))
        .axis_desc_style(("sans-serif", font))
        .y_label_formatter(&|v| y.label(*v))
        .light_line_style(WHITE)
        .draw()
        .map_err(err)?;
    // The intervals, as a cross of bars through each point.
    chart
        .draw_series(dots.iter().flat_map(|d| {
            let (cx, cy) = (d.cost.1, y.at(d.latency.1));
            [
                PathElement::new(vec![(d.cost.0, cy), (d.cost.2, cy)], GREY.mix(0.7)),
                PathElement::new(
                    vec![(cx, y.at(d.latency.0)), (cx, y.at(d.latency.2))],
                    GREY.mix(0.7),
                ),
            ]
        }))
        .map_err(err)?;
    let mut front: Vec<&Dot> = dots.iter().filter(|d| d.pareto).collect();
    front.sort_by(|a, b| a.cost.1.total_cmp(&b.cost.1));
    chart
        .draw_series(LineSeries::new(
            front.iter().map(|d| (d.cost.1, y.at(d.latency.1))),
            FRONT.stroke_width(2),
        ))
        .map_err(err)?
        .label("Pareto front")
        .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 18, y)], FRONT.stroke_width(2)));
    let judged = plan.is_some();
    let style = |d: &Dot| match d.holds {
        Some(false) => BLACK.mix(0.25).filled(),
        _ if d.pareto => FRONT.filled(),
        _ => BLACK.mix(0.55).filled(),
    };
    chart
        .draw_series(
            dots.iter()
                .map(|d| Circle::new((d.cost.1, y.at(d.latency.1)), 4, style(d))),
        )
        .map_err(err)?
        .label(if judged {
            "point (faint: an SLO fails)"
        } else {
            "point"
        })
        .legend(|(x, y)| Circle::new((x + 9, y), 4, BLACK.mix(0.55).filled()));
    if let Some(w) = dots.iter().find(|d| d.winner) {
        chart
            .draw_series(std::iter::once(Circle::new(
                (w.cost.1, y.at(w.latency.1)),
                8,
                WINNER.stroke_width(3),
            )))
            .map_err(err)?
            .label("cheapest that holds the SLOs")
            .legend(|(x, y)| Circle::new((x + 9, y), 6, WINNER.stroke_width(3)));
    }
    chart
        .draw_series(front.iter().map(|d| {
            Text::new(
                d.label.clone(),
                (d.cost.1, y.at(d.latency.1)),
                ("sans-serif", font).into_font().color(&BLACK),
            )
        }))
        .map_err(err)?;
    if let (Some(limit), Some(slo)) = (limit, slo) {
        let across = [(x_lo - pad, y.at(limit)), (x_hi + pad, y.at(limit))];
        chart
            .draw_series(LineSeries::new(across, SLO_LINE.stroke_width(2)))
            .map_err(err)?
            .label(format!("SLO {} {limit}", slo.op.symbol()))
            .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 18, y)], SLO_LINE.stroke_width(2)));
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperRight)
        .label_font(("sans-serif", font))
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK.mix(0.3))
        .draw()
        .map_err(err)?;
    root.present().map_err(err)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_axis_goes_log_past_two_decades() {
        let a = Axis::fit([2.0, 150.0, 900.0].into_iter());
        assert!(a.log);
        assert_eq!((a.lo, a.hi), (0.0, 3.0));
        assert_eq!(a.label(2.0), "100");
        let b = Axis::fit([20.0, 150.0].into_iter());
        assert!(!b.log);
        assert_eq!(b.lo, 0.0);
        assert!((b.hi - 162.0).abs() < 1e-9);
        assert_eq!(b.label(0.25), "0.250");
    }

    #[test]
    fn units_by_name() {
        assert_eq!(unit("services.web.latency_ms.p99"), "ms");
        assert_eq!(unit("cost_usd.per_hour"), "USD per hour");
        assert_eq!(unit("cost_usd.total"), "USD");
        assert_eq!(unit("services.web.requests.failed"), "count");
    }
}
