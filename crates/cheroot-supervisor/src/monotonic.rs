//! Time every process of the machine agrees on: `CLOCK_MONOTONIC` in milliseconds, so a
//! worker's heartbeat can be compared with the master's clock.

use nix::time::{ClockId, clock_gettime};

/// Milliseconds on `CLOCK_MONOTONIC` (the same clock in every process since boot).
pub(crate) fn now_ms() -> u64 {
    // CLOCK_MONOTONIC exists on every Linux; a failure would be a broken kernel.
    let now = clock_gettime(ClockId::CLOCK_MONOTONIC).map_or(0, |t| {
        u64::try_from(t.tv_sec()).unwrap_or(0) * 1000
            + u64::try_from(t.tv_nsec()).unwrap_or(0) / 1_000_000
    });
    // 0 means "no request in progress" in the scoreboard; the clock is never that early
    // after boot, but keep the meaning safe.
    now.max(1)
}
