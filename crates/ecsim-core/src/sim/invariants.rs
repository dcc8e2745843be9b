//! The state rules no run may break, checked after every event in debug builds and tests, apart
//! from the system they check: this code only reads the world. Each service's running and live
//! counts agree with its tasks' states, and so do its Fargate tasks per zone; no instance is over its registered CPU, memory or ENIs;
//! an instance's reservation is the sum of its tasks'; no host port is held twice or reserved;
//! an image is in use on a host by exactly the live tasks there that run it; a terminated
//! instance holds no task; no stopped Fargate task is still billed; tasks move only along legal
//! lifecycle transitions; every request that arrived is served, failed or in the system; the
//! request path's copies of task and instance fields equal their originals.

use super::{InvariantViolation, Simulation};
use crate::task::TaskState;
use crate::units::Port;

impl Simulation {
    /// Checks the rules no state may break: no instance over its registered CPU or memory or ENIs,
    /// its reservations equal to the sum of its tasks', no host port held twice or reserved, and
    /// no illegal task transition so far.
    pub fn check_invariants(&self) -> Result<(), InvariantViolation> {
        let fail = |message: String| {
            Err(InvariantViolation {
                time: self.engine.now(),
                message,
            })
        };
        if let Some(v) = &self.violation {
            return fail(v.clone());
        }
        for tr in &self.requests.traffic {
            // A registered target, healthy or not, is a RUNNING task of the service.
            if let Some(&t) = tr.targets.iter().chain(&tr.unhealthy).find(|&&t| {
                let task = &self.tasks[t.index()];
                task.state != TaskState::Running || task.service.index() != tr.spec.service
            }) {
                return fail(format!(
                    "target {} is registered but its task is {:?}",
                    self.task_name(t),
                    self.tasks[t.index()].state
                ));
            }
            // Each healthy target knows its position, and the least outstanding index holds
            // each one at its load now.
            for (p, &t) in tr.targets.iter().enumerate() {
                let load = &self.requests.loads[t.index()];
                if load.target.map(|(pos, _)| pos) != Some(p as u32) {
                    return fail(format!(
                        "target {} is at position {p} but its load says {:?}",
                        self.task_name(t),
                        load.target
                    ));
                }
            }
            if let Some(least) = &tr.least {
                let wrong = least.entries().find(|&(p, c)| {
                    tr.targets
                        .get(p as usize)
                        .is_none_or(|&t| self.requests.loads[t.index()].outstanding() != c)
                });
                if let Some((p, c)) = wrong.or_else(|| {
                    (least.len() != tr.targets.len()).then_some((tr.targets.len() as u32, 0))
                }) {
                    return fail(format!(
                        "the least outstanding index holds {} entries for {} targets, and at \
                         position {p} counts {c}",
                        least.len(),
                        tr.targets.len()
                    ));
                }
            }
            let failed = tr.failed();
            if tr.arrived != tr.served + failed + tr.in_system {
                return fail(format!(
                    "requests not conserved: {} arrived, {} served, {failed} failed, {} in the system",
                    tr.arrived, tr.served, tr.in_system
                ));
            }
        }
        // The request path's copies agree with what they copy.
        for (task, load) in self.tasks.iter().zip(&self.requests.loads) {
            let td = &self.sc.taskdefs[task.taskdef.index()];
            let copy = super::requests::TaskCopy {
                host: task.host,
                generation: task.generation,
                placed_at: task.placed_at,
                state: task.state,
                cpu_limit: td.cpu_limit,
                memory: self.memory_modelled(task.id),
            };
            if load.task != copy {
                return fail(format!(
                    "task {}'s load holds {:?} of it, where it is {copy:?}",
                    self.task_name(task.id),
                    load.task
                ));
            }
        }
        if let Some((inst, cpu)) = self
            .instances
            .iter()
            .zip(&self.requests.host_cpu)
            .find(|(i, c)| c.vcpus != i.spec.vcpu || c.launched_at != i.launched_at)
        {
            return fail(format!(
                "{}'s CPU account says {} vCPUs launched at {}, where it has {} launched at {}",
                inst.id, cpu.vcpus, cpu.launched_at, inst.spec.vcpu, inst.launched_at
            ));
        }
        // Each service's counts of running and live tasks, and of live Fargate tasks per zone,
        // agree with its tasks' states.
        let mut running = vec![0u32; self.services.len()];
        let mut live = vec![0u32; self.services.len()];
        let mut in_zone: Vec<Vec<u32>> = self
            .services
            .iter()
            .map(|s| vec![0; s.fargate_in_zone.len()])
            .collect();
        for t in &self.tasks {
            let si = t.service.index();
            running[si] += u32::from(t.state == TaskState::Running);
            live[si] += u32::from(t.state < TaskState::Deactivating);
            if let (Some(k), true) = (t.fargate_zone, t.state < TaskState::Deactivating) {
                in_zone[si][k as usize] += 1;
            }
        }
        for (si, st) in self.services.iter().enumerate() {
            let name = &self.sc.services[si].name;
            if st.running != running[si] {
                return fail(format!(
                    "service {name} counts {} running tasks, {} are RUNNING",
                    st.running, running[si]
                ));
            }
            if st.fargate_in_zone != in_zone[si] {
                return fail(format!(
                    "service {name} counts {:?} Fargate tasks per zone, its live tasks are {:?}",
                    st.fargate_in_zone, in_zone[si]
                ));
            }
            if st.live.len() as u32 != live[si] {
                return fail(format!(
                    "service {name} lists {} live tasks, {} are not yet stopping",
                    st.live.len(),
                    live[si]
                ));
            }
        }
        // An image is in use on a host by exactly the live tasks there that run it.
        for inst in &self.instances {
            let cache = &self.pulls.nets[inst.id.index()].cache;
            for i in 0..self.sc.images.image_count() {
                let im = crate::units::ImageId(i as u32);
                let users = inst
                    .tasks
                    .iter()
                    .filter(|t| {
                        self.sc.taskdef_images[self.tasks[t.index()].taskdef.index()].contains(&im)
                    })
                    .count() as u32;
                if cache.users(im) != users {
                    return fail(format!(
                        "{}: image {} has {} users, {users} tasks run it",
                        inst.id,
                        self.sc.images.image(im).reference,
                        cache.users(im)
                    ));
                }
            }
            if inst.state == crate::instance::InstanceState::Terminated && !inst.tasks.is_empty() {
                return fail(format!("{} is terminated but holds tasks", inst.id));
            }
        }
        for &t in &self.fargate.live {
            if self.tasks[t.index()].state == TaskState::Stopped {
                return fail(format!("Fargate task {} is stopped but still billed", t.0));
            }
        }
        let mut ports: Vec<Port> = Vec::new();
        for inst in &self.instances {
            if inst.reserved_cpu > inst.registered_cpu
                || inst.reserved_memory > inst.registered_memory
            {
                return fail(format!(
                    "{} over capacity: cpu {}/{}, memory {}/{}",
                    inst.id,
                    inst.reserved_cpu.0,
                    inst.registered_cpu.0,
                    inst.reserved_memory.0,
                    inst.registered_memory.0
                ));
            }
            if inst.enis_used > inst.eni_budget {
                return fail(format!(
                    "{} uses {} task ENIs of {}",
                    inst.id, inst.enis_used, inst.eni_budget
                ));
            }
            let (mut cpu, mut mem) = (0u32, 0u32);
            ports.clear();
            for &t in &inst.tasks {
                let task = &self.tasks[t.index()];
                if task.host != Some(inst.id) {
                    return fail(format!(
                        "task {} listed on {} but placed on {:?}",
                        t.0, inst.id, task.host
                    ));
                }
                let td = &self.sc.taskdefs[task.taskdef.index()];
                cpu += td.cpu.0;
                mem += td.memory.0;
                for p in &task.ports {
                    if inst.ports.is_reserved(p.port) {
                        return fail(format!(
                            "reserved port {} given to task {} on {}",
                            p.port, t.0, inst.id
                        ));
                    }
                    ports.push(p.port);
                }
            }
            if cpu != inst.reserved_cpu.0 || mem != inst.reserved_memory.0 {
                return fail(format!(
                    "{} reservation {}/{} differs from its tasks' {cpu}/{mem}",
                    inst.id, inst.reserved_cpu.0, inst.reserved_memory.0
                ));
            }
            let n = ports.len();
            ports.sort_unstable();
            ports.dedup();
            if ports.len() != n {
                return fail(format!("a host port is held twice on {}", inst.id));
            }
            if inst.ports.in_use_count() != n {
                return fail(format!(
                    "{} port table disagrees with its tasks' ports",
                    inst.id
                ));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use crate::{RunOptions, Scenario, Simulation};

    /// The default scenario a simulated minute in: tasks placed and serving requests.
    fn serving() -> Simulation {
        let text = include_str!("../../../../scenarios/default.toml");
        let sc = Scenario::parse(text, "default.toml").expect("the default scenario parses");
        let mut sim = Simulation::new(&sc, &RunOptions::default());
        while sim.now().as_secs_f64() < 120.0 {
            assert!(sim.advance(1_000).expect("runs"), "ended early");
        }
        sim.check_invariants().expect("holds as run");
        sim
    }

    #[test]
    fn a_request_path_copy_that_drifts_from_its_task_is_a_violation() {
        let mut sim = serving();
        let t = sim
            .tasks
            .iter()
            .position(|t| t.host.is_some())
            .expect("a placed task");
        sim.requests.loads[t].task.generation += 1;
        let e = sim.check_invariants().expect_err("a stale generation");
        assert!(e.message.contains("'s load holds"), "{}", e.message);

        let mut sim = serving();
        sim.requests.host_cpu[0].vcpus += 1;
        let e = sim.check_invariants().expect_err("a wrong vCPU count");
        assert!(e.message.contains("CPU account says"), "{}", e.message);
    }
}
