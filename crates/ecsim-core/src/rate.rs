//! Arrival rates: a traffic entry's requests form a Poisson process whose rate follows a profile
//! (constant, steps, a spike, a sine, straight lines between points), or replay a recorded trace.
//!
//! Piecewise-constant rates are sampled exactly: an exponential gap drawn at the current rate that
//! would cross the next change of rate is discarded and drawn afresh from the change (the process
//! is memoryless, so this is the same process). Smooth rates (sine, lines) are sampled by thinning.
//! A trace of arrival times is replayed as it is; a trace of requests per second becomes steps.

use crate::error::FieldError;
use crate::rng::Stream;
use crate::time::{SimDuration, SimTime};
use serde::{Deserialize, Serialize};

/// A rate profile. Times of steps, spikes, sines and lines are from the start of the run (no
/// request comes before the traffic's `start`); a trace's times are from the traffic's `start`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, tag = "profile", rename_all = "snake_case")]
pub enum RateSpec {
    /// A steady rate, requests per second.
    Constant { rps: f64 },
    /// The rate changes at given times (the first step may start after 0, before which it is 0).
    Steps { steps: Vec<RateStep> },
    /// `base_rps`, except `spike_rps` from `at` for `duration`.
    Spike {
        base_rps: f64,
        spike_rps: f64,
        at: SimDuration,
        duration: SimDuration,
    },
    /// A daily (or other `period`) sine: mean + amplitude × sin(2π (t + phase) / period), never
    /// below 0.
    Sine {
        mean_rps: f64,
        amplitude_rps: f64,
        #[serde(default = "one_day")]
        period: SimDuration,
        #[serde(default)]
        phase: SimDuration,
    },
    /// Straight lines between points; the first point's rate before it, the last one's after.
    Linear { points: Vec<RateStep> },
    /// Replay of recorded arrivals: seconds after the traffic's start, ascending, as a list or as
    /// CSV text (first column; a header line is skipped).
    Trace {
        #[serde(default)]
        timestamps: Vec<f64>,
        #[serde(default)]
        csv: Option<String>,
    },
    /// Replay of recorded requests per second: one count per second from the traffic's start,
    /// spread as a Poisson process within each second; a list or CSV text as for `trace`.
    TraceRps {
        #[serde(default)]
        rps: Vec<f64>,
        #[serde(default)]
        csv: Option<String>,
    },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RateStep {
    pub at: SimDuration,
    pub rps: f64,
}

fn one_day() -> SimDuration {
    SimDuration::from_secs(86_400)
}

/// The values of a trace: the list, or the first column of the CSV text (not both).
fn with_csv(list: &[f64], csv: Option<&str>, path: &str) -> Result<Vec<f64>, FieldError> {
    let Some(text) = csv else {
        return Ok(list.to_vec());
    };
    if !list.is_empty() {
        return Err(FieldError::new(
            path,
            "give the values as a list or as csv, not both",
        ));
    }
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let first = line.split(',').next().unwrap_or("").trim();
        if first.is_empty() {
            continue;
        }
        match first.parse::<f64>() {
            Ok(v) => out.push(v),
            Err(_) if out.is_empty() && i == 0 => {} // a header
            Err(_) => {
                return Err(FieldError::new(
                    path,
                    format!("line {}: {first:?} is not a number", i + 1),
                ))
            }
        }
    }
    Ok(out)
}

/// A validated rate profile, ready to draw arrivals from.
#[derive(Debug, Clone, PartialEq)]
pub enum Rate {
    /// Piecewise constant: (from, rps), ascending, the first from time 0.
    Steps(Vec<(SimTime, f64)>),
    /// A continuously varying rate.
    Smooth(Smooth),
    /// Recorded arrival times, ascending, already offset by the traffic's start.
    Trace(Vec<SimTime>),
}

/// A rate that changes continuously, sampled by thinning (Lewis–Shedler): candidates at the
/// profile's highest rate, each kept with probability rate(t) / highest.
#[derive(Debug, Clone, PartialEq)]
pub enum Smooth {
    Sine {
        mean: f64,
        amplitude: f64,
        period: f64,
        phase: f64,
    },
    Linear {
        points: Vec<(f64, f64)>,
    },
}

impl RateSpec {
    /// Checks the profile and compiles it. `path` names the profile in errors (`traffic[0].rate`);
    /// `start` is the traffic's start, which a trace's times count from.
    pub fn validate(&self, path: &str, start: SimTime) -> Result<Rate, FieldError> {
        let at = |f: &str| format!("{path}.{f}");
        let rps_ok = |r: f64| r.is_finite() && (0.0..=1e7).contains(&r);
        let step_list = |steps: &[RateStep], f: &str| -> Result<Vec<(SimTime, f64)>, FieldError> {
            if steps.is_empty() {
                return Err(FieldError::new(at(f), "needs at least one entry"));
            }
            let mut out = Vec::new();
            for (i, s) in steps.iter().enumerate() {
                if !rps_ok(s.rps) {
                    return Err(FieldError::new(
                        at(&format!("{f}[{i}].rps")),
                        "must be in 0..=1e7",
                    ));
                }
                if i > 0 && s.at <= steps[i - 1].at {
                    return Err(FieldError::new(
                        at(&format!("{f}[{i}].at")),
                        "must be in increasing time",
                    ));
                }
                out.push((SimTime::ZERO + s.at, s.rps));
            }
            Ok(out)
        };
        let steps = match self {
            RateSpec::Constant { rps } => {
                if !rps_ok(*rps) {
                    return Err(FieldError::new(
                        at("rps"),
                        format!("{rps} must be in 0..=1e7"),
                    ));
                }
                vec![(SimTime::ZERO, *rps)]
            }
            RateSpec::Spike {
                base_rps,
                spike_rps,
                at: t0,
                duration,
            } => {
                for (f, v) in [("base_rps", base_rps), ("spike_rps", spike_rps)] {
                    if !rps_ok(*v) {
                        return Err(FieldError::new(at(f), "must be in 0..=1e7"));
                    }
                }
                let s0 = SimTime::ZERO + *t0;
                let mut v = vec![(SimTime::ZERO, *base_rps)];
                if s0 > SimTime::ZERO {
                    v.push((s0, *spike_rps));
                } else {
                    v[0].1 = *spike_rps;
                }
                v.push((s0 + *duration, *base_rps));
                v
            }
            RateSpec::Sine {
                mean_rps,
                amplitude_rps,
                period,
                phase,
            } => {
                if !rps_ok(*mean_rps) || !amplitude_rps.is_finite() || amplitude_rps.abs() > 1e7 {
                    return Err(FieldError::new(
                        at("mean_rps"),
                        "mean and amplitude must be in 0..=1e7",
                    ));
                }
                if period.is_zero() {
                    return Err(FieldError::new(at("period"), "must be positive"));
                }
                return Ok(Rate::Smooth(Smooth::Sine {
                    mean: *mean_rps,
                    amplitude: *amplitude_rps,
                    period: period.as_secs_f64(),
                    phase: phase.as_secs_f64(),
                }));
            }
            RateSpec::Linear { points } => {
                let pts = step_list(points, "points")?;
                return Ok(Rate::Smooth(Smooth::Linear {
                    points: pts.iter().map(|(t, r)| (t.as_secs_f64(), *r)).collect(),
                }));
            }
            RateSpec::Trace { timestamps, csv } => {
                let timestamps = &with_csv(timestamps, csv.as_deref(), &at("csv"))?;
                let mut v = Vec::with_capacity(timestamps.len());
                for (i, &ts) in timestamps.iter().enumerate() {
                    if !(ts.is_finite() && ts >= 0.0) || (i > 0 && ts < timestamps[i - 1]) {
                        return Err(FieldError::new(
                            at(&format!("timestamps[{i}]")),
                            format!("{ts}: timestamps are seconds >= 0, ascending"),
                        ));
                    }
                    v.push(start + SimDuration::from_secs_f64(ts));
                }
                return Ok(Rate::Trace(v));
            }
            RateSpec::TraceRps { rps, csv } => {
                let rps = &with_csv(rps, csv.as_deref(), &at("csv"))?;
                let mut v = vec![(SimTime::ZERO, 0.0)];
                for (i, &r) in rps.iter().enumerate() {
                    if !rps_ok(r) {
                        return Err(FieldError::new(
                            at(&format!("rps[{i}]")),
                            "must be in 0..=1e7",
                        ));
                    }
                    v.push((start + SimDuration::from_secs(i as u64), r));
                }
                v.push((start + SimDuration::from_secs(rps.len() as u64), 0.0));
                v
            }
            RateSpec::Steps { steps } => {
                if steps.is_empty() {
                    return Err(FieldError::new(at("steps"), "needs at least one step"));
                }
                let mut out = Vec::new();
                for (i, s) in steps.iter().enumerate() {
                    if !rps_ok(s.rps) {
                        return Err(FieldError::new(
                            at(&format!("steps[{i}].rps")),
                            "must be in 0..=1e7",
                        ));
                    }
                    if i > 0 && s.at <= steps[i - 1].at {
                        return Err(FieldError::new(
                            at(&format!("steps[{i}].at")),
                            "steps must be in increasing time",
                        ));
                    }
                    out.push((SimTime::ZERO + s.at, s.rps));
                }
                if out[0].0 > SimTime::ZERO {
                    out.insert(0, (SimTime::ZERO, 0.0));
                }
                out
            }
        };
        Ok(Rate::Steps(steps))
    }
}

impl Rate {
    /// The first arrival after `now`, or None if no more requests come. `cursor` is the replay
    /// position of a trace (the caller keeps it between calls); a trace's times do not depend on
    /// `now`.
    pub fn next_arrival(
        &self,
        now: SimTime,
        s: &mut Stream,
        cursor: &mut usize,
    ) -> Option<SimTime> {
        match self {
            Rate::Trace(trace) => {
                let next = trace.get(*cursor).copied();
                *cursor += 1;
                next
            }
            Rate::Smooth(sm) => sm.next_arrival(now, s),
            Rate::Steps(steps) => {
                let mut t = now;
                loop {
                    let (rps, change) = rate_at(steps, t);
                    if rps > 0.0 {
                        let next = t + SimDuration::from_secs_f64(s.exponential(1.0 / rps));
                        match change {
                            Some(c) if next >= c => t = c,
                            _ => return Some(next),
                        }
                    } else {
                        t = change?;
                    }
                }
            }
        }
    }
}

impl Rate {
    /// How many arrivals the profile draws from `from` (the traffic's start) to `end`, at most:
    /// a step profile's expected count, a smooth one's candidates (drawn at its highest rate,
    /// then thinned), a trace's length. `budget` estimates a run's events from it.
    pub fn draws_between(&self, from: SimTime, end: SimTime) -> f64 {
        let (a, b) = (from.as_secs_f64(), end.as_secs_f64());
        match self {
            Rate::Trace(t) => t.iter().filter(|x| **x >= from && **x <= end).count() as f64,
            Rate::Smooth(sm) => sm.max() * (b - a).max(0.0),
            Rate::Steps(steps) => steps
                .iter()
                .enumerate()
                .map(|(i, (at, rps))| {
                    let to = steps.get(i + 1).map_or(b, |n| n.0.as_secs_f64()).min(b);
                    rps * (to - at.as_secs_f64().max(a)).max(0.0)
                })
                .sum(),
        }
    }
}

/// The rate of piecewise-constant `steps` at `t`, and when it next changes.
fn rate_at(steps: &[(SimTime, f64)], t: SimTime) -> (f64, Option<SimTime>) {
    let i = steps.partition_point(|s| s.0 <= t).saturating_sub(1);
    (steps[i].1, steps.get(i + 1).map(|s| s.0))
}

impl Smooth {
    fn rate(&self, t: f64) -> f64 {
        match self {
            Smooth::Sine {
                mean,
                amplitude,
                period,
                phase,
            } => (mean + amplitude * libm::sin(2.0 * core::f64::consts::PI * (t + phase) / period))
                .max(0.0),
            Smooth::Linear { points } => {
                let i = points.partition_point(|p| p.0 <= t);
                if i == 0 {
                    points[0].1
                } else if i == points.len() {
                    points[i - 1].1
                } else {
                    let ((t0, r0), (t1, r1)) = (points[i - 1], points[i]);
                    r0 + (r1 - r0) * (t - t0) / (t1 - t0)
                }
            }
        }
    }

    fn max(&self) -> f64 {
        match self {
            Smooth::Sine {
                mean, amplitude, ..
            } => mean + amplitude.abs(),
            Smooth::Linear { points } => points.iter().map(|p| p.1).fold(0.0, f64::max),
        }
    }

    fn next_arrival(&self, now: SimTime, s: &mut Stream) -> Option<SimTime> {
        let max = self.max();
        if max <= 0.0 {
            return None;
        }
        let mut t = now;
        loop {
            t += SimDuration::from_secs_f64(s.exponential(1.0 / max));
            if s.uniform() * max < self.rate(t.as_secs_f64()) {
                return Some(t);
            }
            // A linear profile that ends at 0 never recovers: stop instead of drawing forever.
            if let Smooth::Linear { points } = self {
                let last = points[points.len() - 1];
                if last.1 <= 0.0 && t.as_secs_f64() >= last.0 {
                    return None;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rate(spec: RateSpec) -> Rate {
        spec.validate("traffic[0].rate", SimTime::ZERO).unwrap()
    }

    #[test]
    fn steps_change_the_rate() {
        let r = rate(RateSpec::Steps {
            steps: vec![
                RateStep {
                    at: SimDuration::from_secs(10),
                    rps: 100.0,
                },
                RateStep {
                    at: SimDuration::from_secs(20),
                    rps: 0.0,
                },
            ],
        });
        let mut s = Stream::new(1, "a");
        let mut now = SimTime::ZERO;
        let mut n = 0;
        while let Some(next) = r.next_arrival(now, &mut s, &mut 0) {
            assert!(next.as_secs_f64() >= 10.0 && next.as_secs_f64() < 20.0);
            now = next;
            n += 1;
        }
        // 1,000 expected; Poisson sd 32.
        assert!((840..1160).contains(&n), "{n}");
    }

    fn count(spec: RateSpec, from: u64, to: u64) -> usize {
        let r = rate(spec);
        let mut s = Stream::new(9, "a");
        let (mut now, mut cursor, mut n) = (SimTime::ZERO, 0, 0);
        while let Some(next) = r.next_arrival(now, &mut s, &mut cursor) {
            if next.as_secs_f64() >= to as f64 {
                break;
            }
            if next.as_secs_f64() >= from as f64 {
                n += 1;
            }
            now = next;
        }
        n
    }

    #[test]
    fn a_spike_raises_the_rate_for_its_duration() {
        let spike = || RateSpec::Spike {
            base_rps: 10.0,
            spike_rps: 100.0,
            at: SimDuration::from_secs(100),
            duration: SimDuration::from_secs(50),
        };
        // Expected 500 before (sd 22), 5,000 during (sd 71).
        let before = count(spike(), 50, 100);
        let during = count(spike(), 100, 150);
        assert!((400..600).contains(&before), "{before}");
        assert!((4700..5300).contains(&during), "{during}");
    }

    #[test]
    fn a_sine_follows_its_phase() {
        let sine = || RateSpec::Sine {
            mean_rps: 50.0,
            amplitude_rps: 40.0,
            period: SimDuration::from_secs(400),
            phase: SimDuration::ZERO,
        };
        // The first half period averages 50 + 40·2/π = 75.5/s, the second 24.5/s: 15,100 and
        // 4,900 over 200 s (sd 123 and 70).
        let high = count(sine(), 0, 200);
        let low = count(sine(), 200, 400);
        assert!((14_600..15_600).contains(&high), "{high}");
        assert!((4_550..5_250).contains(&low), "{low}");
    }

    #[test]
    fn a_linear_ramp_and_a_replayed_trace() {
        let ramp = RateSpec::Linear {
            points: vec![
                RateStep {
                    at: SimDuration::ZERO,
                    rps: 0.0,
                },
                RateStep {
                    at: SimDuration::from_secs(100),
                    rps: 100.0,
                },
            ],
        };
        // ∫0..100 of t dt = 5,000 (sd 71).
        let n = count(ramp, 0, 100);
        assert!((4_700..5_300).contains(&n), "{n}");
        let trace = RateSpec::Trace {
            timestamps: vec![0.5, 1.0, 1.0, 7.25],
            csv: None,
        };
        assert_eq!(count(trace, 0, 100), 4);
        let csv = RateSpec::Trace {
            timestamps: vec![],
            csv: Some("t_s,path\n0.5,/a\n1.0,/b\n\n7.25,/c\n".into()),
        };
        assert_eq!(count(csv, 0, 100), 3);
        let per_second = RateSpec::TraceRps {
            rps: vec![],
            csv: Some("rps\n0\n1000\n0\n".into()),
        };
        // Only the second second has arrivals: 1,000 (sd 32).
        assert_eq!(count(per_second.clone(), 0, 1), 0);
        let n = count(per_second, 1, 2);
        assert!((900..1100).contains(&n), "{n}");
    }

    #[test]
    fn errors_name_the_field_under_the_given_path() {
        let err = |spec: RateSpec| {
            spec.validate("traffic[0].rate", SimTime::ZERO)
                .err()
                .map(|e| e.path)
        };
        let step = |at, rps| RateStep {
            at: SimDuration::from_secs(at),
            rps,
        };
        assert_eq!(
            err(RateSpec::Steps {
                steps: vec![step(5, 1.0), step(5, 2.0)],
            })
            .as_deref(),
            Some("traffic[0].rate.steps[1].at")
        );
        assert_eq!(
            err(RateSpec::Linear {
                points: vec![step(1, -1.0)],
            })
            .as_deref(),
            Some("traffic[0].rate.points[0].rps")
        );
        assert_eq!(
            err(RateSpec::Trace {
                timestamps: vec![1.0],
                csv: Some("1\n".into()),
            })
            .as_deref(),
            Some("traffic[0].rate.csv")
        );
    }
}
