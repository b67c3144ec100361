//! `cargo xtask msrv`: checks the workspace with the toolchain of its declared `rust-version`,
//! so the promise in `Cargo.toml` is tested rather than assumed.
//!
//! Not part of `ci`: it needs that toolchain, which `rustup` fetches from the network the
//! first time. The command installs it (minimal profile) when it is missing.

use crate::cmd::Cmd;
use crate::manifest::{string_value, table_lines};

/// Runs `cargo +<rust-version> check --workspace --all-features --all-targets --locked`,
/// installing the toolchain with rustup first if needed.
pub(crate) fn run() -> Result<(), String> {
    let manifest = std::fs::read_to_string("Cargo.toml")
        .map_err(|e| format!("cannot read Cargo.toml: {e}"))?;
    let version =
        rust_version(&manifest).ok_or("Cargo.toml has no `rust-version` in [workspace.package]")?;
    let toolchain = format!("+{version}");
    if !Cmd::new("cargo").args([&toolchain, "--version"]).succeeds() {
        Cmd::new("rustup")
            .args(["toolchain", "install", version, "--profile", "minimal"])
            .run()
            .map_err(|e| format!("{e}; the MSRV check needs Rust {version}"))?;
    }
    // A target directory of its own: another compiler's artefacts would only be rebuilt.
    Cmd::new("cargo")
        .args([
            &toolchain,
            "check",
            "--workspace",
            "--all-features",
            "--all-targets",
            "--locked",
            "--exclude",
            crate::python::EXTENSION_CRATE,
        ])
        .env("CARGO_TARGET_DIR", format!("target/msrv-{version}"))
        .run()?;
    println!("msrv: the workspace builds with Rust {version}");
    Ok(())
}

/// `rust-version` from the `[workspace.package]` table.
fn rust_version(manifest: &str) -> Option<&str> {
    table_lines(manifest, "[workspace.package]")
        .into_iter()
        .find_map(|line| string_value(line, "rust-version"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_workspace_rust_version() {
        let manifest = "[workspace]\nmembers = []\n\n[workspace.package]\nedition = \"2024\"\nrust-version = \"1.85\"\n\n[workspace.dependencies]\n";
        assert_eq!(rust_version(manifest), Some("1.85"));
        assert_eq!(rust_version("[package]\nrust-version = \"1.70\"\n"), None);
    }
}
