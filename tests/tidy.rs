//! Tidy: the checks that keep the map of the code true and the repository self-contained.
//!
//! - No `use` forms a cycle between the modules of any crate.
//! - Every module opens with its doc comment (`//!`).
//! - ARCHITECTURE.md names every crate and every module.
//! - The engine crate knows no word of ECS.
//! - No `impl Simulation` outside `sim/`.
//! - Nothing cites a file outside the repository, and every `docs/` file cited exists.
//!
//! They read the sources as text, so they need no build of their own and fail with the file and
//! what to change.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ sits in the workspace")
        .to_path_buf()
}

/// The crates' source folders, relative to the root.
const CRATES: &[&str] = &[
    "crates/ecsim-engine/src",
    "crates/ecsim-core/src",
    "crates/ecsim-front/src",
    "crates/ecsim-cli/src",
    "crates/ecsim-bench-wasm/src",
    "web/src",
];

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .flatten()
        .map(|e| e.path())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

fn read(p: &Path) -> String {
    std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// The code of a file without its line comments and its `#[cfg(test)]` tail (tests may use
/// anything; they are not part of the module graph).
fn code_of(text: &str) -> String {
    let body = match text.find("#[cfg(test)]") {
        Some(i) => &text[..i],
        None => text,
    };
    body.lines()
        .map(|l| match l.find("//") {
            Some(i) => &l[..i],
            None => l,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn is_ident_start(c: char) -> bool {
    c.is_ascii_alphabetic() || c == '_'
}

fn ident_at(s: &str) -> Option<&str> {
    let end = s
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(s.len());
    (end > 0 && s.starts_with(is_ident_start)).then(|| &s[..end])
}

/// The names a file's code reaches through `crate::` (also inside `crate::{a, b::c}`): modules,
/// or items the crate root re-exports (`crate::Simulation`).
fn crate_refs(code: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut rest = code;
    while let Some(i) = rest.find("crate::") {
        let after = &rest[i + "crate::".len()..];
        if let Some(group) = after.strip_prefix('{') {
            // The first name of each top-level part (`time::{A, B}` gives `time` only).
            let (mut depth, mut start) = (0usize, true);
            for (k, c) in group.char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' if depth == 0 => break,
                    '}' => depth -= 1,
                    ',' if depth == 0 => start = true,
                    c if start && !c.is_whitespace() => {
                        start = false;
                        if let Some(id) = ident_at(&group[k..]) {
                            out.insert(id.to_string());
                        }
                    }
                    _ => {}
                }
            }
        } else if let Some(id) = ident_at(after) {
            out.insert(id.to_string());
        }
        rest = after;
    }
    out
}

/// The module a file belongs to at the top of its crate (`sim/pulls.rs` → `sim`), or `None` for
/// the crate roots.
fn top_module(src: &Path, file: &Path) -> Option<String> {
    let rel = file.strip_prefix(src).expect("under src");
    let first = rel.components().next()?.as_os_str().to_string_lossy();
    let name = first.strip_suffix(".rs").unwrap_or(&first).to_string();
    (!matches!(name.as_str(), "lib" | "main")).then_some(name)
}

/// What the crate root re-exports, by name, and the module it comes from (`pub use sim::{A, B}`).
fn root_reexports(src: &Path) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for root in ["lib.rs", "main.rs"] {
        let Ok(text) = std::fs::read_to_string(src.join(root)) else {
            continue;
        };
        for stmt in code_of(&text).split(';') {
            let Some(rest) = stmt.trim().strip_prefix("pub use ") else {
                continue;
            };
            let Some((module, items)) = rest.split_once("::") else {
                continue;
            };
            let items = items.trim().trim_start_matches('{').trim_end_matches('}');
            for item in items.split(',') {
                let name = item.rsplit(" as ").next().unwrap_or(item).trim();
                if let Some(id) = ident_at(name) {
                    out.insert(id.to_string(), module.trim().to_string());
                }
            }
        }
    }
    out
}

fn module_graph(src: &Path) -> BTreeMap<String, BTreeSet<String>> {
    let mut files = Vec::new();
    rust_files(src, &mut files);
    let reexports = root_reexports(src);
    let mut g: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for f in &files {
        let Some(m) = top_module(src, f) else {
            continue;
        };
        let refs = crate_refs(&code_of(&read(f)))
            .into_iter()
            .map(|r| reexports.get(&r).cloned().unwrap_or(r));
        g.entry(m.clone())
            .or_default()
            .extend(refs.filter(|r| *r != m));
    }
    // Only edges to modules of this crate (`crate::X` where X is a re-export from another
    // crate, such as the core's `time`, is not a module here).
    let names: BTreeSet<String> = g.keys().cloned().collect();
    for deps in g.values_mut() {
        deps.retain(|d| names.contains(d));
    }
    g
}

/// The strongly connected components of more than one module (Tarjan's algorithm).
fn cycles(g: &BTreeMap<String, BTreeSet<String>>) -> Vec<Vec<String>> {
    struct T<'a> {
        g: &'a BTreeMap<String, BTreeSet<String>>,
        index: BTreeMap<&'a str, usize>,
        low: BTreeMap<&'a str, usize>,
        stack: Vec<&'a str>,
        on: BTreeSet<&'a str>,
        out: Vec<Vec<String>>,
    }
    fn visit<'a>(t: &mut T<'a>, v: &'a str) {
        let i = t.index.len();
        t.index.insert(v, i);
        t.low.insert(v, i);
        t.stack.push(v);
        t.on.insert(v);
        for w in &t.g[v] {
            let w = w.as_str();
            if !t.index.contains_key(w) {
                visit(t, w);
                let lw = t.low[w];
                let lv = t.low.get_mut(v).expect("visited");
                *lv = (*lv).min(lw);
            } else if t.on.contains(w) {
                let iw = t.index[w];
                let lv = t.low.get_mut(v).expect("visited");
                *lv = (*lv).min(iw);
            }
        }
        if t.low[v] == t.index[v] {
            let mut comp = Vec::new();
            while let Some(w) = t.stack.pop() {
                t.on.remove(w);
                comp.push(w.to_string());
                if w == v {
                    break;
                }
            }
            if comp.len() > 1 {
                comp.sort();
                t.out.push(comp);
            }
        }
    }
    let mut t = T {
        g,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on: BTreeSet::new(),
        out: Vec::new(),
    };
    for v in g.keys() {
        if !t.index.contains_key(v.as_str()) {
            visit(&mut t, v);
        }
    }
    t.out
}

#[test]
fn the_cycle_finder_finds_cycles() {
    let g: BTreeMap<String, BTreeSet<String>> = [
        ("a", vec!["b"]),
        ("b", vec!["c"]),
        ("c", vec!["a"]),
        ("d", vec!["a"]),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.into_iter().map(String::from).collect()))
    .collect();
    assert_eq!(cycles(&g), vec![vec!["a", "b", "c"]]);
    let refs = crate_refs(
        "use crate::{alb::X, time::{A, B}};\nlet q = crate::queue::Q;\ncrate::Sim::new()",
    );
    assert_eq!(
        refs.into_iter().collect::<Vec<_>>(),
        vec!["Sim", "alb", "queue", "time"]
    );
}

#[test]
fn no_module_cycles_in_any_crate() {
    let mut found = Vec::new();
    for c in CRATES {
        for cyc in cycles(&module_graph(&root().join(c))) {
            found.push(format!("{c}: {}", cyc.join(" <-> ")));
        }
    }
    assert!(
        found.is_empty(),
        "modules that depend on each other (move what both need into its own module):\n{}",
        found.join("\n")
    );
}

#[test]
fn every_module_opens_with_its_doc() {
    let mut missing = Vec::new();
    for c in CRATES {
        let mut files = Vec::new();
        rust_files(&root().join(c), &mut files);
        for f in files {
            if !read(&f).starts_with("//!") {
                missing.push(f.strip_prefix(root()).unwrap_or(&f).display().to_string());
            }
        }
    }
    assert!(
        missing.is_empty(),
        "modules without an opening `//!` doc (what it models, the facts behind its defaults):\n{}",
        missing.join("\n")
    );
}

#[test]
fn architecture_names_every_crate_and_module() {
    let arch = read(&root().join("ARCHITECTURE.md"));
    // Every backticked span of the map, for whole-word look-ups.
    let spans: Vec<&str> = arch.split('`').skip(1).step_by(2).collect();
    let named = |word: &str| {
        spans.iter().any(|s| {
            s.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-'))
                .any(|w| w == word)
        })
    };
    let mut missing = Vec::new();
    for c in CRATES {
        let dir = c.trim_end_matches("/src");
        if !arch.contains(dir) {
            missing.push(format!("the crate {dir}"));
        }
        let mut files = Vec::new();
        rust_files(&root().join(c), &mut files);
        for f in files {
            let stem = f.file_stem().expect("a file").to_string_lossy().to_string();
            if matches!(stem.as_str(), "lib" | "main" | "mod" | "tests") {
                continue;
            }
            // A module in a folder (`sim/pulls.rs`) is named by its path, so a common word
            // elsewhere in the map (`event`, `health`) does not pass for it.
            let rel = f.strip_prefix(root().join(c)).unwrap_or(&f);
            let rel_s = rel.display().to_string().replace('\\', "/");
            let ok = if rel.parent().is_some_and(|p| !p.as_os_str().is_empty()) {
                spans.iter().any(|s| s.contains(rel_s.as_str()))
            } else {
                named(&stem)
            };
            if !ok {
                missing.push(format!("{c}/{rel_s}"));
            }
        }
    }
    assert!(
        missing.is_empty(),
        "ARCHITECTURE.md does not name these (in backticks):\n{}",
        missing.join("\n")
    );
}

#[test]
fn the_engine_knows_no_ecs_word() {
    const WORDS: &[&str] = &[
        "ecs",
        "ec2",
        "fargate",
        "task",
        "tasks",
        "container",
        "containers",
        "instance",
        "instances",
        "service",
        "services",
        "cluster",
        "alb",
        "host",
        "hosts",
        "port",
        "ports",
        "image",
        "images",
        "pull",
        "pulls",
    ];
    let mut found = Vec::new();
    let mut files = Vec::new();
    rust_files(&root().join("crates/ecsim-engine/src"), &mut files);
    for f in files {
        for (n, line) in read(&f).lines().enumerate() {
            let lower = line.to_ascii_lowercase();
            for w in lower.split(|c: char| !c.is_ascii_alphanumeric()) {
                if WORDS.contains(&w) {
                    found.push(format!("{}:{}: {w}", f.display(), n + 1));
                }
            }
        }
    }
    assert!(
        found.is_empty(),
        "the engine names the model (it belongs in ecsim-core):\n{}",
        found.join("\n")
    );
}

#[test]
fn no_impl_simulation_outside_sim() {
    let src = root().join("crates/ecsim-core/src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let outside: Vec<String> = files
        .iter()
        .filter(|f| !f.strip_prefix(&src).is_ok_and(|r| r.starts_with("sim")))
        .filter(|f| read(f).contains("impl Simulation"))
        .map(|f| f.display().to_string())
        .collect();
    assert!(
        outside.is_empty(),
        "`impl Simulation` outside sim/: {outside:?}"
    );
}

/// Text files of the repository a person reads: sources, scenarios, docs, scripts.
fn repository_texts(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<_> = rd.flatten().map(|e| e.path()).collect();
    entries.sort();
    for p in entries {
        let name = p
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_default();
        if p.is_dir() {
            // Fuzz corpora and crashes are inputs: any bytes, not the project's text.
            if !matches!(
                name.as_str(),
                "target"
                    | "node_modules"
                    | "dist"
                    | "test-output"
                    | "golden"
                    | "corpus"
                    | "artifacts"
            ) && !name.starts_with('.')
                || name == ".ci"
            {
                repository_texts(&p, out);
            }
        } else if matches!(
            p.extension().and_then(|x| x.to_str()),
            Some("rs" | "toml" | "md" | "sh" | "mjs" | "html" | "css" | "json")
        ) || name == "run"
        {
            out.push(p);
        }
    }
}

#[test]
fn nothing_cites_a_file_outside_the_repository() {
    // Written in pieces so this file does not match itself.
    let outside = [
        ["shared", "/"].concat(),
        ["DESIGN", ".md"].concat(),
        ["toolchain-worker", ".md"].concat(),
        ["reference", "/"].concat(),
    ];
    let mut bad = Vec::new();
    let mut files = Vec::new();
    repository_texts(&root(), &mut files);
    for f in files.iter().filter(|f| !f.ends_with("tests/tidy.rs")) {
        let rel = f.strip_prefix(root()).unwrap_or(f).display().to_string();
        for (n, line) in read(f).lines().enumerate() {
            for o in &outside {
                if line.contains(o.as_str()) {
                    bad.push(format!("{rel}:{}: {o}", n + 1));
                }
            }
            // Every `docs/X.md` cited exists.
            let mut rest = line;
            while let Some(i) = rest.find("docs/") {
                let after = &rest[i + 5..];
                let end = after
                    .find(|c: char| {
                        !(c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.')
                    })
                    .unwrap_or(after.len());
                let name = after[..end].trim_end_matches('.');
                if name.ends_with(".md") && !root().join("docs").join(name).is_file() {
                    bad.push(format!("{rel}:{}: docs/{name} does not exist", n + 1));
                }
                rest = after;
            }
            // A bare fact citation must say where the facts are (files in docs/ link by name).
            let mut rest = if rel.starts_with("docs/") { "" } else { line };
            while let Some(i) = rest.find("ecs-facts") {
                if !rest[..i].ends_with("docs/") {
                    bad.push(format!("{rel}:{}: cite docs/ecs-facts.md", n + 1));
                }
                rest = &rest[i + 9..];
            }
        }
    }
    assert!(
        bad.is_empty(),
        "citations of files the repository does not hold:\n{}",
        bad.join("\n")
    );
}
