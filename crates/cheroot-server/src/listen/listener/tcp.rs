//! Binding a TCP listener: name resolution, dual-stack `::`, `SO_REUSEADDR`/`SO_REUSEPORT`.

use std::io;
use std::net::{SocketAddr, ToSocketAddrs};

use socket2::{Domain, Protocol, Socket, Type};

use super::{ListenOptions, no_socket_error};

/// The hosts cheroot makes dual-stack (`IPV6_V6ONLY=0`): every form of "any IPv6 address".
const DUAL_STACK_HOSTS: [&str; 3] = ["::", "::0", "::0.0.0.0"];

/// Resolves `host` (getaddrinfo, as cheroot's `AI_PASSIVE` lookup) and binds the first address
/// that works; a nonblocking, listening socket.
pub(super) fn bind(
    host: &str,
    port: u16,
    opts: &ListenOptions,
) -> io::Result<std::net::TcpListener> {
    if opts.reuse_port && port == 0 {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("Cannot reuse an ephemeral port (0): reuse_port needs a fixed port ({host}:0)"),
        ));
    }
    let addrs: Vec<SocketAddr> = match (host, port).to_socket_addrs() {
        Ok(addrs) => addrs.collect(),
        Err(e) => return Err(no_socket_error(vec![(display(host, port), e)])),
    };
    let mut attempts = Vec::new();
    for addr in addrs {
        match bind_one(addr, DUAL_STACK_HOSTS.contains(&host), opts) {
            Ok(l) => return Ok(l),
            Err(e) => attempts.push((addr.to_string(), e)),
        }
    }
    if attempts.is_empty() {
        let e = io::Error::new(io::ErrorKind::NotFound, "the name resolved to no address");
        attempts.push((display(host, port), e));
    }
    Err(no_socket_error(attempts))
}

fn display(host: &str, port: u16) -> String {
    if host.contains(':') {
        format!("[{host}]:{port}")
    } else {
        format!("{host}:{port}")
    }
}

fn bind_one(
    addr: SocketAddr,
    dual_stack: bool,
    opts: &ListenOptions,
) -> io::Result<std::net::TcpListener> {
    // socket2 creates sockets with SOCK_CLOEXEC.
    let socket = Socket::new(Domain::for_address(addr), Type::STREAM, Some(Protocol::TCP))?;
    if addr.port() != 0 {
        // Lets a restarted server bind while old connections sit in TIME_WAIT; pointless (and
        // on some systems harmful) for an ephemeral port, so cheroot skips it there too.
        socket.set_reuse_address(true)?;
    }
    if opts.reuse_port {
        socket.set_reuse_port(true)?;
    }
    if addr.is_ipv6() && dual_stack {
        socket.set_only_v6(false)?;
    }
    if opts.nodelay {
        // Accepted sockets inherit it on Linux; `accept` sets it again to be sure.
        socket.set_tcp_nodelay(true)?;
    }
    socket.bind(&addr.into())?;
    socket.listen(opts.backlog())?;
    socket.set_nonblocking(true)?;
    Ok(socket.into())
}
