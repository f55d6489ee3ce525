//! The chat languages pinned with /lang, kept in `DATA_DIR/chat-languages.json` across
//! restarts. A file that cannot be read or parsed is reported and moved aside (renamed to
//! `*.corrupt-<time>`), never silently dropped. Saves run off the async threads, one at a
//! time, each through a temporary file of its own that is renamed over the old one, so a crash
//! or two saves at once can neither corrupt the file nor lose a choice.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{SystemTime, UNIX_EPOCH};

use anyhow::Context;
use tracing::warn;

use crate::knowledge::Lang;

/// The file in `DATA_DIR` that keeps each chat's pinned language.
const LANGUAGES_FILE: &str = "chat-languages.json";

pub(crate) struct LanguageStore {
    path: PathBuf,
    /// A std mutex: held for a lookup or an insert, never across `.await`.
    pins: Mutex<BTreeMap<i64, Lang>>,
    /// Held across taking the snapshot and writing it, so saves happen one after another and
    /// the last one written holds every pin made before it.
    writer: Mutex<()>,
}

impl LanguageStore {
    /// The pins saved in `data_dir`. Problems with the file or the directory are logged.
    pub(crate) fn open(data_dir: &Path) -> LanguageStore {
        let path = data_dir.join(LANGUAGES_FILE);
        let (pins, problem) = load(&path);
        if let Some(problem) = problem {
            warn!("{problem}");
        }
        if let Err(error) = probe(data_dir) {
            warn!("{error:#}: /lang choices will last only until the bot restarts");
        }
        LanguageStore {
            path,
            pins: Mutex::new(pins),
            writer: Mutex::new(()),
        }
    }

    pub(crate) fn get(&self, chat: i64) -> Option<Lang> {
        self.pins.lock().expect("pins lock").get(&chat).copied()
    }

    /// Pins `chat` to `lang` at once, then saves every pin on a blocking thread. On an error
    /// the pin still holds until the bot restarts.
    pub(crate) async fn set(self: &Arc<Self>, chat: i64, lang: Lang) -> anyhow::Result<()> {
        self.pins.lock().expect("pins lock").insert(chat, lang);
        let store = Arc::clone(self);
        tokio::task::spawn_blocking(move || store.save())
            .await
            .context("the task saving chat languages failed")?
    }

    fn save(&self) -> anyhow::Result<()> {
        let _one_at_a_time = self.writer.lock().expect("writer lock");
        let snapshot = {
            let pins = self.pins.lock().expect("pins lock");
            serde_json::to_string_pretty(&*pins).expect("a map of languages serialises")
        };
        write_atomically(&self.path, snapshot.as_bytes())
            .with_context(|| format!("cannot save chat languages to {}", self.path.display()))
    }
}

/// The pins in `path`, and what went wrong reading it, if anything (the file then moved aside).
fn load(path: &Path) -> (BTreeMap<i64, Lang>, Option<String>) {
    let failure = match std::fs::read_to_string(path) {
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Default::default(),
        Err(error) => format!("cannot be read ({error})"),
        Ok(text) => match serde_json::from_str(&text) {
            Ok(pins) => return (pins, None),
            Err(error) => format!("is not a valid list of chat languages ({error})"),
        },
    };
    let aside = corrupt_name(path);
    let fate = match std::fs::rename(path, &aside) {
        Ok(()) => format!("moved aside to {}", aside.display()),
        Err(error) => format!("and cannot be moved aside ({error}); the next /lang replaces it"),
    };
    let problem = format!(
        "{} {failure}: {fate}; starting with no pinned languages",
        path.display()
    );
    (BTreeMap::new(), Some(problem))
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

/// Whether files can be written in `dir`: said at start-up, not at the first /lang.
fn probe(dir: &Path) -> anyhow::Result<()> {
    std::fs::create_dir_all(dir)
        .with_context(|| format!("DATA_DIR {} cannot be created", dir.display()))?;
    let probe = unique_temporary(&dir.join(".write-probe"));
    std::fs::write(&probe, b"")
        .with_context(|| format!("DATA_DIR {} is not writable", dir.display()))?;
    let _ = std::fs::remove_file(&probe);
    Ok(())
}

/// A temporary name beside `path` that no other write, in this process or another, uses.
fn unique_temporary(path: &Path) -> PathBuf {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    let mut name = path.as_os_str().to_owned();
    name.push(format!(".tmp-{}-{n}", std::process::id()));
    PathBuf::from(name)
}

/// Writes `bytes` to a temporary file, flushes it to disk and renames it over `path`: a
/// reader sees the old file or the new one, never half of one.
fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let temporary = unique_temporary(path);
    let written = std::fs::File::create(&temporary)
        .and_then(|mut file| file.write_all(bytes).and_then(|()| file.sync_all()))
        .and_then(|()| std::fs::rename(&temporary, path));
    if written.is_err() {
        let _ = std::fs::remove_file(&temporary);
    }
    written
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fresh_dir(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("kzcn-store-{}-{name}", std::process::id()));
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
    fn a_corrupt_or_unreadable_file_is_reported_and_moved_aside() {
        for (name, as_directory) in [("corrupt", false), ("directory", true)] {
            let dir = fresh_dir(name);
            let path = dir.join(LANGUAGES_FILE);
            match as_directory {
                false => std::fs::write(&path, "{\"1\": \"ru\", trunc").unwrap(),
                true => std::fs::create_dir(&path).unwrap(),
            }
            let (pins, problem) = load(&path);
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
        let (pins, problem) = load(&fresh_dir("missing").join(LANGUAGES_FILE));
        assert!(
            pins.is_empty() && problem.is_none(),
            "no file is no problem"
        );
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn saves_at_once_lose_no_choice_and_leave_a_whole_file() {
        let dir = fresh_dir("concurrent");
        let store = Arc::new(LanguageStore::open(&dir));
        let saves: Vec<_> = (0..40)
            .map(|chat| {
                let store = Arc::clone(&store);
                let lang = Lang::ALL[chat as usize % Lang::ALL.len()];
                tokio::spawn(async move { store.set(chat, lang).await })
            })
            .collect();
        for save in saves {
            save.await.unwrap().expect("saved");
        }
        let reopened = LanguageStore::open(&dir);
        for chat in 0..40 {
            assert_eq!(
                reopened.get(chat),
                Some(Lang::ALL[chat as usize % Lang::ALL.len()]),
                "chat {chat}"
            );
        }
        assert_eq!(
            names_in(&dir),
            [LANGUAGES_FILE],
            "no temporary file is left"
        );
    }

    #[tokio::test]
    async fn a_failed_save_is_an_error_naming_the_file_and_the_pin_holds() {
        let dir = fresh_dir("unwritable");
        let blocker = dir.join("not-a-directory");
        std::fs::write(&blocker, "").unwrap();
        let store = Arc::new(LanguageStore::open(&blocker));
        let error = store.set(7, Lang::Zh).await.expect_err("cannot save");
        assert!(
            format!("{error:#}").contains("not-a-directory/chat-languages.json"),
            "{error:#}"
        );
        assert_eq!(store.get(7), Some(Lang::Zh));
    }
}
