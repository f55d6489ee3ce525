//! Engine calls off the async threads. An answer is CPU work that can take a while on odd
//! input; run on tokio's worker threads it would hold up every other chat meanwhile. Here it
//! runs on tokio's blocking threads, at most a few at once (the work is CPU-bound, so more than
//! the cores only adds memory), and a panic inside it, or a call that overruns its time
//! budget, is reported as an error instead of taking the chat's handler down with it or
//! keeping the chat waiting.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::Semaphore;
use tracing::error;

/// An engine call panicked or overran its budget. The cause has been logged; the user gets
/// an apology.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Failed;

/// How long one engine call may take before its chat is told it failed. Every answer's work is
/// capped (`matching::work`), and the slowest question of the benchmarks takes well under a
/// millisecond in a release build: a call this slow means something is wrong, and the chat
/// should not wait for it.
const BUDGET: Duration = Duration::from_secs(2);

/// A bounded set of blocking threads for engine calls.
pub(crate) struct Pool {
    permits: Arc<Semaphore>,
    budget: Duration,
}

impl Pool {
    /// A pool running as many calls at once as there are cores (at least two).
    pub(crate) fn new() -> Pool {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        Pool::with_size(cores.max(2))
    }

    pub(crate) fn with_size(size: usize) -> Pool {
        Pool::with_budget(size, BUDGET)
    }

    pub(crate) fn with_budget(size: usize, budget: Duration) -> Pool {
        Pool {
            permits: Arc::new(Semaphore::new(size.max(1))),
            budget,
        }
    }

    /// Runs `job` on a blocking thread once a place is free. A panic in it, or a run longer
    /// than the budget, becomes `Failed`; an overrunning job finishes in the background and
    /// its result is dropped.
    pub(crate) async fn run<T, F>(&self, job: F) -> Result<T, Failed>
    where
        T: Send + 'static,
        F: FnOnce() -> T + Send + 'static,
    {
        let permit = Arc::clone(&self.permits)
            .acquire_owned()
            .await
            .expect("the pool's semaphore is never closed");
        // The permit travels with the job: if the caller gives up waiting, the place stays
        // taken until the job really ends, so the bound holds.
        let task = tokio::task::spawn_blocking(move || {
            let _permit = permit;
            job()
        });
        let Ok(finished) = tokio::time::timeout(self.budget, task).await else {
            error!("an engine call took longer than {:?}", self.budget);
            return Err(Failed);
        };
        finished.map_err(|failure| {
            let reason = match failure.try_into_panic() {
                Ok(panic) => panic_text(panic.as_ref()),
                Err(other) => other.to_string(),
            };
            error!("an engine call failed: {reason}");
            Failed
        })
    }
}

fn panic_text(panic: &(dyn std::any::Any + Send)) -> String {
    if let Some(text) = panic.downcast_ref::<&str>() {
        return (*text).to_owned();
    }
    match panic.downcast_ref::<String>() {
        Some(text) => text.clone(),
        None => "a panic without a message".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::Duration;

    use super::*;

    #[tokio::test]
    async fn a_panic_in_a_job_is_an_error_and_the_pool_keeps_working() {
        let pool = Pool::with_size(1);
        let failed = pool.run(|| -> u32 { panic!("boom") }).await;
        assert_eq!(failed, Err(Failed));
        assert_eq!(pool.run(|| 7).await, Ok(7), "the place was given back");
    }

    #[tokio::test]
    async fn a_job_over_its_budget_is_an_error_without_waiting_for_it() {
        let pool = Pool::with_budget(1, Duration::from_millis(50));
        let start = std::time::Instant::now();
        let slow = pool
            .run(|| std::thread::sleep(Duration::from_millis(400)))
            .await;
        assert_eq!(slow, Err(Failed));
        assert!(
            start.elapsed() < Duration::from_millis(350),
            "waited for the slow job"
        );
        assert_eq!(pool.run(|| 7).await, Ok(7), "the pool works on");
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn no_more_jobs_run_at_once_than_the_pool_allows() {
        let pool = Arc::new(Pool::with_size(2));
        let running = Arc::new(AtomicUsize::new(0));
        let most = Arc::new(AtomicUsize::new(0));
        let jobs: Vec<_> = (0..6)
            .map(|_| {
                let (pool, running, most) = (pool.clone(), running.clone(), most.clone());
                tokio::spawn(async move {
                    pool.run(move || {
                        let now = running.fetch_add(1, Ordering::SeqCst) + 1;
                        most.fetch_max(now, Ordering::SeqCst);
                        std::thread::sleep(Duration::from_millis(30));
                        running.fetch_sub(1, Ordering::SeqCst);
                    })
                    .await
                })
            })
            .collect();
        for job in jobs {
            job.await.unwrap().unwrap();
        }
        assert_eq!(most.load(Ordering::SeqCst), 2);
    }
}
