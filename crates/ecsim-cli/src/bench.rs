//! `ecsim bench`: events per second of a whole run (parse excluded), against a baseline of bare
//! event-queue pushes and pops measured in the same process, so that numbers from noisy machines
//! compare as ratios.

use crate::Failure;
use ecsim_core::queue::EventQueue;
use ecsim_core::{run, RunOptions, Scenario, SimTime};
use std::path::Path;
use std::time::Instant;

/// Events per second of a bare queue: a steady population of 1,000 pending events, each pop
/// scheduling one more, as a simulation's loop does at its cheapest.
fn baseline_events_per_sec(seconds: f64) -> f64 {
    let mut q: EventQueue<u64> = EventQueue::default();
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    for i in 0..1000 {
        q.push(SimTime(i), i);
    }
    let start = Instant::now();
    let mut n: u64 = 0;
    while start.elapsed().as_secs_f64() < seconds {
        for _ in 0..100_000 {
            let e = q.pop().expect("never empty");
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            q.push(SimTime(e.time.0 + 1 + (x % 1_000_000)), e.event);
            n += 1;
        }
    }
    n as f64 / start.elapsed().as_secs_f64()
}

pub fn bench_command(file: Option<&Path>, seconds: f64) -> Result<(), Failure> {
    if !(seconds.is_finite() && seconds > 0.0) {
        return Err(Failure::BadInput(format!(
            "--seconds {seconds} must be positive"
        )));
    }
    let (text, name) = match file {
        Some(p) => (crate::read_scenario(p)?, p.display().to_string()),
        None => (
            ecsim_core::DEFAULT_SCENARIO.to_string(),
            ecsim_core::DEFAULT_SCENARIO_FILE.to_string(),
        ),
    };
    let sc = Scenario::parse(&text, &name).map_err(|e| Failure::BadInput(e.to_string()))?;
    let base = baseline_events_per_sec(seconds / 2.0);
    let start = Instant::now();
    let (mut runs, mut events, mut requests) = (0u64, 0u64, 0u64);
    while runs == 0 || start.elapsed().as_secs_f64() < seconds / 2.0 {
        let out =
            run(&sc, &RunOptions::default()).map_err(|e| Failure::RunFailed(e.to_string()))?;
        events += out.summary.events;
        requests += out
            .summary
            .services
            .values()
            .map(|s| s.requests.served)
            .sum::<u64>();
        runs += 1;
    }
    let wall = start.elapsed().as_secs_f64();
    let eps = events as f64 / wall;
    println!("scenario          {name}");
    println!("runs              {runs} ({} events each)", events / runs);
    println!("wall per run      {:.3} ms", wall * 1e3 / runs as f64);
    println!("events/s          {eps:.0}");
    println!(
        "requests/s        {:.0} served per second of wall time",
        requests as f64 / wall
    );
    println!("baseline events/s {base:.0} (bare event queue, same process)");
    println!("ratio             {:.4} of baseline", eps / base);
    Ok(())
}
