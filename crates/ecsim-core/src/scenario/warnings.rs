//! What a scenario runs with but may not mean, found before the run and carried into the summary
//! and the report so it is never silent:
//! - AWS fields a pasted service or task definition has that ecsim does not model (`aws_shape`):
//!   accepted, and named here;
//! - `ecs.config` keys the agent does not know: it ignores them, and says so in its log
//!   (docs/ecs-facts.md §2); and the lines it reads otherwise than they look: skipped, a value it
//!   cannot parse, quotes kept (docs/ecs-facts.md §12);
//! - a service created after the run ends;
//! - a task no instance of the scenario could ever hold: more CPU or memory than any of its
//!   instance types has (docs/ecs-facts.md §4), or a static host port the agent reserves on
//!   every instance (`ECS_RESERVED_PORTS`, docs/ecs-facts.md §3), or in `awsvpc` mode an ENI
//!   where no instance has one to spare (the primary ENI is the instance's own; with ENI
//!   trunking the trunk's task limit instead, docs/ecs-facts.md §2 "awsvpc ENI budget");
//! - a burstable instance type serving requests: it is modelled in unlimited mode (T3's
//!   default), never throttled, its surplus credits billed; standard mode is not modelled
//!   (docs/ecs-facts.md §12 "Burstable instances");
//! - a DAEMON service beside managed scale-in with termination protection: ecsim counts an
//!   instance that runs only daemon tasks as busy, which is not sourced (docs/ecs-facts.md §12
//!   "DAEMON scheduling strategy").

use super::Scenario;
use crate::capacity::Capacity;
use crate::error::Warning;
use crate::taskdef::HostPortNeed;
use crate::units::{CpuUnits, MiB};

/// Every warning of a validated scenario, in the order of its sections.
pub(crate) fn warnings(sc: &Scenario) -> Vec<Warning> {
    let mut out = Vec::new();
    ignored_aws_fields(sc, &mut out);
    for (i, g) in sc.groups.iter().enumerate() {
        let mut lines: Vec<(usize, String)> = g
            .agent
            .unknown_keys
            .iter()
            .map(|(line, key)| (*line, format!("unknown key {key} is ignored by the agent")))
            .chain(g.agent.notes.iter().cloned())
            .collect();
        // In line order, as the agent reads them.
        lines.sort_by_key(|(line, _)| *line);
        for (line, what) in lines {
            out.push(Warning {
                field: format!("instance_groups[{i}].ecs_config"),
                message: format!("line {line}: {what} (group {})", g.name),
            });
        }
    }
    for (i, g) in sc.groups.iter().enumerate() {
        let burstable = g
            .types
            .iter()
            .find_map(|(n, t)| Some((n, t.cpu_baseline_pct?)));
        if let (Some((name, baseline)), false) = (burstable, sc.traffic.is_empty()) {
            out.push(Warning {
                field: format!("instance_groups[{i}].instance_type"),
                message: format!(
                    "{name} is burstable (a baseline of {baseline} % of each vCPU): ecsim runs it in unlimited mode, T3's default, at full speed, and bills the CPU credits it spends above the baseline ($0.05 per vCPU-hour); in standard mode it would be throttled to the baseline, which ecsim does not model"
                ),
            });
        }
    }
    if let Some(i) = sc.services.iter().position(|s| s.daemon) {
        if sc
            .providers
            .iter()
            .any(|p| p.scaling.is_some() && p.termination_protection)
        {
            out.push(Warning {
                field: format!("services[{i}].schedulingStrategy"),
                message: format!(
                    "{} is a DAEMON service: ecsim counts an instance that runs only daemon tasks as busy, so managed scale-in never takes it; AWS does not say how ECS counts it",
                    sc.services[i].name
                ),
            });
        }
    }
    let end = sc.spec.duration;
    for (i, s) in sc.services.iter().enumerate() {
        if s.start_at >= end && s.batch.is_none() {
            out.push(Warning {
                field: format!("services[{i}].startAt"),
                message: format!(
                    "service {} is created at {}, when the run ({}) is over: it never runs",
                    s.name, s.start_at, end
                ),
            });
        }
        unplaceable(sc, i, &mut out);
    }
    out
}

fn ignored_aws_fields(sc: &Scenario, out: &mut Vec<Warning>) {
    let mut note = |field: String, keys: &[String]| {
        if !keys.is_empty() {
            // In name order, whatever order the file (or its format) gave them in.
            let mut keys = keys.to_vec();
            keys.sort();
            // describe-task-definition's answer and the definition in it both have `tags`.
            keys.dedup();
            out.push(Warning {
                field,
                message: format!(
                    "AWS fields ecsim does not model, ignored: {}",
                    keys.join(", ")
                ),
            });
        }
    };
    for (i, t) in sc.spec.task_definitions.iter().enumerate() {
        note(format!("task_definitions[{i}]"), &t.ignored);
        for (j, c) in t.container_definitions.iter().enumerate() {
            let at = format!("task_definitions[{i}].containerDefinitions[{j}]");
            note(at.clone(), &c.ignored);
            for (k, p) in c.port_mappings.iter().enumerate() {
                note(format!("{at}.portMappings[{k}]"), &p.ignored);
            }
            if let Some(l) = &c.log_configuration {
                note(format!("{at}.logConfiguration"), &l.ignored);
            }
        }
    }
    for (i, s) in sc.spec.services.iter().enumerate() {
        note(format!("services[{i}]"), &s.ignored);
    }
}

/// A service on EC2 whose task no instance type of the scenario can hold, or whose static host
/// port every instance reserves.
fn unplaceable(sc: &Scenario, i: usize, out: &mut Vec<Warning>) {
    let s = &sc.services[i];
    let on_ec2 = s.capacity.is_empty()
        || s.capacity
            .iter()
            .any(|p| matches!(p.capacity, Capacity::Ec2 | Capacity::Provider(_)));
    let td = &sc.taskdefs[s.taskdef.index()];
    if !on_ec2 || td.fargate || sc.groups.is_empty() {
        return;
    }
    let types = sc.groups.iter().flat_map(|g| g.types.iter());
    let cpu = types.clone().map(|(_, t)| t.vcpu * 1024).max().unwrap_or(0);
    let mem = types.clone().map(|(_, t)| t.memory_mib).max().unwrap_or(0);
    let field = format!("task_definitions[{}]", s.taskdef.index());
    let mut say = |message: String| {
        out.push(Warning {
            field: field.clone(),
            message,
        })
    };
    if td.cpu > CpuUnits(cpu) {
        say(format!(
            "service {}'s task needs {}; no instance type here has that many ({} at most): its tasks can never be placed",
            s.name, td.cpu, CpuUnits(cpu)
        ));
    }
    if td.memory > MiB(mem) {
        say(format!(
            "service {}'s task needs {}; no instance type here has that much ({} at most): its tasks can never be placed",
            s.name, td.memory, MiB(mem)
        ));
    }
    let enis = sc
        .groups
        .iter()
        .flat_map(|g| {
            g.types
                .iter()
                .map(|(_, t)| match (g.eni_trunking, t.trunk_tasks) {
                    (true, Some(n)) => n,
                    _ => t.enis.saturating_sub(1),
                })
        })
        .max()
        .unwrap_or(0);
    if td.network_mode == crate::taskdef::NetworkMode::Awsvpc && enis == 0 {
        say(format!(
            "service {}'s task runs in awsvpc mode and needs an ENI of its own; no instance type here has one to spare beyond its primary ENI: its tasks can never be placed",
            s.name
        ));
    }
    for need in &td.host_ports {
        if let HostPortNeed::Static(port) = need {
            if sc
                .groups
                .iter()
                .all(|g| g.agent.reserved_ports.contains(port))
            {
                say(format!(
                    "service {}'s task needs host port {port}, which the agent reserves on every instance (ECS_RESERVED_PORTS): its tasks can never be placed",
                    s.name
                ));
            }
        }
    }
}
