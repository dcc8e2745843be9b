//! EC2 Spot: notices strike registered instances, and with `ECS_ENABLE_SPOT_INSTANCE_DRAINING`
//! the tasks are replaced before the instance goes.

use ecsim_core::log::LogKind;
use ecsim_tests::kit::*;
use ecsim_tests::run_checked;

#[test]
fn spot_draining_replaces_tasks_before_the_instance_goes() {
    // Two Spot hosts; the first gets its notice at 5 min and is terminated at 7 min. With
    // draining, its tasks are replaced on the other host before then; without, they die with it
    // at 7 min and only then are replaced.
    let run_with = |cfg: &str| {
        let group = "spot_interruptions = [\"5m\"]";
        let sim = run_checked(
            &Sc {
                hosts: 2,
                ecs_config: cfg,
                group,
                desired: 4,
                rest: "",
                ..Default::default()
            }
            .parse(),
            None,
        );
        let out = sim.finish();
        (out.summary, out.log)
    };
    let (drained, log) = run_with("ECS_ENABLE_SPOT_INSTANCE_DRAINING=true");
    let s = &drained.services["app"];
    assert_eq!(s.tasks.running_end, 4);
    assert_eq!(s.tasks.lost_with_instance, 0, "{:?}", s.tasks);
    assert_eq!(s.tasks_per_instance.get("i-02"), Some(&4));
    assert!(log
        .entries
        .iter()
        .any(|e| e.kind == LogKind::InstanceDraining));
    assert_eq!(drained.cluster.instances_end, 1);

    let (lost, log) = run_with("");
    let s = &lost.services["app"];
    assert_eq!(s.tasks.lost_with_instance, 2, "{:?}", s.tasks);
    assert_eq!(s.tasks.running_end, 4, "replaced after the termination");
    let msg = &log
        .entries
        .iter()
        .find(|e| e.kind == LogKind::TaskLost)
        .expect("a lost task is logged")
        .message;
    assert!(msg.contains("terminated"), "{msg}");
    // The terminated host is billed to its termination only.
    assert!(lost.cost_usd.ec2 < 2.0 * 0.096 * 10.0 / 60.0);
}

#[test]
fn spot_notices_hit_registered_instances_one_each() {
    // Two notices 30 s apart: each takes a different instance. A notice before any instance has
    // registered finds none.
    let out = Sc {
        hosts: 2,
        group: "spot_interruptions = [\"10s\", \"5m\", \"5m30s\"]",
        desired: 2,
        rest: "",
        ..Default::default()
    }
    .run();
    let notices: Vec<&str> = out
        .log
        .entries
        .iter()
        .filter(|e| e.kind == LogKind::SpotNotice)
        .map(|e| e.message.as_str())
        .collect();
    assert!(
        notices[0].contains("no registered instance left"),
        "{notices:?}"
    );
    assert!(
        notices[1].starts_with("instance i-01") && notices[2].starts_with("instance i-02"),
        "{notices:?}"
    );
    assert_eq!(out.summary.cluster.instances_end, 0);
    assert_eq!(
        out.summary.services["app"]
            .pending_reasons
            .get("NO_ACTIVE_INSTANCES"),
        Some(&2)
    );
}

/// Found by the property tests: at maximumPercent 100 the replacement of a draining instance's
/// task waits until that task has exited — and then must start, though with the task gone the
/// service no longer has anything on a DRAINING instance.
#[test]
fn at_maximum_100_percent_a_drained_task_is_replaced_once_it_has_exited() {
    let sim = run_checked(
        &Sc {
            hosts: 2,
            ecs_config: "ECS_ENABLE_SPOT_INSTANCE_DRAINING=true",
            group: "spot_interruptions = [\"5m\"]",
            desired: 4,
            service:
                "deploymentConfiguration = { minimumHealthyPercent = 50, maximumPercent = 100 }",
            ..Default::default()
        }
        .parse(),
        None,
    );
    let out = sim.finish();
    let s = &out.summary.services["app"];
    assert_eq!(s.tasks.lost_with_instance, 0, "{:?}", s.tasks);
    assert_eq!(
        (s.tasks.running_end, s.tasks_per_instance.get("i-02")),
        (4, Some(&4)),
        "{:?}",
        s.tasks
    );
}
