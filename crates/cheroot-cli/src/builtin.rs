//! The applications compiled into the command.

use std::sync::Arc;

use cheroot::wsgi::WsgiApp;
use cheroot_testing::{Echo, Hello};

use crate::app_spec::BuiltinApp;

/// The WSGI-style application `app` names: the testing crate's `Echo` or `Hello`.
pub(crate) fn app(app: BuiltinApp) -> Arc<dyn WsgiApp> {
    match app {
        BuiltinApp::Echo => Arc::new(Echo),
        BuiltinApp::Hello => Arc::new(Hello),
    }
}
