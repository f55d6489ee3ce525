//! The bot's side of the question log. Handlers hand each question to `Journal::asked`, which
//! only queues it: one writer task takes the queue in batches and writes them on a blocking
//! thread, so no answer ever waits for the disk. When the file cannot be written (locked,
//! corrupt, read-only, the disk full) the bot answers on, the problem is logged at most once a
//! minute, `/stats` says the log is degraded, and the writer keeps trying with what it still
//! holds; a corrupt file is moved aside and a new one started. Before each batch the writer
//! checks that the file's path still names the file it has open: a file deleted under the
//! running bot is started anew, and one replaced is reopened (or moved aside, when it is not
//! a database), each said in one log line.
//!
//! The same file keeps the languages chats pinned with /lang. They are read into memory once
//! at start (with those of a legacy `chat-languages.json`, imported once) and each new pin is
//! queued for the writer like a question, so the running bot keeps every pin even when the
//! file cannot take it. A file started anew is given every pin held in memory.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::sync::{mpsc, oneshot};
use tracing::{error, info, warn};

use super::settings::{self, Pins};
use crate::answer::Answer;
use crate::knowledge::Lang;
use crate::questions::{self, Change, ChatType, Entry, Followed, OnDisk, QuestionLog, Salt};

/// Changes waiting for the writer; past this the newest are dropped (and the log degraded),
/// so a stuck disk cannot make the bot's memory grow.
const QUEUE: usize = 10_000;
/// How long the writer lets a batch gather after its first change: a burst of questions
/// becomes one transaction.
const BATCH_WINDOW: Duration = Duration::from_millis(200);
/// Changes a failed write keeps for the next try.
const MAX_PENDING: usize = 10_000;
/// A problem with the log is logged at most this often.
const WARN_EVERY: Duration = Duration::from_secs(60);
/// How often rows past their retention are deleted.
const PRUNE_EVERY: Duration = Duration::from_secs(60 * 60);
/// Inline queries arrive as the user types; one is logged once its user has typed nothing
/// new for this long, so the drafts of one question count once.
const INLINE_SETTLE: Duration = Duration::from_secs(3);
/// Chats whose last question is remembered, to tie a button press to it.
const MAX_RECENT: usize = 10_000;

enum Job {
    Change(Change),
    /// Write everything queued (and every inline draft), then say so.
    Flush(oneshot::Sender<()>),
}

/// The last question a chat asked and the buttons its reply offered.
struct Recent {
    question: i64,
    suggestions: Vec<String>,
    related: Vec<String>,
}

pub(crate) struct Journal {
    queue: mpsc::Sender<Job>,
    salt: Salt,
    health: Arc<Health>,
    data_dir: PathBuf,
    recent: Mutex<HashMap<i64, Recent>>,
    /// The languages pinned with /lang; the writer saves each new one.
    pins: Arc<Pins>,
}

/// Where the log lives and how it is kept.
#[derive(Debug, Clone)]
pub(crate) struct LogSettings {
    pub(crate) data_dir: PathBuf,
    pub(crate) retention_days: u32,
    /// The most the file may grow to, in bytes (`QUESTION_LOG_MAX_MB`); `None`: no cap.
    pub(crate) max_bytes: Option<u64>,
}

impl Journal {
    /// Opens the log, loads the pinned languages (importing a legacy file's once) and starts
    /// the writer. Must run inside the tokio runtime; it reads the file once, at start, before
    /// any update is taken.
    pub(crate) fn start(settings: LogSettings) -> Journal {
        let (salt, problem) = Salt::load_or_create(&settings.data_dir);
        let health = Arc::new(Health::default());
        if let Some(problem) = problem {
            health.failed(&format!(
                "{problem}: ids are hashed with a salt for this run only, and languages \
                 pinned in this run are lost at the next restart"
            ));
        }
        let pins = Arc::new(Pins::default());
        let data_dir = settings.data_dir.clone();
        let mut writer = Writer::new(settings, Arc::clone(&health), Arc::clone(&pins));
        writer.open_at_start(&salt);
        let (queue, jobs) = mpsc::channel(QUEUE);
        tokio::spawn(writer.run(jobs));
        Journal {
            queue,
            salt,
            health,
            data_dir,
            recent: Mutex::new(HashMap::new()),
            pins,
        }
    }

    /// The language pinned for `chat`, from memory.
    pub(crate) fn chat_language(&self, chat: i64) -> Option<Lang> {
        self.pins.get(&self.salt.hash("chat", chat))
    }

    /// Pins `chat` to `lang` at once, and queues the pin to be saved; never waits.
    pub(crate) fn pin_language(&self, chat: i64, lang: Lang) {
        let hash = self.salt.hash("chat", chat);
        self.pins.set(hash.clone(), lang);
        self.send(Change::Pinned {
            chat: hash,
            lang,
            at: questions::now(),
        });
    }

    /// Queues a question and what the bot replied; never waits.
    pub(crate) fn asked(&self, answer: &Answer, chat_type: ChatType, user: i64, chat: i64) {
        let entry = Entry::new(
            answer,
            chat_type,
            questions::now(),
            self.salt.hash("user", user),
            self.salt.hash("chat", chat),
        );
        if chat_type != ChatType::Inline {
            self.remember(chat, entry.id, answer);
        }
        self.send(Change::Asked(entry));
    }

    /// Notes a press on a button for `intent` in `chat`, when the chat's last reply offered it.
    pub(crate) fn followed(&self, chat: i64, intent: &str) {
        let change = {
            let recent = self.recent.lock().expect("recent lock");
            let Some(last) = recent.get(&chat) else {
                return;
            };
            let how = match (
                last.suggestions.iter().any(|s| s == intent),
                last.related.iter().any(|s| s == intent),
            ) {
                (true, _) => Followed::Suggestion,
                (false, true) => Followed::Related,
                (false, false) => return,
            };
            Change::Followed {
                question: last.question,
                how,
                intent: intent.to_owned(),
            }
        };
        self.send(change);
    }

    /// Notes a press on a Quote button in `chat`, against the chat's last question.
    pub(crate) fn quoted(&self, chat: i64) {
        let question = {
            let recent = self.recent.lock().expect("recent lock");
            let Some(last) = recent.get(&chat) else {
                return;
            };
            last.question
        };
        self.send(Change::Followed {
            question,
            how: Followed::Quote,
            intent: String::new(),
        });
    }

    fn remember(&self, chat: i64, question: i64, answer: &Answer) {
        let ids =
            |list: &[crate::answer::Suggestion]| list.iter().map(|s| s.intent.clone()).collect();
        let mut recent = self.recent.lock().expect("recent lock");
        if recent.len() >= MAX_RECENT && !recent.contains_key(&chat) {
            // The oldest question has the smallest id.
            if let Some(oldest) = recent
                .iter()
                .min_by_key(|(_, r)| r.question)
                .map(|(&c, _)| c)
            {
                recent.remove(&oldest);
            }
        }
        recent.insert(
            chat,
            Recent {
                question,
                suggestions: ids(&answer.suggestions),
                related: ids(&answer.related),
            },
        );
    }

    fn send(&self, change: Change) {
        if self.queue.try_send(Job::Change(change)).is_err() {
            self.health
                .failed("the question log's queue is full: questions are being dropped");
        }
    }

    /// Waits (at most `wait`) until everything queued so far is written or has failed.
    pub(crate) async fn flush(&self, wait: Duration) {
        let (done, written) = oneshot::channel();
        if self.queue.send(Job::Flush(done)).await.is_ok() {
            let _ = tokio::time::timeout(wait, written).await;
        }
    }

    /// Why the log is degraded, if it is.
    pub(crate) fn degraded(&self) -> Option<String> {
        self.health.problem()
    }

    pub(crate) fn data_dir(&self) -> &Path {
        &self.data_dir
    }
}

/// Whether the log works, and when its problem was last logged.
#[derive(Default)]
struct Health {
    state: Mutex<HealthState>,
}

#[derive(Default)]
struct HealthState {
    problem: Option<String>,
    warned: Option<Instant>,
    /// Problems not logged since the last line, for the next one to count.
    unsaid: u64,
}

impl Health {
    fn failed(&self, problem: &str) {
        let mut state = self.state.lock().expect("health lock");
        state.problem = Some(problem.to_owned());
        if state.warned.is_some_and(|at| at.elapsed() < WARN_EVERY) {
            state.unsaid += 1;
            return;
        }
        let unsaid = std::mem::take(&mut state.unsaid);
        state.warned = Some(Instant::now());
        warn!(
            unsaid,
            "question log degraded, the bot answers on without it: {problem}"
        );
    }

    fn recovered(&self) {
        let mut state = self.state.lock().expect("health lock");
        if let Some(problem) = state.problem.take() {
            info!("question log writing again (it failed with: {problem})");
        }
        state.unsaid = 0;
    }

    fn problem(&self) -> Option<String> {
        self.state.lock().expect("health lock").problem.clone()
    }
}

/// The one task that writes the log.
struct Writer {
    settings: LogSettings,
    health: Arc<Health>,
    pins: Arc<Pins>,
    /// `None` until opened, and again after the file turned out corrupt.
    log: Option<QuestionLog>,
    /// Changes a failed write left, oldest first.
    pending: Vec<Change>,
    /// The latest inline query of each user still typing, by user hash.
    drafts: HashMap<String, (Entry, Instant)>,
    pruned: Option<Instant>,
}

impl Writer {
    fn new(settings: LogSettings, health: Arc<Health>, pins: Arc<Pins>) -> Writer {
        Writer {
            settings,
            health,
            pins,
            log: None,
            pending: Vec::new(),
            drafts: HashMap::new(),
            pruned: None,
        }
    }

    async fn run(mut self, mut jobs: mpsc::Receiver<Job>) {
        self = self.write_on_blocking_thread().await;
        loop {
            let first = match tokio::time::timeout(INLINE_SETTLE, jobs.recv()).await {
                Ok(None) => break,
                Ok(Some(job)) => Some(job),
                Err(_) => None,
            };
            let mut flushes = Vec::new();
            let mut batch: Vec<Job> = first.into_iter().collect();
            if !batch.iter().any(|j| matches!(j, Job::Flush(_))) && !batch.is_empty() {
                tokio::time::sleep(BATCH_WINDOW).await;
            }
            while let Ok(job) = jobs.try_recv() {
                batch.push(job);
            }
            for job in batch {
                match job {
                    Job::Change(change) => self.take(change),
                    Job::Flush(done) => flushes.push(done),
                }
            }
            self.settle_drafts(!flushes.is_empty());
            // A flush writes even with nothing pending: it checks the file, so that `/stats`
            // reads the file the writer writes, and says degraded when it cannot.
            if !self.pending.is_empty() || self.prune_due() || !flushes.is_empty() {
                self = self.write_on_blocking_thread().await;
            }
            for done in flushes {
                let _ = done.send(());
            }
        }
        self.settle_drafts(true);
        let _ = self.write_on_blocking_thread().await;
    }

    fn take(&mut self, change: Change) {
        match change {
            Change::Asked(entry) if entry.chat_type == ChatType::Inline => {
                self.drafts
                    .insert(entry.user.clone(), (entry, Instant::now()));
            }
            other => self.pending.push(other),
        }
    }

    /// Moves the inline queries whose users stopped typing (all of them, on `all`) to pending.
    fn settle_drafts(&mut self, all: bool) {
        let settled: Vec<String> = self
            .drafts
            .iter()
            .filter(|(_, (_, at))| all || at.elapsed() >= INLINE_SETTLE)
            .map(|(user, _)| user.clone())
            .collect();
        for user in settled {
            if let Some((entry, _)) = self.drafts.remove(&user) {
                self.pending.push(Change::Asked(entry));
            }
        }
    }

    fn prune_due(&self) -> bool {
        self.pruned.is_none_or(|at| at.elapsed() >= PRUNE_EVERY)
    }

    async fn write_on_blocking_thread(mut self) -> Writer {
        let health = Arc::clone(&self.health);
        let (settings, pins) = (self.settings.clone(), Arc::clone(&self.pins));
        let joined = tokio::task::spawn_blocking(move || {
            let result = self.write();
            (self, result)
        })
        .await;
        let Ok((mut writer, result)) = joined else {
            // A panic in SQLite's wrapper: nothing to do but start over without the batch.
            health.failed("the question log's writer panicked; its batch is lost");
            return Writer::new(settings, health, pins);
        };
        match result {
            Ok(()) => health.recovered(),
            Err(problem) => {
                health.failed(&problem);
                let excess = writer.pending.len().saturating_sub(MAX_PENDING);
                writer.pending.drain(..excess);
            }
        }
        writer
    }

    /// At start: opens the log, reads its pins into memory and imports those of a legacy
    /// `chat-languages.json` that no chat has in the log, then renames that file. When the log
    /// cannot be opened or written, the imported pins hold in memory and the file stays for the
    /// next start.
    fn open_at_start(&mut self, salt: &Salt) {
        let (legacy, problem) = settings::read_legacy(&self.settings.data_dir);
        if let Some(problem) = problem {
            warn!("{problem}");
        }
        let stored = self.open(None).and_then(|log| {
            log.pins().map_err(|e| {
                format!(
                    "{}: cannot read the pinned languages: {e}",
                    log.path().display()
                )
            })
        });
        let opened = match stored {
            Ok(stored) => {
                for (chat, lang) in stored {
                    self.pins.set(chat, lang);
                }
                true
            }
            Err(problem) => {
                self.health.failed(&problem);
                false
            }
        };
        let found = legacy.len();
        let now = questions::now();
        let imported: Vec<Change> = legacy
            .into_iter()
            .map(|(chat, lang)| (salt.hash("chat", chat), lang))
            .filter(|(chat, lang)| self.pins.set_if_missing(chat.clone(), *lang))
            .map(|(chat, lang)| Change::Pinned {
                chat,
                lang,
                at: now,
            })
            .collect();
        let legacy_there = self.settings.data_dir.join(settings::LEGACY_FILE).is_file();
        if !opened || !legacy_there {
            return;
        }
        let written = match self.log.as_mut() {
            Some(log) => log
                .write(&imported)
                .map_err(|e| format!("{}: {e}", log.path().display())),
            None => return,
        };
        match written.and_then(|()| {
            settings::retire_legacy(&self.settings.data_dir).map_err(|e| e.to_string())
        }) {
            Ok(to) => info!(
                found,
                imported = imported.len(),
                "chat languages moved from {} into the question log; the old file is now {}",
                settings::LEGACY_FILE,
                to.display()
            ),
            Err(problem) => self.health.failed(&format!(
                "the pinned languages of {} are not yet in the question log (kept in memory, \
                 imported again at the next start): {problem}",
                settings::LEGACY_FILE
            )),
        }
    }

    /// Closes the log when its path no longer names the file it has open, so that `open`
    /// starts a new one there or opens the one put in its place; returns what it found. SQLite
    /// skips its checkpoint on close, and with it the deletion of the WAL by name, for a file
    /// unlinked or moved: the close leaves alone the WAL of a file now in its place.
    fn let_go_if_replaced(&mut self) -> Option<OnDisk> {
        let found = self.log.as_ref()?.on_disk();
        if found == OnDisk::Same {
            return None;
        }
        self.log = None;
        Some(found)
    }

    /// The open log, opening it if need be (a corrupt file moved aside first). A log opened
    /// anew is given every pin held in memory, ahead of what is pending: it may be a new file.
    /// `replaced` says what became of the file the log had open before, for the one log line.
    fn open(&mut self, replaced: Option<OnDisk>) -> Result<&mut QuestionLog, String> {
        if self.log.is_none() {
            let (opened, moved) = QuestionLog::open_or_recover(&self.settings.data_dir);
            let path = self.settings.data_dir.join(questions::DB_FILE);
            let what = replaced.map(|found| match found {
                OnDisk::Gone => format!("{} was deleted while the bot ran", path.display()),
                _ => format!(
                    "{} was replaced by another file while the bot ran",
                    path.display()
                ),
            });
            match (&what, moved, &opened) {
                (None, Some(moved), _) => error!("{moved}"),
                (Some(what), Some(moved), _) => error!("the question log {what}; {moved}"),
                (Some(what), None, Ok(_)) if replaced == Some(OnDisk::Gone) => {
                    warn!("the question log {what}: a new log is started there")
                }
                (Some(what), None, Ok(_)) => {
                    warn!(
                        "the question log {what}: that file is a question log, written from now on"
                    )
                }
                _ => {}
            }
            let log = opened.map_err(|e| match &what {
                Some(what) => format!("{what}, and cannot be opened again: {e}"),
                None => e.to_string(),
            })?;
            if let Some(bytes) = self.settings.max_bytes {
                log.limit_size(bytes)
                    .map_err(|e| format!("{}: cannot cap its size: {e}", log.path().display()))?;
            }
            let again = self
                .pins
                .all()
                .into_iter()
                .map(|(chat, lang)| Change::Pinned {
                    chat,
                    lang,
                    at: questions::now(),
                });
            self.pending.splice(0..0, again);
            self.log = Some(log);
        }
        Ok(self.log.as_mut().expect("opened above"))
    }

    /// Opens the log if need be, writes what is pending and prunes when due.
    fn write(&mut self) -> Result<(), String> {
        let prune_due = self.prune_due();
        let retention_days = self.settings.retention_days;
        let replaced = self.let_go_if_replaced();
        self.open(replaced)?;
        let log = self.log.as_mut().expect("opened");
        if !self.pending.is_empty() {
            match log.write(&self.pending) {
                Ok(()) => self.pending.clear(),
                Err(e) if questions::is_corrupt(&e) => {
                    let path = log.path().to_owned();
                    self.log = None;
                    error!("{}", questions::move_aside(&path, &e.to_string()));
                    return Err(format!("{}: {e}", path.display()));
                }
                Err(e) => return Err(format!("{}: {e}", log.path().display())),
            }
        }
        if prune_due {
            let before = questions::now() - i64::from(retention_days) * 24 * 60 * 60;
            let deleted = log.prune(before).map_err(|e| e.to_string())?;
            if deleted > 0 {
                info!(deleted, "questions past their retention deleted");
            }
            self.pruned = Some(Instant::now());
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// How many corrupt files were moved aside in `dir`.
    fn corrupt_files_in(dir: &std::path::Path) -> usize {
        std::fs::read_dir(dir)
            .unwrap()
            .filter(|e| {
                let name = e.as_ref().unwrap().file_name();
                name.to_string_lossy().contains(".corrupt-")
            })
            .count()
    }

    /// The log's settings for a test's own data directory, with the defaults otherwise.
    fn settings_in(dir: &std::path::Path) -> LogSettings {
        LogSettings {
            data_dir: dir.to_path_buf(),
            retention_days: 90,
            max_bytes: None,
        }
    }

    /// A log file that turns out corrupt is moved aside, and the new one is given every pin
    /// held in memory before what was pending.
    #[test]
    fn a_log_started_anew_is_given_the_pins_held_in_memory() {
        let dir = std::env::temp_dir().join(format!("kzcn-journal-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join(questions::DB_FILE), b"not a database ".repeat(300)).unwrap();
        let pins = Arc::new(Pins::default());
        pins.set("aaaa".into(), Lang::Ru);
        pins.set("bbbb".into(), Lang::Zh);
        let settings = settings_in(&dir);
        let mut writer = Writer::new(settings, Arc::new(Health::default()), pins);
        writer.pending.push(Change::Pinned {
            chat: "bbbb".into(),
            lang: Lang::Kk,
            at: questions::now(),
        });
        writer.write().expect("a new log takes the writes");
        let log = QuestionLog::open_existing(&dir).expect("the new log");
        assert_eq!(
            log.pins().unwrap(),
            [("aaaa".to_owned(), Lang::Ru), ("bbbb".to_owned(), Lang::Kk)],
            "the pins in memory, then the newer pending one"
        );
        assert_eq!(corrupt_files_in(&dir), 1);
    }

    /// Removes the log's file in `dir` with its WAL and shared memory, as someone cleaning up
    /// by hand would.
    fn delete_log(dir: &Path) {
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(dir.join(format!("{}{suffix}", questions::DB_FILE)));
        }
    }

    /// Puts `file` in the log's place in `dir`, as a restore from a backup would.
    fn replace_log(dir: &Path, file: &Path) {
        delete_log(dir);
        std::fs::rename(file, dir.join(questions::DB_FILE)).unwrap();
    }

    fn pin(chat: &str, lang: Lang) -> Change {
        Change::Pinned {
            chat: chat.into(),
            lang,
            at: questions::now(),
        }
    }

    /// Regression: a log file deleted or replaced while the bot ran went on being written, to
    /// a file no one would read again. The writer now sees it before the next batch: a deleted
    /// file is started anew, a garbage one moved aside and started anew, another question log
    /// written from then on; each is given the pins held in memory.
    #[test]
    fn a_log_deleted_or_replaced_under_the_writer_is_followed_to_the_file_in_its_place() {
        // What is done to the file in `dir` (`spare` being another directory), and a log left
        // open elsewhere meanwhile.
        type Fault = fn(&Path, &Path) -> Option<QuestionLog>;
        let cases: [(&str, Fault, &[&str], usize); 4] = [
            (
                "deleted",
                |dir, _| {
                    delete_log(dir);
                    None
                },
                &["aaaa", "dddd"],
                0,
            ),
            (
                "replaced by garbage",
                |dir, spare| {
                    let garbage = spare.join("garbage");
                    std::fs::write(&garbage, b"not a database ".repeat(300)).unwrap();
                    replace_log(dir, &garbage);
                    None
                },
                &["aaaa", "dddd"],
                1,
            ),
            (
                "replaced by another question log",
                |dir, spare| {
                    let mut other = QuestionLog::open(spare).unwrap();
                    other.write(&[pin("cccc", Lang::Zh)]).unwrap();
                    drop(other);
                    replace_log(dir, &spare.join(questions::DB_FILE));
                    None
                },
                &["aaaa", "cccc", "dddd"],
                0,
            ),
            // The old file's close must leave alone the WAL now in its place, which holds a
            // write not yet checkpointed into the new file.
            (
                "replaced by a question log open elsewhere",
                |dir, spare| {
                    drop(QuestionLog::open(spare).unwrap());
                    replace_log(dir, &spare.join(questions::DB_FILE));
                    let mut other = QuestionLog::open(dir).unwrap();
                    other.write(&[pin("cccc", Lang::Zh)]).unwrap();
                    Some(other)
                },
                &["aaaa", "cccc", "dddd"],
                0,
            ),
        ];
        for (n, (name, fault, chats, moved_aside)) in cases.into_iter().enumerate() {
            let root = std::env::temp_dir()
                .join(format!("kzcn-journal-replaced-{}-{n}", std::process::id()));
            let _ = std::fs::remove_dir_all(&root);
            let (dir, spare) = (root.join("data"), root.join("spare"));
            std::fs::create_dir_all(&spare).unwrap();
            let pins = Arc::new(Pins::default());
            pins.set("aaaa".into(), Lang::Ru);
            let settings = settings_in(&dir);
            let mut writer = Writer::new(settings, Arc::new(Health::default()), pins);
            writer.pending.push(pin("bbbb", Lang::Kk));
            writer.write().expect("the first log takes the writes");
            assert_eq!(writer.log.as_ref().unwrap().on_disk(), OnDisk::Same);

            let _elsewhere = fault(&dir, &spare);
            writer.pending.push(pin("dddd", Lang::Ru));
            writer.write().expect(name);
            let log = QuestionLog::open_existing(&dir).expect(name);
            let found: Vec<String> = log.pins().unwrap().into_iter().map(|p| p.0).collect();
            assert_eq!(found, chats, "{name}");
            assert_eq!(log.quick_check().unwrap(), "ok", "{name}");
            assert_eq!(corrupt_files_in(&dir), moved_aside, "{name}");
            assert_eq!(
                writer.log.as_ref().unwrap().on_disk(),
                OnDisk::Same,
                "{name}"
            );
            let _ = std::fs::remove_dir_all(&root);
        }
    }

    /// A log deleted with its directory, a file then put in the directory's place: the writer
    /// cannot start a new one, and its error (which `/stats` shows as the log degraded) says
    /// what became of the file.
    #[test]
    fn a_log_that_cannot_be_started_again_says_what_became_of_the_old_one() {
        let root = std::env::temp_dir().join(format!("kzcn-journal-no-dir-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        let dir = root.join("data");
        let settings = settings_in(&dir);
        let health = Arc::new(Health::default());
        let mut writer = Writer::new(settings, health, Arc::new(Pins::default()));
        writer.pending.push(pin("aaaa", Lang::Ru));
        writer.write().expect("the first log takes the writes");
        std::fs::remove_dir_all(&dir).unwrap();
        std::fs::write(&dir, b"").unwrap();
        writer.pending.push(pin("bbbb", Lang::Kk));
        let problem = writer.write().expect_err("no log can be started in a file");
        assert!(
            problem.contains("was deleted while the bot ran, and cannot be opened again"),
            "{problem}"
        );
        assert_eq!(writer.pending.len(), 1, "the pin is kept for the next try");
        let _ = std::fs::remove_dir_all(&root);
    }
}
