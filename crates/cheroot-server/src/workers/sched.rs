//! Batch scheduling for the threads that hand requests to each other on one core.
//!
//! With one core, the I/O thread and the pool's workers take turns: the I/O thread queues a
//! job and wakes a worker, the worker answers and wakes the I/O thread. Under Linux's default
//! policy a woken thread preempts the running one, so every hand-off became two context
//! switches (about one per request, measured with 50 keep-alive clients). `SCHED_BATCH` is the
//! same fair policy without wake-up preemption: the woken thread runs when the running one
//! blocks or its time slice ends, so the I/O thread reads a whole batch of requests before
//! the worker answers them all (0.2 context switches per request, measured). On more cores
//! the woken thread finds an idle core anyway, so only the one-core runtime asks for it.

/// Puts the calling thread under `SCHED_BATCH`. Failing (a seccomp filter, a system other
/// than Linux) only loses the batching, so it is logged at debug level and otherwise ignored.
#[allow(
    unsafe_code,
    reason = "nix does not wrap sched_setscheduler; the libc call is sound (see SAFETY)"
)]
pub(crate) fn use_batch_scheduling() {
    let param = libc::sched_param { sched_priority: 0 };
    // SAFETY: `sched_setscheduler` reads `param` (a valid, initialised struct that outlives
    // the call) and changes only the scheduling policy of the calling thread (pid 0).
    // SCHED_BATCH with priority 0 needs no privilege.
    let rc = unsafe { libc::sched_setscheduler(0, libc::SCHED_BATCH, &param) };
    if rc != 0 {
        tracing::debug!(
            "SCHED_BATCH refused: {}; threads keep the default policy",
            std::io::Error::last_os_error()
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The policy as the kernel reports it for the calling thread.
    #[allow(unsafe_code, reason = "nix does not wrap sched_getscheduler")]
    fn policy() -> libc::c_int {
        // SAFETY: reads the calling thread's policy; no pointers involved.
        unsafe { libc::sched_getscheduler(0) }
    }

    #[test]
    fn the_calling_thread_gets_batch_scheduling() {
        let got = std::thread::spawn(|| {
            let before = policy();
            use_batch_scheduling();
            (before, policy())
        })
        .join()
        .unwrap();
        assert_eq!(got, (libc::SCHED_OTHER, libc::SCHED_BATCH));
    }
}
