//! Rolling deployments: `update-service --task-definition` replaces a service's tasks with tasks
//! of the new revision (and a DRAINING instance's tasks are replaced the same way), within its
//! `deploymentConfiguration` (docs/ecs-facts.md §5): at most
//! floor(desired × maximumPercent ÷ 100) tasks live (placed or waiting, not stopping), and at
//! least ceil(desired × minimumHealthyPercent ÷ 100) healthy — RUNNING, and with a load balancer
//! its target healthy; without one, RUNNING for 40 s, the scheduler's wait when there is no
//! container health check either (docs/ecs-facts.md §12; `model.no_health_check_wait`). Old tasks that are not healthy may always go; healthy ones only above the
//! minimum. A stopped old task's target drains for the deregistration delay, as at any stop.
//!
//! Measured per deployment: how long it took (until every old task was stopping and the new ones
//! were all healthy), the requests that failed meanwhile, and the fewest healthy targets seen.
//! The deployment circuit breaker (`deploymentCircuitBreaker`, docs/ecs-facts.md §5) counts the new
//! revision's tasks that fail to start; at clamp(0.5 × desired, 3, 200) of them, unless one has
//! reached RUNNING, the deployment FAILED: it rolls back to the previous revision, or without
//! rollback launches nothing more. Not modelled yet: the breaker's second stage (health check
//! failures), the health check grace period, and constraints that differ between the revisions
//! (the first revision's apply).

use super::Simulation;
use crate::instance::InstanceState;
use crate::log::LogKind;
use crate::metrics::DeploymentSummary;
use crate::task::{TaskHealth, TaskState};
use crate::time::SimDuration;
use crate::time::SimTime;
use crate::units::{ServiceId, TaskDefId, TaskId};

/// A deployment in progress.
#[derive(Debug, Clone)]
pub(super) struct Deployment {
    from: TaskDefId,
    started: SimTime,
    failed_at_start: u64,
    min_healthy_targets: u32,
    /// Tasks of the new revision that failed to start, and whether one reached RUNNING.
    failed_tasks: u32,
    running_new: bool,
    /// The circuit breaker tripped without rollback: the deployment launches nothing more.
    failed: bool,
    rollback: bool,
}

/// The circuit breaker's threshold: failed tasks ≥ clamp(0.5 × desired, 3, 200) (docs/ecs-facts.md §5;
/// the API reference's minimum of 3, not the 2023 guide's 10).
fn breaker_threshold(desired: u32) -> u32 {
    desired.div_ceil(2).clamp(3, 200)
}

impl Simulation {
    /// The service moves to task definition `to`: a rolling deployment if it runs.
    pub(super) fn deploy(&mut self, s: ServiceId, to: TaskDefId) {
        self.deploy_as(s, to, false);
    }

    /// `deploy`, or the circuit breaker's rollback.
    fn deploy_as(&mut self, s: ServiceId, to: TaskDefId, rollback: bool) {
        let si = s.index();
        let from = self.services[si].taskdef;
        let name = self.sc.services[si].name.clone();
        let (to_label, from_label) = (self.td_label(to), self.td_label(from));
        if from == to {
            let msg = format!("service {name} already runs {to_label}: no deployment");
            self.push_log(LogKind::Deployment, Some(name), None, None, msg);
            return;
        }
        // A deployment still going on is superseded: its tasks are old ones now.
        if let Some(d) = self.services[si].deployment.take() {
            let rec = self.deployment_record(si, &d, from, None, "SUPERSEDED");
            self.services[si].deployments.push(rec);
        }
        self.services[si].taskdef = to;
        let msg = format!(
            "service {name} deploys {to_label} (from {from_label}), minimum healthy {} %, maximum {} %",
            self.sc.services[si].min_healthy_pct,
            self.sc.services[si].max_pct
        );
        self.push_log(LogKind::Deployment, Some(name), None, None, msg);
        if !self.services[si].active {
            return;
        }
        let healthy = self.healthy_targets(si);
        self.services[si].deployment = Some(Deployment {
            from,
            started: self.engine.now(),
            failed_at_start: self.failed_requests(si),
            min_healthy_targets: healthy,
            failed_tasks: 0,
            running_new: false,
            failed: false,
            rollback,
        });
        self.reconcile_deployment(s);
    }

    /// A task failed to start (stage 1), or failed its load balancer health checks (stage 2,
    /// `health`): the circuit breaker counts it, if it is of the deployment's revision, and trips
    /// at its threshold — in stage 1 only until a new task has reached RUNNING.
    pub(super) fn deployment_task_failed(&mut self, t: TaskId, health: bool) {
        let si = self.tasks[t.index()].service.index();
        let current = self.services[si].taskdef;
        let desired = self.services[si].desired;
        let Some(rollback) = self.sc.services[si].circuit_breaker else {
            if let Some(d) = self.services[si].deployment.as_mut() {
                if self.tasks[t.index()].taskdef == current {
                    d.failed_tasks += 1;
                }
            }
            return;
        };
        let Some(d) = self.services[si].deployment.as_mut() else {
            return;
        };
        if self.tasks[t.index()].taskdef != current || d.failed {
            return;
        }
        d.failed_tasks += 1;
        if (d.running_new && !health) || d.failed_tasks < breaker_threshold(desired) {
            return;
        }
        let d = d.clone();
        let rec = self.deployment_record(si, &d, current, Some(self.engine.now()), "FAILED");
        let name = self.sc.services[si].name.clone();
        let msg = format!(
            "service {name} deployment of {} FAILED: the circuit breaker tripped after {} tasks failed {}{}",
            rec.to,
            d.failed_tasks,
            if health {
                "their health checks"
            } else {
                "to start"
            },
            if rollback {
                format!("; rolling back to {}", rec.from)
            } else {
                String::new()
            }
        );
        self.push_log(LogKind::Deployment, Some(name), None, None, msg);
        self.services[si].deployments.push(rec);
        if rollback {
            self.services[si].deployment = None;
            self.deploy_as(ServiceId(si as u32), d.from, true);
        } else if let Some(cur) = self.services[si].deployment.as_mut() {
            cur.failed = true;
        }
    }

    /// A task reached RUNNING: for the circuit breaker, the deployment's revision can start.
    pub(super) fn deployment_task_running(&mut self, t: TaskId) {
        let si = self.tasks[t.index()].service.index();
        let current = self.services[si].taskdef;
        if self.tasks[t.index()].taskdef == current {
            if let Some(d) = self.services[si].deployment.as_mut() {
                d.running_new = true;
            }
        }
    }

    /// Whether the service replaces tasks step by step: a deployment goes on, or some of its
    /// tasks are on a DRAINING instance.
    pub(super) fn rolling(&self, si: usize) -> bool {
        self.services[si].deployment.is_some()
            || (self.any_drained && self.services[si].live.iter().any(|t| self.on_draining(*t)))
    }

    fn on_draining(&self, t: TaskId) -> bool {
        self.tasks[t.index()]
            .host
            .is_some_and(|h| self.instances[h.index()].state == InstanceState::Draining)
    }

    /// `family:revision`.
    fn td_label(&self, td: TaskDefId) -> String {
        let t = &self.sc.taskdefs[td.index()];
        format!("{}:{}", t.family, t.revision)
    }

    /// Whether the service's tasks are targets of a load balancer.
    pub(super) fn balanced(&self, si: usize) -> bool {
        self.sc.traffic.iter().any(|tr| tr.service == si)
    }

    /// RUNNING and, with a load balancer, its target healthy; with container health checks,
    /// HEALTHY; with neither, RUNNING for the scheduler's wait (docs/ecs-facts.md §12 "No load
    /// balancer, no container health check").
    fn healthy_task(&self, t: TaskId) -> bool {
        let task = &self.tasks[t.index()];
        let checked = self.sc.taskdefs[task.taskdef.index()].health_checked();
        let wait = if checked || self.balanced(task.service.index()) {
            SimDuration::ZERO
        } else {
            self.sc.spec.model.no_health_check_wait
        };
        task.state == TaskState::Running
            && (!checked || task.health == TaskHealth::Healthy)
            && task
                .healthy_at
                .is_some_and(|h| h + wait <= self.engine.now())
    }

    /// A task of a service without a load balancer has waited long enough to count.
    pub(super) fn deployment_wait_over(&mut self, t: TaskId) {
        let s = self.tasks[t.index()].service;
        if self.tasks[t.index()].state == TaskState::Running && self.rolling(s.index()) {
            self.reconcile_deployment(s);
        }
    }

    fn healthy_targets(&self, si: usize) -> u32 {
        self.requests
            .traffic
            .iter()
            .find(|t| t.spec.service == si)
            .map_or(0, |t| t.targets.len() as u32)
    }

    fn failed_requests(&self, si: usize) -> u64 {
        self.requests
            .traffic
            .iter()
            .find(|t| t.spec.service == si)
            .map_or(0, |t| t.failed())
    }

    /// One step of the rolling deployment: start new tasks within the maximum, stop old ones
    /// down to the minimum healthy, and end the deployment when only new healthy tasks are left.
    pub(super) fn reconcile_deployment(&mut self, s: ServiceId) {
        if self.sc.services[s.index()].daemon {
            // Its tasks follow the instances, a draining one's included (`sim/daemon.rs`).
            return self.reconcile_daemon(s);
        }
        let si = s.index();
        let desired = self.services[si].desired;
        let current = self.services[si].taskdef;
        let live = self.services[si].live.clone();
        // Old: of another revision, or on a draining instance.
        let (new, old): (Vec<TaskId>, Vec<TaskId>) = live
            .iter()
            .partition(|&&t| self.tasks[t.index()].taskdef == current && !self.on_draining(t));
        if self.services[si]
            .deployment
            .as_ref()
            .is_some_and(|d| d.failed)
        {
            // Failed without rollback: ECS launches no more of the new revision.
            return;
        }
        let svc = &self.sc.services[si];
        let max_live = (desired as u64 * svc.max_pct as u64 / 100) as u32;
        let min_healthy = (desired as u64 * svc.min_healthy_pct as u64).div_ceil(100) as u32;
        let need = desired.saturating_sub(new.len() as u32);
        // Stop: old tasks that are not healthy, then healthy ones above the minimum; and any
        // new ones beyond the desired count (a scale-in during the deployment).
        let healthy = live.iter().filter(|&&t| self.healthy_task(t)).count() as u32;
        let mut spare = healthy.saturating_sub(min_healthy);
        let mut old = old;
        // Not healthy first, then the oldest.
        old.sort_by_key(|&t| (self.healthy_task(t), t.0));
        let mut stop = Vec::new();
        for t in old {
            if !self.healthy_task(t) {
                stop.push(t);
            } else if spare > 0 {
                spare -= 1;
                stop.push(t);
            }
        }
        // New tasks beyond the desired count: not yet running first, then the newest.
        let mut surplus = new;
        surplus.sort_by_key(|&t| {
            (
                self.tasks[t.index()].state == TaskState::Running,
                std::cmp::Reverse(t.0),
            )
        });
        let extra = surplus.len().saturating_sub(desired as usize);
        stop.extend(surplus.into_iter().take(extra));
        for &t in &stop {
            self.stop(t, super::StopCause::Scheduler);
        }
        // Start: up to the desired count of new tasks, within the maximum. A task stopped here
        // still counts until it has exited (its `task_exited` calls this again), unless it never
        // started and so is STOPPED already: then nothing else would start its replacement.
        let exiting = stop
            .iter()
            .filter(|&&t| self.tasks[t.index()].state != TaskState::Stopped)
            .count() as u32;
        let room = max_live.saturating_sub(self.services[si].live.len() as u32 + exiting);
        let start = room.min(need);
        if start > 0 {
            self.create_tasks(s, start);
        }
        let targets = self.healthy_targets(si);
        let Some(d) = self.services[si].deployment.as_mut() else {
            return;
        };
        d.min_healthy_targets = d.min_healthy_targets.min(targets);
        let done = self.services[si]
            .live
            .iter()
            .all(|&t| self.tasks[t.index()].taskdef == current && self.healthy_task(t))
            && self.services[si].live.len() as u32 == desired;
        if done {
            if let Some(d) = self.services[si].deployment.take() {
                let rec =
                    self.deployment_record(si, &d, current, Some(self.engine.now()), "COMPLETED");
                let name = self.sc.services[si].name.clone();
                let msg = format!(
                    "service {name} deployment complete after {:.1} s: {} requests failed, at least {} healthy targets",
                    rec.duration_s.unwrap_or(0.0),
                    rec.failed_requests,
                    rec.min_healthy_targets
                );
                self.push_log(LogKind::Deployment, Some(name), None, None, msg);
                self.services[si].deployments.push(rec);
            }
        }
        self.schedule_retry();
    }

    fn deployment_record(
        &self,
        si: usize,
        d: &Deployment,
        to: TaskDefId,
        completed: Option<SimTime>,
        state: &str,
    ) -> DeploymentSummary {
        let label = |td| self.td_label(td);
        DeploymentSummary {
            from: label(d.from),
            to: label(to),
            state: state.into(),
            rollback: d.rollback,
            failed_tasks: d.failed_tasks,
            started_s: d.started.as_secs_f64(),
            completed_s: completed.map(SimTime::as_secs_f64),
            duration_s: completed.map(|c| c.since(d.started).as_secs_f64()),
            failed_requests: self.failed_requests(si) - d.failed_at_start,
            min_healthy_targets: d.min_healthy_targets,
        }
    }

    /// A deployment still going on at the end of the run, for the summary.
    pub(super) fn open_deployment(&self, si: usize) -> Option<DeploymentSummary> {
        let d = self.services[si].deployment.as_ref()?;
        let state = if d.failed { "FAILED" } else { "IN_PROGRESS" };
        Some(self.deployment_record(si, d, self.services[si].taskdef, None, state))
    }
}
