//! The OpenSSL backend (system libssl): cheroot's `pyopenssl` adapter.

use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use openssl::pkey::{PKey, Private};
use openssl::ssl::{
    self, AlpnError, ErrorCode, NameType, Ssl, SslAcceptor, SslMethod, SslVerifyMode,
};
use openssl::x509::{X509, X509Name};
use tokio_openssl::SslStream;

use crate::adapter::{AcceptFuture, BoxedIo, SslAdapter};
use crate::error::{TlsAcceptError, TlsError};
use crate::files;
use crate::handshake::{self, Backend, ConnFacts, Identity, Served};
use crate::openssl_ciphers;
use crate::openssl_errors::{bad_key, one_line};
use crate::prefixed::Prefixed;
use crate::settings::{ClientVerify, TlsSettings};

/// The `openssl` crate series this crate is built against, for `SSL_VERSION_INTERFACE`.
const RUST_OPENSSL_VERSION: &str = "0.10";

/// ALPN: `http/1.1` in wire form.
const ALPN_HTTP11: &[u8] = b"\x08http/1.1";

/// TLS through the system's OpenSSL: TLS 1.2 and 1.3 with Mozilla's "intermediate" defaults,
/// narrowed by `ciphers` when given (cheroot's pyOpenSSL adapter ignored them).
///
/// Registered as `"openssl"` and as cheroot's `"pyopenssl"`.
#[derive(Debug, Clone)]
#[cfg_attr(docsrs, doc(cfg(feature = "openssl")))]
pub struct OpenSslAdapter {
    inner: Arc<Served<SslAcceptor>>,
}

impl OpenSslAdapter {
    /// Builds the adapter: reads and checks every file now, so that a bad file fails at
    /// start-up with its name.
    ///
    /// # Errors
    ///
    /// A missing or malformed certificate, key or CA file, an encrypted key with a wrong or
    /// missing password, a key that does not match the certificate, or a `ciphers` list with
    /// unknown names.
    pub fn new(settings: TlsSettings) -> Result<Self, TlsError> {
        let openssl = |err: openssl::error::ErrorStack| {
            TlsError::config(format!("OpenSSL: {}", one_line(&err)))
        };
        let mut builder =
            SslAcceptor::mozilla_intermediate_v5(SslMethod::tls_server()).map_err(openssl)?;

        let certs = load_certs(&settings.certificate, "certificate")?;
        builder.set_certificate(&certs[0]).map_err(|err| {
            TlsError::file(
                &settings.certificate,
                format!("unusable certificate: {}", one_line(&err)),
            )
        })?;
        let mut extra: Vec<X509> = certs[1..].to_vec();
        if let Some(path) = &settings.certificate_chain {
            extra.extend(load_certs(path, "certificate chain")?);
        }
        let mut sent: Vec<Vec<u8>> = vec![certs[0].to_der().map_err(openssl)?];
        for cert in extra {
            let der = cert.to_der().map_err(openssl)?;
            if !sent.contains(&der) {
                builder.add_extra_chain_cert(cert).map_err(openssl)?;
                sent.push(der);
            }
        }

        let key = load_key(&settings)?;
        let mismatch = |err: openssl::error::ErrorStack| {
            TlsError::file(
                &settings.private_key,
                format!(
                    "cannot use this key with the certificate {}: {}",
                    settings.certificate.display(),
                    one_line(&err)
                ),
            )
        };
        builder.set_private_key(&key).map_err(mismatch)?;
        builder.check_private_key().map_err(mismatch)?;

        if let Some(spec) = &settings.ciphers {
            openssl_ciphers::apply(&mut builder, spec)?;
        }

        if settings.client_verify != ClientVerify::None {
            let path = settings.client_ca_file().ok_or_else(|| {
                TlsError::config(
                    "client certificate verification needs CA certificates: set ca_bundle or certificate_chain",
                )
            })?;
            // Checked as PEM first, for an error that names the file.
            load_certs(path, "CA bundle")?;
            builder.set_ca_file(path).map_err(|err| {
                TlsError::file(path, format!("unusable CA bundle: {}", one_line(&err)))
            })?;
            let names = X509Name::load_client_ca_file(path).map_err(|err| {
                TlsError::file(path, format!("unusable CA bundle: {}", one_line(&err)))
            })?;
            builder.set_client_ca_list(names);
            let mut mode = SslVerifyMode::PEER;
            if settings.client_verify == ClientVerify::Required {
                mode |= SslVerifyMode::FAIL_IF_NO_PEER_CERT;
            }
            builder.set_verify(mode);
        }
        // Needed once clients are verified, or resumed sessions fail.
        builder
            .set_session_id_context(b"cheroot-rs")
            .map_err(openssl)?;
        // Like rustls, refuse a client whose ALPN list lacks http/1.1 rather than ignore it.
        builder.set_alpn_select_callback(|_, offered| {
            ssl::select_next_proto(ALPN_HTTP11, offered).ok_or(AlpnError::ALERT_FATAL)
        });

        let identity = Identity::new(
            &sent[0],
            format!(
                "cheroot-rs/{} rust-openssl/{RUST_OPENSSL_VERSION}",
                env!("CARGO_PKG_VERSION")
            ),
            openssl::version::version().to_owned(),
            settings.client_verify,
        );
        Ok(Self {
            inner: Arc::new(Served {
                acceptor: builder.build(),
                identity,
            }),
        })
    }
}

/// Every certificate in a PEM file; at least one.
fn load_certs(path: &std::path::Path, what: &str) -> Result<Vec<X509>, TlsError> {
    let bytes = files::read(path, what)?;
    let certs = X509::stack_from_pem(&bytes).map_err(|err| {
        TlsError::file(
            path,
            format!("malformed PEM in the {what}: {}", one_line(&err)),
        )
    })?;
    if certs.is_empty() {
        return Err(TlsError::file(
            path,
            format!("no PEM certificate (BEGIN CERTIFICATE) in the {what}"),
        ));
    }
    Ok(certs)
}

/// The private key, decrypted with the password when it is encrypted.
fn load_key(settings: &TlsSettings) -> Result<PKey<Private>, TlsError> {
    let path = &settings.private_key;
    let bytes = files::read(path, "private key")?;
    files::check_has_pem_key(path, &bytes)?;
    // The password is asked for only when the key needs one, as the rustls adapter and
    // Python's `ssl` do: a callback password is not called for a plain key.
    let key = if files::is_encrypted_pem(&bytes) {
        let password = settings
            .private_key_password
            .as_ref()
            .ok_or_else(|| files::missing_password(path))?;
        PKey::private_key_from_pem_passphrase(&bytes, &password.resolve())
    } else {
        PKey::private_key_from_pem(&bytes)
    };
    key.map_err(|err| bad_key(path, &err))
}

impl SslAdapter for OpenSslAdapter {
    fn name(&self) -> &'static str {
        "openssl"
    }

    fn accept(&self, io: BoxedIo, timeout: Duration) -> AcceptFuture {
        Box::pin(handshake::accept(Arc::clone(&self.inner), io, timeout))
    }
}

impl Backend for Served<SslAcceptor> {
    async fn handshake(
        self: Arc<Self>,
        io: Prefixed,
    ) -> Result<(BoxedIo, ConnFacts), TlsAcceptError> {
        let ssl = Ssl::new(self.acceptor.context())
            .map_err(|err| TlsAcceptError::alert(one_line(&err)))?;
        let mut stream =
            SslStream::new(ssl, io).map_err(|err| TlsAcceptError::alert(one_line(&err)))?;
        Pin::new(&mut stream).accept().await.map_err(accept_error)?;

        let ssl = stream.ssl();
        let mut facts = ConnFacts {
            protocol: ssl.version_str().to_owned(),
            sni: ssl.servername(NameType::HOST_NAME).map(str::to_owned),
            session_id: ssl.session().map(|s| s.id().to_vec()).unwrap_or_default(),
            ..ConnFacts::default()
        };
        if let Some(cipher) = ssl.current_cipher() {
            let bits = cipher.bits();
            facts.cipher = cipher.name().to_owned();
            facts.use_bits = u32::try_from(bits.secret).unwrap_or(0);
            facts.alg_bits = u32::try_from(bits.algorithm).unwrap_or(0);
        }
        // Only a certificate that passed verification counts; with verification on, any
        // other ended the handshake already.
        if ssl.verify_result() == openssl::x509::X509VerifyResult::OK {
            facts.peer_cert = ssl.peer_certificate().and_then(|cert| cert.to_der().ok());
        }
        Ok((Box::new(stream), facts))
    }

    fn identity(&self) -> &Identity {
        &self.identity
    }
}

/// Sorts an OpenSSL handshake error: EOF, a socket error, or a TLS failure.
fn accept_error(err: ssl::Error) -> TlsAcceptError {
    if err.code() == ErrorCode::SYSCALL && err.io_error().is_none() {
        return TlsAcceptError::closed();
    }
    if err.code() == ErrorCode::ZERO_RETURN {
        return TlsAcceptError::closed();
    }
    if let Some(stack) = err.ssl_error() {
        return TlsAcceptError::alert(one_line(stack));
    }
    match err.into_io_error() {
        Ok(io_err) => TlsAcceptError::io(io_err),
        Err(err) => TlsAcceptError::alert(err.to_string().replace('\n', " ")),
    }
}
