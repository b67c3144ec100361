//! What the pool's threads share, and the two decisions made under its lock: whom to call for
//! queued work, and when to start another thread.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use tokio::sync::Semaphore;

use super::Job;

/// How long queued work must wait, with every thread inside a job, before the pool starts
/// another thread for it.
///
/// A job that merely queued is no sign of blocked workers: on one core jobs queue up because
/// the workers have not had the CPU yet, and starting a thread per waiting job (as this pool
/// first did) grew it to ~90 threads under 500 keep-alive clients of a hello-world app. A job
/// that has waited this long while every thread sits in a job is.
pub(super) const GROW_AFTER: Duration = Duration::from_millis(5);

/// How long queued work may wait behind a running thread before the monitor wakes an idle
/// one for it.
///
/// A job is handed to an idle thread at once only when no thread is awake: an awake thread
/// takes the next job as soon as it finishes its own, and on one core every extra thread
/// woken is a context switch and one more thread sharing the core with the I/O thread (with
/// ten workers awake under 500 clients, the I/O thread got a tenth of the core and p99
/// latency went to ~50 ms). Work that waits this long is behind a job that blocks, or more
/// than one thread can do.
pub(super) const WAKE_AFTER: Duration = Duration::from_micros(100);

pub(super) struct Shared {
    pub(super) min: usize,
    pub(super) max: Option<usize>,
    pub(super) queue_size: usize,
    pub(super) idle_timeout: Duration,
    /// Free queue slots: a submitter takes one, the worker that dequeues the job gives it back.
    pub(super) room: Semaphore,
    pub(super) started: AtomicBool,
    /// Whether threads put themselves under `SCHED_BATCH` when they start (see `sched.rs`).
    pub(super) batch_scheduling: AtomicBool,
    pub(super) state: Mutex<State>,
    /// Wakes a worker when a job arrives or shutdown begins.
    pub(super) work: Condvar,
    /// Wakes `shutdown` when a worker exits, and `start` when a worker is ready.
    pub(super) exited: Condvar,
    /// Wakes the monitor when work waits with no thread free for it.
    pub(super) monitor: Condvar,
}

#[derive(Default)]
pub(super) struct State {
    /// Waiting jobs, each with the time it was queued.
    pub(super) queue: VecDeque<(Instant, Job)>,
    pub(super) threads: usize,
    /// Threads waiting on `work`.
    pub(super) idle: usize,
    /// Wake-ups sent on `work` that no thread has woken from yet.
    pub(super) wakes_pending: usize,
    /// The threads running a job now, by id. A `Vec` whose capacity stays, so marking a
    /// thread busy allocates nothing.
    pub(super) busy: Vec<(usize, Arc<str>)>,
    pub(super) next_id: usize,
    pub(super) stopping: bool,
    /// `start` waits for the first threads to be ready: only then does a thread that goes
    /// idle say so on `exited`.
    pub(super) starting: bool,
    /// Whether the monitor runs, and whether it is watching the queue (not parked).
    pub(super) monitor_running: bool,
    pub(super) monitor_watching: bool,
}

impl State {
    /// Whether a thread waits on `work` that no wake-up is already meant for.
    pub(super) fn has_unwoken_idle(&self) -> bool {
        self.idle > self.wakes_pending
    }

    /// Threads awake or about to be: running a job, between jobs, starting, or woken.
    pub(super) fn awake(&self) -> usize {
        self.threads - self.idle + self.wakes_pending
    }

    /// Whether queued work may need a new thread: no idle thread is left to call, every
    /// thread is inside a job, and `max` allows one more.
    pub(super) fn may_grow(&self, max: Option<usize>) -> bool {
        !self.queue.is_empty()
            && !self.has_unwoken_idle()
            && self.busy.len() >= self.threads
            && max.is_none_or(|max| self.threads < max)
    }

    /// How long the oldest queued job has waited.
    pub(super) fn oldest_wait(&self, now: Instant) -> Duration {
        self.queue
            .front()
            .map_or(Duration::ZERO, |(at, _)| now.saturating_duration_since(*at))
    }
}

/// What [`Shared::call_help`] decided; carried out by [`Shared::act`] once the lock is let go.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(super) struct Help {
    /// Wake one idle thread.
    pub(super) wake: bool,
    /// Start one thread (already counted in `threads`).
    pub(super) grow: bool,
    /// Wake the monitor: work waits behind the awake threads.
    pub(super) watch: bool,
}

impl Shared {
    /// The state lock. Jobs never run under it, so a poisoned lock only means a panic in this
    /// module's own bookkeeping; the state is still consistent enough to go on.
    pub(super) fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Decides, with the lock held, who takes newly queued work: an idle thread when no
    /// thread is awake; below `min` threads (jobs submitted before `start`), a new thread;
    /// otherwise the awake threads, with the monitor watching in case they block.
    pub(super) fn call_help(&self, st: &mut State) -> Help {
        let mut help = Help::default();
        if st.queue.is_empty() {
            return help;
        }
        if st.awake() == 0 && st.has_unwoken_idle() {
            st.wakes_pending += 1;
            help.wake = true;
        } else if st.threads < self.min && !st.stopping {
            st.threads += 1;
            help.grow = true;
        } else if st.monitor_running && !st.monitor_watching {
            st.monitor_watching = true;
            help.watch = true;
        }
        help
    }

    /// What a pool thread does first: take the batch policy if the pool was told to.
    pub(super) fn thread_started(&self) {
        if self.batch_scheduling.load(Ordering::Relaxed) {
            crate::sched::use_batch_scheduling();
        }
    }

    /// Carries out a [`Help`] decision, without the lock.
    pub(super) fn act(self: &Arc<Self>, help: Help) {
        if help.wake {
            self.work.notify_one();
        }
        if help.watch {
            self.monitor.notify_one();
        }
        if help.grow {
            if let Err(e) = self.spawn_worker() {
                // The job stays queued for the threads there are.
                tracing::error!("cannot start a worker thread: {e}");
            }
        }
    }
}
