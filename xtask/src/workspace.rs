//! Where the workspace is on disk and which crates it holds.

use std::path::{Path, PathBuf};

/// The workspace root: the parent of this crate's manifest directory.
pub(crate) fn root() -> PathBuf {
    let manifest_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest_dir.parent().unwrap_or(manifest_dir).to_path_buf()
}

/// Makes the workspace root the current directory, so every path below is relative to it.
pub(crate) fn enter_root() -> Result<(), String> {
    let root = root();
    std::env::set_current_dir(&root).map_err(|e| format!("cannot enter {}: {e}", root.display()))
}

/// The library crates: every directory under `crates/` with a `Cargo.toml`, sorted by name.
pub(crate) fn member_crates() -> Result<Vec<PathBuf>, String> {
    let entries = std::fs::read_dir("crates").map_err(|e| format!("cannot list crates/: {e}"))?;
    let mut dirs = Vec::new();
    for entry in entries {
        let path = entry
            .map_err(|e| format!("cannot list crates/: {e}"))?
            .path();
        if path.join("Cargo.toml").is_file() {
            dirs.push(path);
        }
    }
    dirs.sort();
    Ok(dirs)
}
