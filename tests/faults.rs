//! Faults: a Spot interruption with and without the agent's draining, an instance lost without
//! notice, crashed tasks (once and at random); each is logged and the service recovers.

use ecsim_core::log::LogKind;
use ecsim_core::{run, RunOptions, Scenario};
use ecsim_tests::{parse, run_text as go};

/// 4 tasks of 0.5 vCPU on two m5.xlarge, 100 req/s of 20 ms behind an ALB (the tasks are busy:
/// two of them alone cannot keep up); `group` and `rest` add to the group and the scenario.
fn scenario(ecs_config: &str, group: &str, rest: &str) -> String {
    format!(
        r#"
name = "faults"
duration = "15m"
sample_step = "5s"
[[instance_groups]]
name = "g"
instance_type = "m5.xlarge"
count = 2
ecs_config = """
ECS_CLUSTER=default
{ecs_config}
"""
{group}
[[task_definitions]]
family = "web"
containerDefinitions = [{{ name = "web", image = "web:1", cpu = 512, memory = 1024, portMappings = [{{ containerPort = 8080, hostPort = 0 }}] }}]
[[services]]
serviceName = "web"
taskDefinition = "web"
desiredCount = 4
startAt = "60s"
placementStrategy = [{{ type = "spread", field = "instanceId" }}]
[[traffic]]
service = "web"
start = "2m"
rate = {{ profile = "constant", rps = 100 }}
work = {{ dist = "exponential", mean = "20ms" }}
queue_limit = 20
deregistration_delay = "20s"
{rest}
"#
    )
}

#[test]
fn spot_draining_saves_the_requests_that_termination_loses() {
    let group = "spot_interruptions = [\"5m\"]";
    let drained = go(&scenario(
        "ECS_ENABLE_SPOT_INSTANCE_DRAINING=true",
        group,
        "",
    ));
    let lost = go(&scenario("", group, ""));
    let (d, l) = (
        &drained.summary.services["web"],
        &lost.summary.services["web"],
    );
    // Draining: the two tasks are replaced on the other host while their targets drain, before
    // the instance goes. Without: they die with it, holding requests, and the two left are
    // swamped until the replacements are healthy.
    assert_eq!(d.tasks.lost_with_instance, 0);
    assert_eq!(l.tasks.lost_with_instance, 2);
    assert!(d.requests.failed <= 5, "drained: {:?}", d.requests);
    assert!(
        l.requests.failed > 50 + 10 * d.requests.failed,
        "lost {:?} against drained {:?}",
        l.requests,
        d.requests
    );
    assert!(
        l.requests.failed_by_reason.contains_key("task_stopped"),
        "{:?}",
        l.requests
    );
    assert_eq!((d.tasks.running_end, l.tasks.running_end), (4, 4));
}

#[test]
fn an_instance_lost_without_notice_takes_its_tasks_and_they_are_replaced() {
    let out = go(&scenario(
        "",
        "",
        "[[faults]]\nkind = \"instance_loss\"\ngroup = \"g\"\nat = \"5m\"",
    ));
    let s = &out.summary.services["web"];
    assert_eq!(s.tasks.lost_with_instance, 2, "{:?}", s.tasks);
    assert_eq!(s.tasks.running_end, 4, "replaced on the other instance");
    assert_eq!(s.tasks_per_instance.get("i-02"), Some(&4));
    assert_eq!(out.summary.cluster.instances_end, 1);
    assert!(s.requests.failed > 0);
    let msg = out
        .log
        .entries
        .iter()
        .find(|e| e.kind == LogKind::InstanceTerminated)
        .map(|e| e.message.clone())
        .unwrap_or_default();
    assert!(msg.contains("host failure"), "{msg}");
}

#[test]
fn a_crashed_task_is_replaced() {
    let out = go(&scenario(
        "",
        "",
        "[[faults]]\nkind = \"task_crash\"\nservice = \"web\"\nat = \"5m\"",
    ));
    let s = &out.summary.services["web"];
    assert_eq!(
        s.stop_codes.get("EssentialContainerExited"),
        Some(&1),
        "{:?}",
        s.stop_codes
    );
    assert_eq!(s.tasks.started, 5);
    assert_eq!(s.tasks.running_end, 4);
    assert_eq!(s.tasks.lost_with_instance, 0);
    assert!(out
        .log
        .entries
        .iter()
        .any(|e| e.kind == LogKind::TaskCrashed));
}

#[test]
fn random_crashes_follow_their_mean_and_the_seed() {
    let text = scenario(
        "",
        "",
        "[[faults]]\nkind = \"task_crash\"\nservice = \"web\"\nevery = \"1m\"\nfrom = \"3m\"",
    )
    .replace("duration = \"15m\"", "duration = \"63m\"");
    let out = go(&text);
    let s = &out.summary.services["web"];
    // 60 minutes at one a minute: Poisson(60), well within 35..=90.
    let crashed = s
        .stop_codes
        .get("EssentialContainerExited")
        .copied()
        .unwrap_or(0);
    assert!((35..=90).contains(&crashed), "{crashed} crashes");
    assert!(s.tasks.running_end >= 3, "{:?}", s.tasks);
    let again = go(&text);
    assert_eq!(out.summary.trace_hash, again.summary.trace_hash);
    let other = run(
        &parse(&text),
        &RunOptions {
            seed: Some(2),
            ..Default::default()
        },
    )
    .unwrap();
    assert_ne!(out.summary.trace_hash, other.summary.trace_hash);
}

#[test]
fn fault_errors_name_their_field() {
    let bad = |rest: &str| Scenario::parse(&scenario("", "", rest), "f.toml").expect_err("refused");
    let e = bad("[[faults]]\nkind = \"meteor\"\nat = \"1m\"");
    assert_eq!(e.field.as_deref(), Some("faults[0].kind"), "{e}");
    let e = bad("[[faults]]\nkind = \"task_crash\"\nservice = \"api\"\nat = \"1m\"");
    assert_eq!(e.field.as_deref(), Some("faults[0].service"), "{e}");
    let e =
        bad("[[faults]]\nkind = \"task_crash\"\nservice = \"web\"\nat = \"1m\"\nevery = \"1m\"");
    assert_eq!(e.field.as_deref(), Some("faults[0]"), "{e}");
    let e = bad("[[faults]]\nkind = \"instance_loss\"\nat = \"1m\"");
    assert!(e.message.contains("needs `group`"), "{e}");
}
