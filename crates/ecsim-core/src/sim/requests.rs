//! The request path: arrivals, the load balancer's choice of target, each task's service slots
//! and FIFO queue, CPU, and completion.
//!
//! CPU model (an approximation, stated so it can be judged): a request in service runs on at most
//! one vCPU. When a host has more requests in service than vCPUs, a new request gets its task's
//! share of the host — vCPUs × the task's CPU units ÷ the CPU units of all tasks with requests in
//! service — divided among the task's own requests in service; idle CPU is otherwise free to use.
//! A task-level `cpu` caps the task at that many vCPUs whatever the host has free. The rate is
//! fixed when the request starts. Linux CFS re-divides the CPU at every change, so under
//! contention CFS would speed up a request when others finish, and slow it when others start;
//! here early requests keep a fast rate and late ones a slow one. Without contention and caps
//! (the validation scenarios) the two agree exactly.
//!
//! Targets: a task's target becomes healthy once it is RUNNING and has passed its health checks
//! (`traffic::HealthCheck`). When the task is stopped its target is deregistered and drains: the
//! requests it holds finish, none are added, and the load balancer's keep-alive connections to
//! it close once idle for its idle timeout; when both are done, or the deregistration delay ends
//! first, the containers get SIGTERM, and requests still held fail as `task_stopped`
//! (docs/ecs-facts.md §12 "ALB deregistration delay"). A target the checks
//! mark unhealthy stays registered while ECS keeps its task (its grace period); when every
//! registered target is unhealthy the ALB fails open and routes to them all (docs/ecs-facts.md
//! §12 "Fail open"): an application that is up answers, one that hangs or is still warming up
//! does not.

use super::event::{RequestDone, TaskEvent};
use super::least_outstanding::LeastOutstanding;
use super::{Event, Simulation};
use crate::histogram::Histogram;
use crate::log::LogKind;
use crate::rng::Stream;
use crate::task::TaskState;
use crate::time::{SimDuration, SimTime};
use crate::traffic::{Algorithm, Traffic};
use crate::units::{CpuUnits, HostId, TaskId};
use std::collections::VecDeque;

/// One traffic entry's state: its streams, the target group, and its counters.
pub(super) struct TrafficState {
    pub spec: Traffic,
    pub arrivals: Stream,
    pub work: Stream,
    pub routing: Stream,
    /// Healthy targets in registration order (changed only by `add_target` and
    /// `remove_target`, which keep each one's `TaskLoad::target` position).
    pub targets: Vec<TaskId>,
    /// With least outstanding requests routing, the healthy targets by load.
    pub least: Option<LeastOutstanding>,
    /// Registered targets the health checks marked unhealthy (their task is still RUNNING): with
    /// no healthy target the ALB routes to these ("fails open").
    pub unhealthy: Vec<TaskId>,
    pub rr: usize,
    pub arrived: u64,
    pub served: u64,
    pub no_target: u64,
    pub queue_full: u64,
    pub task_stopped: u64,
    /// Sent to a target whose application does not answer: it hangs (before the ALB marked it
    /// unhealthy), or, failing open, it is not up yet.
    pub target_unhealthy: u64,
    pub latency: Histogram,
    pub window: Histogram,
    pub in_system: u64,
    /// ∫ requests in system dt, in request-seconds (Little's law).
    pub in_system_area: f64,
    pub last_change: SimTime,
    pub served_at_sample: u64,
    pub failed_at_sample: u64,
    /// Position in a replayed trace.
    pub cursor: usize,
    /// CPU work of the requests that started service, in vCPU-seconds.
    pub work_started_s: f64,
    /// The ALB's LCU-hours so far, and the arrivals counted into them.
    pub lcu_hours: f64,
    pub arrived_at_lcu: u64,
}

impl TrafficState {
    pub fn new(spec: &Traffic, seed: u64, service: &str) -> Self {
        TrafficState {
            spec: spec.clone(),
            arrivals: Stream::new(seed, &format!("arrivals/{service}")),
            work: Stream::new(seed, &format!("work/{service}")),
            routing: Stream::new(seed, &format!("routing/{service}")),
            targets: Vec::new(),
            least: (spec.algorithm == Algorithm::LeastOutstanding).then(LeastOutstanding::default),
            unhealthy: Vec::new(),
            rr: 0,
            arrived: 0,
            served: 0,
            no_target: 0,
            queue_full: 0,
            task_stopped: 0,
            target_unhealthy: 0,
            lcu_hours: 0.0,
            arrived_at_lcu: 0,
            latency: Histogram::default(),
            window: Histogram::default(),
            in_system: 0,
            in_system_area: 0.0,
            last_change: SimTime::ZERO,
            served_at_sample: 0,
            cursor: 0,
            failed_at_sample: 0,
            work_started_s: 0.0,
        }
    }

    /// Requests that failed, for whatever reason.
    pub fn failed(&self) -> u64 {
        self.no_target + self.queue_full + self.task_stopped + self.target_unhealthy
    }

    pub fn account(&mut self, now: SimTime) {
        self.in_system_area += self.in_system as f64 * now.since(self.last_change).as_secs_f64();
        self.last_change = now;
    }

    /// A healthy target joins the group, last in registration order.
    pub fn add_target(&mut self, t: TaskId, loads: &mut [TaskLoad]) {
        let position = self.targets.len() as u32;
        self.targets.push(t);
        let load = &mut loads[t.index()];
        let outstanding = load.outstanding();
        load.target = Some((position, outstanding));
        if let Some(least) = &mut self.least {
            least.insert(position, outstanding);
        }
    }

    /// The target leaves the group (if it is in it): the targets after it move up a position.
    pub fn remove_target(&mut self, t: TaskId, loads: &mut [TaskLoad]) {
        let Some((position, _)) = loads[t.index()].target.take() else {
            return;
        };
        self.targets.remove(position as usize);
        if let Some(least) = &mut self.least {
            least.clear();
        }
        for (p, &x) in self.targets.iter().enumerate() {
            let load = &mut loads[x.index()];
            let outstanding = load.outstanding();
            load.target = Some((p as u32, outstanding));
            if let Some(least) = &mut self.least {
                least.insert(p as u32, outstanding);
            }
        }
    }
}

/// A task's request slots and queue.
#[derive(Default)]
pub(super) struct TaskLoad {
    pub traffic: Option<usize>,
    pub concurrency: u32,
    pub limit: u32,
    pub busy: u32,
    /// Waiting requests: (arrival time, work in vCPU-seconds).
    pub queue: VecDeque<(SimTime, f64)>,
    /// When the target's slow start began, if it has one.
    pub slow_since: Option<SimTime>,
    /// Requests this task served.
    pub served: u64,
    /// Its application hangs (a `health_check_failure` fault): requests sent to it fail.
    pub hung: bool,
    /// When a request last went to it or came back: its keep-alive connections close an idle
    /// timeout after.
    pub last_activity: Option<SimTime>,
    /// While its target drains: when the deregistration delay ends.
    pub drain_deadline: Option<SimTime>,
    /// While it is a healthy target: its position in the group's registration order, and its
    /// outstanding requests as the group's `least` index last saw them.
    pub target: Option<(u32, u32)>,
    /// What every request reads of its task, copied here.
    pub task: TaskCopy,
}

/// The fields of a task, its task definition and its memory model that each request reads, kept
/// beside the task's load: a request then touches this one record per task instead of four
/// (the `Task`, a few hundred bytes, its task definition and its memory), which at 10,000 tasks
/// are cache misses that cost more than the rest of the request. Each is written where its
/// original is, and the invariant check compares them after every event in debug builds.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) struct TaskCopy {
    /// `Task::host`: set once, as the task is placed.
    pub host: Option<HostId>,
    /// `Task::generation`: bumped by `Simulation::void_task_events`.
    pub generation: u32,
    /// `Task::placed_at`.
    pub placed_at: Option<SimTime>,
    /// `Task::state`: set by `Simulation::move_task`.
    pub state: TaskState,
    /// Its task definition's task-level CPU, which caps its requests.
    pub cpu_limit: Option<CpuUnits>,
    /// Its memory is modelled (`Simulation::memory_modelled`): each request takes and gives back.
    pub memory: bool,
}

impl Default for TaskCopy {
    fn default() -> Self {
        TaskCopy {
            host: None,
            generation: 0,
            placed_at: None,
            state: TaskState::Provisioning,
            cpu_limit: None,
            memory: false,
        }
    }
}

impl TaskLoad {
    /// Requests in service or queued: what least outstanding requests routing compares.
    pub fn outstanding(&self) -> u32 {
        self.busy + self.queue.len() as u32
    }
}

/// A host's CPU in use by requests, and its instance's vCPUs and launch time (copies, as for
/// `TaskCopy`: set where the slot's instance is set).
#[derive(Default, Clone)]
pub(super) struct HostCpu {
    pub vcpus: u32,
    pub launched_at: SimTime,
    pub in_service: u32,
    /// vCPUs in use now.
    pub busy: f64,
    /// ∫ busy dt, vCPU-seconds.
    pub area: f64,
    pub last_change: SimTime,
    pub area_at_sample: f64,
}

impl HostCpu {
    /// The CPU account of a slot's instance just launched: nothing in use.
    pub fn of(instance: &crate::instance::Instance) -> Self {
        HostCpu {
            vcpus: instance.spec.vcpu,
            launched_at: instance.launched_at,
            ..Default::default()
        }
    }

    pub fn account(&mut self, now: SimTime) {
        self.area += self.busy * now.since(self.last_change).as_secs_f64();
        self.last_change = now;
    }
}

/// The request path's state: each traffic source, the requests on each task (by task id), and
/// the CPU of each host.
pub(super) struct Requests {
    pub(super) traffic: Vec<TrafficState>,
    pub(super) loads: Vec<TaskLoad>,
    pub(super) host_cpu: Vec<HostCpu>,
}

impl Requests {
    /// The task's outstanding requests changed: its entry in the least outstanding index moves.
    pub(super) fn recount(&mut self, t: TaskId) {
        let load = &mut self.loads[t.index()];
        let (Some(ti), Some((position, was))) = (load.traffic, load.target) else {
            return;
        };
        let now = load.outstanding();
        if now == was {
            return;
        }
        load.target = Some((position, now));
        if let Some(least) = &mut self.traffic[ti].least {
            least.moved(position, was, now);
        }
    }
}

impl Simulation {
    /// The traffic entry of a service, if it has one.
    pub(super) fn traffic_of(&self, service: usize) -> Option<usize> {
        self.requests
            .traffic
            .iter()
            .position(|t| t.spec.service == service)
    }

    /// Sets up a new task's request slots: one per vCPU of its reservation unless the traffic
    /// entry says otherwise.
    pub(super) fn new_task_load(
        &self,
        service: usize,
        td: &crate::taskdef::TaskDefinition,
    ) -> TaskLoad {
        let cpu_units = td.cpu.0;
        let task = TaskCopy {
            cpu_limit: td.cpu_limit,
            ..Default::default()
        };
        match self.traffic_of(service) {
            Some(ti) => {
                let t = &self.requests.traffic[ti].spec;
                let concurrency = t.concurrency.unwrap_or(cpu_units.div_ceil(1024).max(1));
                TaskLoad {
                    traffic: Some(ti),
                    concurrency,
                    limit: t.queue_limit,
                    busy: 0,
                    queue: VecDeque::with_capacity(t.queue_limit.min(4096) as usize),
                    slow_since: None,
                    served: 0,
                    hung: false,
                    last_activity: None,
                    drain_deadline: None,
                    target: None,
                    task,
                }
            }
            None => TaskLoad {
                task,
                ..Default::default()
            },
        }
    }

    pub(super) fn arrival(&mut self, ti: usize) {
        let now = self.engine.now();
        let tr = &mut self.requests.traffic[ti];
        let work = tr.spec.work.sample(&mut tr.work);
        tr.arrived += 1;
        if let Some(next) = tr.spec.next_arrival(now, &mut tr.arrivals, &mut tr.cursor) {
            self.engine.schedule(
                next,
                Event::Arrival {
                    traffic: crate::units::TrafficId(ti as u32),
                },
            );
        }
        let tr = &mut self.requests.traffic[ti];
        // Failing open: with no healthy target, every unhealthy one is routed to, in turn
        // (docs/ecs-facts.md §12 "Fail open").
        let fail_open = tr.targets.is_empty() && !tr.unhealthy.is_empty();
        if fail_open {
            std::mem::swap(&mut tr.targets, &mut tr.unhealthy);
        }
        let chosen = pick(tr, &self.requests.loads, now, !fail_open);
        if fail_open {
            std::mem::swap(&mut tr.targets, &mut tr.unhealthy);
        }
        let Some(target) = chosen else {
            tr.no_target += 1;
            return;
        };
        self.engine.fold(target.0 as u64);
        let warming = fail_open && {
            let warmup = self.app_warmup(target);
            self.tasks[target.index()]
                .running_at
                .is_none_or(|r| now < r + warmup)
        };
        if self.requests.loads[target.index()].hung || warming {
            // The ALB routes to it, and the application does not answer: it hangs (a 504), or
            // it is not up yet (a 502).
            self.requests.traffic[ti].target_unhealthy += 1;
            return;
        }
        let tr = &mut self.requests.traffic[ti];
        tr.account(now);
        tr.in_system += 1;
        let load = &mut self.requests.loads[target.index()];
        load.last_activity = Some(now);
        if load.busy < load.concurrency {
            self.start_request(target, now, work);
        } else if (load.queue.len() as u32) < load.limit {
            load.queue.push_back((now, work));
            self.requests.recount(target);
        } else {
            let tr = &mut self.requests.traffic[ti];
            tr.in_system -= 1;
            tr.queue_full += 1;
            return;
        }
        // One more request held: its memory may take a container over its limit.
        self.memory_request_held(target, now);
    }

    fn start_request(&mut self, t: TaskId, arrived: SimTime, work: f64) {
        if let Some(ti) = self.requests.loads[t.index()].traffic {
            self.requests.traffic[ti].work_started_s += work;
        }
        self.requests.loads[t.index()].busy += 1;
        self.requests.recount(t);
        let in_task = self.requests.loads[t.index()].busy as f64;
        let copy = self.requests.loads[t.index()].task;
        let mut rate = 1.0;
        // A Fargate task has no instance: its host is its own, of its own size (the cap below).
        if let Some(h) = copy.host {
            let cpu = &mut self.requests.host_cpu[h.index()];
            let vcpus = cpu.vcpus as f64;
            cpu.account(self.engine.now());
            cpu.in_service += 1;
            if cpu.in_service as f64 > vcpus {
                let inst = &self.instances[h.index()];
                // Contended: the task's share of the host is in proportion to its CPU units among
                // the tasks with requests in service, split among its own requests.
                let weight = |x: TaskId| {
                    cpu_shares(
                        self.sc.taskdefs[self.tasks[x.index()].taskdef.index()]
                            .cpu
                            .0,
                    )
                };
                let total: f64 = inst
                    .tasks
                    .iter()
                    .filter(|&&x| self.requests.loads[x.index()].busy > 0)
                    .map(|&x| weight(x))
                    .sum();
                rate = (vcpus * weight(t) / total / in_task).min(1.0);
            }
        }
        if let Some(cap) = copy.cpu_limit {
            // A task-level cpu caps the task (Fargate-like), shared by its requests in service.
            rate = rate.min(cap.0 as f64 / 1024.0 / in_task);
        }
        if let Some(h) = copy.host {
            self.requests.host_cpu[h.index()].busy += rate;
        }
        let generation = copy.generation;
        let done = self.engine.now() + SimDuration::from_secs_f64(work / rate);
        self.engine.schedule(
            done,
            Event::RequestDone(RequestDone {
                task: t,
                generation,
                arrived,
                rate,
            }),
        );
    }

    pub(super) fn request_done(&mut self, t: TaskId, generation: u32, arrived: SimTime, rate: f64) {
        let now = self.engine.now();
        let copy = self.requests.loads[t.index()].task;
        if let Some(h) = copy.host {
            let cpu = &mut self.requests.host_cpu[h.index()];
            // A request of a task placed before its instance's slot was launched again ran on
            // the old instance, whose CPU account went with it.
            if copy.placed_at.is_none_or(|p| p >= cpu.launched_at) {
                cpu.account(now);
                cpu.in_service -= 1;
                cpu.busy = (cpu.busy - rate).max(0.0);
            }
        }
        let load = &mut self.requests.loads[t.index()];
        load.busy -= 1;
        // Counted again at once even when a queued request starts next: the index must agree
        // with the load at every step (`start_request` recounts it too).
        self.requests.recount(t);
        let current = copy.generation == generation;
        if current {
            self.memory_request_done(t, arrived);
        }
        let load = &self.requests.loads[t.index()];
        let Some(ti) = load.traffic else { return };
        let tr = &mut self.requests.traffic[ti];
        tr.account(now);
        tr.in_system -= 1;
        if !current {
            tr.task_stopped += 1;
            return;
        }
        tr.served += 1;
        self.requests.loads[t.index()].served += 1;
        self.requests.loads[t.index()].last_activity = Some(now);
        let ns = now.since(arrived).0;
        tr.latency.record(ns);
        tr.window.record(ns);
        if let Some((a, w)) = self.requests.loads[t.index()].queue.pop_front() {
            self.start_request(t, a, w);
        } else if copy.state == TaskState::Deactivating && self.drained(t) {
            // The draining target finished its last request: deregistration completes once its
            // connections close too.
            self.drain_until_closed(t, false);
        }
    }

    /// The task is RUNNING: its target becomes healthy after one health check.
    pub(super) fn register_target(&mut self, t: TaskId) {
        let si = self.tasks[t.index()].service.index();
        if let Some(ti) = self.traffic_of(si) {
            self.plan_target_health(t, ti);
        }
    }

    pub(super) fn target_healthy(&mut self, t: TaskId) {
        if self.tasks[t.index()].state != TaskState::Running {
            return;
        }
        self.target_healthy_now(t);
        let s = self.tasks[t.index()].service;
        if self.rolling(s.index()) {
            self.reconcile_deployment(s);
        }
    }

    fn target_healthy_now(&mut self, t: TaskId) {
        self.tasks[t.index()]
            .healthy_at
            .get_or_insert(self.engine.now());
        if let Some(ti) = self.requests.loads[t.index()].traffic {
            self.requests.traffic[ti].unhealthy.retain(|&x| x != t);
            // A target group with no healthy target does not slow-start its first one: it takes
            // the whole share at once, as there is nobody else to take it.
            let first = self.requests.traffic[ti].targets.is_empty();
            let slow = self.requests.traffic[ti].spec.slow_start;
            let Requests { traffic, loads, .. } = &mut self.requests;
            traffic[ti].add_target(t, loads);
            self.requests.loads[t.index()].slow_since =
                (!first && !slow.is_zero()).then_some(self.engine.now());
            let name = self.task_name(t);
            let host = self.tasks[t.index()].host;
            let td = &self.sc.taskdefs[self.tasks[t.index()].taskdef.index()];
            // Bridge and host mode: the target is (instance, host port). awsvpc: (task IP,
            // container port), the IP being the task's own ENI's.
            let target = if td.network_mode == crate::taskdef::NetworkMode::Awsvpc {
                let ip = format!("10.0.{}.{}", 1 + t.0 / 250, 4 + t.0 % 250);
                format!("{ip}:{}", td.container_ports.first().copied().unwrap_or(80))
            } else {
                let port = self.tasks[t.index()]
                    .ports
                    .first()
                    .map(|p| format!(":{}", p.port));
                format!(
                    "{}{}",
                    host.map(|h| h.to_string()).unwrap_or_default(),
                    port.unwrap_or_default()
                )
            };
            let svc = self.sc.services[self.tasks[t.index()].service.index()]
                .name
                .clone();
            let msg = format!("target {target} (task {name}) is healthy and receives requests");
            self.push_log(LogKind::TargetHealthy, Some(svc), Some(t), host, msg);
        }
    }

    /// The task starts to stop: its target gets no new requests. Returns the deregistration delay
    /// if the task is behind a load balancer.
    pub(super) fn deregister_target(&mut self, t: TaskId) -> Option<SimDuration> {
        let ti = self.requests.loads[t.index()].traffic?;
        let Requests { traffic, loads, .. } = &mut self.requests;
        let tr = &mut traffic[ti];
        tr.remove_target(t, loads);
        tr.unhealthy.retain(|&x| x != t);
        let delay = tr.spec.deregistration_delay;
        self.requests.loads[t.index()].drain_deadline = Some(self.engine.now() + delay);
        Some(delay)
    }

    /// Whether a draining task holds no more requests.
    pub(super) fn drained(&self, t: TaskId) -> bool {
        let l = &self.requests.loads[t.index()];
        l.busy == 0 && l.queue.is_empty()
    }

    /// A deregistered target drains until it has no request in flight and no open connection,
    /// or the delay ends (docs/ecs-facts.md §12 "ALB deregistration delay"). Called as the drain
    /// begins (`begun`), and when its last request finishes: stopping begins now, or a
    /// `DrainDone` is planned for when it will. Returns whether the task drains on.
    pub(super) fn drain_until_closed(&mut self, t: TaskId, begun: bool) -> bool {
        let now = self.engine.now();
        let l = &self.requests.loads[t.index()];
        let deadline = l.drain_deadline.unwrap_or(now);
        let closed = l.traffic.and_then(|ti| {
            let idle = self.requests.traffic[ti].spec.connection_idle?;
            l.last_activity.map(|a| a + idle)
        });
        let end = if self.drained(t) {
            closed.map_or(now, |c| c.clamp(now, deadline))
        } else {
            deadline
        };
        if end <= now {
            self.begin_stopping(t);
            return false;
        }
        // The deadline's `DrainDone` is planned as the drain begins; an earlier end needs its own.
        if begun || end < deadline {
            let generation = self.tasks[t.index()].generation;
            self.engine
                .schedule(end, Event::task(t, generation, TaskEvent::DrainDone));
        }
        true
    }

    /// The containers are being stopped: queued requests fail (those in service fail when their
    /// completion finds the task's generation moved on).
    pub(super) fn drop_queued_requests(&mut self, t: TaskId) {
        let Some(ti) = self.requests.loads[t.index()].traffic else {
            return;
        };
        let now = self.engine.now();
        let dropped = self.requests.loads[t.index()].queue.len() as u64;
        self.requests.loads[t.index()].queue.clear();
        self.requests.recount(t);
        let tr = &mut self.requests.traffic[ti];
        tr.account(now);
        tr.in_system -= dropped;
        tr.task_stopped += dropped;
    }
}

/// Linux CPU shares of a task: its CPU units, where 0 and 1 count as 2 (docs/ecs-facts.md §4 "CPU
/// units": null/0/1 are sent as 2).
fn cpu_shares(units: u32) -> f64 {
    units.max(2) as f64
}

/// The target the load balancer sends the next request to.
/// `indexed`: `tr.targets` are the healthy targets, which the `least` index holds (not the
/// unhealthy ones a failing-open group routes to).
fn pick(tr: &mut TrafficState, loads: &[TaskLoad], now: SimTime, indexed: bool) -> Option<TaskId> {
    let n = tr.targets.len();
    if n == 0 {
        return None;
    }
    // Slow start: a new target's share ramps linearly from 0 to full over the duration (the ALB
    // "linearly increases the number of requests"): a candidate in slow start is taken with
    // probability elapsed / duration, else the algorithm moves on.
    let slow = tr.spec.slow_start;
    let ramp = |t: TaskId| match loads[t.index()].slow_since {
        Some(since) => (now.since(since).as_secs_f64() / slow.as_secs_f64()).min(1.0),
        None => 1.0,
    };
    let i = match tr.spec.algorithm {
        Algorithm::RoundRobin => {
            let mut pick = (tr.rr + 1) % n;
            for k in 1..=n {
                let j = (tr.rr + k) % n;
                let r = ramp(tr.targets[j]);
                if r >= 1.0 || tr.routing.uniform() < r {
                    pick = j;
                    break;
                }
            }
            tr.rr = pick;
            pick
        }
        Algorithm::WeightedRandom => {
            let mut pick = tr.routing.below(n as u64) as usize;
            for _ in 0..16 {
                let r = ramp(tr.targets[pick]);
                if r >= 1.0 || tr.routing.uniform() < r {
                    break;
                }
                pick = tr.routing.below(n as u64) as usize;
            }
            pick
        }
        Algorithm::LeastOutstanding => {
            // Fewest requests in service or queued; ties go round robin from the last choice.
            let start = (tr.rr + 1) % n;
            let best = match (&tr.least, indexed) {
                (Some(least), true) => least.pick(start as u32).map_or(start, |p| p as usize),
                _ => {
                    let out = |t: TaskId| loads[t.index()].outstanding();
                    let mut best = start;
                    for k in 1..n {
                        let j = (start + k) % n;
                        if out(tr.targets[j]) < out(tr.targets[best]) {
                            best = j;
                        }
                    }
                    best
                }
            };
            tr.rr = best;
            best
        }
    };
    Some(tr.targets[i])
}
