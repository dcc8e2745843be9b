//! `ecsim plot` on what the other commands write: a run's time series, a sweep's metric with
//! its intervals, and the Pareto front with an SLO line; SVG with axes, units and a legend, and
//! PNG with its text drawn.

use std::path::PathBuf;
use std::process::{Command, Output};

fn ecsim(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ecsim"))
        .args(args)
        .current_dir(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../.."))
        .output()
        .expect("ecsim runs")
}

fn ok(o: Output) -> Output {
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    o
}

#[test]
fn charts_of_a_run_a_sweep_and_its_pareto_front() {
    let d = std::env::temp_dir().join(format!("ecsim-plot-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    let run = d.join("run");
    let sw = d.join("sweep");
    let s = |p: &PathBuf| p.display().to_string();
    ok(ecsim(&[
        "run",
        "scenarios/default.toml",
        "--duration",
        "4m",
        "--out",
        &s(&run),
    ]));
    ok(ecsim(&[
        "sweep",
        "scenarios/templates/right-size-ec2.toml",
        "--vary",
        "instance_groups[0].instance_type=c5.large,m5.xlarge",
        "--vary",
        "instance_groups[0].count=3..5",
        "--seeds",
        "3",
        "--duration",
        "3m",
        "--out",
        &s(&sw),
    ]));
    let chart = |args: &[&str], file: &str| -> String {
        let out = d.join(file);
        let mut all = vec!["plot"];
        all.extend_from_slice(args);
        let o = s(&out);
        all.extend_from_slice(&["--out", &o]);
        ok(ecsim(&all));
        std::fs::read_to_string(out).unwrap()
    };
    let ts = chart(&[&s(&run)], "ts.svg");
    assert!(ts.starts_with("<svg"), "an SVG");
    for text in [
        "time (min)",
        "latency (ms)",
        "web p99",
        "CPU reserved",
        "Cost so far",
    ] {
        assert!(ts.contains(text), "the time-series chart lacks {text:?}");
    }
    let by = chart(&[&s(&sw)], "sweep.svg");
    for text in [
        "instance_groups[0].count",
        "(ms), mean and 95 % interval over 3 seeds",
        "instance_groups[0].instance_type=m5.xlarge",
    ] {
        assert!(by.contains(text), "the sweep chart lacks {text:?}");
    }
    let front = chart(
        &[
            &s(&sw.join("sweep.json")),
            "--pareto",
            "--slo",
            "services.web.latency_ms.p99 < 150",
        ],
        "pareto.svg",
    );
    for text in [
        "cost_usd.per_hour (USD per hour)",
        "Pareto front",
        "SLO &lt; 150",
    ] {
        assert!(front.contains(text), "the Pareto chart lacks {text:?}");
    }
    // A PNG: the same chart rendered, its text drawn (the title band has dark pixels: without a
    // font for `sans-serif` the text would silently vanish).
    ok(ecsim(&[
        "plot",
        &s(&sw.join("sweep.json")),
        "--pareto",
        "--out",
        &s(&d.join("pareto.png")),
    ]));
    let img = resvg::tiny_skia::Pixmap::load_png(d.join("pareto.png")).expect("a PNG");
    assert_eq!((img.width(), img.height()), (960, 640));
    let title_ink = (0..30)
        .flat_map(|y| (300..660).map(move |x| (x, y)))
        .filter(|&(x, y)| {
            img.pixel(x, y)
                .is_some_and(|p| p.red() < 100 && p.alpha() > 200)
        })
        .count();
    assert!(
        title_ink > 100,
        "the PNG's title was not drawn ({title_ink} dark pixels)"
    );
    let other = ecsim(&["plot", &s(&run), "--out", &s(&d.join("x.gif"))]);
    assert_eq!(other.status.code(), Some(2));
    let wrong = ecsim(&["plot", &s(&run), "--pareto", "--out", &s(&d.join("x.svg"))]);
    assert_eq!(wrong.status.code(), Some(2), "--pareto needs a sweep");
    let _ = std::fs::remove_dir_all(&d);
}
