//! The master's signals: blocked in the process and read from a signalfd in its loop, so they
//! are handled between steps of the loop, never in the middle of one.

use std::io;
use std::os::fd::AsFd;
use std::time::Duration;

use nix::errno::Errno;
use nix::poll::{PollFd, PollFlags, PollTimeout, poll};
use nix::sys::signal::{SigSet, SigmaskHow, Signal, pthread_sigmask};
use nix::sys::signalfd::{SfdFlags, SignalFd};

/// Every signal the master acts on.
const MASTER: [Signal; 8] = [
    Signal::SIGINT,
    Signal::SIGTERM,
    Signal::SIGQUIT,
    Signal::SIGHUP,
    Signal::SIGTTIN,
    Signal::SIGTTOU,
    Signal::SIGUSR1,
    Signal::SIGCHLD,
];

/// The signals a worker takes back after the fork: it waits for SIGCHLD like any process
/// (an application's subprocesses), and SIGINT, SIGTERM and SIGUSR1 stay blocked for the
/// worker's own signal thread. SIGHUP, SIGQUIT, SIGTTIN and SIGTTOU stay blocked: they are the master's.
const WORKER_UNBLOCKED: [Signal; 1] = [Signal::SIGCHLD];

fn set_of(signals: &[Signal]) -> SigSet {
    let mut set = SigSet::empty();
    for signal in signals {
        set.add(*signal);
    }
    set
}

/// The master's signal queue.
#[derive(Debug)]
pub(crate) struct MasterSignals {
    fd: SignalFd,
}

impl MasterSignals {
    /// Blocks the master's signals (in this thread, the master's only one) and opens the
    /// signalfd that receives them.
    pub(crate) fn new() -> io::Result<MasterSignals> {
        let set = set_of(&MASTER);
        pthread_sigmask(SigmaskHow::SIG_BLOCK, Some(&set), None)?;
        let fd = SignalFd::with_flags(&set, SfdFlags::SFD_CLOEXEC | SfdFlags::SFD_NONBLOCK)?;
        Ok(MasterSignals { fd })
    }

    /// The signals received, waiting at most `timeout` for the first.
    pub(crate) fn wait(&mut self, timeout: Duration) -> io::Result<Vec<Signal>> {
        let millis = u16::try_from(timeout.as_millis()).unwrap_or(u16::MAX);
        let mut fds = [PollFd::new(self.fd.as_fd(), PollFlags::POLLIN)];
        match poll(&mut fds, PollTimeout::from(millis)) {
            Ok(_) | Err(Errno::EINTR) => {}
            Err(err) => return Err(err.into()),
        }
        let mut received = Vec::new();
        while let Some(info) = self.fd.read_signal()? {
            let number = i32::try_from(info.ssi_signo).unwrap_or(0);
            if let Ok(signal) = Signal::try_from(number) {
                received.push(signal);
            }
        }
        Ok(received)
    }
}

/// In a worker just forked: take back the signals a worker handles like any process.
pub(crate) fn worker_mask() -> io::Result<()> {
    pthread_sigmask(
        SigmaskHow::SIG_UNBLOCK,
        Some(&set_of(&WORKER_UNBLOCKED)),
        None,
    )?;
    Ok(())
}
