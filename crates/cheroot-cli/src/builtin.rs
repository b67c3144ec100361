//! The applications compiled into the command, as gateways the server runs.

use std::sync::Arc;

use cheroot::Gateway;
use cheroot::wsgi::WsgiGateway;
use cheroot_testing::{Echo, Hello};

use crate::app_spec::BuiltinApp;

/// The gateway serving `app`: the WSGI gateway around the testing crate's app.
pub(crate) fn gateway(app: BuiltinApp) -> Arc<dyn Gateway> {
    match app {
        BuiltinApp::Echo => Arc::new(WsgiGateway::new(Echo)),
        BuiltinApp::Hello => Arc::new(WsgiGateway::new(Hello)),
    }
}
