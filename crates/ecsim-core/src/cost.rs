//! Money. EC2 instances are billed per second from launch with a 60-second minimum (docs/ecs-facts.md §8
//! "EC2 billing granularity"), at the instance type's on-demand price (§8, us-east-1 Linux), which a
//! scenario may override through `instance_types`.

use crate::time::SimTime;

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
}
