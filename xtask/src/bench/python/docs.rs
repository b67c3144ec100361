//! Writing the Python benchmark's latest figures into docs/benchmarks.md between two marker
//! lines, so that a new run replaces the last one's block and leaves the rest of the file,
//! the hand-written method and analysis included, as it was.

use std::path::Path;

/// The file, from the repository root.
const DOC: &str = "docs/benchmarks.md";
const BEGIN: &str = "<!-- bench-python: begin. Written by `cargo xtask bench --python`; \
                     a run replaces everything up to the end marker. -->";
const END: &str = "<!-- bench-python: end -->";

/// Replaces the block in docs/benchmarks.md with `block`.
pub(crate) fn write(root: &Path, block: &str) -> Result<(), String> {
    let path = root.join(DOC);
    let doc = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    std::fs::write(&path, splice(&doc, block)).map_err(|e| format!("{}: {e}", path.display()))
}

/// `doc` with the text between the markers replaced by `block`; without markers, a new
/// section holding them is appended at the end.
fn splice(doc: &str, block: &str) -> String {
    let block = block.trim_matches('\n');
    let found = doc.find(BEGIN).and_then(|begin| {
        let after = begin + BEGIN.len();
        doc[after..]
            .find(END)
            .map(|end| (begin, after + end + END.len()))
    });
    match found {
        Some((begin, end)) => {
            format!("{}{BEGIN}\n{block}\n{END}{}", &doc[..begin], &doc[end..])
        }
        None => format!(
            "{}\n\n## Python hosting (`cargo xtask bench --python`)\n\n{BEGIN}\n{block}\n{END}\n",
            doc.trim_end_matches('\n')
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn appends_once_then_replaces() {
        let doc = "# Benchmarks\n\n## Figures\n\nold text\n";
        let first = splice(doc, "run 1\n");
        assert!(first.starts_with(doc.trim_end()), "{first}");
        assert!(
            first.ends_with(&format!("{BEGIN}\nrun 1\n{END}\n")),
            "{first}"
        );
        let second = splice(&format!("{first}\nlater text\n"), "\nrun 2");
        assert!(!second.contains("run 1"), "{second}");
        assert!(second.contains(&format!("{BEGIN}\nrun 2\n{END}\n\nlater text\n")));
        assert_eq!(second.matches(BEGIN).count(), 1);
        assert!(second.contains("old text"));
    }

    #[test]
    fn the_repository_doc_has_one_block() {
        let doc = include_str!("../../../../docs/benchmarks.md");
        assert_eq!(doc.matches(BEGIN).count(), 1);
        assert!(doc.find(BEGIN) < doc.find(END));
    }
}
