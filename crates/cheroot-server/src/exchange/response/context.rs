//! What a response may know: the facts of its request ([`ResponseCtx`]) and the few server
//! settings it uses ([`ResponseEnv`]). A response reaches nothing else of the server (not the
//! gateway, the pool, the stats or the listener), so what framing a response gets can be read
//! off these two types.

use std::sync::Arc;

use crate::clock::Clock;
use crate::config::{Protocol, ServerConfig};
use crate::live::LiveSettings;
use crate::shutdown::Tracker;

/// The server's side of every response: one per running server, shared by its connections.
#[derive(Debug)]
pub(crate) struct ResponseEnv {
    /// The server's protocol, written in every status line (cheroot's `server.protocol`).
    protocol: Protocol,
    /// The `Server` header's value unless the gateway sets its own.
    server_name: String,
    /// `timeout` (for `Keep-Alive: timeout=N`) and `keep_alive_conn_limit`, which may change
    /// while the server runs.
    live: Arc<LiveSettings>,
    /// Whether the server is ready and how many connections are parked (the keep-alive gate).
    tracker: Arc<Tracker>,
    /// The cached current second, for `Date`.
    clock: Clock,
}

impl ResponseEnv {
    pub(crate) fn new(
        config: &ServerConfig,
        live: Arc<LiveSettings>,
        tracker: Arc<Tracker>,
    ) -> Self {
        Self {
            protocol: config.protocol,
            server_name: config.server_name.clone(),
            live,
            tracker,
            clock: Clock::default(),
        }
    }

    /// The status line's protocol.
    pub(crate) fn protocol(&self) -> Protocol {
        self.protocol
    }

    /// The `Server` header's value.
    pub(crate) fn server_name(&self) -> &str {
        &self.server_name
    }

    /// `timeout` in whole seconds, for `Keep-Alive: timeout=N`.
    pub(crate) fn keep_alive_timeout_secs(&self) -> u64 {
        self.live.timeout_secs()
    }

    /// Seconds since the epoch, for `Date`.
    pub(crate) fn now_secs(&self) -> u64 {
        self.clock.now_secs()
    }

    /// Refreshes the cached second (the server's ticker task).
    pub(crate) fn tick(&self) {
        self.clock.tick();
    }

    /// Whether a response may keep its connection open now (server ready, keep-alive limit
    /// not reached): cheroot's `can_add_keepalive_connection`.
    pub(crate) fn can_keep_alive(&self) -> bool {
        self.tracker
            .can_keep_alive(self.live.keep_alive_conn_limit())
    }
}

/// The facts about the request a response needs, fixed before the gateway runs.
#[derive(Debug)]
pub(crate) struct ResponseCtx {
    pub(crate) method: http::Method,
    /// The response protocol: the lower of the request's version and the server's.
    pub(crate) version: http::Version,
    /// Whether the request asked to keep the connection (see `conn::keepalive`).
    pub(crate) wants_keep_alive: bool,
    pub(crate) env: Arc<ResponseEnv>,
}
