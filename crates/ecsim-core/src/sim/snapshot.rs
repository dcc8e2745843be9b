//! A picture of the cluster at one moment, for the web app's cluster view: each container
//! instance with its capacity, state and the tasks on it (their state, reservation, host ports,
//! target health and requests in flight), the image pulls in flight on it, the tasks on Fargate,
//! the tasks waiting for an instance with ECS's reason, and each load balancer's targets.
//!
//! Taken on request (`Simulation::snapshot`, which a front end calls between slices of a run)
//! or at sample times when `RunOptions::snapshots` is on, thinned to at most `MAX_SNAPSHOTS`
//! over the run so a long run stays small; reading the state changes nothing, so the run and its
//! `trace_hash` are the same with snapshots or without. Every launched instance is also a
//! compact row (`HostRow`: its numbers, and its tasks counted by service rather than listed), so
//! a view of a thousand instances can reach each one; the snapshots are thinned further so the
//! rows over the run stay within `MAX_ROWS`.

use super::Simulation;
use crate::capacity::Capacity;
use crate::instance::InstanceState;
use crate::task::TaskState;
use serde::{Deserialize, Serialize};

/// At most this many snapshots are kept over a run at sample times (and one more at its end).
pub const MAX_SNAPSHOTS: usize = 240;
/// Instances (and Fargate tasks) beyond this many are counted, not drawn.
pub const MAX_DRAWN: usize = 64;
/// Instance rows kept over all of a run's snapshots, at most (about 100 bytes each, and some 40
/// more per service with tasks on the instance: a few MB in all).
pub const MAX_ROWS: usize = 100_000;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClusterSnapshot {
    pub t_s: f64,
    pub hosts: Vec<HostSnapshot>,
    pub hosts_not_shown: u32,
    /// Every launched instance, drawn or not, in id order.
    pub rows: Vec<HostRow>,
    pub fargate: Vec<TaskSnapshot>,
    pub fargate_not_shown: u32,
    /// Tasks waiting for an instance, per service and reason.
    pub waiting: Vec<Waiting>,
    pub balancers: Vec<BalancerSnapshot>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HostSnapshot {
    pub id: String,
    pub instance_type: String,
    pub zone: String,
    /// `booting`, `ACTIVE`, `DRAINING`, `never joined` or `terminated`.
    pub state: String,
    /// Registered CPU units and MiB (the type's, before it registers).
    pub cpu: u32,
    pub memory_mib: u32,
    pub cpu_reserved: u32,
    pub memory_reserved_mib: u32,
    pub dynamic_ports_in_use: u32,
    pub tasks: Vec<TaskSnapshot>,
    pub pulls: Vec<PullSnapshot>,
}

/// An instance's numbers at the snapshot's time, for a table or heat map of many.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HostRow {
    pub id: String,
    /// Its instance group's name.
    pub group: String,
    pub instance_type: String,
    pub zone: String,
    pub state: String,
    pub cpu: u32,
    pub cpu_reserved: u32,
    pub memory_mib: u32,
    pub memory_reserved_mib: u32,
    /// Tasks on it, any state but stopped.
    pub tasks: u32,
    pub dynamic_ports_in_use: u32,
    /// Those tasks by service, in name order: what a drill-down into one instance of many
    /// shows, where its box (and so its task list) is not drawn.
    pub services: Vec<ServiceOnHost>,
}

/// One service's tasks on an instance.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ServiceOnHost {
    pub service: String,
    pub running: u32,
    /// On their way up or down: provisioning, pending, activating, deactivating, stopping.
    pub other: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TaskSnapshot {
    /// `web:3`.
    pub name: String,
    pub state: String,
    pub cpu: u32,
    pub memory_mib: u32,
    /// Host ports it holds (bridge and host mode).
    pub host_ports: Vec<u16>,
    /// An ENI of its own (awsvpc).
    pub eni: bool,
    /// Its load balancer target: `healthy`, `initial` (health checks under way) or `draining`;
    /// None when its service gets no traffic or it is not a target.
    pub target: Option<String>,
    pub in_flight: u32,
    /// `FARGATE_SPOT` tasks say so.
    pub spot: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PullSnapshot {
    pub image: String,
    pub layers_done: u32,
    pub layers: u32,
    /// Tasks waiting for it.
    pub tasks: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Waiting {
    pub service: String,
    pub tasks: u32,
    /// ECS's reason (`RESOURCE:PORTS`), or empty before placement was tried.
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BalancerSnapshot {
    pub service: String,
    /// `application` or `classic`.
    pub kind: String,
    pub algorithm: String,
    pub healthy: u32,
    pub requests_in_system: u64,
}

/// The cluster views a run keeps: one every `stride` samples (0: none).
#[derive(Debug, Clone, Default)]
pub(super) struct Snapshots {
    pub(super) stride: u64,
    /// Samples taken so far.
    pub(super) taken: u64,
    pub(super) list: Vec<ClusterSnapshot>,
}

impl Snapshots {
    pub(super) fn every(stride: u64) -> Self {
        Snapshots {
            stride,
            ..Default::default()
        }
    }
}

impl Simulation {
    /// These tasks (an instance's) by service, in the services' name order.
    fn services_on(&self, tasks: &[crate::units::TaskId]) -> Vec<ServiceOnHost> {
        let mut by: std::collections::BTreeMap<&str, (u32, u32)> = Default::default();
        for t in tasks {
            let task = &self.tasks[t.index()];
            if task.state == TaskState::Stopped {
                continue;
            }
            let e = by
                .entry(self.sc.services[task.service.index()].name.as_str())
                .or_default();
            if task.state == TaskState::Running {
                e.0 += 1;
            } else {
                e.1 += 1;
            }
        }
        by.into_iter()
            .map(|(service, (running, other))| ServiceOnHost {
                service: service.to_string(),
                running,
                other,
            })
            .collect()
    }

    /// The cluster as it is now.
    pub fn snapshot(&self) -> ClusterSnapshot {
        let target_of = |i: usize| -> Option<String> {
            let t = &self.tasks[i];
            let load = self.requests.loads.get(i)?;
            load.traffic?;
            // The load's registration position says what `targets.contains` would, without a scan
            // of the group per task.
            let listed = load.target.is_some();
            Some(
                match (listed, t.state) {
                    (true, _) => "healthy",
                    (false, TaskState::Running) if t.healthy_at.is_none() => "initial",
                    (false, TaskState::Running) => "unused",
                    (false, TaskState::Deactivating | TaskState::Stopping)
                        if t.healthy_at.is_some() =>
                    {
                        "draining"
                    }
                    _ => return None,
                }
                .into(),
            )
        };
        let task = |i: usize| -> TaskSnapshot {
            let t = &self.tasks[i];
            let td = &self.sc.taskdefs[t.taskdef.index()];
            TaskSnapshot {
                name: self.task_name(t.id),
                state: t.state.name().into(),
                cpu: td.cpu.0,
                memory_mib: td.memory.0,
                host_ports: t.ports.iter().map(|p| p.port).collect(),
                eni: t.uses_eni || t.capacity.is_fargate(),
                target: target_of(i),
                in_flight: self
                    .requests
                    .loads
                    .get(i)
                    .map_or(0, |l| l.busy + l.queue.len() as u32),
                spot: t.capacity == Capacity::FargateSpot,
            }
        };
        // An Auto Scaling group's empty slots are not instances.
        let launched: Vec<_> = self
            .instances
            .iter()
            .filter(|i| i.state != InstanceState::NotLaunched)
            .collect();
        let rows: Vec<HostRow> = launched
            .iter()
            .map(|inst| {
                let booted = inst.registered_at.is_some();
                HostRow {
                    id: inst.id.to_string(),
                    group: self
                        .sc
                        .groups
                        .get(inst.group)
                        .map_or(String::new(), |g| g.name.clone()),
                    instance_type: inst.type_name.clone(),
                    zone: inst
                        .attributes
                        .get("ecs.availability-zone")
                        .cloned()
                        .unwrap_or_default(),
                    state: match inst.state {
                        InstanceState::NotLaunched => "not launched",
                        InstanceState::Pending => "booting",
                        InstanceState::Active => "ACTIVE",
                        InstanceState::NeverJoined => "never joined",
                        InstanceState::Draining => "DRAINING",
                        InstanceState::Terminated => "terminated",
                    }
                    .into(),
                    cpu: if booted {
                        inst.registered_cpu.0
                    } else {
                        inst.spec.vcpu * 1024
                    },
                    memory_mib: if booted {
                        inst.registered_memory.0
                    } else {
                        inst.spec.memory_mib
                    },
                    cpu_reserved: inst.reserved_cpu.0,
                    memory_reserved_mib: inst.reserved_memory.0,
                    tasks: inst.tasks.len() as u32,
                    dynamic_ports_in_use: inst.ports.dynamic_in_use(),
                    services: self.services_on(&inst.tasks),
                }
            })
            .collect();
        let hosts: Vec<HostSnapshot> = launched
            .iter()
            .zip(&rows)
            .take(MAX_DRAWN)
            .map(|(inst, row)| HostSnapshot {
                id: row.id.clone(),
                instance_type: row.instance_type.clone(),
                zone: row.zone.clone(),
                state: row.state.clone(),
                cpu: row.cpu,
                memory_mib: row.memory_mib,
                cpu_reserved: row.cpu_reserved,
                memory_reserved_mib: row.memory_reserved_mib,
                dynamic_ports_in_use: row.dynamic_ports_in_use,
                tasks: inst.tasks.iter().map(|t| task(t.index())).collect(),
                pulls: self.pulls.snapshot(inst.id.index(), &self.sc.images),
            })
            .collect();
        let on_fargate: Vec<usize> = self
            .tasks
            .iter()
            .enumerate()
            .filter(|(_, t)| t.capacity.is_fargate() && t.state != TaskState::Stopped)
            .map(|(i, _)| i)
            .collect();
        let mut waiting: Vec<Waiting> = Vec::new();
        for (si, s) in self.services.iter().enumerate() {
            for &t in &s.waiting {
                let reason = self.tasks[t.index()]
                    .pending_reason
                    .map_or(String::new(), |r| r.code().to_string());
                let service = &self.sc.services[si].name;
                match waiting
                    .iter_mut()
                    .find(|w| &w.service == service && w.reason == reason)
                {
                    Some(w) => w.tasks += 1,
                    None => waiting.push(Waiting {
                        service: service.clone(),
                        tasks: 1,
                        reason,
                    }),
                }
            }
        }
        ClusterSnapshot {
            t_s: self.engine.now().as_secs_f64(),
            hosts_not_shown: rows.len().saturating_sub(MAX_DRAWN) as u32,
            hosts,
            rows,
            fargate_not_shown: on_fargate.len().saturating_sub(MAX_DRAWN) as u32,
            fargate: on_fargate.into_iter().take(MAX_DRAWN).map(task).collect(),
            waiting,
            balancers: self
                .requests
                .traffic
                .iter()
                .map(|tr| BalancerSnapshot {
                    service: self.sc.services[tr.spec.service].name.clone(),
                    kind: if tr.spec.classic {
                        "classic"
                    } else {
                        "application"
                    }
                    .into(),
                    algorithm: tr.spec.algorithm.name().into(),
                    healthy: tr.targets.len() as u32,
                    requests_in_system: tr.in_system,
                })
                .collect(),
        }
    }

    /// Keeps a snapshot at this sample when snapshots are on, one sample in `stride` (the stride
    /// set from the number of samples so that at most `MAX_SNAPSHOTS` are kept).
    pub(super) fn keep_snapshot(&mut self) {
        if self.snapshots.stride == 0 {
            return;
        }
        if self.snapshots.taken % self.snapshots.stride == 0 {
            let s = self.snapshot();
            self.snapshots.list.push(s);
        }
        self.snapshots.taken += 1;
    }
}
