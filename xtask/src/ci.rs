//! The pipelines: `ci` (everything, in order), `lint` and `test`, built from named steps.

use std::time::Instant;

use crate::cmd::Cmd;
use crate::python::EXTENSION_CRATE;
use crate::step::step;
use crate::{features, python, sources, tidy as tidy_checks};

/// Everything CI checks, in order, stopping at the first failing step: the Rust steps (which
/// never build the Python extension, so they pass without Python), then the Python step.
pub(crate) fn ci() -> Result<(), String> {
    let started = Instant::now();
    fmt()?;
    clippy()?;
    test()?;
    feature_sets()?;
    unused_dependencies()?;
    docs()?;
    tidy()?;
    python::ci()?;
    println!(
        "\nci: all steps passed in {:.1}s",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// Formatting, clippy and tidy: the quick checks.
pub(crate) fn lint() -> Result<(), String> {
    fmt()?;
    clippy()?;
    tidy()
}

/// The test suite, once, with every feature on (features are additive, so this covers the
/// code of every feature set; `feature_sets` checks each set compiles on its own).
pub(crate) fn test() -> Result<(), String> {
    step("test (all features)", || {
        Cmd::cargo()
            .args(["test", "--workspace", "--all-features", "--locked"])
            .args(["--exclude", EXTENSION_CRATE])
            .run()
    })
}

/// The repository checks of `tidy.rs`.
pub(crate) fn tidy() -> Result<(), String> {
    step("tidy", tidy_checks::run)
}

fn fmt() -> Result<(), String> {
    step("fmt", || {
        Cmd::cargo().args(["fmt", "--all", "--", "--check"]).run()?;
        // fuzz/ and bench/ are outside the workspace, so `cargo fmt --all` skips them; rustfmt
        // checks their files directly (it finds rustfmt.toml by walking up from each file).
        let outside = sources::rust_files(&["fuzz", "bench"])?;
        if outside.is_empty() {
            return Ok(());
        }
        Cmd::new("rustfmt")
            .args(["--check", "--edition", "2024"])
            .args(outside)
            .run()
    })
}

fn clippy() -> Result<(), String> {
    step("clippy (default features)", || {
        Cmd::cargo()
            .args(["clippy", "--workspace", "--all-targets", "--locked"])
            .args(["--exclude", EXTENSION_CRATE, "--"])
            .args(["-D", "warnings"])
            .run()
    })?;
    step("clippy (all features)", || {
        Cmd::cargo()
            .args([
                "clippy",
                "--workspace",
                "--all-targets",
                "--all-features",
                "--locked",
                "--exclude",
                EXTENSION_CRATE,
            ])
            .args(["--", "-D", "warnings"])
            .run()
    })
}

fn feature_sets() -> Result<(), String> {
    step("feature sets", || {
        let mut checked = 0;
        for krate in features::crates_with_features()? {
            // The empty set first, then each feature alone on top of it.
            let mut sets = vec![None];
            sets.extend(krate.features.iter().map(Some));
            for set in sets {
                let mut cmd = Cmd::cargo().args(["check", "--locked", "--quiet"]).args([
                    "--no-default-features",
                    "-p",
                    &krate.name,
                ]);
                if let Some(feature) = set {
                    cmd = cmd.args(["--features", feature.as_str()]);
                }
                cmd.run()?;
                checked += 1;
            }
        }
        println!("checked {checked} feature sets");
        Ok(())
    })
}

/// Each library alone, its default features only and then all of them, with
/// `unused_crate_dependencies` denied: a dependency a manifest declares and the code never uses
/// (in the whole workspace's build, features unify and hide it). The lint applies to the crate
/// being checked only, so the dependencies' builds are shared with the other steps.
fn unused_dependencies() -> Result<(), String> {
    step("unused dependencies", || {
        for krate in features::member_crates()? {
            if krate.name == EXTENSION_CRATE {
                continue;
            }
            let mut feature_sets = vec![None];
            if !krate.features.is_empty() {
                feature_sets.push(Some("--all-features"));
            }
            for features in feature_sets {
                Cmd::cargo()
                    .args([
                        "rustc",
                        "--locked",
                        "--quiet",
                        "--profile",
                        "check",
                        "--lib",
                    ])
                    .args(["-p", &krate.name])
                    .args(features)
                    .args(["--", "-D", "unused-crate-dependencies"])
                    .run()?;
            }
        }
        Ok(())
    })
}

fn docs() -> Result<(), String> {
    step("docs", || {
        Cmd::cargo()
            .env("RUSTDOCFLAGS", "-D warnings")
            .args([
                "doc",
                "--workspace",
                "--no-deps",
                "--all-features",
                "--locked",
                "--exclude",
                EXTENSION_CRATE,
            ])
            .run()
    })
}
