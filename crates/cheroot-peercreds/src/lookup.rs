//! Asking the kernel who is at the other end of a socket: SO_PEERCRED, after a family check.

use crate::error::PeerCredsError;

/// The peer process of a UNIX-socket connection, as the kernel saw it when the connection was
/// made (`connect` or `socketpair`): cheroot's `(pid, uid, gid)` tuple.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PeerCreds {
    /// Process id of the peer.
    pub pid: i32,
    /// Effective user id of the peer.
    pub uid: u32,
    /// Effective group id of the peer.
    pub gid: u32,
}

#[cfg(unix)]
mod sealed {
    /// Stops other crates implementing [`SocketFd`](super::SocketFd).
    pub trait Sealed {}
    impl<T: std::os::fd::AsFd + ?Sized> Sealed for T {}
}

#[cfg(not(unix))]
mod sealed {
    /// Stops other crates implementing [`SocketFd`](super::SocketFd).
    pub trait Sealed {}
    impl<T: ?Sized> Sealed for T {}
}

/// Whatever a lookup can be made on: anything [`AsFd`](std::os::fd::AsFd) on UNIX (std and
/// tokio sockets, `&T`, [`BorrowedFd`](std::os::fd::BorrowedFd), `OwnedFd`), anything at all
/// elsewhere (where every lookup is [`PeerCredsError::Unsupported`]).
///
/// It is implemented for every such type and cannot be implemented by hand: it exists so that
/// the same signatures build on every platform.
#[cfg(unix)]
pub trait SocketFd: std::os::fd::AsFd + sealed::Sealed {}
#[cfg(unix)]
impl<T: std::os::fd::AsFd + ?Sized> SocketFd for T {}

/// Whatever a lookup can be made on: anything [`AsFd`] on UNIX (std and tokio sockets, `&T`,
/// `BorrowedFd`, `OwnedFd`), anything at all elsewhere (where every lookup is
/// [`PeerCredsError::Unsupported`]).
///
/// It is implemented for every such type and cannot be implemented by hand: it exists so that
/// the same signatures build on every platform.
///
/// [`AsFd`]: https://doc.rust-lang.org/std/os/fd/trait.AsFd.html
#[cfg(not(unix))]
pub trait SocketFd: sealed::Sealed {}
#[cfg(not(unix))]
impl<T: ?Sized> SocketFd for T {}

/// Checks that `sock` is a UNIX domain socket (path, abstract or unnamed), by its family as
/// `getsockname` reports it.
///
/// # Errors
///
/// [`PeerCredsError::NotUnixSocket`] for any other family, [`PeerCredsError::Os`] when
/// `getsockname` fails (not a socket, closed), [`PeerCredsError::Unsupported`] off UNIX.
pub fn check_unix_socket<F: SocketFd + ?Sized>(sock: &F) -> Result<(), PeerCredsError> {
    sys::check_unix_socket(sock)
}

/// Looks up the peer of a connected UNIX socket with SO_PEERCRED; cheroot's
/// `HTTPConnection.get_peer_creds()` without the server switch (see
/// [`ConnPeerCreds`](crate::ConnPeerCreds) for that, and for caching).
///
/// # Errors
///
/// [`PeerCredsError::NotUnixSocket`] when `sock` is not a UNIX socket (checked first, with
/// `getsockname`), [`PeerCredsError::Unsupported`] on platforms without SO_PEERCRED (all but
/// Linux and Android), [`PeerCredsError::Os`] when a system call fails.
pub fn peer_creds<F: SocketFd + ?Sized>(sock: &F) -> Result<PeerCreds, PeerCredsError> {
    sys::check_unix_socket(sock)?;
    sys::so_peercred(sock)
}

#[cfg(unix)]
mod sys {
    use std::os::fd::AsRawFd;

    use nix::sys::socket::{AddressFamily, SockaddrLike, SockaddrStorage, getsockname};

    use super::{PeerCreds, SocketFd};
    use crate::error::PeerCredsError;

    pub(super) fn check_unix_socket<F: SocketFd + ?Sized>(sock: &F) -> Result<(), PeerCredsError> {
        // The raw fd is only used for the duration of this call, while `sock` keeps it open.
        let addr = getsockname::<SockaddrStorage>(sock.as_fd().as_raw_fd()).map_err(|errno| {
            PeerCredsError::Os {
                call: "getsockname",
                errno: errno as i32,
            }
        })?;
        match addr.family() {
            Some(AddressFamily::Unix) => Ok(()),
            _ => Err(PeerCredsError::NotUnixSocket),
        }
    }

    #[cfg(any(target_os = "linux", target_os = "android"))]
    pub(super) fn so_peercred<F: SocketFd + ?Sized>(sock: &F) -> Result<PeerCreds, PeerCredsError> {
        use nix::sys::socket::{getsockopt, sockopt::PeerCredentials};

        let cred =
            getsockopt(&sock.as_fd(), PeerCredentials).map_err(|errno| PeerCredsError::Os {
                call: "getsockopt(SO_PEERCRED)",
                errno: errno as i32,
            })?;
        Ok(PeerCreds {
            pid: cred.pid(),
            uid: cred.uid(),
            gid: cred.gid(),
        })
    }

    // BSDs and macOS have LOCAL_PEERCRED / getpeereid instead, with no pid on most of them;
    // cheroot does not use them either (its FIXME), so neither do we.
    #[cfg(not(any(target_os = "linux", target_os = "android")))]
    pub(super) fn so_peercred<F: SocketFd + ?Sized>(
        _sock: &F,
    ) -> Result<PeerCreds, PeerCredsError> {
        Err(PeerCredsError::Unsupported)
    }
}

#[cfg(not(unix))]
mod sys {
    use super::{PeerCreds, SocketFd};
    use crate::error::PeerCredsError;

    pub(super) fn check_unix_socket<F: SocketFd + ?Sized>(_sock: &F) -> Result<(), PeerCredsError> {
        Err(PeerCredsError::Unsupported)
    }

    pub(super) fn so_peercred<F: SocketFd + ?Sized>(
        _sock: &F,
    ) -> Result<PeerCreds, PeerCredsError> {
        Err(PeerCredsError::Unsupported)
    }
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use std::os::unix::net::UnixStream;

    use super::{check_unix_socket, peer_creds};
    use crate::error::PeerCredsError;

    #[test]
    fn socketpair_peer_is_this_process() {
        let (a, _b) = UnixStream::pair().expect("socketpair");
        let creds = peer_creds(&a).expect("SO_PEERCRED");
        assert_eq!(u32::try_from(creds.pid).ok(), Some(std::process::id()));
        assert_eq!(creds.uid, nix::unistd::getuid().as_raw());
        assert_eq!(creds.gid, nix::unistd::getgid().as_raw());
    }

    #[test]
    fn a_file_is_not_a_socket() {
        let file = std::fs::File::open("/").expect("open /");
        let err = check_unix_socket(&file).expect_err("a directory is no socket");
        assert_eq!(err.raw_os_error(), Some(nix::errno::Errno::ENOTSOCK as i32));
        assert!(matches!(
            err,
            PeerCredsError::Os {
                call: "getsockname",
                ..
            }
        ));
    }
}
