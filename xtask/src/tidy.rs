//! `cargo xtask tidy`: repository rules no compiler checks — a `//!` line opening every Rust
//! file, no skipped tests, no `dbg!`, no pointer to notes outside the repository, and
//! dependency licences from the allow-list.

use std::path::Path;

use crate::{licenses, sources};

/// Where the project's own Rust code lives.
const CODE_DIRS: &[&str] = &["crates", "xtask", "tests", "fuzz", "bench"];

/// Where every text file must stand on its own (see [`outside_reference`]).
const STANDALONE_DIRS: &[&str] = &["crates", "xtask", "tests", "python", "docs"];
const STANDALONE_FILES: &[&str] = &["README.md"];

/// Runs every check and reports all problems found, not just the first.
pub(crate) fn run() -> Result<(), String> {
    let files = sources::rust_files(CODE_DIRS)?;
    let mut problems = Vec::new();
    for path in &files {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        check_file(path, &text, &mut problems);
    }
    println!("checked {} Rust files", files.len());
    let standalone = standalone_files()?;
    for path in &standalone {
        // Binary files (certificates, images) cannot hold a readable pointer.
        if let Ok(text) = std::fs::read_to_string(path) {
            check_standalone(path, &text, &mut problems);
        }
    }
    println!(
        "checked {} files for pointers outside the repository",
        standalone.len()
    );
    match licenses::check() {
        Ok(count) => println!("checked the licences of {count} packages"),
        Err(e) => problems.push(e),
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "{} problem(s):\n  {}",
            problems.len(),
            problems.join("\n  ")
        ))
    }
}

/// The file-content rules, one problem per offending line.
fn check_file(path: &Path, text: &str, problems: &mut Vec<String>) {
    if !text.starts_with("//!") {
        problems.push(format!(
            "{}:1: must begin with a `//!` line saying what the file holds",
            path.display()
        ));
    }
    for (index, line) in text.lines().enumerate() {
        if let Some(rule) = broken_rule(line) {
            problems.push(format!("{}:{}: {rule}", path.display(), index + 1));
        }
    }
}

/// The text files of [`STANDALONE_DIRS`] and [`STANDALONE_FILES`].
fn standalone_files() -> Result<Vec<std::path::PathBuf>, String> {
    let mut files = sources::files_with(STANDALONE_DIRS, |path| {
        !path
            .components()
            .any(|c| c.as_os_str() == "__pycache__" || c.as_os_str() == "node_modules")
    })?;
    files.extend(
        STANDALONE_FILES
            .iter()
            .map(std::path::PathBuf::from)
            .filter(|p| p.is_file()),
    );
    Ok(files)
}

/// The repository stands alone: no file points at notes kept outside it.
fn check_standalone(path: &Path, text: &str, problems: &mut Vec<String>) {
    for (index, line) in text.lines().enumerate() {
        if let Some(rule) = outside_reference(line) {
            problems.push(format!("{}:{}: {rule}", path.display(), index + 1));
        }
    }
}

// Assembled with concat! for the same reason as the patterns below.
const SHARED_DIR: &str = concat!("../", "shared");
const NOTES_WORD: &str = concat!("inven", "tory");

/// The pointer outside the repository `line` makes, if any: a path into the sibling `shared`
/// folder, or the name of the notes kept there. Facts about cheroot belong in
/// docs/cheroot-reference.md.
fn outside_reference(line: &str) -> Option<&'static str> {
    if line.contains(SHARED_DIR) {
        return Some("points outside the repository: bring the fact into docs/ and point there");
    }
    if line.to_lowercase().contains(NOTES_WORD) {
        return Some(
            "refers to notes outside the repository: point at docs/cheroot-reference.md instead",
        );
    }
    None
}

// The patterns are assembled with concat! so that this file does not contain them literally
// and trip its own check.
const IGNORE_ATTR: &str = concat!("#[", "ignore");
const SHOULD_PANIC_ATTR: &str = concat!("#[", "should_panic");
const DBG_CALL: &str = concat!("dbg", "!(");

/// The rule `line` breaks, if any.
fn broken_rule(line: &str) -> Option<&'static str> {
    let code = line.trim_start();
    if code.contains(IGNORE_ATTR) || code.contains(SHOULD_PANIC_ATTR) {
        return Some("skipped or panic-expecting test: assert the Err instead");
    }
    if code.starts_with("#[cfg_attr(") && has_word(code, &["ignore", "should_panic"]) {
        return Some("conditionally skipped test: assert the Err instead");
    }
    if is_skipped_doctest_fence(code) {
        return Some("skipped doc test: make it run (`no_run` if it binds a socket)");
    }
    if code.contains(DBG_CALL) {
        return Some("debugging macro left in");
    }
    None
}

/// Whether `text` contains one of `words` delimited by non-identifier characters.
fn has_word(text: &str, words: &[&str]) -> bool {
    text.split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .any(|w| words.contains(&w))
}

/// A doc-comment code fence whose info string skips the test (`ignore`, `should_panic`).
fn is_skipped_doctest_fence(code: &str) -> bool {
    let Some(doc) = code
        .strip_prefix("///")
        .or_else(|| code.strip_prefix("//!"))
    else {
        return false;
    };
    let Some(info) = doc.trim_start().strip_prefix("```") else {
        return false;
    };
    info.split([',', ' '])
        .any(|attr| matches!(attr.trim(), "ignore" | "should_panic"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_that_break_rules() {
        let bad: &[String] = &[
            format!("    {IGNORE_ATTR}]"),
            format!("{IGNORE_ATTR} = \"slow\"]"),
            format!("{SHOULD_PANIC_ATTR}(expected = \"boom\")]"),
            "#[cfg_attr(miri, ignore)]".to_owned(),
            format!("    let x = {DBG_CALL}y);"),
            "/// ```ignore".to_owned(),
            "//! ```rust,should_panic".to_owned(),
        ];
        for line in bad {
            assert!(broken_rule(line).is_some(), "{line}");
        }
    }

    #[test]
    fn lines_that_are_fine() {
        let good = [
            "#[test]",
            "#[cfg_attr(docsrs, doc(cfg(feature = \"rustls\")))]",
            "let ignore_case = true;",
            "/// ```no_run",
            "/// ```",
            "// the ignored bytes",
        ];
        for line in good {
            assert_eq!(broken_rule(line), None, "{line}");
        }
    }

    #[test]
    fn pointers_outside_the_repository() {
        let bad: &[String] = &[
            format!("see {SHARED_DIR}/reference/notes.md"),
            format!("// {} item 37: trailers", NOTES_WORD.to_uppercase()),
            format!("(cheroot {NOTES_WORD} 5.2)"),
            format!("[{NOTES_WORD}]({SHARED_DIR}/x.md)"),
        ];
        for line in bad {
            assert!(outside_reference(line).is_some(), "{line}");
        }
        let good = [
            "// docs/cheroot-reference.md#chunked-trailers-unread",
            "see ../docs/shared-state.md",
            "let shared = Arc::new(State::default());",
            "// test_conn.py::test_100_Continue",
        ];
        for line in good {
            assert_eq!(outside_reference(line), None, "{line}");
        }
        let mut problems = Vec::new();
        check_standalone(
            Path::new("docs/a.md"),
            &format!("fine\nsee the {NOTES_WORD}\n"),
            &mut problems,
        );
        assert_eq!(problems.len(), 1);
        assert!(problems[0].starts_with("docs/a.md:2:"), "{}", problems[0]);
    }

    #[test]
    fn files_must_open_with_an_inner_doc_line() {
        let mut problems = Vec::new();
        check_file(
            Path::new("a.rs"),
            "//! Holds a.\nfn a() {}\n",
            &mut problems,
        );
        assert!(problems.is_empty());
        check_file(Path::new("b.rs"), "// not a doc line\n", &mut problems);
        check_file(Path::new("c.rs"), "", &mut problems);
        assert_eq!(problems.len(), 2);
        assert!(problems[0].starts_with("b.rs:1:"));
    }
}
