//! A sweep: the cross product of settings to vary, each point run on the same seeds, and per
//! point each metric's mean and confidence interval over the seeds, with the points on the
//! Pareto front of cost against latency marked.
//!
//! This module plans and aggregates; it runs nothing and writes nothing, so the command line
//! (threads, files, a progress bar) and the web app (a pool of workers) share it and give the
//! same numbers. A point's runs use seeds 1..=N whatever the point, so two points see the same
//! traffic on the same seed (common random numbers, docs/determinism.md), and the result is a
//! function of the runs alone: not of how many ran at once, nor of the order they finished in.

use crate::setting::{self, Override, SetError, SettingPath};
use crate::stats::Estimate;
use ecsim_core::{RunOptions, Scenario, SimDuration, Summary};
use serde::{Deserialize, Serialize};

/// The most points a sweep may have: a typo in a range must not start a million runs.
pub const MAX_POINTS: usize = 10_000;

/// One setting to vary and its values, as `--vary PATH=V1,V2,…` or `PATH=2..10` / `PATH=2..10:2`
/// (integer ranges include both ends).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Vary {
    pub path: String,
    pub values: Vec<String>,
}

impl Vary {
    pub fn parse(arg: &str) -> Result<Vary, SetError> {
        let bad = |m: String| SetError {
            path: arg.to_string(),
            message: m,
        };
        let Some((p, v)) = arg.split_once('=') else {
            return Err(bad("expected PATH=V1,V2,… or PATH=FROM..TO[:STEP]".into()));
        };
        let path = SettingPath::parse(p)?.text;
        let v = v.trim();
        let values = if let Some((from, rest)) = v.split_once("..") {
            let (to, step) = rest.split_once(':').unwrap_or((rest, "1"));
            let num = |s: &str, what: &str| {
                s.trim()
                    .parse::<i64>()
                    .map_err(|_| bad(format!("the range's {what} {s:?} is not an integer")))
            };
            let (from, to, step) = (num(from, "start")?, num(to, "end")?, num(step, "step")?);
            if step <= 0 {
                return Err(bad("a range's step must be positive".into()));
            }
            if to < from {
                return Err(bad(format!("the range {from}..{to} is empty")));
            }
            if (to - from) / step >= MAX_POINTS as i64 {
                return Err(bad(format!("the range has over {MAX_POINTS} values")));
            }
            (from..=to)
                .step_by(step as usize)
                .map(|i| i.to_string())
                .collect()
        } else {
            v.split(',')
                .map(|s| s.trim().to_string())
                .collect::<Vec<_>>()
        };
        if values.iter().any(String::is_empty) {
            return Err(bad("an empty value in the list".into()));
        }
        Ok(Vary { path, values })
    }
}

/// One point of the sweep: a value for each varied setting, in the order of the `--vary`s.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Point {
    pub settings: Vec<(String, String)>,
}

impl Point {
    /// The point's overrides, to apply to the scenario text (after any common ones).
    pub fn overrides(&self) -> Result<Vec<Override>, SetError> {
        self.settings
            .iter()
            .map(|(p, v)| {
                Ok(Override {
                    path: SettingPath::parse(p)?,
                    value: v.clone(),
                })
            })
            .collect()
    }

    /// `instance_groups[web-hosts].count=3, services[web].desiredCount=6`.
    pub fn label(&self) -> String {
        let parts: Vec<String> = self
            .settings
            .iter()
            .map(|(p, v)| format!("{p}={v}"))
            .collect();
        parts.join(", ")
    }
}

/// The cross product of the varies, the first one outermost.
pub fn points(varies: &[Vary]) -> Result<Vec<Point>, SetError> {
    let total: usize = varies.iter().map(|v| v.values.len()).product();
    if total > MAX_POINTS {
        return Err(SetError {
            path: varies
                .iter()
                .map(|v| v.path.as_str())
                .collect::<Vec<_>>()
                .join(" × "),
            message: format!("{total} points; a sweep may have at most {MAX_POINTS}"),
        });
    }
    let mut out = vec![Point {
        settings: Vec::new(),
    }];
    for v in varies {
        out = out
            .into_iter()
            .flat_map(|p| {
                v.values.iter().map(move |val| {
                    let mut q = p.clone();
                    q.settings.push((v.path.clone(), val.clone()));
                    q
                })
            })
            .collect();
    }
    Ok(out)
}

/// Each point's scenario: the base text (the scenario with any common `--set`s) with the
/// point's settings applied, checked, so a bad value anywhere in the grid is reported before
/// anything runs, with the point it is at.
pub fn point_scenarios(base: &str, file: &str, points: &[Point]) -> Result<Vec<Scenario>, String> {
    points
        .iter()
        .map(|p| {
            let at = |m: String| format!("at the point {}: {m}", p.label());
            let overrides = p.overrides().map_err(|e| at(e.to_string()))?;
            let text =
                setting::apply(base, file, &overrides).map_err(|e| at(format!("--vary {e}")))?;
            Scenario::parse(&text, file).map_err(|e| at(e.to_string()))
        })
        .collect()
}

/// Why one of `metrics` names no number of `sc`'s summary (its summary at time zero has the
/// shape), or `Ok` when each does.
pub fn check_metrics(sc: &Scenario, metrics: &[String]) -> Result<(), String> {
    let zero = RunOptions {
        duration: Some(SimDuration::ZERO),
        ..Default::default()
    };
    let skeleton = ecsim_core::run(sc, &zero)
        .map_err(|e| e.to_string())?
        .summary;
    match metrics.iter().find_map(|m| check_metric(&skeleton, m)) {
        Some(why) => Err(why),
        None => Ok(()),
    }
}

/// The metrics a sweep reports when none are named: the cost per hour and, for each service
/// that takes traffic, its p99 latency and failed requests.
pub fn default_metrics(sc: &Scenario) -> Vec<String> {
    let mut m = vec!["cost_usd.per_hour".to_string()];
    for t in &sc.traffic {
        let name = &sc.services[t.service].name;
        m.push(format!("services.{name}.latency_ms.p99"));
        m.push(format!("services.{name}.requests.failed"));
    }
    m
}

/// Why `metric` names no number of `summary` (a summary of the scenario, even at time zero),
/// with the closest name it has; `None` when it does. A key under a map that fills as the run
/// goes (`stop_codes`) is let through.
pub fn check_metric(summary: &Summary, metric: &str) -> Option<String> {
    let v = serde_json::to_value(summary).unwrap_or_default();
    match ecsim_core::metrics::lookup(&v, metric) {
        Some(x) if x.is_number() || x.is_null() => return None,
        Some(x) if x.is_object() => {
            let keys: Vec<&str> = x
                .as_object()
                .into_iter()
                .flat_map(|m| m.keys())
                .map(String::as_str)
                .collect();
            return Some(format!(
                "{metric:?} is a group; add one of: {}",
                keys.join(", ")
            ));
        }
        Some(_) => return Some(format!("{metric:?} is not a number")),
        None => {}
    }
    // The maps that fill as the run goes: their keys are not known at time zero.
    const FILLING: [&str; 6] = [
        "pending_reasons",
        "tasks_per_instance",
        "failed_reasons",
        "stop_codes",
        "failed_by_reason",
        "served_by_task",
    ];
    if let Some((parent, _)) = metric.rsplit_once('.') {
        let filling = FILLING.iter().any(|m| parent.ends_with(&format!(".{m}")));
        if filling && ecsim_core::metrics::lookup(&v, parent).is_some_and(|p| p.is_object()) {
            return None;
        }
    }
    let mut names = Vec::new();
    numeric_paths(&v, String::new(), &mut names);
    let closest = names
        .iter()
        .map(|n| (strsim::levenshtein(n, metric), n))
        .min()
        .map(|(_, n)| format!("; the closest is {n:?}"))
        .unwrap_or_default();
    Some(format!(
        "the summary has no number {metric:?}{closest} (see `ecsim run --json` for the names)"
    ))
}

fn numeric_paths(v: &serde_json::Value, at: String, out: &mut Vec<String>) {
    match v {
        serde_json::Value::Object(m) => {
            for (k, x) in m {
                let p = if at.is_empty() {
                    k.clone()
                } else {
                    format!("{at}.{k}")
                };
                numeric_paths(x, p, out);
            }
        }
        serde_json::Value::Number(_) | serde_json::Value::Null => out.push(at),
        _ => {}
    }
}

/// Each metric's value in a run's summary (`None` where the summary has none: a latency with no
/// request served).
pub fn metric_values(summary: &Summary, metrics: &[String]) -> Vec<Option<f64>> {
    let v = serde_json::to_value(summary).unwrap_or_default();
    metrics
        .iter()
        .map(|m| ecsim_core::metrics::lookup(&v, m).and_then(serde_json::Value::as_f64))
        .collect()
}

/// One run of the sweep: which point, which seed, and what it measured (or why it failed).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunRecord {
    pub point: usize,
    pub seed: u64,
    pub values: Vec<Option<f64>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trace_hash: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

impl RunRecord {
    /// The record of point `point`'s run on `seed`: each metric's value from its summary, or why
    /// it failed.
    pub fn new(point: usize, seed: u64, run: Result<&Summary, String>, metrics: &[String]) -> Self {
        match run {
            Ok(summary) => RunRecord {
                point,
                seed,
                values: metric_values(summary, metrics),
                trace_hash: Some(summary.trace_hash.clone()),
                error: None,
            },
            Err(e) => RunRecord {
                point,
                seed,
                values: Vec::new(),
                trace_hash: None,
                error: Some(e),
            },
        }
    }
}

/// One point's result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PointResult {
    pub settings: Vec<(String, String)>,
    /// Each metric's estimate over the seeds, in the order of `SweepResult::metrics`.
    pub metrics: Vec<Option<Estimate>>,
    /// Runs that failed (an engine invariant broke): left out of the estimates.
    pub failed_runs: u32,
    /// On the Pareto front of `SweepResult::pareto` (no other point is at least as good on both
    /// and better on one).
    pub pareto: bool,
}

/// What a sweep found.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SweepResult {
    pub scenario: String,
    pub varies: Vec<Vary>,
    pub seeds: u64,
    pub confidence: f64,
    pub metrics: Vec<String>,
    /// The two metrics of the Pareto front, both to be made small (cost, latency), when the
    /// sweep has them.
    pub pareto: Option<(String, String)>,
    pub points: Vec<PointResult>,
}

/// The Pareto pair among `metrics`: the first cost and the first latency.
pub fn pareto_pair(metrics: &[String]) -> Option<(usize, usize)> {
    let cost = metrics.iter().position(|m| m.starts_with("cost_usd"))?;
    let lat = metrics.iter().position(|m| m.contains("latency_ms"))?;
    Some((cost, lat))
}

/// The sweep's result from its runs, whatever order they come in. Every (point, seed) must be
/// there once.
pub fn aggregate(
    scenario: &str,
    varies: &[Vary],
    points: &[Point],
    seeds: u64,
    confidence: f64,
    metrics: &[String],
    runs: &[RunRecord],
) -> SweepResult {
    let mut by_point: Vec<Vec<&RunRecord>> = vec![Vec::new(); points.len()];
    for r in runs {
        if let Some(v) = by_point.get_mut(r.point) {
            v.push(r);
        }
    }
    let mut results: Vec<PointResult> = points
        .iter()
        .zip(&mut by_point)
        .map(|(p, rs)| {
            // The order of seeds, not of completion, decides the sums' rounding.
            rs.sort_by_key(|r| r.seed);
            let ok: Vec<&&RunRecord> = rs.iter().filter(|r| r.error.is_none()).collect();
            let metrics = (0..metrics.len())
                .map(|m| {
                    let vals: Vec<f64> = ok
                        .iter()
                        .filter_map(|r| r.values.get(m).copied().flatten())
                        .collect();
                    Estimate::of(&vals, confidence)
                })
                .collect();
            PointResult {
                settings: p.settings.clone(),
                metrics,
                failed_runs: (rs.len() - ok.len()) as u32,
                pareto: false,
            }
        })
        .collect();
    let pair = pareto_pair(metrics);
    if let Some((c, l)) = pair {
        let at = |p: &PointResult| Some((p.metrics[c]?.mean, p.metrics[l]?.mean));
        let coords: Vec<Option<(f64, f64)>> = results.iter().map(at).collect();
        for i in 0..results.len() {
            let Some((ci, li)) = coords[i] else { continue };
            let dominated = coords.iter().enumerate().any(|(j, o)| {
                j != i && o.is_some_and(|(cj, lj)| cj <= ci && lj <= li && (cj < ci || lj < li))
            });
            results[i].pareto = !dominated;
        }
    }
    SweepResult {
        scenario: scenario.to_string(),
        varies: varies.to_vec(),
        seeds,
        confidence,
        metrics: metrics.to_vec(),
        pareto: pair.map(|(c, l)| (metrics[c].clone(), metrics[l].clone())),
        points: results,
    }
}

impl SweepResult {
    /// One row per point: the settings, then per metric its n, mean, sd and interval, then
    /// whether it is on the Pareto front.
    pub fn to_csv(&self) -> String {
        let mut head: Vec<String> = self.varies.iter().map(|v| v.path.clone()).collect();
        for m in &self.metrics {
            for s in ["n", "mean", "sd", "ci_lo", "ci_hi"] {
                head.push(format!("{m}.{s}"));
            }
        }
        head.push("failed_runs".into());
        head.push("pareto".into());
        ecsim_core::metrics::csv_text(|w| {
            let _ = w.write_record(&head);
            for p in &self.points {
                let mut row: Vec<String> = p.settings.iter().map(|(_, v)| v.clone()).collect();
                for e in &p.metrics {
                    match e {
                        Some(e) => row.extend([
                            e.n.to_string(),
                            e.mean.to_string(),
                            e.sd.to_string(),
                            e.lo.to_string(),
                            e.hi.to_string(),
                        ]),
                        None => row.extend(["0", "", "", "", ""].map(String::from)),
                    }
                }
                row.push(p.failed_runs.to_string());
                row.push(p.pareto.to_string());
                let _ = w.write_record(&row);
            }
        })
    }

    /// A readable table: each point's settings and each metric's mean ± half-width.
    pub fn table(&self) -> String {
        let mut rows: Vec<Vec<String>> = Vec::new();
        let mut head: Vec<String> = self.varies.iter().map(|v| v.path.clone()).collect();
        head.extend(self.metrics.iter().cloned());
        head.push("pareto".into());
        rows.push(head);
        for p in &self.points {
            let mut r: Vec<String> = p.settings.iter().map(|(_, v)| v.clone()).collect();
            for e in &p.metrics {
                r.push(match e {
                    Some(e) => format!("{} ± {}", short(e.mean), short((e.hi - e.lo) / 2.0)),
                    None => "-".into(),
                });
            }
            r.push(if p.pareto { "*".into() } else { String::new() });
            rows.push(r);
        }
        columns(&rows)
    }
}

/// Rows of cells as a text table: each column as wide as its widest cell, two spaces apart.
pub(crate) fn columns(rows: &[Vec<String>]) -> String {
    let n = rows.iter().map(Vec::len).max().unwrap_or(0);
    let widths: Vec<usize> = (0..n)
        .map(|c| {
            rows.iter()
                .filter_map(|r| r.get(c))
                .map(|x| x.chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    rows.iter()
        .map(|r| {
            let cells: Vec<String> = r
                .iter()
                .zip(&widths)
                .map(|(c, w)| format!("{c:<w$}"))
                .collect();
            cells.join("  ").trim_end().to_string() + "\n"
        })
        .collect()
}

/// Four significant digits, for the table.
fn short(x: f64) -> String {
    if x == 0.0 || !x.is_finite() {
        return format!("{x}");
    }
    let digits = (3 - libm::floor(libm::log10(x.abs())) as i32).max(0) as usize;
    format!("{x:.digits$}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_metric_must_name_a_number_of_the_summary() {
        let sc = ecsim_core::Scenario::parse(
            include_str!("../../../scenarios/default.toml"),
            "default.toml",
        )
        .unwrap();
        let opts = ecsim_core::RunOptions {
            duration: Some(ecsim_core::SimDuration::ZERO),
            ..Default::default()
        };
        let s = ecsim_core::run(&sc, &opts).unwrap().summary;
        assert_eq!(check_metric(&s, "services.web.latency_ms.p99"), None);
        assert_eq!(
            check_metric(&s, "services.web.stop_codes.EssentialContainerExited"),
            None
        );
        let why = check_metric(&s, "services.web.latency_ms.p999").unwrap();
        assert!(why.contains("\"services.web.latency_ms.p99\""), "{why}");
        assert!(check_metric(&s, "services.web.latency_ms")
            .unwrap()
            .contains("a group"));
        assert_eq!(
            default_metrics(&sc),
            [
                "cost_usd.per_hour",
                "services.web.latency_ms.p99",
                "services.web.requests.failed"
            ]
        );
    }

    #[test]
    fn varies_take_lists_and_inclusive_ranges() {
        let v = Vary::parse("instance_groups[g].count=2..10:2").unwrap();
        assert_eq!(v.values, ["2", "4", "6", "8", "10"]);
        let v = Vary::parse("services[web].launchType=EC2, FARGATE").unwrap();
        assert_eq!(v.values, ["EC2", "FARGATE"]);
        for bad in ["count", "a=3..1", "a=1..x", "a=1..4:0", "a=1,,2", "[x].y=1"] {
            assert!(Vary::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn points_are_the_cross_product_first_vary_outermost() {
        let a = Vary::parse("a=1,2").unwrap();
        let b = Vary::parse("b=x,y,z").unwrap();
        let p = points(&[a, b]).unwrap();
        assert_eq!(p.len(), 6);
        assert_eq!(p[0].label(), "a=1, b=x");
        assert_eq!(p[5].label(), "a=2, b=z");
        let big = Vary::parse("a=1..200").unwrap();
        assert!(points(&[big.clone(), big]).is_err());
    }

    fn run(point: usize, seed: u64, cost: f64, lat: f64) -> RunRecord {
        RunRecord {
            point,
            seed,
            values: vec![Some(cost), Some(lat)],
            trace_hash: None,
            error: None,
        }
    }

    #[test]
    fn the_result_does_not_depend_on_the_order_of_the_runs_and_marks_the_front() {
        let v = vec![Vary::parse("n=1,2,3").unwrap()];
        let pts = points(&v).unwrap();
        let metrics = vec![
            "cost_usd.per_hour".to_string(),
            "services.w.latency_ms.p99".to_string(),
        ];
        // Point 0: cheap and slow; 1: dearer and fast; 2: dearer than 1 and slower (dominated).
        let mut runs = Vec::new();
        for s in 1..=5u64 {
            let f = s as f64;
            runs.push(run(0, s, 1.0, 300.0 + f));
            runs.push(run(1, s, 2.0, 100.0 + f * 0.1));
            runs.push(run(2, s, 3.0, 150.0 + f));
        }
        let a = aggregate("x", &v, &pts, 5, 0.95, &metrics, &runs);
        runs.reverse();
        let b = aggregate("x", &v, &pts, 5, 0.95, &metrics, &runs);
        assert_eq!(a, b);
        let front: Vec<bool> = a.points.iter().map(|p| p.pareto).collect();
        assert_eq!(front, [true, true, false]);
        let e = a.points[0].metrics[1].unwrap();
        assert_eq!(e.n, 5);
        assert!((e.mean - 303.0).abs() < 1e-12);
        let csv = a.to_csv();
        assert!(
            csv.starts_with("n,cost_usd.per_hour.n,cost_usd.per_hour.mean,"),
            "{csv}"
        );
        assert_eq!(csv.lines().count(), 4);
        assert!(a.table().contains("303.0 ±"), "{}", a.table());
    }

    #[test]
    fn a_failed_run_is_counted_and_left_out() {
        let v = vec![Vary::parse("n=1").unwrap()];
        let pts = points(&v).unwrap();
        let metrics = vec!["m".to_string()];
        let mut bad = run(0, 2, 9.0, 9.0);
        bad.error = Some("invariant".into());
        let runs = vec![run(0, 1, 1.0, 0.0), bad];
        let r = aggregate("x", &v, &pts, 2, 0.95, &metrics, &runs);
        assert_eq!(r.points[0].failed_runs, 1);
        assert_eq!(r.points[0].metrics[0].unwrap().n, 1);
    }
}
