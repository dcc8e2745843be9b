//! Tasks and their lifecycle, with the states ECS names (docs/ecs-facts.md §1 "Task lastStatus flow"):
//! PROVISIONING → PENDING → ACTIVATING → RUNNING → DEACTIVATING → STOPPING → DEPROVISIONING →
//! STOPPED. A task only moves forward; it may skip ahead to the stop path from any state before
//! RUNNING (a task that fails to start), but RUNNING is reached only through ACTIVATING.
//!
//! Here a task waiting for an instance that can take it stays PENDING with the reason ECS would
//! give (the service scheduler retries it whenever capacity changes).

use crate::placement::Reason;
use crate::time::SimTime;
use crate::units::{HostId, NetId, Port, ServiceId, TaskDefId, TaskId};
use serde::Serialize;

/// ECS's stop code of a stopped task (docs/ecs-facts.md §1 "Stop codes").
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum StopCode {
    /// Its essential container exited: a crash, or a batch task's work done.
    EssentialContainerExited,
    /// The service scheduler stopped it: scale-in, a deployment, a replacement.
    ServiceSchedulerInitiated,
    /// Fargate Spot took its capacity back.
    SpotInterruption,
    /// It could not start: see its `StartError`.
    TaskFailedToStart,
    /// Its instance went away.
    TerminationNotice,
}

impl StopCode {
    pub const fn as_str(self) -> &'static str {
        match self {
            StopCode::EssentialContainerExited => "EssentialContainerExited",
            StopCode::ServiceSchedulerInitiated => "ServiceSchedulerInitiated",
            StopCode::SpotInterruption => "SpotInterruption",
            StopCode::TaskFailedToStart => "TaskFailedToStart",
            StopCode::TerminationNotice => "TerminationNotice",
        }
    }
}

impl std::fmt::Display for StopCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why a task could not start, as the error ECS puts first in its stopped reason
/// (docs/ecs-facts.md §1 "Stop codes").
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum StartError {
    /// The image could not be pulled: access denied, or the registry unavailable.
    CannotPullContainerError,
    /// The container could not be created: its log driver was refused.
    CannotStartContainerError,
    /// The container did not start within the agent's `ECS_CONTAINER_START_TIMEOUT`.
    DockerTimeoutError,
}

impl StartError {
    pub const fn as_str(self) -> &'static str {
        match self {
            StartError::CannotPullContainerError => "CannotPullContainerError",
            StartError::CannotStartContainerError => "CannotStartContainerError",
            StartError::DockerTimeoutError => "DockerTimeoutError",
        }
    }

    /// The stopped reason ECS shows: the error, then what went wrong.
    pub fn reason(self, detail: &str) -> String {
        format!("{}: {detail}", self.as_str())
    }
}

/// A task's `healthStatus` from its container health checks (docs/ecs-facts.md §1 "Task health
/// rollup"): UNKNOWN while they are evaluated or when there are none.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum TaskHealth {
    #[default]
    Unknown,
    Healthy,
    Unhealthy,
}

impl TaskHealth {
    pub const fn as_str(self) -> &'static str {
        match self {
            TaskHealth::Unknown => "UNKNOWN",
            TaskHealth::Healthy => "HEALTHY",
            TaskHealth::Unhealthy => "UNHEALTHY",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum TaskState {
    Provisioning,
    Pending,
    Activating,
    Running,
    Deactivating,
    Stopping,
    Deprovisioning,
    Stopped,
}

impl TaskState {
    pub const ALL: [TaskState; 8] = [
        TaskState::Provisioning,
        TaskState::Pending,
        TaskState::Activating,
        TaskState::Running,
        TaskState::Deactivating,
        TaskState::Stopping,
        TaskState::Deprovisioning,
        TaskState::Stopped,
    ];

    pub fn name(self) -> &'static str {
        match self {
            TaskState::Provisioning => "PROVISIONING",
            TaskState::Pending => "PENDING",
            TaskState::Activating => "ACTIVATING",
            TaskState::Running => "RUNNING",
            TaskState::Deactivating => "DEACTIVATING",
            TaskState::Stopping => "STOPPING",
            TaskState::Deprovisioning => "DEPROVISIONING",
            TaskState::Stopped => "STOPPED",
        }
    }

    /// Whether ECS moves a task from `self` to `next`.
    pub fn can_move_to(self, next: TaskState) -> bool {
        use TaskState::*;
        match next {
            Running => self == Activating,
            Activating => self == Pending,
            // Forward only; the stop path can be entered from any earlier state.
            _ => next > self,
        }
    }
}

/// The task state machine refused a move: a bug in the engine, reported by the invariant checks.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("task {task}: illegal transition {from:?} -> {to:?}")]
pub struct IllegalTransition {
    pub task: u32,
    pub from: TaskState,
    pub to: TaskState,
}

/// A host port a task holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct HeldPort {
    pub port: Port,
    pub dynamic: bool,
}

#[derive(Debug, Clone)]
pub struct Task {
    pub id: TaskId,
    pub service: ServiceId,
    pub taskdef: TaskDefId,
    /// The number of the task within its service, from 1 (`web:3`).
    pub ordinal: u32,
    pub state: TaskState,
    pub host: Option<HostId>,
    pub ports: Vec<HeldPort>,
    pub uses_eni: bool,
    /// Bumped whenever the task's pending work is void (it stopped, it was moved): events that carry
    /// an older generation are dropped.
    pub generation: u32,
    pub created_at: SimTime,
    pub running_at: Option<SimTime>,
    /// The last reason placement failed, while the task waits for an instance.
    pub pending_reason: Option<Reason>,
    /// Why the task stopped, in ECS's words (`CannotPullContainerError: …`).
    pub stopped_reason: Option<String>,
    /// What kept it from starting, when it could not.
    pub start_error: Option<StartError>,
    /// Where it runs (EC2 instances, Fargate, Fargate Spot).
    pub capacity: crate::capacity::Capacity,
    /// A DAEMON service's task: the one instance it may be placed on.
    pub pinned: Option<HostId>,
    /// A Fargate task's Availability Zone: an index into its service's `zones`, chosen when it
    /// launches (an EC2 task is in its instance's zone).
    pub fargate_zone: Option<u8>,
    /// The network its images are pulled over: its instance's, or its own Fargate host's.
    pub net: Option<NetId>,
    /// Image pulls not yet finished.
    pub pulls_left: u32,
    /// Its timeline from wanted to healthy, beside `created_at` and `running_at`: placed on an
    /// instance (for `awsvpc`, with its ENI attached; on Fargate, its host ready), images pulled,
    /// target healthy.
    pub placed_at: Option<SimTime>,
    pub pull_done_at: Option<SimTime>,
    pub healthy_at: Option<SimTime>,
    /// Its health from its essential containers' health checks (UNKNOWN without any).
    pub health: TaskHealth,
    /// Fargate billing runs from the start of the pull to the task's end.
    pub billed_from: Option<SimTime>,
    pub stopped_at: Option<SimTime>,
    /// ECS's stop code once it is stopping.
    pub stop_code: Option<StopCode>,
    /// A batch task's attempt, from 1, and whether it finished its work.
    pub attempt: u32,
    pub succeeded: bool,
}

impl Task {
    pub fn move_to(&mut self, next: TaskState) -> Result<(), IllegalTransition> {
        if self.state.can_move_to(next) {
            self.state = next;
            Ok(())
        } else {
            Err(IllegalTransition {
                task: self.id.0,
                from: self.state,
                to: next,
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::TaskState::*;

    #[test]
    fn lifecycle_moves_forward_only() {
        assert!(Provisioning.can_move_to(Pending));
        assert!(Pending.can_move_to(Activating));
        assert!(Activating.can_move_to(Running));
        assert!(Running.can_move_to(Deactivating));
        assert!(Pending.can_move_to(Stopped), "a task that fails to start");
        assert!(
            !Pending.can_move_to(Running),
            "RUNNING only through ACTIVATING"
        );
        assert!(!Running.can_move_to(Pending));
        assert!(!Stopped.can_move_to(Stopped));
    }
}
