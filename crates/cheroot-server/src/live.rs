//! The settings a running server rereads at each use, so that changing one takes effect at
//! once: cheroot reads `timeout`, `max_request_body_size` and `keep_alive_conn_limit` off its
//! server object for every connection and request, and its users (CherryPy's test helpers,
//! cheroot's own fixtures) change them on a server that is already serving.

use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering::Relaxed};
use std::time::Duration;

use crate::config::ServerConfig;

/// `keep_alive_conn_limit` stored as `usize::MAX` when there is none.
const NO_LIMIT: usize = usize::MAX;

/// The live copies of three [`ServerConfig`] fields. Each is read on its own (`Relaxed`): a
/// request sees the old value or the new one, and no setting depends on another.
#[derive(Debug)]
pub(crate) struct LiveSettings {
    timeout_nanos: AtomicU64,
    max_request_body_size: AtomicU64,
    keep_alive_conn_limit: AtomicUsize,
}

impl LiveSettings {
    /// The values of `config`.
    pub(crate) fn new(config: &ServerConfig) -> Self {
        let live = Self {
            timeout_nanos: AtomicU64::new(0),
            max_request_body_size: AtomicU64::new(0),
            keep_alive_conn_limit: AtomicUsize::new(NO_LIMIT),
        };
        live.load(config);
        live
    }

    /// Takes all three values from `config` (at `prepare()`).
    pub(crate) fn load(&self, config: &ServerConfig) {
        self.set_timeout(config.timeout);
        self.set_max_request_body_size(config.max_request_body_size);
        self.set_keep_alive_conn_limit(config.keep_alive_conn_limit);
    }

    /// `timeout`: how long one socket read or write may wait.
    pub(crate) fn timeout(&self) -> Duration {
        Duration::from_nanos(self.timeout_nanos.load(Relaxed))
    }

    /// `timeout` in whole seconds, at least 1, for `Keep-Alive: timeout=N`.
    pub(crate) fn timeout_secs(&self) -> u64 {
        self.timeout().as_secs().max(1)
    }

    pub(crate) fn set_timeout(&self, timeout: Duration) {
        let nanos = u64::try_from(timeout.as_nanos()).unwrap_or(u64::MAX);
        self.timeout_nanos.store(nanos, Relaxed);
    }

    /// `max_request_body_size` (0: no limit).
    pub(crate) fn max_request_body_size(&self) -> u64 {
        self.max_request_body_size.load(Relaxed)
    }

    pub(crate) fn set_max_request_body_size(&self, max: u64) {
        self.max_request_body_size.store(max, Relaxed);
    }

    /// `keep_alive_conn_limit` (`None`: no limit).
    pub(crate) fn keep_alive_conn_limit(&self) -> Option<usize> {
        match self.keep_alive_conn_limit.load(Relaxed) {
            NO_LIMIT => None,
            limit => Some(limit),
        }
    }

    pub(crate) fn set_keep_alive_conn_limit(&self, limit: Option<usize>) {
        // A limit of `usize::MAX` connections is no limit either.
        self.keep_alive_conn_limit
            .store(limit.unwrap_or(NO_LIMIT), Relaxed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_round_trip() {
        let config = ServerConfig {
            timeout: Duration::from_millis(1500),
            max_request_body_size: 1001,
            keep_alive_conn_limit: Some(2),
            ..ServerConfig::default()
        };
        let live = LiveSettings::new(&config);
        assert_eq!(live.timeout(), Duration::from_millis(1500));
        assert_eq!(live.timeout_secs(), 1);
        assert_eq!(live.max_request_body_size(), 1001);
        assert_eq!(live.keep_alive_conn_limit(), Some(2));

        live.set_timeout(Duration::from_millis(300));
        live.set_max_request_body_size(0);
        live.set_keep_alive_conn_limit(None);
        assert_eq!(live.timeout(), Duration::from_millis(300));
        // Under a second still advertises 1: `timeout=0` would tell the client not to wait.
        assert_eq!(live.timeout_secs(), 1);
        assert_eq!(live.max_request_body_size(), 0);
        assert_eq!(live.keep_alive_conn_limit(), None);

        live.set_keep_alive_conn_limit(Some(0));
        assert_eq!(live.keep_alive_conn_limit(), Some(0));
    }
}
