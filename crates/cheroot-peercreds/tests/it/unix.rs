//! SO_PEERCRED over every kind of UNIX socket names this process.

use std::os::fd::{AsFd, OwnedFd};
use std::os::unix::net::UnixStream;

use cheroot_peercreds::{ConnPeerCreds, check_unix_socket, peer_creds};

use crate::support::{abstract_pair, own_creds, own_names, path_pair};

// test_server.py::test_peercreds_unix_sock
#[test]
fn socketpair_both_ends() {
    let (a, b) = UnixStream::pair().expect("socketpair");
    assert_eq!(peer_creds(&a), Ok(own_creds()));
    assert_eq!(peer_creds(&b), Ok(own_creds()));
}

// test_server.py::test_peercreds_unix_sock
#[test]
fn path_socket_server_and_client_side() {
    let (server, client, file) = path_pair().expect("path socket");
    assert!(file.0.exists());
    assert_eq!(check_unix_socket(&server), Ok(()));
    assert_eq!(peer_creds(&server), Ok(own_creds()));
    // The client sees the listener's owner: this process too.
    assert_eq!(peer_creds(&client), Ok(own_creds()));
}

// test_server.py::test_peercreds_unix_sock (cheroot runs it on path and abstract sockets)
#[test]
fn abstract_socket() {
    let (server, _client) = abstract_pair().expect("abstract socket");
    let conn = ConnPeerCreds::new(&server, true, false);
    assert_eq!(conn.get_peer_creds(), Ok(own_creds()));
    assert_eq!(conn.peer_pid(), Ok(own_creds().pid));
    assert_eq!(conn.peer_uid(), Ok(own_creds().uid));
    assert_eq!(conn.peer_gid(), Ok(own_creds().gid));
}

// test_server.py::test_peercreds_unix_sock_with_lookup
#[test]
fn names_resolve_when_both_switches_are_on() {
    let (server, _client, _file) = path_pair().expect("path socket");
    let conn = ConnPeerCreds::new(&server, true, true);
    let (user, group) = own_names();
    assert_eq!(
        conn.resolve_peer_creds(),
        Ok((user.as_str(), group.as_str()))
    );
    assert_eq!(conn.peer_user(), Ok(user.as_str()));
    assert_eq!(conn.peer_group(), Ok(group.as_str()));
    assert!(conn.is_looked_up());
    assert!(conn.is_resolved());
}

#[test]
fn any_fd_holder_will_do() {
    let (server, _client) = abstract_pair().expect("abstract socket");
    let borrowed = ConnPeerCreds::new(server.as_fd(), true, false);
    assert_eq!(borrowed.peer_uid(), Ok(own_creds().uid));
    let owned = ConnPeerCreds::new(OwnedFd::from(server), true, true);
    assert_eq!(owned.peer_pid(), Ok(own_creds().pid));
    assert_eq!(owned.peer_user(), Ok(own_names().0.as_str()));
    let _fd: OwnedFd = owned.into_inner();
}

// The server's hook: a dup of the connection's fd moves into a blocking task for the name
// lookups (NSS may block), while the stream itself is split for I/O.
#[test]
fn a_dup_moves_to_another_thread() {
    let (server, _client, _file) = path_pair().expect("path socket");
    let fd = server.as_fd().try_clone_to_owned().expect("dup");
    let conn = ConnPeerCreds::new(fd, true, true);
    let pairs = std::thread::spawn(move || cheroot_peercreds::environ_pairs(&conn))
        .join()
        .expect("lookup thread");
    let keys: Vec<&str> = pairs.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(
        keys,
        [
            "X_REMOTE_PID",
            "X_REMOTE_UID",
            "X_REMOTE_GID",
            "X_REMOTE_USER",
            "X_REMOTE_GROUP",
            "REMOTE_USER"
        ]
    );
    assert_eq!(pairs[0].1, own_creds().pid.to_string());
}
