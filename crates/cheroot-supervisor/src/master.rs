//! The master process's loop: start the workers, then react to signals, exits, readiness,
//! requests to be replaced and stuck heartbeats, until a stop signal and the last worker's
//! exit.

use std::fmt;
use std::io;
use std::sync::Arc;
use std::time::{Duration, Instant};

use nix::errno::Errno;
use nix::sys::signal::{Signal, kill};
use nix::sys::wait::{WaitPidFlag, WaitStatus, waitpid};
use nix::unistd::Pid;

use crate::backoff::Backoff;
use crate::config::{MAX_WORKERS, SupervisorConfig};
use crate::fork::{ForkHooks, Forked, fork_with};
use crate::monotonic::now_ms;
use crate::scoreboard::{Scoreboard, state};
use crate::signals::{MasterSignals, worker_mask};
use crate::worker::WorkerContext;

/// How often the master looks at the scoreboard when no signal comes.
const TICK: Duration = Duration::from_millis(100);

/// Runs workers until told to stop.
#[derive(Debug)]
pub struct Supervisor {
    config: SupervisorConfig,
}

/// How the master ended.
#[derive(Debug)]
pub enum Outcome {
    /// Stopped by `signal`; `clean` when every worker finished its requests and exited 0.
    Stopped {
        /// The signal that asked for the stop.
        signal: Signal,
        /// Whether every worker stopped cleanly.
        clean: bool,
    },
    /// A worker exited with status 0 without being asked to (its application asked the
    /// server to stop, as cheroot stops on `KeyboardInterrupt`), and the others were stopped;
    /// `clean` as for `Stopped`.
    AppStopped {
        /// The worker's number.
        worker: u64,
        /// Whether every worker stopped cleanly.
        clean: bool,
    },
    /// The first workers could not start: the message says how the first one ended.
    BootFailed(String),
    /// The master itself failed (no shared memory, no signalfd, fork impossible).
    Failed(io::Error),
}

impl Outcome {
    /// The exit status for the command: 0 after a clean stop, 1 otherwise.
    pub fn exit_code(&self) -> u8 {
        match self {
            Outcome::Stopped { clean: true, .. } | Outcome::AppStopped { clean: true, .. } => 0,
            _ => 1,
        }
    }
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Outcome::Stopped {
                signal,
                clean: true,
            } => write!(f, "stopped cleanly after {signal}"),
            Outcome::Stopped {
                signal,
                clean: false,
            } => write!(
                f,
                "stopped after {signal}, but not every worker finished its requests"
            ),
            Outcome::AppStopped { worker, clean } => write!(
                f,
                "stopped because worker {worker}'s application asked the server to stop{}",
                if *clean {
                    ""
                } else {
                    ", but not every worker finished its requests"
                }
            ),
            Outcome::BootFailed(why) => write!(f, "the workers could not start: {why}"),
            Outcome::Failed(err) => write!(f, "the supervisor failed: {err}"),
        }
    }
}

impl Supervisor {
    /// A supervisor with these settings (`workers` is kept within 1 and [`MAX_WORKERS`]).
    pub fn new(mut config: SupervisorConfig) -> Supervisor {
        config.workers = config.workers.clamp(1, MAX_WORKERS);
        Supervisor { config }
    }

    /// Forks the workers and supervises them until SIGINT, SIGTERM or SIGQUIT and the last
    /// worker's exit. Call it from a process that runs one thread (the check is made before
    /// each fork).
    ///
    /// Each worker process runs `worker` and exits with the status it returns; it must call
    /// [`WorkerContext::set_ready`] once it serves, and stop gracefully on SIGTERM (SIGINT,
    /// SIGTERM and SIGUSR1 are blocked in it: wait for them with `sigwait`). `on_ready` runs
    /// once in the master, when every first worker is ready.
    pub fn run(
        self,
        hooks: &dyn ForkHooks,
        on_ready: impl FnOnce(),
        mut worker: impl FnMut(WorkerContext) -> u8,
    ) -> Outcome {
        let board = match Scoreboard::new(MAX_WORKERS) {
            Ok(board) => Arc::new(board),
            Err(err) => return Outcome::Failed(err),
        };
        let signals = match MasterSignals::new() {
            Ok(signals) => signals,
            Err(err) => return Outcome::Failed(err),
        };
        let mut master = Master {
            target: self.config.workers,
            config: self.config,
            board,
            signals,
            hooks,
            workers: Vec::new(),
            generation: 0,
            next_number: 1,
            backoff: Backoff::default(),
            restart_at: None,
            on_ready: Some(Box::new(on_ready)),
            stopping: None,
            stopped_by_worker: None,
            boot_failure: None,
            unclean: false,
        };
        master.run(&mut worker)
    }
}

/// A worker as the master tracks it.
#[derive(Debug)]
struct Worker {
    pid: Pid,
    number: u64,
    slot: usize,
    generation: u64,
    ready: bool,
    /// Asked to be replaced (after its maximum of requests); stopped once the replacement is
    /// ready.
    replacing: bool,
    stop_sent: Option<Instant>,
    killed: bool,
}

struct Master<'h> {
    config: SupervisorConfig,
    board: Arc<Scoreboard>,
    signals: MasterSignals,
    hooks: &'h dyn ForkHooks,
    workers: Vec<Worker>,
    target: usize,
    generation: u64,
    next_number: u64,
    backoff: Backoff,
    restart_at: Option<Instant>,
    on_ready: Option<Box<dyn FnOnce() + 'h>>,
    stopping: Option<Signal>,
    /// The worker whose exit stopped the server, if that is what stopped it.
    stopped_by_worker: Option<u64>,
    boot_failure: Option<String>,
    unclean: bool,
}

impl Master<'_> {
    fn run(&mut self, worker: &mut dyn FnMut(WorkerContext) -> u8) -> Outcome {
        tracing::info!("starting {} worker(s)", self.target);
        loop {
            let received = match self.signals.wait(TICK) {
                Ok(received) => received,
                Err(err) => {
                    self.stop_all(Signal::SIGTERM);
                    return Outcome::Failed(err);
                }
            };
            for signal in received {
                self.on_signal(signal);
            }
            self.reap();
            if let Some(signal) = self.stopping {
                self.kill_overdue();
                if self.workers.is_empty() {
                    if let Some(why) = self.boot_failure.take() {
                        return Outcome::BootFailed(why);
                    }
                    if let Some(worker) = self.stopped_by_worker {
                        return Outcome::AppStopped {
                            worker,
                            clean: !self.unclean,
                        };
                    }
                    return Outcome::Stopped {
                        signal,
                        clean: !self.unclean,
                    };
                }
                continue;
            }
            self.note_readiness();
            self.check_heartbeats();
            if let Err(err) = self.reconcile(worker) {
                self.stop_all(Signal::SIGTERM);
                self.boot_failure = Some(err.to_string());
            }
            self.kill_overdue();
        }
    }

    fn on_signal(&mut self, signal: Signal) {
        match signal {
            Signal::SIGCHLD => {}
            Signal::SIGINT | Signal::SIGTERM | Signal::SIGQUIT => {
                if self.stopping.is_none() {
                    tracing::info!("{signal} received: stopping every worker gracefully");
                    self.stop_all(signal);
                } else {
                    tracing::warn!("{signal} again: killing the workers without waiting");
                    self.kill_all();
                }
            }
            Signal::SIGHUP if self.stopping.is_none() => {
                self.generation += 1;
                tracing::info!(
                    "SIGHUP received: starting {} new worker(s); the old ones stop once they \
                     are ready",
                    self.target
                );
            }
            Signal::SIGTTIN if self.stopping.is_none() => {
                if self.target < MAX_WORKERS {
                    self.target += 1;
                }
                tracing::info!("SIGTTIN received: {} worker(s) wanted", self.target);
            }
            Signal::SIGTTOU if self.stopping.is_none() => {
                self.target = self.target.saturating_sub(1).max(1);
                tracing::info!("SIGTTOU received: {} worker(s) wanted", self.target);
            }
            Signal::SIGUSR1 => {
                // The master writes no log file of its own: the workers reopen theirs.
                tracing::info!("SIGUSR1 received: the workers reopen their log files");
                for worker in &self.workers {
                    if let Err(err) = kill(worker.pid, Signal::SIGUSR1) {
                        tracing::debug!("SIGUSR1 to worker {}: {err}", worker.number);
                    }
                }
            }
            _ => {}
        }
    }

    /// Asks every worker to stop (SIGTERM) and remembers why.
    fn stop_all(&mut self, signal: Signal) {
        self.stopping = Some(signal);
        let pids: Vec<usize> = (0..self.workers.len()).collect();
        for index in pids {
            self.stop_worker(index, "the server stops");
        }
    }

    /// Kills every worker at once (a second stop signal): the stop is not clean.
    fn kill_all(&mut self) {
        self.unclean = true;
        for worker in &mut self.workers {
            worker.killed = true;
            if let Err(err) = kill(worker.pid, Signal::SIGKILL) {
                tracing::debug!("SIGKILL to worker {}: {err}", worker.number);
            }
        }
    }

    fn stop_worker(&mut self, index: usize, why: &str) {
        let worker = &mut self.workers[index];
        if worker.stop_sent.is_some() {
            return;
        }
        tracing::debug!(
            "stopping worker {} (pid {}): {why}",
            worker.number,
            worker.pid
        );
        worker.stop_sent = Some(Instant::now());
        self.board.slot(worker.slot).set_state(state::STOPPING);
        if let Err(err) = kill(worker.pid, Signal::SIGTERM) {
            tracing::debug!("SIGTERM to worker {}: {err}", worker.number);
        }
    }

    /// Collects every worker that exited.
    fn reap(&mut self) {
        loop {
            let status = match waitpid(Pid::from_raw(-1), Some(WaitPidFlag::WNOHANG)) {
                Ok(WaitStatus::StillAlive) | Err(Errno::ECHILD) => return,
                Ok(status) => status,
                Err(Errno::EINTR) => continue,
                Err(err) => {
                    tracing::error!("waitpid failed: {err}");
                    return;
                }
            };
            let Some(pid) = status.pid() else { continue };
            let Some(index) = self.workers.iter().position(|w| w.pid == pid) else {
                continue;
            };
            let worker = self.workers.swap_remove(index);
            self.board.slot(worker.slot).release();
            self.on_exit(&worker, status);
        }
    }

    fn on_exit(&mut self, worker: &Worker, status: WaitStatus) {
        let how = describe(status);
        let clean = matches!(status, WaitStatus::Exited(_, 0));
        if worker.stop_sent.is_some() {
            if clean {
                tracing::info!("worker {} (pid {}) stopped", worker.number, worker.pid);
            } else {
                self.unclean = true;
                tracing::warn!("worker {} (pid {}) {how}", worker.number, worker.pid);
            }
            return;
        }
        if worker.killed {
            tracing::warn!(
                "worker {} (pid {}) {how}; starting another",
                worker.number,
                worker.pid
            );
            return;
        }
        if worker.ready && clean && self.stopping.is_none() {
            tracing::info!(
                "worker {} (pid {}) exited on its own with status 0 (its application asked \
                 the server to stop): stopping every worker",
                worker.number,
                worker.pid
            );
            self.stopped_by_worker = Some(worker.number);
            self.stop_all(Signal::SIGTERM);
            return;
        }
        if worker.ready {
            tracing::error!(
                "worker {} (pid {}) {how} unexpectedly; starting another",
                worker.number,
                worker.pid
            );
            return;
        }
        if self.on_ready.is_some() {
            // The very first workers cannot start: the application or the settings are
            // broken, and retrying would only repeat it.
            tracing::error!(
                "worker {} (pid {}) {how} before it was ready",
                worker.number,
                worker.pid
            );
            self.boot_failure = Some(format!(
                "worker {} {how} before it was ready",
                worker.number
            ));
            self.stop_all(Signal::SIGTERM);
            return;
        }
        let delay = self.backoff.failed();
        tracing::error!(
            "worker {} (pid {}) {how} before it was ready; starting another in {:.1} s",
            worker.number,
            worker.pid,
            delay.as_secs_f64()
        );
        self.restart_at = Some(Instant::now() + delay);
    }

    /// Notices workers that became ready, and runs `on_ready` once the first ones all are.
    fn note_readiness(&mut self) {
        for worker in &mut self.workers {
            if !worker.ready && self.board.slot(worker.slot).state() == state::READY {
                worker.ready = true;
                self.backoff.succeeded();
                tracing::info!("worker {} (pid {}) is ready", worker.number, worker.pid);
            }
        }
        let ready = self.workers.iter().filter(|w| w.ready).count();
        if ready >= self.target {
            if let Some(on_ready) = self.on_ready.take() {
                on_ready();
            }
        }
    }

    /// Kills workers whose oldest request is older than the worker timeout.
    fn check_heartbeats(&mut self) {
        let Some(timeout) = self.config.worker_timeout else {
            return;
        };
        let limit = u64::try_from(timeout.as_millis()).unwrap_or(u64::MAX);
        let now = now_ms();
        for worker in &mut self.workers {
            let slot = self.board.slot(worker.slot);
            let since = slot.busy_since();
            if worker.killed || since == 0 || now.saturating_sub(since) <= limit {
                continue;
            }
            let request = slot.request_line();
            tracing::error!(
                "worker {} (pid {}): request \"{request}\" has run {:.1} s, longer than the \
                 worker timeout ({:.1} s): killing the worker",
                worker.number,
                worker.pid,
                Duration::from_millis(now - since).as_secs_f64(),
                timeout.as_secs_f64()
            );
            worker.killed = true;
            if let Err(err) = kill(worker.pid, Signal::SIGKILL) {
                tracing::debug!("SIGKILL to worker {}: {err}", worker.number);
            }
        }
    }

    /// Starts the workers missing from the current generation, and stops the ones a ready
    /// generation or replacement has made unnecessary.
    fn reconcile(&mut self, worker: &mut dyn FnMut(WorkerContext) -> u8) -> io::Result<()> {
        for w in &mut self.workers {
            if !w.replacing && w.stop_sent.is_none() && self.board.slot(w.slot).is_retiring() {
                w.replacing = true;
            }
        }
        let generation = self.generation;
        let wanted = |w: &Worker| {
            w.stop_sent.is_none() && !w.killed && !w.replacing && w.generation == generation
        };
        let active = self.workers.iter().filter(|w| wanted(w)).count();
        let due = self.restart_at.is_none_or(|at| Instant::now() >= at);
        if active < self.target && due {
            self.restart_at = None;
            for _ in active..self.target {
                self.spawn(worker)?;
            }
        }
        let ready = self.workers.iter().filter(|w| wanted(w) && w.ready).count();
        if ready < self.target {
            return Ok(());
        }
        // Enough new workers serve: the old generation and the replaced ones can go, and so
        // can the oldest extra ones after SIGTTOU.
        let mut extra = ready - self.target;
        for index in 0..self.workers.len() {
            let w = &self.workers[index];
            if w.stop_sent.is_some() {
                continue;
            }
            if w.generation != generation {
                self.stop_worker(index, "replaced by a reload");
            } else if w.replacing {
                self.stop_worker(index, "replaced after its maximum of requests");
            } else if extra > 0 && w.ready {
                extra -= 1;
                self.stop_worker(index, "fewer workers wanted");
            }
        }
        Ok(())
    }

    fn spawn(&mut self, worker: &mut dyn FnMut(WorkerContext) -> u8) -> io::Result<()> {
        let Some(slot) = self.board.free_slot() else {
            tracing::error!("no free worker slot (at most {MAX_WORKERS} workers)");
            return Ok(());
        };
        let number = self.next_number;
        self.next_number += 1;
        self.board.slot(slot).claim(0, number);
        let master = nix::unistd::getpid();
        match fork_with(self.hooks) {
            Ok(Forked::Child) => {
                let code = self.become_worker(master, slot, number, worker);
                std::process::exit(i32::from(code));
            }
            Ok(Forked::Parent(pid)) => {
                self.board.slot(slot).set_pid(pid.as_raw().unsigned_abs());
                tracing::debug!("worker {number} started (pid {pid})");
                self.workers.push(Worker {
                    pid,
                    number,
                    slot,
                    generation: self.generation,
                    ready: false,
                    replacing: false,
                    stop_sent: None,
                    killed: false,
                });
                Ok(())
            }
            Err(err) => {
                self.board.slot(slot).release();
                Err(err)
            }
        }
    }

    /// The child's side of a fork: never returns to the master's loop.
    fn become_worker(
        &self,
        master: Pid,
        slot: usize,
        number: u64,
        worker: &mut dyn FnMut(WorkerContext) -> u8,
    ) -> u8 {
        // A worker whose master is gone (killed with SIGKILL) stops instead of serving on
        // unsupervised.
        if let Err(err) = nix::sys::prctl::set_pdeathsig(Signal::SIGTERM) {
            tracing::warn!("worker {number}: cannot ask to be stopped with the master: {err}");
        }
        if nix::unistd::getppid() != master {
            return 1;
        }
        if let Err(err) = worker_mask() {
            tracing::error!("worker {number}: cannot set its signal mask: {err}");
            return 1;
        }
        let pid = u64::from(nix::unistd::getpid().as_raw().unsigned_abs());
        let context = WorkerContext::new(
            Arc::clone(&self.board),
            slot,
            number,
            self.target > 1,
            self.config.max_requests_for(pid),
            self.config.worker_timeout.is_some(),
        );
        worker(context)
    }

    /// Kills workers that were asked to stop and are still running past the deadline.
    fn kill_overdue(&mut self) {
        let deadline = self.config.kill_after();
        for worker in &mut self.workers {
            let overdue = worker.stop_sent.is_some_and(|at| at.elapsed() > deadline);
            if overdue && !worker.killed {
                tracing::error!(
                    "worker {} (pid {}) did not stop within {:.1} s: killing it",
                    worker.number,
                    worker.pid,
                    deadline.as_secs_f64()
                );
                worker.killed = true;
                if let Err(err) = kill(worker.pid, Signal::SIGKILL) {
                    tracing::debug!("SIGKILL to worker {}: {err}", worker.number);
                }
            }
        }
    }
}

/// How a worker ended, for the log: "exited with status 3", "was killed by SIGKILL".
fn describe(status: WaitStatus) -> String {
    match status {
        WaitStatus::Exited(_, code) => format!("exited with status {code}"),
        WaitStatus::Signaled(_, signal, _) => format!("was killed by {signal}"),
        other => format!("ended ({other:?})"),
    }
}
