//! The editor's form: the common knobs of a scenario (instance type and count, launch type,
//! desired count, task size, port mode, load balancer, traffic rate, seed, duration) read from
//! its TOML text and written back into it, and an AWS task definition (JSON, as
//! `aws ecs describe-task-definition` prints it) pasted into it.
//!
//! The text stays the scenario's one source of truth: a knob edits one value in place with
//! `toml_edit`, keeping the user's comments and layout, and the result is checked like any other
//! edit. A value that is not valid (a count of "abc", a size Fargate does not offer) is written as
//! typed, so the check reports it with the field's path, and the form shows it at that field
//! (`Field::owns_error`). The knobs act on one instance group and one service (its task
//! definition and its traffic), the first ones unless a `Target` picks others; the rest is
//! edited in the text. The seed is not a field: it is a run's option, set beside Run.

use serde::{Deserialize, Serialize};
use thiserror::Error;
use toml_edit::{Array, ArrayOfTables, DocumentMut, InlineTable, Item, Table, TableLike, Value};

/// Which instance group and which service the form's knobs act on (by place in the text).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Target {
    pub group: usize,
    pub service: usize,
}

/// The instance groups and services a form can act on, by name, in the text's order.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Choices {
    pub groups: Vec<String>,
    pub services: Vec<String>,
}

/// The names of the scenario's instance groups and services (empty when the text is not TOML).
pub fn choices(text: &str) -> Choices {
    let Ok(doc) = parse(text) else {
        return Choices::default();
    };
    let names = |key: &str, name: &str| {
        tables(doc.get(key))
            .iter()
            .enumerate()
            .map(|(i, t)| text_of(t.get(name)).unwrap_or_else(|| format!("#{}", i + 1)))
            .collect()
    };
    Choices {
        groups: names("instance_groups", "name"),
        services: names("services", "serviceName"),
    }
}

/// A knob of the form.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Knob {
    InstanceType,
    InstanceCount,
    LaunchType,
    DesiredCount,
    TaskCpu,
    TaskMemory,
    PortMode,
    LoadBalancer,
    Algorithm,
    Rps,
    Seed,
    Duration,
}

/// One field of the form as the text has it now.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Field {
    pub knob: Knob,
    pub label: String,
    /// The value in the text ("" when the field is absent and its default applies).
    pub value: String,
    /// What applies when the field is empty.
    pub placeholder: String,
    /// For a choice: (value, label) pairs; empty for free text.
    pub choices: Vec<(String, String)>,
    /// Where the scenario's errors about this knob point (`services[0].desiredCount`).
    pub paths: Vec<String>,
    /// Why the form cannot set it (edit the text instead).
    pub disabled: Option<String>,
}

impl Field {
    /// Whether a check error at `field` (a scenario path) with `message` is about this knob: the
    /// path is one of the knob's or inside it, or names the knob's table and the knob's key is
    /// the one missing ("missing field `count`").
    pub fn owns_error(&self, field: &str, message: &str) -> bool {
        self.paths.iter().any(|p| {
            let inside = field == p
                || field
                    .strip_prefix(p.as_str())
                    .is_some_and(|rest| rest.starts_with('.') || rest.starts_with('['));
            let missing = p.rsplit_once('.').is_some_and(|(table, key)| {
                field == table && message.contains(&format!("`{key}`"))
            });
            inside || missing
        })
    }
}

impl Field {
    /// The setting a sweep varies this knob by (`ecsim sweep --vary PATH=…`), for the knobs a
    /// plan can vary: not the port mode (two settings at once), the seed (a sweep sets it) or
    /// the duration, nor a knob the form cannot set.
    pub fn sweep_path(&self) -> Option<String> {
        if self.disabled.is_some() || self.value == "strategy" {
            return None;
        }
        let first = self.paths.first()?;
        match self.knob {
            Knob::PortMode | Knob::Seed | Knob::Duration => None,
            Knob::Rps => Some(format!("{first}.rps")),
            _ => Some(first.clone()),
        }
    }

    /// The values a plan starts from for this knob: every choice, or about five counts from
    /// half the value to twice it (nothing when the value is a default in words).
    pub fn sweep_values(&self) -> String {
        if !self.choices.is_empty() {
            let all: Vec<&str> = self.choices.iter().map(|(v, _)| v.as_str()).collect();
            return all.join(",");
        }
        let v = if self.value.is_empty() {
            &self.placeholder
        } else {
            &self.value
        };
        match v.trim().parse::<u64>() {
            Ok(n) if n >= 1 => {
                let (lo, hi) = ((n / 2).max(1), n * 2);
                let step = ((hi - lo) / 4).max(1);
                format!("{lo}..{hi}:{step}")
            }
            _ if self.value.is_empty() => String::new(),
            _ => v.clone(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum FormError {
    #[error("the form edits TOML scenarios; edit this one's text instead")]
    NotToml,
    #[error("the text is not valid TOML (fix it in the text first): {0}")]
    Syntax(String),
    #[error("{0}")]
    Unavailable(String),
    #[error("the task definition JSON: {0}")]
    Json(String),
}

/// The form's fields for a scenario's text, on its first instance group and service.
pub fn fields(text: &str) -> Result<Vec<Field>, FormError> {
    fields_at(text, Target::default())
}

/// The form's fields for a scenario's text, on the instance group and service `target` picks.
pub fn fields_at(text: &str, target: Target) -> Result<Vec<Field>, FormError> {
    let doc = parse(text)?;
    let at = Targets::find(&doc, target);
    let mut out = Vec::new();
    let field = |knob, label: String, value: String, placeholder: &str, paths: Vec<String>| Field {
        knob,
        label,
        value,
        placeholder: placeholder.into(),
        choices: Vec::new(),
        paths,
        disabled: None,
    };
    let choices = |list: &[(&str, &str)]| {
        list.iter()
            .map(|(v, l)| (v.to_string(), l.to_string()))
            .collect::<Vec<_>>()
    };

    // The instance group.
    let g = target.group;
    let group = tables(doc.get("instance_groups")).get(g).copied();
    let gname = group
        .and_then(|g| text_of(g.get("name")))
        .unwrap_or_default();
    let no_group = group.is_none().then(|| match g {
        0 => "no [[instance_groups]] in the scenario (Fargate only): add one in the text".into(),
        _ => format!("no instance group #{} in the scenario", g + 1),
    });
    let mut types: Vec<String> = ecsim_core::catalog::builtin_names()
        .into_iter()
        .map(String::from)
        .collect();
    if let Some(t) = doc.get("instance_types").and_then(Item::as_table_like) {
        types.extend(t.iter().map(|(k, _)| k.to_string()));
    }
    let current_type = group
        .and_then(|g| text_of(g.get("instance_type")))
        .unwrap_or_default();
    if !current_type.is_empty() && !types.contains(&current_type) {
        types.push(current_type.clone());
    }
    let mut f = field(
        Knob::InstanceType,
        format!("Instance type ({gname})"),
        current_type,
        "",
        vec![format!("instance_groups[{g}].instance_type")],
    );
    f.choices = types.iter().map(|t| (t.clone(), t.clone())).collect();
    f.disabled = no_group.clone();
    out.push(f);
    let mut f = field(
        Knob::InstanceCount,
        format!("Instances ({gname})"),
        group
            .and_then(|g| text_of(g.get("count")))
            .unwrap_or_default(),
        "",
        vec![format!("instance_groups[{g}].count")],
    );
    f.disabled = no_group;
    out.push(f);

    // The service, its task definition and its traffic.
    let k = target.service;
    let no_service = at.service.is_none().then(|| match k {
        0 => "no [[services]] in the scenario: add one in the text".to_string(),
        _ => format!("no service #{} in the scenario", k + 1),
    });
    let service = at
        .service
        .and_then(|k| tables(doc.get("services")).get(k).copied());
    let sname = service
        .and_then(|s| text_of(s.get("serviceName")))
        .unwrap_or_default();
    let strategy = service.is_some_and(|s| s.contains_key("capacityProviderStrategy"));
    let mut f = field(
        Knob::LaunchType,
        format!("Launch type ({sname})"),
        if strategy {
            "strategy".into()
        } else {
            service
                .and_then(|s| text_of(s.get("launchType")))
                .unwrap_or_else(|| "EC2".into())
        },
        "",
        vec![
            format!("services[{k}].launchType"),
            format!("services[{k}].capacityProviderStrategy"),
        ],
    );
    f.choices = choices(&[("EC2", "EC2 (your instances)"), ("FARGATE", "FARGATE")]);
    if strategy {
        f.choices.push((
            "strategy".into(),
            "capacity provider strategy (in the text)".into(),
        ));
    }
    f.disabled = no_service.clone();
    out.push(f);
    let mut f = field(
        Knob::DesiredCount,
        format!("Desired tasks ({sname})"),
        service
            .and_then(|s| text_of(s.get("desiredCount")))
            .unwrap_or_default(),
        "1",
        vec![format!("services[{k}].desiredCount")],
    );
    // A DAEMON service runs one task per instance: it has no desired count to set.
    let daemon = service
        .and_then(|s| text_of(s.get("schedulingStrategy")))
        .is_some_and(|s| s == "DAEMON");
    f.disabled = no_service
        .clone()
        .or_else(|| daemon.then(|| "a DAEMON service runs one task on each instance".to_string()));
    out.push(f);

    let td = at
        .taskdef
        .and_then(|k| tables(doc.get("task_definitions")).get(k).copied());
    let tpath = format!("task_definitions[{}]", at.taskdef.unwrap_or(0));
    let no_td = match (&no_service, td) {
        (Some(why), _) => Some(why.clone()),
        (None, None) => Some(format!(
            "service {sname}'s task definition is not in the scenario"
        )),
        _ => None,
    };
    for (knob, key, label) in [
        (Knob::TaskCpu, "cpu", "Task CPU units"),
        (Knob::TaskMemory, "memory", "Task memory MiB"),
    ] {
        let mut f = field(
            knob,
            label.into(),
            td.and_then(|t| text_of(t.get(key))).unwrap_or_default(),
            "sum of the containers'",
            vec![format!("{tpath}.{key}")],
        );
        f.disabled = no_td.clone();
        out.push(f);
    }
    let mut f = field(
        Knob::PortMode,
        "Network and host ports".into(),
        td.map(port_mode).unwrap_or_default(),
        "",
        vec![
            format!("{tpath}.networkMode"),
            format!("{tpath}.containerDefinitions"),
        ],
    );
    f.choices = choices(&[
        ("bridge-dynamic", "bridge, dynamic host ports (hostPort 0)"),
        (
            "bridge-static",
            "bridge, static host ports (hostPort = containerPort)",
        ),
        ("host", "host"),
        ("awsvpc", "awsvpc (an ENI per task)"),
    ]);
    f.disabled = no_td;
    out.push(f);

    let traffic = at
        .traffic
        .and_then(|k| tables(doc.get("traffic")).get(k).copied());
    let rpath = format!("traffic[{}]", at.traffic.unwrap_or(0));
    let no_traffic = match (&no_service, traffic) {
        (Some(why), _) => Some(why.clone()),
        (None, None) => Some(format!("no traffic to {sname}: set a rate first")),
        _ => None,
    };
    let mut f = field(
        Knob::LoadBalancer,
        "Load balancer".into(),
        traffic
            .and_then(|t| text_of(t.get("load_balancer")))
            .unwrap_or_else(|| "application".into()),
        "",
        vec![format!("{rpath}.load_balancer")],
    );
    f.choices = choices(&[
        ("application", "Application (ALB): any host port"),
        ("classic", "Classic (CLB): one static port per instance"),
    ]);
    f.disabled = no_traffic.clone();
    out.push(f);
    let mut f = field(
        Knob::Algorithm,
        "Routing".into(),
        traffic
            .and_then(|t| text_of(t.get("algorithm")))
            .unwrap_or_else(|| "round_robin".into()),
        "",
        vec![format!("{rpath}.algorithm")],
    );
    f.choices = choices(&[
        ("round_robin", "round robin"),
        ("least_outstanding_requests", "least outstanding requests"),
        ("weighted_random", "weighted random"),
    ]);
    f.disabled = no_traffic;
    out.push(f);
    let rate = traffic
        .and_then(|t| t.get("rate"))
        .and_then(Item::as_table_like);
    let profile = rate
        .and_then(|r| text_of(r.get("profile")))
        .unwrap_or_default();
    // A rate that is not one number is shown as the text writes it.
    let varying = traffic.is_some() && profile != "constant";
    let value = if varying {
        traffic
            .and_then(|t| t.get("rate"))
            .map(|r| r.to_string().trim().to_string())
            .unwrap_or_default()
    } else {
        rate.and_then(|r| text_of(r.get("rps"))).unwrap_or_default()
    };
    let mut f = field(
        Knob::Rps,
        "Requests per second".into(),
        value,
        "no traffic",
        vec![format!("{rpath}.rate")],
    );
    f.disabled = match &no_service {
        Some(why) => Some(why.clone()),
        None if varying => Some(format!(
            "the rate follows the {profile:?} profile: edit it in the text"
        )),
        None => None,
    };
    out.push(f);

    out.push(field(
        Knob::Duration,
        "Duration".into(),
        text_of(doc.get("duration")).unwrap_or_default(),
        "",
        vec!["duration".into()],
    ));
    Ok(out)
}

/// A knob's edit: the new text, and what else changed with it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Edit {
    pub text: String,
    pub notice: Option<String>,
}

/// The text with one knob set to `value` (as typed; "" removes an optional field). Choosing
/// the FARGATE launch type also makes the service and its task definition fit Fargate, as the
/// console's launch type switch would make you: the notice says what changed.
pub fn set(text: &str, knob: Knob, value: &str) -> Result<Edit, FormError> {
    set_at(text, Target::default(), knob, value)
}

/// `set` on the instance group and service `target` picks.
pub fn set_at(text: &str, target: Target, knob: Knob, value: &str) -> Result<Edit, FormError> {
    let mut doc = parse(text)?;
    let mut notice = None;
    let at = Targets::find(&doc, target);
    let value = value.trim();
    let unavailable = |what: &str| FormError::Unavailable(format!("no {what} in the scenario"));
    match knob {
        Knob::Seed => put(doc.as_table_mut(), "seed", value),
        Knob::Duration => put_text(doc.as_table_mut(), "duration", value),
        Knob::InstanceType | Knob::InstanceCount => {
            let g = nth_mut(doc.get_mut("instance_groups"), target.group)
                .ok_or_else(|| unavailable("such [[instance_groups]]"))?;
            if knob == Knob::InstanceType {
                put_text(g, "instance_type", value)
            } else {
                put(g, "count", value)
            }
        }
        Knob::LaunchType | Knob::DesiredCount => {
            let k = at.service.ok_or_else(|| unavailable("[[services]]"))?;
            let s = nth_mut(doc.get_mut("services"), k).ok_or_else(|| unavailable("service"))?;
            if knob == Knob::DesiredCount {
                put(s, "desiredCount", value)
            } else if value != "strategy" {
                s.remove("capacityProviderStrategy");
                put_text(s, "launchType", value);
                if value == "FARGATE" {
                    let changes = fit_fargate(&mut doc, &at);
                    if !changes.is_empty() {
                        notice = Some(format!("for Fargate, also: {}", changes.join("; ")));
                    }
                }
            }
        }
        Knob::TaskCpu | Knob::TaskMemory | Knob::PortMode => {
            let k = at
                .taskdef
                .ok_or_else(|| unavailable("task definition for the service"))?;
            let t = nth_mut(doc.get_mut("task_definitions"), k)
                .ok_or_else(|| unavailable("task definition"))?;
            match knob {
                Knob::TaskCpu => put(t, "cpu", value),
                Knob::TaskMemory => put(t, "memory", value),
                _ => set_port_mode(t, value),
            }
        }
        Knob::LoadBalancer | Knob::Algorithm | Knob::Rps => {
            let k = match at.traffic {
                Some(k) => k,
                None if knob == Knob::Rps && !value.is_empty() => {
                    let service = at.service.ok_or_else(|| unavailable("[[services]]"))?;
                    add_traffic(&mut doc, service)?
                }
                None if knob == Knob::Rps => {
                    return Ok(Edit {
                        text: text.to_string(),
                        notice,
                    })
                }
                None => return Err(unavailable("[[traffic]] for the service")),
            };
            let t = nth_mut(doc.get_mut("traffic"), k).ok_or_else(|| unavailable("traffic"))?;
            match knob {
                Knob::LoadBalancer => put_text(t, "load_balancer", value),
                Knob::Algorithm => put_text(t, "algorithm", value),
                _ => {
                    let rate = t
                        .get_mut("rate")
                        .and_then(Item::as_table_like_mut)
                        .ok_or_else(|| unavailable("rate for the traffic"))?;
                    put(rate, "rps", value)
                }
            }
        }
    }
    Ok(Edit {
        text: doc.to_string(),
        notice,
    })
}

/// Makes the service and its task definition fit Fargate: no placement strategies or
/// constraints (Fargate places tasks itself), `FARGATE` in `requiresCompatibilities`, `awsvpc`,
/// and, when the task has no size, the smallest Fargate size that holds its containers
/// (docs/ecs-facts.md §8 "Fargate CPU/memory combinations (Linux)"). Returns what it changed.
fn fit_fargate(doc: &mut DocumentMut, at: &Targets) -> Vec<String> {
    let mut changes = Vec::new();
    if let Some(s) = at.service.and_then(|k| nth_mut(doc.get_mut("services"), k)) {
        for key in ["placementStrategy", "placementConstraints"] {
            if s.remove(key).is_some() {
                changes.push(format!("removed the service's {key}"));
            }
        }
    }
    let Some(td) = at
        .taskdef
        .and_then(|k| nth_mut(doc.get_mut("task_definitions"), k))
    else {
        return changes;
    };
    let listed = td
        .get("requiresCompatibilities")
        .and_then(Item::as_array)
        .is_some_and(|a| a.iter().any(|v| v.as_str() == Some("FARGATE")));
    if !listed {
        match td
            .get_mut("requiresCompatibilities")
            .and_then(Item::as_array_mut)
        {
            Some(a) => a.push("FARGATE"),
            None => {
                let a: Array = ["FARGATE"].into_iter().collect();
                td.insert("requiresCompatibilities", Item::Value(Value::Array(a)));
            }
        }
        changes.push("added FARGATE to requiresCompatibilities".into());
    }
    if text_of(td.get("networkMode")).as_deref() != Some("awsvpc") {
        set_port_mode(td, "awsvpc");
        changes.push("networkMode awsvpc".into());
    }
    if !td.contains_key("cpu") && !td.contains_key("memory") {
        let (mut cpu, mut memory) = (0, 0);
        for c in tables(td.get("containerDefinitions")) {
            let n = |k: &str| c.get(k).and_then(Item::as_integer).unwrap_or(0).max(0) as u32;
            cpu += n("cpu");
            memory += n("memory").max(n("memoryReservation"));
        }
        if let Some((c, m)) = ecsim_core::fargate::smallest_fit(cpu, memory) {
            put(td, "cpu", &c.to_string());
            put(td, "memory", &m.to_string());
            changes.push(format!(
                "task size {c} CPU units / {m} MiB, the smallest Fargate size that holds the containers"
            ));
        }
    }
    changes
}

fn parse(text: &str) -> Result<DocumentMut, FormError> {
    if text.trim_start().starts_with('{') {
        return Err(FormError::NotToml);
    }
    text.parse::<DocumentMut>()
        .map_err(|e| FormError::Syntax(e.message().trim().to_string()))
}

/// Which service, task definition and traffic block the knobs act on (the service `target`
/// picks).
struct Targets {
    service: Option<usize>,
    taskdef: Option<usize>,
    traffic: Option<usize>,
}

impl Targets {
    fn find(doc: &DocumentMut, target: Target) -> Targets {
        let services = tables(doc.get("services"));
        let service = (target.service < services.len()).then_some(target.service);
        let chosen = services.get(target.service);
        let name = chosen.and_then(|s| text_of(s.get("serviceName")));
        let family = chosen
            .and_then(|s| text_of(s.get("taskDefinition")))
            .map(|t| t.split(':').next().unwrap_or_default().to_string());
        let taskdef = family.and_then(|f| {
            tables(doc.get("task_definitions"))
                .iter()
                .position(|t| text_of(t.get("family")).as_deref() == Some(f.as_str()))
        });
        let traffic = name.and_then(|n| {
            tables(doc.get("traffic"))
                .iter()
                .position(|t| text_of(t.get("service")).as_deref() == Some(n.as_str()))
        });
        Targets {
            service,
            taskdef,
            traffic,
        }
    }
}

/// The tables of an `[[array]]` or of an array of inline tables.
fn tables(item: Option<&Item>) -> Vec<&dyn TableLike> {
    match item {
        Some(Item::ArrayOfTables(a)) => a.iter().map(|t| t as &dyn TableLike).collect(),
        Some(Item::Value(Value::Array(a))) => a
            .iter()
            .filter_map(|v| v.as_inline_table().map(|t| t as &dyn TableLike))
            .collect(),
        _ => Vec::new(),
    }
}

fn nth_mut(item: Option<&mut Item>, k: usize) -> Option<&mut dyn TableLike> {
    match item? {
        Item::ArrayOfTables(a) => a.get_mut(k).map(|t| t as &mut dyn TableLike),
        Item::Value(Value::Array(a)) => a
            .get_mut(k)
            .and_then(|v| v.as_inline_table_mut())
            .map(|t| t as &mut dyn TableLike),
        _ => None,
    }
}

/// Every table of an `[[array]]` or array of inline tables, for editing.
fn each_mut(item: Option<&mut Item>, mut f: impl FnMut(&mut dyn TableLike)) {
    match item {
        Some(Item::ArrayOfTables(a)) => a.iter_mut().for_each(|t| f(t)),
        Some(Item::Value(Value::Array(a))) => a
            .iter_mut()
            .filter_map(Value::as_inline_table_mut)
            .for_each(|t| f(t)),
        _ => {}
    }
}

/// A scalar as the form shows it.
fn text_of(item: Option<&Item>) -> Option<String> {
    let v = item?.as_value()?;
    Some(match v {
        Value::String(s) => s.value().clone(),
        Value::Integer(i) => i.value().to_string(),
        Value::Float(f) => f.value().to_string(),
        Value::Boolean(b) => b.value().to_string(),
        _ => return None,
    })
}

/// Sets a numeric field: a number when the text is one, else the text as typed (so the check
/// names the field); "" removes it.
fn put(t: &mut dyn TableLike, key: &str, value: &str) {
    if value.is_empty() {
        t.remove(key);
    } else if let Ok(i) = value.parse::<i64>() {
        replace(t, key, Value::from(i));
    } else if let Some(f) = value.parse::<f64>().ok().filter(|f| f.is_finite()) {
        replace(t, key, Value::from(f));
    } else {
        replace(t, key, Value::from(value));
    }
}

fn put_text(t: &mut dyn TableLike, key: &str, value: &str) {
    if value.is_empty() {
        t.remove(key);
    } else {
        replace(t, key, Value::from(value));
    }
}

/// Replaces a value, keeping the spaces and comment around the old one.
fn replace(t: &mut dyn TableLike, key: &str, mut v: Value) {
    match t.get_mut(key).and_then(Item::as_value_mut) {
        Some(old) => {
            let decor = old.decor().clone();
            *v.decor_mut() = decor;
            *old = v;
        }
        None => {
            t.insert(key, Item::Value(v));
        }
    }
}

/// "bridge-dynamic", "bridge-static", "host" or "awsvpc", from `networkMode` and the host ports.
fn port_mode(td: &dyn TableLike) -> String {
    let mode = text_of(td.get("networkMode")).unwrap_or_else(|| "bridge".into());
    if mode != "bridge" {
        return mode;
    }
    let mut fixed = false;
    for c in tables(td.get("containerDefinitions")) {
        for m in tables(c.get("portMappings")) {
            let host = m.get("hostPort").and_then(Item::as_integer).unwrap_or(0);
            fixed |= host != 0;
        }
    }
    if fixed {
        "bridge-static"
    } else {
        "bridge-dynamic"
    }
    .into()
}

fn set_port_mode(td: &mut dyn TableLike, mode: &str) {
    let network = match mode {
        "bridge-dynamic" | "bridge-static" => "bridge",
        other => other,
    };
    put_text(td, "networkMode", network);
    each_mut(td.get_mut("containerDefinitions"), |c| {
        each_mut(c.get_mut("portMappings"), |m| {
            let container = m.get("containerPort").and_then(Item::as_integer);
            match (mode, container) {
                ("bridge-dynamic", _) => replace(m, "hostPort", Value::from(0)),
                ("bridge-static", Some(p)) => replace(m, "hostPort", Value::from(p)),
                // host and awsvpc: the host port is the container port; leave it implied.
                _ => {
                    m.remove("hostPort");
                }
            }
        })
    });
}

/// Adds a `[[traffic]]` block for the service: constant rate, 10 ms of work per request.
fn add_traffic(doc: &mut DocumentMut, service: usize) -> Result<usize, FormError> {
    let name = text_of(tables(doc.get("services"))[service].get("serviceName")).unwrap_or_default();
    let mut t = Table::new();
    t.insert("service", toml_edit::value(name));
    let mut rate = InlineTable::new();
    rate.insert("profile", "constant".into());
    rate.insert("rps", 0.into());
    t.insert("rate", toml_edit::value(rate));
    let mut work = InlineTable::new();
    work.insert("dist", "exponential".into());
    work.insert("mean", "10ms".into());
    t.insert("work", toml_edit::value(work));
    let list = doc
        .entry("traffic")
        .or_insert_with(|| Item::ArrayOfTables(ArrayOfTables::new()))
        .as_array_of_tables_mut()
        .ok_or_else(|| {
            FormError::Unavailable("traffic is not written as [[traffic]] tables".into())
        })?;
    list.push(t);
    Ok(list.len() - 1)
}

mod paste;
pub use paste::{paste_task_definition, Pasted};

#[cfg(test)]
mod tests;
