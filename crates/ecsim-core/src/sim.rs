//! The simulation: the world's state, the event loop, and what each event does.
//!
//! One task's path: the service scheduler creates it (PROVISIONING) and places it at once
//! (`placement`); placed, it is PENDING on an instance while its images are pulled (`pull_time`),
//! then the container starts (a drawn start latency), and it goes ACTIVATING → RUNNING. A task
//! that fits nowhere stays PENDING with ECS's reason and is retried whenever capacity changes
//! (an instance registers). Instances boot for a drawn time, then their agent registers into the
//! cluster named by `ECS_CLUSTER`, or never joins.
//!
//! Every processed event is folded into `trace_hash`, with the decisions it led to (which host,
//! which ports), so two runs with the same hash did the same things in the same order.

use crate::cost;
use crate::hash::Fnv;
use crate::instance::{Instance, InstanceState};
use crate::log::{EventLog, LogEntry};
use crate::metrics::{
    self, ClusterSummary, CostSummary, LogSummary, ObjectiveResult, ServiceSummary, Stat, Summary,
    TaskCounts, TimeSeries,
};
use crate::placement::{self, Demand};
use crate::queue::EventQueue;
use crate::rng::Stream;
use crate::scenario::Scenario;
use crate::task::{HeldPort, Task, TaskState};
use crate::taskdef::{HostPortNeed, NetworkMode};
use crate::time::{SimDuration, SimTime};
use crate::units::{HostId, Port, ServiceId, TaskId};
use std::collections::BTreeMap;
use thiserror::Error;

#[derive(Debug, Clone, Copy)]
enum Event {
    InstanceRegisters { host: HostId },
    ServiceStarts { service: ServiceId },
    RetryPlacement,
    PullDone { task: TaskId, generation: u32 },
    ContainerStarted { task: TaskId, generation: u32 },
    Sample,
}

impl Event {
    /// A code per kind and up to two ids, for the trace hash.
    fn fingerprint(&self) -> (u8, u64, u64) {
        match *self {
            Event::InstanceRegisters { host } => (1, host.0 as u64, 0),
            Event::ServiceStarts { service } => (2, service.0 as u64, 0),
            Event::RetryPlacement => (3, 0, 0),
            Event::PullDone { task, generation } => (4, task.0 as u64, generation as u64),
            Event::ContainerStarted { task, generation } => (5, task.0 as u64, generation as u64),
            Event::Sample => (6, 0, 0),
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
}

struct ServiceState {
    /// Tasks waiting for an instance, oldest first.
    waiting: Vec<TaskId>,
    started: u32,
    failed: u32,
    created: u32,
    running: u32,
    steady_at: Option<SimTime>,
    placement_rng: Stream,
    start_rng: Stream,
}

pub struct Simulation {
    sc: Scenario,
    seed: u64,
    now: SimTime,
    end: SimTime,
    queue: EventQueue<Event>,
    instances: Vec<Instance>,
    tasks: Vec<Task>,
    services: Vec<ServiceState>,
    retry_scheduled: bool,
    trace: Fnv,
    events: u64,
    log: EventLog,
    series: TimeSeries,
    check: bool,
    violation: Option<String>,
    scratch_ports: Vec<Port>,
}

impl Simulation {
    pub fn new(sc: &Scenario, opts: &RunOptions) -> Simulation {
        let sc = sc.clone();
        let seed = opts.seed.unwrap_or(sc.spec.seed);
        let duration = opts.duration.unwrap_or(sc.spec.duration);
        let nservices = sc.services.len();
        let mut instances = Vec::new();
        let mut queue = EventQueue::default();
        // The first sample is at t=0, before anything else happens.
        queue.push(SimTime::ZERO, Event::Sample);
        for (gi, g) in sc.groups.iter().enumerate() {
            let mut boot = Stream::new(seed, &format!("boot/{}", g.name));
            let launched = SimTime::ZERO + g.launch_at;
            for k in 0..g.count {
                let id = HostId(instances.len() as u32);
                let az = &g.availability_zones[k as usize % g.availability_zones.len()];
                instances.push(Instance::new(
                    id,
                    gi,
                    &g.type_name,
                    g.spec.clone(),
                    g.agent.clone(),
                    sc.spec.model.os_memory_overhead_pct,
                    az,
                    nservices,
                    launched,
                ));
                queue.push(
                    launched + sc.spec.model.boot_time.sample(&mut boot),
                    Event::InstanceRegisters { host: id },
                );
            }
        }
        let services = sc
            .services
            .iter()
            .map(|s| ServiceState {
                waiting: Vec::new(),
                started: 0,
                failed: 0,
                created: 0,
                running: 0,
                steady_at: None,
                placement_rng: Stream::new(seed, &format!("placement/{}", s.name)),
                start_rng: Stream::new(seed, &format!("container_start/{}", s.name)),
            })
            .collect();
        for (i, s) in sc.services.iter().enumerate() {
            queue.push(
                SimTime::ZERO + s.start_at,
                Event::ServiceStarts {
                    service: ServiceId(i as u32),
                },
            );
        }
        let series = TimeSeries::new(instances.iter().map(|i| i.id.to_string()).collect());
        let mut log = EventLog::new(sc.spec.model.event_log_capacity);
        for g in &sc.groups {
            for (line, key) in &g.agent.unknown_keys {
                log.push(EventLog::entry(
                    SimTime::ZERO,
                    "agent_config",
                    format!("group {}: ecs.config line {line}: unknown key {key} is ignored by the agent", g.name),
                ));
            }
        }
        Simulation {
            seed,
            now: SimTime::ZERO,
            end: SimTime::ZERO + duration,
            queue,
            instances,
            tasks: Vec::new(),
            services,
            retry_scheduled: false,
            trace: Fnv::default(),
            events: 0,
            log,
            series,
            check: opts.check_invariants || cfg!(debug_assertions),
            violation: None,
            scratch_ports: Vec::new(),
            sc,
        }
    }

    pub fn now(&self) -> SimTime {
        self.now
    }

    pub fn end(&self) -> SimTime {
        self.end
    }

    pub fn events(&self) -> u64 {
        self.events
    }

    pub fn instances(&self) -> &[Instance] {
        &self.instances
    }

    pub fn tasks(&self) -> &[Task] {
        &self.tasks
    }

    pub fn scenario(&self) -> &Scenario {
        &self.sc
    }

    /// Processes the next event if it is due by the end of the run; false when the run is over.
    pub fn step(&mut self) -> Result<bool, InvariantViolation> {
        match self.queue.peek_time() {
            Some(t) if t <= self.end => {}
            _ => return Ok(false),
        }
        let Some(ev) = self.queue.pop() else {
            return Ok(false);
        };
        if ev.time < self.now {
            return Err(InvariantViolation {
                time: self.now,
                message: format!("time went back from {} to {}", self.now, ev.time),
            });
        }
        self.now = ev.time;
        self.events += 1;
        let (code, a, b) = ev.event.fingerprint();
        self.trace.write_u64(ev.time.0);
        self.trace.write(&[code]);
        self.trace.write_u64(a);
        self.trace.write_u64(b);
        self.handle(ev.event);
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
        match ev {
            Event::Sample => {
                self.sample();
                let next = self.now + self.sc.spec.sample_step;
                if next <= self.end {
                    self.queue.push(next, Event::Sample);
                }
            }
            Event::InstanceRegisters { host } => self.instance_registers(host),
            Event::ServiceStarts { service } => self.service_starts(service),
            Event::RetryPlacement => {
                self.retry_scheduled = false;
                self.retry_waiting();
            }
            Event::PullDone { task, generation } => {
                if self.tasks[task.index()].generation != generation {
                    return;
                }
                let s = self.tasks[task.index()].service;
                let d = self
                    .sc
                    .spec
                    .model
                    .container_start
                    .sample(&mut self.services[s.index()].start_rng);
                self.queue
                    .push(self.now + d, Event::ContainerStarted { task, generation });
            }
            Event::ContainerStarted { task, generation } => {
                if self.tasks[task.index()].generation != generation {
                    return;
                }
                self.task_running(task);
            }
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
            self.push_log("instance_never_joined", None, None, Some(host), msg);
            return;
        }
        inst.state = InstanceState::Active;
        inst.registered_at = Some(self.now);
        let msg = format!(
            "instance {host} ({}, {}) registered: {} CPU units, {} MiB, after {:.1} s",
            inst.type_name,
            inst.attributes["ecs.availability-zone"],
            inst.registered_cpu.0,
            inst.registered_memory.0,
            self.now.since(inst.launched_at).as_secs_f64()
        );
        self.push_log("instance_registered", None, None, Some(host), msg);
        self.schedule_retry();
    }

    fn schedule_retry(&mut self) {
        if !self.retry_scheduled && self.services.iter().any(|s| !s.waiting.is_empty()) {
            self.retry_scheduled = true;
            self.queue.push(self.now, Event::RetryPlacement);
        }
    }

    fn service_starts(&mut self, s: ServiceId) {
        let desired = self.sc.services[s.index()].desired;
        for _ in 0..desired {
            let ordinal = {
                let st = &mut self.services[s.index()];
                st.created += 1;
                st.created
            };
            let id = TaskId(self.tasks.len() as u32);
            self.tasks.push(Task {
                id,
                service: s,
                taskdef: self.sc.services[s.index()].taskdef,
                ordinal,
                state: TaskState::Provisioning,
                host: None,
                ports: Vec::new(),
                uses_eni: false,
                generation: 0,
                created_at: self.now,
                running_at: None,
                pending_reason: None,
            });
            self.services[s.index()].waiting.push(id);
        }
        self.retry_waiting();
    }

    /// Tries to place every waiting task, service by service, oldest first. Tasks of one service
    /// are alike, so once one fails the rest of that service wait with the same reason.
    fn retry_waiting(&mut self) {
        for si in 0..self.services.len() {
            let waiting = std::mem::take(&mut self.services[si].waiting);
            let mut still = Vec::new();
            let mut failed: Option<placement::Reason> = None;
            for t in waiting {
                if let Some(r) = failed {
                    self.set_waiting_reason(t, r);
                    still.push(t);
                    continue;
                }
                if let Err(r) = self.try_place(t) {
                    failed = Some(r);
                    self.set_waiting_reason(t, r);
                    still.push(t);
                }
            }
            self.services[si].waiting = still;
        }
    }

    fn set_waiting_reason(&mut self, t: TaskId, r: placement::Reason) {
        if self.tasks[t.index()].state == TaskState::Provisioning {
            self.move_task(t, TaskState::Pending);
        }
        let task = &mut self.tasks[t.index()];
        if task.pending_reason != Some(r) {
            task.pending_reason = Some(r);
            let name = self.task_name(t);
            let svc = self.sc.services[self.tasks[t.index()].service.index()]
                .name
                .clone();
            let msg = format!(
                "service {svc} was unable to place task {name}: no container instance met all of its requirements (reason {})",
                r.code()
            );
            self.push_log("task_unplaced", Some(svc), Some(t), None, msg);
        }
    }

    fn task_name(&self, t: TaskId) -> String {
        let task = &self.tasks[t.index()];
        format!(
            "{}:{}",
            self.sc.services[task.service.index()].name,
            task.ordinal
        )
    }

    fn try_place(&mut self, t: TaskId) -> Result<(), placement::Reason> {
        let (si, tdi) = {
            let task = &self.tasks[t.index()];
            (task.service.index(), task.taskdef.index())
        };
        let td = &self.sc.taskdefs[tdi];
        let svc = &self.sc.services[si];
        self.scratch_ports.clear();
        let mut dynamic = 0;
        for need in &td.host_ports {
            match need {
                HostPortNeed::Static(p) => self.scratch_ports.push(*p),
                HostPortNeed::Dynamic => dynamic += 1,
            }
        }
        let demand = Demand {
            service: ServiceId(si as u32),
            cpu: td.cpu,
            memory: td.memory,
            static_ports: &self.scratch_ports,
            dynamic_ports: dynamic,
            needs_eni: td.network_mode == NetworkMode::Awsvpc,
        };
        let host = placement::choose(
            &self.instances,
            &demand,
            &svc.constraints,
            &svc.strategies,
            &mut self.services[si].placement_rng,
        )?;

        // Reserve on the host.
        let inst = &mut self.instances[host.index()];
        inst.reserved_cpu += td.cpu;
        inst.reserved_memory += td.memory;
        let mut held = Vec::with_capacity(td.host_ports.len());
        for need in &td.host_ports {
            match *need {
                HostPortNeed::Static(p) => {
                    inst.ports.take_static(p);
                    held.push(HeldPort {
                        port: p,
                        dynamic: false,
                    });
                }
                HostPortNeed::Dynamic => {
                    // Placement checked that enough ports are free.
                    if let Some(p) = inst.ports.take_dynamic() {
                        held.push(HeldPort {
                            port: p,
                            dynamic: true,
                        });
                    }
                }
            }
        }
        let uses_eni = demand.needs_eni;
        if uses_eni {
            inst.enis_used += 1;
        }
        inst.add_task(t, ServiceId(si as u32));

        // Pull what the host lacks; a pull of the same image already in flight is shared.
        let rate_mb_s = self
            .sc
            .spec
            .model
            .registry_mb_per_s
            .min(inst.spec.network_gbps * 125.0);
        let mut ready = self.now;
        let mut pulls = Vec::new();
        for c in &td.containers {
            let done = match inst.images.iter().find(|(im, _)| im == &c.image) {
                Some((_, done)) => *done,
                None => {
                    let mib = self.sc.image_size_mib(&c.image);
                    let d = SimDuration::from_secs_f64(mib * 1.048_576 / rate_mb_s);
                    let done = self.now + d;
                    inst.images.push((c.image.clone(), done));
                    pulls.push((c.image.clone(), mib, d));
                    done
                }
            };
            ready = ready.max(done);
        }

        self.trace.write_u64(t.0 as u64);
        self.trace.write_u64(host.0 as u64);
        for p in &held {
            self.trace.write(&p.port.to_le_bytes());
        }

        let task = &mut self.tasks[t.index()];
        task.host = Some(host);
        task.ports = held;
        task.uses_eni = uses_eni;
        task.pending_reason = None;
        if task.state == TaskState::Provisioning {
            self.move_task(t, TaskState::Pending);
        }
        let generation = self.tasks[t.index()].generation;
        self.queue.push(
            ready,
            Event::PullDone {
                task: t,
                generation,
            },
        );

        if self.log.has_room() {
            let name = self.task_name(t);
            let ports: Vec<String> = self.tasks[t.index()]
                .ports
                .iter()
                .map(|p| p.port.to_string())
                .collect();
            let where_ = match ports.len() {
                0 => String::new(),
                1 => format!(" port {}", ports[0]),
                _ => format!(" ports {}", ports.join(", ")),
            };
            let svc = self.sc.services[si].name.clone();
            self.push_log(
                "task_placed",
                Some(svc.clone()),
                Some(t),
                Some(host),
                format!("task {name} placed on {host}{where_}"),
            );
            for (image, mib, d) in pulls {
                self.push_log(
                    "image_pull",
                    Some(svc.clone()),
                    Some(t),
                    Some(host),
                    format!("pull of {image} on {host}: {mib:.0} MiB at {rate_mb_s:.1} MB/s takes {:.1} s", d.as_secs_f64()),
                );
            }
        }
        Ok(())
    }

    fn task_running(&mut self, t: TaskId) {
        self.move_task(t, TaskState::Activating);
        self.move_task(t, TaskState::Running);
        let task = &mut self.tasks[t.index()];
        task.running_at = Some(self.now);
        let since = self.now.since(task.created_at).as_secs_f64();
        let (si, host) = (task.service.index(), task.host);
        let st = &mut self.services[si];
        st.started += 1;
        st.running += 1;
        if st.steady_at.is_none() && st.running >= self.sc.services[si].desired {
            st.steady_at = Some(self.now);
        }
        if self.log.has_room() {
            let name = self.task_name(t);
            let on = host.map(|h| format!(" on {h}")).unwrap_or_default();
            let svc = self.sc.services[si].name.clone();
            self.push_log(
                "task_running",
                Some(svc),
                Some(t),
                host,
                format!("task {name} RUNNING{on}, {since:.1} s after it was created"),
            );
        }
    }

    fn move_task(&mut self, t: TaskId, next: TaskState) {
        if let Err(e) = self.tasks[t.index()].move_to(next) {
            self.violation.get_or_insert(e.to_string());
        }
    }

    fn push_log(
        &mut self,
        kind: &'static str,
        service: Option<String>,
        task: Option<TaskId>,
        host: Option<HostId>,
        message: String,
    ) {
        if !self.log.has_room() {
            self.log
                .push(EventLog::entry(self.now, kind, String::new()));
            return;
        }
        let task = task.map(|t| self.task_name(t));
        self.log.push(LogEntry {
            service,
            task,
            host: host.map(|h| h.to_string()),
            ..EventLog::entry(self.now, kind, message)
        });
    }

    fn sample(&mut self) {
        let s = &mut self.series;
        s.t_s.push(self.now.as_secs_f64());
        let (mut reg_cpu, mut res_cpu, mut reg_mem, mut res_mem) = (0u64, 0u64, 0u64, 0u64);
        let (mut active, mut ports) = (0u32, 0u32);
        let mut cost = 0.0;
        for (inst, hs) in self.instances.iter().zip(s.hosts.iter_mut()) {
            cost += cost::ec2_instance_cost(inst.spec.price_per_hour, inst.launched_at, self.now);
            let pct = |a: u32, b: u32| {
                if b == 0 {
                    0.0
                } else {
                    a as f64 * 100.0 / b as f64
                }
            };
            if inst.is_active() {
                active += 1;
                reg_cpu += inst.registered_cpu.0 as u64;
                res_cpu += inst.reserved_cpu.0 as u64;
                reg_mem += inst.registered_memory.0 as u64;
                res_mem += inst.reserved_memory.0 as u64;
                ports += inst.ports.dynamic_in_use();
                hs.cpu_reserved_pct
                    .push(pct(inst.reserved_cpu.0, inst.registered_cpu.0));
                hs.mem_reserved_pct
                    .push(pct(inst.reserved_memory.0, inst.registered_memory.0));
            } else {
                hs.cpu_reserved_pct.push(0.0);
                hs.mem_reserved_pct.push(0.0);
            }
            hs.dynamic_ports_in_use.push(inst.ports.dynamic_in_use());
        }
        let pct = |a: u64, b: u64| {
            if b == 0 {
                0.0
            } else {
                a as f64 * 100.0 / b as f64
            }
        };
        s.instances_active.push(active);
        s.cpu_reserved_pct.push(pct(res_cpu, reg_cpu));
        s.mem_reserved_pct.push(pct(res_mem, reg_mem));
        s.dynamic_ports_in_use.push(ports);
        s.cost_usd.push(cost);
        let mut counts = [0u32; 8];
        for t in &self.tasks {
            counts[t.state as usize] += 1;
        }
        for st in TaskState::ALL {
            if let Some(v) = s.tasks.get_mut(st.name()) {
                v.push(counts[st as usize]);
            }
        }
    }

    /// Checks the rules no state may break: no instance over its registered CPU or memory or ENIs,
    /// its reservations equal to the sum of its tasks', no host port held twice or reserved, and
    /// no illegal task transition so far.
    pub fn check_invariants(&self) -> Result<(), InvariantViolation> {
        let fail = |message: String| {
            Err(InvariantViolation {
                time: self.now,
                message,
            })
        };
        if let Some(v) = &self.violation {
            return fail(v.clone());
        }
        let mut ports: Vec<Port> = Vec::new();
        for inst in &self.instances {
            if inst.reserved_cpu > inst.registered_cpu
                || inst.reserved_memory > inst.registered_memory
            {
                return fail(format!(
                    "{} over capacity: cpu {}/{}, memory {}/{}",
                    inst.id,
                    inst.reserved_cpu.0,
                    inst.registered_cpu.0,
                    inst.reserved_memory.0,
                    inst.registered_memory.0
                ));
            }
            if inst.enis_used > inst.spec.enis.saturating_sub(1) {
                return fail(format!(
                    "{} uses {} task ENIs of {}",
                    inst.id, inst.enis_used, inst.spec.enis
                ));
            }
            let (mut cpu, mut mem) = (0u32, 0u32);
            ports.clear();
            for &t in &inst.tasks {
                let task = &self.tasks[t.index()];
                if task.host != Some(inst.id) {
                    return fail(format!(
                        "task {} listed on {} but placed on {:?}",
                        t.0, inst.id, task.host
                    ));
                }
                let td = &self.sc.taskdefs[task.taskdef.index()];
                cpu += td.cpu.0;
                mem += td.memory.0;
                for p in &task.ports {
                    if inst.ports.is_reserved(p.port) {
                        return fail(format!(
                            "reserved port {} given to task {} on {}",
                            p.port, t.0, inst.id
                        ));
                    }
                    ports.push(p.port);
                }
            }
            if cpu != inst.reserved_cpu.0 || mem != inst.reserved_memory.0 {
                return fail(format!(
                    "{} reservation {}/{} differs from its tasks' {cpu}/{mem}",
                    inst.id, inst.reserved_cpu.0, inst.reserved_memory.0
                ));
            }
            let n = ports.len();
            ports.sort_unstable();
            ports.dedup();
            if ports.len() != n {
                return fail(format!("a host port is held twice on {}", inst.id));
            }
            if inst.ports.in_use().count() != n {
                return fail(format!(
                    "{} port table disagrees with its tasks' ports",
                    inst.id
                ));
            }
        }
        Ok(())
    }

    /// The summary, time series and log of the run so far (normally called at the end).
    pub fn finish(mut self) -> RunOutput {
        // A last sample at the end of the run, if the step did not land on it.
        if self.series.t_s.last().copied() != Some(self.end.as_secs_f64()) {
            self.now = self.end;
            self.sample();
        }
        let summary = self.summary();
        RunOutput {
            summary,
            timeseries: self.series,
            log: self.log,
        }
    }

    fn summary(&self) -> Summary {
        let mut services = BTreeMap::new();
        for (si, svc) in self.sc.services.iter().enumerate() {
            let st = &self.services[si];
            let mut pending_reasons = BTreeMap::new();
            let mut per_instance = BTreeMap::new();
            let (mut running, mut pending) = (0, 0);
            for t in self.tasks.iter().filter(|t| t.service.index() == si) {
                match t.state {
                    TaskState::Running => {
                        running += 1;
                        if let Some(h) = t.host {
                            *per_instance.entry(h.to_string()).or_insert(0) += 1;
                        }
                    }
                    TaskState::Provisioning | TaskState::Pending | TaskState::Activating => {
                        pending += 1
                    }
                    _ => {}
                }
                if let Some(r) = t.pending_reason {
                    *pending_reasons.entry(r.code().to_string()).or_insert(0) += 1;
                }
            }
            services.insert(
                svc.name.clone(),
                ServiceSummary {
                    tasks: TaskCounts {
                        desired: svc.desired,
                        running_end: running,
                        pending_end: pending,
                        started: st.started,
                        failed: st.failed,
                    },
                    pending_reasons,
                    tasks_per_instance: per_instance,
                    time_to_steady_state_s: st.steady_at.map(|t| t.as_secs_f64()),
                },
            );
        }
        let launched = self
            .instances
            .iter()
            .filter(|i| i.launched_at <= self.end)
            .count() as u32;
        let never = self
            .instances
            .iter()
            .filter(|i| i.state == InstanceState::NeverJoined)
            .count() as u32;
        let active = self.instances.iter().filter(|i| i.is_active()).count() as u32;
        let ec2: f64 = self
            .instances
            .iter()
            .map(|i| cost::ec2_instance_cost(i.spec.price_per_hour, i.launched_at, self.end))
            .sum();
        let mut summary = Summary {
            scenario: self.sc.spec.name.clone(),
            scenario_hash: format!("{:016x}", self.sc.hash),
            seed: self.seed,
            engine_version: env!("CARGO_PKG_VERSION"),
            trace_hash: format!("{:016x}", self.trace.finish()),
            events: self.events,
            sim_seconds: self.end.as_secs_f64(),
            services,
            cluster: ClusterSummary {
                name: self.sc.spec.cluster.name.clone(),
                instances_launched: launched,
                instances_end: active,
                instances_never_joined: never,
                cpu_reserved_pct: Stat::of(&self.series.cpu_reserved_pct),
                mem_reserved_pct: Stat::of(&self.series.mem_reserved_pct),
                dynamic_ports_in_use_end: self
                    .instances
                    .iter()
                    .map(|i| i.ports.dynamic_in_use())
                    .sum(),
            },
            cost_usd: CostSummary { total: ec2, ec2 },
            objectives: Vec::new(),
            log: LogSummary {
                entries: self.log.entries.len(),
                dropped: self.log.dropped,
            },
        };
        summary.objectives = evaluate_objectives(&self.sc, &summary);
        summary
    }
}

fn evaluate_objectives(sc: &Scenario, summary: &Summary) -> Vec<ObjectiveResult> {
    let value = serde_json::to_value(summary).unwrap_or(serde_json::Value::Null);
    sc.spec
        .objectives
        .iter()
        .map(|o| {
            let found = metrics::lookup(&value, &o.metric);
            let measured = found.and_then(|v| v.as_f64());
            let error = match (found, measured) {
                (None, _) => Some(format!("the summary has no metric {:?}", o.metric)),
                (Some(_), None) => Some(format!("metric {:?} is not a number", o.metric)),
                _ => None,
            };
            ObjectiveResult {
                name: o.name.clone(),
                metric: o.metric.clone(),
                op: o.op.clone(),
                target: o.value,
                measured,
                held: measured.is_some_and(|m| metrics::compare(m, &o.op, o.value)),
                error,
            }
        })
        .collect()
}
