//! A named, timed step of a pipeline: printed when it starts and ends, named when it fails.

use std::time::Instant;

/// Runs `body` as the step `name`, printing its name and duration; an error is prefixed with
/// the step name so the failing step is obvious at the end of a long log.
pub(crate) fn step(name: &str, body: impl FnOnce() -> Result<(), String>) -> Result<(), String> {
    println!("\n==> {name}");
    let started = Instant::now();
    let result = body();
    let elapsed = started.elapsed().as_secs_f64();
    match result {
        Ok(()) => {
            println!("<== {name}: ok ({elapsed:.1}s)");
            Ok(())
        }
        Err(e) => {
            println!("<== {name}: FAILED ({elapsed:.1}s)");
            Err(format!("step `{name}`: {e}"))
        }
    }
}
