//! docs/capacity-planning.md's commands run as written, on a smaller version of the question
//! (2 seeds, 9 minutes: one minute of the traffic), and give an answer of the guide's shape.

mod common;

use common::words;
use std::path::PathBuf;
use std::process::Command;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The `ecsim …` commands of the guide's `sh` blocks, continuation lines joined.
fn commands(guide: &str) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    let mut in_sh = false;
    let mut cur = String::new();
    for line in guide.lines() {
        if line.starts_with("```") {
            in_sh = line == "```sh";
            continue;
        }
        if !in_sh {
            continue;
        }
        cur.push_str(line.trim_end_matches('\\'));
        cur.push(' ');
        if !line.ends_with('\\') {
            if cur.trim_start().starts_with("ecsim ") {
                out.push(words(&cur));
            }
            cur.clear();
        }
    }
    out
}

#[test]
fn the_capacity_planning_guide_runs_as_written_on_a_smaller_question() {
    let guide = std::fs::read_to_string(root().join("docs/capacity-planning.md")).unwrap();
    let cmds = commands(&guide);
    let kinds: Vec<&str> = cmds.iter().map(|c| c[1].as_str()).collect();
    assert_eq!(
        kinds,
        ["sweep", "sweep", "plot", "plot", "plan", "plan"],
        "the guide's steps"
    );
    let tmp = std::env::temp_dir().join(format!("ecsim-guide-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&tmp);
    std::fs::create_dir_all(&tmp).unwrap();
    let mut plans = Vec::new();
    for cmd in &cmds {
        let mut args: Vec<String> = cmd[1..]
            .iter()
            .map(|a| {
                a.replace("guide-out/", &format!("{}/", tmp.display()))
                    .replace("docs/capacity-planning/", &format!("{}/", tmp.display()))
            })
            .collect();
        if let Some(i) = args.iter().position(|a| a == "--seeds") {
            args[i + 1] = "2".into();
        }
        if matches!(args[0].as_str(), "sweep" | "plan") {
            args.extend(["--duration".into(), "9m".into()]);
        }
        let o = Command::new(env!("CARGO_BIN_EXE_ecsim"))
            .args(&args)
            .current_dir(root())
            .output()
            .unwrap();
        assert!(
            o.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        if args[0] == "plan" {
            plans.push(String::from_utf8_lossy(&o.stdout).to_string());
        }
    }
    assert!(plans[0].contains("winner     (c5.large, "), "{}", plans[0]);
    assert!(plans[1].contains("winner     ("), "{}", plans[1]);
    for svg in ["ec2-p99-by-tasks.svg", "ec2-pareto.svg"] {
        assert!(std::fs::read_to_string(tmp.join(svg))
            .unwrap()
            .starts_with("<svg"));
        assert!(
            root().join("docs/capacity-planning").join(svg).exists(),
            "{svg} is committed"
        );
    }
    let _ = std::fs::remove_dir_all(&tmp);
}
