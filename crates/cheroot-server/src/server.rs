//! `HttpServer`: the lifecycle of one server (prepare, serve, stop, interrupt) around the
//! runtime, listener, worker pool and connection tasks it owns.

// The same server on its caller's runtime.
mod current_runtime;

use std::error::Error as StdError;
use std::io;
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use tokio::task::JoinHandle;

use crate::config::{Protocol, ServerConfig};
use crate::error::ServerError;
use crate::exchange::gateway::Gateway;
use crate::listen::accept::accept_loop;
use crate::listen::bind::BindAddr;
use crate::listen::listener::{ListenOptions, Listener};
use crate::live::LiveSettings;
use crate::server_state::ServerState;
use crate::shutdown::Tracker;
use crate::stats::{ServerFigures, Stats, StatsSnapshot};
use crate::workers::io_runtime::IoRuntime;
use crate::workers::pool::{PoolError, WorkerPool};

/// The interrupt a signal sets in [`HttpServer::safe_start`], which it turns into `Ok(())`.
#[derive(Debug)]
struct StoppedBySignal(&'static str);

impl std::fmt::Display for StoppedBySignal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.0)
    }
}

impl StdError for StoppedBySignal {}

/// How long `stop()` waits for the runtime to drop the tasks still running after
/// `shutdown_timeout`.
const ABORT_GRACE: Duration = Duration::from_millis(200);

/// An HTTP/1.1 server, as cheroot's `HTTPServer`.
///
/// `prepare()` binds the socket, starts a tokio runtime (one I/O thread per core: the
/// multi-thread scheduler, or the current-thread one on a thread of its own when there is one
/// core) and the worker pool, and makes the server [`ready`](HttpServer::ready); `serve()`
/// accepts connections until `stop()`; `start()` is both. Every method takes `&self`, so an
/// `Arc<HttpServer>` can be served on one thread and stopped from another.
/// [`start_on_current_runtime`](HttpServer::start_on_current_runtime) is `start()` as a future,
/// on the caller's tokio runtime instead of one of the server's own.
///
/// ```no_run
/// use std::sync::Arc;
/// use cheroot_server::{Gateway, GatewayError, HttpServer, Request, Response};
///
/// struct Hello;
/// impl Gateway for Hello {
///     fn respond(&self, _: &mut Request<'_>, resp: &mut Response<'_>) -> Result<(), GatewayError> {
///         resp.add_header("Content-Length", "12")?;
///         resp.write(b"Hello world!")?;
///         Ok(())
///     }
/// }
///
/// let server = Arc::new(HttpServer::new("127.0.0.1:8080".parse().unwrap(), Hello));
/// server.prepare()?;
/// let serving = { let s = Arc::clone(&server); std::thread::spawn(move || s.serve()) };
/// // ... later, from any thread:
/// server.stop();
/// serving.join().unwrap()?;
/// # Ok::<(), cheroot_server::ServerError>(())
/// ```
pub struct HttpServer {
    inner: Arc<Inner>,
}

struct Inner {
    gateway: Arc<dyn Gateway>,
    config: Mutex<ServerConfig>,
    /// The settings a running server rereads at each use (see `live.rs`).
    live: Arc<LiveSettings>,
    bind_addr: Mutex<BindAddr>,
    stats: Arc<Stats>,
    state: Mutex<State>,
    changed: Condvar,
    /// `changed` for async waiters (`start_on_current_runtime`): told when a stop finishes.
    stopped: tokio::sync::Notify,
    interrupt: Mutex<Option<Box<dyn StdError + Send + Sync>>>,
}

#[derive(Default)]
struct State {
    running: Option<Running>,
    /// Set while `stop()` tears a running server down.
    stopping: bool,
    /// Set when `stop()` came between `prepare()` and `serve()`: that `serve()` then returns
    /// at once, as cheroot's does, instead of saying the server was never prepared.
    stopped_unserved: bool,
    /// Connections the last stop closed with work in flight, when `shutdown_timeout` ran out.
    cut_at_last_stop: usize,
}

impl State {
    /// Whether the server is neither running nor being stopped.
    fn is_stopped(&self) -> bool {
        self.running.is_none() && !self.stopping
    }
}

struct Running {
    runtime: IoRuntime,
    shared: Arc<ServerState>,
    /// The listener until `serve()` hands it to the accept loop.
    listener: Option<Listener>,
    accept: Option<JoinHandle<()>>,
}

impl std::fmt::Debug for HttpServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HttpServer")
            .field("bind_addr", &*lock(&self.inner.bind_addr))
            .field("ready", &self.ready())
            .finish_non_exhaustive()
    }
}

macro_rules! setters {
    ($($(#[$doc:meta])* $name:ident: $field:ident: $ty:ty;)*) => {
        $(
            $(#[$doc])*
            ///
            /// Takes effect at the next `prepare()`.
            pub fn $name(&self, value: $ty) -> &Self {
                lock(&self.inner.config).$field = value;
                self
            }
        )*
    };
}

impl HttpServer {
    /// A server for `gateway` on `bind_addr`, with the default [`ServerConfig`].
    pub fn new(bind_addr: BindAddr, gateway: impl Gateway) -> Self {
        Self::with_config(bind_addr, gateway, ServerConfig::default())
    }

    /// A server for `gateway` on `bind_addr` with `config`.
    pub fn with_config(bind_addr: BindAddr, gateway: impl Gateway, config: ServerConfig) -> Self {
        Self::from_arc(bind_addr, Arc::new(gateway), config)
    }

    /// As [`with_config`](HttpServer::with_config), for a gateway already shared.
    pub fn from_arc(bind_addr: BindAddr, gateway: Arc<dyn Gateway>, config: ServerConfig) -> Self {
        Self {
            inner: Arc::new(Inner {
                gateway,
                live: Arc::new(LiveSettings::new(&config)),
                config: Mutex::new(config),
                bind_addr: Mutex::new(bind_addr),
                stats: Arc::new(Stats::new()),
                state: Mutex::new(State::default()),
                changed: Condvar::new(),
                stopped: tokio::sync::Notify::new(),
                interrupt: Mutex::new(None),
            }),
        }
    }

    /// A copy of the current settings.
    pub fn config(&self) -> ServerConfig {
        lock(&self.inner.config).clone()
    }

    /// Replaces every setting (takes effect at the next `prepare()`).
    pub fn set_config(&self, config: ServerConfig) -> &Self {
        *lock(&self.inner.config) = config;
        self
    }

    setters! {
        /// Sets `minthreads`.
        set_minthreads: minthreads: usize;
        /// Sets `maxthreads` (`None`: no cap).
        set_maxthreads: maxthreads: Option<usize>;
        /// Sets `server_name`.
        set_server_name: server_name: String;
        /// Sets `protocol`.
        set_protocol: protocol: Protocol;
        /// Sets `header_timeout`.
        set_header_timeout: header_timeout: Duration;
        /// Sets `body_timeout`.
        set_body_timeout: body_timeout: Duration;
        /// Sets `shutdown_timeout`.
        set_shutdown_timeout: shutdown_timeout: Duration;
        /// Sets `request_queue_size` (the listen backlog).
        set_request_queue_size: request_queue_size: u32;
        /// Sets `accepted_queue_size`.
        set_accepted_queue_size: accepted_queue_size: usize;
        /// Sets `accepted_queue_timeout`.
        set_accepted_queue_timeout: accepted_queue_timeout: Duration;
        /// Sets `max_request_header_size` (0: no limit).
        set_max_request_header_size: max_request_header_size: usize;
        /// Sets `max_request_header_fields` (0: no limit).
        set_max_request_header_fields: max_request_header_fields: usize;
        /// Sets `nodelay`.
        set_nodelay: nodelay: bool;
        /// Sets `reuse_port`.
        set_reuse_port: reuse_port: bool;
        /// Sets `expiration_interval`.
        set_expiration_interval: expiration_interval: Duration;
        /// Sets `peercreds_enabled`.
        set_peercreds_enabled: peercreds_enabled: bool;
        /// Sets `peercreds_resolve_enabled`.
        set_peercreds_resolve_enabled: peercreds_resolve_enabled: bool;
        /// Sets the TLS adapter (`None`: plain HTTP).
        set_ssl_adapter: ssl_adapter: Option<std::sync::Arc<dyn cheroot_tls::SslAdapter>>;
        /// Sets the access log's format on the `cheroot::access` target (`None`: off).
        set_access_log: access_log: Option<crate::AccessLogFormat>;
    }

    /// Sets `timeout`; a running server uses it from the next socket wait on.
    pub fn set_timeout(&self, timeout: Duration) -> &Self {
        lock(&self.inner.config).timeout = timeout;
        self.inner.live.set_timeout(timeout);
        self
    }

    /// Sets `max_request_body_size` (0: no limit); a running server applies it from the next
    /// request on.
    pub fn set_max_request_body_size(&self, max: u64) -> &Self {
        lock(&self.inner.config).max_request_body_size = max;
        self.inner.live.set_max_request_body_size(max);
        self
    }

    /// Sets `keep_alive_conn_limit` (`None`: no limit); a running server applies it to the
    /// next response that would keep its connection open.
    pub fn set_keep_alive_conn_limit(&self, limit: Option<usize>) -> &Self {
        lock(&self.inner.config).keep_alive_conn_limit = limit;
        self.inner.live.set_keep_alive_conn_limit(limit);
        self
    }

    /// Switches the statistics on or off, at once (cheroot's `stats['Enabled']`).
    pub fn set_stats_enabled(&self, enabled: bool) -> &Self {
        lock(&self.inner.config).stats_enabled = enabled;
        self.inner.stats.set_enabled(enabled);
        self
    }

    /// The address the server listens on; after `prepare()` port 0 is the real port.
    pub fn bind_addr(&self) -> BindAddr {
        lock(&self.inner.bind_addr).clone()
    }

    /// Whether the server is between `prepare()` and `stop()` (cheroot's `ready`).
    pub fn ready(&self) -> bool {
        lock(&self.inner.state)
            .running
            .as_ref()
            .is_some_and(|running| running.shared.tracker.is_ready())
    }

    /// How many client connections are open now (parked ones included).
    pub fn connections(&self) -> usize {
        self.with_shared(|shared| shared.tracker.live_connections())
            .unwrap_or(0)
    }

    /// How many open connections are parked idle between requests.
    pub fn idle_connections(&self) -> usize {
        self.with_shared(|shared| shared.tracker.idle_connections())
            .unwrap_or(0)
    }

    /// cheroot's `can_add_keepalive_connection`: whether a response may keep its connection
    /// open now (the server is ready and fewer than `keep_alive_conn_limit` are parked).
    pub fn can_add_keepalive_connection(&self) -> bool {
        self.with_shared(|shared| shared.response_env.can_keep_alive())
            .unwrap_or(false)
    }

    /// The counters, with cheroot's keys (all -1 or 0 while statistics are off).
    pub fn stats(&self) -> StatsSnapshot {
        let bind = self.bind_addr().to_string();
        let figures = self
            .with_shared(|shared| ServerFigures::from_pool(&shared.pool, bind.clone()))
            .unwrap_or(ServerFigures {
                bind_address: bind,
                queue: 0,
                threads: 0,
                threads_idle: 0,
            });
        self.inner.stats.snapshot(&figures)
    }

    /// Zeroes the counters (cheroot's `clear_stats()`); the enabled flag is kept, and a
    /// running clock restarts from now.
    pub fn clear_stats(&self) {
        self.inner.stats.clear();
    }

    /// How long the server has served while statistics were on (cheroot's `stats['Run
    /// time']`), without building a whole [`stats`](Self::stats) snapshot.
    pub fn stats_run_time(&self) -> Duration {
        self.inner.stats.run_time()
    }

    fn with_shared<T>(&self, f: impl FnOnce(&ServerState) -> T) -> Option<T> {
        lock(&self.inner.state)
            .running
            .as_ref()
            .map(|running| f(&running.shared))
    }

    /// Binds the socket, starts the runtime and the worker pool, and sets `ready`.
    ///
    /// # Errors
    ///
    /// An invalid setting (cheroot's messages), a socket that cannot be bound ("No socket
    /// could be created -- ..."), a runtime or pool that cannot start, or a server already
    /// prepared.
    pub fn prepare(&self) -> Result<(), ServerError> {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        self.prepare_on(|| IoRuntime::new(cores), WorkerPool::start)
            .map(drop)
    }

    /// `prepare()` on the runtime `runtime` makes once the settings are checked;
    /// `start_pool` starts the worker pool before the server is made ready (or does not:
    /// then the caller starts it). Returns the running server's shared state.
    fn prepare_on(
        &self,
        runtime: impl FnOnce() -> io::Result<IoRuntime>,
        start_pool: impl FnOnce(&WorkerPool) -> Result<(), PoolError>,
    ) -> Result<Arc<ServerState>, ServerError> {
        let mut state = lock(&self.inner.state);
        if state.running.is_some() || state.stopping {
            return Err(ServerError::already_prepared());
        }
        state.stopped_unserved = false;
        *lock(&self.inner.interrupt) = None;
        let config = self.config();
        let requested = self.bind_addr();
        config.validate(&requested)?;

        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        let runtime = runtime()?;
        let options = ListenOptions {
            backlog: config.request_queue_size,
            nodelay: config.nodelay,
            reuse_port: config.reuse_port,
        };
        let listener = {
            let _entered = runtime.enter();
            match &config.listening_socket {
                Some(socket) => Listener::from_listening_socket(socket, &options)?,
                None => Listener::bind(&requested, &options)?,
            }
        };
        let bind_addr = listener.local_bind_addr();
        *lock(&self.inner.bind_addr) = bind_addr.clone();

        let pool = WorkerPool::for_config(&config)?;
        // One core: the I/O thread and the workers take turns on it (see `sched.rs`); not on
        // a runtime whose threads are the caller's.
        pool.set_batch_scheduling(cores == 1 && !runtime.is_borrowed());
        start_pool(&pool)?;

        self.inner.stats.set_enabled(config.stats_enabled);
        self.inner.stats.start_run();
        // `set_config` may have replaced what the live settings were set from.
        self.inner.live.load(&config);
        let tracker = if runtime.is_borrowed() {
            Tracker::new().with_cut()
        } else {
            Tracker::new()
        };
        let tracker = Arc::new(tracker);
        tracker.set_ready(true);
        let shared = Arc::new(ServerState::new(
            config,
            Arc::clone(&self.inner.gateway),
            pool,
            Arc::clone(&self.inner.stats),
            tracker,
            bind_addr,
            Arc::clone(&self.inner.live),
        ));
        runtime.spawn(shared.housekeeping());
        state.running = Some(Running {
            runtime,
            shared: Arc::clone(&shared),
            listener: Some(listener),
            accept: None,
        });
        self.inner.changed.notify_all();
        Ok(shared)
    }

    /// Accepts and serves connections until `stop()`; blocks the calling thread.
    ///
    /// # Errors
    ///
    /// The interrupt set by [`interrupt`](HttpServer::interrupt), or a lifecycle error if the
    /// server was not prepared.
    pub fn serve(&self) -> Result<(), ServerError> {
        if let Some(result) = self.start_accepting() {
            return result;
        }
        // Wait until stop() has torn everything down.
        let mut state = lock(&self.inner.state);
        while !state.is_stopped() {
            state = self
                .inner
                .changed
                .wait(state)
                .unwrap_or_else(PoisonError::into_inner);
        }
        drop(state);
        self.served()
    }

    /// Hands a prepared server's listener to the accept loop. `Some` is what serving returns
    /// at once instead: the server is not prepared, or was stopped before it served.
    fn start_accepting(&self) -> Option<Result<(), ServerError>> {
        let mut state = lock(&self.inner.state);
        let Some(running) = state.running.as_mut() else {
            let stopped = std::mem::take(&mut state.stopped_unserved);
            drop(state);
            return Some(match self.take_interrupt() {
                Some(err) => Err(err),
                None if stopped => Ok(()),
                None => Err(ServerError::not_prepared()),
            });
        };
        if let Some(listener) = running.listener.take() {
            let shared = Arc::clone(&running.shared);
            running.accept = Some(running.runtime.spawn(accept_loop(listener, shared)));
        }
        None
    }

    /// What serving returns once the server has stopped: the interrupt, if one was set.
    fn served(&self) -> Result<(), ServerError> {
        match self.take_interrupt() {
            Some(err) => Err(err),
            None => Ok(()),
        }
    }

    /// `prepare()` then `serve()`.
    ///
    /// # Errors
    ///
    /// As [`prepare`](HttpServer::prepare) and [`serve`](HttpServer::serve).
    pub fn start(&self) -> Result<(), ServerError> {
        self.prepare()?;
        self.serve()
    }

    /// `start()`, stopping the server cleanly on the way out whatever happens: SIGINT or
    /// SIGTERM interrupt it (cheroot's `KeyboardInterrupt`/`SystemExit`), and an error from
    /// `serve()` still leaves the server stopped. A server already prepared is served as is.
    ///
    /// The signal handlers stay installed after the server stops (tokio cannot remove them):
    /// meant for a process that exits when `safe_start` returns, as the CLI does.
    ///
    /// A stop by SIGINT or SIGTERM is a clean stop: `Ok(())`, so `safe_start()?` in `main`
    /// exits 0 on Ctrl-C.
    ///
    /// # Errors
    ///
    /// As [`start`](HttpServer::start); an [`interrupt`](HttpServer::interrupt) other than
    /// a signal's comes back as an interrupt error.
    pub fn safe_start(&self) -> Result<(), ServerError> {
        if lock(&self.inner.state).running.is_none() {
            self.prepare()?;
        }
        self.watch_signals();
        let result = self.serve();
        self.stop();
        match result {
            Err(err) if err.interrupt_is::<StoppedBySignal>() => Ok(()),
            other => other,
        }
    }

    /// Installs the SIGINT and SIGTERM handlers now (so a signal that comes once `serve()`
    /// runs is always caught), and a task that interrupts the server on either.
    fn watch_signals(&self) {
        use tokio::signal::unix::{SignalKind, signal};
        let state = lock(&self.inner.state);
        let Some(running) = state.running.as_ref() else {
            return;
        };
        let handlers = {
            let _entered = running.runtime.enter();
            (
                signal(SignalKind::interrupt()),
                signal(SignalKind::terminate()),
            )
        };
        let (Ok(mut int), Ok(mut term)) = handlers else {
            tracing::warn!("cannot watch for SIGINT and SIGTERM: stop the server with stop()");
            return;
        };
        let inner = Arc::downgrade(&self.inner);
        running.runtime.spawn(async move {
            let reason = tokio::select! {
                _ = int.recv() => "Keyboard Interrupt: shutting down",
                _ = term.recv() => "SystemExit raised: shutting down",
            };
            tracing::info!("{reason}");
            if let Some(inner) = inner.upgrade() {
                HttpServer { inner }.interrupt(StoppedBySignal(reason));
            }
        });
    }

    /// Stops the server and makes `serve()` return `err` (cheroot's `interrupt` setter).
    /// Callable from any thread, a gateway included.
    pub fn interrupt(&self, err: impl Into<Box<dyn StdError + Send + Sync>>) {
        let err = err.into();
        tracing::debug!("Setting the server interrupt flag to {err:?}");
        *lock(&self.inner.interrupt) = Some(err);
        self.stop();
    }

    /// How many requests the last [`stop`](HttpServer::stop) cut because they were still in
    /// flight when `shutdown_timeout` ran out (their connections were closed); 0 after a
    /// clean stop, or before any. `serve()` returns after the stop has finished, so this is
    /// final by then.
    pub fn requests_cut_at_stop(&self) -> usize {
        lock(&self.inner.state).cut_at_last_stop
    }

    /// Whether an interrupt is set and not yet returned by `serve()`.
    pub fn interrupted(&self) -> bool {
        lock(&self.inner.interrupt).is_some()
    }

    fn take_interrupt(&self) -> Option<ServerError> {
        lock(&self.inner.interrupt)
            .take()
            .map(ServerError::interrupted)
    }

    /// Stops gracefully: stop accepting, close parked connections, let in-flight requests
    /// finish within `shutdown_timeout` (their responses say `Connection: close`), then drop
    /// what remains and stop the worker pool. Idempotent; callable from any thread. Called
    /// from inside the server's own runtime (an inline gateway), it finishes in the
    /// background.
    pub fn stop(&self) {
        let background = tokio::runtime::Handle::try_current().is_ok() || on_worker_thread();
        let running = {
            let mut state = lock(&self.inner.state);
            let Some(running) = state.running.take() else {
                // Another stop() is under way: wait for it, so that every stop() returns
                // with the server stopped (except where waiting would deadlock).
                while state.stopping && !background {
                    state = self
                        .inner
                        .changed
                        .wait(state)
                        .unwrap_or_else(PoisonError::into_inner);
                }
                return;
            };
            state.stopping = true;
            state.stopped_unserved = running.listener.is_some();
            running
        };
        running.shared.tracker.set_ready(false);
        running.shared.tracker.signal_stop();
        if background {
            // Blocking here would stall (or panic) the runtime, or make a worker wait for the
            // request it is serving (and join itself): finish on a plain thread.
            let inner = Arc::clone(&self.inner);
            let spawned = std::thread::Builder::new()
                .name("cheroot-stop".to_owned())
                .spawn(move || HttpServer { inner }.finish_stop(running));
            if let Err(err) = spawned {
                tracing::error!("cannot start the stop thread: {err}");
            }
        } else {
            self.finish_stop(running);
        }
    }

    fn finish_stop(&self, mut running: Running) {
        let shared = Arc::clone(&running.shared);
        let deadline = Instant::now() + shared.config.shutdown_timeout;
        let accept = running.accept.take();
        drop(running.listener.take());
        let tracker = Arc::clone(&shared.tracker);
        let mut cut = running
            .runtime
            .block_on(async move {
                if let Some(accept) = accept {
                    accept.abort();
                    let _ = accept.await;
                }
                let left = deadline.saturating_duration_since(Instant::now());
                if tracker.wait_all_closed(left).await {
                    0
                } else {
                    // Connections left only to linger or close are not work lost.
                    tracker.requests_in_flight()
                }
            })
            // The caller's runtime is gone, and its tasks with it.
            .unwrap_or_else(|| shared.tracker.requests_in_flight());
        // Dropping the runtime's tasks closes the remaining connections, which ends the
        // channels their workers block on; on the caller's runtime, which is not ours to
        // stop, each connection task watches the cut signal instead.
        if shared.tracker.cut_connections() {
            let tracker = Arc::clone(&shared.tracker);
            running
                .runtime
                .block_on(async move { tracker.wait_all_closed(ABORT_GRACE).await });
        }
        running.runtime.shutdown_timeout(ABORT_GRACE);
        let report = shared
            .pool
            .shutdown(Instant::now() + ABORT_GRACE.max(Duration::from_millis(500)));
        // Requests still running on a worker, or queued for one, were cut as well (their
        // connections are among those counted above, or gone already).
        let pool_cut = report.still_running.len() + report.dropped_jobs;
        cut = cut.max(pool_cut);
        if cut > 0 {
            tracing::warn!(
                "shutdown_timeout ({:?}) ran out: {cut} request(s) in flight were cut",
                shared.config.shutdown_timeout
            );
        }
        self.inner.stats.stop_run();
        let mut state = lock(&self.inner.state);
        state.cut_at_last_stop = cut;
        state.stopping = false;
        self.inner.changed.notify_all();
        self.inner.stopped.notify_waiters();
    }
}

impl Drop for Inner {
    fn drop(&mut self) {
        // A server dropped while running: tear the runtime down without blocking.
        let state = self.state.get_mut().unwrap_or_else(PoisonError::into_inner);
        if let Some(running) = state.running.take() {
            running.shared.tracker.signal_stop();
            running.shared.tracker.cut_connections();
            running.runtime.shutdown_background();
            let _ = running.shared.pool.shutdown(Instant::now());
        }
    }
}

/// Whether this is one of the worker pool's threads (named `cheroot-worker-N`).
fn on_worker_thread() -> bool {
    std::thread::current()
        .name()
        .is_some_and(|name| name.starts_with("cheroot-worker"))
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}
