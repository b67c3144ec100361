//! What an adapter is built from: certificate and key files, the key's password, the chain,
//! ciphers and client-certificate verification.

use std::fmt;
use std::path::PathBuf;
use std::sync::Arc;

/// Whether the server asks clients for a certificate, and whether it insists.
///
/// cheroot has no constructor knob for this (users set `adapter.context.verify_mode`); here it
/// is a setting. The certificates are checked against [`TlsSettings::ca_bundle`], or against
/// [`TlsSettings::certificate_chain`] when no bundle is given, as cheroot does. The client's
/// name is never checked (`test_ssl.py::test_tls_client_auth`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ClientVerify {
    /// Do not ask for a client certificate (`ssl.CERT_NONE`, the default).
    #[default]
    None,
    /// Ask; a client without a certificate is let in, one with an untrusted certificate is
    /// refused (`ssl.CERT_OPTIONAL`).
    Optional,
    /// Ask and refuse clients without a trusted certificate (`ssl.CERT_REQUIRED`).
    Required,
}

/// The password of an encrypted private key: text, bytes, or a function that returns it
/// (called once, when the adapter is built), as cheroot's `private_key_password` takes.
///
/// `Debug` never shows the password.
#[derive(Clone)]
pub enum Password {
    /// A password given as text (used as its UTF-8 bytes).
    Text(String),
    /// A password given as bytes.
    Bytes(Vec<u8>),
    /// A function asked for the password when the key is read.
    Callback(Arc<dyn Fn() -> Vec<u8> + Send + Sync>),
}

impl Password {
    /// A password produced by `f` when the key is read; `f` may return text or bytes.
    ///
    /// ```
    /// let password = cheroot_tls::Password::callback(|| "secret");
    /// # drop(password);
    /// ```
    pub fn callback<F, R>(f: F) -> Self
    where
        F: Fn() -> R + Send + Sync + 'static,
        R: Into<Vec<u8>>,
    {
        Self::Callback(Arc::new(move || f().into()))
    }

    /// The password's bytes, calling the callback if there is one.
    #[cfg_attr(
        not(feature = "openssl"),
        allow(dead_code, reason = "called only where OpenSSL reads the key")
    )]
    pub(crate) fn resolve(&self) -> Vec<u8> {
        match self {
            Self::Text(text) => text.as_bytes().to_vec(),
            Self::Bytes(bytes) => bytes.clone(),
            Self::Callback(f) => f(),
        }
    }
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match self {
            Self::Text(_) => "Text",
            Self::Bytes(_) => "Bytes",
            Self::Callback(_) => "Callback",
        };
        write!(f, "Password::{kind}(..)")
    }
}

impl From<&str> for Password {
    fn from(text: &str) -> Self {
        Self::Text(text.to_owned())
    }
}

impl From<String> for Password {
    fn from(text: String) -> Self {
        Self::Text(text)
    }
}

impl From<&[u8]> for Password {
    fn from(bytes: &[u8]) -> Self {
        Self::Bytes(bytes.to_vec())
    }
}

impl From<Vec<u8>> for Password {
    fn from(bytes: Vec<u8>) -> Self {
        Self::Bytes(bytes)
    }
}

/// The settings of a TLS adapter, cheroot's `Adapter(certificate, private_key,
/// certificate_chain=None, ciphers=None, *, private_key_password=None)` plus client
/// verification.
///
/// ```
/// use cheroot_tls::{ClientVerify, TlsSettings};
///
/// let settings = TlsSettings::new("cert.pem", "key.pem")
///     .with_private_key_password("secret")
///     .with_client_verify(ClientVerify::Optional)
///     .with_ca_bundle("clients-ca.pem");
/// assert_eq!(settings.client_verify, ClientVerify::Optional);
/// ```
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct TlsSettings {
    /// The server certificate, PEM; further certificates in the file are sent as its chain.
    pub certificate: PathBuf,
    /// The private key, PEM (PKCS#8, PKCS#1 or SEC1; encrypted with a password or not).
    pub private_key: PathBuf,
    /// The password of an encrypted private key; ignored when the key is not encrypted.
    pub private_key_password: Option<Password>,
    /// Intermediate (and CA) certificates, PEM: sent after the certificate, and, when no
    /// [`ca_bundle`](Self::ca_bundle) is set, the CA that client certificates are checked
    /// against (cheroot's `certificate_chain` doubles as the `cafile`).
    pub certificate_chain: Option<PathBuf>,
    /// An OpenSSL cipher list (`ECDHE+AESGCM:!aNULL`, names such as
    /// `ECDHE-RSA-AES128-GCM-SHA256` or IANA's `TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256`),
    /// applied on both backends. As in OpenSSL, it restricts TLS 1.2 suites; TLS 1.3 suites
    /// are restricted only when it names some (`TLS_AES_256_GCM_SHA384`).
    pub ciphers: Option<String>,
    /// Whether client certificates are asked for and required.
    pub client_verify: ClientVerify,
    /// The CAs client certificates are checked against, PEM; defaults to
    /// [`certificate_chain`](Self::certificate_chain).
    pub ca_bundle: Option<PathBuf>,
}

impl TlsSettings {
    /// Settings for a certificate and its private key; everything else off.
    pub fn new(certificate: impl Into<PathBuf>, private_key: impl Into<PathBuf>) -> Self {
        Self {
            certificate: certificate.into(),
            private_key: private_key.into(),
            private_key_password: None,
            certificate_chain: None,
            ciphers: None,
            client_verify: ClientVerify::None,
            ca_bundle: None,
        }
    }

    /// Sets the private key's password.
    pub fn with_private_key_password(mut self, password: impl Into<Password>) -> Self {
        self.private_key_password = Some(password.into());
        self
    }

    /// Sets the certificate chain file.
    pub fn with_certificate_chain(mut self, path: impl Into<PathBuf>) -> Self {
        self.certificate_chain = Some(path.into());
        self
    }

    /// Sets the cipher list.
    pub fn with_ciphers(mut self, ciphers: impl Into<String>) -> Self {
        self.ciphers = Some(ciphers.into());
        self
    }

    /// Sets client-certificate verification.
    pub fn with_client_verify(mut self, verify: ClientVerify) -> Self {
        self.client_verify = verify;
        self
    }

    /// Sets the CA bundle client certificates are checked against.
    pub fn with_ca_bundle(mut self, path: impl Into<PathBuf>) -> Self {
        self.ca_bundle = Some(path.into());
        self
    }

    /// The file client certificates are checked against: the bundle, else the chain.
    #[cfg_attr(
        not(any(feature = "rustls", feature = "openssl")),
        allow(dead_code, reason = "used only by a backend, and this build has none")
    )]
    pub(crate) fn client_ca_file(&self) -> Option<&std::path::Path> {
        self.ca_bundle
            .as_deref()
            .or(self.certificate_chain.as_deref())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn password_forms() {
        assert_eq!(Password::from("pw").resolve(), b"pw");
        assert_eq!(Password::from(&b"pw"[..]).resolve(), b"pw");
        assert_eq!(Password::from(b"pw".to_vec()).resolve(), b"pw");
        assert_eq!(Password::callback(|| "pw").resolve(), b"pw");
        assert_eq!(Password::callback(|| b"pw".to_vec()).resolve(), b"pw");
        assert_eq!(format!("{:?}", Password::from("pw")), "Password::Text(..)");
    }

    #[test]
    fn chain_doubles_as_client_ca() {
        let s = TlsSettings::new("c", "k").with_certificate_chain("chain");
        assert_eq!(s.client_ca_file(), Some(std::path::Path::new("chain")));
        let s = s.with_ca_bundle("bundle");
        assert_eq!(s.client_ca_file(), Some(std::path::Path::new("bundle")));
    }
}
