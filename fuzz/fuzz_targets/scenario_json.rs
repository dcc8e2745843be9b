//! libFuzzer target `scenario_json`: the body is `ecsim_tests::fuzz_targets::scenario_json`, which
//! `tests/fuzz_corpus.rs` also replays over `fuzz/corpus/scenario_json/` on stable Rust.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| ecsim_tests::fuzz_targets::scenario_json(data));
