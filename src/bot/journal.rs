//! The bot's side of the question log. Handlers hand each question to `Journal::asked`, which
//! only queues it: one writer task takes the queue in batches and writes them on a blocking
//! thread, so no answer ever waits for the disk. When the file cannot be written (locked,
//! corrupt, read-only, the disk full) the bot answers on, the problem is logged at most once a
//! minute, `/stats` says the log is degraded, and the writer keeps trying with what it still
//! holds; a corrupt file is moved aside and a new one started.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::sync::{mpsc, oneshot};
use tracing::{error, info, warn};

use crate::answer::Answer;
use crate::questions::{self, Change, ChatType, Entry, Followed, QuestionLog, Salt};

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
}

impl Journal {
    /// Opens the log in `data_dir` and starts its writer; must run inside the tokio runtime.
    pub(crate) fn start(data_dir: &Path, retention_days: u32) -> Journal {
        let (salt, problem) = Salt::load_or_create(data_dir);
        let health = Arc::new(Health::default());
        if let Some(problem) = problem {
            health.failed(&format!(
                "{problem}: ids are hashed with a salt for this run only"
            ));
        }
        let (queue, jobs) = mpsc::channel(QUEUE);
        let writer = Writer::new(data_dir.to_owned(), retention_days, Arc::clone(&health));
        tokio::spawn(writer.run(jobs));
        Journal {
            queue,
            salt,
            health,
            data_dir: data_dir.to_owned(),
            recent: Mutex::new(HashMap::new()),
        }
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
    dir: PathBuf,
    retention_days: u32,
    health: Arc<Health>,
    /// `None` until opened, and again after the file turned out corrupt.
    log: Option<QuestionLog>,
    /// Changes a failed write left, oldest first.
    pending: Vec<Change>,
    /// The latest inline query of each user still typing, by user hash.
    drafts: HashMap<String, (Entry, Instant)>,
    pruned: Option<Instant>,
}

impl Writer {
    fn new(dir: PathBuf, retention_days: u32, health: Arc<Health>) -> Writer {
        Writer {
            dir,
            retention_days,
            health,
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
            if !self.pending.is_empty() || self.prune_due() {
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
        let (dir, retention_days) = (self.dir.clone(), self.retention_days);
        let joined = tokio::task::spawn_blocking(move || {
            let result = self.write();
            (self, result)
        })
        .await;
        let Ok((mut writer, result)) = joined else {
            // A panic in SQLite's wrapper: nothing to do but start over without the batch.
            health.failed("the question log's writer panicked; its batch is lost");
            return Writer::new(dir, retention_days, health);
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

    /// Opens the log if need be, writes what is pending and prunes when due.
    fn write(&mut self) -> Result<(), String> {
        let prune_due = self.prune_due();
        let log = match self.log.as_mut() {
            Some(log) => log,
            None => {
                let (opened, moved) = QuestionLog::open_or_recover(&self.dir);
                if let Some(moved) = moved {
                    error!("{moved}");
                }
                self.log.insert(opened.map_err(|e| e.to_string())?)
            }
        };
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
            let before = questions::now() - i64::from(self.retention_days) * 24 * 60 * 60;
            let deleted = log.prune(before).map_err(|e| e.to_string())?;
            if deleted > 0 {
                info!(deleted, "questions past their retention deleted");
            }
            self.pruned = Some(Instant::now());
        }
        Ok(())
    }
}
