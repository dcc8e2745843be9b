//! Bad input: malformed or out-of-range scenarios give an error that names the file, the line and
//! the field, never a panic.

use ecsim_core::rng::Stream;
use ecsim_core::Scenario;

fn err(text: &str, file: &str) -> ecsim_core::ScenarioError {
    match Scenario::parse(text, file) {
        Ok(_) => panic!("{file} should be rejected:\n{text}"),
        Err(e) => e,
    }
}

const GOOD: &str = ecsim_core::DEFAULT_SCENARIO;

#[test]
fn a_type_error_names_the_field_and_line() {
    let text = GOOD.replace("desiredCount = 8", "desiredCount = \"eight\"");
    let e = err(&text, "s.toml");
    assert_eq!(e.field.as_deref(), Some("services[0].desiredCount"), "{e}");
    let line = text.lines().position(|l| l.contains("\"eight\"")).unwrap() + 1;
    assert_eq!(e.line, Some(line), "{e}");
    assert!(e.to_string().starts_with(&format!("s.toml:{line}")), "{e}");
}

#[test]
fn an_unknown_scenario_key_is_refused() {
    let e = err(
        &GOOD.replace("sample_step = \"5s\"", "sample_stepp = \"5s\""),
        "s.toml",
    );
    assert!(e.message.contains("sample_stepp"), "{e}");
    assert!(e.line.is_some(), "{e}");
}

#[test]
fn a_syntax_error_gives_the_line() {
    let e = err("name = \"x\"\nduration = [\n", "broken.toml");
    assert_eq!(e.file, "broken.toml");
    assert!(e.line.is_some(), "{e}");
}

#[test]
fn semantic_errors_name_the_field_and_find_its_line() {
    let cases = [
        (
            "instance_type = \"m5.large\"",
            "instance_type = \"m5.huge\"",
            "instance_groups[0].instance_type",
        ),
        (
            "taskDefinition = \"web\"",
            "taskDefinition = \"api\"",
            "services[0].taskDefinition",
        ),
        ("duration = \"10m\"", "duration = \"0s\"", "duration"),
        (
            "ECS_CLUSTER=default",
            "ECS_RESERVED_MEMORY=lots",
            "instance_groups[0].ecs_config",
        ),
        (
            "type = \"spread\", field = \"instanceId\"",
            "type = \"spread\", field = \"cpu\"",
            "services[0].placementStrategy[0].field",
        ),
        (
            "hostPort = 0",
            "hostPort = 0 }, { containerPort = 0",
            "task_definitions[0].containerDefinitions[0].portMappings[1].containerPort",
        ),
        // A Classic Load Balancer needs a static host port.
        (
            "algorithm = \"round_robin\"",
            "algorithm = \"round_robin\"\nload_balancer = \"classic\"",
            "traffic[0].load_balancer",
        ),
        // Objectives must name a number of the summary.
        (
            "metric = \"services.web.tasks.running_end\"",
            "metric = \"services.web.tasks.runing_end\"",
            "objectives[0].metric",
        ),
        (
            "metric = \"services.web.tasks.running_end\"",
            "metric = \"services.api.tasks.running_end\"",
            "objectives[0].metric",
        ),
        (
            "metric = \"services.web.tasks.running_end\"",
            "metric = \"services.web.tasks\"",
            "objectives[0].metric",
        ),
    ];
    for (from, to, field) in cases {
        let text = GOOD.replace(from, to);
        assert_ne!(text, GOOD, "{from}");
        let e = err(&text, "s.toml");
        assert_eq!(e.field.as_deref(), Some(field), "{e}");
        assert!(e.line.is_some(), "no line for {field}: {e}");
    }
}

#[test]
fn json_scenarios_report_line_and_field() {
    let e = err(
        "{\n  \"name\": \"x\",\n  \"duration\": \"1m\",\n  \"seed\": -4\n}",
        "s.json",
    );
    assert_eq!(e.line, Some(4), "{e}");
    assert_eq!(e.field.as_deref(), Some("seed"), "{e}");
}

/// A small fuzzer: thousands of random mutations of the library's scenarios (byte flips,
/// deletions, truncations, digit changes) must each parse or fail with an error, never panic.
#[test]
fn mutated_scenarios_never_panic() {
    let mut rng = Stream::new(2026, "fuzz");
    let sources: Vec<&str> = ecsim_tests::LIBRARY.iter().map(|(_, t, _)| *t).collect();
    let mut parsed = 0;
    for i in 0..3000 {
        let src = sources[i % sources.len()].as_bytes();
        let mut b = src.to_vec();
        for _ in 0..1 + rng.below(4) {
            let at = rng.below(b.len() as u64) as usize;
            match rng.below(4) {
                0 => b[at] = rng.below(128) as u8,
                1 => {
                    b.remove(at);
                }
                2 => b.truncate(at),
                _ => b[at] = b"0123456789-."[rng.below(12) as usize],
            }
            if b.is_empty() {
                break;
            }
        }
        let text = String::from_utf8_lossy(&b);
        let result = std::panic::catch_unwind(|| {
            Scenario::parse(&text, "fuzz.toml").map(|sc| {
                // A scenario that still parses must also run without breaking an invariant.
                let mut sim = ecsim_core::Simulation::new(
                    &sc,
                    &ecsim_core::RunOptions {
                        duration: Some(ecsim_core::SimDuration::from_secs(120)),
                        check_invariants: true,
                        ..Default::default()
                    },
                );
                sim.run_to_end().map_err(|e| e.to_string())
            })
        });
        match result {
            Err(_) => panic!("panic on mutation {i}:\n{text}"),
            Ok(Ok(Err(v))) => panic!("invariant broken on mutation {i}: {v}\n{text}"),
            Ok(Ok(Ok(()))) => parsed += 1,
            Ok(Err(_)) => {}
        }
    }
    // Both branches must be exercised, or the fuzzer tests nothing.
    assert!(parsed > 100 && parsed < 2900, "parsed {parsed} of 3000");
}
