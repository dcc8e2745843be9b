//! The simulation: the world's state, the event loop, and what each event does.
//!
//! One task's path: the service scheduler creates it (PROVISIONING) and places it at once
//! (`placement`), or on Fargate launches it through the token bucket and provisions its host
//! (`fargate`); placed, it is PENDING while its images are pulled (`pulls`: authorisation,
//! manifest, layers over the host's shared network, extraction), then the container starts (a
//! drawn start latency), and it goes ACTIVATING → RUNNING, then healthy once its target passes
//! the health checks. A task that fits nowhere stays PENDING with ECS's reason and is retried
//! whenever capacity changes (an instance registers). Instances boot for a drawn time, then their
//! agent registers into the cluster named by `ECS_CLUSTER`, or never joins.
//!
//! Every processed event is folded into `trace_hash`, with the decisions it led to (which host,
//! which ports), so two runs with the same hash did the same things in the same order.

mod autoscaling;
mod batch;
mod cluster_scaling;
mod container_start;
mod deployment;
mod fargate;
mod faults;
mod health;
mod lifecycle;
mod objectives;
mod observe;
mod pulls;
mod registry_auth;
mod requests;
mod scheduler;
mod service_state;
use service_state::ServiceState;
mod snapshot;
mod spot;

pub(crate) use objectives::check_objective_metrics;
pub use snapshot::{
    BalancerSnapshot, ClusterSnapshot, HostSnapshot, PullSnapshot, TaskSnapshot, Waiting,
    MAX_SNAPSHOTS,
};

use crate::instance::{Instance, InstanceState};
use crate::log::{EventLog, LogEntry, LogKind};
use crate::metrics::{Summary, TimeSeries};
use crate::rng::Stream;
use crate::scenario::Scenario;
use crate::task::{StopCode, Task, TaskState};
use crate::time::{SimDuration, SimTime};
use crate::units::{FaultId, GroupId, HostId, NetId, Port, PullId, ServiceId, TaskId};
use ecsim_engine::{EventLoop, Traced};
use lifecycle::StopCause;
use thiserror::Error;

#[derive(Debug, Clone, Copy)]
enum Event {
    InstanceRegisters {
        host: HostId,
        life: u32,
    },
    ServiceStarts {
        service: ServiceId,
    },
    RetryPlacement,
    /// The manifest request of `pulls[pull]` is answered (or fails: the registry is down).
    ManifestFetched {
        pull: PullId,
    },
    /// The next layer download on `nets[net]` finishes.
    NetTick {
        net: NetId,
        generation: u32,
    },
    /// `pulls[pull]` has extracted its last layer.
    PullExtracted {
        pull: PullId,
    },
    /// The agent's image cleanup cycle on an instance.
    ImageCleanup {
        host: u32,
        life: u32,
    },
    /// An EC2 `awsvpc` task's ENI is attached: its pulls begin.
    EniAttached {
        task: TaskId,
        generation: u32,
    },
    /// A Fargate task's capacity and ENI are ready.
    FargateReady {
        task: TaskId,
        generation: u32,
    },
    /// `spot_interruptions[index]` of an instance group: EC2's two-minute notice.
    SpotNotice {
        group: GroupId,
        index: u32,
    },
    /// The agent saw the notice (`ECS_ENABLE_SPOT_INSTANCE_DRAINING`): the instance drains.
    InstanceDrains {
        host: HostId,
        life: u32,
    },
    /// The Spot instance is terminated.
    InstanceTerminated {
        host: HostId,
        life: u32,
    },
    /// Fargate Spot reclaims a task's capacity (two-minute warning).
    SpotInterruption {
        task: TaskId,
        generation: u32,
    },
    ContainerStarted {
        task: TaskId,
        generation: u32,
    },
    /// A scenario action: `actions[index]` changes a service's desired count.
    UpdateService {
        action: u32,
    },
    /// A stopping task's containers have exited.
    TaskExited {
        task: TaskId,
        generation: u32,
    },
    /// A request of `traffic[traffic]` arrives at the load balancer.
    Arrival {
        traffic: u32,
    },
    /// A request in service on `task` completes (it ran at `rate` vCPUs).
    RequestDone {
        task: TaskId,
        generation: u32,
        arrived: SimTime,
        rate: f64,
    },
    /// The task's target passed its first health check.
    TargetHealthy {
        task: TaskId,
        generation: u32,
    },
    /// The task cannot start (pull refused, logging denied, start timeout).
    StartFailed {
        task: TaskId,
        generation: u32,
    },
    /// The service scheduler tries again after failed starts.
    ServiceRetry {
        service: ServiceId,
    },
    /// The deregistration delay of a draining target is over.
    DrainDone {
        task: TaskId,
        generation: u32,
    },
    /// `faults[index]` strikes.
    Fault {
        index: FaultId,
    },
    /// A minute has passed: the scalable targets' metrics and policies.
    ScalingTick,
    /// A minute has passed: each capacity provider's `CapacityProviderReservation`.
    CapacityTick,
    /// An Auto Scaling group acts on a raised desired capacity: it launches instances.
    AsgLaunch {
        group: GroupId,
    },
    /// A batch task's work is done.
    BatchDone {
        task: TaskId,
        generation: u32,
    },
    /// The load balancer marks the task's target unhealthy.
    TargetUnhealthy {
        task: TaskId,
        generation: u32,
    },
    /// The service's health check grace period for the task is over.
    GraceOver {
        task: TaskId,
        generation: u32,
    },
    /// `auto_scaling[target].scheduled[index]` changes the bounds.
    ScheduledScaling {
        target: u32,
        index: u32,
    },
    Sample,
}

impl Traced for Event {
    /// A code per kind and up to two ids, for the trace hash.
    fn trace_code(&self) -> (u8, u64, u64) {
        match *self {
            Event::InstanceRegisters { host, .. } => (1, host.0 as u64, 0),
            Event::ServiceStarts { service } => (2, service.0 as u64, 0),
            Event::RetryPlacement => (3, 0, 0),
            Event::ManifestFetched { pull } => (4, pull.0 as u64, 0),
            Event::NetTick { net, generation } => (15, net.0 as u64, generation as u64),
            Event::PullExtracted { pull } => (16, pull.0 as u64, 0),
            Event::ImageCleanup { host, .. } => (17, host as u64, 0),
            Event::FargateReady { task, generation } => (18, task.0 as u64, generation as u64),
            Event::SpotInterruption { task, generation } => (19, task.0 as u64, generation as u64),
            Event::SpotNotice { group, index } => (20, group.0 as u64, index as u64),
            Event::InstanceDrains { host, .. } => (21, host.0 as u64, 0),
            Event::InstanceTerminated { host, .. } => (22, host.0 as u64, 0),
            Event::EniAttached { task, generation } => (23, task.0 as u64, generation as u64),
            Event::ContainerStarted { task, generation } => (5, task.0 as u64, generation as u64),
            Event::Sample => (6, 0, 0),
            Event::UpdateService { action } => (7, action as u64, 0),
            Event::TaskExited { task, generation } => (8, task.0 as u64, generation as u64),
            Event::Arrival { traffic } => (9, traffic as u64, 0),
            Event::RequestDone { task, arrived, .. } => (10, task.0 as u64, arrived.0),
            Event::TargetHealthy { task, generation } => (11, task.0 as u64, generation as u64),
            Event::DrainDone { task, generation } => (12, task.0 as u64, generation as u64),
            Event::StartFailed { task, generation } => (13, task.0 as u64, generation as u64),
            Event::ServiceRetry { service } => (14, service.0 as u64, 0),
            Event::ScalingTick => (24, 0, 0),
            Event::CapacityTick => (27, 0, 0),
            Event::AsgLaunch { group } => (28, group.0 as u64, 0),
            Event::BatchDone { task, generation } => (29, task.0 as u64, generation as u64),
            Event::TargetUnhealthy { task, generation } => (30, task.0 as u64, generation as u64),
            Event::GraceOver { task, generation } => (31, task.0 as u64, generation as u64),
            Event::Fault { index } => (26, index.0 as u64, 0),
            Event::ScheduledScaling { target, index } => (25, target as u64, index as u64),
        }
    }
}

/// An id with the generation of its thing when the event was scheduled (a task's generation,
/// an instance slot's life, a network's schedule): when the thing has moved on, the event is
/// stale and `Simulation::handle` drops it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Stamped<Id> {
    id: Id,
    generation: u32,
}

/// What an event is stamped with, if anything.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stamp {
    Task(Stamped<TaskId>),
    Instance(Stamped<HostId>),
    Net(Stamped<NetId>),
}

impl Event {
    fn stamp(&self) -> Option<Stamp> {
        let task = |id, generation| Some(Stamp::Task(Stamped { id, generation }));
        let instance = |id, generation| Some(Stamp::Instance(Stamped { id, generation }));
        match *self {
            Event::EniAttached {
                task: t,
                generation,
            }
            | Event::FargateReady {
                task: t,
                generation,
            }
            | Event::SpotInterruption {
                task: t,
                generation,
            }
            | Event::ContainerStarted {
                task: t,
                generation,
            }
            | Event::TaskExited {
                task: t,
                generation,
            }
            | Event::TargetHealthy {
                task: t,
                generation,
            }
            | Event::StartFailed {
                task: t,
                generation,
            }
            | Event::DrainDone {
                task: t,
                generation,
            }
            | Event::BatchDone {
                task: t,
                generation,
            }
            | Event::TargetUnhealthy {
                task: t,
                generation,
            }
            | Event::GraceOver {
                task: t,
                generation,
            } => task(t, generation),
            Event::InstanceRegisters { host, life }
            | Event::InstanceDrains { host, life }
            | Event::InstanceTerminated { host, life } => instance(host, life),
            Event::ImageCleanup { host, life } => instance(HostId(host), life),
            Event::NetTick { net, generation } => Some(Stamp::Net(Stamped {
                id: net,
                generation,
            })),
            // A request's completion is never dropped: on a stopped task it fails.
            Event::RequestDone { .. }
            | Event::ServiceStarts { .. }
            | Event::RetryPlacement
            | Event::ManifestFetched { .. }
            | Event::PullExtracted { .. }
            | Event::SpotNotice { .. }
            | Event::UpdateService { .. }
            | Event::Arrival { .. }
            | Event::ServiceRetry { .. }
            | Event::Fault { .. }
            | Event::ScalingTick
            | Event::CapacityTick
            | Event::AsgLaunch { .. }
            | Event::ScheduledScaling { .. }
            | Event::Sample => None,
        }
    }
}

/// How to run a scenario.
#[derive(Debug, Clone, Default)]
pub struct RunOptions {
    /// Overrides the scenario's seed.
    pub seed: Option<u64>,
    /// Overrides the scenario's duration.
    pub duration: Option<SimDuration>,
    /// Check the invariants after every event (always on in debug builds).
    pub check_invariants: bool,
    /// Keep a `ClusterSnapshot` at sample times (at most `snapshot::MAX_SNAPSHOTS`).
    pub snapshots: bool,
}

/// The engine broke one of its own rules: a bug, never the user's input.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("invariant violated at t={time}: {message}")]
pub struct InvariantViolation {
    pub time: SimTime,
    pub message: String,
}

/// Everything a run produces.
#[derive(Debug, Clone)]
pub struct RunOutput {
    pub summary: Summary,
    pub timeseries: TimeSeries,
    pub log: EventLog,
    /// Every task's timeline.
    pub tasks: Vec<crate::metrics::TaskRecord>,
    /// The cluster at sample times, when `RunOptions::snapshots` asked for them.
    pub snapshots: Vec<ClusterSnapshot>,
}

pub struct Simulation {
    sc: Scenario,
    seed: u64,
    /// The clock, the events to come and the trace.
    engine: EventLoop<Event>,
    instances: Vec<Instance>,
    tasks: Vec<Task>,
    services: Vec<ServiceState>,
    retry_scheduled: bool,
    log: EventLog,
    series: TimeSeries,
    check: bool,
    violation: Option<String>,
    scratch_ports: Vec<Port>,
    /// Traffic, the requests on each task, and the CPU of each host.
    requests: requests::Requests,
    /// Image pulls, and the networks they go over.
    pulls: pulls::Pulls,
    /// Fargate's launch throttle and bills.
    fargate: fargate::FargateState,
    /// The cluster views kept for `RunOptions::snapshots`.
    snapshots: snapshot::Snapshots,
    /// The services' scalable targets (`auto_scaling`).
    scalers: Vec<autoscaling::Scaler>,
    /// The faults' random streams.
    faults: faults::Faults,
    /// Each instance group's boot times and Auto Scaling state, and each capacity provider's.
    cluster: cluster_scaling::ClusterScaling,
}

impl Simulation {
    pub fn new(sc: &Scenario, opts: &RunOptions) -> Simulation {
        let sc = sc.clone();
        let seed = opts.seed.unwrap_or(sc.spec.seed);
        let duration = opts.duration.unwrap_or(sc.spec.duration);
        let nservices = sc.services.len();
        let mut instances = Vec::new();
        let mut boot_rngs = Vec::new();
        let mut engine = EventLoop::new(SimTime::ZERO + duration);
        // The first sample is at t=0, before anything else happens.
        engine.schedule(SimTime::ZERO, Event::Sample);
        for (gi, g) in sc.groups.iter().enumerate() {
            let mut boot = Stream::new(seed, &format!("boot/{}", g.name));
            let launched = SimTime::ZERO + g.launch_at;
            // An Auto Scaling group's slots above its desired capacity wait, not launched.
            for k in 0..g.max_size {
                let id = HostId(instances.len() as u32);
                let az = &g.availability_zones[k as usize % g.availability_zones.len()];
                let (type_name, spec) = &g.types[k as usize % g.types.len()];
                let inst = Instance::new(
                    id,
                    gi,
                    type_name,
                    spec.clone(),
                    g.agent.clone(),
                    sc.spec.model.os_memory_overhead_pct,
                    az,
                    nservices,
                    launched,
                    g.eni_trunking,
                );
                if k >= g.count {
                    instances.push(inst.not_launched());
                    continue;
                }
                instances.push(inst);
                engine.schedule(
                    launched + sc.spec.model.boot_time.sample(&mut boot),
                    Event::InstanceRegisters { host: id, life: 1 },
                );
            }
            boot_rngs.push(boot);
        }
        let services = sc
            .services
            .iter()
            .map(|s| ServiceState::new(s, seed))
            .collect();
        for (gi, g) in sc.groups.iter().enumerate() {
            for (k, at) in g.spot_interruptions.iter().enumerate() {
                engine.schedule(
                    SimTime::ZERO + *at,
                    Event::SpotNotice {
                        group: GroupId(gi as u32),
                        index: k as u32,
                    },
                );
            }
        }
        for (i, a) in sc.actions.iter().enumerate() {
            engine.schedule(
                SimTime::ZERO + a.at,
                Event::UpdateService { action: i as u32 },
            );
        }
        let nhosts = instances.len();
        let m = &sc.spec.model;
        // Each instance slot's pulls draw from its own stream, named by its group and place in
        // it, so a pull on one host never shifts another's (docs/determinism.md).
        let mut slot_in_group = vec![0u32; sc.groups.len()];
        let nets = instances
            .iter()
            .map(|i| {
                let mut cache = crate::image_cache::ImageCache::new(&sc.images);
                for &im in &sc.groups[i.group].cached_images {
                    cache.preload(&sc.images, im);
                }
                let k = slot_in_group[i.group];
                slot_in_group[i.group] += 1;
                let rng = Stream::new(seed, &format!("pulls/{}/{k}", sc.groups[i.group].name));
                pulls::Net::new(cache, i.spec.network_gbps * 125.0, m.registry_mb_per_s, rng)
            })
            .collect();
        let fargate_bucket =
            crate::fargate::TokenBucket::new(m.fargate.launch_burst, m.fargate.launch_per_s);
        let mut traffic = Vec::new();
        for (i, t) in sc.traffic.iter().enumerate() {
            let mut st = requests::TrafficState::new(t, seed, &sc.services[t.service].name);
            if let Some(first) = t.next_arrival(SimTime::ZERO, &mut st.arrivals, &mut st.cursor) {
                engine.schedule(first, Event::Arrival { traffic: i as u32 });
            }
            traffic.push(st);
        }
        for (i, s) in sc.services.iter().enumerate() {
            engine.schedule(
                SimTime::ZERO + s.start_at,
                Event::ServiceStarts {
                    service: ServiceId(i as u32),
                },
            );
        }
        // One sample per step from 0 to the end, and a last one at the end itself.
        let samples = (duration.0 / sc.spec.sample_step.0) as usize + 2;
        let series = TimeSeries::new(
            instances.iter().map(|i| i.id.to_string()).collect(),
            sc.traffic
                .iter()
                .map(|t| sc.services[t.service].name.clone())
                .collect(),
            sc.services.iter().map(|s| s.name.clone()).collect(),
            samples,
        );
        let mut log = EventLog::new(sc.spec.model.event_log_capacity);
        for g in &sc.groups {
            for (line, key) in &g.agent.unknown_keys {
                log.push(EventLog::entry(
                    SimTime::ZERO,
                    LogKind::AgentConfig,
                    format!("group {}: ecs.config line {line}: unknown key {key} is ignored by the agent", g.name),
                ));
            }
        }
        let mut sim = Simulation {
            seed,
            engine,
            instances,
            tasks: Vec::new(),
            services,
            retry_scheduled: false,
            log,
            series,
            check: opts.check_invariants || cfg!(debug_assertions),
            violation: None,
            scratch_ports: Vec::new(),
            requests: requests::Requests {
                traffic,
                loads: Vec::new(),
                host_cpu: vec![requests::HostCpu::default(); nhosts],
            },
            pulls: pulls::Pulls::new(nets),
            fargate: fargate::FargateState::new(fargate_bucket),
            snapshots: snapshot::Snapshots::every(if opts.snapshots {
                (samples as u64)
                    .div_ceil(snapshot::MAX_SNAPSHOTS as u64)
                    .max(1)
            } else {
                0
            }),
            scalers: sc
                .auto_scaling
                .iter()
                .map(autoscaling::Scaler::new)
                .collect(),
            faults: faults::Faults::default(),
            cluster: cluster_scaling::ClusterScaling {
                boot_rngs,
                asgs: Vec::new(),
                providers: Vec::new(),
            },
            sc,
        };
        sim.init_autoscaling();
        sim.init_faults();
        sim.init_cluster_scaling();
        sim
    }

    /// Turns the per-event invariant checks on or off (they are on in debug builds and when
    /// `RunOptions::check_invariants` asks; they allocate, so a test of the engine's own
    /// allocations turns them off).
    pub fn set_invariant_checks(&mut self, on: bool) {
        self.check = on;
    }

    pub fn now(&self) -> SimTime {
        self.engine.now()
    }

    pub fn end(&self) -> SimTime {
        self.engine.end()
    }

    pub fn events(&self) -> u64 {
        self.engine.events()
    }

    pub fn instances(&self) -> &[Instance] {
        &self.instances
    }

    pub fn tasks(&self) -> &[Task] {
        &self.tasks
    }

    /// The time series sampled so far (a front end draws them while the run goes on).
    pub fn timeseries(&self) -> &TimeSeries {
        &self.series
    }

    pub fn scenario(&self) -> &Scenario {
        &self.sc
    }

    /// Processes the next event if it is due by the end of the run; false when the run is over.
    pub fn step(&mut self) -> Result<bool, InvariantViolation> {
        let ev = match self.engine.next_due() {
            Ok(Some(ev)) => ev,
            Ok(None) => return Ok(false),
            Err(back) => {
                return Err(InvariantViolation {
                    time: back.now,
                    message: back.to_string(),
                })
            }
        };
        self.handle(ev);
        if self.check {
            self.check_invariants()?;
        }
        Ok(true)
    }

    /// Processes up to `max_events` events; false when the run is over.
    pub fn advance(&mut self, max_events: u64) -> Result<bool, InvariantViolation> {
        for _ in 0..max_events {
            if !self.step()? {
                return Ok(false);
            }
        }
        Ok(true)
    }

    /// Runs to the end.
    pub fn run_to_end(&mut self) -> Result<(), InvariantViolation> {
        while self.step()? {}
        Ok(())
    }

    fn handle(&mut self, ev: Event) {
        // The one place stale events are dropped: their task, instance or network moved on.
        if !self.current(ev.stamp()) {
            return;
        }
        match ev {
            Event::Sample => {
                self.sample();
                let next = self.engine.now() + self.sc.spec.sample_step;
                if next <= self.engine.end() {
                    self.engine.schedule(next, Event::Sample);
                }
            }
            Event::InstanceRegisters { host, .. } => self.instance_registers(host),
            Event::ServiceStarts { service } => self.create_service(service),
            Event::UpdateService { action } => {
                let a = self.sc.actions[action as usize].clone();
                if let Some(d) = a.desired {
                    self.update_service(a.service, d);
                }
                if let Some(td) = a.taskdef {
                    self.deploy(a.service, td);
                }
            }
            Event::Arrival { traffic } => self.arrival(traffic as usize),
            // Not dropped when stale: a request whose task stopped counts as failed.
            Event::RequestDone {
                task,
                generation,
                arrived,
                rate,
            } => self.request_done(task, generation, arrived, rate),
            Event::TargetHealthy { task, .. } => self.target_healthy(task),
            Event::StartFailed { task, .. } => self.stop(task, StopCause::FailedToStart),
            Event::ManifestFetched { pull } => self.manifest_fetched(pull),
            Event::SpotNotice { group, index } => self.spot_notice(group.index(), index),
            Event::InstanceDrains { host, .. } => self.instance_drains(host),
            Event::InstanceTerminated { host, .. } => {
                if self.instances[host.index()].in_service() {
                    self.instance_terminated(host, "Spot interruption")
                }
            }
            Event::Fault { index } => self.fault(index.index()),
            Event::EniAttached { task, .. } => self.eni_attached(task),
            Event::NetTick { net, .. } => self.pulls.net_tick(net, &mut self.engine, &self.sc),
            Event::PullExtracted { pull } => self.pull_finished(pull, true),
            Event::ImageCleanup { host, .. } => self.image_cleanup(host),
            Event::FargateReady { task, .. } => self.fargate_ready(task),
            Event::SpotInterruption { task, .. } => {
                if self.tasks[task.index()].state <= TaskState::Running {
                    self.spot_interruption(task);
                }
            }
            Event::ServiceRetry { service } => {
                self.services[service.index()].retry_pending = false;
                self.service_retry(service);
            }
            Event::ScalingTick => self.scaling_tick(),
            Event::CapacityTick => self.capacity_tick(),
            Event::BatchDone { task, .. } => self.batch_task_done(task),
            Event::TargetUnhealthy { task, .. } => self.target_unhealthy(task),
            Event::GraceOver { task, .. } => self.grace_over(task),
            Event::AsgLaunch { group } => {
                self.asg_fill(group.index(), "scale-out by its capacity provider")
            }
            Event::ScheduledScaling { target, index } => {
                self.scheduled_scaling(target as usize, index as usize)
            }
            Event::DrainDone { task, .. } => {
                if self.tasks[task.index()].state == TaskState::Deactivating {
                    self.begin_stopping(task);
                }
            }
            Event::TaskExited { task, .. } => self.task_exited(task),
            Event::RetryPlacement => {
                self.retry_scheduled = false;
                self.retry_waiting();
            }
            Event::ContainerStarted { task, .. } => self.task_running(task),
        }
    }

    /// Whether the thing an event was stamped with is still the one it named.
    fn current(&self, stamp: Option<Stamp>) -> bool {
        match stamp {
            None => true,
            Some(Stamp::Task(s)) => self.tasks[s.id.index()].generation == s.generation,
            Some(Stamp::Instance(s)) => self.instances[s.id.index()].life == s.generation,
            Some(Stamp::Net(s)) => self.pulls.nets[s.id.index()].link.generation() == s.generation,
        }
    }

    fn instance_registers(&mut self, host: HostId) {
        let cluster = &self.sc.spec.cluster.name;
        let inst = &mut self.instances[host.index()];
        if &inst.agent.cluster != cluster {
            inst.state = InstanceState::NeverJoined;
            let msg = format!(
                "instance {host} never joined: ECS_CLUSTER={}, cluster is '{cluster}'",
                inst.agent.cluster
            );
            self.push_log(LogKind::InstanceNeverJoined, None, None, Some(host), msg);
            return;
        }
        inst.state = InstanceState::Active;
        inst.registered_at = Some(self.engine.now());
        let msg = format!(
            "instance {host} ({}, {}) registered: {} CPU units, {} MiB, after {:.1} s",
            inst.type_name,
            inst.attributes["ecs.availability-zone"],
            inst.registered_cpu.0,
            inst.registered_memory.0,
            self.engine.now().since(inst.launched_at).as_secs_f64()
        );
        self.push_log(LogKind::InstanceRegistered, None, None, Some(host), msg);
        let cleanup = self.instances[host.index()].agent.image_cleanup;
        if !cleanup.disabled {
            let life = self.instances[host.index()].life;
            self.engine.schedule(
                self.engine.now() + cleanup.interval,
                Event::ImageCleanup { host: host.0, life },
            );
        }
        self.schedule_retry();
    }

    fn task_name(&self, t: TaskId) -> String {
        let task = &self.tasks[t.index()];
        format!(
            "{}:{}",
            self.sc.services[task.service.index()].name,
            task.ordinal
        )
    }

    fn move_task(&mut self, t: TaskId, next: TaskState) {
        let before = self.tasks[t.index()].state;
        if before < TaskState::Deactivating && next >= TaskState::Deactivating {
            let si = self.tasks[t.index()].service.index();
            self.services[si].live.retain(|&x| x != t);
            // Before the scheduler replaces it: a batch's re-run takes the next attempt.
            self.batch_task_stopped(t);
        }
        if let Err(e) = self.tasks[t.index()].move_to(next) {
            self.violation.get_or_insert(e.to_string());
        }
        // The running count follows the state, here and nowhere else.
        let st = &mut self.services[self.tasks[t.index()].service.index()];
        if next == TaskState::Running {
            st.running += 1;
        } else if before == TaskState::Running {
            st.running -= 1;
        }
        if next == TaskState::Stopped {
            let task = &mut self.tasks[t.index()];
            task.stopped_at = Some(self.engine.now());
            let code = *task
                .stop_code
                .get_or_insert(StopCode::ServiceSchedulerInitiated);
            *self.services[task.service.index()]
                .stop_codes
                .entry(code)
                .or_insert(0) += 1;
        }
    }

    fn push_log(
        &mut self,
        kind: LogKind,
        service: Option<String>,
        task: Option<TaskId>,
        host: Option<HostId>,
        message: String,
    ) {
        if !self.log.has_room() {
            self.log
                .push(EventLog::entry(self.engine.now(), kind, String::new()));
            return;
        }
        let task = task.map(|t| self.task_name(t));
        self.log.push(LogEntry {
            service,
            task,
            host: host.map(|h| h.to_string()),
            ..EventLog::entry(self.engine.now(), kind, message)
        });
    }
}
