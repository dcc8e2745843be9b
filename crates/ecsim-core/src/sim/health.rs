//! Target health beyond the first passing check: an application that is slow to answer its
//! health check, one that hangs (a `health_check_failure` fault), and the service's health check
//! grace period.
//!
//! ECS replaces a task whose target the load balancer marks unhealthy ("Task failed ELB health
//! checks"), except during the service's `healthCheckGracePeriodSeconds` after the task started
//! (docs/ecs-facts.md §5: default 0 with a load balancer), when it ignores the target's health; if the
//! target is still not healthy when the grace period ends, the task is replaced then. A task
//! replaced this way is a failure for the deployment circuit breaker's second stage (docs/ecs-facts.md
//! §5 "Circuit breaker stages"). The checks themselves (`alb::HealthCheck::plan`): every
//! interval, failing until the application is up; unhealthy after `unhealthy_threshold`
//! failures; healthy again after `healthy_threshold` passes.

use super::event::TaskEvent;
use super::{Event, Simulation};
use crate::log::LogKind;
use crate::task::{TaskHealth, TaskState};
use crate::units::TaskId;

impl Simulation {
    /// The load balancer marked the task's target unhealthy.
    pub(super) fn target_unhealthy(&mut self, t: TaskId) {
        if self.tasks[t.index()].state != TaskState::Running {
            return;
        }
        // Out of rotation at once (the ALB stops routing to it while any target is healthy).
        if let Some(ti) = self.requests.loads[t.index()].traffic {
            let super::requests::Requests { traffic, loads, .. } = &mut self.requests;
            let tr = &mut traffic[ti];
            tr.remove_target(t, loads);
            if !tr.unhealthy.contains(&t) {
                tr.unhealthy.push(t);
            }
        }
        if self.within_grace(t, LogKind::TargetUnhealthy, "target unhealthy") {
            return;
        }
        let msg = format!("task {}: target unhealthy", self.task_name(t));
        self.log_task(t, LogKind::TargetUnhealthy, msg);
        self.failed_health_checks(t);
    }

    /// Whether the service's health check grace period for the task is still on: ECS then ignores
    /// what made it unhealthy (`what`, for the log) until the period ends, and looks again then.
    pub(super) fn within_grace(&mut self, t: TaskId, kind: LogKind, what: &str) -> bool {
        let si = self.tasks[t.index()].service.index();
        let grace_end = self.tasks[t.index()]
            .running_at
            .map_or(self.engine.now(), |r| r + self.sc.services[si].grace);
        if self.engine.now() >= grace_end {
            return false;
        }
        let msg = format!(
            "task {}: {what}; ECS ignores it until the health check grace period ends at {:.0} s",
            self.task_name(t),
            grace_end.as_secs_f64()
        );
        self.log_task(t, kind, msg);
        let generation = self.tasks[t.index()].generation;
        self.engine
            .schedule(grace_end, Event::task(t, generation, TaskEvent::GraceOver));
        true
    }

    /// A log entry about the task, with its service and host.
    pub(super) fn log_task(&mut self, t: TaskId, kind: LogKind, msg: String) {
        let svc = self.sc.services[self.tasks[t.index()].service.index()]
            .name
            .clone();
        let host = self.tasks[t.index()].host;
        self.push_log(kind, Some(svc), Some(t), host, msg);
    }

    /// The grace period is over: a task whose target is still not healthy, or whose container
    /// health is UNHEALTHY, is replaced.
    pub(super) fn grace_over(&mut self, t: TaskId) {
        let task = &self.tasks[t.index()];
        if task.state != TaskState::Running {
            return;
        }
        // The load balancer marked the target unhealthy (one still in its first checks is not).
        let target_unhealthy = self.requests.loads[t.index()]
            .traffic
            .is_some_and(|ti| self.requests.traffic[ti].unhealthy.contains(&t));
        if target_unhealthy {
            self.failed_health_checks(t);
        } else if task.health == TaskHealth::Unhealthy {
            self.failed_container_health_checks(t);
        }
    }

    /// ECS stops the task and the service starts another.
    fn failed_health_checks(&mut self, t: TaskId) {
        let si = self.tasks[t.index()].service.index();
        self.services[si].health_check_failures += 1;
        self.tasks[t.index()].stopped_reason = Some(format!(
            "Task failed ELB health checks in (target-group {})",
            self.sc.services[si].name
        ));
        // Stopped before the circuit breaker hears of it: a rollback it trips then finds the task
        // already on its way out, and does not stop it a second time.
        self.stop(t, super::StopCause::Scheduler);
        self.deployment_task_failed(t, true);
        self.service_retry(crate::units::ServiceId(si as u32));
    }

    /// A `health_check_failure` fault: the task's application hangs. Requests the ALB still
    /// sends it fail; after `unhealthy_threshold` checks its target is unhealthy.
    pub(super) fn hang(&mut self, t: TaskId) {
        self.requests.loads[t.index()].hung = true;
        self.hang_container_checks(t);
        let Some(ti) = self.requests.loads[t.index()].traffic else {
            return;
        };
        let after = self.requests.traffic[ti].spec.health.time_to_unhealthy();
        let generation = self.tasks[t.index()].generation;
        self.engine.schedule(
            self.engine.now() + after,
            Event::task(t, generation, TaskEvent::TargetUnhealthy),
        );
    }

    /// When a registered target's checks make it healthy or unhealthy.
    pub(super) fn plan_target_health(&mut self, t: TaskId, ti: usize) {
        let plan = self.requests.traffic[ti]
            .spec
            .health
            .plan_after(self.app_warmup(t));
        let generation = self.tasks[t.index()].generation;
        if let Some(u) = plan.unhealthy_after {
            self.engine.schedule(
                self.engine.now() + u,
                Event::task(t, generation, TaskEvent::TargetUnhealthy),
            );
        }
        self.engine.schedule(
            self.engine.now() + plan.healthy_after,
            Event::task(t, generation, TaskEvent::TargetHealthy),
        );
    }
}
