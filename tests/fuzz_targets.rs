//! The fuzz targets' bodies, one function per target: `fuzz/fuzz_targets/*.rs` hands each the
//! bytes libFuzzer makes (`scripts/fuzz.sh`, nightly Rust), and `tests/fuzz_corpus.rs` replays
//! every file of `fuzz/corpus/<target>/` through the same function on stable Rust in CI.
//!
//! Each returns normally on any input, and panics only on a finding: a panic inside ecsim, an
//! error without its file or field, an unbounded error message, a share link that does not come
//! back the same, or an engine that breaks one of its invariants.

use crate::check::check_scenario;
use crate::{random_scenario, ByteChoices};
use ecsim_core::{
    budget, RunOptions, Scenario, Simulation, DEFAULT_SCENARIO, DEFAULT_SCENARIO_FILE,
};
use ecsim_front::setting::{apply, Override};
use ecsim_front::share;

/// A target's body: bytes in, a panic only on a finding.
pub type Target = fn(&[u8]);

/// Every target by name, as `fuzz/corpus/<name>/` and `fuzz/fuzz_targets/<name>.rs` name them.
pub const TARGETS: [(&str, Target); 7] = [
    ("scenario_toml", scenario_toml),
    ("scenario_json", scenario_json),
    ("taskdef_paste", taskdef_paste),
    ("ecs_config", ecs_config),
    ("share_link", share_link),
    ("set_path", set_path),
    ("engine", engine),
];

/// The most events a fuzzed scenario may take to be run, so each input takes milliseconds.
const FUZZ_EVENTS: u64 = 200_000;

/// The longest error message a bad input may give: long enough for a snippet and a suggestion,
/// short of echoing a whole input back.
const MAX_MESSAGE: usize = 4096;

fn text(data: &[u8]) -> String {
    String::from_utf8_lossy(data).into_owned()
}

/// A scenario's text as a file named `file`: an error names the file and stays short; a valid
/// scenario within a small budget runs with its invariants checked after every event.
fn scenario(data: &[u8], file: &str) {
    let text = text(data);
    match Scenario::parse(&text, file) {
        Err(e) => {
            let msg = e.to_string();
            assert!(
                msg.starts_with(file),
                "the error does not name the file: {msg}"
            );
            assert!(msg.len() <= MAX_MESSAGE, "a {} byte error", msg.len());
        }
        Ok(sc) => {
            if budget::check(&sc, sc.spec.duration, FUZZ_EVENTS).is_ok() {
                let mut sim = Simulation::new(
                    &sc,
                    &RunOptions {
                        check_invariants: true,
                        ..Default::default()
                    },
                );
                if let Err(e) = sim.run_to_end() {
                    panic!("{e}\n{text}");
                }
                let _ = sim.finish();
            }
        }
    }
}

/// The TOML loader, and the engine on what it accepts.
pub fn scenario_toml(data: &[u8]) {
    scenario(data, "fuzz.toml");
}

/// The JSON loader, and the engine on what it accepts.
pub fn scenario_json(data: &[u8]) {
    scenario(data, "fuzz.json");
}

/// A pasted task definition (`describe-task-definition` JSON, or a bare one) into the default
/// scenario: the result is a scenario that parses or says why not.
pub fn taskdef_paste(data: &[u8]) {
    let json = text(data);
    match ecsim_front::form::paste_task_definition(DEFAULT_SCENARIO, &json) {
        Err(e) => assert!(e.to_string().len() <= MAX_MESSAGE, "a long error"),
        Ok(p) => {
            if let Err(e) = Scenario::parse(&p.text, DEFAULT_SCENARIO_FILE) {
                assert!(e.to_string().len() <= MAX_MESSAGE, "a long error");
            }
        }
    }
}

/// An instance group's `ecs.config`, as the scenario loader reads it (the agent's parser is
/// the core's own): an error names the file and stays short.
pub fn ecs_config(data: &[u8]) {
    let config = serde_json::to_string(&text(data)).expect("a string serialises");
    let json = format!(
        r#"{{"name":"fuzz","duration":"1m","instance_groups":[{{"name":"g","instance_type":"m5.large","count":1,"ecs_config":{config}}}]}}"#
    );
    if let Err(e) = Scenario::parse(&json, "fuzz.json") {
        let msg = e.to_string();
        assert!(
            msg.starts_with("fuzz.json"),
            "the error does not name the file: {msg}"
        );
        assert!(msg.len() <= MAX_MESSAGE, "a {} byte error", msg.len());
    }
}

/// A share link: an error is short (a deflate bomb says so in a line); a link that decodes
/// encodes back to one that decodes the same.
pub fn share_link(data: &[u8]) {
    match share::decode(&text(data)) {
        Err(e) => assert!(
            e.to_string().len() <= 512,
            "a {} byte error",
            e.to_string().len()
        ),
        Ok(s) => {
            let again = share::decode(&share::encode(&s.text, &s.file, s.seed))
                .expect("an encoded link decodes");
            assert_eq!(again, s);
        }
    }
}

/// `--set PATH=VALUE` (the first line) on the default scenario: applied, the text still parses
/// or says why not.
pub fn set_path(data: &[u8]) {
    let arg = text(data);
    let arg = arg.lines().next().unwrap_or("");
    let Ok(o) = Override::parse(arg) else { return };
    match apply(DEFAULT_SCENARIO, DEFAULT_SCENARIO_FILE, &[o]) {
        Err(e) => assert!(e.to_string().len() <= MAX_MESSAGE, "a long error"),
        Ok(t) => {
            if let Err(e) = Scenario::parse(&t, DEFAULT_SCENARIO_FILE) {
                assert!(e.to_string().len() <= MAX_MESSAGE, "a long error");
            }
        }
    }
}

/// The engine on a valid scenario over every section, its decisions read from the bytes (see
/// `random_scenario`): every invariant after every event, and the end state.
pub fn engine(data: &[u8]) {
    let (seed, rest) = match data {
        [s, rest @ ..] => (u64::from(*s), rest),
        [] => (0, data),
    };
    let text = random_scenario(&mut ByteChoices::new(rest));
    if let Err(e) = check_scenario(&text, seed) {
        panic!("seed {seed}: {e}\n{text}");
    }
}
