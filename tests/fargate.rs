//! Fargate: every task pulls its whole image, launches pass the token bucket, billing per
//! second with a one-minute minimum, Fargate Spot interruptions, and the `fargate-vs-ec2` lesson.

use ecsim_core::log::LogKind;
use ecsim_core::task::TaskState;
use ecsim_tests::kit::*;
use ecsim_tests::run_checked;

#[test]
fn on_fargate_every_task_pulls_the_whole_image() {
    let c = Sc::default().container;
    let out = second_task(
        "ECS_IMAGE_PULL_BEHAVIOR=prefer-cached",
        "launchType = \"FARGATE\"",
        FARGATE_TD,
        c,
    );
    let im = &out.summary.images;
    assert_eq!((im.pulls, im.cache_hits), (2, 0), "{im:?}");
    assert_eq!(im.mib_downloaded, 1200.0);
    let s = &out.summary.services["app"];
    assert_eq!(s.tasks.running_end, 2);
    assert!(
        s.tasks_per_instance.is_empty(),
        "no instance holds a Fargate task"
    );
}

#[test]
fn fargate_launches_pass_the_token_bucket() {
    // 150 tasks at once: 100 are admitted at once, the other 50 at 20 per second.
    let out = Sc {
        hosts: 0,
        taskdef: FARGATE_TD,
        service: "launchType = \"FARGATE\"",
        desired: 150,
        rest: "[model.fargate]\nprovisioning = { dist = \"constant\", value = \"10s\" }\n",
        ..Default::default()
    };
    let sim = run_checked(&out.parse(), None);
    let mut ready: Vec<f64> = sim.tasks().iter().map(|t| secs(t.placed_at)).collect();
    ready.sort_by(|a, b| a.total_cmp(b));
    assert_eq!(ready[99], 70.0);
    assert!((ready[100] - 70.05).abs() < 1e-6, "{}", ready[100]);
    assert!((ready[149] - 72.5).abs() < 1e-6, "{}", ready[149]);
    assert!(sim.tasks().iter().all(|t| t.state == TaskState::Running));
}

#[test]
fn fargate_bills_per_second_from_the_pull_with_a_minute_minimum() {
    // 4 tasks of 0.25 vCPU and 0.5 GB on x86 from their pull's start to the end of the run.
    let out = Sc {
        hosts: 0,
        taskdef: FARGATE_TD,
        service: "launchType = \"FARGATE\"",
        desired: 4,
        ..Default::default()
    };
    let sim = run_checked(&out.parse(), None);
    let end = sim.end().as_secs_f64();
    let billed: f64 = sim.tasks().iter().map(|t| end - secs(t.billed_from)).sum();
    let hourly = 0.25 * 0.04048 + 0.5 * 0.004445;
    let out = sim.finish();
    let c = &out.summary.cost_usd;
    assert!((c.fargate - hourly * billed / 3600.0).abs() < 1e-9, "{c:?}");
    assert_eq!(c.ec2, 0.0);
    assert_eq!(c.total, c.fargate);
    // ARM is cheaper.
    let arm_td = format!("{FARGATE_TD}\nruntimePlatform = {{ cpuArchitecture = \"ARM64\" }}");
    let arm = Sc {
        hosts: 0,
        taskdef: &arm_td,
        service: "launchType = \"FARGATE\"",
        desired: 4,
        ..Default::default()
    }
    .run();
    assert!(arm.summary.cost_usd.fargate < c.fargate * 0.81);
}

#[test]
fn fargate_spot_interruptions_stop_tasks_and_the_service_replaces_them() {
    let strategy = r#"capacityProviderStrategy = [{ capacityProvider = "FARGATE", base = 1, weight = 1 }, { capacityProvider = "FARGATE_SPOT", weight = 3 }]"#;
    let out = Sc {
        hosts: 0,
        duration: "3h",
        taskdef: FARGATE_TD,
        service: strategy,
        desired: 9,
        rest: "[model.fargate]\nspot_interruptions_per_hour = 2.0\n",
        ..Default::default()
    }
    .run();
    let s = &out.summary.services["app"];
    assert!(s.tasks.spot_interrupted >= 5, "{:?}", s.tasks);
    assert_eq!(s.tasks.running_end + s.tasks.pending_end, 9);
    assert!(out
        .log
        .entries
        .iter()
        .any(|e| e.kind == LogKind::SpotInterruption && e.message.contains("two-minute warning")));
    // Base 1 on FARGATE, then 1:3 — of the first 9 tasks, 3 on demand and 6 on Spot.
    let provisioning: Vec<&str> = out
        .log
        .entries
        .iter()
        .filter(|e| e.kind == LogKind::FargateProvisioning)
        .take(9)
        .map(|e| {
            if e.message.contains("Fargate Spot") {
                "spot"
            } else {
                "on-demand"
            }
        })
        .collect();
    assert_eq!(provisioning.iter().filter(|k| **k == "spot").count(), 6);
}

#[test]
fn the_fargate_vs_ec2_lesson_gives_start_up_and_dollars_for_both() {
    let out = lesson("fargate-vs-ec2");
    let s = &out.summary;
    assert!(s.objectives.iter().all(|o| o.held), "{:#?}", s.objectives);
    // Two m5.large for an hour, and 8 × (0.5 vCPU, 1 GB) billed from their pulls.
    assert!((s.cost_usd.ec2 - 2.0 * 0.096).abs() < 1e-9);
    let fargate_hour = 8.0 * (0.5 * 0.04048 + 0.004445);
    assert!(s.cost_usd.fargate < fargate_hour && s.cost_usd.fargate > 0.95 * fargate_hour);
    let (ec2, fg) = (&s.services["web-ec2"], &s.services["web-fargate"]);
    assert!(fg.startup_s.p50.unwrap() > ec2.startup_s.p50.unwrap());
    assert!(fg.startup_breakdown_s.provisioning.unwrap() >= 10.0);
    // On EC2 an awsvpc task waits only for its ENI (3–7 s).
    let eni = ec2.startup_breakdown_s.provisioning.unwrap();
    assert!((3.0..=7.0).contains(&eni), "{eni}");
    assert_eq!(ec2.stop_codes.len(), 0);
}
