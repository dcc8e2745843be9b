//! EC2 container instances: launched, booted, registered by the ECS agent, holding tasks.
//!
//! Registration follows the agent (docs/ecs-facts.md §3): registered CPU = vCPUs × 1024 units; registered
//! memory = the memory the OS reports (below nominal; docs/ecs-facts.md "Conflicts" #5, e.g. 7985 of
//! 8192 MiB on an m4.large, ≈2.5 % less) minus `ECS_RESERVED_MEMORY`. An agent whose
//! `ECS_CLUSTER` names another cluster registers there, so it never joins this one.

use crate::agent_config::AgentConfig;
use crate::catalog::InstanceType;
use crate::ports::HostPorts;
use crate::time::SimTime;
use crate::units::{CpuUnits, HostId, MiB, ServiceId, TaskId};
use serde::Serialize;
use std::collections::BTreeMap;

/// Where an instance is in its life.
/// An instance group's zones, and a Fargate service's, unless the scenario gives them.
pub(crate) fn default_azs() -> Vec<String> {
    ["us-east-1a", "us-east-1b", "us-east-1c"]
        .map(String::from)
        .to_vec()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum InstanceState {
    /// An Auto Scaling group's slot above its desired capacity: no instance, no bill.
    NotLaunched,
    /// Launched; booting; the agent has not registered yet.
    Pending,
    /// Registered and taking tasks.
    Active,
    /// Booted, but its agent joined another cluster (`ECS_CLUSTER` mismatch).
    NeverJoined,
    /// No new placements; its service tasks are being replaced (docs/ecs-facts.md §1 "DRAINING
    /// behaviour").
    Draining,
    /// Gone (a Spot interruption, a fault, a scale-in): no tasks, no bill. An Auto Scaling
    /// group may launch a new instance in its slot.
    Terminated,
}

#[derive(Debug, Clone)]
pub struct Instance {
    pub id: HostId,
    pub group: usize,
    pub type_name: String,
    pub spec: InstanceType,
    pub agent: AgentConfig,
    pub state: InstanceState,
    pub launched_at: SimTime,
    pub registered_at: Option<SimTime>,
    pub terminated_at: Option<SimTime>,
    /// Instances launched in this slot so far; events about an earlier one carry its number and
    /// are void.
    pub life: u32,
    /// The bills of the slot's earlier instances.
    pub past_cost: f64,
    /// Of `past_cost`, the surplus CPU credits of a burstable type (`cost`).
    pub past_credit_cost: f64,
    /// When EC2 gave its Spot interruption notice.
    pub noticed_at: Option<SimTime>,
    pub registered_cpu: CpuUnits,
    pub registered_memory: MiB,
    pub reserved_cpu: CpuUnits,
    pub reserved_memory: MiB,
    pub enis_used: u32,
    /// awsvpc tasks it can hold: its ENIs less the primary (docs/ecs-facts.md §2 "awsvpc ENI budget"),
    /// or the trunking limit when launched with `awsvpcTrunking` (§2 "Trunking task limits").
    pub eni_budget: u32,
    pub ports: HostPorts,
    pub attributes: BTreeMap<String, String>,
    pub tasks: Vec<TaskId>,
    /// Tasks per service on this instance, indexed by service.
    service_tasks: Vec<u32>,
}

impl Instance {
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        id: HostId,
        group: usize,
        type_name: &str,
        spec: InstanceType,
        agent: AgentConfig,
        os_memory_overhead_pct: f64,
        availability_zone: &str,
        services: usize,
        launched_at: SimTime,
        eni_trunking: bool,
    ) -> Self {
        let nominal = spec.memory_mib as f64;
        let os_mib = spec
            .registered_memory_mib
            .unwrap_or_else(|| (nominal * (1.0 - os_memory_overhead_pct / 100.0)).floor() as u32);
        let registered_memory = MiB(os_mib) - agent.reserved_memory;
        let mut attributes = BTreeMap::new();
        attributes.insert("ecs.instance-type".into(), type_name.to_string());
        attributes.insert(
            "ecs.availability-zone".into(),
            availability_zone.to_string(),
        );
        attributes.insert("ecs.cpu-architecture".into(), spec.architecture.clone());
        attributes.insert("ecs.os-type".into(), "linux".into());
        // Capabilities the agent advertises from its configuration (docs/ecs-facts.md §3, §10).
        for d in &agent.available_logging_drivers {
            attributes.insert(crate::attributes::log_driver_capability(d), String::new());
        }
        if agent.enable_task_eni {
            attributes.insert(crate::attributes::TASK_ENI_CAPABILITY.into(), String::new());
        }
        if agent.enable_task_iam_role {
            attributes.insert(
                crate::attributes::TASK_IAM_ROLE_CAPABILITY.into(),
                String::new(),
            );
        }
        for (k, v) in &agent.instance_attributes {
            attributes.insert(k.clone(), v.clone());
        }
        let eni_budget = match (eni_trunking, spec.trunk_tasks) {
            (true, Some(n)) => n,
            _ => spec.enis.saturating_sub(1),
        };
        Instance {
            id,
            eni_budget,
            group,
            type_name: type_name.to_string(),
            registered_cpu: CpuUnits(spec.vcpu * 1024),
            registered_memory,
            ports: HostPorts::new(agent.dynamic_port_range, &agent.reserved_ports),
            spec,
            agent,
            state: InstanceState::Pending,
            launched_at,
            registered_at: None,
            terminated_at: None,
            life: 1,
            past_cost: 0.0,
            past_credit_cost: 0.0,
            noticed_at: None,
            reserved_cpu: CpuUnits(0),
            reserved_memory: MiB(0),
            enis_used: 0,
            attributes,
            tasks: Vec::new(),
            service_tasks: vec![0; services],
        }
    }

    pub fn is_active(&self) -> bool {
        self.state == InstanceState::Active
    }

    /// Launched and not terminated (booting, registered, draining or never joined): what an
    /// Auto Scaling group counts as in service.
    pub fn in_service(&self) -> bool {
        !matches!(
            self.state,
            InstanceState::NotLaunched | InstanceState::Terminated
        )
    }

    /// An Auto Scaling group's slot, left empty until the group launches into it.
    pub fn not_launched(mut self) -> Self {
        self.state = InstanceState::NotLaunched;
        self.life = 0;
        self
    }

    /// Instances launched in this slot.
    pub fn launches(&self) -> u32 {
        self.life
    }

    /// The slot's bill in USD up to `now`: per second from launch to termination, with a
    /// 60-second minimum (`cost`), over every instance launched in it.
    pub fn bill(&self, now: SimTime) -> f64 {
        let current = if self.state == InstanceState::NotLaunched || self.launched_at > now {
            0.0
        } else {
            crate::cost::ec2_instance_cost(
                self.spec.price_per_hour,
                self.launched_at,
                self.terminated_at.map_or(now, |t| t.min(now)),
            )
        };
        self.past_cost + current
    }

    pub fn cpu_free(&self) -> CpuUnits {
        self.registered_cpu - self.reserved_cpu
    }

    pub fn memory_free(&self) -> MiB {
        self.registered_memory - self.reserved_memory
    }

    /// ENIs left for `awsvpc` tasks: the instance's ENIs less the primary one (docs/ecs-facts.md §2
    /// "awsvpc ENI budget").
    pub fn enis_free(&self) -> u32 {
        self.eni_budget.saturating_sub(self.enis_used)
    }

    pub fn tasks_of(&self, s: ServiceId) -> u32 {
        self.service_tasks.get(s.index()).copied().unwrap_or(0)
    }

    pub fn add_task(&mut self, t: TaskId, s: ServiceId) {
        self.tasks.push(t);
        self.service_tasks[s.index()] += 1;
    }

    pub fn remove_task(&mut self, t: TaskId, s: ServiceId) {
        self.tasks.retain(|&x| x != t);
        self.service_tasks[s.index()] -= 1;
    }
}
