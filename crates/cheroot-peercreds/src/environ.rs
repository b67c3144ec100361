//! The WSGI environ keys a UNIX-socket connection's peer credentials fill in.

use crate::conn::ConnPeerCreds;
use crate::lookup::SocketFd;

/// The environ pairs cheroot's WSGI gateway adds for a UNIX-socket connection, in its order:
/// `X_REMOTE_PID`, `X_REMOTE_UID`, `X_REMOTE_GID`, then, with name resolution on,
/// `X_REMOTE_USER`, `X_REMOTE_GROUP` and `REMOTE_USER` (the user name again).
///
/// The first error stops the filling silently and keeps the pairs set so far, as cheroot's
/// `except RuntimeError` does: lookups disabled gives no pairs, resolution disabled gives the
/// three ids, and a TCP socket gives no pairs. cheroot lets a `KeyError` for an unknown uid or
/// gid escape (a 500 on every request of the connection); here it stops the filling too (see
/// docs/differences.md, "Name lookups").
///
/// Lookups happen through `conn`, so they are made once per connection however many requests
/// it carries.
pub fn environ_pairs<F: SocketFd>(conn: &ConnPeerCreds<F>) -> Vec<(String, String)> {
    let mut pairs = Vec::new();
    // `None` at the first error; the pairs pushed so far stay.
    let _ = fill(conn, &mut pairs);
    pairs
}

fn fill<F: SocketFd>(conn: &ConnPeerCreds<F>, pairs: &mut Vec<(String, String)>) -> Option<()> {
    pairs.push(("X_REMOTE_PID".to_owned(), conn.peer_pid().ok()?.to_string()));
    pairs.push(("X_REMOTE_UID".to_owned(), conn.peer_uid().ok()?.to_string()));
    pairs.push(("X_REMOTE_GID".to_owned(), conn.peer_gid().ok()?.to_string()));
    let user = conn.peer_user().ok()?;
    pairs.push(("X_REMOTE_USER".to_owned(), user.to_owned()));
    pairs.push((
        "X_REMOTE_GROUP".to_owned(),
        conn.peer_group().ok()?.to_owned(),
    ));
    pairs.push(("REMOTE_USER".to_owned(), user.to_owned()));
    Some(())
}
