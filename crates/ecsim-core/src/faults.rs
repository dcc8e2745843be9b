//! Faults a scenario injects, at given times or at random (a Poisson process with a mean time
//! between faults, drawn from the run's seed):
//! - `instance_loss`: a container instance of a group is gone without notice (a hardware or
//!   host failure): its tasks stop at once, the requests they hold are lost, and the services
//!   replace them elsewhere, as after a Spot termination without draining.
//! - `task_crash`: a running task of a service exits (its essential container died; stop code
//!   `EssentialContainerExited`): its target goes, the requests it holds fail, and the service
//!   starts a replacement.
//! - `health_check_failure`: a running task's application hangs: it stops answering requests and
//!   health checks. The ALB keeps routing to it (those requests fail) until `unhealthy_threshold`
//!   checks have failed, then ECS replaces the task ("Task failed ELB health checks"; run by
//!   `sim/health.rs`).
//!
//! A registry outage is `registry_outages` (see `registry`).

use crate::error::FieldError;
use crate::time::SimDuration;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FaultSpec {
    /// `instance_loss`, `task_crash` or `health_check_failure`.
    pub kind: String,
    /// For `instance_loss`: the instance group (its lowest-numbered instance still up is lost).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
    /// For `task_crash` and `health_check_failure`: the service (one of its running tasks, drawn
    /// at random, crashes or hangs).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service: Option<String>,
    /// Once, at this time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at: Option<SimDuration>,
    /// Or at random, this long apart on average (from `from` until `until`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub every: Option<SimDuration>,
    #[serde(default)]
    pub from: SimDuration,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub until: Option<SimDuration>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FaultKind {
    /// The group's index.
    InstanceLoss(usize),
    /// The service's index.
    TaskCrash(usize),
    /// The service's index.
    HealthCheckFailure(usize),
}

/// When a fault strikes.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum FaultTiming {
    At(SimDuration),
    Every {
        mean: SimDuration,
        from: SimDuration,
        until: Option<SimDuration>,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub struct Fault {
    pub kind: FaultKind,
    pub timing: FaultTiming,
}

impl FaultSpec {
    /// `groups` and `services` are the scenario's names, to resolve `group` and `service`.
    pub fn validate(
        &self,
        path: &str,
        groups: &[&str],
        services: &[&str],
    ) -> Result<Fault, FieldError> {
        let p = |f: &str| format!("{path}.{f}");
        let find = |names: &[&str], name: &Option<String>, field: &str, what: &str| {
            let Some(n) = name else {
                return Err(FieldError::new(
                    path,
                    format!("{} needs `{field}`: the {what}", self.kind),
                ));
            };
            names.iter().position(|x| x == n).ok_or_else(|| {
                FieldError::new(p(field), format!("no {what} {n:?} in this scenario"))
            })
        };
        let kind = match self.kind.as_str() {
            "instance_loss" => {
                FaultKind::InstanceLoss(find(groups, &self.group, "group", "instance group")?)
            }
            "task_crash" => {
                FaultKind::TaskCrash(find(services, &self.service, "service", "service")?)
            }
            "health_check_failure" => FaultKind::HealthCheckFailure(find(
                services,
                &self.service,
                "service",
                "service",
            )?),
            other => {
                return Err(FieldError::new(
                    p("kind"),
                    format!("{other:?} is not a fault ecsim injects; use instance_loss, task_crash or health_check_failure (a registry outage is a [[registry_outages]] entry)"),
                ))
            }
        };
        let timing = match (self.at, self.every) {
            (Some(at), None) => FaultTiming::At(at),
            (None, Some(mean)) => {
                if mean < SimDuration::from_secs(1) {
                    return Err(FieldError::new(p("every"), "must be at least 1 s"));
                }
                if self.until.is_some_and(|u| u <= self.from) {
                    return Err(FieldError::new(p("until"), "must be after `from`"));
                }
                FaultTiming::Every {
                    mean,
                    from: self.from,
                    until: self.until,
                }
            }
            _ => {
                return Err(FieldError::new(
                    path,
                    "give `at` (once) or `every` (at random), not both",
                ))
            }
        };
        Ok(Fault { kind, timing })
    }
}
