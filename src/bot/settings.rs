//! The chat languages pinned with /lang, as the bot reads them: a map in memory, by the chat's
//! salted hash, loaded from the question log's file at start and written through to it by the
//! journal's writer, so no message waits for SQLite to learn its chat's language. When the file
//! cannot be written, pins hold in memory until the bot restarts.
//!
//! Earlier versions kept the pins in `DATA_DIR/chat-languages.json`: `read_legacy` reads such a
//! file once at start, and `retire_legacy` renames it `*.migrated` once its pins are in the
//! database. A file that cannot be read or parsed is reported and moved aside (renamed to
//! `*.corrupt-<time>`), never silently dropped.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{SystemTime, UNIX_EPOCH};

use crate::knowledge::Lang;

/// The file in `DATA_DIR` where earlier versions kept each chat's pinned language.
pub(crate) const LEGACY_FILE: &str = "chat-languages.json";
/// What the legacy file is renamed to once its pins are in the database.
pub(crate) const MIGRATED_FILE: &str = "chat-languages.json.migrated";

/// Each chat's pinned language, by chat hash.
#[derive(Default)]
pub(crate) struct Pins {
    /// A std mutex: held for a lookup or an insert, never across `.await`.
    by_chat: Mutex<HashMap<String, Lang>>,
}

impl Pins {
    pub(crate) fn get(&self, chat: &str) -> Option<Lang> {
        self.by_chat.lock().expect("pins lock").get(chat).copied()
    }

    pub(crate) fn set(&self, chat: String, lang: Lang) {
        self.by_chat.lock().expect("pins lock").insert(chat, lang);
    }

    /// Sets `chat` only when it has no pin yet; returns whether it did.
    pub(crate) fn set_if_missing(&self, chat: String, lang: Lang) -> bool {
        let mut by_chat = self.by_chat.lock().expect("pins lock");
        match by_chat.entry(chat) {
            std::collections::hash_map::Entry::Occupied(_) => false,
            std::collections::hash_map::Entry::Vacant(vacant) => {
                vacant.insert(lang);
                true
            }
        }
    }

    /// Every pin, to write again into a log file that was started anew.
    pub(crate) fn all(&self) -> Vec<(String, Lang)> {
        let by_chat = self.by_chat.lock().expect("pins lock");
        by_chat.iter().map(|(c, l)| (c.clone(), *l)).collect()
    }
}

/// The pins in `DATA_DIR/chat-languages.json`, by chat id, and what went wrong reading it, if
/// anything (the file then moved aside). No file is no pins and no problem.
pub(crate) fn read_legacy(data_dir: &Path) -> (BTreeMap<i64, Lang>, Option<String>) {
    let path = data_dir.join(LEGACY_FILE);
    let failure = match std::fs::read_to_string(&path) {
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Default::default(),
        Err(error) => format!("cannot be read ({error})"),
        Ok(text) => match serde_json::from_str(&text) {
            Ok(pins) => return (pins, None),
            Err(error) => format!("is not a valid list of chat languages ({error})"),
        },
    };
    let aside = corrupt_name(&path);
    let fate = match std::fs::rename(&path, &aside) {
        Ok(()) => format!("moved aside to {}", aside.display()),
        Err(error) => format!("and cannot be moved aside ({error})"),
    };
    let problem = format!(
        "{} {failure}: {fate}; its pinned languages are not imported",
        path.display()
    );
    (BTreeMap::new(), Some(problem))
}

/// Renames the legacy file to `MIGRATED_FILE`, so that it is not imported again.
pub(crate) fn retire_legacy(data_dir: &Path) -> std::io::Result<PathBuf> {
    let to = data_dir.join(MIGRATED_FILE);
    std::fs::rename(data_dir.join(LEGACY_FILE), &to)?;
    Ok(to)
}

/// `path` with `.corrupt-<milliseconds since 1970>` added.
fn corrupt_name(path: &Path) -> PathBuf {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis());
    let mut name = path.as_os_str().to_owned();
    name.push(format!(".corrupt-{now}"));
    PathBuf::from(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fresh_dir(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("kzcn-legacy-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    fn names_in(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn a_legacy_file_is_read_and_a_corrupt_or_unreadable_one_reported_and_moved_aside() {
        let dir = fresh_dir("whole");
        std::fs::write(dir.join(LEGACY_FILE), r#"{"5": "ru", "-100": "zh"}"#).unwrap();
        let (pins, problem) = read_legacy(&dir);
        assert_eq!(pins, BTreeMap::from([(5, Lang::Ru), (-100, Lang::Zh)]));
        assert!(problem.is_none());
        retire_legacy(&dir).expect("renamed");
        assert_eq!(names_in(&dir), [MIGRATED_FILE]);
        assert_eq!(read_legacy(&dir), Default::default(), "read once only");

        for (name, as_directory) in [("corrupt", false), ("directory", true)] {
            let dir = fresh_dir(name);
            let path = dir.join(LEGACY_FILE);
            match as_directory {
                false => std::fs::write(&path, "{\"1\": \"ru\", trunc").unwrap(),
                true => std::fs::create_dir(&path).unwrap(),
            }
            let (pins, problem) = read_legacy(&dir);
            assert!(pins.is_empty());
            let problem = problem.expect("the problem is reported");
            assert!(problem.contains("moved aside"), "{problem}");
            assert!(!path.exists(), "{name}: moved out of the way");
            let names = names_in(&dir);
            assert!(
                names.len() == 1 && names[0].starts_with("chat-languages.json.corrupt-"),
                "{names:?}"
            );
        }
    }

    #[test]
    fn a_pin_from_the_legacy_file_never_replaces_a_newer_one() {
        let pins = Pins::default();
        pins.set("a".into(), Lang::Kk);
        assert!(!pins.set_if_missing("a".into(), Lang::Ru));
        assert!(pins.set_if_missing("b".into(), Lang::Ru));
        assert_eq!(
            (pins.get("a"), pins.get("b")),
            (Some(Lang::Kk), Some(Lang::Ru))
        );
        assert_eq!(pins.get("c"), None);
    }
}
