//! Invariants over many random scenarios: no instance over its registered CPU, memory or ENIs, no
//! host port given twice or reserved, tasks only along legal lifecycle transitions, time never
//! back, every request served, failed or in flight (all checked after every event by
//! `run_checked`), and at the end the scheduler holds exactly the desired tasks.

use ecsim_core::rng::Stream;
use ecsim_core::task::TaskState;
use ecsim_tests::{parse, random_scenario, run_checked};

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
