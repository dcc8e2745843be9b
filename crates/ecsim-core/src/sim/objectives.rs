//! Objectives before the run: every objective's metric must name a number of the summary, and
//! one that no run of the scenario could measure is a warning (a latency of a service no traffic
//! reaches, anything of a service created after the end). The summary's shape is the run's own
//! (`observe`), so the check lives beside it, and the crate root runs it after the scenario
//! layer has read the text (`Scenario::parse`).

use crate::error::{FieldError, Warning};
use crate::scenario::Scenario;

/// Objectives on a service that this scenario can never give a value: it would be judged "not
/// measured" at the end of every run.
pub(crate) fn unmeasurable_objectives(sc: &Scenario) -> Vec<Warning> {
    let mut out = Vec::new();
    for (at, o) in sc.spec.all_objectives() {
        let Some(seg) = crate::metrics::segments(&o.metric) else {
            continue;
        };
        let [root, name, group, ..] = seg.as_slice() else {
            continue;
        };
        if root != "services" {
            continue;
        }
        let Some(si) = sc.services.iter().position(|s| &s.name == name) else {
            continue;
        };
        let s = &sc.services[si];
        let why = if s.start_at >= sc.spec.duration && s.batch.is_none() {
            Some(format!(
                "service {name} is created at {}, after the run ({}) ends",
                s.start_at, sc.spec.duration
            ))
        } else if group == "latency_ms" && !sc.traffic.iter().any(|t| t.service == si) {
            Some(format!(
                "service {name} has no [[traffic]], so no request is ever timed"
            ))
        } else {
            None
        };
        if let Some(why) = why {
            out.push(Warning {
                field: format!("{at}.metric"),
                message: format!(
                    "{:?} can never be measured: {why}: the objective will fail with no value",
                    o.metric
                ),
            });
        }
    }
    out
}

/// Every objective's metric must name a number of the summary. The summary's shape is known
/// before the run: it is the summary of the scenario at time zero, plus any key under the maps
/// that fill as the run goes (`pending_reasons`, `tasks_per_instance`, `failed_reasons`,
/// `stop_codes`).
pub(crate) fn check_objective_metrics(sc: &Scenario) -> Result<(), FieldError> {
    let all = sc.spec.all_objectives();
    if all.is_empty() {
        return Ok(());
    }
    let skeleton = super::Simulation::new(sc, &Default::default())
        .finish()
        .summary;
    let value = serde_json::to_value(&skeleton).unwrap_or_default();
    for (at, o) in all {
        let found = crate::metrics::lookup(&value, &o.metric);
        let ok = match found {
            Some(v) => v.is_number() || v.is_null(),
            None => o.metric.rsplit_once('.').is_some_and(|(parent, _)| {
                [
                    ".pending_reasons",
                    ".tasks_per_instance",
                    ".failed_reasons",
                    ".stop_codes",
                ]
                .iter()
                .any(|m| parent.ends_with(m))
                    && crate::metrics::lookup(&value, parent).is_some_and(|p| p.is_object())
            }),
        };
        if !ok {
            let hint = match found {
                Some(v) if v.is_object() => {
                    let keys: Vec<&str> = v
                        .as_object()
                        .into_iter()
                        .flat_map(|m| m.keys())
                        .map(String::as_str)
                        .collect();
                    format!("it is a group; add one of: {}", keys.join(", "))
                }
                Some(_) => "it is not a number".to_string(),
                None => "the summary has no such field (see `ecsim run --json` for the names)"
                    .to_string(),
            };
            return Err(FieldError::new(
                format!("{at}.metric"),
                format!("{:?}: {hint}", o.metric),
            ));
        }
    }
    Ok(())
}
