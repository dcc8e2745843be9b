//! The event log: what happened, in words a learner reads ("task web:3 placed on i-02 port 32771").
//!
//! Bounded in memory: it keeps the first `capacity` entries, which hold the cluster's start-up that
//! lessons are about, and counts the rest, so a week-long run cannot exhaust a browser tab.

use crate::time::SimTime;
use serde::Serialize;

/// What an entry is about: the filter the web app's log offers, and what tests look for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LogKind {
    AgentConfig,
    BatchFinished,
    BatchGaveUp,
    ClusterScaleIn,
    ClusterScaleOut,
    ContainerHealthy,
    ContainerUnhealthy,
    Deployment,
    EcrAuthToken,
    FargateProvisioning,
    Fault,
    ImageCached,
    ImageCleanup,
    ImagePull,
    ImagePullFallback,
    ImagePullRetry,
    InstanceDraining,
    InstanceLaunched,
    InstanceNeverJoined,
    InstanceRegistered,
    InstanceTerminated,
    OutOfMemory,
    Scaling,
    ServiceCreated,
    ServiceUpdated,
    SpotInterruption,
    SpotNotice,
    TargetDraining,
    TargetHealthy,
    TargetUnhealthy,
    TaskCrashed,
    TaskFailed,
    TaskFinished,
    TaskLost,
    TaskPlaced,
    TaskRunning,
    TaskStopped,
    TaskStopping,
    TaskUnplaced,
}

impl LogKind {
    /// The kind as `events.jsonl` and the web app's filter write it (`task_placed`).
    pub const fn as_str(self) -> &'static str {
        match self {
            LogKind::AgentConfig => "agent_config",
            LogKind::BatchFinished => "batch_finished",
            LogKind::BatchGaveUp => "batch_gave_up",
            LogKind::ClusterScaleIn => "cluster_scale_in",
            LogKind::ClusterScaleOut => "cluster_scale_out",
            LogKind::ContainerHealthy => "container_healthy",
            LogKind::ContainerUnhealthy => "container_unhealthy",
            LogKind::Deployment => "deployment",
            LogKind::EcrAuthToken => "ecr_auth_token",
            LogKind::FargateProvisioning => "fargate_provisioning",
            LogKind::Fault => "fault",
            LogKind::ImageCached => "image_cached",
            LogKind::ImageCleanup => "image_cleanup",
            LogKind::ImagePull => "image_pull",
            LogKind::ImagePullFallback => "image_pull_fallback",
            LogKind::ImagePullRetry => "image_pull_retry",
            LogKind::InstanceDraining => "instance_draining",
            LogKind::InstanceLaunched => "instance_launched",
            LogKind::InstanceNeverJoined => "instance_never_joined",
            LogKind::InstanceRegistered => "instance_registered",
            LogKind::InstanceTerminated => "instance_terminated",
            LogKind::OutOfMemory => "out_of_memory",
            LogKind::Scaling => "scaling",
            LogKind::ServiceCreated => "service_created",
            LogKind::ServiceUpdated => "service_updated",
            LogKind::SpotInterruption => "spot_interruption",
            LogKind::SpotNotice => "spot_notice",
            LogKind::TargetDraining => "target_draining",
            LogKind::TargetHealthy => "target_healthy",
            LogKind::TargetUnhealthy => "target_unhealthy",
            LogKind::TaskCrashed => "task_crashed",
            LogKind::TaskFailed => "task_failed",
            LogKind::TaskFinished => "task_finished",
            LogKind::TaskLost => "task_lost",
            LogKind::TaskPlaced => "task_placed",
            LogKind::TaskRunning => "task_running",
            LogKind::TaskStopped => "task_stopped",
            LogKind::TaskStopping => "task_stopping",
            LogKind::TaskUnplaced => "task_unplaced",
        }
    }
}

impl std::fmt::Display for LogKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LogEntry {
    pub t_s: f64,
    pub kind: LogKind,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub service: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub task: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub host: Option<String>,
    pub message: String,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct EventLog {
    pub entries: Vec<LogEntry>,
    pub dropped: u64,
    #[serde(skip)]
    capacity: usize,
}

impl EventLog {
    pub fn new(capacity: usize) -> Self {
        EventLog {
            entries: Vec::new(),
            dropped: 0,
            capacity,
        }
    }

    pub fn push(&mut self, entry: LogEntry) {
        if self.entries.len() < self.capacity {
            self.entries.push(entry);
        } else {
            self.dropped += 1;
        }
    }

    /// Whether a new entry would be kept; lets callers skip formatting one that would not.
    pub fn has_room(&self) -> bool {
        self.entries.len() < self.capacity
    }

    pub fn entry(t: SimTime, kind: LogKind, message: String) -> LogEntry {
        LogEntry {
            t_s: t.as_secs_f64(),
            kind,
            service: None,
            task: None,
            host: None,
            message,
        }
    }

    /// One JSON object per line.
    pub fn to_jsonl(&self) -> String {
        let mut out = String::new();
        for e in &self.entries {
            out.push_str(&serde_json::to_string(e).unwrap_or_default());
            out.push('\n');
        }
        out
    }
}
