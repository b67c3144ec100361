//! An array of slots in memory shared by the master and every worker it forks: an anonymous
//! `MAP_SHARED` mapping, made before the first fork and inherited by each child.
#![allow(
    unsafe_code,
    reason = "mapping memory and viewing it as atomics is what this module is for"
)]

use std::io;
use std::num::NonZeroUsize;
use std::ptr::NonNull;

use nix::sys::mman::{MapFlags, ProtFlags, mmap_anonymous, munmap};

use super::Slot;

/// `count` zeroed slots, shared with every process forked after it was made.
pub(super) struct SharedSlots {
    base: NonNull<Slot>,
    count: usize,
}

// SAFETY: the memory holds only atomics (`Slot` is made of `AtomicU64`s), which any thread may
// read and write through a shared reference; the pointer itself is never written after
// `new`.
unsafe impl Send for SharedSlots {}
// SAFETY: as above: every access goes through `&Slot`, whose fields are atomics.
unsafe impl Sync for SharedSlots {}

impl SharedSlots {
    pub(super) fn new(count: usize) -> io::Result<SharedSlots> {
        let bytes = count
            .checked_mul(size_of::<Slot>())
            .and_then(NonZeroUsize::new)
            .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "no slots asked for"))?;
        // SAFETY: a fresh anonymous mapping at an address the kernel picks aliases no Rust
        // object; it is zero-filled and page-aligned (enough for `Slot`'s 8-byte alignment).
        let base = unsafe {
            mmap_anonymous(
                None,
                bytes,
                ProtFlags::PROT_READ | ProtFlags::PROT_WRITE,
                MapFlags::MAP_SHARED,
            )
        }
        .map_err(io::Error::from)?;
        Ok(SharedSlots {
            base: base.cast(),
            count,
        })
    }

    pub(super) fn as_slice(&self) -> &[Slot] {
        // SAFETY: `base` points at `count` slots of mapped, initialised memory (all-zero bytes
        // are a valid `AtomicU64`), alive until `drop`; only shared references are ever made,
        // and other processes touch it only through atomics too.
        unsafe { std::slice::from_raw_parts(self.base.as_ptr(), self.count) }
    }
}

impl Drop for SharedSlots {
    fn drop(&mut self) {
        // SAFETY: the mapping was made by `new` with this length, and no reference into it
        // outlives `self` (`as_slice` borrows `self`).
        let unmapped = unsafe { munmap(self.base.cast(), self.count * size_of::<Slot>()) };
        if let Err(err) = unmapped {
            tracing::debug!("cannot unmap the scoreboard: {err}");
        }
    }
}
