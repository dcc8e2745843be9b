//! The scenarios the page offers: the built-in library (embedded at build time), then the user's
//! saved ones.

use crate::saved::Saved;

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
];

/// The file name and text of entry `i` of the picker: a built-in scenario, then the saved ones.
pub fn entry(library: &[Saved], i: usize) -> (String, String) {
    match BUILTIN.get(i) {
        Some((f, t)) => (f.to_string(), t.to_string()),
        None => library
            .get(i - BUILTIN.len())
            .map(|s| (s.file(), s.text.clone()))
            .unwrap_or_else(|| (BUILTIN[0].0.to_string(), BUILTIN[0].1.to_string())),
    }
}
