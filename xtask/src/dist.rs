//! `cargo xtask dist`: what a packager installs for the `cheroot` command, in `target/dist/`:
//! the binary (the `production` profile), its shell completions (bash, zsh, fish) and its man
//! page `cheroot.1`. [`build_command`] is also how the benchmarks get the command they measure,
//! so what they report is what users run.
//!
//! The completions and the man page are rendered from the command's own clap definition
//! (`cheroot_cli::command()`), so they list exactly the flags the binary takes; the generators
//! (`clap_complete`, `clap_mangen`) are dependencies of xtask only, never of the binary.

use std::path::{Path, PathBuf};

use clap_complete::Shell;

use crate::cmd::Cmd;

/// The binary's name, as installed.
const BIN: &str = "cheroot";

/// The shells completions are made for, with each one's file name.
const SHELLS: [(Shell, &str); 3] = [
    (Shell::Bash, "cheroot.bash"),
    (Shell::Zsh, "_cheroot"),
    (Shell::Fish, "cheroot.fish"),
];

/// The Cargo profile of the binary users run (`[profile.production]` in Cargo.toml).
pub(crate) const PROFILE: &str = "production";

/// Builds the binary and writes `target/dist/` (or `$CARGO_TARGET_DIR/dist/`).
pub(crate) fn run(args: &[String]) -> Result<(), String> {
    if let Some(arg) = args.first() {
        return Err(format!("`dist` takes no arguments, got `{arg}`"));
    }
    let binary = build_command()?;
    let dist = target_dir().join("dist");
    // Start empty, so nothing stale from an older run ships.
    if dist.exists() {
        std::fs::remove_dir_all(&dist)
            .map_err(|e| format!("cannot empty {}: {e}", dist.display()))?;
    }
    let completions = dist.join("completions");
    std::fs::create_dir_all(&completions)
        .map_err(|e| format!("cannot create {}: {e}", completions.display()))?;
    copy(&binary, &dist.join(BIN))?;
    for (shell, name) in SHELLS {
        write(&completions.join(name), &completion(shell))?;
    }
    write(&dist.join("cheroot.1"), &man_page()?)?;
    println!("wrote {}: {BIN}, cheroot.1, completions/", dist.display());
    Ok(())
}

/// Builds the `cheroot` command as users install it (default features, the `production`
/// profile); returns its path.
pub(crate) fn build_command() -> Result<PathBuf, String> {
    println!("xtask: building the cheroot command (profile {PROFILE}: fat LTO)");
    Cmd::cargo()
        .args([
            "build",
            "--profile",
            PROFILE,
            "--locked",
            "-p",
            "cheroot-cli",
        ])
        .args(["--bin", BIN])
        .run()?;
    Ok(command_binary())
}

/// Where [`build_command`] puts the command (built or not).
pub(crate) fn command_binary() -> PathBuf {
    target_dir().join(PROFILE).join(BIN)
}

/// `$CARGO_TARGET_DIR`, else the workspace's `target`.
fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map_or_else(|| crate::workspace::root().join("target"), PathBuf::from)
}

/// The completion script of `shell` for `cheroot`.
fn completion(shell: Shell) -> Vec<u8> {
    let mut command = cheroot_cli::command();
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut command, BIN, &mut out);
    out
}

/// The man page, in roff.
fn man_page() -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    clap_mangen::Man::new(cheroot_cli::command())
        .render(&mut out)
        .map_err(|e| format!("cannot render the man page: {e}"))?;
    Ok(out)
}

fn copy(from: &Path, to: &Path) -> Result<(), String> {
    std::fs::copy(from, to)
        .map(drop)
        .map_err(|e| format!("cannot copy {} to {}: {e}", from.display(), to.display()))
}

fn write(path: &Path, bytes: &[u8]) -> Result<(), String> {
    std::fs::write(path, bytes).map_err(|e| format!("cannot write {}: {e}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn completions_name_the_flags() {
        for (shell, _) in SHELLS {
            let script = String::from_utf8(completion(shell)).unwrap();
            assert!(script.contains("cheroot"), "{shell}");
            // fish spells flags without their dashes (`-l workers`).
            assert!(script.contains("workers"), "{shell}: {script}");
            assert!(script.contains("log-format"), "{shell}");
        }
        let bash = String::from_utf8(completion(Shell::Bash)).unwrap();
        assert!(bash.contains("--workers"), "{bash}");
        assert!(bash.contains("--version"), "{bash}");
    }

    #[test]
    fn the_man_page_has_every_flag_and_default() {
        let page = String::from_utf8(man_page().unwrap()).unwrap();
        assert!(page.starts_with(".ie \\n(.g .ds Aq"), "{page}");
        assert!(page.contains(".TH cheroot 1"), "{page}");
        // roff escapes the dashes: `\-\-bind`.
        for flag in ["bind", "workers", "log\\-level", "access\\-log"] {
            assert!(page.contains(&format!("\\-\\-{flag}")), "{flag}: {page}");
        }
        assert!(page.contains("[default: [::1]:8000]"), "{page}");
        assert!(page.contains("Exit status"), "{page}");
    }
}
