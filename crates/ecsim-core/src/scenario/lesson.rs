//! A lesson's things to try, each either a sentence, or a step with its checkpoint: what the
//! Try changes (settings as `ecsim run --set` takes them, so a test can do it and the web app
//! can offer to) and what should hold once it is done. The lesson's objectives say what holds
//! as given; a step's `expect` what holds after it, so doing the exercise turns its
//! checkpoint green instead of turning the objectives red.

use super::ObjectiveSpec;
use serde::de::{self, value::MapAccessDeserializer, Deserializer, MapAccess, Visitor};
use serde::{Deserialize, Serialize};

/// One thing to try.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum TryStep {
    /// Just the sentence.
    Text(String),
    /// The sentence, what it changes, and what should hold after it.
    Step(TryStepSpec),
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TryStepSpec {
    /// What to do, in words.
    #[serde(rename = "do")]
    pub what: String,
    /// The settings the step changes (`services[web].desiredCount=3`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub set: Vec<String>,
    /// What should hold once it is done: the checkpoint.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub expect: Vec<ObjectiveSpec>,
}

impl TryStep {
    pub fn what(&self) -> &str {
        match self {
            TryStep::Text(t) => t,
            TryStep::Step(s) => &s.what,
        }
    }

    pub fn set(&self) -> &[String] {
        match self {
            TryStep::Text(_) => &[],
            TryStep::Step(s) => &s.set,
        }
    }

    pub fn expect(&self) -> &[ObjectiveSpec] {
        match self {
            TryStep::Text(_) => &[],
            TryStep::Step(s) => &s.expect,
        }
    }
}

// By hand rather than `untagged`, so a mistake inside a step's table is reported as itself
// (an unknown key, a missing `do`) at its path, not as "did not match any variant".
impl<'de> Deserialize<'de> for TryStep {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = TryStep;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a sentence, or a table with `do`, `set` and `expect`")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<TryStep, E> {
                Ok(TryStep::Text(v.to_string()))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<TryStep, A::Error> {
                TryStepSpec::deserialize(MapAccessDeserializer::new(map)).map(TryStep::Step)
            }
        }
        d.deserialize_any(V)
    }
}
