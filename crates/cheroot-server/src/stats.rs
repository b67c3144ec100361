//! `Stats`: cheap server counters (relaxed atomics), off by default, and the snapshot with
//! cheroot's `server.stats` keys.
//!
//! Counting costs a relaxed load when disabled and a few relaxed adds when enabled. Per-worker
//! figures are kept per thread name (the pool's `cheroot-worker-N`, or the runtime's thread
//! name for work done inline); each thread finds its own counters through a thread-local
//! cache, so the shared registry is locked once per thread, not once per request.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering::Relaxed};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use crate::workers::pool::WorkerPool;

/// Server statistics, as cheroot's `server.stats` dict. Disabled until
/// [`set_enabled(true)`](Self::set_enabled).
#[derive(Debug)]
pub(crate) struct Stats {
    /// Tells apart the `Stats` of several servers in the thread-local caches.
    id: u64,
    enabled: AtomicBool,
    accepts: AtomicU64,
    socket_errors: AtomicU64,
    totals: Counters,
    run: Mutex<RunClock>,
    workers: Mutex<BTreeMap<String, Arc<Counters>>>,
}

/// The per-request counters, for the server and for each worker.
#[derive(Debug, Default)]
struct Counters {
    requests: AtomicU64,
    bytes_read: AtomicU64,
    bytes_written: AtomicU64,
    work_nanos: AtomicU64,
}

impl Counters {
    fn add(&self, bytes_read: u64, bytes_written: u64, work_time: Duration) {
        self.requests.fetch_add(1, Relaxed);
        self.bytes_read.fetch_add(bytes_read, Relaxed);
        self.bytes_written.fetch_add(bytes_written, Relaxed);
        let nanos = u64::try_from(work_time.as_nanos()).unwrap_or(u64::MAX);
        self.work_nanos.fetch_add(nanos, Relaxed);
    }

    fn clear(&self) {
        for c in [
            &self.requests,
            &self.bytes_read,
            &self.bytes_written,
            &self.work_nanos,
        ] {
            c.store(0, Relaxed);
        }
    }

    fn snapshot(&self) -> WorkerSnapshot {
        let bytes_read = self.bytes_read.load(Relaxed);
        let bytes_written = self.bytes_written.load(Relaxed);
        let work_time = Duration::from_nanos(self.work_nanos.load(Relaxed)).as_secs_f64();
        WorkerSnapshot {
            requests: self.requests.load(Relaxed),
            bytes_read,
            bytes_written,
            work_time,
            read_throughput: throughput(bytes_read, work_time),
            write_throughput: throughput(bytes_written, work_time),
        }
    }
}

/// cheroot divides by `work_time or 1e-6`.
fn throughput(bytes: u64, secs: f64) -> f64 {
    bytes as f64 / if secs == 0.0 { 1e-6 } else { secs }
}

/// Run time: what earlier runs added up to, plus the current run if serving.
#[derive(Debug, Default)]
struct RunClock {
    past: Duration,
    since: Option<Instant>,
}

impl RunClock {
    fn total(&self) -> Duration {
        self.past + self.since.map_or(Duration::ZERO, |t| t.elapsed())
    }
}

thread_local! {
    /// This thread's counters in each `Stats` it has recorded into, by `Stats::id`.
    static MINE: RefCell<Vec<(u64, Arc<Counters>)>> = const { RefCell::new(Vec::new()) };
}

/// The pool's and the server's figures that a snapshot shows beside the counters.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct ServerFigures {
    /// The bind address, as displayed (`Bind Address`).
    pub bind_address: String,
    /// Jobs waiting in the worker pool's queue (`Queue`).
    pub queue: usize,
    /// Worker threads (`Threads`).
    pub threads: usize,
    /// Worker threads waiting for work (`Threads Idle`).
    pub threads_idle: usize,
}

impl ServerFigures {
    /// The figures of `pool`, with the bind address to show.
    pub(crate) fn from_pool(pool: &WorkerPool, bind_address: impl Into<String>) -> ServerFigures {
        ServerFigures {
            bind_address: bind_address.into(),
            queue: pool.queued(),
            threads: pool.threads(),
            threads_idle: pool.idle(),
        }
    }
}

/// The figures of one worker thread.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct WorkerSnapshot {
    /// `Requests`.
    pub requests: u64,
    /// `Bytes Read`.
    pub bytes_read: u64,
    /// `Bytes Written`.
    pub bytes_written: u64,
    /// `Work Time`, in seconds.
    pub work_time: f64,
    /// `Read Throughput`, bytes per second of work time.
    pub read_throughput: f64,
    /// `Write Throughput`, bytes per second of work time.
    pub write_throughput: f64,
}

impl WorkerSnapshot {
    /// The figures under cheroot's per-worker keys, in cheroot's order.
    pub fn to_pairs(&self) -> Vec<(&'static str, String)> {
        vec![
            ("Requests", self.requests.to_string()),
            ("Bytes Read", self.bytes_read.to_string()),
            ("Bytes Written", self.bytes_written.to_string()),
            ("Work Time", self.work_time.to_string()),
            ("Read Throughput", self.read_throughput.to_string()),
            ("Write Throughput", self.write_throughput.to_string()),
        ]
    }
}

/// The statistics at one moment, with cheroot's keys. While disabled, `Run time`,
/// `Requests`, `Bytes Read`, `Bytes Written`, `Work Time` and the throughputs are -1, as in
/// cheroot.
#[derive(Debug, Clone, PartialEq)]
pub struct StatsSnapshot {
    /// `Enabled`.
    pub enabled: bool,
    /// `Bind Address`.
    pub bind_address: String,
    /// `Run time`, in seconds; -1 when disabled.
    pub run_time: f64,
    /// `Accepts`.
    pub accepts: u64,
    /// `Accepts/sec` over the run time (0 before any run time).
    pub accepts_per_sec: f64,
    /// `Queue`.
    pub queue: usize,
    /// `Threads`.
    pub threads: usize,
    /// `Threads Idle`.
    pub threads_idle: usize,
    /// `Socket Errors`.
    pub socket_errors: u64,
    /// `Requests`; -1 when disabled.
    pub requests: i64,
    /// `Bytes Read`; -1 when disabled.
    pub bytes_read: i64,
    /// `Bytes Written`; -1 when disabled.
    pub bytes_written: i64,
    /// `Work Time`, in seconds; -1 when disabled.
    pub work_time: f64,
    /// `Read Throughput`: the sum of the workers' read throughputs; -1 when disabled.
    pub read_throughput: f64,
    /// `Write Throughput`: the sum of the workers' write throughputs; -1 when disabled.
    pub write_throughput: f64,
    /// `Worker Threads`: per-thread figures keyed by thread name.
    pub workers: BTreeMap<String, WorkerSnapshot>,
}

impl StatsSnapshot {
    /// The server-level figures under cheroot's keys, in cheroot's order (`Worker Threads`
    /// is in [`workers`](Self::workers)).
    pub fn to_pairs(&self) -> Vec<(&'static str, String)> {
        vec![
            ("Enabled", self.enabled.to_string()),
            ("Bind Address", self.bind_address.clone()),
            ("Run time", self.run_time.to_string()),
            ("Accepts", self.accepts.to_string()),
            ("Accepts/sec", self.accepts_per_sec.to_string()),
            ("Queue", self.queue.to_string()),
            ("Threads", self.threads.to_string()),
            ("Threads Idle", self.threads_idle.to_string()),
            ("Socket Errors", self.socket_errors.to_string()),
            ("Requests", self.requests.to_string()),
            ("Bytes Read", self.bytes_read.to_string()),
            ("Bytes Written", self.bytes_written.to_string()),
            ("Work Time", self.work_time.to_string()),
            ("Read Throughput", self.read_throughput.to_string()),
            ("Write Throughput", self.write_throughput.to_string()),
        ]
    }
}

impl Default for Stats {
    fn default() -> Self {
        Stats::new()
    }
}

impl Stats {
    /// Disabled statistics with every counter at zero.
    pub(crate) fn new() -> Stats {
        static NEXT_ID: AtomicU64 = AtomicU64::new(0);
        Stats {
            id: NEXT_ID.fetch_add(1, Relaxed),
            enabled: AtomicBool::new(false),
            accepts: AtomicU64::new(0),
            socket_errors: AtomicU64::new(0),
            totals: Counters::default(),
            run: Mutex::new(RunClock::default()),
            workers: Mutex::new(BTreeMap::new()),
        }
    }

    /// Turns counting on or off (cheroot's `stats['Enabled']`).
    pub(crate) fn set_enabled(&self, enabled: bool) {
        self.enabled.store(enabled, Relaxed);
    }

    /// Whether counting is on.
    pub(crate) fn is_enabled(&self) -> bool {
        self.enabled.load(Relaxed)
    }

    /// Counts an accepted connection (when enabled).
    pub(crate) fn record_accept(&self) {
        if self.is_enabled() {
            self.accepts.fetch_add(1, Relaxed);
        }
    }

    /// Counts a socket error on accept. cheroot counts these even while disabled, and so does
    /// this.
    pub(crate) fn record_socket_error(&self) {
        self.socket_errors.fetch_add(1, Relaxed);
    }

    /// Counts one finished request with its bytes and the time spent on it, for the server
    /// and for the calling thread (when enabled).
    pub(crate) fn record_request(&self, bytes_read: u64, bytes_written: u64, work_time: Duration) {
        if !self.is_enabled() {
            return;
        }
        self.totals.add(bytes_read, bytes_written, work_time);
        self.with_my_counters(|c| c.add(bytes_read, bytes_written, work_time));
    }

    /// Runs `f` on this thread's counters, registering them on first use.
    fn with_my_counters(&self, f: impl FnOnce(&Counters)) {
        // `try_with`: a request finishing inside a thread-local destructor just goes
        // uncounted per worker instead of panicking.
        let found = MINE
            .try_with(|mine| {
                mine.borrow()
                    .iter()
                    .find(|(id, _)| *id == self.id)
                    .map(|(_, c)| Arc::clone(c))
            })
            .ok()
            .flatten();
        let counters = match found {
            Some(c) => c,
            None => {
                let name = std::thread::current()
                    .name()
                    .unwrap_or("unnamed")
                    .to_owned();
                let c = Arc::clone(self.lock_workers().entry(name).or_default());
                let _ = MINE.try_with(|mine| {
                    let mut mine = mine.borrow_mut();
                    // Forget the counters of `Stats` that are gone (only this cache holds
                    // them), so the cache stays as small as the number of live servers.
                    mine.retain(|(_, c)| Arc::strong_count(c) > 1);
                    mine.push((self.id, Arc::clone(&c)));
                });
                c
            }
        };
        f(&counters);
    }

    /// Starts the run-time clock (the server began serving).
    pub(crate) fn start_run(&self) {
        let mut run = self.lock_run();
        if run.since.is_none() {
            run.since = Some(Instant::now());
        }
    }

    /// Stops the run-time clock, keeping the time so far (the server stopped).
    pub(crate) fn stop_run(&self) {
        let mut run = self.lock_run();
        if let Some(t) = run.since.take() {
            run.past += t.elapsed();
        }
    }

    /// The total time spent serving (cheroot's `runtime()`).
    pub(crate) fn run_time(&self) -> Duration {
        self.lock_run().total()
    }

    /// Sets every counter and the run time back to zero (cheroot's `clear_stats()`); a
    /// running clock restarts from now. Unlike cheroot, the enabled flag is kept.
    pub(crate) fn clear(&self) {
        self.accepts.store(0, Relaxed);
        self.socket_errors.store(0, Relaxed);
        self.totals.clear();
        for c in self.lock_workers().values() {
            c.clear();
        }
        let mut run = self.lock_run();
        run.past = Duration::ZERO;
        if run.since.is_some() {
            run.since = Some(Instant::now());
        }
    }

    /// The figures now, with the pool's and server's `figures` beside them.
    pub(crate) fn snapshot(&self, figures: &ServerFigures) -> StatsSnapshot {
        let enabled = self.is_enabled();
        let run_time = self.run_time().as_secs_f64();
        let accepts = self.accepts.load(Relaxed);
        let workers: BTreeMap<String, WorkerSnapshot> = self
            .lock_workers()
            .iter()
            .map(|(name, c)| (name.clone(), c.snapshot()))
            .collect();
        let totals = self.totals.snapshot();
        let or_minus_one = |v: u64| {
            if enabled {
                i64::try_from(v).unwrap_or(i64::MAX)
            } else {
                -1
            }
        };
        let or_minus_one_f = |v: f64| if enabled { v } else { -1.0 };
        StatsSnapshot {
            enabled,
            bind_address: figures.bind_address.clone(),
            run_time: or_minus_one_f(run_time),
            accepts,
            accepts_per_sec: if run_time > 0.0 {
                accepts as f64 / run_time
            } else {
                0.0
            },
            queue: figures.queue,
            threads: figures.threads,
            threads_idle: figures.threads_idle,
            socket_errors: self.socket_errors.load(Relaxed),
            requests: or_minus_one(totals.requests),
            bytes_read: or_minus_one(totals.bytes_read),
            bytes_written: or_minus_one(totals.bytes_written),
            work_time: or_minus_one_f(totals.work_time),
            read_throughput: or_minus_one_f(workers.values().map(|w| w.read_throughput).sum()),
            write_throughput: or_minus_one_f(workers.values().map(|w| w.write_throughput).sum()),
            workers,
        }
    }

    fn lock_run(&self) -> MutexGuard<'_, RunClock> {
        // Nothing panics while holding it; a poisoned clock is still a clock.
        self.run.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn lock_workers(&self) -> MutexGuard<'_, BTreeMap<String, Arc<Counters>>> {
        self.workers.lock().unwrap_or_else(|p| p.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn figures() -> ServerFigures {
        ServerFigures {
            bind_address: "127.0.0.1:8080".to_owned(),
            queue: 1,
            threads: 10,
            threads_idle: 9,
        }
    }

    #[test]
    fn disabled_by_default_and_counts_nothing() {
        let s = Stats::new();
        assert!(!s.is_enabled());
        s.record_accept();
        s.record_request(10, 20, Duration::from_millis(1));
        s.record_socket_error();
        let snap = s.snapshot(&figures());
        assert!(!snap.enabled);
        assert_eq!(snap.accepts, 0);
        assert_eq!(
            snap.socket_errors, 1,
            "counted even while disabled, as cheroot"
        );
        assert_eq!(snap.run_time, -1.0);
        assert_eq!(snap.requests, -1);
        assert_eq!(snap.bytes_read, -1);
        assert_eq!(snap.bytes_written, -1);
        assert_eq!(snap.work_time, -1.0);
        assert_eq!(snap.read_throughput, -1.0);
        assert_eq!(snap.write_throughput, -1.0);
        assert!(snap.workers.is_empty());
        assert_eq!((snap.queue, snap.threads, snap.threads_idle), (1, 10, 9));
    }

    #[test]
    fn counts_per_server_and_per_thread() {
        let s = Arc::new(Stats::new());
        s.set_enabled(true);
        s.record_accept();
        s.record_accept();
        let handles: Vec<_> = (1..=2)
            .map(|n| {
                let s = Arc::clone(&s);
                std::thread::Builder::new()
                    .name(format!("cheroot-worker-{n}"))
                    .spawn(move || {
                        for _ in 0..n {
                            s.record_request(100, 1000, Duration::from_millis(500));
                        }
                    })
                    .unwrap()
            })
            .collect();
        for h in handles {
            h.join().unwrap();
        }
        let snap = s.snapshot(&figures());
        assert_eq!(snap.accepts, 2);
        assert_eq!(snap.requests, 3);
        assert_eq!(snap.bytes_read, 300);
        assert_eq!(snap.bytes_written, 3000);
        assert!((snap.work_time - 1.5).abs() < 1e-9);
        let w1 = &snap.workers["cheroot-worker-1"];
        let w2 = &snap.workers["cheroot-worker-2"];
        assert_eq!(
            (w1.requests, w1.bytes_read, w1.bytes_written),
            (1, 100, 1000)
        );
        assert_eq!(
            (w2.requests, w2.bytes_read, w2.bytes_written),
            (2, 200, 2000)
        );
        assert!((w1.read_throughput - 200.0).abs() < 1e-6);
        assert!((w2.write_throughput - 2000.0).abs() < 1e-6);
        assert!(
            (snap.read_throughput - 400.0).abs() < 1e-6,
            "sum of the workers'"
        );
    }

    #[test]
    fn two_stats_in_one_thread_stay_apart() {
        let (a, b) = (Stats::new(), Stats::new());
        a.set_enabled(true);
        b.set_enabled(true);
        a.record_request(1, 1, Duration::ZERO);
        b.record_request(2, 2, Duration::ZERO);
        b.record_request(2, 2, Duration::ZERO);
        let (sa, sb) = (a.snapshot(&figures()), b.snapshot(&figures()));
        assert_eq!((sa.requests, sb.requests), (1, 2));
        let me = std::thread::current()
            .name()
            .unwrap_or("unnamed")
            .to_owned();
        assert_eq!(sa.workers[&me].requests, 1);
        assert_eq!(sb.workers[&me].bytes_read, 4);
        assert_eq!(
            sb.workers[&me].read_throughput, 4e6,
            "zero work time divides by 1e-6, as cheroot"
        );
    }

    #[test]
    fn run_time_and_clear() {
        let s = Stats::new();
        s.set_enabled(true);
        assert_eq!(s.run_time(), Duration::ZERO);
        s.start_run();
        s.record_accept();
        s.record_request(5, 5, Duration::from_millis(1));
        s.stop_run();
        let stopped = s.run_time();
        assert_eq!(s.run_time(), stopped, "a stopped clock stands still");
        let snap = s.snapshot(&figures());
        assert!(snap.run_time >= 0.0);

        s.clear();
        let snap = s.snapshot(&figures());
        assert!(snap.enabled, "clear keeps the flag");
        assert_eq!(snap.run_time, 0.0);
        assert_eq!((snap.accepts, snap.requests, snap.bytes_read), (0, 0, 0));
        assert_eq!(snap.accepts_per_sec, 0.0);
        assert!(snap.workers.values().all(|w| w.requests == 0));
    }

    #[test]
    fn the_thread_cache_forgets_dropped_stats() {
        for _ in 0..100 {
            let s = Stats::new();
            s.set_enabled(true);
            s.record_request(1, 1, Duration::ZERO);
        }
        let cached = MINE.with_borrow(Vec::len);
        assert!(cached <= 1, "{cached} entries cached");
    }

    #[test]
    fn pairs_use_cheroots_keys_in_order() {
        let s = Stats::new();
        let keys: Vec<&str> = s
            .snapshot(&figures())
            .to_pairs()
            .into_iter()
            .map(|(k, _)| k)
            .collect();
        assert_eq!(
            keys,
            [
                "Enabled",
                "Bind Address",
                "Run time",
                "Accepts",
                "Accepts/sec",
                "Queue",
                "Threads",
                "Threads Idle",
                "Socket Errors",
                "Requests",
                "Bytes Read",
                "Bytes Written",
                "Work Time",
                "Read Throughput",
                "Write Throughput",
            ]
        );
        let pairs = s.snapshot(&figures()).to_pairs();
        assert_eq!(pairs[1], ("Bind Address", "127.0.0.1:8080".to_owned()));
        assert_eq!(pairs[2], ("Run time", "-1".to_owned()));
        let worker_keys: Vec<&str> = WorkerSnapshot::default()
            .to_pairs()
            .into_iter()
            .map(|(k, _)| k)
            .collect();
        assert_eq!(
            worker_keys,
            [
                "Requests",
                "Bytes Read",
                "Bytes Written",
                "Work Time",
                "Read Throughput",
                "Write Throughput",
            ]
        );
    }

    #[test]
    fn figures_from_a_pool() {
        let pool = WorkerPool::new(2, None, 4, Duration::from_secs(10)).unwrap();
        pool.start().unwrap();
        let f = ServerFigures::from_pool(&pool, "[::1]:80");
        assert_eq!(f.bind_address, "[::1]:80");
        assert_eq!((f.threads, f.queue), (2, 0));
        assert!(
            pool.shutdown(Instant::now() + Duration::from_secs(10))
                .is_clean()
        );
    }
}
