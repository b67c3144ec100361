//! Which features each library crate declares, read from the `[features]` table of its manifest.

use crate::manifest::{string_value, table_lines};
use crate::workspace;

/// A crate and the features it declares (`default` excluded).
#[derive(Debug)]
pub(crate) struct CrateFeatures {
    pub(crate) name: String,
    pub(crate) features: Vec<String>,
}

/// The crates under `crates/` that declare at least one feature besides `default`.
pub(crate) fn crates_with_features() -> Result<Vec<CrateFeatures>, String> {
    let mut all = member_crates()?;
    all.retain(|krate| !krate.features.is_empty());
    Ok(all)
}

/// Every crate under `crates/`, with the features it declares (maybe none).
pub(crate) fn member_crates() -> Result<Vec<CrateFeatures>, String> {
    let mut out = Vec::new();
    for dir in workspace::member_crates()? {
        let path = dir.join("Cargo.toml");
        let manifest = std::fs::read_to_string(&path)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        let name = package_name(&manifest)
            .ok_or_else(|| format!("{}: no [package] name", path.display()))?;
        let features = declared_features(&manifest);
        out.push(CrateFeatures { name, features });
    }
    Ok(out)
}

fn package_name(manifest: &str) -> Option<String> {
    table_lines(manifest, "[package]")
        .into_iter()
        .find_map(|line| string_value(line, "name"))
        .map(str::to_owned)
}

/// Feature names: the keys of `[features]`. Lines inside a multi-line array are not keys, so
/// the bracket depth is tracked (feature values never contain brackets inside their strings).
fn declared_features(manifest: &str) -> Vec<String> {
    let mut features = Vec::new();
    let mut depth = 0i32;
    for line in table_lines(manifest, "[features]") {
        let code = line.split('#').next().unwrap_or("");
        if depth == 0 {
            if let Some((key, _)) = code.split_once('=') {
                let key = key.trim().trim_matches('"');
                if key != "default" && !key.is_empty() {
                    features.push(key.to_owned());
                }
            }
        }
        depth += code.matches('[').count() as i32 - code.matches(']').count() as i32;
    }
    features
}

#[cfg(test)]
mod tests {
    use super::*;

    const MANIFEST: &str = r#"
[package]
name = "cheroot-tls"
version.workspace = true

[dependencies]
rustls = { workspace = true, optional = true }

[features]
default = []
# Backends.
rustls = ["dep:rustls"]
openssl = [
    "dep:openssl",
    "dep:tokio-openssl",
]
"full" = ["rustls", "openssl"]

[lints]
workspace = true
"#;

    #[test]
    fn reads_name_and_features() {
        assert_eq!(package_name(MANIFEST).as_deref(), Some("cheroot-tls"));
        assert_eq!(declared_features(MANIFEST), ["rustls", "openssl", "full"]);
    }

    #[test]
    fn no_features_table_means_no_features() {
        assert!(declared_features("[package]\nname = \"x\"\n").is_empty());
    }
}
