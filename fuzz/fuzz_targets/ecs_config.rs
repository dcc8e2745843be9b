//! libFuzzer target `ecs_config`: the body is `ecsim_tests::fuzz_targets::ecs_config`, which
//! `tests/fuzz_corpus.rs` also replays over `fuzz/corpus/ecs_config/` on stable Rust.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| ecsim_tests::fuzz_targets::ecs_config(data));
