//! Error kinds and socket-error classification of cheroot-rs, as `cheroot.errors` has them.
//!
//! Two things live here, both std-only so that every other crate can use them:
//!
//! - the error kinds of `cheroot.errors`: [`MaxSizeExceeded`], [`NoSslError`] and
//!   [`FatalSslAlert`];
//! - the rules cheroot applies to socket errors: which ones are dropped quietly
//!   ([`is_ignorable`]), retried ([`is_nonblocking`], [`is_interrupted`]) or tolerated when
//!   shutting a socket down ([`is_acceptable_shutdown_error`]), with the errno-name lookup
//!   [`plat_specific_errors`] they are built from.
//!
//! ```
//! use std::io;
//! use cheroot_errors::{SocketErrorKind, is_ignorable};
//!
//! let reset = io::Error::from_raw_os_error(104); // ECONNRESET on Linux
//! assert!(is_ignorable(&reset));
//! assert_eq!(SocketErrorKind::of(&reset), SocketErrorKind::Ignorable);
//! ```
//!
//! The crate has no features.
#![deny(missing_docs)]
#![forbid(unsafe_code)]

mod classify;
mod errno;
mod errno_table;
mod kinds;

pub use classify::{
    SocketErrorKind, acceptable_sock_shutdown_error_codes, is_acceptable_shutdown_error,
    is_ignorable, is_interrupted, is_nonblocking, socket_error_eintr, socket_errors_nonblocking,
    socket_errors_to_ignore,
};
pub use errno::{errno_number, plat_specific_errors};
pub use kinds::{FatalSslAlert, MaxSizeExceeded, NoSslError};
