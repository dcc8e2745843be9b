//! Host ports: dynamic ports given out in order from the kernel's range and never a reserved
//! one, a static host port allowing one task per host, a freed port letting a waiting task start,
//! and the `static-vs-dynamic-ports` lesson.

use ecsim_core::run;
use ecsim_core::task::TaskState;
use ecsim_tests::kit::WEB;
use ecsim_tests::{one_service, parse, per_host, run_checked};

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
