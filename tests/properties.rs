//! Property tests: scenarios generated over every section (`random_scenario`, driven by a list of
//! numbers that proptest draws and shrinks), each run with every invariant checked after every
//! event and its end state checked (`ecsim_tests::check`), and run twice to the same trace.
//!
//! On a failure (a broken invariant, a wrong end state, or a panic) proptest shrinks the list
//! toward zeros — toward the simplest scenario that still fails — and writes that scenario to
//! `minimal-failure.toml` in the test target's temporary directory (the path is in the message).
//! Save it under `tests/regressions/` with a comment on what it found and a `# seed: N` line:
//! `regression_scenarios_keep_every_invariant` replays each one. proptest also records the failing case's seed in `tests/proptest-regressions/`, which
//! it replays first on every run (commit that file too).
//!
//! `PROPTEST_CASES=N` sets the number of cases of each property (CI runs the defaults: 10,000
//! scenarios against the invariants, 1,000 twice for determinism — about 15 s together).

// Native only: proptest and the regression files are native only.
#![cfg(not(target_arch = "wasm32"))]

use ecsim_tests::check::check_scenario;
use ecsim_tests::{parse, random_scenario, ChoiceList, CHOICES};
use proptest::prelude::*;
use proptest::test_runner::{Config, FileFailurePersistence};
use std::path::{Path, PathBuf};

/// `cases` unless `PROPTEST_CASES` says otherwise; failures persisted beside the tests.
fn config(cases: u32) -> Config {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(cases);
    Config {
        cases,
        // Relative to the test's working directory, the `tests/` crate.
        failure_persistence: Some(Box::new(FileFailurePersistence::Direct(
            "proptest-regressions/properties.txt",
        ))),
        // Enough to take every decision of a failing case to its simplest (the default is 4 per
        // case run, too few for a scenario's 300-odd decisions).
        max_shrink_iters: 50_000,
        ..Config::default()
    }
}

/// Where the last failing scenario is written: after shrinking, the minimal one.
fn minimal_failure() -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR")).join("minimal-failure.toml")
}

/// The decisions of one scenario, in the generator's fixed layout: shrinking sets them toward 0,
/// the simplest choice, one at a time, and none moves another.
fn choices() -> impl Strategy<Value = Vec<u32>> {
    prop::collection::vec(0u32..1024, CHOICES)
}

/// `f`'s verdict on a generated scenario, a panic inside it taken as a failure too; a failure is
/// written to `minimal_failure()` (after shrinking, the last one written is the minimal).
fn judge(
    text: &str,
    seed: u64,
    f: impl FnOnce() -> Result<(), String>,
) -> Result<(), TestCaseError> {
    let verdict = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).unwrap_or_else(|p| {
        let msg = p
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap_or_default();
        Err(format!("panicked: {msg}"))
    });
    verdict.map_err(|e| {
        let path = minimal_failure();
        let saved = std::fs::write(&path, format!("# seed {seed}: {e}\n{text}"));
        TestCaseError::fail(format!(
            "seed {seed}: {e}\n(scenario written to {}: {saved:?})\n{text}",
            path.display()
        ))
    })
}

proptest! {
    #![proptest_config(config(10_000))]
    #[test]
    fn generated_scenarios_keep_every_invariant(list in choices(), seed in 0u64..1_000) {
        let text = random_scenario(&mut ChoiceList::new(&list));
        judge(&text, seed, || check_scenario(&text, seed).map(|_| ()))?;
    }
}

proptest! {
    #![proptest_config(config(1_000))]
    /// The same scenario and seed give the same trace and the same summary, whatever ran before.
    #[test]
    fn generated_scenarios_run_the_same_twice(list in choices(), seed in 0u64..1_000) {
        let text = random_scenario(&mut ChoiceList::new(&list));
        judge(&text, seed, || {
            let sc = parse(&text);
            let opts = ecsim_core::RunOptions { seed: Some(seed), ..Default::default() };
            let a = ecsim_core::run(&sc, &opts).map_err(|e| e.to_string())?;
            let b = ecsim_core::run(&sc, &opts).map_err(|e| e.to_string())?;
            let json = |o: &ecsim_core::RunOutput| serde_json::to_string(&o.summary).ok();
            if json(&a) != json(&b) {
                return Err(format!(
                    "two runs differ: trace {} and {}",
                    a.summary.trace_hash, b.summary.trace_hash
                ));
            }
            Ok(())
        })?;
    }
}

/// Every scenario under `tests/regressions/` (each once failed a property or the invariant
/// test), at a few seeds and at the one it failed at.
#[test]
fn regression_scenarios_keep_every_invariant() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("regressions");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    files.sort();
    assert!(
        !files.is_empty(),
        "no regression scenarios in {}",
        dir.display()
    );
    for f in &files {
        let text = std::fs::read_to_string(f).unwrap_or_else(|e| panic!("{}: {e}", f.display()));
        // Seeds 0 to 3, and the one it failed at (a `# seed: N` line).
        let found = text
            .lines()
            .filter_map(|l| l.strip_prefix("# seed: ")?.trim().parse::<u64>().ok());
        for seed in (0..4).chain(found) {
            if let Err(e) = check_scenario(&text, seed) {
                panic!("{} at seed {seed}: {e}", f.display());
            }
        }
    }
}

/// The shrinking works: a property that fails on any scenario with a deployment shrinks to a
/// scenario with little else.
#[test]
fn a_failure_shrinks_to_a_small_scenario() {
    let mut runner = proptest::test_runner::TestRunner::new(Config {
        cases: 500,
        failure_persistence: None,
        max_shrink_iters: 50_000,
        ..Config::default()
    });
    let result = runner.run(&choices(), |list| {
        let text = random_scenario(&mut ChoiceList::new(&list));
        prop_assert!(!text.contains("revision = 2"));
        Ok(())
    });
    let Err(proptest::test_runner::TestError::Fail(_, list)) = result else {
        panic!("no generated scenario had a deployment: {result:?}");
    };
    let text = random_scenario(&mut ChoiceList::new(&list));
    // One group, one deployment, no optional section; the service that deploys may be a later
    // one (shrinking sets decisions to 0, and cannot move a deployment to the first service).
    for absent in [
        "[[roles]]",
        "[[traffic]]",
        "[[auto_scaling]]",
        "[[faults]]",
        "[[scheduled_tasks]]",
        "[[registry_outages]]",
        "[[capacity_providers]]",
        "mixed_instance_types",
        "spot_interruptions",
    ] {
        assert!(
            !text.contains(absent),
            "{absent} left after shrinking:\n{text}"
        );
    }
    assert_eq!(text.matches("[[instance_groups]]").count(), 1, "{text}");
    assert_eq!(text.matches("revision = 2").count(), 1, "{text}");
    assert!(text.contains("duration = \"60s\""), "{text}");
}
