//! `ecsim sweep` and `run --set` as a user runs them: the results do not depend on the number
//! of jobs or on an interruption, and bad paths, values and metrics exit 2 naming them.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn ecsim(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ecsim"))
        .args(args)
        .current_dir(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../.."))
        .output()
        .expect("ecsim runs")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).to_string()
}

fn scratch(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("ecsim-sweep-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    d
}

/// 3 instance types × 4 counts on right-size-ec2, 3 minutes of traffic each.
fn sweep(out: &Path, seeds: &str, extra: &[&str]) -> Output {
    let mut args = vec![
        "sweep",
        "scenarios/templates/right-size-ec2.toml",
        "--vary",
        "instance_groups[0].instance_type=c5.large,m5.large,m5.xlarge",
        "--vary",
        "instance_groups[0].count=3..6",
        "--seeds",
        seeds,
        "--duration",
        "3m",
        "--out",
        out.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    ecsim(&args)
}

fn read(p: PathBuf) -> String {
    std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

#[test]
fn a_sweep_is_the_same_on_one_job_or_two_and_after_an_interruption() {
    let (one, two, cut) = (scratch("one"), scratch("two"), scratch("cut"));
    let a = sweep(&one, "4", &["--jobs", "1"]);
    assert!(a.status.success(), "{}", stderr(&a));
    let b = sweep(&two, "4", &["--jobs", "2"]);
    assert!(b.status.success(), "{}", stderr(&b));
    for f in ["sweep.json", "sweep.csv"] {
        assert_eq!(
            read(one.join(f)),
            read(two.join(f)),
            "{f} differs between 1 and 2 jobs"
        );
    }
    let result: serde_json::Value = serde_json::from_str(&read(one.join("sweep.json"))).unwrap();
    let points = result["points"].as_array().unwrap();
    assert_eq!(points.len(), 12);
    assert!(points.iter().any(|p| p["pareto"] == true));
    let p99 = &points[0]["metrics"][1];
    assert_eq!(p99["n"], 4);
    assert!(p99["lo"].as_f64().unwrap() <= p99["mean"].as_f64().unwrap());

    // An interrupted sweep: the journal keeps its header, 17 runs and half of the 18th line.
    std::fs::create_dir_all(&cut).unwrap();
    let journal = read(one.join("runs.jsonl"));
    let lines: Vec<&str> = journal.lines().collect();
    let mut kept: String = lines[..18].iter().map(|l| format!("{l}\n")).collect();
    kept.push_str(&lines[18][..lines[18].len() / 2]);
    std::fs::write(cut.join("runs.jsonl"), kept).unwrap();
    let again = sweep(&cut, "4", &[]);
    assert_eq!(
        again.status.code(),
        Some(2),
        "a journal is not overwritten without --resume"
    );
    assert!(stderr(&again).contains("--resume"), "{}", stderr(&again));
    let resumed = sweep(&cut, "4", &["--resume", "--jobs", "2"]);
    assert!(resumed.status.success(), "{}", stderr(&resumed));
    for f in ["sweep.json", "sweep.csv"] {
        assert_eq!(
            read(one.join(f)),
            read(cut.join(f)),
            "{f} differs after resuming"
        );
    }
    // Resuming another sweep's journal is refused.
    let other = sweep(&cut, "5", &["--resume"]);
    assert_eq!(other.status.code(), Some(2));
    assert!(
        stderr(&other).contains("another sweep"),
        "{}",
        stderr(&other)
    );
    for d in [one, two, cut] {
        let _ = std::fs::remove_dir_all(d);
    }
}

#[test]
fn bad_paths_values_and_metrics_exit_2_naming_them() {
    let out = scratch("bad");
    let o = ecsim(&[
        "sweep",
        "scenarios/default.toml",
        "--vary",
        "instance_groups[web-host].count=1,2",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("\"web-hosts\""), "{}", stderr(&o));
    let o = ecsim(&[
        "sweep",
        "scenarios/default.toml",
        "--vary",
        "instance_groups[web-hosts].count=2,many",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    let e = stderr(&o);
    assert!(
        e.contains("count=many") && e.contains("instance_groups[0].count"),
        "{e}"
    );
    let o = ecsim(&[
        "sweep",
        "scenarios/default.toml",
        "--vary",
        "seed=1,2",
        "--metrics",
        "services.web.latency_ms.p999",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("services.web.latency_ms.p99\""),
        "{}",
        stderr(&o)
    );
    assert!(
        !out.join("runs.jsonl").exists(),
        "nothing runs before every input is checked"
    );
    let o = ecsim(&[
        "run",
        "scenarios/default.toml",
        "--set",
        "services[web].desiredCont=3",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("did you mean \"desiredCount\""),
        "{}",
        stderr(&o)
    );
    let _ = std::fs::remove_dir_all(out);
}

#[test]
fn run_set_changes_the_run() {
    let o = ecsim(&[
        "run",
        "scenarios/default.toml",
        "--json",
        "--set",
        "services[web].desiredCount=4",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["services"]["web"]["tasks"]["running_end"], 4);
}

fn compare(args: &[&str]) -> Vec<serde_json::Value> {
    let mut all = vec!["compare", "scenarios/templates/right-size-ec2.toml"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--seeds", "8", "--duration", "4m", "--json"]);
    let o = ecsim(&all);
    assert!(o.status.success(), "{}", stderr(&o));
    serde_json::from_slice::<Vec<serde_json::Value>>(&o.stdout).expect("JSON rows")
}

fn row<'a>(rows: &'a [serde_json::Value], metric: &str) -> &'a serde_json::Value {
    rows.iter()
        .find(|r| r["metric"].as_str().is_some_and(|m| m.ends_with(metric)))
        .expect(metric)
}

#[test]
fn compare_finds_no_difference_between_twins_and_a_better_variant_with_a_narrower_paired_interval()
{
    let twins = compare(&["scenarios/templates/right-size-ec2.toml"]);
    assert!(
        twins
            .iter()
            .all(|r| r["judgement"] == "no_significant_difference"),
        "{twins:?}"
    );
    // One more host: lower p99 (better), higher cost (worse).
    let more = compare(&["--set-b", "instance_groups[0].count=7"]);
    let p99 = row(&more, "latency_ms.p99");
    assert_eq!(p99["judgement"], "better", "{p99}");
    assert_eq!(row(&more, "cost_usd.per_hour")["judgement"], "worse");
    let d = &p99["difference"];
    let paired_half = (d["hi"].as_f64().unwrap() - d["lo"].as_f64().unwrap()) / 2.0;
    let unpaired = p99["unpaired_half_width"].as_f64().unwrap();
    assert!(
        paired_half < unpaired,
        "paired ±{paired_half} vs unpaired ±{unpaired}"
    );
}

fn plan(out: &Path, extra: &[&str]) -> serde_json::Value {
    let mut args = vec![
        "plan",
        "scenarios/templates/right-size-ec2.toml",
        "--vary",
        "instance_groups[0].instance_type=c5.large,m5.xlarge",
        "--vary",
        "instance_groups[0].count=2..8",
        "--slo",
        "services.web.latency_ms.p99 < 150",
        "--seeds",
        "5",
        "--duration",
        "4m",
        "--out",
        out.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    let o = ecsim(&args);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(text.contains("winner "), "{text}");
    serde_json::from_str(&read(out.join("plan.json"))).unwrap()
}

#[test]
fn plan_picks_the_full_grids_winner_with_fewer_runs() {
    let (a, b) = (scratch("plan"), scratch("grid"));
    let smart = plan(&a, &[]);
    let grid = plan(&b, &["--exhaustive"]);
    assert_eq!(grid["runs"], 70);
    assert!(smart["winner"].is_u64(), "{smart}");
    assert_eq!(smart["winner"], grid["winner"]);
    assert_eq!(smart["runner_up"], grid["runner_up"]);
    assert!(
        smart["runs"].as_u64().unwrap() < 70 / 2,
        "{}",
        smart["runs"]
    );
    let bad = ecsim(&[
        "plan",
        "scenarios/default.toml",
        "--vary",
        "instance_groups[web-hosts].count=1..3",
        "--slo",
        "services.web.latency_ms.p99 ~ 150",
    ]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(stderr(&bad).contains("--slo"), "{}", stderr(&bad));
    for d in [a, b] {
        let _ = std::fs::remove_dir_all(d);
    }
}

#[test]
fn shards_run_as_separate_processes_merge_into_the_unsharded_sweep_byte_for_byte() {
    let whole = scratch("whole");
    let a = sweep(&whole, "3", &[]);
    assert!(a.status.success(), "{}", stderr(&a));
    let parts: Vec<PathBuf> = (0..3).map(|i| scratch(&format!("part{i}"))).collect();
    for (i, dir) in parts.iter().enumerate() {
        // Shard 1 finds its index as a Kubernetes Indexed Job would give it.
        let o = if i == 1 {
            Command::new(env!("CARGO_BIN_EXE_ecsim"))
                .args(["sweep", "scenarios/templates/right-size-ec2.toml"])
                .args([
                    "--vary",
                    "instance_groups[0].instance_type=c5.large,m5.large,m5.xlarge",
                ])
                .args([
                    "--vary",
                    "instance_groups[0].count=3..6",
                    "--seeds",
                    "3",
                    "--duration",
                    "3m",
                ])
                .args(["--shard", "auto/3", "--out", dir.to_str().unwrap()])
                .env("JOB_COMPLETION_INDEX", "1")
                .current_dir(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../.."))
                .output()
                .unwrap()
        } else {
            sweep(dir, "3", &["--shard", &format!("{i}/3")])
        };
        assert!(o.status.success(), "{}", stderr(&o));
        assert!(
            !dir.join("sweep.json").exists(),
            "a shard writes only its runs"
        );
    }
    let merged = scratch("merged");
    let mut args = vec!["merge".to_string()];
    args.extend(parts[..2].iter().map(|p| p.display().to_string()));
    args.extend(["--out".into(), merged.display().to_string()]);
    let refs: Vec<&str> = args.iter().map(String::as_str).collect();
    let o = ecsim(&refs);
    assert_eq!(o.status.code(), Some(2), "a missing shard is refused");
    assert!(stderr(&o).contains("missing shards: 2/3"), "{}", stderr(&o));
    let mut args = vec!["merge".to_string()];
    args.extend(parts.iter().map(|p| p.display().to_string()));
    args.extend(["--out".into(), merged.display().to_string()]);
    let refs: Vec<&str> = args.iter().map(String::as_str).collect();
    let o = ecsim(&refs);
    assert!(o.status.success(), "{}", stderr(&o));
    for f in ["sweep.json", "sweep.csv"] {
        assert_eq!(
            read(whole.join(f)),
            read(merged.join(f)),
            "{f}: merged differs from unsharded"
        );
    }
    for d in parts.into_iter().chain([whole, merged]) {
        let _ = std::fs::remove_dir_all(d);
    }
}
