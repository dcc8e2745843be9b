//! Task definitions, read in the AWS API's own JSON shape (`aws ecs describe-task-definition`'s
//! whole answer or the `taskDefinition` object in it, a subset), so a user can paste theirs; AWS's fields the model does not
//! use (ARNs, `status`, `environment`, …) are accepted and reported as ignored, and any other key
//! is an error (`aws_shape`).
//!
//! What a task reserves on an instance follows ECS (docs/ecs-facts.md §4): task-level `cpu`/`memory` when
//! given, otherwise the sum over containers, where a container's memory is its `memoryReservation`
//! (soft limit) if set, else its `memory` (hard limit). A definition that requires `FARGATE`
//! compatibility is checked as RegisterTaskDefinition checks it: `awsvpc`, and a task size from
//! Fargate's table (`fargate::check_size`).

use crate::attributes::{log_driver_capability, TASK_ENI_CAPABILITY, TASK_IAM_ROLE_CAPABILITY};
use crate::aws_shape::{self, AwsShape};
use crate::container_health::{HealthCheck, HealthCheckSpec};
use crate::error::FieldError;
use crate::units::{CpuUnits, MiB, Port};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TaskDefinitionSpec {
    pub family: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revision: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub network_mode: Option<String>,
    #[serde(deserialize_with = "aws_shape::entries")]
    pub container_definitions: Vec<ContainerDefinitionSpec>,
    /// Task-level CPU: a number of units, or a string as the API returns it ("256", "1 vCPU").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cpu: Option<NumberOrText>,
    /// Task-level memory: MiB, or a string ("512", "2 GB").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub memory: Option<NumberOrText>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub requires_compatibilities: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub task_role_arn: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub execution_role_arn: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub placement_constraints: Vec<crate::placement::ConstraintSpec>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub runtime_platform: Option<RuntimePlatform>,
    /// AWS's fields given here that ecsim does not model.
    #[serde(skip)]
    pub ignored: Vec<String>,
}

impl AwsShape for TaskDefinitionSpec {
    const UNMODELLED: &'static [&'static str] = &[
        "taskDefinitionArn",
        "volumes",
        "status",
        "requiresAttributes",
        "compatibilities",
        "inferenceAccelerators",
        "pidMode",
        "ipcMode",
        "proxyConfiguration",
        "registeredAt",
        "deregisteredAt",
        "registeredBy",
        "ephemeralStorage",
        "enableFaultInjection",
        "tags",
    ];
    const WRAPPER: Option<&'static str> = Some("taskDefinition");
    fn ignored_mut(&mut self) -> &mut Vec<String> {
        &mut self.ignored
    }
}

/// `runtimePlatform`: the CPU architecture decides Fargate's price (x86 or ARM).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RuntimePlatform {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cpu_architecture: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub operating_system_family: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum NumberOrText {
    Number(f64),
    Text(String),
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ContainerDefinitionSpec {
    pub name: String,
    pub image: String,
    #[serde(default)]
    pub cpu: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub memory: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub memory_reservation: Option<u32>,
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "aws_shape::entries"
    )]
    pub port_mappings: Vec<PortMappingSpec>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub essential: Option<bool>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "aws_shape::entry"
    )]
    pub log_configuration: Option<LogConfiguration>,
    /// The container's health check (`container_health`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub health_check: Option<HealthCheckSpec>,
    #[serde(skip)]
    pub ignored: Vec<String>,
}

impl AwsShape for ContainerDefinitionSpec {
    const UNMODELLED: &'static [&'static str] = &[
        "repositoryCredentials",
        "links",
        "restartPolicy",
        "entryPoint",
        "command",
        "environment",
        "environmentFiles",
        "mountPoints",
        "volumesFrom",
        "linuxParameters",
        "secrets",
        "dependsOn",
        "startTimeout",
        "stopTimeout",
        "versionConsistency",
        "hostname",
        "user",
        "workingDirectory",
        "disableNetworking",
        "privileged",
        "readonlyRootFilesystem",
        "dnsServers",
        "dnsSearchDomains",
        "extraHosts",
        "dockerSecurityOptions",
        "interactive",
        "pseudoTerminal",
        "dockerLabels",
        "ulimits",
        "systemControls",
        "resourceRequirements",
        "firelensConfiguration",
        "credentialSpecs",
    ];
    fn ignored_mut(&mut self) -> &mut Vec<String> {
        &mut self.ignored
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct LogConfiguration {
    pub log_driver: String,
    #[serde(skip)]
    pub ignored: Vec<String>,
}

impl AwsShape for LogConfiguration {
    const UNMODELLED: &'static [&'static str] = &["options", "secretOptions"];
    fn ignored_mut(&mut self) -> &mut Vec<String> {
        &mut self.ignored
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PortMappingSpec {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub container_port: Option<Port>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub host_port: Option<Port>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub protocol: Option<String>,
    #[serde(skip)]
    pub ignored: Vec<String>,
}

impl AwsShape for PortMappingSpec {
    const UNMODELLED: &'static [&'static str] = &["name", "appProtocol", "containerPortRange"];
    fn ignored_mut(&mut self) -> &mut Vec<String> {
        &mut self.ignored
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum NetworkMode {
    Bridge,
    Host,
    Awsvpc,
    None,
}

/// The host port a container port needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum HostPortNeed {
    /// `hostPort` 0 or absent in bridge mode: the agent gives the next free port of the range.
    Dynamic,
    /// A fixed host port: one such task per instance.
    Static(Port),
}

/// A validated task definition, reduced to what the model uses.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TaskDefinition {
    pub family: String,
    pub revision: u32,
    pub network_mode: NetworkMode,
    pub cpu: CpuUnits,
    /// Task-level `cpu`, when set: a hard cap on the CPU the task may use (cgroup quota).
    pub cpu_limit: Option<CpuUnits>,
    pub memory: MiB,
    /// Task-level `memory`, when set: a hard cap on what the task's containers use together.
    pub memory_limit: Option<MiB>,
    pub containers: Vec<Container>,
    /// Host ports the task needs, in container order.
    pub host_ports: Vec<HostPortNeed>,
    /// Container ports, in order (an `awsvpc` task's target is its IP and the first of these).
    pub container_ports: Vec<Port>,
    pub constraints: Vec<crate::placement::Constraint>,
    /// Instance attributes the task needs, as ECS derives `requiresAttributes`: a capability per
    /// log driver used, task IAM roles when a `taskRoleArn` is set, task ENIs for `awsvpc`.
    pub requires: Vec<String>,
    /// `requiresCompatibilities` includes `FARGATE` (and the definition passed Fargate's checks).
    pub fargate: bool,
    /// `runtimePlatform.cpuArchitecture` is `ARM64`.
    pub arm64: bool,
    /// The role names of `executionRoleArn` and `taskRoleArn`.
    pub execution_role: Option<String>,
    pub task_role: Option<String>,
    /// Whether a container logs with `awslogs` (its role must allow the log actions).
    pub uses_awslogs: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Container {
    pub name: String,
    pub image: String,
    pub essential: bool,
    /// Its `healthCheck`, when it has one.
    pub health_check: Option<HealthCheck>,
    /// Its hard limit (`memory`): over it the container is killed.
    pub memory_limit: Option<MiB>,
    /// What it reserves: `memoryReservation`, else `memory` (0 with only task-level memory).
    pub reservation: MiB,
    /// What the application in it does (`[[applications]]`; the defaults when none names it).
    pub app: crate::application::App,
}

/// Whether a revision of `family` has an application whose memory use is modelled: a service of
/// that family then reports its memory and may scale on it.
pub fn family_models_memory(taskdefs: &[TaskDefinition], family: &str) -> bool {
    taskdefs
        .iter()
        .filter(|td| td.family == family)
        .any(|td| td.containers.iter().any(|c| c.app.memory.is_some()))
}

impl TaskDefinition {
    /// Whether its health rests on container health checks: an essential container has one.
    pub fn health_checked(&self) -> bool {
        self.containers
            .iter()
            .any(|c| c.essential && c.health_check.is_some())
    }
}

/// Parses task-level CPU as the API accepts it: units ("256"), or vCPUs ("0.25 vCPU", "1 vcpu").
fn parse_cpu(v: &NumberOrText) -> Result<u32, String> {
    let (num, vcpu) = match v {
        NumberOrText::Number(n) => (*n, false),
        NumberOrText::Text(t) => {
            let lower = t.trim().to_ascii_lowercase();
            match lower.strip_suffix("vcpu") {
                Some(n) => (n.trim().parse::<f64>().map_err(|_| bad_cpu(t))?, true),
                None => (lower.parse::<f64>().map_err(|_| bad_cpu(t))?, false),
            }
        }
    };
    let units = if vcpu { num * 1024.0 } else { num };
    if !(units.is_finite() && units >= 0.0 && units.fract() == 0.0 && units <= u32::MAX as f64) {
        return Err(format!("{units} is not a whole number of CPU units"));
    }
    Ok(units as u32)
}

fn bad_cpu(t: &str) -> String {
    format!("{t:?} is not a CPU size; write units (\"256\") or vCPUs (\"0.25 vCPU\")")
}

/// Parses task-level memory: MiB ("512") or GB ("2 GB", where 1 GB = 1024 MiB as in the API).
fn parse_memory(v: &NumberOrText) -> Result<u32, String> {
    let mib = match v {
        NumberOrText::Number(n) => *n,
        NumberOrText::Text(t) => {
            let lower = t.trim().to_ascii_lowercase();
            let bad =
                || format!("{t:?} is not a memory size; write MiB (\"512\") or GB (\"2 GB\")");
            match lower.strip_suffix("gb") {
                Some(n) => n.trim().parse::<f64>().map_err(|_| bad())? * 1024.0,
                None => lower
                    .strip_suffix("mib")
                    .or(lower.strip_suffix("mb"))
                    .unwrap_or(&lower)
                    .trim()
                    .parse::<f64>()
                    .map_err(|_| bad())?,
            }
        }
    };
    if !(mib.is_finite() && mib >= 0.0 && mib.fract() == 0.0 && mib <= u32::MAX as f64) {
        return Err(format!("{mib} is not a whole number of MiB"));
    }
    Ok(mib as u32)
}

impl TaskDefinitionSpec {
    /// Checks the definition as ECS's RegisterTaskDefinition would, and reduces it. `path` is where
    /// the definition sits in the scenario, for error messages.
    pub fn validate(&self, path: &str) -> Result<TaskDefinition, FieldError> {
        let at = |f: &str| format!("{path}.{f}");
        if self.family.trim().is_empty() {
            return Err(FieldError::new(at("family"), "must not be empty"));
        }
        let network_mode = match self.network_mode.as_deref().unwrap_or("bridge") {
            "bridge" => NetworkMode::Bridge,
            "host" => NetworkMode::Host,
            "awsvpc" => NetworkMode::Awsvpc,
            "none" => NetworkMode::None,
            other => {
                return Err(FieldError::new(
                    at("networkMode"),
                    format!("{other:?} is not a network mode; use bridge, host, awsvpc or none"),
                ))
            }
        };
        if self.container_definitions.is_empty() {
            return Err(FieldError::new(
                at("containerDefinitions"),
                "needs at least one container",
            ));
        }
        let task_cpu = match &self.cpu {
            Some(v) => {
                let u = parse_cpu(v).map_err(|m| FieldError::new(at("cpu"), m))?;
                // docs/ecs-facts.md §4 "Task-level CPU on EC2": 128 to 10240 units; Fargate goes to
                // 16 vCPU (§8).
                let max = if self.wants_fargate() { 16384 } else { 10240 };
                if !(128..=max).contains(&u) {
                    return Err(FieldError::new(
                        at("cpu"),
                        format!("{u} CPU units is outside ECS's 128..={max} for a task"),
                    ));
                }
                Some(u)
            }
            None => None,
        };
        let task_mem = match &self.memory {
            Some(v) => Some(parse_memory(v).map_err(|m| FieldError::new(at("memory"), m))?),
            None => None,
        };

        let mut containers = Vec::new();
        let mut host_ports = Vec::new();
        let mut container_ports = Vec::new();
        let mut cpu_sum: u32 = 0;
        let mut mem_sum: u32 = 0;
        for (i, c) in self.container_definitions.iter().enumerate() {
            let cp = |f: &str| format!("{path}.containerDefinitions[{i}].{f}");
            if c.name.trim().is_empty() {
                return Err(FieldError::new(cp("name"), "must not be empty"));
            }
            if containers.iter().any(|x: &Container| x.name == c.name) {
                return Err(FieldError::new(
                    cp("name"),
                    format!("{:?} is used by two containers", c.name),
                ));
            }
            if c.image.trim().is_empty() {
                return Err(FieldError::new(cp("image"), "must not be empty"));
            }
            // docs/ecs-facts.md §4: the Docker minimum is 6 MiB; `memory` must exceed `memoryReservation`.
            for (f, v) in [
                ("memory", c.memory),
                ("memoryReservation", c.memory_reservation),
            ] {
                if let Some(m) = v {
                    if m < 6 {
                        return Err(FieldError::new(
                            cp(f),
                            format!("{m} MiB is below Docker's 6 MiB minimum"),
                        ));
                    }
                }
            }
            if let (Some(hard), Some(soft)) = (c.memory, c.memory_reservation) {
                if hard <= soft {
                    return Err(FieldError::new(
                        cp("memoryReservation"),
                        format!("{soft} MiB must be below the hard limit `memory` ({hard} MiB)"),
                    ));
                }
            }
            let reserve = c.memory_reservation.or(c.memory);
            if reserve.is_none() && task_mem.is_none() {
                return Err(FieldError::new(
                    cp("memory"),
                    "a container needs `memory` or `memoryReservation` when the task sets no memory",
                ));
            }
            mem_sum = mem_sum.saturating_add(reserve.unwrap_or(0));
            cpu_sum = cpu_sum.saturating_add(c.cpu);
            for (j, pm) in c.port_mappings.iter().enumerate() {
                let pp =
                    |f: &str| format!("{path}.containerDefinitions[{i}].portMappings[{j}].{f}");
                let Some(container_port) = pm.container_port.filter(|&p| p > 0) else {
                    return Err(FieldError::new(
                        pp("containerPort"),
                        "is required and must be 1..=65535",
                    ));
                };
                container_ports.push(container_port);
                let need = match (network_mode, pm.host_port) {
                    (NetworkMode::Bridge, None | Some(0)) => HostPortNeed::Dynamic,
                    (NetworkMode::Bridge, Some(h)) => HostPortNeed::Static(h),
                    (NetworkMode::Host, None) => HostPortNeed::Static(container_port),
                    (NetworkMode::Host, Some(h)) if h == container_port => HostPortNeed::Static(h),
                    (NetworkMode::Host, Some(h)) => {
                        return Err(FieldError::new(
                            pp("hostPort"),
                            format!("in host mode hostPort ({h}) must equal containerPort ({container_port})"),
                        ))
                    }
                    // awsvpc: the port is on the task's own ENI, not the host's.
                    (NetworkMode::Awsvpc, Some(h)) if h != 0 && h != container_port => {
                        return Err(FieldError::new(
                            pp("hostPort"),
                            format!("in awsvpc mode hostPort ({h}) must be absent or equal containerPort"),
                        ))
                    }
                    (NetworkMode::Awsvpc, _) => continue,
                    (NetworkMode::None, _) => {
                        return Err(FieldError::new(pp("containerPort"), "networkMode none has no port mappings"))
                    }
                };
                if let HostPortNeed::Static(p) = need {
                    if host_ports.contains(&need) {
                        return Err(FieldError::new(
                            pp("hostPort"),
                            format!("host port {p} is mapped twice"),
                        ));
                    }
                }
                host_ports.push(need);
            }
            let health_check = match &c.health_check {
                Some(h) => Some(h.validate(&cp("healthCheck"))?),
                None => None,
            };
            containers.push(Container {
                name: c.name.clone(),
                image: c.image.clone(),
                essential: c.essential.unwrap_or(true),
                health_check,
                memory_limit: c.memory.map(MiB),
                reservation: MiB(reserve.unwrap_or(0)),
                app: crate::application::App::default(),
            });
        }
        if !containers.iter().any(|c| c.essential) {
            return Err(FieldError::new(
                at("containerDefinitions"),
                "at least one container must be essential",
            ));
        }
        if let Some(tm) = task_mem {
            if mem_sum > tm {
                return Err(FieldError::new(
                    at("memory"),
                    format!("{tm} MiB is less than the containers' reservations ({mem_sum} MiB)"),
                ));
            }
        }
        let mut requires = Vec::new();
        for c in &self.container_definitions {
            if let Some(lc) = &c.log_configuration {
                let cap = log_driver_capability(&lc.log_driver);
                if !requires.contains(&cap) {
                    requires.push(cap);
                }
            }
        }
        if self.task_role_arn.as_deref().is_some_and(|r| !r.is_empty()) {
            requires.push(TASK_IAM_ROLE_CAPABILITY.to_string());
        }
        if network_mode == NetworkMode::Awsvpc {
            requires.push(TASK_ENI_CAPABILITY.to_string());
        }
        for (i, c) in self.requires_compatibilities.iter().enumerate() {
            if !matches!(
                c.as_str(),
                "EC2" | "FARGATE" | "EXTERNAL" | "MANAGED_INSTANCES"
            ) {
                return Err(FieldError::new(
                    at(&format!("requiresCompatibilities[{i}]")),
                    format!("{c:?} is not a launch type; use EC2, FARGATE or EXTERNAL"),
                ));
            }
        }
        let fargate = self.wants_fargate();
        if fargate {
            // docs/ecs-facts.md §2 "Network modes": Fargate supports awsvpc only.
            if network_mode != NetworkMode::Awsvpc {
                return Err(FieldError::new(
                    at("networkMode"),
                    "a FARGATE-compatible task definition must use networkMode \"awsvpc\" (Fargate supports awsvpc only)",
                ));
            }
            crate::fargate::check_size(task_cpu, task_mem)
                .map_err(|e| FieldError::new(at(e.field), e.message))?;
        }
        let arm64 = match self
            .runtime_platform
            .as_ref()
            .and_then(|r| r.cpu_architecture.as_deref())
        {
            None | Some("X86_64") => false,
            Some("ARM64") => true,
            Some(other) => {
                return Err(FieldError::new(
                    at("runtimePlatform.cpuArchitecture"),
                    format!("{other:?} is not an architecture; use X86_64 or ARM64"),
                ))
            }
        };
        let role = |r: &Option<String>| {
            r.as_deref()
                .filter(|r| !r.is_empty())
                .map(|r| crate::iam::role_name(r).to_string())
        };
        let uses_awslogs = self.container_definitions.iter().any(|c| {
            c.log_configuration
                .as_ref()
                .is_some_and(|l| l.log_driver == "awslogs")
        });
        let mut constraints = Vec::new();
        for (i, c) in self.placement_constraints.iter().enumerate() {
            constraints.push(c.validate(&format!("{path}.placementConstraints[{i}]"))?);
        }
        Ok(TaskDefinition {
            family: self.family.clone(),
            revision: self.revision.unwrap_or(1),
            network_mode,
            cpu: CpuUnits(task_cpu.unwrap_or(cpu_sum)),
            cpu_limit: task_cpu.map(CpuUnits),
            memory: MiB(task_mem.unwrap_or(mem_sum)),
            memory_limit: task_mem.map(MiB),
            containers,
            host_ports,
            container_ports,
            constraints,
            requires,
            fargate,
            arm64,
            execution_role: role(&self.execution_role_arn),
            task_role: role(&self.task_role_arn),
            uses_awslogs,
        })
    }

    fn wants_fargate(&self) -> bool {
        self.requires_compatibilities.iter().any(|c| c == "FARGATE")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(json: &str) -> TaskDefinitionSpec {
        aws_shape::read(&mut serde_json::Deserializer::from_str(json)).unwrap()
    }

    #[test]
    fn accepts_describe_task_definition_output() {
        // Trimmed from real `aws ecs describe-task-definition` output: ARNs, status and
        // requiresAttributes are ignored; cpu and memory are strings.
        let td = spec(
            r#"{"taskDefinitionArn":"arn:aws:ecs:us-east-1:123456789012:task-definition/web:3",
                "family":"web","revision":3,"status":"ACTIVE","networkMode":"bridge",
                "requiresAttributes":[{"name":"com.amazonaws.ecs.capability.docker-remote-api.1.21"}],
                "cpu":"512","memory":"1 GB",
                "containerDefinitions":[{"name":"web","image":"nginx:1.25","cpu":256,"memoryReservation":256,
                  "memory":512,"portMappings":[{"containerPort":80,"hostPort":0,"protocol":"tcp"}],"essential":true}]}"#,
        )
        .validate("task_definitions[0]")
        .unwrap();
        assert_eq!(td.revision, 3);
        assert_eq!(td.cpu, CpuUnits(512));
        assert_eq!(td.memory, MiB(1024));
        assert_eq!(td.host_ports, vec![HostPortNeed::Dynamic]);
    }

    #[test]
    fn reservation_sums_containers_using_the_soft_limit() {
        let td = spec(
            r#"{"family":"a","containerDefinitions":[
                {"name":"x","image":"i","cpu":100,"memory":300,"memoryReservation":200},
                {"name":"y","image":"i","cpu":50,"memory":128,"portMappings":[{"containerPort":8080,"hostPort":80}]}]}"#,
        )
        .validate("t")
        .unwrap();
        assert_eq!(td.cpu, CpuUnits(150));
        assert_eq!(td.memory, MiB(328));
        assert_eq!(td.host_ports, vec![HostPortNeed::Static(80)]);
    }

    #[test]
    fn errors_name_the_field() {
        let e = spec(r#"{"family":"a","containerDefinitions":[{"name":"x","image":"i"}]}"#)
            .validate("task_definitions[2]")
            .unwrap_err();
        assert_eq!(e.path, "task_definitions[2].containerDefinitions[0].memory");
        let e = spec(r#"{"family":"a","networkMode":"host","containerDefinitions":[{"name":"x","image":"i","memory":64,
            "portMappings":[{"containerPort":80,"hostPort":81}]}]}"#)
            .validate("t")
            .unwrap_err();
        assert_eq!(e.path, "t.containerDefinitions[0].portMappings[0].hostPort");
        let e = spec(r#"{"family":"a","cpu":"lots","containerDefinitions":[{"name":"x","image":"i","memory":64}]}"#)
            .validate("t")
            .unwrap_err();
        assert_eq!(e.path, "t.cpu");
    }
}
