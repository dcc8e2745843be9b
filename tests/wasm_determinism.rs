//! Native vs wasm: every scenario of the library, run in wasm (under Node with
//! wasm-bindgen-test-runner), gives the `trace_hash` the build script computed natively.
//! On native targets this file has no tests: `determinism.rs` covers them.
#![cfg(target_arch = "wasm32")]

use wasm_bindgen_test::wasm_bindgen_test;

#[wasm_bindgen_test]
fn wasm_trace_hashes_equal_native_ones() {
    assert!(!ecsim_tests::LIBRARY.is_empty());
    for (file, text, native) in ecsim_tests::LIBRARY {
        assert_eq!(
            native.len(),
            16,
            "{file}: the build script recorded no native hash"
        );
        let sc = ecsim_core::Scenario::parse(text, file).unwrap_or_else(|e| panic!("{e}"));
        let out =
            ecsim_core::run(&sc, &Default::default()).unwrap_or_else(|e| panic!("{file}: {e}"));
        assert_eq!(
            &out.summary.trace_hash, native,
            "{file}: wasm and native differ"
        );
    }
}

#[wasm_bindgen_test]
fn wasm_seeds_differ() {
    let (file, text, _) = ecsim_tests::LIBRARY[0];
    let sc = ecsim_core::Scenario::parse(text, file).unwrap();
    let a = ecsim_core::run(
        &sc,
        &ecsim_core::RunOptions {
            seed: Some(1),
            ..Default::default()
        },
    )
    .unwrap();
    let b = ecsim_core::run(
        &sc,
        &ecsim_core::RunOptions {
            seed: Some(2),
            ..Default::default()
        },
    )
    .unwrap();
    assert_ne!(a.summary.trace_hash, b.summary.trace_hash);
}
