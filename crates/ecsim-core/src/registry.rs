//! Container registries: which registry an image comes from, what pulling from it needs, and
//! when it is unavailable.
//!
//! - ECR (`<account>.dkr.ecr.<region>.amazonaws.com`): the puller's IAM role must allow the pull
//!   actions (`iam`), through an auth token valid 12 h (docs/ecs-facts.md §9 "Auth token");
//! - a private non-ECR registry the scenario names: the agent needs its credentials in
//!   `ECS_ENGINE_AUTH_DATA`, in the shape `ECS_ENGINE_AUTH_TYPE` names
//!   (`AgentConfig::credentials_for`; docs/ecs-facts.md §3 and §12 "Private registry auth");
//! - anything else (Docker Hub, public.ecr.aws) is public.
//!
//! A scenario may schedule outages of a registry; a pull that meets one is retried as the agent
//! retries (docs/ecs-facts.md §3 "Image pull retries": 5 attempts, backoff 1.1 s → 5 s, ×2, ±20 %).

/// Docker Hub, where an image reference without a registry host comes from.
pub const DOCKER_HUB: &str = "docker.io";

use crate::time::{SimDuration, SimTime};
use serde::{Deserialize, Serialize};

/// docs/ecs-facts.md §9 "Auth token": valid 12 hours.
pub const ECR_TOKEN_LIFETIME: SimDuration = SimDuration::from_secs(12 * 3600);

/// docs/ecs-facts.md §3 "Image pull retries": 5 attempts.
pub const PULL_ATTEMPTS: u32 = 5;

/// The agent's wait before pull attempt `attempt + 1` (after `attempt` failures, from 1): 1.1 s
/// doubling up to 5 s, times `jitter` in 0.8..1.2 (docs/ecs-facts.md §3 "Image pull retries").
pub fn pull_backoff(attempt: u32, jitter: f64) -> SimDuration {
    let base = (1.1 * 2f64.powi(attempt.saturating_sub(1).min(16) as i32)).min(5.0);
    SimDuration::from_secs_f64(base * jitter)
}

/// Whether a registry host is ECR's (`<account>.dkr.ecr.<region>.amazonaws.com`, or `.com.cn`).
pub fn is_ecr(registry: &str) -> bool {
    registry.contains(".dkr.ecr.")
        && (registry.ends_with(".amazonaws.com") || registry.ends_with(".amazonaws.com.cn"))
}

/// A registry unavailable from `from` until `until`: pulls from it fail.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OutageSpec {
    /// The registry host (`docker.io`, `123456789012.dkr.ecr.us-east-1.amazonaws.com`).
    pub registry: String,
    pub from: SimDuration,
    pub until: SimDuration,
}

impl OutageSpec {
    pub fn covers(&self, registry: &str, now: SimTime) -> bool {
        let t = now.since(SimTime::ZERO);
        self.registry == registry && self.from <= t && t < self.until
    }
}

/// The registry host of an image reference: the first path component when it looks like a host
/// (has a `.` or `:`, or is `localhost`), else Docker Hub.
pub fn registry_of(image: &str) -> &str {
    match image.split_once('/') {
        Some((first, _)) if first.contains('.') || first.contains(':') || first == "localhost" => {
            first
        }
        _ => DOCKER_HUB,
    }
}

/// The registry host an `ECS_ENGINE_AUTH_DATA` key names: keys are URLs
/// (`https://index.docker.io/v1/`) or bare hosts (`registry.example.com`).
pub fn auth_key_host(key: &str) -> &str {
    let k = key
        .strip_prefix("https://")
        .or_else(|| key.strip_prefix("http://"))
        .unwrap_or(key);
    let host = k.split('/').next().unwrap_or(k);
    match host {
        "index.docker.io" | "registry-1.docker.io" => DOCKER_HUB,
        h => h,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registry_hosts() {
        assert_eq!(registry_of("nginx:1.25"), DOCKER_HUB);
        assert_eq!(registry_of("library/nginx"), DOCKER_HUB);
        assert_eq!(
            registry_of("registry.example.com/team/app:3"),
            "registry.example.com"
        );
        assert_eq!(
            registry_of("123456789012.dkr.ecr.us-east-1.amazonaws.com/web:v1"),
            "123456789012.dkr.ecr.us-east-1.amazonaws.com"
        );
        assert_eq!(registry_of("localhost:5000/app"), "localhost:5000");
        assert!(is_ecr(registry_of(
            "123456789012.dkr.ecr.us-east-1.amazonaws.com/web:v1"
        )));
        assert!(!is_ecr("public.ecr.aws"));
        assert_eq!(auth_key_host("https://index.docker.io/v1/"), DOCKER_HUB);
        assert_eq!(
            auth_key_host("registry.example.com"),
            "registry.example.com"
        );
    }
}

#[cfg(test)]
mod backoff_tests {
    use super::*;

    #[test]
    fn the_agents_backoff_doubles_to_five_seconds() {
        let secs = |a| pull_backoff(a, 1.0).as_secs_f64();
        assert_eq!((secs(1), secs(2), secs(3), secs(4)), (1.1, 2.2, 4.4, 5.0));
        assert!((pull_backoff(2, 0.8).as_secs_f64() - 1.76).abs() < 1e-9);
    }
}
