//! Container health checks (issue 15, behaviours to add): a task definition's `healthCheck` run
//! by Docker's rules against an application that answers only after its warm-up; an UNHEALTHY
//! service task is replaced unless the grace period covers it; a deployment counts a task once
//! HEALTHY, not 40 s after RUNNING; a failing check trips the circuit breaker; a hang makes a
//! HEALTHY task UNHEALTHY (docs/ecs-facts.md §12 "Container health checks").

use ecsim_core::task::TaskHealth;
use ecsim_core::{RunOutput, Scenario};
use ecsim_tests::{deployment_gap, run_text as go};

/// One worker service of two tasks on two m5.large, no load balancer; its container's health
/// check is `check` (inside `healthCheck = { … }`), its application answers `warmup` after the
/// container starts; `service` and `rest` are more service keys and more sections.
fn scenario(check: &str, warmup: &str, service: &str, rest: &str) -> String {
    format!(
        r#"
name = "container-health"
seed = 3
duration = "15m"
sample_step = "10s"
[[instance_groups]]
name = "hosts"
instance_type = "m5.large"
count = 2
ecs_config = "ECS_CLUSTER=default"
[[task_definitions]]
family = "worker"
containerDefinitions = [{{ name = "worker", image = "worker:1", cpu = 256, memory = 512, healthCheck = {{ command = ["CMD-SHELL", "curl -f localhost/health"], {check} }} }}]
[[applications]]
task_definition = "worker"
warmup = "{warmup}"
[[services]]
serviceName = "worker"
taskDefinition = "worker:1"
desiredCount = 2
startAt = "60s"
{service}
{rest}
"#
    )
}

fn worker(out: &RunOutput) -> &ecsim_core::metrics::ServiceSummary {
    &out.summary.services["worker"]
}

#[test]
fn without_a_start_period_a_slow_application_is_killed_every_time() {
    // Checks every 10 s, 3 retries: UNHEALTHY at 30 s, 60 s before the application answers.
    let out = go(&scenario("interval = 10, retries = 3", "90s", "", ""));
    let w = worker(&out);
    assert!(
        w.tasks.failed_container_health_checks >= 20,
        "{:?}",
        w.tasks
    );
    let stopped: Vec<_> = out.tasks.iter().filter(|t| t.stopped_s.is_some()).collect();
    assert!(!stopped.is_empty());
    for t in &stopped {
        assert_eq!(
            t.stopped_reason.as_deref(),
            Some("Task failed container health checks")
        );
        let lived = t.stopped_s.unwrap() - t.running_s.unwrap();
        // UNHEALTHY at 30 s; then the graceful stop (SIGTERM, exit within a few seconds).
        assert!((30.0..40.0).contains(&lived), "lived {lived:.1} s");
        assert_eq!(t.health_status, TaskHealth::Unhealthy);
    }
    assert!(
        out.tasks.iter().all(|t| t.healthy_s.is_none()),
        "none HEALTHY"
    );
}

#[test]
fn a_start_period_covering_the_warm_up_makes_it_healthy_at_its_first_passing_check() {
    let out = go(&scenario(
        "interval = 10, retries = 3, startPeriod = 120",
        "90s",
        "",
        "",
    ));
    let w = worker(&out);
    assert_eq!(w.tasks.failed_container_health_checks, 0);
    assert_eq!((w.tasks.started, w.tasks.running_end), (2, 2));
    for t in &out.tasks {
        let health = t.healthy_s.unwrap() - t.running_s.unwrap();
        assert!(
            (health - 90.0).abs() < 1e-6,
            "HEALTHY {health} s after RUNNING"
        );
        assert_eq!(t.health_status, TaskHealth::Healthy);
    }
    // A start period too short by one check: the checks at 60, 70 and 80 s count.
    let out = go(&scenario(
        "interval = 10, retries = 3, startPeriod = 60",
        "90s",
        "",
        "",
    ));
    assert!(worker(&out).tasks.failed_container_health_checks > 0);
}

#[test]
fn the_grace_period_lets_an_unhealthy_container_become_healthy() {
    let out = go(&scenario(
        "interval = 10, retries = 3",
        "90s",
        "healthCheckGracePeriodSeconds = 120",
        "",
    ));
    let w = worker(&out);
    assert_eq!(w.tasks.failed_container_health_checks, 0, "{:?}", w.tasks);
    assert!(out.tasks.iter().all(|t| t.healthy_s.is_some()));
    assert!(out.log.entries.iter().any(|e| e
        .message
        .contains("ECS ignores it until the health check grace period ends")));
    // A grace period that ends before the application answers does not save it.
    let out = go(&scenario(
        "interval = 10, retries = 3",
        "90s",
        "healthCheckGracePeriodSeconds = 60",
        "",
    ));
    assert!(worker(&out).tasks.failed_container_health_checks >= 10);
}

const DEPLOY: &str = r#"
[[task_definitions]]
family = "worker"
revision = 2
containerDefinitions = [{ name = "worker", image = "worker:2", cpu = 256, memory = 512, healthCheck = { command = ["CMD", "/bin/check"], interval = 10, retries = 3, startPeriod = 300 } }]
[[actions]]
at = "5m"
service = "worker"
task_definition = "worker:2"
"#;

#[test]
fn a_deployment_counts_a_task_once_its_containers_are_healthy() {
    // The application entry names the family: worker:2 answers after 90 s too.
    let out = go(&scenario(
        "interval = 10, retries = 3, startPeriod = 300",
        "90s",
        "",
        DEPLOY,
    ));
    let d = &worker(&out).deployments[0];
    assert_eq!(d.state, "COMPLETED", "{d:?}");
    let gap = deployment_gap(&out, 300.0);
    assert!(
        (90.0..100.0).contains(&gap),
        "an old task stopped {gap:.1} s after the first new one ran: HEALTHY at 90 s, not 40 s"
    );
    // A quick application: HEALTHY at the first check, 10 s, sooner than the 40 s wait.
    let out = go(&scenario(
        "interval = 10, retries = 3, startPeriod = 300",
        "0s",
        "",
        DEPLOY,
    ));
    let gap = deployment_gap(&out, 300.0);
    assert!((10.0..20.0).contains(&gap), "{gap:.1} s");
}

#[test]
fn a_revision_whose_checks_fail_trips_the_circuit_breaker() {
    // worker:2 answers only after 10 minutes (its own entry overrides the family's) and has no
    // start period: each of its tasks is UNHEALTHY at 30 s, a stage-two failure.
    let deploy = DEPLOY.replace("startPeriod = 300", "startPeriod = 0")
        + "[[applications]]\ntask_definition = \"worker:2\"\nwarmup = \"10m\"\n";
    let out = go(&scenario(
        "interval = 10, retries = 3, startPeriod = 300",
        "0s",
        "deploymentConfiguration = { deploymentCircuitBreaker = { enable = true, rollback = true } }",
        &deploy,
    ));
    let w = worker(&out);
    let (failed, back) = (&w.deployments[0], &w.deployments[1]);
    assert_eq!(
        (failed.state.as_str(), failed.to.as_str()),
        ("FAILED", "worker:2")
    );
    assert_eq!(failed.failed_tasks, 3, "clamp(0.5 × 2, 3, 200)");
    assert!(back.rollback && back.state == "COMPLETED", "{back:?}");
    assert_eq!(w.tasks.running_end, 2);
    assert_eq!(w.tasks.failed_container_health_checks, 3);
    // The task that tripped it was stopped once, gracefully: SIGTERM, then STOPPED.
    let started_before = |e: &&ecsim_core::log::LogEntry| e.message.contains("before it started");
    assert!(
        !out.log.entries.iter().any(|e| started_before(&e)),
        "a RUNNING task stopped as if it had never started"
    );
}

#[test]
fn behind_a_load_balancer_the_target_and_the_containers_must_both_be_healthy() {
    // The ALB's checks (every 60 s) fail once and pass at 120 s, the first after the application
    // answers (90 s): one failure is not enough to mark the target unhealthy. The container
    // checks (every 10 s, no start period) call it UNHEALTHY at 30 s. A grace period of 60 s
    // ends before either is healthy: ECS replaces the task for its containers, not for a target
    // still in its first checks.
    let alb = "[[traffic]]\nservice = \"worker\"\nstart = \"5m\"\nrate = { profile = \"constant\", rps = 5 }\n\
               work = { dist = \"exponential\", mean = \"10ms\" }\nderegistration_delay = \"5s\"\n\
               health_check = { interval = \"60s\" }\n";
    let behind_alb = |check: &str, service: &str| {
        go(&scenario(check, "90s", service, alb).replace(
            "cpu = 256, memory = 512,",
            "cpu = 256, memory = 512, portMappings = [{ containerPort = 8080 }],",
        ))
    };
    let out = behind_alb(
        "interval = 10, retries = 3",
        "healthCheckGracePeriodSeconds = 60",
    );
    let w = worker(&out);
    assert!(w.tasks.failed_container_health_checks > 0, "{:?}", w.tasks);
    assert_eq!(w.tasks.failed_health_checks, 0, "{:?}", w.tasks);
    // With a start period the containers are HEALTHY at 90 s, the target soon after: both count.
    let out = behind_alb("interval = 10, retries = 3, startPeriod = 120", "");
    let w = worker(&out);
    assert_eq!(
        (
            w.tasks.failed_container_health_checks,
            w.tasks.failed_health_checks
        ),
        (0, 0)
    );
    assert!(
        w.requests.served > 0 && w.requests.failed == 0,
        "{:?}",
        w.requests
    );
}

#[test]
fn a_hang_makes_a_healthy_task_unhealthy_and_it_is_replaced() {
    // Default checks (30 s interval, 5 s timeout, 3 retries): a hang at 5 min makes the task
    // UNHEALTHY 3 × 35 s = 105 s later.
    let out = go(&scenario(
        "startPeriod = 60",
        "0s",
        "",
        "[[faults]]\nkind = \"health_check_failure\"\nservice = \"worker\"\nat = \"5m\"\n",
    ));
    let w = worker(&out);
    assert_eq!(w.tasks.failed_container_health_checks, 1, "{:?}", w.tasks);
    let hung = out.tasks.iter().find(|t| t.stopped_s.is_some()).unwrap();
    assert!(
        (405.0..412.0).contains(&hung.stopped_s.unwrap()),
        "{:?}",
        hung.stopped_s
    );
    assert_eq!(w.tasks.running_end, 2, "its replacement runs");
}

#[test]
fn health_check_fields_are_checked_and_no_longer_ignored() {
    let parse = |text: &str| Scenario::parse(text, "t.toml");
    let e = parse(&scenario("interval = 3", "0s", "", "")).unwrap_err();
    assert_eq!(
        e.field.as_deref(),
        Some("task_definitions[0].containerDefinitions[0].healthCheck.interval")
    );
    let e = parse(
        &scenario("retries = 3", "0s", "", "")
            .replace("task_definition = \"worker\"", "task_definition = \"api\""),
    )
    .unwrap_err();
    assert_eq!(e.field.as_deref(), Some("applications[0].task_definition"));
    let text = scenario("retries = 3", "0s", "", "")
        + "[[applications]]\ntask_definition = \"worker\"\ncontainer = \"sidecar\"\n";
    let e = parse(&text).unwrap_err();
    assert_eq!(e.field.as_deref(), Some("applications[1].container"));
    assert!(
        e.to_string().contains("has no container \"sidecar\""),
        "{e}"
    );
    let sc = parse(&scenario("retries = 3", "0s", "", "")).unwrap();
    assert!(
        sc.spec.task_definitions[0].container_definitions[0]
            .ignored
            .is_empty(),
        "healthCheck is modelled"
    );
}
