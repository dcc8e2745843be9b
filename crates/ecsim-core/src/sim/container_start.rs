//! From images on the host to RUNNING. The agent creates the task's containers (its log driver
//! must be allowed to write: the awslogs driver needs the execution role's log actions,
//! docs/ecs-facts.md §10) and starts them; on EC2 a start slower than the agent's
//! `ECS_CONTAINER_START_TIMEOUT` fails the task (`DockerTimeoutError`). A started task is
//! RUNNING: its target registers with the load balancer, its container health checks begin
//! (`sim/container_health.rs`), a deployment or batch counts it, and the service's steady state
//! and scale-up times are measured.

use super::event::TaskEvent;
use super::{Event, Simulation};
use crate::iam::LOGS_ACTIONS;
use crate::log::LogKind;
use crate::task::{StartError, TaskState};
use crate::units::TaskId;

impl Simulation {
    /// All the task's images are on its host: the agent creates the containers (the log driver
    /// must be allowed to write, docs/ecs-facts.md §10) and starts them, within the agent's
    /// `ECS_CONTAINER_START_TIMEOUT`.
    pub(super) fn task_pulled(&mut self, t: TaskId) {
        self.tasks[t.index()].pull_done_at = Some(self.engine.now());
        let generation = self.tasks[t.index()].generation;
        let td = &self.sc.taskdefs[self.tasks[t.index()].taskdef.index()];
        if td.uses_awslogs {
            let role = self.puller_role(t);
            if let Some(a) = self.sc.roles.denied(role.as_deref(), &LOGS_ACTIONS) {
                let who = role.unwrap_or_else(|| "the task (no execution role)".into());
                let error = StartError::CannotStartContainerError;
                self.tasks[t.index()].stopped_reason = Some(error.reason(&format!(
                    "failed to initialize logging driver: AccessDeniedException: {who} is not authorized to perform: {a}"
                )));
                self.tasks[t.index()].start_error = Some(error);
                self.engine.schedule(
                    self.engine.now(),
                    Event::task(t, generation, TaskEvent::StartFailed),
                );
                return;
            }
        }
        let si = self.tasks[t.index()].service.index();
        let d = self
            .sc
            .spec
            .model
            .container_start
            .sample(&mut self.services[si].streams.start);
        let timeout = self.tasks[t.index()]
            .host
            .map(|h| self.instances[h.index()].agent.container_start_timeout);
        match timeout {
            Some(limit) if d > limit => {
                let error = StartError::DockerTimeoutError;
                self.tasks[t.index()].stopped_reason = Some(error.reason(&format!(
                    "Could not transition to started; timed out after waiting {limit} (ECS_CONTAINER_START_TIMEOUT)"
                )));
                self.tasks[t.index()].start_error = Some(error);
                self.engine.schedule(
                    self.engine.now() + limit,
                    Event::task(t, generation, TaskEvent::StartFailed),
                );
            }
            _ => self.engine.schedule(
                self.engine.now() + d,
                Event::task(t, generation, TaskEvent::ContainerStarted),
            ),
        }
    }

    pub(super) fn task_running(&mut self, t: TaskId) {
        self.move_task(t, TaskState::Activating);
        self.move_task(t, TaskState::Running);
        self.deployment_task_running(t);
        self.register_target(t);
        self.batch_task_running(t);
        let no_target = !self.balanced(self.tasks[t.index()].service.index());
        let checked = self.sc.taskdefs[self.tasks[t.index()].taskdef.index()].health_checked();
        let task = &mut self.tasks[t.index()];
        task.running_at = Some(self.engine.now());
        if checked {
            self.plan_container_health(t);
        } else if no_target {
            // Without a load balancer or a health check, RUNNING is as healthy as it gets.
            task.healthy_at = Some(self.engine.now());
        }
        let task = &self.tasks[t.index()];
        let since = self.engine.now().since(task.created_at).as_secs_f64();
        let (si, host) = (task.service.index(), task.host);
        let st = &mut self.services[si];
        st.started += 1;
        st.failed_rounds = 0;
        if st.steady_at.is_none() && st.running >= st.desired {
            st.steady_at = Some(self.engine.now());
        }
        self.scale_up_check(si);
        if self.log.has_room() {
            let name = self.task_name(t);
            let on = host.map(|h| format!(" on {h}")).unwrap_or_default();
            let svc = self.sc.services[si].name.clone();
            self.push_log(
                LogKind::TaskRunning,
                Some(svc),
                Some(t),
                host,
                format!("task {name} RUNNING{on}, {since:.1} s after it was created"),
            );
        }
        if no_target && !checked && self.sc.services[si].batch.is_none() {
            // The scheduler counts it towards minimumHealthyPercent only after a wait (a batch
            // has no deployments); a container health check replaces the wait.
            let generation = self.tasks[t.index()].generation;
            self.engine.schedule(
                self.engine.now() + self.sc.spec.model.no_health_check_wait,
                Event::task(t, generation, TaskEvent::WaitOver),
            );
        }
        // Last: a baseline already over a limit kills the task here, once RUNNING is done.
        self.memory_start(t);
    }
}
