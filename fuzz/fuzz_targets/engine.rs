//! libFuzzer target `engine`: the body is `ecsim_tests::fuzz_targets::engine`, which
//! `tests/fuzz_corpus.rs` also replays over `fuzz/corpus/engine/` on stable Rust.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| ecsim_tests::fuzz_targets::engine(data));
