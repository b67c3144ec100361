//! Scenario I's idle keep-alive connections: opened by the harness after one request each, then
//! held open while the server's memory is read.

use std::io::ErrorKind;
use std::net::{SocketAddr, TcpStream};
use std::time::{Duration, Instant};

use super::client;

/// Bound on the whole opening phase.
const OPEN_DEADLINE: Duration = Duration::from_secs(180);

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
        for i in 0..count {
            if Instant::now() > deadline {
                return Err(format!(
                    "opened only {i} idle connections in {OPEN_DEADLINE:?}"
                ));
            }
            let stream =
                one_request(addr).map_err(|e| format!("idle connection {i} of {count}: {e}"))?;
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

/// A connection that has completed one `GET /hello`.
fn one_request(addr: SocketAddr) -> Result<TcpStream, String> {
    let mut stream = client::connect(addr)?;
    let reply = client::get(&mut stream, "/hello", 1024)?;
    if reply.status != 200 {
        return Err(format!("GET /hello answered {}", reply.status));
    }
    Ok(stream)
}

#[cfg(test)]
mod tests {
    use std::io::{Read, Write};

    use super::*;

    #[test]
    fn holds_connections_to_a_loopback_server() {
        use std::net::TcpListener;
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let server = std::thread::spawn(move || {
            let mut held = Vec::new();
            for _ in 0..3 {
                let (mut s, _) = listener.accept().unwrap();
                s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
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
