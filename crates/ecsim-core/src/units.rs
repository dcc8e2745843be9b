//! Types that say what a number is: identifiers of hosts, tasks and services, and the resource
//! units ECS accounts in (CPU units, where 1024 = one vCPU; MiB of memory; TCP ports).

use serde::{Deserialize, Serialize};
use std::fmt;
use std::ops::{Add, AddAssign, Sub, SubAssign};

macro_rules! quantity {
    ($(#[$m:meta])* $name:ident, $inner:ty) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub $inner);

        impl Add for $name {
            type Output = $name;
            fn add(self, o: $name) -> $name {
                $name(self.0.saturating_add(o.0))
            }
        }
        impl Sub for $name {
            type Output = $name;
            fn sub(self, o: $name) -> $name {
                $name(self.0.saturating_sub(o.0))
            }
        }
        impl AddAssign for $name {
            fn add_assign(&mut self, o: $name) {
                self.0 = self.0.saturating_add(o.0);
            }
        }
        impl SubAssign for $name {
            fn sub_assign(&mut self, o: $name) {
                self.0 = self.0.saturating_sub(o.0);
            }
        }
        impl std::iter::Sum for $name {
            fn sum<I: Iterator<Item = $name>>(it: I) -> $name {
                it.fold($name(0), |a, b| a + b)
            }
        }
    };
}

quantity!(
    /// ECS CPU units: 1024 units are one vCPU (docs/ecs-facts.md §4 "CPU units").
    CpuUnits,
    u32
);
quantity!(
    /// Memory in mebibytes, the unit of task definitions and registered instance memory.
    MiB,
    u32
);

impl fmt::Display for CpuUnits {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} CPU units", self.0)
    }
}

impl fmt::Display for MiB {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} MiB", self.0)
    }
}

/// A TCP port on a host.
pub type Port = u16;

macro_rules! id {
    ($(#[$m:meta])* $name:ident) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $name(pub u32);

        impl $name {
            pub fn index(self) -> usize {
                self.0 as usize
            }
        }
    };
}

id!(
    /// An EC2 container instance, by launch order.
    HostId
);
id!(
    /// A task, by creation order.
    TaskId
);
id!(
    /// A service, by its position in the scenario.
    ServiceId
);
id!(
    /// A task definition, by its position in the scenario.
    TaskDefId
);
id!(
    /// An image of the scenario's catalogue (`ecr::ImageCatalog`).
    ImageId
);
id!(
    /// An image layer; images that share a base share its layers.
    LayerId
);

id!(
    /// An image pull in flight or done, by start order.
    PullId
);
id!(
    /// A network images are pulled over: one per instance slot (same index), then one per
    /// Fargate task.
    NetId
);
id!(
    /// An instance group, by its position in the scenario.
    GroupId
);
id!(
    /// A `[[faults]]` entry, by its position in the scenario.
    FaultId
);
id!(
    /// An `[[actions]]` entry, by its position in the scenario.
    ActionId
);
id!(
    /// A `[[traffic]]` source, by its position in the scenario.
    TrafficId
);
id!(
    /// A scalable target of `[[auto_scaling]]`, by its position in the scenario.
    ScalerId
);

impl fmt::Display for HostId {
    /// Instance ids as the event log shows them: `i-01`, `i-02`, …
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "i-{:02}", self.0 + 1)
    }
}
