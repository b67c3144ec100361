//! `PathInfoDispatcher` behind a real server (test_dispatch.py,
//! docs/cheroot-reference.md#path-info-dispatcher).

use cheroot_wsgi::{Body, Environ, PathInfoDispatcher, WsgiApp, app_fn};

use cheroot_testing::TestServer;

fn named(name: &'static str) -> impl WsgiApp {
    app_fn(move |env: Environ, sr| {
        sr.start("200 OK", [("Content-Type", "text/plain; charset=utf-8")])?;
        Ok(Body::from(format!(
            "{name} SCRIPT_NAME={} PATH_INFO={}",
            env.script_name(),
            env.path_info()
        )))
    })
}

#[test]
fn dispatch_no_script_name() {
    // test_dispatch.py::test_dispatch_no_script_name, over a socket.
    let server = TestServer::start(PathInfoDispatcher::new().mount("/", named("hello")));
    let resp = server.client().get("/foo").unwrap();
    assert_eq!(resp.status, 200);
    assert_eq!(
        resp.header("Content-Type"),
        Some("text/plain; charset=utf-8")
    );
    assert_eq!(resp.body_text(), "hello SCRIPT_NAME= PATH_INFO=/foo");
}

#[test]
fn longest_prefix_wins_and_unknown_paths_get_404() {
    let d = PathInfoDispatcher::new()
        .mount("/api", named("api"))
        .mount("/api/v2/", named("v2"));
    let server = TestServer::start(d);
    let table = [
        (
            "/api/v2/users",
            200,
            "v2 SCRIPT_NAME=/api/v2 PATH_INFO=/users",
        ),
        ("/api/v2", 200, "v2 SCRIPT_NAME=/api/v2 PATH_INFO="),
        ("/api/v1", 200, "api SCRIPT_NAME=/api PATH_INFO=/v1"),
        ("/apix", 404, ""),
        ("/", 404, ""),
    ];
    for (path, status, body) in table {
        let resp = server.client().get(path).unwrap();
        assert_eq!(resp.status, status, "{path}");
        assert_eq!(resp.body_text(), body, "{path}");
        if status == 404 {
            assert_eq!(resp.header("Content-Type"), Some("text/plain"));
            assert_eq!(resp.header("Content-Length"), Some("0"));
        }
    }
}
