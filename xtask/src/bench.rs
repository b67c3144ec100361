//! `cargo xtask bench`: the benchmarks; filled in by the benchmark work.

/// Runs the benchmarks selected by `args`.
pub(crate) fn run(args: &[String]) -> Result<(), String> {
    let _ = args;
    Err("bench: not built yet".to_owned())
}
