//! Request traffic: per service, a Poisson arrival process with a rate profile, and the CPU work
//! each request needs, drawn from a distribution. Arrivals and work of each traffic entry draw
//! from their own streams (`arrivals/<service>`, `work/<service>`), so nothing else in a scenario
//! can shift them (common random numbers).
//!
//! Piecewise-constant rates are sampled exactly: an exponential gap drawn at the current rate that
//! would cross the next change of rate is discarded and drawn afresh from the change (the process
//! is memoryless, so this is the same process).

use crate::alb::HealthCheck;
use crate::error::FieldError;
use crate::rng::Stream;
use crate::time::{SimDuration, SimTime};
use serde::{Deserialize, Serialize};

/// z such that Φ(z) = 0.99.
const Z99: f64 = 2.326_347_874_040_841;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TrafficSpec {
    pub service: String,
    /// When requests start arriving.
    #[serde(default)]
    pub start: SimDuration,
    pub rate: RateSpec,
    pub work: WorkSpec,
    /// `application` (an ALB: targets are (instance, host port) pairs, any port) or `classic` (a
    /// Classic Load Balancer: one fixed instance port, so the task needs a static host port and at
    /// most one task per instance can be behind it).
    #[serde(default = "default_lb")]
    pub load_balancer: String,
    /// How the load balancer picks a target: `round_robin` (the ALB default),
    /// `least_outstanding_requests` or `weighted_random` (equal weights).
    #[serde(default = "default_algorithm")]
    pub algorithm: String,
    /// Requests a task serves at once; default one per vCPU of its CPU reservation (at least 1).
    #[serde(default)]
    pub concurrency: Option<u32>,
    /// Requests a task queues beyond those in service; more are refused (503).
    #[serde(default = "default_queue_limit")]
    pub queue_limit: u32,
    /// The target group's health check.
    #[serde(default)]
    pub health_check: HealthCheck,
    /// How long a deregistered target drains before its task is stopped: ecs-facts §5
    /// "deregistration_delay.timeout_seconds", 300 s default, 0–3600 s.
    #[serde(default = "default_deregistration")]
    pub deregistration_delay: SimDuration,
    /// slow_start.duration_seconds: 0 (off) or 30–900 s; a new target's share of requests ramps
    /// up linearly over it. Not with least_outstanding_requests (ecs-facts §5).
    #[serde(default)]
    pub slow_start: SimDuration,
}

fn default_deregistration() -> SimDuration {
    SimDuration::from_secs(300)
}

fn default_lb() -> String {
    "application".into()
}
fn default_algorithm() -> String {
    "round_robin".into()
}
fn default_queue_limit() -> u32 {
    1024
}

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

fn one_day() -> SimDuration {
    SimDuration::from_secs(86_400)
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
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RateStep {
    pub at: SimDuration,
    pub rps: f64,
}

/// CPU work of one request, as time on one whole vCPU.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, tag = "dist", rename_all = "snake_case")]
pub enum WorkSpec {
    Constant {
        value: SimDuration,
    },
    Exponential {
        mean: SimDuration,
    },
    /// Lognormal with the given mean and 99th percentile (p99 at most ~15 × the mean).
    Lognormal {
        mean: SimDuration,
        p99: SimDuration,
    },
}

/// The load balancer's routing algorithm.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Algorithm {
    RoundRobin,
    LeastOutstanding,
    WeightedRandom,
}

/// A validated traffic entry.
#[derive(Debug, Clone, PartialEq)]
pub struct Traffic {
    pub service: usize,
    pub start: SimTime,
    /// (from, rps), ascending.
    pub steps: Vec<(SimTime, f64)>,
    /// A continuously varying rate, when the profile has one (then `steps` is unused).
    pub smooth: Option<Smooth>,
    /// Recorded arrival times, when the profile replays them.
    pub trace: Option<Vec<SimTime>>,
    pub work: Work,
    pub algorithm: Algorithm,
    pub classic: bool,
    pub health: HealthCheck,
    pub deregistration_delay: SimDuration,
    pub slow_start: SimDuration,
    pub concurrency: Option<u32>,
    pub queue_limit: u32,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Work {
    Constant(f64),
    Exponential(f64),
    /// ln X ~ N(mu, sigma²), in seconds.
    Lognormal {
        mu: f64,
        sigma: f64,
    },
}

impl Work {
    /// Seconds of one-vCPU time.
    pub fn sample(&self, s: &mut Stream) -> f64 {
        match *self {
            Work::Constant(v) => v,
            Work::Exponential(mean) => s.exponential(mean),
            Work::Lognormal { mu, sigma } => libm::exp(mu + sigma * s.normal()),
        }
    }

    pub fn mean(&self) -> f64 {
        match *self {
            Work::Constant(v) | Work::Exponential(v) => v,
            Work::Lognormal { mu, sigma } => libm::exp(mu + sigma * sigma / 2.0),
        }
    }
}

impl TrafficSpec {
    pub fn validate(&self, path: &str, service: usize) -> Result<Traffic, FieldError> {
        let at = |f: &str| format!("{path}.{f}");
        let rps_ok = |r: f64| r.is_finite() && (0.0..=1e7).contains(&r);
        let (mut smooth, mut trace) = (None, None);
        let step_list = |steps: &[RateStep], f: &str| -> Result<Vec<(SimTime, f64)>, FieldError> {
            if steps.is_empty() {
                return Err(FieldError::new(
                    at(&format!("rate.{f}")),
                    "needs at least one entry",
                ));
            }
            let mut out = Vec::new();
            for (i, s) in steps.iter().enumerate() {
                if !rps_ok(s.rps) {
                    return Err(FieldError::new(
                        at(&format!("rate.{f}[{i}].rps")),
                        "must be in 0..=1e7",
                    ));
                }
                if i > 0 && s.at <= steps[i - 1].at {
                    return Err(FieldError::new(
                        at(&format!("rate.{f}[{i}].at")),
                        "must be in increasing time",
                    ));
                }
                out.push((SimTime::ZERO + s.at, s.rps));
            }
            Ok(out)
        };
        let start = SimTime::ZERO + self.start;
        let steps = match &self.rate {
            RateSpec::Constant { rps } => {
                if !rps_ok(*rps) {
                    return Err(FieldError::new(
                        at("rate.rps"),
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
                        return Err(FieldError::new(
                            at(&format!("rate.{f}")),
                            "must be in 0..=1e7",
                        ));
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
                        at("rate.mean_rps"),
                        "mean and amplitude must be in 0..=1e7",
                    ));
                }
                if period.is_zero() {
                    return Err(FieldError::new(at("rate.period"), "must be positive"));
                }
                smooth = Some(Smooth::Sine {
                    mean: *mean_rps,
                    amplitude: *amplitude_rps,
                    period: period.as_secs_f64(),
                    phase: phase.as_secs_f64(),
                });
                vec![(SimTime::ZERO, 0.0)]
            }
            RateSpec::Linear { points } => {
                let pts = step_list(points, "points")?;
                smooth = Some(Smooth::Linear {
                    points: pts.iter().map(|(t, r)| (t.as_secs_f64(), *r)).collect(),
                });
                vec![(SimTime::ZERO, 0.0)]
            }
            RateSpec::Trace { timestamps, csv } => {
                let timestamps = &with_csv(timestamps, csv.as_deref(), &at("rate.csv"))?;
                let mut v = Vec::with_capacity(timestamps.len());
                for (i, &ts) in timestamps.iter().enumerate() {
                    if !(ts.is_finite() && ts >= 0.0) || (i > 0 && ts < timestamps[i - 1]) {
                        return Err(FieldError::new(
                            at(&format!("rate.timestamps[{i}]")),
                            format!("{ts}: timestamps are seconds >= 0, ascending"),
                        ));
                    }
                    v.push(start + SimDuration::from_secs_f64(ts));
                }
                trace = Some(v);
                vec![(SimTime::ZERO, 0.0)]
            }
            RateSpec::TraceRps { rps, csv } => {
                let rps = &with_csv(rps, csv.as_deref(), &at("rate.csv"))?;
                let mut v = vec![(SimTime::ZERO, 0.0)];
                for (i, &r) in rps.iter().enumerate() {
                    if !rps_ok(r) {
                        return Err(FieldError::new(
                            at(&format!("rate.rps[{i}]")),
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
                    return Err(FieldError::new(at("rate.steps"), "needs at least one step"));
                }
                let mut out = Vec::new();
                for (i, s) in steps.iter().enumerate() {
                    if !rps_ok(s.rps) {
                        return Err(FieldError::new(
                            at(&format!("rate.steps[{i}].rps")),
                            "must be in 0..=1e7",
                        ));
                    }
                    if i > 0 && s.at <= steps[i - 1].at {
                        return Err(FieldError::new(
                            at(&format!("rate.steps[{i}].at")),
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
        let pos = |d: SimDuration, f: &str| {
            if d.is_zero() {
                Err(FieldError::new(at(f), "must be positive"))
            } else {
                Ok(d.as_secs_f64())
            }
        };
        let work = match &self.work {
            WorkSpec::Constant { value } => Work::Constant(value.as_secs_f64()),
            WorkSpec::Exponential { mean } => Work::Exponential(pos(*mean, "work.mean")?),
            WorkSpec::Lognormal { mean, p99 } => {
                let (m, q) = (pos(*mean, "work.mean")?, pos(*p99, "work.p99")?);
                // mean = e^(mu + s²/2), p99 = e^(mu + Z99 s)  =>  s²/2 - Z99 s + ln(q/m) = 0.
                let d = libm::log(q / m);
                let disc = Z99 * Z99 - 2.0 * d;
                if q <= m || disc < 0.0 {
                    return Err(FieldError::new(
                        at("work.p99"),
                        format!(
                            "a lognormal needs mean < p99 <= {:.1} x mean",
                            libm::exp(Z99 * Z99 / 2.0)
                        ),
                    ));
                }
                let sigma = Z99 - libm::sqrt(disc);
                Work::Lognormal {
                    mu: libm::log(m) - sigma * sigma / 2.0,
                    sigma,
                }
            }
        };
        let algorithm = match self.algorithm.as_str() {
            "round_robin" => Algorithm::RoundRobin,
            "least_outstanding_requests" => Algorithm::LeastOutstanding,
            "weighted_random" => Algorithm::WeightedRandom,
            other => {
                return Err(FieldError::new(
                    at("algorithm"),
                    format!(
                        "{other:?}: use round_robin, least_outstanding_requests or weighted_random"
                    ),
                ))
            }
        };
        let classic = match self.load_balancer.as_str() {
            "application" => false,
            "classic" => true,
            other => {
                return Err(FieldError::new(
                    at("load_balancer"),
                    format!("{other:?}: use application or classic"),
                ))
            }
        };
        self.health_check.validate(&at("health_check"))?;
        if self.deregistration_delay > SimDuration::from_secs(3600) {
            return Err(FieldError::new(
                at("deregistration_delay"),
                "must be 0s..=3600s (ALB limits)",
            ));
        }
        if !self.slow_start.is_zero() {
            if !(SimDuration::from_secs(30)..=SimDuration::from_secs(900))
                .contains(&self.slow_start)
            {
                return Err(FieldError::new(
                    at("slow_start"),
                    "must be 0s (off) or 30s..=900s (ALB limits)",
                ));
            }
            if algorithm == Algorithm::LeastOutstanding {
                return Err(FieldError::new(
                    at("slow_start"),
                    "the ALB cannot combine slow start with least_outstanding_requests",
                ));
            }
        }
        if self.concurrency == Some(0) {
            return Err(FieldError::new(at("concurrency"), "must be at least 1"));
        }
        Ok(Traffic {
            service,
            start: SimTime::ZERO + self.start,
            steps,
            smooth,
            trace,
            work,
            algorithm,
            classic,
            health: self.health_check.clone(),
            deregistration_delay: self.deregistration_delay,
            slow_start: self.slow_start,
            concurrency: self.concurrency,
            queue_limit: self.queue_limit,
        })
    }
}

impl Traffic {
    fn rate_at(&self, t: SimTime) -> (f64, Option<SimTime>) {
        let i = self.steps.partition_point(|s| s.0 <= t).saturating_sub(1);
        (self.steps[i].1, self.steps.get(i + 1).map(|s| s.0))
    }

    /// The first arrival after `now`, or None if no more requests come. `cursor` is the replay
    /// position of a trace (the caller keeps it between calls).
    pub fn next_arrival(
        &self,
        now: SimTime,
        s: &mut Stream,
        cursor: &mut usize,
    ) -> Option<SimTime> {
        let mut t = now.max(self.start);
        if let Some(trace) = &self.trace {
            let next = trace.get(*cursor).copied();
            *cursor += 1;
            return next;
        }
        if let Some(sm) = &self.smooth {
            let max = sm.max();
            if max <= 0.0 {
                return None;
            }
            loop {
                t += SimDuration::from_secs_f64(s.exponential(1.0 / max));
                if s.uniform() * max < sm.rate(t.as_secs_f64()) {
                    return Some(t);
                }
                // A linear profile that ends at 0 never recovers: stop instead of drawing forever.
                if let Smooth::Linear { points } = sm {
                    let last = points[points.len() - 1];
                    if last.1 <= 0.0 && t.as_secs_f64() >= last.0 {
                        return None;
                    }
                }
            }
        }
        loop {
            let (rps, change) = self.rate_at(t);
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

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(rate: RateSpec, work: WorkSpec) -> Traffic {
        TrafficSpec {
            service: "s".into(),
            start: SimDuration::ZERO,
            rate,
            work,
            algorithm: "round_robin".into(),
            load_balancer: "application".into(),
            health_check: HealthCheck::default(),
            deregistration_delay: SimDuration::from_secs(300),
            slow_start: SimDuration::ZERO,
            concurrency: None,
            queue_limit: 10,
        }
        .validate("traffic[0]", 0)
        .unwrap()
    }

    #[test]
    fn steps_change_the_rate() {
        let t = spec(
            RateSpec::Steps {
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
            },
            WorkSpec::Constant {
                value: SimDuration::from_millis(1),
            },
        );
        let mut s = Stream::new(1, "a");
        let mut now = SimTime::ZERO;
        let mut n = 0;
        while let Some(next) = t.next_arrival(now, &mut s, &mut 0) {
            assert!(next.as_secs_f64() >= 10.0 && next.as_secs_f64() < 20.0);
            now = next;
            n += 1;
        }
        // 1,000 expected; Poisson sd 32.
        assert!((840..1160).contains(&n), "{n}");
    }

    #[test]
    fn lognormal_matches_its_mean_and_p99() {
        let t = spec(
            RateSpec::Constant { rps: 1.0 },
            WorkSpec::Lognormal {
                mean: SimDuration::from_millis(10),
                p99: SimDuration::from_millis(100),
            },
        );
        assert!((t.work.mean() - 0.010).abs() < 1e-12);
        let mut s = Stream::new(2, "w");
        let mut v: Vec<f64> = (0..200_000).map(|_| t.work.sample(&mut s)).collect();
        v.sort_by(f64::total_cmp);
        let p99 = v[198_000];
        assert!((p99 / 0.100 - 1.0).abs() < 0.05, "{p99}");
    }

    fn count(rate: RateSpec, from: u64, to: u64) -> usize {
        let t = spec(
            rate,
            WorkSpec::Constant {
                value: SimDuration::from_millis(1),
            },
        );
        let mut s = Stream::new(9, "a");
        let (mut now, mut cursor, mut n) = (SimTime::ZERO, 0, 0);
        while let Some(next) = t.next_arrival(now, &mut s, &mut cursor) {
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
}
