//! Simulated time: an integer count of nanoseconds since the start of the run.
//!
//! Time is never a float (docs/determinism.md): floats drift and their rounding differs with the
//! order of operations, while integer nanoseconds add exactly. A `u64` of nanoseconds spans 584 years.
//! Durations drawn from distributions are rounded to a whole nanosecond once, when drawn.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::ops::{Add, AddAssign, Sub};

const NS_PER_SEC: u64 = 1_000_000_000;

/// An instant of simulated time, in nanoseconds since the run began.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize)]
pub struct SimTime(pub u64);

/// A span of simulated time, in nanoseconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct SimDuration(pub u64);

impl SimTime {
    pub const ZERO: SimTime = SimTime(0);

    pub fn as_secs_f64(self) -> f64 {
        self.0 as f64 / NS_PER_SEC as f64
    }

    /// Time elapsed since `earlier`; zero if `earlier` is later (never wraps).
    pub fn since(self, earlier: SimTime) -> SimDuration {
        SimDuration(self.0.saturating_sub(earlier.0))
    }
}

impl SimDuration {
    pub const ZERO: SimDuration = SimDuration(0);

    pub const fn from_secs(s: u64) -> Self {
        SimDuration(s * NS_PER_SEC)
    }

    pub const fn from_millis(ms: u64) -> Self {
        SimDuration(ms * 1_000_000)
    }

    /// Rounds a non-negative number of seconds to the nearest nanosecond. Negative or non-finite
    /// inputs give zero: a drawn duration can never move time backwards.
    pub fn from_secs_f64(s: f64) -> Self {
        if s.is_finite() && s > 0.0 {
            let ns = s * NS_PER_SEC as f64 + 0.5;
            if ns >= u64::MAX as f64 {
                SimDuration(u64::MAX)
            } else {
                SimDuration(ns as u64)
            }
        } else {
            SimDuration(0)
        }
    }

    pub fn as_secs_f64(self) -> f64 {
        self.0 as f64 / NS_PER_SEC as f64
    }

    pub fn is_zero(self) -> bool {
        self.0 == 0
    }
}

impl Add<SimDuration> for SimTime {
    type Output = SimTime;
    fn add(self, d: SimDuration) -> SimTime {
        SimTime(self.0.saturating_add(d.0))
    }
}

impl AddAssign<SimDuration> for SimTime {
    fn add_assign(&mut self, d: SimDuration) {
        self.0 = self.0.saturating_add(d.0);
    }
}

impl Add for SimDuration {
    type Output = SimDuration;
    fn add(self, d: SimDuration) -> SimDuration {
        SimDuration(self.0.saturating_add(d.0))
    }
}

impl Sub for SimTime {
    type Output = SimDuration;
    fn sub(self, other: SimTime) -> SimDuration {
        self.since(other)
    }
}

impl fmt::Display for SimTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:.3}s", self.as_secs_f64())
    }
}

impl fmt::Display for SimDuration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let ns = self.0;
        if ns % NS_PER_SEC == 0 {
            let s = ns / NS_PER_SEC;
            if s != 0 && s % 3600 == 0 {
                write!(f, "{}h", s / 3600)
            } else if s != 0 && s % 60 == 0 {
                write!(f, "{}m", s / 60)
            } else {
                write!(f, "{s}s")
            }
        } else if ns % 1_000_000 == 0 {
            write!(f, "{}ms", ns / 1_000_000)
        } else {
            write!(f, "{}ns", ns)
        }
    }
}

/// Parses a duration as a scenario writes it: `"90s"`, `"1.5s"`, `"250ms"`, `"30m"`, `"2h"`, `"1d"`,
/// `"500us"`, `"10ns"`, compounds such as `"1h30m"` or `"5m30s"`, or a bare number of seconds.
pub fn parse_duration(text: &str) -> Result<SimDuration, String> {
    let t = text.trim();
    if t.is_empty() {
        return Err("empty duration; write e.g. \"30s\", \"10m\" or \"250ms\"".into());
    }
    let not_a_duration =
        || format!("{text:?} is not a duration; write e.g. \"30s\", \"10m\" or \"250ms\"");
    let mut rest = t;
    let mut ns = 0.0;
    while !rest.is_empty() {
        let split = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        let (num, after) = rest.split_at(split);
        let unit_len = after
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(after.len());
        let (unit, next) = after.split_at(unit_len);
        let unit = unit.trim();
        let scale_ns: f64 = match unit {
            "" if next.is_empty() && rest.len() == t.len() => 1e9,
            "s" | "sec" | "secs" => 1e9,
            "ms" => 1e6,
            "us" | "µs" => 1e3,
            "ns" => 1.0,
            "m" | "min" | "mins" => 60e9,
            "h" | "hr" | "hours" => 3600e9,
            "d" | "days" => 86400e9,
            "" => return Err(not_a_duration()),
            other => {
                return Err(format!(
                    "unknown unit {other:?} in duration {text:?}; use ns, us, ms, s, m, h or d"
                ))
            }
        };
        let value: f64 = num.parse().map_err(|_| not_a_duration())?;
        ns += value * scale_ns;
        rest = next.trim_start();
    }
    if !ns.is_finite() || !(0.0..=1e19).contains(&ns) {
        return Err(format!("duration {text:?} is out of range"));
    }
    Ok(SimDuration((ns + 0.5) as u64))
}

impl<'de> Deserialize<'de> for SimDuration {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Secs(f64),
            Text(String),
        }
        match Raw::deserialize(d)? {
            Raw::Secs(s) if s.is_finite() && s >= 0.0 => Ok(SimDuration::from_secs_f64(s)),
            Raw::Secs(s) => Err(serde::de::Error::custom(format!(
                "duration {s} must be a non-negative number of seconds"
            ))),
            Raw::Text(t) => parse_duration(&t).map_err(serde::de::Error::custom),
        }
    }
}

impl Serialize for SimDuration {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_units() {
        assert_eq!(parse_duration("90s").unwrap(), SimDuration::from_secs(90));
        assert_eq!(
            parse_duration("1.5s").unwrap(),
            SimDuration::from_millis(1500)
        );
        assert_eq!(
            parse_duration("250ms").unwrap(),
            SimDuration::from_millis(250)
        );
        assert_eq!(parse_duration("30m").unwrap(), SimDuration::from_secs(1800));
        assert_eq!(parse_duration("2h").unwrap(), SimDuration::from_secs(7200));
        assert_eq!(parse_duration("12").unwrap(), SimDuration::from_secs(12));
        assert!(parse_duration("12 parsecs").is_err());
        assert!(parse_duration("").is_err());
        assert!(parse_duration("-3s").is_err());
        assert_eq!(
            parse_duration("5m30s").unwrap(),
            SimDuration::from_secs(330)
        );
        assert_eq!(
            parse_duration("1h 30m").unwrap(),
            SimDuration::from_secs(5400)
        );
        assert!(parse_duration("5m30").is_err(), "a bare number only alone");
        assert!(parse_duration("s").is_err());
        assert!(parse_duration("1h-5m").is_err());
    }

    #[test]
    fn display_round_trips() {
        for text in ["90s", "30m", "2h", "250ms", "0s", "7ns"] {
            let d = parse_duration(text).unwrap();
            assert_eq!(parse_duration(&d.to_string()).unwrap(), d, "{text}");
        }
    }

    #[test]
    fn drawn_durations_never_go_negative() {
        assert_eq!(SimDuration::from_secs_f64(-1.0), SimDuration::ZERO);
        assert_eq!(SimDuration::from_secs_f64(f64::NAN), SimDuration::ZERO);
        assert_eq!(SimTime(5).since(SimTime(9)), SimDuration::ZERO);
    }
}
