//! The Python half: a virtualenv under `target/` with the pinned packages of
//! `tests/python/requirements.txt`, the `cheroot-rs` package built into it by `pip install .`
//! (maturin), clippy on the extension crate, and the pytest suite in `tests/python/`.

use std::path::{Path, PathBuf};

use crate::cmd::Cmd;
use crate::step::step;

/// The extension crate, kept out of the Rust steps (it needs a Python interpreter to build).
pub(crate) const EXTENSION_CRATE: &str = "cheroot-python";

/// Where the virtualenv lives.
pub(crate) const VENV: &str = "target/python-venv";

const REQUIREMENTS: &str = "tests/python/requirements.txt";

/// The interpreter that makes the virtualenv: `$CHEROOT_PYTHON`, else `python3`.
fn base_python() -> std::ffi::OsString {
    std::env::var_os("CHEROOT_PYTHON").unwrap_or_else(|| "python3".into())
}

/// The virtualenv's interpreter, as an absolute path (build scripts run elsewhere).
pub(crate) fn venv_python() -> PathBuf {
    crate::workspace::root()
        .join(VENV)
        .join("bin")
        .join("python")
}

/// Creates the virtualenv and installs the pinned requirements, unless they are already
/// installed (a copy of the requirements file in the virtualenv records what was).
pub(crate) fn ensure_venv() -> Result<(), String> {
    if !venv_python().is_file() {
        Cmd::new(base_python()).args(["-m", "venv", VENV]).run()?;
    }
    let wanted = std::fs::read_to_string(REQUIREMENTS)
        .map_err(|e| format!("cannot read {REQUIREMENTS}: {e}"))?;
    let stamp = Path::new(VENV).join("installed-requirements.txt");
    if std::fs::read_to_string(&stamp).ok().as_deref() == Some(wanted.as_str()) {
        return Ok(());
    }
    pip_install().args(["-r", REQUIREMENTS]).run()?;
    std::fs::write(&stamp, wanted).map_err(|e| format!("cannot write {}: {e}", stamp.display()))
}

/// `pip install`, quietly, with the virtualenv's interpreter.
pub(crate) fn pip_install() -> Cmd {
    Cmd::new(venv_python()).args([
        "-m",
        "pip",
        "install",
        "--quiet",
        "--disable-pip-version-check",
    ])
}

/// Builds the package from this checkout into the virtualenv, as a user's `pip install .`
/// does (with the pinned maturin, and the dev profile so the build shares the test build's
/// artifacts; `cargo xtask bench --python` builds its own release wheel).
pub(crate) fn install_package(profile: &str) -> Result<(), String> {
    // maturin's build hook runs the `maturin` program: the virtualenv's, found on PATH.
    let venv_bin = crate::workspace::root().join(VENV).join("bin");
    let mut path = std::ffi::OsString::from(venv_bin);
    if let Some(rest) = std::env::var_os("PATH") {
        path.push(":");
        path.push(rest);
    }
    pip_install()
        .env("PATH", path)
        .env("MATURIN_PEP517_ARGS", format!("--profile {profile}"))
        .args([
            "--no-build-isolation",
            "--no-deps",
            "--force-reinstall",
            ".",
        ])
        .run()
}

/// The whole Python step of `cargo xtask ci`.
pub(crate) fn ci() -> Result<(), String> {
    step("python: virtualenv", ensure_venv)?;
    step("python: clippy (extension)", || {
        Cmd::cargo()
            .env("PYO3_PYTHON", venv_python())
            .args(["clippy", "-p", EXTENSION_CRATE, "--all-targets", "--locked"])
            .args(["--", "-D", "warnings"])
            .run()
    })?;
    step("python: pip install .", || install_package("dev"))?;
    step("python: pytest", || {
        Cmd::new(venv_python())
            .args([
                "-m",
                "pytest",
                "tests/python",
                "-q",
                "-p",
                "no:cacheprovider",
            ])
            .run()
    })
}
