//! What the tests that run commands written in the repository's files share.

/// The words of a shell command line: single quotes group, `$VAR` and `$(VAR)` stay as written,
/// `${VAR:-default}` is its default, line continuations and `>-` folding are spaces.
pub fn words(cmd: &str) -> Vec<String> {
    let cmd = cmd.replace("\\\n", " ");
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    for c in cmd.chars() {
        match c {
            '\'' => quoted = !quoted,
            c if c.is_whitespace() && !quoted => {
                if !cur.is_empty() {
                    out.push(std::mem::take(&mut cur));
                }
            }
            '"' if !quoted => {}
            c => cur.push(c),
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    // `${NAME:-default}` as the shell gives it with NAME unset.
    out.into_iter()
        .map(
            |w| match w.strip_prefix("${").and_then(|r| r.strip_suffix('}')) {
                Some(inner) => inner
                    .split_once(":-")
                    .map_or(String::new(), |(_, d)| d.to_string()),
                None => w,
            },
        )
        .collect()
}
