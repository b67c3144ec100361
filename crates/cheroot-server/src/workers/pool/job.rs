//! What the pool runs: work whose parts wait in an allocation its owner keeps and hands over
//! again for each piece of work (a connection's pooled requests).
//!
//! A boxed closure per job cost a pooled request an allocation on the I/O thread and a free
//! on the worker: 500 of a pooled hello response's 9,100 instructions with glibc's malloc
//! (callgrind; docs/benchmarks.md, issue 16). A job is now a reference count on the owner's
//! [`SharedJob`].

use std::sync::Arc;

/// Work kept in a shared allocation, handed to the pool as a [`Job`].
pub(crate) trait SharedJob: Send + Sync {
    /// Runs the work handed over last, if it is still there.
    fn run(&self);

    /// Drops the work handed over last without running it (the pool is stopping).
    fn abandon(&self);
}

/// A unit of blocking work: runs once, or, dropped without running, abandons its work.
pub(crate) struct Job(Option<Arc<dyn SharedJob>>);

impl Job {
    /// The work waiting in `job`.
    pub(crate) fn new(job: Arc<dyn SharedJob>) -> Self {
        Job(Some(job))
    }

    /// Runs the work.
    pub(crate) fn run(mut self) {
        if let Some(job) = self.0.take() {
            job.run();
        }
    }
}

impl Drop for Job {
    fn drop(&mut self) {
        if let Some(job) = self.0.take() {
            job.abandon();
        }
    }
}
