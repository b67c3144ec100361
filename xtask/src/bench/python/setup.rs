//! What the Python benchmark needs before it starts a server: the virtualenv of
//! `cargo xtask ci` with the bench's own pinned packages on top, cheroot-rs built into it as
//! a release wheel, the Rust `cheroot` command in release mode, and the 1 MiB file.

use std::path::{Path, PathBuf};

use super::apps::BIG_LEN;
use crate::cmd::Cmd;
use crate::python;

/// The bench's pinned packages (granian, gunicorn, maturin).
const REQUIREMENTS: &str = "bench/python/requirements.txt";
/// The file the `file` app serves.
const FILE: &str = "target/bench-python/file-1mib.txt";

/// Where everything the servers need is, as absolute paths (they run in bench/python).
#[derive(Debug, Clone)]
pub(crate) struct Tools {
    pub(crate) venv: PathBuf,
    pub(crate) python: PathBuf,
    pub(crate) venv_bin: PathBuf,
    /// target/release/cheroot.
    pub(crate) cheroot: PathBuf,
    /// bench/python, where apps.py is.
    pub(crate) apps_dir: PathBuf,
    pub(crate) file: PathBuf,
}

/// Makes everything ready; with `no_build`, uses the wheel and binary already there.
pub(crate) fn prepare(root: &Path, no_build: bool) -> Result<Tools, String> {
    let venv = root.join(python::VENV);
    let tools = Tools {
        python: venv.join("bin").join("python"),
        venv_bin: venv.join("bin"),
        venv,
        cheroot: root.join("target").join("release").join("cheroot"),
        apps_dir: root.join("bench").join("python"),
        file: root.join(FILE),
    };
    println!("bench: the virtualenv {} (pinned packages)", python::VENV);
    python::ensure_venv()?;
    install_requirements(&tools)?;
    if no_build {
        println!("bench: --no-build: the installed cheroot_rs and target/release/cheroot");
    } else {
        println!("bench: building cheroot-rs (release wheel) and cheroot (release)");
        install_release_wheel(&tools)?;
        Cmd::cargo()
            .args(["build", "--release", "--locked", "-p", "cheroot-cli"])
            // The wheel's feature set, so the command reuses the wheel's compiled crates.
            .args(["--bin", "cheroot", "--features", "openssl,cheroot/full"])
            .run()?;
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
        .map_err(|e| format!("cheroot_rs is not installed in {}: {e}", python::VENV))?;
    write_file(&tools.file)?;
    Ok(tools)
}

/// Installs bench/python/requirements.txt unless the copy kept in the virtualenv says it is
/// already (as `python::ensure_venv` does for the test requirements).
fn install_requirements(tools: &Tools) -> Result<(), String> {
    let wanted = std::fs::read_to_string(REQUIREMENTS)
        .map_err(|e| format!("cannot read {REQUIREMENTS}: {e}"))?;
    let stamp = tools.venv.join("installed-bench-requirements.txt");
    if std::fs::read_to_string(&stamp).ok().as_deref() == Some(wanted.as_str()) {
        return Ok(());
    }
    Cmd::new(&tools.python)
        .args([
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
        ])
        .args(["-r", REQUIREMENTS])
        .run()?;
    std::fs::write(&stamp, wanted).map_err(|e| format!("cannot write {}: {e}", stamp.display()))
}

/// `python::install_package("release")` with the virtualenv's bin directory first on PATH,
/// as an activated virtualenv has it: maturin's build backend runs the `maturin` executable
/// by name.
fn install_release_wheel(tools: &Tools) -> Result<(), String> {
    let old = std::env::var_os("PATH").unwrap_or_default();
    let path = std::env::join_paths(
        std::iter::once(tools.venv_bin.clone()).chain(std::env::split_paths(&old)),
    )
    .map_err(|e| format!("cannot build PATH: {e}"))?;
    Cmd::new(&tools.python)
        .env("PATH", path)
        .env("VIRTUAL_ENV", tools.venv.clone())
        .env("MATURIN_PEP517_ARGS", "--profile release")
        .args([
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
        ])
        .args([
            "--no-build-isolation",
            "--no-deps",
            "--force-reinstall",
            ".",
        ])
        .run()
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
