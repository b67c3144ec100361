//! One worker process: its own TLS adapter (the certificate read again, so a reload picks up
//! a new one), the application (imported here unless `--preload` did it in the master), and
//! the server on the sockets the master bound, until SIGTERM.

use std::io;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use cheroot::server::ListeningSocket;
use cheroot::wsgi::{Server, WsgiApp};
use cheroot::{BindAddr, ServerConfig};
use cheroot_supervisor::WorkerContext;

use super::stats_page::StatsPage;
use super::supervised_app::{StatsOnly, SupervisedApp};
use crate::access_log::AccessFile;
use crate::app_spec::AppSpec;
use crate::builtin;
use crate::options::Options;
use crate::run::AppLoader;
use crate::signals;
use crate::tls_setup::tls_adapter;

/// How often a worker copies its figures to the scoreboard (the page refreshes the answering
/// worker's own figures itself).
const PUBLISH_EVERY: Duration = Duration::from_millis(250);

/// What every worker is started with.
pub(crate) struct WorkerPlan<'a> {
    pub(crate) options: &'a Options,
    pub(crate) loader: &'a dyn AppLoader,
    /// The application imported by the master (`--preload`).
    pub(crate) preloaded: Option<Arc<dyn WsgiApp>>,
    /// The app's socket, unless each worker binds its own (`--reuse-port`).
    pub(crate) socket: Option<Arc<ListeningSocket>>,
    /// The statistics page's own socket (`--stats-bind`).
    pub(crate) stats_socket: Option<Arc<ListeningSocket>>,
    /// The access log's file (`--access-log FILE`), closed in the master.
    pub(crate) access_file: Option<Arc<AccessFile>>,
}

/// Loads the application `options` names.
pub(crate) fn load_app(
    options: &Options,
    loader: &dyn AppLoader,
) -> Result<Arc<dyn WsgiApp>, String> {
    match &options.app {
        AppSpec::Builtin(app) => Ok(builtin::app(*app)),
        AppSpec::Hosted { module, callable } => loader
            .load(module, callable)
            .map_err(|message| format!("cannot load {}: {message}", options.app)),
    }
}

/// Runs the worker; returns its exit status (0 after a clean stop).
pub(crate) fn run(context: WorkerContext, plan: &WorkerPlan<'_>) -> u8 {
    let options = plan.options;
    let number = context.number();
    if let Some(file) = &plan.access_file {
        if let Err(err) = file.reopen() {
            let path = file.path().display();
            tracing::error!("worker {number}: cannot open --access-log {path}: {err}");
            return 1;
        }
    }
    let mut config = options.server_config();
    if options.tls.requested() {
        match tls_adapter(&options.tls) {
            Ok(adapter) => config.ssl_adapter = Some(adapter),
            Err(message) => {
                tracing::error!("worker {number}: {message}");
                return 1;
            }
        }
    }
    let app = match &plan.preloaded {
        Some(app) => Arc::clone(app),
        None => match load_app(options, plan.loader) {
            Ok(app) => app,
            Err(message) => {
                tracing::error!("worker {number}: {message}");
                return 1;
            }
        },
    };
    let page = options
        .stats_path
        .clone()
        .map(|path| Arc::new(StatsPage::new(path, context.clone())));
    let on_app_socket = page.clone().filter(|_| plan.stats_socket.is_none());
    let app: Arc<dyn WsgiApp> = Arc::new(SupervisedApp::new(app, context.clone(), on_app_socket));
    config.listening_socket = plan.socket.clone();
    config.stats_enabled = page.is_some();
    let server = Arc::new(Server::with_config(options.bind.clone(), app, config));
    if let Err(err) = server.prepare() {
        tracing::error!("worker {number}: cannot serve on {}: {err}", options.bind);
        return 1;
    }
    let mut stats_server = None;
    if let Some(page) = &page {
        page.attach(Arc::downgrade(&server));
        if let (Some(socket), Some(addr)) = (&plan.stats_socket, &options.stats_bind) {
            match start_stats_server(page, socket, addr) {
                Ok(started) => stats_server = Some(started),
                Err(err) => {
                    tracing::error!("worker {number}: cannot serve --stats-bind {addr}: {err}");
                    server.stop();
                    return 1;
                }
            }
        }
    }
    let publishing = Arc::new(AtomicBool::new(page.is_some()));
    if let Some(page) = page.clone() {
        let running = Arc::clone(&publishing);
        let started = std::thread::Builder::new()
            .name("cheroot-stats".to_owned())
            .spawn(move || {
                while running.load(Ordering::Relaxed) {
                    page.publish();
                    std::thread::sleep(PUBLISH_EVERY);
                }
            });
        if let Err(err) = started {
            tracing::warn!("worker {number}: cannot start the statistics thread: {err}");
        }
    }

    let stopping = Arc::clone(&server);
    let stop_stats = Mutex::new(stats_server.clone());
    let stop_publishing = Arc::clone(&publishing);
    let stop: signals::Stop = Arc::new(move || {
        stop_publishing.store(false, Ordering::Relaxed);
        if let Some(stats) = stop_stats.lock().ok().and_then(|mut s| s.take()) {
            stats.stop();
        }
        stopping.stop();
    });
    let access_file = plan.access_file.clone();
    let reopen: signals::Reopen = Arc::new(move || {
        if let Some(file) = &access_file {
            match file.reopen() {
                Ok(()) => tracing::info!("worker {number} reopened {}", file.path().display()),
                Err(err) => tracing::error!(
                    "worker {number}: cannot reopen --access-log {}: {err}; still writing to \
                     the file open before",
                    file.path().display()
                ),
            }
        }
    });
    let received = match signals::watch(stop, reopen) {
        Ok(received) => received,
        Err(err) => {
            server.stop();
            tracing::error!("worker {number}: cannot watch for signals: {err}");
            return 1;
        }
    };
    context.set_ready();
    let served = server.serve();
    publishing.store(false, Ordering::Relaxed);
    if let Some(stats) = &stats_server {
        stats.stop();
    }
    if let Some(signal) = received.get() {
        // A signal that came before serve() started makes it return "not prepared": the stop
        // was still the one asked for.
        if let Err(err) = &served {
            tracing::debug!("serve() after {signal}: {err}");
        }
        let cut = server.http_server().requests_cut_at_stop();
        if cut > 0 {
            tracing::error!(
                "worker {number} stopped after {signal}, cutting {cut} request(s) in flight"
            );
            return 1;
        }
        tracing::debug!("worker {number} stopped cleanly after {signal}");
        return 0;
    }
    match served {
        Ok(()) => 0,
        Err(err) => {
            server.stop();
            tracing::error!("worker {number}: the server failed: {err}");
            1
        }
    }
}

/// The statistics page's own small server, on its own thread.
fn start_stats_server(
    page: &Arc<StatsPage>,
    socket: &Arc<ListeningSocket>,
    addr: &BindAddr,
) -> io::Result<Arc<Server>> {
    let config = ServerConfig {
        minthreads: 1,
        maxthreads: Some(2),
        listening_socket: Some(Arc::clone(socket)),
        ..ServerConfig::default()
    };
    let server = Arc::new(Server::with_config(
        addr.clone(),
        Arc::new(StatsOnly(Arc::clone(page))),
        config,
    ));
    server.prepare().map_err(io::Error::other)?;
    let serving = Arc::clone(&server);
    std::thread::Builder::new()
        .name("cheroot-stats-server".to_owned())
        .spawn(move || {
            if let Err(err) = serving.serve() {
                tracing::error!("the statistics server failed: {err}");
            }
        })?;
    Ok(server)
}
