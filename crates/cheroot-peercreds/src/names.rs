//! Turning a uid or gid into a name through the system's user and group databases.
//!
//! cheroot calls Python's `pwd.getpwuid` and `grp.getgrgid`. Here it is
//! `nix::unistd::{User, Group}`, which call the reentrant `getpwuid_r` and `getgrgid_r` of the C
//! library, so NSS sources (LDAP, sssd, systemd-userdb) answer as they do for `id(1)`.

use crate::error::PeerCredsError;

/// The name of the user with this uid (`pw_name`).
///
/// # Errors
///
/// [`PeerCredsError::UnknownUser`] naming the uid when no user has it,
/// [`PeerCredsError::Os`] when the lookup itself fails, [`PeerCredsError::Unsupported`] off
/// UNIX.
pub fn user_name(uid: u32) -> Result<String, PeerCredsError> {
    sys::user_name(uid)
}

/// The name of the group with this gid (`gr_name`).
///
/// # Errors
///
/// [`PeerCredsError::UnknownGroup`] naming the gid when no group has it,
/// [`PeerCredsError::Os`] when the lookup itself fails, [`PeerCredsError::Unsupported`] off
/// UNIX.
pub fn group_name(gid: u32) -> Result<String, PeerCredsError> {
    sys::group_name(gid)
}

#[cfg(unix)]
mod sys {
    use nix::unistd::{Gid, Group, Uid, User};

    use crate::error::PeerCredsError;

    pub(super) fn user_name(uid: u32) -> Result<String, PeerCredsError> {
        match User::from_uid(Uid::from_raw(uid)) {
            Ok(Some(user)) => Ok(user.name),
            Ok(None) => Err(PeerCredsError::UnknownUser(uid)),
            Err(errno) => Err(PeerCredsError::Os {
                call: "getpwuid_r",
                errno: errno as i32,
            }),
        }
    }

    pub(super) fn group_name(gid: u32) -> Result<String, PeerCredsError> {
        match Group::from_gid(Gid::from_raw(gid)) {
            Ok(Some(group)) => Ok(group.name),
            Ok(None) => Err(PeerCredsError::UnknownGroup(gid)),
            Err(errno) => Err(PeerCredsError::Os {
                call: "getgrgid_r",
                errno: errno as i32,
            }),
        }
    }
}

#[cfg(not(unix))]
mod sys {
    use crate::error::PeerCredsError;

    pub(super) fn user_name(_uid: u32) -> Result<String, PeerCredsError> {
        Err(PeerCredsError::Unsupported)
    }

    pub(super) fn group_name(_gid: u32) -> Result<String, PeerCredsError> {
        Err(PeerCredsError::Unsupported)
    }
}

#[cfg(all(test, unix))]
mod tests {
    use nix::unistd::{Group, User, getgid, getuid};

    use super::{group_name, user_name};
    use crate::error::PeerCredsError;

    #[test]
    fn own_ids_resolve_as_nix_does() {
        let user = User::from_uid(getuid())
            .expect("getpwuid_r")
            .expect("a user for our uid");
        assert_eq!(user_name(getuid().as_raw()), Ok(user.name));
        let group = Group::from_gid(getgid())
            .expect("getgrgid_r")
            .expect("a group for our gid");
        assert_eq!(group_name(getgid().as_raw()), Ok(group.name));
    }

    #[test]
    fn unknown_ids_are_named_in_the_error() {
        // Far above any id a system hands out, and not (uid_t)-1, which means "no change".
        let id = 4_000_000_123;
        let uid = nix::unistd::Uid::from_raw(id);
        assert_eq!(
            User::from_uid(uid),
            Ok(None),
            "precondition: no user has uid {id}"
        );
        assert_eq!(user_name(id), Err(PeerCredsError::UnknownUser(id)));
        assert!(
            user_name(id)
                .unwrap_err()
                .to_string()
                .contains("4000000123")
        );
        let gid = nix::unistd::Gid::from_raw(id);
        assert_eq!(
            Group::from_gid(gid),
            Ok(None),
            "precondition: no group has gid {id}"
        );
        assert_eq!(group_name(id), Err(PeerCredsError::UnknownGroup(id)));
    }
}
