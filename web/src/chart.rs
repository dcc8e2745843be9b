//! Charts drawn with plotters on a <canvas>: lines over simulated time, and the start-up bars.
//!
//! A chart is drawn at the size its canvas has on the page, times the device pixel ratio (the
//! context scaled, so text and lines stay sharp on any screen); time is in seconds, minutes or
//! hours by the run's length; counts have whole-number ticks and no tick has a needless ".0";
//! a line has a gap where it has no value (a latency before any request); a chart with nothing
//! to show says so. The legend is the page's (HTML beside the canvas, where a click hides a
//! line): each draw returns what it drew (`Drawn`: the plot's place, the time scale and every
//! line), which the legend, the crosshair and the data table read.

use crate::view::{ChartData, LimitChart, Series};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters_canvas::CanvasBackend;
use web_sys::HtmlCanvasElement;

/// One line of a chart: its legend, colour and (t, y) points.
struct Line {
    name: String,
    color: RGBColor,
    points: Vec<(f64, f64)>,
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

/// The colour of a task state, the same as the cluster view's (`style.css`): running green,
/// waiting grey, activating blue, stopping orange.
fn state_color(name: &str) -> Option<RGBColor> {
    Some(match name {
        "RUNNING" => RGBColor(0x2e, 0x7d, 0x32),
        "PENDING" | "PROVISIONING" => RGBColor(0x9a, 0xa0, 0xa8),
        "ACTIVATING" => RGBColor(0x1f, 0x6f, 0xeb),
        "DEACTIVATING" | "STOPPING" | "DEPROVISIONING" => RGBColor(0xd9, 0x8e, 0x04),
        "STOPPED" => RGBColor(0xc6, 0x28, 0x28),
        _ => return None,
    })
}

fn hex(c: RGBColor) -> String {
    format!("#{:02x}{:02x}{:02x}", c.0, c.1, c.2)
}

/// The canvas made the size it has on the page (its CSS width; a height from it) times the
/// device pixel ratio, and a drawing area in CSS pixels over it.
fn area(canvas: HtmlCanvasElement) -> Result<DrawingArea<CanvasBackend, Shift>, String> {
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
fn tick(v: f64, whole: bool) -> String {
    if whole && (v - v.round()).abs() > 1e-9 {
        return String::new();
    }
    ecsim_front::metric::round(v)
}

/// A line chart's title, value unit, top of the value axis, and what it says when empty.
struct Frame<'a> {
    caption: &'a str,
    unit: &'a str,
    y_max: f64,
    empty: &'a str,
}

fn draw_lines(
    canvas: HtmlCanvasElement,
    frame: Frame,
    lines: Vec<Line>,
    hidden: &[String],
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
    let mut chart = ChartBuilder::on(&root)
        .caption(caption, ("sans-serif", 15))
        .margin(10)
        .margin_right(18)
        .x_label_area_size(36)
        .y_label_area_size(52)
        .build_cartesian_2d(0f64..t_max, 0f64..y_max)
        .map_err(e)?;
    let x_fmt = |t: &f64| tick(t / time_unit, false);
    let y_fmt = |v: &f64| tick(*v, whole);
    chart
        .configure_mesh()
        .max_light_lines(1)
        .x_labels(7)
        .y_labels(if whole {
            (y_max as usize + 1).min(8)
        } else {
            6
        })
        .x_label_formatter(&x_fmt)
        .y_label_formatter(&y_fmt)
        .x_desc(x_desc)
        .y_desc(y_desc)
        .label_style(("sans-serif", 12))
        .axis_desc_style(("sans-serif", 12))
        .draw()
        .map_err(e)?;
    let anything = lines
        .iter()
        .any(|l| l.points.iter().any(|p| p.1.is_finite() && p.1 != 0.0));
    for l in lines.iter().filter(|l| !hidden.contains(&l.name)) {
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
                [(0.0, *v), (t_max, *v)],
                limit_color.stroke_width(2),
            ))
            .map_err(e)?;
        let at = chart.backend_coord(&(0.0, *v));
        let style = ("sans-serif", 11).into_font().color(&limit_color);
        root.draw(&Text::new(label.clone(), (at.0 + 4, at.1 - 13), style))
            .map_err(e)?;
    }
    let (xs, ys) = chart.plotting_area().get_pixel_range();
    if !anything {
        let style = ("sans-serif", 14)
            .into_font()
            .color(&RGBColor(0x4a, 0x52, 0x60));
        let mid = ((xs.start + xs.end) / 2 - 140, (ys.start + ys.end) / 2 - 8);
        root.draw(&Text::new(empty.to_string(), mid, style))
            .map_err(e)?;
    }
    root.present().map_err(e)?;
    Ok(Drawn {
        plot: [
            xs.start as f64,
            ys.start as f64,
            xs.end as f64,
            ys.end as f64,
        ],
        t_max,
        time_unit,
        unit: y_desc.to_string(),
        lines: lines
            .into_iter()
            .map(|l| DrawnLine {
                hidden: hidden.contains(&l.name),
                name: l.name,
                color: hex(l.color),
                points: l.points,
            })
            .collect(),
    })
}

/// The objectives' limits drawn on one chart, with their labels.
fn limits(c: &ChartData, chart: LimitChart) -> Vec<(String, f64)> {
    c.limits
        .iter()
        .filter(|l| l.chart == chart)
        .map(|l| (l.label.clone(), l.value))
        .collect()
}

/// The top of the y axis: the highest point plus 15 % (1 when every point is 0).
fn headroom(lines: &[Line]) -> f64 {
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

fn points(c: &ChartData, values: &[f64]) -> Vec<(f64, f64)> {
    c.t_s.iter().copied().zip(values.iter().copied()).collect()
}

/// Cluster CPU and memory reserved by tasks, and CPU used by requests, % of registered.
pub fn draw_reservation(
    canvas: HtmlCanvasElement,
    c: &ChartData,
    hidden: &[String],
) -> Result<Drawn, String> {
    let lines = vec![
        Line {
            name: "CPU reserved".into(),
            color: RGBColor(0xd6, 0x27, 0x28),
            points: points(c, &c.cpu_reserved_pct),
        },
        Line {
            name: "memory reserved".into(),
            color: RGBColor(0x1f, 0x77, 0xb4),
            points: points(c, &c.mem_reserved_pct),
        },
        Line {
            name: "CPU used".into(),
            color: RGBColor(0xff, 0x7f, 0x0e),
            points: points(c, &c.cpu_used_pct),
        },
    ];
    draw_lines(
        canvas,
        Frame {
            caption: "Cluster CPU and memory (% of registered)",
            unit: "%",
            y_max: 100.0,
            empty: "no instance registered in this run",
        },
        lines,
        hidden,
        &[],
    )
}

/// Memory each service's running tasks use, % of what they reserve
/// (`ECSServiceAverageMemoryUtilization`): above 100 with soft limits. No line for a service
/// whose memory use the scenario does not model.
pub fn draw_memory(
    canvas: HtmlCanvasElement,
    c: &ChartData,
    hidden: &[String],
) -> Result<Drawn, String> {
    let lines = palette_lines(c, &c.memory);
    let y_max = headroom(&lines).max(100.0);
    draw_lines(
        canvas,
        Frame {
            caption: "Memory used per service (% of reserved)",
            unit: "%",
            y_max,
            empty: "no service's memory use is modelled ([[applications]])",
        },
        lines,
        hidden,
        &limits(c, LimitChart::Memory),
    )
}

/// Desired and running tasks of each service: auto scaling and actions move the desired line,
/// and the running one follows as tasks start.
pub fn draw_service_tasks(
    canvas: HtmlCanvasElement,
    c: &ChartData,
    hidden: &[String],
) -> Result<Drawn, String> {
    let lines = palette_lines(c, &c.service_tasks);
    let y_max = headroom(&lines);
    draw_lines(
        canvas,
        Frame {
            caption: "Desired and running tasks per service",
            unit: "tasks",
            y_max,
            empty: "no service in this run",
        },
        lines,
        hidden,
        &limits(c, LimitChart::ServiceTasks),
    )
}

/// Tasks in each lifecycle state that holds any during the run, registered instances, and
/// each capacity provider's group (its instances, booting ones included, and desired capacity).
pub fn draw_tasks(
    canvas: HtmlCanvasElement,
    c: &ChartData,
    hidden: &[String],
) -> Result<Drawn, String> {
    let mut lines = palette_lines(c, &[c.tasks.as_slice(), &c.providers].concat());
    for l in &mut lines {
        if let Some(color) = state_color(&l.name) {
            l.color = color;
        }
    }
    lines.push(Line {
        name: "instances".into(),
        color: BLACK,
        points: points(c, &c.instances),
    });
    let y_max = headroom(&lines);
    draw_lines(
        canvas,
        Frame {
            caption: "Tasks by state, and instances",
            unit: "count",
            y_max,
            empty: "no task and no instance in this run",
        },
        lines,
        hidden,
        &[],
    )
}

/// One line per series, coloured from the palette in turn.
fn palette_lines(c: &ChartData, series: &[Series]) -> Vec<Line> {
    series
        .iter()
        .zip(PALETTE.iter().cycle())
        .map(|(v, &color)| Line {
            name: v.name.clone(),
            color,
            points: points(c, &v.values),
        })
        .collect()
}

/// Requests served and failed per second by each service with traffic.
pub fn draw_requests(
    canvas: HtmlCanvasElement,
    c: &ChartData,
    hidden: &[String],
) -> Result<Drawn, String> {
    let lines = palette_lines(c, &c.requests);
    let y_max = headroom(&lines);
    draw_lines(
        canvas,
        Frame {
            caption: "Requests served and failed per second",
            unit: "req/s",
            y_max,
            empty: "no traffic in this scenario",
        },
        lines,
        hidden,
        &[],
    )
}

/// CPU reserved on each instance (the first dozen), % of what it registered.
pub fn draw_hosts(
    canvas: HtmlCanvasElement,
    c: &ChartData,
    hidden: &[String],
) -> Result<Drawn, String> {
    per_host(canvas, c, "CPU reserved per instance (%)", &c.hosts, hidden)
}

/// Memory reserved on each instance, % of what it registered.
pub fn draw_hosts_mem(
    canvas: HtmlCanvasElement,
    c: &ChartData,
    hidden: &[String],
) -> Result<Drawn, String> {
    per_host(
        canvas,
        c,
        "Memory reserved per instance (%)",
        &c.hosts_mem,
        hidden,
    )
}

/// CPU used by requests on each instance over each window, % of its vCPUs.
pub fn draw_hosts_cpu_used(
    canvas: HtmlCanvasElement,
    c: &ChartData,
    hidden: &[String],
) -> Result<Drawn, String> {
    per_host(
        canvas,
        c,
        "CPU used per instance (%)",
        &c.hosts_cpu_used,
        hidden,
    )
}

fn per_host(
    canvas: HtmlCanvasElement,
    c: &ChartData,
    title: &str,
    series: &[Series],
    hidden: &[String],
) -> Result<Drawn, String> {
    draw_lines(
        canvas,
        Frame {
            caption: title,
            unit: "%",
            y_max: 100.0,
            empty: "no instance in this run",
        },
        palette_lines(c, series),
        hidden,
        &[],
    )
}

/// Latency p50 and p99 per sampling window, per service with traffic (ms).
pub fn draw_latency(
    canvas: HtmlCanvasElement,
    c: &ChartData,
    hidden: &[String],
) -> Result<Drawn, String> {
    let lines = palette_lines(c, &c.latency);
    let y_max = headroom(&lines);
    draw_lines(
        canvas,
        Frame {
            caption: "Latency per window (ms)",
            unit: "ms",
            y_max,
            empty: "no request was served in this run",
        },
        lines,
        hidden,
        &limits(c, LimitChart::Latency),
    )
}

/// The cost of the run so far: EC2 instances and Fargate tasks.
pub fn draw_cost(
    canvas: HtmlCanvasElement,
    c: &ChartData,
    hidden: &[String],
) -> Result<Drawn, String> {
    let lines = vec![Line {
        name: "cost so far (USD)".into(),
        color: RGBColor(0x8c, 0x56, 0x4b),
        points: points(c, &c.cost_usd),
    }];
    let y_max = headroom(&lines);
    draw_lines(
        canvas,
        Frame {
            caption: "Cost so far (USD)",
            unit: "USD",
            y_max,
            empty: "nothing was billed",
        },
        lines,
        hidden,
        &[],
    )
}

/// Where each service's start-up went (means over its tasks that became healthy): one bar per
/// service, split into provisioning, pull, start and health, in seconds.
pub fn draw_startup(
    canvas: HtmlCanvasElement,
    c: &ChartData,
    _hidden: &[String],
) -> Result<Drawn, String> {
    let root = area(canvas)?;
    let e = |e: DrawingAreaErrorKind<_>| e.to_string();
    root.fill(&WHITE).map_err(e)?;
    let phases = ["provisioning", "pull", "start", "health"];
    let colors = [
        RGBColor(0x7f, 0x7f, 0x7f),
        RGBColor(0xd6, 0x27, 0x28),
        RGBColor(0x1f, 0x77, 0xb4),
        RGBColor(0x2c, 0xa0, 0x2c),
    ];
    let bars: Vec<(&str, [f64; 4])> = c.startup.iter().map(|(n, v)| (n.as_str(), *v)).collect();
    let n = bars.len().max(1);
    let x_max = bars
        .iter()
        .map(|(_, v)| v.iter().sum::<f64>())
        .fold(1.0, f64::max)
        // Room on the right for the legend.
        * 1.6;
    let names: Vec<String> = bars.iter().map(|(n, _)| n.to_string()).collect();
    let mut chart = ChartBuilder::on(&root)
        .caption(
            "Start-up: wanted to healthy, mean per task",
            ("sans-serif", 16),
        )
        .margin(12)
        .x_label_area_size(32)
        .y_label_area_size(90)
        .build_cartesian_2d(0f64..x_max, 0f64..n as f64)
        .map_err(e)?;
    let x_fmt = |x: &f64| tick(*x, false);
    chart
        .configure_mesh()
        .disable_y_mesh()
        .max_light_lines(1)
        .x_label_formatter(&x_fmt)
        .label_style(("sans-serif", 12))
        .y_labels(n * 2 + 1)
        .y_label_formatter(&|y| {
            // Label the middle of each bar with its service.
            let k = (y - 0.5).round();
            if (y - 0.5 - k).abs() < 1e-6 && k >= 0.0 {
                names.get(k as usize).cloned().unwrap_or_default()
            } else {
                String::new()
            }
        })
        .x_desc("seconds")
        .draw()
        .map_err(e)?;
    for (k, (phase, color)) in phases.iter().zip(colors).enumerate() {
        let rects: Vec<Rectangle<(f64, f64)>> = bars
            .iter()
            .enumerate()
            .map(|(i, (_, v))| {
                let x0: f64 = v[..k].iter().sum();
                let y = i as f64;
                Rectangle::new([(x0, y + 0.2), (x0 + v[k], y + 0.8)], color.filled())
            })
            .collect();
        chart
            .draw_series(rects)
            .map_err(e)?
            .label(*phase)
            .legend(move |(x, y)| Rectangle::new([(x, y - 5), (x + 12, y + 5)], color.filled()));
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperRight)
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK)
        .draw()
        .map_err(e)?;
    root.present().map_err(e)?;
    Ok(Drawn::default())
}

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

    /// The canvas id and title.
    pub fn id(self) -> &'static str {
        match self {
            Overlay::Cpu => "whatif-cpu",
            Overlay::Tasks => "whatif-tasks",
            Overlay::Requests => "whatif-requests",
            Overlay::Latency => "whatif-latency",
            Overlay::Cost => "whatif-cost",
        }
    }

    fn title(self) -> (&'static str, &'static str) {
        match self {
            Overlay::Cpu => ("A and B: cluster CPU reserved and used (%)", "%"),
            Overlay::Tasks => ("A and B: tasks running, and instances", "count"),
            Overlay::Requests => ("A and B: requests served and failed per second", "req/s"),
            Overlay::Latency => ("A and B: latency p99 per window (ms)", "ms"),
            Overlay::Cost => ("A and B: cost so far (USD)", "USD"),
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

/// Variant A's lines in blues, B's in oranges, each from its own run's time axis.
pub fn draw_overlay(
    canvas: HtmlCanvasElement,
    what: Overlay,
    a: &ChartData,
    b: &ChartData,
) -> Result<Drawn, String> {
    const BLUES: [RGBColor; 4] = [
        RGBColor(0x1f, 0x77, 0xb4),
        RGBColor(0x6b, 0xae, 0xd6),
        RGBColor(0x08, 0x30, 0x6b),
        RGBColor(0x42, 0x92, 0xc6),
    ];
    const ORANGES: [RGBColor; 4] = [
        RGBColor(0xff, 0x7f, 0x0e),
        RGBColor(0xd6, 0x27, 0x28),
        RGBColor(0xfd, 0xae, 0x6b),
        RGBColor(0x8c, 0x2d, 0x04),
    ];
    let mut lines = Vec::new();
    for (tag, c, colors) in [("A", a, &BLUES), ("B", b, &ORANGES)] {
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
    draw_lines(
        canvas,
        Frame {
            caption: title,
            unit,
            y_max,
            empty: "nothing to show",
        },
        lines,
        &[],
        &[],
    )
}
