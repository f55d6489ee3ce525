//! What every handler shares: the engine behind an atomic pointer, the knowledge directory,
//! the admins and the question log's journal (which also keeps the chats' pinned languages). A reload builds a whole new engine off the async threads and swaps it in; a
//! question in flight keeps the snapshot it took, so it finishes on the old base.

use std::collections::{BTreeSet, HashMap};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use arc_swap::ArcSwap;

use super::journal::{Journal, LogSettings};
use super::limit::{Limiter, Verdict};
use super::pool::{Failed, Pool};
use crate::answer::{Engine, FollowUp};
use crate::config::ServeConfig;
use crate::knowledge::{Diff, Lang, LoadError};

pub struct BotState {
    engine: ArcSwap<Engine>,
    knowledge_dir: PathBuf,
    admins: BTreeSet<u64>,
    /// One reload at a time: two at once would race to report the same diff.
    reloading: tokio::sync::Mutex<()>,
    /// What each chat's last answer was about, and when: a short follow-up continues it. Kept
    /// in memory only, for at most `MAX_FOLLOW_UPS` chats. A std mutex, never held across
    /// `.await`.
    follow_ups: Mutex<HashMap<i64, (FollowUp, Instant)>>,
    /// Where engine calls run: off the async threads, a few at once.
    pool: Pool,
    /// How much each user may make the bot do.
    limiter: Limiter,
    /// Queues each question for the question log.
    pub(crate) journal: Journal,
    /// Tests only: runs before each engine call with the question, to make it panic or slow.
    #[cfg(test)]
    fault: Option<fn(&str)>,
}

/// How long a private chat's last answer can be followed up without replying to it.
pub const FOLLOW_UP_WINDOW: Duration = Duration::from_secs(10 * 60);
/// The most chats whose last answer is remembered; the oldest goes first.
const MAX_FOLLOW_UPS: usize = 10_000;

/// What a successful reload changed.
#[derive(Debug, Clone)]
pub struct ReloadReport {
    pub diff: Diff,
    pub facts: usize,
    pub intents: usize,
    pub elapsed: Duration,
}

impl ReloadReport {
    pub fn summary(&self) -> String {
        let change = if self.diff.is_empty() {
            "no facts changed".to_owned()
        } else {
            format!(
                "{} added, {} removed, {} changed",
                self.diff.added.len(),
                self.diff.removed.len(),
                self.diff.changed.len()
            )
        };
        format!(
            "Knowledge reloaded in {} ms: {} facts in {} intents ({change}).",
            self.elapsed.as_millis(),
            self.facts,
            self.intents
        )
    }
}

impl BotState {
    /// The state for `config`: its knowledge directory, admins, data directory and rate limit.
    pub fn new(engine: Engine, config: &ServeConfig) -> BotState {
        BotState {
            engine: ArcSwap::from_pointee(engine),
            knowledge_dir: config.knowledge_dir.clone(),
            admins: config.admins.clone(),
            reloading: tokio::sync::Mutex::new(()),
            follow_ups: Mutex::new(HashMap::new()),
            pool: Pool::new(),
            limiter: Limiter::new(config.rate_limit),
            journal: Journal::start(LogSettings {
                data_dir: config.data_dir.clone(),
                retention_days: config.retention_days,
                max_bytes: config.log_max_mb.map(|mb| u64::from(mb) * 1024 * 1024),
            }),
            #[cfg(test)]
            fault: None,
        }
    }

    /// Tests only: a state whose engine calls first pass the question to `fault`, which may
    /// panic or sleep like a broken or slow engine would.
    #[cfg(test)]
    pub(crate) fn with_fault(engine: Engine, config: &ServeConfig, fault: fn(&str)) -> BotState {
        BotState {
            fault: Some(fault),
            ..BotState::new(engine, config)
        }
    }

    /// Counts one request of `who` against its rate limit.
    pub(crate) fn admit(&self, who: i64) -> Verdict {
        self.limiter.check(who, Instant::now())
    }

    /// Answers `question` with `call` on the `engine` snapshot, off the async threads, so a
    /// slow answer holds up no other chat; a panic in it, or a call over the time budget, is logged and becomes `Failed`.
    pub(crate) async fn answer_with<T, F>(
        &self,
        engine: Arc<Engine>,
        question: String,
        call: F,
    ) -> Result<T, Failed>
    where
        T: Send + 'static,
        F: FnOnce(&Engine, &str) -> T + Send + 'static,
    {
        #[cfg(test)]
        let fault = self.fault;
        self.pool
            .run(move || {
                #[cfg(test)]
                if let Some(fault) = fault {
                    fault(&question);
                }
                call(&engine, &question)
            })
            .await
    }

    /// The language pinned for a chat with /lang, if any (from memory).
    pub fn chat_language(&self, chat: i64) -> Option<Lang> {
        self.journal.chat_language(chat)
    }

    /// Pins a chat's language at once; the journal's writer saves it in the question log's
    /// file. When the file cannot take it, the pin holds until the next restart.
    pub fn set_chat_language(&self, chat: i64, lang: Lang) {
        self.journal.pin_language(chat, lang);
    }

    /// What a chat's last answer was about, if a new message may continue it: a reply to the
    /// bot continues it at any time, a message in a private chat within `FOLLOW_UP_WINDOW`.
    pub fn follow_up(&self, chat: i64, replying: bool, private: bool) -> Option<FollowUp> {
        let follow_ups = self.follow_ups.lock().expect("follow-ups lock");
        let (follow_up, at) = follow_ups.get(&chat)?;
        let recent = private && at.elapsed() <= FOLLOW_UP_WINDOW;
        (replying || recent).then(|| follow_up.clone())
    }

    /// Remembers what a chat's answer was about (nothing for a reply that answered nothing).
    pub fn remember(&self, chat: i64, follow_up: Option<FollowUp>) {
        let Some(follow_up) = follow_up else {
            return;
        };
        let mut follow_ups = self.follow_ups.lock().expect("follow-ups lock");
        if follow_ups.len() >= MAX_FOLLOW_UPS && !follow_ups.contains_key(&chat) {
            let oldest = follow_ups
                .iter()
                .min_by_key(|(_, (_, at))| *at)
                .map(|(&c, _)| c);
            if let Some(oldest) = oldest {
                follow_ups.remove(&oldest);
            }
        }
        follow_ups.insert(chat, (follow_up, Instant::now()));
    }

    /// Writes out the questions queued so far (at shutdown, and before an admin reads the log).
    pub(crate) async fn flush_journal(&self) {
        self.journal.flush(Duration::from_secs(5)).await;
    }

    /// The engine as it is now; keep the snapshot for the whole of one answer.
    pub fn engine(&self) -> Arc<Engine> {
        self.engine.load_full()
    }

    pub fn is_admin(&self, user: u64) -> bool {
        self.admins.contains(&user)
    }

    /// Loads and checks the knowledge directory and swaps it in; on any problem the current
    /// base stays and the problems are returned.
    pub async fn reload(&self) -> Result<ReloadReport, LoadError> {
        let _one_at_a_time = self.reloading.lock().await;
        let started = Instant::now();
        let dir = self.knowledge_dir.clone();
        let loaded = tokio::task::spawn_blocking(move || Engine::load(&dir))
            .await
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic.into_panic()))?;
        let diff = self.engine.load().knowledge().diff(loaded.knowledge());
        let report = ReloadReport {
            diff,
            facts: loaded.knowledge().fact_count(),
            intents: loaded.knowledge().intents.len(),
            elapsed: started.elapsed(),
        };
        self.engine.store(Arc::new(loaded));
        Ok(report)
    }
}
