//! Share links: a scenario's text, its file name and a seed packed into a URL fragment
//! (`#f=<file>&s=<seed>&t=<deflated text, base64url>`), so that opening the link in the web app,
//! or passing it to `ecsim run`, reproduces the run exactly. The text is raw-deflated
//! (`miniz_oxide`, pure Rust, no IO) and base64url-encoded without padding, which needs no
//! further escaping in a URL.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use thiserror::Error;

/// A decoded share link.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shared {
    pub file: String,
    pub seed: Option<u64>,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("not an ecsim share link: {0}")]
pub struct ShareError(String);

/// Deflate level: the best, as links are made once and should be short.
const LEVEL: u8 = 9;
/// The largest scenario a link may unpack to (a guard against a hostile link).
const MAX_TEXT: usize = 4 << 20;

/// The fragment (without `#`) for a scenario, file name and seed.
pub fn encode(text: &str, file: &str, seed: Option<u64>) -> String {
    let packed = miniz_oxide::deflate::compress_to_vec(text.as_bytes(), LEVEL);
    let mut out = format!("f={}", escape(file));
    if let Some(s) = seed {
        out += &format!("&s={s}");
    }
    out + "&t=" + &URL_SAFE_NO_PAD.encode(packed)
}

/// A part of a link as an error shows it: its first 40 characters (the fuzzer found a
/// kilobyte-long seed echoed whole).
fn shown(part: &str) -> std::borrow::Cow<'_, str> {
    ecsim_core::shorten(part, 40)
}

/// Decodes a fragment, a `#fragment` or a whole URL holding one.
pub fn decode(link: &str) -> Result<Shared, ShareError> {
    let frag = link.rsplit_once('#').map_or(link, |(_, f)| f);
    let (mut file, mut seed, mut text) = (None, None, None);
    for part in frag.split('&') {
        let (k, v) = part
            .split_once('=')
            .ok_or_else(|| ShareError(format!("{:?} is not key=value", shown(part))))?;
        match k {
            "f" => file = Some(unescape(v)),
            "s" => {
                seed = Some(v.parse::<u64>().map_err(|_| {
                    ShareError(format!("seed {:?} is not a whole number", shown(v)))
                })?)
            }
            "t" => {
                let packed = URL_SAFE_NO_PAD
                    .decode(v)
                    .map_err(|e| ShareError(format!("the scenario is not base64url ({e})")))?;
                let raw = miniz_oxide::inflate::decompress_to_vec_with_limit(&packed, MAX_TEXT)
                    .map_err(|e| {
                        // The status alone: the error also holds what was inflated so far, which
                        // for a bomb is megabytes.
                        ShareError(match e.status {
                            miniz_oxide::inflate::TINFLStatus::HasMoreOutput => format!(
                                "the scenario inflates past {} KiB, the most a link may hold",
                                MAX_TEXT / 1024
                            ),
                            status => format!("the scenario does not inflate ({status:?})"),
                        })
                    })?;
                text = Some(
                    String::from_utf8(raw)
                        .map_err(|_| ShareError("the scenario is not UTF-8".into()))?,
                );
            }
            _ => {}
        }
    }
    Ok(Shared {
        file: file.unwrap_or_else(|| "shared.toml".into()),
        seed,
        text: text.ok_or_else(|| ShareError("it holds no scenario (t=…)".into()))?,
    })
}

/// File names keep to a safe set; anything else is %-escaped.
fn escape(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'/' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

fn unescape(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let hex = |c: u8| (c as char).to_digit(16);
        match (
            b[i],
            b.get(i + 1).copied().and_then(hex),
            b.get(i + 2).copied().and_then(hex),
        ) {
            (b'%', Some(h), Some(l)) => {
                out.push((h * 16 + l) as u8);
                i += 3;
            }
            (c, _, _) => {
                out.push(c);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_link_round_trips_the_scenario_exactly() {
        let text = ecsim_core::DEFAULT_SCENARIO;
        let frag = encode(text, "scenarios/my run.toml", Some(7));
        assert!(
            frag.len() < text.len(),
            "compressed: {} of {}",
            frag.len(),
            text.len()
        );
        assert!(frag
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./=&%".contains(c)));
        let back = decode(&format!("http://127.0.0.1:8080/#{frag}")).unwrap();
        assert_eq!(back.text, text);
        assert_eq!(back.file, "scenarios/my run.toml");
        assert_eq!(back.seed, Some(7));
        assert_eq!(decode(&encode("x", "a.json", None)).unwrap().seed, None);
    }

    #[test]
    fn a_broken_link_says_what_is_wrong() {
        assert!(decode("f=a.toml")
            .unwrap_err()
            .to_string()
            .contains("no scenario"));
        assert!(decode("t=!!!")
            .unwrap_err()
            .to_string()
            .contains("base64url"));
        assert!(decode("t=AAAA")
            .unwrap_err()
            .to_string()
            .contains("inflate"));
        assert!(decode("s=x&t=AA").unwrap_err().to_string().contains("seed"));
    }

    #[test]
    fn a_deflate_bomb_is_refused_in_one_short_line() {
        let bomb = "#".repeat(MAX_TEXT + 1024);
        let e = decode(&encode(&bomb, "bomb.toml", None))
            .unwrap_err()
            .to_string();
        assert!(e.contains("inflates past 4096 KiB"), "{e}");
        assert!(e.len() < 200, "{} bytes of error", e.len());
    }

    /// Found by the fuzzer: a long seed or part was echoed whole in the error.
    #[test]
    fn a_long_bad_part_gives_a_short_error() {
        for link in [
            format!("f=x.toml&s={}&t=AA", "9".repeat(2000)),
            format!("f=x.toml&{}", "z".repeat(2000)),
        ] {
            let e = decode(&link).expect_err("refused").to_string();
            assert!(e.len() < 120 && e.contains('…'), "{} bytes: {e}", e.len());
        }
    }
}
