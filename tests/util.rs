//! Helpers shared by the integration tests.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::OnceLock;
use std::time::Duration;

use kzcn_bot::knowledge::{load_dir, Knowledge, LoadError};
use kzcn_bot::matching::{Index, MAX_TERMS};
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

/// The index over the real fact base, built once, for tests of retrieval on its own.
pub fn index() -> &'static Index {
    static INDEX: OnceLock<Index> = OnceLock::new();
    INDEX.get_or_init(|| Index::new(engine().knowledge()))
}

/// The most terms one answer may resolve against the vocabulary: about a dozen readings of
/// the question (as written and as two transliterations, up to three parts, a part joined to
/// the one before, each part continued, the whole message; 16 leaves room), each resolving at
/// most `MAX_TERMS` terms, and one more term for each word a claim names (checked one by one).
pub fn term_budget(question: &str) -> usize {
    16 * MAX_TERMS + question.split_whitespace().count()
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
    copy_dir(&knowledge_dir(), name)
}

/// A fresh copy of the files in `from` (not recursive) in a temporary directory of its own.
pub fn copy_dir(from: &Path, name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("kzcn-bot-test-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    for entry in std::fs::read_dir(from).expect("directory to copy") {
        let path = entry.expect("entry").path();
        std::fs::copy(&path, dir.join(path.file_name().expect("name"))).expect("copy");
    }
    dir
}

/// The problems loading `dir` reports, each as printed. Panics if it loads, or if loading takes
/// more than 10 s: a fault must never make the loader hang.
pub fn load_problems(dir: &Path) -> Vec<String> {
    match load_within_10s(dir) {
        Ok(_) => panic!("{} loaded, but a problem was expected", dir.display()),
        Err(error) => error.problems(),
    }
}

/// Loads `dir` on a thread of its own, failing the test if that takes more than 10 s.
pub fn load_within_10s(dir: &Path) -> Result<Knowledge, LoadError> {
    let (sender, receiver) = std::sync::mpsc::channel();
    let path = dir.to_path_buf();
    std::thread::spawn(move || {
        let _ = sender.send(load_dir(&path));
    });
    receiver
        .recv_timeout(Duration::from_secs(10))
        .unwrap_or_else(|_| panic!("loading {} did not finish in 10 s", dir.display()))
}

/// The values of the numbers in `text`, as written in `lang`, scaled by the unit that follows
/// them ("24.2 billion", "24,2 млрд", "242亿" are all 24.2e9), so a translation can be checked
/// against the English text. Chinese months ("11月") are dates, not figures, and are skipped.
pub fn values_in(text: &str, lang: kzcn_bot::knowledge::Lang) -> Vec<String> {
    use kzcn_bot::knowledge::Lang;
    let chars: Vec<char> = text.chars().collect();
    let mut values = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if !chars[i].is_ascii_digit()
            || (i > 0 && (chars[i - 1].is_ascii_digit() || chars[i - 1] == '.'))
        {
            i += 1;
            continue;
        }
        let mut digits = String::new();
        while i < chars.len() {
            let c = chars[i];
            let next_digits = chars[i + 1..]
                .iter()
                .take_while(|d| d.is_ascii_digit())
                .count();
            if c.is_ascii_digit() {
                digits.push(c);
            } else if matches!(c, ',' | ' ' | '\u{a0}' | '\u{202f}')
                && next_digits == 3
                && !digits.contains('.')
            {
                // a thousands separator: 5,000 / 5 000
            } else if matches!(c, '.' | ',') && next_digits > 0 {
                digits.push('.');
            } else {
                break;
            }
            i += 1;
        }
        let rest: String = chars[i..]
            .iter()
            .take(12)
            .collect::<String>()
            .trim_start()
            .to_lowercase();
        // Chinese months are dates, not figures: "11月", and the first of a range "1—5月".
        let month_range = rest.starts_with(['—', '–', '-', '至', '到'])
            && rest.chars().skip(1).find(|c| !c.is_ascii_digit()) == Some('月');
        if lang == Lang::Zh && (rest.starts_with('月') || month_range) {
            continue;
        }
        let scale = match lang {
            Lang::Zh if rest.starts_with('亿') => 1e8,
            Lang::Zh if rest.starts_with('万') => 1e4,
            Lang::Zh if rest.starts_with('千') => 1e3,
            _ if rest.starts_with("billion")
                || rest.starts_with("млрд")
                || rest.starts_with("миллиард") =>
            {
                1e9
            }
            _ if rest.starts_with("million")
                || rest.starts_with("млн")
                || rest.starts_with("миллион") =>
            {
                1e6
            }
            _ if rest.starts_with("thousand")
                || rest.starts_with("тыс")
                || rest.starts_with("мың") =>
            {
                1e3
            }
            _ => 1.0,
        };
        // "2026–30" is the range 2026 to 2030.
        let start = i - digits.chars().count();
        if digits.len() == 2 && start >= 5 && matches!(chars[start - 1], '-' | '–' | '—') {
            let before: String = chars[start - 5..start - 1].iter().collect();
            if before.len() == 4 && before.chars().all(|c| c.is_ascii_digit()) {
                digits = format!("{}{digits}", &before[..2]);
            }
        }
        let value: f64 = digits.parse().unwrap_or(0.0) * scale;
        values.push(format!("{value:.3}"));
    }
    values.sort();
    values.dedup();
    values
}

/// Right answers out of all, for an evaluation set or one kind of question in it.
#[derive(Debug, Default, Clone, Copy)]
pub struct Tally {
    pub total: usize,
    pub right: usize,
}

impl Tally {
    pub fn add(&mut self, right: bool) {
        self.total += 1;
        self.right += usize::from(right);
    }

    /// The share right, in 0..1 (1 for an empty tally).
    pub fn rate(&self) -> f64 {
        match self.total {
            0 => 1.0,
            total => self.right as f64 / total as f64,
        }
    }
}

/// The Rust files under `dir`, at any depth.
pub fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files.extend(rust_files(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            files.push(path);
        }
    }
    files
}

/// Splits `text` as the most eager readers do (Python's `splitlines`, JavaScript before
/// ES2019): on every Unicode line break, not only `\n`.
pub fn split_every_line_break(text: &str) -> Vec<&str> {
    text.split([
        '\n', '\r', '\u{b}', '\u{c}', '\u{1c}', '\u{1d}', '\u{1e}', '\u{85}', '\u{2028}',
        '\u{2029}',
    ])
    .filter(|line| !line.is_empty())
    .collect()
}
