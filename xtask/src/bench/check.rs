//! The check that a server answers both benchmark routes correctly before it is loaded, so a
//! fast wrong answer can never pass for a fast server.

use std::net::SocketAddr;

use super::client::{self, Reply};

/// The body of `/hello`.
const HELLO: &[u8] = b"Hello world!";
/// The size of `/big`'s body, all `x`.
const BIG_LEN: usize = 1 << 20;

/// Fetches `/hello` and `/big` on one keep-alive connection and checks status, type and body.
pub(crate) fn routes(addr: SocketAddr) -> Result<(), String> {
    let mut stream = client::connect(addr)?;
    let hello = client::get(&mut stream, "/hello", 1024).map_err(|e| format!("GET /hello: {e}"))?;
    expect("/hello", &hello, |b| b == HELLO)?;
    let big = client::get(&mut stream, "/big", BIG_LEN).map_err(|e| format!("GET /big: {e}"))?;
    expect("/big", &big, |b| {
        b.len() == BIG_LEN && b.iter().all(|&c| c == b'x')
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
}
