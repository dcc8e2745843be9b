//! Knobs of the model that are not AWS resources: boot and start latencies, registry throughput,
//! image sizes, OS memory overhead, the event log's size. Each default cites its row of
//! `shared/reference/ecs-facts.md`, or says it is an assumption.

use crate::rng::DurationDist;
use crate::time::SimDuration;
use serde::{Deserialize, Serialize};

/// Knobs of the model, each defaulting to a fact of `ecs-facts.md`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ModelSpec {
    /// From launch to the agent's registration. ecs-facts §7: an instance launched at 11:48:41 was
    /// registered at 11:49:22 (41 s); boot to SSH is ≈ 26–29 s. Default uniform 35–47 s.
    #[serde(default = "default_boot")]
    pub boot_time: DurationDist,
    /// From the image being on the host to the container running. ecs-facts §7: the same image
    /// cached on EC2 starts in 1–3 s. Default uniform 1–3 s.
    #[serde(default = "default_start")]
    pub container_start: DurationDist,
    /// End-to-end pull throughput from the registry, MB/s, capped by the host's network. ecs-facts
    /// §7 marks this UNSOURCED: ~10–15 MB/s back-calculated from Fargate anecdotes. Default 15.
    #[serde(default = "default_registry_rate")]
    pub registry_mb_per_s: f64,
    /// Size of an image the scenario does not list in `images`.
    #[serde(default = "default_image_mib")]
    pub default_image_mib: f64,
    /// Memory the OS keeps from the agent, % of nominal. ecs-facts "Conflicts" #5: an m4.large
    /// registers 7985 of 8192 MiB (2.5 %).
    #[serde(default = "default_os_overhead")]
    pub os_memory_overhead_pct: f64,
    /// From SIGTERM to a container's exit when a task is stopped; capped by the agent's
    /// `ECS_CONTAINER_STOP_TIMEOUT` (then SIGKILL). An assumption, not in ecs-facts: a server that
    /// handles SIGTERM exits within a second or two. Default uniform 0.5–2 s.
    #[serde(default = "default_exit")]
    pub container_exit: DurationDist,
    /// The event log keeps at most this many entries (the first ones; later ones are counted).
    #[serde(default = "default_log_cap")]
    pub event_log_capacity: usize,
}

fn default_boot() -> DurationDist {
    DurationDist::Uniform {
        min: SimDuration::from_secs(35),
        max: SimDuration::from_secs(47),
    }
}
fn default_start() -> DurationDist {
    DurationDist::Uniform {
        min: SimDuration::from_secs(1),
        max: SimDuration::from_secs(3),
    }
}
fn default_exit() -> DurationDist {
    DurationDist::Uniform {
        min: SimDuration::from_millis(500),
        max: SimDuration::from_secs(2),
    }
}
fn default_registry_rate() -> f64 {
    15.0
}
fn default_image_mib() -> f64 {
    200.0
}
fn default_os_overhead() -> f64 {
    2.5
}
fn default_log_cap() -> usize {
    10_000
}

impl Default for ModelSpec {
    fn default() -> Self {
        ModelSpec {
            boot_time: default_boot(),
            container_start: default_start(),
            container_exit: default_exit(),
            registry_mb_per_s: default_registry_rate(),
            default_image_mib: default_image_mib(),
            os_memory_overhead_pct: default_os_overhead(),
            event_log_capacity: default_log_cap(),
        }
    }
}
