//! What the application in a container does, beside the CPU work of its requests (`traffic`):
//! how long it takes to answer its health check after the container starts (`warmup`), and the
//! memory it uses — a baseline drawn per task, so much per request in flight, and a leak per hour.
//! These are ecsim's `[[applications]]` entries, not AWS's: a task definition says what a
//! container may use (its `memory` hard limit, its `memoryReservation`), not what it does use.
//!
//! An entry names a task definition family (every revision) or `family:revision` (that revision,
//! over a family entry) and a container (the definition's only one when it has one). A container
//! no entry names keeps the defaults: its warm-up is its service's load balancer
//! `health_check.app_warmup` (0 without one), and its memory use is not modelled. One
//! application has one warm-up: the load balancer's checks use an entry's `warmup` too (the
//! longest of the task's essential containers').

use crate::error::FieldError;
use crate::time::SimDuration;
use serde::{Deserialize, Serialize};

/// The most MiB an application may use: far beyond any instance, so a typo is caught.
const MAX_MIB: f64 = 16.0 * 1024.0 * 1024.0;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ApplicationSpec {
    /// A family (every revision) or `family:revision`.
    pub task_definition: String,
    /// The container it runs in; may be left out when the task definition has one container.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub container: Option<String>,
    /// After the container starts, when the application answers its health checks.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub warmup: Option<SimDuration>,
    /// MiB in use once started: a number, or `{ low = …, high = … }` drawn uniformly per task.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub memory_baseline: Option<MibSpec>,
    /// MiB more for each request the task holds (in service or queued): a number, or
    /// `{ low = …, high = … }` drawn uniformly per request.
    #[serde(default = "no_mib")]
    pub memory_per_request: MibSpec,
    /// MiB more per hour it runs: a leak.
    #[serde(default)]
    pub memory_growth_per_hour: f64,
}

fn no_mib() -> MibSpec {
    MibSpec::Fixed(0.0)
}

/// A number of MiB, or a uniform range.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged, deny_unknown_fields)]
pub enum MibSpec {
    Fixed(f64),
    Uniform { low: f64, high: f64 },
}

/// A container's application, resolved.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct App {
    /// None: its service's load balancer `app_warmup` (0 without one).
    pub warmup: Option<SimDuration>,
    /// None: its memory use is not modelled.
    pub memory: Option<MemoryUse>,
}

/// How much memory an application uses.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct MemoryUse {
    /// MiB at start: drawn from `low..=high` per task (equal for a fixed baseline).
    pub low: f64,
    pub high: f64,
    /// MiB per request held: `request_low + (request_high − request_low) × u`, u uniform per
    /// request.
    pub request_low: f64,
    pub request_high: f64,
    pub growth_per_hour: f64,
}

impl MemoryUse {
    /// MiB in use with a baseline `base`, `requests` held whose draws sum to `draws`, `hours`
    /// after it started.
    pub fn used(&self, base: f64, requests: u32, draws: f64, hours: f64) -> f64 {
        base + self.request_low * requests as f64
            + (self.request_high - self.request_low) * draws
            + self.growth_per_hour * hours
    }

    /// Whether requests draw their memory (a range, not a number).
    pub fn draws_per_request(&self) -> bool {
        self.request_high > self.request_low
    }
}

impl ApplicationSpec {
    pub(crate) fn validate(&self, p: &dyn Fn(&str) -> String) -> Result<App, FieldError> {
        let mib = |f: &str, v: f64| {
            if v.is_finite() && (0.0..=MAX_MIB).contains(&v) {
                Ok(v)
            } else {
                Err(FieldError::new(
                    p(f),
                    format!("{v} is not a number of MiB from 0 to {MAX_MIB}"),
                ))
            }
        };
        let range = |f: &str, spec: &MibSpec| match spec {
            MibSpec::Fixed(v) => mib(f, *v).map(|v| (v, v)),
            MibSpec::Uniform { low, high } => {
                let low = mib(&format!("{f}.low"), *low)?;
                let high = mib(&format!("{f}.high"), *high)?;
                if high < low {
                    return Err(FieldError::new(
                        p(&format!("{f}.high")),
                        format!("{high} is below low ({low})"),
                    ));
                }
                Ok((low, high))
            }
        };
        let (request_low, request_high) = range("memory_per_request", &self.memory_per_request)?;
        let growth_per_hour = mib("memory_growth_per_hour", self.memory_growth_per_hour)?;
        let memory = match &self.memory_baseline {
            None if request_high == 0.0 && growth_per_hour == 0.0 => None,
            None => {
                return Err(FieldError::new(
                    p("memory_baseline"),
                    "is needed with memory_per_request or memory_growth_per_hour: the MiB the application uses when it has started",
                ))
            }
            Some(spec) => Some(range("memory_baseline", spec)?),
        }
        .map(|(low, high)| MemoryUse {
            low,
            high,
            request_low,
            request_high,
            growth_per_hour,
        });
        Ok(App {
            warmup: self.warmup,
            memory,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn memory_used_adds_requests_and_the_leak() {
        let m = MemoryUse {
            low: 200.0,
            high: 200.0,
            request_low: 2.0,
            request_high: 4.0,
            growth_per_hour: 60.0,
        };
        // 10 requests of 2 MiB, 2 MiB more × their draws (3.5 in all), half an hour's leak.
        assert_eq!(m.used(200.0, 10, 3.5, 0.5), 257.0);
    }
}
