//! The statistics page (`--stats-path`): each worker publishes cheroot's figures to the
//! supervisor's scoreboard, and whichever worker gets the request answers for all of them,
//! as JSON (totals and one row per worker) or as Prometheus text.

use std::fmt::Write as _;
use std::sync::{OnceLock, Weak};

use cheroot::StatsSnapshot;
use cheroot::wsgi::{AppError, Body, Environ, Server, StartResponse};
use cheroot_supervisor::{SlotView, WorkerContext};

/// One published figure: its key in cheroot's `stats` dict, its Prometheus name and help,
/// and whether it only grows.
struct Figure {
    key: &'static str,
    metric: &'static str,
    help: &'static str,
    counter: bool,
}

/// The figures, in the order they sit in a scoreboard slot.
const FIGURES: [Figure; 9] = [
    Figure {
        key: "Accepts",
        metric: "cheroot_accepts_total",
        help: "Connections accepted.",
        counter: true,
    },
    Figure {
        key: "Socket Errors",
        metric: "cheroot_socket_errors_total",
        help: "Connections that ended in a socket error.",
        counter: true,
    },
    Figure {
        key: "Requests",
        metric: "cheroot_requests_total",
        help: "Requests served.",
        counter: true,
    },
    Figure {
        key: "Bytes Read",
        metric: "cheroot_read_bytes_total",
        help: "Request bytes read.",
        counter: true,
    },
    Figure {
        key: "Bytes Written",
        metric: "cheroot_written_bytes_total",
        help: "Response bytes written.",
        counter: true,
    },
    Figure {
        key: "Work Time",
        metric: "cheroot_work_seconds_total",
        help: "Seconds worker threads spent on requests.",
        counter: true,
    },
    Figure {
        key: "Threads",
        metric: "cheroot_threads",
        help: "Worker threads running.",
        counter: false,
    },
    Figure {
        key: "Threads Idle",
        metric: "cheroot_threads_idle",
        help: "Worker threads waiting for a request.",
        counter: false,
    },
    Figure {
        key: "Queue",
        metric: "cheroot_queue",
        help: "Requests waiting for a worker thread.",
        counter: false,
    },
];

/// Index of `Work Time`, kept in microseconds in the slot and shown in seconds.
const WORK_TIME: usize = 5;

/// The page, as one worker serves it.
pub(crate) struct StatsPage {
    path: String,
    context: WorkerContext,
    /// This worker's server, to publish fresh figures just before answering.
    server: OnceLock<Weak<Server>>,
}

impl StatsPage {
    pub(crate) fn new(path: String, context: WorkerContext) -> StatsPage {
        StatsPage {
            path,
            context,
            server: OnceLock::new(),
        }
    }

    /// Tells the page which server's figures are this worker's.
    pub(crate) fn attach(&self, server: Weak<Server>) {
        let _ = self.server.set(server);
    }

    /// Whether the request is for the page.
    pub(crate) fn is_for(&self, environ: &Environ) -> bool {
        environ.get("PATH_INFO") == Some(self.path.as_str())
    }

    /// Copies this worker's figures to its slot.
    pub(crate) fn publish(&self) {
        if let Some(server) = self.server.get().and_then(Weak::upgrade) {
            self.context.publish(&figures(&server.stats()));
        }
    }

    /// Answers a request for the page.
    pub(crate) fn respond<'r>(
        &self,
        environ: &Environ,
        start_response: StartResponse<'r>,
    ) -> Result<Body<'r>, AppError> {
        let method = environ.get("REQUEST_METHOD").unwrap_or_default();
        if method != "GET" && method != "HEAD" {
            start_response.start(
                "405 Method Not Allowed",
                [
                    ("Allow", "GET, HEAD"),
                    ("Content-Type", "text/plain"),
                    ("Content-Length", "23"),
                ],
            )?;
            return Ok(Body::from("Only GET and HEAD here\n"));
        }
        self.publish();
        let workers = self.context.scoreboard().workers();
        let (content_type, text) = if wants_prometheus(environ) {
            (
                "text/plain; version=0.0.4; charset=utf-8",
                prometheus(&workers),
            )
        } else {
            ("application/json", json(&workers))
        };
        let length = text.len().to_string();
        start_response.start(
            "200 OK",
            [
                ("Content-Type", content_type),
                ("Content-Length", length.as_str()),
                ("Cache-Control", "no-store"),
            ],
        )?;
        Ok(Body::from(text))
    }
}

/// `?format=prometheus`, or an `Accept` that asks for text/plain before JSON.
fn wants_prometheus(environ: &Environ) -> bool {
    let query = environ.get("QUERY_STRING").unwrap_or_default();
    if query.split('&').any(|pair| pair == "format=prometheus") {
        return true;
    }
    if query.split('&').any(|pair| pair == "format=json") {
        return false;
    }
    let accept = environ.get("HTTP_ACCEPT").unwrap_or_default();
    accept.contains("text/plain") && !accept.contains("application/json")
}

/// A server's figures in slot order.
pub(crate) fn figures(stats: &StatsSnapshot) -> [u64; FIGURES.len()] {
    let count = |n: i64| u64::try_from(n).unwrap_or(0);
    [
        stats.accepts,
        stats.socket_errors,
        count(stats.requests),
        count(stats.bytes_read),
        count(stats.bytes_written),
        (stats.work_time * 1e6) as u64,
        stats.threads as u64,
        stats.threads_idle as u64,
        stats.queue as u64,
    ]
}

/// A figure's value as shown: integers, and seconds with microseconds for `Work Time`.
fn shown(index: usize, value: u64) -> String {
    if index == WORK_TIME {
        format!("{:.6}", value as f64 / 1e6)
    } else {
        value.to_string()
    }
}

fn json(workers: &[SlotView]) -> String {
    let mut out = String::from("{\n");
    let _ = writeln!(out, "  \"Workers\": {},", workers.len());
    for (index, figure) in FIGURES.iter().enumerate() {
        let total: u64 = workers.iter().map(|w| w.figures[index]).sum();
        let _ = writeln!(out, "  \"{}\": {},", figure.key, shown(index, total));
    }
    out.push_str("  \"Worker Processes\": [");
    for (n, worker) in workers.iter().enumerate() {
        out.push_str(if n == 0 { "\n" } else { ",\n" });
        let _ = write!(
            out,
            "    {{\"Worker\": {}, \"PID\": {}, \"Ready\": {}, \"Stopping\": {}, \"Handled\": {}",
            worker.number, worker.pid, worker.ready, worker.stopping, worker.handled
        );
        for (index, figure) in FIGURES.iter().enumerate() {
            let _ = write!(
                out,
                ", \"{}\": {}",
                figure.key,
                shown(index, worker.figures[index])
            );
        }
        out.push('}');
    }
    out.push_str(if workers.is_empty() {
        "]\n}\n"
    } else {
        "\n  ]\n}\n"
    });
    out
}

fn prometheus(workers: &[SlotView]) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# HELP cheroot_workers Worker processes running.");
    let _ = writeln!(out, "# TYPE cheroot_workers gauge");
    let _ = writeln!(out, "cheroot_workers {}", workers.len());
    let _ = writeln!(
        out,
        "# HELP cheroot_handled_total Requests each worker's application answered."
    );
    let _ = writeln!(out, "# TYPE cheroot_handled_total counter");
    for worker in workers {
        let _ = writeln!(
            out,
            "cheroot_handled_total{} {}",
            labels(worker),
            worker.handled
        );
    }
    for (index, figure) in FIGURES.iter().enumerate() {
        let kind = if figure.counter { "counter" } else { "gauge" };
        let _ = writeln!(out, "# HELP {} {}", figure.metric, figure.help);
        let _ = writeln!(out, "# TYPE {} {kind}", figure.metric);
        for worker in workers {
            let _ = writeln!(
                out,
                "{}{} {}",
                figure.metric,
                labels(worker),
                shown(index, worker.figures[index])
            );
        }
    }
    out
}

fn labels(worker: &SlotView) -> String {
    format!("{{worker=\"{}\",pid=\"{}\"}}", worker.number, worker.pid)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn worker(number: u64, pid: u32, requests: u64) -> SlotView {
        let mut figures = [0; cheroot_supervisor::FIGURES];
        figures[2] = requests;
        figures[WORK_TIME] = 1_500_000;
        SlotView {
            pid,
            number,
            ready: true,
            stopping: false,
            handled: requests,
            figures,
        }
    }

    #[test]
    fn json_sums_the_workers_and_lists_each() {
        let text = json(&[worker(1, 100, 3), worker(2, 200, 4)]);
        assert!(text.contains("\"Workers\": 2,\n"), "{text}");
        assert!(text.contains("\"Requests\": 7,\n"), "{text}");
        assert!(text.contains("\"Work Time\": 3.000000,\n"), "{text}");
        assert!(
            text.contains("{\"Worker\": 1, \"PID\": 100, \"Ready\": true"),
            "{text}"
        );
        assert!(text.contains("{\"Worker\": 2, \"PID\": 200,"), "{text}");
        assert!(text.ends_with("\n  ]\n}\n"), "{text}");
        assert!(json(&[]).ends_with("\"Worker Processes\": []\n}\n"));
    }

    #[test]
    fn prometheus_has_one_labelled_sample_per_worker() {
        let text = prometheus(&[worker(1, 100, 3), worker(2, 200, 4)]);
        assert!(
            text.contains("# TYPE cheroot_requests_total counter\n"),
            "{text}"
        );
        assert!(
            text.contains("cheroot_requests_total{worker=\"1\",pid=\"100\"} 3\n"),
            "{text}"
        );
        assert!(
            text.contains("cheroot_requests_total{worker=\"2\",pid=\"200\"} 4\n"),
            "{text}"
        );
        assert!(text.contains("# TYPE cheroot_threads gauge\n"), "{text}");
        assert!(text.contains("cheroot_workers 2\n"), "{text}");
    }
}
