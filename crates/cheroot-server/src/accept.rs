//! The accept loop: takes connections off the listener and gives each its own task; never
//! blocks on a full worker queue (a connection task waits for the pool instead).

use std::io;
use std::os::fd::AsRawFd;
use std::sync::Arc;
use std::time::Duration;

use crate::conn::serve_connection;
use crate::conn_info::ConnInfo;
use crate::listener::{Listener, PeerAddr};
use crate::shared::Shared;
use crate::shutdown::stopped;

/// Accepts until the stop signal; the listener closes when this returns.
pub(crate) async fn accept_loop(listener: Listener, shared: Arc<Shared>) {
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
                .with_raw_fd(stream.as_raw_fd());
                let guard = shared.tracker.connection();
                let shared = Arc::clone(&shared);
                let (reader, writer) = stream.into_split();
                tokio::spawn(async move {
                    let _guard = guard;
                    serve_connection(reader, writer, Arc::new(info), shared).await;
                });
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

/// How long to stop accepting after `err`: out of descriptors or memory, accepting again at
/// once would spin; give running connections time to finish.
fn backoff(err: &io::Error, interval: Duration) -> Option<Duration> {
    let exhausted = [
        libc_errno::EMFILE,
        libc_errno::ENFILE,
        libc_errno::ENOBUFS,
        libc_errno::ENOMEM,
    ];
    let code = err.raw_os_error()?;
    exhausted
        .contains(&code)
        .then(|| interval.clamp(Duration::from_millis(10), Duration::from_secs(1)))
}

/// The errno values of resource exhaustion, from nix (already a dependency).
mod libc_errno {
    use nix::errno::Errno;

    pub(super) const EMFILE: i32 = Errno::EMFILE as i32;
    pub(super) const ENFILE: i32 = Errno::ENFILE as i32;
    pub(super) const ENOBUFS: i32 = Errno::ENOBUFS as i32;
    pub(super) const ENOMEM: i32 = Errno::ENOMEM as i32;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_resource_exhaustion_pauses() {
        let interval = Duration::from_millis(500);
        let emfile = io::Error::from_raw_os_error(libc_errno::EMFILE);
        assert_eq!(backoff(&emfile, interval), Some(interval));
        let reset = io::Error::from_raw_os_error(nix::errno::Errno::ECONNABORTED as i32);
        assert_eq!(backoff(&reset, interval), None);
        assert_eq!(backoff(&io::Error::other("x"), interval), None);
    }
}
