//! The pool's monitor thread: when queued work has waited [`WAKE_AFTER`] behind the awake
//! threads it wakes an idle one, and when it has waited [`GROW_AFTER`] while every thread sits
//! in a job (blocked, as a WSGI app in a slow query or a sleep is) it starts a new one.
//!
//! It parks while the queue is empty; the pool wakes it when work queues behind an awake
//! thread, so an idle pool costs it nothing.

use std::sync::Arc;
use std::time::{Duration, Instant};

use super::state::{GROW_AFTER, Shared, WAKE_AFTER};

/// The least time the monitor waits before it looks again while work waits.
const RECHECK: Duration = Duration::from_micros(50);

impl Shared {
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
        loop {
            if st.stopping {
                break;
            }
            if st.queue.is_empty() {
                st.monitor_watching = false;
                st = self.monitor.wait(st).unwrap_or_else(|p| p.into_inner());
                continue;
            }
            let waited = st.oldest_wait(Instant::now());
            let next = if waited < WAKE_AFTER {
                WAKE_AFTER - waited
            } else if st.has_unwoken_idle() {
                st.wakes_pending += 1;
                self.work.notify_one();
                // Let the woken thread take its job before looking again.
                WAKE_AFTER
            } else if waited >= GROW_AFTER && st.may_grow(self.max) {
                st.threads += 1;
                drop(st);
                if let Err(e) = self.spawn_worker() {
                    tracing::error!("cannot start a worker thread: {e}");
                }
                st = self.lock();
                WAKE_AFTER
            } else if st.may_grow(self.max) {
                GROW_AFTER - waited
            } else {
                // Every thread is awake and some are between jobs: they will get to it.
                WAKE_AFTER
            };
            st = self
                .monitor
                .wait_timeout(st, next.max(RECHECK))
                .unwrap_or_else(|p| p.into_inner())
                .0;
        }
        st.monitor_running = false;
        drop(st);
        self.exited.notify_all();
    }
}
