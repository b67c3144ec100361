//! How long a client may take to send a request body: `body_timeout` of waiting, plus one
//! second for each KiB it has sent (a minimum average rate of 1 KiB/s once the grace is
//! spent).
//!
//! The read `timeout` alone bounds each wait, so a client sending one byte every few seconds
//! could hold a request open forever; with a worker thread behind it, 300 such clients held
//! 300 threads. A plain deadline for the whole body would cut honest large uploads; the rate
//! term lets a 100 MiB upload at a modest speed through while a trickle runs out of time.
//! Only time spent waiting on the client counts: while the gateway is slow to read the body,
//! the connection does not read and the clock does not run against the client.

use std::time::Duration;

/// The slowest average rate a body may arrive at once the grace is spent.
pub(super) const MIN_BODY_RATE: u64 = 1024;

/// The body time budget of one request.
#[derive(Debug, Clone, Copy)]
pub(super) struct BodyDeadline {
    grace: Duration,
    /// The connection's byte count when the body began.
    read_at_start: u64,
    /// Time spent waiting for the client's bytes so far.
    waited: Duration,
}

impl BodyDeadline {
    /// A budget of `grace` for a body starting when the connection had read `bytes_read`.
    pub(super) fn new(grace: Duration, bytes_read: u64) -> Self {
        Self {
            grace,
            read_at_start: bytes_read,
            waited: Duration::ZERO,
        }
    }

    /// How long the next read may wait: `per_read` (the read `timeout`), or less when the
    /// budget runs out first; zero once it has run out. `bytes_read` is the connection's byte
    /// count now.
    pub(super) fn next_wait(&self, bytes_read: u64, per_read: Duration) -> Duration {
        let received = bytes_read.saturating_sub(self.read_at_start);
        let earned = Duration::from_secs(received / MIN_BODY_RATE);
        let budget = self.grace.saturating_add(earned);
        budget.saturating_sub(self.waited).min(per_read)
    }

    /// Counts `waited` more time spent waiting on the client.
    pub(super) fn waited(&mut self, waited: Duration) {
        self.waited = self.waited.saturating_add(waited);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const READ: Duration = Duration::from_secs(10);

    #[test]
    fn a_trickle_runs_out_of_time() {
        // One byte every 2 s, a client that held a worker without end before the body was read
        // on the I/O side: after the 30 s grace the budget is spent.
        let mut deadline = BodyDeadline::new(Duration::from_secs(30), 100);
        let mut read = 100;
        let mut elapsed = Duration::ZERO;
        while deadline.next_wait(read, READ) > Duration::ZERO {
            let wait = deadline.next_wait(read, READ).min(Duration::from_secs(2));
            deadline.waited(wait);
            elapsed += wait;
            read += 1;
        }
        assert!(elapsed <= Duration::from_secs(31), "{elapsed:?}");
        assert!(elapsed >= Duration::from_secs(30), "{elapsed:?}");
    }

    #[test]
    fn a_steady_upload_keeps_its_budget() {
        // 100 MiB at 64 KiB/s (27 minutes): every second earns more than it costs.
        let mut deadline = BodyDeadline::new(Duration::from_secs(30), 0);
        let mut read = 0;
        for _ in 0..1600 {
            assert_eq!(deadline.next_wait(read, READ), READ);
            deadline.waited(Duration::from_secs(1));
            read += 64 * 1024;
        }
    }

    #[test]
    fn the_wait_is_never_longer_than_a_read_timeout_or_the_budget() {
        let mut deadline = BodyDeadline::new(Duration::from_secs(5), 0);
        assert_eq!(deadline.next_wait(0, READ), Duration::from_secs(5));
        deadline.waited(Duration::from_secs(4));
        assert_eq!(deadline.next_wait(0, READ), Duration::from_secs(1));
        assert_eq!(deadline.next_wait(2048, READ), Duration::from_secs(3));
        deadline.waited(Duration::from_secs(10));
        assert_eq!(deadline.next_wait(2048, READ), Duration::ZERO);
    }
}
