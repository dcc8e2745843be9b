//! A summary metric as a person reads it: the dotted path an objective, a sweep or a comparison
//! names (`services.web.latency_ms.p99`) said in words ("p99 latency of web"), its unit, and a
//! value rounded to what the model can tell apart (four significant digits, whole numbers for
//! counts) with that unit. The paths stay what files and the command line use; this is only
//! how the front ends show them.

use std::fmt::Write;

/// The unit a metric is in, by its name.
pub fn unit(metric: &str) -> &'static str {
    if metric.ends_with(".count") {
        "count"
    } else if metric.contains("latency_ms") || metric.ends_with("_ms") {
        "ms"
    } else if metric.contains("per_hour") {
        "USD per hour"
    } else if metric.starts_with("cost_usd") || metric.ends_with("cost_usd") {
        "USD"
    } else if metric.ends_with("_s") || metric.contains("_s.") {
        "s"
    } else if metric.ends_with("_pct") || metric.contains("_pct.") {
        "%"
    } else {
        "count"
    }
}

/// The words for the part of a path after its service (or the top-level section).
fn words(rest: &str) -> String {
    let known = [
        ("latency_ms.p50", "median latency"),
        ("latency_ms.mean", "mean latency"),
        ("latency_ms.max", "highest latency"),
        ("tasks.running_end", "tasks running at the end"),
        ("tasks.pending_end", "tasks still waiting at the end"),
        ("tasks.started", "tasks started"),
        ("tasks.failed", "tasks that failed"),
        ("tasks.stopped", "tasks stopped"),
        ("tasks.oom_killed", "tasks killed out of memory"),
        ("tasks.lost_with_instance", "tasks lost with their instance"),
        ("tasks.spot_interrupted", "tasks interrupted by Spot"),
        (
            "tasks.failed_health_checks",
            "tasks replaced for failing load balancer health checks",
        ),
        (
            "tasks.failed_container_health_checks",
            "tasks replaced for failing container health checks",
        ),
        ("requests.failed", "requests failed"),
        ("requests.served", "requests served"),
        ("requests.arrived", "requests arrived"),
        ("time_to_steady_state_s", "time to steady state"),
        ("scale_up_s.first", "first scale-up time"),
        ("scale_up_s.max", "longest scale-up time"),
        ("scale_up_s.count", "scale-ups"),
        ("startup_s.min", "fastest task start-up"),
        ("startup_s.p50", "median task start-up"),
        ("startup_s.p90", "p90 task start-up"),
        ("startup_s.max", "slowest task start-up"),
        ("startup_breakdown_s.pull", "median image pull time"),
        (
            "startup_breakdown_s.provisioning",
            "median provisioning time",
        ),
        ("fargate_cost_usd", "Fargate cost"),
        (
            "deployment.failed_requests",
            "requests failed during deployments",
        ),
        (
            "deployment.min_healthy_targets",
            "fewest healthy targets during deployments",
        ),
        ("deployment.completed", "deployments completed"),
        ("deployment.started", "deployments started"),
        ("batch.completed", "batch tasks completed"),
        ("batch.interrupted", "batch tasks interrupted"),
        ("batch.makespan_s", "batch makespan"),
        ("scaling.scale_outs", "scale-outs"),
        ("scaling.scale_ins", "scale-ins"),
        ("memory.used_pct.peak", "peak memory used"),
        ("memory.used_pct.mean", "mean memory used"),
        ("cpu.used_pct", "CPU used"),
        ("instances_launched", "instances launched"),
        ("instances_peak", "most instances at once"),
        ("instances_end", "instances at the end"),
        (
            "instances_never_joined",
            "instances that never joined the cluster",
        ),
        ("total", "total"),
        ("per_hour", "per hour"),
        ("per_hour_end", "per hour at the end"),
        ("cache_hits", "image cache hits"),
        ("cpu_reserved_pct.mean", "mean CPU reserved"),
        ("cpu_used_pct.mean", "mean CPU used"),
        ("mem_reserved_pct.mean", "mean memory reserved"),
        ("cpu_reserved_pct.peak", "peak CPU reserved"),
        ("pulls", "image pulls"),
    ];
    if let Some((_, w)) = known.iter().find(|(k, _)| *k == rest) {
        return w.to_string();
    }
    if let Some(p) = rest.strip_prefix("latency_ms.") {
        return format!("{p} latency");
    }
    if let Some(r) = rest.strip_prefix("pending_reasons.") {
        return format!("tasks that waited for {r}");
    }
    if let Some(r) = rest.strip_prefix("failed_reasons.") {
        return format!("tasks that failed with {r}");
    }
    rest.replace(['.', '_'], " ")
}

/// What a metric is about: its first two segments (`services.web`, `capacity_providers.asg`,
/// `cost_usd.total`), so that an objective and a lesson's checkpoint on the same service are
/// seen to be about the same thing.
pub fn subject(metric: &str) -> String {
    let segs = ecsim_core::metrics::segments(metric).unwrap_or_default();
    segs.iter().take(2).cloned().collect::<Vec<_>>().join(".")
}

/// A metric path in words: "web: p99 latency", "cost per hour", "asg: instances launched".
pub fn describe(metric: &str) -> String {
    let segs = ecsim_core::metrics::segments(metric).unwrap_or_default();
    let [head, rest @ ..] = segs.as_slice() else {
        return metric.to_string();
    };
    let join = |r: &[String]| r.join(".");
    match head.as_str() {
        "services" | "capacity_providers" if rest.len() >= 2 => {
            format!("{}: {}", rest[0], words(&join(&rest[1..])))
        }
        "cost_usd" => match join(rest).as_str() {
            "total" | "" => "total cost".into(),
            "per_hour" => "cost per hour".into(),
            "per_hour_end" => "cost per hour at the end".into(),
            other => format!(
                "{} cost",
                words(other)
                    .replace("fargate", "Fargate")
                    .replace("ec2", "EC2")
            ),
        },
        "cluster" | "images" => words(&join(rest)),
        _ => metric.to_string(),
    }
}

/// A number to four significant digits, without trailing zeros ("1229", "12.5", "0.0312").
pub fn round(v: f64) -> String {
    if !v.is_finite() {
        return v.to_string();
    }
    if v == v.trunc() && v.abs() < 1e15 {
        return format!("{v:.0}");
    }
    let digits = (3 - v.abs().log10().floor() as i32).clamp(0, 6) as usize;
    let s = format!("{v:.digits$}");
    let s = if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    };
    if s == "-0" {
        "0".into()
    } else {
        s
    }
}

/// A metric's value rounded, with its unit ("1229 ms", "0.42 USD per hour", "12").
pub fn value(metric: &str, v: f64) -> String {
    let mut out = round(v);
    match unit(metric) {
        "count" => {}
        "%" => out.push_str(" %"),
        u => {
            let _ = write!(out, " {u}");
        }
    }
    out
}

/// What an objective asks, in words: "below 200 ms", "at least 12".
pub fn requirement(metric: &str, op: ecsim_core::metrics::Comparison, target: f64) -> String {
    use ecsim_core::metrics::Comparison::*;
    let words = match op {
        Lt => "below",
        Le => "at most",
        Eq => "exactly",
        Ne => "other than",
        Ge => "at least",
        Gt => "above",
    };
    format!("{words} {}", value(metric, target))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_in_words() {
        let cases = [
            ("services.web.latency_ms.p99", "web: p99 latency"),
            (
                "services.web-classic.tasks.running_end",
                "web-classic: tasks running at the end",
            ),
            (
                "services.api.pending_reasons.RESOURCE:PORTS",
                "api: tasks that waited for RESOURCE:PORTS",
            ),
            (
                "capacity_providers.asg.instances_launched",
                "asg: instances launched",
            ),
            ("cost_usd.per_hour", "cost per hour"),
            ("cost_usd.fargate", "Fargate cost"),
            (
                "cluster.instances_never_joined",
                "instances that never joined the cluster",
            ),
            (
                "services.\"web.v2\".requests.failed",
                "web.v2: requests failed",
            ),
            ("services.web.some_new.field", "web: some new field"),
            ("nothing.we.know", "nothing.we.know"),
        ];
        for (path, want) in cases {
            assert_eq!(describe(path), want, "{path}");
        }
    }

    #[test]
    fn values_rounded_with_units() {
        assert_eq!(
            value("services.web.latency_ms.p99", 1228.9310715),
            "1229 ms"
        );
        assert_eq!(value("services.web.latency_ms.p99", 20.04999), "20.05 ms");
        assert_eq!(value("services.web.tasks.running_end", 12.0), "12");
        assert_eq!(value("cost_usd.per_hour", 0.41999), "0.42 USD per hour");
        assert_eq!(
            value("services.web.memory.used_pct.peak", 160.2345),
            "160.2 %"
        );
        assert_eq!(
            value("services.web.scale_up_s.first", 0.031249),
            "0.03125 s"
        );
        assert_eq!(value("services.web.scale_up_s.count", 3.0), "3");
        assert_eq!(round(-0.00001), "-0.00001");
        assert_eq!(round(0.0), "0");
        assert_eq!(round(f64::NAN), "NaN");
        let op = ecsim_core::metrics::Comparison::Lt;
        assert_eq!(
            requirement("services.web.latency_ms.p99", op, 200.0),
            "below 200 ms"
        );
    }
}
