//! EC2 Spot interruptions and instance draining.
//!
//! EC2 gives a Spot instance two minutes' notice before it terminates it (ecs-facts §7 "Spot
//! interruption notice"). With `ECS_ENABLE_SPOT_INSTANCE_DRAINING=true` the agent polls the
//! notice every second and sets the instance to DRAINING (ecs-facts §3): it takes no new tasks,
//! and its service tasks are replaced as in a rolling deployment (§1 "DRAINING behaviour",
//! `sim/deployment.rs`): replacements start elsewhere within the service's maximumPercent, and
//! the old tasks are stopped the graceful way (target deregistered and drained, SIGTERM) as
//! far as its minimumHealthyPercent allows. Without it nothing happens until the instance is terminated: its tasks die with it,
//! requests they hold are lost, and only then does the service replace them.

use super::{Event, Simulation};
use crate::instance::InstanceState;
use crate::task::TaskState;
use crate::time::SimDuration;
use crate::units::{HostId, TaskId};

/// ecs-facts §7: two minutes from the notice to the termination.
const NOTICE: SimDuration = SimDuration::from_secs(120);
/// ecs-facts §3: the agent polls the instance-action endpoint every second.
const AGENT_POLL: SimDuration = SimDuration::from_secs(1);

impl Simulation {
    /// The group's next registered Spot instance without a notice gets one.
    pub(super) fn spot_notice(&mut self, group: usize, index: u32) {
        let Some(host) = self
            .instances
            .iter()
            .find(|i| {
                i.group == group && i.state == InstanceState::Active && i.noticed_at.is_none()
            })
            .map(|i| i.id)
        else {
            let msg = format!(
                "spot interruption {index} of group {}: no registered instance left to interrupt",
                self.sc.groups[group].name
            );
            self.push_log("spot_notice", None, None, None, msg);
            return;
        };
        self.instances[host.index()].noticed_at = Some(self.engine.now());
        let draining = self.instances[host.index()]
            .agent
            .enable_spot_instance_draining;
        let then = if draining {
            "ECS_ENABLE_SPOT_INSTANCE_DRAINING=true: the agent sets it to DRAINING"
        } else {
            "ECS_ENABLE_SPOT_INSTANCE_DRAINING is off: its tasks run until it is gone"
        };
        let msg = format!("instance {host}: Spot interruption notice, terminated in 2 min; {then}");
        self.push_log("spot_notice", None, None, Some(host), msg);
        let life = self.instances[host.index()].life;
        if draining {
            self.engine.schedule(
                self.engine.now() + AGENT_POLL,
                Event::InstanceDrains { host, life },
            );
        }
        self.engine.schedule(
            self.engine.now() + NOTICE,
            Event::InstanceTerminated { host, life },
        );
    }

    /// DRAINING: no new placements; service tasks are stopped gracefully and replaced.
    pub(super) fn instance_drains(&mut self, host: HostId) {
        let inst = &mut self.instances[host.index()];
        if inst.state != InstanceState::Active {
            return;
        }
        inst.state = InstanceState::Draining;
        let tasks = inst.tasks.clone();
        let msg = format!(
            "instance {host} DRAINING: {} tasks to replace elsewhere",
            tasks.len()
        );
        self.push_log("instance_draining", None, None, Some(host), msg);
        // Its service tasks are replaced as in a deployment: new ones elsewhere first, within the
        // services' maximumPercent, old ones stopped down to their minimumHealthyPercent.
        let mut services = Vec::new();
        for t in tasks {
            let s = self.tasks[t.index()].service;
            if self.tasks[t.index()].state < TaskState::Deactivating && !services.contains(&s) {
                services.push(s);
            }
        }
        for s in services {
            self.service_retry(s);
        }
    }

    /// The instance is gone (`why`: a Spot interruption, a host failure): whatever still runs on
    /// it stops at once.
    pub(super) fn instance_terminated(&mut self, host: HostId, why: &str) {
        let tasks = self.instances[host.index()].tasks.clone();
        let mut services = Vec::new();
        for t in tasks {
            let reason = format!("TerminationNotice: Host EC2 (instance {host}) terminated.");
            let msg = format!("STOPPED: Host EC2 (instance {host}) terminated");
            self.task_gone(t, "TerminationNotice", reason, &msg, super::Gone::Lost);
            let s = self.tasks[t.index()].service;
            if !services.contains(&s) {
                services.push(s);
            }
        }
        let inst = &mut self.instances[host.index()];
        inst.state = InstanceState::Terminated;
        inst.terminated_at = Some(self.engine.now());
        let group = inst.group;
        self.nets[host.index()].drop_downloads();
        let msg = format!("instance {host} terminated ({why})");
        self.push_log("instance_terminated", None, None, Some(host), msg);
        // An Auto Scaling group replaces it (unless it was its own scale-in).
        self.asg_fill(group, &format!("replacing {host}"));
        for s in services {
            self.service_retry(s);
        }
    }

    /// A task stops at once, not by the scheduler's hand (its instance died, its essential
    /// container exited): its target goes, the requests it holds are lost, and it is STOPPED
    /// with `code` and `reason`; `msg` follows the task's name in the log.
    pub(super) fn task_gone(
        &mut self,
        t: TaskId,
        code: &'static str,
        reason: String,
        msg: &str,
        how: super::Gone,
    ) {
        let with_instance = how == super::Gone::Lost;
        let si = self.tasks[t.index()].service.index();
        if self.tasks[t.index()].state == TaskState::Running {
            self.services[si].running -= 1;
            self.deregister_target(t);
        }
        self.services[si].waiting.retain(|&w| w != t);
        self.tasks[t.index()].generation += 1;
        self.tasks[t.index()].stop_code = Some(code);
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
        let kind = match how {
            super::Gone::Lost => "task_lost",
            super::Gone::Crashed => "task_crashed",
            super::Gone::Finished => "task_finished",
        };
        self.push_log(kind, Some(svc), Some(t), host, format!("task {name} {msg}"));
        // What it held is free: tasks waiting for room may fit now.
        self.schedule_retry();
    }
}
