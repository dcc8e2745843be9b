//! The four `ecs.config` settings the lecture names: the cluster an instance joins, the log
//! drivers it allows, task IAM roles, a private registry's credentials; and the `ecs-config` exercise.

use ecsim_tests::{one_service, parse, run_checked};

#[test]
fn a_wrong_ecs_cluster_never_joins() {
    let c = r#"{ name = "w", image = "w", cpu = 128, memory = 64 }"#;
    let sim = run_checked(
        &parse(&one_service(2, "m5.large", "ECS_CLUSTER=prod", c, 2, "")),
        None,
    );
    let out = sim.finish();
    assert_eq!(out.summary.cluster.instances_never_joined, 2);
    assert_eq!(out.summary.cluster.instances_end, 0);
    assert_eq!(
        out.summary.services["app"]
            .pending_reasons
            .get("NO_ACTIVE_INSTANCES"),
        Some(&2)
    );
    assert!(
        out.summary.cost_usd.ec2 > 0.0,
        "instances that never joined are still billed"
    );
    assert!(out.log.entries.iter().any(|e| e
        .message
        .contains("never joined: ECS_CLUSTER=prod, cluster is 'default'")));
}

/// docs/ecs-facts.md §12: ecs-init reads no shell syntax. `ECS_CLUSTER="default"` names a cluster
/// whose name has the quotes in it, so the instances never join `default`; `export
/// ECS_CLUSTER=prod` is another key, so they join `default` and not `prod`. Both are said before
/// the run (a warning) and in the event log.
#[test]
fn quotes_and_export_in_ecs_config_are_read_as_ecs_init_reads_them() {
    let c = r#"{ name = "w", image = "w", cpu = 128, memory = 64 }"#;
    let quoted = parse(&one_service(
        2,
        "m5.large",
        "ECS_CLUSTER=\"default\"",
        c,
        2,
        "",
    ));
    assert!(
        quoted
            .warnings
            .iter()
            .any(|w| w.field == "instance_groups[0].ecs_config"
                && w.message.contains("keeps the quotes")),
        "{:?}",
        quoted.warnings
    );
    let out = run_checked(&quoted, None).finish();
    assert_eq!(out.summary.cluster.instances_never_joined, 2);
    assert!(out.log.entries.iter().any(|e| e
        .message
        .contains("ECS_CLUSTER=\"default\": the agent keeps the quotes")));

    let exported = parse(&one_service(
        2,
        "m5.large",
        "export ECS_CLUSTER=prod",
        c,
        2,
        "",
    ));
    let out = run_checked(&exported, None).finish();
    // Into `default`, the scenario's cluster: the tasks run, though the author meant `prod`.
    assert_eq!(out.summary.cluster.instances_never_joined, 0);
    assert_eq!(out.summary.services["app"].tasks.running_end, 2);
    assert!(out.summary.warnings.iter().any(|w| w
        .message
        .contains("`export ECS_CLUSTER` is not ECS_CLUSTER")));
}

#[test]
fn a_log_driver_the_agent_does_not_allow_keeps_the_task_off_the_host() {
    let c = r#"{ name = "w", image = "w", cpu = 128, memory = 64, logConfiguration = { logDriver = "awslogs" } }"#;
    // The ECS-optimised AMI allows awslogs; a bare agent list without it does not.
    let ok = run_checked(&parse(&one_service(1, "m5.large", "", c, 1, "")), None).finish();
    assert_eq!(ok.summary.services["app"].tasks.running_end, 1);
    let text = one_service(
        1,
        "m5.large",
        r#"ECS_AVAILABLE_LOGGING_DRIVERS=["json-file","none"]"#,
        c,
        1,
        "",
    );
    let out = run_checked(&parse(&text), None).finish();
    let s = &out.summary.services["app"];
    assert_eq!(
        (s.tasks.running_end, s.pending_reasons.get("ATTRIBUTE")),
        (0, Some(&1))
    );
    assert!(out.log.entries.iter().any(|e| e
        .message
        .contains("no instance has com.amazonaws.ecs.capability.logging-driver.awslogs")));
}

#[test]
fn a_task_role_needs_ecs_enable_task_iam_role() {
    let text = |cfg: &str| {
        one_service(
            1,
            "m5.large",
            cfg,
            r#"{ name = "w", image = "w", cpu = 128, memory = 64 }"#,
            1,
            "",
        )
        .replace(
            "containerDefinitions = [",
            "taskRoleArn = \"arn:aws:iam::123456789012:role/app\"\ncontainerDefinitions = [",
        )
    };
    let ok = run_checked(&parse(&text("ECS_ENABLE_TASK_IAM_ROLE=true")), None).finish();
    assert_eq!(ok.summary.services["app"].tasks.running_end, 1);
    let out = run_checked(&parse(&text("ECS_ENABLE_TASK_IAM_ROLE=false")), None).finish();
    assert_eq!(
        out.summary.services["app"].pending_reasons.get("ATTRIBUTE"),
        Some(&1)
    );
    assert!(out
        .log
        .entries
        .iter()
        .any(|e| e.message.contains("task-iam-role")));
}

#[test]
fn a_private_registry_needs_the_agents_auth_data() {
    let c = r#"{ name = "w", image = "registry.example.com/team/app:3", cpu = 128, memory = 64 }"#;
    // private_registries is a scenario-level key: it goes above the first table.
    let text = |cfg: &str| {
        one_service(1, "m5.large", cfg, c, 1, "").replacen(
            "name = \"t\"\n",
            "name = \"t\"\nprivate_registries = [\"registry.example.com\"]\n",
            1,
        )
    };
    let without = run_checked(&parse(&text("")), None).finish();
    let s = &without.summary.services["app"];
    assert_eq!(s.tasks.running_end, 0);
    // Tried, failed, retried after 10 s, 20 s, 40 s, ... within the run's 4 minutes after 60 s.
    assert!(s.tasks.failed >= 3, "{:?}", s.tasks);
    assert_eq!(
        s.failed_reasons.get("CannotPullContainerError").copied(),
        Some(s.tasks.failed)
    );
    assert!(without.log.entries.iter().any(|e| e.message.contains(
        "CannotPullContainerError: pull access denied for registry.example.com/team/app:3"
    )));
    let with = run_checked(
        &parse(&text("ECS_ENGINE_AUTH_TYPE=docker\nECS_ENGINE_AUTH_DATA={\"registry.example.com\":{\"username\":\"u\",\"password\":\"p\",\"email\":\"e\"}}")),
        None,
    )
    .finish();
    assert_eq!(with.summary.services["app"].tasks.running_end, 1);
    assert_eq!(with.summary.services["app"].tasks.failed, 0);
}

/// Issue 15, departure 2: the data is read as `ECS_ENGINE_AUTH_TYPE` says, and with no type the
/// agent pulls with empty credentials (docs/ecs-facts.md §12 "Private registry auth").
#[test]
fn registry_credentials_are_read_as_the_auth_type_says() {
    let c = r#"{ name = "w", image = "registry.example.com/team/app:3", cpu = 128, memory = 64 }"#;
    let run = |cfg: &str| {
        let text = one_service(1, "m5.large", cfg, c, 1, "").replacen(
            "name = \"t\"\n",
            "name = \"t\"\nprivate_registries = [\"registry.example.com\"]\n",
            1,
        );
        run_checked(&parse(&text), None).finish()
    };
    let user = r#"ECS_ENGINE_AUTH_DATA={"registry.example.com":{"username":"u","password":"p","email":"e"}}"#;
    // base64("u:p") = "dTpw".
    let cfg =
        r#"ECS_ENGINE_AUTH_DATA={"https://registry.example.com/v1/":{"auth":"dTpw","email":"e"}}"#;
    let cases = [
        (user.to_string(), "ECS_ENGINE_AUTH_TYPE is not set, so the agent pulls with empty credentials"),
        (format!("ECS_ENGINE_AUTH_TYPE=dockercfg\n{user}"), "reads the auth field (base64 of user:password), and the entry for registry.example.com has none, so the agent skips it"),
        (format!("ECS_ENGINE_AUTH_TYPE=docker\n{cfg}"), "ECS_ENGINE_AUTH_TYPE=docker reads username and password"),
        (format!("ECS_ENGINE_AUTH_TYPE=dockercfg\n{}", cfg.replace("dTpw", "not base64!")), "an auth field that is not base64 of user:password"),
    ];
    for (config, why) in cases {
        let out = run(&config);
        let s = &out.summary.services["app"];
        assert_eq!(s.tasks.running_end, 0, "{config}");
        assert!(
            s.failed_reasons.contains_key("CannotPullContainerError"),
            "{config}"
        );
        assert!(
            out.log.entries.iter().any(|e| e.message.contains(why)),
            "{config}: no log line says {why:?}"
        );
    }
    // The type set, in either order, with the data its type reads: the pull succeeds.
    for config in [
        format!("ECS_ENGINE_AUTH_TYPE=dockercfg\n{cfg}"),
        format!("{user}\nECS_ENGINE_AUTH_TYPE=docker"),
    ] {
        let out = run(&config);
        assert_eq!(out.summary.services["app"].tasks.running_end, 1, "{config}");
        assert_eq!(out.summary.services["app"].tasks.failed, 0, "{config}");
    }
    // The forgotten type is a warning before the run, too.
    let out = run(user);
    assert!(
        out.summary.warnings.iter().any(|w| w
            .to_string()
            .contains("ECS_ENGINE_AUTH_DATA without ECS_ENGINE_AUTH_TYPE")),
        "{:?}",
        out.summary.warnings
    );
}

#[test]
fn the_ecs_config_exercise_fails_each_objective_for_its_own_reason() {
    let lib = ecsim_tests::library();
    let find = |n: &str| {
        lib.iter()
            .find(|s| s.spec.name == n)
            .unwrap_or_else(|| panic!("no {n}"))
    };
    let broken = run_checked(find("ecs-config"), None).finish();
    let s = &broken.summary;
    assert_eq!(s.cluster.instances_never_joined, 1, "ECS_CLUSTER");
    assert!(s.services["on-registry-host"]
        .failed_reasons
        .contains_key("CannotPullContainerError"));
    assert_eq!(
        s.services["on-logging-host"]
            .pending_reasons
            .get("ATTRIBUTE"),
        Some(&1)
    );
    assert_eq!(
        s.services["on-roles-host"].pending_reasons.get("ATTRIBUTE"),
        Some(&1)
    );
    assert_eq!(s.objectives.iter().filter(|o| !o.held).count(), 4);
    let fixed = run_checked(find("ecs-config-fixed"), None).finish();
    assert_eq!(
        fixed.summary.objectives.iter().filter(|o| o.held).count(),
        4
    );
}
