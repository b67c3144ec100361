//! `cargo xtask fuzz`: runs each cargo-fuzz target in `fuzz/` for a bounded time.
//!
//! The fuzz crate is outside the workspace (libFuzzer needs special flags), so `cargo xtask ci`
//! never builds it. docs/fuzzing.md explains the toolchain choices made here.

use std::path::Path;

use crate::cmd::Cmd;
use crate::step::step;

const DEFAULT_SECONDS: u64 = 60;

#[derive(Debug)]
struct Options {
    seconds: u64,
    asan: bool,
    targets: Vec<String>,
}

fn parse_args(args: &[String]) -> Result<Options, String> {
    let mut options = Options {
        seconds: DEFAULT_SECONDS,
        asan: false,
        targets: Vec::new(),
    };
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--seconds" => {
                let value = args.next().ok_or("--seconds needs a number")?;
                options.seconds = value
                    .parse()
                    .ok()
                    .filter(|&s| s > 0)
                    .ok_or_else(|| format!("--seconds: `{value}` is not a positive number"))?;
            }
            "--asan" => options.asan = true,
            flag if flag.starts_with('-') => return Err(format!("unknown option `{flag}`")),
            target => options.targets.push(target.to_owned()),
        }
    }
    Ok(options)
}

/// The targets in `fuzz/fuzz_targets/`, by file stem, sorted.
fn all_targets() -> Result<Vec<String>, String> {
    let dir = Path::new("fuzz/fuzz_targets");
    let entries =
        std::fs::read_dir(dir).map_err(|e| format!("cannot list {}: {e}", dir.display()))?;
    let mut targets = Vec::new();
    for entry in entries {
        let path = entry
            .map_err(|e| format!("cannot list {}: {e}", dir.display()))?
            .path();
        if path.extension().is_some_and(|e| e == "rs") {
            if let Some(stem) = path.file_stem() {
                targets.push(stem.to_string_lossy().into_owned());
            }
        }
    }
    targets.sort();
    Ok(targets)
}

/// Installs cargo-fuzz when `cargo fuzz` is not available.
fn ensure_cargo_fuzz() -> Result<(), String> {
    if Cmd::cargo().args(["fuzz", "--version"]).succeeds() {
        return Ok(());
    }
    step("install cargo-fuzz", || {
        Cmd::cargo()
            .args(["install", "cargo-fuzz", "--locked"])
            .run()
    })
}

/// `cargo xtask fuzz [--seconds N] [--asan] [target...]`.
pub(crate) fn run(args: &[String]) -> Result<(), String> {
    let options = parse_args(args)?;
    let known = all_targets()?;
    let targets = if options.targets.is_empty() {
        known.clone()
    } else {
        options.targets.clone()
    };
    if let Some(unknown) = targets.iter().find(|t| !known.contains(t)) {
        return Err(format!(
            "no fuzz target `{unknown}` (have: {})",
            known.join(", ")
        ));
    }
    ensure_cargo_fuzz()?;
    for target in &targets {
        let name = format!("fuzz {target} ({}s)", options.seconds);
        step(&name, || run_target(target, &options))?;
    }
    Ok(())
}

fn run_target(target: &str, options: &Options) -> Result<(), String> {
    // The working corpus is not committed; the hand-written seeds are.
    let corpus = format!("fuzz/corpus/{target}");
    std::fs::create_dir_all(&corpus).map_err(|e| format!("cannot create {corpus}: {e}"))?;
    let seeds = format!("fuzz/seeds/{target}");

    let mut cmd = Cmd::cargo().args(["fuzz", "run"]);
    if options.asan {
        // AddressSanitizer needs `-Zsanitizer`, a nightly flag; RUSTC_BOOTSTRAP lets the stable
        // compiler accept it. Our crates forbid unsafe code, so this is rarely worth the 3x
        // slowdown; panics and overflows are caught without it.
        cmd = cmd
            .env("RUSTC_BOOTSTRAP", "1")
            .args(["--sanitizer", "address"]);
    } else {
        cmd = cmd.args(["--sanitizer", "none"]);
    }
    cmd = cmd.args([target, corpus.as_str()]);
    if Path::new(&seeds).is_dir() {
        cmd = cmd.args([seeds.as_str()]);
    }
    cmd.args(["--", &format!("-max_total_time={}", options.seconds)])
        .run()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(args: &[&str]) -> Vec<String> {
        args.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn arguments() {
        let o = parse_args(&strings(&["--seconds", "5", "request_head"])).unwrap_or(Options {
            seconds: 0,
            asan: true,
            targets: Vec::new(),
        });
        assert_eq!(o.seconds, 5);
        assert!(!o.asan);
        assert_eq!(o.targets, ["request_head"]);
        let o = parse_args(&[]).map(|o| (o.seconds, o.asan, o.targets.len()));
        assert_eq!(o, Ok((DEFAULT_SECONDS, false, 0)));
        for bad in [
            &["--seconds"][..],
            &["--seconds", "0"],
            &["--seconds", "x"],
            &["--fast"],
        ] {
            assert!(parse_args(&strings(bad)).is_err(), "{bad:?}");
        }
    }
}
