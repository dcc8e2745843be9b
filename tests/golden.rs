//! The golden file: every library scenario's whole summary (its `trace_hash` among it) at its own
//! seed, its `trace_hash` at seed 2, and the `trace_hash` of the first random scenarios of the
//! invariant test, as committed in `tests/golden/library.json`.
//!
//! A change that should not alter behaviour (a refactor) must leave this file as it is; a change
//! that alters it on purpose rewrites it with `ECSIM_BLESS=1 cargo test -p ecsim-tests --test
//! golden` and says in its commit which numbers moved. On a mismatch the test names every field
//! that differs, with both values.

use ecsim_core::rng::Stream;
use ecsim_core::{run, RunOptions};
use ecsim_tests::{library, parse, random_scenario};
use serde_json::{json, Map, Value};
use std::path::PathBuf;

/// How many of the invariant test's random scenarios have their hash kept: enough to cover Auto
/// Scaling groups, Spot, batches and faults (see `random_scenario`), few enough to take seconds.
const RANDOM: u64 = 60;

fn golden_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("golden/library.json")
}

fn current() -> Value {
    let mut scenarios = Map::new();
    for sc in library() {
        let own = run(&sc, &RunOptions::default())
            .unwrap_or_else(|e| panic!("{}: {e}", sc.file))
            .summary;
        let seed2 = run(
            &sc,
            &RunOptions {
                seed: Some(2),
                ..Default::default()
            },
        )
        .unwrap_or_else(|e| panic!("{} seed 2: {e}", sc.file))
        .summary;
        scenarios.insert(
            sc.file.clone(),
            json!({
                "summary": serde_json::to_value(&own).expect("a summary is plain data"),
                "trace_hash_seed_2": seed2.trace_hash,
            }),
        );
    }
    let mut r = Stream::new(42, "random-scenarios");
    let random: Vec<Value> = (0..RANDOM)
        .map(|i| {
            let text = random_scenario(&mut r);
            let out = run(
                &parse(&text),
                &RunOptions {
                    seed: Some(i),
                    ..Default::default()
                },
            )
            .unwrap_or_else(|e| panic!("random scenario {i}: {e}\n{text}"));
            json!(format!(
                "{i}: {} ({} events)",
                out.summary.trace_hash, out.summary.events
            ))
        })
        .collect();
    json!({ "library": scenarios, "random_scenarios": random })
}

/// Every path at which `a` and `b` differ, with both values.
fn differences(path: &str, a: &Value, b: &Value, out: &mut Vec<String>) {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            for k in x.keys().chain(y.keys().filter(|k| !x.contains_key(*k))) {
                let (va, vb) = (
                    x.get(k).unwrap_or(&Value::Null),
                    y.get(k).unwrap_or(&Value::Null),
                );
                differences(&format!("{path}.{k}"), va, vb, out);
            }
        }
        (Value::Array(x), Value::Array(y)) if x.len() == y.len() => {
            for (i, (va, vb)) in x.iter().zip(y).enumerate() {
                differences(&format!("{path}[{i}]"), va, vb, out);
            }
        }
        _ if a != b => out.push(format!("{path}: golden {a}, now {b}")),
        _ => {}
    }
}

#[test]
fn every_library_scenario_matches_the_golden_file() {
    let now = current();
    let path = golden_path();
    if std::env::var_os("ECSIM_BLESS").is_some() {
        let text = serde_json::to_string_pretty(&now).expect("plain data") + "\n";
        std::fs::create_dir_all(path.parent().expect("a folder")).expect("tests/golden writable");
        std::fs::write(&path, text).expect("tests/golden/library.json writable");
        eprintln!("wrote {}", path.display());
        return;
    }
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e} (ECSIM_BLESS=1 cargo test -p ecsim-tests --test golden writes it)",
            path.display()
        )
    });
    // The text itself is compared, so a float that moved in its last bit is caught even where
    // serde_json's parser would read both spellings as the same number.
    let now_text = serde_json::to_string_pretty(&now).expect("plain data") + "\n";
    if now_text == text {
        return;
    }
    let (g_lines, n_lines): (Vec<&str>, Vec<&str>) =
        (text.lines().collect(), now_text.lines().collect());
    let diffs: Vec<String> = if g_lines.len() == n_lines.len() {
        // Same shape: the lines that differ, each under the scenario it belongs to.
        let mut within = "";
        let mut out = Vec::new();
        for (i, (g, n)) in g_lines.iter().zip(&n_lines).enumerate() {
            if g.starts_with("    \"") && g.ends_with('{') {
                within = g.trim().trim_end_matches(": {");
            }
            if g != n {
                let (g, n) = (g.trim(), n.trim());
                out.push(format!("line {} ({within}): golden {g}, now {n}", i + 1));
            }
        }
        out
    } else {
        // Fields came or went: name them by path (both sides read by the same parser).
        let read = |t: &str| -> Value {
            serde_json::from_str(t).unwrap_or_else(|e| panic!("{}: not JSON: {e}", path.display()))
        };
        let mut out = Vec::new();
        differences("", &read(&text), &read(&now_text), &mut out);
        out
    };
    panic!(
        "{} field(s) differ from {} (a change of behaviour; if on purpose, rewrite it with \
         ECSIM_BLESS=1 and say what moved):\n{}",
        diffs.len(),
        path.display(),
        diffs.join("\n")
    );
}

#[test]
fn the_comparison_names_what_differs() {
    let a = json!({"x": {"p99": 1.5, "n": [1, 2]}, "h": "ab"});
    let b = json!({"x": {"p99": 1.75, "n": [1, 3]}, "h": "ab", "new": 1});
    let mut d = Vec::new();
    differences("", &a, &b, &mut d);
    assert_eq!(
        d,
        vec![
            ".x.n[1]: golden 2, now 3",
            ".x.p99: golden 1.5, now 1.75",
            ".new: golden null, now 1"
        ]
    );
}
