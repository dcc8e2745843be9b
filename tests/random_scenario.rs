//! A random valid scenario covering every section: instance groups of one or mixed types (some
//! Auto Scaling groups with capacity providers, Spot, wrong clusters, narrow port ranges, instance
//! roles), custom instance types, ECR and public images, IAM roles, services on EC2 and Fargate
//! with every port mode and placement, traffic, service auto scaling, deployments to a second
//! revision, batches, registry outages and faults (instance loss, task crashes, hung health
//! checks, an Availability Zone down), and a DAEMON service; the batch's and the daemon's
//! applications sometimes slow to pass a container health check, or leaking memory.
//!
//! The generator reads its decisions from a [`Choices`]: a seeded stream for the invariant test
//! and the golden hashes, a list of numbers for the property tests (which proptest shrinks), raw
//! bytes for the fuzzer. Choice 0 is always the simplest: no optional section, the first of a
//! list, the smallest number. So a list shrunk toward zeros and toward fewer entries is a
//! scenario shrunk toward the minimal one that still fails.

use ecsim_core::rng::Stream;

/// Where the generator's decisions come from.
pub trait Choices {
    /// A number in `0..n` (`n` > 0); 0 is the simplest choice.
    fn below(&mut self, n: u64) -> u64;
    /// The next `len` decisions as one block for `f`: however many of them `f` uses, the
    /// decisions after the block are the same ones, so a shrunk group or service does not change
    /// the sections after it.
    fn block(&mut self, len: usize, f: &mut dyn FnMut(&mut dyn Choices));
}

impl Choices for Stream {
    fn below(&mut self, n: u64) -> u64 {
        Stream::below(self, n)
    }
    fn block(&mut self, _len: usize, f: &mut dyn FnMut(&mut dyn Choices)) {
        f(self)
    }
}

/// Decisions from a list of numbers, then zeros once it runs out.
pub struct ChoiceList<'a> {
    rest: std::slice::Iter<'a, u32>,
}

impl<'a> ChoiceList<'a> {
    pub fn new(list: &'a [u32]) -> Self {
        ChoiceList { rest: list.iter() }
    }
}

impl Choices for ChoiceList<'_> {
    fn below(&mut self, n: u64) -> u64 {
        self.rest.next().map_or(0, |&x| u64::from(x) % n)
    }
    fn block(&mut self, len: usize, f: &mut dyn FnMut(&mut dyn Choices)) {
        let all = self.rest.as_slice();
        let (mine, after) = all.split_at(len.min(all.len()));
        f(&mut ChoiceList { rest: mine.iter() });
        self.rest = after.iter();
    }
}

/// Decisions from bytes, two at a time, then zeros once they run out.
pub struct ByteChoices<'a> {
    rest: &'a [u8],
}

impl<'a> ByteChoices<'a> {
    pub fn new(bytes: &'a [u8]) -> Self {
        ByteChoices { rest: bytes }
    }
}

impl Choices for ByteChoices<'_> {
    fn below(&mut self, n: u64) -> u64 {
        let (x, rest) = match self.rest {
            [a, b, rest @ ..] => (u64::from(u16::from_le_bytes([*a, *b])), rest),
            [a] => (u64::from(*a), &[][..]),
            [] => (0, &[][..]),
        };
        self.rest = rest;
        x % n
    }
    fn block(&mut self, len: usize, f: &mut dyn FnMut(&mut dyn Choices)) {
        let (mine, after) = self.rest.split_at((2 * len).min(self.rest.len()));
        f(&mut ByteChoices { rest: mine });
        self.rest = after;
    }
}

/// True one time in `k` (false on choice 0, so shrinking drops the option).
fn one_in(c: &mut dyn Choices, k: u64) -> bool {
    c.below(k) == k - 1
}

/// One of `items`, the first on choice 0.
fn pick<'a>(c: &mut dyn Choices, items: &[&'a str]) -> &'a str {
    items[c.below(items.len() as u64) as usize]
}

const TYPES: [&str; 6] = [
    "m5.large",
    "t3.medium",
    "m5.xlarge",
    "c5.large",
    "m6g.large",
    "tiny.custom",
];

const MAX_GROUPS: u64 = 3;
const MAX_SERVICES: u64 = 3;
/// The decisions of each block, for a fixed layout of a [`ChoiceList`] (each block reserves its
/// span whether it uses it or not).
const HEAD: usize = 8;
const GROUP: usize = 32;
const IMAGES: usize = 16;
const SERVICE: usize = 64;
const TAIL: usize = 16;
/// How many decisions a whole scenario may take.
pub const CHOICES: usize =
    HEAD + MAX_GROUPS as usize * GROUP + IMAGES + MAX_SERVICES as usize * SERVICE + TAIL;

/// The text of a random scenario drawn from `c`.
pub fn random_scenario(c: &mut dyn Choices) -> String {
    let (mut duration, mut roles, mut groups, mut services) = (60, false, 1, 1);
    c.block(HEAD, &mut |c| {
        duration = 60 + c.below(400);
        roles = one_in(c, 2);
        groups = 1 + c.below(MAX_GROUPS);
        services = 1 + c.below(MAX_SERVICES);
    });
    let mut s = format!("name = \"random\"\nduration = \"{duration}s\"\nsample_step = \"7s\"\n");
    // A custom instance type, used when a group draws it.
    s += "[instance_types.\"tiny.custom\"]\nvcpu = 1\nmemory_mib = 1024\nenis = 2\nnetwork_gbps = 1\nprice_per_hour = 0.01\n";
    if roles {
        s += "[[roles]]\nname = \"ecsTaskExecutionRole\"\nmanaged_policies = [\"AmazonECSTaskExecutionRolePolicy\"]\n\
              [[roles]]\nname = \"logsOnly\"\nactions = [\"logs:CreateLogStream\", \"logs:PutLogEvents\"]\n\
              [[roles]]\nname = \"nodes\"\nmanaged_policies = [\"AmazonEC2ContainerServiceforEC2Role\"]\n";
    }
    // Auto Scaling groups with a capacity provider each: (group, provider text).
    let mut providers: Vec<(u64, String)> = Vec::new();
    for g in 0..MAX_GROUPS {
        c.block(GROUP, &mut |c| {
            if g < groups {
                s += &group(c, g, roles, &mut providers);
            }
        });
    }
    for (_, cp) in &providers {
        s += cp;
    }
    // Images sharing a base layer, on Docker Hub or in a private ECR registry, and now and then
    // the registry down for a while.
    let mut registry = "";
    c.block(IMAGES, &mut |c| {
        registry = if one_in(c, 2) {
            "123456789012.dkr.ecr.us-east-1.amazonaws.com/"
        } else {
            ""
        };
        for k in 0..3 {
            s += &format!(
                "[[images]]\nimage = \"{registry}img{k}\"\nlayers = [{{ id = \"base\", size_mib = 80 }}, {{ id = \"app{k}\", size_mib = {} }}]\n",
                1 + c.below(300)
            );
        }
        if one_in(c, 4) {
            let from = c.below(200);
            let host = if registry.is_empty() {
                "docker.io"
            } else {
                "123456789012.dkr.ecr.us-east-1.amazonaws.com"
            };
            s += &format!(
                "[[registry_outages]]\nregistry = \"{host}\"\nfrom = \"{from}s\"\nuntil = \"{}s\"\n",
                from + 1 + c.below(60)
            );
        }
    });
    for sv in 0..MAX_SERVICES {
        c.block(SERVICE, &mut |c| {
            if sv < services {
                s += &service(c, sv, roles, registry, &providers);
            }
        });
    }
    c.block(TAIL, &mut |c| {
        if one_in(c, 4) {
            // An application that hangs, and one slow to answer its first health checks.
            s += &format!(
                "[[faults]]\nkind = \"health_check_failure\"\nservice = \"s0\"\nevery = \"{}s\"\n",
                10 + c.below(120)
            );
        }
        if one_in(c, 3) {
            // A batch on the instances: tasks that finish, and re-runs of the interrupted ones.
            let (check, app) = application(c, "batch", 256);
            s += &app;
            s += &format!(
                "[[task_definitions]]\nfamily = \"batch\"\ncontainerDefinitions = [ {{ name = \"c\", image = \"{registry}img0\", cpu = {}, memory = 256{} }} ]\n\
                 [[scheduled_tasks]]\nname = \"batch\"\ntaskDefinition = \"batch\"\ncount = {}\nat = \"{}s\"\n\
                 runTime = {{ dist = \"uniform\", min = \"10s\", max = \"{}s\" }}\nattempts = {}\n",
                128 * (1 + c.below(8)),
                check,
                1 + c.below(12),
                c.below(60), // before the end of the run (at least 60 s)
                11 + c.below(200),
                1 + c.below(3),
            );
        }
        if one_in(c, 4) {
            // An Availability Zone down for a while (the groups' default zones).
            s += &format!(
                "[[faults]]\nkind = \"zone_outage\"\nzone = \"{}\"\nat = \"{}s\"\nduration = \"{}s\"\n",
                pick(c, &["us-east-1a", "us-east-1b", "us-east-1c"]),
                c.below(300),
                1 + c.below(200),
            );
        }
        if one_in(c, 4) {
            // A DAEMON service: one task on each instance.
            let (check, app) = application(c, "daemon", 128);
            s += &app;
            s += &format!(
                "[[task_definitions]]\nfamily = \"daemon\"\ncontainerDefinitions = [ {{ name = \"c\", image = \"{registry}img1\", cpu = {}, memory = 128{} }} ]\n\
                 [[services]]\nserviceName = \"daemon\"\ntaskDefinition = \"daemon\"\nschedulingStrategy = \"DAEMON\"\nstartAt = \"{}s\"\n",
                128 * (1 + c.below(4)),
                check,
                c.below(100),
            );
        }
    });
    s
}

/// What the application in the task definition `family` does, and the container's fields for it
/// (after its others): half the time a health check it may be slow to pass (a batch task goes on
/// when it is UNHEALTHY, a service's task is replaced), half the time memory use that may leak
/// past the container's hard limit of `memory` MiB (the task stops, out of memory).
fn application(c: &mut dyn Choices, family: &str, memory: u64) -> (String, String) {
    let (check, leak) = (one_in(c, 2), one_in(c, 2));
    if !check && !leak {
        return Default::default();
    }
    let mut fields = String::new();
    let mut app = format!("[[applications]]\ntask_definition = \"{family}\"\n");
    if check {
        fields += &format!(
            ", healthCheck = {{ command = [\"CMD\", \"true\"], interval = {}, retries = {}, startPeriod = {} }}",
            5 + c.below(30),
            1 + c.below(3),
            c.below(60),
        );
        app += &format!("warmup = \"{}s\"\n", c.below(120));
    }
    if leak {
        app += &format!(
            "memory_baseline = {{ low = {}, high = {memory} }}\nmemory_growth_per_hour = {}\n",
            memory / 2,
            c.below(20 * memory),
        );
    }
    (fields, app)
}

/// `f` on a sub-block of `len` decisions: the decisions after it stay where they are whether
/// `f` draws them all or none.
fn within<R>(c: &mut dyn Choices, len: usize, f: impl FnOnce(&mut dyn Choices) -> R) -> R {
    let mut f = Some(f);
    let mut out = None;
    c.block(len, &mut |c| {
        if let Some(f) = f.take() {
            out = Some(f(c));
        }
    });
    out.expect("a block runs its closure once")
}

/// Instance group `g`, and its capacity provider (with an instance loss now and then) pushed
/// onto `providers` if it is an Auto Scaling group. Each optional part has its own sub-block.
fn group(c: &mut dyn Choices, g: u64, roles: bool, providers: &mut Vec<(u64, String)>) -> String {
    let range = within(c, 3, |c| {
        if one_in(c, 2) {
            let lo = 40000 + c.below(100) as u32;
            format!(
                "ECS_DYNAMIC_HOST_PORT_RANGE={lo}-{}\n",
                lo + c.below(12) as u32
            )
        } else {
            String::new()
        }
    });
    let cluster = if one_in(c, 8) {
        "ECS_CLUSTER=other\n"
    } else {
        ""
    };
    let pull = pick(c, &["default", "always", "once", "prefer-cached"]);
    let drain = pick(c, &["true", "false"]);
    let spot = within(c, 2, |c| {
        if one_in(c, 4) {
            format!("spot_interruptions = [\"{}s\"]\n", 30 + c.below(300))
        } else {
            String::new()
        }
    });
    let count = c.below(5);
    let t = c.below(TYPES.len() as u64);
    let itype = TYPES[t as usize];
    let mixed = within(c, 2, |c| {
        if one_in(c, 3) {
            let other = (t + 1 + c.below(TYPES.len() as u64 - 1)) % TYPES.len() as u64;
            format!("mixed_instance_types = [\"{}\"]\n", TYPES[other as usize])
        } else {
            String::new()
        }
    });
    let role = if one_in(c, 2) && roles {
        "iam_role = \"nodes\"\n"
    } else {
        ""
    };
    let (launch, reserved) = (c.below(120), c.below(1024));
    let asg = within(c, 12, |c| {
        if !one_in(c, 3) {
            return String::new();
        }
        let protect = one_in(c, 2);
        let scaling = within(c, 4, |c| {
            if protect || c.below(3) > 0 {
                format!(
                    "managed_scaling = {{ target_capacity = {}, maximum_scaling_step_size = {}, instance_warmup_period = \"{}s\" }}\n",
                    100 - c.below(51),
                    1 + c.below(5),
                    c.below(300)
                )
            } else {
                String::new()
            }
        });
        let mut cp = format!(
            "[[capacity_providers]]\nname = \"cp{g}\"\nauto_scaling_group = \"g{g}\"\nmanaged_termination_protection = {protect}\n{scaling}"
        );
        let max = count + c.below(4);
        if one_in(c, 2) {
            cp += &format!(
                "[[faults]]\nkind = \"instance_loss\"\ngroup = \"g{g}\"\nat = \"{}s\"\n",
                c.below(300)
            );
        }
        providers.push((g, cp));
        format!("min_size = 0\nmax_size = {max}\n")
    });
    format!(
        "[[instance_groups]]\nname = \"g{g}\"\ninstance_type = \"{itype}\"\n{mixed}count = {count}\n{asg}launch_at = \"{launch}s\"\n{spot}{role}ecs_config = \"\"\"\n{range}{cluster}ECS_IMAGE_PULL_BEHAVIOR={pull}\nECS_ENABLE_SPOT_INSTANCE_DRAINING={drain}\nECS_RESERVED_MEMORY={reserved}\n\"\"\"\n",
    )
}

/// Service `sv`: its task definition (and now and then a second revision and a deployment to
/// it), an action on its desired count, traffic, auto scaling and task crashes. Each optional
/// part has its own sub-block.
fn service(
    c: &mut dyn Choices,
    sv: u64,
    roles: bool,
    registry: &str,
    providers: &[(u64, String)],
) -> String {
    let image = format!("{registry}img{}", c.below(3));
    let role = match (c.below(3), roles) {
        (1, true) => "executionRoleArn = \"ecsTaskExecutionRole\"\n",
        (2, true) => "executionRoleArn = \"arn:aws:iam::123456789012:role/logsOnly\"\n",
        _ => "",
    };
    let desired = c.below(20);
    let start = c.below(60); // before the end of the run (at least 60 s)
    let (action_at, action_desired) = (c.below(200), c.below(20));
    let fargate = one_in(c, 4);
    let (taskdef, capacity) = within(c, 16, |c| {
        if fargate {
            fargate_taskdef(c, &image, role)
        } else {
            ec2_taskdef(c, &image, role, providers)
        }
    });
    let mut s = within(c, 8, |c| {
        // A deployment to revision 2 (the same task on another image) now and then.
        let deploy = one_in(c, 3);
        let config = within(c, 3, |c| {
            if deploy && one_in(c, 2) {
                format!(
                    "deploymentConfiguration = {{ minimumHealthyPercent = {}, maximumPercent = {} }}\n",
                    [100, 50, 0][c.below(3) as usize],
                    [200, 150, 100][c.below(3) as usize],
                )
            } else {
                String::new()
            }
        });
        let mut s = format!(
            "[[task_definitions]]\nfamily = \"td{sv}\"\nrevision = 1\n{taskdef}\
             [[services]]\nserviceName = \"s{sv}\"\ntaskDefinition = \"td{sv}:1\"\ndesiredCount = {desired}\nstartAt = \"{start}s\"\n{config}{capacity}\n\
             [[actions]]\nat = \"{action_at}s\"\nservice = \"s{sv}\"\ndesired_count = {action_desired}\n",
        );
        if deploy {
            let next = taskdef.replace(&image, &format!("{registry}img{}", c.below(3)));
            s += &format!(
                "[[task_definitions]]\nfamily = \"td{sv}\"\nrevision = 2\n{next}\
                 [[actions]]\nat = \"{}s\"\nservice = \"s{sv}\"\ntask_definition = \"td{sv}:2\"\n",
                c.below(200)
            );
        }
        s
    });
    let traffic = within(c, 6, |c| {
        if c.below(4) == 0 {
            return false;
        }
        let routing = pick(
            c,
            &[
                "round_robin",
                "least_outstanding_requests",
                "weighted_random",
            ],
        );
        s += &format!(
            "[[traffic]]\nservice = \"s{sv}\"\nstart = \"{}s\"\nrate = {{ profile = \"constant\", rps = {} }}\n\
             work = {{ dist = \"exponential\", mean = \"{}ms\" }}\nalgorithm = \"{routing}\"\nqueue_limit = {}\n",
            c.below(200),
            c.below(12),
            1 + c.below(400),
            c.below(5),
        );
        true
    });
    within(c, 10, |c| {
        if !one_in(c, 2) {
            return;
        }
        // Service auto scaling: a target tracking, step scaling or scheduled policy.
        let min = c.below(3);
        let max = min + 1 + c.below(10);
        let policy = match c.below(3) {
            0 => format!(
                "target_tracking = [{{ metric = \"{}\", target = {}, scale_out_cooldown = \"{}s\", scale_in_cooldown = \"{}s\" }}]",
                if one_in(c, 2) && traffic {
                    "ALBRequestCountPerTarget"
                } else {
                    "ECSServiceAverageCPUUtilization"
                },
                5 + c.below(60),
                c.below(120),
                c.below(300),
            ),
            1 => format!(
                "step_scaling = [{{ metric = \"ECSServiceAverageCPUUtilization\", alarm = {{ threshold = {}, comparison = \">=\" }}, \
                 steps = [{{ lower = 0, upper = 20, adjustment = 1 }}, {{ lower = 20, adjustment = {} }}], cooldown = \"{}s\" }}]",
                5 + c.below(60),
                2 + c.below(3),
                c.below(120),
            ),
            _ => format!(
                "scheduled = [{{ at = \"{}s\", min_capacity = {}, max_capacity = {} }}]",
                c.below(200),
                c.below(3),
                3 + c.below(5),
            ),
        };
        s += &format!(
            "[[auto_scaling]]\nservice = \"s{sv}\"\nmin_capacity = {min}\nmax_capacity = {max}\n{policy}\n"
        );
    });
    within(c, 2, |c| {
        if one_in(c, 5) {
            s += &format!(
                "[[faults]]\nkind = \"task_crash\"\nservice = \"s{sv}\"\nevery = \"{}s\"\n",
                10 + c.below(120)
            );
        }
    });
    s
}

/// A Fargate task definition and its capacity: on demand, or Spot with a base on demand.
fn fargate_taskdef(c: &mut dyn Choices, image: &str, role: &str) -> (String, String) {
    let capacity = pick(
        c,
        &[
            "launchType = \"FARGATE\"",
            r#"capacityProviderStrategy = [{ capacityProvider = "FARGATE", base = 1, weight = 1 }, { capacityProvider = "FARGATE_SPOT", weight = 2 }]"#,
        ],
    );
    let size = pick(
        c,
        &[
            "cpu = \"256\"\nmemory = \"512\"",
            "cpu = \"1024\"\nmemory = \"4096\"",
        ],
    );
    (
        format!(
            "networkMode = \"awsvpc\"\nrequiresCompatibilities = [\"FARGATE\"]\n{size}\n{role}\
             containerDefinitions = [ {{ name = \"c\", image = \"{image}\", portMappings = [{{ containerPort = 80 }}] }} ]\n"
        ),
        capacity.to_string(),
    )
}

/// An EC2 task definition in any network mode and port mapping, and its placement and capacity
/// provider.
fn ec2_taskdef(
    c: &mut dyn Choices,
    image: &str,
    role: &str,
    providers: &[(u64, String)],
) -> (String, String) {
    let strategies = [
        "",
        r#"placementStrategy = [{ type = "binpack", field = "cpu" }]"#,
        r#"placementStrategy = [{ type = "binpack", field = "memory" }, { type = "spread", field = "instanceId" }]"#,
        r#"placementStrategy = [{ type = "random" }]"#,
        r#"placementStrategy = [{ type = "spread", field = "attribute:ecs.instance-type" }]"#,
    ];
    let mode = pick(c, &["bridge", "host", "awsvpc"]);
    let (kind, host_port) = (c.below(3), 8000 + c.below(3));
    let port = match (mode, kind) {
        ("bridge", 1) => {
            ", portMappings = [{ containerPort = 80, hostPort = 0 }, { containerPort = 81 }]"
                .to_string()
        }
        ("bridge", 2) => {
            format!(", portMappings = [{{ containerPort = 80, hostPort = {host_port} }}]")
        }
        ("host", 1 | 2) => format!(", portMappings = [{{ containerPort = {host_port} }}]"),
        _ => String::new(),
    };
    let constraint = if one_in(c, 4) {
        "placementConstraints = [{ type = \"distinctInstance\" }]\n"
    } else {
        ""
    };
    let strategy = strategies[c.below(5) as usize];
    let (use_provider, which) = (c.below(3) > 0, c.below(3));
    let provider = if !providers.is_empty() && use_provider {
        let g = providers[which as usize % providers.len()].0;
        format!("capacityProviderStrategy = [{{ capacityProvider = \"cp{g}\", weight = 1 }}]")
    } else {
        String::new()
    };
    (
        format!(
            "networkMode = \"{mode}\"\n{role}containerDefinitions = [ {{ name = \"c\", image = \"{image}\", cpu = {}, memory = {}{port} }} ]\n",
            64 * (1 + c.below(24)),
            64 * (1 + c.below(60)),
        ),
        format!("{constraint}{strategy}\n{provider}"),
    )
}
