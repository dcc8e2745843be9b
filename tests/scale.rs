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

/// The lines of a report longer than a terminal shows.
fn long_lines(report: &str) -> Vec<&str> {
    report.lines().filter(|l| l.chars().count() > 120).collect()
}

#[test]
#[ignore = "a release build's test: cargo test --release -p ecsim-tests --test scale -- --ignored"]
fn the_report_of_1000_instances_fits_a_terminal() {
    // The suite's big cluster until its 10,000 tasks are placed and running (before traffic).
    let text = ecsim_front::bench::Workload::BigCluster.scenario(ecsim_front::bench::Size::Full);
    let sc = Scenario::parse(&text, "big-cluster.toml").expect("valid");
    let opts = RunOptions {
        duration: Some(SimDuration::from_secs(150)),
        ..Default::default()
    };
    let out = run(&sc, &opts).expect("runs");
    assert_eq!(out.summary.cluster.instances_end, 1000);
    let report = ecsim_front::report::text(&sc, &out.summary);
    assert_eq!(long_lines(&report), Vec::<&str>::new(), "{report}");
    // Each service says where its tasks run, as a spread and the busiest few, not 500 names.
    let placed: Vec<&str> = report
        .lines()
        .filter(|l| l.trim_start().starts_with("running on "))
        .collect();
    assert_eq!(placed.len(), 20, "{report}");
    assert!(placed.iter().all(|l| l.contains(" each")), "{report}");
    // The spread services hold one task per instance; most binpacked ones fill some instances
    // more than others, and those name the busiest.
    assert_eq!(
        placed.iter().filter(|l| l.ends_with(" 1 each")).count(),
        10,
        "{report}"
    );
    assert!(
        placed.iter().filter(|l| l.contains("; most on i-")).count() >= 5,
        "{report}"
    );
}

#[test]
#[ignore = "a release build's test: cargo test --release -p ecsim-tests --test scale -- --ignored"]
fn the_live_snapshot_of_1000_instances_stays_small() {
    // The web worker sends one with every fifth progress report (about 5 a second): its size is
    // what the page decodes each time. Drawn instances and Fargate tasks are capped; every
    // instance is a compact row with its tasks counted by service.
    let text = ecsim_front::bench::Workload::BigCluster.scenario(ecsim_front::bench::Size::Full);
    let sc = Scenario::parse(&text, "big-cluster.toml").expect("valid");
    let mut sim = ecsim_core::Simulation::new(&sc, &RunOptions::default());
    while sim.now().as_secs_f64() < 360.0 {
        assert!(sim.advance(100_000).expect("runs"), "ended early");
    }
    let t0 = Instant::now();
    let snap = sim.snapshot();
    let took = t0.elapsed();
    assert_eq!(snap.rows.len(), 1000);
    assert_eq!(snap.hosts.len(), ecsim_core::sim::MAX_DRAWN);
    assert_eq!(
        snap.hosts_not_shown as usize,
        1000 - ecsim_core::sim::MAX_DRAWN
    );
    let bytes = bincode::serialize(&snap).expect("encodes").len();
    // Printed, not asserted: how long a snapshot takes is for the benchmark to judge.
    println!(
        "snapshot at 1,000 instances, 10,000 tasks: {bytes} bytes as the worker sends it, taken in {took:?}"
    );
    assert!(bytes < 384 * 1024, "{bytes} bytes");
}

#[test]
#[ignore = "a release build's test: cargo test --release -p ecsim-tests --test scale -- --ignored"]
fn every_benchmark_workload_runs_at_its_quick_size() {
    use ecsim_front::bench::{Size, Workload};
    for w in Workload::ALL {
        let sc = Scenario::parse(&w.scenario(Size::Quick), w.name()).expect("valid");
        let out = run(&sc, &RunOptions::default()).expect("runs");
        let s = &out.summary;
        let served: u64 = s.services.values().map(|x| x.requests.served).sum();
        assert!(served > 0, "{}: no request served", w.name());
        let failed: u64 = s.services.values().map(|x| x.requests.failed).sum();
        assert_eq!(failed, 0, "{}: requests failed", w.name());
        for (name, svc) in &s.services {
            assert_eq!(
                svc.tasks.pending_end,
                0,
                "{}: {name} has tasks pending",
                w.name()
            );
        }
        let report = ecsim_front::report::text(&sc, s);
        assert_eq!(long_lines(&report), Vec::<&str>::new(), "{report}");
    }
}
