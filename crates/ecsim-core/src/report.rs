//! The summary of a run as text a person reads: what the CLI prints and the web page shows, from
//! one place so the two always agree.

use crate::metrics::Summary;
use crate::scenario::Scenario;
use std::fmt::Write;

/// The readable summary: cluster, services, cost, objectives.
pub fn text(sc: &Scenario, s: &Summary) -> String {
    let mut t = String::new();
    let _ = writeln!(t, "scenario   {} ({})", s.scenario, sc.file);
    if !sc.spec.description.is_empty() {
        let _ = writeln!(t, "           {}", sc.spec.description);
    }
    let _ = writeln!(t, "seed       {}", s.seed);
    let _ = writeln!(t, "trace_hash {}", s.trace_hash);
    let _ = writeln!(t, "simulated  {} s, {} events", s.sim_seconds, s.events);
    let c = &s.cluster;
    let _ = writeln!(
        t,
        "cluster    {}: {} instances registered of {} launched{}",
        c.name,
        c.instances_end,
        c.instances_launched,
        if c.instances_never_joined > 0 {
            format!(" ({} never joined)", c.instances_never_joined)
        } else {
            String::new()
        }
    );
    let _ = writeln!(
        t,
        "           CPU reserved mean {:.1} % peak {:.1} %; memory reserved mean {:.1} % peak {:.1} %",
        c.cpu_reserved_pct.mean, c.cpu_reserved_pct.peak, c.mem_reserved_pct.mean, c.mem_reserved_pct.peak
    );
    let _ = writeln!(
        t,
        "           dynamic host ports in use at the end: {}",
        c.dynamic_ports_in_use_end
    );
    for (name, svc) in &s.services {
        let k = &svc.tasks;
        let _ = writeln!(
            t,
            "service    {name}: {} running, {} pending of {} desired; {} started, {} failed",
            k.running_end, k.pending_end, k.desired, k.started, k.failed
        );
        if let Some(ts) = svc.time_to_steady_state_s {
            let _ = writeln!(t, "           all desired tasks running after {ts:.1} s");
        }
        if !svc.tasks_per_instance.is_empty() {
            let per: Vec<String> = svc
                .tasks_per_instance
                .iter()
                .map(|(h, n)| format!("{h}: {n}"))
                .collect();
            let _ = writeln!(t, "           running per instance: {}", per.join(", "));
        }
        for (reason, n) in &svc.pending_reasons {
            let _ = writeln!(t, "           {n} pending: {reason}");
        }
    }
    let _ = writeln!(
        t,
        "cost       ${:.4} (EC2 ${:.4})",
        s.cost_usd.total, s.cost_usd.ec2
    );
    for o in &s.objectives {
        let measured = o
            .measured
            .map(|m| m.to_string())
            .unwrap_or_else(|| "n/a".into());
        let _ = writeln!(
            t,
            "objective  [{}] {} ({} {} {}; measured {measured}){}",
            if o.held { "held" } else { "FAILED" },
            o.name,
            o.metric,
            o.op,
            o.target,
            o.error
                .as_ref()
                .map(|e| format!(" — {e}"))
                .unwrap_or_default()
        );
    }
    t
}
