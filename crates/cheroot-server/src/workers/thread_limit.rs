//! How many threads this machine lets the process start, and the worker pool's default cap.
//!
//! Asking for more threads than the machine gives does not fail cleanly: thread creation runs
//! out part-way (`EAGAIN` from `clone`, or `ENOMEM` when std maps the new thread's signal
//! stack, which panics inside the new thread). So a pool size is checked against the limits
//! before the server starts, and the default cap stays under them.

use std::fs;

/// Memory mappings a thread costs: its stack and guard page, std's signal stack and its
/// guard page. `vm.max_map_count` bounds them all (65530 by default: about 16,000 threads,
/// which is where `--threads 20000` failed on a machine with far higher process limits).
const MAPS_PER_THREAD: usize = 4;

/// Threads kept for the rest of the process: the I/O runtime, the pool's monitor, the signal
/// and stop threads (a server with 10 workers runs 15 threads in all).
pub const RESERVED_THREADS: usize = 16;

/// Memory mappings kept for the rest of the process: its binary and libraries, the heap and
/// the allocator's per-thread arenas. `--threads 20000` failed at the 16,366th thread with
/// `vm.max_map_count` 65530, 16 short of 65530 / 4: the rest of the process held about 60.
const RESERVED_MAPS: usize = 2048;

/// Worker threads per core in the default cap: enough for apps that block on a database or
/// an upstream most of the time, bounded so no client load can make the process start
/// thousands of threads.
pub const DEFAULT_THREADS_PER_CORE: usize = 32;

/// The most threads this process may start, from what the kernel says: the user's process
/// limit (`RLIMIT_NPROC`, which counts threads), `kernel.threads-max` and
/// `vm.max_map_count` / 4; `None` when none of them is known or limited.
pub fn machine_thread_limit() -> Option<usize> {
    [
        nproc_limit(),
        read_number("/proc/sys/kernel/threads-max"),
        map_count_limit(),
    ]
    .into_iter()
    .flatten()
    .min()
}

/// The most worker threads a pool may be given here: [`machine_thread_limit`] less
/// [`RESERVED_THREADS`] (and the mappings the rest of the process needs); `None` when the
/// machine sets no limit.
pub fn max_worker_threads() -> Option<usize> {
    let by_threads = [nproc_limit(), read_number("/proc/sys/kernel/threads-max")]
        .into_iter()
        .flatten()
        .map(|n| n.saturating_sub(RESERVED_THREADS));
    let by_maps = read_number("/proc/sys/vm/max_map_count")
        .map(|maps| maps.saturating_sub(RESERVED_MAPS) / MAPS_PER_THREAD);
    by_threads.chain(by_maps).min().map(|n| n.max(1))
}

/// The worker pool's default `maxthreads`: [`DEFAULT_THREADS_PER_CORE`] per core the
/// process may run on, at least `min`, at most [`max_worker_threads`] (64 on two cores).
pub fn default_maxthreads(min: usize) -> usize {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let cap = DEFAULT_THREADS_PER_CORE.saturating_mul(cores).max(min);
    max_worker_threads().map_or(cap, |limit| cap.min(limit.max(min)))
}

fn nproc_limit() -> Option<usize> {
    use nix::sys::resource::{Resource, getrlimit};
    let (soft, _hard) = getrlimit(Resource::RLIMIT_NPROC).ok()?;
    // RLIM_INFINITY does not fit a usize on 32-bit targets; either way: no limit.
    usize::try_from(soft).ok().filter(|&n| n != usize::MAX)
}

fn map_count_limit() -> Option<usize> {
    read_number("/proc/sys/vm/max_map_count").map(|maps| maps / MAPS_PER_THREAD)
}

fn read_number(path: &str) -> Option<usize> {
    fs::read_to_string(path).ok()?.trim().parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_cap_is_finite_and_within_the_machine() {
        let cap = default_maxthreads(10);
        assert!(cap >= 10, "{cap}");
        if let Some(limit) = max_worker_threads() {
            assert!(cap <= limit.max(10), "{cap} > {limit}");
        }
        // A minimum above the per-core cap raises it.
        assert_eq!(default_maxthreads(cap + 1), cap + 1);
    }

    #[test]
    fn the_machine_limit_counts_mappings() {
        // Linux always has vm.max_map_count; the limit is then at most a quarter of it.
        if let Some(maps) = read_number("/proc/sys/vm/max_map_count") {
            let limit = machine_thread_limit().expect("a limit");
            assert!(limit <= maps / MAPS_PER_THREAD, "{limit}");
        }
    }
}
