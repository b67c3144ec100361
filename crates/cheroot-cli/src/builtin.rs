//! The applications compiled into the command, as gateways the server runs.

use std::sync::Arc;

use cheroot::Gateway;

use crate::app_spec::BuiltinApp;

/// The gateway serving `app`.
pub(crate) fn gateway(app: BuiltinApp) -> Arc<dyn Gateway> {
    match app {
        BuiltinApp::Echo => todo!("echo via cheroot-wsgi"),
        BuiltinApp::Hello => todo!("hello via cheroot-wsgi"),
    }
}
