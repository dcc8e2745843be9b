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
mod container_health;
mod container_start;
mod daemon;
mod deployment;
mod event;
mod fargate;
mod faults;
mod health;
mod invariants;
mod least_outstanding;
mod lifecycle;
mod memory;
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

pub(crate) use objectives::{check_objective_metrics, unmeasurable_objectives};
pub use snapshot::{
    BalancerSnapshot, ClusterSnapshot, HostRow, HostSnapshot, PullSnapshot, ServiceOnHost,
    TaskSnapshot, Waiting, MAX_DRAWN, MAX_ROWS, MAX_SNAPSHOTS,
};

use crate::instance::{Instance, InstanceState};
use crate::log::{EventLog, LogEntry, LogKind};
use crate::metrics::{Summary, TimeSeries};
use crate::rng::Stream;
use crate::scenario::Scenario;
use crate::task::{StopCode, Task, TaskState};
use crate::time::{SimDuration, SimTime};
use crate::units::{ActionId, GroupId, HostId, Port, ServiceId, TaskId, TrafficId};
use ecsim_engine::EventLoop;
use event::{
    Event, InstanceEvent, PullEvent, RequestDone, ScalingEvent, ServiceEvent, Stamp, TaskEvent,
};
use lifecycle::StopCause;
use thiserror::Error;

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
    /// Stop with `RunError::OverBudget` once this many events are handled. The front ends check
    /// a run's estimate against their budget before it starts (`budget`) and pass the same
    /// budget here, so a run the estimate misjudged still cannot run unbounded.
    pub max_events: Option<u64>,
}

/// The engine broke one of its own rules: a bug, never the user's input.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("invariant violated at t={time}: {message}")]
pub struct InvariantViolation {
    pub time: SimTime,
    pub message: String,
}

/// Why a run stopped before its end.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum RunError {
    #[error(transparent)]
    Invariant(#[from] InvariantViolation),
    /// `RunOptions::max_events` reached: the run did not finish, and has no result.
    #[error("the run reached its budget of {max} events at t={time}, before its end at t={end}, and was stopped")]
    OverBudget {
        max: u64,
        time: SimTime,
        end: SimTime,
    },
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
    /// Whether an instance has been DRAINING in this run: until one has, no service can be
    /// replacing tasks off one, and `rolling` need not look at every task.
    any_drained: bool,
    tasks: Vec<Task>,
    services: Vec<ServiceState>,
    /// The services with tasks waiting for a place, in index order: a retry visits only them,
    /// so a scenario of many services is not quadratic in their number.
    waiting_services: std::collections::BTreeSet<usize>,
    retry_scheduled: bool,
    log: EventLog,
    series: TimeSeries,
    check: bool,
    /// `RunOptions::max_events`, `u64::MAX` when unbounded.
    max_events: u64,
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
    /// The memory each task's applications use, by task id.
    memory: Vec<memory::TaskMemory>,
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
                    Event::instance(id, 1, InstanceEvent::Registers),
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
                Event::Service(ServiceEvent::Update {
                    action: ActionId(i as u32),
                }),
            );
        }
        let nhosts = instances.len();
        let host_cpu = instances.iter().map(requests::HostCpu::of).collect();
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
                engine.schedule(
                    first,
                    Event::Arrival {
                        traffic: TrafficId(i as u32),
                    },
                );
            }
            traffic.push(st);
        }
        for (i, s) in sc.services.iter().enumerate() {
            engine.schedule(
                SimTime::ZERO + s.start_at,
                Event::Service(ServiceEvent::Starts {
                    service: ServiceId(i as u32),
                }),
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
            for (line, note) in &g.agent.notes {
                log.push(EventLog::entry(
                    SimTime::ZERO,
                    LogKind::AgentConfig,
                    format!("group {}: ecs.config line {line}: {note}", g.name),
                ));
            }
        }
        let mut sim = Simulation {
            seed,
            engine,
            instances,
            any_drained: false,
            tasks: Vec::new(),
            services,
            waiting_services: Default::default(),
            retry_scheduled: false,
            log,
            series,
            check: opts.check_invariants || cfg!(debug_assertions),
            max_events: opts.max_events.unwrap_or(u64::MAX),
            violation: None,
            scratch_ports: Vec::new(),
            requests: requests::Requests {
                traffic,
                loads: Vec::new(),
                host_cpu,
            },
            pulls: pulls::Pulls::new(nets),
            fargate: fargate::FargateState::new(fargate_bucket),
            // At most MAX_SNAPSHOTS, and fewer when every instance slot's row over them would
            // pass MAX_ROWS.
            snapshots: snapshot::Snapshots::every(if opts.snapshots {
                let by_count = (samples as u64).div_ceil(snapshot::MAX_SNAPSHOTS as u64);
                let by_rows = (samples as u64 * nhosts as u64).div_ceil(snapshot::MAX_ROWS as u64);
                by_count.max(by_rows).max(1)
            } else {
                0
            }),
            scalers: sc
                .auto_scaling
                .iter()
                .map(autoscaling::Scaler::new)
                .collect(),
            faults: faults::Faults::default(),
            memory: Vec::new(),
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

    /// Whether the scheduler has a change of service `s` still to act on (`model.scheduler_delay`):
    /// until it does, the service's live tasks may differ from its desired count.
    pub fn scheduler_will_act(&self, s: crate::units::ServiceId) -> bool {
        self.services[s.index()].acts_pending
    }

    /// The time series sampled so far (a front end draws them while the run goes on).
    pub fn timeseries(&self) -> &TimeSeries {
        &self.series
    }

    pub fn scenario(&self) -> &Scenario {
        &self.sc
    }

    /// Processes the next event if it is due by the end of the run; false when the run is over.
    pub fn step(&mut self) -> Result<bool, RunError> {
        let ev = match self.engine.next_due() {
            Ok(Some(ev)) => ev,
            Ok(None) => return Ok(false),
            Err(back) => {
                return Err(InvariantViolation {
                    time: back.now,
                    message: back.to_string(),
                }
                .into())
            }
        };
        // One more event than the budget: stopped before it is handled.
        if self.engine.events() > self.max_events {
            return Err(RunError::OverBudget {
                max: self.max_events,
                time: self.engine.now(),
                end: self.engine.end(),
            });
        }
        self.handle(ev);
        if self.check {
            self.check_invariants()?;
        }
        Ok(true)
    }

    /// Processes up to `max_events` events; false when the run is over.
    pub fn advance(&mut self, max_events: u64) -> Result<bool, RunError> {
        for _ in 0..max_events {
            if !self.step()? {
                return Ok(false);
            }
        }
        Ok(true)
    }

    /// Runs to the end.
    pub fn run_to_end(&mut self) -> Result<(), RunError> {
        while self.step()? {}
        Ok(())
    }

    #[inline(always)]
    fn handle(&mut self, ev: Event) {
        // The one place stale events are dropped: their task, instance or network moved on.
        if !self.current(ev.stamp()) {
            return;
        }
        match ev {
            Event::Task { task, what, .. } => self.task_event(task, what),
            Event::Instance { host, what, .. } => match what {
                InstanceEvent::Registers => self.instance_registers(host),
                InstanceEvent::ImageCleanup => self.image_cleanup(host),
                InstanceEvent::Drains => self.instance_drains(host),
                InstanceEvent::Terminated => {
                    if self.instances[host.index()].in_service() {
                        self.instance_terminated(host, "Spot interruption")
                    }
                }
            },
            Event::Pull(e) => match e {
                PullEvent::ManifestFetched { pull } => self.manifest_fetched(pull),
                PullEvent::NetTick { net, .. } => {
                    self.pulls.net_tick(net, &mut self.engine, &self.sc)
                }
                PullEvent::Extracted { pull } => self.pull_finished(pull, true),
            },
            Event::Arrival { traffic } => self.arrival(traffic.index()),
            // Not dropped when stale: a request whose task stopped counts as failed.
            Event::RequestDone(RequestDone {
                task,
                generation,
                arrived,
                rate,
            }) => self.request_done(task, generation, arrived, rate),
            Event::Service(e) => match e {
                ServiceEvent::Starts { service } => self.create_service(service),
                ServiceEvent::Update { action } => {
                    let a = self.sc.actions[action.index()].clone();
                    if let Some(d) = a.desired {
                        self.update_service(a.service, d);
                    }
                    if let Some(td) = a.taskdef {
                        self.deploy(a.service, td);
                    }
                }
                ServiceEvent::Retry { service } => {
                    self.services[service.index()].retry_pending = false;
                    self.scheduler_acts(service);
                }
                ServiceEvent::Acts { service } => {
                    self.services[service.index()].acts_pending = false;
                    self.scheduler_acts(service);
                }
                ServiceEvent::RetryPlacement => {
                    self.retry_scheduled = false;
                    self.retry_waiting();
                }
            },
            Event::Scaling(e) => match e {
                ScalingEvent::Tick => self.scaling_tick(),
                ScalingEvent::Scheduled { target, index } => {
                    self.scheduled_scaling(target.index(), index as usize)
                }
                ScalingEvent::CapacityTick => self.capacity_tick(),
                ScalingEvent::AsgLaunch { group } => {
                    self.asg_fill(group.index(), "scale-out by its capacity provider")
                }
            },
            Event::SpotNotice { group, index } => self.spot_notice(group.index(), index),
            Event::Fault { index } => self.fault(index.index()),
            Event::ZoneBack { index } => self.zone_back(index.index()),
            Event::Sample => {
                self.memory_sample();
                self.sample();
                let next = self.engine.now() + self.sc.spec.sample_step;
                if next <= self.engine.end() {
                    self.engine.schedule(next, Event::Sample);
                }
            }
        }
    }

    /// A task's event, still current.
    fn task_event(&mut self, task: TaskId, what: TaskEvent) {
        match what {
            TaskEvent::ContainerStarted => self.task_running(task),
            TaskEvent::TaskExited => self.task_exited(task),
            TaskEvent::TargetHealthy => self.target_healthy(task),
            TaskEvent::DrainDone => {
                if self.tasks[task.index()].state == TaskState::Deactivating {
                    self.begin_stopping(task);
                }
            }
            TaskEvent::StartFailed => self.stop(task, StopCause::FailedToStart),
            TaskEvent::FargateReady => self.fargate_ready(task),
            TaskEvent::SpotInterruption => {
                if self.tasks[task.index()].state <= TaskState::Running {
                    self.spot_interruption(task);
                }
            }
            TaskEvent::EniAttached => self.eni_attached(task),
            TaskEvent::BatchDone => self.batch_task_done(task),
            TaskEvent::TargetUnhealthy => self.target_unhealthy(task),
            TaskEvent::GraceOver => self.grace_over(task),
            TaskEvent::WaitOver => self.deployment_wait_over(task),
            TaskEvent::ContainersHealthy => self.containers_healthy(task),
            TaskEvent::ContainerUnhealthy => self.container_unhealthy(task),
            TaskEvent::OutOfMemory => self.memory_check(task),
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
                Event::instance(host, life, InstanceEvent::ImageCleanup),
            );
        }
        self.daemons_follow_instances();
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

    /// The task's pending work is void (it stopped, it was moved): events that carry its older
    /// generation are dropped as they come.
    fn void_task_events(&mut self, t: TaskId) {
        self.tasks[t.index()].generation += 1;
        self.requests.loads[t.index()].task.generation = self.tasks[t.index()].generation;
    }

    /// The task is placed now: on its instance (with its ENI attached, in `awsvpc` mode), or on
    /// its Fargate host.
    fn placed_now(&mut self, t: TaskId) {
        let now = Some(self.engine.now());
        self.tasks[t.index()].placed_at = now;
        self.requests.loads[t.index()].task.placed_at = now;
    }

    fn move_task(&mut self, t: TaskId, next: TaskState) {
        let before = self.tasks[t.index()].state;
        if before < TaskState::Deactivating && next >= TaskState::Deactivating {
            let si = self.tasks[t.index()].service.index();
            self.services[si].live.retain(|&x| x != t);
            if let Some(k) = self.tasks[t.index()].fargate_zone {
                self.services[si].fargate_in_zone[k as usize] -= 1;
            }
            // Before the scheduler replaces it: a batch's re-run takes the next attempt.
            self.batch_task_stopped(t);
        }
        if let Err(e) = self.tasks[t.index()].move_to(next) {
            self.violation.get_or_insert(e.to_string());
        }
        self.requests.loads[t.index()].task.state = self.tasks[t.index()].state;
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
