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

/// What the table expects of an input.
enum Expect {
    /// Refused: the error's field path and a part of its message.
    Error(&'static str, &'static str),
    /// Runs, with this warning (field, a part of its message) in the summary.
    Warning(&'static str, &'static str),
}

/// The bad-input table: each row an input (the default scenario with one change, or a whole
/// text) and what must come of it. `cargo test --test bad_input -- --nocapture` prints it with
/// the messages.
#[test]
fn the_bad_input_table() {
    use Expect::*;
    let swap = |from: &str, to: &str| {
        assert!(
            GOOD.contains(from),
            "{from:?} is not in the default scenario"
        );
        GOOD.replacen(from, to, 1)
    };
    let service = |line: &str| swap("[[services]]\n", &format!("[[services]]\n{line}\n"));
    let rows: Vec<(&str, String, &str, Expect)> = vec![
        (
            "a JSON key that is not ASCII",
            r#"{"name":"x","duration":"1m","instance_types":{"é":{"vcpu":0,"memory_mib":512,"enis":1,"network_gbps":1,"price_per_hour":0}}}"#.into(),
            "s.json",
            Error("instance_types.é.vcpu", "must be"),
        ),
        ("desiredCont", service("desiredCont = 4"), "s.toml", Error("services[0].desiredCont", "did you mean `desiredCount`?")),
        ("desired_count", service("desired_count = 4"), "s.toml", Error("services[0].desired_count", "did you mean `desiredCount`?")),
        ("launch_type", service("launch_type = \"FARGATE\""), "s.toml", Error("services[0].launch_type", "did you mean `launchType`?")),
        ("start_at", service("start_at = \"10s\""), "s.toml", Error("services[0].start_at", "did you mean `startAt`?")),
        ("placementStratgy", service("placementStratgy = []"), "s.toml", Error("services[0].placementStratgy", "did you mean `placementStrategy`?")),
        ("deploymentConfig", service("deploymentConfig = {}"), "s.toml", Error("services[0].deploymentConfig", "did you mean `deploymentConfiguration`?")),
        ("networkMod", swap("networkMode = \"bridge\"", "networkMod = \"bridge\""), "s.toml", Error("task_definitions[0].networkMod", "did you mean `networkMode`?")),
        ("memoryReservaton", swap("memoryReservation = 512", "memoryReservaton = 512"), "s.toml", Error("task_definitions[0].containerDefinitions[0].memoryReservaton", "did you mean `memoryReservation`?")),
        ("hostPrt", swap("hostPort = 0", "hostPrt = 0"), "s.toml", Error("task_definitions[0].containerDefinitions[0].portMappings[0].hostPrt", "did you mean `hostPort`?")),
        ("a key with no close name", service("zebra = 1"), "s.toml", Error("services[0].zebra", "expected one of `serviceName`")),
        // Found while fuzzing: the path of an unknown key outside the AWS-shaped sections named
        // the key twice (`sample_stp.sample_stp`).
        ("a top-level typo", swap("sample_step =", "sample_stp ="), "s.toml", Error("sample_stp", "did you mean `sample_step`?")),
        ("a typo in a JSON table", r#"{"name":"x","duration":"1m","cluster":{"nme":"c"}}"#.into(), "s.json", Error("cluster.nme", "did you mean `name`?")),
        (
            "a JSON service's typo",
            r#"{"name":"x","duration":"1m","task_definitions":[{"family":"w","containerDefinitions":[{"name":"w","image":"w","memory":128}]}],"services":[{"serviceName":"w","taskDefinition":"w","desiredCont":1}]}"#.into(),
            "s.json",
            Error("services[0].desiredCont", "did you mean `desiredCount`?"),
        ),
        // Issue 15, departure 12: `aws ecs describe-task-definition`'s whole answer, as it prints it.
        (
            "describe-task-definition's whole answer",
            r#"{"name":"x","duration":"1m","task_definitions":[{"tags":[{"key":"team","value":"web"}],"taskDefinition":{"taskDefinitionArn":"arn:aws:ecs:us-east-1:123456789012:task-definition/w:3","family":"w","containerDefinitions":[{"name":"w","image":"w","memory":128}]}}]}"#.into(),
            "s.json",
            Warning("task_definitions[0]", "ignored: tags, taskDefinitionArn"),
        ),
        (
            "a typo inside describe-task-definition's answer",
            r#"{"name":"x","duration":"1m","task_definitions":[{"taskDefinition":{"family":"w","containerDefinitions":[{"name":"w","image":"w","memroy":128}]},"tags":[]}]}"#.into(),
            "s.json",
            Error("task_definitions[0].taskDefinition.containerDefinitions[0].memroy", "did you mean `memory`?"),
        ),
        ("a JSON trailing comma", r#"{"name":"x","duration":"1m",}"#.into(), "s.json", Error("", "a trailing comma: JSON allows none")),
        ("NaN in JSON", r#"{"name":"x","duration":"1m","seed":NaN}"#.into(), "s.json", Error("seed", "NaN and Infinity are not JSON numbers")),
        ("an unbounded queue_limit", swap("algorithm = \"round_robin\"", "algorithm = \"round_robin\"\nqueue_limit = 10000000"), "s.toml", Error("traffic[0].queue_limit", "past the 100000 a run may hold")),
        ("AWS's own service fields", service("tags = [{ key = \"team\", value = \"web\" }]\nenableExecuteCommand = true"), "s.toml", Warning("services[0]", "ignored: enableExecuteCommand, tags")),
        ("AWS's own container fields", swap("essential = true,", "essential = true, environment = [{ name = \"A\", value = \"1\" }], secrets = [],"), "s.toml", Warning("task_definitions[0].containerDefinitions[0]", "ignored: environment, secrets")),
        ("an unknown ecs.config key", swap("ECS_CLUSTER=default\n", "ECS_CLUSTER=default\nECS_CLUSTR=prod\n"), "s.toml", Warning("instance_groups[0].ecs_config", "unknown key ECS_CLUSTR is ignored by the agent")),
        ("a quoted ecs.config value", swap("ECS_CLUSTER=default\n", "ECS_CLUSTER=\"default\"\n"), "s.toml", Warning("instance_groups[0].ecs_config", "ECS_CLUSTER=\"default\": the agent keeps the quotes")),
        ("export in ecs.config", swap("ECS_CLUSTER=default\n", "export ECS_CLUSTER=default\n"), "s.toml", Warning("instance_groups[0].ecs_config", "ecs-init reads no shell syntax")),
        ("an ecs.config line without =", swap("ECS_CLUSTER=default\n", "ECS_CLUSTER=default\nECS_RESERVED_MEMORY\n"), "s.toml", Warning("instance_groups[0].ecs_config", "is not KEY=VALUE: ecs-init skips the line")),
        ("an ecs.config boolean the agent cannot read", swap("ECS_CLUSTER=default\n", "ECS_CLUSTER=default\nECS_ENABLE_TASK_IAM_ROLE=yes\n"), "s.toml", Warning("instance_groups[0].ecs_config", "it keeps its default, true")),
        ("startAt after the end", swap("startAt = \"60s\"", "startAt = \"11m\""), "s.toml", Warning("services[0].startAt", "it never runs")),
        ("more CPU than any instance type", swap("cpu = 256, memory = 1024,", "cpu = 4096, memory = 1024,"), "s.toml", Warning("task_definitions[0]", "needs 4096 CPU units; no instance type here has that many (2048 CPU units at most)")),
        ("more memory than any instance type", swap("cpu = 256, memory = 1024, memoryReservation = 512,", "cpu = 256, memory = 20000,"), "s.toml", Warning("task_definitions[0]", "needs 20000 MiB; no instance type here has that much (8192 MiB at most)")),
        ("a host port the agent reserves", swap("hostPort = 0", "hostPort = 22"), "s.toml", Warning("task_definitions[0]", "needs host port 22, which the agent reserves")),
        (
            "an objective on a latency no traffic makes",
            GOOD.replacen("[[traffic]]", "[[objectives]]\nname = \"fast\"\nmetric = \"services.batch.latency_ms.p99\"\nop = \"<\"\nvalue = 100\n\n[[traffic]]", 1)
                .replacen("[[objectives]]", "[[task_definitions]]\nfamily = \"batch\"\ncontainerDefinitions = [{ name = \"b\", image = \"b\", cpu = 128, memory = 128 }]\n[[services]]\nserviceName = \"batch\"\ntaskDefinition = \"batch\"\ndesiredCount = 1\n\n[[objectives]]", 1),
            "s.toml",
            Warning("objectives[1].metric", "\"services.batch.latency_ms.p99\" can never be measured: service batch has no [[traffic]]"),
        ),
        (
            "awsvpc where no instance has an ENI to spare",
            swap("networkMode = \"bridge\"", "networkMode = \"awsvpc\"")
                .replacen("instance_type = \"m5.large\"", "instance_type = \"one-eni\"", 1)
                + "[instance_types.one-eni]\nvcpu = 2\nmemory_mib = 8192\nenis = 1\nnetwork_gbps = 10\nprice_per_hour = 0.1\n",
            "s.toml",
            Warning("task_definitions[0]", "needs an ENI of its own; no instance type here has one to spare"),
        ),
    ];
    // A byte-order mark is not part of the scenario, in either format.
    for (text, file) in [
        (format!("\u{feff}{GOOD}"), "s.toml"),
        (
            "\u{feff}{\"name\":\"x\",\"duration\":\"1m\"}".into(),
            "s.json",
        ),
    ] {
        Scenario::parse(&text, file).unwrap_or_else(|e| panic!("a BOM: {e}"));
        println!("| a UTF-8 byte-order mark ({file}) | runs |");
    }
    for (what, text, file, expect) in rows {
        match (Scenario::parse(&text, file), expect) {
            (Err(e), Error(field, part)) => {
                let want = (!field.is_empty()).then_some(field);
                assert_eq!(e.field.as_deref(), want, "{what}: {e}");
                assert!(e.message.contains(part), "{what}: {e}");
                assert!(e.line.is_some(), "{what}: no line in {e}");
                // And the message a user reads names them whole.
                let shown = e.to_string();
                assert!(
                    shown.contains(&format!("field `{field}`")) || field.is_empty(),
                    "{what}: {shown}"
                );
                println!("| {what} | exit 2: `{e}` |");
            }
            (Ok(sc), Warning(field, part)) => {
                let w = sc
                    .warnings
                    .iter()
                    .find(|w| w.field == field && w.message.contains(part));
                let Some(w) = w else {
                    panic!("{what}: no warning {field}: …{part}… in {:?}", sc.warnings)
                };
                let out = ecsim_core::run(&sc, &Default::default()).expect("it runs");
                assert!(
                    out.summary.warnings.contains(w),
                    "{what}: not in the summary"
                );
                println!("| {what} | runs, warning `{w}` |");
            }
            (Ok(sc), Error(..)) => panic!("{what}: accepted, warnings {:?}", sc.warnings),
            (Err(e), Warning(..)) => panic!("{what}: refused: {e}"),
        }
    }
}

#[test]
fn names_with_commas_and_quotes_keep_every_csv_row_to_the_headers_columns() {
    // The default scenario without its objective (it names the service), the service renamed.
    let (before, rest) = GOOD.split_once("[[objectives]]").unwrap();
    let text = (before.to_string() + &rest[rest.find("[[traffic]]").unwrap()..])
        .replace("\"web\"\ntaskDefinition", "'a,\"b\"'\ntaskDefinition")
        .replace("service = \"web\"", "service = 'a,\"b\"'");
    let sc = Scenario::parse(&text, "s.toml").unwrap_or_else(|e| panic!("{e}\n{text}"));
    let out = ecsim_core::run(&sc, &Default::default()).unwrap();
    let csv = out.timeseries.to_csv();
    let mut r = ::csv::Reader::from_reader(csv.as_bytes());
    let head = r.headers().unwrap().clone();
    assert!(
        head.iter().any(|h| h == "a,\"b\".latency_p99_ms"),
        "{head:?}"
    );
    let mut rows = 0;
    for rec in r.records() {
        assert_eq!(rec.unwrap().len(), head.len());
        rows += 1;
    }
    assert_eq!(rows, out.timeseries.len());
}

#[test]
fn an_objective_reaches_a_service_whose_name_has_a_dot_in_quotes() {
    let text = GOOD
        .replace("serviceName = \"web\"", "serviceName = \"web.v2\"")
        .replace("service = \"web\"", "service = \"web.v2\"")
        .replace(
            "metric = \"services.web.tasks.running_end\"",
            "metric = 'services.\"web.v2\".tasks.running_end'",
        );
    assert!(
        text.contains("\"web.v2\".tasks"),
        "the objective was rewritten"
    );
    let sc = Scenario::parse(&text, "s.toml").unwrap_or_else(|e| panic!("{e}"));
    let out = ecsim_core::run(&sc, &Default::default()).unwrap();
    let o = &out.summary.objectives[0];
    assert!(o.held && o.measured == Some(8.0), "{o:?}");
}

/// The runtime guard behind the estimate: a run stops with `OverBudget` once it has handled
/// `max_events`, and a budget it stays within changes nothing.
#[test]
fn a_run_past_its_event_budget_stops_and_one_within_it_is_unchanged() {
    let sc = ecsim_core::Scenario::parse(GOOD, "s.toml").expect("the default scenario");
    let free = ecsim_core::run(&sc, &Default::default()).expect("runs");
    let capped = |max| {
        ecsim_core::run(
            &sc,
            &ecsim_core::RunOptions {
                max_events: Some(max),
                ..Default::default()
            },
        )
    };
    match capped(1_000) {
        Err(
            e @ ecsim_core::RunError::OverBudget {
                max: 1_000,
                time,
                end,
            },
        ) => {
            assert!(time < end, "{e}");
            assert!(e.to_string().contains("budget of 1000 events"), "{e}");
        }
        other => panic!(
            "not stopped by its budget: {:?}",
            other.map(|o| o.summary.events)
        ),
    }
    let within = capped(free.summary.events).expect("exactly its events fit");
    assert_eq!(within.summary.trace_hash, free.summary.trace_hash);
}

/// Found by the fuzzer: a key a kilobyte long was echoed whole, twice (the path and the message),
/// in a 4.7 KB error. Names are cut to their first 60 characters.
#[test]
fn a_key_a_kilobyte_long_gives_a_short_error() {
    let key = "k".repeat(2000);
    for (text, file) in [
        (
            format!(r#"{{"name":"x","duration":"1m","{key}":1}}"#),
            "s.json",
        ),
        (
            format!("name = \"x\"\nduration = \"1m\"\n{key} = 1\n"),
            "s.toml",
        ),
    ] {
        let e = ecsim_core::Scenario::parse(&text, file).expect_err("an unknown key");
        let msg = e.to_string();
        assert!(msg.len() < 1000, "{} bytes: {msg}", msg.len());
        assert!(msg.contains(&format!("`{}…`", "k".repeat(60))), "{msg}");
        // The full path stays in the error's data for a program to read.
        assert_eq!(e.field.as_deref(), Some(key.as_str()));
    }
    // A long bad value, which serde quotes in plain quotes, is cut the same way, and what it
    // should have been still shows.
    let text = format!(
        "name = \"x\"\nduration = \"1m\"\nseed = \"{}\"\n",
        "x".repeat(5000)
    );
    let e = ecsim_core::Scenario::parse(&text, "s.toml").expect_err("a string seed");
    let msg = e.to_string();
    assert!(msg.len() < 300 && msg.ends_with("expected u64"), "{msg}");
}

/// A lesson step's mistakes are reported as themselves, at their path: an unknown key (not
/// "matches no variant"), a checkpoint metric the summary does not have.
#[test]
fn a_lesson_steps_mistakes_name_their_field() {
    const LESSON: &str = include_str!("../scenarios/lessons/static-vs-dynamic-ports.toml");
    let text = LESSON.replace("do = \"Set web-static", "dod = \"Set web-static");
    let e = err(&text, "l.toml");
    assert_eq!(e.field.as_deref(), Some("lesson.try[1].dod"), "{e}");
    assert!(e.message.contains("did you mean `do`"), "{e}");
    assert!(e.line.is_some(), "{e}");
    let text = LESSON.replace(
        "metric = \"services.web-static.tasks.pending_end\"",
        "metric = \"services.web-static.tasks.pending_nd\"",
    );
    let e = err(&text, "l.toml");
    assert_eq!(
        e.field.as_deref(),
        Some("lesson.try[0].expect[1].metric"),
        "{e}"
    );
    // A table under [lesson] that is not a step is refused.
    let text = LESSON.replace(
        "[[lesson.try]]\ndo = \"Change",
        "[[lesson.tryx]]\ndo = \"Change",
    );
    assert!(Scenario::parse(&text, "l.toml").is_err());
}
