//! A network that downloads share: processor sharing of its bandwidth.
//!
//! Downloads in flight on one network share its bandwidth equally, and each is capped at a
//! per-stream rate (a registry serves one layer at a bounded rate however fast the host's link:
//! docs/ecs-facts.md §7). The share is recomputed whenever a download starts or ends, so between
//! two such changes every download moves on at the same constant rate and the next completion
//! is known exactly. Amounts are in MB and rates in MB/s; time is the engine's integer
//! nanoseconds, and a planned completion is rounded up to the next nanosecond so the download
//! is done when its event comes.
//!
//! This module knows nothing of images or tasks: a download is a key and an amount left.

use crate::time::{SimDuration, SimTime};

/// A download with less than this left (MB) is done: rounding of nanosecond times.
const DONE_EPS_MB: f64 = 1e-6;

/// One download in flight, named by a key its owner chooses.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Download<K> {
    pub(crate) key: K,
    pub(crate) left_mb: f64,
}

/// A shared link and the downloads on it.
#[derive(Debug, Clone)]
pub(crate) struct Network<K> {
    bandwidth_mb_s: f64,
    stream_cap_mb_s: f64,
    downloads: Vec<Download<K>>,
    /// When the downloads last moved on.
    last: SimTime,
    /// Moves on whenever the downloads change: a completion planned before is stale.
    generation: u32,
}

impl<K: Copy> Network<K> {
    pub(crate) fn new(bandwidth_mb_s: f64, stream_cap_mb_s: f64) -> Self {
        Network {
            bandwidth_mb_s,
            stream_cap_mb_s,
            downloads: Vec::new(),
            last: SimTime::ZERO,
            generation: 0,
        }
    }

    /// The rate of each download now: an equal share, at most the stream cap.
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

    /// A download of `mb` begins now. The caller plans the next completion (`plan`) once it has
    /// started all it starts at this instant.
    pub(crate) fn start(&mut self, now: SimTime, key: K, mb: f64) {
        self.advance(now);
        self.downloads.push(Download { key, left_mb: mb });
    }

    /// The downloads that are done by `now`, taken off the network in the order they started.
    pub(crate) fn finish(&mut self, now: SimTime) -> Vec<K> {
        self.advance(now);
        let mut done = Vec::new();
        self.downloads.retain(|d| {
            if d.left_mb <= DONE_EPS_MB {
                done.push(d.key);
                false
            } else {
                true
            }
        });
        done
    }

    /// Voids any completion planned before, and gives the next one: when the download with
    /// least left ends at today's rate, and the generation its event must carry. `None` when
    /// nothing is in flight.
    pub(crate) fn plan(&mut self, now: SimTime) -> Option<(SimTime, u32)> {
        self.generation = self.generation.wrapping_add(1);
        let min = self
            .downloads
            .iter()
            .map(|d| d.left_mb)
            .min_by(|a, b| a.total_cmp(b))?;
        let secs = (min.max(0.0) / self.rate()).max(0.0);
        Some((
            now + SimDuration((secs * 1e9).ceil() as u64),
            self.generation,
        ))
    }

    /// Every download stops (the host is gone); a planned completion is void.
    pub(crate) fn clear(&mut self) {
        self.downloads.clear();
        self.generation = self.generation.wrapping_add(1);
    }

    /// Starts afresh at `now` (a new host on the same link): nothing in flight, and a planned
    /// completion is void.
    pub(crate) fn reset(&mut self, now: SimTime) {
        self.clear();
        self.last = now;
    }

    /// The generation a planned completion must carry to be current.
    pub(crate) fn generation(&self) -> u32 {
        self.generation
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(secs: f64) -> SimTime {
        SimTime::ZERO + SimDuration::from_secs_f64(secs)
    }

    fn secs(t: SimTime) -> f64 {
        t.since(SimTime::ZERO).as_secs_f64()
    }

    #[test]
    fn one_download_runs_at_the_stream_cap() {
        // A 1000 MB/s link, 20 MB/s per stream: 100 MB take 5 s.
        let mut n = Network::new(1000.0, 20.0);
        n.start(at(1.0), 'a', 100.0);
        let (end, _) = n.plan(at(1.0)).unwrap();
        assert!((secs(end) - 6.0).abs() < 1e-9, "{end:?}");
        assert_eq!(n.finish(end), vec!['a']);
        assert_eq!(n.plan(end), None);
    }

    #[test]
    fn downloads_share_the_bandwidth_and_speed_up_when_one_ends() {
        // 10 MB/s shared by two: 5 MB/s each. The 10 MB one ends at 2 s; the 30 MB one has 20
        // left, alone at 10 MB/s: it ends 2 s later.
        let mut n = Network::new(10.0, f64::INFINITY);
        n.start(at(0.0), 'x', 10.0);
        n.start(at(0.0), 'y', 30.0);
        let (first, _) = n.plan(at(0.0)).unwrap();
        assert!((secs(first) - 2.0).abs() < 1e-9);
        assert_eq!(n.finish(first), vec!['x']);
        let (second, _) = n.plan(first).unwrap();
        assert!((secs(second) - 4.0).abs() < 1e-9, "{second:?}");
        assert_eq!(n.finish(second), vec!['y']);
    }

    #[test]
    fn a_download_that_joins_slows_the_others_and_voids_their_plan() {
        let mut n = Network::new(10.0, f64::INFINITY);
        n.start(at(0.0), 1, 20.0);
        let (alone, g1) = n.plan(at(0.0)).unwrap();
        assert!((secs(alone) - 2.0).abs() < 1e-9);
        // At 1 s the first has 10 MB left; a second joins and each gets 5 MB/s.
        n.start(at(1.0), 2, 40.0);
        let (next, g2) = n.plan(at(1.0)).unwrap();
        assert_ne!(g1, g2, "the plan made before the change must be stale");
        assert_eq!(n.generation(), g2);
        assert!((secs(next) - 3.0).abs() < 1e-9, "{next:?}");
        // Nothing is done before its time.
        assert!(n.finish(at(2.5)).is_empty());
        assert_eq!(n.finish(next), vec![1]);
    }

    #[test]
    fn clearing_stops_every_download_and_voids_the_plan() {
        let mut n = Network::new(10.0, 10.0);
        n.start(at(0.0), 'a', 10.0);
        let (_, g) = n.plan(at(0.0)).unwrap();
        n.clear();
        assert_ne!(n.generation(), g);
        assert!(n.finish(at(5.0)).is_empty());
        // A fresh start measures from the reset, not from the last change before it.
        n.start(at(6.0), 'c', 10.0);
        let (_, g) = n.plan(at(6.0)).unwrap();
        n.reset(at(10.0));
        assert_ne!(n.generation(), g);
        n.start(at(10.0), 'b', 10.0);
        let (end, _) = n.plan(at(10.0)).unwrap();
        assert!((secs(end) - 11.0).abs() < 1e-9, "{end:?}");
    }

    #[test]
    fn a_planned_completion_is_never_early() {
        // An amount whose time is not a whole number of nanoseconds: the plan rounds up, so
        // the download is done when its event comes.
        let mut n = Network::new(3.0, 3.0);
        n.start(at(0.0), 'a', 1.0);
        let (end, _) = n.plan(at(0.0)).unwrap();
        assert_eq!(n.finish(end), vec!['a']);
    }
}
