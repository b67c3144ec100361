//! A worker thread: takes jobs off the queue until the pool stops, or until it has waited
//! `idle_timeout` for work while the pool has more than `min` threads.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;

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
        let mut st = self.lock();
        loop {
            if let Some(job) = st.queue.pop_front() {
                st.taken += 1;
                st.busy.push((id, Arc::clone(&name)));
                drop(st);
                self.room.add_permits(1);
                if let Err(panic) = catch_unwind(AssertUnwindSafe(job)) {
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
