//! The extension's Rust allocations go to mimalloc, not glibc's malloc.
//!
//! A pooled request crosses threads: the I/O thread allocates the job, the event channel and
//! the parsed head, a pool thread frees them, and the response travels back the other way.
//! glibc serves each thread from its own small cache, so a thread that only allocates finds
//! its cache empty and one that only frees finds its cache full: both fall through to the
//! arena, under its lock, on about 20 allocations per request. Measured with callgrind on a
//! hosted hello app (50 keep-alive connections, docs/benchmarks.md, issue 10): 29,900
//! instructions per response with glibc, 27,100 with mimalloc, whose frees from another
//! thread go on the owning page's own list without a lock.
//!
//! Built with `local_dynamic_tls`: CPython loads the extension with `dlopen`, where mimalloc's
//! default thread-local model takes room from a fixed static block that other extensions may
//! have used up (the import would then fail). `cheroot_rs/__init__.py` turns off the up-front
//! commit of mimalloc's arena, which cost 14 MiB of resident memory per process. The two
//! settings together cost 360 instructions a request (26,923 -> 27,281).
//!
//! Only this extension's Rust code is affected: CPython keeps its own allocator, and the Rust
//! crates leave the choice to the program that links them.

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
