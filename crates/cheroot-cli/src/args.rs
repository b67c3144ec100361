//! Parsing the command line: clap reads it with the flag table (`flags.rs`), and its errors are
//! turned into cheroot's sentences, which name the flag and the value.

use std::ffi::OsString;
use std::fmt;

use cheroot::BindAddr;
use clap::error::{ContextKind, ContextValue, ErrorKind};
use clap::{Arg, FromArgMatches as _};

use crate::flags::Cli;
use crate::options::Options;

/// What a command line asks for.
#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    /// Serve an application.
    Run(Box<Options>),
    /// `-h` / `--help`: print the help.
    Help,
    /// `-V` / `--version`: print the version.
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
/// `-h`/`--help` and `-V`/`--version` win wherever they are (outside a flag's value), even
/// after a bad value. A flag's value is the text after `=` or the next argument, taken as is
/// (so `--max-threads -1` works); the last one given wins. `--` ends the flags. Exactly one
/// APP is required.
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
    let args: Vec<OsString> = args.into_iter().map(Into::into).collect();
    let command = crate::help::command().no_binary_name(true);
    let matches = match command.clone().try_get_matches_from(&args) {
        Ok(matches) => matches,
        Err(err) => {
            return match err.kind() {
                ErrorKind::DisplayHelp => Ok(Command::Help),
                ErrorKind::DisplayVersion => Ok(Command::Version),
                // clap stops at the first error; the help asked for later still wins.
                _ => match asks_for_help(&args, &command) {
                    Some(asked) => Ok(asked),
                    None => Err(usage_error(&err, &command)),
                },
            };
        }
    };
    let cli = Cli::from_arg_matches(&matches).map_err(|err| usage_error(&err, &command))?;
    let options = cli.into_options().map_err(UsageError::new)?;
    check_consistency(&options)?;
    Ok(Command::Run(Box::new(options)))
}

/// `-h`/`--help` or `-V`/`--version` on the line, outside a flag's value and before `--`:
/// the first one, as clap would have answered had no error come before it.
fn asks_for_help(args: &[OsString], command: &clap::Command) -> Option<Command> {
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        let Some(arg) = arg.to_str() else { continue };
        match arg {
            "--" => return None,
            "-h" | "--help" => return Some(Command::Help),
            "-V" | "--version" => return Some(Command::Version),
            _ => {}
        }
        if let Some(name) = arg.strip_prefix("--") {
            if !name.contains('=') && find(command, name).is_some_and(takes_value) {
                // Its value, whatever it looks like.
                args.next();
            }
        }
    }
    None
}

/// The flag `--name`.
fn find<'a>(command: &'a clap::Command, name: &str) -> Option<&'a Arg> {
    command
        .get_arguments()
        .find(|arg| arg.get_long() == Some(name))
}

fn takes_value(arg: &Arg) -> bool {
    arg.get_action().takes_values()
}

/// clap's error as cheroot's sentence, naming the flag and the value.
fn usage_error(err: &clap::Error, command: &clap::Command) -> UsageError {
    let context = |kind| match err.get(kind) {
        Some(ContextValue::String(text)) => text.clone(),
        _ => String::new(),
    };
    // clap names the flag as in the usage (`--threads <INT>`, `--frobnicate=1`).
    let arg = context(ContextKind::InvalidArg);
    let flag = arg.split([' ', '=']).next().unwrap_or_default().to_owned();
    let message = match err.kind() {
        ErrorKind::ValueValidation => {
            let value = context(ContextKind::InvalidValue);
            let expected = std::error::Error::source(err)
                .map(ToString::to_string)
                .unwrap_or_default();
            format!("invalid value {value:?} for {flag}: {expected}")
        }
        ErrorKind::UnknownArgument if arg.starts_with('-') => {
            format!("unknown option {flag:?} (see --help)")
        }
        ErrorKind::UnknownArgument => {
            format!("unexpected argument {arg:?}: only one APP may be given")
        }
        ErrorKind::InvalidValue | ErrorKind::NoEquals => {
            let metavar = flag
                .strip_prefix("--")
                .and_then(|name| find(command, name))
                .and_then(|arg| arg.get_value_names())
                .and_then(|names| names.first())
                .map_or_else(|| "VALUE".to_owned(), ToString::to_string);
            format!("option {flag} needs a value ({metavar})")
        }
        // `--reuse-port=yes`.
        ErrorKind::TooManyValues => format!("option {flag} takes no value"),
        ErrorKind::MissingRequiredArgument => {
            "missing APP: name the application to serve, e.g. builtin:echo".to_owned()
        }
        ErrorKind::InvalidUtf8 => "an argument is not valid UTF-8".to_owned(),
        // Anything else clap finds: its own sentence, without its "error: " prefix.
        _ => {
            let text = err.render().to_string();
            let text = text.trim_start_matches("error: ");
            text.lines().next().unwrap_or_default().to_owned()
        }
    };
    UsageError::new(message)
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
