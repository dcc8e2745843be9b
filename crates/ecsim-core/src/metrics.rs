//! What a run reports: time series sampled at a fixed step, and the summary.
//!
//! Reservation follows ECS's CloudWatch metrics (docs/ecs-facts.md §4 "Cluster reservation metrics"):
//! CPUReservation = CPU units reserved by tasks ÷ CPU units registered × 100, over the registered
//! (ACTIVE) instances; memory likewise. Field names of the summary are a contract (issue #2): later
//! work adds fields but renames none.

use crate::task::TaskState;
use serde::Serialize;
use std::collections::BTreeMap;

/// Samples in columns, one entry per sampling instant.
#[derive(Debug, Clone, Default, Serialize)]
pub struct TimeSeries {
    pub t_s: Vec<f64>,
    pub instances_active: Vec<u32>,
    pub cpu_reserved_pct: Vec<f64>,
    pub mem_reserved_pct: Vec<f64>,
    pub dynamic_ports_in_use: Vec<u32>,
    /// Tasks by lifecycle state, keyed by the state's ECS name.
    pub tasks: BTreeMap<&'static str, Vec<u32>>,
    pub cost_usd: Vec<f64>,
    /// CPU used by requests, % of the registered instances' vCPUs, over the window ending here.
    pub cpu_used_pct: Vec<f64>,
    pub hosts: Vec<HostSeries>,
    /// One per service that receives traffic.
    pub services: Vec<ServiceSeries>,
    /// Desired and running tasks of every service (auto scaling and deployments move them).
    pub service_tasks: Vec<ServiceTasksSeries>,
    /// Each EC2 capacity provider's group and reservation.
    pub capacity_providers: Vec<ProviderSeries>,
}

/// An EC2 capacity provider's Auto Scaling group, per sample.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ProviderSeries {
    pub name: String,
    /// Instances launched and not terminated (booting ones included).
    pub instances: Vec<u32>,
    /// The group's desired capacity.
    pub desired: Vec<u32>,
    /// The last `CapacityProviderReservation` (%), 0 before the first minute.
    pub reservation_pct: Vec<f64>,
}

/// Desired and running tasks of one service, per sample.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ServiceTasksSeries {
    pub name: String,
    pub desired: Vec<u32>,
    pub running: Vec<u32>,
    /// `ECSServiceAverageMemoryUtilization` (%), 0 when no task runs or memory use is not
    /// modelled.
    pub memory_used_pct: Vec<f64>,
}

/// Request metrics of one service, per sampling window.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ServiceSeries {
    pub name: String,
    pub requests_per_s: Vec<f64>,
    /// Requests failed per second over the window (503s and requests lost with their task).
    pub failed_per_s: Vec<f64>,
    pub latency_p50_ms: Vec<f64>,
    pub latency_p99_ms: Vec<f64>,
    pub healthy_targets: Vec<u32>,
    pub in_system: Vec<u64>,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct HostSeries {
    pub id: String,
    pub cpu_reserved_pct: Vec<f64>,
    pub mem_reserved_pct: Vec<f64>,
    pub dynamic_ports_in_use: Vec<u32>,
    pub cpu_used_pct: Vec<f64>,
}

/// The most samples a series reserves up front.
pub const RESERVED_SAMPLES: usize = 8192;

impl TimeSeries {
    /// Series for these hosts, with room for `samples` samples (at most `RESERVED_SAMPLES`)
    /// reserved up front, so a short run's sampling allocates nothing; a long one's series grow
    /// as it goes, so its memory is taken as it is used, never all at the start
    /// (`scenario` refuses a run whose series would not fit: `MAX_SERIES_VALUES`).
    pub fn new(
        host_ids: Vec<String>,
        service_names: Vec<String>,
        all_services: Vec<String>,
        samples: usize,
    ) -> Self {
        let samples = samples.min(RESERVED_SAMPLES);
        fn v<T>(n: usize) -> Vec<T> {
            Vec::with_capacity(n)
        }
        TimeSeries {
            t_s: v(samples),
            instances_active: v(samples),
            cpu_reserved_pct: v(samples),
            mem_reserved_pct: v(samples),
            dynamic_ports_in_use: v(samples),
            cost_usd: v(samples),
            cpu_used_pct: v(samples),
            tasks: TaskState::ALL
                .iter()
                .map(|s| (s.name(), v(samples)))
                .collect(),
            hosts: host_ids
                .into_iter()
                .map(|id| HostSeries {
                    id,
                    cpu_reserved_pct: v(samples),
                    mem_reserved_pct: v(samples),
                    dynamic_ports_in_use: v(samples),
                    cpu_used_pct: v(samples),
                })
                .collect(),
            services: service_names
                .into_iter()
                .map(|name| ServiceSeries {
                    name,
                    requests_per_s: v(samples),
                    failed_per_s: v(samples),
                    latency_p50_ms: v(samples),
                    latency_p99_ms: v(samples),
                    healthy_targets: v(samples),
                    in_system: v(samples),
                })
                .collect(),
            service_tasks: all_services
                .into_iter()
                .map(|name| ServiceTasksSeries {
                    name,
                    desired: v(samples),
                    running: v(samples),
                    memory_used_pct: v(samples),
                })
                .collect(),
            capacity_providers: Vec::new(),
        }
    }

    pub fn len(&self) -> usize {
        self.t_s.len()
    }

    pub fn is_empty(&self) -> bool {
        self.t_s.is_empty()
    }

    /// One row per sample: cluster columns, tasks by state, then per-host columns. Written with
    /// the `csv` crate, so a name holding a comma or a quote is quoted in the header and every
    /// row has the header's columns.
    pub fn to_csv(&self) -> String {
        let mut head: Vec<String> = [
            "t_s",
            "instances_active",
            "cpu_reserved_pct",
            "mem_reserved_pct",
            "dynamic_ports_in_use",
            "cost_usd",
            "cpu_used_pct",
        ]
        .map(String::from)
        .into();
        let columns = |name: &str, what: &[&str]| -> Vec<String> {
            what.iter().map(|w| format!("{name}.{w}")).collect()
        };
        for s in TaskState::ALL {
            head.push(format!("tasks_{}", s.name().to_ascii_lowercase()));
        }
        for h in &self.hosts {
            head.extend(columns(
                &h.id.to_string(),
                &[
                    "cpu_reserved_pct",
                    "mem_reserved_pct",
                    "dynamic_ports_in_use",
                    "cpu_used_pct",
                ],
            ));
        }
        for v in &self.services {
            head.extend(columns(
                &v.name,
                &[
                    "requests_per_s",
                    "failed_per_s",
                    "latency_p50_ms",
                    "latency_p99_ms",
                    "healthy_targets",
                    "in_system",
                ],
            ));
        }
        for v in &self.service_tasks {
            head.extend(columns(&v.name, &["desired", "running", "memory_used_pct"]));
        }
        for v in &self.capacity_providers {
            head.extend(columns(
                &v.name,
                &["instances", "desired_capacity", "reservation_pct"],
            ));
        }
        csv_text(|w| {
            let _ = w.write_record(&head);
            for i in 0..self.len() {
                let mut row = vec![
                    self.t_s[i].to_string(),
                    self.instances_active[i].to_string(),
                    format!("{:.4}", self.cpu_reserved_pct[i]),
                    format!("{:.4}", self.mem_reserved_pct[i]),
                    self.dynamic_ports_in_use[i].to_string(),
                    format!("{:.6}", self.cost_usd[i]),
                    format!("{:.4}", self.cpu_used_pct[i]),
                ];
                for s in TaskState::ALL {
                    row.push(self.tasks[s.name()][i].to_string());
                }
                for h in &self.hosts {
                    row.extend([
                        format!("{:.4}", h.cpu_reserved_pct[i]),
                        format!("{:.4}", h.mem_reserved_pct[i]),
                        h.dynamic_ports_in_use[i].to_string(),
                        format!("{:.4}", h.cpu_used_pct[i]),
                    ]);
                }
                for v in &self.services {
                    row.extend([
                        format!("{:.3}", v.requests_per_s[i]),
                        format!("{:.3}", v.failed_per_s[i]),
                        format!("{:.3}", v.latency_p50_ms[i]),
                        format!("{:.3}", v.latency_p99_ms[i]),
                        v.healthy_targets[i].to_string(),
                        v.in_system[i].to_string(),
                    ]);
                }
                for v in &self.service_tasks {
                    row.extend([
                        v.desired[i].to_string(),
                        v.running[i].to_string(),
                        format!("{:.4}", v.memory_used_pct[i]),
                    ]);
                }
                for v in &self.capacity_providers {
                    row.extend([
                        v.instances[i].to_string(),
                        v.desired[i].to_string(),
                        format!("{:.1}", v.reservation_pct[i]),
                    ]);
                }
                let _ = w.write_record(&row);
            }
        })
    }
}

/// A CSV file's text, its records written by `write` with the `csv` crate (quoting any field
/// that needs it). Writing to memory fails only on a bug; an empty file would say so.
pub fn csv_text(write: impl FnOnce(&mut csv::Writer<Vec<u8>>)) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    write(&mut w);
    w.into_inner()
        .ok()
        .and_then(|b| String::from_utf8(b).ok())
        .unwrap_or_default()
}

/// Mean and peak of a sampled quantity.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Stat {
    pub mean: f64,
    pub peak: f64,
}

impl Stat {
    pub fn of(values: &[f64]) -> Stat {
        if values.is_empty() {
            return Stat::default();
        }
        Stat {
            mean: values.iter().sum::<f64>() / values.len() as f64,
            peak: values.iter().copied().fold(f64::MIN, f64::max),
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    pub scenario: String,
    pub scenario_hash: String,
    pub seed: u64,
    pub engine_version: &'static str,
    pub trace_hash: String,
    pub events: u64,
    pub sim_seconds: f64,
    pub services: BTreeMap<String, ServiceSummary>,
    pub cluster: ClusterSummary,
    pub cost_usd: CostSummary,
    pub images: ImageSummary,
    pub objectives: Vec<ObjectiveResult>,
    /// A lesson's checkpoints: for each step with an `expect`, whether this run reached it.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tries: Vec<TryResult>,
    pub log: LogSummary,
    /// EC2 capacity providers, by name.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub capacity_providers: BTreeMap<String, ProviderSummary>,
    /// What the scenario runs with but may not mean: AWS fields ignored, unknown `ecs.config`
    /// keys, tasks that can never be placed (found before the run).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<crate::error::Warning>,
}

/// What an EC2 capacity provider's managed scaling did.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ProviderSummary {
    pub auto_scaling_group: String,
    /// Managed scaling is on (else the provider only names a pool of instances).
    pub managed_scaling: bool,
    pub scale_outs: u32,
    pub scale_ins: u32,
    /// Instances the group launched during the run (after its initial ones) and terminated by
    /// scale-in.
    pub instances_launched: u32,
    pub instances_terminated: u32,
    pub instances_peak: u32,
    pub instances_end: u32,
    pub reservation_pct_max: f64,
    /// Tasks that stopped because their instance was scaled in (no managed termination
    /// protection).
    pub tasks_stopped_by_scale_in: u32,
}

/// What image pulls did over the run.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ImageSummary {
    /// Pulls that fetched a manifest (a pull shared by several tasks counts once).
    pub pulls: u64,
    /// Tasks that joined a pull of the same image in flight on their host.
    pub pulls_joined: u64,
    /// Tasks whose image was used from the host's cache without a pull (`once`,
    /// `prefer-cached`).
    pub cache_hits: u64,
    pub layers_downloaded: u64,
    pub mib_downloaded: f64,
    /// Layers a pull found on the host already.
    pub mib_from_cache: f64,
    /// ECR auth tokens fetched (one per role per host per 12 h).
    pub auth_tokens: u64,
    /// Pull attempts retried after a registry failure.
    pub retries: u64,
    /// Pulls that failed after the agent's last attempt.
    pub failed: u64,
    /// Failed pulls that used the cached image instead (`default`).
    pub fell_back_to_cache: u64,
    /// Images removed by the agent's cleanup.
    pub images_cleaned: u64,
}

/// Time from a task being wanted to its first healthy moment (its target healthy behind a load
/// balancer, else RUNNING), over the service's tasks that got there.
#[derive(Debug, Clone, Default, Serialize)]
pub struct StartupSummary {
    pub count: u32,
    pub min: Option<f64>,
    pub p50: Option<f64>,
    pub p90: Option<f64>,
    pub max: Option<f64>,
}

/// The CPU a service's tasks reserved while RUNNING and what its requests used of it: on EC2
/// the instances' unreserved CPU is paid for too (see `cluster`), on Fargate only this.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ServiceCpu {
    pub reserved_vcpu_hours: f64,
    pub used_vcpu_hours: f64,
    pub used_pct: Option<f64>,
}

/// Where start-up time went, means in seconds: `provisioning` (wanted → placed on an instance,
/// with its ENI for `awsvpc`, or Fargate host ready), `pull` (images), `start` (containers created and started), `health`
/// (RUNNING → target healthy).
#[derive(Debug, Clone, Default, Serialize)]
pub struct StartupBreakdown {
    pub provisioning: Option<f64>,
    pub pull: Option<f64>,
    pub start: Option<f64>,
    pub health: Option<f64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ServiceSummary {
    pub tasks: TaskCounts,
    /// Tasks still waiting for an instance at the end, by the reason ECS gives.
    pub pending_reasons: BTreeMap<String, u32>,
    /// Tasks that failed to start, by the error ECS reports (`CannotPullContainerError`).
    pub failed_reasons: BTreeMap<String, u32>,
    /// Stopped tasks by ECS stop code (`ServiceSchedulerInitiated`, `TaskFailedToStart`,
    /// `SpotInterruption`, `TerminationNotice`).
    pub stop_codes: BTreeMap<String, u32>,
    /// Running tasks per instance at the end.
    pub tasks_per_instance: BTreeMap<String, u32>,
    /// When the service first had all its desired tasks RUNNING, if it did.
    pub time_to_steady_state_s: Option<f64>,
    /// Each rise of the desired count after creation (auto scaling, an action), timed until
    /// that many tasks were RUNNING.
    pub scale_up_s: ScaleUpSummary,
    pub startup_s: StartupSummary,
    pub startup_breakdown_s: StartupBreakdown,
    pub cpu: ServiceCpu,
    pub requests: RequestSummary,
    pub latency_ms: LatencySummary,
    /// Rolling deployments, in order (the last may be still going at the end).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub deployments: Vec<DeploymentSummary>,
    /// The deployments taken together, for a service the scenario deploys to (objectives read
    /// `services.web.deployment.failed_requests`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deployment: Option<DeploymentTotals>,
    /// What service auto scaling did, for a service that has a scalable target.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scaling: Option<ScalingSummary>,
    /// What a scheduled batch did.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub batch: Option<BatchSummary>,
    /// The Fargate and Fargate Spot bills of its tasks (EC2 instances are shared, so their cost
    /// is the cluster's).
    pub fargate_cost_usd: f64,
    /// The memory its tasks use, when the scenario models it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub memory: Option<ServiceMemory>,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct BatchSummary {
    pub tasks: u32,
    /// Tasks whose work finished (exit code 0).
    pub completed: u32,
    /// Attempts that stopped before finishing (Spot reclaimed, instance lost, start failed).
    pub interrupted: u32,
    /// Tasks that ran out of attempts.
    pub gave_up: u32,
    /// From the schedule firing to the last task's end, if every task ended.
    pub makespan_s: Option<f64>,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct ScaleUpSummary {
    /// Scale-ups that reached their desired count.
    pub count: u32,
    pub first: Option<f64>,
    pub max: Option<f64>,
    /// One still going at the end of the run.
    pub unfinished: bool,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct DeploymentTotals {
    pub started: u32,
    pub completed: u32,
    pub failed_requests: u64,
    /// The fewest healthy targets seen during any of them (0 when none started).
    pub min_healthy_targets: u32,
    /// The longest completed one.
    pub longest_s: f64,
}

/// One rolling deployment of a service.
#[derive(Debug, Clone, Default, Serialize)]
pub struct DeploymentSummary {
    /// `family:revision` before and after.
    pub from: String,
    pub to: String,
    /// `COMPLETED`, `FAILED` (the circuit breaker tripped), `IN_PROGRESS` at the end, or
    /// `SUPERSEDED` by another deployment.
    pub state: String,
    /// Made by the circuit breaker to go back to `to` after a failed deployment.
    pub rollback: bool,
    /// Tasks of the new revision that failed to start.
    pub failed_tasks: u32,
    pub started_s: f64,
    /// None: superseded by another deployment, or still going at the end.
    pub completed_s: Option<f64>,
    pub duration_s: Option<f64>,
    /// Requests that failed while it went on (503s, and requests lost with their task).
    pub failed_requests: u64,
    /// The fewest healthy targets seen while it went on.
    pub min_healthy_targets: u32,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct ScalingSummary {
    pub scale_outs: u32,
    pub scale_ins: u32,
    /// The highest desired count auto scaling set.
    pub desired_peak: u32,
    /// The bounds at the end (scheduled actions change them).
    pub min_capacity_end: u32,
    pub max_capacity_end: u32,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct RequestSummary {
    pub arrived: u64,
    pub served: u64,
    pub failed: u64,
    /// `no_target` (503: no healthy target), `queue_full` (503: the task's queue is full),
    /// `task_stopped` (the task stopped while holding the request), `target_unhealthy` (sent to a
    /// hung application before the ALB marked its target unhealthy).
    pub failed_by_reason: BTreeMap<String, u64>,
    /// Requests queued or in service at the end.
    pub in_flight_end: u64,
    /// Time-averaged requests in the system (queued or in service), from the first arrival on.
    pub in_system_mean: f64,
    /// Arrivals per second, from the traffic's start to the end.
    pub arrival_rate_per_s: f64,
    /// Requests served by each task (target), by task name (`web:3`).
    pub served_by_task: BTreeMap<String, u64>,
}

/// Response times of served requests, from arrival at the load balancer to completion.
#[derive(Debug, Clone, Default, Serialize)]
pub struct LatencySummary {
    pub mean: f64,
    pub p50: f64,
    pub p90: f64,
    pub p99: f64,
    pub max: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct TaskCounts {
    pub desired: u32,
    pub running_end: u32,
    pub pending_end: u32,
    pub started: u32,
    pub failed: u32,
    /// Tasks stopped (scale-in), all reasons.
    pub stopped: u32,
    /// Fargate Spot interruptions.
    pub spot_interrupted: u32,
    /// Tasks that died with their instance (an EC2 Spot termination, a lost instance), or with
    /// their zone (a Fargate task in a `zone_outage`).
    pub lost_with_instance: u32,
    /// Tasks ECS replaced because their target failed its load balancer health checks.
    pub failed_health_checks: u32,
    /// Tasks ECS replaced because an essential container failed its container health checks.
    pub failed_container_health_checks: u32,
    /// Tasks stopped because an essential container ran out of memory (OutOfMemoryError).
    pub oom_killed: u32,
}

/// The memory a service's RUNNING tasks use, for a service whose memory use is modelled
/// (`[[applications]]`).
#[derive(Debug, Clone, Default, Serialize)]
pub struct ServiceMemory {
    /// `ECSServiceAverageMemoryUtilization` at each sample: memory used ÷ memory reserved × 100
    /// (above 100 with soft limits).
    pub used_pct: Stat,
}

#[derive(Debug, Clone, Serialize)]
pub struct ClusterSummary {
    pub name: String,
    pub instances_launched: u32,
    pub instances_end: u32,
    pub instances_never_joined: u32,
    pub cpu_reserved_pct: Stat,
    pub mem_reserved_pct: Stat,
    /// CPU used by requests, % of registered vCPUs, over the sampling windows.
    pub cpu_used_pct: Stat,
    pub dynamic_ports_in_use_end: u32,
}

#[derive(Debug, Clone, Serialize)]
pub struct CostSummary {
    pub total: f64,
    pub ec2: f64,
    /// Of `ec2`, the surplus CPU credits burstable instances spent (T3 unlimited).
    pub cpu_credits: f64,
    pub fargate: f64,
    /// Application Load Balancers: hours and LCU-hours.
    pub alb: f64,
    /// `total` over the run's length, per hour.
    pub per_hour: f64,
    /// The cost per hour over the run's last quarter: the steady state's rate once the run has
    /// reached one, after any scale-out at its start (a month is 730 hours of it).
    pub per_hour_end: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct LogSummary {
    pub entries: usize,
    pub dropped: u64,
}

#[derive(Debug, Clone, Serialize)]
pub struct TryResult {
    /// The step, from 1 (the lesson's first "Try").
    pub step: usize,
    /// Every condition of its checkpoint held.
    pub reached: bool,
    pub expect: Vec<ObjectiveResult>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ObjectiveResult {
    pub name: String,
    pub metric: String,
    pub op: Comparison,
    pub target: f64,
    pub measured: Option<f64>,
    pub held: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// Looks up a dotted path (`services.web.tasks.running_end`) in a JSON value. A name that has a
/// dot of its own is written in double quotes: `services."web.v2".latency_ms.p99`.
pub fn lookup<'a>(v: &'a serde_json::Value, path: &str) -> Option<&'a serde_json::Value> {
    segments(path)?.iter().try_fold(v, |v, k| v.get(k.as_str()))
}

/// A metric path's names: split at the dots outside double quotes, the quotes taken off; `None`
/// for a quote left open.
pub fn segments(path: &str) -> Option<Vec<String>> {
    let (mut out, mut cur, mut quoted) = (Vec::new(), String::new(), false);
    for c in path.chars() {
        match c {
            '"' => quoted = !quoted,
            '.' if !quoted => out.push(std::mem::take(&mut cur)),
            c => cur.push(c),
        }
    }
    out.push(cur);
    (!quoted).then_some(out)
}

/// An objective's comparison, written as its symbol (`"<="`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
pub enum Comparison {
    #[serde(rename = "<")]
    Lt,
    #[serde(rename = "<=")]
    Le,
    #[serde(rename = "==")]
    Eq,
    #[serde(rename = "!=")]
    Ne,
    #[serde(rename = ">=")]
    Ge,
    #[serde(rename = ">")]
    Gt,
}

impl Comparison {
    pub fn holds(self, measured: f64, target: f64) -> bool {
        match self {
            Comparison::Lt => measured < target,
            Comparison::Le => measured <= target,
            Comparison::Eq => measured == target,
            Comparison::Ne => measured != target,
            Comparison::Ge => measured >= target,
            Comparison::Gt => measured > target,
        }
    }

    pub fn symbol(self) -> &'static str {
        match self {
            Comparison::Lt => "<",
            Comparison::Le => "<=",
            Comparison::Eq => "==",
            Comparison::Ne => "!=",
            Comparison::Ge => ">=",
            Comparison::Gt => ">",
        }
    }
}

impl std::fmt::Display for Comparison {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.symbol())
    }
}

/// One task's timeline, for `tasks.csv`: when it was wanted, placed (with its ENI; or its Fargate
/// host ready), pulled, running, healthy and stopped, in seconds from the start.
#[derive(Debug, Clone, Serialize)]
pub struct TaskRecord {
    pub task: String,
    pub service: String,
    /// EC2, FARGATE, FARGATE_SPOT, or the EC2 capacity provider's name.
    pub capacity: String,
    pub host: Option<String>,
    pub last_status: &'static str,
    pub wanted_s: f64,
    pub placed_s: Option<f64>,
    pub pulled_s: Option<f64>,
    pub running_s: Option<f64>,
    pub healthy_s: Option<f64>,
    pub stopped_s: Option<f64>,
    pub stop_code: Option<crate::task::StopCode>,
    pub stopped_reason: Option<String>,
    /// `healthStatus` from its container health checks, the last it had (UNKNOWN without any).
    pub health_status: crate::task::TaskHealth,
}

/// The task timelines as CSV (a field with a comma or quote is quoted).
pub fn tasks_to_csv(tasks: &[TaskRecord]) -> String {
    let num = |v: Option<f64>| v.map(|x| format!("{x:.3}")).unwrap_or_default();
    csv_text(|w| {
        let _ = w.write_record([
            "task",
            "service",
            "capacity",
            "host",
            "last_status",
            "wanted_s",
            "placed_s",
            "pulled_s",
            "running_s",
            "healthy_s",
            "stopped_s",
            "stop_code",
            "stopped_reason",
            "health_status",
        ]);
        for t in tasks {
            let _ = w.write_record([
                t.task.clone(),
                t.service.clone(),
                t.capacity.to_string(),
                t.host.clone().unwrap_or_default(),
                t.last_status.to_string(),
                format!("{:.3}", t.wanted_s),
                num(t.placed_s),
                num(t.pulled_s),
                num(t.running_s),
                num(t.healthy_s),
                num(t.stopped_s),
                t.stop_code
                    .map_or("", crate::task::StopCode::as_str)
                    .to_string(),
                t.stopped_reason.clone().unwrap_or_default(),
                t.health_status.as_str().to_string(),
            ]);
        }
    })
}

#[cfg(test)]
mod lookup_tests {
    #[test]
    fn a_name_with_a_dot_is_looked_up_in_quotes() {
        let v = serde_json::json!({"services": {"web.v2": {"p99": 3.0}, "web": {"p99": 1.0}}});
        assert_eq!(
            super::lookup(&v, "services.\"web.v2\".p99"),
            Some(&serde_json::json!(3.0))
        );
        assert_eq!(
            super::lookup(&v, "services.web.p99"),
            Some(&serde_json::json!(1.0))
        );
        assert_eq!(super::lookup(&v, "services.web.v2.p99"), None);
        assert_eq!(
            super::lookup(&v, "services.\"web.v2.p99"),
            None,
            "an open quote"
        );
    }
}
