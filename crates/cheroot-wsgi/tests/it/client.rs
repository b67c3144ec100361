//! A small raw-socket HTTP/1.1 client and a server fixture, until cheroot-testing offers them.

use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

use cheroot_server::{BindAddr, ServerError};
use cheroot_wsgi::{Server, WsgiApp};

/// A server on an ephemeral loopback port, serving on a thread; stopped and joined on drop.
pub(crate) struct TestServer {
    pub(crate) server: Arc<Server>,
    pub(crate) port: u16,
    thread: Option<JoinHandle<Result<(), ServerError>>>,
}

impl TestServer {
    pub(crate) fn start(app: impl WsgiApp) -> Self {
        Self::start_with(app, |_| {})
    }

    /// Starts a server after `configure` adjusted its settings.
    pub(crate) fn start_with(app: impl WsgiApp, configure: impl FnOnce(&Server)) -> Self {
        let addr = BindAddr::tcp("127.0.0.1", 0).expect("loopback address");
        let server = Arc::new(Server::new(addr, app));
        server.set_numthreads(4);
        server.set_timeout(Duration::from_secs(5));
        configure(&server);
        server.prepare().expect("prepare");
        let port = match server.bind_addr() {
            BindAddr::Tcp { port, .. } => port,
            other => panic!("not TCP: {other}"),
        };
        let serving = Arc::clone(&server);
        let thread = std::thread::spawn(move || serving.serve());
        Self {
            server,
            port,
            thread: Some(thread),
        }
    }

    pub(crate) fn connect(&self) -> Conn {
        Conn::connect(self.port)
    }

    /// Sends one request on a fresh connection and reads the response.
    pub(crate) fn request(&self, raw: &str) -> Resp {
        let mut conn = self.connect();
        conn.send(raw.as_bytes());
        conn.read_response().expect("a response")
    }

    /// `GET path` on a fresh connection with `Connection: close`.
    pub(crate) fn get(&self, path: &str) -> Resp {
        self.request(&format!(
            "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
        ))
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        self.server.stop();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// One client connection.
pub(crate) struct Conn {
    reader: BufReader<TcpStream>,
}

impl Conn {
    pub(crate) fn connect(port: u16) -> Self {
        let stream = TcpStream::connect(("127.0.0.1", port)).expect("connect");
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .expect("read timeout");
        stream
            .set_write_timeout(Some(Duration::from_secs(10)))
            .expect("write timeout");
        Self {
            reader: BufReader::new(stream),
        }
    }

    pub(crate) fn send(&mut self, data: &[u8]) {
        self.reader.get_mut().write_all(data).expect("send");
    }

    /// Reads one response (to a request that was not HEAD).
    pub(crate) fn read_response(&mut self) -> io::Result<Resp> {
        let mut line = String::new();
        if self.reader.read_line(&mut line)? == 0 {
            return Err(io::Error::new(io::ErrorKind::UnexpectedEof, "no response"));
        }
        let status_line = line.trim_end().to_owned();
        let status: u16 = status_line
            .split(' ')
            .nth(1)
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidData, status_line.clone()))?;
        let mut headers = Vec::new();
        loop {
            let mut line = String::new();
            if self.reader.read_line(&mut line)? == 0 {
                return Err(io::Error::new(io::ErrorKind::UnexpectedEof, "eof in head"));
            }
            let line = line.trim_end_matches(['\r', '\n']);
            if line.is_empty() {
                break;
            }
            let (name, value) = line.split_once(':').expect("header line");
            headers.push((name.to_owned(), value.trim().to_owned()));
        }
        let mut resp = Resp {
            version: status_line.split(' ').next().unwrap_or("").to_owned(),
            status,
            headers,
            body: Vec::new(),
            complete: true,
        };
        let no_body = status == 204 || status == 304 || (100..200).contains(&status);
        if no_body {
            return Ok(resp);
        }
        if resp
            .header("Transfer-Encoding")
            .is_some_and(|te| te.eq_ignore_ascii_case("chunked"))
        {
            resp.complete = self.read_chunked(&mut resp.body)?;
        } else if let Some(len) = resp.header("Content-Length") {
            let len: usize = len.parse().expect("numeric Content-Length");
            let mut body = vec![0; len];
            let mut got = 0;
            while got < len {
                match self.reader.read(&mut body[got..])? {
                    0 => break,
                    n => got += n,
                }
            }
            body.truncate(got);
            resp.complete = got == len;
            resp.body = body;
        } else {
            self.reader.read_to_end(&mut resp.body)?;
        }
        Ok(resp)
    }

    /// Reads a chunked body; false when the connection ended before the last chunk.
    fn read_chunked(&mut self, out: &mut Vec<u8>) -> io::Result<bool> {
        loop {
            let mut size_line = String::new();
            if self.reader.read_line(&mut size_line)? == 0 {
                return Ok(false);
            }
            let size = usize::from_str_radix(size_line.trim(), 16)
                .map_err(|_| io::Error::new(io::ErrorKind::InvalidData, size_line.clone()))?;
            if size == 0 {
                let mut crlf = String::new();
                self.reader.read_line(&mut crlf)?;
                return Ok(true);
            }
            let mut chunk = vec![0; size + 2];
            if self.reader.read_exact(&mut chunk).is_err() {
                return Ok(false);
            }
            out.extend_from_slice(&chunk[..size]);
        }
    }

    /// The buffered reader, for tests that read raw bytes.
    pub(crate) fn raw(&mut self) -> &mut BufReader<TcpStream> {
        &mut self.reader
    }

    /// Whether the server closed the connection (EOF or reset) without sending more.
    pub(crate) fn is_closed(&mut self) -> bool {
        let mut buf = [0u8; 1];
        matches!(self.reader.read(&mut buf), Ok(0) | Err(_))
    }
}

/// A response as read off the wire.
#[derive(Debug)]
pub(crate) struct Resp {
    pub(crate) version: String,
    pub(crate) status: u16,
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) body: Vec<u8>,
    /// Whether the body arrived whole (all of Content-Length, or the last chunk).
    pub(crate) complete: bool,
}

impl Resp {
    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .rev()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub(crate) fn status_line_version_is(&self, version: &str) -> bool {
        self.version == version
    }

    pub(crate) fn body_str(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}
