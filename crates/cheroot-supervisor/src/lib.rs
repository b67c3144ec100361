//! Worker processes for cheroot-rs, as gunicorn and granian run them: a master process binds
//! the listening sockets once, forks N workers that inherit them, and supervises them.
//!
//! - A worker that dies is replaced (with a growing delay while workers die before they are
//!   ready, so a broken application never makes a fork loop); the log says how it ended.
//! - SIGTERM or SIGINT stops every worker gracefully; SIGHUP starts a new generation of
//!   workers and stops the old one only once every new worker is ready, so a reload refuses
//!   no connection; SIGTTIN and SIGTTOU add and remove a worker; SIGUSR1 is passed on to every
//!   worker (to reopen its log files).
//! - A worker asks to be replaced after `max_requests` (its replacement starts first), and a
//!   worker whose oldest request has run longer than `worker_timeout` is killed.
//!
//! Workers and master share a [`Scoreboard`] in shared memory: each worker's state, its
//! heartbeat (the start of its oldest request in progress and a line naming it) and its
//! statistics, which any worker can read back to answer a metrics request for all of them.
//!
//! The crate knows nothing of HTTP or Python: the worker's body is a closure, and a
//! [`ForkHooks`] implementation lets an embedding interpreter (CPython's `PyOS_BeforeFork` and
//! friends) prepare for each fork.
//!
//! ```no_run
//! use cheroot_supervisor::{NoHooks, Supervisor, SupervisorConfig};
//!
//! let config = SupervisorConfig { workers: 2, ..SupervisorConfig::default() };
//! let outcome = Supervisor::new(config).run(
//!     &NoHooks,
//!     || println!("every worker is ready"),
//!     |worker| {
//!         // serve the inherited sockets until SIGTERM, then:
//!         worker.set_ready();
//!         0
//!     },
//! );
//! std::process::exit(i32::from(outcome.exit_code()));
//! ```
//!
//! The crate has no features.
#![deny(missing_docs)]
// Only `fork.rs` (fork(2)) and `scoreboard/shared_memory.rs` (an mmap shared between
// processes) use `unsafe`; each says why it is sound.
#![deny(unsafe_code)]

mod backoff;
mod config;
mod fork;
mod master;
mod monotonic;
mod scoreboard;
mod signals;
mod worker;

pub use config::{MAX_WORKERS, SupervisorConfig};
pub use fork::{ForkHooks, Forked, NoHooks};
pub use master::{Outcome, Supervisor};
pub use scoreboard::{FIGURES, RequestGuard, Scoreboard, SlotView};
pub use worker::WorkerContext;
