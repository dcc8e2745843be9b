//! The service scheduler: tasks along the ECS lifecycle with the pull first, scaling out and
//! in (the most crowded host first, targets drained), a stop in the middle of a pull.

use ecsim_core::log::LogKind;
use ecsim_core::task::TaskState;
use ecsim_tests::kit::{TRAFFIC, WEB};
use ecsim_tests::{one_service, parse, per_host, run_checked};

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

#[test]
fn scaling_in_drains_targets_so_no_request_is_lost() {
    // One-second requests, about two in service per task at any time: the stopped tasks are busy
    // when the scale-in comes, and must finish what they hold.
    let traffic = TRAFFIC.replace("rps = 40", "rps = 8").replace(
        "dist = \"exponential\", mean = \"20ms\"",
        "dist = \"constant\", value = \"1s\"",
    ) + "concurrency = 4\n";
    // The drained targets' keep-alive connections close a minute after their last request:
    // the run lasts long enough to see them stop.
    let text = one_service(2, "m5.large", "", WEB, 4, "")
        .replace("duration = \"5m\"", "duration = \"7m\"")
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

/// Issue 15, control-plane delays: the scheduler acts on a desired count 1–5 s after it changes
/// (`model.scheduler_delay`, an estimate: docs/ecs-facts.md §12), and at once with a delay of 0.
#[test]
fn the_scheduler_acts_on_a_new_desired_count_after_the_control_planes_delay() {
    let created_after = |model: &str| {
        let text = one_service(2, "m5.large", "", WEB, 2, "")
            + "[[actions]]\nat = \"150s\"\nservice = \"app\"\ndesired_count = 5\n"
            + model;
        let out = run_checked(&parse(&text), None).finish();
        let new: Vec<f64> = out
            .tasks
            .iter()
            .filter(|t| t.wanted_s >= 150.0)
            .map(|t| t.wanted_s - 150.0)
            .collect();
        assert_eq!(new.len(), 3, "{new:?}");
        assert!(
            new.iter().all(|&d| d == new[0]),
            "one act for the change: {new:?}"
        );
        new[0]
    };
    let d = created_after("");
    assert!((1.0..=5.0).contains(&d), "created {d} s after the change");
    assert_eq!(
        created_after("[model]\nscheduler_delay = { dist = \"constant\", value = \"0s\" }\n"),
        0.0
    );
}
