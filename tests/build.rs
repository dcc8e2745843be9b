//! Embeds the scenario library into the test crate, and for wasm builds also runs every scenario
//! *natively* here (the build script always runs on the host) to record its native `trace_hash`.
//! The wasm test then recomputes each hash in wasm and compares: native and wasm must agree bit
//! for bit (docs/determinism.md "Bit-identical everywhere").

use std::fmt::Write;
use std::path::{Path, PathBuf};

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    for e in rd.flatten() {
        let p = e.path();
        if p.is_dir() {
            collect(&p, out);
        } else if matches!(
            p.extension().and_then(|x| x.to_str()),
            Some("toml" | "json")
        ) {
            out.push(p);
        }
    }
}

fn main() {
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets it"));
    let root = manifest
        .parent()
        .expect("tests/ sits in the workspace")
        .to_path_buf();
    let scenarios = root.join("scenarios");
    println!("cargo:rerun-if-changed={}", scenarios.display());
    let mut files = Vec::new();
    collect(&scenarios, &mut files);
    files.sort();
    let wasm = std::env::var("CARGO_CFG_TARGET_ARCH").as_deref() == Ok("wasm32");
    let mut src = String::from("/// (file, text, native trace_hash or \"\" when not a wasm build)\npub const LIBRARY: &[(&str, &str, &str)] = &[\n");
    for f in &files {
        println!("cargo:rerun-if-changed={}", f.display());
        let rel = f.strip_prefix(&root).unwrap_or(f).display().to_string();
        let hash = if wasm {
            let text = std::fs::read_to_string(f).expect("scenario readable");
            let sc = ecsim_core::Scenario::parse(&text, &rel).unwrap_or_else(|e| panic!("{e}"));
            let out =
                ecsim_core::run(&sc, &Default::default()).unwrap_or_else(|e| panic!("{rel}: {e}"));
            out.summary.trace_hash
        } else {
            String::new()
        };
        let _ = writeln!(
            src,
            "    ({rel:?}, include_str!({:?}), {hash:?}),",
            f.display().to_string()
        );
    }
    src.push_str("];\n");
    let out = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets it")).join("library.rs");
    std::fs::write(out, src).expect("OUT_DIR writable");
}
