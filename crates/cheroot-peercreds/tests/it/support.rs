//! Socket fixtures: connected UNIX pairs of each kind, and what this process's ids are.

use std::io;
use std::net::{TcpListener, TcpStream};
use std::os::linux::net::SocketAddrExt;
use std::os::unix::net::{SocketAddr, UnixListener, UnixStream};
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};

use cheroot_peercreds::PeerCreds;

/// The credentials a peer in this very process has.
pub(crate) fn own_creds() -> PeerCreds {
    PeerCreds {
        pid: i32::try_from(std::process::id()).expect("pid fits pid_t"),
        uid: nix::unistd::getuid().as_raw(),
        gid: nix::unistd::getgid().as_raw(),
    }
}

/// This process's user and group names, as nix reads them.
pub(crate) fn own_names() -> (String, String) {
    let user = nix::unistd::User::from_uid(nix::unistd::getuid())
        .expect("getpwuid_r")
        .expect("a user for our uid");
    let group = nix::unistd::Group::from_gid(nix::unistd::getgid())
        .expect("getgrgid_r")
        .expect("a group for our gid");
    (user.name, group.name)
}

fn unique(kind: &str) -> String {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    format!("cheroot-peercreds-{kind}-{}-{n}", std::process::id())
}

/// A socket file in the temp dir, removed when dropped.
pub(crate) struct SocketFile(pub(crate) PathBuf);

impl Drop for SocketFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// The server side (accepted) and client side of a connection over a bound path socket.
pub(crate) fn path_pair() -> io::Result<(UnixStream, UnixStream, SocketFile)> {
    let file = SocketFile(std::env::temp_dir().join(format!("{}.sock", unique("path"))));
    let listener = UnixListener::bind(&file.0)?;
    let client = UnixStream::connect(&file.0)?;
    let (server, _) = listener.accept()?;
    Ok((server, client, file))
}

/// The server side and client side of a connection over an abstract-namespace socket.
pub(crate) fn abstract_pair() -> io::Result<(UnixStream, UnixStream)> {
    let addr = SocketAddr::from_abstract_name(unique("abstract").as_bytes())?;
    let listener = UnixListener::bind_addr(&addr)?;
    let client = UnixStream::connect_addr(&addr)?;
    let (server, _) = listener.accept()?;
    Ok((server, client))
}

/// The server side and client side of a TCP loopback connection.
pub(crate) fn tcp_pair() -> io::Result<(TcpStream, TcpStream)> {
    let listener = TcpListener::bind("127.0.0.1:0")?;
    let client = TcpStream::connect(listener.local_addr()?)?;
    let (server, _) = listener.accept()?;
    Ok((server, client))
}
