//! An AWS task definition pasted into the scenario: the JSON `aws ecs describe-task-definition`
//! prints (the whole answer, or the `taskDefinition` inside it), written into the scenario's
//! TOML as a `[[task_definitions]]` table in the field order AWS uses, with what the simulator
//! does not model named rather than silently dropped.

use super::{nth_mut, parse, tables, text_of, FormError};
use ecsim_core::aws_shape;
use ecsim_core::taskdef::TaskDefinitionSpec;
use serde::{Deserialize, Serialize};
use toml_edit::{Array, ArrayOfTables, InlineTable, Item, Table, Value};

/// What pasting a task definition did.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Pasted {
    pub text: String,
    /// What changed, and the fields left out, in a sentence or two.
    pub notice: String,
}

/// The text with a task definition pasted in: `json` is the `taskDefinition` object, or the
/// whole output of `aws ecs describe-task-definition`, or a `register-task-definition` input.
/// A definition of the same family is replaced; a new family is added, and the only service
/// (or a new one, when there is none) is pointed at it. Fields the model does not use are left
/// out, and the notice names them.
pub fn paste_task_definition(text: &str, json: &str) -> Result<Pasted, FormError> {
    let mut doc = parse(text)?;
    let value: serde_json::Value =
        serde_json::from_str(json).map_err(|e| FormError::Json(e.to_string()))?;
    if !value.is_object() {
        return Err(FormError::Json(
            "expected an object with family and containerDefinitions".into(),
        ));
    }
    // AWS's own fields, and the rest of describe-task-definition's answer around the definition
    // (its `tags`), are taken out and named below; any other key is a typo (`aws_shape`).
    let mut track = serde_path_to_error::Track::new();
    let read: Result<TaskDefinitionSpec, _> =
        aws_shape::read(serde_path_to_error::Deserializer::new(&value, &mut track));
    let spec = read.map_err(|e| {
        let e = aws_shape::suggest(&e.to_string());
        FormError::Json(match track.path().to_string().as_str() {
            "." => e,
            p => format!("{p}: {e}"),
        })
    })?;
    spec.validate("taskDefinition")
        .map_err(|e| FormError::Json(e.to_string()))?;
    let kept = serde_json::to_value(&spec).map_err(|e| FormError::Json(e.to_string()))?;
    // The AWS fields the model does not use, as `aws_shape` set them aside: a modelled field
    // that is merely empty (`portMappings: []`) is not one of them.
    let mut dropped = ignored_fields(&spec);
    dropped.sort();
    dropped.dedup();
    let family = spec.family.clone();

    let mut table = Table::new();
    if let serde_json::Value::Object(map) = &kept {
        for (k, v) in in_order(map) {
            let mut v = to_toml(v);
            if let Value::Array(a) = &mut v {
                if a.iter().all(Value::is_inline_table) && !a.is_empty() {
                    // One container (or constraint) per line, as the built-in scenarios write them.
                    for item in a.iter_mut() {
                        item.decor_mut().set_prefix("\n  ");
                    }
                    a.set_trailing(",\n");
                    a.set_trailing_comma(false);
                }
            }
            table.insert(k, Item::Value(v));
        }
    }

    let defs = doc
        .entry("task_definitions")
        .or_insert_with(|| Item::ArrayOfTables(ArrayOfTables::new()));
    let Some(defs) = defs.as_array_of_tables_mut() else {
        return Err(FormError::Unavailable(
            "task_definitions is not written as [[task_definitions]] tables: paste it by hand"
                .into(),
        ));
    };
    let same = defs
        .iter()
        .position(|t| text_of(t.get("family")).as_deref() == Some(&family));
    let mut notice = match same {
        Some(k) => {
            let old = defs.get_mut(k).expect("position found it");
            let decor = old.decor().clone();
            *old = table;
            *old.decor_mut() = decor;
            format!("replaced task definition {family:?}")
        }
        None => {
            defs.push(table);
            format!("added task definition {family:?}")
        }
    };
    if same.is_none() {
        let services = tables(doc.get("services")).len();
        match services {
            0 => {
                let mut s = Table::new();
                s.insert("serviceName", toml_edit::value(family.clone()));
                s.insert("taskDefinition", toml_edit::value(family.clone()));
                s.insert("desiredCount", toml_edit::value(1));
                doc.entry("services")
                    .or_insert_with(|| Item::ArrayOfTables(ArrayOfTables::new()))
                    .as_array_of_tables_mut()
                    .ok_or_else(|| {
                        FormError::Unavailable(
                            "services is not written as [[services]] tables".into(),
                        )
                    })?
                    .push(s);
                notice.push_str(&format!(" and a service {family:?} of 1 task running it"));
            }
            1 => {
                if let Some(s) = nth_mut(doc.get_mut("services"), 0) {
                    s.insert("taskDefinition", toml_edit::value(family.clone()));
                    let name = text_of(s.get("serviceName")).unwrap_or_default();
                    notice.push_str(&format!("; service {name:?} now runs it"));
                }
            }
            _ => notice.push_str("; point a service's taskDefinition at it in the text"),
        }
    }
    if !dropped.is_empty() {
        notice.push_str(&format!(
            ". Left out (not modelled): {}",
            dropped.join(", ")
        ));
    }
    Ok(Pasted {
        text: doc.to_string(),
        notice,
    })
}

fn to_toml(v: &serde_json::Value) -> Value {
    use serde_json::Value as J;
    match v {
        J::Bool(b) => Value::from(*b),
        J::Number(n) => match (n.as_i64(), n.as_f64()) {
            (Some(i), _) => Value::from(i),
            (None, Some(f)) if f.fract() == 0.0 && f.abs() < 1e15 => Value::from(f as i64),
            (None, Some(f)) => Value::from(f),
            _ => Value::from(n.to_string()),
        },
        J::String(s) => Value::from(s.as_str()),
        J::Array(a) => Value::Array(a.iter().map(to_toml).collect::<Array>()),
        J::Object(m) => {
            let mut t = InlineTable::new();
            for (k, v) in in_order(m) {
                t.insert(k, to_toml(v));
            }
            Value::InlineTable(t)
        }
        // TOML has no null: the serialised spec leaves absent fields out, so none reach here.
        J::Null => Value::from(""),
    }
}

/// A task definition's keys in the order the AWS console writes them (serde_json's map sorts
/// them alphabetically, which buries `family` and `name`).
fn in_order(m: &serde_json::Map<String, serde_json::Value>) -> Vec<(&String, &serde_json::Value)> {
    const ORDER: [&str; 17] = [
        "family",
        "name",
        "image",
        "revision",
        "networkMode",
        "requiresCompatibilities",
        "cpu",
        "memory",
        "memoryReservation",
        "essential",
        "containerPort",
        "hostPort",
        "protocol",
        "portMappings",
        "taskRoleArn",
        "executionRoleArn",
        "containerDefinitions",
    ];
    let mut v: Vec<_> = m.iter().collect();
    v.sort_by_key(|(k, _)| ORDER.iter().position(|o| o == k).unwrap_or(ORDER.len()));
    v
}

/// The fields of a task definition that `aws_shape` set aside as not modelled, as dotted paths
/// (containers and port mappings by `[]`).
fn ignored_fields(spec: &TaskDefinitionSpec) -> Vec<String> {
    let mut out = spec.ignored.clone();
    for c in &spec.container_definitions {
        let at = "containerDefinitions[]";
        out.extend(c.ignored.iter().map(|k| format!("{at}.{k}")));
        for p in &c.port_mappings {
            out.extend(p.ignored.iter().map(|k| format!("{at}.portMappings[].{k}")));
        }
        if let Some(l) = &c.log_configuration {
            out.extend(
                l.ignored
                    .iter()
                    .map(|k| format!("{at}.logConfiguration.{k}")),
            );
        }
    }
    out
}
