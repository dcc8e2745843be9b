//! Injecting the scenario's faults (`crate::faults`): planning them, once or at random, and
//! striking: an instance lost, a task crashed, an Availability Zone down for a while.

use super::{Event, Simulation};
use crate::faults::{FaultKind, FaultTiming};
use crate::instance::InstanceState;
use crate::log::LogKind;
use crate::rng::Stream;
use crate::task::TaskState;
use crate::time::{SimDuration, SimTime};

/// The faults' state in a run: one random stream per fault, in the scenario's order.
#[derive(Debug, Clone, Default)]
pub(super) struct Faults {
    pub(super) rngs: Vec<Stream>,
    /// Availability Zones down, each until the end of its latest outage.
    zones_down: Vec<(String, SimTime)>,
}

impl Faults {
    /// Whether an outage holds the zone now.
    pub(super) fn zone_down(&self, zone: &str) -> bool {
        self.zones_down.iter().any(|(z, _)| z == zone)
    }
}

impl Simulation {
    /// One stream per fault, and each fault's first time.
    pub(super) fn init_faults(&mut self) {
        // A fault's stream is named by what it strikes, not by its place in the list, so adding
        // or reordering faults leaves the others' draws alone (docs/determinism.md). Faults of
        // the same kind on the same target are told apart by their order among themselves.
        let keys: Vec<String> = self
            .sc
            .faults
            .iter()
            .map(|f| self.fault_key(&f.kind))
            .collect();
        self.faults.rngs = keys
            .iter()
            .enumerate()
            .map(|(i, key)| {
                let twin = keys[..i].iter().filter(|k| *k == key).count();
                Stream::new(self.seed, &format!("faults/{key}/{twin}"))
            })
            .collect();
        for i in 0..self.sc.faults.len() {
            match self.sc.faults[i].timing {
                FaultTiming::At(at) => self.engine.schedule(
                    SimTime::ZERO + at,
                    Event::Fault {
                        index: crate::units::FaultId(i as u32),
                    },
                ),
                FaultTiming::Every { from, .. } => self.plan_fault(i, SimTime::ZERO + from),
            }
        }
    }

    fn fault_key(&self, kind: &FaultKind) -> String {
        match kind {
            FaultKind::InstanceLoss(g) => format!("instance_loss/{}", self.sc.groups[*g].name),
            FaultKind::TaskCrash(s) => format!("task_crash/{}", self.sc.services[*s].name),
            FaultKind::HealthCheckFailure(s) => {
                format!("health_check_failure/{}", self.sc.services[*s].name)
            }
            FaultKind::ZoneOutage { zone, .. } => format!("zone_outage/{zone}"),
        }
    }

    /// The next random fault after `after`, if it falls before its `until` and the end.
    fn plan_fault(&mut self, i: usize, after: SimTime) {
        let FaultTiming::Every { mean, until, .. } = self.sc.faults[i].timing else {
            return;
        };
        let gap = self.faults.rngs[i].exponential(mean.as_secs_f64());
        let at = after + SimDuration::from_secs_f64(gap);
        let last = until.map_or(self.engine.end(), |u| {
            (SimTime::ZERO + u).min(self.engine.end())
        });
        if at <= last {
            self.engine.schedule(
                at,
                Event::Fault {
                    index: crate::units::FaultId(i as u32),
                },
            );
        }
    }

    pub(super) fn fault(&mut self, i: usize) {
        match self.sc.faults[i].kind.clone() {
            FaultKind::InstanceLoss(g) => {
                let host = self
                    .instances
                    .iter()
                    .find(|h| {
                        h.group == g
                            && matches!(
                                h.state,
                                InstanceState::Active
                                    | InstanceState::Draining
                                    | InstanceState::Pending
                            )
                    })
                    .map(|h| h.id);
                match host {
                    Some(h) => self.instance_terminated(h, "lost: a host failure"),
                    None => {
                        let msg = format!(
                            "fault {i}: no instance of group {} left to lose",
                            self.sc.groups[g].name
                        );
                        self.push_log(LogKind::Fault, None, None, None, msg);
                    }
                }
            }
            FaultKind::TaskCrash(si) => {
                if let Some(t) = self.fault_victim(i, si, "crash") {
                    self.stop(t, super::StopCause::Crashed);
                    self.service_retry(crate::units::ServiceId(si as u32));
                }
            }
            FaultKind::HealthCheckFailure(si) => {
                if let Some(t) = self.fault_victim(i, si, "hang") {
                    let name = self.task_name(t);
                    let svc = self.sc.services[si].name.clone();
                    let host = self.tasks[t.index()].host;
                    let msg = format!(
                        "task {name}: its application hangs; requests and health checks to it fail"
                    );
                    self.push_log(LogKind::Fault, Some(svc), Some(t), host, msg);
                    self.hang(t);
                }
            }
            FaultKind::ZoneOutage { zone, lasts } => self.zone_fails(i, zone, lasts),
        }
        if matches!(self.sc.faults[i].timing, FaultTiming::Every { .. }) {
            self.plan_fault(i, self.engine.now());
        }
    }

    /// A running task of the service, drawn at random, that `fault i` strikes (`what` it does
    /// to it, for the log when there is none).
    fn fault_victim(&mut self, i: usize, si: usize, what: &str) -> Option<crate::units::TaskId> {
        let running: Vec<_> = self.services[si]
            .live
            .iter()
            .copied()
            .filter(|t| {
                self.tasks[t.index()].state == TaskState::Running
                    && !self.requests.loads[t.index()].hung
            })
            .collect();
        if running.is_empty() {
            let msg = format!(
                "fault {i}: service {} has no running task to {what}",
                self.sc.services[si].name
            );
            self.push_log(LogKind::Fault, None, None, None, msg);
            return None;
        }
        Some(running[self.faults.rngs[i].below(running.len() as u64) as usize])
    }

    /// Zone outage `i` strikes: the zone is down until `lasts` from now, and everything in it
    /// is gone.
    fn zone_fails(&mut self, i: usize, zone: String, lasts: SimDuration) {
        let until = self.engine.now() + lasts;
        match self.faults.zones_down.iter_mut().find(|(z, _)| *z == zone) {
            Some((_, u)) => *u = (*u).max(until),
            None => self.faults.zones_down.push((zone.clone(), until)),
        }
        self.engine.schedule(
            until,
            Event::ZoneBack {
                index: crate::units::FaultId(i as u32),
            },
        );
        let msg = format!(
            "fault {i}: Availability Zone {zone} fails for {lasts}: its instances and Fargate tasks are gone"
        );
        self.push_log(LogKind::Fault, None, None, None, msg);
        let hosts: Vec<_> = self
            .instances
            .iter()
            .filter(|h| h.in_service() && h.attributes.get("ecs.availability-zone") == Some(&zone))
            .map(|h| h.id)
            .collect();
        for h in hosts {
            self.instance_terminated(h, &format!("lost: Availability Zone {zone} failed"));
        }
        self.fargate_zone_fails(&zone);
    }

    /// Zone outage `i` is over, unless a later outage of the same zone still holds it: Auto
    /// Scaling groups that could not launch anywhere fill up, and waiting tasks are placed.
    pub(super) fn zone_back(&mut self, i: usize) {
        let FaultKind::ZoneOutage { zone, .. } = &self.sc.faults[i].kind else {
            return;
        };
        let now = self.engine.now();
        let Some(k) = self
            .faults
            .zones_down
            .iter()
            .position(|(z, until)| z == zone && *until <= now)
        else {
            return;
        };
        let (zone, _) = self.faults.zones_down.swap_remove(k);
        let msg = format!("Availability Zone {zone} is back");
        self.push_log(LogKind::Fault, None, None, None, msg);
        for g in 0..self.sc.groups.len() {
            self.asg_fill(g, &format!("{zone} is back"));
        }
        self.fargate_zone_back();
        self.schedule_retry();
    }
}
