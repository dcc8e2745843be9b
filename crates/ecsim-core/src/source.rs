//! Where a field sits in a scenario's text: line and column of a byte offset, and a best-effort
//! search for the line of a field path (`services[1].placementStrategy[0].field`) for errors found
//! after parsing, when the parser's spans are gone.

/// The format of a scenario's text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Toml,
    Json,
}

impl Format {
    /// JSON for `.json` files, TOML otherwise.
    pub fn from_file_name(name: &str) -> Format {
        if name.to_ascii_lowercase().ends_with(".json") {
            Format::Json
        } else {
            Format::Toml
        }
    }
}

/// 1-based line and column of a byte offset.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let col = before.len() - before.rfind('\n').map_or(0, |i| i + 1) + 1;
    (line, col)
}

/// Finds the line of a field path like `services[1].placementStrategy[0].field` in the scenario
/// text, for errors found after parsing. Best effort: it follows `[[array]]` headers and keys in
/// TOML, and keys in JSON, and gives up (None) where the text is laid out otherwise.
pub fn locate(text: &str, format: Format, path: &str) -> Option<usize> {
    let mut from = 0usize;
    let mut found = None;
    for seg in path.split('.') {
        let (key, index) = match seg.split_once('[') {
            Some((k, rest)) => (k, rest.trim_end_matches(']').parse::<usize>().ok()),
            None => (seg, None),
        };
        if key.is_empty() {
            continue;
        }
        let rest = &text[from..];
        let pos = match format {
            Format::Toml => {
                let (top, nested) = (format!("[[{key}]]"), format!(".{key}]]"));
                let mut headers: Vec<usize> = rest
                    .match_indices(&top)
                    .chain(rest.match_indices(&nested))
                    .map(|(i, _)| i)
                    .collect();
                headers.sort_unstable();
                match index {
                    Some(n) if n < headers.len() => Some(headers[n]),
                    _ => find_key(rest, key, &[" =", "="]),
                }
            }
            Format::Json => find_key(rest, &format!("\"{key}\""), &[":", " :"]),
        }?;
        from += pos;
        found = Some(from);
        // Step past the header or key so the next segment is searched after it (at a character
        // boundary: the match may start at a quote before a key that is not ASCII).
        from += key.len().min(text.len() - from);
        while !text.is_char_boundary(from) {
            from += 1;
        }
    }
    found.map(|o| line_col(text, o).0)
}

fn find_key(rest: &str, key: &str, seps: &[&str]) -> Option<usize> {
    let mut best: Option<usize> = None;
    for sep in seps {
        let pat = format!("{key}{sep}");
        let mut start = 0;
        while let Some(i) = rest[start..].find(&pat) {
            let at = start + i;
            let before = rest[..at].chars().last();
            if before.is_none_or(|c| !(c.is_alphanumeric() || c == '_')) {
                best = Some(best.map_or(at, |b: usize| b.min(at)));
                break;
            }
            start = at + 1;
        }
    }
    best
}

/// serde_json appends " at line L column C"; the error already carries both.
pub fn strip_position(msg: &str) -> String {
    match msg.rfind(" at line ") {
        Some(i) => msg[..i].to_string(),
        None => msg.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_that_is_not_ascii_is_found_and_stepped_past() {
        let json = r#"{"name":"x","instance_types":{"é":{"vcpu":0}}}"#;
        assert_eq!(locate(json, Format::Json, "instance_types.é.vcpu"), Some(1));
        let toml = "name = \"x\"\n[instance_types.\"é\"]\nvcpu = 0\n";
        // A quoted TOML key is past this search (TOML errors carry the parser's span), but the
        // search must not panic on it either.
        assert_eq!(locate(toml, Format::Toml, "instance_types.é.vcpu"), None);
        assert_eq!(line_col("aé\nb", 4), (2, 1));
    }
}
