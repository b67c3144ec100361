//! Pool threads attach to the interpreter once, for their life.
//!
//! `Python::attach` on a thread without a Python thread state creates one and destroys it when
//! it returns: per request, that is a thread-state allocation, its registration and its
//! teardown. A pool thread instead makes its thread state on its first Python request and
//! keeps it, detached (the GIL released) whenever no Python code runs; later
//! `Python::attach` calls only take and give back the GIL.

use std::cell::RefCell;

use pyo3::ffi;

/// This thread's lasting thread state.
struct Attachment {
    gstate: ffi::PyGILState_STATE,
    tstate: *mut ffi::PyThreadState,
}

thread_local! {
    static ATTACHMENT: RefCell<Option<Attachment>> = const { RefCell::new(None) };
}

/// Gives the calling thread a lasting Python thread state, once; the thread is left detached.
/// Must be called while detached (before the thread's first `Python::attach`).
pub(crate) fn attach_once() {
    let _ = ATTACHMENT.try_with(|slot| {
        let mut slot = slot.borrow_mut();
        if slot.is_none() {
            // SAFETY: the interpreter runs (this module was imported by it) and this thread
            // holds no GIL: `PyGILState_Ensure` creates the thread state and takes the GIL,
            // `PyEval_SaveThread` releases the GIL and keeps the state for later attaches.
            let attachment = unsafe {
                let gstate = ffi::PyGILState_Ensure();
                let tstate = ffi::PyEval_SaveThread();
                Attachment { gstate, tstate }
            };
            *slot = Some(attachment);
        }
    });
}

impl Drop for Attachment {
    fn drop(&mut self) {
        // SAFETY: runs when the pool thread ends, detached (a job never ends attached). The
        // pair undoes `attach_once`: take the GIL with the kept state, then let
        // `PyGILState_Release` destroy the state. Skipped once the interpreter is gone.
        unsafe {
            if ffi::Py_IsInitialized() != 0 {
                ffi::PyEval_RestoreThread(self.tstate);
                ffi::PyGILState_Release(self.gstate);
            }
        }
    }
}
