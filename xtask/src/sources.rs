//! Finding the project's own Rust files, skipping build output and fuzzing data.

use std::path::{Path, PathBuf};

/// Directory names never searched: build output, fuzzing corpora and crash artifacts, VCS data.
fn is_skipped_dir(name: &str) -> bool {
    name.starts_with('.')
        || name == "target"
        || name.starts_with("target-")
        || matches!(name, "corpus" | "artifacts" | "coverage")
}

/// Every `.rs` file under the given directories (those that exist), sorted.
pub(crate) fn rust_files(roots: &[&str]) -> Result<Vec<PathBuf>, String> {
    files_with(roots, |path| path.extension().is_some_and(|e| e == "rs"))
}

/// Every file under the given directories (those that exist) that `keep` accepts, sorted.
pub(crate) fn files_with(
    roots: &[&str],
    keep: impl Fn(&Path) -> bool,
) -> Result<Vec<PathBuf>, String> {
    let mut found = Vec::new();
    let mut pending: Vec<PathBuf> = roots
        .iter()
        .map(PathBuf::from)
        .filter(|p| p.is_dir())
        .collect();
    while let Some(dir) = pending.pop() {
        let entries =
            std::fs::read_dir(&dir).map_err(|e| format!("cannot list {}: {e}", dir.display()))?;
        for entry in entries {
            let entry = entry.map_err(|e| format!("cannot list {}: {e}", dir.display()))?;
            let path = entry.path();
            let file_type = entry
                .file_type()
                .map_err(|e| format!("cannot stat {}: {e}", path.display()))?;
            let name = entry.file_name();
            if file_type.is_dir() {
                if !is_skipped_dir(&name.to_string_lossy()) {
                    pending.push(path);
                }
            } else if file_type.is_file() && keep(&path) {
                found.push(path);
            }
        }
    }
    found.sort();
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn build_output_and_fuzz_data_are_skipped() {
        for name in [
            ".git",
            "target",
            "target-foundation",
            "corpus",
            "artifacts",
            "coverage",
        ] {
            assert!(is_skipped_dir(name), "{name}");
        }
        for name in ["src", "tests", "fuzz_targets", "it", "targets"] {
            assert!(!is_skipped_dir(name), "{name}");
        }
    }
}
