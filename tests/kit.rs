//! Small one-service scenarios for the tests of provisioning, pulls, Fargate, ECR and IAM, and
//! the agent's settings: a builder (`Sc`) whose defaults each test changes in a few fields, and
//! the texts several of those tests share.

use crate::{parse, run_checked};
use ecsim_core::{run, RunOutput, Scenario};

/// A one-service scenario with the parts each test changes.
pub struct Sc<'a> {
    pub duration: &'a str,
    pub hosts: u32,
    pub itype: &'a str,
    pub ecs_config: &'a str,
    pub group: &'a str,
    pub taskdef: &'a str,
    pub container: &'a str,
    pub desired: u32,
    pub service: &'a str,
    pub rest: &'a str,
}

impl Default for Sc<'_> {
    fn default() -> Self {
        Sc {
            duration: "10m",
            hosts: 1,
            itype: "m5.large",
            ecs_config: "",
            group: "",
            taskdef: "",
            container: r#"{ name = "w", image = "big:1", cpu = 128, memory = 64 }"#,
            desired: 1,
            service: "",
            rest: "[[images]]\nimage = \"big:1\"\nsize_mib = 600\n",
        }
    }
}

impl Sc<'_> {
    pub fn text(&self) -> String {
        let count = self.hosts;
        format!(
            r#"
name = "p"
duration = "{}"
{}
[[instance_groups]]
name = "g"
instance_type = "{}"
count = {count}
ecs_config = """
{}
"""
{}
[[task_definitions]]
family = "app"
containerDefinitions = [ {} ]
{}
[[services]]
serviceName = "app"
taskDefinition = "app"
desiredCount = {}
startAt = "60s"
{}
"#,
            self.duration,
            self.rest,
            self.itype,
            self.ecs_config,
            self.group,
            self.container,
            self.taskdef,
            self.desired,
            self.service
        )
    }

    pub fn parse(&self) -> Scenario {
        parse(&self.text())
    }

    pub fn run(&self) -> RunOutput {
        run_checked(&self.parse(), None).finish()
    }
}

pub fn secs(t: Option<ecsim_core::SimTime>) -> f64 {
    t.expect("the task got there").as_secs_f64()
}

/// `[[actions]]` scaling the service to `n` at `at`.
pub fn scale_to(n: u32, at: &str) -> String {
    format!("[[actions]]\nat = \"{at}\"\nservice = \"app\"\ndesired_count = {n}\n")
}

pub const FARGATE_TD: &str = r#"requiresCompatibilities = ["FARGATE"]
networkMode = "awsvpc"
cpu = "256"
memory = "512""#;

pub const ECR_IMAGE: &str = "123456789012.dkr.ecr.us-east-1.amazonaws.com/web:1";

pub fn ecr_scenario(roles: &str, group: &str, taskdef: &str, service: &str) -> RunOutput {
    let container = format!(r#"{{ name = "w", image = "{ECR_IMAGE}", cpu = 256, memory = 512 }}"#);
    Sc {
        container: &container,
        rest: roles,
        group,
        taskdef,
        service,
        ..Default::default()
    }
    .run()
}

pub const ROLES: &str = r#"
[[roles]]
name = "ecsTaskExecutionRole"
managed_policies = ["AmazonECSTaskExecutionRolePolicy"]
[[roles]]
name = "logsOnly"
actions = ["logs:CreateLogStream", "logs:PutLogEvents"]
"#;

pub fn lesson(name: &str) -> RunOutput {
    let lib = crate::library();
    let sc = lib
        .iter()
        .find(|s| s.spec.name == name)
        .unwrap_or_else(|| panic!("{name} is in the library"));
    run(sc, &Default::default()).unwrap()
}

/// The default scenario with a second task at 6 minutes, placed on the same host.
pub fn second_task(ecs_config: &str, service: &str, taskdef: &str, container: &str) -> RunOutput {
    let scale = scale_to(2, "6m");
    let rest = format!("{}{scale}", Sc::default().rest);
    Sc {
        ecs_config,
        service,
        taskdef,
        container,
        desired: 1,
        rest: &rest,
        ..Default::default()
    }
    .run()
}

/// Shared by the tests of ports, placement, services and the load balancer.
pub const WEB: &str = r#"{ name = "web", image = "web:1", cpu = 256, memory = 512, portMappings = [{ containerPort = 8080, hostPort = 0 }] }"#;

/// Shared by the tests of ports, placement, services and the load balancer.
pub const TRAFFIC: &str = r#"
[[traffic]]
service = "app"
start = "150s"
rate = { profile = "constant", rps = 40 }
work = { dist = "exponential", mean = "20ms" }
"#;
