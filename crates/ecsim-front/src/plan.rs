//! The planner: the cheapest point of a sweep whose every SLO holds with a given confidence.
//!
//! An SLO holds at a point when the one-sided confidence bound of its metric over the seeds is
//! inside the limit (for `p99 < 200`, the upper bound), not merely its mean. The planner runs
//! fewer than the whole grid in two ways:
//! - along one integer setting that adds capacity (an instance or task count: the last `--vary`
//!   whose values are all integers, unless told otherwise), it assumes the SLOs hold more as
//!   the count grows and the cost grows with it, and bisects for the smallest count that holds,
//!   for each combination of the other settings;
//! - a point runs a few pilot seeds first, and once the pilot shows an SLO clearly broken (the
//!   bound on the other side is past the limit too) it runs no more seeds.
//!
//! Of points that cost the same within their intervals (two counts that fit on the same
//! instances), the one with the widest margin on the first SLO wins. Points it did not run are
//! reported with the point that settled them. `exhaustive` runs every
//! point on every seed with the same rule, which is what the savings are measured against.
//! This module decides what to run and reads the results; the caller runs (in parallel or not).

use crate::stats::Estimate;
use crate::sweep::{Point, RunRecord};
use ecsim_core::metrics::Comparison;
use serde::{Deserialize, Serialize};

/// A service-level objective: `METRIC OP LIMIT`, e.g. `services.web.latency_ms.p99 < 200`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Slo {
    pub metric: String,
    pub op: Comparison,
    pub limit: f64,
}

impl Slo {
    pub fn parse(text: &str) -> Result<Slo, String> {
        // Two-character operators first, so `<=` is not read as `<`.
        for (sym, op) in [
            ("<=", Comparison::Le),
            (">=", Comparison::Ge),
            ("<", Comparison::Lt),
            (">", Comparison::Gt),
        ] {
            if let Some((m, l)) = text.split_once(sym) {
                let limit = l
                    .trim()
                    .parse::<f64>()
                    .map_err(|_| format!("{text:?}: the limit {:?} is not a number", l.trim()))?;
                let metric = m.trim().to_string();
                if metric.is_empty() {
                    return Err(format!("{text:?}: name the metric before {sym}"));
                }
                return Ok(Slo { metric, op, limit });
            }
        }
        Err(format!(
            "{text:?}: expected METRIC < LIMIT (or <=, >, >=), e.g. 'services.web.latency_ms.p99 < 200'"
        ))
    }

    /// Whether more of the metric is what the SLO wants (`>`, `>=`).
    fn wants_more(&self) -> bool {
        matches!(self.op, Comparison::Gt | Comparison::Ge)
    }

    /// Whether the SLO holds with `confidence`, and the bound it was judged on.
    fn judge(&self, e: &Estimate, confidence: f64) -> (bool, f64) {
        let bound = e.bound(confidence, !self.wants_more());
        (self.op.holds(bound, self.limit), bound)
    }

    /// Whether the SLO is clearly broken: even the bound on its good side is past the limit.
    fn clearly_broken(&self, e: &Estimate, confidence: f64) -> bool {
        let good_side = e.bound(confidence, self.wants_more());
        !self.op.holds(good_side, self.limit)
    }
}

/// How the planner runs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlanConfig {
    pub seeds: u64,
    pub confidence: f64,
    /// Seeds run before deciding whether a point is clearly out.
    pub pilot: u64,
    /// The metric to make small (`cost_usd.per_hour`).
    pub minimize: String,
    /// The index of the setting to bisect along, if any.
    pub bisect: Option<usize>,
    /// Run every point on every seed (the full grid).
    pub exhaustive: bool,
}

/// What the planner learned of a point.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum Status {
    /// Every SLO holds with the confidence asked.
    Holds,
    /// This SLO does not: its bound (or `None`: the metric had no value) against its limit.
    Fails { slo: usize, bound: Option<f64> },
    /// Not run: bisection settled it from the point named (a smaller count that failed, or a
    /// smaller one that held and is cheaper).
    NotRun { settled_by: usize },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlanPoint {
    pub settings: Vec<(String, String)>,
    pub status: Status,
    pub seeds_run: u64,
    /// The minimized metric, then each SLO's metric, over the seeds run.
    pub objective: Option<Estimate>,
    pub slos: Vec<Option<Estimate>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlanResult {
    pub config: PlanConfig,
    pub slos: Vec<Slo>,
    pub points: Vec<PlanPoint>,
    /// The cheapest point that holds, and the next cheapest.
    pub winner: Option<usize>,
    pub runner_up: Option<usize>,
    pub runs: u64,
    pub full_grid_runs: u64,
}

/// Runs the given seeds of a point and gives, per seed, the values of the minimized metric then
/// of each SLO's metric.
pub type Runner<'a> = dyn FnMut(usize, &[u64]) -> Vec<Vec<Option<f64>>> + 'a;

/// The metrics a plan needs from each run: the minimized one, then each SLO's.
pub fn metrics(cfg: &PlanConfig, slos: &[Slo]) -> Vec<String> {
    std::iter::once(cfg.minimize.clone())
        .chain(slos.iter().map(|s| s.metric.clone()))
        .collect()
}

/// The index of the last setting whose values are all integers: the count to bisect along.
pub fn default_bisect(points: &[Point]) -> Option<usize> {
    let n = points.first()?.settings.len();
    (0..n).rev().find(|&k| {
        points
            .iter()
            .all(|p| p.settings[k].1.parse::<i64>().is_ok())
    })
}

struct Evaluator<'r, 'a> {
    cfg: &'r PlanConfig,
    slos: &'r [Slo],
    run: &'r mut Runner<'a>,
    values: Vec<Vec<Vec<Option<f64>>>>,
    status: Vec<Option<Status>>,
    runs: u64,
}

impl Evaluator<'_, '_> {
    fn estimate(&self, p: usize, m: usize) -> Option<Estimate> {
        let v: Vec<f64> = self.values[p]
            .iter()
            .filter_map(|r| r.get(m).copied().flatten())
            .collect();
        Estimate::of(&v, self.cfg.confidence)
    }

    /// Runs the point (its pilot, then the rest unless clearly out) and judges it.
    fn evaluate(&mut self, p: usize) -> bool {
        if let Some(s) = &self.status[p] {
            return matches!(s, Status::Holds);
        }
        let pilot = if self.cfg.exhaustive {
            self.cfg.seeds
        } else {
            self.cfg
                .pilot
                .clamp(2, self.cfg.seeds.max(2))
                .min(self.cfg.seeds)
        };
        self.run_seeds(p, 1, pilot);
        let broken = (0..self.slos.len()).any(|i| {
            self.estimate(p, i + 1)
                .is_some_and(|e| e.n >= 2 && self.slos[i].clearly_broken(&e, self.cfg.confidence))
        });
        if !broken && pilot < self.cfg.seeds {
            self.run_seeds(p, pilot + 1, self.cfg.seeds);
        }
        let mut status = Status::Holds;
        for (i, slo) in self.slos.iter().enumerate() {
            let e = self.estimate(p, i + 1);
            let verdict = e.map(|e| slo.judge(&e, self.cfg.confidence));
            match verdict {
                Some((true, _)) => {}
                Some((false, bound)) => {
                    status = Status::Fails {
                        slo: i,
                        bound: Some(bound),
                    };
                    break;
                }
                None => {
                    status = Status::Fails {
                        slo: i,
                        bound: None,
                    };
                    break;
                }
            }
        }
        let holds = status == Status::Holds;
        self.status[p] = Some(status);
        holds
    }

    fn run_seeds(&mut self, p: usize, from: u64, to: u64) {
        let seeds: Vec<u64> = (from..=to).collect();
        if seeds.is_empty() {
            return;
        }
        self.runs += seeds.len() as u64;
        let got = (self.run)(p, &seeds);
        self.values[p].extend(got);
    }
}

/// Plans over `points` (a sweep's cross product).
pub fn plan(points: &[Point], cfg: &PlanConfig, slos: &[Slo], run: &mut Runner<'_>) -> PlanResult {
    let mut ev = Evaluator {
        cfg,
        slos,
        run,
        values: vec![Vec::new(); points.len()],
        status: vec![None; points.len()],
        runs: 0,
    };
    match cfg.bisect.filter(|_| !cfg.exhaustive) {
        None => {
            for p in 0..points.len() {
                ev.evaluate(p);
            }
        }
        Some(k) => {
            // Lines along setting k: the points that agree on every other setting, by count.
            let mut lines: Vec<Vec<usize>> = Vec::new();
            for (i, p) in points.iter().enumerate() {
                let others = |q: &Point| -> Vec<(String, String)> {
                    q.settings
                        .iter()
                        .enumerate()
                        .filter(|(j, _)| *j != k)
                        .map(|(_, s)| s.clone())
                        .collect()
                };
                match lines
                    .iter_mut()
                    .find(|l| others(&points[l[0]]) == others(p))
                {
                    Some(l) => l.push(i),
                    None => lines.push(vec![i]),
                }
            }
            for line in &mut lines {
                line.sort_by_key(|&i| points[i].settings[k].1.parse::<i64>().unwrap_or(i64::MAX));
                bisect_line(&mut ev, line);
            }
            // The runner-up may be the winner's next count, which bisection had no need to run.
            let best = (0..points.len())
                .filter(|&p| ev.status[p] == Some(Status::Holds))
                .min_by(|&a, &b| {
                    let c = |p| ev.estimate(p, 0).map_or(f64::INFINITY, |e| e.mean);
                    c(a).total_cmp(&c(b)).then(a.cmp(&b))
                });
            if let Some(w) = best {
                let line = lines
                    .iter()
                    .find(|l| l.contains(&w))
                    .expect("every point is on a line");
                let at = line.iter().position(|&q| q == w).expect("on its line");
                if let Some(&next) = line.get(at + 1) {
                    if matches!(ev.status[next], Some(Status::NotRun { .. })) {
                        ev.status[next] = None;
                        ev.evaluate(next);
                    }
                }
            }
        }
    }
    let runs = ev.runs;
    let result_points: Vec<PlanPoint> = (0..points.len())
        .map(|p| PlanPoint {
            settings: points[p].settings.clone(),
            status: ev.status[p]
                .clone()
                .unwrap_or(Status::NotRun { settled_by: p }),
            seeds_run: ev.values[p].len() as u64,
            objective: ev.estimate(p, 0),
            slos: (0..slos.len()).map(|i| ev.estimate(p, i + 1)).collect(),
        })
        .collect();
    let mut holding: Vec<usize> = (0..points.len())
        .filter(|&p| result_points[p].status == Status::Holds)
        .filter(|&p| result_points[p].objective.is_some())
        .collect();
    let cost = |p: usize| result_points[p].objective.map_or(f64::INFINITY, |e| e.mean);
    holding.sort_by(|&a, &b| cost(a).total_cmp(&cost(b)).then(a.cmp(&b)));
    // Points that cost the same as the cheapest, within their intervals (two desired counts
    // that fit on the same instances): the one with the widest margin on the first SLO wins.
    if let (Some(&w), Some(first)) = (holding.first(), slos.first()) {
        let half = |p: usize| {
            result_points[p]
                .objective
                .map_or(0.0, |e| (e.hi - e.lo) / 2.0)
        };
        let margin = |p: usize| -> f64 {
            let Some(e) = result_points[p].slos[0] else {
                return f64::NEG_INFINITY;
            };
            let (_, bound) = first.judge(&e, cfg.confidence);
            if first.wants_more() {
                bound - first.limit
            } else {
                first.limit - bound
            }
        };
        let tied = holding
            .iter()
            .copied()
            .take_while(|&q| (cost(q) - cost(w)).abs() <= half(w).max(half(q)))
            .max_by(|&a, &b| margin(a).total_cmp(&margin(b)).then(b.cmp(&a)));
        if let Some(t) = tied.filter(|&t| t != w) {
            holding.retain(|&q| q != t);
            holding.insert(0, t);
        }
    }
    PlanResult {
        config: cfg.clone(),
        slos: slos.to_vec(),
        winner: holding.first().copied(),
        runner_up: holding.get(1).copied(),
        points: result_points,
        runs,
        full_grid_runs: points.len() as u64 * cfg.seeds,
    }
}

/// The plan over a finished sweep: every point judged on all its seeds (as `exhaustive`), from
/// the sweep's runs instead of new ones, so the web app's Plan panel, which runs the full grid
/// in its workers, names the winner `ecsim plan --exhaustive` names. `metrics` are the sweep's;
/// the minimized metric and each SLO's must be among them.
pub fn from_runs(
    points: &[Point],
    cfg: &PlanConfig,
    slos: &[Slo],
    metrics: &[String],
    runs: &[RunRecord],
) -> Result<PlanResult, String> {
    let column = |m: &String| {
        metrics
            .iter()
            .position(|x| x == m)
            .ok_or_else(|| format!("{m:?} is not one of the sweep's metrics"))
    };
    let wanted = self::metrics(cfg, slos)
        .iter()
        .map(column)
        .collect::<Result<Vec<_>, _>>()?;
    let mut by_run = std::collections::BTreeMap::new();
    for r in runs.iter().filter(|r| r.error.is_none()) {
        by_run.insert((r.point, r.seed), &r.values);
    }
    let mut runner = |p: usize, seeds: &[u64]| -> Vec<Vec<Option<f64>>> {
        seeds
            .iter()
            .map(|s| {
                let values = by_run.get(&(p, *s));
                wanted
                    .iter()
                    .map(|&c| values.and_then(|v| v.get(c).copied().flatten()))
                    .collect()
            })
            .collect()
    };
    let cfg = PlanConfig {
        exhaustive: true,
        ..cfg.clone()
    };
    Ok(plan(points, &cfg, slos, &mut runner))
}

/// The smallest count on the line that holds, by bisection; the counts below a failed one and
/// above the one found are settled without running.
fn bisect_line(ev: &mut Evaluator<'_, '_>, line: &[usize]) {
    let (mut lo, mut hi) = (0usize, line.len());
    // Invariant: every index below lo fails, every index from hi on holds (hi = len: none known).
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        if ev.evaluate(line[mid]) {
            hi = mid;
        } else {
            lo = mid + 1;
        }
    }
    let failed_above = |ev: &Evaluator<'_, '_>, i: usize| -> Option<usize> {
        line[i + 1..]
            .iter()
            .copied()
            .find(|&q| matches!(ev.status[q], Some(Status::Fails { .. })))
    };
    for i in 0..line.len() {
        if ev.status[line[i]].is_some() {
            continue;
        }
        let settled_by = if i < lo {
            failed_above(ev, i).unwrap_or(line[lo.min(line.len() - 1)])
        } else {
            line[lo]
        };
        ev.status[line[i]] = Some(Status::NotRun { settled_by });
    }
}

impl PlanResult {
    /// The winner, the runner-up, and why each cheaper point is out.
    pub fn report(&self) -> String {
        let label = |p: usize| {
            let v: Vec<&str> = self.points[p]
                .settings
                .iter()
                .map(|(_, v)| v.as_str())
                .collect();
            format!("({})", v.join(", "))
        };
        let cost = |p: usize| self.points[p].objective.map(|e| e.mean);
        let pct = self.config.confidence * 100.0;
        let mut out = String::new();
        if let Some(p) = self.points.first() {
            let names: Vec<&str> = p.settings.iter().map(|(k, _)| k.as_str()).collect();
            out += &format!("points are ({})\n", names.join(", "));
        }
        match self.winner {
            None => out += &format!("no point holds every SLO with {pct:.0} % confidence\n"),
            Some(w) => {
                let line = |tag: &str, p: usize| {
                    format!(
                        "{tag} {} ({} {:.4})\n",
                        label(p),
                        self.config.minimize,
                        cost(p).unwrap_or(f64::NAN)
                    )
                };
                out += &line("winner    ", w);
                if let Some(r) = self.runner_up {
                    out += &line("runner-up ", r);
                }
            }
        }
        // The points that might have been cheaper: those run and failed below the winner's
        // cost, and those not run because a larger count failed.
        let limit = self.winner.and_then(cost).unwrap_or(f64::INFINITY);
        let mut run_out: Vec<usize> = Vec::new();
        let mut implied: Vec<usize> = Vec::new();
        for (p, pt) in self.points.iter().enumerate() {
            match &pt.status {
                Status::Fails { .. } if cost(p).is_none_or(|c| c < limit) => run_out.push(p),
                Status::NotRun { settled_by }
                    if matches!(self.points[*settled_by].status, Status::Fails { .. }) =>
                {
                    implied.push(p)
                }
                _ => {}
            }
        }
        run_out.sort_by(|&a, &b| {
            cost(a)
                .unwrap_or(0.0)
                .total_cmp(&cost(b).unwrap_or(0.0))
                .then(a.cmp(&b))
        });
        for p in run_out {
            let Status::Fails { slo, bound } = &self.points[p].status else {
                continue;
            };
            let s = &self.slos[*slo];
            let sym = serde_json::to_value(s.op)
                .ok()
                .and_then(|v| v.as_str().map(String::from))
                .unwrap_or_default();
            let why = match bound {
                Some(b) => format!(
                    "its {pct:.0} % bound is {b:.4}, {:+.4} past the limit, over {} seeds",
                    b - s.limit,
                    self.points[p].seeds_run
                ),
                None => "the metric had no value".to_string(),
            };
            out += &format!(
                "  {} fails {} {sym} {}: {why}\n",
                label(p),
                s.metric,
                s.limit
            );
        }
        for p in implied {
            if let Status::NotRun { settled_by } = self.points[p].status {
                out += &format!(
                    "  {} not run: the larger {} already fails\n",
                    label(p),
                    label(settled_by)
                );
            }
        }
        out += &format!(
            "{} runs, against {} for the full grid ({} points × {} seeds)\n",
            self.runs,
            self.full_grid_runs,
            self.points.len(),
            self.config.seeds
        );
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sweep::{points, Vary};

    #[test]
    fn of_two_points_that_cost_the_same_the_one_with_more_margin_wins() {
        // Counts 3 and 4 fit on the same two instances (cost 2 either way); 4 is faster.
        let v = vec![Vary::parse("count=1..6").unwrap()];
        let pts = points(&v).unwrap();
        let world = |p: &Point, seed: u64| -> Vec<Option<f64>> {
            let n: f64 = p.settings[0].1.parse().unwrap();
            let noise = (seed % 3) as f64 * 0.01;
            vec![Some((n / 2.0).ceil() + noise), Some(100.0 / n + noise)]
        };
        let slos = vec![Slo::parse("lat < 40").unwrap()];
        for exhaustive in [false, true] {
            let cfg = PlanConfig {
                seeds: 6,
                confidence: 0.95,
                pilot: 3,
                minimize: "cost".into(),
                bisect: Some(0),
                exhaustive,
            };
            let mut runner =
                |p: usize, seeds: &[u64]| seeds.iter().map(|&s| world(&pts[p], s)).collect();
            let r = plan(&pts, &cfg, &slos, &mut runner);
            assert_eq!(
                pts[r.winner.unwrap()].label(),
                "count=4",
                "exhaustive {exhaustive}"
            );
            assert_eq!(
                pts[r.runner_up.unwrap()].label(),
                "count=3",
                "exhaustive {exhaustive}"
            );
        }
    }

    #[test]
    fn slos_parse() {
        let s = Slo::parse("services.web.latency_ms.p99 <= 200").unwrap();
        assert_eq!(
            (s.metric.as_str(), s.op, s.limit),
            ("services.web.latency_ms.p99", Comparison::Le, 200.0)
        );
        assert!(Slo::parse("p99 ~ 3").is_err());
        assert!(Slo::parse("< 3").is_err());
        assert!(Slo::parse("p99 < fast").is_err());
    }

    /// A made-up system: latency falls as the count grows (100 / count with a little seed
    /// noise, doubled for type "slow"); cost is count times the type's price.
    fn world(p: &Point, seed: u64) -> Vec<Option<f64>> {
        let ty = &p.settings[0].1;
        let n: f64 = p.settings[1].1.parse().unwrap();
        let price = if ty == "slow" { 1.0 } else { 1.5 };
        let factor = if ty == "slow" { 2.0 } else { 1.0 };
        let noise = ((seed * 7919) % 13) as f64 / 13.0 - 0.5;
        vec![Some(n * price), Some(factor * 100.0 / n + noise)]
    }

    #[test]
    fn the_plan_from_a_sweeps_runs_is_the_exhaustive_plan() {
        let v = vec![
            Vary::parse("type=slow,fast").unwrap(),
            Vary::parse("count=1..12").unwrap(),
        ];
        let pts = points(&v).unwrap();
        let slos = vec![Slo::parse("lat < 12").unwrap()];
        let cfg = PlanConfig {
            seeds: 5,
            confidence: 0.95,
            pilot: 3,
            minimize: "cost".into(),
            bisect: default_bisect(&pts),
            exhaustive: true,
        };
        let mut runner =
            |p: usize, seeds: &[u64]| seeds.iter().map(|&s| world(&pts[p], s)).collect();
        let direct = plan(&pts, &cfg, &slos, &mut runner);
        // The sweep measured one more metric, first, and its runs come in any order.
        let metrics: Vec<String> = ["failed", "cost", "lat"].map(String::from).into();
        let mut runs: Vec<RunRecord> = (0..pts.len())
            .flat_map(|p| (1..=5).map(move |s| (p, s)))
            .map(|(p, s)| {
                let w = world(&pts[p], s);
                RunRecord {
                    point: p,
                    seed: s,
                    values: vec![Some(0.0), w[0], w[1]],
                    trace_hash: None,
                    error: None,
                }
            })
            .collect();
        runs.reverse();
        let bisecting = PlanConfig {
            exhaustive: false,
            ..cfg.clone()
        };
        let from = from_runs(&pts, &bisecting, &slos, &metrics, &runs).unwrap();
        assert_eq!(from, direct);
        assert!(direct.winner.is_some());
        let missing = from_runs(&pts, &cfg, &slos, &metrics[..2], &runs).unwrap_err();
        assert!(missing.contains("\"lat\""), "{missing}");
    }

    #[test]
    fn bisection_finds_the_full_grids_winner_with_fewer_runs() {
        let v = vec![
            Vary::parse("type=slow,fast").unwrap(),
            Vary::parse("count=1..20").unwrap(),
        ];
        let pts = points(&v).unwrap();
        let slos = vec![Slo::parse("lat < 12").unwrap()];
        let mut cfg = PlanConfig {
            seeds: 10,
            confidence: 0.95,
            pilot: 3,
            minimize: "cost".into(),
            bisect: default_bisect(&pts),
            exhaustive: false,
        };
        assert_eq!(cfg.bisect, Some(1));
        let mut runner =
            |p: usize, seeds: &[u64]| seeds.iter().map(|&s| world(&pts[p], s)).collect();
        let smart = plan(&pts, &cfg, &slos, &mut runner);
        cfg.exhaustive = true;
        let full = plan(&pts, &cfg, &slos, &mut runner);
        assert_eq!(full.runs, 400);
        assert_eq!(smart.winner, full.winner);
        assert_eq!(smart.runner_up, full.runner_up);
        // slow needs 100*2/n < 12 ⇒ n = 17 (cost 17); fast 100/n < 12 ⇒ n = 9 (cost 13.5).
        let w = smart.winner.unwrap();
        assert_eq!(pts[w].label(), "type=fast, count=9");
        assert!(smart.runs < full.runs / 3, "{} runs", smart.runs);
        let report = smart.report();
        assert!(report.contains("winner     (fast, 9)"), "{report}");
        assert!(report.contains("(fast, 8) fails lat < 12"), "{report}");
        assert!(
            report.contains("(slow, 1) not run: the larger (slow, "),
            "{report}"
        );
        assert!(report.contains("against 400 for the full grid"), "{report}");
    }
}
