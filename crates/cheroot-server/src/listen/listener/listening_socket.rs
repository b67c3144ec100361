//! `ListeningSocket`: a socket bound and listening without a runtime, made once by a process
//! supervisor and served by every worker process it forks.

use std::io;
use std::os::fd::{AsFd, BorrowedFd};

use socket2::Socket;

use super::{ListenOptions, systemd, tcp, unix};
use crate::listen::bind::BindAddr;

/// A bound, listening socket not tied to any tokio runtime.
///
/// A supervisor binds it before forking; each worker passes it to its server in
/// [`ServerConfig::listening_socket`](crate::ServerConfig::listening_socket), and the server
/// serves a duplicate of the descriptor. Every process accepts from the one kernel queue, so a
/// worker that stops (or is replaced) loses no connection the others can take, and the path of
/// a UNIX socket is never unlinked by a worker.
#[derive(Debug)]
pub struct ListeningSocket {
    socket: Socket,
    bind_addr: BindAddr,
    activated: bool,
}

impl ListeningSocket {
    /// Binds `addr` as [`HttpServer::prepare`](crate::HttpServer::prepare) does (adopting the socket
    /// systemd passed, if any), without a runtime.
    ///
    /// # Errors
    ///
    /// As `prepare`: the bind or listen error, with cheroot's "No socket could be
    /// created" message when no address could be bound.
    pub fn bind(addr: &BindAddr, opts: &ListenOptions) -> io::Result<ListeningSocket> {
        if let Some(socket) = systemd::take_activated_socket()? {
            let adopted = ListeningSocket::adopt(socket, opts)?;
            tracing::info!(
                "listening on the socket passed by systemd ({}) instead of {addr}",
                adopted.bind_addr
            );
            return Ok(adopted);
        }
        let (socket, bind_addr) = match addr {
            BindAddr::Tcp { host, port } => {
                let listener = tcp::bind(host, *port, opts)?;
                let port = listener.local_addr()?.port();
                let bind_addr = BindAddr::Tcp {
                    host: host.clone(),
                    port,
                };
                (Socket::from(listener), bind_addr)
            }
            BindAddr::Unix(_) | BindAddr::Abstract(_) => {
                (Socket::from(unix::bind(addr, opts)?), addr.clone())
            }
        };
        Ok(ListeningSocket {
            socket,
            bind_addr,
            activated: false,
        })
    }

    /// A listening socket handed over by systemd (or a test): made ready (close-on-exec,
    /// nonblocking, listening) and its real family and address read back.
    pub(super) fn adopt(socket: Socket, opts: &ListenOptions) -> io::Result<ListeningSocket> {
        let (inherited, bind_addr) = systemd::prepare_inherited(socket, opts)?;
        let socket = match inherited {
            systemd::Inherited::Tcp(l) => Socket::from(l),
            systemd::Inherited::Unix(l) => Socket::from(l),
        };
        Ok(ListeningSocket {
            socket,
            bind_addr,
            activated: true,
        })
    }

    /// The address listened on, with port 0 resolved to the port the kernel chose.
    pub fn bind_addr(&self) -> &BindAddr {
        &self.bind_addr
    }

    /// Whether this socket came from systemd socket activation.
    pub fn is_activated(&self) -> bool {
        self.activated
    }

    /// A second descriptor for the same socket (close-on-exec), for a server to own.
    pub(super) fn duplicate(&self) -> io::Result<ListeningSocket> {
        Ok(ListeningSocket {
            socket: self.socket.try_clone()?,
            bind_addr: self.bind_addr.clone(),
            activated: self.activated,
        })
    }

    pub(super) fn into_parts(self) -> (Socket, BindAddr, bool) {
        (self.socket, self.bind_addr, self.activated)
    }
}

impl AsFd for ListeningSocket {
    fn as_fd(&self) -> BorrowedFd<'_> {
        self.socket.as_fd()
    }
}
