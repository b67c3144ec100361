//! The client over TLS, against the fixture serving the echo app through a rustls adapter.

use std::sync::Arc;

use cheroot::tls::{RustlsAdapter, TlsSettings};
use cheroot_testing::{Echo, Framing, TestServer};

/// A self-signed certificate for `localhost` written to a fresh directory; the adapter and the
/// certificate's DER form.
fn adapter(tag: &str) -> (RustlsAdapter, Vec<u8>) {
    let dir = std::env::temp_dir().join(format!("cheroot-testing-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir(&dir).expect("a temporary directory");
    let generated =
        rcgen::generate_simple_self_signed(vec!["localhost".to_owned()]).expect("a certificate");
    std::fs::write(dir.join("cert.pem"), generated.cert.pem()).expect("write the certificate");
    std::fs::write(dir.join("key.pem"), generated.key_pair.serialize_pem()).expect("write the key");
    let adapter = RustlsAdapter::new(TlsSettings::new(dir.join("cert.pem"), dir.join("key.pem")))
        .expect("a rustls adapter");
    let _ = std::fs::remove_dir_all(&dir);
    (adapter, generated.cert.der().to_vec())
}

#[test]
fn echo_over_tls() {
    let (adapter, der) = adapter("tls");
    let adapter = Arc::new(adapter);
    let server = TestServer::builder()
        .config(|config| config.ssl_adapter = Some(adapter))
        .start(Echo);
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

    // Plain HTTP on the TLS port: cheroot's 400.
    server.client().get("/hello").unwrap().assert_status(400);
}
