//! The readable report (`ecsim_front::report`), checked whole against snapshots in
//! `tests/golden/report/`: the CLI prints it and the web page shows it, so a change to any line
//! shows up here as a diff. `UPDATE_EXPECT=1 cargo test -p ecsim-tests --test report` rewrites
//! the snapshots after a change on purpose. Native only: the snapshots are files.
#![cfg(not(target_arch = "wasm32"))]

use ecsim_core::{run, RunOptions};
use ecsim_tests::library;

fn report_of(file: &str) -> String {
    let sc = library()
        .into_iter()
        .find(|s| s.file == file)
        .unwrap_or_else(|| panic!("{file} is in the library"));
    let out = run(&sc, &RunOptions::default()).unwrap_or_else(|e| panic!("{file}: {e}"));
    ecsim_front::report::text(&sc, &out.summary)
}

#[test]
fn the_default_scenarios_report() {
    expect_test::expect_file!["golden/report/default.txt"]
        .assert_eq(&report_of("scenarios/default.toml"));
}

#[test]
fn a_deployment_lessons_report() {
    expect_test::expect_file!["golden/report/rolling-upgrade.txt"]
        .assert_eq(&report_of("scenarios/lessons/rolling-upgrade.toml"));
}

#[test]
fn a_batch_on_spot_lessons_report() {
    expect_test::expect_file!["golden/report/spot-batch.txt"]
        .assert_eq(&report_of("scenarios/lessons/spot-batch.toml"));
}

#[test]
fn a_capacity_provider_lessons_report() {
    expect_test::expect_file!["golden/report/scale-in-seconds.txt"]
        .assert_eq(&report_of("scenarios/lessons/scale-in-seconds.toml"));
}
