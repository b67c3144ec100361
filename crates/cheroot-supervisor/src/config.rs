//! What the master is asked to do: how many workers, when to recycle them, how long they may
//! take to stop or to answer.

use std::time::Duration;

/// Workers the scoreboard has room for, at most (`--workers` and SIGTTIN stop there).
pub const MAX_WORKERS: usize = 256;

/// The supervisor's settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SupervisorConfig {
    /// Worker processes to keep running (at least 1, at most [`MAX_WORKERS`]).
    pub workers: usize,
    /// Replace a worker gracefully after it answered this many requests (`None`: never).
    pub max_requests: Option<u64>,
    /// Add up to this many requests, picked per worker, to `max_requests`, so workers started
    /// together are not all replaced at once.
    pub max_requests_jitter: u64,
    /// Kill a worker whose oldest request in progress has run longer than this (`None`:
    /// never).
    pub worker_timeout: Option<Duration>,
    /// How long a stopping worker may take to finish its requests; the master kills it a
    /// little later (see [`kill_after`](Self::kill_after)).
    pub shutdown_timeout: Duration,
}

impl Default for SupervisorConfig {
    fn default() -> Self {
        SupervisorConfig {
            workers: 1,
            max_requests: None,
            max_requests_jitter: 0,
            worker_timeout: None,
            shutdown_timeout: Duration::from_secs(5),
        }
    }
}

impl SupervisorConfig {
    /// How long the master waits for a worker it asked to stop before it kills it: the
    /// worker's own `shutdown_timeout`, plus time to close its connections and exit.
    pub fn kill_after(&self) -> Duration {
        self.shutdown_timeout + Duration::from_secs(5)
    }

    /// The `max_requests` for one worker: the limit plus a share of the jitter chosen by
    /// `seed` (e.g. the worker's pid), so neighbours differ.
    pub fn max_requests_for(&self, seed: u64) -> Option<u64> {
        let limit = self.max_requests?;
        if self.max_requests_jitter == 0 {
            return Some(limit);
        }
        // A multiplicative hash spreads consecutive pids over the range.
        let spread = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 32;
        Some(limit + spread % (self.max_requests_jitter + 1))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jitter_stays_in_range_and_differs_between_seeds() {
        let config = SupervisorConfig {
            max_requests: Some(100),
            max_requests_jitter: 50,
            ..SupervisorConfig::default()
        };
        let limits: Vec<u64> = (1000..1020)
            .map(|seed| config.max_requests_for(seed).unwrap())
            .collect();
        assert!(
            limits.iter().all(|&l| (100..=150).contains(&l)),
            "{limits:?}"
        );
        let first = limits[0];
        assert!(limits.iter().any(|&l| l != first), "{limits:?}");
    }

    #[test]
    fn no_jitter_and_no_limit() {
        let mut config = SupervisorConfig {
            max_requests: Some(7),
            ..SupervisorConfig::default()
        };
        assert_eq!(config.max_requests_for(12345), Some(7));
        config.max_requests = None;
        config.max_requests_jitter = 10;
        assert_eq!(config.max_requests_for(12345), None);
    }

    #[test]
    fn the_kill_deadline_follows_the_shutdown_timeout() {
        let config = SupervisorConfig {
            shutdown_timeout: Duration::from_secs(2),
            ..SupervisorConfig::default()
        };
        assert_eq!(config.kill_after(), Duration::from_secs(7));
    }
}
