//! What a bench run needs before it loads anything: the servers built, wrk installed, and a
//! description of the machine for the record.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// The binaries a run can use.
#[derive(Debug)]
pub(crate) struct Built {
    /// bench/target/release.
    pub(crate) bin_dir: PathBuf,
    /// Whether cheroot-hello built; the run still measures hyper when it did not.
    pub(crate) cheroot: bool,
}

/// Builds bench/hyper-hello, bench/hyper-tls-hello and bench/cheroot-hello in release mode into bench/target;
/// cargo's messages for cheroot-hello go to `logs`.
pub(crate) fn build(root: &Path, logs: &Path) -> Result<Built, String> {
    let bench = root.join("bench");
    let target = bench.join("target");
    let build = |package: &str, log: Option<&Path>| {
        let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
        println!("bench: building {package} (release)");
        let mut cmd = Command::new(cargo);
        cmd.args(["build", "--release", "--quiet", "--manifest-path"])
            .arg(bench.join("Cargo.toml"))
            .args(["-p", package])
            // Its own target dir: the bench workspace is outside the main one.
            .env("CARGO_TARGET_DIR", &target);
        if let Some(log) = log {
            let file = File::create(log).map_err(|e| format!("{}: {e}", log.display()))?;
            cmd.stderr(file);
        }
        cmd.status().map_err(|e| format!("cannot run cargo: {e}"))
    };
    for reference in ["hyper-hello", "hyper-tls-hello"] {
        let status = build(reference, None)?;
        if !status.success() {
            return Err(format!("building bench/{reference} failed: {status}"));
        }
    }
    let log = logs.join("cheroot-hello-build.txt");
    let cheroot = build("cheroot-hello", Some(&log))?.success();
    if !cheroot {
        eprintln!(
            "bench: cheroot-hello did not build (see {}); measuring hyper only",
            log.display()
        );
    }
    Ok(Built {
        bin_dir: target.join("release"),
        cheroot,
    })
}

/// The binaries already built, for `--no-build`.
pub(crate) fn prebuilt(root: &Path) -> Result<Built, String> {
    let bin_dir = root.join("bench").join("target").join("release");
    for reference in ["hyper-hello", "hyper-tls-hello"] {
        if !bin_dir.join(reference).is_file() {
            return Err(format!(
                "--no-build: no {reference} in {}",
                bin_dir.display()
            ));
        }
    }
    let cheroot = bin_dir.join("cheroot-hello").is_file();
    Ok(Built { bin_dir, cheroot })
}

/// Installs wrk with apt-get when it is not on PATH.
pub(crate) fn ensure_wrk() -> Result<(), String> {
    if on_path("wrk") {
        return Ok(());
    }
    println!("bench: wrk not found; installing the Debian package");
    let install = || {
        Command::new("apt-get")
            .args(["install", "-y", "-q", "wrk"])
            .stdout(Stdio::null())
            .status()
            .map_err(|e| format!("cannot run apt-get: {e}"))
    };
    if !install()?.success() {
        // A fresh machine may have no package lists yet.
        let updated = Command::new("apt-get")
            .args(["update", "-q"])
            .stdout(Stdio::null())
            .status()
            .map_err(|e| format!("cannot run apt-get: {e}"))?;
        if !updated.success() || !install()?.success() {
            return Err("apt-get install wrk failed (root is needed); install wrk by hand".into());
        }
    }
    if on_path("wrk") {
        Ok(())
    } else {
        Err("wrk is still not on PATH after apt-get".into())
    }
}

fn on_path(program: &str) -> bool {
    std::env::var_os("PATH")
        .is_some_and(|paths| std::env::split_paths(&paths).any(|dir| dir.join(program).is_file()))
}

/// The facts about the machine that belong next to the figures.
#[derive(Debug)]
pub(crate) struct Machine {
    pub(crate) cores: usize,
    pub(crate) cpu: String,
    pub(crate) date: String,
    pub(crate) wrk: String,
}

impl Machine {
    /// Reads them now.
    pub(crate) fn describe() -> Machine {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        let cpu = std::fs::read_to_string("/proc/cpuinfo")
            .ok()
            .and_then(|text| {
                text.lines()
                    .find(|l| l.starts_with("model name"))
                    .and_then(|l| l.split_once(':'))
                    .map(|(_, v)| v.trim().to_owned())
            })
            .unwrap_or_else(|| "unknown".to_owned());
        let date = command_line("date", &["-u", "+%Y-%m-%d %H:%M UTC"]);
        // `wrk -v` prints "wrk VERSION [epoll] Copyright ..." and then usage, failing.
        let wrk = command_line("wrk", &["-v"])
            .split_whitespace()
            .take(2)
            .collect::<Vec<_>>()
            .join(" ");
        Machine {
            cores,
            cpu,
            date,
            wrk,
        }
    }

    /// The cores the server and wrk are pinned to: 0 and 1, or none (with a warning) on a
    /// machine with one core.
    pub(crate) fn pinning(&self) -> (Option<u32>, Option<u32>) {
        if self.cores >= 2 {
            (Some(0), Some(1))
        } else {
            eprintln!("bench: only one core: server and wrk share it, figures are not comparable");
            (None, None)
        }
    }

    /// The machine and the pinning, for the report: `N cores (CPU), wrk VERSION; server on
    /// core S, wrk on core W`.
    pub(crate) fn setting(&self, server_core: Option<u32>, wrk_core: Option<u32>) -> String {
        let core = |c: Option<u32>| c.map_or("any".to_owned(), |c| c.to_string());
        format!(
            "{} cores ({}), {}; server on core {}, wrk on core {}",
            self.cores,
            self.cpu,
            self.wrk,
            core(server_core),
            core(wrk_core),
        )
    }
}

/// The 1, 5 and 15 minute load averages, to show how busy the shared machine was.
pub(crate) fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "unknown".to_owned())
}

/// The first output line of a command, or "unknown".
fn command_line(program: &str, args: &[&str]) -> String {
    Command::new(program)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .ok()
        .and_then(|o| {
            let text = if o.stdout.is_empty() {
                o.stderr
            } else {
                o.stdout
            };
            String::from_utf8_lossy(&text)
                .lines()
                .next()
                .map(|l| l.trim().to_owned())
        })
        .unwrap_or_else(|| "unknown".to_owned())
}
