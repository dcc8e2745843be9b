//! Determinism: the same scenario and seed give the same trace hash; another seed gives another;
//! and changing one part of a scenario leaves the random draws of the other parts unchanged
//! (common random numbers). The wasm half is `wasm_determinism.rs`.

use ecsim_core::{run, RunOptions};
use ecsim_tests::{library, one_service, parse, run_checked};

#[test]
fn same_seed_same_hash_for_every_library_scenario() {
    for sc in library() {
        let a = run(&sc, &RunOptions::default()).unwrap().summary;
        let b = run(&sc, &RunOptions::default()).unwrap().summary;
        assert_eq!(a.trace_hash, b.trace_hash, "{}", sc.file);
        assert_eq!(a.events, b.events, "{}", sc.file);
        // The whole summary, not just the hash.
        assert_eq!(
            serde_json::to_string(&a).unwrap(),
            serde_json::to_string(&b).unwrap(),
            "{}",
            sc.file
        );
    }
}

#[test]
fn another_seed_gives_another_hash() {
    for sc in library() {
        let seed = sc.spec.seed;
        let a = run(
            &sc,
            &RunOptions {
                seed: Some(seed),
                ..Default::default()
            },
        )
        .unwrap();
        let b = run(
            &sc,
            &RunOptions {
                seed: Some(seed + 1),
                ..Default::default()
            },
        )
        .unwrap();
        assert_ne!(a.summary.trace_hash, b.summary.trace_hash, "{}", sc.file);
    }
}

#[test]
fn adding_a_service_leaves_boot_times_and_other_draws_alone() {
    let c = r#"{ name = "w", image = "w", cpu = 128, memory = 64 }"#;
    let base = one_service(3, "m5.large", "", c, 4, "");
    let with_other = base.clone()
        + r#"
[[task_definitions]]
family = "other"
containerDefinitions = [ { name = "o", image = "o", cpu = 64, memory = 32 } ]
[[services]]
serviceName = "zz-other"
taskDefinition = "other"
desiredCount = 2
startAt = "200s"
"#;
    let a = run_checked(&parse(&base), Some(5));
    let b = run_checked(&parse(&with_other), Some(5));
    let reg = |s: &ecsim_core::Simulation| -> Vec<_> {
        s.instances().iter().map(|i| i.registered_at).collect()
    };
    assert_eq!(
        reg(&a),
        reg(&b),
        "instance boot times must not depend on the services"
    );
    // The first service's tasks were placed and started identically: the second service starts
    // later and draws from its own streams.
    let runs = |s: &ecsim_core::Simulation| -> Vec<_> {
        s.tasks()
            .iter()
            .filter(|t| t.service.0 == 0)
            .map(|t| (t.host, t.running_at))
            .collect()
    };
    assert_eq!(runs(&a), runs(&b));
}

/// Two groups of one host each, a service pinned to each (`sb`, listed first, on b; `sa` on a),
/// and manifest round trips drawn at random; `b_containers` are `sb`'s containers.
fn two_pinned_services(b_containers: &str) -> String {
    format!(
        r#"
name = "crn"
duration = "5m"
[model]
manifest_fetch = {{ dist = "uniform", min = "1s", max = "9s" }}
[[instance_groups]]
name = "a"
instance_type = "m5.large"
count = 1
ecs_config = 'ECS_INSTANCE_ATTRIBUTES={{"side":"a"}}'
[[instance_groups]]
name = "b"
instance_type = "m5.large"
count = 1
ecs_config = 'ECS_INSTANCE_ATTRIBUTES={{"side":"b"}}'
[[task_definitions]]
family = "ta"
containerDefinitions = [ {{ name = "a", image = "a:1", cpu = 128, memory = 64 }} ]
[[task_definitions]]
family = "tb"
containerDefinitions = [ {b_containers} ]
[[services]]
serviceName = "sb"
taskDefinition = "tb"
desiredCount = 3
startAt = "60s"
placementConstraints = [{{ type = "memberOf", expression = "attribute:side == b" }}]
[[services]]
serviceName = "sa"
taskDefinition = "ta"
desiredCount = 3
startAt = "60s"
placementConstraints = [{{ type = "memberOf", expression = "attribute:side == a" }}]
"#
    )
}

/// The start-up times of one service's tasks: placed, pulled, running.
fn startups(
    s: &ecsim_core::Simulation,
    service: u32,
) -> Vec<[Option<ecsim_core::time::SimTime>; 3]> {
    s.tasks()
        .iter()
        .filter(|t| t.service.0 == service)
        .map(|t| [t.placed_at, t.pull_done_at, t.running_at])
        .collect()
}

#[test]
fn pulls_on_one_host_leave_another_hosts_pull_draws_alone() {
    let one = r#"{ name = "b", image = "b:1", cpu = 128, memory = 64 }"#;
    let two = r#"{ name = "b", image = "b:1", cpu = 128, memory = 64 }, { name = "side", image = "side:1", cpu = 64, memory = 32 }"#;
    let a = run_checked(&parse(&two_pinned_services(one)), Some(3));
    let b = run_checked(&parse(&two_pinned_services(two)), Some(3));
    // Host b pulls two images in the second run, so it draws one more manifest round trip, at
    // the same instant as, and before, host a's pull; host a's pull still draws exactly what it
    // drew before.
    let sa = 1;
    assert_eq!(startups(&a, sa), startups(&b, sa));
    assert!(startups(&a, sa).iter().all(|t| t[2].is_some()));
}

/// One web service with a random crash fault; `before` goes ahead of it in the fault list.
fn crashes_with(before: &str) -> Vec<f64> {
    let text = one_service(
        2,
        "m5.large",
        "",
        r#"{ name = "w", image = "w", cpu = 128, memory = 64 }"#,
        3,
        &format!(
            "{before}\n[[faults]]\nkind = \"task_crash\"\nservice = \"app\"\nevery = \"30s\"\nfrom = \"2m\""
        ),
    );
    let out = run(&parse(&text), &RunOptions::default()).unwrap();
    out.log
        .entries
        .iter()
        .filter(|e| e.kind == ecsim_core::log::LogKind::TaskCrashed)
        .map(|e| e.t_s)
        .collect()
}

#[test]
fn a_fault_draws_from_its_own_stream_wherever_it_is_listed() {
    let alone = crashes_with("");
    assert!(alone.len() >= 2, "{alone:?}");
    // A fault listed first that strikes after the end: the crash fault is now second in the
    // list, and strikes at the same instants.
    let behind = crashes_with("[[faults]]\nkind = \"instance_loss\"\ngroup = \"g\"\nat = \"10m\"");
    assert_eq!(alone, behind);
    // Two crash faults on the same service are two streams: the second strikes at other times.
    let twice = crashes_with(
        "[[faults]]\nkind = \"task_crash\"\nservice = \"app\"\nevery = \"30s\"\nfrom = \"2m\"",
    );
    assert!(twice.len() > alone.len(), "{twice:?} vs {alone:?}");
}

#[test]
fn stopping_tasks_leaves_the_next_container_start_draws_alone() {
    let container = r#"{ name = "w", image = "w", cpu = 128, memory = 64 }"#;
    let model = "[model]\ncontainer_start = { dist = \"uniform\", min = \"1s\", max = \"20s\" }\ncontainer_exit = { dist = \"uniform\", min = \"1s\", max = \"20s\" }\n";
    let grow = "[[actions]]\nat = \"3m\"\nservice = \"app\"\ndesired_count = 5\n";
    let shrink_first = "[[actions]]\nat = \"2m\"\nservice = \"app\"\ndesired_count = 2\n";
    let base = one_service(2, "m5.large", "", container, 3, grow);
    let with_stops = one_service(
        2,
        "m5.large",
        "",
        container,
        3,
        &format!("{shrink_first}{grow}"),
    );
    let starts = |text: &str| -> Vec<f64> {
        let text = text.replacen(
            "[[instance_groups]]",
            &format!("{model}[[instance_groups]]"),
            1,
        );
        let s = run_checked(&parse(&text), Some(4));
        let mut v: Vec<(ecsim_core::time::SimTime, f64)> = s
            .tasks()
            .iter()
            .filter_map(|t| {
                let (p, r) = (t.pull_done_at?, t.running_at?);
                Some((p, r.since(p).as_secs_f64()))
            })
            .collect();
        v.sort_by_key(|x| x.0);
        v.into_iter().map(|x| x.1).collect()
    };
    let a = starts(&base);
    let b = starts(&with_stops);
    // The second run stops a task (drawing its exit time) and starts one more; the starts it
    // shares with the first draw the same durations, in the same order.
    assert_eq!(a.len() + 1, b.len(), "{a:?} / {b:?}");
    assert_eq!(a[..], b[..a.len()]);
}
