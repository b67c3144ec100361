//! A worker thread: takes jobs off the queue until the pool stops, or until it has waited
//! `idle_timeout` for work while the pool has more than `min` threads.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;
use std::sync::atomic::Ordering;

use super::state::PoolShared;

impl PoolShared {
    /// Spawns one worker; the caller has already counted it in `threads`.
    pub(super) fn spawn_worker(self: &Arc<Self>) -> std::io::Result<()> {
        let id = {
            let mut st = self.lock();
            st.next_id += 1;
            st.next_id
        };
        let name: Arc<str> = format!("cheroot-worker-{id}").into();
        let shared = Arc::clone(self);
        let res = std::thread::Builder::new()
            .name(name.to_string())
            .spawn(move || shared.run_worker(id, name));
        if let Err(e) = res {
            let mut st = self.lock();
            st.threads -= 1;
            self.exited.notify_all();
            return Err(e);
        }
        Ok(())
    }

    fn run_worker(self: &Arc<Self>, id: usize, name: Arc<str>) {
        self.thread_started();
        let one_core = self.batch_scheduling.load(Ordering::Relaxed);
        // Whether this thread just finished a job (see the yield below).
        let mut just_worked = false;
        let mut st = self.lock();
        loop {
            if let Some(job) = st.queue.pop_front() {
                just_worked = true;
                st.taken += 1;
                st.busy.push((id, Arc::clone(&name)));
                drop(st);
                self.room.add_permits(1);
                if let Err(panic) = catch_unwind(AssertUnwindSafe(|| job.run())) {
                    let msg = panic
                        .downcast_ref::<&str>()
                        .copied()
                        .or_else(|| panic.downcast_ref::<String>().map(String::as_str))
                        .unwrap_or("(not a string)");
                    tracing::error!("a job panicked in worker {name}: {msg}");
                }
                st = self.lock();
                if let Some(at) = st.busy.iter().position(|(busy, _)| *busy == id) {
                    st.busy.swap_remove(at);
                }
                continue;
            }
            if st.stopping {
                break;
            }
            if one_core && just_worked {
                // On one core the next job usually comes from the I/O thread a moment later:
                // the response just sent woke it, and a pipelined or keep-alive client's next
                // request is often already read. Sleeping now cost a futex wait here and a
                // futex wake there: 2.0 futex calls per response when one connection
                // pipelines, 0.2 to 0.6 with 50 keep-alive connections. Yielding instead lets
                // the I/O thread run while this thread still counts as awake, so a job it
                // queues calls no one, and this thread takes it when the I/O thread blocks:
                // 0.1 futex calls and 1 `sched_yield` per pipelined response, 0.03 to 0.09
                // and 0.04 with 50 connections (perf; docs/benchmarks.md, issue 16).
                just_worked = false;
                drop(st);
                std::thread::yield_now();
                st = self.lock();
                continue;
            }
            just_worked = false;
            st.idle += 1;
            if st.starting {
                self.exited.notify_all(); // `start` waits for workers to be ready
            }
            let (guard, wait) = self
                .work
                .wait_timeout(st, self.idle_timeout)
                .unwrap_or_else(|p| p.into_inner());
            st = guard;
            st.idle -= 1;
            // Whether this thread was the one called or not, one fewer waits: at worst an
            // extra wake-up follows, never a missing one.
            st.wakes_pending = st.wakes_pending.saturating_sub(1);
            if wait.timed_out() && st.queue.is_empty() && st.threads > self.min {
                break;
            }
        }
        st.threads -= 1;
        drop(st);
        self.exited.notify_all();
    }
}
