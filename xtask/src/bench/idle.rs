//! Scenario I's idle keep-alive connections: opened by the harness after one request each, then
//! held open while the server's memory is read.

use std::io::{ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::{Duration, Instant};

/// Per-connection connect and read limit.
const IO_TIMEOUT: Duration = Duration::from_secs(5);
/// Bound on the whole opening phase.
const OPEN_DEADLINE: Duration = Duration::from_secs(180);
/// Largest response the harness expects to `GET /hello`.
const MAX_RESPONSE: usize = 16 * 1024;

/// Idle keep-alive connections held by this process; closed when dropped.
#[derive(Debug)]
pub(crate) struct IdleConns {
    streams: Vec<TcpStream>,
}

impl IdleConns {
    /// Opens `count` connections to `addr`, each completing one `GET /hello` and staying open.
    pub(crate) fn open(addr: SocketAddr, count: usize) -> Result<IdleConns, String> {
        let deadline = Instant::now() + OPEN_DEADLINE;
        let mut streams = Vec::with_capacity(count);
        let request = format!("GET /hello HTTP/1.1\r\nHost: {addr}\r\n\r\n");
        for i in 0..count {
            if Instant::now() > deadline {
                return Err(format!(
                    "opened only {i} idle connections in {OPEN_DEADLINE:?}"
                ));
            }
            let stream = one_request(addr, request.as_bytes())
                .map_err(|e| format!("idle connection {i} of {count}: {e}"))?;
            streams.push(stream);
        }
        Ok(IdleConns { streams })
    }

    /// How many are held.
    pub(crate) fn len(&self) -> usize {
        self.streams.len()
    }

    /// How many are still open and quiet: the server has neither closed them nor sent
    /// anything (a timeout answer would count as not idle).
    pub(crate) fn still_open(&self) -> usize {
        let mut buf = [0u8; 1];
        self.streams
            .iter()
            .filter(|s| {
                s.set_nonblocking(true).is_ok()
                    && matches!(s.peek(&mut buf), Err(e) if e.kind() == ErrorKind::WouldBlock)
            })
            .count()
    }
}

/// Connects, sends `request` and reads one whole response framed by Content-Length.
fn one_request(addr: SocketAddr, request: &[u8]) -> Result<TcpStream, String> {
    let mut stream = TcpStream::connect_timeout(&addr, IO_TIMEOUT).map_err(|e| e.to_string())?;
    stream
        .set_read_timeout(Some(IO_TIMEOUT))
        .map_err(|e| e.to_string())?;
    stream
        .set_write_timeout(Some(IO_TIMEOUT))
        .map_err(|e| e.to_string())?;
    stream.write_all(request).map_err(|e| e.to_string())?;
    let mut buf = Vec::with_capacity(512);
    let mut chunk = [0u8; 2048];
    // Each pass reads at least one byte or fails, so MAX_RESPONSE bounds the loop.
    while buf.len() <= MAX_RESPONSE {
        let n = stream.read(&mut chunk).map_err(|e| e.to_string())?;
        if n == 0 {
            return Err("closed before the response ended".to_owned());
        }
        buf.extend_from_slice(&chunk[..n]);
        if let Some(total) = response_len(&buf)? {
            if buf.len() >= total {
                return Ok(stream);
            }
        }
    }
    Err(format!("response longer than {MAX_RESPONSE} bytes"))
}

/// Total length of the response at the front of `buf` (head plus Content-Length), once the
/// head is complete.
fn response_len(buf: &[u8]) -> Result<Option<usize>, String> {
    let Some(head_end) = buf.windows(4).position(|w| w == b"\r\n\r\n") else {
        return Ok(None);
    };
    let head = String::from_utf8_lossy(&buf[..head_end]);
    if !head.starts_with("HTTP/1.1 200") {
        return Err(format!(
            "unexpected response: {}",
            head.lines().next().unwrap_or("")
        ));
    }
    let length = head
        .lines()
        .filter_map(|l| l.split_once(':'))
        .find(|(name, _)| name.trim().eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.trim().parse::<usize>().ok())
        .ok_or("response without Content-Length")?;
    Ok(Some(head_end + 4 + length))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn response_length_from_head() {
        let ok = b"HTTP/1.1 200 OK\r\ncontent-length: 12\r\n\r\nHello";
        assert_eq!(response_len(ok).unwrap(), Some(ok.len() - 5 + 12));
        assert_eq!(
            response_len(b"HTTP/1.1 200 OK\r\nContent-Length: 1").unwrap(),
            None
        );
        assert!(response_len(b"HTTP/1.1 503 Busy\r\nContent-Length: 0\r\n\r\n").is_err());
        assert!(response_len(b"HTTP/1.1 200 OK\r\nX: y\r\n\r\n").is_err());
    }

    #[test]
    fn holds_connections_to_a_loopback_server() {
        use std::net::TcpListener;
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let server = std::thread::spawn(move || {
            let mut held = Vec::new();
            for _ in 0..3 {
                let (mut s, _) = listener.accept().unwrap();
                s.set_read_timeout(Some(IO_TIMEOUT)).unwrap();
                let mut buf = [0u8; 512];
                let _ = s.read(&mut buf).unwrap();
                s.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 12\r\n\r\nHello world!")
                    .unwrap();
                held.push(s);
            }
            held
        });
        let conns = IdleConns::open(addr, 3).unwrap();
        let mut held = server.join().unwrap();
        assert_eq!((conns.len(), conns.still_open()), (3, 3));
        held.pop();
        // The closed one is seen as closed once its FIN arrives; bounded wait.
        let deadline = Instant::now() + Duration::from_secs(5);
        while conns.still_open() != 2 && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(10));
        }
        assert_eq!(conns.still_open(), 2);
    }
}
