//! Hosted applications from the Rust command: `cheroot module:callable` hands its whole
//! command line to the Python front (`PYTHON -m cheroot_rs`, from the `cheroot-rs` package),
//! which parses it with this same crate and serves the app on the same server.

use std::ffi::{OsStr, OsString};
use std::os::unix::process::CommandExt as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;

use cheroot::wsgi::WsgiApp;

use crate::options::Options;
use crate::run::AppLoader;

/// The loader of the Rust command, which never loads in-process: hosted applications go to
/// the Python front before a loader is asked.
pub(crate) struct NoLoader;

impl AppLoader for NoLoader {
    fn load(&self, _module: &str, _callable: &str) -> Result<Arc<dyn WsgiApp>, String> {
        Err("hosted applications are served by the Python front (python -m cheroot_rs)".into())
    }
}

/// The interpreter that hosts the app: `--python`, else the active virtualenv's, else
/// `python3` from `PATH`.
pub(crate) fn interpreter(python: Option<&Path>, virtual_env: Option<&OsStr>) -> PathBuf {
    match (python, virtual_env) {
        (Some(python), _) => python.to_owned(),
        (None, Some(venv)) if !venv.is_empty() => Path::new(venv).join("bin").join("python"),
        _ => PathBuf::from("python3"),
    }
}

/// Replaces this process with `PYTHON -m cheroot_rs ARGS...`; returns the message to print
/// when that cannot happen (no such interpreter, or no `cheroot_rs` in it).
pub(crate) fn exec(options: &Options, args: &[OsString]) -> String {
    let python = interpreter(
        options.python.as_deref(),
        std::env::var_os("VIRTUAL_ENV").as_deref(),
    );
    let shown = python.display();
    let probe = Command::new(&python)
        .args(["-c", "import cheroot_rs"])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();
    match probe {
        Err(err) => {
            return format!(
                "cannot serve {}: cannot run the Python interpreter {shown}: {err} (choose one \
                 with --python)",
                options.app
            );
        }
        Ok(status) if !status.success() => {
            return format!(
                "cannot serve {}: the Python interpreter {shown} has no cheroot_rs package; \
                 install it there (`{shown} -m pip install cheroot-rs`, or `pip install .` \
                 from a checkout) or choose another interpreter with --python",
                options.app
            );
        }
        Ok(_) => {}
    }
    let err = Command::new(&python)
        .args(["-m", "cheroot_rs"])
        .args(args)
        .exec();
    format!(
        "cannot serve {}: cannot start {shown} -m cheroot_rs: {err}",
        options.app
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn picks_the_interpreter_by_flag_then_virtualenv_then_path() {
        let flag = Path::new("/opt/py/bin/python3.11");
        let venv = OsStr::new("/srv/app/.venv");
        assert_eq!(interpreter(Some(flag), Some(venv)), flag);
        assert_eq!(
            interpreter(None, Some(venv)),
            Path::new("/srv/app/.venv/bin/python")
        );
        assert_eq!(
            interpreter(None, Some(OsStr::new(""))),
            Path::new("python3")
        );
        assert_eq!(interpreter(None, None), Path::new("python3"));
    }
}
