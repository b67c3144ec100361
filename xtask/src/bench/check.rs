//! The check that a server answers the benchmark routes correctly before it is loaded, so a
//! fast wrong answer can never pass for a fast server.

use std::net::SocketAddr;
use std::process::{Command, Stdio};

use super::client::{self, Reply};

/// The body of `/hello`.
const HELLO: &[u8] = b"Hello world!";
/// The size of `/big`'s body, all `x`.
const BIG_LEN: usize = 1 << 20;

/// Fetches `/hello`, and `/big` when `big`, on one keep-alive connection and checks status,
/// type and body.
pub(crate) fn routes(addr: SocketAddr, big: bool) -> Result<(), String> {
    let mut stream = client::connect(addr)?;
    let hello = client::get(&mut stream, "/hello", 1024).map_err(|e| format!("GET /hello: {e}"))?;
    expect("/hello", &hello, |b| b == HELLO)?;
    if !big {
        return Ok(());
    }
    let big = client::get(&mut stream, "/big", BIG_LEN).map_err(|e| format!("GET /big: {e}"))?;
    expect("/big", &big, |b| {
        b.len() == BIG_LEN && b.iter().all(|&c| c == b'x')
    })
}

/// Fetches `path` once and checks for 200 `text/plain` and a body `body_ok` accepts, of at
/// most `max_body` bytes: the Python benchmark's check, one app per server.
pub(crate) fn answer(
    addr: SocketAddr,
    path: &str,
    max_body: usize,
    body_ok: impl Fn(&[u8]) -> bool,
) -> Result<(), String> {
    let mut stream = client::connect(addr)?;
    let reply = client::get(&mut stream, path, max_body).map_err(|e| format!("GET {path}: {e}"))?;
    expect(path, &reply, body_ok)
}

/// The same check over HTTPS, with curl (the built-in client speaks plain TCP only), each route
/// on its own connection; the certificate is the harness's own, so it is not verified.
pub(crate) fn routes_https(addr: SocketAddr, big: bool) -> Result<(), String> {
    let hello = curl_get(addr, "/hello")?;
    expect("/hello", &hello, |b| b == HELLO)?;
    if !big {
        return Ok(());
    }
    let big = curl_get(addr, "/big")?;
    expect("/big", &big, |b| {
        b.len() == BIG_LEN && b.iter().all(|&c| c == b'x')
    })
}

/// `GET https://ADDR/PATH` with curl: the body from its standard output, the status and
/// Content-Type from `--write-out` on its standard error.
fn curl_get(addr: SocketAddr, path: &str) -> Result<Reply, String> {
    let out = Command::new("curl")
        .args(["-sS", "-k", "--max-time", "10", "--http1.1", "-o", "-"])
        .args(["-w", "%{stderr}%{http_code} %{content_type}"])
        .arg(format!("https://{addr}{path}"))
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("cannot run curl (needed for the TLS scenarios): {e}"))?;
    let meta = String::from_utf8_lossy(&out.stderr);
    if !out.status.success() {
        return Err(format!(
            "curl GET {path} failed ({}): {}",
            out.status,
            meta.trim()
        ));
    }
    parse_write_out(&meta, out.stdout)
        .ok_or_else(|| format!("curl GET {path}: cannot read {meta:?}"))
}

/// Reads curl's `"%{http_code} %{content_type}"` (the last line, after any message).
fn parse_write_out(meta: &str, body: Vec<u8>) -> Option<Reply> {
    let line = meta.lines().last()?;
    let (code, ctype) = line.split_once(' ').unwrap_or((line, ""));
    Some(Reply {
        status: code.trim().parse().ok()?,
        headers: vec![("content-type".to_owned(), ctype.trim().to_owned())],
        body,
    })
}

fn expect(path: &str, reply: &Reply, body_ok: impl Fn(&[u8]) -> bool) -> Result<(), String> {
    if reply.status != 200 {
        return Err(format!("GET {path} answered {}", reply.status));
    }
    let ctype = reply.header("content-type").unwrap_or("");
    if !ctype.starts_with("text/plain") {
        return Err(format!("GET {path} has Content-Type {ctype:?}"));
    }
    if !body_ok(&reply.body) {
        return Err(format!(
            "GET {path} has the wrong body ({} bytes)",
            reply.body.len()
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reply(status: u16, ctype: &str, body: &[u8]) -> Reply {
        Reply {
            status,
            headers: vec![("content-type".to_owned(), ctype.to_owned())],
            body: body.to_vec(),
        }
    }

    #[test]
    fn accepts_only_the_expected_answer() {
        let is_hello = |b: &[u8]| b == HELLO;
        assert!(expect("/hello", &reply(200, "text/plain", HELLO), is_hello).is_ok());
        assert!(
            expect(
                "/hello",
                &reply(200, "text/plain; charset=utf-8", HELLO),
                is_hello
            )
            .is_ok()
        );
        let wrong = [
            reply(500, "text/plain", HELLO),
            reply(200, "text/html", HELLO),
            reply(200, "text/plain", b"Hello"),
        ];
        for r in &wrong {
            assert!(expect("/hello", r, is_hello).is_err(), "{r:?}");
        }
    }

    #[test]
    fn reads_curls_write_out() {
        let r = parse_write_out("200 text/plain", HELLO.to_vec()).unwrap();
        assert_eq!(
            (r.status, r.header("content-type")),
            (200, Some("text/plain"))
        );
        assert_eq!(r.body, HELLO);
        let r = parse_write_out("404 ", Vec::new()).unwrap();
        assert_eq!((r.status, r.header("content-type")), (404, Some("")));
        // Without a response curl writes 000 and no type.
        let r = parse_write_out("000", Vec::new()).unwrap();
        assert_eq!(r.status, 0);
        assert!(parse_write_out("", Vec::new()).is_none());
        assert!(parse_write_out("abc text/plain", Vec::new()).is_none());
    }
}
