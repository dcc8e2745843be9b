//! Fargate: capacity that appears per task, on a single-use host of the task's own size.
//!
//! What it models and where the numbers come from (`docs/ecs-facts.md`):
//! - only `awsvpc`, and only the CPU/memory pairs of §8 "Fargate CPU/memory combinations (Linux)";
//!   any other pair is refused at load with the valid memory values for that CPU;
//! - provisioning (capacity and the task's ENI) before the pull: §7 "awsvpc ENI attach" ("several
//!   seconds") and §7 "End-to-end scale" (Fargate tasks start appearing ~30 s after the request);
//!   the spread is an assumption;
//! - no image cache: every task pulls the whole image (§7 "Fargate caching");
//! - launches pass a token bucket of 100 with 20 per second refill (§7 "Fargate launch throttle");
//! - billing per second with a one-minute minimum (§8 "Fargate billing granularity") at §8's
//!   us-east-1 prices for x86 and ARM, from the start of the image pull to the task's end (AWS's
//!   pricing page; the start point is not in docs/ecs-facts.md); Fargate Spot at a discount (§8 "up to
//!   70 %") with interruptions that give two minutes' warning (§7 "Fargate Spot").

use crate::rng::DurationDist;
use crate::time::{SimDuration, SimTime};
use serde::{Deserialize, Serialize};

/// The task CPU sizes Fargate offers, in CPU units (§8).
pub const CPU_SIZES: [u32; 7] = [256, 512, 1024, 2048, 4096, 8192, 16384];

/// The memory values (MiB) Fargate accepts with `cpu` units, or `None` if `cpu` is not a Fargate
/// size (§8: 256 → 0.5/1/2 GB; 512 → 1–4 GB; 1024 → 2–8 GB; 2048 → 4–16 GB; 4096 → 8–30 GB, in
/// 1 GB steps; 8192 → 16–60 GB in 4 GB steps; 16384 → 32–120 GB in 8 GB steps).
pub fn valid_memory_mib(cpu: u32) -> Option<Vec<u32>> {
    let gb = |lo: u32, hi: u32, step: usize| (lo..=hi).step_by(step).map(|g| g * 1024).collect();
    Some(match cpu {
        256 => vec![512, 1024, 2048],
        512 => gb(1, 4, 1),
        1024 => gb(2, 8, 1),
        2048 => gb(4, 16, 1),
        4096 => gb(8, 30, 1),
        8192 => gb(16, 60, 4),
        16384 => gb(32, 120, 8),
        _ => return None,
    })
}

/// The smallest Fargate task size (CPU units, MiB) that holds `cpu` units and `memory` MiB.
pub fn smallest_fit(cpu: u32, memory: u32) -> Option<(u32, u32)> {
    CPU_SIZES.iter().filter(|&&c| c >= cpu).find_map(|&c| {
        valid_memory_mib(c)?
            .into_iter()
            .find(|&m| m >= memory)
            .map(|m| (c, m))
    })
}

/// Why a task size does not run on Fargate, and on which field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SizeError {
    /// `cpu` or `memory`.
    pub field: &'static str,
    pub message: String,
}

/// Checks a task's size as RegisterTaskDefinition does for `requiresCompatibilities: FARGATE`.
pub fn check_size(cpu: Option<u32>, memory: Option<u32>) -> Result<(), SizeError> {
    let sizes = CPU_SIZES.map(|c| c.to_string()).join(", ");
    let Some(cpu) = cpu else {
        return Err(SizeError {
            field: "cpu",
            message: format!("Fargate needs a task-level cpu; one of {sizes} CPU units"),
        });
    };
    let Some(valid) = valid_memory_mib(cpu) else {
        return Err(SizeError {
            field: "cpu",
            message: format!(
                "{cpu} CPU units is not a Fargate task size; use one of {sizes} CPU units"
            ),
        });
    };
    let list = valid
        .iter()
        .map(|m| m.to_string())
        .collect::<Vec<_>>()
        .join(", ");
    let vcpu = cpu as f64 / 1024.0;
    match memory {
        Some(m) if valid.contains(&m) => Ok(()),
        Some(m) => Err(SizeError {
            field: "memory",
            message: format!(
                "{m} MiB is not valid with {cpu} CPU units ({vcpu} vCPU) on Fargate; the valid memory values are {list} MiB"
            ),
        }),
        None => Err(SizeError {
            field: "memory",
            message: format!(
                "Fargate needs a task-level memory; with {cpu} CPU units ({vcpu} vCPU) the valid values are {list} MiB"
            ),
        }),
    }
}

/// Fargate's knobs (`[model.fargate]`), each defaulting to a fact of docs/ecs-facts.md.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FargateModel {
    /// From the launch being admitted to the task's host and ENI being ready. §7 "awsvpc ENI
    /// attach": several seconds; §7 "End-to-end scale": tasks start ~30 s after the request, pull
    /// included. Default uniform 10–25 s (the spread is an assumption).
    #[serde(default = "default_provisioning")]
    pub provisioning: DurationDist,
    /// Pull throughput of a Fargate task, MB/s, for the whole image. §7 "Image pull throughput from
    /// ECR" (UNSOURCED; ~10–15 MB/s end to end on Fargate). Default 15.
    #[serde(default = "default_pull_rate")]
    pub pull_mb_per_s: f64,
    /// Launch token bucket: burst and refill per second. §7 "Fargate launch throttle": 100, 20/s.
    #[serde(default = "default_burst")]
    pub launch_burst: u32,
    #[serde(default = "default_refill")]
    pub launch_per_s: f64,
    /// USD per vCPU-hour and per GB-hour. §8 "Fargate Linux/x86" and "Fargate Linux/ARM".
    #[serde(default = "default_prices")]
    pub prices: FargatePrices,
    /// Fargate Spot's discount on the on-demand price, %. §8 "Fargate Spot": up to 70 %.
    #[serde(default = "default_spot_discount")]
    pub spot_discount_pct: f64,
    /// Mean Fargate Spot interruptions per task-hour. Not published by AWS (an assumption):
    /// default 0.05, one interruption per 20 task-hours.
    #[serde(default = "default_spot_rate")]
    pub spot_interruptions_per_hour: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FargatePrices {
    pub x86_vcpu_hour: f64,
    pub x86_gb_hour: f64,
    pub arm_vcpu_hour: f64,
    pub arm_gb_hour: f64,
}

fn default_provisioning() -> DurationDist {
    DurationDist::Uniform {
        min: SimDuration::from_secs(10),
        max: SimDuration::from_secs(25),
    }
}
fn default_pull_rate() -> f64 {
    15.0
}
fn default_burst() -> u32 {
    100
}
fn default_refill() -> f64 {
    20.0
}
fn default_prices() -> FargatePrices {
    FargatePrices {
        x86_vcpu_hour: 0.04048,
        x86_gb_hour: 0.004445,
        arm_vcpu_hour: 0.03238,
        arm_gb_hour: 0.00356,
    }
}
fn default_spot_discount() -> f64 {
    70.0
}
fn default_spot_rate() -> f64 {
    0.05
}

impl Default for FargateModel {
    fn default() -> Self {
        FargateModel {
            provisioning: default_provisioning(),
            pull_mb_per_s: default_pull_rate(),
            launch_burst: default_burst(),
            launch_per_s: default_refill(),
            prices: default_prices(),
            spot_discount_pct: default_spot_discount(),
            spot_interruptions_per_hour: default_spot_rate(),
        }
    }
}

impl FargateModel {
    /// Checks the knobs; the error names the field under `model.fargate`.
    pub fn validate(&self) -> Result<(), (String, String)> {
        let f = |n: &str| format!("model.fargate.{n}");
        self.provisioning
            .validate()
            .map_err(|m| (f("provisioning"), m))?;
        let p = &self.prices;
        for (n, v, positive) in [
            ("pull_mb_per_s", self.pull_mb_per_s, true),
            ("launch_per_s", self.launch_per_s, true),
            ("prices.x86_vcpu_hour", p.x86_vcpu_hour, false),
            ("prices.x86_gb_hour", p.x86_gb_hour, false),
            ("prices.arm_vcpu_hour", p.arm_vcpu_hour, false),
            ("prices.arm_gb_hour", p.arm_gb_hour, false),
            (
                "spot_interruptions_per_hour",
                self.spot_interruptions_per_hour,
                false,
            ),
        ] {
            if !v.is_finite() || v < 0.0 || (positive && v == 0.0) {
                let what = if positive { "positive" } else { "zero or more" };
                return Err((f(n), format!("{v} must be {what}")));
            }
        }
        if self.launch_burst == 0 {
            return Err((f("launch_burst"), "must be at least 1".into()));
        }
        if !(0.0..=100.0).contains(&self.spot_discount_pct) {
            return Err((f("spot_discount_pct"), "must be in 0..=100".into()));
        }
        Ok(())
    }

    /// The cost of one task of `cpu` units and `memory_mib`, billed for `billed` (raised to the
    /// one-minute minimum).
    pub fn task_cost(
        &self,
        cpu: u32,
        memory_mib: u32,
        arm: bool,
        spot: bool,
        billed: SimDuration,
    ) -> f64 {
        let p = &self.prices;
        let (per_vcpu, per_gb) = if arm {
            (p.arm_vcpu_hour, p.arm_gb_hour)
        } else {
            (p.x86_vcpu_hour, p.x86_gb_hour)
        };
        let hourly = cpu as f64 / 1024.0 * per_vcpu + memory_mib as f64 / 1024.0 * per_gb;
        let secs = billed.as_secs_f64().max(60.0);
        let discount = if spot {
            1.0 - self.spot_discount_pct / 100.0
        } else {
            1.0
        };
        hourly * secs / 3600.0 * discount
    }
}

/// Fargate's launch throttle: a token bucket, run as a virtual schedule so that a burst beyond
/// the bucket is admitted at the refill rate, in order, without polling.
#[derive(Debug, Clone)]
pub struct TokenBucket {
    burst: f64,
    per_s: f64,
    tokens: f64,
    at: SimTime,
}

impl TokenBucket {
    pub fn new(burst: u32, per_s: f64) -> Self {
        TokenBucket {
            burst: burst as f64,
            per_s,
            tokens: burst as f64,
            at: SimTime::ZERO,
        }
    }

    /// Takes a token for a launch asked for at `now`; returns when the launch is admitted.
    pub fn admit(&mut self, now: SimTime) -> SimTime {
        if now > self.at {
            let refill = now.since(self.at).as_secs_f64() * self.per_s;
            self.tokens = (self.tokens + refill).min(self.burst);
            self.at = now;
        }
        self.tokens -= 1.0;
        if self.tokens >= 0.0 {
            now
        } else {
            now + SimDuration::from_secs_f64(-self.tokens / self.per_s)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_valid_pairs_are_the_reference_table() {
        assert_eq!(valid_memory_mib(256), Some(vec![512, 1024, 2048]));
        assert_eq!(valid_memory_mib(512), Some(vec![1024, 2048, 3072, 4096]));
        assert_eq!(valid_memory_mib(4096).map(|v| v.len()), Some(23));
        let big = valid_memory_mib(8192).unwrap();
        assert_eq!(
            (big[0], big[1], *big.last().unwrap()),
            (16384, 20480, 61440)
        );
        assert_eq!(valid_memory_mib(16384).unwrap().last(), Some(&(120 * 1024)));
        assert_eq!(valid_memory_mib(300), None);
        assert!(check_size(Some(512), Some(2048)).is_ok());
    }

    #[test]
    fn an_invalid_pair_lists_the_valid_memory_values() {
        let e = check_size(Some(512), Some(512)).unwrap_err();
        assert_eq!(e.field, "memory");
        assert!(
            e.message.contains("1024, 2048, 3072, 4096 MiB"),
            "{}",
            e.message
        );
        let e = check_size(Some(300), Some(512)).unwrap_err();
        assert_eq!(e.field, "cpu");
        assert!(e.message.contains("256, 512, 1024"), "{}", e.message);
        assert_eq!(check_size(None, Some(512)).unwrap_err().field, "cpu");
        assert_eq!(check_size(Some(256), None).unwrap_err().field, "memory");
    }

    #[test]
    fn billing_is_per_second_with_a_minute_minimum_and_spot_is_discounted() {
        let m = FargateModel::default();
        let hour = SimDuration::from_secs(3600);
        // 1 vCPU, 2 GB for an hour: 0.04048 + 2 × 0.004445.
        let c = m.task_cost(1024, 2048, false, false, hour);
        assert!((c - 0.04937).abs() < 1e-9, "{c}");
        let arm = m.task_cost(1024, 2048, true, false, hour);
        assert!((arm - (0.03238 + 2.0 * 0.00356)).abs() < 1e-9, "{arm}");
        let ten_s = m.task_cost(1024, 2048, false, false, SimDuration::from_secs(10));
        let minute = m.task_cost(1024, 2048, false, false, SimDuration::from_secs(60));
        assert_eq!(ten_s, minute);
        let spot = m.task_cost(1024, 2048, false, true, hour);
        assert!((spot - c * 0.3).abs() < 1e-9, "{spot}");
    }

    #[test]
    fn the_bucket_admits_a_burst_then_the_refill_rate() {
        let mut b = TokenBucket::new(100, 20.0);
        let t0 = SimTime::ZERO + SimDuration::from_secs(5);
        let admitted: Vec<SimTime> = (0..140).map(|_| b.admit(t0)).collect();
        assert!(admitted[..100].iter().all(|&t| t == t0));
        // The 101st waits one refill (50 ms), the 140th forty.
        assert_eq!(admitted[100], t0 + SimDuration::from_millis(50));
        assert_eq!(admitted[139], t0 + SimDuration::from_secs(2));
        // After a quiet spell the bucket is full again.
        let later = t0 + SimDuration::from_secs(60);
        assert_eq!(b.admit(later), later);
    }
}
