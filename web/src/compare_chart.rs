//! The what-if's charts: each variant's first-seed run overlaid on line charts (A in blues, B
//! in oranges, C in greens), and the trade-off a planner chooses on: each variant's cost per
//! hour against its worst p99 latency, as the mean over the seeds with 95 % confidence
//! whiskers on both axes (each variant's own interval, as `ecsim_front::stats` computes it for
//! the table's columns; the table's paired differences are tighter, and decide).

use crate::chart::{area, draw_lines, headroom, points, tick, Drawn, Frame, Line, Look};
use crate::view::{ChartData, Series, Tradeoff, VARIANTS};
use plotters::prelude::*;
use web_sys::HtmlCanvasElement;

/// Each variant's colours, in turn for its lines; the first is its point on the trade-off plot.
const COLORS: [[RGBColor; 4]; 3] = [
    [
        RGBColor(0x1f, 0x77, 0xb4),
        RGBColor(0x6b, 0xae, 0xd6),
        RGBColor(0x08, 0x30, 0x6b),
        RGBColor(0x42, 0x92, 0xc6),
    ],
    [
        RGBColor(0xff, 0x7f, 0x0e),
        RGBColor(0xd6, 0x27, 0x28),
        RGBColor(0xfd, 0xae, 0x6b),
        RGBColor(0x8c, 0x2d, 0x04),
    ],
    [
        RGBColor(0x2c, 0xa0, 0x2c),
        RGBColor(0x00, 0x5a, 0x32),
        RGBColor(0x74, 0xc4, 0x76),
        RGBColor(0x23, 0x8b, 0x45),
    ],
];

/// What the page says the variants' colours are.
pub const COLOR_NAMES: [&str; 3] = ["blues", "oranges and reds", "greens"];

/// What an overlaid what-if chart shows of each variant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Overlay {
    Cpu,
    Tasks,
    Requests,
    Latency,
    Cost,
}

impl Overlay {
    pub const ALL: [Overlay; 5] = [
        Overlay::Cpu,
        Overlay::Tasks,
        Overlay::Requests,
        Overlay::Latency,
        Overlay::Cost,
    ];

    /// The canvas id.
    pub fn id(self) -> &'static str {
        match self {
            Overlay::Cpu => "whatif-cpu",
            Overlay::Tasks => "whatif-tasks",
            Overlay::Requests => "whatif-requests",
            Overlay::Latency => "whatif-latency",
            Overlay::Cost => "whatif-cost",
        }
    }

    /// What it shows, and its unit.
    pub fn title(self) -> (&'static str, &'static str) {
        match self {
            Overlay::Cpu => ("cluster CPU reserved and used (%)", "%"),
            Overlay::Tasks => ("tasks running, and instances", "count"),
            Overlay::Requests => ("requests served and failed per second", "req/s"),
            Overlay::Latency => ("latency p99 per window (ms)", "ms"),
            Overlay::Cost => ("cost so far (USD)", "USD"),
        }
    }

    fn series(self, c: &ChartData) -> Vec<Series> {
        let one = |name: &str, values: &[f64]| Series {
            name: name.into(),
            values: values.to_vec(),
        };
        match self {
            Overlay::Cpu => vec![
                one("CPU reserved", &c.cpu_reserved_pct),
                one("CPU used", &c.cpu_used_pct),
            ],
            Overlay::Tasks => c
                .tasks
                .iter()
                .filter(|s| s.name == "RUNNING")
                .cloned()
                .chain([one("instances", &c.instances)])
                .collect(),
            Overlay::Requests => c.requests.clone(),
            Overlay::Latency => c
                .latency
                .iter()
                .filter(|s| s.name.ends_with("p99"))
                .cloned()
                .collect(),
            Overlay::Cost => vec![one("cost", &c.cost_usd)],
        }
    }
}

/// The variants' lines of one chart, each variant in its colours and on its own run's time
/// axis; `runs[k]` is variant k's (A first).
pub fn draw_overlay(
    canvas: HtmlCanvasElement,
    what: Overlay,
    runs: &[ChartData],
) -> Result<Drawn, String> {
    let mut lines = Vec::new();
    for ((tag, c), colors) in VARIANTS.iter().zip(runs).zip(&COLORS) {
        for (s, &color) in what.series(c).iter().zip(colors.iter().cycle()) {
            lines.push(Line {
                name: format!("{tag}: {}", s.name),
                color,
                points: points(c, &s.values),
            });
        }
    }
    let (title, unit) = what.title();
    let y_max = if what == Overlay::Cpu {
        100.0
    } else {
        headroom(&lines)
    };
    let caption = format!("{}: {title}", VARIANTS[..runs.len()].join(", "));
    draw_lines(
        canvas,
        Frame {
            caption: &caption,
            unit,
            y_max,
            empty: "nothing to show",
        },
        lines,
        &Look::default(),
        &[],
    )
}

/// A variant's point with both intervals: (low, mean, high) of latency, then of cost.
type Whiskers = ((f64, f64, f64), (f64, f64, f64));

fn whiskers(t: &Tradeoff) -> Option<Whiskers> {
    let (p, c) = (t.worst_p99_ms?, t.cost_per_hour?);
    let span = |e: ecsim_front::stats::Estimate| {
        let h = if e.n > 1 { e.half_width() } else { 0.0 };
        (e.mean - h, e.mean, e.mean + h)
    };
    Some((span(p), span(c)))
}

/// Cost per hour (up) against worst p99 latency (across), one point per variant with its
/// whiskers; `Err` only when the canvas cannot be drawn on. Returns the variants drawn.
pub fn draw_tradeoff(canvas: HtmlCanvasElement, points: &[Tradeoff]) -> Result<usize, String> {
    let root = area(canvas)?;
    let e = |e: DrawingAreaErrorKind<_>| e.to_string();
    root.fill(&WHITE).map_err(e)?;
    let shown: Vec<(usize, Whiskers)> = points
        .iter()
        .enumerate()
        .filter_map(|(k, t)| Some((k, whiskers(t)?)))
        .collect();
    let top = |f: fn(&Whiskers) -> f64| {
        let m = shown.iter().map(|(_, w)| f(w)).fold(0.0, f64::max);
        if m > 0.0 {
            m * 1.2
        } else {
            1.0
        }
    };
    let (x_max, y_max) = (top(|w| w.0 .2), top(|w| w.1 .2));
    let mut chart = ChartBuilder::on(&root)
        .caption(
            "Cost against latency: mean over the seeds, 95 % whiskers",
            ("sans-serif", 15),
        )
        .margin(10)
        .margin_right(24)
        .x_label_area_size(36)
        .y_label_area_size(58)
        .build_cartesian_2d(0f64..x_max, 0f64..y_max)
        .map_err(e)?;
    let fmt = |v: &f64| tick(*v, false);
    chart
        .configure_mesh()
        .max_light_lines(1)
        .x_labels(6)
        .y_labels(6)
        .x_label_formatter(&fmt)
        .y_label_formatter(&fmt)
        .x_desc("worst p99 latency of a service (ms)")
        .y_desc("cost per hour (USD)")
        .label_style(("sans-serif", 12))
        .axis_desc_style(("sans-serif", 12))
        .draw()
        .map_err(e)?;
    for (k, ((x0, x, x1), (y0, y, y1))) in &shown {
        let color = COLORS[*k][0];
        let style = color.stroke_width(2);
        chart
            .draw_series([
                PathElement::new(vec![(*x0, *y), (*x1, *y)], style),
                PathElement::new(vec![(*x, *y0), (*x, *y1)], style),
            ])
            .map_err(e)?;
        chart
            .draw_series([Circle::new((*x, *y), 6, color.filled())])
            .map_err(e)?;
        let at = chart.backend_coord(&(*x, *y));
        let font = ("sans-serif", 14).into_font().color(&color);
        // Each variant's label on its own side of its point, so that close points keep
        // their names apart.
        let (dx, dy) = [(8, -22), (8, 6), (-20, -22)][*k % 3];
        root.draw(&Text::new(VARIANTS[*k], (at.0 + dx, at.1 + dy), font))
            .map_err(e)?;
    }
    if shown.is_empty() {
        let font = ("sans-serif", 14)
            .into_font()
            .color(&RGBColor(0x4a, 0x52, 0x60));
        let (xs, ys) = chart.plotting_area().get_pixel_range();
        let mid = ((xs.start + xs.end) / 2 - 150, (ys.start + ys.end) / 2 - 8);
        root.draw(&Text::new(
            "no variant served requests on every seed",
            mid,
            font,
        ))
        .map_err(e)?;
    }
    root.present().map_err(e)?;
    Ok(shown.len())
}
