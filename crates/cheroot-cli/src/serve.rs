//! Serving a parsed command line: the master process sets up what every worker shares (the
//! log, the working directory, the checked settings, the bound sockets, a preloaded app),
//! then the supervisor forks the workers and watches them until a stop signal.

mod stats_page;
mod supervised_app;
mod worker;

use std::io::Write as _;
use std::sync::Arc;

use cheroot::BindAddr;
use cheroot::server::{ListenOptions, ListeningSocket};
use cheroot_supervisor::{Outcome, Supervisor, SupervisorConfig};

use crate::logging;
use crate::options::Options;
use crate::run::{AppLoader, failure, usage_error};
use crate::signals;
use crate::tls_setup::tls_adapter;
use worker::{WorkerPlan, load_app};

/// Serves `options` until a signal stops it; returns the exit status.
pub(crate) fn serve(options: &Options, loader: &dyn AppLoader) -> u8 {
    // Before anything else, so a signal can never take its default action (killing the
    // process) while the server starts; the supervisor then takes the signals it handles.
    if let Err(err) = signals::block() {
        return failure(&format!("cannot block SIGINT, SIGTERM and SIGUSR1: {err}"));
    }
    let access_file = match logging::install(options) {
        Ok(file) => file,
        Err(message) => return usage_error(&message),
    };
    if let Some(file) = &access_file {
        // Opened to check the flag; each worker opens its own (see `access_log.rs`).
        file.close();
    }

    if let Some(dir) = &options.chdir {
        if let Err(err) = std::env::set_current_dir(dir) {
            return usage_error(&format!(
                "invalid value {:?} for --chdir: {err}",
                dir.display()
            ));
        }
    }
    // Checked here, so a bad flag is a usage error before any worker starts; each worker
    // then builds its own adapter from the files (a reload reads a renewed certificate).
    if options.tls.requested() {
        if let Err(message) = tls_adapter(&options.tls) {
            return usage_error(&message);
        }
    }
    if let Err(err) = options.server_config().validate(&options.bind) {
        return usage_error(&format!("invalid settings: {err}"));
    }
    let preloaded = if options.preload {
        match load_app(options, loader) {
            Ok(app) => Some(app),
            Err(message) => return failure(&message),
        }
    } else {
        None
    };
    let config = options.server_config();
    let listen = ListenOptions {
        backlog: config.request_queue_size,
        nodelay: config.nodelay,
        reuse_port: config.reuse_port,
    };
    // With --reuse-port each worker binds a socket of its own (the kernel spreads
    // connections over them); otherwise every worker serves the master's one socket.
    let socket = if options.reuse_port {
        None
    } else {
        match ListeningSocket::bind(&options.bind, &listen) {
            Ok(socket) => Some(Arc::new(socket)),
            Err(err) => return failure(&format!("cannot serve on {}: {err}", options.bind)),
        }
    };
    let stats_socket = match &options.stats_bind {
        Some(addr) => match ListeningSocket::bind(addr, &ListenOptions::default()) {
            Ok(socket) => Some(Arc::new(socket)),
            Err(err) => return failure(&format!("cannot serve --stats-bind {addr}: {err}")),
        },
        None => None,
    };
    let bound: BindAddr = socket
        .as_ref()
        .map_or_else(|| options.bind.clone(), |s| s.bind_addr().clone());
    let plan = WorkerPlan {
        options,
        loader,
        preloaded,
        socket,
        stats_socket,
        access_file,
    };
    let supervisor = Supervisor::new(SupervisorConfig {
        workers: options.worker_count(),
        max_requests: options.max_requests,
        max_requests_jitter: options.max_requests_jitter,
        worker_timeout: options.worker_timeout,
        shutdown_timeout: options.shutdown_timeout,
    });
    let outcome = supervisor.run(
        loader.fork_hooks(),
        || announce(options, &bound),
        |context| worker::run(context, &plan),
    );
    match &outcome {
        Outcome::Stopped { clean: true, .. } | Outcome::AppStopped { clean: true, .. } => {
            tracing::info!("{outcome}");
        }
        Outcome::Stopped { clean: false, .. } | Outcome::AppStopped { clean: false, .. } => {
            tracing::error!("{outcome}");
        }
        Outcome::BootFailed(_) | Outcome::Failed(_) => {
            return failure(&outcome.to_string());
        }
    }
    outcome.exit_code()
}

/// Every first worker serves: say so, and print the bound address (port 0 resolved) as the
/// one line on stdout, for scripts.
fn announce(options: &Options, bound: &BindAddr) {
    tracing::info!("serving {} on {bound}", options.app);
    let mut stdout = std::io::stdout().lock();
    if let Err(err) = writeln!(stdout, "{bound}").and_then(|()| stdout.flush()) {
        tracing::error!("cannot write the bound address to stdout: {err}");
    }
}
