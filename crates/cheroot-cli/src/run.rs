//! Running a parsed command line: logging, working directory, the application, the server,
//! signals, and the exit status.

use std::ffi::OsString;
use std::io::Write as _;
use std::process::ExitCode;
use std::sync::Arc;

use cheroot::tls::{SslAdapter, TlsSettings, get_ssl_adapter_class};
use cheroot::wsgi::{Server, WsgiApp};

use crate::app_spec::AppSpec;
use crate::args::{Command, parse_args};
use crate::builtin;
use crate::help::{help_text, version_text};
use crate::logging::StderrLog;
use crate::options::{ClientVerify, Options, TlsBackend, TlsOptions};
use crate::python_front;
use crate::signals;

/// Exit status after a clean stop.
const EXIT_OK: u8 = 0;
/// Exit status when the server could not start or failed, or a stop had to cut requests in
/// flight (`--shutdown-timeout` ran out): a supervisor should know the stop lost work.
const EXIT_FAILURE: u8 = 1;
/// Exit status for a command line that cannot be obeyed (argparse's).
const EXIT_USAGE: u8 = 2;

/// How the command gets a hosted application (`module:callable`): the Python package
/// `cheroot-rs` runs this same command with a loader that imports the module.
pub trait AppLoader {
    /// The application `callable` of `module`, imported after `--chdir` was applied.
    ///
    /// # Errors
    ///
    /// A message saying what went wrong (the module does not import, has no such attribute,
    /// or it is not callable); the command prints it and exits 1.
    fn load(&self, module: &str, callable: &str) -> Result<Arc<dyn WsgiApp>, String>;
}

/// The whole command: parses the arguments after the program name, then serves until SIGINT
/// or SIGTERM. Messages go to stderr; stdout gets the help, the version, or the one line
/// with the bound address.
///
/// A hosted application (`module:callable`) is handed to the Python front: the command runs
/// `PYTHON -m cheroot_rs` with the same arguments in its place (see `--python`).
pub fn main_with_args<I, S>(args: I) -> ExitCode
where
    I: IntoIterator<Item = S>,
    S: Into<std::ffi::OsString>,
{
    let args: Vec<OsString> = args.into_iter().map(Into::into).collect();
    if let Ok(Command::Run(options)) = parse_args(args.iter().cloned()) {
        if let AppSpec::Hosted { .. } = options.app {
            // Returns only when the interpreter could not be started.
            let message = python_front::exec(&options, &args);
            return ExitCode::from(failure(&message));
        }
    }
    ExitCode::from(run_with_loader(args, &python_front::NoLoader))
}

/// As [`main_with_args`], with hosted applications loaded in this process by `loader`;
/// returns the exit status (0, 1 or 2).
pub fn run_with_loader<I, S>(args: I, loader: &dyn AppLoader) -> u8
where
    I: IntoIterator<Item = S>,
    S: Into<std::ffi::OsString>,
{
    match parse_args(args) {
        Ok(Command::Help) => print_stdout(&help_text()),
        Ok(Command::Version) => print_stdout(&version_text()),
        Ok(Command::Run(options)) => serve(&options, loader),
        Err(err) => usage_error(&err.to_string()),
    }
}

fn print_stdout(text: &str) -> u8 {
    let mut out = std::io::stdout().lock();
    if out
        .write_all(text.as_bytes())
        .and_then(|()| out.flush())
        .is_err()
    {
        return EXIT_FAILURE;
    }
    EXIT_OK
}

fn usage_error(message: &str) -> u8 {
    eprintln!("cheroot: error: {message}\nTry 'cheroot --help' for more information.");
    EXIT_USAGE
}

fn failure(message: &str) -> u8 {
    eprintln!("cheroot: error: {message}");
    EXIT_FAILURE
}

/// Serves `options` until a signal stops it.
fn serve(options: &Options, loader: &dyn AppLoader) -> u8 {
    // Before any thread exists, so every thread inherits the mask (see `signals`).
    if let Err(err) = signals::block() {
        return failure(&format!("cannot block SIGINT and SIGTERM: {err}"));
    }
    StderrLog::new(options.log_level.to_tracing(), options.access_log).install();

    if let Some(dir) = &options.chdir {
        if let Err(err) = std::env::set_current_dir(dir) {
            return usage_error(&format!(
                "invalid value {:?} for --chdir: {err}",
                dir.display()
            ));
        }
    }
    let ssl_adapter = if options.tls.requested() {
        match tls_adapter(&options.tls) {
            Ok(adapter) => Some(adapter),
            Err(message) => return usage_error(&message),
        }
    } else {
        None
    };
    let app = match &options.app {
        AppSpec::Builtin(app) => builtin::app(*app),
        AppSpec::Hosted { module, callable } => match loader.load(module, callable) {
            Ok(app) => app,
            Err(message) => return failure(&format!("cannot load {}: {message}", options.app)),
        },
    };
    let mut config = options.server_config();
    config.ssl_adapter = ssl_adapter;
    if let Err(err) = config.validate(&options.bind) {
        return usage_error(&format!("invalid settings: {err}"));
    }
    // cheroot's CLI runs a `wsgi.Server`; so does this one.
    let server = Arc::new(Server::with_config(options.bind.clone(), app, config));
    if let Err(err) = server.prepare() {
        return failure(&format!("cannot serve on {}: {err}", options.bind));
    }
    let stopping = Arc::clone(&server);
    let received = match signals::watch(Arc::new(move || stopping.stop())) {
        Ok(received) => received,
        Err(err) => {
            server.stop();
            return failure(&format!("cannot watch for signals: {err}"));
        }
    };
    tracing::info!("serving {} on {}", options.app, server.bind_addr());
    // The one line on stdout: the address actually bound (port 0 resolved), for scripts.
    let mut stdout = std::io::stdout().lock();
    if let Err(err) = writeln!(stdout, "{}", server.bind_addr()).and_then(|()| stdout.flush()) {
        server.stop();
        return failure(&format!("cannot write the bound address to stdout: {err}"));
    }
    drop(stdout);
    let served = server.serve();
    if let Some(signal) = received.get() {
        // A signal that came before serve() started makes it return "not prepared": the
        // stop was still the one asked for.
        if let Err(err) = &served {
            tracing::debug!("serve() after {signal}: {err}");
        }
        let cut = server.http_server().requests_cut_at_stop();
        if cut > 0 {
            tracing::error!("stopped after {signal}, cutting {cut} request(s) in flight");
            return EXIT_FAILURE;
        }
        tracing::info!("stopped cleanly after {signal}");
        return EXIT_OK;
    }
    match served {
        Ok(()) => EXIT_OK,
        Err(err) => {
            server.stop();
            failure(&format!("the server failed: {err}"))
        }
    }
}

/// The TLS adapter the `--ssl-*` flags ask for, built (every file read and checked), or the
/// message for a usage error.
fn tls_adapter(tls: &TlsOptions) -> Result<Arc<dyn SslAdapter>, String> {
    let files = [
        ("--ssl-certificate", &tls.certificate),
        ("--ssl-private-key", &tls.private_key),
        ("--ssl-certificate-chain", &tls.certificate_chain),
    ];
    for (flag, path) in files {
        if let Some(path) = path {
            if !path.is_file() {
                return Err(format!(
                    "invalid value {:?} for {flag}: no such file",
                    path.display()
                ));
            }
        }
    }
    let (Some(certificate), Some(private_key)) = (&tls.certificate, &tls.private_key) else {
        // parse_args refuses every TLS flag without both files.
        return Err("--ssl-certificate and --ssl-private-key are both needed".to_owned());
    };
    // Without --ssl-adapter: rustls if built in, else OpenSSL if that is.
    let adapter = tls.adapter.unwrap_or_else(|| {
        if get_ssl_adapter_class(TlsBackend::Rustls.name()).is_err()
            && get_ssl_adapter_class(TlsBackend::Openssl.name()).is_ok()
        {
            TlsBackend::Openssl
        } else {
            TlsBackend::Rustls
        }
    });
    let kind = get_ssl_adapter_class(adapter.name()).map_err(|err| {
        format!(
            "invalid value {:?} for --ssl-adapter: {err}",
            adapter.name()
        )
    })?;
    let mut settings =
        TlsSettings::new(certificate, private_key).with_client_verify(match tls.client_verify {
            ClientVerify::None => cheroot::tls::ClientVerify::None,
            ClientVerify::Optional => cheroot::tls::ClientVerify::Optional,
            ClientVerify::Required => cheroot::tls::ClientVerify::Required,
        });
    if let Some(chain) = &tls.certificate_chain {
        settings = settings.with_certificate_chain(chain);
    }
    if let Some(ciphers) = &tls.ciphers {
        settings = settings.with_ciphers(ciphers.as_str());
    }
    kind.build(settings)
        .map_err(|err| format!("cannot set up TLS ({} adapter): {err}", kind.name()))
}
