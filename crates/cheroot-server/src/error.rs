//! The error `HttpServer`'s lifecycle methods return: bad settings, a socket or runtime that
//! could not be set up, a misuse of the lifecycle, or the interrupt that stopped `serve()`.

use std::error::Error as StdError;
use std::fmt;
use std::io;

use crate::config::ConfigError;
use crate::workers::pool::PoolError;

/// Why `prepare()`, `serve()` or `start()` failed.
pub struct ServerError {
    kind: Kind,
}

enum Kind {
    Config(ConfigError),
    Io(io::Error),
    Pool(PoolError),
    NotPrepared,
    AlreadyPrepared,
    Interrupted(Box<dyn StdError + Send + Sync>),
}

impl ServerError {
    pub(crate) fn interrupted(err: Box<dyn StdError + Send + Sync>) -> Self {
        Self {
            kind: Kind::Interrupted(err),
        }
    }

    pub(crate) fn not_prepared() -> Self {
        Self {
            kind: Kind::NotPrepared,
        }
    }

    pub(crate) fn already_prepared() -> Self {
        Self {
            kind: Kind::AlreadyPrepared,
        }
    }

    /// Whether a setting was invalid (see [`ServerConfig::validate`](crate::ServerConfig::validate)).
    pub fn is_config(&self) -> bool {
        matches!(self.kind, Kind::Config(_))
    }

    /// Whether binding the socket or starting the runtime failed.
    pub fn is_io(&self) -> bool {
        matches!(self.kind, Kind::Io(_))
    }

    /// Whether `serve()` ended because of [`HttpServer::interrupt`](crate::HttpServer::interrupt).
    pub fn is_interrupted(&self) -> bool {
        matches!(self.kind, Kind::Interrupted(_))
    }

    /// Whether a lifecycle method was called out of order (`serve()` before `prepare()`,
    /// `prepare()` twice).
    pub fn is_lifecycle(&self) -> bool {
        matches!(self.kind, Kind::NotPrepared | Kind::AlreadyPrepared)
    }

    /// Whether this is an interrupt whose error is a `T`.
    pub(crate) fn interrupt_is<T: StdError + 'static>(&self) -> bool {
        matches!(&self.kind, Kind::Interrupted(err) if err.is::<T>())
    }

    /// The interrupt that stopped the server, if that is what this is.
    pub fn into_interrupt(self) -> Option<Box<dyn StdError + Send + Sync>> {
        match self.kind {
            Kind::Interrupted(err) => Some(err),
            _ => None,
        }
    }

    /// The I/O error, if that is what this is.
    pub fn io_error(&self) -> Option<&io::Error> {
        match &self.kind {
            Kind::Io(err) => Some(err),
            _ => None,
        }
    }
}

impl fmt::Debug for ServerError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            Kind::Config(err) => f.debug_tuple("Config").field(err).finish(),
            Kind::Io(err) => f.debug_tuple("Io").field(err).finish(),
            Kind::Pool(err) => f.debug_tuple("Pool").field(err).finish(),
            Kind::NotPrepared => f.write_str("NotPrepared"),
            Kind::AlreadyPrepared => f.write_str("AlreadyPrepared"),
            Kind::Interrupted(err) => f.debug_tuple("Interrupted").field(err).finish(),
        }
    }
}

impl fmt::Display for ServerError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            Kind::Config(err) => fmt::Display::fmt(err, f),
            Kind::Io(err) => fmt::Display::fmt(err, f),
            Kind::Pool(err) => fmt::Display::fmt(err, f),
            Kind::NotPrepared => f.write_str("serve() needs prepare() first"),
            Kind::AlreadyPrepared => f.write_str("the server is already prepared"),
            Kind::Interrupted(err) => fmt::Display::fmt(err, f),
        }
    }
}

/// Transparent: `Display` already shows the wrapped error, so `source()` goes on from *its*
/// source. Returning the wrapped error itself would make every error-chain printer (anyhow,
/// tracing's `{:#}`) say the same sentence twice.
impl StdError for ServerError {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        match &self.kind {
            Kind::Config(err) => err.source(),
            Kind::Io(err) => err.source(),
            Kind::Pool(err) => err.source(),
            Kind::Interrupted(err) => err.source(),
            Kind::NotPrepared | Kind::AlreadyPrepared => None,
        }
    }
}

impl From<ConfigError> for ServerError {
    fn from(err: ConfigError) -> Self {
        Self {
            kind: Kind::Config(err),
        }
    }
}

impl From<io::Error> for ServerError {
    fn from(err: io::Error) -> Self {
        Self {
            kind: Kind::Io(err),
        }
    }
}

impl From<PoolError> for ServerError {
    fn from(err: PoolError) -> Self {
        Self {
            kind: Kind::Pool(err),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::GatewayError;

    /// What an error-chain printer shows: each error of the chain, outermost first.
    fn chain(err: &(dyn StdError + 'static)) -> Vec<String> {
        let mut out = Vec::new();
        let mut next = Some(err);
        while let Some(err) = next {
            out.push(err.to_string());
            next = err.source();
        }
        out
    }

    #[derive(Debug)]
    struct Caused(io::Error);

    impl fmt::Display for Caused {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("loading the app failed")
        }
    }

    impl StdError for Caused {
        fn source(&self) -> Option<&(dyn StdError + 'static)> {
            Some(&self.0)
        }
    }

    #[test]
    fn chains_say_each_error_once() {
        let io = ServerError::from(io::Error::other("address in use"));
        assert_eq!(chain(&io), ["address in use"]);
        let interrupted = ServerError::interrupted(Box::new(Caused(io::Error::other("no file"))));
        assert_eq!(chain(&interrupted), ["loading the app failed", "no file"]);
        let gateway = GatewayError::new(Caused(io::Error::other("no file")));
        assert_eq!(chain(&gateway), ["loading the app failed", "no file"]);
        assert_eq!(chain(&GatewayError::msg("boom")), ["boom"]);
    }
}
