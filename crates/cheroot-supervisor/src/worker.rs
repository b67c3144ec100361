//! What a worker process gets from the master: its slot on the scoreboard, through which it
//! says it is ready, beats its heartbeat, counts requests and publishes statistics.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::{Arc, Mutex, PoisonError};

use crate::monotonic::now_ms;
use crate::scoreboard::{RequestGuard, Scoreboard, Slot, state};

/// A worker's handle on its slot; cheap to clone into the threads that serve.
#[derive(Clone)]
pub struct WorkerContext {
    inner: Arc<Inner>,
}

struct Inner {
    board: Arc<Scoreboard>,
    index: usize,
    number: u64,
    multiprocess: bool,
    max_requests: Option<u64>,
    /// Requests in progress, when the master watches for stuck ones.
    in_flight: Option<Mutex<InFlight>>,
}

/// Requests in progress, oldest first.
#[derive(Default)]
struct InFlight {
    next_id: u64,
    requests: BTreeMap<(u64, u64), String>,
}

impl WorkerContext {
    pub(crate) fn new(
        board: Arc<Scoreboard>,
        index: usize,
        number: u64,
        multiprocess: bool,
        max_requests: Option<u64>,
        heartbeat: bool,
    ) -> WorkerContext {
        WorkerContext {
            inner: Arc::new(Inner {
                board,
                index,
                number,
                multiprocess,
                max_requests,
                in_flight: heartbeat.then(Mutex::default),
            }),
        }
    }

    fn slot(&self) -> &Slot {
        self.inner.board.slot(self.inner.index)
    }

    /// This worker's number: 1 for the first started, counting up over restarts and reloads.
    pub fn number(&self) -> u64 {
        self.inner.number
    }

    /// Whether several workers serve at once (WSGI's `wsgi.multiprocess`).
    pub fn multiprocess(&self) -> bool {
        self.inner.multiprocess
    }

    /// Says the worker serves: the master counts it as started (and, during a reload, stops
    /// the old workers once every new one said so).
    pub fn set_ready(&self) {
        self.slot().set_state(state::READY);
    }

    /// Whether the master wants the worker's requests timed (it has a worker timeout): when
    /// false, [`request_started`](Self::request_started) does nothing.
    pub fn times_requests(&self) -> bool {
        self.inner.in_flight.is_some()
    }

    /// A request started: it counts in the heartbeat until the guard is dropped. `describe`
    /// names it for the master's log if it gets stuck (called only when requests are timed).
    pub fn request_started(&self, describe: impl FnOnce() -> String) -> RequestGuard {
        let Some(in_flight) = &self.inner.in_flight else {
            return RequestGuard { release: None };
        };
        let started = now_ms();
        let key = {
            let mut table = in_flight.lock().unwrap_or_else(PoisonError::into_inner);
            let key = (started, table.next_id);
            table.next_id += 1;
            let line = describe();
            let was_empty = table.requests.is_empty();
            table.requests.insert(key, line);
            if was_empty {
                self.slot().set_oldest(
                    table
                        .requests
                        .first_key_value()
                        .map(|(k, v)| (k.0, v.as_str())),
                );
            }
            key
        };
        let context = self.clone();
        RequestGuard {
            release: Some(Box::new(move || context.request_done(key))),
        }
    }

    fn request_done(&self, key: (u64, u64)) {
        let Some(in_flight) = &self.inner.in_flight else {
            return;
        };
        let mut table = in_flight.lock().unwrap_or_else(PoisonError::into_inner);
        let was_oldest = table
            .requests
            .first_key_value()
            .is_some_and(|(k, _)| *k == key);
        table.requests.remove(&key);
        if was_oldest {
            self.slot().set_oldest(
                table
                    .requests
                    .first_key_value()
                    .map(|(k, v)| (k.0, v.as_str())),
            );
        }
    }

    /// Counts one answered request. At the worker's `max_requests` (with its jitter) it asks
    /// the master to replace it, once, and returns true.
    pub fn count_request(&self) -> bool {
        let handled = self.slot().count_handled();
        match self.inner.max_requests {
            Some(limit) if handled == limit => {
                tracing::info!(
                    "worker {} answered {handled} requests (its maximum): asking to be replaced",
                    self.inner.number
                );
                self.slot().retire();
                true
            }
            _ => false,
        }
    }

    /// Publishes this worker's statistics figures (at most [`FIGURES`](crate::FIGURES); their
    /// meaning is the caller's), for any worker to read back from the scoreboard.
    pub fn publish(&self, figures: &[u64]) {
        self.slot().publish(figures);
    }

    /// Every worker's slot: this one's and the others'.
    pub fn scoreboard(&self) -> &Scoreboard {
        &self.inner.board
    }
}

impl fmt::Debug for WorkerContext {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WorkerContext")
            .field("number", &self.inner.number)
            .field("slot", &self.inner.index)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn context(max_requests: Option<u64>, heartbeat: bool) -> WorkerContext {
        let board = Arc::new(Scoreboard::new(1).unwrap());
        board.slot(0).claim(1, 1);
        WorkerContext::new(board, 0, 1, false, max_requests, heartbeat)
    }

    #[test]
    fn the_heartbeat_shows_the_oldest_request_until_all_are_done() {
        let ctx = context(None, true);
        let slot = ctx.slot();
        assert_eq!(slot.busy_since(), 0);
        let first = ctx.request_started(|| "GET /a".to_owned());
        let since = slot.busy_since();
        assert_ne!(since, 0);
        let second = ctx.request_started(|| "GET /b".to_owned());
        assert_eq!(slot.request_line(), "GET /a");
        drop(first);
        assert_eq!(slot.request_line(), "GET /b");
        assert!(slot.busy_since() >= since);
        drop(second);
        assert_eq!(slot.busy_since(), 0);
    }

    #[test]
    fn without_a_worker_timeout_nothing_is_timed() {
        let ctx = context(None, false);
        let mut described = false;
        let guard = ctx.request_started(|| {
            described = true;
            String::new()
        });
        assert!(!described);
        assert_eq!(ctx.slot().busy_since(), 0);
        drop(guard);
    }

    #[test]
    fn the_maximum_asks_for_replacement_once() {
        let ctx = context(Some(3), false);
        let asked: Vec<bool> = (0..5).map(|_| ctx.count_request()).collect();
        assert_eq!(asked, [false, false, true, false, false]);
        assert!(ctx.slot().is_retiring());
        assert_eq!(ctx.scoreboard().workers()[0].handled, 5);
    }
}
