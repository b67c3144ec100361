//! `cargo xtask bench`: cheroot-rs against a hyper 1.x hello-world server, loaded by wrk in the
//! same run, each server pinned to one core and wrk to the other (docs/benchmarks.md);
//! with `--python`, cheroot-rs hosting Python WSGI apps against granian, cheroot and gunicorn
//! (bench/python.rs).
//!
//! Kept out of CI: it needs wrk, two cores and a couple of minutes.

mod chart;
mod check;
mod client;
mod cpu;
mod fd_limit;
mod idle;
mod memory;
mod options;
mod process_tree;
mod python;
mod report;
mod scenario;
mod server;
mod setup;
mod tls_cert;
mod wrk;
mod wrk_report;

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::thread::sleep;
use std::time::Duration;

use idle::IdleConns;
use options::{Options, Parsed};
use report::{Figures, Idle, Outcome, Row};
use scenario::{Gateway, Load, PIPELINE_DEPTH, Scenario, Server};
use server::ServerProcess;
use setup::Machine;
use tls_cert::TlsFiles;
use wrk::WrkSpec;

/// Descriptors kept free for wrk, logs and the listener beyond the idle connections.
const FD_MARGIN: u64 = 1024;

/// Everything a single measurement needs.
#[derive(Debug)]
struct Context {
    opts: Options,
    bin_dir: PathBuf,
    logs: PathBuf,
    pipeline_script: PathBuf,
    /// The certificate and key of the TLS scenarios, when any runs.
    tls: Option<TlsFiles>,
    server_core: Option<u32>,
    wrk_core: Option<u32>,
}

/// Runs `cargo xtask bench` with the arguments that follow `bench`.
pub(crate) fn run(args: &[String]) -> Result<(), String> {
    let mut opts = match options::parse(args)? {
        Parsed::Help => {
            println!("{}", options::USAGE);
            return Ok(());
        }
        Parsed::Run(opts) => opts,
    };
    let root = crate::workspace::root();
    if opts.python {
        return python::run(&opts, args, &root);
    }
    setup::ensure_wrk()?;
    let logs = root.join("bench").join("target").join("bench-logs");
    std::fs::create_dir_all(&logs).map_err(|e| format!("{}: {e}", logs.display()))?;
    let built = if opts.no_build {
        setup::prebuilt(&root)?
    } else {
        setup::build(&root, &logs)?
    };
    if opts.gateways.contains(&Gateway::Command) {
        if !opts.no_build {
            crate::dist::build_command()?;
        }
        let command = crate::dist::command_binary();
        if !command.is_file() {
            return Err(format!("no {}: run without --no-build", command.display()));
        }
    }
    let pipeline_script = wrk::write_pipeline_script(&logs, PIPELINE_DEPTH, "/hello")?;
    let tls = if opts.scenarios.iter().any(|s| s.tls) {
        Some(tls_cert::generate(&logs.join("tls"))?)
    } else {
        None
    };

    let machine = Machine::describe();
    let (server_core, wrk_core) = machine.pinning();
    if opts.scenarios.iter().any(|s| s.load == Load::BesideIdle) {
        let wanted = opts.idle as u64 + FD_MARGIN;
        let limit = fd_limit::ensure(wanted)?;
        if limit < wanted {
            let idle = usize::try_from(limit.saturating_sub(FD_MARGIN)).unwrap_or(0);
            eprintln!(
                "bench: open-file limit {limit}: holding {idle} idle connections, not {}",
                opts.idle
            );
            opts.idle = idle;
        }
    }
    println!(
        "bench: {}; {}; {} s warm-up + {} s runs",
        machine.date,
        machine.setting(server_core, wrk_core),
        opts.warmup.as_secs(),
        opts.duration.as_secs(),
    );
    if opts.rounds > 1 {
        println!(
            "bench: {} rounds per server; each figure in the table is its median over them",
            opts.rounds
        );
    }
    println!(
        "bench: hyper-hello: current-thread runtime, pipeline_flush {}",
        if opts.hyper_pipeline_flush {
            "on"
        } else {
            "off"
        }
    );
    println!("bench: load average at start: {}", setup::load_average());

    let ctx = Context {
        opts,
        bin_dir: built.bin_dir,
        logs,
        pipeline_script,
        tls,
        server_core,
        wrk_core,
    };
    let mut servers = vec![Server::Hyper];
    if built.cheroot {
        servers.extend(ctx.opts.gateways.iter().map(|&g| Server::Cheroot(g)));
    }
    let mut rows = Vec::new();
    for &scenario in &ctx.opts.scenarios {
        println!("bench: scenario {}: {}", scenario.id, scenario.title);
        // Rounds alternate the servers, so a burst of outside load hits them alike.
        let mut runs: Vec<Vec<Outcome>> = vec![Vec::new(); servers.len()];
        for round in 1..=ctx.opts.rounds {
            for (i, &server) in servers.iter().enumerate() {
                runs[i].push(measure(&ctx, server, scenario, round));
            }
        }
        let mut medians = runs.into_iter().map(Outcome::median);
        let hyper = medians.next().unwrap_or(Outcome::NotMeasured);
        for &gateway in &ctx.opts.gateways {
            let ours = medians.next().unwrap_or(Outcome::NotMeasured);
            rows.push(Row {
                scenario,
                gateway,
                hyper: hyper.clone(),
                ours,
            });
        }
    }
    println!("bench: load average at end: {}", setup::load_average());
    println!("bench: wrk and server logs in {}\n", ctx.logs.display());
    print!("{}", report::render(&rows));
    write_chart(&ctx.opts, &rows, &root)?;
    // A failed run fails the command, so `--quick` works as a smoke test; a cheroot-hello
    // that does not build yet is "not yet measured", not a failure.
    let failed = rows
        .iter()
        .flat_map(|r| [&r.hyper, &r.ours])
        .filter(|o| matches!(o, Outcome::Failed(_)))
        .count();
    if failed > 0 {
        return Err(format!(
            "{failed} table cells come from failed runs; see the notes above"
        ));
    }
    Ok(())
}

/// Writes docs/benchmarks.svg from a full run (every scenario, not `--quick`): a partial run
/// would replace the picture of all of them with a few bars.
fn write_chart(opts: &Options, rows: &[Row], root: &Path) -> Result<(), String> {
    if !opts.write_docs || opts.scenarios.len() < scenario::SCENARIOS.len() {
        println!("bench: docs/benchmarks.svg kept (only a full run, without --quick, redraws it)");
        return Ok(());
    }
    let bars: Vec<chart::Bar> = rows
        .iter()
        .filter_map(|row| match (&row.hyper, &row.ours) {
            (Outcome::Measured(h), Outcome::Measured(o)) if h.value > 0.0 => Some(chart::Bar {
                label: format!("{} {}", row.scenario.id, row.gateway.label()),
                ratio: o.value / h.value,
            }),
            _ => None,
        })
        .collect();
    let title = format!(
        "cheroot-rs / hyper, {}",
        Machine::describe()
            .date
            .split_whitespace()
            .next()
            .unwrap_or("")
    );
    let path = root.join("docs").join("benchmarks.svg");
    std::fs::write(&path, chart::svg(&title, &bars))
        .map_err(|e| format!("{}: {e}", path.display()))?;
    println!("bench: chart written to {}", path.display());
    Ok(())
}

/// Measures one server in one scenario, reporting progress; a failure becomes a table cell.
fn measure(ctx: &Context, server: Server, scenario: &Scenario, round: u32) -> Outcome {
    if scenario.path != "/hello" && !server.serves_big() {
        println!(
            "bench:   {}: serves /hello only, not in {}",
            server.label(),
            scenario.id
        );
        return Outcome::NotMeasured;
    }
    match try_measure(ctx, server, scenario, round) {
        Ok(f) => {
            let idle = f.idle.as_ref().map_or(String::new(), |i| {
                format!(
                    ", idle {:.0} B/conn ({}/{} still open)",
                    i.bytes_per_conn, i.still_open, i.opened
                )
            });
            let label = if ctx.opts.rounds > 1 {
                format!("{} r{round}", server.label())
            } else {
                server.label().to_owned()
            };
            let unit = match scenario.unit {
                scenario::Unit::ReqPerSec => "req/s",
                scenario::Unit::MibPerSec => "MiB/s",
            };
            println!("{}{idle}", f.progress(&label, unit));
            Outcome::Measured(f)
        }
        Err(e) => {
            eprintln!("bench:   {} failed: {e}", server.label());
            Outcome::Failed(e)
        }
    }
}

fn try_measure(
    ctx: &Context,
    server: Server,
    scenario: &Scenario,
    round: u32,
) -> Result<Figures, String> {
    let name = format!("{}-{}-r{round}", scenario.id, server.label());
    let log = |what: &str| ctx.logs.join(format!("{name}-{what}.txt"));
    // Dropped (killed) on every return below, errors included.
    let mut extra: Vec<OsString> = Vec::new();
    if server == Server::Hyper && ctx.opts.hyper_pipeline_flush && !scenario.tls {
        extra.push("--pipeline-flush".into());
    }
    if scenario.tls {
        let files = ctx
            .tls
            .as_ref()
            .ok_or("a TLS scenario without its certificate")?;
        let cert = files.cert.clone().into_os_string();
        let key = files.key.clone().into_os_string();
        match server {
            Server::Hyper => extra.extend(["--cert".into(), cert, "--key".into(), key]),
            Server::Cheroot(Gateway::Command) => extra.extend([
                "--ssl-certificate".into(),
                cert,
                "--ssl-private-key".into(),
                key,
            ]),
            Server::Cheroot(_) => extra.extend(["--tls".into(), cert, key]),
        }
    }
    let mut proc = ServerProcess::start(
        &ctx.bin_dir,
        server,
        scenario.tls,
        &extra,
        ctx.server_core,
        &log("server"),
    )?;
    if scenario.tls {
        check::routes_https(proc.addr(), server.serves_big())
    } else {
        check::routes(proc.addr(), server.serves_big())
    }
    .map_err(|e| format!("wrong answer: {e}"))?;

    let idle = if scenario.load == Load::BesideIdle {
        // Let the fresh process settle before the baseline.
        sleep(Duration::from_millis(300));
        let base = proc.memory()?.rss_kib;
        let conns = IdleConns::open(proc.addr(), ctx.opts.idle)?;
        sleep(Duration::from_secs(1));
        proc.check_alive()?;
        let after = proc.memory()?.rss_kib;
        Some((conns, base, after))
    } else {
        None
    };

    let mut spec = WrkSpec {
        connections: scenario.connections,
        duration: ctx.opts.warmup,
        path: scenario.path,
        load: scenario.load,
        script: Some(&ctx.pipeline_script),
        tls: scenario.tls,
        core: ctx.wrk_core,
    };
    if !ctx.opts.warmup.is_zero() {
        wrk::run(&mut proc, &spec, &log("warmup-wrk"))?;
    }
    spec.duration = ctx.opts.duration;
    let measured = wrk::run(&mut proc, &spec, &log("wrk"))?;

    let idle = idle.map(|(conns, base, after)| {
        let opened = conns.len();
        Idle {
            opened,
            still_open: conns.still_open(),
            bytes_per_conn: after.saturating_sub(base) as f64 * 1024.0 / opened.max(1) as f64,
        }
    });
    Ok(Figures::from_run(&measured, idle))
}
