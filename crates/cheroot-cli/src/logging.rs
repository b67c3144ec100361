//! The command's log on `tracing-subscriber`: messages to stderr, one line per event, as text
//! or JSON, filtered by `--log-level` or `RUST_LOG`; the access log (`cheroot::access`) is on or
//! off by `--access-log` alone, and goes where that flag says, each line as the server wrote it
//! (in `--access-log-format`).
//!
//! The subscriber starts no thread (the fmt layer writes each line to stderr itself, in one
//! `write`), so the master stays single-threaded until it forks its workers.

use std::io;
use std::sync::Arc;

use tracing::{Level, Subscriber};
use tracing_subscriber::filter::{EnvFilter, Targets};
use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::fmt::format::{Format, Json, JsonFields};
use tracing_subscriber::layer::{Layer, SubscriberExt as _};
use tracing_subscriber::{Registry, fmt};

use cheroot::server::ACCESS_LOG_TARGET;

use crate::access_log::{AccessFile, AccessLogDest, AccessWriter};
use crate::options::{LogFilter, LogFormat, Options};

/// The filter when neither `--log-level` nor `RUST_LOG` says otherwise.
const DEFAULT_FILTER: &str = "info";

/// The filter directives in force, and where they came from (for the error message): an
/// explicit `--log-level` wins over `RUST_LOG`, which wins over the default `info`.
fn chosen_filter(given: Option<&LogFilter>, rust_log: Option<String>) -> (String, &'static str) {
    match (given, rust_log) {
        (Some(filter), _) => (filter.directives().to_owned(), "--log-level"),
        (None, Some(env)) if !env.trim().is_empty() => (env, "RUST_LOG"),
        (None, _) => (DEFAULT_FILTER.to_owned(), "--log-level"),
    }
}

/// Parses `directives` as `EnvFilter` does for `RUST_LOG`, refusing any it cannot read (its
/// lenient reading would drop them with a warning printed nowhere useful).
pub(crate) fn env_filter(directives: &str) -> Result<EnvFilter, String> {
    EnvFilter::builder()
        .parse(directives)
        .map_err(|err| err.to_string())
}

/// Makes the command's subscriber the process-wide one (a second call leaves the first), and
/// opens the access log's file, if it has one (returned, for reopening).
///
/// # Errors
///
/// A `RUST_LOG` that does not parse, or an access log file that cannot be opened, as a usage
/// error's message naming it (a `--log-level` value was checked when the command line was
/// parsed).
pub(crate) fn install(options: &Options) -> Result<Option<Arc<AccessFile>>, String> {
    let rust_log = std::env::var("RUST_LOG").ok();
    let (directives, source) = chosen_filter(options.log_level.as_ref(), rust_log);
    let filter = env_filter(&directives)
        .map_err(|err| format!("invalid value {directives:?} for {source}: {err}"))?;
    let (access, file) = match &options.access_log {
        None => (None, None),
        Some(AccessLogDest::Stdout) => (Some(AccessWriter::Stdout), None),
        Some(AccessLogDest::File(path)) => {
            let file = AccessFile::open(path).map_err(|err| {
                format!("invalid value {:?} for --access-log: {err}", path.display())
            })?;
            let file = Arc::new(file);
            (Some(AccessWriter::File(Arc::clone(&file))), Some(file))
        }
    };
    let subscriber = subscriber(filter, options.log_format, access, io::stderr);
    // Fails only if a subscriber is already set (an embedder's), which then keeps serving.
    let _ = tracing::subscriber::set_global_default(subscriber);
    Ok(file)
}

/// The subscriber: the messages `filter` lets through, written by `writer` in `format`, and
/// the access log's lines, bare, by `access` when there is one.
fn subscriber<W, A>(
    filter: EnvFilter,
    format: LogFormat,
    access: Option<A>,
    writer: W,
) -> impl Subscriber + Send + Sync
where
    W: for<'w> MakeWriter<'w> + Clone + Send + Sync + 'static,
    A: for<'w> MakeWriter<'w> + Send + Sync + 'static,
{
    // The access log answers to --access-log only: RUST_LOG=debug must not switch it on,
    // and --log-level error must not switch it off.
    let filter = filter.add_directive(
        format!("{ACCESS_LOG_TARGET}=off")
            .parse()
            .expect("a constant directive"),
    );
    let messages = match format {
        LogFormat::Text => fmt::layer()
            .with_ansi(false)
            .with_writer(writer)
            .with_filter(filter)
            .boxed(),
        LogFormat::Json => json_lines(writer).with_filter(filter).boxed(),
    };
    let mut layers: Vec<Box<dyn Layer<Registry> + Send + Sync>> = vec![messages];
    if let Some(access) = access {
        let only_access = Targets::new().with_target(ACCESS_LOG_TARGET, Level::INFO);
        // The line as the server formatted it (Common, combined or a JSON object), nothing
        // added: what log readers of each format expect.
        layers.push(
            fmt::layer()
                .with_ansi(false)
                .without_time()
                .with_level(false)
                .with_target(false)
                .with_writer(access)
                .with_filter(only_access)
                .boxed(),
        );
    }
    Registry::default().with(layers)
}

/// A layer writing each event as one JSON object on a line of its own: `timestamp`, `level`,
/// `message` (and any other fields) and `target`; spans are left out (nothing in the server
/// records any worth shipping).
fn json_lines<W>(writer: W) -> fmt::Layer<Registry, JsonFields, Format<Json>, W>
where
    W: for<'w> MakeWriter<'w> + 'static,
{
    fmt::layer()
        .json()
        .flatten_event(true)
        .with_current_span(false)
        .with_span_list(false)
        .with_writer(writer)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::{Arc, Mutex};

    /// Collects what the subscriber writes.
    #[derive(Clone, Default)]
    struct Captured(Arc<Mutex<Vec<u8>>>);

    impl io::Write for Captured {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    impl<'w> MakeWriter<'w> for Captured {
        type Writer = Captured;
        fn make_writer(&'w self) -> Self::Writer {
            self.clone()
        }
    }

    impl Captured {
        fn text(&self) -> String {
            String::from_utf8(self.0.lock().unwrap().clone()).unwrap()
        }
    }

    /// What the events of `emit` write under `directives` and `format`, with the access log
    /// on (to the same writer) when `access_log`.
    fn logged(directives: &str, format: LogFormat, access_log: bool, emit: fn()) -> String {
        let out = Captured::default();
        let filter = env_filter(directives).unwrap();
        let access = access_log.then(|| out.clone());
        let subscriber = subscriber(filter, format, access, out.clone());
        tracing::subscriber::with_default(subscriber, emit);
        out.text()
    }

    fn events() {
        tracing::info!(target: "cheroot_supervisor::master", "worker 1 (pid 42) is ready");
        tracing::debug!(target: "cheroot_server::conn", "a detail");
        tracing::info!(
            target: "cheroot::access",
            "127.0.0.1 - - [03/Dec/2026:10:00:00 +0000] \"GET / HTTP/1.1\" 200 12"
        );
    }

    #[test]
    fn text_lines_keep_their_layout() {
        let out = logged("info", LogFormat::Text, false, events);
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines.len(), 1, "{out}");
        // 2026-12-03T10:00:00.123456Z  INFO cheroot_supervisor::master: worker 1 ...
        let (time, rest) = lines[0].split_once(' ').unwrap();
        assert!(time.ends_with('Z') && time.contains('T'), "{out}");
        assert_eq!(
            rest,
            " INFO cheroot_supervisor::master: worker 1 (pid 42) is ready"
        );
    }

    #[test]
    fn directives_filter_by_target() {
        // A debug line appears only where it was asked for.
        let out = logged("info,cheroot_server=debug", LogFormat::Text, false, events);
        assert!(
            out.contains("DEBUG cheroot_server::conn: a detail"),
            "{out}"
        );
        let out = logged(
            "info,cheroot_supervisor=debug",
            LogFormat::Text,
            false,
            events,
        );
        assert!(!out.contains("a detail"), "{out}");
        let out = logged("warn", LogFormat::Text, false, events);
        assert_eq!(out, "");
    }

    #[test]
    fn the_access_log_answers_to_its_flag_only() {
        let clf = "127.0.0.1 - - [03/Dec/2026:10:00:00 +0000] \"GET / HTTP/1.1\" 200 12\n";
        // On although the filter hides INFO: the bare line.
        let out = logged("error", LogFormat::Text, true, events);
        assert_eq!(out, clf);
        // Off although the filter would let it through.
        let out = logged("trace", LogFormat::Text, false, events);
        assert!(!out.contains("GET /"), "{out}");
    }

    #[test]
    fn json_is_one_object_per_line() {
        let out = logged("debug", LogFormat::Json, false, events);
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines.len(), 2, "{out}");
        for line in &lines {
            assert!(
                line.starts_with("{\"timestamp\":\"") && line.ends_with('}'),
                "{line}"
            );
        }
        assert!(lines[0].contains("\"level\":\"INFO\""), "{out}");
        assert!(
            lines[0].contains("\"message\":\"worker 1 (pid 42) is ready\""),
            "{out}"
        );
        assert!(
            lines[0].contains("\"target\":\"cheroot_supervisor::master\""),
            "{out}"
        );
        assert!(lines[1].contains("\"level\":\"DEBUG\""), "{out}");
    }

    #[test]
    fn access_lines_stay_bare_whatever_the_log_format() {
        // The server formats the line (Common, combined or JSON): the log adds nothing.
        let clf = "127.0.0.1 - - [03/Dec/2026:10:00:00 +0000] \"GET / HTTP/1.1\" 200 12";
        let out = logged("error", LogFormat::Json, true, events);
        assert_eq!(out, format!("{clf}\n"));
    }

    #[test]
    fn an_explicit_level_wins_over_rust_log() {
        let debug = LogFilter::Level(crate::options::LogLevel::Debug);
        let env = || Some("warn,cheroot_server=trace".to_owned());
        assert_eq!(
            chosen_filter(Some(&debug), env()),
            ("debug".to_owned(), "--log-level")
        );
        assert_eq!(
            chosen_filter(None, env()),
            ("warn,cheroot_server=trace".to_owned(), "RUST_LOG")
        );
        assert_eq!(
            chosen_filter(None, Some(" ".to_owned())),
            ("info".to_owned(), "--log-level")
        );
        assert_eq!(
            chosen_filter(None, None),
            ("info".to_owned(), "--log-level")
        );
    }

    #[test]
    fn bad_directives_are_refused() {
        for bad in ["info,cheroot_server=chatty", "=debug", "info,[", "a=b=c"] {
            assert!(env_filter(bad).is_err(), "{bad}");
        }
    }
}
