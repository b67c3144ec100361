//! The TLS suite, written once and run against each backend by `backends.rs`.

use std::sync::Arc;
use std::time::Duration;

use cheroot_tls::{AdapterKind, ClientVerify, Password, SslAdapter, TlsSettings};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use super::support::{
    CLIENT_DAYS_LEFT, ClientOptions, HELLO, LIMIT, Pki, TestServer, V1Client, https_get,
    openssl_get,
};

const TIMEOUT: Duration = Duration::from_secs(10);

fn settings(pki: &Pki) -> TlsSettings {
    TlsSettings::new(&pki.server.cert, &pki.server.key)
}

fn build(kind: AdapterKind, settings: TlsSettings) -> Arc<dyn SslAdapter> {
    kind.build(settings).expect("the adapter builds")
}

// test_ssl.py::test_ssl_adapters
pub(crate) async fn serves_https(kind: AdapterKind) {
    let pki = Pki::new();
    let adapter = build(kind, settings(&pki));
    assert_eq!(adapter.name(), kind.name());
    let mut server = TestServer::start(adapter, TIMEOUT).await;
    let got = https_get(server.addr, &pki.ca, ClientOptions::default())
        .await
        .expect("HTTPS works");
    assert!(
        got.response.starts_with("HTTP/1.1 200 OK\r\n"),
        "{}",
        got.response
    );
    assert!(got.response.ends_with(HELLO));
    assert_eq!(got.alpn.as_deref(), Some(&b"http/1.1"[..]));
    server.next_result().await.expect("handshake succeeded");
}

/// An OpenSSL client, TLS 1.2 and 1.3, with a client certificate: the other library on the
/// other end works too.
pub(crate) async fn openssl_client(kind: AdapterKind) {
    use openssl::ssl::SslVersion;
    let pki = Pki::new();
    let adapter = build(
        kind,
        settings(&pki)
            .with_ca_bundle(&pki.ca)
            .with_client_verify(ClientVerify::Required),
    );
    let mut server = TestServer::start(adapter, TIMEOUT).await;
    for (version, name) in [
        (SslVersion::TLS1_2, "TLSv1.2"),
        (SslVersion::TLS1_3, "TLSv1.3"),
    ] {
        let response = openssl_get(server.addr, &pki.ca, Some(&pki.client), version)
            .await
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(response.ends_with(HELLO), "{name}: {response}");
        let env = server.next_result().await.expect("handshake succeeded");
        assert_eq!(env.get("SSL_PROTOCOL"), Some(name));
        assert_eq!(env.get("SSL_CLIENT_VERIFY"), Some("SUCCESS"));
        assert_eq!(env.get("SSL_CLIENT_S_DN_CN"), Some("client"));
    }
    // Without a certificate, a required one is missing.
    let refused = openssl_get(server.addr, &pki.ca, None, SslVersion::TLS1_3).await;
    assert!(refused.is_err());
    assert!(
        server
            .next_result()
            .await
            .expect_err("refused")
            .is_fatal_alert()
    );
}

// test_ssl.py::test_tls_client_auth
pub(crate) async fn client_auth(kind: AdapterKind) {
    let pki = Pki::new();
    #[derive(Debug, Clone, Copy)]
    enum Client {
        NoCert,
        Trusted,
        TrustedOtherName,
        Untrusted,
    }
    use Client::*;
    let table = [
        (ClientVerify::None, NoCert, true),
        (ClientVerify::None, Trusted, true),
        (ClientVerify::None, Untrusted, true),
        (ClientVerify::Optional, NoCert, true),
        (ClientVerify::Optional, Trusted, true),
        (ClientVerify::Optional, TrustedOtherName, true),
        (ClientVerify::Optional, Untrusted, false),
        (ClientVerify::Required, NoCert, false),
        (ClientVerify::Required, Trusted, true),
        (ClientVerify::Required, TrustedOtherName, true),
        (ClientVerify::Required, Untrusted, false),
    ];
    for (verify, client, ok) in table {
        // certificate_chain doubles as the CA for clients when there is no ca_bundle.
        let adapter = build(
            kind,
            settings(&pki)
                .with_certificate_chain(&pki.ca)
                .with_client_verify(verify),
        );
        let mut server = TestServer::start(adapter, TIMEOUT).await;
        let identity = match client {
            NoCert => None,
            Trusted => Some(&pki.client),
            TrustedOtherName => Some(&pki.client_other_name),
            Untrusted => Some(&pki.untrusted_client),
        };
        let opts = ClientOptions {
            identity,
            ..ClientOptions::default()
        };
        let got = https_get(server.addr, &pki.ca, opts).await;
        let seen = server.next_result().await;
        let case = format!("{verify:?} with {client:?}");
        if ok {
            let got = got.unwrap_or_else(|e| panic!("{case}: {e}"));
            assert!(got.response.ends_with(HELLO), "{case}");
            let env = seen.unwrap_or_else(|e| panic!("{case}: {e}"));
            let verdict = match (verify, client) {
                (ClientVerify::None, _) | (_, NoCert) => "NONE",
                _ => "SUCCESS",
            };
            assert_eq!(env.get("SSL_CLIENT_VERIFY"), Some(verdict), "{case}");
        } else {
            // The client may see its handshake succeed (TLS 1.3 finishes before the server
            // checks the certificate) but never the response.
            assert!(got.is_err(), "{case}: the client got a response");
            let err = seen.expect_err(&case);
            assert!(
                err.is_fatal_alert() && !err.is_plain_http(),
                "{case}: {err}"
            );
            assert!(!err.to_string().contains('\n'), "{case}: {err}");
        }
    }
}

// test_ssl.py::test_ssl_env
pub(crate) async fn environ(kind: AdapterKind) {
    let pki = Pki::new();
    let adapter = build(
        kind,
        settings(&pki)
            .with_ca_bundle(&pki.ca)
            .with_client_verify(ClientVerify::Optional),
    );
    let mut server = TestServer::start(adapter, TIMEOUT).await;
    let opts = ClientOptions {
        identity: Some(&pki.client),
        ..ClientOptions::default()
    };
    https_get(server.addr, &pki.ca, opts)
        .await
        .expect("HTTPS works");
    let env = server.next_result().await.expect("handshake succeeded");
    let get = |key: &str| {
        env.get(key)
            .unwrap_or_else(|| panic!("{key} missing from {env:?}"))
            .to_owned()
    };

    assert_eq!(get("wsgi.url_scheme"), "https");
    assert_eq!(get("HTTPS"), "on");
    assert_eq!(get("SSL_PROTOCOL"), "TLSv1.3");
    assert!(
        [
            "TLS_AES_256_GCM_SHA384",
            "TLS_AES_128_GCM_SHA256",
            "TLS_CHACHA20_POLY1305_SHA256"
        ]
        .contains(&get("SSL_CIPHER").as_str()),
        "{}",
        get("SSL_CIPHER")
    );
    let bits: u32 = get("SSL_CIPHER_USEKEYSIZE").parse().expect("a number");
    assert!(bits == 128 || bits == 256);
    assert_eq!(get("SSL_CIPHER_ALGKEYSIZE"), bits.to_string());
    assert!(get("SSL_SESSION_ID").bytes().all(|b| b.is_ascii_hexdigit()));
    assert_eq!(get("SSL_TLS_SNI"), "localhost");
    let interface = get("SSL_VERSION_INTERFACE");
    assert!(interface.starts_with("cheroot-rs/"), "{interface}");
    assert!(!get("SSL_VERSION_LIBRARY").is_empty());
    assert_eq!(get("SSL_CLIENT_VERIFY"), "SUCCESS");

    // The client certificate, as PEM contained in the client's file.
    let client_pem = get("SSL_CLIENT_CERT");
    assert!(client_pem.starts_with("-----BEGIN CERTIFICATE-----\n"));
    assert!(pki.client.cert_pem.contains(&client_pem));
    assert_eq!(get("SSL_CLIENT_M_VERSION"), "3");
    assert_eq!(get("SSL_CLIENT_M_SERIAL"), "0A1B2C");
    assert_eq!(get("SSL_CLIENT_S_DN"), "C=US,OU=unit one,CN=client");
    assert_eq!(get("SSL_CLIENT_S_DN_CN"), "client");
    assert_eq!(get("SSL_CLIENT_S_DN_C"), "US");
    assert_eq!(get("SSL_CLIENT_S_DN_OU"), "unit one");
    assert!(env.get("SSL_CLIENT_S_DN_OU_0").is_none());
    assert_eq!(get("SSL_CLIENT_I_DN"), "O=cheroot-rs tests,CN=Test CA");
    assert_eq!(get("SSL_CLIENT_I_DN_O"), "cheroot-rs tests");
    assert_eq!(get("SSL_CLIENT_SAN_DNS_0"), "client.test");
    assert_eq!(get("SSL_CLIENT_SAN_Email_0"), "client@example.test");
    assert!(get("SSL_CLIENT_V_START").ends_with(" GMT"));
    assert!(get("SSL_CLIENT_V_END").ends_with(" GMT"));
    // Days left from now (mod_ssl), not the certificate's lifetime (cheroot).
    let remain: i64 = get("SSL_CLIENT_V_REMAIN").parse().expect("a number");
    assert!(
        (CLIENT_DAYS_LEFT - 1..=CLIENT_DAYS_LEFT).contains(&remain),
        "{remain}"
    );

    // The server's certificate.
    assert!(pki.server.cert_pem.contains(&get("SSL_SERVER_CERT")));
    assert_eq!(get("SSL_SERVER_S_DN_CN"), "localhost");
    assert_eq!(get("SSL_SERVER_SAN_DNS_0"), "localhost");
    assert_eq!(get("SSL_SERVER_I_DN_CN"), "Test CA");
    assert_eq!(get("SSL_SERVER_M_VERSION"), "3");
}

/// TLS 1.2 with a chosen suite: the protocol, OpenSSL's suite name and its key sizes.
pub(crate) async fn environ_tls12(kind: AdapterKind) {
    let pki = Pki::new();
    let mut server = TestServer::start(build(kind, settings(&pki)), TIMEOUT).await;
    let opts = ClientOptions {
        tls12_only: true,
        suite: Some(rustls::crypto::ring::cipher_suite::TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256),
        server_name: Some("localhost"),
        ..ClientOptions::default()
    };
    https_get(server.addr, &pki.ca, opts)
        .await
        .expect("TLS 1.2 works");
    let env = server.next_result().await.expect("handshake succeeded");
    assert_eq!(env.get("SSL_PROTOCOL"), Some("TLSv1.2"));
    assert_eq!(env.get("SSL_CIPHER"), Some("ECDHE-ECDSA-AES128-GCM-SHA256"));
    assert_eq!(env.get("SSL_CIPHER_USEKEYSIZE"), Some("128"));
    assert_eq!(env.get("SSL_CIPHER_ALGKEYSIZE"), Some("128"));
    // Without a client certificate request there are no client keys.
    assert_eq!(env.get("SSL_CLIENT_VERIFY"), Some("NONE"));
    assert!(env.get("SSL_CLIENT_CERT").is_none());
    assert!(env.iter().all(|(k, _)| !k.starts_with("SSL_CLIENT_S_DN")));
}

/// `ciphers` is applied (cheroot's pyOpenSSL adapter ignored it): a TLS 1.2 client offering
/// only a suite the list leaves out is refused; unknown names fail at start-up.
pub(crate) async fn ciphers(kind: AdapterKind) {
    let pki = Pki::new();
    let adapter = build(
        kind,
        settings(&pki).with_ciphers("ECDHE-ECDSA-AES256-GCM-SHA384"),
    );
    let mut server = TestServer::start(adapter, TIMEOUT).await;
    let only = |suite| ClientOptions {
        tls12_only: true,
        suite: Some(suite),
        ..ClientOptions::default()
    };
    use rustls::crypto::ring::cipher_suite as cs;
    https_get(
        server.addr,
        &pki.ca,
        only(cs::TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384),
    )
    .await
    .expect("the listed suite works");
    let env = server.next_result().await.expect("handshake succeeded");
    assert_eq!(env.get("SSL_CIPHER"), Some("ECDHE-ECDSA-AES256-GCM-SHA384"));
    assert_eq!(env.get("SSL_CIPHER_USEKEYSIZE"), Some("256"));
    let refused = https_get(
        server.addr,
        &pki.ca,
        only(cs::TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256),
    )
    .await;
    assert!(refused.is_err());
    assert!(
        server
            .next_result()
            .await
            .expect_err("refused")
            .is_fatal_alert()
    );

    // Naming a TLS 1.3 suite narrows TLS 1.3 to it.
    let adapter = build(kind, settings(&pki).with_ciphers("TLS_AES_128_GCM_SHA256"));
    let mut server = TestServer::start(adapter, TIMEOUT).await;
    https_get(server.addr, &pki.ca, ClientOptions::default())
        .await
        .expect("TLS 1.3 works");
    let env = server.next_result().await.expect("handshake succeeded");
    assert_eq!(env.get("SSL_CIPHER"), Some("TLS_AES_128_GCM_SHA256"));
    let err = kind
        .build(settings(&pki).with_ciphers(
            "!TLS_AES_128_GCM_SHA256:!TLS_AES_256_GCM_SHA384:!TLS_CHACHA20_POLY1305_SHA256",
        ))
        .expect_err("no TLS 1.3 suite left");
    assert!(err.is_ciphers(), "{err}");

    // IANA names work too.
    build(
        kind,
        settings(&pki)
            .with_ciphers("TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256:TLS_AES_128_GCM_SHA256"),
    );
    let err = kind
        .build(settings(&pki).with_ciphers("ECDHE-ECDSA-AES256-GCM-SHA384:NOT-A-CIPHER"))
        .expect_err("unknown name");
    assert!(err.is_ciphers(), "{err}");
    assert!(err.to_string().contains("NOT-A-CIPHER"), "{err}");
}

// test_ssl.py::test_http_over_https_error
pub(crate) async fn plain_http_gets_400(kind: AdapterKind) {
    let pki = Pki::new();
    let mut server = TestServer::start(build(kind, settings(&pki)), TIMEOUT).await;
    let mut tcp = TcpStream::connect(server.addr).await.expect("connect");
    tcp.write_all(b"GET / HTTP/1.1\r\nHost: localhost\r\nUser-Agent: test\r\n\r\n")
        .await
        .expect("write");
    let mut response = Vec::new();
    tokio::time::timeout(LIMIT, tcp.read_to_end(&mut response))
        .await
        .expect("the server answers and closes")
        .expect("read");
    // cheroot's exact answer, with the Date every answer of the server's own carries.
    let response = String::from_utf8_lossy(&response);
    let (head, date_and_rest) = response.split_once("\r\nDate: ").expect("a Date header");
    assert_eq!(
        head,
        "HTTP/1.1 400 Bad Request\r\nContent-Length: 85\r\nContent-Type: text/plain"
    );
    let (date, rest) = date_and_rest.split_once("\r\n").expect("the Date line");
    assert!(date.ends_with(" GMT") && date.len() == 29, "{date}");
    assert_eq!(
        rest,
        "Connection: close\r\n\r\nThe client sent a plain HTTP request, but this server only \
         speaks HTTPS on this port."
    );
    let err = server.next_result().await.expect_err("not TLS");
    assert!(err.is_plain_http() && !err.is_fatal_alert(), "{err}");
}

/// cheroot issue #748: a client that opens TCP and never speaks delays nobody, and is
/// dropped after the timeout.
pub(crate) async fn stalled_handshake_blocks_nobody(kind: AdapterKind) {
    let pki = Pki::new();
    let mut server =
        TestServer::start(build(kind, settings(&pki)), Duration::from_millis(500)).await;
    let mut staller = TcpStream::connect(server.addr).await.expect("connect");
    let got = https_get(server.addr, &pki.ca, ClientOptions::default())
        .await
        .expect("another client is served meanwhile");
    assert!(got.response.ends_with(HELLO));
    // Outcomes arrive in completion order: the served client's first, then the timeout.
    let first = server.next_result().await;
    let second = server.next_result().await;
    let (ok, err) = match (first, second) {
        (Ok(env), Err(err)) | (Err(err), Ok(env)) => (env, err),
        (a, b) => panic!("expected one success and one timeout: {a:?} {b:?}"),
    };
    assert_eq!(ok.get("HTTPS"), Some("on"));
    assert!(err.is_timeout() && err.is_fatal_alert(), "{err}");
    let mut buf = [0u8; 16];
    let n = tokio::time::timeout(LIMIT, staller.read(&mut buf))
        .await
        .expect("the server closes the stalled connection");
    assert!(matches!(n, Ok(0) | Err(_)), "{n:?}");
}

/// Bytes that are neither TLS nor HTTP, and a client that closes at once: one-line errors,
/// no panic, and the server goes on.
pub(crate) async fn garbage_and_early_close(kind: AdapterKind) {
    let pki = Pki::new();
    let mut server = TestServer::start(build(kind, settings(&pki)), TIMEOUT).await;

    let mut tcp = TcpStream::connect(server.addr).await.expect("connect");
    tcp.write_all(&[0x42; 64]).await.expect("write");
    let err = server.next_result().await.expect_err("garbage");
    assert!(err.is_fatal_alert() && !err.is_plain_http(), "{err}");
    assert!(!err.to_string().contains('\n'), "{err}");
    drop(tcp);

    let tcp = TcpStream::connect(server.addr).await.expect("connect");
    drop(tcp);
    let err = server.next_result().await.expect_err("closed");
    assert!(err.is_closed(), "{err}");

    let got = https_get(server.addr, &pki.ca, ClientOptions::default())
        .await
        .expect("still serving");
    assert!(got.response.ends_with(HELLO));
}

// test_ssl.py::test_ssl_adapters_with_private_key_password
pub(crate) async fn key_passwords(kind: AdapterKind) {
    let pki = Pki::new();
    let encrypted = pki.encrypted_server_key(b"secret", false);
    let legacy = pki.encrypted_server_key(b"secret", true);
    let passwords: Vec<(&str, Password)> = vec![
        ("str", Password::from("secret")),
        ("bytes", Password::from(&b"secret"[..])),
        ("callback str", Password::callback(|| "secret")),
        ("callback bytes", Password::callback(|| b"secret".to_vec())),
    ];
    for (label, password) in passwords {
        // An unencrypted key ignores the password.
        let keys = [
            (&pki.server.key, true),
            (&encrypted, false),
            (&legacy, false),
        ];
        for (key, plain) in keys {
            let settings =
                TlsSettings::new(&pki.server.cert, key).with_private_key_password(password.clone());
            let built = kind.build(settings);
            if !plain && !cfg!(feature = "openssl") {
                // rustls alone cannot decrypt: a clear error naming the feature.
                let err = built.expect_err("needs openssl");
                assert!(err.to_string().contains("`openssl` feature"), "{err}");
                assert_eq!(err.path(), Some(key.as_path()));
                continue;
            }
            let adapter = built.unwrap_or_else(|e| panic!("{label} {}: {e}", key.display()));
            let mut server = TestServer::start(adapter, TIMEOUT).await;
            https_get(server.addr, &pki.ca, ClientOptions::default())
                .await
                .unwrap_or_else(|e| panic!("{label} {}: {e}", key.display()));
            server.next_result().await.expect("handshake succeeded");
        }
    }
    // A callback is asked only for a key that needs it (the command line's password file is
    // read only then), by both backends.
    let asked = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counter = std::sync::Arc::clone(&asked);
    let password = Password::callback(move || {
        counter.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        "secret"
    });
    let settings = TlsSettings::new(&pki.server.cert, &pki.server.key)
        .with_private_key_password(password.clone());
    kind.build(settings).expect("a plain key");
    assert_eq!(asked.load(std::sync::atomic::Ordering::SeqCst), 0, "{}", kind.name());
    if cfg!(feature = "openssl") {
        let settings =
            TlsSettings::new(&pki.server.cert, &encrypted).with_private_key_password(password);
        kind.build(settings).expect("an encrypted key");
        assert_eq!(asked.load(std::sync::atomic::Ordering::SeqCst), 1, "{}", kind.name());
    }
}

// test_ssl.py::test_builtin_adapter_with_false_key_password,
// test_ssl.py::test_openssl_adapter_with_false_key_password
pub(crate) async fn bad_keys_and_files(kind: AdapterKind) {
    let pki = Pki::new();
    let encrypted = pki.encrypted_server_key(b"secret", false);
    let cases: Vec<(&str, TlsSettings, std::path::PathBuf)> = vec![
        (
            "wrong password",
            TlsSettings::new(&pki.server.cert, &encrypted).with_private_key_password("wrong"),
            encrypted.clone(),
        ),
        (
            "no password",
            TlsSettings::new(&pki.server.cert, &encrypted),
            encrypted.clone(),
        ),
        (
            "missing key",
            TlsSettings::new(
                &pki.server.cert,
                pki.dir.write("x", "").with_file_name("absent.key"),
            ),
            pki.dir.write("y", "").with_file_name("absent.key"),
        ),
        (
            "malformed key",
            TlsSettings::new(&pki.server.cert, pki.dir.write("bad.key", "not a key")),
            pki.dir.write("bad.key", "not a key"),
        ),
        (
            "malformed certificate",
            TlsSettings::new(pki.dir.write("bad.crt", "not a cert"), &pki.server.key),
            pki.dir.write("bad.crt", "not a cert"),
        ),
        (
            "key of another certificate",
            TlsSettings::new(&pki.server.cert, &pki.client.key),
            pki.client.key.clone(),
        ),
        (
            "missing CA bundle",
            TlsSettings::new(&pki.server.cert, &pki.server.key)
                .with_client_verify(ClientVerify::Required)
                .with_ca_bundle(pki.dir.write("z", "").with_file_name("absent-ca.pem")),
            pki.dir.write("w", "").with_file_name("absent-ca.pem"),
        ),
    ];
    for (label, settings, path) in cases {
        let err = kind.build(settings).expect_err(label);
        assert!(err.is_file(), "{label}: {err}");
        assert_eq!(err.path(), Some(path.as_path()), "{label}: {err}");
        assert!(
            err.to_string().starts_with(&path.display().to_string()),
            "{label}: {err}"
        );
        assert!(!err.to_string().contains('\n'), "{label}: {err}");
    }
    let err = kind
        .build(settings(&pki).with_client_verify(ClientVerify::Optional))
        .expect_err("verification without a CA");
    assert!(err.to_string().contains("ca_bundle"), "{err}");
}

/// Both backends give the same environ for the same handshake, but for the library names and
/// the session ID (rustls exposes none).
#[cfg(all(feature = "rustls", feature = "openssl"))]
pub(crate) async fn backends_agree_on_the_environ() {
    let pki = Pki::new();
    let mut envs = Vec::new();
    for kind in [AdapterKind::Rustls, AdapterKind::OpenSsl] {
        let adapter = build(
            kind,
            settings(&pki)
                .with_ca_bundle(&pki.ca)
                .with_client_verify(ClientVerify::Required),
        );
        let mut server = TestServer::start(adapter, TIMEOUT).await;
        for tls12_only in [false, true] {
            let opts = ClientOptions {
                identity: Some(&pki.client),
                tls12_only,
                ..ClientOptions::default()
            };
            https_get(server.addr, &pki.ca, opts)
                .await
                .expect("HTTPS works");
            let env = server.next_result().await.expect("handshake succeeded");
            let kept: Vec<(String, String)> = env
                .iter()
                .filter(|(k, _)| {
                    !matches!(
                        *k,
                        "SSL_SESSION_ID" | "SSL_VERSION_INTERFACE" | "SSL_VERSION_LIBRARY"
                    )
                })
                .map(|(k, v)| (k.to_owned(), v.to_owned()))
                .collect();
            envs.push(kept);
        }
    }
    assert_eq!(envs[0], envs[2], "TLS 1.3");
    assert_eq!(envs[1], envs[3], "TLS 1.2");
}

// rustls (webpki) refuses X.509 version 1 client certificates, which
// OpenSSL accepts; docs/tls.md says so. The test pins the difference down per backend.
pub(crate) async fn v1_client_certificates(kind: AdapterKind) {
    let pki = Pki::new();
    let v1 = V1Client::new(&pki.dir);
    let adapter = build(
        kind,
        settings(&pki)
            .with_client_verify(ClientVerify::Required)
            .with_ca_bundle(&v1.ca),
    );
    let mut server = TestServer::start(adapter, TIMEOUT).await;
    let got = openssl_get(
        server.addr,
        &pki.ca,
        Some(&v1.client),
        openssl::ssl::SslVersion::TLS1_3,
    )
    .await;
    let seen = server.next_result().await;
    match kind {
        AdapterKind::Rustls => {
            assert!(got.is_err(), "rustls served a v1 client certificate");
            let err = seen.expect_err("refused");
            assert!(err.is_fatal_alert(), "{err}");
        }
        _ => {
            assert_eq!(kind, AdapterKind::OpenSsl);
            assert!(got.expect("served").ends_with(HELLO));
            let env = seen.expect("accepted");
            assert_eq!(env.get("SSL_CLIENT_VERIFY"), Some("SUCCESS"));
            assert_eq!(env.get("SSL_CLIENT_M_VERSION"), Some("1"));
            assert_eq!(env.get("SSL_CLIENT_S_DN_CN"), Some("v1 client"));
        }
    }
}
