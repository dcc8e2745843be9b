//! Scenarios: everything a run needs, as data (TOML, or JSON with the same schema).
//!
//! Scenario-level keys are snake_case and unknown ones are refused (a typo must not pass silently);
//! task definitions and services use the AWS API's camelCase shape and accept the API's other
//! fields, so real `describe-task-definition` output can be pasted. Loading parses, then validates
//! every reference and range, and reports the first problem with the file, the line when it can be
//! found, and the path of the field.

use crate::agent_config::{AgentConfig, AgentDefaults};
pub use crate::capacity::{Capacity, ProviderItemSpec, ProviderShare};
use crate::catalog::{self, InstanceType};
use crate::error::{FieldError, ScenarioError};
use crate::hash::fnv1a;
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

/// The longest run a scenario may ask for: 400 simulated days.
const MAX_DURATION: SimDuration = SimDuration::from_secs(400 * 86400);
const MAX_INSTANCES: u32 = 10_000;
use crate::service::MAX_DESIRED;
pub use crate::service::{CircuitBreakerSpec, DeploymentConfigurationSpec, Service, ServiceSpec};
pub use crate::source::Format;
const MAX_SAMPLES: u64 = 1_000_000;

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
    pub task_definitions: Vec<TaskDefinitionSpec>,
    #[serde(default)]
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
    #[serde(default = "default_azs")]
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

fn default_azs() -> Vec<String> {
    ["us-east-1a", "us-east-1b", "us-east-1c"]
        .map(String::from)
        .to_vec()
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

/// A lesson's teaching text: the concept in two or three sentences, and things to try.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LessonSpec {
    pub concept: String,
    #[serde(default, rename = "try", skip_serializing_if = "Vec::is_empty")]
    pub try_this: Vec<String>,
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
}

/// Updates and scaling are for services: a batch's count falls as its tasks finish.
fn not_a_batch(s: &Service, path: String) -> Result<(), FieldError> {
    match s.batch {
        Some(_) => Err(FieldError::new(
            path,
            format!(
                "{:?} is a scheduled task (a batch), not a service: it cannot be updated or scaled",
                s.name
            ),
        )),
        None => Ok(()),
    }
}

impl Scenario {
    /// Reads and validates the text: everything `Scenario::parse` checks but the objectives'
    /// metric names, which need the summary's shape (the run's, `sim::check_objective_metrics`;
    /// the crate root puts the two together, so this layer never imports the run).
    pub(crate) fn read(text: &str, file: &str) -> Result<Scenario, ScenarioError> {
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
        match Format::from_file_name(file) {
            Format::Json => {
                let de = &mut serde_json::Deserializer::from_str(text);
                serde_path_to_error::deserialize(de).map_err(|e| {
                    let inner = e.inner();
                    let msg = strip_position(&inner.to_string());
                    err(
                        Some(inner.line()),
                        Some(inner.column()),
                        e.path().to_string(),
                        msg,
                    )
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
                    err(
                        l,
                        c,
                        e.path().to_string(),
                        inner.message().trim().to_string(),
                    )
                })
            }
        }
    }

    /// Validates a parsed spec (e.g. one built in code) into a runnable scenario.
    pub fn from_spec(spec: ScenarioSpec, file: &str) -> Result<Scenario, FieldError> {
        check_run_settings(&spec)?;
        let m = &spec.model;
        let types = instance_types(&spec)?;
        let roles = Roles::build(&spec.roles)?;
        let mut groups = instance_groups(&spec, &types, &roles)?;
        let taskdefs = task_definitions(&spec, &roles)?;

        let images = ImageCatalog::build(
            &spec.images,
            taskdefs
                .iter()
                .flat_map(|t| t.containers.iter().map(|c| c.image.as_str())),
            m.default_image_mib,
        )?;
        let taskdef_images: Vec<Vec<ImageId>> = taskdefs
            .iter()
            .map(|t| {
                t.containers
                    .iter()
                    .filter_map(|c| images.id(&c.image))
                    .collect()
            })
            .collect();
        for (i, g) in spec.instance_groups.iter().enumerate() {
            for (j, im) in g.cached_images.iter().enumerate() {
                let Some(id) = images.id(im) else {
                    return Err(FieldError::new(
                        format!("instance_groups[{i}].cached_images[{j}]"),
                        format!("{im:?} is neither in `images` nor used by a task definition"),
                    ));
                };
                groups[i].cached_images.push(id);
            }
        }
        for (i, o) in spec.registry_outages.iter().enumerate() {
            if o.until <= o.from {
                return Err(FieldError::new(
                    format!("registry_outages[{i}].until"),
                    format!("{} must be after from ({})", o.until, o.from),
                ));
            }
        }

        let mut providers: Vec<crate::capacity_provider::CapacityProvider> = Vec::new();
        {
            let names: Vec<&str> = groups.iter().map(|g| g.name.as_str()).collect();
            for (i, c) in spec.capacity_providers.iter().enumerate() {
                let cp = c.validate(&format!("capacity_providers[{i}]"), &names, &providers)?;
                providers.push(cp);
            }
        }
        // A provider's group is an Auto Scaling group, whether or not it gave its bounds.
        for cp in &providers {
            groups[cp.group].asg = true;
        }
        let provider_names: Vec<&str> = providers.iter().map(|c| c.name.as_str()).collect();
        let mut services = Vec::new();
        for (i, sv) in spec.services.iter().enumerate() {
            let p = |f: &str| format!("services[{i}].{f}");
            if spec.services[..i]
                .iter()
                .any(|o| o.service_name == sv.service_name)
            {
                return Err(FieldError::new(
                    p("serviceName"),
                    format!("{:?} names two services", sv.service_name),
                ));
            }
            services.push(sv.validate(&p, &taskdefs, &provider_names)?);
        }
        // Batches run as services after the real ones, in one namespace with them.
        for (i, b) in spec.scheduled_tasks.iter().enumerate() {
            let path = format!("scheduled_tasks[{i}]");
            if services.iter().any(|s: &Service| s.name == b.name) {
                return Err(FieldError::new(
                    format!("{path}.name"),
                    format!("{:?} already names a service or scheduled task", b.name),
                ));
            }
            services.push(b.validate(&path, &taskdefs, &provider_names)?);
        }

        let mut actions = Vec::new();
        for (i, a) in spec.actions.iter().enumerate() {
            let Some(si) = services.iter().position(|s: &Service| s.name == a.service) else {
                return Err(FieldError::new(
                    format!("actions[{i}].service"),
                    format!("no service {:?} in this scenario", a.service),
                ));
            };
            not_a_batch(&services[si], format!("actions[{i}].service"))?;
            if a.at > MAX_DURATION {
                return Err(FieldError::new(
                    format!("actions[{i}].at"),
                    "is beyond 400 days",
                ));
            }
            if a.desired_count.is_some_and(|d| d > MAX_DESIRED) {
                return Err(FieldError::new(
                    format!("actions[{i}].desired_count"),
                    format!("must be at most {MAX_DESIRED}"),
                ));
            }
            let taskdef = match &a.task_definition {
                Some(name) => Some(TaskDefId(crate::service::resolve_taskdef(
                    &taskdefs,
                    name,
                    &services[si].capacity,
                    &format!("actions[{i}].task_definition"),
                )? as u32)),
                None => None,
            };
            if a.desired_count.is_none() && taskdef.is_none() {
                return Err(FieldError::new(
                    format!("actions[{i}]"),
                    "give desired_count, task_definition or both",
                ));
            }
            actions.push(Action {
                at: a.at,
                service: crate::units::ServiceId(si as u32),
                desired: a.desired_count,
                taskdef,
            });
        }

        let mut traffic = Vec::new();
        for (i, t) in spec.traffic.iter().enumerate() {
            let p = format!("traffic[{i}]");
            let Some(si) = services.iter().position(|s: &Service| s.name == t.service) else {
                return Err(FieldError::new(
                    format!("{p}.service"),
                    format!("no service {:?} in this scenario", t.service),
                ));
            };
            if spec.traffic[..i].iter().any(|o| o.service == t.service) {
                return Err(FieldError::new(
                    format!("{p}.service"),
                    format!("service {:?} already has traffic", t.service),
                ));
            }
            let tr = t.validate(&p, si)?;
            let td = &taskdefs[services[si].taskdef.index()];
            if tr.classic
                && !td
                    .host_ports
                    .iter()
                    .any(|h| matches!(h, crate::taskdef::HostPortNeed::Static(_)))
            {
                return Err(FieldError::new(
                    format!("{p}.load_balancer"),
                    format!(
                        "a Classic Load Balancer sends to one fixed instance port, but task definition {} maps no static hostPort; set one, or use an application load balancer with dynamic ports",
                        td.family
                    ),
                ));
            }
            traffic.push(tr);
        }

        let mut auto_scaling = Vec::new();
        for (i, a) in spec.auto_scaling.iter().enumerate() {
            let p = format!("auto_scaling[{i}]");
            let Some(si) = services.iter().position(|s: &Service| s.name == a.service) else {
                return Err(FieldError::new(
                    format!("{p}.service"),
                    format!("no service {:?} in this scenario", a.service),
                ));
            };
            not_a_batch(&services[si], format!("{p}.service"))?;
            if spec.auto_scaling[..i]
                .iter()
                .any(|o| o.service == a.service)
            {
                return Err(FieldError::new(
                    format!("{p}.service"),
                    format!("service {:?} already has a scalable target", a.service),
                ));
            }
            let has_traffic = traffic.iter().any(|t| t.service == si);
            auto_scaling.push(a.validate(&p, si, has_traffic, MAX_DESIRED)?);
        }

        let group_names: Vec<&str> = groups.iter().map(|g| g.name.as_str()).collect();
        let service_names: Vec<&str> = services.iter().map(|s| s.name.as_str()).collect();
        let faults = spec
            .faults
            .iter()
            .enumerate()
            .map(|(i, f)| f.validate(&format!("faults[{i}]"), &group_names, &service_names))
            .collect::<Result<Vec<_>, _>>()?;

        for (i, o) in spec.objectives.iter().enumerate() {
            if o.metric.trim().is_empty() {
                return Err(FieldError::new(
                    format!("objectives[{i}].metric"),
                    "must not be empty",
                ));
            }
        }

        let canonical = serde_json::to_string(&spec).unwrap_or_default();
        let sc = Scenario {
            file: file.to_string(),
            hash: fnv1a(canonical.as_bytes()),
            spec,
            taskdefs,
            services,
            groups,
            images,
            taskdef_images,
            roles,
            actions,
            traffic,
            auto_scaling,
            faults,
            providers,
        };
        Ok(sc)
    }
}

/// The run's own settings: name, duration, sampling, cluster name and the model's knobs.
fn check_run_settings(spec: &ScenarioSpec) -> Result<(), FieldError> {
    if spec.name.trim().is_empty() {
        return Err(FieldError::new("name", "must not be empty"));
    }
    if spec.duration.is_zero() || spec.duration > MAX_DURATION {
        return Err(FieldError::new(
            "duration",
            format!("{} is outside 1ns..=400 days", spec.duration),
        ));
    }
    if spec.sample_step.is_zero() {
        return Err(FieldError::new("sample_step", "must be positive"));
    }
    if spec.duration.0 / spec.sample_step.0 > MAX_SAMPLES {
        return Err(FieldError::new(
            "sample_step",
            format!(
                "{} gives more than {MAX_SAMPLES} samples over {}",
                spec.sample_step, spec.duration
            ),
        ));
    }
    if spec.cluster.name.trim().is_empty() {
        return Err(FieldError::new("cluster.name", "must not be empty"));
    }
    let m = &spec.model;
    for (f, d) in [
        ("model.boot_time", &m.boot_time),
        ("model.asg_scale_out_delay", &m.asg_scale_out_delay),
        ("model.container_start", &m.container_start),
        ("model.container_exit", &m.container_exit),
        ("model.eni_attach", &m.eni_attach),
    ] {
        d.validate().map_err(|msg| FieldError::new(f, msg))?;
    }
    for (f, d) in [
        ("model.manifest_fetch", &m.manifest_fetch),
        ("model.auth_token_fetch", &m.auth_token_fetch),
    ] {
        d.validate().map_err(|msg| FieldError::new(f, msg))?;
    }
    m.fargate
        .validate()
        .map_err(|(f, msg)| FieldError::new(f, msg))?;
    m.alb.validate()?;
    if !(0.0..=100.0).contains(&m.ec2_spot_discount_pct) {
        return Err(FieldError::new(
            "model.ec2_spot_discount_pct",
            "must be in 0..=100",
        ));
    }
    if !(1..=64).contains(&m.concurrent_layer_downloads) {
        return Err(FieldError::new(
            "model.concurrent_layer_downloads",
            "must be 1..=64",
        ));
    }
    for (f, v) in [
        ("model.registry_mb_per_s", m.registry_mb_per_s),
        ("model.default_image_mib", m.default_image_mib),
        ("model.extract_mb_per_s", m.extract_mb_per_s),
    ] {
        if !(v.is_finite() && v > 0.0) {
            return Err(FieldError::new(f, format!("{v} must be a positive number")));
        }
    }
    if !(m.os_memory_overhead_pct.is_finite() && (0.0..100.0).contains(&m.os_memory_overhead_pct)) {
        return Err(FieldError::new(
            "model.os_memory_overhead_pct",
            "must be in 0..100",
        ));
    }
    Ok(())
}

/// The built-in catalogue with the scenario's own instance types added.
fn instance_types(spec: &ScenarioSpec) -> Result<BTreeMap<String, InstanceType>, FieldError> {
    let mut types: BTreeMap<String, InstanceType> = catalog::builtin()
        .into_iter()
        .map(|(n, t)| (n.to_string(), t))
        .collect();
    for (name, t) in &spec.instance_types {
        let p = |f: &str| format!("instance_types.{name}.{f}");
        if t.vcpu == 0 || t.vcpu > 1024 {
            return Err(FieldError::new(p("vcpu"), "must be 1..=1024"));
        }
        if t.memory_mib < 512 {
            return Err(FieldError::new(p("memory_mib"), "must be at least 512"));
        }
        if !(t.network_gbps.is_finite() && t.network_gbps > 0.0) {
            return Err(FieldError::new(p("network_gbps"), "must be positive"));
        }
        if !(t.price_per_hour.is_finite() && t.price_per_hour >= 0.0) {
            return Err(FieldError::new(p("price_per_hour"), "must be zero or more"));
        }
        types.insert(name.clone(), t.clone());
    }
    Ok(types)
}

/// The instance groups: types (and a mixed instances policy), Auto Scaling bounds, zones,
/// `ecs.config`, role, Spot. Their cached images are filled in once the images are known.
fn instance_groups(
    spec: &ScenarioSpec,
    types: &BTreeMap<String, InstanceType>,
    roles: &Roles,
) -> Result<Vec<InstanceGroup>, FieldError> {
    let mut groups = Vec::new();
    let mut total = 0u32;
    for (i, g) in spec.instance_groups.iter().enumerate() {
        let p = |f: &str| format!("instance_groups[{i}].{f}");
        if g.name.trim().is_empty() {
            return Err(FieldError::new(p("name"), "must not be empty"));
        }
        if spec.instance_groups[..i].iter().any(|o| o.name == g.name) {
            return Err(FieldError::new(
                p("name"),
                format!("{:?} names two groups", g.name),
            ));
        }
        // The group's type, then its mixed instances policy's others.
        let mut group_types: Vec<(String, InstanceType)> = Vec::new();
        let named = std::iter::once((g.instance_type.clone(), p("instance_type"))).chain(
            g.mixed_instance_types
                .iter()
                .enumerate()
                .map(|(j, n)| (n.clone(), p(&format!("mixed_instance_types[{j}]")))),
        );
        for (name, path) in named {
            let Some(t) = types.get(&name) else {
                let known: Vec<&str> = types.keys().map(String::as_str).collect();
                return Err(FieldError::new(
                    path,
                    format!(
                        "unknown instance type {name:?}; known: {}",
                        known.join(", ")
                    ),
                ));
            };
            if group_types.iter().any(|(n, _)| *n == name) {
                return Err(FieldError::new(path, format!("{name} is listed twice")));
            }
            if g.eni_trunking && t.trunk_tasks.is_none() {
                // The group's own type: the trunking flag is what to change.
                let path = if group_types.is_empty() {
                    p("eni_trunking")
                } else {
                    path
                };
                return Err(FieldError::new(
                    path,
                    format!(
                        "{name} does not support ENI trunking (eni_trunking = true; docs/ecs-facts.md §2 \"Trunking task limits\" lists m5, c5 and m6g types, not t3)"
                    ),
                ));
            }
            group_types.push((name, t.clone()));
        }
        let min_size = g.min_size.unwrap_or(0).min(g.count);
        let max_size = g.max_size.unwrap_or(g.count);
        if let Some(min) = g.min_size.filter(|&m| m > g.count) {
            return Err(FieldError::new(
                p("min_size"),
                format!(
                    "{min} is above count ({}), the initial desired capacity",
                    g.count
                ),
            ));
        }
        if max_size < g.count {
            return Err(FieldError::new(
                p("max_size"),
                format!(
                    "{max_size} is below count ({}), the initial desired capacity",
                    g.count
                ),
            ));
        }
        if g.min_size.is_some() && g.max_size.is_none() {
            return Err(FieldError::new(
                p("max_size"),
                "an Auto Scaling group needs max_size as well as min_size",
            ));
        }
        total = total.saturating_add(max_size);
        if total > MAX_INSTANCES {
            return Err(FieldError::new(
                p(if g.max_size.is_some() {
                    "max_size"
                } else {
                    "count"
                }),
                format!("more than {MAX_INSTANCES} instances in all"),
            ));
        }
        if g.availability_zones.is_empty()
            || g.availability_zones.iter().any(|z| z.trim().is_empty())
        {
            return Err(FieldError::new(
                p("availability_zones"),
                "needs at least one non-empty zone",
            ));
        }
        let agent = AgentConfig::parse_with(&g.ecs_config, g.agent_defaults).map_err(|e| {
            FieldError::new(
                p("ecs_config"),
                format!("line {} of ecs.config: {}", e.line, e.message),
            )
        })?;
        let iam_role = match &g.iam_role {
            Some(r) => Some(roles.resolve(r, &p("iam_role"))?),
            None => None,
        };
        let spot = g.spot.unwrap_or(!g.spot_interruptions.is_empty());
        if !spot && !g.spot_interruptions.is_empty() {
            return Err(FieldError::new(
                p("spot_interruptions"),
                "only Spot instances are interrupted: remove spot = false, or the interruptions",
            ));
        }
        if spot {
            for (_, t) in &mut group_types {
                t.price_per_hour *= 1.0 - spec.model.ec2_spot_discount_pct / 100.0;
            }
        }
        groups.push(InstanceGroup {
            name: g.name.clone(),
            types: group_types,
            agent,
            count: g.count,
            asg: g.max_size.is_some(),
            min_size,
            max_size,
            availability_zones: g.availability_zones.clone(),
            launch_at: g.launch_at,
            iam_role,
            cached_images: Vec::new(),
            eni_trunking: g.eni_trunking,
            spot_interruptions: g.spot_interruptions.clone(),
        });
    }
    Ok(groups)
}

/// The task definitions, each checked, with the roles they name, and no revision twice.
fn task_definitions(spec: &ScenarioSpec, roles: &Roles) -> Result<Vec<TaskDefinition>, FieldError> {
    let mut taskdefs = Vec::new();
    for (i, td) in spec.task_definitions.iter().enumerate() {
        let p = format!("task_definitions[{i}]");
        let t = td.validate(&p)?;
        for (f, r) in [
            ("executionRoleArn", &td.execution_role_arn),
            ("taskRoleArn", &td.task_role_arn),
        ] {
            if let Some(r) = r.as_deref().filter(|r| !r.is_empty()) {
                roles.resolve(r, &format!("{p}.{f}"))?;
            }
        }
        if taskdefs
            .iter()
            .any(|o: &TaskDefinition| o.family == t.family && o.revision == t.revision)
        {
            return Err(FieldError::new(
                format!("{p}.family"),
                format!("{}:{} is defined twice", t.family, t.revision),
            ));
        }
        taskdefs.push(t);
    }
    Ok(taskdefs)
}
