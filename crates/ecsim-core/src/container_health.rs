//! Container health checks: a container definition's `healthCheck` and the rules Docker runs it
//! by (docs/ecs-facts.md §12 "Container health checks"). The command itself is not run: its
//! outcome is the application's, failing until the application is up (its warm-up, from
//! `[[applications]]`) and, after a `health_check_failure` fault, failing by timing out.
//!
//! Docker runs the first check one `interval` after the container starts and the next one
//! `interval` after each check ends; a check slower than `timeout` fails; `retries` failures in
//! a row make the container UNHEALTHY, except that failures within `startPeriod` do not count
//! until a check has passed. ECS's defaults and limits: interval 30 s (5–300), timeout 5 s
//! (2–60), retries 3 (1–10), startPeriod off (0–300) (docs/ecs-facts.md §1 "Container health
//! check defaults"). The task is HEALTHY when every essential container with a check is, and
//! UNHEALTHY as soon as one of them is (§1 "Task health rollup"); `sim/container_health.rs`
//! acts on it.

use crate::error::FieldError;
use crate::time::SimDuration;
use serde::{Deserialize, Serialize};

/// `healthCheck` in a container definition, as the API takes it (seconds as whole numbers).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct HealthCheckSpec {
    /// `["CMD", …]` or `["CMD-SHELL", "…"]`; not run, but checked as ECS checks it.
    pub command: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interval: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeout: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retries: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_period: Option<u32>,
}

/// A checked `healthCheck`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct HealthCheck {
    pub interval: SimDuration,
    pub timeout: SimDuration,
    pub retries: u32,
    pub start_period: SimDuration,
}

/// What a container's checks make of it, counted from when it started.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Its first passing check comes at this time.
    Healthy(SimDuration),
    /// `retries` counted failures come first: it is UNHEALTHY at this time.
    Unhealthy(SimDuration),
}

impl HealthCheckSpec {
    /// Checks it as RegisterTaskDefinition does; `path` names the `healthCheck` field.
    pub fn validate(&self, path: &str) -> Result<HealthCheck, FieldError> {
        let at = |f: &str| format!("{path}.{f}");
        match self.command.first().map(String::as_str) {
            Some("CMD" | "CMD-SHELL") if self.command.len() > 1 => {}
            _ => {
                return Err(FieldError::new(
                    at("command"),
                    "must be [\"CMD\", executable, args…] or [\"CMD-SHELL\", \"command\"]",
                ))
            }
        }
        let field =
            |f: &str, v: Option<u32>, default: u32, range: std::ops::RangeInclusive<u32>| {
                let v = v.unwrap_or(default);
                if range.contains(&v) {
                    Ok(v)
                } else {
                    Err(FieldError::new(
                        at(f),
                        format!(
                            "{v} is outside ECS's {}..={} (docs/ecs-facts.md §1)",
                            range.start(),
                            range.end()
                        ),
                    ))
                }
            };
        let interval = field("interval", self.interval, 30, 5..=300)?;
        let timeout = field("timeout", self.timeout, 5, 2..=60)?;
        let retries = field("retries", self.retries, 3, 1..=10)?;
        let start_period = field("startPeriod", self.start_period, 0, 0..=300)?;
        Ok(HealthCheck {
            interval: SimDuration::from_secs(interval as u64),
            timeout: SimDuration::from_secs(timeout as u64),
            retries,
            start_period: SimDuration::from_secs(start_period as u64),
        })
    }
}

impl HealthCheck {
    fn checks(&self, n: u64) -> SimDuration {
        SimDuration(self.interval.0.saturating_mul(n))
    }

    /// The checks of a container whose application answers from `warmup` after it started. A
    /// check of an application that is not up fails at once (the connection is refused), so the
    /// k-th check runs at k × interval.
    pub fn outcome(&self, warmup: SimDuration) -> Outcome {
        let interval = self.interval.0.max(1);
        let first_pass = self.first_pass(warmup).0 / interval;
        // Checks before the start period ends do not count: the first that counts is the first
        // at or after it.
        let first_counted = self.start_period.0.div_ceil(interval).max(1);
        let fatal = first_counted + self.retries as u64 - 1;
        if fatal < first_pass {
            Outcome::Unhealthy(self.checks(fatal))
        } else {
            Outcome::Healthy(self.checks(first_pass))
        }
    }

    /// When the first check after `warmup` runs: the first to pass, counted or not. An UNHEALTHY
    /// container is HEALTHY again then.
    pub fn first_pass(&self, warmup: SimDuration) -> SimDuration {
        self.checks(warmup.0.div_ceil(self.interval.0.max(1)).max(1))
    }

    /// A HEALTHY container whose application hangs: each check now waits out its timeout, and the
    /// next runs an interval after it, so `retries` of them take this long (at most; the check
    /// already under way when it hangs is not counted as sooner).
    pub fn time_to_unhealthy(&self) -> SimDuration {
        SimDuration((self.interval.0 + self.timeout.0).saturating_mul(self.retries as u64))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(interval: u32, retries: u32, start_period: u32) -> HealthCheck {
        HealthCheckSpec {
            command: vec![
                "CMD-SHELL".into(),
                "curl -f http://localhost/ || exit 1".into(),
            ],
            interval: Some(interval),
            timeout: None,
            retries: Some(retries),
            start_period: Some(start_period),
        }
        .validate("h")
        .unwrap()
    }

    const S: fn(u64) -> SimDuration = SimDuration::from_secs;

    #[test]
    fn an_application_up_before_the_first_check_is_healthy_at_the_first_check() {
        assert_eq!(check(30, 3, 0).outcome(S(0)), Outcome::Healthy(S(30)));
        assert_eq!(check(10, 3, 0).outcome(S(25)), Outcome::Healthy(S(30)));
    }

    #[test]
    fn a_slow_application_without_a_start_period_is_unhealthy_after_retries_checks() {
        // 90 s warm-up, checks every 10 s, 3 retries: checks at 10, 20 and 30 s fail.
        assert_eq!(check(10, 3, 0).outcome(S(90)), Outcome::Unhealthy(S(30)));
        // Two failures are not enough: the third check, at 30 s, passes.
        assert_eq!(check(10, 3, 0).outcome(S(30)), Outcome::Healthy(S(30)));
    }

    #[test]
    fn failures_within_the_start_period_do_not_count() {
        // Start period 60 s: the checks at 10..50 s do not count; 60, 70 and 80 s do.
        assert_eq!(check(10, 3, 60).outcome(S(90)), Outcome::Unhealthy(S(80)));
        assert_eq!(check(10, 3, 70).outcome(S(90)), Outcome::Healthy(S(90)));
    }

    #[test]
    fn a_hang_takes_retries_intervals_and_timeouts() {
        assert_eq!(check(30, 3, 0).time_to_unhealthy(), S(105));
    }

    #[test]
    fn defaults_and_limits_are_ecs_s() {
        let spec = |json: &str| serde_json::from_str::<HealthCheckSpec>(json).unwrap();
        let h = spec(r#"{"command":["CMD","true"]}"#).validate("h").unwrap();
        assert_eq!(
            (h.interval, h.timeout, h.retries, h.start_period),
            (S(30), S(5), 3, S(0))
        );
        for (json, path) in [
            (r#"{"command":["true"]}"#, "h.command"),
            (r#"{"command":["CMD-SHELL"]}"#, "h.command"),
            (r#"{"command":["CMD","x"],"interval":4}"#, "h.interval"),
            (r#"{"command":["CMD","x"],"timeout":61}"#, "h.timeout"),
            (r#"{"command":["CMD","x"],"retries":0}"#, "h.retries"),
            (
                r#"{"command":["CMD","x"],"startPeriod":301}"#,
                "h.startPeriod",
            ),
        ] {
            assert_eq!(spec(json).validate("h").unwrap_err().path, path, "{json}");
        }
    }
}
