//! The worker threads that run blocking gateways, and how they meet the I/O runtime: the
//! [`pool`] itself, the [`handoff`] channel a worker answers through, [`wake_batch`] (a burst of
//! worker wake-ups crosses into the runtime once), [`sched`] (`SCHED_BATCH` on one core), the
//! I/O runtime ([`io_runtime`]), the default thread cap ([`thread_limit`]) and each worker's
//! buffer for response header lines ([`header_scratch`]).

pub(crate) mod handoff;
pub(crate) mod header_scratch;
pub(crate) mod io_runtime;
pub(crate) mod pool;
pub(crate) mod sched;
pub(crate) mod thread_limit;
pub(crate) mod wake_batch;
