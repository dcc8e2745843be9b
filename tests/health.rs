//! Load balancer health beyond the first check: an application slower to answer than the
//! unhealthy threshold is replaced again and again unless the service's health check grace
//! period covers its warm-up; a task whose application hangs is replaced once the ALB marks it
//! unhealthy, and the requests sent to it meanwhile fail.

use ecsim_tests::run_text as go;

/// Two tasks behind an ALB (checks every 30 s, unhealthy after 2 failures, healthy after 5
/// passes once unhealthy); the application answers `warmup` after it starts; `extra` more
/// service keys; `faults` appended.
fn scenario(warmup: &str, extra: &str, faults: &str) -> String {
    format!(
        r#"
name = "health"
seed = 4
duration = "20m"
sample_step = "10s"
[[instance_groups]]
name = "hosts"
instance_type = "m5.large"
count = 2
ecs_config = "ECS_CLUSTER=default"
[[task_definitions]]
family = "web"
containerDefinitions = [{{ name = "web", image = "web:1", cpu = 256, memory = 512, portMappings = [{{ containerPort = 8080, hostPort = 0 }}] }}]
[[services]]
serviceName = "web"
taskDefinition = "web"
desiredCount = 2
startAt = "60s"
{extra}
[[traffic]]
service = "web"
start = "3m"
rate = {{ profile = "constant", rps = 20 }}
work = {{ dist = "exponential", mean = "10ms" }}
health_check = {{ app_warmup = "{warmup}" }}
deregistration_delay = "10s"
{faults}
"#
    )
}

#[test]
fn a_slow_application_is_replaced_until_the_grace_period_covers_it() {
    // 90 s of warm-up: the checks at 30 s and 60 s fail, the target is unhealthy at 60 s, and
    // without a grace period ECS replaces the task — every time.
    let out = go(&scenario("90s", "", ""));
    let web = &out.summary.services["web"];
    assert!(web.tasks.failed_health_checks >= 10, "{:?}", web.tasks);
    assert_eq!(web.requests.served, 0, "no target ever healthy");
    let stopped = out
        .tasks
        .iter()
        .find(|t| t.stopped_s.is_some())
        .expect("a task replaced");
    let reason = stopped.stopped_reason.as_deref().unwrap_or_default();
    assert!(reason.contains("failed ELB health checks"), "{reason}");
    assert!(
        (stopped.stopped_s.unwrap() - stopped.running_s.unwrap() - 60.0).abs() < 5.0,
        "replaced 60 s (plus the stop) after it started: {stopped:?}"
    );

    // A grace period of 120 s is not enough: once unhealthy, the target needs 5 passing checks
    // (from 90 s: healthy at 210 s), and at 120 s ECS finds it still unhealthy.
    let out = go(&scenario("90s", "healthCheckGracePeriodSeconds = 120", ""));
    assert!(out.summary.services["web"].tasks.failed_health_checks >= 5);

    // 240 s covers it: each task is healthy 210 s after it started, and stays.
    let out = go(&scenario("90s", "healthCheckGracePeriodSeconds = 240", ""));
    let web = &out.summary.services["web"];
    assert_eq!(web.tasks.failed_health_checks, 0, "{:?}", web.tasks);
    assert_eq!(web.tasks.started, 2);
    for t in &out.tasks {
        let took = t.healthy_s.expect("healthy") - t.running_s.expect("ran");
        assert!(
            (took - 210.0).abs() < 1e-6,
            "{}: healthy after {took}",
            t.task
        );
    }
    assert!(web.requests.served > 0);

    // Fast enough (20 s: the first check passes), no grace needed.
    let out = go(&scenario("20s", "", ""));
    assert_eq!(out.summary.services["web"].tasks.failed_health_checks, 0);
}

#[test]
fn a_hung_application_fails_requests_until_its_target_is_unhealthy_then_is_replaced() {
    let fault = "[[faults]]\nkind = \"health_check_failure\"\nservice = \"web\"\nat = \"8m\"\n";
    let out = go(&scenario("0s", "", fault));
    let web = &out.summary.services["web"];
    assert_eq!(web.tasks.failed_health_checks, 1, "{:?}", web.tasks);
    assert_eq!(web.tasks.started, 3, "one replacement");
    assert_eq!(web.tasks.running_end, 2);
    // Half the traffic (round robin over two targets) for 60 s went to the hung one.
    let lost = web.requests.failed_by_reason["target_unhealthy"];
    assert!(
        (400..=800).contains(&lost),
        "{lost} requests to the hung target"
    );
    let hung = out
        .tasks
        .iter()
        .find(|t| t.stopped_s.is_some())
        .expect("the hung task stopped");
    assert!(
        (hung.stopped_s.unwrap() - 540.0).abs() < 15.0,
        "stopped at {:?}",
        hung.stopped_s
    );
    // Without the fault nothing fails.
    let out = go(&scenario("0s", "", ""));
    assert_eq!(out.summary.services["web"].requests.failed, 0);
}

#[test]
fn bad_health_settings_are_refused_with_their_field() {
    let bad = scenario("0s", "", "").replace(
        "health_check = { app_warmup = \"0s\" }",
        "health_check = { unhealthy_threshold = 1 }",
    );
    let e = ecsim_core::Scenario::parse(&bad, "t.toml").expect_err("threshold 1");
    assert!(e.to_string().contains("unhealthy_threshold"), "{e}");
    let bad = scenario(
        "0s",
        "",
        "[[faults]]\nkind = \"health_check_failure\"\nservice = \"api\"\nat = \"8m\"\n",
    );
    let e = ecsim_core::Scenario::parse(&bad, "t.toml").expect_err("no such service");
    assert!(e.to_string().contains("faults[0].service"), "{e}");
}

/// Issue 15, departure 6: with every registered target unhealthy, the ALB routes to them all
/// ("fails open", docs/ecs-facts.md §12). Both targets are unhealthy from 60 s after their tasks
/// start (the application needs longer), the grace period keeps the tasks, and traffic starts at
/// 3 minutes: the requests go to the unhealthy targets, fail while the application is not up,
/// and are served once it is, long before the targets turn healthy.
#[test]
fn with_every_target_unhealthy_the_load_balancer_fails_open() {
    for (warmup, grace) in [(90.0, 240), (120.0, 300)] {
        let out = go(&scenario(
            &format!("{warmup}s"),
            &format!("healthCheckGracePeriodSeconds = {grace}"),
            "",
        ));
        let web = &out.summary.services["web"];
        let by = |r: &str| web.requests.failed_by_reason.get(r).copied().unwrap_or(0);
        assert_eq!(by("no_target"), 0, "{:?}", web.requests.failed_by_reason);
        assert_eq!(web.requests.failed, by("target_unhealthy"));
        let up = |f: fn(f64, f64) -> f64, from| {
            out.tasks
                .iter()
                .map(|t| t.running_s.unwrap() + warmup)
                .fold(from, f)
        };
        let (first_up, last_up) = (up(f64::min, f64::INFINITY), up(f64::max, 0.0));
        let healthy = out
            .tasks
            .iter()
            .map(|t| t.healthy_s.unwrap())
            .fold(f64::INFINITY, f64::min);
        assert!(
            healthy - last_up > 100.0,
            "up at {last_up}, healthy at {healthy}"
        );
        // Requests fail only while an application is not up: none once both are (90 s), some
        // between 3 minutes and the first one up (120 s), at 20 per second.
        let failed = web.requests.failed as f64;
        if last_up < 180.0 {
            assert_eq!(failed, 0.0, "warm-up {warmup}");
        } else {
            let most = (last_up - 180.0) * 20.0 * 1.2;
            let least = (first_up - 180.0).max(0.0) * 20.0 * 0.8;
            assert!(
                (least..=most).contains(&failed),
                "{failed} failed, {least}..={most} expected"
            );
            assert!(failed > 0.0);
        }
    }
}
