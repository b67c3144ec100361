//! The scoreboard: one slot per worker in memory shared between processes, where a worker
//! says it is ready, asks to be replaced, beats its heartbeat (the start of its oldest request
//! in progress, and a line naming that request) and publishes its statistics.

mod shared_memory;

use std::fmt;
use std::io;
use std::sync::atomic::{AtomicU64, Ordering, fence};

use shared_memory::SharedSlots;

/// Statistics figures a worker can publish (their names are the publisher's business).
pub const FIGURES: usize = 16;

/// Bytes kept of the line naming a worker's oldest request.
const REQUEST_BYTES: usize = 192;
const REQUEST_WORDS: usize = REQUEST_BYTES / 8;

/// A slot's `state`.
pub(crate) mod state {
    /// Not in use.
    pub(crate) const FREE: u64 = 0;
    /// Forked, not ready yet.
    pub(crate) const BOOTING: u64 = 1;
    /// Serving.
    pub(crate) const READY: u64 = 2;
    /// Asked to stop; finishing its requests.
    pub(crate) const STOPPING: u64 = 3;
}

/// One worker's slot. Only atomics, so an all-zero slot is valid and processes share it
/// safely.
#[repr(C)]
pub(crate) struct Slot {
    pid: AtomicU64,
    number: AtomicU64,
    state: AtomicU64,
    retiring: AtomicU64,
    handled: AtomicU64,
    /// `CLOCK_MONOTONIC` milliseconds at which the oldest request in progress started; 0
    /// when none is.
    busy_since: AtomicU64,
    /// Seqlock over `request`: odd while the worker writes it.
    request_seq: AtomicU64,
    request: [AtomicU64; REQUEST_WORDS],
    figures: [AtomicU64; FIGURES],
}

impl Slot {
    pub(crate) fn claim(&self, pid: u32, number: u64) {
        self.handled.store(0, Ordering::Relaxed);
        self.retiring.store(0, Ordering::Relaxed);
        self.busy_since.store(0, Ordering::Relaxed);
        for figure in &self.figures {
            figure.store(0, Ordering::Relaxed);
        }
        self.number.store(number, Ordering::Relaxed);
        self.pid.store(u64::from(pid), Ordering::Relaxed);
        self.state.store(state::BOOTING, Ordering::Release);
    }

    pub(crate) fn set_pid(&self, pid: u32) {
        self.pid.store(u64::from(pid), Ordering::Relaxed);
    }

    pub(crate) fn release(&self) {
        self.state.store(state::FREE, Ordering::Release);
        self.pid.store(0, Ordering::Relaxed);
    }

    pub(crate) fn state(&self) -> u64 {
        self.state.load(Ordering::Acquire)
    }

    pub(crate) fn set_state(&self, value: u64) {
        self.state.store(value, Ordering::Release);
    }

    pub(crate) fn is_retiring(&self) -> bool {
        self.retiring.load(Ordering::Acquire) != 0
    }

    pub(crate) fn retire(&self) {
        self.retiring.store(1, Ordering::Release);
    }

    /// Counts one answered request; returns the new count.
    pub(crate) fn count_handled(&self) -> u64 {
        self.handled.fetch_add(1, Ordering::Relaxed) + 1
    }

    pub(crate) fn busy_since(&self) -> u64 {
        self.busy_since.load(Ordering::Acquire)
    }

    /// Publishes the oldest request in progress (`None`: no request). Callers serialise
    /// writes (one writer per slot).
    pub(crate) fn set_oldest(&self, oldest: Option<(u64, &str)>) {
        let Some((since, line)) = oldest else {
            self.busy_since.store(0, Ordering::Release);
            return;
        };
        let seq = self.request_seq.load(Ordering::Relaxed);
        self.request_seq
            .store(seq.wrapping_add(1), Ordering::Relaxed);
        fence(Ordering::Release);
        let mut bytes = [0u8; REQUEST_BYTES];
        let kept = line.len().min(REQUEST_BYTES);
        bytes[..kept].copy_from_slice(&line.as_bytes()[..kept]);
        for (word, chunk) in self.request.iter().zip(bytes.chunks_exact(8)) {
            let value = u64::from_le_bytes(chunk.try_into().expect("8-byte chunks"));
            word.store(value, Ordering::Relaxed);
        }
        self.request_seq
            .store(seq.wrapping_add(2), Ordering::Release);
        self.busy_since.store(since, Ordering::Release);
    }

    /// The line naming the oldest request, read consistently (a torn read is retried).
    pub(crate) fn request_line(&self) -> String {
        for _ in 0..100 {
            let before = self.request_seq.load(Ordering::Acquire);
            if before % 2 == 1 {
                std::hint::spin_loop();
                continue;
            }
            let mut bytes = Vec::with_capacity(REQUEST_BYTES);
            for word in &self.request {
                bytes.extend_from_slice(&word.load(Ordering::Relaxed).to_le_bytes());
            }
            fence(Ordering::Acquire);
            if self.request_seq.load(Ordering::Relaxed) == before {
                let end = bytes.iter().position(|&b| b == 0).unwrap_or(bytes.len());
                bytes.truncate(end);
                return String::from_utf8_lossy(&bytes).into_owned();
            }
        }
        String::from("(request being updated)")
    }

    pub(crate) fn publish(&self, figures: &[u64]) {
        for (slot, value) in self.figures.iter().zip(figures) {
            slot.store(*value, Ordering::Relaxed);
        }
    }

    fn view(&self) -> Option<SlotView> {
        let state = self.state();
        if state == state::FREE {
            return None;
        }
        let mut figures = [0; FIGURES];
        for (value, slot) in figures.iter_mut().zip(&self.figures) {
            *value = slot.load(Ordering::Relaxed);
        }
        Some(SlotView {
            pid: u32::try_from(self.pid.load(Ordering::Relaxed)).unwrap_or(0),
            number: self.number.load(Ordering::Relaxed),
            ready: state == state::READY,
            stopping: state == state::STOPPING,
            handled: self.handled.load(Ordering::Relaxed),
            figures,
        })
    }
}

/// What a worker's slot says, read at one moment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SlotView {
    /// The worker's process id.
    pub pid: u32,
    /// The worker's number (1 for the first started, counting up over restarts).
    pub number: u64,
    /// Whether it is serving.
    pub ready: bool,
    /// Whether it was asked to stop and is finishing its requests.
    pub stopping: bool,
    /// Requests its application answered.
    pub handled: u64,
    /// The figures it last published (see [`WorkerContext::publish`](crate::WorkerContext::publish)).
    pub figures: [u64; FIGURES],
}

/// Every worker's slot, in memory the master and its workers share.
pub struct Scoreboard {
    slots: SharedSlots,
}

impl Scoreboard {
    /// A scoreboard of `slots` free slots; make it before forking.
    pub(crate) fn new(slots: usize) -> io::Result<Scoreboard> {
        Ok(Scoreboard {
            slots: SharedSlots::new(slots)?,
        })
    }

    pub(crate) fn slot(&self, index: usize) -> &Slot {
        &self.slots.as_slice()[index]
    }

    /// A free slot's index.
    pub(crate) fn free_slot(&self) -> Option<usize> {
        self.slots
            .as_slice()
            .iter()
            .position(|slot| slot.state() == state::FREE)
    }

    /// Every worker that has a slot (starting, serving or stopping), by worker number.
    pub fn workers(&self) -> Vec<SlotView> {
        let mut views: Vec<SlotView> = self
            .slots
            .as_slice()
            .iter()
            .filter_map(Slot::view)
            .collect();
        views.sort_by_key(|view| view.number);
        views
    }
}

impl fmt::Debug for Scoreboard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Scoreboard")
            .field("workers", &self.workers())
            .finish()
    }
}

/// A request in progress, counted in its worker's heartbeat until dropped.
pub struct RequestGuard {
    pub(crate) release: Option<Box<dyn FnOnce() + Send>>,
}

impl fmt::Debug for RequestGuard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RequestGuard")
            .field("timed", &self.release.is_some())
            .finish()
    }
}

impl Drop for RequestGuard {
    fn drop(&mut self) {
        if let Some(release) = self.release.take() {
            release();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_claimed_slot_is_seen_and_a_released_one_is_not() {
        let board = Scoreboard::new(4).unwrap();
        assert!(board.workers().is_empty());
        let index = board.free_slot().unwrap();
        board.slot(index).claim(4242, 7);
        board.slot(index).publish(&[1, 2, 3]);
        board.slot(index).count_handled();
        let views = board.workers();
        assert_eq!(views.len(), 1);
        assert_eq!(views[0].pid, 4242);
        assert_eq!(views[0].number, 7);
        assert!(!views[0].ready);
        assert_eq!(views[0].handled, 1);
        assert_eq!(&views[0].figures[..4], &[1, 2, 3, 0]);
        board.slot(index).set_state(state::READY);
        assert!(board.workers()[0].ready);
        assert_ne!(board.free_slot(), Some(index));
        board.slot(index).release();
        assert!(board.workers().is_empty());
    }

    #[test]
    fn the_oldest_request_line_round_trips_and_is_cut_at_the_slot_size() {
        let board = Scoreboard::new(1).unwrap();
        let slot = board.slot(0);
        slot.set_oldest(Some((123, "GET /slow?ms=9000 from 127.0.0.1:5000")));
        assert_eq!(slot.busy_since(), 123);
        assert_eq!(slot.request_line(), "GET /slow?ms=9000 from 127.0.0.1:5000");
        let long = "x".repeat(500);
        slot.set_oldest(Some((124, &long)));
        assert_eq!(slot.request_line().len(), REQUEST_BYTES);
        slot.set_oldest(None);
        assert_eq!(slot.busy_since(), 0);
    }

    #[test]
    fn a_forked_child_writes_what_the_parent_reads() {
        // The point of the shared mapping: a write in a child process is seen by the parent.
        let board = Scoreboard::new(2).unwrap();
        match crate::fork::fork_for_test() {
            crate::Forked::Child => {
                board
                    .slot(1)
                    .claim(nix::unistd::getpid().as_raw().unsigned_abs(), 3);
                board.slot(1).set_state(state::READY);
                #[allow(
                    unsafe_code,
                    reason = "`_exit` leaves without the harness's exit handlers"
                )]
                // SAFETY: `_exit` ends the child at once; nothing runs after it.
                unsafe {
                    libc::_exit(0)
                };
            }
            crate::Forked::Parent(pid) => {
                nix::sys::wait::waitpid(pid, None).unwrap();
                let views = board.workers();
                assert_eq!(views.len(), 1);
                assert_eq!(i32::try_from(views[0].pid).unwrap(), pid.as_raw());
                assert!(views[0].ready);
            }
        }
    }
}
