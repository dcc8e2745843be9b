//! What the run keeps for each service: its desired count and tasks, the scheduler's retry
//! state, its random streams, deployments, a batch's progress and the counts the summary
//! reports.

use super::deployment::Deployment;
use crate::metrics::DeploymentSummary;
use crate::rng::Stream;
use crate::service::Service;
use crate::task::StopCode;
use crate::time::SimTime;
use crate::units::{TaskDefId, TaskId};
use std::collections::BTreeMap;

pub(super) struct ServiceState {
    /// The desired count now (the scenario's, changed by actions).
    pub(super) desired: u32,
    /// Created (at its `startAt`): before, actions only change `desired`.
    pub(super) active: bool,
    /// Tasks that failed to start since the last one reached RUNNING (for retry throttling).
    pub(super) failed_rounds: u32,
    /// A retry after failed starts is planned.
    pub(super) retry_pending: bool,
    /// The scheduler will act on a change once the control plane's delay is over: later changes
    /// wait for that same moment.
    pub(super) acts_pending: bool,
    /// Its tasks not yet stopping (placed, waiting, starting or running), oldest first.
    pub(super) live: Vec<TaskId>,
    /// Its live Fargate tasks in each of its zones (`Service::zones`).
    pub(super) fargate_in_zone: Vec<u32>,
    /// Failed starts by error (`CannotPullContainerError`).
    pub(super) failed_reasons: BTreeMap<String, u32>,
    pub(super) stopped: u32,
    /// Tasks waiting for an instance, oldest first.
    pub(super) waiting: Vec<TaskId>,
    pub(super) started: u32,
    pub(super) failed: u32,
    pub(super) created: u32,
    pub(super) running: u32,
    pub(super) steady_at: Option<SimTime>,
    /// Its random streams, one per purpose.
    pub(super) streams: ServiceStreams,
    pub(super) spot_interrupted: u32,
    /// Tasks lost with their instance.
    pub(super) lost: u32,
    /// Stopped tasks by ECS stop code.
    pub(super) stop_codes: BTreeMap<StopCode, u32>,
    /// The task definition new tasks are made of (a deployment changes it).
    pub(super) taskdef: TaskDefId,
    pub(super) deployment: Option<Deployment>,
    /// Deployments that completed or were superseded.
    pub(super) deployments: Vec<DeploymentSummary>,
    /// Since when the service runs fewer tasks than a raised desired count, and how long each
    /// earlier scale-up took.
    pub(super) scale_up_since: Option<SimTime>,
    pub(super) scale_ups: Vec<f64>,
    /// A batch's progress (`batch`).
    pub(super) batch: BatchProgress,
    /// Tasks replaced because their target failed its health checks.
    pub(super) health_check_failures: u32,
    /// Its tasks stopped for failing their container health checks.
    pub(super) container_health_failures: u32,
    /// Its tasks stopped because an essential container ran out of memory.
    pub(super) oom_killed: u32,
    /// Its memory utilization at each sample where it was known.
    pub(super) memory_pct: Running,
}

/// A mean and a peak, kept as values come.
#[derive(Default)]
pub(super) struct Running {
    sum: f64,
    n: u64,
    peak: f64,
}

impl Running {
    pub(super) fn add(&mut self, v: f64) {
        self.sum += v;
        self.n += 1;
        self.peak = self.peak.max(v);
    }

    pub(super) fn stat(&self) -> crate::metrics::Stat {
        crate::metrics::Stat {
            mean: if self.n > 0 {
                self.sum / self.n as f64
            } else {
                0.0
            },
            peak: self.peak,
        }
    }
}

/// A service's random streams, each named by its purpose and the service
/// (docs/determinism.md).
pub(super) struct ServiceStreams {
    /// The final tie-break between equally good instances.
    pub(super) placement: Stream,
    /// How long its containers take to start.
    pub(super) start: Stream,
    /// How long its containers take to exit when stopped.
    pub(super) exit: Stream,
    /// Fargate provisioning and Spot interruption draws.
    pub(super) fargate: Stream,
    /// ENI attachment times of its awsvpc tasks on EC2.
    pub(super) eni: Stream,
    /// A batch's run times.
    pub(super) batch: Stream,
    /// The control plane's delay before the scheduler acts on a change.
    pub(super) control: Stream,
    /// Its applications' memory baselines.
    pub(super) memory: Stream,
}

/// A batch's progress: tasks finished, attempts that stopped short, tasks given up, the attempt
/// numbers of the re-runs to come, and when the batch was done.
#[derive(Default)]
pub(super) struct BatchProgress {
    pub(super) completed: u32,
    pub(super) interrupted: u32,
    pub(super) gave_up: u32,
    pub(super) next_attempts: Vec<u32>,
    pub(super) finished_at: Option<SimTime>,
}

impl ServiceState {
    pub(super) fn new(s: &Service, seed: u64) -> Self {
        let stream = |purpose: &str| Stream::new(seed, &format!("{purpose}/{}", s.name));
        ServiceState {
            // A DAEMON service's count follows the instances once it is created.
            desired: if s.daemon { 0 } else { s.desired },
            active: false,
            failed_rounds: 0,
            retry_pending: false,
            acts_pending: false,
            live: Vec::new(),
            fargate_in_zone: vec![0; s.zones.len()],
            failed_reasons: Default::default(),
            stopped: 0,
            waiting: Vec::new(),
            started: 0,
            failed: 0,
            created: 0,
            running: 0,
            steady_at: None,
            streams: ServiceStreams {
                placement: stream("placement"),
                start: stream("container_start"),
                exit: stream("container_exit"),
                fargate: stream("fargate"),
                eni: stream("eni"),
                batch: stream("batch"),
                control: stream("control"),
                memory: stream("memory"),
            },
            spot_interrupted: 0,
            lost: 0,
            taskdef: s.taskdef,
            deployment: None,
            deployments: Vec::new(),
            stop_codes: Default::default(),
            scale_up_since: None,
            scale_ups: Vec::new(),
            batch: BatchProgress::default(),
            health_check_failures: 0,
            container_health_failures: 0,
            oom_killed: 0,
            memory_pct: Running::default(),
        }
    }
}
