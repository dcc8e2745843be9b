//! Invariants over many random scenarios: no instance over its registered CPU, memory or ENIs, no
//! host port given twice or reserved, tasks only along legal lifecycle transitions, time never
//! back (all checked after every event by `run_checked`), and at the end every desired task is
//! either running or waiting with a reason.

use ecsim_core::rng::Stream;
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
             [[services]]\nserviceName = \"s{sv}\"\ntaskDefinition = \"td{sv}\"\ndesiredCount = {}\nstartAt = \"{}s\"\n{}\n{constraint}\n",
            r.below(3),
            64 * (1 + r.below(24)),
            64 * (1 + r.below(60)),
            r.below(30),
            r.below(60), // before the end of the run (at least 60 s)
            strategies[r.below(5) as usize],
        );
    }
    s
}

#[test]
fn random_scenarios_keep_every_invariant() {
    let mut r = Stream::new(42, "random-scenarios");
    let mut placed = 0;
    let mut waited = 0;
    for i in 0..300 {
        let text = random_scenario(&mut r);
        let sc = parse(&text);
        let sim = run_checked(&sc, Some(i));
        for t in sim.tasks() {
            // Every task is running, on its way (placed), or waiting with a reason.
            assert!(
                t.host.is_some() || t.pending_reason.is_some(),
                "scenario {i}: task {} has neither host nor reason\n{text}",
                t.id.0
            );
            if t.host.is_some() {
                placed += 1;
            } else {
                waited += 1;
            }
        }
        let out = sim.finish();
        for (name, s) in &out.summary.services {
            let k = &s.tasks;
            assert_eq!(
                k.running_end + k.pending_end,
                k.desired,
                "scenario {i} service {name}\n{text}"
            );
        }
    }
    // The generator must produce both outcomes, or it tests only half of the rules.
    assert!(
        placed > 500 && waited > 500,
        "placed {placed}, waited {waited}"
    );
}
