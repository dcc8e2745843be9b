//! The built-in scenarios the page offers (embedded at build time), each with what the gallery
//! shows of it: a title, what it teaches, its topic, level and time; an exercise's solution is
//! not a card of its own but behind the exercise's "show solution". The user's saved scenarios
//! follow them in the gallery (`saved::entry`).

/// What a learner reads a scenario under, in the gallery's order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Topic {
    Core,
    Networking,
    Images,
    Fargate,
    Scaling,
    Deployments,
    Planning,
    Validation,
}

impl Topic {
    pub const ALL: [Topic; 8] = [
        Topic::Core,
        Topic::Networking,
        Topic::Images,
        Topic::Fargate,
        Topic::Scaling,
        Topic::Deployments,
        Topic::Planning,
        Topic::Validation,
    ];

    pub fn title(self) -> &'static str {
        match self {
            Topic::Core => "ECS core: instances, agents, tasks",
            Topic::Networking => "Networking and load balancers",
            Topic::Images => "Images and ECR",
            Topic::Fargate => "Fargate",
            Topic::Scaling => "Scaling",
            Topic::Deployments => "Deployments",
            Topic::Planning => "Capacity planning templates",
            Topic::Validation => "Validation against queueing theory",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Beginner,
    Intermediate,
    Advanced,
}

impl Level {
    pub fn word(self) -> &'static str {
        match self {
            Level::Beginner => "beginner",
            Level::Intermediate => "intermediate",
            Level::Advanced => "advanced",
        }
    }
}

/// A built-in scenario and its card.
#[derive(Debug)]
pub struct Builtin {
    pub file: &'static str,
    pub text: &'static str,
    pub title: &'static str,
    pub teaches: &'static str,
    pub topic: Topic,
    pub level: Level,
    pub minutes: u32,
    /// For a solution: the exercise it solves (the file); it has no card.
    pub solves: Option<&'static str>,
}

impl Builtin {
    /// The solution of this exercise, if one is built in.
    pub fn solution(&self) -> Option<usize> {
        BUILTIN.iter().position(|b| b.solves == Some(self.file))
    }
}

/// The built-in scenarios, the default one first (the page opens on it).
pub const BUILTIN: &[Builtin] = &[
    Builtin {
        file: ecsim_core::DEFAULT_SCENARIO_FILE,
        text: ecsim_core::DEFAULT_SCENARIO,
        title: "Your first cluster",
        teaches: "A web service of 8 tasks on 3 instances behind a load balancer: what every chart and the cluster view show.",
        topic: Topic::Core,
        level: Level::Beginner,
        minutes: 5,
        solves: None,
    },
    Builtin {
        file: "scenarios/lessons/static-vs-dynamic-ports.toml",
        text: include_str!("../../scenarios/lessons/static-vs-dynamic-ports.toml"),
        title: "Static or dynamic host ports",
        teaches: "A static hostPort allows one task per instance; hostPort 0 places them all.",
        topic: Topic::Networking,
        level: Level::Beginner,
        minutes: 5,
        solves: None,
    },
    Builtin {
        file: "scenarios/lessons/wrong-cluster-name.toml",
        text: include_str!("../../scenarios/lessons/wrong-cluster-name.toml"),
        title: "An instance that never joins",
        teaches: "ECS_CLUSTER in ecs.config decides which cluster an instance registers into; the wrong name costs money and gives no capacity.",
        topic: Topic::Core,
        level: Level::Beginner,
        minutes: 5,
        solves: None,
    },
    Builtin {
        file: "scenarios/lessons/alb-dynamic-ports.toml",
        text: include_str!("../../scenarios/lessons/alb-dynamic-ports.toml"),
        title: "ALB or Classic load balancer",
        teaches: "An ALB registers each task's own port; a Classic LB one fixed port per instance.",
        topic: Topic::Networking,
        level: Level::Beginner,
        minutes: 10,
        solves: None,
    },
    Builtin {
        file: "scenarios/lessons/alb-dynamic-ports-exercise.toml",
        text: include_str!("../../scenarios/lessons/alb-dynamic-ports-exercise.toml"),
        title: "Make 12 tasks run behind a load balancer",
        teaches: "Exercise: 12 tasks on 3 instances behind a Classic LB with a static port; make them all run.",
        topic: Topic::Networking,
        level: Level::Intermediate,
        minutes: 10,
        solves: None,
    },
    Builtin {
        file: "scenarios/lessons/ecs-config.toml",
        text: include_str!("../../scenarios/lessons/ecs-config.toml"),
        title: "Fix four ecs.config mistakes",
        teaches: "Exercise: the cluster name, private registry auth, log drivers and task roles an instance's agent must be set up for.",
        topic: Topic::Core,
        level: Level::Intermediate,
        minutes: 15,
        solves: None,
    },
    Builtin {
        file: "scenarios/lessons/ecs-config-fixed.toml",
        text: include_str!("../../scenarios/lessons/ecs-config-fixed.toml"),
        title: "Fix four ecs.config mistakes: solution",
        teaches: "The ecs-config exercise with every instance's ecs.config fixed.",
        topic: Topic::Core,
        level: Level::Intermediate,
        minutes: 5,
        solves: Some("scenarios/lessons/ecs-config.toml"),
    },
    Builtin {
        file: "scenarios/lessons/ecr-pulls.toml",
        text: include_str!("../../scenarios/lessons/ecr-pulls.toml"),
        title: "Image pulls: cold, warm and Fargate",
        teaches: "How much of a start is the image pull, and what a warm cache saves.",
        topic: Topic::Images,
        level: Level::Beginner,
        minutes: 10,
        solves: None,
    },
    Builtin {
        file: "scenarios/lessons/fargate-vs-ec2.toml",
        text: include_str!("../../scenarios/lessons/fargate-vs-ec2.toml"),
        title: "Fargate or EC2",
        teaches: "One service on each: start-up, utilisation and dollars per hour side by side.",
        topic: Topic::Fargate,
        level: Level::Beginner,
        minutes: 10,
        solves: None,
    },
    Builtin {
        file: "scenarios/lessons/rolling-upgrade.toml",
        text: include_str!("../../scenarios/lessons/rolling-upgrade.toml"),
        title: "Rolling deployments",
        teaches: "maximumPercent and minimumHealthyPercent: a deployment that drops no request, and one that does.",
        topic: Topic::Deployments,
        level: Level::Intermediate,
        minutes: 10,
        solves: None,
    },
    Builtin {
        file: "scenarios/lessons/scale-in-seconds.toml",
        text: include_str!("../../scenarios/lessons/scale-in-seconds.toml"),
        title: "Do containers scale in seconds?",
        teaches: "Scaling out with room, on Fargate, and when instances must boot first.",
        topic: Topic::Scaling,
        level: Level::Intermediate,
        minutes: 15,
        solves: None,
    },
    Builtin {
        file: "scenarios/lessons/spot-batch.toml",
        text: include_str!("../../scenarios/lessons/spot-batch.toml"),
        title: "Batch on Fargate Spot",
        teaches: "Interrupted tasks are re-run; the batch still finishes for about a third of the price.",
        topic: Topic::Fargate,
        level: Level::Intermediate,
        minutes: 10,
        solves: None,
    },
    Builtin {
        file: "scenarios/lessons/daemon-services.toml",
        text: include_str!("../../scenarios/lessons/daemon-services.toml"),
        title: "DAEMON services",
        teaches: "One task on every instance, placed first on an instance that joins: no desired count.",
        topic: Topic::Core,
        level: Level::Intermediate,
        minutes: 10,
        solves: None,
    },
    Builtin {
        file: "scenarios/lessons/zone-outage.toml",
        text: include_str!("../../scenarios/lessons/zone-outage.toml"),
        title: "Spread or binpack: a zone fails",
        teaches: "What placement strategies decide when an Availability Zone goes down.",
        topic: Topic::Core,
        level: Level::Intermediate,
        minutes: 10,
        solves: None,
    },
    Builtin {
        file: "scenarios/lessons/container-health-checks.toml",
        text: include_str!("../../scenarios/lessons/container-health-checks.toml"),
        title: "Container health checks",
        teaches: "A slow-starting application: interval, retries and the start period decide whether ECS kills it.",
        topic: Topic::Core,
        level: Level::Intermediate,
        minutes: 10,
        solves: None,
    },
    Builtin {
        file: "scenarios/lessons/memory-limits.toml",
        text: include_str!("../../scenarios/lessons/memory-limits.toml"),
        title: "Memory: hard and soft limits",
        teaches: "memory against memoryReservation: out-of-memory kills, borrowed memory and scaling on memory.",
        topic: Topic::Core,
        level: Level::Advanced,
        minutes: 15,
        solves: None,
    },
    Builtin {
        file: "scenarios/templates/right-size-ec2.toml",
        text: include_str!("../../scenarios/templates/right-size-ec2.toml"),
        title: "Right-size an EC2 cluster",
        teaches: "How many c5.large instances and tasks hold a 400 req/s peak at p99 below 250 ms?",
        topic: Topic::Planning,
        level: Level::Advanced,
        minutes: 20,
        solves: None,
    },
    Builtin {
        file: "scenarios/templates/fargate-spot-mix.toml",
        text: include_str!("../../scenarios/templates/fargate-spot-mix.toml"),
        title: "Fargate and Fargate Spot mix",
        teaches: "A base on Fargate, the rest on Spot: the cost saved against interruptions.",
        topic: Topic::Planning,
        level: Level::Advanced,
        minutes: 15,
        solves: None,
    },
    Builtin {
        file: "scenarios/validation/mm1.toml",
        text: include_str!("../../scenarios/validation/mm1.toml"),
        title: "One queue against theory (M/M/1)",
        teaches: "One task serving one request at a time: the simulated mean response against the formula.",
        topic: Topic::Validation,
        level: Level::Advanced,
        minutes: 5,
        solves: None,
    },
    Builtin {
        file: "scenarios/validation/mmc.toml",
        text: include_str!("../../scenarios/validation/mmc.toml"),
        title: "Eight servers against theory (M/M/8)",
        teaches: "One task with 8 slots: the simulated wait against Erlang C.",
        topic: Topic::Validation,
        level: Level::Advanced,
        minutes: 5,
        solves: None,
    },
];
