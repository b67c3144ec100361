//! A TCP connection has no peer process to ask about: NotUnixSocket, cheroot's NotImplementedError.

use cheroot_peercreds::{ConnPeerCreds, PeerCredsError, check_unix_socket, peer_creds};

use crate::support::tcp_pair;

#[test]
fn tcp_loopback_is_not_a_unix_socket() {
    let (server, client) = tcp_pair().expect("tcp loopback");
    for sock in [&server, &client] {
        assert_eq!(check_unix_socket(sock), Err(PeerCredsError::NotUnixSocket));
        let err = peer_creds(sock).expect_err("no SO_PEERCRED on TCP");
        assert_eq!(err, PeerCredsError::NotUnixSocket);
        assert!(err.is_not_implemented());
    }
}

#[test]
fn family_is_checked_before_the_switches() {
    // As cheroot: NotImplementedError on a non-UNIX socket even with lookups off.
    let (server, _client) = tcp_pair().expect("tcp loopback");
    for (enabled, resolve) in [(false, false), (true, false), (true, true)] {
        let conn = ConnPeerCreds::new(&server, enabled, resolve);
        assert_eq!(conn.get_peer_creds(), Err(PeerCredsError::NotUnixSocket));
        assert_eq!(conn.peer_pid(), Err(PeerCredsError::NotUnixSocket));
        assert!(!conn.is_looked_up());
    }
    let conn = ConnPeerCreds::new(&server, true, true);
    assert_eq!(conn.peer_user(), Err(PeerCredsError::NotUnixSocket));
    assert_eq!(conn.peer_group(), Err(PeerCredsError::NotUnixSocket));
}
