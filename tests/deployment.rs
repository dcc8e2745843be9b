//! Rolling deployments: within minimumHealthyPercent and maximumPercent, with the defaults no
//! request fails; with a minimum of 0 on one task the service has no target for a while.

use ecsim_core::log::LogKind;
use ecsim_core::Scenario;
use ecsim_tests::run_text as go;

/// `tasks` tasks of web:1 behind an ALB at 50 req/s, on three m5.large; at 5 minutes an action
/// deploys web:2 (a new image). `config` is the service's deploymentConfiguration, if any.
fn scenario(tasks: u32, config: &str) -> String {
    format!(
        r#"
name = "deploy"
duration = "20m"
sample_step = "5s"
[[instance_groups]]
name = "g"
instance_type = "m5.large"
count = 3
ecs_config = "ECS_CLUSTER=default"
[[task_definitions]]
family = "web"
revision = 1
containerDefinitions = [{{ name = "web", image = "web:1", cpu = 256, memory = 512, portMappings = [{{ containerPort = 8080, hostPort = 0 }}] }}]
[[task_definitions]]
family = "web"
revision = 2
containerDefinitions = [{{ name = "web", image = "web:2", cpu = 256, memory = 512, portMappings = [{{ containerPort = 8080, hostPort = 0 }}] }}]
[[services]]
serviceName = "web"
taskDefinition = "web:1"
desiredCount = {tasks}
startAt = "60s"
{config}
[[traffic]]
service = "web"
start = "3m"
rate = {{ profile = "constant", rps = 50 }}
work = {{ dist = "exponential", mean = "10ms" }}
deregistration_delay = "30s"
[[actions]]
at = "5m"
service = "web"
task_definition = "web:2"
"#
    )
}

#[test]
fn with_the_defaults_a_deployment_drops_no_request() {
    let out = go(&scenario(4, ""));
    let s = &out.summary.services["web"];
    assert_eq!(s.deployments.len(), 1, "{:?}", s.deployments);
    let d = &s.deployments[0];
    assert_eq!((d.from.as_str(), d.to.as_str()), ("web:1", "web:2"));
    assert_eq!(d.started_s, 300.0);
    let took = d.duration_s.expect("completed");
    // New tasks pull, start and pass a health check (~30–60 s), then the old ones go.
    assert!((20.0..=300.0).contains(&took), "took {took} s");
    assert_eq!(d.failed_requests, 0, "{d:?}");
    assert!(d.min_healthy_targets >= 4, "{d:?}");
    assert_eq!(s.requests.failed, 0);
    assert_eq!(s.tasks.running_end, 4);
    // Every task running at the end is of the new revision: 8 started in all.
    assert_eq!(s.tasks.started, 8);
    let log: Vec<&str> = out
        .log
        .entries
        .iter()
        .filter(|e| e.kind == LogKind::Deployment)
        .map(|e| e.message.as_str())
        .collect();
    assert!(
        log.iter().any(|m| m.contains("deployment complete")),
        "{log:?}"
    );
    // Never more than 200 % of the desired count live.
    let running = &out.timeseries.service_tasks[0].running;
    assert!(running.iter().all(|&n| n <= 8), "{running:?}");
}

#[test]
fn with_no_minimum_on_one_task_requests_fail() {
    let unsafe_config =
        "deploymentConfiguration = { minimumHealthyPercent = 0, maximumPercent = 100 }";
    let out = go(&scenario(1, unsafe_config));
    let d = out.summary.services["web"].deployments[0].clone();
    assert_eq!(d.min_healthy_targets, 0, "{d:?}");
    assert!(d.failed_requests > 100, "{d:?}");
    assert!(d.duration_s.is_some(), "{d:?}");
    // The same single task with the defaults: nothing fails.
    let out = go(&scenario(1, ""));
    let d = &out.summary.services["web"].deployments[0];
    assert_eq!((d.failed_requests, d.min_healthy_targets), (0, 1), "{d:?}");
}

#[test]
fn the_maximum_caps_the_live_tasks_and_the_minimum_keeps_targets() {
    // 50 % / 100 %: two old tasks go first, two new ones take their place, then the rest.
    let config = "deploymentConfiguration = { minimumHealthyPercent = 50, maximumPercent = 100 }";
    let out = go(&scenario(4, config));
    let d = out.summary.services["web"].deployments[0].clone();
    assert!(d.duration_s.is_some(), "{d:?}");
    assert!(d.min_healthy_targets >= 2, "{d:?}");
    let running = &out.timeseries.service_tasks[0].running;
    assert!(running.iter().all(|&n| n <= 4), "{running:?}");
    assert_eq!(out.summary.services["web"].tasks.running_end, 4);
}

#[test]
fn deployment_errors_name_their_field() {
    let text =
        scenario(2, "").replace("task_definition = \"web:2\"", "task_definition = \"web:9\"");
    let e = Scenario::parse(&text, "d.toml").expect_err("no web:9");
    assert_eq!(
        e.field.as_deref(),
        Some("actions[0].task_definition"),
        "{e}"
    );
    assert!(e.message.contains("web:1, web:2"), "{e}");
    let text = scenario(2, "deploymentConfiguration = { maximumPercent = 250 }");
    let e = Scenario::parse(&text, "d.toml").expect_err("250 %");
    assert_eq!(
        e.field.as_deref(),
        Some("services[0].deploymentConfiguration.maximumPercent"),
        "{e}"
    );
}

/// The same service deploying web:3, whose image is in a private registry the agent has no
/// credentials for: every new task fails to start.
fn broken(breaker: &str) -> String {
    scenario(4, &format!("deploymentConfiguration = {{ deploymentCircuitBreaker = {breaker} }}"))
        .replace("task_definition = \"web:2\"", "task_definition = \"web:3\"")
        .replace(
            "sample_step = \"5s\"",
            "sample_step = \"5s\"\nprivate_registries = [\"registry.example.com\"]",
        )
        .replace(
            "[[services]]",
            "[[task_definitions]]\nfamily = \"web\"\nrevision = 3\ncontainerDefinitions = [{ name = \"web\", image = \"registry.example.com/web:3\", cpu = 256, memory = 512, portMappings = [{ containerPort = 8080, hostPort = 0 }] }]\n[[services]]",
        )
}

#[test]
fn the_circuit_breaker_fails_a_broken_deployment_and_rolls_back() {
    let out = go(&broken("{ enable = true, rollback = true }"));
    let s = &out.summary.services["web"];
    assert_eq!(s.deployments.len(), 2, "{:#?}", s.deployments);
    let (failed, back) = (&s.deployments[0], &s.deployments[1]);
    assert_eq!(
        (failed.state.as_str(), failed.to.as_str()),
        ("FAILED", "web:3")
    );
    // clamp(0.5 × 4, 3, 200) = 3 failed tasks trip it.
    assert_eq!(failed.failed_tasks, 3, "{failed:?}");
    assert!(
        back.rollback && back.to == "web:1" && back.state == "COMPLETED",
        "{back:?}"
    );
    assert_eq!(s.tasks.running_end, 4);
    assert_eq!(s.requests.failed, 0, "the old tasks served throughout");
    assert!(out
        .log
        .entries
        .iter()
        .any(|e| e.message.contains("circuit breaker tripped")));
}

#[test]
fn without_rollback_the_failed_deployment_stops_launching_and_without_the_breaker_it_retries() {
    let out = go(&broken("{ enable = true, rollback = false }"));
    let s = &out.summary.services["web"];
    assert_eq!(s.deployments.len(), 2, "{:#?}", s.deployments);
    assert_eq!(s.deployments[0].state, "FAILED");
    // The open one at the end is the same failed deployment: no task started after the trip.
    assert_eq!(s.deployments[1].state, "FAILED");
    // The four started at once all failed (the breaker tripped at the third); none after.
    assert_eq!(s.tasks.failed, 4, "{:?}", s.tasks);
    assert_eq!(s.tasks.running_end, 4, "the old tasks keep running");

    let out = go(&broken("{ enable = false }"));
    let s = &out.summary.services["web"];
    assert_eq!(s.deployments.len(), 1, "{:#?}", s.deployments);
    assert_eq!(s.deployments[0].state, "IN_PROGRESS");
    assert!(s.deployments[0].failed_tasks > 3, "{:?}", s.deployments[0]);
    assert_eq!(s.tasks.running_end, 4);
}

/// A scale-in during a deployment stops the new tasks beyond the desired count, waiting ones
/// first (found by the fresh-seed random scenarios: a service replacing a DRAINING instance's
/// tasks kept 22 waiting tasks after its desired count fell to 6).
#[test]
fn a_scale_in_during_a_deployment_stops_the_surplus_new_tasks() {
    // One m5.large holds 2 tasks of 1024 units: of 8 wanted, 6 wait. At 5 minutes web:2 is
    // deployed (its tasks wait too), at 6 minutes the desired count falls to 1.
    let text = r#"
name = "deploy-scale-in"
duration = "8m"
[[instance_groups]]
name = "g"
instance_type = "m5.large"
count = 1
[[task_definitions]]
family = "web"
revision = 1
containerDefinitions = [{ name = "web", image = "web:1", cpu = 1024, memory = 512 }]
[[task_definitions]]
family = "web"
revision = 2
containerDefinitions = [{ name = "web", image = "web:2", cpu = 1024, memory = 512 }]
[[services]]
serviceName = "web"
taskDefinition = "web:1"
desiredCount = 8
startAt = "60s"
[[actions]]
at = "5m"
service = "web"
task_definition = "web:2"
[[actions]]
at = "6m"
service = "web"
desired_count = 1
"#;
    let out = go(text);
    let k = &out.summary.services["web"].tasks;
    assert_eq!(k.desired, 1);
    // maximumPercent 200 of 1: at most 2 live, and none of them waiting beyond the one wanted.
    assert!(
        k.running_end + k.pending_end <= 2,
        "{k:?}: the surplus new tasks still wait"
    );
    assert!(k.pending_end <= 1, "{k:?}");
}

/// Found by the property tests: a deployment whose old tasks never started (here no instance
/// has room for them) stops them at once, and at its maximum (1 task at 150 % of 1) must still
/// start the new revision's task then — no later `task_exited` would.
#[test]
fn old_tasks_that_never_started_are_replaced_at_once() {
    let text = scenario(
        1,
        "deploymentConfiguration = { minimumHealthyPercent = 0, maximumPercent = 150 }",
    )
    .replace("cpu = 256, memory = 512", "cpu = 4096, memory = 512");
    let out = go(&text);
    let s = &out.summary.services["web"];
    assert_eq!(
        (s.tasks.pending_end, s.tasks.running_end),
        (1, 0),
        "the new task waits for room: {:?}",
        s.tasks
    );
    let last = out
        .log
        .entries
        .iter()
        .rev()
        .find(|e| e.kind == LogKind::TaskUnplaced)
        .expect("the new task could not be placed");
    assert!(last.message.contains("web:"), "{}", last.message);
    assert!(last.t_s >= 300.0, "placed after the deployment: {last:?}");
}

/// Issue 15, departure 5: with no load balancer (and no container health check), a new task
/// counts towards minimumHealthyPercent only 40 s after RUNNING (docs/ecs-facts.md §12), so an
/// old task is stopped no sooner; `model.no_health_check_wait` sets the wait.
#[test]
fn without_a_load_balancer_new_tasks_count_40_s_after_running() {
    let no_lb = |model: &str| {
        let text = scenario(4, "");
        let text = text[..text.find("[[traffic]]").unwrap()].to_string()
            + &text[text.find("[[actions]]").unwrap()..]
            + model;
        go(&text)
    };
    // The gap between the first new task RUNNING and the first old task stopping.
    let gap = |out: &ecsim_core::RunOutput| {
        let d = &out.summary.services["web"].deployments[0];
        assert!(d.duration_s.is_some(), "{d:?}");
        ecsim_tests::deployment_gap(out, 300.0)
    };
    let waited = gap(&no_lb(""));
    assert!(
        waited >= 40.0,
        "an old task stopped {waited:.1} s after the first new one ran"
    );
    let at_once = gap(&no_lb("[model]\nno_health_check_wait = \"0s\"\n"));
    assert!(at_once < 10.0, "without the wait: {at_once:.1} s");
    let with = no_lb("");
    let without = no_lb("[model]\nno_health_check_wait = \"0s\"\n");
    let took =
        |o: &ecsim_core::RunOutput| o.summary.services["web"].deployments[0].duration_s.unwrap();
    assert!(
        took(&with) >= took(&without) + 40.0,
        "{} vs {}",
        took(&with),
        took(&without)
    );
}
