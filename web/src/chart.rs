//! Charts drawn with plotters on a <canvas>: lines over simulated time, and the start-up bars.

use crate::view::{ChartData, Series};
use plotters::prelude::*;
use plotters_canvas::CanvasBackend;
use web_sys::HtmlCanvasElement;

/// One line of a chart: its legend, colour and (t, y) points.
struct Line {
    name: String,
    color: RGBColor,
    points: Vec<(f64, f64)>,
}

const PALETTE: [RGBColor; 8] = [
    RGBColor(0x2c, 0xa0, 0x2c),
    RGBColor(0xff, 0x7f, 0x0e),
    RGBColor(0x94, 0x67, 0xbd),
    RGBColor(0x8c, 0x56, 0x4b),
    RGBColor(0xe3, 0x77, 0xc2),
    RGBColor(0x7f, 0x7f, 0x7f),
    RGBColor(0xbc, 0xbd, 0x22),
    RGBColor(0x17, 0xbe, 0xcf),
];

fn draw_lines(
    canvas: HtmlCanvasElement,
    caption: &str,
    y_desc: &str,
    y_max: f64,
    legend: SeriesLabelPosition,
    lines: Vec<Line>,
) -> Result<(), String> {
    let backend = CanvasBackend::with_canvas_object(canvas).ok_or("no 2D context on the canvas")?;
    let root = backend.into_drawing_area();
    let e = |e: DrawingAreaErrorKind<_>| e.to_string();
    root.fill(&WHITE).map_err(e)?;
    let t_max = lines
        .iter()
        .filter_map(|l| l.points.last().map(|p| p.0))
        .fold(1.0, f64::max);
    let mut chart = ChartBuilder::on(&root)
        .caption(caption, ("sans-serif", 16))
        .margin(12)
        .x_label_area_size(32)
        .y_label_area_size(44)
        .build_cartesian_2d(0f64..t_max, 0f64..y_max)
        .map_err(e)?;
    chart
        .configure_mesh()
        .x_desc("simulated time (s)")
        .y_desc(y_desc)
        .draw()
        .map_err(e)?;
    for Line {
        name,
        color,
        points,
    } in lines
    {
        chart
            .draw_series(LineSeries::new(points, color.stroke_width(2)))
            .map_err(e)?
            .label(name)
            .legend(move |(x, y)| {
                PathElement::new(vec![(x, y), (x + 18, y)], color.stroke_width(2))
            });
    }
    chart
        .configure_series_labels()
        .position(legend)
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK)
        .draw()
        .map_err(e)?;
    root.present().map_err(e)
}

/// The top of the y axis: the highest point plus 15 %, at least 1.
fn headroom(lines: &[Line]) -> f64 {
    lines
        .iter()
        .flat_map(|l| l.points.iter().map(|p| p.1))
        .fold(1.0, f64::max)
        * 1.15
}

fn points(c: &ChartData, values: &[f64]) -> Vec<(f64, f64)> {
    c.t_s.iter().copied().zip(values.iter().copied()).collect()
}

/// Cluster CPU and memory reserved by tasks, and CPU used by requests, % of registered.
pub fn draw_reservation(canvas: HtmlCanvasElement, c: &ChartData) -> Result<(), String> {
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
        "Cluster CPU and memory (% of registered)",
        "%",
        100.0,
        SeriesLabelPosition::UpperRight,
        lines,
    )
}

/// Memory each service's running tasks use, % of what they reserve
/// (`ECSServiceAverageMemoryUtilization`): above 100 with soft limits. No line for a service
/// whose memory use the scenario does not model.
pub fn draw_memory(canvas: HtmlCanvasElement, c: &ChartData) -> Result<(), String> {
    let lines = palette_lines(c, &c.memory);
    let y_max = headroom(&lines).max(100.0);
    draw_lines(
        canvas,
        "Memory used per service (% of reserved)",
        "%",
        y_max,
        SeriesLabelPosition::UpperLeft,
        lines,
    )
}

/// Desired and running tasks of each service: auto scaling and actions move the desired line,
/// and the running one follows as tasks start.
pub fn draw_service_tasks(canvas: HtmlCanvasElement, c: &ChartData) -> Result<(), String> {
    let lines = palette_lines(c, &c.service_tasks);
    let y_max = headroom(&lines);
    draw_lines(
        canvas,
        "Desired and running tasks per service",
        "tasks",
        y_max,
        SeriesLabelPosition::UpperLeft,
        lines,
    )
}

/// Tasks in each lifecycle state that holds any during the run, registered instances, and
/// each capacity provider's group (its instances, booting ones included, and desired capacity).
pub fn draw_tasks(canvas: HtmlCanvasElement, c: &ChartData) -> Result<(), String> {
    let mut lines = palette_lines(c, &[c.tasks.as_slice(), &c.providers].concat());
    lines.push(Line {
        name: "instances".into(),
        color: BLACK,
        points: points(c, &c.instances),
    });
    let y_max = headroom(&lines);
    draw_lines(
        canvas,
        "Tasks by state, and instances",
        "count",
        y_max,
        SeriesLabelPosition::UpperLeft,
        lines,
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
pub fn draw_requests(canvas: HtmlCanvasElement, c: &ChartData) -> Result<(), String> {
    let lines = palette_lines(c, &c.requests);
    let y_max = headroom(&lines);
    draw_lines(
        canvas,
        "Requests served and failed per second",
        "req/s",
        y_max,
        SeriesLabelPosition::UpperLeft,
        lines,
    )
}

/// CPU reserved on each instance (the first dozen), % of what it registered.
pub fn draw_hosts(canvas: HtmlCanvasElement, c: &ChartData) -> Result<(), String> {
    per_host(canvas, c, "CPU reserved per instance (%)", &c.hosts)
}

/// Memory reserved on each instance, % of what it registered.
pub fn draw_hosts_mem(canvas: HtmlCanvasElement, c: &ChartData) -> Result<(), String> {
    per_host(canvas, c, "Memory reserved per instance (%)", &c.hosts_mem)
}

/// CPU used by requests on each instance over each window, % of its vCPUs.
pub fn draw_hosts_cpu_used(canvas: HtmlCanvasElement, c: &ChartData) -> Result<(), String> {
    per_host(canvas, c, "CPU used per instance (%)", &c.hosts_cpu_used)
}

fn per_host(
    canvas: HtmlCanvasElement,
    c: &ChartData,
    title: &str,
    series: &[Series],
) -> Result<(), String> {
    draw_lines(
        canvas,
        title,
        "%",
        100.0,
        SeriesLabelPosition::UpperRight,
        palette_lines(c, series),
    )
}

/// Latency p50 and p99 per sampling window, per service with traffic (ms).
pub fn draw_latency(canvas: HtmlCanvasElement, c: &ChartData) -> Result<(), String> {
    let lines = palette_lines(c, &c.latency);
    let y_max = headroom(&lines);
    draw_lines(
        canvas,
        "Latency per window (ms)",
        "ms",
        y_max,
        SeriesLabelPosition::UpperLeft,
        lines,
    )
}

/// The cost of the run so far: EC2 instances and Fargate tasks.
pub fn draw_cost(canvas: HtmlCanvasElement, c: &ChartData) -> Result<(), String> {
    let lines = vec![Line {
        name: "cost so far (USD)".into(),
        color: RGBColor(0x8c, 0x56, 0x4b),
        points: points(c, &c.cost_usd),
    }];
    let y_max = headroom(&lines);
    draw_lines(
        canvas,
        "Cost so far (USD)",
        "USD",
        y_max,
        SeriesLabelPosition::UpperLeft,
        lines,
    )
}

/// Where each service's start-up went (means over its tasks that became healthy): one bar per
/// service, split into provisioning, pull, start and health, in seconds.
pub fn draw_startup(canvas: HtmlCanvasElement, c: &ChartData) -> Result<(), String> {
    let backend = CanvasBackend::with_canvas_object(canvas).ok_or("no 2D context on the canvas")?;
    let root = backend.into_drawing_area();
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
    chart
        .configure_mesh()
        .disable_y_mesh()
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
    root.present().map_err(e)
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
) -> Result<(), String> {
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
        title,
        unit,
        y_max,
        SeriesLabelPosition::UpperLeft,
        lines,
    )
}
