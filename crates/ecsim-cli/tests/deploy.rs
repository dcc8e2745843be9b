//! The batch-engine files in deploy/ are real: each one's sweep command runs as written (on a
//! shortened sweep), takes its shard index from the variable that engine sets, and its merge
//! step names as many shards as the array has members.

mod common;

use common::words;
use std::path::PathBuf;
use std::process::Command;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn read(rel: &str) -> String {
    std::fs::read_to_string(root().join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

/// The `ecsim sweep …` command in `text`, up to the end of its command (a quote closing a JSON
/// string, or the end of the YAML/shell block).
fn sweep_command(text: &str) -> Vec<String> {
    let start = text.find("ecsim sweep ").expect("a sweep command");
    let rest = &text[start..];
    let end = [rest.find("\"\n"), rest.find("\n          resources:")]
        .into_iter()
        .flatten()
        .min()
        .unwrap_or(rest.len());
    words(&rest[..end])
}

/// Runs a deploy file's sweep as written, but on 2 seeds of 20 s, with the engine's index
/// variable set, into a scratch folder; gives the shard count it used.
fn runs_as_written(rel: &str, index_var: &str) -> u64 {
    let mut w = sweep_command(&read(rel));
    assert_eq!(&w[..2], ["ecsim", "sweep"], "{rel}");
    let at = |w: &[String], flag: &str| {
        w.iter()
            .position(|x| x == flag)
            .unwrap_or_else(|| panic!("{rel}: no {flag}"))
    };
    let s = at(&w, "--seeds");
    w[s + 1] = "2".into();
    let shard = at(&w, "--shard");
    let n: u64 = w[shard + 1]
        .strip_prefix("auto/")
        .expect("--shard auto/N")
        .parse()
        .unwrap();
    let o = at(&w, "--out");
    let out = std::env::temp_dir().join(format!("ecsim-deploy-{}-{index_var}", std::process::id()));
    let _ = std::fs::remove_dir_all(&out);
    w[o + 1] = out.display().to_string();
    // The scenario path as the container (/scenarios/…) or the checkout (scenarios/…) has it.
    let sc = w[2].trim_start_matches('/').to_string();
    w[2] = sc;
    let result = Command::new(env!("CARGO_BIN_EXE_ecsim"))
        .args(&w[1..])
        .args(["--duration", "20s"])
        .env(index_var, (n - 1).to_string())
        .current_dir(root())
        .output()
        .unwrap();
    assert!(
        result.status.success(),
        "{rel}: {}",
        String::from_utf8_lossy(&result.stderr)
    );
    assert!(String::from_utf8_lossy(&result.stdout).contains(&format!("shard {}/{n}", n - 1)));
    let _ = std::fs::remove_dir_all(&out);
    n
}

fn merge_parts(text: &str) -> usize {
    let start = text.find("ecsim merge ").expect("a merge command");
    let line = text[start..].lines().next().unwrap();
    words(line).iter().filter(|w| w.contains("shard-")).count()
}

#[test]
fn the_kubernetes_indexed_job_runs_and_its_merge_names_every_shard() {
    let n = runs_as_written("deploy/kubernetes-indexed-job.yaml", "JOB_COMPLETION_INDEX");
    let job = read("deploy/kubernetes-indexed-job.yaml");
    assert!(job.contains("completionMode: Indexed"));
    assert!(
        job.contains(&format!("completions: {n}")),
        "completions must be the shard count"
    );
    assert_eq!(
        merge_parts(&read("deploy/kubernetes-merge-job.yaml")),
        n as usize
    );
}

#[test]
fn the_aws_batch_job_definition_runs() {
    let def: serde_json::Value =
        serde_json::from_str(&read("deploy/aws-batch-job-definition.json")).unwrap();
    assert_eq!(def["type"], "container");
    let n = runs_as_written(
        "deploy/aws-batch-job-definition.json",
        "AWS_BATCH_JOB_ARRAY_INDEX",
    );
    assert_eq!(n, 4);
}

#[test]
fn the_slurm_array_runs_and_its_merge_names_every_shard() {
    let n = runs_as_written("deploy/slurm-sweep.sbatch", "SLURM_ARRAY_TASK_ID");
    let script = read("deploy/slurm-sweep.sbatch");
    assert!(script.contains(&format!("#SBATCH --array=0-{}", n - 1)));
    assert_eq!(merge_parts(&read("deploy/slurm-merge.sbatch")), n as usize);
}
