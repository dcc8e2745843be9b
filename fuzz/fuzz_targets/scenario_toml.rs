//! libFuzzer target `scenario_toml`: the body is `ecsim_tests::fuzz_targets::scenario_toml`, which
//! `tests/fuzz_corpus.rs` also replays over `fuzz/corpus/scenario_toml/` on stable Rust.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| ecsim_tests::fuzz_targets::scenario_toml(data));
