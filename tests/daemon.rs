//! DAEMON services (issue 15): one task on each ACTIVE instance that meets the constraints, the
//! first task on a new instance and the last off a draining one, and the fields ECS refuses
//! with it (docs/ecs-facts.md §12 "DAEMON scheduling strategy").

use ecsim_core::Scenario;
use ecsim_tests::run_text as go;

/// A replica service `web` (1 vCPU tasks, `desired` of them) and a daemon `agent` (0.5 vCPU) on
/// group `g` (m5.large, 2 vCPU); the daemon is created at 60 s, the replicas at 90 s; `rest`
/// adds groups, settings and faults.
fn cluster(desired: u32, agent: &str, rest: &str) -> String {
    format!(
        r#"
name = "daemon"
duration = "12m"
sample_step = "5s"
[model]
scheduler_delay = {{ dist = "constant", value = "0s" }}
[[instance_groups]]
name = "g"
instance_type = "m5.large"
count = 2
ecs_config = """
ECS_CLUSTER=default
ECS_ENABLE_SPOT_INSTANCE_DRAINING=true
"""
{rest}
[[task_definitions]]
family = "web"
containerDefinitions = [{{ name = "web", image = "web:1", cpu = 1024, memory = 512 }}]
[[task_definitions]]
family = "agent"
containerDefinitions = [{{ name = "agent", image = "agent:1", cpu = 512, memory = 256 }}]
[[services]]
serviceName = "web"
taskDefinition = "web"
desiredCount = {desired}
startAt = "90s"
[[services]]
serviceName = "agent"
taskDefinition = "agent"
schedulingStrategy = "DAEMON"
startAt = "60s"
{agent}
"#
    )
}

/// The agent's desired and running counts, and its tasks on `host`.
fn agents(out: &ecsim_core::RunOutput, host: &str) -> (u32, u32, Option<u32>) {
    let a = &out.summary.services["agent"];
    (
        a.tasks.desired,
        a.tasks.running_end,
        a.tasks_per_instance.get(host).copied(),
    )
}

#[test]
fn a_daemon_runs_one_task_on_each_instance() {
    let out = go(&cluster(2, "", ""));
    let a = &out.summary.services["agent"];
    assert_eq!(
        (a.tasks.desired, a.tasks.running_end),
        (2, 2),
        "{:?}",
        a.tasks
    );
    assert_eq!(a.tasks_per_instance.len(), 2, "{:?}", a.tasks_per_instance);
    assert!(a.tasks_per_instance.values().all(|&n| n == 1));
}

/// A new instance takes its daemon task before the replica tasks waiting for room: with 4 of 6
/// web tasks waiting, the instance that registers at 5 minutes still gets its agent, then one
/// web task in the 1.5 vCPU left.
#[test]
fn a_new_instance_gets_its_daemon_task_before_waiting_replicas() {
    let late = "[[instance_groups]]\nname = \"late\"\ninstance_type = \"m5.large\"\ncount = 1\nlaunch_at = \"5m\"\necs_config = \"ECS_CLUSTER=default\"\n";
    let out = go(&cluster(6, "", late));
    assert_eq!(agents(&out, "i-03"), (3, 3, Some(1)));
    let w = &out.summary.services["web"];
    // One web task on each of the first two (an agent and a web task fill 1.5 of 2 vCPU) and on
    // the late one: three run, three wait.
    assert_eq!(w.tasks.running_end, 3, "{:?}", w.tasks);
    assert_eq!(
        w.tasks_per_instance.get("i-03"),
        Some(&1),
        "{:?}",
        w.tasks_per_instance
    );
}

/// The daemon follows the constraints: only the instances that meet them run it.
#[test]
fn a_daemon_runs_only_where_its_constraints_hold() {
    let other = "[[instance_groups]]\nname = \"big\"\ninstance_type = \"m5.xlarge\"\ncount = 1\necs_config = \"ECS_CLUSTER=default\"\n";
    let out = go(&cluster(
        1,
        "placementConstraints = [{ type = \"memberOf\", expression = \"attribute:ecs.instance-type == m5.xlarge\" }]",
        other,
    ));
    assert_eq!(agents(&out, "i-03"), (1, 1, Some(1)));
}

/// On a draining instance (a Spot notice with the agent's draining on) the replica tasks are
/// replaced elsewhere and stop; the daemon task there stops last, and none starts elsewhere for it.
#[test]
fn on_a_draining_instance_the_daemon_task_stops_last() {
    let out = go(&cluster(2, "", "").replace(
        "ECS_ENABLE_SPOT_INSTANCE_DRAINING=true\n\"\"\"\n",
        "ECS_ENABLE_SPOT_INSTANCE_DRAINING=true\n\"\"\"\nspot_interruptions = [\"5m\"]\n",
    ));
    let on_drained = |service: &str| -> Vec<f64> {
        out.tasks
            .iter()
            .filter(|t| t.service == service && t.host.as_deref() == Some("i-01"))
            .filter_map(|t| t.stopped_s)
            .collect()
    };
    let web = on_drained("web");
    let agent = on_drained("agent");
    assert!(!web.is_empty(), "a web task was on i-01");
    assert_eq!(agent.len(), 1, "{agent:?}");
    let last_web = web.iter().cloned().fold(0.0, f64::max);
    assert!(
        agent[0] >= last_web,
        "agent stopped at {} before web at {last_web}",
        agent[0]
    );
    let a = &out.summary.services["agent"];
    // i-01 was replaced by nothing (a fixed group): one agent is left, on i-02.
    assert_eq!(
        (a.tasks.started, a.tasks.running_end),
        (2, 1),
        "{:?}",
        a.tasks
    );
}

#[test]
fn daemon_errors_name_their_field() {
    let auto_scaling = "[[auto_scaling]]\nservice = \"agent\"\nmin_capacity = 1\nmax_capacity = 3\nscheduled = [{ at = \"2m\", min_capacity = 2, max_capacity = 3 }]\n";
    let action = "[[actions]]\nat = \"2m\"\nservice = \"agent\"\ndesired_count = 3\n";
    // (what the agent service adds, what the scenario adds, the field the error names)
    let cases = [
        (
            "placementStrategy = [{ type = \"binpack\", field = \"memory\" }]",
            "",
            "services[1].placementStrategy",
        ),
        (
            "launchType = \"FARGATE\"",
            "",
            "services[1].schedulingStrategy",
        ),
        (
            "deploymentConfiguration = { maximumPercent = 200 }",
            "",
            "services[1].deploymentConfiguration.maximumPercent",
        ),
        ("", auto_scaling, "auto_scaling[0].service"),
        ("", action, "actions[0].desired_count"),
    ];
    for (agent, rest, field) in cases {
        let e = Scenario::parse(&(cluster(1, agent, "") + rest), "d.toml").expect_err(field);
        assert_eq!(e.field.as_deref(), Some(field), "{e}");
    }
    let e = Scenario::parse(
        &cluster(1, "", "").replace("\"DAEMON\"", "\"DAEMONS\""),
        "d.toml",
    )
    .expect_err("an unknown strategy");
    assert!(e.to_string().contains("schedulingStrategy"), "{e}");
}
