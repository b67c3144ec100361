//! The rustls backend (ring provider): cheroot's `builtin` adapter.

use std::sync::Arc;
use std::time::Duration;

use rustls::server::WebPkiClientVerifier;
use rustls::server::danger::ClientCertVerifier;
use rustls::{ProtocolVersion, RootCertStore, ServerConfig};
use tokio_rustls::TlsAcceptor;

use crate::adapter::{AcceptFuture, BoxedIo, SslAdapter};
use crate::cipher_table::SuiteInfo;
use crate::error::{TlsAcceptError, TlsError};
use crate::handshake::{self, Backend, ConnFacts, Identity, Served};
use crate::prefixed::Prefixed;
use crate::rustls_ciphers;
use crate::rustls_keys::{load_certs, load_key};
use crate::settings::{ClientVerify, TlsSettings};

/// The rustls version this crate is built against (its Cargo requirement), for
/// `SSL_VERSION_INTERFACE`; rustls has no run-time version constant.
const RUSTLS_VERSION: &str = "0.23";

/// TLS through rustls with the ring crypto provider: TLS 1.2 and 1.3, AEAD suites only.
///
/// Registered as `"rustls"` and as cheroot's `"builtin"`.
#[derive(Debug, Clone)]
#[cfg_attr(docsrs, doc(cfg(feature = "rustls")))]
pub struct RustlsAdapter {
    inner: Arc<Served<TlsAcceptor>>,
}

impl RustlsAdapter {
    /// Builds the adapter: reads and checks every file now, so that a bad file fails at
    /// start-up with its name.
    ///
    /// # Errors
    ///
    /// A missing or malformed certificate, key or CA file, an encrypted key with a wrong or
    /// missing password (or without the `openssl` feature), a key that does not match the
    /// certificate, or a `ciphers` list with unknown names.
    pub fn new(settings: TlsSettings) -> Result<Self, TlsError> {
        let mut provider = rustls::crypto::ring::default_provider();
        if let Some(spec) = &settings.ciphers {
            provider.cipher_suites = rustls_ciphers::select(spec, &provider.cipher_suites)?;
        }
        let provider = Arc::new(provider);

        let mut chain = load_certs(&settings.certificate, "certificate")?;
        if let Some(path) = &settings.certificate_chain {
            for cert in load_certs(path, "certificate chain")? {
                if !chain.contains(&cert) {
                    chain.push(cert);
                }
            }
        }
        let key = load_key(
            &settings.private_key,
            settings.private_key_password.as_ref(),
        )?;
        let verifier = client_verifier(&settings, &provider)?;

        let mut config = ServerConfig::builder_with_provider(Arc::clone(&provider))
            .with_protocol_versions(rustls::ALL_VERSIONS)
            .map_err(|err| TlsError::config(format!("rustls refused the settings: {err}")))?
            .with_client_cert_verifier(verifier)
            .with_single_cert(chain.clone(), key)
            .map_err(|err| {
                TlsError::file(
                    &settings.private_key,
                    format!(
                        "cannot use this key with the certificate {}: {err}",
                        settings.certificate.display()
                    ),
                )
            })?;
        config.alpn_protocols = vec![b"http/1.1".to_vec()];

        let identity = Identity::new(
            &chain[0],
            format!(
                "cheroot-rs/{} rustls/{RUSTLS_VERSION}",
                env!("CARGO_PKG_VERSION")
            ),
            format!("rustls/{RUSTLS_VERSION} ring"),
            settings.client_verify,
        );
        Ok(Self {
            inner: Arc::new(Served {
                acceptor: TlsAcceptor::from(Arc::new(config)),
                identity,
            }),
        })
    }
}

/// No client authentication, or WebPKI verification against the CA file, letting clients
/// without a certificate in when verification is optional.
fn client_verifier(
    settings: &TlsSettings,
    provider: &Arc<rustls::crypto::CryptoProvider>,
) -> Result<Arc<dyn ClientCertVerifier>, TlsError> {
    if settings.client_verify == ClientVerify::None {
        return Ok(WebPkiClientVerifier::no_client_auth());
    }
    let path = settings.client_ca_file().ok_or_else(|| {
        TlsError::config(
            "client certificate verification needs CA certificates: set ca_bundle or certificate_chain",
        )
    })?;
    let mut roots = RootCertStore::empty();
    for cert in load_certs(path, "CA bundle")? {
        roots
            .add(cert)
            .map_err(|err| TlsError::file(path, format!("unusable CA certificate: {err}")))?;
    }
    let mut builder =
        WebPkiClientVerifier::builder_with_provider(Arc::new(roots), Arc::clone(provider));
    if settings.client_verify == ClientVerify::Optional {
        builder = builder.allow_unauthenticated();
    }
    builder
        .build()
        .map_err(|err| TlsError::file(path, format!("cannot verify clients with these CAs: {err}")))
}

impl SslAdapter for RustlsAdapter {
    fn name(&self) -> &'static str {
        "rustls"
    }

    fn accept(&self, io: BoxedIo, timeout: Duration) -> AcceptFuture {
        Box::pin(handshake::accept(Arc::clone(&self.inner), io, timeout))
    }
}

impl Backend for Served<TlsAcceptor> {
    async fn handshake(
        self: Arc<Self>,
        io: Prefixed,
    ) -> Result<(BoxedIo, ConnFacts), TlsAcceptError> {
        let stream = self.acceptor.accept(io).await.map_err(TlsAcceptError::io)?;
        let conn = stream.get_ref().1;
        let protocol = match conn.protocol_version() {
            Some(ProtocolVersion::TLSv1_3) => "TLSv1.3".to_owned(),
            Some(ProtocolVersion::TLSv1_2) => "TLSv1.2".to_owned(),
            other => format!("{other:?}"),
        };
        let mut facts = ConnFacts {
            protocol,
            sni: conn.server_name().map(str::to_owned),
            peer_cert: conn
                .peer_certificates()
                .and_then(|certs| certs.first())
                .map(|cert| cert.to_vec()),
            ..ConnFacts::default()
        };
        if let Some(suite) = conn.negotiated_cipher_suite() {
            let code = u16::from(suite.suite());
            match SuiteInfo::by_code(code) {
                Some(info) => {
                    facts.cipher = info.openssl.to_owned();
                    facts.use_bits = info.bits;
                    facts.alg_bits = info.bits;
                }
                None => facts.cipher = format!("{:?}", suite.suite()),
            }
        }
        // rustls does not expose TLS 1.2 session IDs (and TLS 1.3 has none that mean
        // anything): SSL_SESSION_ID stays empty.
        Ok((Box::new(stream), facts))
    }

    fn identity(&self) -> &Identity {
        &self.identity
    }
}
