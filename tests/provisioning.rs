//! The provisioning pipeline (issue 4): ecs.config keys, image pulls and caches, ECR and IAM,
//! Fargate, and the start-up timeline, each as a test on a small scenario.

use ecsim_core::task::TaskState;
use ecsim_core::{run, RunOutput, Scenario};
use ecsim_tests::{parse, run_checked};

/// A one-service scenario with the parts each test changes.
struct Sc<'a> {
    duration: &'a str,
    hosts: u32,
    itype: &'a str,
    ecs_config: &'a str,
    group: &'a str,
    taskdef: &'a str,
    container: &'a str,
    desired: u32,
    service: &'a str,
    rest: &'a str,
}

impl Default for Sc<'_> {
    fn default() -> Self {
        Sc {
            duration: "10m",
            hosts: 1,
            itype: "m5.large",
            ecs_config: "",
            group: "",
            taskdef: "",
            container: r#"{ name = "w", image = "big:1", cpu = 128, memory = 64 }"#,
            desired: 1,
            service: "",
            rest: "[[images]]\nimage = \"big:1\"\nsize_mib = 600\n",
        }
    }
}

impl Sc<'_> {
    fn text(&self) -> String {
        let count = self.hosts;
        format!(
            r#"
name = "p"
duration = "{}"
{}
[[instance_groups]]
name = "g"
instance_type = "{}"
count = {count}
ecs_config = """
{}
"""
{}
[[task_definitions]]
family = "app"
containerDefinitions = [ {} ]
{}
[[services]]
serviceName = "app"
taskDefinition = "app"
desiredCount = {}
startAt = "60s"
{}
"#,
            self.duration,
            self.rest,
            self.itype,
            self.ecs_config,
            self.group,
            self.container,
            self.taskdef,
            self.desired,
            self.service
        )
    }

    fn parse(&self) -> Scenario {
        parse(&self.text())
    }

    fn run(&self) -> RunOutput {
        run_checked(&self.parse(), None).finish()
    }
}

fn secs(t: Option<ecsim_core::SimTime>) -> f64 {
    t.expect("the task got there").as_secs_f64()
}

/// `[[actions]]` scaling the service to `n` at `at`.
fn scale_to(n: u32, at: &str) -> String {
    format!("[[actions]]\nat = \"{at}\"\nservice = \"app\"\ndesired_count = {n}\n")
}

#[test]
fn a_cold_pull_takes_size_over_bandwidth_plus_overhead() {
    // One 600 MiB layer: 0.5 s manifest, 629.1 MB at 15 MB/s (41.94 s), extracted at 80 MB/s
    // (7.86 s). The host's 0.75 Gbps (93.75 MB/s) does not limit one download.
    let sim = run_checked(&Sc::default().parse(), None);
    let t = &sim.tasks()[0];
    let pull = secs(t.pull_done_at) - secs(t.placed_at);
    let mb = 600.0 * 1.048_576;
    let expected = 0.5 + mb / 15.0 + mb / 80.0;
    assert!((pull - expected).abs() < 1e-6, "{pull} vs {expected}");
    let out = sim.finish();
    assert_eq!(out.summary.images.pulls, 1);
    assert_eq!(out.summary.images.mib_downloaded, 600.0);
}

/// Two tasks of the same image on one host, the second placed 5 minutes after the first.
fn second_task(ecs_config: &str, service: &str, taskdef: &str, container: &str) -> RunOutput {
    let scale = scale_to(2, "6m");
    let rest = format!("{}{scale}", Sc::default().rest);
    Sc {
        ecs_config,
        service,
        taskdef,
        container,
        desired: 1,
        rest: &rest,
        ..Default::default()
    }
    .run()
}

#[test]
fn a_second_task_on_the_host_uses_the_cache_with_prefer_cached_or_once() {
    let c = Sc::default().container;
    for behaviour in ["prefer-cached", "once"] {
        let cfg = format!("ECS_IMAGE_PULL_BEHAVIOR={behaviour}");
        let out = second_task(&cfg, "", "", c);
        let im = &out.summary.images;
        assert_eq!((im.pulls, im.cache_hits), (1, 1), "{behaviour}: {im:?}");
        assert_eq!(out.summary.services["app"].tasks.running_end, 2);
        assert!(out.log.entries.iter().any(|e| e.kind == "image_cached"
            && e.message
                .contains(&format!("ECS_IMAGE_PULL_BEHAVIOR={behaviour}"))));
    }
    // `default` pulls again, but every layer is on the host: only the manifest is fetched.
    let out = second_task("", "", "", c);
    let im = &out.summary.images;
    assert_eq!((im.pulls, im.cache_hits), (2, 0), "{im:?}");
    assert_eq!((im.mib_downloaded, im.mib_from_cache), (600.0, 600.0));
}

const FARGATE_TD: &str = r#"requiresCompatibilities = ["FARGATE"]
networkMode = "awsvpc"
cpu = "256"
memory = "512""#;

#[test]
fn on_fargate_every_task_pulls_the_whole_image() {
    let c = Sc::default().container;
    let out = second_task(
        "ECS_IMAGE_PULL_BEHAVIOR=prefer-cached",
        "launchType = \"FARGATE\"",
        FARGATE_TD,
        c,
    );
    let im = &out.summary.images;
    assert_eq!((im.pulls, im.cache_hits), (2, 0), "{im:?}");
    assert_eq!(im.mib_downloaded, 1200.0);
    let s = &out.summary.services["app"];
    assert_eq!(s.tasks.running_end, 2);
    assert!(
        s.tasks_per_instance.is_empty(),
        "no instance holds a Fargate task"
    );
}

#[test]
fn images_sharing_a_base_download_it_once_per_host() {
    let rest = r#"
[[images]]
image = "web:1"
layers = [{ id = "al2023", size_mib = 400 }, { id = "web-1", size_mib = 50 }]
[[images]]
image = "api:1"
layers = [{ id = "al2023", size_mib = 400 }, { id = "api-1", size_mib = 30 }]
"#;
    let c = r#"{ name = "w", image = "web:1", cpu = 128, memory = 64 }, { name = "a", image = "api:1", cpu = 128, memory = 64 }"#;
    let out = Sc {
        container: c,
        rest,
        ..Default::default()
    }
    .run();
    let im = &out.summary.images;
    // The two pulls start together: the second waits for the base the first is fetching.
    assert_eq!(im.layers_downloaded, 3, "{im:?}");
    assert_eq!(im.mib_downloaded, 480.0);
    assert_eq!(out.summary.services["app"].tasks.running_end, 1);
}

#[test]
fn concurrent_pulls_share_the_hosts_network() {
    // t3.medium's 0.256 Gbps is 32 MB/s: one layer alone downloads at 15 MB/s, three at once get
    // 10.67 MB/s each.
    let rest = r#"
[[images]]
image = "a:1"
size_mib = 300
[[images]]
image = "b:1"
size_mib = 300
[[images]]
image = "c:1"
size_mib = 300
"#;
    let pull_time = |container: &str| {
        let sim = run_checked(
            &Sc {
                itype: "t3.medium",
                container,
                rest,
                ..Default::default()
            }
            .parse(),
            None,
        );
        let t = &sim.tasks()[0];
        secs(t.pull_done_at) - secs(t.placed_at)
    };
    let one = pull_time(r#"{ name = "a", image = "a:1", cpu = 128, memory = 64 }"#);
    let three = pull_time(
        r#"{ name = "a", image = "a:1", cpu = 128, memory = 64 }, { name = "b", image = "b:1", cpu = 128, memory = 64 }, { name = "c", image = "c:1", cpu = 128, memory = 64 }"#,
    );
    let mb = 300.0 * 1.048_576;
    assert!((one - (0.5 + mb / 15.0 + mb / 80.0)).abs() < 1e-6, "{one}");
    let shared = 0.5 + mb / (32.0 / 3.0) + mb / 80.0;
    assert!((three - shared).abs() < 1e-3, "{three} vs {shared}");
}

const ECR_IMAGE: &str = "123456789012.dkr.ecr.us-east-1.amazonaws.com/web:1";

fn ecr_scenario(roles: &str, group: &str, taskdef: &str, service: &str) -> RunOutput {
    let container = format!(r#"{{ name = "w", image = "{ECR_IMAGE}", cpu = 256, memory = 512 }}"#);
    Sc {
        container: &container,
        rest: roles,
        group,
        taskdef,
        service,
        ..Default::default()
    }
    .run()
}

const ROLES: &str = r#"
[[roles]]
name = "ecsTaskExecutionRole"
managed_policies = ["AmazonECSTaskExecutionRolePolicy"]
[[roles]]
name = "logsOnly"
actions = ["logs:CreateLogStream", "logs:PutLogEvents"]
"#;

#[test]
fn an_access_denied_pull_stops_the_task_with_cannot_pull_container_error() {
    let out = ecr_scenario(
        ROLES,
        "",
        r#"executionRoleArn = "arn:aws:iam::123456789012:role/logsOnly""#,
        "",
    );
    let s = &out.summary.services["app"];
    assert_eq!(s.tasks.running_end, 0);
    assert!(s.tasks.failed >= 1);
    assert_eq!(
        s.failed_reasons.keys().collect::<Vec<_>>(),
        ["CannotPullContainerError"]
    );
    let msg = &out
        .log
        .entries
        .iter()
        .find(|e| e.kind == "task_failed")
        .expect("a failed start is logged")
        .message;
    assert!(
        msg.contains("CannotPullContainerError")
            && msg.contains("AccessDeniedException")
            && msg.contains("logsOnly is not authorized to perform: ecr:GetAuthorizationToken"),
        "{msg}"
    );
    // With the managed execution policy the same task runs; without an execution role, the
    // instance role pulls.
    let ok = ecr_scenario(
        ROLES,
        "",
        r#"executionRoleArn = "ecsTaskExecutionRole""#,
        "",
    );
    assert_eq!(ok.summary.services["app"].tasks.running_end, 1);
    let by_instance = ecr_scenario(ROLES, "iam_role = \"ecsTaskExecutionRole\"", "", "");
    assert_eq!(by_instance.summary.services["app"].tasks.running_end, 1);
    let no_role = ecr_scenario(ROLES, "", "", "");
    assert_eq!(no_role.summary.services["app"].tasks.running_end, 0);
}

#[test]
fn fargate_pulls_from_ecr_only_with_an_execution_role() {
    let td = FARGATE_TD.to_string();
    let out = ecr_scenario(ROLES, "", &td, "launchType = \"FARGATE\"");
    let s = &out.summary.services["app"];
    assert_eq!(s.tasks.running_end, 0);
    assert!(out
        .log
        .entries
        .iter()
        .any(|e| e.message.contains("no basic auth credentials (Fargate")));
    let with_role = format!("{td}\nexecutionRoleArn = \"ecsTaskExecutionRole\"");
    let ok = ecr_scenario(ROLES, "", &with_role, "launchType = \"FARGATE\"");
    assert_eq!(ok.summary.services["app"].tasks.running_end, 1);
}

#[test]
fn awslogs_needs_the_log_actions() {
    let roles = r#"
[[roles]]
name = "pullOnly"
actions = ["ecr:*"]
"#;
    let c = r#"{ name = "w", image = "123456789012.dkr.ecr.us-east-1.amazonaws.com/web:1", cpu = 256, memory = 512, logConfiguration = { logDriver = "awslogs" } }"#;
    let out = Sc {
        container: c,
        rest: roles,
        taskdef: r#"executionRoleArn = "pullOnly""#,
        ..Default::default()
    }
    .run();
    let s = &out.summary.services["app"];
    assert_eq!(s.tasks.running_end, 0);
    assert!(
        s.failed_reasons.contains_key("CannotStartContainerError"),
        "{:?}",
        s.failed_reasons
    );
}

#[test]
fn an_ecr_token_lasts_twelve_hours_per_role_and_host() {
    // Scale out now and then for 30 hours on one host: the token fetched for the first pull
    // (1 min) serves the pulls at 5 h and 10 h; the pull at 13 h fetches a new one (to 25 h),
    // which serves 20 h; the pull at 26 h fetches a third.
    let mut rest = String::from("[[roles]]\nname = \"exec\"\nactions = [\"ecr:*\"]\n");
    for (k, h) in [5, 10, 13, 20, 26].iter().enumerate() {
        rest += &scale_to(k as u32 + 2, &format!("{h}h"));
    }
    let container = format!(r#"{{ name = "w", image = "{ECR_IMAGE}", cpu = 128, memory = 64 }}"#);
    let out = Sc {
        duration: "30h",
        ecs_config: "ECS_DISABLE_IMAGE_CLEANUP=true",
        container: &container,
        taskdef: "executionRoleArn = \"exec\"",
        rest: &rest,
        ..Default::default()
    }
    .run();
    assert_eq!(out.summary.images.pulls, 6);
    assert_eq!(
        out.summary.images.auth_tokens, 3,
        "{:?}",
        out.summary.images
    );
}

#[test]
fn registry_outages_are_retried_and_default_falls_back_to_the_cache() {
    // The registry goes down at 5 min for 10 min; the second task's pull (at 6 min) fails five
    // times. `default` uses the image the first task pulled; `always` fails the task.
    let outage = "[[registry_outages]]\nregistry = \"docker.io\"\nfrom = \"5m\"\nuntil = \"15m\"\n";
    let rest = format!("{}{outage}", Sc::default().rest);
    let c = Sc::default().container;
    let default = second_task("", "", "", c);
    assert_eq!(default.summary.images.retries, 0, "no outage yet");
    let run_with = |cfg: &str| {
        let scale = scale_to(2, "6m");
        let rest = format!("{rest}{scale}");
        Sc {
            ecs_config: cfg,
            rest: &rest,
            ..Default::default()
        }
        .run()
    };
    let fallback = run_with("");
    let im = &fallback.summary.images;
    assert_eq!(
        (im.retries, im.fell_back_to_cache, im.failed),
        (4, 1, 0),
        "{im:?}"
    );
    assert_eq!(fallback.summary.services["app"].tasks.running_end, 2);
    let always = run_with("ECS_IMAGE_PULL_BEHAVIOR=always");
    let s = &always.summary.services["app"];
    assert!(s.failed_reasons.contains_key("CannotPullContainerError"));
    assert!(always.summary.images.failed >= 1);
    assert!(always
        .log
        .entries
        .iter()
        .any(|e| e.message.contains("failed after 5 attempts")));
}

#[test]
fn image_cleanup_removes_idle_images_and_once_pulls_them_again() {
    // The only task stops at 10 min (scale to 0) and a new one starts at 5 h: by then the
    // stopped task's containers were cleaned up (3 h) and the image is past its minimum age, so
    // a 30-minute cleanup cycle removed it, and `once` pulls it again.
    let rest = format!(
        "{}{}{}",
        Sc::default().rest,
        scale_to(0, "10m"),
        scale_to(1, "5h")
    );
    let run_with = |cfg: &str| {
        Sc {
            duration: "6h",
            ecs_config: cfg,
            rest: &rest,
            ..Default::default()
        }
        .run()
    };
    let cleaned = run_with("ECS_IMAGE_PULL_BEHAVIOR=once");
    let im = &cleaned.summary.images;
    assert_eq!(
        (im.images_cleaned, im.pulls, im.cache_hits),
        (1, 2, 0),
        "{im:?}"
    );
    let kept = run_with("ECS_IMAGE_PULL_BEHAVIOR=once\nECS_DISABLE_IMAGE_CLEANUP=true");
    let im = &kept.summary.images;
    assert_eq!(
        (im.images_cleaned, im.pulls, im.cache_hits),
        (0, 1, 1),
        "{im:?}"
    );
    // A long task-cleanup wait keeps the image in use past the second start.
    let waited = run_with("ECS_IMAGE_PULL_BEHAVIOR=once\nECS_ENGINE_TASK_CLEANUP_WAIT_DURATION=6h");
    assert_eq!(waited.summary.images.images_cleaned, 0);
}

#[test]
fn a_container_that_does_not_start_in_time_fails_the_task() {
    let rest = format!(
        "{}[model]\ncontainer_start = {{ dist = \"constant\", value = \"60s\" }}\n",
        Sc::default().rest
    );
    let run_with = |cfg: &str| {
        Sc {
            ecs_config: cfg,
            rest: &rest,
            ..Default::default()
        }
        .run()
    };
    let slow = run_with("ECS_CONTAINER_START_TIMEOUT=45s");
    let s = &slow.summary.services["app"];
    assert_eq!(s.tasks.running_end, 0);
    assert!(
        s.failed_reasons.contains_key("DockerTimeoutError"),
        "{:?}",
        s.failed_reasons
    );
    // The default 3 minutes is enough.
    assert_eq!(run_with("").summary.services["app"].tasks.running_end, 1);
}

#[test]
fn the_bare_agent_defaults_lack_awslogs_task_roles_and_task_enis() {
    let awslogs = r#"{ name = "w", image = "w", cpu = 128, memory = 64, logConfiguration = { logDriver = "awslogs" } }"#;
    for (container, taskdef) in [
        (awslogs, ""),
        (
            Sc::default().container,
            "taskRoleArn = \"arn:aws:iam::1:role/app\"",
        ),
        (Sc::default().container, "networkMode = \"awsvpc\""),
    ] {
        let run_with = |group: &str| {
            Sc {
                group,
                container,
                taskdef,
                rest: "",
                ..Default::default()
            }
            .run()
        };
        let ami = run_with("");
        assert_eq!(
            ami.summary.services["app"].tasks.running_end, 1,
            "{taskdef}"
        );
        let bare = run_with("agent_defaults = \"agent\"");
        let s = &bare.summary.services["app"];
        assert_eq!(s.tasks.running_end, 0, "{taskdef}");
        assert_eq!(s.pending_reasons.get("ATTRIBUTE"), Some(&1), "{taskdef}");
    }
}

#[test]
fn eni_trunking_raises_the_awsvpc_tasks_per_instance() {
    let run_with = |group: &str| {
        Sc {
            group,
            taskdef: "networkMode = \"awsvpc\"",
            desired: 12,
            ..Default::default()
        }
        .run()
        .summary
        .services["app"]
            .tasks
            .running_end
    };
    // m5.large: 3 ENIs, one primary → 2 tasks; trunked → 10 (docs/ecs-facts.md §2).
    assert_eq!(run_with(""), 2);
    assert_eq!(run_with("eni_trunking = true"), 10);
    let e = Scenario::parse(
        &Sc {
            itype: "t3.medium",
            group: "eni_trunking = true",
            ..Default::default()
        }
        .text(),
        "t.toml",
    )
    .unwrap_err();
    assert_eq!(e.field.as_deref(), Some("instance_groups[0].eni_trunking"));
}

#[test]
fn fargate_launches_pass_the_token_bucket() {
    // 150 tasks at once: 100 are admitted at once, the other 50 at 20 per second.
    let out = Sc {
        hosts: 0,
        taskdef: FARGATE_TD,
        service: "launchType = \"FARGATE\"",
        desired: 150,
        rest: "[model.fargate]\nprovisioning = { dist = \"constant\", value = \"10s\" }\n",
        ..Default::default()
    };
    let sim = run_checked(&out.parse(), None);
    let mut ready: Vec<f64> = sim.tasks().iter().map(|t| secs(t.placed_at)).collect();
    ready.sort_by(|a, b| a.total_cmp(b));
    assert_eq!(ready[99], 70.0);
    assert!((ready[100] - 70.05).abs() < 1e-6, "{}", ready[100]);
    assert!((ready[149] - 72.5).abs() < 1e-6, "{}", ready[149]);
    assert!(sim.tasks().iter().all(|t| t.state == TaskState::Running));
}

#[test]
fn fargate_bills_per_second_from_the_pull_with_a_minute_minimum() {
    // 4 tasks of 0.25 vCPU and 0.5 GB on x86 from their pull's start to the end of the run.
    let out = Sc {
        hosts: 0,
        taskdef: FARGATE_TD,
        service: "launchType = \"FARGATE\"",
        desired: 4,
        ..Default::default()
    };
    let sim = run_checked(&out.parse(), None);
    let end = sim.end().as_secs_f64();
    let billed: f64 = sim.tasks().iter().map(|t| end - secs(t.billed_from)).sum();
    let hourly = 0.25 * 0.04048 + 0.5 * 0.004445;
    let out = sim.finish();
    let c = &out.summary.cost_usd;
    assert!((c.fargate - hourly * billed / 3600.0).abs() < 1e-9, "{c:?}");
    assert_eq!(c.ec2, 0.0);
    assert_eq!(c.total, c.fargate);
    // ARM is cheaper.
    let arm_td = format!("{FARGATE_TD}\nruntimePlatform = {{ cpuArchitecture = \"ARM64\" }}");
    let arm = Sc {
        hosts: 0,
        taskdef: &arm_td,
        service: "launchType = \"FARGATE\"",
        desired: 4,
        ..Default::default()
    }
    .run();
    assert!(arm.summary.cost_usd.fargate < c.fargate * 0.81);
}

#[test]
fn fargate_spot_interruptions_stop_tasks_and_the_service_replaces_them() {
    let strategy = r#"capacityProviderStrategy = [{ capacityProvider = "FARGATE", base = 1, weight = 1 }, { capacityProvider = "FARGATE_SPOT", weight = 3 }]"#;
    let out = Sc {
        hosts: 0,
        duration: "3h",
        taskdef: FARGATE_TD,
        service: strategy,
        desired: 9,
        rest: "[model.fargate]\nspot_interruptions_per_hour = 2.0\n",
        ..Default::default()
    }
    .run();
    let s = &out.summary.services["app"];
    assert!(s.tasks.spot_interrupted >= 5, "{:?}", s.tasks);
    assert_eq!(s.tasks.running_end + s.tasks.pending_end, 9);
    assert!(out
        .log
        .entries
        .iter()
        .any(|e| e.kind == "spot_interruption" && e.message.contains("two-minute warning")));
    // Base 1 on FARGATE, then 1:3 — of the first 9 tasks, 3 on demand and 6 on Spot.
    let provisioning: Vec<&str> = out
        .log
        .entries
        .iter()
        .filter(|e| e.kind == "fargate_provisioning")
        .take(9)
        .map(|e| {
            if e.message.contains("Fargate Spot") {
                "spot"
            } else {
                "on-demand"
            }
        })
        .collect();
    assert_eq!(provisioning.iter().filter(|k| **k == "spot").count(), 6);
}

#[test]
fn the_startup_breakdown_adds_up_to_the_time_to_healthy() {
    let out = Sc {
        desired: 3,
        ..Default::default()
    }
    .run();
    let s = &out.summary.services["app"];
    assert_eq!(s.startup_s.count, 3);
    let b = &s.startup_breakdown_s;
    let sum = b.provisioning.unwrap() + b.pull.unwrap() + b.start.unwrap() + b.health.unwrap();
    let mean_startup = {
        let sim = run_checked(
            &Sc {
                desired: 3,
                ..Default::default()
            }
            .parse(),
            None,
        );
        sim.tasks()
            .iter()
            .map(|t| secs(t.healthy_at) - t.created_at.as_secs_f64())
            .sum::<f64>()
            / 3.0
    };
    assert!((sum - mean_startup).abs() < 1e-6, "{sum} vs {mean_startup}");
    // The pull is most of a cold start (docs/ecs-facts.md §7: 76 % in Slacker).
    assert!(b.pull.unwrap() > 0.9 * sum, "{b:?}");
    assert!(s.startup_s.p50.unwrap() <= s.startup_s.max.unwrap());
}

#[test]
fn the_same_run_twice_is_identical_with_fargate_and_pulls() {
    let sc = Sc {
        hosts: 0,
        taskdef: FARGATE_TD,
        service: r#"capacityProviderStrategy = [{ capacityProvider = "FARGATE_SPOT", weight = 1 }]"#,
        desired: 5,
        duration: "2h",
        ..Default::default()
    }
    .parse();
    let a = run(&sc, &Default::default()).unwrap().summary;
    let b = run(&sc, &Default::default()).unwrap().summary;
    assert_eq!(a.trace_hash, b.trace_hash);
}

fn lesson(name: &str) -> RunOutput {
    let lib = ecsim_tests::library();
    let sc = lib
        .iter()
        .find(|s| s.spec.name == name)
        .unwrap_or_else(|| panic!("{name} is in the library"));
    run(sc, &Default::default()).unwrap()
}

#[test]
fn the_ecr_pulls_lesson_shows_cold_warm_and_fargate_starts() {
    let out = lesson("ecr-pulls");
    let s = &out.summary;
    assert!(s.objectives.iter().all(|o| o.held), "{:#?}", s.objectives);
    let pull = |svc: &str| s.services[svc].startup_breakdown_s.pull.unwrap();
    assert!(pull("infer-fargate") > pull("infer-cold") && pull("infer-cold") > pull("infer-warm"));
    // The first cold tasks spend most of their start-up pulling.
    let cold = &s.services["infer-cold"].startup_s;
    assert!(cold.max.unwrap() > 10.0 * cold.min.unwrap(), "{cold:?}");
}

#[test]
fn the_fargate_vs_ec2_lesson_gives_start_up_and_dollars_for_both() {
    let out = lesson("fargate-vs-ec2");
    let s = &out.summary;
    assert!(s.objectives.iter().all(|o| o.held), "{:#?}", s.objectives);
    // Two m5.large for an hour, and 8 × (0.5 vCPU, 1 GB) billed from their pulls.
    assert!((s.cost_usd.ec2 - 2.0 * 0.096).abs() < 1e-9);
    let fargate_hour = 8.0 * (0.5 * 0.04048 + 0.004445);
    assert!(s.cost_usd.fargate < fargate_hour && s.cost_usd.fargate > 0.95 * fargate_hour);
    let (ec2, fg) = (&s.services["web-ec2"], &s.services["web-fargate"]);
    assert!(fg.startup_s.p50.unwrap() > ec2.startup_s.p50.unwrap());
    assert!(fg.startup_breakdown_s.provisioning.unwrap() >= 10.0);
    // On EC2 an awsvpc task waits only for its ENI (3–7 s).
    let eni = ec2.startup_breakdown_s.provisioning.unwrap();
    assert!((3.0..=7.0).contains(&eni), "{eni}");
    assert_eq!(ec2.stop_codes.len(), 0);
}

#[test]
fn spot_draining_replaces_tasks_before_the_instance_goes() {
    // Two Spot hosts; the first gets its notice at 5 min and is terminated at 7 min. With
    // draining, its tasks are replaced on the other host before then; without, they die with it
    // at 7 min and only then are replaced.
    let run_with = |cfg: &str| {
        let group = "spot_interruptions = [\"5m\"]";
        let sim = run_checked(
            &Sc {
                hosts: 2,
                ecs_config: cfg,
                group,
                desired: 4,
                rest: "",
                ..Default::default()
            }
            .parse(),
            None,
        );
        let out = sim.finish();
        (out.summary, out.log)
    };
    let (drained, log) = run_with("ECS_ENABLE_SPOT_INSTANCE_DRAINING=true");
    let s = &drained.services["app"];
    assert_eq!(s.tasks.running_end, 4);
    assert_eq!(s.tasks.lost_with_instance, 0, "{:?}", s.tasks);
    assert_eq!(s.tasks_per_instance.get("i-02"), Some(&4));
    assert!(log.entries.iter().any(|e| e.kind == "instance_draining"));
    assert_eq!(drained.cluster.instances_end, 1);

    let (lost, log) = run_with("");
    let s = &lost.services["app"];
    assert_eq!(s.tasks.lost_with_instance, 2, "{:?}", s.tasks);
    assert_eq!(s.tasks.running_end, 4, "replaced after the termination");
    let msg = &log
        .entries
        .iter()
        .find(|e| e.kind == "task_lost")
        .expect("a lost task is logged")
        .message;
    assert!(msg.contains("terminated"), "{msg}");
    // The terminated host is billed to its termination only.
    assert!(lost.cost_usd.ec2 < 2.0 * 0.096 * 10.0 / 60.0);
}

#[test]
fn reserved_ports_are_never_given_out() {
    let c = r#"{ name = "w", image = "w", cpu = 128, memory = 64, portMappings = [{ containerPort = 80, hostPort = 0 }] }"#;
    let sim = run_checked(
        &Sc {
            ecs_config: "ECS_RESERVED_PORTS=[22, 32768, 32769]",
            container: c,
            desired: 2,
            rest: "",
            ..Default::default()
        }
        .parse(),
        None,
    );
    let mut ports: Vec<u16> = sim.tasks().iter().map(|t| t.ports[0].port).collect();
    ports.sort();
    assert_eq!(ports, vec![32770, 32771]);
}

#[test]
fn the_stop_timeout_caps_the_wait_for_sigterm() {
    // Containers take 20 s to exit after SIGTERM; the agent kills them after
    // ECS_CONTAINER_STOP_TIMEOUT. The service scales to 0 at 5 min (no load balancer, so no
    // draining): the task is STOPPED 5 s later with a 5 s timeout, 20 s later with the 30 s default.
    let rest = format!(
        "[model]\ncontainer_exit = {{ dist = \"constant\", value = \"20s\" }}\n{}",
        scale_to(0, "5m")
    );
    let stopped_after = |cfg: &str| {
        let sim = run_checked(
            &Sc {
                ecs_config: cfg,
                rest: &rest,
                ..Default::default()
            }
            .parse(),
            None,
        );
        secs(sim.tasks()[0].stopped_at) - 300.0
    };
    assert_eq!(stopped_after("ECS_CONTAINER_STOP_TIMEOUT=5s"), 5.0);
    assert_eq!(stopped_after(""), 20.0);
}

#[test]
fn stopped_tasks_carry_ecs_stop_codes() {
    // Scale-in, a failed start, and a task lost with its Spot instance.
    let rest = format!("{}{}", scale_to(1, "3m"), scale_to(3, "4m"));
    let out = Sc {
        hosts: 2,
        group: "spot_interruptions = [\"5m\"]",
        desired: 3,
        rest: &rest,
        ..Default::default()
    }
    .run();
    let codes = &out.summary.services["app"].stop_codes;
    assert_eq!(
        codes.get("ServiceSchedulerInitiated"),
        Some(&2),
        "{codes:?}"
    );
    assert!(
        codes.get("TerminationNotice").is_some_and(|&n| n >= 1),
        "{codes:?}"
    );
    let denied = ecr_scenario(ROLES, "", "executionRoleArn = \"logsOnly\"", "");
    let codes = &denied.summary.services["app"].stop_codes;
    assert!(
        codes.get("TaskFailedToStart").is_some_and(|&n| n >= 1),
        "{codes:?}"
    );
}

#[test]
fn an_awsvpc_task_on_ec2_waits_for_its_eni_before_pulling() {
    let sim = run_checked(
        &Sc {
            taskdef: "networkMode = \"awsvpc\"",
            ..Default::default()
        }
        .parse(),
        None,
    );
    let t = &sim.tasks()[0];
    let attach = secs(t.placed_at) - t.created_at.as_secs_f64();
    assert!((3.0..=7.0).contains(&attach), "{attach}");
}

#[test]
fn failed_starts_are_retried_in_rounds_that_back_off_to_fifteen_minutes() {
    // 20 tasks whose image is in a private registry the agent has no credentials for: each
    // round of 20 fails, and the next round comes 10 s, 20 s, 40 s, … up to 15 min later — one
    // round at a time, not one chain per failed task.
    let c = r#"{ name = "w", image = "registry.example.com/team/app:1", cpu = 64, memory = 64 }"#;
    let out = Sc {
        duration: "2h",
        hosts: 2,
        container: c,
        desired: 20,
        rest: "private_registries = [\"registry.example.com\"]\n",
        ..Default::default()
    }
    .run();
    let delays: Vec<&str> = out
        .log
        .entries
        .iter()
        .filter_map(|e| e.message.split("the service retries in ").nth(1))
        .collect();
    assert_eq!(
        delays,
        [
            "10s", "20s", "40s", "80s", "160s", "320s", "640s", "15m", "15m", "15m", "15m", "15m",
            "15m", "15m"
        ]
    );
    assert_eq!(out.summary.services["app"].tasks.failed, 20 * 14);
}

#[test]
fn spot_notices_hit_registered_instances_one_each() {
    // Two notices 30 s apart: each takes a different instance. A notice before any instance has
    // registered finds none.
    let out = Sc {
        hosts: 2,
        group: "spot_interruptions = [\"10s\", \"5m\", \"5m30s\"]",
        desired: 2,
        rest: "",
        ..Default::default()
    }
    .run();
    let notices: Vec<&str> = out
        .log
        .entries
        .iter()
        .filter(|e| e.kind == "spot_notice")
        .map(|e| e.message.as_str())
        .collect();
    assert!(
        notices[0].contains("no registered instance left"),
        "{notices:?}"
    );
    assert!(
        notices[1].starts_with("instance i-01") && notices[2].starts_with("instance i-02"),
        "{notices:?}"
    );
    assert_eq!(out.summary.cluster.instances_end, 0);
    assert_eq!(
        out.summary.services["app"]
            .pending_reasons
            .get("NO_ACTIVE_INSTANCES"),
        Some(&2)
    );
}

#[test]
fn a_refused_image_fails_the_task_before_any_other_pull_starts() {
    // The first image is public and tiny, the second from a private registry without
    // credentials: the task must never run.
    let c = r#"{ name = "a", image = "tiny:1", cpu = 64, memory = 64 }, { name = "b", image = "registry.example.com/app:1", cpu = 64, memory = 64 }"#;
    let rest = "private_registries = [\"registry.example.com\"]\n[[images]]\nimage = \"tiny:1\"\nsize_mib = 1\n[model]\ncontainer_start = { dist = \"constant\", value = \"100ms\" }\n";
    let sim = run_checked(
        &Sc {
            container: c,
            rest,
            ..Default::default()
        }
        .parse(),
        None,
    );
    assert!(sim
        .tasks()
        .iter()
        .all(|t| t.running_at.is_none() && t.pull_done_at.is_none()));
    let out = sim.finish();
    assert_eq!(out.summary.services["app"].tasks.started, 0);
    assert_eq!(out.summary.images.pulls, 0);
}
