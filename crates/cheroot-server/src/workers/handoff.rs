//! The channel that carries a pooled response from its worker thread to the connection task:
//! bounded, blocking on the worker's side, async on the connection's.
//!
//! tokio's `mpsc` did this job, at a cost paid per request: a channel allocates its first
//! block of 32 slots up front, and `blocking_send` enters a `block_on` each time. Most
//! pooled responses are one message (the whole small response rides on `End`), and this
//! channel allocates nothing per message; a response's `Data` messages queue up to a
//! capacity, and a worker that finds the queue full waits on a condition variable until the
//! connection task takes one.
//!
//! The queue is a ring inside the channel's one allocation, not a `VecDeque`: an unbuffered
//! response's body goes out as one `Data` before `End`, and the `VecDeque`'s first push
//! allocated (and its drop freed) on every such request: 700 of a pooled hello response's
//! 13,600 instructions under 50 keep-alive connections, 470 of 10,300 pipelined (callgrind;
//! docs/benchmarks.md, issue 16).
//!
//! One channel carries the responses of a batch of pipelined requests, one after another (see
//! [`JobSlot`](crate::conn::pooled::JobSlot)): `End` queues in the ring like the other
//! messages, and the ring holds a whole batch of small responses, so a worker answers the
//! batch without waiting for the connection task.

use std::future::poll_fn;
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::task::{Poll, Waker};

use bytes::{Bytes, BytesMut};
use cheroot_wire::RequestHead;

use crate::exchange::file_region::FileRegion;
use crate::exchange::outcome::Outcome;
use crate::workers::wake_batch::WakeBatch;

/// How many `Data` and `File` messages may wait between a worker and the connection task:
/// the most a [`channel`] holds before its worker waits.
pub(crate) const EVENT_CHANNEL_CAPACITY: usize = 8;

/// The most pipelined requests one job answers (and so the most `End` messages that wait in a
/// channel at once).
pub(crate) const PIPELINE_BATCH: usize = 16;

/// Slots of the ring: room for a batch of unbuffered responses (`Data` and `End` each) and
/// for a full queue of a large response's `Data`. A power of two.
const RING_SLOTS: usize = 2 * PIPELINE_BATCH;

/// A message from a worker thread to the connection task.
#[derive(Debug)]
pub(crate) enum Event {
    /// Bytes to send, already framed.
    Data(Bytes),
    /// A file region to send as it is (its framing went in the `Data` before it), with
    /// sendfile(2).
    File(FileRegion),
    /// The gateway returned: the response is whole (the next response of a batch may follow).
    End(Ended),
}

/// What a worker hands back when its gateway returned.
#[derive(Debug)]
pub(crate) struct Ended {
    pub(crate) outcome: Outcome,
    /// The last bytes of the response (often the whole of a small one: one message, one
    /// wake-up of the connection task), in the buffer the connection lent the worker.
    pub(crate) last: BytesMut,
}

/// A new channel holding up to `capacity` `Data` messages of the response being written (at
/// least one, at most [`EVENT_CHANNEL_CAPACITY`]); the worker's wake-ups of the connection task
/// go through `wakes`.
pub(crate) fn channel(capacity: usize, wakes: Arc<WakeBatch>) -> (EventSender, EventReceiver) {
    let inner = Arc::new(Inner {
        wakes,
        state: Mutex::new(State {
            queue: Ring::default(),
            head: None,
            capacity: capacity.clamp(1, EVENT_CHANNEL_CAPACITY),
            waker: None,
            sender_gone: false,
            receiver_gone: false,
            sender_waiting: false,
        }),
        room: Condvar::new(),
    });
    (
        EventSender {
            inner: Arc::clone(&inner),
        },
        EventReceiver { inner },
    )
}

/// The worker's end. Dropping it without sending `End` tells the receiver the job ended
/// without a word.
pub(crate) struct EventSender {
    inner: Arc<Inner>,
}

/// The connection task's end. Dropping it wakes a worker waiting for room, whose sends then
/// fail: the client is gone.
pub(crate) struct EventReceiver {
    inner: Arc<Inner>,
}

/// The receiver is gone: the client will not get the message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Closed;

struct Inner {
    state: Mutex<State>,
    /// Where the worker hands the connection task's waker (see `wake_batch.rs`).
    wakes: Arc<WakeBatch>,
    /// Wakes a worker waiting for room in `queue`.
    room: Condvar,
}

struct State {
    /// Every message, in order.
    queue: Ring,
    /// The last request head sent back with `End` (see [`EventSender::send_end`]), to be
    /// dropped by the receiver.
    head: Option<RequestHead>,
    /// How many `Data` and `File` messages may queue before the next waits for room.
    capacity: usize,
    /// The connection task, waiting for a message.
    waker: Option<Waker>,
    sender_gone: bool,
    receiver_gone: bool,
    /// Whether the worker waits on `room`: only then is there anyone to notify (a notify is a
    /// system call even with no one waiting).
    sender_waiting: bool,
}

/// Up to [`RING_SLOTS`] queued messages, oldest first, held in place.
#[derive(Default)]
struct Ring {
    slots: [Option<Event>; RING_SLOTS],
    /// The slot of the oldest message.
    first: usize,
    len: usize,
    /// How many of the messages are `End`.
    ends: usize,
    /// How many `Data` and `File` messages follow the last `End`: the pieces of the response
    /// being written, which a capacity bounds (those of ended responses are bounded by the
    /// batch, and do not make a worker wait).
    open: usize,
}

impl Ring {
    fn is_empty(&self) -> bool {
        self.len == 0
    }

    fn is_full(&self) -> bool {
        self.len == RING_SLOTS
    }

    /// `Data` and `File` messages of the response being written.
    fn open(&self) -> usize {
        self.open
    }

    /// Appends `queued`; the caller has checked there is room.
    fn push_back(&mut self, event: Event) {
        let at = (self.first + self.len) % RING_SLOTS;
        if matches!(event, Event::End(_)) {
            self.ends += 1;
            self.open = 0;
        } else {
            self.open += 1;
        }
        self.slots[at] = Some(event);
        self.len += 1;
    }

    fn pop_front(&mut self) -> Option<Event> {
        if self.len == 0 {
            return None;
        }
        let queued = self.slots[self.first].take();
        self.first = (self.first + 1) % RING_SLOTS;
        self.len -= 1;
        match queued {
            Some(Event::End(_)) => self.ends -= 1,
            // A piece with no `End` behind it is the open response's.
            Some(_) if self.ends == 0 => self.open -= 1,
            _ => {}
        }
        queued
    }
}

impl Inner {
    /// The lock; neither side runs foreign code under it, so a poisoned lock is still sound.
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Wakes the connection task if it waits, after letting go of the lock.
    fn wake_receiver(&self, mut st: MutexGuard<'_, State>) {
        let waker = st.waker.take();
        drop(st);
        if let Some(waker) = waker {
            self.wakes.wake(waker);
        }
    }
}

impl EventSender {
    /// Sends `event`: a `Data` or `File` waits while `capacity` pieces of the same response
    /// are queued; any message waits while the ring is full (never, for a batch's responses
    /// of a message or two).
    ///
    /// # Errors
    ///
    /// [`Closed`] if the receiver is gone.
    pub(crate) fn blocking_send(&self, event: Event) -> Result<(), Closed> {
        self.queue(event, None)
    }

    /// Sends `End`, with the request head, back to be dropped where it was allocated: memory
    /// allocated by one thread and freed by another is slow with malloc's per-thread caches
    /// and arenas, and the connection task and the workers would otherwise trade every
    /// request's buffers.
    ///
    /// The head waits in the channel beside the messages rather than inside `End`: `Event` is
    /// moved several times on its way to the connection (into `select!`'s output, the call
    /// that forwards it, the one that finishes the response), and with the head inside, each
    /// move copied its 216 bytes: 490 instructions more per pooled response, 600 pipelined
    /// (callgrind; docs/benchmarks.md, issue 16). Of a batch's heads, one waits at a time: the
    /// one it replaces is dropped here, which only lowers the count on the read buffer every
    /// head of the batch shares (the connection, and the head that waits, still hold it).
    ///
    /// # Errors
    ///
    /// [`Closed`] if the receiver is gone.
    pub(crate) fn send_end(&self, ended: Ended, head: RequestHead) -> Result<(), Closed> {
        self.queue(Event::End(ended), Some(head))
    }

    /// Queues `event` once there is room, with `head` to hand back, and wakes the receiver.
    fn queue(&self, event: Event, head: Option<RequestHead>) -> Result<(), Closed> {
        let piece = !matches!(event, Event::End(_));
        let mut st = self.inner.lock();
        loop {
            if st.receiver_gone {
                return Err(Closed);
            }
            // Only the pieces of the response being written count against the capacity: a
            // batch's earlier responses are bounded by the batch, and counting them made a
            // worker answering a batch of unbuffered responses (`Data`, then `End`, each)
            // wait every few requests (a context switch each on one core).
            let room = !st.queue.is_full() && (!piece || st.queue.open() < st.capacity);
            if room {
                st.queue.push_back(event);
                break;
            }
            st.sender_waiting = true;
            st = self.inner.room.wait(st).unwrap_or_else(|p| p.into_inner());
            st.sender_waiting = false;
        }
        // The head a batch's earlier `End` left, if the receiver has not taken it: dropped
        // after the lock. Checked first, so the usual send moves no head out.
        let replaced = match head {
            Some(_) if st.head.is_some() => std::mem::replace(&mut st.head, head),
            Some(_) => {
                st.head = head;
                None
            }
            None => None,
        };
        self.inner.wake_receiver(st);
        drop(replaced);
        Ok(())
    }
}

impl Drop for EventSender {
    fn drop(&mut self) {
        let mut st = self.inner.lock();
        st.sender_gone = true;
        self.inner.wake_receiver(st);
    }
}

impl EventReceiver {
    /// The next message, in the order sent (each response's `Data` and `File`, then its
    /// `End`); `None` once the sender is gone and nothing is left.
    pub(crate) async fn recv(&mut self) -> Option<Event> {
        poll_fn(|cx| self.poll_next(Some(cx.waker()))).await
    }

    /// The next message if one is there now, as [`recv`](Self::recv) would give it; `Pending`
    /// when none is (and then nobody is woken for the next one).
    pub(crate) fn try_recv(&mut self) -> Poll<Option<Event>> {
        self.poll_next(None)
    }

    /// The next message, or `Pending` with `waker` left to be woken when one comes.
    fn poll_next(&self, waker: Option<&Waker>) -> Poll<Option<Event>> {
        let mut st = self.inner.lock();
        if let Some(event) = st.queue.pop_front() {
            // One wake-up per wait: on one core the woken worker runs only once this task
            // yields, and a wake-up per message taken meanwhile was a system call each.
            let waiting = std::mem::take(&mut st.sender_waiting);
            // Dropped here, on the receiver's thread, after the lock.
            let head = match event {
                Event::End(_) if st.head.is_some() => st.head.take(),
                _ => None,
            };
            drop(st);
            if waiting {
                self.inner.room.notify_one();
            }
            drop(head);
            return Poll::Ready(Some(event));
        }
        if st.sender_gone {
            return Poll::Ready(None);
        }
        if let Some(waker) = waker {
            match &mut st.waker {
                Some(left) if left.will_wake(waker) => {}
                slot => *slot = Some(waker.clone()),
            }
        }
        Poll::Pending
    }

    /// A sender for another exchange over this channel once the last one is over (its sender
    /// dropped, nothing left to receive); `None` while a worker still holds the old sender.
    ///
    /// A connection keeps its channel from one pooled request to the next: made afresh, it
    /// was an allocation on one thread and a free on another per request, 400 of a pooled
    /// hello response's 9,600 instructions with glibc's malloc (callgrind; docs/benchmarks.md,
    /// issue 16).
    pub(crate) fn renew(&self) -> Option<EventSender> {
        // Only this receiver holds the channel, and nothing else can take hold of it now.
        if Arc::strong_count(&self.inner) != 1 {
            return None;
        }
        let mut st = self.inner.lock();
        if !st.queue.is_empty() {
            return None;
        }
        st.head = None;
        st.sender_gone = false;
        st.sender_waiting = false;
        drop(st);
        Some(EventSender {
            inner: Arc::clone(&self.inner),
        })
    }

    /// Whether no message waits now.
    pub(crate) fn is_empty(&self) -> bool {
        self.inner.lock().queue.is_empty()
    }
}

impl Drop for EventReceiver {
    fn drop(&mut self) {
        let mut st = self.inner.lock();
        st.receiver_gone = true;
        // Taken only when something is left: moving the ring out copies all its slots.
        let dropped = (!st.queue.is_empty()).then(|| std::mem::take(&mut st.queue));
        let waiting = st.sender_waiting;
        drop(st);
        if waiting {
            self.inner.room.notify_one();
        }
        // Dropping the bytes may free memory: not under the lock.
        drop(dropped);
    }
}

#[cfg(test)]
mod tests;
