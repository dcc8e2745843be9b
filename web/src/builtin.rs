//! The built-in scenarios the page offers (embedded at build time) and the picker's groups; the
//! user's saved ones follow them in the picker (`saved::entry`).

/// The built-in scenarios the page offers, as (file, text).
pub const BUILTIN: &[(&str, &str)] = &[
    (
        ecsim_core::DEFAULT_SCENARIO_FILE,
        ecsim_core::DEFAULT_SCENARIO,
    ),
    (
        "scenarios/lessons/static-vs-dynamic-ports.toml",
        include_str!("../../scenarios/lessons/static-vs-dynamic-ports.toml"),
    ),
    (
        "scenarios/lessons/wrong-cluster-name.toml",
        include_str!("../../scenarios/lessons/wrong-cluster-name.toml"),
    ),
    (
        "scenarios/lessons/alb-dynamic-ports.toml",
        include_str!("../../scenarios/lessons/alb-dynamic-ports.toml"),
    ),
    (
        "scenarios/lessons/alb-dynamic-ports-exercise.toml",
        include_str!("../../scenarios/lessons/alb-dynamic-ports-exercise.toml"),
    ),
    (
        "scenarios/lessons/ecs-config.toml",
        include_str!("../../scenarios/lessons/ecs-config.toml"),
    ),
    (
        "scenarios/lessons/ecs-config-fixed.toml",
        include_str!("../../scenarios/lessons/ecs-config-fixed.toml"),
    ),
    (
        "scenarios/lessons/ecr-pulls.toml",
        include_str!("../../scenarios/lessons/ecr-pulls.toml"),
    ),
    (
        "scenarios/lessons/fargate-vs-ec2.toml",
        include_str!("../../scenarios/lessons/fargate-vs-ec2.toml"),
    ),
    (
        "scenarios/lessons/rolling-upgrade.toml",
        include_str!("../../scenarios/lessons/rolling-upgrade.toml"),
    ),
    (
        "scenarios/lessons/scale-in-seconds.toml",
        include_str!("../../scenarios/lessons/scale-in-seconds.toml"),
    ),
    (
        "scenarios/lessons/spot-batch.toml",
        include_str!("../../scenarios/lessons/spot-batch.toml"),
    ),
    (
        "scenarios/lessons/daemon-services.toml",
        include_str!("../../scenarios/lessons/daemon-services.toml"),
    ),
    (
        "scenarios/lessons/zone-outage.toml",
        include_str!("../../scenarios/lessons/zone-outage.toml"),
    ),
    (
        "scenarios/lessons/container-health-checks.toml",
        include_str!("../../scenarios/lessons/container-health-checks.toml"),
    ),
    (
        "scenarios/lessons/memory-limits.toml",
        include_str!("../../scenarios/lessons/memory-limits.toml"),
    ),
    (
        "scenarios/templates/right-size-ec2.toml",
        include_str!("../../scenarios/templates/right-size-ec2.toml"),
    ),
    (
        "scenarios/templates/fargate-spot-mix.toml",
        include_str!("../../scenarios/templates/fargate-spot-mix.toml"),
    ),
    (
        "scenarios/validation/mm1.toml",
        include_str!("../../scenarios/validation/mm1.toml"),
    ),
    (
        "scenarios/validation/mmc.toml",
        include_str!("../../scenarios/validation/mmc.toml"),
    ),
];

/// The picker's groups, in order, and which built-in scenarios each holds (by folder).
pub const GROUPS: &[(&str, &str)] = &[
    ("Planning templates", "templates"),
    ("Lessons", "lessons"),
    ("Validation against queueing theory", "validation"),
];

/// The picker group of a built-in scenario: its folder under `scenarios/` (the default
/// scenario, at the top, is a template).
pub fn group_of(file: &str) -> &'static str {
    let folder = file
        .strip_prefix("scenarios/")
        .and_then(|f| f.split_once('/'))
        .map_or("templates", |(d, _)| d);
    GROUPS
        .iter()
        .find(|(_, d)| *d == folder)
        .map_or("templates", |(_, d)| d)
}
