//! `TestClient`: a raw-socket HTTP/1.x client for tests, the counterpart of cheroot's
//! `get_server_client` and webtest's `getPage`, that also sends and reads arbitrary bytes.

use std::io::{self, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpStream};
use std::os::unix::net::UnixStream;
use std::path::PathBuf;
use std::time::Duration;

use crate::response::{Framing, Response};

/// Where a test server listens: a TCP address or a UNIX socket path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ServerAddr {
    /// A TCP listener.
    Tcp(SocketAddr),
    /// A UNIX socket file.
    Unix(PathBuf),
    /// A Linux abstract UNIX socket name, without the leading NUL byte.
    Abstract(Vec<u8>),
}

impl std::fmt::Display for ServerAddr {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ServerAddr::Tcp(addr) => write!(f, "{addr}"),
            ServerAddr::Unix(path) => write!(f, "{}", path.display()),
            ServerAddr::Abstract(name) => write!(f, "@{}", name.escape_ascii()),
        }
    }
}

/// Reads the forms a server prints for its bound address (`cheroot` prints one line of it):
/// `IP:PORT` or `[IPv6]:PORT`, a path starting with `/` or `.`, or `@name`.
impl std::str::FromStr for ServerAddr {
    type Err = std::net::AddrParseError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if let Some(name) = s.strip_prefix('@') {
            return Ok(ServerAddr::Abstract(name.as_bytes().to_vec()));
        }
        if s.starts_with('/') || s.starts_with('.') {
            return Ok(ServerAddr::Unix(PathBuf::from(s)));
        }
        s.parse().map(ServerAddr::Tcp)
    }
}

/// The longest status line, header line or chunk-size line the client accepts.
const MAX_LINE: usize = 64 * 1024;
/// The most header fields the client accepts in one response.
const MAX_HEADERS: usize = 1000;

/// A client on one connection at a time, reused across requests while the server keeps it
/// open (keep-alive), reconnecting when it does not.
///
/// Every read and write has a timeout (10 s by default), so a test fails instead of hanging.
///
/// ```no_run
/// use cheroot_testing::{ServerAddr, TestClient};
///
/// let mut client = TestClient::new(ServerAddr::Tcp("127.0.0.1:8080".parse()?));
/// client
///     .get("/hello")?
///     .assert_status(200)
///     .assert_body("Hello world!");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug)]
pub struct TestClient {
    addr: ServerAddr,
    #[cfg(feature = "rustls")]
    tls: Option<TlsClient>,
    http10: bool,
    timeout: Duration,
    conn: Option<Conn>,
    connections_made: usize,
    /// Whether the last request sent was HTTP/1.0: its connection persists only if the
    /// response says `Connection: keep-alive`.
    last_request_http10: bool,
}

impl TestClient {
    /// A client for the server at `addr`; it connects on first use.
    pub fn new(addr: ServerAddr) -> Self {
        Self {
            addr,
            #[cfg(feature = "rustls")]
            tls: None,
            http10: false,
            timeout: Duration::from_secs(10),
            conn: None,
            connections_made: 0,
            last_request_http10: false,
        }
    }

    /// Sends `HTTP/1.0` request lines instead of `HTTP/1.1`.
    pub fn http10(mut self, yes: bool) -> Self {
        self.http10 = yes;
        self
    }

    /// Speaks TLS on every connection (TCP addresses only), trusting only the certificate
    /// `trusted_der` (DER) and expecting it to be valid for `server_name`.
    ///
    /// # Panics
    ///
    /// If `trusted_der` is not a usable certificate or `server_name` is not a valid name.
    #[cfg(feature = "rustls")]
    #[cfg_attr(docsrs, doc(cfg(feature = "rustls")))]
    #[track_caller]
    pub fn with_tls(mut self, trusted_der: &[u8], server_name: &str) -> Self {
        let mut roots = rustls::RootCertStore::empty();
        roots
            .add(rustls::pki_types::CertificateDer::from(
                trusted_der.to_vec(),
            ))
            .expect("a usable trusted certificate");
        let provider = std::sync::Arc::new(rustls::crypto::ring::default_provider());
        let config = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .expect("the ring provider supports the default versions")
            .with_root_certificates(roots)
            .with_no_client_auth();
        let name = rustls::pki_types::ServerName::try_from(server_name.to_owned())
            .expect("a valid server name");
        self.tls = Some(TlsClient {
            config: std::sync::Arc::new(config),
            name,
        });
        self
    }

    /// Changes the read and write timeout (for the next connection and the current one).
    pub fn set_timeout(&mut self, timeout: Duration) {
        self.timeout = timeout;
        if let Some(conn) = &self.conn {
            let _ = conn.stream.set_timeouts(timeout);
        }
    }

    /// Whether this client speaks TLS (set up with `with_tls`).
    pub(crate) fn is_tls(&self) -> bool {
        #[cfg(feature = "rustls")]
        {
            self.tls.is_some()
        }
        #[cfg(not(feature = "rustls"))]
        {
            false
        }
    }

    /// The server's address.
    pub fn addr(&self) -> &ServerAddr {
        &self.addr
    }

    /// How many connections this client has opened so far (to check keep-alive reuse).
    pub fn connections_made(&self) -> usize {
        self.connections_made
    }

    /// Opens a connection now if none is open (requests open one when needed): for tests of
    /// what a server does with connections that send nothing.
    ///
    /// # Errors
    ///
    /// Connecting failed.
    pub fn connect(&mut self) -> io::Result<()> {
        self.connection().map(|_| ())
    }

    /// Whether a connection is open (not yet closed by either side as far as we know).
    pub fn is_connected(&self) -> bool {
        self.conn.as_ref().is_some_and(|conn| !conn.ending)
    }

    /// Sends one request and reads its response.
    ///
    /// Adds `Host` (the server's address, or `localhost` on a UNIX socket) unless `headers`
    /// has one, and `Content-Length` when `body` is not empty and `headers` has neither
    /// `Content-Length` nor `Transfer-Encoding`. The body is sent as given (already chunked if
    /// the headers say so). The connection is kept for the next request unless the response
    /// closes it.
    ///
    /// # Errors
    ///
    /// Connecting, writing or reading failed (timeouts included), or the response was not
    /// HTTP.
    pub fn request(
        &mut self,
        method: &str,
        target: &str,
        headers: &[(&str, &str)],
        body: &[u8],
    ) -> io::Result<Response> {
        let mut out = Vec::with_capacity(256 + body.len());
        let version = if self.http10 { "HTTP/1.0" } else { "HTTP/1.1" };
        out.extend_from_slice(format!("{method} {target} {version}\r\n").as_bytes());
        let has = |name: &str| headers.iter().any(|(n, _)| n.eq_ignore_ascii_case(name));
        if !has("host") {
            let host = match &self.addr {
                ServerAddr::Tcp(addr) => addr.to_string(),
                ServerAddr::Unix(_) | ServerAddr::Abstract(_) => "localhost".to_owned(),
            };
            out.extend_from_slice(format!("Host: {host}\r\n").as_bytes());
        }
        for (name, value) in headers {
            out.extend_from_slice(name.as_bytes());
            out.extend_from_slice(b": ");
            out.extend_from_slice(value.as_bytes());
            out.extend_from_slice(b"\r\n");
        }
        if !body.is_empty() && !has("content-length") && !has("transfer-encoding") {
            out.extend_from_slice(format!("Content-Length: {}\r\n", body.len()).as_bytes());
        }
        out.extend_from_slice(b"\r\n");
        out.extend_from_slice(body);
        self.send_raw(&out)?;
        self.read_response_for(method)
    }

    /// `GET target` with no extra headers.
    ///
    /// # Errors
    ///
    /// As [`request`](TestClient::request).
    pub fn get(&mut self, target: &str) -> io::Result<Response> {
        self.request("GET", target, &[], b"")
    }

    /// `POST target` with `body` and its `Content-Length`.
    ///
    /// # Errors
    ///
    /// As [`request`](TestClient::request).
    pub fn post(&mut self, target: &str, body: &[u8]) -> io::Result<Response> {
        self.request("POST", target, &[], body)
    }

    /// Writes `bytes` as they are on the current connection (opening one if needed): for
    /// malformed requests, pipelining, or a request body sent in pieces. When `bytes` start
    /// with a request line, its version decides whether the next response may keep the
    /// connection (an HTTP/1.0 request needs `Connection: keep-alive` in the response).
    ///
    /// # Errors
    ///
    /// Connecting or writing failed.
    pub fn send_raw(&mut self, bytes: &[u8]) -> io::Result<()> {
        if let Some(end) = bytes.windows(2).position(|w| w == b"\r\n") {
            let line = &bytes[..end];
            if line.ends_with(b" HTTP/1.0") {
                self.last_request_http10 = true;
            } else if line.ends_with(b" HTTP/1.1") {
                self.last_request_http10 = false;
            }
        }
        let conn = self.connection()?;
        let result = conn
            .stream
            .write_all(bytes)
            .and_then(|()| conn.stream.flush());
        if result.is_err() {
            // The next request needs a new connection; what the server sent before it ended
            // this one stays readable (`read_to_end`, `wait_closed`).
            conn.ending = true;
        }
        result
    }

    /// Reads one response to a `GET`-like request (see
    /// [`read_response_for`](TestClient::read_response_for)).
    ///
    /// # Errors
    ///
    /// As [`read_response_for`](TestClient::read_response_for).
    pub fn read_response(&mut self) -> io::Result<Response> {
        self.read_response_for("GET")
    }

    /// Reads one response to a request with `method` (a `HEAD` response has no body), skipping
    /// interim `1xx` responses other than `101`. The next request opens a new connection when the
    /// response says so, its body ran to the end of the stream, or it answers an HTTP/1.0
    /// request without `Connection: keep-alive`.
    ///
    /// # Errors
    ///
    /// `UnexpectedEof` if the server closed the connection before a complete response,
    /// `InvalidData` if what came back is not an HTTP/1.x response, or a read error
    /// (`WouldBlock`/`TimedOut` on timeout).
    pub fn read_response_for(&mut self, method: &str) -> io::Result<Response> {
        self.read_final(method, false).map(|(resp, _)| resp)
    }

    /// Reads one response to a `GET`-like request as
    /// [`read_response`](TestClient::read_response) does, except that a body the server cut
    /// short by closing the connection is not an error: the response comes back with the
    /// body that arrived (for a chunked body, its whole chunks) and `false`; `true` when the
    /// body was complete. For checking what a server sends before it gives up on a response.
    ///
    /// # Errors
    ///
    /// As [`read_response_for`](TestClient::read_response_for), except for a body cut short.
    pub fn read_partial_response(&mut self) -> io::Result<(Response, bool)> {
        self.read_final("GET", true)
    }

    /// Reads up to the first final response; `allow_cut` as in `read_partial_response`.
    fn read_final(&mut self, method: &str, allow_cut: bool) -> io::Result<(Response, bool)> {
        let conn = self.connection_open()?;
        let result = loop {
            match read_one(conn, method, allow_cut) {
                Ok((resp, _)) if (100..200).contains(&resp.status) && resp.status != 101 => {
                    continue;
                }
                other => break other,
            }
        };
        let persists = |resp: &Response| {
            !resp.closes_connection()
                && resp.framing != Framing::CloseDelimited
                && (!self.last_request_http10 || resp.has_connection_token("keep-alive"))
        };
        match &result {
            Ok((resp, true)) if persists(resp) => {}
            // The server ends this connection: the next request opens a new one, while
            // `wait_closed` and `read_to_end` can still watch this one end.
            Ok(_) => {
                if let Some(conn) = &mut self.conn {
                    conn.ending = true;
                }
            }
            Err(_) => self.close(),
        }
        result
    }

    /// Reads until the server closes the connection, expecting nothing more from it: for
    /// checking that a server closes after a response (or without one).
    ///
    /// # Errors
    ///
    /// `InvalidData` if bytes arrived before the end of the stream, or as
    /// [`read_to_end`](TestClient::read_to_end) (a timeout: the server did not close).
    pub fn wait_closed(&mut self) -> io::Result<()> {
        let rest = self.read_to_end()?;
        if rest.is_empty() {
            Ok(())
        } else {
            Err(io::Error::new(
                io::ErrorKind::InvalidData,
                format!(
                    "bytes before the end of the stream: {}",
                    rest.escape_ascii()
                ),
            ))
        }
    }

    /// Reads whatever the open connection has next, raw: the bytes already buffered, or else
    /// those of one read (at least one byte). For following a response as it streams.
    ///
    /// # Errors
    ///
    /// No connection is open, `UnexpectedEof` if the server closed it, or a read error (a
    /// timeout included).
    pub fn read_some(&mut self) -> io::Result<Vec<u8>> {
        let conn = self.connection_open()?;
        if conn.buf.is_empty() {
            match conn.fill() {
                Ok(0) => {
                    self.conn = None;
                    return Err(io::Error::new(
                        io::ErrorKind::UnexpectedEof,
                        "the server closed the connection",
                    ));
                }
                Ok(_) => {}
                Err(err) => {
                    self.conn = None;
                    return Err(err);
                }
            }
        }
        let conn = self.connection_open()?;
        Ok(std::mem::take(&mut conn.buf))
    }

    /// Reads exactly `n` raw bytes from the open connection (bytes already buffered first),
    /// leaving the rest unread: for looking at the start of a response, for example before
    /// hanging up in the middle of a long body.
    ///
    /// # Errors
    ///
    /// No connection is open, the server closed it before `n` bytes (`UnexpectedEof`), or a
    /// read error (a timeout included).
    pub fn read_raw(&mut self, n: usize) -> io::Result<Vec<u8>> {
        let conn = self.connection_open()?;
        let mut out = Vec::with_capacity(n);
        let result = conn.read_exact_n(n, &mut out);
        if result.is_err() {
            self.conn = None;
        }
        result.map(|()| out)
    }

    /// Reads whatever the server sends until it closes the connection (or the timeout), then
    /// forgets the connection: for checking that a server closed without answering, or what it
    /// wrote before closing.
    ///
    /// # Errors
    ///
    /// A read error other than the end of the stream (a timeout included).
    pub fn read_to_end(&mut self) -> io::Result<Vec<u8>> {
        let conn = self.connection_open()?;
        let mut out = std::mem::take(&mut conn.buf);
        let result = conn.stream.read_to_end(&mut out);
        self.conn = None;
        match result {
            Ok(_) => Ok(out),
            // A reset after the server's last bytes still counts as the end.
            Err(err) if err.kind() == io::ErrorKind::ConnectionReset => Ok(out),
            Err(err) => Err(err),
        }
    }

    /// Half-closes the writing side (the server sees end of stream) and keeps reading
    /// possible.
    ///
    /// # Errors
    ///
    /// No connection is open, or `shutdown` failed.
    pub fn shutdown_write(&mut self) -> io::Result<()> {
        self.connection_open()?.stream.shutdown(Shutdown::Write)
    }

    /// Closes the connection, if one is open; the next request opens a new one.
    pub fn close(&mut self) {
        if let Some(conn) = self.conn.take() {
            let _ = conn.stream.shutdown(Shutdown::Both);
        }
    }

    fn connection(&mut self) -> io::Result<&mut Conn> {
        if self.conn.as_ref().is_none_or(|conn| conn.ending) {
            let stream = match &self.addr {
                #[cfg(feature = "rustls")]
                ServerAddr::Tcp(addr) if self.tls.is_some() => {
                    let tls = self.tls.as_ref().expect("checked just above");
                    let tcp = TcpStream::connect_timeout(addr, self.timeout)?;
                    let conn = rustls::ClientConnection::new(
                        std::sync::Arc::clone(&tls.config),
                        tls.name.clone(),
                    )
                    .map_err(io::Error::other)?;
                    Stream::Tls(Box::new(rustls::StreamOwned::new(conn, tcp)))
                }
                ServerAddr::Tcp(addr) => {
                    Stream::Tcp(TcpStream::connect_timeout(addr, self.timeout)?)
                }
                ServerAddr::Unix(path) => Stream::Unix(UnixStream::connect(path)?),
                ServerAddr::Abstract(name) => Stream::Unix(connect_abstract(name)?),
            };
            stream.set_timeouts(self.timeout)?;
            self.connections_made += 1;
            self.conn = Some(Conn {
                stream,
                buf: Vec::new(),
                ending: false,
            });
        }
        Ok(self.conn.as_mut().expect("just connected"))
    }

    fn connection_open(&mut self) -> io::Result<&mut Conn> {
        self.conn
            .as_mut()
            .ok_or_else(|| io::Error::new(io::ErrorKind::NotConnected, "no connection is open"))
    }
}

/// Connects to a Linux abstract socket.
#[cfg(target_os = "linux")]
fn connect_abstract(name: &[u8]) -> io::Result<UnixStream> {
    use std::os::linux::net::SocketAddrExt;
    let addr = std::os::unix::net::SocketAddr::from_abstract_name(name)?;
    UnixStream::connect_addr(&addr)
}

/// Abstract sockets exist only on Linux.
#[cfg(not(target_os = "linux"))]
fn connect_abstract(_name: &[u8]) -> io::Result<UnixStream> {
    Err(io::Error::new(
        io::ErrorKind::Unsupported,
        "abstract UNIX sockets exist only on Linux",
    ))
}

/// What [`TestClient::with_tls`] set up: the client configuration and the name to verify.
#[cfg(feature = "rustls")]
#[derive(Debug, Clone)]
struct TlsClient {
    config: std::sync::Arc<rustls::ClientConfig>,
    name: rustls::pki_types::ServerName<'static>,
}

/// A client socket.
#[derive(Debug)]
enum Stream {
    Tcp(TcpStream),
    Unix(UnixStream),
    #[cfg(feature = "rustls")]
    Tls(Box<rustls::StreamOwned<rustls::ClientConnection, TcpStream>>),
}

impl Stream {
    fn set_timeouts(&self, timeout: Duration) -> io::Result<()> {
        match self {
            Stream::Tcp(s) => {
                s.set_read_timeout(Some(timeout))?;
                s.set_write_timeout(Some(timeout))?;
                s.set_nodelay(true)
            }
            Stream::Unix(s) => {
                s.set_read_timeout(Some(timeout))?;
                s.set_write_timeout(Some(timeout))
            }
            #[cfg(feature = "rustls")]
            Stream::Tls(s) => {
                s.sock.set_read_timeout(Some(timeout))?;
                s.sock.set_write_timeout(Some(timeout))?;
                s.sock.set_nodelay(true)
            }
        }
    }

    fn shutdown(&self, how: Shutdown) -> io::Result<()> {
        match self {
            Stream::Tcp(s) => s.shutdown(how),
            Stream::Unix(s) => s.shutdown(how),
            #[cfg(feature = "rustls")]
            Stream::Tls(s) => s.sock.shutdown(how),
        }
    }
}

impl Read for Stream {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self {
            Stream::Tcp(s) => s.read(buf),
            Stream::Unix(s) => s.read(buf),
            // A server closing without close_notify is an error to rustls; to an HTTP client
            // it is the end of the stream (a close-delimited body ends that way).
            #[cfg(feature = "rustls")]
            Stream::Tls(s) => match s.read(buf) {
                Err(err) if err.kind() == io::ErrorKind::UnexpectedEof => Ok(0),
                other => other,
            },
        }
    }
}

impl Write for Stream {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Stream::Tcp(s) => s.write(buf),
            Stream::Unix(s) => s.write(buf),
            #[cfg(feature = "rustls")]
            Stream::Tls(s) => s.write(buf),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match self {
            Stream::Tcp(s) => s.flush(),
            Stream::Unix(s) => s.flush(),
            #[cfg(feature = "rustls")]
            Stream::Tls(s) => s.flush(),
        }
    }
}

/// A connection and the bytes read from it but not yet used (the start of a pipelined
/// response).
#[derive(Debug)]
struct Conn {
    stream: Stream,
    buf: Vec<u8>,
    /// The server ends the connection after the last response (it said so, or its body ran
    /// to the end of the stream): reads may go on, a new request needs a new connection.
    ending: bool,
}

impl Conn {
    /// Reads more bytes into `buf`; `Ok(0)` at end of stream.
    fn fill(&mut self) -> io::Result<usize> {
        let mut chunk = [0u8; 16 * 1024];
        let n = self.stream.read(&mut chunk)?;
        self.buf.extend_from_slice(&chunk[..n]);
        Ok(n)
    }

    /// One line without its CRLF (a bare LF is accepted too).
    fn read_line(&mut self) -> io::Result<Vec<u8>> {
        let mut searched = 0;
        loop {
            if let Some(i) = self.buf[searched..].iter().position(|&b| b == b'\n') {
                let end = searched + i;
                let mut line: Vec<u8> = self.buf.drain(..=end).collect();
                line.pop();
                if line.last() == Some(&b'\r') {
                    line.pop();
                }
                return Ok(line);
            }
            searched = self.buf.len();
            if searched > MAX_LINE {
                return Err(invalid("a line longer than 64 KiB"));
            }
            if self.fill()? == 0 {
                return Err(io::Error::new(
                    io::ErrorKind::UnexpectedEof,
                    "the connection closed in the middle of a response",
                ));
            }
        }
    }

    /// Exactly `n` bytes.
    fn read_exact_n(&mut self, n: usize, out: &mut Vec<u8>) -> io::Result<()> {
        while self.buf.len() < n {
            if self.fill()? == 0 {
                return Err(io::Error::new(
                    io::ErrorKind::UnexpectedEof,
                    format!(
                        "the connection closed after {} of {n} body bytes",
                        self.buf.len()
                    ),
                ));
            }
        }
        out.extend(self.buf.drain(..n));
        Ok(())
    }

    /// Everything until the end of the stream.
    fn read_until_eof(&mut self, out: &mut Vec<u8>) -> io::Result<()> {
        out.append(&mut self.buf);
        match self.stream.read_to_end(out) {
            Ok(_) => Ok(()),
            Err(err) if err.kind() == io::ErrorKind::ConnectionReset => Ok(()),
            Err(err) => Err(err),
        }
    }
}

fn invalid(what: &str) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, format!("bad response: {what}"))
}

fn latin1(bytes: &[u8]) -> String {
    bytes.iter().map(|&b| char::from(b)).collect()
}

/// Reads one response (interim ones included) to a request with `method`, and whether its
/// body was complete. With `allow_cut`, a body cut short by the end of the stream is kept as
/// far as it arrived instead of being an error.
fn read_one(conn: &mut Conn, method: &str, allow_cut: bool) -> io::Result<(Response, bool)> {
    // The first read tells a server that closed without answering from a broken response.
    if conn.buf.is_empty() && conn.fill()? == 0 {
        return Err(io::Error::new(
            io::ErrorKind::UnexpectedEof,
            "the server closed the connection without a response",
        ));
    }
    let line = conn.read_line()?;
    let (protocol, status, reason) = parse_status_line(&line)?;
    let headers = read_fields(conn)?;
    let mut resp = Response {
        protocol,
        status,
        reason,
        headers,
        body: Vec::new(),
        trailers: Vec::new(),
        framing: Framing::NoBody,
    };
    if method.eq_ignore_ascii_case("HEAD")
        || (100..200).contains(&status)
        || status == 204
        || status == 304
    {
        return Ok((resp, true));
    }
    let chunked = resp
        .header_all("transfer-encoding")
        .iter()
        .flat_map(|v| v.split(','))
        .next_back()
        .is_some_and(|t| t.trim().eq_ignore_ascii_case("chunked"));
    let body = if chunked {
        resp.framing = Framing::Chunked;
        read_chunked(conn, &mut resp)
    } else if let Some(len) = resp.header("content-length") {
        let len: u64 = len
            .trim()
            .parse()
            .map_err(|_| invalid("a Content-Length that is not a number"))?;
        resp.framing = Framing::Length(len);
        let len = usize::try_from(len).map_err(|_| invalid("a Content-Length too large"))?;
        let read = conn.read_exact_n(len, &mut resp.body);
        if read.is_err() && allow_cut {
            // What arrived of a body cut short is still in the buffer.
            resp.body.append(&mut conn.buf);
        }
        read
    } else {
        resp.framing = Framing::CloseDelimited;
        conn.read_until_eof(&mut resp.body)
    };
    match body {
        Ok(()) => Ok((resp, true)),
        Err(err) if allow_cut && err.kind() == io::ErrorKind::UnexpectedEof => Ok((resp, false)),
        Err(err) => Err(err),
    }
}

/// `HTTP/1.1 200 OK` into its parts.
fn parse_status_line(line: &[u8]) -> io::Result<(String, u16, String)> {
    let line = latin1(line);
    let mut parts = line.splitn(3, ' ');
    let protocol = parts.next().unwrap_or_default();
    if !protocol.starts_with("HTTP/") {
        return Err(invalid(&format!("status line {line:?}")));
    }
    let status = parts
        .next()
        .filter(|s| s.len() == 3)
        .and_then(|s| s.parse::<u16>().ok())
        .ok_or_else(|| invalid(&format!("status line {line:?}")))?;
    let reason = parts.next().unwrap_or_default();
    Ok((protocol.to_owned(), status, reason.to_owned()))
}

/// Header (or trailer) lines up to the empty line.
fn read_fields(conn: &mut Conn) -> io::Result<Vec<(String, String)>> {
    let mut fields = Vec::new();
    loop {
        let line = conn.read_line()?;
        if line.is_empty() {
            return Ok(fields);
        }
        if fields.len() >= MAX_HEADERS {
            return Err(invalid("more than 1000 header fields"));
        }
        let colon = line
            .iter()
            .position(|&b| b == b':')
            .ok_or_else(|| invalid(&format!("header line {:?}", latin1(&line))))?;
        let name = latin1(&line[..colon]);
        let value = latin1(line[colon + 1..].trim_ascii());
        fields.push((name, value));
    }
}

/// A chunked body (RFC 9112 section 7.1) and its trailers.
fn read_chunked(conn: &mut Conn, resp: &mut Response) -> io::Result<()> {
    loop {
        let line = conn.read_line()?;
        let size_text = latin1(&line);
        let size_text = size_text.split(';').next().unwrap_or_default().trim();
        let size = usize::from_str_radix(size_text, 16)
            .map_err(|_| invalid(&format!("chunk size line {:?}", latin1(&line))))?;
        if size == 0 {
            resp.trailers = read_fields(conn)?;
            return Ok(());
        }
        conn.read_exact_n(size, &mut resp.body)?;
        if !conn.read_line()?.is_empty() {
            return Err(invalid("chunk data not followed by CRLF"));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Protocol, status and reason of a status line.
    type Parts<'a> = (&'a str, u16, &'a str);

    #[test]
    fn status_lines() {
        let table: &[(&[u8], Option<Parts<'_>>)] = &[
            (b"HTTP/1.1 200 OK", Some(("HTTP/1.1", 200, "OK"))),
            (
                b"HTTP/1.0 404 Not Found",
                Some(("HTTP/1.0", 404, "Not Found")),
            ),
            (b"HTTP/1.1 500 ", Some(("HTTP/1.1", 500, ""))),
            (b"HTTP/1.1 204", Some(("HTTP/1.1", 204, ""))),
            (
                b"HTTP/1.1 599 caf\xe9",
                Some(("HTTP/1.1", 599, "caf\u{e9}")),
            ),
            (b"HTTP/1.1 20 OK", None),
            (b"HTTP/1.1 2000 OK", None),
            (b"HTTP/1.1 abc OK", None),
            (b"ICY 200 OK", None),
            (b"", None),
        ];
        for (line, want) in table {
            let got = parse_status_line(line).ok();
            let got = got.as_ref().map(|(p, s, r)| (p.as_str(), *s, r.as_str()));
            assert_eq!(got, *want, "{:?}", line.escape_ascii().to_string());
        }
    }

    #[test]
    fn printed_addresses_round_trip() {
        for text in [
            "127.0.0.1:1",
            "[::1]:2",
            "/a/b.sock",
            "./c.sock",
            "@abstract",
        ] {
            let addr: ServerAddr = text.parse().unwrap();
            assert_eq!(addr.to_string(), text);
        }
    }
}
