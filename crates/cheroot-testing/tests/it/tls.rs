//! The fixture serving the echo app over TLS through each backend: every echo-app row, plain
//! HTTP to the TLS port, HTTPS to the plain port, a stalled handshake and client certificates.

use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use cheroot::tls::{AdapterKind, ClientVerify, TlsSettings};
use cheroot_testing::{Echo, Framing, ServerAddr, TestServer, assert_echo_contract_with};

/// A fresh directory, removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new(tag: &str) -> TempDir {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let dir =
            std::env::temp_dir().join(format!("cheroot-testing-{tag}-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir(&dir).expect("a temporary directory");
        TempDir(dir)
    }

    fn write(&self, name: &str, contents: impl AsRef<[u8]>) -> PathBuf {
        let path = self.0.join(name);
        std::fs::write(&path, contents).expect("write a temporary file");
        path
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A self-signed certificate for `localhost`: the adapter settings naming its files (kept
/// alive by the returned directory) and the certificate's DER form.
fn self_signed(tag: &str) -> (TempDir, TlsSettings, Vec<u8>) {
    let dir = TempDir::new(tag);
    let generated =
        rcgen::generate_simple_self_signed(vec!["localhost".to_owned()]).expect("a certificate");
    let cert = dir.write("cert.pem", generated.cert.pem());
    let key = dir.write("key.pem", generated.key_pair.serialize_pem());
    (
        dir,
        TlsSettings::new(cert, key),
        generated.cert.der().to_vec(),
    )
}

/// The echo app served through `kind`'s adapter built from `settings`, with the server
/// `timeout` given.
fn tls_server(kind: AdapterKind, settings: TlsSettings, timeout: Duration) -> TestServer {
    let adapter = kind.build(settings).expect("an adapter");
    TestServer::builder()
        .config(|config| {
            config.ssl_adapter = Some(adapter);
            config.timeout = timeout;
        })
        .start(Echo)
}

fn tcp_addr(server: &TestServer) -> SocketAddr {
    match server.addr() {
        ServerAddr::Tcp(addr) => *addr,
        other => panic!("not a TCP server: {other:?}"),
    }
}

/// One test per backend for each case below, both features being on in CI.
macro_rules! per_backend {
    ($($case:ident),* $(,)?) => {
        mod rustls_backend {
            $(
                #[test]
                fn $case() {
                    super::$case(cheroot::tls::AdapterKind::Rustls);
                }
            )*
        }
        mod openssl_backend {
            $(
                #[test]
                fn $case() {
                    super::$case(cheroot::tls::AdapterKind::OpenSsl);
                }
            )*
        }
    };
}

per_backend!(
    echo_contract_over_tls,
    plain_http_to_the_tls_port,
    stalled_handshake_delays_nobody,
    client_certificates,
);

#[test]
fn echo_over_tls() {
    let (_dir, settings, der) = self_signed("tls");
    let server = tls_server(AdapterKind::Rustls, settings, Duration::from_secs(10));
    let mut client = server.client().with_tls(&der, "localhost");
    client
        .post("/echo", b"hello")
        .unwrap()
        .assert_status(200)
        .assert_in_body("\"url_scheme\": \"https\"")
        .assert_in_body("\"tls\": {\"protocol\": \"TLSv1.3\"")
        .assert_in_body("\"client_verify\": \"NONE\"}");
    let resp = client.get("/stream?n=3&size=2").unwrap();
    resp.assert_status(200).assert_body("xxxxxx");
    assert_eq!(resp.framing, Framing::Chunked);
    assert_eq!(client.connections_made(), 1, "keep-alive over TLS");

    // A close-delimited body over TLS ends at the server's close.
    let mut old = server.client().with_tls(&der, "localhost").http10(true);
    let resp = old.get("/stream?n=2&size=3").unwrap();
    resp.assert_body("xxxxxx");
    assert_eq!(resp.framing, Framing::CloseDelimited);
}

// ECHO_APP.md over TLS: every row, with `url_scheme` "https" and the `tls` member.
fn echo_contract_over_tls(kind: AdapterKind) {
    let (_dir, settings, der) = self_signed("contract");
    let server = tls_server(kind, settings, Duration::from_secs(10));
    assert_echo_contract_with(|| server.client().with_tls(&der, "localhost"));
}

// test_ssl.py::test_https_over_http_error: a TLS handshake against a plain port fails, and the
// server goes on serving plain HTTP.
#[test]
fn https_to_the_plain_port() {
    let (_dir, _settings, der) = self_signed("plainport");
    let server = TestServer::start(Echo);
    let mut tls = server.client().with_tls(&der, "localhost");
    let got = tls.get("/hello");
    assert!(got.is_err(), "a TLS client got a response: {got:?}");
    server
        .client()
        .get("/hello")
        .expect("plain HTTP after the failed handshake")
        .assert_status(200)
        .assert_body("Hello world!");
}

// test_ssl.py::test_http_over_https_error: cheroot's exact 400, and the connection closes.
fn plain_http_to_the_tls_port(kind: AdapterKind) {
    let (_dir, settings, der) = self_signed("plainhttp");
    let server = tls_server(kind, settings, Duration::from_secs(10));
    let mut plain = server.client();
    let resp = plain.get("/hello").expect("an answer to plain HTTP");
    resp.assert_status(400)
        .assert_header("Connection", "close")
        .assert_body(
            "The client sent a plain HTTP request, but this server only speaks HTTPS on this \
             port.",
        );
    assert_eq!(resp.reason, "Bad Request");
    // The server closes after its answer: a raw socket reads exactly the 400, then the end.
    let mut raw = TcpStream::connect(tcp_addr(&server)).expect("connect");
    raw.set_read_timeout(Some(Duration::from_secs(10)))
        .expect("a read timeout");
    raw.write_all(b"GET /hello HTTP/1.1\r\nHost: t\r\n\r\n")
        .expect("send plain HTTP");
    let mut all = Vec::new();
    raw.read_to_end(&mut all).expect("the server closes");
    let all = String::from_utf8_lossy(&all);
    assert!(all.starts_with("HTTP/1.1 400 Bad Request\r\n"), "{all}");
    assert!(
        all.ends_with("\r\n\r\nThe client sent a plain HTTP request, but this server only speaks HTTPS on this port."),
        "{all}"
    );
    // The server goes on serving TLS.
    server
        .client()
        .with_tls(&der, "localhost")
        .get("/hello")
        .expect("TLS after the plain request")
        .assert_status(200)
        .assert_body("Hello world!");
}

// cheroot issue #748: a client that connects and never speaks TLS delays nobody. Ordering, not
// timing: another client is served while the stalled socket is still open, and the server
// drops the stalled one after its (short) timeout.
fn stalled_handshake_delays_nobody(kind: AdapterKind) {
    let (_dir, settings, der) = self_signed("stalled");
    let server = tls_server(kind, settings, Duration::from_secs(3));
    let mut stalled = TcpStream::connect(tcp_addr(&server)).expect("connect");
    for n in 0..3 {
        server
            .client()
            .with_tls(&der, "localhost")
            .get("/hello")
            .unwrap_or_else(|err| panic!("client {n} while a handshake stalls: {err}"))
            .assert_status(200)
            .assert_body("Hello world!");
    }
    stalled.set_nonblocking(true).expect("nonblocking");
    let mut byte = [0u8; 1];
    let still_open =
        matches!(stalled.peek(&mut byte), Err(err) if err.kind() == io::ErrorKind::WouldBlock);
    assert!(
        still_open,
        "the stalled socket is still open after the others were served"
    );
    stalled.set_nonblocking(false).expect("blocking");
    stalled
        .set_read_timeout(Some(Duration::from_secs(20)))
        .expect("a read timeout");
    let end = stalled.read(&mut byte);
    assert!(
        matches!(end, Ok(0))
            || matches!(&end, Err(err) if err.kind() == io::ErrorKind::ConnectionReset),
        "the server drops the stalled handshake after its timeout: {end:?}"
    );
}

/// A client certificate and its PKCS#8 key, both DER.
type Identity = (Vec<u8>, Vec<u8>);

/// A CA the server trusts for client certificates, one it does not, a server certificate
/// for `localhost` and a client certificate (`CN=client`) from each CA.
struct Pki {
    dir: TempDir,
    ca_der: Vec<u8>,
    trusted: Identity,
    untrusted: Identity,
}

impl Pki {
    fn new() -> Pki {
        use rcgen::{
            BasicConstraints, CertificateParams, DistinguishedName, DnType,
            ExtendedKeyUsagePurpose, IsCa, KeyPair,
        };
        let named = |cn: &str| {
            let mut params = CertificateParams::new(Vec::<String>::new()).expect("params");
            params.distinguished_name = DistinguishedName::new();
            params.distinguished_name.push(DnType::CommonName, cn);
            params
        };
        let ca = |cn: &str| {
            let key = KeyPair::generate().expect("a key");
            let mut params = named(cn);
            params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
            let cert = params.self_signed(&key).expect("a CA");
            (cert, key)
        };
        let (ca_cert, ca_key) = ca("cheroot-testing trusted CA");
        let (other_cert, other_key) = ca("cheroot-testing untrusted CA");

        let server_key = KeyPair::generate().expect("a key");
        let mut server_params =
            CertificateParams::new(vec!["localhost".to_owned()]).expect("params");
        server_params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
        let server = server_params
            .signed_by(&server_key, &ca_cert, &ca_key)
            .expect("a server certificate");

        let client = |issuer: &rcgen::Certificate, issuer_key: &KeyPair| {
            let key = KeyPair::generate().expect("a key");
            let mut params = named("client");
            params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ClientAuth];
            let cert = params
                .signed_by(&key, issuer, issuer_key)
                .expect("a client certificate");
            (cert.der().to_vec(), key.serialize_der())
        };
        let trusted = client(&ca_cert, &ca_key);
        let untrusted = client(&other_cert, &other_key);

        let dir = TempDir::new("pki");
        dir.write("ca.pem", ca_cert.pem());
        dir.write("server.pem", server.pem());
        dir.write("server.key", server_key.serialize_pem());
        Pki {
            dir,
            ca_der: ca_cert.der().to_vec(),
            trusted,
            untrusted,
        }
    }

    fn path(&self, name: &str) -> PathBuf {
        Path::new(&self.dir.0).join(name)
    }

    /// `POST /echo` over TLS with the client certificate given, or none; what came back
    /// (empty or partial when the server refused the client).
    fn post_echo(&self, addr: SocketAddr, identity: Option<&Identity>) -> String {
        use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName};

        let mut roots = rustls::RootCertStore::empty();
        roots
            .add(CertificateDer::from(self.ca_der.clone()))
            .expect("trust the CA");
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let builder = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .expect("protocol versions")
            .with_root_certificates(roots);
        let config = match identity {
            Some((cert, key)) => builder
                .with_client_auth_cert(
                    vec![CertificateDer::from(cert.clone())],
                    PrivateKeyDer::Pkcs8(key.clone().into()),
                )
                .expect("a client certificate"),
            None => builder.with_no_client_auth(),
        };
        let name = ServerName::try_from("localhost").expect("a name");
        let conn = rustls::ClientConnection::new(Arc::new(config), name).expect("a client");
        let tcp = TcpStream::connect(addr).expect("connect");
        tcp.set_read_timeout(Some(Duration::from_secs(10)))
            .expect("a read timeout");
        let mut tls = rustls::StreamOwned::new(conn, tcp);
        let mut raw = Vec::new();
        // A refused client sees an error somewhere here; what was read before it is the answer.
        if tls
            .write_all(b"POST /echo HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
            .is_ok()
        {
            let _ = tls.read_to_end(&mut raw);
        }
        String::from_utf8_lossy(&raw).into_owned()
    }
}

// test_ssl.py::test_tls_client_auth, through the whole server: optional and required
// verification against the CA bundle, with no certificate, a trusted one and an untrusted one.
fn client_certificates(kind: AdapterKind) {
    let pki = Pki::new();
    const NONE: &str = "\"client_verify\": \"NONE\"}";
    const SUCCESS: &str = "\"client_verify\": \"SUCCESS\", \"client_s_dn\": \"CN=client\"}";
    for verify in [ClientVerify::Optional, ClientVerify::Required] {
        let settings = TlsSettings::new(pki.path("server.pem"), pki.path("server.key"))
            .with_ca_bundle(pki.path("ca.pem"))
            .with_client_verify(verify);
        let server = tls_server(kind, settings, Duration::from_secs(10));
        let addr = tcp_addr(&server);
        let cases: [(&str, Option<&Identity>, Option<&str>); 3] = [
            (
                "no certificate",
                None,
                (verify == ClientVerify::Optional).then_some(NONE),
            ),
            ("a trusted certificate", Some(&pki.trusted), Some(SUCCESS)),
            ("an untrusted certificate", Some(&pki.untrusted), None),
        ];
        for (what, identity, want) in cases {
            let answer = pki.post_echo(addr, identity);
            let case = format!("{kind:?} {verify:?} with {what}");
            match want {
                Some(member) => {
                    assert!(
                        answer.starts_with("HTTP/1.1 200 OK\r\n"),
                        "{case}: {answer}"
                    );
                    assert!(answer.contains(member), "{case}: {answer}");
                }
                None => assert!(!answer.contains("HTTP/1.1"), "{case}: {answer}"),
            }
        }
        // Refused handshakes do not stop the server.
        let answer = pki.post_echo(addr, Some(&pki.trusted));
        assert!(
            answer.starts_with("HTTP/1.1 200 OK\r\n"),
            "{kind:?} {verify:?} after refusals: {answer}"
        );
    }
}
