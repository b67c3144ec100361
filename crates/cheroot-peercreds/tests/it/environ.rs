//! The X_REMOTE_* and REMOTE_USER environ pairs, as cheroot's WSGI gateway fills them.

use std::os::unix::net::UnixStream;

use cheroot_peercreds::{ConnPeerCreds, environ_pairs};

use crate::support::{own_creds, own_names, path_pair, tcp_pair};

fn owned(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

// test_server.py::test_peercreds_unix_sock
#[test]
fn ids_only_without_resolution() {
    let (server, _client, _file) = path_pair().expect("path socket");
    let conn = ConnPeerCreds::new(&server, true, false);
    let creds = own_creds();
    let (pid, uid, gid) = (
        creds.pid.to_string(),
        creds.uid.to_string(),
        creds.gid.to_string(),
    );
    let want = owned(&[
        ("X_REMOTE_PID", &pid),
        ("X_REMOTE_UID", &uid),
        ("X_REMOTE_GID", &gid),
    ]);
    assert_eq!(environ_pairs(&conn), want);
    // A second request on the connection gets the same pairs from the cache.
    assert_eq!(environ_pairs(&conn), want);
}

// test_server.py::test_peercreds_unix_sock_with_lookup
#[test]
fn names_with_resolution() {
    let (a, _b) = UnixStream::pair().expect("socketpair");
    let conn = ConnPeerCreds::new(&a, true, true);
    let creds = own_creds();
    let (user, group) = own_names();
    let (pid, uid, gid) = (
        creds.pid.to_string(),
        creds.uid.to_string(),
        creds.gid.to_string(),
    );
    let want = owned(&[
        ("X_REMOTE_PID", &pid),
        ("X_REMOTE_UID", &uid),
        ("X_REMOTE_GID", &gid),
        ("X_REMOTE_USER", &user),
        ("X_REMOTE_GROUP", &group),
        ("REMOTE_USER", &user),
    ]);
    assert_eq!(environ_pairs(&conn), want);
}

#[test]
fn nothing_when_disabled_and_nothing_looked_up() {
    let (a, _b) = UnixStream::pair().expect("socketpair");
    for resolve in [false, true] {
        let conn = ConnPeerCreds::new(&a, false, resolve);
        assert_eq!(environ_pairs(&conn), Vec::new());
        assert!(!conn.is_looked_up());
        assert!(!conn.is_resolved());
    }
}

#[test]
fn tcp_carries_none_of_the_keys() {
    let (server, _client) = tcp_pair().expect("tcp loopback");
    let conn = ConnPeerCreds::new(&server, true, true);
    assert_eq!(environ_pairs(&conn), Vec::new());
    assert!(!conn.is_looked_up());
}
