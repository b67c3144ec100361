//! Tests of binding and accepting over real loopback and UNIX sockets.

use std::io::{Read, Write};
use std::os::fd::{AsFd, OwnedFd};
use std::os::unix::fs::FileTypeExt;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};

use nix::fcntl::{FcntlArg, FdFlag, fcntl};
use socket2::{Domain, SockRef, Socket, Type};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use super::*;

fn tcp(host: &str, port: u16) -> BindAddr {
    BindAddr::Tcp {
        host: host.to_owned(),
        port,
    }
}

/// A fresh path in a fresh directory under the system temp dir; the directory is removed by
/// the guard.
struct TempDir(PathBuf);

impl TempDir {
    fn new() -> TempDir {
        static N: AtomicUsize = AtomicUsize::new(0);
        let n = N.fetch_add(1, Ordering::Relaxed);
        let dir = std::env::temp_dir().join(format!("cheroot-listener-{}-{n}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }
    fn path(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn is_cloexec(fd: impl AsFd) -> bool {
    let flags = fcntl(fd, FcntlArg::F_GETFD).unwrap();
    FdFlag::from_bits_truncate(flags).contains(FdFlag::FD_CLOEXEC)
}

fn tcp_port(l: &Listener) -> u16 {
    match l.local_bind_addr() {
        BindAddr::Tcp { port, .. } => port,
        other => panic!("not TCP: {other:?}"),
    }
}

/// Connects a blocking client on another thread, sends `ping`, and checks the accepted
/// stream sees it and can answer.
async fn round_trip(
    l: &Listener,
    connect: impl FnOnce() -> Box<dyn ReadWrite> + Send + 'static,
) -> PeerAddr {
    let client = std::thread::spawn(move || {
        let mut c = connect();
        c.write_all(b"ping").unwrap();
        let mut got = [0u8; 4];
        c.read_exact(&mut got).unwrap();
        got
    });
    let (mut s, peer) = l.accept().await.unwrap();
    assert!(is_cloexec(&s), "accepted sockets are close-on-exec");
    let mut got = [0u8; 4];
    s.read_exact(&mut got).await.unwrap();
    assert_eq!(&got, b"ping");
    s.write_all(b"pong").await.unwrap();
    assert_eq!(&client.join().unwrap(), b"pong");
    assert_eq!(s.peer_addr().unwrap(), peer);
    peer
}

trait ReadWrite: Read + Write {}
impl<T: Read + Write> ReadWrite for T {}

// test_server.py::test_bind_addr_inet
#[tokio::test]
async fn tcp_v4_port_0_gets_a_real_port() {
    let l = Listener::bind(&tcp("127.0.0.1", 0), &ListenOptions::default()).unwrap();
    let port = tcp_port(&l);
    assert_ne!(port, 0);
    assert_eq!(l.local_bind_addr(), tcp("127.0.0.1", port));
    assert!(!l.is_activated());
    assert!(is_cloexec(&l), "listening sockets are close-on-exec");
    let peer = round_trip(&l, move || {
        Box::new(std::net::TcpStream::connect(("127.0.0.1", port)).unwrap())
    })
    .await;
    assert!(matches!(peer, PeerAddr::Tcp(a) if a.ip().is_loopback()));
}

#[tokio::test]
async fn accepted_tcp_gets_nodelay_when_asked() {
    for nodelay in [true, false] {
        let opts = ListenOptions {
            nodelay,
            ..ListenOptions::default()
        };
        let l = Listener::bind(&tcp("127.0.0.1", 0), &opts).unwrap();
        let port = tcp_port(&l);
        let _c = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
        let (s, _) = l.accept().await.unwrap();
        assert_eq!(SockRef::from(&s).tcp_nodelay().unwrap(), nodelay);
        assert!(!s.is_unix());
    }
}

/// Whether this machine has IPv6 loopback at all (some containers do not).
fn has_ipv6() -> bool {
    std::net::TcpListener::bind("[::1]:0").is_ok()
}

// test_server.py::test_bind_addr_inet
#[tokio::test]
async fn tcp_v6_any_is_dual_stack() {
    if !has_ipv6() {
        return;
    }
    for host in ["::", "::0", "::0.0.0.0"] {
        let l = Listener::bind(&tcp(host, 0), &ListenOptions::default()).unwrap();
        let port = tcp_port(&l);
        assert_eq!(
            l.local_bind_addr(),
            tcp(host, port),
            "the host is kept as given"
        );
        // An IPv4 client reaches the IPv6 socket.
        round_trip(&l, move || {
            Box::new(std::net::TcpStream::connect(("127.0.0.1", port)).unwrap())
        })
        .await;
    }
}

#[tokio::test]
async fn names_are_resolved() {
    let l = Listener::bind(&tcp("localhost", 0), &ListenOptions::default()).unwrap();
    let port = tcp_port(&l);
    assert_eq!(l.local_bind_addr(), tcp("localhost", port));
}

#[tokio::test]
async fn unbindable_address_names_each_attempt() {
    // 192.0.2.1 (TEST-NET-1) is on no local interface: bind fails without any traffic.
    let err = Listener::bind(&tcp("192.0.2.1", 8080), &ListenOptions::default()).unwrap_err();
    let msg = err.to_string();
    assert!(
        msg.starts_with("No socket could be created -- (192.0.2.1:8080: "),
        "{msg}"
    );
    assert_eq!(err.kind(), io::ErrorKind::AddrNotAvailable);
}

// test_server.py::test_reuse_port
#[tokio::test]
async fn reuse_port_binds_next_to_another_socket() {
    let opts = ListenOptions {
        reuse_port: true,
        ..ListenOptions::default()
    };
    // Find a free port first: reuse_port refuses port 0.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let first = Listener::bind(&tcp("127.0.0.1", port), &opts).unwrap();
    let second = Listener::bind(&tcp("127.0.0.1", port), &opts).unwrap();
    assert_eq!(tcp_port(&first), tcp_port(&second));

    let err = Listener::bind(&tcp("127.0.0.1", port), &ListenOptions::default()).unwrap_err();
    assert_eq!(err.kind(), io::ErrorKind::AddrInUse);
    assert!(
        err.to_string().starts_with(&format!(
            "No socket could be created -- (127.0.0.1:{port}: "
        )),
        "{err}"
    );
}

#[tokio::test]
async fn reuse_port_needs_a_fixed_ip_port() {
    let opts = ListenOptions {
        reuse_port: true,
        ..ListenOptions::default()
    };
    let err = Listener::bind(&tcp("127.0.0.1", 0), &opts).unwrap_err();
    assert_eq!(err.kind(), io::ErrorKind::InvalidInput);
    assert!(
        err.to_string()
            .contains("Cannot reuse an ephemeral port (0)"),
        "{err}"
    );

    let dir = TempDir::new();
    let err = Listener::bind(&BindAddr::Unix(dir.path("s")), &opts).unwrap_err();
    assert_eq!(err.kind(), io::ErrorKind::InvalidInput);
    assert!(
        err.to_string().contains("Cannot reuse a non-IP socket"),
        "{err}"
    );
    assert!(!dir.path("s").exists());
}

#[tokio::test]
async fn the_default_backlog_takes_a_burst_of_connections() {
    // The default backlog is the kernel's usual 1024: with cheroot's backlog of 5, the SYNs of a
    // burst past the sixth were dropped until the listener accepted, and those clients waited a
    // second or more for a retransmit. Nothing is accepted here: every connect must complete on the
    // backlog alone.
    let l = Listener::bind(&tcp("127.0.0.1", 0), &ListenOptions::default()).unwrap();
    let addr = std::net::SocketAddr::from(([127, 0, 0, 1], tcp_port(&l)));
    let clients: Vec<_> = (0..100)
        .map(|i| {
            std::net::TcpStream::connect_timeout(&addr, std::time::Duration::from_millis(500))
                .unwrap_or_else(|e| panic!("connection {i} waited: {e}"))
        })
        .collect();
    assert_eq!(clients.len(), 100);
    assert_eq!(ListenOptions::default().backlog, 1024);
}

// test_server.py::test_bind_addr_unix
#[tokio::test]
async fn unix_path() {
    let dir = TempDir::new();
    let path = dir.path("cheroot.sock");
    let addr = BindAddr::Unix(path.clone());
    let l = Listener::bind(&addr, &ListenOptions::default()).unwrap();
    assert_eq!(l.local_bind_addr(), addr, "the path is kept verbatim");
    assert!(std::fs::metadata(&path).unwrap().file_type().is_socket());
    assert!(is_cloexec(&l));
    let p = path.clone();
    let peer = round_trip(&l, move || {
        Box::new(std::os::unix::net::UnixStream::connect(p).unwrap())
    })
    .await;
    assert_eq!(peer, PeerAddr::Unix);

    // The file outlives the listener (cheroot does not unlink it); the next bind removes it.
    drop(l);
    assert!(path.exists());
    let l = Listener::bind(&addr, &ListenOptions::default()).unwrap();
    let p = path.clone();
    round_trip(&l, move || {
        Box::new(std::os::unix::net::UnixStream::connect(p).unwrap())
    })
    .await;
}

#[tokio::test]
async fn unix_path_in_use_is_refused_not_stolen() {
    // A socket in use is refused: a second server on a live socket used to unlink and rebind it,
    // leaving the first one running and unreachable.
    let dir = TempDir::new();
    let path = dir.path("live.sock");
    let addr = BindAddr::Unix(path.clone());
    let first = Listener::bind(&addr, &ListenOptions::default()).unwrap();
    let err = Listener::bind(&addr, &ListenOptions::default()).unwrap_err();
    assert_eq!(err.kind(), std::io::ErrorKind::AddrInUse, "{err}");
    assert!(err.to_string().contains("address already in use"), "{err}");
    // The first server still gets its clients (after the probe's connection, already closed).
    let (probe, _) = first.accept().await.unwrap();
    drop(probe);
    let p = path.clone();
    round_trip(&first, move || {
        Box::new(std::os::unix::net::UnixStream::connect(p).unwrap())
    })
    .await;
}

#[tokio::test]
async fn empty_unix_addresses_are_refused() {
    // An empty address would make Linux autobind an abstract name.
    for addr in [BindAddr::Unix("".into()), BindAddr::Abstract(Vec::new())] {
        let err = Listener::bind(&addr, &ListenOptions::default()).unwrap_err();
        assert_eq!(err.kind(), std::io::ErrorKind::InvalidInput, "{err}");
        assert!(err.to_string().contains("auto-named"), "{err}");
    }
}

#[tokio::test]
async fn unix_path_never_removes_a_regular_file() {
    let dir = TempDir::new();
    let path = dir.path("precious.txt");
    std::fs::write(&path, b"keep me").unwrap();
    let err = Listener::bind(&BindAddr::Unix(path.clone()), &ListenOptions::default()).unwrap_err();
    assert!(
        err.to_string()
            .starts_with("No socket could be created -- ("),
        "{err}"
    );
    assert!(err.to_string().contains("is not a socket"), "{err}");
    assert_eq!(std::fs::read(&path).unwrap(), b"keep me");
}

// test_server.py::test_bind_addr_unix_abstract
#[tokio::test]
async fn unix_abstract() {
    use std::os::linux::net::SocketAddrExt;

    let name = format!("cheroot-test-{}-abstract", std::process::id()).into_bytes();
    let addr = BindAddr::Abstract(name.clone());
    let l = Listener::bind(&addr, &ListenOptions::default()).unwrap();
    assert_eq!(l.local_bind_addr(), addr, "the name is kept verbatim");
    let peer = round_trip(&l, move || {
        let sa = std::os::unix::net::SocketAddr::from_abstract_name(&name).unwrap();
        Box::new(std::os::unix::net::UnixStream::connect_addr(&sa).unwrap())
    })
    .await;
    assert_eq!(peer, PeerAddr::Unix);
}

#[test]
fn shareable_between_threads() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<Listener>();
    assert_send_sync::<Stream>();
}

#[test]
fn bind_outside_a_runtime_is_an_error() {
    let err = Listener::bind(&tcp("127.0.0.1", 0), &ListenOptions::default()).unwrap_err();
    assert_eq!(err.kind(), io::ErrorKind::InvalidInput);
    assert!(err.to_string().contains("tokio runtime"), "{err}");
}

fn inherited(socket: impl Into<OwnedFd>) -> Socket {
    Socket::from(socket.into())
}

/// A listener on a socket handed over as systemd hands one.
fn adopt(socket: Socket) -> io::Result<Listener> {
    let opts = ListenOptions::default();
    Listener::register(ListeningSocket::adopt(socket, &opts)?, &opts)
}

#[tokio::test]
async fn activated_tcp_socket_keeps_its_real_family_and_address() {
    let std = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = std.local_addr().unwrap().port();
    let l = adopt(inherited(std)).unwrap();
    assert!(l.is_activated());
    assert_eq!(l.local_bind_addr(), tcp("127.0.0.1", port));
    assert!(is_cloexec(&l));
    round_trip(&l, move || {
        Box::new(std::net::TcpStream::connect(("127.0.0.1", port)).unwrap())
    })
    .await;
}

#[tokio::test]
async fn activated_v6_and_unix_sockets() {
    if has_ipv6() {
        let std = std::net::TcpListener::bind("[::1]:0").unwrap();
        let port = std.local_addr().unwrap().port();
        let l = adopt(inherited(std)).unwrap();
        assert_eq!(l.local_bind_addr(), tcp("::1", port));
    }

    let dir = TempDir::new();
    let path = dir.path("activated.sock");
    let std = std::os::unix::net::UnixListener::bind(&path).unwrap();
    let l = adopt(inherited(std)).unwrap();
    assert_eq!(l.local_bind_addr(), BindAddr::Unix(path.clone()));
    round_trip(&l, move || {
        Box::new(std::os::unix::net::UnixStream::connect(path).unwrap())
    })
    .await;
}

#[tokio::test]
async fn activated_socket_not_yet_listening_is_made_to_listen() {
    let s = Socket::new(Domain::IPV4, Type::STREAM, None).unwrap();
    s.bind(
        &"127.0.0.1:0"
            .parse::<std::net::SocketAddr>()
            .unwrap()
            .into(),
    )
    .unwrap();
    let l = adopt(s).unwrap();
    let port = tcp_port(&l);
    round_trip(&l, move || {
        Box::new(std::net::TcpStream::connect(("127.0.0.1", port)).unwrap())
    })
    .await;
}

#[tokio::test]
async fn activated_datagram_socket_is_refused() {
    let udp = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    let err = adopt(inherited(udp)).unwrap_err();
    assert_eq!(err.kind(), io::ErrorKind::InvalidInput);
    assert!(err.to_string().contains("not a stream socket"), "{err}");
}

#[tokio::test]
async fn a_parked_connection_holds_no_buffers() {
    for unix in [false, true] {
        parked_connection(unix).await;
    }
}

async fn parked_connection(unix: bool) {
    use cheroot_makefile::{StreamReader, StreamWriter};

    let dir = TempDir::new();
    let path = dir.path("parked.sock");
    let addr = if unix {
        BindAddr::Unix(path.clone())
    } else {
        tcp("127.0.0.1", 0)
    };
    let l = Listener::bind(&addr, &ListenOptions::default()).unwrap();
    let bound = l.local_bind_addr();
    let client = std::thread::spawn(move || {
        let mut c: Box<dyn ReadWrite> = match bound {
            BindAddr::Tcp { port, .. } => {
                Box::new(std::net::TcpStream::connect(("127.0.0.1", port)).unwrap())
            }
            _ => Box::new(std::os::unix::net::UnixStream::connect(path).unwrap()),
        };
        c.write_all(b"GET / HTTP/1.1\r\n\r\n").unwrap();
        let mut got = [0u8; 19];
        c.read_exact(&mut got).unwrap();
        got
    });
    let (s, _) = l.accept().await.unwrap();
    assert_eq!(s.is_unix(), unix);
    let (rd, wr) = s.into_split();
    assert!(is_cloexec(&rd) && is_cloexec(&wr));
    let (mut r, mut w) = (StreamReader::new(rd), StreamWriter::new(wr));
    while !r.buffer().ends_with(b"\r\n\r\n") {
        assert_ne!(r.fill().await.unwrap(), 0);
    }
    let n = r.buffer().len();
    r.consume(n);
    w.write_all(b"HTTP/1.1 200 OK\r\n\r\n").await.unwrap();
    w.flush().await.unwrap();
    assert_eq!(&client.join().unwrap(), b"HTTP/1.1 200 OK\r\n\r\n");
    assert_eq!((r.bytes_read(), w.bytes_written()), (18, 19));

    r.shrink();
    assert!(w.shrink());
    assert_eq!((r.buffer_capacity(), w.buffer_capacity()), (0, 0));
    // What stays is the two small structs (plus the socket and the task): far below 4 KiB.
    let held = std::mem::size_of_val(&r) + std::mem::size_of_val(&w);
    assert!(held < 512, "{held} bytes");
}
