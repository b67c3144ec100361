//! The hand-written argument parser: `--flag value`, `--flag=value`, switches, `--`, one APP.

use std::ffi::OsString;
use std::fmt;

use cheroot::BindAddr;

use crate::app_spec::{AppSpec, BuiltinApp};
use crate::flags;
use crate::options::Options;

/// What a command line asks for.
#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    /// Serve an application.
    Run(Box<Options>),
    /// `-h` / `--help`: print the help.
    Help,
    /// `--version`: print the version.
    Version,
}

/// A command line that cannot be obeyed; the message names the flag and the value at fault.
/// The command exits with status 2 on one, as argparse does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UsageError {
    message: String,
}

impl UsageError {
    pub(crate) fn new(message: String) -> Self {
        Self { message }
    }

    /// The message, without the program name.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for UsageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for UsageError {}

/// Parses the arguments after the program name.
///
/// `-h`/`--help` and `--version` win wherever they are (outside a flag's value). A flag's value is the text
/// after `=` or the next argument, taken as is (so `--max-threads -1` works). `--` ends the
/// flags. Exactly one APP is required.
///
/// # Errors
///
/// An unknown flag, a missing or invalid value, a switch given a value, a missing or extra
/// APP, or flags that contradict each other.
pub fn parse_args<I, S>(args: I) -> Result<Command, UsageError>
where
    I: IntoIterator<Item = S>,
    S: Into<OsString>,
{
    // The app is set last; this placeholder never escapes.
    let mut options = Options::new(AppSpec::Builtin(BuiltinApp::Echo));
    let mut positionals = Vec::new();
    let mut only_positionals = false;
    // The first error is reported only once the whole line is read, so that `--help`
    // anywhere still prints the help.
    let mut first_error: Option<UsageError> = None;
    let mut fail = |err: UsageError| {
        first_error.get_or_insert(err);
    };
    let mut args = args.into_iter().map(Into::into);
    while let Some(arg) = args.next() {
        let arg = match utf8(arg) {
            Ok(arg) => arg,
            Err(err) => {
                fail(err);
                continue;
            }
        };
        if only_positionals || arg == "-" || !arg.starts_with('-') {
            positionals.push(arg);
            continue;
        }
        match arg.as_str() {
            "--" => {
                only_positionals = true;
                continue;
            }
            "-h" | "--help" => return Ok(Command::Help),
            "--version" => return Ok(Command::Version),
            _ => {}
        }
        let (name, inline) = match arg.split_once('=') {
            Some((name, value)) if name.starts_with("--") => (name, Some(value.to_owned())),
            _ => (arg.as_str(), None),
        };
        let Some(flag) = flags::find(name) else {
            fail(UsageError::new(format!(
                "unknown option {name:?} (see --help)"
            )));
            continue;
        };
        let value = match (flag.metavar, inline) {
            (None, None) => String::new(),
            (None, Some(_)) => {
                fail(UsageError::new(format!("option {name} takes no value")));
                continue;
            }
            (Some(_), Some(value)) => value,
            (Some(metavar), None) => match args.next().map(utf8) {
                Some(Ok(value)) => value,
                Some(Err(err)) => {
                    fail(err);
                    continue;
                }
                None => {
                    fail(UsageError::new(format!(
                        "option {name} needs a value ({metavar})"
                    )));
                    continue;
                }
            },
        };
        if let Err(expected) = (flag.apply)(&mut options, &value) {
            fail(UsageError::new(format!(
                "invalid value {value:?} for {name}: {expected}"
            )));
        }
    }
    if let Some(err) = first_error {
        return Err(err);
    }
    let mut positionals = positionals.into_iter();
    let Some(app) = positionals.next() else {
        return Err(UsageError::new(
            "missing APP: name the application to serve, e.g. builtin:echo".to_owned(),
        ));
    };
    if let Some(extra) = positionals.next() {
        return Err(UsageError::new(format!(
            "unexpected argument {extra:?}: only one APP may be given"
        )));
    }
    options.app = AppSpec::parse(&app).map_err(|err| UsageError::new(err.to_string()))?;
    check_consistency(&options)?;
    Ok(Command::Run(Box::new(options)))
}

/// Refuses flag combinations that cannot work, naming the flags.
fn check_consistency(options: &Options) -> Result<(), UsageError> {
    let fail = |message: String| Err(UsageError::new(message));
    if let Some(Some(max)) = options.max_threads {
        if max < options.threads {
            return fail(format!(
                "--max-threads {max} is below --threads {}: the maximum must be at least the \
                 minimum (or -1 for no cap)",
                options.threads
            ));
        }
    }
    if options.reuse_port {
        match &options.bind {
            BindAddr::Tcp { port: 0, .. } => {
                return fail(format!(
                    "--reuse-port cannot share an ephemeral port: --bind {} has port 0",
                    options.bind
                ));
            }
            BindAddr::Tcp { .. } => {}
            _ => {
                return fail(format!(
                    "--reuse-port needs a TCP address, not --bind {}",
                    options.bind
                ));
            }
        }
    }
    if options.stats_bind.is_some() && options.stats_path.is_none() {
        return fail("--stats-bind needs --stats-path (the page's URL path)".to_owned());
    }
    if options.max_requests_jitter > 0 && options.max_requests.is_none() {
        return fail("--max-requests-jitter needs --max-requests".to_owned());
    }
    if options.stats_bind.is_some() && options.stats_bind.as_ref() == Some(&options.bind) {
        return fail(format!(
            "--stats-bind {} is the --bind address: give the statistics an address of their \
             own, or leave --stats-bind out to serve them with the app",
            options.bind
        ));
    }
    let tls = &options.tls;
    match (&tls.certificate, &tls.private_key) {
        (Some(_), None) => return fail("--ssl-certificate needs --ssl-private-key".to_owned()),
        (None, Some(_)) => return fail("--ssl-private-key needs --ssl-certificate".to_owned()),
        (None, None) if tls.requested() => {
            let flag = if tls.adapter.is_some() {
                "--ssl-adapter"
            } else if tls.certificate_chain.is_some() {
                "--ssl-certificate-chain"
            } else if tls.ciphers.is_some() {
                "--ssl-ciphers"
            } else if tls.private_key_password_file.is_some() {
                "--ssl-private-key-password-file"
            } else {
                "--ssl-client-verify"
            };
            return fail(format!(
                "{flag} needs --ssl-certificate and --ssl-private-key"
            ));
        }
        _ => {}
    }
    Ok(())
}

fn utf8(arg: OsString) -> Result<String, UsageError> {
    arg.into_string().map_err(|arg| {
        UsageError::new(format!(
            "argument {:?} is not valid UTF-8",
            arg.to_string_lossy()
        ))
    })
}
