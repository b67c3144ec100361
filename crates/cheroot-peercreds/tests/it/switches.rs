//! The server switches: what is refused, with which message, and that refusing looks nothing up.

use std::os::unix::net::UnixStream;

use cheroot_peercreds::{ConnPeerCreds, PeerCredsError};

use crate::support::{abstract_pair, own_creds};

#[test]
fn disabled_refuses_with_cheroots_message_and_looks_nothing_up() {
    let (a, _b) = UnixStream::pair().expect("socketpair");
    for resolve in [false, true] {
        let conn = ConnPeerCreds::new(&a, false, resolve);
        for _ in 0..3 {
            let err = conn.get_peer_creds().expect_err("lookups are off");
            assert_eq!(err, PeerCredsError::Disabled);
            assert_eq!(
                err.to_string(),
                "Peer creds lookup is disabled within this server"
            );
            assert!(!err.is_not_implemented());
            assert_eq!(conn.peer_pid(), Err(PeerCredsError::Disabled));
            assert_eq!(conn.peer_uid(), Err(PeerCredsError::Disabled));
            assert_eq!(conn.peer_gid(), Err(PeerCredsError::Disabled));
            // Resolution needs lookups on too, so the name switch answers first.
            assert_eq!(conn.peer_user(), Err(PeerCredsError::ResolveDisabled));
            assert_eq!(conn.peer_group(), Err(PeerCredsError::ResolveDisabled));
        }
        assert!(!conn.is_looked_up(), "SO_PEERCRED asked with lookups off");
        assert!(!conn.is_resolved(), "names resolved with lookups off");
    }
}

// test_server.py::test_peercreds_unix_sock (peer_user gives 500 without resolution)
#[test]
fn names_refused_without_resolution() {
    let (server, _client) = abstract_pair().expect("abstract socket");
    let conn = ConnPeerCreds::new(&server, true, false);
    let err = conn.peer_user().expect_err("resolution is off");
    assert_eq!(err, PeerCredsError::ResolveDisabled);
    assert_eq!(
        err.to_string(),
        "UID/GID lookup is disabled within this server"
    );
    assert_eq!(conn.peer_group(), Err(PeerCredsError::ResolveDisabled));
    assert_eq!(
        conn.resolve_peer_creds(),
        Err(PeerCredsError::ResolveDisabled)
    );
    assert!(!conn.is_resolved());
    // The ids are still there.
    assert_eq!(conn.get_peer_creds(), Ok(own_creds()));
}

#[test]
fn lookup_happens_only_when_asked() {
    let (a, _b) = UnixStream::pair().expect("socketpair");
    let conn = ConnPeerCreds::new(&a, true, true);
    assert!(!conn.is_looked_up());
    assert_eq!(conn.peer_gid(), Ok(own_creds().gid));
    assert!(conn.is_looked_up());
    assert!(!conn.is_resolved());
}
