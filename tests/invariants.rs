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
        s += &format!(
            "[[instance_groups]]\nname = \"g{g}\"\ninstance_type = \"{}\"\ncount = {}\nlaunch_at = \"{}s\"\necs_config = \"\"\"\n{range}{cluster}ECS_RESERVED_MEMORY={}\n\"\"\"\n",
            types[r.below(5) as usize],
            r.below(5),
            r.below(120),
            r.below(1024)
        );
    }
    let strategies = [
        "",
        r#"placementStrategy = [{ type = "binpack", field = "cpu" }]"#,
        r#"placementStrategy = [{ type = "binpack", field = "memory" }, { type = "spread", field = "instanceId" }]"#,
        r#"placementStrategy = [{ type = "random" }]"#,
        r#"placementStrategy = [{ type = "spread", field = "attribute:ecs.instance-type" }]"#,
    ];
    for sv in 0..1 + r.below(3) {
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
        s += &format!(
            "[[task_definitions]]\nfamily = \"td{sv}\"\nnetworkMode = \"{mode}\"\ncontainerDefinitions = [ {{ name = \"c\", image = \"img{}\", cpu = {}, memory = {}{port} }} ]\n\
             [[services]]\nserviceName = \"s{sv}\"\ntaskDefinition = \"td{sv}\"\ndesiredCount = {}\nstartAt = \"{}s\"\n{}\n{constraint}\n\
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
    s
}

#[test]
fn random_scenarios_keep_every_invariant() {
    let mut r = Stream::new(42, "random-scenarios");
    let (mut placed, mut waited, mut stopped) = (0, 0, 0);
    let (mut served, mut failed) = (0, 0);
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
            } else {
                assert!(
                    t.pending_reason.is_some(),
                    "scenario {i}: task {} waits without a reason\n{text}",
                    t.id.0
                );
                waited += 1;
            }
        }
        let mut live = vec![0u32; sc.services.len()];
        for t in sim
            .tasks()
            .iter()
            .filter(|t| t.state < TaskState::Deactivating)
        {
            live[t.service.index()] += 1;
        }
        let out = sim.finish();
        for s in out.summary.services.values() {
            served += s.requests.served;
            failed += s.requests.failed;
        }
        for (name, s) in &out.summary.services {
            // The scheduler keeps exactly `desired` tasks live (placed or waiting).
            let k = &s.tasks;
            let si = sc.services.iter().position(|x| &x.name == name).unwrap();
            assert_eq!(
                live[si], k.desired,
                "scenario {i} service {name}: {k:?}\n{text}"
            );
            assert!(
                k.running_end + k.pending_end <= k.desired,
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
        placed > 500 && waited > 500 && stopped > 100,
        "placed {placed}, waited {waited}, stopped {stopped}"
    );
}
