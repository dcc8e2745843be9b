//! EC2 Spot interruptions and instance draining.
//!
//! EC2 gives a Spot instance two minutes' notice before it terminates it (docs/ecs-facts.md §7 "Spot
//! interruption notice"). With `ECS_ENABLE_SPOT_INSTANCE_DRAINING=true` the agent polls the
//! notice every second and sets the instance to DRAINING (docs/ecs-facts.md §3): it takes no new tasks,
//! and its service tasks are replaced as in a rolling deployment (§1 "DRAINING behaviour",
//! `sim/deployment.rs`): replacements start elsewhere within the service's maximumPercent, and
//! the old tasks are stopped the graceful way (target deregistered and drained, SIGTERM) as
//! far as its minimumHealthyPercent allows. Without it nothing happens until the instance is terminated: its tasks die with it,
//! requests they hold are lost, and only then does the service replace them.

use super::event::InstanceEvent;
use super::{Event, Simulation};
use crate::instance::InstanceState;
use crate::log::LogKind;
use crate::task::TaskState;
use crate::time::SimDuration;
use crate::units::HostId;

/// docs/ecs-facts.md §7: two minutes from the notice to the termination.
const NOTICE: SimDuration = SimDuration::from_secs(120);
/// docs/ecs-facts.md §3: the agent polls the instance-action endpoint every second.
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
            self.push_log(LogKind::SpotNotice, None, None, None, msg);
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
        self.push_log(LogKind::SpotNotice, None, None, Some(host), msg);
        let life = self.instances[host.index()].life;
        if draining {
            self.engine.schedule(
                self.engine.now() + AGENT_POLL,
                Event::instance(host, life, InstanceEvent::Drains),
            );
        }
        self.engine.schedule(
            self.engine.now() + NOTICE,
            Event::instance(host, life, InstanceEvent::Terminated),
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
        self.any_drained = true;
        let msg = format!(
            "instance {host} DRAINING: {} tasks to replace elsewhere",
            tasks.len()
        );
        self.push_log(LogKind::InstanceDraining, None, None, Some(host), msg);
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
            self.stop(t, super::StopCause::InstanceLost { host });
            let s = self.tasks[t.index()].service;
            if !services.contains(&s) {
                services.push(s);
            }
        }
        let inst = &mut self.instances[host.index()];
        inst.state = InstanceState::Terminated;
        inst.terminated_at = Some(self.engine.now());
        let group = inst.group;
        self.pulls.nets[host.index()].drop_downloads();
        let msg = format!("instance {host} terminated ({why})");
        self.push_log(LogKind::InstanceTerminated, None, None, Some(host), msg);
        self.daemons_follow_instances();
        // An Auto Scaling group replaces it (unless it was its own scale-in).
        self.asg_fill(group, &format!("replacing {host}"));
        for s in services {
            self.service_retry(s);
        }
    }
}
