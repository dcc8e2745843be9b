//! Auto Scaling groups and capacity providers with managed scaling: tasks that do not fit wait
//! in PROVISIONING and the group scales out within a minute; empty instances are terminated
//! only after 15 minutes below the target; managed termination protection spares instances
//! that run tasks; a group replaces an instance it loses.

use ecsim_core::log::LogKind;
use ecsim_core::metrics::TimeSeries;
use ecsim_tests::run_text as go;

/// A group `asg` of c5.large (2048 CPU units: four 512-unit tasks each), `count` instances at
/// first, up to 6, behind capacity provider `cp`; services and actions in `rest`. The scheduler
/// acts on a desired count at once (no control-plane delay), so times count from the action.
fn scenario(count: u32, protection: bool, rest: &str) -> String {
    format!(
        r#"
name = "cas"
seed = 3
duration = "50m"
sample_step = "10s"
model = {{ scheduler_delay = {{ dist = "constant", value = "0s" }} }}
[[instance_groups]]
name = "asg"
instance_type = "c5.large"
count = {count}
min_size = 0
max_size = 6
ecs_config = "ECS_CLUSTER=default"
[[capacity_providers]]
name = "cp"
auto_scaling_group = "asg"
managed_termination_protection = {protection}
managed_scaling = {{ target_capacity = 100 }}
[[task_definitions]]
family = "web"
containerDefinitions = [{{ name = "web", image = "web:1", cpu = 512, memory = 512, portMappings = [{{ containerPort = 8080, hostPort = 0 }}] }}]
{rest}
"#
    )
}

fn service(name: &str, desired: u32) -> String {
    format!(
        r#"
[[services]]
serviceName = "{name}"
taskDefinition = "web"
desiredCount = {desired}
capacityProviderStrategy = [{{ capacityProvider = "cp", weight = 1 }}]
"#
    )
}

fn action(at: &str, service: &str, desired: u32) -> String {
    format!("[[actions]]\nat = \"{at}\"\nservice = \"{service}\"\ndesired_count = {desired}\n")
}

/// The first sample time at which `f` holds.
fn first(ts: &TimeSeries, f: impl Fn(usize) -> bool) -> Option<f64> {
    (0..ts.len()).find(|&i| f(i)).map(|i| ts.t_s[i])
}

#[test]
fn provisioning_tasks_launch_instances_and_empty_ones_go_after_fifteen_minutes() {
    let text = scenario(
        1,
        true,
        &format!(
            "{}{}{}",
            service("web", 2),
            action("5m", "web", 12),
            action("20m", "web", 2)
        ),
    );
    let out = go(&text);
    let ts = &out.timeseries;
    let cp = &ts.capacity_providers[0];
    let at = |t: f64| ts.t_s.iter().position(|&x| x >= t).expect("sampled");

    // Ten more tasks at 5 m: they wait in PROVISIONING (not PENDING) for capacity.
    let provisioning = &ts.tasks["PROVISIONING"];
    assert!(provisioning[at(301.0)] >= 8, "{}", provisioning[at(301.0)]);
    assert!(ts.tasks["PENDING"].iter().all(|&n| n <= 12));
    // Twelve tasks of 512 units need three instances: the group's desired capacity goes from 1
    // to 3 at the next minute (5 m itself: the action came first), and not further; the group
    // launches them 40–80 s later (`model.asg_scale_out_delay`).
    assert_eq!((cp.desired[at(290.0)], cp.desired[at(301.0)]), (1, 3));
    assert_eq!(cp.instances[at(301.0)], 1);
    let launched = first(ts, |i| cp.instances[i] == 3).expect("launched");
    assert!(
        (340.0..=385.0).contains(&launched),
        "launched at {launched}"
    );
    assert_eq!(*cp.instances.iter().max().expect("samples"), 3);
    assert_eq!(*cp.desired.iter().max().expect("samples"), 3);
    let s = &out.summary.capacity_providers["cp"];
    assert_eq!((s.scale_outs, s.instances_launched), (1, 2));
    assert!(s.reservation_pct_max >= 300.0, "{}", s.reservation_pct_max);
    // The new instances boot (35–47 s), register and take the tasks, which pull and start.
    let running = &ts.service_tasks[0].running;
    let all = first(ts, |i| running[i] == 12).expect("twelve ran");
    assert!(
        all > launched + 35.0 && all < launched + 90.0,
        "twelve running at {all}"
    );

    // At 20 m the service drops to 2 tasks: at most two instances are busy. The group keeps its
    // third instance for 15 datapoints (21 m .. 35 m), then terminates the empty one.
    let shrunk = first(ts, |i| ts.t_s[i] > 1200.0 && cp.instances[i] < 3).expect("scaled in");
    assert!(
        (2100.0..2110.0).contains(&shrunk),
        "scale-in at {shrunk} s, not 35 min"
    );
    assert_eq!((s.scale_ins, s.instances_terminated), (1, 1));
    assert_eq!(s.tasks_stopped_by_scale_in, 0);
    assert_eq!(out.summary.services["web"].tasks.running_end, 2);
    assert!(out
        .tasks
        .iter()
        .all(|t| t.stop_code != Some(ecsim_core::task::StopCode::TerminationNotice)));
    // Each task record names the provider it ran on.
    assert!(out.tasks.iter().all(|t| t.capacity == "cp"));
}

/// `base` fills the first instance; `burst` needs a second one; then `base` goes. After 15
/// minutes the group keeps one instance: which one depends on protection.
fn protection_scenario(protection: bool) -> String {
    scenario(
        1,
        protection,
        &format!(
            "{}{}{}{}",
            service("base", 4),
            service("burst", 0),
            action("5m", "burst", 4),
            action("10m", "base", 0)
        ),
    )
}

#[test]
fn termination_protection_spares_instances_that_run_tasks() {
    // With protection the empty first instance goes; the burst tasks keep running.
    let out = go(&protection_scenario(true));
    let s = &out.summary.capacity_providers["cp"];
    assert_eq!((s.scale_ins, s.instances_end), (1, 1));
    assert_eq!(s.tasks_stopped_by_scale_in, 0);
    assert_eq!(out.summary.services["burst"].tasks.started, 4);

    // Without it, EC2 Auto Scaling picks the newest instance (one per zone): the one running
    // burst. Its four tasks stop with it and are started again on the old instance.
    let out = go(&protection_scenario(false));
    let s = &out.summary.capacity_providers["cp"];
    assert_eq!((s.scale_ins, s.instances_end), (1, 1));
    assert_eq!(s.tasks_stopped_by_scale_in, 4);
    let burst = &out.summary.services["burst"];
    assert_eq!((burst.tasks.started, burst.tasks.running_end), (8, 4));
    assert_eq!(burst.stop_codes.get("TerminationNotice"), Some(&4));
}

#[test]
fn a_group_replaces_an_instance_it_loses_and_bills_both() {
    // No managed scaling here: it would scale the replacement in again once the service's tasks
    // have all moved to the other instance.
    let text = scenario(
        2,
        false,
        &format!(
            "{}\n[[faults]]\nkind = \"instance_loss\"\ngroup = \"asg\"\nat = \"10m\"\n",
            service("web", 4)
        ),
    )
    .replace("managed_scaling = { target_capacity = 100 }", "");
    let out = go(&text);
    let c = &out.summary.cluster;
    // Two at launch, one replacement, two up at the end.
    assert_eq!((c.instances_launched, c.instances_end), (3, 2));
    let replaced = out
        .log
        .entries
        .iter()
        .find(|e| e.kind == LogKind::InstanceLaunched)
        .expect("a replacement");
    assert!(
        replaced.message.contains("replacing i-01"),
        "{}",
        replaced.message
    );
    assert_eq!(replaced.t_s, 600.0);
    // Billed: i-02 for 50 min; the lost i-01 for 10 min and its replacement, in the same slot,
    // for the other 40.
    let hours = 50.0 / 60.0 * 2.0;
    let expected = 0.085 * hours;
    assert!(
        (out.summary.cost_usd.ec2 - expected).abs() < 1e-9,
        "{} vs {expected}",
        out.summary.cost_usd.ec2
    );
    assert_eq!(out.summary.services["web"].tasks.running_end, 4);
}

#[test]
fn bad_capacity_providers_are_refused_with_their_field() {
    let cases = [
        (
            r#"managed_scaling = { target_capacity = 100 }"#,
            r#"managed_scaling = { target_capacity = 0 }"#,
            "capacity_providers[0].managed_scaling.target_capacity",
        ),
        (
            r#"auto_scaling_group = "asg""#,
            r#"auto_scaling_group = "nope""#,
            "capacity_providers[0].auto_scaling_group",
        ),
        (
            r#"managed_scaling = { target_capacity = 100 }"#,
            r#"managed_scaling = { status = "DISABLED" }"#,
            "capacity_providers[0].managed_termination_protection",
        ),
        (
            r#"capacityProvider = "cp""#,
            r#"capacityProvider = "cq""#,
            "services[0].capacityProviderStrategy[0].capacityProvider",
        ),
        (
            "max_size = 6",
            "max_size = 0",
            "instance_groups[0].max_size",
        ),
    ];
    for (from, to, field) in cases {
        let good = scenario(1, true, &service("web", 1));
        let bad = good.replace(from, to);
        assert_ne!(good, bad, "{from}");
        let e = ecsim_core::Scenario::parse(&bad, "t.toml").expect_err(to);
        assert!(e.to_string().contains(field), "{to}: {e}");
    }
}

#[test]
fn a_mixed_instances_policy_spreads_the_group_over_its_types() {
    // 16 tasks of 512 units: four instances of either type (both have 2 vCPUs).
    let text = scenario(
        1,
        true,
        &format!("{}{}", service("web", 2), action("5m", "web", 16)),
    )
    .replace(
        "instance_type = \"c5.large\"",
        "instance_type = \"c5.large\"\nmixed_instance_types = [\"m5.large\"]",
    );
    let out = go(&text);
    let mut types: Vec<String> = out
        .log
        .entries
        .iter()
        .filter(|e| e.kind == LogKind::InstanceRegistered)
        .map(|e| {
            e.message
                .split(['(', ','])
                .nth(1)
                .unwrap_or_default()
                .to_string()
        })
        .collect();
    types.sort();
    assert_eq!(types, ["c5.large", "c5.large", "m5.large", "m5.large"]);
    assert_eq!(out.summary.services["web"].tasks.running_end, 16);
    let bad = text.replace("[\"m5.large\"]", "[\"m5.huge\"]");
    let e = ecsim_core::Scenario::parse(&bad, "t.toml").expect_err("unknown type");
    assert!(
        e.to_string()
            .contains("instance_groups[0].mixed_instance_types[0]"),
        "{e}"
    );
}
