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

/// Every lesson step with a checkpoint says what it changes, and doing it reaches the
/// checkpoint while the lesson as given does not: a learner who does the Try sees green.
#[test]
fn every_lesson_checkpoint_is_reached_by_its_try_and_not_before() {
    let mut checked = 0;
    for (file, text, _) in ecsim_tests::LIBRARY {
        let sc = ecsim_core::Scenario::parse(text, file).unwrap_or_else(|e| panic!("{e}"));
        let Some(lesson) = &sc.spec.lesson else {
            continue;
        };
        let as_given = run_checked(&sc, None).finish().summary;
        for (k, step) in lesson.try_this.iter().enumerate() {
            if step.expect().is_empty() {
                continue;
            }
            assert!(
                !step.set().is_empty(),
                "{file}: try {} has a checkpoint but no `set` to check it with",
                k + 1
            );
            let before = as_given
                .tries
                .iter()
                .find(|r| r.step == k + 1)
                .expect("evaluated");
            assert!(
                !before.reached,
                "{file}: try {}'s checkpoint already holds as given",
                k + 1
            );
            let overrides: Vec<_> = step
                .set()
                .iter()
                .map(|a| {
                    ecsim_front::setting::Override::parse(a)
                        .unwrap_or_else(|e| panic!("{file}: {a}: {e}"))
                })
                .collect();
            let done = ecsim_front::setting::apply(text, file, &overrides)
                .unwrap_or_else(|e| panic!("{file}: try {}: {e}", k + 1));
            let after = ecsim_core::Scenario::parse(&done, file).unwrap_or_else(|e| {
                panic!("{file}: try {} makes the scenario invalid: {e}", k + 1)
            });
            let out = run_checked(&after, None).finish().summary;
            let r = out
                .tries
                .iter()
                .find(|r| r.step == k + 1)
                .expect("evaluated");
            assert!(
                r.reached,
                "{file}: try {} does not reach its checkpoint: {:?}",
                k + 1,
                r.expect
            );
            // Doing the Try turns nothing red that its checkpoint does not account for: an
            // objective that held as given and fails after it is about what the checkpoint
            // is about (the page shows it as moved by the step, not as a failure).
            let about: Vec<String> = step
                .expect()
                .iter()
                .map(|e| ecsim_front::metric::subject(&e.metric))
                .collect();
            assert_eq!(as_given.objectives.len(), out.objectives.len(), "{file}");
            for (given, now) in as_given.objectives.iter().zip(&out.objectives) {
                assert_eq!(given.name, now.name, "{file}: try {}", k + 1);
                assert!(
                    !given.held
                        || now.held
                        || about.contains(&ecsim_front::metric::subject(&now.metric)),
                    "{file}: try {} turns the objective {:?} red, and its checkpoint says nothing of {}",
                    k + 1,
                    now.name,
                    ecsim_front::metric::subject(&now.metric)
                );
            }
            checked += 1;
        }
    }
    // Every step with a checkpoint in the library today: static-vs-dynamic-ports 2,
    // alb-dynamic-ports, wrong-cluster-name, memory-limits 2, rolling-upgrade, spot-batch,
    // container-health-checks, daemon-services, ecr-pulls 2, fargate-vs-ec2 2,
    // scale-in-seconds 2, zone-outage.
    assert!(checked >= 17, "only {checked} checkpoints in the library");
}

/// Every objective of a lesson or exercise says why it comes out as it does, and every
/// exercise objective (each fails as given) says what to change: a learner is never left with
/// a bare metric.
#[test]
fn every_lesson_objective_is_explained_and_every_exercise_one_hinted() {
    for sc in ecsim_tests::library() {
        let kind = sc.spec.kind.as_deref();
        if !matches!(kind, Some("lesson" | "exercise")) {
            continue;
        }
        for o in &sc.spec.objectives {
            assert!(
                o.explain.as_deref().is_some_and(|e| e.len() > 20),
                "{}: objective {:?} has no explanation",
                sc.file,
                o.name
            );
            if kind == Some("exercise") {
                assert!(
                    o.hint.as_deref().is_some_and(|h| h.len() > 10),
                    "{}: exercise objective {:?} has no hint",
                    sc.file,
                    o.name
                );
            }
        }
    }
}
