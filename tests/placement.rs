//! Task placement: binpack, spread and chained strategies, `distinctInstance` and `memberOf`,
//! registered memory, and a task too big for any host waiting with ECS's reason.

use ecsim_tests::{one_service, parse, per_host, run_checked};

#[test]
fn binpack_fills_one_host_before_the_next() {
    // m5.large registers 2048 CPU units: four 512-unit tasks fill one.
    let c = r#"{ name = "w", image = "w", cpu = 512, memory = 256 }"#;
    let binpack = r#"placementStrategy = [{ type = "binpack", field = "cpu" }]"#;
    let sim = run_checked(&parse(&one_service(3, "m5.large", "", c, 6, binpack)), None);
    let mut hosts = per_host(&sim);
    hosts.sort();
    assert_eq!(hosts, vec![0, 2, 4]);
}

#[test]
fn spread_balances_over_instances() {
    let c = r#"{ name = "w", image = "w", cpu = 128, memory = 256 }"#;
    let spread = r#"placementStrategy = [{ type = "spread", field = "instanceId" }]"#;
    let sim = run_checked(&parse(&one_service(3, "m5.large", "", c, 9, spread)), None);
    assert_eq!(per_host(&sim), vec![3, 3, 3]);
    // The default spreads over zones first, then over the instances of a zone: 4 hosts in 3 zones
    // (a, b, c, a) take 9 tasks as 3 per zone, zone a's 3 split over its two hosts.
    let sim = run_checked(&parse(&one_service(4, "m5.large", "", c, 9, "")), None);
    let h = per_host(&sim);
    assert_eq!((h[0] + h[3], h[1], h[2]), (3, 3, 3), "{h:?}");
    assert!(h[0].abs_diff(h[3]) == 1, "{h:?}");
}

#[test]
fn chained_strategies_break_ties_in_order() {
    // Spread over zones first (two hosts in a, one in b), then binpack on memory within a zone.
    let sc = parse(&format!(
        "{}\n{}",
        one_service(
            3,
            "m5.large",
            "",
            r#"{ name = "w", image = "w", cpu = 128, memory = 256 }"#,
            4,
            r#"placementStrategy = [{ type = "spread", field = "attribute:ecs.availability-zone" }, { type = "binpack", field = "memory" }]"#
        )
        .replace("count = 3", "count = 3\navailability_zones = [\"a\", \"a\", \"b\"]"),
        ""
    ));
    let sim = run_checked(&sc, None);
    let hosts = per_host(&sim);
    // Zone b (host 3) gets half; zone a's half is packed onto one of its two hosts.
    assert_eq!(hosts[2], 2, "{hosts:?}");
    assert!(
        hosts[..2].contains(&2) && hosts[..2].contains(&0),
        "{hosts:?}"
    );
}

#[test]
fn a_task_too_big_for_any_host_stays_pending_with_the_reason() {
    let big_mem = r#"{ name = "w", image = "w", cpu = 256, memory = 16000 }"#;
    let out = run_checked(
        &parse(&one_service(2, "m5.large", "", big_mem, 2, "")),
        None,
    )
    .finish();
    let s = &out.summary.services["app"];
    assert_eq!(s.tasks.running_end, 0);
    assert_eq!(s.tasks.pending_end, 2);
    assert_eq!(s.pending_reasons.get("RESOURCE:MEMORY"), Some(&2));

    let big_cpu = r#"{ name = "w", image = "w", cpu = 4096, memory = 256 }"#;
    let out = run_checked(
        &parse(&one_service(2, "m5.large", "", big_cpu, 1, "")),
        None,
    )
    .finish();
    assert_eq!(
        out.summary.services["app"]
            .pending_reasons
            .get("RESOURCE:CPU"),
        Some(&1)
    );
}

#[test]
fn registered_memory_is_below_nominal_and_less_the_reserved_memory() {
    let c = r#"{ name = "w", image = "w", cpu = 128, memory = 64 }"#;
    let sim = run_checked(
        &parse(&one_service(
            1,
            "m5.large",
            "ECS_RESERVED_MEMORY=256",
            c,
            1,
            "",
        )),
        None,
    );
    let i = &sim.instances()[0];
    assert_eq!(i.registered_cpu.0, 2048, "2 vCPU x 1024");
    // m5.large's 8192 MiB register as 7821 (docs/ecs-facts.md §12, an estimate from the
    // m6i.large's figure), less ECS_RESERVED_MEMORY.
    assert_eq!(i.registered_memory.0, 7821 - 256);
}

/// Issue 15, departure 7: each built-in type registers its own memory (the Nitro figure, not
/// the m4's 2.5 %); a custom type may give its own, or falls back to the model's overhead.
#[test]
fn each_instance_type_registers_its_own_memory() {
    let c = r#"{ name = "w", image = "w", cpu = 128, memory = 64 }"#;
    let registered = |itype: &str, extra: &str| {
        let sim = run_checked(&parse(&(one_service(1, itype, "", c, 1, "") + extra)), None);
        sim.instances()[0].registered_memory.0
    };
    assert_eq!(registered("m5.large", ""), 7821);
    assert_eq!(registered("c5.large", ""), 3910);
    assert_eq!(registered("m5.xlarge", ""), 15642);
    let custom = "[instance_types.x]\nvcpu = 2\nmemory_mib = 8192\nenis = 3\nnetwork_gbps = 1\nprice_per_hour = 0.1\n";
    assert_eq!(
        registered("x", custom),
        7987,
        "2.5 % less, the model's default"
    );
    let given = format!("{custom}registered_memory_mib = 7900\n");
    assert_eq!(registered("x", &given), 7900);
    let e = ecsim_core::Scenario::parse(
        &(one_service(1, "x", "", c, 1, "") + &format!("{custom}registered_memory_mib = 9000\n")),
        "s.toml",
    )
    .unwrap_err();
    assert_eq!(
        e.field.as_deref(),
        Some("instance_types.x.registered_memory_mib"),
        "{e}"
    );
}

#[test]
fn distinct_instance_allows_one_task_of_the_service_per_host() {
    let c = r#"{ name = "w", image = "w", cpu = 128, memory = 64 }"#;
    let extra = r#"placementConstraints = [{ type = "distinctInstance" }]"#;
    let out = run_checked(&parse(&one_service(3, "m5.large", "", c, 5, extra)), None).finish();
    let s = &out.summary.services["app"];
    assert_eq!(s.tasks.running_end, 3);
    assert_eq!(
        s.pending_reasons.get("CONSTRAINT:distinctInstance"),
        Some(&2)
    );
}

#[test]
fn member_of_keeps_tasks_on_matching_instances() {
    let c = r#"{ name = "w", image = "w", cpu = 128, memory = 64 }"#;
    let sc = parse(&one_service(
        2,
        "m5.large",
        "",
        c,
        4,
        r#"placementConstraints = [{ type = "memberOf", expression = "attribute:ecs.availability-zone == us-east-1b" }]"#,
    ));
    let sim = run_checked(&sc, None);
    assert_eq!(per_host(&sim), vec![0, 4]);
}

/// Issue 15, departure 4: scale-in keeps the placement strategy (docs/ecs-facts.md §12
/// "Scale-in task selection").
#[test]
fn scale_in_keeps_the_placement_strategy() {
    let c = r#"{ name = "w", image = "w", cpu = 512, memory = 256 }"#;
    let scale_to =
        |n: u32| format!("\n[[actions]]\nat = \"3m\"\nservice = \"app\"\ndesired_count = {n}\n");
    // Binpack: 4 tasks fill one m5.large and 2 go on a second; scaling in to 4 stops the two on
    // the instance with the most CPU free, which empties it (cluster auto scaling can then
    // remove it), rather than taking from the full one.
    let binpack = r#"placementStrategy = [{ type = "binpack", field = "cpu" }]"#;
    let text = one_service(3, "m5.large", "", c, 6, binpack) + &scale_to(4);
    let sim = run_checked(&parse(&text), None);
    let mut hosts = per_host(&sim);
    hosts.sort();
    assert_eq!(hosts, vec![0, 0, 4]);
    // Spread over zones, then instances (the default), zones a, b, b: 6 tasks are 3 in each
    // zone; scaling in to 2 leaves one per zone, whichever host is most crowded on the way.
    for to in [2, 4] {
        let text = one_service(3, "m5.large", "", c, 6, "").replace(
            "count = 3",
            "count = 3\navailability_zones = [\"a\", \"b\", \"b\"]",
        ) + &scale_to(to);
        let sim = run_checked(&parse(&text), None);
        let h = per_host(&sim);
        assert_eq!(h.iter().sum::<u32>(), to, "{h:?}");
        assert_eq!(h[0], to / 2, "zone a keeps half: {h:?}");
        assert!(h[1].abs_diff(h[2]) <= 1, "zone b's hosts stay even: {h:?}");
    }
}
