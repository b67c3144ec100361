//! Tests of the worker pool: validation, growth, shrinking, overload, panics, shutdown.

use std::sync::mpsc;

use super::*;

const LONG: Duration = Duration::from_secs(10);

/// Polls `cond` every few milliseconds until it holds or `LONG` passes.
fn eventually(mut cond: impl FnMut() -> bool) -> bool {
    let deadline = Instant::now() + LONG;
    while Instant::now() < deadline {
        if cond() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(2));
    }
    cond()
}

/// A closure as a pool job (the server's jobs are connections' kept slots).
struct Closure(Mutex<Option<Box<dyn FnOnce() + Send>>>);

impl SharedJob for Closure {
    fn run(&self) {
        let work = self.0.lock().unwrap().take();
        if let Some(work) = work {
            work();
        }
    }

    fn abandon(&self) {
        self.0.lock().unwrap().take();
    }
}

impl Job {
    fn once(work: impl FnOnce() + Send + 'static) -> Job {
        Job::new(Arc::new(Closure(Mutex::new(Some(Box::new(work))))))
    }
}

/// A job that blocks until the returned sender is dropped or sends, and reports on `started`
/// when it begins.
fn blocking_job(started: &mpsc::Sender<String>) -> (Job, mpsc::Sender<()>) {
    let (release_tx, release_rx) = mpsc::channel::<()>();
    let started = started.clone();
    let job = Job::once(move || {
        let name = std::thread::current().name().unwrap_or("").to_owned();
        started.send(name).unwrap();
        let _ = release_rx.recv_timeout(LONG);
    });
    (job, release_tx)
}

fn pool(min: usize, max: Option<usize>, queue: usize, idle: Duration) -> WorkerPool {
    WorkerPool::new(min, max, queue, idle).unwrap()
}

// test_server.py::test_threadpool_invalid_threadrange
#[test]
fn invalid_ranges_are_errors_with_cheroot_messages() {
    let table: &[(usize, Option<usize>, usize, &str)] = &[
        (0, None, 1, "min=0 must be > 0"),
        (
            1,
            Some(0),
            1,
            "Expected an integer or the infinity value for the `max` argument but got 0.",
        ),
        (
            10,
            Some(5),
            1,
            "max=5 must be > min=10 (or infinity for no max)",
        ),
        (1, None, 0, "queue_size=0 must be > 0"),
    ];
    for &(min, max, queue, want) in table {
        let err = WorkerPool::new(min, max, queue, LONG).unwrap_err();
        assert_eq!(err.to_string(), want);
    }
}

// test_server.py::test_threadpool_threadrange_set
#[test]
fn valid_ranges_are_kept() {
    for (min, max) in [(1, None), (3, Some(3)), (2, Some(10))] {
        let p = pool(min, max, 4, LONG);
        assert_eq!((p.min(), p.max(), p.queue_size()), (min, max, 4));
        p.start().unwrap();
        assert_eq!(p.threads(), min);
        assert!(eventually(|| p.idle() == min));
        assert!(p.shutdown(Instant::now() + LONG).is_clean());
        assert_eq!(p.threads(), 0);
    }
}

#[test]
fn shareable_between_threads() {
    fn assert_send_sync<T: Send + Sync + Clone>() {}
    assert_send_sync::<WorkerPool>();
}

// test_server.py::test_threadpool_multistart_validation
#[test]
fn second_start_is_an_error() {
    let p = pool(1, None, 1, LONG);
    p.start().unwrap();
    let err = p.start().unwrap_err();
    assert_eq!(err.to_string(), "Threadpools can only be started once.");
    p.shutdown(Instant::now() + LONG);
    assert_eq!(p.threads(), 0);
}

#[tokio::test]
async fn grows_to_max_under_load_then_shrinks_to_min() {
    let p = pool(1, Some(3), 10, Duration::from_millis(20));
    p.start().unwrap();
    let (started_tx, started_rx) = mpsc::channel();
    let mut releases = Vec::new();
    for _ in 0..5 {
        let (job, release) = blocking_job(&started_tx);
        p.submit(job, LONG).await.unwrap();
        releases.push(release);
    }
    let mut names: Vec<String> = (0..3)
        .map(|_| started_rx.recv_timeout(LONG).unwrap())
        .collect();
    names.sort();
    assert_eq!(
        names,
        ["cheroot-worker-1", "cheroot-worker-2", "cheroot-worker-3"]
    );
    assert_eq!(p.threads(), 3, "never above max");
    assert_eq!(p.queued(), 2);
    assert_eq!(p.idle(), 0);

    drop(releases);
    assert!(eventually(|| p.queued() == 0 && p.threads() == 1), "{p:?}");
    assert!(p.shutdown(Instant::now() + LONG).is_clean());
}

#[tokio::test]
async fn unbounded_max_gives_every_job_a_thread() {
    let p = pool(1, None, 1, LONG);
    p.start().unwrap();
    let (started_tx, started_rx) = mpsc::channel();
    let mut releases = Vec::new();
    for _ in 0..6 {
        let (job, release) = blocking_job(&started_tx);
        p.submit(job, LONG).await.unwrap();
        releases.push(release);
    }
    for _ in 0..6 {
        started_rx.recv_timeout(LONG).unwrap();
    }
    assert_eq!(p.threads(), 6);
    drop(releases);
    assert!(p.shutdown(Instant::now() + LONG).is_clean());
}

#[tokio::test]
async fn full_queue_is_overloaded_after_the_wait() {
    let p = pool(1, Some(1), 1, LONG);
    p.start().unwrap();
    let (started_tx, started_rx) = mpsc::channel();
    let (running, release_running) = blocking_job(&started_tx);
    p.submit(running, LONG).await.unwrap();
    started_rx.recv_timeout(LONG).unwrap();
    let (queued, release_queued) = blocking_job(&started_tx);
    p.submit(queued, LONG).await.unwrap();
    assert_eq!(p.queued(), 1);

    let err = p
        .submit(Job::once(|| {}), Duration::from_millis(20))
        .await
        .unwrap_err();
    assert!(!err.is_shutdown());
    assert_eq!(err.to_string(), "the worker pool's queue is full");
    assert!(p.try_submit(Job::once(|| {})).is_err());

    // Room comes back once the worker takes the queued job.
    drop(release_running);
    started_rx.recv_timeout(LONG).unwrap();
    let (done_tx, done_rx) = mpsc::channel();
    p.submit(Job::once(move || done_tx.send(()).unwrap()), LONG)
        .await
        .unwrap();
    drop(release_queued);
    done_rx.recv_timeout(LONG).unwrap();
    assert!(p.shutdown(Instant::now() + LONG).is_clean());
}

#[tokio::test]
async fn a_panicking_job_leaves_the_worker_alive() {
    let p = pool(1, Some(1), 4, LONG);
    p.start().unwrap();
    p.submit(Job::once(|| panic!("boom")), LONG).await.unwrap();
    p.submit(Job::once(|| std::panic::panic_any(42)), LONG)
        .await
        .unwrap();
    let (tx, rx) = mpsc::channel();
    p.submit(
        Job::once(move || {
            tx.send(std::thread::current().name().map(str::to_owned))
                .unwrap();
        }),
        LONG,
    )
    .await
    .unwrap();
    assert_eq!(
        rx.recv_timeout(LONG).unwrap().as_deref(),
        Some("cheroot-worker-1"),
        "the same worker ran the job after two panics"
    );
    assert_eq!(p.threads(), 1);
    assert!(p.shutdown(Instant::now() + LONG).is_clean());
}

#[tokio::test]
async fn shutdown_reports_jobs_past_the_deadline() {
    let p = pool(1, Some(1), 4, LONG);
    p.start().unwrap();
    let (started_tx, started_rx) = mpsc::channel();
    let (stuck, release) = blocking_job(&started_tx);
    p.submit(stuck, LONG).await.unwrap();
    started_rx.recv_timeout(LONG).unwrap();
    let ran_queued = Arc::new(AtomicBool::new(false));
    let flag = Arc::clone(&ran_queued);
    // Kept here too, as a connection keeps its slot: the queued work must still be let go.
    let kept: Arc<Closure> = Arc::new(Closure(Mutex::new(Some(Box::new(move || {
        flag.store(true, Ordering::SeqCst);
    })))));
    p.submit(Job::new(Arc::clone(&kept) as Arc<dyn SharedJob>), LONG)
        .await
        .unwrap();

    let report = p.shutdown(Instant::now() + Duration::from_millis(20));
    assert_eq!(report.still_running, ["cheroot-worker-1"]);
    assert_eq!(report.dropped_jobs, 1);
    assert!(!report.is_clean());
    assert!(
        kept.0.lock().unwrap().is_none(),
        "a dropped job abandons its work"
    );
    assert_eq!(Arc::strong_count(&ran_queued), 1, "its closure is gone");

    let err = p.submit(Job::once(|| {}), LONG).await.unwrap_err();
    assert!(err.is_shutdown());
    assert!(p.try_submit(Job::once(|| {})).unwrap_err().is_shutdown());
    assert_eq!(
        p.start().unwrap_err().to_string(),
        "Threadpools can only be started once."
    );

    drop(release);
    assert!(eventually(|| p.threads() == 0));
    assert!(!ran_queued.load(Ordering::SeqCst), "dropped jobs never run");
}

#[tokio::test]
async fn shutdown_lets_queued_jobs_finish_before_the_deadline() {
    let p = pool(1, Some(1), 8, LONG);
    p.start().unwrap();
    let (tx, rx) = mpsc::channel();
    for i in 0..5 {
        let tx = tx.clone();
        p.submit(Job::once(move || tx.send(i).unwrap()), LONG)
            .await
            .unwrap();
    }
    assert!(p.shutdown(Instant::now() + LONG).is_clean());
    let got: Vec<i32> = rx.try_iter().collect();
    assert_eq!(got, [0, 1, 2, 3, 4]);
}

#[tokio::test]
async fn jobs_before_start_still_run() {
    let p = pool(2, None, 2, LONG);
    let (tx, rx) = mpsc::channel();
    p.submit(Job::once(move || tx.send(()).unwrap()), LONG)
        .await
        .unwrap();
    rx.recv_timeout(LONG).unwrap();
    p.start().unwrap();
    assert!(eventually(|| p.threads() == 2));
    assert!(p.shutdown(Instant::now() + LONG).is_clean());
}

/// A started pool that believes it has one core.
fn one_core_pool(min: usize, max: Option<usize>) -> WorkerPool {
    let p = WorkerPool::with_cores(min, max, 16, LONG, 1);
    p.start().unwrap();
    assert!(eventually(|| p.idle() == min));
    p
}

#[tokio::test]
async fn on_one_core_a_blocked_job_gets_an_idle_thread_called_for_the_next() {
    let p = one_core_pool(2, Some(2));
    let (started_tx, started_rx) = mpsc::channel();
    let (blocked, release) = blocking_job(&started_tx);
    p.submit(blocked, LONG).await.unwrap();
    let first = started_rx.recv_timeout(LONG).unwrap();
    // One thread is awake (in the blocked job): the next job waits for the monitor to see
    // that the queue does not move, and to wake the other thread.
    let (done_tx, done_rx) = mpsc::channel();
    p.submit(
        Job::once(move || {
            let name = std::thread::current().name().unwrap_or("").to_owned();
            done_tx.send(name).unwrap();
        }),
        LONG,
    )
    .await
    .unwrap();
    let second = done_rx.recv_timeout(LONG).unwrap();
    assert_ne!(first, second, "ran beside the blocked job, not after it");
    assert_eq!(p.threads(), 2);
    drop(release);
    assert!(p.shutdown(Instant::now() + LONG).is_clean());
}

#[tokio::test]
async fn on_one_core_a_stalled_queue_grows_the_pool() {
    let p = one_core_pool(1, Some(2));
    let (started_tx, started_rx) = mpsc::channel();
    let (blocked, release) = blocking_job(&started_tx);
    p.submit(blocked, LONG).await.unwrap();
    started_rx.recv_timeout(LONG).unwrap();
    let (done_tx, done_rx) = mpsc::channel();
    p.submit(Job::once(move || done_tx.send(()).unwrap()), LONG)
        .await
        .unwrap();
    done_rx.recv_timeout(LONG).unwrap();
    assert_eq!(p.threads(), 2, "a thread was started for the stalled job");
    drop(release);
    assert!(p.shutdown(Instant::now() + LONG).is_clean());
}

#[tokio::test]
async fn on_one_core_a_worker_yields_after_a_job_then_waits_and_is_called_again() {
    let p = WorkerPool::with_cores(1, Some(1), 16, LONG, 1);
    p.set_batch_scheduling(true);
    p.start().unwrap();
    // One job at a time, each queued after the last ended (as one pipelining connection
    // does): the worker takes each, whether it is still yielding or already waits.
    for i in 0..50 {
        let (tx, rx) = mpsc::channel();
        p.submit(Job::once(move || tx.send(i).unwrap()), LONG)
            .await
            .unwrap();
        assert_eq!(rx.recv_timeout(LONG).unwrap(), i);
    }
    // With nothing more to do it waits as before, and is called for the next job.
    assert!(eventually(|| p.idle() == 1));
    let (tx, rx) = mpsc::channel();
    p.submit(Job::once(move || tx.send(()).unwrap()), LONG)
        .await
        .unwrap();
    rx.recv_timeout(LONG).unwrap();
    assert!(p.shutdown(Instant::now() + LONG).is_clean());
}

/// The state of a pool with `threads` threads of which `idle` wait, `busy` run a job,
/// `pending` wake-ups are on their way, and `queued` jobs wait.
fn state(threads: usize, idle: usize, busy: usize, pending: usize, queued: usize) -> State {
    let mut st = State {
        threads,
        idle,
        wakes_pending: pending,
        monitor_running: true,
        ..State::default()
    };
    for id in 0..busy {
        st.busy.push((id, Arc::from("w")));
    }
    for _ in 0..queued {
        st.queue.push_back(Job::once(|| {}));
    }
    st
}

/// cores, min, threads, idle, busy, wake-ups pending.
type PoolShape = (usize, usize, usize, usize, usize, usize);

#[test]
fn who_is_called_for_a_new_job() {
    // shape -> (wake, grow, watch)
    let table: &[(PoolShape, (bool, bool, bool))] = &[
        // Nobody awake: wake one.
        ((1, 4, 4, 4, 0, 0), (true, false, false)),
        // One awake on one core: it takes the job after its own; the monitor watches.
        ((1, 4, 4, 3, 1, 0), (false, false, true)),
        // A wake-up already on its way counts as awake.
        ((1, 4, 4, 4, 0, 1), (false, false, true)),
        // Two cores, one awake: wake a second.
        ((2, 4, 4, 3, 1, 0), (true, false, false)),
        // Two cores, two awake: the monitor watches.
        ((2, 4, 4, 2, 2, 0), (false, false, true)),
        // Fewer threads than min (jobs before start): start one.
        ((1, 2, 0, 0, 0, 0), (false, true, false)),
        // Every thread busy: the monitor decides on growth, not the submitter.
        ((1, 1, 1, 0, 1, 0), (false, false, true)),
    ];
    for &((cores, min, threads, idle, busy, pending), want) in table {
        let p = WorkerPool::with_cores(min, None, 16, LONG, cores);
        let mut st = state(threads, idle, busy, pending, 1);
        let help = p.shared.call_help(&mut st);
        assert_eq!(
            (help.wake, help.grow, help.watch),
            want,
            "cores {cores} min {min} threads {threads} idle {idle} busy {busy} pending {pending}"
        );
    }
}

#[test]
fn growth_needs_every_thread_in_a_job_and_room_under_max() {
    /// max, threads, idle, busy, wake-ups pending, queued jobs, and whether it may grow.
    type Row = (Option<usize>, usize, usize, usize, usize, usize, bool);
    let table: &[Row] = &[
        (None, 2, 0, 2, 0, 1, true),
        (Some(2), 2, 0, 2, 0, 1, false),
        (None, 2, 0, 1, 0, 1, false), // one between jobs: it gets to the queue
        (None, 2, 1, 1, 0, 1, false), // one idle: wake it instead
        (None, 2, 1, 1, 1, 1, false), // the idle one is called: it takes the job
        (None, 2, 0, 2, 0, 0, false), // nothing queued
    ];
    for &(max, threads, idle, busy, pending, queued, want) in table {
        let st = state(threads, idle, busy, pending, queued);
        assert_eq!(
            st.may_grow(max),
            want,
            "max {max:?} threads {threads} idle {idle} busy {busy} pending {pending} queued {queued}"
        );
    }
}
