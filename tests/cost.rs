//! Cost against hand calculations: EC2 per instance-second at the catalogue's prices (Spot at its
//! discount), an Application Load Balancer per hour and per LCU-hour, and the cost time series
//! ending at the total.

use ecsim_core::run;
use ecsim_tests::parse;

fn cluster(extra_group: &str, services: &str) -> String {
    format!(
        r#"
name = "cost"
duration = "1h"
sample_step = "30s"
[[instance_groups]]
name = "g"
instance_type = "m5.large"
count = 2
ecs_config = "ECS_CLUSTER=default"
{extra_group}
{services}
"#
    )
}

const WEB: &str = r#"
[[task_definitions]]
family = "web"
containerDefinitions = [{ name = "web", image = "web:1", cpu = 256, memory = 512, portMappings = [{ containerPort = 8080, hostPort = 0 }] }]
[[services]]
serviceName = "web"
taskDefinition = "web"
desiredCount = 4
startAt = "60s"
[[traffic]]
service = "web"
start = "0s"
rate = { profile = "constant", rps = 100 }
work = { dist = "exponential", mean = "5ms" }
"#;

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-9
}

#[test]
fn two_instances_for_an_hour_cost_two_instance_hours() {
    let out = run(&parse(&cluster("", "")), &Default::default()).expect("runs");
    let c = &out.summary.cost_usd;
    // m5.large $0.096 per hour (docs/ecs-facts.md §8), 2 × 1 h, launched at 0.
    assert!(close(c.ec2, 2.0 * 0.096), "{c:?}");
    assert!(
        close(c.total, c.ec2) && c.fargate == 0.0 && c.alb == 0.0,
        "{c:?}"
    );
    assert!(close(c.per_hour, 0.192), "{c:?}");
    assert!(close(*out.timeseries.cost_usd.last().unwrap(), c.total));
}

#[test]
fn spot_instances_are_billed_at_the_discount() {
    let text = cluster("spot = true", "");
    let out = run(&parse(&text), &Default::default()).expect("runs");
    assert!(
        close(out.summary.cost_usd.ec2, 2.0 * 0.096 * 0.3),
        "{:?}",
        out.summary.cost_usd
    );
    let text = cluster("spot = true\n[model]\nec2_spot_discount_pct = 50", "");
    let out = run(&parse(&text), &Default::default()).expect("runs");
    assert!(close(out.summary.cost_usd.ec2, 2.0 * 0.096 * 0.5));
    let e = ecsim_core::Scenario::parse(
        &cluster("spot = false\nspot_interruptions = [\"10m\"]", ""),
        "c.toml",
    )
    .expect_err("on-demand instances are not interrupted");
    assert_eq!(
        e.field.as_deref(),
        Some("instance_groups[0].spot_interruptions")
    );
}

#[test]
fn an_alb_costs_its_hours_and_its_lcus() {
    let out = run(&parse(&cluster("", WEB)), &Default::default()).expect("runs");
    let c = &out.summary.cost_usd;
    let arrived = out.summary.services["web"].requests.arrived as f64;
    // One request per new connection: 100 req/s is 4 LCU (25 new connections a second each),
    // more than the bytes (100 × 2 KiB × 3600 s = 0.74 GB/h) or active connections need. Every
    // arrival counts once: LCU-hours = arrivals ÷ 25 ÷ 3600.
    let hand = 0.0225 + arrived / 25.0 / 3600.0 * 0.008;
    assert!(
        close(c.alb, hand),
        "alb {} against {hand} ({arrived} arrivals)",
        c.alb
    );
    assert!((c.alb - 0.0545).abs() < 0.001, "about $0.0545: {c:?}");
    assert!(close(c.total, c.ec2 + c.alb));
    assert!(close(*out.timeseries.cost_usd.last().unwrap(), c.total));
    // Kept-alive connections: 10 requests each, and the bytes dimension (0.74 LCU) leads.
    let text = cluster(
        "",
        &format!("{WEB}\n[model.alb]\nrequests_per_connection = 10"),
    );
    let out = run(&parse(&text), &Default::default()).expect("runs");
    let arrived = out.summary.services["web"].requests.arrived as f64;
    let hand = 0.0225 + arrived * 2048.0 / 1e9 * 0.008;
    assert!(
        close(out.summary.cost_usd.alb, hand),
        "{} against {hand}",
        out.summary.cost_usd.alb
    );
}

/// Issue 15, departure 9: a t3.medium earns CPU credits at its 20 % baseline per vCPU and, in
/// unlimited mode (T3's default), is billed $0.05 per vCPU-hour of surplus above it
/// (docs/ecs-facts.md §12 "Burstable instances"); the warning says standard mode is not modelled.
#[test]
fn a_burstable_instance_above_its_baseline_pays_for_surplus_credits() {
    let text = |rps: u32| {
        cluster("", &WEB.replace("rps = 100", &format!("rps = {rps}")))
            .replace(
                "instance_type = \"m5.large\"\ncount = 2",
                "instance_type = \"t3.medium\"\ncount = 1",
            )
            .replace("desiredCount = 4", "desiredCount = 2")
    };
    // 150 requests a second of 5 ms: 0.75 vCPU busy on a host that earns 0.4.
    let out = run(&parse(&text(150)), &Default::default()).unwrap();
    let c = &out.summary.cost_usd;
    // The host is up the whole hour (it earns 0.4 vCPU-hours); the service's requests are all
    // the CPU it spends.
    let used = out.summary.services["web"].cpu.used_vcpu_hours;
    assert!((0.7..0.8).contains(&used), "{used}");
    let expected = (used - 0.4) * 0.05;
    assert!(
        (c.cpu_credits - expected).abs() < 1e-6,
        "{} vs {expected}",
        c.cpu_credits
    );
    assert!((c.ec2 - 0.0416 - c.cpu_credits).abs() < 1e-9, "{c:?}");
    assert!(out
        .summary
        .warnings
        .iter()
        .any(|w| w.to_string().contains("standard mode")));
    // 40 a second (0.2 vCPU) stays under the baseline: nothing more to pay.
    let out = run(&parse(&text(40)), &Default::default()).unwrap();
    assert_eq!(out.summary.cost_usd.cpu_credits, 0.0);
}
