//! What each chart of a run shows: cluster CPU and memory, tasks by state, each service's tasks,
//! memory, requests and latency, the cost so far, each instance's reservation and use, and
//! the start-up bars. Task states keep the cluster view's colours (`style.css`); an objective
//! with a limit on a chart's metric is drawn across it (`view::Limit`). How a line chart is
//! drawn (axes, gaps, log scale, "others") is `chart.rs`'s.

use crate::chart::{
    area, draw_lines, headroom, palette_lines, points, tick, Drawn, Frame, Line, Look,
};
use crate::view::{ChartData, LimitChart, Series};
use plotters::prelude::*;
use web_sys::HtmlCanvasElement;

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

/// The objectives' limits drawn on one chart, with their labels.
fn limits(c: &ChartData, chart: LimitChart) -> Vec<(String, f64)> {
    c.limits
        .iter()
        .filter(|l| l.chart == chart)
        .map(|l| (l.label.clone(), l.value))
        .collect()
}

/// One line per series (the palette's, or the top ten and "others"), the value axis from 0 to
/// above the highest point, and at least to the frame's `y_max`.
fn series_chart(
    canvas: HtmlCanvasElement,
    c: &ChartData,
    series: &[Series],
    frame: Frame,
    look: &Look,
    limits: &[(String, f64)],
) -> Result<Drawn, String> {
    fitted(canvas, palette_lines(c, series), frame, look, limits)
}

/// These lines, the value axis from 0 to above the highest point, and at least to the frame's
/// `y_max`.
fn fitted(
    canvas: HtmlCanvasElement,
    lines: Vec<Line>,
    frame: Frame,
    look: &Look,
    limits: &[(String, f64)],
) -> Result<Drawn, String> {
    let y_max = headroom(&lines).max(frame.y_max);
    draw_lines(canvas, Frame { y_max, ..frame }, lines, look, limits)
}

/// Cluster CPU and memory reserved by tasks, and CPU used by requests, % of registered.
pub fn draw_reservation(
    canvas: HtmlCanvasElement,
    c: &ChartData,
    look: &Look,
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
        look,
        &[],
    )
}

/// Memory each service's running tasks use, % of what they reserve
/// (`ECSServiceAverageMemoryUtilization`): above 100 with soft limits. No line for a service
/// whose memory use the scenario does not model.
pub fn draw_memory(canvas: HtmlCanvasElement, c: &ChartData, look: &Look) -> Result<Drawn, String> {
    series_chart(
        canvas,
        c,
        &c.memory,
        Frame {
            caption: "Memory used per service (% of reserved)",
            unit: "%",
            y_max: 100.0,
            empty: "no service's memory use is modelled ([[applications]])",
        },
        look,
        &limits(c, LimitChart::Memory),
    )
}

/// Desired and running tasks of each service: auto scaling and actions move the desired line,
/// and the running one follows as tasks start.
pub fn draw_service_tasks(
    canvas: HtmlCanvasElement,
    c: &ChartData,
    look: &Look,
) -> Result<Drawn, String> {
    series_chart(
        canvas,
        c,
        &c.service_tasks,
        Frame {
            caption: "Desired and running tasks per service",
            unit: "tasks",
            y_max: 0.0,
            empty: "no service in this run",
        },
        look,
        &limits(c, LimitChart::ServiceTasks),
    )
}

/// Tasks in each lifecycle state that holds any during the run, registered instances, and
/// each capacity provider's group (its instances, booting ones included, and desired capacity).
pub fn draw_tasks(canvas: HtmlCanvasElement, c: &ChartData, look: &Look) -> Result<Drawn, String> {
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
    fitted(
        canvas,
        lines,
        Frame {
            caption: "Tasks by state, and instances",
            unit: "count",
            y_max: 0.0,
            empty: "no task and no instance in this run",
        },
        look,
        &[],
    )
}

/// Requests served and failed per second by each service with traffic.
pub fn draw_requests(
    canvas: HtmlCanvasElement,
    c: &ChartData,
    look: &Look,
) -> Result<Drawn, String> {
    series_chart(
        canvas,
        c,
        &c.requests,
        Frame {
            caption: "Requests served and failed per second",
            unit: "req/s",
            y_max: 0.0,
            empty: "no traffic in this scenario",
        },
        look,
        &[],
    )
}

/// CPU reserved on each instance (the first dozen), % of what it registered.
pub fn draw_hosts(canvas: HtmlCanvasElement, c: &ChartData, look: &Look) -> Result<Drawn, String> {
    per_host(canvas, c, "CPU reserved per instance (%)", &c.hosts, look)
}

/// Memory reserved on each instance, % of what it registered.
pub fn draw_hosts_mem(
    canvas: HtmlCanvasElement,
    c: &ChartData,
    look: &Look,
) -> Result<Drawn, String> {
    per_host(
        canvas,
        c,
        "Memory reserved per instance (%)",
        &c.hosts_mem,
        look,
    )
}

/// CPU used by requests on each instance over each window, % of its vCPUs.
pub fn draw_hosts_cpu_used(
    canvas: HtmlCanvasElement,
    c: &ChartData,
    look: &Look,
) -> Result<Drawn, String> {
    per_host(
        canvas,
        c,
        "CPU used per instance (%)",
        &c.hosts_cpu_used,
        look,
    )
}

fn per_host(
    canvas: HtmlCanvasElement,
    c: &ChartData,
    title: &str,
    series: &[Series],
    look: &Look,
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
        look,
        &[],
    )
}

/// Latency p50 and p99 per sampling window, per service with traffic (ms).
pub fn draw_latency(
    canvas: HtmlCanvasElement,
    c: &ChartData,
    look: &Look,
) -> Result<Drawn, String> {
    series_chart(
        canvas,
        c,
        &c.latency,
        Frame {
            caption: "Latency per window (ms)",
            unit: "ms",
            y_max: 0.0,
            empty: "no request was served in this run",
        },
        look,
        &limits(c, LimitChart::Latency),
    )
}

/// The cost of the run so far: EC2 instances and Fargate tasks.
pub fn draw_cost(canvas: HtmlCanvasElement, c: &ChartData, look: &Look) -> Result<Drawn, String> {
    let lines = vec![Line {
        name: "cost so far (USD)".into(),
        color: RGBColor(0x8c, 0x56, 0x4b),
        points: points(c, &c.cost_usd),
    }];
    fitted(
        canvas,
        lines,
        Frame {
            caption: "Cost so far (USD)",
            unit: "USD",
            y_max: 0.0,
            empty: "nothing was billed",
        },
        look,
        &[],
    )
}

/// Where each service's start-up went (means over its tasks that became healthy): one bar per
/// service, split into provisioning, pull, start and health, in seconds.
pub fn draw_startup(
    canvas: HtmlCanvasElement,
    c: &ChartData,
    _look: &Look,
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
