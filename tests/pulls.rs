//! Image pulls: a cold pull's time, the host's layer cache and `ECS_IMAGE_PULL_BEHAVIOR`, layers shared
//! between images, pulls sharing the host's network, registry outages and the agent's retries,
//! image cleanup, and the `ecr-pulls` lesson.

use ecsim_core::log::LogKind;
use ecsim_tests::kit::*;
use ecsim_tests::run_checked;

#[test]
fn a_cold_pull_takes_size_over_bandwidth_plus_overhead() {
    // One 600 MiB layer: 0.5 s manifest, 629.1 MB at 15 MB/s (41.94 s), extracted at 80 MB/s
    // (7.86 s). The host's 0.75 Gbps (93.75 MB/s) does not limit one download.
    let sim = run_checked(&Sc::default().parse(), None);
    let t = &sim.tasks()[0];
    let pull = secs(t.pull_done_at) - secs(t.placed_at);
    let mb = 600.0 * 1.048_576;
    let expected = 0.5 + mb / 15.0 + mb / 80.0;
    assert!((pull - expected).abs() < 1e-6, "{pull} vs {expected}");
    let out = sim.finish();
    assert_eq!(out.summary.images.pulls, 1);
    assert_eq!(out.summary.images.mib_downloaded, 600.0);
}

/// Two tasks of the same image on one host, the second placed 5 minutes after the first.
#[test]
fn a_second_task_on_the_host_uses_the_cache_with_prefer_cached_or_once() {
    let c = Sc::default().container;
    for behaviour in ["prefer-cached", "once"] {
        let cfg = format!("ECS_IMAGE_PULL_BEHAVIOR={behaviour}");
        let out = second_task(&cfg, "", "", c);
        let im = &out.summary.images;
        assert_eq!((im.pulls, im.cache_hits), (1, 1), "{behaviour}: {im:?}");
        assert_eq!(out.summary.services["app"].tasks.running_end, 2);
        assert!(out
            .log
            .entries
            .iter()
            .any(|e| e.kind == LogKind::ImageCached
                && e.message
                    .contains(&format!("ECS_IMAGE_PULL_BEHAVIOR={behaviour}"))));
    }
    // `default` pulls again, but every layer is on the host: only the manifest is fetched.
    let out = second_task("", "", "", c);
    let im = &out.summary.images;
    assert_eq!((im.pulls, im.cache_hits), (2, 0), "{im:?}");
    assert_eq!((im.mib_downloaded, im.mib_from_cache), (600.0, 600.0));
}

#[test]
fn images_sharing_a_base_download_it_once_per_host() {
    let rest = r#"
[[images]]
image = "web:1"
layers = [{ id = "al2023", size_mib = 400 }, { id = "web-1", size_mib = 50 }]
[[images]]
image = "api:1"
layers = [{ id = "al2023", size_mib = 400 }, { id = "api-1", size_mib = 30 }]
"#;
    let c = r#"{ name = "w", image = "web:1", cpu = 128, memory = 64 }, { name = "a", image = "api:1", cpu = 128, memory = 64 }"#;
    let out = Sc {
        container: c,
        rest,
        ..Default::default()
    }
    .run();
    let im = &out.summary.images;
    // The two pulls start together: the second waits for the base the first is fetching.
    assert_eq!(im.layers_downloaded, 3, "{im:?}");
    assert_eq!(im.mib_downloaded, 480.0);
    assert_eq!(out.summary.services["app"].tasks.running_end, 1);
}

/// `[[images]]` tables: `name:1` for each name, one layer of 300 MiB.
fn images_of_300_mib(names: &[&str]) -> String {
    names
        .iter()
        .map(|n| format!("[[images]]\nimage = \"{n}:1\"\nsize_mib = 300\n"))
        .collect()
}

#[test]
fn concurrent_pulls_share_the_hosts_network() {
    // t3.medium's 0.256 Gbps is 32 MB/s: one layer alone downloads at 15 MB/s, three at once get
    // 10.67 MB/s each.
    let rest = &images_of_300_mib(&["a", "b", "c"]);
    let pull_time = |container: &str| {
        let sim = run_checked(
            &Sc {
                itype: "t3.medium",
                container,
                rest,
                ..Default::default()
            }
            .parse(),
            None,
        );
        let t = &sim.tasks()[0];
        secs(t.pull_done_at) - secs(t.placed_at)
    };
    let one = pull_time(r#"{ name = "a", image = "a:1", cpu = 128, memory = 64 }"#);
    let three = pull_time(
        r#"{ name = "a", image = "a:1", cpu = 128, memory = 64 }, { name = "b", image = "b:1", cpu = 128, memory = 64 }, { name = "c", image = "c:1", cpu = 128, memory = 64 }"#,
    );
    let mb = 300.0 * 1.048_576;
    assert!((one - (0.5 + mb / 15.0 + mb / 80.0)).abs() < 1e-6, "{one}");
    let shared = 0.5 + mb / (32.0 / 3.0) + mb / 80.0;
    assert!((three - shared).abs() < 1e-3, "{three} vs {shared}");
}

/// Issue 15, departure 8: Docker's limit of 3 concurrent layer downloads is the daemon's, so
/// pulls on one host share it (docs/ecs-facts.md §12). Four one-layer images for one task on an
/// m5.large (93.75 MB/s, more than four 15 MB/s downloads need): three download at once, the
/// fourth when one of them is done.
#[test]
fn the_concurrent_download_limit_is_shared_by_the_hosts_pulls() {
    let rest = &images_of_300_mib(&["a", "b", "c", "d"]);
    let c = |n: &str| format!(r#"{{ name = "{n}", image = "{n}:1", cpu = 128, memory = 64 }}"#);
    let container = ["a", "b", "c", "d"].map(c).join(", ");
    let sim = run_checked(
        &Sc {
            container: &container,
            rest,
            ..Default::default()
        }
        .parse(),
        None,
    );
    let t = &sim.tasks()[0];
    let pull = secs(t.pull_done_at) - secs(t.placed_at);
    let mb = 300.0 * 1.048_576;
    let queued = 0.5 + 2.0 * mb / 15.0 + mb / 80.0;
    assert!((pull - queued).abs() < 1e-3, "{pull} vs {queued}");
}

#[test]
fn registry_outages_are_retried_and_default_falls_back_to_the_cache() {
    // The registry goes down at 5 min for 10 min; the second task's pull (at 6 min) fails five
    // times. `default` uses the image the first task pulled; `always` fails the task.
    let outage = "[[registry_outages]]\nregistry = \"docker.io\"\nfrom = \"5m\"\nuntil = \"15m\"\n";
    let rest = format!("{}{outage}", Sc::default().rest);
    let c = Sc::default().container;
    let default = second_task("", "", "", c);
    assert_eq!(default.summary.images.retries, 0, "no outage yet");
    let run_with = |cfg: &str| {
        let scale = scale_to(2, "6m");
        let rest = format!("{rest}{scale}");
        Sc {
            ecs_config: cfg,
            rest: &rest,
            ..Default::default()
        }
        .run()
    };
    let fallback = run_with("");
    let im = &fallback.summary.images;
    assert_eq!(
        (im.retries, im.fell_back_to_cache, im.failed),
        (4, 1, 0),
        "{im:?}"
    );
    assert_eq!(fallback.summary.services["app"].tasks.running_end, 2);
    let always = run_with("ECS_IMAGE_PULL_BEHAVIOR=always");
    let s = &always.summary.services["app"];
    assert!(s.failed_reasons.contains_key("CannotPullContainerError"));
    assert!(always.summary.images.failed >= 1);
    assert!(always
        .log
        .entries
        .iter()
        .any(|e| e.message.contains("failed after 5 attempts")));
}

#[test]
fn image_cleanup_removes_idle_images_and_once_pulls_them_again() {
    // The only task stops at 10 min (scale to 0) and a new one starts at 5 h: by then the
    // stopped task's containers were cleaned up (3 h) and the image is past its minimum age, so
    // a 30-minute cleanup cycle removed it, and `once` pulls it again.
    let rest = format!(
        "{}{}{}",
        Sc::default().rest,
        scale_to(0, "10m"),
        scale_to(1, "5h")
    );
    let run_with = |cfg: &str| {
        Sc {
            duration: "6h",
            ecs_config: cfg,
            rest: &rest,
            ..Default::default()
        }
        .run()
    };
    let cleaned = run_with("ECS_IMAGE_PULL_BEHAVIOR=once");
    let im = &cleaned.summary.images;
    assert_eq!(
        (im.images_cleaned, im.pulls, im.cache_hits),
        (1, 2, 0),
        "{im:?}"
    );
    let kept = run_with("ECS_IMAGE_PULL_BEHAVIOR=once\nECS_DISABLE_IMAGE_CLEANUP=true");
    let im = &kept.summary.images;
    assert_eq!(
        (im.images_cleaned, im.pulls, im.cache_hits),
        (0, 1, 1),
        "{im:?}"
    );
    // A long task-cleanup wait keeps the image in use past the second start.
    let waited = run_with("ECS_IMAGE_PULL_BEHAVIOR=once\nECS_ENGINE_TASK_CLEANUP_WAIT_DURATION=6h");
    assert_eq!(waited.summary.images.images_cleaned, 0);
}

#[test]
fn a_refused_image_fails_the_task_before_any_other_pull_starts() {
    // The first image is public and tiny, the second from a private registry without
    // credentials: the task must never run.
    let c = r#"{ name = "a", image = "tiny:1", cpu = 64, memory = 64 }, { name = "b", image = "registry.example.com/app:1", cpu = 64, memory = 64 }"#;
    let rest = "private_registries = [\"registry.example.com\"]\n[[images]]\nimage = \"tiny:1\"\nsize_mib = 1\n[model]\ncontainer_start = { dist = \"constant\", value = \"100ms\" }\n";
    let sim = run_checked(
        &Sc {
            container: c,
            rest,
            ..Default::default()
        }
        .parse(),
        None,
    );
    assert!(sim
        .tasks()
        .iter()
        .all(|t| t.running_at.is_none() && t.pull_done_at.is_none()));
    let out = sim.finish();
    assert_eq!(out.summary.services["app"].tasks.started, 0);
    assert_eq!(out.summary.images.pulls, 0);
}

#[test]
fn an_awsvpc_task_on_ec2_waits_for_its_eni_before_pulling() {
    let sim = run_checked(
        &Sc {
            taskdef: "networkMode = \"awsvpc\"",
            ..Default::default()
        }
        .parse(),
        None,
    );
    let t = &sim.tasks()[0];
    let attach = secs(t.placed_at) - t.created_at.as_secs_f64();
    assert!((3.0..=7.0).contains(&attach), "{attach}");
}

#[test]
fn the_ecr_pulls_lesson_shows_cold_warm_and_fargate_starts() {
    let out = lesson("ecr-pulls");
    let s = &out.summary;
    assert!(s.objectives.iter().all(|o| o.held), "{:#?}", s.objectives);
    let pull = |svc: &str| s.services[svc].startup_breakdown_s.pull.unwrap();
    assert!(pull("infer-fargate") > pull("infer-cold") && pull("infer-cold") > pull("infer-warm"));
    // The first cold tasks spend most of their start-up pulling.
    let cold = &s.services["infer-cold"].startup_s;
    assert!(cold.max.unwrap() > 10.0 * cold.min.unwrap(), "{cold:?}");
}
