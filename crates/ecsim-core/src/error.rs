//! Errors about input, each naming where the bad value is: the file, the line when known, and the
//! path of the field (`services[0].desiredCount`), so a user can go straight to it; and warnings,
//! which name the field the same way but let the run go on (`scenario/warnings.rs` finds them).

use serde::Serialize;
use std::fmt;
use thiserror::Error;

/// A problem with one field of a scenario, before it is tied to a file.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("{path}: {message}")]
pub struct FieldError {
    pub path: String,
    pub message: String,
}

impl FieldError {
    pub fn new(path: impl Into<String>, message: impl Into<String>) -> Self {
        FieldError {
            path: path.into(),
            message: message.into(),
        }
    }
}

/// A scenario that cannot be run, and where it is wrong.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub struct ScenarioError {
    pub file: String,
    pub line: Option<usize>,
    pub column: Option<usize>,
    /// The path of the bad field, when there is one.
    pub field: Option<String>,
    pub message: String,
}

impl fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // A file name comes from the user too (a share link names its own): long paths pass.
        write!(f, "{}", shorten(&self.file, 4 * MAX_SHOWN))?;
        if let Some(l) = self.line {
            write!(f, ":{l}")?;
            if let Some(c) = self.column {
                write!(f, ":{c}")?;
            }
        }
        write!(f, ": ")?;
        if let Some(p) = &self.field {
            if !p.is_empty() {
                // Each name of the path cut, not the path: a deep path stays whole.
                let path: Vec<_> = p.split('.').map(|n| shorten(n, MAX_SHOWN)).collect();
                write!(f, "field `{}`: ", path.join("."))?;
            }
        }
        // And the whole message at a few lines: serde quotes a bad value in plain quotes.
        write!(
            f,
            "{}",
            shorten(&clip_quoted(&self.message), 16 * MAX_SHOWN)
        )
    }
}

/// The most characters of one name an error shows: a key a kilobyte long (the fuzzer made one) is
/// recognised by its start, and the error stays a line.
const MAX_SHOWN: usize = 60;

/// `s`, cut to `max` characters with an ellipsis: how an error or a note shows a name or value
/// that came from the user, so that a kilobyte of input never becomes a kilobyte of message.
pub fn shorten(s: &str, max: usize) -> std::borrow::Cow<'_, str> {
    match s.char_indices().nth(max) {
        None => s.into(),
        Some((at, _)) => format!("{}…", &s[..at]).into(),
    }
}

/// `message` with each `quoted` name and each "quoted" value (serde quotes a bad value so) cut to
/// `MAX_SHOWN` characters.
fn clip_quoted(message: &str) -> String {
    clip_between(&clip_between(message, '`'), '"')
}

fn clip_between(message: &str, quote: char) -> String {
    let mut out = String::with_capacity(message.len().min(1024));
    for (i, part) in message.split(quote).enumerate() {
        if i > 0 {
            out.push(quote);
        }
        // Odd parts lie between quotes.
        if i % 2 == 1 {
            out.push_str(&shorten(part, MAX_SHOWN));
        } else {
            out.push_str(part);
        }
    }
    out
}

/// One thing the run will do that the scenario's author may not expect, and where it comes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Warning {
    /// The path of the field (`services[0]`, `instance_groups[1].ecs_config`).
    pub field: String,
    pub message: String,
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.message)
    }
}
