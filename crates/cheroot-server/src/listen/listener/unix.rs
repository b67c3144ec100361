//! Binding a UNIX listener: a socket file (a stale one removed, a live one never; mode 0o777)
//! or an abstract name.

use std::ffi::OsStr;
use std::io;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::FileTypeExt;
use std::path::Path;

use nix::sys::stat::{Mode, fchmod};
use socket2::{Domain, SockAddr, Socket, Type};

use super::{ListenOptions, no_socket_error};
use crate::listen::bind::BindAddr;

/// Binds a UNIX path or abstract address; a nonblocking, listening socket.
pub(super) fn bind(
    addr: &BindAddr,
    opts: &ListenOptions,
) -> io::Result<std::os::unix::net::UnixListener> {
    if opts.reuse_port {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("Cannot reuse a non-IP socket: reuse_port needs a TCP address, not {addr}"),
        ));
    }
    bind_inner(addr, opts).map_err(|e| no_socket_error(vec![(addr.to_string(), e)]))
}

fn bind_inner(
    addr: &BindAddr,
    opts: &ListenOptions,
) -> io::Result<std::os::unix::net::UnixListener> {
    let sockaddr = match addr {
        // Binding an empty address makes Linux pick an abstract name ("autobind"): a server
        // nobody can find.
        BindAddr::Unix(path) if path.as_os_str().is_empty() => {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "an empty UNIX socket path would bind an auto-named abstract socket",
            ));
        }
        BindAddr::Abstract(name) if name.is_empty() => {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "an empty abstract socket name would bind an auto-named one",
            ));
        }
        BindAddr::Unix(path) => {
            remove_stale_socket(path)?;
            SockAddr::unix(path)?
        }
        BindAddr::Abstract(name) => {
            // A leading NUL byte makes the name abstract (Linux): no file, no permissions.
            let mut raw = Vec::with_capacity(name.len() + 1);
            raw.push(0);
            raw.extend_from_slice(name);
            SockAddr::unix(OsStr::from_bytes(&raw))?
        }
        BindAddr::Tcp { .. } => {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "not a UNIX address",
            ));
        }
    };
    let socket = Socket::new(Domain::UNIX, Type::STREAM, None)?;
    if matches!(addr, BindAddr::Unix(_)) {
        // Linux gives the socket file the socket's mode less the umask, so setting it before
        // the bind leaves no moment where the file has the wrong mode (cheroot does the same).
        if let Err(e) = fchmod(&socket, Mode::from_bits_truncate(0o777)) {
            tracing::warn!("Failed to set socket fs mode permissions: {e}");
        }
    }
    socket.bind(&sockaddr)?;
    socket.listen(opts.backlog())?;
    socket.set_nonblocking(true)?;
    Ok(socket.into())
}

/// Removes a socket file left by an earlier run. Anything that is not a socket is left alone
/// (cheroot unlinks whatever is there; deleting a user's regular file by mistake is worse than
/// a failed bind), and so is a socket a server still answers on: unlinking it would leave that
/// server running and unreachable, its clients silently moved to us.
fn remove_stale_socket(path: &Path) -> io::Result<()> {
    match std::fs::symlink_metadata(path) {
        Ok(meta) if meta.file_type().is_socket() => {
            if someone_listens(path)? {
                return Err(io::Error::new(
                    io::ErrorKind::AddrInUse,
                    "address already in use: a server answers on this socket",
                ));
            }
            std::fs::remove_file(path)
        }
        Ok(_) => Err(io::Error::new(
            io::ErrorKind::AlreadyExists,
            "the path exists and is not a socket; not removing it",
        )),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(e),
    }
}

/// Whether a server listens on the socket file at `path`. The connect is nonblocking, so a
/// live server with a full backlog (`EAGAIN`) counts as live instead of stalling the start;
/// only "connection refused" (nobody listens) or the file vanishing means stale.
fn someone_listens(path: &Path) -> io::Result<bool> {
    let probe = Socket::new(Domain::UNIX, Type::STREAM, None)?;
    probe.set_nonblocking(true)?;
    match probe.connect(&SockAddr::unix(path)?) {
        Ok(()) => Ok(true),
        Err(e) if e.kind() == io::ErrorKind::WouldBlock => Ok(true),
        Err(e)
            if matches!(
                e.kind(),
                io::ErrorKind::ConnectionRefused | io::ErrorKind::NotFound
            ) =>
        {
            Ok(false)
        }
        Err(e) => Err(e),
    }
}
