//! Which socket errors the server drops quietly, retries, or tolerates on shutdown.

use std::io;
use std::sync::OnceLock;

use crate::errno::plat_specific_errors;

/// How the server treats an error from accept, read, write or shutdown on a client socket.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum SocketErrorKind {
    /// The call was interrupted by a signal (`EINTR`): retry it.
    Interrupted,
    /// The socket is non-blocking and not ready (`EAGAIN`/`EWOULDBLOCK`): wait and retry.
    WouldBlock,
    /// The peer went away or timed out: close the connection without logging an error.
    Ignorable,
    /// Anything else: a real error, worth logging.
    Other,
}

impl SocketErrorKind {
    /// Classifies `err`, checking in the order cheroot's accept loop does.
    pub fn of(err: &io::Error) -> Self {
        if is_interrupted(err) {
            Self::Interrupted
        } else if is_nonblocking(err) {
            Self::WouldBlock
        } else if is_ignorable(err) {
            Self::Ignorable
        } else {
            Self::Other
        }
    }
}

fn cached(cell: &'static OnceLock<Vec<i32>>, names: &[&str]) -> &'static [i32] {
    cell.get_or_init(|| plat_specific_errors(names))
}

/// cheroot's `socket_error_eintr`: the numbers of `EINTR`.
pub fn socket_error_eintr() -> &'static [i32] {
    static CELL: OnceLock<Vec<i32>> = OnceLock::new();
    cached(&CELL, &["EINTR", "WSAEINTR"])
}

/// cheroot's `socket_errors_to_ignore`, as numbers: the peer vanished, refused, reset or timed
/// out. (cheroot also lists the strings `'timed out'`; [`is_ignorable`] covers those through
/// [`io::ErrorKind::TimedOut`].)
pub fn socket_errors_to_ignore() -> &'static [i32] {
    static CELL: OnceLock<Vec<i32>> = OnceLock::new();
    cached(
        &CELL,
        &[
            "EPIPE",
            "EBADF",
            "WSAEBADF",
            "ENOTSOCK",
            "WSAENOTSOCK",
            "ETIMEDOUT",
            "WSAETIMEDOUT",
            "ECONNREFUSED",
            "WSAECONNREFUSED",
            "ECONNRESET",
            "WSAECONNRESET",
            "ECONNABORTED",
            "WSAECONNABORTED",
            "ENETRESET",
            "WSAENETRESET",
            "EHOSTDOWN",
            "EHOSTUNREACH",
        ],
    )
}

/// cheroot's `socket_errors_nonblocking`: `EAGAIN` and `EWOULDBLOCK` (one number on Linux).
pub fn socket_errors_nonblocking() -> &'static [i32] {
    static CELL: OnceLock<Vec<i32>> = OnceLock::new();
    cached(&CELL, &["EAGAIN", "EWOULDBLOCK", "WSAEWOULDBLOCK"])
}

/// cheroot's `acceptable_sock_shutdown_error_codes`: what `shutdown()` may fail with when the
/// peer is already gone.
pub fn acceptable_sock_shutdown_error_codes() -> &'static [i32] {
    static CELL: OnceLock<Vec<i32>> = OnceLock::new();
    cached(&CELL, &["ENOTCONN", "EPIPE", "ESHUTDOWN", "ECONNRESET"])
}

/// Whether `err` is one the server drops without logging: an errno of
/// [`socket_errors_to_ignore`], or a timeout of any origin.
///
/// Errors without an errno (built by tokio or a TLS backend) are judged by their kind.
///
/// A read timeout set with `set_read_timeout` on a blocking std socket surfaces as
/// `EAGAIN`/`WouldBlock` on Unix, which is [`is_nonblocking`], not a timeout: code that enforces
/// a timeout should report it as [`io::ErrorKind::TimedOut`] to have it ignored here.
pub fn is_ignorable(err: &io::Error) -> bool {
    // A timeout is ignorable whoever raised it; cheroot matches Python's 'timed out' text.
    if err.kind() == io::ErrorKind::TimedOut {
        return true;
    }
    match err.raw_os_error() {
        Some(code) => socket_errors_to_ignore().contains(&code),
        None => matches!(
            err.kind(),
            io::ErrorKind::BrokenPipe
                | io::ErrorKind::ConnectionRefused
                | io::ErrorKind::ConnectionReset
                | io::ErrorKind::ConnectionAborted
                | io::ErrorKind::HostUnreachable
        ),
    }
}

/// Whether `err` means "not ready yet" on a non-blocking socket ([`socket_errors_nonblocking`]).
pub fn is_nonblocking(err: &io::Error) -> bool {
    match err.raw_os_error() {
        Some(code) => socket_errors_nonblocking().contains(&code),
        None => err.kind() == io::ErrorKind::WouldBlock,
    }
}

/// Whether `err` is `EINTR` ([`socket_error_eintr`]): the call should simply be retried.
pub fn is_interrupted(err: &io::Error) -> bool {
    match err.raw_os_error() {
        Some(code) => socket_error_eintr().contains(&code),
        None => err.kind() == io::ErrorKind::Interrupted,
    }
}

/// Whether a failed `shutdown()` can be ignored because the peer is already gone
/// ([`acceptable_sock_shutdown_error_codes`], plus cheroot's `BrokenPipeError` and
/// `ConnectionResetError` for errors without an errno).
///
/// Anything else (errno -1 included) is a real failure — `test_conn.py::test_broken_connection_during_tcp_fin`.
pub fn is_acceptable_shutdown_error(err: &io::Error) -> bool {
    match err.raw_os_error() {
        Some(code) => acceptable_sock_shutdown_error_codes().contains(&code),
        None => matches!(
            err.kind(),
            io::ErrorKind::BrokenPipe
                | io::ErrorKind::ConnectionReset
                | io::ErrorKind::NotConnected
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn os(name: &str) -> io::Error {
        let number = crate::errno::errno_number(name).unwrap_or(-1);
        io::Error::from_raw_os_error(number)
    }

    #[test]
    fn sets_hold_cheroots_linux_numbers() {
        let mut ignore = socket_errors_to_ignore().to_vec();
        ignore.sort_unstable();
        // EPIPE 32, EBADF 9, ENOTSOCK 88, ETIMEDOUT 110, ECONNREFUSED 111, ECONNRESET 104,
        // ECONNABORTED 103, ENETRESET 102, EHOSTDOWN 112, EHOSTUNREACH 113.
        assert_eq!(ignore, vec![9, 32, 88, 102, 103, 104, 110, 111, 112, 113]);
        assert_eq!(socket_errors_nonblocking(), &[11]);
        assert_eq!(socket_error_eintr(), &[4]);
        let mut shutdown = acceptable_sock_shutdown_error_codes().to_vec();
        shutdown.sort_unstable();
        assert_eq!(shutdown, vec![32, 104, 107, 108]);
    }

    #[test]
    fn classification_of_os_errors() {
        let table: &[(&str, SocketErrorKind)] = &[
            ("EINTR", SocketErrorKind::Interrupted),
            ("EAGAIN", SocketErrorKind::WouldBlock),
            ("EWOULDBLOCK", SocketErrorKind::WouldBlock),
            ("EPIPE", SocketErrorKind::Ignorable),
            ("EBADF", SocketErrorKind::Ignorable),
            ("ENOTSOCK", SocketErrorKind::Ignorable),
            ("ETIMEDOUT", SocketErrorKind::Ignorable),
            ("ECONNREFUSED", SocketErrorKind::Ignorable),
            ("ECONNRESET", SocketErrorKind::Ignorable),
            ("ECONNABORTED", SocketErrorKind::Ignorable),
            ("ENETRESET", SocketErrorKind::Ignorable),
            ("EHOSTDOWN", SocketErrorKind::Ignorable),
            ("EHOSTUNREACH", SocketErrorKind::Ignorable),
            ("EMFILE", SocketErrorKind::Other),
            ("ENOTCONN", SocketErrorKind::Other),
            ("EPROTOTYPE", SocketErrorKind::Other),
        ];
        for (name, kind) in table {
            assert_eq!(SocketErrorKind::of(&os(name)), *kind, "{name}");
        }
    }

    #[test]
    fn classification_of_errors_without_errno() {
        let table: &[(io::ErrorKind, SocketErrorKind)] = &[
            (io::ErrorKind::Interrupted, SocketErrorKind::Interrupted),
            (io::ErrorKind::WouldBlock, SocketErrorKind::WouldBlock),
            (io::ErrorKind::TimedOut, SocketErrorKind::Ignorable),
            (io::ErrorKind::BrokenPipe, SocketErrorKind::Ignorable),
            (io::ErrorKind::ConnectionReset, SocketErrorKind::Ignorable),
            (io::ErrorKind::ConnectionAborted, SocketErrorKind::Ignorable),
            (io::ErrorKind::ConnectionRefused, SocketErrorKind::Ignorable),
            (io::ErrorKind::HostUnreachable, SocketErrorKind::Ignorable),
            (io::ErrorKind::UnexpectedEof, SocketErrorKind::Other),
            (io::ErrorKind::InvalidData, SocketErrorKind::Other),
        ];
        for (kind, expected) in table {
            let err = io::Error::new(*kind, "synthetic");
            assert_eq!(SocketErrorKind::of(&err), *expected, "{kind:?}");
        }
    }

    // test_conn.py::test_broken_connection_during_tcp_fin: ECONNRESET, EPIPE, ENOTCONN and
    // ESHUTDOWN are suppressed; errno -1 and other errors propagate.
    #[test]
    fn shutdown_errors() {
        for name in ["ECONNRESET", "EPIPE", "ENOTCONN", "ESHUTDOWN"] {
            assert!(is_acceptable_shutdown_error(&os(name)), "{name}");
        }
        assert!(!is_acceptable_shutdown_error(
            &io::Error::from_raw_os_error(-1)
        ));
        assert!(!is_acceptable_shutdown_error(&os("EBADF")));
        assert!(is_acceptable_shutdown_error(&io::Error::from(
            io::ErrorKind::BrokenPipe
        )));
        assert!(is_acceptable_shutdown_error(&io::Error::from(
            io::ErrorKind::ConnectionReset
        )));
        assert!(!is_acceptable_shutdown_error(&io::Error::other(
            "RuntimeError"
        )));
    }

    #[test]
    fn a_timeout_with_an_errno_is_still_ignorable() {
        // SO_RCVTIMEO/SO_SNDTIMEO report EAGAIN, which is "not ready", not a timeout; a real
        // ETIMEDOUT is ignorable.
        assert!(is_ignorable(&os("ETIMEDOUT")));
        assert!(!is_ignorable(&os("EAGAIN")));
        assert!(is_nonblocking(&os("EAGAIN")));
        assert!(!is_nonblocking(&os("EINTR")));
        assert!(is_interrupted(&os("EINTR")));
    }
}
