//! Helpers shared by the cross-crate tests: the scenario library and small scenario builders.

use ecsim_core::{RunOptions, Scenario, Simulation};

pub mod check;
pub mod fuzz_targets;
pub mod kit;
mod random_scenario;
pub use random_scenario::{random_scenario, ByteChoices, ChoiceList, Choices, CHOICES};

include!(concat!(env!("OUT_DIR"), "/library.rs"));

/// Every scenario of `scenarios/`, parsed.
pub fn library() -> Vec<Scenario> {
    LIBRARY
        .iter()
        .map(|(file, text, _)| Scenario::parse(text, file).unwrap_or_else(|e| panic!("{e}")))
        .collect()
}

pub fn parse(toml: &str) -> Scenario {
    Scenario::parse(toml, "test.toml").unwrap_or_else(|e| panic!("{e}\n{toml}"))
}

/// Parses a scenario and runs it to the end with the invariants checked after every event.
pub fn run_text(text: &str) -> ecsim_core::RunOutput {
    ecsim_core::run(
        &parse(text),
        &RunOptions {
            check_invariants: true,
            ..Default::default()
        },
    )
    .unwrap_or_else(|e| panic!("{e}"))
}

/// Runs to the end with invariants checked after every event, and returns the simulation so a
/// test can look at its final state.
pub fn run_checked(sc: &Scenario, seed: Option<u64>) -> Simulation {
    let mut sim = Simulation::new(
        sc,
        &RunOptions {
            seed,
            check_invariants: true,
            ..Default::default()
        },
    );
    sim.run_to_end().unwrap_or_else(|e| panic!("{e}"));
    sim
}

/// A cluster of `hosts` instances of `itype` and one service; `container` is the TOML inline
/// table of the container definition, `extra` more service keys. The service starts at 60 s, after
/// the instances have registered.
pub fn one_service(
    hosts: u32,
    itype: &str,
    ecs_config: &str,
    container: &str,
    desired: u32,
    extra: &str,
) -> String {
    format!(
        r#"
name = "t"
duration = "5m"
[[instance_groups]]
name = "g"
instance_type = "{itype}"
count = {hosts}
ecs_config = """
{ecs_config}
"""
[[task_definitions]]
family = "app"
containerDefinitions = [ {container} ]
[[services]]
serviceName = "app"
taskDefinition = "app"
desiredCount = {desired}
startAt = "60s"
{extra}
"#
    )
}

/// In a deployment started at `at_s` seconds: the gap between its first task RUNNING and the
/// first task wanted before it stopping.
pub fn deployment_gap(out: &ecsim_core::RunOutput, at_s: f64) -> f64 {
    let first = |xs: Vec<f64>| xs.into_iter().fold(f64::INFINITY, f64::min);
    let new_running = first(
        out.tasks
            .iter()
            .filter(|t| t.wanted_s >= at_s)
            .filter_map(|t| t.running_s)
            .collect(),
    );
    let old_stopped = first(
        out.tasks
            .iter()
            .filter(|t| t.wanted_s < at_s)
            .filter_map(|t| t.stopped_s)
            .collect(),
    );
    old_stopped - new_running
}

/// Tasks of service 0 per host at the end, by host index.
pub fn per_host(sim: &Simulation) -> Vec<u32> {
    sim.instances()
        .iter()
        .map(|i| i.tasks_of(ecsim_core::units::ServiceId(0)))
        .collect()
}
