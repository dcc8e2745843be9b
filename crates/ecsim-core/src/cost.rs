//! Money. EC2 instances are billed per second from launch with a 60-second minimum (docs/ecs-facts.md §8
//! "EC2 billing granularity"), at the instance type's on-demand price (§8, us-east-1 Linux), which a
//! scenario may override through `instance_types`.
//!
//! A burstable type (T3) launches in unlimited mode, T3's default: it never slows down, and when
//! its CPU use over its lifetime passes its baseline the surplus CPU credits are billed, at
//! $0.05 per vCPU-hour (docs/ecs-facts.md §12 "Burstable instances"). Standard mode, which would
//! throttle it to the baseline once its credits ran out, is not modelled (a warning says so).

use crate::time::{SimDuration, SimTime};

/// docs/ecs-facts.md §12 "Burstable instances": surplus credits of T3 unlimited, Linux.
pub const SURPLUS_USD_PER_VCPU_HOUR: f64 = 0.05;

/// What a burstable instance's surplus CPU credits cost after `alive` with `used_vcpu_s`
/// vCPU-seconds of work: one credit is a vCPU-minute; it earns `baseline_pct` of each vCPU's
/// minutes and starts with none (T3 unlimited has no launch credits). The earnings are over the
/// lifetime, the window AWS uses for instances younger than a day; a longer run is judged over
/// its whole life, not rolling 24-hour periods.
pub fn cpu_credit_surplus_cost(
    vcpu: u32,
    baseline_pct: f64,
    alive: SimDuration,
    used_vcpu_s: f64,
) -> f64 {
    let earned_vcpu_s = vcpu as f64 * baseline_pct / 100.0 * alive.as_secs_f64();
    (used_vcpu_s - earned_vcpu_s).max(0.0) / 3600.0 * SURPLUS_USD_PER_VCPU_HOUR
}

/// The cost in USD of one instance launched at `launched` and still running at `now`.
pub fn ec2_instance_cost(price_per_hour: f64, launched: SimTime, now: SimTime) -> f64 {
    if now < launched {
        return 0.0;
    }
    let secs = now.since(launched).as_secs_f64().max(60.0);
    price_per_hour * secs / 3600.0
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::SimDuration;

    #[test]
    fn per_second_with_a_minute_minimum() {
        let t0 = SimTime::ZERO;
        assert_eq!(
            ec2_instance_cost(3.6, t0, t0 + SimDuration::from_secs(3600)),
            3.6
        );
        assert_eq!(
            ec2_instance_cost(3.6, t0, t0 + SimDuration::from_secs(10)),
            0.06
        );
        assert_eq!(ec2_instance_cost(3.6, SimTime(5), SimTime(1)), 0.0);
    }

    #[test]
    fn surplus_credits_are_billed_above_the_baseline() {
        let hour = SimDuration::from_secs(3600);
        // t3.medium: 2 vCPUs at 20 % earn 0.4 vCPU-hours an hour; at 1 vCPU busy, 0.6 are surplus.
        let c = cpu_credit_surplus_cost(2, 20.0, hour, 3600.0);
        assert!((c - 0.6 * 0.05).abs() < 1e-12, "{c}");
        assert_eq!(cpu_credit_surplus_cost(2, 20.0, hour, 0.4 * 3600.0), 0.0);
    }
}
