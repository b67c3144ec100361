//! What the Python benchmark needs before it starts a server: its own virtualenv with the
//! test suite's pinned packages and the bench's, cheroot-rs built into it as a release wheel,
//! the Rust `cheroot` command as users run it (the `production` profile), and the 1 MiB file.

use std::path::{Path, PathBuf};

use super::apps::BIG_LEN;
use crate::cmd::Cmd;
use crate::dist::PROFILE;
use crate::python::Venv;

/// The bench's virtualenv. Not CI's `target/python-venv`: `cargo xtask ci` reinstalls the
/// dev build of cheroot-rs there, and once did so in the middle of a bench run, which then
/// measured the unoptimised build; granian and gunicorn stay out of CI's that way too.
const VENV: &str = "target/python-bench-venv";
/// The pinned packages: the test suite's (maturin, cheroot, Flask), then the bench's own
/// (granian, gunicorn).
const REQUIREMENTS: [&str; 2] = [
    "tests/python/requirements.txt",
    "bench/python/requirements.txt",
];
/// The file the `file` app serves.
const FILE: &str = "target/bench-python/file-1mib.txt";

/// Where everything the servers need is, as absolute paths (they run in bench/python).
#[derive(Debug, Clone)]
pub(crate) struct Tools {
    pub(crate) venv: PathBuf,
    pub(crate) python: PathBuf,
    pub(crate) venv_bin: PathBuf,
    /// The `cheroot` command (target/production/cheroot).
    pub(crate) cheroot: PathBuf,
    /// bench/python, where apps.py is.
    pub(crate) apps_dir: PathBuf,
    pub(crate) file: PathBuf,
}

/// Makes everything ready; with `no_build`, uses the wheel and binary already there.
pub(crate) fn prepare(root: &Path, no_build: bool) -> Result<Tools, String> {
    let venv = Venv::new(VENV);
    let tools = Tools {
        python: venv.python(),
        venv_bin: venv.bin(),
        venv: venv.dir().to_owned(),
        cheroot: crate::dist::command_binary(),
        apps_dir: root.join("bench").join("python"),
        file: root.join(FILE),
    };
    println!("bench: the virtualenv {VENV} (pinned packages)");
    venv.ensure(&REQUIREMENTS)?;
    if no_build {
        println!(
            "bench: --no-build: the installed cheroot_rs and {}",
            tools.cheroot.display()
        );
    } else {
        // The profile `pip install .` uses (pyproject.toml): what users run is what we measure.
        println!("bench: building cheroot-rs (the wheel's {PROFILE} profile)");
        venv.install_package(PROFILE)?;
        check_installed_build(root, &tools)?;
        crate::dist::build_command()?;
    }
    if !tools.cheroot.is_file() {
        return Err(format!(
            "no {}: run without --no-build",
            tools.cheroot.display()
        ));
    }
    Cmd::new(&tools.python)
        .args(["-c", "import cheroot_rs._native"])
        .read()
        .map_err(|e| format!("cheroot_rs is not installed in {VENV}: {e}"))?;
    write_file(&tools.file)?;
    Ok(tools)
}

/// Fails unless the extension module now installed is the one cargo just built in release
/// mode (maturin copies it into the wheel as it is), so the figures are never those of
/// another build.
fn check_installed_build(root: &Path, tools: &Tools) -> Result<(), String> {
    let built = root.join("target").join(PROFILE).join("lib_native.so");
    let installed = Cmd::new(&tools.python)
        .args(["-c", "import cheroot_rs._native as n; print(n.__file__)"])
        .read()?;
    let installed = installed.trim();
    let same = match (std::fs::read(&built), std::fs::read(installed)) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    };
    if same {
        Ok(())
    } else {
        Err(format!(
            "the installed {installed} is not the {PROFILE} build {}",
            built.display()
        ))
    }
}

/// Writes the 1 MiB file of `x` the `file` app serves (the check expects exactly that).
fn write_file(file: &Path) -> Result<(), String> {
    if let Some(dir) = file.parent() {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    std::fs::write(file, vec![b'x'; BIG_LEN]).map_err(|e| format!("{}: {e}", file.display()))
}

/// The versions that belong next to the figures: Python and every package under test.
pub(crate) fn versions(tools: &Tools) -> String {
    let script = "import importlib.metadata as m, platform\n\
                  names = ['cheroot-rs', 'granian', 'gunicorn', 'cheroot', 'Flask']\n\
                  print(', '.join(['Python ' + platform.python_version()] + \
                  [n + ' ' + m.version(n) for n in names]))";
    Cmd::new(&tools.python)
        .args(["-c", script])
        .read()
        .map(|s| s.trim().to_owned())
        .unwrap_or_else(|e| format!("unknown ({e})"))
}
