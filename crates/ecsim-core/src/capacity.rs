//! Where a service's tasks run: EC2 container instances, Fargate or Fargate Spot, by the service's
//! `launchType` or its `capacityProviderStrategy` (a base on one provider, then weights), as ECS
//! splits them. A strategy may name EC2 capacity providers (`capacity_provider`): their tasks go
//! only on the instances of the provider's Auto Scaling group.

use crate::error::FieldError;
use serde::{Deserialize, Serialize};

/// One item of a service's `capacityProviderStrategy`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ProviderItemSpec {
    pub capacity_provider: String,
    #[serde(default)]
    pub weight: u32,
    #[serde(default)]
    pub base: u32,
}

/// Where a task runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Capacity {
    /// On the cluster's container instances.
    Ec2,
    Fargate,
    FargateSpot,
    /// On the instances of `capacity_providers[k]`'s Auto Scaling group.
    Provider(u16),
}

impl Capacity {
    pub fn is_fargate(self) -> bool {
        matches!(self, Capacity::Fargate | Capacity::FargateSpot)
    }
}

/// A capacity with its share of a service's tasks: the first `base` tasks go to it, the rest
/// split by `weight` (ECS's capacity provider strategy).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ProviderShare {
    pub capacity: Capacity,
    pub weight: u32,
    pub base: u32,
}

/// A service's capacity: `launchType` (EC2 or FARGATE), or a `capacityProviderStrategy` of
/// FARGATE, FARGATE_SPOT and the scenario's EC2 capacity providers (`providers`, by name).
pub fn resolve(
    launch_type: Option<&str>,
    strategy: &[ProviderItemSpec],
    providers: &[&str],
    p: &dyn Fn(&str) -> String,
) -> Result<Vec<ProviderShare>, FieldError> {
    let one = |capacity| {
        vec![ProviderShare {
            capacity,
            weight: 1,
            base: 0,
        }]
    };
    if !strategy.is_empty() {
        if launch_type.is_some() {
            return Err(FieldError::new(
                p("launchType"),
                "give launchType or capacityProviderStrategy, not both (ECS refuses both)",
            ));
        }
        let mut shares: Vec<ProviderShare> = Vec::new();
        for (j, it) in strategy.iter().enumerate() {
            let at = p(&format!("capacityProviderStrategy[{j}]"));
            let capacity = match it.capacity_provider.as_str() {
                "FARGATE" => Capacity::Fargate,
                "FARGATE_SPOT" => Capacity::FargateSpot,
                other => match providers.iter().position(|n| *n == other) {
                    Some(k) => Capacity::Provider(k as u16),
                    None => {
                        let mut known = vec!["FARGATE", "FARGATE_SPOT"];
                        known.extend_from_slice(providers);
                        return Err(FieldError::new(
                            format!("{at}.capacityProvider"),
                            format!("{other:?} is not a capacity provider; known: {} (an EC2 provider is declared in [[capacity_providers]])", known.join(", ")),
                        ));
                    }
                },
            };
            // ECS: a strategy cannot mix Fargate providers with Auto Scaling group providers.
            if shares
                .iter()
                .any(|x| x.capacity.is_fargate() != capacity.is_fargate())
            {
                return Err(FieldError::new(
                    format!("{at}.capacityProvider"),
                    "a strategy cannot mix FARGATE or FARGATE_SPOT with Auto Scaling group capacity providers (ECS refuses it)",
                ));
            }
            if shares.iter().any(|x| x.capacity == capacity) {
                return Err(FieldError::new(
                    format!("{at}.capacityProvider"),
                    format!("{} is listed twice", it.capacity_provider),
                ));
            }
            // ECS: weight 0..=1000, base 0..=100000, and only one item may have a base.
            if it.weight > 1000 {
                return Err(FieldError::new(format!("{at}.weight"), "must be 0..=1000"));
            }
            if it.base > 0 && shares.iter().any(|x| x.base > 0) {
                return Err(FieldError::new(
                    format!("{at}.base"),
                    "only one capacity provider of a strategy may have a base",
                ));
            }
            shares.push(ProviderShare {
                capacity,
                weight: it.weight,
                base: it.base,
            });
        }
        if shares.iter().all(|x| x.weight == 0) {
            return Err(FieldError::new(
                p("capacityProviderStrategy"),
                "at least one capacity provider needs a weight above 0",
            ));
        }
        return Ok(shares);
    }
    match launch_type {
        None | Some("EC2") => Ok(one(Capacity::Ec2)),
        Some("FARGATE") => Ok(one(Capacity::Fargate)),
        Some(other) => Err(FieldError::new(
            p("launchType"),
            format!("{other:?} is not a launch type ecsim runs; use EC2 or FARGATE"),
        )),
    }
}

/// Which share the next task of a service goes to, given its live tasks per share: the bases
/// first, then the share furthest below its weight's proportion (ties to the earlier share).
pub fn pick(shares: &[ProviderShare], live: &[u32]) -> usize {
    if shares.len() == 1 {
        return 0;
    }
    if let Some(k) = (0..shares.len()).find(|&k| shares[k].base > 0 && live[k] < shares[k].base) {
        return k;
    }
    let share = |k: usize| live[k].saturating_sub(shares[k].base) as f64 / shares[k].weight as f64;
    (0..shares.len())
        .filter(|&k| shares[k].weight > 0)
        .min_by(|&a, &b| share(a).total_cmp(&share(b)).then(a.cmp(&b)))
        .unwrap_or(0)
}
