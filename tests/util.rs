//! Helpers shared by the integration tests.

use std::collections::BTreeSet;
use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};
use std::sync::OnceLock;

use kzcn_bot::Engine;

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn knowledge_dir() -> PathBuf {
    root().join("knowledge")
}

pub fn fixture(name: &str) -> PathBuf {
    root().join("tests/fixtures").join(name)
}

/// The engine over the real fact base, loaded once for all tests.
pub fn engine() -> &'static Engine {
    static ENGINE: OnceLock<Engine> = OnceLock::new();
    ENGINE.get_or_init(|| {
        Engine::load(&knowledge_dir()).unwrap_or_else(|e| panic!("knowledge does not load:\n{e}"))
    })
}

/// The articles sit beside the project, in `../shared/seeds`, one file per source.
pub fn article(source_id: &str) -> String {
    let prefix = match source_id {
        "astana-times" => "000_",
        "qazmonitor" => "001_",
        "tokayev-ding" => "002_",
        "kazinform" => "003_",
        "china-daily" => "004_",
        other => panic!("no article is known for source \"{other}\""),
    };
    let dir = root().join("../shared/seeds");
    let entries =
        std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()));
    for entry in entries {
        let path = entry.expect("directory entry").path();
        if path
            .file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| n.starts_with(prefix))
        {
            return std::fs::read_to_string(&path).expect("article is UTF-8 text");
        }
    }
    panic!("no article {prefix}* in {}", dir.display())
}

/// Every number written in digits, with thousands separators removed (`5,000` → `5000`) and
/// decimals kept (`24.2`).
pub fn numbers_in(text: &str) -> BTreeSet<String> {
    let chars: Vec<char> = text.chars().collect();
    let mut numbers = BTreeSet::new();
    let mut i = 0;
    while i < chars.len() {
        if !chars[i].is_ascii_digit() {
            i += 1;
            continue;
        }
        let mut number = String::new();
        while i < chars.len() {
            let c = chars[i];
            let next_is_digit = chars.get(i + 1).is_some_and(|n| n.is_ascii_digit());
            if c.is_ascii_digit() {
                number.push(c);
            } else if c == ',' && next_is_digit {
                // thousands separator: drop it
            } else if c == '.' && next_is_digit {
                number.push('.');
            } else {
                break;
            }
            i += 1;
        }
        numbers.insert(number);
    }
    numbers
}

/// Runs the real binary with `args`, feeding `stdin`.
pub fn run(args: &[&str], stdin: &[u8]) -> Output {
    run_with(
        Command::new(env!("CARGO_BIN_EXE_kzcn-bot"))
            .args(args)
            .env_remove("KNOWLEDGE_DIR"),
        stdin,
    )
}

pub fn run_with(command: &mut Command, stdin: &[u8]) -> Output {
    let mut child = command
        .current_dir(root())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("binary starts");
    let mut input = child.stdin.take().expect("stdin");
    let data = stdin.to_vec();
    let writer = std::thread::spawn(move || {
        // The binary may stop reading early (an error); that is for the test to judge.
        let _ = input.write_all(&data);
    });
    let output = child.wait_with_output().expect("binary runs");
    writer.join().expect("stdin writer");
    output
}

pub fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// A fresh copy of the real knowledge directory, for tests that edit it.
pub fn knowledge_copy(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("kzcn-bot-test-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    for entry in std::fs::read_dir(knowledge_dir()).expect("knowledge dir") {
        let path = entry.expect("entry").path();
        std::fs::copy(&path, dir.join(path.file_name().expect("name"))).expect("copy");
    }
    dir
}
