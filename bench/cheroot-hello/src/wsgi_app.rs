//! The hello routes as a WSGI-style app, for the bench's `wsgi` gateway.

use bytes::Bytes;
use cheroot_wsgi::{AppError, Body, Environ, StartResponse};

use crate::{BIG_LEN_STR, HELLO};

/// `/big` answers the shared 1 MiB body, every other path `Hello world!`, both with a
/// `Content-Length`; a request body is read and dropped, as `builtin:hello` does.
pub(crate) fn hello<'r>(
    mut env: Environ,
    start_response: StartResponse<'r>,
    big: &Bytes,
) -> Result<Body<'r>, AppError> {
    // The body is usually empty here; reading it keeps the connection in sync either way.
    env.input.read_all()?;
    let (body, length) = if env.path_info() == "/big" {
        (big.clone(), BIG_LEN_STR)
    } else {
        (bytes::Bytes::from_static(HELLO), "12")
    };
    start_response.start(
        "200 OK",
        [
            ("Content-Type", "text/plain".to_owned()),
            ("Content-Length", length.to_owned()),
        ],
    )?;
    Ok(Body::from(body))
}
