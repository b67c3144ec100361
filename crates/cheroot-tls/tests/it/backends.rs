//! Runs the suite in `cases.rs` once per backend built into this test binary.

/// One module of tests per backend, each calling the shared case with its kind.
macro_rules! suite {
    ($backend:ident, $kind:expr) => {
        mod $backend {
            use cheroot_tls::AdapterKind;

            const KIND: AdapterKind = $kind;

            #[tokio::test]
            async fn serves_https() {
                super::super::cases::serves_https(KIND).await;
            }

            #[tokio::test]
            async fn openssl_client() {
                super::super::cases::openssl_client(KIND).await;
            }

            #[tokio::test]
            async fn client_auth() {
                super::super::cases::client_auth(KIND).await;
            }

            #[tokio::test]
            async fn environ() {
                super::super::cases::environ(KIND).await;
            }

            #[tokio::test]
            async fn environ_tls12() {
                super::super::cases::environ_tls12(KIND).await;
            }

            #[tokio::test]
            async fn ciphers() {
                super::super::cases::ciphers(KIND).await;
            }

            #[tokio::test]
            async fn plain_http_gets_400() {
                super::super::cases::plain_http_gets_400(KIND).await;
            }

            #[tokio::test]
            async fn stalled_handshake_blocks_nobody() {
                super::super::cases::stalled_handshake_blocks_nobody(KIND).await;
            }

            #[tokio::test]
            async fn garbage_and_early_close() {
                super::super::cases::garbage_and_early_close(KIND).await;
            }

            #[tokio::test]
            async fn key_passwords() {
                super::super::cases::key_passwords(KIND).await;
            }

            #[tokio::test]
            async fn bad_keys_and_files() {
                super::super::cases::bad_keys_and_files(KIND).await;
            }

            #[tokio::test]
            async fn v1_client_certificates() {
                super::super::cases::v1_client_certificates(KIND).await;
            }
        }
    };
}

#[cfg(feature = "rustls")]
suite!(rustls, AdapterKind::Rustls);

#[cfg(feature = "openssl")]
suite!(openssl, AdapterKind::OpenSsl);

#[cfg(all(feature = "rustls", feature = "openssl"))]
#[tokio::test]
async fn backends_agree_on_the_environ() {
    super::cases::backends_agree_on_the_environ().await;
}
