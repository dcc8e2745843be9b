//! Knobs of the model that are not AWS resources: boot and start latencies, registry throughput,
//! image sizes, OS memory overhead, the event log's size. Each default cites its row of
//! `docs/ecs-facts.md`, or says it is an assumption.

use crate::rng::DurationDist;
use crate::time::SimDuration;
use serde::{Deserialize, Serialize};

/// Knobs of the model, each defaulting to a fact of `docs/ecs-facts.md`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ModelSpec {
    /// From launch to the agent's registration. docs/ecs-facts.md §7: an instance launched at 11:48:41 was
    /// registered at 11:49:22 (41 s); boot to SSH is ≈ 26–29 s. Default uniform 35–47 s.
    #[serde(default = "default_boot")]
    pub boot_time: DurationDist,
    /// From the image being on the host to the container running. docs/ecs-facts.md §7: the same image
    /// cached on EC2 starts in 1–3 s. Default uniform 1–3 s.
    #[serde(default = "default_start")]
    pub container_start: DurationDist,
    /// Download rate of one layer from the registry, MB/s; the layers downloading at once on a
    /// host share its network. docs/ecs-facts.md §7 "Image pull throughput from ECR" is UNSOURCED:
    /// ~10–15 MB/s back-calculated from Fargate anecdotes. Default 15.
    #[serde(default = "default_registry_rate")]
    pub registry_mb_per_s: f64,
    /// Layers one pull downloads at once. docs/ecs-facts.md §7 "Docker default max-concurrent-downloads":
    /// 3.
    #[serde(default = "default_concurrent_layers")]
    pub concurrent_layer_downloads: u32,
    /// Layer extraction (decompress and write), MB/s, one layer after another in manifest order.
    /// Not in docs/ecs-facts.md (an assumption): 80 MB/s.
    #[serde(default = "default_extract_rate")]
    pub extract_mb_per_s: f64,
    /// The manifest request (BatchGetImage after the auth token, docs/ecs-facts.md §9 "Pull call
    /// sequence"), the fixed overhead of every pull. Not measured in docs/ecs-facts.md (an assumption):
    /// 0.5 s.
    #[serde(default = "default_manifest")]
    pub manifest_fetch: DurationDist,
    /// Fetching an ECR auth token (GetAuthorizationToken), needed once per principal per host
    /// every 12 h (docs/ecs-facts.md §9 "Auth token"). An assumption: 0.2 s.
    #[serde(default = "default_token_fetch")]
    pub auth_token_fetch: DurationDist,
    /// Size of an image the scenario does not list in `images`.
    #[serde(default = "default_image_mib")]
    pub default_image_mib: f64,
    /// Memory the OS keeps from the agent, % of nominal, for an instance type that does not say
    /// what it registers (`registered_memory_mib`; every built-in type does). docs/ecs-facts.md
    /// "Conflicts" #5: an m4.large registers 7985 of 8192 MiB (2.5 %).
    #[serde(default = "default_os_overhead")]
    pub os_memory_overhead_pct: f64,
    /// EC2 Spot's discount on the on-demand price, %. Spot prices move with the market and are
    /// not in docs/ecs-facts.md; 70 % is an assumption, the figure §8 gives for Fargate Spot.
    #[serde(default = "default_ec2_spot_discount")]
    pub ec2_spot_discount_pct: f64,
    /// Creating and attaching an `awsvpc` task's ENI on an EC2 instance, before the pull: docs/ecs-facts.md
    /// §2 "awsvpc" and §7 "awsvpc ENI attach" ("adds several seconds"). Default uniform 3–7 s (the
    /// spread is an assumption). Fargate's ENI is part of `fargate.provisioning`.
    #[serde(default = "default_eni_attach")]
    pub eni_attach: DurationDist,
    /// From SIGTERM to a container's exit when a task is stopped; capped by the agent's
    /// `ECS_CONTAINER_STOP_TIMEOUT` (then SIGKILL). An assumption, not in docs/ecs-facts.md: a server that
    /// handles SIGTERM exits within a second or two. Default uniform 0.5–2 s.
    #[serde(default = "default_exit")]
    pub container_exit: DurationDist,
    /// From managed scaling's scale-out decision (the minute's `CapacityProviderReservation`) to
    /// the Auto Scaling group launching instances: the metric reaching CloudWatch, the alarm,
    /// the group's scaling activity. Not in AWS's docs; calibrated to docs/ecs-facts.md §7 "End-to-end
    /// scale" (2022): new tasks start on EC2 with cluster auto scaling ~2.5 min after a
    /// scale-up, on Fargate after ~30 s. Less the minute's wait (≈ 30 s on average), the boot
    /// and registration (41 s) and the pull, about a minute is left. Default uniform 40–80 s.
    #[serde(default = "default_asg_reaction")]
    pub asg_scale_out_delay: DurationDist,
    /// With no load balancer and no container health check, how long after RUNNING the scheduler
    /// waits before counting a task towards `minimumHealthyPercent` in a deployment (or when
    /// replacing tasks of a draining instance): docs/ecs-facts.md §12 "No load balancer, no
    /// container health check", 40 s.
    #[serde(default = "default_no_health_check_wait")]
    pub no_health_check_wait: SimDuration,
    /// The control plane's delay between a change the service scheduler must act on (a desired
    /// count set by `update-service` or by service auto scaling, a task that stopped and needs a
    /// replacement) and the scheduler acting on it. AWS documents no figure: an estimate,
    /// uniform 1–5 s (docs/ecs-facts.md §12 "Control-plane delay").
    #[serde(default = "default_scheduler_delay")]
    pub scheduler_delay: DurationDist,
    /// The event log keeps at most this many entries (the first ones; later ones are counted).
    #[serde(default = "default_log_cap")]
    pub event_log_capacity: usize,
    #[serde(default)]
    pub fargate: crate::fargate::FargateModel,
    #[serde(default)]
    pub alb: crate::alb::AlbModel,
}

fn default_ec2_spot_discount() -> f64 {
    70.0
}

fn default_boot() -> DurationDist {
    DurationDist::Uniform {
        min: SimDuration::from_secs(35),
        max: SimDuration::from_secs(47),
    }
}
fn default_asg_reaction() -> DurationDist {
    DurationDist::Uniform {
        min: SimDuration::from_secs(40),
        max: SimDuration::from_secs(80),
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
fn default_eni_attach() -> DurationDist {
    DurationDist::Uniform {
        min: SimDuration::from_secs(3),
        max: SimDuration::from_secs(7),
    }
}
fn default_registry_rate() -> f64 {
    15.0
}
fn default_concurrent_layers() -> u32 {
    3
}
fn default_extract_rate() -> f64 {
    80.0
}
fn default_manifest() -> DurationDist {
    DurationDist::Constant {
        value: SimDuration::from_millis(500),
    }
}
fn default_token_fetch() -> DurationDist {
    DurationDist::Constant {
        value: SimDuration::from_millis(200),
    }
}
fn default_image_mib() -> f64 {
    200.0
}
fn default_os_overhead() -> f64 {
    2.5
}
fn default_scheduler_delay() -> DurationDist {
    DurationDist::Uniform {
        min: SimDuration::from_secs(1),
        max: SimDuration::from_secs(5),
    }
}
fn default_no_health_check_wait() -> SimDuration {
    SimDuration::from_secs(40)
}
fn default_log_cap() -> usize {
    10_000
}

impl Default for ModelSpec {
    fn default() -> Self {
        ModelSpec {
            boot_time: default_boot(),
            asg_scale_out_delay: default_asg_reaction(),
            container_start: default_start(),
            container_exit: default_exit(),
            eni_attach: default_eni_attach(),
            registry_mb_per_s: default_registry_rate(),
            concurrent_layer_downloads: default_concurrent_layers(),
            extract_mb_per_s: default_extract_rate(),
            manifest_fetch: default_manifest(),
            auth_token_fetch: default_token_fetch(),
            default_image_mib: default_image_mib(),
            os_memory_overhead_pct: default_os_overhead(),
            ec2_spot_discount_pct: default_ec2_spot_discount(),
            no_health_check_wait: default_no_health_check_wait(),
            scheduler_delay: default_scheduler_delay(),
            event_log_capacity: default_log_cap(),
            fargate: Default::default(),
            alb: Default::default(),
        }
    }
}
