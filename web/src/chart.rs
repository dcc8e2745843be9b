//! How a chart is drawn with plotters on a <canvas>: lines over simulated time (what each of a
//! run's charts shows is `run_charts.rs`'s; the what-if's, `compare_chart.rs`'s).
//!
//! A chart is drawn at the size its canvas has on the page, times the device pixel ratio (the
//! context scaled, so text and lines stay sharp on any screen); time is in seconds, minutes or
//! hours by the run's length; counts have whole-number ticks and no tick has a needless ".0";
//! a line has a gap where it has no value (a latency before any request); a chart with nothing
//! to show says so; the value axis can be logarithmic (`Look::log`); past 12 lines, the 10
//! that peak highest are drawn and one "others" line follows the highest of the rest, so the
//! colours stay apart and nothing above the others' line is hidden. The legend is the page's
//! (HTML beside the canvas, where a click hides a line): each draw returns what it drew
//! (`Drawn`: the plot's place, the time scale and every line), which the legend, the crosshair
//! and the data table read.
use crate::view::{ChartData, Series};
use plotters::coord::ranged1d::ValueFormatter;
use plotters::coord::types::RangedCoordf64;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters_canvas::CanvasBackend;
use web_sys::HtmlCanvasElement;

/// One line of a chart: its legend, colour and (t, y) points.
pub(crate) struct Line {
    pub name: String,
    pub color: RGBColor,
    pub points: Vec<(f64, f64)>,
}

/// What a chart drew, for the page around it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Drawn {
    /// The plot area in CSS pixels of the canvas: left, top, right, bottom.
    pub plot: [f64; 4],
    /// The time axis: 0 to `t_max` seconds, shown in `time_unit` (1, 60 or 3600 s).
    pub t_max: f64,
    pub time_unit: f64,
    /// The value axis's unit ("%", "ms", "count").
    pub unit: String,
    pub lines: Vec<DrawnLine>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct DrawnLine {
    pub name: String,
    /// `#rrggbb`.
    pub color: String,
    pub points: Vec<(f64, f64)>,
    /// Hidden by the legend: in the legend, not on the plot.
    pub hidden: bool,
}

impl Drawn {
    /// The time under a pixel column of the canvas (CSS px from its left), if over the plot.
    pub fn time_at(&self, x: f64) -> Option<f64> {
        let [left, _, right, _] = self.plot;
        (x >= left && x <= right && right > left && self.t_max > 0.0)
            .then(|| (x - left) / (right - left) * self.t_max)
    }

    /// The pixel column of a time.
    pub fn x_of(&self, t: f64) -> Option<f64> {
        let [left, _, right, _] = self.plot;
        (self.t_max > 0.0 && (0.0..=self.t_max).contains(&t))
            .then(|| left + t / self.t_max * (right - left))
    }

    /// A time as the axis shows it ("12.5 min").
    pub fn time_label(&self, t: f64) -> String {
        let unit = match self.time_unit {
            u if u >= 3600.0 => "h",
            u if u >= 60.0 => "min",
            _ => "s",
        };
        format!("{} {unit}", ecsim_front::metric::round(t / self.time_unit))
    }

    /// Each shown line's value at the sample nearest `t` (None where it has none).
    pub fn values_at(&self, t: f64) -> Vec<(&DrawnLine, Option<f64>)> {
        self.lines
            .iter()
            .filter(|l| !l.hidden)
            .map(|l| {
                let near = l
                    .points
                    .iter()
                    .min_by(|a, b| (a.0 - t).abs().total_cmp(&(b.0 - t).abs()));
                (l, near.map(|p| p.1).filter(|v| v.is_finite()))
            })
            .collect()
    }
}

/// Colours that read apart, in turn (after 12 they repeat, and the legend says which is which).
const PALETTE: [RGBColor; 12] = [
    RGBColor(0x2c, 0xa0, 0x2c),
    RGBColor(0xff, 0x7f, 0x0e),
    RGBColor(0x94, 0x67, 0xbd),
    RGBColor(0x8c, 0x56, 0x4b),
    RGBColor(0xe3, 0x77, 0xc2),
    RGBColor(0x7f, 0x7f, 0x7f),
    RGBColor(0xbc, 0xbd, 0x22),
    RGBColor(0x17, 0xbe, 0xcf),
    RGBColor(0x1f, 0x77, 0xb4),
    RGBColor(0xd6, 0x27, 0x28),
    RGBColor(0x39, 0x3b, 0x79),
    RGBColor(0x63, 0x79, 0x39),
];

fn hex(c: RGBColor) -> String {
    format!("#{:02x}{:02x}{:02x}", c.0, c.1, c.2)
}

/// The canvas made the size it has on the page (its CSS width; a height from it) times the
/// device pixel ratio, and a drawing area in CSS pixels over it.
pub(crate) fn area(canvas: HtmlCanvasElement) -> Result<DrawingArea<CanvasBackend, Shift>, String> {
    let dpr = web_sys::window()
        .map(|w| w.device_pixel_ratio())
        .filter(|r| *r >= 1.0)
        .unwrap_or(1.0)
        .min(3.0);
    let css_w = match canvas.client_width() {
        w if w > 0 => w as u32,
        _ => 540,
    };
    let css_h = ((css_w as f64) * 0.62).clamp(220.0, 360.0) as u32;
    let (w, h) = (
        (css_w as f64 * dpr).round() as u32,
        (css_h as f64 * dpr).round() as u32,
    );
    if canvas.width() != w || canvas.height() != h {
        canvas.set_width(w);
        canvas.set_height(h);
    }
    let _ = canvas.set_attribute("style", &format!("height: {css_h}px"));
    let ctx: web_sys::CanvasRenderingContext2d = wasm_bindgen::JsCast::dyn_into(
        canvas
            .get_context("2d")
            .ok()
            .flatten()
            .ok_or("no 2D context on the canvas")?,
    )
    .map_err(|_| "no 2D context on the canvas")?;
    ctx.set_transform(dpr, 0.0, 0.0, dpr, 0.0, 0.0)
        .map_err(|_| "cannot scale the canvas")?;
    let backend = CanvasBackend::with_canvas_object(canvas).ok_or("no 2D context on the canvas")?;
    let root = backend.into_drawing_area().shrink((0, 0), (css_w, css_h));
    Ok(root)
}

/// A tick value without a needless ".0" (and whole numbers only, for counts).
pub(crate) fn tick(v: f64, whole: bool) -> String {
    if whole && (v - v.round()).abs() > 1e-9 {
        return String::new();
    }
    ecsim_front::metric::round(v)
}

/// How the page asks for a chart: the lines its legend hides, and whether the value axis is
/// logarithmic (latency, where one slow service would flatten the others' lines).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Look {
    pub hidden: Vec<String>,
    pub log: bool,
}

/// A line chart's title, value unit, top of the value axis, and what it says when empty.
pub(crate) struct Frame<'a> {
    pub caption: &'a str,
    pub unit: &'a str,
    pub y_max: f64,
    pub empty: &'a str,
}

/// The bottom of a log value axis: the power of ten at or below the lowest positive value
/// shown, an objective's limit included (a limit below every line is when it fails); None when
/// no value is positive (nothing to draw on a log axis).
fn log_floor(lines: &[Line], look: &Look, limits: &[(String, f64)]) -> Option<f64> {
    let low = lines
        .iter()
        .filter(|l| !look.hidden.contains(&l.name))
        .flat_map(|l| l.points.iter().map(|p| p.1))
        .chain(limits.iter().map(|l| l.1))
        .filter(|v| v.is_finite() && *v > 0.0)
        .fold(f64::INFINITY, f64::min);
    low.is_finite().then(|| 10f64.powf(low.log10().floor()))
}

/// What the axes are, once the time scale and value range are known.
struct Axes<'a> {
    x_desc: &'a str,
    y_desc: &'a str,
    time_unit: f64,
    whole: bool,
    y_labels: usize,
    t_max: f64,
}

pub(crate) fn draw_lines(
    canvas: HtmlCanvasElement,
    frame: Frame,
    lines: Vec<Line>,
    look: &Look,
    limits: &[(String, f64)],
) -> Result<Drawn, String> {
    let Frame {
        caption,
        unit: y_desc,
        y_max,
        empty,
    } = frame;
    let root = area(canvas)?;
    let e = |e: DrawingAreaErrorKind<_>| e.to_string();
    root.fill(&WHITE).map_err(e)?;
    let t_max = lines
        .iter()
        .filter_map(|l| l.points.last().map(|p| p.0))
        .fold(1.0, f64::max);
    let time_unit = if t_max > 3.0 * 3600.0 {
        3600.0
    } else if t_max > 20.0 * 60.0 {
        60.0
    } else {
        1.0
    };
    let x_desc = match time_unit as u32 {
        3600 => "simulated time (h)",
        60 => "simulated time (min)",
        _ => "simulated time (s)",
    };
    let whole = matches!(y_desc, "count" | "tasks");
    let y_max = limits.iter().map(|l| l.1 * 1.15).fold(y_max, f64::max);
    let y_max = if whole { y_max.ceil().max(1.0) } else { y_max };
    let axes = Axes {
        x_desc,
        y_desc,
        time_unit,
        whole,
        y_labels: if whole {
            (y_max as usize + 1).min(8)
        } else {
            6
        },
        t_max,
    };
    let builder = || {
        let mut b = ChartBuilder::on(&root);
        b.caption(caption, ("sans-serif", 15))
            .margin(10)
            .margin_right(18)
            .x_label_area_size(36)
            .y_label_area_size(52);
        b
    };
    let floor = log_floor(&lines, look, limits).filter(|f| look.log && *f < y_max);
    let plot = match floor {
        Some(floor) => {
            let chart = builder()
                .build_cartesian_2d(0f64..t_max, (floor..y_max).log_scale())
                .map_err(e)?;
            // Nothing at or below 0 has a place on a log axis: a gap there.
            let lines: Vec<Line> = lines
                .iter()
                .map(|l| Line {
                    name: l.name.clone(),
                    color: l.color,
                    points: l
                        .points
                        .iter()
                        .map(|&(t, v)| (t, if v > 0.0 { v } else { f64::NAN }))
                        .collect(),
                })
                .collect();
            // Said on the axis only when the axis is one (no positive value: a linear one).
            let desc = format!("{y_desc} (log scale)");
            let axes = Axes {
                y_desc: &desc,
                ..axes
            };
            plot_lines(&root, chart, &axes, &lines, look, limits)?
        }
        None => {
            let chart = builder()
                .build_cartesian_2d(0f64..t_max, 0f64..y_max)
                .map_err(e)?;
            plot_lines(&root, chart, &axes, &lines, look, limits)?
        }
    };
    let anything = lines
        .iter()
        .any(|l| l.points.iter().any(|p| p.1.is_finite() && p.1 != 0.0));
    if !anything {
        let style = ("sans-serif", 14)
            .into_font()
            .color(&RGBColor(0x4a, 0x52, 0x60));
        let mid = (
            (plot[0] + plot[2]) as i32 / 2 - 140,
            (plot[1] + plot[3]) as i32 / 2 - 8,
        );
        root.draw(&Text::new(empty.to_string(), mid, style))
            .map_err(e)?;
    }
    root.present().map_err(e)?;
    Ok(Drawn {
        plot,
        t_max,
        time_unit,
        unit: y_desc.to_string(),
        lines: lines
            .into_iter()
            .map(|l| DrawnLine {
                hidden: look.hidden.contains(&l.name),
                name: l.name,
                color: hex(l.color),
                points: l.points,
            })
            .collect(),
    })
}

/// The mesh, the shown lines and the objectives' limits on a chart whose value axis is linear
/// or logarithmic (`Y`); the plot area's place, in CSS pixels.
fn plot_lines<Y>(
    root: &DrawingArea<CanvasBackend, Shift>,
    mut chart: ChartContext<CanvasBackend, Cartesian2d<RangedCoordf64, Y>>,
    axes: &Axes,
    lines: &[Line],
    look: &Look,
    limits: &[(String, f64)],
) -> Result<[f64; 4], String>
where
    Y: Ranged<ValueType = f64> + ValueFormatter<f64>,
{
    let e = |e: DrawingAreaErrorKind<_>| e.to_string();
    let x_fmt = |t: &f64| tick(t / axes.time_unit, false);
    let y_fmt = |v: &f64| tick(*v, axes.whole);
    chart
        .configure_mesh()
        .max_light_lines(1)
        .x_labels(7)
        .y_labels(axes.y_labels)
        .x_label_formatter(&x_fmt)
        .y_label_formatter(&y_fmt)
        .x_desc(axes.x_desc)
        .y_desc(axes.y_desc)
        .label_style(("sans-serif", 12))
        .axis_desc_style(("sans-serif", 12))
        .draw()
        .map_err(e)?;
    for l in lines.iter().filter(|l| !look.hidden.contains(&l.name)) {
        // A gap where the line has no value.
        for run in l
            .points
            .split(|p| !p.1.is_finite())
            .filter(|r| !r.is_empty())
        {
            chart
                .draw_series(LineSeries::new(
                    run.iter().copied(),
                    l.color.stroke_width(2),
                ))
                .map_err(e)?;
        }
    }
    // An objective's limit: a dark line across the plot, labelled at its left.
    let limit_color = RGBColor(0x5c, 0x40, 0x00);
    for (label, v) in limits {
        chart
            .draw_series(LineSeries::new(
                [(0.0, *v), (axes.t_max, *v)],
                limit_color.stroke_width(2),
            ))
            .map_err(e)?;
        let at = chart.backend_coord(&(0.0, *v));
        let style = ("sans-serif", 11).into_font().color(&limit_color);
        root.draw(&Text::new(label.clone(), (at.0 + 4, at.1 - 13), style))
            .map_err(e)?;
    }
    let (xs, ys) = chart.plotting_area().get_pixel_range();
    Ok([
        xs.start as f64,
        ys.start as f64,
        xs.end as f64,
        ys.end as f64,
    ])
}

/// The top of the y axis: the highest point plus 15 % (1 when every point is 0).
pub(crate) fn headroom(lines: &[Line]) -> f64 {
    let top = lines
        .iter()
        .flat_map(|l| l.points.iter().map(|p| p.1))
        .filter(|v| v.is_finite())
        .fold(0.0, f64::max);
    if top > 0.0 {
        top * 1.15
    } else {
        1.0
    }
}

pub(crate) fn points(c: &ChartData, values: &[f64]) -> Vec<(f64, f64)> {
    c.t_s.iter().copied().zip(values.iter().copied()).collect()
}

/// More lines than this and a chart shows the `TOP` highest and one line for the others.
const MAX_LINES: usize = 12;
const TOP: usize = 10;

/// The colour of the "others" line: no palette colour, so never read as one of the top lines.
const OTHERS: RGBColor = RGBColor(0x44, 0x44, 0x44);

/// The highest finite value of a series (its rank among many).
fn peak(values: &[f64]) -> f64 {
    values
        .iter()
        .copied()
        .filter(|v| v.is_finite())
        .fold(f64::NEG_INFINITY, f64::max)
}

/// One line per series, coloured from the palette in turn. With more than `MAX_LINES` series,
/// the `TOP` with the highest peaks are kept (in their order) and the rest become one line,
/// "others", that follows the highest of them at each time: nothing above it is hidden, and
/// the colours of the lines shown stay apart.
pub(crate) fn palette_lines(c: &ChartData, series: &[Series]) -> Vec<Line> {
    let kept: Vec<&Series> = if series.len() > MAX_LINES {
        let mut ranked: Vec<usize> = (0..series.len()).collect();
        ranked.sort_by(|&x, &y| peak(&series[y].values).total_cmp(&peak(&series[x].values)));
        ranked.truncate(TOP);
        ranked.sort_unstable();
        ranked.iter().map(|&k| &series[k]).collect()
    } else {
        series.iter().collect()
    };
    let mut lines: Vec<Line> = kept
        .iter()
        .zip(PALETTE.iter().cycle())
        .map(|(v, &color)| Line {
            name: v.name.clone(),
            color,
            points: points(c, &v.values),
        })
        .collect();
    let rest: Vec<&Series> = series
        .iter()
        .filter(|s| !kept.iter().any(|k| std::ptr::eq(*k, *s)))
        .collect();
    if !rest.is_empty() {
        let highest: Vec<f64> = (0..c.t_s.len())
            .map(|i| {
                rest.iter()
                    .filter_map(|s| s.values.get(i).copied())
                    .filter(|v| v.is_finite())
                    .fold(f64::NAN, f64::max)
            })
            .collect();
        lines.push(Line {
            name: format!("others (highest of {})", rest.len()),
            color: OTHERS,
            points: points(c, &highest),
        });
    }
    lines
}
