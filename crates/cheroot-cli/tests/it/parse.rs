//! The command-line parser: cheroot's bind forms, defaults, every flag, and the errors.

use std::path::PathBuf;
use std::time::Duration;

use cheroot::BindAddr;
use cheroot_cli::{
    AccessLogDest, AccessLogFormat, AppSpec, BuiltinApp, ClientVerify, Command, LogFilter,
    LogFormat, LogLevel, Options, TlsBackend, parse_args,
};

fn run(args: &[&str]) -> Options {
    match parse_args(args.iter().copied()) {
        Ok(Command::Run(options)) => *options,
        other => panic!("{args:?}: {other:?}"),
    }
}

fn error(args: &[&str]) -> String {
    match parse_args(args.iter().copied()) {
        Err(err) => err.to_string(),
        other => panic!("{args:?} parsed: {other:?}"),
    }
}

fn tcp(host: &str, port: u16) -> BindAddr {
    BindAddr::Tcp {
        host: host.to_owned(),
        port,
    }
}

// test_cli.py::test_parse_wsgi_bind_addr
#[test]
fn bind_forms() {
    let table: &[(&str, BindAddr)] = &[
        ("192.168.1.1:80", tcp("192.168.1.1", 80)),
        ("[::1]:8000", tcp("::1", 8000)),
        ("localhost:5000", tcp("localhost", 5000)),
        ("foo@bar:5000", tcp("bar", 5000)),
        (
            "/tmp/cheroot.sock",
            BindAddr::Unix("/tmp/cheroot.sock".into()),
        ),
        ("@cheroot", BindAddr::Abstract(b"cheroot".to_vec())),
        // Beyond cheroot's table: names are lower-cased as urlparse does, port 0 kept.
        ("LocalHost:0", tcp("localhost", 0)),
        ("[::]:8080", tcp("::", 8080)),
        ("./relative.sock", BindAddr::Unix("./relative.sock".into())),
    ];
    for (input, want) in table {
        assert_eq!(
            &run(&["--bind", input, "builtin:echo"]).bind,
            want,
            "{input}"
        );
        let joined = format!("--bind={input}");
        assert_eq!(&run(&[&joined, "builtin:echo"]).bind, want, "{joined}");
    }
}

// test_cli.py::test_parse_wsgi_bind_addr: cheroot reads `foo` and `123456789` as a host with no
// port, which cannot be bound; here that is a usage error naming the value.
#[test]
fn bind_forms_without_a_port_are_refused() {
    for input in ["foo", "123456789"] {
        let err = error(&["--bind", input, "builtin:echo"]);
        assert!(err.contains("--bind"), "{err}");
        assert!(err.contains(&format!("{input:?}")), "{err}");
        assert!(err.contains("has no port"), "{err}");
    }
}

#[test]
fn defaults_are_cheroots() {
    let options = run(&["builtin:echo"]);
    assert_eq!(options.bind, tcp("::1", 8000));
    assert_eq!(options.threads, 10);
    // Not given: the server's default cap, which is finite (no load may start threads without
    // bound).
    assert_eq!(options.max_threads, None);
    assert_eq!(
        options.server_config().maxthreads,
        Some(cheroot::default_maxthreads(10))
    );
    assert_eq!(options.timeout, Duration::from_secs(10));
    assert_eq!(options.header_timeout, Duration::from_secs(30));
    assert_eq!(options.body_timeout, Duration::from_secs(30));
    assert_eq!(options.shutdown_timeout, Duration::from_secs(5));
    // Not cheroot's 5 (docs/differences.md): the kernel's usual 1024.
    assert_eq!(options.request_queue_size, 1024);
    assert_eq!(options.max_header_fields, 128);
    assert_eq!(options.accepted_queue_timeout, Duration::from_secs(10));
    assert_eq!(options.app, AppSpec::Builtin(BuiltinApp::Echo));
    // Not given: RUST_LOG if set, else info (decided when the log is set up).
    assert_eq!(options.log_level, None);
    assert_eq!(options.log_format, LogFormat::Text);
    assert!(!options.reuse_port && !options.peercreds && options.access_log.is_none());
    assert!(!options.tls.requested());
    assert_eq!(options, Options::new(AppSpec::Builtin(BuiltinApp::Echo)));
}

#[test]
fn every_flag_is_stored() {
    let options = run(&[
        "--bind=127.0.0.1:9000",
        "--chdir",
        "/tmp",
        "--server-name",
        "test-server",
        "--threads",
        "3",
        "--max-threads=7",
        "--timeout",
        "2.5",
        "--header-timeout",
        "7",
        "--body-timeout",
        "12.5",
        "--shutdown-timeout",
        "0",
        "--request-queue-size",
        "64",
        "--accepted-queue-size",
        "16",
        "--accepted-queue-timeout",
        "1",
        "--max-header-size",
        "8192",
        "--max-header-fields",
        "300",
        "--max-body-size",
        "0",
        "--keep-alive-limit",
        "4",
        "--reuse-port",
        "--peercreds-resolve",
        "--access-log",
        "logs/access.log",
        "--access-log-format",
        "JSON",
        "--log-level",
        "DEBUG",
        "builtin:hello",
    ]);
    assert_eq!(options.bind, tcp("127.0.0.1", 9000));
    assert_eq!(options.chdir, Some(PathBuf::from("/tmp")));
    assert_eq!(options.server_name.as_deref(), Some("test-server"));
    assert_eq!(options.threads, 3);
    assert_eq!(options.max_threads, Some(Some(7)));
    assert_eq!(options.timeout, Duration::from_millis(2500));
    assert_eq!(options.header_timeout, Duration::from_secs(7));
    assert_eq!(
        options.server_config().body_timeout,
        Duration::from_millis(12_500)
    );
    assert_eq!(
        options.server_config().header_timeout,
        Duration::from_secs(7)
    );
    assert_eq!(options.shutdown_timeout, Duration::ZERO);
    assert_eq!(options.request_queue_size, 64);
    assert_eq!(options.accepted_queue_size, 16);
    assert_eq!(options.accepted_queue_timeout, Duration::from_secs(1));
    assert_eq!(options.max_header_size, 8192);
    assert_eq!(options.max_header_fields, 300);
    assert_eq!(options.server_config().max_request_header_fields, 300);
    assert_eq!(options.max_body_size, 0);
    assert_eq!(options.keep_alive_limit, Some(4));
    assert!(options.reuse_port && options.peercreds_resolve);
    assert_eq!(
        options.access_log,
        Some(AccessLogDest::File(PathBuf::from("logs/access.log")))
    );
    assert_eq!(options.log_level, Some(LogFilter::Level(LogLevel::Debug)));
    assert_eq!(options.app, AppSpec::Builtin(BuiltinApp::Hello));

    let config = options.server_config();
    assert_eq!(config.server_name, "test-server");
    assert_eq!((config.minthreads, config.maxthreads), (3, Some(7)));
    // --peercreds-resolve implies --peercreds.
    assert!(config.peercreds_enabled && config.peercreds_resolve_enabled);
    assert_eq!(config.keep_alive_conn_limit, Some(4));
    assert_eq!(config.max_request_body_size, 0);
    assert_eq!(config.access_log, Some(AccessLogFormat::Json));
    assert!(config.reuse_port);
}

#[test]
fn minus_one_means_no_cap() {
    let options = run(&[
        "--max-threads",
        "-1",
        "--keep-alive-limit=-1",
        "builtin:echo",
    ]);
    assert_eq!(options.max_threads, Some(None));
    assert_eq!(options.server_config().maxthreads, None);
    assert_eq!(options.keep_alive_limit, None);
}

#[test]
fn the_default_thread_cap_follows_a_larger_minimum() {
    let Some(limit) = cheroot::max_worker_threads() else {
        return;
    };
    let threads = cheroot::default_maxthreads(10) + 1;
    if threads > limit {
        return;
    }
    let options = run(&["--threads", &threads.to_string(), "builtin:echo"]);
    assert_eq!(options.server_config().maxthreads, Some(threads));
}

#[test]
fn thread_counts_beyond_the_machine_are_usage_errors() {
    // More threads than the machine can start is a usage error: `--threads 20000` used to pass
    // and then die starting threads.
    let Some(limit) = cheroot::max_worker_threads() else {
        return;
    };
    let too_many = (limit + 1).to_string();
    for flag in ["--threads", "--max-threads"] {
        let err = error(&[flag, &too_many, "builtin:echo"]);
        assert!(err.contains(flag), "{err}");
        assert!(err.contains(&format!("\"{too_many}\"")), "{err}");
        assert!(err.contains(&format!("from 1 to {limit}")), "{err}");
    }
}

#[test]
fn tls_flags_parse_and_validate() {
    let options = run(&[
        "--ssl-adapter",
        "OpenSSL",
        "--ssl-certificate",
        "cert.pem",
        "--ssl-private-key",
        "key.pem",
        "--ssl-certificate-chain",
        "ca.pem",
        "--ssl-ciphers",
        "ECDHE+AESGCM",
        "--ssl-client-verify",
        "required",
        "builtin:echo",
    ]);
    let tls = &options.tls;
    assert_eq!(tls.adapter, Some(TlsBackend::Openssl));
    assert_eq!(tls.certificate, Some(PathBuf::from("cert.pem")));
    assert_eq!(tls.private_key, Some(PathBuf::from("key.pem")));
    assert_eq!(tls.certificate_chain, Some(PathBuf::from("ca.pem")));
    assert_eq!(tls.ciphers.as_deref(), Some("ECDHE+AESGCM"));
    assert_eq!(tls.client_verify, ClientVerify::Required);
    assert!(tls.requested());

    // cheroot's adapter names are aliases.
    for (name, want) in [
        ("builtin", TlsBackend::Rustls),
        ("RUSTLS", TlsBackend::Rustls),
        ("pyopenssl", TlsBackend::Openssl),
    ] {
        let options = run(&[
            "--ssl-adapter",
            name,
            "--ssl-certificate=c",
            "--ssl-private-key=k",
            "builtin:echo",
        ]);
        assert_eq!(options.tls.adapter, Some(want), "{name}");
    }
}

#[test]
fn help_and_version_win() {
    for args in [
        &["--help"][..],
        &["-h"],
        &["--bind", "bogus", "-h"],
        &["builtin:echo", "--help", "extra"],
    ] {
        assert_eq!(
            parse_args(args.iter().copied()),
            Ok(Command::Help),
            "{args:?}"
        );
    }
    assert_eq!(parse_args(["--version"]), Ok(Command::Version));
    assert_eq!(parse_args(["-V"]), Ok(Command::Version));
    assert_eq!(
        parse_args(["--threads", "x", "-V", "builtin:echo"]),
        Ok(Command::Version)
    );
    // After `--`, `-h` is an APP (which is no valid one).
    let err = error(&["--", "-h"]);
    assert!(err.contains("invalid APP \"-h\""), "{err}");
    // A flag's value is skipped when looking for --help past an error.
    let err = error(&["--bind", "bogus", "--server-name", "--help", "builtin:echo"]);
    assert!(err.contains("--bind"), "{err}");
    // A flag's value is taken as is, even when it looks like a flag.
    let options = run(&["--server-name", "-h", "builtin:echo"]);
    assert_eq!(options.server_name.as_deref(), Some("-h"));
}

#[test]
fn bad_values_name_the_flag_and_the_value() {
    let table: &[(&[&str], &[&str])] = &[
        (
            &["--threads", "0", "builtin:echo"],
            &["--threads", "\"0\"", "integer"],
        ),
        (
            &["--threads", "ten", "builtin:echo"],
            &["--threads", "\"ten\""],
        ),
        (&["--threads=-3", "builtin:echo"], &["--threads", "\"-3\""]),
        (
            &["--max-threads", "0", "builtin:echo"],
            &["--max-threads", "\"0\"", "or -1"],
        ),
        (
            &["--timeout", "0", "builtin:echo"],
            &["--timeout", "\"0\"", "seconds"],
        ),
        (
            &["--timeout", "soon", "builtin:echo"],
            &["--timeout", "\"soon\""],
        ),
        (
            &["--header-timeout", "0", "builtin:echo"],
            &["--header-timeout", "\"0\"", "seconds"],
        ),
        (
            &["--shutdown-timeout", "-1", "builtin:echo"],
            &["--shutdown-timeout", "\"-1\""],
        ),
        (
            &["--request-queue-size", "x", "builtin:echo"],
            &["--request-queue-size", "\"x\""],
        ),
        (
            &["--accepted-queue-size", "-1", "builtin:echo"],
            &["--accepted-queue-size", "\"-1\""],
        ),
        (
            &["--accepted-queue-timeout", "1e9", "builtin:echo"],
            &["--accepted-queue-timeout", "\"1e9\""],
        ),
        (
            &["--max-header-size", "big", "builtin:echo"],
            &["--max-header-size", "\"big\""],
        ),
        (
            &["--max-body-size", "-5", "builtin:echo"],
            &["--max-body-size", "\"-5\""],
        ),
        (
            &["--keep-alive-limit", "lots", "builtin:echo"],
            &["--keep-alive-limit", "\"lots\""],
        ),
        (
            &["--log-level", "loud", "builtin:echo"],
            &["--log-level", "\"loud\"", "trace"],
        ),
        (
            &["--ssl-adapter", "gnutls", "builtin:echo"],
            &["--ssl-adapter", "\"gnutls\""],
        ),
        (
            &["--ssl-client-verify", "maybe", "builtin:echo"],
            &["--ssl-client-verify", "\"maybe\"", "optional"],
        ),
        (
            &["--server-name", "", "builtin:echo"],
            &["--server-name", "\"\""],
        ),
        (
            &["--server-name", "a\r\nb", "builtin:echo"],
            &["--server-name"],
        ),
        (&["--chdir=", "builtin:echo"], &["--chdir", "\"\""]),
        (
            &["--bind", "host:http", "builtin:echo"],
            &["--bind", "\"host:http\""],
        ),
        (
            &["--bind", ":8000", "builtin:echo"],
            &["--bind", "Host values of ''"],
        ),
    ];
    for (args, wants) in table {
        let err = error(args);
        for want in *wants {
            assert!(err.contains(want), "{args:?}: {err:?} lacks {want:?}");
        }
    }
}

#[test]
fn malformed_command_lines() {
    let table: &[(&[&str], &str)] = &[
        // The whole sentences, where clap would have its own.
        (
            &[],
            "missing APP: name the application to serve, e.g. builtin:echo",
        ),
        (&["--bind", "127.0.0.1:0"], "missing APP"),
        (&["--threads"], "option --threads needs a value (INT)"),
        (
            &["builtin:echo", "--bind"],
            "option --bind needs a value (ADDRESS)",
        ),
        (
            &["--frobnicate", "builtin:echo"],
            "unknown option \"--frobnicate\" (see --help)",
        ),
        (
            &["--frobnicate=1", "builtin:echo"],
            "unknown option \"--frobnicate\"",
        ),
        (&["-x", "builtin:echo"], "unknown option \"-x\""),
        (
            &["--reuse-port=yes", "builtin:echo"],
            "option --reuse-port takes no value",
        ),
        (
            &["builtin:echo", "builtin:hello"],
            "unexpected argument \"builtin:hello\": only one APP may be given",
        ),
        (
            &["builtin:nope"],
            "unknown built-in application \"builtin:nope\"",
        ),
        (&["not a module"], "invalid APP \"not a module\""),
        (
            &["--threads", "5", "--max-threads", "2", "builtin:echo"],
            "--max-threads 2 is below --threads 5",
        ),
        (
            &["--reuse-port", "--bind", "127.0.0.1:0", "builtin:echo"],
            "--reuse-port cannot share an ephemeral port",
        ),
        (
            &["--reuse-port", "--bind", "/tmp/x.sock", "builtin:echo"],
            "--reuse-port needs a TCP address",
        ),
        (
            &["--ssl-certificate", "c.pem", "builtin:echo"],
            "--ssl-certificate needs --ssl-private-key",
        ),
        (
            &["--ssl-private-key", "k.pem", "builtin:echo"],
            "--ssl-private-key needs --ssl-certificate",
        ),
        (
            &["--ssl-client-verify", "optional", "builtin:echo"],
            "--ssl-client-verify needs --ssl-certificate and --ssl-private-key",
        ),
        (
            &["--ssl-adapter", "rustls", "builtin:echo"],
            "--ssl-adapter needs --ssl-certificate and --ssl-private-key",
        ),
    ];
    for (args, want) in table {
        let err = error(args);
        assert!(err.contains(want), "{args:?}: {err:?} lacks {want:?}");
    }
}

#[test]
fn double_dash_ends_the_flags() {
    let options = run(&["--threads", "2", "--", "builtin:hello"]);
    assert_eq!(options.app, AppSpec::Builtin(BuiltinApp::Hello));
    let err = error(&["--", "--threads"]);
    assert!(err.contains("invalid APP \"--threads\""), "{err}");
}

#[test]
fn hosted_apps_parse_with_cheroots_grammar() {
    // test_cli.py: APP_MODULE is `pkg.module[:attr]`, `attr` defaulting to `application`.
    let options = run(&["pkg.wsgi:app"]);
    assert_eq!(
        options.app,
        AppSpec::Hosted {
            module: "pkg.wsgi".to_owned(),
            callable: "app".to_owned()
        }
    );
    let options = run(&["pkg.wsgi"]);
    assert_eq!(options.app.to_string(), "pkg.wsgi:application");
}

#[test]
fn last_value_wins() {
    let options = run(&["--threads", "2", "--threads", "4", "builtin:echo"]);
    assert_eq!(options.threads, 4);
}

#[test]
fn worker_flags_are_stored_and_checked() {
    let options = run(&[
        "--workers",
        "3",
        "--max-requests",
        "1000",
        "--max-requests-jitter",
        "50",
        "--worker-timeout",
        "30",
        "--preload",
        "--stats-path",
        "/-/stats",
        "--stats-bind",
        "127.0.0.1:9100",
        "builtin:hello",
    ]);
    assert_eq!(options.workers, 3);
    assert_eq!(options.worker_count(), 3);
    assert_eq!(options.max_requests, Some(1000));
    assert_eq!(options.max_requests_jitter, 50);
    assert_eq!(options.worker_timeout, Some(Duration::from_secs(30)));
    assert!(options.preload);
    assert_eq!(options.stats_path.as_deref(), Some("/-/stats"));
    assert_eq!(options.stats_bind, Some(tcp("127.0.0.1", 9100)));

    // The defaults: one worker, nothing recycled or timed, no statistics page.
    let defaults = run(&["builtin:hello"]);
    assert_eq!(defaults.worker_count(), 1);
    assert_eq!(
        (defaults.max_requests, defaults.worker_timeout),
        (None, None)
    );
    assert!(!defaults.preload && defaults.stats_path.is_none());
    // 0 workers is one per core; 0 for the limits switches them off.
    let per_core = run(&[
        "--workers",
        "0",
        "--max-requests",
        "0",
        "--worker-timeout",
        "0",
        "builtin:hello",
    ]);
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    assert_eq!(per_core.worker_count(), cores);
    assert_eq!(
        (per_core.max_requests, per_core.worker_timeout),
        (None, None)
    );

    for (args, want) in [
        (
            &["--workers", "257"][..],
            "--workers: expected an integer from 0 to 256",
        ),
        (
            &["--workers", "-1"][..],
            "--workers: expected an integer from 0 to 256",
        ),
        (
            &["--stats-path", "stats"][..],
            "expected a URL path starting with '/'",
        ),
        (
            &["--stats-path", "/a b"][..],
            "expected a URL path starting with '/'",
        ),
        (
            &["--stats-bind", "127.0.0.1:9100"][..],
            "--stats-bind needs --stats-path",
        ),
        (
            &["--max-requests-jitter", "5"][..],
            "--max-requests-jitter needs --max-requests",
        ),
        (&["--worker-timeout", "-1"][..], "--worker-timeout"),
        (
            &[
                "--stats-path",
                "/s",
                "--stats-bind",
                "127.0.0.1:8000",
                "--bind",
                "127.0.0.1:8000",
            ][..],
            "is the --bind address",
        ),
        (
            &["--ssl-private-key-password-file", "/tmp/pw"][..],
            "--ssl-private-key-password-file needs --ssl-certificate and --ssl-private-key",
        ),
    ] {
        let mut full = args.to_vec();
        full.push("builtin:hello");
        let message = error(&full);
        assert!(message.contains(want), "{args:?}: {message}");
    }
}

#[test]
fn log_level_takes_a_level_or_directives() {
    for (value, want) in [
        ("warn", LogFilter::Level(LogLevel::Warn)),
        ("TRACE", LogFilter::Level(LogLevel::Trace)),
        (
            "info,cheroot_server=debug",
            LogFilter::Directives("info,cheroot_server=debug".to_owned()),
        ),
        (
            "cheroot_supervisor=debug",
            LogFilter::Directives("cheroot_supervisor=debug".to_owned()),
        ),
        ("off", LogFilter::Directives("off".to_owned())),
    ] {
        let options = run(&["--log-level", value, "builtin:echo"]);
        assert_eq!(options.log_level, Some(want.clone()), "{value}");
        let joined = format!("--log-level={value}");
        assert_eq!(run(&[&joined, "builtin:echo"]).log_level, Some(want));
    }
    assert_eq!(
        LogFilter::parse("info,cheroot_server=debug")
            .unwrap()
            .directives(),
        "info,cheroot_server=debug"
    );
    // A bad directive is a usage error naming the flag and the value.
    for bad in ["info,cheroot_server=chatty", "loud", "=debug", ""] {
        let err = error(&["--log-level", bad, "builtin:echo"]);
        assert!(
            err.starts_with(&format!("invalid value {bad:?} for --log-level: ")),
            "{err}"
        );
        assert!(err.contains("info,cheroot_server=debug"), "{err}");
    }
}

#[test]
fn log_format_is_text_or_json() {
    let options = run(&["--log-format", "json", "builtin:echo"]);
    assert_eq!(options.log_format, LogFormat::Json);
    let options = run(&["--log-format=TEXT", "builtin:echo"]);
    assert_eq!(options.log_format, LogFormat::Text);
    let err = error(&["--log-format", "xml", "builtin:echo"]);
    assert_eq!(
        err,
        "invalid value \"xml\" for --log-format: expected text or json"
    );
}

#[test]
fn the_flags_and_their_defaults_are_clap_s() {
    // The clap command the man page and completions are made from is the parser's.
    let command = cheroot_cli::command();
    let long = |name: &str| {
        command
            .get_arguments()
            .find(|arg| arg.get_long() == Some(name))
            .unwrap_or_else(|| panic!("no --{name}"))
    };
    assert_eq!(long("bind").get_default_values(), ["[::1]:8000"]);
    assert_eq!(long("workers").get_default_values(), ["1"]);
    assert_eq!(long("log-format").get_default_values(), ["text"]);
    assert!(long("python").get_default_values().is_empty());
    // Each default shown parses to the default Options: `--threads 10` changes nothing.
    let defaults = run(&["builtin:echo"]);
    for arg in command.get_arguments() {
        let (Some(name), [default]) = (arg.get_long(), arg.get_default_values()) else {
            continue;
        };
        let flag = format!("--{name}={}", default.to_string_lossy());
        assert_eq!(run(&[&flag, "builtin:echo"]), defaults, "{flag}");
    }
}
