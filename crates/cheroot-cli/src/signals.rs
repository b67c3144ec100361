//! SIGINT, SIGTERM and SIGUSR1 in a worker process: blocked in every thread and taken by one
//! thread with `sigwait`. SIGINT and SIGTERM stop the server gracefully; a second one changes
//! nothing (the master kills a worker that does not stop in time, and a second signal to the
//! master does it at once). SIGUSR1, which the master forwards, reopens the access log.

use std::sync::Arc;
use std::sync::atomic::{AtomicI32, Ordering};

use nix::sys::signal::{SigSet, Signal};

/// The signals a worker acts on.
fn handled() -> SigSet {
    let mut set = SigSet::empty();
    set.add(Signal::SIGINT);
    set.add(Signal::SIGTERM);
    set.add(Signal::SIGUSR1);
    set
}

/// Blocks SIGINT, SIGTERM and SIGUSR1 in the calling thread, and so in every thread it starts after
/// (the mask is inherited, across fork too). Call it first, before any thread exists, so a
/// signal can never take its default action (killing the process) while the server starts.
///
/// # Errors
///
/// The `pthread_sigmask` failure, which does not happen with valid signal numbers.
pub(crate) fn block() -> nix::Result<()> {
    handled().thread_block()
}

/// The signal that stopped the server, as a number (0 while none has).
#[derive(Debug, Clone, Default)]
pub(crate) struct Received(Arc<AtomicI32>);

impl Received {
    /// The signal received, if any.
    pub(crate) fn get(&self) -> Option<Signal> {
        Signal::try_from(self.0.load(Ordering::SeqCst)).ok()
    }
}

/// What stops the server gracefully (blocking until it has stopped).
pub(crate) type Stop = Arc<dyn Fn() + Send + Sync>;

/// What reopens the log files (SIGUSR1).
pub(crate) type Reopen = Arc<dyn Fn() + Send + Sync>;

/// Starts the thread that waits for SIGINT, SIGTERM and SIGUSR1 (they must already be
/// blocked): the first SIGINT or SIGTERM calls `stop`; later ones are noted in the debug log
/// only (Ctrl-C in a terminal reaches the workers and the master, which then sends SIGTERM
/// too). Each SIGUSR1 calls `reopen`.
///
/// # Errors
///
/// The thread could not be started.
pub(crate) fn watch(stop: Stop, reopen: Reopen) -> std::io::Result<Received> {
    let received = Received::default();
    let seen = received.clone();
    std::thread::Builder::new()
        .name("cheroot-signals".to_owned())
        .spawn(move || {
            let set = handled();
            let mut stopping = false;
            loop {
                let signal = match set.wait() {
                    Ok(signal) => signal,
                    Err(err) => {
                        tracing::error!("waiting for signals failed: {err}");
                        return;
                    }
                };
                if signal == Signal::SIGUSR1 {
                    reopen();
                    continue;
                }
                if stopping {
                    tracing::debug!("{signal} again: already stopping");
                    continue;
                }
                stopping = true;
                seen.0.store(signal as i32, Ordering::SeqCst);
                tracing::debug!("{signal} received: stopping gracefully");
                // stop() blocks until in-flight requests finish (within shutdown_timeout);
                // serve() on the worker's main thread returns then.
                let stopping_thread = Arc::clone(&stop);
                let stopper = std::thread::Builder::new()
                    .name("cheroot-stop-signal".to_owned())
                    .spawn(move || stopping_thread());
                if let Err(err) = stopper {
                    // Out of threads (the machine's limit): stop from here, still gracefully.
                    tracing::warn!(
                        "cannot start the stop thread ({err}): stopping from the signal thread"
                    );
                    stop();
                }
            }
        })?;
    Ok(received)
}
