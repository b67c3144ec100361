//! The request's `start_response` and `write`, lent to Python objects for the length of one
//! request and taken back when it ends.
//!
//! Python may keep `start_response` or `write` past the request (an app stores them, a
//! generator outlives the response); the Rust handles borrow the request's response state, so
//! the Python objects reach them through a [`Loan`], which is emptied when the request's
//! [`Lease`] ends. A call after that raises instead of touching freed memory. Python may
//! also drop (or, wrongly, call) them on another thread: the handles are only reached on the
//! request's own thread, elsewhere the loan looks empty.

use std::cell::Cell;
use std::marker::PhantomData;
use std::sync::Arc;
use std::thread::{self, ThreadId};

use cheroot::wsgi::{StartResponse, Write};

/// What the Python objects hold: the handles while the request runs, nothing after.
pub(crate) struct Loan {
    /// The request's thread, the only one that reads or writes the cells.
    owner: ThreadId,
    start: Cell<Option<StartResponse<'static>>>,
    write: Cell<Option<Write<'static>>>,
}

// SAFETY: the cells are read and written only on `owner` (every accessor checks), so moving
// or sharing the loan between threads never shares the handles; dropping it drops nothing
// but two `Copy` values.
unsafe impl Send for Loan {}
// SAFETY: as above.
unsafe impl Sync for Loan {}

impl Loan {
    fn on_owner(&self) -> bool {
        thread::current().id() == self.owner
    }

    /// Runs `f` with the request's `start_response`; `None` once the request ended or off
    /// the request's thread.
    pub(crate) fn with_start<R>(&self, f: impl FnOnce(StartResponse<'_>) -> R) -> Option<R> {
        self.on_owner().then(|| self.start.get()).flatten().map(f)
    }

    /// Runs `f` with the request's `write`; `None` before `start_response`, after the end, or
    /// off the request's thread.
    pub(crate) fn with_write<R>(&self, f: impl FnOnce(Write<'_>) -> R) -> Option<R> {
        self.on_owner().then(|| self.write.get()).flatten().map(f)
    }

    /// Keeps the `write` that `start_response` returned (it lives as long as `start`).
    pub(crate) fn set_write(&self, write: Write<'_>) {
        if self.on_owner() && self.start.get().is_some() {
            // SAFETY: `write` borrows the same response state as the lent `start_response`,
            // which the lease keeps alive until it empties both cells.
            let write = unsafe { std::mem::transmute::<Write<'_>, Write<'static>>(write) };
            self.write.set(Some(write));
        }
    }
}

/// The request's side of a [`Loan`]: empties it when dropped. Lives in the request's response
/// body (or ends with the app call when there is none), so it cannot outlive `'r`.
pub(crate) struct Lease<'r> {
    loan: Arc<Loan>,
    /// `'r`, and `!Send`: the lease stays on the request's thread.
    _request: PhantomData<(&'r (), *const ())>,
}

impl<'r> Lease<'r> {
    /// Lends `start` until the lease is dropped.
    pub(crate) fn new(start: StartResponse<'r>) -> (Lease<'r>, Arc<Loan>) {
        let loan = Arc::new(Loan {
            owner: thread::current().id(),
            start: Cell::new(None),
            write: Cell::new(None),
        });
        let lease = Lease::renew(&loan, start).expect("a new loan is on this thread and empty");
        (lease, loan)
    }

    /// Lends `start` through `loan` again, a loan of this thread whose last lease ended;
    /// `None` if it is another thread's or still lent.
    pub(crate) fn renew(loan: &Arc<Loan>, start: StartResponse<'r>) -> Option<Lease<'r>> {
        if !loan.on_owner() || loan.start.get().is_some() {
            return None;
        }
        // SAFETY: the `'static` copy is only reached through the loan, which `Lease::drop`
        // empties; the lease carries `'r`, so it is dropped before the response state it
        // borrows (the gateway drops the body, which owns the lease, before its `Core`, and
        // never leaks it).
        let start =
            unsafe { std::mem::transmute::<StartResponse<'r>, StartResponse<'static>>(start) };
        loan.start.set(Some(start));
        Some(Lease {
            loan: Arc::clone(loan),
            _request: PhantomData,
        })
    }
}

impl Drop for Lease<'_> {
    /// Runs on the request's thread (the lease is `!Send`, like the handles it lends).
    fn drop(&mut self) {
        self.loan.start.set(None);
        self.loan.write.set(None);
    }
}
