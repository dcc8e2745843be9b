//! What a run will cost, estimated before it runs, so a typo in a rate (`rps = 1e7`) is refused
//! with the estimate instead of running for an hour: the events it will handle. Each request is
//! at most two events (its arrival and its completion: `sim/requests.rs`), and requests are all
//! but a few of a busy run's events; the rest (task lifecycles, samples, scaling ticks) are
//! counted from the scenario's sizes. The time series' memory is checked with the scenario
//! itself (`scenario/resolve.rs`, `sample_step`).

use crate::scenario::Scenario;
use crate::time::{SimDuration, SimTime};
use thiserror::Error;

/// The events a run may take unless the front end is told otherwise: about a minute natively.
pub const DEFAULT_MAX_EVENTS: u64 = 1_000_000_000;

/// Events per request, at most.
const EVENTS_PER_REQUEST: f64 = 2.0;
/// Events per task that starts, at most: placement, pulls, start, health, stop.
const EVENTS_PER_TASK: u64 = 64;

/// A run's estimated work.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Estimate {
    pub events: u64,
    pub requests: u64,
}

/// A run refused before it starts: its estimate against the budget.
#[derive(Debug, Clone, PartialEq, Error)]
#[error("the run would handle about {} events ({} requests over {duration}), more than the {} a run may take: shorten the run or lower the rate", group(self.estimate.events), group(self.estimate.requests), group(*max))]
pub struct OverBudget {
    pub estimate: Estimate,
    pub max: u64,
    pub duration: SimDuration,
}

/// The estimate of a run of `sc` lasting `duration`.
pub fn estimate(sc: &Scenario, duration: SimDuration) -> Estimate {
    let end = SimTime::ZERO + duration;
    let requests: f64 = sc
        .traffic
        .iter()
        .map(|t| t.rate.draws_between(t.start, end))
        .sum();
    let samples = duration.0 / sc.spec.sample_step.0.max(1) + 2;
    let tasks: u64 = sc
        .services
        .iter()
        .map(|s| u64::from(s.desired))
        .sum::<u64>()
        + sc.actions
            .iter()
            .filter_map(|a| a.desired)
            .map(u64::from)
            .sum::<u64>();
    let requests = requests.min(u64::MAX as f64 / 4.0) as u64;
    Estimate {
        events: (requests as f64 * EVENTS_PER_REQUEST) as u64
            + samples
            + tasks.saturating_mul(EVENTS_PER_TASK),
        requests,
    }
}

/// The estimate, or why the run is refused.
pub fn check(
    sc: &Scenario,
    duration: SimDuration,
    max_events: u64,
) -> Result<Estimate, OverBudget> {
    let e = estimate(sc, duration);
    if e.events > max_events {
        Err(OverBudget {
            estimate: e,
            max: max_events,
            duration,
        })
    } else {
        Ok(e)
    }
}

/// `1234567` as `1,234,567`.
fn group(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_run_is_estimated_from_its_rate_and_refused_past_the_budget() {
        let sc = Scenario::parse(crate::DEFAULT_SCENARIO, "default.toml").unwrap();
        let e = estimate(&sc, sc.spec.duration);
        // 150 requests a second from 2 minutes to 10.
        assert_eq!(e.requests, 72_000);
        let ran = crate::run(&sc, &Default::default()).unwrap().summary.events;
        assert!(
            e.events >= ran && e.events < 3 * ran,
            "estimate {} for {ran}",
            e.events
        );
        let text = crate::DEFAULT_SCENARIO.replace("rps = 150", "rps = 1e7");
        let big = Scenario::parse(&text, "default.toml").unwrap();
        let err = check(&big, big.spec.duration, DEFAULT_MAX_EVENTS).unwrap_err();
        assert_eq!(err.estimate.requests, 4_800_000_000);
        assert!(err.to_string().contains("about 9,600,000,"), "{err}");
        assert_eq!(group(1_000), "1,000");
        assert_eq!(group(999), "999");
    }
}
