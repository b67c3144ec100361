//! Running a parsed command line: logging, working directory, the application, the server,
//! signals, and the exit status.

use std::ffi::OsString;
use std::io::Write as _;
use std::process::ExitCode;
use std::sync::Arc;

use cheroot::wsgi::WsgiApp;
use cheroot_supervisor::{ForkHooks, NoHooks};

use crate::app_spec::AppSpec;
use crate::args::{Command, parse_args};
use crate::help::{help_text, version_text};
use crate::python_front;
use crate::serve::serve;

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

    /// What surrounds each fork of a worker process (an interpreter's own fork hooks); the
    /// default is a plain fork.
    fn fork_hooks(&self) -> &dyn ForkHooks {
        &NoHooks
    }
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

pub(crate) fn usage_error(message: &str) -> u8 {
    eprintln!("cheroot: error: {message}\nTry 'cheroot --help' for more information.");
    EXIT_USAGE
}

pub(crate) fn failure(message: &str) -> u8 {
    eprintln!("cheroot: error: {message}");
    EXIT_FAILURE
}
