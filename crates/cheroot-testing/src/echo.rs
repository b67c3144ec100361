//! The echo app of ECHO_APP.md: fixed routes the black-box suites and the project's own tests
//! talk to over raw sockets.

mod query;
mod report;

use std::sync::OnceLock;
use std::time::Duration;

use cheroot::wsgi::{AppError, Body, Environ, StartResponse, WsgiApp};

use query::{BadParam, Param};

/// The echo application, exactly as ECHO_APP.md specifies it.
///
/// | request | response |
/// |---|---|
/// | `GET /hello` | `200`, `text/plain`, `Hello world!` |
/// | any method on `/echo` | `200`, `application/json`: the request as the app saw it |
/// | `GET /stream?n=K&size=S` | `200`, K chunks of S bytes of `x`, no `Content-Length` |
/// | `GET /big?bytes=N` | `200`, `Content-Length: N`, N bytes of `x` |
/// | `GET /slow?ms=M` | sleeps M ms on the worker, then `200` `done` |
/// | `GET /status/NNN` | status NNN, empty body |
/// | `OPTIONS *` | `200`, `Allow: GET, HEAD, POST, PUT, DELETE, OPTIONS`, empty body |
/// | `GET /raise` | fails before starting the response: the server answers `500` |
/// | anything else | `404` |
///
/// `GET` routes answer `HEAD` too (the server sends no body). The parameters are bounded, and
/// a missing one takes its default:
///
/// | parameter | default | largest |
/// |---|---|---|
/// | `n` (chunks) | 10 | [`MAX_STREAM_CHUNKS`](Echo::MAX_STREAM_CHUNKS) = 1,000,000 |
/// | `size` (bytes per chunk) | 1024 | [`MAX_STREAM_CHUNK_SIZE`](Echo::MAX_STREAM_CHUNK_SIZE) = 1 MiB |
/// | `n` × `size` | | [`MAX_BODY`](Echo::MAX_BODY) = 1 GiB |
/// | `bytes` | 1 MiB | [`MAX_BODY`](Echo::MAX_BODY) = 1 GiB |
/// | `ms` | 1000 | [`MAX_SLEEP_MS`](Echo::MAX_SLEEP_MS) = 60,000 |
///
/// A parameter that is not a plain decimal integer within its bounds, or a `/status/NNN`
/// outside 200..=599, is answered `400` with a `text/plain` reason.
///
/// `/echo`'s JSON lists `method`, `path` (decoded `PATH_INFO`), `query` (raw
/// `QUERY_STRING`), `protocol`, `headers` (in order received, names lower-cased, values
/// ISO-8859-1 decoded), `body_len` and `body_sha256` (over the body read through
/// `wsgi.input`, de-chunked), `url_scheme`, `remote_addr`, then `peer` when the environ has
/// peer credentials (`X_REMOTE_PID`/`UID`/`GID`, `X_REMOTE_USER`/`GROUP`) and `tls` when it
/// has `SSL_*` keys. One member per line, two-space indent, nested values on one line, no
/// trailing newline.
///
/// ```no_run
/// use cheroot_testing::{Echo, TestServer};
///
/// let server = TestServer::start(Echo);
/// let resp = server.client().post("/echo?a=1", b"hello")?;
/// resp.assert_status(200).assert_header("Content-Type", "application/json");
/// # Ok::<(), std::io::Error>(())
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct Echo;

impl Echo {
    /// The most chunks `/stream` sends.
    pub const MAX_STREAM_CHUNKS: u64 = 1_000_000;
    /// The largest `/stream` chunk, in bytes.
    pub const MAX_STREAM_CHUNK_SIZE: u64 = 1 << 20;
    /// The largest `/big` body, and the largest `/stream` body (`n` × `size`), in bytes.
    pub const MAX_BODY: u64 = 1 << 30;
    /// The longest `/slow` sleep, in milliseconds.
    pub const MAX_SLEEP_MS: u64 = 60_000;
    /// The `Allow` header of `OPTIONS *`.
    pub const ALLOW: &'static str = "GET, HEAD, POST, PUT, DELETE, OPTIONS";
}

const STREAM_CHUNKS: Param = Param {
    name: "n",
    default: 10,
    max: Echo::MAX_STREAM_CHUNKS,
};
const STREAM_CHUNK_SIZE: Param = Param {
    name: "size",
    default: 1024,
    max: Echo::MAX_STREAM_CHUNK_SIZE,
};
const BIG_BYTES: Param = Param {
    name: "bytes",
    default: 1 << 20,
    max: Echo::MAX_BODY,
};
const SLEEP_MS: Param = Param {
    name: "ms",
    default: 1000,
    max: Echo::MAX_SLEEP_MS,
};

impl WsgiApp for Echo {
    fn call<'r>(
        &self,
        mut env: Environ,
        start_response: StartResponse<'r>,
    ) -> Result<Body<'r>, AppError> {
        let get_like = matches!(env.method(), "GET" | "HEAD");
        if env.method() == "OPTIONS" && env.request_uri() == "*" {
            start_response.start("200 OK", [("Allow", Echo::ALLOW), ("Content-Length", "0")])?;
            return Ok(Body::empty());
        }
        let path = env.path_info().to_owned();
        let query = env.query_string().to_owned();
        match path.as_str() {
            "/echo" => {
                let json = report::echo_json(&mut env)?;
                start_response.start(
                    "200 OK",
                    [
                        ("Content-Type", "application/json".to_owned()),
                        ("Content-Length", json.len().to_string()),
                    ],
                )?;
                Ok(Body::from(json))
            }
            "/hello" if get_like => text(start_response, "200 OK", "Hello world!"),
            "/stream" if get_like => match stream_params(&query) {
                Ok((n, size)) => {
                    start_response.start("200 OK", [("Content-Type", "text/plain")])?;
                    let chunk = filler(size as usize);
                    Ok(Body::chunks((0..n).map(move |_| chunk)))
                }
                Err(BadParam(reason)) => text(start_response, "400 Bad Request", &reason),
            },
            "/big" if get_like => match query::get(&query, BIG_BYTES) {
                Ok(len) => {
                    start_response.start(
                        "200 OK",
                        [
                            ("Content-Type", "text/plain".to_owned()),
                            ("Content-Length", len.to_string()),
                        ],
                    )?;
                    Ok(Body::chunks(pieces(len)))
                }
                Err(BadParam(reason)) => text(start_response, "400 Bad Request", &reason),
            },
            "/slow" if get_like => match query::get(&query, SLEEP_MS) {
                Ok(ms) => {
                    // Blocks this worker thread, as a real blocking app would.
                    std::thread::sleep(Duration::from_millis(ms));
                    text(start_response, "200 OK", "done")
                }
                Err(BadParam(reason)) => text(start_response, "400 Bad Request", &reason),
            },
            "/raise" if get_like => Err(AppError::msg(
                "the echo app's /raise route fails before start_response, on purpose",
            )),
            _ => match path.strip_prefix("/status/") {
                Some(code) if get_like => match status_code(code) {
                    Some(code) => status_only(start_response, code),
                    None => text(
                        start_response,
                        "400 Bad Request",
                        &format!("Bad status {code:?}: expected three digits from 200 to 599."),
                    ),
                },
                _ => text(start_response, "404 Not Found", "Not Found"),
            },
        }
    }
}

/// `n` and `size` for `/stream`, with their product bounded.
fn stream_params(query: &str) -> Result<(u64, u64), BadParam> {
    let n = query::get(query, STREAM_CHUNKS)?;
    let size = query::get(query, STREAM_CHUNK_SIZE)?;
    if n.saturating_mul(size) > Echo::MAX_BODY {
        return Err(BadParam(format!(
            "Bad query: n={n} chunks of size={size} bytes is more than {} bytes.",
            Echo::MAX_BODY
        )));
    }
    Ok((n, size))
}

/// A status in 200..=599 written as exactly three digits.
fn status_code(text: &str) -> Option<u16> {
    if text.len() != 3 || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok().filter(|code| (200..=599).contains(code))
}

/// A response with status `code` and no body. 204 and 304 carry no `Content-Length`;
/// every other status says `Content-Length: 0`.
fn status_only<'r>(start_response: StartResponse<'r>, code: u16) -> Result<Body<'r>, AppError> {
    let reason = match cheroot::wire::canonical_reason(code) {
        "" => "Unknown",
        reason => reason,
    };
    let headers: Vec<(&str, &str)> = if matches!(code, 204 | 304) {
        Vec::new()
    } else {
        vec![("Content-Length", "0")]
    };
    start_response.start(&format!("{code} {reason}"), headers)?;
    Ok(Body::empty())
}

/// A `text/plain` response with a `Content-Length`.
fn text<'r>(
    start_response: StartResponse<'r>,
    status: &str,
    body: &str,
) -> Result<Body<'r>, AppError> {
    start_response.start(
        status,
        [
            ("Content-Type", "text/plain".to_owned()),
            ("Content-Length", body.len().to_string()),
        ],
    )?;
    Ok(Body::from(body.to_owned()))
}

/// `len` bytes of `x`, as a static slice shared by every response.
fn filler(len: usize) -> &'static [u8] {
    static XS: OnceLock<Vec<u8>> = OnceLock::new();
    let xs = XS.get_or_init(|| vec![b'x'; Echo::MAX_STREAM_CHUNK_SIZE as usize]);
    &xs[..len.min(xs.len())]
}

/// `len` bytes of `x` in pieces of at most 1 MiB, so a large body is never held in memory.
fn pieces(len: u64) -> impl Iterator<Item = &'static [u8]> {
    let piece = Echo::MAX_STREAM_CHUNK_SIZE;
    (0..len.div_ceil(piece)).map(move |i| filler((len - i * piece).min(piece) as usize))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_codes() {
        for (text, want) in [
            ("200", Some(200)),
            ("599", Some(599)),
            ("204", Some(204)),
            ("199", None),
            ("600", None),
            ("20", None),
            ("2000", None),
            ("+20", None),
            ("abc", None),
            ("", None),
        ] {
            assert_eq!(status_code(text), want, "{text:?}");
        }
    }

    #[test]
    fn pieces_add_up() {
        for len in [0u64, 1, (1 << 20) - 1, 1 << 20, (1 << 20) + 1, 3 << 20] {
            let total: u64 = pieces(len).map(|p| p.len() as u64).sum();
            assert_eq!(total, len);
            assert!(pieces(len).all(|p| !p.is_empty() && p.iter().all(|&b| b == b'x')));
        }
    }

    #[test]
    fn stream_product_is_bounded() {
        assert_eq!(stream_params("n=1024&size=1048576"), Ok((1024, 1 << 20)));
        assert!(stream_params("n=1025&size=1048576").is_err());
        assert_eq!(stream_params(""), Ok((10, 1024)));
    }
}
