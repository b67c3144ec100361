//! Forking a worker: only from a single-threaded master (a fork copies only the calling
//! thread, so a lock another thread held would stay locked forever in the child), with
//! hooks around it for an embedded interpreter.
#![allow(
    unsafe_code,
    reason = "fork(2) is unsafe in nix; this module checks the condition that makes it sound"
)]

use std::io;

use nix::unistd::{ForkResult, Pid, fork};

/// Which side of a fork this is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Forked {
    /// The new worker process.
    Child,
    /// The master, with the worker's pid.
    Parent(Pid),
}

/// Runs around each fork of a worker. The default forks and does nothing else; an embedding
/// interpreter overrides it (CPython: take the GIL, `PyOS_BeforeFork`, fork,
/// `PyOS_AfterFork_Child` or `PyOS_AfterFork_Parent`).
pub trait ForkHooks {
    /// Calls `fork` (exactly once) with whatever must surround it, and returns its result.
    ///
    /// # Errors
    ///
    /// The fork's error.
    fn around_fork(&self, fork: &mut dyn FnMut() -> io::Result<Forked>) -> io::Result<Forked> {
        fork()
    }
}

/// No hooks: a plain fork.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoHooks;

impl ForkHooks for NoHooks {}

/// Forks through `hooks`, after checking that this process runs one thread.
pub(crate) fn fork_with(hooks: &dyn ForkHooks) -> io::Result<Forked> {
    let threads = thread_count()?;
    if threads != 1 {
        return Err(io::Error::other(format!(
            "cannot fork a worker: the master process runs {threads} threads, and a fork \
             copies only one (something started a thread before the workers were forked)"
        )));
    }
    hooks.around_fork(&mut || {
        // SAFETY: the process has one thread (checked above, and the master starts none), so
        // no lock or allocator state can be held by a thread the child will not have.
        match unsafe { fork() } {
            Ok(ForkResult::Child) => Ok(Forked::Child),
            Ok(ForkResult::Parent { child }) => Ok(Forked::Parent(child)),
            Err(err) => Err(io::Error::from(err)),
        }
    })
}

/// Threads of this process, from `/proc/self/task`.
fn thread_count() -> io::Result<usize> {
    Ok(std::fs::read_dir("/proc/self/task")?.count())
}

/// A fork for tests, which run on the multi-threaded test harness: the child must touch only
/// atomics and leave with `_exit`.
#[cfg(test)]
pub(crate) fn fork_for_test() -> Forked {
    // SAFETY: callers' children only store to atomics and call `_exit`, which take no lock.
    match unsafe { fork() }.expect("fork") {
        ForkResult::Child => Forked::Child,
        ForkResult::Parent { child } => Forked::Parent(child),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_multi_threaded_process_is_refused() {
        // The test harness runs tests on threads of its own, so this process has several.
        let _extra = std::thread::spawn(|| std::thread::sleep(std::time::Duration::from_secs(1)));
        let err = fork_with(&NoHooks).unwrap_err();
        assert!(err.to_string().contains("threads"), "{err}");
    }
}
