//! The built-in catalogue of EC2 instance types: what each offers a container instance and what it
//! costs. Values come from `docs/ecs-facts.md`:
//! - vCPU, memory and on-demand price (us-east-1, Linux): §8 "EC2 On-Demand, Linux";
//! - ENIs: §2 "EC2 ENI limits"; awsvpc tasks with ENI trunking: §2 "Trunking task limits" (t3 is
//!   not in the supported list);
//! - baseline network bandwidth: §7 "Instance baseline network" (m5.xlarge is not in that row: its
//!   1.25 Gbps is the published baseline of the same family page, marked as an assumption here);
//! - the memory the agent registers: §12 "Registered memory per type". Every built-in type is
//!   Nitro-based, and the one Nitro figure on record is an m6i.large's 7,821 of 8,192 MiB; each
//!   type's figure here is that share of its memory, an estimate (marked so in that table).
//!
//! Scenarios can add their own types (`[instance_types.NAME]`) or override these.

use serde::{Deserialize, Serialize};

/// What an instance type offers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InstanceType {
    pub vcpu: u32,
    pub memory_mib: u32,
    pub enis: u32,
    /// Baseline network bandwidth in Gbit/s.
    pub network_gbps: f64,
    /// On-demand price in USD per hour.
    pub price_per_hour: f64,
    #[serde(default = "default_arch")]
    pub architecture: String,
    /// awsvpc tasks per instance with ENI trunking (`awsvpcTrunking`); absent: not supported.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trunk_tasks: Option<u32>,
    /// The memory the agent registers (the host's MemTotal) before `ECS_RESERVED_MEMORY`;
    /// absent: `memory_mib` less `model.os_memory_overhead_pct`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub registered_memory_mib: Option<u32>,
    /// A burstable type's baseline, % of each vCPU (t3.medium: 20); above it CPU credits are
    /// spent (`cost::cpu_credit_surplus_cost`). Absent: not burstable.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cpu_baseline_pct: Option<f64>,
}

/// An m6i.large's registered share of its memory, 7,821 of 8,192 MiB (docs/ecs-facts.md §12
/// "Registered memory per type"): what the built-in (Nitro) types' estimates scale.
const NITRO_REGISTERED: f64 = 7821.0 / 8192.0;

fn default_arch() -> String {
    "x86_64".into()
}

/// The built-in types, sorted by name.
pub fn builtin() -> Vec<(&'static str, InstanceType)> {
    let t = |vcpu, memory_mib: u32, enis, network_gbps, price_per_hour, arch: &str, trunk| {
        InstanceType {
            vcpu,
            memory_mib,
            enis,
            network_gbps,
            price_per_hour,
            architecture: arch.into(),
            trunk_tasks: trunk,
            registered_memory_mib: Some((memory_mib as f64 * NITRO_REGISTERED).floor() as u32),
            cpu_baseline_pct: None,
        }
    };
    vec![
        ("c5.large", t(2, 4096, 3, 0.75, 0.085, "x86_64", Some(10))),
        ("m5.large", t(2, 8192, 3, 0.75, 0.096, "x86_64", Some(10))),
        ("m5.xlarge", t(4, 16384, 4, 1.25, 0.192, "x86_64", Some(20))),
        ("m6g.large", t(2, 8192, 3, 0.75, 0.077, "arm64", Some(10))),
        (
            "t3.medium",
            InstanceType {
                // docs/ecs-facts.md §8 "t3.medium burst".
                cpu_baseline_pct: Some(20.0),
                ..t(2, 4096, 3, 0.256, 0.0416, "x86_64", None)
            },
        ),
    ]
}

pub fn builtin_names() -> Vec<&'static str> {
    builtin().into_iter().map(|(n, _)| n).collect()
}
