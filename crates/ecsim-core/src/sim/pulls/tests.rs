//! The pulls subsystem alone: a network, its pulls and an event loop, without a cluster.

use super::*;

/// Two images on one base layer, pulled onto a host with a 100 MB/s link and a 20 MB/s
/// registry stream; `extract_mb_per_s` is left at its default.
fn scenario() -> Scenario {
    Scenario::parse(
        r#"
name = "pulls"
duration = "1h"
[[images]]
image = "a:1"
layers = [ { id = "base", size_mib = 100 }, { id = "a", size_mib = 50 } ]
[[images]]
image = "b:1"
layers = [ { id = "base", size_mib = 100 }, { id = "b", size_mib = 50 } ]
[[instance_groups]]
name = "g"
instance_type = "m5.large"
count = 1
[[task_definitions]]
family = "t"
containerDefinitions = [ { name = "a", image = "a:1", cpu = 64, memory = 32 }, { name = "b", image = "b:1", cpu = 64, memory = 32 } ]
[[services]]
serviceName = "s"
taskDefinition = "t"
desiredCount = 1
"#,
        "pulls.toml",
    )
    .unwrap()
}

/// Runs the loop until no event is left, handing the network's events to the pulls, and
/// gives when each pull finished extracting.
fn drive(
    pulls: &mut Pulls,
    engine: &mut EventLoop<Event>,
    sc: &Scenario,
) -> Vec<(PullId, SimTime)> {
    let mut done = Vec::new();
    while let Some(e) = engine.next_due().unwrap() {
        match e {
            Event::Pull(PullEvent::NetTick { net, generation }) => {
                if pulls.nets[net.index()].link.generation() == generation {
                    pulls.net_tick(net, engine, sc);
                }
            }
            Event::Pull(PullEvent::Extracted { pull }) => {
                done.push((pull, engine.now()));
                pulls.release_dependents(pull, engine, sc);
            }
            other => panic!("the pulls scheduled {other:?}"),
        }
    }
    done
}

#[test]
fn two_pulls_on_one_host_fetch_a_shared_layer_once_and_the_second_extracts_after_it() {
    let sc = scenario();
    let cache = ImageCache::new(&sc.images);
    let net = Net::new(cache, 100.0, 20.0, Stream::new(1, "test"));
    let mut pulls = Pulls::new(vec![net]);
    let mut engine = EventLoop::new(SimTime::ZERO + SimDuration::from_secs(3600));
    let (a, b) = (sc.images.id("a:1").unwrap(), sc.images.id("b:1").unwrap());
    let n = NetId(0);
    let now = SimTime::ZERO;
    let pa = pulls.begin(n, a, PullBehavior::Default, (TaskId(0), 0), now);
    let pb = pulls.begin(n, b, PullBehavior::Default, (TaskId(1), 0), now);
    // A third task wanting `a` joins the first pull rather than starting its own.
    assert!(pulls.join(n, a, (TaskId(2), 0)));
    pulls.manifest_in(pa, &mut engine, &sc);
    pulls.manifest_in(pb, &mut engine, &sc);
    let done = drive(&mut pulls, &mut engine, &sc);
    // Three layers, not four: `b` waited for `a`'s base.
    assert_eq!(pulls.stats.layers_downloaded, 3);
    assert_eq!(pulls.stats.joined, 1);
    assert_eq!(pulls.list[pb.index()].own.len(), 1);
    assert_eq!(pulls.list[pb.index()].deps, 0, "released when `a` finished");
    let at = |p: PullId| done.iter().find(|d| d.0 == p).unwrap().1;
    // Three downloads of 104.9, 52.4 and 52.4 MB at 20 MB/s each (three share the 100 MB/s
    // link, so the stream cap binds): the base ends last. `a` then extracts its two layers
    // in order; `b` extracts its own layer on top, once `a` is done.
    let (base, own) = (100.0 * MB_PER_MIB, 50.0 * MB_PER_MIB);
    let x = sc.spec.model.extract_mb_per_s;
    let secs = |p: PullId| at(p).since(SimTime::ZERO).as_secs_f64();
    let a_end = base / 20.0 + (base + own) / x;
    assert!((secs(pa) - a_end).abs() < 1e-6, "{} vs {a_end}", secs(pa));
    assert!((secs(pb) - (a_end + own / x)).abs() < 1e-6, "{done:?}");
}

#[test]
fn a_lost_host_voids_the_networks_planned_completion() {
    let sc = scenario();
    let net = Net::new(
        ImageCache::new(&sc.images),
        100.0,
        20.0,
        Stream::new(1, "t"),
    );
    let mut pulls = Pulls::new(vec![net]);
    let mut engine = EventLoop::new(SimTime::ZERO + SimDuration::from_secs(3600));
    let a = sc.images.id("a:1").unwrap();
    let p = pulls.begin(
        NetId(0),
        a,
        PullBehavior::Default,
        (TaskId(0), 0),
        SimTime::ZERO,
    );
    pulls.manifest_in(p, &mut engine, &sc);
    pulls.nets[0].drop_downloads();
    // The tick planned before is stale, so nothing is downloaded and nothing extracts.
    let done = drive(&mut pulls, &mut engine, &sc);
    assert!(done.is_empty(), "{done:?}");
    assert_eq!(pulls.stats.layers_downloaded, 0);
    assert!(pulls.nets[0].inflight.is_empty());
}
