//! How a gateway call ended, as the connection sees it: whether a head went out, the status, the
//! body bytes, whether the connection may carry another request, and why it failed if it did.
//! Its own module because both the response (inline) and the worker hand-off (pooled) carry it.

/// How a response ended, for the connection task.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Outcome {
    /// Whether any byte of the response was handed to the connection.
    pub(crate) head_sent: bool,
    pub(crate) status: u16,
    /// Body bytes sent (after framing decisions: discarded HEAD bytes are not counted).
    pub(crate) body_bytes: u64,
    /// Whether the connection may serve another request after this response.
    pub(crate) keep_alive: bool,
    pub(crate) failure: Option<Failure>,
}

/// Why a gateway call did not produce a whole response.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Failure {
    /// The gateway returned an error or panicked.
    Gateway,
    /// The gateway wrote more than its `Content-Length` before any header was sent.
    Overflow,
}
