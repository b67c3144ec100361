//! `plat_specific_errors`: errno names to this platform's numbers, as cheroot resolves them.

use crate::errno_table::LINUX_ERRNO;

/// The number of the errno called `name` on this platform, if it has one.
///
/// ```
/// assert_eq!(cheroot_errors::errno_number("EPIPE"), Some(32));
/// assert_eq!(cheroot_errors::errno_number("WSAEWOULDBLOCK"), None);
/// ```
pub fn errno_number(name: &str) -> Option<i32> {
    LINUX_ERRNO
        .iter()
        .find(|(known, _)| *known == name)
        .map(|&(_, number)| number)
}

/// The numbers of the errno `names` this platform knows, in order, without duplicates; unknown
/// names are skipped.
///
/// cheroot's `plat_specific_errors(*errnames)`: aliases collapse, so on Linux
/// `["EAGAIN", "EWOULDBLOCK"]` gives the one number `[11]`.
///
/// ```
/// let nums = cheroot_errors::plat_specific_errors(&["EPIPE", "no-such-name", "EPIPE"]);
/// assert_eq!(nums, vec![32]);
/// ```
pub fn plat_specific_errors(names: &[&str]) -> Vec<i32> {
    let mut numbers = Vec::with_capacity(names.len());
    for number in names.iter().filter_map(|name| errno_number(name)) {
        if !numbers.contains(&number) {
            numbers.push(number);
        }
    }
    numbers
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io;

    // test_errors.py::test_plat_specific_errors (both parameter sets, Linux expectations).
    #[test]
    fn plat_specific_errors_matches_cheroot_on_linux() {
        let table: &[(&[&str], &[i32])] = &[
            (&["", "some-nonsense-name"], &[]),
            (
                &[
                    "EPROTOTYPE",
                    "EAGAIN",
                    "EWOULDBLOCK",
                    "WSAEWOULDBLOCK",
                    "EPIPE",
                ],
                &[91, 11, 32],
            ),
        ];
        for (names, expected) in table {
            let mut got = plat_specific_errors(names);
            let mut want = expected.to_vec();
            got.sort_unstable();
            want.sort_unstable();
            assert_eq!(got, want, "names {names:?}");
        }
    }

    #[test]
    fn order_of_first_appearance_is_kept() {
        assert_eq!(
            plat_specific_errors(&["EPIPE", "EINTR", "EPIPE"]),
            vec![32, 4]
        );
    }

    #[test]
    fn names_are_case_sensitive_like_pythons_errno_module() {
        assert_eq!(errno_number("epipe"), None);
        assert_eq!(errno_number("EPIPE"), Some(32));
    }

    #[test]
    fn table_has_no_conflicting_duplicates() {
        for (i, (name, number)) in LINUX_ERRNO.iter().enumerate() {
            for (other, other_number) in &LINUX_ERRNO[i + 1..] {
                assert!(
                    name != other || number == other_number,
                    "{name} listed twice"
                );
            }
        }
    }

    // The table is hand-kept; std maps raw OS errors to kinds through the real libc, so every
    // entry std knows about must agree with it. This catches a wrong number on this platform.
    #[test]
    fn table_agrees_with_the_platform_libc() {
        let checks: &[(&str, io::ErrorKind)] = &[
            ("EPERM", io::ErrorKind::PermissionDenied),
            ("ENOENT", io::ErrorKind::NotFound),
            ("EINTR", io::ErrorKind::Interrupted),
            ("EAGAIN", io::ErrorKind::WouldBlock),
            ("EWOULDBLOCK", io::ErrorKind::WouldBlock),
            ("ENOMEM", io::ErrorKind::OutOfMemory),
            ("EACCES", io::ErrorKind::PermissionDenied),
            ("EEXIST", io::ErrorKind::AlreadyExists),
            ("EINVAL", io::ErrorKind::InvalidInput),
            ("EPIPE", io::ErrorKind::BrokenPipe),
            ("EADDRINUSE", io::ErrorKind::AddrInUse),
            ("EADDRNOTAVAIL", io::ErrorKind::AddrNotAvailable),
            ("ENETDOWN", io::ErrorKind::NetworkDown),
            ("ENETUNREACH", io::ErrorKind::NetworkUnreachable),
            ("ECONNABORTED", io::ErrorKind::ConnectionAborted),
            ("ECONNRESET", io::ErrorKind::ConnectionReset),
            ("ENOTCONN", io::ErrorKind::NotConnected),
            ("ETIMEDOUT", io::ErrorKind::TimedOut),
            ("ECONNREFUSED", io::ErrorKind::ConnectionRefused),
            ("EHOSTUNREACH", io::ErrorKind::HostUnreachable),
            ("ENOSYS", io::ErrorKind::Unsupported),
        ];
        for (name, kind) in checks {
            let number = errno_number(name).unwrap_or(-1);
            assert_eq!(
                io::Error::from_raw_os_error(number).kind(),
                *kind,
                "{name} = {number}"
            );
        }
    }
}
