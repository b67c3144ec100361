//! HTTPS through a `cheroot-tls` adapter, and peer credentials on UNIX sockets: the extras a
//! connection's task sets up before serving it.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::sync::Arc;
use std::time::Duration;

use cheroot_server::{BindAddr, HttpServer, ServerConfig};

use super::apps::TestApp;
use super::support::{connect, start, test_config};

/// A self-signed certificate for `localhost`, written to a fresh directory.
fn certificate() -> (std::path::PathBuf, Vec<u8>) {
    let dir = std::env::temp_dir().join(format!("cheroot-it-tls-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a temp dir");
    let generated =
        rcgen::generate_simple_self_signed(vec!["localhost".to_owned()]).expect("a certificate");
    std::fs::write(dir.join("cert.pem"), generated.cert.pem()).expect("write the certificate");
    std::fs::write(dir.join("key.pem"), generated.key_pair.serialize_pem()).expect("write the key");
    (dir, generated.cert.der().to_vec())
}

fn https_get(addr: std::net::SocketAddr, cert_der: &[u8], path: &str) -> String {
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
    let conn = rustls::ClientConnection::new(Arc::new(config), name).expect("a client connection");
    let tcp = TcpStream::connect(addr).expect("connect");
    tcp.set_read_timeout(Some(Duration::from_secs(10)))
        .expect("timeout");
    let mut tls = rustls::StreamOwned::new(conn, tcp);
    tls.write_all(
        format!("GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n").as_bytes(),
    )
    .expect("send over TLS");
    let mut raw = Vec::new();
    // A close without close_notify is an error to rustls; the bytes read so far are what count.
    let _ = tls.read_to_end(&mut raw);
    String::from_utf8_lossy(&raw).into_owned()
}

#[test]
fn serves_https_through_an_adapter() {
    // test_ssl.py::test_ssl_adapters and test_ssl.py::test_ssl_env (url scheme, HTTPS=on)
    let (dir, cert_der) = certificate();
    let settings = cheroot_tls::TlsSettings::new(dir.join("cert.pem"), dir.join("key.pem"));
    let adapter = cheroot_tls::RustlsAdapter::new(settings).expect("a rustls adapter");
    let config = ServerConfig {
        ssl_adapter: Some(Arc::new(adapter)),
        ..test_config()
    };
    let server = start(TestApp::new(true), config);
    let hello = https_get(server.socket_addr(), &cert_der, "/hello");
    assert!(hello.starts_with("HTTP/1.1 200 OK\r\n"), "{hello}");
    assert!(hello.ends_with("Hello world!"), "{hello}");
    let environ = https_get(server.socket_addr(), &cert_der, "/environ");
    assert!(environ.contains("url_scheme=https\n"), "{environ}");
    assert!(environ.contains("server_protocol=HTTP/1.1\n"), "{environ}");
    assert!(environ.contains("HTTPS=on\n"), "{environ}");

    // test_ssl.py::test_http_over_https_error: plain HTTP on the TLS port gets a 400.
    let mut plain = connect(&server);
    plain
        .send_raw(b"GET /hello HTTP/1.1\r\nHost: t\r\n\r\n")
        .expect("send");
    let resp = plain.read_response_for("GET").expect("a response");
    assert_eq!(resp.status, 400);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn peercreds_on_unix_sockets() {
    // test_server.py::test_peercreds_unix_sock, test_server.py::test_peercreds_unix_sock_with_lookup
    let dir = std::env::temp_dir().join(format!("cheroot-it-peer-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a temp dir");
    for resolve in [false, true] {
        let path = dir.join(format!("peer-{resolve}.sock"));
        let config = ServerConfig {
            peercreds_enabled: true,
            peercreds_resolve_enabled: resolve,
            ..test_config()
        };
        let server = Arc::new(HttpServer::with_config(
            BindAddr::Unix(path.clone()),
            TestApp::new(true),
            config,
        ));
        server.prepare().expect("prepare");
        let serving = {
            let server = Arc::clone(&server);
            std::thread::spawn(move || server.serve())
        };
        let mut stream = std::os::unix::net::UnixStream::connect(&path).expect("connect");
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .expect("timeout");
        stream
            .write_all(b"GET /environ HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
            .expect("send");
        let mut raw = String::new();
        stream.read_to_string(&mut raw).expect("read");
        assert!(
            raw.contains(&format!("X_REMOTE_PID={}\n", std::process::id())),
            "{raw}"
        );
        // The directory we just created is owned by our uid and gid.
        let owner = std::os::unix::fs::MetadataExt::uid(&std::fs::metadata(&dir).expect("stat"));
        let group = std::os::unix::fs::MetadataExt::gid(&std::fs::metadata(&dir).expect("stat"));
        assert!(raw.contains(&format!("X_REMOTE_UID={owner}\n")), "{raw}");
        assert!(raw.contains(&format!("X_REMOTE_GID={group}\n")), "{raw}");
        assert_eq!(raw.contains("X_REMOTE_USER="), resolve, "{raw}");
        server.stop();
        serving
            .join()
            .expect("serve thread")
            .expect("serve returns Ok");
    }
    let _ = std::fs::remove_dir_all(&dir);
}
