//! The scenario library as a whole: every scenario runs, and every lesson's objectives hold
//! (an exercise's are meant to fail as given).

use ecsim_tests::run_checked;

#[test]
fn every_library_scenario_runs_with_its_objectives_held() {
    for sc in ecsim_tests::library() {
        let out = run_checked(&sc, None).finish();
        if sc.spec.kind.as_deref() == Some("exercise") {
            // An exercise starts broken: every objective fails until the learner fixes it.
            assert!(
                out.summary.objectives.iter().all(|o| !o.held),
                "{}: an exercise objective holds",
                sc.file
            );
            continue;
        }
        for o in &out.summary.objectives {
            assert!(
                o.held,
                "{}: objective {:?} did not hold: {:?}",
                sc.file, o.name, o
            );
        }
    }
}
