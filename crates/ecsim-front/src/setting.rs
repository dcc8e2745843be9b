//! Any setting of a scenario, by path, and overrides applied to the scenario's text.
//!
//! One syntax for every command that varies a scenario (`run --set`, `sweep --vary`, `plan`,
//! `compare`): dotted keys, and list entries picked by name or by index —
//! `instance_groups[web-hosts].count`, `services[web].desiredCount`, `traffic[web].rate.rps`,
//! `task_definitions[web].cpu`, `auto_scaling[web].target_tracking[0].target`. An entry's name
//! is its `name`, `serviceName`, `family`, `service` or `image`, whichever it has (the key each
//! section is named by). Keys are the scenario's own, as written in the file.
//!
//! An override edits the text, not a parsed copy: TOML keeps its comments and layout
//! (`toml_edit`), and the result is checked like any other scenario, so a bad value is reported
//! with its file, field and what was expected. A value takes the type of what it replaces (a
//! task definition's `cpu = "512"` stays a string, a `count` stays an integer); a value that does
//! not parse as that type is written as text, for the check to report. A path must name a
//! field the scenario has, in its text or as a default, or an optional field the text leaves
//! out (`services[web].healthCheckGracePeriodSeconds`): such a key is added if the scenario,
//! parsed again, then holds it — a misspelt key is refused, never kept and ignored. Otherwise
//! the error names the path and the closest valid key.

use ecsim_core::scenario::Format;
use ecsim_core::Scenario;
use serde_json::Value as Json;
use thiserror::Error;
use toml_edit::{DocumentMut, Item, TableLike, Value};

/// The keys a list entry may be named by, in the order they are tried.
const NAMING_KEYS: [&str; 5] = ["name", "serviceName", "family", "service", "image"];

/// A step of a path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// A table's key.
    Key(String),
    /// A list's entry, by its name.
    Named(String),
    /// A list's entry, by its position.
    Index(usize),
}

/// A setting's path, parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SettingPath {
    pub text: String,
    pub steps: Vec<Step>,
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("{path}: {message}")]
pub struct SetError {
    /// The path as given.
    pub path: String,
    pub message: String,
}

fn err(path: &str, message: impl Into<String>) -> SetError {
    SetError {
        path: path.to_string(),
        message: message.into(),
    }
}

impl SettingPath {
    pub fn parse(text: &str) -> Result<SettingPath, SetError> {
        let mut steps = Vec::new();
        let mut key = String::new();
        let mut chars = text.trim().chars().peekable();
        let bad = |m: &str| err(text, m.to_string());
        while let Some(c) = chars.next() {
            match c {
                '.' => {
                    if key.is_empty()
                        && !matches!(steps.last(), Some(Step::Named(_) | Step::Index(_)))
                    {
                        return Err(bad("an empty key (two dots, or a leading dot)"));
                    }
                    if !key.is_empty() {
                        steps.push(Step::Key(std::mem::take(&mut key)));
                    }
                }
                '[' => {
                    if !key.is_empty() {
                        steps.push(Step::Key(std::mem::take(&mut key)));
                    }
                    if steps.is_empty() {
                        return Err(bad("a list entry needs the list's key before it"));
                    }
                    let mut inner = String::new();
                    loop {
                        match chars.next() {
                            Some(']') => break,
                            Some(c) => inner.push(c),
                            None => return Err(bad("a `[` without its `]`")),
                        }
                    }
                    let inner = inner.trim().trim_matches('"').to_string();
                    if inner.is_empty() {
                        return Err(bad("an empty `[]`: name the entry or give its index"));
                    }
                    steps.push(match inner.parse::<usize>() {
                        Ok(i) => Step::Index(i),
                        Err(_) => Step::Named(inner),
                    });
                    if chars.peek().is_some_and(|c| *c != '.' && *c != '[') {
                        return Err(bad("after `]` comes `.`, `[` or the end"));
                    }
                }
                ']' => return Err(bad("a `]` without its `[`")),
                c if c.is_whitespace() => return Err(bad("a space inside the path")),
                c => key.push(c),
            }
        }
        if !key.is_empty() {
            steps.push(Step::Key(key));
        }
        match steps.last() {
            None => Err(bad("an empty path")),
            Some(Step::Key(_)) => Ok(SettingPath {
                text: text.trim().to_string(),
                steps,
            }),
            Some(_) => Err(bad(
                "the path ends at a list entry; name one of its fields (e.g. `.count`)",
            )),
        }
    }
}

/// One override: a path and the value to give it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Override {
    pub path: SettingPath,
    pub value: String,
}

impl Override {
    /// `PATH=VALUE`, as `--set` takes it.
    pub fn parse(arg: &str) -> Result<Override, SetError> {
        let Some((p, v)) = arg.split_once('=') else {
            return Err(err(arg, "expected PATH=VALUE"));
        };
        Ok(Override {
            path: SettingPath::parse(p)?,
            value: v.trim().to_string(),
        })
    }
}

/// The scenario's text with the overrides applied, in order. `file` says the text's format.
/// Each path must exist in the text or among the scenario's defaults (the parsed scenario, so the
/// text must be a valid scenario to begin with), or be an optional field the scenario holds once
/// it is written (`probe`).
pub fn apply(text: &str, file: &str, overrides: &[Override]) -> Result<String, SetError> {
    if overrides.is_empty() {
        return Ok(text.to_string());
    }
    // What the scenario has, defaults included: a path valid here but absent from the text is
    // added to the text.
    let full = Scenario::parse(text, file)
        .ok()
        .and_then(|sc| serde_json::to_value(&sc.spec).ok());
    match Format::from_file_name(file) {
        Format::Toml => {
            let mut doc: DocumentMut = text
                .parse()
                .map_err(|e| err(file, format!("the scenario is not valid TOML: {e}")))?;
            for o in overrides {
                if let Some(unknown) = set_toml(&mut doc, o, full.as_ref())? {
                    // Probed on the text as given with this key alone, so that another
                    // override's bad value is not taken for this key's (parsed again: rare,
                    // so no copy is kept for every apply).
                    let mut alone: DocumentMut = text
                        .parse()
                        .map_err(|e| err(file, format!("the scenario is not valid TOML: {e}")))?;
                    set_toml(&mut alone, o, full.as_ref())?;
                    probe(&alone.to_string(), file, o, unknown)?;
                }
            }
            Ok(doc.to_string())
        }
        Format::Json => {
            let mut v: Json = serde_json::from_str(text)
                .map_err(|e| err(file, format!("the scenario is not valid JSON: {e}")))?;
            for o in overrides {
                if let Some(unknown) = set_json(&mut v, o, full.as_ref())? {
                    let mut alone: Json = serde_json::from_str(text)
                        .map_err(|e| err(file, format!("the scenario is not valid JSON: {e}")))?;
                    set_json(&mut alone, o, full.as_ref())?;
                    probe(&alone.to_string(), file, o, unknown)?;
                }
            }
            Ok(serde_json::to_string_pretty(&v).unwrap_or_default() + "\n")
        }
    }
}

/// Whether the key `o` added, new to the text and without a default, is one the scenario has:
/// the text as given with this key alone, parsed again, must hold a value there (a section
/// that ignored the key would hold none). `unknown` is the error to give if not.
fn probe(text: &str, file: &str, o: &Override, unknown: SetError) -> Result<(), SetError> {
    match Scenario::parse(text, file) {
        Ok(sc) => {
            let held = serde_json::to_value(&sc.spec)
                .ok()
                .is_some_and(|v| json_at(&v, &o.path.steps).is_some_and(|x| !x.is_null()));
            if held {
                Ok(())
            } else {
                Err(unknown)
            }
        }
        // A section that refuses unknown keys said so: the key is not the scenario's.
        Err(e) if e.to_string().contains("unknown field") => Err(unknown),
        Err(e) => Err(err(
            &o.path.text,
            format!("with this value the scenario is not valid: {e}"),
        )),
    }
}

/// A list entry's name, in the JSON shape.
fn json_name(v: &Json) -> Option<&str> {
    NAMING_KEYS
        .iter()
        .find_map(|k| v.get(*k).and_then(Json::as_str))
}

fn json_entry<'a>(list: &'a [Json], step: &Step) -> Option<&'a Json> {
    match step {
        Step::Index(i) => list.get(*i),
        Step::Named(n) => list.iter().find(|e| json_name(e) == Some(n.as_str())),
        Step::Key(_) => None,
    }
}

/// The value at `steps` of the full scenario, if it has one.
fn json_at<'a>(v: &'a Json, steps: &[Step]) -> Option<&'a Json> {
    steps.iter().try_fold(v, |v, s| match s {
        Step::Key(k) => v.get(k.as_str()),
        _ => json_entry(v.as_array()?, s),
    })
}

/// Why the path goes nowhere, with the closest valid step, from what the text and the full
/// scenario have at the step where it stops.
fn missing(o: &Override, at: usize, here: Vec<String>) -> SetError {
    let step = &o.path.steps[at];
    let prefix = render(&o.path.steps[..at]);
    let within = if prefix.is_empty() {
        "the scenario".to_string()
    } else {
        prefix
    };
    let (what, word) = match step {
        Step::Key(k) => ("field", k.clone()),
        Step::Named(n) => ("entry", n.clone()),
        Step::Index(i) => {
            return err(
                &o.path.text,
                format!("{within} has {} entries; there is no [{i}]", here.len()),
            )
        }
    };
    let mut here = here;
    here.sort();
    here.dedup();
    let closest = here
        .iter()
        .map(|c| {
            (
                strsim::levenshtein(&word.to_lowercase(), &c.to_lowercase()),
                c,
            )
        })
        .min();
    let hint = match closest {
        Some((d, c)) if d <= (word.len() / 3).max(2) => format!("; did you mean {c:?}?"),
        _ if !here.is_empty() && here.len() <= 12 => format!(" (it has: {})", here.join(", ")),
        _ => String::new(),
    };
    err(
        &o.path.text,
        format!("{within} has no {what} {word:?}{hint}"),
    )
}

/// The steps as a path again (`services[web].desiredCount`).
fn render(steps: &[Step]) -> String {
    let mut s = String::new();
    for st in steps {
        match st {
            Step::Key(k) => {
                if !s.is_empty() {
                    s.push('.');
                }
                s.push_str(k);
            }
            Step::Named(n) => s.push_str(&format!("[{n}]")),
            Step::Index(i) => s.push_str(&format!("[{i}]")),
        }
    }
    s
}

/// The candidates at a step of the full scenario: its keys, or its entries' names.
fn full_candidates(full: Option<&Json>, steps: &[Step], step: &Step) -> Vec<String> {
    let Some(v) = full.and_then(|f| json_at(f, steps)) else {
        return Vec::new();
    };
    match step {
        Step::Key(_) => v
            .as_object()
            .map(|m| m.keys().cloned().collect())
            .unwrap_or_default(),
        _ => v
            .as_array()
            .map(|l| l.iter().filter_map(json_name).map(String::from).collect())
            .unwrap_or_default(),
    }
}

/// The typed value to write, shaped like the one it replaces (or, with none, inferred).
fn typed(raw: &str, like: Option<&Json>) -> Json {
    let infer = || {
        if let Ok(i) = raw.parse::<i64>() {
            Json::from(i)
        } else if let Ok(f) = raw.parse::<f64>() {
            serde_json::Number::from_f64(f).map_or(Json::from(raw), Json::Number)
        } else if let Ok(b) = raw.parse::<bool>() {
            Json::Bool(b)
        } else {
            Json::from(raw.trim_matches('"'))
        }
    };
    match like {
        Some(Json::String(_)) => Json::from(raw.trim_matches('"')),
        Some(Json::Bool(_)) => raw.parse::<bool>().map_or(Json::from(raw), Json::Bool),
        Some(Json::Number(n)) if n.is_i64() || n.is_u64() => match raw.parse::<i64>() {
            Ok(i) => Json::from(i),
            // 2.5 for a count: written as a number all the same, for the check to refuse.
            Err(_) => infer(),
        },
        Some(Json::Number(_)) => raw
            .parse::<f64>()
            .ok()
            .and_then(serde_json::Number::from_f64)
            .map_or(Json::from(raw), Json::Number),
        _ => infer(),
    }
}

fn toml_value(j: &Json) -> Value {
    match j {
        Json::Bool(b) => Value::from(*b),
        Json::Number(n) => match n.as_i64() {
            Some(i) => Value::from(i),
            None => Value::from(n.as_f64().unwrap_or(0.0)),
        },
        Json::String(s) => Value::from(s.as_str()),
        other => Value::from(other.to_string()),
    }
}

fn toml_json(v: &Value) -> Json {
    match v {
        Value::String(s) => Json::from(s.value().as_str()),
        Value::Integer(i) => Json::from(*i.value()),
        Value::Float(f) => {
            serde_json::Number::from_f64(*f.value()).map_or(Json::Null, Json::Number)
        }
        Value::Boolean(b) => Json::Bool(*b.value()),
        _ => Json::Null,
    }
}

/// A TOML entry's name.
fn toml_name(t: &dyn toml_edit::TableLike) -> Option<String> {
    NAMING_KEYS
        .iter()
        .find_map(|k| t.get(k).and_then(|i| i.as_str()).map(String::from))
}

/// Sets `o` in the TOML text; `Ok(Some(error))` when the key was added without being known
/// to the scenario (see `probe`), with the error to give if it is not the scenario's.
fn set_toml(
    doc: &mut DocumentMut,
    o: &Override,
    full: Option<&Json>,
) -> Result<Option<SetError>, SetError> {
    let steps = &o.path.steps;
    let not_table = |k: usize| {
        err(
            &o.path.text,
            format!("{} is not a table", render(&steps[..k])),
        )
    };
    let mut table: &mut dyn TableLike = doc.as_table_mut();
    let mut k = 0;
    loop {
        let Step::Key(key) = &steps[k] else {
            return Err(err(&o.path.text, "a list inside a list is not addressable"));
        };
        let keys =
            |t: &dyn TableLike| -> Vec<String> { t.iter().map(|(k, _)| k.to_string()).collect() };
        if k == steps.len() - 1 {
            let existing = table.get(key).and_then(|i| i.as_value()).map(toml_json);
            let default = full.and_then(|f| json_at(f, steps)).cloned();
            let mut unknown = None;
            match table.get(key) {
                Some(i) if !i.is_value() => {
                    return Err(err(&o.path.text, "names a table or list, not a value"))
                }
                None if default.is_none() => {
                    let mut here = keys(&*table);
                    here.extend(full_candidates(full, &steps[..k], &steps[k]));
                    let e = missing(o, k, here);
                    // Without the scenario's defaults there is nothing to probe against.
                    if full.is_none() {
                        return Err(e);
                    }
                    unknown = Some(e);
                }
                _ => {}
            }
            let v = typed(&o.value, existing.as_ref().or(default.as_ref()));
            table.insert(key, Item::Value(toml_value(&v)));
            return Ok(unknown);
        }
        if !table.contains_key(key) {
            // A table the text leaves to its defaults (`[model]`) is added to it.
            let in_full = full
                .and_then(|f| json_at(f, &steps[..=k]))
                .is_some_and(Json::is_object);
            if !in_full || !matches!(steps[k + 1], Step::Key(_)) {
                let mut here = keys(&*table);
                here.extend(full_candidates(full, &steps[..k], &steps[k]));
                return Err(missing(o, k, here));
            }
            table.insert(key, Item::Table(toml_edit::Table::new()));
        }
        let item = table.get_mut(key).ok_or_else(|| not_table(k + 1))?;
        match &steps[k + 1] {
            Step::Key(_) => {
                table = item.as_table_like_mut().ok_or_else(|| not_table(k + 1))?;
                k += 1;
            }
            entry => {
                table = toml_entry(item, entry).map_err(|names| missing(o, k + 1, names))?;
                if k + 2 >= steps.len() {
                    return Err(not_table(k + 2));
                }
                k += 2;
            }
        }
    }
}

/// A TOML list's entry (of an array of tables, or an array of inline tables), or the names of
/// the entries it has.
fn toml_entry<'a>(item: &'a mut Item, step: &Step) -> Result<&'a mut dyn TableLike, Vec<String>> {
    let names: Vec<String> = if let Some(a) = item.as_array_of_tables() {
        a.iter().map(|t| toml_name(t).unwrap_or_default()).collect()
    } else if let Some(a) = item.as_array() {
        a.iter()
            .map(|v| {
                v.as_inline_table()
                    .and_then(|t| toml_name(t))
                    .unwrap_or_default()
            })
            .collect()
    } else {
        return Err(Vec::new());
    };
    let pos = match step {
        Step::Index(i) => (*i < names.len()).then_some(*i),
        Step::Named(n) => names.iter().position(|m| m == n),
        Step::Key(_) => None,
    };
    let Some(pos) = pos else {
        return Err(names);
    };
    if item.is_array_of_tables() {
        let t = item.as_array_of_tables_mut().and_then(|a| a.get_mut(pos));
        return t.map(|t| t as &mut dyn TableLike).ok_or_else(Vec::new);
    }
    item.as_array_mut()
        .and_then(|a| a.get_mut(pos))
        .and_then(|v| v.as_inline_table_mut())
        .map(|t| t as &mut dyn TableLike)
        .ok_or(names)
}

/// Sets `o` in the JSON text; `Ok(Some(error))` as `set_toml`'s.
fn set_json(v: &mut Json, o: &Override, full: Option<&Json>) -> Result<Option<SetError>, SetError> {
    let steps = &o.path.steps;
    let mut cur = v;
    let mut unknown = None;
    for (k, step) in steps.iter().enumerate() {
        let last = k == steps.len() - 1;
        match step {
            Step::Key(key) => {
                let Some(obj) = cur.as_object_mut() else {
                    return Err(err(
                        &o.path.text,
                        format!("{} is not a table", render(&steps[..k])),
                    ));
                };
                let default = full.and_then(|f| json_at(f, &steps[..=k])).cloned();
                if !obj.contains_key(key) {
                    match &default {
                        Some(d) if last || d.is_object() => {
                            let fresh = if last {
                                Json::Null
                            } else {
                                Json::Object(Default::default())
                            };
                            obj.insert(key.clone(), fresh);
                        }
                        _ => {
                            let mut here: Vec<String> = obj.keys().cloned().collect();
                            here.extend(full_candidates(full, &steps[..k], step));
                            let e = missing(o, k, here);
                            if !last || full.is_none() {
                                return Err(e);
                            }
                            obj.insert(key.clone(), Json::Null);
                            unknown = Some(e);
                        }
                    }
                }
                let slot = obj.get_mut(key).expect("inserted above");
                if last {
                    if slot.is_object() || slot.is_array() {
                        return Err(err(&o.path.text, "names a table or list, not a value"));
                    }
                    let like = if slot.is_null() {
                        default
                    } else {
                        Some(slot.clone())
                    };
                    *slot = typed(&o.value, like.as_ref());
                    return Ok(unknown);
                }
                cur = slot;
            }
            entry => {
                let Some(list) = cur.as_array_mut() else {
                    return Err(err(
                        &o.path.text,
                        format!("{} is not a list", render(&steps[..k])),
                    ));
                };
                let names: Vec<String> = list
                    .iter()
                    .map(|e| json_name(e).unwrap_or_default().to_string())
                    .collect();
                let pos = match entry {
                    Step::Index(i) => (*i < list.len()).then_some(*i),
                    Step::Named(n) => names.iter().position(|m| m == n),
                    Step::Key(_) => None,
                };
                let Some(pos) = pos else {
                    return Err(missing(o, k, names));
                };
                cur = &mut list[pos];
            }
        }
    }
    Ok(None)
}

#[cfg(test)]
mod tests;
