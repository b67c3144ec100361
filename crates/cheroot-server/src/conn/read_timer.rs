//! One timer per connection for its waits on the next request, re-armed for each wait rather
//! than made and dropped per wait.
//!
//! A `tokio::time::timeout` around each read registers a timer in the runtime's wheel when the
//! read must wait (nearly every request on a keep-alive connection) and removes it when the
//! read completes: about 1,000 instructions a request, an eighth of a native hello response
//! (callgrind; docs/benchmarks.md, issue 16). A kept timer moved to a later deadline is only
//! marked so: when the wheel reaches the old deadline it finds the new one and files the timer
//! again, once per period instead of once per request.

use std::future::Future;
use std::pin::Pin;
use std::task::Poll;
use std::time::Duration;

use tokio::time::{Instant, Sleep};

/// The wait ran out before the future completed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct TimedOut;

/// A connection's read timer.
pub(super) struct ReadTimer {
    /// Boxed: a `Sleep` must stay pinned, and the connection moves before it runs.
    sleep: Pin<Box<Sleep>>,
}

impl ReadTimer {
    /// A timer not armed yet (it is set before each wait).
    pub(super) fn new() -> Self {
        Self {
            sleep: Box::pin(tokio::time::sleep(Duration::ZERO)),
        }
    }

    /// Runs `fut` for at most `wait`.
    pub(super) async fn within<F: Future>(
        &mut self,
        wait: Duration,
        fut: F,
    ) -> Result<F::Output, TimedOut> {
        self.sleep.as_mut().reset(Instant::now() + wait);
        let mut fut = std::pin::pin!(fut);
        let sleep = &mut self.sleep;
        std::future::poll_fn(|cx| {
            if let Poll::Ready(output) = fut.as_mut().poll(cx) {
                return Poll::Ready(Ok(output));
            }
            sleep.as_mut().poll(cx).map(|()| Err(TimedOut))
        })
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_ready_future_wins_and_a_late_one_times_out() {
        let mut timer = ReadTimer::new();
        assert_eq!(
            timer.within(Duration::from_secs(5), async { 7 }).await,
            Ok(7)
        );
        let late = timer.within(Duration::from_millis(20), std::future::pending::<()>());
        assert_eq!(late.await, Err(TimedOut));
    }

    #[tokio::test]
    async fn each_wait_gets_its_own_deadline() {
        let mut timer = ReadTimer::new();
        // A long wait, then a shorter one: the second must not inherit the first's deadline.
        let quick = tokio::time::sleep(Duration::from_millis(10));
        assert_eq!(timer.within(Duration::from_secs(60), quick).await, Ok(()));
        let started = Instant::now();
        let short = timer.within(Duration::from_millis(50), std::future::pending::<()>());
        assert_eq!(short.await, Err(TimedOut));
        let waited = started.elapsed();
        assert!(waited >= Duration::from_millis(50), "{waited:?}");
        assert!(waited < Duration::from_secs(30), "{waited:?}");
        // And a longer one after a short one is not cut at the short deadline.
        let slow = tokio::time::sleep(Duration::from_millis(200));
        assert_eq!(timer.within(Duration::from_secs(5), slow).await, Ok(()));
    }
}
