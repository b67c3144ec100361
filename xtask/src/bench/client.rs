//! A minimal blocking HTTP/1.1 client for the harness's own requests: the idle connections of
//! scenario I and the check that a server answers both routes correctly before it is loaded.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

/// Connect, read and write limit per operation.
const IO_TIMEOUT: Duration = Duration::from_secs(5);

/// One response, read whole.
#[derive(Debug)]
pub(crate) struct Reply {
    pub(crate) status: u16,
    /// Header names lower-cased, values trimmed, in order.
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) body: Vec<u8>,
}

impl Reply {
    /// The last value of header `name` (lower case).
    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .rev()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// Opens a keep-alive connection to `addr`.
pub(crate) fn connect(addr: SocketAddr) -> Result<TcpStream, String> {
    let stream = TcpStream::connect_timeout(&addr, IO_TIMEOUT).map_err(|e| e.to_string())?;
    stream
        .set_read_timeout(Some(IO_TIMEOUT))
        .map_err(|e| e.to_string())?;
    stream
        .set_write_timeout(Some(IO_TIMEOUT))
        .map_err(|e| e.to_string())?;
    Ok(stream)
}

/// Sends `GET path` on `stream` and reads one response framed by `Content-Length`, whose
/// body may be at most `max_body` bytes. The connection stays usable afterwards.
pub(crate) fn get(stream: &mut TcpStream, path: &str, max_body: usize) -> Result<Reply, String> {
    let host = stream.peer_addr().map_err(|e| e.to_string())?;
    let request = format!("GET {path} HTTP/1.1\r\nHost: {host}\r\n\r\n");
    stream
        .write_all(request.as_bytes())
        .map_err(|e| e.to_string())?;
    let mut buf = Vec::with_capacity(512);
    let mut chunk = vec![0u8; 64 * 1024];
    // Each pass reads at least one byte or fails, so the size cap bounds the loop.
    let cap = max_body + 16 * 1024;
    while buf.len() <= cap {
        let n = stream.read(&mut chunk).map_err(|e| e.to_string())?;
        if n == 0 {
            return Err("connection closed before the response ended".to_owned());
        }
        buf.extend_from_slice(&chunk[..n]);
        if let Some((mut reply, body_at, len)) = parse_head(&buf)? {
            if len > max_body {
                return Err(format!("Content-Length {len} is over {max_body}"));
            }
            if buf.len() >= body_at + len {
                if buf.len() > body_at + len {
                    return Err("bytes after the response".to_owned());
                }
                reply.body = buf.split_off(body_at);
                return Ok(reply);
            }
        }
    }
    Err(format!("response longer than {cap} bytes"))
}

/// The response head at the front of `buf`, once complete: the reply without its body, where
/// the body starts, and its declared length.
fn parse_head(buf: &[u8]) -> Result<Option<(Reply, usize, usize)>, String> {
    let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") else {
        return Ok(None);
    };
    let head = std::str::from_utf8(&buf[..end]).map_err(|_| "response head is not UTF-8")?;
    let mut lines = head.split("\r\n");
    let status_line = lines.next().unwrap_or("");
    let status = status_line
        .strip_prefix("HTTP/1.1 ")
        .and_then(|rest| rest.get(..3))
        .and_then(|code| code.parse::<u16>().ok())
        .ok_or_else(|| format!("bad status line {status_line:?}"))?;
    let mut headers = Vec::new();
    for line in lines {
        let (name, value) = line
            .split_once(':')
            .ok_or_else(|| format!("bad header {line:?}"))?;
        headers.push((name.trim().to_ascii_lowercase(), value.trim().to_owned()));
    }
    let reply = Reply {
        status,
        headers,
        body: Vec::new(),
    };
    let len = reply
        .header("content-length")
        .and_then(|v| v.parse::<usize>().ok())
        .ok_or("response without a valid Content-Length")?;
    Ok(Some((reply, end + 4, len)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_heads() {
        let ok = b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\ncontent-length: 12\r\n\r\nHello";
        let (reply, at, len) = parse_head(ok).unwrap().unwrap();
        assert_eq!((reply.status, at, len), (200, ok.len() - 5, 12));
        assert_eq!(reply.header("content-type"), Some("text/plain"));
        assert!(
            parse_head(b"HTTP/1.1 200 OK\r\nContent-Length: 1")
                .unwrap()
                .is_none()
        );
        let bad: [&[u8]; 4] = [
            b"HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n",
            b"HTTP/1.1 2x0 OK\r\nContent-Length: 0\r\n\r\n",
            b"HTTP/1.1 200 OK\r\nX: y\r\n\r\n",
            b"HTTP/1.1 200 OK\r\nno colon\r\n\r\n",
        ];
        for b in bad {
            assert!(parse_head(b).is_err(), "{:?}", String::from_utf8_lossy(b));
        }
    }

    #[test]
    fn reads_two_responses_on_one_connection() {
        use std::net::TcpListener;
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let server = std::thread::spawn(move || {
            let (mut s, _) = listener.accept().unwrap();
            s.set_read_timeout(Some(IO_TIMEOUT)).unwrap();
            let mut buf = [0u8; 512];
            for body in ["Hello world!", "xx"] {
                let _ = s.read(&mut buf).unwrap();
                let resp = format!(
                    "HTTP/1.1 200 OK\r\nContent-Length: {}\r\n\r\n{body}",
                    body.len()
                );
                s.write_all(resp.as_bytes()).unwrap();
            }
        });
        let mut stream = connect(addr).unwrap();
        assert_eq!(
            get(&mut stream, "/hello", 100).unwrap().body,
            b"Hello world!"
        );
        assert_eq!(
            get(&mut stream, "/big", 1).unwrap_err(),
            "Content-Length 2 is over 1"
        );
        server.join().unwrap();
    }
}
