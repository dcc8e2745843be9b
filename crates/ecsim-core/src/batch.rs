//! Scheduled batch tasks: at a given time a schedule (EventBridge Scheduler, or an AWS Batch
//! job queue on ECS) runs `count` tasks of a task definition (`aws ecs run-task --count`); each
//! works for a drawn `runTime` once RUNNING, then its essential container exits 0 and the task
//! stops (`EssentialContainerExited`). A task that stops before finishing — its Spot capacity
//! reclaimed, its instance lost, its start failed — is run again from the start, as AWS Batch's
//! `retryStrategy.attempts` does (1..=10; default 1: no retry, as plain RunTask). There is no
//! checkpoint: a re-run redoes all the work.
//!
//! The engine runs a batch as a service whose desired count falls by one as each task finishes
//! (so the scheduler does not replace finished tasks, and does replace interrupted ones); its
//! summary is under `services.<name>` with a `batch` section.

use crate::capacity::ProviderItemSpec;
use crate::error::FieldError;
use crate::rng::DurationDist;
use crate::service::{Batch, Service, ServiceSpec};
use crate::taskdef::TaskDefinition;
use crate::time::SimDuration;
use serde::{Deserialize, Serialize};

/// AWS Batch: `retryStrategy.attempts` is 1..=10.
const MAX_ATTEMPTS: u32 = 10;

/// A scheduled run of batch tasks, in `run-task`'s camelCase with ecsim's `name`, `at`,
/// `runTime` and AWS Batch's `attempts`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ScheduledTaskSpec {
    pub name: String,
    pub task_definition: String,
    #[serde(default = "one")]
    pub count: u32,
    /// When the schedule fires.
    pub at: SimDuration,
    /// How long each task works once RUNNING.
    pub run_time: DurationDist,
    #[serde(default = "one")]
    pub attempts: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub launch_type: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub capacity_provider_strategy: Vec<ProviderItemSpec>,
}

fn one() -> u32 {
    1
}

impl ScheduledTaskSpec {
    /// Checks it as a service of `count` tasks created at `at`; field paths are its own.
    pub fn validate(
        &self,
        path: &str,
        taskdefs: &[TaskDefinition],
        providers: &[&str],
    ) -> Result<Service, FieldError> {
        let p = |f: &str| {
            let f = match f {
                "serviceName" => "name",
                "desiredCount" => "count",
                other => other,
            };
            format!("{path}.{f}")
        };
        if self.count == 0 {
            return Err(FieldError::new(p("count"), "must be at least 1"));
        }
        if !(1..=MAX_ATTEMPTS).contains(&self.attempts) {
            return Err(FieldError::new(
                p("attempts"),
                format!("must be 1..={MAX_ATTEMPTS} (AWS Batch retryStrategy.attempts)"),
            ));
        }
        self.run_time
            .validate()
            .map_err(|m| FieldError::new(p("runTime"), m))?;
        let as_service = ServiceSpec {
            service_name: self.name.clone(),
            task_definition: self.task_definition.clone(),
            desired_count: self.count,
            scheduling_strategy: Default::default(),
            launch_type: self.launch_type.clone(),
            capacity_provider_strategy: self.capacity_provider_strategy.clone(),
            placement_strategy: Vec::new(),
            placement_constraints: Vec::new(),
            deployment_configuration: None,
            health_check_grace_period_seconds: None,
            start_at: self.at,
            availability_zones: Vec::new(),
            ignored: Vec::new(),
        };
        let mut service = as_service.validate(&p, taskdefs, providers)?;
        service.batch = Some(Batch {
            count: self.count,
            run_time: self.run_time.clone(),
            attempts: self.attempts,
        });
        Ok(service)
    }
}
