//! The memory a task's containers use, not only what they reserve: each modelled application's
//! baseline (drawn per task from the `memory/<service>` stream), so much per request the task
//! holds (a range is drawn per request, keyed by the task and the request's arrival so that the
//! draw is made again, not stored, when the request ends), and its leak per hour since RUNNING
//! (`application::MemoryUse`). Memory is checked when
//! a request arrives at the task, at each sample, and at the moment a leak alone reaches a limit.
//!
//! A container over its hard limit (`memory`) is killed by the kernel: its reason is
//! "OutOfMemoryError: Container killed due to memory usage", its exit code 137, and the task's
//! stopped reason "Essential container in task exited". So is one that takes the task over its
//! task-level `memory` (the task's cgroup; always set on Fargate), the largest first. A container
//! with only a soft limit (`memoryReservation`) may use what its instance has free. When the
//! instance's tasks use more than it registered, the kernel's OOM killer stops the container that
//! uses the most memory. An essential container's kill stops the task (EssentialContainerExited),
//! and the service starts another; a non-essential one's kill leaves the task running without it
//! (docs/ecs-facts.md §12 "Memory used and OutOfMemoryError").
//!
//! A service's memory utilization is `ECSServiceAverageMemoryUtilization`: the memory its RUNNING
//! tasks use ÷ the memory they reserve × 100, which can exceed 100 % with soft limits.

use super::event::TaskEvent;
use super::{Event, Simulation};
use crate::log::LogKind;
use crate::task::TaskState;
use crate::time::SimDuration;
use crate::units::TaskId;

/// The reason ECS gives a container killed for its memory.
pub const OOM_REASON: &str = "OutOfMemoryError: Container killed due to memory usage";

/// What a task's applications use.
#[derive(Debug, Clone, Default)]
pub(super) struct TaskMemory {
    /// Each container's baseline in MiB, drawn when the task is RUNNING; empty when none of its
    /// containers has a memory model.
    base: Vec<f64>,
    /// Containers killed for their memory (bit i: container i).
    killed: u64,
    /// The per-request draws of the requests it holds, summed (`MemoryUse::used`).
    draws: f64,
    /// Whether its requests draw their memory from a range (then `draws` is kept).
    drawn: bool,
}

/// The container that breaks a limit, and what it uses.
struct Breach {
    container: usize,
    used: f64,
    limit: String,
}

impl Simulation {
    /// The task is RUNNING: its applications' baselines, and when a leak alone would reach a
    /// limit.
    pub(super) fn memory_start(&mut self, t: TaskId) {
        let task = &self.tasks[t.index()];
        let td = &self.sc.taskdefs[task.taskdef.index()];
        if td.containers.iter().all(|c| c.app.memory.is_none()) {
            return;
        }
        let si = task.service.index();
        let rng = &mut self.services[si].streams.memory;
        let base: Vec<f64> = td
            .containers
            .iter()
            .map(|c| {
                c.app.memory.map_or(0.0, |m| {
                    if m.high > m.low {
                        m.low + (m.high - m.low) * rng.uniform()
                    } else {
                        m.low
                    }
                })
            })
            .collect();
        let drawn = td
            .containers
            .iter()
            .any(|c| c.app.memory.is_some_and(|m| m.draws_per_request()));
        let mem = &mut self.memory[t.index()];
        mem.base = base;
        mem.drawn = drawn;
        self.requests.loads[t.index()].task.memory = self.memory_modelled(t);
        self.plan_leak(t);
        self.memory_check(t);
    }

    /// The draw of the request that arrived at `arrived` on the task: the same when it arrives
    /// and when it ends, so nothing is stored per request.
    fn request_draw(&self, t: TaskId, arrived: crate::time::SimTime) -> f64 {
        crate::rng::keyed_uniform(&[self.seed, t.0 as u64, arrived.0])
    }

    /// The task took a request (into service or its queue): its memory grows by the request's.
    pub(super) fn memory_request_held(&mut self, t: TaskId, arrived: crate::time::SimTime) {
        // Its load's copy of `memory_modelled`: without a model there is nothing to draw or
        // check, and the task's memory record is not read at all.
        if !self.requests.loads[t.index()].task.memory {
            return;
        }
        if self.memory[t.index()].drawn {
            let u = self.request_draw(t, arrived);
            self.memory[t.index()].draws += u;
        }
        self.memory_check(t);
    }

    /// A request the task held is done: its memory goes back.
    pub(super) fn memory_request_done(&mut self, t: TaskId, arrived: crate::time::SimTime) {
        if !self.requests.loads[t.index()].task.memory || !self.memory[t.index()].drawn {
            return;
        }
        let u = self.request_draw(t, arrived);
        let load = &self.requests.loads[t.index()];
        let mem = &mut self.memory[t.index()];
        // With nothing held the sum is 0 exactly (rounding does not pile up).
        mem.draws = if load.busy + load.queue.len() as u32 == 0 {
            0.0
        } else {
            (mem.draws - u).max(0.0)
        };
    }

    /// When a leak alone — no request held — next takes a live container to its hard limit or the
    /// task to its own, counted from RUNNING: an `OutOfMemory` event then. Planned at RUNNING and
    /// again after a non-essential container is killed (the task's sum is smaller then).
    fn plan_leak(&mut self, t: TaskId) {
        let task = &self.tasks[t.index()];
        let (Some(running), mem) = (task.running_at, &self.memory[t.index()]) else {
            return;
        };
        let td = &self.sc.taskdefs[task.taskdef.index()];
        let since = self.engine.now().since(running).as_secs_f64() / 3600.0;
        let mut soonest: Option<f64> = None;
        let mut consider = |hours: f64| {
            if hours.is_finite() && hours >= since {
                soonest = Some(soonest.map_or(hours, |s: f64| s.min(hours)));
            }
        };
        let (mut at_start, mut growth) = (0.0, 0.0);
        for (c, container) in td.containers.iter().enumerate() {
            if mem.killed & (1 << c.min(63)) != 0 {
                continue;
            }
            let Some(m) = container.app.memory else {
                // It counts as using its reservation, leak-free.
                at_start += container.reservation.0 as f64;
                continue;
            };
            at_start += mem.base[c];
            growth += m.growth_per_hour;
            if let (Some(hard), true) = (container.memory_limit, m.growth_per_hour > 0.0) {
                consider((hard.0 as f64 - mem.base[c]) / m.growth_per_hour);
            }
        }
        if let (Some(limit), true) = (td.memory_limit, growth > 0.0) {
            consider((limit.0 as f64 - at_start) / growth);
        }
        if let Some(h) = soonest {
            let generation = task.generation;
            // Just past the crossing, so the check there sees the limit broken.
            let at = running + SimDuration::from_secs_f64(h * 3600.0 + 1e-6);
            self.engine
                .schedule(at, Event::task(t, generation, TaskEvent::OutOfMemory));
        }
    }

    /// MiB a container of a task whose memory is modelled uses now: its application's use, or
    /// for a container without a memory model what it reserves (all that is known of it); 0
    /// once it has been killed.
    fn container_memory(&self, t: TaskId, c: usize) -> f64 {
        let mem = &self.memory[t.index()];
        if mem.killed & (1 << c.min(63)) != 0 {
            return 0.0;
        }
        let task = &self.tasks[t.index()];
        let container = &self.sc.taskdefs[task.taskdef.index()].containers[c];
        let Some(m) = container.app.memory else {
            return container.reservation.0 as f64;
        };
        let load = &self.requests.loads[t.index()];
        let held = load.busy + load.queue.len() as u32;
        let hours = task
            .running_at
            .map_or(0.0, |r| self.engine.now().since(r).as_secs_f64() / 3600.0);
        m.used(mem.base[c], held, mem.draws, hours)
    }

    /// MiB the task uses: its containers' use, and for a task with no memory model its
    /// reservation.
    pub(super) fn task_memory(&self, t: TaskId) -> f64 {
        let td = &self.sc.taskdefs[self.tasks[t.index()].taskdef.index()];
        if self.memory[t.index()].base.is_empty() {
            return td.memory.0 as f64;
        }
        (0..td.containers.len())
            .map(|c| self.container_memory(t, c))
            .sum()
    }

    /// Whether the task's memory use is modelled.
    pub(super) fn memory_modelled(&self, t: TaskId) -> bool {
        !self.memory[t.index()].base.is_empty()
    }

    /// A request came, or a leak reached a limit: the kernel kills what is over its limit.
    pub(super) fn memory_check(&mut self, t: TaskId) {
        if self.tasks[t.index()].state != TaskState::Running || !self.memory_modelled(t) {
            return;
        }
        if let Some(b) = self.breach(t) {
            self.oom_kill(t, b);
        }
    }

    /// The first limit the task's containers break: a container's hard limit, then the task's
    /// (its largest container goes). Allocates nothing: it runs on every request.
    fn breach(&self, t: TaskId) -> Option<Breach> {
        let td = &self.sc.taskdefs[self.tasks[t.index()].taskdef.index()];
        let (mut total, mut largest) = (0.0, (0, 0.0));
        for (c, container) in td.containers.iter().enumerate() {
            let u = self.container_memory(t, c);
            if let Some(hard) = container.memory_limit {
                if u > hard.0 as f64 {
                    return Some(Breach {
                        container: c,
                        used: u,
                        limit: format!("its hard limit of {hard}"),
                    });
                }
            }
            total += u;
            if u > largest.1 {
                largest = (c, u);
            }
        }
        match td.memory_limit {
            Some(limit) if total > limit.0 as f64 => Some(Breach {
                container: largest.0,
                used: largest.1,
                limit: format!("the task's {limit} ({total:.0} MiB in use)"),
            }),
            _ => None,
        }
    }

    /// At each sample: every task's limits (a leak between requests), then the instances whose
    /// tasks use more memory than they registered lose their largest container to the kernel's
    /// OOM killer, until they fit.
    pub(super) fn memory_sample(&mut self) {
        if !self
            .sc
            .taskdefs
            .iter()
            .any(|td| td.containers.iter().any(|c| c.app.memory.is_some()))
        {
            return;
        }
        let live: Vec<TaskId> = self
            .services
            .iter()
            .flat_map(|s| s.live.iter().copied())
            .collect();
        for t in live {
            self.memory_check(t);
        }
        for h in 0..self.instances.len() {
            loop {
                let inst = &self.instances[h];
                let running = |t: &&TaskId| self.tasks[t.index()].state == TaskState::Running;
                // A task on its way out holds its memory until its containers exit.
                let holds = |t: &&TaskId| {
                    matches!(
                        self.tasks[t.index()].state,
                        TaskState::Running | TaskState::Deactivating | TaskState::Stopping
                    )
                };
                let used: f64 = inst
                    .tasks
                    .iter()
                    .filter(holds)
                    .map(|&t| self.task_memory(t))
                    .sum();
                let registered = inst.registered_memory.0 as f64;
                if used <= registered {
                    break;
                }
                // The modelled container using the most memory: the kernel's choice, by size.
                let mut victim: Option<(TaskId, usize, f64)> = None;
                for &t in inst.tasks.iter().filter(running) {
                    if !self.memory_modelled(t) {
                        continue;
                    }
                    let td = &self.sc.taskdefs[self.tasks[t.index()].taskdef.index()];
                    for (c, container) in td.containers.iter().enumerate() {
                        let u = self.container_memory(t, c);
                        if container.app.memory.is_some() && victim.is_none_or(|v| u > v.2) {
                            victim = Some((t, c, u));
                        }
                    }
                }
                let Some((t, c, u)) = victim.filter(|v| v.2 > 0.0) else {
                    break;
                };
                let limit = format!(
                    "the instance's {registered:.0} MiB ({used:.0} MiB in use by its tasks)"
                );
                self.oom_kill(
                    t,
                    Breach {
                        container: c,
                        used: u,
                        limit,
                    },
                );
            }
        }
    }

    /// The kernel kills the container: an essential one takes the task with it.
    fn oom_kill(&mut self, t: TaskId, b: Breach) {
        let td = &self.sc.taskdefs[self.tasks[t.index()].taskdef.index()];
        let container = &td.containers[b.container];
        let essential = container.essential;
        let msg = format!(
            "task {}: container {} {OOM_REASON} (exit code 137): {:.0} MiB over {}{}",
            self.task_name(t),
            container.name,
            b.used,
            b.limit,
            if essential {
                ""
            } else {
                "; it is not essential, so the task goes on"
            }
        );
        self.log_task(t, LogKind::OutOfMemory, msg);
        self.memory[t.index()].killed |= 1 << b.container.min(63);
        if !essential {
            self.plan_leak(t);
            return;
        }
        let si = self.tasks[t.index()].service.index();
        self.services[si].oom_killed += 1;
        self.stop(t, super::StopCause::OutOfMemory);
        self.service_retry(crate::units::ServiceId(si as u32));
    }

    /// Whether the memory use of the service's tasks is modelled: a revision of its family has
    /// an application with a memory model.
    pub(super) fn service_memory_modelled(&self, si: usize) -> bool {
        let family = &self.sc.taskdefs[self.sc.services[si].taskdef.index()].family;
        crate::taskdef::family_models_memory(&self.sc.taskdefs, family)
    }

    /// `ECSServiceAverageMemoryUtilization` now: the memory the service's RUNNING tasks use ÷
    /// what they reserve × 100; None when no task runs or their memory use is not modelled.
    pub(super) fn service_memory_pct(&self, si: usize) -> Option<f64> {
        let (mut used, mut reserved) = (0.0, 0.0);
        for &t in &self.services[si].live {
            if self.tasks[t.index()].state != TaskState::Running || !self.memory_modelled(t) {
                continue;
            }
            used += self.task_memory(t);
            reserved += self.sc.taskdefs[self.tasks[t.index()].taskdef.index()]
                .memory
                .0 as f64;
        }
        (reserved > 0.0).then(|| used * 100.0 / reserved)
    }
}
