//! The accept path both backends share: the plain-HTTP check, the handshake under the
//! server's timeout, and the TLS environ built from what the backend learned.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use tokio::time::Instant;

use crate::adapter::{BoxedIo, TlsStream};
use crate::cert_env::{cert_pairs, now_unix};
use crate::env::TlsEnv;
use crate::error::TlsAcceptError;
use crate::pem_text::certificate_pem;
use crate::plain_http::{self, Sniff};
use crate::prefixed::Prefixed;
use crate::settings::ClientVerify;
use crate::x509::{CertInfo, parse_certificate};

/// What a backend learned from one handshake.
#[derive(Debug, Default)]
pub(crate) struct ConnFacts {
    /// `TLSv1.2` or `TLSv1.3`.
    pub(crate) protocol: String,
    /// The suite's OpenSSL name.
    pub(crate) cipher: String,
    /// Secret bits used and the algorithm's key bits.
    pub(crate) use_bits: u32,
    pub(crate) alg_bits: u32,
    pub(crate) session_id: Vec<u8>,
    pub(crate) sni: Option<String>,
    /// The client's certificate (DER), when it sent one and it was verified.
    pub(crate) peer_cert: Option<Vec<u8>>,
}

/// A TLS library behind the shared accept path.
pub(crate) trait Backend: Send + Sync + 'static {
    /// Runs the handshake over `io` (which replays the bytes already read) and reports it.
    fn handshake(
        self: Arc<Self>,
        io: Prefixed,
    ) -> impl Future<Output = Result<(BoxedIo, ConnFacts), TlsAcceptError>> + Send;

    /// The facts that do not change between connections.
    fn identity(&self) -> &Identity;
}

/// A backend's acceptor with the identity it serves. Its `Debug` shows the identity only:
/// neither backend's acceptor implements `Debug`.
pub(crate) struct Served<A> {
    pub(crate) acceptor: A,
    pub(crate) identity: Identity,
}

impl<A> std::fmt::Debug for Served<A> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Served")
            .field("identity", &self.identity)
            .finish_non_exhaustive()
    }
}

/// The per-adapter part of the environ: the server certificate and the library names.
pub(crate) struct Identity {
    server_cert: Option<CertInfo>,
    server_pem: String,
    interface: String,
    library: String,
    verify: ClientVerify,
}

/// Short: the served certificate's subject and the library, not the whole PEM.
impl std::fmt::Debug for Identity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let subject = self.server_cert.as_ref().map(|c| &c.subject);
        f.debug_struct("Identity")
            .field("subject", &subject)
            .field("library", &self.library)
            .field("verify", &self.verify)
            .finish_non_exhaustive()
    }
}

impl Identity {
    /// `server_der` is the certificate the server presents. A certificate the TLS library
    /// accepted but this crate's reader cannot read only loses the `SSL_SERVER_*` fields.
    pub(crate) fn new(
        server_der: &[u8],
        interface: String,
        library: String,
        verify: ClientVerify,
    ) -> Self {
        Self {
            server_cert: parse_certificate(server_der).ok(),
            server_pem: certificate_pem(server_der),
            interface,
            library,
            verify,
        }
    }

    /// The environ of one connection.
    pub(crate) fn environ(&self, facts: ConnFacts) -> TlsEnv {
        let mut env = TlsEnv::default();
        env.push("wsgi.url_scheme", "https");
        env.push("HTTPS", "on");
        env.push("SSL_PROTOCOL", facts.protocol);
        env.push("SSL_CIPHER", facts.cipher);
        env.push("SSL_CIPHER_EXPORT", "");
        env.push("SSL_CIPHER_USEKEYSIZE", facts.use_bits.to_string());
        env.push("SSL_CIPHER_ALGKEYSIZE", facts.alg_bits.to_string());
        let session_id: String = facts
            .session_id
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        env.push("SSL_SESSION_ID", session_id);
        if let Some(sni) = facts.sni {
            env.push("SSL_TLS_SNI", sni);
        }
        env.push("SSL_VERSION_INTERFACE", self.interface.as_str());
        env.push("SSL_VERSION_LIBRARY", self.library.as_str());
        let client_cert = facts
            .peer_cert
            .filter(|_| self.verify != ClientVerify::None);
        let verdict = if client_cert.is_some() {
            "SUCCESS"
        } else {
            "NONE"
        };
        env.push("SSL_CLIENT_VERIFY", verdict);
        let now = now_unix();
        env.push("SSL_SERVER_CERT", self.server_pem.as_str());
        if let Some(cert) = &self.server_cert {
            env.extend(cert_pairs("SSL_SERVER", cert, now));
        }
        if let Some(der) = client_cert {
            env.push("SSL_CLIENT_CERT", certificate_pem(&der));
            if let Ok(cert) = parse_certificate(&der) {
                env.extend(cert_pairs("SSL_CLIENT", &cert, now));
            }
        }
        env
    }
}

/// The whole accept: plain-HTTP check, handshake, environ, all within `timeout`.
pub(crate) async fn accept<B: Backend>(
    backend: Arc<B>,
    mut io: BoxedIo,
    timeout: Duration,
) -> Result<(TlsStream, TlsEnv), TlsAcceptError> {
    let now = Instant::now();
    // A timeout too large to add is as good as none: a year.
    let deadline = now
        .checked_add(timeout)
        .unwrap_or_else(|| now + Duration::from_secs(365 * 86_400));

    let (first, verdict) = match tokio::time::timeout_at(deadline, plain_http::sniff(&mut io)).await
    {
        Err(_) => return Err(TlsAcceptError::timed_out()),
        Ok(Err(err)) => return Err(TlsAcceptError::io(err)),
        Ok(Ok(sniffed)) => sniffed,
    };
    if first.is_empty() {
        return Err(TlsAcceptError::closed());
    }
    if verdict == Sniff::PlainHttp {
        plain_http::answer(&mut io, deadline).await;
        return Err(TlsAcceptError::plain_http());
    }

    let handshake = Arc::clone(&backend).handshake(Prefixed::new(first, io));
    let (stream, facts) = tokio::time::timeout_at(deadline, handshake)
        .await
        .map_err(|_| TlsAcceptError::timed_out())??;
    let env = backend.identity().environ(facts);
    Ok((TlsStream::new(stream), env))
}
