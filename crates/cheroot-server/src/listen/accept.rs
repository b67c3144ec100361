//! The accept loop: takes connections off the listener and gives each its own task; never
//! blocks on a full worker queue (a connection task waits for the pool instead).

use std::io;
use std::os::fd::{AsFd, AsRawFd};

use cheroot_peercreds::{ConnPeerCreds, environ_pairs};
use cheroot_tls::{AsyncReadWrite, SslAdapter};
use nix::errno::Errno;
use std::sync::Arc;
use std::time::Duration;

use crate::conn::serve_connection;
use crate::exchange::conn_info::ConnInfo;
use crate::listen::listener::{Listener, PeerAddr, Stream};
use crate::server_state::ServerState;
use crate::shutdown::{stopped, until_cut};

/// Accepts until the stop signal; the listener closes when this returns.
pub(crate) async fn accept_loop(listener: Listener, shared: Arc<ServerState>) {
    let mut stop = shared.tracker.stop_signal();
    let bind_addr = Arc::new(shared.bind_addr.clone());
    let server_name: Arc<str> = Arc::from(shared.config.server_name.as_str());
    loop {
        let accepted = tokio::select! {
            accepted = listener.accept() => accepted,
            () = stopped(&mut stop) => return,
        };
        match accepted {
            Ok((stream, peer)) => {
                shared.stats.record_accept();
                let remote = match peer {
                    PeerAddr::Tcp(addr) => Some(addr),
                    PeerAddr::Unix => None,
                };
                let local = match stream.local_addr() {
                    Ok(PeerAddr::Tcp(addr)) => Some(addr),
                    _ => None,
                };
                let info = ConnInfo::new(
                    remote,
                    local,
                    Arc::clone(&bind_addr),
                    Arc::clone(&server_name),
                )
                .with_raw_fd(stream.as_raw_fd())
                .with_server_protocol(shared.config.protocol);
                let guard = shared.tracker.connection();
                let cut = shared.tracker.cut_signal();
                let shared = Arc::clone(&shared);
                // Two task types, not one with an optional cut: a future passed by value and
                // awaited is stored twice in the wrapping future's state, and every idle
                // connection's task carries that (scenario I: 3.5 KB per idle connection with
                // the plain task, 5.8 KB with the connection inside `until_cut`).
                match cut {
                    None => tokio::spawn(async move {
                        let _guard = guard;
                        start_connection(stream, info, shared).await;
                    }),
                    Some(cut) => tokio::spawn(async move {
                        let _guard = guard;
                        until_cut(cut, start_connection(stream, info, shared)).await;
                    }),
                };
            }
            Err(err) => {
                shared.stats.record_socket_error();
                if let Some(pause) = backoff(&err, shared.config.expiration_interval) {
                    tracing::error!("Error accepting a connection: {err}; pausing accepts");
                    tokio::select! {
                        () = tokio::time::sleep(pause) => {}
                        () = stopped(&mut stop) => return,
                    }
                } else if !(cheroot_errors::is_ignorable(&err)
                    || cheroot_errors::is_nonblocking(&err)
                    || cheroot_errors::is_interrupted(&err))
                {
                    tracing::error!("Error accepting a connection: {err}");
                }
            }
        }
    }
}

/// Completes a connection's setup in its own task (peer credentials, the TLS handshake: never
/// on the accept path), then serves it.
async fn start_connection(stream: Stream, mut info: ConnInfo, shared: Arc<ServerState>) {
    let config = &shared.config;
    let mut env = Vec::new();
    if config.peercreds_enabled && stream.is_unix() {
        env = peer_environ(&stream, config.peercreds_resolve_enabled).await;
    }
    match &config.ssl_adapter {
        None => {
            if !env.is_empty() {
                info = info.with_extra_env(env);
            }
            let (reader, writer) = stream.into_split();
            serve_connection(reader, writer, Arc::new(info), shared).await;
        }
        Some(adapter) => serve_tls(stream, Arc::clone(adapter), info, env, shared).await,
    }
}

/// Completes the TLS handshake on `io` in the connection's task (the live `timeout` bounds
/// it), then serves the connection with the TLS environ (after the pairs already in `env`)
/// in its [`ConnInfo`].
pub(crate) async fn serve_tls(
    io: impl AsyncReadWrite,
    adapter: Arc<dyn SslAdapter>,
    info: ConnInfo,
    mut env: Vec<(String, String)>,
    shared: Arc<ServerState>,
) {
    match adapter.accept(Box::new(io), shared.live.timeout()).await {
        Ok((tls, tls_env)) => {
            env.extend(tls_env.into_pairs());
            let info = info.with_url_scheme("https").with_extra_env(env);
            let (reader, writer) = tokio::io::split(tls);
            serve_connection(reader, writer, Arc::new(info), shared).await;
        }
        Err(err) => {
            // A plain-HTTP request was already answered 400; a client that closed has
            // nothing to hear. Anything else is one line, as cheroot's FatalSSLAlert.
            if !(err.is_plain_http() || err.is_closed()) {
                tracing::info!("TLS handshake with {} failed: {err}", info.remote_addr());
            }
        }
    }
}

/// The `X_REMOTE_*` pairs of a UNIX-socket peer. Name resolution may block (NSS), so it runs
/// on the blocking pool; the uid/gid lookup alone is one `getsockopt`.
async fn peer_environ(stream: &Stream, resolve: bool) -> Vec<(String, String)> {
    if !resolve {
        return environ_pairs(&ConnPeerCreds::new(stream, true, false));
    }
    let Ok(fd) = stream.as_fd().try_clone_to_owned() else {
        return Vec::new();
    };
    tokio::task::spawn_blocking(move || environ_pairs(&ConnPeerCreds::new(fd, true, true)))
        .await
        .unwrap_or_default()
}

/// How long to stop accepting after `err`: out of descriptors or memory, accepting again at
/// once would spin; give running connections time to finish.
fn backoff(err: &io::Error, interval: Duration) -> Option<Duration> {
    // The errno values of resource exhaustion.
    let exhausted = [Errno::EMFILE, Errno::ENFILE, Errno::ENOBUFS, Errno::ENOMEM].map(|e| e as i32);
    let code = err.raw_os_error()?;
    exhausted
        .contains(&code)
        .then(|| interval.clamp(Duration::from_millis(10), Duration::from_secs(1)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_resource_exhaustion_pauses() {
        let interval = Duration::from_millis(500);
        let emfile = io::Error::from_raw_os_error(Errno::EMFILE as i32);
        assert_eq!(backoff(&emfile, interval), Some(interval));
        let reset = io::Error::from_raw_os_error(Errno::ECONNABORTED as i32);
        assert_eq!(backoff(&reset, interval), None);
        assert_eq!(backoff(&io::Error::other("x"), interval), None);
    }
}
