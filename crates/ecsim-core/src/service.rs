//! Services: the `aws ecs create-service` input a scenario gives (a subset), checked against the
//! task definitions and capacity providers it names. The rounding of `minimumHealthyPercent` and
//! `maximumPercent` (docs/ecs-facts.md §5) is applied by the deployment (`sim/deployment.rs`); the
//! defaults, 100 and 200, are REPLICA's; a DAEMON service's are 0 and 100, and it runs one task on
//! each ACTIVE instance that meets its constraints, with no desired count, placement strategy,
//! capacity provider or auto scaling, and not on Fargate (docs/ecs-facts.md §12 "DAEMON
//! scheduling strategy"; run by `sim/daemon.rs`).

use crate::aws_shape::AwsShape;
use crate::capacity::{ProviderItemSpec, ProviderShare};
use crate::error::FieldError;
use crate::placement::{self, Constraint, ConstraintSpec, Strategy, StrategySpec};
use crate::rng::DurationDist;
use crate::taskdef::TaskDefinition;
use crate::time::SimDuration;
use crate::units::TaskDefId;
use serde::{Deserialize, Serialize};

/// The most tasks a service may want.
pub const MAX_DESIRED: u32 = 100_000;
/// The most zones a Fargate service may list.
pub const MAX_ZONES: usize = 16;

/// `deploymentConfiguration` of a service (docs/ecs-facts.md §5): how far a rolling deployment may go
/// below and above the desired count.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DeploymentConfigurationSpec {
    /// Default 100 (REPLICA services).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub minimum_healthy_percent: Option<u32>,
    /// Default 200 (REPLICA services).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub maximum_percent: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deployment_circuit_breaker: Option<CircuitBreakerSpec>,
}

/// `deploymentCircuitBreaker`: fail a deployment whose tasks keep failing to start, and
/// optionally roll back to the revision before it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CircuitBreakerSpec {
    pub enable: bool,
    #[serde(default)]
    pub rollback: bool,
}

/// A service in the shape of `aws ecs create-service` input (a subset; AWS's other fields are
/// accepted and reported as ignored, any other key is an error: `aws_shape`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ServiceSpec {
    pub service_name: String,
    /// A task definition family, optionally with `:revision`.
    pub task_definition: String,
    #[serde(default = "one")]
    pub desired_count: u32,
    /// `REPLICA` (the default) or `DAEMON`.
    #[serde(default, skip_serializing_if = "SchedulingStrategy::is_replica")]
    pub scheduling_strategy: SchedulingStrategy,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub launch_type: Option<String>,
    /// `FARGATE` and `FARGATE_SPOT` with weights and a base (instead of `launchType`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub capacity_provider_strategy: Vec<ProviderItemSpec>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub placement_strategy: Vec<StrategySpec>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub placement_constraints: Vec<ConstraintSpec>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deployment_configuration: Option<DeploymentConfigurationSpec>,
    /// How long ECS ignores a new task's load balancer health after it starts (docs/ecs-facts.md §5:
    /// default 0).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub health_check_grace_period_seconds: Option<u32>,
    /// When the service is created (an ecsim field, not AWS's). Creating it once the instances
    /// have registered spreads the tasks as on a running cluster; at 0 the first instance to
    /// register takes every task that fits, as a real cluster would.
    #[serde(default)]
    pub start_at: SimDuration,
    /// The Availability Zones of the subnets its Fargate tasks run in (an ecsim field: AWS's
    /// `networkConfiguration` names subnets, which ecsim does not model). Default us-east-1a,
    /// b and c. EC2 tasks are in their instance's zone, so an EC2-only service has none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub availability_zones: Vec<String>,
    /// AWS's fields given here that ecsim does not model.
    #[serde(skip)]
    pub ignored: Vec<String>,
}

impl AwsShape for ServiceSpec {
    const UNMODELLED: &'static [&'static str] = &[
        "cluster",
        "clientToken",
        "loadBalancers",
        "serviceRegistries",
        "platformVersion",
        "role",
        "networkConfiguration",
        "deploymentController",
        "tags",
        "enableECSManagedTags",
        "propagateTags",
        "enableExecuteCommand",
        "serviceConnectConfiguration",
        "volumeConfigurations",
        "vpcLatticeConfigurations",
        "availabilityZoneRebalancing",
        "serviceArn",
        "clusterArn",
        "status",
        "runningCount",
        "pendingCount",
        "deployments",
        "events",
        "createdAt",
        "createdBy",
        "roleArn",
        "taskSets",
        "platformFamily",
    ];
    fn ignored_mut(&mut self) -> &mut Vec<String> {
        &mut self.ignored
    }
}

fn one() -> u32 {
    1
}

/// `schedulingStrategy`: how many tasks a service runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum SchedulingStrategy {
    /// The desired count, placed by the strategy.
    #[default]
    Replica,
    /// One task on each ACTIVE container instance that meets the constraints.
    Daemon,
}

impl SchedulingStrategy {
    fn is_replica(&self) -> bool {
        *self == SchedulingStrategy::Replica
    }
}

/// A service resolved against its task definition.
#[derive(Debug, Clone, PartialEq)]
pub struct Service {
    pub name: String,
    pub taskdef: TaskDefId,
    pub desired: u32,
    pub strategies: Vec<Strategy>,
    pub constraints: Vec<Constraint>,
    pub start_at: SimDuration,
    /// Where its tasks run: one share for a launch type, or the capacity provider strategy.
    pub capacity: Vec<ProviderShare>,
    /// `deploymentConfiguration`: minimumHealthyPercent and maximumPercent.
    pub min_healthy_pct: u32,
    pub max_pct: u32,
    /// The deployment circuit breaker, when enabled: whether it rolls back.
    pub circuit_breaker: Option<bool>,
    /// A scheduled batch (`scheduled_tasks`), not a long-running service.
    pub batch: Option<Batch>,
    /// `healthCheckGracePeriodSeconds`.
    pub grace: SimDuration,
    /// The zones its Fargate tasks run in (empty for a service on EC2 only).
    pub zones: Vec<String>,
    /// A DAEMON service: one task per eligible instance (`sim/daemon.rs`).
    pub daemon: bool,
}

impl ServiceSpec {
    /// Checks it against the task definitions and the EC2 capacity providers' names; `p` gives
    /// the path of a field.
    pub fn validate(
        &self,
        p: &dyn Fn(&str) -> String,
        taskdefs: &[TaskDefinition],
        providers: &[&str],
    ) -> Result<Service, FieldError> {
        if self.service_name.trim().is_empty() {
            return Err(FieldError::new(p("serviceName"), "must not be empty"));
        }
        let capacity = crate::capacity::resolve(
            self.launch_type.as_deref(),
            &self.capacity_provider_strategy,
            providers,
            &p,
        )?;
        let daemon = self.scheduling_strategy == SchedulingStrategy::Daemon;
        if daemon {
            let refused = if capacity.iter().any(|c| c.capacity.is_fargate()) {
                Some((
                    "schedulingStrategy",
                    "Fargate tasks do not support the DAEMON scheduling strategy",
                ))
            } else if !self.capacity_provider_strategy.is_empty() {
                Some(("capacityProviderStrategy", "a DAEMON service runs on every instance of the cluster: it takes no capacity provider strategy"))
            } else if !self.placement_strategy.is_empty() {
                Some((
                    "placementStrategy",
                    "a DAEMON service places one task per instance: it takes no placement strategy",
                ))
            } else {
                None
            };
            if let Some((field, why)) = refused {
                return Err(FieldError::new(p(field), why));
            }
        }
        let tdi = resolve_taskdef(
            taskdefs,
            &self.task_definition,
            &capacity,
            &p("taskDefinition"),
        )?;
        let td = &taskdefs[tdi];
        if capacity.iter().any(|c| c.capacity.is_fargate())
            && !(self.placement_strategy.is_empty() && self.placement_constraints.is_empty())
        {
            let f = if self.placement_strategy.is_empty() {
                "placementConstraints"
            } else {
                "placementStrategy"
            };
            return Err(FieldError::new(
                p(f),
                "task placement constraints and strategies are not supported for tasks launched on FARGATE",
            ));
        }
        let zones = if !capacity.iter().any(|c| c.capacity.is_fargate()) {
            if !self.availability_zones.is_empty() {
                return Err(FieldError::new(
                    p("availabilityZones"),
                    "only a service on Fargate has zones of its own; an EC2 task is in its instance's zone",
                ));
            }
            Vec::new()
        } else if self.availability_zones.is_empty() {
            crate::instance::default_azs()
        } else {
            if self.availability_zones.len() > MAX_ZONES {
                return Err(FieldError::new(
                    p("availabilityZones"),
                    format!("at most {MAX_ZONES} zones (a Region has at most six)"),
                ));
            }
            if let Some(j) = self
                .availability_zones
                .iter()
                .position(|z| z.trim().is_empty())
            {
                return Err(FieldError::new(
                    p(&format!("availabilityZones[{j}]")),
                    "must not be empty",
                ));
            }
            self.availability_zones.clone()
        };
        if self.desired_count > MAX_DESIRED {
            return Err(FieldError::new(
                p("desiredCount"),
                format!("must be at most {MAX_DESIRED}"),
            ));
        }
        if self.placement_strategy.len() > placement::MAX_STRATEGIES {
            return Err(FieldError::new(
                p("placementStrategy"),
                format!(
                    "ECS allows at most {} strategy rules",
                    placement::MAX_STRATEGIES
                ),
            ));
        }
        let mut strategies = Vec::new();
        for (j, st) in self.placement_strategy.iter().enumerate() {
            strategies.push(st.validate(&p(&format!("placementStrategy[{j}]")))?);
        }
        if strategies.is_empty() {
            strategies = placement::default_strategies();
        }
        let mut constraints = td.constraints.clone();
        for (j, c) in self.placement_constraints.iter().enumerate() {
            constraints.push(c.validate(&p(&format!("placementConstraints[{j}]")))?);
        }
        if constraints.len() > placement::MAX_CONSTRAINTS {
            return Err(FieldError::new(
                p("placementConstraints"),
                format!(
                    "ECS allows at most {} constraints per task (task definition and service together)",
                    placement::MAX_CONSTRAINTS
                ),
            ));
        }
        let dc = self
            .deployment_configuration
            .clone()
            .unwrap_or(DeploymentConfigurationSpec {
                minimum_healthy_percent: None,
                maximum_percent: None,
                deployment_circuit_breaker: None,
            });
        let (min_default, max_default) = if daemon { (0, 100) } else { (100, 200) };
        let min_healthy_pct = dc.minimum_healthy_percent.unwrap_or(min_default);
        let max_pct = dc.maximum_percent.unwrap_or(max_default);
        if daemon && max_pct != 100 {
            return Err(FieldError::new(
                p("deploymentConfiguration.maximumPercent"),
                "must be 100 for a DAEMON service",
            ));
        }
        if min_healthy_pct > 100 {
            return Err(FieldError::new(
                p("deploymentConfiguration.minimumHealthyPercent"),
                "must be 0..=100",
            ));
        }
        if !(100..=200).contains(&max_pct) {
            return Err(FieldError::new(
                p("deploymentConfiguration.maximumPercent"),
                "must be 100..=200 for a rolling deployment",
            ));
        }
        Ok(Service {
            name: self.service_name.clone(),
            taskdef: TaskDefId(tdi as u32),
            desired: self.desired_count,
            strategies,
            constraints,
            start_at: self.start_at,
            capacity,
            min_healthy_pct,
            max_pct,
            circuit_breaker: dc
                .deployment_circuit_breaker
                .as_ref()
                .filter(|c| c.enable)
                .map(|c| c.rollback),
            batch: None,
            grace: SimDuration::from_secs(
                self.health_check_grace_period_seconds.unwrap_or(0) as u64
            ),
            zones,
            daemon,
        })
    }
}

/// The task definition `name` (`family` or `family:revision`; without a revision the latest, as
/// ECS does) names, checked against the capacity it will run on.
pub(crate) fn resolve_taskdef(
    taskdefs: &[TaskDefinition],
    name: &str,
    capacity: &[ProviderShare],
    path: &str,
) -> Result<usize, FieldError> {
    let (family, revision) = match name.rsplit_once(':') {
        Some((f, r)) => match r.parse::<u32>() {
            Ok(r) => (f, Some(r)),
            Err(_) => (name, None),
        },
        None => (name, None),
    };
    let found = taskdefs
        .iter()
        .enumerate()
        .filter(|(_, t)| t.family == family && revision.is_none_or(|r| r == t.revision))
        .max_by_key(|(_, t)| t.revision);
    let Some((tdi, td)) = found else {
        let known: Vec<String> = taskdefs
            .iter()
            .map(|t| format!("{}:{}", t.family, t.revision))
            .collect();
        return Err(FieldError::new(
            path,
            format!("no task definition {name:?}; defined: {}", known.join(", ")),
        ));
    };
    if capacity.iter().any(|c| c.capacity.is_fargate()) && !td.fargate {
        return Err(FieldError::new(
            path,
            format!(
                "task definition {}:{} does not support launch type FARGATE; add \"FARGATE\" to its requiresCompatibilities (with networkMode awsvpc and a Fargate cpu/memory pair)",
                td.family, td.revision
            ),
        ));
    }
    Ok(tdi)
}

/// What makes a service a batch (`[[scheduled_tasks]]`, read in `batch`).
#[derive(Debug, Clone, PartialEq)]
pub struct Batch {
    pub count: u32,
    pub run_time: DurationDist,
    pub attempts: u32,
}
