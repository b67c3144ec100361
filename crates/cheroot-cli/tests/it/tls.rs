//! The `cheroot` binary serving the echo app over TLS with each backend built in.

use nix::sys::signal::Signal;

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
