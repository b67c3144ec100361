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
use crate::listen::bind::BindAddr;

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
    use std::io::Read;
    use std::os::fd::{AsRawFd, IntoRawFd};
    use std::os::unix::process::CommandExt;
    use std::process::{Command, Stdio};
    use std::time::Duration;

    use crate::listen::listener::{ListenOptions, Listener};

    /// Set in the child process: what `Listener::bind` should find (`host:port`, or `none`).
    const CHILD_ENV: &str = "CHEROOT_TEST_SYSTEMD_CHILD";
    const TEST_NAME: &str = "listen::listener::systemd::tests::activation_end_to_end";

    /// Runs this test binary again as a socket-activated child: the listening socket as fd 3,
    /// `LISTEN_PID` set by the shell to its own pid, which `exec` keeps.
    fn run_child(socket: &std::net::TcpListener, listen_pid: &str, expect: &str) -> String {
        let fd = socket.as_raw_fd();
        let script = format!(r#"LISTEN_PID={listen_pid} LISTEN_FDS=1 exec "$0" "$@""#);
        let mut cmd = Command::new("/bin/sh");
        cmd.arg("-c")
            .arg(script)
            .arg(std::env::current_exe().unwrap())
            .args([TEST_NAME, "--exact", "--nocapture", "--test-threads=1"])
            .env(CHILD_ENV, expect)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        // SAFETY: the closure runs in the forked child before exec and only calls `dup2` or
        // `fcntl`, which are async-signal-safe and allocate nothing.
        unsafe {
            cmd.pre_exec(move || {
                if fd == LISTEN_FDS_START {
                    // Already fd 3: only clear close-on-exec.
                    fcntl(
                        BorrowedFd::borrow_raw(fd),
                        FcntlArg::F_SETFD(nix::fcntl::FdFlag::empty()),
                    )?;
                } else {
                    // dup2 gives fd 3 without close-on-exec; the child owns it from here.
                    let three = OwnedFd::from_raw_fd(LISTEN_FDS_START);
                    let _ = nix::unistd::dup2_raw(BorrowedFd::borrow_raw(fd), three)?.into_raw_fd();
                }
                Ok(())
            });
        }
        let mut child = cmd.spawn().unwrap();
        let mut out = String::new();
        child
            .stdout
            .take()
            .unwrap()
            .read_to_string(&mut out)
            .unwrap();
        child
            .stderr
            .take()
            .unwrap()
            .read_to_string(&mut out)
            .unwrap();
        let status = child.wait().unwrap();
        assert!(status.success(), "child failed:\n{out}");
        out
    }

    /// In the child: bind with an address that cannot work, so only activation can succeed.
    fn child(expect: &str) {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let _guard = rt.enter();
        let nowhere = BindAddr::Unix("/nonexistent-cheroot-dir/x.sock".into());
        let any = BindAddr::Tcp {
            host: "127.0.0.1".to_owned(),
            port: 0,
        };
        if expect == "none" {
            let l = Listener::bind(&any, &ListenOptions::default()).unwrap();
            assert!(
                !l.is_activated(),
                "LISTEN_PID of another process is ignored"
            );
            println!("child: not activated");
            return;
        }
        let l = Listener::bind(&nowhere, &ListenOptions::default()).unwrap();
        assert!(l.is_activated());
        assert_eq!(l.local_bind_addr().to_string(), expect);
        // fd 3 is adopted once: the next bind is an ordinary one.
        let again = Listener::bind(&any, &ListenOptions::default()).unwrap();
        assert!(!again.is_activated());
        rt.block_on(async {
            use tokio::io::AsyncWriteExt;
            let accepted = tokio::time::timeout(Duration::from_secs(30), l.accept()).await;
            let (mut s, _) = accepted.expect("the parent's connection").unwrap();
            s.write_all(b"pong").await.unwrap();
        });
        println!("child: activated on {expect}");
    }

    #[test]
    fn activation_end_to_end() {
        if let Ok(expect) = std::env::var(CHILD_ENV) {
            return child(&expect);
        }
        let socket = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = socket.local_addr().unwrap();
        // The backlog takes the connection before the child accepts it.
        let mut client = std::net::TcpStream::connect(addr).unwrap();
        client
            .set_read_timeout(Some(Duration::from_secs(30)))
            .unwrap();
        let out = run_child(&socket, "$$", &addr.to_string());
        assert!(
            out.contains(&format!("child: activated on {addr}")),
            "{out}"
        );
        let mut got = [0u8; 4];
        client.read_exact(&mut got).unwrap();
        assert_eq!(&got, b"pong");

        let out = run_child(&socket, "1", "none");
        assert!(out.contains("child: not activated"), "{out}");
    }

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
