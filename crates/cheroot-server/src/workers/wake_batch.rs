//! Waking connection tasks from worker threads in batches, through one dispatcher task on the
//! I/O runtime.
//!
//! A task woken from outside its runtime costs a system call: tokio pushes it on the
//! runtime's inject queue and writes the I/O driver's eventfd, every time (measured: one
//! `write` per pooled request, beside its `recvfrom` and `writev`). Here a worker hands the
//! waker to a [`WakeBatch`] instead; only the first waker of a batch wakes the dispatcher task
//! from outside, and the dispatcher wakes the rest from inside the runtime, where waking is a
//! queue push. A burst of responses then costs one eventfd write, not one each.

use std::future::Future;
use std::sync::{Arc, Mutex, MutexGuard};
use std::task::{Poll, Waker};

/// Wakers waiting to be woken from the I/O runtime.
#[derive(Debug, Default)]
pub(crate) struct WakeBatch {
    state: Mutex<State>,
}

#[derive(Debug, Default)]
struct State {
    pending: Vec<Waker>,
    /// The dispatcher, parked with nothing to do.
    dispatcher: Option<Waker>,
    /// Whether the dispatcher was told there is work (or is at it): later wakers just queue.
    scheduled: bool,
    /// The dispatcher is gone (the runtime is shutting down): wake directly.
    closed: bool,
}

impl WakeBatch {
    fn lock(&self) -> MutexGuard<'_, State> {
        // No foreign code runs under the lock (wakers are woken after it), so a poisoned lock
        // still holds consistent state.
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Wakes `waker` soon, from the I/O runtime. Callable from any thread.
    pub(crate) fn wake(&self, waker: Waker) {
        let mut st = self.lock();
        if st.closed {
            drop(st);
            waker.wake();
            return;
        }
        st.pending.push(waker);
        if st.scheduled {
            return;
        }
        st.scheduled = true;
        let dispatcher = st.dispatcher.take();
        drop(st);
        if let Some(dispatcher) = dispatcher {
            dispatcher.wake();
        }
    }

    /// The dispatcher: wakes queued wakers, batch after batch, until the runtime drops it.
    /// Spawn it once per runtime. Dropped, even before it ever ran, it closes the batch, so no
    /// waker is left unwoken.
    pub(crate) fn dispatch(self: Arc<Self>) -> impl Future<Output = ()> + Send + 'static {
        let closing = Closing(Arc::clone(&self));
        async move {
            let _closing = closing;
            let mut batch: Vec<Waker> = Vec::new();
            loop {
                std::future::poll_fn(|cx| {
                    let mut st = self.lock();
                    if st.pending.is_empty() {
                        st.scheduled = false;
                        match &mut st.dispatcher {
                            Some(waker) if waker.will_wake(cx.waker()) => {}
                            slot => *slot = Some(cx.waker().clone()),
                        }
                        return Poll::Pending;
                    }
                    std::mem::swap(&mut st.pending, &mut batch);
                    Poll::Ready(())
                })
                .await;
                batch.drain(..).for_each(Waker::wake);
            }
        }
    }
}

/// Closes the batch when the dispatcher goes, waking what is still queued.
struct Closing(Arc<WakeBatch>);

impl Drop for Closing {
    fn drop(&mut self) {
        let mut st = self.0.lock();
        st.closed = true;
        let left = std::mem::take(&mut st.pending);
        drop(st);
        left.into_iter().for_each(Waker::wake);
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::time::Duration;

    use super::*;

    /// A future that completes once `flag` is set, leaving its waker in `slot`.
    async fn wait_for(flag: Arc<AtomicBool>, slot: Arc<Mutex<Option<Waker>>>) {
        std::future::poll_fn(|cx| {
            *slot.lock().unwrap() = Some(cx.waker().clone());
            if flag.load(Ordering::SeqCst) {
                Poll::Ready(())
            } else {
                Poll::Pending
            }
        })
        .await;
    }

    #[test]
    fn every_task_woken_from_another_thread_runs() {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let batch = Arc::new(WakeBatch::default());
        runtime.spawn(Arc::clone(&batch).dispatch());
        let tasks: Vec<_> = (0..100)
            .map(|_| {
                (
                    Arc::new(AtomicBool::new(false)),
                    Arc::new(Mutex::new(None::<Waker>)),
                )
            })
            .collect();
        let handles: Vec<_> = tasks
            .iter()
            .map(|(flag, slot)| runtime.spawn(wait_for(Arc::clone(flag), Arc::clone(slot))))
            .collect();
        runtime.block_on(async {
            // Let every task run once and leave its waker.
            tokio::time::sleep(Duration::from_millis(20)).await;
        });
        let waker_thread = {
            let batch = Arc::clone(&batch);
            let tasks = tasks.clone();
            std::thread::spawn(move || {
                for (flag, slot) in &tasks {
                    flag.store(true, Ordering::SeqCst);
                    let waker = slot.lock().unwrap().take().expect("the task left a waker");
                    batch.wake(waker);
                }
            })
        };
        waker_thread.join().unwrap();
        runtime.block_on(async {
            for handle in handles {
                tokio::time::timeout(Duration::from_secs(10), handle)
                    .await
                    .expect("woken within 10 s")
                    .unwrap();
            }
        });
    }

    #[test]
    fn without_a_dispatcher_wakers_are_woken_directly() {
        let batch = Arc::new(WakeBatch::default());
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        // The dispatcher was dropped (here before it ever ran): the batch is closed.
        let dispatcher = runtime.spawn(Arc::clone(&batch).dispatch());
        dispatcher.abort();
        let _ = runtime.block_on(dispatcher);
        assert!(batch.lock().closed);
        let flag = Arc::new(AtomicBool::new(false));
        let slot = Arc::new(Mutex::new(None));
        let task = runtime.spawn(wait_for(Arc::clone(&flag), Arc::clone(&slot)));
        runtime.block_on(async { tokio::time::sleep(Duration::from_millis(20)).await });
        flag.store(true, Ordering::SeqCst);
        let waker = slot.lock().unwrap().take().expect("the task left a waker");
        batch.wake(waker);
        runtime
            .block_on(async { tokio::time::timeout(Duration::from_secs(10), task).await })
            .expect("woken")
            .unwrap();
    }
}
