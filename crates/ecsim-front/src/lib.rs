//! ecsim-front: what the command line and the web app share but a run does not need.
//!
//! The editor's form (`form`: common knobs read from and written into the scenario's TOML text,
//! comments kept), share links (`share`: the scenario text deflated into a URL fragment) and the
//! readable summary (`report`), and any setting addressed by path and overridden in the text
//! (`setting`); metric paths in words, with units and rounding (`metric`); sweeps, plans and comparisons over many runs (`sweep`, `plan`, `comparison`,
//! `stats`), the benchmark suite's workloads and bare loop (`bench`) and the sweep's chart (`chart`, with the `chart` feature). Kept out of `ecsim-core` so the engine that the CLI, sweeps and
//! the web worker run carries no text-editing, compression or report code it never calls.

pub mod bench;
#[cfg(feature = "chart")]
pub mod chart;
pub mod comparison;
pub mod form;
pub mod metric;
pub mod plan;
pub mod report;
pub mod setting;
pub mod share;
pub mod stats;
pub mod sweep;
