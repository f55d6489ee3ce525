//! What every handler shares: the engine behind an atomic pointer, the knowledge directory and
//! the admins. A reload builds a whole new engine off the async threads and swaps it in; a
//! question in flight keeps the snapshot it took, so it finishes on the old base.

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use arc_swap::ArcSwap;

use crate::answer::Engine;
use crate::knowledge::{Diff, LoadError};

pub struct BotState {
    engine: ArcSwap<Engine>,
    knowledge_dir: PathBuf,
    admins: BTreeSet<u64>,
    /// One reload at a time: two at once would race to report the same diff.
    reloading: tokio::sync::Mutex<()>,
}

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
    pub fn new(engine: Engine, knowledge_dir: PathBuf, admins: BTreeSet<u64>) -> BotState {
        BotState {
            engine: ArcSwap::from_pointee(engine),
            knowledge_dir,
            admins,
            reloading: tokio::sync::Mutex::new(()),
        }
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
