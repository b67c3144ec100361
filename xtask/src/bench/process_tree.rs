//! A server and every process it started (granian's and gunicorn's workers run in children of
//! the process the harness started), found through the parent pid in /proc/PID/stat, so that
//! CPU time, memory and the final kill cover them all.

use std::collections::HashMap;

/// `root` followed by its descendants, parents before children; just `root` when /proc
/// cannot be listed.
pub(crate) fn of(root: u32) -> Vec<u32> {
    let mut children: HashMap<u32, Vec<u32>> = HashMap::new();
    if let Ok(entries) = std::fs::read_dir("/proc") {
        for entry in entries.flatten() {
            let Some(pid) = entry
                .file_name()
                .to_str()
                .and_then(|s| s.parse::<u32>().ok())
            else {
                continue;
            };
            // A process may exit between the listing and the read: it is simply not counted.
            let stat = std::fs::read_to_string(entry.path().join("stat")).unwrap_or_default();
            if let Some(parent) = parent_of(&stat) {
                children.entry(parent).or_default().push(pid);
            }
        }
    }
    let mut tree = vec![root];
    // Each pid is visited once (a pid has one parent), so this ends within the process count.
    let mut next = 0;
    while next < tree.len() {
        if let Some(kids) = children.get(&tree[next]) {
            tree.extend(kids.iter().copied().filter(|&k| k != root));
        }
        next += 1;
    }
    tree
}

/// The parent pid in the text of /proc/PID/stat.
fn parent_of(stat: &str) -> Option<u32> {
    // "pid (comm) state ppid ...": comm may hold spaces and parentheses, so split after the
    // last ')'; the state comes first, then the parent.
    let rest = &stat[stat.rfind(')')? + 1..];
    rest.split_whitespace().nth(1)?.parse().ok()
}

#[cfg(test)]
mod tests {
    use std::process::{Command, Stdio};

    use super::*;

    #[test]
    fn reads_the_parent() {
        assert_eq!(parent_of("42 (a (b) c) S 7 42 42 0 -1"), Some(7));
        assert_eq!(parent_of("42 (x) S"), None);
        assert_eq!(parent_of("no parenthesis"), None);
    }

    #[test]
    fn finds_a_child_of_this_process() {
        let mut child = Command::new("sleep")
            .arg("30")
            .stdin(Stdio::null())
            .spawn()
            .unwrap();
        let tree = of(std::process::id());
        let _ = child.kill();
        let _ = child.wait();
        assert_eq!(tree[0], std::process::id());
        assert!(tree.contains(&child.id()), "{tree:?}");
    }
}
