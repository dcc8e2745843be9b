//! A random scenario: instance groups (some Auto Scaling groups with capacity providers, Spot,
//! wrong clusters, narrow port ranges), services on EC2 and Fargate with every port mode and
//! placement, traffic, batches, faults. Shared by the invariant test and the golden hashes.

use ecsim_core::rng::Stream;

/// The text of a random scenario drawn from `r`.
pub fn random_scenario(r: &mut Stream) -> String {
    let types = [
        "t3.medium",
        "m5.large",
        "m5.xlarge",
        "c5.large",
        "m6g.large",
    ];
    let mut s = format!(
        "name = \"random\"\nduration = \"{}s\"\nsample_step = \"7s\"\n",
        60 + r.below(400)
    );
    // Auto Scaling groups with a capacity provider each: (group, provider text).
    let mut providers: Vec<(u64, String)> = Vec::new();
    for g in 0..1 + r.below(3) {
        let lo = 40000 + r.below(100) as u32;
        let range = if r.below(2) == 0 {
            format!(
                "ECS_DYNAMIC_HOST_PORT_RANGE={lo}-{}\n",
                lo + r.below(12) as u32
            )
        } else {
            String::new()
        };
        let cluster = if r.below(8) == 0 {
            "ECS_CLUSTER=other\n"
        } else {
            ""
        };
        let pull = ["default", "always", "once", "prefer-cached"][r.below(4) as usize];
        let drain = ["true", "false"][r.below(2) as usize];
        let spot = if r.below(4) == 0 {
            format!("spot_interruptions = [\"{}s\"]\n", 30 + r.below(300))
        } else {
            String::new()
        };
        let count = r.below(5);
        let asg = if r.below(3) == 0 {
            let protect = r.below(2) == 0;
            let scaling = if protect || r.below(3) > 0 {
                format!(
                    "managed_scaling = {{ target_capacity = {}, maximum_scaling_step_size = {}, instance_warmup_period = \"{}s\" }}\n",
                    50 + r.below(51),
                    1 + r.below(5),
                    r.below(300)
                )
            } else {
                String::new()
            };
            let mut cp = format!(
                "[[capacity_providers]]\nname = \"cp{g}\"\nauto_scaling_group = \"g{g}\"\nmanaged_termination_protection = {protect}\n{scaling}"
            );
            if r.below(2) == 0 {
                cp += &format!(
                    "[[faults]]\nkind = \"instance_loss\"\ngroup = \"g{g}\"\nat = \"{}s\"\n",
                    r.below(300)
                );
            }
            providers.push((g, cp));
            format!("min_size = 0\nmax_size = {}\n", count + r.below(4))
        } else {
            String::new()
        };
        s += &format!(
            "[[instance_groups]]\nname = \"g{g}\"\ninstance_type = \"{}\"\ncount = {count}\n{asg}launch_at = \"{}s\"\n{spot}ecs_config = \"\"\"\n{range}{cluster}ECS_IMAGE_PULL_BEHAVIOR={pull}\nECS_ENABLE_SPOT_INSTANCE_DRAINING={drain}\nECS_RESERVED_MEMORY={}\n\"\"\"\n",
            types[r.below(5) as usize],
            r.below(120),
            r.below(1024)
        );
    }
    for (_, cp) in &providers {
        s += cp;
    }
    let strategies = [
        "",
        r#"placementStrategy = [{ type = "binpack", field = "cpu" }]"#,
        r#"placementStrategy = [{ type = "binpack", field = "memory" }, { type = "spread", field = "instanceId" }]"#,
        r#"placementStrategy = [{ type = "random" }]"#,
        r#"placementStrategy = [{ type = "spread", field = "attribute:ecs.instance-type" }]"#,
    ];
    // Images sharing a base layer, and now and then the registry down for a while.
    for k in 0..3 {
        s += &format!(
            "[[images]]\nimage = \"img{k}\"\nlayers = [{{ id = \"base\", size_mib = 80 }}, {{ id = \"app{k}\", size_mib = {} }}]\n",
            1 + r.below(300)
        );
    }
    if r.below(4) == 0 {
        let from = r.below(200);
        s += &format!(
            "[[registry_outages]]\nregistry = \"docker.io\"\nfrom = \"{from}s\"\nuntil = \"{}s\"\n",
            from + 1 + r.below(60)
        );
    }
    for sv in 0..1 + r.below(3) {
        if r.below(4) == 0 {
            // A Fargate service, on demand or Spot.
            let capacity = [
                "launchType = \"FARGATE\"",
                r#"capacityProviderStrategy = [{ capacityProvider = "FARGATE", base = 1, weight = 1 }, { capacityProvider = "FARGATE_SPOT", weight = 2 }]"#,
            ][r.below(2) as usize];
            s += &format!(
                "[[task_definitions]]\nfamily = \"td{sv}\"\nnetworkMode = \"awsvpc\"\nrequiresCompatibilities = [\"FARGATE\"]\ncpu = \"256\"\nmemory = \"512\"\n\
                 containerDefinitions = [ {{ name = \"c\", image = \"img{}\", portMappings = [{{ containerPort = 80 }}] }} ]\n\
                 [[services]]\nserviceName = \"s{sv}\"\ntaskDefinition = \"td{sv}\"\ndesiredCount = {}\nstartAt = \"{}s\"\n{capacity}\n\
                 [[actions]]\nat = \"{}s\"\nservice = \"s{sv}\"\ndesired_count = {}\n\
                 [[traffic]]\nservice = \"s{sv}\"\nstart = \"{}s\"\nrate = {{ profile = \"constant\", rps = {} }}\n\
                 work = {{ dist = \"exponential\", mean = \"{}ms\" }}\n",
                r.below(3),
                r.below(20),
                r.below(60),
                r.below(200),
                r.below(20),
                r.below(200),
                r.below(12),
                1 + r.below(100),
            );
            continue;
        }
        let mode = ["bridge", "host", "awsvpc"][r.below(3) as usize];
        let port = match (mode, r.below(3)) {
            ("bridge", 0) => {
                ", portMappings = [{ containerPort = 80, hostPort = 0 }, { containerPort = 81 }]"
                    .to_string()
            }
            ("bridge", 1) => format!(
                ", portMappings = [{{ containerPort = 80, hostPort = {} }}]",
                8000 + r.below(3)
            ),
            ("host", 0 | 1) => format!(
                ", portMappings = [{{ containerPort = {} }}]",
                8000 + r.below(3)
            ),
            _ => String::new(),
        };
        let constraint = if r.below(4) == 0 {
            r#"placementConstraints = [{ type = "distinctInstance" }]"#
        } else {
            ""
        };
        let provider = if !providers.is_empty() && r.below(3) > 0 {
            let g = providers[r.below(providers.len() as u64) as usize].0;
            format!("capacityProviderStrategy = [{{ capacityProvider = \"cp{g}\", weight = 1 }}]")
        } else {
            String::new()
        };
        s += &format!(
            "[[task_definitions]]\nfamily = \"td{sv}\"\nnetworkMode = \"{mode}\"\ncontainerDefinitions = [ {{ name = \"c\", image = \"img{}\", cpu = {}, memory = {}{port} }} ]\n\
             [[services]]\nserviceName = \"s{sv}\"\ntaskDefinition = \"td{sv}\"\ndesiredCount = {}\nstartAt = \"{}s\"\n{}\n{constraint}\n{provider}\n\
             [[actions]]\nat = \"{}s\"\nservice = \"s{sv}\"\ndesired_count = {}\n\
             [[traffic]]\nservice = \"s{sv}\"\nstart = \"{}s\"\nrate = {{ profile = \"constant\", rps = {} }}\n\
             work = {{ dist = \"exponential\", mean = \"{}ms\" }}\nalgorithm = \"{}\"\nqueue_limit = {}\n",
            r.below(3),
            64 * (1 + r.below(24)),
            64 * (1 + r.below(60)),
            r.below(30),
            r.below(60), // before the end of the run (at least 60 s)
            strategies[r.below(5) as usize],
            r.below(200),
            r.below(30),
            r.below(200),
            r.below(12),
            1 + r.below(400),
            ["round_robin", "least_outstanding_requests", "weighted_random"][r.below(3) as usize],
            r.below(5),
        );
    }
    if r.below(4) == 0 {
        // An application that hangs, and one slow to answer its first health checks.
        s += &format!(
            "[[faults]]\nkind = \"health_check_failure\"\nservice = \"s0\"\nevery = \"{}s\"\n",
            10 + r.below(120)
        );
    }
    if r.below(3) == 0 {
        // A batch on the instances: tasks that finish, and re-runs of the interrupted ones.
        s += &format!(
            "[[task_definitions]]\nfamily = \"batch\"\ncontainerDefinitions = [ {{ name = \"c\", image = \"img0\", cpu = {}, memory = 256 }} ]\n\
             [[scheduled_tasks]]\nname = \"batch\"\ntaskDefinition = \"batch\"\ncount = {}\nat = \"{}s\"\n\
             runTime = {{ dist = \"uniform\", min = \"10s\", max = \"{}s\" }}\nattempts = {}\n",
            128 * (1 + r.below(8)),
            1 + r.below(12),
            r.below(60), // before the end of the run (at least 60 s)
            11 + r.below(200),
            1 + r.below(3),
        );
    }
    s
}
