//! libFuzzer target `set_path`: the body is `ecsim_tests::fuzz_targets::set_path`, which
//! `tests/fuzz_corpus.rs` also replays over `fuzz/corpus/set_path/` on stable Rust.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| ecsim_tests::fuzz_targets::set_path(data));
