//! The I/O runtime: tokio's current-thread scheduler on one dedicated thread when the process
//! has one core, the multi-thread scheduler (one worker per core) otherwise.
//!
//! Why two: with a single worker, the multi-thread scheduler puts each task woken by the I/O
//! driver in its LIFO slot and pushes the one there into a local queue of 256; with hundreds
//! of busy connections that queue overflows into the global queue, which the worker only
//! looks at every few dozen polls. Connections that land there wait many rounds: with 500
//! connections on one core p99 latency was ~15x the median (57 ms against hyper's 4 ms on the
//! current-thread scheduler, whose one FIFO queue serves woken tasks in order).
//!
//! A third kind is the caller's own runtime (`HttpServer::start_on_current_runtime`): the server
//! spawns on it but never shuts it down.

use std::future::Future;
use std::io;
use std::thread::JoinHandle as ThreadHandle;
use std::time::Duration;

use tokio::runtime::{Builder, EnterGuard, Handle, Runtime};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

/// The name of the I/O threads.
const THREAD_NAME: &str = "cheroot-io";

/// What the current-thread runtime's thread does once told to stop: wait this long for its
/// tasks (`Some`), or drop them without waiting (`None`).
type StopOrder = Option<Duration>;

/// The runtime that runs the accept loop and the connection tasks.
pub(crate) struct IoRuntime {
    handle: Handle,
    kind: Kind,
}

enum Kind {
    Multi(Runtime),
    /// A current-thread runtime driven by its own thread, which owns it.
    Single {
        stop: oneshot::Sender<StopOrder>,
        thread: ThreadHandle<()>,
    },
    /// The runtime the server was started from, which is its caller's to stop.
    Borrowed,
}

impl IoRuntime {
    /// A runtime for `cores` cores: the current-thread scheduler on a thread of its own for
    /// one, the multi-thread scheduler with `cores` workers for more.
    pub(crate) fn new(cores: usize) -> io::Result<Self> {
        if cores > 1 {
            let runtime = Builder::new_multi_thread()
                .worker_threads(cores)
                .thread_name(THREAD_NAME)
                .enable_all()
                .build()?;
            return Ok(Self {
                handle: runtime.handle().clone(),
                kind: Kind::Multi(runtime),
            });
        }
        let runtime = Builder::new_current_thread()
            .thread_name(THREAD_NAME)
            .enable_all()
            .build()?;
        let handle = runtime.handle().clone();
        let (stop, stopped) = oneshot::channel::<StopOrder>();
        let thread = std::thread::Builder::new()
            .name(THREAD_NAME.to_owned())
            .spawn(move || {
                // The one core is shared with the worker pool's threads: see `sched.rs`.
                crate::workers::sched::use_batch_scheduling();
                // Spawned tasks run while this thread is inside `block_on`.
                match runtime.block_on(stopped) {
                    Ok(Some(grace)) => runtime.shutdown_timeout(grace),
                    // Told not to wait, or the owner was dropped without a word.
                    Ok(None) | Err(_) => runtime.shutdown_background(),
                }
            })?;
        Ok(Self {
            handle,
            kind: Kind::Single { stop, thread },
        })
    }

    /// The runtime this is called from, borrowed: spawning works as on the others, stopping
    /// does nothing.
    ///
    /// # Errors
    ///
    /// `InvalidInput` outside a tokio runtime.
    pub(crate) fn current() -> io::Result<Self> {
        let handle = Handle::try_current().map_err(|_| {
            io::Error::new(
                io::ErrorKind::InvalidInput,
                "a server on the current runtime must be started inside a tokio runtime",
            )
        })?;
        Ok(Self {
            handle,
            kind: Kind::Borrowed,
        })
    }

    /// Whether this is the caller's runtime rather than the server's own.
    pub(crate) fn is_borrowed(&self) -> bool {
        matches!(self.kind, Kind::Borrowed)
    }

    /// Spawns a task on the runtime.
    pub(crate) fn spawn<F>(&self, future: F) -> JoinHandle<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        self.handle.spawn(future)
    }

    /// Makes the runtime current on this thread (to create sockets) until the guard drops.
    pub(crate) fn enter(&self) -> EnterGuard<'_> {
        self.handle.enter()
    }

    /// Runs `future` to completion from a thread outside the runtime; `None` if a borrowed
    /// runtime was shut down by its owner first.
    pub(crate) fn block_on<F>(&self, future: F) -> Option<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send,
    {
        match &self.kind {
            Kind::Multi(runtime) => Some(runtime.block_on(future)),
            // The runtime's own thread drives I/O and timers meanwhile.
            Kind::Single { .. } => Some(self.handle.block_on(future)),
            // As a task, not `Handle::block_on`, whose timers panic once the runtime is shut
            // down: a shut-down runtime drops the task, and with it the sender.
            Kind::Borrowed => {
                let (done, result) = std::sync::mpsc::sync_channel(1);
                self.handle.spawn(async move {
                    let _ = done.send(future.await);
                });
                result.recv().ok()
            }
        }
    }

    /// Stops the runtime, waiting up to `grace` for its tasks to be dropped.
    pub(crate) fn shutdown_timeout(self, grace: Duration) {
        match self.kind {
            Kind::Multi(runtime) => runtime.shutdown_timeout(grace),
            Kind::Single { stop, thread } => {
                if stop.send(Some(grace)).is_ok() {
                    let _ = thread.join();
                }
            }
            Kind::Borrowed => {}
        }
    }

    /// Stops the runtime without waiting (callable from inside it).
    pub(crate) fn shutdown_background(self) {
        match self.kind {
            Kind::Multi(runtime) => runtime.shutdown_background(),
            Kind::Single { stop, .. } => {
                let _ = stop.send(None);
            }
            Kind::Borrowed => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Both kinds run spawned tasks, timers and `block_on`, and stop.
    #[test]
    fn runs_tasks_and_stops() {
        for cores in [1, 2] {
            let runtime = IoRuntime::new(cores).expect("runtime");
            let task = runtime.spawn(async {
                tokio::time::sleep(Duration::from_millis(1)).await;
                std::thread::current().name().map(str::to_owned)
            });
            let name = runtime.block_on(task).expect("ran").expect("task");
            assert_eq!(name.as_deref(), Some(THREAD_NAME), "cores {cores}");
            let listener = {
                let _entered = runtime.enter();
                let std_listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
                std_listener.set_nonblocking(true).expect("nonblocking");
                tokio::net::TcpListener::from_std(std_listener)
            };
            assert!(listener.is_ok(), "cores {cores}");
            runtime.shutdown_timeout(Duration::from_millis(100));
        }
    }

    /// A borrowed runtime that its owner shut down: `block_on` says so instead of panicking
    /// on the timer or waiting forever.
    #[test]
    fn block_on_a_borrowed_runtime_gone() {
        let owner = Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .expect("runtime");
        let borrowed = {
            let _entered = owner.enter();
            IoRuntime::current().expect("inside a runtime")
        };
        assert_eq!(borrowed.block_on(async { 7 }), Some(7));
        drop(owner);
        let late = borrowed.block_on(async { tokio::time::sleep(Duration::from_millis(10)).await });
        assert_eq!(late, None);
        assert!(IoRuntime::current().is_err(), "no runtime here");
    }

    /// A runtime stopped without waiting, or dropped, lets its thread end.
    #[test]
    fn background_stop_and_drop_end_the_thread() {
        let runtime = IoRuntime::new(1).expect("runtime");
        let Kind::Single { thread, stop } = runtime.kind else {
            panic!("one core gives the current-thread runtime");
        };
        drop(stop);
        assert!(thread.join().is_ok());
        let runtime = IoRuntime::new(1).expect("runtime");
        runtime.shutdown_background();
    }
}
