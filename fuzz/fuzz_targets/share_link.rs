//! libFuzzer target `share_link`: the body is `ecsim_tests::fuzz_targets::share_link`, which
//! `tests/fuzz_corpus.rs` also replays over `fuzz/corpus/share_link/` on stable Rust.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| ecsim_tests::fuzz_targets::share_link(data));
