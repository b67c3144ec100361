//! Choosing a backend by name, as cheroot's `get_ssl_adapter_class`: `rustls` (cheroot's
//! `builtin`) and `openssl` (cheroot's `pyopenssl`).

use std::sync::Arc;

use crate::adapter::SslAdapter;
use crate::error::TlsError;
use crate::settings::TlsSettings;

/// Every name the registry answers to, case-insensitively.
pub const ADAPTER_NAMES: &[&str] = &["rustls", "builtin", "openssl", "pyopenssl"];

/// A TLS backend known to the registry, built into this binary or not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum AdapterKind {
    /// rustls with the ring provider (feature `rustls`).
    Rustls,
    /// The system's OpenSSL (feature `openssl`).
    OpenSsl,
}

impl AdapterKind {
    /// The backend's name, which is also its cargo feature.
    pub fn name(self) -> &'static str {
        match self {
            Self::Rustls => "rustls",
            Self::OpenSsl => "openssl",
        }
    }

    /// Whether this binary was built with the backend's feature.
    pub fn is_built(self) -> bool {
        match self {
            Self::Rustls => cfg!(feature = "rustls"),
            Self::OpenSsl => cfg!(feature = "openssl"),
        }
    }

    /// Builds an adapter of this kind from `settings`.
    ///
    /// # Errors
    ///
    /// The backend is not built in ([`TlsError::is_not_built`]), or the settings are unusable:
    /// a missing or malformed file, a wrong key password, unknown cipher names.
    pub fn build(self, settings: TlsSettings) -> Result<Arc<dyn SslAdapter>, TlsError> {
        match self {
            #[cfg(feature = "rustls")]
            Self::Rustls => Ok(Arc::new(crate::RustlsAdapter::new(settings)?)),
            #[cfg(feature = "openssl")]
            Self::OpenSsl => Ok(Arc::new(crate::OpenSslAdapter::new(settings)?)),
            #[allow(unreachable_patterns, reason = "reached only when a backend is off")]
            other => {
                drop(settings);
                Err(TlsError::not_built(other.name()))
            }
        }
    }
}

/// The adapter answering to `name` (`rustls`, `builtin`, `openssl` or `pyopenssl`, any case).
///
/// ```
/// use cheroot_tls::{AdapterKind, get_ssl_adapter_class};
///
/// match get_ssl_adapter_class("builtin") {
///     Ok(kind) => assert_eq!(kind, AdapterKind::Rustls),
///     Err(err) => assert!(err.is_not_built()),
/// }
/// assert!(get_ssl_adapter_class("gnutls").unwrap_err().is_unknown_adapter());
/// ```
///
/// # Errors
///
/// An unknown name (the message lists the known ones), or a known one whose cargo feature is
/// off in this binary ("the openssl adapter is not built into this binary; rebuild with
/// --features openssl").
pub fn get_ssl_adapter_class(name: &str) -> Result<AdapterKind, TlsError> {
    let kind = match name.to_ascii_lowercase().as_str() {
        "rustls" | "builtin" => AdapterKind::Rustls,
        "openssl" | "pyopenssl" => AdapterKind::OpenSsl,
        _ => return Err(TlsError::unknown_adapter(name, ADAPTER_NAMES)),
    };
    if kind.is_built() {
        Ok(kind)
    } else {
        Err(TlsError::not_built(kind.name()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        for (name, kind) in [
            ("rustls", AdapterKind::Rustls),
            ("BuiltIn", AdapterKind::Rustls),
            ("openssl", AdapterKind::OpenSsl),
            ("pyOpenSSL", AdapterKind::OpenSsl),
        ] {
            match get_ssl_adapter_class(name) {
                Ok(got) => assert_eq!(got, kind),
                Err(err) => {
                    assert!(!kind.is_built());
                    assert!(
                        err.to_string()
                            .contains(&format!("--features {}", kind.name()))
                    );
                }
            }
        }
        let err = get_ssl_adapter_class("schannel").expect_err("unknown");
        assert!(err.is_unknown_adapter());
        assert!(
            err.to_string()
                .contains("rustls, builtin, openssl, pyopenssl")
        );
    }
}
