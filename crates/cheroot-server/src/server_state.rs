//! The state every connection task of one running server shares: settings, gateway, worker
//! pool, stats and the stop bookkeeping.

use std::future::Future;
use std::sync::Arc;

use cheroot_wire::{Limits, ParseOptions};

use crate::config::ServerConfig;
use crate::exchange::gateway::Gateway;
use crate::exchange::response::ResponseEnv;
use crate::listen::bind::BindAddr;
use crate::live::LiveSettings;
use crate::shutdown::Tracker;
use crate::stats::Stats;
use crate::workers::pool::WorkerPool;
use crate::workers::wake_batch::WakeBatch;

/// One running server's shared state, behind an `Arc` in every connection task.
pub(crate) struct ServerState {
    pub(crate) config: ServerConfig,
    pub(crate) gateway: Arc<dyn Gateway>,
    pub(crate) pool: WorkerPool,
    pub(crate) stats: Arc<Stats>,
    pub(crate) tracker: Arc<Tracker>,
    /// The address the listener really bound (port 0 resolved).
    pub(crate) bind_addr: BindAddr,
    pub(crate) parse_options: ParseOptions,
    /// `timeout`, `max_request_body_size` and `keep_alive_conn_limit`, which may change while
    /// the server runs: read them here, not in `config`.
    pub(crate) live: Arc<LiveSettings>,
    /// What every response reads of the server (protocol, server name, timeout, clock,
    /// keep-alive gate), and nothing else.
    pub(crate) response_env: Arc<ResponseEnv>,
    /// Wakes connection tasks for the workers (see `wake_batch.rs`); its dispatcher runs on
    /// the I/O runtime.
    pub(crate) wakes: Arc<WakeBatch>,
}

impl std::fmt::Debug for ServerState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ServerState")
            .field("bind_addr", &self.bind_addr)
            .finish_non_exhaustive()
    }
}

impl ServerState {
    pub(crate) fn new(
        config: ServerConfig,
        gateway: Arc<dyn Gateway>,
        pool: WorkerPool,
        stats: Arc<Stats>,
        tracker: Arc<Tracker>,
        bind_addr: BindAddr,
        live: Arc<LiveSettings>,
    ) -> Self {
        let limits = Limits {
            // 0 is cheroot's "no limit".
            max_head_size: match config.max_request_header_size {
                0 => usize::MAX,
                n => n,
            },
            max_headers: match config.max_request_header_fields {
                0 => usize::MAX,
                n => n,
            },
        };
        let parse_options = ParseOptions {
            limits,
            proxy_mode: config.proxy_mode,
            strict_mode: config.strict_mode,
            ..ParseOptions::default()
        };
        let response_env = Arc::new(ResponseEnv::new(
            &config,
            Arc::clone(&live),
            Arc::clone(&tracker),
        ));
        Self {
            response_env,
            config,
            gateway,
            pool,
            stats,
            tracker,
            bind_addr,
            parse_options,
            live,
            wakes: Arc::new(WakeBatch::default()),
        }
    }

    /// The task a running server keeps beside its connections: the ticker of the `Date`
    /// clock and the dispatcher that wakes connection tasks for the workers (`wake_batch.rs`).
    /// Spawn it once on the runtime the connections run on. It ends within a clock tick of
    /// the state's last user, so it never outlives the server on a runtime the server does
    /// not own.
    pub(crate) fn housekeeping(self: &Arc<Self>) -> impl Future<Output = ()> + Send + 'static {
        let dispatch = Arc::clone(&self.wakes).dispatch();
        let ticking = Arc::downgrade(self);
        let tick = async move {
            while let Some(shared) = ticking.upgrade() {
                shared.response_env.tick();
                drop(shared);
                tokio::time::sleep(crate::clock::TICK).await;
            }
        };
        async move {
            tokio::select! {
                () = dispatch => {}
                () = tick => {}
            }
        }
    }
}
