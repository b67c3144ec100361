//! The delay before starting a worker again after workers died before they were ready: it
//! doubles with each such death and resets once a worker is ready, so a broken application
//! costs a fork every few seconds, not a fork loop.

use std::time::Duration;

/// The first delay.
const FIRST: Duration = Duration::from_millis(100);
/// The longest delay.
const LONGEST: Duration = Duration::from_secs(10);

/// Counts deaths before readiness.
#[derive(Debug, Default)]
pub(crate) struct Backoff {
    failures: u32,
}

impl Backoff {
    /// A worker died before it was ready: the delay before the next start.
    pub(crate) fn failed(&mut self) -> Duration {
        let delay = FIRST
            .saturating_mul(1 << self.failures.min(16))
            .min(LONGEST);
        self.failures = self.failures.saturating_add(1);
        delay
    }

    /// A worker became ready: the next failure starts from the first delay again.
    pub(crate) fn succeeded(&mut self) {
        self.failures = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doubles_up_to_the_cap_and_resets() {
        let mut backoff = Backoff::default();
        let delays: Vec<u64> = (0..9)
            .map(|_| backoff.failed().as_millis() as u64)
            .collect();
        assert_eq!(
            delays,
            [100, 200, 400, 800, 1600, 3200, 6400, 10_000, 10_000]
        );
        backoff.succeeded();
        assert_eq!(backoff.failed(), FIRST);
    }
}
