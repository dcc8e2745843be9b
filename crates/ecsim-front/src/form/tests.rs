//! The form's own tests: every knob read and written back, comments kept, Fargate fitting, pasted
//! task definitions, and the edited text still a valid scenario that runs.

use super::*;
use ecsim_core::scenario::Scenario;
use ecsim_core::DEFAULT_SCENARIO as DEFAULT;

fn value(text: &str, knob: Knob) -> String {
    let f = fields(text).expect("fields");
    f.into_iter().find(|f| f.knob == knob).expect("knob").value
}

fn lines(text: &str) -> std::collections::BTreeSet<&str> {
    text.lines().collect()
}

fn parse_ok(text: &str) -> Scenario {
    Scenario::parse(text, "form.toml").unwrap_or_else(|e| panic!("{e}\n{text}"))
}

#[test]
fn reads_the_default_scenarios_knobs() {
    let got: Vec<(Knob, String)> = fields(DEFAULT)
        .expect("fields")
        .into_iter()
        .map(|f| (f.knob, f.value))
        .collect();
    let want = [
        (Knob::InstanceType, "m5.large"),
        (Knob::InstanceCount, "3"),
        (Knob::LaunchType, "EC2"),
        (Knob::DesiredCount, "8"),
        (Knob::TaskCpu, ""),
        (Knob::TaskMemory, ""),
        (Knob::PortMode, "bridge-dynamic"),
        (Knob::LoadBalancer, "application"),
        (Knob::Algorithm, "round_robin"),
        (Knob::Rps, "150"),
        (Knob::Duration, "10m"),
    ];
    assert_eq!(
        got,
        want.map(|(k, v)| (k, v.to_string())).to_vec(),
        "the form's fields, in order"
    );
}

#[test]
fn each_knob_writes_its_field_and_keeps_the_rest_of_the_text() {
    let cases = [
        (Knob::InstanceType, "c5.large"),
        (Knob::InstanceCount, "5"),
        (Knob::DesiredCount, "12"),
        (Knob::TaskCpu, "512"),
        (Knob::TaskMemory, "2048"),
        (Knob::PortMode, "bridge-static"),
        (Knob::LoadBalancer, "classic"),
        (Knob::Algorithm, "least_outstanding_requests"),
        (Knob::Rps, "42.5"),
        (Knob::Duration, "5m30s"),
    ];
    for (knob, v) in cases {
        let text = set(DEFAULT, knob, v).expect("set").text;
        assert_eq!(value(&text, knob), v, "{knob:?} reads back");
        // Comments survive, and only the knob's line changed.
        assert!(text.contains("# created once the hosts have registered (~40 s)"));
        let (old, new) = (lines(DEFAULT), lines(&text));
        let gone = old.difference(&new).count();
        let came = new.difference(&old).count();
        assert!(
            gone <= 1 && came == 1,
            "{knob:?}: -{gone} +{came} lines:\n{text}"
        );
    }
    let sc = parse_ok(&set(DEFAULT, Knob::DesiredCount, "12").expect("set").text);
    assert_eq!(sc.services[0].desired, 12);
    let sc = parse_ok(
        &set(DEFAULT, Knob::InstanceType, "c5.large")
            .expect("set")
            .text,
    );
    assert_eq!(sc.groups[0].types[0].0, "c5.large");
    assert_eq!(
        parse_ok(&set(DEFAULT, Knob::Seed, "77").expect("set").text)
            .spec
            .seed,
        77
    );
}

/// The form reads and writes the instance group and service it is pointed at, and names them
/// all for the choice.
#[test]
fn any_instance_group_and_service_can_be_edited() {
    let text = include_str!("../../../../scenarios/lessons/scale-in-seconds.toml");
    let c = choices(text);
    assert_eq!(c.groups.len(), 2, "{c:?}");
    assert_eq!(c.services.len(), 3, "{c:?}");
    let sc = parse_ok(text);
    let target = Target {
        group: 1,
        service: 2,
    };
    let f = fields_at(text, target).expect("fields");
    let get = |k: Knob| f.iter().find(|f| f.knob == k).expect("knob").clone();
    let count = get(Knob::InstanceCount);
    assert_eq!(count.paths, ["instance_groups[1].count"]);
    assert_eq!(count.value, sc.groups[1].count.to_string());
    assert!(count.label.contains(&c.groups[1]), "{}", count.label);
    let desired = get(Knob::DesiredCount);
    assert_eq!(desired.paths, ["services[2].desiredCount"]);
    assert!(desired.label.contains(&c.services[2]), "{}", desired.label);
    assert_eq!(desired.value, sc.services[2].desired.to_string());
    // Writing goes to the chosen ones, and only to them.
    let edited = set_at(text, target, Knob::DesiredCount, "7")
        .expect("set")
        .text;
    let after = parse_ok(&edited);
    assert_eq!(after.services[2].desired, 7);
    assert_eq!(after.services[0].desired, sc.services[0].desired);
    let edited = set_at(text, target, Knob::InstanceCount, "4")
        .expect("set")
        .text;
    let after = parse_ok(&edited);
    assert_eq!(
        (after.groups[0].count, after.groups[1].count),
        (sc.groups[0].count, 4)
    );
    // A place past the end is refused, not written elsewhere.
    let past = Target {
        group: 5,
        service: 5,
    };
    let f = fields_at(text, past).expect("fields");
    assert!(f
        .iter()
        .all(|f| f.disabled.is_some() || matches!(f.knob, Knob::Duration)));
    assert!(set_at(text, past, Knob::DesiredCount, "3").is_err());
}

/// A rate that is not one number is shown as written (not as "no traffic"), and a DAEMON
/// service's desired count is not offered.
#[test]
fn the_form_shows_what_the_text_holds() {
    let text = include_str!("../../../../scenarios/templates/right-size-ec2.toml");
    let rps = fields(text)
        .expect("fields")
        .into_iter()
        .find(|f| f.knob == Knob::Rps)
        .expect("rps");
    assert!(
        rps.value.contains("steps") && rps.value.contains("400"),
        "{}",
        rps.value
    );
    assert!(rps.disabled.as_deref().unwrap_or("").contains("steps"));
    let text = include_str!("../../../../scenarios/lessons/daemon-services.toml");
    let c = choices(text);
    let sc = parse_ok(text);
    let daemon = sc
        .spec
        .services
        .iter()
        .position(|s| format!("{:?}", s.scheduling_strategy) == "Daemon")
        .expect("a DAEMON service");
    let f = fields_at(
        text,
        Target {
            group: 0,
            service: daemon,
        },
    )
    .expect("fields");
    let desired = f
        .iter()
        .find(|f| f.knob == Knob::DesiredCount)
        .expect("desired");
    assert!(
        desired.disabled.as_deref().unwrap_or("").contains("DAEMON"),
        "{c:?} {desired:?}"
    );
}

#[test]
fn port_mode_rewrites_every_host_port() {
    let fixed = set(DEFAULT, Knob::PortMode, "bridge-static")
        .expect("set")
        .text;
    assert!(fixed.contains("hostPort = 8080"), "{fixed}");
    let sc = parse_ok(&fixed);
    let ports = &sc.spec.task_definitions[0].container_definitions[0].port_mappings;
    assert_eq!(ports[0].host_port, Some(8080));
    let back = set(&fixed, Knob::PortMode, "bridge-dynamic")
        .expect("set")
        .text;
    assert_eq!(back, DEFAULT, "dynamic again gives the text back");
    let vpc = set(DEFAULT, Knob::PortMode, "awsvpc").expect("set").text;
    assert!(vpc.contains("networkMode = \"awsvpc\"") && !vpc.contains("hostPort"));
    assert_eq!(value(&vpc, Knob::PortMode), "awsvpc");
}

#[test]
fn a_bad_value_is_written_as_typed_and_the_check_points_at_its_field() {
    let all = fields(DEFAULT).expect("fields");
    for (knob, bad) in [
        (Knob::DesiredCount, "abc"),
        (Knob::DesiredCount, "-3"),
        (Knob::InstanceCount, ""),
        (Knob::TaskMemory, "100"),
        (Knob::InstanceType, "m99.huge"),
        (Knob::Duration, "soon"),
        (Knob::Algorithm, "fastest"),
        (Knob::LaunchType, "EXTERNAL"),
    ] {
        let text = set(DEFAULT, knob, bad).expect("set").text;
        let e =
            Scenario::parse(&text, "form.toml").expect_err(&format!("{knob:?}={bad:?} is refused"));
        let at = e.field.clone().unwrap_or_default();
        let owners: Vec<Knob> = all
            .iter()
            .filter(|f| f.owns_error(&at, &e.message))
            .map(|f| f.knob)
            .collect();
        assert_eq!(owners, vec![knob], "{knob:?}={bad:?}: {e}");
    }
}

#[test]
fn choosing_fargate_makes_the_service_fit_fargate() {
    let edit = set(DEFAULT, Knob::LaunchType, "FARGATE").expect("set");
    let notice = edit.notice.unwrap_or_default();
    for change in [
        "placementStrategy",
        "requiresCompatibilities",
        "awsvpc",
        "256 CPU units / 1024 MiB",
    ] {
        assert!(notice.contains(change), "{change} in {notice:?}");
    }
    let sc = parse_ok(&edit.text);
    assert_eq!(
        sc.services[0].capacity[0].capacity,
        ecsim_core::capacity::Capacity::Fargate
    );
    assert_eq!((sc.taskdefs[0].cpu.0, sc.taskdefs[0].memory.0), (256, 1024));
    let out = ecsim_core::run(&sc, &Default::default()).expect("runs");
    assert_eq!(out.summary.services["web"].tasks.running_end, 8);
    // A size Fargate does not offer is refused at the memory field.
    let text = set(&edit.text, Knob::TaskMemory, "3000").expect("set").text;
    let e = Scenario::parse(&text, "form.toml").expect_err("3000 MiB with 256 units");
    let memory = fields(&text).expect("fields")[5].clone();
    assert_eq!(memory.knob, Knob::TaskMemory);
    assert!(
        memory.owns_error(e.field.as_deref().unwrap_or(""), &e.message),
        "{e}"
    );
    // Back to EC2: the service runs on the instances, still in awsvpc.
    let back = set(&edit.text, Knob::LaunchType, "EC2").expect("set");
    assert_eq!(back.notice, None);
    assert_eq!(value(&back.text, Knob::PortMode), "awsvpc");
    parse_ok(&back.text);
}

#[test]
fn a_rate_on_a_service_without_traffic_adds_traffic() {
    let quiet: String = DEFAULT.split("# Requests through").next().unwrap().into();
    let f = fields(&quiet).expect("fields");
    let lb = f.iter().find(|f| f.knob == Knob::LoadBalancer).expect("lb");
    assert!(lb.disabled.as_deref().unwrap_or("").contains("no traffic"));
    assert_eq!(set(&quiet, Knob::Rps, "").expect("set").text, quiet);
    let text = set(&quiet, Knob::Rps, "20").expect("set").text;
    let sc = parse_ok(&text);
    assert_eq!(sc.spec.traffic.len(), 1);
    let out = ecsim_core::run(&sc, &Default::default()).expect("runs");
    assert!(out.summary.services["web"].requests.arrived > 1000);
}

#[test]
fn json_and_broken_text_are_not_edited() {
    assert_eq!(fields("{\"name\": \"x\"}"), Err(FormError::NotToml));
    assert!(matches!(
        set("name = [", Knob::Seed, "2"),
        Err(FormError::Syntax(_))
    ));
}

const DESCRIBED: &str = r#"{
  "taskDefinition": {
    "taskDefinitionArn": "arn:aws:ecs:us-east-1:123456789012:task-definition/web:7",
    "family": "web",
    "revision": 7,
    "status": "ACTIVE",
    "networkMode": "awsvpc",
    "cpu": "512",
    "memory": "1024",
    "requiresCompatibilities": ["FARGATE"],
    "compatibilities": ["EC2", "FARGATE"],
    "requiresAttributes": [{"name": "com.amazonaws.ecs.capability.docker-remote-api.1.18"}],
    "containerDefinitions": [{
      "name": "web",
      "image": "123456789012.dkr.ecr.us-east-1.amazonaws.com/web:v2",
      "cpu": 0,
      "essential": true,
      "environment": [{"name": "MODE", "value": "prod"}],
      "portMappings": [{"containerPort": 8080, "hostPort": 8080, "protocol": "tcp"}]
    }],
    "registeredAt": "2026-11-01T10:00:00Z"
  }
}"#;

#[test]
fn pasting_a_described_task_definition_replaces_its_family() {
    let p = paste_task_definition(DEFAULT, DESCRIBED).expect("pasted");
    assert!(
        p.notice.starts_with("replaced task definition \"web\""),
        "{}",
        p.notice
    );
    for gone in [
        "taskDefinitionArn",
        "status",
        "compatibilities",
        "requiresAttributes",
        "registeredAt",
        "containerDefinitions[].environment",
    ] {
        assert!(p.notice.contains(gone), "{gone} named in {:?}", p.notice);
    }
    assert!(!p.text.contains("taskDefinitionArn"));
    // Then launch type FARGATE makes it run.
    let text = set(&p.text, Knob::LaunchType, "FARGATE").expect("set").text;
    let sc = parse_ok(&text);
    assert_eq!(sc.spec.task_definitions.len(), 1);
    let td = &sc.taskdefs[0];
    assert_eq!((td.cpu.0, td.memory.0), (512, 1024));
    assert!(text.contains("# created once the hosts have registered"));
    let out = ecsim_core::run(&sc, &Default::default()).expect("runs");
    assert_eq!(out.summary.services["web"].tasks.running_end, 8);
}

#[test]
fn pasting_a_new_family_points_the_only_service_at_it() {
    let json = DESCRIBED.replace("\"family\": \"web\"", "\"family\": \"api\"");
    let p = paste_task_definition(DEFAULT, &json).expect("pasted");
    assert!(
        p.notice.contains("service \"web\" now runs it"),
        "{}",
        p.notice
    );
    let sc = parse_ok(&set(&p.text, Knob::LaunchType, "FARGATE").expect("set").text);
    assert_eq!(sc.spec.task_definitions.len(), 2);
    assert_eq!(sc.spec.services[0].task_definition, "api");
    // A scenario with no services gets one.
    let bare = "name = \"bare\"\nduration = \"5m\"\n";
    let p = paste_task_definition(bare, &json).expect("pasted");
    let sc = parse_ok(&set(&p.text, Knob::LaunchType, "FARGATE").expect("set").text);
    assert_eq!(sc.services.len(), 1);
    assert_eq!(sc.services[0].desired, 1);
}

#[test]
fn a_bad_task_definition_says_what_is_wrong_and_where() {
    let e = paste_task_definition(DEFAULT, "{not json").expect_err("refused");
    assert!(
        e.to_string().starts_with("the task definition JSON: "),
        "{e}"
    );
    let e = paste_task_definition(
        DEFAULT,
        r#"{"family":"x","containerDefinitions":[{"name":"a"}]}"#,
    )
    .expect_err("refused");
    assert!(e.to_string().contains("containerDefinitions[0]"), "{e}");
    assert!(e.to_string().contains("image"), "{e}");
    let e = paste_task_definition(DEFAULT, "[1,2]").expect_err("refused");
    assert!(e.to_string().contains("family"), "{e}");
}

#[test]
fn the_knobs_a_plan_varies_are_settings_that_take_their_values() {
    let fields = fields(DEFAULT).expect("fields");
    let varied: Vec<(Knob, String, String)> = fields
        .iter()
        .filter_map(|f| Some((f.knob, f.sweep_path()?, f.sweep_values())))
        .collect();
    let paths: Vec<(Knob, &str)> = varied.iter().map(|(k, p, _)| (*k, p.as_str())).collect();
    assert_eq!(
        paths,
        [
            (Knob::InstanceType, "instance_groups[0].instance_type"),
            (Knob::InstanceCount, "instance_groups[0].count"),
            (Knob::LaunchType, "services[0].launchType"),
            (Knob::DesiredCount, "services[0].desiredCount"),
            (Knob::TaskCpu, "task_definitions[0].cpu"),
            (Knob::TaskMemory, "task_definitions[0].memory"),
            (Knob::LoadBalancer, "traffic[0].load_balancer"),
            (Knob::Algorithm, "traffic[0].algorithm"),
            (Knob::Rps, "traffic[0].rate.rps"),
        ]
    );
    let values = |k: Knob| varied.iter().find(|v| v.0 == k).expect("varied").2.clone();
    assert_eq!(values(Knob::DesiredCount), "4..16:3");
    assert_eq!(values(Knob::InstanceCount), "1..6:1");
    assert_eq!(values(Knob::LaunchType), "EC2,FARGATE");
    assert_eq!(
        values(Knob::TaskCpu),
        "",
        "a default in words gives no values"
    );
    // Each path takes a value the way `ecsim run --set` does, and the scenario has it.
    for (knob, path, value) in [
        (Knob::DesiredCount, "services[0].desiredCount", "5"),
        (
            Knob::InstanceType,
            "instance_groups[0].instance_type",
            "c5.large",
        ),
        (Knob::Rps, "traffic[0].rate.rps", "300"),
    ] {
        let o = crate::setting::Override::parse(&format!("{path}={value}")).expect("override");
        let text = crate::setting::apply(DEFAULT, "default.toml", &[o]).expect("applied");
        parse_ok(&text);
        assert_eq!(
            super::fields(&text)
                .unwrap()
                .iter()
                .find(|f| f.knob == knob)
                .unwrap()
                .value,
            value
        );
    }
}

/// A modelled field that is merely empty is not "left out", and the rest of
/// describe-task-definition's answer (`tags`) is named (issue 15, departure 11).
#[test]
fn the_paste_notice_names_only_what_is_not_modelled() {
    let json = r#"{
      "taskDefinition": {
        "family": "web",
        "placementConstraints": [],
        "volumes": [],
        "containerDefinitions": [{
          "name": "web", "image": "nginx", "cpu": 256, "memory": 512,
          "portMappings": [], "command": ["serve"]
        }]
      },
      "tags": [{"key": "team", "value": "web"}]
    }"#;
    let p = paste_task_definition(DEFAULT, json).expect("pasted");
    let left = p
        .notice
        .split_once("Left out (not modelled): ")
        .map(|(_, l)| l)
        .expect("a list of what was left out");
    for named in ["tags", "volumes", "containerDefinitions[].command"] {
        assert!(left.contains(named), "{named} in {left:?}");
    }
    for modelled in ["portMappings", "placementConstraints"] {
        assert!(!left.contains(modelled), "{modelled} in {left:?}");
    }
}
