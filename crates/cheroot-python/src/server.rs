//! The native server behind `cheroot_rs.wsgi.Server`: cheroot-rs's WSGI server with a Python
//! app, built from the settings the Python object holds when it is prepared.

use std::path::PathBuf;
use std::sync::{Arc, mpsc};
use std::time::Duration;

use cheroot::tls::{TlsSettings, get_ssl_adapter_class};
use cheroot::wsgi::{Server, WsgiVersion};
use cheroot::{BindAddr, ExpectContinue, Protocol, ServerConfig, ServerError};
use pyo3::exceptions::{PyOSError, PyRuntimeError, PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyString, PyTuple};

use crate::app::PyApp;
use crate::environ::ServerValues;
use crate::errors_stream::ErrorStream;
use crate::report::Host;

/// How often `serve()` wakes to let Python run its signal handlers (Ctrl-C).
const SIGNAL_POLL: Duration = Duration::from_millis(100);

/// A prepared-or-running server; one per `prepare()` of the Python object.
#[pyclass(name = "Server", module = "cheroot_rs._native", frozen)]
pub(crate) struct NativeServer {
    server: Arc<Server>,
}

/// Python's `bind_addr` as the server's: `(host, port)` for TCP, a `str` path for a UNIX
/// socket, a name starting with NUL (or `bytes`) for a Linux abstract socket.
fn bind_addr(value: &Bound<'_, PyAny>) -> PyResult<BindAddr> {
    if let Ok(path) = value.cast::<PyString>() {
        let path = path.to_cow()?;
        return Ok(match path.strip_prefix('\0') {
            Some(name) => BindAddr::Abstract(name.as_bytes().to_vec()),
            None => BindAddr::Unix(PathBuf::from(&*path)),
        });
    }
    if let Ok(name) = value.cast::<PyBytes>() {
        let name = name.as_bytes();
        return Ok(BindAddr::Abstract(
            name.strip_prefix(b"\0").unwrap_or(name).to_vec(),
        ));
    }
    if let Ok(tuple) = value.cast::<PyTuple>() {
        if tuple.len() >= 2 {
            let host: Option<String> = tuple.get_item(0)?.extract()?;
            let port: u16 = tuple.get_item(1)?.extract().map_err(|_| {
                PyValueError::new_err(format!(
                    "bind_addr port must be an int in 0..=65535, not {}",
                    tuple.get_item(1).map(|p| p.to_string()).unwrap_or_default()
                ))
            })?;
            return BindAddr::tcp(host.unwrap_or_default(), port)
                .map_err(|err| PyValueError::new_err(err.to_string()));
        }
    }
    Err(PyTypeError::new_err(format!(
        "bind_addr must be a (host, port) tuple or a UNIX socket path, not {}",
        value.repr()?
    )))
}

fn seconds(value: f64, name: &str) -> PyResult<Duration> {
    Duration::try_from_secs_f64(value).map_err(|_| {
        PyValueError::new_err(format!(
            "{name} must be a number of seconds >= 0, not {value}"
        ))
    })
}

/// The TLS adapter a Python SSL adapter object describes (see `cheroot_rs.ssl`).
fn tls_adapter(tls: &Bound<'_, PyAny>) -> PyResult<Arc<dyn cheroot::tls::SslAdapter>> {
    let get = |name: &str| tls.getattr(name);
    let backend: String = get("backend")?.extract()?;
    let certificate: PathBuf = get("certificate")?.extract()?;
    let private_key: PathBuf = get("private_key")?.extract()?;
    let chain: Option<PathBuf> = get("certificate_chain")?.extract()?;
    let ciphers: Option<String> = get("ciphers")?.extract()?;
    let password = get("private_key_password")?;
    for (what, path) in [
        ("certificate", Some(&certificate)),
        ("private_key", Some(&private_key)),
        ("certificate_chain", chain.as_ref()),
    ] {
        if let Some(path) = path {
            if !path.is_file() {
                return Err(PyOSError::new_err(format!(
                    "SSL adapter {what} {:?}: no such file",
                    path.display()
                )));
            }
        }
    }
    let mut settings = TlsSettings::new(certificate, private_key);
    if let Some(chain) = chain {
        settings = settings.with_certificate_chain(chain);
    }
    if let Some(ciphers) = ciphers {
        settings = settings.with_ciphers(ciphers);
    }
    if !password.is_none() {
        let password = if password.is_callable() {
            password.call0()?
        } else {
            password
        };
        let password: Vec<u8> = if let Ok(text) = password.cast::<PyString>() {
            text.to_cow()?.as_bytes().to_vec()
        } else {
            password.extract()?
        };
        settings = settings.with_private_key_password(password);
    }
    let kind =
        get_ssl_adapter_class(&backend).map_err(|err| PyValueError::new_err(err.to_string()))?;
    kind.build(settings).map_err(|err| {
        PyOSError::new_err(format!(
            "cannot set up TLS ({} adapter): {err}",
            kind.name()
        ))
    })
}

/// Figures as a dict, each value as the Python type it reads as (int, float, bool or str).
fn figures<'py>(py: Python<'py>, pairs: Vec<(&str, String)>) -> PyResult<Bound<'py, PyDict>> {
    let dict = PyDict::new(py);
    for (key, value) in pairs {
        if let Ok(number) = value.parse::<i64>() {
            dict.set_item(key, number)?;
        } else if let Ok(number) = value.parse::<f64>() {
            dict.set_item(key, number)?;
        } else if let Ok(flag) = value.parse::<bool>() {
            dict.set_item(key, flag)?;
        } else {
            dict.set_item(key, value)?;
        }
    }
    Ok(dict)
}

fn server_error(err: ServerError) -> PyErr {
    if err.is_config() {
        PyValueError::new_err(err.to_string())
    } else {
        PyOSError::new_err(err.to_string())
    }
}

#[pymethods]
impl NativeServer {
    /// Builds the server for `host`, the Python server object (its `wsgi_app` is called for
    /// each request, its `error_log` and `interrupt` receive what the app raises).
    #[new]
    #[pyo3(signature = (
        host, bind_addr_value, *, numthreads = 10, max = None, server_name = None,
        protocol = "HTTP/1.1", timeout = 10.0, shutdown_timeout = 5.0, request_queue_size = 1024,
        accepted_queue_size = None, accepted_queue_timeout = 10.0,
        max_request_header_size = None, max_request_body_size = None, nodelay = true,
        reuse_port = false, keep_alive_conn_limit = None, peercreds_enabled = false,
        peercreds_resolve_enabled = false, stats_enabled = false, wsgi_version = "1.0",
        multiprocess = false, software = None, ssl_adapter = None, expect_continue = "at-once",
        proxy_mode = false, strict_mode = true
    ))]
    #[allow(
        clippy::too_many_arguments,
        reason = "Python's HTTPServer(...) takes each setting as a keyword argument"
    )]
    fn new(
        host: Py<PyAny>,
        bind_addr_value: &Bound<'_, PyAny>,
        numthreads: usize,
        max: Option<usize>,
        server_name: Option<String>,
        protocol: &str,
        timeout: f64,
        shutdown_timeout: f64,
        request_queue_size: u32,
        accepted_queue_size: Option<usize>,
        accepted_queue_timeout: f64,
        max_request_header_size: Option<usize>,
        max_request_body_size: Option<u64>,
        nodelay: bool,
        reuse_port: bool,
        keep_alive_conn_limit: Option<usize>,
        peercreds_enabled: bool,
        peercreds_resolve_enabled: bool,
        stats_enabled: bool,
        wsgi_version: &str,
        multiprocess: bool,
        software: Option<String>,
        ssl_adapter: Option<&Bound<'_, PyAny>>,
        expect_continue: &str,
        proxy_mode: bool,
        strict_mode: bool,
    ) -> PyResult<Self> {
        let py = bind_addr_value.py();
        let addr = bind_addr(bind_addr_value)?;
        let defaults = ServerConfig::default();
        let config = ServerConfig {
            minthreads: numthreads,
            maxthreads: max,
            server_name: server_name.unwrap_or(defaults.server_name.clone()),
            protocol: match protocol {
                "HTTP/1.1" => Protocol::Http11,
                "HTTP/1.0" => Protocol::Http10,
                other => {
                    return Err(PyValueError::new_err(format!(
                        "protocol must be 'HTTP/1.1' or 'HTTP/1.0', not {other:?}"
                    )));
                }
            },
            timeout: seconds(timeout, "timeout")?,
            shutdown_timeout: seconds(shutdown_timeout, "shutdown_timeout")?,
            request_queue_size,
            accepted_queue_size: accepted_queue_size.unwrap_or(defaults.accepted_queue_size),
            accepted_queue_timeout: seconds(accepted_queue_timeout, "accepted_queue_timeout")?,
            max_request_header_size: max_request_header_size
                .unwrap_or(defaults.max_request_header_size),
            max_request_body_size: max_request_body_size.unwrap_or(defaults.max_request_body_size),
            nodelay,
            reuse_port,
            keep_alive_conn_limit,
            peercreds_enabled,
            peercreds_resolve_enabled,
            stats_enabled,
            ssl_adapter: ssl_adapter.map(tls_adapter).transpose()?,
            expect_continue: match expect_continue {
                "at-once" => ExpectContinue::AtOnce,
                "on-read" => ExpectContinue::OnFirstRead,
                other => {
                    return Err(PyValueError::new_err(format!(
                        "expect_continue must be 'at-once' or 'on-read', not {other:?}"
                    )));
                }
            },
            proxy_mode,
            strict_mode,
            ..defaults
        };
        config
            .validate(&addr)
            .map_err(|err| PyValueError::new_err(err.to_string()))?;
        let host_obj = host.clone_ref(py);
        let values = ServerValues {
            errors: Py::new(py, ErrorStream::new(host.clone_ref(py)))?,
            multiprocess,
        };
        let app = PyApp::new(Arc::new(Host::new(host_obj)), values);
        let server = Server::with_config(addr, Arc::new(app), config);
        server.set_wsgi_version(match wsgi_version {
            "1.0" => WsgiVersion::V10,
            "u0" => WsgiVersion::U0,
            other => {
                return Err(PyValueError::new_err(format!(
                    "wsgi_version must be (1, 0) or ('u', 0), not {other:?}"
                )));
            }
        });
        if let Some(software) = software {
            server.gateway().set_server_software(software);
        }
        Ok(Self {
            server: Arc::new(server),
        })
    }

    /// Binds the listening socket.
    fn prepare(&self, py: Python<'_>) -> PyResult<()> {
        let server = &self.server;
        py.detach(|| server.prepare()).map_err(server_error)
    }

    /// Serves until `stop()` (from another thread, or a signal): the GIL is released, and
    /// Python's signal handlers run every 100 ms, so Ctrl-C raises `KeyboardInterrupt` here
    /// after stopping the server. Returns the interrupt message, if one stopped the server.
    fn serve(&self, py: Python<'_>) -> PyResult<Option<String>> {
        let (done, finished) = mpsc::channel();
        let server = Arc::clone(&self.server);
        std::thread::Builder::new()
            .name("cheroot-serve".into())
            .spawn(move || {
                let _ = done.send(server.serve());
            })
            .map_err(|err| PyOSError::new_err(format!("cannot start the server thread: {err}")))?;
        let mut finished = finished;
        let served = loop {
            // The receiver goes into the detached closure and comes back out with the result.
            let (result, back) = py.detach(move || (finished.recv_timeout(SIGNAL_POLL), finished));
            finished = back;
            match result {
                Ok(served) => break served,
                Err(mpsc::RecvTimeoutError::Disconnected) => {
                    return Err(PyRuntimeError::new_err(
                        "the server thread ended without a result",
                    ));
                }
                Err(mpsc::RecvTimeoutError::Timeout) => {
                    if let Err(signal) = py.check_signals() {
                        let server = &self.server;
                        py.detach(move || {
                            server.stop();
                            let _ = finished.recv();
                        });
                        return Err(signal);
                    }
                }
            }
        };
        match served {
            Ok(()) => Ok(None),
            Err(err) if err.is_interrupted() => {
                Ok(err.into_interrupt().map(|interrupt| interrupt.to_string()))
            }
            Err(err) => Err(server_error(err)),
        }
    }

    /// Stops gracefully (see the Rust server's `stop`); the GIL is released meanwhile, so the
    /// requests in flight can finish.
    fn stop(&self, py: Python<'_>) {
        let server = &self.server;
        py.detach(|| server.stop());
    }

    /// Stops the server and makes `serve()` return `message` (the Python object keeps the
    /// exception itself).
    fn interrupt(&self, message: String) {
        self.server.http_server().interrupt(message);
    }

    #[getter]
    fn ready(&self) -> bool {
        self.server.ready()
    }

    /// The bound address: `(host, port)` with the real port, the socket path, or the
    /// abstract name with its leading NUL.
    #[getter]
    fn bind_addr<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        Ok(match self.server.bind_addr() {
            BindAddr::Tcp { host, port } => (host, port).into_pyobject(py)?.into_any(),
            BindAddr::Unix(path) => path.into_pyobject(py)?.str()?.into_any(),
            BindAddr::Abstract(name) => {
                let mut text = String::from("\0");
                text.push_str(&cheroot_compat::bton(&name));
                PyString::new(py, &text).into_any()
            }
        })
    }

    /// The statistics, with cheroot's keys; numbers as `int` or `float`; `Worker Threads`
    /// maps each pool thread's name to its own figures.
    fn stats<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let snapshot = self.server.stats();
        let stats = figures(py, snapshot.to_pairs())?;
        let workers = PyDict::new(py);
        for (name, worker) in &snapshot.workers {
            workers.set_item(name, figures(py, worker.to_pairs())?)?;
        }
        stats.set_item("Worker Threads", workers)?;
        Ok(stats)
    }

    /// How many open connections are parked idle between requests (cheroot counts those
    /// its selector watches).
    fn idle_connections(&self) -> usize {
        self.server.http_server().idle_connections()
    }

    /// cheroot's `can_add_keepalive_connection`, by the server's own rule.
    fn can_add_keepalive_connection(&self) -> bool {
        self.server.http_server().can_add_keepalive_connection()
    }

    /// Sets `timeout` in seconds; a running server uses it from its next socket wait on.
    fn set_timeout(&self, timeout: f64) -> PyResult<()> {
        let timeout = seconds(timeout, "timeout")?;
        if timeout.is_zero() {
            return Err(PyValueError::new_err(
                "timeout must be a number of seconds > 0, not 0",
            ));
        }
        self.server.http_server().set_timeout(timeout);
        Ok(())
    }

    /// Sets `max_request_body_size` (`None`: cheroot-rs's default, 0: no limit) for the next
    /// request on.
    #[pyo3(signature = (max))]
    fn set_max_request_body_size(&self, max: Option<u64>) {
        let max = max.unwrap_or(ServerConfig::default().max_request_body_size);
        self.server.http_server().set_max_request_body_size(max);
    }

    /// Sets `keep_alive_conn_limit` (`None`: no limit) for the next response on.
    #[pyo3(signature = (limit))]
    fn set_keep_alive_conn_limit(&self, limit: Option<usize>) {
        self.server.http_server().set_keep_alive_conn_limit(limit);
    }

    /// Switches the statistics on or off at once (cheroot's `stats['Enabled'] = ...`).
    fn set_stats_enabled(&self, enabled: bool) {
        self.server.http_server().set_stats_enabled(enabled);
    }

    /// Zeroes the counters.
    fn clear_stats(&self) {
        self.server.http_server().clear_stats();
    }

    /// Seconds served while statistics were on.
    fn runtime(&self) -> f64 {
        self.server.http_server().stats_run_time().as_secs_f64()
    }
}
