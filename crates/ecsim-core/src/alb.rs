//! The load balancer's target group settings: health checks (docs/ecs-facts.md §5, ALB rows); and what an
//! Application Load Balancer costs (`[model.alb]`, docs/ecs-facts.md §8 "ALB"): $0.0225 per ALB-hour and
//! $0.008 per LCU-hour, where an hour's LCUs are the largest of its new connections ÷ 25 per
//! second, active connections ÷ 3,000, and GB processed ÷ 1 per hour (rule evaluations stay under
//! the 10 free rules). Routing and draining run in `sim/requests.rs`.

use crate::error::FieldError;
use crate::time::SimDuration;
use serde::{Deserialize, Serialize};

/// The ALB's prices and what the traffic does not say about connections and bytes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AlbModel {
    /// USD per ALB-hour, us-east-1 (docs/ecs-facts.md §8).
    #[serde(default = "default_alb_hour")]
    pub hour_usd: f64,
    /// USD per LCU-hour, us-east-1 (docs/ecs-facts.md §8).
    #[serde(default = "default_lcu_hour")]
    pub lcu_hour_usd: f64,
    /// Requests a client connection carries before it closes. An assumption: 1 (no keep-alive)
    /// bills the most new connections; browsers and pooled clients reuse connections.
    #[serde(default = "default_requests_per_connection")]
    pub requests_per_connection: f64,
    /// Bytes in and out per request. An assumption (2 KiB): a small API call.
    #[serde(default = "default_bytes_per_request")]
    pub bytes_per_request: f64,
}

impl Default for AlbModel {
    fn default() -> Self {
        AlbModel {
            hour_usd: default_alb_hour(),
            lcu_hour_usd: default_lcu_hour(),
            requests_per_connection: default_requests_per_connection(),
            bytes_per_request: default_bytes_per_request(),
        }
    }
}

fn default_alb_hour() -> f64 {
    0.0225
}
fn default_lcu_hour() -> f64 {
    0.008
}
fn default_requests_per_connection() -> f64 {
    1.0
}
fn default_bytes_per_request() -> f64 {
    2048.0
}

impl AlbModel {
    pub fn validate(&self) -> Result<(), FieldError> {
        let p = |f: &str| format!("model.alb.{f}");
        for (f, v) in [
            ("hour_usd", self.hour_usd),
            ("lcu_hour_usd", self.lcu_hour_usd),
            ("bytes_per_request", self.bytes_per_request),
        ] {
            if !(v.is_finite() && v >= 0.0) {
                return Err(FieldError::new(p(f), "must be a number ≥ 0"));
            }
        }
        if !(self.requests_per_connection.is_finite() && self.requests_per_connection >= 1.0) {
            return Err(FieldError::new(
                p("requests_per_connection"),
                "must be at least 1",
            ));
        }
        Ok(())
    }

    /// The LCUs a window uses: `rps` requests per second arriving and `active` requests in the
    /// system (each on its own connection).
    pub fn lcus(&self, rps: f64, active: f64) -> f64 {
        let new_connections = rps / self.requests_per_connection / 25.0;
        let active_connections = active / 3000.0;
        let gb_per_hour = rps * self.bytes_per_request * 3600.0 / 1e9;
        new_connections.max(active_connections).max(gb_per_hour)
    }
}

/// A target group's health check (docs/ecs-facts.md §5, ALB rows).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HealthCheck {
    /// HealthCheckIntervalSeconds: 30 s default, 5–300 s.
    #[serde(default = "default_interval")]
    pub interval: SimDuration,
    /// HealthyThresholdCount: 5 default, 2–10.
    #[serde(default = "default_healthy_threshold")]
    pub healthy_threshold: u32,
    /// UnhealthyThresholdCount: 2 default, 2–10: failed checks in a row that make a target
    /// unhealthy.
    #[serde(default = "default_unhealthy_threshold")]
    pub unhealthy_threshold: u32,
    /// How long after its container starts the application answers the health check (an ecsim
    /// knob: an application's warm-up, 0 by default; an `[[applications]]` entry's `warmup`
    /// takes its place). Checks before then fail.
    #[serde(default)]
    pub app_warmup: SimDuration,
    /// How a newly registered target becomes healthy — the sources disagree (docs/ecs-facts.md
    /// "Conflicts" #1): `one_check` (the ALB guide: a new target must pass one health check) or
    /// `threshold` (the ECS Best Practices guide: healthy_threshold checks, 5 × 30 s = 150 s).
    /// Default `one_check`: the ALB guide is the primary source for ALB behaviour and has said so
    /// unchanged from 2018 to 2023.
    #[serde(default)]
    pub initial: InitialHealth,
}

/// How a newly registered target becomes healthy (see `HealthCheck::initial`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InitialHealth {
    /// One passed check.
    #[default]
    OneCheck,
    /// `healthy_threshold` passed checks.
    Threshold,
}

fn default_interval() -> SimDuration {
    SimDuration::from_secs(30)
}
fn default_healthy_threshold() -> u32 {
    5
}
fn default_unhealthy_threshold() -> u32 {
    2
}

impl Default for HealthCheck {
    fn default() -> Self {
        HealthCheck {
            interval: default_interval(),
            healthy_threshold: default_healthy_threshold(),
            unhealthy_threshold: default_unhealthy_threshold(),
            app_warmup: SimDuration::ZERO,
            initial: InitialHealth::OneCheck,
        }
    }
}

/// What the health checks make of a newly registered target.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TargetPlan {
    /// After registration: when it is marked unhealthy first (its application is not up after
    /// `unhealthy_threshold` checks), if it is.
    pub unhealthy_after: Option<SimDuration>,
    /// When it turns healthy, if it is still there.
    pub healthy_after: SimDuration,
}

impl HealthCheck {
    fn checks(&self, n: u32) -> SimDuration {
        SimDuration(self.interval.0.saturating_mul(n as u64))
    }

    /// The checks on a target registered as its container starts: every `interval`, failing
    /// until the application is up (`app_warmup`). The first check that passes makes a new
    /// target healthy (`one_check`), or the `healthy_threshold`-th in a row does (`threshold`);
    /// after `unhealthy_threshold` failures it is unhealthy, and it takes `healthy_threshold`
    /// passes in a row to come back (ALB rows of docs/ecs-facts.md §5).
    pub fn plan(&self) -> TargetPlan {
        self.plan_after(self.app_warmup)
    }

    /// `plan` for an application that answers `warmup` after its container starts (its
    /// `[[applications]]` entry's, when it has one).
    pub fn plan_after(&self, warmup: SimDuration) -> TargetPlan {
        let first_pass = (warmup.0.div_ceil(self.interval.0.max(1)) as u32).max(1);
        let failures = first_pass - 1;
        if failures >= self.unhealthy_threshold {
            return TargetPlan {
                unhealthy_after: Some(self.checks(self.unhealthy_threshold)),
                healthy_after: self.checks(first_pass + self.healthy_threshold - 1),
            };
        }
        let passes = if self.initial == InitialHealth::Threshold {
            self.healthy_threshold
        } else {
            1
        };
        TargetPlan {
            unhealthy_after: None,
            healthy_after: self.checks(first_pass + passes - 1),
        }
    }

    /// A healthy target's application stops answering: it is unhealthy after this long.
    pub fn time_to_unhealthy(&self) -> SimDuration {
        self.checks(self.unhealthy_threshold)
    }

    pub fn validate(&self, path: &str) -> Result<(), FieldError> {
        if !(SimDuration::from_secs(5)..=SimDuration::from_secs(300)).contains(&self.interval) {
            return Err(FieldError::new(
                format!("{path}.interval"),
                "must be 5s..=300s (ALB limits)",
            ));
        }
        for (f, v) in [
            ("healthy_threshold", self.healthy_threshold),
            ("unhealthy_threshold", self.unhealthy_threshold),
        ] {
            if !(2..=10).contains(&v) {
                return Err(FieldError::new(
                    format!("{path}.{f}"),
                    "must be 2..=10 (ALB limits)",
                ));
            }
        }
        Ok(())
    }
}
