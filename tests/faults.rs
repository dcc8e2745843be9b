//! Faults: a Spot interruption with and without the agent's draining, an instance lost without
//! notice, crashed tasks (once and at random), an Availability Zone down for a while; each is
//! logged and the service recovers.

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

/// The log entries of `kind` (any kind if `None`) whose message holds `text`, from `from_s` on:
/// their times and messages.
fn logged<'a>(
    out: &'a ecsim_core::RunOutput,
    kind: Option<LogKind>,
    text: &str,
    from_s: f64,
) -> Vec<(f64, &'a str)> {
    out.log
        .entries
        .iter()
        .filter(|e| kind.is_none_or(|k| e.kind == k) && e.message.contains(text) && e.t_s >= from_s)
        .map(|e| (e.t_s, e.message.as_str()))
        .collect()
}

/// Six tasks of one service on an Auto Scaling group of three m5.xlarge, one per zone
/// (us-east-1a, b, c), 100 req/s, and `zone` down from 5 to 10 minutes; `service` adds to the
/// service (its placement), `group` to the group.
fn zone_outage(service: &str, group: &str, zone: &str) -> String {
    format!(
        r#"
name = "zone-outage"
duration = "15m"
sample_step = "5s"
[[instance_groups]]
name = "g"
instance_type = "m5.xlarge"
count = 3
min_size = 3
max_size = 3
ecs_config = "ECS_CLUSTER=default"
{group}
[[task_definitions]]
family = "web"
containerDefinitions = [{{ name = "web", image = "web:1", cpu = 512, memory = 1024, portMappings = [{{ containerPort = 8080, hostPort = 0 }}] }}]
[[services]]
serviceName = "web"
taskDefinition = "web"
desiredCount = 6
startAt = "60s"
{service}
[[traffic]]
service = "web"
start = "2m"
rate = {{ profile = "constant", rps = 100 }}
work = {{ dist = "exponential", mean = "20ms" }}
queue_limit = 20
[[faults]]
kind = "zone_outage"
zone = "{zone}"
at = "5m"
duration = "5m"
"#
    )
}

/// Issue 15, Availability Zone failure: the zone's instance and its tasks go at 5 minutes; the
/// Auto Scaling group launches the replacement in another zone while the zone is down (EC2
/// Auto Scaling launches only into healthy zones: docs/ecs-facts.md §12); the tasks are
/// replaced; the zone is back at 10 minutes.
#[test]
fn a_zone_outage_takes_its_instances_and_the_group_replaces_them_in_other_zones() {
    let out = go(&zone_outage("", "", "us-east-1a"));
    let s = &out.summary.services["web"];
    // The default strategy spreads over zones: two tasks per zone, two lost.
    assert_eq!(s.tasks.lost_with_instance, 2, "{:?}", s.tasks);
    assert_eq!(s.tasks.running_end, 6, "{:?}", s.tasks);
    assert_eq!(out.summary.cluster.instances_end, 3);
    let lost = logged(
        &out,
        Some(LogKind::InstanceTerminated),
        "us-east-1a failed",
        0.0,
    );
    assert_eq!(lost.len(), 1, "{lost:?}");
    let launched = logged(&out, Some(LogKind::InstanceLaunched), "", 300.0);
    assert_eq!(launched.len(), 1, "{launched:?}");
    assert!(
        !launched[0].1.contains("us-east-1a"),
        "launched into the zone that is down: {}",
        launched[0].1
    );
    let back = logged(&out, Some(LogKind::Fault), "us-east-1a is back", 0.0);
    assert_eq!(back.iter().map(|l| l.0).collect::<Vec<_>>(), vec![600.0]);
}

/// With binpack the service had every task on one instance: when that instance's zone fails,
/// the service loses them all and fails many more requests than when it spread over zones.
#[test]
fn binpack_loses_the_whole_service_to_one_zone_where_spread_loses_a_third() {
    // With this seed binpack puts every task on i-02, in us-east-1b.
    let binpack = go(&zone_outage(
        "placementStrategy = [{ type = \"binpack\", field = \"memory\" }]",
        "",
        "us-east-1b",
    ));
    let spread = go(&zone_outage("", "", "us-east-1b"));
    let (b, sp) = (
        &binpack.summary.services["web"],
        &spread.summary.services["web"],
    );
    // Their replacements are binpacked again, on one instance of another zone.
    assert_eq!(
        b.tasks_per_instance.values().max(),
        Some(&6),
        "{:?}",
        b.tasks_per_instance
    );
    assert_eq!(
        b.tasks_per_instance.get("i-02"),
        None,
        "{:?}",
        b.tasks_per_instance
    );
    assert_eq!(b.tasks.lost_with_instance, 6, "{:?}", b.tasks);
    assert_eq!(sp.tasks.lost_with_instance, 2, "{:?}", sp.tasks);
    assert!(
        b.requests.failed > 3 * sp.requests.failed.max(1),
        "binpack {:?} against spread {:?}",
        b.requests,
        sp.requests
    );
    assert_eq!((b.tasks.running_end, sp.tasks.running_end), (6, 6));
}

/// A group in one zone cannot launch while that zone is down, says so, and fills up once it is
/// back.
#[test]
fn a_group_whose_only_zone_is_down_launches_once_the_zone_is_back() {
    let out = go(&zone_outage(
        "",
        "availability_zones = [\"us-east-1a\"]",
        "us-east-1a",
    ));
    let cannot = logged(
        &out,
        None,
        "every one of its Availability Zones is down",
        0.0,
    );
    assert!(!cannot.is_empty() && cannot.iter().all(|l| (300.0..600.0).contains(&l.0)));
    let relaunched = logged(&out, Some(LogKind::InstanceLaunched), "", 300.0);
    assert_eq!(
        relaunched.iter().map(|l| l.0).collect::<Vec<_>>(),
        vec![600.0; 3]
    );
    let s = &out.summary.services["web"];
    assert_eq!(s.tasks.lost_with_instance, 6);
    assert_eq!(s.tasks.running_end, 6, "{:?}", s.tasks);
}

#[test]
fn zone_outage_errors_name_their_field() {
    let bad = |fault: &str| {
        let text = zone_outage("", "", "us-east-1a").replace(
            "[[faults]]\nkind = \"zone_outage\"\nzone = \"us-east-1a\"\nat = \"5m\"\nduration = \"5m\"\n",
            fault,
        );
        Scenario::parse(&text, "z.toml").expect_err("refused")
    };
    let e = bad("[[faults]]\nkind = \"zone_outage\"\nzone = \"eu-west-1a\"\nat = \"5m\"\nduration = \"5m\"\n");
    assert_eq!(e.field.as_deref(), Some("faults[0].zone"), "{e}");
    assert!(
        e.message.contains("us-east-1a, us-east-1b, us-east-1c"),
        "{e}"
    );
    let e = bad("[[faults]]\nkind = \"zone_outage\"\nzone = \"us-east-1a\"\nat = \"5m\"\n");
    assert!(e.message.contains("needs `duration`"), "{e}");
    let e = bad("[[faults]]\nkind = \"zone_outage\"\nat = \"5m\"\nduration = \"5m\"\n");
    assert!(e.message.contains("needs `zone`"), "{e}");
    let e = bad(
        "[[faults]]\nkind = \"zone_outage\"\nzone = \"us-east-1a\"\nat = \"5m\"\nduration = \"0s\"\n",
    );
    assert_eq!(e.field.as_deref(), Some("faults[0].duration"), "{e}");
    let e = bad(
        "[[faults]]\nkind = \"instance_loss\"\ngroup = \"g\"\nzone = \"us-east-1a\"\nat = \"5m\"\n",
    );
    assert_eq!(e.field.as_deref(), Some("faults[0].zone"), "{e}");
}

/// A Fargate service's tasks spread over its zones; those in the failed zone stop with it and
/// are replaced in the zones that are up; while every zone of the service is down, a new task
/// waits, and launches once one is back.
#[test]
fn a_zone_outage_stops_the_fargate_tasks_there_and_they_come_back_elsewhere() {
    let fargate = |zones: &str| {
        zone_outage("", "", "us-east-1a")
            + &format!(
                r#"
[[task_definitions]]
family = "f"
requiresCompatibilities = ["FARGATE"]
networkMode = "awsvpc"
cpu = "256"
memory = "512"
containerDefinitions = [{{ name = "f", image = "web:1" }}]
[[services]]
serviceName = "f"
taskDefinition = "f"
desiredCount = 6
launchType = "FARGATE"
{zones}
"#
            )
    };
    let out = go(&fargate(""));
    let f = &out.summary.services["f"];
    // Two per zone of us-east-1a, b, c: the two in us-east-1a go.
    assert_eq!(f.tasks.lost_with_instance, 2, "{:?}", f.tasks);
    assert_eq!(
        (f.tasks.started, f.tasks.running_end),
        (8, 6),
        "{:?}",
        f.tasks
    );
    let provisioned = logged(&out, None, "PROVISIONING on Fargate in", 300.0);
    assert_eq!(provisioned.len(), 2, "{provisioned:?}");
    assert!(
        provisioned.iter().all(|l| !l.1.contains("us-east-1a")),
        "{provisioned:?}"
    );

    // Its only zone is down: the replacements wait until it is back at 10 minutes.
    let out = go(&fargate("availabilityZones = [\"us-east-1a\"]"));
    let f = &out.summary.services["f"];
    assert_eq!(f.tasks.lost_with_instance, 6, "{:?}", f.tasks);
    assert_eq!(f.tasks.running_end, 6, "{:?}", f.tasks);
    let waited = logged(
        &out,
        None,
        "every Availability Zone of service f is down",
        0.0,
    );
    assert_eq!(waited.len(), 6, "{waited:?}");
    let relaunched = logged(&out, None, "PROVISIONING on Fargate in us-east-1a", 300.0);
    assert_eq!(
        relaunched.iter().map(|l| l.0).collect::<Vec<_>>(),
        vec![600.0; 6]
    );

    // A zone only an EC2 service could name is refused on it.
    let e = Scenario::parse(
        &zone_outage("availabilityZones = [\"us-east-1a\"]", "", "us-east-1a"),
        "z.toml",
    )
    .expect_err("refused");
    assert_eq!(
        e.field.as_deref(),
        Some("services[0].availabilityZones"),
        "{e}"
    );
}
