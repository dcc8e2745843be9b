//! The agent's settings as `ecs.config` gives them: the bare agent's defaults, ENI trunking,
//! reserved ports, the container start and stop timeouts.

use ecsim_core::Scenario;
use ecsim_tests::kit::*;
use ecsim_tests::run_checked;

#[test]
fn a_container_that_does_not_start_in_time_fails_the_task() {
    let rest = format!(
        "{}[model]\ncontainer_start = {{ dist = \"constant\", value = \"60s\" }}\n",
        Sc::default().rest
    );
    let run_with = |cfg: &str| {
        Sc {
            ecs_config: cfg,
            rest: &rest,
            ..Default::default()
        }
        .run()
    };
    let slow = run_with("ECS_CONTAINER_START_TIMEOUT=45s");
    let s = &slow.summary.services["app"];
    assert_eq!(s.tasks.running_end, 0);
    assert!(
        s.failed_reasons.contains_key("DockerTimeoutError"),
        "{:?}",
        s.failed_reasons
    );
    // The default 3 minutes is enough.
    assert_eq!(run_with("").summary.services["app"].tasks.running_end, 1);
}

#[test]
fn the_bare_agent_defaults_lack_awslogs_task_roles_and_task_enis() {
    let awslogs = r#"{ name = "w", image = "w", cpu = 128, memory = 64, logConfiguration = { logDriver = "awslogs" } }"#;
    for (container, taskdef) in [
        (awslogs, ""),
        (
            Sc::default().container,
            "taskRoleArn = \"arn:aws:iam::1:role/app\"",
        ),
        (Sc::default().container, "networkMode = \"awsvpc\""),
    ] {
        let run_with = |group: &str| {
            Sc {
                group,
                container,
                taskdef,
                rest: "",
                ..Default::default()
            }
            .run()
        };
        let ami = run_with("");
        assert_eq!(
            ami.summary.services["app"].tasks.running_end, 1,
            "{taskdef}"
        );
        let bare = run_with("agent_defaults = \"agent\"");
        let s = &bare.summary.services["app"];
        assert_eq!(s.tasks.running_end, 0, "{taskdef}");
        assert_eq!(s.pending_reasons.get("ATTRIBUTE"), Some(&1), "{taskdef}");
    }
}

#[test]
fn eni_trunking_raises_the_awsvpc_tasks_per_instance() {
    let run_with = |group: &str| {
        Sc {
            group,
            taskdef: "networkMode = \"awsvpc\"",
            desired: 12,
            ..Default::default()
        }
        .run()
        .summary
        .services["app"]
            .tasks
            .running_end
    };
    // m5.large: 3 ENIs, one primary → 2 tasks; trunked → 10 (docs/ecs-facts.md §2).
    assert_eq!(run_with(""), 2);
    assert_eq!(run_with("eni_trunking = true"), 10);
    let e = Scenario::parse(
        &Sc {
            itype: "t3.medium",
            group: "eni_trunking = true",
            ..Default::default()
        }
        .text(),
        "t.toml",
    )
    .unwrap_err();
    assert_eq!(e.field.as_deref(), Some("instance_groups[0].eni_trunking"));
}

#[test]
fn reserved_ports_are_never_given_out() {
    let c = r#"{ name = "w", image = "w", cpu = 128, memory = 64, portMappings = [{ containerPort = 80, hostPort = 0 }] }"#;
    let sim = run_checked(
        &Sc {
            ecs_config: "ECS_RESERVED_PORTS=[22, 32768, 32769]",
            container: c,
            desired: 2,
            rest: "",
            ..Default::default()
        }
        .parse(),
        None,
    );
    let mut ports: Vec<u16> = sim.tasks().iter().map(|t| t.ports[0].port).collect();
    ports.sort();
    assert_eq!(ports, vec![32770, 32771]);
}

#[test]
fn the_stop_timeout_caps_the_wait_for_sigterm() {
    // Containers take 20 s to exit after SIGTERM; the agent kills them after
    // ECS_CONTAINER_STOP_TIMEOUT. The service scales to 0 at 5 min (no load balancer, so no
    // draining): the task is STOPPED 5 s later with a 5 s timeout, 20 s later with the 30 s default
    // (the scheduler acting at once, with no control-plane delay).
    let rest = format!(
        "[model]\ncontainer_exit = {{ dist = \"constant\", value = \"20s\" }}\nscheduler_delay = {{ dist = \"constant\", value = \"0s\" }}\n{}",
        scale_to(0, "5m")
    );
    let stopped_after = |cfg: &str| {
        let sim = run_checked(
            &Sc {
                ecs_config: cfg,
                rest: &rest,
                ..Default::default()
            }
            .parse(),
            None,
        );
        secs(sim.tasks()[0].stopped_at) - 300.0
    };
    assert_eq!(stopped_after("ECS_CONTAINER_STOP_TIMEOUT=5s"), 5.0);
    assert_eq!(stopped_after(""), 20.0);
}
