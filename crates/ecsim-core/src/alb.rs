//! The load balancer's target group settings: health checks (ecs-facts §5, ALB rows). Routing and
//! draining run in `sim/requests.rs`.

use crate::error::FieldError;
use crate::time::SimDuration;
use serde::{Deserialize, Serialize};

/// A target group's health check (ecs-facts §5, ALB rows).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HealthCheck {
    /// HealthCheckIntervalSeconds: 30 s default, 5–300 s.
    #[serde(default = "default_interval")]
    pub interval: SimDuration,
    /// HealthyThresholdCount: 5 default, 2–10.
    #[serde(default = "default_healthy_threshold")]
    pub healthy_threshold: u32,
    /// How a newly registered target becomes healthy — the sources disagree (ecs-facts
    /// "Conflicts" #1): `one_check` (the ALB guide: a new target must pass one health check) or
    /// `threshold` (the ECS Best Practices guide: healthy_threshold checks, 5 × 30 s = 150 s).
    /// Default `one_check`: the ALB guide is the primary source for ALB behaviour and has said so
    /// unchanged from 2018 to 2023.
    #[serde(default = "default_initial")]
    pub initial: String,
}

fn default_interval() -> SimDuration {
    SimDuration::from_secs(30)
}
fn default_healthy_threshold() -> u32 {
    5
}
fn default_initial() -> String {
    "one_check".into()
}

impl Default for HealthCheck {
    fn default() -> Self {
        HealthCheck {
            interval: default_interval(),
            healthy_threshold: default_healthy_threshold(),
            initial: default_initial(),
        }
    }
}

impl HealthCheck {
    /// From a target's registration to its being healthy.
    pub fn time_to_healthy(&self) -> SimDuration {
        let checks = if self.initial == "threshold" {
            self.healthy_threshold
        } else {
            1
        };
        SimDuration(self.interval.0.saturating_mul(checks as u64))
    }

    pub fn validate(&self, path: &str) -> Result<(), FieldError> {
        if !(SimDuration::from_secs(5)..=SimDuration::from_secs(300)).contains(&self.interval) {
            return Err(FieldError::new(
                format!("{path}.interval"),
                "must be 5s..=300s (ALB limits)",
            ));
        }
        if !(2..=10).contains(&self.healthy_threshold) {
            return Err(FieldError::new(
                format!("{path}.healthy_threshold"),
                "must be 2..=10 (ALB limits)",
            ));
        }
        if !matches!(self.initial.as_str(), "one_check" | "threshold") {
            return Err(FieldError::new(
                format!("{path}.initial"),
                "use one_check or threshold",
            ));
        }
        Ok(())
    }
}
