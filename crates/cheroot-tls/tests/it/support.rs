//! Test fixtures: certificates generated at test time, a loopback server accepting through an
//! adapter, and a rustls client.

use std::io;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use cheroot_tls::{SslAdapter, TlsAcceptError, TlsEnv};
use rcgen::{
    BasicConstraints, Certificate, CertificateParams, DistinguishedName, DnType,
    ExtendedKeyUsagePurpose, IsCa, KeyPair, SanType, SerialNumber,
};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;

/// A bound on every wait in these tests, so that a bug fails a test instead of hanging it.
pub(crate) const LIMIT: Duration = Duration::from_secs(20);

/// A directory removed when dropped.
pub(crate) struct TempDir(PathBuf);

impl TempDir {
    pub(crate) fn new() -> Self {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let path = std::env::temp_dir().join(format!("cheroot-tls-it-{}-{n}", std::process::id()));
        std::fs::create_dir_all(&path).expect("create temp dir");
        Self(path)
    }

    pub(crate) fn write(&self, name: &str, contents: impl AsRef<[u8]>) -> PathBuf {
        let path = self.0.join(name);
        std::fs::write(&path, contents).expect("write temp file");
        path
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A certificate and its key, as PEM files.
pub(crate) struct Issued {
    pub(crate) cert: PathBuf,
    pub(crate) key: PathBuf,
    pub(crate) cert_pem: String,
    pub(crate) key_pem: String,
}

/// Two CAs (one the server trusts for clients, one it does not), a server certificate for
/// `localhost`, and client certificates from each CA.
pub(crate) struct Pki {
    pub(crate) dir: TempDir,
    pub(crate) ca: PathBuf,
    pub(crate) server: Issued,
    pub(crate) client: Issued,
    pub(crate) client_other_name: Issued,
    pub(crate) untrusted_client: Issued,
}

/// Today's date plus `days`, as (year, month, day), from the system clock.
fn date_in(days: i64) -> (i32, u8, u8) {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("clock after 1970")
        .as_secs();
    let z = i64::try_from(now / 86_400).expect("days fit") + days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (
        i32::try_from(year).expect("year fits"),
        u8::try_from(month).expect("month"),
        u8::try_from(day).expect("day"),
    )
}

fn ca(name: &str) -> (Certificate, KeyPair) {
    let key = KeyPair::generate().expect("key");
    let mut params = CertificateParams::new(Vec::<String>::new()).expect("params");
    // rcgen starts with a CN of its own; the tests want theirs, in their order.
    params.distinguished_name = DistinguishedName::new();
    params
        .distinguished_name
        .push(DnType::OrganizationName, "cheroot-rs tests");
    params.distinguished_name.push(DnType::CommonName, name);
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    (params.self_signed(&key).expect("self-signed CA"), key)
}

/// How the tests know a client certificate: its serial and validity are fixed.
pub(crate) const CLIENT_SERIAL: [u8; 3] = [0x0a, 0x1b, 0x2c];
pub(crate) const CLIENT_DAYS_LEFT: i64 = 30;

fn leaf(
    dir: &TempDir,
    stem: &str,
    cn: &str,
    sans: Vec<SanType>,
    purpose: ExtendedKeyUsagePurpose,
    issuer: &(Certificate, KeyPair),
) -> Issued {
    let key = KeyPair::generate().expect("key");
    let mut params = CertificateParams::new(Vec::<String>::new()).expect("params");
    // rcgen keeps one value per attribute type: repeated attributes are covered by the unit
    // tests of the environ.
    params.distinguished_name = DistinguishedName::new();
    params.distinguished_name.push(DnType::CountryName, "US");
    params
        .distinguished_name
        .push(DnType::OrganizationalUnitName, "unit one");
    params.distinguished_name.push(DnType::CommonName, cn);
    params.subject_alt_names = sans;
    params.extended_key_usages = vec![purpose];
    params.serial_number = Some(SerialNumber::from_slice(&CLIENT_SERIAL));
    let (y, m, d) = date_in(-1);
    params.not_before = rcgen::date_time_ymd(y, m, d);
    let (y, m, d) = date_in(CLIENT_DAYS_LEFT);
    params.not_after = rcgen::date_time_ymd(y, m, d);
    let cert = params
        .signed_by(&key, &issuer.0, &issuer.1)
        .expect("signed certificate");
    let (cert_pem, key_pem) = (cert.pem(), key.serialize_pem());
    Issued {
        cert: dir.write(&format!("{stem}.crt"), &cert_pem),
        key: dir.write(&format!("{stem}.key"), &key_pem),
        cert_pem,
        key_pem,
    }
}

impl Pki {
    pub(crate) fn new() -> Self {
        let dir = TempDir::new();
        let trusted = ca("Test CA");
        let other = ca("Other CA");
        let ca = dir.write("ca.pem", trusted.0.pem());
        let server = leaf(
            &dir,
            "server",
            "localhost",
            vec![
                SanType::DnsName("localhost".try_into().expect("DNS name")),
                SanType::IpAddress([127, 0, 0, 1].into()),
            ],
            ExtendedKeyUsagePurpose::ServerAuth,
            &trusted,
        );
        let client = leaf(
            &dir,
            "client",
            "client",
            vec![
                SanType::DnsName("client.test".try_into().expect("DNS name")),
                SanType::Rfc822Name("client@example.test".try_into().expect("e-mail")),
            ],
            ExtendedKeyUsagePurpose::ClientAuth,
            &trusted,
        );
        // test_ssl.py::test_tls_client_auth: the client's name is not checked.
        let client_other_name = leaf(
            &dir,
            "not_localhost",
            "not_localhost",
            Vec::new(),
            ExtendedKeyUsagePurpose::ClientAuth,
            &trusted,
        );
        let untrusted_client = leaf(
            &dir,
            "untrusted",
            "client",
            Vec::new(),
            ExtendedKeyUsagePurpose::ClientAuth,
            &other,
        );
        Self {
            dir,
            ca,
            server,
            client,
            client_other_name,
            untrusted_client,
        }
    }

    /// The server key encrypted with `password`, PKCS#8 (`legacy`: OpenSSL's `Proc-Type` form).
    pub(crate) fn encrypted_server_key(&self, password: &[u8], legacy: bool) -> PathBuf {
        let key =
            openssl::pkey::PKey::private_key_from_pem(self.server.key_pem.as_bytes()).expect("key");
        let cipher = openssl::symm::Cipher::aes_256_cbc();
        let pem = if legacy {
            key.ec_key()
                .expect("EC key")
                .private_key_to_pem_passphrase(cipher, password)
                .expect("encrypt")
        } else {
            key.private_key_to_pem_pkcs8_passphrase(cipher, password)
                .expect("encrypt")
        };
        let name = if legacy {
            "server-legacy-enc.key"
        } else {
            "server-enc.key"
        };
        self.dir.write(name, pem)
    }
}

/// A loopback server accepting every connection through an adapter, each in its own task.
pub(crate) struct TestServer {
    pub(crate) addr: SocketAddr,
    results: mpsc::UnboundedReceiver<Result<TlsEnv, TlsAcceptError>>,
    task: tokio::task::JoinHandle<()>,
}

/// What the server answers on every request.
pub(crate) const HELLO: &str = "Hello world!";

impl TestServer {
    pub(crate) async fn start(adapter: Arc<dyn SslAdapter>, timeout: Duration) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("addr");
        let (tx, results) = mpsc::unbounded_channel();
        let task = tokio::spawn(async move {
            // Bounded: no test makes more connections than this.
            for _ in 0..64 {
                let Ok((tcp, _)) = listener.accept().await else {
                    return;
                };
                let adapter = Arc::clone(&adapter);
                let tx = tx.clone();
                tokio::spawn(async move {
                    match adapter.accept(Box::new(tcp), timeout).await {
                        Ok((stream, env)) => {
                            let _ = tx.send(Ok(env));
                            // Split in two halves, as the server's connection driver does.
                            let (mut reader, mut writer) = tokio::io::split(stream);
                            let mut head = Vec::new();
                            let mut buf = [0u8; 1024];
                            while !head.windows(4).any(|w| w == b"\r\n\r\n") && head.len() < 65536 {
                                match reader.read(&mut buf).await {
                                    Ok(0) | Err(_) => return,
                                    Ok(n) => head.extend_from_slice(&buf[..n]),
                                }
                            }
                            let response = format!(
                                "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{HELLO}",
                                HELLO.len()
                            );
                            let _ = writer.write_all(response.as_bytes()).await;
                            let _ = writer.shutdown().await;
                        }
                        Err(err) => {
                            let _ = tx.send(Err(err));
                        }
                    }
                });
            }
        });
        Self {
            addr,
            results,
            task,
        }
    }

    /// The next connection's outcome, as the server saw it.
    pub(crate) async fn next_result(&mut self) -> Result<TlsEnv, TlsAcceptError> {
        tokio::time::timeout(LIMIT, self.results.recv())
            .await
            .expect("the server reports every connection")
            .expect("the server is running")
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// How the test client connects.
#[derive(Default)]
pub(crate) struct ClientOptions<'a> {
    /// Certificate and key files to present.
    pub(crate) identity: Option<&'a Issued>,
    /// Only TLS 1.2.
    pub(crate) tls12_only: bool,
    /// Only this suite (rustls's constant).
    pub(crate) suite: Option<rustls::SupportedCipherSuite>,
    /// The server name to send (and check).
    pub(crate) server_name: Option<&'a str>,
}

/// What the client saw: the response and the negotiated ALPN protocol.
pub(crate) struct Fetched {
    pub(crate) response: String,
    pub(crate) alpn: Option<Vec<u8>>,
}

/// GETs `/` over TLS with rustls, trusting `ca`.
pub(crate) async fn https_get(
    addr: SocketAddr,
    ca: &Path,
    opts: ClientOptions<'_>,
) -> io::Result<Fetched> {
    let mut provider = rustls::crypto::ring::default_provider();
    if let Some(suite) = opts.suite {
        provider.cipher_suites = vec![suite];
    }
    let versions: &[&rustls::SupportedProtocolVersion] = if opts.tls12_only {
        &[&rustls::version::TLS12]
    } else {
        rustls::ALL_VERSIONS
    };
    let mut roots = rustls::RootCertStore::empty();
    for cert in CertificateDer::pem_file_iter(ca).map_err(io::Error::other)? {
        roots
            .add(cert.map_err(io::Error::other)?)
            .map_err(io::Error::other)?;
    }
    let builder = rustls::ClientConfig::builder_with_provider(Arc::new(provider))
        .with_protocol_versions(versions)
        .map_err(io::Error::other)?
        .with_root_certificates(roots);
    let mut config = match opts.identity {
        Some(issued) => {
            let chain = CertificateDer::pem_file_iter(&issued.cert)
                .map_err(io::Error::other)?
                .collect::<Result<Vec<_>, _>>()
                .map_err(io::Error::other)?;
            let key = PrivateKeyDer::from_pem_file(&issued.key).map_err(io::Error::other)?;
            builder
                .with_client_auth_cert(chain, key)
                .map_err(io::Error::other)?
        }
        None => builder.with_no_client_auth(),
    };
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    let connector = tokio_rustls::TlsConnector::from(Arc::new(config));
    let name = ServerName::try_from(opts.server_name.unwrap_or("localhost").to_owned())
        .map_err(io::Error::other)?;

    let work = async {
        let tcp = TcpStream::connect(addr).await?;
        let mut tls = connector.connect(name, tcp).await?;
        let alpn = tls.get_ref().1.alpn_protocol().map(<[u8]>::to_vec);
        tls.write_all(b"GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
            .await?;
        let mut response = Vec::new();
        tls.read_to_end(&mut response).await?;
        Ok(Fetched {
            response: String::from_utf8_lossy(&response).into_owned(),
            alpn,
        })
    };
    tokio::time::timeout(LIMIT, work)
        .await
        .map_err(|_| io::Error::new(io::ErrorKind::TimedOut, "client timed out"))?
}

/// GETs `/` over TLS with OpenSSL as the client, trusting `ca`, presenting `identity`.
pub(crate) async fn openssl_get(
    addr: SocketAddr,
    ca: &Path,
    identity: Option<&Issued>,
    max_version: openssl::ssl::SslVersion,
) -> Result<String, Box<dyn std::error::Error + Send + Sync>> {
    use openssl::ssl::{SslConnector, SslMethod};
    use std::pin::Pin;

    let mut builder = SslConnector::builder(SslMethod::tls_client())?;
    builder.set_ca_file(ca)?;
    builder.set_max_proto_version(Some(max_version))?;
    builder.set_alpn_protos(b"\x08http/1.1")?;
    if let Some(issued) = identity {
        builder.set_certificate_file(&issued.cert, openssl::ssl::SslFiletype::PEM)?;
        builder.set_private_key_file(&issued.key, openssl::ssl::SslFiletype::PEM)?;
    }
    let ssl = builder.build().configure()?.into_ssl("localhost")?;
    let work = async {
        let tcp = TcpStream::connect(addr).await?;
        let mut tls = tokio_openssl::SslStream::new(ssl, tcp)?;
        Pin::new(&mut tls).connect().await?;
        tls.write_all(b"GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
            .await?;
        let mut response = Vec::new();
        tls.read_to_end(&mut response).await?;
        Ok::<_, Box<dyn std::error::Error + Send + Sync>>(
            String::from_utf8_lossy(&response).into_owned(),
        )
    };
    tokio::time::timeout(LIMIT, work).await?
}

/// A client certificate of X.509 version 1 (no extensions), and the CA that signed it, made
/// with OpenSSL (rcgen writes only version 3). Old PKIs still issue these.
pub(crate) struct V1Client {
    pub(crate) ca: PathBuf,
    pub(crate) client: Issued,
}

impl V1Client {
    pub(crate) fn new(dir: &TempDir) -> Self {
        use openssl::asn1::Asn1Time;
        use openssl::bn::BigNum;
        use openssl::ec::{EcGroup, EcKey};
        use openssl::hash::MessageDigest;
        use openssl::nid::Nid;
        use openssl::pkey::{PKey, Private};
        use openssl::x509::extension::BasicConstraints;
        use openssl::x509::{X509, X509Name, X509NameBuilder};

        fn key() -> PKey<Private> {
            let group = EcGroup::from_curve_name(Nid::X9_62_PRIME256V1).expect("P-256");
            PKey::from_ec_key(EcKey::generate(&group).expect("EC key")).expect("key")
        }
        fn name(cn: &str) -> X509Name {
            let mut name = X509NameBuilder::new().expect("name");
            name.append_entry_by_text("CN", cn).expect("CN");
            name.build()
        }
        fn cert(
            version: i32,
            subject: &X509Name,
            issuer: &X509Name,
            key: &PKey<Private>,
            signer: &PKey<Private>,
            ca: bool,
        ) -> X509 {
            let mut b = X509::builder().expect("builder");
            b.set_version(version).expect("version");
            let serial = BigNum::from_u32(0x0a1b2c).expect("serial");
            b.set_serial_number(&serial.to_asn1_integer().expect("serial"))
                .expect("serial");
            b.set_subject_name(subject).expect("subject");
            b.set_issuer_name(issuer).expect("issuer");
            b.set_pubkey(key).expect("public key");
            b.set_not_before(&Asn1Time::days_from_now(0).expect("time"))
                .expect("not before");
            b.set_not_after(&Asn1Time::days_from_now(30).expect("time"))
                .expect("not after");
            if ca {
                let constraints = BasicConstraints::new().critical().ca().build();
                b.append_extension(constraints.expect("constraints"))
                    .expect("extension");
            }
            b.sign(signer, MessageDigest::sha256()).expect("signed");
            b.build()
        }

        let (ca_key, client_key) = (key(), key());
        let ca_name = name("v1 test CA");
        // X509 version numbers count from 0: 2 is v3, 0 is v1.
        let ca = cert(2, &ca_name, &ca_name, &ca_key, &ca_key, true);
        let client = cert(0, &name("v1 client"), &ca_name, &client_key, &ca_key, false);
        let pem = |bytes: Vec<u8>| String::from_utf8(bytes).expect("PEM is text");
        let cert_pem = pem(client.to_pem().expect("PEM"));
        let key_pem = pem(client_key.private_key_to_pem_pkcs8().expect("PEM"));
        Self {
            ca: dir.write("v1-ca.pem", ca.to_pem().expect("PEM")),
            client: Issued {
                cert: dir.write("v1-client.crt", &cert_pem),
                key: dir.write("v1-client.key", &key_pem),
                cert_pem,
                key_pem,
            },
        }
    }
}
