//! CPU time of a process from /proc/PID/stat, to show which side of a run was the bottleneck:
//! a server below 100% of its core while wrk is at 100% of its own is waiting on wrk.

use std::process::Command;
use std::time::Duration;

/// User plus system CPU time of process `pid` (all its threads), in clock ticks.
pub(crate) fn ticks(pid: u32) -> Option<u64> {
    parse_ticks(&std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?)
}

fn parse_ticks(stat: &str) -> Option<u64> {
    // "pid (comm) state ppid ...": comm may hold spaces and parentheses, so split after the
    // last ')'. utime and stime are fields 14 and 15, i.e. the 12th and 13th after it.
    let rest = &stat[stat.rfind(')')? + 1..];
    let mut fields = rest.split_whitespace().skip(11);
    let utime: u64 = fields.next()?.parse().ok()?;
    let stime: u64 = fields.next()?.parse().ok()?;
    Some(utime + stime)
}

/// Clock ticks per second (`getconf CLK_TCK`; 100 on Linux when that fails).
pub(crate) fn ticks_per_second() -> u64 {
    Command::new("getconf")
        .arg("CLK_TCK")
        .output()
        .ok()
        .and_then(|o| String::from_utf8_lossy(&o.stdout).trim().parse().ok())
        .filter(|&t: &u64| t > 0)
        .unwrap_or(100)
}

/// `used` ticks over `elapsed` as a percentage of one core.
pub(crate) fn percent(used: u64, per_second: u64, elapsed: Duration) -> f64 {
    let secs = elapsed.as_secs_f64();
    if secs <= 0.0 || per_second == 0 {
        return 0.0;
    }
    used as f64 / per_second as f64 / secs * 100.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_utime_and_stime() {
        let stat = "42 (a (b) c) S 1 42 42 0 -1 4194560 100 0 0 0 250 50 0 0 20 0 1 0 5 1 1";
        assert_eq!(parse_ticks(stat), Some(300));
        assert_eq!(parse_ticks("42 (x) S 1 2"), None);
        assert_eq!(parse_ticks("no parenthesis"), None);
    }

    #[test]
    fn percent_of_one_core() {
        assert!((percent(150, 100, Duration::from_secs(2)) - 75.0).abs() < 1e-9);
        assert_eq!(percent(1, 100, Duration::ZERO), 0.0);
        assert!(ticks(std::process::id()).is_some());
    }
}
