//! DAEMON services: exactly one task on each ACTIVE container instance that meets the service's
//! placement constraints, their count following the instances (docs/ecs-facts.md §12 "DAEMON
//! scheduling strategy"). ECS "prioritizes the daemon task to be the first task to launch on the
//! instances and the last task to stop": a newly registered instance gets its daemon tasks before
//! waiting replica tasks are placed again, and on a DRAINING instance a daemon task stops only
//! once every other task there is gone.

use super::{Simulation, StopCause};
use crate::instance::InstanceState;
use crate::placement;
use crate::units::{HostId, ServiceId};

impl Simulation {
    /// Whether DAEMON service `s` runs a task on instance `h` now: it is ACTIVE and meets the
    /// service's constraints and its task definition's required attributes.
    pub fn daemon_runs_on(&self, s: ServiceId, h: HostId) -> bool {
        let si = s.index();
        let inst = &self.instances[h.index()];
        let svc = &self.sc.services[si];
        inst.is_active()
            && placement::attributes_fit(
                inst,
                &svc.constraints,
                &self.sc.taskdefs[svc.taskdef.index()].requires,
            )
    }

    /// Whether a task of a replica service is still on instance `h`.
    fn replica_tasks_on(&self, h: HostId) -> bool {
        self.instances[h.index()]
            .tasks
            .iter()
            .any(|t| !self.sc.services[self.tasks[t.index()].service.index()].daemon)
    }

    /// The DAEMON service's tasks follow the instances: one for each instance it runs on that has
    /// none, and those on instances it no longer runs on stop (on a draining one, once the
    /// replica tasks there have gone).
    pub(super) fn reconcile_daemon(&mut self, s: ServiceId) {
        let si = s.index();
        let runs_on: Vec<bool> = (0..self.instances.len())
            .map(|h| self.daemon_runs_on(s, HostId(h as u32)))
            .collect();
        self.services[si].desired = runs_on.iter().filter(|&&r| r).count() as u32;
        let mut covered = vec![false; self.instances.len()];
        for t in self.services[si].live.clone() {
            let Some(h) = self.tasks[t.index()].pinned else {
                continue;
            };
            let stays = runs_on[h.index()]
                || (self.instances[h.index()].state == InstanceState::Draining
                    && self.replica_tasks_on(h));
            if stays {
                covered[h.index()] = true;
            } else {
                self.stop(t, StopCause::Scheduler);
            }
        }
        // One creation for all the instances that lack a task: it counts the service's live
        // tasks once, not once per instance.
        let missing: Vec<Option<HostId>> = (0..self.instances.len())
            .filter(|&h| runs_on[h] && !covered[h])
            .map(|h| Some(HostId(h as u32)))
            .collect();
        if !missing.is_empty() {
            self.create_tasks_for(s, &missing);
        }
        self.scale_up_check(si);
    }

    /// An instance registered or is gone: every DAEMON service follows at once — a new instance
    /// gets its task before the replica tasks waiting for room are placed again, and a task
    /// still waiting for a gone instance stops.
    pub(super) fn daemons_follow_instances(&mut self) {
        for si in 0..self.sc.services.len() {
            if self.sc.services[si].daemon && self.services[si].active {
                self.reconcile_daemon(ServiceId(si as u32));
            }
        }
    }

    /// A task left instance `h`: if it is draining and only daemon tasks are left there, they
    /// stop now.
    pub(super) fn daemon_drain_check(&mut self, h: HostId) {
        if self.instances[h.index()].state != InstanceState::Draining || self.replica_tasks_on(h) {
            return;
        }
        let daemons: Vec<usize> = self.instances[h.index()]
            .tasks
            .iter()
            .map(|t| self.tasks[t.index()].service.index())
            .collect();
        for si in daemons {
            self.reconcile_daemon(ServiceId(si as u32));
        }
    }
}
