//! The Python half: a virtualenv under `target/` with pinned packages, the `cheroot-rs` package
//! built into it by `pip install .` (maturin), clippy on the extension crate, and the pytest
//! suite in `tests/python/`, then cheroot's and CherryPy's own suites (`dropin.rs`).
//! `cargo xtask bench --python` makes its own virtualenv the same way.

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use crate::cmd::Cmd;
use crate::step::step;

/// The extension crate, kept out of the Rust steps (it needs a Python interpreter to build).
pub(crate) const EXTENSION_CRATE: &str = "cheroot-python";

/// CI's virtualenv, and what it holds.
const CI_VENV: &str = "target/python-venv";
const CI_REQUIREMENTS: &[&str] = &[
    "tests/python/requirements.txt",
    "tests/python/requirements-dropin.txt",
];

/// A virtualenv under the workspace root.
#[derive(Debug, Clone)]
pub(crate) struct Venv {
    dir: PathBuf,
}

impl Venv {
    /// The virtualenv at `dir`, relative to the workspace root.
    pub(crate) fn new(dir: &str) -> Self {
        Self {
            dir: crate::workspace::root().join(dir),
        }
    }

    /// Its directory.
    pub(crate) fn dir(&self) -> &Path {
        &self.dir
    }

    /// Its `bin` directory.
    pub(crate) fn bin(&self) -> PathBuf {
        self.dir.join("bin")
    }

    /// Its interpreter, as an absolute path (build scripts run elsewhere).
    pub(crate) fn python(&self) -> PathBuf {
        self.bin().join("python")
    }

    /// Creates the virtualenv (with `$CHEROOT_PYTHON`, else `python3`) and installs the pinned
    /// `requirements`, unless they are already installed (a copy of them in the virtualenv
    /// records what was).
    pub(crate) fn ensure(&self, requirements: &[&str]) -> Result<(), String> {
        if !self.python().is_file() {
            let base = std::env::var_os("CHEROOT_PYTHON").unwrap_or_else(|| "python3".into());
            Cmd::new(base)
                .args(["-m", "venv"])
                .args([&self.dir])
                .run()?;
        }
        let mut wanted = String::new();
        for file in requirements {
            wanted +=
                &std::fs::read_to_string(file).map_err(|e| format!("cannot read {file}: {e}"))?;
        }
        let stamp = self.dir.join("installed-requirements.txt");
        if std::fs::read_to_string(&stamp).ok().as_deref() == Some(wanted.as_str()) {
            return Ok(());
        }
        let mut pip = self.pip_install();
        for file in requirements {
            pip = pip.args(["-r", file]);
        }
        pip.run()?;
        std::fs::write(&stamp, wanted).map_err(|e| format!("cannot write {}: {e}", stamp.display()))
    }

    /// `pip install`, quietly, with the virtualenv's interpreter and its `bin` first on PATH
    /// (maturin's build hook runs the `maturin` program by name).
    pub(crate) fn pip_install(&self) -> Cmd {
        let mut path = OsString::from(self.bin());
        if let Some(rest) = std::env::var_os("PATH") {
            path.push(":");
            path.push(rest);
        }
        Cmd::new(self.python()).env("PATH", path).args([
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
        ])
    }

    /// Builds the package from this checkout into the virtualenv, as a user's `pip install .`
    /// does, with the virtualenv's pinned maturin and the cargo `profile` (`dev` for CI, so the
    /// build shares the test build's artifacts; `release` for benchmarks).
    pub(crate) fn install_package(&self, profile: &str) -> Result<(), String> {
        self.pip_install()
            .env("MATURIN_PEP517_ARGS", format!("--profile {profile}"))
            .args([
                "--no-build-isolation",
                "--no-deps",
                "--force-reinstall",
                ".",
            ])
            .run()
    }
}

/// The whole Python step of `cargo xtask ci`.
pub(crate) fn ci() -> Result<(), String> {
    let venv = Venv::new(CI_VENV);
    step("python: virtualenv", || venv.ensure(CI_REQUIREMENTS))?;
    step("python: clippy (extension)", || {
        Cmd::cargo()
            .env("PYO3_PYTHON", venv.python())
            .args(["clippy", "-p", EXTENSION_CRATE, "--all-targets", "--locked"])
            .args(["--", "-D", "warnings"])
            .run()
    })?;
    step("python: pip install .", || venv.install_package("dev"))?;
    step("python: pytest", || {
        Cmd::new(venv.python())
            .args([
                "-m",
                "pytest",
                "tests/python",
                "-q",
                "-p",
                "no:cacheprovider",
            ])
            .run()
    })?;
    step("python: drop-in suites (cheroot's and CherryPy's)", || {
        crate::dropin::run(&venv)
    })
}
