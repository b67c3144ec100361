//! The WSGI apps of bench/python/apps.py, as the harness loads and checks them.

/// The size of the `big` and `file` bodies: 1 MiB, every byte `x`.
pub(crate) const BIG_LEN: usize = 1 << 20;
/// The body of `hello` and `flask`.
const HELLO: &[u8] = b"Hello world!";

/// One app of bench/python/apps.py.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum App {
    /// `[b"Hello world!"]` with a Content-Length: the bridge and the server, nothing else.
    Hello,
    /// The same answer from a Flask view.
    Flask,
    /// A 1 MiB body as one bytes object.
    Big,
    /// A 1 MiB file through `wsgi.file_wrapper`.
    File,
}

impl App {
    /// Every app, in the order they run.
    pub(crate) const ALL: [App; 4] = [App::Hello, App::Flask, App::Big, App::File];

    /// Its name on the command line and in the tables.
    pub(crate) fn name(self) -> &'static str {
        match self {
            App::Hello => "hello",
            App::Flask => "flask",
            App::Big => "big",
            App::File => "file",
        }
    }

    /// The callable's name in apps.py.
    pub(crate) fn attr(self) -> &'static str {
        match self {
            App::Hello => "hello",
            App::Flask => "flask_hello",
            App::Big => "big",
            App::File => "file",
        }
    }

    /// What the progress lines say it is.
    pub(crate) fn title(self) -> &'static str {
        match self {
            App::Hello => "raw WSGI hello, 50 keep-alive conns",
            App::Flask => "Flask hello, 50 keep-alive conns",
            App::Big => "1 MiB body (one bytes object), 10 keep-alive conns",
            App::File => "1 MiB file through wsgi.file_wrapper, 10 keep-alive conns",
        }
    }

    /// wrk's connections: scenario A's 50 for the small answers, scenario D's 10 for 1 MiB.
    pub(crate) fn connections(self) -> u32 {
        match self {
            App::Hello | App::Flask => 50,
            App::Big | App::File => 10,
        }
    }

    /// The largest body the check accepts.
    pub(crate) fn max_body(self) -> usize {
        match self {
            App::Hello | App::Flask => 1024,
            App::Big | App::File => BIG_LEN,
        }
    }

    /// Whether `body` is the one this app answers.
    pub(crate) fn body_ok(self, body: &[u8]) -> bool {
        match self {
            App::Hello | App::Flask => body == HELLO,
            App::Big | App::File => body.len() == BIG_LEN && body.iter().all(|&c| c == b'x'),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_match_apps_py() {
        let apps_py = include_str!("../../../../bench/python/apps.py");
        for app in App::ALL {
            let def = format!("\ndef {}(", app.attr());
            let flask = format!("\n{} = Flask(", app.attr());
            assert!(
                apps_py.contains(&def) || apps_py.contains(&flask),
                "apps.py has no {}",
                app.attr()
            );
        }
    }

    #[test]
    fn checks_bodies() {
        assert!(App::Hello.body_ok(b"Hello world!") && !App::Flask.body_ok(b"Hello"));
        assert!(App::Big.body_ok(&vec![b'x'; BIG_LEN]));
        assert!(!App::File.body_ok(&vec![b'x'; BIG_LEN - 1]));
        assert!(!App::File.body_ok(&vec![b'y'; BIG_LEN]));
    }
}
