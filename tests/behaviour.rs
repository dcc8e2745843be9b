//! Behaviour: each claim of the seed lecture and of ECS's documentation that this slice models,
//! as a test on a small scenario.

use ecsim_core::log::LogKind;
use ecsim_core::run;
use ecsim_core::task::TaskState;
use ecsim_tests::{one_service, parse, per_host, run_checked};

const WEB: &str = r#"{ name = "web", image = "web:1", cpu = 256, memory = 512, portMappings = [{ containerPort = 8080, hostPort = 0 }] }"#;

#[test]
fn dynamic_ports_are_sequential_and_skip_reserved_ones() {
    // 51678 and 51679 are reserved by default (the agent's introspection and credentials ports).
    let sc = parse(&one_service(
        1,
        "m5.xlarge",
        "ECS_DYNAMIC_HOST_PORT_RANGE=51676-51690",
        WEB,
        5,
        "",
    ));
    let sim = run_checked(&sc, None);
    let mut ports: Vec<(u32, u16)> = sim
        .tasks()
        .iter()
        .map(|t| (t.ordinal, t.ports[0].port))
        .collect();
    ports.sort();
    let got: Vec<u16> = ports.iter().map(|p| p.1).collect();
    assert_eq!(got, vec![51676, 51677, 51680, 51681, 51682]);
    assert!(sim.tasks().iter().all(|t| t.ports[0].dynamic));
}

#[test]
fn the_default_dynamic_range_is_the_kernels() {
    let sc = parse(&one_service(1, "m5.large", "", WEB, 2, ""));
    let sim = run_checked(&sc, None);
    let mut ports: Vec<u16> = sim.tasks().iter().map(|t| t.ports[0].port).collect();
    ports.sort();
    assert_eq!(ports, vec![32768, 32769]);
}

#[test]
fn a_static_host_port_allows_one_task_per_host() {
    let c = r#"{ name = "web", image = "web:1", cpu = 256, memory = 512, portMappings = [{ containerPort = 8080, hostPort = 80 }] }"#;
    let sc = parse(&one_service(3, "m5.large", "", c, 5, ""));
    let sim = run_checked(&sc, None);
    assert_eq!(per_host(&sim), vec![1, 1, 1]);
    let out = sim.finish();
    let s = &out.summary.services["app"];
    assert_eq!(s.tasks.running_end, 3);
    assert_eq!(s.tasks.pending_end, 2);
    assert_eq!(s.pending_reasons.get("RESOURCE:PORTS"), Some(&2));
}

#[test]
fn dynamic_ports_place_many_tasks_per_host() {
    let sc = parse(&one_service(3, "m5.large", "", WEB, 5, ""));
    let out = run_checked(&sc, None).finish();
    assert_eq!(out.summary.services["app"].tasks.running_end, 5);
    assert!(out.summary.services["app"].pending_reasons.is_empty());
}

#[test]
fn binpack_fills_one_host_before_the_next() {
    // m5.large registers 2048 CPU units: four 512-unit tasks fill one.
    let c = r#"{ name = "w", image = "w", cpu = 512, memory = 256 }"#;
    let binpack = r#"placementStrategy = [{ type = "binpack", field = "cpu" }]"#;
    let sim = run_checked(&parse(&one_service(3, "m5.large", "", c, 6, binpack)), None);
    let mut hosts = per_host(&sim);
    hosts.sort();
    assert_eq!(hosts, vec![0, 2, 4]);
}

#[test]
fn spread_balances_over_instances() {
    let c = r#"{ name = "w", image = "w", cpu = 128, memory = 256 }"#;
    let spread = r#"placementStrategy = [{ type = "spread", field = "instanceId" }]"#;
    let sim = run_checked(&parse(&one_service(3, "m5.large", "", c, 9, spread)), None);
    assert_eq!(per_host(&sim), vec![3, 3, 3]);
    // The default spreads over zones first, then over the instances of a zone: 4 hosts in 3 zones
    // (a, b, c, a) take 9 tasks as 3 per zone, zone a's 3 split over its two hosts.
    let sim = run_checked(&parse(&one_service(4, "m5.large", "", c, 9, "")), None);
    let h = per_host(&sim);
    assert_eq!((h[0] + h[3], h[1], h[2]), (3, 3, 3), "{h:?}");
    assert!(h[0].abs_diff(h[3]) == 1, "{h:?}");
}

#[test]
fn chained_strategies_break_ties_in_order() {
    // Spread over zones first (two hosts in a, one in b), then binpack on memory within a zone.
    let sc = parse(&format!(
        "{}\n{}",
        one_service(
            3,
            "m5.large",
            "",
            r#"{ name = "w", image = "w", cpu = 128, memory = 256 }"#,
            4,
            r#"placementStrategy = [{ type = "spread", field = "attribute:ecs.availability-zone" }, { type = "binpack", field = "memory" }]"#
        )
        .replace("count = 3", "count = 3\navailability_zones = [\"a\", \"a\", \"b\"]"),
        ""
    ));
    let sim = run_checked(&sc, None);
    let hosts = per_host(&sim);
    // Zone b (host 3) gets half; zone a's half is packed onto one of its two hosts.
    assert_eq!(hosts[2], 2, "{hosts:?}");
    assert!(
        hosts[..2].contains(&2) && hosts[..2].contains(&0),
        "{hosts:?}"
    );
}

#[test]
fn a_task_too_big_for_any_host_stays_pending_with_the_reason() {
    let big_mem = r#"{ name = "w", image = "w", cpu = 256, memory = 16000 }"#;
    let out = run_checked(
        &parse(&one_service(2, "m5.large", "", big_mem, 2, "")),
        None,
    )
    .finish();
    let s = &out.summary.services["app"];
    assert_eq!(s.tasks.running_end, 0);
    assert_eq!(s.tasks.pending_end, 2);
    assert_eq!(s.pending_reasons.get("RESOURCE:MEMORY"), Some(&2));

    let big_cpu = r#"{ name = "w", image = "w", cpu = 4096, memory = 256 }"#;
    let out = run_checked(
        &parse(&one_service(2, "m5.large", "", big_cpu, 1, "")),
        None,
    )
    .finish();
    assert_eq!(
        out.summary.services["app"]
            .pending_reasons
            .get("RESOURCE:CPU"),
        Some(&1)
    );
}

#[test]
fn registered_memory_is_below_nominal_and_less_the_reserved_memory() {
    let c = r#"{ name = "w", image = "w", cpu = 128, memory = 64 }"#;
    let sim = run_checked(
        &parse(&one_service(
            1,
            "m5.large",
            "ECS_RESERVED_MEMORY=256",
            c,
            1,
            "",
        )),
        None,
    );
    let i = &sim.instances()[0];
    assert_eq!(i.registered_cpu.0, 2048, "2 vCPU x 1024");
    // 8192 MiB less 2.5 % for the OS (7987), less ECS_RESERVED_MEMORY.
    assert_eq!(i.registered_memory.0, 7987 - 256);
}

#[test]
fn distinct_instance_allows_one_task_of_the_service_per_host() {
    let c = r#"{ name = "w", image = "w", cpu = 128, memory = 64 }"#;
    let extra = r#"placementConstraints = [{ type = "distinctInstance" }]"#;
    let out = run_checked(&parse(&one_service(3, "m5.large", "", c, 5, extra)), None).finish();
    let s = &out.summary.services["app"];
    assert_eq!(s.tasks.running_end, 3);
    assert_eq!(
        s.pending_reasons.get("CONSTRAINT:distinctInstance"),
        Some(&2)
    );
}

#[test]
fn member_of_keeps_tasks_on_matching_instances() {
    let c = r#"{ name = "w", image = "w", cpu = 128, memory = 64 }"#;
    let sc = parse(&one_service(
        2,
        "m5.large",
        "",
        c,
        4,
        r#"placementConstraints = [{ type = "memberOf", expression = "attribute:ecs.availability-zone == us-east-1b" }]"#,
    ));
    let sim = run_checked(&sc, None);
    assert_eq!(per_host(&sim), vec![0, 4]);
}

#[test]
fn a_wrong_ecs_cluster_never_joins() {
    let c = r#"{ name = "w", image = "w", cpu = 128, memory = 64 }"#;
    let sim = run_checked(
        &parse(&one_service(2, "m5.large", "ECS_CLUSTER=prod", c, 2, "")),
        None,
    );
    let out = sim.finish();
    assert_eq!(out.summary.cluster.instances_never_joined, 2);
    assert_eq!(out.summary.cluster.instances_end, 0);
    assert_eq!(
        out.summary.services["app"]
            .pending_reasons
            .get("NO_ACTIVE_INSTANCES"),
        Some(&2)
    );
    assert!(
        out.summary.cost_usd.ec2 > 0.0,
        "instances that never joined are still billed"
    );
    assert!(out.log.entries.iter().any(|e| e
        .message
        .contains("never joined: ECS_CLUSTER=prod, cluster is 'default'")));
}

#[test]
fn tasks_go_through_the_ecs_lifecycle_and_the_pull_comes_first() {
    let c = r#"{ name = "w", image = "big:1", cpu = 128, memory = 64 }"#;
    let text = one_service(1, "m5.large", "", c, 1, "")
        + "[[images]]\nimage = \"big:1\"\nsize_mib = 1500\n";
    let sim = run_checked(&parse(&text), None);
    let t = &sim.tasks()[0];
    assert_eq!(t.state, TaskState::Running);
    // Placed at the 60 s service start; the pull (0.5 s manifest, 1500 MiB = 1572.9 MB at
    // 15 MB/s, then extracted at 80 MB/s) ends before the container starts 1–3 s later.
    let placed = t.placed_at.unwrap().as_secs_f64();
    let pulled = t.pull_done_at.unwrap().as_secs_f64();
    let running = t.running_at.unwrap().as_secs_f64();
    assert_eq!(placed, 60.0);
    assert!(
        placed < pulled && pulled < running,
        "{placed} {pulled} {running}"
    );
    assert!((running - pulled - 2.0).abs() <= 1.0, "{pulled} {running}");
}

#[test]
fn a_second_task_on_a_host_reuses_the_pulled_image() {
    let c = r#"{ name = "w", image = "big:1", cpu = 128, memory = 64 }"#;
    let text = one_service(1, "m5.large", "", c, 2, "")
        + "[[images]]\nimage = \"big:1\"\nsize_mib = 1500\n";
    let sim = run_checked(&parse(&text), None);
    let pulls = sim
        .finish()
        .log
        .entries
        .iter()
        .filter(|e| e.kind == LogKind::ImagePull)
        .count();
    assert_eq!(pulls, 1, "the second task waits for the same pull");
}

#[test]
fn the_lesson_shows_static_versus_dynamic_ports() {
    let lib = ecsim_tests::library();
    let sc = lib
        .iter()
        .find(|s| s.spec.name == "static-vs-dynamic-ports")
        .expect("the lesson is in the library");
    let out = run(sc, &Default::default()).unwrap();
    let s = &out.summary.services;
    assert_eq!(s["web-static"].tasks.running_end, 3);
    assert!(s["web-static"].tasks_per_instance.values().all(|&n| n == 1));
    assert_eq!(s["web-dynamic"].tasks.running_end, 8);
    assert!(
        out.summary.objectives.iter().all(|o| o.held),
        "{:?}",
        out.summary.objectives
    );
}

#[test]
fn every_library_scenario_runs_with_its_objectives_held() {
    for sc in ecsim_tests::library() {
        let out = run_checked(&sc, None).finish();
        if sc.spec.kind.as_deref() == Some("exercise") {
            // An exercise starts broken: every objective fails until the learner fixes it.
            assert!(
                out.summary.objectives.iter().all(|o| !o.held),
                "{}: an exercise objective holds",
                sc.file
            );
            continue;
        }
        for o in &out.summary.objectives {
            assert!(
                o.held,
                "{}: objective {:?} did not hold: {:?}",
                sc.file, o.name, o
            );
        }
    }
}

#[test]
fn scaling_in_stops_the_most_crowded_hosts_tasks_and_frees_their_ports() {
    let spread = r#"placementStrategy = [{ type = "spread", field = "instanceId" }]"#;
    let text = one_service(3, "m5.large", "", WEB, 9, spread)
        + "[[actions]]\nat = \"200s\"\nservice = \"app\"\ndesired_count = 6\n";
    let sim = run_checked(&parse(&text), None);
    assert_eq!(per_host(&sim), vec![2, 2, 2]);
    let stopped: Vec<_> = sim
        .tasks()
        .iter()
        .filter(|t| t.state == TaskState::Stopped)
        .collect();
    assert_eq!(stopped.len(), 3);
    assert!(
        stopped.iter().all(|t| t.ports.is_empty()),
        "stopped tasks hold no ports"
    );
    let out = sim.finish();
    let s = &out.summary.services["app"];
    assert_eq!(
        (s.tasks.desired, s.tasks.running_end, s.tasks.stopped),
        (6, 6, 3)
    );
    assert_eq!(out.summary.cluster.dynamic_ports_in_use_end, 6);
}

#[test]
fn a_freed_static_port_lets_a_waiting_task_start() {
    // Two services want host port 80 on 3 hosts: `a` takes all three, `b` waits (RESOURCE:PORTS)
    // until `a` is scaled to 2 and one host's port 80 is free again.
    let c = r#"{ name = "w", image = "w", cpu = 128, memory = 64, portMappings = [{ containerPort = 80, hostPort = 80 }] }"#;
    let text = one_service(3, "m5.large", "", c, 3, "")
        + r#"
[[services]]
serviceName = "b"
taskDefinition = "app"
desiredCount = 1
startAt = "100s"
[[actions]]
at = "200s"
service = "app"
desired_count = 2
"#;
    let sim = run_checked(&parse(&text), None);
    let b = sim.tasks().iter().find(|t| t.service.0 == 1).unwrap();
    assert_eq!(b.state, TaskState::Running);
    assert!(b.running_at.unwrap().as_secs_f64() > 200.0);
    let out = sim.finish();
    assert!(out
        .log
        .entries
        .iter()
        .any(|e| e.message.contains("reason RESOURCE:PORTS") && e.service.as_deref() == Some("b")));
}

#[test]
fn stopping_a_task_mid_pull_cancels_its_pending_start() {
    // The pull takes ~105 s; the service is scaled to 0 at 100 s, while it is in flight. The
    // task's PullDone event is still in the queue, and must be dropped by the generation check.
    let c = r#"{ name = "w", image = "big:1", cpu = 128, memory = 64 }"#;
    let text = one_service(1, "m5.large", "", c, 1, "")
        + "[[images]]\nimage = \"big:1\"\nsize_mib = 1500\n[[actions]]\nat = \"100s\"\nservice = \"app\"\ndesired_count = 0\n";
    let sim = run_checked(&parse(&text), None);
    let t = &sim.tasks()[0];
    assert_eq!(t.state, TaskState::Stopped);
    assert_eq!(
        t.running_at, None,
        "the stale PullDone/ContainerStarted never ran the task"
    );
    assert_eq!(sim.instances()[0].reserved_cpu.0, 0);
    let out = sim.finish();
    assert_eq!(out.summary.services["app"].tasks.started, 0);
    assert!(!out
        .log
        .entries
        .iter()
        .any(|e| e.kind == LogKind::TaskRunning));
}

#[test]
fn scaling_out_adds_tasks() {
    let text = one_service(2, "m5.large", "", WEB, 2, "")
        + "[[actions]]\nat = \"150s\"\nservice = \"app\"\ndesired_count = 5\n";
    let out = run_checked(&parse(&text), None).finish();
    let s = &out.summary.services["app"];
    assert_eq!(
        (s.tasks.desired, s.tasks.running_end, s.tasks.started),
        (5, 5, 5)
    );
}

const TRAFFIC: &str = r#"
[[traffic]]
service = "app"
start = "150s"
rate = { profile = "constant", rps = 40 }
work = { dist = "exponential", mean = "20ms" }
"#;

#[test]
fn scaling_in_drains_targets_so_no_request_is_lost() {
    // One-second requests, about two in service per task at any time: the stopped tasks are busy
    // when the scale-in comes, and must finish what they hold.
    let traffic = TRAFFIC.replace("rps = 40", "rps = 8").replace(
        "dist = \"exponential\", mean = \"20ms\"",
        "dist = \"constant\", value = \"1s\"",
    ) + "concurrency = 4\n";
    let text = one_service(2, "m5.large", "", WEB, 4, "")
        + &traffic
        + "[[actions]]\nat = \"200s\"\nservice = \"app\"\ndesired_count = 2\n";
    let sim = run_checked(&parse(&text), None);
    let out = sim.finish();
    let s = &out.summary.services["app"];
    assert_eq!((s.tasks.running_end, s.tasks.stopped), (2, 2));
    assert!(s.requests.served > 200, "{:?}", s.requests);
    assert_eq!(s.requests.failed, 0, "{:?}", s.requests.failed_by_reason);
    assert!(out
        .log
        .entries
        .iter()
        .any(|e| e.kind == LogKind::TargetDraining));
}

#[test]
fn without_a_deregistration_delay_requests_in_flight_are_lost() {
    // Long requests (5 s each) and no draining: the stopped tasks' requests fail.
    let traffic = TRAFFIC.replace("rps = 40", "rps = 2").replace(
        "dist = \"exponential\", mean = \"20ms\"",
        "dist = \"constant\", value = \"5s\"",
    ) + "deregistration_delay = \"0s\"\nconcurrency = 8\n";
    let text = one_service(2, "m5.large", "", WEB, 4, "")
        + &traffic
        + "[[actions]]\nat = \"200s\"\nservice = \"app\"\ndesired_count = 1\n";
    let out = run_checked(&parse(&text), None).finish();
    let r = &out.summary.services["app"].requests;
    assert!(
        r.failed_by_reason.get("task_stopped").copied().unwrap_or(0) > 0,
        "{r:?}"
    );
    assert_eq!(r.arrived, r.served + r.failed + r.in_flight_end);
}

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
fn a_log_driver_the_agent_does_not_allow_keeps_the_task_off_the_host() {
    let c = r#"{ name = "w", image = "w", cpu = 128, memory = 64, logConfiguration = { logDriver = "awslogs" } }"#;
    // The ECS-optimised AMI allows awslogs; a bare agent list without it does not.
    let ok = run_checked(&parse(&one_service(1, "m5.large", "", c, 1, "")), None).finish();
    assert_eq!(ok.summary.services["app"].tasks.running_end, 1);
    let text = one_service(
        1,
        "m5.large",
        r#"ECS_AVAILABLE_LOGGING_DRIVERS=["json-file","none"]"#,
        c,
        1,
        "",
    );
    let out = run_checked(&parse(&text), None).finish();
    let s = &out.summary.services["app"];
    assert_eq!(
        (s.tasks.running_end, s.pending_reasons.get("ATTRIBUTE")),
        (0, Some(&1))
    );
    assert!(out.log.entries.iter().any(|e| e
        .message
        .contains("no instance has com.amazonaws.ecs.capability.logging-driver.awslogs")));
}

#[test]
fn a_task_role_needs_ecs_enable_task_iam_role() {
    let text = |cfg: &str| {
        one_service(
            1,
            "m5.large",
            cfg,
            r#"{ name = "w", image = "w", cpu = 128, memory = 64 }"#,
            1,
            "",
        )
        .replace(
            "containerDefinitions = [",
            "taskRoleArn = \"arn:aws:iam::123456789012:role/app\"\ncontainerDefinitions = [",
        )
    };
    let ok = run_checked(&parse(&text("ECS_ENABLE_TASK_IAM_ROLE=true")), None).finish();
    assert_eq!(ok.summary.services["app"].tasks.running_end, 1);
    let out = run_checked(&parse(&text("ECS_ENABLE_TASK_IAM_ROLE=false")), None).finish();
    assert_eq!(
        out.summary.services["app"].pending_reasons.get("ATTRIBUTE"),
        Some(&1)
    );
    assert!(out
        .log
        .entries
        .iter()
        .any(|e| e.message.contains("task-iam-role")));
}

#[test]
fn a_private_registry_needs_the_agents_auth_data() {
    let c = r#"{ name = "w", image = "registry.example.com/team/app:3", cpu = 128, memory = 64 }"#;
    // private_registries is a scenario-level key: it goes above the first table.
    let text = |cfg: &str| {
        one_service(1, "m5.large", cfg, c, 1, "").replacen(
            "name = \"t\"\n",
            "name = \"t\"\nprivate_registries = [\"registry.example.com\"]\n",
            1,
        )
    };
    let without = run_checked(&parse(&text("")), None).finish();
    let s = &without.summary.services["app"];
    assert_eq!(s.tasks.running_end, 0);
    // Tried, failed, retried after 10 s, 20 s, 40 s, ... within the run's 4 minutes after 60 s.
    assert!(s.tasks.failed >= 3, "{:?}", s.tasks);
    assert_eq!(
        s.failed_reasons.get("CannotPullContainerError").copied(),
        Some(s.tasks.failed)
    );
    assert!(without.log.entries.iter().any(|e| e.message.contains(
        "CannotPullContainerError: pull access denied for registry.example.com/team/app:3"
    )));
    let with = run_checked(
        &parse(&text("ECS_ENGINE_AUTH_TYPE=docker\nECS_ENGINE_AUTH_DATA={\"registry.example.com\":{\"username\":\"u\",\"password\":\"p\",\"email\":\"e\"}}")),
        None,
    )
    .finish();
    assert_eq!(with.summary.services["app"].tasks.running_end, 1);
    assert_eq!(with.summary.services["app"].tasks.failed, 0);
}

#[test]
fn the_ecs_config_exercise_fails_each_objective_for_its_own_reason() {
    let lib = ecsim_tests::library();
    let find = |n: &str| {
        lib.iter()
            .find(|s| s.spec.name == n)
            .unwrap_or_else(|| panic!("no {n}"))
    };
    let broken = run_checked(find("ecs-config"), None).finish();
    let s = &broken.summary;
    assert_eq!(s.cluster.instances_never_joined, 1, "ECS_CLUSTER");
    assert!(s.services["on-registry-host"]
        .failed_reasons
        .contains_key("CannotPullContainerError"));
    assert_eq!(
        s.services["on-logging-host"]
            .pending_reasons
            .get("ATTRIBUTE"),
        Some(&1)
    );
    assert_eq!(
        s.services["on-roles-host"].pending_reasons.get("ATTRIBUTE"),
        Some(&1)
    );
    assert_eq!(s.objectives.iter().filter(|o| !o.held).count(), 4);
    let fixed = run_checked(find("ecs-config-fixed"), None).finish();
    assert_eq!(
        fixed.summary.objectives.iter().filter(|o| o.held).count(),
        4
    );
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
