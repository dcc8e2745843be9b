//! A traffic entry: the requests one service receives through a load balancer. When they arrive
//! is a rate profile (`rate`); this module holds the rest: the CPU work each request needs, drawn
//! from a distribution, and how the load balancer spreads requests over the tasks (its kind, its
//! algorithm, slots and queue per task, deregistration delay, slow start). Arrivals and work of
//! each traffic entry draw from their own streams (`arrivals/<service>`, `work/<service>`), so
//! nothing else in a scenario can shift them (common random numbers).

use crate::alb::HealthCheck;
use crate::error::FieldError;
use crate::rate::Rate;
use crate::rng::Stream;
use crate::time::{SimDuration, SimTime};
use serde::{Deserialize, Serialize};

// Rate profiles used to live here: the re-export keeps paths such as `traffic::RateSpec` working.
pub use crate::rate::RateSpec;

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
    /// How long a deregistered target drains before its task is stopped: docs/ecs-facts.md §5
    /// "deregistration_delay.timeout_seconds", 300 s default, 0–3600 s.
    #[serde(default = "default_deregistration")]
    pub deregistration_delay: SimDuration,
    /// Whether the load balancer keeps connections to a target open between requests (HTTP
    /// keep-alive, on by default): a draining target's open connections hold its drain until
    /// they have been idle for `idle_timeout` (docs/ecs-facts.md §12 "ALB deregistration
    /// delay"). Off: the drain ends with the last request in flight.
    #[serde(default = "default_keep_alive")]
    pub keep_alive: bool,
    /// The load balancer's connection idle timeout (`idle_timeout.timeout_seconds`, 60 s default,
    /// 1–4000 s; docs/ecs-facts.md §5 "ALB idle timeout"): an idle connection is closed after it.
    #[serde(default = "default_idle_timeout")]
    pub idle_timeout: SimDuration,
    /// slow_start.duration_seconds: 0 (off) or 30–900 s; a new target's share of requests ramps
    /// up linearly over it. Not with least_outstanding_requests (docs/ecs-facts.md §5).
    #[serde(default)]
    pub slow_start: SimDuration,
}

fn default_deregistration() -> SimDuration {
    SimDuration::from_secs(300)
}
fn default_keep_alive() -> bool {
    true
}
fn default_idle_timeout() -> SimDuration {
    SimDuration::from_secs(60)
}

fn default_lb() -> String {
    "application".into()
}
fn default_algorithm() -> String {
    "round_robin".into()
}
/// The most requests a task may queue, or serve at once: every one is held in memory, so an
/// overloaded run with no bound grows until the machine gives out.
const MAX_QUEUE: u32 = 100_000;

fn default_queue_limit() -> u32 {
    1024
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

impl Algorithm {
    /// The name a scenario gives it.
    pub fn name(self) -> &'static str {
        match self {
            Algorithm::RoundRobin => "round_robin",
            Algorithm::LeastOutstanding => "least_outstanding_requests",
            Algorithm::WeightedRandom => "weighted_random",
        }
    }
}

/// A validated traffic entry.
#[derive(Debug, Clone, PartialEq)]
pub struct Traffic {
    pub service: usize,
    pub start: SimTime,
    /// When requests arrive.
    pub rate: Rate,
    pub work: Work,
    pub algorithm: Algorithm,
    pub classic: bool,
    pub health: HealthCheck,
    pub deregistration_delay: SimDuration,
    /// How long a target's connections stay open once idle; none without keep-alive.
    pub connection_idle: Option<SimDuration>,
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
        let start = SimTime::ZERO + self.start;
        let rate = self.rate.validate(&at("rate"), start)?;
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
        if !(SimDuration::from_secs(1)..=SimDuration::from_secs(4000)).contains(&self.idle_timeout)
        {
            return Err(FieldError::new(
                at("idle_timeout"),
                "must be 1s..=4000s (ALB limits)",
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
        if self.concurrency.is_some_and(|c| c > MAX_QUEUE) {
            return Err(FieldError::new(
                at("concurrency"),
                format!("must be at most {MAX_QUEUE} requests at once per task"),
            ));
        }
        if self.queue_limit > MAX_QUEUE {
            return Err(FieldError::new(
                at("queue_limit"),
                format!(
                    "{} requests queued per task is past the {MAX_QUEUE} a run may hold (each is kept in memory); a real task refuses long before",
                    self.queue_limit
                ),
            ));
        }
        Ok(Traffic {
            service,
            start,
            rate,
            work,
            algorithm,
            classic,
            health: self.health_check.clone(),
            deregistration_delay: self.deregistration_delay,
            connection_idle: self.keep_alive.then_some(self.idle_timeout),
            slow_start: self.slow_start,
            concurrency: self.concurrency,
            queue_limit: self.queue_limit,
        })
    }
}

impl Traffic {
    /// The first arrival after `now`, or None if no more requests come. `cursor` is the replay
    /// position of a trace (the caller keeps it between calls).
    pub fn next_arrival(
        &self,
        now: SimTime,
        s: &mut Stream,
        cursor: &mut usize,
    ) -> Option<SimTime> {
        self.rate.next_arrival(now.max(self.start), s, cursor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(work: WorkSpec) -> Traffic {
        TrafficSpec {
            service: "s".into(),
            start: SimDuration::ZERO,
            rate: RateSpec::Constant { rps: 1.0 },
            work,
            algorithm: "round_robin".into(),
            load_balancer: "application".into(),
            health_check: HealthCheck::default(),
            deregistration_delay: SimDuration::from_secs(300),
            keep_alive: true,
            idle_timeout: SimDuration::from_secs(60),
            slow_start: SimDuration::ZERO,
            concurrency: None,
            queue_limit: 10,
        }
        .validate("traffic[0]", 0)
        .unwrap()
    }

    #[test]
    fn lognormal_matches_its_mean_and_p99() {
        let t = spec(WorkSpec::Lognormal {
            mean: SimDuration::from_millis(10),
            p99: SimDuration::from_millis(100),
        });
        assert!((t.work.mean() - 0.010).abs() < 1e-12);
        let mut s = Stream::new(2, "w");
        let mut v: Vec<f64> = (0..200_000).map(|_| t.work.sample(&mut s)).collect();
        v.sort_by(f64::total_cmp);
        let p99 = v[198_000];
        assert!((p99 / 0.100 - 1.0).abs() < 0.05, "{p99}");
    }
}
