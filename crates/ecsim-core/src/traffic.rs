//! Request traffic: per service, a Poisson arrival process with a rate profile, and the CPU work
//! each request needs, drawn from a distribution. Arrivals and work of each traffic entry draw
//! from their own streams (`arrivals/<service>`, `work/<service>`), so nothing else in a scenario
//! can shift them (common random numbers).
//!
//! Piecewise-constant rates are sampled exactly: an exponential gap drawn at the current rate that
//! would cross the next change of rate is discarded and drawn afresh from the change (the process
//! is memoryless, so this is the same process).

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

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, tag = "profile", rename_all = "snake_case")]
pub enum RateSpec {
    /// A steady rate, requests per second.
    Constant { rps: f64 },
    /// The rate changes at given times (the first step may start after 0, before which it is 0).
    Steps { steps: Vec<RateStep> },
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
    pub work: Work,
    pub algorithm: Algorithm,
    pub classic: bool,
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
        if self.concurrency == Some(0) {
            return Err(FieldError::new(at("concurrency"), "must be at least 1"));
        }
        Ok(Traffic {
            service,
            start: SimTime::ZERO + self.start,
            steps,
            work,
            algorithm,
            classic,
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

    /// The first arrival after `now`, or None if no more requests come.
    pub fn next_arrival(&self, now: SimTime, s: &mut Stream) -> Option<SimTime> {
        let mut t = now.max(self.start);
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
        while let Some(next) = t.next_arrival(now, &mut s) {
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
}
