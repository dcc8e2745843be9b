//! The built-in catalogue of EC2 instance types: what each offers a container instance and what it
//! costs. Values come from `docs/ecs-facts.md`:
//! - vCPU, memory and on-demand price (us-east-1, Linux): §8 "EC2 On-Demand, Linux";
//! - ENIs: §2 "EC2 ENI limits"; awsvpc tasks with ENI trunking: §2 "Trunking task limits" (t3 is
//!   not in the supported list);
//! - baseline network bandwidth: §7 "Instance baseline network" (m5.xlarge is not in that row: its
//!   1.25 Gbps is the published baseline of the same family page, marked as an assumption here).
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
}

fn default_arch() -> String {
    "x86_64".into()
}

/// The built-in types, sorted by name.
pub fn builtin() -> Vec<(&'static str, InstanceType)> {
    let t =
        |vcpu, memory_mib, enis, network_gbps, price_per_hour, arch: &str, trunk| InstanceType {
            vcpu,
            memory_mib,
            enis,
            network_gbps,
            price_per_hour,
            architecture: arch.into(),
            trunk_tasks: trunk,
        };
    vec![
        ("c5.large", t(2, 4096, 3, 0.75, 0.085, "x86_64", Some(10))),
        ("m5.large", t(2, 8192, 3, 0.75, 0.096, "x86_64", Some(10))),
        ("m5.xlarge", t(4, 16384, 4, 1.25, 0.192, "x86_64", Some(20))),
        ("m6g.large", t(2, 8192, 3, 0.75, 0.077, "arm64", Some(10))),
        ("t3.medium", t(2, 4096, 3, 0.256, 0.0416, "x86_64", None)),
    ]
}

pub fn builtin_names() -> Vec<&'static str> {
    builtin().into_iter().map(|(n, _)| n).collect()
}
