//! The `cheroot` binary serving the echo app over TLS with each backend built in.

use nix::sys::signal::{Signal, kill};
use nix::unistd::Pid;

use cheroot_testing::{Framing, TestClient};

use super::process::{Server, run_to_end};

/// A self-signed certificate for `localhost` in a fresh directory (removed on drop), and its
/// DER form for the client's trust store.
struct Certificate {
    dir: std::path::PathBuf,
    der: Vec<u8>,
}

impl Certificate {
    fn new(tag: &str) -> Certificate {
        let dir = std::env::temp_dir().join(format!("cheroot-cli-{tag}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir(&dir).expect("a temporary directory");
        let generated = rcgen::generate_simple_self_signed(vec!["localhost".to_owned()])
            .expect("a certificate");
        std::fs::write(dir.join("cert.pem"), generated.cert.pem()).expect("write the certificate");
        std::fs::write(dir.join("key.pem"), generated.key_pair.serialize_pem())
            .expect("write the key");
        Certificate {
            dir,
            der: generated.cert.der().to_vec(),
        }
    }

    fn path(&self, name: &str) -> String {
        self.dir
            .join(name)
            .to_str()
            .expect("a UTF-8 temp path")
            .to_owned()
    }
}

impl Drop for Certificate {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// The `--ssl-adapter` names of the backends the `cheroot` binary has built in.
fn built_adapters() -> Vec<&'static str> {
    // Asked of the TLS registry the binary links, not of this crate's own features: cargo
    // unifies features across the packages of one build, so `cargo test -p cheroot-testing
    // -p cheroot-cli` can give the binary OpenSSL without this crate's `openssl` feature
    // (a test then saw a working server where it expected a refusal, and waited for it).
    [
        cheroot::tls::AdapterKind::Rustls,
        cheroot::tls::AdapterKind::OpenSsl,
    ]
    .into_iter()
    .filter(|kind| kind.is_built())
    .map(|kind| kind.name())
    .collect()
}

// ECHO_APP.md: `url_scheme` is `https` on a TLS listener and `tls` carries the SSL_* keys.
#[test]
fn echo_over_tls_with_each_backend() {
    let cert = Certificate::new("https");
    for adapter in built_adapters() {
        let server = Server::start(&[
            "--bind",
            "127.0.0.1:0",
            "--ssl-adapter",
            adapter,
            "--ssl-certificate",
            &cert.path("cert.pem"),
            "--ssl-private-key",
            &cert.path("key.pem"),
            "builtin:echo",
        ]);
        let mut client = TestClient::new(server.addr().clone()).with_tls(&cert.der, "localhost");
        let resp = client.post("/echo", b"hello").unwrap();
        resp.assert_status(200)
            .assert_header("Content-Type", "application/json");
        let answer = resp.body_text();
        for want in [
            "\"url_scheme\": \"https\"",
            "\"body_sha256\": \"2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824\"",
            "\"tls\": {\"protocol\": \"TLSv1.3\", \"cipher\": \"",
            "\"client_verify\": \"NONE\"}",
        ] {
            assert!(answer.contains(want), "{adapter}: {answer} lacks {want}");
        }
        assert!(!answer.contains("client_s_dn"), "{adapter}: {answer}");
        let resp = client.get("/stream?n=4&size=3").unwrap();
        resp.assert_status(200).assert_body("x".repeat(12));
        assert_eq!(resp.framing, Framing::Chunked);
        client.get("/raise").unwrap().assert_status(500);

        // Plain HTTP on the TLS port is answered 400, as cheroot does.
        let mut plain = TestClient::new(server.addr().clone());
        plain.get("/hello").unwrap().assert_status(400);
        // Closed here, so the stop need not wait for the server to give up on them.
        drop((client, plain));

        let (status, stderr) = server.stop_with(Signal::SIGTERM);
        assert!(status.success(), "{adapter}: {status}; stderr: {stderr}");
    }
}

// A keep-alive client that goes away between requests without TLS close_notify (as wrk and
// most clients do) is an ordinary end of stream, as with cheroot's ssl module
// (suppress_ragged_eofs): no "socket.error" line, on either backend.
#[test]
fn idle_tls_close_without_close_notify_is_quiet() {
    let cert = Certificate::new("ragged");
    for adapter in built_adapters() {
        let server = Server::start(&[
            "--bind",
            "127.0.0.1:0",
            "--ssl-adapter",
            adapter,
            "--ssl-certificate",
            &cert.path("cert.pem"),
            "--ssl-private-key",
            &cert.path("key.pem"),
            "builtin:hello",
        ]);
        for _ in 0..3 {
            let mut client =
                TestClient::new(server.addr().clone()).with_tls(&cert.der, "localhost");
            client.get("/hello").unwrap().assert_status(200);
            client.get("/hello").unwrap().assert_status(200);
            // A TCP shutdown, no close_notify.
            client.close();
        }
        // More handshakes after the closes, so the server has read them before it stops.
        for _ in 0..3 {
            let mut client =
                TestClient::new(server.addr().clone()).with_tls(&cert.der, "localhost");
            client.get("/hello").unwrap().assert_status(200);
        }
        let (status, stderr) = server.stop_with(Signal::SIGTERM);
        assert!(status.success(), "{adapter}: {status}; stderr: {stderr}");
        assert!(
            !stderr.contains("socket.error") && !stderr.contains("close_notify"),
            "{adapter}: {stderr}"
        );
    }
}

#[test]
fn backends_not_built_in_are_named() {
    let cert = Certificate::new("notbuilt");
    for (adapter, feature) in [("openssl", "openssl"), ("rustls", "rustls")] {
        if built_adapters().contains(&adapter) {
            continue;
        }
        let run = run_to_end(&[
            "--ssl-adapter",
            adapter,
            "--ssl-certificate",
            &cert.path("cert.pem"),
            "--ssl-private-key",
            &cert.path("key.pem"),
            "builtin:echo",
        ]);
        assert_eq!(run.status.code(), Some(2), "{run:?}");
        assert!(run.stderr.contains("--ssl-adapter"), "{run:?}");
        assert!(run.stderr.contains(feature), "{run:?}");
    }
}

/// A CA, a server certificate for `localhost` and a client certificate (`CN=client`) it
/// signed, as PEM files in a fresh directory, plus the DER forms and the client's key.
struct Pki {
    dir: std::path::PathBuf,
    ca_der: Vec<u8>,
    client_der: Vec<u8>,
    client_key_der: Vec<u8>,
}

impl Pki {
    fn new() -> Pki {
        use rcgen::{
            BasicConstraints, CertificateParams, DistinguishedName, DnType,
            ExtendedKeyUsagePurpose, IsCa, KeyPair,
        };
        let dir = std::env::temp_dir().join(format!("cheroot-cli-pki-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir(&dir).expect("a temporary directory");
        let named = |cn: &str| {
            let mut params = CertificateParams::new(Vec::<String>::new()).expect("params");
            params.distinguished_name = DistinguishedName::new();
            params.distinguished_name.push(DnType::CommonName, cn);
            params
        };
        let ca_key = KeyPair::generate().expect("a key");
        let mut ca_params = named("cheroot-cli test CA");
        ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        let ca = ca_params.self_signed(&ca_key).expect("a CA");

        let server_key = KeyPair::generate().expect("a key");
        let mut server_params =
            CertificateParams::new(vec!["localhost".to_owned()]).expect("params");
        server_params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
        let server = server_params
            .signed_by(&server_key, &ca, &ca_key)
            .expect("a server certificate");

        let client_key = KeyPair::generate().expect("a key");
        let mut client_params = named("client");
        client_params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ClientAuth];
        let client = client_params
            .signed_by(&client_key, &ca, &ca_key)
            .expect("a client certificate");

        for (name, pem) in [
            ("ca.pem", ca.pem()),
            ("server.pem", server.pem()),
            ("server.key", server_key.serialize_pem()),
        ] {
            std::fs::write(dir.join(name), pem).expect("write a PEM file");
        }
        Pki {
            dir,
            ca_der: ca.der().to_vec(),
            client_der: client.der().to_vec(),
            client_key_der: client_key.serialize_der(),
        }
    }

    fn path(&self, name: &str) -> String {
        self.dir
            .join(name)
            .to_str()
            .expect("a UTF-8 temp path")
            .to_owned()
    }

    /// `POST /echo` over TLS, with the client certificate or without; what came back.
    fn post_echo(&self, addr: std::net::SocketAddr, with_cert: bool) -> String {
        use std::io::{Read, Write};
        use std::sync::Arc;

        let mut roots = rustls::RootCertStore::empty();
        roots
            .add(rustls::pki_types::CertificateDer::from(self.ca_der.clone()))
            .expect("trust the CA");
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let builder = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .expect("protocol versions")
            .with_root_certificates(roots);
        let config = if with_cert {
            builder
                .with_client_auth_cert(
                    vec![rustls::pki_types::CertificateDer::from(
                        self.client_der.clone(),
                    )],
                    rustls::pki_types::PrivateKeyDer::Pkcs8(self.client_key_der.clone().into()),
                )
                .expect("a client certificate")
        } else {
            builder.with_no_client_auth()
        };
        let name = rustls::pki_types::ServerName::try_from("localhost").expect("a name");
        let conn = rustls::ClientConnection::new(Arc::new(config), name).expect("a client");
        let tcp = std::net::TcpStream::connect(addr).expect("connect");
        tcp.set_read_timeout(Some(std::time::Duration::from_secs(10)))
            .expect("a read timeout");
        let mut tls = rustls::StreamOwned::new(conn, tcp);
        let mut raw = Vec::new();
        // Refused clients see errors here; what was read before them is the answer.
        if tls
            .write_all(b"POST /echo HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
            .is_ok()
        {
            let _ = tls.read_to_end(&mut raw);
        }
        String::from_utf8_lossy(&raw).into_owned()
    }
}

impl Drop for Pki {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

// --ssl-certificate-chain is the CA client certificates are checked against (as cheroot's
// certificate_chain doubles as the cafile); the echo app reports the client's subject.
#[test]
fn client_certificates_required() {
    let pki = Pki::new();
    for adapter in built_adapters() {
        let server = Server::start(&[
            "--bind",
            "127.0.0.1:0",
            "--ssl-adapter",
            adapter,
            "--ssl-certificate",
            &pki.path("server.pem"),
            "--ssl-private-key",
            &pki.path("server.key"),
            "--ssl-certificate-chain",
            &pki.path("ca.pem"),
            "--ssl-client-verify",
            "required",
            "builtin:echo",
        ]);
        let cheroot_testing::ServerAddr::Tcp(addr) = server.addr().clone() else {
            panic!("not TCP: {}", server.printed());
        };
        let answer = pki.post_echo(addr, true);
        assert!(
            answer.starts_with("HTTP/1.1 200 OK\r\n"),
            "{adapter}: {answer}"
        );
        assert!(
            answer.contains("\"client_verify\": \"SUCCESS\", \"client_s_dn\": \"CN=client\"}"),
            "{adapter}: {answer}"
        );
        let refused = pki.post_echo(addr, false);
        assert!(!refused.contains("HTTP/1.1 200"), "{adapter}: {refused}");
        let (status, stderr) = server.stop_with(Signal::SIGTERM);
        assert!(status.success(), "{adapter}: {status}; stderr: {stderr}");
    }
}

impl Certificate {
    /// Replaces the certificate and key files with a new pair; returns its DER.
    fn renew(&self) -> Vec<u8> {
        let generated = rcgen::generate_simple_self_signed(vec!["localhost".to_owned()])
            .expect("a certificate");
        std::fs::write(self.dir.join("cert.pem"), generated.cert.pem()).expect("write");
        std::fs::write(self.dir.join("key.pem"), generated.key_pair.serialize_pem())
            .expect("write");
        generated.cert.der().to_vec()
    }
}

// SIGHUP starts new workers, which read the certificate files again: a renewed certificate
// is served without a restart.
#[test]
fn sighup_serves_a_renewed_certificate() {
    let cert = Certificate::new("renew");
    let server = Server::start(&[
        "--bind",
        "127.0.0.1:0",
        "--workers",
        "2",
        "--ssl-certificate",
        &cert.path("cert.pem"),
        "--ssl-private-key",
        &cert.path("key.pem"),
        "builtin:hello",
    ]);
    let addr = server.addr().clone();
    TestClient::new(addr.clone())
        .with_tls(&cert.der, "localhost")
        .get("/hello")
        .expect("the first certificate is served")
        .assert_status(200);
    let renewed = cert.renew();
    kill(Pid::from_raw(server.pid()), Signal::SIGHUP).expect("SIGHUP");
    // Until the old workers are gone, either certificate may answer; then only the new one.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    loop {
        let old = TestClient::new(addr.clone())
            .with_tls(&cert.der, "localhost")
            .get("/hello");
        let new = TestClient::new(addr.clone())
            .with_tls(&renewed, "localhost")
            .get("/hello");
        if old.is_err() && new.is_ok() {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "still the old certificate: {old:?} {new:?}"
        );
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    let (status, stderr) = server.stop_with(Signal::SIGTERM);
    assert!(status.success(), "{status}; stderr: {stderr}");
}

// An encrypted key's password never goes on the command line: it comes from a file or the
// environment, and the message says so (with OpenSSL built in; the rustls-only build says
// it cannot decrypt keys at all).
#[test]
fn an_encrypted_key_without_a_password_names_the_flag() {
    let cert = Certificate::new("encrypted");
    let encrypted = cert.path("encrypted.pem");
    std::fs::write(
        &encrypted,
        "-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----\n",
    )
    .expect("write");
    let finished = run_to_end(&[
        "--bind",
        "127.0.0.1:0",
        "--ssl-certificate",
        &cert.path("cert.pem"),
        "--ssl-private-key",
        &encrypted,
        "builtin:hello",
    ]);
    assert_eq!(finished.status.code(), Some(2), "{}", finished.stderr);
    let with_openssl = cheroot::tls::AdapterKind::OpenSsl.is_built();
    let want = if with_openssl {
        "give its password with --ssl-private-key-password-file FILE or the \
         CHEROOT_SSL_PRIVATE_KEY_PASSWORD environment variable"
    } else {
        "for --ssl-private-key (rustls adapter): the private key is encrypted"
    };
    assert!(finished.stderr.contains(want), "{}", finished.stderr);

    let missing = cert.path("no-such-password-file");
    let finished = run_to_end(&[
        "--bind",
        "127.0.0.1:0",
        "--ssl-certificate",
        &cert.path("cert.pem"),
        "--ssl-private-key",
        &encrypted,
        "--ssl-private-key-password-file",
        &missing,
        "builtin:hello",
    ]);
    assert_eq!(finished.status.code(), Some(2), "{}", finished.stderr);
    assert!(
        finished.stderr.contains(&format!(
            "invalid value {missing:?} for --ssl-private-key-password-file: no such file"
        )),
        "{}",
        finished.stderr
    );
}

// A TLS setting the backend refuses is reported against its flag.
#[test]
fn unknown_ciphers_name_the_flag() {
    let cert = Certificate::new("ciphers");
    for adapter in built_adapters() {
        let finished = run_to_end(&[
            "--ssl-adapter",
            adapter,
            "--ssl-certificate",
            &cert.path("cert.pem"),
            "--ssl-private-key",
            &cert.path("key.pem"),
            "--ssl-ciphers",
            "NO-SUCH-CIPHER",
            "builtin:hello",
        ]);
        assert_eq!(
            finished.status.code(),
            Some(2),
            "{adapter}: {}",
            finished.stderr
        );
        assert!(
            finished
                .stderr
                .contains("invalid value \"NO-SUCH-CIPHER\" for --ssl-ciphers"),
            "{adapter}: {}",
            finished.stderr
        );
    }
}
