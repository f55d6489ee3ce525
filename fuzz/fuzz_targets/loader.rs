//! Any bytes as one more `.toml` file beside the small fixture `tests/fixtures/mini`: the
//! loader reads, parses and checks the directory (`Engine::load`), and when it loads, what
//! `check` adds (warnings, refused example phrasings) and a question on the result.
//!
//! Properties: no panic, only errors; a failed load names at least one problem; every problem
//! and warning is one line (no control character in it can forge another `file:line` line).
#![no_main]

mod common;

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use kzcn_bot::Engine;
use libfuzzer_sys::fuzz_target;

use common::timed;

/// A directory of this process's own with a copy of the fixture, made once, under the fuzz
/// crate's `target/` (never committed, gone with `cargo clean`).
fn dir() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let fuzz = Path::new(env!("CARGO_MANIFEST_DIR"));
        let fixture = fuzz.join("../tests/fixtures/mini");
        let dir = fuzz
            .join("target/loader")
            .join(std::process::id().to_string());
        fs::create_dir_all(&dir).expect("a temporary directory");
        for entry in fs::read_dir(&fixture).expect("the mini fixture") {
            let path = entry.expect("a fixture file").path();
            fs::copy(&path, dir.join(path.file_name().expect("a file name")))
                .expect("the fixture copied");
        }
        dir
    })
}

fn one_line(line: &str) {
    assert!(
        !line.contains(|c: char| c.is_control() && c != '\t'),
        "a control character in a report line: {line:?}"
    );
}

fuzz_target!(|data: &[u8]| {
    let dir = dir();
    fs::write(dir.join("fuzzed.toml"), data).expect("the fuzzed file written");
    let loaded = timed("load", data.len(), || Engine::load(dir));
    let engine = match loaded {
        Ok(engine) => engine,
        Err(error) => {
            let problems = error.problems();
            assert!(!problems.is_empty(), "a failed load with no problem named");
            problems.iter().for_each(|p| one_line(p));
            return;
        }
    };
    engine.knowledge().warnings.iter().for_each(|w| one_line(w));
    let refused = timed("refused_phrasings", data.len(), || {
        engine.refused_phrasings()
    });
    refused.iter().for_each(|r| one_line(r));
    let answer = timed("answer", 0, || {
        engine.answer("How many days without a visa?", None)
    });
    assert!(!answer.text.trim().is_empty());
});
