//! The task lifecycle end to end: the start-up timeline and its breakdown, ECS stop codes, the
//! service's throttled retries of failed starts, and a provisioning-heavy run repeated.

use ecsim_core::run;
use ecsim_tests::kit::*;
use ecsim_tests::run_checked;

#[test]
fn the_startup_breakdown_adds_up_to_the_time_to_healthy() {
    let out = Sc {
        desired: 3,
        ..Default::default()
    }
    .run();
    let s = &out.summary.services["app"];
    assert_eq!(s.startup_s.count, 3);
    let b = &s.startup_breakdown_s;
    let sum = b.provisioning.unwrap() + b.pull.unwrap() + b.start.unwrap() + b.health.unwrap();
    let mean_startup = {
        let sim = run_checked(
            &Sc {
                desired: 3,
                ..Default::default()
            }
            .parse(),
            None,
        );
        sim.tasks()
            .iter()
            .map(|t| secs(t.healthy_at) - t.created_at.as_secs_f64())
            .sum::<f64>()
            / 3.0
    };
    assert!((sum - mean_startup).abs() < 1e-6, "{sum} vs {mean_startup}");
    // The pull is most of a cold start (docs/ecs-facts.md §7: 76 % in Slacker).
    assert!(b.pull.unwrap() > 0.9 * sum, "{b:?}");
    assert!(s.startup_s.p50.unwrap() <= s.startup_s.max.unwrap());
}

#[test]
fn the_same_run_twice_is_identical_with_fargate_and_pulls() {
    let sc = Sc {
        hosts: 0,
        taskdef: FARGATE_TD,
        service: r#"capacityProviderStrategy = [{ capacityProvider = "FARGATE_SPOT", weight = 1 }]"#,
        desired: 5,
        duration: "2h",
        ..Default::default()
    }
    .parse();
    let a = run(&sc, &Default::default()).unwrap().summary;
    let b = run(&sc, &Default::default()).unwrap().summary;
    assert_eq!(a.trace_hash, b.trace_hash);
}

#[test]
fn stopped_tasks_carry_ecs_stop_codes() {
    // Scale-in, a failed start, and a task lost with its Spot instance.
    let rest = format!("{}{}", scale_to(1, "3m"), scale_to(3, "4m"));
    let out = Sc {
        hosts: 2,
        group: "spot_interruptions = [\"5m\"]",
        desired: 3,
        rest: &rest,
        ..Default::default()
    }
    .run();
    let codes = &out.summary.services["app"].stop_codes;
    assert_eq!(
        codes.get("ServiceSchedulerInitiated"),
        Some(&2),
        "{codes:?}"
    );
    assert!(
        codes.get("TerminationNotice").is_some_and(|&n| n >= 1),
        "{codes:?}"
    );
    let denied = ecr_scenario(ROLES, "", "executionRoleArn = \"logsOnly\"", "");
    let codes = &denied.summary.services["app"].stop_codes;
    assert!(
        codes.get("TaskFailedToStart").is_some_and(|&n| n >= 1),
        "{codes:?}"
    );
}

#[test]
fn failed_starts_are_retried_in_rounds_that_back_off_to_fifteen_minutes() {
    // 20 tasks whose image is in a private registry the agent has no credentials for: each
    // round of 20 fails, and the next round comes 10 s, 20 s, 40 s, … up to 15 min later — one
    // round at a time, not one chain per failed task.
    let c = r#"{ name = "w", image = "registry.example.com/team/app:1", cpu = 64, memory = 64 }"#;
    let out = Sc {
        duration: "2h",
        hosts: 2,
        container: c,
        desired: 20,
        rest: "private_registries = [\"registry.example.com\"]\n",
        ..Default::default()
    }
    .run();
    let delays: Vec<&str> = out
        .log
        .entries
        .iter()
        .filter_map(|e| e.message.split("the service retries in ").nth(1))
        .collect();
    assert_eq!(
        delays,
        [
            "10s", "20s", "40s", "80s", "160s", "320s", "640s", "15m", "15m", "15m", "15m", "15m",
            "15m", "15m"
        ]
    );
    assert_eq!(out.summary.services["app"].tasks.failed, 20 * 14);
}
