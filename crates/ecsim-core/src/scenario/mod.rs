//! Scenarios: everything a run needs, as data (TOML, or JSON with the same schema).
//!
//! Scenario-level keys are snake_case and unknown ones are refused (a typo must not pass silently);
//! task definitions and services use the AWS API's camelCase shape and accept the API's other
//! fields, so real `describe-task-definition` output can be pasted. Loading parses, then validates
//! every reference and range, and reports the first problem with the file, the line when it can be
//! found, and the path of the field.

use crate::agent_config::{AgentConfig, AgentDefaults};
use crate::aws_shape::suggest;
pub use crate::capacity::{Capacity, ProviderItemSpec, ProviderShare};
use crate::catalog::InstanceType;
use crate::error::{FieldError, ScenarioError};
use crate::iam::{RoleSpec, Roles};
use crate::images::{ImageCatalog, ImageSpec};
pub use crate::model::ModelSpec;
use crate::registry::OutageSpec;
use crate::source::{line_col, locate, strip_position};
use crate::taskdef::{TaskDefinition, TaskDefinitionSpec};
use crate::time::SimDuration;
use crate::units::{ImageId, TaskDefId};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

pub use crate::service::{CircuitBreakerSpec, DeploymentConfigurationSpec, Service, ServiceSpec};
pub use crate::source::Format;

mod applications;
mod lesson;
mod resolve;
mod warnings;
pub use crate::error::Warning;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScenarioSpec {
    pub name: String,
    #[serde(default)]
    pub description: String,
    /// `lesson`, `exercise`, `template` or `validation`: how the scenario library presents it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// For a lesson: the concept it teaches and what to try.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lesson: Option<LessonSpec>,
    #[serde(default = "default_seed")]
    pub seed: u64,
    pub duration: SimDuration,
    #[serde(default = "default_step")]
    pub sample_step: SimDuration,
    #[serde(default)]
    pub cluster: ClusterSpec,
    /// Instance types added to (or overriding) the built-in catalogue.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub instance_types: BTreeMap<String, InstanceType>,
    #[serde(default)]
    pub instance_groups: Vec<InstanceGroupSpec>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub images: Vec<ImageSpec>,
    #[serde(default)]
    #[serde(deserialize_with = "crate::aws_shape::entries")]
    pub task_definitions: Vec<TaskDefinitionSpec>,
    #[serde(default)]
    #[serde(deserialize_with = "crate::aws_shape::entries")]
    pub services: Vec<ServiceSpec>,
    #[serde(default)]
    pub model: ModelSpec,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub objectives: Vec<ObjectiveSpec>,
    /// Changes made during the run, as an operator would make them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub actions: Vec<ActionSpec>,
    /// Private (non-ECR) registries: pulling from one needs the agent's `ECS_ENGINE_AUTH_DATA`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub private_registries: Vec<String>,
    /// IAM roles and what they allow. None: IAM is not modelled (everything is allowed).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub roles: Vec<RoleSpec>,
    /// Times a registry is unavailable: pulls fail, and the agent retries.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub registry_outages: Vec<OutageSpec>,
    /// Requests sent to services through their load balancer.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub traffic: Vec<crate::traffic::TrafficSpec>,
    /// Service auto scaling: a scalable target per service, its policies and scheduled actions.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub auto_scaling: Vec<crate::autoscaling::AutoScalingSpec>,
    /// Instances lost and tasks crashed, at given times or at random.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub faults: Vec<crate::faults::FaultSpec>,
    /// EC2 capacity providers: Auto Scaling groups services ask for, with managed scaling.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub capacity_providers: Vec<crate::capacity_provider::CapacityProviderSpec>,
    /// Batches of tasks a schedule runs, each working for a while and exiting.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub scheduled_tasks: Vec<crate::batch::ScheduledTaskSpec>,
    /// What the applications in the containers do: warm-up and memory use (`application`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub applications: Vec<crate::application::ApplicationSpec>,
}

/// An operator's change at a given time: `aws ecs update-service --desired-count N` and/or
/// `--task-definition family[:revision]` (a deployment).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ActionSpec {
    pub at: SimDuration,
    pub service: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub desired_count: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub task_definition: Option<String>,
}

/// A validated action.
#[derive(Debug, Clone, PartialEq)]
pub struct Action {
    pub at: SimDuration,
    pub service: crate::units::ServiceId,
    pub desired: Option<u32>,
    /// A new task definition: a rolling deployment.
    pub taskdef: Option<TaskDefId>,
}

fn default_seed() -> u64 {
    1
}
fn default_step() -> SimDuration {
    SimDuration::from_secs(10)
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClusterSpec {
    #[serde(default = "default_cluster")]
    pub name: String,
}

impl Default for ClusterSpec {
    fn default() -> Self {
        ClusterSpec {
            name: default_cluster(),
        }
    }
}

fn default_cluster() -> String {
    "default".into()
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InstanceGroupSpec {
    pub name: String,
    pub instance_type: String,
    /// An Auto Scaling group's mixed instances policy: more types it may launch. Each launch
    /// takes the type the group has fewest of (ties in list order, `instance_type` first), as
    /// EC2 Auto Scaling spreads a group over its types with the `lowest-price` allocation across
    /// as many pools as types.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub mixed_instance_types: Vec<String>,
    /// Instances launched at `launch_at`: an Auto Scaling group's initial desired capacity.
    pub count: u32,
    /// An Auto Scaling group's bounds. With `max_size` the group is an Auto Scaling group: it
    /// replaces instances that are lost, and a capacity provider's managed scaling moves its
    /// desired capacity within min..=max. Without, the group is a fixed set of instances.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_size: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_size: Option<u32>,
    /// The text of `/etc/ecs/ecs.config` on these instances.
    #[serde(default)]
    pub ecs_config: String,
    /// Zones the instances are spread over, round robin.
    #[serde(default = "crate::instance::default_azs")]
    pub availability_zones: Vec<String>,
    /// When the group is launched.
    #[serde(default)]
    pub launch_at: SimDuration,
    /// Whose defaults `ecs_config` starts from: `ecs-optimized-ami` (ecs-init's) or `agent`.
    #[serde(default)]
    pub agent_defaults: AgentDefaults,
    /// The container instance role (name or ARN): it pulls from ECR for tasks without an
    /// execution role. When the scenario declares `roles`, it must be one of them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub iam_role: Option<String>,
    /// Images baked into the AMI: on the host from boot (not pulled by the agent).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cached_images: Vec<String>,
    /// The `awsvpcTrunking` account setting was on when these instances launched.
    #[serde(default)]
    pub eni_trunking: bool,
    /// Spot instances: at each of these times, the group's lowest-numbered running instance gets
    /// EC2's two-minute interruption notice (docs/ecs-facts.md §7 "Spot interruption notice").
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub spot_interruptions: Vec<SimDuration>,
    /// Spot instances, billed at `model.ec2_spot_discount_pct` off the on-demand price. Default:
    /// Spot when the group lists `spot_interruptions`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub spot: Option<bool>,
}

/// A condition on the run's summary that a lesson checks: `metric` is a dotted path into the
/// summary JSON (`services.web.tasks.running_end`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ObjectiveSpec {
    pub name: String,
    pub metric: String,
    pub op: crate::metrics::Comparison,
    pub value: f64,
    /// Why the outcome is what it is (shown after a run).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub explain: Option<String>,
    /// What to change when the objective fails.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
}

pub use lesson::{TryStep, TryStepSpec};

impl ScenarioSpec {
    /// Every condition the scenario checks with its field path: the objectives, then each
    /// lesson step's checkpoint (`lesson.try[1].expect[0]`).
    pub fn all_objectives(&self) -> Vec<(String, &ObjectiveSpec)> {
        let mut out: Vec<(String, &ObjectiveSpec)> = self
            .objectives
            .iter()
            .enumerate()
            .map(|(i, o)| (format!("objectives[{i}]"), o))
            .collect();
        for (k, step) in self
            .lesson
            .iter()
            .flat_map(|l| l.try_this.iter().enumerate())
        {
            for (j, o) in step.expect().iter().enumerate() {
                out.push((format!("lesson.try[{k}].expect[{j}]"), o));
            }
        }
        out
    }
}

/// A lesson's teaching text: the concept in two or three sentences, and things to try (each
/// with its checkpoint, when it has one: `lesson.rs`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LessonSpec {
    pub concept: String,
    #[serde(default, rename = "try", skip_serializing_if = "Vec::is_empty")]
    pub try_this: Vec<TryStep>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct InstanceGroup {
    pub name: String,
    /// Its instance type, then the others of its mixed instances policy, with their specs
    /// (prices at the Spot discount for a Spot group).
    pub types: Vec<(String, InstanceType)>,
    pub agent: AgentConfig,
    pub count: u32,
    /// An Auto Scaling group (`max_size` given): lost instances are replaced.
    pub asg: bool,
    pub min_size: u32,
    /// Instance slots: `count` for a fixed group.
    pub max_size: u32,
    pub availability_zones: Vec<String>,
    pub launch_at: SimDuration,
    /// The instance role's name.
    pub iam_role: Option<String>,
    pub cached_images: Vec<ImageId>,
    pub eni_trunking: bool,
    pub spot_interruptions: Vec<SimDuration>,
}

/// A validated scenario, ready to run.
#[derive(Debug, Clone, PartialEq)]
pub struct Scenario {
    pub file: String,
    pub spec: ScenarioSpec,
    pub taskdefs: Vec<TaskDefinition>,
    pub services: Vec<Service>,
    pub groups: Vec<InstanceGroup>,
    pub images: ImageCatalog,
    /// The images of each task definition's containers, in container order.
    pub taskdef_images: Vec<Vec<ImageId>>,
    pub roles: Roles,
    pub actions: Vec<Action>,
    pub traffic: Vec<crate::traffic::Traffic>,
    pub auto_scaling: Vec<crate::autoscaling::AutoScaling>,
    pub faults: Vec<crate::faults::Fault>,
    pub providers: Vec<crate::capacity_provider::CapacityProvider>,
    /// Hash of the scenario's canonical JSON: two runs with the same hash ran the same scenario.
    pub hash: u64,
    /// What it runs with but may not mean (`warnings`), for the summary and the report.
    pub warnings: Vec<Warning>,
}

/// Updates and scaling are for services: a batch's count falls as its tasks finish.
impl Scenario {
    /// Reads and validates the text: everything `Scenario::parse` checks but the objectives'
    /// metric names, which need the summary's shape (the run's, `sim::check_objective_metrics`;
    /// the crate root puts the two together, so this layer never imports the run).
    pub(crate) fn read(text: &str, file: &str) -> Result<Scenario, ScenarioError> {
        // A byte-order mark, as some editors write one, is not part of the scenario.
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let spec = Self::parse_spec(text, file)?;
        Self::from_spec(spec, file).map_err(|e| Self::located(text, file, e))
    }

    /// A field's error as a scenario error, with the line of the field when it can be found.
    pub(crate) fn located(text: &str, file: &str, e: FieldError) -> ScenarioError {
        let line = locate(text, Format::from_file_name(file), &e.path);
        ScenarioError {
            file: file.into(),
            line,
            column: None,
            field: Some(e.path),
            message: e.message,
        }
    }

    fn parse_spec(text: &str, file: &str) -> Result<ScenarioSpec, ScenarioError> {
        let err = |line, column, field: String, message: String| ScenarioError {
            file: file.into(),
            line,
            column,
            field: if field.is_empty() || field == "." {
                None
            } else {
                Some(field)
            },
            message,
        };
        // An unknown key: point at the key itself, not the table that holds it.
        let at_key = |e: ScenarioError| -> ScenarioError {
            let Some(key) = e
                .message
                .strip_prefix("unknown field `")
                .and_then(|r| r.split_once('`'))
                .map(|(k, _)| k.to_string())
            else {
                return e;
            };
            // serde's path may already end at the key (it does today): then it is the path.
            let path = match &e.field {
                Some(p) if p == &key || p.ends_with(&format!(".{key}")) => p.clone(),
                Some(p) => format!("{p}.{key}"),
                None => key,
            };
            let line = locate(text, Format::from_file_name(file), &path).or(e.line);
            ScenarioError {
                line,
                column: if line == e.line { e.column } else { None },
                field: Some(path),
                ..e
            }
        };
        Self::parse_spec_raw(text, file, err).map_err(at_key)
    }

    fn parse_spec_raw(
        text: &str,
        file: &str,
        err: impl Fn(Option<usize>, Option<usize>, String, String) -> ScenarioError,
    ) -> Result<ScenarioSpec, ScenarioError> {
        match Format::from_file_name(file) {
            Format::Json => {
                let de = &mut serde_json::Deserializer::from_str(text);
                serde_path_to_error::deserialize(de).map_err(|e| {
                    let inner = e.inner();
                    let (line, column) = (inner.line(), inner.column());
                    let msg = json_message(text, line, column, &inner.to_string());
                    // serde_path_to_error's "?" is a place it could not name.
                    let path = e.path().to_string();
                    let path = if path == "?" { String::new() } else { path };
                    err(Some(line), Some(column), path, msg)
                })
            }
            Format::Toml => {
                let de = toml::Deserializer::parse(text).map_err(|e| {
                    let (l, c) = e.span().map(|s| line_col(text, s.start)).unzip();
                    err(l, c, String::new(), e.message().trim().to_string())
                })?;
                serde_path_to_error::deserialize(de).map_err(|e| {
                    let inner = e.inner();
                    let (l, c) = inner.span().map(|s| line_col(text, s.start)).unzip();
                    err(l, c, e.path().to_string(), suggest(inner.message().trim()))
                })
            }
        }
    }
}

/// A JSON error's message, said the way a person fixing the file needs it: serde_json's own,
/// with the closest key suggested, and plain words for what JSON does not allow.
fn json_message(text: &str, line: usize, column: usize, raw: &str) -> String {
    let msg = suggest(&strip_position(raw));
    let at = text
        .lines()
        .nth(line.saturating_sub(1))
        .and_then(|l| l.get(column.saturating_sub(1)..))
        .unwrap_or("");
    if msg == "trailing comma" {
        "a trailing comma: JSON allows none after the last item".into()
    } else if msg == "expected value"
        && ["NaN", "Infinity", "-Infinity"]
            .iter()
            .any(|w| at.starts_with(w))
    {
        "NaN and Infinity are not JSON numbers: give a number".into()
    } else {
        msg
    }
}
