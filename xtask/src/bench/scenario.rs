//! The benchmark scenarios of issues 3 and 5 and the servers each one is run against.

use std::ffi::OsString;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

/// How wrk loads the server in one scenario.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Load {
    /// Keep-alive connections, one request in flight on each.
    KeepAlive,
    /// `Connection: close`: a new connection per request.
    Close,
    /// This many requests written at once on each connection.
    Pipelined(u32),
    /// Scenario A beside idle keep-alive connections held open by the harness.
    BesideIdle,
}

/// What the headline figure counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Unit {
    /// Responses per second.
    ReqPerSec,
    /// MiB of response body per second (every response is 1 MiB, so this is responses/s).
    MibPerSec,
}

/// One row of the table.
#[derive(Debug)]
pub(crate) struct Scenario {
    pub(crate) id: &'static str,
    pub(crate) title: &'static str,
    pub(crate) connections: u32,
    pub(crate) path: &'static str,
    pub(crate) load: Load,
    pub(crate) unit: Unit,
    /// HTTPS: hyper-tls-hello instead of hyper-hello, cheroot-hello with `--tls`.
    pub(crate) tls: bool,
}

/// Requests per write in scenario P.
pub(crate) const PIPELINE_DEPTH: u32 = 16;

/// All scenarios, in the order they run.
pub(crate) const SCENARIOS: [Scenario; 8] = [
    Scenario {
        id: "A",
        title: "50 keep-alive conns, GET /hello",
        connections: 50,
        path: "/hello",
        load: Load::KeepAlive,
        unit: Unit::ReqPerSec,
        tls: false,
    },
    Scenario {
        id: "B",
        title: "500 keep-alive conns, GET /hello",
        connections: 500,
        path: "/hello",
        load: Load::KeepAlive,
        unit: Unit::ReqPerSec,
        tls: false,
    },
    Scenario {
        id: "C",
        title: "new connection per request (50 conns, Connection: close)",
        connections: 50,
        path: "/hello",
        load: Load::Close,
        unit: Unit::ReqPerSec,
        tls: false,
    },
    Scenario {
        id: "D",
        title: "1 MiB bodies, 10 conns",
        connections: 10,
        path: "/big",
        load: Load::KeepAlive,
        unit: Unit::MibPerSec,
        tls: false,
    },
    Scenario {
        id: "P",
        title: "50 conns, 16 requests pipelined per write",
        connections: 50,
        path: "/hello",
        load: Load::Pipelined(PIPELINE_DEPTH),
        unit: Unit::ReqPerSec,
        tls: false,
    },
    Scenario {
        id: "I",
        title: "idle keep-alive conns held open, scenario A beside them",
        connections: 50,
        path: "/hello",
        load: Load::BesideIdle,
        unit: Unit::ReqPerSec,
        tls: false,
    },
    Scenario {
        id: "T",
        title: "TLS: 50 keep-alive conns, GET /hello over HTTPS",
        connections: 50,
        path: "/hello",
        load: Load::KeepAlive,
        unit: Unit::ReqPerSec,
        tls: true,
    },
    Scenario {
        id: "TH",
        title: "TLS handshakes: a new HTTPS connection per request (50 conns, Connection: close)",
        connections: 50,
        path: "/hello",
        load: Load::Close,
        unit: Unit::ReqPerSec,
        tls: true,
    },
];

/// Which gateway cheroot-hello serves with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Gateway {
    /// The native gateway inline on the I/O task (`blocking() == false`).
    Native,
    /// The same gateway on the worker pool (`blocking() == true`).
    Pool,
    /// The routes as a WSGI-style app (cheroot-wsgi), on the worker pool.
    Wsgi,
    /// The `cheroot` command users install (`cheroot builtin:hello`, the `production`
    /// profile): a master and one worker process, the app on the worker pool like every
    /// hosted app. It serves `/hello` only, so it sits out scenario D.
    Command,
}

impl Gateway {
    /// How the table names it.
    pub(crate) fn label(self) -> &'static str {
        match self {
            Gateway::Native => "native",
            Gateway::Pool => "pool",
            Gateway::Wsgi => "wsgi",
            Gateway::Command => "command",
        }
    }
}

/// A server under test.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Server {
    /// bench/hyper-hello.
    Hyper,
    /// bench/cheroot-hello with the given gateway.
    Cheroot(Gateway),
}

impl Server {
    /// The binary's name in bench/target/release, for a plain or an HTTPS scenario.
    pub(crate) fn binary(self, tls: bool) -> &'static str {
        match (self, tls) {
            (Server::Hyper, false) => "hyper-hello",
            (Server::Hyper, true) => "hyper-tls-hello",
            (Server::Cheroot(Gateway::Command), _) => "cheroot",
            (Server::Cheroot(_), _) => "cheroot-hello",
        }
    }

    /// The program and its arguments to serve on `addr`: a harness binary from `bin_dir`
    /// with the address first and `extra` last, or the `cheroot` command with `extra`
    /// (its TLS flags) before the app.
    pub(crate) fn command_line(
        self,
        bin_dir: &Path,
        tls: bool,
        addr: SocketAddr,
        extra: &[OsString],
    ) -> (PathBuf, Vec<OsString>) {
        let mut args: Vec<OsString> = Vec::new();
        let program = match self {
            Server::Cheroot(Gateway::Command) => {
                args.extend(["--bind".into(), addr.to_string().into()]);
                // The two settings the harness binaries also change, for the same reasons:
                // cheroot's backlog of 5 leaves wrk's connections in SYN retries, and its
                // 10 s timeout would close scenario I's idle connections mid-run.
                for flag in ["--request-queue-size", "1024", "--timeout", "300"] {
                    args.push(flag.into());
                }
                args.extend(extra.iter().cloned());
                args.push("builtin:hello".into());
                crate::dist::command_binary()
            }
            _ => {
                args.push(addr.to_string().into());
                let mode: &[&str] = match self {
                    Server::Cheroot(Gateway::Pool) => &["--pool"],
                    Server::Cheroot(Gateway::Wsgi) => &["--wsgi"],
                    _ => &[],
                };
                args.extend(mode.iter().map(OsString::from));
                args.extend(extra.iter().cloned());
                bin_dir.join(self.binary(tls))
            }
        };
        (program, args)
    }

    /// Whether it serves `/big` (scenario D) besides `/hello`.
    pub(crate) fn serves_big(self) -> bool {
        self != Server::Cheroot(Gateway::Command)
    }

    /// Short name for logs and messages.
    pub(crate) fn label(self) -> &'static str {
        match self {
            Server::Hyper => "hyper",
            Server::Cheroot(Gateway::Native) => "cheroot-native",
            Server::Cheroot(Gateway::Pool) => "cheroot-pool",
            Server::Cheroot(Gateway::Wsgi) => "cheroot-wsgi",
            Server::Cheroot(Gateway::Command) => "cheroot-command",
        }
    }
}
