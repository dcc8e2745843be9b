//! Memory used, not only reserved (issue 15, behaviours to add): an application's baseline, its
//! memory per request held and its leak; a container over its hard limit, or a task over its
//! task-level memory, killed out of memory (exit code 137) and replaced; a soft limit borrowing
//! the instance's free memory until the instance runs out; memory utilization in the series, the
//! summary and target tracking (docs/ecs-facts.md §12 "Memory used and OutOfMemoryError").

use ecsim_core::task::StopCode;
use ecsim_core::{RunOutput, Scenario};
use ecsim_tests::kit::lesson;
use ecsim_tests::run_text as go;

const OOM: &str = "OutOfMemoryError: Container killed due to memory usage";

/// One service of `desired` tasks with no traffic on `hosts` m5.large; `containers` is its
/// container list, `rest` more sections (its `[[applications]]`).
fn scenario(hosts: u32, desired: u32, taskdef: &str, containers: &str, rest: &str) -> String {
    format!(
        r#"
name = "memory"
seed = 2
duration = "4h"
sample_step = "10s"
[[instance_groups]]
name = "hosts"
instance_type = "m5.large"
count = {hosts}
ecs_config = "ECS_CLUSTER=default"
[[task_definitions]]
family = "app"
{taskdef}
containerDefinitions = [{containers}]
[[services]]
serviceName = "app"
taskDefinition = "app"
desiredCount = {desired}
startAt = "60s"
{rest}
"#
    )
}

/// `scenario` with one task on one instance.
fn one_task(taskdef: &str, containers: &str, rest: &str) -> RunOutput {
    go(&scenario(1, 1, taskdef, containers, rest))
}

fn app(out: &RunOutput) -> &ecsim_core::metrics::ServiceSummary {
    &out.summary.services["app"]
}

/// How long each task that stopped ran, in seconds.
fn lifetimes(out: &RunOutput) -> Vec<f64> {
    out.tasks
        .iter()
        .filter_map(|t| Some(t.stopped_s? - t.running_s?))
        .collect()
}

#[test]
fn a_leak_takes_a_container_to_its_hard_limit_at_the_predicted_time() {
    // 300 MiB, +120 MiB an hour, a 512 MiB hard limit: killed (512 − 300) / 120 h = 6,360 s
    // after RUNNING, and its replacement likewise.
    let out = one_task(
        "",
        r#"{ name = "api", image = "api:1", cpu = 256, memory = 512 }"#,
        "[[applications]]\ntask_definition = \"app\"\nmemory_baseline = 300\nmemory_growth_per_hour = 120\n",
    );
    let a = app(&out);
    assert_eq!(a.tasks.oom_killed, 2, "{:?}", a.tasks);
    for lived in lifetimes(&out) {
        assert!((lived - 6360.0).abs() < 0.01, "lived {lived} s");
    }
    let killed = out.tasks.iter().find(|t| t.stopped_s.is_some()).unwrap();
    // ECS's task reason; the container's is OutOfMemoryError, with exit code 137.
    assert_eq!(
        killed.stopped_reason.as_deref(),
        Some("Essential container in task exited")
    );
    assert_eq!(killed.stop_code, Some(StopCode::EssentialContainerExited));
    assert!(out.log.entries.iter().any(|e| e.message.contains(OOM)
        && e.message.contains("exit code 137")
        && e.message.contains("its hard limit of 512 MiB")));
    assert_eq!(a.tasks.running_end, 1, "replaced");
    // Memory used ÷ reserved: 300 / 512 = 58.6 % at the start, up to 100 % at the kill.
    let m = a.memory.as_ref().expect("modelled");
    assert!(m.used_pct.peak > 99.0 && m.used_pct.peak <= 100.0, "{m:?}");
}

#[test]
fn the_task_level_limit_caps_the_containers_together_and_kills_the_largest() {
    // Two essential containers of 400 MiB in a task of 1,024 MiB; the first leaks 100 MiB an
    // hour: the task is over its memory at (1024 − 800) / 100 h = 8,064 s.
    let out = one_task(
        "memory = \"1024\"",
        r#"{ name = "api", image = "api:1", cpu = 256 }, { name = "worker", image = "worker:1", cpu = 256 }"#,
        "[[applications]]\ntask_definition = \"app\"\ncontainer = \"api\"\nmemory_baseline = 400\nmemory_growth_per_hour = 100\n\
         [[applications]]\ntask_definition = \"app\"\ncontainer = \"worker\"\nmemory_baseline = 400\n",
    );
    assert_eq!(app(&out).tasks.oom_killed, 1);
    assert!(
        (lifetimes(&out)[0] - 8064.0).abs() < 0.01,
        "{:?}",
        lifetimes(&out)
    );
    let e = out
        .log
        .entries
        .iter()
        .find(|e| e.message.contains("exit code 137"))
        .unwrap();
    assert!(
        e.message.contains("container api") && e.message.contains("the task's 1024 MiB"),
        "{}",
        e.message
    );
}

#[test]
fn a_container_with_no_memory_model_counts_its_reservation_against_the_task() {
    // 1,024 MiB for the task: the api uses 400 MiB and leaks 100 an hour, the sidecar has no
    // memory model and counts as its 300 MiB: over the task's memory at (1024 − 700) / 100 h =
    // 11,664 s, at that very time (not at the next sample).
    let out = one_task(
        "memory = \"1024\"",
        r#"{ name = "api", image = "api:1", cpu = 256 }, { name = "sidecar", image = "s:1", cpu = 64, memoryReservation = 300 }"#,
        "[[applications]]\ntask_definition = \"app\"\ncontainer = \"api\"\nmemory_baseline = 400\nmemory_growth_per_hour = 100\n",
    );
    assert_eq!(app(&out).tasks.oom_killed, 1);
    assert!(
        (lifetimes(&out)[0] - 11664.0).abs() < 0.01,
        "{:?}",
        lifetimes(&out)
    );
}

#[test]
fn a_baseline_over_the_limit_is_killed_as_it_starts() {
    let out = one_task(
        "",
        r#"{ name = "api", image = "api:1", cpu = 256, memory = 256 }"#,
        "[[applications]]\ntask_definition = \"app\"\nmemory_baseline = 300\n",
    );
    let a = app(&out);
    assert!(a.tasks.oom_killed > 10, "{:?}", a.tasks);
    assert!(lifetimes(&out).iter().all(|&l| l == 0.0));
    // RUNNING first, then killed: the log says so in that order.
    let at = |what: &str| {
        out.log
            .entries
            .iter()
            .position(|e| e.task.as_deref() == Some("app:1") && e.message.contains(what))
            .unwrap_or_else(|| panic!("no {what:?} for app:1"))
    };
    assert!(at("RUNNING") < at("exit code 137"));
}

#[test]
fn a_non_essential_container_killed_leaves_the_task_running() {
    let out = one_task(
        "",
        r#"{ name = "api", image = "api:1", cpu = 256, memory = 512 }, { name = "agent", image = "agent:1", cpu = 64, memory = 128, essential = false }"#,
        "[[applications]]\ntask_definition = \"app\"\ncontainer = \"agent\"\nmemory_baseline = 100\nmemory_growth_per_hour = 100\n",
    );
    let a = app(&out);
    assert_eq!(
        (a.tasks.oom_killed, a.tasks.started),
        (0, 1),
        "{:?}",
        a.tasks
    );
    assert!(out
        .log
        .entries
        .iter()
        .any(|e| e.message.contains("container agent") && e.message.contains("not essential")));
}

#[test]
fn soft_limits_borrow_until_the_instance_runs_out() {
    // Two tasks reserving 512 MiB each on one m5.large (7,821 MiB), using 3,000 MiB and leaking
    // 1,000 MiB an hour: no hard limit stops them, but together they pass 7,821 MiB after
    // (7821 − 6000) / 2000 h ≈ 3,278 s, and the kernel kills one.
    let out = go(&scenario(
        1,
        2,
        "",
        r#"{ name = "api", image = "api:1", cpu = 256, memoryReservation = 512 }"#,
        "[[applications]]\ntask_definition = \"app\"\nmemory_baseline = 3000\nmemory_growth_per_hour = 1000\n",
    ));
    let a = app(&out);
    assert!(a.tasks.oom_killed >= 1, "{:?}", a.tasks);
    let first = lifetimes(&out).into_iter().fold(f64::INFINITY, f64::min);
    // Seen at the first sample after the crossing (every 10 s); the two started apart.
    assert!(
        (3270.0..3300.0).contains(&first),
        "first kill {first} s after RUNNING"
    );
    let e = out
        .log
        .entries
        .iter()
        .find(|e| e.message.contains("exit code 137"))
        .unwrap();
    assert!(
        e.message.contains("the instance's 7821 MiB"),
        "{}",
        e.message
    );
    // Used ÷ reserved far above 100 %.
    assert!(a.memory.as_ref().unwrap().used_pct.peak > 586.0);
    // Without the leak they fit, however far above their reservation.
    let out = go(&scenario(
        1,
        2,
        "",
        r#"{ name = "api", image = "api:1", cpu = 256, memoryReservation = 512 }"#,
        "[[applications]]\ntask_definition = \"app\"\nmemory_baseline = 3000\n",
    ));
    assert_eq!(app(&out).tasks.oom_killed, 0);
}

#[test]
fn under_load_the_hard_limit_kills_and_the_soft_one_scales_on_memory() {
    let out = lesson("memory-limits");
    let (hard, soft) = (&out.summary.services["hard"], &out.summary.services["soft"]);
    assert!(hard.tasks.oom_killed >= 3, "{:?}", hard.tasks);
    assert!(hard.requests.failed > soft.requests.failed);
    assert_eq!(soft.tasks.oom_killed, 0);
    assert!(soft.memory.as_ref().unwrap().used_pct.peak > 100.0);
    assert!(soft.scaling.as_ref().unwrap().scale_outs >= 1);
    // The series: memory used per service, 0 before the tasks run.
    let s = out
        .timeseries
        .service_tasks
        .iter()
        .find(|s| s.name == "soft")
        .unwrap();
    assert_eq!(s.memory_used_pct[0], 0.0);
    assert!(s.memory_used_pct.iter().any(|&p| p > 100.0));
    assert!(out
        .timeseries
        .to_csv()
        .lines()
        .next()
        .unwrap()
        .contains("soft.memory_used_pct"));
}

/// Two tasks behind an ALB, 300 MiB each, `per_request` MiB per request held, with requests
/// for 10 minutes (CPU for about 2.5 of them held at once per task), then none.
fn under_requests(per_request: &str) -> RunOutput {
    let traffic = format!(
        "[[applications]]\ntask_definition = \"app\"\nmemory_baseline = 300\nmemory_per_request = {per_request}\n\
         [[traffic]]\nservice = \"app\"\nstart = \"3m\"\n\
         rate = {{ profile = \"steps\", steps = [{{ at = \"3m\", rps = 100 }}, {{ at = \"13m\", rps = 0 }}] }}\n\
         work = {{ dist = \"exponential\", mean = \"50ms\" }}\nconcurrency = 8\nderegistration_delay = \"5s\"\n"
    );
    let text = scenario(
        2,
        2,
        "",
        r#"{ name = "api", image = "api:1", cpu = 1024, memory = 4096, portMappings = [{ containerPort = 8080 }] }"#,
        &traffic,
    )
    .replace("duration = \"4h\"", "duration = \"20m\"");
    go(&text)
}

#[test]
fn memory_per_request_may_be_drawn_per_request_and_goes_back_when_they_end() {
    let mean_used = |out: &RunOutput| {
        let s = &out.timeseries.service_tasks[0];
        let during: Vec<f64> = out
            .timeseries
            .t_s
            .iter()
            .zip(&s.memory_used_pct)
            .filter(|(t, _)| (240.0..780.0).contains(*t))
            .map(|(_, p)| *p)
            .collect();
        (
            during.iter().sum::<f64>() / during.len() as f64,
            *s.memory_used_pct.last().unwrap(),
        )
    };
    let (fixed, fixed_end) = mean_used(&under_requests("40"));
    let (drawn, drawn_end) = mean_used(&under_requests("{ low = 0, high = 80 }"));
    // The same mean per request: about the same memory in use while requests come.
    let base = 300.0 / 4096.0 * 100.0;
    assert!(fixed > base + 0.5, "requests add memory: {fixed} vs {base}");
    assert!(
        ((drawn - base) / (fixed - base) - 1.0).abs() < 0.15,
        "fixed {fixed}, drawn {drawn}"
    );
    // Once the requests are done, exactly the baseline again.
    for end in [fixed_end, drawn_end] {
        assert!((end - base).abs() < 1e-9, "{end} vs {base}");
    }
}

#[test]
fn memory_fields_are_checked() {
    let parse = |rest: &str| {
        Scenario::parse(
            &scenario(
                1,
                1,
                "",
                r#"{ name = "api", image = "api:1", cpu = 256, memory = 512 }"#,
                rest,
            ),
            "t.toml",
        )
    };
    for (rest, field, says) in [
        (
            "[[applications]]\ntask_definition = \"app\"\nmemory_per_request = 2\n",
            "applications[0].memory_baseline",
            "is needed",
        ),
        (
            "[[applications]]\ntask_definition = \"app\"\nmemory_baseline = { low = 300, high = 200 }\n",
            "applications[0].memory_baseline.high",
            "below low",
        ),
        (
            "[[applications]]\ntask_definition = \"app\"\nmemory_baseline = 1\nmemory_per_request = { low = 2, high = 1 }\n",
            "applications[0].memory_per_request.high",
            "below low",
        ),
        (
            "[[applications]]\ntask_definition = \"app\"\nmemory_baseline = -1\n",
            "applications[0].memory_baseline",
            "not a number of MiB",
        ),
        (
            "[[applications]]\ntask_definition = \"app:7\"\nmemory_baseline = 1\n",
            "applications[0].task_definition",
            "no task definition",
        ),
        (
            "[[applications]]\ntask_definition = \"app\"\nmemory_baseline = 1\n[[applications]]\ntask_definition = \"app\"\nwarmup = \"5s\"\n",
            "applications[1].task_definition",
            "already has an application entry",
        ),
        (
            "[[auto_scaling]]\nservice = \"app\"\nmin_capacity = 1\nmax_capacity = 2\ntarget_tracking = [{ metric = \"ECSServiceAverageMemoryUtilization\", target = 70 }]\n",
            "auto_scaling[0].target_tracking[0].metric",
            "add an [[applications]] entry",
        ),
    ] {
        let e = parse(rest).unwrap_err();
        assert_eq!(e.field.as_deref(), Some(field), "{rest}");
        assert!(e.to_string().contains(says), "{e}");
    }
    // A uniform baseline is drawn per task, within its range.
    let out = go(&scenario(
        1,
        3,
        "",
        r#"{ name = "api", image = "api:1", cpu = 256, memory = 512 }"#,
        "[[applications]]\ntask_definition = \"app\"\nmemory_baseline = { low = 100, high = 400 }\n",
    ));
    let m = app(&out).memory.as_ref().unwrap();
    assert!(
        m.used_pct.mean > 100.0 / 512.0 * 100.0 && m.used_pct.peak < 400.0 / 512.0 * 100.0,
        "{m:?}"
    );
}
