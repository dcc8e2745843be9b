//! The cluster view's snapshots: what they show agrees with the model's state, they do not
//! change the run, and a long run keeps only a bounded number of them.

use ecsim_core::{run, RunOptions, Scenario, DEFAULT_SCENARIO};
use ecsim_tests::parse;

fn with_snapshots(sc: &Scenario) -> ecsim_core::RunOutput {
    run(
        sc,
        &RunOptions {
            snapshots: true,
            ..Default::default()
        },
    )
    .expect("runs")
}

#[test]
fn the_default_scenario_seen_from_boot_to_the_end() {
    let sc = parse(DEFAULT_SCENARIO);
    let out = with_snapshots(&sc);
    let snaps = &out.snapshots;
    // 10 minutes every 5 s: every sample, and the end.
    assert_eq!(snaps.len(), 121);
    assert!(snaps.windows(2).all(|w| w[0].t_s < w[1].t_s));
    let first = &snaps[0];
    assert_eq!(first.t_s, 0.0);
    assert_eq!(first.hosts.len(), 3);
    assert!(first
        .hosts
        .iter()
        .all(|h| h.state == "booting" && h.tasks.is_empty()));
    // m5.large before registering: 2 vCPU, 8 GiB.
    assert_eq!(
        (first.hosts[0].cpu, first.hosts[0].memory_mib),
        (2048, 8192)
    );

    // While the tasks start, images are pulled and the pull names its image and tasks.
    let pulling = snaps
        .iter()
        .flat_map(|s| &s.hosts)
        .flat_map(|h| &h.pulls)
        .next()
        .expect("a pull in flight at some sample");
    assert!(pulling.image.ends_with("/web:v1") && pulling.tasks >= 1);

    let end = snaps.last().expect("the end");
    assert_eq!(end.t_s, 600.0);
    let tasks: Vec<_> = end.hosts.iter().flat_map(|h| &h.tasks).collect();
    assert_eq!(tasks.len(), 8);
    for h in &end.hosts {
        assert_eq!(h.state, "ACTIVE");
        let cpu: u32 = h.tasks.iter().map(|t| t.cpu).sum();
        let mem: u32 = h.tasks.iter().map(|t| t.memory_mib).sum();
        assert_eq!(
            (h.cpu_reserved, h.memory_reserved_mib),
            (cpu, mem),
            "{}",
            h.id
        );
        assert_eq!(h.dynamic_ports_in_use as usize, h.tasks.len());
        assert!(h.pulls.is_empty());
    }
    for t in &tasks {
        assert_eq!(t.state, "RUNNING");
        assert_eq!(t.host_ports.len(), 1);
        assert!((32768..=60999).contains(&t.host_ports[0]), "{t:?}");
        assert_eq!(t.target.as_deref(), Some("healthy"));
        assert!(!t.eni);
    }
    let mut names: Vec<&str> = tasks.iter().map(|t| t.name.as_str()).collect();
    names.sort();
    names.dedup();
    assert_eq!(names.len(), 8, "task names are unique");
    assert_eq!(end.balancers.len(), 1);
    assert_eq!(end.balancers[0].healthy, 8);
    assert_eq!(end.balancers[0].kind, "application");
    assert!(end.waiting.is_empty());
}

#[test]
fn snapshots_do_not_change_the_run() {
    let sc = parse(DEFAULT_SCENARIO);
    let plain = run(&sc, &RunOptions::default()).expect("runs");
    let seen = with_snapshots(&sc);
    assert!(plain.snapshots.is_empty());
    assert_eq!(plain.summary.trace_hash, seen.summary.trace_hash);
    assert_eq!(
        serde_json::to_string(&plain.summary).unwrap(),
        serde_json::to_string(&seen.summary).unwrap()
    );
}

#[test]
fn tasks_that_fit_nowhere_wait_with_their_reason() {
    // Static host port 8080 on 3 hosts: 3 tasks run, 5 wait for a port.
    let text = DEFAULT_SCENARIO.replace("hostPort = 0", "hostPort = 8080");
    let out = with_snapshots(&parse(&text));
    let end = out.snapshots.last().expect("the end");
    let running: usize = end.hosts.iter().map(|h| h.tasks.len()).sum();
    assert_eq!(running, 3);
    assert!(end
        .hosts
        .iter()
        .all(|h| h.tasks.iter().all(|t| t.host_ports == [8080])));
    assert_eq!(end.waiting.len(), 1, "{:?}", end.waiting);
    assert_eq!(end.waiting[0].service, "web");
    assert_eq!(end.waiting[0].tasks, 5);
    assert_eq!(end.waiting[0].reason, "RESOURCE:PORTS");
}

#[test]
fn fargate_tasks_are_shown_apart_with_their_eni() {
    let text = ecsim_front::form::set(
        DEFAULT_SCENARIO,
        ecsim_front::form::Knob::LaunchType,
        "FARGATE",
    )
    .expect("form")
    .text;
    let out = with_snapshots(&parse(&text));
    let end = out.snapshots.last().expect("the end");
    assert_eq!(end.fargate.len(), 8);
    assert!(end
        .fargate
        .iter()
        .all(|t| t.eni && t.host_ports.is_empty() && !t.spot));
    assert!(end.hosts.iter().all(|h| h.tasks.is_empty()));
}

#[test]
fn a_long_run_keeps_a_bounded_number() {
    // A day sampled every second, with no traffic: 86 401 samples.
    let text = DEFAULT_SCENARIO
        .replace("duration = \"10m\"", "duration = \"1d\"")
        .replace("sample_step = \"5s\"", "sample_step = \"1s\"");
    let text = text.split("# Requests through").next().unwrap();
    let out = with_snapshots(&parse(text));
    let n = out.snapshots.len();
    assert!(
        (200..=ecsim_core::sim::MAX_SNAPSHOTS + 1).contains(&n),
        "{n} snapshots"
    );
    assert_eq!(out.snapshots.last().map(|s| s.t_s), Some(86400.0));
    // Evenly spaced: every stride-th sample.
    let gaps: Vec<f64> = out
        .snapshots
        .windows(2)
        .map(|w| w[1].t_s - w[0].t_s)
        .collect();
    assert!(
        gaps[..gaps.len() - 1].iter().all(|&g| g == gaps[0]),
        "{gaps:?}"
    );
}

/// A thousand instances: each is a row in every snapshot (the first 64 also drawn in detail),
/// the rows agree with the drawn hosts, and the snapshots are thinned so the rows over the
/// run stay within the budget.
#[test]
fn a_thousand_instances_are_each_a_row_within_the_budget() {
    let text = DEFAULT_SCENARIO
        .replace("count = 3", "count = 1000")
        .replace("desiredCount = 8", "desiredCount = 1500");
    let out = with_snapshots(&parse(&text));
    let end = out.snapshots.last().expect("the end");
    assert_eq!(end.rows.len(), 1000);
    assert_eq!(end.hosts.len(), ecsim_core::sim::MAX_DRAWN);
    assert_eq!(
        end.hosts_not_shown,
        1000 - ecsim_core::sim::MAX_DRAWN as u32
    );
    assert_eq!(end.rows.last().map(|r| r.id.as_str()), Some("i-1000"));
    for (h, r) in end.hosts.iter().zip(&end.rows) {
        assert_eq!(
            (&h.id, h.cpu_reserved, h.tasks.len() as u32),
            (&r.id, r.cpu_reserved, r.tasks)
        );
        let running = h.tasks.iter().filter(|t| t.state == "RUNNING").count() as u32;
        assert_eq!(running, r.services.iter().map(|s| s.running).sum::<u32>());
    }
    // Each row's tasks by service add up to its count (the drill-down's list).
    for r in &end.rows {
        let listed: u32 = r.services.iter().map(|s| s.running + s.other).sum();
        assert_eq!(listed, r.tasks, "{}: {:?}", r.id, r.services);
    }
    let tasks: u32 = end.rows.iter().map(|r| r.tasks).sum();
    assert_eq!(tasks, out.summary.services["web"].tasks.running_end);
    let rows: usize = out.snapshots.iter().map(|s| s.rows.len()).sum();
    assert!(
        rows <= ecsim_core::sim::MAX_ROWS + end.rows.len(),
        "{rows} rows over {} snapshots",
        out.snapshots.len()
    );
    assert!(
        out.snapshots.len() > 50,
        "{} snapshots",
        out.snapshots.len()
    );
}
