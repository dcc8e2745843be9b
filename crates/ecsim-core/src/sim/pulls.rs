//! Image pulls: the manifest, layer downloads sharing a network, extraction, and the agent's
//! retries.
//!
//! A pull of an image onto a network (an instance's, or a Fargate task's own) begins once the
//! puller may pull (`sim/registry_auth.rs`: registry credentials, IAM, the ECR token), then
//! fetches the manifest, then downloads the layers the network's cache lacks. The limit of
//! `model.concurrent_layer_downloads` is the Docker daemon's, shared by every pull on the host
//! (docs/ecs-facts.md §12 "Docker concurrent layer downloads"): layers queue in the order their
//! pulls asked for them, and start as downloads before them finish. Downloads in flight on one network share its
//! bandwidth equally, each at most `model.registry_mb_per_s` (`crate::network`). A layer another
//! pull on the same host is fetching is not fetched twice: the second pull waits for the first.
//! Layers extract one after another in manifest order once downloaded. A registry outage fails
//! the manifest request; the agent retries with backoff (`registry::pull_backoff`), and after
//! the last attempt `default` falls back to a cached image while the others fail the task with
//! `CannotPullContainerError`. When every image is in, the containers start
//! (`sim/container_start.rs`).
//!
//! The subsystem's state is `Pulls`: the networks (each with its cache, ECR tokens and its own
//! random stream), every pull begun, and the statistics. The download and extraction machinery
//! is `impl Pulls` and takes only the event loop and the scenario; the steps that touch tasks
//! (which tasks wait, which fail) are the `impl Simulation` handlers below it.

use super::event::{InstanceEvent, PullEvent, TaskEvent};
use super::snapshot::PullSnapshot;
use super::{Event, Simulation};
use crate::image_cache::{ImageCache, LayerState, PullBehavior};
use crate::images::ImageCatalog;
use crate::log::LogKind;
use crate::network::Network;
use crate::registry::{self, is_ecr, ECR_TOKEN_LIFETIME, PULL_ATTEMPTS};
use crate::rng::{DurationDist, Stream};
use crate::scenario::Scenario;
use crate::task::StartError;
use crate::time::{SimDuration, SimTime};
use crate::units::HostId;
use crate::units::{ImageId, LayerId, NetId, PullId, TaskId};
use ecsim_engine::EventLoop;
use std::collections::VecDeque;

/// MiB to MB (registry and network rates are in MB/s).
const MB_PER_MIB: f64 = 1.048_576;
/// A network images are pulled over, with the cache of what is on its host.
#[derive(Debug, Clone)]
pub(super) struct Net {
    pub(super) cache: ImageCache,
    /// The layer downloads in flight, sharing the network's bandwidth.
    pub(super) link: Network<(PullId, LayerId)>,
    /// How many layers are downloading: the daemon's limit counts them all.
    downloading: u32,
    /// Pulls with layers not yet started, in the order they asked (the daemon's queue).
    queue: VecDeque<PullId>,
    /// Bumped when its host goes: pulls begun before are void.
    host_life: u32,
    /// Pulls in flight, by image: a second task of the image joins the first's pull.
    inflight: Vec<(ImageId, PullId)>,
    /// ECR auth tokens held, by role: when the token arrives and when it expires.
    tokens: Vec<(Option<String>, SimTime, SimTime)>,
    /// The draws of the pulls over this network alone: manifest and token round trips, retry
    /// jitter.
    rng: Stream,
}

impl Net {
    pub(super) fn new(
        cache: ImageCache,
        bandwidth_mb_s: f64,
        stream_cap_mb_s: f64,
        rng: Stream,
    ) -> Self {
        Net {
            cache,
            link: Network::new(bandwidth_mb_s, stream_cap_mb_s),
            downloading: 0,
            queue: VecDeque::new(),
            host_life: 0,
            inflight: Vec::new(),
            tokens: Vec::new(),
            rng,
        }
    }

    /// Its host is gone: downloads stop, and the planned tick is void.
    pub(super) fn drop_downloads(&mut self) {
        self.link.clear();
        self.downloading = 0;
        self.queue.clear();
        self.inflight.clear();
        self.host_life = self.host_life.wrapping_add(1);
    }

    /// How long until an ECR auth token for `role` is held here: none if one is, the rest of
    /// the wait if one is on its way, else a fresh fetch (drawn from `fetch`); and whether it
    /// was fetched now. A token lasts 12 h (docs/ecs-facts.md §9).
    pub(super) fn ecr_token(
        &mut self,
        role: Option<String>,
        now: SimTime,
        fetch: &DurationDist,
    ) -> (SimDuration, bool) {
        if let Some((_, ready, expiry)) = self.tokens.iter().find(|(r, _, _)| *r == role) {
            if *expiry > now {
                return (ready.since(now), false);
            }
        }
        let d = fetch.sample(&mut self.rng);
        self.tokens.retain(|(r, _, _)| *r != role);
        self.tokens
            .push((role, now + d, now + d + ECR_TOKEN_LIFETIME));
        (d, true)
    }

    /// A new instance in the slot: nothing in flight, the AMI's cache, no auth tokens.
    pub(super) fn new_host(&mut self, cache: ImageCache, now: SimTime) {
        self.link.reset(now);
        self.downloading = 0;
        self.queue.clear();
        self.inflight.clear();
        self.host_life = self.host_life.wrapping_add(1);
        self.cache = cache;
        self.tokens.clear();
    }
}

/// The pulls subsystem: the networks images are pulled over, every pull begun, and what the
/// pulls did.
#[derive(Debug, Clone)]
pub(super) struct Pulls {
    /// One per instance slot (same index), then one per Fargate task.
    pub(super) nets: Vec<Net>,
    /// Every pull begun, by `PullId`.
    list: Vec<Pull>,
    pub(super) stats: PullStats,
}

impl Pulls {
    pub(super) fn new(nets: Vec<Net>) -> Self {
        Pulls {
            nets,
            list: Vec::new(),
            stats: PullStats::default(),
        }
    }

    /// A task joins the pull of `image` in flight on `net`, if there is one.
    fn join(&mut self, net: NetId, image: ImageId, task: (TaskId, u32)) -> bool {
        let Some(&(_, p)) = self.nets[net.index()]
            .inflight
            .iter()
            .find(|(i, _)| *i == image)
        else {
            return false;
        };
        self.list[p.index()].tasks.push(task);
        self.stats.joined += 1;
        true
    }

    /// A pull of `image` onto `net` begins now, for `task`; its manifest is asked for.
    fn begin(
        &mut self,
        net: NetId,
        image: ImageId,
        behavior: PullBehavior,
        task: (TaskId, u32),
        now: SimTime,
    ) -> PullId {
        let p = PullId(self.list.len() as u32);
        let n = &mut self.nets[net.index()];
        n.inflight.push((image, p));
        self.list.push(Pull {
            net,
            net_generation: n.host_life,
            image,
            behavior,
            tasks: vec![task],
            own: Vec::new(),
            started_layers: 0,
            downloads_left: 0,
            deps: 0,
            dependents: Vec::new(),
            started: now,
            manifest_at: now,
            deps_done_at: SimTime::ZERO,
            downloaded: Vec::new(),
            extracting: false,
            attempts: 0,
            cached_mib: 0.0,
        });
        p
    }

    /// The manifest is in: each layer is on the host already, being fetched by another pull
    /// (this one waits for it), or this pull's to download.
    fn manifest_in(&mut self, p: PullId, engine: &mut EventLoop<Event>, sc: &Scenario) {
        let (im, net) = (self.list[p.index()].image, self.list[p.index()].net);
        self.list[p.index()].manifest_at = engine.now();
        for &l in &sc.images.image(im).layers {
            match self.nets[net.index()].cache.layer(l) {
                LayerState::Present => {
                    self.list[p.index()].cached_mib += sc.images.layer(l).size_mib
                }
                LayerState::Fetching(q) if q != p => {
                    let other = &mut self.list[q.index()];
                    if !other.dependents.contains(&p) {
                        other.dependents.push(p);
                        self.list[p.index()].deps += 1;
                    }
                }
                LayerState::Fetching(_) => {}
                LayerState::Absent => {
                    self.nets[net.index()]
                        .cache
                        .set_layer(l, LayerState::Fetching(p));
                    self.list[p.index()].own.push(l);
                }
            }
        }
        let pull = &mut self.list[p.index()];
        pull.downloads_left = pull.own.len() as u32;
        self.start_downloads(p, engine, sc);
        self.maybe_extract(p, engine, sc);
    }

    /// The pull's layers join its network's queue, and downloads start up to the daemon's limit.
    fn start_downloads(&mut self, p: PullId, engine: &mut EventLoop<Event>, sc: &Scenario) {
        let pull = &self.list[p.index()];
        let net = pull.net;
        if pull.started_layers < pull.own.len() {
            self.nets[net.index()].queue.push_back(p);
        }
        self.fill(net, engine, sc);
    }

    /// Starts queued layers on the network, first asked first, while fewer than the daemon's
    /// limit download.
    fn fill(&mut self, net: NetId, engine: &mut EventLoop<Event>, sc: &Scenario) {
        let limit = sc.spec.model.concurrent_layer_downloads;
        let now = engine.now();
        let mut started = false;
        while self.nets[net.index()].downloading < limit {
            let Some(&p) = self.nets[net.index()].queue.front() else {
                break;
            };
            let pull = &mut self.list[p.index()];
            if pull.started_layers == pull.own.len() {
                self.nets[net.index()].queue.pop_front();
                continue;
            }
            let l = pull.own[pull.started_layers];
            pull.started_layers += 1;
            let mb = sc.images.layer(l).size_mib * MB_PER_MIB;
            let n = &mut self.nets[net.index()];
            n.downloading += 1;
            n.link.start(now, (p, l), mb);
            started = true;
        }
        if started {
            self.reschedule_net(net, engine);
        }
    }

    /// Plans the network's next download completion (an earlier plan is void).
    fn reschedule_net(&mut self, net: NetId, engine: &mut EventLoop<Event>) {
        if let Some((at, generation)) = self.nets[net.index()].link.plan(engine.now()) {
            engine.schedule(at, Event::Pull(PullEvent::NetTick { net, generation }));
        }
    }

    /// Downloads on the network finish: their layers are on the host, their pulls start the
    /// next ones, and a pull with all its layers in begins extracting.
    pub(super) fn net_tick(&mut self, net: NetId, engine: &mut EventLoop<Event>, sc: &Scenario) {
        let now = engine.now();
        let finished = self.nets[net.index()].link.finish(now);
        for &(p, layer) in &finished {
            self.nets[net.index()]
                .cache
                .set_layer(layer, LayerState::Present);
            self.stats.layers_downloaded += 1;
            self.stats.mib_downloaded += sc.images.layer(layer).size_mib;
            self.nets[net.index()].downloading -= 1;
            let pull = &mut self.list[p.index()];
            pull.downloads_left -= 1;
            pull.downloaded.push((layer, now));
        }
        self.fill(net, engine, sc);
        for &(p, _) in &finished {
            self.maybe_extract(p, engine, sc);
        }
        self.reschedule_net(net, engine);
    }

    /// Once its downloads are done and the pulls it waits on have finished, the pull's layers
    /// extract one after another; the pull ends when the last is extracted.
    fn maybe_extract(&mut self, p: PullId, engine: &mut EventLoop<Event>, sc: &Scenario) {
        let pull = &self.list[p.index()];
        if pull.extracting
            || pull.downloads_left > 0
            || pull.deps > 0
            || pull.started_layers < pull.own.len()
        {
            return;
        }
        let now = engine.now();
        let rate = sc.spec.model.extract_mb_per_s;
        // Its own layers go on top of the shared ones other pulls extract.
        let mut t = pull.manifest_at.max(pull.deps_done_at);
        for &l in &pull.own {
            let got = pull
                .downloaded
                .iter()
                .find(|(x, _)| *x == l)
                .map_or(now, |x| x.1);
            t = t.max(got)
                + SimDuration::from_secs_f64(sc.images.layer(l).size_mib * MB_PER_MIB / rate);
        }
        self.list[p.index()].extracting = true;
        engine.schedule(t.max(now), Event::Pull(PullEvent::Extracted { pull: p }));
    }

    /// The pull is done: the pulls that waited on its layers may extract now.
    fn release_dependents(&mut self, p: PullId, engine: &mut EventLoop<Event>, sc: &Scenario) {
        let dependents = std::mem::take(&mut self.list[p.index()].dependents);
        for d in dependents {
            let dep = &mut self.list[d.index()];
            dep.deps -= 1;
            dep.deps_done_at = engine.now();
            self.maybe_extract(d, engine, sc);
        }
    }

    /// The pulls under way on a network, for a snapshot: the image, its layers downloaded of
    /// those it downloads (known once the manifest is in), and the tasks waiting for it.
    pub(super) fn snapshot(&self, net: usize, images: &ImageCatalog) -> Vec<PullSnapshot> {
        self.nets[net]
            .inflight
            .iter()
            .map(|&(im, p)| {
                let pull = &self.list[p.index()];
                PullSnapshot {
                    image: images.image(im).reference.clone(),
                    layers_done: pull.downloaded.len() as u32,
                    layers: pull.own.len() as u32,
                    tasks: pull.tasks.len() as u32,
                }
            })
            .collect()
    }
}

#[derive(Debug, Clone)]
struct Pull {
    net: NetId,
    /// The network's generation when the pull began: a host terminated since voids it.
    net_generation: u32,
    image: ImageId,
    behavior: PullBehavior,
    /// Tasks waiting for it, with their generation when they asked.
    tasks: Vec<(TaskId, u32)>,
    /// Layers this pull downloads, in manifest order, and how many have started.
    own: Vec<LayerId>,
    started_layers: usize,
    downloads_left: u32,
    /// Other pulls fetching layers this one needs, and the pulls waiting on this one.
    deps: u32,
    dependents: Vec<PullId>,
    started: SimTime,
    manifest_at: SimTime,
    /// When the last pull it waited on finished (its shared layers extracted).
    deps_done_at: SimTime,
    /// When each of `own` finished downloading.
    downloaded: Vec<(LayerId, SimTime)>,
    /// Its extraction is planned: it ends once.
    extracting: bool,
    attempts: u32,
    cached_mib: f64,
}

/// What the pulls of a run did, for the summary.
#[derive(Debug, Clone, Default)]
pub(super) struct PullStats {
    pub(super) pulls: u64,
    pub(super) joined: u64,
    pub(super) cache_hits: u64,
    pub(super) layers_downloaded: u64,
    pub(super) mib_downloaded: f64,
    pub(super) mib_from_cache: f64,
    pub(super) auth_tokens: u64,
    pub(super) retries: u64,
    pub(super) failed: u64,
    pub(super) fell_back_to_cache: u64,
    pub(super) images_cleaned: u64,
}

impl Simulation {
    /// The task's image pulls begin (it is placed, or its Fargate host is ready). Images the
    /// pull behaviour lets it use from the cache need nothing; the others are pulled, or join a
    /// pull of the same image in flight on the same network.
    pub(super) fn start_task_pulls(&mut self, t: TaskId) {
        let Some(net) = self.tasks[t.index()].net else {
            return;
        };
        let tdi = self.tasks[t.index()].taskdef.index();
        let behavior = match self.tasks[t.index()].host {
            Some(h) => self.instances[h.index()].agent.image_pull_behavior,
            // Fargate pulls the whole image every time (docs/ecs-facts.md §7 "Fargate caching").
            None => PullBehavior::Always,
        };
        let generation = self.tasks[t.index()].generation;
        self.tasks[t.index()].pulls_left = 0;
        let images = self.sc.taskdef_images[tdi].clone();
        // A refusal for any image fails the task before any of its pulls begins.
        if let Some(reason) = images.iter().find_map(|&im| self.pull_denied(t, im)) {
            // The registry refuses the request: the pull fails at once (an assumption: one
            // second for the round trip; the agent does not retry an authorisation error).
            self.tasks[t.index()].stopped_reason = Some(reason);
            self.tasks[t.index()].start_error = Some(StartError::CannotPullContainerError);
            self.engine.schedule(
                self.engine.now() + SimDuration::from_secs(1),
                Event::task(t, generation, TaskEvent::StartFailed),
            );
            return;
        }
        for (k, &im) in images.iter().enumerate() {
            if images[..k].contains(&im) {
                continue;
            }
            let n = &mut self.pulls.nets[net.index()];
            if !n.cache.needs_pull(behavior, im) {
                self.pulls.stats.cache_hits += 1;
                if self.log.has_room() {
                    let msg = format!(
                        "{} is cached on {}: no pull (ECS_IMAGE_PULL_BEHAVIOR={})",
                        self.sc.images.image(im).reference,
                        self.net_name(net),
                        behavior.name()
                    );
                    let host = self.tasks[t.index()].host;
                    self.push_log(LogKind::ImageCached, None, Some(t), host, msg);
                }
                continue;
            }
            self.tasks[t.index()].pulls_left += 1;
            if self.pulls.join(net, im, (t, generation)) {
                continue;
            }
            let now = self.engine.now();
            let p = self.pulls.begin(net, im, behavior, (t, generation), now);
            let mut delay = self
                .sc
                .spec
                .model
                .manifest_fetch
                .sample(&mut self.pulls.nets[net.index()].rng);
            if is_ecr(&self.sc.images.image(im).registry) {
                delay = delay + self.ecr_token(net, t);
            }
            self.engine.schedule(
                now + delay,
                Event::Pull(PullEvent::ManifestFetched { pull: p }),
            );
        }
        if self.tasks[t.index()].pulls_left == 0 {
            self.task_pulled(t);
        }
    }

    pub(super) fn net_name(&self, net: NetId) -> String {
        match self.instances.get(net.index()) {
            Some(i) => i.id.to_string(),
            None => "its Fargate host".to_string(),
        }
    }

    /// The manifest answer arrives, or the registry is down.
    pub(super) fn manifest_fetched(&mut self, p: PullId) {
        let im = self.pulls.list[p.index()].image;
        let net = self.pulls.list[p.index()].net;
        if self.pulls.list[p.index()].net_generation != self.pulls.nets[net.index()].host_life {
            return;
        }
        // Every task that wanted it has stopped: the agent drops the pull before fetching
        // layers (no other pull waits on it yet).
        let wanted = self.pulls.list[p.index()]
            .tasks
            .iter()
            .any(|&(t, g)| self.tasks[t.index()].generation == g);
        if !wanted {
            self.pulls.nets[net.index()]
                .inflight
                .retain(|&(_, q)| q != p);
            return;
        }
        let reg = self.sc.images.image(im).registry.clone();
        if self
            .sc
            .spec
            .registry_outages
            .iter()
            .any(|o| o.covers(&reg, self.engine.now()))
        {
            let pull = &mut self.pulls.list[p.index()];
            pull.attempts += 1;
            if pull.attempts < PULL_ATTEMPTS {
                let attempts = pull.attempts;
                self.pulls.stats.retries += 1;
                let rng = &mut self.pulls.nets[net.index()].rng;
                let jitter = 0.8 + 0.4 * rng.uniform();
                let wait = registry::pull_backoff(attempts, jitter);
                let again = wait + self.sc.spec.model.manifest_fetch.sample(rng);
                self.engine.schedule(
                    self.engine.now() + again,
                    Event::Pull(PullEvent::ManifestFetched { pull: p }),
                );
                let msg = format!(
                    "pull of {} on {}: registry {reg} unavailable (attempt {attempts} of {PULL_ATTEMPTS}); retrying in {:.1} s",
                    self.sc.images.image(im).reference,
                    self.net_name(net),
                    wait.as_secs_f64()
                );
                self.push_log(LogKind::ImagePullRetry, None, None, None, msg);
                return;
            }
            self.pull_gave_up(p, &reg);
            return;
        }
        self.pulls.manifest_in(p, &mut self.engine, &self.sc);
    }

    /// The last attempt failed: `default` uses the cached image if there is one; otherwise the
    /// tasks waiting fail to start.
    fn pull_gave_up(&mut self, p: PullId, reg: &str) {
        let (im, net, behavior) = {
            let pull = &self.pulls.list[p.index()];
            (pull.image, pull.net, pull.behavior)
        };
        let reference = self.sc.images.image(im).reference.clone();
        let n = &mut self.pulls.nets[net.index()];
        n.inflight.retain(|&(_, q)| q != p);
        if behavior == PullBehavior::Default && n.cache.is_present(im) {
            self.pulls.stats.fell_back_to_cache += 1;
            let msg = format!(
                "pull of {reference} on {} failed after {PULL_ATTEMPTS} attempts; using the cached image (ECS_IMAGE_PULL_BEHAVIOR=default)",
                self.net_name(net)
            );
            self.push_log(LogKind::ImagePullFallback, None, None, None, msg);
            self.pull_finished(p, false);
            return;
        }
        self.pulls.stats.failed += 1;
        let error = StartError::CannotPullContainerError;
        let reason = error.reason(&format!(
            "pull of {reference} failed after {PULL_ATTEMPTS} attempts: registry {reg} is unavailable"
        ));
        let waiting = std::mem::take(&mut self.pulls.list[p.index()].tasks);
        for (t, generation) in waiting {
            if self.tasks[t.index()].generation == generation {
                self.tasks[t.index()].stopped_reason = Some(reason.clone());
                self.tasks[t.index()].start_error = Some(error);
                self.stop(t, super::StopCause::FailedToStart);
            }
        }
    }

    /// The pull's image is on the host (or, with `from_registry` false, the cached copy is used).
    pub(super) fn pull_finished(&mut self, p: PullId, from_registry: bool) {
        let (im, net) = (
            self.pulls.list[p.index()].image,
            self.pulls.list[p.index()].net,
        );
        if self.pulls.list[p.index()].net_generation != self.pulls.nets[net.index()].host_life {
            return;
        }
        let n = &mut self.pulls.nets[net.index()];
        n.inflight.retain(|&(_, q)| q != p);
        if from_registry {
            n.cache.pulled(im, self.engine.now());
            self.pulls.stats.pulls += 1;
            let pull = &self.pulls.list[p.index()];
            self.pulls.stats.mib_from_cache += pull.cached_mib;
            if self.log.has_room() {
                let image = self.sc.images.image(im);
                let took = self.engine.now().since(pull.started).as_secs_f64();
                let msg = format!(
                    "pull of {} on {} took {took:.1} s, {:.0} MB of {:.0} MB from cache",
                    image.reference,
                    self.net_name(net),
                    pull.cached_mib * MB_PER_MIB,
                    image.size_mib * MB_PER_MIB
                );
                let first = pull.tasks.first().map(|x| x.0);
                let host = self.instances.get(net.index()).map(|i| i.id);
                self.push_log(LogKind::ImagePull, None, first, host, msg);
            }
        }
        self.pulls.release_dependents(p, &mut self.engine, &self.sc);
        let waiting = std::mem::take(&mut self.pulls.list[p.index()].tasks);
        for (t, generation) in waiting {
            let task = &mut self.tasks[t.index()];
            if task.generation != generation {
                continue;
            }
            task.pulls_left = task.pulls_left.saturating_sub(1);
            if task.pulls_left == 0 {
                self.task_pulled(t);
            }
        }
    }

    /// The agent's periodic image cleanup on an instance. Pulls and deletes exclude each other
    /// (docs/ecs-facts.md §3 "Concurrent pulls"): a cycle that finds a pull in flight is skipped.
    pub(super) fn image_cleanup(&mut self, host: HostId) {
        let settings = self.instances[host.index()].agent.image_cleanup;
        if !self.instances[host.index()].in_service() {
            return;
        }
        let removed = if self.pulls.nets[host.index()].inflight.is_empty() {
            self.pulls.nets[host.index()].cache.cleanup(
                &self.sc.images,
                &settings,
                self.engine.now(),
            )
        } else {
            Vec::new()
        };
        if !removed.is_empty() {
            self.pulls.stats.images_cleaned += removed.len() as u64;
            let names: Vec<&str> = removed
                .iter()
                .map(|&i| self.sc.images.image(i).reference.as_str())
                .collect();
            let id = self.instances[host.index()].id;
            let msg = format!("image cleanup on {id} removed {}", names.join(", "));
            self.push_log(LogKind::ImageCleanup, None, None, Some(id), msg);
        }
        let life = self.instances[host.index()].life;
        self.engine.schedule(
            self.engine.now() + settings.interval,
            Event::instance(host, life, InstanceEvent::ImageCleanup),
        );
    }
}

#[cfg(test)]
mod tests;
