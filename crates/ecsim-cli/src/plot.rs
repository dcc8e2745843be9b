//! `ecsim plot`: SVG charts of what the other commands wrote.
//! - a run's `--out` folder (its `timeseries.json`): CPU and memory, latency, tasks and cost over
//!   time, one panel each;
//! - a sweep's `sweep.json` (or its folder): a metric against a varied setting, with the
//!   confidence interval of each point as an error bar, one line per combination of the other
//!   settings;
//! - with `--pareto`, the sweep's points as cost against latency, the Pareto front joined, and an
//!   SLO's limit as a line.
//!
//! Values that span more than two decades (latencies of an overloaded point next to a healthy
//! one) are drawn on a log axis. Charts are SVG, drawn with plotters; their text is SVG text, so
//! no font file is needed to draw them. A `.png` is that SVG rendered by resvg, its text in the
//! system's fonts.

use crate::Failure;
use ecsim_front::chart::{self, unit, Axis};
use ecsim_front::plan::Slo;
use ecsim_front::sweep::SweepResult;
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;
use serde_json::Value;
use std::path::{Path, PathBuf};

#[derive(clap::Args)]
pub(crate) struct PlotArgs {
    /// A run's --out folder, or a sweep's sweep.json or its folder.
    input: PathBuf,
    /// The chart to write: .svg, or .png (rendered with the system's fonts).
    #[arg(long, value_name = "FILE.svg|FILE.png")]
    out: PathBuf,
    /// For a sweep: the metric to draw (default: its first latency metric, else its first).
    #[arg(long)]
    metric: Option<String>,
    /// For a sweep: the varied setting along the x axis (default: the last one).
    #[arg(long, value_name = "PATH")]
    x: Option<String>,
    /// For a sweep: cost against latency, with the Pareto front.
    #[arg(long)]
    pareto: bool,
    /// For --pareto: an SLO whose limit is drawn as a line, e.g. 'services.web.latency_ms.p99 < 200'.
    #[arg(long, value_name = "METRIC OP LIMIT")]
    slo: Option<String>,
}

const W: u32 = 960;
const PALETTE: [RGBColor; 6] = [
    RGBColor(31, 119, 180),
    RGBColor(214, 39, 40),
    RGBColor(44, 160, 44),
    RGBColor(255, 127, 14),
    RGBColor(148, 103, 189),
    RGBColor(140, 86, 75),
];

type Plot = Result<(), String>;

pub(crate) fn plot_command(args: &PlotArgs) -> Result<(), Failure> {
    let bad = Failure::BadInput;
    let png = match args.out.extension().and_then(|e| e.to_str()) {
        Some("svg") => false,
        Some("png") => true,
        _ => {
            return Err(bad(format!(
                "{}: the chart's file must end in .svg or .png",
                args.out.display()
            )))
        }
    };
    let mut svg = String::new();
    let input = &args.input;
    let (sweep_file, series_file) = if input.is_dir() {
        (input.join("sweep.json"), input.join("timeseries.json"))
    } else {
        (input.clone(), PathBuf::new())
    };
    // A JSON file with a sweep's `varies` and `points`, read and parsed once.
    let sweep_value = (sweep_file.is_file() && sweep_file.extension().is_some_and(|e| e == "json"))
        .then(|| read(&sweep_file))
        .transpose()?
        .and_then(|t| serde_json::from_str::<Value>(&t).ok())
        .filter(|v| v.get("varies").is_some() && v.get("points").is_some());
    let drawn = if let Some(v) = sweep_value {
        let sweep: SweepResult = serde_json::from_value(v).map_err(|e| {
            bad(format!(
                "{}: not a sweep's result: {e}",
                sweep_file.display()
            ))
        })?;
        if args.pareto {
            let slo = args
                .slo
                .as_deref()
                .map(Slo::parse)
                .transpose()
                .map_err(|e| bad(format!("--slo {e}")))?;
            pareto(&sweep, slo.as_ref(), &mut svg)
        } else {
            sweep_chart(&sweep, args.metric.as_deref(), args.x.as_deref(), &mut svg).map_err(bad)?
        }
    } else if series_file.is_file() {
        if args.pareto || args.metric.is_some() || args.x.is_some() {
            return Err(bad(
                "--pareto, --metric and --x are for a sweep's result, not a run's".into(),
            ));
        }
        let v: Value = serde_json::from_str(&read(&series_file)?).map_err(|e| {
            bad(format!(
                "{}: not a run's time series: {e}",
                series_file.display()
            ))
        })?;
        timeseries(&v, &mut svg)
    } else {
        return Err(bad(format!(
            "{}: neither a run's --out folder (timeseries.json) nor a sweep's result (sweep.json)",
            input.display()
        )));
    };
    let failed = |e: String| Failure::RunFailed(format!("cannot draw {}: {e}", args.out.display()));
    drawn.map_err(failed)?;
    if png {
        write_png(&svg, &args.out).map_err(failed)?;
    } else {
        std::fs::write(&args.out, svg).map_err(|e| failed(e.to_string()))?;
    }
    println!("chart written to {}", args.out.display());
    Ok(())
}

/// The SVG rendered to a PNG of the same size, its text in the system's fonts. With no font at
/// all the text would silently vanish, so that is an error instead.
fn write_png(svg: &str, out: &Path) -> Result<(), String> {
    use resvg::{tiny_skia, usvg};
    let mut opt = usvg::Options::default();
    let db = opt.fontdb_mut();
    db.load_system_fonts();
    // The charts ask for `sans-serif`: the system's sans face answers for it (usvg would look for
    // Arial, and drop the text if it is not there).
    let families: Vec<String> = db
        .faces()
        .flat_map(|f| f.families.iter().map(|(name, _)| name.clone()))
        .collect();
    let preferred = [
        "DejaVu Sans",
        "Liberation Sans",
        "Noto Sans",
        "FreeSans",
        "Arial",
    ];
    let Some(sans) = preferred
        .iter()
        .find(|p| families.iter().any(|f| f == *p))
        .map(|p| p.to_string())
        .or_else(|| families.iter().find(|f| f.contains("Sans")).cloned())
        .or_else(|| families.first().cloned())
    else {
        return Err("a PNG's text needs a font and this system has none (on Debian: apt-get install fonts-dejavu-core); or write .svg".into());
    };
    db.set_sans_serif_family(sans.clone());
    opt.font_family = sans;
    let tree = usvg::Tree::from_str(svg, &opt).map_err(err)?;
    let size = tree.size().to_int_size();
    let mut pixmap =
        tiny_skia::Pixmap::new(size.width(), size.height()).ok_or("the chart has no area")?;
    resvg::render(&tree, tiny_skia::Transform::default(), &mut pixmap.as_mut());
    pixmap.save_png(out).map_err(err)
}

fn read(p: &Path) -> Result<String, Failure> {
    std::fs::read_to_string(p)
        .map_err(|e| Failure::BadInput(format!("cannot read {}: {e}", p.display())))
}

/// The unit of a metric, from its name.
fn err(e: impl std::fmt::Display) -> String {
    e.to_string()
}

/// The charts' coordinates: minutes, settings or dollars across, a (perhaps log) value up.
type Chart<'a, 'b> = ChartContext<'a, SVGBackend<'b>, Cartesian2d<RangedCoordf64, RangedCoordf64>>;

/// A named line, in the legend too.
fn line(
    chart: &mut Chart<'_, '_>,
    points: impl IntoIterator<Item = (f64, f64)>,
    color: RGBColor,
    name: String,
) -> Plot {
    chart
        .draw_series(LineSeries::new(points, color.stroke_width(2)))
        .map_err(err)?
        .label(name)
        .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 18, y)], color.stroke_width(2)));
    Ok(())
}

/// The legend, in a light box.
fn legend<'a>(chart: &mut Chart<'a, 'a>) -> Plot {
    chart
        .configure_series_labels()
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK.mix(0.3))
        .draw()
        .map_err(err)
}

fn numbers(v: &Value) -> Vec<f64> {
    v.as_array()
        .map(|a| a.iter().map(|x| x.as_f64().unwrap_or(f64::NAN)).collect())
        .unwrap_or_default()
}

/// One panel of a time-series chart: named lines against minutes.
fn panel(
    area: &DrawingArea<SVGBackend<'_>, plotters::coord::Shift>,
    title: &str,
    y_desc: &str,
    t_min: &[f64],
    lines: &[(String, Vec<f64>)],
) -> Plot {
    let y = Axis::fit(lines.iter().flat_map(|(_, v)| v.iter().copied()));
    let t_hi = t_min.last().copied().unwrap_or(1.0).max(1e-9);
    let mut chart = ChartBuilder::on(area)
        .caption(title, ("sans-serif", 18))
        .margin(8)
        .x_label_area_size(36)
        .y_label_area_size(64)
        .build_cartesian_2d(0.0..t_hi, y.lo..y.hi)
        .map_err(err)?;
    chart
        .configure_mesh()
        .x_desc("time (min)")
        .y_desc(y_desc)
        .y_label_formatter(&|v| y.label(*v))
        .draw()
        .map_err(err)?;
    for (k, (name, v)) in lines.iter().enumerate() {
        let color = PALETTE[k % PALETTE.len()];
        let pts: Vec<(f64, f64)> = t_min
            .iter()
            .zip(v)
            .filter(|(_, y)| y.is_finite())
            .map(|(t, v)| (*t, y.at(*v)))
            .collect();
        line(&mut chart, pts, color, name.clone())?;
    }
    if !lines.is_empty() {
        legend(&mut chart)?;
    }
    Ok(())
}

fn timeseries(v: &Value, out: &mut String) -> Plot {
    let t_min: Vec<f64> = numbers(&v["t_s"]).iter().map(|t| t / 60.0).collect();
    let root = SVGBackend::with_string(out, (W, 1100)).into_drawing_area();
    root.fill(&WHITE).map_err(err)?;
    let panels = root.split_evenly((4, 1));
    panel(
        &panels[0],
        "Cluster CPU and memory",
        "% of registered",
        &t_min,
        &[
            ("CPU reserved".into(), numbers(&v["cpu_reserved_pct"])),
            ("CPU used".into(), numbers(&v["cpu_used_pct"])),
            ("memory reserved".into(), numbers(&v["mem_reserved_pct"])),
        ],
    )?;
    let services = v["services"].as_array().cloned().unwrap_or_default();
    let mut lat = Vec::new();
    for s in &services {
        let name = s["name"].as_str().unwrap_or("?");
        lat.push((format!("{name} p50"), numbers(&s["latency_p50_ms"])));
        lat.push((format!("{name} p99"), numbers(&s["latency_p99_ms"])));
    }
    panel(&panels[1], "Request latency", "latency (ms)", &t_min, &lat)?;
    let mut tasks = Vec::new();
    for s in v["service_tasks"].as_array().into_iter().flatten() {
        let name = s["name"].as_str().unwrap_or("?");
        tasks.push((format!("{name} running"), numbers(&s["running"])));
        tasks.push((format!("{name} desired"), numbers(&s["desired"])));
    }
    panel(&panels[2], "Tasks", "tasks", &t_min, &tasks)?;
    panel(
        &panels[3],
        "Cost so far",
        "USD",
        &t_min,
        &[("cost".into(), numbers(&v["cost_usd"]))],
    )?;
    root.present().map_err(err)
}

fn sweep_chart(
    s: &SweepResult,
    metric: Option<&str>,
    x: Option<&str>,
    out: &mut String,
) -> Result<Plot, String> {
    let m = match metric {
        Some(m) => s
            .metrics
            .iter()
            .position(|x| x == m)
            .ok_or_else(|| format!("--metric {m}: the sweep has {}", s.metrics.join(", ")))?,
        None => s
            .metrics
            .iter()
            .position(|m| m.contains("latency_ms"))
            .unwrap_or(0),
    };
    let k = match x {
        Some(p) => s.varies.iter().position(|v| v.path == p).ok_or_else(|| {
            format!(
                "--x {p}: the sweep varies {}",
                s.varies
                    .iter()
                    .map(|v| v.path.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        })?,
        None => s.varies.len().saturating_sub(1),
    };
    Ok(draw_sweep(s, m, k, out))
}

fn draw_sweep(s: &SweepResult, m: usize, k: usize, out: &mut String) -> Plot {
    let values = &s.varies[k].values;
    let numeric: Option<Vec<f64>> = values.iter().map(|v| v.parse::<f64>().ok()).collect();
    // x: the value itself when every value is a number, else its position (labelled).
    let x_of = |v: &str| -> f64 {
        match &numeric {
            Some(_) => v.parse().unwrap_or(0.0),
            None => values.iter().position(|x| x == v).unwrap_or(0) as f64,
        }
    };
    let (x_lo, x_hi) = match &numeric {
        Some(n) => {
            let lo = n.iter().copied().fold(f64::INFINITY, f64::min);
            let hi = n.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            let pad = ((hi - lo) * 0.05).max(0.5);
            (lo - pad, hi + pad)
        }
        None => (-0.5, values.len() as f64 - 0.5),
    };
    let ests = s.points.iter().filter_map(|p| p.metrics[m]);
    let y = Axis::fit(ests.flat_map(|e| [e.lo, e.hi, e.mean]));
    let root = SVGBackend::with_string(out, (W, 600)).into_drawing_area();
    root.fill(&WHITE).map_err(err)?;
    let metric = &s.metrics[m];
    let mut chart = ChartBuilder::on(&root)
        .caption(
            format!("{metric} by {}", s.varies[k].path),
            ("sans-serif", 20),
        )
        .margin(12)
        .x_label_area_size(44)
        .y_label_area_size(72)
        .build_cartesian_2d(x_lo..x_hi, y.lo..y.hi)
        .map_err(err)?;
    let labels = values.clone();
    let categorical = numeric.is_none();
    chart
        .configure_mesh()
        .x_desc(s.varies[k].path.clone())
        .y_desc(format!(
            "{metric} ({}), mean and {:.0} % interval over {} seeds",
            unit(metric),
            s.confidence * 100.0,
            s.seeds
        ))
        .x_labels(if categorical { labels.len() } else { 10 })
        .x_label_formatter(&|v| {
            if categorical {
                labels.get(v.round() as usize).cloned().unwrap_or_default()
            } else {
                format!("{v}")
            }
        })
        .y_label_formatter(&|v| y.label(*v))
        .draw()
        .map_err(err)?;
    // One line per combination of the other settings.
    let mut groups: Vec<(String, Vec<usize>)> = Vec::new();
    for (i, p) in s.points.iter().enumerate() {
        let key: Vec<String> = p
            .settings
            .iter()
            .enumerate()
            .filter(|(j, _)| *j != k)
            .map(|(_, (a, b))| format!("{a}={b}"))
            .collect();
        let key = if key.is_empty() {
            metric.clone()
        } else {
            key.join(", ")
        };
        match groups.iter_mut().find(|g| g.0 == key) {
            Some(g) => g.1.push(i),
            None => groups.push((key, vec![i])),
        }
    }
    for (g, (name, idx)) in groups.iter().enumerate() {
        let color = PALETTE[g % PALETTE.len()];
        let pts: Vec<(f64, f64, f64, f64)> = idx
            .iter()
            .filter_map(|&i| {
                let e = s.points[i].metrics[m]?;
                Some((
                    x_of(&s.points[i].settings[k].1),
                    y.at(e.lo),
                    y.at(e.mean),
                    y.at(e.hi),
                ))
            })
            .collect();
        line(
            &mut chart,
            pts.iter().map(|p| (p.0, p.2)),
            color,
            name.clone(),
        )?;
        chart
            .draw_series(
                pts.iter()
                    .map(|p| ErrorBar::new_vertical(p.0, p.1, p.2, p.3, color.filled(), 8)),
            )
            .map_err(err)?;
    }
    legend(&mut chart)?;
    root.present().map_err(err)
}

fn pareto(s: &SweepResult, slo: Option<&Slo>, out: &mut String) -> Plot {
    let root = SVGBackend::with_string(out, (W, 640)).into_drawing_area();
    chart::draw_pareto(&root, s, slo, None, 14)
}
