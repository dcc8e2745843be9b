//! Least outstanding requests routing at a cost per request that does not grow with the targets.
//!
//! The ALB's `least_outstanding_requests` sends a request to the target with the fewest requests
//! in service or queued (docs/ecs-facts.md §12); ties go round robin, to the first such target
//! at or after the one past the last choice, in registration order (`requests.rs`, `pick`).
//! Scanning every target per request made a target group of 500 cost 500 comparisons a request.
//! Here the targets sit in buckets by their outstanding count, each bucket a bit set over
//! positions, and the least loaded bucket is known: a request that arrives or ends moves one bit
//! between neighbouring buckets, and a choice is a search for the next set bit from a starting
//! position, a word (64 targets) at a time. (An ordered set of (count, position) did the same in
//! O(log n) but cost more per request than the scan it replaced on 10 targets.) It answers
//! exactly what the scan answered, so runs keep their trace hashes.

/// The healthy targets of a target group, bucketed by outstanding requests.
#[derive(Default, Debug)]
pub(super) struct LeastOutstanding {
    /// `buckets[c]`: the positions with `c` outstanding requests.
    buckets: Vec<Bucket>,
    /// The lowest non-empty bucket (meaningless when `len` is 0).
    least: usize,
    len: usize,
}

#[derive(Default, Debug, Clone)]
struct Bucket {
    members: u32,
    /// Bit `p` is set when position `p` is in the bucket; allocated on the first insert.
    words: Vec<u64>,
}

impl Bucket {
    fn set(&mut self, p: u32) {
        let (w, b) = ((p / 64) as usize, p % 64);
        if self.words.len() <= w {
            self.words.resize(w + 1, 0);
        }
        debug_assert!(self.words[w] & (1 << b) == 0, "position {p} set twice");
        self.words[w] |= 1 << b;
        self.members += 1;
    }

    fn unset(&mut self, p: u32) {
        let (w, b) = ((p / 64) as usize, p % 64);
        let had = self.words.get(w).is_some_and(|x| x & (1 << b) != 0);
        debug_assert!(had, "position {p} is not in the bucket");
        if had {
            self.words[w] &= !(1 << b);
            self.members -= 1;
        }
    }

    /// The first member at or after `start`.
    fn first_from(&self, start: u32) -> Option<u32> {
        let w0 = (start / 64) as usize;
        let first = self.words.get(w0)? & (!0u64 << (start % 64));
        if first != 0 {
            return Some(w0 as u32 * 64 + first.trailing_zeros());
        }
        self.words[w0 + 1..]
            .iter()
            .position(|&x| x != 0)
            .map(|i| (w0 + 1 + i) as u32 * 64 + self.words[w0 + 1 + i].trailing_zeros())
    }
}

impl LeastOutstanding {
    pub fn clear(&mut self) {
        for b in &mut self.buckets {
            b.members = 0;
            b.words.iter_mut().for_each(|w| *w = 0);
        }
        self.len = 0;
        self.least = 0;
    }

    fn bucket(&mut self, count: u32) -> &mut Bucket {
        let c = count as usize;
        if self.buckets.len() <= c {
            self.buckets.resize(c + 1, Bucket::default());
        }
        &mut self.buckets[c]
    }

    pub fn insert(&mut self, position: u32, outstanding: u32) {
        self.bucket(outstanding).set(position);
        if self.len == 0 || (outstanding as usize) < self.least {
            self.least = outstanding as usize;
        }
        self.len += 1;
    }

    /// The target at `position` went from `from` to `to` outstanding requests.
    pub fn moved(&mut self, position: u32, from: u32, to: u32) {
        self.bucket(from).unset(position);
        self.bucket(to).set(position);
        if (to as usize) < self.least {
            self.least = to as usize;
        } else if from as usize == self.least && self.buckets[self.least].members == 0 {
            // The least bucket emptied: the next non-empty one is at most `to`.
            self.least = (self.least..=to as usize)
                .find(|&c| self.buckets[c].members > 0)
                .unwrap_or(to as usize);
        }
    }

    pub fn len(&self) -> usize {
        self.len
    }

    /// The position with the fewest outstanding requests, the first at or after `start` among
    /// those tied, else the first of them.
    pub fn pick(&self, start: u32) -> Option<u32> {
        if self.len == 0 {
            return None;
        }
        let b = &self.buckets[self.least];
        b.first_from(start).or_else(|| b.first_from(0))
    }

    /// Every (position, outstanding) the index holds, for the invariant check.
    pub fn entries(&self) -> impl Iterator<Item = (u32, u32)> + '_ {
        self.buckets.iter().enumerate().flat_map(|(c, b)| {
            b.words.iter().enumerate().flat_map(move |(w, &x)| {
                (0..64)
                    .filter(move |i| x & (1u64 << i) != 0)
                    .map(move |i| (w as u32 * 64 + i, c as u32))
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The scan the index replaces: the first least-loaded target in cyclic order from `start`.
    fn scan(counts: &[u32], start: usize) -> usize {
        let n = counts.len();
        let mut best = start % n;
        for k in 1..n {
            let j = (start + k) % n;
            if counts[j] < counts[best] {
                best = j;
            }
        }
        best
    }

    #[test]
    fn picks_what_the_scan_picks() {
        // A fixed pseudo-random walk of counts and starts, checked at every step.
        let mut x: u64 = 0x2545_f491_4f6c_dd1d;
        let mut next = |m: u64| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x % m
        };
        for n in [1usize, 2, 3, 7, 40, 64, 65, 200] {
            let mut counts = vec![0u32; n];
            let mut idx = LeastOutstanding::default();
            for (p, &c) in counts.iter().enumerate() {
                idx.insert(p as u32, c);
            }
            for _ in 0..2_000 {
                let start = next(n as u64) as usize;
                assert_eq!(
                    idx.pick(start as u32),
                    Some(scan(&counts, start) as u32),
                    "{counts:?} from {start}"
                );
                let p = next(n as u64) as usize;
                // Mostly one up or down, as requests arrive and end; now and then a jump, as
                // when a stopping task's queue is dropped.
                let to = match next(8) {
                    0 => next(6) as u32,
                    1..=3 if counts[p] > 0 => counts[p] - 1,
                    _ => counts[p] + 1,
                };
                if to == counts[p] {
                    continue;
                }
                idx.moved(p as u32, counts[p], to);
                counts[p] = to;
            }
            assert_eq!(idx.len(), n);
        }
        assert_eq!(LeastOutstanding::default().pick(0), None);
    }
}
