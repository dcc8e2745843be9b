//! The load balancer and the requests it routes: targets (host ports in bridge mode, task IPs
//! in awsvpc), initial health, slow start, CPU per request by task-level CPU and by CPU units
//! under contention, and the `alb-dynamic-ports` exercise.

use ecsim_core::log::LogKind;
use ecsim_core::run;
use ecsim_tests::kit::{TRAFFIC, WEB};
use ecsim_tests::{one_service, parse, run_checked};

#[test]
fn the_initial_health_setting_decides_when_a_target_takes_requests() {
    let healthy_after = |initial: &str| {
        let text = one_service(1, "m5.large", "", WEB, 1, "")
            + TRAFFIC
            + &format!("health_check = {{ initial = \"{initial}\" }}\n");
        let sim = run_checked(&parse(&text), None);
        let running = sim.tasks()[0].running_at.unwrap().as_secs_f64();
        let out = sim.finish();
        let healthy = out
            .log
            .entries
            .iter()
            .find(|e| e.kind == LogKind::TargetHealthy)
            .unwrap()
            .t_s;
        healthy - running
    };
    // One check: one 30 s interval. Threshold: 5 checks, 150 s (docs/ecs-facts.md "Conflicts" #1).
    assert!((healthy_after("one_check") - 30.0).abs() < 1e-6);
    assert!((healthy_after("threshold") - 150.0).abs() < 1e-6);
}

#[test]
fn a_task_level_cpu_caps_a_request_even_on_an_idle_host() {
    // 0.25 vCPU for the task: 10 ms of work takes 40 ms, on a host with 2 idle vCPUs.
    let c = r#"{ name = "w", image = "w", memory = 256, portMappings = [{ containerPort = 80 }] }"#;
    let text = one_service(1, "m5.large", "", c, 1, "").replace(
        "containerDefinitions = [",
        "cpu = \"256\"\ncontainerDefinitions = [",
    ) + &TRAFFIC.replace("rps = 40", "rps = 1").replace(
        "dist = \"exponential\", mean = \"20ms\"",
        "dist = \"constant\", value = \"10ms\"",
    );
    let out = run_checked(&parse(&text), None).finish();
    let l = &out.summary.services["app"].latency_ms;
    // The median request did not queue; the histogram knows it to 1/128.
    assert!((l.p50 - 40.0).abs() < 40.0 / 128.0, "{l:?}");
    assert!(l.mean >= 40.0, "{l:?}");
}

#[test]
fn under_contention_cpu_goes_by_cpu_units() {
    // One 2-vCPU host, two services that keep 4 requests each in service: "big" (1536 units) gets
    // three times the CPU of "small" (512), so its 100 ms requests finish sooner.
    let text = format!(
        r#"
name = "t"
duration = "10m"
[[instance_groups]]
name = "g"
instance_type = "m5.large"
count = 1
[[task_definitions]]
family = "big"
containerDefinitions = [ {{ name = "w", image = "w", cpu = 1536, memory = 256, portMappings = [{{ containerPort = 80 }}] }} ]
[[task_definitions]]
family = "small"
containerDefinitions = [ {{ name = "w", image = "w", cpu = 512, memory = 256, portMappings = [{{ containerPort = 81 }}] }} ]
[[services]]
serviceName = "big"
taskDefinition = "big"
startAt = "60s"
[[services]]
serviceName = "small"
taskDefinition = "small"
startAt = "60s"
{t}{u}"#,
        t = TRAFFIC
            .replace("service = \"app\"", "service = \"big\"")
            .replace("rps = 40", "rps = 30")
            .replace(
                "dist = \"exponential\", mean = \"20ms\"",
                "dist = \"constant\", value = \"100ms\""
            )
            + "concurrency = 4\n",
        u = TRAFFIC
            .replace("service = \"app\"", "service = \"small\"")
            .replace("rps = 40", "rps = 30")
            .replace(
                "dist = \"exponential\", mean = \"20ms\"",
                "dist = \"constant\", value = \"100ms\""
            )
            + "concurrency = 4\n",
    );
    let out = run_checked(&parse(&text), None).finish();
    let (big, small) = (
        &out.summary.services["big"].latency_ms,
        &out.summary.services["small"].latency_ms,
    );
    assert!(big.mean < 0.7 * small.mean, "big {big:?} small {small:?}");
    assert!(
        out.summary.cluster.cpu_used_pct.peak > 90.0,
        "the host must be contended"
    );
}

#[test]
fn targets_are_host_ports_in_bridge_mode_and_task_ips_in_awsvpc() {
    let log_of = |text: String| run_checked(&parse(&text), None).finish().log;
    let bridge = log_of(one_service(1, "m5.large", "", WEB, 1, "") + TRAFFIC);
    assert!(bridge
        .entries
        .iter()
        .any(|e| e.message.starts_with("target i-01:32768 ")));
    let awsvpc = log_of(
        one_service(1, "m5.large", "", r#"{ name = "w", image = "w", cpu = 128, memory = 64, portMappings = [{ containerPort = 8080 }] }"#, 1, "")
            .replace("containerDefinitions = [", "networkMode = \"awsvpc\"\ncontainerDefinitions = [")
            + TRAFFIC,
    );
    assert!(
        awsvpc
            .entries
            .iter()
            .any(|e| e.kind == LogKind::TargetHealthy
                && e.message.contains(":8080 (task app:1)")
                && e.message.starts_with("target 10.0.")),
        "{:?}",
        awsvpc
            .entries
            .iter()
            .filter(|e| e.kind == LogKind::TargetHealthy)
            .collect::<Vec<_>>()
    );
}

#[test]
fn slow_start_ramps_a_new_targets_share_up() {
    // Two tasks from the start; a third joins at 300 s and is healthy about 45 s later. Without
    // slow start it takes a third of the 30 req/s from then on (about 2,500 requests by 600 s).
    let new_task_served = |slow_start: &str| {
        let text = one_service(2, "m5.large", "", WEB, 2, "")
            + &TRAFFIC.replace("rps = 40", "rps = 30")
            + &format!("slow_start = \"{slow_start}\"\n")
            + "[[actions]]\nat = \"300s\"\nservice = \"app\"\ndesired_count = 3\n";
        let text = text.replace("duration = \"5m\"", "duration = \"10m\"");
        let out = run_checked(&parse(&text), None).finish();
        out.summary.services["app"]
            .requests
            .served_by_task
            .get("app:3")
            .copied()
            .unwrap_or(0)
    };
    let (off, on) = (new_task_served("0s"), new_task_served("900s"));
    assert!(off > 2000, "without slow start: {off}");
    assert!(on < off / 3, "with a 900 s slow start: {on} vs {off}");
}

#[test]
fn the_alb_exercise_fails_as_given_and_passes_when_fixed() {
    let lib = ecsim_tests::library();
    let sc = lib
        .iter()
        .find(|s| s.spec.name == "alb-dynamic-ports-exercise")
        .expect("the exercise is in the library");
    let out = run(sc, &Default::default()).unwrap();
    assert!(
        out.summary.objectives.iter().all(|o| !o.held),
        "{:?}",
        out.summary.objectives
    );
    // The failures per 10 s window add up to the run's failed requests.
    let failed = out.summary.services["web"].requests.failed;
    let windows: f64 = out.timeseries.services[0].failed_per_s.iter().sum::<f64>() * 10.0;
    assert!(
        failed > 1000 && (windows - failed as f64).abs() < 1e-6,
        "{windows} vs {failed}"
    );
    assert!(sc
        .spec
        .lesson
        .as_ref()
        .is_some_and(|l| l.try_this.len() == 2));
    let text = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../scenarios/lessons/alb-dynamic-ports-exercise.toml"),
    )
    .unwrap();
    let fixed = text.replace("hostPort = 80 }", "hostPort = 0 }").replace(
        "load_balancer = \"classic\"",
        "load_balancer = \"application\"",
    );
    let out = run(&parse(&fixed), &Default::default()).unwrap();
    assert!(
        out.summary.objectives.iter().all(|o| o.held),
        "{:?}",
        out.summary.objectives
    );
}

/// Issue 15, departure 3: a draining target is released only once it has no request in flight
/// and no open connection (docs/ecs-facts.md §12 "ALB deregistration delay"). With keep-alive
/// (the default) its connections close an idle timeout (60 s) after its last request, so the
/// drain lasts a minute of the 300 s delay; without keep-alive it ends with the last request;
/// a longer idle timeout holds it for the whole delay, and a shorter delay cuts it.
#[test]
fn a_draining_target_waits_for_its_connections_to_close() {
    let drain = |keys: &str| {
        // The scheduler acts on the scale-in at once: the drain counts from the action.
        let text = one_service(2, "m5.large", "", WEB, 2, "")
            .replace("duration = \"5m\"", "duration = \"12m\"\nmodel = { scheduler_delay = { dist = \"constant\", value = \"0s\" } }")
            + TRAFFIC
            + keys
            + "\n[[actions]]\nat = \"200s\"\nservice = \"app\"\ndesired_count = 1\n";
        let out = run_checked(&parse(&text), None).finish();
        let stopped: Vec<f64> = out.tasks.iter().filter_map(|t| t.stopped_s).collect();
        assert_eq!(stopped.len(), 1, "{keys}: {stopped:?}");
        assert_eq!(out.summary.services["app"].requests.failed, 0, "{keys}");
        // From the scale-in to the task STOPPED, less the container's exit (0.5–2 s).
        stopped[0] - 200.0
    };
    let within = |d: f64, lo: f64, hi: f64, what: &str| {
        assert!(
            (lo..=hi).contains(&d),
            "{what}: drained for {d:.2} s, not {lo}..={hi}"
        );
    };
    within(drain(""), 60.0, 62.5, "keep-alive, 60 s idle timeout");
    within(drain("keep_alive = false"), 0.0, 2.5, "no keep-alive");
    within(
        drain("idle_timeout = \"400s\""),
        300.0,
        302.5,
        "connections outlive the delay",
    );
    within(
        drain("deregistration_delay = \"5s\""),
        5.0,
        7.5,
        "a 5 s delay",
    );
}
