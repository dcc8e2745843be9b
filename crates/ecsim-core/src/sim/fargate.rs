//! Fargate tasks in the run: launch through the token bucket into one of the service's zones,
//! provisioning, a host of their own for the pull, Spot interruptions, a zone's failure, and
//! billing (the rules and numbers are in `crate::fargate`). A task goes to the zone, among those
//! up, with the fewest of its service's tasks, as ECS spreads Fargate tasks over the subnets'
//! zones (docs/ecs-facts.md §12 "Availability Zone outage").

use super::event::TaskEvent;
use super::pulls::Net;
use super::{Event, Simulation};
use crate::image_cache::ImageCache;
use crate::log::LogKind;
use crate::rng::Stream;
use crate::scenario::Capacity;
use crate::task::TaskState;
use crate::time::{SimDuration, SimTime};
use crate::units::TaskId;

/// Fargate's state in a run: the launch throttle, the tasks being billed, and the final bills of
/// those that stopped.
#[derive(Debug, Clone)]
pub(super) struct FargateState {
    pub(super) bucket: crate::fargate::TokenBucket,
    pub(super) live: std::collections::BTreeSet<TaskId>,
    pub(super) cost_closed: f64,
    /// Tasks that could not launch because every zone of their service was down, oldest first.
    zone_waiting: Vec<TaskId>,
}

impl FargateState {
    pub(super) fn new(bucket: crate::fargate::TokenBucket) -> Self {
        FargateState {
            bucket,
            live: Default::default(),
            cost_closed: 0.0,
            zone_waiting: Vec::new(),
        }
    }
}

impl Simulation {
    /// A Fargate task is wanted: its launch passes the token bucket, then its capacity and ENI
    /// are provisioned (PROVISIONING).
    pub(super) fn fargate_launch(&mut self, t: TaskId) {
        let si = self.tasks[t.index()].service.index();
        let Some(zone) = self.fargate_zone_for(si) else {
            self.fargate.zone_waiting.push(t);
            let name = self.task_name(t);
            let svc = self.sc.services[si].name.clone();
            let msg = format!(
                "task {name} cannot launch: every Availability Zone of service {svc} is down; it waits for one to come back"
            );
            self.push_log(LogKind::FargateProvisioning, Some(svc), Some(t), None, msg);
            return;
        };
        self.tasks[t.index()].fargate_zone = Some(zone);
        self.services[si].fargate_in_zone[zone as usize] += 1;
        let admitted = self.fargate.bucket.admit(self.engine.now());
        let d = self
            .sc
            .spec
            .model
            .fargate
            .provisioning
            .sample(&mut self.services[si].streams.fargate);
        let generation = self.tasks[t.index()].generation;
        self.engine.schedule(
            admitted + d,
            Event::task(t, generation, TaskEvent::FargateReady),
        );
        if self.log.has_room() {
            let name = self.task_name(t);
            let svc = self.sc.services[si].name.clone();
            let throttled = admitted.since(self.engine.now());
            let wait = if throttled.is_zero() {
                String::new()
            } else {
                format!(
                    " after {:.2} s in the launch throttle",
                    throttled.as_secs_f64()
                )
            };
            let kind = match self.tasks[t.index()].capacity {
                Capacity::FargateSpot => "Fargate Spot",
                _ => "Fargate",
            };
            let msg = format!(
                "task {name} PROVISIONING on {kind} in {}{wait}: capacity and ENI ready in {:.1} s",
                self.sc.services[si].zones[zone as usize],
                d.as_secs_f64()
            );
            self.push_log(LogKind::FargateProvisioning, Some(svc), Some(t), None, msg);
        }
    }

    /// The task's Fargate host is ready: PENDING while it pulls its whole image (no cache), billed
    /// from now.
    pub(super) fn fargate_ready(&mut self, t: TaskId) {
        let net = crate::units::NetId(self.pulls.nets.len() as u32);
        let m = &self.sc.spec.model.fargate;
        // A Fargate task's host is its own: so is the stream its pulls draw from.
        let rng = Stream::new(self.seed, &format!("pulls/fargate/{}", self.task_name(t)));
        self.pulls.nets.push(Net::new(
            ImageCache::new(&self.sc.images),
            m.pull_mb_per_s,
            f64::INFINITY,
            rng,
        ));
        self.move_task(t, TaskState::Pending);
        self.placed_now(t);
        let task = &mut self.tasks[t.index()];
        task.net = Some(net);
        task.billed_from = Some(self.engine.now());
        self.fargate.live.insert(t);
        if task.capacity == Capacity::FargateSpot {
            let rate = self.sc.spec.model.fargate.spot_interruptions_per_hour;
            if rate > 0.0 {
                let si = task.service.index();
                let hours = self.services[si].streams.fargate.exponential(1.0 / rate);
                let generation = task.generation;
                self.engine.schedule(
                    self.engine.now() + SimDuration::from_secs_f64(hours * 3600.0),
                    Event::task(t, generation, TaskEvent::SpotInterruption),
                );
            }
        }
        self.start_task_pulls(t);
    }

    /// Fargate Spot reclaims the task's capacity: a two-minute warning (SIGTERM now, docs/ecs-facts.md §7
    /// "Fargate Spot"); the task stops within its stop timeout and the service replaces it.
    pub(super) fn spot_interruption(&mut self, t: TaskId) {
        let si = self.tasks[t.index()].service.index();
        self.services[si].spot_interrupted += 1;
        let name = self.task_name(t);
        let svc = self.sc.services[si].name.clone();
        let msg = format!(
            "task {name}: Fargate Spot interruption, two-minute warning; stopping (SpotInterruption)"
        );
        self.push_log(LogKind::SpotInterruption, Some(svc), Some(t), None, msg);
        self.stop(t, super::StopCause::SpotInterruption);
        self.service_retry(self.tasks[t.index()].service);
    }

    /// The zone, among service `si`'s that are up, with the fewest of its live Fargate tasks
    /// (ties to the first listed); `None` when every one is down.
    fn fargate_zone_for(&self, si: usize) -> Option<u8> {
        let zones = &self.sc.services[si].zones;
        (0..zones.len())
            .filter(|&k| !self.faults.zone_down(&zones[k]))
            .min_by_key(|&k| self.services[si].fargate_in_zone[k])
            .map(|k| k as u8)
    }

    /// `zone` failed: the Fargate tasks there stop with it, and their services replace them in
    /// their other zones.
    pub(super) fn fargate_zone_fails(&mut self, zone: &str) {
        for si in 0..self.sc.services.len() {
            let Some(k) = self.sc.services[si].zones.iter().position(|z| z == zone) else {
                continue;
            };
            let struck: Vec<TaskId> = self.services[si]
                .live
                .iter()
                .copied()
                .filter(|t| self.tasks[t.index()].fargate_zone == Some(k as u8))
                .collect();
            if struck.is_empty() {
                continue;
            }
            for t in struck {
                self.stop(t, super::StopCause::ZoneLost);
            }
            self.service_retry(crate::units::ServiceId(si as u32));
        }
    }

    /// A zone is back: the tasks that waited for one launch.
    pub(super) fn fargate_zone_back(&mut self) {
        let waiting = std::mem::take(&mut self.fargate.zone_waiting);
        for t in waiting {
            let task = &self.tasks[t.index()];
            if task.state == TaskState::Provisioning && task.fargate_zone.is_none() {
                self.fargate_launch(t);
            }
        }
    }

    /// A Fargate task stopped at `now`: its bill is final.
    pub(super) fn fargate_stopped(&mut self, t: TaskId) {
        if self.fargate.live.remove(&t) {
            self.fargate.cost_closed += self.fargate_task_cost(t, self.engine.now());
            // Its host is gone, and with it any download still running there.
            if let Some(net) = self.tasks[t.index()].net {
                self.pulls.nets[net.index()].drop_downloads();
            }
        }
    }

    /// The cost of a Fargate task billed from its pull's start to `until`.
    pub(super) fn fargate_task_cost(&self, t: TaskId, until: SimTime) -> f64 {
        let task = &self.tasks[t.index()];
        let Some(from) = task.billed_from else {
            return 0.0;
        };
        let td = &self.sc.taskdefs[task.taskdef.index()];
        self.sc.spec.model.fargate.task_cost(
            td.cpu.0,
            td.memory.0,
            td.arm64,
            task.capacity == Capacity::FargateSpot,
            until.since(from),
        )
    }

    /// Fargate's cost so far: stopped tasks' final bills and running tasks' bills to `now`.
    pub(super) fn fargate_cost(&self, now: SimTime) -> f64 {
        self.fargate.cost_closed
            + self
                .fargate
                .live
                .iter()
                .map(|&t| self.fargate_task_cost(t, now))
                .sum::<f64>()
    }
}
