//! A container instance's image store: which layers and images it holds, whether a task's image
//! must be pulled under the agent's `ECS_IMAGE_PULL_BEHAVIOR`, and the agent's periodic image
//! cleanup.
//!
//! From docs/ecs-facts.md §3: `default` pulls and falls back to the cached image if the pull fails;
//! `always` pulls and fails the task on error; `once` pulls only if the agent has not pulled the
//! image before (or it was cleaned up); `prefer-cached` pulls only if the image is not on the
//! host. Cleanup runs every `ECS_IMAGE_CLEANUP_INTERVAL` (30 min), removes up to
//! `ECS_NUM_IMAGES_DELETE_PER_CYCLE` (5) images that no container uses, pulled at least
//! `ECS_IMAGE_MINIMUM_CLEANUP_AGE` (1 h) ago, least recently used first; a stopped task's
//! containers keep their image in use until the agent removes them after
//! `ECS_ENGINE_TASK_CLEANUP_WAIT_DURATION` (3 h). Images baked into the AMI (`cached_images`)
//! were not pulled by the agent: `once` still pulls them, and cleanup leaves them alone
//! (untracked-image cleanup is off by default).

use crate::images::ImageCatalog;
use crate::time::{SimDuration, SimTime};
use crate::units::{ImageId, LayerId};
use serde::Serialize;

/// `ECS_IMAGE_PULL_BEHAVIOR`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum PullBehavior {
    #[default]
    Default,
    Always,
    Once,
    PreferCached,
}

impl PullBehavior {
    pub fn parse(v: &str) -> Option<PullBehavior> {
        Some(match v {
            "default" => PullBehavior::Default,
            "always" => PullBehavior::Always,
            "once" => PullBehavior::Once,
            "prefer-cached" => PullBehavior::PreferCached,
            _ => return None,
        })
    }

    pub fn name(self) -> &'static str {
        match self {
            PullBehavior::Default => "default",
            PullBehavior::Always => "always",
            PullBehavior::Once => "once",
            PullBehavior::PreferCached => "prefer-cached",
        }
    }
}

/// The agent's image cleanup settings (docs/ecs-facts.md §3).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct CleanupSettings {
    /// `ECS_DISABLE_IMAGE_CLEANUP` (false).
    pub disabled: bool,
    /// `ECS_IMAGE_CLEANUP_INTERVAL` (30 min; minimum 10 min).
    pub interval: SimDuration,
    /// `ECS_IMAGE_MINIMUM_CLEANUP_AGE` (1 h).
    pub minimum_age: SimDuration,
    /// `ECS_NUM_IMAGES_DELETE_PER_CYCLE` (5; minimum 1).
    pub per_cycle: u32,
    /// `ECS_ENGINE_TASK_CLEANUP_WAIT_DURATION` (3 h).
    pub task_cleanup_wait: SimDuration,
}

impl Default for CleanupSettings {
    fn default() -> Self {
        CleanupSettings {
            disabled: false,
            interval: SimDuration::from_secs(30 * 60),
            minimum_age: SimDuration::from_secs(3600),
            per_cycle: 5,
            task_cleanup_wait: SimDuration::from_secs(3 * 3600),
        }
    }
}

/// Where a layer is on a host.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LayerState {
    Absent,
    /// Being downloaded by the pull with this index (other pulls wait for it).
    Fetching(crate::units::PullId),
    Present,
}

#[derive(Debug, Clone, Copy, PartialEq)]
struct ImageEntry {
    present: bool,
    /// When the agent last pulled it (`None`: never, or cleaned since, or baked into the AMI).
    pulled_at: Option<SimTime>,
    /// Containers using it: live tasks, and stopped tasks not yet cleaned up.
    users: u32,
    /// When the last user stopped.
    released_at: SimTime,
}

/// One host's images and layers.
#[derive(Debug, Clone)]
pub struct ImageCache {
    layers: Vec<LayerState>,
    images: Vec<ImageEntry>,
}

impl ImageCache {
    pub fn new(catalog: &ImageCatalog) -> Self {
        ImageCache {
            layers: vec![LayerState::Absent; catalog.layer_count()],
            images: vec![
                ImageEntry {
                    present: false,
                    pulled_at: None,
                    users: 0,
                    released_at: SimTime::ZERO,
                };
                catalog.image_count()
            ],
        }
    }

    /// An image baked into the AMI: present, not pulled by the agent.
    pub fn preload(&mut self, catalog: &ImageCatalog, image: ImageId) {
        for &l in &catalog.image(image).layers {
            self.layers[l.index()] = LayerState::Present;
        }
        self.images[image.index()].present = true;
    }

    pub fn is_present(&self, image: ImageId) -> bool {
        self.images[image.index()].present
    }

    /// Whether the agent must pull `image` before a task can use it.
    pub fn needs_pull(&self, behavior: PullBehavior, image: ImageId) -> bool {
        let e = &self.images[image.index()];
        match behavior {
            PullBehavior::Default | PullBehavior::Always => true,
            PullBehavior::Once => !(e.present && e.pulled_at.is_some()),
            PullBehavior::PreferCached => !e.present,
        }
    }

    pub fn layer(&self, l: LayerId) -> LayerState {
        self.layers[l.index()]
    }

    pub fn set_layer(&mut self, l: LayerId, s: LayerState) {
        self.layers[l.index()] = s;
    }

    /// The image's pull finished: it is on the host, pulled by the agent at `now`.
    pub fn pulled(&mut self, image: ImageId, now: SimTime) {
        let e = &mut self.images[image.index()];
        e.present = true;
        e.pulled_at = Some(now);
    }

    /// Live tasks on the host using the image.
    pub fn users(&self, image: ImageId) -> u32 {
        self.images[image.index()].users
    }

    pub fn add_user(&mut self, image: ImageId) {
        self.images[image.index()].users += 1;
    }

    /// A task using the image stopped at `now`; its containers hold the image until task cleanup.
    pub fn release_user(&mut self, image: ImageId, now: SimTime) {
        let e = &mut self.images[image.index()];
        e.users = e.users.saturating_sub(1);
        e.released_at = now;
    }

    /// One cleanup cycle at `now`: removes up to `per_cycle` unused images the agent pulled, the
    /// least recently used first, and the layers no remaining image needs. Returns the removed
    /// images.
    pub fn cleanup(
        &mut self,
        catalog: &ImageCatalog,
        s: &CleanupSettings,
        now: SimTime,
    ) -> Vec<ImageId> {
        let mut candidates: Vec<(SimTime, ImageId)> = self
            .images
            .iter()
            .enumerate()
            .filter_map(|(i, e)| {
                let pulled = e.pulled_at?;
                let idle = e.users == 0 && now.since(e.released_at) >= s.task_cleanup_wait;
                let old = now.since(pulled) >= s.minimum_age;
                (e.present && idle && old).then_some((e.released_at.max(pulled), ImageId(i as u32)))
            })
            .collect();
        candidates.sort();
        candidates.truncate(s.per_cycle as usize);
        let removed: Vec<ImageId> = candidates.into_iter().map(|(_, i)| i).collect();
        for &i in &removed {
            let e = &mut self.images[i.index()];
            e.present = false;
            e.pulled_at = None;
        }
        if !removed.is_empty() {
            // A layer stays while any image on the host still needs it.
            let mut keep = vec![false; self.layers.len()];
            for (i, e) in self.images.iter().enumerate() {
                if e.present {
                    for &l in &catalog.image(ImageId(i as u32)).layers {
                        keep[l.index()] = true;
                    }
                }
            }
            for (l, k) in keep.into_iter().enumerate() {
                if !k && self.layers[l] == LayerState::Present {
                    self.layers[l] = LayerState::Absent;
                }
            }
        }
        removed
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::images::{ImageSpec, LayerSpec};

    fn catalog() -> ImageCatalog {
        let im = |name: &str, layers: &[&str]| ImageSpec {
            image: name.into(),
            size_mib: None,
            layers: layers
                .iter()
                .map(|l| LayerSpec {
                    id: l.to_string(),
                    size_mib: 10.0,
                })
                .collect(),
        };
        ImageCatalog::build(&[im("a", &["base", "a"]), im("b", &["base", "b"])], [], 1.0).unwrap()
    }

    fn at(s: u64) -> SimTime {
        SimTime::ZERO + SimDuration::from_secs(s)
    }

    #[test]
    fn pull_behaviours_decide_from_what_the_host_holds() {
        let c = catalog();
        let a = c.id("a").unwrap();
        let mut h = ImageCache::new(&c);
        for b in [
            PullBehavior::Default,
            PullBehavior::Always,
            PullBehavior::Once,
            PullBehavior::PreferCached,
        ] {
            assert!(h.needs_pull(b, a), "{b:?}: nothing cached yet");
        }
        h.preload(&c, a);
        assert!(!h.needs_pull(PullBehavior::PreferCached, a));
        assert!(
            h.needs_pull(PullBehavior::Once, a),
            "baked in, never pulled"
        );
        assert!(h.needs_pull(PullBehavior::Default, a));
        h.pulled(a, at(1));
        assert!(!h.needs_pull(PullBehavior::Once, a));
        assert!(h.needs_pull(PullBehavior::Always, a));
    }

    #[test]
    fn cleanup_removes_idle_old_images_and_unshared_layers() {
        let c = catalog();
        let (a, b) = (c.id("a").unwrap(), c.id("b").unwrap());
        let mut h = ImageCache::new(&c);
        for i in [a, b] {
            for &l in &c.image(i).layers {
                h.set_layer(l, LayerState::Present);
            }
            h.pulled(i, at(0));
            h.add_user(i);
        }
        let s = CleanupSettings::default();
        h.release_user(a, at(100));
        // b is in use; a was released too recently (task cleanup waits 3 h).
        assert!(h.cleanup(&c, &s, at(3600)).is_empty());
        assert_eq!(h.cleanup(&c, &s, at(100 + 3 * 3600)), vec![a]);
        assert!(!h.is_present(a) && h.is_present(b));
        let base = c.image(a).layers[0];
        assert_eq!(h.layer(base), LayerState::Present, "b still needs the base");
        assert_eq!(h.layer(c.image(a).layers[1]), LayerState::Absent);
        assert!(h.needs_pull(PullBehavior::Once, a), "cleaned: pulled again");
    }

    #[test]
    fn cleanup_respects_the_minimum_age_and_the_per_cycle_limit() {
        let c = catalog();
        let (a, b) = (c.id("a").unwrap(), c.id("b").unwrap());
        let fresh = || {
            let mut h = ImageCache::new(&c);
            for i in [a, b] {
                for &l in &c.image(i).layers {
                    h.set_layer(l, LayerState::Present);
                }
                h.pulled(i, at(0));
            }
            h
        };
        let idle = at(4 * 3600);
        // ECS_IMAGE_MINIMUM_CLEANUP_AGE=5h: both images are too young.
        let young = CleanupSettings {
            minimum_age: SimDuration::from_secs(5 * 3600),
            ..Default::default()
        };
        assert!(fresh().cleanup(&c, &young, idle).is_empty());
        // ECS_NUM_IMAGES_DELETE_PER_CYCLE=1: one image a cycle.
        let one = CleanupSettings {
            per_cycle: 1,
            ..Default::default()
        };
        let mut h = fresh();
        assert_eq!(h.cleanup(&c, &one, idle).len(), 1);
        assert_eq!(h.cleanup(&c, &one, idle).len(), 1);
        assert!(h.cleanup(&c, &one, idle).is_empty());
        // Baked-in images are not the agent's to clean.
        let mut baked = ImageCache::new(&c);
        baked.preload(&c, a);
        assert!(baked
            .cleanup(&c, &CleanupSettings::default(), idle)
            .is_empty());
    }
}
