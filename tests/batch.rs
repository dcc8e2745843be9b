//! Scheduled batch tasks: each works its run time and exits 0; an interrupted one is run again
//! from the start while attempts remain; the batch ends when every task has finished or given
//! up, and Fargate bills it per task.

use ecsim_tests::run_text as go;

/// `count` Fargate tasks of 1 vCPU / 2 GB working exactly 10 minutes, on `capacity`, with
/// `attempts`; Fargate Spot is reclaimed `spot_rate` times per task-hour.
fn fargate_batch(count: u32, capacity: &str, attempts: u32, spot_rate: f64) -> String {
    format!(
        r#"
name = "batch"
seed = 5
duration = "2h"
sample_step = "30s"
[model.fargate]
spot_interruptions_per_hour = {spot_rate}
[[images]]
image = "render:1"
size_mib = 100
[[task_definitions]]
family = "render"
requiresCompatibilities = ["FARGATE"]
networkMode = "awsvpc"
cpu = "1024"
memory = "2048"
containerDefinitions = [{{ name = "render", image = "render:1" }}]
[[scheduled_tasks]]
name = "job"
taskDefinition = "render"
count = {count}
at = "1m"
runTime = {{ dist = "constant", value = "10m" }}
attempts = {attempts}
{capacity}
"#
    )
}

const ON_DEMAND: &str = r#"launchType = "FARGATE""#;
const SPOT: &str =
    r#"capacityProviderStrategy = [{ capacityProvider = "FARGATE_SPOT", weight = 1 }]"#;

#[test]
fn every_task_works_its_run_time_exits_zero_and_is_billed_for_it() {
    let out = go(&fargate_batch(12, ON_DEMAND, 1, 0.0));
    let s = &out.summary.services["job"];
    let b = s.batch.as_ref().expect("a batch");
    assert_eq!(
        (b.tasks, b.completed, b.interrupted, b.gave_up),
        (12, 12, 0, 0)
    );
    assert_eq!(s.tasks.desired, 0, "nothing left to run");
    assert_eq!(s.tasks.started, 12, "finished tasks are not replaced");
    assert_eq!(s.stop_codes.get("EssentialContainerExited"), Some(&12));
    for t in &out.tasks {
        let (run, stop) = (t.running_s.expect("ran"), t.stopped_s.expect("stopped"));
        assert!(
            (stop - run - 600.0).abs() < 1e-6,
            "{}: {run} .. {stop}",
            t.task
        );
    }
    // The batch ends when its last task does: provisioning, pull and start, then 10 minutes.
    let last = out
        .tasks
        .iter()
        .filter_map(|t| t.stopped_s)
        .fold(0.0, f64::max);
    let makespan = b.makespan_s.expect("finished");
    assert!(
        (makespan - (last - 60.0)).abs() < 1e-6,
        "{makespan} vs {last}"
    );
    assert!((600.0..720.0).contains(&makespan), "{makespan}");
    // Billed from the pull's start to the exit: at least the 10 minutes of work, each.
    let rate = 0.04048 + 2.0 * 0.004445;
    let floor = 12.0 * 600.0 / 3600.0 * rate;
    assert!(
        s.fargate_cost_usd > floor && s.fargate_cost_usd < floor * 1.15,
        "{} vs {floor}",
        s.fargate_cost_usd
    );
    assert!((out.summary.cost_usd.fargate - s.fargate_cost_usd).abs() < 1e-9);
}

#[test]
fn interrupted_tasks_run_again_until_their_attempts_are_spent() {
    // Reclaimed about once per 10 minutes of work: most tasks are interrupted at least once.
    let out = go(&fargate_batch(20, SPOT, 10, 6.0));
    let b = out.summary.services["job"].batch.clone().expect("batch");
    assert!(b.interrupted >= 10, "{b:?}");
    assert_eq!((b.completed, b.gave_up), (20, 0), "{b:?}");
    // One task per attempt: the first 20 and a re-run for each interrupted one.
    assert_eq!(out.tasks.len() as u32, 20 + b.interrupted, "{b:?}");
    // One attempt each: the interrupted ones are given up, and the batch still ends.
    let out = go(&fargate_batch(20, SPOT, 1, 6.0));
    let b = out.summary.services["job"].batch.clone().expect("batch");
    assert!(b.gave_up >= 5, "{b:?}");
    assert_eq!(b.completed + b.gave_up, 20, "{b:?}");
    assert_eq!(b.interrupted, b.gave_up, "{b:?}");
    assert!(b.makespan_s.is_some(), "{b:?}");
    assert_eq!(out.summary.services["job"].tasks.desired, 0);
}

#[test]
fn spot_is_cheaper_even_with_the_work_it_redoes() {
    let od = go(&fargate_batch(20, ON_DEMAND, 3, 1.0)).summary.services["job"].fargate_cost_usd;
    let spot = go(&fargate_batch(20, SPOT, 3, 1.0)).summary.services["job"].fargate_cost_usd;
    assert!(spot < 0.45 * od, "spot {spot} vs on-demand {od}");
    assert!(
        spot > 0.30 * od,
        "spot {spot} vs on-demand {od}: 70 % off plus redone work"
    );
}

#[test]
fn a_batch_on_ec2_survives_a_lost_instance() {
    let text = r#"
name = "ec2-batch"
seed = 2
duration = "40m"
[[instance_groups]]
name = "hosts"
instance_type = "m5.large"
count = 2
ecs_config = "ECS_CLUSTER=default"
[[task_definitions]]
family = "crunch"
containerDefinitions = [{ name = "c", image = "crunch:1", cpu = 512, memory = 512 }]
[[scheduled_tasks]]
name = "crunch"
taskDefinition = "crunch"
count = 6
at = "1m"
runTime = { dist = "constant", value = "10m" }
attempts = 2
[[faults]]
kind = "instance_loss"
group = "hosts"
at = "6m"
"#;
    let out = go(text);
    let b = out.summary.services["crunch"].batch.clone().expect("batch");
    // The lost instance held some of the tasks: they ran again on the other one.
    assert!(b.interrupted >= 1, "{b:?}");
    assert_eq!((b.completed, b.gave_up), (6, 0), "{b:?}");
    assert!(b.makespan_s.expect("ended") > 600.0 + 300.0, "{b:?}");
}

#[test]
fn bad_scheduled_tasks_are_refused_with_their_field() {
    let good = fargate_batch(4, ON_DEMAND, 1, 0.0);
    for (from, to, field) in [
        ("count = 4", "count = 0", "scheduled_tasks[0].count"),
        (
            "attempts = 1",
            "attempts = 11",
            "scheduled_tasks[0].attempts",
        ),
        (
            r#"taskDefinition = "render""#,
            r#"taskDefinition = "nope""#,
            "scheduled_tasks[0].taskDefinition",
        ),
        (
            r#"value = "10m""#,
            r#"value = "ten""#,
            "scheduled_tasks[0].runTime",
        ),
    ] {
        let bad = good.replace(from, to);
        assert_ne!(good, bad, "{from}");
        let e = ecsim_core::Scenario::parse(&bad, "t.toml").expect_err(to);
        assert!(e.to_string().contains(field), "{to}: {e}");
    }
    // A batch is not a service: no update, no auto scaling.
    let bad = format!("{good}\n[[actions]]\nat = \"5m\"\nservice = \"job\"\ndesired_count = 2\n");
    let e = ecsim_core::Scenario::parse(&bad, "t.toml").expect_err("action on a batch");
    assert!(e.to_string().contains("actions[0].service"), "{e}");
    assert!(e.to_string().contains("scheduled task"), "{e}");
}
