//! Task placement, as ECS does it (docs/ecs-facts.md §4 "Selection pipeline"): (1) filter the ACTIVE
//! container instances by CPU, memory, ports and ENIs; (2) apply the constraints (binding);
//! (3) order the rest by the strategies (best effort, chained: later rules break ties of earlier
//! ones); (4) pick the first. Remaining ties are broken at random from the service's own placement
//! stream, as ECS picks arbitrarily among equals.
//!
//! A task that fits nowhere gets the reason ECS gives (`RESOURCE:CPU`, `RESOURCE:MEMORY`,
//! `RESOURCE:PORTS`, `RESOURCE:ENI`, docs/ecs-facts.md §4 "RunTask/StartTask failure reasons"): the most
//! common first-failing check over the instances, in that order on ties.
//!
//! With no strategy, a service spreads over `attribute:ecs.availability-zone`, then over instances
//! (docs/ecs-facts.md §4 "Service default strategy").
//!
//! Scale-in keeps the strategy too (`scale_in_keys`, docs/ecs-facts.md §12 "Scale-in task
//! selection"): spread stops tasks where the service is most crowded, binpack on the instance
//! left with the most free resources, so instances empty out for cluster auto scaling.

use crate::error::FieldError;
use crate::instance::Instance;
use crate::rng::Stream;
use crate::units::{CpuUnits, HostId, MiB, Port, ServiceId};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// docs/ecs-facts.md §4 "Limits".
pub const MAX_STRATEGIES: usize = 5;
pub const MAX_CONSTRAINTS: usize = 10;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct StrategySpec {
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ConstraintSpec {
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expression: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Resource {
    Cpu,
    Memory,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum SpreadField {
    InstanceId,
    Attribute(String),
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum Strategy {
    Binpack(Resource),
    Spread(SpreadField),
    Random,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum Constraint {
    DistinctInstance,
    MemberOf(Expression),
}

/// A `memberOf` expression of the cluster query language, the subset `attribute:NAME OP VALUE`
/// with OP one of `==`, `!=`, `in`, `not_in` (a list in brackets or parentheses).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Expression {
    pub attribute: String,
    pub negate: bool,
    pub values: Vec<String>,
}

impl Expression {
    pub fn parse(text: &str) -> Result<Expression, String> {
        let usage = "supported: `attribute:NAME == VALUE`, `!=`, `in [A, B]`, `not_in [A, B]`";
        let t = text.trim();
        let rest = t
            .strip_prefix("attribute:")
            .ok_or_else(|| format!("{t:?} does not start with attribute:; {usage}"))?;
        let name_end = rest
            .find(char::is_whitespace)
            .ok_or_else(|| format!("{t:?} has no operator; {usage}"))?;
        let (name, rest) = rest.split_at(name_end);
        let rest = rest.trim_start();
        let (negate, list, rhs) = if let Some(r) = rest.strip_prefix("==") {
            (false, false, r)
        } else if let Some(r) = rest.strip_prefix("!=") {
            (true, false, r)
        } else if let Some(r) = rest.strip_prefix("not_in") {
            (true, true, r)
        } else if let Some(r) = rest.strip_prefix("in") {
            (false, true, r)
        } else {
            return Err(format!("{t:?}: unknown operator; {usage}"));
        };
        let rhs = rhs.trim();
        let values: Vec<String> = if list {
            let inner = rhs
                .strip_prefix('[')
                .and_then(|r| r.strip_suffix(']'))
                .or_else(|| rhs.strip_prefix('(').and_then(|r| r.strip_suffix(')')))
                .ok_or_else(|| format!("{t:?}: the list must be in [ ] or ( ); {usage}"))?;
            inner
                .split(',')
                .map(|v| v.trim().to_string())
                .filter(|v| !v.is_empty())
                .collect()
        } else {
            vec![rhs.to_string()]
        };
        if values.is_empty()
            || values
                .iter()
                .any(|v| v.is_empty() || v.contains(char::is_whitespace))
        {
            return Err(format!("{t:?}: missing or malformed value; {usage}"));
        }
        Ok(Expression {
            attribute: name.to_string(),
            negate,
            values,
        })
    }

    pub fn matches(&self, attributes: &BTreeMap<String, String>) -> bool {
        let hit = attributes
            .get(&self.attribute)
            .is_some_and(|v| self.values.iter().any(|x| x == v));
        hit != self.negate
    }
}

impl StrategySpec {
    pub fn validate(&self, path: &str) -> Result<Strategy, FieldError> {
        let field = self.field.as_deref();
        let bad_field = |m: String| FieldError::new(format!("{path}.field"), m);
        match self.kind.as_str() {
            "binpack" => match field.map(|f| f.to_ascii_lowercase()) {
                Some(f) if f == "cpu" => Ok(Strategy::Binpack(Resource::Cpu)),
                Some(f) if f == "memory" => Ok(Strategy::Binpack(Resource::Memory)),
                other => Err(bad_field(format!(
                    "binpack needs field cpu or memory, got {other:?}"
                ))),
            },
            "spread" => match field {
                Some("instanceId") | Some("host") => Ok(Strategy::Spread(SpreadField::InstanceId)),
                Some(f) if f.starts_with("attribute:") && f.len() > "attribute:".len() => Ok(
                    Strategy::Spread(SpreadField::Attribute(f["attribute:".len()..].to_string())),
                ),
                other => Err(bad_field(format!(
                    "spread needs field instanceId, host or attribute:NAME, got {other:?}"
                ))),
            },
            "random" => match field {
                None => Ok(Strategy::Random),
                Some(f) => Err(bad_field(format!("random takes no field, got {f:?}"))),
            },
            other => Err(FieldError::new(
                format!("{path}.type"),
                format!("{other:?} is not a placement strategy; use binpack, spread or random"),
            )),
        }
    }
}

impl ConstraintSpec {
    pub fn validate(&self, path: &str) -> Result<Constraint, FieldError> {
        match (self.kind.as_str(), self.expression.as_deref()) {
            ("distinctInstance", None) => Ok(Constraint::DistinctInstance),
            ("distinctInstance", Some(_)) => Err(FieldError::new(
                format!("{path}.expression"),
                "distinctInstance takes no expression",
            )),
            ("memberOf", Some(e)) => Expression::parse(e)
                .map(Constraint::MemberOf)
                .map_err(|m| FieldError::new(format!("{path}.expression"), m)),
            ("memberOf", None) => Err(FieldError::new(
                format!("{path}.expression"),
                "memberOf needs an expression",
            )),
            (other, _) => Err(FieldError::new(
                format!("{path}.type"),
                format!(
                    "{other:?} is not a placement constraint; use distinctInstance or memberOf"
                ),
            )),
        }
    }
}

/// The service's default: spread over availability zones, then over instances.
pub fn default_strategies() -> Vec<Strategy> {
    vec![
        Strategy::Spread(SpreadField::Attribute("ecs.availability-zone".into())),
        Strategy::Spread(SpreadField::InstanceId),
    ]
}

/// What one task needs from an instance.
#[derive(Debug, Clone, Copy)]
pub struct Demand<'a> {
    pub service: ServiceId,
    pub cpu: CpuUnits,
    pub memory: MiB,
    pub static_ports: &'a [Port],
    pub dynamic_ports: u32,
    pub needs_eni: bool,
    /// Attributes the instance must have (the task definition's `requiresAttributes`).
    pub requires: &'a [String],
    /// Only instances of this group: the task's EC2 capacity provider's Auto Scaling group.
    pub group: Option<usize>,
    /// Only this instance: a DAEMON service's task.
    pub host: Option<HostId>,
}

/// Why an instance, or the whole cluster, could not take a task.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum Reason {
    NoInstances,
    Cpu,
    Memory,
    Ports,
    Eni,
    DistinctInstance,
    Attribute,
}

impl Reason {
    /// The reason as ECS writes it.
    pub fn code(self) -> &'static str {
        match self {
            Reason::NoInstances => "NO_ACTIVE_INSTANCES",
            Reason::Cpu => "RESOURCE:CPU",
            Reason::Memory => "RESOURCE:MEMORY",
            Reason::Ports => "RESOURCE:PORTS",
            Reason::Eni => "RESOURCE:ENI",
            Reason::DistinctInstance => "CONSTRAINT:distinctInstance",
            Reason::Attribute => "ATTRIBUTE",
        }
    }

    const ALL: [Reason; 7] = [
        Reason::NoInstances,
        Reason::Cpu,
        Reason::Memory,
        Reason::Ports,
        Reason::Eni,
        Reason::DistinctInstance,
        Reason::Attribute,
    ];
}

/// The first check this instance fails for the demand, if any.
pub fn first_failure(inst: &Instance, d: &Demand, constraints: &[Constraint]) -> Option<Reason> {
    if inst.cpu_free() < d.cpu {
        return Some(Reason::Cpu);
    }
    if inst.memory_free() < d.memory {
        return Some(Reason::Memory);
    }
    if inst.ports.check(d.static_ports, d.dynamic_ports).is_err() {
        return Some(Reason::Ports);
    }
    if d.needs_eni && inst.enis_free() == 0 {
        return Some(Reason::Eni);
    }
    if constraints
        .iter()
        .any(|c| *c == Constraint::DistinctInstance && inst.tasks_of(d.service) > 0)
    {
        return Some(Reason::DistinctInstance);
    }
    if !attributes_fit(inst, constraints, d.requires) {
        return Some(Reason::Attribute);
    }
    None
}

/// Whether the instance has what the `memberOf` constraints and the required attributes ask:
/// where a DAEMON service runs (whatever room is left on it).
pub fn attributes_fit(inst: &Instance, constraints: &[Constraint], requires: &[String]) -> bool {
    constraints.iter().all(|c| match c {
        Constraint::MemberOf(e) => e.matches(&inst.attributes),
        Constraint::DistinctInstance => true,
    }) && requires.iter().all(|r| inst.attributes.contains_key(r))
}

/// Chooses an instance for the demand, or says why none fits.
pub fn choose(
    instances: &[Instance],
    d: &Demand,
    constraints: &[Constraint],
    strategies: &[Strategy],
    rng: &mut Stream,
) -> Result<HostId, Reason> {
    let mut failures = [0u32; Reason::ALL.len()];
    let mut any_active = false;
    let mut best: Option<([u64; MAX_STRATEGIES + 1], HostId)> = None;
    // For spread on an attribute, each instance's count of the service's tasks on instances with
    // its value, by instance index; computed when a candidate first needs it.
    let mut per_value: Vec<(&str, Vec<u64>)> = Vec::new();
    for (index, inst) in instances.iter().enumerate().filter(|(_, i)| {
        i.is_active() && d.group.is_none_or(|g| g == i.group) && d.host.is_none_or(|h| h == i.id)
    }) {
        any_active = true;
        if let Some(r) = first_failure(inst, d, constraints) {
            failures[r as usize] += 1;
            continue;
        }
        let mut key = [0u64; MAX_STRATEGIES + 1];
        for (k, s) in key.iter_mut().zip(strategies.iter()) {
            *k = match s {
                Strategy::Binpack(Resource::Cpu) => (inst.cpu_free() - d.cpu).0 as u64,
                Strategy::Binpack(Resource::Memory) => (inst.memory_free() - d.memory).0 as u64,
                Strategy::Spread(SpreadField::InstanceId) => inst.tasks_of(d.service) as u64,
                Strategy::Spread(SpreadField::Attribute(a)) => {
                    let k = match per_value.iter().position(|(n, _)| n == a) {
                        Some(k) => k,
                        None => {
                            per_value.push((a, spread_counts(instances, a, d.service)));
                            per_value.len() - 1
                        }
                    };
                    per_value[k].1[index]
                }
                Strategy::Random => rng.next_u64(),
            };
        }
        key[MAX_STRATEGIES] = rng.next_u64();
        if best.as_ref().is_none_or(|(bk, _)| key < *bk) {
            best = Some((key, inst.id));
        }
    }
    if let Some((_, h)) = best {
        return Ok(h);
    }
    if !any_active {
        return Err(Reason::NoInstances);
    }
    let mut worst = Reason::Cpu;
    for r in Reason::ALL {
        if failures[r as usize] > failures[worst as usize] {
            worst = r;
        }
    }
    Err(worst)
}

/// Per instance (by index), the service's tasks on the active instances that share its value of
/// `attribute`: what spread on that attribute minimises. `u64::MAX` for an instance without the
/// attribute (or not active), which spread takes last. One lookup of the attribute per instance
/// and no copy of its value: at 1,000 instances this ran for each task placed, and the copies and
/// repeated string lookups were most of the time placing 10,000 tasks took.
fn spread_counts(instances: &[Instance], attribute: &str, service: ServiceId) -> Vec<u64> {
    let values: Vec<Option<&str>> = instances
        .iter()
        .map(|i| {
            i.is_active()
                .then(|| i.attributes.get(attribute).map(String::as_str))
                .flatten()
        })
        .collect();
    let mut by_value: BTreeMap<&str, u64> = BTreeMap::new();
    for (inst, v) in instances.iter().zip(&values) {
        if let Some(v) = v {
            *by_value.entry(v).or_insert(0) += inst.tasks_of(service) as u64;
        }
    }
    values
        .iter()
        .map(|v| v.and_then(|v| by_value.get(v)).copied().unwrap_or(u64::MAX))
        .collect()
}

/// Per instance, how ECS ranks its tasks of one service for stopping on scale-in, rule by rule
/// as the strategies are chained: the smallest key goes first. `tasks[h]` is the service's tasks
/// on instance `h` that are not stopping yet, `freed[h]` what the tasks already stopping there
/// will free (their reservation lasts until they exit). Spread stops from the most crowded
/// instance or attribute value; binpack from the instance with the most of its resource free;
/// random has no preference here (its tie-break is the caller's draw).
pub fn scale_in_keys(
    instances: &[Instance],
    tasks: &[u32],
    freed: &[(CpuUnits, MiB)],
    strategies: &[Strategy],
) -> Vec<[u64; MAX_STRATEGIES]> {
    let mut keys = vec![[0u64; MAX_STRATEGIES]; instances.len()];
    for (j, s) in strategies.iter().enumerate().take(MAX_STRATEGIES) {
        // Per attribute value, the service's tasks on instances with that value.
        let per_value: BTreeMap<&str, u64> = match s {
            Strategy::Spread(SpreadField::Attribute(a)) => {
                let mut m = BTreeMap::new();
                for (i, inst) in instances.iter().enumerate() {
                    if let Some(v) = inst.attributes.get(a) {
                        *m.entry(v.as_str()).or_insert(0) += tasks[i] as u64;
                    }
                }
                m
            }
            _ => BTreeMap::new(),
        };
        for (i, inst) in instances.iter().enumerate() {
            let most_first = |n: u64| u64::MAX - n;
            keys[i][j] = match s {
                Strategy::Binpack(Resource::Cpu) => {
                    most_first((inst.cpu_free() + freed[i].0).0 as u64)
                }
                Strategy::Binpack(Resource::Memory) => {
                    most_first((inst.memory_free() + freed[i].1).0 as u64)
                }
                Strategy::Spread(SpreadField::InstanceId) => most_first(tasks[i] as u64),
                Strategy::Spread(SpreadField::Attribute(a)) => inst
                    .attributes
                    .get(a)
                    .and_then(|v| per_value.get(v.as_str()))
                    .map_or(u64::MAX, |&n| most_first(n)),
                Strategy::Random => 0,
            };
        }
    }
    keys
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expressions_parse_and_match() {
        let attrs: BTreeMap<String, String> =
            [("ecs.instance-type".to_string(), "m5.large".to_string())].into();
        let e = Expression::parse("attribute:ecs.instance-type == m5.large").unwrap();
        assert!(e.matches(&attrs));
        let e = Expression::parse("attribute:ecs.instance-type != m5.large").unwrap();
        assert!(!e.matches(&attrs));
        let e = Expression::parse("attribute:ecs.instance-type in [t3.medium, m5.large]").unwrap();
        assert!(e.matches(&attrs));
        let e =
            Expression::parse("attribute:ecs.instance-type not_in (t3.medium, m5.large)").unwrap();
        assert!(!e.matches(&attrs));
        assert!(Expression::parse("instance-type == x").is_err());
        assert!(Expression::parse("attribute:a ~= x").is_err());
    }

    #[test]
    fn strategy_fields_are_checked() {
        let s = |k: &str, f: Option<&str>| StrategySpec {
            kind: k.into(),
            field: f.map(Into::into),
        };
        assert_eq!(
            s("binpack", Some("memory")).validate("p").unwrap(),
            Strategy::Binpack(Resource::Memory)
        );
        assert_eq!(
            s("spread", Some("host")).validate("p").unwrap(),
            Strategy::Spread(SpreadField::InstanceId)
        );
        assert_eq!(
            s("binpack", None).validate("p").unwrap_err().path,
            "p.field"
        );
        assert_eq!(s("pack", None).validate("p").unwrap_err().path, "p.type");
    }
}
