//! Random numbers: one independent ChaCha8 stream per purpose, derived from the master seed.
//!
//! Each purpose (the arrivals of one traffic source, the tie-breaks of one decision maker, …) is
//! named by a string; the stream is the master seed's ChaCha8 key with the purpose's hash as
//! ChaCha's 64-bit stream number. Adding a part to a model therefore leaves every other part's
//! stream untouched: two variants of a scenario see the same draws where they share parts
//! (common random numbers, docs/determinism.md).
//!
//! Samplers are written here on `libm` rather than taken from `rand_distr` because `f64::ln` and
//! friends differ in the last bit between native and wasm (docs/determinism.md); `libm` is the same
//! code on both, so a run is bit-identical everywhere.

use crate::hash::fnv1a;
use crate::time::SimDuration;
use rand_chacha::ChaCha8Rng;
use rand_core::{RngCore, SeedableRng};

/// A named random stream.
#[derive(Clone)]
pub struct Stream {
    rng: ChaCha8Rng,
}

/// The generator's state means nothing to a reader.
impl core::fmt::Debug for Stream {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Stream").finish_non_exhaustive()
    }
}

/// A uniform draw in [0, 1) keyed by `parts`: the same parts give the same draw, so a value can
/// be drawn again where it is needed rather than stored (the memory a request holds, drawn when
/// it arrives and again when it ends).
pub fn keyed_uniform(parts: &[u64]) -> f64 {
    let h = parts
        .iter()
        .fold(0x243f_6a88_85a3_08d3u64, |h, &p| splitmix64(h ^ p));
    (h >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
}

/// splitmix64's step: a bijection of u64 that mixes every input bit into every output bit.
fn splitmix64(z: u64) -> u64 {
    let z = z.wrapping_add(0x9e37_79b9_7f4a_7c15);
    let z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    let z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

impl Stream {
    /// The stream for `purpose` under `master_seed`.
    pub fn new(master_seed: u64, purpose: &str) -> Self {
        let mut rng = ChaCha8Rng::seed_from_u64(master_seed);
        rng.set_stream(fnv1a(purpose.as_bytes()));
        Stream { rng }
    }

    #[inline]
    pub fn next_u64(&mut self) -> u64 {
        self.rng.next_u64()
    }

    /// Uniform on [0, 1) with 53 random bits.
    #[inline]
    pub fn uniform(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// Uniform integer in [0, n); `n` must be positive. Uses rejection, so there is no modulo bias.
    #[inline]
    pub fn below(&mut self, n: u64) -> u64 {
        debug_assert!(n > 0);
        let zone = u64::MAX - (u64::MAX % n);
        loop {
            let x = self.next_u64();
            if x < zone {
                return x % n;
            }
        }
    }

    /// Standard normal, by Box–Muller on `libm` (one of the pair is used, so each call takes two
    /// uniforms and the stream stays simple to reason about).
    #[inline]
    pub fn normal(&mut self) -> f64 {
        let u1 = 1.0 - self.uniform();
        let u2 = self.uniform();
        libm::sqrt(-2.0 * libm::log(u1)) * libm::cos(2.0 * core::f64::consts::PI * u2)
    }

    /// Exponential with the given mean, via inversion with `libm::log` (bit-identical everywhere).
    #[inline]
    pub fn exponential(&mut self, mean: f64) -> f64 {
        -mean * libm::log(1.0 - self.uniform())
    }
}

/// A duration distribution as a scenario states it.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields, tag = "dist", rename_all = "snake_case")]
pub enum DurationDist {
    /// Always the same value.
    Constant { value: SimDuration },
    /// Uniform between `min` and `max`.
    Uniform { min: SimDuration, max: SimDuration },
    /// `min` plus an exponential with mean `mean`.
    ShiftedExponential { min: SimDuration, mean: SimDuration },
}

impl DurationDist {
    #[inline]
    pub fn sample(&self, s: &mut Stream) -> SimDuration {
        match *self {
            DurationDist::Constant { value } => value,
            DurationDist::Uniform { min, max } => {
                let span = max.0.saturating_sub(min.0);
                SimDuration(min.0 + (s.uniform() * span as f64) as u64)
            }
            DurationDist::ShiftedExponential { min, mean } => {
                min + SimDuration::from_secs_f64(s.exponential(mean.as_secs_f64()))
            }
        }
    }

    /// Checks the parameters; the message names what is wrong.
    pub fn validate(&self) -> Result<(), String> {
        match *self {
            DurationDist::Uniform { min, max } if max < min => {
                Err(format!("uniform: max ({max}) is below min ({min})"))
            }
            _ => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keyed_draws_repeat_for_their_key_and_spread_over_the_unit_interval() {
        assert_eq!(keyed_uniform(&[1, 2, 3]), keyed_uniform(&[1, 2, 3]));
        assert_ne!(keyed_uniform(&[1, 2, 3]), keyed_uniform(&[1, 2, 4]));
        assert_ne!(keyed_uniform(&[1, 2, 3]), keyed_uniform(&[2, 1, 3]));
        // Consecutive keys (request arrival times a nanosecond apart) still give a uniform spread:
        // the mean of 10,000 is within 0.01 of ½, and each tenth of [0, 1) holds about 1,000.
        let v: Vec<f64> = (0..10_000u64).map(|k| keyed_uniform(&[9, k])).collect();
        let mean = v.iter().sum::<f64>() / v.len() as f64;
        assert!((mean - 0.5).abs() < 0.01, "mean {mean}");
        for d in 0..10 {
            let n = v.iter().filter(|&&x| (x * 10.0) as usize == d).count();
            assert!((850..1150).contains(&n), "tenth {d}: {n}");
        }
        assert!(v.iter().all(|&x| (0.0..1.0).contains(&x)));
    }

    #[test]
    fn streams_are_independent_and_reproducible() {
        let a1: Vec<u64> = (0..4)
            .map({
                let mut s = Stream::new(7, "boot/web");
                move |_| s.next_u64()
            })
            .collect();
        let a2: Vec<u64> = (0..4)
            .map({
                let mut s = Stream::new(7, "boot/web");
                move |_| s.next_u64()
            })
            .collect();
        let b: Vec<u64> = (0..4)
            .map({
                let mut s = Stream::new(7, "boot/batch");
                move |_| s.next_u64()
            })
            .collect();
        let c: Vec<u64> = (0..4)
            .map({
                let mut s = Stream::new(8, "boot/web");
                move |_| s.next_u64()
            })
            .collect();
        assert_eq!(a1, a2);
        assert_ne!(a1, b);
        assert_ne!(a1, c);
    }

    #[test]
    fn uniform_and_exponential_have_the_right_means() {
        let mut s = Stream::new(1, "test");
        let n = 200_000;
        let mean_u: f64 = (0..n).map(|_| s.uniform()).sum::<f64>() / n as f64;
        // Standard error of the mean of U(0,1) over 200k draws is 0.00065; allow 5 of them.
        assert!((mean_u - 0.5).abs() < 0.0033, "{mean_u}");
        let mean_e: f64 = (0..n).map(|_| s.exponential(2.0)).sum::<f64>() / n as f64;
        // Standard error is 2/sqrt(n) = 0.0045; allow 5 of them.
        assert!((mean_e - 2.0).abs() < 0.023, "{mean_e}");
    }

    #[test]
    fn below_stays_in_range() {
        let mut s = Stream::new(3, "t");
        let mut seen = [0u32; 3];
        for _ in 0..3000 {
            seen[s.below(3) as usize] += 1;
        }
        assert!(seen.iter().all(|&c| c > 800), "{seen:?}");
    }
}
