//! The summary of a run as text a person reads: what the CLI prints and the web page shows, from
//! one place so the two always agree.

use ecsim_core::metrics::Summary;
use ecsim_core::scenario::Scenario;
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
    // Before the numbers: they may not be for the cluster the author meant.
    for w in &s.warnings {
        let _ = writeln!(t, "warning    {w}");
    }
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
    if c.instances_launched == 0 {
        // Fargate only: the instance figures would all be zero.
        let _ = writeln!(
            t,
            "           no container instances (the tasks run on Fargate)"
        );
    } else {
        let _ = writeln!(
            t,
            "           CPU reserved mean {:.1} % peak {:.1} %; memory reserved mean {:.1} % peak {:.1} %",
            c.cpu_reserved_pct.mean, c.cpu_reserved_pct.peak, c.mem_reserved_pct.mean, c.mem_reserved_pct.peak
        );
        let _ = writeln!(
            t,
            "           CPU used by requests mean {:.1} % peak {:.1} %",
            c.cpu_used_pct.mean, c.cpu_used_pct.peak
        );
        let _ = writeln!(
            t,
            "           dynamic host ports in use at the end: {}",
            c.dynamic_ports_in_use_end
        );
    }
    for (name, p) in &s.capacity_providers {
        if !p.managed_scaling {
            let _ = writeln!(
                t,
                "capacity   {name} (group {}): no managed scaling; {} instances at the end",
                p.auto_scaling_group, p.instances_end
            );
            continue;
        }
        let _ = writeln!(
            t,
            "capacity   {name} (group {}): {} scale-outs, {} scale-ins; {} instances launched, {} terminated; peak {}, {} at the end; reservation peak {:.0} %{}",
            p.auto_scaling_group,
            p.scale_outs,
            p.scale_ins,
            p.instances_launched,
            p.instances_terminated,
            p.instances_peak,
            p.instances_end,
            p.reservation_pct_max,
            if p.tasks_stopped_by_scale_in > 0 {
                format!("; {} tasks stopped by scale-in", p.tasks_stopped_by_scale_in)
            } else {
                String::new()
            }
        );
    }
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
        for d in &svc.deployments {
            let how = match (d.state.as_str(), d.duration_s) {
                ("COMPLETED", Some(s)) => format!("took {s:.1} s"),
                ("FAILED", _) => format!("FAILED ({} tasks failed to start)", d.failed_tasks),
                (state, _) => state.to_lowercase().replace('_', " "),
            };
            let how = if d.rollback {
                format!("(rollback) {how}")
            } else {
                how
            };
            let _ = writeln!(
                t,
                "           deployment {} -> {} at {:.0} s {how}: {} requests failed, at least {} healthy targets",
                d.from, d.to, d.started_s, d.failed_requests, d.min_healthy_targets
            );
        }
        if let Some(a) = &svc.scaling {
            let _ = writeln!(
                t,
                "           auto scaling: {} out, {} in, peak desired {}, capacity {}..={} at the end",
                a.scale_outs, a.scale_ins, a.desired_peak, a.min_capacity_end, a.max_capacity_end
            );
        }
        if let Some(b) = &svc.batch {
            let _ = writeln!(
                t,
                "           batch: {} of {} tasks done{}, {} attempts stopped short, {} given up{}",
                b.completed,
                b.tasks,
                b.makespan_s
                    .map(|m| format!(" in {m:.0} s"))
                    .unwrap_or_default(),
                b.interrupted,
                b.gave_up,
                if svc.fargate_cost_usd > 0.0 {
                    format!("; Fargate ${:.4}", svc.fargate_cost_usd)
                } else {
                    String::new()
                }
            );
        }
        let up = &svc.scale_up_s;
        if let (Some(first), Some(max)) = (up.first, up.max) {
            let _ = writeln!(
                t,
                "           scale-up to the desired count: first took {first:.1} s, longest {max:.1} s ({} in all){}",
                up.count,
                if up.unfinished { "; one still going at the end" } else { "" }
            );
        } else if up.unfinished {
            let _ = writeln!(
                t,
                "           scale-up still short of the desired count at the end"
            );
        }
        if k.failed_health_checks > 0 {
            let _ = writeln!(
                t,
                "           {} tasks replaced after failing their load balancer health checks",
                k.failed_health_checks
            );
        }
        if k.oom_killed > 0 {
            let _ = writeln!(
                t,
                "           {} tasks stopped: an essential container ran out of memory (OutOfMemoryError, exit code 137)",
                k.oom_killed
            );
        }
        if let Some(m) = &svc.memory {
            let _ = writeln!(
                t,
                "           memory used mean {:.1} % peak {:.1} % of what its tasks reserve",
                m.used_pct.mean, m.used_pct.peak
            );
        }
        if k.failed_container_health_checks > 0 {
            let _ = writeln!(
                t,
                "           {} tasks replaced after failing their container health checks",
                k.failed_container_health_checks
            );
        }
        if k.spot_interrupted > 0 {
            let _ = writeln!(
                t,
                "           {} Fargate Spot interruptions",
                k.spot_interrupted
            );
        }
        if !svc.tasks_per_instance.is_empty() {
            let _ = writeln!(t, "           {}", per_instance(&svc.tasks_per_instance));
        }
        for (reason, n) in &svc.pending_reasons {
            let _ = writeln!(t, "           {n} pending: {reason}");
        }
        for (reason, n) in &svc.failed_reasons {
            let _ = writeln!(t, "           {n} failed to start: {reason}");
        }
        if !svc.stop_codes.is_empty() {
            let codes: Vec<String> = svc
                .stop_codes
                .iter()
                .map(|(c, n)| format!("{c} {n}"))
                .collect();
            let _ = writeln!(t, "           stopped: {}", codes.join(", "));
        }
        let st = &svc.startup_s;
        if let (Some(p50), Some(p90), Some(max)) = (st.p50, st.p90, st.max) {
            let b = &svc.startup_breakdown_s;
            let part = |v: Option<f64>| v.map_or("n/a".to_string(), |v| format!("{v:.1} s"));
            let pull_share = match (b.pull, b.provisioning, b.start, b.health) {
                (Some(p), Some(a), Some(c), Some(d)) if p + a + c + d > 0.0 => {
                    format!(" (pull {:.0} %)", 100.0 * p / (p + a + c + d))
                }
                _ => String::new(),
            };
            let _ = writeln!(
                t,
                "startup    {name}: wanted to healthy p50 {p50:.1} s, p90 {p90:.1} s, max {max:.1} s over {} tasks",
                st.count
            );
            let _ = writeln!(
                t,
                "           mean provisioning {}, pull {}, start {}, health {}{pull_share}",
                part(b.provisioning),
                part(b.pull),
                part(b.start),
                part(b.health)
            );
        }
        if let Some(u) = svc.cpu.used_pct {
            let _ = writeln!(
                t,
                "cpu        {name}: requests used {u:.1} % of the {:.2} vCPU-hours its running tasks reserved",
                svc.cpu.reserved_vcpu_hours
            );
        }
        let r = &svc.requests;
        if r.arrived > 0 {
            let why: Vec<String> = r
                .failed_by_reason
                .iter()
                .map(|(k, v)| format!("{k} {v}"))
                .collect();
            let _ = writeln!(
                t,
                "requests   {name}: {} arrived ({:.1}/s), {} served, {} failed{}",
                r.arrived,
                r.arrival_rate_per_s,
                r.served,
                r.failed,
                if why.is_empty() {
                    String::new()
                } else {
                    format!(" ({})", why.join(", "))
                }
            );
            let l = &svc.latency_ms;
            let _ = writeln!(
                t,
                "latency    {name}: mean {:.2} ms, p50 {:.2}, p90 {:.2}, p99 {:.2}, max {:.2}",
                l.mean, l.p50, l.p90, l.p99, l.max
            );
        }
    }
    let im = &s.images;
    if im.pulls + im.cache_hits + im.failed > 0 {
        let _ = writeln!(
            t,
            "images     {} pulls ({} MiB downloaded, {} MiB already on the host)\n           {} tasks used the cache without a pull, {} joined a pull in flight",
            im.pulls,
            im.mib_downloaded.round(),
            im.mib_from_cache.round(),
            im.cache_hits,
            im.pulls_joined
        );
        if im.retries + im.failed + im.images_cleaned > 0 {
            let _ = writeln!(
                t,
                "           {} retries, {} failed ({} used the cached image), {} images cleaned up",
                im.retries, im.failed, im.fell_back_to_cache, im.images_cleaned
            );
        }
    }
    let c = &s.cost_usd;
    // Burstable instances' surplus credits are part of EC2; named only when there are some.
    let credits = if c.cpu_credits > 0.0 {
        format!(" with ${:.4} of T3 surplus CPU credits", c.cpu_credits)
    } else {
        String::new()
    };
    let _ = writeln!(
        t,
        "cost       ${:.4} (EC2 ${:.4}{credits}, Fargate ${:.4}, ALB ${:.4}), ${:.4} per hour",
        c.total, c.ec2, c.fargate, c.alb, c.per_hour
    );
    let _ = writeln!(
        t,
        "           ${:.4} per hour over the last quarter of the run, ${:.0} per month at that rate",
        c.per_hour_end,
        c.per_hour_end * 730.0
    );
    for o in &s.objectives {
        objective(
            &mut t,
            "objective ",
            if o.held { "held" } else { "FAILED" },
            o,
        );
    }
    // A lesson's checkpoints: "not yet" rather than failed, as they hold only after a Try.
    for r in &s.tries {
        for o in &r.expect {
            let label = format!("{:<10}", format!("try {}", r.step));
            objective(&mut t, &label, if o.held { "held" } else { "not yet" }, o);
        }
    }
    t
}

/// Where a service's tasks run: every instance by name while they are few; past
/// `LISTED_INSTANCES`, how many instances, the spread of tasks per instance, and the busiest
/// few, so that a line stays within a terminal at 1,000 instances.
fn per_instance(per: &std::collections::BTreeMap<String, u32>) -> String {
    const LISTED_INSTANCES: usize = 6;
    const BUSIEST: usize = 3;
    if per.len() <= LISTED_INSTANCES {
        let all: Vec<String> = per.iter().map(|(h, n)| format!("{h}: {n}")).collect();
        return format!("running per instance: {}", all.join(", "));
    }
    let mut counts: Vec<u32> = per.values().copied().collect();
    counts.sort_unstable();
    let (lo, hi) = (counts[0], counts[counts.len() - 1]);
    let median = counts[counts.len() / 2];
    if lo == hi {
        return format!("running on {} instances, {lo} each", per.len());
    }
    let mut busiest: Vec<(&String, u32)> = per.iter().map(|(h, &n)| (h, n)).collect();
    // The most tasks first; among equals, the instances in the order the summary keeps them.
    busiest.sort_by_key(|&(_, n)| std::cmp::Reverse(n));
    let top: Vec<String> = busiest
        .iter()
        .take(BUSIEST)
        .map(|(h, n)| format!("{h} ({n})"))
        .collect();
    format!(
        "running on {} instances, {lo} to {hi} each, median {median}; most on {}",
        per.len(),
        top.join(", ")
    )
}

fn objective(t: &mut String, label: &str, verdict: &str, o: &ecsim_core::metrics::ObjectiveResult) {
    let measured = o
        .measured
        .map(|m| m.to_string())
        .unwrap_or_else(|| "n/a".into());
    let _ = writeln!(
        t,
        "{label} [{verdict}] {} ({} {} {}; measured {measured}){}",
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

#[cfg(test)]
mod tests {
    use super::per_instance;
    use std::collections::BTreeMap;

    #[test]
    fn a_few_instances_are_listed_by_name() {
        let per: BTreeMap<String, u32> = [("i-01".to_string(), 2), ("i-02".to_string(), 1)].into();
        assert_eq!(per_instance(&per), "running per instance: i-01: 2, i-02: 1");
    }

    #[test]
    fn a_thousand_instances_are_a_spread_and_the_busiest() {
        let per: BTreeMap<String, u32> = (1..=1000)
            .map(|i| {
                (
                    format!("i-{i:04}"),
                    1 + (i % 7 == 0) as u32 + (i == 500) as u32 * 5,
                )
            })
            .collect();
        let line = per_instance(&per);
        assert_eq!(
            line,
            "running on 1000 instances, 1 to 6 each, median 1; most on i-0500 (6), i-0007 (2), i-0014 (2)"
        );
        let even: BTreeMap<String, u32> = (1..=1000).map(|i| (format!("i-{i:04}"), 10)).collect();
        assert_eq!(per_instance(&even), "running on 1000 instances, 10 each");
    }
}
