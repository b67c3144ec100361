//! Graceful-stop bookkeeping: the stop signal every connection watches, and counts of live and
//! idle (parked) connections that `stop()` and the keep-alive limit read.

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

use tokio::sync::{Notify, watch};

/// Shared by the server and every connection task.
#[derive(Debug)]
pub(crate) struct Tracker {
    /// cheroot's `ready`: true between `prepare()` and `stop()`.
    ready: AtomicBool,
    /// Flips to true once on `stop()`; parked and not-yet-started connections close on it.
    stop_tx: watch::Sender<bool>,
    /// The same flag, for a look that costs one load (see [`is_stopping`](Self::is_stopping)).
    stopping: AtomicBool,
    live: AtomicUsize,
    idle: AtomicUsize,
    /// Requests between their head and their end that may wait on the network or a worker
    /// (the inline ones without a body finish without a pause, so a stop cannot cut them).
    in_flight: AtomicUsize,
    all_closed: Notify,
    /// On a runtime the server does not own (see [`with_cut`](Self::with_cut)): flips to
    /// true once `shutdown_timeout` has run out, and the connections still open end at once.
    cut_tx: Option<watch::Sender<bool>>,
}

impl Tracker {
    pub(crate) fn new() -> Self {
        let (stop_tx, _) = watch::channel(false);
        Self {
            ready: AtomicBool::new(false),
            stop_tx,
            stopping: AtomicBool::new(false),
            live: AtomicUsize::new(0),
            idle: AtomicUsize::new(0),
            in_flight: AtomicUsize::new(0),
            all_closed: Notify::new(),
            cut_tx: None,
        }
    }

    /// A tracker that can cut its connections, for a server on a runtime it does not own: a
    /// runtime of its own cuts them by dropping their tasks, which this one cannot do. Off
    /// otherwise, since a connection task that watches the signal pays for it at every poll.
    pub(crate) fn with_cut(mut self) -> Self {
        self.cut_tx = Some(watch::channel(false).0);
        self
    }

    /// Ends every connection still open, if this tracker can (see [`with_cut`]); returns
    /// whether it could.
    ///
    /// [`with_cut`]: Self::with_cut
    pub(crate) fn cut_connections(&self) -> bool {
        self.cut_tx
            .as_ref()
            .map(|tx| tx.send_replace(true))
            .is_some()
    }

    /// A receiver for [`until_cut`], if this tracker can cut (see [`with_cut`](Self::with_cut)).
    pub(crate) fn cut_signal(&self) -> Option<watch::Receiver<bool>> {
        self.cut_tx.as_ref().map(watch::Sender::subscribe)
    }

    pub(crate) fn set_ready(&self, ready: bool) {
        self.ready.store(ready, Ordering::SeqCst);
    }

    pub(crate) fn is_ready(&self) -> bool {
        self.ready.load(Ordering::SeqCst)
    }

    /// Tells every connection the server is stopping.
    pub(crate) fn signal_stop(&self) {
        self.stopping.store(true, Ordering::SeqCst);
        self.stop_tx.send_replace(true);
    }

    /// Whether the server is stopping: for a look between waits, where subscribing to the
    /// signal for each wait would cost far more.
    pub(crate) fn is_stopping(&self) -> bool {
        self.stopping.load(Ordering::SeqCst)
    }

    /// A receiver to wait on the stop signal with [`stopped`].
    pub(crate) fn stop_signal(&self) -> watch::Receiver<bool> {
        self.stop_tx.subscribe()
    }

    /// Counts a new connection until the guard drops.
    pub(crate) fn connection(self: &Arc<Self>) -> ConnGuard {
        self.live.fetch_add(1, Ordering::SeqCst);
        ConnGuard {
            tracker: Arc::clone(self),
        }
    }

    /// Counts a connection as parked idle until the guard drops.
    pub(crate) fn idle(&self) -> IdleGuard<'_> {
        self.idle.fetch_add(1, Ordering::SeqCst);
        IdleGuard { tracker: self }
    }

    /// Counts a request as in flight until the guard drops.
    pub(crate) fn request(&self) -> RequestGuard<'_> {
        self.in_flight.fetch_add(1, Ordering::Relaxed);
        RequestGuard { tracker: self }
    }

    /// Requests in flight now: what a stop at this moment would cut.
    pub(crate) fn requests_in_flight(&self) -> usize {
        self.in_flight.load(Ordering::Relaxed)
    }

    pub(crate) fn live_connections(&self) -> usize {
        self.live.load(Ordering::SeqCst)
    }

    pub(crate) fn idle_connections(&self) -> usize {
        self.idle.load(Ordering::SeqCst)
    }

    /// cheroot's `can_add_keepalive_connection`: the server is ready and fewer than `limit`
    /// connections are parked.
    pub(crate) fn can_keep_alive(&self, limit: Option<usize>) -> bool {
        self.is_ready() && limit.is_none_or(|limit| self.idle_connections() < limit)
    }

    /// Waits until no connection is left, or `deadline` passes; returns whether none is left.
    pub(crate) async fn wait_all_closed(&self, deadline: Duration) -> bool {
        let wait = async {
            loop {
                let notified = self.all_closed.notified();
                if self.live_connections() == 0 {
                    return;
                }
                notified.await;
            }
        };
        tokio::time::timeout(deadline, wait).await.is_ok()
    }
}

/// Resolves once the stop (or cut) signal is raised (at once if it already is).
pub(crate) async fn stopped(rx: &mut watch::Receiver<bool>) {
    // An error means the server (the sender) is gone: that is a stop too.
    let _ = rx.wait_for(|stop| *stop).await;
}

/// Serves `connection` until it ends or the cut signal ([`Tracker::cut_signal`]) is raised,
/// which drops it and so closes its socket.
pub(crate) async fn until_cut(
    mut cut: watch::Receiver<bool>,
    connection: impl Future<Output = ()>,
) {
    tokio::select! {
        () = connection => {}
        () = stopped(&mut cut) => {}
    }
}

/// Holds one count of live connections.
#[derive(Debug)]
pub(crate) struct ConnGuard {
    tracker: Arc<Tracker>,
}

impl Drop for ConnGuard {
    fn drop(&mut self) {
        if self.tracker.live.fetch_sub(1, Ordering::SeqCst) == 1 {
            self.tracker.all_closed.notify_waiters();
        }
    }
}

/// Holds one count of requests in flight.
#[derive(Debug)]
pub(crate) struct RequestGuard<'a> {
    tracker: &'a Tracker,
}

impl Drop for RequestGuard<'_> {
    fn drop(&mut self) {
        self.tracker.in_flight.fetch_sub(1, Ordering::Relaxed);
    }
}

/// Holds one count of parked connections.
#[derive(Debug)]
pub(crate) struct IdleGuard<'a> {
    tracker: &'a Tracker,
}

impl Drop for IdleGuard<'_> {
    fn drop(&mut self) {
        self.tracker.idle.fetch_sub(1, Ordering::SeqCst);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keep_alive_limit_counts_parked_connections() {
        let tracker = Tracker::new();
        assert!(!tracker.can_keep_alive(None), "not ready yet");
        tracker.set_ready(true);
        let first = tracker.idle();
        let second = tracker.idle();
        assert!(!tracker.can_keep_alive(Some(2)));
        assert!(tracker.can_keep_alive(None));
        drop(first);
        assert!(tracker.can_keep_alive(Some(2)));
        drop(second);
        assert_eq!(tracker.idle_connections(), 0);
    }

    #[tokio::test]
    async fn waits_for_the_last_connection() {
        let tracker = Arc::new(Tracker::new());
        assert!(tracker.wait_all_closed(Duration::from_millis(10)).await);
        let t = tracker.clone();
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let (started_tx, started_rx) = tokio::sync::oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            let _guard = t.connection();
            let _ = started_tx.send(());
            let _ = rx.await;
        });
        started_rx.await.unwrap();
        assert!(!tracker.wait_all_closed(Duration::from_millis(10)).await);
        tx.send(()).unwrap();
        assert!(tracker.wait_all_closed(Duration::from_secs(5)).await);
        task.await.unwrap();
    }
}
