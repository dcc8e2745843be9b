//! The benchmark suite's workloads, as scenario texts, and the bare event loop they are measured
//! against.
//!
//! Each workload is a scenario generated at a `Size`: `Full` is what the README's table reports,
//! `Quick` the same shapes a hundred times smaller, for CI to check that the suite runs (never
//! how fast). The bare loop simulates the `alb-mmc` workload's queue with nothing else: a
//! `BinaryHeap` of (time, sequence) events, ChaCha8 draws for Poisson arrivals and exponential
//! work, round robin over single-server FIFO queues. It is the floor an event of ecsim's is
//! measured against, run in the same process so that the ratio survives a noisy machine. Timing
//! is the front ends' (this crate has no clock).

use rand_chacha::ChaCha8Rng;
use rand_core::{RngCore, SeedableRng};
use std::collections::{BinaryHeap, VecDeque};
use std::fmt::Write;

/// How big the suite's workloads are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Size {
    /// The sizes of the README's table.
    Full,
    /// About a hundredth of the events: checks that each workload runs, in a second or two.
    Quick,
}

/// A workload of the suite.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Workload {
    /// One ALB over 10 single-slot tasks, Poisson 900 req/s, exponential 10 ms, ~1 M requests:
    /// the bare loop's own queue, routed round robin.
    AlbMmcRoundRobin,
    /// The same, least outstanding requests.
    AlbMmcLeastOutstanding,
    /// 1,000 m5.xlarge, 20 services of 500 tasks (half binpack, half spread), 5,000 req/s for
    /// an hour by least outstanding requests, two rolling deployments.
    BigCluster,
    /// The same, round robin.
    BigClusterRoundRobin,
    /// `BigCluster` for ten simulated hours: its memory against one hour's.
    BigCluster10h,
    /// 2,000 Fargate tasks asked for at once, launched under the launch throttle, then serving.
    FargateBurst,
}

impl Workload {
    pub const ALL: [Workload; 6] = [
        Workload::AlbMmcRoundRobin,
        Workload::AlbMmcLeastOutstanding,
        Workload::BigCluster,
        Workload::BigClusterRoundRobin,
        Workload::BigCluster10h,
        Workload::FargateBurst,
    ];

    /// Its name in the table and on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Workload::AlbMmcRoundRobin => "alb-mmc-rr",
            Workload::AlbMmcLeastOutstanding => "alb-mmc-lor",
            Workload::BigCluster => "big-cluster",
            Workload::BigClusterRoundRobin => "big-cluster-rr",
            Workload::BigCluster10h => "big-cluster-10h",
            Workload::FargateBurst => "fargate-burst",
        }
    }

    pub fn from_name(name: &str) -> Option<Workload> {
        Workload::ALL.into_iter().find(|w| w.name() == name)
    }

    /// What it is, in a line.
    pub fn describe(self, size: Size) -> String {
        let s = self.shape(size);
        match self {
            Workload::AlbMmcRoundRobin | Workload::AlbMmcLeastOutstanding => format!(
                "1 ALB over 10 tasks, Poisson 900 req/s, exp 10 ms, {} requests, {}",
                thousands(s.requests),
                s.algorithm_words()
            ),
            Workload::BigCluster | Workload::BigClusterRoundRobin | Workload::BigCluster10h => {
                format!(
                    "{} × m5.xlarge, 20 services × {} tasks, {} req/s, {}, {}",
                    thousands(s.instances),
                    s.tasks_per_service,
                    thousands(s.rps),
                    s.algorithm_words(),
                    s.hours()
                )
            }
            Workload::FargateBurst => format!(
                "{} Fargate tasks asked for at once (launch throttle 100 + 20/s), {} req/s",
                thousands(s.tasks_per_service),
                thousands(s.rps)
            ),
        }
    }

    fn shape(self, size: Size) -> Shape {
        let quick = size == Size::Quick;
        let lor = !matches!(
            self,
            Workload::AlbMmcRoundRobin | Workload::BigClusterRoundRobin
        );
        match self {
            Workload::AlbMmcRoundRobin | Workload::AlbMmcLeastOutstanding => Shape {
                instances: 1,
                tasks_per_service: 10,
                rps: 900,
                requests: if quick { 10_000 } else { 1_000_000 },
                seconds: 0,
                lor,
            },
            Workload::BigCluster | Workload::BigClusterRoundRobin | Workload::BigCluster10h => {
                let hours = if self == Workload::BigCluster10h {
                    10
                } else {
                    1
                };
                Shape {
                    instances: if quick { 100 } else { 1_000 },
                    tasks_per_service: if quick { 50 } else { 500 },
                    rps: if quick { 500 } else { 5_000 },
                    requests: 0,
                    seconds: if quick { 360 * hours } else { 3_600 * hours },
                    lor,
                }
            }
            Workload::FargateBurst => Shape {
                instances: 0,
                tasks_per_service: if quick { 200 } else { 2_000 },
                rps: if quick { 200 } else { 2_000 },
                requests: 0,
                seconds: if quick { 600 } else { 1_800 },
                lor,
            },
        }
    }

    /// The scenario's TOML text.
    pub fn scenario(self, size: Size) -> String {
        let s = self.shape(size);
        match self {
            Workload::AlbMmcRoundRobin | Workload::AlbMmcLeastOutstanding => alb_mmc(&s),
            Workload::BigCluster | Workload::BigClusterRoundRobin | Workload::BigCluster10h => {
                big_cluster(&s)
            }
            Workload::FargateBurst => fargate_burst(&s),
        }
    }
}

/// The numbers a workload is generated from.
struct Shape {
    instances: u32,
    tasks_per_service: u32,
    rps: u32,
    /// For `alb-mmc`: requests to serve (the duration follows).
    requests: u64,
    /// Simulated seconds, where `requests` does not set them.
    seconds: u64,
    lor: bool,
}

impl Shape {
    fn algorithm(&self) -> &'static str {
        if self.lor {
            "least_outstanding_requests"
        } else {
            "round_robin"
        }
    }

    fn algorithm_words(&self) -> &'static str {
        if self.lor {
            "least outstanding requests"
        } else {
            "round robin"
        }
    }

    fn hours(&self) -> String {
        match self.seconds / 3_600 {
            0 => format!("{} min", self.seconds / 60),
            1 => "1 hour".to_string(),
            h => format!("{h} hours"),
        }
    }
}

fn thousands(n: impl Into<u64>) -> String {
    let digits = n.into().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// The traffic starts this long after the run does: the instance has booted and registered,
/// the tasks have pulled and started and their targets are healthy by then.
const ALB_MMC_WARMUP_S: u64 = 120;

fn alb_mmc(s: &Shape) -> String {
    // 16 vCPUs for 10 single-slot tasks: requests never contend for CPU, so the queue is the
    // bare loop's exactly (c5.4xlarge is not in the built-in catalogue; given here).
    let traffic_s = s.requests / s.rps as u64;
    format!(
        r#"# Benchmark alb-mmc: one ALB over 10 tasks with one request slot each, Poisson {rps} req/s,
# exponential 10 ms of work ({requests} requests, {algorithm}).
name = "bench-alb-mmc"
description = "Benchmark: 1 ALB, 10 single-slot tasks, Poisson {rps}/s, exp 10 ms."
kind = "template"
seed = 1
duration = "{duration}s"
sample_step = "10s"

[instance_types."c5.4xlarge"]
vcpu = 16
memory_mib = 32768
enis = 8
network_gbps = 10.0
price_per_hour = 0.68

[[instance_groups]]
name = "host"
instance_type = "c5.4xlarge"
count = 1

[[task_definitions]]
family = "server"
containerDefinitions = [
  {{ name = "server", image = "server:1", cpu = 1024, memory = 1024, portMappings = [{{ containerPort = 8080 }}] }},
]

[[services]]
serviceName = "server"
taskDefinition = "server"
desiredCount = 10
startAt = "60s"

[[traffic]]
service = "server"
start = "{ALB_MMC_WARMUP_S}s"
rate = {{ profile = "constant", rps = {rps} }}
work = {{ dist = "exponential", mean = "10ms" }}
algorithm = "{algorithm}"
queue_limit = 100000
"#,
        rps = s.rps,
        requests = s.requests,
        algorithm = s.algorithm(),
        duration = ALB_MMC_WARMUP_S + traffic_s,
    )
}

fn big_cluster(s: &Shape) -> String {
    let services = 20;
    let rps = s.rps / services;
    let mut t = format!(
        r#"# Benchmark big-cluster: {instances} m5.xlarge, {services} services of {tasks} tasks each (the even ones
# binpacked on memory, the odd ones spread over zones then instances), {total_rps} req/s in all
# ({algorithm}), and rolling deployments of two services half way.
name = "bench-big-cluster"
description = "Benchmark: {instances} instances, {services} services x {tasks} tasks, {total_rps} req/s."
kind = "template"
seed = 1
duration = "{seconds}s"
sample_step = "60s"

[[instance_groups]]
name = "hosts"
instance_type = "m5.xlarge"
count = {instances}
availability_zones = ["us-east-1a", "us-east-1b", "us-east-1c"]

[[images]]
image = "app:1"
size_mib = 100

[[images]]
image = "app:2"
size_mib = 100
"#,
        instances = s.instances,
        tasks = s.tasks_per_service,
        total_rps = s.rps,
        algorithm = s.algorithm_words(),
        seconds = s.seconds,
    );
    for rev in 1..=2 {
        let _ = write!(
            t,
            r#"
[[task_definitions]]
family = "app"
revision = {rev}
containerDefinitions = [
  {{ name = "app", image = "app:{rev}", cpu = 256, memory = 1024, portMappings = [{{ containerPort = 8080, hostPort = 0 }}] }},
]
"#
        );
    }
    for i in 0..services {
        let strategy = if i % 2 == 0 {
            r#"[{ type = "binpack", field = "memory" }]"#
        } else {
            r#"[{ type = "spread", field = "attribute:ecs.availability-zone" }, { type = "spread", field = "instanceId" }]"#
        };
        let _ = write!(
            t,
            r#"
[[services]]
serviceName = "svc-{i:02}"
taskDefinition = "app:1"
desiredCount = {tasks}
startAt = "60s"
placementStrategy = {strategy}

[[traffic]]
service = "svc-{i:02}"
start = "5m"
rate = {{ profile = "constant", rps = {rps} }}
work = {{ dist = "exponential", mean = "10ms" }}
algorithm = "{algorithm}"
"#,
            tasks = s.tasks_per_service,
            algorithm = s.algorithm(),
        );
    }
    for i in 0..2 {
        let _ = write!(
            t,
            r#"
[[actions]]
at = "{at}s"
service = "svc-{i:02}"
task_definition = "app:2"
"#,
            at = s.seconds / 2,
        );
    }
    t
}

fn fargate_burst(s: &Shape) -> String {
    format!(
        r#"# Benchmark fargate-burst: a Fargate service of 10 tasks asked for {tasks} at 2 minutes; ECS
# launches them under the Fargate launch throttle (a burst of 100, then 20 a second); from 6
# minutes, when they are all serving, {rps} req/s spread over them by least outstanding requests.
name = "bench-fargate-burst"
description = "Benchmark: {tasks} Fargate tasks launched in a spike."
kind = "template"
seed = 1
duration = "{seconds}s"
sample_step = "10s"

[[task_definitions]]
family = "web"
requiresCompatibilities = ["FARGATE"]
networkMode = "awsvpc"
cpu = "256"
memory = "512"
containerDefinitions = [
  {{ name = "web", image = "123456789012.dkr.ecr.us-east-1.amazonaws.com/web:v1", essential = true, portMappings = [{{ containerPort = 8080 }}] }},
]

[[services]]
serviceName = "web"
taskDefinition = "web"
desiredCount = 10
launchType = "FARGATE"

[[actions]]
at = "2m"
service = "web"
desired_count = {tasks}

[[traffic]]
service = "web"
start = "6m"
rate = {{ profile = "constant", rps = {rps} }}
work = {{ dist = "exponential", mean = "10ms" }}
algorithm = "least_outstanding_requests"
"#,
        tasks = s.tasks_per_service,
        rps = s.rps,
        seconds = s.seconds,
    )
}

/// The sweep workload's scenario (the built-in default, 10 minutes, 150 req/s) and its number of
/// runs.
pub fn sweep_runs(size: Size) -> u64 {
    match size {
        Size::Full => 200,
        Size::Quick => 8,
    }
}

/// What the bare loop did: its events (an arrival or a completion each) and a checksum of the
/// latencies, so that the work cannot be optimised away and two builds can be compared.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BareRun {
    pub events: u64,
    pub mean_latency_s: f64,
}

/// The `alb-mmc` queue with nothing else: `requests` Poisson arrivals at 900/s, exponential work
/// of mean 10 ms, round robin over 10 FIFO single servers.
pub fn bare_loop(requests: u64, seed: u64) -> BareRun {
    #[derive(PartialEq, Eq, PartialOrd, Ord)]
    struct Ev {
        // Reversed so that the max-heap pops the earliest (time, sequence) first.
        key: std::cmp::Reverse<(u64, u64)>,
        server: u32,
        arrival: bool,
    }
    const SERVERS: usize = 10;
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut exp = |mean_s: f64| {
        let u = (rng.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64);
        (-mean_s * libm::log1p(-u) * 1e9) as u64
    };
    let mut heap = BinaryHeap::new();
    let mut seq = 0u64;
    let mut queues: Vec<VecDeque<u64>> = vec![VecDeque::new(); SERVERS];
    let (mut arrived, mut events, mut latency_sum, mut served) = (0u64, 0u64, 0.0f64, 0u64);
    let mut rr = 0usize;
    let first = exp(1.0 / 900.0);
    heap.push(Ev {
        key: std::cmp::Reverse((first, 0)),
        server: 0,
        arrival: true,
    });
    while let Some(Ev {
        key: std::cmp::Reverse((now, _)),
        server,
        arrival,
    }) = heap.pop()
    {
        events += 1;
        if arrival {
            arrived += 1;
            if arrived < requests {
                seq += 1;
                let next = now + exp(1.0 / 900.0);
                heap.push(Ev {
                    key: std::cmp::Reverse((next, seq)),
                    server: 0,
                    arrival: true,
                });
            }
            rr = (rr + 1) % SERVERS;
            // A server's queue holds the request in service first, then those waiting.
            let idle = queues[rr].is_empty();
            queues[rr].push_back(now);
            if idle {
                seq += 1;
                heap.push(Ev {
                    key: std::cmp::Reverse((now + exp(0.010), seq)),
                    server: rr as u32,
                    arrival: false,
                });
            }
        } else {
            let s = server as usize;
            let began = queues[s].pop_front().unwrap_or(now);
            latency_sum += (now - began) as f64 * 1e-9;
            served += 1;
            if !queues[s].is_empty() {
                seq += 1;
                heap.push(Ev {
                    key: std::cmp::Reverse((now + exp(0.010), seq)),
                    server,
                    arrival: false,
                });
            }
        }
    }
    BareRun {
        events,
        mean_latency_s: latency_sum / served.max(1) as f64,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ecsim_core::Scenario;

    #[test]
    fn every_workload_parses_at_both_sizes() {
        for w in Workload::ALL {
            for size in [Size::Full, Size::Quick] {
                let text = w.scenario(size);
                if let Err(e) = Scenario::parse(&text, w.name()) {
                    panic!("{} ({size:?}): {e}\n{text}", w.name());
                }
                assert_eq!(Workload::from_name(w.name()), Some(w));
            }
        }
    }

    #[test]
    fn the_bare_loop_is_an_mmc_queue() {
        // Ten M/M/1 queues at utilisation 0.9 (round robin splits a Poisson stream into Erlang-10
        // streams, which wait less than Poisson would): the mean time in system lies between the
        // service time (10 ms) and M/M/1's 100 ms.
        let r = bare_loop(200_000, 1);
        assert_eq!(r.events, 400_000);
        assert!(
            r.mean_latency_s > 0.012 && r.mean_latency_s < 0.1,
            "{}",
            r.mean_latency_s
        );
        assert_eq!(bare_loop(1_000, 7), bare_loop(1_000, 7));
    }

    #[test]
    fn thousands_are_grouped() {
        assert_eq!(thousands(1_000_000u64), "1,000,000");
        assert_eq!(thousands(999u64), "999");
        assert_eq!(thousands(12_345u64), "12,345");
    }
}
