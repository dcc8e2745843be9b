//! The benchmark suite of `ecsim_front::bench` as a wasm module: `scripts/bench-wasm.sh` builds
//! it for `wasm32-unknown-unknown` (with the release profile and with the web app's size-first
//! `web` profile), and `scripts/bench-wasm.mjs` times these calls under Node, beside the native
//! suite's figures from the same run. Timing is the caller's: nothing here reads a clock.

use ecsim_core::{run, RunOptions, Scenario};
use ecsim_front::bench::{bare_loop, Size, Workload};
use wasm_bindgen::prelude::*;

/// The scenario text of the workload `name` (as `ecsim bench --suite` names it).
#[wasm_bindgen]
pub fn workload_scenario(name: &str, quick: bool) -> Result<String, String> {
    let size = if quick { Size::Quick } else { Size::Full };
    Workload::from_name(name)
        .map(|w| w.scenario(size))
        .ok_or_else(|| format!("no such workload: {name}"))
}

/// Parses and runs `text`; answers `{"events": N, "trace_hash": "…"}` as JSON.
#[wasm_bindgen]
pub fn run_scenario(text: &str) -> Result<String, String> {
    let sc = Scenario::parse(text, "bench.toml").map_err(|e| e.to_string())?;
    let out = run(&sc, &RunOptions::default()).map_err(|e| e.to_string())?;
    Ok(serde_json::json!({
        "events": out.summary.events,
        "trace_hash": out.summary.trace_hash,
    })
    .to_string())
}

/// The bare loop over `requests` requests; answers its events.
#[wasm_bindgen]
pub fn bare_events(requests: u32) -> f64 {
    bare_loop(requests as u64, 1).events as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_quick_workload_runs_and_an_unknown_one_is_named() {
        let text = workload_scenario("alb-mmc-lor", true).expect("known");
        let answer: serde_json::Value =
            serde_json::from_str(&run_scenario(&text).expect("runs")).expect("json");
        assert!(answer["events"].as_u64().is_some_and(|e| e > 10_000));
        assert_eq!(answer["trace_hash"].as_str().map(str::len), Some(16));
        assert!(workload_scenario("nope", true)
            .unwrap_err()
            .contains("no such workload: nope"));
        assert_eq!(bare_events(1_000), 2_000.0);
    }
}
