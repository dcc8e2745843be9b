//! ecsim-core: a deterministic discrete-event simulator of an Amazon ECS cluster.
//!
//! No IO, no clock, no threads: text in (`Scenario::parse`), results out (`run`). The same code
//! runs natively and in wasm32 and gives the same `trace_hash` on both. See ARCHITECTURE.md.

// The engine's modules keep their paths in the core (`crate::time`, `ecsim_core::rng`).
pub use ecsim_engine::{hash, queue, rng, time};

pub(crate) mod agent_config;
pub(crate) mod alb;
pub(crate) mod application;
pub(crate) mod attributes;
pub(crate) mod autoscaling;
pub mod aws_shape;
pub(crate) mod batch;
pub mod budget;
pub mod capacity;
pub(crate) mod capacity_provider;
pub mod catalog;
pub mod container_health;
pub(crate) mod cost;
pub(crate) mod error;
pub mod fargate;
pub(crate) mod faults;
pub mod histogram;
pub(crate) mod iam;
pub(crate) mod image_cache;
pub(crate) mod images;
pub mod instance;
pub mod log;
pub mod metrics;
pub(crate) mod model;
pub(crate) mod network;
pub(crate) mod placement;
pub(crate) mod ports;
pub(crate) mod rate;
pub(crate) mod registry;
pub mod scenario;
pub(crate) mod service;
pub mod sim;
pub(crate) mod source;
pub mod task;
pub mod taskdef;
pub(crate) mod traffic;
pub mod units;

pub use error::{shorten, FieldError, ScenarioError};
pub use metrics::Summary;
pub use scenario::Scenario;
pub use sim::{InvariantViolation, RunError, RunOptions, RunOutput, Simulation};
pub use time::{SimDuration, SimTime};

/// The built-in default scenario (a web service of 8 tasks on 3 m5.large, dynamic ports).
pub const DEFAULT_SCENARIO: &str = include_str!("../../../scenarios/default.toml");
pub const DEFAULT_SCENARIO_FILE: &str = "scenarios/default.toml";

impl Scenario {
    /// Parses a scenario's text (TOML, or JSON for a `.json` file) and checks it whole: the
    /// schema and every section (`scenario`), then that each objective names a number of the
    /// summary (`sim`). Errors name the file, the line when it can be found, and the field.
    pub fn parse(text: &str, file: &str) -> Result<Scenario, ScenarioError> {
        let mut sc = Scenario::read(text, file)?;
        sim::check_objective_metrics(&sc).map_err(|e| Scenario::located(text, file, e))?;
        let unmeasurable = sim::unmeasurable_objectives(&sc);
        sc.warnings.extend(unmeasurable);
        Ok(sc)
    }
}

/// Runs a scenario to its end.
pub fn run(scenario: &Scenario, opts: &RunOptions) -> Result<RunOutput, RunError> {
    let mut sim = Simulation::new(scenario, opts);
    sim.run_to_end()?;
    Ok(sim.finish())
}
