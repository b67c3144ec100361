//! Peer credentials of UNIX-socket connections for cheroot-rs: who is on the other end.
//!
//! cheroot's `HTTPConnection` can tell, for a connection on a UNIX domain socket, the process
//! id, user id and group id of the client (Linux's SO_PEERCRED) and, when the server allows it,
//! the user and group names; its WSGI gateway puts them in the environ as `X_REMOTE_PID`,
//! `X_REMOTE_UID`, `X_REMOTE_GID`, `X_REMOTE_USER`, `X_REMOTE_GROUP` and `REMOTE_USER`. This
//! crate is that half of the connection:
//!
//! - [`peer_creds`] asks the kernel (after checking with `getsockname` that the socket is a
//!   UNIX one) and returns [`PeerCreds`];
//! - [`user_name`] and [`group_name`] resolve ids to names;
//! - [`ConnPeerCreds`] is one connection's view, behind the server switches
//!   `peercreds_enabled` and `peercreds_resolve_enabled`, each answer looked up once;
//! - [`environ_pairs`] is what the WSGI gateway adds to the environ.
//!
//! ```no_run
//! # #[cfg(unix)] {
//! use std::os::unix::net::UnixStream;
//! use cheroot_peercreds::{ConnPeerCreds, environ_pairs};
//!
//! let stream = UnixStream::connect("/run/app.sock")?;
//! let creds = ConnPeerCreds::new(&stream, true, true);
//! for (key, value) in environ_pairs(&creds) {
//!     println!("{key}={value}");
//! }
//! # }
//! # Ok::<(), std::io::Error>(())
//! ```
//!
//! # Platforms
//!
//! SO_PEERCRED exists on Linux and Android only; elsewhere every lookup is
//! [`PeerCredsError::Unsupported`] (cheroot raises `NotImplementedError` or `RuntimeError`
//! there). Off UNIX the crate builds without its `nix` dependency and everything is
//! `Unsupported`. A socket that is not a UNIX one (TCP) is [`PeerCredsError::NotUnixSocket`].
//!
//! # Name lookups
//!
//! cheroot resolves names with Python's `pwd` and `grp` modules. The design card of this
//! project named the `users` crate for it; that crate is unmaintained (RUSTSEC-2023-0040) and
//! unsound (RUSTSEC-2023-0059: an unaligned read of the `*const *const c_char` member list of
//! a group), and its `uzers` fork inherited the same code. Names come from
//! `nix::unistd::User::from_uid` and `Group::from_gid` instead: they call the C library's
//! reentrant `getpwuid_r`/`getgrgid_r`, as Python does, so every NSS source the system is
//! configured with answers; and nix is already the dependency that reads SO_PEERCRED, so no
//! other crate is added.
//!
//! # Features
//!
//! The crate has no features.
#![deny(missing_docs)]
#![forbid(unsafe_code)]

mod conn;
mod environ;
mod error;
mod lookup;
mod names;

pub use conn::ConnPeerCreds;
pub use environ::environ_pairs;
pub use error::PeerCredsError;
pub use lookup::{PeerCreds, SocketFd, check_unix_socket, peer_creds};
pub use names::{group_name, user_name};
