//! `cargo xtask bench --python`: the WSGI apps of bench/python/apps.py on
//! cheroot-rs, granian, cheroot and gunicorn, one worker process each pinned to one core and
//! wrk on the other, with the Rust `cheroot builtin:hello` as the bridge's baseline; the
//! figures, ratios and targets are printed and written into docs/benchmarks.md.

mod apps;
mod docs;
mod report;
mod servers;
mod setup;

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::thread::sleep;
use std::time::{Duration, Instant};

pub(crate) use apps::App;
use report::Measurement;
use servers::PyServer;
use setup::Tools;

use super::check;
use super::options::Options;
use super::report::{Figures, Outcome};
use super::scenario::Load;
use super::server::{ServerProcess, free_loopback_port};
use super::setup::{Machine, ensure_wrk, load_average};
use super::wrk::{self, WrkSpec};

/// How long a Python server may take to answer its first request after it listens: granian
/// and gunicorn bind in the master before the worker has imported the app.
const ANSWER_TIMEOUT: Duration = Duration::from_secs(30);
/// The path wrk asks for; every app answers any path alike.
const PATH: &str = "/hello";

/// Everything one measurement needs.
#[derive(Debug)]
struct Context<'a> {
    opts: &'a Options,
    tools: Tools,
    logs: PathBuf,
    server_core: Option<u32>,
    wrk_core: Option<u32>,
}

/// Runs the Python benchmark; `args` are the command line, for the record.
pub(crate) fn run(opts: &Options, args: &[String], root: &Path) -> Result<(), String> {
    ensure_wrk()?;
    let logs = root
        .join("bench")
        .join("target")
        .join("bench-logs")
        .join("python");
    std::fs::create_dir_all(&logs).map_err(|e| format!("{}: {e}", logs.display()))?;
    let tools = setup::prepare(root, opts.no_build)?;
    let versions = setup::versions(&tools);

    let machine = Machine::describe();
    // A pool of worker processes is measured on every core, wrk beside it: pinning it to one
    // core would measure one core's worth.
    let (server_core, wrk_core) = if opts.workers > 1 {
        (None, None)
    } else {
        machine.pinning()
    };
    let load_start = load_average();
    let rounds = match opts.rounds {
        1 => "one round".to_owned(),
        n => format!("medians of {n} rounds"),
    };
    let setting = format!(
        "{}; {} s warm-up + {} s runs, {rounds}; {} worker process(es) of {} threads per server",
        machine.setting(server_core, wrk_core),
        opts.warmup.as_secs(),
        opts.duration.as_secs(),
        opts.workers,
        opts.threads,
    );
    println!("bench: {}; {setting}", machine.date);
    println!("bench: {versions}");
    println!("bench: load average at start: {load_start}");

    let ctx = Context {
        opts,
        tools,
        logs,
        server_core,
        wrk_core,
    };
    let mut results = Vec::new();
    for &app in &opts.apps {
        println!("bench: app {}: {}", app.name(), app.title());
        let servers = PyServer::for_app(app, opts.workers);
        // Rounds alternate the servers, so a burst of outside load hits them alike.
        let mut runs: Vec<Vec<Outcome>> = vec![Vec::new(); servers.len()];
        for round in 1..=opts.rounds {
            for (i, &server) in servers.iter().enumerate() {
                runs[i].push(measure(&ctx, server, app, round));
            }
        }
        for (server, runs) in servers.into_iter().zip(runs) {
            results.push(Measurement {
                app,
                server,
                outcome: Outcome::median(runs),
            });
        }
    }
    let load_end = load_average();
    let ended = Machine::describe().date;
    println!("bench: load average at end: {load_end}");
    println!("bench: wrk and server logs in {}\n", ctx.logs.display());
    let tables = report::render(&results);
    print!("{tables}");

    if opts.write_docs {
        let mut block = String::new();
        let _ = writeln!(
            block,
            "### {} to {}, `cargo xtask bench {}`\n",
            machine.date,
            ended.split_whitespace().nth(1).unwrap_or(&ended),
            args.join(" ")
        );
        let about = format!(
            "{}; {setting}; load average {load_start} at the start, {load_end} at the end. \
             {versions}. req/s of `big` and `file` are MiB/s of body.",
            checkout(),
        );
        let _ = writeln!(block, "{}\n", wrap(&about, DOC_WIDTH));
        block.push_str(&tables);
        docs::write(root, &block)?;
        println!("\nbench: figures written into docs/benchmarks.md");
    }
    let failed = results
        .iter()
        .filter(|m| matches!(m.outcome, Outcome::Failed(_)))
        .count();
    if failed > 0 {
        return Err(format!(
            "{failed} table cells come from failed runs; see the notes above"
        ));
    }
    Ok(())
}

/// Measures one server on one app, reporting progress; a failure becomes a table cell.
fn measure(ctx: &Context<'_>, server: PyServer, app: App, round: u32) -> Outcome {
    let label = if ctx.opts.rounds > 1 {
        format!("{} r{round}", server.label())
    } else {
        server.label().to_owned()
    };
    match try_measure(ctx, server, app, round) {
        Ok(f) => {
            println!("{}", f.progress(&label, "req/s"));
            Outcome::Measured(f)
        }
        Err(e) => {
            eprintln!("bench:   {label} failed: {e}");
            Outcome::Failed(e)
        }
    }
}

fn try_measure(
    ctx: &Context<'_>,
    server: PyServer,
    app: App,
    round: u32,
) -> Result<Figures, String> {
    let name = format!(
        "{}-{}-r{round}",
        app.name(),
        server.label().replace(':', "-")
    );
    let log = |what: &str| ctx.logs.join(format!("{name}-{what}.txt"));
    let addr = free_loopback_port()?;
    let cmd = server.command(
        &ctx.tools,
        app,
        addr,
        (ctx.opts.workers, ctx.opts.threads),
        ctx.server_core,
    );
    // Dropped (killed, workers and all) on every return below, errors included.
    let mut proc = ServerProcess::spawn(cmd, addr, server.label(), &log("server"))?;
    wait_for_answer(&mut proc, app).map_err(|e| format!("{e}; see {}", log("server").display()))?;

    let mut spec = WrkSpec {
        connections: app.connections(),
        duration: ctx.opts.warmup,
        path: PATH,
        load: Load::KeepAlive,
        script: None,
        tls: false,
        core: ctx.wrk_core,
    };
    if !ctx.opts.warmup.is_zero() {
        wrk::run(&mut proc, &spec, &log("warmup-wrk"))?;
    }
    spec.duration = ctx.opts.duration;
    let measured = wrk::run(&mut proc, &spec, &log("wrk"))?;
    Ok(Figures::from_run(&measured, None))
}

/// Waits until the server answers `app`'s request correctly (a fast wrong answer must never
/// pass for a fast server), for at most [`ANSWER_TIMEOUT`].
fn wait_for_answer(proc: &mut ServerProcess, app: App) -> Result<(), String> {
    let deadline = Instant::now() + ANSWER_TIMEOUT;
    loop {
        proc.check_alive()?;
        // Each attempt is bounded by the client's own timeouts.
        match check::answer(proc.addr(), PATH, app.max_body(), |b| app.body_ok(b)) {
            Ok(()) => return Ok(()),
            Err(e) if Instant::now() >= deadline => {
                return Err(format!("no right answer within {ANSWER_TIMEOUT:?}: {e}"));
            }
            Err(_) => sleep(Duration::from_millis(200)),
        }
    }
}

/// The line width of docs/benchmarks.md's prose.
const DOC_WIDTH: usize = 96;

/// `text` broken into lines of at most `width` characters at spaces (a longer word stays
/// whole on its own line).
fn wrap(text: &str, width: usize) -> String {
    let mut out = String::new();
    let mut line_len = 0;
    for word in text.split_whitespace() {
        let len = word.chars().count();
        if line_len > 0 && line_len + 1 + len > width {
            out.push('\n');
            line_len = 0;
        } else if line_len > 0 {
            out.push(' ');
            line_len += 1;
        }
        out.push_str(word);
        line_len += len;
    }
    out
}

/// The commit measured, and the top-level folders where the work tree differed from it
/// (read-only git calls): a reader can tell whether crates/ was as committed.
fn checkout() -> String {
    let git = |args: &[&str]| crate::cmd::Cmd::new("git").args(args).read();
    let commit = git(&["rev-parse", "--short", "HEAD"])
        .map_or_else(|_| "unknown".to_owned(), |s| s.trim().to_owned());
    let changed = git(&["status", "--porcelain", "--untracked-files=no"]).unwrap_or_default();
    let dirs = changed_dirs(&changed);
    if dirs.is_empty() {
        format!("`{commit}`")
    } else {
        format!("`{commit}` with uncommitted changes in {}", dirs.join(", "))
    }
}

/// The top-level folders (or files) named in `git status --porcelain` output, sorted.
fn changed_dirs(porcelain: &str) -> Vec<String> {
    let mut dirs: Vec<String> = porcelain
        .lines()
        // "XY path" or "XY old -> new": the path the tree has now.
        .filter_map(|line| line.get(3..))
        .map(|path| path.rsplit(" -> ").next().unwrap_or(path))
        .filter_map(|path| path.trim_matches('"').split('/').next())
        .filter(|top| !top.is_empty())
        .map(|top| format!("`{top}`"))
        .collect();
    dirs.sort();
    dirs.dedup();
    dirs
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wraps_at_spaces() {
        assert_eq!(wrap("aa bb cc", 5), "aa bb\ncc");
        assert_eq!(wrap("  aa   bb ", 80), "aa bb");
        assert_eq!(wrap("a verylongword b", 4), "a\nverylongword\nb");
        assert_eq!(wrap("", 10), "");
    }

    #[test]
    fn names_the_changed_folders() {
        let status = " M xtask/src/bench.rs\nM  docs/benchmarks.md\n M xtask/src/main.rs\n\
                      R  a/old.rs -> crates/new.rs\n M README.md\n";
        assert_eq!(
            changed_dirs(status),
            ["`README.md`", "`crates`", "`docs`", "`xtask`"]
        );
        assert!(changed_dirs("").is_empty());
    }
}
