//! The one error type of peer-credential lookups, with cheroot's messages.

use std::error::Error;
use std::fmt;
use std::io;

/// Why peer credentials or their names could not be had.
///
/// The messages of [`Disabled`](Self::Disabled) and
/// [`ResolveDisabled`](Self::ResolveDisabled) are cheroot's `RuntimeError` texts word for word.
/// [`is_not_implemented`](Self::is_not_implemented) tells the cases where cheroot raises
/// `NotImplementedError` from those where it raises `RuntimeError` (or `KeyError` for an
/// unknown id).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum PeerCredsError {
    /// The socket is not a UNIX domain socket (TCP, UDP, ...): there is no peer process to ask
    /// about. cheroot raises `NotImplementedError`.
    NotUnixSocket,
    /// This platform has no SO_PEERCRED (anything but Linux and Android), or no user database
    /// to resolve names with (anything but UNIX). cheroot raises `NotImplementedError`.
    Unsupported,
    /// The server was built with `peercreds_enabled` off.
    Disabled,
    /// A user or group name was asked for with `peercreds_resolve_enabled` off (or with
    /// `peercreds_enabled` off: resolution needs both).
    ResolveDisabled,
    /// No user has this uid in the system's user database. cheroot raises `KeyError`.
    UnknownUser(u32),
    /// No group has this gid in the system's group database. cheroot raises `KeyError`.
    UnknownGroup(u32),
    /// A system call failed.
    Os {
        /// What was called (`getsockname`, `getsockopt(SO_PEERCRED)`, `getpwuid_r`, ...).
        call: &'static str,
        /// The `errno` it failed with.
        errno: i32,
    },
}

impl PeerCredsError {
    /// Whether cheroot raises `NotImplementedError` here (the socket or platform cannot have
    /// peer credentials at all) rather than `RuntimeError` or `KeyError`.
    pub fn is_not_implemented(&self) -> bool {
        matches!(self, Self::NotUnixSocket | Self::Unsupported)
    }

    /// Whether a server switch refused the lookup ([`Disabled`](Self::Disabled) or
    /// [`ResolveDisabled`](Self::ResolveDisabled)).
    pub fn is_disabled(&self) -> bool {
        matches!(self, Self::Disabled | Self::ResolveDisabled)
    }

    /// The `errno` of a failed system call.
    pub fn raw_os_error(&self) -> Option<i32> {
        match self {
            Self::Os { errno, .. } => Some(*errno),
            _ => None,
        }
    }
}

impl fmt::Display for PeerCredsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NotUnixSocket => {
                f.write_str("SO_PEERCRED is only supported on UNIX domain sockets")
            }
            Self::Unsupported => {
                f.write_str("SO_PEERCRED is only supported in Linux kernel and WSL")
            }
            Self::Disabled => f.write_str("Peer creds lookup is disabled within this server"),
            Self::ResolveDisabled => f.write_str("UID/GID lookup is disabled within this server"),
            // Python's `pwd`/`grp` KeyError texts: they name the id.
            Self::UnknownUser(uid) => write!(f, "getpwuid(): uid not found: {uid}"),
            Self::UnknownGroup(gid) => write!(f, "getgrgid(): gid not found: {gid}"),
            Self::Os { call, errno } => {
                write!(f, "{call} failed: {}", io::Error::from_raw_os_error(*errno))
            }
        }
    }
}

impl Error for PeerCredsError {}

impl From<PeerCredsError> for io::Error {
    fn from(err: PeerCredsError) -> Self {
        let kind = match &err {
            PeerCredsError::NotUnixSocket | PeerCredsError::Unsupported => {
                io::ErrorKind::Unsupported
            }
            PeerCredsError::Disabled | PeerCredsError::ResolveDisabled => {
                io::ErrorKind::PermissionDenied
            }
            PeerCredsError::UnknownUser(_) | PeerCredsError::UnknownGroup(_) => {
                io::ErrorKind::NotFound
            }
            PeerCredsError::Os { errno, .. } => io::Error::from_raw_os_error(*errno).kind(),
        };
        io::Error::new(kind, err)
    }
}

#[cfg(test)]
mod tests {
    use super::PeerCredsError;

    #[test]
    fn messages_are_cheroots_and_name_the_id() {
        let table = [
            (
                PeerCredsError::Disabled,
                "Peer creds lookup is disabled within this server",
            ),
            (
                PeerCredsError::ResolveDisabled,
                "UID/GID lookup is disabled within this server",
            ),
            (
                PeerCredsError::UnknownUser(4242),
                "getpwuid(): uid not found: 4242",
            ),
            (
                PeerCredsError::UnknownGroup(77),
                "getgrgid(): gid not found: 77",
            ),
        ];
        for (err, text) in table {
            assert_eq!(err.to_string(), text);
        }
    }

    #[test]
    fn classes_follow_cheroot() {
        assert!(PeerCredsError::NotUnixSocket.is_not_implemented());
        assert!(PeerCredsError::Unsupported.is_not_implemented());
        assert!(!PeerCredsError::Disabled.is_not_implemented());
        assert!(PeerCredsError::Disabled.is_disabled());
        assert!(PeerCredsError::ResolveDisabled.is_disabled());
        let os = PeerCredsError::Os {
            call: "getsockname",
            errno: 9,
        };
        assert_eq!(os.raw_os_error(), Some(9));
        assert!(os.to_string().starts_with("getsockname failed: "));
    }
}
