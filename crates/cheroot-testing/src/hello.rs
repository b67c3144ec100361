//! The hello app the benchmarks load: `200 Hello world!` to every request.

use cheroot::wsgi::{AppError, Body, Environ, StartResponse, WsgiApp};

/// Answers every request, whatever its method and path, with `200`,
/// `Content-Type: text/plain`, `Content-Length: 12` and `Hello world!`, after reading and
/// discarding the request body (ECHO_APP.md).
#[derive(Debug, Clone, Copy, Default)]
pub struct Hello;

/// How much of the body is read per call while discarding it.
const READ_SIZE: usize = 64 * 1024;

impl WsgiApp for Hello {
    fn call<'r>(
        &self,
        mut env: Environ,
        start_response: StartResponse<'r>,
    ) -> Result<Body<'r>, AppError> {
        // Bounded by the body's length: each read returns at least one byte until the end.
        while !env.input.read(READ_SIZE)?.is_empty() {}
        start_response.start(
            "200 OK",
            [("Content-Type", "text/plain"), ("Content-Length", "12")],
        )?;
        Ok(Body::from("Hello world!"))
    }
}
