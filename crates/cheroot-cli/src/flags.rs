//! The table of command-line flags: each flag's name, value, default, help text and how its
//! value is checked and stored. `--help` is rendered from this table, so they cannot drift.

use std::path::PathBuf;
use std::time::Duration;

use crate::options::{ClientVerify, LogLevel, MAX_WORKERS, Options, TlsBackend};

/// One `--flag`.
#[derive(Debug)]
pub(crate) struct Flag {
    /// The flag, with its leading dashes.
    pub(crate) name: &'static str,
    /// The placeholder for its value in `--help`; `None` for a switch, which takes no value.
    pub(crate) metavar: Option<&'static str>,
    /// The default shown in `--help`, or "" when there is nothing to show.
    pub(crate) default: &'static str,
    /// What it does, for `--help`.
    pub(crate) help: &'static str,
    /// Checks and stores the value (`""` for a switch); the error says what was expected.
    pub(crate) apply: fn(&mut Options, &str) -> Result<(), String>,
}

/// Every flag, in the order `--help` lists them.
pub(crate) const FLAGS: &[Flag] = &[
    Flag {
        name: "--bind",
        metavar: Some("ADDRESS"),
        default: "[::1]:8000",
        help: "Where to listen: HOST:PORT (IPv6 in brackets, [::1]:8000; port 0 picks a free \
               port), a UNIX socket path starting with '/' or './', or @NAME for a Linux \
               abstract socket",
        apply: |o, v| {
            o.bind = v.parse().map_err(|e| format!("{e}"))?;
            Ok(())
        },
    },
    Flag {
        name: "--chdir",
        metavar: Some("PATH"),
        default: "",
        help: "Change to this directory before serving",
        apply: |o, v| {
            o.chdir = Some(path(v)?);
            Ok(())
        },
    },
    Flag {
        name: "--python",
        metavar: Some("PATH"),
        default: "$VIRTUAL_ENV/bin/python, then python3",
        help: "The Python interpreter that hosts a module:callable application (it needs the \
               cheroot-rs package)",
        apply: |o, v| {
            o.python = Some(path(v)?);
            Ok(())
        },
    },
    Flag {
        name: "--workers",
        metavar: Some("INT"),
        default: "1",
        help: "Worker processes serving the app, supervised by a master process that binds \
               the sockets once; 0 for one per core",
        apply: |o, v| {
            o.workers = integer(v, 0, MAX_WORKERS as u64)? as usize;
            Ok(())
        },
    },
    Flag {
        name: "--max-requests",
        metavar: Some("INT"),
        default: "0",
        help: "Replace a worker gracefully after it answered this many requests (its \
               replacement starts first); 0 never replaces",
        apply: |o, v| {
            let n = integer(v, 0, u64::MAX)?;
            o.max_requests = (n > 0).then_some(n);
            Ok(())
        },
    },
    Flag {
        name: "--max-requests-jitter",
        metavar: Some("INT"),
        default: "0",
        help: "Add up to this many requests to --max-requests, per worker, so workers are not \
               all replaced at once",
        apply: |o, v| {
            o.max_requests_jitter = integer(v, 0, u64::MAX)?;
            Ok(())
        },
    },
    Flag {
        name: "--worker-timeout",
        metavar: Some("SECONDS"),
        default: "0",
        help: "Kill and replace a worker whose request has run longer than this (the log \
               names the request); 0 never does",
        apply: |o, v| {
            let timeout = seconds(v, true)?;
            o.worker_timeout = (!timeout.is_zero()).then_some(timeout);
            Ok(())
        },
    },
    Flag {
        name: "--preload",
        metavar: None,
        default: "",
        help: "Import the app once in the master before forking the workers (they share its \
               memory; SIGHUP then restarts workers without importing the app again)",
        apply: |o, _| {
            o.preload = true;
            Ok(())
        },
    },
    Flag {
        name: "--stats-path",
        metavar: Some("PATH"),
        default: "",
        help: "Serve the server's statistics, summed over workers and per worker, at this \
               URL path: JSON, or Prometheus text for Accept: text/plain or ?format=prometheus",
        apply: |o, v| {
            if !v.starts_with('/') || v.bytes().any(|b| b <= b' ' || b == b'?' || b == 0x7f) {
                return Err(
                    "expected a URL path starting with '/', without spaces or '?'".to_owned(),
                );
            }
            o.stats_path = Some(v.to_owned());
            Ok(())
        },
    },
    Flag {
        name: "--stats-bind",
        metavar: Some("ADDRESS"),
        default: "",
        help: "Serve --stats-path on this address of its own instead of with the app (forms as \
               --bind)",
        apply: |o, v| {
            o.stats_bind = Some(v.parse().map_err(|e| format!("{e}"))?);
            Ok(())
        },
    },
    Flag {
        name: "--server-name",
        metavar: Some("NAME"),
        default: "Cheroot/<version>",
        help: "The Server header and SERVER_NAME",
        apply: |o, v| {
            if v.is_empty() || v.chars().any(char::is_control) {
                return Err("expected a non-empty name without control characters".to_owned());
            }
            o.server_name = Some(v.to_owned());
            Ok(())
        },
    },
    Flag {
        name: "--threads",
        metavar: Some("INT"),
        default: "10",
        help: "Worker threads kept running (the pool's minimum), at most what the machine \
               allows",
        apply: |o, v| {
            o.threads = integer(v, 1, max_threads())? as usize;
            Ok(())
        },
    },
    Flag {
        name: "--max-threads",
        metavar: Some("INT"),
        default: "32 per core, within what the machine allows (64 on two cores)",
        help: "Worker threads the pool may grow to under load; -1 for no cap",
        apply: |o, v| {
            o.max_threads = Some(if v == "-1" {
                None
            } else {
                Some(integer(v, 1, max_threads()).map_err(|e| format!("{e}, or -1"))? as usize)
            });
            Ok(())
        },
    },
    Flag {
        name: "--timeout",
        metavar: Some("SECONDS"),
        default: "10",
        help: "Socket read/write timeout, and how long an idle keep-alive connection is kept",
        apply: |o, v| {
            o.timeout = seconds(v, false)?;
            Ok(())
        },
    },
    Flag {
        name: "--header-timeout",
        metavar: Some("SECONDS"),
        default: "30",
        help: "How long a client may take to send a whole request head (then 408)",
        apply: |o, v| {
            o.header_timeout = seconds(v, false)?;
            Ok(())
        },
    },
    Flag {
        name: "--body-timeout",
        metavar: Some("SECONDS"),
        default: "30",
        help: "How long a client may take to send a request body, plus a second per KiB it \
               sent (then 408)",
        apply: |o, v| {
            o.body_timeout = seconds(v, false)?;
            Ok(())
        },
    },
    Flag {
        name: "--shutdown-timeout",
        metavar: Some("SECONDS"),
        default: "5",
        help: "How long a stop lets in-flight requests finish",
        apply: |o, v| {
            o.shutdown_timeout = seconds(v, true)?;
            Ok(())
        },
    },
    Flag {
        name: "--request-queue-size",
        metavar: Some("INT"),
        default: "1024",
        help: "The listen() backlog (cheroot's default is 5)",
        apply: |o, v| {
            o.request_queue_size = integer(v, 0, 65535)? as u32;
            Ok(())
        },
    },
    Flag {
        name: "--accepted-queue-size",
        metavar: Some("INT"),
        default: "1024",
        help: "Requests waiting for a worker thread, at most (cheroot's -1, unbounded, is not \
               offered: every queue is bounded)",
        apply: |o, v| {
            o.accepted_queue_size = integer(v, 1, MAX_QUEUE)? as usize;
            Ok(())
        },
    },
    Flag {
        name: "--accepted-queue-timeout",
        metavar: Some("SECONDS"),
        default: "10",
        help: "How long a request waits for room in that queue before it is answered 503",
        apply: |o, v| {
            o.accepted_queue_timeout = seconds(v, true)?;
            Ok(())
        },
    },
    Flag {
        name: "--ssl-adapter",
        metavar: Some("NAME"),
        default: "rustls if built in, else openssl",
        help: "The TLS backend: rustls (also called builtin) or openssl (also called \
               pyopenssl), if built in",
        apply: |o, v| {
            o.tls.adapter = Some(match v.to_ascii_lowercase().as_str() {
                "rustls" | "builtin" => TlsBackend::Rustls,
                "openssl" | "pyopenssl" => TlsBackend::Openssl,
                _ => return Err("expected rustls, builtin, openssl or pyopenssl".to_owned()),
            });
            Ok(())
        },
    },
    Flag {
        name: "--ssl-certificate",
        metavar: Some("PATH"),
        default: "",
        help: "Serve TLS with this certificate (PEM); needs --ssl-private-key",
        apply: |o, v| {
            o.tls.certificate = Some(path(v)?);
            Ok(())
        },
    },
    Flag {
        name: "--ssl-private-key",
        metavar: Some("PATH"),
        default: "",
        help: "The certificate's private key (PEM)",
        apply: |o, v| {
            o.tls.private_key = Some(path(v)?);
            Ok(())
        },
    },
    Flag {
        name: "--ssl-private-key-password-file",
        metavar: Some("PATH"),
        default: "",
        help: "Read the password of an encrypted private key from this file (its first line); \
               or set CHEROOT_SSL_PRIVATE_KEY_PASSWORD",
        apply: |o, v| {
            o.tls.private_key_password_file = Some(path(v)?);
            Ok(())
        },
    },
    Flag {
        name: "--ssl-certificate-chain",
        metavar: Some("PATH"),
        default: "",
        help: "Intermediate certificates, and the CAs client certificates are checked \
               against (PEM)",
        apply: |o, v| {
            o.tls.certificate_chain = Some(path(v)?);
            Ok(())
        },
    },
    Flag {
        name: "--ssl-ciphers",
        metavar: Some("LIST"),
        default: "",
        help: "The cipher suites to allow, in the backend's syntax",
        apply: |o, v| {
            if v.trim().is_empty() {
                return Err("expected a non-empty cipher list".to_owned());
            }
            o.tls.ciphers = Some(v.to_owned());
            Ok(())
        },
    },
    Flag {
        name: "--ssl-client-verify",
        metavar: Some("MODE"),
        default: "none",
        help: "Client certificates: none, optional or required",
        apply: |o, v| {
            o.tls.client_verify = match v.to_ascii_lowercase().as_str() {
                "none" => ClientVerify::None,
                "optional" => ClientVerify::Optional,
                "required" => ClientVerify::Required,
                _ => return Err("expected none, optional or required".to_owned()),
            };
            Ok(())
        },
    },
    Flag {
        name: "--max-header-size",
        metavar: Some("BYTES"),
        default: "65536",
        help: "Bytes of request line plus headers allowed (431 beyond); 0 for no limit",
        apply: |o, v| {
            o.max_header_size = integer(v, 0, usize::MAX as u64)? as usize;
            Ok(())
        },
    },
    Flag {
        name: "--max-header-fields",
        metavar: Some("INT"),
        default: "128",
        help: "Header fields allowed in a request (431 beyond); 0 for no limit",
        apply: |o, v| {
            o.max_header_fields = integer(v, 0, usize::MAX as u64)? as usize;
            Ok(())
        },
    },
    Flag {
        name: "--max-body-size",
        metavar: Some("BYTES"),
        default: "104857600",
        help: "Bytes of request body allowed (413 beyond); 0 for no limit",
        apply: |o, v| {
            o.max_body_size = integer(v, 0, u64::MAX)?;
            Ok(())
        },
    },
    Flag {
        name: "--keep-alive-limit",
        metavar: Some("INT"),
        default: "-1",
        help: "Idle keep-alive connections kept at once; -1 for no limit",
        apply: |o, v| {
            o.keep_alive_limit = if v == "-1" {
                None
            } else {
                Some(integer(v, 0, usize::MAX as u64).map_err(|e| format!("{e}, or -1"))? as usize)
            };
            Ok(())
        },
    },
    Flag {
        name: "--reuse-port",
        metavar: None,
        default: "",
        help: "Bind with SO_REUSEPORT, so several processes share the port (TCP, fixed port)",
        apply: |o, _| {
            o.reuse_port = true;
            Ok(())
        },
    },
    Flag {
        name: "--peercreds",
        metavar: None,
        default: "",
        help: "Look up the peer's pid, uid and gid on UNIX sockets (environ X_REMOTE_PID, \
               X_REMOTE_UID, X_REMOTE_GID)",
        apply: |o, _| {
            o.peercreds = true;
            Ok(())
        },
    },
    Flag {
        name: "--peercreds-resolve",
        metavar: None,
        default: "",
        help: "Also resolve the peer's uid and gid to names (X_REMOTE_USER, X_REMOTE_GROUP, \
               REMOTE_USER; implies --peercreds)",
        apply: |o, _| {
            o.peercreds_resolve = true;
            Ok(())
        },
    },
    Flag {
        name: "--access-log",
        metavar: None,
        default: "",
        help: "Write one Common Log Format line per request to stderr",
        apply: |o, _| {
            o.access_log = true;
            Ok(())
        },
    },
    Flag {
        name: "--log-level",
        metavar: Some("LEVEL"),
        default: "info",
        help: "The most verbose messages written to stderr: error, warn, info, debug or trace",
        apply: |o, v| {
            o.log_level = match v.to_ascii_lowercase().as_str() {
                "error" => LogLevel::Error,
                "warn" => LogLevel::Warn,
                "info" => LogLevel::Info,
                "debug" => LogLevel::Debug,
                "trace" => LogLevel::Trace,
                _ => return Err("expected error, warn, info, debug or trace".to_owned()),
            };
            Ok(())
        },
    },
];

/// More worker threads than this is a typo, not a configuration.
const MAX_THREADS: u64 = 100_000;

/// The most worker threads a flag may ask for: what this machine lets the process start
/// (`cheroot::max_worker_threads`), and never more than [`MAX_THREADS`]. Asking for more used
/// to pass and then fail part-way through starting them.
fn max_threads() -> u64 {
    cheroot::max_worker_threads().map_or(MAX_THREADS, |n| MAX_THREADS.min(n as u64))
}
/// The largest accepted-connection queue offered.
const MAX_QUEUE: u64 = 1 << 24;
/// The longest timeout offered: a day.
const MAX_SECONDS: f64 = 86_400.0;

/// The flag called `name` (with its dashes).
pub(crate) fn find(name: &str) -> Option<&'static Flag> {
    FLAGS.iter().find(|flag| flag.name == name)
}

/// A decimal integer in `min..=max`, digits only.
fn integer(v: &str, min: u64, max: u64) -> Result<u64, String> {
    let expected = || {
        if max >= u64::from(u32::MAX) {
            format!("expected an integer >= {min}")
        } else {
            format!("expected an integer from {min} to {max}")
        }
    };
    if v.is_empty() || !v.bytes().all(|b| b.is_ascii_digit()) {
        return Err(expected());
    }
    match v.parse::<u64>() {
        Ok(n) if (min..=max).contains(&n) => Ok(n),
        _ => Err(expected()),
    }
}

/// A number of seconds, fractions allowed (`0.5`), at most a day; zero only if `zero_ok`.
fn seconds(v: &str, zero_ok: bool) -> Result<Duration, String> {
    let expected = || {
        if zero_ok {
            "expected a number of seconds from 0 to 86400".to_owned()
        } else {
            "expected a number of seconds above 0, at most 86400".to_owned()
        }
    };
    let plain = !v.is_empty()
        && v.bytes().all(|b| b.is_ascii_digit() || b == b'.')
        && v.bytes().filter(|&b| b == b'.').count() <= 1
        && v.bytes().any(|b| b.is_ascii_digit());
    if !plain {
        return Err(expected());
    }
    let secs: f64 = v.parse().map_err(|_| expected())?;
    if secs > MAX_SECONDS || (!zero_ok && secs == 0.0) {
        return Err(expected());
    }
    Ok(Duration::from_secs_f64(secs))
}

/// A non-empty path.
fn path(v: &str) -> Result<PathBuf, String> {
    if v.is_empty() {
        return Err("expected a path".to_owned());
    }
    Ok(PathBuf::from(v))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers() {
        let table: &[(&str, u64, u64, Result<u64, &str>)] = &[
            ("0", 0, 10, Ok(0)),
            ("10", 0, 10, Ok(10)),
            ("11", 0, 10, Err("expected an integer from 0 to 10")),
            ("0", 1, 10, Err("expected an integer from 1 to 10")),
            ("-1", 0, 10, Err("expected an integer from 0 to 10")),
            ("+1", 0, 10, Err("expected an integer")),
            (" 1", 0, 10, Err("expected an integer")),
            ("", 0, 10, Err("expected an integer")),
            ("1e3", 0, 10, Err("expected an integer")),
            (
                "99999999999999999999999",
                0,
                u64::MAX,
                Err("expected an integer >= 0"),
            ),
        ];
        for &(v, min, max, ref want) in table {
            match (integer(v, min, max), want) {
                (Ok(got), Ok(want)) => assert_eq!(got, *want, "{v:?}"),
                (Err(err), Err(want)) => assert!(err.starts_with(want), "{v:?}: {err}"),
                (got, want) => panic!("{v:?}: got {got:?}, want {want:?}"),
            }
        }
    }

    #[test]
    fn seconds_values() {
        assert_eq!(seconds("10", false), Ok(Duration::from_secs(10)));
        assert_eq!(seconds("0.5", false), Ok(Duration::from_millis(500)));
        assert_eq!(seconds("0", true), Ok(Duration::ZERO));
        for bad in [
            "0", "0.0", "", ".", "-1", "1.2.3", "inf", "NaN", "1e3", "86401",
        ] {
            assert!(seconds(bad, false).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn every_flag_is_documented_once() {
        for (i, flag) in FLAGS.iter().enumerate() {
            assert!(flag.name.starts_with("--"), "{}", flag.name);
            assert!(!flag.help.is_empty(), "{}", flag.name);
            assert!(
                FLAGS[i + 1..].iter().all(|other| other.name != flag.name),
                "{} twice",
                flag.name
            );
        }
    }
}
