//! The `cheroot` binary serving the echo app over TLS with each backend built in.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::Arc;
use std::time::Duration;

use nix::sys::signal::Signal;

use cheroot_testing::{ServerAddr, TestClient};

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

/// Sends `request` over TLS (trusting only `cert_der`) and returns everything the server sent
/// back before closing.
fn https(addr: SocketAddr, cert_der: &[u8], request: &[u8]) -> String {
    let mut roots = rustls::RootCertStore::empty();
    roots
        .add(rustls::pki_types::CertificateDer::from(cert_der.to_vec()))
        .expect("trust the certificate");
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .expect("protocol versions")
        .with_root_certificates(roots)
        .with_no_client_auth();
    let name = rustls::pki_types::ServerName::try_from("localhost").expect("a server name");
    let conn = rustls::ClientConnection::new(Arc::new(config), name).expect("a client");
    let tcp = TcpStream::connect(addr).expect("connect");
    tcp.set_read_timeout(Some(Duration::from_secs(10)))
        .expect("a read timeout");
    let mut tls = rustls::StreamOwned::new(conn, tcp);
    tls.write_all(request).expect("send over TLS");
    let mut raw = Vec::new();
    // A close without close_notify is an error to rustls; the bytes read so far count.
    let _ = tls.read_to_end(&mut raw);
    String::from_utf8_lossy(&raw).into_owned()
}

/// The `--ssl-adapter` names of the backends this test binary's features build in.
fn built_adapters() -> Vec<&'static str> {
    let mut adapters = Vec::new();
    if cfg!(feature = "rustls") {
        adapters.push("rustls");
    }
    if cfg!(feature = "openssl") {
        adapters.push("openssl");
    }
    adapters
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
        let ServerAddr::Tcp(addr) = server.addr().clone() else {
            panic!("not TCP: {}", server.printed());
        };
        let answer = https(
            addr,
            &cert.der,
            b"POST /echo HTTP/1.1\r\nHost: localhost\r\nContent-Length: 5\r\n\
              Connection: close\r\n\r\nhello",
        );
        assert!(
            answer.starts_with("HTTP/1.1 200 OK\r\n"),
            "{adapter}: {answer}"
        );
        for want in [
            "\"url_scheme\": \"https\"",
            "\"body_sha256\": \"2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824\"",
            "\"tls\": {\"protocol\": \"TLSv1.3\", \"cipher\": \"",
            "\"client_verify\": \"NONE\"}",
        ] {
            assert!(answer.contains(want), "{adapter}: {answer} lacks {want}");
        }
        assert!(!answer.contains("client_s_dn"), "{adapter}: {answer}");

        // Plain HTTP on the TLS port is answered 400, as cheroot does.
        let mut plain = TestClient::new(server.addr().clone());
        plain.get("/hello").unwrap().assert_status(400);

        let (status, stderr) = server.stop_with(Signal::SIGTERM);
        assert!(status.success(), "{adapter}: {status}; stderr: {stderr}");
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
