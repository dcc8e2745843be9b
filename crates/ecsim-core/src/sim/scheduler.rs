//! The service scheduler: creating a service's tasks, placing them (or recording why not),
//! retrying when capacity changes, pulling and starting them. It acts on a change (a desired
//! count, a stopped task) after the control plane's delay, an estimate of 1–5 s
//! (docs/ecs-facts.md §12 "Control-plane delay", `model.scheduler_delay`).

use super::event::{ServiceEvent, TaskEvent};
use super::{Event, Simulation};
use crate::log::LogKind;
use crate::placement::{self, Demand};
use crate::task::{HeldPort, Task, TaskState};
use crate::taskdef::{HostPortNeed, NetworkMode};
use crate::units::{CpuUnits, HostId, MiB, ServiceId, TaskId};

impl Simulation {
    pub(super) fn schedule_retry(&mut self) {
        if !self.retry_scheduled && !self.waiting_services.is_empty() {
            self.retry_scheduled = true;
            self.engine.schedule(
                self.engine.now(),
                Event::Service(ServiceEvent::RetryPlacement),
            );
        }
    }

    /// Creates `n` more tasks of the service and tries to place them (EC2) or launches them
    /// (Fargate).
    pub(super) fn create_tasks(&mut self, s: ServiceId, n: u32) {
        self.create_tasks_for(s, &vec![None; n as usize]);
    }

    /// Creates one more task of the service per entry of `pins`, each only for that instance if
    /// given (a DAEMON service's), and tries to place them.
    pub(super) fn create_tasks_for(&mut self, s: ServiceId, pins: &[Option<HostId>]) {
        let shares = self.sc.services[s.index()].capacity.clone();
        let mut live: Vec<u32> = shares
            .iter()
            .map(|sh| {
                self.services[s.index()]
                    .live
                    .iter()
                    .filter(|t| self.tasks[t.index()].capacity == sh.capacity)
                    .count() as u32
            })
            .collect();
        let mut ec2 = false;
        for &pin in pins {
            let k = crate::capacity::pick(&shares, &live);
            live[k] += 1;
            let capacity = shares[k].capacity;
            let ordinal = {
                let st = &mut self.services[s.index()];
                st.created += 1;
                st.created
            };
            let id = TaskId(self.tasks.len() as u32);
            self.tasks.push(Task {
                id,
                service: s,
                taskdef: self.services[s.index()].taskdef,
                ordinal,
                state: TaskState::Provisioning,
                host: None,
                ports: Vec::new(),
                uses_eni: false,
                generation: 0,
                created_at: self.engine.now(),
                running_at: None,
                pending_reason: None,
                stopped_reason: None,
                start_error: None,
                capacity,
                fargate_zone: None,
                pinned: pin,
                net: None,
                pulls_left: 0,
                placed_at: None,
                pull_done_at: None,
                healthy_at: None,
                health: crate::task::TaskHealth::Unknown,
                billed_from: None,
                stopped_at: None,
                stop_code: None,
                attempt: self.services[s.index()]
                    .batch
                    .next_attempts
                    .pop()
                    .unwrap_or(1),
                succeeded: false,
            });
            let td = &self.sc.taskdefs[self.services[s.index()].taskdef.index()];
            let load = self.new_task_load(s.index(), td);
            self.requests.loads.push(load);
            self.memory.push(Default::default());
            self.services[s.index()].live.push(id);
            if capacity.is_fargate() {
                self.fargate_launch(id);
            } else if pin.is_some() {
                // A daemon's task for a new instance goes before the replicas waiting for room.
                if let Err(r) = self.try_place(id) {
                    self.services[s.index()].waiting.push(id);
                    self.waiting_services.insert(s.index());
                    self.set_waiting_reason(id, r);
                }
            } else {
                self.services[s.index()].waiting.push(id);
                self.waiting_services.insert(s.index());
                ec2 = true;
            }
        }
        if ec2 {
            self.retry_waiting();
        }
    }

    /// `aws ecs update-service --desired-count`: start more tasks, or stop the surplus. ECS stops
    /// tasks that have not started before running ones, and running ones from the instance with
    /// the most tasks of the service first (the reverse of spread; docs/ecs-facts.md §4 "Service default
    /// strategy", scale-in), newest first among equals.
    pub(super) fn update_service(&mut self, s: ServiceId, desired: u32) {
        let si = s.index();
        let (before, active) = (self.services[si].desired, self.services[si].active);
        self.services[si].desired = desired;
        let name = self.sc.services[si].name.clone();
        let when = if active {
            ""
        } else {
            " (before it is created)"
        };
        let msg = format!("service {name} desired count {before} -> {desired}{when}");
        self.push_log(LogKind::ServiceUpdated, Some(name), None, None, msg);
        if active {
            if desired > before && self.services[si].scale_up_since.is_none() {
                self.services[si].scale_up_since = Some(self.engine.now());
            }
            self.service_retry(s);
            self.scale_up_check(si);
        }
    }

    /// A scale-up is over once the service runs its desired count (or the count fell back).
    pub(super) fn scale_up_check(&mut self, si: usize) {
        let st = &mut self.services[si];
        if let Some(since) = st.scale_up_since {
            if st.running >= st.desired {
                st.scale_ups
                    .push(self.engine.now().since(since).as_secs_f64());
                st.scale_up_since = None;
            }
        }
    }

    /// The service is created: it starts its desired tasks.
    pub(super) fn create_service(&mut self, s: ServiceId) {
        let si = s.index();
        self.services[si].active = true;
        let name = self.sc.services[si].name.clone();
        let msg = if self.sc.services[si].daemon {
            format!("service {name} created: DAEMON, one task on each instance that meets its constraints")
        } else {
            format!(
                "service {name} created with desired count {}",
                self.services[si].desired
            )
        };
        self.push_log(LogKind::ServiceCreated, Some(name), None, None, msg);
        self.reconcile(s);
    }

    /// Brings the service's live tasks (placed or waiting, not stopping) to its desired count.
    fn reconcile(&mut self, s: ServiceId) {
        if self.sc.services[s.index()].daemon {
            return self.reconcile_daemon(s);
        }
        if self.rolling(s.index()) {
            return self.reconcile_deployment(s);
        }
        let desired = self.services[s.index()].desired;
        let live = self.services[s.index()].live.clone();
        let n = live.len() as u32;
        if n < desired {
            self.create_tasks(s, desired - n);
            return;
        }
        // Which tasks go keeps the placement strategy (`placement::scale_in_keys`). Tasks of the
        // service per host, and what the stops free, as the stops proceed: a stopping task
        // still holds its place until it exits, so count locally.
        let random = self.sc.services[s.index()]
            .strategies
            .contains(&placement::Strategy::Random);
        let mut crowd: Vec<u32> = self.instances.iter().map(|i| i.tasks_of(s)).collect();
        let mut freed = vec![(CpuUnits(0), MiB(0)); self.instances.len()];
        let mut live = live;
        for _ in desired..n {
            let keys = placement::scale_in_keys(
                &self.instances,
                &crowd,
                &freed,
                &self.sc.services[s.index()].strategies,
            );
            // With random, a task at random among the rest; the newest settles what is left.
            let pick = random.then(|| self.services[s.index()].streams.placement.next_u64());
            let key = |t: &TaskId| {
                let task = &self.tasks[t.index()];
                let host = task
                    .host
                    .map_or([0; placement::MAX_STRATEGIES], |h| keys[h.index()]);
                // Not started first; then as the strategy says; then the newest.
                (
                    task.state == TaskState::Running,
                    host,
                    pick.map_or(0, |p| (t.0 as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15) ^ p),
                    std::cmp::Reverse(t.0),
                )
            };
            let Some((i, _)) = live.iter().enumerate().min_by_key(|(_, t)| key(t)) else {
                break;
            };
            let t = live.swap_remove(i);
            if let Some(h) = self.tasks[t.index()].host {
                crowd[h.index()] -= 1;
                let td = &self.sc.taskdefs[self.tasks[t.index()].taskdef.index()];
                freed[h.index()].0 += td.cpu;
                freed[h.index()].1 += td.memory;
            }
            self.stop(t, super::StopCause::Scheduler);
        }
        self.schedule_retry();
    }

    /// A change the service scheduler must act on (a desired count, a task stopped): it does
    /// after the control plane's delay (`model.scheduler_delay`), at once when that is zero.
    pub(super) fn service_retry(&mut self, s: ServiceId) {
        if !self.services[s.index()].active || self.services[s.index()].acts_pending {
            return;
        }
        let d = self
            .sc
            .spec
            .model
            .scheduler_delay
            .sample(&mut self.services[s.index()].streams.control);
        if d.is_zero() {
            self.reconcile(s);
        } else {
            self.services[s.index()].acts_pending = true;
            self.engine.schedule(
                self.engine.now() + d,
                Event::Service(ServiceEvent::Acts { service: s }),
            );
        }
    }

    /// The scheduler acts: back to the desired count.
    pub(super) fn scheduler_acts(&mut self, s: ServiceId) {
        if self.services[s.index()].active {
            self.reconcile(s);
        }
    }

    /// Tries to place every waiting task, service by service, oldest first. Tasks of one service
    /// are alike, so once one fails the rest of that service wait with the same reason.
    pub(super) fn retry_waiting(&mut self) {
        let mut services: Vec<usize> = self.waiting_services.iter().copied().collect();
        // DAEMON services' tasks first: ECS keeps their room from pending replica tasks.
        services.sort_by_key(|&si| !self.sc.services[si].daemon);
        for si in services {
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
            if still.is_empty() {
                self.waiting_services.remove(&si);
            }
            self.services[si].waiting = still;
        }
    }

    /// Task `t` of service `si` no longer waits for a place.
    pub(super) fn unwait(&mut self, si: usize, t: TaskId) {
        let w = &mut self.services[si].waiting;
        w.retain(|&x| x != t);
        if w.is_empty() {
            self.waiting_services.remove(&si);
        }
    }

    pub(super) fn set_waiting_reason(&mut self, t: TaskId, r: placement::Reason) {
        // A task of an EC2 capacity provider waits in PROVISIONING for the provider to launch
        // capacity (docs/ecs-facts.md §6); others are PENDING with the placement failure.
        let on_provider = matches!(
            self.tasks[t.index()].capacity,
            crate::capacity::Capacity::Provider(_)
        );
        if self.tasks[t.index()].state == TaskState::Provisioning && !on_provider {
            self.move_task(t, TaskState::Pending);
        }
        let task = &mut self.tasks[t.index()];
        if task.pending_reason != Some(r) {
            task.pending_reason = Some(r);
            let name = self.task_name(t);
            let svc = self.sc.services[self.tasks[t.index()].service.index()]
                .name
                .clone();
            let mut msg = format!(
                "service {svc} was unable to place task {name}: no container instance met all of its requirements (reason {})",
                r.code()
            );
            if r == placement::Reason::Attribute {
                // Name the capabilities no registered instance offers (from the agents' ecs.config).
                let td = &self.sc.taskdefs[self.tasks[t.index()].taskdef.index()];
                let missing: Vec<&str> = td
                    .requires
                    .iter()
                    .filter(|a| {
                        !self
                            .instances
                            .iter()
                            .any(|i| i.is_active() && i.attributes.contains_key(*a))
                    })
                    .map(String::as_str)
                    .collect();
                if !missing.is_empty() {
                    msg += &format!("; no instance has {}", missing.join(", "));
                }
            }
            self.push_log(LogKind::TaskUnplaced, Some(svc), Some(t), None, msg);
        }
    }

    pub(super) fn try_place(&mut self, t: TaskId) -> Result<(), placement::Reason> {
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
            requires: &td.requires,
            host: self.tasks[t.index()].pinned,
            group: match self.tasks[t.index()].capacity {
                crate::capacity::Capacity::Provider(k) => Some(self.sc.providers[k as usize].group),
                _ => None,
            },
        };
        let host = placement::choose(
            &self.instances,
            &demand,
            &svc.constraints,
            &svc.strategies,
            &mut self.services[si].streams.placement,
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

        let images = &self.sc.taskdef_images[tdi];
        for (k, &im) in images.iter().enumerate() {
            if !images[..k].contains(&im) {
                self.pulls.nets[host.index()].cache.add_user(im);
            }
        }

        self.engine.fold(t.0 as u64);
        self.engine.fold(host.0 as u64);
        for p in &held {
            self.engine.fold_bytes(&p.port.to_le_bytes());
        }

        let task = &mut self.tasks[t.index()];
        task.host = Some(host);
        self.requests.loads[t.index()].task.host = Some(host);
        task.ports = held;
        task.uses_eni = uses_eni;
        task.pending_reason = None;
        // An instance slot pulls over the network of the same index.
        task.net = Some(crate::units::NetId(host.0));
        let eni = if uses_eni {
            // PROVISIONING while its ENI is created and attached; the pull waits for it.
            let d = self
                .sc
                .spec
                .model
                .eni_attach
                .sample(&mut self.services[si].streams.eni);
            let generation = self.tasks[t.index()].generation;
            self.engine.schedule(
                self.engine.now() + d,
                Event::task(t, generation, TaskEvent::EniAttached),
            );
            Some(d)
        } else {
            self.placed_now(t);
            if self.tasks[t.index()].state == TaskState::Provisioning {
                self.move_task(t, TaskState::Pending);
            }
            None
        };
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
                LogKind::TaskPlaced,
                Some(svc.clone()),
                Some(t),
                Some(host),
                format!("task {name} placed on {host}{where_}"),
            );
        }
        if eni.is_none() {
            self.start_task_pulls(t);
        }
        Ok(())
    }

    /// The task's ENI is attached: PENDING, and its pulls begin.
    pub(super) fn eni_attached(&mut self, t: TaskId) {
        self.placed_now(t);
        if self.tasks[t.index()].state == TaskState::Provisioning {
            self.move_task(t, TaskState::Pending);
        }
        self.start_task_pulls(t);
    }
}
