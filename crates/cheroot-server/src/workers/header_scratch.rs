//! The buffer a worker thread renders response header lines into, kept from one pooled
//! response to the next.
//!
//! An inline response writes its header lines into its connection's scratch buffer; a pooled
//! one started with an empty `BytesMut` each time, so its first `add_header` allocated and its
//! end freed the buffer again: one `malloc`, one `realloc` and one `free` per pooled response.
//! Each worker thread keeps one buffer instead, allocated and freed on that thread: with one
//! reference count fewer per job, 1,330 of a pooled hello response's 15,300 instructions under
//! 50 keep-alive connections, 1,890 of 13,380 pipelined (callgrind, `cheroot-hello --pool`;
//! docs/benchmarks.md, issue 16).

use std::cell::Cell;

use bytes::BytesMut;

/// The largest buffer a thread keeps: a response with unusually many headers should not pin
/// its memory on every worker for the life of the pool.
const KEEP_LIMIT: usize = 8 * 1024;

thread_local! {
    static SCRATCH: Cell<Option<BytesMut>> = const { Cell::new(None) };
}

/// This thread's buffer (empty), or a new one.
pub(crate) fn take() -> BytesMut {
    SCRATCH.with(Cell::take).unwrap_or_default()
}

/// Gives the buffer back for the next response on this thread, unless it grew large.
pub(crate) fn keep(mut buffer: BytesMut) {
    if buffer.capacity() <= KEEP_LIMIT {
        buffer.clear();
        SCRATCH.with(|slot| slot.set(Some(buffer)));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_thread_gets_its_buffer_back_unless_it_grew_large() {
        std::thread::spawn(|| {
            let mut buffer = take();
            buffer.extend_from_slice(b"Content-Type: text/plain\r\n");
            let kept = buffer.as_ptr();
            keep(buffer);
            let again = take();
            assert!(again.is_empty());
            assert_eq!(again.as_ptr(), kept, "the same allocation");
            keep(BytesMut::with_capacity(KEEP_LIMIT + 1));
            assert_eq!(take().capacity(), 0, "a large buffer is not kept");
        })
        .join()
        .unwrap();
    }
}
