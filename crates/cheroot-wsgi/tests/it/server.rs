//! `Server`: cheroot's `wsgi.Server` settings and lifecycle
//! (docs/cheroot-reference.md#wsgi-server).

use std::time::Duration;

use cheroot_server::{BindAddr, Protocol};
use cheroot_wsgi::{Server, WsgiVersion};

use cheroot_testing::TestServer;

use crate::apps::{dump_get, environ_dump, parse_dump, raw_request};

#[test]
fn constructor_parameters_map_to_the_server() {
    let server = Server::new(BindAddr::tcp("127.0.0.1", 0).unwrap(), environ_dump());
    assert_eq!(server.numthreads(), 10);
    assert_eq!(server.wsgi_version(), WsgiVersion::V10);
    server
        .set_numthreads(3)
        .set_max(Some(7))
        .set_server_name("my-server")
        .set_request_queue_size(9)
        .set_timeout(Duration::from_secs(3))
        .set_shutdown_timeout(Duration::from_secs(2))
        .set_accepted_queue_size(11)
        .set_accepted_queue_timeout(Duration::from_secs(4))
        .set_peercreds_enabled(true)
        .set_peercreds_resolve_enabled(true)
        .set_reuse_port(true)
        .set_wsgi_version(WsgiVersion::U0);
    let config = server.http_server().config();
    assert_eq!(server.numthreads(), 3);
    assert_eq!(config.minthreads, 3);
    assert_eq!(config.maxthreads, Some(7));
    assert_eq!(config.server_name, "my-server");
    assert_eq!(config.request_queue_size, 9);
    assert_eq!(config.timeout, Duration::from_secs(3));
    assert_eq!(config.shutdown_timeout, Duration::from_secs(2));
    assert_eq!(config.accepted_queue_size, 11);
    assert_eq!(config.accepted_queue_timeout, Duration::from_secs(4));
    assert!(config.peercreds_enabled && config.peercreds_resolve_enabled && config.reuse_port);
    assert_eq!(server.wsgi_version(), WsgiVersion::U0);
    assert!(!server.ready());
}

#[test]
fn lifecycle_and_server_settings_reach_the_environ() {
    let server = TestServer::builder()
        .config(|c| {
            c.server_name = "wsgi-test".to_owned();
            c.protocol = Protocol::Http10;
        })
        .start(environ_dump());
    assert!(server.server().ready());
    let resp = raw_request(&server, "GET / HTTP/1.1\r\nHost: h\r\n\r\n");
    assert_eq!(resp.protocol, "HTTP/1.0");
    assert_eq!(resp.header("Server"), Some("wsgi-test"));
    let dump = parse_dump(&resp.body);
    assert_eq!(dump_get(&dump, "SERVER_NAME"), Some("wsgi-test"));
    assert_eq!(dump_get(&dump, "ACTUAL_SERVER_PROTOCOL"), Some("HTTP/1.0"));
    assert_eq!(dump_get(&dump, "SERVER_PROTOCOL"), Some("HTTP/1.1"));
    server.server().stop();
    assert!(!server.server().ready());
}
