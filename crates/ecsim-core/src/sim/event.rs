//! The events of a run, grouped by what they are about, and what each contributes to the trace.
//!
//! An event about a task carries the task's generation, one about an instance its slot's life,
//! and a network's planned completion the network's schedule: when the thing has moved on, the
//! event is stale, and `Simulation::handle` drops it before dispatch (docs/determinism.md,
//! "Event order"). The other events are never stale. Grouping by stamp is what makes that one
//! check: `Event::stamp` has one arm per group, not one per event.
//!
//! Every event folds a code and up to two ids into `trace_hash`. The codes are part of every
//! hash the golden file pins, so they are frozen: each is declared once, beside its variant (the
//! fieldless groups carry it as their discriminant), and a test checks that no two events share
//! one. A new event takes the next free code (38).

use crate::time::SimTime;
use crate::units::{
    ActionId, FaultId, GroupId, HostId, NetId, PullId, ScalerId, ServiceId, TaskId, TrafficId,
};
use ecsim_engine::Traced;

/// What happens to a task. Each is dropped when the task has moved on since it was planned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub(super) enum TaskEvent {
    /// Its containers started: it goes ACTIVATING → RUNNING.
    ContainerStarted = 5,
    /// Its containers exited while it was STOPPING.
    TaskExited = 8,
    /// Its target passed its first health check.
    TargetHealthy = 11,
    /// The deregistration delay of its draining target is over.
    DrainDone = 12,
    /// It cannot start (pull refused, logging denied, start timeout).
    StartFailed = 13,
    /// Its Fargate capacity and ENI are ready.
    FargateReady = 18,
    /// Fargate Spot reclaims its capacity (two-minute warning).
    SpotInterruption = 19,
    /// Its ENI is attached (an EC2 `awsvpc` task): its pulls begin.
    EniAttached = 23,
    /// Its batch work is done.
    BatchDone = 29,
    /// The load balancer marks its target unhealthy.
    TargetUnhealthy = 30,
    /// The service's health check grace period for it is over.
    GraceOver = 31,
    /// With no load balancer, the scheduler's wait after RUNNING is over: the task counts as
    /// healthy for the deployment.
    WaitOver = 32,
    /// Its essential containers' health checks have passed: the task is HEALTHY.
    ContainersHealthy = 35,
    /// An essential container's health checks failed `retries` times: the task is UNHEALTHY.
    ContainerUnhealthy = 36,
    /// A leak alone takes one of its containers to a memory limit (`sim/memory.rs`).
    OutOfMemory = 37,
}

impl TaskEvent {
    #[cfg(test)]
    const ALL: [TaskEvent; 15] = [
        TaskEvent::ContainerStarted,
        TaskEvent::TaskExited,
        TaskEvent::TargetHealthy,
        TaskEvent::DrainDone,
        TaskEvent::StartFailed,
        TaskEvent::FargateReady,
        TaskEvent::SpotInterruption,
        TaskEvent::EniAttached,
        TaskEvent::BatchDone,
        TaskEvent::TargetUnhealthy,
        TaskEvent::GraceOver,
        TaskEvent::WaitOver,
        TaskEvent::ContainersHealthy,
        TaskEvent::ContainerUnhealthy,
        TaskEvent::OutOfMemory,
    ];
}

/// What happens to an instance slot. Each is dropped when the slot's instance has changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub(super) enum InstanceEvent {
    /// Booted: its agent registers (or never joins).
    Registers = 1,
    /// The agent's image cleanup cycle.
    ImageCleanup = 17,
    /// The agent saw a Spot notice (`ECS_ENABLE_SPOT_INSTANCE_DRAINING`): it drains.
    Drains = 21,
    /// The Spot instance is terminated.
    Terminated = 22,
}

impl InstanceEvent {
    #[cfg(test)]
    const ALL: [InstanceEvent; 4] = [
        InstanceEvent::Registers,
        InstanceEvent::ImageCleanup,
        InstanceEvent::Drains,
        InstanceEvent::Terminated,
    ];
}

/// Image pulls (`sim/pulls.rs`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum PullEvent {
    /// The manifest request is answered (or fails: the registry is down).
    ManifestFetched { pull: PullId },
    /// The next layer download on the network finishes; stale once the downloads changed.
    NetTick { net: NetId, generation: u32 },
    /// The pull has extracted its last layer.
    Extracted { pull: PullId },
}

/// A request in service on `task` completes (it ran at `rate` vCPUs: `sim/requests.rs`). Never
/// dropped: on a stopped task it counts as failed. A struct, not a group of one, so that `Event`
/// keeps a tag of its own rather than a niche inside this value, which every match would decode.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct RequestDone {
    pub(super) task: TaskId,
    pub(super) generation: u32,
    pub(super) arrived: SimTime,
    pub(super) rate: f64,
}

/// The service scheduler (`sim/scheduler.rs`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum ServiceEvent {
    /// The service is created (its `startAt`).
    Starts { service: ServiceId },
    /// A scenario action changes a service's desired count or task definition.
    Update { action: ActionId },
    /// The scheduler tries again after failed starts.
    Retry { service: ServiceId },
    /// Capacity changed: waiting tasks are placed again.
    RetryPlacement,
    /// The control plane's delay after a change is over: the scheduler acts on it.
    Acts { service: ServiceId },
}

/// Scaling: services (`sim/autoscaling.rs`) and the cluster (`sim/cluster_scaling.rs`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum ScalingEvent {
    /// A minute has passed: the scalable targets' metrics and policies.
    Tick,
    /// A scheduled action of scalable target `target` changes its bounds.
    Scheduled { target: ScalerId, index: u32 },
    /// A minute has passed: each capacity provider's `CapacityProviderReservation`.
    CapacityTick,
    /// An Auto Scaling group acts on a raised desired capacity: it launches instances.
    AsgLaunch { group: GroupId },
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Event {
    /// About a task: stale when its generation has moved on.
    Task {
        task: TaskId,
        generation: u32,
        what: TaskEvent,
    },
    /// About an instance slot: stale when the slot's life has moved on.
    Instance {
        host: HostId,
        life: u32,
        what: InstanceEvent,
    },
    Pull(PullEvent),
    /// A request of a traffic source arrives at the load balancer (`sim/requests.rs`).
    Arrival {
        traffic: TrafficId,
    },
    RequestDone(RequestDone),
    Service(ServiceEvent),
    Scaling(ScalingEvent),
    /// An instance group's Spot interruption `index`: EC2's two-minute notice.
    SpotNotice {
        group: GroupId,
        index: u32,
    },
    /// A fault strikes.
    Fault {
        index: FaultId,
    },
    /// A zone outage's time is over.
    ZoneBack {
        index: FaultId,
    },
    /// Time to sample the cluster.
    Sample,
}

impl Event {
    pub(super) fn task(task: TaskId, generation: u32, what: TaskEvent) -> Event {
        Event::Task {
            task,
            generation,
            what,
        }
    }

    pub(super) fn instance(host: HostId, life: u32, what: InstanceEvent) -> Event {
        Event::Instance { host, life, what }
    }

    /// What the event is stamped with, if anything.
    #[inline]
    pub(super) fn stamp(&self) -> Option<Stamp> {
        match *self {
            Event::Task {
                task, generation, ..
            } => Some(Stamp::Task(Stamped {
                id: task,
                generation,
            })),
            Event::Instance { host, life, .. } => Some(Stamp::Instance(Stamped {
                id: host,
                generation: life,
            })),
            Event::Pull(PullEvent::NetTick { net, generation }) => Some(Stamp::Net(Stamped {
                id: net,
                generation,
            })),
            Event::Pull(_)
            | Event::Arrival { .. }
            | Event::RequestDone(_)
            | Event::Service(_)
            | Event::Scaling(_)
            | Event::SpotNotice { .. }
            | Event::Fault { .. }
            | Event::ZoneBack { .. }
            | Event::Sample => None,
        }
    }
}

impl Traced for Event {
    /// The event's frozen code and up to two ids, for the trace hash.
    #[inline]
    fn trace_code(&self) -> (u8, u64, u64) {
        use PullEvent as P;
        use ScalingEvent as Sc;
        use ServiceEvent as Sv;
        match *self {
            Event::Task {
                task,
                generation,
                what,
            } => (what as u8, task.0 as u64, generation as u64),
            Event::Instance { host, what, .. } => (what as u8, host.0 as u64, 0),
            Event::Service(Sv::Starts { service }) => (2, service.0 as u64, 0),
            Event::Service(Sv::RetryPlacement) => (3, 0, 0),
            Event::Pull(P::ManifestFetched { pull }) => (4, pull.0 as u64, 0),
            Event::Sample => (6, 0, 0),
            Event::Service(Sv::Update { action }) => (7, action.0 as u64, 0),
            Event::Arrival { traffic } => (9, traffic.0 as u64, 0),
            Event::RequestDone(RequestDone { task, arrived, .. }) => (10, task.0 as u64, arrived.0),
            Event::Service(Sv::Retry { service }) => (14, service.0 as u64, 0),
            Event::Service(Sv::Acts { service }) => (33, service.0 as u64, 0),
            Event::Pull(P::NetTick { net, generation }) => (15, net.0 as u64, generation as u64),
            Event::Pull(P::Extracted { pull }) => (16, pull.0 as u64, 0),
            Event::SpotNotice { group, index } => (20, group.0 as u64, index as u64),
            Event::Scaling(Sc::Tick) => (24, 0, 0),
            Event::Scaling(Sc::Scheduled { target, index }) => (25, target.0 as u64, index as u64),
            Event::Fault { index } => (26, index.0 as u64, 0),
            Event::ZoneBack { index } => (34, index.0 as u64, 0),
            Event::Scaling(Sc::CapacityTick) => (27, 0, 0),
            Event::Scaling(Sc::AsgLaunch { group }) => (28, group.0 as u64, 0),
        }
    }
}

/// An id with the generation of its thing when the event was scheduled (a task's generation,
/// an instance slot's life, a network's schedule).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Stamped<Id> {
    pub(super) id: Id,
    pub(super) generation: u32,
}

/// What an event is stamped with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Stamp {
    Task(Stamped<TaskId>),
    Instance(Stamped<HostId>),
    Net(Stamped<NetId>),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_two_events_share_a_trace_code() {
        let (t, g) = (TaskId(0), GroupId(0));
        let mut all: Vec<Event> = TaskEvent::ALL
            .iter()
            .map(|&w| Event::task(t, 0, w))
            .chain(
                InstanceEvent::ALL
                    .iter()
                    .map(|&w| Event::instance(HostId(0), 0, w)),
            )
            .collect();
        all.extend([
            Event::Pull(PullEvent::ManifestFetched { pull: PullId(0) }),
            Event::Pull(PullEvent::NetTick {
                net: NetId(0),
                generation: 0,
            }),
            Event::Pull(PullEvent::Extracted { pull: PullId(0) }),
            Event::Arrival {
                traffic: TrafficId(0),
            },
            Event::RequestDone(RequestDone {
                task: t,
                generation: 0,
                arrived: SimTime::ZERO,
                rate: 1.0,
            }),
            Event::Service(ServiceEvent::Starts {
                service: ServiceId(0),
            }),
            Event::Service(ServiceEvent::Update {
                action: ActionId(0),
            }),
            Event::Service(ServiceEvent::Retry {
                service: ServiceId(0),
            }),
            Event::Service(ServiceEvent::RetryPlacement),
            Event::Service(ServiceEvent::Acts {
                service: ServiceId(0),
            }),
            Event::Scaling(ScalingEvent::Tick),
            Event::Scaling(ScalingEvent::Scheduled {
                target: ScalerId(0),
                index: 0,
            }),
            Event::Scaling(ScalingEvent::CapacityTick),
            Event::Scaling(ScalingEvent::AsgLaunch { group: g }),
            Event::SpotNotice { group: g, index: 0 },
            Event::Fault { index: FaultId(0) },
            Event::ZoneBack { index: FaultId(0) },
            Event::Sample,
        ]);
        let mut codes: Vec<u8> = all.iter().map(|e| e.trace_code().0).collect();
        assert_eq!(codes.len(), 37);
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), 37, "two events share a code");
        // Codes 1..=37 are all taken: the next event takes 38.
        assert_eq!(codes, (1..=37).collect::<Vec<u8>>());
    }

    #[test]
    fn only_task_instance_and_network_events_are_stamped() {
        let t = Event::task(TaskId(3), 7, TaskEvent::TaskExited);
        assert_eq!(
            t.stamp(),
            Some(Stamp::Task(Stamped {
                id: TaskId(3),
                generation: 7
            }))
        );
        let done = Event::RequestDone(RequestDone {
            task: TaskId(3),
            generation: 7,
            arrived: SimTime::ZERO,
            rate: 1.0,
        });
        assert_eq!(
            done.stamp(),
            None,
            "a request's completion is never dropped"
        );
        assert_eq!(Event::Sample.stamp(), None);
    }
}
