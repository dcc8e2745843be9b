//! Two variants of a scenario on the same seeds: per metric, the paired difference B − A with
//! its confidence interval, the unpaired interval for contrast, and a verdict.
//!
//! Runs on the same seed share their random draws wherever the variants share parts (common
//! random numbers, docs/determinism.md), so the per-seed differences carry far less noise than
//! either variant's values: the paired interval is the one the verdict reads. A metric is taken
//! to be better smaller (cost, latency, failures) unless its name says it counts something
//! wanted (`served`, `completed`, `started`, `running_end`).

use crate::stats::{paired, Estimate, Verdict};
use serde::{Deserialize, Serialize};

/// What B is, against A, on one metric.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Judgement {
    Better,
    Worse,
    NoSignificantDifference,
    /// Too few seeds with a value on both sides to say.
    Unknown,
}

impl Judgement {
    /// The verdict as the CLI's table and the web app's what-if show it.
    pub fn label(self) -> &'static str {
        match self {
            Judgement::Better => "B better",
            Judgement::Worse => "B worse",
            Judgement::NoSignificantDifference => "no significant difference",
            Judgement::Unknown => "too few seeds",
        }
    }
}

/// One metric of a comparison.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MetricComparison {
    pub metric: String,
    pub a: Option<Estimate>,
    pub b: Option<Estimate>,
    /// B − A over the seeds both have a value for.
    pub difference: Option<Estimate>,
    /// The half-width B − A's interval would have without pairing.
    pub unpaired_half_width: Option<f64>,
    pub judgement: Judgement,
}

/// Whether more of `metric` is better.
pub fn more_is_better(metric: &str) -> bool {
    let last = metric.rsplit('.').next().unwrap_or(metric);
    [
        "served",
        "completed",
        "started",
        "running_end",
        "arrival_rate_per_s",
    ]
    .contains(&last)
}

/// Compares each metric's values per seed (`a[seed][metric]`, `b[seed][metric]`, the same seeds
/// in the same order).
pub fn compare(
    metrics: &[String],
    a: &[Vec<Option<f64>>],
    b: &[Vec<Option<f64>>],
    confidence: f64,
) -> Vec<MetricComparison> {
    metrics
        .iter()
        .enumerate()
        .map(|(m, name)| {
            let col = |runs: &[Vec<Option<f64>>]| -> Vec<f64> {
                runs.iter()
                    .filter_map(|r| r.get(m).copied().flatten())
                    .collect()
            };
            let pairs: Vec<(f64, f64)> = a
                .iter()
                .zip(b)
                .filter_map(|(x, y)| {
                    Some((x.get(m).copied().flatten()?, y.get(m).copied().flatten()?))
                })
                .collect();
            let p = (pairs.len() >= 2)
                .then(|| paired(&pairs, confidence))
                .flatten();
            let judgement = match p.map(|p| p.verdict) {
                None => Judgement::Unknown,
                Some(Verdict::NoSignificantDifference) => Judgement::NoSignificantDifference,
                Some(Verdict::Higher) if more_is_better(name) => Judgement::Better,
                Some(Verdict::Lower) if !more_is_better(name) => Judgement::Better,
                Some(_) => Judgement::Worse,
            };
            MetricComparison {
                metric: name.clone(),
                a: Estimate::of(&col(a), confidence),
                b: Estimate::of(&col(b), confidence),
                difference: p.map(|p| p.difference),
                unpaired_half_width: p.map(|p| p.unpaired_half_width),
                judgement,
            }
        })
        .collect()
}

/// A readable table of a comparison.
pub fn table(rows: &[MetricComparison]) -> String {
    let f = |e: &Option<Estimate>| e.map_or("-".to_string(), |e| format!("{:.4}", e.mean));
    let mut lines: Vec<Vec<String>> = vec![vec![
        "metric".to_string(),
        "A".into(),
        "B".into(),
        "B - A (paired)".into(),
        "unpaired ±".into(),
        "verdict".into(),
    ]];
    for r in rows {
        let diff = r.difference.map_or("-".to_string(), |d| {
            format!("{:+.4} ± {:.4}", d.mean, (d.hi - d.lo) / 2.0)
        });
        let verdict = r.judgement.label();
        lines.push(vec![
            r.metric.clone(),
            f(&r.a),
            f(&r.b),
            diff,
            r.unpaired_half_width
                .map_or("-".into(), |h| format!("{h:.4}")),
            verdict.into(),
        ]);
    }
    crate::sweep::columns(&lines)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lower_latency_is_better_and_more_served_is_better() {
        let metrics = vec![
            "services.w.latency_ms.p99".to_string(),
            "services.w.requests.served".to_string(),
        ];
        let a: Vec<Vec<Option<f64>>> = (0..10)
            .map(|i| vec![Some(100.0 + i as f64 * 5.0), Some(1000.0 + i as f64)])
            .collect();
        let b: Vec<Vec<Option<f64>>> = a
            .iter()
            .enumerate()
            .map(|(i, r)| {
                vec![
                    Some(r[0].unwrap() - 10.0 + (i % 2) as f64),
                    Some(r[1].unwrap() + 5.0),
                ]
            })
            .collect();
        let rows = compare(&metrics, &a, &b, 0.95);
        assert_eq!(rows[0].judgement, Judgement::Better);
        assert_eq!(rows[1].judgement, Judgement::Better);
        let rows = compare(&metrics, &b, &a, 0.95);
        assert_eq!(rows[0].judgement, Judgement::Worse);
        let same = compare(&metrics, &a, &a, 0.95);
        assert!(same
            .iter()
            .all(|r| r.judgement == Judgement::NoSignificantDifference));
        assert!(table(&rows).contains("B worse"));
    }
}
