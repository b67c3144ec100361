//! The pool's monitor thread: while work waits behind the awake threads it looks at the queue,
//! first after [`CHECK_EVERY`]; when no job was taken since its last look (the awake threads
//! are blocked, as a WSGI app in a slow query or a sleep is) it wakes an idle thread, and when
//! the queue has stalled for [`GROW_AFTER`] with every thread inside a job it starts a new one.
//!
//! It parks while no thread is awake and nothing is queued; the pool wakes it when work queues
//! behind an awake thread. While the queue moves (or is empty) it looks half as often each
//! time, down to one look per [`CHECK_AT_MOST`], so an idle pool costs it nothing and a busy
//! one little.

use std::sync::Arc;
use std::time::{Duration, Instant};

use super::state::{CHECK_AT_MOST, CHECK_EVERY, GROW_AFTER, PoolShared};

impl PoolShared {
    /// Spawns the monitor thread, named `cheroot-pool-monitor`.
    pub(super) fn spawn_monitor(self: &Arc<Self>) -> std::io::Result<()> {
        self.lock().monitor_running = true;
        let shared = Arc::clone(self);
        let res = std::thread::Builder::new()
            .name("cheroot-pool-monitor".to_owned())
            .spawn(move || shared.run_monitor());
        if res.is_err() {
            self.lock().monitor_running = false;
        }
        res.map(drop)
    }

    fn run_monitor(self: &Arc<Self>) {
        self.thread_started();
        let mut st = self.lock();
        let mut stalled = Duration::ZERO;
        let mut pause = CHECK_EVERY;
        while !st.stopping {
            // Parked only while the whole pool rests: while any thread is awake it keeps
            // looking (at most every `CHECK_AT_MOST`), so the pool need not wake it for
            // each burst of jobs.
            if st.queue.is_empty() && st.awake() == 0 {
                st.monitor_watching = false;
                stalled = Duration::ZERO;
                pause = CHECK_EVERY;
                st = self.monitor.wait(st).unwrap_or_else(|p| p.into_inner());
                continue;
            }
            let taken = st.taken;
            st = self
                .monitor
                .wait_timeout(st, pause)
                .unwrap_or_else(|p| p.into_inner())
                .0;
            if st.queue.is_empty() || st.taken != taken {
                stalled = Duration::ZERO;
                pause = (pause * 2).min(CHECK_AT_MOST);
                continue;
            }
            stalled += pause;
            pause = CHECK_EVERY;
            if st.has_unwoken_idle() {
                st.wakes_pending += 1;
                self.work.notify_one();
            } else if stalled >= GROW_AFTER
                && st.may_grow(self.max)
                && st.backoff.may_try(Instant::now())
            {
                st.threads += 1;
                drop(st);
                self.grow();
                st = self.lock();
            }
        }
        st.monitor_running = false;
        drop(st);
        self.exited.notify_all();
    }
}
