//! Invariants over many random scenarios: no instance over its registered CPU, memory or ENIs, no
//! host port given twice or reserved, tasks only along legal lifecycle transitions, time never
//! back, every request served, failed or in flight (all checked after every event), and at the end the scheduler holds the desired tasks
//! (`ecsim_tests::check`).

use ecsim_core::rng::Stream;
use ecsim_tests::check::{check_scenario, Seen};
use ecsim_tests::random_scenario;

/// Runs random scenario `i` of stream `r` at seed `i` and checks it (`check_scenario`); `what`
/// names the batch in failure messages, so a failure reproduces from the message alone.
fn check_one(r: &mut Stream, i: u64, what: &str, seen: &mut Seen) {
    let text = random_scenario(r);
    match check_scenario(&text, i) {
        Ok(s) => *seen += s,
        Err(e) => panic!("{what}, scenario {i}: {e}\n{text}"),
    }
}

#[test]
fn random_scenarios_keep_every_invariant() {
    let mut r = Stream::new(42, "random-scenarios");
    let mut seen = Seen::default();
    for i in 0..400 {
        check_one(&mut r, i, "fixed stream 42", &mut seen);
    }
    let Seen {
        placed,
        waited,
        stopped,
        fargate,
        pulls,
        cache_hits,
        retries,
        served,
        failed,
        asg_launched,
        scale_outs,
        batch_done,
        deployments,
        scaling_actions,
        unhealthy,
        oom_killed,
    } = seen;
    // The generator must produce every outcome, or it tests only part of the rules.
    assert!(
        served > 10_000 && failed > 100,
        "served {served}, failed {failed}"
    );
    assert!(
        placed > 500 && waited > 500 && stopped > 100 && fargate > 100,
        "placed {placed}, waited {waited}, stopped {stopped}, on Fargate {fargate}"
    );
    assert!(
        pulls > 300 && cache_hits >= 5 && retries > 10,
        "pulls {pulls}, cache hits {cache_hits}, retries {retries}"
    );
    assert!(batch_done > 50, "batch tasks done {batch_done}");
    assert!(
        asg_launched > 30 && scale_outs > 10,
        "Auto Scaling launches {asg_launched}, managed scale-outs {scale_outs}"
    );
    assert!(
        deployments > 20 && scaling_actions > 4,
        "deployments {deployments}, service auto scaling actions {scaling_actions}"
    );
    assert!(
        unhealthy > 10 && oom_killed > 10,
        "replaced for container health checks {unhealthy}, out of memory {oom_killed}"
    );
}

/// The stream of fresh scenarios: `ECSIM_SWARM_SEED` if set (to reproduce a failure), else one
/// drawn from the clock, printed either way.
fn fresh_seed() -> u64 {
    match std::env::var("ECSIM_SWARM_SEED") {
        Ok(v) => v
            .parse()
            .unwrap_or_else(|_| panic!("ECSIM_SWARM_SEED={v:?} is not a number")),
        Err(_) => std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(1, |d| d.as_nanos() as u64),
    }
}

/// Random scenarios from a new stream on every run (VOPR-style): the fixed stream above guards
/// what is known, this one looks for what is not. The seed is printed, and
/// `ECSIM_SWARM_SEED=<seed> cargo test -p ecsim-tests --test invariants fresh` replays it;
/// `scripts/swarm.sh N` runs N such scenarios on demand (`ECSIM_SWARM=N`; 100 here).
#[test]
fn random_scenarios_from_a_fresh_seed_keep_every_invariant() {
    let seed = fresh_seed();
    let n: u64 = std::env::var("ECSIM_SWARM")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100);
    eprintln!("random scenarios: ECSIM_SWARM_SEED={seed}, {n} scenarios");
    let mut r = Stream::new(seed, "random-scenarios");
    let mut seen = Seen::default();
    let what = format!("ECSIM_SWARM_SEED={seed}");
    for i in 0..n {
        check_one(&mut r, i, &what, &mut seen);
    }
}
