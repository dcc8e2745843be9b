//! EC2 capacity providers: an Auto Scaling group that services ask for by name in their
//! `capacityProviderStrategy`, and ECS managed scaling ("cluster auto scaling"), which sets the
//! group's desired capacity from the `CapacityProviderReservation` metric.
//!
//! The facts behind the model (docs/ecs-facts.md §6):
//! - Every minute ECS computes M, the instances the provider's tasks need, and N, the instances
//!   in the group; the metric is M ÷ N × 100 (200 when N = 0 and M > 0). With tasks waiting in
//!   PROVISIONING, M = N plus a binpack estimate of the instances the waiting tasks need,
//!   at least `minimumScalingStepSize` and at most `maximumScalingStepSize` (defaults 1 and
//!   10 000). Without, M is the number of instances running at least one task.
//! - The group's target tracking policy holds the metric at `targetCapacity` (default 100 %;
//!   90 leaves 10 % spare): its desired capacity becomes ⌈M × 100 ÷ targetCapacity⌉, within the
//!   group's min and max. It scales out on one datapoint (AWS containers blog, "Deep dive on
//!   Amazon ECS cluster auto scaling", 2020: the scale-out alarm needs 1 datapoint, the scale-in
//!   alarm 15), and in only after 15 datapoints in 15 minutes below the target, by at most 50 %
//!   of the group a minute; a scale-out resets the count.
//! - A newly launched instance is warming up for `instanceWarmupPeriod` (default 300 s): it
//!   counts as needed (never as empty), and the tasks waiting for the provider are assumed to go
//!   to the instances still booting before more are asked for, so one burst of waiting tasks is
//!   not counted twice.
//! - Managed termination protection (off by default, needs managed scaling): instances running
//!   tasks are protected from scale-in, so only empty instances are terminated. Without it the
//!   group picks instances as EC2 Auto Scaling does — the zone with the most instances first;
//!   ecsim then takes the most recently launched (AWS's later tie-breaks, "closest to the next
//!   billing hour" and random, mean nothing with per-second billing) — and their tasks die.
//! - Tasks wait in PROVISIONING for up to 300 per cluster on ASG providers (not enforced).

use crate::error::FieldError;
use crate::time::SimDuration;
use crate::units::{CpuUnits, MiB};
use serde::{Deserialize, Serialize};

/// `aws ecs create-capacity-provider`, in ecsim's snake_case.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CapacityProviderSpec {
    pub name: String,
    /// The instance group (Auto Scaling group) it launches instances in.
    pub auto_scaling_group: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub managed_scaling: Option<ManagedScalingSpec>,
    #[serde(default)]
    pub managed_termination_protection: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ManagedScalingSpec {
    /// `ENABLED` (the default once the table is given) or `DISABLED`.
    #[serde(default = "enabled")]
    pub status: String,
    #[serde(default = "hundred")]
    pub target_capacity: u32,
    #[serde(default = "one")]
    pub minimum_scaling_step_size: u32,
    #[serde(default = "max_step")]
    pub maximum_scaling_step_size: u32,
    #[serde(default = "warmup")]
    pub instance_warmup_period: SimDuration,
}

fn enabled() -> String {
    "ENABLED".into()
}
fn hundred() -> u32 {
    100
}
fn one() -> u32 {
    1
}
fn max_step() -> u32 {
    MAX_STEP
}
fn warmup() -> SimDuration {
    SimDuration::from_secs(300)
}

/// docs/ecs-facts.md §6: step sizes are 1..=10 000; warm-up 0..=10 000 s.
const MAX_STEP: u32 = 10_000;
const MAX_WARMUP: SimDuration = SimDuration::from_secs(10_000);
/// Minutes below the target before the group scales in (docs/ecs-facts.md §6 "CAS scale-in").
pub const SCALE_IN_DATAPOINTS: u32 = 15;
/// How often ECS computes the reservation.
pub const PERIOD: SimDuration = SimDuration::from_secs(60);

/// A validated capacity provider.
#[derive(Debug, Clone, PartialEq)]
pub struct CapacityProvider {
    pub name: String,
    /// Index of its instance group.
    pub group: usize,
    pub scaling: Option<ManagedScaling>,
    pub termination_protection: bool,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ManagedScaling {
    pub target_capacity: u32,
    pub min_step: u32,
    pub max_step: u32,
    pub warmup: SimDuration,
}

impl CapacityProviderSpec {
    /// Checks it against the instance groups (by name) and the providers before it.
    pub fn validate(
        &self,
        path: &str,
        groups: &[&str],
        before: &[CapacityProvider],
    ) -> Result<CapacityProvider, FieldError> {
        let p = |f: &str| format!("{path}.{f}");
        if self.name.trim().is_empty() {
            return Err(FieldError::new(p("name"), "must not be empty"));
        }
        if self.name.starts_with("FARGATE") || self.name.starts_with("aws") {
            return Err(FieldError::new(
                p("name"),
                format!(
                    "{:?}: names starting with FARGATE or aws are reserved by ECS",
                    self.name
                ),
            ));
        }
        if before.iter().any(|o| o.name == self.name) {
            return Err(FieldError::new(
                p("name"),
                format!("{:?} names two capacity providers", self.name),
            ));
        }
        let Some(group) = groups.iter().position(|g| *g == self.auto_scaling_group) else {
            return Err(FieldError::new(
                p("auto_scaling_group"),
                format!(
                    "{:?} is not an instance group; known: {}",
                    self.auto_scaling_group,
                    groups.join(", ")
                ),
            ));
        };
        if let Some(o) = before.iter().find(|o| o.group == group) {
            return Err(FieldError::new(
                p("auto_scaling_group"),
                format!(
                    "{:?} is already the group of capacity provider {:?}; ECS gives a group one provider",
                    self.auto_scaling_group, o.name
                ),
            ));
        }
        let scaling = match &self.managed_scaling {
            None => None,
            Some(m) => m.validate(&p("managed_scaling"))?,
        };
        if self.managed_termination_protection && scaling.is_none() {
            return Err(FieldError::new(
                p("managed_termination_protection"),
                "needs managed scaling (ECS refuses managed termination protection without it)",
            ));
        }
        Ok(CapacityProvider {
            name: self.name.clone(),
            group,
            scaling,
            termination_protection: self.managed_termination_protection,
        })
    }
}

impl ManagedScalingSpec {
    fn validate(&self, path: &str) -> Result<Option<ManagedScaling>, FieldError> {
        let p = |f: &str| format!("{path}.{f}");
        match self.status.as_str() {
            "ENABLED" => {}
            "DISABLED" => return Ok(None),
            other => {
                return Err(FieldError::new(
                    p("status"),
                    format!("{other:?}: use ENABLED or DISABLED"),
                ))
            }
        }
        if !(1..=100).contains(&self.target_capacity) {
            return Err(FieldError::new(p("target_capacity"), "must be 1..=100 (%)"));
        }
        for (f, v) in [
            ("minimum_scaling_step_size", self.minimum_scaling_step_size),
            ("maximum_scaling_step_size", self.maximum_scaling_step_size),
        ] {
            if !(1..=MAX_STEP).contains(&v) {
                return Err(FieldError::new(p(f), format!("must be 1..={MAX_STEP}")));
            }
        }
        if self.maximum_scaling_step_size < self.minimum_scaling_step_size {
            return Err(FieldError::new(
                p("maximum_scaling_step_size"),
                format!(
                    "{} is below minimum_scaling_step_size ({})",
                    self.maximum_scaling_step_size, self.minimum_scaling_step_size
                ),
            ));
        }
        if self.instance_warmup_period > MAX_WARMUP {
            return Err(FieldError::new(
                p("instance_warmup_period"),
                format!("must be at most {MAX_WARMUP}"),
            ));
        }
        Ok(Some(ManagedScaling {
            target_capacity: self.target_capacity,
            min_step: self.minimum_scaling_step_size,
            max_step: self.maximum_scaling_step_size,
            warmup: self.instance_warmup_period,
        }))
    }
}

/// What a fresh instance of the group offers a task.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Room {
    pub cpu: CpuUnits,
    pub memory: MiB,
    /// ENIs for `awsvpc` tasks.
    pub enis: u32,
}

/// What a waiting task needs.
#[derive(Debug, Clone, PartialEq)]
pub struct Need {
    pub cpu: CpuUnits,
    pub memory: MiB,
    pub eni: bool,
    /// Static host ports: two tasks with the same one cannot share an instance.
    pub static_ports: Vec<u16>,
}

/// ECS's estimate of the fresh instances `tasks` need: first fit, largest CPU first. A task
/// that fits no fresh instance at all is left out (no number of instances would hold it).
pub fn instances_needed(room: Room, tasks: &[Need]) -> u32 {
    let mut order: Vec<&Need> = tasks.iter().collect();
    order.sort_by(|a, b| b.cpu.0.cmp(&a.cpu.0).then(b.memory.0.cmp(&a.memory.0)));
    let mut bins: Vec<(Room, Vec<u16>)> = Vec::new();
    for n in order {
        let fits = |r: &Room, ports: &[u16]| {
            r.cpu.0 >= n.cpu.0
                && r.memory.0 >= n.memory.0
                && (!n.eni || r.enis > 0)
                && n.static_ports.iter().all(|p| !ports.contains(p))
        };
        if !fits(&room, &[]) {
            continue;
        }
        let k = match bins.iter().position(|(r, ports)| fits(r, ports)) {
            Some(k) => k,
            None => {
                bins.push((room, Vec::new()));
                bins.len() - 1
            }
        };
        let (r, ports) = &mut bins[k];
        r.cpu = CpuUnits(r.cpu.0 - n.cpu.0);
        r.memory = MiB(r.memory.0 - n.memory.0);
        if n.eni {
            r.enis -= 1;
        }
        ports.extend_from_slice(&n.static_ports);
    }
    bins.len() as u32
}

/// The group as ECS sees it at the minute.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GroupView {
    /// N: instances launched and not terminated (booting ones included).
    pub in_service: u32,
    /// Instances running at least one task, or still warming up.
    pub busy: u32,
    /// Instances launched but not yet registered.
    pub booting: u32,
    /// Fresh instances the provider's waiting tasks need (`instances_needed`); 0 when none wait.
    pub waiting_need: u32,
    pub waiting_tasks: u32,
}

/// One minute's computation: the metric and the capacity the group's policy asks for.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Reservation {
    /// M.
    pub needed: u32,
    /// `CapacityProviderReservation`, %.
    pub pct: f64,
    /// ⌈M × 100 ÷ targetCapacity⌉, before the group's min and max.
    pub desired: u32,
}

pub fn reservation(ms: &ManagedScaling, g: GroupView) -> Reservation {
    let n = g.in_service;
    let needed = if g.waiting_tasks > 0 {
        // The instances still booting will take waiting tasks first.
        let more = g.waiting_need.saturating_sub(g.booting);
        if more == 0 {
            n.max(g.busy)
        } else {
            n + more.clamp(ms.min_step, ms.max_step)
        }
    } else {
        g.busy
    };
    let pct = if n == 0 {
        if needed > 0 {
            200.0
        } else {
            100.0
        }
    } else {
        needed as f64 * 100.0 / n as f64
    };
    let desired = (needed as u64 * 100).div_ceil(ms.target_capacity as u64) as u32;
    Reservation {
        needed,
        pct,
        desired,
    }
}

/// The group's next desired capacity after a scale-in decision: the policy's ask, but not
/// below half the group (docs/ecs-facts.md §6 "CAS scale-in") nor the group's minimum.
pub fn scale_in_to(in_service: u32, asked: u32, min_size: u32) -> u32 {
    asked.max(in_service / 2).max(min_size).min(in_service)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(target: u32) -> ManagedScaling {
        ManagedScaling {
            target_capacity: target,
            min_step: 1,
            max_step: 10_000,
            warmup: SimDuration::from_secs(300),
        }
    }

    fn need(cpu: u32, mem: u32) -> Need {
        Need {
            cpu: CpuUnits(cpu),
            memory: MiB(mem),
            eni: false,
            static_ports: Vec::new(),
        }
    }

    const ROOM: Room = Room {
        cpu: CpuUnits(2048),
        memory: MiB(3700),
        enis: 2,
    };

    #[test]
    fn binpack_counts_by_the_tightest_resource() {
        // 8 × 512 CPU: 4 per instance by CPU.
        assert_eq!(instances_needed(ROOM, &vec![need(512, 256); 8]), 2);
        // 5 × 1000 MiB: 3 per instance by memory.
        assert_eq!(instances_needed(ROOM, &vec![need(128, 1000); 5]), 2);
        // A task bigger than any instance needs none of them.
        assert_eq!(instances_needed(ROOM, &[need(4096, 100)]), 0);
        assert_eq!(instances_needed(ROOM, &[]), 0);
    }

    #[test]
    fn binpack_keeps_static_ports_and_enis_apart() {
        let web = Need {
            static_ports: vec![80],
            ..need(256, 256)
        };
        assert_eq!(instances_needed(ROOM, &vec![web; 3]), 3);
        let eni = Need {
            eni: true,
            ..need(256, 256)
        };
        assert_eq!(instances_needed(ROOM, &vec![eni; 5]), 3);
    }

    #[test]
    fn reservation_follows_the_documented_formula() {
        let g = GroupView {
            in_service: 4,
            busy: 3,
            booting: 0,
            waiting_need: 0,
            waiting_tasks: 0,
        };
        let r = reservation(&ms(100), g);
        assert_eq!((r.needed, r.pct, r.desired), (3, 75.0, 3));
        // Target 75 %: 3 busy instances want a fourth spare.
        assert_eq!(reservation(&ms(75), g).desired, 4);
        // No instance, tasks waiting: 200 %.
        let empty = GroupView {
            in_service: 0,
            busy: 0,
            booting: 0,
            waiting_need: 2,
            waiting_tasks: 5,
        };
        let r = reservation(&ms(100), empty);
        assert_eq!((r.needed, r.pct, r.desired), (2, 200.0, 2));
    }

    #[test]
    fn step_sizes_and_booting_instances_bound_a_scale_out() {
        let g = GroupView {
            in_service: 2,
            busy: 2,
            booting: 0,
            waiting_need: 7,
            waiting_tasks: 20,
        };
        let capped = ManagedScaling {
            max_step: 3,
            ..ms(100)
        };
        assert_eq!(reservation(&capped, g).needed, 5);
        let at_least = ManagedScaling {
            min_step: 10,
            max_step: 20,
            ..ms(100)
        };
        assert_eq!(reservation(&at_least, g).needed, 12);
        // Two of the seven are booting already: five more.
        let booting = GroupView {
            in_service: 4,
            booting: 2,
            ..g
        };
        assert_eq!(reservation(&ms(100), booting).needed, 9);
        // All seven booting: nothing more.
        let all = GroupView {
            in_service: 9,
            busy: 9,
            booting: 7,
            ..g
        };
        assert_eq!(reservation(&ms(100), all).needed, 9);
    }

    #[test]
    fn scale_in_halves_at_most() {
        assert_eq!(scale_in_to(10, 1, 0), 5);
        assert_eq!(scale_in_to(4, 3, 0), 3);
        assert_eq!(scale_in_to(4, 0, 1), 2);
        assert_eq!(scale_in_to(1, 0, 0), 0);
        assert_eq!(scale_in_to(6, 0, 4), 4);
    }
}
