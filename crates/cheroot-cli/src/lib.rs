//! The `cheroot` command of cheroot-rs (cheroot's `cheroot.cli`), as a library so its parser
//! can be tested and embedded.
//!
//! `cheroot [OPTIONS] APP` serves APP (`builtin:echo`, `builtin:hello`, or a Python WSGI
//! application `module:callable`, which the command hands to the `cheroot-rs` Python package's
//! front, `python -m cheroot_rs`) until SIGINT or SIGTERM, then stops gracefully and exits 0. A bad command line exits 2 with a message naming the flag and the value; a server
//! that cannot start exits 1.
//!
//! ```no_run
//! use cheroot_cli::{Command, parse_args};
//!
//! let Command::Run(options) = parse_args(["--bind", "127.0.0.1:0", "builtin:echo"])? else {
//!     unreachable!("no --help given");
//! };
//! assert_eq!(options.bind.to_string(), "127.0.0.1:0");
//! // Serves until SIGINT or SIGTERM:
//! let status = cheroot_cli::main_with_args(["--bind", "127.0.0.1:0", "builtin:echo"]);
//! # let _ = status;
//! # Ok::<(), cheroot_cli::UsageError>(())
//! ```
//!
//! Features: `rustls` (default) and `openssl`, the TLS backends `--ssl-adapter` can choose.
#![deny(missing_docs)]
#![forbid(unsafe_code)]

mod access_log;
mod app_spec;
mod args;
mod builtin;
mod flags;
mod help;
mod logging;
mod options;
mod python_front;
mod run;
mod serve;
mod signals;
mod tls_setup;

pub use access_log::AccessLogDest;
pub use app_spec::{AppSpec, AppSpecError, BuiltinApp};
pub use args::{Command, UsageError, parse_args};
/// `--access-log-format`'s values.
pub use cheroot::server::AccessLogFormat;
/// What an [`AppLoader`] may override around the fork of each worker process.
pub use cheroot_supervisor::{ForkHooks, Forked};
pub use help::{command, help_text, version_text};
pub use options::{
    ClientVerify, DEFAULT_BIND, LogFilter, LogFormat, LogLevel, Options, TlsBackend, TlsOptions,
};
pub use run::{AppLoader, main_with_args, run_with_loader};
