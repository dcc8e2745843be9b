//! Image pulls: authorisation, the manifest, layer downloads sharing a network, extraction, and
//! the agent's retries.
//!
//! A pull of an image onto a network (an instance's, or a Fargate task's own) first checks that
//! the puller may pull (a private registry's credentials in the agent's `ECS_ENGINE_AUTH_DATA`;
//! for ECR, the execution role's or instance role's IAM actions, through an auth token kept 12 h
//! per role and host), then fetches the manifest, then downloads the layers the network's cache
//! lacks, `model.concurrent_layer_downloads` at a time. Downloads in flight on one network share
//! its bandwidth equally, each at most `model.registry_mb_per_s` (processor sharing, recomputed
//! whenever a download starts or ends). A layer another pull on the same host is fetching is not
//! fetched twice: the second pull waits for the first. Layers extract one after another in
//! manifest order once downloaded. A registry outage fails the manifest request; the agent
//! retries with backoff (`registry::pull_backoff`), and after the last attempt `default` falls
//! back to a cached image while the others fail the task with `CannotPullContainerError`.

use super::{Event, Simulation};
use crate::iam::{ECR_PULL_ACTIONS, LOGS_ACTIONS};
use crate::image_cache::{ImageCache, LayerState, PullBehavior};
use crate::log::LogKind;
use crate::registry::{self, is_ecr, ECR_TOKEN_LIFETIME, PULL_ATTEMPTS};
use crate::rng::Stream;
use crate::task::StartError;
use crate::time::{SimDuration, SimTime};
use crate::units::{ImageId, LayerId, NetId, PullId, TaskId};

/// MiB to MB (registry and network rates are in MB/s).
const MB_PER_MIB: f64 = 1.048_576;
/// A download with less than this left (MB) is done: rounding of nanosecond times.
const DONE_EPS_MB: f64 = 1e-6;

#[derive(Debug, Clone, Copy)]
struct Download {
    pull: PullId,
    layer: LayerId,
    left_mb: f64,
}

/// A network images are pulled over, with the cache of what is on its host.
#[derive(Debug, Clone)]
pub(super) struct Net {
    pub(super) cache: ImageCache,
    bandwidth_mb_s: f64,
    stream_cap_mb_s: f64,
    downloads: Vec<Download>,
    last: SimTime,
    /// Moves on whenever the downloads change: a `NetTick` planned before is stale.
    pub(super) generation: u32,
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
            bandwidth_mb_s,
            stream_cap_mb_s,
            downloads: Vec::new(),
            last: SimTime::ZERO,
            generation: 0,
            host_life: 0,
            inflight: Vec::new(),
            tokens: Vec::new(),
            rng,
        }
    }

    /// Its host is gone: downloads stop, and the planned tick is void.
    pub(super) fn drop_downloads(&mut self) {
        self.downloads.clear();
        self.inflight.clear();
        self.generation = self.generation.wrapping_add(1);
        self.host_life = self.host_life.wrapping_add(1);
    }

    /// A new instance in the slot: nothing in flight, the AMI's cache, no auth tokens.
    pub(super) fn new_host(&mut self, cache: ImageCache, now: SimTime) {
        self.drop_downloads();
        self.cache = cache;
        self.tokens.clear();
        self.last = now;
    }

    fn rate(&self) -> f64 {
        let n = self.downloads.len().max(1) as f64;
        (self.bandwidth_mb_s / n).min(self.stream_cap_mb_s)
    }

    /// Moves every download on by the time since the last change.
    fn advance(&mut self, now: SimTime) {
        let dt = now.since(self.last).as_secs_f64();
        if dt > 0.0 && !self.downloads.is_empty() {
            let r = self.rate();
            for d in &mut self.downloads {
                d.left_mb -= r * dt;
            }
        }
        self.last = now;
    }
}

#[derive(Debug, Clone)]
pub(super) struct Pull {
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
    active: u32,
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
                Event::StartFailed {
                    task: t,
                    generation,
                },
            );
            return;
        }
        for (k, &im) in images.iter().enumerate() {
            if images[..k].contains(&im) {
                continue;
            }
            let n = &mut self.nets[net.index()];
            if !n.cache.needs_pull(behavior, im) {
                self.pull_stats.cache_hits += 1;
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
            if let Some(&(_, p)) = n.inflight.iter().find(|(i, _)| *i == im) {
                self.pulls[p.index()].tasks.push((t, generation));
                self.pull_stats.joined += 1;
                continue;
            }
            let p = PullId(self.pulls.len() as u32);
            n.inflight.push((im, p));
            let mut delay = self
                .sc
                .spec
                .model
                .manifest_fetch
                .sample(&mut self.nets[net.index()].rng);
            if is_ecr(&self.sc.images.image(im).registry) {
                delay = delay + self.ecr_token(net, t);
            }
            self.pulls.push(Pull {
                net,
                net_generation: self.nets[net.index()].host_life,
                image: im,
                behavior,
                tasks: vec![(t, generation)],
                own: Vec::new(),
                started_layers: 0,
                active: 0,
                downloads_left: 0,
                deps: 0,
                dependents: Vec::new(),
                started: self.engine.now(),
                manifest_at: self.engine.now(),
                deps_done_at: SimTime::ZERO,
                downloaded: Vec::new(),
                extracting: false,
                attempts: 0,
                cached_mib: 0.0,
            });
            self.engine.schedule(
                self.engine.now() + delay,
                Event::ManifestFetched { pull: p },
            );
        }
        if self.tasks[t.index()].pulls_left == 0 {
            self.task_pulled(t);
        }
    }

    fn net_name(&self, net: NetId) -> String {
        match self.instances.get(net.index()) {
            Some(i) => i.id.to_string(),
            None => "its Fargate host".to_string(),
        }
    }

    /// The pulls under way on a network, for a snapshot: the image, its layers downloaded of
    /// those it downloads (known once the manifest is in), and the tasks waiting for it.
    pub(super) fn pulls_on(&self, net: usize) -> Vec<super::snapshot::PullSnapshot> {
        self.nets[net]
            .inflight
            .iter()
            .map(|&(im, p)| {
                let pull = &self.pulls[p.index()];
                super::snapshot::PullSnapshot {
                    image: self.sc.images.image(im).reference.clone(),
                    layers_done: pull.downloaded.len() as u32,
                    layers: pull.own.len() as u32,
                    tasks: pull.tasks.len() as u32,
                }
            })
            .collect()
    }

    /// The role that pulls for a task: its execution role, else on EC2 its instance's role.
    fn puller_role(&self, t: TaskId) -> Option<String> {
        let task = &self.tasks[t.index()];
        let td = &self.sc.taskdefs[task.taskdef.index()];
        td.execution_role.clone().or_else(|| {
            task.host.and_then(|h| {
                self.sc.groups[self.instances[h.index()].group]
                    .iam_role
                    .clone()
            })
        })
    }

    /// Why the task may not pull `image`, in ECS's words, or `None`.
    fn pull_denied(&self, t: TaskId, im: ImageId) -> Option<String> {
        let image = self.sc.images.image(im);
        let reg = image.registry.as_str();
        let host = self.tasks[t.index()].host;
        if self.sc.spec.private_registries.iter().any(|r| r == reg) {
            let has_creds = host.is_some_and(|h| {
                self.instances[h.index()]
                    .agent
                    .engine_auth_registries
                    .iter()
                    .any(|k| registry::auth_key_host(k) == reg)
            });
            if !has_creds {
                let why = if host.is_some() {
                    "the agent has no credentials for registry {reg} (ECS_ENGINE_AUTH_TYPE/ECS_ENGINE_AUTH_DATA)"
                } else {
                    "Fargate has no credentials for registry {reg} (repositoryCredentials are not modelled)"
                };
                return Some(format!(
                    "CannotPullContainerError: pull access denied for {}: {}",
                    image.reference,
                    why.replace("{reg}", reg)
                ));
            }
        }
        if is_ecr(reg) {
            let role = self.puller_role(t);
            let denied = self.sc.roles.denied(role.as_deref(), &ECR_PULL_ACTIONS)?;
            return Some(match role {
                Some(r) => format!(
                    "CannotPullContainerError: pull access denied for {}: AccessDeniedException: role {r} is not authorized to perform: {denied}",
                    image.reference
                ),
                None if host.is_none() => format!(
                    "CannotPullContainerError: pull access denied for {}: no basic auth credentials (Fargate pulls from ECR with the task execution role, and the task definition has none)",
                    image.reference
                ),
                None => format!(
                    "CannotPullContainerError: pull access denied for {}: no basic auth credentials (no execution role, and the instance has no IAM role)",
                    image.reference
                ),
            });
        }
        None
    }

    /// The time to get an ECR auth token for the task's puller on `net`, if none is held: one
    /// per role per host, valid 12 h (docs/ecs-facts.md §9); a Fargate host is new for every task.
    fn ecr_token(&mut self, net: NetId, t: TaskId) -> SimDuration {
        let role = self.puller_role(t);
        let now = self.engine.now();
        if let Some((_, ready, expiry)) = self.nets[net.index()]
            .tokens
            .iter()
            .find(|(r, _, _)| *r == role)
        {
            if *expiry > now {
                // Held, or on its way for an earlier pull.
                return ready.since(now);
            }
        }
        let d = self
            .sc
            .spec
            .model
            .auth_token_fetch
            .sample(&mut self.nets[net.index()].rng);
        let n = &mut self.nets[net.index()];
        n.tokens.retain(|(r, _, _)| *r != role);
        n.tokens
            .push((role.clone(), now + d, now + d + ECR_TOKEN_LIFETIME));
        self.pull_stats.auth_tokens += 1;
        if self.log.has_room() {
            let who = role.as_deref().unwrap_or("the agent (no role named)");
            let msg = format!(
                "ECR auth token for {who} on {} fetched, valid 12 h",
                self.net_name(net)
            );
            let host = self.tasks[t.index()].host;
            self.push_log(LogKind::EcrAuthToken, None, Some(t), host, msg);
        }
        d
    }

    /// The manifest answer arrives, or the registry is down.
    pub(super) fn manifest_fetched(&mut self, p: PullId) {
        let im = self.pulls[p.index()].image;
        let net = self.pulls[p.index()].net;
        if self.pulls[p.index()].net_generation != self.nets[net.index()].host_life {
            return;
        }
        // Every task that wanted it has stopped: the agent drops the pull before fetching
        // layers (no other pull waits on it yet).
        let wanted = self.pulls[p.index()]
            .tasks
            .iter()
            .any(|&(t, g)| self.tasks[t.index()].generation == g);
        if !wanted {
            self.nets[net.index()].inflight.retain(|&(_, q)| q != p);
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
            let pull = &mut self.pulls[p.index()];
            pull.attempts += 1;
            if pull.attempts < PULL_ATTEMPTS {
                let attempts = pull.attempts;
                self.pull_stats.retries += 1;
                let rng = &mut self.nets[net.index()].rng;
                let jitter = 0.8 + 0.4 * rng.uniform();
                let wait = registry::pull_backoff(attempts, jitter);
                let again = wait + self.sc.spec.model.manifest_fetch.sample(rng);
                self.engine.schedule(
                    self.engine.now() + again,
                    Event::ManifestFetched { pull: p },
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
        self.pulls[p.index()].manifest_at = self.engine.now();
        for &l in &self.sc.images.image(im).layers {
            match self.nets[net.index()].cache.layer(l) {
                LayerState::Present => {
                    self.pulls[p.index()].cached_mib += self.sc.images.layer(l).size_mib
                }
                LayerState::Fetching(q) if q != p => {
                    let other = &mut self.pulls[q.index()];
                    if !other.dependents.contains(&p) {
                        other.dependents.push(p);
                        self.pulls[p.index()].deps += 1;
                    }
                }
                LayerState::Fetching(_) => {}
                LayerState::Absent => {
                    self.nets[net.index()]
                        .cache
                        .set_layer(l, LayerState::Fetching(p));
                    self.pulls[p.index()].own.push(l);
                }
            }
        }
        let pull = &mut self.pulls[p.index()];
        pull.downloads_left = pull.own.len() as u32;
        self.start_downloads(p);
        self.maybe_extract(p);
    }

    /// The last attempt failed: `default` uses the cached image if there is one; otherwise the
    /// tasks waiting fail to start.
    fn pull_gave_up(&mut self, p: PullId, reg: &str) {
        let (im, net, behavior) = {
            let pull = &self.pulls[p.index()];
            (pull.image, pull.net, pull.behavior)
        };
        let reference = self.sc.images.image(im).reference.clone();
        let n = &mut self.nets[net.index()];
        n.inflight.retain(|&(_, q)| q != p);
        if behavior == PullBehavior::Default && n.cache.is_present(im) {
            self.pull_stats.fell_back_to_cache += 1;
            let msg = format!(
                "pull of {reference} on {} failed after {PULL_ATTEMPTS} attempts; using the cached image (ECS_IMAGE_PULL_BEHAVIOR=default)",
                self.net_name(net)
            );
            self.push_log(LogKind::ImagePullFallback, None, None, None, msg);
            self.pull_finished(p, false);
            return;
        }
        self.pull_stats.failed += 1;
        let error = StartError::CannotPullContainerError;
        let reason = error.reason(&format!(
            "pull of {reference} failed after {PULL_ATTEMPTS} attempts: registry {reg} is unavailable"
        ));
        let waiting = std::mem::take(&mut self.pulls[p.index()].tasks);
        for (t, generation) in waiting {
            if self.tasks[t.index()].generation == generation {
                self.tasks[t.index()].stopped_reason = Some(reason.clone());
                self.tasks[t.index()].start_error = Some(error);
                self.stop(t, super::StopCause::FailedToStart);
            }
        }
    }

    /// Starts the pull's next layers, up to the concurrency limit.
    fn start_downloads(&mut self, p: PullId) {
        let limit = self.sc.spec.model.concurrent_layer_downloads;
        let net = self.pulls[p.index()].net;
        let mut started = false;
        while self.pulls[p.index()].active < limit
            && self.pulls[p.index()].started_layers < self.pulls[p.index()].own.len()
        {
            let pull = &mut self.pulls[p.index()];
            let l = pull.own[pull.started_layers];
            pull.started_layers += 1;
            pull.active += 1;
            if !started {
                self.nets[net.index()].advance(self.engine.now());
                started = true;
            }
            let left_mb = self.sc.images.layer(l).size_mib * MB_PER_MIB;
            self.nets[net.index()].downloads.push(Download {
                pull: p,
                layer: l,
                left_mb,
            });
        }
        if started {
            self.reschedule_net(net);
        }
    }

    /// Plans the network's next download completion (an earlier plan is void).
    fn reschedule_net(&mut self, net: NetId) {
        let n = &mut self.nets[net.index()];
        n.generation = n.generation.wrapping_add(1);
        let Some(min) = n
            .downloads
            .iter()
            .map(|d| d.left_mb)
            .min_by(|a, b| a.total_cmp(b))
        else {
            return;
        };
        let secs = (min.max(0.0) / n.rate()).max(0.0);
        // Round up to the next nanosecond so the download is done when the event comes.
        let at = self.engine.now() + SimDuration((secs * 1e9).ceil() as u64);
        let generation = n.generation;
        self.engine.schedule(at, Event::NetTick { net, generation });
    }

    /// Downloads on the network finish.
    pub(super) fn net_tick(&mut self, net: NetId) {
        self.nets[net.index()].advance(self.engine.now());
        let mut finished: Vec<Download> = Vec::new();
        self.nets[net.index()].downloads.retain(|d| {
            if d.left_mb <= DONE_EPS_MB {
                finished.push(*d);
                false
            } else {
                true
            }
        });
        for d in &finished {
            self.nets[net.index()]
                .cache
                .set_layer(d.layer, LayerState::Present);
            self.pull_stats.layers_downloaded += 1;
            self.pull_stats.mib_downloaded += self.sc.images.layer(d.layer).size_mib;
            let pull = &mut self.pulls[d.pull.index()];
            pull.active -= 1;
            pull.downloads_left -= 1;
            pull.downloaded.push((d.layer, self.engine.now()));
        }
        for d in &finished {
            self.start_downloads(d.pull);
        }
        for d in &finished {
            self.maybe_extract(d.pull);
        }
        self.reschedule_net(net);
    }

    /// Once its downloads are done and the pulls it waits on have finished, the pull's layers
    /// extract one after another; the pull ends when the last is extracted.
    fn maybe_extract(&mut self, p: PullId) {
        let pull = &self.pulls[p.index()];
        if pull.extracting
            || pull.downloads_left > 0
            || pull.deps > 0
            || pull.started_layers < pull.own.len()
        {
            return;
        }
        let rate = self.sc.spec.model.extract_mb_per_s;
        // Its own layers go on top of the shared ones other pulls extract.
        let mut t = pull.manifest_at.max(pull.deps_done_at);
        for &l in &pull.own {
            let got = pull
                .downloaded
                .iter()
                .find(|(x, _)| *x == l)
                .map_or(self.engine.now(), |x| x.1);
            t = t.max(got)
                + SimDuration::from_secs_f64(self.sc.images.layer(l).size_mib * MB_PER_MIB / rate);
        }
        let end = t.max(self.engine.now());
        self.pulls[p.index()].extracting = true;
        self.engine.schedule(end, Event::PullExtracted { pull: p });
    }

    /// The pull's image is on the host (or, with `from_registry` false, the cached copy is used).
    pub(super) fn pull_finished(&mut self, p: PullId, from_registry: bool) {
        let (im, net) = (self.pulls[p.index()].image, self.pulls[p.index()].net);
        if self.pulls[p.index()].net_generation != self.nets[net.index()].host_life {
            return;
        }
        let n = &mut self.nets[net.index()];
        n.inflight.retain(|&(_, q)| q != p);
        if from_registry {
            n.cache.pulled(im, self.engine.now());
            self.pull_stats.pulls += 1;
            let pull = &self.pulls[p.index()];
            self.pull_stats.mib_from_cache += pull.cached_mib;
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
        let dependents = std::mem::take(&mut self.pulls[p.index()].dependents);
        for d in dependents {
            let dep = &mut self.pulls[d.index()];
            dep.deps -= 1;
            dep.deps_done_at = self.engine.now();
            self.maybe_extract(d);
        }
        let waiting = std::mem::take(&mut self.pulls[p.index()].tasks);
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

    /// All the task's images are on its host: the agent creates the containers (the log driver
    /// must be allowed to write, docs/ecs-facts.md §10) and starts them, within the agent's
    /// `ECS_CONTAINER_START_TIMEOUT`.
    pub(super) fn task_pulled(&mut self, t: TaskId) {
        self.tasks[t.index()].pull_done_at = Some(self.engine.now());
        let generation = self.tasks[t.index()].generation;
        let td = &self.sc.taskdefs[self.tasks[t.index()].taskdef.index()];
        if td.uses_awslogs {
            let role = self.puller_role(t);
            if let Some(a) = self.sc.roles.denied(role.as_deref(), &LOGS_ACTIONS) {
                let who = role.unwrap_or_else(|| "the task (no execution role)".into());
                let error = StartError::CannotStartContainerError;
                self.tasks[t.index()].stopped_reason = Some(error.reason(&format!(
                    "failed to initialize logging driver: AccessDeniedException: {who} is not authorized to perform: {a}"
                )));
                self.tasks[t.index()].start_error = Some(error);
                self.engine.schedule(
                    self.engine.now(),
                    Event::StartFailed {
                        task: t,
                        generation,
                    },
                );
                return;
            }
        }
        let si = self.tasks[t.index()].service.index();
        let d = self
            .sc
            .spec
            .model
            .container_start
            .sample(&mut self.services[si].start_rng);
        let timeout = self.tasks[t.index()]
            .host
            .map(|h| self.instances[h.index()].agent.container_start_timeout);
        match timeout {
            Some(limit) if d > limit => {
                let error = StartError::DockerTimeoutError;
                self.tasks[t.index()].stopped_reason = Some(error.reason(&format!(
                    "Could not transition to started; timed out after waiting {limit} (ECS_CONTAINER_START_TIMEOUT)"
                )));
                self.tasks[t.index()].start_error = Some(error);
                self.engine.schedule(
                    self.engine.now() + limit,
                    Event::StartFailed {
                        task: t,
                        generation,
                    },
                );
            }
            _ => self.engine.schedule(
                self.engine.now() + d,
                Event::ContainerStarted {
                    task: t,
                    generation,
                },
            ),
        }
    }

    /// The agent's periodic image cleanup on an instance. Pulls and deletes exclude each other
    /// (docs/ecs-facts.md §3 "Concurrent pulls"): a cycle that finds a pull in flight is skipped.
    pub(super) fn image_cleanup(&mut self, host: u32) {
        let settings = self.instances[host as usize].agent.image_cleanup;
        if !self.instances[host as usize].in_service() {
            return;
        }
        let removed = if self.nets[host as usize].inflight.is_empty() {
            self.nets[host as usize]
                .cache
                .cleanup(&self.sc.images, &settings, self.engine.now())
        } else {
            Vec::new()
        };
        if !removed.is_empty() {
            self.pull_stats.images_cleaned += removed.len() as u64;
            let names: Vec<&str> = removed
                .iter()
                .map(|&i| self.sc.images.image(i).reference.as_str())
                .collect();
            let id = self.instances[host as usize].id;
            let msg = format!("image cleanup on {id} removed {}", names.join(", "));
            self.push_log(LogKind::ImageCleanup, None, None, Some(id), msg);
        }
        let life = self.instances[host as usize].life;
        self.engine.schedule(
            self.engine.now() + settings.interval,
            Event::ImageCleanup { host, life },
        );
    }
}
