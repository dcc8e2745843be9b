//! The `ecsim` command as a user runs it: exit codes, the summary JSON contract, outputs.

use std::path::PathBuf;
use std::process::{Command, Output};

fn ecsim(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ecsim"))
        .args(args)
        .current_dir(root())
        .output()
        .expect("ecsim runs")
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn json(o: &Output) -> serde_json::Value {
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    serde_json::from_slice(&o.stdout).expect("stdout is JSON")
}

#[test]
fn no_arguments_runs_the_default_scenario() {
    let o = ecsim(&[]);
    assert!(o.status.success());
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(
        text.contains("service    web: 8 running, 0 pending of 8 desired"),
        "{text}"
    );
    assert!(text.contains("trace_hash "), "{text}");
}

#[test]
fn the_summary_json_has_the_contracted_fields_and_is_reproducible() {
    let a = json(&ecsim(&[
        "run",
        "scenarios/default.toml",
        "--seed",
        "7",
        "--json",
    ]));
    for path in [
        "scenario",
        "seed",
        "trace_hash",
        "events",
        "sim_seconds",
        "services.web.tasks.desired",
        "services.web.tasks.running_end",
        "services.web.tasks.pending_end",
        "services.web.tasks.started",
        "services.web.tasks.failed",
        "services.web.pending_reasons",
        "cluster.instances_end",
        "cluster.cpu_reserved_pct.mean",
        "cluster.cpu_reserved_pct.peak",
        "cluster.mem_reserved_pct.mean",
        "cluster.mem_reserved_pct.peak",
        "cost_usd.total",
        "cost_usd.ec2",
    ] {
        let v = path.split('.').try_fold(&a, |v, k| v.get(k));
        assert!(v.is_some(), "summary lacks {path}: {a:#}");
    }
    assert_eq!(a["seed"], 7);
    assert_eq!(a["services"]["web"]["tasks"]["running_end"], 8);
    let hash = a["trace_hash"].as_str().unwrap();
    assert_eq!(hash.len(), 16);
    let again = json(&ecsim(&[
        "run",
        "scenarios/default.toml",
        "--seed",
        "7",
        "--json",
    ]));
    assert_eq!(again["trace_hash"], a["trace_hash"]);
    let other = json(&ecsim(&[
        "run",
        "scenarios/default.toml",
        "--seed",
        "8",
        "--json",
    ]));
    assert_ne!(other["trace_hash"], a["trace_hash"]);
}

#[test]
fn a_malformed_scenario_exits_2_naming_the_field() {
    let dir = std::env::temp_dir().join(format!("ecsim-cli-bad-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let bad = dir.join("bad.toml");
    let text = ecsim_core::DEFAULT_SCENARIO.replace("count = 3", "count = \"three\"");
    std::fs::write(&bad, text).unwrap();
    let o = ecsim(&["run", bad.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("instance_groups[0].count"), "{err}");
    assert!(err.contains("bad.toml:"), "{err}");

    let o = ecsim(&["run", "no/such/file.toml"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("no/such/file.toml"));

    let o = ecsim(&["run", "scenarios/default.toml", "--seed", "minus one"]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn out_writes_summary_timeseries_and_events() {
    let dir = std::env::temp_dir().join(format!("ecsim-cli-out-{}", std::process::id()));
    let o = ecsim(&[
        "run",
        "scenarios/lessons/static-vs-dynamic-ports.toml",
        "--out",
        dir.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("summary.json")).unwrap()).unwrap();
    assert_eq!(
        summary["services"]["web-static"]["pending_reasons"]["RESOURCE:PORTS"],
        5
    );
    let csv = std::fs::read_to_string(dir.join("timeseries.csv")).unwrap();
    let rows: Vec<&str> = csv.lines().collect();
    assert!(
        rows[0].starts_with("t_s,instances_active,cpu_reserved_pct"),
        "{}",
        rows[0]
    );
    // 5 minutes at a 5 s step: samples at 0, 5, ..., 300.
    assert_eq!(rows.len(), 1 + 61);
    let events = std::fs::read_to_string(dir.join("events.jsonl")).unwrap();
    assert!(
        events.lines().any(|l| l.contains("placed on i-0")),
        "{events}"
    );
    for l in events.lines() {
        serde_json::from_str::<serde_json::Value>(l).expect("each line is JSON");
    }
    // One row per task: 8 web-static tasks (3 run, 5 wait for a port) and 8 web-dynamic.
    let tasks = std::fs::read_to_string(dir.join("tasks.csv")).unwrap();
    let rows: Vec<&str> = tasks.lines().collect();
    assert!(rows[0].starts_with("task,service,capacity,host,last_status,wanted_s"));
    assert_eq!(rows.len(), 1 + 16, "{tasks}");
    let running = rows
        .iter()
        .filter(|r| r.starts_with("web-static:") && r.contains(",RUNNING,"))
        .count();
    assert_eq!(running, 3, "{tasks}");
    // The cluster at each sample: at the end, 5 web-static tasks wait for a port.
    let cluster = std::fs::read_to_string(dir.join("cluster.jsonl")).unwrap();
    let snaps: Vec<serde_json::Value> = cluster
        .lines()
        .map(|l| serde_json::from_str(l).expect("each line is JSON"))
        .collect();
    assert_eq!(snaps.len(), 61);
    let end = &snaps[60];
    assert_eq!(end["t_s"], 300.0);
    assert_eq!(end["waiting"][0]["service"], "web-static");
    assert_eq!(end["waiting"][0]["tasks"], 5);
    assert_eq!(end["waiting"][0]["reason"], "RESOURCE:PORTS");
}

#[test]
fn help_is_there_for_every_command() {
    for args in [
        &["--help"][..],
        &["run", "--help"],
        &["bench", "--help"],
        &["sweep", "--help"],
        &["compare", "--help"],
        &["plan", "--help"],
        &["merge", "--help"],
        &["plot", "--help"],
    ] {
        let o = ecsim(args);
        assert!(o.status.success(), "{args:?}");
        assert!(
            String::from_utf8_lossy(&o.stdout).contains("Usage"),
            "{args:?}"
        );
    }
}

#[test]
fn an_invalid_fargate_size_exits_2_listing_the_valid_memory_values() {
    let dir = std::env::temp_dir().join(format!("ecsim-cli-fargate-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let bad = dir.join("fargate.toml");
    let lesson =
        std::fs::read_to_string(root().join("scenarios/lessons/fargate-vs-ec2.toml")).unwrap();
    assert!(lesson.contains("memory = \"1024\""));
    std::fs::write(
        &bad,
        lesson.replace("memory = \"1024\"", "memory = \"5000\""),
    )
    .unwrap();
    let o = ecsim(&["run", bad.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("task_definitions[0].memory"), "{err}");
    assert!(
        err.contains("the valid memory values are 1024, 2048, 3072, 4096 MiB"),
        "{err}"
    );
}

#[test]
fn fargate_vs_ec2_prints_both_costs_and_start_ups() {
    let o = ecsim(&["run", "scenarios/lessons/fargate-vs-ec2.toml"]);
    assert_eq!(o.status.code(), Some(0));
    let out = String::from_utf8_lossy(&o.stdout);
    for service in ["web-ec2", "web-fargate"] {
        assert!(
            out.contains(&format!("startup    {service}: wanted to healthy p50")),
            "{out}"
        );
    }
    assert!(out.contains("(EC2 $0.1920, Fargate $0.19"), "{out}");
    let o = ecsim(&["run", "scenarios/lessons/fargate-vs-ec2.toml", "--json"]);
    let s = json(&o);
    assert!(s["cost_usd"]["fargate"].as_f64().unwrap() > 0.0);
    for service in ["web-ec2", "web-fargate"] {
        let b = &s["services"][service]["startup_breakdown_s"];
        for part in ["provisioning", "pull", "start", "health"] {
            assert!(b[part].is_number(), "{service}.{part}: {b}");
        }
        assert!(s["services"][service]["startup_s"]["p90"].is_number());
    }
}

#[test]
fn a_share_link_runs_the_same_scenario_and_seed() {
    let text = ecsim_core::DEFAULT_SCENARIO;
    let link = format!(
        "http://127.0.0.1:8080/#{}",
        ecsim_front::share::encode(text, "scenarios/default.toml", Some(5))
    );
    let by_link = json(&ecsim(&["run", &link, "--json"]));
    let by_file = json(&ecsim(&[
        "run",
        "scenarios/default.toml",
        "--seed",
        "5",
        "--json",
    ]));
    assert_eq!(by_link["trace_hash"], by_file["trace_hash"]);
    assert_eq!(by_link["seed"], 5);
    let o = ecsim(&["run", "#f=x.toml&t=!!!"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("not an ecsim share link"));
}

/// The command line's own bad inputs: each refused with exit 2 and a message that says why,
/// before anything runs.
#[test]
fn bad_command_line_inputs_exit_2_before_the_run() {
    let tmp = std::env::temp_dir().join(format!("ecsim-cli-bad-{}", std::process::id()));
    std::fs::create_dir_all(&tmp).unwrap();
    let big = tmp.join("big.toml");
    std::fs::write(&big, vec![b'#'; (16 << 20) + 1]).unwrap();
    let a_file = tmp.join("not-a-folder");
    std::fs::write(&a_file, "x").unwrap();
    let s = |p: &PathBuf| p.display().to_string();
    let out_in_file = s(&a_file.join("out"));
    let big = s(&big);
    let rows: Vec<(Vec<&str>, &str)> = vec![
        (
            vec!["run", "scenarios/default.toml", "--duration", "0s"],
            "field `duration`: 0s is outside 1ns..=400 days (the value comes from `duration=0s` on the command line)",
        ),
        (
            vec!["run", "scenarios/default.toml", "--duration", "100000d"],
            "is outside 1ns..=400 days",
        ),
        (
            vec![
                "sweep",
                "scenarios/default.toml",
                "--vary",
                "services[web].desiredCount=2,3",
                "--seeds",
                "1",
                "--duration",
                "0s",
                "--out",
                "/tmp/never",
            ],
            "field `duration`: 0s is outside 1ns..=400 days (the value comes from `duration=0s` on the command line)",
        ),
        (
            vec!["run", "/dev/zero"],
            "over 16 MiB, too big for a scenario",
        ),
        (vec!["run", &big], "over 16 MiB, too big for a scenario"),
        (
            vec![
                "run",
                "scenarios/default.toml",
                "--set",
                "traffic[web].rate.rps=1e7",
            ],
            "the run would handle about 9,600,000,",
        ),
        (
            vec![
                "sweep",
                "scenarios/default.toml",
                "--vary",
                "traffic[web].rate.rps=100,1e7",
                "--seeds",
                "1",
                "--out",
                "/tmp/never",
            ],
            "at the point traffic[web].rate.rps=1e7: the run would handle about",
        ),
        (
            vec![
                "run",
                "scenarios/default.toml",
                "--set",
                "duration=400d",
                "--set",
                "sample_step=35s",
                "--set",
                "instance_groups[web-hosts].count=100",
            ],
            "field `sample_step`: the time series would hold",
        ),
    ];
    for (args, want) in rows {
        let o = ecsim(&args);
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains(want), "{args:?}: {err}");
        assert!(err.len() < 600, "{args:?}: a long error: {err}");
        // `-- --nocapture` prints the table with its messages.
        println!("| `ecsim {}` | exit 2: `{}` |", args.join(" "), err.trim());
    }
    // An --out that cannot be made fails before the run, not after it.
    let o = ecsim(&["run", "scenarios/default.toml", "--out", &out_in_file]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_ne!(o.status.code(), Some(0), "{err}");
    assert!(
        err.contains("cannot create") && o.stdout.is_empty(),
        "{err}"
    );
    let _ = std::fs::remove_dir_all(&tmp);
}

/// `ecsim run … | head`: the reader goes away before the report is written, and ecsim ends
/// quietly (by SIGPIPE, as other tools do) instead of panicking in `println!`.
#[cfg(unix)]
#[test]
fn a_closed_stdout_ends_the_run_quietly() {
    use std::process::Stdio;
    let mut child = Command::new(env!("CARGO_BIN_EXE_ecsim"))
        .args(["run", "scenarios/default.toml"])
        .current_dir(root())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("ecsim starts");
    drop(child.stdout.take());
    let out = child.wait_with_output().expect("ecsim ends");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!err.contains("panicked"), "{err}");
    assert_ne!(out.status.code(), Some(101), "{err}");
}

#[test]
fn the_benchmark_suite_prints_its_table_and_targets() {
    // The two small workloads at their quick size, a child process each: what --suite runs.
    let o = ecsim(&[
        "bench",
        "--suite",
        "--quick",
        "--only",
        "alb-mmc-rr,alb-mmc-lor",
        "--seconds",
        "0.01",
    ]);
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(
        o.status.success(),
        "{out}{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let rows: Vec<&str> = out.lines().filter(|l| l.starts_with("alb-mmc-")).collect();
    // A row of figures and a row that says what the workload is, for each.
    assert_eq!(rows.len(), 4, "{out}");
    assert!(rows[0].split_whitespace().count() == 6, "{out}");
    assert!(
        out.contains("10,000 requests, least outstanding requests"),
        "{out}"
    );
    assert!(
        out.contains("alb-mmc-lor events/s ≥ 0.8 of the bare loop's"),
        "{out}"
    );
    assert!(out.contains("(at --quick sizes"), "{out}");
    let bad = ecsim(&["bench", "--suite", "--only", "alb-mmc-xx"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("no such workload (one of alb-mmc-rr"));
}
