//! The setting paths and overrides, on the default scenario in TOML and in JSON.

use super::*;

const DEFAULT: &str = include_str!("../../../../scenarios/default.toml");

fn set(text: &str, file: &str, args: &[&str]) -> Result<String, SetError> {
    let overrides: Vec<Override> = args
        .iter()
        .map(|a| Override::parse(a))
        .collect::<Result<_, _>>()?;
    apply(text, file, &overrides)
}

fn spec(text: &str, file: &str) -> ecsim_core::scenario::ScenarioSpec {
    Scenario::parse(text, file).unwrap().spec
}

#[test]
fn paths_parse_into_keys_names_and_indices() {
    let p = SettingPath::parse("auto_scaling[web].target_tracking[0].target").unwrap();
    assert_eq!(
        p.steps,
        vec![
            Step::Key("auto_scaling".into()),
            Step::Named("web".into()),
            Step::Key("target_tracking".into()),
            Step::Index(0),
            Step::Key("target".into()),
        ]
    );
    for bad in [
        "",
        "a..b",
        ".a",
        "[web].x",
        "services[web]",
        "services[web",
        "a b",
        "a]",
    ] {
        assert!(SettingPath::parse(bad).is_err(), "{bad:?} must be refused");
    }
}

#[test]
fn an_override_sets_a_named_entrys_field_and_keeps_the_comments() {
    let out = set(
        DEFAULT,
        "default.toml",
        &[
            "instance_groups[web-hosts].count=5",
            "services[web].desiredCount=12",
            "traffic[web].rate.rps=400",
        ],
    )
    .unwrap();
    assert!(out.contains("# The default scenario"), "comments kept");
    let s = spec(&out, "default.toml");
    assert_eq!(s.instance_groups[0].count, 5);
    assert_eq!(s.services[0].desired_count, 12);
    let rate = serde_json::to_value(&s.traffic[0].rate).unwrap();
    assert_eq!(rate["rps"], 400.0);
}

#[test]
fn a_value_keeps_the_type_of_what_it_replaces_and_defaults_can_be_set() {
    // `seed` is an integer; the model's boot time is a table the text leaves to its default.
    let out = set(
        DEFAULT,
        "default.toml",
        &["seed=7", "model.os_memory_overhead_pct=5"],
    )
    .unwrap();
    let s = spec(&out, "default.toml");
    assert_eq!(s.seed, 7);
    assert_eq!(s.model.os_memory_overhead_pct, 5.0);
    assert!(out.contains("[model]"), "{out}");
}

#[test]
fn a_bad_value_is_written_for_the_check_to_report_with_its_field() {
    let out = set(DEFAULT, "default.toml", &["instance_groups[0].count=many"]).unwrap();
    let e = Scenario::parse(&out, "default.toml").unwrap_err();
    assert_eq!(e.field.as_deref(), Some("instance_groups[0].count"), "{e}");
}

#[test]
fn a_path_that_goes_nowhere_names_it_and_the_closest_valid_key() {
    let e = set(DEFAULT, "default.toml", &["services[web].desiredCont=3"]).unwrap_err();
    assert_eq!(e.path, "services[web].desiredCont");
    assert!(e.message.contains("\"desiredCount\""), "{e}");
    let e = set(DEFAULT, "default.toml", &["services[wbe].desiredCount=3"]).unwrap_err();
    assert!(e.message.contains("\"web\""), "{e}");
    let e = set(DEFAULT, "default.toml", &["instance_groups[4].count=3"]).unwrap_err();
    assert!(e.message.contains("1 entries"), "{e}");
    let e = set(DEFAULT, "default.toml", &["instanc_groups[0].count=3"]).unwrap_err();
    assert!(e.message.contains("\"instance_groups\""), "{e}");
    let e = set(DEFAULT, "default.toml", &["services[web]=3"]).unwrap_err();
    assert!(e.message.contains("list entry"), "{e}");
    assert!(Override::parse("seed").is_err());
}

#[test]
fn json_scenarios_take_the_same_paths() {
    let sc = Scenario::parse(DEFAULT, "default.toml").unwrap();
    let json = serde_json::to_string_pretty(&sc.spec).unwrap();
    let out = set(&json, "d.json", &["services[web].desiredCount=3", "seed=9"]).unwrap();
    let s = spec(&out, "d.json");
    assert_eq!(s.services[0].desired_count, 3);
    assert_eq!(s.seed, 9);
    let e = set(&json, "d.json", &["services[web].desiredCont=3"]).unwrap_err();
    assert!(e.message.contains("\"desiredCount\""), "{e}");
}

#[test]
fn a_string_field_stays_a_string() {
    // A task definition's cpu is a string in the AWS shape ("1024"); it stays one.
    let text = DEFAULT.replace(
        "networkMode = \"bridge\"",
        "networkMode = \"bridge\"\ncpu = \"512\"",
    );
    let out = set(&text, "default.toml", &["task_definitions[web].cpu=1024"]).unwrap();
    assert!(out.contains("cpu = \"1024\""), "{out}");
}

#[test]
fn an_optional_field_the_text_leaves_out_is_added_and_a_misspelt_one_refused() {
    // The default's service sets no grace period and the scenario has no default for one.
    assert!(!DEFAULT.contains("healthCheckGracePeriodSeconds"));
    let out = set(
        DEFAULT,
        "default.toml",
        &["services[web].healthCheckGracePeriodSeconds=120"],
    )
    .unwrap();
    assert!(out.contains("healthCheckGracePeriodSeconds = 120"), "{out}");
    let json = serde_json::to_value(spec(&out, "default.toml")).unwrap();
    assert_eq!(json["services"][0]["healthCheckGracePeriodSeconds"], 120);
    // The same in JSON.
    let sc = serde_json::to_string(&spec(DEFAULT, "default.toml")).unwrap();
    let out = set(
        &sc,
        "d.json",
        &["services[web].healthCheckGracePeriodSeconds=30"],
    )
    .unwrap();
    let json = serde_json::to_value(spec(&out, "d.json")).unwrap();
    assert_eq!(json["services"][0]["healthCheckGracePeriodSeconds"], 30);
    // A key no section has is refused with the closest one, never written and ignored.
    for file in ["default.toml", "d.json"] {
        let text = if file == "d.json" {
            sc.as_str()
        } else {
            DEFAULT
        };
        let e = set(
            text,
            file,
            &["services[web].healthCheckGracePeriodSecond=120"],
        )
        .unwrap_err();
        assert!(
            e.message
                .starts_with("services[web] has no field \"healthCheckGracePeriodSecond\""),
            "{file}: {e}"
        );
    }
    // Another override's bad value is left for the check, not blamed on the added key.
    let out = set(
        DEFAULT,
        "default.toml",
        &[
            "instance_groups[0].count=many",
            "services[web].healthCheckGracePeriodSeconds=120",
        ],
    )
    .unwrap();
    let e = Scenario::parse(&out, "default.toml").unwrap_err();
    assert_eq!(e.field.as_deref(), Some("instance_groups[0].count"), "{e}");
    // A known optional key with a value it cannot take says why.
    let e = set(
        DEFAULT,
        "default.toml",
        &["services[web].healthCheckGracePeriodSeconds=soon"],
    )
    .unwrap_err();
    assert!(e.message.contains("not valid"), "{e}");
}
