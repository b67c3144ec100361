//! `WorkerPool`: OS threads for blocking gateway work, growing with load up to `max`, shrinking
//! back to `min` when idle, behind a bounded queue.
//!
//! cheroot's `ThreadPool` is fixed at `min` threads (its `grow`/`shrink` are never called and
//! `max` is inert). This pool starts `min` threads; when the queue has made no progress for a
//! few milliseconds while every thread sits in a job, its monitor starts another (up to `max`);
//! a thread above `min` exits after `idle_timeout` without work. Jobs wait in a queue of
//! `queue_size`; a submitter waits a bounded time for room and then gets [`Overloaded`]
//! (cheroot's `accepted_queue_timeout`, which the server turns into 503).
//!
//! The files: [`state`] holds what the threads share and whom to call for queued work,
//! [`worker`] the worker loop, [`monitor`] the thread that grows the pool.

mod job;
mod monitor;
mod spawn_backoff;
mod state;
mod worker;

use std::error::Error;
use std::fmt;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use tokio::sync::Semaphore;

use crate::config::ServerConfig;

use state::{PoolShared, State};

pub(crate) use job::{Job, SharedJob};

/// How long a thread above `min` waits for work before it exits, unless told otherwise.
pub(crate) const DEFAULT_IDLE_TIMEOUT: Duration = Duration::from_secs(10);

/// A pool of worker threads named `cheroot-worker-N`.
///
/// Cloning gives another handle to the same pool.
#[derive(Clone)]
pub(crate) struct WorkerPool {
    shared: Arc<PoolShared>,
}

/// The pool could not take a job: its queue stayed full for the whole wait, or it is shut
/// down. The server answers `503 Service Unavailable`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Overloaded {
    shutdown: bool,
}

impl Overloaded {
    /// Whether the pool refused because it is shut down, not because it is full.
    #[cfg(test)]
    pub(crate) fn is_shutdown(&self) -> bool {
        self.shutdown
    }
}

impl fmt::Display for Overloaded {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.shutdown {
            f.write_str("the worker pool is shut down")
        } else {
            f.write_str("the worker pool's queue is full")
        }
    }
}

impl Error for Overloaded {}

/// A pool setting that cannot work, or a second start; messages as cheroot's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PoolError {
    msg: String,
}

impl fmt::Display for PoolError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.msg)
    }
}

impl Error for PoolError {}

/// What [`WorkerPool::shutdown`] left behind at its deadline.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct ShutdownReport {
    /// Names of the threads still running a job; they are left to finish on their own.
    pub still_running: Vec<String>,
    /// Jobs still queued at the deadline, dropped without running.
    pub dropped_jobs: usize,
}

impl ShutdownReport {
    /// Whether every thread finished in time and no job was dropped.
    #[cfg(test)]
    pub(crate) fn is_clean(&self) -> bool {
        self.still_running.is_empty() && self.dropped_jobs == 0
    }
}

impl WorkerPool {
    /// The pool a server with `config` runs: `minthreads` to `maxthreads` threads, room for
    /// `accepted_queue_size` jobs, [`DEFAULT_IDLE_TIMEOUT`].
    ///
    /// # Errors
    ///
    /// As [`new`](Self::new).
    pub(crate) fn for_config(config: &ServerConfig) -> Result<WorkerPool, PoolError> {
        WorkerPool::new(
            config.minthreads,
            config.maxthreads,
            config.accepted_queue_size,
            DEFAULT_IDLE_TIMEOUT,
        )
    }

    /// A pool of `min` to `max` threads (`None`: no limit) with room for `queue_size` waiting
    /// jobs; threads above `min` exit after `idle_timeout` without work. No thread runs until
    /// [`start`](Self::start) or the first job.
    ///
    /// # Errors
    ///
    /// cheroot's messages: `min=0 must be > 0`; `Expected an integer or the infinity value for
    /// the `max` argument but got 0.`; `max=M must be > min=N (or infinity for no max)` when
    /// `max < min`; and `queue_size=0 must be > 0`.
    pub(crate) fn new(
        min: usize,
        max: Option<usize>,
        queue_size: usize,
        idle_timeout: Duration,
    ) -> Result<WorkerPool, PoolError> {
        let err = |msg: String| Err(PoolError { msg });
        if min < 1 {
            return err(format!("min={min} must be > 0"));
        }
        match max {
            Some(0) => {
                return err(
                    "Expected an integer or the infinity value for the `max` argument but got 0."
                        .to_owned(),
                );
            }
            Some(max) if max < min => {
                return err(format!(
                    "max={max} must be > min={min} (or infinity for no max)"
                ));
            }
            _ => {}
        }
        if queue_size < 1 {
            return err(format!("queue_size={queue_size} must be > 0"));
        }
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        Ok(Self::with_cores(min, max, queue_size, idle_timeout, cores))
    }

    /// A pool that keeps up to `cores` threads awake while work waits (see
    /// [`PoolShared::call_help`]); the settings are already checked.
    fn with_cores(
        min: usize,
        max: Option<usize>,
        queue_size: usize,
        idle_timeout: Duration,
        cores: usize,
    ) -> WorkerPool {
        let queue_size = queue_size.min(Semaphore::MAX_PERMITS);
        WorkerPool {
            shared: Arc::new(PoolShared {
                min,
                max,
                cores,
                queue_size,
                idle_timeout,
                room: Semaphore::new(queue_size),
                started: AtomicBool::new(false),
                batch_scheduling: AtomicBool::new(false),
                state: Mutex::new(State::default()),
                work: Condvar::new(),
                exited: Condvar::new(),
                monitor: Condvar::new(),
            }),
        }
    }

    /// Starts `min` threads and waits (at most 10 s) until each is waiting for work.
    ///
    /// # Errors
    ///
    /// `Threadpools can only be started once.` on a second call, or after
    /// [`shutdown`](Self::shutdown); a thread that cannot be created.
    pub(crate) fn start(&self) -> Result<(), PoolError> {
        if self.shared.started.swap(true, Ordering::SeqCst) || self.lock().stopping {
            return Err(PoolError {
                msg: "Threadpools can only be started once.".to_owned(),
            });
        }
        let missing = {
            let mut st = self.lock();
            st.starting = true;
            let missing = self.shared.min.saturating_sub(st.threads);
            st.threads += missing;
            missing
        };
        for _ in 0..missing {
            self.shared.spawn_worker().map_err(|e| PoolError {
                msg: format!("cannot start a worker thread: {e}"),
            })?;
        }
        if let Err(e) = self.shared.spawn_monitor() {
            // Without it the pool stays at the threads it has: it still works.
            tracing::error!("cannot start the worker pool's monitor thread: {e}");
        }
        // cheroot's `start()` returns once every worker is ready.
        let deadline = Instant::now() + Duration::from_secs(10);
        let mut st = self.lock();
        while st.idle + st.busy.len() < st.threads.min(self.shared.min) {
            let Some(left) = deadline.checked_duration_since(Instant::now()) else {
                break;
            };
            st = self
                .shared
                .exited
                .wait_timeout(st, left.min(Duration::from_millis(10)))
                .unwrap_or_else(|p| p.into_inner())
                .0;
        }
        st.starting = false;
        Ok(())
    }

    /// Puts the threads this pool starts from now on under Linux's `SCHED_BATCH` policy (no
    /// wake-up preemption), as the server does when it has one core: the thread that queues
    /// jobs and the workers then take turns at natural pauses instead of a context switch per
    /// hand-off. Call it before [`start`](Self::start).
    pub(crate) fn set_batch_scheduling(&self, on: bool) {
        self.shared.batch_scheduling.store(on, Ordering::Relaxed);
    }

    /// Queues `job`, waiting at most `wait` for room without blocking the async runtime.
    ///
    /// Needs a tokio runtime with the time driver when `wait` is not zero.
    ///
    /// # Errors
    ///
    /// [`Overloaded`] if the queue stayed full for `wait`, or the pool is shut down.
    pub(crate) async fn submit(&self, job: Job, wait: Duration) -> Result<(), Overloaded> {
        // The common case, room now, without arming a timer.
        if wait.is_zero() || self.shared.room.available_permits() > 0 {
            return self.try_submit(job);
        }
        // Boxed: a full queue is the rare case, and this wait kept inline made the future of
        // every pooled request larger.
        let waiting = Box::pin(tokio::time::timeout(wait, self.shared.room.acquire()));
        let permit = match waiting.await {
            Ok(Ok(permit)) => permit,
            Ok(Err(_closed)) => return Err(Overloaded { shutdown: true }),
            Err(_elapsed) => return Err(Overloaded { shutdown: false }),
        };
        // The slot is given back by the worker that takes the job off the queue.
        permit.forget();
        self.enqueue(job)
    }

    /// Queues `job` if there is room now.
    ///
    /// # Errors
    ///
    /// [`Overloaded`] if the queue is full or the pool is shut down.
    pub(crate) fn try_submit(&self, job: Job) -> Result<(), Overloaded> {
        match self.shared.room.try_acquire() {
            Ok(permit) => permit.forget(),
            Err(tokio::sync::TryAcquireError::Closed) => {
                return Err(Overloaded { shutdown: true });
            }
            Err(tokio::sync::TryAcquireError::NoPermits) => {
                return Err(Overloaded { shutdown: false });
            }
        }
        self.enqueue(job)
    }

    /// Puts a job whose queue slot is already taken on the queue and calls a thread for it
    /// (see [`PoolShared::call_help`]).
    fn enqueue(&self, job: Job) -> Result<(), Overloaded> {
        let help = {
            let mut st = self.lock();
            if st.stopping {
                drop(st);
                self.shared.room.add_permits(1);
                return Err(Overloaded { shutdown: true });
            }
            st.queue.push_back(job);
            self.shared.call_help(&mut st)
        };
        self.shared.act(help);
        Ok(())
    }

    /// How many threads there are now.
    pub(crate) fn threads(&self) -> usize {
        self.lock().threads
    }

    /// How many threads are waiting for work.
    pub(crate) fn idle(&self) -> usize {
        let st = self.lock();
        st.idle.saturating_sub(st.queue.len())
    }

    /// How many jobs the threads have taken off the queue so far.
    #[cfg(test)]
    pub(crate) fn jobs_taken(&self) -> u64 {
        self.lock().taken
    }

    /// How many jobs wait in the queue.
    pub(crate) fn queued(&self) -> usize {
        self.lock().queue.len()
    }

    /// The configured minimum number of threads.
    #[cfg(test)]
    pub(crate) fn min(&self) -> usize {
        self.shared.min
    }

    /// The configured maximum number of threads (`None`: no limit).
    #[cfg(test)]
    pub(crate) fn max(&self) -> Option<usize> {
        self.shared.max
    }

    /// The configured queue size.
    #[cfg(test)]
    pub(crate) fn queue_size(&self) -> usize {
        self.shared.queue_size
    }

    /// Stops taking jobs, lets queued and running jobs finish until `deadline`, and reports
    /// what was still running then. Threads still busy at the deadline are left to finish
    /// on their own; jobs still queued are dropped.
    ///
    /// Blocks the calling thread until every thread exits or the deadline passes: from async
    /// code, call it through `spawn_blocking`.
    pub(crate) fn shutdown(&self, deadline: Instant) -> ShutdownReport {
        self.shared.room.close();
        let mut st = self.lock();
        st.stopping = true;
        self.shared.work.notify_all();
        self.shared.monitor.notify_all();
        while st.threads > 0 {
            let Some(left) = deadline.checked_duration_since(Instant::now()) else {
                break;
            };
            st = self
                .shared
                .exited
                .wait_timeout(st, left)
                .unwrap_or_else(|p| p.into_inner())
                .0;
        }
        let dropped: Vec<Job> = st.queue.drain(..).collect();
        let mut still_running: Vec<String> =
            st.busy.iter().map(|(_, name)| name.to_string()).collect();
        still_running.sort();
        let report = ShutdownReport {
            still_running,
            dropped_jobs: dropped.len(),
        };
        drop(st);
        // Dropping a job may run arbitrary destructors: not under the lock.
        drop(dropped);
        report
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.shared.lock()
    }
}

impl fmt::Debug for WorkerPool {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let st = self.lock();
        f.debug_struct("WorkerPool")
            .field("min", &self.shared.min)
            .field("max", &self.shared.max)
            .field("queue_size", &self.shared.queue_size)
            .field("threads", &st.threads)
            .field("idle", &st.idle)
            .field("queued", &st.queue.len())
            .finish()
    }
}

#[cfg(test)]
mod tests;
