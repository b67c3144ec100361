//! `Listener`: a bound, listening socket (TCP, UNIX path, abstract or systemd-activated),
//! registered with tokio, and the options it is made with.

mod listening_socket;
mod stream;
mod systemd;
mod tcp;
mod unix;

use std::fmt;
use std::io;
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, RawFd};
use std::task::{Context, Poll};

use tokio::net::{TcpListener, UnixListener};

use crate::listen::bind::BindAddr;

pub use listening_socket::ListeningSocket;
pub use stream::PeerAddr;
pub(crate) use stream::{Stream, StreamWriteHalf};

/// How a listening socket is set up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListenOptions {
    /// The `listen()` backlog (cheroot's `request_queue_size`, default
    /// [`DEFAULT_BACKLOG`](crate::DEFAULT_BACKLOG), 1024; cheroot's is 5).
    pub backlog: u32,
    /// Set `TCP_NODELAY` on the listener and on every accepted TCP connection (cheroot's
    /// `nodelay`, default true). Ignored for UNIX sockets.
    pub nodelay: bool,
    /// Set `SO_REUSEPORT`, so several processes can listen on one port (cheroot's
    /// `reuse_port`, default false). Needs an IP address and a fixed port.
    pub reuse_port: bool,
}

impl Default for ListenOptions {
    fn default() -> Self {
        ListenOptions {
            backlog: crate::config::DEFAULT_BACKLOG,
            nodelay: true,
            reuse_port: false,
        }
    }
}

impl ListenOptions {
    /// The backlog as `listen()` takes it.
    fn backlog(&self) -> i32 {
        i32::try_from(self.backlog).unwrap_or(i32::MAX)
    }
}

/// A listening socket registered with the tokio runtime it was made in.
///
/// Every socket it owns, and every connection it accepts, has `FD_CLOEXEC` set, so a child
/// process never inherits them.
pub(crate) struct Listener {
    kind: Kind,
    bind_addr: BindAddr,
    nodelay: bool,
    activated: bool,
}

enum Kind {
    Tcp(TcpListener),
    Unix(UnixListener),
}

impl Listener {
    /// Binds and listens on `addr`, unless systemd socket activation passed this process a
    /// listening socket: then that socket (fd 3) is used and `addr` is ignored, as cheroot does.
    ///
    /// Activation applies when `LISTEN_PID` is this process's id and `LISTEN_FDS` is at least
    /// 1; fd 3 is adopted once per process. Its real family (TCP v4/v6 or UNIX) is read from
    /// the socket.
    ///
    /// A TCP host name is resolved and each address tried in turn; `::`, `::0` and `::0.0.0.0`
    /// listen dual-stack. `SO_REUSEADDR` is set except for port 0. A UNIX socket path that
    /// holds a stale socket is removed first (anything else there is left alone and the bind
    /// fails); the socket is made mode 0o777 (less the umask) before the bind, as cheroot does.
    ///
    /// Must be called inside a tokio runtime (`Handle::enter` will do): the socket is
    /// registered with its reactor.
    ///
    /// # Errors
    ///
    /// - `InvalidInput` for `reuse_port` with port 0 or a UNIX address, or no runtime;
    /// - otherwise the bind or listen error. When no address could be bound, the message is
    ///   cheroot's `No socket could be created -- (addr: err) ...`, naming each address tried.
    pub(crate) fn bind(addr: &BindAddr, opts: &ListenOptions) -> io::Result<Listener> {
        ensure_runtime()?;
        Listener::register(ListeningSocket::bind(addr, opts)?, opts)
    }

    /// Serves a duplicate of `socket`, bound by a supervisor process before it forked this
    /// one.
    ///
    /// # Errors
    ///
    /// The descriptor cannot be duplicated or set up, or there is no runtime.
    pub(crate) fn from_listening_socket(
        socket: &ListeningSocket,
        opts: &ListenOptions,
    ) -> io::Result<Listener> {
        ensure_runtime()?;
        Listener::register(socket.duplicate()?, opts)
    }

    /// Registers a bound, listening, nonblocking socket with the current runtime.
    fn register(socket: ListeningSocket, opts: &ListenOptions) -> io::Result<Listener> {
        let (socket, bind_addr, activated) = socket.into_parts();
        let kind = if bind_addr.is_unix() {
            Kind::Unix(UnixListener::from_std(socket.into())?)
        } else {
            Kind::Tcp(TcpListener::from_std(socket.into())?)
        };
        Ok(Listener {
            kind,
            bind_addr,
            nodelay: opts.nodelay,
            activated,
        })
    }

    /// The address really listened on: the requested one with port 0 replaced by the port the
    /// kernel chose; for an activated socket, the socket's own address.
    pub(crate) fn local_bind_addr(&self) -> BindAddr {
        self.bind_addr.clone()
    }

    /// Whether this socket came from systemd socket activation.
    #[cfg(test)]
    pub(crate) fn is_activated(&self) -> bool {
        self.activated
    }

    /// Waits for the next connection. A TCP connection gets `TCP_NODELAY` when the options
    /// asked for it.
    ///
    /// # Errors
    ///
    /// The `accept()` error (e.g. `EMFILE`, or an aborted connection); the listener stays
    /// usable.
    pub(crate) async fn accept(&self) -> io::Result<(Stream, PeerAddr)> {
        std::future::poll_fn(|cx| self.poll_accept(cx)).await
    }

    /// Polls for the next connection, as [`accept`](Self::accept) does.
    ///
    /// # Errors
    ///
    /// As [`accept`](Self::accept).
    pub(crate) fn poll_accept(&self, cx: &mut Context<'_>) -> Poll<io::Result<(Stream, PeerAddr)>> {
        match &self.kind {
            Kind::Tcp(l) => l.poll_accept(cx).map_ok(|(s, peer)| {
                if self.nodelay {
                    // The peer may already be gone; the read or write will say so.
                    if let Err(e) = s.set_nodelay(true) {
                        tracing::debug!("cannot set TCP_NODELAY: {e}");
                    }
                }
                (Stream::Tcp(s), PeerAddr::Tcp(peer))
            }),
            Kind::Unix(l) => l
                .poll_accept(cx)
                .map_ok(|(s, _)| (Stream::Unix(s), PeerAddr::Unix)),
        }
    }
}

/// tokio's `from_std` panics outside a runtime; say so as an error instead.
fn ensure_runtime() -> io::Result<()> {
    tokio::runtime::Handle::try_current()
        .map(drop)
        .map_err(|_| {
            io::Error::new(
                io::ErrorKind::InvalidInput,
                "Listener::bind must run inside a tokio runtime (see Handle::enter)",
            )
        })
}

/// cheroot's message when no address could be bound: `No socket could be created -- (addr:
/// err) -- (addr: err)`, keeping the last error's kind.
fn no_socket_error(attempts: Vec<(String, io::Error)>) -> io::Error {
    let mut msg = String::from("No socket could be created");
    let mut kind = io::ErrorKind::AddrNotAvailable;
    for (addr, err) in attempts {
        msg.push_str(&format!(" -- ({addr}: {err})"));
        kind = err.kind();
    }
    io::Error::new(kind, msg)
}

impl AsFd for Listener {
    fn as_fd(&self) -> BorrowedFd<'_> {
        match &self.kind {
            Kind::Tcp(l) => l.as_fd(),
            Kind::Unix(l) => l.as_fd(),
        }
    }
}

impl AsRawFd for Listener {
    fn as_raw_fd(&self) -> RawFd {
        self.as_fd().as_raw_fd()
    }
}

impl fmt::Debug for Listener {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Listener")
            .field("bind_addr", &self.bind_addr)
            .field("fd", &self.as_raw_fd())
            .field("activated", &self.activated)
            .finish()
    }
}

#[cfg(test)]
mod tests;
