//! Engine calls off the async threads. An answer is CPU work that can take a while on odd
//! input; run on tokio's worker threads it would hold up every other chat meanwhile. Here it
//! runs on tokio's blocking threads, at most a few at once (the work is CPU-bound, so more than
//! the cores only adds memory), and a panic inside it is caught and reported as an error
//! instead of taking the chat's handler down with it.

use std::sync::Arc;

use tokio::sync::Semaphore;
use tracing::error;

/// An engine call panicked. The panic has been logged; the user gets an apology.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Panicked;

/// A bounded set of blocking threads for engine calls.
pub(crate) struct Pool {
    permits: Arc<Semaphore>,
}

impl Pool {
    /// A pool running as many calls at once as there are cores (at least two).
    pub(crate) fn new() -> Pool {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        Pool::with_size(cores.max(2))
    }

    pub(crate) fn with_size(size: usize) -> Pool {
        Pool {
            permits: Arc::new(Semaphore::new(size.max(1))),
        }
    }

    /// Runs `job` on a blocking thread once a place is free; a panic in it becomes `Panicked`.
    pub(crate) async fn run<T, F>(&self, job: F) -> Result<T, Panicked>
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
        task.await.map_err(|failure| {
            let reason = match failure.try_into_panic() {
                Ok(panic) => panic_text(panic.as_ref()),
                Err(other) => other.to_string(),
            };
            error!("an engine call failed: {reason}");
            Panicked
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
        assert_eq!(failed, Err(Panicked));
        assert_eq!(pool.run(|| 7).await, Ok(7), "the place was given back");
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
