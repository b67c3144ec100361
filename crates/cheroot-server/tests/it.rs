//! Integration tests of the HTTP server over real loopback sockets, ported from cheroot's
//! `test_conn.py`, `test_core.py` and `test_server.py` (each test names its upstream case),
//! plus the load and lifecycle cases of the server-core issue.

mod it {
    pub(crate) mod apps;
    pub(crate) mod support;

    mod body;
    mod embed;
    mod errors;
    mod files;
    mod keepalive;
    mod lifecycle;
    mod load;
    mod observability;
    mod parsing;
    mod pipelining;
    mod responses;
    mod tls;
}
