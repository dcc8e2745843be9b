//! Replays every fuzz corpus on stable Rust: each file of `fuzz/corpus/<target>/` through the
//! target's body (`ecsim_tests::fuzz_targets`), as libFuzzer ran it. The corpora hold the seeds
//! they started from and the inputs the fuzzer kept (minimised with `cargo fuzz cmin`); a
//! finding, once fixed, stays in its corpus.

// Native only: it reads the corpora from disk.
#![cfg(not(target_arch = "wasm32"))]

use ecsim_tests::fuzz_targets::TARGETS;
use std::path::Path;

#[test]
fn every_fuzz_corpus_replays_cleanly() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../fuzz/corpus");
    for (name, target) in TARGETS {
        let dir = root.join(name);
        let mut files: Vec<_> = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.is_file())
            .collect();
        files.sort();
        assert!(
            files.len() >= 3,
            "{}: {} inputs",
            dir.display(),
            files.len()
        );
        for f in &files {
            let data = std::fs::read(f).unwrap_or_else(|e| panic!("{}: {e}", f.display()));
            // Name the input before running it: a panic inside shows which one.
            eprintln!("{name}: {}", f.display());
            target(&data);
        }
        eprintln!("{name}: {} inputs replayed", files.len());
    }
}

/// Every target has its libFuzzer entry point and its corpus, and no entry point lacks a body.
#[test]
fn every_target_has_an_entry_point_and_a_corpus() {
    let fuzz = Path::new(env!("CARGO_MANIFEST_DIR")).join("../fuzz");
    let manifest = std::fs::read_to_string(fuzz.join("Cargo.toml")).expect("fuzz/Cargo.toml");
    let mut entries: Vec<String> = std::fs::read_dir(fuzz.join("fuzz_targets"))
        .expect("fuzz/fuzz_targets")
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            e.file_name()
                .to_str()?
                .strip_suffix(".rs")
                .map(String::from)
        })
        .collect();
    entries.sort();
    let mut names: Vec<String> = TARGETS.iter().map(|(n, _)| n.to_string()).collect();
    names.sort();
    assert_eq!(
        entries, names,
        "fuzz/fuzz_targets/ against fuzz_targets::TARGETS"
    );
    for n in &names {
        let body = std::fs::read_to_string(fuzz.join(format!("fuzz_targets/{n}.rs"))).unwrap();
        assert!(
            body.contains(&format!("fuzz_targets::{n}(data)")),
            "{n}.rs calls {n}"
        );
        assert!(
            manifest.contains(&format!("name = \"{n}\"")),
            "{n} in fuzz/Cargo.toml"
        );
        assert!(fuzz.join("corpus").join(n).is_dir(), "fuzz/corpus/{n}/");
    }
}
