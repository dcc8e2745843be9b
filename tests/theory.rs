//! Validation against queueing theory. Each scenario of `scenarios/validation/` is run over seeds
//! 1..=10 (independent replications); the tolerance is the replications' confidence interval
//! (Student t, 9 degrees of freedom, 99.9 %), printed with the theoretical value, never a guessed
//! percentage. Every test also requires the interval to be narrow (1 % of the value for means, 2 %
//! for a p99, whose estimate converges more slowly), so a pass means something.

use ecsim_core::{RunOptions, Scenario, Simulation, Summary};

/// t quantile for a two-sided 99.9 % interval with 9 degrees of freedom.
const T_9_99_9: f64 = 4.781;

fn scenario(name: &str) -> Scenario {
    let (file, text, _) = ecsim_tests::LIBRARY
        .iter()
        .find(|(f, _, _)| f.ends_with(&format!("validation/{name}.toml")))
        .unwrap_or_else(|| panic!("no scenarios/validation/{name}.toml"));
    Scenario::parse(text, file).unwrap()
}

fn run(sc: &Scenario, seed: u64) -> Summary {
    let mut sim = Simulation::new(
        sc,
        &RunOptions {
            seed: Some(seed),
            ..Default::default()
        },
    );
    // Millions of events: the per-event invariant checks are exercised by the other suites.
    sim.set_invariant_checks(false);
    sim.run_to_end().unwrap();
    sim.finish().summary
}

/// Mean and half-width of the 99.9 % confidence interval of the replications.
fn interval(xs: &[f64]) -> (f64, f64) {
    let n = xs.len() as f64;
    let mean = xs.iter().sum::<f64>() / n;
    let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0);
    (mean, T_9_99_9 * (var / n).sqrt())
}

/// Checks that `theory` lies in the interval of `xs` widened by `slack` (a known bias such as a
/// histogram bucket's width), and that the interval is narrower than `max_width` × theory.
fn check(what: &str, xs: &[f64], theory: f64, slack: f64, max_width: f64) {
    let (mean, half) = interval(xs);
    println!(
        "{what}: simulated {mean:.4} ± {half:.4} (99.9 % CI over {} seeds), theory {theory:.4}, difference {:+.3} %",
        xs.len(),
        (mean / theory - 1.0) * 100.0
    );
    assert!(
        half < max_width * theory,
        "{what}: the interval ±{half:.4} is wider than {} % of {theory:.4}",
        max_width * 100.0
    );
    assert!(
        (mean - theory).abs() <= half + slack,
        "{what}: theory {theory:.4} is outside {mean:.4} ± {half:.4}"
    );
}

fn latency(s: &Summary, f: impl Fn(&ecsim_core::metrics::LatencySummary) -> f64) -> f64 {
    f(&s.services["server"].latency_ms)
}

fn runs(name: &str) -> Vec<Summary> {
    let sc = scenario(name);
    let out: Vec<Summary> = (1..=10).map(|seed| run(&sc, seed)).collect();
    let served: u64 = out
        .iter()
        .map(|s| s.services["server"].requests.served)
        .sum();
    println!("{name}: {served} requests served over 10 seeds");
    for s in &out {
        assert_eq!(
            s.services["server"].requests.failed, 0,
            "{name}: no request may fail"
        );
    }
    out
}

/// Little's law, L = λW, for every run: time-averaged requests in the system against arrival
/// rate × mean response.
fn littles_law(name: &str, out: &[Summary]) {
    for s in out {
        let r = &s.services["server"].requests;
        let w = s.services["server"].latency_ms.mean / 1000.0;
        let lw = r.arrival_rate_per_s * w;
        println!(
            "{name} seed {}: L = {:.4}, lambda W = {lw:.4}",
            s.seed, r.in_system_mean
        );
        assert!(
            (r.in_system_mean / lw - 1.0).abs() < 0.002,
            "{name}: Little's law off"
        );
    }
}

#[test]
fn mm1_mean_and_exponential_response() {
    let out = runs("mm1");
    // M/M/1, lambda 50/s, mu 100/s: W = 1/(mu - lambda) = 20 ms, exponential.
    let w = 20.0;
    check(
        "mm1 mean response (ms)",
        &out.iter()
            .map(|s| latency(s, |l| l.mean))
            .collect::<Vec<_>>(),
        w,
        0.0,
        0.01,
    );
    // Percentiles come from the histogram: a bucket midpoint is within 1/256 of the true value.
    let p50 = w * std::f64::consts::LN_2;
    let p99 = w * 100f64.ln();
    check(
        "mm1 p50 (ms)",
        &out.iter()
            .map(|s| latency(s, |l| l.p50))
            .collect::<Vec<_>>(),
        p50,
        p50 / 256.0,
        0.01,
    );
    check(
        "mm1 p99 (ms)",
        &out.iter()
            .map(|s| latency(s, |l| l.p99))
            .collect::<Vec<_>>(),
        p99,
        p99 / 256.0,
        0.02,
    );
    littles_law("mm1", &out);
}

#[test]
fn mmc_mean_response_from_erlang_c() {
    let out = runs("mmc");
    let (lambda, mu, c) = (640.0, 100.0, 8);
    let a: f64 = lambda / mu;
    let rho = a / c as f64;
    let mut term = 1.0;
    let mut sum = 0.0;
    for k in 0..c {
        if k > 0 {
            term *= a / k as f64;
        }
        sum += term;
    }
    let last = term * a / c as f64 / (1.0 - rho);
    let erlang_c = last / (sum + last);
    let w = (erlang_c / (c as f64 * mu - lambda) + 1.0 / mu) * 1000.0;
    println!("mmc: Erlang C = {erlang_c:.5}");
    check(
        "mmc mean response (ms)",
        &out.iter()
            .map(|s| latency(s, |l| l.mean))
            .collect::<Vec<_>>(),
        w,
        0.0,
        0.01,
    );
    littles_law("mmc", &out);
}

#[test]
fn random_routing_makes_each_task_an_mm1() {
    let out = runs("random-routing");
    check(
        "random-routing mean response (ms)",
        &out.iter()
            .map(|s| latency(s, |l| l.mean))
            .collect::<Vec<_>>(),
        20.0,
        0.0,
        0.01,
    );
    littles_law("random-routing", &out);
}

#[test]
fn round_robin_makes_each_task_an_e4_m1() {
    let out = runs("round-robin");
    // GI/M/1: sigma = A*(mu (1 - sigma)) with A*(s) = (lambda/(lambda + s))^4 the Laplace
    // transform of the Erlang-4 gaps (total rate lambda = 200/s); W = 1/(mu (1 - sigma)).
    let (lambda, mu) = (200.0, 100.0);
    let mut sigma: f64 = 0.5;
    for _ in 0..1000 {
        sigma = (lambda / (lambda + mu * (1.0 - sigma))).powi(4);
    }
    let w = 1000.0 / (mu * (1.0 - sigma));
    println!("round-robin: sigma = {sigma:.6}");
    check(
        "round-robin mean response (ms)",
        &out.iter()
            .map(|s| latency(s, |l| l.mean))
            .collect::<Vec<_>>(),
        w,
        0.0,
        0.01,
    );
    littles_law("round-robin", &out);
}

#[test]
fn least_outstanding_requests_beats_round_robin_at_p99_when_work_varies() {
    let base = ecsim_tests::LIBRARY
        .iter()
        .find(|(f, _, _)| f.ends_with("validation/round-robin.toml"))
        .unwrap()
        .1
        .replace("duration = \"7350s\"", "duration = \"1350s\"")
        .replace("rps = 200", "rps = 240")
        .replace(
            "dist = \"exponential\", mean = \"10ms\"",
            "dist = \"lognormal\", mean = \"10ms\", p99 = \"140ms\"",
        );
    let rr = Scenario::parse(&base, "rr.toml").unwrap();
    let lor = Scenario::parse(
        &base.replace("\"round_robin\"", "\"least_outstanding_requests\""),
        "lor.toml",
    )
    .unwrap();
    let (a, b) = (run(&rr, 3), run(&lor, 3));
    let (p_rr, p_lor) = (latency(&a, |l| l.p99), latency(&b, |l| l.p99));
    println!(
        "lognormal work, p99: round_robin {p_rr:.2} ms, least_outstanding_requests {p_lor:.2} ms"
    );
    assert!(
        p_lor < 0.8 * p_rr,
        "least outstanding requests should cut p99: {p_lor} vs {p_rr}"
    );
    // Same seed, same traffic: both saw the same arrivals.
    assert_eq!(
        a.services["server"].requests.arrived,
        b.services["server"].requests.arrived
    );
}
