//! A small read-only JSON API on a native gateway, with nothing but cheroot (no framework, no
//! serde). `cargo run -p cheroot --example json_api`, then `curl http://127.0.0.1:8080/books/2`.
//!
//! - `GET /health`: `{"status": "ok"}`
//! - `GET /books`: every book, as an array
//! - `GET /books/{id}`: one book
//!
//! Any other path is 404, any method but GET and HEAD on these paths 405, each with a JSON
//! `{"error": ...}` body.

use cheroot::http::Method;
use cheroot::{Gateway, GatewayError, HttpServer, Request, Response};

/// The books served: id, title, author. ASCII without `"` or `\`, so they go into JSON strings
/// as they are (anything else would need escaping).
const BOOKS: [(u32, &str, &str); 3] = [
    (
        1,
        "The Rust Programming Language",
        "Steve Klabnik, Carol Nichols",
    ),
    (
        2,
        "Programming Rust",
        "Jim Blandy, Jason Orendorff, Leonora Tindall",
    ),
    (3, "Rust for Rustaceans", "Jon Gjengset"),
];

// `pub(crate)` only so that tests/examples.rs can serve it on an ephemeral port.
pub(crate) struct JsonApi;

impl Gateway for JsonApi {
    fn respond(&self, req: &mut Request<'_>, resp: &mut Response<'_>) -> Result<(), GatewayError> {
        let (status, body) = route(req.method(), req.target().path());
        // An empty reason phrase sends the standard one ("Not Found").
        resp.set_status(status, "");
        if status == 405 {
            resp.add_header("Allow", "GET, HEAD")?;
        }
        resp.add_header("Content-Type", "application/json")?;
        resp.add_header("Content-Length", body.len().to_string())?;
        resp.write(body.as_bytes())?;
        Ok(())
    }

    // It never blocks, so it can answer on the connection's I/O task, not on a worker thread.
    fn blocking(&self) -> bool {
        false
    }
}

/// The status code and JSON body for `method` on the (percent-decoded) `path`.
fn route(method: &Method, path: &[u8]) -> (u16, String) {
    let found = match path {
        b"/health" => Some(r#"{"status": "ok"}"#.to_owned()),
        b"/books" => Some(format!("[{}]", BOOKS.map(book_json).join(", "))),
        _ => path.strip_prefix(b"/books/").and_then(|id| {
            BOOKS
                .into_iter()
                .find(|book| book.0.to_string().as_bytes() == id)
                .map(book_json)
        }),
    };
    match found {
        None => (404, r#"{"error": "not found"}"#.to_owned()),
        Some(_) if method != Method::GET && method != Method::HEAD => {
            (405, r#"{"error": "method not allowed"}"#.to_owned())
        }
        Some(body) => (200, body),
    }
}

fn book_json((id, title, author): (u32, &str, &str)) -> String {
    format!(r#"{{"id": {id}, "title": "{title}", "author": "{author}"}}"#)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let server = HttpServer::new("127.0.0.1:8080".parse()?, JsonApi);
    // Serves until Ctrl-C or SIGTERM stop it gracefully: that interrupt is no failure.
    match server.safe_start() {
        Err(err) if !err.is_interrupted() => Err(err.into()),
        _ => Ok(()),
    }
}
