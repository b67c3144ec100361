//! `cargo xtask`: the project's automation, one subcommand per job, dispatched from here.
//!
//! `cargo xtask ci` is the one command that checks everything; the others run parts of it or
//! the jobs CI does not (fuzzing, benchmarks, releases). See `cargo xtask help`.

mod bench;
mod ci;
mod cmd;
mod dist;
mod dropin;
mod features;
mod fuzz;
mod json;
mod licenses;
mod manifest;
mod msrv;
mod python;
mod release;
mod sources;
mod step;
mod tidy;
mod workspace;

use std::process::ExitCode;

const USAGE: &str = "\
usage: cargo xtask <command> [args]

commands:
  ci                       everything CI checks: fmt, clippy, tests, feature sets, unused
                           dependencies (each crate alone), docs, tidy,
                           then the Python package, its pytest suite (tests/python) and the
                           drop-in suites (cheroot's and CherryPy's own)
  lint                     fmt check, clippy (default and all features), tidy
  test                     cargo test --workspace --all-features --locked
  python                   the Python step of ci alone: virtualenv, clippy on the extension,
                           pip install ., pytest tests/python, then cheroot's and CherryPy's
                           own suites against cheroot_rs and against cheroot (counts of both)
  tidy                     file headers, no skipped tests, no dbg!, dependency licences
  fuzz [--seconds N] [--asan] [target...]
                           run each fuzz target (or the named ones) for N seconds (default 60)
  bench [args]             benchmarks against hyper, or with --python the WSGI hosting one
                           against granian, cheroot and gunicorn (see bench --help)
  dist                     the production binary, its shell completions (bash, zsh, fish)
                           and man page, in target/dist/ (docs/deploying.md installs them)
  msrv                     cargo check with the declared rust-version's toolchain (installs it)
  release --dry-run [--bump patch|minor|major]
                           check a release: next version, changelog entry, cargo package
  release [--bump patch|minor|major]
                           on a clean tree, rewrite the versions and the changelog heading
  help                     this text
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some((command, rest)) = args.split_first() else {
        eprint!("{USAGE}");
        return ExitCode::FAILURE;
    };
    if let Err(e) = workspace::enter_root() {
        eprintln!("xtask: {e}");
        return ExitCode::FAILURE;
    }
    let result = match command.as_str() {
        "ci" => no_args(command, rest).and_then(|()| ci::ci()),
        "lint" => no_args(command, rest).and_then(|()| ci::lint()),
        "test" => no_args(command, rest).and_then(|()| ci::test()),
        "tidy" => no_args(command, rest).and_then(|()| ci::tidy()),
        "fuzz" => fuzz::run(rest),
        "bench" => bench::run(rest),
        "dist" => dist::run(rest),
        "msrv" => no_args(command, rest).and_then(|()| msrv::run()),
        "python" => no_args(command, rest).and_then(|()| python::ci()),
        "release" => release::run(rest),
        "help" | "-h" | "--help" => {
            print!("{USAGE}");
            Ok(())
        }
        other => Err(format!("unknown command `{other}`\n\n{USAGE}")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("xtask {command}: FAILED: {e}");
            ExitCode::FAILURE
        }
    }
}

fn no_args(command: &str, rest: &[String]) -> Result<(), String> {
    match rest.first() {
        None => Ok(()),
        Some(arg) => Err(format!("`{command}` takes no arguments, got `{arg}`")),
    }
}
