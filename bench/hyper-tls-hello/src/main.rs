//! hyper 1.x over tokio-rustls: the HTTPS yardstick `cargo xtask bench` measures cheroot-rs
//! against in its TLS scenarios.
//!
//! `hyper-tls-hello ADDR --cert PEM --key PEM`
//!
//! The routes of hyper-hello (every path answers 200 `text/plain` `Hello world!`, `/big`
//! answers 1 MiB of `x`, both with `Content-Length`), served over TLS. The rustls settings
//! are those of cheroot-tls's `RustlsAdapter`: the ring provider, TLS 1.2 and 1.3, no client
//! authentication, one certificate, ALPN `http/1.1`, rustls's default session cache and
//! tickets. Each handshake runs in its connection's own task, never on the accept loop, as in
//! cheroot-server. Runtime: tokio current-thread, as hyper-hello.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;

use bytes::Bytes;
use http_body_util::Full;
use hyper::body::Incoming;
use hyper::header::{CONTENT_TYPE, HeaderValue};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use rustls::ServerConfig;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use tokio::net::TcpListener;
use tokio_rustls::TlsAcceptor;

/// The small answer.
const HELLO: &[u8] = b"Hello world!";
/// Size of the `/big` answer: 1 MiB.
const BIG_LEN: usize = 1 << 20;
/// The command line.
const USAGE: &str = "usage: hyper-tls-hello ADDR --cert PEM --key PEM";

/// Command-line settings.
struct Options {
    addr: SocketAddr,
    cert: String,
    key: String,
}

fn parse_args() -> Result<Options, String> {
    let mut args = std::env::args().skip(1);
    let addr = args.next().ok_or(USAGE)?;
    let addr: SocketAddr = addr
        .parse()
        .map_err(|e| format!("bad address {addr}: {e}"))?;
    let (mut cert, mut key) = (None, None);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--cert" => cert = args.next(),
            "--key" => key = args.next(),
            other => return Err(format!("unknown argument {other}\n{USAGE}")),
        }
    }
    match (cert, key) {
        (Some(cert), Some(key)) => Ok(Options { addr, cert, key }),
        _ => Err(USAGE.to_owned()),
    }
}

/// The rustls configuration cheroot-tls's `RustlsAdapter` builds for the same files.
fn tls_config(opts: &Options) -> Result<ServerConfig, String> {
    let chain = CertificateDer::pem_file_iter(&opts.cert)
        .and_then(|certs| certs.collect::<Result<Vec<_>, _>>())
        .map_err(|e| format!("{}: {e}", opts.cert))?;
    let key = PrivateKeyDer::from_pem_file(&opts.key).map_err(|e| format!("{}: {e}", opts.key))?;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = ServerConfig::builder_with_provider(provider)
        .with_protocol_versions(rustls::ALL_VERSIONS)
        .map_err(|e| format!("rustls refused the settings: {e}"))?
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .map_err(|e| format!("{}: {e}", opts.key))?;
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(config)
}

async fn hello(req: Request<Incoming>, big: Bytes) -> Result<Response<Full<Bytes>>, Infallible> {
    // Bytes clones are reference counts, so `/big` copies nothing per request.
    let body = if req.uri().path() == "/big" {
        big
    } else {
        Bytes::from_static(HELLO)
    };
    let mut resp = Response::new(Full::new(body));
    resp.headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static("text/plain"));
    Ok(resp)
}

async fn serve(addr: SocketAddr, acceptor: TlsAcceptor) -> std::io::Result<()> {
    let listener = TcpListener::bind(addr).await?;
    let big = Bytes::from(vec![b'x'; BIG_LEN]);
    loop {
        let (stream, _) = match listener.accept().await {
            Ok(pair) => pair,
            // Out of descriptors or a reset before accept: keep serving the others.
            Err(e) => {
                eprintln!("hyper-tls-hello: accept: {e}");
                tokio::task::yield_now().await;
                continue;
            }
        };
        let _ = stream.set_nodelay(true);
        let big = big.clone();
        let acceptor = acceptor.clone();
        tokio::spawn(async move {
            // A failed handshake (a probe that connects and leaves) ends only this task.
            let Ok(tls) = acceptor.accept(stream).await else {
                return;
            };
            let service = service_fn(move |req| hello(req, big.clone()));
            // A client that goes away mid-request is normal under load; nothing to report.
            let _ = http1::Builder::new()
                .serve_connection(TokioIo::new(tls), service)
                .await;
        });
    }
}

fn main() {
    let setup = parse_args().and_then(|opts| Ok((opts.addr, tls_config(&opts)?)));
    let (addr, config) = match setup {
        Ok(pair) => pair,
        Err(e) => {
            eprintln!("hyper-tls-hello: {e}");
            std::process::exit(2);
        }
    };
    let acceptor = TlsAcceptor::from(Arc::new(config));
    let result = tokio::runtime::Builder::new_current_thread()
        .enable_io()
        .build()
        .and_then(|rt| rt.block_on(serve(addr, acceptor)));
    if let Err(e) = result {
        eprintln!("hyper-tls-hello: {e}");
        std::process::exit(1);
    }
}
