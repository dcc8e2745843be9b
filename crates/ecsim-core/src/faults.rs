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
//! - `zone_outage`: an Availability Zone fails for `duration`: every instance in it is gone
//!   without notice, as in `instance_loss`, and so is every Fargate task there. Until the zone
//!   is back, Auto Scaling groups launch their replacements in their other zones (EC2 Auto
//!   Scaling launches only into healthy zones), and Fargate tasks launch in their service's
//!   other zones (or wait, if every one is down). Instances of a fixed group are not replaced, and when the zone is back nothing is moved
//!   back into it: EC2 Auto Scaling's AZ rebalancing is not modelled (docs/ecs-facts.md §12
//!   "Availability Zone outage").
//!
//! A registry outage is `registry_outages` (see `registry`).

use crate::error::FieldError;
use crate::time::SimDuration;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FaultSpec {
    /// `instance_loss`, `task_crash`, `health_check_failure` or `zone_outage`.
    pub kind: String,
    /// For `instance_loss`: the instance group (its lowest-numbered instance still up is lost).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
    /// For `task_crash` and `health_check_failure`: the service (one of its running tasks, drawn
    /// at random, crashes or hangs).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service: Option<String>,
    /// For `zone_outage`: the Availability Zone (one an instance group or a Fargate service
    /// uses).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub zone: Option<String>,
    /// For `zone_outage`: how long the zone is down.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration: Option<SimDuration>,
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

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FaultKind {
    /// The group's index.
    InstanceLoss(usize),
    /// The service's index.
    TaskCrash(usize),
    /// The service's index.
    HealthCheckFailure(usize),
    /// The zone's name, and how long it is down.
    ZoneOutage { zone: String, lasts: SimDuration },
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
    /// `groups` and `services` are the scenario's names, to resolve `group` and `service`;
    /// `zones` the Availability Zones its instance groups and Fargate services use.
    pub fn validate(
        &self,
        path: &str,
        groups: &[&str],
        services: &[&str],
        zones: &[&str],
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
        if self.kind != "zone_outage" {
            for (field, given) in [
                ("zone", self.zone.is_some()),
                ("duration", self.duration.is_some()),
            ] {
                if given {
                    return Err(FieldError::new(
                        p(field),
                        format!("only a zone_outage has `{field}`, not {:?}", self.kind),
                    ));
                }
            }
        }
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
            "zone_outage" => {
                let Some(zone) = &self.zone else {
                    return Err(FieldError::new(
                        path,
                        "zone_outage needs `zone`: the Availability Zone that fails",
                    ));
                };
                if !zones.contains(&zone.as_str()) {
                    return Err(FieldError::new(
                        p("zone"),
                        format!(
                            "no instance group or Fargate service of this scenario is in {zone:?} (its zones: {})",
                            zones.join(", ")
                        ),
                    ));
                }
                let lasts = match self.duration {
                    Some(d) if !d.is_zero() => d,
                    Some(_) => return Err(FieldError::new(p("duration"), "must be more than 0 s")),
                    None => {
                        return Err(FieldError::new(
                            path,
                            "zone_outage needs `duration`: how long the zone is down",
                        ))
                    }
                };
                FaultKind::ZoneOutage {
                    zone: zone.clone(),
                    lasts,
                }
            }
            other => {
                return Err(FieldError::new(
                    p("kind"),
                    format!("{other:?} is not a fault ecsim injects; use instance_loss, task_crash, health_check_failure or zone_outage (a registry outage is a [[registry_outages]] entry)"),
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
