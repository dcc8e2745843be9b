//! libFuzzer target `taskdef_paste`: the body is `ecsim_tests::fuzz_targets::taskdef_paste`, which
//! `tests/fuzz_corpus.rs` also replays over `fuzz/corpus/taskdef_paste/` on stable Rust.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| ecsim_tests::fuzz_targets::taskdef_paste(data));
