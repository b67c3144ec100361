//! The application interface: WSGI's `app(environ, start_response) -> iterable` as a trait.

use std::sync::Arc;

use crate::body::Body;
use crate::environ::Environ;
use crate::environ_source::EnvironSource;
use crate::error::AppError;
use crate::start_response::StartResponse;

/// A WSGI-style application.
///
/// [`call`](WsgiApp::call) receives the request's [`Environ`] (owned: the body may keep
/// [`Environ::input`] to stream the request body) and the [`StartResponse`] callable, and
/// returns the response [`Body`]. It runs on a worker-pool thread and may block.
///
/// Closures implement it:
///
/// ```
/// use cheroot_wsgi::{AppError, Body, Environ, StartResponse, WsgiApp};
///
/// fn hello<'r>(_env: Environ, start_response: StartResponse<'r>) -> Result<Body<'r>, AppError> {
///     start_response.start("200 OK", [("Content-Type", "text/plain")])?;
///     Ok(Body::from("Hello world!"))
/// }
///
/// fn takes_app(_app: impl WsgiApp) {}
/// takes_app(hello);
/// // A closure needs `app_fn` so its lifetimes come out general enough:
/// takes_app(cheroot_wsgi::app_fn(|_env, start_response| {
///     start_response.start("204 No Content", Vec::<(String, String)>::new())?;
///     Ok(Body::empty())
/// }));
/// ```
///
/// # Errors
///
/// An error returned before any response byte was sent gives the client
/// `500 Internal Server Error` (or the status of a request-body failure the server recorded,
/// such as 413); after that, the connection is closed.
pub trait WsgiApp: Send + Sync + 'static {
    /// Answers one request.
    ///
    /// # Errors
    ///
    /// See the trait documentation.
    fn call<'r>(
        &self,
        environ: Environ,
        start_response: StartResponse<'r>,
    ) -> Result<Body<'r>, AppError>;

    /// Answers one request whose environ is not built yet: what the gateway calls. The
    /// default builds the environ and calls [`call`](Self::call); a bridge that keeps an
    /// environ of its own (another language's) can take the variables from
    /// [`EnvironSource::fill`] instead, without the Rust environ's copies.
    ///
    /// # Errors
    ///
    /// See the trait documentation.
    fn call_request<'r>(
        &self,
        request: EnvironSource<'_>,
        start_response: StartResponse<'r>,
    ) -> Result<Body<'r>, AppError> {
        self.call(request.into_environ(), start_response)
    }
}

impl<F> WsgiApp for F
where
    F: for<'r> Fn(Environ, StartResponse<'r>) -> Result<Body<'r>, AppError> + Send + Sync + 'static,
{
    fn call<'r>(
        &self,
        environ: Environ,
        start_response: StartResponse<'r>,
    ) -> Result<Body<'r>, AppError> {
        self(environ, start_response)
    }
}

/// A shared or boxed app is the app it points to, `call_request` included (a bridge's own
/// `call_request` must not fall back to the default through the pointer).
macro_rules! forward_to_pointee {
    ($($pointer:ty),*) => {$(
        impl WsgiApp for $pointer {
            fn call<'r>(
                &self,
                environ: Environ,
                start_response: StartResponse<'r>,
            ) -> Result<Body<'r>, AppError> {
                (**self).call(environ, start_response)
            }

            fn call_request<'r>(
                &self,
                request: EnvironSource<'_>,
                start_response: StartResponse<'r>,
            ) -> Result<Body<'r>, AppError> {
                (**self).call_request(request, start_response)
            }
        }
    )*};
}

forward_to_pointee!(Arc<dyn WsgiApp>, Box<dyn WsgiApp>);

/// Turns a closure into a [`WsgiApp`], pinning its signature so Rust infers the
/// higher-ranked lifetime a closure needs (a closure passed straight to a function taking
/// `impl WsgiApp` is inferred with one fixed lifetime and rejected).
pub fn app_fn<F>(f: F) -> F
where
    F: for<'r> Fn(Environ, StartResponse<'r>) -> Result<Body<'r>, AppError> + Send + Sync + 'static,
{
    f
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::AppError;

    /// An app whose `call_request` answers and whose `call` fails: which one ran shows.
    struct Bridge;

    impl WsgiApp for Bridge {
        fn call<'r>(&self, _: Environ, _: StartResponse<'r>) -> Result<Body<'r>, AppError> {
            Err(AppError::from(std::io::Error::other(
                "call, not call_request",
            )))
        }

        fn call_request<'r>(
            &self,
            _: EnvironSource<'_>,
            start_response: StartResponse<'r>,
        ) -> Result<Body<'r>, AppError> {
            start_response.start("204 No Content", Vec::<(String, String)>::new())?;
            Ok(Body::empty())
        }
    }

    #[test]
    fn a_pointer_to_an_app_reaches_its_call_request() {
        let shared: Arc<dyn WsgiApp> = Arc::new(Bridge);
        let boxed: Box<dyn WsgiApp> = Box::new(Bridge);
        for app in [&shared as &dyn WsgiApp, &boxed as &dyn WsgiApp] {
            let got = crate::invoke(app, Environ::new()).expect("call_request answers");
            assert_eq!(got.status, "204 No Content");
        }
    }
}
