//! Service auto scaling: target tracking converges after a step in load and waits out its
//! cooldowns before scaling in; step scaling and scheduled actions do what their policies say.

use ecsim_core::log::LogKind;
use ecsim_core::metrics::TimeSeries;
use ecsim_tests::run_text as go;

/// A web service of `desired` tasks of 0.5 vCPU on ten m5.xlarge (room for 80 such tasks), with
/// traffic of `rate` (a TOML rate profile) at 20 ms of CPU per request, and `scaling` (the body of
/// an `[[auto_scaling]]` table).
fn scenario(duration: &str, desired: u32, rate: &str, scaling: &str) -> String {
    format!(
        r#"
name = "scaling"
duration = "{duration}"
sample_step = "10s"
[[instance_groups]]
name = "g"
instance_type = "m5.xlarge"
count = 10
ecs_config = "ECS_CLUSTER=default"
[[task_definitions]]
family = "web"
containerDefinitions = [{{ name = "web", image = "web:1", cpu = 512, memory = 1024, portMappings = [{{ containerPort = 8080, hostPort = 0 }}] }}]
[[services]]
serviceName = "web"
taskDefinition = "web"
desiredCount = {desired}
startAt = "60s"
[[traffic]]
service = "web"
start = "2m"
rate = {rate}
work = {{ dist = "exponential", mean = "20ms" }}
algorithm = "least_outstanding_requests"
[[auto_scaling]]
service = "web"
{scaling}
"#
    )
}

/// (time, desired) at each change of the desired count.
fn desired_changes(ts: &TimeSeries) -> Vec<(f64, u32)> {
    let d = &ts.service_tasks[0].desired;
    let mut out = vec![(ts.t_s[0], d[0])];
    for i in 1..d.len() {
        if d[i] != d[i - 1] {
            out.push((ts.t_s[i], d[i]));
        }
    }
    out
}

/// When the desired count first went down.
fn first_scale_in(changes: &[(f64, u32)]) -> f64 {
    changes
        .windows(2)
        .find(|w| w[1].1 < w[0].1)
        .map(|w| w[1].0)
        .expect("scaled back in")
}

fn running_at(ts: &TimeSeries, t: f64) -> u32 {
    let i = ts.t_s.iter().position(|&x| x >= t).expect("sampled");
    ts.service_tasks[0].running[i]
}

const CPU_60: &str = r#"min_capacity = 2
max_capacity = 40
target_tracking = [{ metric = "ECSServiceAverageCPUUtilization", target = 50 }]"#;

#[test]
fn target_tracking_converges_after_a_step_in_load() {
    // 40 req/s of 20 ms is 0.8 vCPU: 4 tasks of 0.5 vCPU at 40 %, under the 50 % target. At 20
    // minutes the load steps to 200 req/s, 4 vCPU: 16 tasks at 50 %.
    let rate =
        r#"{ profile = "steps", steps = [{ at = "0s", rps = 40 }, { at = "20m", rps = 200 }] }"#;
    let out = go(&scenario("40m", 4, rate, CPU_60));
    let ts = &out.timeseries;
    let changes = desired_changes(ts);
    // No change before the step: the base load is under the target.
    assert!(
        changes.iter().all(|&(t, d)| t >= 1200.0 || d == 4),
        "{changes:?}"
    );
    // Three datapoints above the target (the minutes ending at 21, 22 and 23 min), then out.
    let (t_out, d_out) = changes
        .iter()
        .copied()
        .find(|&(t, _)| t >= 1200.0)
        .expect("scaled out after the step");
    assert!(
        (1260.0..=1440.0).contains(&t_out),
        "scaled out at {t_out} s"
    );
    assert!((12..=24).contains(&d_out), "to {d_out} tasks");
    // The tasks start within a couple of minutes, and the service settles near 16.
    let settled = running_at(ts, 2400.0);
    assert!((14..=22).contains(&settled), "{settled} running at the end");
    assert!(running_at(ts, t_out + 180.0) >= d_out.min(settled));
    let s = &out.summary.services["web"];
    let scaling = s.scaling.as_ref().expect("a scaling summary");
    assert!(
        scaling.scale_outs >= 1 && scaling.scale_ins == 0,
        "{scaling:?}"
    );
    let log: Vec<&str> = out
        .log
        .entries
        .iter()
        .filter(|e| e.kind == LogKind::Scaling)
        .map(|e| e.message.as_str())
        .collect();
    assert!(
        log.iter()
            .any(|m| m.contains("ECSServiceAverageCPUUtilization") && m.contains("scales out to")),
        "{log:?}"
    );
}

#[test]
fn scale_in_waits_for_a_sustained_drop_and_the_cooldowns() {
    // A burst from 10 to 16 minutes; the scale-out cooldown is 25 minutes, longer than the 15
    // low datapoints after the burst ends: the scale-in comes at the cooldown's end, not before.
    let rate = r#"{ profile = "steps", steps = [{ at = "0s", rps = 40 }, { at = "10m", rps = 200 }, { at = "16m", rps = 40 }] }"#;
    let scaling = r#"min_capacity = 2
max_capacity = 40
target_tracking = [{ metric = "ECSServiceAverageCPUUtilization", target = 50, scale_out_cooldown = "25m", scale_in_cooldown = "5m" }]"#;
    let out = go(&scenario("60m", 4, rate, scaling));
    let changes = desired_changes(&out.timeseries);
    let last_out = changes
        .windows(2)
        .filter(|w| w[1].1 > w[0].1)
        .map(|w| w[1].0)
        .fold(f64::NAN, f64::max);
    let first_in = first_scale_in(&changes);
    assert!(
        last_out < 1000.0,
        "scaled out during the burst: {changes:?}"
    );
    assert!(
        first_in >= last_out + 1500.0 - 1e-6,
        "scaled in at {first_in} s, within the 25 min cooldown after {last_out} s: {changes:?}"
    );
    assert!(first_in <= last_out + 1500.0 + 120.0, "{changes:?}");
    // Back near 4 tasks: ceil(running × utilisation ÷ target).
    let end = changes.last().expect("changes").1;
    assert!((3..=6).contains(&end), "{changes:?}");

    // With the default 5 min cooldowns the scale-in comes 15 low minutes after the burst.
    let quick = scaling.replace("\"25m\"", "\"5m\"");
    let out = go(&scenario("60m", 4, rate, &quick));
    let changes = desired_changes(&out.timeseries);
    let first_in = first_scale_in(&changes);
    assert!(
        (960.0 + 900.0..=960.0 + 900.0 + 120.0).contains(&first_in),
        "{changes:?}"
    );
}

#[test]
fn scale_in_only_when_every_policy_agrees() {
    // Two policies: requests per target at 150 a minute (40 req/s needs 16 tasks) and CPU at 90 %
    // (which 16 tasks at 10 % are far below, so it always asks to scale in). The request policy
    // scales out to about 16 and then holds: it never agrees to scale in, so neither happens.
    let rate = r#"{ profile = "constant", rps = 40 }"#;
    let both = r#"min_capacity = 2
max_capacity = 40
target_tracking = [
  { metric = "ALBRequestCountPerTarget", target = 150 },
  { metric = "ECSServiceAverageCPUUtilization", target = 90 },
]"#;
    let out = go(&scenario("45m", 4, rate, both));
    let changes = desired_changes(&out.timeseries);
    let after: Vec<u32> = changes.iter().skip(1).map(|c| c.1).collect();
    assert!(
        !after.is_empty() && after.iter().all(|&d| (14..=20).contains(&d)),
        "{changes:?}"
    );
    // With the CPU policy alone, the service scales in to a few tasks.
    let one = both.replace(
        "  { metric = \"ALBRequestCountPerTarget\", target = 150 },\n",
        "",
    );
    let out = go(&scenario("45m", 16, rate, &one));
    let changes = desired_changes(&out.timeseries);
    assert!(changes.last().unwrap().1 <= 4, "{changes:?}");
    assert!(
        out.summary.services["web"]
            .scaling
            .as_ref()
            .unwrap()
            .scale_ins
            >= 1
    );
}

#[test]
fn step_scaling_adds_its_step_and_waits_its_cooldown() {
    let rate =
        r#"{ profile = "steps", steps = [{ at = "0s", rps = 50 }, { at = "10m", rps = 400 }] }"#;
    let step = r#"min_capacity = 2
max_capacity = 12
step_scaling = [{ metric = "ECSServiceAverageCPUUtilization", alarm = { threshold = 80, comparison = ">=", datapoints = 2 }, steps = [{ lower = 0, upper = 50, adjustment = 1 }, { lower = 50, adjustment = 3 }], cooldown = "3m" }]"#;
    let out = go(&scenario("40m", 4, rate, step));
    let changes = desired_changes(&out.timeseries);
    let ups: Vec<(f64, u32)> = changes
        .windows(2)
        .filter(|w| w[1].1 > w[0].1)
        .map(|w| w[1])
        .collect();
    assert!(ups.len() >= 2, "{changes:?}");
    // Each step adds 1 or 3, never more; none closer than the cooldown; the max holds.
    for w in changes.windows(2) {
        let d = w[1].1 as i64 - w[0].1 as i64;
        assert!(d == 1 || d == 3 || w[1].1 == 12, "{changes:?}");
    }
    for w in ups.windows(2) {
        assert!(w[1].0 - w[0].0 >= 180.0, "{ups:?}");
    }
    assert_eq!(changes.last().unwrap().1, 12, "{changes:?}");
}

#[test]
fn scheduled_actions_move_the_bounds_and_the_desired_count() {
    let rate = r#"{ profile = "constant", rps = 20 }"#;
    let sched = r#"min_capacity = 2
max_capacity = 8
scheduled = [{ at = "5m", min_capacity = 6 }, { at = "10m", min_capacity = 1, max_capacity = 3 }]"#;
    let out = go(&scenario("15m", 4, rate, sched));
    let changes = desired_changes(&out.timeseries);
    assert_eq!(changes, vec![(0.0, 4), (300.0, 6), (600.0, 3)]);
    let s = out.summary.services["web"].scaling.clone().unwrap();
    assert_eq!((s.min_capacity_end, s.max_capacity_end), (1, 3));
    // A desired count outside the bounds is clamped when the target is registered.
    let out = go(&scenario("3m", 12, rate, sched));
    assert_eq!(out.timeseries.service_tasks[0].desired[0], 8);
}

#[test]
fn scaling_errors_name_their_field() {
    let rate = r#"{ profile = "constant", rps = 20 }"#;
    let text = scenario("5m", 4, rate, CPU_60).replace(
        "service = \"web\"\nmin_capacity",
        "service = \"api\"\nmin_capacity",
    );
    let e = ecsim_core::Scenario::parse(&text, "s.toml").expect_err("no such service");
    assert_eq!(e.field.as_deref(), Some("auto_scaling[0].service"), "{e}");
    let text = scenario("5m", 4, rate, CPU_60).replace("target = 50", "target = -1");
    let e = ecsim_core::Scenario::parse(&text, "s.toml").expect_err("a negative target");
    assert_eq!(
        e.field.as_deref(),
        Some("auto_scaling[0].target_tracking[0].target"),
        "{e}"
    );
    assert!(e.line.is_some(), "{e}");
}

/// Random scalable targets on random loads: every invariant holds after every event, the
/// desired count stays within the bounds in force, and policies act in both directions.
#[test]
fn random_scaling_keeps_every_invariant_and_its_bounds() {
    let mut r = ecsim_core::rng::Stream::new(7, "random-scaling");
    let (mut outs, mut ins) = (0, 0);
    for i in 0..30 {
        let min = r.below(4) as u32;
        let max = min + 1 + r.below(15) as u32;
        let metric = if r.below(2) == 0 {
            format!(
                "metric = \"ECSServiceAverageCPUUtilization\", target = {}",
                20 + r.below(60)
            )
        } else {
            format!(
                "metric = \"ALBRequestCountPerTarget\", target = {}",
                100 + r.below(1500)
            )
        };
        let policy = if r.below(3) == 0 {
            format!(
                "step_scaling = [{{ {}, alarm = {{ threshold = {}, comparison = \">=\", datapoints = {} }}, steps = [{{ lower = 0, adjustment = {} }}], cooldown = \"{}s\" }}, \
                 {{ metric = \"ECSServiceAverageCPUUtilization\", alarm = {{ threshold = 20, comparison = \"<\" }}, steps = [{{ upper = 0, adjustment = -1 }}], cooldown = \"120s\" }}]",
                "metric = \"ECSServiceAverageCPUUtilization\"",
                40 + r.below(50),
                1 + r.below(3),
                1 + r.below(3),
                60 + r.below(240)
            )
        } else {
            format!(
                "target_tracking = [{{ {metric}, scale_out_cooldown = \"{}s\", scale_in_cooldown = \"{}s\" }}]",
                r.below(400),
                r.below(400)
            )
        };
        let scaling = format!(
            "min_capacity = {min}\nmax_capacity = {max}\n{policy}\nscheduled = [{{ at = \"{}s\", min_capacity = {}, max_capacity = {} }}]",
            300 + r.below(900),
            min,
            max + r.below(4) as u32
        );
        let rate = format!(
            "{{ profile = \"steps\", steps = [{{ at = \"0s\", rps = {} }}, {{ at = \"{}s\", rps = {} }}] }}",
            5 + r.below(40),
            300 + r.below(600),
            5 + r.below(80)
        );
        let duration = format!("{}m", 15 + r.below(15));
        let text = scenario(&duration, 1 + r.below(8) as u32, &rate, &scaling);
        let out = go(&text);
        let s = out.summary.services["web"]
            .scaling
            .clone()
            .expect("scaling");
        outs += s.scale_outs;
        ins += s.scale_ins;
        // Within the bounds once the target is registered (the scheduled action may widen them).
        let hi = out.summary.services["web"]
            .scaling
            .as_ref()
            .unwrap()
            .max_capacity_end
            .max(max);
        for (&t, &d) in out
            .timeseries
            .t_s
            .iter()
            .zip(&out.timeseries.service_tasks[0].desired)
        {
            assert!(
                d <= hi && d >= min.min(s.min_capacity_end),
                "scenario {i} at {t} s: desired {d}\n{text}"
            );
        }
    }
    assert!(outs > 15 && ins > 5, "{outs} scale-outs, {ins} scale-ins");
}
