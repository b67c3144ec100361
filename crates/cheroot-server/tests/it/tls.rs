//! HTTPS through a `cheroot-tls` adapter, and peer credentials on UNIX sockets: the extras a
//! connection's task sets up before serving it.

use std::sync::Arc;

use cheroot_server::ServerConfig;
use cheroot_testing::{Response, ServerAddr, TestServer};

use super::apps::TestApp;
use super::support::{connect, start, test_config};

/// A self-signed certificate for `localhost`, written to a fresh directory.
fn certificate() -> (std::path::PathBuf, Vec<u8>) {
    // One directory per call: tests run in parallel and each removes its own.
    static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    let dir = std::env::temp_dir().join(format!("cheroot-it-tls-{}-{n}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a temp dir");
    let generated =
        rcgen::generate_simple_self_signed(vec!["localhost".to_owned()]).expect("a certificate");
    std::fs::write(dir.join("cert.pem"), generated.cert.pem()).expect("write the certificate");
    std::fs::write(dir.join("key.pem"), generated.key_pair.serialize_pem()).expect("write the key");
    (dir, generated.cert.der().to_vec())
}

/// A blocking test app served over HTTPS (rustls) with a fresh certificate, that
/// certificate's DER for the client to trust, and the directory holding it (to remove).
fn start_https() -> (TestServer, Vec<u8>, std::path::PathBuf) {
    let (dir, cert_der) = certificate();
    let settings = cheroot_tls::TlsSettings::new(dir.join("cert.pem"), dir.join("key.pem"));
    let adapter = cheroot_tls::RustlsAdapter::new(settings).expect("a rustls adapter");
    let config = ServerConfig {
        ssl_adapter: Some(Arc::new(adapter)),
        ..test_config()
    };
    (start(TestApp::new(true), config), cert_der, dir)
}

/// `GET path` over TLS, trusting only `cert_der` for `localhost`.
fn https_get(server: &TestServer, cert_der: &[u8], path: &str) -> Response {
    server
        .client()
        .with_tls(cert_der, "localhost")
        .request(
            "GET",
            path,
            &[("Host", "localhost"), ("Connection", "close")],
            b"",
        )
        .expect("a response over TLS")
}

#[test]
fn a_file_region_goes_through_tls_by_copy() {
    // No sendfile under TLS: the worker reads the file and the adapter encrypts it.
    let (server, cert_der, dir) = start_https();
    for target in ["/file", "/file?cl"] {
        let resp = https_get(&server, &cert_der, target);
        assert_eq!(resp.status, 200, "{resp}");
        assert!(
            resp.body == super::apps::file_pattern()[super::apps::FILE_OFFSET..],
            "{target}: the body differs"
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn serves_https_through_an_adapter() {
    // test_ssl.py::test_ssl_adapters and test_ssl.py::test_ssl_env (url scheme, HTTPS=on)
    let (server, cert_der, dir) = start_https();
    let hello = https_get(&server, &cert_der, "/hello");
    assert_eq!(hello.status_line(), "HTTP/1.1 200 OK", "{hello}");
    assert_eq!(hello.body_text(), "Hello world!", "{hello}");
    let environ = https_get(&server, &cert_der, "/environ").body_text();
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
    for resolve in [false, true] {
        let server = TestServer::builder()
            .unix()
            .config(|c| {
                *c = ServerConfig {
                    peercreds_enabled: true,
                    peercreds_resolve_enabled: resolve,
                    ..test_config()
                }
            })
            .start_native(TestApp::new(true));
        let ServerAddr::Unix(path) = server.addr().clone() else {
            panic!("not a UNIX socket: {}", server.addr());
        };
        let dir = path.parent().expect("the socket's directory").to_owned();
        let raw = server
            .client()
            .request(
                "GET",
                "/environ",
                &[("Host", "t"), ("Connection", "close")],
                b"",
            )
            .expect("a response")
            .assert_status(200)
            .body_text();
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
        server.stop().expect("serve returns Ok");
    }
}
