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
