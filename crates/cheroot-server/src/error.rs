//! The error `HttpServer`'s lifecycle methods return: bad settings, a socket or runtime that
//! could not be set up, a misuse of the lifecycle, or the interrupt that stopped `serve()`.

use std::error::Error as StdError;
use std::fmt;
use std::io;

use crate::config::ConfigError;
use crate::pool::PoolError;

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

impl StdError for ServerError {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        match &self.kind {
            Kind::Config(err) => Some(err),
            Kind::Io(err) => Some(err),
            Kind::Pool(err) => Some(err),
            Kind::Interrupted(err) => Some(&**err),
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
