//! Integration tests of cheroot-wsgi over real loopback sockets, ported from cheroot's
//! test_wsgi.py, test_dispatch.py and the WSGI cases of test_conn.py and test_core.py.

#[path = "it/apps.rs"]
mod apps;

#[path = "it/environ.rs"]
mod environ;

#[path = "it/start_response.rs"]
mod start_response;

#[path = "it/content_length.rs"]
mod content_length;

#[path = "it/input.rs"]
mod input;

#[path = "it/close_hook.rs"]
mod close_hook;

#[path = "it/file_body.rs"]
mod file_body;

#[path = "it/dispatch.rs"]
mod dispatch;

#[path = "it/keepalive.rs"]
mod keepalive;

#[path = "it/server.rs"]
mod server;
