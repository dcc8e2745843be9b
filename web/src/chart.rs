//! Charts drawn with plotters on a <canvas>.

use ecsim_core::metrics::TimeSeries;
use plotters::prelude::*;
use plotters_canvas::CanvasBackend;
use web_sys::HtmlCanvasElement;

/// Cluster CPU and memory reservation (% of registered) and running tasks over time.
pub fn draw_reservation(canvas: HtmlCanvasElement, ts: &TimeSeries) -> Result<(), String> {
    let backend = CanvasBackend::with_canvas_object(canvas).ok_or("no 2D context on the canvas")?;
    let root = backend.into_drawing_area();
    let e = |e: DrawingAreaErrorKind<_>| e.to_string();
    root.fill(&WHITE).map_err(e)?;
    let t_max = ts.t_s.last().copied().unwrap_or(1.0).max(1.0);
    let mut chart = ChartBuilder::on(&root)
        .caption("Cluster reservation (% of registered)", ("sans-serif", 16))
        .margin(12)
        .x_label_area_size(32)
        .y_label_area_size(44)
        .build_cartesian_2d(0f64..t_max, 0f64..100f64)
        .map_err(e)?;
    chart
        .configure_mesh()
        .x_desc("simulated time (s)")
        .y_desc("%")
        .draw()
        .map_err(e)?;
    let cpu = RGBColor(0xd6, 0x27, 0x28);
    let mem = RGBColor(0x1f, 0x77, 0xb4);
    for (name, color, values) in [
        ("CPU reserved", cpu, &ts.cpu_reserved_pct),
        ("memory reserved", mem, &ts.mem_reserved_pct),
    ] {
        chart
            .draw_series(LineSeries::new(
                ts.t_s.iter().copied().zip(values.iter().copied()),
                color.stroke_width(2),
            ))
            .map_err(e)?
            .label(name)
            .legend(move |(x, y)| {
                PathElement::new(vec![(x, y), (x + 18, y)], color.stroke_width(2))
            });
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperRight)
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK)
        .draw()
        .map_err(e)?;
    root.present().map_err(e)?;
    Ok(())
}
