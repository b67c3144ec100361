//! A small raw-socket HTTP/1.x client: writes bytes as given and reads responses framed by
//! Content-Length, chunked encoding, or the connection closing.

use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

/// How long any single read waits before the test fails instead of hanging.
pub(crate) const READ_TIMEOUT: Duration = Duration::from_secs(10);

/// A parsed response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Resp {
    pub(crate) status: u16,
    pub(crate) status_line: String,
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) body: Vec<u8>,
}

impl Resp {
    /// The value of the first header named `name` (case-insensitive).
    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub(crate) fn body_str(&self) -> &str {
        std::str::from_utf8(&self.body).expect("a UTF-8 body")
    }
}

/// One client connection with its own read buffer.
#[derive(Debug)]
pub(crate) struct Client {
    stream: TcpStream,
    buf: Vec<u8>,
}

impl Client {
    pub(crate) fn connect(addr: SocketAddr) -> Client {
        let stream = TcpStream::connect(addr).expect("connect to the test server");
        stream
            .set_read_timeout(Some(READ_TIMEOUT))
            .expect("set a read timeout");
        stream.set_nodelay(true).expect("set nodelay");
        Client {
            stream,
            buf: Vec::new(),
        }
    }

    pub(crate) fn send(&mut self, data: &[u8]) {
        self.stream
            .write_all(data)
            .expect("send to the test server");
    }

    /// Sends without panicking (the server may have closed already).
    pub(crate) fn try_send(&mut self, data: &[u8]) -> io::Result<()> {
        self.stream.write_all(data)
    }

    /// `GET path` on HTTP/1.1 with a Host header and the extra header lines given.
    pub(crate) fn get(&mut self, path: &str, extra: &str) -> Resp {
        self.send(format!("GET {path} HTTP/1.1\r\nHost: test\r\n{extra}\r\n").as_bytes());
        self.read_response("GET")
    }

    /// Reads more bytes into the buffer; 0 at EOF.
    fn fill(&mut self) -> io::Result<usize> {
        let mut chunk = [0u8; 16 * 1024];
        let n = self.stream.read(&mut chunk)?;
        self.buf.extend_from_slice(&chunk[..n]);
        Ok(n)
    }

    /// Reads one response to a request with `method`; panics on EOF or timeout.
    pub(crate) fn read_response(&mut self, method: &str) -> Resp {
        self.try_read_response(method).expect("a complete response")
    }

    /// Reads one response; an error on EOF before a complete one, or on timeout.
    pub(crate) fn try_read_response(&mut self, method: &str) -> io::Result<Resp> {
        let head_end = loop {
            if let Some(pos) = find(&self.buf, b"\r\n\r\n") {
                break pos + 4;
            }
            if self.fill()? == 0 {
                return Err(io::Error::new(
                    io::ErrorKind::UnexpectedEof,
                    "EOF before a head",
                ));
            }
        };
        let head = String::from_utf8_lossy(&self.buf[..head_end - 4]).into_owned();
        self.buf.drain(..head_end);
        let mut lines = head.split("\r\n");
        let status_line = lines.next().unwrap_or_default().to_owned();
        let status = status_line
            .split(' ')
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or(0);
        let headers: Vec<(String, String)> = lines
            .filter_map(|l| l.split_once(':'))
            .map(|(n, v)| (n.trim().to_owned(), v.trim().to_owned()))
            .collect();
        let mut resp = Resp {
            status,
            status_line,
            headers,
            body: Vec::new(),
        };
        let no_body = method == "HEAD" || status < 200 || status == 204 || status == 304;
        if no_body {
            return Ok(resp);
        }
        if resp
            .header("Transfer-Encoding")
            .is_some_and(|te| te.eq_ignore_ascii_case("chunked"))
        {
            resp.body = self.read_chunked()?;
        } else if let Some(len) = resp.header("Content-Length") {
            let len: usize = len.parse().expect("a numeric Content-Length");
            while self.buf.len() < len {
                if self.fill()? == 0 {
                    return Err(io::Error::new(io::ErrorKind::UnexpectedEof, "EOF mid-body"));
                }
            }
            resp.body = self.buf.drain(..len).collect();
        } else {
            while self.fill()? > 0 {}
            resp.body = std::mem::take(&mut self.buf);
        }
        Ok(resp)
    }

    fn read_chunked(&mut self) -> io::Result<Vec<u8>> {
        let mut body = Vec::new();
        loop {
            let line_end = loop {
                if let Some(pos) = find(&self.buf, b"\r\n") {
                    break pos;
                }
                if self.fill()? == 0 {
                    return Err(io::Error::new(
                        io::ErrorKind::UnexpectedEof,
                        "EOF in chunk size",
                    ));
                }
            };
            let size = usize::from_str_radix(
                std::str::from_utf8(&self.buf[..line_end]).unwrap_or("x"),
                16,
            )
            .map_err(|_| io::Error::new(io::ErrorKind::InvalidData, "bad chunk size"))?;
            self.buf.drain(..line_end + 2);
            while self.buf.len() < size + 2 {
                if self.fill()? == 0 {
                    return Err(io::Error::new(io::ErrorKind::UnexpectedEof, "EOF in chunk"));
                }
            }
            if size == 0 {
                self.buf.drain(..2);
                return Ok(body);
            }
            body.extend(self.buf.drain(..size));
            self.buf.drain(..2);
        }
    }

    /// Whether the server closed the connection: EOF with nothing more (bytes that arrive are
    /// returned as an error).
    pub(crate) fn wait_closed(&mut self) -> io::Result<()> {
        loop {
            match self.fill() {
                Ok(0) => {
                    return if self.buf.is_empty() {
                        Ok(())
                    } else {
                        Err(io::Error::other(format!(
                            "unexpected bytes before EOF: {:?}",
                            String::from_utf8_lossy(&self.buf)
                        )))
                    };
                }
                Ok(_) => {}
                Err(err) if err.kind() == io::ErrorKind::ConnectionReset => return Ok(()),
                Err(err) => return Err(err),
            }
        }
    }

    /// Reads whatever arrives until EOF (or reset), as raw bytes.
    pub(crate) fn read_to_end(&mut self) -> Vec<u8> {
        loop {
            match self.fill() {
                Ok(0) | Err(_) => return std::mem::take(&mut self.buf),
                Ok(_) => {}
            }
        }
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

impl Client {
    /// Reads whatever arrives next and drops it; returns how many bytes (panics at EOF).
    pub(crate) fn read_some(&mut self) -> usize {
        let n = self.fill().expect("read from the test server");
        assert!(n > 0, "unexpected EOF");
        self.buf.clear();
        n
    }
}

impl Client {
    /// Reads whatever arrives next, raw (panics at EOF).
    pub(crate) fn read_chunk_raw(&mut self) -> Vec<u8> {
        if self.buf.is_empty() {
            let n = self.fill().expect("read from the test server");
            assert!(n > 0, "unexpected EOF");
        }
        std::mem::take(&mut self.buf)
    }

    /// Reads until nothing arrives for `quiet`, or EOF.
    pub(crate) fn read_to_end_or_timeout(&mut self, quiet: Duration) -> Vec<u8> {
        self.stream
            .set_read_timeout(Some(quiet))
            .expect("set a read timeout");
        while let Ok(n) = self.fill() {
            if n == 0 {
                break;
            }
        }
        self.stream
            .set_read_timeout(Some(READ_TIMEOUT))
            .expect("set a read timeout");
        std::mem::take(&mut self.buf)
    }
}

impl Client {
    /// Closes the sending side (the server sees EOF after what was sent).
    pub(crate) fn shutdown_write(&self) {
        let _ = self.stream.shutdown(std::net::Shutdown::Write);
    }
}

impl Client {
    /// Reads until EOF or a reset; an error if the read timeout passes first (a hang).
    pub(crate) fn read_until_closed(&mut self) -> io::Result<Vec<u8>> {
        loop {
            match self.fill() {
                Ok(0) => return Ok(std::mem::take(&mut self.buf)),
                Ok(_) => {}
                Err(err)
                    if matches!(
                        err.kind(),
                        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
                    ) =>
                {
                    return Err(err);
                }
                Err(_) => return Ok(std::mem::take(&mut self.buf)),
            }
        }
    }
}
