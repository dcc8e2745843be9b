//! One scenario run with every invariant checked after every event (no instance over its
//! registered CPU, memory or ENIs, no host port given twice or reserved, tasks only along legal
//! lifecycle transitions, time never back, every request served, failed or in flight), then its
//! end state: waiting tasks have a reason, the cluster view agrees with the state, batches add up,
//! and the scheduler holds the desired tasks. Shared by the invariant test (a seeded stream of
//! scenarios) and the property tests (generated and shrunk ones).

use ecsim_core::task::TaskState;
use ecsim_core::{RunOptions, Scenario, SimTime, Simulation};

/// What a batch of scenarios exercised, so a test can check its generator reached every outcome.
#[derive(Debug, Default, Clone, Copy)]
pub struct Seen {
    pub placed: u32,
    pub waited: u32,
    pub stopped: u32,
    pub fargate: u32,
    pub pulls: u64,
    pub cache_hits: u64,
    pub retries: u64,
    pub served: u64,
    pub failed: u64,
    pub asg_launched: u32,
    pub scale_outs: u32,
    pub batch_done: u32,
    pub deployments: u32,
    pub scaling_actions: u32,
    /// Tasks replaced for their container health checks, and stopped out of memory.
    pub unhealthy: u32,
    pub oom_killed: u32,
}

/// Parses `text`, runs it at `seed` with the invariants on, and checks its end state; `Err` says
/// what broke (the scenario's text is the caller's to show).
pub fn check_scenario(text: &str, seed: u64) -> Result<Seen, String> {
    let sc = Scenario::parse(text, "generated.toml").map_err(|e| format!("not valid: {e}"))?;
    let mut sim = Simulation::new(
        &sc,
        &RunOptions {
            seed: Some(seed),
            check_invariants: true,
            ..Default::default()
        },
    );
    sim.run_to_end().map_err(|e| e.to_string())?;
    let mut seen = Seen::default();
    for t in sim.tasks() {
        // Every task is stopping or stopped, placed, or waiting with a reason.
        if t.state >= TaskState::Deactivating {
            seen.stopped += 1;
        } else if t.host.is_some() {
            seen.placed += 1;
        } else if t.capacity.is_fargate() {
            seen.fargate += 1;
        } else if t.pending_reason.is_none() {
            return Err(format!("task {} waits without a reason", t.id.0));
        } else {
            seen.waited += 1;
        }
    }
    // The cluster view's snapshot agrees with the state: reservations are the sums of the tasks
    // shown, no host port is shown twice on a host, every waiting task is counted.
    let snap = sim.snapshot();
    for h in &snap.hosts {
        let cpu: u32 = h.tasks.iter().map(|t| t.cpu).sum();
        let mem: u32 = h.tasks.iter().map(|t| t.memory_mib).sum();
        if (cpu, mem) != (h.cpu_reserved, h.memory_reserved_mib) {
            return Err(format!(
                "{}: tasks shown reserve {cpu} CPU, {mem} MiB; the host says {} CPU, {} MiB",
                h.id, h.cpu_reserved, h.memory_reserved_mib
            ));
        }
        let mut ports: Vec<u16> = h.tasks.iter().flat_map(|t| t.host_ports.clone()).collect();
        let n = ports.len();
        ports.sort_unstable();
        ports.dedup();
        if ports.len() != n {
            return Err(format!("{}: a port shown twice", h.id));
        }
    }
    let waiting_now = sim
        .tasks()
        .iter()
        .filter(|t| {
            t.state < TaskState::Deactivating && t.host.is_none() && !t.capacity.is_fargate()
        })
        .count() as u32;
    let shown: u32 = snap.waiting.iter().map(|w| w.tasks).sum();
    if shown != waiting_now {
        return Err(format!(
            "{waiting_now} tasks wait, the view shows {shown}: {:?}",
            snap.waiting
        ));
    }
    let mut live = vec![0u32; sc.services.len()];
    // A change the scheduler has yet to act on (the control plane's delay): any count goes.
    let acting: Vec<bool> = (0..sc.services.len())
        .map(|i| sim.scheduler_will_act(ecsim_core::units::ServiceId(i as u32)))
        .collect();
    // Services replacing tasks of a DRAINING instance may run up to maximumPercent (200 %), and
    // so may a deployment still under way at the end.
    let mut rolling = vec![false; sc.services.len()];
    for a in &sc.actions {
        rolling[a.service.index()] |= a.taskdef.is_some();
    }
    // Tasks stopping but not yet STOPPED: a deployment at its maximum waits for them to exit.
    let mut exiting = vec![0u32; sc.services.len()];
    for t in sim.tasks() {
        if t.state >= TaskState::Deactivating && t.state != TaskState::Stopped {
            exiting[t.service.index()] += 1;
        }
    }
    for t in sim
        .tasks()
        .iter()
        .filter(|t| t.state < TaskState::Deactivating)
    {
        live[t.service.index()] += 1;
        rolling[t.service.index()] |= t.host.is_some_and(|h| {
            sim.instances()[h.index()].state == ecsim_core::instance::InstanceState::Draining
        });
    }
    let daemons = daemon_check(&sim, &sc, &acting);
    let out = sim.finish();
    daemons?;
    let im = &out.summary.images;
    seen.pulls += im.pulls;
    seen.cache_hits += im.cache_hits;
    seen.retries += im.retries;
    for s in out.summary.services.values() {
        seen.served += s.requests.served;
        seen.failed += s.requests.failed;
        seen.deployments += s.deployments.len() as u32;
        seen.scaling_actions += s.scaling.as_ref().map_or(0, |x| x.scale_outs + x.scale_ins);
        seen.unhealthy += s.tasks.failed_container_health_checks;
        seen.oom_killed += s.tasks.oom_killed;
    }
    if let Some(b) = out
        .summary
        .services
        .get("batch")
        .and_then(|s| s.batch.as_ref())
    {
        // Every task is done, given up, or still to finish (running, waiting or re-run).
        let left = out.summary.services["batch"].tasks.desired;
        if b.completed + b.gave_up + left != b.tasks {
            return Err(format!("the batch does not add up: {b:?}, {left} left"));
        }
        seen.batch_done += b.completed;
    }
    for p in out.summary.capacity_providers.values() {
        seen.asg_launched += p.instances_launched;
        seen.scale_outs += p.scale_outs;
    }
    for (si, service) in sc.services.iter().enumerate() {
        // The scheduler keeps exactly `desired` tasks live (placed or waiting), or while it
        // replaces tasks, up to twice as many — and as few as `desired` less those still
        // exiting, whose replacements wait for them at the maximum. After failed starts it may be waiting out its
        // retry throttle (docs/ecs-facts.md §1 "Service retry throttling"), with fewer live
        // meanwhile (a batch whose pulls failed through a registry outage ends so).
        let name = &service.name;
        let k = &out.summary.services[name].tasks;
        if acting[si] || service.daemon {
            continue;
        }
        let most = if rolling[si] {
            2 * k.desired
        } else {
            k.desired
        };
        let least = match (k.failed > 0, rolling[si]) {
            (true, _) => 0,
            (false, true) => k.desired.saturating_sub(exiting[si]),
            (false, false) => k.desired,
        };
        if !(least..=most).contains(&live[si]) {
            return Err(format!("service {name}: {} live, {k:?}", live[si]));
        }
        if k.running_end + k.pending_end > most {
            return Err(format!(
                "service {name}: more running and pending than {most}: {k:?}"
            ));
        }
    }
    Ok(seen)
}

/// A DAEMON service keeps one live task, pinned, on each ACTIVE instance that meets its
/// constraints (or none there while it waits out the retry throttle), and none elsewhere but on
/// a DRAINING instance (where it stops last).
fn daemon_check(sim: &Simulation, sc: &Scenario, acting: &[bool]) -> Result<(), String> {
    use ecsim_core::instance::InstanceState;
    for (si, service) in sc.services.iter().enumerate() {
        if !service.daemon || acting[si] {
            continue;
        }
        let mut on = vec![0u32; sim.instances().len()];
        for t in sim
            .tasks()
            .iter()
            .filter(|t| t.service.index() == si && t.state < TaskState::Deactivating)
        {
            let Some(h) = t.pinned else {
                return Err(format!(
                    "daemon {}: a live task for no instance",
                    service.name
                ));
            };
            on[h.index()] += 1;
        }
        let created = SimTime::ZERO + service.start_at <= sim.now();
        // After failed starts the scheduler may be waiting out its retry throttle.
        let throttled = sim.tasks().iter().any(|t| {
            t.service.index() == si
                && t.stop_code == Some(ecsim_core::task::StopCode::TaskFailedToStart)
        });
        for (h, inst) in sim.instances().iter().enumerate() {
            let eligible = sim.daemon_runs_on(ecsim_core::units::ServiceId(si as u32), inst.id);
            let want = match (created && eligible, inst.state) {
                (true, _) if throttled => 0..=1,
                (true, _) => 1..=1,
                (false, InstanceState::Draining) => 0..=1,
                (false, _) => 0..=0,
            };
            if !want.contains(&on[h]) {
                return Err(format!(
                    "daemon {}: {} live tasks on {} ({:?}), expected {want:?}",
                    service.name, on[h], inst.id, inst.state
                ));
            }
        }
    }
    Ok(())
}

impl std::ops::AddAssign for Seen {
    fn add_assign(&mut self, o: Seen) {
        self.placed += o.placed;
        self.waited += o.waited;
        self.stopped += o.stopped;
        self.fargate += o.fargate;
        self.pulls += o.pulls;
        self.cache_hits += o.cache_hits;
        self.retries += o.retries;
        self.served += o.served;
        self.failed += o.failed;
        self.asg_launched += o.asg_launched;
        self.scale_outs += o.scale_outs;
        self.batch_done += o.batch_done;
        self.deployments += o.deployments;
        self.scaling_actions += o.scaling_actions;
        self.unhealthy += o.unhealthy;
        self.oom_killed += o.oom_killed;
    }
}
