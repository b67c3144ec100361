//! Running wrk against a server, pinned to its own core, while sampling the server's memory
//! and both processes' CPU time.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::thread::sleep;
use std::time::{Duration, Instant};

use super::cpu;
use super::memory::Memory;
use super::scenario::Load;
use super::server::{self, ServerProcess};
use super::wrk_report::{self, WrkReport};

/// How often the server's RSS is sampled during a run.
const SAMPLE_EVERY: Duration = Duration::from_millis(100);
/// Grace beyond the requested duration before wrk is deemed hung and killed.
const GRACE: Duration = Duration::from_secs(30);

/// One wrk invocation.
#[derive(Debug)]
pub(crate) struct WrkSpec<'a> {
    pub(crate) connections: u32,
    pub(crate) duration: Duration,
    pub(crate) path: &'a str,
    pub(crate) load: Load,
    /// The Lua script for pipelined loads.
    pub(crate) script: Option<&'a Path>,
    /// HTTPS instead of HTTP.
    pub(crate) tls: bool,
    /// Core to pin wrk to, when pinning.
    pub(crate) core: Option<u32>,
}

/// The outcome of one measured run.
#[derive(Debug, Clone)]
pub(crate) struct Measured {
    pub(crate) report: WrkReport,
    /// Largest VmRSS seen while wrk ran, and VmHWM at its end.
    pub(crate) memory: Memory,
    /// CPU used during the run, as a percentage of one core: the server's and wrk's.
    pub(crate) server_cpu: f64,
    pub(crate) wrk_cpu: f64,
    /// The server's CPU time per completed response, microseconds.
    pub(crate) server_us_per_request: f64,
}

/// Runs wrk against `server` as `spec` says, keeping its report in `log`.
pub(crate) fn run(
    server: &mut ServerProcess,
    spec: &WrkSpec<'_>,
    log: &Path,
) -> Result<Measured, String> {
    let secs = spec.duration.as_secs().max(1);
    let mut cmd = server::pinned(spec.core, "wrk");
    cmd.arg("-t1")
        .arg(format!("-c{}", spec.connections))
        .arg(format!("-d{secs}s"))
        .arg("--timeout")
        .arg("5s")
        .arg("--latency");
    match spec.load {
        Load::Close => {
            cmd.arg("-H").arg("Connection: close");
        }
        Load::Pipelined(_) => {
            let script = spec.script.ok_or("a pipelined run needs its Lua script")?;
            cmd.arg("-s").arg(script);
        }
        Load::KeepAlive | Load::BesideIdle => {}
    }
    let scheme = if spec.tls { "https" } else { "http" };
    cmd.arg(format!("{scheme}://{}{}", server.addr(), spec.path));
    let out = File::create(log).map_err(|e| format!("{}: {e}", log.display()))?;
    let err = out
        .try_clone()
        .map_err(|e| format!("{}: {e}", log.display()))?;
    cmd.stdin(Stdio::null()).stdout(out).stderr(err);
    let per_second = cpu::ticks_per_second();
    let server_start = server.cpu_ticks();
    let mut child = cmd.spawn().map_err(|e| format!("cannot run wrk: {e}"))?;
    let started = Instant::now();
    // taskset execs wrk, so the child's pid is wrk's; its last sample before it exits
    // stands for its total (at most one sampling period short).
    let mut wrk_ticks = 0;

    let deadline = Instant::now() + Duration::from_secs(secs) + GRACE;
    let mut memory = Memory::default();
    let status = loop {
        if let Ok(m) = server.memory() {
            memory.rss_kib = memory.rss_kib.max(m.rss_kib);
            memory.hwm_kib = m.hwm_kib;
        }
        wrk_ticks = cpu::ticks(child.id()).unwrap_or(wrk_ticks);
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if Instant::now() < deadline => sleep(SAMPLE_EVERY),
            Ok(None) => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!(
                    "wrk still running after {secs} s + {GRACE:?}; killed"
                ));
            }
            Err(e) => return Err(format!("waiting for wrk: {e}")),
        }
    };
    let elapsed = started.elapsed();
    let server_used = match (server_start, server.cpu_ticks()) {
        (Some(a), Some(b)) => b.saturating_sub(a),
        _ => 0,
    };
    server.check_alive()?;
    if let Ok(m) = server.memory() {
        memory.rss_kib = memory.rss_kib.max(m.rss_kib);
        memory.hwm_kib = m.hwm_kib;
    }
    let text = std::fs::read_to_string(log).map_err(|e| format!("{}: {e}", log.display()))?;
    if !status.success() {
        return Err(format!("wrk failed ({status}):\n{text}"));
    }
    let report = wrk_report::parse(&text)?;
    if report.requests == 0 {
        return Err(format!("wrk completed no request:\n{text}"));
    }
    let server_us_per_request =
        server_used as f64 / per_second.max(1) as f64 * 1e6 / report.requests as f64;
    Ok(Measured {
        report,
        memory,
        server_cpu: cpu::percent(server_used, per_second, elapsed),
        wrk_cpu: cpu::percent(wrk_ticks, per_second, elapsed),
        server_us_per_request,
    })
}

/// Writes the Lua script that sends `depth` requests for `path` in one write. wrk counts how
/// many requests the string holds when it starts and then expects that many responses per
/// write, so every pipelined response is counted (the approach of wrk's own pipeline.lua).
pub(crate) fn write_pipeline_script(dir: &Path, depth: u32, path: &str) -> Result<PathBuf, String> {
    let file = dir.join(format!("pipeline-{depth}.lua"));
    let script = format!(
        "-- {depth} requests in one string, written at once; written by cargo xtask bench.\n\
         init = function(args)\n\
         \x20 local r = {{}}\n\
         \x20 for i = 1, {depth} do r[i] = wrk.format(\"GET\", \"{path}\") end\n\
         \x20 req = table.concat(r)\n\
         end\n\
         request = function() return req end\n"
    );
    std::fs::write(&file, script).map_err(|e| format!("{}: {e}", file.display()))?;
    Ok(file)
}
