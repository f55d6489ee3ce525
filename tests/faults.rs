//! Faults in the knowledge files: each is reported with its file (and line, where one applies),
//! none is skipped, none makes loading hang, editor and hidden files are left alone, and a
//! reload that meets a fault keeps the old base serving.

use std::os::unix::fs::{symlink, PermissionsExt};
use std::path::Path;
use std::process::Command;
use std::sync::Arc;
use std::time::Duration;

use kzcn_bot::bot::BotState;
use kzcn_bot::config::ServeConfig;
use kzcn_bot::knowledge::MAX_FILE_BYTES;
use kzcn_bot::Engine;

use crate::util::{copy_dir, fixture, load_problems, load_within_10s, run_with, stderr};

/// One way a knowledge directory can be broken, and the problem it must give.
struct Fault {
    name: &'static str,
    /// Breaks a copy of the mini fixture.
    make: fn(&Path),
    /// The file the problem names, its line if one applies, and what it says.
    file: &'static str,
    line: Option<usize>,
    says: &'static str,
}

impl Fault {
    /// Whether the fault holds here: root reads a file whatever its permissions.
    fn holds(&self, dir: &Path) -> bool {
        self.name != "permission" || std::fs::read(dir.join(self.file)).is_err()
    }

    fn expected_start(&self, dir: &Path) -> String {
        let file = dir.join(self.file).display().to_string();
        match self.line {
            Some(line) => format!("{file}:{line}: "),
            None => format!("{file}: "),
        }
    }

    fn assert_reported(&self, dir: &Path, problems: &[String]) {
        let start = self.expected_start(dir);
        assert!(
            problems
                .iter()
                .any(|p| p.starts_with(&start) && p.contains(self.says)),
            "{}: no `{start}… {}` in:\n{}",
            self.name,
            self.says,
            problems.join("\n")
        );
    }
}

fn faults() -> Vec<Fault> {
    vec![
        Fault {
            name: "dangling-symlink",
            make: |dir| symlink("nowhere.toml", dir.join("extra.toml")).unwrap(),
            file: "extra.toml",
            line: None,
            says: "dangling symbolic link to \"nowhere.toml\"",
        },
        Fault {
            name: "symlink-loop",
            make: |dir| {
                symlink("loop-b.toml", dir.join("loop-a.toml")).unwrap();
                symlink("loop-a.toml", dir.join("loop-b.toml")).unwrap();
            },
            file: "loop-a.toml",
            line: None,
            says: "cannot follow symbolic link",
        },
        Fault {
            name: "fifo",
            make: |dir| {
                let made = Command::new("mkfifo")
                    .arg(dir.join("pipe.toml"))
                    .status()
                    .expect("mkfifo runs");
                assert!(made.success(), "mkfifo");
            },
            file: "pipe.toml",
            line: None,
            says: "is a FIFO (named pipe), not a regular file",
        },
        Fault {
            name: "device-link",
            make: |dir| symlink("/dev/zero", dir.join("zero.toml")).unwrap(),
            file: "zero.toml",
            line: None,
            says: "is a symbolic link to \"/dev/zero\", a character device, not a regular file",
        },
        Fault {
            name: "directory",
            make: |dir| std::fs::create_dir(dir.join("folder.toml")).unwrap(),
            file: "folder.toml",
            line: None,
            says: "is a directory, not a regular file",
        },
        Fault {
            name: "oversized",
            // Valid TOML (one long comment): only the size is wrong.
            make: |dir| std::fs::write(dir.join("big.toml"), comment(MAX_FILE_BYTES + 1)).unwrap(),
            file: "big.toml",
            line: None,
            says: "is 1048577 bytes, more than the limit of 1048576 bytes",
        },
        Fault {
            name: "invalid-utf8",
            make: |dir| {
                edit(dir, "base.toml", |text| {
                    replace(text, b"Visa-free days", b"Visa-free \xff days")
                })
            },
            file: "base.toml",
            line: Some(18),
            says: "invalid UTF-8",
        },
        Fault {
            name: "truncated-mid-string",
            make: |dir| {
                edit(dir, "base.toml", |text| {
                    let cut = find(&text, b"A visa-free st") + 14;
                    text[..cut].to_vec()
                })
            },
            file: "base.toml",
            line: Some(25),
            says: "cannot parse",
        },
        Fault {
            name: "truncated-mid-character",
            make: |dir| {
                edit(dir, "base.toml", |mut text| {
                    text.extend_from_slice("# ж".as_bytes());
                    text.pop();
                    text
                })
            },
            file: "base.toml",
            line: Some(41),
            says: "invalid UTF-8",
        },
        Fault {
            name: "permission",
            make: |dir| {
                let path = dir.join("base.toml");
                std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o000)).unwrap();
            },
            file: "base.toml",
            line: None,
            says: "cannot read: Permission denied",
        },
    ]
}

/// A TOML comment line of exactly `bytes` bytes.
fn comment(bytes: u64) -> Vec<u8> {
    let mut text = b"# ".to_vec();
    text.resize(bytes as usize, b'x');
    text
}

fn edit(dir: &Path, name: &str, change: impl FnOnce(Vec<u8>) -> Vec<u8>) {
    let path = dir.join(name);
    let text = std::fs::read(&path).unwrap();
    std::fs::write(&path, change(text)).unwrap();
}

fn find(text: &[u8], what: &[u8]) -> usize {
    text.windows(what.len())
        .position(|w| w == what)
        .expect("the fixture holds the text to edit")
}

fn replace(text: Vec<u8>, what: &[u8], with: &[u8]) -> Vec<u8> {
    let at = find(&text, what);
    [&text[..at], with, &text[at + what.len()..]].concat()
}

#[test]
fn every_file_fault_is_reported_with_its_file_and_never_hangs() {
    for fault in faults() {
        let dir = copy_dir(&fixture("mini"), &format!("fault-{}", fault.name));
        (fault.make)(&dir);
        if !fault.holds(&dir) {
            eprintln!(
                "{}: root reads it anyway; the CLI test runs it unprivileged",
                fault.name
            );
            continue;
        }
        fault.assert_reported(&dir, &load_problems(&dir));
    }
}

#[test]
fn editor_and_hidden_files_are_not_read() {
    let dir = copy_dir(&fixture("mini"), "editor-files");
    for name in [
        ".#base.toml",
        ".hidden.toml",
        "base.toml~",
        "#base.toml#",
        ".base.toml.swp",
        "base.toml.swp",
    ] {
        std::fs::write(dir.join(name), "not [[ toml, and would break the load").unwrap();
    }
    symlink("root@host.1234:1700000000", dir.join(".#messages.toml")).unwrap();
    let knowledge = load_within_10s(&dir).expect("editor files are skipped");
    assert_eq!(
        knowledge.files, 2,
        "only base.toml and messages.toml are read"
    );
}

#[test]
fn a_file_of_exactly_the_size_limit_is_read() {
    let dir = copy_dir(&fixture("mini"), "size-limit");
    std::fs::write(dir.join("extra.toml"), comment(MAX_FILE_BYTES)).unwrap();
    load_within_10s(&dir).expect("a file at the limit loads");
}

/// `check` exits non-zero and names every fault at once, each on a line of its own.
#[test]
fn check_lists_every_file_fault_at_once() {
    let dir = copy_dir(&fixture("mini"), "check-faults");
    let faults: Vec<Fault> = faults()
        .into_iter()
        .filter(|f| !f.file.starts_with("base.toml"))
        .collect();
    for fault in &faults {
        (fault.make)(&dir);
    }
    let output = run_with(
        Command::new(env!("CARGO_BIN_EXE_kzcn-bot")).args(["check", dir.to_str().unwrap()]),
        b"",
    );
    assert!(!output.status.success());
    let problems: Vec<String> = stderr(&output).lines().map(str::to_owned).collect();
    for fault in &faults {
        fault.assert_reported(&dir, &problems);
    }
}

/// Root reads any file, so the permission case runs the real binary as `nobody` through
/// `setpriv` when the test runs as root.
#[test]
fn check_reports_a_file_it_may_not_read() {
    let fault = faults()
        .into_iter()
        .find(|f| f.name == "permission")
        .unwrap();
    let dir = copy_dir(&fixture("mini"), "permission-cli");
    (fault.make)(&dir);
    let binary = env!("CARGO_BIN_EXE_kzcn-bot");
    let mut command = if fault.holds(&dir) {
        Command::new(binary)
    } else if setpriv_works() {
        let mut command = Command::new("setpriv");
        command.args(["--reuid=65534", "--regid=65534", "--clear-groups", binary]);
        command
    } else {
        eprintln!("skipped: running as root and setpriv is not available");
        return;
    };
    let output = run_with(command.args(["check", dir.to_str().unwrap()]), b"");
    assert!(!output.status.success());
    let problems: Vec<String> = stderr(&output).lines().map(str::to_owned).collect();
    fault.assert_reported(&dir, &problems);
}

fn setpriv_works() -> bool {
    Command::new("setpriv")
        .args(["--reuid=65534", "--regid=65534", "--clear-groups", "true"])
        .status()
        .is_ok_and(|status| status.success())
}

/// What the bot does on /reload: every fault is refused with its file, and the base loaded
/// before keeps serving.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reload_that_meets_a_file_fault_keeps_the_old_base() {
    let data = std::env::temp_dir().join(format!("kzcn-bot-faults-data-{}", std::process::id()));
    for fault in faults() {
        let dir = copy_dir(&fixture("mini"), &format!("reload-{}", fault.name));
        let engine = Engine::load(&dir).expect("the fixture loads");
        let config = ServeConfig::from_vars(None, &|name| match name {
            "TELOXIDE_TOKEN" => Some("1:test".to_owned()),
            "KNOWLEDGE_DIR" => Some(dir.display().to_string()),
            "DATA_DIR" => Some(data.display().to_string()),
            _ => None,
        })
        .expect("a valid configuration");
        let state = BotState::new(engine, &config);
        let before = state.engine();
        (fault.make)(&dir);
        if !fault.holds(&dir) {
            continue;
        }
        let reload = tokio::time::timeout(Duration::from_secs(10), state.reload()).await;
        let error = match reload.expect("a reload never hangs") {
            Ok(_) => panic!("{}: the reload was accepted", fault.name),
            Err(error) => error,
        };
        fault.assert_reported(&dir, &error.problems());
        assert!(
            Arc::ptr_eq(&before, &state.engine()),
            "{}: the old base must keep serving",
            fault.name
        );
    }
}
