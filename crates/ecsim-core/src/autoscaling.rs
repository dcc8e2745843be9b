//! Service auto scaling, as Application Auto Scaling does it for an ECS service's desired count:
//! a scalable target with min and max capacity, target tracking and step scaling policies on a
//! metric published once a minute, and scheduled actions that change min and max.
//!
//! The facts behind the defaults (docs/ecs-facts.md §6):
//! - metrics: `ECSServiceAverageCPUUtilization` (CPU used by the service's tasks ÷ the CPU they
//!   reserve, can exceed 100 %) and `ALBRequestCountPerTarget` (requests in the minute ÷ healthy
//!   targets), published every minute; `ECSServiceAverageMemoryUtilization` (memory the tasks
//!   use ÷ memory they reserve, `sim/memory.rs`) for a service whose memory use the scenario
//!   models (`[[applications]]`), its value at the minute.
//! - target tracking scales out when the metric is above the target for 3 datapoints in 3 minutes
//!   ("as fast as it can"), and in when it is below 90 % of the target for 15 datapoints in 15
//!   minutes ("usually more than 10 % lower"); the new capacity is the running count × metric ÷
//!   target, rounded up (the scaling base is the running count). Cooldowns default to 300 s each
//!   (the CDK's defaults for ECS services); scale-in waits for both the scale-out and the scale-in
//!   cooldown. Several policies: out if any says so, in only if all agree.
//! - step scaling: an alarm (threshold, comparison, datapoints) and steps relative to the
//!   threshold that change the capacity by a count, a percentage, or to an exact value; then a
//!   cooldown.

use crate::error::FieldError;
use crate::time::SimDuration;
use serde::{Deserialize, Serialize};

/// A scalable target: one service's desired count, its bounds and policies.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AutoScalingSpec {
    pub service: String,
    pub min_capacity: u32,
    pub max_capacity: u32,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub target_tracking: Vec<TargetTrackingSpec>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub step_scaling: Vec<StepScalingSpec>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub scheduled: Vec<ScheduledSpec>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TargetTrackingSpec {
    /// `ECSServiceAverageCPUUtilization` or `ALBRequestCountPerTarget`.
    pub metric: String,
    /// The metric's target: a percentage of CPU, or requests per target per minute.
    pub target: f64,
    #[serde(default = "default_cooldown")]
    pub scale_out_cooldown: SimDuration,
    #[serde(default = "default_cooldown")]
    pub scale_in_cooldown: SimDuration,
    #[serde(default)]
    pub disable_scale_in: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StepScalingSpec {
    pub metric: String,
    /// The CloudWatch alarm that triggers the policy.
    pub alarm: AlarmSpec,
    /// `ChangeInCapacity` (default), `PercentChangeInCapacity` or `ExactCapacity`.
    #[serde(default = "default_adjustment_type")]
    pub adjustment_type: String,
    /// Steps by how far the metric is from the alarm's threshold (`lower` ≤ metric − threshold
    /// < `upper`; an open end is infinite).
    pub steps: Vec<StepSpec>,
    #[serde(default = "default_cooldown")]
    pub cooldown: SimDuration,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AlarmSpec {
    pub threshold: f64,
    /// `>=`, `>`, `<=` or `<`.
    pub comparison: String,
    /// Consecutive one-minute datapoints that must breach.
    #[serde(default = "one")]
    pub datapoints: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StepSpec {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lower: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub upper: Option<f64>,
    pub adjustment: i64,
}

/// A scheduled action: from `at` on, the target's bounds are these.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScheduledSpec {
    pub at: SimDuration,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_capacity: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_capacity: Option<u32>,
}

fn default_cooldown() -> SimDuration {
    SimDuration::from_secs(300)
}
fn default_adjustment_type() -> String {
    "ChangeInCapacity".into()
}
fn one() -> u32 {
    1
}

/// The metric cadence: one datapoint a minute.
pub const PERIOD: SimDuration = SimDuration::from_secs(60);
/// Datapoints above the target before target tracking scales out, and below 90 % of it before
/// it scales in (docs/ecs-facts.md §6 "Alarm shape").
pub const HIGH_DATAPOINTS: usize = 3;
pub const LOW_DATAPOINTS: usize = 15;
pub const LOW_FRACTION: f64 = 0.9;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Metric {
    Cpu,
    Memory,
    RequestsPerTarget,
}

impl Metric {
    pub fn name(self) -> &'static str {
        match self {
            Metric::Cpu => "ECSServiceAverageCPUUtilization",
            Metric::Memory => "ECSServiceAverageMemoryUtilization",
            Metric::RequestsPerTarget => "ALBRequestCountPerTarget",
        }
    }

    fn parse(s: &str, path: &str) -> Result<Metric, FieldError> {
        match s {
            "ECSServiceAverageCPUUtilization" => Ok(Metric::Cpu),
            "ALBRequestCountPerTarget" => Ok(Metric::RequestsPerTarget),
            "ECSServiceAverageMemoryUtilization" => Ok(Metric::Memory),
            other => Err(FieldError::new(
                path,
                format!("{other:?} is not a predefined metric; use ECSServiceAverageCPUUtilization, ECSServiceAverageMemoryUtilization or ALBRequestCountPerTarget"),
            )),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct TargetTracking {
    pub metric: Metric,
    pub target: f64,
    pub scale_out_cooldown: SimDuration,
    pub scale_in_cooldown: SimDuration,
    pub disable_scale_in: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Adjustment {
    Change,
    Percent,
    Exact,
}

#[derive(Debug, Clone, PartialEq)]
pub struct StepScaling {
    pub metric: Metric,
    pub threshold: f64,
    /// The alarm breaches when the metric is above (`>`, `>=`) or below the threshold.
    pub above: bool,
    pub inclusive: bool,
    pub datapoints: usize,
    pub adjustment: Adjustment,
    pub steps: Vec<(f64, f64, i64)>,
    pub cooldown: SimDuration,
}

impl StepScaling {
    pub fn breaches(&self, m: f64) -> bool {
        match (self.above, self.inclusive) {
            (true, true) => m >= self.threshold,
            (true, false) => m > self.threshold,
            (false, true) => m <= self.threshold,
            (false, false) => m < self.threshold,
        }
    }

    /// The desired count after this policy acts on `m` from `desired` (before the bounds).
    pub fn apply(&self, m: f64, desired: u32) -> Option<u32> {
        let d = m - self.threshold;
        let &(_, _, adj) = self.steps.iter().find(|(lo, hi, _)| *lo <= d && d < *hi)?;
        let cur = desired as i64;
        let next = match self.adjustment {
            Adjustment::Change => cur + adj,
            // A percentage change of at least one task, as AWS rounds it.
            Adjustment::Percent => {
                let delta = (cur as f64 * adj as f64 / 100.0).trunc() as i64;
                cur + if delta == 0 { adj.signum() } else { delta }
            }
            Adjustment::Exact => adj,
        };
        Some(next.max(0) as u32)
    }
}

/// A validated scalable target.
#[derive(Debug, Clone, PartialEq)]
pub struct AutoScaling {
    pub service: usize,
    pub min: u32,
    pub max: u32,
    pub target_tracking: Vec<TargetTracking>,
    pub step_scaling: Vec<StepScaling>,
    pub scheduled: Vec<ScheduledSpec>,
}

/// Target tracking's new capacity: the running count × metric ÷ target, rounded up.
pub fn tracked_capacity(running: u32, metric: f64, target: f64) -> u32 {
    let want = (running as f64 * metric / target).ceil();
    if want.is_finite() {
        want.clamp(0.0, u32::MAX as f64) as u32
    } else {
        running
    }
}

impl AutoScalingSpec {
    /// `service` is the index of the named service; `has_traffic` whether it receives requests
    /// (`ALBRequestCountPerTarget` needs a load balancer), `has_memory` whether its memory use is
    /// modelled (`ECSServiceAverageMemoryUtilization` needs it).
    pub fn validate(
        &self,
        path: &str,
        service: usize,
        has_traffic: bool,
        has_memory: bool,
        max_desired: u32,
    ) -> Result<AutoScaling, FieldError> {
        let p = |f: &str| format!("{path}.{f}");
        if self.min_capacity > self.max_capacity {
            return Err(FieldError::new(
                p("min_capacity"),
                format!(
                    "{} is above max_capacity {}",
                    self.min_capacity, self.max_capacity
                ),
            ));
        }
        if self.max_capacity > max_desired {
            return Err(FieldError::new(
                p("max_capacity"),
                format!("must be at most {max_desired}"),
            ));
        }
        if self.target_tracking.is_empty()
            && self.step_scaling.is_empty()
            && self.scheduled.is_empty()
        {
            return Err(FieldError::new(
                path,
                "give at least one target_tracking or step_scaling policy, or a scheduled action",
            ));
        }
        let metric = |s: &str, at: String| {
            let m = Metric::parse(s, &at)?;
            if m == Metric::Memory && !has_memory {
                return Err(FieldError::new(
                    at,
                    format!(
                        "ECSServiceAverageMemoryUtilization needs the memory service {:?}'s tasks use: add an [[applications]] entry with memory_baseline for its task definition (ecsim knows only what they reserve otherwise)",
                        self.service
                    ),
                ));
            }
            if m == Metric::RequestsPerTarget && !has_traffic {
                return Err(FieldError::new(
                    at,
                    format!(
                        "ALBRequestCountPerTarget needs a load balancer: add [[traffic]] for service {:?}",
                        self.service
                    ),
                ));
            }
            Ok(m)
        };
        let day = SimDuration::from_secs(86_400);
        let mut target_tracking = Vec::new();
        for (i, t) in self.target_tracking.iter().enumerate() {
            let q = format!("{path}.target_tracking[{i}]");
            let m = metric(&t.metric, format!("{q}.metric"))?;
            if !(t.target.is_finite() && t.target > 0.0) {
                return Err(FieldError::new(format!("{q}.target"), "must be above 0"));
            }
            for (f, v) in [
                ("scale_out_cooldown", t.scale_out_cooldown),
                ("scale_in_cooldown", t.scale_in_cooldown),
            ] {
                if v > day {
                    return Err(FieldError::new(format!("{q}.{f}"), "must be at most 1 day"));
                }
            }
            target_tracking.push(TargetTracking {
                metric: m,
                target: t.target,
                scale_out_cooldown: t.scale_out_cooldown,
                scale_in_cooldown: t.scale_in_cooldown,
                disable_scale_in: t.disable_scale_in,
            });
        }
        let mut step_scaling = Vec::new();
        for (i, s) in self.step_scaling.iter().enumerate() {
            let q = format!("{path}.step_scaling[{i}]");
            let m = metric(&s.metric, format!("{q}.metric"))?;
            let (above, inclusive) = match s.alarm.comparison.as_str() {
                ">=" => (true, true),
                ">" => (true, false),
                "<=" => (false, true),
                "<" => (false, false),
                other => {
                    return Err(FieldError::new(
                        format!("{q}.alarm.comparison"),
                        format!("{other:?} is not a comparison; use >=, >, <= or <"),
                    ))
                }
            };
            if !s.alarm.threshold.is_finite() {
                return Err(FieldError::new(
                    format!("{q}.alarm.threshold"),
                    "must be a number",
                ));
            }
            if !(1..=60).contains(&s.alarm.datapoints) {
                return Err(FieldError::new(
                    format!("{q}.alarm.datapoints"),
                    "must be in 1..=60",
                ));
            }
            let adjustment = match s.adjustment_type.as_str() {
                "ChangeInCapacity" => Adjustment::Change,
                "PercentChangeInCapacity" => Adjustment::Percent,
                "ExactCapacity" => Adjustment::Exact,
                other => {
                    return Err(FieldError::new(
                        format!("{q}.adjustment_type"),
                        format!(
                        "{other:?}: use ChangeInCapacity, PercentChangeInCapacity or ExactCapacity"
                    ),
                    ))
                }
            };
            if s.steps.is_empty() {
                return Err(FieldError::new(
                    format!("{q}.steps"),
                    "give at least one step",
                ));
            }
            let mut steps: Vec<(f64, f64, i64)> = Vec::new();
            for (k, st) in s.steps.iter().enumerate() {
                let lo = st.lower.unwrap_or(f64::NEG_INFINITY);
                let hi = st.upper.unwrap_or(f64::INFINITY);
                if lo.is_nan() || hi.is_nan() || lo >= hi {
                    return Err(FieldError::new(
                        format!("{q}.steps[{k}]"),
                        "lower must be below upper",
                    ));
                }
                if steps.iter().any(|&(l, h, _)| lo < h && l < hi) {
                    return Err(FieldError::new(
                        format!("{q}.steps[{k}]"),
                        "overlaps another step",
                    ));
                }
                steps.push((lo, hi, st.adjustment));
            }
            if s.cooldown > day {
                return Err(FieldError::new(
                    format!("{q}.cooldown"),
                    "must be at most 1 day",
                ));
            }
            step_scaling.push(StepScaling {
                metric: m,
                threshold: s.alarm.threshold,
                above,
                inclusive,
                datapoints: s.alarm.datapoints as usize,
                adjustment,
                steps,
                cooldown: s.cooldown,
            });
        }
        for (i, a) in self.scheduled.iter().enumerate() {
            let q = format!("{path}.scheduled[{i}]");
            if a.min_capacity.is_none() && a.max_capacity.is_none() {
                return Err(FieldError::new(
                    q,
                    "give min_capacity, max_capacity or both",
                ));
            }
            if let (Some(lo), Some(hi)) = (a.min_capacity, a.max_capacity) {
                if lo > hi {
                    return Err(FieldError::new(
                        format!("{q}.min_capacity"),
                        format!("{lo} is above max_capacity {hi}"),
                    ));
                }
            }
            if a.max_capacity.unwrap_or(0) > max_desired
                || a.min_capacity.unwrap_or(0) > max_desired
            {
                return Err(FieldError::new(
                    q,
                    format!("capacities must be at most {max_desired}"),
                ));
            }
        }
        Ok(AutoScaling {
            service,
            min: self.min_capacity,
            max: self.max_capacity,
            target_tracking,
            step_scaling,
            scheduled: self.scheduled.clone(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn target_tracking_rounds_up_from_the_running_count() {
        assert_eq!(tracked_capacity(4, 90.0, 60.0), 6);
        assert_eq!(tracked_capacity(4, 61.0, 60.0), 5);
        assert_eq!(tracked_capacity(10, 30.0, 60.0), 5);
        assert_eq!(tracked_capacity(0, 90.0, 60.0), 0);
    }

    #[test]
    fn steps_are_relative_to_the_threshold() {
        let s = StepScaling {
            metric: Metric::Cpu,
            threshold: 70.0,
            above: true,
            inclusive: true,
            datapoints: 1,
            adjustment: Adjustment::Change,
            steps: vec![(0.0, 15.0, 1), (15.0, f64::INFINITY, 3)],
            cooldown: SimDuration::from_secs(60),
        };
        assert!(s.breaches(70.0) && !s.breaches(69.9));
        assert_eq!(s.apply(75.0, 4), Some(5));
        assert_eq!(s.apply(95.0, 4), Some(7));
        assert_eq!(s.apply(60.0, 4), None);
        let pct = StepScaling {
            adjustment: Adjustment::Percent,
            steps: vec![(0.0, f64::INFINITY, 50)],
            ..s.clone()
        };
        assert_eq!(pct.apply(80.0, 4), Some(6));
        assert_eq!(pct.apply(80.0, 1), Some(2), "at least one task");
        let exact = StepScaling {
            adjustment: Adjustment::Exact,
            steps: vec![(0.0, f64::INFINITY, 9)],
            ..s
        };
        assert_eq!(exact.apply(80.0, 4), Some(9));
    }

    #[test]
    fn bad_policies_are_refused_with_their_field() {
        let spec = |extra: &str| -> AutoScalingSpec {
            toml::from_str(&format!(
                "service = \"web\"\nmin_capacity = 1\nmax_capacity = 4\n{extra}"
            ))
            .expect("parses")
        };
        let err = |s: AutoScalingSpec, traffic: bool| {
            s.validate("auto_scaling[0]", 0, traffic, false, 100)
                .unwrap_err()
        };
        let e = err(spec("target_tracking = [{ metric = \"ECSServiceAverageMemoryUtilization\", target = 70 }]"), true);
        assert_eq!(e.path, "auto_scaling[0].target_tracking[0].metric");
        assert!(e.message.contains("add an [[applications]] entry"), "{e}");
        let e = err(
            spec("target_tracking = [{ metric = \"ALBRequestCountPerTarget\", target = 1000 }]"),
            false,
        );
        assert!(e.message.contains("needs a load balancer"), "{e}");
        let e = err(spec(""), true);
        assert_eq!(e.path, "auto_scaling[0]");
        let e = err(spec("step_scaling = [{ metric = \"ECSServiceAverageCPUUtilization\", alarm = { threshold = 70, comparison = \">=\" }, steps = [{ lower = 0, adjustment = 1 }, { lower = 10, adjustment = 2 }] }]"), true);
        assert_eq!(e.path, "auto_scaling[0].step_scaling[0].steps[1]");
        let mut s = spec(
            "target_tracking = [{ metric = \"ECSServiceAverageCPUUtilization\", target = 60 }]",
        );
        s.min_capacity = 5;
        assert_eq!(err(s, true).path, "auto_scaling[0].min_capacity");
    }
}
