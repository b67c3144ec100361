//! `PathInfoDispatcher`: one WSGI app per path prefix, longest prefix first (cheroot's
//! `wsgi.PathInfoDispatcher`).

use std::fmt;
use std::sync::Arc;

use crate::app::WsgiApp;
use crate::body::Body;
use crate::environ::Environ;
use crate::error::AppError;
use crate::start_response::StartResponse;

/// A [`WsgiApp`] that hands each request to the app mounted on the longest matching path
/// prefix.
///
/// As cheroot's: prefixes are tried longest first (as given, before trailing slashes are
/// stripped; equal lengths keep their order), and `rstrip('/')`ed, so `"/"` becomes `""` and
/// matches everything. A prefix `p` matches when `PATH_INFO` equals `p` or starts with
/// `p + "/"` (an empty `PATH_INFO` counts as `"/"`). On a match `SCRIPT_NAME` gets `p`
/// appended (it may be missing: test_dispatch.py::test_dispatch_no_script_name) and
/// `PATH_INFO` becomes the rest. With no match the answer is `404 Not Found` with
/// `Content-Type: text/plain`, `Content-Length: 0` and an empty body.
///
/// ```
/// use cheroot_wsgi::{app_fn, Body, PathInfoDispatcher};
///
/// let root = app_fn(|_env, sr| {
///     sr.start("200 OK", [("Content-Type", "text/plain")])?;
///     Ok(Body::from("root"))
/// });
/// let api = app_fn(|env, sr| {
///     sr.start("200 OK", [("Content-Type", "text/plain")])?;
///     Ok(Body::from(format!("api sees {}", env.path_info())))
/// });
/// let _dispatcher = PathInfoDispatcher::new().mount("/", root).mount("/api", api);
/// ```
#[derive(Default)]
pub struct PathInfoDispatcher {
    /// `(stripped prefix, original length, app)`, longest original prefix first.
    apps: Vec<(String, usize, Arc<dyn WsgiApp>)>,
}

impl fmt::Debug for PathInfoDispatcher {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PathInfoDispatcher")
            .field("prefixes", &self.prefixes().collect::<Vec<_>>())
            .finish()
    }
}

impl PathInfoDispatcher {
    /// A dispatcher with no app (every request gets the 404).
    pub fn new() -> Self {
        Self::default()
    }

    /// A dispatcher over `(prefix, app)` pairs (cheroot's list or dict of apps).
    pub fn from_apps<P: Into<String>>(
        apps: impl IntoIterator<Item = (P, Arc<dyn WsgiApp>)>,
    ) -> Self {
        let mut dispatcher = Self::new();
        for (prefix, app) in apps {
            dispatcher.insert(prefix.into(), app);
        }
        dispatcher
    }

    /// Adds `app` at `prefix`.
    pub fn mount(mut self, prefix: impl Into<String>, app: impl WsgiApp) -> Self {
        self.insert(prefix.into(), Arc::new(app));
        self
    }

    fn insert(&mut self, prefix: String, app: Arc<dyn WsgiApp>) {
        let len = prefix.chars().count();
        let stripped = prefix.trim_end_matches('/').to_owned();
        // After every entry of the same or greater length: a stable descending sort.
        let at = self
            .apps
            .iter()
            .position(|(_, other, _)| *other < len)
            .unwrap_or(self.apps.len());
        self.apps.insert(at, (stripped, len, app));
    }

    /// The prefixes (slashes stripped) in the order they are tried.
    pub fn prefixes(&self) -> impl Iterator<Item = &str> + '_ {
        self.apps.iter().map(|(p, _, _)| p.as_str())
    }
}

impl WsgiApp for PathInfoDispatcher {
    fn call<'r>(
        &self,
        mut environ: Environ,
        start_response: StartResponse<'r>,
    ) -> Result<Body<'r>, AppError> {
        let path = match environ.path_info() {
            "" => "/".to_owned(),
            path => path.to_owned(),
        };
        for (prefix, _, app) in &self.apps {
            let matches = path == *prefix
                || path
                    .strip_prefix(prefix.as_str())
                    .is_some_and(|rest| rest.starts_with('/'));
            if matches {
                let script_name = format!("{}{prefix}", environ.script_name());
                environ.set("SCRIPT_NAME", script_name);
                environ.set("PATH_INFO", &path[prefix.len()..]);
                return app.call(environ, start_response);
            }
        }
        start_response.start(
            "404 Not Found",
            [("Content-Type", "text/plain"), ("Content-Length", "0")],
        )?;
        Ok(Body::once(""))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::invoke::invoke;

    /// An app that answers with what it saw: `SCRIPT_NAME|PATH_INFO|name`.
    fn echo(name: &'static str) -> impl WsgiApp {
        crate::app::app_fn(move |env, sr| {
            sr.start("200 OK", [("Content-Type", "text/plain")])?;
            Ok(Body::from(format!(
                "{}|{}|{name}",
                env.get("SCRIPT_NAME").unwrap_or("<none>"),
                env.path_info()
            )))
        })
    }

    fn run(d: &PathInfoDispatcher, script_name: Option<&str>, path: &str) -> (String, String) {
        let mut env = Environ::new();
        env.set("PATH_INFO", path);
        if let Some(script_name) = script_name {
            env.set("SCRIPT_NAME", script_name);
        }
        let got = invoke(d, env).unwrap();
        (got.status, String::from_utf8(got.body).unwrap())
    }

    #[test]
    fn dispatch_no_script_name() {
        // test_dispatch.py::test_dispatch_no_script_name
        let d = PathInfoDispatcher::new().mount("/", echo("root"));
        let mut env = Environ::new();
        env.set("PATH_INFO", "/foo");
        let got = invoke(&d, env).unwrap();
        assert_eq!(got.status, "200 OK");
        assert_eq!(
            got.headers,
            vec![("Content-Type".to_owned(), "text/plain".to_owned())]
        );
        assert_eq!(got.body, b"|/foo|root");
    }

    #[test]
    fn longest_prefix_wins() {
        let d = PathInfoDispatcher::new()
            .mount("/", echo("root"))
            .mount("/app/", echo("app"))
            .mount("/app/sub", echo("sub"));
        assert_eq!(d.prefixes().collect::<Vec<_>>(), ["/app/sub", "/app", ""]);
        let table = [
            (None, "/app/sub/x", "/app/sub|/x|sub"),
            (None, "/app/sub", "/app/sub||sub"),
            (None, "/app/subway", "/app|/subway|app"),
            (None, "/app", "/app||app"),
            (None, "/apple", "|/apple|root"),
            (None, "", "|/|root"),
            (Some("/mount"), "/app/y", "/mount/app|/y|app"),
        ];
        for (script_name, path, want) in table {
            let (status, body) = run(&d, script_name, path);
            assert_eq!(status, "200 OK", "{path}");
            assert_eq!(body, want, "{path}");
        }
    }

    #[test]
    fn no_match_is_cheroots_404() {
        let d = PathInfoDispatcher::new().mount("/app", echo("app"));
        let mut env = Environ::new();
        env.set("PATH_INFO", "/other");
        let got = invoke(&d, env).unwrap();
        assert_eq!(got.status, "404 Not Found");
        assert_eq!(
            got.headers,
            vec![
                ("Content-Type".to_owned(), "text/plain".to_owned()),
                ("Content-Length".to_owned(), "0".to_owned()),
            ]
        );
        assert!(got.body.is_empty());
    }

    #[test]
    fn from_apps_keeps_order_among_equal_lengths() {
        let apps: Vec<(&str, Arc<dyn WsgiApp>)> = vec![
            ("/a", Arc::new(echo("first"))),
            ("/b", Arc::new(echo("second"))),
            ("/long", Arc::new(echo("long"))),
        ];
        let d = PathInfoDispatcher::from_apps(apps);
        assert_eq!(d.prefixes().collect::<Vec<_>>(), ["/long", "/a", "/b"]);
    }
}
