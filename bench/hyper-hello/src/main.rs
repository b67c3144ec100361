//! A hyper 1.x hello-world server: the yardstick `cargo xtask bench` measures cheroot-rs against.
//!
//! `hyper-hello ADDR [--runtime current|multi] [--pipeline-flush]`
//!
//! Every path answers 200 `text/plain` `Hello world!`, except `/big`, which answers 1 MiB of
//! `x`; both with `Content-Length` (hyper sets it from the exact size of a `Full` body). The
//! server is meant to be pinned to one core, so the runtime has one thread: `current` (the
//! default, and the faster of the two here) or `multi` (the multi-thread scheduler with one
//! worker).

use std::convert::Infallible;
use std::net::SocketAddr;

use bytes::Bytes;
use http_body_util::Full;
use hyper::body::Incoming;
use hyper::header::{CONTENT_TYPE, HeaderValue};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;

/// The small answer.
const HELLO: &[u8] = b"Hello world!";
/// Size of the `/big` answer: 1 MiB.
const BIG_LEN: usize = 1 << 20;

/// Command-line settings.
struct Options {
    addr: SocketAddr,
    multi_thread: bool,
    pipeline_flush: bool,
}

fn parse_args() -> Result<Options, String> {
    let mut args = std::env::args().skip(1);
    let addr = args
        .next()
        .ok_or("usage: hyper-hello ADDR [--runtime current|multi] [--pipeline-flush]")?;
    let addr: SocketAddr = addr
        .parse()
        .map_err(|e| format!("bad address {addr}: {e}"))?;
    let mut opts = Options {
        addr,
        multi_thread: false,
        pipeline_flush: false,
    };
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--runtime" => match args.next().as_deref() {
                Some("current") => opts.multi_thread = false,
                Some("multi") => opts.multi_thread = true,
                other => return Err(format!("--runtime wants current or multi, got {other:?}")),
            },
            "--pipeline-flush" => opts.pipeline_flush = true,
            other => return Err(format!("unknown argument {other}")),
        }
    }
    Ok(opts)
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

async fn serve(opts: Options) -> std::io::Result<()> {
    let listener = TcpListener::bind(opts.addr).await?;
    let big = Bytes::from(vec![b'x'; BIG_LEN]);
    loop {
        let (stream, _) = match listener.accept().await {
            Ok(pair) => pair,
            // Out of descriptors or a reset before accept: keep serving the others.
            Err(e) => {
                eprintln!("hyper-hello: accept: {e}");
                tokio::task::yield_now().await;
                continue;
            }
        };
        // Small answers must not wait for Nagle; hyper-hello mirrors what a real deployment does.
        let _ = stream.set_nodelay(true);
        let big = big.clone();
        let mut builder = http1::Builder::new();
        builder.pipeline_flush(opts.pipeline_flush);
        tokio::spawn(async move {
            let service = service_fn(move |req| hello(req, big.clone()));
            // A client that goes away mid-request is normal under load; nothing to report.
            let _ = builder
                .serve_connection(TokioIo::new(stream), service)
                .await;
        });
    }
}

fn main() {
    let opts = match parse_args() {
        Ok(opts) => opts,
        Err(e) => {
            eprintln!("hyper-hello: {e}");
            std::process::exit(2);
        }
    };
    let runtime = if opts.multi_thread {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_io()
            .build()
    } else {
        tokio::runtime::Builder::new_current_thread()
            .enable_io()
            .build()
    };
    let result = match runtime {
        Ok(rt) => rt.block_on(serve(opts)),
        Err(e) => Err(e),
    };
    if let Err(e) = result {
        eprintln!("hyper-hello: {e}");
        std::process::exit(1);
    }
}
