//! One connection's peer credentials: looked up at most once, behind the server's two switches.

use std::sync::OnceLock;

use crate::error::PeerCredsError;
use crate::lookup::{self, PeerCreds, SocketFd};
use crate::names;

/// The peer-credential half of cheroot's `HTTPConnection`: `get_peer_creds()`,
/// `resolve_peer_creds()` and the `peer_*` properties of one connection.
///
/// It holds the socket (`F` is anything `AsFd` on UNIX, see [`SocketFd`]: a stream, a reference to
/// one, a `BorrowedFd`, an `OwnedFd`) and the server's switches `peercreds_enabled` and
/// `peercreds_resolve_enabled`. Nothing is asked of the kernel until a method needs it; then the
/// answer (or the error) is kept for the life of the connection, as cheroot's per-connection
/// `lru_cache` does. Names are resolved only when both switches are on.
///
/// ```no_run
/// # #[cfg(unix)] {
/// use std::os::unix::net::UnixStream;
/// use cheroot_peercreds::ConnPeerCreds;
///
/// let stream = UnixStream::connect("/run/app.sock")?;
/// let creds = ConnPeerCreds::new(&stream, true, false);
/// println!("peer pid {}", creds.peer_pid()?);
/// assert!(creds.peer_user().is_err()); // resolution is off
/// # }
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug)]
pub struct ConnPeerCreds<F> {
    sock: F,
    enabled: bool,
    resolve_enabled: bool,
    /// Whether the socket is a UNIX one (`getsockname`), asked once.
    family: OnceLock<Result<(), PeerCredsError>>,
    /// The SO_PEERCRED answer, asked once and only when enabled.
    creds: OnceLock<Result<PeerCreds, PeerCredsError>>,
    /// `(user, group)`, resolved once and only when both switches are on.
    names: OnceLock<Result<(String, String), PeerCredsError>>,
}

impl<F> ConnPeerCreds<F> {
    /// Wraps a connection's socket with the server's `peercreds_enabled` and
    /// `peercreds_resolve_enabled` switches. Looks nothing up.
    ///
    /// `resolve_enabled` only counts when `enabled` is also true, as in cheroot.
    pub fn new(sock: F, enabled: bool, resolve_enabled: bool) -> Self {
        Self {
            sock,
            enabled,
            resolve_enabled: enabled && resolve_enabled,
            family: OnceLock::new(),
            creds: OnceLock::new(),
            names: OnceLock::new(),
        }
    }

    /// `peercreds_enabled`.
    pub fn enabled(&self) -> bool {
        self.enabled
    }

    /// `peercreds_resolve_enabled` as it takes effect: true only when lookups are enabled too.
    pub fn resolve_enabled(&self) -> bool {
        self.resolve_enabled
    }

    /// Whether SO_PEERCRED has been asked (successfully or not) on this connection.
    pub fn is_looked_up(&self) -> bool {
        self.creds.get().is_some()
    }

    /// Whether the user and group databases have been asked on this connection.
    pub fn is_resolved(&self) -> bool {
        self.names.get().is_some()
    }

    /// The socket this was built from.
    pub fn get_ref(&self) -> &F {
        &self.sock
    }

    /// Gives the socket back.
    pub fn into_inner(self) -> F {
        self.sock
    }
}

impl<F: SocketFd> ConnPeerCreds<F> {
    /// The peer's `(pid, uid, gid)`: cheroot's `get_peer_creds()`.
    ///
    /// The socket's family is checked first, then the switch, as cheroot does; the kernel is
    /// asked once per connection.
    ///
    /// # Errors
    ///
    /// [`PeerCredsError::NotUnixSocket`] off a UNIX socket, [`PeerCredsError::Disabled`] when
    /// lookups are off ("Peer creds lookup is disabled within this server"),
    /// [`PeerCredsError::Unsupported`] without SO_PEERCRED, [`PeerCredsError::Os`] when the
    /// kernel refuses.
    pub fn get_peer_creds(&self) -> Result<PeerCreds, PeerCredsError> {
        self.family
            .get_or_init(|| lookup::check_unix_socket(&self.sock))
            .clone()?;
        if !self.enabled {
            return Err(PeerCredsError::Disabled);
        }
        self.creds
            .get_or_init(|| lookup::peer_creds(&self.sock))
            .clone()
    }

    /// The peer's process id: cheroot's `peer_pid`.
    ///
    /// # Errors
    ///
    /// As [`get_peer_creds`](Self::get_peer_creds).
    pub fn peer_pid(&self) -> Result<i32, PeerCredsError> {
        self.get_peer_creds().map(|creds| creds.pid)
    }

    /// The peer's user id: cheroot's `peer_uid`.
    ///
    /// # Errors
    ///
    /// As [`get_peer_creds`](Self::get_peer_creds).
    pub fn peer_uid(&self) -> Result<u32, PeerCredsError> {
        self.get_peer_creds().map(|creds| creds.uid)
    }

    /// The peer's group id: cheroot's `peer_gid`.
    ///
    /// # Errors
    ///
    /// As [`get_peer_creds`](Self::get_peer_creds).
    pub fn peer_gid(&self) -> Result<u32, PeerCredsError> {
        self.get_peer_creds().map(|creds| creds.gid)
    }

    /// The peer's `(user, group)` names: cheroot's `resolve_peer_creds()`.
    ///
    /// # Errors
    ///
    /// [`PeerCredsError::ResolveDisabled`] unless both switches are on ("UID/GID lookup is
    /// disabled within this server", checked before anything is looked up), any error of
    /// [`get_peer_creds`](Self::get_peer_creds), [`PeerCredsError::UnknownUser`] or
    /// [`PeerCredsError::UnknownGroup`] naming an id the system databases do not know.
    pub fn resolve_peer_creds(&self) -> Result<(&str, &str), PeerCredsError> {
        if !self.resolve_enabled {
            return Err(PeerCredsError::ResolveDisabled);
        }
        let names = self.names.get_or_init(|| {
            let creds = self.get_peer_creds()?;
            Ok((names::user_name(creds.uid)?, names::group_name(creds.gid)?))
        });
        match names {
            Ok((user, group)) => Ok((user, group)),
            Err(err) => Err(err.clone()),
        }
    }

    /// The peer's user name: cheroot's `peer_user`.
    ///
    /// # Errors
    ///
    /// As [`resolve_peer_creds`](Self::resolve_peer_creds).
    pub fn peer_user(&self) -> Result<&str, PeerCredsError> {
        self.resolve_peer_creds().map(|(user, _)| user)
    }

    /// The peer's group name: cheroot's `peer_group`.
    ///
    /// # Errors
    ///
    /// As [`resolve_peer_creds`](Self::resolve_peer_creds).
    pub fn peer_group(&self) -> Result<&str, PeerCredsError> {
        self.resolve_peer_creds().map(|(_, group)| group)
    }
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use std::os::unix::net::UnixStream;

    use super::ConnPeerCreds;
    use crate::error::PeerCredsError;

    #[test]
    fn resolve_switch_needs_lookups_on() {
        let (a, _b) = UnixStream::pair().expect("socketpair");
        let creds = ConnPeerCreds::new(&a, false, true);
        assert!(!creds.resolve_enabled());
        assert_eq!(creds.peer_user(), Err(PeerCredsError::ResolveDisabled));
        assert_eq!(creds.peer_pid(), Err(PeerCredsError::Disabled));
        assert!(!creds.is_looked_up());
        assert!(!creds.is_resolved());
    }

    #[test]
    fn answers_are_kept() {
        let (a, _b) = UnixStream::pair().expect("socketpair");
        let creds = ConnPeerCreds::new(&a, true, true);
        let first = creds.get_peer_creds().expect("SO_PEERCRED");
        assert!(creds.is_looked_up());
        assert_eq!(creds.get_peer_creds(), Ok(first));
        let user = creds.peer_user().expect("own user").to_owned();
        assert!(creds.is_resolved());
        assert_eq!(
            creds.resolve_peer_creds().map(|(u, _)| u.to_owned()),
            Ok(user)
        );
    }
}
