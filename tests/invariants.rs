//! Invariants over many random scenarios: no instance over its registered CPU, memory or ENIs, no
//! host port given twice or reserved, tasks only along legal lifecycle transitions, time never
//! back, every request served, failed or in flight (all checked after every event by
//! `run_checked`), and at the end the scheduler holds exactly the desired tasks.

use ecsim_core::rng::Stream;
use ecsim_core::task::TaskState;
use ecsim_tests::{parse, run_checked};

fn random_scenario(r: &mut Stream) -> String {
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

#[test]
fn random_scenarios_keep_every_invariant() {
    let mut r = Stream::new(42, "random-scenarios");
    let (mut placed, mut waited, mut stopped, mut fargate) = (0, 0, 0, 0);
    let (mut pulls, mut cache_hits, mut retries) = (0, 0, 0);
    let (mut served, mut failed) = (0, 0);
    let (mut asg_launched, mut scale_outs, mut batch_done) = (0, 0, 0);
    for i in 0..300 {
        let text = random_scenario(&mut r);
        let sc = parse(&text);
        let sim = run_checked(&sc, Some(i));
        for t in sim.tasks() {
            // Every task is stopping or stopped, placed, or waiting with a reason.
            if t.state >= TaskState::Deactivating {
                stopped += 1;
            } else if t.host.is_some() {
                placed += 1;
            } else if t.capacity.is_fargate() {
                fargate += 1;
            } else {
                assert!(
                    t.pending_reason.is_some(),
                    "scenario {i}: task {} waits without a reason\n{text}",
                    t.id.0
                );
                waited += 1;
            }
        }
        // The cluster view's snapshot agrees with the state: reservations are the sums of the
        // tasks shown, no host port is shown twice on a host, every waiting task is counted.
        let snap = sim.snapshot();
        for h in &snap.hosts {
            let cpu: u32 = h.tasks.iter().map(|t| t.cpu).sum();
            let mem: u32 = h.tasks.iter().map(|t| t.memory_mib).sum();
            assert_eq!(
                (cpu, mem),
                (h.cpu_reserved, h.memory_reserved_mib),
                "scenario {i} {}\n{text}",
                h.id
            );
            let mut ports: Vec<u16> = h.tasks.iter().flat_map(|t| t.host_ports.clone()).collect();
            let n = ports.len();
            ports.sort_unstable();
            ports.dedup();
            assert_eq!(ports.len(), n, "scenario {i} {}: a port shown twice", h.id);
        }
        let waiting_now = sim
            .tasks()
            .iter()
            .filter(|t| {
                t.state < TaskState::Deactivating && t.host.is_none() && !t.capacity.is_fargate()
            })
            .count() as u32;
        assert_eq!(
            snap.waiting.iter().map(|w| w.tasks).sum::<u32>(),
            waiting_now,
            "scenario {i}: {:?}\n{text}",
            snap.waiting
        );
        let mut live = vec![0u32; sc.services.len()];
        // Services replacing tasks of a DRAINING instance may run up to maximumPercent (200 %).
        let mut rolling = vec![false; sc.services.len()];
        for t in sim
            .tasks()
            .iter()
            .filter(|t| t.state < TaskState::Deactivating)
        {
            live[t.service.index()] += 1;
            rolling[t.service.index()] |= t.host.is_some_and(|h| {
                sim.instances()[h.index()].state == ecsim_core::instance::InstanceState::Draining
            });
        }
        let out = sim.finish();
        let im = &out.summary.images;
        pulls += im.pulls;
        cache_hits += im.cache_hits;
        retries += im.retries;
        for s in out.summary.services.values() {
            served += s.requests.served;
            failed += s.requests.failed;
        }
        if let Some(b) = out
            .summary
            .services
            .get("batch")
            .and_then(|s| s.batch.as_ref())
        {
            // Every task is done, given up, or still to finish (running, waiting or re-run).
            let left = out.summary.services["batch"].tasks.desired;
            assert_eq!(
                b.completed + b.gave_up + left,
                b.tasks,
                "scenario {i}: {b:?}\n{text}"
            );
            batch_done += b.completed;
        }
        for p in out.summary.capacity_providers.values() {
            asg_launched += p.instances_launched;
            scale_outs += p.scale_outs;
        }
        for (name, s) in &out.summary.services {
            // The scheduler keeps exactly `desired` tasks live (placed or waiting), or while it
            // replaces a draining instance's tasks, up to twice as many.
            let k = &s.tasks;
            let si = sc.services.iter().position(|x| &x.name == name).unwrap();
            let most = if rolling[si] {
                2 * k.desired
            } else {
                k.desired
            };
            assert!(
                (k.desired..=most).contains(&live[si]),
                "scenario {i} service {name}: {} live, {k:?}\n{text}",
                live[si]
            );
            assert!(
                k.running_end + k.pending_end <= most,
                "scenario {i} service {name}: {k:?}\n{text}"
            );
        }
    }
    // The generator must produce every outcome, or it tests only part of the rules.
    assert!(
        served > 10_000 && failed > 100,
        "served {served}, failed {failed}"
    );
    assert!(
        placed > 500 && waited > 500 && stopped > 100 && fargate > 100,
        "placed {placed}, waited {waited}, stopped {stopped}, on Fargate {fargate}"
    );
    assert!(
        pulls > 300 && cache_hits >= 5 && retries > 10,
        "pulls {pulls}, cache hits {cache_hits}, retries {retries}"
    );
    assert!(batch_done > 50, "batch tasks done {batch_done}");
    assert!(
        asg_launched > 30 && scale_outs > 10,
        "Auto Scaling launches {asg_launched}, managed scale-outs {scale_outs}"
    );
}
