//! What the pool's threads share, and the two decisions made under its lock: whom to call for
//! queued work, and when to start another thread.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use tokio::sync::Semaphore;

use super::Job;
use super::spawn_backoff::SpawnBackoff;

/// How soon the monitor first looks at a queue that has work waiting behind the awake
/// threads. A queue from which no job was taken between two looks is stalled: its awake
/// threads are blocked (a WSGI app in a slow query or a sleep), and the monitor calls
/// another. While the queue keeps moving the monitor looks less and less often, down to
/// [`CHECK_AT_MOST`]: on one core each look is a context switch.
///
/// Progress, not waiting time, is the signal. On one core jobs wait because the workers share
/// the core with the I/O thread, and waking more workers for them (as this pool first did,
/// when a job had waited 100 us) only split the core further: with ten workers awake under
/// 500 clients the I/O thread got a tenth of it and p99 latency went to ~50 ms.
pub(super) const CHECK_EVERY: Duration = Duration::from_millis(1);

/// The longest time between two looks of the monitor while work waits.
pub(super) const CHECK_AT_MOST: Duration = Duration::from_millis(8);

/// How long the queue must stay stalled, with every thread inside a job, before the monitor
/// starts a new thread.
pub(super) const GROW_AFTER: Duration = Duration::from_millis(5);

/// What the pool's threads share: its settings, the queue under one lock, and the condition
/// variables they wait on.
pub(super) struct PoolShared {
    pub(super) min: usize,
    pub(super) max: Option<usize>,
    /// Cores this process may run on: up to this many threads are kept awake while work
    /// waits, without proof that the awake ones are stuck.
    pub(super) cores: usize,
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
    /// Waiting jobs.
    pub(super) queue: VecDeque<Job>,
    pub(super) threads: usize,
    /// Jobs taken off the queue so far: the monitor's sign of progress.
    pub(super) taken: u64,
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
    /// Failed thread starts: when the next may be tried, and when to log again.
    pub(super) backoff: SpawnBackoff,
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
}

/// What [`PoolShared::call_help`] decided; carried out by [`PoolShared::act`] once the lock is
/// let go.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(super) struct Help {
    /// Wake one idle thread.
    pub(super) wake: bool,
    /// Start one thread (already counted in `threads`).
    pub(super) grow: bool,
    /// Wake the monitor: work waits behind the awake threads.
    pub(super) watch: bool,
}

impl PoolShared {
    /// The state lock. Jobs never run under it, so a poisoned lock only means a panic in this
    /// module's own bookkeeping; the state is still consistent enough to go on.
    pub(super) fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Decides, with the lock held, who takes newly queued work: an idle thread when fewer
    /// threads than cores are awake; below `min` threads (jobs submitted before `start`), a
    /// new thread; otherwise the awake threads, each taking the next job as soon as it is done
    /// with its own, with the monitor watching in case they block.
    pub(super) fn call_help(&self, st: &mut State) -> Help {
        let mut help = Help::default();
        if st.queue.is_empty() {
            return help;
        }
        if st.awake() < self.cores && st.has_unwoken_idle() {
            st.wakes_pending += 1;
            help.wake = true;
        } else if st.threads < self.min && !st.stopping && st.backoff.may_try(Instant::now()) {
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
            crate::workers::sched::use_batch_scheduling();
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
            self.grow();
        }
    }

    /// Starts one more worker, already counted in `threads`. A failure leaves the queued work
    /// to the threads there are, and backs further attempts off (see [`SpawnBackoff`]).
    pub(super) fn grow(self: &Arc<Self>) {
        let result = self.spawn_worker();
        let mut st = self.lock();
        match result {
            Ok(()) => st.backoff.succeeded(),
            Err(e) => {
                if let Some(line) = st.backoff.failed(Instant::now(), &e) {
                    drop(st);
                    tracing::error!("{line}");
                }
            }
        }
    }
}
