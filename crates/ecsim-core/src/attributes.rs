//! Capability attributes: the names an instance's agent advertises from its `ecs.config` and a
//! task definition requires, which placement matches (docs/ecs-facts.md §4 "Selection
//! pipeline"). Their own module because both sides use them: instances (what they advertise)
//! and task definitions (what they require), and neither should depend on the other.

/// The capability attribute an instance's agent advertises for a log driver it allows
/// (`ECS_AVAILABLE_LOGGING_DRIVERS`), and that a task definition using the driver requires.
pub fn log_driver_capability(driver: &str) -> String {
    format!("com.amazonaws.ecs.capability.logging-driver.{driver}")
}

/// The capability an agent with `ECS_ENABLE_TASK_IAM_ROLE=true` advertises, and that a task
/// definition with a `taskRoleArn` requires.
pub const TASK_IAM_ROLE_CAPABILITY: &str = "com.amazonaws.ecs.capability.task-iam-role";

/// The capability an agent with `ECS_ENABLE_TASK_ENI=true` advertises, and that an `awsvpc` task
/// definition requires.
pub const TASK_ENI_CAPABILITY: &str = "ecs.capability.task-eni";
