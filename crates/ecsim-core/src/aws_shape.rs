//! The sections a user pastes from AWS (services, task definitions, container definitions, port
//! mappings, log configurations): strict about keys, so a misspelt `desired_count` is an error
//! and never a different cluster, and lenient about AWS's own fields that ecsim does not model
//! (`environment`, `secrets`, `taskDefinitionArn`, …), which are a known list per section:
//! accepted, kept by name, and reported as ignored in the summary and the report
//! (docs/ecs-facts.md §4 and §5 list what ecsim does model).
//!
//! Each such section derives `Deserialize` with `deny_unknown_fields` and is read through
//! `entries`/`entry`, which pass its keys to the derived code but take AWS's unmodelled ones
//! out first, recording them. The parser's own position tracking sees every key, so errors keep
//! their file, line and field.

use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer};
use std::fmt;
use std::marker::PhantomData;

/// A section in AWS's shape.
pub trait AwsShape {
    /// AWS's fields of this section that ecsim accepts and ignores.
    const UNMODELLED: &'static [&'static str];
    /// The key AWS wraps the section in when a describe call prints it on its own
    /// (`describe-task-definition` answers `{"taskDefinition": {…}, "tags": […]}`): the section is
    /// read from inside it, and the answer's other keys are ignored fields.
    const WRAPPER: Option<&'static str> = None;
    /// Where the ignored fields' names are kept.
    fn ignored_mut(&mut self) -> &mut Vec<String>;
}

/// A list of AWS-shaped entries (`deserialize_with` on a `Vec` field).
pub fn entries<'de, D, T>(d: D) -> Result<Vec<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de> + AwsShape,
{
    struct List<T>(PhantomData<T>);
    impl<'de, T: Deserialize<'de> + AwsShape> Visitor<'de> for List<T> {
        type Value = Vec<T>;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a list of tables")
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<T>, A::Error> {
            let mut out = Vec::new();
            while let Some(x) = seq.next_element_seed(One::<T>(PhantomData))? {
                out.push(x);
            }
            Ok(out)
        }
    }
    d.deserialize_seq(List(PhantomData))
}

/// One AWS-shaped entry on its own (a pasted task definition).
pub fn read<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de> + AwsShape,
{
    One::<T>(PhantomData).deserialize(d)
}

/// One optional AWS-shaped entry (`deserialize_with` on an `Option` field, with `default`).
pub fn entry<'de, D, T>(d: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de> + AwsShape,
{
    One::<T>(PhantomData).deserialize(d).map(Some)
}

/// Reads one entry: its keys filtered, then the derived code.
struct One<T>(PhantomData<T>);

impl<'de, T: Deserialize<'de> + AwsShape> DeserializeSeed<'de> for One<T> {
    type Value = T;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<T, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de, T: Deserialize<'de> + AwsShape> Visitor<'de> for One<T> {
    type Value = T;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a table")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<T, A::Error> {
        let mut ignored = Vec::new();
        let mut first = None;
        if let Some(wrapper) = T::WRAPPER {
            // The answer's own keys (`tags`) may come before the wrapper; a modelled key means
            // the section is given bare.
            while let Some(key) = map.next_key::<String>()? {
                if key == wrapper {
                    let mut value = map.next_value_seed(One::<T>(PhantomData))?;
                    while let Some(key) = map.next_key::<String>()? {
                        map.next_value::<IgnoredAny>()?;
                        ignored.push(key);
                    }
                    value.ignored_mut().extend(ignored);
                    return Ok(value);
                }
                if !T::UNMODELLED.contains(&key.as_str()) {
                    first = Some(key);
                    break;
                }
                map.next_value::<IgnoredAny>()?;
                ignored.push(key);
            }
        }
        let mut value = T::deserialize(Filtered {
            map,
            first,
            ignored: &mut ignored,
            skip: T::UNMODELLED,
        })?;
        *value.ignored_mut() = ignored;
        Ok(value)
    }
}

/// The entry's map with AWS's unmodelled keys taken out: a deserializer for the derived code
/// and the map it reads.
struct Filtered<'a, A> {
    map: A,
    /// A key already read (while looking for the wrapper), handed to the derived code first.
    first: Option<String>,
    ignored: &'a mut Vec<String>,
    skip: &'static [&'static str],
}

impl<'de, A: MapAccess<'de>> Deserializer<'de> for Filtered<'_, A> {
    type Error = A::Error;
    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, A::Error> {
        visitor.visit_map(self)
    }
    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        option unit unit_struct newtype_struct seq tuple tuple_struct map struct enum
        identifier ignored_any
    }
}

impl<'de, A: MapAccess<'de>> MapAccess<'de> for Filtered<'_, A> {
    type Error = A::Error;
    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, A::Error> {
        loop {
            let key = match self.first.take() {
                Some(k) => k,
                None => match self.map.next_key::<String>()? {
                    Some(k) => k,
                    None => return Ok(None),
                },
            };
            if self.skip.contains(&key.as_str()) {
                self.map.next_value::<IgnoredAny>()?;
                self.ignored.push(key);
                continue;
            }
            return seed
                .deserialize(de::value::StringDeserializer::<A::Error>::new(key))
                .map(Some);
        }
    }
    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, A::Error> {
        self.map.next_value_seed(seed)
    }
}

/// The closest of `names` to `key`, if one is close: the same name but for case, `_` and `-`
/// (`desired_count` for `desiredCount`), a name cut short (`deploymentConfig`), or a couple of
/// letters off.
pub fn closest<'a>(key: &str, names: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let norm = |s: &str| -> String {
        s.chars()
            .filter(|c| *c != '_' && *c != '-')
            .flat_map(char::to_lowercase)
            .collect()
    };
    let k = norm(key);
    let names: Vec<&str> = names.into_iter().collect();
    if let Some(same) = names.iter().find(|n| norm(n) == k) {
        return Some(same);
    }
    // A name cut short (`deploymentConfig`).
    if k.chars().count() >= 6 {
        if let Some(longer) = names
            .iter()
            .filter(|n| norm(n).starts_with(&k))
            .min_by_key(|n| n.len())
        {
            return Some(longer);
        }
    }
    let limit = (k.chars().count() / 3).max(2);
    names
        .iter()
        .map(|n| (strsim::levenshtein(&norm(n), &k), *n))
        .filter(|(d, _)| *d <= limit)
        .min()
        .map(|(_, n)| n)
}

/// serde's "unknown field `x`, expected one of `a`, `b`" as "unknown field `x`: did you mean
/// `a`?" when one name is close, for every section (AWS-shaped or not).
pub fn suggest(message: &str) -> String {
    let Some(rest) = message.strip_prefix("unknown field `") else {
        return message.to_string();
    };
    let Some((key, expected)) = rest.split_once('`') else {
        return message.to_string();
    };
    let names: Vec<&str> = expected.split('`').skip(1).step_by(2).collect();
    // With a guess, the list of every valid name is noise.
    match closest(key, names) {
        Some(n) => format!("unknown field `{key}`: did you mean `{n}`?"),
        None => message.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Deserialize, PartialEq)]
    #[serde(rename_all = "camelCase", deny_unknown_fields)]
    struct Thing {
        desired_count: u32,
        #[serde(skip)]
        ignored: Vec<String>,
    }

    impl AwsShape for Thing {
        const UNMODELLED: &'static [&'static str] = &["tags", "serviceArn"];
        fn ignored_mut(&mut self) -> &mut Vec<String> {
            &mut self.ignored
        }
    }

    #[derive(Debug, Deserialize)]
    struct Doc {
        #[serde(deserialize_with = "entries")]
        things: Vec<Thing>,
    }

    #[test]
    fn aws_fields_are_kept_by_name_and_typos_are_errors() {
        let d: Doc = serde_json::from_str(
            r#"{"things":[{"desiredCount":2,"tags":[{"key":"a"}],"serviceArn":"x"}]}"#,
        )
        .unwrap();
        assert_eq!(d.things[0].desired_count, 2);
        assert_eq!(d.things[0].ignored, ["tags", "serviceArn"]);
        let e = serde_json::from_str::<Doc>(r#"{"things":[{"desired_count":2}]}"#).unwrap_err();
        assert!(
            e.to_string().contains("unknown field `desired_count`"),
            "{e}"
        );
        let t =
            toml::from_str::<Doc>("[[things]]\ndesiredCount = 1\ndesiredCont = 2\n").unwrap_err();
        assert!(t.to_string().contains("unknown field `desiredCont`"), "{t}");
    }

    #[test]
    fn the_closest_name_is_suggested() {
        let m = "unknown field `desired_count`, expected one of `serviceName`, `desiredCount`";
        assert_eq!(
            suggest(m),
            "unknown field `desired_count`: did you mean `desiredCount`?"
        );
        let m =
            "unknown field `placementStratgy`, expected one of `placementStrategy`, `launchType`";
        assert!(suggest(m).ends_with("did you mean `placementStrategy`?"));
        let m = "unknown field `nme`, expected `name`";
        assert!(
            suggest(m).ends_with("did you mean `name`?"),
            "{}",
            suggest(m)
        );
        let m = "unknown field `zebra`, expected one of `serviceName`, `desiredCount`";
        assert_eq!(suggest(m), m, "nothing close: no guess");
    }
}
