//! Errors the client caused: a request body that ended early (the connection closed or was
//! reset mid-body, a malformed chunk, a body over the limit, a read timeout).
//!
//! The connection task hands such an error to the gateway through the body, and a gateway
//! usually lets it through as its own failure. The server then must not log it as an
//! application error: the client got (or could not get) its answer, and cheroot drops these
//! quietly too. Marking the error where it starts is what lets the server tell it from an app
//! failure that happens to wrap an `io::Error`.

use std::error::Error as StdError;
use std::fmt;
use std::io;

use crate::GatewayError;

/// The cause of a body error on the client's side, kept inside an [`io::Error`] so gateways
/// see an ordinary error of the usual kind.
#[derive(Debug)]
struct ClientSide(Box<dyn StdError + Send + Sync>);

impl fmt::Display for ClientSide {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

impl StdError for ClientSide {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        self.0.source()
    }
}

/// An error of `kind` that says the client ended the body early (or sent a bad one).
pub(crate) fn client_side(
    kind: io::ErrorKind,
    cause: impl Into<Box<dyn StdError + Send + Sync>>,
) -> io::Error {
    io::Error::new(kind, ClientSide(cause.into()))
}

/// An I/O error kept as a client-side error, its kind unchanged.
pub(crate) fn client_side_io(err: io::Error) -> io::Error {
    client_side(err.kind(), err)
}

/// Whether the error a gateway returned, or any error in its chain of sources, was caused by
/// the client: marked by [`client_side`], or one of the socket errors cheroot ignores
/// (`is_ignorable`: resets, broken pipes, timeouts).
pub(crate) fn is_client_caused(err: &GatewayError) -> bool {
    // The walk starts at the wrapped error: `GatewayError` is transparent, its `source()`
    // skips it.
    chain_is_client_caused(err.get_ref())
}

fn chain_is_client_caused(err: &(dyn StdError + 'static)) -> bool {
    let mut next = Some(err);
    while let Some(err) = next {
        if let Some(io) = err.downcast_ref::<io::Error>() {
            if cheroot_errors::is_ignorable(io)
                || io.get_ref().is_some_and(|e| e.is::<ClientSide>())
            {
                return true;
            }
            // `io::Error::source` skips the error it wraps; look at that one too.
            if let Some(inner) = io.get_ref() {
                let inner: &(dyn StdError + 'static) = inner;
                if chain_is_client_caused(inner) {
                    return true;
                }
            }
        }
        next = err.source();
    }
    false
}

/// `err` and its sources on one line, `outer: inner: ...`, leaving out a source whose text
/// the line already holds (wrappers that show their source's text).
pub(crate) fn readable_chain(err: &(dyn StdError + 'static)) -> String {
    let mut line = err.to_string();
    let mut next = err.source();
    while let Some(source) = next {
        let text = source.to_string();
        if !line.contains(&text) {
            line.push_str(": ");
            line.push_str(&text);
        }
        next = source.source();
    }
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug)]
    struct Wrapper(io::Error);

    impl fmt::Display for Wrapper {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("reading the upload failed")
        }
    }

    impl StdError for Wrapper {
        fn source(&self) -> Option<&(dyn StdError + 'static)> {
            Some(&self.0)
        }
    }

    #[test]
    fn client_caused_errors_are_found_through_wrappers() {
        let cases: Vec<(GatewayError, bool)> = vec![
            (
                GatewayError::new(client_side(io::ErrorKind::UnexpectedEof, "closed mid-body")),
                true,
            ),
            (
                GatewayError::new(Wrapper(client_side(
                    io::ErrorKind::InvalidData,
                    "Bad chunk size",
                ))),
                true,
            ),
            (GatewayError::new(io::Error::from_raw_os_error(104)), true),
            (
                GatewayError::new(Wrapper(io::Error::from_raw_os_error(32))),
                true,
            ),
            (
                GatewayError::new(client_side_io(io::Error::from_raw_os_error(104))),
                true,
            ),
            // App failures, even when they are I/O errors of the app's own.
            (GatewayError::msg("the gateway failed"), false),
            (
                GatewayError::new(io::Error::new(io::ErrorKind::NotFound, "no such template")),
                false,
            ),
            (
                GatewayError::new(io::Error::new(io::ErrorKind::UnexpectedEof, "short file")),
                false,
            ),
        ];
        for (err, client) in cases {
            assert_eq!(is_client_caused(&err), client, "{err:?}");
        }
    }

    #[test]
    fn chains_read_as_one_line() {
        let err = GatewayError::new(Wrapper(io::Error::new(
            io::ErrorKind::NotFound,
            "no such template",
        )));
        assert_eq!(
            readable_chain(&err),
            "reading the upload failed: no such template"
        );
        assert_eq!(readable_chain(&GatewayError::msg("boom")), "boom");
    }
}
