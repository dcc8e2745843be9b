//! The end of a task: one way in, `stop(task, StopCause)`, whatever the cause.
//!
//! A cause knows its ECS stop code (docs/ecs-facts.md §1 "Stop codes") and how the task goes:
//! - gracefully (the service scheduler's stop; Fargate Spot's two-minute warning): a RUNNING
//!   task is DEACTIVATING while its target drains, STOPPING once SIGTERM is sent
//!   (`begin_stopping`), and STOPPED when its containers exit (`task_exited`); a task not yet
//!   running stops at once;
//! - at once (its instance is gone, its essential container exited, it could not start).
//!
//! Every path bumps the task's generation (its queued events are void), gives back what it held
//! on its instance (`release`), closes its Fargate bill and moves it along the lifecycle with
//! `move_task`, which keeps the per-service counts of live and running tasks.

use super::event::{ServiceEvent, TaskEvent};
use super::{Event, Simulation};
use crate::log::LogKind;
use crate::task::{StartError, StopCode, TaskState};
use crate::time::SimDuration;
use crate::units::{HostId, ServiceId, TaskId};

/// Why a task stops.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum StopCause {
    /// The service scheduler: a scale-in, a deployment, a task that failed its health checks.
    Scheduler,
    /// Fargate Spot takes the capacity back (a two-minute warning, then SIGTERM).
    SpotInterruption,
    /// It could not start: its `start_error` and `stopped_reason` say why.
    FailedToStart,
    /// Its instance is gone.
    InstanceLost { host: HostId },
    /// A Fargate task's zone failed, and its capacity with it.
    ZoneLost,
    /// Its essential container crashed.
    Crashed,
    /// Its essential container was killed for its memory (`sim/memory.rs`).
    OutOfMemory,
    /// A batch task's work is done (exit code 0).
    Finished,
}

impl StopCause {
    pub(super) fn code(self) -> StopCode {
        match self {
            StopCause::Scheduler => StopCode::ServiceSchedulerInitiated,
            StopCause::SpotInterruption => StopCode::SpotInterruption,
            StopCause::FailedToStart => StopCode::TaskFailedToStart,
            StopCause::InstanceLost { .. } | StopCause::ZoneLost => StopCode::TerminationNotice,
            StopCause::Crashed | StopCause::OutOfMemory | StopCause::Finished => {
                StopCode::EssentialContainerExited
            }
        }
    }
}

impl Simulation {
    /// Stops a task: the one way a task ends.
    pub(super) fn stop(&mut self, t: TaskId, cause: StopCause) {
        match cause {
            StopCause::Scheduler | StopCause::SpotInterruption => {
                self.stop_gracefully(t, cause.code())
            }
            StopCause::FailedToStart => self.failed_to_start(t),
            StopCause::InstanceLost { .. }
            | StopCause::ZoneLost
            | StopCause::Crashed
            | StopCause::OutOfMemory
            | StopCause::Finished => self.stop_at_once(t, cause),
        }
    }

    /// A graceful stop (the scheduler's, or Fargate Spot's two-minute warning). A task that has
    /// not started stops at once and its pending events are void (its generation moves on); a
    /// running one is deactivated and signalled, and stops when its containers exit, at the
    /// latest after the agent's `ECS_CONTAINER_STOP_TIMEOUT` (then SIGKILL).
    fn stop_gracefully(&mut self, t: TaskId, code: StopCode) {
        let preset = &mut self.tasks[t.index()].stop_code;
        if code == StopCode::SpotInterruption {
            *preset = Some(code);
        } else {
            preset.get_or_insert(code);
        }
        let si = self.tasks[t.index()].service.index();
        let name = self.task_name(t);
        let svc = self.sc.services[si].name.clone();
        if self.tasks[t.index()].state == TaskState::Running {
            // DEACTIVATING: the target is deregistered and drains (requests it holds finish; no
            // new ones come) for up to the deregistration delay, then the containers are stopped.
            self.move_task(t, TaskState::Deactivating);
            match self.deregister_target(t) {
                Some(delay) => {
                    let host = self.tasks[t.index()].host;
                    let msg =
                        format!("task {name} DEACTIVATING: its target drains for up to {delay}");
                    if self.drain_until_closed(t, true) {
                        self.push_log(LogKind::TargetDraining, Some(svc), Some(t), host, msg);
                    }
                }
                None => self.begin_stopping(t),
            }
        } else {
            self.void_task_events(t);
            self.unwait(si, t);
            self.release(t);
            self.tasks[t.index()].pending_reason = None;
            self.move_task(t, TaskState::Stopped);
            self.fargate_stopped(t);
            self.services[si].stopped += 1;
            self.push_log(
                LogKind::TaskStopped,
                Some(svc),
                Some(t),
                None,
                format!("task {name} STOPPED before it started (ServiceSchedulerInitiated)"),
            );
        }
    }

    /// STOPPING: SIGTERM to the containers; they exit after a drawn time, at most the agent's stop
    /// timeout (then SIGKILL). Requests the task still holds are lost.
    pub(super) fn begin_stopping(&mut self, t: TaskId) {
        let si = self.tasks[t.index()].service.index();
        let name = self.task_name(t);
        let svc = self.sc.services[si].name.clone();
        self.void_task_events(t);
        self.drop_queued_requests(t);
        self.move_task(t, TaskState::Stopping);
        {
            let host = self.tasks[t.index()].host;
            let timeout = host
                .map(|h| self.instances[h.index()].agent.container_stop_timeout)
                .unwrap_or(SimDuration::from_secs(30));
            let exit = self
                .sc
                .spec
                .model
                .container_exit
                .sample(&mut self.services[si].streams.exit)
                .min(timeout);
            let generation = self.tasks[t.index()].generation;
            self.engine.schedule(
                self.engine.now() + exit,
                Event::task(t, generation, TaskEvent::TaskExited),
            );
            self.push_log(
                LogKind::TaskStopping,
                Some(svc),
                Some(t),
                host,
                format!(
                    "task {name} STOPPING (ServiceSchedulerInitiated): SIGTERM, exits in {:.1} s",
                    exit.as_secs_f64()
                ),
            );
        }
    }

    /// The task could not start (its `start_error` says why): it stops, gives back what it
    /// held, and the service replaces it after a delay that grows with each round of failed
    /// starts (docs/ecs-facts.md §1 "Service retry throttling": incrementally longer, up to 15
    /// minutes; the steps are an assumption: 10 s, doubling). Failures while a retry is already
    /// planned wait for that one: one retry round per service at a time.
    fn failed_to_start(&mut self, t: TaskId) {
        self.tasks[t.index()].stop_code = Some(StopCode::TaskFailedToStart);
        let si = self.tasks[t.index()].service.index();
        self.void_task_events(t);
        self.release(t);
        self.move_task(t, TaskState::Stopped);
        self.fargate_stopped(t);
        let st = &mut self.services[si];
        st.failed += 1;
        let plan = !st.retry_pending;
        if plan {
            st.retry_pending = true;
            st.failed_rounds += 1;
        }
        let reason = self.tasks[t.index()]
            .stopped_reason
            .clone()
            .unwrap_or_default();
        let error = self.tasks[t.index()].start_error;
        debug_assert!(error.is_some(), "a failed start without its error");
        let code = error.map_or("", StartError::as_str).to_string();
        *self.services[si].failed_reasons.entry(code).or_insert(0) += 1;
        let k = self.services[si].failed_rounds.clamp(1, 8);
        let delay = SimDuration::from_secs((10u64 << (k - 1)).min(900));
        if plan {
            self.engine.schedule(
                self.engine.now() + delay,
                Event::Service(ServiceEvent::Retry {
                    service: ServiceId(si as u32),
                }),
            );
        }
        let name = self.task_name(t);
        let svc = self.sc.services[si].name.clone();
        let host = self.tasks[t.index()].host;
        let msg = if plan {
            format!(
                "task {name} STOPPED (TaskFailedToStart): {reason}; the service retries in {delay}"
            )
        } else {
            format!("task {name} STOPPED (TaskFailedToStart): {reason}; the service's next retry is already planned")
        };
        self.push_log(LogKind::TaskFailed, Some(svc), Some(t), host, msg);
        self.deployment_task_failed(t, false);
    }

    /// Its containers have exited: STOPPED, and what it held is free.
    pub(super) fn task_exited(&mut self, t: TaskId) {
        self.move_task(t, TaskState::Deprovisioning);
        self.move_task(t, TaskState::Stopped);
        let host = self.tasks[t.index()].host;
        let drained = host.is_some_and(|h| {
            self.instances[h.index()].state == crate::instance::InstanceState::Draining
        });
        self.release(t);
        self.fargate_stopped(t);
        let si = self.tasks[t.index()].service.index();
        self.services[si].stopped += 1;
        let name = self.task_name(t);
        let svc = self.sc.services[si].name.clone();
        self.push_log(
            LogKind::TaskStopped,
            Some(svc),
            Some(t),
            host,
            format!("task {name} STOPPED; its resources and ports are free"),
        );
        // A deployment held back by its maximum may go on now; so may the replacement of a
        // DRAINING instance's task, though with that task gone the service may no longer be
        // rolling (the property tests found a service left one task short so).
        if self.rolling(si) || (drained && self.services[si].active) {
            self.reconcile_deployment(ServiceId(si as u32));
        }
        self.schedule_retry();
    }

    /// Gives back what a placed task holds on its instance: CPU, memory, ports, ENI.
    fn release(&mut self, t: TaskId) {
        let task = &mut self.tasks[t.index()];
        let Some(h) = task.host else { return };
        let inst = &mut self.instances[h.index()];
        if !inst.tasks.contains(&t) {
            return;
        }
        let td = &self.sc.taskdefs[task.taskdef.index()];
        inst.reserved_cpu -= td.cpu;
        inst.reserved_memory -= td.memory;
        for p in task.ports.drain(..) {
            inst.ports.release(p.port, p.dynamic);
        }
        if task.uses_eni {
            inst.enis_used -= 1;
            task.uses_eni = false;
        }
        inst.remove_task(t, task.service);
        let draining = inst.state == crate::instance::InstanceState::Draining;
        // Its containers keep their images in use until the agent cleans the task up.
        let images = &self.sc.taskdef_images[task.taskdef.index()];
        for (k, &im) in images.iter().enumerate() {
            if !images[..k].contains(&im) {
                self.pulls.nets[h.index()]
                    .cache
                    .release_user(im, self.engine.now());
            }
        }
        if draining {
            self.daemon_drain_check(h);
        }
    }

    /// A task stops at once, not by the scheduler's hand (its instance died, its essential
    /// container exited): its target goes, the requests it holds are lost, and it is STOPPED
    /// with the cause's code and reason.
    fn stop_at_once(&mut self, t: TaskId, cause: StopCause) {
        let (reason, msg, kind) = match cause {
            StopCause::InstanceLost { host } => (
                format!("TerminationNotice: Host EC2 (instance {host}) terminated."),
                format!("STOPPED: Host EC2 (instance {host}) terminated"),
                LogKind::TaskLost,
            ),
            StopCause::ZoneLost => (
                "TerminationNotice: its Availability Zone failed, and its Fargate capacity with it"
                    .to_string(),
                "STOPPED: its Availability Zone failed".to_string(),
                LogKind::TaskLost,
            ),
            StopCause::Crashed => (
                "Essential container in task exited".to_string(),
                "STOPPED (EssentialContainerExited): its essential container crashed".to_string(),
                LogKind::TaskCrashed,
            ),
            // ECS gives the task this reason; the container's own says OutOfMemoryError.
            StopCause::OutOfMemory => (
                "Essential container in task exited".to_string(),
                "STOPPED (EssentialContainerExited): its essential container was killed out of memory, exit code 137".to_string(),
                LogKind::TaskCrashed,
            ),
            _ => (
                "Essential container in task exited (exit code 0)".to_string(),
                "STOPPED (EssentialContainerExited): its work is done, exit code 0".to_string(),
                LogKind::TaskFinished,
            ),
        };
        let with_instance = matches!(cause, StopCause::InstanceLost { .. } | StopCause::ZoneLost);
        let si = self.tasks[t.index()].service.index();
        if self.tasks[t.index()].state == TaskState::Running {
            self.deregister_target(t);
        }
        self.unwait(si, t);
        self.void_task_events(t);
        self.tasks[t.index()].stop_code = Some(cause.code());
        self.drop_queued_requests(t);
        self.release(t);
        self.fargate_stopped(t);
        self.tasks[t.index()].stopped_reason = Some(reason);
        if self.tasks[t.index()].state != TaskState::Stopped {
            self.move_task(t, TaskState::Stopped);
            self.services[si].stopped += 1;
            if with_instance {
                self.services[si].lost += 1;
            }
        }
        let name = self.task_name(t);
        let svc = self.sc.services[si].name.clone();
        let host = self.tasks[t.index()].host;
        self.push_log(kind, Some(svc), Some(t), host, format!("task {name} {msg}"));
        // What it held is free: tasks waiting for room may fit now.
        self.schedule_retry();
    }
}
