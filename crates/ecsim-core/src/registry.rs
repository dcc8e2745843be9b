//! Container registries: which registry an image comes from, and whether pulling from it needs
//! credentials the agent must hold (`ECS_ENGINE_AUTH_TYPE`/`ECS_ENGINE_AUTH_DATA`, ecs-facts §3).
//! ECR and IAM-checked pulls are a later step; here a scenario names its private non-ECR
//! registries, and a host whose agent has no credentials for one cannot pull from it.

/// Docker Hub, where an image reference without a registry host comes from.
pub const DOCKER_HUB: &str = "docker.io";

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
        assert_eq!(auth_key_host("https://index.docker.io/v1/"), DOCKER_HUB);
        assert_eq!(
            auth_key_host("registry.example.com"),
            "registry.example.com"
        );
    }
}
