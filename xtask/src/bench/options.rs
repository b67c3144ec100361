//! Command-line options of `cargo xtask bench`.

use std::time::Duration;

use super::python::App;
use super::scenario::{Gateway, SCENARIOS, Scenario};

/// Usage text, printed by `--help` and after a bad argument.
pub(crate) const USAGE: &str = "\
usage: cargo xtask bench [options]

Builds bench/hyper-hello, bench/hyper-tls-hello and bench/cheroot-hello, loads each with wrk
(server pinned to core 0, wrk to core 1) and prints a table: requests/s (MiB/s for D), p50/p99
latency and RSS. T and TH are HTTPS (hyper-tls-hello against cheroot-hello --tls, a throw-away
certificate made with the openssl command; TH's req/s are handshakes/s).

options:
  --scenario A,B,..   scenarios to run (default: all of A,B,C,D,P,I,T,TH)
  --gateway native,pool,wsgi,command
                      cheroot gateways to run (default: all four; command is the
                      `cheroot builtin:hello` users install, target/production/cheroot,
                      which serves /hello only and so sits out D)
  --duration S        measured seconds per run (default 10)
  --warmup S          warm-up seconds per run (default 2)
  --quick             1 s warm-up, 3 s runs: a smoke test
  --rounds N          measure each server N times, alternating; report each figure's median
                      (default 1; use 3 on a busy machine)
  --no-build          use the binaries already in bench/target/release (and
                      target/production/cheroot)
  --idle N            idle connections held in scenario I (default 10000)
  --no-docs           do not redraw docs/benchmarks.svg (also implied by --quick; a run
                      of every scenario redraws it otherwise)
  --hyper-pipeline-flush
                      turn on hyper's pipeline_flush (off by default, as in the
                      reference figures; it batches pipelined responses)
  -h, --help          this text

Python hosting: --python runs the WSGI apps of bench/python/apps.py on cheroot-rs
(a release wheel built into target/python-bench-venv), granian, cheroot and gunicorn (gthread), one
worker process each pinned to core 0, wrk on core 1, with the Rust `cheroot builtin:hello` as
the baseline of the bridge's cost, and writes the figures into docs/benchmarks.md.
--duration, --warmup, --quick, --rounds and --no-build (use the installed wheel and
target/production/cheroot) apply; --scenario, --gateway, --idle and --hyper-pipeline-flush do not.

  --python            run the Python hosting benchmark instead of the hyper one
  --app A,B,..        apps to run (default: all of hello,flask,big,file)
  --threads N         worker threads of every server (default 4)
  --workers N         worker processes of every server (default 1). Above 1 no process is
                      pinned (the servers use both cores, wrk shares them), cheroot (one process
                      only) is left out, and the ratios compare process pools
  --no-docs           print the figures only; also implied by --quick";

/// What one invocation runs.
#[derive(Debug, Clone)]
pub(crate) struct Options {
    pub(crate) scenarios: Vec<&'static Scenario>,
    pub(crate) gateways: Vec<Gateway>,
    pub(crate) warmup: Duration,
    pub(crate) duration: Duration,
    pub(crate) idle: usize,
    pub(crate) rounds: u32,
    pub(crate) no_build: bool,
    pub(crate) hyper_pipeline_flush: bool,
    /// The Python hosting benchmark instead of the hyper one.
    pub(crate) python: bool,
    /// Its apps, and the worker threads every Python server gets.
    pub(crate) apps: Vec<App>,
    pub(crate) threads: u32,
    /// Worker processes every Python server gets (1: one pinned process each).
    pub(crate) workers: u32,
    /// Whether `--python` writes its figures into docs/benchmarks.md.
    pub(crate) write_docs: bool,
}

/// What the command line asked for: a run, or only the usage text.
#[derive(Debug)]
pub(crate) enum Parsed {
    Run(Options),
    Help,
}

/// Parses the arguments that follow `bench`.
pub(crate) fn parse(args: &[String]) -> Result<Parsed, String> {
    let mut opts = Options {
        scenarios: SCENARIOS.iter().collect(),
        gateways: vec![
            Gateway::Native,
            Gateway::Pool,
            Gateway::Wsgi,
            Gateway::Command,
        ],
        warmup: Duration::from_secs(2),
        duration: Duration::from_secs(10),
        idle: 10_000,
        rounds: 1,
        no_build: false,
        hyper_pipeline_flush: false,
        python: false,
        apps: App::ALL.to_vec(),
        threads: DEFAULT_THREADS,
        workers: 1,
        write_docs: true,
    };
    let mut explicit_duration = None;
    let mut explicit_warmup = None;
    let mut quick = false;
    // The first option that only the hyper benchmark knows, and the first only --python knows.
    let mut hyper_only = None;
    let mut python_only = None;
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let mut value = || {
            it.next()
                .ok_or_else(|| format!("{arg} needs a value\n\n{USAGE}"))
        };
        match arg.as_str() {
            "--hyper-pipeline-flush" | "--scenario" | "--scenarios" | "--gateway" | "--idle" => {
                hyper_only.get_or_insert(arg.as_str());
            }
            "--app" | "--apps" | "--threads" | "--workers" => {
                python_only.get_or_insert(arg.as_str());
            }
            _ => {}
        }
        match arg.as_str() {
            "-h" | "--help" => return Ok(Parsed::Help),
            "--quick" => quick = true,
            "--no-build" => opts.no_build = true,
            "--python" => opts.python = true,
            "--no-docs" => opts.write_docs = false,
            "--app" | "--apps" => opts.apps = parse_apps(value()?)?,
            "--threads" => {
                let v = value()?;
                opts.threads = match v.parse() {
                    Ok(n) if (1..=64).contains(&n) => n,
                    _ => return Err(format!("--threads wants 1 to 64, got {v:?}")),
                };
            }
            "--workers" => {
                let v = value()?;
                opts.workers = match v.parse() {
                    Ok(n) if (1..=16).contains(&n) => n,
                    _ => return Err(format!("--workers wants 1 to 16, got {v:?}")),
                };
            }
            "--hyper-pipeline-flush" => opts.hyper_pipeline_flush = true,
            "--scenario" | "--scenarios" => opts.scenarios = parse_scenarios(value()?)?,
            "--gateway" => opts.gateways = parse_gateways(value()?)?,
            "--duration" => explicit_duration = Some(parse_secs(arg, value()?)?),
            "--warmup" => explicit_warmup = Some(parse_secs(arg, value()?)?),
            "--rounds" => {
                let v = value()?;
                opts.rounds = match v.parse() {
                    Ok(n) if (1..=20).contains(&n) => n,
                    _ => return Err(format!("--rounds wants 1 to 20, got {v:?}")),
                };
            }
            "--idle" => {
                let v = value()?;
                opts.idle = v
                    .parse()
                    .map_err(|_| format!("--idle wants a count, got {v:?}"))?;
            }
            other => return Err(format!("unknown argument {other:?}\n\n{USAGE}")),
        }
    }
    match (opts.python, hyper_only, python_only) {
        (true, Some(flag), _) => return Err(format!("{flag} is not an option of --python")),
        (false, _, Some(flag)) => return Err(format!("{flag} needs --python")),
        _ => {}
    }
    if quick {
        opts.warmup = Duration::from_secs(1);
        opts.duration = Duration::from_secs(3);
        // A smoke test does not replace the recorded figures.
        opts.write_docs = false;
    }
    opts.duration = explicit_duration.unwrap_or(opts.duration);
    opts.warmup = explicit_warmup.unwrap_or(opts.warmup);
    if opts.duration.is_zero() {
        return Err("--duration must be at least 1 s".to_owned());
    }
    Ok(Parsed::Run(opts))
}

/// Worker threads per Python server, the same for all: within what granian calls sensible
/// (it warns above twice the cores plus one, 5 here) and gunicorn's advice of 2 to 4 threads
/// per core. Its own WSGI default, half the backpressure (512 threads), is not meant for one
/// core; cheroot's is 10.
const DEFAULT_THREADS: u32 = 4;

fn parse_secs(arg: &str, v: &str) -> Result<Duration, String> {
    // wrk takes whole seconds, so the harness does too; the cap keeps every run bounded.
    match v.parse::<u64>() {
        Ok(s) if s <= 600 => Ok(Duration::from_secs(s)),
        _ => Err(format!(
            "{arg} wants whole seconds from 0 to 600, got {v:?}"
        )),
    }
}

fn parse_scenarios(v: &str) -> Result<Vec<&'static Scenario>, String> {
    let mut out = Vec::new();
    for name in v.split(',').map(str::trim).filter(|s| !s.is_empty()) {
        let found = SCENARIOS.iter().find(|s| s.id.eq_ignore_ascii_case(name));
        match found {
            Some(s) if !out.iter().any(|o: &&Scenario| o.id == s.id) => out.push(s),
            Some(_) => {}
            None => {
                let known: Vec<&str> = SCENARIOS.iter().map(|s| s.id).collect();
                return Err(format!(
                    "unknown scenario {name:?}; known: {}",
                    known.join(",")
                ));
            }
        }
    }
    if out.is_empty() {
        return Err("--scenario names no scenario".to_owned());
    }
    Ok(out)
}

fn parse_apps(v: &str) -> Result<Vec<App>, String> {
    let mut out = Vec::new();
    for name in v.split(',').map(str::trim).filter(|s| !s.is_empty()) {
        let app = App::ALL
            .into_iter()
            .find(|a| a.name().eq_ignore_ascii_case(name))
            .ok_or_else(|| {
                let known: Vec<&str> = App::ALL.iter().map(|a| a.name()).collect();
                format!("unknown app {name:?}; known: {}", known.join(","))
            })?;
        if !out.contains(&app) {
            out.push(app);
        }
    }
    if out.is_empty() {
        return Err("--app names no app".to_owned());
    }
    Ok(out)
}

fn parse_gateways(v: &str) -> Result<Vec<Gateway>, String> {
    let mut out = Vec::new();
    for name in v.split(',').map(str::trim).filter(|s| !s.is_empty()) {
        let g = match name {
            "native" => Gateway::Native,
            "pool" => Gateway::Pool,
            "wsgi" => Gateway::Wsgi,
            "command" => Gateway::Command,
            _ => {
                return Err(format!(
                    "unknown gateway {name:?}; known: native,pool,wsgi,command"
                ));
            }
        };
        if !out.contains(&g) {
            out.push(g);
        }
    }
    if out.is_empty() {
        return Err("--gateway names no gateway".to_owned());
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(args: &[&str]) -> Result<Options, String> {
        let args: Vec<String> = args.iter().map(|s| (*s).to_owned()).collect();
        match parse(&args)? {
            Parsed::Run(o) => Ok(o),
            Parsed::Help => Err("help".to_owned()),
        }
    }

    #[test]
    fn defaults_run_everything_for_ten_seconds() {
        let o = run(&[]).unwrap();
        let ids: Vec<&str> = o.scenarios.iter().map(|s| s.id).collect();
        assert_eq!(ids, ["A", "B", "C", "D", "P", "I", "T", "TH"]);
        assert_eq!(
            o.gateways,
            [
                Gateway::Native,
                Gateway::Pool,
                Gateway::Wsgi,
                Gateway::Command
            ]
        );
        assert_eq!((o.warmup.as_secs(), o.duration.as_secs()), (2, 10));
        assert_eq!(o.idle, 10_000);
        assert!(!o.hyper_pipeline_flush);
        assert_eq!(o.rounds, 1);
        assert!(!o.no_build && run(&["--no-build"]).unwrap().no_build);
        assert_eq!(run(&["--rounds", "3"]).unwrap().rounds, 3);
        assert!(
            run(&["--hyper-pipeline-flush"])
                .unwrap()
                .hyper_pipeline_flush
        );
        assert!(!o.python);
    }

    #[test]
    fn python_options() {
        let o = run(&["--python", "--rounds", "3", "--duration", "5"]).unwrap();
        assert!(o.python && o.write_docs);
        assert_eq!(o.apps, App::ALL);
        assert_eq!((o.rounds, o.duration.as_secs(), o.threads), (3, 5, 4));
        let o = run(&["--python", "--app", "file,HELLO,file", "--threads", "8"]).unwrap();
        assert_eq!(o.apps, [App::File, App::Hello]);
        assert_eq!(o.threads, 8);
        assert!(!run(&["--python", "--no-docs"]).unwrap().write_docs);
        assert!(!run(&["--no-docs"]).unwrap().write_docs);
        assert!(!run(&["--quick"]).unwrap().write_docs);
        assert_eq!(run(&["--python", "--workers", "2"]).unwrap().workers, 2);
        // A smoke test never overwrites the recorded figures.
        assert!(!run(&["--python", "--quick"]).unwrap().write_docs);
    }

    #[test]
    fn quick_and_explicit_durations() {
        let o = run(&["--quick"]).unwrap();
        assert_eq!((o.warmup.as_secs(), o.duration.as_secs()), (1, 3));
        // An explicit duration wins over --quick, whatever the order.
        let o = run(&["--duration", "5", "--quick"]).unwrap();
        assert_eq!((o.warmup.as_secs(), o.duration.as_secs()), (1, 5));
    }

    #[test]
    fn scenario_and_gateway_lists() {
        let o = run(&["--scenario", "p,a,A", "--gateway", "pool"]).unwrap();
        let ids: Vec<&str> = o.scenarios.iter().map(|s| s.id).collect();
        assert_eq!(ids, ["P", "A"]);
        assert_eq!(o.gateways, [Gateway::Pool]);
        // The TLS scenarios, in any case; "T" does not swallow "TH".
        let o = run(&["--scenario", "th,T", "--gateway", "native"]).unwrap();
        let ids: Vec<(&str, bool)> = o.scenarios.iter().map(|s| (s.id, s.tls)).collect();
        assert_eq!(ids, [("TH", true), ("T", true)]);
        assert_eq!(o.gateways, [Gateway::Native]);
    }

    #[test]
    fn bad_arguments_are_errors() {
        let table: &[&[&str]] = &[
            &["--scenario", "Z"],
            &["--scenario", "TLS"],
            &["--scenario", ","],
            &["--gateway", "cgi"],
            &["--duration"],
            &["--duration", "0"],
            &["--duration", "1.5"],
            &["--duration", "601"],
            &["--idle", "-1"],
            &["--rounds", "0"],
            &["--rounds", "21"],
            &["--frobnicate"],
            &["--python", "--app", "django"],
            &["--python", "--app", ","],
            &["--python", "--threads", "0"],
            &["--python", "--threads", "65"],
            &["--python", "--scenario", "A"],
            &["--gateway", "pool", "--python"],
            &["--python", "--idle", "10"],
            &["--app", "hello"],
            &["--threads", "4"],
            &["--workers", "2"],
            &["--python", "--workers", "0"],
            &["--python", "--workers", "17"],
        ];
        for args in table {
            assert!(run(args).is_err(), "{args:?} was accepted");
        }
        assert_eq!(run(&["--help"]).unwrap_err(), "help");
    }
}
