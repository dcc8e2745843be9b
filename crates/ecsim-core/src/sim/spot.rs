//! EC2 Spot interruptions and instance draining.
//!
//! EC2 gives a Spot instance two minutes' notice before it terminates it (ecs-facts §7 "Spot
//! interruption notice"). With `ECS_ENABLE_SPOT_INSTANCE_DRAINING=true` the agent polls the
//! notice every second and sets the instance to DRAINING (ecs-facts §3): it takes no new tasks,
//! and its service tasks are stopped the graceful way (target deregistered and drained, SIGTERM)
//! while the service places their replacements elsewhere (§1 "DRAINING behaviour"; the
//! minimum-healthy/maximum-percent pacing of replacements is not modelled: all are replaced at
//! once). Without it nothing happens until the instance is terminated: its tasks die with it,
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
        self.instances[host.index()].noticed_at = Some(self.now);
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
        if draining {
            self.queue
                .push(self.now + AGENT_POLL, Event::InstanceDrains { host });
        }
        self.queue
            .push(self.now + NOTICE, Event::InstanceTerminated { host });
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
        let mut services = Vec::new();
        for t in tasks {
            if self.tasks[t.index()].state < TaskState::Deactivating {
                self.stop_task(t);
                let s = self.tasks[t.index()].service;
                if !services.contains(&s) {
                    services.push(s);
                }
            }
        }
        for s in services {
            self.service_retry(s);
        }
    }

    /// The instance is gone: whatever still runs on it stops at once.
    pub(super) fn instance_terminated(&mut self, host: HostId) {
        let tasks = self.instances[host.index()].tasks.clone();
        let mut services = Vec::new();
        for t in tasks {
            self.task_lost(t, host);
            let s = self.tasks[t.index()].service;
            if !services.contains(&s) {
                services.push(s);
            }
        }
        let inst = &mut self.instances[host.index()];
        inst.state = InstanceState::Terminated;
        inst.terminated_at = Some(self.now);
        let msg = format!("instance {host} terminated (Spot interruption)");
        self.push_log("instance_terminated", None, None, Some(host), msg);
        for s in services {
            self.service_retry(s);
        }
    }

    /// A task dies with its instance: its target goes, the requests it holds are lost, and it is
    /// STOPPED (stop code TerminationNotice).
    fn task_lost(&mut self, t: TaskId, host: HostId) {
        let si = self.tasks[t.index()].service.index();
        if self.tasks[t.index()].state == TaskState::Running {
            self.services[si].running -= 1;
            self.deregister_target(t);
        }
        self.services[si].waiting.retain(|&w| w != t);
        self.tasks[t.index()].generation += 1;
        self.tasks[t.index()].stop_code = Some("TerminationNotice");
        self.drop_queued_requests(t);
        self.release(t);
        self.tasks[t.index()].stopped_reason = Some(format!(
            "TerminationNotice: Host EC2 (instance {host}) terminated."
        ));
        if self.tasks[t.index()].state != TaskState::Stopped {
            self.move_task(t, TaskState::Stopped);
            self.services[si].stopped += 1;
            self.services[si].lost += 1;
        }
        let name = self.task_name(t);
        let svc = self.sc.services[si].name.clone();
        let msg = format!("task {name} STOPPED: Host EC2 (instance {host}) terminated");
        self.push_log("task_lost", Some(svc), Some(t), Some(host), msg);
    }
}
