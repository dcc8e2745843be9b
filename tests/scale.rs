//! Work that grows with the scenario, not with its square: many tasks in one service placed on
//! many hosts, and many services loaded and started. Each case runs at n and at 4n; linear
//! work takes about four times as long, quadratic about sixteen, and the assertion sits
//! between them with room for a busy machine (the best of three runs of each, interleaved).
//! Before the fix the 100,000-task run took 76 s and the 40,000-service one 19 s.
//!
//! They run in a release build, where the engine's invariants are not checked after every event
//! (a debug build checks them, which is itself linear in the cluster per event):
//! `cargo test --release -p ecsim-tests --test scale -- --ignored`, a step of `scripts/test.sh`.

use ecsim_core::{run, RunOptions, Scenario, SimDuration};
use std::time::Instant;

/// 1,000 m5.xlarge hosts and one service of `n` small tasks.
fn tasks(n: u32) -> String {
    ecsim_core::DEFAULT_SCENARIO
        .replace("count = 3", "count = 1000")
        .replace(
            "instance_type = \"m5.large\"",
            "instance_type = \"m5.xlarge\"",
        )
        .replace("desiredCount = 8", &format!("desiredCount = {n}"))
        .replace("value = 8", &format!("value = {n}"))
        .replace(
            "cpu = 256, memory = 1024, memoryReservation = 512",
            "cpu = 16, memory = 64",
        )
}

/// The default scenario with `n` more services of one small task each, on 200 hosts that hold
/// them all (tasks that can never be placed are retried on every change, as ECS retries them).
fn services(n: u32) -> String {
    let mut t = ecsim_core::DEFAULT_SCENARIO.to_string();
    for i in 0..n {
        t += &format!(
            "\n[[services]]\nserviceName = \"s{i}\"\ntaskDefinition = \"web\"\ndesiredCount = 1\nstartAt = \"60s\"\n"
        );
    }
    t.replace("count = 3", "count = 200").replace(
        "cpu = 256, memory = 1024, memoryReservation = 512",
        "cpu = 16, memory = 64",
    )
}

/// The best of three of loading and running `text` for 3 simulated minutes, in seconds, with
/// what it ran checked.
fn seconds(text: &str, check: impl Fn(&ecsim_core::Summary)) -> f64 {
    let opts = RunOptions {
        duration: Some(SimDuration::from_secs(180)),
        ..Default::default()
    };
    (0..3)
        .map(|_| {
            let t0 = Instant::now();
            let sc = Scenario::parse(text, "scale.toml").expect("valid");
            let out = run(&sc, &opts).expect("runs");
            let took = t0.elapsed().as_secs_f64();
            check(&out.summary);
            took
        })
        .fold(f64::INFINITY, f64::min)
}

fn ratio(small: &str, big: &str, check: impl Fn(&ecsim_core::Summary) + Copy) -> f64 {
    seconds(big, check) / seconds(small, check).max(1e-3)
}

#[test]
#[ignore = "a release build's test: cargo test --release -p ecsim-tests --test scale -- --ignored"]
fn placing_100000_tasks_is_linear_in_their_number() {
    let r = ratio(&tasks(25_000), &tasks(100_000), |s| {
        let web = &s.services["web"];
        assert_eq!(web.tasks.pending_end, 0, "every task placed");
    });
    assert!(r < 9.0, "4x the tasks took {r:.1}x as long");
}

#[test]
#[ignore = "a release build's test: cargo test --release -p ecsim-tests --test scale -- --ignored"]
fn loading_and_starting_20000_services_is_linear_in_their_number() {
    let r = ratio(&services(5_000), &services(20_000), |s| {
        assert!(s.services.len() > 5_000);
        assert!(
            s.services.values().all(|v| v.tasks.pending_end == 0),
            "every task placed"
        );
    });
    assert!(r < 9.0, "4x the services took {r:.1}x as long");
}
