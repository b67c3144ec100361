//! Raising this process's open-file soft limit for scenario I, with the `prlimit` command
//! (the xtask is std only, so it cannot call setrlimit itself). Servers started afterwards
//! inherit the raised limit.

use std::process::Command;

/// Makes sure the soft limit allows `needed` descriptors; returns the limit now in force,
/// which is lower than `needed` when the hard limit does not allow more.
pub(crate) fn ensure(needed: u64) -> Result<u64, String> {
    let (soft, hard) = read()?;
    if soft >= needed {
        return Ok(soft);
    }
    let target = needed.min(hard);
    let pid = std::process::id().to_string();
    let status = Command::new("prlimit")
        .args(["--pid", &pid, &format!("--nofile={target}:{hard}")])
        .status()
        .map_err(|e| format!("cannot run prlimit: {e}"))?;
    if !status.success() {
        return Err(format!("prlimit --nofile={target}:{hard} failed: {status}"));
    }
    Ok(read()?.0)
}

/// The soft and hard "Max open files" limits of this process.
fn read() -> Result<(u64, u64), String> {
    let text = std::fs::read_to_string("/proc/self/limits")
        .map_err(|e| format!("/proc/self/limits: {e}"))?;
    parse(&text).ok_or_else(|| "/proc/self/limits has no Max open files".to_owned())
}

fn parse(limits: &str) -> Option<(u64, u64)> {
    let line = limits.lines().find(|l| l.starts_with("Max open files"))?;
    let mut it = line["Max open files".len()..].split_whitespace();
    let value = |s: Option<&str>| match s? {
        "unlimited" => Some(u64::MAX),
        n => n.parse().ok(),
    };
    Some((value(it.next())?, value(it.next())?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_nofile_line() {
        let text = "Limit                     Soft Limit           Hard Limit           Units\n\
                    Max processes             95000                95000                processes\n\
                    Max open files            1024                 unlimited            files\n";
        assert_eq!(parse(text), Some((1024, u64::MAX)));
        assert_eq!(parse("Max processes 1 1 processes\n"), None);
        assert_eq!(parse("Max open files lots 2 files\n"), None);
    }

    #[test]
    fn this_process_has_a_limit() {
        let (soft, hard) = read().unwrap();
        assert!(soft > 0 && soft <= hard);
        // Asking for no more than we have changes nothing and runs no command.
        assert_eq!(ensure(soft).unwrap(), soft);
    }
}
