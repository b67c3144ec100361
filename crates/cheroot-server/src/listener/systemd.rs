//! systemd socket activation: adopting the listening socket passed as fd 3, whatever its
//! family.
//!
//! cheroot takes fd 3 as IPv4 TCP whenever `LISTEN_PID` is set. Here the protocol of
//! `sd_listen_fds(3)` is followed: `LISTEN_PID` must be this process's id (so a child that
//! inherited the environment ignores it), `LISTEN_FDS` must be at least 1, and the socket's
//! family is read with `getsockname()`.
//!
//! The variables are not unset after use, unlike `sd_listen_fds(1)`: changing the environment
//! of a multi-threaded process is unsound (`std::env::remove_var` is `unsafe` for that reason),
//! and the `LISTEN_PID` check already makes children ignore them. Instead fd 3 is adopted at
//! most once per process.
#![allow(
    unsafe_code,
    reason = "adopting fd 3 from systemd is taking ownership of a raw descriptor"
)]

use std::io;
use std::os::fd::{BorrowedFd, FromRawFd, OwnedFd, RawFd};
use std::sync::atomic::{AtomicBool, Ordering};

use nix::fcntl::{FcntlArg, fcntl};
use socket2::{Socket, Type};

use super::ListenOptions;
use crate::bind::BindAddr;

/// The first descriptor systemd passes (`SD_LISTEN_FDS_START`).
const LISTEN_FDS_START: RawFd = 3;

/// Set once fd 3 has been adopted, so no second `OwnedFd` for it can exist.
static ADOPTED: AtomicBool = AtomicBool::new(false);

/// A socket handed over by the service manager, ready for tokio.
#[derive(Debug)]
pub(super) enum Inherited {
    Tcp(std::net::TcpListener),
    Unix(std::os::unix::net::UnixListener),
}

/// Decides from `LISTEN_PID` and `LISTEN_FDS` whether this process was socket-activated;
/// returns the descriptor to use. Activation meant for another process, or malformed
/// variables, mean no activation (with a log line saying why).
pub(super) fn activated_fd(
    listen_pid: Option<&str>,
    listen_fds: Option<&str>,
    our_pid: u32,
) -> Option<RawFd> {
    let listen_pid = listen_pid?;
    match listen_pid.trim().parse::<u32>() {
        Ok(pid) if pid == our_pid => {}
        Ok(_) => {
            tracing::debug!("LISTEN_PID={listen_pid} is another process: no socket activation");
            return None;
        }
        Err(_) => {
            tracing::warn!("ignoring malformed LISTEN_PID={listen_pid:?}");
            return None;
        }
    }
    let Some(listen_fds) = listen_fds else {
        tracing::warn!("LISTEN_PID is set but LISTEN_FDS is not: no socket activation");
        return None;
    };
    match listen_fds.trim().parse::<u32>() {
        Ok(0) => None,
        Ok(n) => {
            if n > 1 {
                tracing::warn!("LISTEN_FDS={n}: only the first socket (fd 3) is used");
            }
            Some(LISTEN_FDS_START)
        }
        Err(_) => {
            tracing::warn!("ignoring malformed LISTEN_FDS={listen_fds:?}");
            None
        }
    }
}

/// Adopts fd 3 if the environment says systemd passed it to this process and it has not been
/// adopted already.
pub(super) fn take_activated_socket() -> io::Result<Option<Socket>> {
    let pid = std::env::var("LISTEN_PID").ok();
    let fds = std::env::var("LISTEN_FDS").ok();
    let Some(fd) = activated_fd(pid.as_deref(), fds.as_deref(), std::process::id()) else {
        return Ok(None);
    };
    if ADOPTED.swap(true, Ordering::SeqCst) {
        tracing::debug!("the activated socket is already in use: binding normally");
        return Ok(None);
    }
    // SAFETY: the borrow lives only for this `fcntl` call, which just asks whether the
    // descriptor is open; a closed descriptor gives EBADF, not undefined behaviour.
    let open = fcntl(unsafe { BorrowedFd::borrow_raw(fd) }, FcntlArg::F_GETFD).is_ok();
    if !open {
        return Err(io::Error::new(
            io::ErrorKind::NotFound,
            format!("systemd socket activation: LISTEN_FDS is set but fd {fd} is not open"),
        ));
    }
    // SAFETY: by the socket activation protocol, checked above (LISTEN_PID is our pid), fd 3
    // was passed to this process by the service manager for its use; no other part of the
    // process opened it or claims it, and `ADOPTED` makes this the only `OwnedFd` for it.
    let owned = unsafe { OwnedFd::from_raw_fd(fd) };
    Ok(Some(Socket::from(owned)))
}

/// Makes an inherited socket ready: close-on-exec, nonblocking, listening, and its real
/// family and address read back.
pub(super) fn prepare_inherited(
    socket: Socket,
    opts: &ListenOptions,
) -> io::Result<(Inherited, BindAddr)> {
    if socket.r#type()? != Type::STREAM {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "systemd socket activation: the passed socket is not a stream socket",
        ));
    }
    socket.set_cloexec(true)?;
    socket.set_nonblocking(true)?;
    if !socket.is_listener()? {
        socket.listen(opts.backlog())?;
    }
    let local = socket.local_addr()?;
    if let Some(addr) = local.as_socket() {
        if opts.nodelay {
            socket.set_tcp_nodelay(true)?;
        }
        let bind_addr = BindAddr::Tcp {
            host: addr.ip().to_string(),
            port: addr.port(),
        };
        return Ok((Inherited::Tcp(socket.into()), bind_addr));
    }
    if local.is_unix() {
        let bind_addr = if let Some(path) = local.as_pathname() {
            BindAddr::Unix(path.to_path_buf())
        } else if let Some(name) = local.as_abstract_namespace() {
            BindAddr::Abstract(name.to_vec())
        } else {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "systemd socket activation: the passed UNIX socket is not bound to a name",
            ));
        };
        return Ok((Inherited::Unix(socket.into()), bind_addr));
    }
    Err(io::Error::new(
        io::ErrorKind::InvalidInput,
        format!(
            "systemd socket activation: unsupported socket family {}",
            local.family()
        ),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn env_rules() {
        let me = 4242;
        let table: &[(Option<&str>, Option<&str>, Option<RawFd>)] = &[
            (None, None, None),
            (None, Some("1"), None),
            (Some("4242"), Some("1"), Some(3)),
            (Some(" 4242 "), Some("2"), Some(3)),
            (Some("4243"), Some("1"), None),
            (Some("4242"), Some("0"), None),
            (Some("4242"), None, None),
            (Some("4242"), Some("x"), None),
            (Some("pid"), Some("1"), None),
            (Some(""), Some("1"), None),
        ];
        for &(pid, fds, want) in table {
            assert_eq!(activated_fd(pid, fds, me), want, "{pid:?} {fds:?}");
        }
    }
}
