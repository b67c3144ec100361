//! `cargo xtask release`: the next version, a changelog entry for it, and a `cargo package`
//! check; without `--dry-run`, the version and changelog rewrite on a clean tree.

use std::fmt;

use crate::cmd::Cmd;
use crate::manifest::{string_value, table_lines};
use crate::step::step;

const MANIFEST: &str = "Cargo.toml";
const CHANGELOG: &str = "CHANGELOG.md";
const UNRELEASED: &str = "## Unreleased";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Bump {
    Patch,
    Minor,
    Major,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Version {
    major: u64,
    minor: u64,
    patch: u64,
}

impl Version {
    fn parse(text: &str) -> Result<Self, String> {
        let parts: Vec<&str> = text.split('.').collect();
        let number = |s: &str| {
            s.parse::<u64>()
                .map_err(|_| format!("version `{text}` is not MAJOR.MINOR.PATCH"))
        };
        match parts.as_slice() {
            [major, minor, patch] => Ok(Self {
                major: number(major)?,
                minor: number(minor)?,
                patch: number(patch)?,
            }),
            _ => Err(format!("version `{text}` is not MAJOR.MINOR.PATCH")),
        }
    }

    fn bump(self, bump: Bump) -> Self {
        match bump {
            Bump::Patch => Self {
                patch: self.patch + 1,
                ..self
            },
            Bump::Minor => Self {
                minor: self.minor + 1,
                patch: 0,
                ..self
            },
            Bump::Major => Self {
                major: self.major + 1,
                minor: 0,
                patch: 0,
            },
        }
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}.{}", self.major, self.minor, self.patch)
    }
}

fn parse_args(args: &[String]) -> Result<(bool, Bump), String> {
    let mut dry_run = false;
    let mut bump = Bump::Patch;
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--dry-run" => dry_run = true,
            "--bump" => {
                bump = match args.next().map(String::as_str) {
                    Some("patch") => Bump::Patch,
                    Some("minor") => Bump::Minor,
                    Some("major") => Bump::Major,
                    other => return Err(format!("--bump needs patch|minor|major, got {other:?}")),
                }
            }
            other => return Err(format!("unknown argument `{other}`")),
        }
    }
    Ok((dry_run, bump))
}

/// The `version` of `[workspace.package]` in the root manifest.
fn workspace_version(manifest: &str) -> Result<Version, String> {
    let text = table_lines(manifest, "[workspace.package]")
        .into_iter()
        .find_map(|line| string_value(line, "version"))
        .ok_or("no version in [workspace.package] of Cargo.toml")?;
    Version::parse(text)
}

/// Whether the changelog has a heading for `version` or an `## Unreleased` section.
fn changelog_has_entry(changelog: &str, version: Version) -> bool {
    let wanted = version.to_string();
    changelog.lines().any(|line| {
        let Some(title) = line.strip_prefix("## ") else {
            return false;
        };
        let title = title.trim();
        title.eq_ignore_ascii_case("Unreleased")
            || title.trim_start_matches('[').starts_with(&wanted)
                && !title
                    .trim_start_matches('[')
                    .as_bytes()
                    .get(wanted.len())
                    .is_some_and(u8::is_ascii_digit)
    })
}

/// The manifest with `old` replaced by `new` in `[workspace.package]` and in the `version` of
/// every path dependency of `[workspace.dependencies]` (our own crates).
fn bump_manifest(manifest: &str, old: Version, new: Version) -> String {
    let old_field = format!("version = \"{old}\"");
    let new_field = format!("version = \"{new}\"");
    let mut table = "";
    let mut out = String::with_capacity(manifest.len());
    for line in manifest.split_inclusive('\n') {
        let trimmed = line.trim();
        if trimmed.starts_with('[') {
            table = trimmed;
        }
        let ours = match table {
            "[workspace.package]" => trimmed.starts_with("version"),
            "[workspace.dependencies]" => trimmed.contains("path = \"crates/"),
            _ => false,
        };
        if ours {
            out.push_str(&line.replacen(&old_field, &new_field, 1));
        } else {
            out.push_str(line);
        }
    }
    out
}

/// The changelog with `## Unreleased` renamed to the release and a fresh, empty one above it.
fn bump_changelog(changelog: &str, new: Version, date: &str) -> String {
    let heading = format!("{UNRELEASED}\n\n## {new} ({date})");
    changelog.replacen(UNRELEASED, &heading, 1)
}

/// Today's date in UTC as YYYY-MM-DD (days-to-civil conversion, to keep xtask dependency-free).
fn today() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    civil_date(secs / 86_400)
}

fn civil_date(days_since_epoch: u64) -> String {
    // Howard Hinnant's `civil_from_days`, for dates after 1970.
    let z = days_since_epoch + 719_468;
    let era = z / 146_097;
    let doe = z % 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + u64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

fn read(path: &str) -> Result<String, String> {
    std::fs::read_to_string(path).map_err(|e| format!("cannot read {path}: {e}"))
}

fn write(path: &str, text: &str) -> Result<(), String> {
    std::fs::write(path, text).map_err(|e| format!("cannot write {path}: {e}"))
}

/// `cargo xtask release [--dry-run] [--bump patch|minor|major]`.
pub(crate) fn run(args: &[String]) -> Result<(), String> {
    let (dry_run, bump) = parse_args(args)?;
    let manifest = read(MANIFEST)?;
    let changelog = read(CHANGELOG)?;
    let current = workspace_version(&manifest)?;
    let next = current.bump(bump);
    println!("release: {current} -> {next}");

    step("changelog entry", || {
        if changelog_has_entry(&changelog, next) {
            Ok(())
        } else {
            Err(format!(
                "{CHANGELOG} has neither `## {next}` nor `{UNRELEASED}`"
            ))
        }
    })?;
    step("cargo package", || {
        Cmd::cargo()
            .args(["package", "--workspace", "--exclude", "xtask"])
            .args(["--exclude", crate::python::EXTENSION_CRATE])
            .args(["--no-verify", "--allow-dirty", "--locked"])
            .run()
    })?;

    if dry_run {
        println!("release: dry run passed; run without --dry-run to write {next}");
        return Ok(());
    }

    step("clean tree", || {
        let status = Cmd::new("git").args(["status", "--porcelain"]).read()?;
        if status.trim().is_empty() {
            Ok(())
        } else {
            Err(format!("commit or stash these first:\n{status}"))
        }
    })?;
    step("rewrite versions", || {
        write(MANIFEST, &bump_manifest(&manifest, current, next))?;
        if changelog.contains(UNRELEASED) {
            write(CHANGELOG, &bump_changelog(&changelog, next, &today()))?;
        }
        // Records the new versions of our own crates in Cargo.lock; no network needed.
        Cmd::cargo()
            .args(["update", "--workspace", "--offline"])
            .run()
    })?;
    println!("release: wrote {next}; review `git diff`, commit, and tag v{next}");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const V010: Version = Version {
        major: 0,
        minor: 1,
        patch: 0,
    };

    #[test]
    fn bumps() {
        let table = [
            (Bump::Patch, "0.1.1"),
            (Bump::Minor, "0.2.0"),
            (Bump::Major, "1.0.0"),
        ];
        for (bump, want) in table {
            assert_eq!(V010.bump(bump).to_string(), want, "{bump:?}");
        }
        assert!(Version::parse("1.2").is_err());
        assert!(Version::parse("1.2.x").is_err());
        assert_eq!(
            Version::parse("1.2.3").map(|v| v.to_string()).as_deref(),
            Ok("1.2.3")
        );
    }

    const MANIFEST_TEXT: &str = "[workspace]\nmembers = [\"crates/*\"]\n\n\
        [workspace.package]\nversion = \"0.1.0\"\nedition = \"2024\"\n\n\
        [workspace.dependencies]\n\
        cheroot-wire = { path = \"crates/cheroot-wire\", version = \"0.1.0\" }\n\
        other = { version = \"0.1.0\", default-features = false }\n";

    #[test]
    fn manifest_rewrite_touches_only_our_versions() {
        assert_eq!(workspace_version(MANIFEST_TEXT), Ok(V010));
        let next = V010.bump(Bump::Minor);
        let out = bump_manifest(MANIFEST_TEXT, V010, next);
        assert_eq!(workspace_version(&out), Ok(next));
        assert!(out.contains("path = \"crates/cheroot-wire\", version = \"0.2.0\""));
        assert!(out.contains("other = { version = \"0.1.0\""));
    }

    #[test]
    fn changelog_entries() {
        let next = V010.bump(Bump::Patch);
        assert!(changelog_has_entry("# Changes\n\n## Unreleased\n", next));
        assert!(changelog_has_entry("## 0.1.1 (2026-11-23)\n", next));
        assert!(changelog_has_entry("## [0.1.1] - 2026-11-23\n", next));
        assert!(!changelog_has_entry("## 0.1.10\n", next));
        assert!(!changelog_has_entry("## 0.1.0\n", next));
        let out = bump_changelog("# Changes\n\n## Unreleased\n\n- x\n", next, "2026-11-23");
        assert_eq!(
            out,
            "# Changes\n\n## Unreleased\n\n## 0.1.1 (2026-11-23)\n\n- x\n"
        );
    }

    #[test]
    fn dates() {
        assert_eq!(civil_date(0), "1970-01-01");
        assert_eq!(civil_date(11_016), "2000-02-29");
        assert_eq!(civil_date(20_415), "2025-11-23");
    }

    #[test]
    fn arguments() {
        let args = |a: &[&str]| parse_args(&a.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>());
        assert_eq!(args(&["--dry-run"]), Ok((true, Bump::Patch)));
        assert_eq!(args(&["--bump", "major"]), Ok((false, Bump::Major)));
        assert!(args(&["--bump"]).is_err());
        assert!(args(&["--bump", "huge"]).is_err());
        assert!(args(&["--force"]).is_err());
    }
}
