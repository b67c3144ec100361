//! The servers of the Python benchmark and the command line that starts each one: one worker
//! process, the same thread count, a listen backlog of 1024 where it is not already, bound to
//! the loopback address the harness picked, pinned to the server's core.

use std::net::SocketAddr;
use std::process::Command;

use super::apps::App;
use super::setup::Tools;
use crate::bench::server::pinned;

/// A server under test.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PyServer {
    /// The `cheroot_rs` package's command, `python -m cheroot_rs`, built in release mode.
    CherootRs,
    /// granian's WSGI interface, one worker.
    Granian,
    /// cheroot 11.1.2's own command.
    Cheroot,
    /// gunicorn's gthread worker, one worker.
    Gunicorn,
    /// The Rust `cheroot` command serving `builtin:hello`: the same server and worker pool
    /// with no Python, so the difference is what the bridge costs.
    Builtin,
}

impl PyServer {
    /// The servers that run `app` with `workers` processes each, cheroot-rs first (the ratios
    /// are its own over the others); cheroot has no worker processes, so it runs only when
    /// `workers` is 1.
    pub(crate) fn for_app(app: App, workers: u32) -> Vec<PyServer> {
        let mut servers = vec![PyServer::CherootRs, PyServer::Granian];
        if workers == 1 {
            servers.push(PyServer::Cheroot);
        }
        servers.push(PyServer::Gunicorn);
        if app == App::Hello {
            servers.push(PyServer::Builtin);
        }
        servers
    }

    /// Its name in progress lines, logs and tables.
    pub(crate) fn label(self) -> &'static str {
        match self {
            PyServer::CherootRs => "cheroot-rs",
            PyServer::Granian => "granian",
            PyServer::Cheroot => "cheroot",
            PyServer::Gunicorn => "gunicorn",
            PyServer::Builtin => "builtin:hello",
        }
    }

    /// The command that serves `app` on `addr` with `workers` processes of `threads` worker
    /// threads, pinned to `core`; it runs in bench/python, with apps.py importable and the
    /// 1 MiB file named.
    pub(crate) fn command(
        self,
        tools: &Tools,
        app: App,
        addr: SocketAddr,
        (workers, threads): (u32, u32),
        core: Option<u32>,
    ) -> Command {
        let target = format!("apps:{}", app.attr());
        let threads = threads.to_string();
        let workers = workers.to_string();
        let bind = addr.to_string();
        let mut cmd = match self {
            PyServer::CherootRs => {
                let mut c = pinned(core, &tools.python);
                c.args(["-m", "cheroot_rs", "--bind", &bind, "--threads", &threads])
                    .args(["--workers", &workers])
                    // cheroot's default backlog is 5: wrk's 50 connections would wait on SYN
                    // retries. granian and gunicorn listen with 1024 and 2048.
                    .args(["--request-queue-size", "1024", &target]);
                c
            }
            PyServer::Granian => {
                let mut c = pinned(core, tools.venv_bin.join("granian"));
                c.args(["--interface", "wsgi", "--workers", &workers])
                    .args(["--blocking-threads", &threads])
                    .args(["--host", &addr.ip().to_string()])
                    .args(["--port", &addr.port().to_string()])
                    // HTTP/1 only and no websockets: what a WSGI deployment of it would set,
                    // and the least work per request.
                    .args(["--http", "1", "--no-ws", "--log-level", "warning", &target]);
                c
            }
            PyServer::Cheroot => {
                let mut c = pinned(core, tools.venv_bin.join("cheroot"));
                c.args(["--bind", &bind, "--threads", &threads]).args([
                    "--request-queue-size",
                    "1024",
                    &target,
                ]);
                c
            }
            PyServer::Gunicorn => {
                let mut c = pinned(core, tools.venv_bin.join("gunicorn"));
                c.args(["--worker-class", "gthread", "--workers", &workers])
                    .args(["--threads", &threads, "--bind", &bind])
                    .args(["--log-level", "warning", &target]);
                c
            }
            PyServer::Builtin => {
                let mut c = pinned(core, &tools.cheroot);
                c.args(["--bind", &bind, "--threads", &threads])
                    .args(["--workers", &workers])
                    .args(["--request-queue-size", "1024", "builtin:hello"]);
                c
            }
        };
        // cheroot's console script does not put the working directory on sys.path, so the
        // path is given to every server alike.
        cmd.current_dir(&tools.apps_dir)
            .env("PYTHONPATH", &tools.apps_dir)
            .env("CHEROOT_BENCH_FILE", &tools.file)
            .env("VIRTUAL_ENV", &tools.venv)
            .env_remove("PYTHONHOME");
        cmd
    }
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;

    fn tools() -> Tools {
        Tools {
            venv: PathBuf::from("/v"),
            python: PathBuf::from("/v/bin/python"),
            venv_bin: PathBuf::from("/v/bin"),
            cheroot: PathBuf::from("/r/target/production/cheroot"),
            apps_dir: PathBuf::from("/r/bench/python"),
            file: PathBuf::from("/r/target/f"),
        }
    }

    fn argv(server: PyServer, core: Option<u32>) -> Vec<String> {
        let addr: SocketAddr = "127.0.0.1:8123".parse().unwrap();
        let cmd = server.command(&tools(), App::Flask, addr, (1, 4), core);
        std::iter::once(cmd.get_program())
            .chain(cmd.get_args())
            .map(|a| a.to_string_lossy().into_owned())
            .collect()
    }

    #[test]
    fn command_lines() {
        assert_eq!(
            argv(PyServer::CherootRs, Some(0)).join(" "),
            "taskset -c 0 /v/bin/python -m cheroot_rs --bind 127.0.0.1:8123 --threads 4 \
             --workers 1 --request-queue-size 1024 apps:flask_hello"
        );
        assert_eq!(
            argv(PyServer::Granian, None).join(" "),
            "/v/bin/granian --interface wsgi --workers 1 --blocking-threads 4 --host 127.0.0.1 \
             --port 8123 --http 1 --no-ws --log-level warning apps:flask_hello"
        );
        assert_eq!(
            argv(PyServer::Gunicorn, None).join(" "),
            "/v/bin/gunicorn --worker-class gthread --workers 1 --threads 4 \
             --bind 127.0.0.1:8123 --log-level warning apps:flask_hello"
        );
        assert!(argv(PyServer::Cheroot, None).contains(&"apps:flask_hello".to_owned()));
        assert_eq!(
            argv(PyServer::Builtin, None).last().unwrap(),
            "builtin:hello"
        );
    }

    #[test]
    fn builtin_only_beside_hello() {
        assert!(PyServer::for_app(App::Hello, 1).contains(&PyServer::Builtin));
        assert!(!PyServer::for_app(App::File, 1).contains(&PyServer::Builtin));
        assert_eq!(PyServer::for_app(App::Big, 1)[0], PyServer::CherootRs);
    }

    #[test]
    fn worker_pools_leave_cheroot_out() {
        let servers = PyServer::for_app(App::Hello, 2);
        assert!(!servers.contains(&PyServer::Cheroot));
        assert!(servers.contains(&PyServer::Granian) && servers.contains(&PyServer::Gunicorn));
        let addr: SocketAddr = "127.0.0.1:8123".parse().unwrap();
        for server in servers {
            let cmd = server.command(&tools(), App::Hello, addr, (2, 4), None);
            let args: Vec<String> = cmd
                .get_args()
                .map(|a| a.to_string_lossy().into_owned())
                .collect();
            let at = args
                .iter()
                .position(|a| a == "--workers")
                .expect("--workers");
            assert_eq!(args[at + 1], "2", "{args:?}");
        }
    }
}
