//! A task's health from its container health checks (`container_health` has Docker's rules):
//! planned when it is RUNNING, from each essential container's check and its application's
//! warm-up; HEALTHY when every one has passed, UNHEALTHY at the first that fails `retries`
//! times. ECS stops a service's UNHEALTHY task and starts another ("Task failed container
//! health checks", a failure for the circuit breaker's second stage), except within the
//! service's `healthCheckGracePeriodSeconds`; a task that is not a service's (a scheduled batch,
//! run as RunTask runs it) goes on whatever its health (docs/ecs-facts.md §12 "Container health
//! checks"). A deployment counts a task with checks only once it is HEALTHY, instead of waiting
//! 40 s after RUNNING (`sim/deployment.rs`).

use super::event::TaskEvent;
use super::{Event, Simulation};
use crate::container_health::{HealthCheck, Outcome};
use crate::log::LogKind;
use crate::task::{TaskHealth, TaskState};
use crate::time::SimDuration;
use crate::units::TaskId;

impl Simulation {
    /// The task is RUNNING: when its checks make it HEALTHY or UNHEALTHY.
    pub(super) fn plan_container_health(&mut self, t: TaskId) {
        let task = &self.tasks[t.index()];
        let mut healthy = SimDuration::ZERO;
        let mut unhealthy: Option<SimDuration> = None;
        for (check, warmup) in self.checked_containers(t) {
            match check.outcome(warmup) {
                Outcome::Healthy(at) => healthy = healthy.max(at),
                Outcome::Unhealthy(at) => unhealthy = Some(unhealthy.map_or(at, |u| u.min(at))),
            }
        }
        let (after, what) = match unhealthy {
            Some(u) => (u, TaskEvent::ContainerUnhealthy),
            None => (healthy, TaskEvent::ContainersHealthy),
        };
        let generation = task.generation;
        self.engine
            .schedule(self.engine.now() + after, Event::task(t, generation, what));
    }

    /// The load balancer's `app_warmup` for the task's service (0 without one): the warm-up of
    /// an application no `[[applications]]` entry gives one.
    fn lb_warmup(&self, t: TaskId) -> SimDuration {
        let si = self.tasks[t.index()].service.index();
        self.sc
            .traffic
            .iter()
            .find(|tr| tr.service == si)
            .map_or(SimDuration::ZERO, |tr| tr.health.app_warmup)
    }

    /// When the task's application answers, for the load balancer's checks: the longest
    /// warm-up its essential containers' applications give, else the load balancer's
    /// `app_warmup` — one application, one warm-up, whichever checks ask.
    pub(super) fn app_warmup(&self, t: TaskId) -> SimDuration {
        self.sc.taskdefs[self.tasks[t.index()].taskdef.index()]
            .containers
            .iter()
            .filter(|c| c.essential)
            .filter_map(|c| c.app.warmup)
            .max()
            .unwrap_or_else(|| self.lb_warmup(t))
    }

    /// The health check and application warm-up of each essential container with a check.
    fn checked_containers(&self, t: TaskId) -> Vec<(HealthCheck, SimDuration)> {
        let task = &self.tasks[t.index()];
        let lb_warmup = self.lb_warmup(t);
        self.sc.taskdefs[task.taskdef.index()]
            .containers
            .iter()
            .filter(|c| c.essential)
            .filter_map(|c| {
                c.health_check
                    .map(|h| (h, c.app.warmup.unwrap_or(lb_warmup)))
            })
            .collect()
    }

    /// The soonest an essential container's checks fail `retries` times once its application
    /// hangs.
    fn hang_to_unhealthy(&self, t: TaskId) -> Option<SimDuration> {
        let td = &self.sc.taskdefs[self.tasks[t.index()].taskdef.index()];
        td.containers
            .iter()
            .filter(|c| c.essential)
            .filter_map(|c| c.health_check.map(|h| h.time_to_unhealthy()))
            .min()
    }

    /// The task's application hangs (a `health_check_failure` fault): a HEALTHY task's checks
    /// start failing. One still being evaluated is handled when its checks would have passed.
    pub(super) fn hang_container_checks(&mut self, t: TaskId) {
        if self.tasks[t.index()].health != TaskHealth::Healthy {
            return;
        }
        if let Some(after) = self.hang_to_unhealthy(t) {
            let generation = self.tasks[t.index()].generation;
            self.engine.schedule(
                self.engine.now() + after,
                Event::task(t, generation, TaskEvent::ContainerUnhealthy),
            );
        }
    }

    /// Every essential container's checks have passed.
    pub(super) fn containers_healthy(&mut self, t: TaskId) {
        if self.tasks[t.index()].state != TaskState::Running
            || self.tasks[t.index()].health == TaskHealth::Healthy
        {
            return;
        }
        if self.requests.loads[t.index()].hung {
            // It hung before its checks passed: they go on failing instead.
            if let Some(after) = self.hang_to_unhealthy(t) {
                let generation = self.tasks[t.index()].generation;
                self.engine.schedule(
                    self.engine.now() + after,
                    Event::task(t, generation, TaskEvent::ContainerUnhealthy),
                );
            }
            return;
        }
        let si = self.tasks[t.index()].service.index();
        self.tasks[t.index()].health = TaskHealth::Healthy;
        if !self.balanced(si) {
            self.tasks[t.index()].healthy_at = Some(self.engine.now());
        }
        if self.log.has_room() {
            let since = self.tasks[t.index()]
                .running_at
                .map_or(0.0, |r| self.engine.now().since(r).as_secs_f64());
            let msg = format!(
                "task {}: HEALTHY, its container health checks passed {since:.0} s after RUNNING",
                self.task_name(t)
            );
            self.log_task(t, LogKind::ContainerHealthy, msg);
        }
        let s = self.tasks[t.index()].service;
        if self.rolling(si) {
            self.reconcile_deployment(s);
        }
    }

    /// An essential container failed its checks `retries` times: the task is UNHEALTHY.
    pub(super) fn container_unhealthy(&mut self, t: TaskId) {
        if self.tasks[t.index()].state != TaskState::Running {
            return;
        }
        self.tasks[t.index()].health = TaskHealth::Unhealthy;
        let si = self.tasks[t.index()].service.index();
        let name = self.task_name(t);
        if self.sc.services[si].batch.is_some() {
            let msg = format!(
                "task {name}: UNHEALTHY; it is not a service's task, so it goes on running"
            );
            self.log_task(t, LogKind::ContainerUnhealthy, msg);
            self.plan_recovery(t);
            return;
        }
        if self.within_grace(t, LogKind::ContainerUnhealthy, "UNHEALTHY") {
            self.plan_recovery(t);
            return;
        }
        let since = self.tasks[t.index()]
            .running_at
            .map_or(0.0, |r| self.engine.now().since(r).as_secs_f64());
        let msg = format!(
            "task {name}: UNHEALTHY {since:.0} s after RUNNING: an essential container failed its health checks `retries` times in a row"
        );
        self.log_task(t, LogKind::ContainerUnhealthy, msg);
        self.failed_container_health_checks(t);
    }

    /// Docker goes on checking an UNHEALTHY container: a slow application's first passing check
    /// makes it HEALTHY again (within a grace period, that is what saves the task). A hung
    /// application never passes.
    fn plan_recovery(&mut self, t: TaskId) {
        let recovers = self
            .checked_containers(t)
            .iter()
            .map(|(h, w)| h.first_pass(*w))
            .max();
        let running = self.tasks[t.index()].running_at;
        if let (Some(r), Some(after), false) =
            (running, recovers, self.requests.loads[t.index()].hung)
        {
            if r + after > self.engine.now() {
                let generation = self.tasks[t.index()].generation;
                self.engine.schedule(
                    r + after,
                    Event::task(t, generation, TaskEvent::ContainersHealthy),
                );
            }
        }
    }

    /// ECS stops the task and the service starts another.
    pub(super) fn failed_container_health_checks(&mut self, t: TaskId) {
        let si = self.tasks[t.index()].service.index();
        self.services[si].container_health_failures += 1;
        self.tasks[t.index()].stopped_reason = Some("Task failed container health checks".into());
        self.stop(t, super::StopCause::Scheduler);
        self.deployment_task_failed(t, true);
        self.service_retry(crate::units::ServiceId(si as u32));
    }
}
