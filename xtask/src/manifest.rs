//! Reading a Cargo manifest line by line: just the tables and `key = "string"` values xtask needs.

/// The lines of the TOML table `[header]`, up to the next table header.
pub(crate) fn table_lines<'a>(manifest: &'a str, header: &str) -> Vec<&'a str> {
    let mut lines = manifest.lines().map(str::trim);
    let mut found = Vec::new();
    if lines.by_ref().any(|line| line == header) {
        found.extend(lines.take_while(|line| !line.starts_with('[')));
    }
    found
}

/// The value of a `key = "string"` line, if `line` is one.
pub(crate) fn string_value<'a>(line: &'a str, key: &str) -> Option<&'a str> {
    let rest = line
        .strip_prefix(key)?
        .trim_start()
        .strip_prefix('=')?
        .trim();
    rest.strip_prefix('"')?.split('"').next()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables() {
        let manifest = "[package]\nname = \"x\"\n\n[features]\na = []\n[lints]\n";
        assert_eq!(table_lines(manifest, "[features]"), ["a = []"]);
        assert_eq!(table_lines(manifest, "[package]"), ["name = \"x\"", ""]);
        assert!(table_lines(manifest, "[dependencies]").is_empty());
    }

    #[test]
    fn string_values() {
        assert_eq!(
            string_value(r#"version = "0.1.0""#, "version"),
            Some("0.1.0")
        );
        assert_eq!(string_value(r#"version.workspace = true"#, "version"), None);
        assert_eq!(string_value(r#"versions = "1""#, "version"), None);
    }
}
